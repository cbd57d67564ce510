//! Secrets: a small layer over the [`age`] crate, used by resources and the
//! provider configuration alike.
//!
//! - [`parse_recipients`]: `age1...` and SSH public keys to encrypt to;
//! - [`Identities`]: the secret keys that decrypt, found (lazily, only when a
//!   `*_age` input must be decrypted) in the provider configuration, the
//!   environment or SOPS's key file, each remembered with where it came from;
//! - [`decrypt`] / [`encrypt_armored`]: armored or binary age files;
//! - [`fingerprint`] / [`new_salt`]: a salted SHA-256 that lets state record
//!   *which* key is configured without recording the key.
//!
//! Nothing in this module prints a secret: errors ([`SecretError`]) name
//! sources, attributes, indexes and line numbers, never contents; secret
//! values live in [`zeroize::Zeroizing`] / [`age::secrecy`] wrappers that
//! wipe their memory when dropped and do not implement a revealing `Debug`.

mod crypt;
mod identities;
mod recipients;

pub use crypt::{decrypt, encrypt_armored, looks_armored};
pub use identities::{EnvLookup, Identities, IdentityConfig, IdentitySource};
pub use recipients::{BoxedRecipient, parse_recipients};

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// Re-exported so that callers need no direct dependency on `secrecy`.
pub use age::secrecy::{ExposeSecret, SecretString};
/// Re-exported so that callers need no direct dependency on `zeroize`.
pub use zeroize::{Zeroize, Zeroizing};

/// A writer that age-encrypts what passes through it to the recipients it
/// was made for (see [`encrypting_writer`]); `finish` writes the last chunk.
pub type EncryptingWriter<W> = age::stream::StreamWriter<W>;

/// Wraps `out` so that what is written to it is age-encrypted (binary, not
/// armored) to every one of `recipients`, in bounded memory.
pub fn encrypting_writer<W: std::io::Write>(
    recipients: &[BoxedRecipient],
    out: W,
) -> Result<EncryptingWriter<W>, SecretError> {
    let encryptor = age::Encryptor::with_recipients(
        recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
    )
    .map_err(|e| SecretError::Encrypt {
        reason: e.to_string(),
    })?;
    encryptor
        .wrap_output(out)
        .map_err(|e| SecretError::Encrypt {
            reason: e.to_string(),
        })
}

/// Length of a fingerprint salt in bytes.
pub const SALT_LEN: usize = 16;

/// Domain separation for [`fingerprint`], so that the hash of a CAK here can
/// never be confused with a hash of the same bytes made for another purpose.
const FINGERPRINT_DOMAIN: &[u8] = b"terraform-provider-routeros/cak-fingerprint/v1\0";

/// Everything that can go wrong with age inputs. Messages say what failed
/// and what to do; they never contain plaintext, identities or ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// A `*_age` input must be decrypted but no identity is configured.
    #[error(
        "no age identity is configured to decrypt it. Looked at: {}. Set the provider \
         attribute `age_identity` or `age_identity_file`, or one of those environment \
         variables, to the identity (`AGE-SECRET-KEY-1...` or an SSH private key) whose \
         recipient the value was encrypted to",
        .looked_at.join(", ")
    )]
    NoIdentity {
        /// Every place that was consulted, in order.
        looked_at: Vec<String>,
    },
    /// Identities were found, but the ciphertext was encrypted to none of them.
    #[error(
        "no identity matches: the value was not encrypted to any identity from {}. \
         Re-encrypt it to one of their recipients (`age-keygen -y <identity file>` prints \
         it) or configure the identity it was encrypted to",
        .tried.join(", ")
    )]
    NoMatch {
        /// The sources of the identities that were tried.
        tried: Vec<String>,
    },
    /// The text looks like an armored age file but the armor is broken.
    #[error(
        "malformed age armor ({reason}). Expected the unmodified output of `age --armor` / \
         `rage --armor`: a `-----BEGIN AGE ENCRYPTED FILE-----` line, base64 wrapped at 64 \
         columns, and a `-----END AGE ENCRYPTED FILE-----` line"
    )]
    MalformedArmor {
        /// What is wrong with the armor (never the armor's content).
        reason: String,
    },
    /// The bytes are not a valid age file (or were tampered with).
    #[error("not a valid age-encrypted value ({reason}). Create it with `age`/`rage` or SOPS")]
    Malformed {
        /// What is wrong (never the content).
        reason: String,
    },
    /// An identity source was found but does not contain usable identities.
    #[error("the age identity from {source_name} cannot be used: {reason}")]
    InvalidIdentity {
        /// Where the identity came from (attribute, variable or file path).
        source_name: String,
        /// What is wrong (line numbers at most, never the content).
        reason: String,
    },
    /// A recipient list entry is not a recipient.
    #[error("recipient [{index}] is invalid: {reason}")]
    InvalidRecipient {
        /// Zero-based position of the entry in the list.
        index: usize,
        /// What is wrong with it (never the entry itself).
        reason: String,
    },
    /// A recipient list is empty.
    #[error("no recipients given: list at least one `age1...` or SSH public key")]
    NoRecipients,
    /// Encryption failed.
    #[error("age encryption failed: {reason}")]
    Encrypt {
        /// What failed.
        reason: String,
    },
    /// The operating system's random source failed.
    #[error("the operating system's random number generator failed: {reason}")]
    Random {
        /// What the OS reported.
        reason: String,
    },
}

/// Turns an attribute's text into age file bytes: armored text as it is,
/// or the base64 of a binary age file (what Terraform's `filebase64()`
/// returns, since `file()` only reads UTF-8 text).
pub fn ciphertext_bytes(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    if !looks_armored(text.as_bytes()) {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes())
            && bytes.starts_with(b"age-encryption.org/")
        {
            return bytes;
        }
    }
    text.as_bytes().to_vec()
}

/// A salted SHA-256 of a CAK, as lower-case hex: what state keeps so that a
/// changed key can be noticed without storing the key.
///
/// The CAK is normalised first (surrounding whitespace removed, ASCII
/// lower-cased), because RouterOS stores hex keys in lower case and a change
/// of case is not a change of key. With a random 128-bit CAK the hash reveals
/// nothing useful; a guessable, hand-chosen CAK could be found by trying
/// candidates against it, like any hash.
pub fn fingerprint(salt: &[u8], cak: &str) -> String {
    let normalised = Zeroizing::new(cak.trim().to_ascii_lowercase());
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_DOMAIN);
    hasher.update((salt.len() as u64).to_be_bytes());
    hasher.update(salt);
    hasher.update(normalised.as_bytes());
    hex::encode(hasher.finalize())
}

/// A fresh random salt for [`fingerprint`], from the operating system's
/// random source.
pub fn new_salt() -> Result<[u8; SALT_LEN], SecretError> {
    let mut salt = [0u8; SALT_LEN];
    random_bytes(&mut salt)?;
    Ok(salt)
}

/// Fills `buf` from the operating system's random source (used for salts
/// and generated keys).
pub fn random_bytes(buf: &mut [u8]) -> Result<(), SecretError> {
    OsRng.try_fill_bytes(buf).map_err(|e| SecretError::Random {
        reason: e.to_string(),
    })
}

/// `count` random bytes as lower-case hex, held in zeroizing memory (a
/// generated CAK or CKN).
pub fn random_hex(count: usize) -> Result<Zeroizing<String>, SecretError> {
    let mut bytes = Zeroizing::new(vec![0u8; count]);
    random_bytes(&mut bytes)?;
    Ok(Zeroizing::new(hex::encode(&*bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_salt_and_key_not_on_case() {
        let salt = [7u8; SALT_LEN];
        let cak = "71a7c363794da400dbde595d3926b0e9";
        let a = fingerprint(&salt, cak);
        assert_eq!(a.len(), 64);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(a, fingerprint(&salt, &cak.to_ascii_uppercase()));
        assert_eq!(a, fingerprint(&salt, &format!(" {cak}\n")));
        assert_ne!(a, fingerprint(&[8u8; SALT_LEN], cak));
        assert_ne!(a, fingerprint(&salt, "71a7c363794da400dbde595d3926b0e8"));
        assert!(!a.contains(cak));
    }

    #[test]
    fn base64_of_a_binary_file_is_accepted() {
        use base64::Engine as _;
        let bin = b"age-encryption.org/v1\n-> X25519 abc\n".to_vec();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bin);
        assert_eq!(ciphertext_bytes(&b64), bin);
        assert_eq!(ciphertext_bytes("plain text"), b"plain text");
        let armored =
            "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n";
        assert_eq!(ciphertext_bytes(armored), armored.as_bytes());
    }

    #[test]
    fn salts_are_random() {
        let a = new_salt().unwrap();
        let b = new_salt().unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; SALT_LEN]);
    }

    #[test]
    fn random_hex_has_the_requested_length() {
        let h = random_hex(16).unwrap();
        assert_eq!(h.len(), 32);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(*h, *random_hex(16).unwrap());
    }

    #[test]
    fn error_messages_say_what_to_do() {
        let e = SecretError::NoIdentity {
            looked_at: vec!["a".into(), "b".into()],
        };
        assert!(e.to_string().contains("Looked at: a, b"));
        assert!(e.to_string().contains("age_identity_file"));
        let e = SecretError::NoMatch {
            tried: vec!["x".into()],
        };
        assert!(e.to_string().starts_with("no identity matches"));
    }
}
