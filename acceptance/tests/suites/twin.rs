//! `routeros-sim --from-export`: a twin router started from an `/export`.
//! A hand-written `.rsc` loads through the binary (stderr counts the lines
//! for menus not modelled); the export the provider's own
//! `routeros_config_export` action wrote (terse, with secrets) makes a twin
//! against which the provider plans clean; a non-terse export of the
//! emulator loads into the same configuration.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use acceptance::harness::{Terraform, hcl_string, terraform_block};
use acceptance::sim::{Listeners, Sim, SimConfig, parse_export};

const CAK: &str = "00112233445566778899aabbccddeeff";

const HAND_WRITTEN: &str = r#"# 2026-11-30 10:00:00 by RouterOS 7.23.1
# software id = ABCD-1234
#
# model = CCR2004-16G-2S+
/interface ethernet
set [ find default-name=ether1 ] comment="to core" l2mtu=1600
/interface macsec profile
add ciphers=aes-gcm-128 name=strict server-priority=5
/interface macsec
add cak=0123456789abcdef0123456789abcdef ckn=abcd interface=ether1 \
    name=macsec-uplink profile=strict
/ip address
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip firewall filter
add action=accept chain=input connection-state=established
add action=drop chain=input
/system identity
set name=edge1
"#;

fn field<'a>(announcement: &'a str, key: &str) -> &'a str {
    announcement
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{key} missing in {announcement}"))
}

#[test]
fn binary_loads_a_hand_written_export_and_lists_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edge1.rsc");
    std::fs::write(&path, HAND_WRITTEN).unwrap();
    let mut child = Command::new(acceptance::sim_binary())
        .args([
            "--no-https",
            "--no-api",
            "--password",
            "twin-pass",
            "--from-export",
        ])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start routeros-sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = field(&line, "ROUTEROS_URL").to_string();
    let get = |menu: &str| -> serde_json::Value {
        let url = format!("{url}/rest{menu}");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                reqwest::Client::new()
                    .get(&url)
                    .basic_auth("admin", Some("twin-pass"))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("GET {url}: {e}"))
                    .json()
                    .await
                    .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            })
    };
    let resource = get("/system/resource");
    let identity = get("/system/identity");
    let macsec = get("/interface/macsec");
    let ether = get("/interface/ethernet");
    child.kill().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().unwrap();

    assert_eq!(resource["version"], "7.23.1 (stable)", "{resource}");
    assert_eq!(resource["board-name"], "CCR2004-16G-2S+", "{resource}");
    assert_eq!(identity["name"], "edge1");
    assert_eq!(macsec[0]["name"], "macsec-uplink", "{macsec}");
    assert_eq!(macsec[0]["profile"], "strict");
    assert_eq!(macsec[0]["cak"], "0123456789abcdef0123456789abcdef");
    assert_eq!(ether[0]["comment"], "to core", "{ether}");
    assert_eq!(ether[0]["l2mtu"], "1600");
    assert!(stderr.contains("loaded 4 command(s)"), "{stderr}");
    assert!(stderr.contains("3 line(s) of the export"), "{stderr}");
    assert!(
        stderr.contains("/ip/firewall/filter: 2 line(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("/ip/address: 1 line(s)"), "{stderr}");
}

fn localhost() -> Listeners {
    Listeners {
        http: SocketAddr::from(([127, 0, 0, 1], 0)),
        https: None,
        api: None,
        apis: None,
    }
}

/// The MACsec configuration of a router, without ids and run-time status.
fn macsec_config(sim: &Sim) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    for menu in [
        "/interface/macsec/profile",
        "/interface/macsec",
        "/system/identity",
    ] {
        for row in sim.records(menu) {
            out.push(
                row.into_iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "status" | "running" | "inactive"))
                    .collect(),
            );
        }
    }
    out
}

#[test]
fn provider_plans_clean_against_the_twin_of_a_router_it_configured() {
    let tf = Terraform::newest();
    if tf.version_tuple() < (1, 14, 0) {
        eprintln!("skipped: the export is taken with an action (Terraform 1.14+), newest is {tf}");
        return;
    }
    let real = Sim::spawn(SimConfig {
        https: false,
        identity: "edge1".into(),
        ..SimConfig::default()
    })
    .unwrap();
    let wd = tf.workdir("");
    let export = wd.path().join("edge1.rsc");
    let main_tf = format!(
        r#"{terraform}
variable "url" {{
  type = string
}}

provider "routeros" {{
  url      = var.url
  username = {user}
  password = {password}
}}

resource "routeros_macsec_profile" "strict" {{
  name            = "strict"
  server_priority = 5
}}

resource "routeros_macsec_interface" "uplink" {{
  name      = "macsec-uplink"
  interface = "ether2"
  mtu       = 1400
  profile   = routeros_macsec_profile.strict.name
}}

resource "routeros_macsec_key" "uplink" {{
  interface = routeros_macsec_interface.uplink.name
  cak       = {cak}
  ckn       = "abcd"
}}

resource "routeros_ethernet_binding" "ether2" {{
  ethernet         = "ether2"
  macsec_interface = routeros_macsec_interface.uplink.name
  l2mtu            = 1600
}}

action "routeros_config_export" "twin" {{
  config {{
    path                    = {path}
    terse                   = true
    show_sensitive          = true
    allow_plaintext_secrets = true
  }}
}}
"#,
        terraform = terraform_block(),
        user = hcl_string(real.username()),
        password = hcl_string(real.password()),
        cak = hcl_string(CAK),
        path = hcl_string(&export.to_string_lossy()),
    );
    wd.write_main_tf(&main_tf);
    let url_real = format!("-var=url={}", real.http_url());
    wd.run(&["apply", "-auto-approve", "-no-color", &url_real])
        .assert_success();
    wd.run(&[
        "apply",
        "-auto-approve",
        "-no-color",
        &url_real,
        "-invoke=action.routeros_config_export.twin",
    ])
    .assert_success();
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.contains(CAK), "show_sensitive export has the key");

    let (twin, script) = Sim::spawn_from_export(
        SimConfig {
            https: false,
            password: real.password().into(),
            ..SimConfig::default()
        },
        localhost(),
        &text,
        false,
    )
    .expect("the twin starts from the export");
    assert!(script.unmodelled.is_empty(), "{:?}", script.unmodelled);
    assert_eq!(macsec_config(&twin), macsec_config(&real));
    assert_eq!(
        twin.records("/system/resource")[0]["version"],
        "7.18 (stable)"
    );

    // The same state, planned against the twin: nothing to do.
    let url_twin = format!("-var=url={}", twin.http_url());
    wd.run(&[
        "plan",
        "-detailed-exitcode",
        "-no-color",
        "-input=false",
        &url_twin,
    ])
    .assert_code(0);

    // The emulator's own non-terse export gives the same configuration.
    let plain = real.export_text(false);
    let parsed = parse_export(&plain).unwrap();
    assert!(!parsed.commands.is_empty());
    let (again, _) =
        Sim::spawn_from_export(SimConfig::default(), localhost(), &plain, false).unwrap();
    assert_eq!(macsec_config(&again), macsec_config(&real));
}
