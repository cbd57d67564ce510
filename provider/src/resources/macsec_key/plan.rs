//! The plan of a key: what every input shares (the claim on the
//! interface, case, the salt, fingerprints, drift and the warnings about
//! them); the input's strategy says which fingerprint it wants.

use super::input::{self, PlanCtx, Want, cak_input};
use super::{MacsecKey, PRIVATE_CAK_READABLE, PRIVATE_IMPORTED_AGE, PRIVATE_SALT, PRIVATE_WRITTEN};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;
use crate::resources::row::{self, MenuRow};
use crate::secrets;

/// The plan of `routeros_macsec_key` (see [`crate::plugin::resource::Resource::modify_plan`]).
pub(super) async fn modify_plan(
    ctx: &Ctx<Configured>,
    input: &PlanInput<'_>,
    planned: &mut Value,
    private: &mut Private,
    diags: &mut Diagnostics,
) {
    // Two keys on one interface would overwrite each other for ever.
    if let Some(interface) = planned.get_str("interface") {
        row::claim_key(
            &ctx.client,
            <MacsecKey as MenuRow>::TYPE_NAME,
            "the key of MACsec interface",
            "interface",
            interface,
            input.config,
            diags,
        );
    }
    let replacing = !input.prior_state.is_null()
        && matches!(
            (input.prior_state.get_str("interface"), planned.get("interface")),
            (Some(old), Some(Value::String(new))) if old != new
        );
    let creating = input.prior_state.is_null() || replacing;
    if !input.prior_state.is_null() {
        // A change of case alone is no change: RouterOS stores lower case.
        for attr in ["cak", "ckn"] {
            if let (Some(conf), Some(prior)) =
                (input.config.get_str(attr), input.prior_state.get_str(attr))
            {
                if conf != prior && conf.eq_ignore_ascii_case(prior) {
                    planned.set(attr, Value::string(prior));
                }
            }
        }
    }
    // A configuration without exactly one input was reported by validate.
    let Ok(kind) = cak_input(input.config) else {
        return;
    };
    let salt = match salt(private) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let strategy = input::strategy(kind);
    if !strategy.generated() {
        planned.set("cak_age_out", Value::Null);
    }
    let prior_fp = (!creating)
        .then(|| input.prior_state.get_str("cak_fingerprint"))
        .flatten()
        .map(str::to_string);
    let written_fp = (!creating).then(|| written(private)).flatten();
    let target = written_fp.clone().or_else(|| prior_fp.clone());
    let drift = matches!((&prior_fp, &written_fp), (Some(p), Some(w)) if p != w);
    let interface = planned
        .get_str("interface")
        .or(input.prior_state.get_str("interface"))
        .unwrap_or("the MACsec interface")
        .to_string();
    let p = PlanCtx {
        config: input.config,
        prior_state: input.prior_state,
        creating,
        target,
        drift,
        interface: &interface,
        salt: &salt,
        identities: ctx.client.identities(),
        imported_cak_age: !creating
            && private.get(PRIVATE_IMPORTED_AGE) == Some(&serde_json::Value::Bool(true)),
    };
    let Some(want) = strategy.plan(&p, planned, diags) else {
        return;
    };
    // On create the salt is new, and the plan Terraform makes again at
    // apply starts from no private state (a new salt): the fingerprint
    // is known only after apply.
    if creating {
        planned.set("cak_fingerprint", Value::unknown());
        return;
    }
    match &want {
        Want::Known(fp) => planned.set("cak_fingerprint", Value::string(fp.as_str())),
        Want::Unknown => planned.set("cak_fingerprint", Value::unknown()),
    }
    if drift {
        diags.push(Diagnostic::warning(
            "The CAK on the router no longer matches the configured one",
            format!(
                "The key of MACsec interface {interface:?} on the router has changed since Terraform wrote it: its fingerprint (`cak_fingerprint`) differs. Neither key is shown. Applying writes the configured key again. If the change on the router was deliberate, put the new key into the configuration instead (and on the other end of the link)."
            ),
        ));
    }
    // The router hid the CAK (typically right after an import): say
    // why the plan writes it instead of planning a silent change.
    let hidden = private.get(PRIVATE_CAK_READABLE) == Some(&serde_json::Value::Bool(false));
    if prior_fp.is_none() && !strategy.generated() {
        let why = if hidden {
            "the router does not show it to the provider's user, whose group lacks the `sensitive` policy"
        } else {
            "it is not in state"
        };
        let input_name = strategy.attribute();
        diags.push(Diagnostic::warning(
            "The CAK on the router cannot be compared",
            format!(
                "Terraform does not know the CAK of {interface:?}: {why} (typical right after `terraform import`). So the plan writes `{input_name}`: applying sets the CAK of {interface:?} to the configured key, which is harmless when it is the key already there. Make sure it is the key the other end of the link uses, or the link stays down until both ends match. To let the provider detect a changed key on the router, give the user's group the `sensitive` policy."
            ),
        ));
    }
}

/// The fingerprint salt of this resource, from private state; a new one
/// is made (and kept there) when there is none.
pub(super) fn salt(private: &mut Private) -> Result<Vec<u8>, Diagnostic> {
    if let Some(bytes) = private
        .get(PRIVATE_SALT)
        .and_then(|v| v.as_str())
        .and_then(|h| hex::decode(h).ok())
        .filter(|b| !b.is_empty())
    {
        return Ok(bytes);
    }
    let fresh = secrets::new_salt().map_err(|e| {
        Diagnostic::error(
            "No random source for the key fingerprint",
            format!("{e}. Fix the system's random source and run Terraform again."),
        )
    })?;
    private.insert(
        PRIVATE_SALT.into(),
        serde_json::Value::String(hex::encode(fresh)),
    );
    Ok(fresh.to_vec())
}

/// The fingerprint of the key last written, from private state.
pub(super) fn written(private: &Private) -> Option<String> {
    private
        .get(PRIVATE_WRITTEN)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}
