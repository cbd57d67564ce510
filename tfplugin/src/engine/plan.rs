//! PlanResourceChange: from Terraform's proposed state to the planned
//! one, in named steps (defaults, computed values, requires-replace,
//! write-only nulls, the resource's hook, the configuration enforced).

use super::checks::null_write_only;
use super::private::{decode_private, encode_private};
use super::{ClientCapabilities, Engine, provider_bug};
use crate::codec::{Extra, value_from_json};
use crate::diag::{AttributePath, Diagnostics};
use crate::resource::{PlanInput, Provider};
use crate::schema::{Attribute, Block, Type};
use crate::value::{Value, check_type, conform};

/// PlanResourceChange input, decoded.
pub struct PlanRequest {
    /// Resource type name.
    pub type_name: String,
    /// Prior state (null on create).
    pub prior_state: Value,
    /// Terraform's proposed new state (null on destroy).
    pub proposed_new_state: Value,
    /// Configuration (null on destroy).
    pub config: Value,
    /// Private state from the prior state.
    pub prior_private: Vec<u8>,
    /// Client capabilities.
    pub capabilities: ClientCapabilities,
}

/// PlanResourceChange output.
pub struct PlanResponse {
    /// The planned state.
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Private state to pass to apply.
    pub planned_private: Vec<u8>,
    /// Diagnostics.
    pub diagnostics: Diagnostics,
}

impl PlanResponse {
    /// A plan that changes nothing but the state given (destroy, or an
    /// error before planning started).
    fn unplanned(planned_state: Value, planned_private: Vec<u8>, diagnostics: Diagnostics) -> Self {
        PlanResponse {
            planned_state,
            requires_replace: Vec::new(),
            planned_private,
            diagnostics,
        }
    }
}

/// One plan being computed: the schema, the prior state and the
/// configuration, each step reading them.
struct Planner<'a> {
    block: &'a Block,
    prior: &'a Value,
    config: &'a Value,
}

/// A computed attribute without a default: the provider fills it.
fn provider_filled(a: &Attribute) -> bool {
    a.computed && a.default.is_none()
}

impl Planner<'_> {
    fn creating(&self) -> bool {
        self.prior.is_null()
    }

    fn cfg(&self, name: &str) -> &Value {
        self.config.get(name).unwrap_or(&Value::Null)
    }

    fn prev(&self, name: &str) -> &Value {
        self.prior.get(name).unwrap_or(&Value::Null)
    }

    /// Attributes with a default and a null configuration get the default.
    fn defaults(&self, planned: &mut Value, diags: &mut Diagnostics) {
        for a in &self.block.attributes {
            let Some(default) = &a.default else { continue };
            if !self.cfg(&a.name).is_null() {
                continue;
            }
            let aty = a.ty.clone().unwrap_or(Type::Dynamic);
            match value_from_json(default.clone(), &aty, Extra::Drop) {
                Ok(v) => planned.set(&a.name, v),
                Err(e) => diags.push(
                    provider_bug(format!("Invalid default for {:?}", a.name), e).at_attr(&a.name),
                ),
            }
        }
    }

    /// Sets every provider-filled attribute that `which` picks and the
    /// configuration leaves null to `to(attribute)`.
    fn fill(
        &self,
        planned: &mut Value,
        which: impl Fn(&Attribute) -> bool,
        to: impl Fn(&str) -> Value,
    ) {
        for a in self
            .block
            .attributes
            .iter()
            .filter(|a| provider_filled(a) && which(a))
        {
            if self.cfg(&a.name).is_null() {
                planned.set(&a.name, to(&a.name));
            }
        }
    }

    /// Create (or replace): computed attributes the configuration leaves
    /// null are unknown.
    fn unknown_computed(&self, planned: &mut Value) {
        self.fill(planned, |_| true, |_| Value::unknown());
    }

    /// Update: computed attributes keep the prior value, except volatile
    /// ones, which are unknown when anything configurable changes.
    fn computed_on_update(&self, planned: &mut Value) {
        self.fill(planned, |_| true, |name| self.prev(name).clone());
        if self.changes_anything(planned) {
            self.fill(planned, |a| a.volatile, |_| Value::unknown());
        }
    }

    /// True when a configurable (not volatile, not write-only) attribute
    /// or a nested block differs from the prior state.
    fn changes_anything(&self, planned: &Value) -> bool {
        let differs = |name: &str| {
            !planned
                .get(name)
                .unwrap_or(&Value::Null)
                .equivalent(self.prev(name))
        };
        self.block
            .attributes
            .iter()
            .any(|a| (a.required || a.optional) && !a.volatile && !a.write_only && differs(&a.name))
            || self
                .block
                .block_types
                .iter()
                .any(|nb| differs(&nb.type_name))
    }

    /// The `requires_replace` attributes the plan changes.
    fn replaced(&self, planned: &Value) -> Vec<AttributePath> {
        self.block
            .attributes
            .iter()
            .filter(|a| a.requires_replace)
            .filter(|a| {
                !planned
                    .get(&a.name)
                    .unwrap_or(&Value::Null)
                    .equivalent(self.prev(&a.name))
            })
            .map(|a| AttributePath::root(&a.name))
            .collect()
    }

    /// Computed values, and the attributes that force a replacement (a
    /// replacement is planned from this state, so it is planned as a
    /// create).
    fn computed(&self, planned: &mut Value) -> Vec<AttributePath> {
        if self.creating() {
            self.unknown_computed(planned);
            return Vec::new();
        }
        self.computed_on_update(planned);
        let replaced = self.replaced(planned);
        if !replaced.is_empty() {
            self.unknown_computed(planned);
        }
        replaced
    }

    /// After the resource's hook: the shape, write-only nulls and every
    /// non-null configuration value (or the prior value, as a normalised
    /// form, when nothing is replaced) are enforced, as Terraform requires.
    fn enforce(
        &self,
        type_name: &str,
        planned: Value,
        proposed: Value,
        ty: &Type,
        replacing: bool,
        diags: &mut Diagnostics,
    ) -> Value {
        let mut planned = conform(planned, ty);
        if let Err(e) = check_type(&planned, ty) {
            diags.push(provider_bug("Provider planned a malformed state", e));
            planned = proposed;
        }
        null_write_only(self.block, &mut planned);
        for a in self.block.attributes.iter().filter(|a| !a.write_only) {
            let c = self.cfg(&a.name);
            if c.is_null() {
                continue;
            }
            let p = planned.get(&a.name).unwrap_or(&Value::Null);
            let keeps_prior = !self.creating() && !replacing && p.equivalent(self.prev(&a.name));
            if !p.equivalent(c) && !keeps_prior {
                log::warn!(
                    "{type_name}: plan changed configured attribute {:?}; the configured value is kept",
                    a.name
                );
                planned.set(&a.name, c.clone());
            }
        }
        planned
    }
}

impl<P: Provider> Engine<P> {
    /// PlanResourceChange.
    ///
    /// - destroy (proposed null): planned null, private unchanged;
    /// - attributes with a default and a null configuration get the default;
    /// - create: computed attributes null in the configuration are unknown;
    /// - update: they keep the prior value, except `volatile` ones, which
    ///   are unknown when anything configurable changes;
    /// - a change to a `requires_replace` attribute is listed, and the plan
    ///   is then computed as for a create;
    /// - write-only attributes are null;
    /// - then [`Resource::modify_plan`](crate::resource::Resource::modify_plan)
    ///   runs; afterwards non-null configuration values are enforced (the
    ///   prior value is accepted as a normalised form), as Terraform requires.
    pub async fn plan_resource_change(&self, req: PlanRequest) -> PlanResponse {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(&req.type_name) {
            Ok(x) => x,
            Err(d) => {
                return PlanResponse::unplanned(
                    req.proposed_new_state,
                    req.prior_private,
                    d.into(),
                );
            }
        };
        // Destroy: nothing to plan, the private state stays as it was.
        if req.proposed_new_state.is_null() {
            return PlanResponse::unplanned(Value::Null, req.prior_private, diags);
        }
        let ctx = match self
            .ctx_for(Some(req.capabilities), &req.config, &schema)
            .await
        {
            Ok((c, _)) => c,
            Err(d) => {
                return PlanResponse::unplanned(
                    req.proposed_new_state,
                    req.prior_private,
                    d.into(),
                );
            }
        };
        let block = &schema.block;
        let ty = &schema.ty;
        let prior = conform(req.prior_state, ty);
        let config = conform(req.config, ty);
        let proposed = conform(req.proposed_new_state, ty);
        let mut private = decode_private(&req.prior_private, &mut diags);
        let planner = Planner {
            block,
            prior: &prior,
            config: &config,
        };

        let mut planned = proposed.clone();
        planner.defaults(&mut planned, &mut diags);
        let requires_replace = planner.computed(&mut planned);
        null_write_only(block, &mut planned);
        let input = PlanInput {
            prior_state: &prior,
            config: &config,
            proposed: &proposed,
        };
        r.modify_plan(&ctx, &input, &mut planned, &mut private, &mut diags)
            .await;
        let replacing = !requires_replace.is_empty();
        let planned = planner.enforce(&req.type_name, planned, proposed, ty, replacing, &mut diags);
        PlanResponse {
            planned_state: planned,
            requires_replace,
            planned_private: encode_private(&private),
            diagnostics: diags,
        }
    }
}

#[cfg(test)]
mod tests;

redact::debug!(PlanRequest);

redact::debug!(PlanResponse);
