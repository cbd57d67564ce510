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
                apply(&mut twin, cmd).unwrap_or_else(|e| panic!("line {}: {e}\n{text}", cmd.line));
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
