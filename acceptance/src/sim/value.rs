//! Request values as RouterOS reads them: JSON strings, numbers and booleans become the
//! console's text form, then each argument is parsed by its type.

use serde_json::{Map, Value};

use super::error::RosError;

/// The arguments of one request, in body order, as text.
pub(crate) type Args = Vec<(String, String)>;

/// Parses a request body: a JSON object, or nothing (an empty object).
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, RosError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| RosError::bad_request(format!("JSON parse error: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(RosError::bad_request(
            "JSON parse error: the body must be a JSON object",
        )),
    }
}

/// Converts a request object into arguments.
///
/// Strings are taken as they are, integers become decimal text, booleans `true`/`false`,
/// `null` the empty string and arrays of scalars a comma-separated list (how `.proplist`
/// and multi-value arguments such as `ciphers` may be sent). Anything else is a bad value.
pub(crate) fn args_from_object(map: &Map<String, Value>) -> Result<Args, RosError> {
    map.iter()
        .map(|(key, value)| Ok((key.clone(), scalar_text(key, value)?)))
        .collect()
}

/// [`parse_object`] then [`args_from_object`].
#[cfg(test)]
pub(crate) fn args_from_body(body: &[u8]) -> Result<Args, RosError> {
    args_from_object(&parse_object(body)?)
}

fn scalar_text(key: &str, value: &Value) -> Result<String, RosError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(i.to_string())
            } else if let Some(u) = n.as_u64() {
                Ok(u.to_string())
            } else {
                Err(invalid(key))
            }
        }
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Array(_) | Value::Object(_) => Err(invalid(key)),
                other => scalar_text(key, other),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|parts| parts.join(",")),
        Value::Object(_) => Err(invalid(key)),
    }
}

/// `400 invalid value for argument X`.
pub(crate) fn invalid(arg: &str) -> RosError {
    RosError::bad_request(format!("invalid value for argument {arg}"))
}

/// Parses a yes/no argument: `yes`, `no`, `true`, `false` (JSON booleans arrive as the latter).
pub(crate) fn parse_bool(arg: &str, text: &str) -> Result<bool, RosError> {
    match text {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(invalid(arg)),
    }
}

/// Parses an integer argument given as decimal text and checks it against `min..=max`.
pub(crate) fn parse_int(arg: &str, text: &str, min: u64, max: u64) -> Result<u64, RosError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(arg));
    }
    // Too many digits for u64 is out of range too.
    let value = text.parse::<u64>().unwrap_or(u64::MAX);
    if value < min || value > max {
        return Err(RosError::bad_request(format!(
            "value of {arg} out of range ({min}..{max})"
        )));
    }
    Ok(value)
}

/// Parses a hexadecimal byte string of at most `max_bytes` bytes (`cak`, `ckn`) and returns
/// it in lower case, the way RouterOS prints it.
pub(crate) fn parse_hex(arg: &str, text: &str, max_bytes: usize) -> Result<String, RosError> {
    if text.is_empty() || text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(arg));
    }
    if text.len() > max_bytes * 2 {
        return Err(RosError::bad_request(format!(
            "value of {arg} too long (max length {max_bytes})"
        )));
    }
    Ok(text.to_ascii_lowercase())
}

/// Checks an object name (interfaces, profiles): not empty, no control characters.
pub(crate) fn parse_name(arg: &str, text: &str) -> Result<String, RosError> {
    if text.is_empty() || text.chars().any(char::is_control) {
        return Err(invalid(arg));
    }
    Ok(text.to_string())
}

/// Parses a MAC address written with `:`, `-` or `.` separators or none, and returns it as
/// RouterOS prints it (`0C:12:34:56:78:9A`).
pub(crate) fn parse_mac(arg: &str, text: &str) -> Result<String, RosError> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(arg));
    }
    let upper = digits.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..6).map(|i| &upper[i * 2..i * 2 + 2]).collect();
    Ok(pairs.join(":"))
}

/// The MACsec cipher suites of `/interface/macsec/profile` `ciphers` (7.23+).
pub(crate) const CIPHERS: [&str; 2] = ["aes-gcm-128", "aes-gcm-xpn-128"];

/// Parses the multi-value `ciphers` argument (comma-separated, at least one).
pub(crate) fn parse_ciphers(arg: &str, text: &str) -> Result<String, RosError> {
    let mut chosen: Vec<&str> = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if !CIPHERS.contains(&part) {
            return Err(RosError::bad_request(format!(
                "input does not match any value of {arg}"
            )));
        }
        if !chosen.contains(&part) {
            chosen.push(part);
        }
    }
    Ok(chosen.join(","))
}

/// RouterOS booleans as they appear in replies.
pub(crate) fn bool_text(value: bool) -> String {
    if value { "true" } else { "false" }.to_string()
}

#[cfg(test)]
mod tests {
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
}
