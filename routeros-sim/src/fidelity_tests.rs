//! Where the emulator follows RouterOS's documented behaviour rather than the easy
//! answer: one test per point (the rest of the emulator's fidelity is tested beside each
//! menu).

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use super::schema::{Version, dump_version_for};
use super::{Sim, SimConfig};

fn start(cfg: SimConfig) -> Sim {
    Sim::spawn(cfg).unwrap()
}

fn config(version: &str) -> SimConfig {
    SimConfig {
        version: version.into(),
        ..SimConfig::default()
    }
}

/// A client that trusts the emulator's self-signed CA.
fn client(sim: &Sim) -> Client {
    let mut builder = Client::builder();
    if let Some(pem) = sim.ca_certificate_pem() {
        builder =
            builder.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
    }
    builder.build().unwrap()
}

async fn call(
    sim: &Sim,
    base: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client(sim)
        .request(method, format!("{base}/rest{path}"))
        .basic_auth(sim.username(), Some(sim.password()));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn rest_exists_from_7_1_over_https_and_from_7_9_over_plain_http() {
    // (version, REST over http, REST over https)
    for (version, http, https) in [
        ("6.49", false, false),
        ("7.1", false, true),
        ("7.8", false, true),
        ("7.9", true, true),
        ("7.18", true, true),
    ] {
        let sim = start(config(version));
        let (status, _) = call(&sim, &sim.http_url(), Method::GET, "/system/resource", None).await;
        assert_eq!(status.is_success(), http, "{version} over http: {status}");
        if !http {
            assert_eq!(status, StatusCode::NOT_FOUND, "{version} over http");
        }
        let base = sim.https_url().unwrap();
        let (status, body) = call(&sim, &base, Method::GET, "/system/resource", None).await;
        assert_eq!(status.is_success(), https, "{version} over https: {status}");
        if https {
            assert!(body["version"].as_str().unwrap().starts_with(version));
        }
    }
    // RouterOS 6 still has the classic API: the version is readable there.
    let sim = start(config("6.49"));
    assert_eq!(
        sim.records("/system/resource")[0]["version"],
        "6.49 (stable)"
    );
    assert!(sim.records("/interface/macsec").is_empty());
}

#[tokio::test]
async fn the_session_limit_answers_when_it_runs_out_not_at_once() {
    // RouterOS: 60 s (the default); here 3 s, long enough to see the request pending.
    assert_eq!(SimConfig::default().rest_timeout, Duration::from_secs(60));
    let sim = start(SimConfig {
        version: "7.23".into(),
        https: false,
        rest_timeout: Duration::from_secs(3),
        ..SimConfig::default()
    });
    call(
        &sim,
        &sim.http_url(),
        Method::PUT,
        "/interface/macsec",
        Some(json!({"interface": "ether1"})),
    )
    .await;
    let before = sim.request_count();
    let (http, user, pass) = (
        sim.http_url(),
        sim.username().to_string(),
        sim.password().to_string(),
    );
    let pending = tokio::spawn(async move {
        let resp = Client::new()
            .post(format!("{http}/rest/interface/macsec/monitor"))
            .basic_auth(user, Some(pass))
            .json(&json!({"numbers": "macsec1"}))
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json::<Value>().await.unwrap())
    });
    // The request has arrived ...
    while sim.request_count() == before {
        tokio::task::yield_now().await;
    }
    // ... and is not answered yet.
    tokio::task::yield_now().await;
    assert!(!pending.is_finished(), "the session limit answered at once");
    let (status, body) = pending.await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"detail": "Session closed", "error": 400, "message": "Bad Request"})
    );
}

#[tokio::test]
async fn loading_a_backup_reboots_and_7_21_demands_the_password() {
    for (version, needs_password) in [("7.20", false), ("7.21", true), ("7.24", true)] {
        let sim = start(SimConfig {
            https: false,
            ..config(version)
        });
        let base = sim.http_url();
        let save = json!({"name": "b", "dont-encrypt": "yes"});
        let (status, _) = call(&sim, &base, Method::POST, "/system/backup/save", Some(save)).await;
        assert_eq!(status, StatusCode::OK);
        call(
            &sim,
            &base,
            Method::POST,
            "/system/identity/set",
            Some(json!({"name": "changed"})),
        )
        .await;
        let (status, body) = call(
            &sim,
            &base,
            Method::POST,
            "/system/backup/load",
            Some(json!({"name": "b.backup"})),
        )
        .await;
        if needs_password {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{version}");
            assert_eq!(body["detail"], "missing value(s) of argument(s) password");
        } else {
            assert_eq!(status, StatusCode::OK, "{version}: {body}");
        }
        // With `password` (empty: the backup is not encrypted) every version loads it.
        // A keep-alive connection opened before the load is closed by the reboot.
        let mut idle = keep_alive_connection(&sim).await;
        let (status, body) = call(
            &sim,
            &base,
            Method::POST,
            "/system/backup/load",
            Some(json!({"name": "b.backup", "password": ""})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        assert_eq!(
            sim.records("/system/identity")[0]["name"],
            "MikroTik",
            "restored"
        );
        let uptime = sim.records("/system/resource")[0]["uptime"].clone();
        assert!(
            uptime.ends_with('s') && uptime.len() <= 3,
            "uptime starts again: {uptime}"
        );
        assert_closed(&mut idle).await;
    }
}

/// A connection that has had one keep-alive request answered and stays open.
async fn keep_alive_connection(sim: &Sim) -> tokio::net::TcpStream {
    use base64::Engine as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = sim.http_url().trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        sim.username(),
        sim.password()
    ));
    let request = format!(
        "GET /rest/system/identity HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nConnection: keep-alive\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut buf = [0u8; 4096];
    let n = tcp.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    tcp
}

/// The peer closed `stream` (end of stream). A guard of 30 s fails the test instead of
/// hanging when it does not.
async fn assert_closed(stream: &mut tokio::net::TcpStream) {
    use tokio::io::AsyncReadExt;
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut rest)).await;
    assert!(
        matches!(read, Ok(Ok(_)) | Ok(Err(_))),
        "the connection stayed open after the reboot"
    );
}

#[tokio::test]
async fn loading_a_backup_drops_api_sessions() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = start(SimConfig {
        https: false,
        ..config("7.18")
    });
    let base = sim.http_url();
    call(
        &sim,
        &base,
        Method::POST,
        "/system/backup/save",
        Some(json!({"name": "b"})),
    )
    .await;
    let addr = sim
        .api_url()
        .unwrap()
        .trim_start_matches("api://")
        .to_string();
    let mut api = tokio::net::TcpStream::connect(addr).await.unwrap();
    let login = crate::api_wire::encode_sentence(&[
        b"/login".to_vec(),
        format!("=name={}", sim.username()).into_bytes(),
        format!("=password={}", sim.password()).into_bytes(),
    ]);
    api.write_all(&login).await.unwrap();
    let mut buf = [0u8; 64];
    assert!(api.read(&mut buf).await.unwrap() > 0, "logged in");
    call(
        &sim,
        &base,
        Method::POST,
        "/system/backup/load",
        Some(json!({"name": "b.backup"})),
    )
    .await;
    // The router rebooted: the API connection is closed (end of stream).
    assert_closed(&mut api).await;
}

#[tokio::test]
async fn file_rows_carry_creation_time_before_7_16_and_last_modified_from_it() {
    for (version, property, other) in [
        ("7.9.2", "creation-time", "last-modified"),
        ("7.15", "creation-time", "last-modified"),
        ("7.16", "last-modified", "creation-time"),
        ("7.24", "last-modified", "creation-time"),
    ] {
        let sim = start(config(version));
        sim.put_file("notes.txt", b"hello".to_vec());
        let row = &sim.files()[0];
        assert!(row.contains_key(property), "{version}: {row:?}");
        assert!(!row.contains_key(other), "{version}: {row:?}");
    }
}

#[tokio::test]
async fn hw_offloaded_is_shown_from_7_23_only() {
    for (version, shown) in [
        ("7.9", false),
        ("7.16", false),
        ("7.20", false),
        ("7.23", true),
        ("7.24", true),
    ] {
        let sim = start(SimConfig {
            https: false,
            ..config(version)
        });
        let (_, row) = call(
            &sim,
            &sim.http_url(),
            Method::PUT,
            "/interface/macsec",
            Some(json!({"interface": "ether1"})),
        )
        .await;
        assert_eq!(row.get("hw-offloaded").is_some(), shown, "{version}: {row}");
    }
}

#[tokio::test]
async fn ciphers_is_mandatory_from_7_23_and_the_export_writes_it() {
    let sim = start(SimConfig {
        https: false,
        ..config("7.23")
    });
    let base = sim.http_url();
    let (status, body) = call(
        &sim,
        &base,
        Method::PUT,
        "/interface/macsec/profile",
        Some(json!({"name": "p"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "missing value(s) of argument(s) ciphers");
    let (status, _) = call(
        &sim,
        &base,
        Method::PUT,
        "/interface/macsec/profile",
        Some(json!({"name": "p", "ciphers": "aes-gcm-128"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The script can be run again: the `add` carries the mandatory argument.
    let script = sim.export_text(false);
    assert!(
        script.contains("add ciphers=aes-gcm-128 name=p"),
        "{script}"
    );
    let twin = start(config("7.23"));
    twin.load_export(&crate::parse_export(&script).unwrap())
        .unwrap();
    assert_eq!(twin.records("/interface/macsec/profile").len(), 2);
}

#[test]
fn versions_17_to_19_borrow_the_7_16_menus_for_want_of_dumps() {
    let v = |s: &str| Version::parse(s).unwrap();
    for version in ["7.17", "7.18", "7.19"] {
        assert_eq!(dump_version_for(&v(version)), "7.16", "{version}");
    }
    // Real dumps are used wherever they exist.
    for version in ["7.9.2", "7.16", "7.20", "7.23", "7.24"] {
        assert_eq!(dump_version_for(&v(version)), version);
    }
}

#[tokio::test]
async fn initializing_and_invalid_are_shown_when_a_test_sets_them() {
    // The documentation lists them but not when they occur: the emulator never derives
    // them, and a test can show them to a client.
    let sim = start(SimConfig {
        https: false,
        ..config("7.18")
    });
    let base = sim.http_url();
    let body = json!({"interface": "ether1"});
    call(&sim, &base, Method::PUT, "/interface/macsec", Some(body)).await;
    let status = |sim: &Sim| sim.records("/interface/macsec")[0]["status"].clone();
    assert_eq!(status(&sim), "negotiating");
    for wanted in ["initializing", "invalid"] {
        sim.set_macsec_status("macsec1", Some(wanted)).unwrap();
        let (_, row) = call(&sim, &base, Method::GET, "/interface/macsec/macsec1", None).await;
        assert_eq!(row["status"], wanted);
        assert_eq!(row["running"], "false");
    }
    assert!(sim.set_macsec_status("macsec1", Some("up")).is_err());
    assert!(sim.set_macsec_status("nope", Some("invalid")).is_err());
    sim.set_macsec_status("macsec1", None).unwrap();
    assert_eq!(status(&sim), "negotiating");
}
