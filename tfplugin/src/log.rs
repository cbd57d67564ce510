//! Logging for a plugin process: one hclog JSON object per line on stderr,
//! which Terraform (go-plugin) parses and re-logs at the right level under
//! its own `TF_LOG`:
//!
//! ```text
//! {"@level":"debug","@message":"configured","@module":"provider","@timestamp":"2026-11-25T12:00:00.000000Z","target":"..."}
//! ```
//!
//! stdout is reserved for the handshake line; nothing here writes to it.

use std::io::Write;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// The `@module` every line carries.
pub const MODULE: &str = "provider";

/// The level to emit, from `TF_LOG_PROVIDER` (first) or `TF_LOG`.
/// Terraform filters by its own `TF_LOG` anyway, so unset or unrecognised
/// values emit debug and above; trace lines (costly) only on request.
pub fn level_from_env(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> LevelFilter {
    let chosen = tf_log_provider
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or(tf_log.map(str::trim));
    match chosen.map(str::to_ascii_lowercase).as_deref() {
        // Terraform's TF_LOG=JSON means trace, in JSON.
        Some("trace") | Some("json") => LevelFilter::Trace,
        Some("info") => LevelFilter::Info,
        Some("warn") => LevelFilter::Warn,
        Some("error") => LevelFilter::Error,
        Some("off") => LevelFilter::Off,
        _ => LevelFilter::Debug,
    }
}

/// hclog's name for a level.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warn",
        Level::Info => "info",
        Level::Debug => "debug",
        Level::Trace => "trace",
    }
}

/// One log line (without the newline) in hclog's JSON format. The
/// timestamp has microseconds and a `Z`, the form go-plugin parses.
pub fn format_line(
    level: Level,
    target: &str,
    message: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), level_name(level).into());
    obj.insert("@message".into(), message.into());
    obj.insert("@module".into(), MODULE.into());
    obj.insert(
        "@timestamp".into(),
        now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string().into(),
    );
    obj.insert("target".into(), target.into());
    serde_json::Value::Object(obj).to_string()
}

/// A [`log`] logger writing hclog JSON lines to stderr.
#[derive(Debug)]
pub struct HclogLogger {
    level: LevelFilter,
}

impl HclogLogger {
    /// A logger emitting `level` and above.
    pub fn new(level: LevelFilter) -> Self {
        HclogLogger { level }
    }
}

impl Log for HclogLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && !is_noisy(metadata.target(), metadata.level())
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let mut line = format_line(
            record.level(),
            record.target(),
            &record.args().to_string(),
            chrono::Utc::now(),
        );
        line.push('\n');
        // One write per line so lines from different threads never mix;
        // a failed write to stderr has nowhere to be reported.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// Libraries whose debug and trace output (per frame, per packet) would
/// drown the provider's own lines.
fn is_noisy(target: &str, level: Level) -> bool {
    const NOISY: [&str; 5] = ["h2", "hyper", "rustls", "tower", "tonic"];
    level >= Level::Debug
        && NOISY
            .iter()
            .any(|n| target == *n || target.starts_with(&format!("{n}::")))
}

/// Installs the logger, with the level from the environment. Does nothing
/// if a logger is already installed (e.g. in tests).
pub fn init() {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    if log::set_boxed_logger(Box::new(HclogLogger::new(level))).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn line_is_hclog_json() {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .unwrap();
        let line = format_line(
            Level::Debug,
            "terraform_provider_routeros::x",
            "hello \"you\"",
            at,
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "hello \"you\"");
        assert_eq!(v["@module"], "provider");
        assert_eq!(v["@timestamp"], "2026-11-25T12:00:00.000000Z");
        assert_eq!(v["target"], "terraform_provider_routeros::x");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn level_names_match_hclog() {
        let names: Vec<_> = [
            Level::Trace,
            Level::Debug,
            Level::Info,
            Level::Warn,
            Level::Error,
        ]
        .into_iter()
        .map(level_name)
        .collect();
        assert_eq!(names, ["trace", "debug", "info", "warn", "error"]);
    }

    #[test]
    fn level_defaults_to_debug() {
        assert_eq!(level_from_env(None, None), LevelFilter::Debug);
        assert_eq!(level_from_env(None, Some("")), LevelFilter::Debug);
        assert_eq!(level_from_env(None, Some("1")), LevelFilter::Debug);
    }

    #[test]
    fn provider_level_wins_over_tf_log() {
        assert_eq!(
            level_from_env(Some("TRACE"), Some("error")),
            LevelFilter::Trace
        );
        assert_eq!(level_from_env(Some(""), Some("warn")), LevelFilter::Warn);
        assert_eq!(level_from_env(None, Some("json")), LevelFilter::Trace);
        assert_eq!(level_from_env(None, Some("Info")), LevelFilter::Info);
        assert_eq!(level_from_env(Some("off"), None), LevelFilter::Off);
    }

    #[test]
    fn library_chatter_is_filtered_below_info() {
        let logger = HclogLogger::new(LevelFilter::Trace);
        let meta =
            |target: &'static str, level| Metadata::builder().target(target).level(level).build();
        assert!(!logger.enabled(&meta("h2::codec", Level::Debug)));
        assert!(logger.enabled(&meta("h2::codec", Level::Warn)));
        assert!(logger.enabled(&meta("h2o", Level::Debug)));
        assert!(logger.enabled(&meta("terraform_provider_routeros", Level::Trace)));
        let info_only = HclogLogger::new(LevelFilter::Info);
        assert!(!info_only.enabled(&meta("terraform_provider_routeros", Level::Debug)));
    }
}
