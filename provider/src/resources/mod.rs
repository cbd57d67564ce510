//! Resources: the only place that knows both Terraform and RouterOS. One
//! file per Terraform type, each a model struct plus its mapping to one
//! RouterOS menu.

use std::sync::Arc;

use crate::context::Configured;
use crate::plugin::diag::Diagnostic;
use crate::plugin::resource::Resource;
use crate::routeros::Error;

pub mod backup_common;
pub mod backup_schedule;
pub mod config_export;
pub mod ethernet_binding;
pub mod logging_action;
pub mod logging_rule;
pub mod macsec_interface;
pub mod macsec_key;
pub mod macsec_profile;
pub mod mapping;
pub mod menus;
pub mod renamed;
pub mod row;
pub mod system_backup;

/// Every resource type the provider serves.
pub fn all() -> Vec<Arc<dyn Resource<Configured>>> {
    let mut all: Vec<Arc<dyn Resource<Configured>>> = vec![
        row::row(macsec_interface::MacsecInterface),
        row::row(ethernet_binding::EthernetBinding),
        Arc::new(macsec_key::MacsecKey),
        row::row(macsec_profile::MacsecProfile),
        row::row(logging_action::LoggingAction),
        row::row(logging_rule::LoggingRule),
        Arc::new(system_backup::SystemBackup),
        Arc::new(config_export::ConfigExport),
        row::row(backup_schedule::BackupSchedule),
    ];
    all.extend(
        renamed::ALL
            .iter()
            .map(|r| Arc::new(*r) as Arc<dyn Resource<Configured>>),
    );
    all
}

/// RouterOS's boolean text (`true`, `yes`) as a bool.
pub fn ros_bool(text: &str) -> bool {
    matches!(text, "true" | "yes")
}

/// A bool as RouterOS takes it.
pub fn ros_bool_text(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

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

/// The state Terraform plans from `prior` and `config` before the
/// provider's hook: the configured values, and the prior value of every
/// computed attribute the configuration leaves null (Terraform's proposed
/// new state). Tests of "import, then plan" start from it.
#[cfg(test)]
pub(crate) fn proposed_new_state(
    schema: &crate::plugin::schema::Schema,
    prior: &crate::plugin::value::Value,
    config: &crate::plugin::value::Value,
) -> crate::plugin::value::Value {
    use crate::plugin::value::Value;
    let mut planned = config.clone();
    for a in &schema.block.attributes {
        if a.computed && config.get(&a.name).is_none_or(Value::is_null) {
            planned.set(&a.name, prior.get(&a.name).cloned().unwrap_or(Value::Null));
        }
    }
    planned
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
