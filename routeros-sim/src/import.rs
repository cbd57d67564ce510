//! Loading an `/export` script into the emulator (`routeros-sim
//! --from-export FILE`): a twin of a real router for pull-request applies.
//!
//! The script is RouterOS's own text, compact or verbose, `terse` or not,
//! with or without `show-sensitive`, or a hand-written `.rsc` in the same
//! form:
//!
//! - the header comment `# <date> by RouterOS 7.18` gives the version, and
//!   `# model = CCR2004-...` the board name;
//! - a long line continues on the next when it ends in `\`;
//! - a line `/interface macsec` selects a menu for the lines after it, and a
//!   `terse` line carries its menu in front (`/interface macsec add ...`);
//! - values are bare or double-quoted with RouterOS's escapes (`\"`, `\\`,
//!   `\n`, `\t`, `\_`, `\$`, `\?`, and `\XX` hex bytes).
//!
//! Modelled and loaded: `/interface ethernet set [ find default-name=etherN ]`
//! (ports up to the highest `etherN` mentioned are created), `/interface
//! macsec profile add` and `set [ find default=yes ]`, `/interface macsec add`
//! (with `cak` when the export has it; without, the emulator makes one up,
//! as RouterOS hides it), `/system identity set`. Every other line is for a
//! menu the emulator does not model (firewall, addresses, ...): counted and
//! listed, never an error. A modelled line the emulator refuses is an error
//! naming its line number.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};

use crate::SimConfig;
use crate::menu::Menu;
use crate::state::Router;
use crate::value::Args;

/// One command of a script, in a modelled menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptCommand {
    /// 1-based line number where the command starts.
    pub line: usize,
    /// Console path of the menu, such as `/interface/macsec`.
    pub menu: String,
    /// `add` or `set`.
    pub verb: String,
    /// `[ find KEY=VALUE ]` or a bare item name after `set`.
    pub target: Option<(String, String)>,
    /// The `key=value` arguments, in order.
    pub args: Vec<(String, String)>,
}

/// A parsed export script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportScript {
    /// RouterOS version from the header (`by RouterOS 7.18`).
    pub version: Option<String>,
    /// Board from `# model = ...`.
    pub board_name: Option<String>,
    /// Highest `etherN` the script mentions (0 when none).
    pub highest_ether: usize,
    /// Commands for modelled menus, in script order.
    pub commands: Vec<ScriptCommand>,
    /// Lines for menus (or commands) the emulator does not model: line
    /// number and menu path.
    pub unmodelled: Vec<(usize, String)>,
}

impl ExportScript {
    /// The unmodelled lines per menu, with their counts.
    pub fn unmodelled_by_menu(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for (_, menu) in &self.unmodelled {
            *out.entry(menu.clone()).or_insert(0) += 1;
        }
        out
    }

    /// What stderr says about the unmodelled lines: a count, then one line
    /// per menu. Empty when every line was loaded.
    pub fn unmodelled_report(&self) -> String {
        if self.unmodelled.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "{} line(s) of the export are for menus the emulator does not model and were not loaded:\n",
            self.unmodelled.len()
        );
        for (menu, n) in self.unmodelled_by_menu() {
            out.push_str(&format!("  {menu}: {n} line(s)\n"));
        }
        out
    }

    /// `cfg` adjusted to the router the script comes from: its version
    /// (unless `keep_version`), its board, and enough Ethernet ports.
    pub fn adjust(&self, cfg: &mut SimConfig, keep_version: bool) {
        if let (Some(v), false) = (&self.version, keep_version) {
            cfg.version = v.clone();
        }
        if let Some(b) = &self.board_name {
            cfg.board_name = b.clone();
        }
        cfg.ethernet_ports = cfg.ethernet_ports.max(self.highest_ether);
    }
}

/// Menus whose lines are loaded.
const MODELLED: [&str; 8] = [
    "/interface/ethernet",
    "/interface/macsec",
    "/interface/macsec/profile",
    "/system/identity",
    "/system/logging",
    "/system/logging/action",
    "/system/scheduler",
    "/system/script",
];

/// Joins continued lines (`\` at the end); returns (first line number, text).
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        let (start, mut acc) = match current.take() {
            Some((start, acc)) => (start, acc),
            None => (i + 1, String::new()),
        };
        let piece = if acc.is_empty() {
            raw
        } else {
            raw.trim_start()
        };
        match piece.strip_suffix('\\') {
            // An odd number of trailing backslashes continues the line.
            Some(rest) if (piece.len() - piece.trim_end_matches('\\').len()) % 2 == 1 => {
                acc.push_str(rest);
                current = Some((start, acc));
            }
            _ => {
                acc.push_str(piece);
                out.push((start, acc));
            }
        }
    }
    if let Some(last) = current {
        out.push(last);
    }
    out
}

/// One token: a word, `key=value`, or a `[ ... ]` group (kept whole).
fn tokens(line: &str, at: usize) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut tok = String::new();
        if c == '[' {
            let mut depth = 0;
            for c in chars.by_ref() {
                tok.push(c);
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if depth != 0 {
                bail!("line {at}: unbalanced `[` in {line:?}");
            }
            out.push(tok);
            continue;
        }
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' {
                tok.push('"');
                loop {
                    match chars.next() {
                        None => bail!("line {at}: unterminated quoted value in {line:?}"),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => tok.push('\n'),
                            Some('t') => tok.push('\t'),
                            Some('r') => tok.push('\r'),
                            Some('_') => tok.push(' '),
                            Some(h1) if h1.is_ascii_digit() || ('A'..='F').contains(&h1) => {
                                match chars.peek().copied() {
                                    Some(h2) if h2.is_ascii_hexdigit() => {
                                        chars.next();
                                        let byte = u8::from_str_radix(&format!("{h1}{h2}"), 16)
                                            .expect("two hex digits");
                                        tok.push(char::from(byte));
                                    }
                                    _ => tok.push(h1),
                                }
                            }
                            Some(other) => tok.push(other),
                            None => bail!("line {at}: a value ends in `\\`"),
                        },
                        Some(c) => tok.push(c),
                    }
                }
                tok.push('"');
            } else {
                tok.push(c);
            }
        }
        out.push(tok);
    }
    Ok(out)
}

/// `"text"` without its quotes (the escapes are already resolved).
fn unquote(v: &str) -> String {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
        .to_string()
}

fn key_value(tok: &str) -> Option<(String, String)> {
    let (k, v) = tok.split_once('=')?;
    Some((k.to_string(), unquote(v)))
}

/// `[ find default-name=ether1 ]` as (`default-name`, `ether1`).
fn find_target(group: &str) -> Option<(String, String)> {
    let inner = group.strip_prefix('[')?.strip_suffix(']')?.trim();
    let rest = inner.strip_prefix("find")?.trim();
    if rest.is_empty() {
        return None;
    }
    key_value(rest.split_whitespace().next()?)
}

/// The `etherN` number of a port name.
fn ether_number(name: &str) -> Option<usize> {
    name.strip_prefix("ether")?.parse().ok()
}

/// Parses an export script.
pub fn parse(text: &str) -> anyhow::Result<ExportScript> {
    let mut script = ExportScript::default();
    let mut menu: Option<String> = None;
    for (line, text) in logical_lines(text) {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            let comment = comment.trim();
            if let Some((_, v)) = comment.split_once("by RouterOS ") {
                script.version = v.split_whitespace().next().map(str::to_string);
            } else if let Some(model) = comment.strip_prefix("model =") {
                script.board_name = Some(model.trim().to_string());
            }
            continue;
        }
        let toks = tokens(trimmed, line)?;
        let mut rest = &toks[..];
        if trimmed.starts_with('/') || trimmed.starts_with(':') {
            // The menu words up to the first verb (terse lines) or the end.
            let verb_at = rest
                .iter()
                .position(|t| !t.starts_with('/') && is_verb(t))
                .unwrap_or(rest.len());
            let words: Vec<&str> = rest[..verb_at]
                .iter()
                .flat_map(|t| t.split('/'))
                .filter(|w| !w.is_empty())
                .collect();
            menu = Some(format!("/{}", words.join("/")));
            rest = &rest[verb_at..];
            if rest.is_empty() {
                continue;
            }
        }
        let Some(current) = menu.clone() else {
            script.unmodelled.push((line, "(no menu)".into()));
            continue;
        };
        let verb = rest[0].clone();
        if !MODELLED.contains(&current.as_str()) || !(verb == "add" || verb == "set") {
            let what = if MODELLED.contains(&current.as_str()) {
                format!("{current} {verb}")
            } else {
                current.clone()
            };
            script.unmodelled.push((line, what));
            continue;
        }
        let mut target = None;
        let mut args = Vec::new();
        for tok in &rest[1..] {
            if tok.starts_with('[') {
                target =
                    Some(find_target(tok).ok_or_else(|| {
                        anyhow!("line {line}: cannot read the item selector {tok}")
                    })?);
            } else if let Some(kv) = key_value(tok) {
                args.push(kv);
            } else if verb == "set" && target.is_none() {
                target = Some(("name".into(), unquote(tok)));
            } else {
                bail!("line {line}: {tok:?} is not a key=value argument");
            }
        }
        for (_, v) in args.iter().chain(target.iter()) {
            if let Some(n) = ether_number(v) {
                script.highest_ether = script.highest_ether.max(n);
            }
        }
        script.commands.push(ScriptCommand {
            line,
            menu: current,
            verb,
            target,
            args,
        });
    }
    Ok(script)
}

fn is_verb(t: &str) -> bool {
    matches!(
        t,
        "add"
            | "set"
            | "remove"
            | "print"
            | "enable"
            | "disable"
            | "edit"
            | "unset"
            | "move"
            | "reset"
            | "export"
    ) || t.contains('=')
        || t.starts_with('[')
}

/// The id of the item `target` selects in `menu`.
fn select(router: &Router, menu: Menu, target: &(String, String)) -> Option<u32> {
    let (key, value) = target;
    let id_of =
        |row: &BTreeMap<String, String>| row.get(".id").and_then(|id| router.find(menu, id));
    router
        .list(menu)
        .iter()
        .find(|row| {
            let have = row.get(key.as_str()).map(String::as_str);
            have == Some(value.as_str())
                || (value == "yes" && have == Some("true"))
                || (value == "no" && have == Some("false"))
        })
        .and_then(id_of)
}

pub(crate) fn apply(router: &mut Router, cmd: &ScriptCommand) -> anyhow::Result<()> {
    let menu = Menu::from_path(&cmd.menu).ok_or_else(|| anyhow!("{} is not modelled", cmd.menu))?;
    let args: Args = cmd.args.clone();
    let result = match (menu, cmd.verb.as_str()) {
        (m, "set") if m.is_singleton() => router.set_singleton(menu, &args),
        (_, "add") => router.add(menu, &args).map(|_| ()),
        (_, "set") => {
            let target = cmd
                .target
                .as_ref()
                .ok_or_else(|| anyhow!("`set` without an item (`[ find ... ]` or a name)"))?;
            let id = select(router, menu, target)
                .ok_or_else(|| anyhow!("no item with {}={} in {}", target.0, target.1, cmd.menu))?;
            router.set(menu, &[id], &args)
        }
        _ => unreachable!("only add and set are parsed as commands"),
    };
    result.map_err(|e| {
        anyhow!(
            "{}",
            e.detail
                .clone()
                .unwrap_or_else(|| format!("refused with status {}", e.status))
        )
    })
}

#[cfg(test)]
mod tests;
