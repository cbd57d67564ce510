//! PrepareProviderConfig, ValidateResourceTypeConfig,
//! ValidateDataSourceConfig and Configure.

use tonic::{Request, Response};

use super::convert::{client_capabilities, decode_value, diagnostics_to_proto, encode_value};
use super::{ProviderService, RpcResult};
use crate::proto::tfplugin5 as pb;
use crate::resource::Provider;
use crate::value::Value;

impl<P: Provider> ProviderService<P> {
    /// Answers PrepareProviderConfig.
    pub(super) async fn handle_prepare_provider_config(
        &self,
        req: Request<pb::prepare_provider_config::Request>,
    ) -> RpcResult<pb::prepare_provider_config::Response> {
        let req = req.into_inner();
        let ty = self.provider_type();
        let (prepared, diags) =
            match decode_value(req.config.as_ref(), &ty, "provider configuration") {
                Ok(config) => self.engine.validate_provider_config(config).await,
                Err(d) => (Value::Null, d),
            };
        Ok(Response::new(pb::prepare_provider_config::Response {
            prepared_config: Some(encode_value(&prepared, &ty)),
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    /// Answers ValidateResourceTypeConfig.
    pub(super) async fn handle_validate_resource_type_config(
        &self,
        req: Request<pb::validate_resource_type_config::Request>,
    ) -> RpcResult<pb::validate_resource_type_config::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let diags = match self
            .resource_type(&req.type_name)
            .and_then(|ty| decode_value(req.config.as_ref(), &ty, "resource configuration"))
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

    /// Answers ValidateDataSourceConfig.
    pub(super) async fn handle_validate_data_source_config(
        &self,
        req: Request<pb::validate_data_source_config::Request>,
    ) -> RpcResult<pb::validate_data_source_config::Response> {
        let req = req.into_inner();
        let diags = match self
            .data_source_type(&req.type_name)
            .and_then(|ty| decode_value(req.config.as_ref(), &ty, "data source configuration"))
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

    /// Answers Configure.
    pub(super) async fn handle_configure(
        &self,
        req: Request<pb::configure::Request>,
    ) -> RpcResult<pb::configure::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        log::debug!("Configure: Terraform {}", req.terraform_version);
        let diags = match decode_value(
            req.config.as_ref(),
            &self.provider_type(),
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
}
