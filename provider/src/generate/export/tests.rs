use super::script::fuzzing;
use super::*;

#[test]
fn export_text_in_both_forms_becomes_rows_and_the_rest_is_counted() {
    let text = "# 2026-01-01 by RouterOS 7.20\n/interface macsec profile\nadd name=uplink server-priority=5\n/interface macsec\nadd cak=71a7c363794da400dbde595d3926b0e9 ckn=f2c4 interface=ether1 \\\n    name=macsec1 profile=uplink\n/interface macsec add name=macsec2 interface=ether2 comment=\"by hand\"\n/interface ethernet\nset [ find default-name=ether1 ] l2mtu=1600\n/ip address\nadd address=10.0.0.1/24 interface=ether1\n";
    let e = parse_export(text).unwrap();
    let macsec = &e.menus[menus::MACSEC];
    assert_eq!(macsec.len(), 2);
    assert_eq!(macsec[0]["name"], "macsec1");
    assert_eq!(macsec[0]["profile"], "uplink");
    assert_eq!(macsec[1]["comment"], "by hand");
    assert_eq!(e.menus[menus::MACSEC_PROFILE][0]["server-priority"], "5");
    let ports = &e.menus[menus::ETHERNET];
    assert_eq!(ports.len(), 2);
    assert_eq!(ports[0]["name"], "ether1");
    assert_eq!(ports[0]["l2mtu"], "1600");
    assert_eq!(e.unmodelled_summary(), ["/ip/address: 1 line not modelled"]);
}

#[test]
fn set_lines_of_modelled_menus_are_applied() {
    let text = "/interface ethernet\n\
        set [ find default-name=ether1 ] l2mtu=1600 name=wan\n\
        set wan mtu=1500\n\
        set ether2 disabled=yes\n\
        /interface macsec profile\n\
        set [ find default=yes ] server-priority=3\n\
        add name=p1\n\
        set [ find name=p1 ] server-priority=7\n\
        /interface macsec\n\
        add interface=wan name=macsec1\n\
        set [ find name=macsec1 ] comment=x\n\
        set macsec1 profile=p1\n";
    let e = parse_export(text).unwrap();
    assert!(e.unmodelled.is_empty(), "{:?}", e.unmodelled);
    let m = &e.menus[menus::MACSEC][0];
    assert_eq!((m["comment"].as_str(), m["profile"].as_str()), ("x", "p1"));
    let profiles = &e.menus[menus::MACSEC_PROFILE];
    assert_eq!(profiles.len(), 2);
    assert_eq!(profiles[0]["name"], "default");
    assert_eq!(profiles[0]["default"], "true");
    assert_eq!(profiles[0]["server-priority"], "3");
    assert_eq!(profiles[1]["server-priority"], "7");
    let ports = &e.menus[menus::ETHERNET];
    assert_eq!(ports.len(), 2, "{ports:?}");
    assert_eq!(ports[0]["name"], "wan");
    assert_eq!(ports[0]["default-name"], "ether1");
    assert_eq!(ports[0]["mtu"], "1500");
    assert_eq!(ports[0]["l2mtu"], "1600");
    assert_eq!(ports[1]["name"], "ether2");
    assert_eq!(ports[1]["disabled"], "yes");
    // A `set` of an item no line adds: the export was cut or edited.
    let err = parse_export("/interface macsec\nset [ find name=ghost ] comment=x\n").unwrap_err();
    assert!(
        err.starts_with("line 2: ") && err.contains("\"ghost\""),
        "{err}"
    );
}

#[test]
fn routeros_escapes_decode_to_the_exact_value() {
    for (written, value) in [
        (r#""a\"b""#, "a\"b"),
        (r#""a\\b""#, "a\\b"),
        (r#""a\nb\rc\td""#, "a\nb\rc\td"),
        (r#""\$HOME \?""#, "$HOME ?"),
        (r#""a\_b""#, "a b"),
        (r#""\a\b\f\v""#, "\u{7}\u{8}\u{c}\u{b}"),
        (r#""\48\49\00""#, "HI\0"),
        // UTF-8 written as bytes: "п" and "€".
        (r#""\D0\BF\E2\82\AC""#, "п€"),
        (r#""raw п""#, "raw п"),
        (r#""${x} %{y}""#, "${x} %{y}"),
        (r#""../../etc""#, "../../etc"),
        (r#""""#, ""),
        ("bare-value", "bare-value"),
    ] {
        let text = format!("/interface macsec\nadd comment={written} name=m1\n");
        match parse_export(&text) {
            Ok(e) => assert_eq!(e.menus[menus::MACSEC][0]["comment"], value, "{written}"),
            Err(err) => panic!("{written}: {err}"),
        }
    }
    // A long value wrapped by RouterOS inside its quotes: the next line's
    // indentation is not part of it.
    let e = parse_export("/interface macsec\nadd comment=\"abc\\\n    def\" name=m1\n").unwrap();
    assert_eq!(e.menus[menus::MACSEC][0]["comment"], "abcdef");
    // Bytes that are not UTF-8, and escapes RouterOS does not write.
    // (RouterOS writes hex digits upper-case.)
    for bad in [r#""\E9t\E9""#, r#""\q""#, r#""\4a""#] {
        let text = format!("/interface macsec\nadd comment={bad} name=m1\n");
        let err = parse_export(&text).unwrap_err();
        assert!(err.starts_with("line 2: "), "{bad}: {err}");
    }
}

#[test]
fn a_truncated_export_is_an_error_with_its_line_number() {
    for (text, line) in routeros_sim::fuzzing::CUT_OFF_EXPORTS {
        let err = parse_export(text).unwrap_err();
        assert!(
            err.starts_with(&format!("line {line}: ")),
            "{text:?}: {err}"
        );
        assert!(err.contains("export"), "{err}");
    }
    assert!(parse_export("").unwrap_err().contains("empty"));
}

#[test]
fn errors_on_an_export_never_quote_its_values() {
    let cak = routeros_sim::fuzzing::SECRET;
    for text in routeros_sim::fuzzing::exports_with_a_secret_on_a_bad_line() {
        let err = parse_export(&text).unwrap_err();
        assert!(!err.contains(cak), "{err}");
        assert!(err.starts_with("line 2: "), "{err}");
    }
}

use routeros_sim::fuzzing::xorshift;

/// Bytes that matter to the reader, mixed with arbitrary ones.
fn hostile_bytes(seed: &mut u64) -> Vec<u8> {
    const PIECES: [&[u8]; 22] = [
        b"/interface macsec\n",
        b"/interface ethernet\n",
        b"/interface macsec profile add ",
        b"add ",
        b"set ",
        b"[ find default=yes ] ",
        b"name=",
        b"comment=\"",
        b"\"",
        b"\\",
        b"\\\n    ",
        b"\\D0\\BF",
        b"\\q",
        b"${x}%{y}",
        b"../",
        b"\0",
        b"\r\n",
        b"\n",
        b" ",
        b"=",
        b"# comment\n",
        b":global x\n",
    ];
    let mut out = Vec::new();
    for _ in 0..xorshift(seed) % 40 {
        let r = xorshift(seed);
        if r % 4 == 0 {
            out.push((r >> 8) as u8);
        } else {
            out.extend_from_slice(PIECES[(r >> 8) as usize % PIECES.len()]);
        }
    }
    out
}

/// The fuzz target `export_reader`'s property, over seeded cases and the
/// committed corpus, on stable Rust.
#[test]
fn the_export_reader_is_total_and_bounded_on_seeded_and_corpus_inputs() {
    let mut seed = 0x5eed_0001_u64;
    for _ in 0..4000 {
        fuzzing::parse_is_total_and_bounded(&hostile_bytes(&mut seed));
    }
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/export_reader");
    let mut n = 0;
    for entry in std::fs::read_dir(corpus).expect("the committed corpus") {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        fuzzing::parse_is_total_and_bounded(&data);
        n += 1;
    }
    assert!(n >= 5, "{n} corpus files in {corpus}");
    // A large export is read in one pass.
    let big = "/ip address\nadd address=10.0.0.1/24 comment=\"x\"\n".repeat(100_000);
    let e = parse_export(&big).unwrap();
    assert_eq!(e.unmodelled["/ip/address"], 100_000);
}

/// Values of every hostile kind put into the emulator, its `/export
/// show-sensitive` (the other end's encoder, written apart from this
/// reader), read back: the same values. The fuzz target
/// `export_round_trip`'s property, seeded, on stable Rust.
#[test]
fn the_emulators_export_reads_back_exactly() {
    const PIECES: [&str; 18] = [
        "\"", "\\", "$", "?", "${x}", "%{y}", "\n", "\r", "\t", "\0", "\u{7f}", "п", "€", "🦀",
        "../", " ", "=", "[ find ]",
    ];
    let mut seed = 0x5eed_0003_u64;
    for case in 0..1500 {
        let values: Vec<String> = (0..3)
            .map(|_| {
                let mut v = String::new();
                for _ in 0..xorshift(&mut seed) % 8 {
                    let r = xorshift(&mut seed);
                    match r % 3 {
                        0 => v.push(char::from_u32((r >> 8) as u32 % 0x800).unwrap_or('x')),
                        _ => v.push_str(PIECES[(r >> 8) as usize % PIECES.len()]),
                    }
                }
                v
            })
            .collect();
        let (text, held) = routeros_sim::fuzzing::export_of(&values, case as u8);
        fuzzing::export_reads_back_exactly(&held, &text);
        // And through the rows `generate` reads.
        let e = parse_export(&text).unwrap();
        for (menu, key, value) in &held {
            assert!(
                e.menus[menu.as_str()]
                    .iter()
                    .any(|r| r.get(key.as_str()) == Some(value)),
                "{menu} {key}={value:?}\n{text}"
            );
        }
    }
}
