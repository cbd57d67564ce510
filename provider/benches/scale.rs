//! Scale benchmarks (`make bench`): real Terraform (`.tools/bin/terraform`)
//! driving the release build of the provider against routeros-sim, each
//! figure a ratio against a baseline measured in the same run, printed as a
//! table and written to `target/bench/<name>.json`. Router requests, rows
//! served and provider launches are counted, not timed.
//!
//! - `plan_1000`: plan of 1000 MACsec interfaces in state vs plan of 1000
//!   `terraform_data`;
//! - `apply_1000`: apply creating 1000 interfaces vs apply of 1000
//!   `terraform_data`, at zero router cost and at `--latency 5 --row-cost
//!   500`;
//! - `refresh_1000`: refresh-only plan of 1000 at `--latency 5` vs one GET
//!   per resource (10 at a time, as Terraform's parallelism);
//! - `fleet_20x10`: plan of 20 routers x 10 interfaces (one provider
//!   configuration each, aliased) vs plan of 200 `terraform_data`;
//! - `fleet_one_config`: the same fleet in one provider configuration (the
//!   provider's `routers`, each resource's `router`) vs the same 200
//!   `terraform_data`, with launches per plan and requests per router;
//! - `rss_1000`, `rss_menu_10000`: the provider's peak RSS (largest over
//!   the launches of one plan, from `getrusage` of the wrapper's child) at
//!   1000 resources and for a plan reading a menu of 10,000 rows, against
//!   the 30 / 60 MiB budgets;
//! - `handshake`: exec to handshake line of the provider, best of 21,
//!   against the 10 ms budget (the bare test provider's figure, the plugin
//!   layer alone, in its counts).
//!
//! Each ratio goal is printed beside its **floor**: the same Terraform
//! command run in the same way against the bare test provider
//! (`plugin-test-provider`: resources kept in memory or a small file, no
//! router), which is what any plugin costs Terraform: the provider
//! process of that run uses a few percent of the CPU, Terraform the rest.
//! A goal below its floor cannot be met by any provider on that machine
//! and Terraform version.
//!
//! `BENCH_N` changes the 1000 (for a quick run), `BENCH_ROUNDS` the best-of
//! count (3), `BENCH_MENU_ROWS` the 10,000, `BENCH_HANDSHAKES` the 21. The provider binaries come from `TF_ACC_PROVIDER_DIR`, else
//! `target/release` (`make bench` builds them).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use acceptance::harness::{
    LaunchCounter, ProviderBlock, Scheme, Terraform, Workdir, terraform_block, workspace_root,
};
use acceptance::sim::{Sim, SimConfig};
use serde_json::json;

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const ROUTERS: usize = 20;
const PER_ROUTER: usize = 10;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One line of the table.
struct Figure {
    name: String,
    what: String,
    ours: f64,
    baseline: f64,
    unit: &'static str,
    goal: Option<f64>,
    /// The bare test provider's time for the same work (see the module
    /// documentation), when the goal is a ratio of times.
    floor: Option<f64>,
    counts: serde_json::Value,
}

impl Figure {
    fn ratio(&self) -> f64 {
        self.ours / self.baseline
    }

    fn floor_ratio(&self) -> Option<f64> {
        self.floor.map(|f| f / self.baseline)
    }
}

/// A directory whose `terraform-provider-routeros` is the bare test
/// provider (`plugin-test-provider`), for the floors.
fn bare_dir(real: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(
        real.join("plugin-test-provider"),
        dir.path().join("terraform-provider-routeros"),
    )
    .expect("link the bare test provider");
    dir
}

/// `n` things of the bare test provider, kept in `store` when given (a
/// plan needs them to outlive the apply's process), else in memory.
fn things(n: usize, alias: Option<&str>, store: Option<&Path>) -> String {
    let mut hcl = String::from("provider \"routeros\" {\n");
    let name = match alias {
        Some(a) => {
            hcl.push_str(&format!("  alias = \"{a}\"\n"));
            a.to_string()
        }
        None => "t".to_string(),
    };
    if let Some(store) = store {
        hcl.push_str(&format!(
            "  store_file = {:?}\n",
            store.display().to_string()
        ));
    }
    hcl.push_str("}\n");
    let provider = alias.map_or(String::new(), |a| format!("  provider = routeros.{a}\n"));
    hcl.push_str(&format!(
        "resource \"routeros_test_thing\" \"{name}\" {{\n{provider}  count = {n}\n  name  = \"thing${{count.index + 1}}\"\n  value = \"v${{count.index + 1}}\"\n}}\n"
    ));
    hcl
}

fn release_dir() -> PathBuf {
    let dir = std::env::var_os("TF_ACC_PROVIDER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target").join("release"));
    for bin in ["terraform-provider-routeros", "plugin-test-provider"] {
        assert!(
            dir.join(bin).is_file(),
            "{} is missing: run `cargo build --release -p terraform-provider-routeros` (make bench does)",
            dir.join(bin).display()
        );
    }
    dir
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn plan(wd: &Workdir) -> Duration {
    let out = wd.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    out.assert_code(0);
    out.elapsed
}

fn best_plan(wd: &Workdir, rounds: usize) -> Duration {
    (0..rounds).map(|_| plan(wd)).min().expect("rounds > 0")
}

fn apply(wd: &Workdir) -> Duration {
    wd.apply().elapsed
}

fn interfaces(n: usize) -> String {
    format!(
        "resource \"routeros_macsec_interface\" \"m\" {{\n  count     = {n}\n  name      = \"macsec${{count.index + 1}}\"\n  interface = \"ether${{count.index + 1}}\"\n}}\n"
    )
}

fn data(n: usize) -> String {
    format!(
        "resource \"terraform_data\" \"d\" {{\n  count = {n}\n  input = \"d${{count.index + 1}}\"\n}}\n"
    )
}

fn sim(ports: usize, latency: Duration, row_cost: Duration) -> Sim {
    Sim::spawn(SimConfig {
        ethernet_ports: ports,
        https: false,
        api: false,
        latency,
        row_cost,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

fn counts(sim: &Sim, before: (usize, usize)) -> (usize, usize) {
    (sim.request_count() - before.0, sim.rows_served() - before.1)
}

fn snapshot(sim: &Sim) -> (usize, usize) {
    (sim.request_count(), sim.rows_served())
}

/// Copies the state of `from` into a new workdir over the counting wrapper
/// and runs one plan there: (launches, peak RSS MiB).
fn counted_plan(
    tf: &Terraform,
    counter: &LaunchCounter,
    main_tf: &str,
    from: &Workdir,
) -> (usize, f64) {
    counter.reset();
    let wd = Workdir::with_provider_dir(tf, counter.dir(), main_tf);
    std::fs::copy(
        from.path().join("terraform.tfstate"),
        wd.path().join("terraform.tfstate"),
    )
    .expect("copy state");
    plan(&wd);
    counter.launches()
}

/// Time from exec to the handshake line of `bin`, with AutoMTLS, over
/// `rounds` launches: (best, median).
fn handshake(bin: &Path, cert_pem: &str, rounds: usize) -> (Duration, Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut times = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let mut child = Command::new(bin)
            .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5")
            .env("PLUGIN_UNIX_SOCKET_DIR", dir.path())
            .env("PLUGIN_CLIENT_CERT", cert_pem)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the provider");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("handshake line");
        times.push(start.elapsed());
        assert!(line.starts_with("1|5|unix|"), "{line:?}");
        let _ = child.kill();
        let _ = child.wait();
    }
    times.sort();
    (times[0], times[times.len() / 2])
}

/// Adds `rows` MACsec interfaces to `sim` (one PUT each, on ether1..).
fn seed_macsec(sim: &Sim, rows: usize) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        for i in 1..=rows {
            let resp = http
                .put(format!("{}/rest/interface/macsec", sim.http_url()))
                .basic_auth(sim.username(), Some(sim.password()))
                .json(&json!({"name": format!("macsec{i}"), "interface": format!("ether{i}")}))
                .send()
                .await
                .expect("PUT");
            assert!(
                resp.status().is_success(),
                "seeding row {i}: {}",
                resp.status()
            );
        }
    });
}

fn client_cert_pem() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("cert").pem()
}

/// One GET per resource, 10 at a time: what a provider without a menu cache does.
fn per_resource_refresh(sim: &Sim, ids: &[String]) -> (Duration, usize) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let before = sim.request_count();
    let start = Instant::now();
    rt.block_on(async {
        let http = reqwest::Client::new();
        for chunk in ids.chunks(10) {
            let mut tasks = Vec::new();
            for id in chunk {
                let req = http
                    .get(format!("{}/rest/interface/macsec/{id}", sim.http_url()))
                    .basic_auth(sim.username(), Some(sim.password()));
                tasks.push(tokio::spawn(async move {
                    req.send().await.map(|r| r.status().is_success())
                }));
            }
            for t in tasks {
                assert!(t.await.expect("task").expect("GET"));
            }
        }
    });
    (start.elapsed(), sim.request_count() - before)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let n = env_usize("BENCH_N", 1000);
    let rounds = env_usize("BENCH_ROUNDS", 3).max(1);
    let dir = release_dir();
    let tf = Terraform::newest();
    let counter = LaunchCounter::new(&dir);
    let mut figures = Vec::new();
    eprintln!(
        "scale benchmarks: N = {n}, best of {rounds}, Terraform {}, provider {}",
        tf.version(),
        dir.display()
    );

    // --- apply and plan of N at zero router cost -------------------------
    let zero = sim(n, Duration::ZERO, Duration::ZERO);
    let ours_tf = ProviderBlock::for_sim(&zero, Scheme::Http).main_tf(&interfaces(n));
    let ours = Workdir::with_provider_dir(&tf, &dir, &ours_tf);
    let base = Workdir::with_provider_dir(&tf, &dir, &data(n));
    let before = snapshot(&zero);
    let ours_apply = apply(&ours);
    let (requests, rows) = counts(&zero, before);
    let base_apply = apply(&base);
    let bare = bare_dir(&dir);
    let bare_apply_wd = Workdir::with_provider_dir(
        &tf,
        bare.path(),
        &(terraform_block() + &things(n, None, None)),
    );
    let bare_apply = apply(&bare_apply_wd);
    drop(bare_apply_wd);
    figures.push(Figure {
        name: "apply_1000".into(),
        what: format!("apply creating {n} interfaces, zero router cost"),
        ours: seconds(ours_apply),
        baseline: seconds(base_apply),
        unit: "s",
        goal: Some(1.1),
        floor: Some(seconds(bare_apply)),
        counts: json!({"requests": requests, "rows": rows, "n": n}),
    });
    let ours_plan = best_plan(&ours, rounds);
    let base_plan = best_plan(&base, rounds);
    let store = tempfile::tempdir().expect("temp dir");
    let bare_plan_wd = Workdir::with_provider_dir(
        &tf,
        bare.path(),
        &(terraform_block() + &things(n, None, Some(&store.path().join("things.json")))),
    );
    bare_plan_wd.apply();
    let bare_plan = best_plan(&bare_plan_wd, rounds);
    drop(bare_plan_wd);
    let before = snapshot(&zero);
    let (launched, rss) = counted_plan(&tf, &counter, &ours_tf, &ours);
    let (requests, rows) = counts(&zero, before);
    figures.push(Figure {
        name: "plan_1000".into(),
        what: format!("plan of {n} interfaces in state"),
        ours: seconds(ours_plan),
        baseline: seconds(base_plan),
        unit: "s",
        goal: Some(1.3),
        floor: Some(seconds(bare_plan)),
        counts: json!({"requests": requests, "rows": rows, "launches": launched, "peak_rss_mib": rss}),
    });
    figures.push(Figure {
        name: "rss_1000".into(),
        what: format!("provider peak RSS, plan of {n} in state, vs budget"),
        ours: rss,
        baseline: 30.0,
        unit: "MiB",
        goal: Some(1.0),
        floor: None,
        counts: json!({"launches": launched}),
    });
    drop(ours);
    drop(zero);

    // --- apply and refresh of N at --latency 5 --row-cost 500 ---------------
    let slow = sim(n, Duration::from_millis(5), Duration::from_micros(500));
    let slow_tf = ProviderBlock::for_sim(&slow, Scheme::Http).main_tf(&interfaces(n));
    let slow_wd = Workdir::with_provider_dir(&tf, &dir, &slow_tf);
    let before = snapshot(&slow);
    let slow_apply = apply(&slow_wd);
    let (requests, rows) = counts(&slow, before);
    figures.push(Figure {
        name: "apply_1000_latency".into(),
        what: format!("apply creating {n}, --latency 5 --row-cost 500"),
        ours: seconds(slow_apply),
        baseline: seconds(base_apply),
        unit: "s",
        goal: None,
        floor: None,
        counts: json!({"requests": requests, "rows": rows, "n": n}),
    });
    let before = snapshot(&slow);
    let out = slow_wd.refresh_only_plan();
    out.assert_code(0);
    let (requests, rows) = counts(&slow, before);
    let ids: Vec<String> = slow
        .records("/interface/macsec")
        .into_iter()
        .filter_map(|r| r.get(".id").cloned())
        .collect();
    let (per_get, get_requests) = per_resource_refresh(&slow, &ids);
    figures.push(Figure {
        name: "refresh_1000".into(),
        what: format!("refresh-only plan of {n}, --latency 5 --row-cost 500, vs one GET each"),
        ours: seconds(out.elapsed),
        baseline: seconds(per_get),
        unit: "s",
        goal: None,
        floor: None,
        counts: json!({"requests": requests, "rows": rows, "baseline_requests": get_requests}),
    });
    drop(slow_wd);
    drop(slow);

    // --- a fleet: 20 routers x 10 interfaces --------------------------------
    let routers: Vec<Sim> = (0..ROUTERS)
        .map(|_| sim(PER_ROUTER, Duration::ZERO, Duration::ZERO))
        .collect();
    let mut fleet_tf = terraform_block();
    for (i, r) in routers.iter().enumerate() {
        let block = ProviderBlock::for_sim(r, Scheme::Http).to_hcl();
        fleet_tf.push_str(&block.replacen(
            "provider \"routeros\" {\n",
            &format!("provider \"routeros\" {{\n  alias = \"r{i}\"\n"),
            1,
        ));
        fleet_tf.push_str(&format!(
            "resource \"routeros_macsec_interface\" \"r{i}\" {{\n  provider  = routeros.r{i}\n  count     = {PER_ROUTER}\n  name      = \"macsec${{count.index + 1}}\"\n  interface = \"ether${{count.index + 1}}\"\n}}\n"
        ));
    }
    let fleet = Workdir::with_provider_dir(&tf, &dir, &fleet_tf);
    fleet.apply();
    let fleet_base = Workdir::with_provider_dir(&tf, &dir, &data(ROUTERS * PER_ROUTER));
    fleet_base.apply();
    let fleet_plan = best_plan(&fleet, rounds);
    let fleet_base_plan = best_plan(&fleet_base, rounds);
    let mut bare_fleet_tf = terraform_block();
    for i in 0..ROUTERS {
        bare_fleet_tf.push_str(&things(
            PER_ROUTER,
            Some(&format!("r{i}")),
            Some(&store.path().join(format!("fleet{i}.json"))),
        ));
    }
    let bare_fleet = Workdir::with_provider_dir(&tf, bare.path(), &bare_fleet_tf);
    bare_fleet.apply();
    let bare_fleet_plan = best_plan(&bare_fleet, rounds);
    drop(bare_fleet);
    let (launched, rss) = counted_plan(&tf, &counter, &fleet_tf, &fleet);
    figures.push(Figure {
        name: "fleet_20x10".into(),
        what: format!("plan of {ROUTERS} routers x {PER_ROUTER} interfaces"),
        ours: seconds(fleet_plan),
        baseline: seconds(fleet_base_plan),
        unit: "s",
        goal: Some(2.5),
        floor: Some(seconds(bare_fleet_plan)),
        counts: json!({"launches": launched, "peak_rss_mib": rss}),
    });
    drop(fleet);
    drop(routers);

    // --- the same fleet in ONE provider configuration (`routers`) -----------
    let routers: Vec<Sim> = (0..ROUTERS)
        .map(|_| sim(PER_ROUTER, Duration::ZERO, Duration::ZERO))
        .collect();
    let names: Vec<String> = (0..ROUTERS).map(|i| format!("r{i}")).collect();
    let entries: Vec<(&str, ProviderBlock)> = names
        .iter()
        .zip(&routers)
        .map(|(n, r)| (n.as_str(), ProviderBlock::for_sim(r, Scheme::Http)))
        .collect();
    let mut one_tf =
        terraform_block() + &ProviderBlock::fleet_hcl(&ProviderBlock::default(), &entries);
    for i in 0..ROUTERS {
        one_tf.push_str(&format!(
            "resource \"routeros_macsec_interface\" \"r{i}\" {{\n  router    = \"r{i}\"\n  count     = {PER_ROUTER}\n  name      = \"macsec${{count.index + 1}}\"\n  interface = \"ether${{count.index + 1}}\"\n}}\n"
        ));
    }
    let one = Workdir::with_provider_dir(&tf, &dir, &one_tf);
    one.apply();
    let one_plan = best_plan(&one, rounds);
    let bare_one = Workdir::with_provider_dir(
        &tf,
        bare.path(),
        &(terraform_block()
            + &things(
                ROUTERS * PER_ROUTER,
                None,
                Some(&store.path().join("fleet_one.json")),
            )),
    );
    bare_one.apply();
    let bare_one_plan = best_plan(&bare_one, rounds);
    drop(bare_one);
    let before: Vec<(usize, usize)> = routers.iter().map(snapshot).collect();
    let (launched, rss) = counted_plan(&tf, &counter, &one_tf, &one);
    let per_router: Vec<usize> = routers
        .iter()
        .zip(&before)
        .map(|(r, b)| counts(r, *b).0)
        .collect();
    figures.push(Figure {
        name: "fleet_one_config".into(),
        what: format!(
            "plan of {ROUTERS} routers x {PER_ROUTER} interfaces in one provider configuration, goal also <= 5 launches"
        ),
        ours: seconds(one_plan),
        baseline: seconds(fleet_base_plan),
        unit: "s",
        goal: Some(2.0),
        floor: Some(seconds(bare_one_plan)),
        counts: json!({
            "launches": launched,
            "requests_per_router_min": per_router.iter().min(),
            "requests_per_router_max": per_router.iter().max(),
            "peak_rss_mib": rss,
        }),
    });
    drop(one);
    drop(routers);

    // --- peak RSS with 10,000 rows in the menu ----------------------------
    let rows = env_usize("BENCH_MENU_ROWS", 10_000);
    let big = sim(rows, Duration::ZERO, Duration::ZERO);
    seed_macsec(&big, rows);
    let big_tf = ProviderBlock::for_sim(&big, Scheme::Http)
        .main_tf("data \"routeros_macsec_interfaces\" \"all\" {}\n");
    counter.reset();
    let big_wd = Workdir::with_provider_dir(&tf, counter.dir(), &big_tf);
    let before = snapshot(&big);
    let out = big_wd.run(&["plan", "-input=false", "-no-color"]);
    out.assert_code(0);
    let (requests, served) = counts(&big, before);
    let (launched, big_rss) = counter.launches();
    figures.push(Figure {
        name: "rss_menu_10000".into(),
        what: format!("provider peak RSS, plan reading a menu of {rows} rows, vs budget"),
        ours: big_rss,
        baseline: 60.0,
        unit: "MiB",
        goal: Some(1.0),
        floor: None,
        counts: json!({"requests": requests, "rows": served, "launches": launched}),
    });
    drop(big_wd);
    drop(big);

    // --- exec to handshake line ---------------------------------------------
    let pem = client_cert_pem();
    let hs_rounds = env_usize("BENCH_HANDSHAKES", 21);
    let (ours_best, ours_median) =
        handshake(&dir.join("terraform-provider-routeros"), &pem, hs_rounds);
    let (bare_best, bare_median) = handshake(&dir.join("plugin-test-provider"), &pem, hs_rounds);
    figures.push(Figure {
        name: "handshake".into(),
        what: format!(
            "exec to handshake line (AutoMTLS), best of {hs_rounds}, vs the 10 ms budget"
        ),
        ours: ours_best.as_secs_f64() * 1000.0,
        baseline: 10.0,
        unit: "ms",
        goal: Some(1.0),
        floor: None,
        counts: json!({
            "median_ms": ours_median.as_secs_f64() * 1000.0,
            "bare_test_provider_best_ms": bare_best.as_secs_f64() * 1000.0,
            "bare_test_provider_median_ms": bare_median.as_secs_f64() * 1000.0,
        }),
    });

    report(&figures);
}

fn report(figures: &[Figure]) {
    let out_dir = workspace_root().join("target").join("bench");
    std::fs::create_dir_all(&out_dir).expect("create target/bench");
    println!();
    println!(
        "| benchmark | ours | baseline | ratio | goal | floor | counts |\n|---|---|---|---|---|---|---|"
    );
    for f in figures {
        let goal = f.goal.map_or("-".to_string(), |g| format!("<= {g}x"));
        let floor = f
            .floor_ratio()
            .map_or("-".to_string(), |r| format!("{r:.2}x"));
        println!(
            "| {} ({}) | {:.2} {} | {:.2} {} | {:.2}x | {} | {} | {} |",
            f.name,
            f.what,
            f.ours,
            f.unit,
            f.baseline,
            f.unit,
            f.ratio(),
            goal,
            floor,
            f.counts
        );
        let json = json!({
            "name": f.name,
            "what": f.what,
            "unit": f.unit,
            "ours": f.ours,
            "baseline": f.baseline,
            "ratio": f.ratio(),
            "goal_ratio": f.goal,
            "floor": f.floor,
            "floor_ratio": f.floor_ratio(),
            "counts": f.counts,
        });
        let path = out_dir.join(format!("{}.json", f.name));
        std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json"))
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
    println!("\nwritten to {}", out_dir.display());
}
