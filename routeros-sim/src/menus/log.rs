//! `/log`: the entries the `memory` logging actions keep (read-only), and how the
//! emulator logs an event: [`Router::log_event`] sends it through the logging rules
//! (`/system/logging`) to their actions, as RouterOS does (DESIGN.md, "Facts: logging").
//!
//! - An event is kept when an enabled rule whose action's `target` is `memory` matches
//!   it: every topic the rule names is among the event's topics and none of its `!`
//!   topics is. It is kept once, however many rules match. The fresh rules send `info`,
//!   `warning` and `error` to `memory`, so most events show.
//! - The buffer holds the `memory-lines` of the `memory` action (default 1000) newest
//!   entries; older ones are dropped. Ids count on (`*1`, `*2`, ...).
//! - A row: `.id`, `time`, `topics` (`script,info`), `message`. `time` is printed as
//!   RouterOS prints it (MT-LOG): only the time (`12:00:00`) for an entry of the
//!   clock's current day; the month and day without the year (`dec/05 12:00:00`) for
//!   an earlier day of the current year before 7.10; otherwise the date and time in the
//!   version's format (`2025-12-05 12:00:00` from 7.10, `dec/05/2025 12:00:00` before).
//!   Whether 7.10 and later drop the year for the current year is not observed (gap);
//!   the emulator prints it. `print` has no `topics` argument in any version
//!   (INSPECT); a client filters with a query (`?topics=script,info`) or `where`.
//! - `/log/info`, `/log/warning`, `/log/error`, `/log/debug` log `message` under
//!   `script` and the level, as a script's `:log` does.
//! - Rule `prefix`, `regex` and the `disk`, `echo`, `remote` and e-mail actions are
//!   stored and printed but do nothing: the emulator writes no files for `disk`, sends
//!   nothing to a syslog server and prints nothing on a console.

use std::time::SystemTime;

use serde_json::Value;

use crate::error::RosError;
use crate::file_store::ros_time;
use crate::menu::MenuRules;
use crate::query::Row;
use crate::schema::Version;
use crate::state::{LogEntry, Router};
use crate::value::{Args, arg, format_id};

/// The menu path (also read by `data/extract.py`).
const LOG: &str = "/log";

/// Most entries any `memory-lines` keeps (RouterOS takes 1..65535).
pub(crate) const MEMORY_LINES_MAX: u64 = 65535;

/// The rules of `/log`.
pub(super) struct LogMenu;

impl MenuRules for LogMenu {
    fn path(&self) -> &'static str {
        LOG
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.log.entries.iter().map(|e| entry_row(r, e)).collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.log
            .entries
            .iter()
            .find(|e| format_id(e.id) == key)
            .map(|e| e.id)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.log
            .entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| entry_row(r, e))
    }

    fn command(&self, r: &mut Router, name: &str, args: &Args) -> Option<Result<Value, RosError>> {
        let level = match name {
            "info" | "warning" | "error" | "debug" => name,
            _ => return None,
        };
        let message = arg(args, "message").unwrap_or("").to_string();
        r.log_event(&["script", level], &message);
        Some(Ok(Value::Array(Vec::new())))
    }
}

fn entry_row(r: &Router, e: &LogEntry) -> Row {
    let mut row = Row::new();
    row.insert(".id".into(), format_id(e.id));
    row.insert("message".into(), e.message.clone());
    row.insert("time".into(), log_time(e.time, r.clock, r.version()));
    row.insert("topics".into(), e.topics.clone());
    row
}

/// The `time` of an entry stamped `time`, printed when the router's clock reads `now`
/// (see the module doc).
pub(crate) fn log_time(time: SystemTime, now: SystemTime, version: &Version) -> String {
    let full = ros_time(time, version);
    let today = ros_time(now, version);
    let (date, clock) = full.split_once(' ').unwrap_or((&full, ""));
    if today.split_once(' ').map(|(d, _)| d) == Some(date) {
        return clock.to_string();
    }
    if !version.at_least(7, 10, 0) && date.get(7..) == today.get(7..11) {
        // `dec/05/2025` this year: `dec/05`.
        return format!("{} {clock}", &date[..6]);
    }
    full
}

/// `true` when a rule's `topics` (`info`, `script,!debug`) select an event with `topics`.
pub(crate) fn rule_matches(rule_topics: &str, topics: &[&str]) -> bool {
    rule_topics
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .all(|t| match t.strip_prefix('!') {
            Some(not) => !topics.contains(&not),
            None => topics.contains(&t),
        })
}

impl Router {
    /// Logs an event with `topics` (`["interface", "info"]`) at the router's clock: kept
    /// in `/log` when a rule routes it to a `memory` action (see the module doc).
    pub(crate) fn log_event(&mut self, topics: &[&str], message: &str) {
        let to_memory = self.log_rules.iter().any(|(_, rule)| {
            rule.get("disabled").map(String::as_str) != Some("true")
                && rule_matches(rule.get("topics").map_or("", String::as_str), topics)
                && rule.get("action").is_some_and(|action| {
                    self.log_actions.iter().any(|(_, a)| {
                        a.get("name") == Some(action)
                            && a.get("target").map(String::as_str) == Some("memory")
                    })
                })
        });
        if !to_memory {
            return;
        }
        let limit = self
            .log_actions
            .iter()
            .find(|(_, a)| a.get("name").map(String::as_str) == Some("memory"))
            .and_then(|(_, a)| a.get("memory-lines"))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(1000);
        self.log.last_id += 1;
        let entry = LogEntry {
            id: self.log.last_id,
            time: self.clock,
            topics: topics.join(","),
            message: message.to_string(),
        };
        self.log.entries.push_back(entry);
        while self.log.entries.len() > limit {
            self.log.entries.pop_front();
        }
    }
}
