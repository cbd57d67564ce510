//! The emulator side of a scenario: starting one emulator or a cabled pair,
//! changing it by hand over REST (the way an operator at the router would),
//! and checking from its request log that the provider reached it over the
//! transport the scenario chose.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::Duration;

pub use reqwest::Method;
use serde_json::Value;

use super::Scheme;
use crate::sim::{Sim, SimConfig};

/// Starts an emulator with `config`; panics saying why when it cannot.
#[track_caller]
pub fn start_sim(config: SimConfig) -> Sim {
    Sim::spawn(config).unwrap_or_else(|e| panic!("start routeros-sim: {e:#}"))
}

/// An emulator of RouterOS `version` that serves `scheme` (TLS, with its
/// certificate, only when `scheme` needs it); everything else default.
#[track_caller]
pub fn sim_for(version: &str, scheme: Scheme) -> Sim {
    start_sim(SimConfig {
        version: version.into(),
        https: scheme.is_tls(),
        ..SimConfig::default()
    })
}

/// Two emulators of RouterOS `version`, `ether1` of the first cabled to
/// `ether1` of the second (a MACsec link can come up between them).
#[track_caller]
pub fn start_pair(version: &str) -> (Sim, Sim) {
    let config = || SimConfig {
        version: version.into(),
        ..SimConfig::default()
    };
    let (a, b) = (start_sim(config()), start_sim(config()));
    Sim::pair(&a, "ether1", &b, "ether1").unwrap_or_else(|e| panic!("cable the pair: {e:#}"));
    (a, b)
}

/// A REST call to the emulator as its admin user, the way an operator
/// changing the router by hand (out of band) would: `path` below `/rest`
/// (e.g. `/interface/macsec`). Returns the status and the body as JSON
/// (`Null` when it is not JSON).
#[track_caller]
pub fn rest(sim: &Sim, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    rest_at(
        &sim.http_url(),
        sim.username(),
        sim.password(),
        method,
        path,
        body,
    )
}

/// [`rest`] to a router known only by its HTTP URL and credentials (one of
/// a `routeros-sim --fleet` process, which tests reach through its
/// announcement lines).
#[track_caller]
pub fn rest_at(
    base_url: &str,
    user: &str,
    pass: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}/rest{path}", base_url.trim_end_matches('/'));
    let (user, pass) = (user.to_string(), pass.to_string());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("reqwest client");
        let mut request = client
            .request(method.clone(), &url)
            .basic_auth(user, Some(pass));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

/// [`rest`] that must answer 200; returns the body.
#[track_caller]
pub fn rest_ok(sim: &Sim, method: Method, path: &str, body: Option<Value>) -> Value {
    let shown = body.as_ref().map(Value::to_string).unwrap_or_default();
    let (status, answer) = rest(sim, method.clone(), path, body);
    assert_eq!(status, 200, "{method} {path} {shown}: {answer}");
    answer
}

/// The row of `menu` whose `name` is `name`; panics when there is none.
#[track_caller]
pub fn row_named(sim: &Sim, menu: &str, name: &str) -> BTreeMap<String, String> {
    sim.records(menu)
        .into_iter()
        .find(|r| r.get("name").map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no {menu} row named {name}: {:#?}", sim.records(menu)))
}

/// Sets fields of the row of `menu` named `name` by hand (`PATCH`).
#[track_caller]
pub fn patch_named(sim: &Sim, menu: &str, name: &str, body: Value) {
    let id = row_named(sim, menu, name)
        .get(".id")
        .cloned()
        .unwrap_or_else(|| panic!("{menu} row {name} has no .id"));
    rest_ok(sim, Method::PATCH, &format!("{menu}/{id}"), Some(body));
}

/// Panics unless the provider reached `sim` over `scheme`'s transport only:
/// API sentences and no REST read for `api://` and `apis://`, REST reads and
/// no API sentence otherwise. (What the scenarios change by hand goes over
/// REST, but never with `GET`.)
#[track_caller]
pub fn assert_provider_reached(sim: &Sim, scheme: Scheme) {
    let log = sim.request_log();
    let api = log.iter().filter(|l| l.starts_with("API ")).count();
    let rest_reads = log.iter().filter(|l| l.starts_with("GET /rest/")).count();
    let (used, unused) = if scheme.is_api() {
        (api, rest_reads)
    } else {
        (rest_reads, api)
    };
    assert!(
        used > 0 && unused == 0,
        "over {scheme} the provider should talk {} only; request log: {log:#?}",
        if scheme.is_api() { "the API" } else { "REST" }
    );
}

/// A local TCP port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}
