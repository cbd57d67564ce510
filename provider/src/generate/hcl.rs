//! HCL and shell text written by `generate`: labels, string literals,
//! import IDs, shell words. Router text reaches the output only through
//! these functions. Plain `std` code: the `generate_config` fuzz target
//! compiles this file on its own.

use std::collections::HashSet;

use crate::plugin::text::is_unprintable;
pub use crate::plugin::text::route_name_problem as router_name_problem;

/// The longest label made from a name before its hash suffix.
const LABEL_MAX: usize = 64;

/// A resource label from a RouterOS name: letters, digits, `_` and `-`,
/// starting with a letter or `_`. A name that is not already such a label
/// (other characters, a leading digit or `-`, or longer than 64
/// characters) gets the first 8 hex digits of a hash of the whole name as
/// a suffix, so that names differing only in punctuation get different
/// labels whatever order they are read in.
pub fn label(name: &str) -> String {
    label_after("", name)
}

/// The label of `name` after `prefix` (a router's, [`router_prefix`], or
/// none): as [`label`], except that after a prefix, which starts the label
/// as a label must start, the name may start with a digit or `-`
/// (`core_9m` rather than `core__9m_` and a hash).
pub fn label_after(prefix: &str, name: &str) -> String {
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
    if prefix.is_empty() && !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    if s != name {
        s.push_str(&format!("_{:08x}", fnv1a(name.as_bytes()) >> 32));
    }
    format!("{prefix}{s}")
}

/// FNV-1a, 64 bits: a stable hash (the same in every build and run).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The start of every label and file name `generate --router NAME` writes:
/// `NAME_`, or `_NAME_` for a name that does not start with a letter or
/// `_` (a label must, and a file name starting with `-` reads as a flag).
/// `name` must be a router name ([`router_name_problem`], the provider's
/// own rule for the keys of `routers`).
pub fn router_prefix(name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        format!("{name}_")
    } else {
        format!("_{name}_")
    }
}

/// Hands out labels unique within one resource type: [`label`] (after the
/// router's prefix, [`router_prefix`], with `--router`), then `_2`, `_3`,
/// ... for the rare name whose label another name, or a block already in
/// the directory, has.
#[derive(Debug, Default)]
pub struct Labels {
    taken: HashSet<(String, String)>,
    prefix: String,
}

impl Labels {
    /// Labels starting with `prefix`, none of them one of `taken` (type
    /// and label of the blocks already in the directory).
    pub fn new(prefix: &str, taken: &[(String, String)]) -> Labels {
        Labels {
            taken: taken.iter().cloned().collect(),
            prefix: prefix.to_string(),
        }
    }

    /// A label for `name` not yet given to another `type_name` object.
    pub fn unique(&mut self, type_name: &str, name: &str) -> String {
        let base = label_after(&self.prefix, name);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self
            .taken
            .insert((type_name.to_string(), candidate.clone()))
        {
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
/// empty, have surrounding white space, or hold a `/`, which the provider
/// would read as a router's name before it when that router exists).
pub fn import_id(name: &str) -> String {
    let plain = !name.is_empty()
        && !name.starts_with(['*', '-'])
        && !name.starts_with(BY_NAME)
        && !name.contains('/')
        && name.trim() == name;
    if plain {
        name.to_string()
    } else {
        format!("{BY_NAME}{name}")
    }
}

/// The import ID of the object named `name` on the router `router` (the
/// provider's `routers` key): `ROUTER/` and [`import_id`]; without a
/// router, [`import_id`] alone.
pub fn router_import_id(router: Option<&str>, name: &str) -> String {
    match router {
        Some(r) => format!("{r}/{}", import_id(name)),
        None => import_id(name),
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
        assert_eq!(router_import_id(Some("core"), "*1F"), "core/name=*1F");
        assert_eq!(router_import_id(Some("core"), "m1"), "core/m1");
    }

    /// Regression: a name holding `/` (`core/x`) was written as the import
    /// ID `core/x`, which the provider reads as the object `x` on the
    /// router `core` when the configuration has one.
    #[test]
    fn a_name_with_a_slash_is_not_read_as_a_router_prefix() {
        assert_eq!(import_id("core/x"), "name=core/x");
        assert_eq!(router_import_id(Some("edge"), "core/x"), "edge/name=core/x");
    }

    #[test]
    fn router_names_are_checked_and_prefixes_start_labels() {
        for ok in ["core", "edge-1", "_x", "1core", "-x", &"a".repeat(64)] {
            assert_eq!(router_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "a/b",
            "../x",
            "a b",
            "a\"b",
            "${x}",
            "%{x}",
            "a\0b",
            "a\nb",
            "é",
            &"a".repeat(65),
        ] {
            let problem = router_name_problem(bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert!(bad.is_empty() || !problem.contains(bad), "{problem}");
        }
        assert_eq!(router_prefix("core"), "core_");
        assert_eq!(router_prefix("1core"), "_1core_");
        assert_eq!(router_prefix("-x"), "_-x_");
        let mut labels = Labels::new("core_", &[("t".into(), "core_m".into())]);
        assert_eq!(labels.unique("t", "m"), "core_m_2");
        assert_eq!(labels.unique("u", "m"), "core_m");
        assert_eq!(labels.unique("u", "9m"), "core_9m");
        assert_eq!(labels.unique("u", ""), "core_");
        assert!(labels.unique("u", "-a.b").starts_with("core_-a_b_"));
    }
}
