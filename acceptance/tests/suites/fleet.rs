//! `examples/fleet/` applied as it is committed to a twin of its fleet, the
//! way the fleet's pull-request job (`examples/gitops/ci/github/fleet-pull-request.yml`)
//! does it: `ci/start-twin-fleet.sh` starts the five routers of the
//! inventory in one `routeros-sim --fleet` process, cabled as its links say,
//! with core loaded from the example's `exports/core.rsc`, and writes the
//! var file that points the example at the twins.
//!
//! - apply: every link is `open-encrypted` on both ends, each end holding
//!   the CAK of the link's key file (read from the twins over REST); the
//!   export's lines survive (core's identity, its port comment);
//! - `plan -detailed-exitcode` exits 0 right after;
//! - the real routers receive nothing: the inventory's copy points every
//!   `url` at one local listener, which has no connection at the end;
//! - `ci/link-check.sh` (the example's `link-check/`, Terraform 1.5+)
//!   fails naming a link whose key was changed by hand on one end, and no
//!   other.
//!
//! On the newest Terraform over REST (HTTPS, the var file as the twin
//! writes it) through the job's own scripts (`ci/twin-apply.sh`, then
//! `ci/link-check.sh`); on Terraform 1.0.3 over the classic API, with
//! `apply` and `plan` run directly.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use acceptance::harness::secrets::{decrypt, random_cak};
use acceptance::harness::{
    Method, Terraform, Workdir, copy_tree, for_each_terraform, rest_at, unpacked_mirror_cli_config,
    workspace_root,
};
use serde_json::{Value, json};

/// The password `keys/fleet.password.age` holds (a test value).
const TEST_PASSWORD: &str = "fleet-example-TEST-password";

/// The user the example's provider block names.
const USERNAME: &str = "terraform";

/// The routers of the example's inventory, in its order.
const ROUTERS: [&str; 5] = ["core", "dist1", "dist2", "edge1", "edge2"];

/// The links of the example's inventory: name, end a's router, end b's.
const LINKS: [(&str, &str, &str); 4] = [
    ("core-dist1", "core", "dist1"),
    ("core-dist2", "core", "dist2"),
    ("dist1-edge1", "dist1", "edge1"),
    ("dist2-edge2", "dist2", "edge2"),
];

fn example_dir() -> PathBuf {
    workspace_root().join("examples").join("fleet")
}

fn test_identity_file() -> PathBuf {
    workspace_root()
        .join("examples")
        .join("gitops")
        .join("test-identity.txt")
}

/// The example's test identity (its one `AGE-SECRET-KEY-1` line).
fn test_identity() -> String {
    std::fs::read_to_string(test_identity_file())
        .expect("examples/gitops/test-identity.txt")
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("an identity line")
        .to_string()
}

/// A listener standing in for every real router: it never accepts, so each
/// connection made to it waits in its backlog and is counted at the end.
struct RealRouters(TcpListener);

impl RealRouters {
    fn new() -> Self {
        RealRouters(TcpListener::bind("127.0.0.1:0").expect("bind the real routers' listener"))
    }

    fn port(&self) -> u16 {
        self.0.local_addr().expect("local addr").port()
    }

    /// Connections made to it so far.
    fn connections(&self) -> usize {
        self.0.set_nonblocking(true).expect("nonblocking");
        std::iter::from_fn(|| self.0.accept().ok()).count()
    }
}

/// The inventory's text with every `url:` pointing at `127.0.0.1:port`
/// (scheme kept), as a copy of a real inventory whose routers are this
/// test's listener.
fn inventory_pointing_at(text: &str, port: u16) -> String {
    let mut out = String::new();
    let mut changed = 0;
    for line in text.lines() {
        match line.split_once("url: ") {
            Some((indent, url)) if indent.trim().is_empty() => {
                let scheme = url.split_once("://").expect("a URL with a scheme").0;
                out.push_str(&format!("{indent}url: {scheme}://127.0.0.1:{port}\n"));
                changed += 1;
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    assert_eq!(changed, ROUTERS.len(), "one url per router: {text}");
    out
}

/// A twin fleet started by `ci/start-twin-fleet.sh` (one `routeros-sim
/// --fleet` process, stopped when dropped) and the lines it announced: one
/// per router, `KEY=value` words.
struct Twin {
    pid: u32,
    routers: BTreeMap<String, BTreeMap<String, String>>,
}

impl Drop for Twin {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

impl Twin {
    /// Starts the twin of the fleet of `wd`'s `inventory.yaml` as the CI job
    /// does, core loaded from `exports/`; the script writes `twin.tfvars.json`.
    fn start(wd: &Workdir) -> Twin {
        let out = wd
            .script("ci/start-twin-fleet.sh")
            .args(["inventory.yaml", "exports", "--username", USERNAME])
            .env("ROUTEROS_SIM", acceptance::sim_binary())
            .env("TWIN_PASSWORD", TEST_PASSWORD)
            .env("TWIN_TFVARS", "twin.tfvars.json")
            .output()
            .expect("run start-twin-fleet.sh");
        let read = |name: &str| std::fs::read_to_string(wd.path().join(name)).unwrap_or_default();
        let pid = read("inventory.yaml.twin.pid").trim().parse().unwrap_or(0);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && pid > 0,
            "start-twin-fleet.sh: {stderr}"
        );
        let mut twin = Twin {
            pid,
            routers: BTreeMap::new(),
        };
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "twin.tfvars.json"
        );
        let lines = read("inventory.yaml.twin.lines");
        for (line, expected) in lines.lines().zip(ROUTERS) {
            let words: BTreeMap<String, String> = line
                .split_whitespace()
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(
                words.get("ROUTER").map(String::as_str),
                Some(expected),
                "lines in inventory order: {lines}"
            );
            twin.routers.insert(expected.to_string(), words);
        }
        assert_eq!(
            twin.routers.len(),
            ROUTERS.len(),
            "one line per router: {lines}"
        );
        twin
    }

    fn value(&self, router: &str, key: &str) -> &str {
        self.routers[router]
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing for {router}: {:?}", self.routers[router]))
    }

    /// `GET /rest{path}` on `router`'s twin.
    fn get(&self, router: &str, path: &str) -> Value {
        let (status, body) = rest_at(
            self.value(router, "ROUTEROS_HTTP_URL"),
            USERNAME,
            TEST_PASSWORD,
            Method::GET,
            path,
            None,
        );
        assert_eq!(status, 200, "GET {path} on {router}: {body}");
        body
    }

    /// The rows of the menu `path` on `router`'s twin.
    fn rows(&self, router: &str, path: &str) -> Vec<BTreeMap<String, String>> {
        serde_json::from_value(self.get(router, path)).expect("rows of strings")
    }

    /// The MACsec interface `name` of `router`'s twin.
    fn macsec(&self, router: &str, name: &str) -> BTreeMap<String, String> {
        self.rows(router, "/interface/macsec")
            .into_iter()
            .find(|r| r.get("name").map(String::as_str) == Some(name))
            .unwrap_or_else(|| panic!("{router} has no MACsec interface {name}"))
    }

    /// Sets the CAK of `router`'s MACsec interface `name` by hand.
    fn change_cak(&self, router: &str, name: &str, cak: &str) {
        let id = self.macsec(router, name)[".id"].clone();
        let (status, body) = rest_at(
            self.value(router, "ROUTEROS_HTTP_URL"),
            USERNAME,
            TEST_PASSWORD,
            Method::PATCH,
            &format!("/interface/macsec/{id}"),
            Some(json!({ "cak": cak })),
        );
        assert_eq!(status, 200, "PATCH {name} on {router}: {body}");
    }
}

/// A working directory holding a copy of the example whose inventory points
/// at `real`, the provider installed from a filesystem mirror (`init`
/// installs the example's module).
fn checkout(tf: &Terraform, real: &RealRouters, mirror: &Path) -> Workdir {
    let mut wd = Workdir::with_cli_config(tf, &unpacked_mirror_cli_config(mirror), "");
    std::fs::remove_file(wd.path().join("main.tf")).expect("remove the harness's main.tf");
    copy_tree(&example_dir(), wd.path());
    // The scripts of examples/gitops/ci/, as a fleet repository has them.
    std::fs::create_dir_all(wd.path().join("ci")).expect("ci/");
    copy_tree(
        &workspace_root().join("examples/gitops/ci"),
        &wd.path().join("ci"),
    );
    let inventory = std::fs::read_to_string(example_dir().join("inventory.yaml")).unwrap();
    wd.write_file(
        "inventory.yaml",
        &inventory_pointing_at(&inventory, real.port()),
    );
    wd.set_env("SOPS_AGE_KEY_FILE", test_identity_file());
    wd
}

/// The var file for the classic API: each router's `api://` URL.
fn api_var_file(twin: &Twin) -> String {
    let overrides: serde_json::Map<String, Value> = ROUTERS
        .iter()
        .map(|r| {
            (
                r.to_string(),
                json!({ "url": twin.value(r, "ROUTEROS_API_URL") }),
            )
        })
        .collect();
    json!({ "router_overrides": overrides }).to_string()
}

#[track_caller]
fn assert_links_open_encrypted(twin: &Twin) {
    let identity = test_identity();
    for (link, a, b) in LINKS {
        let key = std::fs::read_to_string(example_dir().join(format!("keys/{link}.cak.age")))
            .expect("the link's key file");
        let cak = decrypt(&identity, &key);
        for router in [a, b] {
            let row = twin.macsec(router, &format!("macsec-{link}"));
            assert_eq!(
                row.get("status").map(String::as_str),
                Some("open-encrypted"),
                "{link} on {router}: {row:?}"
            );
            assert_eq!(
                row.get("cak"),
                Some(&cak),
                "{link} on {router}: the key file's CAK"
            );
        }
    }
}

fn scenario(tf: &Terraform) {
    let api = tf.version_tuple() < (1, 5, 0);
    let real = RealRouters::new();
    let mirror = tempfile::tempdir().unwrap();
    let wd = checkout(tf, &real, mirror.path());
    // Absolute: the scripts run Terraform with -chdir too.
    let vars = format!("-var-file={}", wd.path().join("twin.tfvars.json").display());
    let twin = Twin::start(&wd);
    if api {
        // The var file with each router's API URL.
        wd.write_file("twin-api.tfvars.json", &api_var_file(&twin));
        let var_file = "-var-file=twin-api.tfvars.json";
        wd.run(&["init", "-input=false", "-no-color"])
            .assert_success();
        wd.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            var_file,
        ])
        .assert_success();
        assert_links_open_encrypted(&twin);
        wd.run(&[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            var_file,
        ])
        .assert_code(0);
    } else {
        // The CI job: apply from the (empty) real state, then check.sh's
        // plan -detailed-exitcode must exit 0.
        let out = wd
            .script("ci/twin-apply.sh")
            .env("CHECK_PLAN_ARGS", &vars)
            .output()
            .expect("run twin-apply.sh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "twin-apply.sh: {stderr}");
        let replan =
            std::fs::read_to_string(wd.path().join("twin-replan.txt")).expect("twin-replan.txt");
        assert!(replan.contains("No changes."), "{replan}");
        assert_links_open_encrypted(&twin);
    }

    // The export of core loaded, and the apply kept what it does not manage.
    let identity = twin.get("core", "/system/identity");
    assert_eq!(identity["name"], "core", "{identity}");
    let ether1 = twin
        .rows("core", "/interface/ethernet")
        .into_iter()
        .find(|r| r.get("name").map(String::as_str) == Some("ether1"))
        .expect("core's ether1");
    assert_eq!(ether1.get("comment").map(String::as_str), Some("to dist1"));

    if !api {
        // One end's key changed by hand: ci/link-check.sh fails naming that
        // link only.
        twin.change_cak("core", "macsec-core-dist1", &random_cak());
        let out = wd
            .script("ci/link-check.sh")
            .env("CHECK_PLAN_ARGS", &vars)
            .output()
            .expect("run link-check.sh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "link-check.sh: {stderr}");
        assert!(
            stderr.contains("MACsec links not open-encrypted on both ends")
                && stderr.contains("core-dist1: negotiating / negotiating"),
            "the check block names the broken link with both ends' status:\n{stderr}"
        );
        assert!(
            stderr.contains(r#"{"core-dist1":"negotiating / negotiating"}"#),
            "the script lists it from the output:\n{stderr}"
        );
        for (link, _, _) in &LINKS[1..] {
            assert!(
                !stderr.contains(&format!("{link}: ")) && !stderr.contains(&format!("\"{link}\"")),
                "{link} is up:\n{stderr}"
            );
        }
    }

    assert_eq!(
        real.connections(),
        0,
        "a connection reached the inventory's real routers"
    );
}

#[test]
fn the_fleet_example_applies_every_link_open_encrypted_and_plans_clean() {
    for_each_terraform(scenario);
}
