//! Tests of UpgradeResourceState, ReadResource and ReadDataSource.

use crate::engine::fixture::*;

#[tokio::test]
async fn read_refreshes_and_returns_null_when_gone() {
    let e = engine(Mode::Good).await;
    let (state, private) = create(&e).await;
    let (read, p, d) = e
        .read_resource(WIDGET_TYPE, state.clone(), private.clone(), caps())
        .await;
    assert!(d.is_empty());
    assert!(read.equivalent(&state));
    assert_eq!(p, private, "private passed through");
    // Drift is reported as the router has it.
    e.configured
        .read()
        .await
        .as_ref()
        .unwrap()
        .configured
        .widgets
        .lock()
        .unwrap()
        .get_mut("*1")
        .unwrap()
        .mtu = Some(9000);
    let (read, _, _) = e
        .read_resource(WIDGET_TYPE, state.clone(), private.clone(), caps())
        .await;
    assert_eq!(read.get_i64("mtu"), Some(9000));
    // Gone: null, no error.
    e.configured
        .read()
        .await
        .as_ref()
        .unwrap()
        .configured
        .widgets
        .lock()
        .unwrap()
        .clear();
    let (read, _, d) = e
        .read_resource(WIDGET_TYPE, state, Vec::new(), caps())
        .await;
    assert!(read.is_null());
    assert!(d.is_empty());
    // Null in, null out.
    let (read, _, d) = e
        .read_resource(WIDGET_TYPE, Value::Null, Vec::new(), caps())
        .await;
    assert!(read.is_null() && d.is_empty());
}

#[tokio::test]
async fn upgrade_state_reshapes_old_json() {
    let e = engine(Mode::Good).await;
    let old =
        br#"{"id":"*1","name":"m1","port":"ether1","mtu":"1468","removed_attr":true,"secret":"x"}"#;
    let (v, d) = e.upgrade_resource_state(WIDGET_TYPE, 0, old).await;
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(v.get_str("id"), Some("*1"));
    assert_eq!(v.get_i64("mtu"), Some(1468));
    assert_eq!(v.get("comment"), Some(&Value::Null));
    assert_eq!(v.get("secret"), Some(&Value::Null));
    assert!(v.get("removed_attr").is_none());
    assert!(check_type(&v, &widget_type()).is_ok());
    let (_, d) = e.upgrade_resource_state(WIDGET_TYPE, 0, b"{oops").await;
    assert!(errors(&d)[0].0.contains("not valid JSON"));
    let (_, d) = e.upgrade_resource_state(WIDGET_TYPE, 5, b"{}").await;
    assert!(errors(&d)[0].0.contains("newer provider"));
    let (_, d) = e
        .upgrade_resource_state(WIDGET_TYPE, 1, br#"{"mtu":"lots"}"#)
        .await;
    assert!(errors(&d)[0].0.contains("does not fit"));
}

#[tokio::test]
async fn data_source_result_is_shaped() {
    let e = engine(Mode::Good).await;
    create(&e).await;
    let cfg = Value::Object(
        [
            ("name".into(), Value::string("x")),
            ("count".into(), Value::Null),
        ]
        .into(),
    );
    let (v, d) = e.read_data_source(INFO_TYPE, cfg, caps()).await;
    assert!(d.is_empty());
    assert_eq!(v.get_i64("count"), Some(1));
    assert_eq!(v.get_str("name"), Some("x"));
}
