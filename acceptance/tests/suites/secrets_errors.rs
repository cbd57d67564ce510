//! What a user sees when an age input cannot be used, on the real
//! Terraform CLI against routeros-sim:
//!
//! - no identity anywhere: the diagnostic names every attribute and
//!   environment variable it looked at;
//! - the wrong identity: "no identity matches", naming the attribute;
//! - broken armor: "malformed age armor";
//! - a ciphertext that decrypts to something that is not a CAK: said so,
//!   without echoing the plaintext;
//! - `cak_wo` on Terraform 1.0.3: which version it needs and what to use
//!   instead; an `ephemeral` block there is Terraform's own syntax error;
//! - two CAK inputs at once.

use acceptance::harness::secrets::*;
use acceptance::harness::{Output, Terraform, Workdir, for_each_terraform, for_newest_terraform};
use acceptance::sim::{Sim, SimConfig};

/// A working directory for `body` whose provider has the password in the
/// clear and no identity, in an environment without any (`HOME` empty).
fn workdir(tf: &Terraform, sim: &Sim, body: &str) -> (Workdir, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("empty HOME");
    let mut wd = Workdir::new(tf, &main_tf(&provider_block(sim, false, None), body));
    wd.set_env("HOME", home.path());
    for var in [
        "XDG_CONFIG_HOME",
        "SOPS_AGE_KEY",
        "SOPS_AGE_KEY_FILE",
        "APPDATA",
    ] {
        wd.remove_env(var);
    }
    (wd, home)
}

fn plan(wd: &Workdir) -> Output {
    wd.run(&["plan", "-input=false", "-no-color"])
}

fn start() -> Sim {
    Sim::spawn(SimConfig::default()).expect("start routeros-sim")
}

#[test]
fn no_identity_names_every_place_looked_at() {
    for_newest_terraform(|tf| {
        let sim = start();
        let (_, recipient) = identity();
        let (wd, _home) = workdir(tf, &sim, &key_config(Style::Age, &recipient, 1));
        wd.write_file("uplink.cak.age", &encrypt(&recipient, &random_cak()));
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&[
            "No age identity to decrypt `cak_age`",
            "age_identity`",
            "age_identity_file",
            "ROUTEROS_AGE_IDENTITY,",
            "ROUTEROS_AGE_IDENTITY_FILE",
            "SOPS_AGE_KEY,",
            "SOPS_AGE_KEY_FILE",
            "SOPS's default key file",
        ]);
    });
}

#[test]
fn no_identity_for_the_router_password() {
    for_newest_terraform(|tf| {
        let sim = start();
        let (_, recipient) = identity();
        let home = tempfile::tempdir().expect("empty HOME");
        let provider = provider_block(&sim, true, None);
        let mut wd = Workdir::new(tf, &main_tf(&provider, &key_config(Style::Plain, "", 1)));
        wd.set_env("HOME", home.path());
        wd.set_env("TF_VAR_cak", random_cak());
        wd.remove_env("SOPS_AGE_KEY_FILE");
        wd.remove_env("SOPS_AGE_KEY");
        wd.remove_env("XDG_CONFIG_HOME");
        wd.write_file("router.password.age", &encrypt(&recipient, sim.password()));
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&[
            "No age identity to decrypt `password_age`",
            "SOPS_AGE_KEY_FILE",
        ]);
        assert!(!out.stderr.contains(sim.password()));
    });
}

#[test]
fn wrong_identity_says_no_identity_matches() {
    for_newest_terraform(|tf| {
        let sim = start();
        let (_, recipient) = identity();
        let (other, _) = identity();
        let (mut wd, _home) = workdir(tf, &sim, &key_config(Style::Age, &recipient, 1));
        wd.write_file("uplink.cak.age", &encrypt(&recipient, &random_cak()));
        wd.set_env("ROUTEROS_AGE_IDENTITY", &other);
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&[
            "No identity matches `cak_age`",
            "environment variable ROUTEROS_AGE_IDENTITY",
        ]);
        assert!(!out.stderr.contains(&other), "the identity was printed");
    });
}

#[test]
fn malformed_armor_is_reported() {
    for_newest_terraform(|tf| {
        let sim = start();
        let (id, recipient) = identity();
        let (mut wd, _home) = workdir(tf, &sim, &key_config(Style::Age, &recipient, 1));
        let good = encrypt(&recipient, &random_cak());
        let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
        lines[1].replace_range(5..9, "!!!!");
        wd.write_file("uplink.cak.age", &(lines.join("\n") + "\n"));
        wd.set_env("ROUTEROS_AGE_IDENTITY", &id);
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&[
            "Malformed age armor in `cak_age`",
            "BEGIN AGE ENCRYPTED FILE",
        ]);
    });
}

#[test]
fn plaintext_that_is_not_a_cak_is_refused_without_echo() {
    for_newest_terraform(|tf| {
        let sim = start();
        let (id, recipient) = identity();
        let (mut wd, _home) = workdir(tf, &sim, &key_config(Style::Age, &recipient, 1));
        let not_a_cak = "correct-HORSE-battery-staple-0451";
        wd.write_file("uplink.cak.age", &encrypt(&recipient, not_a_cak));
        wd.set_env("ROUTEROS_AGE_IDENTITY", &id);
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&["`cak_age` does not decrypt to a CAK", "32 hexadecimal"]);
        for text in [&out.stderr, &out.stdout] {
            assert!(
                !text.contains("HORSE") && !text.contains("battery"),
                "plaintext echoed:\n{out}"
            );
        }
    });
}

#[test]
fn two_cak_inputs_are_refused() {
    for_newest_terraform(|tf| {
        let sim = start();
        let (id, recipient) = identity();
        let body = key_config(Style::Age, &recipient, 1).replace(
            "  cak_age = file(\"uplink.cak.age\")\n",
            "  cak_age = file(\"uplink.cak.age\")\n  cak = \"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"\n",
        );
        let (mut wd, _home) = workdir(tf, &sim, &body);
        wd.write_file("uplink.cak.age", &encrypt(&recipient, &random_cak()));
        wd.set_env("ROUTEROS_AGE_IDENTITY", &id);
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&["exactly one", "cak_age", "cak_wo"]);
    });
}

#[test]
fn write_only_and_ephemeral_on_old_terraform_say_what_to_do() {
    for_each_terraform(|tf| {
        if tf.version_tuple() >= (1, 11, 0) {
            return;
        }
        let sim = start();
        // cak_wo from a variable: the provider's diagnostic.
        let (mut wd, _home) = workdir(
            tf,
            &sim,
            &key_config(Style::Plain, "", 1).replace(
                "  cak = var.cak\n",
                "  cak_wo = var.cak\n  cak_wo_version = 1\n",
            ),
        );
        wd.set_env("TF_VAR_cak", random_cak());
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&[
            "Write-only attribute not supported",
            "Terraform 1.11",
            "cak_age",
        ]);
        // An ephemeral block: Terraform's own syntax error, before the provider.
        let (_, recipient) = identity();
        let (wd, _home2) = workdir(
            tf,
            &sim,
            &key_config(Style::WriteOnlyEphemeral, &recipient, 1),
        );
        wd.write_file("uplink.cak.age", &encrypt(&recipient, &random_cak()));
        let out = plan(&wd);
        out.assert_failure();
        out.assert_stderr_mentions(&["Unsupported block type", "ephemeral"]);
    });
}
