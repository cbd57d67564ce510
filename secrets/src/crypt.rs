//! Encrypting and decrypting age files (armored text or binary).

use std::io::{Read, Write};

use age::armor::{ArmoredReadError, ArmoredReader, ArmoredWriter, Format};
use zeroize::Zeroizing;

use super::{BoxedRecipient, Identities, SecretError};

/// The first line of an armored age file.
const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

/// Largest plaintext accepted from a decryption (the inputs are keys and
/// passwords; anything bigger is a mistake, not a secret to hold in memory).
const MAX_PLAINTEXT: u64 = 64 << 10;

/// Whether `bytes` look like an armored age file (as opposed to binary).
pub fn looks_armored(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes[start..].starts_with(ARMOR_BEGIN.as_bytes())
}

/// Armor as users paste it, made acceptable to the strict parser: CRLF line
/// ends (a Windows checkout) become LF, surrounding whitespace goes, and the
/// text ends with exactly one newline.
fn normalise_armor(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() + 1));
    out.extend(bytes.iter().copied().filter(|&b| b != b'\r'));
    while out.last().is_some_and(|b| b.is_ascii_whitespace()) {
        out.pop();
    }
    let start = out
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    out.drain(..start);
    out.push(b'\n');
    out
}

/// Maps an age error to ours, never including content.
fn map_decrypt_error(e: age::DecryptError, armored: bool, ids: Option<&Identities>) -> SecretError {
    match e {
        age::DecryptError::NoMatchingKeys => SecretError::NoMatch {
            tried: ids
                .and_then(|i| i.load().ok())
                .map(|l| {
                    let mut v: Vec<String> = l.iter().map(|s| s.source.clone()).collect();
                    v.dedup();
                    v
                })
                .unwrap_or_default(),
        },
        age::DecryptError::Io(io) => map_io_error(&io, armored),
        age::DecryptError::InvalidHeader => SecretError::Malformed {
            reason: "the age header is invalid".to_owned(),
        },
        age::DecryptError::UnknownFormat => SecretError::Malformed {
            reason: "not an age file, or a newer age format this provider does not know".to_owned(),
        },
        age::DecryptError::InvalidMac | age::DecryptError::DecryptionFailed => {
            SecretError::Malformed {
                reason: "the file failed its integrity check: it is damaged or was modified"
                    .to_owned(),
            }
        }
        age::DecryptError::KeyDecryptionFailed => SecretError::Malformed {
            reason: "an identity is itself encrypted and could not be unlocked".to_owned(),
        },
        age::DecryptError::ExcessiveWork { .. } => SecretError::Malformed {
            reason: "the file is passphrase-encrypted; use recipients (`age -r`), not `age -p`"
                .to_owned(),
        },
        _ => SecretError::Malformed {
            reason: "age could not read it".to_owned(),
        },
    }
}

fn map_io_error(io: &std::io::Error, armored: bool) -> SecretError {
    if let Some(inner) = io
        .get_ref()
        .and_then(|r| r.downcast_ref::<ArmoredReadError>())
    {
        let reason = match inner {
            ArmoredReadError::Base64(_) => "invalid base64".to_owned(),
            other => other.to_string(),
        };
        return SecretError::MalformedArmor { reason };
    }
    if armored {
        SecretError::MalformedArmor {
            reason: format!("{}", io.kind()),
        }
    } else {
        SecretError::Malformed {
            reason: format!("{}", io.kind()),
        }
    }
}

/// Decrypts an age file, armored or binary, with the given identities.
///
/// The file is parsed before any identity is read, so a malformed value is
/// reported as such even where no identity is configured. The plaintext is
/// returned in memory that is wiped on drop.
pub fn decrypt(ciphertext: &[u8], ids: &Identities) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let armored = looks_armored(ciphertext);
    let normalised;
    let input: &[u8] = if armored {
        normalised = normalise_armor(ciphertext);
        &normalised
    } else {
        if ciphertext.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(SecretError::Malformed {
                reason: "the value is empty".to_owned(),
            });
        }
        if !ciphertext.starts_with(b"age-encryption.org/") {
            return Err(SecretError::Malformed {
                reason:
                    "it neither starts with `-----BEGIN AGE ENCRYPTED FILE-----` (armored) nor \
                         with `age-encryption.org/` (binary)"
                        .to_owned(),
            });
        }
        ciphertext
    };
    let decryptor = age::Decryptor::new_buffered(ArmoredReader::new(input))
        .map_err(|e| map_decrypt_error(e, armored, None))?;
    let loaded = ids.load()?;
    let mut reader = decryptor
        .decrypt(loaded.iter().map(|s| s.identity()))
        .map_err(|e| map_decrypt_error(e, armored, Some(ids)))?;
    let mut plaintext = Zeroizing::new(Vec::new());
    (&mut reader)
        .take(MAX_PLAINTEXT + 1)
        .read_to_end(&mut plaintext)
        .map_err(|e| map_io_error(&e, armored))?;
    if plaintext.len() as u64 > MAX_PLAINTEXT {
        return Err(SecretError::Malformed {
            reason: "the decrypted value is larger than 64 KiB, far more than a key or password"
                .to_owned(),
        });
    }
    Ok(plaintext)
}

/// Encrypts `plaintext` to every recipient, as armored text (what
/// `age --armor` writes).
pub fn encrypt_armored(
    plaintext: &[u8],
    recipients: &[BoxedRecipient],
) -> Result<String, SecretError> {
    if recipients.is_empty() {
        return Err(SecretError::NoRecipients);
    }
    let encrypt_err = |reason: String| SecretError::Encrypt { reason };
    let encryptor = age::Encryptor::with_recipients(
        recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
    )
    .map_err(|e| encrypt_err(e.to_string()))?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let armor = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor)
        .map_err(|e| encrypt_err(e.to_string()))?;
    let mut writer = encryptor
        .wrap_output(armor)
        .map_err(|e| encrypt_err(e.to_string()))?;
    writer
        .write_all(plaintext)
        .map_err(|e| encrypt_err(e.to_string()))?;
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .map_err(|e| encrypt_err(e.to_string()))?;
    String::from_utf8(out).map_err(|_| encrypt_err("armor produced non-UTF-8 output".to_owned()))
}

/// Binary (unarmored) encryption, as `age` without `--armor` writes it.
#[cfg(test)]
fn encrypt_binary(plaintext: &[u8], recipient: &dyn age::Recipient) -> Vec<u8> {
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).unwrap();
    w.write_all(plaintext).unwrap();
    w.finish().unwrap();
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use age::secrecy::{ExposeSecret, SecretString};

    use super::*;
    use crate::{IdentityConfig, parse_recipients};

    const SSH_KEY: &str = include_str!("testdata/test_only_ssh_ed25519");
    const SSH_PUB: &str = include_str!("testdata/test_only_ssh_ed25519.pub");
    const CAK: &str = "71a7c363794da400dbde595d3926b0e9";

    fn identity() -> (age::x25519::Identity, Identities) {
        let id = age::x25519::Identity::generate();
        let ids = Identities::from_text(
            "test identity",
            SecretString::from(id.to_string().expose_secret().to_owned()),
        )
        .unwrap();
        (id, ids)
    }

    #[test]
    fn armored_round_trip_and_tolerated_whitespace() {
        let (id, ids) = identity();
        let r = parse_recipients(&[id.to_public().to_string()]).unwrap();
        let armored = encrypt_armored(CAK.as_bytes(), &r).unwrap();
        assert!(armored.starts_with(ARMOR_BEGIN));
        assert!(!armored.contains(CAK));
        assert_eq!(&*decrypt(armored.as_bytes(), &ids).unwrap(), CAK.as_bytes());
        let crlf = format!("\n  {}\n\n", armored.replace('\n', "\r\n"));
        assert_eq!(&*decrypt(crlf.as_bytes(), &ids).unwrap(), CAK.as_bytes());
        let trimmed = armored.trim_end();
        assert_eq!(&*decrypt(trimmed.as_bytes(), &ids).unwrap(), CAK.as_bytes());
    }

    #[test]
    fn binary_round_trip() {
        let (id, ids) = identity();
        let bin = encrypt_binary(CAK.as_bytes(), &id.to_public());
        assert_eq!(&*decrypt(&bin, &ids).unwrap(), CAK.as_bytes());
    }

    #[test]
    fn several_recipients_including_ssh() {
        let (id, _) = identity();
        let r = parse_recipients(&[id.to_public().to_string(), SSH_PUB.trim().to_owned()]).unwrap();
        let armored = encrypt_armored(b"secret", &r).unwrap();
        let ssh_only =
            Identities::from_text("ssh", SecretString::from(SSH_KEY.to_owned())).unwrap();
        assert_eq!(&*decrypt(armored.as_bytes(), &ssh_only).unwrap(), b"secret");
    }

    #[test]
    fn wrong_identity_is_no_match_naming_sources() {
        let (id, _) = identity();
        let (_, other) = identity();
        let r = parse_recipients(&[id.to_public().to_string()]).unwrap();
        let armored = encrypt_armored(CAK.as_bytes(), &r).unwrap();
        let err = decrypt(armored.as_bytes(), &other).err().unwrap();
        assert_eq!(
            err,
            SecretError::NoMatch {
                tried: vec!["test identity".to_owned()]
            }
        );
        assert!(err.to_string().starts_with("no identity matches"));
    }

    #[test]
    fn malformed_armor_is_reported_before_identities_are_needed() {
        let (id, _) = identity();
        let none = Identities::with_env(IdentityConfig::default(), Arc::new(|_: &str| None));
        let r = parse_recipients(&[id.to_public().to_string()]).unwrap();
        let armored = encrypt_armored(CAK.as_bytes(), &r).unwrap();
        // Damage the base64 in the middle of the first body line.
        let mut lines: Vec<String> = armored.lines().map(str::to_owned).collect();
        lines[1].replace_range(10..12, "!!");
        let broken = lines.join("\n");
        let err = decrypt(broken.as_bytes(), &none).err().unwrap();
        assert!(matches!(err, SecretError::MalformedArmor { .. }), "{err:?}");
        // Missing END line.
        let cut: String = armored.lines().take(2).collect::<Vec<_>>().join("\n");
        let err = decrypt(cut.as_bytes(), &none).err().unwrap();
        assert!(
            matches!(
                err,
                SecretError::MalformedArmor { .. } | SecretError::Malformed { .. }
            ),
            "{err:?}"
        );
        // Valid armor, no identity: the identity error comes.
        let err = decrypt(armored.as_bytes(), &none).err().unwrap();
        assert!(matches!(err, SecretError::NoIdentity { .. }), "{err:?}");
    }

    #[test]
    fn not_age_at_all() {
        let (_, ids) = identity();
        for input in [&b""[..], b"   ", b"hello world", CAK.as_bytes()] {
            let err = decrypt(input, &ids).err().unwrap();
            assert!(matches!(err, SecretError::Malformed { .. }), "{err:?}");
            assert!(!err.to_string().contains(CAK));
        }
    }

    #[test]
    fn tampered_payload_fails_integrity() {
        let (id, ids) = identity();
        let mut bin = encrypt_binary(CAK.as_bytes(), &id.to_public());
        let last = bin.len() - 1;
        bin[last] ^= 1;
        let err = decrypt(&bin, &ids).err().unwrap();
        assert!(matches!(err, SecretError::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn encrypt_needs_recipients() {
        assert_eq!(
            encrypt_armored(b"x", &[]).err(),
            Some(SecretError::NoRecipients)
        );
    }
}
