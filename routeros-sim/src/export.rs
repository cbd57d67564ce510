//! `/export`: the emulated configuration as a RouterOS script (reference/routeros.md
//! section 4).
//!
//! Arguments per version (from the dumps): `compact file hide-sensitive show-sensitive
//! terse verbose`, `where` from 7.16, `path` from 7.23. `file=x` writes `x.rsc` into the
//! file area and replies `[]`. What RouterOS replies to `/export` without `file` over
//! REST is undocumented, so the emulator refuses it with a `400` that says so.
//!
//! The script:
//!
//! ```text
//! # 2025-02-24 14:44:38 by RouterOS 7.18
//! /interface ethernet
//! set [ find default-name=ether1 ] comment=uplink l2mtu=1600
//! /interface macsec profile
//! add name=p1 server-priority=5
//! /interface macsec
//! add ckn=abcd interface=ether1 name=m1 profile=p1
//! /system identity
//! set name=edge1
//! ```
//!
//! - compact (RouterOS 7's default): only values that differ from the defaults;
//!   `verbose`: every configurable value;
//! - `terse`: the menu on every line (`/interface macsec add ... interface=ether1 ...`);
//! - secrets (`cak`) only with `show-sensitive`, and only for a user with the
//!   `sensitive` policy (RouterOS 7 hides them by default; `hide-sensitive` is accepted);
//! - `where=<property>=<value>` (or `!=`) keeps the items that match;
//! - `path=interface/macsec` (or `/interface/macsec`, `interface macsec`) keeps that
//!   menu and the menus below it.
//!
//! Properties are printed in alphabetical order, values quoted when they contain
//! anything but letters, digits and `_.:/*+,@-`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde_json::Value;

use super::error::RosError;
use super::files::{check_args, ros_time};
use super::query::Row;
use super::rest::Reply;
use super::schema;
use super::store::{
    ETHER_DEFAULT_L2MTU, ETHER_OTHER_DEFAULTS, MACSEC_DEFAULT_MTU, Menu, Router,
    sensitive_properties,
};
use super::users::Access;
use super::value::Args;

/// What `/export` was asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ExportOptions {
    /// Every configurable value, not only those that differ from the defaults.
    pub(crate) verbose: bool,
    /// The menu path on every line.
    pub(crate) terse: bool,
    /// Include secrets (`cak`).
    pub(crate) show_sensitive: bool,
    /// `where`: property and value an item must (or, with `negate`, must not) have.
    pub(crate) filter: Option<(String, String, bool)>,
    /// `path`: the menu to export, normalised to `/interface/macsec`.
    pub(crate) path: Option<String>,
}

fn lookup<'a>(args: &'a Args, key: &str) -> Option<&'a str> {
    args.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `/export`: with `file`, writes `<file>.rsc` and replies `[]`.
pub(crate) fn export(router: &mut Router, access: Access, args: &Args) -> Result<Reply, RosError> {
    let allowed: Vec<String> = schema::menu(router.version(), "/")
        .and_then(|m| m.commands.get("export"))
        .map(|a| a.keys().cloned().collect())
        .unwrap_or_default();
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    check_args(args, &allowed)?;
    let given = |k: &str| args.iter().any(|(key, _)| key == k);
    let filter = match lookup(args, "where") {
        Some(text) => Some(parse_where(text)?),
        None => None,
    };
    let path = match lookup(args, "path") {
        Some(text) => Some(normalise_path(text)?),
        None => None,
    };
    let options = ExportOptions {
        verbose: given("verbose"),
        terse: given("terse"),
        show_sensitive: given("show-sensitive") && access.sensitive,
        filter,
        path,
    };
    let Some(file) = lookup(args, "file") else {
        return Err(RosError::bad_request(
            "routeros-sim does not emulate /export without file=: what RouterOS replies is undocumented; export to a file and read it from /file",
        ));
    };
    if file.is_empty() {
        return Err(RosError::bad_request("invalid value for argument file"));
    }
    let name = if file.ends_with(".rsc") {
        file.to_string()
    } else {
        format!("{file}.rsc")
    };
    let script = render(router, &options, SystemTime::now());
    router.files.write(&name, script.into_bytes());
    Ok(Reply {
        status: 200,
        body: Some(Value::Array(Vec::new())),
    })
}

/// Parses `property=value` / `property!=value` (value optionally in double quotes).
fn parse_where(text: &str) -> Result<(String, String, bool), RosError> {
    let unsupported = || {
        RosError::bad_request(format!(
            "routeros-sim supports only where=<property>=<value> or <property>!=<value>, not {text:?}"
        ))
    };
    let (key, value, negate) = match text.split_once("!=") {
        Some((k, v)) => (k, v, true),
        None => {
            let (k, v) = text.split_once('=').ok_or_else(unsupported)?;
            (k, v, false)
        }
    };
    let key = key.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(unsupported());
    }
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    Ok((key.to_string(), value.to_string(), negate))
}

/// `interface/macsec`, `/interface/macsec/` or `interface macsec` as `/interface/macsec`.
fn normalise_path(text: &str) -> Result<String, RosError> {
    let parts: Vec<&str> = text
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty()
        || !parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(RosError::bad_request("invalid value for argument path"));
    }
    Ok(format!("/{}", parts.join("/")))
}

/// A value as RouterOS writes it in a script.
pub(crate) fn quote(value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:/*+,@-".contains(c));
    if bare {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '?' => out.push_str("\\?"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Properties that are yes/no: stored as `true`/`false`, written as `yes`/`no`.
const BOOLEANS: [&str; 6] = [
    "auto-negotiation",
    "disable-running-check",
    "disabled",
    "full-duplex",
    "mdix-enable",
    "sfp-ignore-rx-los",
];

/// RouterOS's `yes`/`no` for the stored `true`/`false` of a yes/no property.
fn yes_no(key: &str, value: &str) -> String {
    match value {
        "true" if BOOLEANS.contains(&key) => "yes".into(),
        "false" if BOOLEANS.contains(&key) => "no".into(),
        other => other.to_string(),
    }
}

/// One section of the script: a menu and its lines (without the menu prefix).
struct Section {
    menu: &'static str,
    lines: Vec<(Row, String)>,
}

fn props(pairs: &BTreeMap<String, String>) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn ethernet_section(router: &Router, options: &ExportOptions) -> Section {
    const READ_ONLY: [&str; 7] = [
        ".id",
        "bandwidth",
        "default-name",
        "loop-protect-status",
        "orig-mac-address",
        "running",
        "mac-address",
    ];
    let defaults: BTreeMap<&str, &str> = ETHER_OTHER_DEFAULTS.into_iter().collect();
    let mut lines = Vec::new();
    for row in router.list(Menu::Ethernet) {
        let default_name = row.get("default-name").cloned().unwrap_or_default();
        let mut pairs = BTreeMap::new();
        for (key, value) in &row {
            if READ_ONLY.contains(&key.as_str()) {
                continue;
            }
            let is_default = match key.as_str() {
                "name" => *value == default_name,
                "mtu" => value == "1500",
                "l2mtu" => *value == ETHER_DEFAULT_L2MTU.to_string(),
                "disabled" => value == "false",
                other => defaults.get(other).is_some_and(|d| d == value),
            };
            if options.verbose || !is_default {
                pairs.insert(key.clone(), yes_no(key, value));
            }
        }
        if row.get("mac-address") != row.get("orig-mac-address") || options.verbose {
            if let Some(mac) = row.get("mac-address") {
                pairs.insert("mac-address".into(), mac.clone());
            }
        }
        if pairs.is_empty() {
            continue;
        }
        lines.push((
            row,
            format!(
                "set [ find default-name={} ] {}",
                quote(&default_name),
                props(&pairs)
            ),
        ));
    }
    Section {
        menu: "/interface ethernet",
        lines,
    }
}

fn profile_section(router: &Router, options: &ExportOptions) -> Section {
    let mut lines = Vec::new();
    for row in router.list(Menu::MacsecProfile) {
        let builtin = row.get("default").map(String::as_str) == Some("true");
        let mut pairs = BTreeMap::new();
        for (key, value) in &row {
            let is_default = match key.as_str() {
                ".id" | "default" | "default-name" => continue,
                "name" => builtin,
                "server-priority" => value == "10",
                "ciphers" => value == super::store::DEFAULT_CIPHER,
                _ => false,
            };
            if options.verbose || !is_default || (key == "name" && !builtin) {
                pairs.insert(key.clone(), value.clone());
            }
        }
        if builtin {
            if !pairs.is_empty() {
                lines.push((row, format!("set [ find default=yes ] {}", props(&pairs))));
            }
        } else {
            lines.push((row, format!("add {}", props(&pairs))));
        }
    }
    Section {
        menu: "/interface macsec profile",
        lines,
    }
}

fn macsec_section(router: &Router, options: &ExportOptions) -> Section {
    let hidden = sensitive_properties(Menu::Macsec);
    let mut lines = Vec::new();
    for row in router.list(Menu::Macsec) {
        let mut pairs = BTreeMap::new();
        for (key, value) in &row {
            let is_default = match key.as_str() {
                ".id" | "running" | "status" | "inactive" | "hw-offloaded" => continue,
                k if hidden.contains(&k) && !options.show_sensitive => continue,
                "mtu" => *value == MACSEC_DEFAULT_MTU.to_string(),
                "profile" => value == "default",
                "disabled" => value == "false",
                _ => false,
            };
            if options.verbose || !is_default {
                pairs.insert(key.clone(), yes_no(key, value));
            }
        }
        lines.push((row, format!("add {}", props(&pairs))));
    }
    Section {
        menu: "/interface macsec",
        lines,
    }
}

fn identity_section(router: &Router, options: &ExportOptions) -> Section {
    let row = router
        .list(Menu::Identity)
        .into_iter()
        .next()
        .unwrap_or_default();
    let name = row.get("name").cloned().unwrap_or_default();
    let mut lines = Vec::new();
    if options.verbose || name != "MikroTik" {
        lines.push((row, format!("set name={}", quote(&name))));
    }
    Section {
        menu: "/system identity",
        lines,
    }
}

fn keeps(filter: &Option<(String, String, bool)>, row: &Row) -> bool {
    match filter {
        None => true,
        Some((key, value, negate)) => {
            let have = row.get(key).map(String::as_str).unwrap_or("");
            let same = have == value || yes_no(key, have) == *value;
            same != *negate
        }
    }
}

/// The script for `router` as `/export` with `options` writes it at `now`.
pub(crate) fn render(router: &Router, options: &ExportOptions, now: SystemTime) -> String {
    let mut sections = vec![ethernet_section(router, options)];
    if router.has_menu(Menu::Macsec) {
        sections.push(profile_section(router, options));
        sections.push(macsec_section(router, options));
    }
    sections.push(identity_section(router, options));
    let mut out = format!(
        "# {} by RouterOS {}\n",
        ros_time(now, router.version()),
        router.version()
    );
    for section in sections {
        let slash = section.menu.replace(' ', "/");
        if let Some(path) = &options.path
            && !(slash == *path || slash.starts_with(&format!("{path}/")))
        {
            continue;
        }
        let lines: Vec<&String> = section
            .lines
            .iter()
            .filter(|(row, _)| keeps(&options.filter, row))
            .map(|(_, line)| line)
            .collect();
        if lines.is_empty() {
            continue;
        }
        if !options.terse {
            out.push_str(section.menu);
            out.push('\n');
        }
        for line in lines {
            if options.terse {
                out.push_str(section.menu);
                out.push(' ');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests;
