//! The action RPCs of `tfplugin5.Provider` (ValidateActionConfig,
//! PlanAction, InvokeAction) and the action parts of GetSchema and
//! GetMetadata. `server.rs` forwards to these functions, so that each RPC
//! there stays one line.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;
use tonic::Status;

use super::{client_capabilities, decode_value, diagnostics_to_proto, schema_to_proto};
use crate::action::Progress;
use crate::diag::Diagnostics;
use crate::engine::Engine;
use crate::proto::tfplugin5 as pb;
use crate::resource::Provider;
use crate::value::Value;

/// The stream InvokeAction answers with.
pub type InvokeStream =
    std::pin::Pin<Box<dyn futures::Stream<Item = Result<pb::invoke_action::Event, Status>> + Send>>;

/// `action_schemas` of GetSchema.
pub fn action_schemas<P: Provider>(engine: &Engine<P>) -> HashMap<String, pb::ActionSchema> {
    engine
        .action_schemas()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                pb::ActionSchema {
                    schema: Some(schema_to_proto(v)),
                },
            )
        })
        .collect()
}

/// `actions` of GetMetadata.
pub fn action_metadata<P: Provider>(engine: &Engine<P>) -> Vec<pb::get_metadata::ActionMetadata> {
    engine
        .action_schemas()
        .into_keys()
        .map(|type_name| pb::get_metadata::ActionMetadata { type_name })
        .collect()
}

/// Decodes an action configuration with the action's schema.
fn decode_config<P: Provider>(
    engine: &Engine<P>,
    type_name: &str,
    config: Option<&pb::DynamicValue>,
) -> Result<Value, Diagnostics> {
    let schema = engine.action_schema(type_name).ok_or_else(|| {
        Diagnostics::from(crate::diag::Diagnostic::error(
            format!("Unknown action type {type_name:?}"),
            format!(
                "The {} provider has no action type {type_name:?}. Check the spelling in your configuration, \
                 or upgrade the provider if the action is newer than this build.",
                engine.type_name()
            ),
        ))
    })?;
    decode_value(config, &schema.block.value_type(), "action configuration")
}

/// ValidateActionConfig.
pub async fn validate_action_config<P: Provider>(
    engine: &Engine<P>,
    req: pb::validate_action_config::Request,
) -> pb::validate_action_config::Response {
    let diags = match decode_config(engine, &req.type_name, req.config.as_ref()) {
        Ok(config) => engine.validate_action_config(&req.type_name, config).await,
        Err(d) => d,
    };
    pb::validate_action_config::Response {
        diagnostics: diagnostics_to_proto(&diags),
    }
}

/// PlanAction.
pub async fn plan_action<P: Provider>(
    engine: &Engine<P>,
    req: pb::plan_action::Request,
) -> pb::plan_action::Response {
    let caps = client_capabilities(req.client_capabilities.as_ref());
    let diags = match decode_config(engine, &req.action_type, req.config.as_ref()) {
        Ok(config) => engine.plan_action(&req.action_type, config, caps).await,
        Err(d) => d,
    };
    pb::plan_action::Response {
        diagnostics: diagnostics_to_proto(&diags),
        deferred: None,
    }
}

fn progress_event(message: String) -> pb::invoke_action::Event {
    pb::invoke_action::Event {
        r#type: Some(pb::invoke_action::event::Type::Progress(
            pb::invoke_action::event::Progress { message },
        )),
    }
}

fn completed_event(diags: &Diagnostics) -> pb::invoke_action::Event {
    pb::invoke_action::Event {
        r#type: Some(pb::invoke_action::event::Type::Completed(
            pb::invoke_action::event::Completed {
                diagnostics: diagnostics_to_proto(diags),
            },
        )),
    }
}

/// InvokeAction: the action runs in a task of its own; every progress
/// message is an event as soon as it is reported, and the last event is
/// `completed` with the diagnostics.
pub fn invoke_action<P: Provider>(
    engine: Arc<Engine<P>>,
    req: pb::invoke_action::Request,
) -> InvokeStream {
    let (tx, rx) = mpsc::unbounded_channel::<pb::invoke_action::Event>();
    tokio::spawn(async move {
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let diags = match decode_config(&engine, &req.action_type, req.config.as_ref()) {
            Ok(config) => {
                let (ptx, mut prx) = mpsc::unbounded_channel::<String>();
                let forward = {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        while let Some(m) = prx.recv().await {
                            let _ = tx.send(progress_event(m));
                        }
                    })
                };
                let progress = Progress::to_channel(ptx);
                let diags = engine
                    .invoke_action(&req.action_type, config, caps, &progress)
                    .await;
                drop(progress);
                let _ = forward.await;
                diags
            }
            Err(d) => d,
        };
        let _ = tx.send(completed_event(&diags));
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|ev| (Ok(ev), rx))
    });
    Box::pin(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::encode_value;
    use crate::testing::TestProvider;
    use futures::StreamExt as _;

    #[tokio::test]
    async fn invoke_streams_progress_then_completed_and_schemas_are_served() {
        let engine = Arc::new(Engine::new(TestProvider::new()));
        assert!(action_schemas(&engine).contains_key("routeros_echo"));
        assert_eq!(action_metadata(&engine)[0].type_name, "routeros_echo");
        engine
            .configure(Value::Null, "1.15.5", Default::default())
            .await;
        let ty = engine
            .action_schema("routeros_echo")
            .unwrap()
            .block
            .value_type();
        let config = Value::Object(std::collections::BTreeMap::from([(
            "message".to_string(),
            Value::string("fail"),
        )]));
        let events: Vec<_> = invoke_action(
            engine.clone(),
            pb::invoke_action::Request {
                action_type: "routeros_echo".into(),
                config: Some(encode_value(&config, &ty)),
                client_capabilities: None,
            },
        )
        .collect()
        .await;
        use pb::invoke_action::event::Type;
        assert_eq!(events.len(), 2, "{events:?}");
        match &events[0].as_ref().unwrap().r#type {
            Some(Type::Progress(p)) => assert_eq!(p.message, "echo fail"),
            other => panic!("{other:?}"),
        }
        match &events[1].as_ref().unwrap().r#type {
            Some(Type::Completed(c)) => assert_eq!(c.diagnostics[0].summary, "Echo failed"),
            other => panic!("{other:?}"),
        }

        let unknown = validate_action_config(
            &engine,
            pb::validate_action_config::Request {
                type_name: "routeros_nope".into(),
                config: None,
            },
        )
        .await;
        assert!(
            unknown.diagnostics[0]
                .summary
                .contains("Unknown action type")
        );
    }
}
