//! `/system/scheduler`: runs `on-event` at `start-date` `start-time` and every
//! `interval` after (DESIGN.md, "Facts: scripts and scheduler"), on the router's clock.
//! The clock stands still until a test moves it ([`Router::advance_clock`],
//! `Sim::advance_clock`): the scheduler then runs every event that falls due, in time
//! order, with the clock set to each event's time, so a test of a daily job advances a
//! day and counts what happened; nothing depends on the wall clock or on sleeping.
//!
//! - `on-event` that names a script runs that script (`/system/script`); any other
//!   text runs as a script itself. A failing event is logged under `script,error`.
//! - `interval=0s` (the default) runs once; `start-time=startup` runs at boot, which the
//!   emulator does not do (such an entry never runs, and shows no `next-run`).
//! - A row: `name start-date start-time interval on-event owner policy run-count
//!   next-run disabled comment` (`days` from 7.24, stored and ignored). Dates print in
//!   the version's format (`2026-12-06` from 7.10, `dec/06/2026` before); both are
//!   accepted on input.
//! - One step of the clock runs at most [`MAX_RUNS_PER_STEP`] events; the rest run on
//!   the next step.

use std::time::{Duration, SystemTime};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use crate::error::RosError;
use crate::file_store::ros_time;
use crate::menu::{ExportOptions, MenuRules, Section, changed_props, printed, store_args};
use crate::query::Row;
use crate::state::Router;
use crate::table::row_of;
use crate::value::{Args, arg, invalid, parse_name};

use super::script::DEFAULT_POLICY;

/// The menu path (also read by `data/extract.py`).
const SCHEDULER: &str = "/system/scheduler";

/// The stored (never printed) time of the next run, in seconds since 1970.
const NEXT_AT: &str = "next-run-at";

/// Most events one step of the clock runs.
pub(crate) const MAX_RUNS_PER_STEP: usize = 10_000;

/// Properties every version prints that are not arguments of `set`.
const READ_ONLY: [&str; 4] = ["run-count", "next-run", "owner", "disabled"];

/// The rules of `/system/scheduler`.
pub(super) struct SchedulerMenu;

impl MenuRules for SchedulerMenu {
    fn path(&self) -> &'static str {
        SCHEDULER
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.schedulers
            .iter()
            .filter_map(|(id, _)| self.row(r, id))
            .collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.schedulers.find(key)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        let props = r.schedulers.get(id)?;
        let mut row = printed(r, SCHEDULER, id, props, &READ_ONLY);
        if let Some(at) = props.get(NEXT_AT).and_then(|s| s.parse::<u64>().ok()) {
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs(at);
            row.insert("next-run".into(), ros_time(at, r.version()));
        }
        for key in ["start-date", "start-time"] {
            if let Some(v) = row.get_mut(key) {
                *v = reprint(key, v, r);
            }
        }
        Some(row)
    }

    fn add(&self, r: &mut Router, args: &Args) -> Result<u32, RosError> {
        let mut props = match arg(args, "copy-from") {
            Some(key) => {
                let id = r
                    .schedulers
                    .find(key)
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                r.schedulers.get(id).cloned().unwrap_or_default()
            }
            None => fresh_entry(r),
        };
        props.insert("run-count".into(), "0".into());
        let name = arg(args, "name").map_or_else(|| next_name(r), str::to_string);
        props.insert("name".into(), name);
        apply(r, &mut props, args, None)?;
        Ok(r.schedulers.insert(props))
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        let mut props = r
            .schedulers
            .get(id)
            .cloned()
            .ok_or_else(RosError::not_found)?;
        apply(r, &mut props, args, Some(id))?;
        if let Some(slot) = r.schedulers.get_mut(id) {
            *slot = props;
        }
        Ok(())
    }

    fn remove(&self, r: &mut Router, id: u32) -> Result<(), RosError> {
        r.schedulers.remove(id);
        Ok(())
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        let fresh = fresh_entry(r);
        let lines = self
            .list(r)
            .into_iter()
            .map(|row| {
                // start-date and start-time are on every line: they say when it runs.
                let mut fresh = fresh.clone();
                fresh.remove("start-date");
                fresh.remove("start-time");
                let line = changed_props(
                    &row,
                    &fresh,
                    &["run-count", "next-run", "owner"],
                    options.verbose,
                );
                (row, format!("add {line}"))
            })
            .collect();
        Some(Section {
            menu: "/system scheduler",
            lines,
        })
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        Some(("scheduler", r.schedulers.to_json()))
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if let Some(saved) = config.get("scheduler") {
            r.schedulers.restore_json(saved);
        }
        Ok(())
    }
}

/// An entry as `add` makes it before its arguments: starting now, once.
fn fresh_entry(r: &Router) -> Row {
    let now: chrono::DateTime<chrono::Utc> = r.clock.into();
    let date = now.format("%Y-%m-%d").to_string();
    let time = now.format("%H:%M:%S").to_string();
    row_of(&[
        ("comment", ""),
        ("disabled", "false"),
        ("interval", "0s"),
        ("on-event", ""),
        ("owner", "admin"),
        ("policy", DEFAULT_POLICY),
        ("run-count", "0"),
        ("start-date", &date),
        ("start-time", &time),
    ])
}

/// `scheduleN`, the name RouterOS gives an entry added without one.
fn next_name(r: &Router) -> String {
    (1..)
        .map(|n| format!("schedule{n}"))
        .find(|name| r.schedulers.find(name).is_none())
        .unwrap_or_default()
}

fn apply(r: &Router, props: &mut Row, args: &Args, id: Option<u32>) -> Result<(), RosError> {
    if let Some(name) = arg(args, "name") {
        let name = parse_name("name", name)?;
        if r.schedulers
            .find(&name)
            .is_some_and(|other| Some(other) != id)
        {
            return Err(RosError::failure("item with such name already exists"));
        }
    }
    let mut args = args.clone();
    for (key, value) in args.iter_mut() {
        match key.as_str() {
            "start-date" => *value = parse_date(value)?.format("%Y-%m-%d").to_string(),
            "start-time" if value == "startup" => {}
            "start-time" => *value = parse_clock(value)?.format("%H:%M:%S").to_string(),
            "interval" => *value = format_interval(parse_interval(value)?),
            _ => {}
        }
    }
    store_args(props, &args, &["disabled"])?;
    schedule(r, props);
    Ok(())
}

/// Sets (or clears) the time of the next run from the entry's start, interval and the
/// router's clock: the first start at or after now.
fn schedule(r: &Router, props: &mut Row) {
    props.remove(NEXT_AT);
    if props.get("disabled").map(String::as_str) == Some("true") {
        return;
    }
    let (Some(date), Some(time)) = (props.get("start-date"), props.get("start-time")) else {
        return;
    };
    let (Ok(date), Ok(time)) = (parse_date(date), parse_clock(time)) else {
        return; // `startup`: not run by the emulator.
    };
    let start = NaiveDateTime::new(date, time).and_utc().timestamp().max(0) as u64;
    let now = secs(r.clock);
    let interval = props
        .get("interval")
        .and_then(|i| parse_interval(i).ok())
        .unwrap_or(0);
    let next = if start >= now {
        start
    } else if interval == 0 {
        return; // A single run in the past never happens.
    } else {
        start + (now - start).div_ceil(interval) * interval
    };
    props.insert(NEXT_AT.into(), next.to_string());
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `2026-12-06` or `dec/06/2026`.
fn parse_date(text: &str) -> Result<NaiveDate, RosError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&capitalised(text), "%b/%d/%Y"))
        .map_err(|_| invalid("start-date"))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn parse_clock(text: &str) -> Result<NaiveTime, RosError> {
    NaiveTime::parse_from_str(text, "%H:%M:%S").map_err(|_| invalid("start-time"))
}

/// A date or time as the version prints it.
fn reprint(key: &str, value: &str, r: &Router) -> String {
    if key == "start-date"
        && let Ok(date) = parse_date(value)
    {
        let at = NaiveDateTime::new(date, NaiveTime::MIN).and_utc();
        let text = ros_time(at.into(), r.version());
        return text.split(' ').next().unwrap_or("").to_string();
    }
    value.to_string()
}

/// RouterOS's time interval: `1d`, `1w2d3h4m5s`, `00:05:00`, `1d00:00:00`; at most
/// 10 years.
pub(crate) fn parse_interval(text: &str) -> Result<u64, RosError> {
    let bad = || invalid("interval");
    let mut total: u64 = 0;
    let mut number = String::new();
    let (units, clock) = match text.find(':') {
        Some(_) => {
            let split = text
                .rfind(|c: char| c.is_ascii_alphabetic())
                .map_or(0, |i| i + 1);
            text.split_at(split)
        }
        None => (text, ""),
    };
    for c in units.chars() {
        match c {
            '0'..='9' if number.len() < 12 => number.push(c),
            'w' | 'd' | 'h' | 'm' | 's' => {
                let n: u64 = number.parse().map_err(|_| bad())?;
                let size = match c {
                    'w' => 604_800,
                    'd' => 86_400,
                    'h' => 3_600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.saturating_add(n.saturating_mul(size));
                number.clear();
            }
            _ => return Err(bad()),
        }
    }
    if !number.is_empty() {
        // A bare number is seconds.
        total = total.saturating_add(number.parse::<u64>().map_err(|_| bad())?);
    }
    if !clock.is_empty() {
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() != 3 {
            return Err(bad());
        }
        let mut secs = 0u64;
        for p in parts {
            if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            secs = secs * 60 + p.parse::<u64>().map_err(|_| bad())?;
        }
        total = total.saturating_add(secs);
    }
    if text.is_empty() || total > 10 * 365 * 86_400 {
        return Err(bad());
    }
    Ok(total)
}

/// An interval as RouterOS prints it: `1d`, `1d12h`, `0s`.
pub(crate) fn format_interval(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut rest = secs;
    let mut out = String::new();
    for (suffix, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            out.push_str(&format!("{n}{suffix}"));
        }
    }
    out
}

impl Router {
    /// Moves the clock on by `by`, running every scheduler event that falls due, in
    /// order, with the clock at each event's time. Returns how many events ran.
    pub(crate) fn advance_clock(&mut self, by: Duration) -> usize {
        let target = secs(self.clock).saturating_add(by.as_secs());
        let mut runs = 0;
        while runs < MAX_RUNS_PER_STEP {
            let due = self
                .schedulers
                .iter()
                .filter_map(|(id, p)| {
                    p.get(NEXT_AT)
                        .and_then(|at| at.parse::<u64>().ok())
                        .map(|at| (at, id))
                })
                .filter(|(at, _)| *at <= target)
                .min();
            let Some((at, id)) = due else {
                break;
            };
            self.clock = SystemTime::UNIX_EPOCH + Duration::from_secs(at.max(secs(self.clock)));
            let Some(props) = self.schedulers.get_mut(id) else {
                break;
            };
            let count = props
                .get("run-count")
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
            props.insert("run-count".into(), (count + 1).to_string());
            let interval = props
                .get("interval")
                .and_then(|i| parse_interval(i).ok())
                .unwrap_or(0);
            if interval == 0 {
                props.remove(NEXT_AT);
            } else {
                props.insert(NEXT_AT.into(), (at + interval).to_string());
            }
            let name = props.get("name").cloned().unwrap_or_default();
            let event = props.get("on-event").cloned().unwrap_or_default();
            // Errors are logged by the run itself.
            let _ = match self.scripts.find(event.trim()) {
                Some(script) => self.run_script(script),
                None => self.run_source(&event, &format!("scheduler {name}")),
            };
            runs += 1;
        }
        self.clock = SystemTime::UNIX_EPOCH + Duration::from_secs(target);
        self.publish();
        runs
    }
}

#[cfg(test)]
mod tests;
