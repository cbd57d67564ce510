//! Tests of `schema.rs`.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

fn default_mtu() -> Option<i64> {
    Some(1468)
}

fn no() -> Option<bool> {
    Some(false)
}

/// A nested struct.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Peer {
    /// Peer address.
    address: String,
    port: Option<u16>,
}

/// The sample model.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Sample {
    /// Id the router gives.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    id: Option<String>,
    /// The name,
    /// on two lines.
    ///
    /// Second paragraph.
    name: String,
    /// Carrier port.
    #[schemars(extend("x-tf-requires-replace" = true))]
    interface: String,
    #[schemars(extend("x-tf-computed" = true))]
    profile: Option<String>,
    #[serde(default = "default_mtu")]
    mtu: Option<i64>,
    #[serde(default = "no")]
    disabled: Option<bool>,
    #[serde(rename = "pre_shared_key")]
    #[schemars(extend("x-tf-sensitive" = true, "x-tf-write-only" = true))]
    key: Option<String>,
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true, "x-tf-volatile" = true))]
    running: Option<bool>,
    #[schemars(extend("x-tf-deprecated" = "Use name."))]
    old_name: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    ports: Vec<u32>,
    unique: Option<BTreeSet<String>>,
    peer: Option<Peer>,
    peers: Option<Vec<Peer>>,
    ratio: f64,
}

fn schema() -> Schema {
    try_schema_from_model::<Sample>(3, "").unwrap()
}

fn attr(name: &str) -> Attribute {
    schema()
        .block
        .attribute(name)
        .cloned()
        .unwrap_or_else(|| panic!("no attribute {name}"))
}

#[test]
fn attribute_names_are_serde_names_sorted() {
    let s = schema();
    let names: Vec<&str> = s.block.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "disabled",
            "id",
            "interface",
            "mtu",
            "name",
            "old_name",
            "peer",
            "peers",
            "ports",
            "pre_shared_key",
            "profile",
            "ratio",
            "running",
            "tags",
            "unique"
        ]
    );
    assert_eq!(s.version, 3);
    assert_eq!(s.block.description, "The sample model.");
}

#[test]
fn required_optional_computed_follow_the_rules() {
    let name = attr("name");
    assert!(name.required && !name.optional && !name.computed);
    let comment_like = attr("old_name");
    assert!(!comment_like.required && comment_like.optional && !comment_like.computed);
    let id = attr("id");
    assert!(!id.required && !id.optional && id.computed);
    let profile = attr("profile");
    assert!(!profile.required && profile.optional && profile.computed);
    let ports = attr("ports");
    assert!(ports.required);
}

#[test]
fn defaults_make_optional_computed() {
    let mtu = attr("mtu");
    assert_eq!(mtu.default, Some(serde_json::json!(1468)));
    assert!(mtu.optional && mtu.computed && !mtu.required);
    let disabled = attr("disabled");
    assert_eq!(disabled.default, Some(serde_json::json!(false)));
    assert_eq!(disabled.ty, Some(Type::Bool));
    assert!(attr("name").default.is_none());
}

#[test]
fn extension_flags_are_read() {
    assert!(attr("interface").requires_replace);
    let key = attr("pre_shared_key");
    assert!(key.sensitive && key.write_only && key.optional);
    assert!(attr("running").volatile);
    assert_eq!(attr("old_name").deprecated.as_deref(), Some("Use name."));
    assert!(!attr("name").sensitive && !attr("name").write_only && !attr("name").requires_replace);
}

#[test]
fn descriptions_come_from_doc_comments() {
    assert_eq!(
        attr("name").description,
        "The name, on two lines.\n\nSecond paragraph."
    );
    assert_eq!(attr("interface").description, "Carrier port.");
    assert_eq!(attr("profile").description, "");
}

#[test]
fn types_map_to_cty() {
    let peer = Type::Object(vec![
        ("address".into(), Type::String),
        ("port".into(), Type::Number),
    ]);
    let cases = [
        ("id", Type::String),
        ("mtu", Type::Number),
        ("ratio", Type::Number),
        ("disabled", Type::Bool),
        ("tags", Type::Map(Box::new(Type::String))),
        ("ports", Type::List(Box::new(Type::Number))),
        ("unique", Type::Set(Box::new(Type::String))),
        ("peer", peer.clone()),
        ("peers", Type::List(Box::new(peer))),
    ];
    for (name, ty) in cases {
        assert_eq!(attr(name).ty, Some(ty), "{name}");
    }
    let vt = schema().block.value_type();
    assert_eq!(
        vt.to_json()[1]["tags"],
        serde_json::json!(["map", "string"])
    );
}

#[test]
fn explicit_description_wins() {
    let s = schema_from_model::<Sample>(0, "Given.");
    assert_eq!(s.block.description, "Given.");
}

#[test]
fn unexpressible_models_are_errors() {
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    enum Either {
        A(String),
        B(i64),
    }
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Bad {
        either: Either,
    }
    let e = try_schema_from_model::<Bad>(0, "").unwrap_err();
    assert!(e.contains("either"), "{e}");
    // The lenient form still serves a schema.
    let s = schema_from_model::<Bad>(0, "");
    assert_eq!(
        s.block.attribute("either").and_then(|a| a.ty.clone()),
        Some(Type::Dynamic)
    );
}

#[test]
fn recursive_models_resolve_refs_and_stop() {
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Node {
        name: String,
        child: Option<Box<Node>>,
    }
    // A recursive type has no finite cty type.
    let e = try_schema_from_model::<Node>(0, "").unwrap_err();
    assert!(e.contains("child") && e.contains("deeper"), "{e}");
}

#[test]
fn type_json_round_trips() {
    let t = Type::Object(vec![
        (
            "a".into(),
            Type::List(Box::new(Type::Set(Box::new(Type::Number)))),
        ),
        ("b".into(), Type::Tuple(vec![Type::Bool, Type::Dynamic])),
        ("c".into(), Type::Map(Box::new(Type::String))),
    ]);
    assert_eq!(Type::from_json(&t.to_json()).unwrap(), t);
    assert!(Type::from_json(&serde_json::json!("strang")).is_err());
    assert!(Type::from_json(&serde_json::json!(["list"])).is_err());
    assert!(Type::from_json(&serde_json::json!(["object", []])).is_err());
    // go-cty's optional-attribute list is ignored.
    let opt = serde_json::json!(["object", {"x": "string"}, ["x"]]);
    assert_eq!(
        Type::from_json(&opt).unwrap(),
        Type::Object(vec![("x".into(), Type::String)])
    );
}

/// A model with a misspelt flag: `x-tf-sensitiv` would read as "not
/// sensitive" and put the key in plans.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Misspelt {
    #[schemars(extend("x-tf-sensitiv" = true))]
    cak: String,
}

#[test]
fn a_misspelt_flag_is_an_error_naming_it() {
    let e = try_schema_from_model::<Misspelt>(0, "").unwrap_err();
    assert!(e.contains("\"x-tf-sensitiv\""), "{e}");
    assert!(e.contains("cak"), "the error names the attribute: {e}");
    assert!(
        e.contains(ext::SENSITIVE),
        "the error lists the known keys: {e}"
    );
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "x-tf-sensitiv")]
fn a_misspelt_flag_panics_wherever_the_schema_is_built_in_debug_builds() {
    let _ = schema_from_model::<Misspelt>(0, "");
}

#[test]
fn a_flag_with_the_wrong_kind_of_value_is_an_error() {
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct WrongKind {
        #[schemars(extend("x-tf-sensitive" = "yes"))]
        cak: String,
    }
    let e = try_schema_from_model::<WrongKind>(0, "").unwrap_err();
    assert!(e.contains("x-tf-sensitive") && e.contains("\"yes\""), "{e}");
}

#[test]
fn every_known_key_is_read() {
    // One model using every key of `ext::KNOWN` converts without error.
    let s = schema();
    for (key, _) in ext::KNOWN {
        let used = match key {
            ext::COMPUTED => s.block.attributes.iter().any(|a| a.computed),
            ext::READ_ONLY => s.block.attributes.iter().any(|a| a.computed && !a.optional),
            ext::SENSITIVE => s.block.attributes.iter().any(|a| a.sensitive),
            ext::WRITE_ONLY => s.block.attributes.iter().any(|a| a.write_only),
            ext::REQUIRES_REPLACE => s.block.attributes.iter().any(|a| a.requires_replace),
            ext::VOLATILE => s.block.attributes.iter().any(|a| a.volatile),
            ext::DEPRECATED => s.block.attributes.iter().any(|a| a.deprecated.is_some()),
            ext::WRITE_ONLY_ALTERNATIVE => continue,
            other => panic!("{other} has no check here"),
        };
        assert!(used, "{key} is not read by the test model");
    }
}
