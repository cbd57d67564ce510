//! Every kind of object over every transport: one configuration holding each
//! managed resource (MACsec interface, profile, key, Ethernet binding,
//! system backup, configuration export) and each data source (MACsec
//! interfaces, MACsec status, system resource, configuration export) runs
//! over `http://`, `https://`, `api://` and `apis://` (`for_each_scheme`,
//! each with its own emulator and the newest Terraform): create (checked on
//! the router, in the local files and in the data sources' outputs), clean
//! plan, in-place update, import of every row resource into an emptied
//! state (one apply then sets the key, whose CAK no import can read), clean
//! plan, destroy, and the router as it was.
//!
//! The other suites run each scenario once, over the scheme the rotation
//! gives it (`for_rotating_scheme`); this suite is what proves that no
//! object depends on the transport. A new resource or data source gets a
//! block here. `TF_ACC_ALL_SCHEMES=1` runs any rotating scenario over all
//! four (CONTRIBUTING.md, "Test").

use super::backup::AgeKey;
use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, assert_provider_reached, for_each_scheme, hcl_string,
    resource_values_in, sim_for,
};
use acceptance::sim::Sim;

const CAK: &str = "3c1f0a9b8e7d6c5b4a39281706f5e4d3";
const CKN: &str = "7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d";
/// A comment with the bytes transports encode differently.
const COMMENT: &str = "every transport: a=b; \"q\" \\ ${x} %{y} ünï";

/// The row resources and the ids they are imported by.
const ROWS: [(&str, &str); 4] = [
    ("routeros_macsec_profile.p", "uplink"),
    ("routeros_macsec_interface.m", "macsec-uplink"),
    ("routeros_ethernet_binding.b", "ether1"),
    ("routeros_macsec_key.k", "macsec-uplink"),
];

/// Every resource and data source, the interface's `mtu` and `comment` as given.
fn body(dir: &str, recipient: &str, mtu: u32, comment: &str) -> String {
    let dir = hcl_string(dir);
    let recipient = hcl_string(recipient);
    let comment = hcl_string(comment);
    format!(
        r#"
resource "routeros_macsec_profile" "p" {{
  name            = "uplink"
  server_priority = 5
}}

resource "routeros_macsec_interface" "m" {{
  name      = "macsec-uplink"
  interface = "ether1"
  mtu       = {mtu}
  profile   = routeros_macsec_profile.p.name
  comment   = {comment}
}}

resource "routeros_macsec_key" "k" {{
  interface = routeros_macsec_interface.m.name
  cak       = "{CAK}"
  ckn       = "{CKN}"
}}

resource "routeros_ethernet_binding" "b" {{
  ethernet         = routeros_macsec_interface.m.interface
  macsec_interface = routeros_macsec_interface.m.name
  disabled         = false
  l2mtu            = 1600
}}

resource "routeros_system_backup" "bk" {{
  path           = "${{{dir}}}/edge1.backup"
  dont_encrypt   = true
  age_recipients = [{recipient}]
  depends_on     = [routeros_macsec_key.k]
}}

resource "routeros_config_export" "ex" {{
  path           = "${{{dir}}}/edge1.rsc"
  show_sensitive = true
  age_recipients = [{recipient}]
  depends_on     = [routeros_macsec_key.k]
}}

data "routeros_macsec_interfaces" "all" {{
  depends_on = [routeros_macsec_interface.m]
}}

data "routeros_macsec_status" "s" {{
  interface  = routeros_macsec_interface.m.name
  depends_on = [routeros_macsec_key.k]
}}

data "routeros_system_resource" "r" {{}}

data "routeros_config_export" "e" {{
  depends_on = [routeros_macsec_key.k]
}}

output "names" {{
  value = [for i in data.routeros_macsec_interfaces.all.interfaces : i.name]
}}
output "status_id" {{
  value = data.routeros_macsec_status.s.id
}}
output "version" {{
  value = data.routeros_system_resource.r.version
}}
output "export_has_the_interface" {{
  value = strcontains(data.routeros_config_export.e.body, "name=macsec-uplink")
}}
"#
    )
}

fn only_macsec_row(sim: &Sim) -> std::collections::BTreeMap<String, String> {
    let rows = sim.records("/interface/macsec");
    assert_eq!(rows.len(), 1, "{rows:#?}");
    rows.into_iter().next().unwrap()
}

fn scenario(tf: &Terraform, scheme: Scheme) {
    let sim = sim_for("7.23", scheme);
    let key = AgeKey::new();
    let provider = ProviderBlock::for_sim(&sim, scheme);
    let wd = tf.workdir("");
    let dir = wd.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let dir = dir.to_string_lossy().into_owned();
    let main_tf =
        |mtu: u32, comment: &str| provider.main_tf(&body(&dir, &key.recipient(), mtu, comment));

    // Create: every object reaches the router, every data source reads it.
    wd.write_main_tf(&main_tf(1500, COMMENT));
    wd.apply().assert_never_shows(CAK);
    let row = only_macsec_row(&sim);
    assert_eq!(row["comment"], COMMENT, "{scheme}");
    assert_eq!(row["cak"], CAK, "{scheme}");
    assert_eq!(row["profile"], "uplink", "{scheme}");
    let ether1 = sim
        .records("/interface/ethernet")
        .into_iter()
        .find(|p| p["name"] == "ether1")
        .expect("ether1");
    assert_eq!(ether1["l2mtu"], "1600", "{scheme}");
    let state = wd.state_json();
    let outputs = &state["values"]["outputs"];
    assert_eq!(outputs["names"]["value"][0], "macsec-uplink", "{scheme}");
    assert_eq!(
        outputs["status_id"]["value"],
        row[".id"].as_str(),
        "{scheme}"
    );
    assert_eq!(outputs["version"]["value"], "7.23 (stable)", "{scheme}");
    assert_eq!(
        outputs["export_has_the_interface"]["value"], true,
        "{scheme}"
    );
    let backup = resource_values_in(&state, "routeros_system_backup.bk");
    let local = key.decrypt(std::path::Path::new(
        backup["output_path"].as_str().unwrap(),
    ));
    assert!(!local.is_empty(), "{scheme}: an empty backup");
    let export = resource_values_in(&state, "routeros_config_export.ex");
    let text = String::from_utf8(key.decrypt(std::path::Path::new(
        export["output_path"].as_str().unwrap(),
    )))
    .unwrap();
    assert!(
        text.contains(CAK),
        "{scheme}: show_sensitive export:\n{text}"
    );
    wd.assert_no_changes();

    // Update in place.
    wd.write_main_tf(&main_tf(1468, "updated"));
    wd.apply();
    let row = only_macsec_row(&sim);
    assert_eq!(
        (row["mtu"].as_str(), row["comment"].as_str()),
        ("1468", "updated")
    );
    wd.assert_no_changes();

    // Import every row resource into an emptied state. The key's CAK cannot
    // be read back, so the first apply sets it once (as the import
    // explains); then nothing is left to change.
    let mut rm = vec!["state", "rm", "-no-color"];
    rm.extend(ROWS.iter().map(|(address, _)| *address));
    wd.run(&rm).assert_success();
    for (address, id) in ROWS {
        wd.import(address, id);
    }
    assert_eq!(
        wd.resource_values("routeros_macsec_key.k")["ckn"],
        CKN,
        "{scheme}: the imported key reads back"
    );
    wd.apply();
    assert_eq!(only_macsec_row(&sim)["cak"], CAK, "{scheme}");
    wd.assert_no_changes();

    // Destroy: the router as it was.
    wd.destroy();
    assert!(sim.records("/interface/macsec").is_empty(), "{scheme}");
    let profiles: Vec<String> = sim
        .records("/interface/macsec/profile")
        .into_iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(profiles, ["default"], "{scheme}");
    assert_provider_reached(&sim, scheme);
}

#[test]
fn every_resource_and_data_source_over_every_scheme() {
    let tf = Terraform::newest();
    for_each_scheme(|scheme| scenario(&tf, scheme));
}
