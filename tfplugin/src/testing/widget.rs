//! The schemars-model side of the fake provider: `routeros_test_widget`
//! (a resource built from a model struct, with computed, volatile,
//! requires-replace and write-only attributes, that misbehaves on demand),
//! the data source `routeros_test_info` and the ephemeral resource
//! `routeros_test_echo`. The plan engine's tests drive these.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ECHO_TYPE, INFO_TYPE, Mode, TestClient, WIDGET_TYPE};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{from_model, to_model};
use crate::resource::{Ctx, DataSource, EphemeralResource, PlanInput, Private, Resource};
use crate::schema::{Schema, Type, schema_from_model};
use crate::value::Value;

fn no() -> Option<bool> {
    Some(false)
}

/// The fake resource's model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Widget {
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub(crate) id: Option<String>,
    pub(crate) name: String,
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub(crate) port: String,
    #[schemars(extend("x-tf-computed" = true))]
    pub(crate) mtu: Option<i64>,
    #[serde(default = "no")]
    pub(crate) disabled: Option<bool>,
    pub(crate) comment: Option<String>,
    #[schemars(extend("x-tf-write-only" = true, "x-tf-sensitive" = true))]
    pub(crate) secret: Option<String>,
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true, "x-tf-volatile" = true))]
    pub(crate) revision: Option<i64>,
}

/// The schemars-model resource; misbehaves as its [`Mode`] says.
pub(super) struct WidgetResource(pub(super) Mode);

/// An error (`summary`, `detail`) at the attribute when the configuration
/// sets `attr` to the refused value.
pub(super) fn refuse(
    config: &Value,
    (attr, bad): (&str, &str),
    (summary, detail): (&str, &str),
    diags: &mut Diagnostics,
) {
    if config.get_str(attr) == Some(bad) {
        diags.push(Diagnostic::error(summary, detail).at_attr(attr));
    }
}

/// The value type of [`Widget`].
pub(crate) fn widget_type() -> Type {
    schema_from_model::<Widget>(1, "").block.value_type()
}

#[async_trait]
impl Resource<TestClient> for WidgetResource {
    fn type_name(&self) -> &'static str {
        WIDGET_TYPE
    }

    fn schema(&self) -> Schema {
        schema_from_model::<Widget>(1, "A thing.")
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        refuse(
            config,
            ("name", "bad"),
            ("Bad name", "Choose another."),
            diags,
        );
    }

    async fn modify_plan(
        &self,
        _ctx: &Ctx<TestClient>,
        input: &PlanInput<'_>,
        planned: &mut Value,
        private: &mut Private,
        _diags: &mut Diagnostics,
    ) {
        private.insert(
            "planned".into(),
            serde_json::json!(input.prior_state.is_null()),
        );
        if self.0 == Mode::RewritesName {
            planned.set("name", Value::string("rewritten"));
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<TestClient>,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        if self.0 == Mode::Fails {
            diags.push(Diagnostic::error("Create failed", "The router said no.").at_attr("port"));
            return None;
        }
        let mut m: Widget = to_model(planned).ok()?;
        if let Some(s) = config.get_str("secret") {
            ctx.client.secrets.lock().unwrap().push(s.to_string());
        }
        m.id = Some("*1".into());
        m.mtu = Some(match self.0 {
            Mode::WrongMtu => 1000,
            _ => m.mtu.unwrap_or(1468),
        });
        m.revision = Some(1);
        m.secret = Some("leaked".into());
        ctx.client
            .widgets
            .lock()
            .unwrap()
            .insert("*1".into(), m.clone());
        ctx.client.log.lock().unwrap().push("create".into());
        private.insert("created".into(), serde_json::json!(true));
        let mut v = from_model(&m, &widget_type()).ok()?;
        if self.0 == Mode::LeavesUnknown {
            v.set("revision", Value::unknown());
        }
        Some(v)
    }

    async fn read(
        &self,
        ctx: &Ctx<TestClient>,
        state: &Value,
        _private: &mut Private,
        _diags: &mut Diagnostics,
    ) -> Option<Value> {
        let id = state.get_str("id")?;
        let m = ctx.client.widgets.lock().unwrap().get(id).cloned()?;
        from_model(&m, &widget_type()).ok()
    }

    async fn update(
        &self,
        ctx: &Ctx<TestClient>,
        prior: &Value,
        planned: &Value,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        if self.0 == Mode::Fails {
            diags.push(Diagnostic::error("Update failed", "The router said no."));
            return None;
        }
        let mut m: Widget = to_model(planned).ok()?;
        let prior: Widget = to_model(prior).ok()?;
        m.revision = Some(prior.revision.unwrap_or(0) + 1);
        m.mtu = m.mtu.or(prior.mtu);
        ctx.client
            .widgets
            .lock()
            .unwrap()
            .insert(m.id.clone()?, m.clone());
        ctx.client.log.lock().unwrap().push("update".into());
        from_model(&m, &widget_type()).ok()
    }

    async fn delete(
        &self,
        ctx: &Ctx<TestClient>,
        prior: &Value,
        _private: &Private,
        diags: &mut Diagnostics,
    ) {
        if self.0 == Mode::Fails {
            diags.push(Diagnostic::error("Delete failed", "The router said no."));
            return;
        }
        if let Some(id) = prior.get_str("id") {
            ctx.client.widgets.lock().unwrap().remove(id);
        }
        ctx.client.log.lock().unwrap().push("delete".into());
    }

    async fn import(
        &self,
        _ctx: &Ctx<TestClient>,
        id: &str,
        _diags: &mut Diagnostics,
    ) -> Option<Value> {
        (id != "missing").then(|| {
            Value::Object(
                [("id".to_string(), Value::string(id))]
                    .into_iter()
                    .collect(),
            )
        })
    }
}

/// The fake data source's model.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Info {
    name: String,
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    count: Option<i64>,
}

pub(super) struct InfoSource;

#[async_trait]
impl DataSource<TestClient> for InfoSource {
    fn type_name(&self) -> &'static str {
        INFO_TYPE
    }

    fn schema(&self) -> Schema {
        schema_from_model::<Info>(0, "Info.")
    }

    async fn read(
        &self,
        ctx: &Ctx<TestClient>,
        config: &Value,
        _diags: &mut Diagnostics,
    ) -> Option<Value> {
        let n = ctx.client.widgets.lock().unwrap().len() as i64;
        // Only the computed attribute; the engine fills the shape.
        Some(Value::Object(
            [
                ("name".to_string(), config.get("name")?.clone()),
                ("count".to_string(), Value::int(n)),
            ]
            .into_iter()
            .collect(),
        ))
    }
}

/// The fake ephemeral resource's model.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Echo {
    input: String,
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true, "x-tf-sensitive" = true))]
    output: Option<String>,
}

/// Returns its input reversed; `fail` fails.
pub(super) struct EchoEphemeral;

#[async_trait]
impl EphemeralResource<TestClient> for EchoEphemeral {
    fn type_name(&self) -> &'static str {
        ECHO_TYPE
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        refuse(
            config,
            ("input", ""),
            ("Empty input", "Give some input."),
            diags,
        );
    }

    fn schema(&self) -> Schema {
        schema_from_model::<Echo>(0, "Echo.")
    }

    async fn open(
        &self,
        ctx: &Ctx<TestClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        ctx.client.log.lock().unwrap().push("open".into());
        let input = config.get_str("input")?;
        if input == "fail" {
            diags.push(Diagnostic::error("Open failed", "As asked.").at_attr("input"));
            return None;
        }
        let mut v = config.clone();
        v.set(
            "output",
            Value::string(input.chars().rev().collect::<String>()),
        );
        Some(v)
    }
}

/// The value type of `routeros_test_echo`.
#[cfg(test)]
pub(crate) fn echo_type() -> Type {
    schema_from_model::<Echo>(0, "").block.value_type()
}
