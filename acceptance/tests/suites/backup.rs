//! Acceptance scenarios for `routeros_system_backup`: the real Terraform CLI
//! drives the freshly built provider
//! against routeros-sim, and the tests look at what a user sees: exit codes,
//! diagnostics, plan and state, the local files (decrypted with age), and
//! what the router's file area holds afterwards.
//!
//! Each scenario runs once, with the newest Terraform over the scheme the
//! rotation gives it (`for_rotating_scheme`; `suites::every_transport`
//! backs up over all four); `write_only_password` also runs on Terraform
//! 1.0.3, which has no write-only attributes. Each run has its own emulator
//! and working directories; what the scenarios do at the router by hand goes
//! over REST.

use std::path::{Path, PathBuf};

use acceptance::harness::{
    Output, ProviderBlock, Scheme, Terraform, Workdir, for_each_of_schemes,
    for_each_terraform_rotating_schemes, for_rotating_scheme, hcl_string,
};
use acceptance::harness::{assert_provider_reached, resource_values_in, rest, sim_for};
use acceptance::sim::Sim;
use age::secrecy::ExposeSecret;
use base64::Engine as _;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ADDR: &str = "routeros_system_backup.test";
const CAK: &str = "5f0c2a9e8d7b6a5948372615f4e3d2c1";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn provider(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    ProviderBlock::for_sim(sim, scheme)
}

/// Gives the router some configuration worth backing up: a MACsec interface
/// with a known CAK.
fn configure_router(sim: &Sim) {
    let (status, body) = rest(
        sim,
        Method::PUT,
        "/interface/macsec",
        Some(json!({"interface": "ether1", "name": "macsec1", "cak": CAK, "ckn": "abcd"})),
    );
    assert_eq!(status, 200, "{body}");
}

/// A fresh age identity for a scenario's local files (also the
/// `every_transport` suite's).
pub(super) struct AgeKey {
    identity: age::x25519::Identity,
}

impl AgeKey {
    pub(super) fn new() -> AgeKey {
        AgeKey {
            identity: age::x25519::Identity::generate(),
        }
    }

    pub(super) fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }

    pub(super) fn identity_text(&self) -> String {
        self.identity.to_string().expose_secret().to_string()
    }

    #[track_caller]
    pub(super) fn decrypt(&self, path: &Path) -> Vec<u8> {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        assert!(
            bytes.starts_with(b"age-encryption.org/v1"),
            "{} is not an age file",
            path.display()
        );
        age::decrypt(&self.identity, &bytes).expect("decrypt with the test identity")
    }

    /// `text` age-encrypted to this key, as base64 of the binary age file
    /// (what `filebase64()` gives).
    pub(super) fn encrypt_b64(&self, text: &str) -> String {
        let bytes = age::encrypt(&self.identity.to_public(), text.as_bytes()).expect("encrypt");
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A directory for local backups inside the working directory.
fn backup_dir(wd: &Workdir) -> PathBuf {
    let dir = wd.path().join("backups");
    std::fs::create_dir_all(&dir).expect("create backups/");
    dir
}

/// Entries of `dir` whose name says they are temporary download files.
fn partial_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".partial"))
                .collect()
        })
        .unwrap_or_default()
}

fn backup_files(sim: &Sim) -> Vec<String> {
    sim.files()
        .into_iter()
        .filter(|f| f.get("type").map(String::as_str) == Some("backup"))
        .map(|f| f["name"].clone())
        .collect()
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v:#}"))
        .to_string()
}

/// One `routeros_system_backup "test"` block from attribute lines.
fn backup_block(lines: &[String]) -> String {
    let mut out = String::from("resource \"routeros_system_backup\" \"test\" {\n");
    for l in lines {
        out.push_str("  ");
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

fn attr(name: &str, value: &str) -> String {
    format!("{name} = {}", hcl_string(value))
}

fn list_attr(name: &str, values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| hcl_string(v)).collect();
    format!("{name} = [{}]", items.join(", "))
}

#[track_caller]
fn assert_nothing_written(dir: &Path, target: &Path) {
    assert!(!target.exists(), "{} must not exist", target.display());
    let partial = partial_files(dir);
    assert!(
        partial.is_empty(),
        "temporary files left behind: {partial:?}"
    );
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

/// Create (password from `password_age`, local copy age-encrypted), clean
/// plan, replace on trigger, local file deleted out of band, destroy; the
/// decrypted local file is byte for byte what the router saved, and the
/// password reached the router (a load with it works, with another fails).
#[test]
fn backup_lifecycle_with_age() {
    for_rotating_scheme(|tf: &Terraform, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let key = AgeKey::new();
        let password = "backup-pass-7f3a";
        let mut wd = tf.workdir("");
        wd.set_env("ROUTEROS_AGE_IDENTITY", key.identity_text());
        let dir = backup_dir(&wd);
        let path = dir.join("edge1.backup");
        let main_tf_with = |trigger: &str, extra: &str| {
            provider(&sim, scheme).main_tf(&backup_block(&[
                attr("path", &path.to_string_lossy()),
                attr("password_age", &key.encrypt_b64(password)),
                list_attr("age_recipients", &[key.recipient()]),
                format!("triggers = {{ run = {} }}", hcl_string(trigger)),
                // A timeouts block is kept as written: no drift from it.
                "timeouts {\n    create = \"10m\"\n  }".to_string(),
                extra.to_string(),
            ]))
        };
        let main_tf = |trigger: &str| main_tf_with(trigger, "");
        wd.write_main_tf(&main_tf("1"));

        // Create.
        wd.apply();
        let whole = wd.state_json();
        let state = resource_values_in(&whole, ADDR);
        let output_path = PathBuf::from(text(&state, "output_path"));
        assert_eq!(output_path, dir.join("edge1.backup.age"), ".age appended");
        assert!(!path.exists(), "nothing at the bare path");
        let file_name = text(&state, "file_name");
        assert!(
            file_name.starts_with("terraform-backup-") && file_name.ends_with(".backup"),
            "{file_name}"
        );
        assert_eq!(text(&state, "id"), file_name);
        assert_eq!(text(&state, "routeros_version"), "7.18");
        assert!(text(&state, "created_at").ends_with('Z'));
        let saved = sim
            .written_file(&file_name)
            .expect("the router saved the backup");
        let local = key.decrypt(&output_path);
        assert_eq!(
            local, saved,
            "the decrypted local file is what the router saved"
        );
        assert_eq!(state["size"], json!(saved.len()));
        assert_eq!(
            text(&state, "sha256"),
            sha256_hex(&std::fs::read(&output_path).unwrap())
        );
        assert!(
            sim.file(&file_name).is_none(),
            "the router's copy is removed"
        );
        assert!(partial_files(&dir).is_empty());
        assert!(
            !whole.to_string().contains(password),
            "no password in state"
        );

        // The password reached the router: loading needs it.
        sim.put_file("restore.backup", saved.clone());
        let (status, body) = rest(
            &sim,
            Method::POST,
            "/system/backup/load",
            Some(json!({"name": "restore.backup", "password": "wrong"})),
        );
        assert_eq!(status, 400, "{body}");
        let (status, body) = rest(
            &sim,
            Method::POST,
            "/system/backup/load",
            Some(json!({"name": "restore.backup", "password": password})),
        );
        assert_eq!(status, 200, "{body}");

        // Clean plan.
        wd.assert_no_changes();

        // A new trigger replaces the backup.
        wd.write_main_tf(&main_tf("2"));
        wd.show_json_plan()
            .assert_actions(ADDR, &["delete", "create"]);
        wd.apply_saved_plan();
        let replaced = wd.resource_values(ADDR);
        assert_ne!(text(&replaced, "file_name"), file_name);
        assert_ne!(text(&replaced, "sha256"), text(&state, "sha256"));
        let saved2 = sim.written_file(&text(&replaced, "file_name")).unwrap();
        assert_eq!(key.decrypt(&output_path), saved2);
        wd.assert_no_changes();

        // The local file deleted out of band: the next plan takes a new backup.
        std::fs::remove_file(&output_path).unwrap();
        let out = wd.plan_exitcode();
        out.assert_code(2);
        wd.apply();
        assert!(output_path.exists());
        wd.assert_no_changes();
        // A local file changed out of band: no longer the one this resource
        // wrote, so it is left alone unless `overwrite = true`.
        std::fs::write(&output_path, b"tampered").unwrap();
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Unusable local path", "overwrite = true"]);
        assert_eq!(std::fs::read(&output_path).unwrap(), b"tampered");
        wd.write_main_tf(&main_tf_with("2", "overwrite = true"));
        wd.apply();
        assert_eq!(
            key.decrypt(&output_path),
            sim.written_file(&text(&wd.resource_values(ADDR), "file_name"))
                .unwrap()
        );

        // Destroy leaves the local file alone.
        wd.destroy();
        assert!(output_path.exists(), "destroy keeps the local backup");
        assert!(
            backup_files(&sim).iter().all(|n| n == "restore.backup"),
            "{:?}",
            backup_files(&sim)
        );
        assert_provider_reached(&sim, scheme);
    });
}

/// `keep_on_router`: the router keeps its copy until destroy removes it; the
/// local file (unencrypted, `dont_encrypt`) equals the router's file.
#[test]
fn kept_router_copy_is_removed_on_destroy() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let wd = tf.workdir("");
        let dir = backup_dir(&wd);
        let path = dir.join("plain.backup");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            attr("name", "nightly"),
            "dont_encrypt = true".into(),
            "keep_on_router = true".into(),
        ])));
        wd.apply();
        let state = wd.resource_values(ADDR);
        assert_eq!(text(&state, "file_name"), "nightly.backup");
        let on_router = sim.file("nightly.backup").expect("kept on the router");
        assert_eq!(std::fs::read(&path).unwrap(), on_router);
        assert_eq!(text(&state, "output_path"), path.to_string_lossy());
        assert!(
            String::from_utf8_lossy(&on_router).contains(CAK),
            "an unencrypted backup holds the CAK in the clear"
        );
        wd.assert_no_changes();
        wd.destroy();
        assert!(
            sim.file("nightly.backup").is_none(),
            "destroy removes the kept copy"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            on_router,
            "and leaves the local file"
        );
    });
}

/// `password_wo` on Terraform 1.11+: the password reaches the router and
/// never the state or plan; older Terraform gets a clear error.
#[test]
fn write_only_password() {
    let terraforms = Terraform::available();
    for_each_terraform_rotating_schemes(&terraforms, |tf, scheme| {
        let sim = sim_for("7.18", scheme);
        let wd = tf.workdir("");
        let dir = backup_dir(&wd);
        let path = dir.join("wo.backup");
        let password = "wo-secret-91bd";
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            attr("password_wo", password),
            "password_wo_version = 1".into(),
        ])));
        if tf.version_tuple() < (1, 11, 0) {
            let out = wd.try_apply();
            out.assert_failure();
            out.assert_stderr_mentions(&["write-only", "1.11"]);
            assert_nothing_written(&dir, &path);
            assert!(backup_files(&sim).is_empty());
            return;
        }
        let plan = wd.show_json_plan();
        // `configuration` quotes main.tf (where the test wrote the literal); what
        // Terraform planned and will store must not hold it.
        for part in ["planned_values", "resource_changes", "prior_state"] {
            let json = plan
                .json
                .get(part)
                .map(Value::to_string)
                .unwrap_or_default();
            assert!(!json.contains(password), "password in the plan's {part}");
        }
        assert!(
            !plan.output.stdout.contains(password),
            "password in the plan output"
        );
        wd.apply_saved_plan();
        let whole = wd.state_json();
        let state = resource_values_in(&whole, ADDR);
        assert!(
            !whole.to_string().contains(password),
            "no password in state"
        );
        let saved = sim.written_file(&text(&state, "file_name")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), saved);
        assert_eq!(saved[8], 1, "RouterOS encrypted it (aes-sha256)");
        sim.put_file("check.backup", saved);
        let (status, body) = rest(
            &sim,
            Method::POST,
            "/system/backup/load",
            Some(json!({"name": "check.backup", "password": password})),
        );
        assert_eq!(status, 200, "{body}");
        wd.assert_no_changes();
        // A new version takes a new backup.
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            attr("password_wo", password),
            "password_wo_version = 2".into(),
        ])));
        wd.show_json_plan()
            .assert_actions(ADDR, &["delete", "create"]);
    });
}

/// The peak resident memory the provider logged after a download (kB).
fn logged_peak_kib(out: &Output) -> u64 {
    let marker = "provider peak memory (VmHWM) ";
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("the provider logged no peak memory:\n{out}"));
    let rest = &line[line.find(marker).unwrap() + marker.len()..];
    rest.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unreadable peak memory in {line:?}"))
}

/// A 20 MB backup streams to disk (age-encrypted) with the provider's peak
/// memory under 64 MB, over both download paths: REST (`http://`) and the
/// API (`apis://`, TLS). How the provider downloads does not depend on the
/// Terraform that drives it, and each run costs seconds of CPU, so only the
/// newest Terraform runs it, and `https://` and `api://` (the same download
/// code with and without TLS) only with `TF_ACC_ALL_SCHEMES=1`; the
/// `every_transport` suite downloads a backup over all four.
#[test]
fn twenty_megabyte_backup_streams_with_flat_memory() {
    const PADDING: usize = 20 * 1024 * 1024;
    let tf = &Terraform::newest();
    for_each_of_schemes(&[Scheme::Http, Scheme::Apis], |scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        sim.set_backup_padding(PADDING);
        let key = AgeKey::new();
        let wd = tf.workdir("");
        let dir = backup_dir(&wd);
        let path = dir.join("big.backup");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            "dont_encrypt = true".into(),
            list_attr("age_recipients", &[key.recipient()]),
        ])));
        let out = wd.run_env(
            &["apply", "-auto-approve", "-input=false", "-no-color"],
            &[("TF_LOG", "info")],
        );
        out.assert_success();
        let state = wd.resource_values(ADDR);
        let saved = sim.written_file(&text(&state, "file_name")).unwrap();
        assert!(saved.len() > PADDING, "{} bytes", saved.len());
        assert_eq!(state["size"], json!(saved.len()));
        assert_eq!(key.decrypt(&dir.join("big.backup.age")), saved);
        let peak = logged_peak_kib(&out);
        println!(
            "Terraform {} over {scheme}: a {:.1} MB backup downloaded with the provider's peak RSS (VmHWM) at {:.1} MB",
            tf.version(),
            saved.len() as f64 / 1_048_576.0,
            peak as f64 / 1024.0
        );
        assert!(
            peak < 64 * 1024,
            "peak memory {peak} kB over {scheme} is not under 64 MB"
        );
    });
}

/// Bad input fails with a clear diagnostic and leaves no file behind.
#[test]
fn bad_input_is_refused_cleanly() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        let wd = tf.workdir("");
        let dir = backup_dir(&wd);

        // A directory that does not exist.
        let missing = dir.join("no-such-dir").join("x.backup");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &missing.to_string_lossy()),
            "dont_encrypt = true".into(),
        ])));
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Unusable local path", "does not exist"]);
        assert!(!missing.exists());

        // A path below a regular file (not writable as a directory).
        let file = dir.join("a-file");
        std::fs::write(&file, b"x").unwrap();
        let below = file.join("x.backup");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &below.to_string_lossy()),
            "dont_encrypt = true".into(),
        ])));
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Unusable local path"]);

        // Recipients that are not age recipients: named by index, not echoed.
        let path = dir.join("r.backup");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            "dont_encrypt = true".into(),
            list_attr("age_recipients", &["not-a-recipient-xyz".to_string()]),
        ])));
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Invalid recipients", "recipient [0] is invalid"]);
        // Terraform quotes the configuration line; the provider's message does not repeat it.
        assert_eq!(
            out.stderr.matches("not-a-recipient-xyz").count(),
            1,
            "the entry is echoed by the provider:\n{out}"
        );
        assert_nothing_written(&dir, &path);

        // No protection chosen.
        wd.write_main_tf(
            &provider(&sim, scheme)
                .main_tf(&backup_block(&[attr("path", &path.to_string_lossy())])),
        );
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Backup protection not chosen", "dont_encrypt = true"]);
        assert_nothing_written(&dir, &path);
        assert!(
            backup_files(&sim).is_empty(),
            "nothing was saved on the router"
        );
    });
}

/// Regression: a `path` naming a device node was replaced by a regular
/// file holding the backup (apply said success), a symlink was replaced,
/// and an unrelated file was overwritten. Each is now a plan-time error
/// against `path`, nothing is saved on the router, and the thing at `path`
/// is untouched; `overwrite = true` replaces only a regular file.
#[test]
fn special_files_and_foreign_files_at_path_are_refused_at_plan() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        let wd = tf.workdir("");
        let dir = backup_dir(&wd);
        let fifo = dir.join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let real = dir.join("notes.txt");
        std::fs::write(&real, b"not a backup").unwrap();
        let link = dir.join("link.backup");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        for (path, phrase, overwrite) in [
            (PathBuf::from("/dev/null"), "character device", true),
            (fifo.clone(), "FIFO", true),
            (link.clone(), "symbolic link", true),
            (dir.clone(), "is a directory", false),
            (real.clone(), "overwrite = true", false),
        ] {
            let mut lines = vec![
                attr("path", &path.to_string_lossy()),
                "dont_encrypt = true".into(),
            ];
            if overwrite {
                lines.push("overwrite = true".into());
            }
            wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&lines)));
            let out = wd.plan_exitcode();
            out.assert_failure();
            out.assert_stderr_mentions(&["Unusable local path", phrase]);
            assert!(out.stderr.contains("path"), "{out}");
        }
        assert!(backup_files(&sim).is_empty(), "nothing saved on the router");
        assert_eq!(std::fs::read(&real).unwrap(), b"not a backup");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // With overwrite = true, the regular file is replaced by the backup.
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &real.to_string_lossy()),
            "dont_encrypt = true".into(),
            "overwrite = true".into(),
        ])));
        wd.apply();
        let state = wd.resource_values(ADDR);
        assert_eq!(
            text(&state, "sha256"),
            sha256_hex(&std::fs::read(&real).unwrap())
        );
        assert!(partial_files(&dir).is_empty());
    });
}

/// RouterOS before 7.13 has no `/file/read`: a small backup downloads
/// through `contents`, a large one fails clearly, leaving no local file and
/// no router copy.
#[test]
fn old_router_without_file_read() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.12", scheme);
        configure_router(&sim);
        let wd = tf.workdir("");
        let dir = backup_dir(&wd);
        let path = dir.join("old.backup");
        let main_tf = provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            "dont_encrypt = true".into(),
        ]));
        wd.write_main_tf(&main_tf);
        let out = wd.apply();
        assert!(
            acceptance::harness::normalise(&out.stdout).contains("old routeros"),
            "plan warns about the 60 KB limit:\n{out}"
        );
        let state = wd.resource_values(ADDR);
        let saved = sim.written_file(&text(&state, "file_name")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), saved);
        assert!(!sim.request_log().iter().any(|l| l.contains("/file/read")));
        wd.destroy();
        std::fs::remove_file(&path).unwrap();

        sim.set_backup_padding(200_000);
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["RouterOS 7.12", "7.13", "61440 bytes"]);
        assert_nothing_written(&dir, &path);
        assert!(
            backup_files(&sim).is_empty(),
            "the router copy is removed: {:?}",
            sim.files()
        );
    });
}

/// Regression: a lost reply to `/system/backup/save` left the backup on the
/// router. The provider now removes it; when that fails too, the error
/// names the file and the next apply removes it.
#[test]
fn lost_save_reply_leaves_no_backup_on_the_router() {
    use acceptance::sim::{ApiFault, RestFault};
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let wd = tf.workdir("");
        let path = backup_dir(&wd).join("b.backup");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&backup_block(&[
            attr("path", &path.to_string_lossy()),
            "dont_encrypt = true".into(),
        ])));
        let lose_save = || {
            if scheme.is_api() {
                sim.inject_api_fault(ApiFault::DropMidReply("/system/backup/save".into()));
            } else {
                sim.inject_rest_fault(RestFault::DropReply("POST /rest/system/backup/save".into()));
            }
        };
        lose_save();
        wd.try_apply().assert_failure();
        assert!(backup_files(&sim).is_empty(), "{:?}", backup_files(&sim));

        lose_save();
        if scheme.is_api() {
            for _ in 0..2 {
                sim.inject_api_fault(ApiFault::DropMidReply("/file/print".into()));
            }
        } else {
            sim.inject_rest_fault(RestFault::DropReply("GET /rest/file".into()));
        }
        let out = wd.try_apply();
        out.assert_failure();
        let left = backup_files(&sim);
        assert_eq!(left.len(), 1, "{left:?}");
        out.assert_stderr_mentions(&["File left on the router", &left[0]]);
        wd.apply();
        assert!(backup_files(&sim).is_empty(), "{:?}", backup_files(&sim));
        assert!(path.exists());
        wd.assert_no_changes();
    });
}
