//! Acceptance scenario for `routeros_backup_schedule`: the resource's own
//! example (`examples/resources/routeros_backup_schedule/resource.tf`,
//! with an age-encrypted backup password) applied by the real Terraform
//! CLI to routeros-sim running RouterOS 7.20, then the emulator's clock
//! moved ten days so that the scheduler runs the provider's script ten
//! times.
//!
//! One scenario per Terraform version (1.15.5 and 1.0.3), each over one
//! scheme in turn (see `for_each_terraform_rotating_schemes`): apply, ten
//! runs (exactly the 7 newest backups remain), a clean plan, hand edits of
//! the script and of the scheduler entry (plan exit 2, apply repairs
//! them), import by name, destroy (no script or scheduler entry left, the
//! backups stay). The applies that write the password run with
//! `TF_LOG=trace`, and no output holds it. The cases the unit tests beside the resource prove
//! against the emulator (both transports, both file time properties, a
//! changed password, lost replies, refusals) are not repeated here.

use std::time::Duration;

use acceptance::harness::secrets::{encrypt, identity};
use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, for_each_terraform_rotating_schemes, patch_named, row_named,
    sim_for, workspace_root,
};
use acceptance::sim::Sim;
use serde_json::json;

const ADDR: &str = "routeros_backup_schedule.macsec";
const NAME: &str = "macsec-backup";
const PASSWORD: &str = "n1ghtly \"backup\" $pass";
const SCRIPT: &str = "/system/script";
const SCHEDULER: &str = "/system/scheduler";

/// The backups with the example's prefix, sorted (oldest first: the names
/// carry the date and time).
fn backups(sim: &Sim) -> Vec<String> {
    let mut names: Vec<String> = sim
        .files()
        .into_iter()
        .filter_map(|f| f.get("name").cloned())
        .filter(|n| n.starts_with("macsec_config_backup_") && n.ends_with(".backup"))
        .collect();
    names.sort();
    names
}

fn scenario(tf: &Terraform, scheme: Scheme) {
    let sim = sim_for("7.20", scheme);
    let (key, recipient) = identity();
    let example = std::fs::read_to_string(
        workspace_root().join("examples/resources/routeros_backup_schedule/resource.tf"),
    )
    .expect("the example");
    let provider = ProviderBlock::for_sim(&sim, scheme).to_hcl().replacen(
        "}\n",
        "  age_identity = file(\"identity.txt\")\n}\n",
        1,
    );
    let main_tf = format!(
        "{}\n{provider}\n{example}",
        acceptance::harness::terraform_block()
    );
    let wd = tf.workdir(&main_tf);
    wd.write_file("identity.txt", &key);
    wd.write_file("backup-password.age", &encrypt(&recipient, PASSWORD));

    // The example applies; the password is in the router's script only,
    // never in Terraform's or the provider's logs (at trace level).
    let traced = |args: &[&str]| {
        let out = wd.run_env(args, &[("TF_LOG", "trace")]);
        out.assert_success().assert_never_shows("n1ghtly");
        assert!(out.stderr.contains("routeros_backup_schedule"), "traced");
    };
    traced(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let script = row_named(&sim, SCRIPT, NAME);
    assert!(script["source"].contains("password=\"n1ghtly \\\"backup\\\" \\$pass\""));
    let entry = row_named(&sim, SCHEDULER, NAME);
    assert_eq!(
        (entry["on-event"].as_str(), entry["interval"].as_str()),
        (NAME, "1d")
    );
    let state = wd.state_json().to_string();
    assert!(!state.contains("n1ghtly"), "the password is not in state");

    // Ten runs, a day apart: the seven newest remain, one log line each.
    let mut made = Vec::new();
    for day in 0..10 {
        assert_eq!(
            sim.advance_clock(Duration::from_secs(86_400)),
            1,
            "day {day}"
        );
        for name in backups(&sim) {
            if !made.contains(&name) {
                made.push(name);
            }
        }
    }
    assert_eq!(made.len(), 10, "{made:?}");
    assert_eq!(backups(&sim), made[3..], "exactly the 7 newest remain");

    // The runs change nothing Terraform manages: the plan is clean.
    wd.plan_exitcode().assert_code(0);

    // Hand edits of the script and of the scheduler entry are drift, and
    // apply puts both back.
    let edited = script["source"].replace(":local keep 7", ":local keep 1");
    patch_named(&sim, SCRIPT, NAME, json!({"source": edited}));
    patch_named(
        &sim,
        SCHEDULER,
        NAME,
        json!({"interval": "1h", "disabled": "yes"}),
    );
    wd.plan_exitcode()
        .assert_code(2)
        .assert_never_shows("n1ghtly");
    traced(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(row_named(&sim, SCRIPT, NAME)["source"], script["source"]);
    let repaired = row_named(&sim, SCHEDULER, NAME);
    assert_eq!(
        (repaired["interval"].as_str(), repaired["disabled"].as_str()),
        ("1d", "false")
    );

    // Import by name: the arguments are read back from the script; the
    // password is not imported, so the first apply after it writes it again.
    wd.run(&["state", "rm", ADDR]).assert_success();
    wd.import(ADDR, NAME);
    wd.apply().assert_never_shows("n1ghtly");
    wd.plan_exitcode().assert_code(0);

    // Destroy: neither entry is left; the backups stay.
    wd.destroy();
    assert!(sim.records(SCRIPT).is_empty(), "{:?}", sim.records(SCRIPT));
    assert!(sim.records(SCHEDULER).is_empty());
    assert_eq!(backups(&sim).len(), 7);
}

#[test]
fn scheduled_backups_keep_the_7_newest_and_drift_is_repaired() {
    for_each_terraform_rotating_schemes(&Terraform::available(), scenario);
}
