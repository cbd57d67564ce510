//! Tests of the generic row: create, read, update, delete, lost replies, import and listing.

use super::*;
use crate::resources::macsec_interface::{MacsecInterface, MacsecInterfaceModel};
use crate::routeros::Transport;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A router whose replies to adds are lost after the row is made; the
/// row it makes holds `mtu` as given (or another when `alter`). With
/// `refuse`, it refuses every add with that detail instead, as RouterOS
/// does.
#[derive(Default)]
struct LosingReplies {
    rows: Mutex<Vec<Record>>,
    adds: AtomicUsize,
    alter_mtu: Option<&'static str>,
    refuse: Option<&'static str>,
}

#[async_trait]
impl Transport for LosingReplies {
    async fn list(&self, _menu: &str) -> Result<Vec<Record>, Error> {
        Ok(self.rows.lock().unwrap().clone())
    }
    async fn get(&self, _menu: &str) -> Result<Record, Error> {
        Ok(rec(&[("version", "7.18 (stable)")]))
    }
    async fn add(&self, _menu: &str, attrs: &Record) -> Result<Record, Error> {
        self.adds.fetch_add(1, Ordering::SeqCst);
        if let Some(detail) = self.refuse {
            return Err(Error::Rejected {
                status: 400,
                message: "Bad Request".into(),
                detail: detail.into(),
            });
        }
        let mut row = attrs.clone();
        row.insert(".id".into(), "*9".into());
        if let Some(mtu) = self.alter_mtu {
            row.insert("mtu".into(), mtu.into());
        }
        self.rows.lock().unwrap().push(row);
        Err(Error::Timeout {
            endpoint: "test".into(),
            seconds: 1,
        })
    }
    async fn set(&self, _: &str, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!()
    }
    async fn remove(&self, _: &str, _: &str) -> Result<(), Error> {
        unreachable!()
    }
    async fn command(&self, _: &str, _: &Record) -> Result<Vec<Record>, Error> {
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "test"
    }
}

async fn lost_reply_create(
    alter_mtu: Option<&'static str>,
) -> (Option<Record>, Diagnostics, usize) {
    let router = Arc::new(LosingReplies {
        alter_mtu,
        ..Default::default()
    });
    let client = Client::with_transport(Box::new(router.clone()))
        .await
        .unwrap();
    let plan = MacsecInterfaceModel {
        name: "macsec1".into(),
        interface: "ether1".into(),
        mtu: Some(1400),
        disabled: Some(false),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let row = create::<MacsecInterface>(&client, &plan, &mut diags).await;
    (row, diags, router.adds.load(Ordering::SeqCst))
}

#[tokio::test]
async fn a_create_whose_reply_is_lost_adopts_the_row_it_made_without_adding_again() {
    let (row, diags, adds) = lost_reply_create(None).await;
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(row.unwrap()[".id"], "*9");
    assert_eq!(adds, 1, "the add is never replayed");
}

#[tokio::test]
async fn a_create_whose_reply_is_lost_and_finds_another_row_is_a_conflict() {
    let (row, diags, adds) = lost_reply_create(Some("1500")).await;
    assert!(row.is_none());
    assert_eq!(adds, 1);
    let d = &diags.0[0];
    assert!(d.summary.contains("\"macsec1\" exists"), "{d:?}");
    assert!(
        d.detail.contains("mtu") && d.detail.contains("terraform import"),
        "{d:?}"
    );
    assert_eq!(d.attribute.as_ref().unwrap().to_string(), "name");
}

#[tokio::test]
async fn lists_filter_by_name_pattern_and_profiles_refuse_a_port_filter() {
    let router = Arc::new(LosingReplies {
        rows: Mutex::new(vec![
            rec(&[(".id", "*1"), ("name", "macsec1"), ("interface", "ether1")]),
            rec(&[(".id", "*2"), ("name", "lab"), ("interface", "ether2")]),
        ]),
        ..Default::default()
    });
    let client = Client::with_transport(Box::new(router)).await.unwrap();
    let ctx = Ctx {
        client: Arc::new(Configured::from_environment(client)),
        schema: Arc::new(crate::plugin::schema::Served::new(
            Row(MacsecInterface).schema(),
        )),
        terraform_version: String::new(),
        write_only_allowed: false,
    };
    let filter = |name: Option<&str>, port: Option<&str>| {
        Value::Object(
            [
                ("disabled".to_string(), Value::Null),
                (
                    "interface".to_string(),
                    port.map_or(Value::Null, Value::string),
                ),
                ("name".to_string(), name.map_or(Value::Null, Value::string)),
            ]
            .into(),
        )
    };
    let list = |config: Value| {
        let ctx = &ctx;
        async move {
            let mut diags = Diagnostics::new();
            let request = ListRequest {
                config: &config,
                include_resource: false,
                limit: None,
            };
            let names: Vec<String> = Row(MacsecInterface)
                .list(ctx, &request, &mut diags)
                .await
                .into_iter()
                .map(|i| i.display_name)
                .collect();
            (names, diags)
        }
    };
    let (names, diags) = list(filter(Some("mac*"), None)).await;
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(names, ["MACsec interface macsec1"]);
    let (names, _) = list(filter(None, Some("ether2"))).await;
    assert_eq!(names, ["MACsec interface lab"]);
    let (names, _) = list(Value::Null).await;
    assert_eq!(names.len(), 2);

    let mut diags = Diagnostics::new();
    let config = filter(None, Some("ether1"));
    let request = ListRequest {
        config: &config,
        include_resource: false,
        limit: None,
    };
    let items = Row(crate::resources::macsec_profile::MacsecProfile)
        .list(&ctx, &request, &mut diags)
        .await;
    assert!(items.is_empty());
    assert_eq!(
        diags.0[0].attribute.as_ref().unwrap().to_string(),
        "interface"
    );
}

#[test]
fn identity_is_the_natural_key_and_only_version_0_upgrades() {
    let r = Row(MacsecInterface);
    let schema = r.identity_schema().unwrap();
    assert_eq!(schema.version, 0);
    assert_eq!(schema.attributes[0].0, "name");
    let state = Value::Object([("name".to_string(), Value::string("macsec1"))].into());
    assert_eq!(
        r.identity(&state),
        Some(Value::Object(
            [("name".to_string(), Value::string("macsec1"))].into()
        ))
    );
    let upgraded = r
        .upgrade_identity(0, &serde_json::json!({"name": "macsec1"}))
        .unwrap();
    assert_eq!(upgraded.get_str("name"), Some("macsec1"));
    assert!(r.upgrade_identity(3, &serde_json::json!({})).is_err());
}

#[test]
fn a_renamed_row_keeps_its_identity_with_a_warning() {
    let r = Row(MacsecInterface);
    let was = Value::Object([("name".to_string(), Value::string("macsec1"))].into());
    let now = Value::Object([("name".to_string(), Value::string("renamed"))].into());
    let w = r.identity_changed(&was, &now).unwrap();
    assert!(w.summary.contains("its name is now \"renamed\""), "{w:?}");
    assert!(r.identity_changed(&was, &was).is_none());
}

fn rec(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn glob_patterns() {
    assert!(glob("macsec*", "macsec12"));
    assert!(glob("*", ""));
    assert!(glob("m?c", "mac"));
    assert!(!glob("macsec?", "macsec12"));
    assert!(!glob("ether*", "macsec1"));
}

#[test]
fn a_lost_reply_is_a_timeout_a_dropped_connection_or_a_5xx() {
    let endpoint = "r".to_string();
    assert!(reply_lost(&Error::Timeout {
        endpoint: endpoint.clone(),
        seconds: 1
    }));
    assert!(reply_lost(&Error::Rejected {
        status: 503,
        message: "x".into(),
        detail: "y".into()
    }));
    assert!(!reply_lost(&Error::Rejected {
        status: 400,
        message: "x".into(),
        detail: "y".into()
    }));
    assert!(!reply_lost(&Error::NotFound { what: "x".into() }));
}

#[test]
fn differences_compare_booleans_in_either_spelling() {
    let sent = rec(&[("name", "m1"), ("disabled", "no"), ("mtu", "1400")]);
    let row = rec(&[("name", "m1"), ("disabled", "false"), ("mtu", "1468")]);
    assert_eq!(differences(&sent, &row), ["mtu"]);
    let row = rec(&[("name", "m1"), ("disabled", "false"), ("mtu", "1400")]);
    assert!(differences(&sent, &row).is_empty());
}

/// The one diagnostic of creating MACsec interface `macsec-a` on a router
/// that refuses it with `detail`.
async fn refused_create(detail: &'static str) -> Diagnostic {
    let router = Arc::new(LosingReplies {
        refuse: Some(detail),
        ..Default::default()
    });
    let client = Client::with_transport(Box::new(router)).await.unwrap();
    let plan = MacsecInterfaceModel {
        name: "macsec-a".into(),
        interface: "ether1".into(),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    assert!(
        create::<MacsecInterface>(&client, &plan, &mut diags)
            .await
            .is_none()
    );
    assert_eq!(diags.0.len(), 1, "{diags:?}");
    diags.0.remove(0)
}

#[tokio::test]
async fn a_port_already_used_by_macsec_is_not_called_a_duplicate_name() {
    let d = refused_create(
        "failure: ether1 already has a MACsec interface (macsec-b); only one MACsec interface per Ethernet port is allowed",
    )
    .await;
    assert!(
        !d.detail
            .contains("named \"macsec-a\" is already on the router"),
        "{}",
        d.detail
    );
    assert!(!d.detail.contains("import"), "{}", d.detail);
    assert!(
        d.detail.contains("macsec-b"),
        "RouterOS's words are kept: {}",
        d.detail
    );
}

/// Every RouterOS refusal of an add the provider interprets, and whether
/// it is read as a duplicate name (the hint to import).
#[tokio::test]
async fn each_routeros_refusal_of_an_add_gets_its_own_hint() {
    let table: &[(&str, bool)] = &[
        ("failure: already have interface with such name", true),
        ("failure: already have such name", true),
        ("failure: profile with such name already exists", true),
        ("FAILURE: Already have interface with such name ", true),
        (
            "failure: ether1 already has a MACsec interface (macsec-b); only one MACsec interface per Ethernet port is allowed",
            false,
        ),
        ("failure: file with such name already exists", false),
        ("failure: this is configured elsewhere", false),
        ("input does not match any value of interface", false),
        (
            "failure: already have interface with such name; and more",
            false,
        ),
        ("already", false),
    ];
    for (detail, duplicate) in table {
        assert_eq!(diag::is_duplicate_name(detail), *duplicate, "{detail:?}");
        let d = refused_create(detail).await;
        assert_eq!(
            d.detail.contains(
                "A MACsec interface named \"macsec-a\" is already on the router: import it"
            ),
            *duplicate,
            "{detail:?}: {}",
            d.detail
        );
        assert!(d.detail.contains(detail.trim()), "{detail:?}: {}", d.detail);
    }
}

/// RouterOS's words for a port that already carries a MACsec interface are
/// not known (DESIGN.md, "Facts: errors the provider interprets"), so the
/// plan checks the port itself and names the MACsec interface on it.
#[tokio::test]
async fn a_macsec_interface_planned_on_a_port_that_carries_another_is_a_plan_error() {
    let router = Arc::new(LosingReplies {
        rows: Mutex::new(vec![
            rec(&[(".id", "*1"), ("name", "ether1"), ("type", "ether")]),
            rec(&[(".id", "*2"), ("name", "macsec-b"), ("interface", "ether1")]),
        ]),
        ..Default::default()
    });
    let client = Client::with_transport(Box::new(router.clone()))
        .await
        .unwrap();
    let ctx = Ctx {
        client: Arc::new(Configured::from_environment(client)),
        schema: Arc::new(crate::plugin::schema::Served::new(
            Row(MacsecInterface).schema(),
        )),
        terraform_version: String::new(),
        write_only_allowed: false,
    };
    let config = Value::Object(
        [
            ("name".to_string(), Value::string("macsec-a")),
            ("interface".to_string(), Value::string("ether1")),
        ]
        .into(),
    );
    let mut planned = config.clone();
    let input = PlanInput {
        prior_state: &Value::Null,
        config: &config,
        proposed: &config,
    };
    let mut diags = Diagnostics::new();
    Row(MacsecInterface)
        .modify_plan(&ctx, &input, &mut planned, &mut Private::new(), &mut diags)
        .await;
    let d = diags
        .0
        .iter()
        .find(|d| d.summary == "Port \"ether1\" already carries a MACsec interface")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(d.detail.contains("\"macsec-b\""), "{}", d.detail);
    assert_eq!(d.attribute.as_ref().unwrap().to_string(), "interface");
    assert_eq!(router.adds.load(Ordering::SeqCst), 0);
}

/// Regression: after a router loaded a backup, its MACsec interface came
/// back under a new `.id` and the read reported it deleted (the plan after a
/// restore wanted to create it again). It is found by its name, and the new
/// `.id` goes into state; a row with neither the `.id` nor the name is gone.
#[tokio::test]
async fn a_row_under_a_new_id_after_a_restore_is_found_by_its_name() {
    let router = Arc::new(LosingReplies::default());
    router.rows.lock().unwrap().push(rec(&[
        (".id", "*2A"),
        ("name", "macsec1"),
        ("interface", "ether1"),
        ("mtu", "1468"),
    ]));
    let client = Client::with_transport(Box::new(router)).await.unwrap();
    let prior = MacsecInterfaceModel {
        id: Some("*7".into()),
        name: "macsec1".into(),
        interface: "ether1".into(),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let row = read::<MacsecInterface>(&client, &prior, &mut diags).await;
    assert_eq!(row.expect("found by name")[".id"], "*2A");
    let gone = MacsecInterfaceModel {
        name: "macsec9".into(),
        ..prior
    };
    assert!(
        read::<MacsecInterface>(&client, &gone, &mut diags)
            .await
            .is_none()
    );
    assert!(!diags.has_error());
}
