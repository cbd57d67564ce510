use super::*;
use crate::test_rest::Api;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

fn start(version: &str) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        ..SimConfig::default()
    })
    .unwrap()
}

fn all_strings(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(all_strings),
        Value::Object(map) => map.values().all(|v| v.is_string()),
        _ => false,
    }
}

#[tokio::test]
async fn basic_auth_is_required() {
    let sim = start("7.18");
    let client = Client::new();
    let url = format!("{}/rest/system/resource", sim.http_url());
    for req in [
        client.get(&url),
        client.get(&url).basic_auth("admin", Some("wrong")),
        client.get(&url).basic_auth("root", Some(sim.password())),
    ] {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body, json!({"error": 401, "message": "Unauthorized"}));
    }
    let (status, body) = Api::admin(&sim)
        .call(Method::GET, "/rest/system/resource", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["version"], "7.18 (stable)");
    assert_eq!(body["board-name"], "CHR");
    assert_eq!(body["architecture-name"], "x86_64");
    assert_eq!(body["platform"], "MikroTik");
    assert!(all_strings(&body), "{body}");
}

#[tokio::test]
async fn macsec_lifecycle_over_http() {
    let sim = start("7.18");
    let api = Api::admin(&sim);
    let (status, created) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether1", "comment": "to core"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert!(all_strings(&created), "{created}");
    let id = created[".id"].as_str().unwrap().to_string();
    assert!(id.starts_with('*'));
    assert_eq!(created["name"], "macsec1");
    assert_eq!(created["mtu"], "1468");
    assert_eq!(created["profile"], "default");
    assert_eq!(created["disabled"], "false");
    assert_eq!(created["running"], "false");
    // 7.18 does not print `hw-offloaded` (from 7.23 only).
    assert_eq!(created["hw-offloaded"], Value::Null);
    let cak = created["cak"].as_str().unwrap();
    let ckn = created["ckn"].as_str().unwrap();
    assert!(cak.len() == 32 && cak.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(ckn.len() == 64 && ckn.bytes().all(|b| b.is_ascii_hexdigit()));

    // One MACsec interface per Ethernet port; the port must exist.
    let (status, err) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether1", "name": "again"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"], 400);
    assert_eq!(err["message"], "Bad Request");
    assert!(
        err["detail"]
            .as_str()
            .unwrap()
            .contains("ether1 already has a MACsec interface (macsec1)")
    );
    let (status, err) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether42"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["detail"], "input does not match any value of interface");
    let (_, err) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"mtu": 1400})),
        )
        .await;
    assert_eq!(err["detail"], "missing value(s) of argument(s) interface");
    let (_, err) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether2", "mtu": 70000})),
        )
        .await;
    assert_eq!(err["detail"], "value of mtu out of range (0..65535)");
    let (_, err) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether2", "cak": "xyz"})),
        )
        .await;
    assert_eq!(err["detail"], "invalid value for argument cak");
    assert_eq!(
        sim.records("/interface/macsec").len(),
        1,
        "failed adds create nothing"
    );

    // Read by id and by name; patch normalises values; filters.
    let (_, by_name) = api
        .call(Method::GET, "/rest/interface/macsec/macsec1", None)
        .await;
    assert_eq!(by_name, created);
    let (status, patched) = api
        .call(
            Method::PATCH,
            &format!("/rest/interface/macsec/{id}"),
            Some(json!({"mtu": "1400", "disabled": "yes"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["mtu"], "1400");
    assert_eq!(patched["disabled"], "true");
    assert_eq!(patched["status"], "disabled");
    assert_eq!(patched["comment"], "to core");
    let (_, listed) = api
        .call(
            Method::GET,
            "/rest/interface/macsec?disabled=true&.proplist=name,mtu",
            None,
        )
        .await;
    assert_eq!(listed, json!([{"mtu": "1400", "name": "macsec1"}]));
    let (_, listed) = api
        .call(
            Method::GET,
            "/rest/interface?type=macsec&.proplist=name,type",
            None,
        )
        .await;
    assert_eq!(listed, json!([{"name": "macsec1", "type": "macsec"}]));
    let (status, err) = api
        .call(
            Method::PATCH,
            &format!("/rest/interface/macsec/{id}"),
            Some(json!({"running": "true"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["detail"], "unknown parameter running");

    // Delete twice: empty body, then 404 without detail.
    let (status, body) = api
        .call(
            Method::DELETE,
            &format!("/rest/interface/macsec/{id}"),
            None,
        )
        .await;
    assert!(status.is_success());
    assert_eq!(body, Value::Null);
    let (status, body) = api
        .call(
            Method::DELETE,
            &format!("/rest/interface/macsec/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"error": 404, "message": "Not Found"}));
    let (status, body) = api
        .call(Method::GET, &format!("/rest/interface/macsec/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"error": 404, "message": "Not Found"}));
    let (_, listed) = api.call(Method::GET, "/rest/interface/macsec", None).await;
    assert_eq!(listed, json!([]));

    // A new interface gets a new id.
    let (_, again) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether1"})),
        )
        .await;
    assert_ne!(again[".id"], id.as_str());
}

#[tokio::test]
async fn error_shapes_for_paths_and_verbs() {
    let sim = start("7.18");
    let api = Api::admin(&sim);
    let (status, body) = api.call(Method::GET, "/rest/nonexistent", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"detail": "no such command or directory (nonexistent)", "error": 400, "message": "Bad Request"})
    );
    let (status, body) = api
        .call(Method::GET, "/rest/interface/macsec/print", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "no such command");
    let (status, body) = api
        .call(Method::DELETE, "/rest/interface/ethernet/ether1", None)
        .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(
        body,
        json!({"detail": "no such command or directory (remove)", "error": 406, "message": "Not Acceptable"})
    );
    let (status, _) = api.call(Method::HEAD, "/rest/interface", None).await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    let (status, body) = api
        .call(
            Method::PATCH,
            "/rest/interface/ethernet/ether2",
            Some(json!({"l2mtu": 1630, "disabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["l2mtu"], "1630");
    assert_eq!(body["disabled"], "true");
    assert_eq!(body["running"], "false");
    let (status, body) = api
        .call(
            Method::PATCH,
            "/rest/interface/ethernet/ether2",
            Some(json!({"speed-duplex": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "unknown parameter speed-duplex");
    let (status, body) = api
        .call(Method::GET, "/rest/interface/ethernet", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(all_strings(&body));
    assert_eq!(body.as_array().unwrap().len(), 8);
    assert_eq!(body[7]["name"], "ether8");
    assert_eq!(body[0]["default-name"], "ether1");
}

#[tokio::test]
async fn post_print_with_proplist_and_query() {
    let sim = start("7.18");
    let api = Api::admin(&sim);
    api.call(
        Method::PUT,
        "/rest/interface/macsec",
        Some(json!({"interface": "ether3", "name": "m3"})),
    )
    .await;
    let (status, body) = api
        .call(
            Method::POST,
            "/rest/interface/print",
            Some(json!({".proplist": "name,type", ".query": ["type=macsec", "name=ether1", "#|"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([{"name": "ether1", "type": "ether"}, {"name": "m3", "type": "macsec"}])
    );
    let (_, body) = api
        .call(
            Method::POST,
            "/rest/interface/macsec/profile/print",
            Some(json!({".proplist": [".id", "name", "default"]})),
        )
        .await;
    assert_eq!(
        body,
        json!([{".id": "*1", "default": "true", "name": "default"}])
    );
    let (_, body) = api
        .call(
            Method::POST,
            "/rest/system/identity/set",
            Some(json!({"name": "edge1"})),
        )
        .await;
    assert_eq!(body, json!([]));
    assert_eq!(sim.records("/system/identity")[0]["name"], "edge1");
}

#[tokio::test]
async fn profile_ciphers_only_from_7_23() {
    let sim = start("7.18");
    let api = Api::admin(&sim);
    let (status, body) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec/profile",
            Some(json!({"name": "p", "ciphers": "aes-gcm-128"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "unknown parameter ciphers");
    let (_, body) = api
        .call(Method::GET, "/rest/interface/macsec/profile/default", None)
        .await;
    assert_eq!(
        body,
        json!({".id": "*1", "default": "true", "default-name": "default", "name": "default", "server-priority": "10"})
    );

    sim.set_version("7.23");
    let (_, body) = api
        .call(Method::GET, "/rest/system/resource?.proplist=version", None)
        .await;
    assert_eq!(body, json!({"version": "7.23 (stable)"}));
    let (status, body) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec/profile",
            Some(json!({"name": "p", "ciphers": "aes-gcm-xpn-128", "server-priority": 5})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ciphers"], "aes-gcm-xpn-128");
    assert_eq!(body["server-priority"], "5");
    assert_eq!(body["default"], "false");
    let (_, body) = api
        .call(Method::GET, "/rest/interface/macsec/profile/default", None)
        .await;
    assert_eq!(body["ciphers"], "aes-gcm-128");
    let (_, body) = api
        .call(
            Method::PATCH,
            "/rest/interface/macsec/profile/p",
            Some(json!({"ciphers": "gcm-aes-256"})),
        )
        .await;
    assert_eq!(body["detail"], "input does not match any value of ciphers");
}

#[tokio::test]
async fn https_with_the_ca_as_the_only_root() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::spawn(SimConfig {
        cert_dir: Some(dir.path().to_path_buf()),
        ..SimConfig::default()
    })
    .unwrap();
    let path = sim.ca_certificate_path().unwrap();
    assert_eq!(path, dir.path().join("ca.pem"));
    let pem = std::fs::read_to_string(&path).unwrap();
    assert_eq!(Some(pem.clone()), sim.ca_certificate_pem());
    let https = sim.https_url().unwrap();
    assert!(https.starts_with("https://127.0.0.1:"));

    let trusting = Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let url = https.replace("127.0.0.1", host);
        let resp = trusting
            .get(format!("{url}/rest/system/identity"))
            .basic_auth(sim.username(), Some(sim.password()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            resp.json::<Value>().await.unwrap(),
            json!({"name": "MikroTik"})
        );
    }

    // Another emulator's CA does not vouch for this one: verification is real.
    let other = Sim::spawn(SimConfig::default()).unwrap();
    let wrong_root = Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(
            other.ca_certificate_pem().unwrap().as_bytes(),
        )
        .unwrap()])
        .build()
        .unwrap();
    let err = wrong_root
        .get(format!("{https}/rest/system/identity"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}

#[tokio::test]
async fn temporary_cert_dir_goes_away_and_no_https_means_none() {
    let sim = Sim::spawn(SimConfig::default()).unwrap();
    let path = sim.ca_certificate_path().unwrap();
    assert!(path.exists());
    drop(sim);
    assert!(!path.exists());
    let plain = Sim::spawn(SimConfig {
        https: false,
        ..SimConfig::default()
    })
    .unwrap();
    assert!(plain.https_url().is_none());
    assert!(plain.ca_certificate_path().is_none());
    assert!(plain.ca_certificate_pem().is_none());
}

#[tokio::test]
async fn sims_are_independent_and_log_requests() {
    let a = Sim::spawn(SimConfig {
        ethernet_ports: 2,
        password: "secret-a".into(),
        ..SimConfig::default()
    })
    .unwrap();
    let b = start("7.18");
    assert_ne!(a.http_url(), b.http_url());
    assert_eq!(a.password(), "secret-a");
    assert_eq!(b.password().len(), 16);
    assert_eq!(a.records("/interface/ethernet").len(), 2);
    assert_eq!(b.records("interface/ethernet").len(), 8);

    let api = Api::admin(&a);
    api.call(
        Method::PUT,
        "/rest/interface/macsec",
        Some(json!({"interface": "ether1"})),
    )
    .await;
    api.call(Method::GET, "/rest/interface/macsec?name=macsec1", None)
        .await;
    assert_eq!(a.records("/interface/macsec").len(), 1);
    assert!(b.records("/interface/macsec").is_empty());
    assert_eq!(a.request_count(), 2);
    assert_eq!(b.request_count(), 0);
    let log = a.request_log();
    assert_eq!(
        log[0],
        r#"PUT /rest/interface/macsec {"interface":"ether1"}"#
    );
    assert_eq!(log[1], "GET /rest/interface/macsec?name=macsec1");
    assert!(a.records("/nonexistent").is_empty());
}

#[tokio::test]
async fn stats_count_requests_and_rows_served_and_are_not_counted() {
    let sim = start("7.18");
    let api = Api::admin(&sim);
    for port in ["ether1", "ether2", "ether3"] {
        api.call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({ "interface": port })),
        )
        .await;
    }
    api.call(Method::GET, "/rest/interface/macsec", None).await;
    api.call(Method::GET, "/rest/interface/macsec/macsec1", None)
        .await;
    api.call(Method::DELETE, "/rest/interface/macsec/macsec2", None)
        .await;
    // 3 added rows + a listing of 3 + 1 record + nothing for the delete.
    assert_eq!((sim.request_count(), sim.rows_served()), (6, 7));
    let stats: Value = Client::new()
        .get(format!("{}{STATS_PATH}", sim.http_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats, json!({"requests": 6, "rows": 7}));
    assert_eq!(sim.request_count(), 6);
}

#[test]
fn cost_is_latency_plus_rows_one_at_a_time() {
    let cost = Cost {
        latency: std::time::Duration::from_millis(5),
        per_row: std::time::Duration::from_micros(500),
    };
    assert_eq!(cost.of(0), std::time::Duration::from_millis(5));
    assert_eq!(cost.of(1000), std::time::Duration::from_millis(505));
    assert!(Cost::default().of(1000).is_zero());
}

#[tokio::test]
async fn serialized_sim_answers_concurrent_clients() {
    let sim = start("7.18");
    let client = Client::new();
    let mut handles = Vec::new();
    for i in 0..8 {
        let req = client
            .put(format!("{}/rest/interface/macsec", sim.http_url()))
            .basic_auth(sim.username(), Some(sim.password()))
            .json(&json!({"interface": format!("ether{}", i + 1)}));
        handles.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), StatusCode::OK);
    }
    let names: Vec<String> = sim
        .records("/interface/macsec")
        .into_iter()
        .map(|r| r["name"].clone())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 8, "{names:?}");
}

#[test]
fn debug_output_hides_the_password() {
    let cfg = SimConfig {
        password: "hunter2-secret".into(),
        ..SimConfig::default()
    };
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert!(shown.contains("7.18"));
}

#[test]
fn rejects_bad_configuration() {
    let err = Sim::spawn(SimConfig {
        version: "seven".into(),
        ..SimConfig::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("invalid RouterOS version"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = Sim::spawn_on(SimConfig::default(), taken.local_addr().unwrap(), None).unwrap_err();
    assert!(err.to_string().contains("could not listen"), "{err}");
}

#[test]
fn debug_of_the_config_and_a_macsec_end_never_shows_the_password_or_the_cak() {
    let config = SimConfig {
        password: "s3cret-pass".into(),
        ..SimConfig::default()
    };
    let shown = format!("{config:?}");
    assert!(!shown.contains("s3cret-pass"), "{shown}");
    assert!(shown.contains("username"), "{shown}");
    let end = crate::link::MacsecEnd {
        enabled: true,
        cak: "71a7c363794da400dbde595d3926b0e9".into(),
        ckn: "01".into(),
        server_priority: 10,
        ciphers: vec!["aes-gcm-128".into()],
    };
    let shown = format!("{end:?}");
    assert!(
        !shown.contains("71a7c363794da400dbde595d3926b0e9"),
        "{shown}"
    );
    assert!(shown.contains("server_priority: 10"), "{shown}");
}

/// Regression: `make bench` asks for a router of 1000 ports (one MACsec
/// interface each) and failed at its default size once the emulator
/// refused more than 128 ports; a caller may ask for up to
/// [`MAX_PORTS_ASKED`], while an export stays bounded lower.
#[test]
fn the_scale_benchmarks_router_of_a_thousand_ports_starts() {
    let sim = Sim::spawn(SimConfig {
        ethernet_ports: 1000,
        https: false,
        api: false,
        ..SimConfig::default()
    })
    .expect("a 1000-port router");
    assert!(sim.records("/interface/ethernet").len() >= 1000);
    let Err(e) = Sim::spawn(SimConfig {
        ethernet_ports: MAX_PORTS_ASKED + 1,
        ..SimConfig::default()
    }) else {
        panic!("more than the bound is refused");
    };
    assert!(e.to_string().contains("at most 1024"), "{e}");
}
