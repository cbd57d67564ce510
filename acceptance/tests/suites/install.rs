//! The smoke suite: installing the provider as a user does and running the
//! whole life of a resource, on every Terraform version the project
//! supports. No `dev_overrides`: the host's release archive, made by
//! `scripts/dist.sh` (what `make dist` runs), laid out as a filesystem mirror
//! (`registry.terraform.io/macsec-gitops/routeros/<zip>`), a CLI
//! configuration whose `provider_installation` has only that
//! `filesystem_mirror`, and `terraform init` with the version constraint of
//! `examples/quickstart`. The lock file must record the archive's hash; then
//! the quickstart applies, plans clean (`-detailed-exitcode` 0), is removed
//! from state and imported back by name, plans no change to it and clean
//! again once its output is back, and destroys against the emulator.
//!
//! Versions: Terraform 1.0.3 and 1.15.5 (which every suite uses) and the
//! smoke suite's own 1.6.6 (the core OpenTofu forked from), 1.11.4 and
//! 1.14.9 (`SMOKE_VERSIONS`). Each runs once, over one transport, the
//! transports taken in turn (1.0.3 `http://`, 1.6.6 `https://`, 1.11.4
//! `api://`, 1.14.9 `apis://`, 1.15.5 `http://`): how the provider talks to
//! the router does not depend on the Terraform that drives it, and the other
//! suites run every transport (`suites::every_transport`).
//!
//! Cost: the archive is made once per run, and from the debug binary the
//! other suites use (`DIST_BINARY`), not from a second (musl, release)
//! compile: the packaging, names, sums and manifest are exactly those of
//! `make dist`; only the binary inside is the debug build. `make dist`
//! itself checks each release binary's `--version` (arm64 under qemu).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use acceptance::harness::{
    Scheme, Terraform, Workdir, assert_provider_reached, for_each_terraform_rotating_schemes,
    host_platform, provider_dir, workspace_root,
};
use acceptance::sim::{Sim, SimConfig};
use base64::Engine as _;
use sha2::{Digest, Sha256};

const NAME: &str = "terraform-provider-routeros";
/// The version the debug build reports (the workspace version).
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The archive `make dist PLATFORMS=<host>` writes, made once per test run.
struct Dist {
    _dir: tempfile::TempDir,
    path: PathBuf,
    platform: String,
}

impl Dist {
    fn zip(&self) -> PathBuf {
        self.path
            .join(format!("{NAME}_{VERSION}_{}.zip", self.platform))
    }
}

fn dist() -> &'static Dist {
    static DIST: OnceLock<Dist> = OnceLock::new();
    DIST.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let platform = host_platform();
        let binary = provider_dir().join(NAME);
        let out = Command::new("bash")
            .arg(workspace_root().join("scripts").join("dist.sh"))
            .env("PLATFORMS", &platform)
            .env("VERSION", VERSION)
            .env("DIST_DIR", dir.path())
            .env("DIST_BINARY", &binary)
            .env("DIST_SKIP_SIM", "1")
            .env_remove("GPG_FINGERPRINT")
            .output()
            .expect("run scripts/dist.sh");
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "scripts/dist.sh failed:\n{log}");
        assert!(
            log.contains("NOT signed") && log.contains("GPG_FINGERPRINT"),
            "without a key, dist says the sums are unsigned and how to sign:\n{log}"
        );
        let path = dir.path().to_path_buf();
        Dist {
            _dir: dir,
            path,
            platform,
        }
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Terraform's `h1:` hash of a provider package: the SHA-256 of the lines
/// `<sha256 hex>  <name>\n` over its files sorted by name, in base64.
fn h1_of_zip_with_one_file(name: &str, contents: &[u8]) -> String {
    let summary = format!("{}  {name}\n", sha256_hex(contents));
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()))
    )
}

/// The one file in the zip, read back with Python's `zipfile` (python3 is
/// needed for `make tools` anyway; `unzip` may not be installed). The zip
/// must hold exactly `terraform-provider-routeros_v<VERSION>`.
fn zip_member(zip: &Path) -> (String, Vec<u8>) {
    let script = "import sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  names = z.namelist()\n\
                  sys.stderr.write('\\n'.join(names))\n\
                  sys.stdout.buffer.write(z.read(names[0]) if len(names) == 1 else b'')\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 could not read {}",
        zip.display()
    );
    let names: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(names, [format!("{NAME}_v{VERSION}")], "the zip's contents");
    (names[0].clone(), out.stdout)
}

/// The layout checks of [`install_from_a_filesystem_mirror_apply_plan_import_destroy_on_every_terraform`].
fn check_registry_layout(dist: &Dist) {
    let files: BTreeSet<String> = std::fs::read_dir(&dist.path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = [
        format!("{NAME}_{VERSION}_{}.zip", dist.platform),
        format!("{NAME}_{VERSION}_SHA256SUMS"),
        format!("{NAME}_{VERSION}_manifest.json"),
    ]
    .into_iter()
    .collect();
    assert_eq!(files, expected, "no .sig without GPG_FINGERPRINT");

    let zip = std::fs::read(dist.zip()).unwrap();
    let sums =
        std::fs::read_to_string(dist.path.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    let manifest_text =
        std::fs::read_to_string(dist.path.join(format!("{NAME}_{VERSION}_manifest.json"))).unwrap();
    // sha256sum's format, sorted by name: the zip, then the manifest.
    assert_eq!(
        sums,
        format!(
            "{}  {NAME}_{VERSION}_{}.zip\n{}  {NAME}_{VERSION}_manifest.json\n",
            sha256_hex(&zip),
            dist.platform,
            sha256_hex(manifest_text.as_bytes()),
        )
    );
    let manifest: serde_json::Value = serde_json::from_str(&manifest_text).unwrap();
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["metadata"]["protocol_versions"][0], "5.0");

    // The zip holds the binary under its versioned name, byte for byte.
    let (_, member) = zip_member(&dist.zip());
    let built = std::fs::read(provider_dir().join(NAME)).unwrap();
    assert!(member == built, "the zipped binary is the built one");
}

/// One test, so that the archive (a 150 MB debug binary to zip) is made once.
#[test]
fn install_from_a_filesystem_mirror_apply_plan_import_destroy_on_every_terraform() {
    let dist = dist();
    check_registry_layout(dist);
    let zip_bytes = std::fs::read(dist.zip()).unwrap();
    let (member, contents) = zip_member(&dist.zip());
    let h1 = h1_of_zip_with_one_file(&member, &contents);
    let zh = format!("zh:{}", sha256_hex(&zip_bytes));
    let main_tf = std::fs::read_to_string(
        workspace_root()
            .join("examples")
            .join("quickstart")
            .join("main.tf"),
    )
    .unwrap();
    assert!(
        main_tf.contains("version = \"~> 0.1\""),
        "the quickstart pins the provider version:\n{main_tf}"
    );

    let terraforms = Terraform::smoke();
    for_each_terraform_rotating_schemes(&terraforms, |tf: &Terraform, scheme: Scheme| {
        let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
        // HOSTNAME/NAMESPACE/TYPE/<archive>: Terraform's packed mirror layout.
        let mirror = tempfile::tempdir().unwrap();
        let pkg_dir = mirror
            .path()
            .join("registry.terraform.io")
            .join("macsec-gitops")
            .join("routeros");
        std::fs::create_dir_all(&pkg_dir).unwrap();
        std::fs::copy(dist.zip(), pkg_dir.join(dist.zip().file_name().unwrap())).unwrap();
        let cli_config = format!(
            "disable_checkpoint = true\n\nprovider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"registry.terraform.io/macsec-gitops/routeros\"]\n  }}\n}}\n",
            acceptance::harness::hcl_string(&mirror.path().to_string_lossy())
        );
        assert!(!cli_config.contains("dev_overrides"));
        let mut wd = Workdir::with_cli_config(tf, &cli_config, &main_tf);
        wd.set_env("ROUTEROS_URL", scheme.url(&sim));
        wd.set_env("ROUTEROS_USERNAME", sim.username());
        wd.set_env("ROUTEROS_PASSWORD", sim.password());
        if scheme.is_tls() {
            let ca = sim.ca_certificate_path().expect("the emulator's CA file");
            wd.set_env("ROUTEROS_CA_CERTIFICATE", ca);
        }

        let init = wd.run(&["init", "-input=false", "-no-color"]);
        init.assert_success();
        init.assert_stdout_mentions(&[&format!("Installed macsec-gitops/routeros v{VERSION}")]);
        let lock = std::fs::read_to_string(wd.path().join(".terraform.lock.hcl")).unwrap();
        assert!(
            lock.contains(&format!("version     = \"{VERSION}\""))
                && lock.contains("constraints = \"~> 0.1\""),
            "lock file:\n{lock}"
        );
        assert!(
            lock.contains(&h1),
            "lock records the package hash {h1}:\n{lock}"
        );
        // Terraform records the zip's own hash (zh:) only when a registry's
        // signed SHA256SUMS vouched for it; from a mirror it must not claim one
        // that differs from the archive.
        if lock.contains("zh:") {
            assert!(
                lock.contains(&zh),
                "lock has a zh: hash that is not the archive's:\n{lock}"
            );
        }

        wd.apply();
        wd.plan_exitcode().assert_code(0);
        assert_eq!(sim.records("/interface/macsec").len(), 1);
        // Import: forget the interface, then take it back by name.
        let address = "routeros_macsec_interface.uplink";
        wd.run(&["state", "rm", "-no-color", address])
            .assert_success();
        wd.import(address, "macsec1");
        let imported = wd.resource_values(address);
        assert_eq!(imported["interface"], "ether1", "{imported}");
        assert_eq!(
            imported["comment"], "uplink to the core switch",
            "{imported}"
        );
        // Nothing to change on the imported interface. (Terraform 1.0 drops
        // the outputs with `state rm` and plans them back: exit 2 there.)
        let plan = wd.show_json_plan();
        assert_eq!(plan.actions(address), ["no-op"], "{}", plan.output.stdout);
        wd.apply_saved_plan();
        wd.plan_exitcode().assert_code(0);
        assert_provider_reached(&sim, scheme);
        wd.destroy();
        assert!(sim.records("/interface/macsec").is_empty());
    });
    let versions: Vec<&str> = terraforms.iter().map(Terraform::version).collect();
    assert!(
        versions.len() >= 2,
        "the smoke suite ran on {versions:?} only"
    );
}
