//! The tfplugin5 gRPC services: decode the wire values with the schema
//! types, call the [`Engine`], encode what comes back. Also go-plugin's
//! `GRPCController` (Shutdown) and `GRPCStdio` (an idle stream).
//!
//! No request ever panics the server: a value that cannot be decoded, or a
//! type name the provider does not know, becomes an error diagnostic.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use futures::StreamExt as _;
use tokio::sync::watch;
use tonic::{Request, Response, Status};

use super::codec;
use super::diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
use super::engine::{self, ApplyRequest, Engine, PlanRequest};
use super::proto::plugin as goplugin;
use super::proto::tfplugin5 as pb;
use super::resource::{IdentitySchema, Provider};
use super::schema::{self, Nesting, Type};
use super::value::Value;

/// The value types of every schema, computed once from
/// [`Engine::schemas`].
struct Types {
    provider: Type,
    resources: BTreeMap<String, Type>,
    data_sources: BTreeMap<String, Type>,
    ephemeral_resources: BTreeMap<String, Type>,
    identities: BTreeMap<String, Type>,
    list_resources: BTreeMap<String, Type>,
}

/// The `tfplugin5.Provider` service over an [`Engine`].
pub struct ProviderService<P: Provider> {
    engine: Arc<Engine<P>>,
    types: OnceLock<Types>,
}

impl<P: Provider> ProviderService<P> {
    /// The service over `engine`.
    pub fn new(engine: Arc<Engine<P>>) -> Self {
        ProviderService {
            engine,
            types: OnceLock::new(),
        }
    }

    fn types(&self) -> &Types {
        self.types.get_or_init(|| {
            let s = self.engine.schemas();
            Types {
                provider: s.provider.block.value_type(),
                resources: s
                    .resources
                    .iter()
                    .map(|(k, v)| (k.clone(), v.block.value_type()))
                    .collect(),
                data_sources: s
                    .data_sources
                    .iter()
                    .map(|(k, v)| (k.clone(), v.block.value_type()))
                    .collect(),
                ephemeral_resources: s
                    .ephemeral_resources
                    .iter()
                    .map(|(k, v)| (k.clone(), v.block.value_type()))
                    .collect(),
                identities: s
                    .identities
                    .iter()
                    .map(|(k, v)| (k.clone(), identity_type(v)))
                    .collect(),
                list_resources: s
                    .list_resources
                    .iter()
                    .map(|(k, v)| (k.clone(), v.block.value_type()))
                    .collect(),
            }
        })
    }

    fn resource_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        self.types()
            .resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource", type_name, self.engine.type_name()))
    }

    fn data_source_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        self.types()
            .data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name, self.engine.type_name()))
    }

    fn ephemeral_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        self.types()
            .ephemeral_resources
            .get(type_name)
            .ok_or_else(|| unknown_type("ephemeral resource", type_name, self.engine.type_name()))
    }
}

/// The value type of an identity: an object of strings.
pub fn identity_type(s: &IdentitySchema) -> Type {
    Type::Object(
        s.attributes
            .iter()
            .map(|(n, _)| (n.clone(), Type::String))
            .collect(),
    )
}

/// An identity schema as the protocol message.
pub fn identity_schema_to_proto(s: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes
            .iter()
            .map(
                |(name, description)| pb::resource_identity_schema::IdentityAttribute {
                    name: name.clone(),
                    r#type: type_bytes(&Some(Type::String)),
                    required_for_import: true,
                    optional_for_import: false,
                    description: description.clone(),
                },
            )
            .collect(),
    }
}

fn unknown_type(kind: &str, type_name: &str, provider: &str) -> Diagnostics {
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

fn type_bytes(ty: &Option<Type>) -> Vec<u8> {
    // Compact JSON, e.g. `"string"` or `["list","number"]`.
    ty.as_ref()
        .unwrap_or(&Type::Dynamic)
        .to_json()
        .to_string()
        .into_bytes()
}

fn block_to_proto(block: &schema::Block) -> pb::schema::Block {
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

type RpcResult<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        let types = self.types();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            resources: types
                .resources
                .keys()
                .map(|t| pb::get_metadata::ResourceMetadata {
                    type_name: t.clone(),
                })
                .collect(),
            data_sources: types
                .data_sources
                .keys()
                .map(|t| pb::get_metadata::DataSourceMetadata {
                    type_name: t.clone(),
                })
                .collect(),
            ephemeral_resources: types
                .ephemeral_resources
                .keys()
                .map(|t| pb::get_metadata::EphemeralMetadata {
                    type_name: t.clone(),
                })
                .collect(),
            list_resources: types
                .list_resources
                .keys()
                .map(|t| pb::get_metadata::ListResourceMetadata {
                    type_name: t.clone(),
                })
                .collect(),
            actions: super::server_actions::action_metadata(&self.engine),
            ..Default::default()
        }))
    }

    async fn get_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        let schemas = self.engine.schemas();
        log::debug!(
            "GetSchema: {} resource type(s), {} data source type(s)",
            schemas.resources.len(),
            schemas.data_sources.len()
        );
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(&schemas.provider)),
            resource_schemas: schemas
                .resources
                .iter()
                .map(|(k, v)| (k.clone(), schema_to_proto(v)))
                .collect(),
            data_source_schemas: schemas
                .data_sources
                .iter()
                .map(|(k, v)| (k.clone(), schema_to_proto(v)))
                .collect(),
            ephemeral_resource_schemas: schemas
                .ephemeral_resources
                .iter()
                .map(|(k, v)| (k.clone(), schema_to_proto(v)))
                .collect(),
            list_resource_schemas: schemas
                .list_resources
                .iter()
                .map(|(k, v)| (k.clone(), schema_to_proto(v)))
                .collect(),
            server_capabilities: Some(server_capabilities()),
            action_schemas: super::server_actions::action_schemas(&self.engine),
            ..Default::default()
        }))
    }

    async fn prepare_provider_config(
        &self,
        req: Request<pb::prepare_provider_config::Request>,
    ) -> RpcResult<pb::prepare_provider_config::Response> {
        let req = req.into_inner();
        let ty = &self.types().provider;
        let (prepared, diags) =
            match decode_value(req.config.as_ref(), ty, "provider configuration") {
                Ok(config) => self.engine.validate_provider_config(config).await,
                Err(d) => (Value::Null, d),
            };
        Ok(Response::new(pb::prepare_provider_config::Response {
            prepared_config: Some(encode_value(&prepared, ty)),
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn validate_resource_type_config(
        &self,
        req: Request<pb::validate_resource_type_config::Request>,
    ) -> RpcResult<pb::validate_resource_type_config::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let diags = match self
            .resource_type(&req.type_name)
            .and_then(|ty| decode_value(req.config.as_ref(), ty, "resource configuration"))
        {
            Ok(config) => {
                self.engine
                    .validate_resource_config(&req.type_name, config, caps)
                    .await
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::validate_resource_type_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn validate_data_source_config(
        &self,
        req: Request<pb::validate_data_source_config::Request>,
    ) -> RpcResult<pb::validate_data_source_config::Response> {
        let req = req.into_inner();
        let diags = match self
            .data_source_type(&req.type_name)
            .and_then(|ty| decode_value(req.config.as_ref(), ty, "data source configuration"))
        {
            Ok(config) => {
                self.engine
                    .validate_data_source_config(&req.type_name, config)
                    .await
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::validate_data_source_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let ty = match self.resource_type(&req.type_name) {
            Ok(ty) => ty,
            Err(d) => return Ok(Response::new(upgrade_error(&d))),
        };
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() && !raw.flatmap.is_empty() {
            let d = Diagnostic::error(
                "Cannot upgrade legacy state",
                format!(
                    "The state of this {} was written in the pre-0.12 flatmap format, which this provider \
                     cannot read. Remove it from state (terraform state rm) and import it again.",
                    req.type_name
                ),
            );
            return Ok(Response::new(upgrade_error(&d.into())));
        }
        let (state, diags) = self
            .engine
            .upgrade_resource_state(&req.type_name, req.version, &raw.json)
            .await;
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: Some(encode_value(&state, ty)),
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn configure(
        &self,
        req: Request<pb::configure::Request>,
    ) -> RpcResult<pb::configure::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        log::debug!("Configure: Terraform {}", req.terraform_version);
        let diags = match decode_value(
            req.config.as_ref(),
            &self.types().provider,
            "provider configuration",
        ) {
            Ok(config) => {
                self.engine
                    .configure(config, &req.terraform_version, caps)
                    .await
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::configure::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let ty = match self.resource_type(&req.type_name) {
            Ok(ty) => ty,
            Err(d) => {
                return Ok(Response::new(read_error(
                    &d,
                    req.current_state,
                    req.private,
                )));
            }
        };
        let state = match decode_value(req.current_state.as_ref(), ty, "current state") {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(read_error(
                    &d,
                    req.current_state,
                    req.private,
                )));
            }
        };
        let prior_identity = self.decode_identity(&req.type_name, req.current_identity.as_ref());
        let (new_state, private, mut diags) = self
            .engine
            .read_resource(&req.type_name, state, req.private, caps)
            .await;
        let new_identity = self.encode_identity(
            &req.type_name,
            self.engine.identity_for(
                &req.type_name,
                &new_state,
                prior_identity.as_ref(),
                true,
                &mut diags,
            ),
        );
        Ok(Response::new(pb::read_resource::Response {
            new_state: Some(encode_value(&new_state, ty)),
            diagnostics: diagnostics_to_proto(&diags),
            private,
            new_identity,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let decoded = self.resource_type(&req.type_name).and_then(|ty| {
            Ok((
                ty,
                decode_value(req.prior_state.as_ref(), ty, "prior state")?,
                decode_value(req.proposed_new_state.as_ref(), ty, "proposed new state")?,
                decode_value(req.config.as_ref(), ty, "configuration")?,
            ))
        });
        let (ty, prior_state, proposed_new_state, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::plan_resource_change::Response {
                    diagnostics: diagnostics_to_proto(&d),
                    ..Default::default()
                }));
            }
        };
        let prior_identity = self.decode_identity(&req.type_name, req.prior_identity.as_ref());
        let mut plan = self
            .engine
            .plan_resource_change(PlanRequest {
                type_name: req.type_name.clone(),
                prior_state,
                proposed_new_state,
                config,
                prior_private: req.prior_private,
                capabilities: caps,
            })
            .await;
        // A replacement is a new object: its identity comes from the plan.
        let keep = plan.requires_replace.is_empty();
        let planned_identity = self.encode_identity(
            &req.type_name,
            self.engine.identity_for(
                &req.type_name,
                &plan.planned_state,
                prior_identity.as_ref(),
                keep && !self.engine.identity_planned_change(
                    &req.type_name,
                    &plan.planned_state,
                    prior_identity.as_ref(),
                ),
                &mut plan.diagnostics,
            ),
        );
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state: Some(encode_value(&plan.planned_state, ty)),
            requires_replace: plan.requires_replace.iter().map(path_to_proto).collect(),
            planned_private: plan.planned_private,
            diagnostics: diagnostics_to_proto(&plan.diagnostics),
            planned_identity,
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let decoded = self.resource_type(&req.type_name).and_then(|ty| {
            Ok((
                ty,
                decode_value(req.prior_state.as_ref(), ty, "prior state")?,
                decode_value(req.planned_state.as_ref(), ty, "planned state")?,
                decode_value(req.config.as_ref(), ty, "configuration")?,
            ))
        });
        let (ty, prior_state, planned_state, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                // Keep what Terraform had: with an error, a null new state
                // would make it forget an object that still exists.
                return Ok(Response::new(pb::apply_resource_change::Response {
                    new_state: req.prior_state,
                    private: req.planned_private,
                    diagnostics: diagnostics_to_proto(&d),
                    ..Default::default()
                }));
            }
        };
        let mut applied = self
            .engine
            .apply_resource_change(ApplyRequest {
                type_name: req.type_name.clone(),
                prior_state,
                planned_state,
                config,
                planned_private: req.planned_private,
            })
            .await;
        let new_identity = self.encode_identity(
            &req.type_name,
            self.engine.identity_for(
                &req.type_name,
                &applied.new_state,
                None,
                false,
                &mut applied.diagnostics,
            ),
        );
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state: Some(encode_value(&applied.new_state, ty)),
            private: applied.private,
            diagnostics: diagnostics_to_proto(&applied.diagnostics),
            new_identity,
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        if let Err(d) = self.resource_type(&req.type_name) {
            return Ok(Response::new(pb::import_resource_state::Response {
                diagnostics: diagnostics_to_proto(&d),
                ..Default::default()
            }));
        }
        let identity = match req.identity.as_ref() {
            Some(data) => match self.identities_type(&req.type_name) {
                Some(ty) => match decode_value(data.identity_data.as_ref(), ty, "identity") {
                    Ok(v) if !v.is_null() => Some(v),
                    Ok(_) => None,
                    Err(d) => {
                        return Ok(Response::new(pb::import_resource_state::Response {
                            diagnostics: diagnostics_to_proto(&d),
                            ..Default::default()
                        }));
                    }
                },
                None => None,
            },
            None => None,
        };
        let (imported, mut diags) = match identity {
            Some(identity) if req.id.is_empty() => {
                self.engine
                    .import_resource_identity(&req.type_name, identity, caps)
                    .await
            }
            _ => {
                self.engine
                    .import_resource_state(&req.type_name, &req.id, caps)
                    .await
            }
        };
        let mut imported_resources = Vec::with_capacity(imported.len());
        for item in imported {
            match self.resource_type(&item.type_name) {
                Ok(ty) => {
                    let identity = self.encode_identity(
                        &item.type_name,
                        self.engine.identity_for(
                            &item.type_name,
                            &item.state,
                            None,
                            false,
                            &mut diags,
                        ),
                    );
                    imported_resources.push(pb::import_resource_state::ImportedResource {
                        state: Some(encode_value(&item.state, ty)),
                        type_name: item.type_name,
                        private: item.private,
                        identity,
                    })
                }
                Err(d) => diags.extend(d),
            }
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diagnostics_to_proto(&diags),
            deferred: None,
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let decoded = self.data_source_type(&req.type_name).and_then(|ty| {
            Ok((
                ty,
                decode_value(req.config.as_ref(), ty, "data source configuration")?,
            ))
        });
        let (ty, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::read_data_source::Response {
                    diagnostics: diagnostics_to_proto(&d),
                    ..Default::default()
                }));
            }
        };
        let (state, diags) = self
            .engine
            .read_data_source(&req.type_name, config, caps)
            .await;
        Ok(Response::new(pb::read_data_source::Response {
            state: Some(encode_value(&state, ty)),
            diagnostics: diagnostics_to_proto(&diags),
            deferred: None,
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.ephemeral_type(&req.type_name).and_then(|ty| {
            decode_value(req.config.as_ref(), ty, "ephemeral resource configuration")
        }) {
            Ok(config) => {
                self.engine
                    .validate_ephemeral_resource_config(&req.type_name, config)
                    .await
            }
            Err(d) => d,
        };
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response {
                diagnostics: diagnostics_to_proto(&diags),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let decoded = self.ephemeral_type(&req.type_name).and_then(|ty| {
            Ok((
                ty,
                decode_value(req.config.as_ref(), ty, "ephemeral resource configuration")?,
            ))
        });
        let (ty, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::open_ephemeral_resource::Response {
                    diagnostics: diagnostics_to_proto(&d),
                    ..Default::default()
                }));
            }
        };
        log::debug!("OpenEphemeralResource: {}", req.type_name);
        let (result, diags) = self
            .engine
            .open_ephemeral_resource(&req.type_name, config, caps)
            .await;
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            // No error result without a value: Terraform reads the
            // diagnostics then.
            result: (!diags.has_error()).then(|| encode_value(&result, ty)),
            diagnostics: diagnostics_to_proto(&diags),
            // Nothing to renew, nothing to carry to Close.
            renew_at: None,
            private: None,
            deferred: None,
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let req = req.into_inner();
        let diags = self.engine.close_ephemeral_resource(&req.type_name).await;
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .engine
                .schemas()
                .identities
                .iter()
                .map(|(k, v)| (k.clone(), identity_schema_to_proto(v)))
                .collect(),
            diagnostics: Vec::new(),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> RpcResult<pb::upgrade_resource_identity::Response> {
        let req = req.into_inner();
        let raw = req.raw_identity.unwrap_or_default();
        let (value, diags) =
            self.engine
                .upgrade_resource_identity(&req.type_name, req.version, &raw.json);
        let upgraded_identity = if diags.has_error() {
            None
        } else {
            self.encode_identity(&req.type_name, Some(value))
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity,
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> RpcResult<pb::validate_list_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.decode_list_config(&req.type_name, req.config.as_ref()) {
            Ok(config) => {
                self.engine
                    .validate_list_resource_config(&req.type_name, &config)
                    .await
            }
            Err(d) => d,
        };
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> RpcResult<tonic::codegen::BoxStream<pb::list_resource::Event>> {
        let req = req.into_inner();
        let events: Vec<pb::list_resource::Event> =
            match self.decode_list_config(&req.type_name, req.config.as_ref()) {
                Err(d) => vec![error_event(&d)],
                Ok(config) => {
                    let limit = (req.limit > 0).then_some(req.limit);
                    let (items, diags) = self
                        .engine
                        .list_resource(&req.type_name, config, req.include_resource_object, limit)
                        .await;
                    let ty = self.resource_type(&req.type_name).ok();
                    let mut events: Vec<_> = items
                        .into_iter()
                        .map(|item| pb::list_resource::Event {
                            identity: self.encode_identity(&req.type_name, Some(item.identity)),
                            display_name: item.display_name,
                            resource_object: match (item.object, ty) {
                                (Some(o), Some(ty)) => Some(encode_value(&o, ty)),
                                _ => None,
                            },
                            diagnostic: Vec::new(),
                        })
                        .collect();
                    if !diags.is_empty() {
                        events.push(error_event(&diags));
                    }
                    events
                }
            };
        log::debug!("ListResource {}: {} event(s)", req.type_name, events.len());
        let stream = futures::stream::iter(events.into_iter().map(Ok));
        Ok(Response::new(Box::pin(stream)))
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        let req = req.into_inner();
        let (config, diags) = match self
            .resource_type(&req.type_name)
            .and_then(|ty| Ok((ty, decode_value(req.state.as_ref(), ty, "state")?)))
        {
            Ok((ty, state)) => {
                let (config, diags) = self.engine.generate_resource_config(&req.type_name, state);
                (Some(encode_value(&config, ty)), diags)
            }
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::generate_resource_config::Response {
            config,
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> RpcResult<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> RpcResult<pb::validate_action_config::Response> {
        let resp =
            super::server_actions::validate_action_config(&self.engine, req.into_inner()).await;
        Ok(Response::new(resp))
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> RpcResult<pb::plan_action::Response> {
        let resp = super::server_actions::plan_action(&self.engine, req.into_inner()).await;
        Ok(Response::new(resp))
    }

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> RpcResult<super::server_actions::InvokeStream> {
        let stream = super::server_actions::invoke_action(self.engine.clone(), req.into_inner());
        Ok(Response::new(stream))
    }

    async fn stop(&self, _req: Request<pb::stop::Request>) -> RpcResult<pb::stop::Response> {
        log::debug!("Stop: cancelling in-flight work");
        self.engine.stop();
        Ok(Response::new(pb::stop::Response {
            error: String::new(),
        }))
    }
}

/// A list event carrying only diagnostics.
fn error_event(d: &Diagnostics) -> pb::list_resource::Event {
    pb::list_resource::Event {
        diagnostic: diagnostics_to_proto(d),
        ..Default::default()
    }
}

impl<P: Provider> ProviderService<P> {
    fn identities_type(&self, type_name: &str) -> Option<&Type> {
        self.types().identities.get(type_name)
    }

    /// The identity Terraform sent, when the type has one and it decodes.
    fn decode_identity(
        &self,
        type_name: &str,
        data: Option<&pb::ResourceIdentityData>,
    ) -> Option<Value> {
        let ty = self.identities_type(type_name)?;
        decode_value(data?.identity_data.as_ref(), ty, "identity")
            .ok()
            .filter(|v| !v.is_null())
    }

    fn encode_identity(
        &self,
        type_name: &str,
        identity: Option<Value>,
    ) -> Option<pb::ResourceIdentityData> {
        let ty = self.identities_type(type_name)?;
        identity.map(|v| pb::ResourceIdentityData {
            identity_data: Some(encode_value(&v, ty)),
        })
    }

    /// The `config` block of a list block: Terraform sends it alone (or
    /// null when the block is absent).
    fn decode_list_config(
        &self,
        type_name: &str,
        dv: Option<&pb::DynamicValue>,
    ) -> Result<Value, Diagnostics> {
        let ty = self
            .types()
            .list_resources
            .get(type_name)
            .ok_or_else(|| unknown_type("list resource", type_name, self.engine.type_name()))?;
        match decode_value(dv, ty, "list configuration") {
            Ok(v) => Ok(v),
            Err(d) => {
                // Some clients wrap it as `{config = {...}}`.
                let wrapped = Type::Object(vec![("config".to_string(), ty.clone())]);
                decode_value(dv, &wrapped, "list configuration")
                    .map(|v| v.get("config").cloned().unwrap_or(Value::Null))
                    .map_err(|_| d)
            }
        }
    }
}

fn upgrade_error(d: &Diagnostics) -> pb::upgrade_resource_state::Response {
    pb::upgrade_resource_state::Response {
        upgraded_state: None,
        diagnostics: diagnostics_to_proto(d),
    }
}

fn read_error(
    d: &Diagnostics,
    current_state: Option<pb::DynamicValue>,
    private: Vec<u8>,
) -> pb::read_resource::Response {
    // Hand back what Terraform sent so it keeps the object in state.
    pb::read_resource::Response {
        new_state: current_state,
        diagnostics: diagnostics_to_proto(d),
        private,
        ..Default::default()
    }
}

/// go-plugin's `GRPCController`: `Shutdown` asks the server to stop.
pub struct Controller {
    shutdown: watch::Sender<bool>,
}

impl Controller {
    /// A controller that sets `shutdown` to true when asked to stop.
    pub fn new(shutdown: watch::Sender<bool>) -> Self {
        Controller { shutdown }
    }
}

#[tonic::async_trait]
impl goplugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _req: Request<goplugin::Empty>) -> RpcResult<goplugin::Empty> {
        log::debug!("GRPCController.Shutdown: the client is done, exiting");
        self.shutdown.send_replace(true);
        Ok(Response::new(goplugin::Empty {}))
    }
}

/// The stream type of `GRPCStdio.StreamStdio`.
type StdioStream =
    std::pin::Pin<Box<dyn futures::Stream<Item = Result<goplugin::StdioData, Status>> + Send>>;

/// go-plugin's `GRPCStdio`: nothing is ever forwarded (the provider writes
/// only to stderr, which go-plugin reads directly), but the stream stays
/// open until shutdown so the client does not log that stdio is missing.
pub struct Stdio {
    shutdown: watch::Receiver<bool>,
}

impl Stdio {
    /// A stdio service whose streams end when `shutdown` becomes true.
    pub fn new(shutdown: watch::Receiver<bool>) -> Self {
        Stdio { shutdown }
    }
}

#[tonic::async_trait]
impl goplugin::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(&self, _req: Request<()>) -> RpcResult<StdioStream> {
        let mut shutdown = self.shutdown.clone();
        let stream = futures::stream::once(async move { wait_for_shutdown(&mut shutdown).await })
            .filter_map(|()| futures::future::ready(None::<Result<goplugin::StdioData, Status>>));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// Waits until `shutdown` is true (or its sender is gone).
pub async fn wait_for_shutdown(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::{Attribute, Block, NestedBlock, Schema};

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
}
