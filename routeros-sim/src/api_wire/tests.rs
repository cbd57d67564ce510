use super::*;

fn enc(len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    encode_length(len, &mut out);
    out
}

#[test]
fn length_vectors_for_all_five_forms() {
    let vectors: [(usize, &[u8]); 12] = [
        (0, &[0x00]),
        (1, &[0x01]),
        (0x7F, &[0x7F]),
        (0x80, &[0x80, 0x80]),
        (0x3FFF, &[0xBF, 0xFF]),
        (0x4000, &[0xC0, 0x40, 0x00]),
        (0x1F_FFFF, &[0xDF, 0xFF, 0xFF]),
        (0x20_0000, &[0xE0, 0x20, 0x00, 0x00]),
        (0xFFF_FFFF, &[0xEF, 0xFF, 0xFF, 0xFF]),
        (0x1000_0000, &[0xF0, 0x10, 0x00, 0x00, 0x00]),
        (0x1234_5678, &[0xF0, 0x12, 0x34, 0x56, 0x78]),
        (0xFFFF_FFFF, &[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]),
    ];
    for (len, bytes) in vectors {
        assert_eq!(enc(len), bytes, "encoding {len:#x}");
        assert_eq!(
            decode_length(bytes).unwrap(),
            Some((len as u64, bytes.len())),
            "decoding {len:#x}"
        );
        // Every shorter slice is incomplete, never an error.
        for cut in 0..bytes.len() {
            assert_eq!(decode_length(&bytes[..cut]).unwrap(), None);
        }
    }
    // Non-minimal encodings decode too.
    assert_eq!(decode_length(&[0x80, 0x05]).unwrap(), Some((5, 2)));
    assert_eq!(decode_length(&[0xE0, 0, 0, 7]).unwrap(), Some((7, 4)));
}

#[test]
fn every_length_round_trips_across_form_boundaries() {
    for boundary in [0x80usize, 0x4000, 0x20_0000, 0x1000_0000] {
        for len in boundary - 2..boundary + 2 {
            let bytes = enc(len);
            assert_eq!(
                decode_length(&bytes).unwrap(),
                Some((len as u64, bytes.len()))
            );
        }
    }
}

#[test]
fn reserved_and_undefined_prefixes_are_errors() {
    for b in 0xF8..=0xFFu8 {
        assert_eq!(decode_length(&[b]), Err(WireError::ControlByte(b)));
    }
    for b in 0xF1..=0xF7u8 {
        assert_eq!(
            decode_length(&[b, 0, 0, 0, 0]),
            Err(WireError::BadPrefix(b))
        );
    }
}

#[test]
fn sentences_round_trip_and_decode_in_pieces() {
    let long = "x".repeat(0x4001);
    let words = [
        "/interface/macsec/add",
        "=comment=",
        "=name=a=b",
        long.as_str(),
        ".tag=7",
    ];
    let bytes = encode_sentence(&words);
    // Whole.
    let mut d = SentenceDecoder::new(Limits::AFTER_LOGIN);
    let Decoded::Sentence {
        words: got,
        consumed,
    } = d.decode(&bytes).unwrap()
    else {
        panic!("expected a sentence");
    };
    assert_eq!(consumed, bytes.len());
    let want: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    assert_eq!(got, want);
    // Byte by byte, with a caller buffer that drops what the decoder consumed.
    let mut d = SentenceDecoder::new(Limits::AFTER_LOGIN);
    let mut buf = Vec::new();
    let mut result = None;
    for b in &bytes {
        buf.push(*b);
        match d.decode(&buf).unwrap() {
            Decoded::NeedMore { consumed } => {
                buf.drain(..consumed);
                assert!(
                    buf.len() <= 0x4001 + 3,
                    "buffer holds one partial word at most"
                );
            }
            Decoded::Sentence { words, consumed } => {
                buf.drain(..consumed);
                result = Some(words);
            }
        }
    }
    assert_eq!(result, Some(want));
    assert!(buf.is_empty());
    // Two sentences back to back; the second starts where the first ended.
    let mut two = encode_sentence(&["!done"]);
    two.extend(encode_sentence(&["!re", "=a=1"]));
    let mut d = SentenceDecoder::new(Limits::AFTER_LOGIN);
    let Decoded::Sentence { words, consumed } = d.decode(&two).unwrap() else {
        panic!()
    };
    assert_eq!(words, vec![b"!done".to_vec()]);
    let Decoded::Sentence { words, .. } = d.decode(&two[consumed..]).unwrap() else {
        panic!()
    };
    assert_eq!(words, vec![b"!re".to_vec(), b"=a=1".to_vec()]);
    // An empty sentence is just the zero word.
    assert_eq!(
        SentenceDecoder::new(Limits::BEFORE_LOGIN)
            .decode(&[0])
            .unwrap(),
        Decoded::Sentence {
            words: vec![],
            consumed: 1
        }
    );
}

#[test]
fn a_4_gib_prefix_is_rejected_from_the_prefix_alone() {
    let mut d = SentenceDecoder::new(Limits::AFTER_LOGIN);
    // Only the five prefix bytes: no body, and nothing is waited for or allocated.
    let prefix = [0xF0, 0xFF, 0xFF, 0xFF, 0xFF];
    let err = d.decode(&prefix).unwrap_err();
    assert_eq!(
        err,
        WireError::WordTooLong {
            len: 0xFFFF_FFFF,
            limit: Limits::AFTER_LOGIN.max_word
        }
    );
    // The decoder kept nothing.
    assert!(d.words.is_empty() && d.words.capacity() == 0);
}

#[test]
fn limits_are_enforced_before_buffering() {
    let limits = Limits {
        max_word: 10,
        max_words: 2,
        max_sentence: 15,
    };
    let mut d = SentenceDecoder::new(limits);
    assert!(matches!(
        d.decode(&[11]),
        Err(WireError::WordTooLong { len: 11, limit: 10 })
    ));
    let mut d = SentenceDecoder::new(limits);
    let three = encode_sentence(&["a", "b", "c"]);
    assert_eq!(d.decode(&three), Err(WireError::TooManyWords { limit: 2 }));
    let mut d = SentenceDecoder::new(limits);
    let big = encode_sentence(&["0123456789", "0123456"]);
    assert_eq!(
        d.decode(&big),
        Err(WireError::SentenceTooLong { limit: 15 })
    );
    // Exactly at the limits is fine.
    let mut d = SentenceDecoder::new(limits);
    let ok = encode_sentence(&["0123456789", "01234"]);
    assert!(matches!(d.decode(&ok), Ok(Decoded::Sentence { .. })));
    // The limit applies per sentence: the next one starts from zero.
    assert!(matches!(d.decode(&ok), Ok(Decoded::Sentence { .. })));
}
