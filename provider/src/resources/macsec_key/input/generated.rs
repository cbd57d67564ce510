//! No key given, `cak_age_recipients` set: the provider generates a random
//! CAK (and, unless `ckn` is set, a random CKN), writes it, and hands it
//! out only as `cak_age_out`, encrypted to the recipients. Changing the
//! recipients re-encrypts the same key, which needs an identity of the
//! provider that decrypts the current `cak_age_out`; a key that drifted on
//! the router is written again from `cak_age_out`, or replaced by a new one
//! when nothing here can decrypt it.

use super::age::decrypt_cak;
use super::{ApplyCtx, KeyInput, Made, PlanCtx, Want, fail};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::resources::macsec_key::CKN_MAX_HEX_LEN;
use crate::resources::macsec_key::cak::Cak;
use crate::secrets;

/// Length of a generated CKN in bytes (the longest RouterOS takes).
const GENERATED_CKN_BYTES: usize = CKN_MAX_HEX_LEN / 2;

/// The generated input (`cak_age_recipients`, handing out `cak_age_out`).
#[derive(Debug)]
pub struct GeneratedKey;

impl KeyInput for GeneratedKey {
    fn attribute(&self) -> &'static str {
        "cak_age_recipients"
    }

    fn generated(&self) -> bool {
        true
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(Value::List(items)) = config.get("cak_age_recipients") {
            let known: Option<Vec<String>> = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            if let Some(list) = known {
                if let Err(e) = secrets::parse_recipients(&list) {
                    diags.push(secrets::diagnostic(&e, "cak_age_recipients"));
                }
            }
        }
    }

    /// Unknown on create; else the key on the router, unless the
    /// recipients changed or the key drifted: then the current key is
    /// decrypted from `cak_age_out` (to re-encrypt or restore it), or a new
    /// one is planned when nothing here can decrypt it (an error when only
    /// the recipients changed).
    fn plan(&self, p: &PlanCtx<'_>, planned: &mut Value, diags: &mut Diagnostics) -> Option<Want> {
        if p.creating {
            return Some(Want::Unknown);
        }
        let recipients_changed = p.changed("cak_age_recipients");
        if !(recipients_changed || p.drift) {
            return Some(match &p.target {
                Some(t) => Want::Known(t.clone()),
                None => Want::Unknown,
            });
        }
        let current = p
            .prior_state
            .get_str("cak_age_out")
            .ok_or_else(|| {
                Diagnostic::error("No generated key in state", "State has no `cak_age_out`.")
            })
            .and_then(|out| decrypt_cak(p.identities, out, "cak_age_out"));
        let interface = p.interface;
        match (current, recipients_changed, p.drift) {
            (Ok(cak), _, _) => {
                if recipients_changed {
                    planned.set("cak_age_out", Value::unknown());
                }
                Some(Want::Known(
                    p.target.clone().unwrap_or_else(|| p.fingerprint(&cak)),
                ))
            }
            (Err(d), true, false) => fail(
                diags,
                Diagnostic::error(
                    "Cannot re-encrypt the generated key",
                    format!(
                        "Changing `cak_age_recipients` re-encrypts the generated key of {interface:?} to the new list, which needs an age identity of the provider that can decrypt the current `cak_age_out`. {} {}. Configure such an identity (`age_identity`, `age_identity_file` or ROUTEROS_AGE_IDENTITY), or replace the resource (`terraform apply -replace=...`) to generate a new key, then configure the other end with it.",
                        d.summary, d.detail
                    ),
                )
                .at_attr("cak_age_recipients"),
            ),
            (Err(_), _, _) => {
                diags.push(Diagnostic::warning(
                    "A new key will be generated",
                    format!(
                        "The key on the router no longer matches the generated one, and no age identity here can decrypt `cak_age_out` to write it again. Applying generates a new key for {interface:?} and a new `cak_age_out`: configure the other end of the link with it."
                    ),
                ));
                planned.set("cak_age_out", Value::unknown());
                Some(Want::Unknown)
            }
        }
    }

    fn apply(&self, a: &ApplyCtx<'_>, diags: &mut Diagnostics) -> Option<Made> {
        let (plan, prior) = (a.plan, a.prior);
        let recipients = plan.cak_age_recipients.clone().unwrap_or_default();
        let mut made = Made::default();
        if plan.ckn.is_none() && a.config.get("ckn").is_none_or(Value::is_null) && prior.is_none() {
            match random_ckn() {
                Ok(c) => made.ckn = Some(c),
                Err(d) => return fail(diags, d),
            }
        }
        let new_out = plan.cak_age_out.is_none();
        // The current key, when there is one to keep.
        let keep = match prior {
            Some(p) if plan.cak_fingerprint.is_some() && (a.must_write || new_out) => {
                let Some(out) = p.cak_age_out.as_deref() else {
                    return fail(
                        diags,
                        Diagnostic::error(
                            "No generated key in state",
                            "State has no `cak_age_out` to re-encrypt or restore. Replace the resource (`terraform apply -replace=<address>`) to generate a new key.",
                        ),
                    );
                };
                match decrypt_cak(a.identities, out, "cak_age_out") {
                    Ok(k) => Some(k),
                    Err(d) => return fail(diags, d),
                }
            }
            _ => None,
        };
        let key = match (prior, keep) {
            (_, Some(k)) => Some(k),
            (None, None) => Some(random_cak(diags)?),
            (Some(_), None) if plan.cak_fingerprint.is_none() => Some(random_cak(diags)?),
            (Some(_), None) => None,
        };
        made.cak_age_out = match (&key, new_out) {
            (Some(k), true) => match encrypt_out(k, &recipients) {
                Ok(out) => Some(out),
                Err(d) => return fail(diags, d),
            },
            _ => plan
                .cak_age_out
                .clone()
                .or_else(|| prior.and_then(|p| p.cak_age_out.clone())),
        };
        made.key = if a.must_write || prior.is_none() {
            key
        } else {
            None
        };
        Some(made)
    }
}

/// A fresh random CAK, or an error diagnostic.
fn random_cak(diags: &mut Diagnostics) -> Option<Cak> {
    match Cak::random() {
        Ok(k) => Some(k),
        Err(e) => fail(
            diags,
            Diagnostic::error(
                "No random source for a CAK",
                format!(
                    "The operating system's random source failed ({e}). Fix it and apply again."
                ),
            ),
        ),
    }
}

/// `cak` encrypted to the recipients of `cak_age_recipients`.
fn encrypt_out(cak: &Cak, recipients: &[String]) -> Result<String, Diagnostic> {
    secrets::parse_recipients(recipients)
        .and_then(|r| secrets::encrypt_armored(cak.as_hex().as_bytes(), &r))
        .map_err(|e| secrets::diagnostic(&e, "cak_age_recipients"))
}

/// A random CKN from the operating system's random source.
fn random_ckn() -> Result<String, Diagnostic> {
    secrets::random_hex(GENERATED_CKN_BYTES)
        .map(|h| h.to_string())
        .map_err(|e| {
            Diagnostic::error(
                "No random source for a CKN",
                format!("{e}. Fix the system's random source, or set `ckn`."),
            )
        })
}
