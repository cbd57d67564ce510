//! Tests of The configuration checks.

use crate::engine::fixture::*;

#[test]
fn write_only_error_on_old_clients_names_the_alternative() {
    use crate::schema::Attribute;
    let block = Block {
        attributes: vec![Attribute {
            name: "key_wo".into(),
            ty: Some(Type::String),
            optional: true,
            write_only: true,
            write_only_alternative: Some("`key_age`".into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    let config = Value::Object([("key_wo".to_string(), Value::string("k"))].into());
    let mut diags = Diagnostics::new();
    check_config(
        &block,
        &config,
        &AttributePath::default(),
        false,
        &mut diags,
    );
    assert!(diags.has_error());
    let detail = &diags.0[0].detail;
    assert!(
        detail.contains("Terraform 1.11") && detail.contains("use `key_age` instead"),
        "{detail}"
    );
    let mut diags = Diagnostics::new();
    check_config(&block, &config, &AttributePath::default(), true, &mut diags);
    assert!(diags.is_empty());
}

/// Regression: `mtu = 1.5` passed plan and failed apply as "Internal
/// error ... provider bug". A fraction for an integer attribute is now
/// a plan-time error naming the attribute.

#[test]
fn a_fraction_for_an_integer_attribute_is_an_error_at_that_attribute() {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    #[allow(dead_code)]
    struct M {
        /// An MTU.
        mtu: Option<i64>,
        /// A ratio.
        ratio: Option<f64>,
    }
    let schema = crate::schema::schema_from_model::<M>(0, "");
    let block = schema.block;
    assert!(block.attribute("mtu").unwrap().integer);
    assert!(!block.attribute("ratio").unwrap().integer);
    let config = Value::Object(
        [
            (
                "mtu".to_string(),
                Value::Number(crate::value::Number::Float(1.5)),
            ),
            (
                "ratio".to_string(),
                Value::Number(crate::value::Number::Float(1.5)),
            ),
        ]
        .into(),
    );
    let mut diags = Diagnostics::new();
    check_config(&block, &config, &AttributePath::default(), true, &mut diags);
    assert_eq!(diags.0.len(), 1, "{diags:?}");
    assert_eq!(diags.0[0].summary, "Not a whole number");
    assert_eq!(diags.0[0].attribute.as_ref().unwrap().to_string(), "mtu");
    assert!(
        diags.0[0].detail.contains("mtu = 1.5"),
        "{}",
        diags.0[0].detail
    );
    let whole = Value::Object(
        [(
            "mtu".to_string(),
            Value::Number(crate::value::Number::Float(1468.0)),
        )]
        .into(),
    );
    let mut diags = Diagnostics::new();
    check_config(&block, &whole, &AttributePath::default(), true, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
}
