//! `routeros_log`: the entries of the router's memory log (`/log`), filtered
//! by topics, a message pattern and a time window, oldest first, at most
//! `max_entries`. For a `check` block or a CI job that asserts "no MKA
//! failures since the last run".
//!
//! RouterOS prints an entry's `time` in local router time and leaves out what
//! the current day or year makes obvious (`12:00:00` today, `sep/15 09:54:33`
//! earlier this year; DESIGN.md, "Facts: logging"). So a read takes the
//! router's clock (`/system/clock`) before and after the log, dates the short
//! forms by it and turns every time into RFC 3339 with the router's
//! `gmt-offset`. When the clock's date changed while the log was read, the
//! short forms could belong to either day, so the log is read once more.
//! Usually three requests, at most five; the filtering is done here (RouterOS's
//! `print` takes no topics, and the API's queries have no patterns).
//!
//! Router text is data: messages and topics reach the result as strings,
//! whatever bytes they hold, and a message longer than
//! [`MAX_MESSAGE_BYTES`] is cut (the cut is said at its end). The whole
//! listing is bounded by the provider's reply caps (`max_reply_bytes`,
//! `max_reply_rows`).

use std::collections::VecDeque;

use async_trait::async_trait;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{model_of, state_of};
use crate::context::Configured;
use crate::plugin::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, DataSource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::resources::request_diagnostic;
use crate::routeros::{Client, Record};

/// The log's print command.
pub const LOG_PRINT: &str = "/log/print";

/// The clock's print command.
pub const CLOCK_PRINT: &str = "/system/clock/print";

/// `max_entries` when the configuration leaves it out.
pub const DEFAULT_MAX_ENTRIES: i64 = 100;

/// The most `max_entries` may be: RouterOS's largest `memory-lines`.
pub const MAX_ENTRIES: i64 = 65535;

/// Longest message kept whole, in bytes; longer ones are cut at a character
/// boundary and end with what was cut.
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// Largest compiled `message_regex`, in bytes (the `regex` crate's size
/// limit): a pattern that would compile to more is refused at plan.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Topics that users of RouterOS MACsec guides try and RouterOS does not have.
const NOT_TOPICS: [&str; 2] = ["macsec", "mka"];

/// One log entry as the data source reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LogEntryInfo {
    /// When it was logged, in RFC 3339 with the router's offset
    /// (`2026-12-06T12:00:00+00:00`); the router's own text when it is in no
    /// form RouterOS is known to print.
    pub time: String,
    /// Its topics, such as `["interface", "warning"]`.
    pub topics: Vec<String>,
    /// The message, as the router has it (cut after 4096 bytes).
    pub message: String,
}

/// Model of the `routeros_log` data source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LogModel {
    /// Only entries that carry at least one of these topics, such as
    /// `["interface"]` or `["warning", "error"]`. Left out: every topic.
    /// RouterOS has no `macsec` or `mka` topic: its MACsec and MKA events
    /// are not documented under any topic, and the emulator logs them under
    /// `interface` with the level (`info`, `warning`).
    pub topics: Option<Vec<String>>,
    /// Only entries whose message matches this regular expression (Rust
    /// `regex` syntax, unanchored: `MKA peer (lost|not accepted)`; `(?i)` for
    /// any case). Checked at plan. Left out: every message.
    pub message_regex: Option<String>,
    /// Only entries logged at or after this time: an RFC 3339 time
    /// (`2026-12-06T12:00:00Z`) or a duration before the router's clock
    /// (`30m`, `24h`, `7d`, `1w2d`; units `s`, `m`, `h`, `d`, `w`). Checked
    /// at plan. Left out: the whole log (the router keeps the newest
    /// `memory-lines`, 1000 by default, until it reboots).
    pub since: Option<String>,
    /// At most this many entries, the newest of those that match (1 to
    /// 65535; default 100). The reply is also bounded by the provider's
    /// `max_reply_bytes` and `max_reply_rows`.
    pub max_entries: Option<i64>,
    /// The entries that match, oldest first, at most `max_entries`: each
    /// with `time` (RFC 3339 with the router's offset), `topics` and
    /// `message` (cut after 4096 bytes).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub entries: Option<Vec<LogEntryInfo>>,
    /// How many entries matched, including those `max_entries` left out.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub matched: Option<i64>,
}

/// What `since` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// This instant.
    At(DateTime<FixedOffset>),
    /// This long before the router's clock.
    Ago(Duration),
}

/// Reads `since`: an RFC 3339 time or a duration such as `24h` or `1w2d`.
pub fn parse_since(text: &str) -> Result<Since, String> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Since::At(at));
    }
    parse_duration(text).map(Since::Ago).ok_or_else(|| {
        format!(
            "{:?} is neither an RFC 3339 time (2026-12-06T12:00:00Z) nor a duration (30m, 24h, 7d, 1w2d; units s, m, h, d, w).",
            crate::plugin::text::printable(text)
        )
    })
}

/// A duration written as numbers with units (`1w2d`, `90m`); `None` for
/// anything else, zero or more than 100 years.
fn parse_duration(text: &str) -> Option<Duration> {
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return None,
        };
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    (digits.is_empty() && total > 0 && total <= 100 * 366 * 86_400)
        .then(|| Duration::seconds(total))
}

/// Compiles `message_regex`, bounded in size.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// The router's clock: its local date and time and its offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterClock {
    /// Local date and time.
    pub now: NaiveDateTime,
    /// `gmt-offset`.
    pub offset: FixedOffset,
}

impl RouterClock {
    /// The clock from a `/system/clock` row; `None` when `date` or `time`
    /// cannot be read. A missing or unreadable `gmt-offset` is UTC.
    pub fn from_record(r: &Record) -> Option<RouterClock> {
        let date = parse_date(r.get("date")?.trim())?;
        let time = NaiveTime::parse_from_str(r.get("time")?.trim(), "%H:%M:%S").ok()?;
        let offset = r
            .get("gmt-offset")
            .and_then(|o| parse_offset(o.trim()))
            .unwrap_or_else(utc);
        Some(RouterClock {
            now: date.and_time(time),
            offset,
        })
    }

    /// The clock as an instant.
    pub fn instant(&self) -> Option<DateTime<FixedOffset>> {
        self.offset.from_local_datetime(&self.now).single()
    }

    /// An entry's `time` as an instant: the short forms are dated by this
    /// clock (see the module doc); `None` for text in no known form.
    pub fn entry_time(&self, text: &str) -> Option<DateTime<FixedOffset>> {
        let text = text.trim();
        let (date, time) = match text.rsplit_once(' ') {
            Some((d, t)) => (Some(d.trim()), t),
            None => (None, text),
        };
        let time = NaiveTime::parse_from_str(time, "%H:%M:%S").ok()?;
        let today = self.now.date();
        let date = match date {
            None => today,
            Some(d) => parse_date(d).or_else(|| this_year(d, today))?,
        };
        self.offset
            .from_local_datetime(&date.and_time(time))
            .single()
    }
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset")
}

/// `2026-12-06` (7.10+) or `dec/06/2026` (before).
fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&capitalised(text), "%b/%d/%Y").ok())
}

/// `sep/15` or `09-15`: a day of `today`'s year.
fn this_year(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    let year = today.year();
    NaiveDate::parse_from_str(&format!("{}/{year}", capitalised(text)), "%b/%d/%Y")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&format!("{year}-{text}"), "%Y-%m-%d").ok())
}

/// `dec/06` as chrono's `%b` reads it (`Dec/06`).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `+02:00`, `-05:30`, `+0200`, or seconds (`7200`, as scripts read it).
fn parse_offset(text: &str) -> Option<FixedOffset> {
    if let Ok(seconds) = text.parse::<i32>() {
        return FixedOffset::east_opt(seconds);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// `message` bounded to [`MAX_MESSAGE_BYTES`] (cut at a character boundary,
/// with the number of bytes cut at its end).
pub fn bounded_message(message: &str) -> String {
    if message.len() <= MAX_MESSAGE_BYTES {
        return message.to_string();
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}... ({} more bytes cut by the provider)",
        &message[..end],
        message.len() - end
    )
}

/// The filters of a configuration, checked.
#[derive(Debug)]
pub struct Filter {
    topics: Vec<String>,
    regex: Option<regex::Regex>,
    since: Option<Since>,
    max_entries: usize,
}

impl Filter {
    /// The filters of `model`; an error diagnostic at the attribute when one
    /// cannot be used.
    pub fn of(model: &LogModel) -> Result<Filter, Diagnostic> {
        let topics = model.topics.clone().unwrap_or_default();
        for (i, topic) in topics.iter().enumerate() {
            if let Some(problem) = topic_problem(topic) {
                return Err(Diagnostic::error("Invalid log topic", problem)
                    .at(AttributePath::root("topics").index(i as i64)));
            }
        }
        let regex = match model.message_regex.as_deref() {
            Some(p) => Some(compile_regex(p).map_err(|e| {
                Diagnostic::error(
                    "Invalid `message_regex`",
                    format!("It is not a regular expression the provider can use: {e}. Write it in Rust `regex` syntax (like RE2: no look-around or backreferences), such as `MKA peer (lost|not accepted)`."),
                )
                .at_attr("message_regex")
            })?),
            None => None,
        };
        let since = match model.since.as_deref() {
            Some(s) => Some(
                parse_since(s)
                    .map_err(|e| Diagnostic::error("Invalid `since`", e).at_attr("since"))?,
            ),
            None => None,
        };
        let max = model.max_entries.unwrap_or(DEFAULT_MAX_ENTRIES);
        if !(1..=MAX_ENTRIES).contains(&max) {
            return Err(Diagnostic::error(
                "Invalid `max_entries`",
                format!("`max_entries` is {max}: give 1 to {MAX_ENTRIES} (the most lines a RouterOS memory log keeps), or leave it out for {DEFAULT_MAX_ENTRIES}."),
            )
            .at_attr("max_entries"));
        }
        Ok(Filter {
            topics,
            regex,
            since,
            max_entries: max as usize,
        })
    }

    /// The entries of `rows` (oldest first) that match, read with `clock`:
    /// at most `max_entries`, the newest, oldest first; and how many matched.
    pub fn select(&self, rows: &[Record], clock: &RouterClock) -> (Vec<LogEntryInfo>, usize) {
        let since = self.since.and_then(|s| match s {
            Since::At(at) => Some(at),
            Since::Ago(d) => clock.instant().map(|now| now - d),
        });
        let mut kept: VecDeque<LogEntryInfo> = VecDeque::new();
        let mut matched = 0;
        for row in rows {
            let text = |k: &str| row.get(k).map(String::as_str).unwrap_or("");
            let topics: Vec<&str> = text("topics")
                .split(',')
                .filter(|t| !t.is_empty())
                .collect();
            if !self.topics.is_empty() && !topics.iter().any(|t| self.topics.iter().any(|w| w == t))
            {
                continue;
            }
            let message = text("message");
            if self.regex.as_ref().is_some_and(|r| !r.is_match(message)) {
                continue;
            }
            let time = clock.entry_time(text("time"));
            // An entry whose time cannot be read is kept: a check must not
            // miss a failure for the form of its time.
            if let (Some(since), Some(time)) = (since, time) {
                if time < since {
                    continue;
                }
            }
            matched += 1;
            kept.push_back(LogEntryInfo {
                time: time.map_or_else(|| text("time").to_string(), |t| t.to_rfc3339()),
                topics: topics.iter().map(|t| t.to_string()).collect(),
                message: bounded_message(message),
            });
            if kept.len() > self.max_entries {
                kept.pop_front();
            }
        }
        (kept.into(), matched)
    }
}

/// What is wrong with a topic, or `None`.
fn topic_problem(topic: &str) -> Option<String> {
    let shown = crate::plugin::text::printable(topic);
    if topic.is_empty() || topic.contains(',') || topic.contains(char::is_whitespace) {
        return Some(format!(
            "{shown:?} is not one topic: give each topic as its own list element, such as [\"interface\", \"warning\"]."
        ));
    }
    if NOT_TOPICS.contains(&topic.to_ascii_lowercase().as_str()) {
        return Some(format!(
            "RouterOS has no {shown:?} topic (its topic list has neither `macsec` nor `mka`). Its MACsec and MKA events come under `interface` on the emulator; on a router, filter with `message_regex` (such as \"MKA|MACsec|macsec\") instead."
        ));
    }
    None
}

/// `/log` and the clock it was read by, read as the module doc says.
async fn read_log(client: &Client, diags: &mut Diagnostics) -> Option<(Vec<Record>, RouterClock)> {
    let mut before = read_clock(client, diags).await?;
    for _ in 0..2 {
        let rows = match client.command(LOG_PRINT, &Record::new(), true).await {
            Ok(rows) => rows,
            Err(e) => {
                diags.push(request_diagnostic("reading /log", &e, &[]));
                return None;
            }
        };
        let after = read_clock(client, diags).await?;
        if after.now.date() == before.now.date() {
            return Some((rows, after));
        }
        before = after;
    }
    diags.push(Diagnostic::error(
        "The router's clock changed its date twice while the log was read",
        format!(
            "The date of {}'s clock changed during each of two readings of /log, so the entries that show only a time cannot be dated. Check the router's clock (/system/clock, NTP), then run again.",
            client.endpoint()
        ),
    ));
    None
}

async fn read_clock(client: &Client, diags: &mut Diagnostics) -> Option<RouterClock> {
    let rows = match client.command(CLOCK_PRINT, &Record::new(), true).await {
        Ok(rows) => rows,
        Err(e) => {
            diags.push(request_diagnostic("reading /system/clock", &e, &[]));
            return None;
        }
    };
    let clock = rows.first().and_then(RouterClock::from_record);
    if clock.is_none() {
        diags.push(Diagnostic::error(
            "Unreadable router clock",
            format!(
                "The router at {} answered /system/clock/print without a `date` and `time` the provider can read, so log times cannot be dated. Check that the user's group has the `read` policy.",
                client.endpoint()
            ),
        ));
    }
    clock
}

/// The `routeros_log` data source.
#[derive(Debug, Default)]
pub struct Log;

#[async_trait]
impl DataSource<Configured> for Log {
    fn type_name(&self) -> &'static str {
        "routeros_log"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<LogModel>(
            0,
            "Entries of the router's memory log (`/log`), oldest first: those carrying any of `topics`, whose message matches `message_regex`, logged since `since`, at most `max_entries` (the newest). Read afresh on every run; times are RFC 3339 with the router's offset. For `check` blocks and CI jobs, such as \"no MKA failures since the last run\".",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let known = |name: &str| config.get(name).is_some_and(Value::is_wholly_known);
        let model = LogModel {
            topics: match config.get("topics") {
                Some(Value::List(items) | Value::Set(items)) if known("topics") => Some(
                    items
                        .iter()
                        .filter_map(|t| match t {
                            Value::String(t) => Some(t.clone()),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => None,
            },
            message_regex: known("message_regex")
                .then(|| config.get_str("message_regex").map(str::to_string))
                .flatten(),
            since: known("since")
                .then(|| config.get_str("since").map(str::to_string))
                .flatten(),
            max_entries: known("max_entries")
                .then(|| config.get_i64("max_entries"))
                .flatten(),
            ..LogModel::default()
        };
        if let Err(d) = Filter::of(&model) {
            diags.push(d);
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut model: LogModel = model_of(config, diags)?;
        let filter = match Filter::of(&model) {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let (rows, clock) = read_log(&ctx.client, diags).await?;
        let (entries, matched) = filter.select(&rows, &clock);
        model.entries = Some(entries);
        model.matched = Some(matched as i64);
        state_of(&model, &ctx.schema, diags)
    }
}

#[cfg(test)]
mod tests;
