use crate::schema::Version;
use crate::state::ETHER_DEFAULT_L2MTU;
use crate::state::format_uptime;
use crate::value::format_id;

use super::*;

fn router() -> Router {
    Router::new(Version::parse("7.18").unwrap(), 4, "MikroTik", "CHR")
}

fn args(pairs: &[(&str, &str)]) -> Args {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn fresh_router_has_ports_and_default_profile() {
    let r = router();
    let ethers = r.list(Menu::Ethernet);
    assert_eq!(ethers.len(), 4);
    assert_eq!(ethers[0][".id"], "*1");
    assert_eq!(ethers[3]["name"], "ether4");
    assert_eq!(ethers[0]["mtu"], "1500");
    assert_eq!(ethers[0]["disabled"], "false");
    let profiles = r.list(Menu::MacsecProfile);
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0]["name"], "default");
    assert_eq!(profiles[0]["default"], "true");
    assert_eq!(profiles[0]["server-priority"], "10");
    assert!(!profiles[0].contains_key("ciphers"), "ciphers is 7.23+");
    assert!(r.list(Menu::Macsec).is_empty());
}

#[test]
fn macsec_add_defaults_and_one_per_port() {
    let mut r = router();
    let id = r
        .add(Menu::Macsec, &args(&[("interface", "ether1")]))
        .unwrap();
    assert_eq!(format_id(id), "*5", "interfaces share the id counter");
    let row = r.row(Menu::Macsec, id).unwrap();
    assert_eq!(row["name"], "macsec1");
    assert_eq!(row["mtu"], "1468");
    assert_eq!(row["profile"], "default");
    assert_eq!(row["cak"].len(), 32);
    assert_eq!(row["ckn"].len(), 64);
    assert_eq!(row["status"], "negotiating");
    let err = r
        .add(
            Menu::Macsec,
            &args(&[("interface", "ether1"), ("name", "m2")]),
        )
        .unwrap_err();
    assert_eq!(err.status, 400);
    assert!(
        err.detail
            .unwrap()
            .contains("only one MACsec interface per Ethernet port")
    );
    let second = r
        .add(Menu::Macsec, &args(&[("interface", "ether2")]))
        .unwrap();
    assert_eq!(r.row(Menu::Macsec, second).unwrap()["name"], "macsec2");
    // Moving macsec2 onto ether1 breaks the rule too and changes nothing.
    assert!(
        r.set(Menu::Macsec, &[second], &args(&[("interface", "ether1")]))
            .is_err()
    );
    assert_eq!(r.row(Menu::Macsec, second).unwrap()["interface"], "ether2");
}

#[test]
fn failed_commands_change_nothing_and_ids_are_not_reused() {
    let mut r = router();
    let before = r.list(Menu::Macsec);
    let err = r
        .add(Menu::Macsec, &args(&[("interface", "ether9")]))
        .unwrap_err();
    assert_eq!(
        err.detail.as_deref(),
        Some("input does not match any value of interface")
    );
    assert_eq!(r.list(Menu::Macsec), before);
    let a = r
        .add(Menu::Macsec, &args(&[("interface", "ether1")]))
        .unwrap();
    r.remove(Menu::Macsec, &[a]).unwrap();
    let b = r
        .add(Menu::Macsec, &args(&[("interface", "ether1")]))
        .unwrap();
    assert!(b > a);
}

#[test]
fn renaming_a_port_shows_on_its_macsec() {
    let mut r = router();
    let m = r
        .add(Menu::Macsec, &args(&[("interface", "ether3")]))
        .unwrap();
    let e = r.find(Menu::Ethernet, "ether3").unwrap();
    r.set(Menu::Ethernet, &[e], &args(&[("name", "uplink")]))
        .unwrap();
    assert_eq!(r.row(Menu::Macsec, m).unwrap()["interface"], "uplink");
    let err = r
        .set(Menu::Ethernet, &[e], &args(&[("name", "macsec1")]))
        .unwrap_err();
    assert_eq!(
        err.detail.as_deref(),
        Some("failure: already have interface with such name")
    );
}

#[test]
fn profiles_follow_routeros_rules() {
    let mut r = router();
    let err = r.add(Menu::MacsecProfile, &args(&[])).unwrap_err();
    assert!(err.detail.unwrap().contains("name"));
    let p = r
        .add(
            Menu::MacsecProfile,
            &args(&[("name", "p1"), ("server-priority", "5")]),
        )
        .unwrap();
    assert_eq!(format_id(p), "*2");
    let err = r
        .set(
            Menu::MacsecProfile,
            &[p],
            &args(&[("server-priority", "256")]),
        )
        .unwrap_err();
    assert_eq!(
        err.detail.as_deref(),
        Some("value of server-priority out of range (0..255)")
    );
    let m = r
        .add(
            Menu::Macsec,
            &args(&[("interface", "ether1"), ("profile", "p1")]),
        )
        .unwrap();
    assert!(r.remove(Menu::MacsecProfile, &[p]).is_err());
    r.remove(Menu::Macsec, &[m]).unwrap();
    r.remove(Menu::MacsecProfile, &[p]).unwrap();
    let default = r.find(Menu::MacsecProfile, "default").unwrap();
    assert!(r.remove(Menu::MacsecProfile, &[default]).is_err());
}

#[test]
fn interface_menu_lists_everything_in_id_order() {
    let mut r = router();
    r.add(Menu::Macsec, &args(&[("interface", "ether2")]))
        .unwrap();
    let rows = r.list(Menu::Interface);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[4]["type"], "macsec");
    assert_eq!(rows[4]["l2mtu"], (ETHER_DEFAULT_L2MTU - 32).to_string());
    assert_eq!(rows[0]["type"], "ether");
    assert_eq!(r.find(Menu::Interface, "macsec1"), Some(5));
}

#[test]
fn names_are_unique_across_interfaces_and_copy_from_copies() {
    let mut r = router();
    let err = r
        .add(
            Menu::Macsec,
            &args(&[("interface", "ether1"), ("name", "ether2")]),
        )
        .unwrap_err();
    assert_eq!(
        err.detail.as_deref(),
        Some("failure: already have interface with such name")
    );
    let first = r
        .add(
            Menu::Macsec,
            &args(&[("interface", "ether1"), ("mtu", "1400"), ("cak", "00ff")]),
        )
        .unwrap();
    let copy = r
        .add(
            Menu::Macsec,
            &args(&[
                ("copy-from", "macsec1"),
                ("interface", "ether2"),
                ("name", "m2"),
            ]),
        )
        .unwrap();
    let (a, b) = (
        r.row(Menu::Macsec, first).unwrap(),
        r.row(Menu::Macsec, copy).unwrap(),
    );
    assert_eq!(b["mtu"], "1400");
    assert_eq!(b["cak"], a["cak"]);
    assert_eq!(b["interface"], "ether2");
    let err = r
        .add(
            Menu::Macsec,
            &args(&[("interface", "ether3"), ("name", "")]),
        )
        .unwrap_err();
    assert_eq!(
        err.detail.as_deref(),
        Some("invalid value for argument name")
    );
}

#[test]
fn uptime_format() {
    assert_eq!(format_uptime(0), "0s");
    assert_eq!(format_uptime(65), "1m5s");
    assert_eq!(format_uptime(3600), "1h0m0s");
    assert_eq!(format_uptime(8 * 24 * 3600 + 1), "1w1d0h0m1s");
}
