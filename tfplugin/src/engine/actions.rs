//! The engine's side of actions: dispatch by type name, the schema checks
//! every action shares, and the configured client for plan and invoke.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::checks::check_config;
use super::{ClientCapabilities, Engine, SchemaCache, provider_bug, unknown_type};
use crate::action::{Action, Progress};
use crate::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::resource::Provider;
use crate::schema::Schema;
use crate::value::{Value, conform};

/// An action, its configuration conformed to its schema, and what the
/// checks found.
type Checked<C> = (Arc<dyn Action<C>>, Value, Diagnostics);

impl<P: Provider> Engine<P> {
    fn action(&self, type_name: &str) -> Result<Arc<dyn Action<P::Client>>, Diagnostic> {
        self.provider
            .actions()
            .into_iter()
            .find(|a| a.type_name() == type_name)
            .ok_or_else(|| unknown_type("action", type_name, self.type_name()))
    }

    /// Every action's schema, by type name (GetSchema `action_schemas`).
    pub fn action_schemas(&self) -> BTreeMap<String, Schema> {
        self.provider
            .actions()
            .into_iter()
            .map(|a| {
                (
                    a.type_name().to_string(),
                    self.action_schema_of(&a).schema.clone(),
                )
            })
            .collect()
    }

    /// The schema of an action type, if it exists.
    pub fn action_schema(&self, type_name: &str) -> Option<Schema> {
        self.action(type_name)
            .ok()
            .map(|a| self.action_schema_of(&a).schema.clone())
    }

    /// The schema of action `a` as served, built on first use.
    fn action_schema_of(&self, a: &Arc<dyn Action<P::Client>>) -> Arc<crate::schema::Served> {
        self.schema_cache
            .get(SchemaCache::ACTION, a.type_name(), || {
                self.routed(a.schema(), false)
            })
    }

    /// Schema checks and the action's own checks of `config`.
    fn check_action(
        &self,
        type_name: &str,
        config: Value,
    ) -> Result<Checked<P::Client>, Diagnostics> {
        let a = self.action(type_name).map_err(Diagnostics::from)?;
        let schema = self.action_schema_of(&a);
        let config = conform(config, &schema.ty);
        let mut diags = Diagnostics::new();
        check_config(
            &schema.block,
            &config,
            &AttributePath::default(),
            true,
            &mut diags,
        );
        a.validate(&config, &mut diags);
        Ok((a, config, diags))
    }

    /// ValidateActionConfig.
    pub async fn validate_action_config(&self, type_name: &str, config: Value) -> Diagnostics {
        match self.check_action(type_name, config) {
            Ok((_, _, diags)) | Err(diags) => diags,
        }
    }

    /// PlanAction: the checks again, then the action's plan-time checks
    /// once the provider is configured. Never defers.
    pub async fn plan_action(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> Diagnostics {
        let (a, config, mut diags) = match self.check_action(type_name, config) {
            Ok(x) => x,
            Err(d) => return d,
        };
        if diags.has_error() {
            return diags;
        }
        match self.ctx_for(Some(caps), &config).await {
            Ok((ctx, _)) => a.plan(&ctx, &config, &mut diags).await,
            Err(d) => diags.push(d),
        }
        diags
    }

    /// InvokeAction: runs the action, reporting to `progress`.
    pub async fn invoke_action(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
        progress: &Progress,
    ) -> Diagnostics {
        let (a, config, mut diags) = match self.check_action(type_name, config) {
            Ok(x) => x,
            Err(d) => return d,
        };
        if diags.has_error() {
            return diags;
        }
        if !config.is_wholly_known() {
            diags.push(provider_bug(
                format!("Action {type_name} invoked with unknown values"),
                "Terraform sent a configuration that is not wholly known to InvokeAction",
            ));
            return diags;
        }
        let ctx = match self.ctx_for(Some(caps), &config).await {
            Ok((c, _)) => c,
            Err(d) => {
                diags.push(d);
                return diags;
            }
        };
        a.invoke(&ctx, &config, progress, &mut diags).await;
        diags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestProvider;

    fn config(message: Value) -> Value {
        Value::Object(BTreeMap::from([("message".to_string(), message)]))
    }

    fn summaries(d: &Diagnostics) -> Vec<String> {
        d.0.iter().map(|d| d.summary.clone()).collect()
    }

    #[tokio::test]
    async fn unknown_action_types_and_bad_configurations_are_diagnostics() {
        let engine = Engine::new(TestProvider::new());
        assert_eq!(
            engine.action_schemas().keys().collect::<Vec<_>>(),
            ["routeros_echo"]
        );
        let d = engine
            .validate_action_config("routeros_nope", config(Value::string("x")))
            .await;
        assert_eq!(summaries(&d), ["Unknown action type \"routeros_nope\""]);
        let d = engine
            .validate_action_config("routeros_echo", config(Value::Null))
            .await;
        assert_eq!(summaries(&d), ["Missing required argument"]);
        let d = engine
            .validate_action_config("routeros_echo", config(Value::string("bad")))
            .await;
        assert_eq!(summaries(&d), ["Bad message"]);
    }

    #[tokio::test]
    async fn plan_needs_a_configured_provider_and_invoke_reports_progress() {
        let engine = Engine::new(TestProvider::new());
        let caps = ClientCapabilities::default();
        let d = engine
            .plan_action("routeros_echo", config(Value::string("hi")), caps)
            .await;
        assert_eq!(summaries(&d), ["Provider not configured"]);
        assert!(
            !engine
                .configure(Value::Null, "1.15.5", caps)
                .await
                .has_error()
        );
        let d = engine
            .plan_action("routeros_echo", config(Value::unknown()), caps)
            .await;
        assert!(!d.has_error(), "unknown values are fine at plan time");

        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let progress = Progress::to_channel(tx);
        let d = engine
            .invoke_action(
                "routeros_echo",
                config(Value::string("hi")),
                caps,
                &progress,
            )
            .await;
        drop(progress);
        assert!(!d.has_error());
        assert_eq!(rx.recv().await.as_deref(), Some("echo hi"));
        assert_eq!(rx.recv().await, None);

        let silent = Progress::silent();
        let d = engine
            .invoke_action(
                "routeros_echo",
                config(Value::string("fail")),
                caps,
                &silent,
            )
            .await;
        assert_eq!(summaries(&d), ["Echo failed"]);
        let d = engine
            .invoke_action("routeros_echo", config(Value::string("bad")), caps, &silent)
            .await;
        assert_eq!(summaries(&d), ["Bad message"], "validation stops an invoke");
        let d = engine
            .invoke_action("routeros_echo", config(Value::unknown()), caps, &silent)
            .await;
        assert!(d.has_error(), "an unknown value at invoke is a bug");
    }
}
