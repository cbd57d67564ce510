//! How the provider trusts the router's TLS certificate, as RouterOS users
//! have it: the router's own self-signed certificate (`/certificate add` +
//! `sign`: `CA:TRUE`, `keyCertSign`) given as `ca_certificate`, or its
//! SHA-256 as `tls_fingerprint`; warnings in every plan and apply for
//! connections that expose the password and the CAKs; a bad CA file
//! reported against `ca_certificate`.

use acceptance::harness::{Output, Terraform, for_newest_terraform, hcl_string, terraform_block};
use acceptance::sim::{Sim, SimConfig};

const BODY: &str = "data \"routeros_system_resource\" \"r\" {}\n\
output \"version\" {\n  value = data.routeros_system_resource.r.version\n}\n";

fn self_signed_sim() -> Sim {
    Sim::spawn(SimConfig {
        routeros_self_signed: true,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// A `main.tf` with a provider block of `url`, the emulator's user and the
/// extra `lines`.
fn main_tf(sim: &Sim, url: &str, lines: &[String]) -> String {
    let mut block = format!(
        "provider \"routeros\" {{\n  url = {}\n  username = {}\n  password = {}\n",
        hcl_string(url),
        hcl_string(sim.username()),
        hcl_string(sim.password())
    );
    for line in lines {
        block.push_str(&format!("  {line}\n"));
    }
    block.push_str("}\n");
    format!("{}\n{block}\n{BODY}", terraform_block())
}

fn all_text(out: &Output) -> String {
    format!("{}\n{}", out.stdout, out.stderr)
}

/// Regression: RouterOS's self-signed certificate as `ca_certificate`
/// failed with `CaUsedAsEndEntity` over https:// and apis://, leaving only
/// `insecure = true`. It works now, as does its fingerprint in the form
/// `/certificate print detail` shows and with colons.
#[test]
fn routeros_self_signed_certificate_is_trusted_by_file_and_by_fingerprint() {
    for_newest_terraform(|tf: &Terraform| {
        let sim = self_signed_sim();
        let ca = sim.ca_certificate_path().unwrap();
        let fp = sim.certificate_fingerprint().unwrap();
        let colons = fp
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap().to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(":");
        let wd = tf.workdir("");
        for url in [sim.https_url().unwrap(), sim.apis_url().unwrap()] {
            for line in [
                format!("ca_certificate = {}", hcl_string(&ca.to_string_lossy())),
                format!("tls_fingerprint = {}", hcl_string(&fp)),
                format!("tls_fingerprint = {}", hcl_string(&colons)),
            ] {
                wd.write_main_tf(&main_tf(&sim, &url, std::slice::from_ref(&line)));
                let out = wd.try_apply();
                assert!(out.success(), "{url} with {line}:\n{out}");
                assert!(!all_text(&out).contains("Warning: TLS"), "{out}");
            }
            // Another certificate's fingerprint is refused, naming it.
            let wrong = "ab".repeat(32);
            wd.write_main_tf(&main_tf(
                &sim,
                &url,
                &[format!("tls_fingerprint = {}", hcl_string(&wrong))],
            ));
            let out = wd.try_apply();
            out.assert_failure();
            out.assert_stderr_mentions(&["not trusted", "tls_fingerprint", &wrong]);
        }
    });
}

/// Regression: `insecure = true`, `http://` and `api://` printed no warning,
/// and a `ca_certificate` with `http://` was silently ignored. Each now
/// warns in plan and in apply, naming what is exposed.
#[test]
fn unprotected_connections_warn_in_every_plan_and_apply() {
    for_newest_terraform(|tf: &Terraform| {
        let sim = self_signed_sim();
        let ca = sim.ca_certificate_path().unwrap();
        let wd = tf.workdir("");
        let cases = [
            (
                sim.https_url().unwrap(),
                vec!["insecure = true".to_string()],
                vec!["TLS certificate checks are off", "password", "CAK"],
            ),
            (
                sim.http_url(),
                vec![format!(
                    "ca_certificate = {}",
                    hcl_string(&ca.to_string_lossy())
                )],
                vec![
                    "Unencrypted connection to the router",
                    "clear text",
                    "`ca_certificate` is ignored",
                ],
            ),
            (
                sim.api_url().unwrap(),
                vec![],
                vec!["Unencrypted connection to the router", "apis://"],
            ),
        ];
        for (url, lines, phrases) in cases {
            wd.write_main_tf(&main_tf(&sim, &url, &lines));
            for args in [
                &["plan", "-input=false", "-no-color"][..],
                &["apply", "-auto-approve", "-input=false", "-no-color"][..],
            ] {
                let out = wd.run(args);
                assert!(out.success(), "{url} {args:?}:\n{out}");
                let text = all_text(&out);
                for phrase in &phrases {
                    assert!(
                        text.contains(phrase),
                        "{url} {args:?}: no {phrase:?}:\n{out}"
                    );
                }
            }
        }
    });
}

/// Regression: a truncated or garbage CA file was reported as a problem
/// with `url` ("invalid ... url"); it is now an error against
/// `ca_certificate` saying what is wrong with the file.
#[test]
fn bad_ca_files_are_reported_against_ca_certificate() {
    for_newest_terraform(|tf: &Terraform| {
        let sim = self_signed_sim();
        let pem = sim.ca_certificate_pem().unwrap();
        let wd = tf.workdir("");
        let truncated = wd.path().join("truncated.pem");
        std::fs::write(&truncated, &pem[..pem.len() / 2]).unwrap();
        let garbage = wd.path().join("garbage.pem");
        std::fs::write(&garbage, b"\x00\x01 this is not a certificate").unwrap();
        for (file, phrase) in [(truncated, "truncated"), (garbage, "no PEM certificate")] {
            wd.write_main_tf(&main_tf(
                &sim,
                &sim.https_url().unwrap(),
                &[format!(
                    "ca_certificate = {}",
                    hcl_string(&file.to_string_lossy())
                )],
            ));
            let out = wd.try_apply();
            out.assert_failure();
            out.assert_stderr_mentions(&["Unusable ca_certificate", phrase]);
            assert!(
                out.stderr.contains("ca_certificate ="),
                "the error points at ca_certificate:\n{out}"
            );
            assert!(!out.stderr.contains("Invalid router URL"), "{out}");
        }
    });
}
