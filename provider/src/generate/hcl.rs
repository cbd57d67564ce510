//! HCL and shell text written by `generate`: labels, string literals, values.

use crate::plugin::value::Value;

/// A resource label from a RouterOS name: letters, digits, `_` and `-`,
/// not starting with a digit.
pub fn label(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}

/// A string as an HCL literal (`${` and `%{` escaped).
pub fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out.replace("${", "$${").replace("%{", "%%{")
}

pub(super) fn hcl_value(v: &Value) -> String {
    match v {
        Value::String(s) => hcl_string(s),
        Value::Bool(b) => b.to_string(),
        Value::List(items) | Value::Set(items) => format!(
            "[{}]",
            items.iter().map(hcl_value).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_json().to_string(),
    }
}

pub(super) fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
