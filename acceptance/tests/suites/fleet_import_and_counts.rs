//! A fleet in one provider configuration (issue 21): the provider's
//! `routers` and each block's `router`, against several emulators.
//!
//! - routers configured by hand are imported with `generate --router`
//!   (import blocks on 1.15.5, `import.sh` on 1.0.3) and plan clean, and
//!   `terraform query` lists one router's objects only;
//! - a plan of routers x interfaces costs a few provider launches and one
//!   listing per menu per router, and nothing of a router no resource
//!   uses (counted, not timed);
//! - a router that accepts connections and never answers fails its own
//!   resources with one full error and touches no other router's.

use std::collections::BTreeMap;

use acceptance::harness::{
    LaunchCounter, ProviderBlock, Scheme, SilentListener, Terraform, Workdir, for_each_terraform,
    for_newest_terraform, normalise, provider_dir, rest_ok, run_generate, secrets, terraform_block,
};
use acceptance::sim::{Sim, SimConfig};
use reqwest::Method;
use serde_json::json;

const MACSEC: &str = "/interface/macsec";

/// An emulator over plain HTTP only, with `ports` Ethernet ports.
fn router(ports: usize) -> Sim {
    Sim::spawn(SimConfig {
        ethernet_ports: ports,
        https: false,
        api: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// The `routers` entries for `sims` named `names`, over REST and HTTP.
fn entries<'a>(names: &[&'a str], sims: &[Sim]) -> Vec<(&'a str, ProviderBlock)> {
    names
        .iter()
        .zip(sims)
        .map(|(n, s)| (*n, ProviderBlock::for_sim(s, Scheme::Http)))
        .collect()
}

/// A `main.tf` with a provider block of `routers` only (no router of its
/// own), then `body`.
fn fleet_main(routers: &[(&str, ProviderBlock)], body: &str) -> String {
    terraform_block() + &ProviderBlock::fleet_hcl(&ProviderBlock::default(), routers) + body
}

/// `count` MACsec interfaces (`macsec1`.. on `ether1`..) on the router
/// `name` of `routers`, labelled `name`.
fn interfaces_on(name: &str, count: usize) -> String {
    format!(
        "resource \"routeros_macsec_interface\" \"{name}\" {{\n  router    = \"{name}\"\n  count     = {count}\n  name      = \"macsec${{count.index + 1}}\"\n  interface = \"ether${{count.index + 1}}\"\n}}\n"
    )
}

/// `name`'s router configured by hand, as an operator would over REST: a
/// profile and `links` MACsec interfaces with their keys, on ether1...
/// The names carry the router's name, so that a listing shows whose they
/// are.
fn configure_by_hand(sim: &Sim, name: &str, links: usize) {
    rest_ok(
        sim,
        Method::PUT,
        "/interface/macsec/profile",
        Some(json!({"name": format!("{name}-p"), "server-priority": "5"})),
    );
    for i in 1..=links {
        rest_ok(
            sim,
            Method::PUT,
            MACSEC,
            Some(json!({
                "name": format!("{name}-m{i}"),
                "interface": format!("ether{i}"),
                "profile": format!("{name}-p"),
                "cak": secrets::random_cak(),
                "ckn": format!("{i:02x}").repeat(32),
            })),
        );
    }
}

/// Names of the routers of the import scenario, each with its prefix of
/// labels and files (`9edge` starts with a digit, so its are `_9edge_`).
const FLEET: [(&str, &str); 3] = [("core", "core_"), ("9edge", "_9edge_"), ("edge1", "edge1_")];

/// Issue 21: three routers configured by hand, one provider configuration
/// with `routers`, `generate --router R` for each into one directory; after
/// the import the plan is clean, and every resource in state carries the
/// router its label names. On 1.15.5 with import blocks, on 1.0.3 with the
/// `R_import.sh` scripts (ids `R/...`; two routers of one link each there,
/// since every import is a Terraform run). On Terraform 1.14+, `terraform
/// query` with `config { router = "edge1" }` lists edge1's objects only,
/// with `router` in the configuration it generates.
#[test]
fn importing_a_hand_configured_fleet_with_generate_plans_clean() {
    for_each_terraform(|tf| {
        let old = tf.version_tuple() < (1, 5, 0);
        let (prefixes, links) = if old {
            (&FLEET[..2], 1)
        } else {
            (&FLEET[..], 2)
        };
        let names: Vec<&str> = prefixes.iter().map(|(n, _)| *n).collect();
        let sims: Vec<Sim> = names.iter().map(|_| router(4)).collect();
        for (sim, name) in sims.iter().zip(&names) {
            configure_by_hand(sim, name, links);
        }
        let fleet = entries(&names, &sims);
        let (secret, recipient) = secrets::identity();
        let main = fleet_main(&fleet, "");
        let mut wd = tf.workdir(&main);
        wd.set_env("ROUTEROS_AGE_IDENTITY", &secret);
        let mut objects = 0;
        for (sim, name) in sims.iter().zip(&names) {
            let mut args = vec!["--router", name, "--age-recipient", &recipient];
            if old {
                args.push("--import-commands");
            }
            let out = run_generate(sim, wd.path(), &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let wrote: usize = stderr
                .split("wrote ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{stderr}"));
            objects += wrote;
            // The directory's provider block is kept; generate says which entry it needs.
            assert!(stderr.contains("routers need this entry"), "{stderr}");
            // With the URL generate connected with (ROUTEROS_URL here).
            assert!(stderr.contains(&sim.http_url()), "{stderr}");
        }
        for (_, prefix) in prefixes {
            let file = wd
                .path()
                .join(format!("{}.tf", prefix.trim_end_matches('_')));
            assert!(file.exists(), "{} missing", file.display());
        }
        if old {
            let mut imported = 0;
            for (_, prefix) in prefixes {
                imported += wd.run_import_script_named(&format!("{prefix}import.sh"));
            }
            assert_eq!(imported, objects);
        } else {
            let plan = wd.run(&["plan", "-input=false", "-no-color"]);
            plan.assert_success();
            let want = format!("{objects} to import, 0 to add, 0 to change, 0 to destroy");
            assert!(normalise(&plan.stdout).contains(&want), "{plan}");
            wd.apply();
        }
        wd.plan_exitcode().assert_code(0);
        let state = wd.state_json();
        let resources = state["values"]["root_module"]["resources"]
            .as_array()
            .expect("resources in state");
        assert_eq!(resources.len(), objects);
        for r in resources {
            let label = r["name"].as_str().unwrap();
            let (router, _) = prefixes
                .iter()
                .find(|(_, p)| label.starts_with(p))
                .unwrap_or_else(|| panic!("{label} has no router's prefix"));
            assert_eq!(r["values"]["router"], *router, "{r:#}");
        }
        for sim in &sims {
            assert_eq!(sim.records(MACSEC).len(), links, "nothing added or removed");
        }
        if tf.version_tuple() >= (1, 14, 0) && names.contains(&"edge1") {
            query_lists_one_router(tf, &main);
        }
    });
}

/// `terraform query` with `config { router = "edge1" }`: edge1's
/// interfaces only, each generated block with `router = "edge1"`.
fn query_lists_one_router(tf: &Terraform, main: &str) {
    let wd = tf.workdir(main);
    wd.write_file(
        "fleet.tfquery.hcl",
        r#"
list "routeros_macsec_interface" "edge1" {
  provider         = routeros
  include_resource = true
  config {
    router = "edge1"
  }
}
"#,
    );
    wd.run(&["query", "-no-color", "-generate-config-out=listed.tf"])
        .assert_success();
    let listed = std::fs::read_to_string(wd.path().join("listed.tf")).expect("listed.tf");
    let blocks: Vec<&str> = listed
        .split("\nresource ")
        .skip(1)
        .map(|b| &b[..b.find("\n}").unwrap_or(b.len())])
        .collect();
    assert_eq!(blocks.len(), 2, "{listed}");
    for block in blocks {
        assert!(block.contains("\"edge1-m"), "{listed}");
        let router = block
            .lines()
            .find(|l| l.trim_start().starts_with("router "))
            .unwrap_or_else(|| panic!("no router in:\n{listed}"));
        assert!(router.ends_with("= \"edge1\""), "{router}");
    }
    assert!(
        !listed.contains("core-m") && !listed.contains("9edge-m"),
        "{listed}"
    );
}

/// The requests `sim` received after the first `from`, as (method and
/// path without the query) -> how many.
fn requests_since(sim: &Sim, from: usize) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for line in sim.request_log().into_iter().skip(from) {
        let request: Vec<&str> = line.splitn(3, ' ').take(2).collect();
        let key = request.join(" ");
        let key = key.split('?').next().unwrap_or_default().to_string();
        *by.entry(key).or_insert(0) += 1;
    }
    by
}

/// Issue 21: N routers x M interfaces in ONE provider configuration. A
/// plan makes at most 5 provider launches (counted by a wrapper around the
/// binary, whatever Terraform's walks), each router sees exactly one
/// listing of each menu it is asked about, and a router of `routers` no
/// resource uses receives no request at all (each router's connection is
/// made on its first call).
#[test]
fn a_fleet_in_one_configuration_plans_with_few_launches_and_one_listing_per_menu() {
    const ROUTERS: usize = 5;
    const PER_ROUTER: usize = 4;
    for_newest_terraform(|tf| {
        let sims: Vec<Sim> = (0..=ROUTERS).map(|_| router(PER_ROUTER)).collect();
        let names: Vec<String> = (0..=ROUTERS).map(|i| format!("r{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        // The last router is in `routers` but no resource uses it.
        let mut main = fleet_main(&entries(&names, &sims), "");
        for name in &names[..ROUTERS] {
            main.push_str(&interfaces_on(name, PER_ROUTER));
        }
        let counter = LaunchCounter::new(&provider_dir());
        let wd = Workdir::with_provider_dir(tf, counter.dir(), &main);
        wd.apply();
        for sim in &sims[..ROUTERS] {
            assert_eq!(sim.records(MACSEC).len(), PER_ROUTER);
        }
        counter.reset();
        let before: Vec<usize> = sims.iter().map(|s| s.request_log().len()).collect();
        wd.plan_exitcode().assert_code(0);
        let (launches, _) = counter.launches();
        assert!(
            (1..=5).contains(&launches),
            "a plan of {ROUTERS} routers in one configuration launched the provider {launches} times"
        );
        for (i, sim) in sims[..ROUTERS].iter().enumerate() {
            let seen = requests_since(sim, before[i]);
            assert_eq!(
                seen.get(&format!("GET /rest{MACSEC}")),
                Some(&1),
                "r{i}: {seen:?}"
            );
            for (request, n) in &seen {
                assert!(
                    !request.starts_with("GET ") || *n == 1,
                    "r{i} listed {request} {n} times: {seen:?}"
                );
            }
        }
        let idle = &sims[ROUTERS];
        assert_eq!(
            idle.request_count(),
            0,
            "the router no resource uses was asked: {:?}",
            idle.request_log()
        );
    });
}

/// Issue 21: in a fleet of 20 (19 emulators and one address that accepts
/// connections and never answers, `timeout = "2"` on its entry), a plan
/// fails with exactly one full error explaining the hung router (its other
/// resources' errors are the short form pointing at it), and no diagnostic
/// about any other router.
///
/// Why a count and not the clock proves "within about one timeout": the
/// provider sends one router's requests one at a time, and each waits at
/// most its `timeout` for an answer. So the time the plan spends on the
/// hung router is at most (requests it sent there) x `timeout`, and the
/// listener counts those requests as connections (a request after a
/// timeout needs a new one): one connection bounds the wait by one
/// timeout, whatever the machine's speed, where a provider without the
/// breaker shows one connection per resource whose call failed (each waited
/// out its own timeout). Terraform stops starting the hung router's
/// instances once one fails, so how many of its five get an error varies;
/// each that does is about that router.
#[test]
fn a_dead_router_fails_its_own_resources_with_one_error_and_not_the_others() {
    const LIVE: usize = 19;
    const DEAD_RESOURCES: usize = 5;
    for_newest_terraform(|tf| {
        let sims: Vec<Sim> = (0..LIVE).map(|_| router(2)).collect();
        let hung = SilentListener::start();
        let mut owned: Vec<String> = (0..LIVE).map(|i| format!("r{i}")).collect();
        owned.push("dead".into());
        let names: Vec<&str> = owned.iter().map(String::as_str).collect();
        let mut fleet = entries(&names[..LIVE], &sims);
        let mut dead = ProviderBlock::new(&hung.url("http"), "admin", "pw");
        dead.timeout = Some(2);
        fleet.push(("dead", dead));
        let mut main = fleet_main(&fleet, "");
        for name in &names {
            // The hung router has five resources (without the breaker, five
            // connections), the others one each.
            let count = if *name == "dead" { DEAD_RESOURCES } else { 1 };
            main.push_str(&interfaces_on(name, count));
        }
        let wd = tf.workdir(&main);
        let out = wd.plan_exitcode();
        out.assert_failure();
        let errors = out.error_texts();
        // Terraform stops planning the instances it has not started once
        // one fails, so how many of the five get an error varies.
        assert!(
            (1..=DEAD_RESOURCES).contains(&errors.len()),
            "errors only for the hung router's resources:\n{out}"
        );
        let host = hung.url("http").trim_start_matches("http://").to_string();
        assert_eq!(out.errors().len(), errors.len(), "{out}");
        let short = "one error of this run about it says why";
        let full: Vec<&String> = errors.iter().filter(|e| !e.contains(short)).collect();
        assert_eq!(full.len(), 1, "exactly one full error:\n{out}");
        assert!(full[0].contains("did not answer"), "{}", full[0]);
        for e in &errors {
            assert!(
                e.contains(&host) || e.contains("\"dead\""),
                "not about the hung router: {e}"
            );
        }
        for sim in &sims {
            let other = sim.http_url().trim_start_matches("http://").to_string();
            assert!(
                !out.stderr.contains(&other),
                "a diagnostic about {other}:\n{out}"
            );
        }
        let attempts = hung.accepted();
        // A plan sends no look-up after a lost reply, the one request an
        // open breaker lets through: the first request's connection is all.
        assert_eq!(
            attempts, 1,
            "the hung router got {attempts} connections, one per request that waited out its timeout"
        );
    });
}
