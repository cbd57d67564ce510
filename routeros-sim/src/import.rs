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
//!   `\n`, `\r`, `\t`, `\_`, `\$`, `\?`, `\a`, `\b`, `\f`, `\v`, and `\XX`
//!   hex bytes, which together form UTF-8; DESIGN.md, "Facts: export scripts").
//!
//! The script is not trusted (CI feeds it from a router or a pull request):
//! it is at most [`MAX_EXPORT_BYTES`]; a script cut off (an open quote, a `\`
//! continuation at the end, no final newline) is an error naming its line;
//! port numbers are bounded by [`MAX_ETHERNET_PORTS`] and the items the
//! script adds per menu by [`MAX_ROWS_PER_MENU`]; errors name the line, the
//! menu, the verb and argument names, never a value; and loading copies the
//! router once, so its cost is linear in the number of lines ([`LoadCost`]).
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

/// The largest script loaded (64 MiB; a router's export is a few megabytes).
pub const MAX_EXPORT_BYTES: usize = 64 << 20;
/// The most Ethernet ports the emulator makes: its own bound, above the
/// `etherN` ports of any MikroTik board (the largest switches have 48 copper
/// ports and a management port).
pub const MAX_ETHERNET_PORTS: usize = 128;
/// The most items a script may add to one menu (the emulator's own bound;
/// RouterOS documents none): every look-up in a menu costs at most this many
/// rows, so loading stays linear in the number of lines.
pub const MAX_ROWS_PER_MENU: usize = 1024;

/// The longest menu path kept (RouterOS's are far shorter).
const MAX_MENU_LEN: usize = 64;
/// The longest word of a menu path (RouterOS's are short: `ipsec`, `profile`).
const MAX_MENU_WORD: usize = 24;
/// What the report calls lines whose menu cannot be read.
const UNREADABLE_MENU: &str = "(unreadable menu)";

/// What loading a script cost, in counts (not time): the commands applied,
/// the rows of router copies made, and the rows scanned to find the items
/// `set` lines select.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadCost {
    /// Commands applied.
    pub commands: usize,
    /// Rows (ports, MACsec interfaces, profiles, files) in copies of the router.
    pub rows_copied: usize,
    /// Rows scanned by `[ find ... ]` selectors.
    pub rows_scanned: usize,
}

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

/// Joins continued lines (`\\` at the end; the next line's indentation is
/// not part of the text); returns (first line number, text). A script that
/// ends in a continuation or without a final newline looks cut off: an error.
fn logical_lines(text: &str) -> anyhow::Result<Vec<(usize, String)>> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut last = 0;
    for (i, raw) in text.lines().enumerate() {
        last = i + 1;
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
    if current.is_some() {
        bail!(
            "line {last}: the export ends in a `\\` continuation: it looks cut off; export it again"
        );
    }
    if !text.is_empty() && !text.ends_with('\n') {
        bail!(
            "line {last}: the export does not end with a newline (RouterOS ends every line with one): it looks cut off; export it again"
        );
    }
    Ok(out)
}

/// One token: a word, `key=value`, or a `[ ... ]` group (kept whole).
/// Quoted values keep their quotes, with the escapes decoded.
fn tokens(line: &str, at: usize) -> anyhow::Result<Vec<String>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b[i] == b'[' {
            let start = i;
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'[' => depth += 1,
                    b']' => depth -= 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            if depth != 0 {
                bail!("line {at}: a `[` is not closed: the export looks cut off or edited");
            }
            out.push(line[start..i].to_string());
            continue;
        }
        let mut tok: Vec<u8> = Vec::new();
        while i < b.len() && !b[i].is_ascii_whitespace() {
            let c = b[i];
            i += 1;
            if c != b'"' {
                tok.push(c);
                continue;
            }
            tok.push(b'"');
            loop {
                match b.get(i) {
                    None => bail!(
                        "line {at}: a quoted value is not closed: the export looks cut off; export it again"
                    ),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let (byte, len) = escape(&b[i + 1..]).ok_or_else(|| {
                            anyhow!(
                                "line {at}: a `\\` escape RouterOS does not write (it writes \\\" \\\\ \\n \\r \\t \\$ \\? \\_ \\a \\b \\f \\v and \\XX with upper-case hex digits)"
                            )
                        })?;
                        tok.push(byte);
                        i += 1 + len;
                    }
                    Some(&c) => {
                        tok.push(c);
                        i += 1;
                    }
                }
            }
            tok.push(b'"');
        }
        out.push(String::from_utf8(tok).map_err(|_| {
            anyhow!("line {at}: a quoted value is not UTF-8 once its `\\XX` escapes are decoded")
        })?);
    }
    Ok(out)
}

/// The byte an escape (the bytes after its `\\`) stands for, and its length.
fn escape(after: &[u8]) -> Option<(u8, usize)> {
    let hex = |x: u8| matches!(x, b'0'..=b'9' | b'A'..=b'F');
    let digit = |x: u8| {
        if x.is_ascii_digit() {
            x - b'0'
        } else {
            x - b'A' + 10
        }
    };
    let n = *after.first()?;
    Some(match n {
        b'"' | b'\\' | b'$' | b'?' => (n, 1),
        b'n' => (b'\n', 1),
        b'r' => (b'\r', 1),
        b't' => (b'\t', 1),
        b'_' => (b' ', 1),
        b'a' => (0x07, 1),
        b'b' => (0x08, 1),
        b'f' => (0x0C, 1),
        b'v' => (0x0B, 1),
        h if hex(h) && after.get(1).is_some_and(|&l| hex(l)) => {
            ((digit(h) << 4) | digit(after[1]), 2)
        }
        _ => return None,
    })
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

/// The `etherN` number of a port name (`None` for other names).
fn ether_number(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("ether")?;
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Too many digits for u64 is past any bound too.
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// Parses an export script.
pub fn parse(text: &str) -> anyhow::Result<ExportScript> {
    if text.len() > MAX_EXPORT_BYTES {
        bail!(
            "the export is {} bytes, more than the {MAX_EXPORT_BYTES} the emulator loads",
            text.len()
        );
    }
    let mut script = ExportScript::default();
    let mut menu: Option<String> = None;
    let mut added: BTreeMap<String, usize> = BTreeMap::new();
    for (line, text) in logical_lines(text)? {
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
            // A path of RouterOS's menu words, else a placeholder: the text is
            // kept for every line after it and printed in the report.
            let path = format!("/{}", words.join("/"));
            let readable = words.iter().all(|w| {
                w.len() <= MAX_MENU_WORD
                    && w.bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            });
            menu = Some(if readable && path.len() <= MAX_MENU_LEN {
                path
            } else {
                UNREADABLE_MENU.to_string()
            });
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
            // The verb only when it is one (the word may be `cak=...`).
            let known = is_verb(&verb) && !verb.contains('=') && !verb.starts_with('[');
            let what = if MODELLED.contains(&current.as_str()) && known {
                format!("{current} {verb}")
            } else {
                current.clone()
            };
            script.unmodelled.push((line, what));
            continue;
        }
        let what = format!("`{current} {verb}`");
        let mut target = None;
        let mut args = Vec::new();
        for (n, tok) in rest[1..].iter().enumerate() {
            if tok.starts_with('[') {
                target = Some(find_target(tok).ok_or_else(|| {
                    anyhow!("line {line}: {what} selects its item with something other than `[ find KEY=VALUE ]`")
                })?);
            } else if let Some(kv) = key_value(tok) {
                args.push(kv);
            } else if verb == "set" && target.is_none() {
                target = Some(("name".into(), unquote(tok)));
            } else {
                bail!(
                    "line {line}: {what}: word {} is not a KEY=VALUE argument",
                    n + 2
                );
            }
        }
        // The values that name Ethernet ports: the port a `set` selects,
        // and the port a MACsec interface rides on.
        let ports = target
            .iter()
            .filter(|_| current == "/interface/ethernet")
            .map(|(_, v)| v)
            .chain(
                args.iter()
                    .filter(|(k, _)| current == "/interface/macsec" && k == "interface")
                    .map(|(_, v)| v),
            );
        for v in ports {
            if let Some(n) = ether_number(v) {
                if n > MAX_ETHERNET_PORTS as u64 {
                    bail!(
                        "line {line}: {what} names Ethernet port {}, beyond the {MAX_ETHERNET_PORTS} ports the emulator makes (more than any MikroTik board has)",
                        short(v)
                    );
                }
                script.highest_ether = script.highest_ether.max(n as usize);
            }
        }
        if verb == "add" {
            let count = added.entry(current.clone()).or_default();
            *count += 1;
            if *count > MAX_ROWS_PER_MENU {
                bail!(
                    "line {line}: {what} adds item {count} to {current}; the emulator loads at most {MAX_ROWS_PER_MENU} per menu"
                );
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

/// At most this much of a name goes into an error.
fn short(name: &str) -> String {
    match name.char_indices().nth(32) {
        Some((at, _)) => format!("{:?}...", &name[..at]),
        None => format!("{name:?}"),
    }
}

/// The id of the item `target` selects in `menu`.
fn select(
    router: &Router,
    menu: Menu,
    target: &(String, String),
    cost: &mut LoadCost,
) -> Option<u32> {
    let (key, value) = target;
    let id_of =
        |row: &BTreeMap<String, String>| row.get(".id").and_then(|id| router.find(menu, id));
    let rows = router.list(menu);
    cost.rows_scanned += rows.len();
    rows.iter()
        .find(|row| {
            let have = row.get(key.as_str()).map(String::as_str);
            have == Some(value.as_str())
                || (value == "yes" && have == Some("true"))
                || (value == "no" && have == Some("false"))
        })
        .and_then(id_of)
}

/// The rows a copy of `router` copies.
fn rows(router: &Router) -> usize {
    router.ethernets.len() + router.macsecs.len() + router.profiles.len() + router.files.files.len()
}

/// Loads the modelled commands of `script` into `router`, in order, on one
/// copy of the router that replaces it when every command succeeded: a
/// command the emulator refuses is an error naming its line, and then
/// nothing of the script is loaded. One copy and one publication of the
/// ports' link state for the whole script, not one per command, keeps the
/// cost linear in the number of lines.
pub(crate) fn load(router: &mut Router, script: &ExportScript) -> anyhow::Result<LoadCost> {
    let (draft, cost) = apply_all(router, script).map_err(|(cmd, e)| {
        e.context(format!(
            "line {} ({} {}) of the export cannot be loaded",
            cmd.line, cmd.menu, cmd.verb
        ))
    })?;
    *router = draft;
    router.publish();
    Ok(cost)
}

/// Applies every command of `script` to one copy of `router` and returns
/// the copy, or the first command the emulator refuses with its cause (the
/// caller words the error and keeps or drops the copy: `/import dry-run`
/// drops it).
pub(crate) fn apply_all<'s>(
    router: &Router,
    script: &'s ExportScript,
) -> Result<(Router, LoadCost), (&'s ScriptCommand, anyhow::Error)> {
    let mut cost = LoadCost {
        rows_copied: rows(router),
        ..LoadCost::default()
    };
    let mut draft = router.clone();
    for cmd in &script.commands {
        cost.commands += 1;
        apply(&mut draft, cmd, &mut cost).map_err(|e| (cmd, e))?;
    }
    Ok((draft, cost))
}

/// Applies one command to `router`, a draft the caller drops on error.
fn apply(router: &mut Router, cmd: &ScriptCommand, cost: &mut LoadCost) -> anyhow::Result<()> {
    let menu = Menu::from_path(&cmd.menu).ok_or_else(|| anyhow!("{} is not modelled", cmd.menu))?;
    let args: Args = cmd.args.clone();
    let rules = menu.rules();
    let result = match (menu, cmd.verb.as_str()) {
        (m, "set") if m.is_singleton() => rules.set_singleton(router, &args),
        (_, "add") => rules.add(router, &args).map(|_| ()),
        (_, "set") => {
            let target = cmd
                .target
                .as_ref()
                .ok_or_else(|| anyhow!("`set` without an item (`[ find ... ]` or a name)"))?;
            let id = select(router, menu, target, cost).ok_or_else(|| {
                let (key, value) = target;
                // Only names are quoted: the selector may be any property.
                let value = if matches!(key.as_str(), "name" | "default-name" | "default") {
                    short(value)
                } else {
                    "...".into()
                };
                anyhow!("no item with {key}={value} in {}", cmd.menu)
            })?;
            rules.set(router, id, &args)
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
