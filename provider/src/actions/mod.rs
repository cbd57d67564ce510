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
//! the same code as that resource's create, with progress reported. The
//! resources come from the registry (`crate::resources::actions`), not
//! from their files: how they take a backup or an export is
//! `crate::backup`.
//! `routeros_system_restore` (`system_restore.rs`) has no resource: it runs
//! `crate::restore`, which the `restore` command runs too.

use std::sync::Arc;

use async_trait::async_trait;

use crate::context::Configured;
use crate::plugin::action::{Action, Progress, schema_from_resource};
use crate::plugin::diag::Diagnostics;
use crate::plugin::resource::{Ctx, PlanInput, Private, Resource};
use crate::plugin::schema::Schema;
use crate::plugin::value::Value;
use crate::resources::backup_common::AsAction;

pub mod system_restore;

/// Every action of the provider.
pub fn all() -> Vec<Arc<dyn Action<Configured>>> {
    let mut all: Vec<Arc<dyn Action<Configured>>> = crate::resources::actions()
        .into_iter()
        .map(|r| Arc::new(ResourceAction(r)) as Arc<dyn Action<Configured>>)
        .collect();
    all.push(Arc::new(system_restore::SystemRestore));
    all
}

/// Resource attributes that have no meaning for an action.
const RESOURCE_ONLY: [&str; 1] = ["triggers"];

/// The plan-time checks of `resource` for a create with `config` (local
/// directory, router version), without a plan to keep.
async fn plan_as_create<R: Resource<Configured> + ?Sized>(
    resource: &R,
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

/// The action of a resource: its arguments (without [`RESOURCE_ONLY`]),
/// its checks, its plan-time checks as for a create, and its create.
pub struct ResourceAction(pub Arc<dyn AsAction>);

redact::debug!(ResourceAction {
    type_name = |a| a.0.type_name()
});

#[async_trait]
impl Action<Configured> for ResourceAction {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        schema_from_resource(
            &self.0.schema(),
            &RESOURCE_ONLY,
            self.0.action_description(),
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.0.validate(config, diags);
    }

    async fn plan(&self, ctx: &Ctx<Configured>, config: &Value, diags: &mut Diagnostics) {
        plan_as_create(&*self.0, ctx, config, diags).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_arguments_are_the_resource_arguments_without_triggers() {
        let resources = crate::resources::actions();
        let names: Vec<_> = resources.iter().map(|r| r.type_name()).collect();
        assert_eq!(names, ["routeros_system_backup", "routeros_config_export"]);
        for resource in resources {
            let action = ResourceAction(resource.clone()).schema();
            let resource = resource.schema();
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
        let backup = all()
            .into_iter()
            .find(|a| a.type_name() == "routeros_system_backup")
            .unwrap()
            .schema();
        let pw = backup.block.attribute("password_wo").unwrap();
        assert!(pw.sensitive && !pw.write_only);
    }
}
