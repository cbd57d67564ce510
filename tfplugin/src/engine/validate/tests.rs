//! Tests of The validation RPCs.

use crate::engine::fixture::*;

#[tokio::test]
async fn validation_checks_schema_then_hook() {
    let e = engine(Mode::Good).await;
    assert!(
        e.validate_resource_config(WIDGET_TYPE, config(), caps())
            .await
            .is_empty()
    );
    // Unknowns are fine, and count as present.
    let mut cfg = config();
    cfg.set("name", Value::unknown());
    cfg.set("port", Value::unknown());
    assert!(
        e.validate_resource_config(WIDGET_TYPE, cfg, caps())
            .await
            .is_empty()
    );
    // Missing required, computed-only set, hook error: each at its attribute.
    let mut cfg = config();
    cfg.set("port", Value::Null);
    cfg.set("id", Value::string("*9"));
    cfg.set("name", Value::string("bad"));
    let errs = errors(&e.validate_resource_config(WIDGET_TYPE, cfg, caps()).await);
    assert_eq!(
        errs,
        [
            (
                "Value for unconfigurable attribute".to_string(),
                "id".to_string()
            ),
            ("Missing required argument".to_string(), "port".to_string()),
            ("Bad name".to_string(), "name".to_string()),
        ]
    );
    // Write-only needs a client that supports it.
    let old_tf = ClientCapabilities::default();
    let errs = errors(
        &e.validate_resource_config(WIDGET_TYPE, config(), old_tf)
            .await,
    );
    assert_eq!(
        errs,
        [(
            "Write-only attribute not supported".to_string(),
            "secret".to_string()
        )]
    );
    // Provider and data source configs.
    let (cfg, d) = e
        .validate_provider_config(Value::Object(BTreeMap::new()))
        .await;
    assert!(d.is_empty());
    assert_eq!(cfg, Value::Object(BTreeMap::new()));
    let d = e
        .validate_data_source_config(
            INFO_TYPE,
            Value::Object([("count".into(), Value::int(1))].into()),
        )
        .await;
    assert_eq!(
        errors(&d),
        [
            (
                "Value for unconfigurable attribute".to_string(),
                "count".to_string()
            ),
            ("Missing required argument".to_string(), "name".to_string()),
        ]
    );
}
