//! Tests of the fleet: `routers` entries read as provider blocks, their
//! checks moved to the entry, and calls routed to each router's client.

use super::*;
use crate::plugin::engine::Engine;
use crate::plugin::resource::Provider;
use crate::provider::RouterosProvider;

fn strings(pairs: &[(&str, &str)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::string(*v)))
        .collect()
}

fn block(pairs: &[(&str, Value)], routers: &[(&str, &[(&str, &str)])]) -> Value {
    let mut b = match Value::object(pairs) {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    b.insert(
        ROUTERS.into(),
        Value::Map(
            routers
                .iter()
                .map(|(n, e)| (n.to_string(), Value::Map(strings(e))))
                .collect(),
        ),
    );
    Value::Object(b)
}

fn summaries_at(diags: &Diagnostics) -> Vec<(String, String)> {
    diags
        .0
        .iter()
        .map(|d| {
            (
                d.summary.clone(),
                d.attribute
                    .as_ref()
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn an_entry_inherits_the_block_but_never_its_url_and_takes_each_group_whole() {
    let b = block(
        &[
            ("url", Value::string("https://default")),
            ("username", Value::string("terraform")),
            ("password_age", Value::string("AGE")),
            ("ca_certificate", Value::string("ca.pem")),
            ("max_reply_rows", Value::int(10)),
        ],
        &[],
    );
    let mut diags = Diagnostics::new();
    let entry = strings(&[
        ("url", "apis://10.0.1.1"),
        ("tls_fingerprint", "AB"),
        ("insecure", "false"),
        ("timeout", " 7 "),
    ]);
    let e = entry_block(&b, "edge1", &entry, &mut diags).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(e.get_str("url"), Some("apis://10.0.1.1"));
    assert_eq!(e.get_str("username"), Some("terraform"));
    assert_eq!(e.get_str("password_age"), Some("AGE"));
    // The entry's trust replaces the block's whole.
    assert_eq!(e.get("ca_certificate"), Some(&Value::Null));
    assert_eq!(e.get_str("tls_fingerprint"), Some("AB"));
    assert_eq!(e.get_bool("insecure"), Some(false));
    assert_eq!(e.get_i64("timeout"), Some(7));
    assert_eq!(e.get_i64("max_reply_rows"), Some(10));
    assert!(own_trust(&entry));
    // An entry with no trust of its own keeps the block's, and its own
    // password replaces the block's password_age.
    let entry = strings(&[("hosturl", "https://10.0.0.1"), ("password", "pw")]);
    let e = entry_block(&b, "core", &entry, &mut diags).unwrap();
    assert_eq!(e.get("url"), Some(&Value::Null));
    assert_eq!(e.get_str("hosturl"), Some("https://10.0.0.1"));
    assert_eq!(e.get_str("ca_certificate"), Some("ca.pem"));
    assert_eq!(e.get("password_age"), Some(&Value::Null));
    assert!(!own_trust(&entry));
}

#[test]
fn a_bad_entry_is_named_with_its_setting_and_what_to_do() {
    let b = block(&[], &[]);
    let mut diags = Diagnostics::new();
    let bad = strings(&[("pasword", "x"), ("insecure", "maybe"), ("timeout", "ten")]);
    assert!(entry_block(&b, "core", &bad, &mut diags).is_none());
    assert_eq!(
        summaries_at(&diags),
        [
            (
                "Unknown router setting".to_string(),
                "routers[\"core\"][\"pasword\"]".to_string()
            ),
            ("No router URL".to_string(), "routers[\"core\"]".to_string()),
            (
                "Invalid boolean".to_string(),
                "routers[\"core\"][\"insecure\"]".to_string()
            ),
            (
                "Invalid timeout".to_string(),
                "routers[\"core\"][\"timeout\"]".to_string()
            ),
        ]
    );
    assert!(
        diags.0[0].detail.contains("Did you mean `password`?"),
        "{}",
        diags.0[0].detail
    );
    for name in ["", "a/b", "../x", "core\n", &"x".repeat(65), "\u{202e}x"] {
        let mut diags = Diagnostics::new();
        assert!(
            entry_block(&b, name, &strings(&[("url", "https://r")]), &mut diags).is_none(),
            "{name:?}"
        );
        assert_eq!(diags.0[0].summary, "Invalid router name");
        assert!(!diags.0[0].detail.contains('\n') && !diags.0[0].detail.contains('\u{202e}'));
    }
    assert!(valid_name("core-1_b") && valid_name(&"x".repeat(64)));
}

#[test]
fn the_provider_blocks_checks_run_on_every_entry_and_point_at_it() {
    let config = block(
        &[],
        &[(
            "edge1",
            &[
                ("url", "ftp://10.0.1.1"),
                ("tls_fingerprint", "00"),
                ("insecure", "true"),
                ("timeout", "0"),
            ],
        )],
    );
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(&config, &mut diags);
    let found = summaries_at(&diags);
    for expected in [
        (
            "Conflicting TLS settings",
            "routers[\"edge1\"][\"tls_fingerprint\"]",
        ),
        ("Invalid router URL", "routers[\"edge1\"][\"url\"]"),
        ("Invalid timeout", "routers[\"edge1\"][\"timeout\"]"),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} not in {found:?}"
        );
    }
    let tls = diags
        .0
        .iter()
        .find(|d| d.summary == "Conflicting TLS settings")
        .unwrap();
    assert!(
        tls.detail.contains("the `routers[\"edge1\"]` entry"),
        "{}",
        tls.detail
    );
    assert!(!tls.detail.contains("provider block"), "{}", tls.detail);
}

#[tokio::test]
async fn configuring_a_fleet_connects_to_no_router_and_an_unknown_name_lists_the_known_ones() {
    let config = block(
        &[("username", Value::string("terraform"))],
        &[
            ("core", &[("url", "https://127.0.0.1:1")]),
            ("edge1", &[("url", "api://127.0.0.1:1"), ("password", "pw")]),
        ],
    );
    let p = RouterosProvider::new();
    let mut diags = Diagnostics::new();
    let fleet = p.configure(&config, "1.15.5", &mut diags).await.unwrap();
    assert!(!diags.has_error(), "{diags:?}");
    assert!(fleet.default.is_none());
    assert_eq!(fleet.routers["edge1"].name(), Some("edge1"));
    assert_eq!(fleet.routers["core"].username(), "terraform");
    assert_eq!(p.route_names(&fleet), ["core", "edge1"]);
    let e = fleet.pick(Some("edge")).unwrap_err();
    assert_eq!(e.summary, "Unknown router");
    assert_eq!(e.attribute.unwrap().to_string(), "router");
    assert!(e.detail.contains("Did you mean \"edge1\"?"), "{}", e.detail);
    assert!(e.detail.contains("\"core\", \"edge1\""), "{}", e.detail);
    let e = fleet.pick(None).unwrap_err();
    assert!(
        e.detail
            .contains("set `router` to one of \"core\", \"edge1\""),
        "{}",
        e.detail
    );
}

/// Two emulated routers behind one provider configuration: a call with
/// `router = "edge"` reaches the edge router only, the core router gets
/// no request at all until a call names it, and the state records the
/// router.
#[tokio::test]
async fn a_call_reaches_only_its_own_router_and_an_idle_router_gets_no_request() {
    use acceptance::sim::Sim;
    let core = Sim::spawn(Default::default()).unwrap();
    let edge = Sim::spawn(Default::default()).unwrap();
    let entry = |s: &Sim| -> Vec<(String, String)> {
        vec![
            ("url".into(), s.http_url()),
            ("password".into(), s.password().to_string()),
        ]
    };
    let mut routers = BTreeMap::new();
    for (name, s) in [("core", &core), ("edge", &edge)] {
        routers.insert(
            name.to_string(),
            Value::Map(
                entry(s)
                    .into_iter()
                    .map(|(k, v)| (k, Value::string(v)))
                    .collect(),
            ),
        );
    }
    let mut config = Value::object(&[
        ("username", Value::string(core.username())),
        (ROUTERS, Value::Map(routers)),
    ]);
    let engine = Engine::new(RouterosProvider::new());
    config = crate::plugin::value::conform(config, &engine.provider_schema().block.value_type());
    let d = engine.configure(config, "1.15.5", Default::default()).await;
    assert!(!d.has_error(), "{d:?}");
    let (core_before, edge_before) = (core.request_count(), edge.request_count());
    let read = |router: &str| {
        let schema = engine
            .data_source_schema("routeros_system_resource")
            .unwrap();
        crate::plugin::value::conform(
            Value::object(&[(ROUTER, Value::string(router))]),
            &schema.block.value_type(),
        )
    };
    let (v, d) = engine
        .read_data_source("routeros_system_resource", read("edge"), Default::default())
        .await;
    assert!(!d.has_error(), "{d:?}");
    assert_eq!(v.get_str(ROUTER), Some("edge"));
    assert!(edge.request_count() > edge_before);
    assert_eq!(
        core.request_count(),
        core_before,
        "the idle router was contacted"
    );
    let (_, d) = engine
        .read_data_source("routeros_system_resource", read("nope"), Default::default())
        .await;
    assert_eq!(
        summaries_at(&d),
        [("Unknown router".to_string(), ROUTER.to_string())]
    );
}

/// Regression: the provider block's own warnings (`routeros_version`
/// does nothing) came once more for every entry, and an entry's `timeout`
/// "disagreed" with the block's `rest_timeout`, its other name.
#[test]
fn an_entry_repeats_none_of_the_blocks_warnings_and_its_timeout_replaces_rest_timeout() {
    let config = block(
        &[
            ("url", Value::string("https://default")),
            ("routeros_version", Value::string("7.16")),
            ("rest_timeout", Value::int(30)),
        ],
        &[
            ("core", &[("url", "https://10.0.0.1"), ("timeout", "5")]),
            ("edge", &[("url", "https://10.0.1.1")]),
        ],
    );
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(&config, &mut diags);
    assert_eq!(
        summaries_at(&diags),
        [(
            "`routeros_version` does nothing in this provider".to_string(),
            "routeros_version".to_string()
        )]
    );
    let e = entry_block(
        &config,
        "core",
        &strings(&[("url", "https://10.0.0.1"), ("timeout", "5")]),
        &mut diags,
    )
    .unwrap();
    assert_eq!(
        (e.get_i64("timeout"), e.get("rest_timeout")),
        (Some(5), Some(&Value::Null))
    );
}

/// A router of a fleet that cannot be reached is named in its error, full
/// the first time and short after, so the user knows which entry of
/// `routers` to check; the provider block's own router is not renamed.
#[tokio::test]
async fn an_unreachable_router_of_a_fleet_is_named_in_its_errors() {
    let config = block(
        &[("username", Value::string("terraform"))],
        &[("core", &[("url", "http://127.0.0.1:1")])],
    );
    let p = RouterosProvider::new();
    let mut diags = Diagnostics::new();
    let fleet = p.configure(&config, "1.15.5", &mut diags).await.unwrap();
    let full = p.ready(&fleet, Some("core")).await.err().unwrap();
    assert!(
        full.detail
            .starts_with("Router \"core\" (`routers[\"core\"]`): "),
        "{}",
        full.detail
    );
    let short = p.ready(&fleet, Some("core")).await.err().unwrap();
    assert!(
        short
            .detail
            .starts_with("Router \"core\" (http://127.0.0.1:1) cannot be used")
            && short.detail.contains("check `routers[\"core\"]`"),
        "{}",
        short.detail
    );
}
