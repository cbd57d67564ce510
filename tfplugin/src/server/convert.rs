//! Conversions between the engine's types and the protocol messages:
//! values, diagnostics, paths, schemas and capabilities.

use crate::codec;
use crate::diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
use crate::engine;
use crate::proto::tfplugin5 as pb;
use crate::resource::IdentitySchema;
use crate::schema::{self, Nesting, Type};
use crate::value::Value;

/// An identity schema as the protocol message.
pub fn identity_schema_to_proto(s: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes
            .iter()
            .map(|(name, description)| {
                let optional = s.optional.contains(name);
                pb::resource_identity_schema::IdentityAttribute {
                    name: name.clone(),
                    r#type: type_bytes(&Some(Type::String)),
                    required_for_import: !optional,
                    optional_for_import: optional,
                    description: description.clone(),
                }
            })
            .collect(),
    }
}

pub(super) fn unknown_type(kind: &str, type_name: &str, provider: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type {type_name:?}"),
        format!(
            "The {provider} provider has no {kind} type named {type_name:?}. Check the spelling in your \
             configuration, or upgrade the provider if the type is newer than this build."
        ),
    )
    .into()
}

/// The capabilities the client announced; absent (older clients) means none.
pub fn client_capabilities(caps: Option<&pb::ClientCapabilities>) -> engine::ClientCapabilities {
    caps.map(|c| engine::ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    })
    .unwrap_or_default()
}

/// Decodes a `DynamicValue`: msgpack if present, else JSON; absent or empty
/// is null. A decode failure is an error diagnostic naming `what`.
pub fn decode_value(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostics> {
    let result = match dv {
        None => return Ok(Value::Null),
        Some(dv) if !dv.msgpack.is_empty() => codec::decode_msgpack(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => codec::decode_json(&dv.json, ty),
        Some(_) => return Ok(Value::Null),
    };
    result.map_err(|e| {
        Diagnostic::error(
            format!("Cannot decode the {what} sent by Terraform"),
            format!(
                "{e}. The value does not match the provider's schema; this is a bug in the provider or in \
                 Terraform. Please report it with the Terraform and provider versions."
            ),
        )
        .into()
    })
}

/// Decodes a `DynamicValue` with the type a lookup found, or passes on
/// the lookup's error (an unknown type name).
pub(super) fn decode_typed(
    ty: Result<Type, Diagnostics>,
    dv: Option<&pb::DynamicValue>,
    what: &str,
) -> Result<(Type, Value), Diagnostics> {
    let ty = ty?;
    let v = decode_value(dv, &ty, what)?;
    Ok((ty, v))
}

/// Encodes a value as a msgpack `DynamicValue` (the only encoding Terraform
/// reliably accepts in responses).
pub fn encode_value(value: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: codec::encode_msgpack(value, ty),
        json: Vec::new(),
    }
}

/// An attribute path as protocol steps.
pub fn path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    let steps = path
        .0
        .iter()
        .map(|s| pb::attribute_path::Step {
            selector: Some(match s {
                PathStep::Attribute(a) => Selector::AttributeName(a.clone()),
                PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                PathStep::Index(i) => Selector::ElementKeyInt(*i),
            }),
        })
        .collect();
    pb::AttributePath { steps }
}

/// Diagnostics as protocol messages.
pub fn diagnostics_to_proto(diags: &Diagnostics) -> Vec<pb::Diagnostic> {
    diags
        .0
        .iter()
        .map(|d| pb::Diagnostic {
            severity: match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error,
                Severity::Warning => pb::diagnostic::Severity::Warning,
            } as i32,
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            attribute: d.attribute.as_ref().map(path_to_proto),
        })
        .collect()
}

pub(super) fn type_bytes(ty: &Option<Type>) -> Vec<u8> {
    // Compact JSON, e.g. `"string"` or `["list","number"]`.
    ty.as_ref()
        .unwrap_or(&Type::Dynamic)
        .to_json()
        .to_string()
        .into_bytes()
}

pub(super) fn block_to_proto(block: &schema::Block) -> pb::schema::Block {
    use pb::schema::nested_block::NestingMode;
    pb::schema::Block {
        version: 0,
        attributes: block
            .attributes
            .iter()
            .map(|a| pb::schema::Attribute {
                name: a.name.clone(),
                r#type: type_bytes(&a.ty),
                description: a.description.clone(),
                required: a.required,
                optional: a.optional,
                computed: a.computed,
                sensitive: a.sensitive,
                description_kind: pb::StringKind::Markdown as i32,
                deprecated: a.deprecated.is_some(),
                write_only: a.write_only,
                deprecation_message: a.deprecated.clone().unwrap_or_default(),
            })
            .collect(),
        block_types: block
            .block_types
            .iter()
            .map(|nb| pb::schema::NestedBlock {
                type_name: nb.type_name.clone(),
                block: Some(block_to_proto(&nb.block)),
                nesting: match nb.nesting {
                    Nesting::Single => NestingMode::Single,
                    Nesting::List => NestingMode::List,
                    Nesting::Set => NestingMode::Set,
                    Nesting::Map => NestingMode::Map,
                    Nesting::Group => NestingMode::Group,
                } as i32,
                min_items: nb.min_items,
                max_items: nb.max_items,
            })
            .collect(),
        description: block.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: block.deprecated.is_some(),
        deprecation_message: block.deprecated.clone().unwrap_or_default(),
    }
}

/// A schema as the protocol message.
pub fn schema_to_proto(schema: &schema::Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block)),
    }
}

/// What this server supports beyond the base protocol.
pub fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // The engine plans destroys (null planned state).
        plan_destroy: true,
        // Every call works without GetProviderSchema first (schemas are
        // built on first use), so Terraform may reuse the schema it cached
        // from the first launch instead of asking each provider process
        // (one per provider configuration, twice per plan) again.
        get_provider_schema_optional: true,
        move_resource_state: false,
        // Keys must never be written in the clear by
        // `-generate-config-out`: the provider shapes that configuration.
        generate_resource_config: true,
    }
}
