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

use std::sync::Arc;

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
    identity_schema_to_proto, path_to_proto, schema_to_proto, server_capabilities,
};
pub use goplugin::{Controller, Stdio, wait_for_shutdown};

/// The `tfplugin5.Provider` service over an [`Engine`]. The schemas and
/// their value types come from the engine's one cache, each built the
/// first time a call needs it: a launch of the provider answers a few calls
/// about one or two types, and building every schema at its first call was
/// most of what such a launch cost (Terraform starts one per provider
/// configuration and walk).
pub struct ProviderService<P: Provider> {
    engine: Arc<Engine<P>>,
}

impl<P: Provider> ProviderService<P> {
    /// The service over `engine`.
    pub fn new(engine: Arc<Engine<P>>) -> Self {
        ProviderService { engine }
    }

    fn provider_type(&self) -> Type {
        self.engine.provider_schema().ty.clone()
    }

    fn resource_type(&self, type_name: &str) -> Result<Type, Diagnostics> {
        self.engine
            .shared_resource_schema(type_name)
            .map(|s| s.ty.clone())
            .ok_or_else(|| unknown_type("resource", type_name, self.engine.type_name()))
    }

    fn data_source_type(&self, type_name: &str) -> Result<Type, Diagnostics> {
        self.engine
            .shared_data_source_schema(type_name)
            .map(|s| s.ty.clone())
            .ok_or_else(|| unknown_type("data source", type_name, self.engine.type_name()))
    }

    fn ephemeral_type(&self, type_name: &str) -> Result<Type, Diagnostics> {
        self.engine
            .shared_ephemeral_schema(type_name)
            .map(|s| s.ty.clone())
            .ok_or_else(|| unknown_type("ephemeral resource", type_name, self.engine.type_name()))
    }

    fn list_type(&self, type_name: &str) -> Result<Type, Diagnostics> {
        self.engine
            .shared_list_schema(type_name)
            .map(|s| s.ty.clone())
            .ok_or_else(|| unknown_type("list resource", type_name, self.engine.type_name()))
    }
}

type RpcResult<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        let [resources, data_sources, ephemeral_resources] = self.engine.type_names();
        let list_resources: Vec<String> = resources
            .iter()
            .filter(|n| self.engine.shared_list_schema(n).is_some())
            .cloned()
            .collect();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            resources: resources
                .into_iter()
                .map(|type_name| pb::get_metadata::ResourceMetadata { type_name })
                .collect(),
            data_sources: data_sources
                .into_iter()
                .map(|type_name| pb::get_metadata::DataSourceMetadata { type_name })
                .collect(),
            ephemeral_resources: ephemeral_resources
                .into_iter()
                .map(|type_name| pb::get_metadata::EphemeralMetadata { type_name })
                .collect(),
            list_resources: list_resources
                .into_iter()
                .map(|type_name| pb::get_metadata::ListResourceMetadata { type_name })
                .collect(),
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
