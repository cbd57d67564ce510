//! The reader of RouterOS `/export` text: lines, continuations, quoting and
//! escapes exactly as RouterOS writes them (DESIGN.md, "Facts: export
//! scripts"), into commands of the menus the caller models and a count of
//! the other lines per menu.
//!
//! The text comes from outside and is not trusted: nothing of a line the
//! caller does not model is kept but its menu (a path of at most a few short
//! words), no error quotes a value (only line numbers, menus, verbs and
//! argument names), a text cut off (an open quote, a `\` continuation at the
//! end, no final newline) is an error naming its line, and the work and
//! memory are linear in the size of the text, which is bounded by
//! [`MAX_EXPORT_BYTES`].
//!
//! This file is self-contained (std only): the fuzz target under `fuzz/`
//! compiles it on its own, without the provider.

use std::collections::BTreeMap;
use std::fmt;

/// The largest export read (64 MiB; a router's export is a few megabytes).
pub(crate) const MAX_EXPORT_BYTES: usize = 64 << 20;
/// The longest menu path kept for the summary of lines not modelled.
const MAX_MENU_LEN: usize = 64;
/// The longest word of a menu path (RouterOS's are short: `ipsec`, `profile`).
const MAX_MENU_WORD: usize = 24;
/// The longest argument name (RouterOS's longest are around 30 characters).
const MAX_KEY_LEN: usize = 64;
/// What the summary calls lines whose menu cannot be read.
pub(crate) const UNREADABLE_MENU: &str = "(unreadable menu)";
/// What the summary calls lines before any menu.
pub(crate) const NO_MENU: &str = "(no menu)";
/// What the summary calls script commands (`:global`, `:foreach`, ...).
pub(crate) const SCRIPT_COMMANDS: &str = "(script commands)";

/// Why an export cannot be read: the line (1-based, 0 for the whole text)
/// and what is wrong. Never holds a value from the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExportError {
    /// The physical line the problem is on (0: the whole export).
    pub(crate) line: usize,
    /// What is wrong and what to do.
    pub(crate) message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ExportError {}

fn error<T>(line: usize, message: impl Into<String>) -> Result<T, ExportError> {
    Err(ExportError {
        line,
        message: message.into(),
    })
}

/// The item a `set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `[ find KEY=VALUE ]`.
    Find(String, String),
    /// A bare item name: `set ether1 ...`.
    Name(String),
}

/// One `add` or `set` of a modelled menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    /// The physical line the command starts on (1-based).
    pub(crate) line: usize,
    /// The menu in slash form: `/interface/macsec`.
    pub(crate) menu: String,
    /// `add` or `set`.
    pub(crate) verb: String,
    /// The item a `set` changes (`None` for `add`, and for a `set` of a
    /// single-item menu).
    pub(crate) target: Option<Target>,
    /// The `KEY=VALUE` arguments in order, values decoded.
    pub(crate) args: Vec<(String, String)>,
}

/// An export read: the commands of the modelled menus, and how many lines
/// of every other menu were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Script {
    /// `add` and `set` lines of the modelled menus, in order.
    pub(crate) commands: Vec<Command>,
    /// Lines left out, counted per menu (slash form, or one of
    /// [`NO_MENU`], [`SCRIPT_COMMANDS`], [`UNREADABLE_MENU`]). A modelled
    /// menu's other verbs count as `<menu> <verb>`.
    pub(crate) unmodelled: BTreeMap<String, usize>,
}

/// One word of a logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// `[` or `]` outside quotes.
    Bracket(u8),
    /// A word: `key` is what stands before its first `=` outside quotes.
    Text {
        key: Option<Vec<u8>>,
        value: Vec<u8>,
        quoted: bool,
    },
}

impl Word {
    /// A word without `=` and without quotes: a menu word, a verb, a name.
    fn plain(&self) -> Option<&[u8]> {
        match self {
            Word::Text {
                key: None,
                value,
                quoted: false,
            } => Some(value),
            _ => None,
        }
    }
}

/// A logical line: its first physical line and its words.
struct Line {
    number: usize,
    words: Vec<Word>,
}

/// Splits the text into logical lines of decoded words.
fn lex(text: &str) -> Result<Vec<Line>, ExportError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut words: Vec<Word> = Vec::new();
    // The word being read.
    let mut key: Option<Vec<u8>> = None;
    let mut value: Vec<u8> = Vec::new();
    let mut quoted = false;
    let mut in_word = false;
    let mut in_quote = false;
    let mut i = 0;
    macro_rules! end_word {
        () => {
            if in_word {
                words.push(Word::Text {
                    key: key.take(),
                    value: std::mem::take(&mut value),
                    quoted,
                });
                quoted = false;
                in_word = false;
            }
        };
    }
    while i < b.len() {
        let c = b[i];
        // A comment: `#` first on a logical line, to the end of the line.
        if !in_quote && !in_word && words.is_empty() && c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        match c {
            b'\n' if in_quote => {
                return error(
                    line,
                    "a quoted value is not closed before the end of the line: the export looks cut off or edited; export it again",
                );
            }
            b'\n' => {
                end_word!();
                if !words.is_empty() {
                    out.push(Line {
                        number: start,
                        words: std::mem::take(&mut words),
                    });
                }
                line += 1;
                start = line;
                i += 1;
            }
            b'\\' => {
                let next = b.get(i + 1).copied();
                let crlf = next == Some(b'\r') && b.get(i + 2) == Some(&b'\n');
                if next == Some(b'\n') || crlf {
                    // A continuation: the next line's indentation is not part of the text.
                    i += if crlf { 3 } else { 2 };
                    line += 1;
                    if i >= b.len() {
                        return error(
                            line - 1,
                            "the export ends in a `\\` continuation: it looks cut off; export it again",
                        );
                    }
                    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                        i += 1;
                    }
                    continue;
                }
                let Some(n) = next else {
                    return error(
                        line,
                        "the export ends in a `\\` continuation: it looks cut off; export it again",
                    );
                };
                in_word = true;
                let hex = |x: u8| matches!(x, b'0'..=b'9' | b'A'..=b'F');
                let decoded = match n {
                    b'"' | b'\\' | b'$' | b'?' => Some((n, 2)),
                    b'n' => Some((b'\n', 2)),
                    b'r' => Some((b'\r', 2)),
                    b't' => Some((b'\t', 2)),
                    b'_' => Some((b' ', 2)),
                    b'a' => Some((0x07, 2)),
                    b'b' => Some((0x08, 2)),
                    b'f' => Some((0x0C, 2)),
                    b'v' => Some((0x0B, 2)),
                    h if hex(h) && b.get(i + 2).is_some_and(|&l| hex(l)) => {
                        let digit = |x: u8| {
                            if x.is_ascii_digit() {
                                x - b'0'
                            } else {
                                x - b'A' + 10
                            }
                        };
                        Some((digit(h) << 4 | digit(b[i + 2]), 3))
                    }
                    _ => None,
                };
                let Some((byte, len)) = decoded else {
                    return error(
                        line,
                        "a `\\` escape RouterOS does not write (it writes \\\" \\\\ \\n \\r \\t \\$ \\? \\_ \\a \\b \\f \\v and \\XX with two upper-case hex digits): the export looks edited; export it again",
                    );
                };
                value.push(byte);
                i += len;
            }
            b'"' => {
                in_word = true;
                quoted = true;
                in_quote = !in_quote;
                i += 1;
            }
            _ if in_quote => {
                value.push(c);
                i += 1;
            }
            b'\r' if b.get(i + 1) == Some(&b'\n') => i += 1,
            b' ' | b'\t' | b'\r' => {
                end_word!();
                i += 1;
            }
            b'[' | b']' => {
                end_word!();
                words.push(Word::Bracket(c));
                i += 1;
            }
            b'=' if key.is_none() && in_word && !quoted => {
                key = Some(std::mem::take(&mut value));
                i += 1;
            }
            _ => {
                in_word = true;
                value.push(c);
                i += 1;
            }
        }
    }
    if in_quote {
        return error(
            start,
            "a quoted value is not closed at the end of the export: it looks cut off; export it again",
        );
    }
    if in_word || !words.is_empty() || (!text.ends_with('\n') && !text.is_empty()) {
        return error(
            line,
            "the export does not end with a newline (RouterOS ends every line with one): it looks cut off; export it again",
        );
    }
    Ok(out)
}

/// RouterOS's verbs: the word after the menu.
fn is_verb(w: &[u8]) -> bool {
    matches!(
        w,
        b"add"
            | b"set"
            | b"remove"
            | b"print"
            | b"enable"
            | b"disable"
            | b"edit"
            | b"unset"
            | b"move"
            | b"reset"
            | b"export"
            | b"comment"
            | b"find"
    )
}

/// A menu word as RouterOS writes them: lower-case letters, digits, `-`.
fn menu_word(w: &[u8]) -> bool {
    !w.is_empty()
        && w.len() <= MAX_MENU_WORD
        && w.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// An argument name as RouterOS writes them.
fn argument_name(w: &[u8]) -> bool {
    !w.is_empty()
        && w.len() <= MAX_KEY_LEN
        && w.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

fn utf8(line: usize, what: &str, bytes: Vec<u8>) -> Result<String, ExportError> {
    String::from_utf8(bytes).or_else(|_| {
        error(
            line,
            format!(
                "{what} is not UTF-8 once its `\\XX` escapes are decoded; change it on the router (or in the export) to UTF-8 text"
            ),
        )
    })
}

/// Reads `/export` text: the `add` and `set` lines of the menus in
/// `modelled` (slash form, such as `/interface/macsec`) as commands, every
/// other line counted per menu.
pub(crate) fn parse(text: &str, modelled: &[&str]) -> Result<Script, ExportError> {
    if text.len() > MAX_EXPORT_BYTES {
        return error(
            0,
            format!(
                "the export is {} bytes, more than the {MAX_EXPORT_BYTES} read; export only the menus needed (`/export path=interface/macsec`, or `/interface macsec export`)",
                text.len()
            ),
        );
    }
    if text.trim().is_empty() {
        return error(0, "the export is empty; export the router again");
    }
    let mut script = Script::default();
    let mut menu: Option<String> = None;
    for Line { number, words } in lex(text)? {
        let mut rest = &words[..];
        if let Some(first) = rest[0].plain() {
            if first.first() == Some(&b':') {
                *script.unmodelled.entry(SCRIPT_COMMANDS.into()).or_default() += 1;
                continue;
            }
            if first.first() == Some(&b'/') {
                // The menu words, up to the verb (a `terse` line) or the end.
                let end = rest
                    .iter()
                    .position(|w| w.plain().is_none_or(is_verb))
                    .unwrap_or(rest.len());
                let mut parts = Vec::new();
                for w in &rest[..end] {
                    parts.extend(
                        w.plain()
                            .unwrap_or_default()
                            .split(|&c| c == b'/')
                            .filter(|p| !p.is_empty()),
                    );
                }
                let path = format!(
                    "/{}",
                    parts
                        .iter()
                        .map(|p| String::from_utf8_lossy(p))
                        .collect::<Vec<_>>()
                        .join("/")
                );
                menu = Some(
                    if parts.iter().all(|p| menu_word(p)) && path.len() <= MAX_MENU_LEN {
                        path
                    } else {
                        UNREADABLE_MENU.to_string()
                    },
                );
                rest = &rest[end..];
                if rest.is_empty() {
                    continue;
                }
            }
        }
        let Some(current) = menu.as_deref() else {
            *script.unmodelled.entry(NO_MENU.into()).or_default() += 1;
            continue;
        };
        let verb = match rest[0].plain() {
            Some(v @ (b"add" | b"set")) => v,
            Some(v) if is_verb(v) && modelled.contains(&current) => {
                let v = String::from_utf8_lossy(v);
                *script
                    .unmodelled
                    .entry(format!("{current} {v}"))
                    .or_default() += 1;
                continue;
            }
            _ => {
                *script.unmodelled.entry(current.to_string()).or_default() += 1;
                continue;
            }
        };
        if !modelled.contains(&current) {
            *script.unmodelled.entry(current.to_string()).or_default() += 1;
            continue;
        }
        let verb = String::from_utf8_lossy(verb).into_owned();
        let what = format!("`{current} {verb}`");
        let mut target = None;
        let mut args = Vec::new();
        let mut words = rest[1..].iter().enumerate();
        while let Some((n, w)) = words.next() {
            match w {
                Word::Bracket(b'[') if target.is_none() && args.is_empty() => {
                    // `[ find KEY=VALUE ]`, `[ find where KEY=VALUE ]`.
                    let mut inner = Vec::new();
                    for (_, w) in words.by_ref() {
                        if *w == Word::Bracket(b']') {
                            break;
                        }
                        inner.push(w);
                    }
                    let inner: Vec<&Word> = inner
                        .into_iter()
                        .filter(|w| !matches!(w.plain(), Some(b"find" | b"where")))
                        .collect();
                    match inner[..] {
                        [
                            Word::Text {
                                key: Some(k),
                                value,
                                ..
                            },
                        ] if argument_name(k) => {
                            let k = String::from_utf8_lossy(k).into_owned();
                            let v = utf8(
                                number,
                                &format!("the value of `{k}` in `[ find ]`"),
                                value.clone(),
                            )?;
                            target = Some(Target::Find(k, v));
                        }
                        _ => {
                            return error(
                                number,
                                format!(
                                    "{what} selects its item with something other than `[ find KEY=VALUE ]`; only one condition is read: select the item by name"
                                ),
                            );
                        }
                    }
                }
                Word::Text {
                    key: Some(k),
                    value,
                    ..
                } if argument_name(k) => {
                    let k = String::from_utf8_lossy(k).into_owned();
                    let v = utf8(number, &format!("the value of `{k}`"), value.clone())?;
                    args.push((k, v));
                }
                Word::Text {
                    key: None, value, ..
                } if verb == "set" && target.is_none() && args.is_empty() => {
                    target = Some(Target::Name(utf8(
                        number,
                        "the item name after `set`",
                        value.clone(),
                    )?));
                }
                _ => {
                    return error(
                        number,
                        format!(
                            "{what}: word {} is not `KEY=VALUE` with an argument name RouterOS writes; the export looks edited: export it again",
                            n + 2
                        ),
                    );
                }
            }
        }
        script.commands.push(Command {
            line: number,
            menu: current.to_string(),
            verb,
            target,
            args,
        });
    }
    Ok(script)
}

/// The lines left out, one sentence per menu: `/ip/address: 3 lines not
/// modelled`.
pub(crate) fn summary(unmodelled: &BTreeMap<String, usize>) -> Vec<String> {
    unmodelled
        .iter()
        .map(|(menu, n)| {
            let lines = if *n == 1 { "line" } else { "lines" };
            format!("{menu}: {n} {lines} not modelled")
        })
        .collect()
}

/// The properties the fuzz targets and the seeded tests check, shared so
/// both check the same thing.
#[doc(hidden)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) mod fuzzing {
    use super::*;

    /// The menus the properties treat as modelled.
    pub(crate) const MODELLED: [&str; 3] = [
        "/interface/ethernet",
        "/interface/macsec",
        "/interface/macsec/profile",
    ];

    /// Any bytes: no panic, and what is read is bounded by the input: no
    /// more commands than lines, no more value bytes than input bytes, no
    /// menu name longer than the limit.
    pub(crate) fn parse_is_total_and_bounded(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        match parse(text, &MODELLED) {
            Ok(script) => {
                let lines = text.matches('\n').count();
                assert!(script.commands.len() <= lines);
                assert!(script.unmodelled.values().sum::<usize>() + script.commands.len() <= lines);
                let bytes: usize = script
                    .commands
                    .iter()
                    .flat_map(|c| c.args.iter())
                    .map(|(k, v)| k.len() + v.len())
                    .sum();
                assert!(bytes <= text.len());
                for menu in script.unmodelled.keys() {
                    assert!(menu.len() <= MAX_MENU_LEN + 16, "{menu:?}");
                }
                for c in &script.commands {
                    assert!(c.line >= 1 && c.line <= lines);
                }
            }
            Err(e) => {
                assert!(e.line <= text.matches('\n').count() + 1);
                assert!(!e.message.is_empty());
            }
        }
    }

    /// `expected` are `(menu, key, value)` a router holds and `text` its
    /// export: every one of them is read back exactly, and nothing of the
    /// export is left out.
    pub(crate) fn export_reads_back_exactly(expected: &[(String, String, String)], text: &str) {
        let script = parse(text, &MODELLED).unwrap_or_else(|e| panic!("{e}\n{text:?}"));
        for (menu, key, value) in expected {
            assert!(
                script
                    .commands
                    .iter()
                    .any(|c| &c.menu == menu && c.args.iter().any(|(k, v)| k == key && v == value)),
                "{menu} {key}={value:?} not read back from\n{text}\n{script:?}"
            );
        }
    }
}
