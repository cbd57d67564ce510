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
