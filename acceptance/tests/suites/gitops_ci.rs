//! The GitOps CI check (`examples/gitops/ci/check.sh`, what the example
//! workflows run) against two emulated routers, with the real Terraform:
//! clean routers exit 0 with age-encrypted backups taken by actions; a
//! change made by hand exits 2 naming the resource and attribute; a run
//! from a fresh copy of the repository (state kept, no backup files) exits
//! 0 again once nothing has drifted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use acceptance::harness::{
    Terraform, Workdir, hcl_string, provider_binary, provider_dir, workspace_root,
};
use acceptance::sim::{Sim, SimConfig};
use serde_json::{Value, json};

/// The password `keys/router.password.age` holds (a test value).
const TEST_PASSWORD: &str = "gitops-example-TEST-password";

fn example_dir() -> PathBuf {
    workspace_root().join("examples").join("gitops")
}

fn start_router(identity: &str) -> Sim {
    Sim::spawn(SimConfig {
        password: TEST_PASSWORD.into(),
        https: false,
        identity: identity.into(),
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// Copies the committed files of `examples/gitops` (`main.tf`, the
/// actions' module `backup-actions/`, `keys/`, `ci/`, `twin/`) into `to`,
/// as a fresh checkout has them.
fn copy_repository(to: &Path) {
    std::fs::copy(example_dir().join("main.tf"), to.join("main.tf")).expect("copy main.tf");
    for dir in ["backup-actions", "keys", "ci", "twin"] {
        std::fs::create_dir_all(to.join(dir)).unwrap();
        for entry in std::fs::read_dir(example_dir().join(dir)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), to.join(dir).join(entry.file_name())).unwrap();
            }
        }
    }
}

/// A working directory holding a fresh copy of the example.
fn checkout(tf: &Terraform) -> Workdir {
    let wd = Workdir::new(tf, "");
    copy_repository(wd.path());
    wd
}

/// The process ids in the `*.twin.pid` files of `dir`: twins started by
/// `ci/start-twin.sh`, stopped when dropped.
struct Twins(Vec<u32>);

impl Drop for Twins {
    fn drop(&mut self) {
        for pid in &self.0 {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Starts a twin from `export` (relative to `wd`) with `ci/start-twin.sh`;
/// returns its URL and records its process id in `twins`.
fn start_twin(wd: &Workdir, export: &str, twins: &mut Twins) -> String {
    let out = Command::new("bash")
        .arg(wd.path().join("ci/start-twin.sh"))
        .arg(export)
        .current_dir(wd.path())
        .env("ROUTEROS_SIM", acceptance::sim_binary())
        .env("TWIN_PASSWORD", TEST_PASSWORD)
        .output()
        .expect("run start-twin.sh");
    let pid = std::fs::read_to_string(wd.path().join(format!("{export}.twin.pid")))
        .expect("start-twin.sh writes the pid");
    twins.0.push(pid.trim().parse().expect("a pid"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "start-twin.sh {export}: {stderr}");
    assert!(
        stderr.contains("/ip/firewall/filter: 2 line(s)"),
        "unmodelled lines are listed: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

struct Check {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `ci/check.sh` in `wd` as a CI job would (identity from the
/// environment, routers' addresses as TF_VAR_*).
fn run_check(wd: &Workdir, core: &Sim, edge: &Sim) -> Check {
    let out = wd
        .script("ci/check.sh")
        .env("CHECK_SKIP_INIT", "1")
        .env("SOPS_AGE_KEY_FILE", example_dir().join("test-identity.txt"))
        .env("TF_VAR_core_url", core.http_url())
        .env("TF_VAR_edge_url", edge.http_url())
        .output()
        .expect("run check.sh");
    let check = Check {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    eprintln!(
        "check.sh -> exit {}\n--- stdout\n{}\n--- stderr\n{}",
        check.code, check.stdout, check.stderr
    );
    check
}

fn test_identity() -> age::x25519::Identity {
    let text = std::fs::read_to_string(example_dir().join("test-identity.txt")).unwrap();
    text.lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("identity line")
        .parse()
        .expect("identity")
}

/// An operator's change at the router, over REST.
fn patch_macsec(sim: &Sim, name: &str, body: Value) {
    let base = format!("{}/rest/interface/macsec", sim.http_url());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let rows: Vec<Value> = client
            .get(&base)
            .basic_auth(sim.username(), Some(sim.password()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = rows
            .iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r[".id"].as_str())
            .unwrap_or_else(|| panic!("no {name} in {rows:?}"))
            .to_string();
        let status = client
            .patch(format!("{base}/{id}"))
            .basic_auth(sim.username(), Some(sim.password()))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "PATCH {name}: {status}");
    });
}

#[test]
fn check_script_exits_0_2_0_with_backups_taken_by_actions() {
    let tf = Terraform::newest();
    if tf.version_tuple() < (1, 14, 0) {
        eprintln!("skipped: actions need Terraform 1.14+, newest is {tf}");
        return;
    }
    let (core, edge) = (start_router("core"), start_router("edge"));
    let wd = checkout(&tf);
    // The repository is applied (what the pull-request workflow's merge
    // leads to).
    wd.run_env(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &[
            ("TF_VAR_core_url", &core.http_url()),
            ("TF_VAR_edge_url", &edge.http_url()),
            (
                "SOPS_AGE_KEY_FILE",
                &example_dir().join("test-identity.txt").to_string_lossy(),
            ),
        ],
    )
    .assert_success();

    // 1. Clean routers: exit 0, a backup of each, age-encrypted to
    //    keys/recipients.txt, decrypting to what each router saved.
    let first = run_check(&wd, &core, &edge);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("no drift"), "{}", first.stderr);
    let identity = test_identity();
    for (name, sim) in [("core", &core), ("edge", &edge)] {
        let path = wd.path().join(format!("backups/{name}.backup.age"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            bytes.starts_with(b"age-encryption.org/v1"),
            "{name}: not age"
        );
        let plain = age::decrypt(&identity, &bytes).expect("decrypt the backup");
        assert_eq!(
            Some(plain),
            sim.written_file(&format!("ci-{name}.backup")),
            "{name}: the local backup is what the router saved"
        );
        assert!(
            sim.file(&format!("ci-{name}.backup")).is_none(),
            "{name}: router copy removed"
        );
    }

    // 1b. The weekly rehearsal: the core router's latest export (taken by
    //     check.sh with the backups) restored onto a twin fresh from the
    //     box comes back as core, with its MACsec interface.
    let rehearsal = Command::new("bash")
        .arg(wd.path().join("ci/restore-rehearsal.sh"))
        .arg("core")
        .current_dir(wd.path())
        .env("ROUTEROS_SIM", acceptance::sim_binary())
        .env("PROVIDER_BINARY", provider_binary())
        .env("TWIN_PASSWORD", TEST_PASSWORD)
        .env("REHEARSAL_MACSEC", "macsec-uplink")
        .env(
            "ROUTEROS_AGE_IDENTITY_FILE",
            example_dir().join("test-identity.txt"),
        )
        .output()
        .expect("run restore-rehearsal.sh");
    let said = String::from_utf8_lossy(&rehearsal.stderr).into_owned()
        + &String::from_utf8_lossy(&rehearsal.stdout);
    assert!(rehearsal.status.success(), "{said}");
    for step in [
        "restore: importing ",
        "restore: verified identity \"core\"",
        "restore: verified MACsec interfaces [\"macsec-uplink\"]",
        "restore-rehearsal: core restored from backups/core.rsc.age",
    ] {
        assert!(said.contains(step), "{step}: {said}");
    }
    assert!(!said.contains(TEST_PASSWORD), "no secret in the output");

    // 2. A change made by hand on the core router: exit 2, naming the
    //    resource and the attribute.
    patch_macsec(&core, "macsec-uplink", json!({"mtu": "1400"}));
    let drift = run_check(&wd, &core, &edge);
    assert_eq!(drift.code, 2, "{}", drift.stderr);
    assert!(
        drift
            .stderr
            .contains("routeros_macsec_interface.core (update): mtu"),
        "{}",
        drift.stderr
    );
    assert!(
        !drift.stderr.contains("routeros_macsec_interface.edge"),
        "edge did not drift"
    );
    let report = std::fs::read_to_string(wd.path().join("drift-report.txt")).unwrap();
    assert!(report.contains("mtu"), "{report}");
    assert!(!report.contains(TEST_PASSWORD), "no secret in the report");

    // 3. Back in line; a fresh checkout (the state comes from the backend,
    //    no backup files) still exits 0.
    patch_macsec(&core, "macsec-uplink", json!({"mtu": "1468"}));
    let fresh = checkout(&tf);
    std::fs::copy(
        wd.path().join("terraform.tfstate"),
        fresh.path().join("terraform.tfstate"),
    )
    .unwrap();
    assert!(!fresh.path().join("backups").exists());
    // A data source in the module does not make a normal plan exit 2 (a
    // refresh-only plan on Terraform 1.15 would).
    fresh.write_file(
        "status.tf",
        "data \"routeros_system_resource\" \"core\" {\n  provider = routeros.core\n}\n",
    );
    let again = run_check(&fresh, &core, &edge);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(fresh.path().join("backups/core.backup.age").exists());
}

/// The pull-request job: twins started from the committed exports
/// (`twin/*.rsc`, no keys in them), the repository applied to them from
/// the real state (`ci/twin-apply.sh`: the twins' keys differ, so the plan
/// updates them), and the plan after the apply is clean.
#[test]
fn pull_request_job_applies_to_twins_from_the_committed_exports() {
    let tf = Terraform::newest();
    if tf.version_tuple() < (1, 14, 0) {
        eprintln!("skipped: the example has actions (Terraform 1.14+), newest is {tf}");
        return;
    }
    let (core, edge) = (start_router("core"), start_router("edge"));
    let identity_file = example_dir().join("test-identity.txt");
    let real = checkout(&tf);
    real.run_env(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &[
            ("TF_VAR_core_url", &core.http_url()),
            ("TF_VAR_edge_url", &edge.http_url()),
            ("SOPS_AGE_KEY_FILE", &identity_file.to_string_lossy()),
        ],
    )
    .assert_success();

    let before = core.request_log().len() + edge.request_log().len();
    let pr = checkout(&tf);
    // What `terraform state pull` gets from the backend.
    std::fs::copy(
        real.path().join("terraform.tfstate"),
        pr.path().join("terraform.tfstate"),
    )
    .unwrap();
    // `terraform init` runs for real here (the script points the backend at
    // a local copy), so the provider comes from a filesystem mirror, as
    // from a registry, instead of the harness's dev_overrides.
    let mirror = pr
        .path()
        .join("mirror/registry.terraform.io/macsec-gitops/routeros")
        .join(env!("CARGO_PKG_VERSION"));
    let platform = acceptance::harness::host_platform();
    std::fs::create_dir_all(mirror.join(&platform)).unwrap();
    std::fs::copy(
        provider_dir().join("terraform-provider-routeros"),
        mirror.join(&platform).join("terraform-provider-routeros"),
    )
    .unwrap();
    std::fs::write(
        pr.path().join("mirror.tfrc"),
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = {}\n  }}\n}}\n",
            hcl_string(&pr.path().join("mirror").to_string_lossy())
        ),
    )
    .unwrap();
    let mut twins = Twins(Vec::new());
    let core_twin = start_twin(&pr, "twin/core.rsc", &mut twins);
    let edge_twin = start_twin(&pr, "twin/edge.rsc", &mut twins);
    let out = pr
        .script("ci/twin-apply.sh")
        .env("TF_CLI_CONFIG_FILE", pr.path().join("mirror.tfrc"))
        .env("SOPS_AGE_KEY_FILE", &identity_file)
        .env("TF_VAR_core_url", &core_twin)
        .env("TF_VAR_edge_url", &edge_twin)
        .output()
        .expect("run twin-apply.sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "twin-apply.sh: {stderr}");
    let plan = std::fs::read_to_string(pr.path().join("twin-plan.txt")).unwrap();
    assert!(
        plan.contains("routeros_macsec_key.core will be updated in-place"),
        "the twins have other keys than the real routers: {plan}"
    );
    let replan = std::fs::read_to_string(pr.path().join("twin-replan.txt")).unwrap();
    assert!(replan.contains("No changes."), "{replan}");
    // The real routers were not touched.
    assert_eq!(
        core.request_log().len() + edge.request_log().len(),
        before,
        "no request reached the real routers"
    );
}
