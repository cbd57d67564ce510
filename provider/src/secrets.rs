//! The provider's side of secrets: the [`secrets`](::secrets) crate (age,
//! knowing nothing of Terraform) and the diagnostics that put its errors at
//! an attribute.

pub use ::secrets::*;

/// Decrypts the age-encrypted text input `attribute` (such as
/// `password_age`) with `identities`, keeping the plaintext in zeroizing
/// memory; one trailing newline (what `echo ... | age` leaves) is dropped.
/// A diagnostic at `attribute` that never shows the plaintext when that
/// fails.
pub fn decrypt_text(
    ciphertext: &str,
    attribute: &str,
    identities: &Identities,
    diags: &mut crate::plugin::diag::Diagnostics,
) -> Option<Zeroizing<String>> {
    let bytes = match decrypt(&ciphertext_bytes(ciphertext), identities) {
        Ok(b) => b,
        Err(e) => {
            diags.push(diagnostic(&e, attribute));
            return None;
        }
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        diags.push(
            crate::plugin::diag::Diagnostic::error(
                format!("Decrypted `{attribute}` is not text"),
                "The value decrypted to bytes that are not UTF-8 text. Encrypt the text itself.",
            )
            .at_attr(attribute),
        );
        return None;
    };
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    Some(Zeroizing::new(text.to_owned()))
}

/// A diagnostic for a failure to use the age value of attribute `attribute`
/// (at the top level of the configuration that holds it). The summary names
/// the attribute; the detail says why and what to do; neither contains a
/// secret.
pub fn diagnostic(err: &SecretError, attribute: &str) -> crate::plugin::diag::Diagnostic {
    let summary = match err {
        SecretError::NoIdentity { .. } => format!("No age identity to decrypt `{attribute}`"),
        SecretError::NoMatch { .. } => format!("No identity matches `{attribute}`"),
        SecretError::MalformedArmor { .. } => format!("Malformed age armor in `{attribute}`"),
        SecretError::Malformed { .. } => {
            format!("`{attribute}` is not a valid age-encrypted value")
        }
        SecretError::InvalidIdentity { .. } => format!("Unusable age identity for `{attribute}`"),
        SecretError::InvalidRecipient { .. } | SecretError::NoRecipients => {
            format!("Invalid recipients in `{attribute}`")
        }
        SecretError::Encrypt { .. } | SecretError::Random { .. } => {
            format!("Cannot produce `{attribute}`")
        }
        _ => format!("Cannot use `{attribute}`"),
    };
    let mut detail = err.to_string();
    if let Some(first) = detail.get(..1) {
        let upper = first.to_uppercase();
        detail.replace_range(..1, &upper);
    }
    crate::plugin::diag::Diagnostic::error(summary, format!("{detail}.")).at_attr(attribute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_name_the_attribute() {
        let d = diagnostic(
            &SecretError::NoMatch {
                tried: vec!["env".into()],
            },
            "cak_age",
        );
        assert_eq!(d.summary, "No identity matches `cak_age`");
        assert!(
            d.detail.starts_with("No identity matches: "),
            "{}",
            d.detail
        );
        assert!(d.attribute.is_some());
    }
}
