//! ValidateListResourceConfig, ListResource and GenerateResourceConfig:
//! what `terraform query` asks.

use tonic::{Request, Response};

use super::convert::{decode_value, diagnostics_to_proto, encode_value};
use super::{ProviderService, RpcResult};
use crate::diag::Diagnostics;
use crate::proto::tfplugin5 as pb;
use crate::resource::Provider;
use crate::schema::Type;
use crate::value::Value;

impl<P: Provider> ProviderService<P> {
    /// The `config` block of a list block: Terraform sends it alone (or
    /// null when the block is absent).
    fn decode_list_config(
        &self,
        type_name: &str,
        dv: Option<&pb::DynamicValue>,
    ) -> Result<Value, Diagnostics> {
        let ty = self.list_type(type_name)?;
        match decode_value(dv, &ty, "list configuration") {
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

    /// Answers ValidateListResourceConfig.
    pub(super) async fn handle_validate_list_resource_config(
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

    /// Answers ListResource.
    pub(super) async fn handle_list_resource(
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
                            resource_object: match (item.object, &ty) {
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

    /// Answers GenerateResourceConfig.
    pub(super) async fn handle_generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        let req = req.into_inner();
        let (config, diags) = match self.resource_type(&req.type_name).and_then(|ty| {
            let state = decode_value(req.state.as_ref(), &ty, "state")?;
            Ok((ty, state))
        }) {
            Ok((ty, state)) => {
                let (config, diags) = self.engine.generate_resource_config(&req.type_name, state);
                (Some(encode_value(&config, &ty)), diags)
            }
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::generate_resource_config::Response {
            config,
            diagnostics: diagnostics_to_proto(&diags),
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
