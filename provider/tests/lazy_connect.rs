//! The router connection is lazy: the calls Terraform makes in every
//! provider launch that never touch the router (schema, provider config
//! validation, Configure) open no connection, and the first call that
//! needs the router connects once for the whole process, whether or not
//! that succeeds. Counted at the router, not timed.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use acceptance::sim::{Sim, SimConfig};
use terraform_provider_routeros::plugin::engine::{ClientCapabilities, Engine};
use terraform_provider_routeros::plugin::value::Value;
use terraform_provider_routeros::provider::RouterosProvider;

fn provider_config(url: &str, username: &str, password: &str) -> Value {
    let mut map = BTreeMap::new();
    map.insert("url".to_string(), Value::string(url));
    map.insert("username".to_string(), Value::string(username));
    map.insert("password".to_string(), Value::string(password));
    map.insert("timeout".to_string(), Value::int(5));
    Value::Object(map)
}

fn empty() -> Value {
    Value::Object(BTreeMap::new())
}

#[tokio::test]
async fn schema_validation_and_configure_send_the_router_nothing() {
    let sim = Sim::spawn(SimConfig {
        https: false,
        api: false,
        ..SimConfig::default()
    })
    .expect("start routeros-sim");
    let engine = Engine::new(RouterosProvider::new());
    let config = provider_config(&sim.http_url(), sim.username(), sim.password());

    let schemas = engine.schemas();
    assert!(!schemas.resources.is_empty());
    let (_, diags) = engine.validate_provider_config(config.clone()).await;
    assert!(!diags.has_error(), "{diags:?}");
    let diags = engine
        .configure(config, "1.15.5", ClientCapabilities::default())
        .await;
    assert!(!diags.has_error(), "{diags:?}");
    assert_eq!(sim.request_count(), 0, "{:#?}", sim.request_log());

    // The first call that needs the router connects (reads the version).
    let caps = ClientCapabilities::default();
    let (_, diags) = engine
        .read_data_source("routeros_system_resource", empty(), caps)
        .await;
    assert!(!diags.has_error(), "{diags:?}");
    let log = sim.request_log();
    assert!(
        log.first()
            .is_some_and(|l| l.contains("/rest/system/resource")),
        "{log:#?}"
    );
    let after_first = sim.request_count();
    let (_, diags) = engine
        .read_data_source("routeros_system_resource", empty(), caps)
        .await;
    assert!(!diags.has_error(), "{diags:?}");
    // The version is read once: the second read costs only its own request.
    assert_eq!(
        sim.request_count(),
        after_first + 1,
        "{:#?}",
        sim.request_log()
    );
}

#[tokio::test]
async fn a_router_that_cannot_be_reached_is_tried_once_and_explained_once() {
    // A port that accepts connections and closes them at once.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut s) = stream {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
            }
        }
    });
    let engine = Engine::new(RouterosProvider::new());
    let config = provider_config(&format!("http://127.0.0.1:{port}"), "admin", "pw");
    let diags = engine
        .configure(config, "1.15.5", ClientCapabilities::default())
        .await;
    assert!(!diags.has_error(), "Configure must not connect: {diags:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 0);

    let caps = ClientCapabilities::default();
    let mut texts = Vec::new();
    for _ in 0..3 {
        let (_, diags) = engine
            .read_data_source("routeros_macsec_interfaces", empty(), caps)
            .await;
        assert!(diags.has_error(), "{diags:?}");
        let text = format!("{diags:?}");
        assert!(
            text.contains("`url`") && text.contains(&port.to_string()),
            "the error names `url` and the router: {text}"
        );
        texts.push(text);
    }
    // Terraform asks once per resource: the explanation comes once, the
    // later errors point at it instead of repeating it.
    assert!(!texts[0].contains("one error of this run"), "{}", texts[0]);
    for later in &texts[1..] {
        assert!(
            later.contains("one error of this run about it says why"),
            "{later}"
        );
        assert!(later.len() < texts[0].len(), "{later}");
    }
    // One attempt for the process, not one per call.
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}
