//! `/export`: the emulated configuration as a RouterOS script (DESIGN.md,
//! "Facts: backups, exports, files").
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

use std::time::SystemTime;

use serde_json::Value;

use crate::error::RosError;
use crate::file_store::ros_time;
use crate::menu::{ExportOptions, Menu, Section, yes_no};
use crate::query::Row;
use crate::reply::Reply;
use crate::schema;
use crate::state::Router;
use crate::users::Access;
use crate::value::{Args, check_args};

/// The command path (also read by `data/extract.py`), a command of `/`.
const EXPORT: &str = "/export";

fn lookup<'a>(args: &'a Args, key: &str) -> Option<&'a str> {
    args.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `/export`: with `file`, writes `<file>.rsc` and replies `[]`.
pub(crate) fn export(router: &mut Router, access: Access, args: &Args) -> Result<Reply, RosError> {
    let (parent, command) = EXPORT.rsplit_once('/').unwrap_or(("", "export"));
    let parent = if parent.is_empty() { "/" } else { parent };
    let allowed: Vec<String> = schema::menu(router.version(), parent)
        .and_then(|m| m.commands.get(command))
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
    let now = router.clock;
    let script = render(router, &options, now);
    router.files.write(&name, script.into_bytes(), now);
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

/// The script for `router` as `/export` with `options` writes it at `now`: every menu's
/// export form, in the registry's order.
pub(crate) fn render(router: &Router, options: &ExportOptions, now: SystemTime) -> String {
    let sections: Vec<Section> = Menu::ALL
        .iter()
        .filter_map(|menu| menu.rules().export(router, options))
        .collect();
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
