//! `routeros_logging_action` against the emulator, over REST and the
//! classic API: create, read, update, import by name and by `*id`, list,
//! delete, the built-in actions adopted and left, and the attributes of
//! another RouterOS version refused at plan. Asserts what the router holds.

use std::sync::Arc;
use std::time::Duration;

use acceptance::sim::{Sim, SimConfig};
use terraform_provider_routeros::plugin::diag::Diagnostics;
use terraform_provider_routeros::plugin::resource::{
    Ctx, ListRequest, PlanInput, Private, Resource, value_of,
};
use terraform_provider_routeros::plugin::schema::Served;
use terraform_provider_routeros::plugin::value::Value;
use terraform_provider_routeros::provider::Configured;
use terraform_provider_routeros::resources::logging_action::{LoggingAction, LoggingActionModel};
use terraform_provider_routeros::resources::logging_rule::{LoggingRule, LoggingRuleModel};
use terraform_provider_routeros::resources::row;
use terraform_provider_routeros::routeros::rest::TlsOptions;
use terraform_provider_routeros::routeros::{Client, ConnectOptions};

const MENU: &str = "/system/logging/action";

fn sim(version: &str) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        https: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

async fn ctx(sim: &Sim, url: String, r: &dyn Resource<Configured>) -> Ctx<Configured> {
    let client = Client::connect(&ConnectOptions {
        url,
        username: sim.username().to_string(),
        password: sim.password().to_string(),
        tls: TlsOptions::default(),
        timeout: Duration::from_secs(30),
        ..Default::default()
    })
    .await
    .expect("connect to routeros-sim");
    Ctx::new(Arc::new(Configured::from_environment(client)), r.schema())
}

fn value<M: serde::Serialize>(r: &dyn Resource<Configured>, m: &M) -> Value {
    value_of(m, &Served::new(r.schema()), &mut Diagnostics::new()).unwrap()
}

/// `create`, which must succeed.
async fn create(
    r: &dyn Resource<Configured>,
    ctx: &Ctx<Configured>,
    planned: &Value,
    private: &mut Private,
) -> Value {
    let mut diags = Diagnostics::new();
    let state = r.create(ctx, planned, planned, private, &mut diags).await;
    assert!(!diags.has_error(), "{diags:?}");
    state.unwrap()
}

/// `update` from `state` to `planned`, which must succeed.
async fn update(
    r: &dyn Resource<Configured>,
    ctx: &Ctx<Configured>,
    state: &Value,
    planned: &Value,
    private: &mut Private,
) -> Value {
    let mut diags = Diagnostics::new();
    let state = r
        .update(ctx, state, planned, &Value::Null, private, &mut diags)
        .await;
    assert!(!diags.has_error(), "{diags:?}");
    state.unwrap()
}

/// `delete`, which must succeed.
async fn delete(
    r: &dyn Resource<Configured>,
    ctx: &Ctx<Configured>,
    state: &Value,
    private: &Private,
) {
    let mut diags = Diagnostics::new();
    r.delete(ctx, state, private, &mut diags).await;
    assert!(!diags.has_error(), "{diags:?}");
}

/// The router's row of action `name`, fresh.
async fn on_router(
    ctx: &Ctx<Configured>,
    name: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    ctx.client
        .list_fresh(MENU)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r["name"] == name)
}

async fn lifecycle(sim: &Sim, url: String) {
    let r = row::row(LoggingAction);
    let r = r.as_ref();
    let ctx = ctx(sim, url, r).await;
    let mut private = Private::default();
    let mut diags = Diagnostics::new();

    // Create a remote syslog action.
    let plan = LoggingActionModel {
        name: "syslog \"x\"; ${y}".into(),
        target: "remote".into(),
        remote: Some("192.0.2.10".into()),
        remote_port: Some(1514),
        syslog_facility: Some("local0".into()),
        remote_log_format: Some("default".into()),
        comment: Some("central\nlog".into()),
        ..Default::default()
    };
    let planned = value(r, &plan);
    let state = create(r, &ctx, &planned, &mut private).await;
    let held = on_router(&ctx, &plan.name).await.expect("created");
    assert_eq!(held["remote"], "192.0.2.10");
    assert_eq!(held["remote-port"], "1514");
    assert_eq!(held["syslog-facility"], "local0");
    assert_eq!(held["comment"], "central\nlog");
    assert_eq!(
        state.get_str("remote_protocol"),
        Some("udp"),
        "the router's default, read back"
    );

    // Update one setting; read shows it.
    let mut changed = plan.clone();
    changed.id = state.get_str("id").map(str::to_string);
    changed.remote_port = Some(514);
    changed.comment = None;
    let state2 = update(r, &ctx, &state, &value(r, &changed), &mut private).await;
    let held = on_router(&ctx, &plan.name).await.unwrap();
    assert_eq!(held["remote-port"], "514");
    assert_eq!(held["comment"], "", "a removed comment is cleared");
    let read = r
        .read(&ctx, &state2, &mut private, &mut diags)
        .await
        .unwrap();
    assert_eq!(read.get_i64("remote_port"), Some(514));

    // Import by name and by id give the same state.
    let by_name = r.import(&ctx, &plan.name, &mut diags).await.unwrap();
    let id = held[".id"].to_lowercase();
    let by_id = r.import(&ctx, &id, &mut diags).await.unwrap();
    assert_eq!(by_name, by_id);
    assert_eq!(by_name.get_str("name"), Some(plan.name.as_str()));

    // Listed; the built-in actions are not.
    let items = r
        .list(
            &ctx,
            &ListRequest {
                config: &Value::Null,
                include_resource: true,
                limit: None,
            },
            &mut diags,
        )
        .await;
    let names: Vec<&str> = items
        .iter()
        .filter_map(|i| i.identity.get_str("name"))
        .collect();
    assert_eq!(names, [plan.name.as_str()]);

    // Destroy removes it.
    delete(r, &ctx, &state2, &private).await;
    assert!(on_router(&ctx, &plan.name).await.is_none());

    // The built-in `memory` is adopted (not duplicated) and left on destroy.
    let memory = LoggingActionModel {
        name: "memory".into(),
        target: "memory".into(),
        memory_lines: Some(5000),
        ..Default::default()
    };
    let planned = value(r, &memory);
    let state = create(r, &ctx, &planned, &mut private).await;
    let all = ctx.client.list_fresh(MENU).await.unwrap();
    assert_eq!(all.iter().filter(|r| r["name"] == "memory").count(), 1);
    assert_eq!(
        on_router(&ctx, "memory").await.unwrap()["memory-lines"],
        "5000"
    );
    delete(r, &ctx, &state, &private).await;
    assert!(
        on_router(&ctx, "memory").await.is_some(),
        "a built-in action stays"
    );
}

const RULES: &str = "/system/logging";

/// The router's rules, fresh.
async fn rules(ctx: &Ctx<Configured>) -> Vec<std::collections::BTreeMap<String, String>> {
    ctx.client.list_fresh(RULES).await.unwrap()
}

async fn rule_lifecycle(sim: &Sim, url: String) {
    let r = row::row(LoggingRule);
    let r = r.as_ref();
    let ctx = ctx(sim, url, r).await;
    let mut private = Private::default();
    let mut diags = Diagnostics::new();
    let before = rules(&ctx).await.len();

    // A rule for MACsec and MKA events (RouterOS's `interface` topic).
    let plan = LoggingRuleModel {
        topics: vec!["interface".into(), "!debug".into()],
        action: "memory".into(),
        prefix: Some("macsec \"${x}\";".into()),
        regex: Some("MKA|macsec".into()),
        comment: Some("MACsec and MKA".into()),
        ..Default::default()
    };
    let planned = value(r, &plan);
    let state = create(r, &ctx, &planned, &mut private).await;
    let id = state.get_str("id").unwrap().to_string();
    let held = rules(&ctx)
        .await
        .into_iter()
        .find(|r| r[".id"] == id)
        .unwrap();
    assert_eq!(held["topics"], "interface,!debug");
    assert_eq!(held["prefix"], "macsec \"${x}\";");
    assert_eq!(held["regex"], "MKA|macsec");
    assert_eq!(rules(&ctx).await.len(), before + 1);

    // Update: disabled, prefix removed (cleared on the router).
    let changed = LoggingRuleModel {
        id: Some(id.clone()),
        disabled: Some(true),
        prefix: None,
        ..plan.clone()
    };
    let state = update(r, &ctx, &state, &value(r, &changed), &mut private).await;
    let held = rules(&ctx)
        .await
        .into_iter()
        .find(|r| r[".id"] == id)
        .unwrap();
    assert_eq!(
        (held["disabled"].as_str(), held["prefix"].as_str()),
        ("true", "")
    );
    assert_eq!(state.get("prefix"), Some(&Value::Null));

    // Import by id (any case); identity is the id.
    let imported = r
        .import(&ctx, &id.to_lowercase(), &mut diags)
        .await
        .unwrap();
    assert_eq!(imported, state);
    assert_eq!(r.identity(&state).unwrap().get_str("id"), Some(id.as_str()));

    // Destroy removes it.
    delete(r, &ctx, &state, &private).await;
    assert_eq!(rules(&ctx).await.len(), before);

    // A rule with the topics of a default rule adopts it, and destroy leaves it.
    let info = LoggingRuleModel {
        topics: vec!["info".into()],
        action: "memory".into(),
        prefix: Some("i".into()),
        ..Default::default()
    };
    let planned = value(r, &info);
    let state = create(r, &ctx, &planned, &mut private).await;
    let infos: Vec<_> = rules(&ctx)
        .await
        .into_iter()
        .filter(|r| r["topics"] == "info")
        .collect();
    assert_eq!(infos.len(), 1, "adopted, not duplicated");
    assert_eq!(
        (infos[0]["default"].as_str(), infos[0]["prefix"].as_str()),
        ("true", "i")
    );
    delete(r, &ctx, &state, &private).await;
    assert_eq!(rules(&ctx).await.len(), before, "a default rule stays");
}

#[tokio::test]
async fn a_logging_action_lives_and_dies_over_rest() {
    let sim = sim("7.20");
    lifecycle(&sim, sim.http_url()).await;
}

#[tokio::test]
async fn a_logging_action_lives_and_dies_over_the_api() {
    let sim = sim("7.20");
    lifecycle(&sim, sim.api_url().unwrap()).await;
}

#[tokio::test]
async fn a_logging_rule_lives_and_dies_over_rest() {
    let sim = sim("7.24");
    rule_lifecycle(&sim, sim.http_url()).await;
}

#[tokio::test]
async fn a_logging_rule_lives_and_dies_over_the_api() {
    let sim = sim("7.24");
    rule_lifecycle(&sim, sim.api_url().unwrap()).await;
}

#[test]
fn an_unknown_topic_is_refused_at_plan_naming_it_and_the_nearest_known() {
    let r = row::row(LoggingRule);
    let config = value(
        r.as_ref(),
        &LoggingRuleModel {
            topics: vec!["macsec".into(), "interfase".into(), "info".into()],
            action: "memory".into(),
            ..Default::default()
        },
    );
    let mut diags = Diagnostics::new();
    r.validate(&config, &mut diags);
    assert_eq!(diags.0.len(), 2, "{diags:?}");
    assert!(
        diags.0[0].detail.contains("\"macsec\" is not")
            && diags.0[0].detail.contains("`interface`")
    );
    assert!(
        diags.0[1].detail.contains("nearest known are interface"),
        "{}",
        diags.0[1].detail
    );
    assert!(
        diags
            .0
            .iter()
            .all(|d| d.attribute.as_ref().unwrap().to_string() == "topics")
    );
}

#[tokio::test]
async fn attributes_of_another_version_are_refused_at_plan() {
    let sim = sim("7.16");
    let r = row::row(LoggingAction);
    let ctx = ctx(&sim, sim.http_url(), r.as_ref()).await;
    let config = value(
        r.as_ref(),
        &LoggingActionModel {
            name: "syslog".into(),
            target: "remote".into(),
            remote_protocol: Some("tcp".into()),
            bsd_syslog: Some(true),
            ..Default::default()
        },
    );
    let mut planned = config.clone();
    let mut diags = Diagnostics::new();
    let input = PlanInput {
        prior_state: &Value::Null,
        config: &config,
        proposed: &config,
    };
    r.modify_plan(
        &ctx,
        &input,
        &mut planned,
        &mut Private::default(),
        &mut diags,
    )
    .await;
    let attrs: Vec<String> = diags
        .0
        .iter()
        .filter_map(|d| d.attribute.as_ref().map(|a| a.to_string()))
        .collect();
    assert_eq!(attrs, ["remote_protocol"], "{diags:?}");
    assert!(
        diags.0[0].detail.contains("RouterOS 7.16"),
        "{}",
        diags.0[0].detail
    );
}
