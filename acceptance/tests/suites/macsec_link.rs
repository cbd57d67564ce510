//! A MACsec link between two emulated routers (ether1 ↔ ether1), managed by
//! one Terraform configuration with a provider alias per router. The link
//! state is read through `routeros_macsec_status`:
//!
//! - after apply both ends are `open-encrypted`, the end with the lower
//!   `server_priority` is key server;
//! - link state changes alone (cable pulled, peer port disabled) never make
//!   `plan -refresh-only -detailed-exitcode` of the configuration report
//!   drift, nor a plan of the status data sources report changes;
//! - a CAK changed by hand on one end drops the link to `negotiating`, is
//!   drift, and the next apply brings the link back.
//!
//! Runs once, with the newest Terraform over the scheme the rotation gives
//! it (`for_rotating_scheme`; `suites::every_transport` reads the status
//! over all four), with its own pair of emulators; changes made by hand go
//! over REST.
//!
//! The link is managed by one root module and its status read by another
//! (the "observer"). Terraform 1.15 counts every data source of a root
//! module as a change in a refresh-only plan, even Terraform's own
//! `terraform_remote_state` with a constant value, so a root module that CI
//! checks with `plan -refresh-only -detailed-exitcode` holds no data sources
//! (Terraform 1.0.3 does not do this; an ordinary `plan -detailed-exitcode`
//! is not affected in either).

use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, Workdir, for_rotating_scheme, hcl_string, state_resource,
};
use acceptance::harness::{assert_provider_reached, dependency_order_ignored, patch_named};
use acceptance::sim::{Sim, SimConfig};
use serde_json::{Value, json};

const CAK: &str = "3c5e7a9b1d2f40618293a4b5c6d7e8f9";
const OTHER_CAK: &str = "99999999999999999999999999999999";
const CKN: &str = "0123456789abcdef0123456789abcdef";

fn start_sim() -> Sim {
    Sim::spawn(SimConfig {
        version: "7.23".into(),
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// `provider "routeros"` with `alias`, reaching `sim` over `scheme`.
fn provider(sim: &Sim, scheme: Scheme, alias: &str) -> String {
    ProviderBlock::for_sim(sim, scheme).to_hcl().replacen(
        "provider \"routeros\" {\n",
        &format!(
            "provider \"routeros\" {{\n  alias = {}\n",
            hcl_string(alias)
        ),
        1,
    )
}

/// The terraform block and a provider per router, both over `scheme`.
fn header(a: &Sim, b: &Sim, scheme: Scheme) -> String {
    let terraform = ProviderBlock::default().main_tf("");
    let terraform = terraform
        .split("provider \"routeros\"")
        .next()
        .unwrap_or_default()
        .to_string();
    format!(
        "{terraform}{}{}",
        provider(a, scheme, "a"),
        provider(b, scheme, "b")
    )
}

/// Interface and key on both ends, and a profile that makes `a` key server.
fn link_config(a: &Sim, b: &Sim, scheme: Scheme) -> String {
    let mut out = header(a, b, scheme);
    out.push_str(
        "variable \"cak\" {\n  type = string\n  sensitive = true\n}\n\
         resource \"routeros_macsec_profile\" \"a\" {\n  provider = routeros.a\n  name = \"uplink\"\n  server_priority = 5\n}\n",
    );
    for end in ["a", "b"] {
        let profile = if end == "a" {
            "routeros_macsec_profile.a.name"
        } else {
            "\"default\""
        };
        out.push_str(&format!(
            "resource \"routeros_macsec_interface\" \"{end}\" {{\n  provider = routeros.{end}\n  name = \"macsec1\"\n  interface = \"ether1\"\n  profile = {profile}\n}}\n\
             resource \"routeros_macsec_key\" \"{end}\" {{\n  provider = routeros.{end}\n  interface = routeros_macsec_interface.{end}.name\n  cak = var.cak\n  ckn = {}\n}}\n",
            hcl_string(CKN)
        ));
    }
    out
}

/// Only the status of both ends: each run reads them afresh.
fn observer_config(a: &Sim, b: &Sim, scheme: Scheme) -> String {
    let mut out = header(a, b, scheme);
    for end in ["a", "b"] {
        out.push_str(&format!(
            "data \"routeros_macsec_status\" \"{end}\" {{\n  provider = routeros.{end}\n  interface = \"macsec1\"\n}}\n"
        ));
    }
    out
}

fn data_values(state: &Value, end: &str) -> Value {
    state_resource(state, &format!("data.routeros_macsec_status.{end}"))
        .unwrap_or_else(|| panic!("data.routeros_macsec_status.{end} is not in state: {state:#}"))
        .clone()
}

/// The status of both ends, read by a fresh `terraform apply` of the
/// observer configuration.
fn observe(observer: &Workdir) -> (Value, Value) {
    observer.apply();
    let state = observer.state_json();
    (data_values(&state, "a"), data_values(&state, "b"))
}

/// Both ends show `want`; a plan of the data sources alone has no changes
/// whatever the link does.
#[track_caller]
fn assert_status(observer: &Workdir, want: &str) {
    observer.plan_exitcode().assert_code(0);
    let (a, b) = observe(observer);
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some(want), Some(want)),
        "a: {a:#}\nb: {b:#}"
    );
    let running = want == "open-encrypted";
    assert_eq!(
        (a["running"].as_bool(), b["running"].as_bool()),
        (Some(running), Some(running))
    );
}

/// With the link's state changed by something Terraform does not manage,
/// both plans of the unchanged configuration are clean.
#[track_caller]
fn assert_no_drift(main: &Workdir) {
    assert_refresh_clean(main);
    main.plan_exitcode().assert_code(0);
}

/// `plan -refresh-only -detailed-exitcode` finds nothing to update.
///
/// Terraform 1.0.3 records a resource's dependencies in no fixed order, and
/// its refresh-only plan exits 2 ("No changes", yet an update of the state)
/// when the order it would record now differs from the stored one: here
/// `routeros_macsec_key.a`, which depends on the interface and the profile,
/// about every other run. On Terraform before 1.1 an exit 2 is therefore
/// accepted only when the refreshed state of the saved refresh-only plan
/// equals the stored state but for the order of `depends_on`.
#[track_caller]
fn assert_refresh_clean(main: &Workdir) {
    let out = main.refresh_only_plan();
    if out.code != 2 || main.terraform().version_tuple() >= (1, 1, 0) {
        out.assert_code(0);
        return;
    }
    out.assert_stdout_mentions(&["No changes"]);
    main.run(&[
        "plan",
        "-refresh-only",
        "-input=false",
        "-no-color",
        "-out=refresh-only.tfplan",
    ])
    .assert_success();
    let shown = main.run(&["show", "-json", "-no-color", "refresh-only.tfplan"]);
    shown.assert_success();
    let refreshed = shown.json()["prior_state"].clone();
    let stored = main.state_json();
    assert_eq!(
        dependency_order_ignored(&refreshed),
        dependency_order_ignored(&stored),
        "the refresh-only plan changes more than the order of dependencies:\n{out}"
    );
}

fn scenario(tf: &Terraform, scheme: Scheme) {
    let (a, b) = (start_sim(), start_sim());
    Sim::pair(&a, "ether1", &b, "ether1").expect("cable ether1 to ether1");
    let mut main = tf.workdir(&link_config(&a, &b, scheme));
    main.set_env("TF_VAR_cak", CAK);
    let observer = tf.workdir(&observer_config(&a, &b, scheme));

    // Apply both ends: the data sources, read afterwards, see the link up.
    let out = main.apply();
    out.assert_never_shows(CAK);
    let (sa, sb) = observe(&observer);
    assert_eq!(sa["status"], json!("open-encrypted"), "{sa:#}");
    assert_eq!(sb["status"], json!("open-encrypted"), "{sb:#}");
    assert_eq!(
        (sa["key_server"].as_bool(), sb["key_server"].as_bool()),
        (Some(true), Some(false)),
        "priority 5 beats 10"
    );
    assert_eq!(sa["cipher_suite"], json!("aes-gcm-128"));
    assert!(
        sa["rx_sc_ok"].as_f64().is_some_and(|n| n > 0.0),
        "traffic counters of an open link: {sa:#}"
    );
    assert_no_drift(&main);
    assert_status(&observer, "open-encrypted");

    // The cable is pulled: the link negotiates, and no plan reports drift.
    a.unplug("ether1").expect("unplug");
    assert_status(&observer, "negotiating");
    assert_no_drift(&main);
    Sim::pair(&a, "ether1", &b, "ether1").expect("re-cable");
    assert_status(&observer, "open-encrypted");

    // The peer's port is disabled by hand (the port is not managed here).
    patch_named(
        &b,
        "/interface/ethernet",
        "ether1",
        json!({"disabled": "true"}),
    );
    assert_status(&observer, "negotiating");
    assert_no_drift(&main);
    patch_named(
        &b,
        "/interface/ethernet",
        "ether1",
        json!({"disabled": "false"}),
    );
    assert_status(&observer, "open-encrypted");

    // The CAK of one end is changed by hand: the link falls to negotiating,
    // the changed key is drift (exit 2), and the next apply restores it.
    patch_named(
        &b,
        "/interface/macsec",
        "macsec1",
        json!({"cak": OTHER_CAK}),
    );
    assert_status(&observer, "negotiating");
    let out = main.refresh_only_plan();
    out.assert_code(2)
        .assert_stdout_mentions(&["routeros_macsec_key.b", "cak"]);
    out.assert_never_shows(CAK);
    out.assert_never_shows(OTHER_CAK);
    let plan = main.show_json_plan();
    plan.assert_actions("routeros_macsec_key.b", &["update"]);
    plan.assert_actions("routeros_macsec_key.a", &["no-op"]);
    main.apply_saved_plan();
    assert_status(&observer, "open-encrypted");
    assert_no_drift(&main);

    // Destroy: both ends get random keys, so the old key opens nothing.
    main.destroy();
    assert!(a.records("/interface/macsec").is_empty() && b.records("/interface/macsec").is_empty());
    assert_provider_reached(&a, scheme);
    assert_provider_reached(&b, scheme);
}

#[test]
fn paired_routers_reach_open_encrypted_and_recover_after_a_key_change() {
    for_rotating_scheme(scenario);
}
