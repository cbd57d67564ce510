//! Acceptance scenarios for `routeros_macsec_key`: the real Terraform CLI
//! drives the freshly built provider against
//! routeros-sim, as a user who may read the CAK (`sensitive` policy) and as
//! one who may not.
//!
//! Every test starts its own emulator and working directories. Each
//! scenario runs once, with the newest Terraform over the scheme the
//! rotation gives it (`for_rotating_scheme`); `suites::every_transport`
//! runs the key over all four schemes, and
//! `key_writes_are_told_apart_per_transport` checks what each one sends.
//! Assertions look at what a user sees (exit codes, diagnostics, plan JSON,
//! state) and at the keys the router holds afterwards; changes made by hand
//! go over REST.

use acceptance::harness::{
    Output, ProviderBlock, Scheme, Terraform, Workdir, for_rotating_scheme, hcl_string,
};
use acceptance::harness::{assert_provider_reached, patch_named, rest, row_named};
use acceptance::sim::{Sim, SimConfig, SimUser};
use reqwest::Method;
use serde_json::{Value, json};

const MENU: &str = "/interface/macsec";
const KEY_ADDR: &str = "routeros_macsec_key.uplink";

/// Keys used by the scenarios (test values, not secrets).
const CAK_1: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const CAK_2: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const CAK_HAND: &str = "deadbeefdeadbeefdeadbeefdeadbeef";
const CKN_1: &str = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

/// The user without the `sensitive` policy.
const READER: &str = "reader";
const READER_PASSWORD: &str = "reader-Passw0rd";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// An emulator with an extra user, `reader`, who may not read the CAK.
fn start_sim() -> Sim {
    Sim::spawn(SimConfig {
        users: vec![SimUser::new(READER, READER_PASSWORD, false)],
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// The emulator's admin (who may read the CAK) over `scheme`.
fn admin(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    ProviderBlock::for_sim(sim, scheme)
}

/// `reader` (who may not read the CAK) over `scheme`.
fn reader(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    ProviderBlock {
        username: Some(READER.into()),
        password: Some(READER_PASSWORD.into()),
        ..ProviderBlock::for_sim(sim, scheme)
    }
}

/// How many times the provider wrote a CAK to the router over `scheme`
/// (REST `PATCH` or API `set` of `/interface/macsec` carrying `cak`).
fn key_writes(sim: &Sim, scheme: Scheme) -> usize {
    sim.request_log()
        .iter()
        .filter(|l| is_key_write(l, scheme))
        .count()
}

/// Whether request-log entry `line` writes a CAK over `scheme`.
fn is_key_write(line: &str, scheme: Scheme) -> bool {
    if scheme.is_api() {
        line.starts_with("API /interface/macsec/set ")
            && line.split(' ').any(|w| w.starts_with("=cak="))
    } else {
        line.starts_with("PATCH /rest/interface/macsec/") && line.contains("\"cak\"")
    }
}

/// One key in configuration.
#[derive(Debug, Clone)]
struct Key {
    /// The MACsec interface resource it refers to (`uplink` or `spare`).
    interface: &'static str,
    cak: String,
    ckn: Option<String>,
}

impl Key {
    fn new(cak: &str) -> Key {
        Key {
            interface: "uplink",
            cak: cak.into(),
            ckn: None,
        }
    }
}

/// Two MACsec interfaces (macsec-uplink on ether1, macsec-spare on ether2)
/// and the key of one of them.
fn config(provider: &ProviderBlock, key: Option<&Key>) -> String {
    let mut body = String::from(
        "resource \"routeros_macsec_interface\" \"uplink\" {\n  name = \"macsec-uplink\"\n  interface = \"ether1\"\n}\n\
         resource \"routeros_macsec_interface\" \"spare\" {\n  name = \"macsec-spare\"\n  interface = \"ether2\"\n}\n",
    );
    if let Some(key) = key {
        body.push_str(&format!(
            "resource \"routeros_macsec_key\" \"uplink\" {{\n  interface = routeros_macsec_interface.{}.name\n  cak = {}\n",
            key.interface,
            hcl_string(&key.cak)
        ));
        if let Some(ckn) = &key.ckn {
            body.push_str(&format!("  ckn = {}\n", hcl_string(ckn)));
        }
        body.push_str("}\n");
    }
    provider.main_tf(&body)
}

fn is_cak(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Panics unless `out` shows none of the keys used here.
#[track_caller]
fn assert_no_keys_shown(out: &Output) {
    for key in [CAK_1, CAK_2, CAK_HAND] {
        out.assert_never_shows(key);
        out.assert_never_shows(&key.to_ascii_uppercase());
    }
}

// ---------------------------------------------------------------------------
// Lifecycle, as a user who may read the CAK
// ---------------------------------------------------------------------------

/// create → clean plan → in-place updates (ckn, cak, case only) → replace →
/// drift (CAK changed by hand, interface deleted) → import → destroy, with
/// the provider talking to `sim` over `scheme`.
fn lifecycle(tf: &Terraform, sim: &Sim, scheme: Scheme) {
    let provider = admin(sim, scheme);
    // Create, with the CAK in upper case: the router stores lower case and
    // the plan afterwards is clean.
    let mut key = Key::new(&CAK_1.to_ascii_uppercase());
    let wd = tf.workdir(&config(&provider, Some(&key)));
    let out = wd.apply();
    assert_no_keys_shown(&out);
    let uplink = row_named(sim, MENU, "macsec-uplink");
    assert_eq!(uplink["cak"], CAK_1);
    let generated_ckn = uplink["ckn"].clone();
    let state = wd.resource_values(KEY_ADDR);
    assert_eq!(state["id"], json!(uplink[".id"]), "{state:#}");
    assert_eq!(state["interface"], json!("macsec-uplink"));
    assert_eq!(
        state["ckn"],
        json!(generated_ckn),
        "the router's CKN is reported"
    );
    wd.assert_no_changes();

    // A change of case alone is no change.
    key.cak = CAK_1.into();
    wd.write_main_tf(&config(&provider, Some(&key)));
    wd.assert_no_changes();

    // In place: a new CKN, then a new CAK.
    key.ckn = Some(CKN_1.to_ascii_uppercase());
    wd.write_main_tf(&config(&provider, Some(&key)));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(KEY_ADDR, &["update"]);
    wd.apply_saved_plan();
    assert_eq!(row_named(sim, MENU, "macsec-uplink")["ckn"], CKN_1);
    assert_eq!(row_named(sim, MENU, "macsec-uplink")["cak"], CAK_1);
    wd.assert_no_changes();

    key.cak = CAK_2.into();
    wd.write_main_tf(&config(&provider, Some(&key)));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(KEY_ADDR, &["update"]);
    plan.output
        .assert_stdout_mentions(&["cak", "(sensitive value)"]);
    assert_no_keys_shown(&plan.output);
    wd.apply_saved_plan();
    assert_eq!(row_named(sim, MENU, "macsec-uplink")["cak"], CAK_2);

    // Replace: the key moves to the other interface; the one it leaves gets
    // a fresh random CAK, so the old key no longer works there.
    key.interface = "spare";
    wd.write_main_tf(&config(&provider, Some(&key)));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(KEY_ADDR, &["delete", "create"]);
    wd.apply_saved_plan();
    let left = row_named(sim, MENU, "macsec-uplink")["cak"].clone();
    assert!(
        is_cak(&left) && left != CAK_2,
        "the uplink kept the old key"
    );
    assert_eq!(row_named(sim, MENU, "macsec-spare")["cak"], CAK_2);
    assert_eq!(row_named(sim, MENU, "macsec-spare")["ckn"], CKN_1);
    wd.assert_no_changes();

    // Out of band: a CAK changed by hand is drift (the key is readable), and
    // the plan never prints either key.
    patch_named(sim, MENU, "macsec-spare", json!({"cak": CAK_HAND}));
    let out = wd.refresh_only_plan();
    out.assert_code(2).assert_stdout_mentions(&["cak"]);
    assert_no_keys_shown(&out);
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(KEY_ADDR, &["update"]);
    plan.output
        .assert_stdout_mentions(&["~ cak", "(sensitive value)"]);
    assert_no_keys_shown(&plan.output);
    wd.apply_saved_plan();
    assert_eq!(row_named(sim, MENU, "macsec-spare")["cak"], CAK_2);

    // A CKN changed by hand is drift too.
    patch_named(sim, MENU, "macsec-spare", json!({"ckn": "abcd"}));
    wd.plan_exitcode()
        .assert_code(2)
        .assert_stdout_mentions(&["ckn"]);
    wd.apply();
    assert_eq!(row_named(sim, MENU, "macsec-spare")["ckn"], CKN_1);

    // Out-of-band delete of the interface: interface and key are created again.
    let id = row_named(sim, MENU, "macsec-spare")[".id"].clone();
    let (status, body) = rest(sim, Method::DELETE, &format!("{MENU}/{id}"), None);
    assert!(status < 300, "DELETE: {status} {body}");
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(KEY_ADDR, &["create"]);
    plan.assert_actions("routeros_macsec_interface.spare", &["create"]);
    wd.apply_saved_plan();
    assert_eq!(row_named(sim, MENU, "macsec-spare")["cak"], CAK_2);
    wd.assert_no_changes();

    // Import into an empty state, by name and by id: the plan is clean.
    let spare_id = row_named(sim, MENU, "macsec-spare")[".id"].clone();
    for import_id in ["macsec-spare", spare_id.as_str()] {
        let imported = tf.workdir(&config(&provider, Some(&key)));
        imported.import("routeros_macsec_interface.uplink", "macsec-uplink");
        imported.import("routeros_macsec_interface.spare", "macsec-spare");
        let out = imported.import(KEY_ADDR, import_id);
        assert_no_keys_shown(&out);
        // Import cannot know which CAK input the configuration uses, so the
        // key never enters state: only its fingerprint does. The first plan
        // then fills `cak` into state, and applying it writes no key.
        let state = imported.resource_values(KEY_ADDR);
        assert_eq!(state["cak"], Value::Null, "imported by {import_id}");
        assert!(
            state["cak_fingerprint"]
                .as_str()
                .is_some_and(|f| f.len() == 64),
            "{state:#}"
        );
        assert_eq!(state["ckn"], json!(CKN_1));
        let before = key_writes(sim, scheme);
        imported.plan_exitcode().assert_code(2);
        imported.apply();
        assert_eq!(
            key_writes(sim, scheme),
            before,
            "the imported key was written again"
        );
        assert_eq!(row_named(sim, MENU, "macsec-spare")["cak"], CAK_2);
        imported.assert_no_changes();
    }

    // Destroy the key alone: the interface stays, with a random CAK.
    wd.write_main_tf(&config(&provider, None));
    let plan = wd.show_json_plan();
    plan.assert_actions(KEY_ADDR, &["delete"]);
    wd.apply_saved_plan();
    let after = row_named(sim, MENU, "macsec-spare")["cak"].clone();
    assert!(
        is_cak(&after) && after != CAK_2,
        "destroy left the key in place"
    );
    assert_eq!(
        row_named(sim, MENU, "macsec-spare")["ckn"],
        CKN_1,
        "destroy leaves the CKN"
    );

    // A key whose interface is gone is destroyed quietly (no refresh, so the
    // provider's delete runs against a missing interface).
    wd.write_main_tf(&config(&provider, Some(&key)));
    wd.apply();
    let id = row_named(sim, MENU, "macsec-spare")[".id"].clone();
    let (status, _) = rest(sim, Method::DELETE, &format!("{MENU}/{id}"), None);
    assert!(status < 300);
    wd.run(&[
        "destroy",
        "-auto-approve",
        "-refresh=false",
        "-input=false",
        "-no-color",
    ])
    .assert_success();
    assert!(sim.records(MENU).is_empty(), "{:#?}", sim.records(MENU));
    // The counter the import check relies on sees the provider's key writes
    // over the API too (over REST the changes made by hand count as well).
    if scheme.is_api() {
        assert!(
            key_writes(sim, scheme) > 0,
            "no key write over {scheme} in the request log"
        );
    }
    assert_provider_reached(sim, scheme);
}

#[test]
fn lifecycle_with_a_readable_cak() {
    for_rotating_scheme(|tf, scheme| lifecycle(tf, &start_sim(), scheme));
}

// ---------------------------------------------------------------------------
// A user without the `sensitive` policy
// ---------------------------------------------------------------------------

#[test]
fn hidden_cak_keeps_state_and_import_explains_the_plan() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim();
        let provider = reader(&sim, scheme);
        let key = Key {
            ckn: Some(CKN_1.into()),
            ..Key::new(CAK_1)
        };
        let wd = tf.workdir(&config(&provider, Some(&key)));
        wd.apply();
        assert_eq!(row_named(&sim, MENU, "macsec-uplink")["cak"], CAK_1);
        assert_eq!(
            wd.resource_values(KEY_ADDR)["cak"],
            json!(CAK_1),
            "state keeps the written key"
        );
        wd.assert_no_changes();
        wd.refresh_only_plan().assert_code(0);

        // The documented blind spot: a CAK changed by hand is invisible.
        patch_named(&sim, MENU, "macsec-uplink", json!({"cak": CAK_HAND}));
        wd.plan_exitcode().assert_code(0);
        // ... but a CKN changed by hand is not, and since the CAK on the
        // router cannot be known, the apply that restores the CKN writes
        // the configured CAK too.
        patch_named(&sim, MENU, "macsec-uplink", json!({"ckn": "abcd"}));
        wd.plan_exitcode()
            .assert_code(2)
            .assert_stdout_mentions(&["ckn"]);
        wd.apply();
        assert_eq!(row_named(&sim, MENU, "macsec-uplink")["cak"], CAK_1);
        wd.assert_no_changes();

        // Import: the CAK cannot be read, so state has none; the plan warns,
        // says what applying does, and writes the configured key. (The key
        // comes from a sensitive variable here: a literal would be quoted by
        // Terraform itself in the warning's source snippet.)
        let mut imported = tf.workdir(&config_with_cak_variable(&provider, key.ckn.as_deref()));
        imported.set_env("TF_VAR_cak", CAK_1);
        imported.import("routeros_macsec_interface.uplink", "macsec-uplink");
        imported.import("routeros_macsec_interface.spare", "macsec-spare");
        imported.import(KEY_ADDR, "macsec-uplink");
        assert_eq!(imported.resource_values(KEY_ADDR)["cak"], Value::Null);
        patch_named(&sim, MENU, "macsec-uplink", json!({"cak": CAK_HAND}));
        let plan = imported.show_json_plan();
        plan.output.assert_code(2);
        plan.assert_actions(KEY_ADDR, &["update"]);
        let text = acceptance::harness::normalise(
            &format!("{}{}", plan.output.stdout, plan.output.stderr).replace('│', " "),
        );
        for phrase in [
            "warning",
            "cannot be compared",
            "sensitive",
            "policy",
            "applying sets the cak",
        ] {
            assert!(
                text.contains(phrase),
                "the plan does not say {phrase:?}:\n{}",
                plan.output
            );
        }
        assert_no_keys_shown(&plan.output);
        imported.apply_saved_plan();
        assert_eq!(row_named(&sim, MENU, "macsec-uplink")["cak"], CAK_1);
        imported.assert_no_changes();
    });
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

/// A plan that fails before anything reaches the router, with one error
/// naming the attribute and what to do.
#[track_caller]
fn assert_rejected(wd: &Workdir, sim: &Sim, phrases: &[&str], secret: &str) {
    let out = wd.plan_exitcode();
    out.assert_failure()
        .assert_single_error()
        .assert_stderr_mentions(phrases);
    if !secret.is_empty() {
        out.assert_never_shows(secret);
    }
    assert!(
        sim.records(MENU).is_empty(),
        "nothing may be created: {:#?}",
        sim.records(MENU)
    );
}

/// The configuration of [`config`], with the CAK taken from the sensitive
/// variable `cak` (set through `TF_VAR_cak`), as users should write it.
fn config_with_cak_variable(provider: &ProviderBlock, ckn: Option<&str>) -> String {
    let key = Key {
        ckn: ckn.map(str::to_string),
        ..Key::new("@")
    };
    config(provider, Some(&key)).replace("cak = \"@\"", "cak = var.cak")
        + "variable \"cak\" {\n  type = string\n  sensitive = true\n}\n"
}

#[test]
fn malformed_cak_and_ckn_fail_at_plan_time() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim();
        let provider = admin(&sim, scheme);
        let mut wd = tf.workdir(&config_with_cak_variable(&provider, None));
        // The provider's message never repeats the key (Terraform itself
        // quotes only the configuration line, `cak = var.cak`).
        wd.set_env("TF_VAR_cak", &CAK_1[..30]);
        assert_rejected(
            &wd,
            &sim,
            &[
                "Invalid CAK",
                "exactly 32 hexadecimal characters",
                "30 characters",
                "openssl rand -hex 16",
                "cak = var.cak",
            ],
            &CAK_1[..30],
        );

        let not_hex = format!("{}zz", &CAK_1[..30]);
        wd.set_env("TF_VAR_cak", &not_hex);
        assert_rejected(
            &wd,
            &sim,
            &["Invalid CAK", "character 31", "openssl rand -hex 16"],
            &not_hex,
        );

        let long = format!("{CAK_1}{CAK_2}");
        wd.set_env("TF_VAR_cak", &long);
        assert_rejected(&wd, &sim, &["Invalid CAK", "256-bit"], &long);

        // A literal in the configuration fails the same way.
        wd.write_main_tf(&config(&provider, Some(&Key::new(&CAK_1[..31]))));
        assert_rejected(&wd, &sim, &["Invalid CAK", "31 characters"], "");

        wd.set_env("TF_VAR_cak", CAK_1);
        let too_long = format!("{CKN_1}00");
        for (ckn, phrase) in [
            ("abc", "even number"),
            ("zz", "hexadecimal"),
            (too_long.as_str(), "at most 64"),
        ] {
            wd.write_main_tf(&config_with_cak_variable(&provider, Some(ckn)));
            assert_rejected(&wd, &sim, &["Invalid CKN", phrase, "ckn ="], CAK_1);
        }
    });
}

#[test]
fn a_key_for_a_missing_interface_fails_at_apply_with_what_to_do() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim();
        let body = format!(
            "resource \"routeros_macsec_key\" \"uplink\" {{\n  interface = \"macsec-nowhere\"\n  cak = {}\n}}\n",
            hcl_string(CAK_1)
        );
        let wd = tf.workdir(&admin(&sim, scheme).main_tf(&body));
        let out = wd.try_apply();
        out.assert_failure()
            .assert_single_error()
            .assert_stderr_mentions(&[
                "No such MACsec interface",
                "macsec-nowhere",
                "routeros_macsec_interface",
            ]);
        assert_no_keys_shown(&out);
    });
}

#[test]
fn key_writes_are_told_apart_per_transport() {
    let rest_write = "PATCH /rest/interface/macsec/*1 {\"cak\":\"x\",\"ckn\":\"ab\"}";
    let api_write = "API /interface/macsec/set =.id=*1 =cak=x .tag=7";
    assert!(is_key_write(rest_write, Scheme::Http));
    assert!(is_key_write(rest_write, Scheme::Https));
    assert!(!is_key_write(rest_write, Scheme::Api));
    assert!(is_key_write(api_write, Scheme::Api));
    assert!(is_key_write(api_write, Scheme::Apis));
    assert!(!is_key_write(api_write, Scheme::Http));
    // Writes without a key, or to another menu, do not count.
    assert!(!is_key_write(
        "PATCH /rest/interface/macsec/*1 {\"ckn\":\"ab\"}",
        Scheme::Http
    ));
    assert!(!is_key_write(
        "API /interface/macsec/set =.id=*1 =ckn=ab",
        Scheme::Api
    ));
    assert!(!is_key_write(
        "API /interface/macsec/profile/set =.id=*1 =cak=x",
        Scheme::Api
    ));
    assert!(!is_key_write(
        "API /interface/macsec/print =cak=x",
        Scheme::Api
    ));
}

/// Regression: two `routeros_macsec_key` on one MACsec interface each
/// wrote their CAK over the other's, with drift on every plan for ever.
/// Now the plan fails at `interface` and says to keep one; the router is
/// not touched.
#[test]
fn two_keys_on_one_interface_are_a_plan_error() {
    let tf = Terraform::newest();
    let sim = start_sim();
    let provider = ProviderBlock::new(&sim.http_url(), sim.username(), sim.password());
    let body = format!(
        r#"
resource "routeros_macsec_interface" "m" {{
  name      = "macsec1"
  interface = "ether1"
}}
resource "routeros_macsec_key" "a" {{
  interface = routeros_macsec_interface.m.name
  cak       = "{CAK_1}"
}}
resource "routeros_macsec_key" "b" {{
  interface = routeros_macsec_interface.m.name
  cak       = "{CAK_2}"
}}
"#
    );
    let wd = tf.workdir(&provider.main_tf(&body));
    let out = wd.plan_exitcode();
    out.assert_failure();
    out.assert_stderr_mentions(&[
        "Two routeros_macsec_key resources manage the key of MACsec interface \"macsec1\"",
        "Keep one routeros_macsec_key",
    ]);
    assert!(!out.stderr.contains(CAK_1) && !out.stderr.contains(CAK_2));
    assert!(sim.records("/interface/macsec").is_empty());
}
