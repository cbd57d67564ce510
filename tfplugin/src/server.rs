//! The tfplugin5 gRPC services: decode the wire values with the schema
//! types, call the [`Engine`], encode what comes back. Also go-plugin's
//! `GRPCController` (Shutdown) and `GRPCStdio` (an idle stream).
//!
//! No request ever panics the server: a value that cannot be decoded, or a
//! type name the provider does not know, becomes an error diagnostic.
//!
//! This file holds the service, the schema RPCs and the dispatch; each
//! family of RPCs is answered in its own file beside it (`validate.rs`,
//! `resource.rs` for read/plan/apply, `identity.rs` for import and
//! identities, `data.rs` for data sources and ephemeral resources,
//! `list.rs` for `terraform query`), the conversions to and from protocol
//! messages in `convert.rs`, go-plugin's services in `goplugin.rs`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tonic::{Request, Response, Status};

use super::diag::Diagnostics;
use super::engine::Engine;
use super::proto::tfplugin5 as pb;
use super::resource::Provider;
use super::schema::Type;

pub mod actions;
mod convert;
mod data;
mod goplugin;
mod identity;
mod list;
mod resource;
mod validate;

use convert::unknown_type;
pub use convert::{
    client_capabilities, decode_value, diagnostics_to_proto, encode_value,
    identity_schema_to_proto, identity_type, path_to_proto, schema_to_proto, server_capabilities,
};
pub use goplugin::{Controller, Stdio, wait_for_shutdown};

/// The value types of the schemas, each computed from its schema the first
/// time a call needs it: a launch of the provider answers a few calls about
/// one or two types, and building every schema at its first call was most
/// of what such a launch cost (Terraform starts one per provider
/// configuration and walk).
struct Types {
    provider: OnceLock<Type>,
    resources: BTreeMap<String, OnceLock<Type>>,
    data_sources: BTreeMap<String, OnceLock<Type>>,
    ephemeral_resources: BTreeMap<String, OnceLock<Type>>,
    identities: OnceLock<BTreeMap<String, Type>>,
    list_resources: OnceLock<BTreeMap<String, Type>>,
}

/// The `tfplugin5.Provider` service over an [`Engine`].
pub struct ProviderService<P: Provider> {
    engine: Arc<Engine<P>>,
    types: Types,
}

impl<P: Provider> ProviderService<P> {
    /// The service over `engine`.
    pub fn new(engine: Arc<Engine<P>>) -> Self {
        let [resources, data_sources, ephemeral_resources] = engine
            .type_names()
            .map(|names| names.into_iter().map(|n| (n, OnceLock::new())).collect());
        ProviderService {
            engine,
            types: Types {
                provider: OnceLock::new(),
                resources,
                data_sources,
                ephemeral_resources,
                identities: OnceLock::new(),
                list_resources: OnceLock::new(),
            },
        }
    }

    fn provider_type(&self) -> &Type {
        self.types
            .provider
            .get_or_init(|| self.engine.provider_schema().block.value_type())
    }

    fn resource_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        let cell = self
            .types
            .resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource", type_name, self.engine.type_name()))?;
        Ok(cell.get_or_init(|| {
            self.engine
                .shared_resource_schema(type_name)
                .map_or(Type::Dynamic, |s| s.block.value_type())
        }))
    }

    fn data_source_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        let cell = self
            .types
            .data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name, self.engine.type_name()))?;
        Ok(cell.get_or_init(|| {
            self.engine
                .shared_data_source_schema(type_name)
                .map_or(Type::Dynamic, |s| s.block.value_type())
        }))
    }

    fn ephemeral_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        let cell = self
            .types
            .ephemeral_resources
            .get(type_name)
            .ok_or_else(|| {
                unknown_type("ephemeral resource", type_name, self.engine.type_name())
            })?;
        Ok(cell.get_or_init(|| {
            self.engine
                .shared_ephemeral_schema(type_name)
                .map_or(Type::Dynamic, |s| s.block.value_type())
        }))
    }

    fn identity_types(&self) -> &BTreeMap<String, Type> {
        self.types.identities.get_or_init(|| {
            self.engine
                .identity_schemas()
                .iter()
                .map(|(k, v)| (k.clone(), identity_type(v)))
                .collect()
        })
    }

    fn list_types(&self) -> &BTreeMap<String, Type> {
        self.types.list_resources.get_or_init(|| {
            self.engine
                .list_schemas()
                .iter()
                .map(|(k, v)| (k.clone(), v.block.value_type()))
                .collect()
        })
    }
}

/// The type names of `types`, each made into a metadata message.
fn names<V, T>(types: &BTreeMap<String, V>, message: impl Fn(String) -> T) -> Vec<T> {
    types.keys().cloned().map(message).collect()
}

type RpcResult<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        let types = &self.types;
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            resources: names(&types.resources, |type_name| {
                pb::get_metadata::ResourceMetadata { type_name }
            }),
            data_sources: names(&types.data_sources, |type_name| {
                pb::get_metadata::DataSourceMetadata { type_name }
            }),
            ephemeral_resources: names(&types.ephemeral_resources, |type_name| {
                pb::get_metadata::EphemeralMetadata { type_name }
            }),
            list_resources: names(self.list_types(), |type_name| {
                pb::get_metadata::ListResourceMetadata { type_name }
            }),
            actions: actions::action_metadata(&self.engine),
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
            action_schemas: actions::action_schemas(&self.engine),
            ..Default::default()
        }))
    }

    async fn prepare_provider_config(
        &self,
        req: Request<pb::prepare_provider_config::Request>,
    ) -> RpcResult<pb::prepare_provider_config::Response> {
        self.handle_prepare_provider_config(req).await
    }

    async fn validate_resource_type_config(
        &self,
        req: Request<pb::validate_resource_type_config::Request>,
    ) -> RpcResult<pb::validate_resource_type_config::Response> {
        self.handle_validate_resource_type_config(req).await
    }

    async fn validate_data_source_config(
        &self,
        req: Request<pb::validate_data_source_config::Request>,
    ) -> RpcResult<pb::validate_data_source_config::Response> {
        self.handle_validate_data_source_config(req).await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        self.handle_upgrade_resource_state(req).await
    }

    async fn configure(
        &self,
        req: Request<pb::configure::Request>,
    ) -> RpcResult<pb::configure::Response> {
        self.handle_configure(req).await
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        self.handle_read_resource(req).await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        self.handle_plan_resource_change(req).await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        self.handle_apply_resource_change(req).await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        self.handle_import_resource_state(req).await
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        self.handle_read_data_source(req).await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        self.handle_validate_ephemeral_resource_config(req).await
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        self.handle_open_ephemeral_resource(req).await
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        self.handle_close_ephemeral_resource(req).await
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
        self.handle_upgrade_resource_identity(req).await
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> RpcResult<pb::validate_list_resource_config::Response> {
        self.handle_validate_list_resource_config(req).await
    }

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> RpcResult<tonic::codegen::BoxStream<pb::list_resource::Event>> {
        self.handle_list_resource(req).await
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        self.handle_generate_resource_config(req).await
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
        let resp = actions::validate_action_config(&self.engine, req.into_inner()).await;
        Ok(Response::new(resp))
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> RpcResult<pb::plan_action::Response> {
        let resp = actions::plan_action(&self.engine, req.into_inner()).await;
        Ok(Response::new(resp))
    }

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> RpcResult<actions::InvokeStream> {
        let stream = actions::invoke_action(self.engine.clone(), req.into_inner());
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

#[cfg(test)]
mod tests;

redact::debug!(ProviderService<P> where P: Provider);
