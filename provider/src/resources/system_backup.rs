//! `routeros_system_backup`: takes a binary backup on the router
//! (`/system/backup/save`), downloads it, and writes it to a local file,
//! age-encrypted when `age_recipients` is set. This file is the resource:
//! its model, its checks and its lifecycle (`backup_common`); taking the
//! backup is `crate::backup::save`, shared with the action, and
//! `crate::backup` says how the download streams and why no partial file
//! is ever left at `path`.
//!
//! The resource is the backup file taken at one apply: every argument
//! forces a new backup (replace), `triggers` exists to force one, and a
//! refresh that finds the local file missing or changed reports the
//! resource gone so that the next apply takes a fresh backup.

use std::collections::BTreeMap;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::backup_common::{self as common, check_recipients};

use super::request_diagnostic;
use crate::backup::save::{BackupRequest, DEFAULT_ENCRYPTION, ENCRYPTIONS, take_backup};
use crate::backup::{Destination, Left, has_file_read, remove_router_file};
use crate::context::Configured;
use crate::plugin::action::Progress;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private, model_of};
use crate::plugin::value::Value;
use crate::secrets::{self, Zeroizing};

fn no() -> Option<bool> {
    Some(false)
}

fn default_encryption() -> Option<String> {
    Some(DEFAULT_ENCRYPTION.to_string())
}

/// A backup of the router's configuration, downloaded to a local file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemBackupModel {
    /// The backup's file name on the router (the same as `file_name`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Local file to write the backup to, such as `backups/edge1.backup`.
    /// Its directory must exist. With `age_recipients`, `.age` is appended
    /// unless the path already ends in `.age`; `output_path` tells the path
    /// written.
    /// Only a regular file, or a path where nothing is yet, is written: a
    /// symbolic link is refused (never followed; give the link's target),
    /// as are directories, device nodes, FIFOs and sockets. A file this
    /// resource did not write is not replaced unless `overwrite = true`.
    /// The file is written beside the target and renamed into place, so it
    /// is never left half-written.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub path: String,
    /// Replace a regular file already at the local path that this resource
    /// did not write (its SHA-256 is not the one in state). Without it such
    /// a file is left alone and the plan fails naming it. Never needed for
    /// the file this resource wrote itself.
    #[serde(default = "no")]
    pub overwrite: Option<bool>,
    /// Name of the backup on the router, without `.backup`. Left out, the
    /// provider picks a unique `terraform-backup-<time>-<random>`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-requires-replace" = true))]
    pub name: Option<String>,
    /// How RouterOS encrypts a password-protected backup: `aes-sha256` or
    /// `rc4` (insecure, for old RouterOS only).
    #[serde(default = "default_encryption")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub encryption: Option<String>,
    /// The backup password, age-encrypted (armored, or the base64 of a
    /// binary age file) to a recipient whose identity the provider has
    /// (`age_identity` / `age_identity_file`). Works with every Terraform
    /// version; only the ciphertext is kept in state.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub password_age: Option<String>,
    /// The backup password as a write-only value (Terraform 1.11 and
    /// later): never stored in plan or state. Change `password_wo_version`
    /// to take a backup with a new password.
    #[schemars(extend("x-tf-write-only" = true, "x-tf-sensitive" = true))]
    pub password_wo: Option<String>,
    /// Any number; changing it takes a new backup (with the current
    /// `password_wo`).
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub password_wo_version: Option<i64>,
    /// Save the backup without encryption. One of `password_age`,
    /// `password_wo` or `dont_encrypt = true` must be set, so that an
    /// unencrypted backup is always a stated choice.
    #[serde(default = "no")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub dont_encrypt: Option<bool>,
    /// age recipients (`age1...` or SSH public keys): the local file is
    /// age-encrypted to them (binary age format), whether or not RouterOS
    /// encrypted the backup itself.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub age_recipients: Option<Vec<String>>,
    /// Keep the backup in the router's file area after downloading it.
    /// Destroy then removes that copy.
    #[serde(default = "no")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub keep_on_router: Option<bool>,
    /// Arbitrary values; any change takes a new backup (for example a date,
    /// for one backup a day).
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub triggers: Option<BTreeMap<String, String>>,
    /// The backup's file name on the router (`<name>.backup`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub file_name: Option<String>,
    /// The local file written: `path`, plus `.age` when age-encrypted.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub output_path: Option<String>,
    /// Size of the backup in bytes, as the router saved it (before any age
    /// encryption).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub size: Option<i64>,
    /// SHA-256 (hex) of the local file as written. A refresh that finds a
    /// different file, or none, reports the backup gone.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub sha256: Option<String>,
    /// The RouterOS version that saved the backup (a backup is meant to be
    /// restored on the same device and version).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub routeros_version: Option<String>,
    /// When the backup was taken (RFC 3339, UTC).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub created_at: Option<String>,
}

/// The `routeros_system_backup` resource.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBackupKind;

/// The `routeros_system_backup` resource's type.
pub type SystemBackup = common::OutputResource<SystemBackupKind>;

/// The resource itself (a value, as a unit struct's name would be).
#[allow(non_upper_case_globals)]
pub const SystemBackup: SystemBackup = common::OutputResource(SystemBackupKind);

impl common::OutputModel for SystemBackupModel {
    fn output_path(&self) -> Option<&str> {
        self.output_path.as_deref()
    }
    fn sha256(&self) -> Option<&String> {
        self.sha256.as_ref()
    }
    fn mark_left(&mut self, name: &str) {
        self.id = Some(name.to_owned());
        self.file_name = Some(name.to_owned());
        self.password_wo = None;
    }
}

/// The password the configuration gives, if any (decrypting `password_age`).
/// `Err(())` with a diagnostic when it cannot be had.
// The error is in `diags`; `Err(())` only says to stop.
#[allow(clippy::result_unit_err)]
pub fn backup_password(
    config: &SystemBackupModel,
    identities: &secrets::Identities,
    diags: &mut Diagnostics,
) -> Result<Option<Zeroizing<String>>, ()> {
    if let Some(pw) = &config.password_wo {
        return Ok(Some(Zeroizing::new(pw.clone())));
    }
    if let Some(ct) = &config.password_age {
        return match secrets::decrypt_text(ct, "password_age", identities, diags) {
            Some(pw) if pw.is_empty() => {
                diags.push(
                    Diagnostic::error(
                        "Empty backup password",
                        "`password_age` decrypts to an empty password, which RouterOS takes as no password. Encrypt a real password, or set `dont_encrypt = true`.",
                    )
                    .at_attr("password_age"),
                );
                Err(())
            }
            Some(pw) => Ok(Some(pw)),
            None => Err(()),
        };
    }
    Ok(None)
}

impl SystemBackupModel {
    /// The backup this plan asks for.
    fn request(&self) -> BackupRequest {
        BackupRequest {
            to: Destination {
                path: self.path.clone(),
                overwrite: self.overwrite,
                age_recipients: self.age_recipients.clone(),
            },
            name: self.name.clone(),
            encryption: self.encryption.clone(),
            dont_encrypt: self.dont_encrypt.unwrap_or(false),
            keep_on_router: self.keep_on_router.unwrap_or(false),
        }
    }
}

#[async_trait]
impl common::OutputKind for SystemBackupKind {
    type Model = SystemBackupModel;
    const TYPE_NAME: &'static str = "routeros_system_backup";
    const DESCRIPTION: &'static str = "A backup of the router's configuration (`/system/backup/save`), downloaded to a local file and optionally age-encrypted. Each apply that creates or replaces it takes a new backup.";
    const NOUN: &'static str = "backup";
    const ACTION_DESCRIPTION: &'static str = "Takes a backup of the router's configuration (`/system/backup/save`) each time it is invoked, downloads it to a local file and optionally age-encrypts it. Nothing is kept in state: use it with `terraform apply -invoke=action.routeros_system_backup.NAME` or from a resource's `lifecycle { action_trigger { ... } }` (Terraform 1.14 and later). The arguments are those of the `routeros_system_backup` resource.";

    fn check(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(enc) = config.get_str("encryption")
            && !ENCRYPTIONS.contains(&enc)
        {
            diags.push(
                Diagnostic::error(
                    "Unknown backup encryption",
                    format!("encryption = {enc:?} is not offered by RouterOS: use \"aes-sha256\" (the default) or \"rc4\"."),
                )
                .at_attr("encryption"),
            );
        }
        // Exactly one way of protecting the backup, stated explicitly.
        let set = |name: &str| config.get(name).is_some_and(|v| !v.is_null());
        let unknown = |name: &str| config.get(name).is_some_and(Value::is_unknown);
        let dont = config.get_bool("dont_encrypt") == Some(true);
        let sources: Vec<&str> = ["password_age", "password_wo"]
            .into_iter()
            .filter(|n| set(n))
            .collect();
        if sources.len() > 1 {
            diags.push(
                Diagnostic::error(
                    "Two backup passwords",
                    "`password_age` and `password_wo` both give the backup password: set one of them.",
                )
                .at_attr("password_wo"),
            );
        }
        if dont && !sources.is_empty() {
            diags.push(
                Diagnostic::error(
                    "Password and dont_encrypt together",
                    format!(
                        "`dont_encrypt = true` saves the backup unencrypted, so `{}` would be ignored. Remove one of them.",
                        sources[0]
                    ),
                )
                .at_attr("dont_encrypt"),
            );
        }
        if sources.is_empty() && !dont && !unknown("dont_encrypt") {
            diags.push(Diagnostic::error(
                "Backup protection not chosen",
                "A RouterOS backup holds every secret of the router (MACsec CAKs, user passwords). Give it a password with `password_wo` (Terraform 1.11+) or `password_age`, or state `dont_encrypt = true` to save it unencrypted (then set `age_recipients` to encrypt the local copy).",
            ));
        }
        check_recipients(config, diags);
    }

    async fn check_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        diags: &mut Diagnostics,
    ) {
        if !input.prior_state.is_null() {
            return;
        }
        if !has_file_read(&ctx.client) {
            diags.push(
                Diagnostic::warning(
                    "Old RouterOS: backups above 60 KB cannot be downloaded",
                    format!(
                        "The router at {} runs RouterOS {}, which has no `/file/read`; the provider can then download files of at most 60 KB. A larger backup fails the apply (and is removed from the router). RouterOS 7.13 and later have no limit.",
                        ctx.client.endpoint(),
                        ctx.client.version()
                    ),
                ),
            );
        }
    }

    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        plan: &SystemBackupModel,
        config: &Value,
        private: Option<&mut Private>,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) -> Option<Result<SystemBackupModel, Left>> {
        let cfg: SystemBackupModel = model_of(config, diags)?;
        let password = backup_password(&cfg, ctx.client.identities(), diags).ok()?;
        let taken = take_backup(
            &ctx.client,
            &plan.request(),
            password,
            private,
            progress,
            diags,
        )
        .await;
        Some(taken.map(|backup| {
            let taken = backup.taken;
            let mut state = plan.clone();
            state.id = Some(taken.file_name.clone());
            state.name = Some(backup.name);
            state.file_name = Some(taken.file_name);
            state.output_path = Some(taken.output_path);
            state.size = Some(taken.size as i64);
            state.sha256 = Some(taken.sha256);
            state.routeros_version = Some(taken.routeros_version);
            state.created_at = Some(taken.created_at);
            state.password_wo = None;
            state
        }))
    }

    // Every argument replaces the backup; only a write-only value can
    // change in place, and it is not kept.
    fn updated(&self, plan: &mut SystemBackupModel) {
        plan.password_wo = None;
    }

    // The local file stays: it is the backup, and Terraform is not the
    // place that decides when a backup may be thrown away.
    async fn forgotten(
        &self,
        ctx: &Ctx<Configured>,
        old: SystemBackupModel,
        diags: &mut Diagnostics,
    ) {
        if !old.keep_on_router.unwrap_or(false) {
            return;
        }
        let Some(file_name) = old.file_name.clone() else {
            return;
        };
        match remove_router_file(&ctx.client, &file_name).await {
            Ok(true) => log::info!("removed {file_name} from the router"),
            Ok(false) => log::info!("{file_name} was already gone from the router"),
            Err(e) => diags.push(request_diagnostic(
                &format!("removing backup {file_name:?} from the router"),
                &e,
                &[],
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::resource::Resource;
    use crate::plugin::schema::Type;
    use crate::plugin::schema::try_schema_from_model;
    use crate::resources::backup_common::check_path;

    fn errors(config: &Value) -> Vec<String> {
        let mut diags = Diagnostics::new();
        SystemBackup.validate(config, &mut diags);
        diags
            .0
            .iter()
            .map(|d| format!("{}: {}", d.summary, d.detail))
            .collect()
    }

    #[test]
    fn schema_has_the_issue_attributes() {
        let schema = try_schema_from_model::<SystemBackupModel>(0, "").unwrap();
        let a = |n: &str| schema.block.attribute(n).unwrap_or_else(|| panic!("{n}"));
        assert!(a("path").required && a("path").requires_replace);
        assert!(a("password_wo").write_only && a("password_wo").sensitive);
        assert_eq!(a("triggers").ty, Some(Type::Map(Box::new(Type::String))));
        assert!(a("triggers").requires_replace);
        assert_eq!(
            a("age_recipients").ty,
            Some(Type::List(Box::new(Type::String)))
        );
        assert_eq!(a("keep_on_router").default, Some(serde_json::json!(false)));
        assert_eq!(
            a("encryption").default,
            Some(serde_json::json!("aes-sha256"))
        );
        for computed in [
            "sha256",
            "size",
            "routeros_version",
            "created_at",
            "file_name",
            "output_path",
        ] {
            assert!(a(computed).computed && !a(computed).optional, "{computed}");
        }
        assert!(a("name").computed && a("name").optional);
        assert!(
            schema.block.attribute("password").is_none(),
            "no plain password in state"
        );
    }

    #[test]
    fn protection_must_be_chosen_once() {
        let path = ("path", Value::string("/tmp/x.backup"));
        let none = errors(&Value::object(std::slice::from_ref(&path)));
        assert!(
            none.iter()
                .any(|e| e.starts_with("Backup protection not chosen")),
            "{none:?}"
        );
        assert!(
            errors(&Value::object(&[
                path.clone(),
                ("dont_encrypt", Value::Bool(true))
            ]))
            .is_empty()
        );
        assert!(
            errors(&Value::object(&[
                path.clone(),
                ("password_wo", Value::string("pw"))
            ]))
            .is_empty()
        );
        let both = errors(&Value::object(&[
            path.clone(),
            ("password_wo", Value::string("pw")),
            ("dont_encrypt", Value::Bool(true)),
        ]));
        assert!(
            both.iter()
                .any(|e| e.starts_with("Password and dont_encrypt")),
            "{both:?}"
        );
        let two = errors(&Value::object(&[
            path.clone(),
            ("password_wo", Value::string("pw")),
            ("password_age", Value::string("x")),
        ]));
        assert!(
            two.iter().any(|e| e.starts_with("Two backup passwords")),
            "{two:?}"
        );
        let unknown = errors(&Value::object(&[path, ("dont_encrypt", Value::unknown())]));
        assert!(unknown.is_empty(), "{unknown:?}");
    }

    #[test]
    fn bad_recipients_path_and_encryption_fail_validation() {
        let cfg = Value::object(&[
            ("path", Value::string("/nonexistent-dir-xyz/x.backup")),
            ("dont_encrypt", Value::Bool(true)),
            ("encryption", Value::string("des")),
            (
                "age_recipients",
                Value::List(vec![
                    Value::string("age1notarecipient"),
                    Value::string("hello"),
                ]),
            ),
        ]);
        let mut diags = Diagnostics::new();
        SystemBackup.validate(&cfg, &mut diags);
        let text: Vec<String> = diags
            .0
            .iter()
            .map(|d| format!("{} {} {:?}", d.summary, d.detail, d.attribute))
            .collect();
        assert!(
            text.iter().any(|t| t.contains("Unknown backup encryption")),
            "{text:?}"
        );
        let recipient = diags
            .0
            .iter()
            .find(|d| d.summary.contains("recipients"))
            .unwrap_or_else(|| panic!("{text:?}"));
        assert_eq!(
            recipient.attribute.as_ref().unwrap().to_string(),
            "age_recipients[0]"
        );
        assert!(!recipient.detail.contains("age1notarecipient"));
        assert!(
            !text.iter().any(|t| t.contains("Unusable local path")),
            "checked at plan time: {text:?}"
        );
        let mut diags = Diagnostics::new();
        let input = PlanInput {
            prior_state: &Value::Null,
            config: &cfg,
            proposed: &cfg,
        };
        check_path(&input, &mut Private::new(), true, &mut diags);
        let path = diags
            .0
            .iter()
            .find(|d| d.summary == "Unusable local path")
            .unwrap();
        assert!(path.detail.contains("does not exist"), "{}", path.detail);
        assert!(path.detail.contains("x.backup.age"), "{}", path.detail);
    }
}
