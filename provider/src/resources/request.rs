//! The diagnostic for a failed router request, shared by every type and by
//! the backups and exports (`crate::backup`): a leaf, so that any module
//! may import it.

use crate::plugin::diag::Diagnostic;
use crate::routeros::Error;

/// A diagnostic for a failed router request made while `action` (such as
/// "creating MACsec interface \"macsec1\""). When RouterOS's detail names
/// one of `attributes` (RouterOS spelling, Terraform spelling), the
/// diagnostic points at it.
pub fn request_diagnostic(action: &str, err: &Error, attributes: &[(&str, &str)]) -> Diagnostic {
    match err {
        Error::Rejected {
            detail, message, ..
        } => {
            let attr = attributes
                .iter()
                .find(|(ros, _)| mentions(detail, ros))
                .map(|(_, tf)| *tf);
            let hint = match attr {
                Some(a) => format!(" Check `{a}`."),
                None => String::new(),
            };
            let d = Diagnostic::error(
                format!("RouterOS rejected {action}"),
                format!("RouterOS answered {message}: {detail}.{hint}"),
            );
            match attr {
                Some(a) => d.at_attr(a),
                None => d,
            }
        }
        Error::Unauthorized { .. } => Diagnostic::error(
            format!("Not allowed: {action}"),
            format!(
                "{err}. Check the provider's `username`/`password` and that the user's group has the `write` policy."
            ),
        ),
        other => Diagnostic::error(
            format!("Failed: {action}"),
            format!(
                "{other}. Once the router is reachable, run `terraform plan` to see what it now holds, then apply again."
            ),
        ),
    }
}

/// True when RouterOS's `detail` text names the argument `word`.
fn mentions(detail: &str, word: &str) -> bool {
    detail
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|w| w == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_requests_point_at_the_attribute_routeros_names() {
        let err = Error::Rejected {
            status: 400,
            message: "Bad Request".into(),
            detail: "input does not match any value of interface".into(),
        };
        let d = request_diagnostic(
            "creating x",
            &err,
            &[("mtu", "mtu"), ("interface", "interface")],
        );
        assert_eq!(d.attribute.unwrap().to_string(), "interface");
        assert!(
            d.detail
                .contains("input does not match any value of interface")
        );
        let d = request_diagnostic("creating x", &err, &[("mtu", "mtu")]);
        assert!(d.attribute.is_none());
    }

    #[test]
    fn word_match_is_whole_word() {
        assert!(mentions("value of l2mtu out of range", "l2mtu"));
        assert!(!mentions("value of l2mtu out of range", "mtu"));
    }
}
