//! `routeros_config_export`: runs `/export` on the router into a file,
//! downloads it, removes the router's copy and writes it to a local path,
//! age-encrypted when `age_recipients` is set. This file is the resource:
//! its model, its checks and its lifecycle (`backup_common`); taking the
//! export is `crate::backup::export`, shared with the action and the data
//! source.
//!
//! With `show_sensitive` the export holds every secret of the router
//! (MACsec CAKs among them), so it must be age-encrypted unless
//! `allow_plaintext_secrets` says otherwise: a plan-time error. The export
//! text never enters state or logs; state keeps its SHA-256 and size.

use std::collections::BTreeMap;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::backup_common::{self as common, check_recipients};

use crate::backup::export::{
    ExportOptions, ExportRequest, menu_problem, menu_version_diagnostic, take_export,
};
use crate::backup::{Destination, Left};
use crate::context::Configured;
use crate::plugin::action::Progress;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;

fn no() -> Option<bool> {
    Some(false)
}

/// An export of the router's configuration as a RouterOS script, downloaded
/// to a local file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigExportModel {
    /// The router file the export was written to before download.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Local file to write the export to, such as `exports/edge1.rsc`. Its
    /// directory must exist. With `age_recipients`, `.age` is appended
    /// unless the path already ends in `.age`.
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
    /// Include secrets (MACsec `cak`, passwords): RouterOS 7 hides them by
    /// default. Requires `age_recipients`, unless `allow_plaintext_secrets`
    /// is set. The router user needs the `sensitive` policy, or RouterOS
    /// leaves the secrets out anyway.
    #[serde(default = "no")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub show_sensitive: Option<bool>,
    /// Allow `show_sensitive` without `age_recipients`, writing the router's
    /// secrets to disk in the clear. Think twice.
    #[serde(default = "no")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub allow_plaintext_secrets: Option<bool>,
    /// age recipients (`age1...` or SSH public keys): the local file is
    /// age-encrypted to them (binary age format).
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub age_recipients: Option<Vec<String>>,
    /// One line per item with the menu path in front (`/export terse`),
    /// which diffs line by line.
    #[serde(default = "no")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub terse: Option<bool>,
    /// Every value, defaults included (`/export verbose`); otherwise only
    /// what differs from RouterOS's defaults (compact, the default).
    #[serde(default = "no")]
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub verbose: Option<bool>,
    /// Export only this menu and the menus below it, such as
    /// `/interface/macsec` (`/export path=`, RouterOS 7.23 and later).
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub menu: Option<String>,
    /// Arbitrary values; any change takes a new export.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub triggers: Option<BTreeMap<String, String>>,
    /// The local file written: `path`, plus `.age` when age-encrypted.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub output_path: Option<String>,
    /// Size of the export in bytes (before any age encryption).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub size: Option<i64>,
    /// SHA-256 (hex) of the local file as written. A refresh that finds a
    /// different file, or none, reports the export gone.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub sha256: Option<String>,
    /// The RouterOS version that made the export.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub routeros_version: Option<String>,
    /// When the export was taken (RFC 3339, UTC).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub created_at: Option<String>,
}

/// The `routeros_config_export` resource.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConfigExportKind;

/// The `routeros_config_export` resource's type.
pub type ConfigExport = common::OutputResource<ConfigExportKind>;

/// The resource itself (a value, as a unit struct's name would be).
#[allow(non_upper_case_globals)]
pub const ConfigExport: ConfigExport = common::OutputResource(ConfigExportKind);

/// Plan-time check: `show_sensitive` needs `age_recipients` unless
/// plaintext secrets are allowed.
pub fn check_sensitive(config: &Value, diags: &mut Diagnostics) {
    if config.get_bool("show_sensitive") != Some(true) {
        return;
    }
    let recipients = config.get("age_recipients").unwrap_or(&Value::Null);
    if !recipients.is_null() || config.get_bool("allow_plaintext_secrets") == Some(true) {
        return;
    }
    if config
        .get("allow_plaintext_secrets")
        .is_some_and(Value::is_unknown)
    {
        return;
    }
    diags.push(
        Diagnostic::error(
            "Secrets would be written in the clear",
            "`show_sensitive = true` puts every secret of the router (MACsec CAKs, passwords) into the export. Set `age_recipients` so that the local file is age-encrypted, or set `allow_plaintext_secrets = true` if a plaintext file is really what you want.",
        )
        .at_attr("show_sensitive"),
    );
}

impl ConfigExportModel {
    /// The export this plan asks for.
    fn request(&self) -> ExportRequest {
        ExportRequest {
            to: Destination {
                path: self.path.clone(),
                overwrite: self.overwrite,
                age_recipients: self.age_recipients.clone(),
            },
            allow_plaintext_secrets: self.allow_plaintext_secrets.unwrap_or(false),
            options: ExportOptions {
                show_sensitive: self.show_sensitive.unwrap_or(false),
                terse: self.terse.unwrap_or(false),
                verbose: self.verbose.unwrap_or(false),
                menu: self.menu.clone(),
            },
        }
    }
}

impl common::OutputModel for ConfigExportModel {
    fn output_path(&self) -> Option<&str> {
        self.output_path.as_deref()
    }
    fn sha256(&self) -> Option<&String> {
        self.sha256.as_ref()
    }
    fn mark_left(&mut self, name: &str) {
        self.id = Some(name.to_owned());
    }
}

#[async_trait]
impl common::OutputKind for ConfigExportKind {
    type Model = ConfigExportModel;
    const TYPE_NAME: &'static str = "routeros_config_export";
    const DESCRIPTION: &'static str = "An export of the router's configuration (`/export`) as a RouterOS script, downloaded to a local file and optionally age-encrypted. Each apply that creates or replaces it takes a new export.";
    const NOUN: &'static str = "export";
    const ACTION_DESCRIPTION: &'static str = "Exports the router's configuration (`/export`) each time it is invoked, downloads it to a local file and optionally age-encrypts it. Nothing is kept in state: use it with `terraform apply -invoke=action.routeros_config_export.NAME` or from a resource's `lifecycle { action_trigger { ... } }` (Terraform 1.14 and later). The arguments are those of the `routeros_config_export` resource.";

    fn check(&self, config: &Value, diags: &mut Diagnostics) {
        check_sensitive(config, diags);
        if let Some(menu) = config.get_str("menu")
            && let Some(problem) = menu_problem(menu)
        {
            diags.push(
                Diagnostic::error("Invalid export menu", format!("{problem}.")).at_attr("menu"),
            );
        }
        check_recipients(config, diags);
    }

    async fn check_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        diags: &mut Diagnostics,
    ) {
        if input.config.get("menu").is_some_and(|m| !m.is_null())
            && let Some(d) = menu_version_diagnostic(&ctx.client)
        {
            diags.push(d);
        }
    }

    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        plan: &ConfigExportModel,
        _config: &Value,
        private: Option<&mut Private>,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) -> Option<Result<ConfigExportModel, Left>> {
        let taken = take_export(&ctx.client, &plan.request(), private, progress, diags).await;
        Some(taken.map(|taken| {
            let mut state = plan.clone();
            state.id = Some(taken.file_name);
            state.output_path = Some(taken.output_path);
            state.size = Some(taken.size as i64);
            state.sha256 = Some(taken.sha256);
            state.routeros_version = Some(taken.routeros_version);
            state.created_at = Some(taken.created_at);
            state
        }))
    }

    // The router's copy was removed after the download; the local file
    // stays (see the backup-and-restore guide).
    async fn forgotten(
        &self,
        _ctx: &Ctx<Configured>,
        old: ConfigExportModel,
        _diags: &mut Diagnostics,
    ) {
        log::info!(
            "forgetting export {}; the local file stays",
            old.output_path.unwrap_or_default()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::try_schema_from_model;

    #[test]
    fn schema_has_the_issue_attributes() {
        let schema = try_schema_from_model::<ConfigExportModel>(0, "").unwrap();
        let a = |n: &str| schema.block.attribute(n).unwrap_or_else(|| panic!("{n}"));
        for replace in [
            "path",
            "show_sensitive",
            "age_recipients",
            "terse",
            "verbose",
            "menu",
            "triggers",
        ] {
            assert!(a(replace).requires_replace, "{replace}");
        }
        for computed in ["sha256", "size", "output_path"] {
            assert!(a(computed).computed && !a(computed).optional, "{computed}");
        }
        assert!(
            schema.block.attribute("text").is_none(),
            "the export never enters state"
        );
    }

    #[test]
    fn show_sensitive_needs_recipients_or_an_explicit_opt_in() {
        let mut diags = Diagnostics::new();
        check_sensitive(
            &Value::object(&[("show_sensitive", Value::Bool(true))]),
            &mut diags,
        );
        assert_eq!(diags.0.len(), 1);
        assert_eq!(
            diags.0[0].attribute.as_ref().unwrap().to_string(),
            "show_sensitive"
        );
        assert!(diags.0[0].detail.contains("age_recipients"));
        for ok in [
            Value::object(&[("show_sensitive", Value::Bool(false))]),
            Value::object(&[
                ("show_sensitive", Value::Bool(true)),
                ("allow_plaintext_secrets", Value::Bool(true)),
            ]),
            Value::object(&[
                ("show_sensitive", Value::Bool(true)),
                ("age_recipients", Value::List(vec![Value::string("age1x")])),
            ]),
            Value::object(&[
                ("show_sensitive", Value::Bool(true)),
                ("age_recipients", Value::unknown()),
            ]),
        ] {
            let mut diags = Diagnostics::new();
            check_sensitive(&ok, &mut diags);
            assert!(diags.is_empty(), "{ok:?}: {diags:?}");
        }
    }
}
