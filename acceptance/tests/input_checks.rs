//! Inputs that used to fail late or leak: a fractional `mtu`, and a `url`
//! with a password or a space in it, as real Terraform shows them.

use acceptance::harness::{ProviderBlock, Scheme, for_each_terraform};
use acceptance::sim::{Sim, SimConfig};

fn sim() -> Sim {
    Sim::spawn(SimConfig {
        https: false,
        api: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// Regression: `mtu = 1.5` passed plan and failed apply as "Internal error
/// ... provider bug". It is now a plan error naming `mtu`; nothing reaches
/// the router.
#[test]
fn fractional_mtu_is_a_plan_error_naming_mtu() {
    for_each_terraform(|tf| {
        let sim = sim();
        let provider = ProviderBlock::for_sim(&sim, Scheme::Http);
        let body = "resource \"routeros_macsec_interface\" \"m\" {\n  name = \"macsec1\"\n  interface = \"ether1\"\n  mtu = 1.5\n}\n";
        let wd = tf.workdir(&provider.main_tf(body));
        let out = wd.plan_exitcode();
        out.assert_failure();
        out.assert_stderr_mentions(&["Not a whole number", "mtu = 1.5"]);
        assert!(!out.stderr.contains("provider bug"), "{out}");
        assert!(sim.records("/interface/macsec").is_empty());
    });
}

/// Regression: a password written into the URL was echoed in errors and
/// in the DEBUG log, and a space gave "invalid international domain name".
/// Both are now errors against `url` that never show the password.
#[test]
fn url_with_password_or_space_is_refused_without_echoing_the_password() {
    const SECRET: &str = "s3cr3t-in-url-7f3a";
    for_each_terraform(|tf| {
        let sim = sim();
        let host = sim.http_url().trim_start_matches("http://").to_string();
        for (url, phrase) in [
            (
                format!("http://admin:{SECRET}@{host}"),
                "user name or password",
            ),
            (format!("http://{host} /rest"), "space"),
        ] {
            let mut provider = ProviderBlock::for_sim(&sim, Scheme::Http);
            provider.url = Some(url.clone());
            let wd = tf.workdir(&provider.main_tf("data \"routeros_system_resource\" \"r\" {}\n"));
            let out = wd.run_env(
                &["plan", "-input=false", "-no-color"],
                &[("TF_LOG", "DEBUG")],
            );
            out.assert_failure();
            out.assert_stderr_mentions(&["Invalid router URL", phrase]);
            let provider_lines: String = out
                .stderr
                .lines()
                .filter(|l| !l.contains("url ") && !l.contains("url="))
                .filter(|l| !l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
                .collect::<Vec<_>>()
                .join("\n");
            // Terraform quotes the configuration line (`url = "..."`); the
            // provider's own messages and log lines never repeat it.
            assert!(
                !provider_lines.contains(SECRET),
                "{url}: the password shows outside the quoted configuration:\n{out}"
            );
        }
    });
}
