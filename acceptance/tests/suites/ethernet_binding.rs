//! Acceptance scenarios for `routeros_ethernet_binding` and the
//! `routeros_macsec_interfaces` / `routeros_system_resource` data sources:
//! the real Terraform CLI drives the freshly built provider binary against
//! routeros-sim.
//!
//! Each scenario runs once, with the newest Terraform over the scheme the
//! rotation gives it (`for_rotating_scheme`); `suites::every_transport` runs
//! the binding and both data sources over all four schemes. Each run starts
//! its own emulator, so the runs go in parallel; changes made by hand go
//! over REST. Assertions look at what a user sees (exit codes, diagnostics,
//! plan JSON, state, outputs) and at the router afterwards.

use std::collections::BTreeMap;

use acceptance::harness::{Output, ProviderBlock, Scheme, Terraform, Workdir, for_rotating_scheme};
use acceptance::harness::{ResourceBlock, assert_provider_reached, rest, start_sim};
use acceptance::sim::{Sim, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

/// The port menu the binding manages.
const ETHERNET: &str = "/interface/ethernet";
/// The MACsec menu the binding checks.
const MACSEC: &str = "/interface/macsec";
/// Address of the binding in the single-binding configurations.
const ADDR: &str = "routeros_ethernet_binding.test";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn provider(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    ProviderBlock::for_sim(sim, scheme)
}

/// Adds a MACsec interface by hand; panics unless RouterOS accepts it.
#[track_caller]
fn add_macsec(sim: &Sim, body: Value) {
    let (status, answer) = rest(sim, Method::PUT, MACSEC, Some(body.clone()));
    assert_eq!(status, 200, "PUT {MACSEC} {body}: {answer}");
}

/// Sets values of an Ethernet port by hand (out of band).
#[track_caller]
fn set_port(sim: &Sim, port: &str, body: Value) {
    let id = port_row(sim, port)[".id"].clone();
    let (status, answer) = rest(
        sim,
        Method::PATCH,
        &format!("{ETHERNET}/{id}"),
        Some(body.clone()),
    );
    assert_eq!(status, 200, "PATCH {port} {body}: {answer}");
}

#[track_caller]
fn port_row(sim: &Sim, port: &str) -> BTreeMap<String, String> {
    sim.records(ETHERNET)
        .into_iter()
        .find(|r| r.get("name").map(String::as_str) == Some(port))
        .unwrap_or_else(|| panic!("no Ethernet port {port} on the emulator"))
}

/// `(disabled, mtu, l2mtu)` of a port as RouterOS prints them.
#[track_caller]
fn port_values(sim: &Sim, port: &str) -> (String, String, String) {
    let row = port_row(sim, port);
    (
        row["disabled"].clone(),
        row["mtu"].clone(),
        row["l2mtu"].clone(),
    )
}

fn values(disabled: &str, mtu: &str, l2mtu: &str) -> (String, String, String) {
    (disabled.into(), mtu.into(), l2mtu.into())
}

/// One `routeros_ethernet_binding` block.
#[derive(Debug, Clone, Default)]
struct Binding {
    ethernet: String,
    macsec_interface: String,
    disabled: Option<bool>,
    mtu: Option<u32>,
    l2mtu: Option<u32>,
}

impl Binding {
    fn new(ethernet: &str, macsec_interface: &str) -> Self {
        Binding {
            ethernet: ethernet.into(),
            macsec_interface: macsec_interface.into(),
            ..Binding::default()
        }
    }

    /// The block ([`ResourceBlock`]: one attribute per line).
    fn hcl(&self, label: &str) -> String {
        ResourceBlock::new("routeros_ethernet_binding", label)
            .string("ethernet", &self.ethernet)
            .string("macsec_interface", &self.macsec_interface)
            .opt("disabled", self.disabled)
            .opt("mtu", self.mtu)
            .opt("l2mtu", self.l2mtu)
            .hcl()
    }
}

fn main_tf(sim: &Sim, scheme: Scheme, body: &str) -> String {
    provider(sim, scheme).main_tf(body)
}

/// Stdout and stderr together, normalised (Terraform prints warnings on
/// stdout and errors on stderr).
fn all_text(out: &Output) -> String {
    acceptance::harness::normalise(&format!("{}\n{}", out.stdout, out.stderr))
}

#[track_caller]
fn assert_mentions(out: &Output, phrases: &[&str]) {
    let text = all_text(out);
    for p in phrases {
        assert!(
            text.contains(&acceptance::harness::normalise(p)),
            "output does not mention {p:?}:\n{out}"
        );
    }
}

/// `terraform output -json` as a map of output name to value.
#[track_caller]
fn outputs(wd: &Workdir) -> Value {
    let out = wd.run(&["output", "-json", "-no-color"]);
    out.assert_success();
    let json = out.json();
    let map = json
        .as_object()
        .unwrap_or_else(|| panic!("outputs are not an object: {json:#}"));
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null)))
            .collect(),
    )
}

// ---------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------

/// create → clean plan → unmanaged drift ignored → in-place update →
/// out-of-band change = exit 2 → replace on another port (the old port is
/// given back) → import then clean plan → destroy gives the port back, with
/// the provider talking to the emulator over `scheme`.
fn lifecycle(tf: &Terraform, scheme: Scheme) {
    let sim = start_sim(SimConfig::default());
    add_macsec(&sim, json!({"name": "macsec1", "interface": "ether1"}));
    add_macsec(&sim, json!({"name": "macsec2", "interface": "ether2"}));
    // ether1 starts disabled, so that the binding has something to undo.
    set_port(&sim, "ether1", json!({"disabled": "yes"}));
    let ether1_before = port_values(&sim, "ether1");
    assert_eq!(ether1_before, values("true", "1500", "1598"));
    let ether2_before = port_values(&sim, "ether2");

    // Create: the port is enabled and gets the l2mtu; mtu is left alone.
    let mut binding = Binding::new("ether1", "macsec1");
    binding.l2mtu = Some(1600);
    let wd = tf.workdir(&main_tf(&sim, scheme, &binding.hcl("test")));
    wd.apply();
    assert_eq!(port_values(&sim, "ether1"), values("false", "1500", "1600"));
    let row = port_row(&sim, "ether1");
    let state = wd.resource_values(ADDR);
    assert_eq!(state["id"], json!(row[".id"]), "state: {state:#}");
    assert_eq!(
        state["mac_address"],
        json!(row["mac-address"]),
        "state: {state:#}"
    );
    assert_eq!(state["disabled"], json!(false), "state: {state:#}");
    assert_eq!(
        state["mtu"].as_f64(),
        Some(1500.0),
        "mtu is not managed, and reported as the port has it: {state:#}"
    );
    assert_eq!(state["l2mtu"].as_f64(), Some(1600.0), "state: {state:#}");
    wd.assert_no_changes();

    // mtu is not managed: a change on the router is no drift.
    set_port(&sim, "ether1", json!({"mtu": "1450"}));
    wd.assert_no_changes();
    wd.refresh_only_plan().assert_code(0);

    // In-place update: mtu becomes managed, l2mtu changes.
    binding.mtu = Some(1400);
    binding.l2mtu = Some(1700);
    wd.write_main_tf(&main_tf(&sim, scheme, &binding.hcl("test")));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    assert_eq!(port_values(&sim, "ether1"), values("false", "1400", "1700"));
    wd.assert_no_changes();

    // disabled in place, and back.
    binding.disabled = Some(true);
    wd.write_main_tf(&main_tf(&sim, scheme, &binding.hcl("test")));
    wd.show_json_plan().assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    assert_eq!(port_values(&sim, "ether1").0, "true");
    binding.disabled = Some(false);
    wd.write_main_tf(&main_tf(&sim, scheme, &binding.hcl("test")));
    wd.apply();
    assert_eq!(port_values(&sim, "ether1").0, "false");

    // Out-of-band change of a managed value: both plans report it.
    set_port(&sim, "ether1", json!({"l2mtu": "1650"}));
    wd.refresh_only_plan()
        .assert_code(2)
        .assert_stdout_mentions(&["l2mtu"]);
    wd.plan_to_file()
        .assert_code(2)
        .assert_stdout_mentions(&["~ l2mtu = 1650 -> 1700"]);
    wd.apply_saved_plan();
    assert_eq!(port_values(&sim, "ether1"), values("false", "1400", "1700"));

    // A port cannot be deleted, and RouterOS says so.
    let id = port_row(&sim, "ether1")[".id"].clone();
    let (status, _) = rest(&sim, Method::DELETE, &format!("{ETHERNET}/{id}"), None);
    assert!(status >= 400, "RouterOS removed an Ethernet port");

    // Another port replaces the binding: ether1 gets back what it had
    // before the binding changed it (mtu as it was when it became managed).
    binding.ethernet = "ether2".into();
    binding.macsec_interface = "macsec2".into();
    wd.write_main_tf(&main_tf(&sim, scheme, &binding.hcl("test")));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["delete", "create"]);
    wd.apply_saved_plan();
    assert_eq!(port_values(&sim, "ether1"), values("true", "1450", "1598"));
    assert_eq!(port_values(&sim, "ether2"), values("false", "1400", "1700"));

    // Import by port name into an empty state: the plan is then clean.
    let imported = tf.workdir(&main_tf(&sim, scheme, &binding.hcl("test")));
    imported.import(ADDR, "ether2");
    let state = imported.resource_values(ADDR);
    assert_eq!(state["macsec_interface"], json!("macsec2"), "{state:#}");
    assert_eq!(state["ethernet"], json!("ether2"), "{state:#}");
    imported.assert_no_changes();
    drop(imported);

    // Nothing changed since: a refresh-only plan is clean.
    wd.refresh_only_plan().assert_code(0);

    // Destroy gives ether2 back as it was; the MACsec interfaces stay.
    wd.destroy();
    assert_eq!(port_values(&sim, "ether2"), ether2_before);
    assert_eq!(port_values(&sim, "ether1"), values("true", "1450", "1598"));
    assert_eq!(sim.records(MACSEC).len(), 2);
    assert_provider_reached(&sim, scheme);
}

#[test]
fn lifecycle_on_the_emulator() {
    for_rotating_scheme(lifecycle);
}

/// A binding created in the same apply as its MACsec interface (checked at
/// apply), then destroyed together with it: the port is given back.
#[test]
fn binding_and_macsec_interface_together() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        let before = port_values(&sim, "ether3");
        let body = "resource \"routeros_macsec_interface\" \"m\" {\n  name = \"macsec3\"\n  interface = \"ether3\"\n  mtu = 1500\n}\n\
resource \"routeros_ethernet_binding\" \"test\" {\n  ethernet = routeros_macsec_interface.m.interface\n  macsec_interface = routeros_macsec_interface.m.name\n  l2mtu = 1600\n}\n";
        let wd = tf.workdir(&main_tf(&sim, scheme, body));
        wd.apply();
        assert_eq!(port_values(&sim, "ether3"), values("false", "1500", "1600"));
        wd.assert_no_changes();
        wd.destroy();
        assert_eq!(port_values(&sim, "ether3"), before);
        assert!(sim.records(MACSEC).is_empty());
    });
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

#[test]
fn a_port_that_is_not_ethernet_or_does_not_exist_fails_at_plan() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        add_macsec(&sim, json!({"name": "macsec1", "interface": "ether1"}));
        let before = sim.records(ETHERNET);

        let wd = tf.workdir(&main_tf(
            &sim,
            scheme,
            &Binding::new("macsec1", "macsec1").hcl("test"),
        ));
        let out = wd.plan_exitcode();
        out.assert_failure().assert_single_error();
        out.assert_stderr_mentions(&[
            "Not an Ethernet port",
            "\"macsec\"",
            "ethernet = \"macsec1\"",
        ]);

        wd.write_main_tf(&main_tf(
            &sim,
            scheme,
            &Binding::new("ether99", "macsec1").hcl("test"),
        ));
        let out = wd.try_apply();
        out.assert_failure().assert_single_error();
        out.assert_stderr_mentions(&[
            "No such Ethernet port",
            "ether99",
            "ether1, ether2",
            "ethernet = \"ether99\"",
        ]);
        assert_eq!(sim.records(ETHERNET), before, "nothing was changed");
    });
}

#[test]
fn a_binding_whose_port_and_macsec_interface_disagree_names_both() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        add_macsec(&sim, json!({"name": "macsec1", "interface": "ether1"}));
        let before = sim.records(ETHERNET);

        // Known at plan: the MACsec interface exists.
        let wd = tf.workdir(&main_tf(
            &sim,
            scheme,
            &Binding::new("ether2", "macsec1").hcl("test"),
        ));
        let out = wd.plan_exitcode();
        out.assert_failure().assert_single_error();
        out.assert_stderr_mentions(&[
            "\"ether2\"",
            "\"macsec1\"",
            "rides on \"ether1\"",
            "macsec_interface = \"macsec1\"",
        ]);

        // Known only at apply: the MACsec interface is created in the same run.
        let body = "resource \"routeros_macsec_interface\" \"m\" {\n  name = \"macsec4\"\n  interface = \"ether4\"\n}\n\
resource \"routeros_ethernet_binding\" \"test\" {\n  ethernet = \"ether5\"\n  macsec_interface = routeros_macsec_interface.m.name\n}\n";
        wd.write_main_tf(&main_tf(&sim, scheme, body));
        wd.plan_exitcode().assert_code(2);
        let out = wd.try_apply();
        out.assert_failure().assert_single_error();
        out.assert_stderr_mentions(&["\"ether5\"", "\"macsec4\"", "rides on \"ether4\""]);
        assert_eq!(
            port_row(&sim, "ether5"),
            before
                .iter()
                .find(|r| r["name"] == "ether5")
                .cloned()
                .unwrap(),
            "the port was not touched"
        );
    });
}

#[test]
fn frames_that_do_not_fit_warn_at_plan() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        add_macsec(&sim, json!({"name": "macsec1", "interface": "ether1"}));

        // 1468 + 32 = 1500 bytes do not fit in an l2mtu of 1400.
        let mut binding = Binding::new("ether1", "macsec1");
        binding.l2mtu = Some(1400);
        let wd = tf.workdir(&main_tf(&sim, scheme, &binding.hcl("test")));
        let out = wd.plan_exitcode();
        out.assert_code(2);
        assert_mentions(
            &out,
            &[
                "Warning: MACsec frames will not fit",
                "mtu 1468",
                "at least 1500",
                "will be 1400",
            ],
        );

        // The port's current l2mtu counts when the binding leaves it out.
        set_port(&sim, "ether1", json!({"l2mtu": "1480"}));
        wd.write_main_tf(&main_tf(
            &sim,
            scheme,
            &Binding::new("ether1", "macsec1").hcl("test"),
        ));
        let out = wd.run(&["plan", "-input=false", "-no-color"]);
        out.assert_success();
        assert_mentions(&out, &["MACsec frames will not fit", "is 1480"]);

        // Enough room: no warning.
        binding.l2mtu = Some(1600);
        wd.write_main_tf(&main_tf(&sim, scheme, &binding.hcl("test")));
        let out = wd.plan_exitcode();
        out.assert_code(2);
        assert!(
            !all_text(&out).contains("will not fit"),
            "unexpected warning:\n{out}"
        );
    });
}

#[test]
fn import_of_a_port_without_macsec_explains() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        add_macsec(&sim, json!({"name": "macsec2", "interface": "ether2"}));
        let wd = tf.workdir(&main_tf(
            &sim,
            scheme,
            &Binding::new("ether1", "macsec1").hcl("test"),
        ));
        let out = wd.try_import(ADDR, "ether1");
        out.assert_failure();
        out.assert_stderr_mentions(&[
            "No MACsec interface rides on \"ether1\"",
            "macsec2 (on ether2)",
        ]);
    });
}

// ---------------------------------------------------------------------------
// Data sources
// ---------------------------------------------------------------------------

#[test]
fn macsec_interfaces_lists_and_filters_without_the_key() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        add_macsec(&sim, json!({"name": "macsec1", "interface": "ether1"}));
        add_macsec(
            &sim,
            json!({"name": "macsec2", "interface": "ether2", "comment": "lab", "mtu": "1400", "disabled": "yes"}),
        );
        let body = "data \"routeros_macsec_interfaces\" \"all\" {}\n\
data \"routeros_macsec_interfaces\" \"on2\" {\n  interface = \"ether2\"\n}\n\
output \"all\" {\n  value = data.routeros_macsec_interfaces.all.interfaces\n}\n\
output \"on2\" {\n  value = data.routeros_macsec_interfaces.on2.interfaces\n}\n";
        let wd = tf.workdir(&main_tf(&sim, scheme, body));
        let out = wd.apply();
        let outs = outputs(&wd);
        let all = outs["all"].as_array().expect("a list");
        let names: Vec<&str> = all.iter().filter_map(|i| i["name"].as_str()).collect();
        assert_eq!(names, ["macsec1", "macsec2"], "{outs:#}");
        let on2 = outs["on2"].as_array().expect("a list");
        assert_eq!(on2.len(), 1, "{outs:#}");
        let rows = sim.records(MACSEC);
        let row2 = rows.iter().find(|r| r["name"] == "macsec2").unwrap();
        assert_eq!(on2[0]["id"], json!(row2[".id"]));
        assert_eq!(on2[0]["interface"], json!("ether2"));
        assert_eq!(on2[0]["comment"], json!("lab"));
        assert_eq!(on2[0]["mtu"].as_f64(), Some(1400.0));
        assert_eq!(on2[0]["disabled"], json!(true));
        assert_eq!(on2[0]["status"], json!(row2["status"]));
        assert_eq!(all[0]["profile"], json!("default"));
        assert_eq!(all[0]["comment"], Value::Null);
        assert_eq!(
            all[0]["running"],
            json!(false),
            "nothing at the other end of the cable"
        );

        // The CAK is never read into state or printed.
        let state = wd.run(&["show", "-json", "-no-color"]);
        for row in &rows {
            let cak = row.get("cak").expect("the admin sees the CAK");
            state.assert_never_shows(cak);
            out.assert_never_shows(cak);
        }

        // A filter naming no interface is an error.
        let body = "data \"routeros_macsec_interfaces\" \"x\" {\n  interface = \"ether42\"\n}\n";
        wd.write_main_tf(&main_tf(&sim, scheme, body));
        let out = wd.plan_exitcode();
        out.assert_failure().assert_single_error();
        out.assert_stderr_mentions(&["No such port", "ether42"]);
    });
}

#[test]
fn system_resource_reports_version_and_features() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        let body = "data \"routeros_system_resource\" \"r\" {}\n\
output \"r\" {\n  value = data.routeros_system_resource.r\n}\n";
        let wd = tf.workdir(&main_tf(&sim, scheme, body));
        wd.apply();
        let r = &outputs(&wd)["r"];
        let row = sim.records("/system/resource").remove(0);
        assert_eq!(r["version"], json!(row["version"]), "{r:#}");
        assert!(r["version"].as_str().unwrap().starts_with("7.18"), "{r:#}");
        assert_eq!(r["board_name"], json!("CHR"));
        assert_eq!(r["architecture_name"], json!(row["architecture-name"]));
        assert_eq!(
            r["total_memory"].as_f64(),
            row["total-memory"].parse::<f64>().ok()
        );
        assert!(r["uptime"].as_str().is_some_and(|u| !u.is_empty()), "{r:#}");
        assert_eq!(r["macsec_supported"], json!(true));
        assert_eq!(r["ciphers_supported"], json!(false));

        sim.set_version("7.23.2");
        wd.apply();
        let r = &outputs(&wd)["r"];
        assert!(
            r["version"].as_str().unwrap().starts_with("7.23.2"),
            "{r:#}"
        );
        assert_eq!(r["ciphers_supported"], json!(true));
    });
}
