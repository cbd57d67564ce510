//! `routeros_logging_action`: one `/system/logging/action` entry, where
//! logged events go (memory, disk, echo, a remote syslog server, e-mail).
//! RouterOS's actions `memory`, `disk`, `echo` and `remote` are built in:
//! creating one of those names adopts it, destroying it leaves it.
//! Per-version arguments: DESIGN.md, "Facts: logging".

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::menus;
use super::row::{MenuRow, Since, check_name, is_builtin};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::Ctx;
use crate::plugin::value::Value;
use crate::routeros::Record;

/// The targets an action may have (`script` too from RouterOS 7.22).
pub const TARGETS: [&str; 6] = ["disk", "echo", "email", "memory", "remote", "script"];

/// A logging action (`/system/logging/action`). Settings left out are
/// RouterOS's for the target, reported as last seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoggingActionModel {
    /// RouterOS's id of the entry (such as `*1`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Action name, such as `syslog`. `memory`, `disk`, `echo` and `remote`
    /// are RouterOS's built-in actions: adopted on create, left on destroy.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub name: String,
    /// Where events go: `memory`, `disk`, `echo`, `remote` (syslog),
    /// `email`, or `script` (RouterOS 7.22+).
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub target: String,
    /// `memory`: how many lines the buffer keeps (1 to 65535).
    #[schemars(extend("x-tf-computed" = true))]
    pub memory_lines: Option<i64>,
    /// `memory`: stop logging when the buffer is full.
    #[schemars(extend("x-tf-computed" = true))]
    pub memory_stop_on_full: Option<bool>,
    /// `disk`: the log file name.
    #[schemars(extend("x-tf-computed" = true))]
    pub disk_file_name: Option<String>,
    /// `disk`: lines per file.
    #[schemars(extend("x-tf-computed" = true))]
    pub disk_lines_per_file: Option<i64>,
    /// `disk`: how many files are kept.
    #[schemars(extend("x-tf-computed" = true))]
    pub disk_file_count: Option<i64>,
    /// `disk`: stop logging when the files are full.
    #[schemars(extend("x-tf-computed" = true))]
    pub disk_stop_on_full: Option<bool>,
    /// `echo`: keep messages to show them at the next console login.
    #[schemars(extend("x-tf-computed" = true))]
    pub remember: Option<bool>,
    /// `remote`: the syslog server's address, such as `192.0.2.10`.
    #[schemars(extend("x-tf-computed" = true))]
    pub remote: Option<String>,
    /// `remote`: the syslog server's port (0 to 65535; RouterOS's default 514).
    #[schemars(extend("x-tf-computed" = true))]
    pub remote_port: Option<i64>,
    /// `remote`: `udp` or `tcp`. RouterOS 7.18 or later.
    #[schemars(extend("x-tf-computed" = true))]
    pub remote_protocol: Option<String>,
    /// `remote`: the message format, such as `default`, `bsd-syslog`,
    /// `syslog` (RFC 5424) or `cef`, as the router's version offers them.
    /// RouterOS 7.18 or later (it replaced `bsd_syslog`).
    #[schemars(extend("x-tf-computed" = true))]
    pub remote_log_format: Option<String>,
    /// `remote`: send BSD syslog (RFC 3164) messages. Before RouterOS 7.18
    /// only (later versions: `remote_log_format`).
    #[schemars(extend("x-tf-computed" = true))]
    pub bsd_syslog: Option<bool>,
    /// `remote`: the source address of the syslog packets.
    #[schemars(extend("x-tf-computed" = true))]
    pub src_address: Option<String>,
    /// `remote`: the syslog facility, such as `daemon` or `local0`.
    #[schemars(extend("x-tf-computed" = true))]
    pub syslog_facility: Option<String>,
    /// `remote`: the syslog severity, or `auto` for the event's own.
    #[schemars(extend("x-tf-computed" = true))]
    pub syslog_severity: Option<String>,
    /// `email`: the address messages are mailed to.
    pub email_to: Option<String>,
    /// Free-text comment stored on the router.
    pub comment: Option<String>,
}

/// The `routeros_logging_action` resource.
#[derive(Debug, Default)]
pub struct LoggingAction;

#[async_trait]
impl MenuRow for LoggingAction {
    type Model = LoggingActionModel;
    const TYPE_NAME: &'static str = "routeros_logging_action";
    const DESCRIPTION: &'static str = "A logging action (`/system/logging/action`): where the events the logging rules (`/system/logging`) select go: the memory buffer (`/log`), disk files, the console, a remote syslog server or e-mail. RouterOS's built-in actions (`memory`, `disk`, `echo`, `remote`) are adopted on create and left on destroy.";
    const MENU: &'static str = menus::LOGGING_ACTION;
    const NOUN: &'static str = "logging action";
    const KEY: (&'static str, &'static str) = ("name", "name");
    const IMPORT_HINT: &'static str = "name (memory, syslog)";
    const ON_A_PORT: bool = false;
    const BUILT_IN: bool = true;
    const SINCE: &'static [Since] = &[
        Since::from("remote_protocol", 7, 18),
        Since::from("remote_log_format", 7, 18),
        Since::until("bsd_syslog", 7, 18),
    ];

    fn id(m: &LoggingActionModel) -> Option<&str> {
        m.id.as_deref()
    }

    fn key(m: &LoggingActionModel) -> &str {
        &m.name
    }

    /// `terraform query` and `generate` list the actions added to the
    /// router; a built-in one is imported by name.
    async fn listed(&self, _ctx: &Ctx<Configured>, row: &Record) -> bool {
        !is_builtin(row)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        check_name(config, "name", "syslog", diags);
        if let Some(t) = config.get_str("target")
            && !TARGETS.contains(&t)
        {
            diags.push(
                Diagnostic::error(
                    "Unknown logging target",
                    format!(
                        "target = {t:?} is not a RouterOS logging target. Use one of {}.",
                        TARGETS.join(", ")
                    ),
                )
                .at_attr("target"),
            );
        }
        for (attr, range) in [("memory_lines", 1..=65535), ("remote_port", 0..=65535)] {
            if let Some(v) = config.get_i64(attr).filter(|v| !range.contains(v)) {
                diags.push(
                    Diagnostic::error(
                        format!("{attr} out of range"),
                        format!(
                            "{attr} = {v} is outside {}..{}.",
                            range.start(),
                            range.end()
                        ),
                    )
                    .at_attr(attr),
                );
            }
        }
    }
}
