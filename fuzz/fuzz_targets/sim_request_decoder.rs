//! Arbitrary bytes from a "client" into routeros-sim's API request decoder
//! (`routeros_sim::api_wire::SentenceDecoder`), fed the way the emulator
//! feeds it: a caller buffer that grows by chunks and drops what the decoder
//! consumed, the pre-login limits until the first sentence, then the
//! post-login ones (and, in a second run, tiny limits throughout).
//!
//! The decoder must never panic; every sentence it returns must be within the
//! limits in force and survive re-encoding unchanged; and the caller never
//! holds more than one partial word (at most `max_word` bytes plus a 5-byte
//! prefix) besides the chunk just read.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The decoder is plain std + thiserror code: compile the emulator's own file
// here rather than the whole emulator crate.
#[allow(dead_code)]
#[path = "../../routeros-sim/src/api_wire.rs"]
mod api_wire;

use api_wire::{Decoded, Limits, SentenceDecoder, encode_sentence};

fn run(data: &[u8], first: Limits, then: Limits) {
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0) % 61);
    let mut decoder = SentenceDecoder::new(first);
    let mut buf: Vec<u8> = Vec::new();
    for piece in data.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            let limits = decoder.limits();
            match decoder.decode(&buf) {
                Ok(Decoded::Sentence { words, consumed }) => {
                    assert!(consumed >= 1 && consumed <= buf.len());
                    buf.drain(..consumed);
                    assert!(words.len() <= limits.max_words);
                    assert!(
                        words
                            .iter()
                            .all(|w| !w.is_empty() && w.len() <= limits.max_word)
                    );
                    assert!(words.iter().map(Vec::len).sum::<usize>() <= limits.max_sentence);
                    let bytes = encode_sentence(&words);
                    let mut again = SentenceDecoder::new(limits);
                    assert_eq!(
                        again.decode(&bytes),
                        Ok(Decoded::Sentence {
                            words,
                            consumed: bytes.len()
                        })
                    );
                    // "Logged in": larger sentences from now on.
                    decoder.set_limits(then);
                }
                Ok(Decoded::NeedMore { consumed }) => {
                    assert!(consumed <= buf.len());
                    buf.drain(..consumed);
                    // One partial word at most: its prefix and fewer bytes than announced.
                    assert!(buf.len() < 5 + limits.max_word.max(then.max_word));
                    break;
                }
                // The emulator closes the connection: nothing more is read.
                Err(_) => return,
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    run(data, Limits::BEFORE_LOGIN, Limits::AFTER_LOGIN);
    let tiny = Limits {
        max_word: 16,
        max_words: 4,
        max_sentence: 40,
    };
    run(data, tiny, tiny);
});
