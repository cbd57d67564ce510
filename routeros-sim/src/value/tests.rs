use super::*;

#[test]
fn body_values_become_console_text() {
    let args = args_from_body(
            br#"{"mtu":1400,"disabled":true,"comment":"x","profile":null,"ciphers":["aes-gcm-128","aes-gcm-xpn-128"]}"#,
        )
        .unwrap();
    assert_eq!(
        args,
        vec![
            ("mtu".to_string(), "1400".to_string()),
            ("disabled".to_string(), "true".to_string()),
            ("comment".to_string(), "x".to_string()),
            ("profile".to_string(), String::new()),
            (
                "ciphers".to_string(),
                "aes-gcm-128,aes-gcm-xpn-128".to_string()
            ),
        ]
    );
    assert!(args_from_body(b"").unwrap().is_empty());
    assert!(args_from_body(br#"{"mtu":1.5}"#).is_err());
    assert!(args_from_body(br#"{"mtu":{"a":1}}"#).is_err());
    assert!(args_from_body(b"[1]").is_err());
    assert!(args_from_body(b"{nope").is_err());
}

#[test]
fn integers_are_decimal_and_range_checked() {
    assert_eq!(parse_int("mtu", "1468", 0, 65535).unwrap(), 1468);
    assert_eq!(parse_int("mtu", "01468", 0, 65535).unwrap(), 1468);
    let err = parse_int("mtu", "70000", 0, 65535).unwrap_err();
    assert_eq!(
        err.detail.as_deref(),
        Some("value of mtu out of range (0..65535)")
    );
    assert!(parse_int("mtu", "0x5dc", 0, 65535).is_err());
    assert!(parse_int("mtu", "-1", 0, 65535).is_err());
    assert!(parse_int("mtu", "", 0, 65535).is_err());
    assert!(parse_int("mtu", "99999999999999999999999", 0, 65535).is_err());
}

#[test]
fn booleans_accept_yes_no_true_false() {
    assert!(parse_bool("disabled", "yes").unwrap());
    assert!(parse_bool("disabled", "true").unwrap());
    assert!(!parse_bool("disabled", "no").unwrap());
    assert!(!parse_bool("disabled", "false").unwrap());
    assert!(parse_bool("disabled", "maybe").is_err());
}

#[test]
fn hex_strings_are_checked_and_lowercased() {
    let cak = "71A7C363794DA400DBDE595D3926B0E9";
    assert_eq!(parse_hex("cak", cak, 16).unwrap(), cak.to_ascii_lowercase());
    assert!(parse_hex("cak", &format!("{cak}00"), 16).is_err());
    assert!(parse_hex("cak", "abc", 16).is_err());
    assert!(parse_hex("cak", "zz", 16).is_err());
    assert!(parse_hex("cak", "", 16).is_err());
    assert!(parse_hex("ckn", &"ab".repeat(32), 32).is_ok());
    assert!(parse_hex("ckn", &"ab".repeat(33), 32).is_err());
}

#[test]
fn macs_ciphers_and_names() {
    assert_eq!(
        parse_mac("mac-address", "0c-aa-bb-cc-dd-ee").unwrap(),
        "0C:AA:BB:CC:DD:EE"
    );
    assert!(parse_mac("mac-address", "0c:aa").is_err());
    assert_eq!(
        parse_ciphers("ciphers", "aes-gcm-xpn-128,aes-gcm-128,aes-gcm-128").unwrap(),
        "aes-gcm-xpn-128,aes-gcm-128"
    );
    assert!(parse_ciphers("ciphers", "gcm-aes-256").is_err());
    assert!(parse_ciphers("ciphers", "").is_err());
    assert!(parse_name("name", "macsec1").is_ok());
    assert!(parse_name("name", "").is_err());
    assert!(parse_name("name", "a\nb").is_err());
}
