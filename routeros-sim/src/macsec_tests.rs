//! REST-level tests of the MACsec model: CAK visibility per user, paired emulators and
//! link state, key-server election, `monitor`, `print stats`, profiles and Ethernet ports.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Sim, SimConfig, SimUser};
use crate::test_rest::Api;

const CAK_A: &str = "00112233445566778899aabbccddeeff";
const CAK_B: &str = "ffeeddccbbaa99887766554433221100";
const CKN: &str = "abcdef0123456789";

fn start(version: &str) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        https: false,
        // `monitor` without `once` answers after this (RouterOS: 60 s).
        rest_timeout: std::time::Duration::from_millis(50),
        ..SimConfig::default()
    })
    .unwrap()
}

impl Api {
    async fn get(&self, path: &str) -> Value {
        self.ok(Method::GET, path, None).await
    }

    async fn patch(&self, path: &str, body: Value) -> Value {
        self.ok(Method::PATCH, path, Some(body)).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    /// Creates `macsec1` on ether1 with the given key pair.
    async fn add_macsec(&self, cak: &str, ckn: &str) -> Value {
        self.ok(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether1", "cak": cak, "ckn": ckn})),
        )
        .await
    }

    /// `status` and `running` of macsec1 as `/interface/macsec` prints them.
    async fn link(&self) -> (String, String) {
        let row = self.get("/rest/interface/macsec/macsec1").await;
        (
            row["status"].as_str().unwrap().to_string(),
            row["running"].as_str().unwrap().to_string(),
        )
    }

    async fn monitor(&self) -> Value {
        let (status, body) = self
            .post(
                "/rest/interface/macsec/monitor",
                json!({"numbers": "macsec1", "once": ""}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body[0].clone()
    }
}

fn open() -> (String, String) {
    ("open-encrypted".into(), "true".into())
}

fn negotiating() -> (String, String) {
    ("negotiating".into(), "false".into())
}

/// Two emulators cabled ether1 to ether1, each with macsec1 on ether1 and the same keys.
async fn open_pair(version: &str) -> (Sim, Sim) {
    let a = start(version);
    let b = start(version);
    Sim::pair(&a, "ether1", &b, "ether1").unwrap();
    Api::admin(&a).add_macsec(CAK_A, CKN).await;
    Api::admin(&b).add_macsec(CAK_A, CKN).await;
    (a, b)
}

#[tokio::test]
async fn cak_is_shown_only_to_users_with_the_sensitive_policy() {
    let sim = Sim::spawn(SimConfig {
        https: false,
        users: vec![SimUser::new("reader", "r-pass", false)],
        ..SimConfig::default()
    })
    .unwrap();
    sim.add_user("auditor", "a-pass", true).unwrap();
    assert!(sim.add_user("reader", "other", true).is_err());
    assert!(sim.add_user(sim.username(), "other", true).is_err());
    let admin = Api::admin(&sim);
    let reader = Api::user(&sim, "reader", "r-pass");
    let auditor = Api::user(&sim, "auditor", "a-pass");

    // Replies to a user without `sensitive` never carry the CAK, whatever the verb.
    let created = reader
        .ok(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether1", "cak": CAK_A, "ckn": CKN})),
        )
        .await;
    assert!(created.get("cak").is_none(), "{created}");
    assert_eq!(created["ckn"], CKN);
    let patched = reader
        .patch("/rest/interface/macsec/macsec1", json!({"mtu": "1400"}))
        .await;
    assert!(patched.get("cak").is_none(), "{patched}");
    assert_eq!(patched["mtu"], "1400");
    let listed = reader.get("/rest/interface/macsec").await;
    assert!(listed[0].get("cak").is_none(), "{listed}");
    assert_eq!(listed[0]["name"], "macsec1");
    let one = reader.get("/rest/interface/macsec/macsec1").await;
    assert!(one.get("cak").is_none(), "{one}");
    let (_, printed) = reader.post("/rest/interface/macsec/print", json!({})).await;
    assert!(printed[0].get("cak").is_none(), "{printed}");
    let (_, got) = reader
        .post(
            "/rest/interface/macsec/get",
            json!({"number": "macsec1", "value-name": "cak"}),
        )
        .await;
    assert_eq!(got, json!([]));
    // Nor can it find the key by filtering on it.
    let probe = reader
        .get(&format!("/rest/interface/macsec?cak={CAK_A}"))
        .await;
    assert_eq!(probe, json!([]));
    let (_, probe) = reader
        .post(
            "/rest/interface/macsec/print",
            json!({".query": [format!("cak={CAK_A}")]}),
        )
        .await;
    assert_eq!(probe, json!([]));

    // Users with `sensitive` see it; the key the reader set is really there.
    for api in [&admin, &auditor] {
        let one = api.get("/rest/interface/macsec/macsec1").await;
        assert_eq!(one["cak"], CAK_A);
        let (_, got) = api
            .post(
                "/rest/interface/macsec/get",
                json!({"number": "macsec1", "value-name": "cak"}),
            )
            .await;
        assert_eq!(got, json!({"ret": CAK_A}));
    }
    assert_eq!(sim.records("/interface/macsec")[0]["cak"], CAK_A);

    let (status, _) = Api::user(&sim, "reader", "wrong")
        .call(Method::GET, "/rest/interface/macsec", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn bad_users_in_the_configuration_are_rejected() {
    for users in [
        vec![SimUser::new("a:b", "x", false)],
        vec![SimUser::new("", "x", false)],
        vec![SimUser::new("admin", "x", false)],
        vec![SimUser::new("u", "x", false), SimUser::new("u", "y", true)],
    ] {
        let err = Sim::spawn(SimConfig {
            https: false,
            users,
            ..SimConfig::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("user"), "{err}");
    }
}

#[tokio::test]
async fn equal_keys_open_the_link_and_a_key_change_closes_it() {
    let (a, b) = open_pair("7.18").await;
    let (api_a, api_b) = (Api::admin(&a), Api::admin(&b));
    assert_eq!(api_a.link().await, open());
    assert_eq!(api_b.link().await, open());
    let iface = api_a
        .get("/rest/interface?type=macsec&.proplist=name,running")
        .await;
    assert_eq!(iface, json!([{"name": "macsec1", "running": "true"}]));
    let ether = api_a
        .get("/rest/interface/ethernet/ether1?.proplist=running")
        .await;
    assert_eq!(ether, json!({"running": "true"}));

    // Out-of-band key change on one end: both ends fall back to negotiating.
    api_b
        .patch("/rest/interface/macsec/macsec1", json!({"cak": CAK_B}))
        .await;
    assert_eq!(api_a.link().await, negotiating());
    assert_eq!(api_b.link().await, negotiating());
    // Restoring the key restores the link; so does a matching CKN check.
    api_b
        .patch(
            "/rest/interface/macsec/macsec1",
            json!({"cak": CAK_A.to_uppercase()}),
        )
        .await;
    assert_eq!(api_a.link().await, open());
    assert_eq!(api_b.link().await, open());
    api_a
        .patch("/rest/interface/macsec/macsec1", json!({"ckn": "abcd"}))
        .await;
    assert_eq!(api_b.link().await, negotiating());
    api_a
        .patch("/rest/interface/macsec/macsec1", json!({"ckn": CKN}))
        .await;
    assert_eq!(api_b.link().await, open());

    // Disabling one MACsec interface: it shows disabled, its peer negotiates.
    api_a
        .patch("/rest/interface/macsec/macsec1", json!({"disabled": "yes"}))
        .await;
    assert_eq!(
        api_a.link().await,
        ("disabled".to_string(), "false".to_string())
    );
    assert_eq!(api_b.link().await, negotiating());
    api_a
        .patch("/rest/interface/macsec/macsec1", json!({"disabled": "no"}))
        .await;
    assert_eq!(api_b.link().await, open());

    // Disabling a port takes the carrier away on both ends.
    api_b
        .patch("/rest/interface/ethernet/ether1", json!({"disabled": true}))
        .await;
    for api in [&api_a, &api_b] {
        assert_eq!(api.link().await, negotiating());
        let ether = api
            .get("/rest/interface/ethernet/ether1?.proplist=running")
            .await;
        assert_eq!(ether, json!({"running": "false"}));
    }
    api_b
        .patch(
            "/rest/interface/ethernet/ether1",
            json!({"disabled": false}),
        )
        .await;
    assert_eq!(api_a.link().await, open());

    // Unplugging the cable; an unlinked port keeps running (always-on switch).
    a.unplug("ether1").unwrap();
    assert_eq!(api_a.link().await, negotiating());
    assert_eq!(api_b.link().await, negotiating());
    let ether = api_b
        .get("/rest/interface/ethernet/ether1?.proplist=running")
        .await;
    assert_eq!(ether, json!({"running": "true"}));

    // Re-cabled, then the other emulator stops: no carrier.
    super::link(&a, "ether1", &b, "ether1").unwrap();
    assert_eq!(api_a.link().await, open());
    drop(api_b);
    drop(b);
    assert_eq!(api_a.link().await, negotiating());
    let ether = api_a
        .get("/rest/interface/ethernet/ether1?.proplist=running")
        .await;
    assert_eq!(ether, json!({"running": "false"}));
}

#[tokio::test]
async fn different_keys_or_ports_stay_negotiating() {
    let a = start("7.18");
    let b = start("7.18");
    let (api_a, api_b) = (Api::admin(&a), Api::admin(&b));
    api_a.add_macsec(CAK_A, CKN).await;
    api_b.add_macsec(CAK_B, CKN).await;
    // Not cabled yet: negotiating, whatever the keys.
    assert_eq!(api_a.link().await, negotiating());
    Sim::pair(&a, "ether1", &b, "ether1").unwrap();
    assert_eq!(api_a.link().await, negotiating());
    assert_eq!(api_b.link().await, negotiating());
    // Same keys, but the cable goes to a port without MACsec.
    api_b
        .patch("/rest/interface/macsec/macsec1", json!({"cak": CAK_A}))
        .await;
    assert_eq!(api_a.link().await, open());
    Sim::pair(&a, "ether1", &b, "ether2").unwrap();
    assert_eq!(api_a.link().await, negotiating());
    assert_eq!(api_b.link().await, negotiating());
    // Moving b's MACsec interface onto the cabled port brings the link up.
    api_b
        .patch(
            "/rest/interface/macsec/macsec1",
            json!({"interface": "ether2"}),
        )
        .await;
    assert_eq!(api_a.link().await, open());

    let err = Sim::pair(&a, "ether1", &b, "ether99").unwrap_err();
    assert!(err.to_string().contains("ether99"), "{err}");
    assert!(Sim::pair(&a, "ether1", &a, "ether1").is_err());
    assert!(a.unplug("nope").is_err());
}

#[tokio::test]
async fn mac_addresses_differ_between_emulators_and_stay_put() {
    let a = start("7.18");
    let b = start("7.18");
    let macs = |sim: &Sim| -> Vec<String> {
        sim.records("/interface/ethernet")
            .into_iter()
            .map(|r| r["mac-address"].clone())
            .collect()
    };
    let (ma, mb) = (macs(&a), macs(&b));
    assert_eq!(ma, macs(&a), "stable within an emulator");
    let mut all = ma.clone();
    all.extend(mb.clone());
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 16, "{ma:?} {mb:?}");
    assert!(
        ma[0] < mb[0],
        "the emulator started first has the lower addresses"
    );
    let macsec = Api::admin(&a).add_macsec(CAK_A, CKN).await;
    let row = Api::admin(&a)
        .get(&format!(
            "/rest/interface/{}?.proplist=mac-address",
            macsec["name"].as_str().unwrap()
        ))
        .await;
    assert_eq!(row["mac-address"], ma[0].as_str());
}

#[tokio::test]
async fn key_server_by_priority_then_lower_mac() {
    let (a, b) = open_pair("7.23").await;
    let (api_a, api_b) = (Api::admin(&a), Api::admin(&b));
    let server = |m: &Value| m["key-server"].as_str().unwrap().to_string();

    // Equal priorities (default 10): the lower MAC address wins; a started first.
    let (ma, mb) = (api_a.monitor().await, api_b.monitor().await);
    assert_eq!(ma["status"], "open-encrypted");
    assert_eq!((server(&ma), server(&mb)), ("true".into(), "false".into()));
    // Swap the MAC addresses: the key server moves.
    api_a
        .patch(
            "/rest/interface/ethernet/ether1",
            json!({"mac-address": "02:00:00:00:00:99"}),
        )
        .await;
    api_b
        .patch(
            "/rest/interface/ethernet/ether1",
            json!({"mac-address": "02:00:00:00:00:11"}),
        )
        .await;
    let (ma, mb) = (api_a.monitor().await, api_b.monitor().await);
    assert_eq!((server(&ma), server(&mb)), ("false".into(), "true".into()));

    // Priority beats the MAC address: a's profile gets the lower server-priority.
    api_a
        .ok(
            Method::PUT,
            "/rest/interface/macsec/profile",
            Some(json!({"name": "primary", "server-priority": "1", "ciphers": "aes-gcm-128"})),
        )
        .await;
    api_a
        .patch(
            "/rest/interface/macsec/macsec1",
            json!({"profile": "primary"}),
        )
        .await;
    let (ma, mb) = (api_a.monitor().await, api_b.monitor().await);
    assert_eq!((server(&ma), server(&mb)), ("true".into(), "false".into()));
    // The built-in default profile can be set: b now has the even lower priority 0.
    api_b
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"server-priority": 0}),
        )
        .await;
    let (ma, mb) = (api_a.monitor().await, api_b.monitor().await);
    assert_eq!((server(&ma), server(&mb)), ("false".into(), "true".into()));
    assert_eq!(ma["status"], "open-encrypted");
}

#[tokio::test]
async fn monitor_exists_from_7_23_and_needs_once() {
    let (a, _b) = open_pair("7.23").await;
    let api = Api::admin(&a);
    let reading = api.monitor().await;
    assert_eq!(
        reading,
        json!({"cipher-suite": "aes-gcm-128", "key-server": "true", "name": "macsec1", "status": "open-encrypted"})
    );
    let (status, body) = api
        .post(
            "/rest/interface/macsec/monitor",
            json!({"numbers": "macsec1"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"detail": "Session closed", "error": 400, "message": "Bad Request"})
    );
    let (_, body) = api
        .post("/rest/interface/macsec/monitor", json!({"once": ""}))
        .await;
    assert_eq!(body["detail"], "missing value(s) of argument(s) numbers");
    let (_, body) = api
        .post(
            "/rest/interface/macsec/monitor",
            json!({"numbers": "nope", "once": ""}),
        )
        .await;
    assert_eq!(body["detail"], "no such item");
    let (_, body) = api
        .post(
            "/rest/interface/macsec/monitor",
            json!({"numbers": "macsec1", "once": "", ".proplist": "status"}),
        )
        .await;
    assert_eq!(body, json!([{"status": "open-encrypted"}]));

    // A lone interface: negotiating, no key server, no cipher suite.
    let lone = start("7.23");
    let lone_api = Api::admin(&lone);
    lone_api.add_macsec(CAK_A, CKN).await;
    assert_eq!(
        lone_api.monitor().await,
        json!({"key-server": "false", "name": "macsec1", "status": "negotiating"})
    );

    // Before 7.23 there is no monitor command.
    let old = start("7.18");
    let old_api = Api::admin(&old);
    old_api.add_macsec(CAK_A, CKN).await;
    let (status, body) = old_api
        .post(
            "/rest/interface/macsec/monitor",
            json!({"numbers": "macsec1", "once": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "no such command or directory (monitor)");
}

#[tokio::test]
async fn cipher_suite_follows_both_profiles() {
    let (a, b) = open_pair("7.23").await;
    let (api_a, api_b) = (Api::admin(&a), Api::admin(&b));
    let suite = |m: &Value| m["cipher-suite"].clone();
    // b accepts only XPN: a (key server) offers GCM-AES-128 first, so nothing in common.
    api_b
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"ciphers": "aes-gcm-xpn-128"}),
        )
        .await;
    assert_eq!(api_a.link().await, negotiating());
    assert_eq!(api_b.monitor().await.get("cipher-suite"), None);
    // a accepts both: XPN is the only suite in common.
    api_a
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"ciphers": "aes-gcm-128,aes-gcm-xpn-128"}),
        )
        .await;
    assert_eq!(suite(&api_a.monitor().await), "aes-gcm-xpn-128");
    assert_eq!(suite(&api_b.monitor().await), "aes-gcm-xpn-128");
    // Both accept both: the key server's (a's) first choice wins, on both ends.
    api_b
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"ciphers": "aes-gcm-xpn-128,aes-gcm-128"}),
        )
        .await;
    assert_eq!(suite(&api_a.monitor().await), "aes-gcm-128");
    assert_eq!(suite(&api_b.monitor().await), "aes-gcm-128");
    // A 7.18 router only speaks GCM-AES-128; b, XPN-only again, can not talk to it.
    b.set_version("7.18");
    api_a
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"ciphers": "aes-gcm-xpn-128"}),
        )
        .await;
    assert_eq!(api_b.link().await, negotiating());
    api_a
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"ciphers": "aes-gcm-xpn-128,aes-gcm-128"}),
        )
        .await;
    assert_eq!(api_b.link().await, open());
    assert_eq!(suite(&api_a.monitor().await), "aes-gcm-128");
}

#[tokio::test]
async fn print_stats_counters() {
    let (a, b) = open_pair("7.23").await;
    let api = Api::admin(&a);
    let (status, rows) = api
        .post("/rest/interface/macsec/print", json!({"stats": ""}))
        .await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let row = rows[0].as_object().unwrap();
    let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = crate::menus::MACSEC_STATS_OPEN
        .iter()
        .map(|(k, _)| *k)
        .chain([".id", "name"])
        .collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert!(row.values().all(Value::is_string));
    for counter in [
        "tx-untagged",
        "rx-untagged",
        "tx-too-long",
        "rx-no-tag",
        "rx-bad-tag",
        "rx-unknown-sci",
        "rx-no-sci",
        "rx-overrun",
        "tx-sc-encrypted-packet",
        "rx-sa-ok",
        "tx-sa-encrypted",
    ] {
        assert!(row.contains_key(counter), "{counter}");
    }
    assert_eq!(row["name"], "macsec1");
    assert_eq!(row["tx-sc-encrypted-packet"], "320");
    assert_eq!(row["rx-sc-ok"], "320");
    assert_eq!(row["rx-sc-invalid"], "0");

    // Not open: every counter is zero. `.proplist` and `.query` apply.
    Api::admin(&b)
        .patch("/rest/interface/macsec/macsec1", json!({"cak": CAK_B}))
        .await;
    let (_, rows) = api
        .post(
            "/rest/interface/macsec/print",
            json!({"stats": "", ".proplist": "name,tx-sc-encrypted-packet", ".query": ["name=macsec1"]}),
        )
        .await;
    assert_eq!(
        rows,
        json!([{"name": "macsec1", "tx-sc-encrypted-packet": "0"}])
    );

    // `stats` is an argument of print only from 7.23 on (the inspect dumps).
    let old = start("7.18");
    let (status, body) = Api::admin(&old)
        .post("/rest/interface/macsec/print", json!({"stats": ""}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "unknown parameter stats");
}

#[tokio::test]
async fn profile_rules() {
    let sim = start("7.23");
    let api = Api::admin(&sim);
    // `ciphers` is mandatory on 7.23+ (CLI reference): no default is filled in.
    let (status, body) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec/profile",
            Some(json!({"name": "p1"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "missing value(s) of argument(s) ciphers");
    let created = api
        .ok(
            Method::PUT,
            "/rest/interface/macsec/profile",
            Some(json!({"name": "p1", "ciphers": "aes-gcm-128"})),
        )
        .await;
    assert_eq!(
        created,
        json!({".id": "*2", "ciphers": "aes-gcm-128", "default": "false", "name": "p1", "server-priority": "10"})
    );
    let (status, body) = api
        .call(
            Method::PATCH,
            "/rest/interface/macsec/profile/p1",
            Some(json!({"server-priority": 256})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "value of server-priority out of range (0..255)"
    );
    let (_, body) = api
        .call(
            Method::PUT,
            "/rest/interface/macsec/profile",
            Some(json!({"name": "p1", "ciphers": "aes-gcm-128"})),
        )
        .await;
    assert_eq!(
        body["detail"],
        "failure: profile with such name already exists"
    );
    let patched = api
        .patch(
            "/rest/interface/macsec/profile/p1",
            json!({"server-priority": 0, "ciphers": ["aes-gcm-xpn-128"]}),
        )
        .await;
    assert_eq!(patched["server-priority"], "0");
    assert_eq!(patched["ciphers"], "aes-gcm-xpn-128");

    // The built-in profile can be changed but not removed.
    let default = api
        .patch(
            "/rest/interface/macsec/profile/default",
            json!({"server-priority": "20"}),
        )
        .await;
    assert_eq!(default["server-priority"], "20");
    assert_eq!(default["default"], "true");
    assert_eq!(default["default-name"], "default");
    let (status, body) = api
        .call(
            Method::DELETE,
            "/rest/interface/macsec/profile/default",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "failure: default profile can not be removed"
    );

    // A profile in use can not be removed until nothing uses it.
    api.ok(
        Method::PUT,
        "/rest/interface/macsec",
        Some(json!({"interface": "ether2", "profile": "p1"})),
    )
    .await;
    let (status, body) = api
        .call(Method::DELETE, "/rest/interface/macsec/profile/p1", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "failure: profile p1 is used by macsec1");
    let (_, body) = api
        .post(
            "/rest/interface/macsec/profile/remove",
            json!({".id": "p1"}),
        )
        .await;
    assert_eq!(body["detail"], "failure: profile p1 is used by macsec1");
    api.patch(
        "/rest/interface/macsec/macsec1",
        json!({"profile": "default"}),
    )
    .await;
    let (status, _) = api
        .call(Method::DELETE, "/rest/interface/macsec/profile/p1", None)
        .await;
    assert!(status.is_success());
    let (_, body) = api
        .call(
            Method::PATCH,
            "/rest/interface/macsec/macsec1",
            Some(json!({"profile": "p1"})),
        )
        .await;
    assert_eq!(body["detail"], "input does not match any value of profile");
}

#[tokio::test]
async fn ethernet_mtu_l2mtu_and_disabled() {
    let sim = start("7.18");
    let api = Api::admin(&sim);
    api.add_macsec(CAK_A, CKN).await;
    let port = api
        .patch(
            "/rest/interface/ethernet/ether1",
            json!({"l2mtu": 9000, "mtu": 8000}),
        )
        .await;
    assert_eq!(port["l2mtu"], "9000");
    assert_eq!(port["mtu"], "8000");
    let row = api.get("/rest/interface/macsec1?.proplist=l2mtu,mtu").await;
    assert_eq!(row, json!({"l2mtu": "8968", "mtu": "1468"}));
    for (body, detail) in [
        (
            json!({"l2mtu": 9579}),
            "value of l2mtu out of range (0..9578)",
        ),
        (json!({"l2mtu": "big"}), "invalid value for argument l2mtu"),
        (
            json!({"mtu": 65536}),
            "value of mtu out of range (0..65535)",
        ),
        (
            json!({"disabled": "maybe"}),
            "invalid value for argument disabled",
        ),
    ] {
        let (status, reply) = api
            .call(Method::PATCH, "/rest/interface/ethernet/ether1", Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(reply["detail"], detail);
    }
    assert_eq!(sim.records("/interface/ethernet")[0]["l2mtu"], "9000");
    let (status, body) = api
        .call(
            Method::PATCH,
            "/rest/interface/macsec1",
            Some(json!({"l2mtu": 1500})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("can not be changed")
    );
    let port = api
        .patch(
            "/rest/interface/ethernet/ether1",
            json!({"disabled": "yes"}),
        )
        .await;
    assert_eq!(port["disabled"], "true");
    assert_eq!(port["running"], "false");
    let macsec = api.get("/rest/interface/macsec/macsec1").await;
    assert_eq!(macsec["inactive"], "true");
    assert_eq!(macsec["status"], "negotiating");
}
