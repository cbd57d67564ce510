//! `/system/logging`: the rules that send logged events to actions (DESIGN.md, "Facts:
//! logging"). A fresh router has four, marked `default`: `info`, `error` and `warning` to
//! `memory`, `critical` to `echo` ([`crate::state::DEFAULT_LOG_RULES`]); they can be set,
//! disabled and removed like any other rule (the emulator does not refuse removing them:
//! nothing observed says RouterOS does). What a rule does to an event: `menus/log.rs`.
//!
//! Arguments per version (INSPECT): `action copy-from disabled prefix topics`; `regex`
//! from 7.18, `comment` from 7.22. `topics` is a comma-separated list of topic names, each
//! may be negated with `!`; a name outside [`TOPICS`] is refused with RouterOS's
//! `input does not match any value of topics`. `action` must name an action
//! (`input does not match any value of action`). A rule whose action is removed later
//! stays, with `invalid=true`. Export: `set [ find topics=T default=yes ] ...` for a
//! changed default rule (T its topics on a fresh router; how RouterOS itself writes a
//! changed default rule is not observed), `add ...` for the others; backup: every rule.

use serde_json::Value;

use crate::error::RosError;
use crate::menu::{ExportOptions, MenuRules, Section, changed_props, printed, store_args};
use crate::query::Row;
use crate::state::Router;
use crate::table::row_of;
use crate::value::{Args, arg, no_match};

/// The menu path (also read by `data/extract.py`).
const LOGGING: &str = "/system/logging";

/// The topic names RouterOS 7 accepts in `topics` (DESIGN.md, "Facts: logging": the
/// RouterOS Log documentation's list and the names later versions added), from
/// `data/routeros-logging-topics.txt`, which the provider reads too. The dumps do not
/// list them per version, so every version takes all of them. Neither `macsec` nor
/// `mka` is among them.
pub(crate) static TOPICS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("../../../data/routeros-logging-topics.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Properties every version prints that are not arguments of `set`.
const READ_ONLY: [&str; 3] = ["default", "invalid", "disabled"];

/// Yes/no properties.
const BOOLEANS: [&str; 1] = ["disabled"];

/// The stored (never printed) `topics` a default rule had on a fresh router: the export
/// finds the rule by it.
pub(crate) const DEFAULT_TOPICS: &str = "default-topics";

/// The rules of `/system/logging`.
pub(super) struct LoggingMenu;

impl MenuRules for LoggingMenu {
    fn path(&self) -> &'static str {
        LOGGING
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.log_rules
            .iter()
            .filter_map(|(id, _)| self.row(r, id))
            .collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.log_rules.find(key)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        let props = r.log_rules.get(id)?;
        let mut row = printed(r, LOGGING, id, props, &READ_ONLY);
        let action = props.get("action").map_or("", String::as_str);
        let valid = r.log_actions.find(action).is_some();
        row.insert("invalid".into(), (!valid).to_string());
        Some(row)
    }

    fn add(&self, r: &mut Router, args: &Args) -> Result<u32, RosError> {
        let mut props = match arg(args, "copy-from") {
            Some(key) => {
                let id = r
                    .log_rules
                    .find(key)
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                r.log_rules.get(id).cloned().unwrap_or_default()
            }
            None => fresh_rule(),
        };
        props.insert("default".into(), "false".into());
        props.remove(DEFAULT_TOPICS);
        apply(r, &mut props, args)?;
        Ok(r.log_rules.insert(props))
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        let mut props = r
            .log_rules
            .get(id)
            .cloned()
            .ok_or_else(RosError::not_found)?;
        apply(r, &mut props, args)?;
        if let Some(slot) = r.log_rules.get_mut(id) {
            *slot = props;
        }
        Ok(())
    }

    fn remove(&self, r: &mut Router, id: u32) -> Result<(), RosError> {
        r.log_rules.remove(id);
        Ok(())
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        let mut lines = Vec::new();
        let skip = ["default", "invalid"];
        for (id, props) in r.log_rules.iter() {
            let Some(row) = self.row(r, id) else {
                continue;
            };
            match props.get(DEFAULT_TOPICS) {
                Some(topics) => {
                    let mut fresh = fresh_rule();
                    let action = crate::state::DEFAULT_LOG_RULES
                        .iter()
                        .find(|(t, _)| t == topics)
                        .map_or("memory", |(_, a)| a);
                    fresh.insert("topics".into(), topics.clone());
                    fresh.insert("action".into(), action.to_string());
                    let changed = changed_props(&row, &fresh, &skip, options.verbose);
                    if !changed.is_empty() {
                        lines.push((
                            row,
                            format!("set [ find topics={topics} default=yes ] {changed}"),
                        ));
                    }
                }
                None => {
                    let mut fresh = fresh_rule();
                    // `action` and `topics` are on every line: it says what it logs.
                    fresh.remove("action");
                    fresh.remove("topics");
                    let changed = changed_props(&row, &fresh, &skip, options.verbose);
                    lines.push((row, format!("add {changed}")));
                }
            }
        }
        Some(Section {
            menu: "/system logging",
            lines,
        })
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        Some(("logging", r.log_rules.to_json()))
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if let Some(saved) = config.get("logging") {
            r.log_rules.restore_json(saved);
        }
        Ok(())
    }
}

/// A rule as `add` makes it before its arguments: `topics=info action=memory`.
fn fresh_rule() -> Row {
    row_of(&[
        ("action", "memory"),
        ("comment", ""),
        ("default", "false"),
        ("disabled", "false"),
        ("prefix", ""),
        ("regex", ""),
        ("topics", "info"),
    ])
}

fn apply(r: &Router, props: &mut Row, args: &Args) -> Result<(), RosError> {
    if let Some(topics) = arg(args, "topics") {
        check_topics(topics)?;
    }
    if let Some(action) = arg(args, "action")
        && r.log_actions.find(action).is_none()
    {
        return Err(no_match("action"));
    }
    store_args(props, args, &BOOLEANS)
}

/// Every name in `topics` (comma-separated, each may start with `!`) is a topic RouterOS
/// knows; otherwise RouterOS's own error.
pub(crate) fn check_topics(topics: &str) -> Result<(), RosError> {
    let known = topics.split(',').all(|t| {
        let name = t.strip_prefix('!').unwrap_or(t);
        TOPICS.contains(&name)
    });
    if known && !topics.is_empty() {
        Ok(())
    } else {
        Err(no_match("topics"))
    }
}

#[cfg(test)]
mod tests;
