//! The two router entries of a backup schedule as rows of the shared
//! machinery ([`MenuRow`]): [`ScriptRow`] (`/system/script`) and
//! [`EntryRow`] (`/system/scheduler`). They are not Terraform types of
//! their own; `routeros_backup_schedule` creates, reads, updates and
//! removes them through [`crate::resources::row`]. Also the plan-time
//! checks of the schedule's arguments.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::script::{prefix_problem, text_problem};
use super::{MAX_KEEP, MAX_MESSAGE};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::resources::menus;
use crate::resources::row::MenuRow;
use crate::routeros::Record;
use crate::secrets::Zeroizing;

/// One `/system/script` entry: its name and source. The source may hold a
/// backup password, so `Debug` leaves it out and drop wipes it.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScriptModel {
    /// RouterOS's id.
    pub id: Option<String>,
    /// The script's name.
    pub name: String,
    /// The script.
    pub source: String,
}

impl ScriptModel {
    /// A script to add.
    pub fn new(name: &str, source: Zeroizing<String>) -> ScriptModel {
        ScriptModel {
            id: None,
            name: name.to_string(),
            source: source.to_string(),
        }
    }

    /// The script `id` named `name`, its source not known.
    pub fn at(id: Option<&String>, name: &str) -> ScriptModel {
        ScriptModel {
            id: id.cloned(),
            name: name.to_string(),
            source: String::new(),
        }
    }

    /// This script with the id `id`.
    pub fn with_id(mut self, id: Option<&String>) -> ScriptModel {
        self.id = id.cloned();
        self
    }
}

impl std::fmt::Debug for ScriptModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptModel")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Drop for ScriptModel {
    fn drop(&mut self) {
        crate::secrets::Zeroize::zeroize(&mut self.source);
    }
}

/// `/system/script` as a row.
#[derive(Debug)]
pub struct ScriptRow;

#[async_trait]
impl MenuRow for ScriptRow {
    type Model = ScriptModel;
    const TYPE_NAME: &'static str = "routeros_backup_schedule";
    const DESCRIPTION: &'static str = "The script of a backup schedule.";
    const MENU: &'static str = menus::SCRIPT;
    const NOUN: &'static str = "backup script";
    const KEY: (&'static str, &'static str) = ("name", "name");
    const IMPORT_HINT: &'static str = "name";

    fn id(m: &ScriptModel) -> Option<&str> {
        m.id.as_deref()
    }
    fn key(m: &ScriptModel) -> &str {
        &m.name
    }
    fn from_record(
        r: &Record,
        _prior: Option<&ScriptModel>,
    ) -> Result<ScriptModel, crate::resources::mapping::MappingError> {
        Ok(ScriptModel {
            id: r.get(".id").cloned(),
            name: r.get("name").cloned().unwrap_or_default(),
            source: r.get("source").cloned().unwrap_or_default(),
        })
    }
    fn to_args(planned: &ScriptModel, prior: Option<&ScriptModel>) -> Record {
        let mut args = Record::new();
        if prior.is_none_or(|p| p.name != planned.name) {
            args.insert("name".into(), planned.name.clone());
        }
        if prior.is_none_or(|p| p.source != planned.source) {
            args.insert("source".into(), planned.source.clone());
        }
        args
    }
}

/// One `/system/scheduler` entry, in RouterOS's text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EntryModel {
    /// RouterOS's id.
    pub id: Option<String>,
    /// The entry's name.
    pub name: String,
    /// `interval`.
    pub interval: Option<String>,
    /// `start-time`.
    pub start_time: Option<String>,
    /// `start-date`.
    pub start_date: Option<String>,
    /// `on-event`.
    pub on_event: Option<String>,
    /// `disabled` (`yes`, `no`).
    pub disabled: Option<String>,
}

/// `/system/scheduler` as a row.
#[derive(Debug)]
pub struct EntryRow;

#[async_trait]
impl MenuRow for EntryRow {
    type Model = EntryModel;
    const TYPE_NAME: &'static str = "routeros_backup_schedule";
    const DESCRIPTION: &'static str = "The scheduler entry of a backup schedule.";
    const MENU: &'static str = menus::SCHEDULER;
    const NOUN: &'static str = "scheduler entry";
    const KEY: (&'static str, &'static str) = ("name", "name");
    const IMPORT_HINT: &'static str = "name";

    fn id(m: &EntryModel) -> Option<&str> {
        m.id.as_deref()
    }
    fn key(m: &EntryModel) -> &str {
        &m.name
    }
    fn from_record(
        r: &Record,
        _prior: Option<&EntryModel>,
    ) -> Result<EntryModel, crate::resources::mapping::MappingError> {
        let get = |k: &str| r.get(k).cloned();
        Ok(EntryModel {
            id: get(".id"),
            name: get("name").unwrap_or_default(),
            interval: get("interval"),
            start_time: get("start-time"),
            start_date: get("start-date"),
            on_event: get("on-event"),
            disabled: get("disabled"),
        })
    }
    /// The arguments that differ from `prior`; an interval equal in length
    /// is no change (`24h` is `1d`).
    fn to_args(planned: &EntryModel, prior: Option<&EntryModel>) -> Record {
        let mut args = Record::new();
        if prior.is_none_or(|p| p.name != planned.name) {
            args.insert("name".into(), planned.name.clone());
        }
        let pairs = [
            (
                "start-time",
                &planned.start_time,
                prior.map(|p| &p.start_time),
            ),
            (
                "start-date",
                &planned.start_date,
                prior.map(|p| &p.start_date),
            ),
            ("on-event", &planned.on_event, prior.map(|p| &p.on_event)),
            ("disabled", &planned.disabled, prior.map(|p| &p.disabled)),
        ];
        for (arg, new, old) in pairs {
            if let Some(v) = new
                && old.is_none_or(|o| o.as_ref() != Some(v))
            {
                args.insert(arg.into(), v.clone());
            }
        }
        if let Some(v) = &planned.interval {
            let old = prior.and_then(|p| p.interval.as_deref());
            if old.is_none_or(|o| interval_seconds(o) != interval_seconds(v)) {
                args.insert("interval".into(), v.clone());
            }
        }
        args
    }
}

/// The length of a RouterOS interval in seconds: `1w2d3h4m5s`, `1d`,
/// `00:30:00`, `1d12:00:00`, a bare number of seconds; `None` for any other
/// text. Spaces are ignored (`1d 00:00:00`).
pub fn interval_seconds(text: &str) -> Option<u64> {
    let text: String = text.split_whitespace().collect();
    let text = text.as_str();
    let (units, clock) = match text.rfind(|c: char| c.is_ascii_alphabetic()) {
        Some(i) if text.contains(':') => text.split_at(i + 1),
        None if text.contains(':') => ("", text),
        _ => (text, ""),
    };
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in units.chars() {
        let size = match c {
            '0'..='9' if number.len() < 9 => {
                number.push(c);
                continue;
            }
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total += number.parse::<u64>().ok()? * size;
        number.clear();
    }
    if !number.is_empty() {
        total += number.parse::<u64>().ok()?;
    }
    if !clock.is_empty() {
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() != 3 {
            return None;
        }
        for (part, size) in parts.iter().zip([3_600, 60, 1]) {
            if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            total += part.parse::<u64>().ok()? * size;
        }
    }
    (!text.is_empty()).then_some(total)
}

/// An interval as RouterOS prints it (`1d`, `1w2d`, `12h30m`), so that
/// what is sent compares equal to the router's row after a lost reply;
/// text that is not an interval is left as it is (the plan refuses it).
pub fn canonical_interval(text: &str) -> String {
    let Some(mut rest) = interval_seconds(text).filter(|s| *s > 0) else {
        return text.to_string();
    };
    let mut out = String::new();
    for (suffix, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        if rest >= size {
            out.push_str(&format!("{}{suffix}", rest / size));
            rest %= size;
        }
    }
    out
}

/// True for `HH:MM:SS` (a valid time of day).
fn is_time_of_day(text: &str) -> bool {
    chrono::NaiveTime::parse_from_str(text, "%H:%M:%S").is_ok() && text.len() == 8
}

/// True for `YYYY-MM-DD` (a valid date).
fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10
}

/// The plan-time checks of a schedule's configuration (unknowns skipped).
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    let mut bad = |attr: &str, summary: &str, detail: String| {
        diags.push(Diagnostic::error(summary, detail).at_attr(attr));
    };
    if let Some(name) = config.get_str("name") {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
        if !ok {
            bad("name", "Invalid backup schedule name", "The name must have 1 to 64 letters, digits, `_`, `-` or `.` (it names the script, and the scheduler entry runs the script by it), such as `macsec-backup`.".into());
        }
    }
    if let Some(p) = config.get_str("prefix").and_then(prefix_problem) {
        bad(
            "prefix",
            "Invalid backup file prefix",
            format!("{p}. Use letters, digits, `_` and `-`, such as `macsec_config_backup`."),
        );
    }
    if let Some(k) = config.get_i64("keep")
        && !(1..=MAX_KEEP).contains(&k)
    {
        bad(
            "keep",
            "Invalid number of backups to keep",
            format!("`keep` is {k}; keep 1 to {MAX_KEEP} backups."),
        );
    }
    if let Some(i) = config.get_str("interval")
        && interval_seconds(i).is_none_or(|s| s == 0)
    {
        bad(
            "interval",
            "Invalid backup interval",
            format!(
                "{i:?} is not an interval longer than zero. Write it as RouterOS does: `1d`, `7d`, `12h`, `1d12h` or `00:30:00`."
            ),
        );
    }
    if let Some(t) = config.get_str("start_time")
        && t != "startup"
        && !is_time_of_day(t)
    {
        bad(
            "start_time",
            "Invalid start time",
            format!(
                "{t:?} is not a time of day. Write `HH:MM:SS` (24-hour, such as `03:00:00`) or `startup`."
            ),
        );
    }
    if let Some(d) = config.get_str("start_date")
        && !is_date(d)
    {
        bad(
            "start_date",
            "Invalid start date",
            format!("{d:?} is not a date. Write `YYYY-MM-DD`, such as `2026-12-06`."),
        );
    }
    if let Some(p) = config
        .get_str("log_message")
        .and_then(|m| text_problem(m, MAX_MESSAGE))
    {
        bad(
            "log_message",
            "Invalid log message",
            format!("The log message cannot go into the backup script: {p}."),
        );
    }
}
