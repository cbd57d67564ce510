//! Acceptance scenarios for `routeros_macsec_profile`: the real Terraform
//! CLI drives the freshly built provider against
//! routeros-sim emulating RouterOS 7.23 (profiles with `ciphers`) and 7.18
//! (without).
//!
//! Each scenario runs once, with the newest Terraform over the scheme the
//! rotation gives it (`for_rotating_scheme`; `suites::every_transport`
//! runs the profile over all four), each with its own emulator; changes
//! made by hand go over REST.

use std::collections::BTreeMap;

use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, Workdir, for_rotating_scheme, hcl_string,
};
use acceptance::harness::{assert_provider_reached, patch_named, rest, row_named};
use acceptance::sim::{Sim, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

const MENU: &str = "/interface/macsec/profile";
const ADDR: &str = "routeros_macsec_profile.test";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn start_sim(version: &str) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

fn provider(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    ProviderBlock::for_sim(sim, scheme)
}

/// One `routeros_macsec_profile` block.
#[derive(Debug, Clone)]
struct Profile {
    name: String,
    server_priority: Option<i64>,
    ciphers: Option<Vec<&'static str>>,
}

impl Profile {
    fn new(name: &str) -> Profile {
        Profile {
            name: name.into(),
            server_priority: None,
            ciphers: None,
        }
    }

    fn hcl(&self, label: &str) -> String {
        let mut out = format!(
            "resource \"routeros_macsec_profile\" \"{label}\" {{\n  name = {}\n",
            hcl_string(&self.name)
        );
        if let Some(sp) = self.server_priority {
            out.push_str(&format!("  server_priority = {sp}\n"));
        }
        if let Some(ciphers) = &self.ciphers {
            let list: Vec<String> = ciphers.iter().map(|c| hcl_string(c)).collect();
            out.push_str(&format!("  ciphers = [{}]\n", list.join(", ")));
        }
        out.push_str("}\n");
        out
    }
}

fn main_tf(sim: &Sim, scheme: Scheme, profile: &Profile) -> String {
    provider(sim, scheme).main_tf(&profile.hcl("test"))
}

fn rows(sim: &Sim) -> Vec<BTreeMap<String, String>> {
    sim.records(MENU)
}

/// The profile row named `name`, if any.
fn find(sim: &Sim, name: &str) -> Option<BTreeMap<String, String>> {
    rows(sim)
        .into_iter()
        .find(|r| r.get("name").map(String::as_str) == Some(name))
}

/// Only the built-in profile is left.
#[track_caller]
fn assert_only_builtin(sim: &Sim) {
    let names: Vec<String> = rows(sim).into_iter().map(|r| r["name"].clone()).collect();
    assert_eq!(names, ["default"], "{:#?}", rows(sim));
}

/// The `ciphers` of a state as a sorted list.
fn state_ciphers(state: &Value) -> Value {
    let mut list: Vec<String> = state["ciphers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    list.sort();
    if state["ciphers"].is_null() {
        Value::Null
    } else {
        json!(list)
    }
}

// ---------------------------------------------------------------------------
// Lifecycle on 7.23
// ---------------------------------------------------------------------------

fn lifecycle(tf: &Terraform, sim: &Sim, scheme: Scheme) {
    // Create.
    let mut profile = Profile {
        server_priority: Some(5),
        ciphers: Some(vec!["aes-gcm-xpn-128", "aes-gcm-128"]),
        ..Profile::new("uplink")
    };
    let wd = tf.workdir(&main_tf(sim, scheme, &profile));
    wd.apply();
    let created = row_named(sim, MENU, "uplink");
    assert_eq!(created["server-priority"], "5");
    assert_eq!(created["ciphers"], "aes-gcm-128,aes-gcm-xpn-128");
    assert_eq!(created["default"], "false");
    let id = created[".id"].clone();
    let state = wd.resource_values(ADDR);
    assert_eq!(state["id"], json!(id));
    assert_eq!(
        state_ciphers(&state),
        json!(["aes-gcm-128", "aes-gcm-xpn-128"])
    );
    wd.assert_no_changes();

    // In place: priority and ciphers.
    profile.server_priority = Some(7);
    profile.ciphers = Some(vec!["aes-gcm-xpn-128"]);
    wd.write_main_tf(&main_tf(sim, scheme, &profile));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    let updated = row_named(sim, MENU, "uplink");
    assert_eq!(
        (updated[".id"].as_str(), updated["server-priority"].as_str()),
        (id.as_str(), "7")
    );
    assert_eq!(updated["ciphers"], "aes-gcm-xpn-128");
    wd.assert_no_changes();

    // Left out, ciphers and server_priority go back to RouterOS's defaults.
    profile.ciphers = None;
    profile.server_priority = None;
    wd.write_main_tf(&main_tf(sim, scheme, &profile));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    let defaults = row_named(sim, MENU, "uplink");
    assert_eq!(
        (
            defaults["ciphers"].as_str(),
            defaults["server-priority"].as_str()
        ),
        ("aes-gcm-128", "10")
    );
    wd.assert_no_changes();

    // A cipher changed by hand is drift even though ciphers is not configured.
    patch_named(sim, MENU, "uplink", json!({"ciphers": "aes-gcm-xpn-128"}));
    wd.refresh_only_plan()
        .assert_code(2)
        .assert_stdout_mentions(&["ciphers"]);
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    assert_eq!(row_named(sim, MENU, "uplink")["ciphers"], "aes-gcm-128");

    // So is a priority changed by hand.
    patch_named(sim, MENU, "uplink", json!({"server-priority": "1"}));
    wd.plan_to_file()
        .assert_code(2)
        .assert_stdout_mentions(&["server_priority = 1 -> 10"]);
    wd.apply_saved_plan();
    assert_eq!(row_named(sim, MENU, "uplink")["server-priority"], "10");

    // Replace: a new name is a new profile.
    profile.name = "uplink2".into();
    wd.write_main_tf(&main_tf(sim, scheme, &profile));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["delete", "create"]);
    wd.apply_saved_plan();
    assert!(find(sim, "uplink").is_none());
    let id = row_named(sim, MENU, "uplink2")[".id"].clone();

    // Out-of-band delete: planned for creation again.
    let (status, body) = rest(sim, Method::DELETE, &format!("{MENU}/{id}"), None);
    assert!(status < 300, "DELETE: {status} {body}");
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["create"]);
    wd.apply_saved_plan();
    let id = row_named(sim, MENU, "uplink2")[".id"].clone();

    // Import by name and by id: clean plans.
    for import_id in ["uplink2", id.as_str()] {
        let imported = tf.workdir(&main_tf(sim, scheme, &profile));
        imported.import(ADDR, import_id);
        assert_eq!(
            imported.resource_values(ADDR)["id"],
            json!(id),
            "imported by {import_id}"
        );
        imported.assert_no_changes();
    }

    // Destroy.
    wd.refresh_only_plan().assert_code(0);
    wd.destroy();
    assert_only_builtin(sim);
    assert_provider_reached(sim, scheme);
}

#[test]
fn lifecycle_on_7_23() {
    for_rotating_scheme(|tf, scheme| lifecycle(tf, &start_sim("7.23"), scheme));
}

// ---------------------------------------------------------------------------
// The built-in profile
// ---------------------------------------------------------------------------

fn builtin(tf: &Terraform, sim: &Sim, scheme: Scheme, ciphers: bool) {
    let mut profile = Profile {
        server_priority: Some(20),
        ..Profile::new("default")
    };
    if ciphers {
        profile.ciphers = Some(vec!["aes-gcm-xpn-128"]);
    }
    // Created without import: the built-in profile is adopted.
    let wd = tf.workdir(&main_tf(sim, scheme, &profile));
    wd.apply();
    let adopted = row_named(sim, MENU, "default");
    assert_eq!(
        (adopted[".id"].as_str(), adopted["server-priority"].as_str()),
        ("*1", "20")
    );
    assert_only_builtin(sim);
    wd.assert_no_changes();

    // Imported by name: a clean plan.
    let imported = tf.workdir(&main_tf(sim, scheme, &profile));
    imported.import(ADDR, "default");
    imported.assert_no_changes();

    // Destroy resets it to RouterOS's defaults instead of failing.
    wd.destroy();
    assert_only_builtin(sim);
    let reset = row_named(sim, MENU, "default");
    assert_eq!(reset["server-priority"], "10");
    if ciphers {
        assert_eq!(reset["ciphers"], "aes-gcm-128");
    } else {
        assert!(!reset.contains_key("ciphers"), "{reset:?}");
    }
}

#[test]
fn builtin_profile_is_adopted_and_reset() {
    for_rotating_scheme(|tf, scheme| {
        builtin(tf, &start_sim("7.23"), scheme, true);
        builtin(tf, &start_sim("7.18"), scheme, false);
    });
}

// ---------------------------------------------------------------------------
// Older routers and bad input
// ---------------------------------------------------------------------------

#[test]
fn ciphers_on_a_router_older_than_7_23_is_a_plan_error() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim("7.18");
        let profile = Profile {
            ciphers: Some(vec!["aes-gcm-128"]),
            ..Profile::new("uplink")
        };
        let wd = tf.workdir(&main_tf(&sim, scheme, &profile));
        wd.plan_exitcode()
            .assert_failure()
            .assert_single_error()
            .assert_stderr_mentions(&["ciphers needs RouterOS 7.23", "7.18", "ciphers = ["]);
        assert_only_builtin(&sim);

        // Without ciphers the profile works, and its ciphers stay null.
        wd.write_main_tf(&main_tf(&sim, scheme, &Profile::new("uplink")));
        wd.apply();
        assert_eq!(row_named(&sim, MENU, "uplink")["server-priority"], "10");
        assert_eq!(wd.resource_values(ADDR)["ciphers"], Value::Null);
        wd.assert_no_changes();
    });
}

#[track_caller]
fn assert_invalid(wd: &Workdir, sim: &Sim, phrases: &[&str]) {
    wd.plan_exitcode()
        .assert_failure()
        .assert_single_error()
        .assert_stderr_mentions(phrases);
    assert_only_builtin(sim);
}

#[test]
fn bad_priority_and_ciphers_fail_at_plan_time() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim("7.23");
        let wd = tf.workdir(&main_tf(
            &sim,
            scheme,
            &Profile {
                server_priority: Some(256),
                ..Profile::new("p")
            },
        ));
        assert_invalid(
            &wd,
            &sim,
            &[
                "server_priority out of range",
                "0..255",
                "server_priority = 256",
            ],
        );
        let cases: [(Vec<&'static str>, &[&str]); 3] = [
            (
                vec!["gcm-aes-256"],
                &["Invalid MACsec cipher suite", "no 256-bit"],
            ),
            (
                vec!["gcm-aes-128"],
                &["Invalid MACsec cipher suite", "aes-gcm-..."],
            ),
            (vec![], &["at least one cipher suite"]),
        ];
        for (ciphers, phrases) in cases {
            wd.write_main_tf(&main_tf(
                &sim,
                scheme,
                &Profile {
                    ciphers: Some(ciphers),
                    ..Profile::new("p")
                },
            ));
            assert_invalid(&wd, &sim, phrases);
        }
    });
}

#[test]
fn a_profile_in_use_is_released_before_it_is_removed() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim("7.23");
        let interface = |profile: &str| {
            format!(
                "resource \"routeros_macsec_interface\" \"uplink\" {{\n  name = \"macsec1\"\n  interface = \"ether1\"\n  profile = {profile}\n}}\n"
            )
        };
        // create_before_destroy makes Terraform update the interface before
        // it removes the profile (by default it removes first, which
        // RouterOS refuses for a profile in use).
        let profile = Profile {
            server_priority: Some(3),
            ..Profile::new("uplink")
        };
        let body = profile.hcl("test").replace(
            "\n}\n",
            "\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n",
        ) + &interface("routeros_macsec_profile.test.name");
        let wd = tf.workdir(&provider(&sim, scheme).main_tf(&body));
        wd.apply();
        assert_eq!(sim.records("/interface/macsec")[0]["profile"], "uplink");

        // The interface goes back to the built-in profile and the profile
        // goes away, in one apply.
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&interface("\"default\"")));
        wd.apply();
        assert_eq!(sim.records("/interface/macsec")[0]["profile"], "default");
        assert_only_builtin(&sim);

        // Removing a profile still in use names the cause and the remedy.
        let (status, _) = rest(
            &sim,
            Method::PUT,
            MENU,
            Some(json!({"name": "held", "ciphers": "aes-gcm-128"})),
        );
        assert_eq!(status, 200);
        let id = sim.records("/interface/macsec")[0][".id"].clone();
        let (status, _) = rest(
            &sim,
            Method::PATCH,
            &format!("/interface/macsec/{id}"),
            Some(json!({"profile": "held"})),
        );
        assert_eq!(status, 200);
        let held = tf.workdir(&provider(&sim, scheme).main_tf(&Profile::new("held").hcl("test")));
        held.import(ADDR, "held");
        held.write_main_tf(&provider(&sim, scheme).main_tf(""));
        held.try_apply()
            .assert_failure()
            .assert_single_error()
            .assert_stderr_mentions(&["used by", "point those macsec interfaces"]);
        assert!(find(&sim, "held").is_some());
    });
}
