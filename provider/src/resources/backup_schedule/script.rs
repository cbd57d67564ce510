//! The backup script `routeros_backup_schedule` writes to `/system/script`:
//! made from the template `backup.rsc` (DESIGN.md, "The backup script"),
//! read back for import and listing, and shown with its password masked.
//!
//! Only printable ASCII reaches a quoted string of the script (the checks in
//! [`text_problem`]), and in it `"`, `\`, `$` and `?` are escaped, so no
//! value can end the string, start a variable or a command substitution.

use crate::secrets::Zeroizing;

/// The template, filled in by [`render`].
pub const TEMPLATE: &str = include_str!("backup.rsc");

/// What replaces the backup password in the `source` that state shows.
pub const MASK: &str = "********";

/// The line appended to the `source` a read reports when the router's
/// script is the provider's but with another backup password.
pub const OTHER_PASSWORD: &str =
    "# (on the router this script saves with another backup password than password_age holds)";

/// The file time property of a RouterOS version: `creation-time` before
/// 7.16, `last-modified` from 7.16 (DESIGN.md, "Facts: backups, exports,
/// files").
pub fn time_property(at_least_7_16: bool) -> &'static str {
    if at_least_7_16 {
        "last-modified"
    } else {
        "creation-time"
    }
}

/// What a script is made from.
#[derive(Clone, PartialEq, Eq)]
pub struct Params {
    /// File name prefix (checked by [`prefix_problem`]).
    pub prefix: String,
    /// How many backups with the prefix to keep.
    pub keep: i64,
    /// The log message before the file name (checked by [`text_problem`]).
    pub message: String,
    /// The file time property ([`time_property`]).
    pub time: &'static str,
    /// The backup password, if any (checked by [`text_problem`]).
    pub password: Option<Zeroizing<String>>,
}

/// Never shows the password.
impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field("prefix", &self.prefix)
            .field("keep", &self.keep)
            .field("message", &self.message)
            .field("time", &self.time)
            .field("password", &self.password.as_ref().map(|_| MASK))
            .finish()
    }
}

/// `text` inside a RouterOS double-quoted string. The text is printable
/// ASCII (see [`text_problem`]): `"`, `\`, `$` and `?` get a backslash.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '?') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The inverse of [`escape`]; `None` for an escape it never writes.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                e @ ('"' | '\\' | '$' | '?') => out.push(e),
                _ => return None,
            },
            '"' | '$' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The script for `p`. Holds the password in the clear when there is one.
pub fn render(p: &Params) -> Zeroizing<String> {
    let save = match &p.password {
        Some(pw) => Zeroizing::new(format!("password=\"{}\"", escape(pw))),
        None => Zeroizing::new("dont-encrypt=yes".to_string()),
    };
    Zeroizing::new(
        TEMPLATE
            .replace("{{prefix}}", &p.prefix)
            .replace("{{keep}}", &p.keep.to_string())
            .replace("{{save}}", &save)
            .replace("{{message}}", &escape(&p.message))
            .replace("{{time}}", p.time),
    )
}

/// The script for `p` with its password (if any) as [`MASK`]: what state
/// shows.
pub fn masked(p: &Params) -> String {
    let shown = Params {
        password: p
            .password
            .as_ref()
            .map(|_| Zeroizing::new(MASK.to_string())),
        ..p.clone()
    };
    render(&shown).to_string()
}

/// What a script the provider made was made from, or `None` for any other
/// script (one edited by hand included: the parameters read from it must
/// render exactly `source`).
pub fn parse(source: &str) -> Option<Params> {
    let mut lines = source.lines();
    let prefix = lines
        .next()?
        .strip_prefix(":local prefix \"")?
        .strip_suffix('"')?
        .to_string();
    let keep = lines.next()?.strip_prefix(":local keep ")?.parse().ok()?;
    let save = source
        .lines()
        .find_map(|l| l.strip_prefix("/system backup save name=$name "))?;
    let password = match save {
        "dont-encrypt=yes" => None,
        other => Some(Zeroizing::new(unescape(
            other.strip_prefix("password=\"")?.strip_suffix('"')?,
        )?)),
    };
    let message = source
        .lines()
        .find_map(|l| l.strip_prefix(":log info (\""))?
        .strip_suffix("\" . $name . \".backup\")")?;
    let message = unescape(message)?;
    let time = ["creation-time", "last-modified"]
        .into_iter()
        .find(|t| source.contains(&format!("[/file get $old {t}]")))?;
    let p = Params {
        prefix,
        keep,
        message,
        time,
        password,
    };
    (prefix_problem(&p.prefix).is_none() && *render(&p) == *source).then_some(p)
}

/// `source` with the value of every `password=` argument replaced by
/// [`MASK`] (a quoted string or a bare word), and every other occurrence
/// of `known` (the configured password, raw or escaped) too: what a read
/// may put into state from a script it does not recognise.
pub fn mask_passwords(source: &str, known: Option<&str>) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find("password=") {
        let (head, tail) = rest.split_at(at + "password=".len());
        out.push_str(head);
        let end = if let Some(quoted) = tail.strip_prefix('"') {
            let mut escaped = false;
            let close = quoted.char_indices().find(|&(_, c)| {
                let end = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                end
            });
            close.map_or(tail.len(), |(i, _)| i + 2)
        } else {
            tail.find(|c: char| c.is_whitespace() || c == ';' || c == ']' || c == '}')
                .unwrap_or(tail.len())
        };
        out.push('"');
        out.push_str(MASK);
        out.push('"');
        rest = &tail[end..];
    }
    out.push_str(rest);
    if let Some(pw) = known.filter(|p| !p.is_empty()) {
        out = out.replace(&escape(pw), MASK).replace(pw, MASK);
    }
    out
}

/// Why `prefix` cannot name backup files, if it cannot.
pub fn prefix_problem(prefix: &str) -> Option<String> {
    if prefix.is_empty() || prefix.len() > 64 {
        return Some(format!(
            "the prefix must have 1 to 64 characters, but it has {}",
            prefix.chars().count()
        ));
    }
    let bad = prefix
        .chars()
        .position(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    Some(format!(
        "character {} of the prefix is not a letter, digit, `_` or `-` (the prefix becomes part of file names and of the script, unquoted)",
        bad + 1
    ))
}

/// Why `text` (a log message or password) cannot go into the script, if
/// it cannot. Never quotes the text.
pub fn text_problem(text: &str, max: usize) -> Option<String> {
    if text.len() > max {
        return Some(format!(
            "it has {} bytes, more than the {max} allowed",
            text.len()
        ));
    }
    let bad = text.chars().position(|c| !(' '..='~').contains(&c))?;
    Some(format!(
        "character {} is not printable ASCII (letters, digits, punctuation and spaces only; no control characters, newlines or non-ASCII letters)",
        bad + 1
    ))
}

/// Printable ASCII that means something to RouterOS, Terraform or a shell:
/// the texts the tests put into messages and passwords.
#[cfg(test)]
pub(crate) const HOSTILE_TEXTS: [&str; 9] = [
    "say \"hi\"",
    "back\\slash\\",
    "${var} $var \\$",
    "%{ if x }",
    "[/system reboot]",
    "; /file remove [find]",
    "what? ../../etc",
    "}\" do={ :log info x }",
    "\\\"\\n",
];

#[cfg(test)]
mod tests;
