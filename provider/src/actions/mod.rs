//! Actions (Terraform 1.14 and later): `routeros_system_backup` and
//! `routeros_config_export` take a backup or an export when invoked
//! (`terraform apply -invoke=action.routeros_system_backup.NAME`, or a
//! resource's `lifecycle { action_trigger { ... } }`), and keep nothing in
//! state. A configuration that takes its backups this way has no backup
//! resource to refresh, so a drift plan on a fresh CI runner (no local
//! backup files) stays at exit code 0.
//!
//! Each action takes the arguments of the resource of the same name
//! (without `triggers`, which only exists to replace a resource) and runs
//! the same code as that resource's create, with progress reported.
//! `routeros_system_restore` (`system_restore.rs`) has no resource: it runs
//! `crate::restore`, which the `restore` command runs too.

use std::sync::Arc;

use async_trait::async_trait;

use crate::context::Configured;
use crate::plugin::action::{Action, Progress, schema_from_resource};
use crate::plugin::diag::Diagnostics;
use crate::plugin::resource::{Ctx, PlanInput, Private, Resource, model_of};
use crate::plugin::schema::Schema;
use crate::plugin::value::Value;
use crate::resources::config_export::{ConfigExport, ConfigExportModel, take_export};
use crate::resources::system_backup::{
    SystemBackup, SystemBackupModel, backup_password, take_backup,
};

pub mod system_restore;

/// Every action of the provider.
pub fn all() -> Vec<Arc<dyn Action<Configured>>> {
    vec![
        Arc::new(ResourceAction(SystemBackup)),
        Arc::new(ResourceAction(ConfigExport)),
        Arc::new(system_restore::SystemRestore),
    ]
}

/// Resource attributes that have no meaning for an action.
const RESOURCE_ONLY: [&str; 1] = ["triggers"];

/// The plan-time checks of `resource` for a create with `config` (local
/// directory, router version), without a plan to keep.
async fn plan_as_create(
    resource: &dyn Resource<Configured>,
    ctx: &Ctx<Configured>,
    config: &Value,
    diags: &mut Diagnostics,
) {
    let input = PlanInput {
        prior_state: &Value::Null,
        config,
        proposed: config,
    };
    let mut planned = config.clone();
    resource
        .modify_plan(ctx, &input, &mut planned, &mut Private::new(), diags)
        .await;
}

/// A resource whose create can run as an action of the same name.
#[async_trait]
pub trait AsAction: Resource<Configured> + Sync + 'static {
    /// The action's description (its schema's).
    const DESCRIPTION: &'static str;

    /// Does what the resource's create does with `config`, reporting to
    /// `progress`; keeps nothing (a file left on the router is named in
    /// the error).
    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    );
}

/// The action of resource `R`: its arguments (without [`RESOURCE_ONLY`]),
/// its checks, its plan-time checks as for a create, and its create.
#[derive(Debug, Default)]
pub struct ResourceAction<R>(pub R);

#[async_trait]
impl<R: AsAction> Action<Configured> for ResourceAction<R> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        schema_from_resource(&self.0.schema(), &RESOURCE_ONLY, R::DESCRIPTION)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.0.validate(config, diags);
    }

    async fn plan(&self, ctx: &Ctx<Configured>, config: &Value, diags: &mut Diagnostics) {
        plan_as_create(&self.0, ctx, config, diags).await;
    }

    async fn invoke(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        self.0.take(ctx, config, progress, diags).await;
    }
}

#[async_trait]
impl AsAction for SystemBackup {
    const DESCRIPTION: &'static str = "Takes a backup of the router's configuration (`/system/backup/save`) each time it is invoked, downloads it to a local file and optionally age-encrypts it. Nothing is kept in state: use it with `terraform apply -invoke=action.routeros_system_backup.NAME` or from a resource's `lifecycle { action_trigger { ... } }` (Terraform 1.14 and later). The arguments are those of the `routeros_system_backup` resource.";

    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let Some(model) = model_of::<SystemBackupModel>(config, diags) else {
            return;
        };
        let Ok(password) = backup_password(&model, ctx.client.identities(), diags) else {
            return;
        };
        let _ = take_backup(&ctx.client, &model, password, None, progress, diags).await;
    }
}

#[async_trait]
impl AsAction for ConfigExport {
    const DESCRIPTION: &'static str = "Exports the router's configuration (`/export`) each time it is invoked, downloads it to a local file and optionally age-encrypts it. Nothing is kept in state: use it with `terraform apply -invoke=action.routeros_config_export.NAME` or from a resource's `lifecycle { action_trigger { ... } }` (Terraform 1.14 and later). The arguments are those of the `routeros_config_export` resource.";

    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let Some(model) = model_of::<ConfigExportModel>(config, diags) else {
            return;
        };
        let _ = take_export(&ctx.client, &model, None, progress, diags).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_arguments_are_the_resource_arguments_without_triggers() {
        for (action, resource) in [
            (ResourceAction(SystemBackup).schema(), SystemBackup.schema()),
            (ResourceAction(ConfigExport).schema(), ConfigExport.schema()),
        ] {
            let args: Vec<_> = resource
                .block
                .attributes
                .iter()
                .filter(|a| (a.required || a.optional) && a.name != "triggers")
                .map(|a| a.name.clone())
                .collect();
            let got: Vec<_> = action
                .block
                .attributes
                .iter()
                .map(|a| a.name.clone())
                .collect();
            assert_eq!(got, args);
            assert!(action.block.attributes.iter().all(|a| !a.computed));
        }
        let pw = ResourceAction(SystemBackup).schema();
        let pw = pw.block.attribute("password_wo").unwrap();
        assert!(pw.sensitive && !pw.write_only);
    }

    #[test]
    fn an_action_configuration_reads_as_the_resource_model() {
        let schema = ResourceAction(SystemBackup).schema();
        let config = crate::plugin::codec::value_from_json(
            serde_json::json!({"path": "b/x.backup", "dont_encrypt": true}),
            &schema.block.value_type(),
            crate::plugin::codec::Extra::Reject,
        )
        .unwrap();
        let mut diags = Diagnostics::new();
        let m = model_of::<SystemBackupModel>(&config, &mut diags).unwrap();
        assert!(!diags.has_error());
        assert_eq!(m.path, "b/x.backup");
        assert_eq!(m.dont_encrypt, Some(true));
        assert_eq!(m.triggers, None);
    }
}
