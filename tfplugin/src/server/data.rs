//! ReadDataSource and the ephemeral resource RPCs: a configuration in,
//! one value out.

use tonic::{Request, Response};

use super::convert::{
    client_capabilities, decode_typed, decode_value, diagnostics_to_proto, encode_value,
};
use super::{ProviderService, RpcResult};
use crate::proto::tfplugin5 as pb;
use crate::resource::Provider;

impl<P: Provider> ProviderService<P> {
    /// Answers ReadDataSource.
    pub(super) async fn handle_read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let typed = self.data_source_type(&req.type_name);
        let (ty, config) =
            match decode_typed(typed, req.config.as_ref(), "data source configuration") {
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
            state: Some(encode_value(&state, &ty)),
            diagnostics: diagnostics_to_proto(&diags),
            deferred: None,
        }))
    }

    /// Answers ValidateEphemeralResourceConfig.
    pub(super) async fn handle_validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.ephemeral_type(&req.type_name).and_then(|ty| {
            decode_value(req.config.as_ref(), &ty, "ephemeral resource configuration")
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

    /// Answers OpenEphemeralResource.
    pub(super) async fn handle_open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let typed = self.ephemeral_type(&req.type_name);
        let (ty, config) = match decode_typed(
            typed,
            req.config.as_ref(),
            "ephemeral resource configuration",
        ) {
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
            result: (!diags.has_error()).then(|| encode_value(&result, &ty)),
            diagnostics: diagnostics_to_proto(&diags),
            // Nothing to renew, nothing to carry to Close.
            renew_at: None,
            private: None,
            deferred: None,
        }))
    }

    /// Answers CloseEphemeralResource.
    pub(super) async fn handle_close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let req = req.into_inner();
        let diags = self.engine.close_ephemeral_resource(&req.type_name).await;
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }
}
