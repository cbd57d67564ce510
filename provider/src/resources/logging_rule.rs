//! `routeros_logging_rule`: one `/system/logging` entry, which sends the
//! events carrying its topics to a logging action. A rule has no name: its
//! key and identity are RouterOS's id. RouterOS's default rules (`info`,
//! `error`, `warning` to `memory`, `critical` to `echo`) are built in: a rule
//! with the topics of one adopts it, destroying it leaves it.
//! Per-version arguments: DESIGN.md, "Facts: logging".

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::menus;
use super::row::{self, MenuRow, Since, is_builtin};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, Private};
use crate::plugin::value::Value;
use crate::routeros::Record;

/// RouterOS's topic list and the nearest-topic hint.
pub mod topics;

fn no() -> Option<bool> {
    Some(false)
}

/// A logging rule (`/system/logging`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoggingRuleModel {
    /// RouterOS's id of the rule (such as `*5`): its identity and import id.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// The topics an event must all carry to be logged, such as
    /// `["interface", "warning"]`; `!` negates one (`!debug`). Checked at
    /// plan against RouterOS's topic list. RouterOS has no `macsec` or `mka`
    /// topic: it logs MACsec and MKA events under `interface`.
    pub topics: Vec<String>,
    /// The `routeros_logging_action` (its `name`) the events go to.
    pub action: String,
    /// Text put in front of each message.
    pub prefix: Option<String>,
    /// Only messages matching this regular expression. RouterOS 7.18 or later.
    pub regex: Option<String>,
    /// Whether the rule is disabled.
    #[serde(default = "no")]
    pub disabled: Option<bool>,
    /// Free-text comment stored on the router. RouterOS 7.22 or later.
    pub comment: Option<String>,
}

/// The `routeros_logging_rule` resource.
#[derive(Debug, Default)]
pub struct LoggingRule;

#[async_trait]
impl MenuRow for LoggingRule {
    type Model = LoggingRuleModel;
    const TYPE_NAME: &'static str = "routeros_logging_rule";
    const DESCRIPTION: &'static str = "A logging rule (`/system/logging`): sends the events that carry all its topics to a logging action. Its identity and import id are RouterOS's id (a rule has no name). A rule with the topics of one of RouterOS's default rules (`info`, `error`, `warning`, `critical`) adopts it on create and leaves it on destroy; `terraform query` lists the rules added.";
    const MENU: &'static str = menus::LOGGING;
    const NOUN: &'static str = "logging rule";
    const KEY: (&'static str, &'static str) = (".id", "id");
    const IMPORT_HINT: &'static str = "RouterOS id (*5)";
    const ON_A_PORT: bool = false;
    const BUILT_IN: bool = true;
    const SINCE: &'static [Since] = &[Since::from("regex", 7, 18), Since::from("comment", 7, 22)];

    fn id(m: &LoggingRuleModel) -> Option<&str> {
        m.id.as_deref()
    }

    fn key(m: &LoggingRuleModel) -> &str {
        m.id.as_deref().unwrap_or("")
    }

    /// A default rule with the planned topics is adopted, not duplicated.
    async fn create(
        &self,
        ctx: &Ctx<Configured>,
        plan: &LoggingRuleModel,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<LoggingRuleModel> {
        let rows = ctx.client.list(Self::MENU).await.unwrap_or_default();
        let topics = plan.topics.join(",");
        let builtin = rows
            .iter()
            .find(|r| is_builtin(r) && r.get("topics") == Some(&topics));
        let row = match builtin.and_then(|r| r.get(".id")) {
            Some(id) => {
                let args = Self::to_args(plan, Some(&row::model::<Self>(builtin?, None, diags)?));
                let action = format!("updating the default logging rule {topics:?}");
                row::write::<Self>(&ctx.client, id, &args, &action, "adopting it", diags).await?
            }
            None => row::create::<Self>(&ctx.client, plan, diags).await?,
        };
        row::model::<Self>(&row, Some(plan), diags)
    }

    /// `terraform query` and `generate` list the rules added to the router.
    async fn listed(&self, _ctx: &Ctx<Configured>, row: &Record) -> bool {
        !is_builtin(row)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let Some(Value::List(items)) = config.get("topics") else {
            return;
        };
        if items.is_empty() {
            diags.push(
                Diagnostic::error(
                    "No topics",
                    "`topics` is empty: name at least one, such as \"interface\".",
                )
                .at_attr("topics"),
            );
        }
        let names = items.iter().filter_map(|v| match v {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        });
        for problem in names.filter_map(topics::check) {
            diags.push(Diagnostic::error("Unknown logging topic", problem).at_attr("topics"));
        }
    }
}
