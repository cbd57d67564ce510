use super::*;

const HAND_WRITTEN: &str = r#"# 2026-11-30 10:00:00 by RouterOS 7.23.1
# software id = ABCD-1234
#
# model = CCR2004-16G-2S+
/interface ethernet
set [ find default-name=ether1 ] comment="to \"core\"" l2mtu=1600
set [ find default-name=ether12 ] disabled=yes
/interface macsec profile
add name=strict server-priority=5
/interface macsec
add cak=0123456789abcdef0123456789abcdef ckn=abcd interface=ether1 \
    mtu=1500 name=macsec-uplink profile=strict
/ip address
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip firewall filter
add action=accept chain=input connection-state=established
add action=drop chain=input
/system identity
set name="edge 1"
"#;

#[test]
fn hand_written_script_parses_with_header_continuations_and_quotes() {
    let s = parse(HAND_WRITTEN).unwrap();
    assert_eq!(s.version.as_deref(), Some("7.23.1"));
    assert_eq!(s.board_name.as_deref(), Some("CCR2004-16G-2S+"));
    assert_eq!(s.highest_ether, 12);
    assert_eq!(s.commands.len(), 5);
    let eth = &s.commands[0];
    assert_eq!(eth.menu, "/interface/ethernet");
    assert_eq!(eth.target, Some(("default-name".into(), "ether1".into())));
    assert_eq!(eth.args[0], ("comment".into(), "to \"core\"".into()));
    let macsec = &s.commands[3];
    assert_eq!(macsec.line, 11, "numbered from the first physical line");
    assert!(macsec.args.contains(&("profile".into(), "strict".into())));
    assert_eq!(
        s.commands[4].args,
        [("name".to_string(), "edge 1".to_string())]
    );
    assert_eq!(
        s.unmodelled_by_menu().into_iter().collect::<Vec<_>>(),
        [
            ("/ip/address".to_string(), 1),
            ("/ip/firewall/filter".to_string(), 2)
        ]
    );
    assert!(s.unmodelled_report().starts_with("3 line(s)"));
}

#[test]
fn terse_lines_carry_their_menu() {
    let s = parse(
            "/interface macsec profile add name=p1\n/interface macsec add interface=ether3 name=m1 profile=p1\n/ip route add gateway=10.0.0.1\n/system identity set name=r1\n",
        )
        .unwrap();
    let menus: Vec<_> = s.commands.iter().map(|c| c.menu.as_str()).collect();
    assert_eq!(
        menus,
        [
            "/interface/macsec/profile",
            "/interface/macsec",
            "/system/identity"
        ]
    );
    assert_eq!(s.unmodelled, [(3, "/ip/route".to_string())]);
    assert_eq!(s.version, None);
    assert_eq!(s.highest_ether, 3);
}

/// Every form of the emulator's own export (compact or verbose, terse
/// or not, with secrets) loads back into the same configuration.
#[test]
fn every_form_of_the_emulators_export_loads_back() {
    use crate::menu::ExportOptions;
    use crate::menus::export::render;
    use crate::rest::handle_as;
    use crate::schema::Version;
    use crate::users::Access;

    let new_router = || Router::new(Version::parse("7.18").unwrap(), 3, "MikroTik", "CHR");
    let mut original = new_router();
    for (method, path, body) in [
        (
            "PUT",
            "/rest/interface/macsec/profile",
            r#"{"name":"p 1","server-priority":"5"}"#,
        ),
        (
            "PUT",
            "/rest/interface/macsec",
            r#"{"interface":"ether2","name":"m1","profile":"p 1","cak":"00112233445566778899aabbccddeeff","ckn":"abcd","comment":"to \"core\"","mtu":"1400"}"#,
        ),
        (
            "PATCH",
            "/rest/interface/ethernet/ether2",
            r#"{"l2mtu":"1600","disabled":"yes"}"#,
        ),
        ("POST", "/rest/system/identity/set", r#"{"name":"edge 1"}"#),
    ] {
        let reply = handle_as(
            &mut original,
            Access::FULL,
            method,
            path,
            None,
            body.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
    }
    let snapshot = |r: &Router| -> Vec<Vec<BTreeMap<String, String>>> {
        [
            Menu::Ethernet,
            Menu::MacsecProfile,
            Menu::Macsec,
            Menu::Identity,
        ]
        .into_iter()
        .map(|m| {
            r.list(m)
                .into_iter()
                .map(|mut row| {
                    // Run-time values, not configuration.
                    for k in [
                        "running",
                        "status",
                        "inactive",
                        "mac-address",
                        "orig-mac-address",
                    ] {
                        row.remove(k);
                    }
                    row
                })
                .collect()
        })
        .collect()
    };
    for verbose in [false, true] {
        for terse in [false, true] {
            let options = ExportOptions {
                verbose,
                terse,
                show_sensitive: true,
                ..Default::default()
            };
            let text = render(&original, &options, std::time::SystemTime::UNIX_EPOCH);
            let script = parse(&text).unwrap();
            assert!(
                script.unmodelled.is_empty(),
                "{:?}\n{text}",
                script.unmodelled
            );
            assert_eq!(script.version.as_deref(), Some("7.18"));
            let mut twin = new_router();
            for cmd in &script.commands {
                apply(&mut twin, cmd, &mut LoadCost::default())
                    .unwrap_or_else(|e| panic!("line {}: {e}\n{text}", cmd.line));
            }
            assert_eq!(
                snapshot(&twin),
                snapshot(&original),
                "verbose={verbose} terse={terse}\n{text}"
            );
        }
    }
}

#[test]
fn hex_and_space_escapes_in_quoted_values() {
    let toks = tokens(r#"set comment="a\_b\41\\c" name=x"#, 1).unwrap();
    assert_eq!(toks[1], "comment=\"a bA\\c\"");
    assert!(
        tokens("set comment=\"open", 7)
            .unwrap_err()
            .to_string()
            .contains("line 7")
    );
}

fn localhost() -> crate::Listeners {
    let any = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    crate::Listeners {
        http: any,
        https: None,
        api: None,
        apis: None,
    }
}

/// `ether<N>` with a huge N made the emulator allocate N ports: a panic
/// (capacity overflow) or the machine's memory.
#[test]
fn an_export_line_with_a_huge_port_number_is_refused_not_a_panic() {
    for n in ["18446744073709551615", "4294967296", "129"] {
        for text in [
            format!("/interface ethernet\nset [ find default-name=ether{n} ] comment=x\n"),
            format!("/interface macsec\nadd interface=ether{n} name=m1\n"),
        ] {
            let err = crate::Sim::spawn_from_export(
                crate::SimConfig::default(),
                localhost(),
                &text,
                false,
            )
            .err()
            .unwrap_or_else(|| panic!("{text} loaded"));
            let err = format!("{err:#}");
            assert!(err.contains("line 2") && err.contains("128"), "{err}");
        }
    }
    // A comment that looks like a port name makes no ports.
    let s = parse("/interface macsec\nadd comment=ether99999 interface=ether2 name=m1\n").unwrap();
    assert_eq!(s.highest_ether, 2);
}

/// RouterOS writes UTF-8 as `\XX` bytes; the loader made one character of
/// each byte (`\D0\BF` became "Ð¿", not "п"), and read `\a` as `a`.
#[test]
fn hex_escapes_decode_as_utf8_bytes_and_every_routeros_escape_is_read() {
    let toks = tokens(r#"set comment="\D0\BF\a\b\f\v\r\$\?" name=x"#, 1).unwrap();
    assert_eq!(toks[1], "comment=\"п\u{7}\u{8}\u{c}\u{b}\r$?\"");
    for bad in [r#"set comment="\E9""#, r#"set comment="\q""#] {
        let err = tokens(bad, 3).unwrap_err().to_string();
        assert!(err.starts_with("line 3: "), "{err}");
    }
}

/// An export cut off (a `\` continuation at the end, no final newline)
/// loaded silently what was left of it.
#[test]
fn a_truncated_export_is_an_error_with_its_line_number() {
    for (text, line) in crate::fuzzing::CUT_OFF_EXPORTS {
        let err = parse(text).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("line {line}: ")),
            "{text:?}: {err}"
        );
    }
}

/// Errors quoted the whole line, secrets included.
#[test]
fn errors_on_an_export_quote_no_value() {
    let cak = crate::fuzzing::SECRET;
    for text in crate::fuzzing::exports_with_a_secret_on_a_bad_line() {
        let err = match parse(&text) {
            Err(e) => format!("{e:#}"),
            Ok(script) => {
                let mut router = Router::new(
                    crate::schema::Version::parse("7.18").unwrap(),
                    2,
                    "r",
                    "CHR",
                );
                format!("{:#}", load(&mut router, &script).unwrap_err())
            }
        };
        assert!(!err.contains(cak), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }
}

/// Every command copied the whole router (and re-published every port's
/// link state), so N profile lines cost N² rows.
#[test]
fn loading_twice_the_lines_costs_twice_the_rows_not_four_times() {
    let cost = |n: usize| {
        let mut text = String::from("/interface macsec profile\n");
        for i in 0..n {
            text.push_str(&format!("add name=p{i} server-priority=5\n"));
        }
        text.push_str("/interface ethernet\n");
        for i in 0..n {
            text.push_str(&format!("set [ find default-name=ether1 ] comment=c{i}\n"));
        }
        let script = parse(&text).unwrap();
        let mut router = Router::new(
            crate::schema::Version::parse("7.18").unwrap(),
            8,
            "r",
            "CHR",
        );
        let cost = load(&mut router, &script).unwrap();
        assert_eq!(cost.commands, 2 * n);
        assert_eq!(router.profiles.len(), n + 1);
        cost.rows_copied + cost.rows_scanned
    };
    let (one, two) = (cost(400), cost(800));
    assert!(
        two <= 2 * one + 64,
        "{one} rows for 800 lines, {two} for 1600"
    );
}

use crate::fuzzing::xorshift;

/// The fuzz target `sim_export_loader`'s property, over seeded cases and
/// the committed corpus, on stable Rust.
#[test]
fn the_export_loader_is_total_and_bounded_on_seeded_and_corpus_inputs() {
    const PIECES: [&str; 20] = [
        "/interface macsec\n",
        "/interface ethernet\n",
        "/interface macsec profile\n",
        "/system identity set name=x\n",
        "add ",
        "set ",
        "[ find default-name=ether1 ] ",
        "[ find default=yes ] ",
        "interface=ether",
        "99999999999999999999",
        "name=p",
        "comment=\"",
        "\"",
        "\\",
        "\\\n    ",
        "\\D0\\BF",
        "# 2026-01-01 by RouterOS 7.23\n",
        "\n",
        " ",
        "mtu=65536 ",
    ];
    let mut seed = 0x5eed_0002_u64;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..xorshift(&mut seed) % 30 {
            let r = xorshift(&mut seed);
            if r % 5 == 0 {
                text.push(char::from((r >> 8) as u8 % 128));
            } else {
                text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
            }
        }
        crate::fuzzing::load_is_total_and_bounded(text.as_bytes());
    }
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/sim_export_loader"
    );
    let mut n = 0;
    for entry in std::fs::read_dir(corpus).expect("the committed corpus") {
        crate::fuzzing::load_is_total_and_bounded(&std::fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 5, "{n} corpus files in {corpus}");
}

/// A menu line of any length was copied into the entry of every line after
/// it (a 10 KB header and 1000 lines held 10 MB; 64 MiB of export could
/// hold terabytes), and printed on stderr whatever it held.
#[test]
fn a_long_menu_line_is_not_copied_into_every_line_after_it() {
    let mut text = format!("/ip {}\n", "x".repeat(10_000));
    text.push_str(&"add address=10.0.0.1/24\n".repeat(1000));
    text.push_str(&format!("/ip {}\nadd a=b\n", crate::fuzzing::SECRET));
    text.push_str(&format!(
        "/interface macsec\ncak={}\n",
        crate::fuzzing::SECRET
    ));
    let script = parse(&text).unwrap();
    let held: usize = script.unmodelled.iter().map(|(_, m)| m.len()).sum();
    assert!(held <= 1002 * 64, "{held} bytes of menu names");
    assert!(!script.unmodelled_report().contains(crate::fuzzing::SECRET));
}
