//! Arbitrary bytes from a "router" into the provider's API reply decoder,
//! fed in pieces, under the default limits and under small ones. The
//! decoder must never panic, never return a sentence past its limits, and
//! whatever it decodes must survive re-encoding unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The decoder is plain std code: compile the provider's own file here
// rather than the whole provider.
#[allow(dead_code)]
#[path = "../../routeros-client/src/api/wire.rs"]
mod wire;

use wire::{Decoder, Limits, encode_sentence, parse_reply};

fn run(data: &[u8], limits: Limits) {
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0) % 31);
    let mut decoder = Decoder::new(limits);
    for piece in data.chunks(chunk) {
        decoder.feed(piece);
        loop {
            match decoder.next_sentence() {
                Ok(Some(sentence)) => {
                    assert!(!sentence.is_empty() && sentence.len() <= limits.max_words);
                    assert!(
                        sentence
                            .iter()
                            .all(|w| !w.is_empty() && w.len() <= limits.max_word)
                    );
                    let _ = parse_reply(&sentence);
                    let bytes = encode_sentence(&sentence).expect("decoded words re-encode");
                    let mut again = Decoder::new(limits);
                    again.feed(&bytes);
                    assert_eq!(again.next_sentence(), Ok(Some(sentence)));
                }
                Ok(None) => break,
                Err(_) => {
                    // The stream is broken for good.
                    assert!(decoder.next_sentence().is_err());
                    return;
                }
            }
        }
        assert!(decoder.buffered() <= data.len());
    }
}

fuzz_target!(|data: &[u8]| {
    run(data, Limits::default());
    run(
        data,
        Limits {
            max_word: 64,
            max_words: 8,
            max_sentence: 256,
        },
    );
});
