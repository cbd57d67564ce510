use super::*;
use crate::rest::handle;
use crate::schema::Version;
use serde_json::json;

fn router(version: &str) -> Router {
    Router::new(Version::parse(version).unwrap(), 3, "MikroTik", "CHR")
}

fn call(r: &mut Router, method: &str, path: &str, body: Value) -> Reply {
    handle(r, method, path, None, body.to_string().as_bytes())
}

fn detail(reply: &Reply) -> String {
    reply.body.as_ref().unwrap()["detail"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn configure(r: &mut Router) {
    for (method, path, body) in [
        (
            "PUT",
            "/rest/interface/macsec/profile",
            json!({"name": "p1", "server-priority": "5"}),
        ),
        (
            "PUT",
            "/rest/interface/macsec",
            json!({"interface": "ether1", "name": "m1", "profile": "p1", "cak": "00112233445566778899aabbccddeeff", "ckn": "abcd"}),
        ),
        (
            "PATCH",
            "/rest/interface/ethernet/ether1",
            json!({"l2mtu": "1600", "comment": "uplink"}),
        ),
        (
            "POST",
            "/rest/system/identity/set",
            json!({"name": "edge1"}),
        ),
    ] {
        let reply = call(r, method, path, body);
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
    }
}

#[test]
fn content_depends_on_the_configuration_only() {
    let mut a = router("7.18");
    let mut b = router("7.18");
    assert_eq!(config_json(&a).len(), config_json(&b).len());
    configure(&mut a);
    configure(&mut b);
    // Same configuration, different MAC addresses: compare without the ports.
    let strip = |r: &Router| {
        let mut v: Value = serde_json::from_slice(&config_json(r)).unwrap();
        v.as_object_mut().unwrap().remove("ethernet");
        v
    };
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(config_json(&a), config_json(&a.clone()));
    let before = config_json(&a);
    call(
        &mut a,
        "PATCH",
        "/rest/interface/macsec/m1",
        json!({"mtu": "1400"}),
    );
    assert_ne!(before, config_json(&a));
    let text = String::from_utf8(config_json(&a)).unwrap();
    assert!(text.contains("00112233445566778899aabbccddeeff"), "{text}");
    assert!(!text.contains("\"running\""), "{text}");
}

#[test]
fn encoding_round_trips_and_checks_the_password() {
    let config = br#"{"x":1}"#;
    let plain = encode(config, 100, Scheme::None, None);
    assert_eq!(&plain[..8], MAGIC);
    assert_eq!(plain.len(), HEADER_LEN + config.len() + 100);
    assert_eq!(decode(&plain, None).unwrap(), config);
    assert_eq!(decode(&plain, Some("ignored")).unwrap(), config);
    // Padding is deterministic.
    assert_eq!(plain, encode(config, 100, Scheme::None, None));

    let sealed = encode(config, 1000, Scheme::AesSha256, Some("s3cret"));
    assert!(!sealed.windows(config.len()).any(|w| w == config));
    assert_eq!(decode(&sealed, Some("s3cret")).unwrap(), config);
    assert_eq!(
        decode(&sealed, Some("wrong")).unwrap_err(),
        "wrong password or damaged backup"
    );
    assert!(
        decode(&sealed, None)
            .unwrap_err()
            .contains("password required")
    );
    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(decode(&tampered, Some("s3cret")).is_err());
    let rc4 = encode(config, 0, Scheme::Rc4, Some("s3cret"));
    assert_eq!(rc4[8], 2);
    assert_eq!(decode(&rc4, Some("s3cret")).unwrap(), config);
    assert_eq!(
        decode(b"hello world, not a backup!!!!!!", None).unwrap_err(),
        "not a backup file"
    );
}

#[test]
fn save_and_load_over_rest() {
    let mut r = router("7.18");
    configure(&mut r);
    r.files.backup_padding = 50_000;
    let reply = call(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"name": "nightly", "password": "pw"}),
    );
    assert_eq!(reply.body, Some(json!([])), "{reply:?}");
    let saved = r.files.written("nightly.backup").unwrap();
    assert_eq!(saved[8], 1, "aes-sha256 by default");
    assert!(saved.len() > 50_000);
    assert_eq!(r.files.find("nightly.backup").unwrap().data(), &saved);

    // Change the configuration, then load with a wrong and the right password.
    call(&mut r, "DELETE", "/rest/interface/macsec/m1", Value::Null);
    call(
        &mut r,
        "POST",
        "/rest/system/identity/set",
        json!({"name": "other"}),
    );
    let wrong = call(
        &mut r,
        "POST",
        "/rest/system/backup/load",
        json!({"name": "nightly.backup", "password": "nope"}),
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(detail(&wrong), "failure: wrong password or damaged backup");
    assert!(
        r.list(Menu::Macsec).is_empty(),
        "a failed load changes nothing"
    );
    let none = call(
        &mut r,
        "POST",
        "/rest/system/backup/load",
        json!({"name": "nightly.backup"}),
    );
    assert!(detail(&none).contains("password required"));
    let ok = call(
        &mut r,
        "POST",
        "/rest/system/backup/load",
        json!({"name": "nightly", "password": "pw"}),
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    let macsec = r.list(Menu::Macsec);
    assert_eq!(macsec.len(), 1);
    assert_eq!(macsec[0]["name"], "m1");
    assert_eq!(macsec[0]["profile"], "p1");
    assert_eq!(macsec[0]["cak"], "00112233445566778899aabbccddeeff");
    assert_eq!(r.list(Menu::Identity)[0]["name"], "edge1");
    assert_eq!(r.list(Menu::Ethernet)[0]["l2mtu"], "1600");
    assert_eq!(r.list(Menu::Ethernet)[0]["comment"], "uplink");
}

#[test]
fn save_arguments_follow_routeros() {
    let mut r = router("7.18");
    let reply = call(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"name": "a", "password": "pw", "dont-encrypt": "yes"}),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        r.files.written("a.backup").unwrap()[8],
        0,
        "dont-encrypt wins"
    );
    call(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"name": "b"}),
    );
    assert_eq!(
        r.files.written("b.backup").unwrap()[8],
        0,
        "no password: not encrypted (6.43+)"
    );
    call(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"name": "c", "password": "pw", "encryption": "rc4"}),
    );
    assert_eq!(r.files.written("c.backup").unwrap()[8], 2);
    let bad = call(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"encryption": "des"}),
    );
    assert_eq!(detail(&bad), "input does not match any value of encryption");
    let bad = call(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"compress": "yes"}),
    );
    assert_eq!(detail(&bad), "unknown parameter compress");
    call(&mut r, "POST", "/rest/system/backup/save", json!({}));
    let rows = r.files.rows(r.version());
    let default = rows
        .iter()
        .find(|row| row["name"].starts_with("MikroTik-"))
        .expect("default name");
    assert!(default["name"].ends_with(".backup"));
    assert_eq!(default["type"], "backup");
    let missing = call(
        &mut r,
        "POST",
        "/rest/system/backup/load",
        json!({"name": "nope"}),
    );
    assert_eq!(detail(&missing), "failure: no such file nope");
}
