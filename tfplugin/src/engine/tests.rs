//! Tests of The engine itself: schemas, the configured provider, unknown type names.

use crate::engine::fixture::*;

#[test]
fn schemas_cover_provider_resources_and_data_sources() {
    let e = Engine::new(TestProvider::with_mode(Mode::Good));
    let s = e.schemas();
    assert_eq!(
        s.provider.block.description,
        "Fake provider for testing the plugin layer."
    );
    assert_eq!(
        s.resources.keys().collect::<Vec<_>>(),
        [crate::testing::THING_TYPE, WIDGET_TYPE]
    );
    assert_eq!(s.resources[WIDGET_TYPE].version, 1);
    assert_eq!(s.data_sources.keys().collect::<Vec<_>>(), [INFO_TYPE]);
    assert!(e.resource_schema(WIDGET_TYPE).is_some());
    assert!(e.resource_schema("nope").is_none());
    assert!(e.data_source_schema(INFO_TYPE).is_some());
}

#[tokio::test]
async fn resource_calls_before_configure_say_so() {
    let e = Engine::new(TestProvider::with_mode(Mode::Good));
    let plan = e
        .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
        .await;
    assert_eq!(
        errors(&plan.diagnostics),
        [("Provider not configured".to_string(), String::new())]
    );
    let (_, _, d) = e
        .read_resource(
            WIDGET_TYPE,
            obj(&[("id", Value::string("*1"))]),
            Vec::new(),
            caps(),
        )
        .await;
    assert!(d.has_error());
    // A failed configure leaves it unconfigured, with the provider's diagnostic.
    let d = e
        .configure(
            // A directory is no store file.
            Value::Object([("store_file".into(), Value::string("/"))].into()),
            "1.15.5",
            caps(),
        )
        .await;
    assert_eq!(
        errors(&d),
        [(
            "Cannot read the store file".to_string(),
            "store_file".to_string()
        )]
    );
    let (_, d) = e.import_resource_state(WIDGET_TYPE, "*1", caps()).await;
    assert_eq!(errors(&d)[0].0, "Provider not configured");
}

#[tokio::test]
async fn unknown_type_names_are_diagnostics() {
    let e = engine(Mode::Good).await;
    let mut req = plan_req(&Value::Null, &config(), Vec::new());
    req.type_name = "test_nope".into();
    let plan = e.plan_resource_change(req).await;
    assert!(
        errors(&plan.diagnostics)[0]
            .0
            .contains("Unknown resource type \"test_nope\"")
    );
    assert!(
        e.validate_resource_config("test_nope", Value::Null, caps())
            .await
            .has_error()
    );
    assert!(
        e.validate_data_source_config("test_nope", Value::Null)
            .await
            .has_error()
    );
    assert!(
        e.read_data_source("test_nope", Value::Null, caps())
            .await
            .1
            .has_error()
    );
    assert!(
        e.upgrade_resource_state("test_nope", 0, b"{}")
            .await
            .1
            .has_error()
    );
    assert!(
        e.import_resource_state("test_nope", "x", caps())
            .await
            .1
            .has_error()
    );
    let mut a = apply_req(&Value::Null, &config(), &config(), Vec::new());
    a.type_name = "test_nope".into();
    assert!(e.apply_resource_change(a).await.diagnostics.has_error());
}
