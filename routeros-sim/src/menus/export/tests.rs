use super::*;
use crate::menu::quote;
use crate::rest::handle_as;
use crate::schema::Version;
use serde_json::json;

const CAK: &str = "00112233445566778899aabbccddeeff";

fn router(version: &str) -> Router {
    let mut r = Router::new(Version::parse(version).unwrap(), 2, "MikroTik", "CHR");
    // `ciphers` is mandatory on `add` from 7.23 and unknown before.
    let profile = if r.version().at_least(7, 23, 0) {
        json!({"name": "p1", "server-priority": "5", "ciphers": "aes-gcm-128"})
    } else {
        json!({"name": "p1", "server-priority": "5"})
    };
    for (method, path, body) in [
        ("PUT", "/rest/interface/macsec/profile", profile),
        (
            "PUT",
            "/rest/interface/macsec",
            json!({"interface": "ether1", "name": "m1", "profile": "p1", "cak": CAK, "ckn": "abcd", "comment": "to core"}),
        ),
        (
            "PUT",
            "/rest/interface/macsec",
            json!({"interface": "ether2", "name": "m2", "cak": CAK, "ckn": "ef01"}),
        ),
        (
            "PATCH",
            "/rest/interface/ethernet/ether1",
            json!({"l2mtu": "1600"}),
        ),
    ] {
        let reply = handle_as(
            &mut r,
            Access::FULL,
            method,
            path,
            None,
            body.to_string().as_bytes(),
        );
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
    }
    r
}

fn epoch() -> SystemTime {
    SystemTime::UNIX_EPOCH
}

#[test]
fn compact_export_shows_what_differs_and_hides_the_cak() {
    let r = router("7.18");
    let text = render(&r, &ExportOptions::default(), epoch());
    assert_eq!(
        text,
        "# 1970-01-01 00:00:00 by RouterOS 7.18\n\
             /interface ethernet\n\
             set [ find default-name=ether1 ] l2mtu=1600\n\
             /interface macsec profile\n\
             add name=p1 server-priority=5\n\
             /interface macsec\n\
             add ckn=abcd comment=\"to core\" interface=ether1 name=m1 profile=p1\n\
             add ckn=ef01 interface=ether2 name=m2\n"
    );
    let shown = render(
        &r,
        &ExportOptions {
            show_sensitive: true,
            ..Default::default()
        },
        epoch(),
    );
    assert!(
        shown.contains(&format!("add cak={CAK} ckn=abcd")),
        "{shown}"
    );
}

#[test]
fn terse_verbose_where_and_path() {
    let r = router("7.23");
    let terse = render(
        &r,
        &ExportOptions {
            terse: true,
            ..Default::default()
        },
        epoch(),
    );
    assert!(
        terse.contains("\n/interface macsec add ckn=ef01 interface=ether2 name=m2\n"),
        "{terse}"
    );
    assert!(!terse.contains("\n/interface macsec\n"));
    let verbose = render(
        &r,
        &ExportOptions {
            verbose: true,
            ..Default::default()
        },
        epoch(),
    );
    assert!(
        verbose
            .contains("add ckn=ef01 disabled=no interface=ether2 mtu=1468 name=m2 profile=default"),
        "{verbose}"
    );
    assert!(
        verbose.contains(
            "set [ find default=yes ] ciphers=aes-gcm-128 name=default server-priority=10"
        ),
        "{verbose}"
    );
    assert!(
        verbose.contains("set [ find default-name=ether2 ] advertise=\"\""),
        "{verbose}"
    );
    assert!(verbose.contains("set name=MikroTik"), "{verbose}");
    let filtered = render(
        &r,
        &ExportOptions {
            filter: Some(("name".into(), "m2".into(), false)),
            ..Default::default()
        },
        epoch(),
    );
    assert!(
        filtered.contains("name=m2") && !filtered.contains("name=m1"),
        "{filtered}"
    );
    assert!(!filtered.contains("/interface ethernet"), "{filtered}");
    let only_macsec = render(
        &r,
        &ExportOptions {
            path: Some("/interface/macsec".into()),
            ..Default::default()
        },
        epoch(),
    );
    assert!(
        only_macsec.contains("/interface macsec profile\n"),
        "{only_macsec}"
    );
    assert!(
        !only_macsec.contains("/interface ethernet"),
        "{only_macsec}"
    );
    let profiles = render(
        &r,
        &ExportOptions {
            path: Some("/interface/macsec/profile".into()),
            ..Default::default()
        },
        epoch(),
    );
    assert!(!profiles.contains("add ckn="), "{profiles}");
}

#[test]
fn export_over_rest_follows_the_version() {
    let mut r = router("7.9.2");
    let call = |r: &mut Router, access: Access, body: Value| {
        handle_as(
            r,
            access,
            "POST",
            "/rest/export",
            None,
            body.to_string().as_bytes(),
        )
    };
    let reply = call(
        &mut r,
        Access::FULL,
        json!({"file": "cfg", "where": "name=m1"}),
    );
    assert_eq!(reply.body.unwrap()["detail"], "unknown parameter where");
    let reply = call(
        &mut r,
        Access::FULL,
        json!({"file": "cfg", "show-sensitive": ""}),
    );
    assert_eq!(reply.body, Some(json!([])));
    let written = String::from_utf8(r.files.written("cfg.rsc").unwrap().to_vec()).unwrap();
    assert!(written.contains(CAK), "{written}");
    assert!(written.starts_with("# "), "{written}");
    assert!(written.contains(" by RouterOS 7.9.2\n"));
    let row = r
        .files
        .rows(r.version())
        .into_iter()
        .find(|f| f["name"] == "cfg.rsc")
        .unwrap();
    assert_eq!(row["type"], "script");
    // A user without the sensitive policy never gets the CAK.
    call(
        &mut r,
        Access { sensitive: false },
        json!({"file": "cfg2.rsc", "show-sensitive": ""}),
    );
    let written = String::from_utf8(r.files.written("cfg2.rsc").unwrap().to_vec()).unwrap();
    assert!(!written.contains(CAK), "{written}");
    let reply = call(&mut r, Access::FULL, json!({}));
    assert!(
        reply.body.unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("without file=")
    );

    r.set_version(Version::parse("7.20").unwrap());
    let reply = call(
        &mut r,
        Access::FULL,
        json!({"file": "x", "path": "interface/macsec"}),
    );
    assert_eq!(reply.body.unwrap()["detail"], "unknown parameter path");
    let reply = call(
        &mut r,
        Access::FULL,
        json!({"file": "x", "where": "name=m1"}),
    );
    assert_eq!(reply.status, 200);
    let reply = call(
        &mut r,
        Access::FULL,
        json!({"file": "x", "where": "name~m"}),
    );
    assert!(
        reply.body.unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("supports only")
    );
    r.set_version(Version::parse("7.23").unwrap());
    let reply = call(
        &mut r,
        Access::FULL,
        json!({"file": "x", "path": "interface macsec"}),
    );
    assert_eq!(reply.status, 200);
    let written = String::from_utf8(r.files.written("x.rsc").unwrap().to_vec()).unwrap();
    assert!(!written.contains("/interface ethernet"), "{written}");
}

#[test]
fn values_are_quoted_like_routeros() {
    assert_eq!(quote("ether1"), "ether1");
    assert_eq!(quote(""), "\"\"");
    assert_eq!(quote("to core"), "\"to core\"");
    assert_eq!(quote("a\"b$c"), "\"a\\\"b\\$c\"");
    assert_eq!(
        parse_where(" name = \"m 1\" ").unwrap(),
        ("name".into(), "m 1".into(), false)
    );
    assert_eq!(
        parse_where("disabled!=yes").unwrap(),
        ("disabled".into(), "yes".into(), true)
    );
    assert_eq!(
        normalise_path("/interface/macsec/").unwrap(),
        "/interface/macsec"
    );
    assert!(normalise_path("").is_err());
}
