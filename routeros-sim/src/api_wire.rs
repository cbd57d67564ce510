//! The RouterOS API wire format (DESIGN.md, "Facts: classic API"), as the emulator reads
//! and writes it: length-prefixed *words* grouped into *sentences* that end with a
//! zero-length word.
//!
//! A word's length is encoded big-endian in one to five bytes:
//!
//! | length | bytes | encoding |
//! |---|---|---|
//! | `0..=0x7F` | 1 | the length |
//! | `0x80..=0x3FFF` | 2 | length `\| 0x8000` |
//! | `0x4000..=0x1F_FFFF` | 3 | length `\| 0xC0_0000` |
//! | `0x20_0000..=0xFFF_FFFF` | 4 | length `\| 0xE000_0000` |
//! | `0x1000_0000..=0xFFFF_FFFF` | 5 | `0xF0`, then the length in four bytes |
//!
//! A first byte of `0xF8` or more is a reserved control byte; `0xF1..=0xF7` start no
//! defined encoding. The [`SentenceDecoder`] is incremental and never allocates more than
//! its [`Limits`] allow: a prefix announcing a word longer than the limit is rejected as
//! soon as the prefix has arrived, before any of the word is buffered.
//!
//! ```
//! use routeros_sim::api_wire::{Decoded, Limits, SentenceDecoder, encode_sentence};
//!
//! let bytes = encode_sentence(&["/interface/print", "?type=ether"]);
//! let mut decoder = SentenceDecoder::new(Limits::AFTER_LOGIN);
//! match decoder.decode(&bytes).unwrap() {
//!     Decoded::Sentence { words, consumed } => {
//!         assert_eq!(consumed, bytes.len());
//!         assert_eq!(words, vec![b"/interface/print".to_vec(), b"?type=ether".to_vec()]);
//!     }
//!     Decoded::NeedMore { .. } => unreachable!(),
//! }
//! ```

/// The largest length the five-byte form can carry.
pub const MAX_ENCODABLE: u64 = u32::MAX as u64;

/// How much one sentence may hold. A peer that exceeds a limit gets its connection closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest word, in bytes.
    pub max_word: usize,
    /// Most words in one sentence (the terminating empty word not counted).
    pub max_words: usize,
    /// Most bytes in one sentence: the words' contents, length prefixes not counted.
    pub max_sentence: usize,
}

impl Limits {
    /// Before login RouterOS allows only small sentences: enough for
    /// `/login =name=... =password=... .tag=...`.
    pub const BEFORE_LOGIN: Limits = Limits {
        max_word: 1024,
        max_words: 16,
        max_sentence: 4096,
    };

    /// After login: generous for configuration commands, bounded per connection.
    pub const AFTER_LOGIN: Limits = Limits {
        max_word: 1024 * 1024,
        max_words: 4096,
        max_sentence: 4 * 1024 * 1024,
    };
}

/// A byte stream that is not a valid API stream, or exceeds the [`Limits`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// A length prefix started with a reserved control byte (`0xF8` or more).
    #[error("reserved control byte 0x{0:02X} where a word length was expected")]
    ControlByte(u8),
    /// A length prefix started with `0xF1..=0xF7`, which no encoding uses.
    #[error("invalid word length prefix byte 0x{0:02X}")]
    BadPrefix(u8),
    /// A word longer than the limit was announced.
    #[error("word of {len} bytes exceeds the limit of {limit} bytes")]
    WordTooLong {
        /// The announced length.
        len: u64,
        /// The limit in force.
        limit: usize,
    },
    /// A sentence with more words than the limit.
    #[error("sentence has more than {limit} words")]
    TooManyWords {
        /// The limit in force.
        limit: usize,
    },
    /// A sentence with more bytes than the limit.
    #[error("sentence exceeds the limit of {limit} bytes")]
    SentenceTooLong {
        /// The limit in force.
        limit: usize,
    },
}

/// Appends the encoded form of `len` (the shortest of the five forms) to `out`.
///
/// # Panics
/// When `len` exceeds [`MAX_ENCODABLE`] (4 GiB - 1): no API word can be that long.
pub fn encode_length(len: usize, out: &mut Vec<u8>) {
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    assert!(
        len <= MAX_ENCODABLE,
        "API word of {len} bytes cannot be encoded"
    );
    // `len` fits in u32 here, so the truncating casts below are exact.
    let n = len as u32;
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x4000 {
        out.extend_from_slice(&((n | 0x8000) as u16).to_be_bytes());
    } else if n < 0x20_0000 {
        out.extend_from_slice(&(n | 0xC0_0000).to_be_bytes()[1..]);
    } else if n < 0x1000_0000 {
        out.extend_from_slice(&(n | 0xE000_0000).to_be_bytes());
    } else {
        out.push(0xF0);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Decodes a length prefix at the start of `buf`: `Ok(Some((length, prefix bytes)))`,
/// `Ok(None)` when `buf` holds only part of the prefix, or an error for an invalid first
/// byte. Longer-than-needed encodings (`0x80 0x05` for 5) are accepted.
pub fn decode_length(buf: &[u8]) -> Result<Option<(u64, usize)>, WireError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let (size, mask): (usize, u32) = match first {
        0x00..=0x7F => return Ok(Some((u64::from(first), 1))),
        0x80..=0xBF => (2, 0x3FFF),
        0xC0..=0xDF => (3, 0x1F_FFFF),
        0xE0..=0xEF => (4, 0x0FFF_FFFF),
        0xF0 => (5, u32::MAX),
        0xF1..=0xF7 => return Err(WireError::BadPrefix(first)),
        _ => return Err(WireError::ControlByte(first)),
    };
    if buf.len() < size {
        return Ok(None);
    }
    let value = if size == 5 {
        u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]])
    } else {
        buf[..size]
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
            & mask
    };
    Ok(Some((u64::from(value), size)))
}

/// Appends one word (length prefix and bytes) to `out`.
pub fn encode_word(word: &[u8], out: &mut Vec<u8>) {
    encode_length(word.len(), out);
    out.extend_from_slice(word);
}

/// Encodes a whole sentence: each word, then the terminating zero-length word.
pub fn encode_sentence<W: AsRef<[u8]>>(words: &[W]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.iter().map(|w| w.as_ref().len() + 2).sum::<usize>() + 1);
    for word in words {
        encode_word(word.as_ref(), &mut out);
    }
    out.push(0);
    out
}

/// What [`SentenceDecoder::decode`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A complete sentence (possibly empty: RouterOS ignores empty sentences). `consumed`
    /// bytes of the input belong to it and to the words taken before it.
    Sentence {
        /// The words, without the terminating empty word.
        words: Vec<Vec<u8>>,
        /// Bytes of the input used.
        consumed: usize,
    },
    /// The input ends inside a sentence: `consumed` bytes (whole words) were taken and are
    /// kept by the decoder; call again with the rest of the input plus more bytes.
    NeedMore {
        /// Bytes of the input used.
        consumed: usize,
    },
}

/// Incremental sentence decoder. Feed it the bytes received so far; it takes whole words,
/// keeps them until the sentence ends, and tells the caller how many bytes it used, so the
/// caller never buffers more than one partial word (at most [`Limits::max_word`] bytes
/// plus its prefix).
#[derive(Debug, Clone)]
pub struct SentenceDecoder {
    limits: Limits,
    words: Vec<Vec<u8>>,
    bytes: usize,
}

impl SentenceDecoder {
    /// A decoder enforcing `limits`.
    pub fn new(limits: Limits) -> SentenceDecoder {
        SentenceDecoder {
            limits,
            words: Vec::new(),
            bytes: 0,
        }
    }

    /// Changes the limits (after login); applies from the next word on.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn check_word(&self, len: u64) -> Result<(), WireError> {
        if len > self.limits.max_word as u64 {
            return Err(WireError::WordTooLong {
                len,
                limit: self.limits.max_word,
            });
        }
        if self.bytes as u64 + len > self.limits.max_sentence as u64 {
            return Err(WireError::SentenceTooLong {
                limit: self.limits.max_sentence,
            });
        }
        if len > 0 && self.words.len() >= self.limits.max_words {
            return Err(WireError::TooManyWords {
                limit: self.limits.max_words,
            });
        }
        Ok(())
    }

    /// Takes whole words from the start of `input`. Returns a finished sentence, or how
    /// much was taken when the input ends inside the sentence. A length over a limit is an
    /// error as soon as its prefix is complete; the word's bytes are never awaited.
    pub fn decode(&mut self, input: &[u8]) -> Result<Decoded, WireError> {
        let mut pos = 0;
        loop {
            let Some((len, prefix)) = decode_length(&input[pos..])? else {
                return Ok(Decoded::NeedMore { consumed: pos });
            };
            self.check_word(len)?;
            // check_word bounds len by max_word (a usize).
            let len = len as usize;
            let start = pos + prefix;
            if len == 0 {
                pos = start;
                self.bytes = 0;
                return Ok(Decoded::Sentence {
                    words: std::mem::take(&mut self.words),
                    consumed: pos,
                });
            }
            let Some(word) = input.get(start..start + len) else {
                return Ok(Decoded::NeedMore { consumed: pos });
            };
            self.words.push(word.to_vec());
            self.bytes += len;
            pos = start + len;
        }
    }
}

#[cfg(test)]
mod tests;
