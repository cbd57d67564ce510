//! `cak_age`: the key as age ciphertext, decrypted with the provider
//! configuration's identities at plan (to compare it with the key on the
//! router) and at apply. State keeps only the ciphertext and the
//! fingerprint, so the same key re-encrypted to other recipients changes no
//! router.
//!
//! After an import, state holds the provider's own encryption of the
//! router's key and the configuration another ciphertext of it (the file
//! `generate` writes: age encryption is randomised, so the two never agree
//! byte for byte). While the configuration's ciphertext decrypts to the key
//! state's decrypts to, the plan keeps state's: Terraform accepts the prior
//! value of a configured attribute as a normalised form of the
//! configuration's (DESIGN.md, "Terraform facts the code relies on"), so
//! the import plans no change on every version, and neither ciphertext is
//! ever shown. A ciphertext the configuration gave is not kept this way:
//! re-encrypting it to other recipients still updates state.

use super::{ApplyCtx, KeyInput, Made, PlanCtx, Want, fail};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::resources::macsec_key::CAK_HOWTO;
use crate::resources::macsec_key::cak::Cak;
use crate::secrets::{self, Identities};

/// The age-encrypted `cak_age` input.
#[derive(Debug)]
pub struct AgeKey;

impl KeyInput for AgeKey {
    fn attribute(&self) -> &'static str {
        "cak_age"
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(text) = config.get_str("cak_age") {
            if text.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        "Empty `cak_age`",
                        "Give the age-encrypted key, for example `file(\"uplink.cak.age\")`.",
                    )
                    .at_attr("cak_age"),
                );
            }
        }
    }

    /// The decrypted key's fingerprint; unknown while the ciphertext is.
    fn plan(&self, p: &PlanCtx<'_>, planned: &mut Value, diags: &mut Diagnostics) -> Option<Want> {
        match p.config.get("cak_age") {
            Some(Value::String(text)) => match decrypt_cak(p.identities, text, "cak_age") {
                Ok(cak) => {
                    if let Some(imported) = same_key_imported(p, text, &cak) {
                        planned.set("cak_age", Value::string(imported));
                    }
                    Some(Want::Known(p.fingerprint(&cak)))
                }
                Err(d) => fail(diags, d),
            },
            _ => Some(Want::Unknown),
        }
    }

    fn apply(&self, a: &ApplyCtx<'_>, diags: &mut Diagnostics) -> Option<Made> {
        if !a.must_write {
            return Some(Made::default());
        }
        let text = a.config.get_str("cak_age").unwrap_or_default();
        match decrypt_cak(a.identities, text, "cak_age") {
            Ok(k) => Some(Made::key(Some(k))),
            Err(d) => fail(diags, d),
        }
    }
}

/// State's `cak_age` when it is the provider's own (an import's) and
/// decrypts to `cak`, the key of the configuration's other ciphertext
/// `configured`; `None` otherwise (nothing to keep).
fn same_key_imported<'a>(p: &PlanCtx<'a>, configured: &str, cak: &Cak) -> Option<&'a str> {
    let prior = p.prior_state.get_str("cak_age")?;
    if !p.imported_cak_age || prior == configured {
        return None;
    }
    let old = decrypt_cak(p.identities, prior, "cak_age").ok()?;
    old.matches(cak.as_hex()).then_some(prior)
}

/// Decrypts the age ciphertext of attribute `attribute` into a [`Cak`]
/// with `ids`; a diagnostic that never shows the plaintext when that fails.
pub fn decrypt_cak(ids: &Identities, text: &str, attribute: &str) -> Result<Cak, Diagnostic> {
    let plain = secrets::decrypt(&secrets::ciphertext_bytes(text), ids)
        .map_err(|e| secrets::diagnostic(&e, attribute))?;
    let text = std::str::from_utf8(&plain).unwrap_or("\u{fffd}");
    Cak::parse(text.trim()).map_err(|e| {
        Diagnostic::error(
            format!("`{attribute}` does not decrypt to a CAK"),
            format!(
                "The value decrypts, but not to a CAK: {e} (the decrypted value is not shown). Encrypt the key itself: 32 hexadecimal characters, for example `{CAK_HOWTO} | age --armor -R recipients.txt > uplink.cak.age`."
            ),
        )
        .at_attr(attribute)
    })
}
