//! `examples/gitops/` applied as it is committed, against two cabled
//! emulators (core ether1 <-> edge ether1), with the example's TEST identity
//! in `SOPS_AGE_KEY_FILE` as a SOPS user would have it:
//!
//! - apply: both routers get the CAK of `keys/uplink.cak.age` and the router
//!   password of `keys/router.password.age`; the link is `open-encrypted`;
//! - re-encrypting the same key to one more recipient changes no router: the
//!   plan shows the new ciphertext only, and applying it writes no CAK;
//! - rotation: `cak_file = "uplink-next.cak.age"` changes both ends in one
//!   apply, and the link is `open-encrypted` again with the new key.
//!
//! Runs on the newest Terraform, with its own pair of emulators.

use std::path::PathBuf;

use acceptance::harness::secrets::{decrypt, macsec_row, sets_the_key};
use acceptance::harness::{Terraform, Workdir, for_newest_terraform, workspace_root};
use acceptance::sim::{Sim, SimConfig};
use serde_json::Value;

/// The password `keys/router.password.age` holds (a test value).
const TEST_PASSWORD: &str = "gitops-example-TEST-password";

fn example_dir() -> PathBuf {
    workspace_root().join("examples").join("gitops")
}

fn read_example(rel: &str) -> String {
    let path = example_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The example's test identity (its one `AGE-SECRET-KEY-1` line).
fn test_identity() -> String {
    read_example("test-identity.txt")
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("an identity line in test-identity.txt")
        .to_string()
}

fn start_router() -> Sim {
    Sim::spawn(SimConfig {
        password: TEST_PASSWORD.into(),
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// A working directory holding a copy of the example.
fn copy_example(tf: &Terraform) -> Workdir {
    let mut wd = Workdir::new(tf, &read_example("main.tf"));
    std::fs::create_dir_all(wd.path().join("keys")).expect("keys/");
    for entry in std::fs::read_dir(example_dir().join("keys")).expect("examples/gitops/keys") {
        let entry = entry.expect("dir entry");
        let name = format!("keys/{}", entry.file_name().to_string_lossy());
        wd.write_file(
            &name,
            &std::fs::read_to_string(entry.path()).expect("key file"),
        );
    }
    // As a SOPS user has it: the identity file named in the environment.
    wd.set_env("SOPS_AGE_KEY_FILE", example_dir().join("test-identity.txt"));
    wd
}

fn vars(core: &Sim, edge: &Sim, cak_file: &str) -> Vec<String> {
    vec![
        format!("-var=core_url={}", core.http_url()),
        format!("-var=edge_url={}", edge.http_url()),
        format!("-var=cak_file={cak_file}"),
    ]
}

fn terraform(wd: &Workdir, command: &[&str], vars: &[String]) -> acceptance::harness::Output {
    let mut args: Vec<&str> = command.to_vec();
    args.extend(vars.iter().map(String::as_str));
    wd.run(&args)
}

#[track_caller]
fn assert_link(core: &Sim, edge: &Sim, cak: &str) {
    for (name, sim) in [("core", core), ("edge", edge)] {
        let row = macsec_row(sim, "macsec-uplink");
        assert_eq!(
            row.get("cak").map(String::as_str),
            Some(cak),
            "{name}: {row:?}"
        );
        assert_eq!(
            row.get("status").map(String::as_str),
            Some("open-encrypted"),
            "{name}: {row:?}"
        );
    }
}

fn fingerprint(wd: &Workdir, address: &str) -> String {
    wd.resource_values(address)["cak_fingerprint"]
        .as_str()
        .expect("cak_fingerprint")
        .to_string()
}

fn scenario(tf: &Terraform) {
    let (core, edge) = (start_router(), start_router());
    Sim::pair(&core, "ether1", &edge, "ether1").expect("cable ether1 to ether1");
    let wd = copy_example(tf);
    let identity = test_identity();
    let cak = decrypt(&identity, &read_example("keys/uplink.cak.age"));
    let next = decrypt(&identity, &read_example("keys/uplink-next.cak.age"));
    let now = vars(&core, &edge, "uplink.cak.age");

    terraform(
        &wd,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &now,
    )
    .assert_success();
    assert_link(&core, &edge, &cak);
    terraform(
        &wd,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
        &now,
    )
    .assert_code(0);
    let fp_core = fingerprint(&wd, "routeros_macsec_key.core");
    let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).expect("state");
    assert!(
        !state.contains(&cak) && !state.contains(TEST_PASSWORD),
        "a secret is in state"
    );

    // Re-encrypt the same key to one more recipient: no router change.
    let (_, another) = acceptance::harness::secrets::identity();
    let recipients = format!("{}\n{another}", read_example("keys/recipients.txt"));
    let reencrypted = encrypt_to_many(&recipients, &cak);
    wd.write_file("keys/uplink.cak.age", &reencrypted);
    let plan = terraform(
        &wd,
        &[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-out=tfplan",
        ],
        &now,
    );
    plan.assert_code(2);
    let show = wd.run(&["show", "-json", "-no-color", "tfplan"]);
    show.assert_success();
    let changes = show.json()["resource_changes"].clone();
    for change in changes.as_array().expect("resource_changes") {
        if change["type"] == "routeros_macsec_key" {
            let (before, after) = (&change["change"]["before"], &change["change"]["after"]);
            assert_eq!(
                before["cak_fingerprint"], after["cak_fingerprint"],
                "{change:#}"
            );
            assert_ne!(before["cak_age"], after["cak_age"], "{change:#}");
        } else {
            assert_eq!(
                change["change"]["actions"],
                Value::from(vec!["no-op"]),
                "{change:#}"
            );
        }
    }
    let writes_before = key_writes(&core) + key_writes(&edge);
    wd.run(&["apply", "-input=false", "-no-color", "tfplan"])
        .assert_success();
    assert_eq!(
        key_writes(&core) + key_writes(&edge),
        writes_before,
        "re-encryption wrote a CAK"
    );
    assert_eq!(fingerprint(&wd, "routeros_macsec_key.core"), fp_core);
    assert_link(&core, &edge, &cak);

    // Rotation on both ends in one apply.
    let rotated = vars(&core, &edge, "uplink-next.cak.age");
    terraform(
        &wd,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &rotated,
    )
    .assert_success();
    assert_link(&core, &edge, &next);
    assert_ne!(fingerprint(&wd, "routeros_macsec_key.core"), fp_core);
    terraform(
        &wd,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
        &rotated,
    )
    .assert_code(0);
}

/// How many requests wrote a CAK to `sim`.
fn key_writes(sim: &Sim) -> usize {
    sim.request_log().iter().filter(|l| sets_the_key(l)).count()
}

/// `plaintext` encrypted to every `age1...` line of `recipients`.
fn encrypt_to_many(recipients: &str, plaintext: &str) -> String {
    use std::io::Write;
    let parsed: Vec<age::x25519::Recipient> = recipients
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("age1"))
        .map(|l| l.parse().expect("recipient"))
        .collect();
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
            .expect("recipients");
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .expect("armor");
    let mut w = encryptor.wrap_output(armor).expect("header");
    w.write_all(plaintext.as_bytes()).expect("write");
    w.finish().and_then(|a| a.finish()).expect("finish");
    String::from_utf8(out).expect("text")
}

#[test]
fn gitops_example_applies_reencrypts_and_rotates() {
    for_newest_terraform(scenario);
}
