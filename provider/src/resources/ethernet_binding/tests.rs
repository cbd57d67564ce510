//! Tests of `routeros_macsec_ethernet_binding`.

use super::*;
use std::sync::{Arc, Mutex};

use crate::plugin::resource::Resource;
use crate::resources::row::Row;
use crate::routeros::{Error, Transport};

fn rec(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn port_row() -> Record {
    rec(&[
        (".id", "*1"),
        ("name", "ether1"),
        ("mtu", "1500"),
        ("l2mtu", "1598"),
        ("disabled", "true"),
        ("mac-address", "02:00:00:00:00:01"),
    ])
}

fn binding(mtu: Option<i64>, l2mtu: Option<i64>, disabled: bool) -> EthernetBindingModel {
    EthernetBindingModel {
        id: None,
        ethernet: "ether1".into(),
        macsec_interface: "macsec1".into(),
        disabled: Some(disabled),
        mtu,
        l2mtu,
        mac_address: None,
    }
}

#[test]
fn only_set_attributes_are_wanted_and_only_differences_sent() {
    let b = binding(None, Some(1600), false);
    assert_eq!(b.desired(), rec(&[("disabled", "no"), ("l2mtu", "1600")]));
    assert_eq!(
        changes(&b.desired(), &port_row()),
        rec(&[("disabled", "no"), ("l2mtu", "1600")])
    );
    // RouterOS prints booleans as true/false: no change when they agree.
    let same = binding(Some(1500), Some(1598), true);
    assert!(changes(&same.desired(), &port_row()).is_empty());
}

#[test]
fn originals_are_recorded_once_and_never_overwritten() {
    let mut originals = Originals::new();
    record_originals(
        &mut originals,
        &binding(None, Some(1600), false).desired(),
        &port_row(),
    );
    assert_eq!(originals, rec(&[("disabled", "yes"), ("l2mtu", "1598")]));
    // Later the port shows the binding's values; mtu becomes managed now.
    let mut changed = port_row();
    changed.insert("l2mtu".into(), "1600".into());
    changed.insert("disabled".into(), "false".into());
    changed.insert("mtu".into(), "1400".into());
    record_originals(
        &mut originals,
        &binding(Some(1500), Some(1600), false).desired(),
        &changed,
    );
    assert_eq!(
        originals,
        rec(&[("disabled", "yes"), ("l2mtu", "1598"), ("mtu", "1400")])
    );
}

#[test]
fn attributes_no_longer_managed_are_released() {
    let mut originals = rec(&[("disabled", "yes"), ("l2mtu", "1598"), ("mtu", "1400")]);
    let back = released(&mut originals, &binding(None, Some(1600), false).desired());
    assert_eq!(back, rec(&[("mtu", "1400")]));
    assert_eq!(originals, rec(&[("disabled", "yes"), ("l2mtu", "1598")]));
}

#[test]
fn originals_round_trip_through_private_state() {
    let mut private = Private::new();
    let originals = rec(&[("disabled", "no"), ("mtu", "1500")]);
    store_originals(&mut private, &originals);
    assert_eq!(originals_of(&private), originals);
    store_originals(&mut private, &Originals::new());
    assert!(private.is_empty());
    private.insert(PRIVATE_ORIGINAL.into(), serde_json::json!("garbage"));
    assert!(originals_of(&private).is_empty());
}

#[test]
fn unmanaged_sizes_are_not_read_back() {
    let managed = Some(vec!["l2mtu".to_string()]);
    let m = from_record(&port_row(), &binding(Some(1400), Some(1), false), &managed).unwrap();
    assert_eq!(
        m.mtu,
        Some(1400),
        "mtu is not managed: a change on the router is no drift"
    );
    let m = from_record(&port_row(), &binding(None, Some(1), false), &managed).unwrap();
    assert_eq!(m.mtu, Some(1500), "an unknown unmanaged size is the port's");
    assert_eq!(m.l2mtu, Some(1598));
    assert_eq!(m.disabled, Some(true));
    assert_eq!(m.id.as_deref(), Some("*1"));
    assert_eq!(m.mac_address.as_deref(), Some("02:00:00:00:00:01"));
    assert_eq!(m.macsec_interface, "macsec1");
}

#[test]
fn frames_that_do_not_fit_warn_with_the_numbers() {
    assert!(frame_fit_warning("ether1", "macsec1", 1468, 1500, false).is_none());
    let w = frame_fit_warning("ether1", "macsec1", 1500, 1500, true).unwrap();
    assert!(
        w.detail.contains("1532") && w.detail.contains("will be 1500"),
        "{}",
        w.detail
    );
    assert!(w.detail.contains("macsec1") && w.detail.contains("ether1"));
}

#[test]
fn a_mismatch_names_both_ports() {
    let d = mismatch_error("ether1", "macsec1", "ether2");
    assert!(
        d.detail.contains("\"ether1\"")
            && d.detail.contains("\"ether2\"")
            && d.detail.contains("macsec1")
    );
    assert_eq!(d.attribute.unwrap().to_string(), "macsec_interface");
}

#[test]
fn a_port_that_is_not_ethernet_is_told_apart_from_a_missing_one() {
    let all = vec![
        rec(&[("name", "ether2"), ("type", "ether")]),
        rec(&[("name", "ether1"), ("type", "ether")]),
        rec(&[("name", "macsec1"), ("type", "macsec")]),
    ];
    let d = not_a_port("r", "macsec1", &all, None);
    assert_eq!(d.summary, "Not an Ethernet port");
    assert!(d.detail.contains("\"macsec\""));
    let d = not_a_port("r", "ether9", &all, Some("ethernet"));
    assert_eq!(d.summary, "No such Ethernet port");
    assert!(d.detail.contains("ether1, ether2"), "{}", d.detail);
}

#[test]
fn sizes_are_checked_without_the_router() {
    let cfg = |mtu: i64, l2mtu: i64| {
        let mut v = Value::Object(Default::default());
        v.set("mtu", Value::int(mtu));
        v.set("l2mtu", Value::int(l2mtu));
        let mut d = Diagnostics::new();
        check_sizes(&v, &mut d);
        d.0.into_iter().map(|d| d.summary).collect::<Vec<_>>()
    };
    assert!(cfg(1500, 1600).is_empty());
    assert_eq!(cfg(1700, 1600), ["mtu larger than l2mtu"]);
    assert_eq!(cfg(10, 1600), ["mtu out of range"]);
}

// ----- the whole lifecycle against an in-memory router -----

#[derive(Default)]
struct Fake {
    menus: Mutex<BTreeMap<String, Vec<Record>>>,
}

struct FakeTransport(Arc<Fake>);

#[async_trait]
impl Transport for FakeTransport {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        Ok(self
            .0
            .menus
            .lock()
            .unwrap()
            .get(menu)
            .cloned()
            .unwrap_or_default())
    }
    async fn get(&self, _menu: &str) -> Result<Record, Error> {
        Ok(rec(&[("version", "7.18 (stable)")]))
    }
    async fn add(&self, _: &str, _: &Record) -> Result<Record, Error> {
        unreachable!("a binding never adds")
    }
    async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
        let mut menus = self.0.menus.lock().unwrap();
        // A port's values show in /interface too, as on RouterOS.
        let targets: &[&str] = if menu == MENU {
            &[MENU, INTERFACE_MENU]
        } else {
            &[menu]
        };
        for m in targets {
            let row = menus
                .get_mut(*m)
                .and_then(|rows| {
                    rows.iter_mut()
                        .find(|r| r.get(".id").map(String::as_str) == Some(id))
                })
                .expect("set on an existing row");
            for (k, v) in attrs {
                let printed = match v.as_str() {
                    "yes" => "true",
                    "no" => "false",
                    other => other,
                };
                row.insert(k.clone(), printed.to_string());
            }
        }
        Ok(menus[menu]
            .iter()
            .find(|r| r.get(".id").map(String::as_str) == Some(id))
            .cloned()
            .expect("set on an existing row"))
    }
    async fn remove(&self, _: &str, _: &str) -> Result<(), Error> {
        unreachable!("a binding never removes")
    }
    async fn command(&self, _: &str, _: &Record) -> Result<Vec<Record>, Error> {
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "fake"
    }
}

async fn fixture() -> (Arc<Fake>, Ctx<Configured>) {
    let fake = Arc::new(Fake::default());
    {
        let mut menus = fake.menus.lock().unwrap();
        let mut iface = port_row();
        iface.insert("type".into(), "ether".into());
        iface.insert("max-l2mtu".into(), "9578".into());
        menus.insert(
            INTERFACE_MENU.into(),
            vec![
                iface,
                rec(&[(".id", "*9"), ("name", "macsec1"), ("type", "macsec")]),
            ],
        );
        menus.insert(MENU.into(), vec![port_row()]);
        menus.insert(
            MACSEC_MENU.into(),
            vec![rec(&[
                (".id", "*9"),
                ("name", "macsec1"),
                ("interface", "ether1"),
                ("mtu", "1468"),
            ])],
        );
    }
    let client = crate::routeros::Client::with_transport(Box::new(FakeTransport(fake.clone())))
        .await
        .unwrap();
    let ctx = Ctx {
        client: Arc::new(Configured::from_environment(client)),
        schema: std::sync::Arc::new(crate::plugin::schema::Served::new(
            crate::plugin::resource::Resource::schema(&Row(EthernetBinding)),
        )),
        terraform_version: String::new(),
        write_only_allowed: false,
    };
    (fake, ctx)
}

fn port_now(fake: &Fake) -> Record {
    fake.menus.lock().unwrap()[MENU][0].clone()
}

fn value(m: &EthernetBindingModel) -> Value {
    crate::plugin::resource::value_of(
        m,
        &crate::plugin::schema::Served::new(Row(EthernetBinding).schema()),
        &mut Diagnostics::new(),
    )
    .unwrap()
}

#[tokio::test]
async fn create_update_and_destroy_give_the_port_back_as_found() {
    let (fake, ctx) = fixture().await;
    let r = Row(EthernetBinding);
    let mut private = Private::new();
    let mut diags = Diagnostics::new();

    // Create: enable the port and raise l2mtu; mtu is not managed.
    let plan = binding(None, Some(1600), false);
    let state = r
        .create(&ctx, &value(&plan), &Value::Null, &mut private, &mut diags)
        .await
        .unwrap();
    assert!(diags.0.is_empty(), "{diags:?}");
    let port = port_now(&fake);
    assert_eq!(
        (port["disabled"].as_str(), port["l2mtu"].as_str()),
        ("false", "1600")
    );
    assert_eq!(
        originals_of(&private),
        rec(&[("disabled", "yes"), ("l2mtu", "1598")])
    );
    assert_eq!(state.get_str("id"), Some("*1"));

    // Someone changes mtu by hand; then the binding starts managing it.
    fake.menus.lock().unwrap().get_mut(MENU).unwrap()[0].insert("mtu".into(), "1400".into());
    ctx.client.invalidate(MENU);
    let prior = r
        .read(&ctx, &state, &mut private, &mut diags)
        .await
        .unwrap();
    assert_eq!(
        prior.get_i64("mtu"),
        Some(1500),
        "unmanaged mtu is no drift: state keeps the value last seen"
    );
    let plan = binding(Some(1500), Some(1600), false);
    let state = r
        .update(
            &ctx,
            &prior,
            &value(&plan),
            &Value::Null,
            &mut private,
            &mut diags,
        )
        .await
        .unwrap();
    assert!(diags.0.is_empty(), "{diags:?}");
    assert_eq!(port_now(&fake)["mtu"], "1500");
    assert_eq!(
        originals_of(&private),
        rec(&[("disabled", "yes"), ("l2mtu", "1598"), ("mtu", "1400")])
    );

    // Stop managing l2mtu: it goes back to what it was.
    let plan = binding(Some(1500), None, false);
    let state = r
        .update(
            &ctx,
            &state,
            &value(&plan),
            &Value::Null,
            &mut private,
            &mut diags,
        )
        .await
        .unwrap();
    assert_eq!(port_now(&fake)["l2mtu"], "1598");
    assert_eq!(
        originals_of(&private),
        rec(&[("disabled", "yes"), ("mtu", "1400")])
    );

    // Destroy restores the rest.
    r.delete(&ctx, &state, &private, &mut diags).await;
    assert!(diags.0.is_empty(), "{diags:?}");
    let port = port_now(&fake);
    assert_eq!(
        (
            port["disabled"].as_str(),
            port["mtu"].as_str(),
            port["l2mtu"].as_str()
        ),
        ("true", "1400", "1598")
    );
}

#[tokio::test]
async fn import_fills_the_stub_and_the_first_read_records_originals() {
    let (_fake, ctx) = fixture().await;
    let r = Row(EthernetBinding);
    let mut diags = Diagnostics::new();
    let stub = r.import(&ctx, "ether1", &mut diags).await.unwrap();
    assert_eq!(stub.get_str("macsec_interface"), Some("macsec1"));
    assert_eq!(stub.get_i64("l2mtu"), Some(1598));
    let mut private = Private::new();
    r.read(&ctx, &stub, &mut private, &mut diags).await.unwrap();
    assert_eq!(
        originals_of(&private),
        rec(&[("disabled", "yes")]),
        "sizes are recorded by the apply that first changes them"
    );

    let mut diags = Diagnostics::new();
    assert!(r.import(&ctx, "macsec1", &mut diags).await.is_none());
    assert_eq!(diags.0[0].summary, "Ethernet port not found");
}

#[tokio::test]
async fn create_refuses_a_macsec_interface_on_another_port() {
    let (fake, ctx) = fixture().await;
    fake.menus.lock().unwrap().get_mut(MACSEC_MENU).unwrap()[0]
        .insert("interface".into(), "ether2".into());
    let mut diags = Diagnostics::new();
    let out = Row(EthernetBinding)
        .create(
            &ctx,
            &value(&binding(None, None, false)),
            &Value::Null,
            &mut Private::new(),
            &mut diags,
        )
        .await;
    assert!(out.is_none());
    assert_eq!(
        diags.0[0].summary,
        "The MACsec interface rides on another port"
    );
    assert_eq!(port_now(&fake)["disabled"], "true", "nothing was changed");
}

/// Terraform's proposed new state for this binding.
fn terraform_plan(prior: &Value, config: &Value) -> Value {
    crate::resources::proposed_new_state(&Row(EthernetBinding).schema(), prior, config)
}

/// The configuration of a binding of ether1 to macsec1 with these sizes.
fn config_of(mtu: Option<i64>, l2mtu: Option<i64>) -> Value {
    let mut c = value(&binding(mtu, l2mtu, false));
    for attr in ["id", "mac_address"] {
        c.set(attr, Value::Null);
    }
    c
}

/// The state after `terraform import` of ether1 (import, then the read
/// Terraform makes), on a fresh router, with the private state.
async fn imported_binding() -> (Ctx<Configured>, Value, Private) {
    let (fake, ctx) = fixture().await;
    let r = Row(EthernetBinding);
    let mut diags = Diagnostics::new();
    // The port is enabled, as a port carrying MACsec is.
    fake.menus.lock().unwrap().get_mut(MENU).unwrap()[0].insert("disabled".into(), "false".into());
    let imported = r.import(&ctx, "ether1", &mut diags).await.unwrap();
    let mut private = Private::new();
    let state = r
        .read(&ctx, &imported, &mut private, &mut diags)
        .await
        .unwrap();
    assert!(diags.0.is_empty(), "{diags:?}");
    (ctx, state, private)
}

#[tokio::test]
async fn import_of_a_binding_then_plan_is_clean() {
    let r = Row(EthernetBinding);
    let (_, state, _) = imported_binding().await;
    let generated = r
        .generate_config(
            &crate::plugin::schema::Served::new(r.schema()),
            &state,
            &mut Diagnostics::new(),
        )
        .unwrap();
    for (what, config) in [
        ("the minimal block", config_of(None, None)),
        ("the port's sizes", config_of(Some(1500), Some(1598))),
        ("mtu only", config_of(Some(1500), None)),
        ("what -generate-config-out writes", generated),
    ] {
        let (ctx, state, mut private) = imported_binding().await;
        let mut planned = terraform_plan(&state, &config);
        let input = PlanInput {
            prior_state: &state,
            config: &config,
            proposed: &planned.clone(),
        };
        let mut diags = Diagnostics::new();
        r.modify_plan(&ctx, &input, &mut planned, &mut private, &mut diags)
            .await;
        assert!(diags.0.is_empty(), "{what}: {diags:?}");
        assert_eq!(planned, state, "{what}: the plan changes nothing");
    }
}

#[tokio::test]
async fn a_size_the_configuration_stops_setting_is_given_back() {
    let (fake, ctx) = fixture().await;
    let r = Row(EthernetBinding);
    let mut diags = Diagnostics::new();
    let mut private = Private::new();
    let config = config_of(None, Some(1600));
    let state = r
        .create(
            &ctx,
            &value(&binding(None, Some(1600), false)),
            &config,
            &mut private,
            &mut diags,
        )
        .await
        .unwrap();
    assert_eq!(
        state.get_i64("mtu"),
        Some(1500),
        "the port's mtu is reported"
    );
    assert_eq!(managed_of(&private), Some(vec!["l2mtu".to_string()]));
    // Unmanaged mtu changed by hand: no drift.
    fake.menus.lock().unwrap().get_mut(MENU).unwrap()[0].insert("mtu".into(), "1450".into());
    ctx.client.invalidate(MENU);
    let state = r
        .read(&ctx, &state, &mut private, &mut diags)
        .await
        .unwrap();
    assert_eq!(state.get_i64("mtu"), Some(1500));
    // l2mtu left out: the plan gives it back (unknown until apply).
    let config = config_of(None, None);
    let mut planned = terraform_plan(&state, &config);
    let input = PlanInput {
        prior_state: &state,
        config: &config,
        proposed: &planned.clone(),
    };
    r.modify_plan(&ctx, &input, &mut planned, &mut private, &mut diags)
        .await;
    assert!(
        planned.get("l2mtu").is_some_and(Value::is_unknown),
        "{planned:?}"
    );
    assert_eq!(planned.get_i64("mtu"), Some(1500));
    let after = r
        .update(&ctx, &state, &planned, &config, &mut private, &mut diags)
        .await
        .unwrap();
    assert!(diags.0.is_empty(), "{diags:?}");
    assert_eq!(port_now(&fake)["l2mtu"], "1598");
    assert_eq!(port_now(&fake)["mtu"], "1450", "mtu is not the binding's");
    assert_eq!(after.get_i64("l2mtu"), Some(1598));
    assert_eq!(after.get_i64("mtu"), Some(1500));
    assert_eq!(managed_of(&private), Some(Vec::new()));
}
