//! The fake provider's action, `routeros_echo`.

use async_trait::async_trait;

use super::widget::refuse;
use super::{ACTION_TYPE, TestClient};
use crate::action::{Action, Progress};
use crate::diag::{Diagnostic, Diagnostics};
use crate::resource::Ctx;
use crate::schema::{Attribute, Block, Schema, Type};
use crate::value::Value;

/// The action `routeros_echo`: it reports `echo <message>` and fails when
/// the message is `fail`; validation refuses `bad`.
pub(super) struct EchoAction;

#[async_trait]
impl Action<TestClient> for EchoAction {
    fn type_name(&self) -> &'static str {
        ACTION_TYPE
    }

    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block {
                attributes: vec![Attribute {
                    name: "message".into(),
                    ty: Some(Type::String),
                    required: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        }
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        refuse(
            config,
            ("message", "bad"),
            ("Bad message", "Not that one."),
            diags,
        );
    }

    async fn invoke(
        &self,
        _ctx: &Ctx<TestClient>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let message = config.get_str("message").unwrap_or_default();
        progress.report(format!("echo {message}"));
        if message == "fail" {
            diags.push(Diagnostic::error("Echo failed", "As asked."));
        }
    }
}
