//! `examples/soho` as a user runs it: two emulators cabled ether1 to ether1
//! (the router and the switch), the example's files copied unchanged into
//! a working directory, its variables from `TF_VAR_*`. It must apply
//! cleanly, plan clean afterwards, and report the uplink `open-encrypted`
//! on both ends through `routeros_macsec_status`; destroy gives both
//! devices back as they were. It runs on every installed Terraform (the
//! example says `>= 1.0`: 1.0.3 is the compatibility check of four
//! resources, a data source and two aliased providers), each over one
//! scheme taken in turn (`for_each_terraform_rotating_schemes`), the URLs
//! and CA certificates coming in through the example's variables.

use std::collections::BTreeMap;
use std::path::Path;

use acceptance::harness::assert_provider_reached;
use acceptance::harness::{
    Scheme, Terraform, Workdir, for_each_terraform_rotating_schemes, workspace_root,
};
use acceptance::sim::{Sim, SimConfig};
use serde_json::{Value, json};

/// A CAK and CKN for the test link (not secrets: test values).
const CAK: &str = "00112233445566778899aabbccddeeff";
const CKN: &str = "f2c4660060169391d29d8db8a1f06e5d4b84a128bad06ad43ea2bd4f7d21968f";

/// The example's `.tf` files, by name.
fn example_files() -> BTreeMap<String, String> {
    let dir = workspace_root().join("examples").join("soho");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("tf") {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("file name")
                .to_string();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            files.insert(name, text);
        }
    }
    assert!(
        files.contains_key("main.tf"),
        "examples/soho has no main.tf: {:?}",
        files.keys()
    );
    files
}

/// A working directory holding a copy of `examples/soho`, configured for
/// the two emulators through `TF_VAR_*`: their URLs for `scheme`, and for
/// `https://` and `apis://` their CA certificates.
fn soho_workdir(tf: &Terraform, router: &Sim, switch: &Sim, scheme: Scheme) -> Workdir {
    let files = example_files();
    let mut wd = tf.workdir(&files["main.tf"]);
    for (name, text) in &files {
        if name != "main.tf" {
            wd.write_file(name, text);
        }
    }
    for (prefix, sim) in [("router", router), ("switch", switch)] {
        wd.set_env(format!("TF_VAR_{prefix}_url"), scheme.url(sim));
        if scheme.is_tls() {
            let ca = sim
                .ca_certificate_path()
                .expect("the emulator wrote its CA certificate");
            wd.set_env(format!("TF_VAR_{prefix}_ca_certificate"), ca);
        }
        wd.set_env(format!("TF_VAR_{prefix}_username"), sim.username());
        wd.set_env(format!("TF_VAR_{prefix}_password"), sim.password());
    }
    wd.set_env("TF_VAR_uplink_cak", CAK);
    wd.set_env("TF_VAR_uplink_ckn", CKN);
    wd
}

fn outputs(wd: &Workdir) -> BTreeMap<String, Value> {
    let out = wd.run(&["output", "-json", "-no-color"]);
    out.assert_success();
    let json = out.json();
    json.as_object()
        .unwrap_or_else(|| panic!("outputs are not an object: {json:#}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null)))
        .collect()
}

fn port(sim: &Sim, name: &str) -> BTreeMap<String, String> {
    sim.records("/interface/ethernet")
        .into_iter()
        .find(|r| r.get("name").map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no port {name}"))
}

fn scenario(tf: &Terraform, scheme: Scheme, routeros: &str) {
    let config = || SimConfig {
        version: routeros.to_string(),
        ..SimConfig::default()
    };
    let router = Sim::spawn(config()).expect("start the router emulator");
    let switch = Sim::spawn(config()).expect("start the switch emulator");
    Sim::pair(&router, "ether1", &switch, "ether1").expect("cable ether1 to ether1");
    let ports_before = (port(&router, "ether1"), port(&switch, "ether1"));

    let wd = soho_workdir(tf, &router, &switch, scheme);
    let applied = wd.apply();
    applied.assert_never_shows(CAK);

    // The link came up during the apply and both ends report it.
    let out = outputs(&wd);
    assert_eq!(
        out["router_uplink_status"],
        json!("open-encrypted"),
        "RouterOS {routeros}: {out:#?}"
    );
    assert_eq!(
        out["switch_uplink_status"],
        json!("open-encrypted"),
        "RouterOS {routeros}: {out:#?}"
    );
    assert_eq!(
        out["uplink_mac_addresses"]["router"],
        json!(port(&router, "ether1")["mac-address"])
    );
    assert_eq!(
        out["uplink_mac_addresses"]["switch"],
        json!(port(&switch, "ether1")["mac-address"])
    );
    if routeros.starts_with("7.23") {
        // The router's lower server_priority makes it key server.
        assert_eq!(out["router_is_key_server"], json!(true), "{out:#?}");
    }
    for sim in [&router, &switch] {
        let macsec = sim.records("/interface/macsec");
        assert_eq!(macsec.len(), 1, "{macsec:#?}");
        assert_eq!(macsec[0]["interface"], "ether1");
        assert_eq!(macsec[0]["status"], "open-encrypted");
        assert_eq!(port(sim, "ether1")["l2mtu"], "1600");
    }

    // Applied as written: nothing left to do.
    wd.assert_no_changes();

    // No refresh-only check here: Terraform 1.15.5 answers `plan
    // -refresh-only -detailed-exitcode` with 2 for any configuration that
    // has a data source (also with the built-in terraform_remote_state), and
    // this example reads the link status through data sources.

    // Destroy gives both devices back as they were.
    wd.destroy();
    for (sim, before) in [(&router, &ports_before.0), (&switch, &ports_before.1)] {
        assert!(sim.records("/interface/macsec").is_empty());
        let after = port(sim, "ether1");
        for key in ["disabled", "mtu", "l2mtu"] {
            assert_eq!(after[key], before[key], "ether1 {key} after destroy");
        }
        let profiles: Vec<String> = sim
            .records("/interface/macsec/profile")
            .into_iter()
            .map(|p| p["name"].clone())
            .collect();
        assert_eq!(profiles, ["default"], "the uplink profile was removed");
        assert_provider_reached(sim, scheme);
    }
}

#[test]
fn soho_example_applies_plans_clean_and_links_up() {
    let terraforms = Terraform::available();
    for_each_terraform_rotating_schemes(&terraforms, |tf, scheme| {
        for routeros in ["7.18", "7.23.2"] {
            scenario(tf, scheme, routeros);
        }
    });
}

#[test]
fn the_example_is_the_one_on_disk() {
    let files = example_files();
    for name in ["main.tf", "variables.tf", "outputs.tf"] {
        assert!(files.contains_key(name), "examples/soho/{name} is missing");
    }
    let main = &files["main.tf"];
    for needle in [
        "alias          = \"router\"",
        "alias          = \"switch\"",
        "routeros_ethernet_binding",
        "routeros_macsec_status",
    ] {
        assert!(
            main.contains(needle),
            "examples/soho/main.tf lacks {needle:?}"
        );
    }
    assert!(Path::new(&workspace_root().join("examples/soho/terraform.tfvars.example")).is_file());
}
