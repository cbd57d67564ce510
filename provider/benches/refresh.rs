//! Refresh cost: answering N resource reads from one cached read of the
//! menu, against the baseline of one GET per resource (what a provider
//! without the menu cache does). Both run in this process against the same
//! emulator, serialising requests as a router does; the result is reported
//! as a ratio, never as a pass/fail timing.
//!
//! Run with `make bench` (or `cargo bench -p terraform-provider-routeros`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use acceptance::sim::{Sim, SimConfig};
use terraform_provider_routeros::routeros::rest::TlsOptions;
use terraform_provider_routeros::routeros::{Client, ConnectOptions, Record};

const INTERFACES: usize = 200;
const ROUNDS: usize = 5;
/// Terraform refreshes with 10 resources at a time by default.
const PARALLELISM: usize = 10;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn connect(sim: &Sim) -> Client {
    Client::connect(&ConnectOptions {
        url: sim.http_url(),
        username: sim.username().to_string(),
        password: sim.password().to_string(),
        tls: TlsOptions::default(),
        timeout: Duration::from_secs(30),
        ..Default::default()
    })
    .await
    .expect("connect to routeros-sim")
}

/// N reads through the cached client, PARALLELISM at a time.
async fn cached_refresh(sim: &Sim, ids: &[String]) -> Duration {
    let client = Arc::new(connect(sim).await);
    let start = Instant::now();
    for chunk in ids.chunks(PARALLELISM) {
        let mut tasks = Vec::new();
        for id in chunk {
            let (c, id) = (client.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                c.find("/interface/macsec", ".id", &id)
                    .await
                    .unwrap()
                    .is_some()
            }));
        }
        for t in tasks {
            assert!(t.await.unwrap());
        }
    }
    start.elapsed()
}

/// N reads as one GET per resource, PARALLELISM at a time.
async fn per_item_refresh(sim: &Sim, ids: &[String]) -> Duration {
    let http = reqwest::Client::new();
    let start = Instant::now();
    for chunk in ids.chunks(PARALLELISM) {
        let mut tasks = Vec::new();
        for id in chunk {
            let url = format!("{}/rest/interface/macsec/{id}", sim.http_url());
            let req = http
                .get(url)
                .basic_auth(sim.username(), Some(sim.password()));
            tasks.push(tokio::spawn(async move {
                req.send().await.unwrap().status().is_success()
            }));
        }
        for t in tasks {
            assert!(t.await.unwrap());
        }
    }
    start.elapsed()
}

fn main() {
    let sim = Sim::spawn(SimConfig {
        ethernet_ports: INTERFACES,
        https: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim");
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let ids: Vec<String> = rt.block_on(async {
        let client = connect(&sim).await;
        let mut ids = Vec::new();
        for i in 1..=INTERFACES {
            let mut args = Record::new();
            args.insert("name".into(), format!("macsec{i}"));
            args.insert("interface".into(), format!("ether{i}"));
            let row = client.add("/interface/macsec", &args).await.expect("add");
            ids.push(row[".id"].clone());
        }
        ids
    });
    let before = sim.request_count();
    let (mut cached, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        baseline.push(rt.block_on(per_item_refresh(&sim, &ids)));
        cached.push(rt.block_on(cached_refresh(&sim, &ids)));
    }
    let requests = sim.request_count() - before;
    let (b, c) = (median(baseline), median(cached));
    println!(
        "refresh of {INTERFACES} MACsec interfaces, {PARALLELISM} at a time, median of {ROUNDS} rounds"
    );
    println!("  baseline, one GET per resource : {b:?}");
    println!(
        "  menu cache, one GET per menu   : {c:?} (includes connecting and reading /system/resource)"
    );
    println!("  speed-up: {:.1}x", b.as_secs_f64() / c.as_secs_f64());
    println!(
        "  requests: {requests} in all = {} baseline + {} cached",
        ROUNDS * INTERFACES,
        requests - ROUNDS * INTERFACES
    );
}
