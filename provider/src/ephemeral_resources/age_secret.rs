//! `routeros_age_secret`: decrypts an age ciphertext into an ephemeral,
//! sensitive value, so that a key can reach a write-only attribute
//! (`cak_wo = ephemeral.routeros_age_secret.uplink.plaintext`) without ever
//! being stored in plan or state.
//!
//! Decryption uses the provider's identities (`age_identity`,
//! `age_identity_file`, `ROUTEROS_AGE_IDENTITY`, SOPS's variables and key
//! file: see [`crate::secrets::Identities`]).

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, EphemeralResource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::secrets;

/// The Terraform type name.
pub const TYPE_NAME: &str = "routeros_age_secret";

/// The model (schema source) of `routeros_age_secret`.
#[derive(Serialize, Deserialize, JsonSchema)]
pub struct AgeSecretModel {
    /// The age-encrypted value: armored text as `age --armor` or
    /// `rage --armor` writes it, usually `file("uplink.cak.age")`; or a
    /// binary age file read with `filebase64("uplink.cak.age")`.
    pub ciphertext: String,
    /// The decrypted value, exactly as it was encrypted (a file made with
    /// `echo ... | age` ends with a newline: wrap the value in `trimspace()`
    /// where that matters; CAK inputs ignore surrounding whitespace). It is
    /// sensitive and ephemeral: usable in write-only attributes, provider
    /// blocks and other ephemeral contexts, never stored.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true, "x-tf-sensitive" = true))]
    pub plaintext: Option<String>,
}

/// `routeros_age_secret`.
pub struct AgeSecret;

#[async_trait]
impl EphemeralResource<Configured> for AgeSecret {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema_from_model::<AgeSecretModel>(
            0,
            "Decrypts an age-encrypted value with the provider's age identities into an ephemeral, \
             sensitive value that is never written to plan or state. Needs Terraform 1.10+ or \
             OpenTofu 1.11+ (ephemeral resources).",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(text) = config.get_str("ciphertext")
            && text.trim().is_empty()
        {
            diags.push(
                Diagnostic::error(
                    "Empty `ciphertext`",
                    "Give the age-encrypted value, for example `file(\"uplink.cak.age\")`.",
                )
                .at_attr("ciphertext"),
            );
        }
    }

    async fn open(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let text = config.get_str("ciphertext")?;
        let plaintext = open_with(ctx.client.identities(), text, diags)?;
        let mut result = config.clone();
        result.set("plaintext", Value::string(plaintext.as_str()));
        Some(result)
    }
}

/// Decrypts `text` (the `ciphertext` attribute) into UTF-8 text.
fn open_with(
    ids: &secrets::Identities,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<secrets::Zeroizing<String>> {
    let bytes = match secrets::decrypt(&secrets::ciphertext_bytes(text), ids) {
        Ok(b) => b,
        Err(e) => {
            diags.push(secrets::diagnostic(&e, "ciphertext"));
            return None;
        }
    };
    match std::str::from_utf8(&bytes) {
        Ok(s) => Some(secrets::Zeroizing::new(s.to_owned())),
        Err(_) => {
            diags.push(
                Diagnostic::error(
                    "Decrypted `ciphertext` is not text",
                    "The value decrypted, but to bytes that are not UTF-8 text, which a Terraform \
                     string cannot hold. Encrypt text (for a key: its hexadecimal form).",
                )
                .at_attr("ciphertext"),
            );
            None
        }
    }
}

redact::debug!(AgeSecretModel);

redact::debug!(AgeSecret);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{
        ExposeSecret, Identities, SecretString, encrypt_armored, parse_recipients,
    };

    fn setup() -> (Identities, String) {
        let id = age::x25519::Identity::generate();
        let ids = Identities::from_text(
            "test",
            SecretString::from(id.to_string().expose_secret().to_owned()),
        )
        .unwrap();
        (ids, id.to_public().to_string())
    }

    #[test]
    fn decrypts_armored_text() {
        let (ids, recipient) = setup();
        let ct = encrypt_armored(b"s3cret\n", &parse_recipients(&[recipient]).unwrap()).unwrap();
        let mut diags = Diagnostics::new();
        let pt = open_with(&ids, &ct, &mut diags).unwrap();
        assert_eq!(pt.as_str(), "s3cret\n");
        assert!(diags.is_empty());
    }

    #[test]
    fn non_utf8_plaintext_is_refused_without_echo() {
        let (ids, recipient) = setup();
        let ct = encrypt_armored(
            &[0xff, 0xfe, b'k'],
            &parse_recipients(&[recipient]).unwrap(),
        )
        .unwrap();
        let mut diags = Diagnostics::new();
        assert!(open_with(&ids, &ct, &mut diags).is_none());
        assert!(diags.has_error());
        assert_eq!(diags.0[0].summary, "Decrypted `ciphertext` is not text");
    }

    #[test]
    fn wrong_identity_names_the_attribute() {
        let (_, recipient) = setup();
        let (other, _) = setup();
        let ct = encrypt_armored(b"x", &parse_recipients(&[recipient]).unwrap()).unwrap();
        let mut diags = Diagnostics::new();
        assert!(open_with(&other, &ct, &mut diags).is_none());
        assert_eq!(diags.0[0].summary, "No identity matches `ciphertext`");
    }

    #[test]
    fn schema_marks_plaintext_sensitive_and_computed() {
        let s = AgeSecret.schema();
        let pt = s
            .block
            .attributes
            .iter()
            .find(|a| a.name == "plaintext")
            .unwrap();
        assert!(pt.sensitive && pt.computed && !pt.optional);
        let ct = s
            .block
            .attributes
            .iter()
            .find(|a| a.name == "ciphertext")
            .unwrap();
        assert!(ct.required);
    }
}
