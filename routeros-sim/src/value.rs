//! Request values as RouterOS reads them: JSON strings, numbers and booleans become the
//! console's text form, then each argument is parsed by its type.

use serde_json::{Map, Value};

use crate::error::RosError;

/// The arguments of one request, in body order, as text.
pub(crate) type Args = Vec<(String, String)>;

/// Formats an id the RouterOS way: `*1`, `*A`, `*1F`.
pub(crate) fn format_id(id: u32) -> String {
    format!("*{id:X}")
}

/// `true` when `key` names the record `id` called `name` (its `.id` or its name).
pub(crate) fn names(key: &str, id: u32, name: &str) -> bool {
    key == format_id(id) || key == name
}

/// The first value of argument `key`.
pub(crate) fn arg<'a>(args: &'a Args, key: &str) -> Option<&'a str> {
    args.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// `input does not match any value of <arg>`: a reference to something that is not there.
pub(crate) fn no_match(arg: &str) -> RosError {
    RosError::bad_request(format!("input does not match any value of {arg}"))
}

/// `None` for the empty text (an unset `comment`).
pub(crate) fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// Every argument must be one `allowed` lists: otherwise `400 unknown parameter X`.
pub(crate) fn check_args(args: &Args, allowed: &[&str]) -> Result<(), RosError> {
    match args.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((k, _)) => Err(RosError::unknown_parameter(k)),
        None => Ok(()),
    }
}

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
mod tests;
