//! ImportResourceState, UpgradeResourceIdentity, and the identity every
//! resource RPC decodes and encodes.

use tonic::{Request, Response};

use super::convert::{client_capabilities, decode_value, diagnostics_to_proto, encode_value};
use super::{ProviderService, RpcResult};
use crate::proto::tfplugin5 as pb;
use crate::resource::Provider;
use crate::schema::Type;
use crate::value::Value;

impl<P: Provider> ProviderService<P> {
    fn identities_type(&self, type_name: &str) -> Option<Type> {
        self.engine.identity_type(type_name)
    }

    /// The identity Terraform sent, when the type has one and it decodes.
    pub(super) fn decode_identity(
        &self,
        type_name: &str,
        data: Option<&pb::ResourceIdentityData>,
    ) -> Option<Value> {
        let ty = self.identities_type(type_name)?;
        decode_value(data?.identity_data.as_ref(), &ty, "identity")
            .ok()
            .filter(|v| !v.is_null())
    }

    pub(super) fn encode_identity(
        &self,
        type_name: &str,
        identity: Option<Value>,
    ) -> Option<pb::ResourceIdentityData> {
        let ty = self.identities_type(type_name)?;
        identity.map(|v| pb::ResourceIdentityData {
            identity_data: Some(encode_value(&v, &ty)),
        })
    }

    /// Answers ImportResourceState.
    pub(super) async fn handle_import_resource_state(
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
                Some(ty) => match decode_value(data.identity_data.as_ref(), &ty, "identity") {
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
                        state: Some(encode_value(&item.state, &ty)),
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

    /// Answers UpgradeResourceIdentity.
    pub(super) async fn handle_upgrade_resource_identity(
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
}
