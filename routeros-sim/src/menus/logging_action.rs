//! `/system/logging/action`: where logged events go (DESIGN.md, "Facts: logging"). A
//! fresh router has `memory`, `disk`, `echo` and `remote`, marked `default`
//! ([`crate::state::DEFAULT_LOG_ACTIONS`]); they can be set but not removed. Only
//! `memory` actions keep anything (`/log`, see `menus/log.rs`); the others are stored
//! and printed.
//!
//! Arguments per version (INSPECT): `bsd-syslog` until 7.16 (7.18 replaces it by
//! `remote-log-format` and adds `remote-protocol` and `cef-event-delimiter`), `vrf` from
//! 7.20, `add-topics-string` and `script` from 7.22, `check-certificate` and `email-cc`
//! from 7.23. A row shows the properties its version's `set` takes. `add` needs `name`
//! and `target` (`memory disk echo email remote`, plus `script` where the version takes
//! the `script` argument); `memory-lines` is 1..65535. Removing an action a rule uses is
//! allowed: the rule shows `invalid=true` (what the property is for). Export: `set NAME
//! ...` for a changed default action, `add ...` for the others; backup: every action.

use serde_json::Value;

use crate::error::RosError;
use crate::menu::{ExportOptions, MenuRules, Section, changed_props, printed, store_args};
use crate::query::Row;
use crate::state::{DEFAULT_LOG_ACTIONS, Router};
use crate::table::row_of;
use crate::value::{Args, arg, invalid, parse_int, parse_name};

use super::log::MEMORY_LINES_MAX;

/// The menu path (also read by `data/extract.py`).
const ACTION: &str = "/system/logging/action";

/// Properties every version prints that are not arguments of `set`.
const READ_ONLY: [&str; 2] = ["default", "target"];

/// Yes/no properties.
const BOOLEANS: [&str; 6] = [
    "bsd-syslog",
    "disk-stop-on-full",
    "email-start-tls",
    "memory-stop-on-full",
    "remember",
    "check-certificate",
];

/// The rules of `/system/logging/action`.
pub(super) struct ActionMenu;

impl MenuRules for ActionMenu {
    fn path(&self) -> &'static str {
        ACTION
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.log_actions
            .iter()
            .map(|(id, props)| printed(r, ACTION, id, props, &READ_ONLY))
            .collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.log_actions.find(key)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.log_actions
            .get(id)
            .map(|props| printed(r, ACTION, id, props, &READ_ONLY))
    }

    fn add(&self, r: &mut Router, args: &Args) -> Result<u32, RosError> {
        let mut props = match arg(args, "copy-from") {
            Some(key) => {
                let id = r
                    .log_actions
                    .find(key)
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                r.log_actions.get(id).cloned().unwrap_or_default()
            }
            None => {
                let target = arg(args, "target").ok_or_else(|| {
                    RosError::bad_request("missing value(s) of argument(s) target")
                })?;
                fresh_action(r, target)?
            }
        };
        if arg(args, "name").is_none() {
            return Err(RosError::bad_request(
                "missing value(s) of argument(s) name",
            ));
        }
        props.insert("default".into(), "false".into());
        apply(r, &mut props, args, None)?;
        Ok(r.log_actions.insert(props))
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        let mut props = r
            .log_actions
            .get(id)
            .cloned()
            .ok_or_else(RosError::not_found)?;
        if let Some(target) = arg(args, "target")
            && props.get("target").map(String::as_str) != Some(target)
        {
            // Another target brings that target's defaults.
            let name = props.get("name").cloned().unwrap_or_default();
            let default = props.get("default").cloned().unwrap_or_default();
            props = fresh_action(r, target)?;
            props.insert("name".into(), name);
            props.insert("default".into(), default);
        }
        apply(r, &mut props, args, Some(id))?;
        if let Some(slot) = r.log_actions.get_mut(id) {
            *slot = props;
        }
        Ok(())
    }

    fn remove(&self, r: &mut Router, id: u32) -> Result<(), RosError> {
        let Some(props) = r.log_actions.get(id) else {
            return Ok(());
        };
        if props.get("default").map(String::as_str) == Some("true") {
            return Err(RosError::failure(format!(
                "default action {} can not be removed",
                props.get("name").map_or("", String::as_str)
            )));
        }
        r.log_actions.remove(id);
        Ok(())
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        let skip = ["default", "name"];
        let mut lines = Vec::new();
        for row in self.list(r) {
            let name = row.get("name").cloned().unwrap_or_default();
            let target = row.get("target").cloned().unwrap_or_default();
            let fresh = fresh_action(r, &target).unwrap_or_default();
            if row.get("default").map(String::as_str) == Some("true") {
                let changed = changed_props(
                    &row,
                    &fresh,
                    &["default", "name", "target"],
                    options.verbose,
                );
                if !changed.is_empty() {
                    lines.push((row, format!("set {} {changed}", crate::menu::quote(&name))));
                }
            } else {
                let mut fresh = fresh;
                fresh.remove("target");
                let changed = changed_props(&row, &fresh, &skip, options.verbose);
                let line = format!("add name={} {changed}", crate::menu::quote(&name));
                lines.push((row, line.trim_end().to_string()));
            }
        }
        Some(Section {
            menu: "/system logging action",
            lines,
        })
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        Some(("logging-actions", r.log_actions.to_json()))
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if let Some(saved) = config.get("logging-actions") {
            r.log_actions.restore_json(saved);
        }
        Ok(())
    }
}

/// The targets an action may have in the emulated version.
fn targets(r: &Router) -> Vec<&'static str> {
    let mut out = vec!["disk", "echo", "email", "memory", "remote"];
    if r.serves(ACTION)
        && crate::schema::menu(r.version(), ACTION).is_some_and(|m| m.accepts("set", "script"))
    {
        out.push("script");
    }
    out
}

/// An action of `target` as `add` makes it: the properties of the default action of that
/// target (e-mail and script actions have only `name` and `target`).
fn fresh_action(r: &Router, target: &str) -> Result<Row, RosError> {
    if !targets(r).contains(&target) {
        return Err(invalid("target"));
    }
    let mut props = DEFAULT_LOG_ACTIONS
        .iter()
        .map(|pairs| row_of(pairs))
        .find(|p| p.get("target").map(String::as_str) == Some(target))
        .unwrap_or_else(|| row_of(&[("target", target)]));
    props.insert("comment".into(), String::new());
    Ok(props)
}

fn apply(r: &Router, props: &mut Row, args: &Args, id: Option<u32>) -> Result<(), RosError> {
    if let Some(name) = arg(args, "name") {
        let name = parse_name("name", name)?;
        if r.log_actions
            .find(&name)
            .is_some_and(|other| Some(other) != id)
        {
            return Err(RosError::failure("action with such name already exists"));
        }
    }
    if let Some(lines) = arg(args, "memory-lines") {
        parse_int("memory-lines", lines, 1, MEMORY_LINES_MAX)?;
    }
    if let Some(port) = arg(args, "remote-port") {
        parse_int("remote-port", port, 0, 65535)?;
    }
    store_args(props, args, &BOOLEANS)
}
