//! Acceptance scenarios for the actions `routeros_system_backup` and
//! `routeros_config_export` (Terraform 1.14 and later): invoked with
//! `terraform apply -invoke=...` and from a resource's
//! `lifecycle { action_trigger { ... } }`, against routeros-sim. What the
//! user sees is checked: progress lines, the local files (decrypted with
//! age), an empty state, and a router file area with nothing left behind.

use std::path::Path;

use acceptance::harness::{ProviderBlock, Scheme, Terraform, hcl_string};
use acceptance::sim::{Sim, SimConfig};
use age::secrecy::ExposeSecret;
use base64::Engine as _;

const CAK: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn start_sim() -> Sim {
    Sim::spawn(SimConfig {
        https: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// Terraform 1.14 or later (actions), or `None` when only older ones are
/// installed (the scenario is then skipped with a message).
fn terraform_with_actions() -> Option<Terraform> {
    let tf = Terraform::newest();
    if tf.version_tuple() < (1, 14, 0) {
        eprintln!("skipped: actions need Terraform 1.14+, newest is {tf}");
        return None;
    }
    Some(tf)
}

fn decrypt(identity: &age::x25519::Identity, path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"age-encryption.org/v1"),
        "not age: {}",
        path.display()
    );
    age::decrypt(identity, &bytes).expect("decrypt with the test identity")
}

/// The router's file area holds nothing the provider wrote.
#[track_caller]
fn router_files_clean(sim: &Sim) {
    let left: Vec<String> = sim
        .files()
        .into_iter()
        .map(|f| f["name"].clone())
        .filter(|n| n.starts_with("terraform-") || n.starts_with("act-"))
        .collect();
    assert!(left.is_empty(), "left on the router: {left:?}");
}

/// `-invoke` runs each action once: the backup and the export are written
/// age-encrypted, decrypt to what the router saved (the export with the
/// CAK, since `show_sensitive`), progress is printed step by step, nothing
/// is kept in state, and the router's copies are gone.
#[test]
fn actions_run_with_apply_invoke() {
    let Some(tf) = terraform_with_actions() else {
        return;
    };
    let sim = start_sim();
    let key = age::x25519::Identity::generate();
    let recipient = key.to_public().to_string();
    let mut wd = tf.workdir("");
    wd.set_env("ROUTEROS_AGE_IDENTITY", key.to_string().expose_secret());
    let dir = wd.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let cak_age = base64::engine::general_purpose::STANDARD
        .encode(age::encrypt(&key.to_public(), CAK.as_bytes()).expect("encrypt"));
    let body = format!(
        r#"
resource "routeros_macsec_interface" "m" {{
  name      = "macsec1"
  interface = "ether1"
}}

resource "routeros_macsec_key" "k" {{
  interface = routeros_macsec_interface.m.name
  cak_age   = {cak_age}
  ckn       = "abcd"
}}

action "routeros_system_backup" "b" {{
  config {{
    path           = {backup}
    name           = "act-backup"
    dont_encrypt   = true
    age_recipients = [{recipient}]
  }}
}}

action "routeros_config_export" "e" {{
  config {{
    path           = {export}
    terse          = true
    show_sensitive = true
    age_recipients = [{recipient}]
  }}
}}
"#,
        backup = hcl_string(&dir.join("edge.backup").to_string_lossy()),
        export = hcl_string(&dir.join("edge.rsc").to_string_lossy()),
        recipient = hcl_string(&recipient),
        cak_age = hcl_string(&cak_age),
    );
    wd.write_main_tf(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(&body));
    wd.apply();

    let out = wd.run(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-invoke=action.routeros_system_backup.b",
    ]);
    out.assert_success().assert_stdout_mentions(&[
        "saving backup act-backup.backup",
        "downloading act-backup.backup:",
        "encrypting to 1 age recipient(s)",
        "written ",
    ]);
    let saved = sim
        .written_file("act-backup.backup")
        .expect("router saved it");
    assert_eq!(decrypt(&key, &dir.join("edge.backup.age")), saved);
    assert!(!dir.join("edge.backup").exists(), "only the .age file");

    let out = wd.run(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-invoke=action.routeros_config_export.e",
    ]);
    out.assert_success()
        .assert_stdout_mentions(&["exporting the configuration", "written "]);
    let export = String::from_utf8(decrypt(&key, &dir.join("edge.rsc.age"))).unwrap();
    assert!(export.contains("/interface macsec"), "{export}");
    assert!(export.contains(CAK), "show_sensitive exports the CAK");

    // Actions keep nothing: only the two MACsec resources are in state,
    // and a plan from a directory without the local files is clean.
    let state = wd.state_json();
    let types: Vec<&str> = state["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["routeros_macsec_interface", "routeros_macsec_key"]);
    std::fs::remove_dir_all(&dir).unwrap();
    wd.assert_no_changes();
    router_files_clean(&sim);
}

/// A backup before any change to a MACsec interface: the action runs on
/// create and on update, not on a plan without changes; a second apply
/// from a copy of the directory without the backup file plans clean.
#[test]
fn action_trigger_takes_a_backup_before_a_change() {
    let Some(tf) = terraform_with_actions() else {
        return;
    };
    let sim = start_sim();
    let key = age::x25519::Identity::generate();
    let mut wd = tf.workdir("");
    wd.set_env("ROUTEROS_AGE_IDENTITY", key.to_string().expose_secret());
    let dir = wd.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let backup = dir.join("before-change.backup.age");
    let main_tf = |mtu: u32| {
        ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(&format!(
            r#"
action "routeros_system_backup" "before_change" {{
  config {{
    path           = {path}
    dont_encrypt   = true
    age_recipients = [{recipient}]
  }}
}}

resource "routeros_macsec_interface" "m" {{
  name      = "macsec1"
  interface = "ether1"
  mtu       = {mtu}

  lifecycle {{
    action_trigger {{
      events  = [before_create, before_update]
      actions = [action.routeros_system_backup.before_change]
    }}
  }}
}}
"#,
            path = hcl_string(&dir.join("before-change.backup").to_string_lossy()),
            recipient = hcl_string(&key.to_public().to_string()),
        ))
    };
    wd.write_main_tf(&main_tf(1468));
    wd.apply()
        .assert_stdout_mentions(&["saving backup", "written "]);
    let first = std::fs::read(&backup).expect("backup before create");
    // The backup was taken before the interface existed.
    let plain = String::from_utf8_lossy(&decrypt(&key, &backup)).into_owned();
    assert!(!plain.contains("macsec1"), "taken before the create");

    // Nothing changed: no action runs, the plan is clean.
    wd.assert_no_changes();
    std::fs::remove_file(&backup).unwrap();
    wd.assert_no_changes();
    assert!(!backup.exists(), "a plan invokes nothing");

    // A change: the backup is taken again, before the update.
    wd.write_main_tf(&main_tf(1400));
    wd.apply();
    let second = std::fs::read(&backup).expect("backup before update");
    assert_ne!(first, second);
    let plain = String::from_utf8_lossy(&decrypt(&key, &backup)).into_owned();
    assert!(plain.contains("macsec1"), "taken before the update");
    wd.assert_no_changes();
    router_files_clean(&sim);
}

/// The examples the action docs show are valid configurations.
#[test]
fn action_examples_validate() {
    let Some(tf) = terraform_with_actions() else {
        return;
    };
    let dir = acceptance::harness::workspace_root().join("examples/actions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/actions") {
        let example = entry.unwrap().path().join("action.tf");
        let body = std::fs::read_to_string(&example)
            .unwrap_or_else(|e| panic!("{}: {e}", example.display()));
        // An example that declares its own `terraform` block (the version
        // its blocks need, the provider's source) is a whole configuration.
        let config = if body.contains("required_providers") {
            body
        } else {
            format!("{}\n{body}", acceptance::harness::terraform_block())
        };
        let wd = tf.workdir(&config);
        wd.run(&["validate", "-no-color"]).assert_success();
        seen += 1;
    }
    assert_eq!(seen, 3, "one example per action");
}

/// An action that cannot run says why before the router is touched: a
/// missing directory names `path` (plan time), a missing protection choice
/// is a validation error, and the router's file area stays empty.
#[test]
fn action_errors_are_reported_before_the_router_is_touched() {
    let Some(tf) = terraform_with_actions() else {
        return;
    };
    let sim = start_sim();
    let wd = tf.workdir("");
    let provider = ProviderBlock::for_sim(&sim, Scheme::Http);
    let missing = wd.path().join("no-such-dir/edge.backup");
    let cases = [
        (
            format!(
                "path = {}\n    dont_encrypt = true",
                hcl_string(&missing.to_string_lossy())
            ),
            ["no-such-dir", "path"],
        ),
        (
            "path = \"x.backup\"".to_string(),
            ["Backup protection not chosen", "dont_encrypt"],
        ),
    ];
    for (config, expected) in cases {
        wd.write_main_tf(&provider.main_tf(&format!(
            "action \"routeros_system_backup\" \"b\" {{\n  config {{\n    {config}\n  }}\n}}\n"
        )));
        let out = wd.run(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-invoke=action.routeros_system_backup.b",
        ]);
        out.assert_failure().assert_stderr_mentions(&expected);
    }
    assert!(
        !sim.request_log()
            .iter()
            .any(|r| r.contains("/system/backup")),
        "{:?}",
        sim.request_log()
    );
    assert!(sim.files().is_empty(), "{:?}", sim.files());
}
