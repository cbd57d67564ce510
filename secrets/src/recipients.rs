//! Recipients: the public keys a secret is encrypted to.
//!
//! Accepted forms, one per list entry: native age X25519 recipients
//! (`age1...`) and SSH public keys (`ssh-ed25519 AAAA... [comment]`,
//! `ssh-rsa AAAA... [comment]`), as found in `~/.ssh/id_ed25519.pub` or an
//! `authorized_keys` line.

use std::str::FromStr;

use super::SecretError;

/// One parsed recipient, ready for [`super::encrypt_armored`].
pub type BoxedRecipient = Box<dyn age::Recipient + Send>;

/// Parses a list of recipients (`age1...`, `ssh-ed25519 ...`,
/// `ssh-rsa ...`).
///
/// An error names the offending entry by its zero-based index and says what
/// is wrong with it; it never repeats the entry, because a mistaken entry
/// may well be a secret key pasted into the wrong place.
pub fn parse_recipients(items: &[String]) -> Result<Vec<BoxedRecipient>, SecretError> {
    if items.is_empty() {
        return Err(SecretError::NoRecipients);
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            parse_one(item.trim()).map_err(|reason| SecretError::InvalidRecipient { index, reason })
        })
        .collect()
}

/// Parses one recipient; the error is a reason that never quotes the input.
fn parse_one(item: &str) -> Result<BoxedRecipient, String> {
    if item.is_empty() {
        return Err("the entry is empty; give an `age1...` or SSH public key".to_owned());
    }
    let upper_prefix: String = item
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_uppercase();
    if upper_prefix.starts_with("AGE-SECRET-KEY-") || item.contains("PRIVATE KEY-----") {
        return Err(
            "the entry is a secret key (an identity), not a recipient: give its public \
                    key instead (`age-keygen -y` or `ssh-keygen -y` prints it), and treat the \
                    pasted secret key as exposed"
                .to_owned(),
        );
    }
    if item.starts_with("age1") {
        return age::x25519::Recipient::from_str(item)
            .map(|r| Box::new(r) as BoxedRecipient)
            .map_err(|_| {
                "the entry starts with `age1` but is not a valid X25519 recipient (bad length, \
                 characters or checksum); copy it again from `age-keygen -y <identity file>`"
                    .to_owned()
            });
    }
    if item.starts_with("ssh-") {
        return match age::ssh::Recipient::from_str(item) {
            Ok(r) => Ok(Box::new(r)),
            Err(age::ssh::ParseRecipientKeyError::RsaModulusTooSmall) => Err(
                "the entry is an ssh-rsa key shorter than 2048 bits, which age refuses; \
                     use an ssh-ed25519 key or an `age1...` recipient"
                    .to_owned(),
            ),
            Err(age::ssh::ParseRecipientKeyError::RsaModulusTooLarge) => Err(
                "the entry is an ssh-rsa key larger than age supports; use an ssh-ed25519 key or \
                 an `age1...` recipient"
                    .to_owned(),
            ),
            Err(age::ssh::ParseRecipientKeyError::Unsupported(kind)) => Err(format!(
                "SSH key type `{kind}` is not supported by age; use ssh-ed25519, ssh-rsa or an \
                 `age1...` recipient"
            )),
            Err(_) => Err("the entry is not a valid SSH public key; give a whole \
                           `ssh-ed25519 AAAA...` line as in `~/.ssh/id_ed25519.pub`"
                .to_owned()),
        };
    }
    Err(
        "the entry is neither an age recipient (`age1...`) nor an SSH public key \
         (`ssh-ed25519 ...`, `ssh-rsa ...`)"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519_PUB: &str = include_str!("testdata/test_only_ssh_ed25519.pub");

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accepts_x25519_and_ssh_ed25519() {
        let id = age::x25519::Identity::generate();
        let items = strings(&[&id.to_public().to_string(), ED25519_PUB]);
        let parsed = parse_recipients(&items).unwrap();
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn empty_list_is_an_error() {
        assert!(matches!(
            parse_recipients(&[]),
            Err(SecretError::NoRecipients)
        ));
    }

    #[test]
    fn bad_entry_is_named_by_index_without_its_text() {
        let id = age::x25519::Identity::generate();
        let items = strings(&[&id.to_public().to_string(), "age1notarecipientatallxyz"]);
        let err = parse_recipients(&items).err().unwrap();
        assert!(
            matches!(err, SecretError::InvalidRecipient { index: 1, .. }),
            "{err}"
        );
        let msg = err.to_string();
        assert!(msg.contains("[1]"), "{msg}");
        assert!(!msg.contains("age1notarecipientatallxyz"), "{msg}");
    }

    #[test]
    fn a_pasted_secret_key_is_refused_and_not_echoed() {
        use age::secrecy::ExposeSecret;
        let id = age::x25519::Identity::generate();
        let secret = id.to_string().expose_secret().to_owned();
        let err = parse_recipients(std::slice::from_ref(&secret))
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(msg.contains("secret key"), "{msg}");
        assert!(!msg.contains(&secret), "{msg}");
        assert!(!msg.contains(&secret[20..40]), "{msg}");
    }

    #[test]
    fn garbage_ssh_key_is_refused() {
        let err = parse_recipients(&strings(&["ssh-ed25519 AAAAnotbase64!!"]))
            .err()
            .unwrap();
        assert!(matches!(
            err,
            SecretError::InvalidRecipient { index: 0, .. }
        ));
        let err = parse_recipients(&strings(&["  "])).err().unwrap();
        assert!(err.to_string().contains("empty"));
        let err = parse_recipients(&strings(&["hello"])).err().unwrap();
        assert!(err.to_string().contains("neither"));
    }
}
