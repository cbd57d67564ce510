//! The proof of "import a whole router": routeros-sim loaded with 50 MACsec
//! links (interface, profile, key) by a third-party client (Python's
//! `librouteros`, `acceptance/clients/librouteros_router.py`, over the
//! classic API), then each import path ends in a clean plan:
//!
//! - `terraform query -generate-config-out`, apply, `plan -detailed-exitcode`
//!   = 0 (Terraform 1.15.5; interfaces, profiles and ports);
//! - `terraform-provider-routeros generate` with import blocks (1.15.5) or
//!   `--import-commands` (1.0.3), keys age-encrypted to files, apply, plan = 0;
//! - `generate --from-export` on the emulator's own `/export show-sensitive`.
//!
//! The venv `.tools/pyclients` (scripts/install-python-clients.sh) must
//! exist; without it these tests fail and say what to run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use acceptance::harness::{Output, ProviderBlock, Scheme, Terraform, Workdir, workspace_root};
use acceptance::sim::{Sim, SimConfig};
use age::secrecy::ExposeSecret;
use serde_json::{Value, json};

/// How many links the router holds.
const LINKS: usize = 50;

fn python() -> PathBuf {
    let tools = std::env::var_os("TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools"));
    let python = tools.join("pyclients/bin/python");
    assert!(
        python.exists(),
        "the Python API clients are not installed ({} is missing): run scripts/install-python-clients.sh (or make tools)",
        python.display()
    );
    python
}

/// An emulator with `LINKS` ports, configured by hand over the classic API.
fn router_made_by_hand() -> Sim {
    router_with_links(LINKS)
}

/// An emulator with `links` ports, each with a MACsec link configured by
/// hand over the classic API.
fn router_with_links(links: usize) -> Sim {
    let sim = Sim::spawn(SimConfig {
        ethernet_ports: links,
        ..SimConfig::default()
    })
    .expect("start routeros-sim");
    let script = workspace_root().join("acceptance/clients/librouteros_router.py");
    let out = Command::new(python())
        .arg(&script)
        .args([
            "--url",
            &sim.api_url().expect("API"),
            "--count",
            &links.to_string(),
        ])
        .env("ROUTEROS_USERNAME", sim.username())
        .env("ROUTEROS_PASSWORD", sim.password())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run the Python client");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert_eq!(summary, json!({"interfaces": links, "profiles": links}));
    sim
}

/// A fresh age identity: (secret key text, recipient).
fn identity() -> (String, String) {
    let id = age::x25519::Identity::generate();
    (
        id.to_string().expose_secret().to_string(),
        id.to_public().to_string(),
    )
}

/// Runs the provider binary's `generate` in `dir` with the router in the
/// environment, as a user would.
fn generate(sim: &Sim, dir: &Path, args: &[&str]) -> std::process::Output {
    acceptance::harness::run_generate(sim, dir, args)
}

fn text(out: &Output) -> String {
    acceptance::harness::normalise(&format!("{}\n{}", out.stdout, out.stderr))
}

/// Applies what was generated, then the plan must be empty; the router
/// keeps exactly the links the client made.
#[track_caller]
fn apply_then_clean(wd: &Workdir, sim: &Sim, links: usize) {
    wd.apply();
    wd.plan_exitcode().assert_code(0);
    assert_eq!(sim.records("/interface/macsec").len(), links);
}

/// The `terraform import ADDRESS ID` lines of a generated `import.sh`, as
/// (address, id).
fn import_commands(dir: &Path) -> Vec<(String, String)> {
    let script = std::fs::read_to_string(dir.join("import.sh")).unwrap();
    script
        .lines()
        .filter(|l| l.starts_with("terraform import"))
        .map(|line| {
            let words: Vec<String> = line
                .split_whitespace()
                .skip(2)
                .map(|w| w.trim_matches('\'').to_string())
                .collect();
            (words[0].clone(), words[1].clone())
        })
        .collect()
}

/// Every CAK on the router is still the one the client set.
#[track_caller]
fn keys_untouched(sim: &Sim) {
    for row in sim.records("/interface/macsec") {
        let i: u32 = row["name"].trim_start_matches("macsec").parse().unwrap();
        assert_eq!(row["cak"], format!("{i:08x}").repeat(4), "{}", row["name"]);
    }
}

#[test]
fn query_generate_config_out_imports_fifty_links_then_plans_clean() {
    let tf = Terraform::newest();
    let sim = router_made_by_hand();
    let wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(""));
    wd.write_file(
        "router.tfquery.hcl",
        r#"
list "routeros_macsec_interface" "links" {
  provider         = routeros
  include_resource = true
}
list "routeros_macsec_profile" "profiles" {
  provider         = routeros
  include_resource = true
  config {
    name = "p*"
  }
}
list "routeros_ethernet_binding" "ports" {
  provider         = routeros
  include_resource = true
}
"#,
    );
    wd.run(&["query", "-no-color", "-generate-config-out=imported.tf"])
        .assert_success();
    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    plan.assert_success();
    let want = format!(
        "plan: {} to import, 0 to add, 0 to change, 0 to destroy.",
        3 * LINKS
    );
    assert!(text(&plan).contains(&want), "{plan}");
    apply_then_clean(&wd, &sim, LINKS);
    keys_untouched(&sim);
}

/// `generate` on every Terraform: import blocks (Terraform 1.5+) for all
/// fifty links; `--import-commands` (older Terraform) on a router of
/// `OLD_LINKS` links, each command run, since one `terraform import` per
/// object proves per object what the import-block run proves for fifty.
/// The fifty-link `import.sh` is checked line by line against the import
/// blocks instead of run.
#[test]
fn generate_imports_fifty_links_with_their_keys_on_every_terraform() {
    /// Links on the router the `terraform import` commands run against.
    const OLD_LINKS: usize = 2;
    acceptance::harness::for_each_terraform(|tf| {
        let old = tf.version_tuple() < (1, 5, 0);
        let links = if old { OLD_LINKS } else { LINKS };
        let sim = router_with_links(links);
        let (secret, recipient) = identity();
        let mut wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(""));
        wd.set_env("ROUTEROS_AGE_IDENTITY", &secret);
        let mut args = vec!["--out", "imported.tf", "--age-recipient", &recipient];
        if old {
            args.push("--import-commands");
        }
        let out = generate(&sim, wd.path(), &args);
        let summary = String::from_utf8_lossy(&out.stderr);
        // Every link's interface, profile, key and port, and the built-in
        // profile `default`.
        let objects = 4 * links + 1;
        assert!(
            summary.contains(&format!("wrote {objects} resource(s)")),
            "{summary}"
        );
        let hcl = std::fs::read_to_string(wd.path().join("imported.tf")).unwrap();
        assert!(!hcl.contains(&"00000001".repeat(4)), "a key in the clear");
        assert!(wd.path().join("macsec1.cak.age").exists());
        if old {
            assert_eq!(wd.run_import_script(), objects);
        } else {
            // The same router as import commands: one per import block.
            let scripted = tempfile::tempdir().unwrap();
            let out = generate(
                &sim,
                scripted.path(),
                &[
                    "--out",
                    "imported.tf",
                    "--age-recipient",
                    &recipient,
                    "--import-commands",
                ],
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let commands = import_commands(scripted.path());
            assert_eq!(commands.len(), objects);
            for (address, id) in &commands {
                let block = format!(
                    "to = {address}\n  id = {}",
                    acceptance::harness::hcl_string(id)
                );
                assert!(hcl.contains(&block), "no import block {block:?} in:\n{hcl}");
            }
        }
        apply_then_clean(&wd, &sim, links);
        keys_untouched(&sim);
    });
}

#[test]
fn generate_from_the_routers_own_export_gives_the_same_result() {
    let tf = Terraform::newest();
    let sim = router_made_by_hand();
    let url = format!("{}/rest/export", sim.http_url().trim_end_matches('/'));
    let status = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap()
                .post(&url)
                .basic_auth(sim.username(), Some(sim.password()))
                .json(&json!({"file": "router", "show-sensitive": ""}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    assert_eq!(status, 200);
    let export = sim.written_file("router.rsc").expect("the export file");
    let (secret, recipient) = identity();
    let mut wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Http).main_tf(""));
    wd.set_env("ROUTEROS_AGE_IDENTITY", &secret);
    std::fs::write(wd.path().join("router.rsc"), export).unwrap();
    generate(
        &sim,
        wd.path(),
        &[
            "--from-export",
            "router.rsc",
            "--out",
            "imported.tf",
            "--age-recipient",
            &recipient,
        ],
    );
    apply_then_clean(&wd, &sim, LINKS);
    keys_untouched(&sim);
}
