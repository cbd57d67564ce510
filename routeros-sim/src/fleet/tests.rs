//! The twin fleet: inventories (good and hostile), routers started and
//! cabled as they say, exports per router, the `--tfvars` file.

use std::net::SocketAddr;
use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::test_rest::Api;

const CAK_1: &str = "00112233445566778899aabbccddeeff";
const CAK_2: &str = "ffeeddccbbaa99887766554433221100";
const CKN_1: &str = "abcdef0123456789";
const CKN_2: &str = "0123456789abcdef";

/// Three routers, two links: core ether1 to dist1 ether1, core ether2 to
/// dist2 ether1. Connection settings, keys and profiles are the example's.
const THREE: &str = "\
routers:
  core:
    url: https://10.0.0.1
    ca_certificate: certs/core.pem
  dist1:
    url: https://10.0.1.1
  dist2: { url: \"apis://10.0.2.1\", tls_fingerprint: \"AB:CD\" }
links:
  core-dist1:
    a: { router: core, port: ether1 }
    b: { router: dist1, port: ether1 }
    key: keys/core-dist1.cak.age
    profile: strict
  core-dist2:
    a: { router: core, port: ether2 }
    b: { router: dist2, port: ether1 }
    key: keys/core-dist2.cak.age
profiles:
  strict: { replay_protection: \"true\" }
";

/// Every service on a free port of 127.0.0.1; TLS ones only when `tls`.
fn localhost(tls: bool) -> Listeners {
    let free = SocketAddr::from(([127, 0, 0, 1], 0));
    Listeners {
        http: free,
        https: tls.then_some(free),
        api: Some(free),
        apis: tls.then_some(free),
    }
}

/// A fleet of `inventory` over HTTP only, from `exports` when given.
fn start(inventory: &str, exports: Option<&Path>) -> Fleet {
    let inventory = Inventory::parse(inventory, 8).unwrap();
    let base = SimConfig {
        https: false,
        ..SimConfig::default()
    };
    Fleet::spawn(
        FleetPlan::from_inventory(&inventory, &base, &localhost(false), exports, false).unwrap(),
    )
    .unwrap()
}

impl Api {
    /// Adds `name` on `port` with the given key.
    async fn macsec_on(&self, name: &str, port: &str, cak: &str, ckn: &str) {
        self.ok(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"name": name, "interface": port, "cak": cak, "ckn": ckn})),
        )
        .await;
    }

    /// `status` of the MACsec interface `name`.
    async fn status(&self, name: &str) -> String {
        let row = self
            .ok(Method::GET, &format!("/rest/interface/macsec/{name}"), None)
            .await;
        row["status"].as_str().unwrap().to_string()
    }
}

/// `GET /sim/stats` of one router: its request count.
async fn requests(sim: &Sim) -> u64 {
    let stats: Value = reqwest::get(format!("{}{}", sim.http_url(), crate::STATS_PATH))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stats["requests"].as_u64().unwrap()
}

#[test]
fn an_inventory_gives_its_routers_and_links_in_order() {
    let inventory = Inventory::parse(THREE, 8).unwrap();
    assert_eq!(inventory.routers, ["core", "dist1", "dist2"]);
    let ends: Vec<_> = inventory
        .links
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.a.router.as_str(),
                l.a.port.as_str(),
                l.b.router.as_str(),
                l.b.port.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ends,
        [
            ("core-dist1", "core", "ether1", "dist1", "ether1"),
            ("core-dist2", "core", "ether2", "dist2", "ether1"),
        ]
    );
    // No links at all is a fleet of unconnected routers.
    let alone = Inventory::parse("routers:\n  core: { url: https://x }\n", 8).unwrap();
    assert_eq!((alone.routers.len(), alone.links.len()), (1, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn three_routers_two_links_come_up_like_a_pair_and_nothing_else_does() {
    let fleet = start(THREE, None);
    let names: Vec<_> = fleet.routers().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["core", "dist1", "dist2"]);
    let (core, dist1, dist2) = (
        Api::admin(fleet.router("core").unwrap()),
        Api::admin(fleet.router("dist1").unwrap()),
        Api::admin(fleet.router("dist2").unwrap()),
    );
    // Each router answers with its own identity.
    for (api, name) in [(&core, "core"), (&dist1, "dist1"), (&dist2, "dist2")] {
        let identity = api.ok(Method::GET, "/rest/system/identity", None).await;
        assert_eq!(identity, json!({"name": name}));
    }
    core.macsec_on("to-dist1", "ether1", CAK_1, CKN_1).await;
    core.macsec_on("to-dist2", "ether2", CAK_2, CKN_2).await;
    // One end configured: nothing comes up.
    assert_eq!(core.status("to-dist1").await, "negotiating");
    dist1.macsec_on("to-core", "ether1", CAK_1, CKN_1).await;
    // A key that does not match keeps its link down, and only that link.
    dist2.macsec_on("to-core", "ether1", CAK_1, CKN_2).await;
    assert_eq!(core.status("to-dist1").await, "open-encrypted");
    assert_eq!(dist1.status("to-core").await, "open-encrypted");
    assert_eq!(core.status("to-dist2").await, "negotiating");
    dist2
        .ok(
            Method::PATCH,
            "/rest/interface/macsec/to-core",
            Some(json!({"cak": CAK_2})),
        )
        .await;
    assert_eq!(core.status("to-dist2").await, "open-encrypted");
    assert_eq!(dist2.status("to-core").await, "open-encrypted");
    // Ports no link names carry no cable: the same key there stays down.
    core.macsec_on("spare", "ether3", CAK_1, CKN_1).await;
    dist1.macsec_on("spare", "ether2", CAK_1, CKN_1).await;
    assert_eq!(core.status("spare").await, "negotiating");
    assert_eq!(dist1.status("spare").await, "negotiating");

    // Requests to one router are not counted by another.
    let before: Vec<u64> = request_counts(&fleet).await;
    for _ in 0..5 {
        core.ok(Method::GET, "/rest/system/identity", None).await;
    }
    let after = request_counts(&fleet).await;
    assert_eq!(after[0], before[0] + 5, "{before:?} -> {after:?}");
    assert_eq!(after[1..], before[1..], "{before:?} -> {after:?}");
}

/// Every router's request count, in the fleet's order.
async fn request_counts(fleet: &Fleet) -> Vec<u64> {
    let mut counts = Vec::new();
    for router in fleet.routers() {
        counts.push(requests(&router.sim).await);
    }
    counts
}

/// The error `text` gives (inventory of ports ether1..ether8), as printed.
fn refused(text: &str) -> String {
    match Inventory::parse(text, 8) {
        Ok(inventory) => panic!("accepted {text:?}: {inventory:?}"),
        Err(e) => e.to_string(),
    }
}

/// A link between core and dist1 with the ends given.
fn link(a: &str, b: &str) -> String {
    format!("routers: {{ core: {{}}, dist1: {{}} }}\nlinks:\n  l1: {{ {a}{b} }}\n")
}

#[test]
fn a_bad_inventory_is_refused_naming_the_key_and_what_to_do() {
    let cases: Vec<(String, &str, &str)> = vec![
        // Names outside A-Z a-z 0-9 _ -, 1 to 64 of them.
        (
            "routers: { \"a b\": {} }".into(),
            "routers.\"a b\": ",
            "A-Z a-z 0-9 _ -: rename it",
        ),
        (
            "routers: { \"../etc\": {} }".into(),
            "routers.\"../etc\"",
            "rename it",
        ),
        (
            "routers: { \"${x}\": {} }".into(),
            "routers.\"${x}\"",
            "rename it",
        ),
        (
            "routers: { \"%{x}\": {} }".into(),
            "routers.\"%{x}\"",
            "rename it",
        ),
        (
            "routers: { \"it's\\\"\": {} }".into(),
            "routers.\"it's\\\"\"",
            "rename it",
        ),
        (
            "routers: { \"a\\nb\": {} }".into(),
            "routers.\"a\\nb\"",
            "rename it",
        ),
        (
            "routers: { \"a\\0b\": {} }".into(),
            "routers.\"a\\0b\"",
            "rename it",
        ),
        (
            "routers: { \"\": {} }".into(),
            "routers.\"\"",
            "rename it",
        ),
        (
            format!("routers: {{ {}: {{}} }}", "r".repeat(65)),
            "routers.\"rrrr",
            "1 to 64",
        ),
        (
            "routers: { core: {} }\nlinks: { \"a/b\": {} }".into(),
            "links.\"a/b\"",
            "rename it",
        ),
        (
            "routers: { 12: {} }".into(),
            "routers.12: ",
            "quote it (\"12\")",
        ),
        // Link ends.
        (
            link(
                "a: { router: core, port: ether1 }, ",
                "b: { router: edge9, port: ether1 }",
            ),
            "links.l1.b.router: ",
            "\"edge9\" is not a router of this inventory: use one of core, dist1",
        ),
        (
            link(
                "a: { router: core, port: ether9 }, ",
                "b: { router: dist1, port: ether1 }",
            ),
            "links.l1.a.port: ",
            "\"ether9\" is not an Ethernet port of the twin: use ether1 to ether8",
        ),
        (
            link(
                "a: { router: core, port: ether0 }, ",
                "b: { router: dist1, port: ether1 }",
            ),
            "links.l1.a.port: ",
            "use ether1 to ether8",
        ),
        (
            link(
                "a: { router: core, port: ether01 }, ",
                "b: { router: dist1, port: ether1 }",
            ),
            "links.l1.a.port: ",
            "use ether1 to ether8",
        ),
        (
            link(
                "a: { router: core, port: sfp1 }, ",
                "b: { router: dist1, port: ether1 }",
            ),
            "links.l1.a.port: ",
            "use ether1 to ether8",
        ),
        (
            link(
                "a: { router: core, port: 1 }, ",
                "b: { router: dist1, port: ether1 }",
            ),
            "links.l1.a.port: ",
            "is a number, not a string",
        ),
        (
            link("", "b: { router: dist1, port: ether1 }"),
            "links.l1.a: ",
            "missing: add `a: { router: NAME, port: etherN }`",
        ),
        (
            link("a: { router: core, port: ether1 }", ""),
            "links.l1.b: ",
            "missing: add `b:",
        ),
        (
            link(
                "a: { router: core }, ",
                "b: { router: dist1, port: ether1 }",
            ),
            "links.l1.a.port: ",
            "missing: add `port:`",
        ),
        (
            link("a: { port: ether1 }, ", "b: { router: dist1, port: ether1 }"),
            "links.l1.a.router: ",
            "missing: add `router:`",
        ),
        (
            link("a: core, ", "b: { router: dist1, port: ether1 }"),
            "links.l1.a: ",
            "is a string, not a mapping",
        ),
        // One port, two cables.
        (
            link(
                "a: { router: core, port: ether1 }, ",
                "b: { router: core, port: ether1 }",
            ),
            "links.l1.b: ",
            "ether1 of core is already the other end of this link: a port takes one cable",
        ),
        (
            "routers: { core: {}, dist1: {} }\nlinks:\n  l1: { a: { router: core, port: ether1 }, b: { router: dist1, port: ether1 } }\n  l2: { a: { router: dist1, port: ether2 }, b: { router: core, port: ether1 } }\n".into(),
            "links.l2.b: ",
            "ether1 of core is already an end of link l1: a port takes one cable, use another port",
        ),
        // Not a mapping, or no routers.
        ("- core\n- dist1\n".into(), "", "the document is a list, not a mapping"),
        ("core\n".into(), "", "the document is a string, not a mapping"),
        ("".into(), "", "the document is empty, not a mapping"),
        ("links: {}\n".into(), "routers: ", "missing: add `routers:`"),
        ("routers: {}\n".into(), "routers: ", "no routers"),
        ("routers: [core]\n".into(), "routers: ", "is a list, not a mapping"),
        ("routers: { core: https://x }\n".into(), "routers.core: ", "is a string, not a mapping"),
        ("routers: { core: {} }\nlinks: [a]\n".into(), "links: ", "is a list, not a mapping"),
        // YAML the reader refuses.
        ("routers: !fleet { core: {} }\n".into(), "", "a YAML tag (`!name`) is not part of an inventory"),
        ("routers: { core: {}, core: {} }\n".into(), "", "the key \"core\" appears twice"),
        ("routers: { core: {} }\0\n".into(), "", "not YAML the emulator reads"),
        ("routers: { core: {\n".into(), "", "not YAML the emulator reads"),
        (format!("routers: {}core: {{}}{}\n", "[".repeat(1_000), "]".repeat(1_000)), "", "not YAML the emulator reads"),
    ];
    for (text, key, message) in &cases {
        let error = refused(text);
        assert!(
            error.starts_with(key) && error.contains(message),
            "{text:?}\n  gave {error:?}\n  want {key:?} ... {message:?}"
        );
        // Hostile text is shown escaped and cut, never as it came.
        assert!(
            !error.contains('\n') && !error.contains('\0') && error.len() < 400,
            "{error:?}"
        );
    }
    // A huge name is cut in the error.
    let error = refused(&format!("routers: {{ {}: {{}} }}", "x".repeat(100_000)));
    assert!(error.len() < 300, "{}", error.len());
}

#[test]
fn a_yaml_bomb_of_aliases_stops_at_the_node_budget() {
    // Nine levels of ten aliases each: 10^9 nodes in a few hundred bytes.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = format!("*a{}", level - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    text.push_str("routers: { core: {} }\n");
    assert!(text.len() < 1000, "{}", text.len());
    let error = refused(&text);
    assert!(
        error.contains(&format!("more than {} YAML nodes", yaml::MAX_NODES)),
        "{error}"
    );
    // One anchor of 200 items used 1,000 times: 200,000 nodes from 5 KB,
    // within serde_norway's own limit (it counts jumps to an alias, 100 per
    // event of the document, not what they replay); the budget stops it.
    let wide = |items: usize, uses: usize| {
        format!(
            "a: &a [{}]\nb: [{}]\nrouters: {{ core: {{}} }}\n",
            vec!["x"; items].join(", "),
            vec!["*a"; uses].join(", ")
        )
    };
    let text = wide(200, 1000);
    assert!(text.len() < 6_000, "{}", text.len());
    let error = refused(&text);
    assert!(error.contains("YAML nodes"), "{error}");
    // The library alone lets it through (shown ten times smaller, to keep
    // the test quick): only the budget refuses it.
    let smaller = wide(20, 1000);
    assert!(yaml::parse(&smaller, usize::MAX).is_ok());
    assert!(yaml::parse(&smaller, 20_000).is_err());
    // The budget counts what the aliases expand to: the same budget one
    // node short of a small expansion refuses it, exactly enough passes.
    let small = "a: &a [x, x]\nb: [*a, *a]\n";
    // The document, a, its list and 2 items, b, its list, 2 x (list + 2 items).
    let nodes = 1 + 1 + 1 + 2 + 1 + 1 + 2 * 3;
    assert!(yaml::parse(small, nodes).is_ok());
    assert!(yaml::parse(small, nodes - 1).is_err());
}

#[test]
fn an_inventory_file_over_the_size_bound_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.yaml");
    // 100 MB, sparse: only the bound is ever read.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 << 20).unwrap();
    let error = Inventory::read(&path, 8).unwrap_err().to_string();
    assert!(
        error.contains(&path.display().to_string())
            && error.contains(&format!("larger than the {MAX_INVENTORY_BYTES} bytes")),
        "{error}"
    );
    // An error in the document names the file too.
    std::fs::write(&path, "routers: { \"../x\": {} }\n").unwrap();
    let error = Inventory::read(&path, 8).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("the inventory {}: routers.", path.display())),
        "{error}"
    );
    std::fs::write(&path, b"routers: { core: {} }\n\xff\n").unwrap();
    let error = Inventory::read(&path, 8).unwrap_err().to_string();
    assert!(error.contains("is not UTF-8"), "{error}");
}

#[test]
fn a_fleet_of_more_routers_than_the_bound_is_refused() {
    let mut text = String::from("routers:\n");
    for i in 0..=MAX_FLEET_ROUTERS {
        text.push_str(&format!("  r{i}: {{}}\n"));
    }
    let error = refused(&text);
    assert!(
        error.contains(&format!("more than the {MAX_FLEET_ROUTERS}")),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_load_a_routers_file_and_leave_the_others_empty() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    // core's export, from an emulator configured by hand (another identity).
    let source = Sim::spawn(SimConfig {
        https: false,
        identity: "core-old".into(),
        ..SimConfig::default()
    })
    .unwrap();
    Api::admin(&source)
        .macsec_on("to-dist1", "ether1", CAK_1, CKN_1)
        .await;
    std::fs::write(exports.join("core.rsc"), source.export_text(false)).unwrap();
    drop(source);
    // A file beside the directory that a name with `../` would reach.
    std::fs::write(
        dir.path().join("dist1.rsc"),
        "garbage that is not an export\n",
    )
    .unwrap();

    // A file named after no router is reported, not loaded.
    std::fs::write(exports.join("cor.rsc"), "/system identity\nset name=cor\n").unwrap();
    std::fs::write(exports.join("notes.txt"), "not an export").unwrap();
    let inventory = Inventory::parse(THREE, 8).unwrap();
    assert_eq!(
        unmatched_exports(&inventory, &exports).unwrap(),
        [exports.join("cor.rsc")]
    );

    let fleet = start(THREE, Some(&exports));
    let core = fleet.router("core").unwrap();
    let macsec = core.records("/interface/macsec");
    assert_eq!(macsec.len(), 1, "{macsec:?}");
    assert_eq!(macsec[0]["name"], "to-dist1");
    assert_eq!(macsec[0]["cak"], CAK_1);
    // The identity is the inventory's name, whatever the export said.
    assert_eq!(core.records("/system/identity")[0]["name"], "core");
    assert!(fleet.routers()[0].export.is_some());
    for name in ["dist1", "dist2"] {
        let sim = fleet.router(name).unwrap();
        assert!(sim.records("/interface/macsec").is_empty(), "{name}");
        assert_eq!(sim.records("/system/identity")[0]["name"], name);
    }
    assert!(fleet.routers()[1].export.is_none());

    // A name reaching out of the directory never gets that far: the
    // inventory refuses it, and so does the plan when handed one anyway.
    let error = refused("routers: { \"../dist1\": {} }\n");
    assert!(error.starts_with("routers.\"../dist1\""), "{error}");
    let forged = Inventory {
        routers: vec!["../dist1".into()],
        links: Vec::new(),
    };
    let base = SimConfig::default();
    let error = FleetPlan::from_inventory(&forged, &base, &localhost(true), Some(&exports), false)
        .unwrap_err()
        .to_string();
    assert!(error.contains("rename it"), "{error}");
    // A directory that is not there is an error naming it.
    let missing = dir.path().join("nope");
    let error = FleetPlan::from_inventory(
        &Inventory::parse(THREE, 8).unwrap(),
        &base,
        &localhost(true),
        Some(&missing),
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("--exports") && error.contains("nope"),
        "{error}"
    );
}

#[test]
fn a_broken_export_names_its_router_and_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dist1.rsc"),
        "/interface macsec\nadd name=\"open\n",
    )
    .unwrap();
    let inventory = Inventory::parse(THREE, 8).unwrap();
    let base = SimConfig {
        https: false,
        ..SimConfig::default()
    };
    let plan = FleetPlan::from_inventory(
        &inventory,
        &base,
        &localhost(false),
        Some(dir.path()),
        false,
    )
    .unwrap();
    let error = format!("{:#}", Fleet::spawn(plan).unwrap_err());
    assert!(
        error.starts_with("starting router dist1: loading the export ")
            && error.contains("dist1.rsc"),
        "{error}"
    );
}

#[test]
fn tfvars_hold_every_router_and_survive_a_hostile_cert_dir() {
    let dir = tempfile::tempdir().unwrap();
    // A certificate directory whose path needs escaping in JSON and HCL.
    let certs = dir.path().join("c\"e\\r ${x} %{y}\nt\u{1}s");
    let inventory = Inventory::parse(THREE, 8).unwrap();
    let base = SimConfig {
        cert_dir: Some(certs.clone()),
        api: false,
        ..SimConfig::default()
    };
    let fleet = Fleet::spawn(
        FleetPlan::from_inventory(&inventory, &base, &localhost(true), None, false).unwrap(),
    )
    .unwrap();
    let path = dir.path().join("twin.tfvars.json");
    std::fs::write(&path, "stale").unwrap();
    fleet.write_tfvars(&path).unwrap();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let overrides = written["router_overrides"].as_object().unwrap();
    let names: Vec<_> = overrides.keys().map(String::as_str).collect();
    assert_eq!(names, ["core", "dist1", "dist2"]);
    for router in fleet.routers() {
        let entry = &overrides[&router.name];
        assert_eq!(entry["url"], router.sim.https_url().unwrap(), "{entry}");
        let ca = entry["ca_certificate"].as_str().unwrap();
        assert_eq!(Path::new(ca), certs.join(&router.name).join("ca.pem"));
        assert_eq!(
            std::fs::read_to_string(ca).unwrap(),
            router.sim.ca_certificate_pem().unwrap()
        );
        assert_eq!(entry.as_object().unwrap().len(), 2, "{entry}");
    }
    // Written beside the target and renamed: nothing else is left in the directory.
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left.len(), 2, "{left:?}");

    // Without HTTPS: the HTTP URL and no CA.
    let plain = start("routers: { core: {} }\n", None);
    let text = plain.tfvars().unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        json!({"router_overrides": {"core": {"url": plain.router("core").unwrap().http_url()}}})
    );
}

/// The fuzz target `sim_inventory`'s property on seeded inputs: pieces of
/// inventories, hostile bytes and the committed corpus.
#[test]
fn inventories_of_any_bytes_are_read_or_refused_in_one_bounded_line() {
    const PIECES: &[&str] = &[
        "routers:",
        "links:",
        "\n  ",
        "\n    ",
        "core",
        "edge",
        "l1",
        ": ",
        "{ ",
        " }",
        "[",
        "]",
        ", ",
        "a: { router: core, port: ether1 }",
        "b: { router: edge, port: ether2 }",
        "router: ",
        "port: ",
        "ether1",
        "ether9",
        "&x ",
        "*x",
        "!t ",
        "\"",
        "'",
        "\\",
        "${",
        "%{",
        "../",
        "\0",
        "\u{202e}",
        "~",
        "12",
        "- ",
        "? ",
        "# c",
    ];
    let mut seed = 0x5eed_0021_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..next() % 40 {
            let r = next();
            if r % 7 == 0 {
                text.push(char::from((r >> 8) as u8 % 128));
            } else {
                text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
            }
        }
        crate::fuzzing::inventory_is_total_and_bounded(text.as_bytes());
    }
    // A list of known routers in an error is cut too.
    let mut many = String::from("routers:\n");
    for i in 0..MAX_FLEET_ROUTERS {
        many.push_str(&format!("  {}{i}: {{}}\n", "r".repeat(60)));
    }
    many.push_str(
        "links: { l: { a: { router: x, port: ether1 }, b: { router: x, port: ether2 } } }\n",
    );
    let error = refused(&many);
    assert!(
        error.contains("(and 246 more)") && error.len() < 1024,
        "{error}"
    );
    crate::fuzzing::inventory_is_total_and_bounded(many.as_bytes());
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/corpus/sim_inventory");
    let mut n = 0;
    for entry in std::fs::read_dir(corpus).expect("the committed corpus") {
        crate::fuzzing::inventory_is_total_and_bounded(
            &std::fs::read(entry.unwrap().path()).unwrap(),
        );
        n += 1;
    }
    assert!(n >= 5, "{n} corpus files in {corpus}");
}
