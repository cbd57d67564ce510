//! ApplyResourceChange: delete, create or update, then the new state
//! checked against the plan.

use super::private::{decode_private, encode_private};
use super::{Engine, provider_bug};
use crate::diag::Diagnostics;
use crate::resource::Provider;
use crate::schema::Block;
use crate::value::{Value, conform};

/// ApplyResourceChange input, decoded.
pub struct ApplyRequest {
    /// Resource type name.
    pub type_name: String,
    /// Prior state (null on create).
    pub prior_state: Value,
    /// Planned state (null on delete).
    pub planned_state: Value,
    /// Configuration (holds write-only values).
    pub config: Value,
    /// Private state from the plan.
    pub planned_private: Vec<u8>,
}

/// ApplyResourceChange output.
pub struct ApplyResponse {
    /// New state (null after a delete).
    pub new_state: Value,
    /// Private state to store.
    pub private: Vec<u8>,
    /// Diagnostics.
    pub diagnostics: Diagnostics,
}

impl ApplyResponse {
    /// The object is gone: null state, no private state.
    fn gone(diagnostics: Diagnostics) -> Self {
        ApplyResponse {
            new_state: Value::Null,
            private: Vec::new(),
            diagnostics,
        }
    }

    /// The apply failed: Terraform keeps `state` (the prior state) and the
    /// private state it had.
    fn kept(state: Value, private: Vec<u8>, diagnostics: Diagnostics) -> Self {
        ApplyResponse {
            new_state: state,
            private,
            diagnostics,
        }
    }
}

/// True when `new` is what `planned` promised: every known planned value
/// equals the new one; unknown planned values allow anything.
fn agrees_with_plan(planned: &Value, new: &Value) -> bool {
    match (planned, new) {
        (Value::Unknown(_), _) => true,
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(p, n)| agrees_with_plan(p, n))
        }
        // Set elements with unknowns cannot be matched one to one.
        (Value::Set(_), Value::Set(_)) if !planned.is_wholly_known() => true,
        (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, p)| b.get(k).is_some_and(|n| agrees_with_plan(p, n)))
        }
        _ => planned.equivalent(new),
    }
}

/// Renders a value for a diagnostic (secrets are not rendered).
fn show(v: &Value, sensitive: bool) -> String {
    if sensitive {
        return "(sensitive value)".into();
    }
    match v {
        Value::Null => "null".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        v => v.to_json().to_string(),
    }
}

/// Reports, as a provider bug naming the attribute, every value of
/// `new_state` that breaks a promise of `planned` (`op` is "create" or
/// "update").
fn check_against_plan(
    block: &Block,
    planned: &Value,
    new_state: &Value,
    op: &str,
    diags: &mut Diagnostics,
) {
    for a in block.attributes.iter().filter(|a| !a.write_only) {
        let p = planned.get(&a.name).unwrap_or(&Value::Null);
        let n = new_state.get(&a.name).unwrap_or(&Value::Null);
        if agrees_with_plan(p, n) {
            continue;
        }
        diags.push(
            provider_bug(
                format!("Provider produced an inconsistent value for {:?}", a.name),
                format!(
                    "The plan promised {} but the {op} produced {}",
                    show(p, a.sensitive),
                    show(n, a.sensitive)
                ),
            )
            .at_attr(&a.name),
        );
    }
    for nb in &block.block_types {
        let p = planned.get(&nb.type_name).unwrap_or(&Value::Null);
        let n = new_state.get(&nb.type_name).unwrap_or(&Value::Null);
        if !agrees_with_plan(p, n) {
            diags.push(
                provider_bug(
                    format!("Provider produced an inconsistent {:?} block", nb.type_name),
                    "The applied block differs from the planned one",
                )
                .at_attr(&nb.type_name),
            );
        }
    }
}

/// The provider bug for a create or update that reported success but
/// returned nothing (unless it reported an error).
fn returned_nothing(op: &str, diags: &mut Diagnostics) {
    if !diags.has_error() {
        let summary = format!("Provider returned no object after {op}");
        let detail = if op == "create" {
            "Create reported success but returned nothing"
        } else {
            "Update reported success but returned nothing"
        };
        diags.push(provider_bug(summary, detail));
    }
}

impl<P: Provider> Engine<P> {
    /// ApplyResourceChange.
    ///
    /// Planned null deletes (new state null; on error the prior state is
    /// returned so Terraform keeps it), prior null creates, anything else
    /// updates (on error the prior state is kept). The new state has its
    /// write-only attributes nulled, must be wholly known and must agree
    /// with every known planned value; a breach is reported as a provider
    /// bug naming the attribute, before Terraform's own generic check.
    pub async fn apply_resource_change(&self, req: ApplyRequest) -> ApplyResponse {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(&req.type_name) {
            Ok(x) => x,
            Err(d) => return ApplyResponse::kept(req.prior_state, req.planned_private, d.into()),
        };
        let block = &schema.block;
        let ty = &schema.ty;
        let prior = conform(req.prior_state, ty);
        let planned = conform(req.planned_state, ty);
        let config = conform(req.config, ty);
        // A delete goes where the object was; a create or update where
        // the plan puts it.
        let routed_by = if planned.is_null() { &prior } else { &planned };
        let (ctx, route) = match self.ctx_for(None, routed_by, &schema).await {
            Ok(x) => x,
            Err(d) => return ApplyResponse::kept(prior, req.planned_private, d.into()),
        };
        let mut private = decode_private(&req.planned_private, &mut diags);

        if planned.is_null() {
            if prior.is_null() {
                return ApplyResponse::gone(diags);
            }
            r.delete(&ctx, &prior, &private, &mut diags).await;
            return if diags.has_error() {
                ApplyResponse::kept(prior, req.planned_private, diags)
            } else {
                ApplyResponse::gone(diags)
            };
        }

        let creating = prior.is_null();
        let op = if creating { "create" } else { "update" };
        let out = if creating {
            r.create(&ctx, &planned, &config, &mut private, &mut diags)
                .await
        } else {
            r.update(&ctx, &prior, &planned, &config, &mut private, &mut diags)
                .await
        };
        let new_state = match out {
            Some(v) => self.finished(&schema, v, route.as_deref(), "new state", &mut diags),
            None => {
                returned_nothing(op, &mut diags);
                if !creating {
                    return ApplyResponse::kept(prior, req.planned_private, diags);
                }
                Value::Null
            }
        };
        if !diags.has_error() && !new_state.is_null() {
            check_against_plan(block, &planned, &new_state, op, &mut diags);
        }
        ApplyResponse {
            new_state,
            private: encode_private(&private),
            diagnostics: diags,
        }
    }
}

#[cfg(test)]
mod tests;

redact::debug!(ApplyRequest);

redact::debug!(ApplyResponse);
