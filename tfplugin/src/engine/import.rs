//! ImportResourceState (by id or by identity) and the identity RPCs:
//! the identity reported with a state, and stored identities upgraded.

use super::checks::{null_unknowns, null_write_only};
use super::{ClientCapabilities, Engine, provider_bug};
use crate::diag::{Diagnostic, Diagnostics};
use crate::resource::Provider;
use crate::schema::Served;
use crate::value::{Value, check_type, conform};

/// One imported object.
pub struct Imported {
    /// Its type name.
    pub type_name: String,
    /// Stub state, complete in shape.
    pub state: Value,
    /// Private state.
    pub private: Vec<u8>,
}

/// An import's stub, checked and completed in shape (write-only and
/// unknown values nulled: ReadResource completes it), or the error for an
/// import that found nothing (`what` names what was given).
fn finish_import(
    type_name: &str,
    schema: &Served,
    stub: Option<Value>,
    what: &str,
    mut diags: Diagnostics,
) -> (Vec<Imported>, Diagnostics) {
    let (block, ty) = (&schema.block, &schema.ty);
    match stub {
        Some(stub) if !stub.is_null() => {
            let mut state = conform(stub, ty);
            if let Err(e) = check_type(&state, ty) {
                diags.push(provider_bug("Provider returned a malformed import stub", e));
                return (Vec::new(), diags);
            }
            null_write_only(block, &mut state);
            let _ = null_unknowns(&mut state);
            (
                vec![Imported {
                    type_name: type_name.to_string(),
                    state,
                    private: Vec::new(),
                }],
                diags,
            )
        }
        _ => {
            if !diags.has_error() {
                diags.push(Diagnostic::error(
                    "Cannot import",
                    format!("No {type_name} was found for {what}. Check it, and that the object exists on the router."),
                ));
            }
            (Vec::new(), diags)
        }
    }
}

impl<P: Provider> Engine<P> {
    /// ImportResourceState.
    pub async fn import_resource_state(
        &self,
        type_name: &str,
        id: &str,
        caps: ClientCapabilities,
    ) -> (Vec<Imported>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Vec::new(), d.into()),
        };
        let (route, rest) = {
            let guard = self.configured.read().await;
            match guard.as_ref() {
                Some(c) => {
                    let (route, rest) = self.split_import_id(&c.configured, id);
                    (route, rest.to_string())
                }
                None => (None, id.to_string()),
            }
        };
        let ctx = match self.ctx(Some(caps), route.as_deref(), &schema).await {
            Ok(c) => c,
            Err(d) => return (Vec::new(), d.into()),
        };
        let mut stub = r.import(&ctx, &rest, &mut diags).await;
        if let Some(s) = &mut stub {
            self.stamp(s, route.as_deref());
        }
        finish_import(
            type_name,
            &schema,
            stub,
            &format!("the import id {id:?}"),
            diags,
        )
    }

    /// ImportResourceState with an identity instead of an id.
    pub async fn import_resource_identity(
        &self,
        type_name: &str,
        identity: Value,
        caps: ClientCapabilities,
    ) -> (Vec<Imported>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Vec::new(), d.into()),
        };
        let (ctx, route) = match self.ctx_for(Some(caps), &identity, &schema).await {
            Ok(c) => c,
            Err(d) => return (Vec::new(), d.into()),
        };
        let mut stub = r.import_identity(&ctx, &identity, &mut diags).await;
        if let Some(s) = &mut stub {
            self.stamp(s, route.as_deref());
        }
        finish_import(type_name, &schema, stub, "the identity given", diags)
    }

    /// The identity to report with `state` (after a read, plan or apply).
    /// A stored identity is kept (Terraform forbids a read to change it);
    /// when the object no longer matches it, a warning says so. `None`
    /// when the type has no identity or the state is null.
    pub fn identity_for(
        &self,
        type_name: &str,
        state: &Value,
        prior_identity: Option<&Value>,
        keep_prior: bool,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let r = self.resources.get(type_name)?;
        r.identity_schema()?;
        if state.is_null() {
            return None;
        }
        if keep_prior {
            if let Some(prior) = prior_identity.filter(|p| !p.is_null()) {
                if let Some(w) = r.identity_changed(prior, state) {
                    diags.push(w);
                }
                return Some(prior.clone());
            }
        }
        self.identity_of(r, state)
            .or_else(|| prior_identity.filter(|p| !p.is_null()).cloned())
    }

    /// The identity of the object in `state` as served: the resource's
    /// own, with the route the state records.
    fn identity_of(&self, r: &super::ResourceRef<P::Client>, state: &Value) -> Option<Value> {
        let mut identity = r.identity(state)?;
        let route = self.route_in(state).ok().flatten();
        self.stamp(&mut identity, route.as_deref());
        Some(identity)
    }

    /// True when the plan changes the attribute the identity is made of
    /// (an in-place rename): the planned identity then follows the plan.
    pub fn identity_planned_change(
        &self,
        type_name: &str,
        planned: &Value,
        prior_identity: Option<&Value>,
    ) -> bool {
        let (Some(r), Some(prior)) = (self.resources.get(type_name), prior_identity) else {
            return false;
        };
        self.identity_of(r, planned)
            .is_some_and(|now| &now != prior)
    }

    /// UpgradeResourceIdentity.
    pub fn upgrade_resource_identity(
        &self,
        type_name: &str,
        version: i64,
        json: &[u8],
    ) -> (Value, Diagnostics) {
        let r = match self.resource(type_name) {
            Ok((r, _)) => r,
            Err(d) => return (Value::Null, d.into()),
        };
        let parsed: serde_json::Value = match serde_json::from_slice(json) {
            Ok(v) => v,
            Err(e) => {
                return (
                    Value::Null,
                    provider_bug("Cannot read the stored identity", e).into(),
                );
            }
        };
        // With a route, the served version is one past the resource's
        // own: that one is read as it is, and an older one upgraded by the
        // resource and given a null route (stored before routes existed).
        let served = self.identity_schema_of(r);
        let upgraded = match (self.route, served) {
            (Some(_), Some(s)) if version == s.version => Ok(s.read_json(&parsed)),
            (Some(_), _) => r.upgrade_identity(version, &parsed).map(|mut v| {
                self.stamp(&mut v, None);
                v
            }),
            (None, _) => r.upgrade_identity(version, &parsed),
        };
        match upgraded {
            Ok(v) => (v, Diagnostics::new()),
            Err(e) => (
                Value::Null,
                Diagnostic::error(
                    format!("Cannot upgrade the identity of this {type_name}"),
                    format!("{e}. Remove the resource from state (`terraform state rm`) and import it again."),
                )
                .into(),
            ),
        }
    }
}

#[cfg(test)]
mod tests;

redact::debug!(Imported);
