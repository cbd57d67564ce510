//! Tests of The ephemeral resource RPCs.

use crate::engine::fixture::*;

fn echo(input: Value) -> Value {
    let ty = echo_type();
    conform(
        Value::Object([("input".to_string(), input)].into_iter().collect()),
        &ty,
    )
}

#[tokio::test]
async fn ephemeral_resource_is_listed_and_opened() {
    let e = engine(Mode::Good).await;
    let schemas = e.schemas();
    assert!(schemas.ephemeral_resources.contains_key(ECHO_TYPE));
    assert!(e.ephemeral_resource_schema(ECHO_TYPE).is_some());
    let (v, d) = e
        .open_ephemeral_resource(ECHO_TYPE, echo(Value::string("abc")), caps())
        .await;
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(v.get_str("output"), Some("cba"));
    assert!(e.close_ephemeral_resource(ECHO_TYPE).await.is_empty());
}

#[tokio::test]
async fn ephemeral_resource_with_unknown_config_is_not_opened() {
    let e = engine(Mode::Good).await;
    let (v, d) = e
        .open_ephemeral_resource(ECHO_TYPE, echo(Value::unknown()), caps())
        .await;
    assert!(d.is_empty(), "{d:?}");
    assert!(v.get("output").is_some_and(Value::is_unknown));
    let (v, _) = e
        .open_ephemeral_resource(ECHO_TYPE, echo(Value::string("x")), caps())
        .await;
    assert_eq!(v.get_str("output"), Some("x"));
    // Only the second call reached the resource.
    let configured = e.configured.read().await;
    let log = configured
        .as_ref()
        .unwrap()
        .configured
        .log
        .lock()
        .unwrap()
        .clone();
    assert_eq!(log.iter().filter(|l| *l == "open").count(), 1);
}

#[tokio::test]
async fn ephemeral_resource_errors_and_validation() {
    let e = engine(Mode::Good).await;
    let (v, d) = e
        .open_ephemeral_resource(ECHO_TYPE, echo(Value::string("fail")), caps())
        .await;
    assert!(v.is_null());
    assert!(d.has_error());
    let d = e
        .validate_ephemeral_resource_config(ECHO_TYPE, echo(Value::string("")))
        .await;
    assert!(d.has_error());
    let d = e
        .validate_ephemeral_resource_config(ECHO_TYPE, echo(Value::unknown()))
        .await;
    assert!(d.is_empty(), "{d:?}");
    let d = e
        .validate_ephemeral_resource_config("test_nope", echo(Value::string("x")))
        .await;
    assert!(d.has_error());
    assert!(e.close_ephemeral_resource("test_nope").await.has_error());
}

#[tokio::test]
async fn ephemeral_resource_needs_a_configured_provider() {
    let e = Engine::new(TestProvider::with_mode(Mode::Good));
    let (v, d) = e
        .open_ephemeral_resource(ECHO_TYPE, echo(Value::string("x")), caps())
        .await;
    assert!(v.is_null());
    assert!(d.has_error());
}
