//! Acceptance scenarios for restoring a router (issue 22): the
//! `routeros_system_restore` action on Terraform 1.14+ and the
//! `terraform-provider-routeros restore` command on Terraform 1.0.3, against
//! an emulated twin. Each takes a backup of the configured twin, removes its
//! MACsec by hand, restores, and checks that MACsec is back on the router,
//! that the configuration plans clean, and that nothing is left in the
//! router's file area. A restore onto a router with another identity is
//! refused; the `.rsc` form (an export run with `/import`) works too.

use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, Workdir, hcl_string, rest_ok, row_named, run_subcommand,
    start_sim,
};
use acceptance::sim::{Sim, SimConfig};
use age::secrecy::ExposeSecret;
use base64::Engine as _;
use reqwest::Method;

const CAK: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const MACSEC: &str = "/interface/macsec";

fn twin(scheme: Scheme) -> Sim {
    start_sim(SimConfig {
        https: scheme.is_tls(),
        identity: "edge1".into(),
        ..SimConfig::default()
    })
}

/// The twin's MACsec configuration: an interface and its key.
fn macsec_config(key: &age::x25519::Identity) -> String {
    let cak_age = base64::engine::general_purpose::STANDARD
        .encode(age::encrypt(&key.to_public(), CAK.as_bytes()).expect("encrypt"));
    format!(
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
"#,
        cak_age = hcl_string(&cak_age),
    )
}

/// Removes every MACsec interface by hand (REST, as an operator would).
#[track_caller]
fn remove_macsec_by_hand(sim: &Sim) {
    let id = row_named(sim, MACSEC, "macsec1")[".id"].clone();
    rest_ok(
        sim,
        Method::POST,
        &format!("{MACSEC}/remove"),
        Some(serde_json::json!({".id": id})),
    );
    assert!(sim.records(MACSEC).is_empty(), "MACsec removed");
}

/// MACsec is back, and nothing the restore uploaded is left on the router.
#[track_caller]
fn macsec_back_and_no_leftovers(sim: &Sim) {
    let names: Vec<String> = sim
        .records(MACSEC)
        .into_iter()
        .map(|r| r["name"].clone())
        .collect();
    assert_eq!(names, ["macsec1"], "MACsec is back");
    let left: Vec<String> = sim
        .files()
        .into_iter()
        .map(|f| f["name"].clone())
        .filter(|n| n.starts_with("terraform-restore"))
        .collect();
    assert!(left.is_empty(), "left on the router: {left:?}");
}

fn workdir_with_identity(tf: &Terraform, key: &age::x25519::Identity) -> Workdir {
    let mut wd = tf.workdir("");
    wd.set_env("ROUTEROS_AGE_IDENTITY", key.to_string().expose_secret());
    std::fs::create_dir_all(wd.path().join("out")).unwrap();
    wd
}

/// The rehearsal with the action (Terraform 1.14+), over REST and the API:
/// backup (age-encrypted), MACsec removed by hand, restore, MACsec back,
/// plan clean; the backup restored onto "another router" (an `router_name`
/// that is not the twin's) is refused naming both; and over REST the
/// `.rsc` form brings MACsec back through `/import`.
#[test]
fn the_restore_action_brings_back_macsec_removed_by_hand() {
    let tf = Terraform::newest();
    if tf.version_tuple() < (1, 14, 0) {
        eprintln!("skipped: actions need Terraform 1.14+, newest is {tf}");
        return;
    }
    for scheme in [Scheme::Http, Scheme::Api] {
        let sim = twin(scheme);
        let key = age::x25519::Identity::generate();
        let wd = workdir_with_identity(&tf, &key);
        let recipient = hcl_string(&key.to_public().to_string());
        let actions = format!(
            r#"
action "routeros_system_backup" "b" {{
  config {{
    path           = "out/edge1.backup"
    name           = "rehearsal"
    overwrite      = true
    dont_encrypt   = true
    age_recipients = [{recipient}]
  }}
}}

action "routeros_system_restore" "r" {{
  config {{
    path              = "out/edge1.backup.age"
    router_name       = "edge1"
    macsec_interfaces = ["macsec1"]
  }}
}}

action "routeros_system_restore" "onto_core1" {{
  config {{
    path        = "out/edge1.backup.age"
    router_name = "core1"
  }}
}}

action "routeros_config_export" "e" {{
  config {{
    path           = "out/edge1.rsc"
    overwrite      = true
    show_sensitive = true
    age_recipients = [{recipient}]
  }}
}}

action "routeros_system_restore" "rsc" {{
  config {{
    path = "out/edge1.rsc.age"
  }}
}}
"#
        );
        let body = format!("{}{actions}", macsec_config(&key));
        wd.write_main_tf(&ProviderBlock::for_sim(&sim, scheme).main_tf(&body));
        wd.apply();
        let invoke = |name: &str| {
            wd.run(&[
                "apply",
                "-auto-approve",
                "-no-color",
                &format!("-invoke=action.{name}"),
            ])
        };
        invoke("routeros_system_backup.b").assert_success();
        remove_macsec_by_hand(&sim);
        invoke("routeros_system_restore.r")
            .assert_success()
            .assert_stdout_mentions(&[
                "uploading ",
                "the router reboots into it",
                "the router is back",
                "verified identity \"edge1\"",
                "verified MACsec interfaces [\"macsec1\"]",
            ])
            .assert_never_shows(CAK);
        macsec_back_and_no_leftovers(&sim);
        wd.assert_no_changes();
        // The classic accident: the backup is said to be core1's.
        let refused = invoke("routeros_system_restore.onto_core1");
        refused.assert_failure().assert_stderr_mentions(&[
            "Refusing to restore onto another router",
            "\"core1\"",
            "\"edge1\"",
            "allow_other_identity",
        ]);
        if scheme == Scheme::Http {
            invoke("routeros_config_export.e").assert_success();
            remove_macsec_by_hand(&sim);
            invoke("routeros_system_restore.rsc")
                .assert_success()
                .assert_stdout_mentions(&["importing ", "verified identity \"edge1\""]);
            macsec_back_and_no_leftovers(&sim);
            wd.assert_no_changes();
        }
        let loads = sim
            .request_log()
            .iter()
            .filter(|l| l.contains("backup/load"))
            .count();
        assert_eq!(
            loads, 1,
            "{scheme:?}: one load, none for the refused restore"
        );
    }
}

/// The command form, for Terraform before 1.14 (here 1.0.3, with the
/// `routeros_system_backup` resource taking the backup): MACsec removed by
/// hand comes back, the plan is clean, and a restore onto another router is
/// refused with the command's flag names. Over REST and the API.
#[test]
fn the_restore_command_brings_back_macsec_on_terraform_1_0_3() {
    let Some(tf) = Terraform::available()
        .into_iter()
        .find(|t| t.version_tuple() < (1, 14, 0))
    else {
        eprintln!("skipped: no Terraform before 1.14 installed");
        return;
    };
    for scheme in [Scheme::Http, Scheme::Api] {
        let sim = twin(scheme);
        let key = age::x25519::Identity::generate();
        let wd = workdir_with_identity(&tf, &key);
        let recipient = hcl_string(&key.to_public().to_string());
        let body = format!(
            r#"{}
resource "routeros_system_backup" "b" {{
  path           = "out/edge1.backup"
  dont_encrypt   = true
  age_recipients = [{recipient}]
  depends_on     = [routeros_macsec_key.k] # the backup holds the MACsec configuration
}}
"#,
            macsec_config(&key)
        );
        wd.write_main_tf(&ProviderBlock::for_sim(&sim, scheme).main_tf(&body));
        wd.apply();
        remove_macsec_by_hand(&sim);
        let url = scheme.url(&sim);
        let identity = key.to_string().expose_secret().to_string();
        let env = [("ROUTEROS_AGE_IDENTITY", identity.as_str())];
        let restore = |args: &[&str]| run_subcommand("restore", &url, &sim, wd.path(), args, &env);
        let out = restore(&[
            "out/edge1.backup.age",
            "--router-name",
            "edge1",
            "--macsec-interface",
            "macsec1",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{scheme:?}: {stderr}");
        for step in [
            "restore: uploading",
            "the router reboots into it",
            "restore: the router is back",
            "restored ",
        ] {
            assert!(stderr.contains(step), "{step}: {stderr}");
        }
        macsec_back_and_no_leftovers(&sim);
        wd.assert_no_changes();
        let out = restore(&["out/edge1.backup.age", "--router-name", "core1"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        for says in [
            "Refusing to restore onto another router",
            "\"core1\"",
            "\"edge1\"",
            "`--allow-other-identity`",
        ] {
            assert!(stderr.contains(says), "{says}: {stderr}");
        }
        assert!(
            !stderr.contains(CAK) && !stderr.contains(&identity),
            "{stderr}"
        );
    }
}
