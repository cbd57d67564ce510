//! How the classic API transport (`api://`, `apis://`) fails, seen through the
//! real Terraform CLI: a refused connection, TLS spoken to the plain API port, a
//! wrong password, a `!fatal` in the middle of a session and a connection that
//! drops in the middle of a reply. Each ends in exactly one diagnostic that
//! names the cause and what to do, and never leaves a change on the router that
//! the Terraform state does not record (after the refresh every plan does).
//!
//! How the provider talks to the router does not depend on the Terraform
//! driving it, so these run with the newest Terraform the harness finds.
//!
//! The mid-session failures are staged in routeros-sim with
//! [`Sim::inject_api_fault`]: each fault fires once, on the next API command
//! with a given prefix.

use acceptance::harness::{
    Output, ProviderBlock, Scheme, Terraform, Workdir, hcl_string, state_resource,
};
use acceptance::harness::{closed_port, start_sim};
use acceptance::sim::{ApiFault, FAULT_FATAL_REASON, Sim, SimConfig};
use serde_json::json;

const MENU: &str = "/interface/macsec";
const ADDR: &str = "routeros_macsec_interface.test";

/// Runs `scenario` with the newest Terraform.
fn with_newest_terraform(scenario: impl FnOnce(&Terraform)) {
    scenario(&Terraform::newest());
}

/// `routeros_macsec_interface.test` named `name` on `interface`, with `mtu`
/// when given.
fn macsec(name: &str, interface: &str, mtu: Option<u32>) -> String {
    let mut out = format!(
        "resource \"routeros_macsec_interface\" \"test\" {{\n  name = {}\n  interface = {}\n",
        hcl_string(name),
        hcl_string(interface)
    );
    if let Some(mtu) = mtu {
        out.push_str(&format!("  mtu = {mtu}\n"));
    }
    out.push_str("}\n");
    out
}

/// The `host:port` of an emulator URL.
fn host_port(url: &str) -> &str {
    url.split_once("://").map(|(_, rest)| rest).unwrap_or(url)
}

#[track_caller]
fn assert_one_error(out: &Output) {
    out.assert_failure().assert_single_error();
}

#[track_caller]
fn assert_router_empty(sim: &Sim) {
    let rows = sim.records(MENU);
    assert!(rows.is_empty(), "expected no {MENU} rows, found {rows:#?}");
}

/// The addresses of the resources in the state of `wd`.
fn state_addresses(wd: &Workdir) -> Vec<String> {
    let state = wd.state_json();
    state
        .pointer("/values/root_module/resources")
        .and_then(|r| r.as_array())
        .map(|resources| {
            resources
                .iter()
                .filter_map(|r| r.get("address")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// How many API sentences of the request log start with `prefix`.
fn api_count(sim: &Sim, prefix: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|l| l.starts_with(&format!("API {prefix}")))
        .count()
}

// ---------------------------------------------------------------------------
// Before the session
// ---------------------------------------------------------------------------

#[test]
fn a_refused_connection_names_the_address_and_the_api_service() {
    with_newest_terraform(|tf| {
        let port = closed_port();
        for scheme in ["api", "apis"] {
            let mut provider =
                ProviderBlock::new(&format!("{scheme}://127.0.0.1:{port}"), "admin", "x");
            provider.timeout = Some(5);
            let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
            let out = wd.try_apply();
            assert_one_error(&out);
            out.assert_stderr_mentions(&[&format!("127.0.0.1:{port}"), "refused", "/ip/service"]);
            assert!(state_addresses(&wd).is_empty());
        }
    });
}

#[test]
fn tls_spoken_to_the_plain_api_port_says_to_use_api() {
    with_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let plain = host_port(&Scheme::Api.url(&sim)).to_string();
        let mut provider = ProviderBlock::for_sim(&sim, Scheme::Apis);
        provider.url = Some(format!("apis://{plain}"));
        provider.timeout = Some(5);
        let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[&plain, "TLS", "api://", "8729"]);
        assert_router_empty(&sim);
        // The handshake failed before any login: no sentence but the
        // scheme probe's `/quit` (no credentials) reached the API, and
        // nothing logged in. Whether the emulator has logged the probe's
        // `/quit` by the time Terraform exits is a race, so it may be there
        // or not; every other sentence must be absent.
        let log = sim.request_log();
        let others: Vec<_> = log
            .iter()
            .filter(|l| l.starts_with("API /") && l.as_str() != "API /quit")
            .collect();
        assert!(others.is_empty(), "{log:#?}");
        assert!(api_count(&sim, "/quit") <= 1, "{log:#?}");
    });
}

#[test]
fn a_wrong_password_over_the_api_is_one_diagnostic_without_the_password() {
    const WRONG: &str = "not-the-Passw0rd-api-9c1e";
    with_newest_terraform(|tf| {
        for legacy_login in [false, true] {
            let sim = start_sim(SimConfig {
                legacy_login,
                ..SimConfig::default()
            });
            for scheme in [Scheme::Api, Scheme::Apis] {
                let mut provider = ProviderBlock::for_sim(&sim, scheme);
                provider.password = Some(WRONG.into());
                let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
                let out = wd.try_apply();
                assert_one_error(&out);
                out.assert_stderr_mentions(&["username", "password"])
                    .assert_stderr_mentions_any(&["refused", "rejected", "invalid"])
                    .assert_never_shows(WRONG);
                assert!(state_addresses(&wd).is_empty());
            }
            assert_router_empty(&sim);
            assert_eq!(
                api_count(&sim, "/interface/"),
                0,
                "nothing ran after the failed login"
            );
            assert!(
                sim.request_log().iter().all(|l| !l.contains(WRONG)),
                "the password reached the request log"
            );
        }
    });
}

// ---------------------------------------------------------------------------
// In the middle of a session
// ---------------------------------------------------------------------------

/// `!fatal` instead of the add: one diagnostic saying the router ended the
/// session and that nothing changed; nothing on the router, nothing in the
/// state; the next apply creates it.
#[test]
fn fatal_during_create_is_one_diagnostic_and_nothing_changes() {
    with_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let provider = ProviderBlock::for_sim(&sim, Scheme::Api);
        let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
        sim.inject_api_fault(ApiFault::FatalOnNext("/interface/macsec/add".into()));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[
            "!fatal",
            FAULT_FATAL_REASON,
            "/interface/macsec/add",
            "nothing changed",
            "apply again",
        ]);
        assert_eq!(sim.pending_api_faults(), 0, "the fault fired");
        assert_router_empty(&sim);
        assert!(state_addresses(&wd).is_empty());

        // As the diagnostic says: apply again.
        wd.apply();
        let rows = sim.records(MENU);
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(wd.resource_values(ADDR)["id"], json!(rows[0][".id"]));
        wd.assert_no_changes();
    });
}

/// `!fatal` instead of an update: one diagnostic; the router and the state
/// keep the old value, so the next plan still proposes the update.
#[test]
fn fatal_during_update_keeps_state_and_router_in_step() {
    with_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let provider = ProviderBlock::for_sim(&sim, Scheme::Apis);
        let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
        wd.apply();
        wd.write_main_tf(&provider.main_tf(&macsec("macsec1", "ether1", Some(1400))));
        sim.inject_api_fault(ApiFault::FatalOnNext("/interface/macsec/set".into()));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&["!fatal", FAULT_FATAL_REASON, "/interface/macsec/set"]);
        assert_eq!(sim.records(MENU)[0]["mtu"], "1468");
        assert_eq!(wd.resource_values(ADDR)["mtu"].as_f64(), Some(1468.0));
        wd.plan_exitcode()
            .assert_code(2)
            .assert_stdout_mentions(&["~ mtu = 1468 -> 1400"]);
        wd.apply();
        assert_eq!(sim.records(MENU)[0]["mtu"], "1400");
        wd.assert_no_changes();
    });
}

/// The connection drops inside the reply to the add, after the router made
/// the row: the provider finds the row on a new connection, so the apply
/// succeeds and the state records exactly what the router holds; the add
/// was sent once.
#[test]
fn a_create_whose_reply_is_cut_off_is_recorded_not_repeated() {
    with_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let provider = ProviderBlock::for_sim(&sim, Scheme::Api);
        let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
        sim.inject_api_fault(ApiFault::DropMidReply("/interface/macsec/add".into()));
        wd.apply();
        assert_eq!(sim.pending_api_faults(), 0, "the fault fired");
        let rows = sim.records(MENU);
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(api_count(&sim, "/interface/macsec/add "), 1);
        let state = wd.state_json();
        let values = state_resource(&state, ADDR).expect("the state records the interface");
        assert_eq!(values["id"], json!(rows[0][".id"]));
        assert_eq!(values["name"], json!("macsec1"));
        wd.assert_no_changes();
    });
}

/// The connection drops inside the reply to an update that the router
/// applied: one diagnostic saying the outcome is unknown and to run a plan;
/// that plan (after its refresh) finds the router as configured and is clean.
#[test]
fn an_update_whose_reply_is_cut_off_is_one_diagnostic_and_the_next_plan_is_clean() {
    with_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let provider = ProviderBlock::for_sim(&sim, Scheme::Api);
        let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
        wd.apply();
        wd.write_main_tf(&provider.main_tf(&macsec("macsec1", "ether1", Some(1400))));
        sim.inject_api_fault(ApiFault::DropMidReply("/interface/macsec/set".into()));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[
            "connection dropped",
            "/interface/macsec/set",
            "unknown",
            "terraform plan",
        ]);
        assert_eq!(sim.records(MENU)[0]["mtu"], "1400");
        assert_eq!(
            api_count(&sim, "/interface/macsec/set "),
            1,
            "not sent twice"
        );
        wd.assert_no_changes();
        // An apply with nothing to do stores what the refresh found.
        wd.apply();
        assert_eq!(wd.resource_values(ADDR)["mtu"].as_f64(), Some(1400.0));
    });
}

/// A read whose reply is cut off is read again on a new connection, once:
/// one drop goes unnoticed, a second in a row is one diagnostic.
#[test]
fn a_read_cut_off_once_is_retried_and_twice_is_one_diagnostic() {
    with_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let provider = ProviderBlock::for_sim(&sim, Scheme::Apis);
        let wd = tf.workdir(&provider.main_tf(&macsec("macsec1", "ether1", None)));
        wd.apply();

        sim.inject_api_fault(ApiFault::DropMidReply("/interface/macsec/print".into()));
        wd.assert_no_changes();
        assert_eq!(sim.pending_api_faults(), 0);

        for _ in 0..2 {
            sim.inject_api_fault(ApiFault::DropMidReply("/interface/macsec/print".into()));
        }
        let out = wd.plan_exitcode();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[
            "connection dropped",
            "/interface/macsec/print",
            "again after reconnecting once",
        ]);
        assert_eq!(sim.pending_api_faults(), 0);
        // Nothing was lost: the next plan is clean.
        wd.assert_no_changes();
        assert_eq!(state_addresses(&wd), [ADDR]);
    });
}

#[test]
fn host_port_strips_the_scheme() {
    assert_eq!(host_port("api://127.0.0.1:8728"), "127.0.0.1:8728");
    assert_eq!(host_port("127.0.0.1:1"), "127.0.0.1:1");
    let port = closed_port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
