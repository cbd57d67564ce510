//! Tests of `wire.rs`.

use super::*;

fn enc(len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    encode_length(len, &mut out).unwrap();
    out
}

#[test]
fn length_prefix_in_all_five_forms() {
    let table: &[(usize, &[u8])] = &[
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
        (0xFFFF_FFFF, &[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]),
    ];
    for &(len, bytes) in table {
        assert_eq!(enc(len), bytes, "encoding {len:#x}");
        assert_eq!(
            decode_length(bytes),
            Ok(Some((len as u32, bytes.len()))),
            "decoding {len:#x}"
        );
        for cut in 0..bytes.len() {
            assert_eq!(
                decode_length(&bytes[..cut]),
                Ok(None),
                "{len:#x} cut at {cut}"
            );
        }
    }
}

#[test]
fn lengths_past_four_gib_cannot_be_encoded() {
    if let Ok(len) = usize::try_from(1u64 << 32) {
        assert_eq!(
            encode_length(len, &mut Vec::new()),
            Err(WireError::Unencodable(len))
        );
    }
}

#[test]
fn control_and_undefined_prefix_bytes_are_rejected() {
    for b in 0xF8..=0xFFu8 {
        assert_eq!(
            decode_length(&[b, 0, 0, 0, 0]),
            Err(WireError::ControlByte(b))
        );
    }
    for b in 0xF1..=0xF7u8 {
        assert_eq!(
            decode_length(&[b, 0, 0, 0, 0]),
            Err(WireError::BadPrefix(b))
        );
    }
    let mut d = Decoder::default();
    d.feed(&[0x03, b'!', b'r', b'e', 0xF8]);
    assert_eq!(d.next_sentence(), Err(WireError::ControlByte(0xF8)));
    assert_eq!(d.next_sentence(), Err(WireError::Poisoned));
}

#[test]
fn non_minimal_prefixes_decode_to_their_value() {
    // Two-byte form announcing 3: allowed on input.
    let mut d = Decoder::default();
    d.feed(&[0x80, 0x03, b'!', b'r', b'e', 0x00]);
    assert_eq!(d.next_sentence().unwrap(), Some(vec![b"!re".to_vec()]));
}

#[test]
fn sentences_come_out_whole_from_any_split() {
    let a = encode_sentence(&["!re", "=name=macsec1", ".tag=7"]).unwrap();
    let b = encode_sentence(&["!done", ".tag=7"]).unwrap();
    let stream: Vec<u8> = [a.as_slice(), &[0x00], b.as_slice()].concat();
    for chunk in 1..=stream.len() {
        let mut d = Decoder::default();
        let mut got = Vec::new();
        for piece in stream.chunks(chunk) {
            d.feed(piece);
            while let Some(s) = d.next_sentence().unwrap() {
                got.push(s);
            }
        }
        assert_eq!(got.len(), 2, "chunk size {chunk}");
        assert_eq!(
            got[0],
            vec![
                b"!re".to_vec(),
                b"=name=macsec1".to_vec(),
                b".tag=7".to_vec()
            ]
        );
        assert_eq!(got[1], vec![b"!done".to_vec(), b".tag=7".to_vec()]);
        assert!(d.is_idle());
    }
}

#[test]
fn long_words_use_long_prefixes_and_round_trip() {
    for len in [0x7F, 0x80, 0x3FFF, 0x4000, 0x20_0000] {
        let word = vec![b'x'; len];
        let bytes = encode_sentence(&[b"!re".as_slice(), word.as_slice()]).unwrap();
        assert_eq!(&bytes[4..4 + enc(len).len()], enc(len).as_slice());
        let mut d = Decoder::default();
        d.feed(&bytes);
        let s = d.next_sentence().unwrap().unwrap();
        assert_eq!(s[1].len(), len);
    }
}

#[test]
fn a_four_gib_prefix_is_rejected_without_allocating() {
    let mut d = Decoder::default();
    d.feed(&[0x03, b'!', b'r', b'e']);
    d.feed(&[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]);
    let before = d.capacity();
    let e = d.next_sentence();
    assert_eq!(
        e,
        Err(WireError::WordTooLong {
            len: 0xFFFF_FFFF,
            max: 16 << 20
        })
    );
    assert!(d.capacity() <= before && before < 1024, "capacity {before}");
}

/// Counts the bytes the current thread asks the allocator for, so a
/// test can tell what one call allocated, whatever other tests do.
/// Test-only: a `GlobalAlloc` cannot be written without `unsafe`; every
/// call goes to `System` unchanged.
#[allow(unsafe_code)]
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub(super) struct Counting;

    thread_local! {
        static REQUESTED: Cell<usize> = const { Cell::new(0) };
    }

    fn count(bytes: usize) {
        // `try_with`: the thread's slot may be gone while it exits.
        let _ = REQUESTED.try_with(|r| r.set(r.get().saturating_add(bytes)));
    }

    // SAFETY: every call is passed on to `System` unchanged.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            count(layout.size());
            // SAFETY: same contract as ours.
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            count(layout.size());
            // SAFETY: same contract as ours.
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            count(new_size.saturating_sub(layout.size()));
            // SAFETY: same contract as ours.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as ours.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    /// Bytes requested by this thread so far.
    pub(super) fn requested() -> usize {
        REQUESTED.with(Cell::get)
    }
}

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

#[test]
fn a_four_gib_prefix_costs_no_allocation_at_all() {
    // Default limits and limits as large as the prefix can say: either
    // way the announced 4 GiB are never asked of the allocator.
    for limits in [
        Limits::default(),
        Limits {
            max_word: usize::MAX,
            max_words: usize::MAX,
            max_sentence: usize::MAX,
        },
    ] {
        let mut d = Decoder::new(limits);
        d.feed(&[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]);
        let before = counting::requested();
        let r = d.next_sentence();
        let during = counting::requested() - before;
        assert_eq!(during, 0, "{r:?} allocated {during} bytes");
        if limits == Limits::default() {
            assert!(matches!(
                r,
                Err(WireError::WordTooLong {
                    len: 0xFFFF_FFFF,
                    ..
                })
            ));
        } else {
            // Allowed, so it waits for the bytes, without reserving them.
            assert_eq!(r, Ok(None));
        }
    }
    // The counter works: a real allocation is seen.
    let before = counting::requested();
    let v: Vec<u8> = Vec::with_capacity(4096);
    assert!(counting::requested() - before >= 4096);
    drop(v);
}

#[test]
fn even_with_huge_limits_nothing_is_reserved_for_an_announced_length() {
    let huge = usize::MAX / 2;
    let mut d = Decoder::new(Limits {
        max_word: huge,
        max_words: 10,
        max_sentence: huge,
    });
    d.feed(&[0xF0, 0xFF, 0xFF, 0xFF, 0xFF, b'a', b'b']);
    assert_eq!(d.next_sentence(), Ok(None));
    assert!(d.capacity() < 1024);
    assert_eq!(d.buffered(), 7);
}

#[test]
fn word_count_and_sentence_size_limits() {
    let limits = Limits {
        max_word: 10,
        max_words: 2,
        max_sentence: 12,
    };
    let mut d = Decoder::new(Limits {
        max_sentence: 100,
        ..limits
    });
    d.feed(&encode_sentence(&["!re", "=a=1", "=b=2"]).unwrap());
    assert_eq!(d.next_sentence(), Err(WireError::TooManyWords { max: 2 }));

    let mut d = Decoder::new(limits);
    d.feed(&encode_sentence(&["!re", "=a=12345"]).unwrap());
    assert_eq!(
        d.next_sentence(),
        Err(WireError::SentenceTooLong { max: 12 })
    );

    let mut d = Decoder::new(limits);
    d.feed(&[11]);
    assert_eq!(
        d.next_sentence(),
        Err(WireError::WordTooLong { len: 11, max: 10 })
    );

    // Exactly at the limits is fine: 1+3 + 1+4 + closing 0 = 10 bytes.
    let mut d = Decoder::new(limits);
    d.feed(&encode_sentence(&["!re", "=a=1"]).unwrap());
    assert!(d.next_sentence().unwrap().is_some());
}

#[test]
fn empty_sentences_are_skipped() {
    let mut d = Decoder::default();
    d.feed(&[0, 0, 0]);
    assert_eq!(d.next_sentence(), Ok(None));
    d.feed(&encode_sentence(&["!done"]).unwrap());
    assert_eq!(d.next_sentence().unwrap(), Some(vec![b"!done".to_vec()]));
}

fn words(ws: &[&str]) -> Sentence {
    ws.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn rec(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn replies_parse_into_their_kinds() {
    let r = parse_reply(&words(&[
        "!re",
        "=.id=*1",
        "=comment=",
        "=key=a=b=c",
        ".tag=4",
    ]))
    .unwrap();
    assert_eq!(r.tag.as_deref(), Some("4"));
    assert_eq!(
        r.kind,
        ReplyKind::Re(rec(&[(".id", "*1"), ("comment", ""), ("key", "a=b=c")]))
    );

    let r = parse_reply(&words(&["!done", "=ret=*7F"])).unwrap();
    assert_eq!(
        r,
        Reply {
            tag: None,
            kind: ReplyKind::Done(rec(&[("ret", "*7F")]))
        }
    );

    let r = parse_reply(&words(&[
        "!trap",
        "=category=1",
        "=message=input does not match any value of interface",
        ".tag=2",
    ]))
    .unwrap();
    assert_eq!(r.tag.as_deref(), Some("2"));
    assert_eq!(
        r.kind,
        ReplyKind::Trap {
            category: Some(1),
            message: "input does not match any value of interface".into()
        }
    );

    let r = parse_reply(&words(&["!trap", "=message=no such item"])).unwrap();
    assert_eq!(
        r.kind,
        ReplyKind::Trap {
            category: None,
            message: "no such item".into()
        }
    );

    let r = parse_reply(&words(&["!fatal", "session terminated on request"])).unwrap();
    assert_eq!(
        r.kind,
        ReplyKind::Fatal("session terminated on request".into())
    );

    let r = parse_reply(&words(&["!empty", ".tag=9"])).unwrap();
    assert_eq!(
        r,
        Reply {
            tag: Some("9".into()),
            kind: ReplyKind::Empty
        }
    );

    let r = parse_reply(&words(&["!re", ".section=0", "=name=x"])).unwrap();
    assert_eq!(r.kind, ReplyKind::Re(rec(&[("name", "x")])));
}

#[test]
fn non_replies_and_unknown_replies_are_errors() {
    assert_eq!(
        parse_reply(&words(&["/login"])),
        Err(WireError::NotAReply("/login".into()))
    );
    assert_eq!(parse_reply(&[]), Err(WireError::NotAReply(String::new())));
    assert_eq!(
        parse_reply(&words(&["!bogus"])),
        Err(WireError::UnknownReply("!bogus".into()))
    );
}

#[test]
fn commands_encode_their_words_in_order() {
    let mut attrs = Record::new();
    attrs.insert("interface".into(), "ether1".into());
    let c = Command::new("/interface/macsec/add")
        .attrs(&attrs)
        .attr("comment", "")
        .query("#|")
        .tag("3");
    assert_eq!(c.path(), "/interface/macsec/add");
    assert_eq!(
        c.words(),
        [
            "/interface/macsec/add",
            "=interface=ether1",
            "=comment=",
            "?#|",
            ".tag=3"
        ]
    );
    let bytes = c.encode().unwrap();
    let mut d = Decoder::default();
    d.feed(&bytes);
    let s = d.next_sentence().unwrap().unwrap();
    assert_eq!(
        s,
        words(
            c.words()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
        )
    );
}

/// xorshift64*: a fixed-seed source of test bytes, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Randomised decoder run (the offline fallback for the fuzz target):
/// arbitrary bytes in arbitrary chunks never panic, never exceed the
/// limits, and whatever decodes re-encodes to the same words.
#[test]
fn random_input_never_panics_or_exceeds_limits() {
    let limits = Limits {
        max_word: 300,
        max_words: 20,
        max_sentence: 2000,
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let valid = [
        encode_sentence(&["!re", "=.id=*1", "=name=macsec1", ".tag=1"]).unwrap(),
        encode_sentence(&["!done", "=ret=*2"]).unwrap(),
        encode_sentence(&["!trap", "=category=0", "=message=no such item"]).unwrap(),
        encode_sentence(&["!empty", ".tag=3"]).unwrap(),
        encode_sentence(&[vec![b'y'; 200]]).unwrap(),
    ];
    for _ in 0..3000 {
        let mut input = Vec::new();
        for _ in 0..rng.below(8) {
            match rng.below(4) {
                0 => input.extend_from_slice(&valid[rng.below(valid.len())]),
                1 => input.push(rng.next() as u8),
                2 => {
                    let mut v = valid[rng.below(valid.len())].clone();
                    let i = rng.below(v.len());
                    v[i] = rng.next() as u8;
                    input.extend_from_slice(&v);
                }
                _ => input.extend((0..rng.below(16)).map(|_| rng.next() as u8)),
            }
        }
        let mut d = Decoder::new(limits);
        let mut rest = input.as_slice();
        'feed: while !rest.is_empty() {
            let n = 1 + rng.below(rest.len().min(64));
            d.feed(&rest[..n]);
            rest = &rest[n..];
            loop {
                match d.next_sentence() {
                    Ok(Some(s)) => {
                        assert!(!s.is_empty() && s.len() <= limits.max_words);
                        assert!(
                            s.iter()
                                .all(|w| !w.is_empty() && w.len() <= limits.max_word)
                        );
                        let _ = parse_reply(&s);
                        let mut again = Decoder::new(limits);
                        again.feed(&encode_sentence(&s).unwrap());
                        assert_eq!(again.next_sentence().unwrap(), Some(s));
                    }
                    Ok(None) => break,
                    Err(_) => break 'feed,
                }
            }
            assert!(d.buffered() <= input.len());
        }
    }
}
