//! The `routeros-sim` binary as a user runs it: what `--version` prints.

use std::process::Command;

#[test]
fn routeros_sim_version_prints_its_own_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .arg("--version")
        .output()
        .expect("run routeros-sim --version");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let line = stdout.trim_end();
    let version = line
        .strip_prefix("routeros-sim ")
        .unwrap_or_else(|| panic!("{line:?} does not start with 'routeros-sim '"));
    assert!(
        version.split('-').next().unwrap().split('.').count() == 3
            && version.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "{version:?} is not a release version"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(!stdout.contains("ROUTEROS_URL"), "it served: {stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn routeros_sim_old_version_flag_with_a_value_still_sets_the_routeros_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args(["--version", "7.16", "--help"])
        .output()
        .expect("run routeros-sim --version 7.16 --help");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("--routeros-version <V>"),
        "help expected"
    );
    assert!(
        stderr.contains("warning: --version 7.16") && stderr.contains("--routeros-version 7.16"),
        "{stderr}"
    );
}

#[test]
fn routeros_sim_mistyped_flag_names_the_flag_meant_and_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args(["--routeros-verison", "7.16"])
        .output()
        .expect("run routeros-sim --routeros-verison 7.16");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "it served");
    assert!(stderr.contains("'--routeros-version'"), "{stderr}");
}

/// A child killed when the test ends, whatever happens.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn routeros_sim_fleet_prints_one_line_per_router_in_inventory_order_and_the_tfvars() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    std::fs::write(
        &inventory,
        "routers:\n  edge: { url: https://10.0.9.1 }\n  core: { url: https://10.0.0.1 }\n\
         links:\n  core-edge:\n    a: { router: core, port: ether2 }\n    b: { router: edge, port: ether1 }\n",
    )
    .unwrap();
    let tfvars = dir.path().join("twin.tfvars.json");
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
            .arg("--fleet")
            .arg(&inventory)
            .arg("--tfvars")
            .arg(&tfvars)
            .args(["--no-https", "--password", "fleet-pw"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run routeros-sim --fleet"),
    );
    let mut stdout = std::io::BufReader::new(child.0.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        // EOF (the process ended) reads nothing and fails below.
        stdout.read_line(&mut line).unwrap();
        lines.push(line);
    }
    let routers: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.strip_prefix("ROUTER=")
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or_else(|| panic!("{l:?}"))
        })
        .collect();
    assert_eq!(routers, ["edge", "core"]);
    // The --tfvars file is in place once the lines are printed.
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&tfvars).unwrap()).unwrap();
    for line in &lines {
        let field = |key: &str| {
            line.split_whitespace()
                .find_map(|f| f.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("no {key} in {line:?}"))
                .to_string()
        };
        let url = field("ROUTEROS_URL");
        assert_eq!(field("ROUTEROS_PASSWORD"), "fleet-pw");
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        assert_eq!(
            written["router_overrides"][field("ROUTER")],
            serde_json::json!({ "url": url })
        );
        // Each router answers as itself.
        let identity: serde_json::Value = reqwest::Client::new()
            .get(format!("{url}/rest/system/identity"))
            .basic_auth("admin", Some("fleet-pw"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(identity["name"], field("ROUTER"));
    }
}

#[test]
fn routeros_sim_fleet_with_a_bad_inventory_names_the_file_and_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    std::fs::write(
        &inventory,
        "routers: { core: {} }\nlinks:\n  l1: { a: { router: core, port: ether1 }, b: { router: edge, port: ether1 } }\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .arg("--fleet")
        .arg(&inventory)
        .output()
        .expect("run routeros-sim --fleet");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "it served");
    assert!(
        stderr.contains(&inventory.display().to_string())
            && stderr.contains("links.l1.b.router: \"edge\" is not a router of this inventory"),
        "{stderr}"
    );
}

/// `examples/gitops/ci/start-twin-fleet.sh` starts the fleet in the background
/// and prints the variables file, which is complete when printed.
#[cfg(unix)]
#[test]
fn start_twin_fleet_script_prints_the_tfvars_of_a_running_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    std::fs::write(
        &inventory,
        "routers:\n  core: {}\n  edge: {}\nlinks:\n  core-edge: { a: { router: core, port: ether1 }, b: { router: edge, port: ether1 } }\n",
    )
    .unwrap();
    let exports = dir.path().join("twin");
    std::fs::create_dir(&exports).unwrap();
    std::fs::write(
        exports.join("edge.rsc"),
        "/interface macsec profile\nadd name=strict\n",
    )
    .unwrap();
    std::fs::write(exports.join("egde.rsc"), "").unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/gitops/ci/start-twin-fleet.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(&inventory)
        .arg(&exports)
        .arg("--no-api")
        .env("ROUTEROS_SIM", env!("CARGO_BIN_EXE_routeros-sim"))
        .env("TWIN_PASSWORD", "fleet-pw")
        .output()
        .expect("run start-twin-fleet.sh");
    let pid_file = dir.path().join("inventory.yaml.twin.pid");
    let pid = std::fs::read_to_string(&pid_file).unwrap_or_default();
    let stop = || {
        if !pid.trim().is_empty() {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        stop();
        panic!("exit {:?}: {stderr}", out.status);
    }
    let printed = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
    let tfvars = std::fs::read_to_string(&printed);
    let lines = std::fs::read_to_string(dir.path().join("inventory.yaml.twin.lines"));
    stop();
    assert_eq!(
        printed,
        format!("{}.twin.tfvars.json", inventory.display()),
        "{stderr}"
    );
    let tfvars: serde_json::Value = serde_json::from_str(&tfvars.unwrap()).unwrap();
    let overrides = tfvars["router_overrides"].as_object().unwrap();
    assert_eq!(overrides.keys().collect::<Vec<_>>(), ["core", "edge"]);
    for entry in overrides.values() {
        assert!(
            entry["url"]
                .as_str()
                .unwrap()
                .starts_with("https://127.0.0.1:")
        );
        assert!(
            entry["ca_certificate"]
                .as_str()
                .unwrap()
                .ends_with("ca.pem")
        );
    }
    let lines = lines.unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert!(
        stderr.contains("router edge: loaded 1 command(s)")
            && stderr.contains("egde.rsc is named after no router of the inventory"),
        "{stderr}"
    );
}
