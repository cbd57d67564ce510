//! Resources: the only place that knows both Terraform and RouterOS. One
//! file per Terraform type, each a model struct plus its mapping to one
//! RouterOS menu.

use std::sync::Arc;

use crate::context::Configured;
use crate::plugin::resource::Resource;

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
pub mod request;
pub mod row;
pub mod system_backup;

pub use request::request_diagnostic;

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

/// The resources whose create also runs as an action of the same name
/// (`crate::actions`): a backup and an export taken on demand.
pub fn actions() -> Vec<Arc<dyn backup_common::AsAction>> {
    vec![
        Arc::new(system_backup::SystemBackup),
        Arc::new(config_export::ConfigExport),
    ]
}

/// RouterOS's boolean text (`true`, `yes`) as a bool.
pub fn ros_bool(text: &str) -> bool {
    matches!(text, "true" | "yes")
}

/// A bool as RouterOS takes it.
pub fn ros_bool_text(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
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
