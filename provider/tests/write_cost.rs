//! What writes cost, counted at the router (routeros-sim): N creates,
//! updates and deletes through [`Client`] over REST and the classic API
//! cost N write requests (plus, over the API, the N one-row `print`s that
//! read each row back) and O(N) rows, never a listing of the menu per
//! write; the cached menu stays what the router holds.

use std::collections::BTreeSet;
use std::time::Duration;

use acceptance::sim::{Sim, SimConfig};
use terraform_provider_routeros::routeros::rest::TlsOptions;
use terraform_provider_routeros::routeros::{Client, ConnectOptions, Record};

const N: usize = 40;
const MENU: &str = "/interface/macsec";

fn sim() -> Sim {
    Sim::spawn(SimConfig {
        ethernet_ports: N,
        https: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

async fn connect(sim: &Sim, url: String) -> Client {
    Client::connect(&ConnectOptions {
        url,
        username: sim.username().to_string(),
        password: sim.password().to_string(),
        tls: TlsOptions::default(),
        timeout: Duration::from_secs(30),
        ..Default::default()
    })
    .await
    .expect("connect to routeros-sim")
}

/// Requests and rows the router served since `since`.
fn cost(sim: &Sim, since: (usize, usize)) -> (usize, usize) {
    (sim.request_count() - since.0, sim.rows_served() - since.1)
}

fn counters(sim: &Sim) -> (usize, usize) {
    (sim.request_count(), sim.rows_served())
}

/// The `(.id, name, mtu)` of every row, for comparing the cache with the router.
fn summary<'a>(rows: impl IntoIterator<Item = &'a Record>) -> BTreeSet<(String, String, String)> {
    rows.into_iter()
        .map(|r| {
            let get = |k: &str| r.get(k).cloned().unwrap_or_default();
            (get(".id"), get("name"), get("mtu"))
        })
        .collect()
}

/// Runs N creates, N updates and N deletes, reading each row through the
/// cache after its write; `per_write` is how many requests one create or
/// update costs on this transport.
async fn writes_cost_one_request_each(sim: &Sim, url: String, per_write: usize) {
    let client = connect(sim, url).await;
    // A menu listed before the writes (as a refresh does) is kept up to
    // date by them; the one listing is of an empty menu.
    assert!(client.list(MENU).await.unwrap().is_empty());

    let start = counters(sim);
    let mut ids = Vec::new();
    for i in 1..=N {
        let mut args = Record::new();
        args.insert("name".into(), format!("macsec{i}"));
        args.insert("interface".into(), format!("ether{i}"));
        let row = client.add(MENU, &args).await.unwrap();
        assert_eq!(row["name"], format!("macsec{i}"));
        let id = row[".id"].clone();
        let cached = client.find(MENU, ".id", &id).await.unwrap().unwrap();
        assert_eq!(cached, row);
        ids.push(id);
    }
    let (requests, rows) = cost(sim, start);
    assert_eq!(requests, per_write * N, "requests for {N} creates");
    assert_eq!(rows, N, "rows served for {N} creates");
    assert_eq!(
        summary(client.list(MENU).await.unwrap().iter().map(|r| &**r)),
        summary(sim.records(MENU).iter())
    );

    let start = counters(sim);
    for id in &ids {
        let mut args = Record::new();
        args.insert("mtu".into(), "1400".into());
        let row = client.set(MENU, id, &args).await.unwrap();
        assert_eq!(row["mtu"], "1400");
        let cached = client.find(MENU, ".id", id).await.unwrap().unwrap();
        assert_eq!(cached["mtu"], "1400");
    }
    let (requests, rows) = cost(sim, start);
    assert_eq!(requests, per_write * N, "requests for {N} updates");
    assert_eq!(rows, N, "rows served for {N} updates");
    assert_eq!(
        summary(client.list(MENU).await.unwrap().iter().map(|r| &**r)),
        summary(sim.records(MENU).iter())
    );

    let start = counters(sim);
    for id in &ids {
        client.remove(MENU, id).await.unwrap();
        assert!(client.find(MENU, ".id", id).await.unwrap().is_none());
    }
    let (requests, rows) = cost(sim, start);
    assert_eq!(requests, N, "requests for {N} deletes");
    assert_eq!(rows, 0, "rows served for {N} deletes");
    assert!(client.list(MENU).await.unwrap().is_empty());
    assert!(sim.records(MENU).is_empty());
}

#[tokio::test]
async fn rest_writes_cost_one_request_and_one_row_each() {
    let sim = sim();
    writes_cost_one_request_each(&sim, sim.http_url(), 1).await;
}

#[tokio::test]
async fn api_writes_cost_the_write_and_a_one_row_print_each() {
    let sim = sim();
    let url = sim.api_url().expect("the emulator serves the API");
    writes_cost_one_request_each(&sim, url, 2).await;
}

/// Creates without a listing first (an apply that creates only) never list
/// the menu at all.
#[tokio::test]
async fn creates_into_a_menu_never_listed_do_not_list_it() {
    let sim = sim();
    for url in [sim.http_url(), sim.api_url().unwrap()] {
        let client = connect(&sim, url).await;
        let start = counters(&sim);
        let mut ids = Vec::new();
        for i in 1..=N {
            let mut args = Record::new();
            args.insert("name".into(), format!("m{i}"));
            args.insert("interface".into(), format!("ether{i}"));
            ids.push(client.add(MENU, &args).await.unwrap()[".id"].clone());
        }
        let (_, rows) = cost(&sim, start);
        assert_eq!(rows, N, "one row per create, no listing");
        for id in &ids {
            client.remove(MENU, id).await.unwrap();
        }
    }
}

/// Terraform's default parallelism: 10 writers at once while 10 readers
/// look rows up; afterwards the cached menu is exactly what the router
/// holds, over both transports.
#[tokio::test]
async fn ten_writers_and_ten_readers_leave_the_cache_as_the_router() {
    let sim = sim();
    for url in [sim.http_url(), sim.api_url().unwrap()] {
        let client = std::sync::Arc::new(connect(&sim, url).await);
        // Half of the rows exist before; the readers look for all of them.
        let mut existing = Vec::new();
        for i in 1..=N / 2 {
            let mut args = Record::new();
            args.insert("name".into(), format!("c{i}"));
            args.insert("interface".into(), format!("ether{i}"));
            existing.push(client.add(MENU, &args).await.unwrap()[".id"].clone());
        }
        client.invalidate(MENU);
        let mut tasks = Vec::new();
        for w in 0..10 {
            let c = client.clone();
            let existing = existing.clone();
            tasks.push(tokio::spawn(async move {
                // Each writer creates its share of the new rows, updates its
                // share of the old ones and removes one of those.
                for i in (N / 2 + 1..=N).filter(|i| i % 10 == w) {
                    let mut args = Record::new();
                    args.insert("name".into(), format!("c{i}"));
                    args.insert("interface".into(), format!("ether{i}"));
                    c.add(MENU, &args).await.unwrap();
                }
                for (k, id) in existing.iter().enumerate().filter(|(k, _)| k % 10 == w) {
                    let mut args = Record::new();
                    args.insert("mtu".into(), format!("{}", 1300 + k));
                    c.set(MENU, id, &args).await.unwrap();
                }
                if let Some(id) = existing.get(w) {
                    c.remove(MENU, id).await.unwrap();
                }
            }));
        }
        for r in 0..10 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                for i in (1..=N).filter(|i| i % 10 == r) {
                    c.find(MENU, "name", &format!("c{i}")).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            summary(client.list(MENU).await.unwrap().iter().map(|r| &**r)),
            summary(sim.records(MENU).iter()),
            "the cached menu after concurrent writes and reads"
        );
        for row in sim.records(MENU) {
            client.remove(MENU, &row[".id"]).await.unwrap();
        }
    }
}

/// A row changed on the router by someone else after this client listed
/// the menu (between plan and apply) is seen: the write returns the row as
/// the router holds it, the other change included, and the cache keeps it.
#[tokio::test]
async fn a_change_made_elsewhere_between_plan_and_apply_is_seen() {
    let sim = sim();
    for url in [sim.http_url(), sim.api_url().unwrap()] {
        let ours = connect(&sim, url.clone()).await;
        let theirs = connect(&sim, url).await;
        let mut args = Record::new();
        args.insert("name".into(), "shared".into());
        args.insert("interface".into(), "ether1".into());
        let id = ours.add(MENU, &args).await.unwrap()[".id"].clone();
        // Plan: our client reads the menu.
        assert!(ours.find(MENU, ".id", &id).await.unwrap().is_some());
        // Someone changes the comment by hand.
        let mut hand = Record::new();
        hand.insert("comment".into(), "changed by hand".into());
        theirs.set(MENU, &id, &hand).await.unwrap();
        // Apply: our update of mtu returns the router's row, comment included.
        let mut mtu = Record::new();
        mtu.insert("mtu".into(), "1400".into());
        let row = ours.set(MENU, &id, &mtu).await.unwrap();
        assert_eq!(row["comment"], "changed by hand");
        assert_eq!(row["mtu"], "1400");
        let cached = ours.find(MENU, ".id", &id).await.unwrap().unwrap();
        assert_eq!(cached["comment"], "changed by hand");
        ours.remove(MENU, &id).await.unwrap();
    }
}
