//! Tests of ApplyResourceChange.

use crate::engine::fixture::*;

#[tokio::test]
async fn apply_create_then_plan_is_clean_and_write_only_is_not_stored() {
    let e = engine(Mode::Good).await;
    let (state, private) = create(&e).await;
    assert_eq!(state.get_str("id"), Some("*1"));
    assert_eq!(state.get_i64("mtu"), Some(1468));
    assert_eq!(
        state.get("secret"),
        Some(&Value::Null),
        "write-only nulled although the resource returned it"
    );
    // The resource saw the write-only value through config.
    let e_secrets = e
        .configured
        .read()
        .await
        .as_ref()
        .unwrap()
        .configured
        .secrets
        .lock()
        .unwrap()
        .clone();
    assert_eq!(e_secrets, ["s3cret"]);
    // Private state from plan and create is carried into state.
    let p: Private = serde_json::from_slice(&private).unwrap();
    assert_eq!(p.get("planned"), Some(&serde_json::json!(true)));
    assert_eq!(p.get("created"), Some(&serde_json::json!(true)));
    // Same config again: nothing changes, nothing unknown.
    let plan = e
        .plan_resource_change(plan_req(&state, &config(), private.clone()))
        .await;
    assert!(plan.diagnostics.is_empty());
    let mut expected = state.clone();
    expected.set("secret", Value::Null);
    assert!(
        plan.planned_state.equivalent(&expected),
        "{:?}",
        plan.planned_state
    );
    assert!(plan.planned_state.is_wholly_known());
}

#[tokio::test]
async fn apply_delete_returns_null_or_prior_on_error() {
    let e = engine(Mode::Good).await;
    let (state, private) = create(&e).await;
    let applied = e
        .apply_resource_change(apply_req(&state, &Value::Null, &Value::Null, private))
        .await;
    assert!(applied.diagnostics.is_empty());
    assert!(applied.new_state.is_null());
    assert!(applied.private.is_empty());
    assert!(
        e.configured
            .read()
            .await
            .as_ref()
            .unwrap()
            .configured
            .widgets
            .lock()
            .unwrap()
            .is_empty()
    );

    let failing = engine(Mode::Fails).await;
    let applied = failing
        .apply_resource_change(apply_req(
            &state,
            &Value::Null,
            &Value::Null,
            b"{\"a\":1}".to_vec(),
        ))
        .await;
    assert!(applied.diagnostics.has_error());
    assert_eq!(applied.new_state, state, "Terraform keeps the object");
    assert_eq!(applied.private, b"{\"a\":1}");
}

#[tokio::test]
async fn failed_create_and_update() {
    let e = engine(Mode::Fails).await;
    let applied = try_create(&e).await;
    assert_eq!(
        errors(&applied.diagnostics),
        [("Create failed".to_string(), "port".to_string())]
    );
    assert!(applied.new_state.is_null());

    let prior = obj(&[
        ("id", Value::string("*1")),
        ("name", Value::string("m1")),
        ("port", Value::string("ether1")),
        ("mtu", Value::int(1468)),
        ("disabled", Value::Bool(false)),
        ("revision", Value::int(1)),
    ]);
    let mut cfg = config();
    cfg.set("comment", Value::string("x"));
    let plan = e
        .plan_resource_change(plan_req(&prior, &cfg, Vec::new()))
        .await;
    let applied = e
        .apply_resource_change(apply_req(
            &prior,
            &plan.planned_state,
            &cfg,
            plan.planned_private.clone(),
        ))
        .await;
    assert!(applied.diagnostics.has_error());
    assert_eq!(applied.new_state, prior);
    assert_eq!(applied.private, plan.planned_private);
}

#[tokio::test]
async fn apply_result_that_breaks_the_plan_is_a_named_provider_bug() {
    let e = engine(Mode::Good).await;
    let mut cfg = config();
    cfg.set("mtu", Value::int(1500));
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &cfg, Vec::new()))
        .await;
    let bad = engine(Mode::WrongMtu).await;
    let applied = bad
        .apply_resource_change(apply_req(
            &Value::Null,
            &plan.planned_state,
            &cfg,
            Vec::new(),
        ))
        .await;
    let errs = errors(&applied.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, "mtu");
    let d = &applied.diagnostics.0[0];
    assert!(
        d.summary.contains("inconsistent value for \"mtu\""),
        "{}",
        d.summary
    );
    assert!(
        d.detail.contains("1500")
            && d.detail.contains("1000")
            && d.detail.contains("bug in the provider"),
        "{}",
        d.detail
    );
}

#[tokio::test]
async fn unknown_left_after_apply_is_a_named_provider_bug() {
    let e = engine(Mode::LeavesUnknown).await;
    let applied = try_create(&e).await;
    assert_eq!(errors(&applied.diagnostics)[0].1, "revision");
    assert!(applied.new_state.is_wholly_known());
    assert_eq!(applied.new_state.get("revision"), Some(&Value::Null));
}
