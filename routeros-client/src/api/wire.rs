//! The classic API's wire format, with no I/O: words, sentences, and the
//! replies they carry.
//!
//! A *word* is a length prefix followed by that many bytes; a *sentence* is
//! a run of words ended by a zero-length word. The prefix takes one to five
//! bytes (big-endian):
//!
//! | length                  | bytes | encoding                 |
//! |-------------------------|-------|--------------------------|
//! | `0..=0x7F`              | 1     | `len`                    |
//! | `0x80..=0x3FFF`         | 2     | `len \| 0x8000`          |
//! | `0x4000..=0x1F_FFFF`    | 3     | `len \| 0xC0_0000`       |
//! | `0x20_0000..=0xFFF_FFFF`| 4     | `len \| 0xE000_0000`     |
//! | `0x1000_0000..`         | 5     | `0xF0`, then 4-byte `len`|
//!
//! A first byte of `0xF8` or more is a reserved control byte; none is in
//! use and a peer that sends one cannot be followed any further.
//!
//! [`Decoder`] is incremental: feed it bytes as they arrive and take out
//! complete sentences. It checks every announced length against its
//! [`Limits`] *before* waiting for (or storing) the bytes, and never
//! reserves memory from an announced length, so a hostile peer cannot make
//! it allocate more than it has actually sent, nor more than the limits.
//!
//! This file is self-contained (std and `thiserror` only): the fuzz
//! target under `fuzz/` compiles it on its own, without the provider.

use std::collections::BTreeMap;

/// Attributes of a reply (`=name=value` words); the same type as
/// [`crate::Record`].
pub type Record = BTreeMap<String, String>;

/// How much a peer may send, so that a broken or hostile router cannot
/// exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest word, in bytes.
    pub max_word: usize,
    /// Most words in one sentence (the closing empty word not counted).
    pub max_words: usize,
    /// Largest sentence, in bytes, length prefixes included.
    pub max_sentence: usize,
}

impl Default for Limits {
    /// 16 MiB words, 10 000 words, 64 MiB sentences.
    fn default() -> Self {
        Limits {
            max_word: 16 << 20,
            max_words: 10_000,
            max_sentence: 64 << 20,
        }
    }
}

/// A malformed or oversized word, sentence or reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// A length prefix starts with a reserved control byte (`0xF8..=0xFF`).
    #[error("the length prefix starts with the reserved control byte {0:#04x}")]
    ControlByte(u8),
    /// A length prefix starts with a byte this protocol does not define
    /// (`0xF1..=0xF7`).
    #[error("the length prefix starts with the undefined byte {0:#04x}")]
    BadPrefix(u8),
    /// A word announces more bytes than [`Limits::max_word`].
    #[error("a word announces {len} bytes, more than the limit of {max} bytes")]
    WordTooLong {
        /// Announced length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// A sentence has more words than [`Limits::max_words`].
    #[error("a sentence has more than {max} words")]
    TooManyWords {
        /// The limit.
        max: usize,
    },
    /// A sentence grows past [`Limits::max_sentence`].
    #[error("a sentence grows past the limit of {max} bytes")]
    SentenceTooLong {
        /// The limit.
        max: usize,
    },
    /// A word to send is longer than the protocol can announce (4 GiB - 1).
    #[error("a word of {0} bytes is longer than the API can carry")]
    Unencodable(usize),
    /// An earlier error left the byte stream out of step.
    #[error("the reply stream was already broken by an earlier error")]
    Poisoned,
    /// A sentence that is not a reply (its first word is not `!…`).
    #[error("a sentence from the router starts with {0:?}, not a reply word")]
    NotAReply(String),
    /// A reply word this client does not know.
    #[error("unknown reply word {0:?}")]
    UnknownReply(String),
}

/// Appends the length prefix of a `len`-byte word to `out`.
pub fn encode_length(len: usize, out: &mut Vec<u8>) -> Result<(), WireError> {
    let n = u32::try_from(len).map_err(|_| WireError::Unencodable(len))?;
    match n {
        0..=0x7F => out.push(n as u8),
        0x80..=0x3FFF => out.extend_from_slice(&((n | 0x8000) as u16).to_be_bytes()),
        0x4000..=0x1F_FFFF => out.extend_from_slice(&(n | 0xC0_0000).to_be_bytes()[1..]),
        0x20_0000..=0xFFF_FFFF => out.extend_from_slice(&(n | 0xE000_0000).to_be_bytes()),
        _ => {
            out.push(0xF0);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    Ok(())
}

/// Reads a length prefix from the start of `buf`: `Ok(None)` when `buf`
/// does not hold all of it yet, else the announced length and the
/// prefix's size.
pub fn decode_length(buf: &[u8]) -> Result<Option<(u32, usize)>, WireError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let (size, head) = match first {
        0x00..=0x7F => (1, first),
        0x80..=0xBF => (2, first & 0x3F),
        0xC0..=0xDF => (3, first & 0x1F),
        0xE0..=0xEF => (4, first & 0x0F),
        0xF0 => (5, 0),
        0xF1..=0xF7 => return Err(WireError::BadPrefix(first)),
        0xF8..=0xFF => return Err(WireError::ControlByte(first)),
    };
    if buf.len() < size {
        return Ok(None);
    }
    let len = buf[1..size]
        .iter()
        .fold(u32::from(head), |acc, &b| (acc << 8) | u32::from(b));
    Ok(Some((len, size)))
}

/// Appends one word (prefix and bytes) to `out`.
pub fn encode_word(word: &[u8], out: &mut Vec<u8>) -> Result<(), WireError> {
    encode_length(word.len(), out)?;
    out.extend_from_slice(word);
    Ok(())
}

/// A whole sentence: every word, then the closing empty word.
pub fn encode_sentence<W: AsRef<[u8]>>(words: &[W]) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::with_capacity(words.iter().map(|w| w.as_ref().len() + 2).sum::<usize>() + 1);
    for w in words {
        encode_word(w.as_ref(), &mut out)?;
    }
    out.push(0);
    Ok(out)
}

/// One sentence as received: its words, raw.
pub type Sentence = Vec<Vec<u8>>;

/// Incremental sentence decoder over a byte stream.
#[derive(Debug)]
pub struct Decoder {
    limits: Limits,
    /// Received, not yet consumed bytes (from `pos` on).
    buf: Vec<u8>,
    pos: usize,
    /// Words of the sentence being read.
    words: Sentence,
    /// Bytes of the sentence being read, prefixes included.
    sentence_bytes: usize,
    poisoned: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new(Limits::default())
    }
}

impl Decoder {
    /// A decoder enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Decoder {
            limits,
            buf: Vec::new(),
            pos: 0,
            words: Vec::new(),
            sentence_bytes: 0,
            poisoned: false,
        }
    }

    /// The limits this decoder enforces.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Adds received bytes.
    pub fn feed(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// Bytes received but not yet part of a returned sentence's words.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// True when no partial sentence is pending.
    pub fn is_idle(&self) -> bool {
        self.buffered() == 0 && self.words.is_empty()
    }

    /// The next complete sentence, `Ok(None)` when more bytes are needed.
    /// Empty sentences are skipped. After an error the stream cannot be
    /// followed any more and every later call fails.
    pub fn next_sentence(&mut self) -> Result<Option<Sentence>, WireError> {
        if self.poisoned {
            return Err(WireError::Poisoned);
        }
        let r = self.step();
        if r.is_err() {
            self.poisoned = true;
            self.buf = Vec::new();
            self.pos = 0;
            self.words = Vec::new();
        }
        r
    }

    fn step(&mut self) -> Result<Option<Sentence>, WireError> {
        loop {
            let rest = &self.buf[self.pos..];
            let Some((len, prefix)) = decode_length(rest)? else {
                return Ok(None);
            };
            // Checked before waiting for the bytes: nothing is stored or
            // reserved on the strength of an announced length.
            let len_usize = usize::try_from(len).unwrap_or(usize::MAX);
            if len_usize > self.limits.max_word {
                return Err(WireError::WordTooLong {
                    len: u64::from(len),
                    max: self.limits.max_word,
                });
            }
            let total = self
                .sentence_bytes
                .saturating_add(prefix)
                .saturating_add(len_usize);
            if total > self.limits.max_sentence {
                return Err(WireError::SentenceTooLong {
                    max: self.limits.max_sentence,
                });
            }
            if len == 0 {
                self.pos += prefix;
                self.sentence_bytes = 0;
                if self.words.is_empty() {
                    continue;
                }
                return Ok(Some(std::mem::take(&mut self.words)));
            }
            if self.words.len() >= self.limits.max_words {
                return Err(WireError::TooManyWords {
                    max: self.limits.max_words,
                });
            }
            if rest.len() < prefix + len_usize {
                return Ok(None);
            }
            let word = rest[prefix..prefix + len_usize].to_vec();
            self.pos += prefix + len_usize;
            self.sentence_bytes = total;
            self.words.push(word);
        }
    }

    #[cfg(test)]
    fn capacity(&self) -> usize {
        self.buf.capacity() + self.words.capacity()
    }
}

/// What a reply sentence says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyKind {
    /// `!re`: one data row.
    Re(Record),
    /// `!done`: the last reply to a command; may carry data (`ret`).
    Done(Record),
    /// `!trap`: the command failed.
    Trap {
        /// `=category=` (0 missing item or command, 1 argument value, …),
        /// when sent.
        category: Option<u32>,
        /// `=message=`.
        message: String,
    },
    /// `!fatal`: the router is closing the connection, for this reason.
    Fatal(String),
    /// `!empty` (RouterOS 7.18+): the command has no data; `!done` follows.
    Empty,
}

/// A reply sentence: what it says and the `.tag` of the command it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The `.tag` of the command this answers, when it had one.
    pub tag: Option<String>,
    /// The reply itself.
    pub kind: ReplyKind,
}

fn text(word: &[u8]) -> String {
    String::from_utf8_lossy(word).into_owned()
}

/// Parses a reply sentence. Attribute words are `=name=value` (the value
/// may contain `=` and may be empty); `.tag=N` is the tag; other API
/// words (`.section=…`) are ignored.
pub fn parse_reply(sentence: &[Vec<u8>]) -> Result<Reply, WireError> {
    let Some((first, rest)) = sentence.split_first() else {
        return Err(WireError::NotAReply(String::new()));
    };
    let head = text(first);
    if !head.starts_with('!') {
        return Err(WireError::NotAReply(head));
    }
    let mut tag = None;
    let mut attrs = Record::new();
    let mut plain = Vec::new();
    for word in rest {
        let w = text(word);
        if let Some(attr) = w.strip_prefix('=') {
            let (name, value) = attr.split_once('=').unwrap_or((attr, ""));
            attrs.insert(name.to_string(), value.to_string());
        } else if let Some(t) = w.strip_prefix(".tag=") {
            tag = Some(t.to_string());
        } else if !w.starts_with('.') {
            plain.push(w);
        }
    }
    let kind = match head.as_str() {
        "!re" => ReplyKind::Re(attrs),
        "!done" => ReplyKind::Done(attrs),
        "!empty" => ReplyKind::Empty,
        "!trap" => ReplyKind::Trap {
            category: attrs.get("category").and_then(|c| c.trim().parse().ok()),
            message: attrs.remove("message").unwrap_or_default(),
        },
        "!fatal" => {
            let reason = if plain.is_empty() {
                attrs.remove("message").unwrap_or_default()
            } else {
                plain.join(" ")
            };
            ReplyKind::Fatal(reason)
        }
        _ => return Err(WireError::UnknownReply(head)),
    };
    Ok(Reply { tag, kind })
}

/// A command sentence being built: the command word, then attribute,
/// API-attribute and query words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    words: Vec<String>,
}

impl Command {
    /// A command such as `/interface/macsec/print`.
    pub fn new(path: &str) -> Self {
        Command {
            words: vec![path.to_string()],
        }
    }

    /// Adds `=name=value`.
    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.words.push(format!("={name}={value}"));
        self
    }

    /// Adds every attribute of `attrs`.
    pub fn attrs(mut self, attrs: &Record) -> Self {
        for (k, v) in attrs {
            self.words.push(format!("={k}={v}"));
        }
        self
    }

    /// Adds a query word: `query` is what follows the `?` (`name=x`,
    /// `-comment`, `#|`).
    pub fn query(mut self, query: &str) -> Self {
        self.words.push(format!("?{query}"));
        self
    }

    /// Adds `.tag=tag`.
    pub fn tag(mut self, tag: &str) -> Self {
        self.words.push(format!(".tag={tag}"));
        self
    }

    /// The command word.
    pub fn path(&self) -> &str {
        &self.words[0]
    }

    /// Every word, in order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The encoded sentence.
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        encode_sentence(&self.words)
    }
}

#[cfg(test)]
mod tests;
