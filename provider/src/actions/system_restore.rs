//! `routeros_system_restore`: restores the router from a local backup or
//! export when invoked. The operation is `crate::restore` (shared with the
//! `restore` command); this file is its arguments and their checks.

use std::time::Duration;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::context::Configured;
use crate::plugin::action::{Action, Progress};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, model_of};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::restore::{self, DEFAULT_TIMEOUT, Failure, Request};
use crate::secrets::{self, Zeroizing};

/// The longest `reboot_timeout` taken (a day).
const MAX_REBOOT_TIMEOUT: i64 = 86_400;

/// The arguments of `routeros_system_restore`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemRestoreModel {
    /// The local file to restore: a backup (`.backup`, loaded with
    /// `/system/backup/load`; the router reboots) or an `/export` script
    /// (`.rsc`, run with `/import`), either optionally age-encrypted
    /// (`.backup.age`, `.rsc.age`; decrypted in memory with the provider's
    /// age identities, never written to disk in the clear). At most 60 KB
    /// once decrypted: RouterOS takes no larger upload over REST or the API.
    pub path: String,
    /// The backup's password, age-encrypted (armored, or the base64 of a
    /// binary age file) to a recipient whose identity the provider has.
    pub password_age: Option<String>,
    /// The backup's password (sensitive; an action keeps nothing in state).
    #[schemars(extend("x-tf-sensitive" = true))]
    pub password_wo: Option<String>,
    /// The identity (`/system identity` name) of the router the backup was
    /// taken from. The restore is refused when the router has another
    /// identity, and the identity is verified after it. Required for a
    /// `.backup` (whose format the provider cannot read) unless
    /// `allow_other_identity = true`; an export sets the identity itself.
    pub router_name: Option<String>,
    /// Restore onto a router whose identity is not the backup's (a twin, a
    /// replacement). Without it such a restore is refused, naming both.
    pub allow_other_identity: Option<bool>,
    /// MACsec interfaces that must be present after the restore, besides
    /// those an export adds.
    pub macsec_interfaces: Option<Vec<String>>,
    /// How many seconds to wait for the router to come back from the
    /// reboot a backup load causes (default 300).
    pub reboot_timeout: Option<i64>,
}

/// The `routeros_system_restore` action.
#[derive(Debug, Default)]
pub struct SystemRestore;

/// The action's description.
const DESCRIPTION: &str = "Restores the router from a local backup (`/system/backup/load`) or `/export` script (`/import`), optionally age-encrypted, each time it is invoked (`terraform apply -invoke=action.routeros_system_restore.NAME`, Terraform 1.14 and later; `terraform-provider-routeros restore` for older Terraform and OpenTofu). It uploads the file, restores it, waits for the router to come back from the reboot, verifies the router's identity and MACsec interfaces, and removes the uploaded file. A restore onto a router with another identity is refused unless `allow_other_identity = true`.";

impl SystemRestore {
    fn request(
        &self,
        model: &SystemRestoreModel,
        ctx: &Ctx<Configured>,
        diags: &mut Diagnostics,
    ) -> Option<Request> {
        let password = match (&model.password_wo, &model.password_age) {
            (Some(pw), _) => Some(Zeroizing::new(pw.clone())),
            (None, Some(ct)) => Some(secrets::decrypt_text(
                ct,
                "password_age",
                ctx.client.identities(),
                diags,
            )?),
            (None, None) => None,
        };
        Some(Request {
            path: model.path.clone().into(),
            password,
            identity: model.router_name.clone(),
            allow_other_identity: model.allow_other_identity == Some(true),
            macsec_interfaces: model.macsec_interfaces.clone().unwrap_or_default(),
            timeout: model
                .reboot_timeout
                .and_then(|s| u64::try_from(s).ok())
                .map_or(DEFAULT_TIMEOUT, Duration::from_secs),
        })
    }
}

/// `failure` as a diagnostic at its argument.
pub fn diagnostic(failure: &Failure) -> Diagnostic {
    let d = Diagnostic::error(failure.summary.clone(), failure.detail.clone());
    match failure.attribute {
        Some(a) => d.at_attr(a),
        None => d,
    }
}

#[async_trait]
impl Action<Configured> for SystemRestore {
    fn type_name(&self) -> &'static str {
        "routeros_system_restore"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<SystemRestoreModel>(0, DESCRIPTION)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(path) = config.get_str("path")
            && let Err(f) = restore::form_of(std::path::Path::new(path))
        {
            diags.push(diagnostic(&f));
        }
        if config.get_str("password_age").is_some() && config.get_str("password_wo").is_some() {
            diags.push(
                Diagnostic::error(
                    "Two backup passwords",
                    "Give the backup's password once: `password_age` or `password_wo`.",
                )
                .at_attr("password_wo"),
            );
        }
        if let Some(n) = config.get_i64("reboot_timeout") {
            if !(1..=MAX_REBOOT_TIMEOUT).contains(&n) {
                diags.push(
                    Diagnostic::error(
                        "Invalid reboot_timeout",
                        format!(
                            "`reboot_timeout` is a number of seconds from 1 to {MAX_REBOOT_TIMEOUT}."
                        ),
                    )
                    .at_attr("reboot_timeout"),
                );
            }
        }
    }

    async fn invoke(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let Some(model) = model_of::<SystemRestoreModel>(config, diags) else {
            return;
        };
        let Some(req) = self.request(&model, ctx, diags) else {
            return;
        };
        if let Err(f) = restore::restore(&ctx.client, ctx.client.identities(), &req, progress).await
        {
            diags.push(diagnostic(&f));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_sensitive_and_nothing_is_computed() {
        let schema = SystemRestore.schema();
        let pw = schema.block.attribute("password_wo").unwrap();
        assert!(pw.sensitive && !pw.write_only);
        assert!(schema.block.attributes.iter().all(|a| !a.computed));
        assert!(schema.block.attribute("path").unwrap().required);
    }

    #[test]
    fn a_file_that_is_neither_backup_nor_export_fails_validation_at_path() {
        let schema = SystemRestore.schema();
        let config = crate::plugin::codec::value_from_json(
            serde_json::json!({"path": "b/edge.tar.gz", "reboot_timeout": 0}),
            &schema.block.value_type(),
            crate::plugin::codec::Extra::Reject,
        )
        .unwrap();
        let mut diags = Diagnostics::new();
        SystemRestore.validate(&config, &mut diags);
        let text = format!("{diags:?}");
        assert!(text.contains("does not end in .backup"), "{text}");
        assert!(text.contains("reboot_timeout"), "{text}");
    }
}
