//! What the engine's tests share: an engine over the one fake provider
//! ([`crate::testing`]), its `routeros_test_widget` values and the
//! requests Terraform would send. Each test file starts with
//! `use crate::engine::fixture::*;`.

pub(super) use std::collections::BTreeMap;

pub(super) use super::checks::check_config;
pub(super) use super::{ApplyRequest, ApplyResponse, ClientCapabilities, Engine, PlanRequest};
pub(super) use crate::diag::{AttributePath, Diagnostics, Severity};
pub(super) use crate::resource::Private;
pub(super) use crate::schema::{Block, Type, schema_from_model};
pub(super) use crate::testing::{
    ECHO_TYPE, INFO_TYPE, Mode, TestProvider, WIDGET_TYPE, Widget, echo_type, widget_type,
};
pub(super) use crate::value::{Value, check_type, conform};

pub(super) fn caps() -> ClientCapabilities {
    ClientCapabilities {
        deferral_allowed: false,
        write_only_attributes_allowed: true,
    }
}

pub(super) async fn engine(mode: Mode) -> Engine<TestProvider> {
    let e = Engine::new(TestProvider::with_mode(mode));
    let d = e
        .configure(Value::Object(BTreeMap::new()), "1.15.5", caps())
        .await;
    assert!(d.is_empty(), "{d:?}");
    e
}

pub(super) fn obj(pairs: &[(&str, Value)]) -> Value {
    conform(Value::object(pairs), &widget_type())
}

pub(super) fn config() -> Value {
    obj(&[
        ("name", Value::string("m1")),
        ("port", Value::string("ether1")),
        ("secret", Value::string("s3cret")),
    ])
}

/// What Terraform core proposes: config where set, prior elsewhere for
/// computed attributes.
pub(super) fn proposed(config: &Value, prior: &Value) -> Value {
    let schema = schema_from_model::<Widget>(1, "");
    let mut p = config.clone();
    for a in &schema.block.attributes {
        if a.computed && config.get(&a.name).is_some_and(Value::is_null) {
            p.set(&a.name, prior.get(&a.name).cloned().unwrap_or(Value::Null));
        }
    }
    p
}

pub(super) fn plan_req(prior: &Value, config: &Value, private: Vec<u8>) -> PlanRequest {
    PlanRequest {
        type_name: WIDGET_TYPE.into(),
        prior_state: prior.clone(),
        proposed_new_state: if config.is_null() {
            Value::Null
        } else {
            proposed(config, prior)
        },
        config: config.clone(),
        prior_private: private,
        capabilities: caps(),
    }
}

pub(super) fn apply_req(
    prior: &Value,
    planned: &Value,
    config: &Value,
    private: Vec<u8>,
) -> ApplyRequest {
    ApplyRequest {
        type_name: WIDGET_TYPE.into(),
        prior_state: prior.clone(),
        planned_state: planned.clone(),
        config: config.clone(),
        planned_private: private,
    }
}

/// Plans and applies a create, whatever the diagnostics say.
pub(super) async fn try_create(e: &Engine<TestProvider>) -> ApplyResponse {
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
        .await;
    e.apply_resource_change(apply_req(
        &Value::Null,
        &plan.planned_state,
        &config(),
        Vec::new(),
    ))
    .await
}

/// Plans and applies a create, returning the state.
pub(super) async fn create(e: &Engine<TestProvider>) -> (Value, Vec<u8>) {
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
        .await;
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    let applied = e
        .apply_resource_change(apply_req(
            &Value::Null,
            &plan.planned_state,
            &config(),
            plan.planned_private,
        ))
        .await;
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    (applied.new_state, applied.private)
}

pub(super) fn errors(d: &Diagnostics) -> Vec<(String, String)> {
    d.0.iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            (
                d.summary.clone(),
                d.attribute
                    .as_ref()
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}
