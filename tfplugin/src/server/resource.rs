//! The life of a managed resource: UpgradeResourceState, ReadResource,
//! PlanResourceChange and ApplyResourceChange.

use tonic::{Request, Response};

use super::convert::path_to_proto;
use super::convert::{client_capabilities, decode_value, diagnostics_to_proto, encode_value};
use super::{ProviderService, RpcResult};
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::{ApplyRequest, PlanRequest};
use crate::proto::tfplugin5 as pb;
use crate::resource::Provider;

impl<P: Provider> ProviderService<P> {
    /// Answers UpgradeResourceState.
    pub(super) async fn handle_upgrade_resource_state(
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
            upgraded_state: Some(encode_value(&state, &ty)),
            diagnostics: diagnostics_to_proto(&diags),
        }))
    }

    /// Answers ReadResource.
    pub(super) async fn handle_read_resource(
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
        let state = match decode_value(req.current_state.as_ref(), &ty, "current state") {
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
            new_state: Some(encode_value(&new_state, &ty)),
            diagnostics: diagnostics_to_proto(&diags),
            private,
            new_identity,
            ..Default::default()
        }))
    }

    /// Answers PlanResourceChange.
    pub(super) async fn handle_plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let caps = client_capabilities(req.client_capabilities.as_ref());
        let decoded = self.resource_type(&req.type_name).and_then(|ty| {
            let values = (
                decode_value(req.prior_state.as_ref(), &ty, "prior state")?,
                decode_value(req.proposed_new_state.as_ref(), &ty, "proposed new state")?,
                decode_value(req.config.as_ref(), &ty, "configuration")?,
            );
            Ok((ty, values.0, values.1, values.2))
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
            planned_state: Some(encode_value(&plan.planned_state, &ty)),
            requires_replace: plan.requires_replace.iter().map(path_to_proto).collect(),
            planned_private: plan.planned_private,
            diagnostics: diagnostics_to_proto(&plan.diagnostics),
            planned_identity,
            ..Default::default()
        }))
    }

    /// Answers ApplyResourceChange.
    pub(super) async fn handle_apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let decoded = self.resource_type(&req.type_name).and_then(|ty| {
            let values = (
                decode_value(req.prior_state.as_ref(), &ty, "prior state")?,
                decode_value(req.planned_state.as_ref(), &ty, "planned state")?,
                decode_value(req.config.as_ref(), &ty, "configuration")?,
            );
            Ok((ty, values.0, values.1, values.2))
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
            new_state: Some(encode_value(&applied.new_state, &ty)),
            private: applied.private,
            diagnostics: diagnostics_to_proto(&applied.diagnostics),
            new_identity,
            ..Default::default()
        }))
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
