//! A provider block or CI environment written for terraform-routeros/routeros
//! (the most used RouterOS provider) configures this one too: its `hosturl`
//! argument and its `ROS_*` / `MIKROTIK_*` environment variables mean the
//! same here (see docs/guides/beside-terraform-routeros.md). Against the
//! emulator over HTTPS, with the newest Terraform (the arguments do not
//! depend on the Terraform version).

use acceptance::harness::{Terraform, hcl_string, terraform_block};
use acceptance::sim::{Sim, SimConfig};

const BODY: &str = r#"
resource "routeros_macsec_interface" "uplink" {
  name      = "macsec1"
  interface = "ether1"
}
"#;

fn https_sim() -> (Sim, String, String) {
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let url = sim.https_url().expect("the emulator serves HTTPS");
    let ca = sim
        .ca_certificate_path()
        .expect("the emulator wrote its CA certificate")
        .to_string_lossy()
        .into_owned();
    (sim, url, ca)
}

/// A provider block in terraform-routeros's shape for `sim`, with `extra`
/// argument lines.
fn copied_block(sim: &Sim, url: &str, ca: &str, extra: &str) -> String {
    format!(
        "provider \"routeros\" {{\n  hosturl        = {}\n  username       = {}\n  password       = {}\n  ca_certificate = {}\n{extra}}}\n",
        hcl_string(url),
        hcl_string(sim.username()),
        hcl_string(sim.password()),
        hcl_string(ca),
    )
}

/// Regression: a provider block copied from terraform-routeros failed on
/// `rest_timeout`, `routeros_version` and `suppress_syso_del_warn`
/// ("Unsupported argument"), while docs/index.md said it works unchanged.
/// Every argument of its provider schema is accepted; the two that do
/// nothing here warn.
#[test]
fn a_terraform_routeros_provider_block_is_accepted() {
    let (sim, url, ca) = https_sim();
    // Every argument of terraform-routeros's provider schema.
    let provider = copied_block(
        &sim,
        &url,
        &ca,
        "  insecure       = false\n  rest_timeout   = 59\n  routeros_version = \"7.16\"\n  suppress_syso_del_warn = true\n",
    );
    let wd = Terraform::newest().workdir(&format!("{}\n{provider}\n{BODY}", terraform_block()));
    let out = wd.apply();
    let text = format!("{}{}", out.stdout, out.stderr);
    for warning in [
        "`routeros_version` does nothing in this provider",
        "`suppress_syso_del_warn` does nothing in this provider",
    ] {
        assert!(text.contains(warning), "{warning}: {text}");
    }
    assert_eq!(sim.records("/interface/macsec").len(), 1);
    wd.assert_no_changes();
    wd.destroy();
    assert!(sim.records("/interface/macsec").is_empty());
}

#[test]
fn url_and_hosturl_together_are_refused() {
    let (sim, url, ca) = https_sim();
    let provider = format!(
        "provider \"routeros\" {{\n  url            = {u}\n  hosturl        = {u}\n  username       = {}\n  ca_certificate = {}\n}}\n",
        hcl_string(sim.username()),
        hcl_string(&ca),
        u = hcl_string(&url),
    );
    let wd = Terraform::newest().workdir(&format!("{}\n{provider}\n{BODY}", terraform_block()));
    let out = wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_stderr_mentions(&["Conflicting router URL settings", "hosturl"]);
    assert_eq!(sim.request_count(), 0, "nothing was sent to the router");
}

#[test]
fn mikrotik_environment_variables_configure_an_empty_provider_block() {
    let (sim, url, ca) = https_sim();
    let mut wd = Terraform::newest().workdir(&format!(
        "{}\nprovider \"routeros\" {{}}\n{BODY}",
        terraform_block()
    ));
    wd.set_env("MIKROTIK_HOST", &url);
    wd.set_env("MIKROTIK_USER", sim.username());
    wd.set_env("MIKROTIK_PASSWORD", sim.password());
    wd.set_env("MIKROTIK_CA_CERTIFICATE", &ca);
    wd.set_env("MIKROTIK_INSECURE", "false");
    wd.apply();
    assert_eq!(sim.records("/interface/macsec").len(), 1);
    wd.destroy();

    // A wrong MIKROTIK_PASSWORD reaches the router: proof it is the one read.
    wd.set_env("MIKROTIK_PASSWORD", "not-the-password");
    let out = wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_stderr_mentions(&["refused the login"]);
}

/// Regression: a block typed in terraform-routeros's naming,
/// `routeros_interface_macsec` (with the `cak` it would carry there), got
/// Terraform's bare "resource type not supported" with no suggestion. The
/// plan now fails with this provider's name for it, and nothing reaches
/// the router.
#[test]
fn routeros_interface_macsec_suggests_routeros_macsec_interface() {
    let (sim, url, ca) = https_sim();
    let provider = copied_block(&sim, &url, &ca, "");
    let body = "resource \"routeros_interface_macsec\" \"uplink\" {\n  name      = \"macsec1\"\n  interface = \"ether1\"\n  cak       = \"71a7c363794da400dbde595d3926b0e9\"\n}\n";
    let wd = Terraform::newest().workdir(&format!("{}\n{provider}\n{body}", terraform_block()));
    let out = wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_failure();
    out.assert_stderr_mentions(&[
        "routeros_interface_macsec is not a resource type of this provider",
        "This provider calls it routeros_macsec_interface; rename the block",
    ]);
    assert!(sim.records("/interface/macsec").is_empty());
}
