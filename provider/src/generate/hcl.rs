//! HCL and shell text written by `generate`: labels, string literals,
//! import IDs, shell words. Router text reaches the output only through
//! these functions. Plain `std` code: the `generate_config` fuzz target
//! compiles this file on its own.

use std::collections::HashSet;

use crate::plugin::text::is_unprintable;

/// The longest label made from a name before its hash suffix.
const LABEL_MAX: usize = 64;

/// A resource label from a RouterOS name: letters, digits, `_` and `-`,
/// starting with a letter or `_`. A name that is not already such a label
/// (other characters, a leading digit or `-`, or longer than 64
/// characters) gets the first 8 hex digits of a hash of the whole name as
/// a suffix, so that names differing only in punctuation get different
/// labels whatever order they are read in.
pub fn label(name: &str) -> String {
    let mut s: String = name
        .chars()
        .take(LABEL_MAX)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    if s != name {
        s.push_str(&format!("_{:08x}", fnv1a(name.as_bytes()) >> 32));
    }
    s
}

/// FNV-1a, 64 bits: a stable hash (the same in every build and run).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hands out labels unique within one resource type: [`label`], then
/// `_2`, `_3`, ... for the rare name whose label another name already has.
#[derive(Debug, Default)]
pub struct Labels(HashSet<(String, String)>);

impl Labels {
    /// A label for `name` not yet given to another `type_name` object.
    pub fn unique(&mut self, type_name: &str, name: &str) -> String {
        let base = label(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.0.insert((type_name.to_string(), candidate.clone())) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        candidate
    }
}

/// A string as an HCL quoted literal: `"` and `\` escaped, every
/// unprintable character (see [`crate::plugin::text::is_unprintable`]) as
/// `\n`, `\r`, `\t` or `\uXXXX`, and the template introducers `${` and
/// `%{` doubled (`$${`, `%%{`), so the literal is data, never a template.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if is_unprintable(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The prefix of an import ID that names an object by its RouterOS
/// `name`, taken verbatim: `name=*1F` is the object named `*1F`, not the
/// object whose id is `*1F` (see `lookup_import` in
/// `provider/src/resources/row.rs`).
pub const BY_NAME: &str = "name=";

/// The import ID of the object named `name`: the name itself when it
/// cannot be read as anything else, else [`BY_NAME`] and the name (names
/// that look like a RouterOS id `*...`, start with `name=` or `-`, are
/// empty or have surrounding white space).
pub fn import_id(name: &str) -> String {
    let plain = !name.is_empty()
        && !name.starts_with(['*', '-'])
        && !name.starts_with(BY_NAME)
        && name.trim() == name;
    if plain {
        name.to_string()
    } else {
        format!("{BY_NAME}{name}")
    }
}

/// A single shell word: `s` in single quotes (a `'` in it as `'\''`).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_plain_names_and_hash_the_rest() {
        assert_eq!(label("macsec-1"), "macsec-1");
        assert_eq!(label("_x"), "_x");
        assert!(label("1 uplink").starts_with("_1_uplink_"));
        assert!(label("-x").starts_with("_-x_"));
        assert_eq!(label("a.b").len(), "a_b_".len() + 8);
        let long = "x".repeat(1000);
        assert_eq!(label(&long).len(), LABEL_MAX + 9);
        assert_eq!(label("a.b"), label("a.b"), "the same in every run");
    }

    #[test]
    fn literals_escape_quotes_backslashes_templates_and_control_characters() {
        assert_eq!(hcl_string("a\"${b}"), "\"a\\\"$${b}\"");
        assert_eq!(hcl_string("%{if}$${"), "\"%%{if}$$${\"");
        assert_eq!(hcl_string("$ % {"), "\"$ % {\"");
        assert_eq!(hcl_string("\0\u{1b}\u{202e}"), "\"\\u0000\\u001B\\u202E\"");
    }

    #[test]
    fn import_ids_are_the_name_unless_it_could_be_read_otherwise() {
        assert_eq!(import_id("macsec1"), "macsec1");
        assert_eq!(import_id("*1F"), "name=*1F");
        assert_eq!(import_id("name=x"), "name=name=x");
        assert_eq!(import_id(" x"), "name= x");
        assert_eq!(import_id("-h"), "name=-h");
        assert_eq!(import_id(""), "name=");
    }
}
