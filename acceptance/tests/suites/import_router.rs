//! Importing a router configured by hand: resource identity
//! (`import { identity = {...} }`, Terraform 1.12+) and list resources
//! (`terraform query -generate-config-out`, Terraform 1.14+), run with the
//! newest Terraform the harness finds (1.15.5), against routeros-sim.
//!
//! The router is set up out of band over REST, as an operator would; each
//! scenario ends in a plan that proposes nothing.

use acceptance::harness::rest_ok;
use acceptance::harness::secrets;
use acceptance::harness::{Output, ProviderBlock, Scheme, Terraform};
use acceptance::sim::{Sim, SimConfig};
use reqwest::Method;
use serde_json::json;

const MACSEC: &str = "/interface/macsec";
const PROFILE: &str = "/interface/macsec/profile";

fn start_sim() -> Sim {
    Sim::spawn(SimConfig::default()).expect("start routeros-sim")
}

fn text(out: &Output) -> String {
    acceptance::harness::normalise(&format!("{}\n{}", out.stdout, out.stderr))
}

/// `import { identity = {...} }` for an interface, a profile and a port
/// binding: the plan imports them and changes nothing, the identity is kept
/// in state, and after the apply the plan is clean.
#[test]
fn import_by_identity_plans_no_change_and_keeps_the_identity() {
    let tf = Terraform::newest();
    let sim = start_sim();
    rest_ok(
        &sim,
        Method::PUT,
        PROFILE,
        Some(json!({"name": "uplink", "server-priority": "5"})),
    );
    rest_ok(
        &sim,
        Method::PUT,
        MACSEC,
        Some(json!({"name": "macsec1", "interface": "ether1", "profile": "uplink"})),
    );
    let body = r#"
import {
  to       = routeros_macsec_interface.m1
  identity = { name = "macsec1" }
}
resource "routeros_macsec_interface" "m1" {
  name      = "macsec1"
  interface = "ether1"
  profile   = routeros_macsec_profile.uplink.name
}
import {
  to       = routeros_macsec_profile.uplink
  identity = { name = "uplink" }
}
resource "routeros_macsec_profile" "uplink" {
  name            = "uplink"
  server_priority = 5
}
import {
  to       = routeros_ethernet_binding.e1
  identity = { ethernet = "ether1" }
}
resource "routeros_ethernet_binding" "e1" {
  ethernet         = "ether1"
  macsec_interface = routeros_macsec_interface.m1.name
  mtu              = 1500
  l2mtu            = 1598
}
"#;
    let wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(body));
    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_success();
    assert!(
        text(&plan).contains("plan: 3 to import, 0 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    wd.apply();
    let m1 = wd.state_instance("routeros_macsec_interface.m1");
    // Version 1: `router` joined the identity (null: the provider
    // block's own router).
    assert_eq!(
        m1["identity"],
        json!({"name": "macsec1", "router": null}),
        "{m1:#}"
    );
    assert_eq!(m1["identity_schema_version"], json!(1), "{m1:#}");
    let e1 = wd.state_instance("routeros_ethernet_binding.e1");
    assert_eq!(
        e1["identity"],
        json!({"ethernet": "ether1", "router": null}),
        "{e1:#}"
    );
    assert_eq!(sim.records(MACSEC).len(), 1, "nothing was created");
    wd.assert_no_changes();
}

/// An identity naming nothing on the router fails the import with the
/// menu and how to name an entry.
#[test]
fn import_by_identity_of_a_missing_object_says_what_to_give() {
    let tf = Terraform::newest();
    let sim = start_sim();
    let body = r#"
import {
  to       = routeros_macsec_interface.m1
  identity = { name = "macsec9" }
}
resource "routeros_macsec_interface" "m1" {
  name      = "macsec9"
  interface = "ether1"
}
"#;
    let wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(body));
    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_failure();
    let t = text(&plan);
    assert!(t.contains("macsec interface not found"), "{plan}");
    assert!(t.contains("/interface/macsec entry \"macsec9\""), "{plan}");
}

/// A MACsec interface renamed on the router keeps its identity in state,
/// with a warning that says what changed and what to do.
#[test]
fn an_identity_changed_on_the_router_is_reported() {
    let tf = Terraform::newest();
    let sim = start_sim();
    let body = "resource \"routeros_macsec_interface\" \"m1\" {\n  name      = \"macsec1\"\n  interface = \"ether1\"\n}\n";
    let wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(body));
    wd.apply();
    let id = sim.records(MACSEC)[0][".id"].clone();
    rest_ok(
        &sim,
        Method::PATCH,
        &format!("{MACSEC}/{id}"),
        Some(json!({"name": "renamed"})),
    );
    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_success();
    let t = text(&plan);
    assert!(
        t.contains(
            "macsec interface \"macsec1\" was changed on the router: its name is now \"renamed\""
        ),
        "{plan}"
    );
    assert!(
        t.contains("~ name") && t.contains("\"renamed\" -> \"macsec1\""),
        "{plan}"
    );
    wd.apply();
    assert_eq!(sim.records(MACSEC)[0]["name"], "macsec1");
    wd.assert_no_changes();
}

/// `terraform query` lists what is on the router, filtered; `-generate-
/// config-out` writes resource and import blocks that plan as imports only,
/// and after the apply the plan is clean.
#[test]
fn query_lists_the_router_and_generated_config_imports_clean() {
    let tf = Terraform::newest();
    let sim = start_sim();
    rest_ok(
        &sim,
        Method::PUT,
        PROFILE,
        Some(json!({"name": "uplink", "server-priority": "3"})),
    );
    for (name, port) in [
        ("macsec1", "ether1"),
        ("macsec2", "ether2"),
        ("lab", "ether3"),
    ] {
        rest_ok(
            &sim,
            Method::PUT,
            MACSEC,
            Some(
                json!({"name": name, "interface": port, "profile": "uplink", "comment": format!("{name} by hand")}),
            ),
        );
    }
    let provider = ProviderBlock::for_sim(&sim, Scheme::Http);
    let wd = tf.workdir(&provider.main_tf(""));
    wd.write_file(
        "router.tfquery.hcl",
        r#"
list "routeros_macsec_interface" "links" {
  provider         = routeros
  include_resource = true
  config {
    name = "macsec*"
  }
}
list "routeros_macsec_profile" "profiles" {
  provider         = routeros
  include_resource = true
  config {
    name = "uplink"
  }
}
list "routeros_ethernet_binding" "ports" {
  provider         = routeros
  include_resource = true
  config {
    interface = "ether1"
  }
}
"#,
    );
    let listed = wd.run(&["query", "-no-color"]);
    listed.assert_success();
    let t = text(&listed);
    for shown in ["macsec1", "macsec2", "uplink", "ether1"] {
        assert!(t.contains(shown), "query does not show {shown}:\n{listed}");
    }
    assert!(
        !t.contains("macsec interface lab"),
        "the name filter lets `lab` through:\n{listed}"
    );

    let generated = wd.run(&["query", "-no-color", "-generate-config-out=imported.tf"]);
    generated.assert_success();
    let hcl = std::fs::read_to_string(wd.path().join("imported.tf")).expect("imported.tf");
    assert!(hcl.contains("import {"), "{hcl}");
    assert!(
        hcl.contains("resource \"routeros_macsec_interface\""),
        "{hcl}"
    );
    assert!(!hcl.contains("\"lab\""), "{hcl}");

    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_success();
    assert!(
        text(&plan).contains("plan: 4 to import, 0 to add, 0 to change, 0 to destroy."),
        "{plan}\n{hcl}"
    );
    wd.apply();
    assert_eq!(
        sim.records(MACSEC).len(),
        3,
        "nothing was created or removed"
    );
    wd.assert_no_changes();
}

/// With an age identity configured and the CAK readable, the generated
/// `routeros_macsec_key` block carries `cak_age`, the router's key
/// encrypted to that identity: valid as written, never the key in the
/// clear, and it applies without writing the key; then the plan is clean.
#[test]
fn query_generates_a_key_block_with_cak_age_for_the_providers_identity() {
    let tf = Terraform::newest();
    let sim = start_sim();
    let cak = secrets::random_cak();
    rest_ok(
        &sim,
        Method::PUT,
        MACSEC,
        Some(json!({"name": "macsec1", "interface": "ether1", "cak": cak, "ckn": "ab01"})),
    );
    let (identity, _) = secrets::identity();
    let provider = secrets::provider_block(&sim, false, Some(secrets::IdentityVia::Attribute));
    let wd = tf.workdir(&secrets::main_tf(&provider, ""));
    wd.write_file("identity.txt", &identity);
    wd.write_file(
        "router.tfquery.hcl",
        r#"
list "routeros_macsec_key" "keys" {
  provider         = routeros
  include_resource = true
}
"#,
    );
    let generated = wd.run(&["query", "-no-color", "-generate-config-out=imported.tf"]);
    generated.assert_success();
    assert!(
        !text(&generated).contains("give the cak"),
        "the warning for a key left out was given:\n{generated}"
    );
    let hcl = std::fs::read_to_string(wd.path().join("imported.tf")).expect("imported.tf");
    assert!(hcl.contains("resource \"routeros_macsec_key\""), "{hcl}");
    assert!(hcl.contains("cak_age"), "{hcl}");
    assert!(
        hcl.contains("-----BEGIN AGE ENCRYPTED FILE-----"),
        "no age armor in the generated block:\n{hcl}"
    );
    assert!(
        !hcl.to_ascii_lowercase().contains(&cak),
        "the generated configuration holds the CAK in the clear"
    );

    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_success();
    let planned = text(&plan);
    // The import encrypts the key again (another ciphertext of the same
    // key than the listing's); the plan keeps the import's, so nothing
    // changes, and the router's key is not written.
    assert!(
        planned.contains("plan: 1 to import, 0 to add, 0 to change, 0 to destroy."),
        "{plan}\n{hcl}"
    );
    wd.apply();
    let row = sim
        .records(MACSEC)
        .into_iter()
        .find(|r| r.get("name").map(String::as_str) == Some("macsec1"))
        .expect("macsec1");
    assert_eq!(row.get("cak"), Some(&cak), "the key on the router changed");
    wd.assert_no_changes();
}
