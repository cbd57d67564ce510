//! Tests of PlanResourceChange.

use crate::engine::fixture::*;

#[tokio::test]
async fn create_plans_unknown_computed_defaults_and_null_write_only() {
    let e = engine(Mode::Good).await;
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
        .await;
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    let p = &plan.planned_state;
    assert!(p.get("id").unwrap().is_unknown());
    assert!(p.get("mtu").unwrap().is_unknown());
    assert!(p.get("revision").unwrap().is_unknown());
    assert_eq!(
        p.get("disabled"),
        Some(&Value::Bool(false)),
        "default applied"
    );
    assert_eq!(p.get("name"), Some(&Value::string("m1")));
    assert_eq!(
        p.get("comment"),
        Some(&Value::Null),
        "optional, not computed: stays null"
    );
    assert_eq!(
        p.get("secret"),
        Some(&Value::Null),
        "write-only is null in the plan"
    );
    assert!(plan.requires_replace.is_empty());
    assert!(check_type(p, &widget_type()).is_ok());
}

#[tokio::test]
async fn configured_computed_value_is_kept_known() {
    let e = engine(Mode::Good).await;
    let mut cfg = config();
    cfg.set("mtu", Value::int(1500));
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &cfg, Vec::new()))
        .await;
    assert_eq!(plan.planned_state.get("mtu"), Some(&Value::int(1500)));
    // An unknown in the configuration stays unknown and is not an error.
    cfg.set("comment", Value::unknown());
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &cfg, Vec::new()))
        .await;
    assert!(plan.diagnostics.is_empty());
    assert!(plan.planned_state.get("comment").unwrap().is_unknown());
}

#[tokio::test]
async fn update_keeps_prior_computed_and_volatile_becomes_unknown() {
    let e = engine(Mode::Good).await;
    let (state, private) = create(&e).await;
    let mut cfg = config();
    cfg.set("comment", Value::string("hello"));
    let plan = e
        .plan_resource_change(plan_req(&state, &cfg, private.clone()))
        .await;
    let p = &plan.planned_state;
    assert_eq!(p.get_str("id"), Some("*1"));
    assert_eq!(p.get_i64("mtu"), Some(1468));
    assert_eq!(p.get_str("comment"), Some("hello"));
    assert!(p.get("revision").unwrap().is_unknown(), "volatile");
    assert!(plan.requires_replace.is_empty());
    let applied = e
        .apply_resource_change(apply_req(&state, p, &cfg, plan.planned_private))
        .await;
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    assert_eq!(applied.new_state.get_i64("revision"), Some(2));
    assert_eq!(applied.new_state.get_str("comment"), Some("hello"));
    let log = e
        .configured
        .read()
        .await
        .as_ref()
        .unwrap()
        .configured
        .log
        .lock()
        .unwrap()
        .clone();
    assert_eq!(log, ["create", "update"]);
}

#[tokio::test]
async fn removing_a_defaulted_value_plans_the_default() {
    let e = engine(Mode::Good).await;
    let (mut state, private) = create(&e).await;
    state.set("disabled", Value::Bool(true));
    let plan = e
        .plan_resource_change(plan_req(&state, &config(), private))
        .await;
    assert_eq!(
        plan.planned_state.get("disabled"),
        Some(&Value::Bool(false))
    );
}

#[tokio::test]
async fn requires_replace_is_reported_and_planned_as_create() {
    let e = engine(Mode::Good).await;
    let (state, private) = create(&e).await;
    let mut cfg = config();
    cfg.set("port", Value::string("ether2"));
    let plan = e
        .plan_resource_change(plan_req(&state, &cfg, private))
        .await;
    assert_eq!(plan.requires_replace, [AttributePath::root("port")]);
    let p = &plan.planned_state;
    assert!(p.get("id").unwrap().is_unknown());
    assert!(p.get("mtu").unwrap().is_unknown());
    assert!(p.get("revision").unwrap().is_unknown());
    assert_eq!(p.get_str("port"), Some("ether2"));
    assert_eq!(p.get_str("name"), Some("m1"));
    // An unknown new port also forces replacement.
    cfg.set("port", Value::unknown());
    let plan = e
        .plan_resource_change(plan_req(&state, &cfg, Vec::new()))
        .await;
    assert_eq!(plan.requires_replace, [AttributePath::root("port")]);
}

#[tokio::test]
async fn destroy_plans_null_and_keeps_private() {
    let e = engine(Mode::Good).await;
    let (state, _) = create(&e).await;
    let plan = e
        .plan_resource_change(plan_req(&state, &Value::Null, b"{\"k\":1}".to_vec()))
        .await;
    assert!(plan.planned_state.is_null());
    assert_eq!(plan.planned_private, b"{\"k\":1}");
    assert!(plan.diagnostics.is_empty());
}

#[tokio::test]
async fn plan_hook_cannot_override_configuration() {
    let e = engine(Mode::RewritesName).await;
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
        .await;
    assert_eq!(plan.planned_state.get_str("name"), Some("m1"));
}
