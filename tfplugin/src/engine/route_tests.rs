//! Tests of the route attribute (see [`crate::resource::Route`]): the
//! fake provider built with [`TestProvider::routed`] has the lanes `a`
//! and `b`, picked by the attribute `lane`.

use crate::engine::fixture::*;
use crate::testing::LANE;

async fn routed() -> Engine<TestProvider> {
    let e = Engine::new(TestProvider::routed());
    let d = e
        .configure(Value::Object(BTreeMap::new()), "1.15.5", caps())
        .await;
    assert!(d.is_empty(), "{d:?}");
    e
}

/// The widget configuration of the fixture on lane `lane`.
fn on_lane(lane: Value) -> Value {
    let mut c = config();
    if let Value::Object(m) = &mut c {
        m.insert(LANE.into(), lane);
    }
    c
}

fn widgets_on(e: &Engine<TestProvider>, lane: Option<&str>) -> Vec<String> {
    let p = e.provider();
    let client = match lane {
        Some(l) => p.lane(l).unwrap(),
        None => std::sync::Arc::new(p.client()),
    };
    let widgets = client.widgets.lock().unwrap();
    widgets.keys().cloned().collect()
}

#[test]
fn every_schema_gets_the_route_attribute_and_only_a_resource_is_replaced_by_it() {
    let e = Engine::new(TestProvider::routed());
    let s = e.schemas();
    let lane = |block: &Block| {
        block
            .attributes
            .iter()
            .find(|a| a.name == LANE)
            .map(|a| (a.optional, a.required, a.requires_replace, a.ty.clone()))
    };
    for (name, schema) in &s.resources {
        assert_eq!(
            lane(&schema.block),
            Some((true, false, true, Some(Type::String))),
            "{name}"
        );
    }
    for schema in s
        .data_sources
        .values()
        .chain(s.ephemeral_resources.values())
    {
        assert_eq!(
            lane(&schema.block),
            Some((true, false, false, Some(Type::String)))
        );
    }
    for schema in e.action_schemas().values() {
        assert_eq!(
            lane(&schema.block),
            Some((true, false, false, Some(Type::String)))
        );
    }
    // Without a route nothing is added.
    let plain = Engine::new(TestProvider::new()).schemas();
    assert!(plain.resources.values().all(|s| lane(&s.block).is_none()));
}

#[tokio::test]
async fn a_widget_on_lane_a_is_made_read_and_deleted_there_and_its_state_records_the_lane() {
    let e = routed().await;
    let config = on_lane(Value::string("a"));
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &config, Vec::new()))
        .await;
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    let applied = e
        .apply_resource_change(apply_req(
            &Value::Null,
            &plan.planned_state,
            &config,
            plan.planned_private,
        ))
        .await;
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    assert_eq!(applied.new_state.get_str(LANE), Some("a"));
    assert_eq!(widgets_on(&e, Some("a")), ["*1"]);
    assert!(widgets_on(&e, Some("b")).is_empty());
    assert!(widgets_on(&e, None).is_empty());

    // The read goes to lane a: routed elsewhere it would find nothing
    // and return null.
    let (read, _, d) = e
        .read_resource(
            WIDGET_TYPE,
            applied.new_state.clone(),
            applied.private.clone(),
            caps(),
        )
        .await;
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(read.get_str("id"), Some("*1"));
    assert_eq!(read.get_str(LANE), Some("a"));

    // Moving it to lane b replaces it.
    let moved = on_lane(Value::string("b"));
    let plan = e
        .plan_resource_change(plan_req(&read, &moved, Vec::new()))
        .await;
    assert_eq!(
        plan.requires_replace
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        [LANE]
    );

    // Destroy goes where the object is.
    let gone = e
        .apply_resource_change(apply_req(&read, &Value::Null, &Value::Null, Vec::new()))
        .await;
    assert!(gone.diagnostics.is_empty(), "{:?}", gone.diagnostics);
    assert!(widgets_on(&e, Some("a")).is_empty());
}

#[tokio::test]
async fn an_unknown_lane_is_an_error_at_the_attribute_and_so_is_one_not_known_yet() {
    let e = routed().await;
    let plan = e
        .plan_resource_change(plan_req(
            &Value::Null,
            &on_lane(Value::string("c")),
            Vec::new(),
        ))
        .await;
    assert_eq!(
        errors(&plan.diagnostics),
        [("No lane named \"c\"".to_string(), LANE.to_string())]
    );
    let plan = e
        .plan_resource_change(plan_req(
            &Value::Null,
            &on_lane(Value::unknown()),
            Vec::new(),
        ))
        .await;
    assert_eq!(
        errors(&plan.diagnostics),
        [("`lane` is not known yet".to_string(), LANE.to_string())]
    );
}

#[tokio::test]
async fn an_import_id_starting_with_a_lane_goes_to_that_lane_and_any_other_id_whole_to_the_default()
{
    let e = routed().await;
    let (imported, d) = e.import_resource_state(WIDGET_TYPE, "b/*7", caps()).await;
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(imported[0].state.get_str("id"), Some("*7"));
    assert_eq!(imported[0].state.get_str(LANE), Some("b"));
    // `x` is no lane: the id is the default lane's, whole.
    let (imported, d) = e.import_resource_state(WIDGET_TYPE, "x/*7", caps()).await;
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(imported[0].state.get_str("id"), Some("x/*7"));
    assert_eq!(imported[0].state.get(LANE), Some(&Value::Null));
}

#[tokio::test]
async fn a_data_source_reads_on_its_lane_and_its_result_records_it() {
    let e = routed().await;
    create(&e).await; // one widget on the default lane
    let cfg = |lane: Value| Value::object(&[("name", Value::string("n")), (LANE, lane)]);
    let (v, d) = e
        .read_data_source(INFO_TYPE, cfg(Value::string("a")), caps())
        .await;
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(v.get("count"), Some(&Value::int(0)));
    assert_eq!(v.get_str(LANE), Some("a"));
    let (v, _) = e
        .read_data_source(INFO_TYPE, cfg(Value::Null), caps())
        .await;
    assert_eq!(v.get("count"), Some(&Value::int(1)));
}
