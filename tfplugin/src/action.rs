//! Actions (plugin protocol "5.10", Terraform 1.14 and later): provider
//! operations run outside the resource lifecycle, with
//! `terraform apply -invoke=action.TYPE.NAME` or from a resource's
//! `lifecycle { action_trigger { ... } }`. An action keeps nothing in
//! state; while it runs it sends progress messages that Terraform prints.
//!
//! The engine side (schema checks, dispatch, the configured client) is in
//! `engine/actions.rs`; the gRPC side in `server/actions.rs`.

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::ctx::Ctx;
use super::diag::Diagnostics;
use super::schema::{Block, Schema};
use super::value::Value;

/// Where an action reports how far it got. Each message becomes one
/// `InvokeAction` progress event, printed by Terraform as it arrives.
/// [`Progress::silent`] drops them (the same code run as a resource).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    tx: Option<mpsc::UnboundedSender<String>>,
}

impl Progress {
    /// A progress sink that drops every message.
    pub fn silent() -> Progress {
        Progress { tx: None }
    }

    /// A progress sink sending each message to `tx`.
    pub fn to_channel(tx: mpsc::UnboundedSender<String>) -> Progress {
        Progress { tx: Some(tx) }
    }

    /// Reports one step. Never contains a secret.
    pub fn report(&self, message: impl Into<String>) {
        let message = message.into();
        log::info!("progress: {message}");
        if let Some(tx) = &self.tx {
            // A closed stream (Terraform gone) is not the action's problem.
            let _ = tx.send(message);
        }
    }
}

/// One action type.
#[async_trait]
pub trait Action<C: Send + Sync + 'static>: Send + Sync {
    /// Full type name, e.g. `routeros_system_backup`.
    fn type_name(&self) -> &'static str;

    /// The configuration schema (no computed attributes: an action has no
    /// result).
    fn schema(&self) -> Schema;

    /// Checks a configuration, which may hold unknowns (skip those). The
    /// engine has already checked required attributes.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Plan-time checks that need the configured client or the machine
    /// (such as a local directory); the configuration may hold unknowns.
    async fn plan(&self, _ctx: &Ctx<C>, _config: &Value, _diags: &mut Diagnostics) {}

    /// Runs the action on a wholly known configuration, reporting steps to
    /// `progress`; failures go to `diags`.
    async fn invoke(
        &self,
        ctx: &Ctx<C>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    );
}

/// The schema of an action that takes the same arguments as a resource:
/// the resource's schema without the attributes the provider computes,
/// without those listed in `drop`, and without resource-only flags
/// (requires-replace, write-only: an action keeps nothing anyway).
/// `description` replaces the block's description.
pub fn schema_from_resource(resource: &Schema, drop: &[&str], description: &str) -> Schema {
    let attributes = resource
        .block
        .attributes
        .iter()
        .filter(|a| (a.required || a.optional) && !drop.contains(&a.name.as_str()))
        .cloned()
        .map(|mut a| {
            a.computed = false;
            a.requires_replace = false;
            a.volatile = false;
            if a.write_only {
                a.write_only = false;
                a.sensitive = true;
            }
            a
        })
        .collect();
    Schema {
        version: 0,
        block: Block {
            attributes,
            block_types: Vec::new(),
            description: description.to_string(),
            deprecated: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Type};

    #[test]
    fn action_schema_keeps_only_arguments_without_resource_flags() {
        let attr = |name: &str| Attribute {
            name: name.into(),
            ty: Some(Type::String),
            ..Default::default()
        };
        let resource = Schema {
            version: 3,
            block: Block {
                attributes: vec![
                    Attribute {
                        computed: true,
                        ..attr("id")
                    },
                    Attribute {
                        required: true,
                        requires_replace: true,
                        ..attr("path")
                    },
                    Attribute {
                        optional: true,
                        computed: true,
                        ..attr("name")
                    },
                    Attribute {
                        optional: true,
                        write_only: true,
                        ..attr("password_wo")
                    },
                    Attribute {
                        optional: true,
                        ..attr("triggers")
                    },
                ],
                ..Default::default()
            },
        };
        let s = schema_from_resource(&resource, &["triggers"], "Takes one.");
        let names: Vec<_> = s.block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["path", "name", "password_wo"]);
        assert_eq!(s.version, 0);
        assert_eq!(s.block.description, "Takes one.");
        assert!(
            s.block
                .attributes
                .iter()
                .all(|a| !a.computed && !a.requires_replace && !a.write_only)
        );
        assert!(s.block.attributes[2].sensitive);
        assert!(s.block.attributes[0].required);
    }

    #[tokio::test]
    async fn progress_messages_reach_the_channel_in_order_and_silent_drops_them() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let p = Progress::to_channel(tx);
        p.report("one");
        p.report(String::from("two"));
        drop(p);
        assert_eq!(rx.recv().await.as_deref(), Some("one"));
        assert_eq!(rx.recv().await.as_deref(), Some("two"));
        assert_eq!(rx.recv().await, None);
        Progress::silent().report("nobody listens");
    }
}
