use super::*;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn parses_versions_and_orders_them() {
    assert!(v("7.9.2") > v("7.9"));
    assert!(v("7.16") > v("7.9.2"));
    assert!(v("7.18") < v("7.20"));
    assert!(v("7.19beta2") < v("7.19"));
    assert!(v("7.19rc1") > v("7.18.2"));
    assert_eq!(v("7.18 (stable)").to_string(), "7.18");
    assert_eq!(v("7.18").display_with_channel(), "7.18 (stable)");
    assert_eq!(v("7.19beta2").display_with_channel(), "7.19beta2 (testing)");
    for bad in ["", "7", "seven", "7.x", "7.18.1.1", "7.18foo"] {
        assert!(Version::parse(bad).is_err(), "{bad:?} must be rejected");
    }
}

#[test]
fn picks_the_nearest_dump_at_or_below() {
    assert_eq!(dump_version_for(&v("7.18")), "7.16");
    assert_eq!(dump_version_for(&v("7.16")), "7.16");
    assert_eq!(dump_version_for(&v("7.23.7")), "7.23");
    assert_eq!(dump_version_for(&v("7.30")), "7.24");
    assert_eq!(dump_version_for(&v("7.9")), "7.9.2");
}

#[test]
fn macsec_arguments_follow_the_dumps() {
    let add = |ver: &str| menu(&v(ver), "/interface/macsec").unwrap();
    for ver in ["7.9", "7.18", "7.24"] {
        let m = add(ver);
        for arg in [
            "cak",
            "ckn",
            "comment",
            "copy-from",
            "disabled",
            "interface",
            "mtu",
            "name",
            "profile",
        ] {
            assert!(m.accepts("add", arg), "{ver}: add {arg}");
        }
        assert!(!m.accepts("add", "numbers"));
        assert!(m.accepts("set", "numbers"));
        assert!(!m.accepts("set", "status"));
    }
    let profile = |ver: &str| menu(&v(ver), "/interface/macsec/profile").unwrap();
    assert!(!profile("7.18").accepts("add", "ciphers"));
    assert!(!profile("7.22.3").accepts("set", "ciphers"));
    assert!(profile("7.23").accepts("add", "ciphers"));
    assert!(profile("7.24").accepts("set", "ciphers"));
    assert!(menu(&v("6.49"), "/interface/macsec").is_none());
    assert!(menu(&v("7.8"), "/interface/macsec/profile").is_none());
    assert!(menu(&v("6.49"), "/system/resource").is_some());
}

#[test]
fn ethernet_has_no_add_or_remove() {
    let eth = menu(&v("7.18"), "/interface/ethernet").unwrap();
    assert!(!eth.has_command("add"));
    assert!(!eth.has_command("remove"));
    assert!(eth.accepts("set", "l2mtu"));
    assert!(eth.has_command("print"));
}
