//! Lost replies converge, over REST and the classic API: a create whose
//! reply is lost (connection closed) or later than the timeout leaves the
//! row on the router; the provider looks it up by name, even though the
//! timeout opened its circuit breaker, and adopts it. No duplicate, no
//! orphan, and the next plan is clean.

use acceptance::harness::{ProviderBlock, Scheme, Terraform};
use acceptance::sim::{ApiFault, RestFault, Sim, SimConfig};

const MENU: &str = "/interface/macsec";

const BODY: &str = r#"
resource "routeros_macsec_interface" "x" {
  name      = "macsec1"
  interface = "ether1"
  mtu       = 1400
}
"#;

/// How the fault is staged on the emulator.
enum Fault {
    Rest(RestFault),
    Api(ApiFault),
}

/// Applies [`BODY`] over `scheme` with `fault` staged, then asserts the
/// router holds one `macsec1`, state has its id, and a plan is clean.
fn converges(scheme: Scheme, fault: Fault) {
    let tf = Terraform::newest();
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let mut provider = ProviderBlock::for_sim(&sim, scheme);
    provider.timeout = Some(2);
    let wd = tf.workdir(&provider.main_tf(BODY));
    match fault {
        Fault::Rest(f) => sim.inject_rest_fault(f),
        Fault::Api(f) => sim.inject_api_fault(f),
    }
    let out = wd.try_apply();
    assert_eq!(
        sim.pending_rest_faults() + sim.pending_api_faults(),
        0,
        "the fault fired"
    );
    out.assert_success();
    let rows: Vec<_> = sim
        .records(MENU)
        .into_iter()
        .filter(|r| r.get("name").map(String::as_str) == Some("macsec1"))
        .collect();
    assert_eq!(rows.len(), 1, "no duplicate: {rows:?}");
    let state = wd.resource_values("routeros_macsec_interface.x");
    assert_eq!(state["id"], rows[0][".id"].as_str(), "adopted into state");
    wd.assert_no_changes();
}

/// Regression: the reply to `PUT /rest/interface/macsec` came later than
/// the timeout; the timeout opened the circuit breaker, which then refused
/// the look-up by name, so the interface was left on the router outside
/// state and every later apply failed with "already have interface with
/// such name".
#[test]
fn a_rest_create_whose_reply_comes_after_the_timeout_is_adopted() {
    converges(
        Scheme::Http,
        Fault::Rest(RestFault::HoldReply("PUT /rest/interface/macsec".into())),
    );
}

/// The reply to the `PUT` is lost (connection closed after the write).
#[test]
fn a_rest_create_whose_reply_is_dropped_is_adopted() {
    converges(
        Scheme::Https,
        Fault::Rest(RestFault::DropReply("PUT /rest/interface/macsec".into())),
    );
}

/// Regression: over the classic API, a connection dropped after `add`
/// recovered, but an `add` whose reply never came (timeout) did not.
#[test]
fn an_api_create_whose_reply_comes_after_the_timeout_is_adopted() {
    converges(
        Scheme::Api,
        Fault::Api(ApiFault::HoldReply("/interface/macsec/add".into())),
    );
}

/// The connection drops part-way through the reply to `add`.
#[test]
fn an_api_create_whose_reply_is_cut_is_adopted() {
    converges(
        Scheme::Apis,
        Fault::Api(ApiFault::DropMidReply("/interface/macsec/add".into())),
    );
}

/// Regression: a create whose reply was late and whose look-up could not
/// run either (the router stopped answering) left the interface on the
/// router outside state, and every later apply failed with "already have
/// interface with such name". Now the next apply reports it at plan time
/// and, as it holds what is configured, adopts it.
#[test]
fn when_the_look_up_cannot_run_the_next_apply_adopts_the_row() {
    let tf = Terraform::newest();
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let mut provider = ProviderBlock::for_sim(&sim, Scheme::Http);
    provider.timeout = Some(2);
    let wd = tf.workdir(&provider.main_tf(BODY));
    // The plan walk and the apply walk each list the menu once (plan-time
    // check, ignored when it fails); then the add's reply is held and the
    // look-up after it hangs.
    let get = "GET /rest/interface/macsec";
    sim.inject_rest_fault(RestFault::DropReply(get.into()));
    sim.inject_rest_fault(RestFault::DropReply(get.into()));
    sim.inject_rest_fault(RestFault::HoldReply("PUT /rest/interface/macsec".into()));
    sim.inject_rest_fault(RestFault::Hang(get.into()));
    let out = wd.try_apply();
    assert_eq!(sim.pending_rest_faults(), 0, "{:#?}", sim.request_log());
    out.assert_failure();
    out.assert_stderr_mentions(&["whether it was created is unknown"]);
    assert_eq!(sim.records(MENU).len(), 1, "the add went through");

    let out = wd.apply();
    out.assert_stdout_mentions(&["is already on the router, as configured"]);
    let rows = sim.records(MENU);
    assert_eq!(rows.len(), 1, "no duplicate: {rows:?}");
    let state = wd.resource_values("routeros_macsec_interface.x");
    assert_eq!(state["id"], rows[0][".id"].as_str());
    wd.assert_no_changes();
}

/// Regression: an interface already on the router under the planned name
/// (but not as configured) was only found at apply ("already have
/// interface with such name"). Now plan fails at `name` with the import
/// block to paste; pasted, the plan imports it. A replacement of the
/// resource (same name, destroy then create) is not flagged.
#[test]
fn a_planned_name_the_router_already_has_is_a_plan_error_with_the_import_block() {
    let tf = Terraform::newest();
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let provider = ProviderBlock::for_sim(&sim, Scheme::Http);
    let wd = tf.workdir(&provider.main_tf(&BODY.replace("1400", "1300")));
    wd.apply();
    wd.run(&["state", "rm", "routeros_macsec_interface.x"])
        .assert_success();
    wd.write_main_tf(&provider.main_tf(BODY));
    let puts = || {
        sim.request_log()
            .iter()
            .filter(|l| l.starts_with("PUT "))
            .count()
    };
    let before = puts();
    let out = wd.plan_exitcode();
    out.assert_failure();
    out.assert_stderr_mentions(&[
        "MACsec interface \"macsec1\" is already on the router",
        "to = routeros_macsec_interface.NAME",
        "id = \"macsec1\"",
    ]);
    assert_eq!(puts(), before, "nothing added");

    let import = "import {\n  to = routeros_macsec_interface.x\n  id = \"macsec1\"\n}\n";
    wd.write_main_tf(&format!("{}{import}", provider.main_tf(BODY)));
    wd.apply();
    assert_eq!(sim.records(MENU).len(), 1);
    assert_eq!(sim.records(MENU)[0]["mtu"], "1400");

    // Destroy-then-create under the same name is this resource's own row.
    let out = wd.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-replace=routeros_macsec_interface.x",
    ]);
    out.assert_success();
    assert_eq!(sim.records(MENU).len(), 1);
    wd.assert_no_changes();
}
