//! Tests of the protocol conversions.

use super::convert::*;
use super::*;
use crate::diag::{AttributePath, Diagnostic};
use crate::schema::Nesting;
use crate::schema::{Attribute, Block, NestedBlock, Schema};
use crate::value::Value;

fn attr(name: &str, ty: Type) -> Attribute {
    Attribute {
        name: name.into(),
        ty: Some(ty),
        ..Default::default()
    }
}

#[test]
fn schema_converts_with_compact_json_types_and_flags() {
    let schema = Schema {
        version: 2,
        block: Block {
            attributes: vec![
                Attribute {
                    required: true,
                    description: "The *name*.".into(),
                    ..attr("name", Type::String)
                },
                Attribute {
                    optional: true,
                    sensitive: true,
                    write_only: true,
                    ..attr("tags", Type::Map(Box::new(Type::String)))
                },
                Attribute {
                    computed: true,
                    deprecated: Some("Use `name`.".into()),
                    ..attr("ports", Type::List(Box::new(Type::Number)))
                },
                Attribute {
                    ty: None,
                    optional: true,
                    ..Default::default()
                },
            ],
            block_types: vec![NestedBlock {
                type_name: "rule".into(),
                block: Block {
                    attributes: vec![attr("on", Type::Bool)],
                    ..Default::default()
                },
                nesting: Nesting::Set,
                min_items: 1,
                max_items: 3,
            }],
            description: "A thing.".into(),
            deprecated: None,
        },
    };
    let p = schema_to_proto(&schema);
    assert_eq!(p.version, 2);
    let b = p.block.unwrap();
    assert_eq!(b.description, "A thing.");
    assert_eq!(b.description_kind, pb::StringKind::Markdown as i32);
    assert!(!b.deprecated);
    let name = &b.attributes[0];
    assert_eq!(name.r#type, br#""string""#);
    assert!(name.required && !name.optional && !name.computed);
    assert_eq!(name.description, "The *name*.");
    assert_eq!(name.description_kind, pb::StringKind::Markdown as i32);
    let tags = &b.attributes[1];
    assert_eq!(tags.r#type, br#"["map","string"]"#);
    assert!(tags.sensitive && tags.write_only && tags.optional);
    let ports = &b.attributes[2];
    assert_eq!(ports.r#type, br#"["list","number"]"#);
    assert!(ports.deprecated);
    assert_eq!(ports.deprecation_message, "Use `name`.");
    assert_eq!(b.attributes[3].r#type, br#""dynamic""#);
    let nb = &b.block_types[0];
    assert_eq!(nb.type_name, "rule");
    assert_eq!(
        nb.nesting,
        pb::schema::nested_block::NestingMode::Set as i32
    );
    assert_eq!((nb.min_items, nb.max_items), (1, 3));
    assert_eq!(
        nb.block.as_ref().unwrap().attributes[0].r#type,
        br#""bool""#
    );
}

#[test]
fn object_types_are_compact_json_with_sorted_keys() {
    let ty = Type::Object(vec![
        ("a".into(), Type::String),
        ("b".into(), Type::Set(Box::new(Type::Bool))),
    ]);
    assert_eq!(
        type_bytes(&Some(ty)),
        br#"["object",{"a":"string","b":["set","bool"]}]"#
    );
}

#[test]
fn diagnostics_carry_severity_and_path_steps() {
    use pb::attribute_path::step::Selector;
    let mut diags = Diagnostics::new();
    diags.push(
        Diagnostic::error("bad", "fix it")
            .at(AttributePath::root("rules").index(2).key("k").attr("x")),
    );
    diags.push(Diagnostic::warning("meh", "ok"));
    let p = diagnostics_to_proto(&diags);
    assert_eq!(p[0].severity, pb::diagnostic::Severity::Error as i32);
    assert_eq!(
        (p[0].summary.as_str(), p[0].detail.as_str()),
        ("bad", "fix it")
    );
    let steps: Vec<_> = p[0]
        .attribute
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .map(|s| s.selector.clone().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            Selector::AttributeName("rules".into()),
            Selector::ElementKeyInt(2),
            Selector::ElementKeyString("k".into()),
            Selector::AttributeName("x".into()),
        ]
    );
    assert_eq!(p[1].severity, pb::diagnostic::Severity::Warning as i32);
    assert!(p[1].attribute.is_none());
}

#[test]
fn absent_client_capabilities_mean_none() {
    let caps = client_capabilities(None);
    assert!(!caps.deferral_allowed && !caps.write_only_attributes_allowed);
    let caps = client_capabilities(Some(&pb::ClientCapabilities {
        deferral_allowed: false,
        write_only_attributes_allowed: true,
    }));
    assert!(caps.write_only_attributes_allowed && !caps.deferral_allowed);
}

#[test]
fn absent_or_empty_dynamic_value_is_null() {
    assert_eq!(decode_value(None, &Type::String, "x"), Ok(Value::Null));
    assert_eq!(
        decode_value(Some(&pb::DynamicValue::default()), &Type::String, "x"),
        Ok(Value::Null)
    );
}

#[test]
fn capabilities_announce_destroy_planning_optional_schema_and_config_generation() {
    let c = server_capabilities();
    assert!(c.plan_destroy);
    assert!(c.get_provider_schema_optional && !c.move_resource_state);
    assert!(c.generate_resource_config);
}

/// A launch answering one validation built every schema the provider has
/// at its first call; it must build only the one it is asked about.
#[tokio::test]
async fn validating_one_resource_type_builds_only_its_schema() {
    use crate::testing::{THING_TYPE as THING, TestProvider};
    let engine = Arc::new(Engine::new(TestProvider::new()));
    let service = ProviderService::new(Arc::clone(&engine));
    let resp = service
        .handle_validate_resource_type_config(Request::new(
            pb::validate_resource_type_config::Request {
                type_name: THING.to_string(),
                config: None,
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    assert!(resp.into_inner().diagnostics.is_empty());
    assert_eq!(engine.built_schemas(), [(1, THING.to_string())]);
    // The provider's own schema is built when a call needs it.
    let _ = service.provider_type();
    assert_eq!(engine.built_schemas().len(), 2);
}
