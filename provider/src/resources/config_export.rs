//! `routeros_config_export`: runs `/export` on the router into a file,
//! downloads it, removes the router's copy and writes it to a local path,
//! age-encrypted when `age_recipients` is set (see `backup_common`).
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

use super::request_diagnostic;
use super::system_backup::fetch_diagnostic;
use crate::context::Configured;
use crate::plugin::action::Progress;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;
use crate::routeros::{Client, Record};

/// The RouterOS command.
pub const EXPORT: &str = "/export";

/// The RouterOS version (major, minor) from which `/export` takes `path`
/// (in the inspect dump of 7.23, not in that of 7.20).
pub const PATH_SINCE: (u32, u32) = (7, 23);

/// Prefix of the router files exports are written to.
const NAME_PREFIX: &str = "terraform-export";

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

/// The options of an export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// `show-sensitive`.
    pub show_sensitive: bool,
    /// `terse`.
    pub terse: bool,
    /// `verbose` (else compact).
    pub verbose: bool,
    /// `path`.
    pub menu: Option<String>,
}

/// The arguments of `/export` writing into router file `file`.
pub fn export_args(file: &str, options: &ExportOptions) -> Record {
    let mut args = Record::new();
    args.insert("file".into(), file.to_string());
    if options.show_sensitive {
        args.insert("show-sensitive".into(), String::new());
    }
    if options.terse {
        args.insert("terse".into(), String::new());
    }
    if options.verbose {
        args.insert("verbose".into(), String::new());
    }
    if let Some(menu) = &options.menu {
        args.insert("path".into(), normalise_menu(menu));
    }
    args
}

/// `/interface/macsec`, `interface/macsec` or `interface macsec` as RouterOS
/// takes it after `path=`: `interface/macsec`.
pub fn normalise_menu(menu: &str) -> String {
    menu.split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Plan-time problem with a `menu` value, if any.
pub fn menu_problem(menu: &str) -> Option<String> {
    let parts = normalise_menu(menu);
    if parts.is_empty() {
        return Some("`menu` is empty: give a menu such as /interface/macsec, or leave it out to export everything".into());
    }
    if !parts
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    {
        return Some(format!(
            "`menu` = {menu:?} is not a RouterOS menu path: use letters, digits and dashes separated by slashes, such as /interface/macsec"
        ));
    }
    None
}

/// A diagnostic when `menu` is set for a router that cannot filter.
pub fn menu_version_diagnostic(client: &Client) -> Option<Diagnostic> {
    (!client.version().at_least(PATH_SINCE.0, PATH_SINCE.1)).then(|| {
        Diagnostic::error(
            "Export filter not supported by this RouterOS",
            format!(
                "`menu` uses `/export path=`, which RouterOS has from 7.23 on; the router at {} runs {}. Leave `menu` out to export the whole configuration, or upgrade the router.",
                client.endpoint(),
                client.version()
            ),
        )
        .at_attr("menu")
    })
}

/// Runs `/export` into a fresh router file, whose name is chosen (and
/// handed to `chosen`, to be recorded) before the command is sent; returns
/// the file's name. When the command fails (a lost or late reply included:
/// the router may have written the file anyway), the file is looked for and
/// removed; `Err` carries the command's error and, when that removal could
/// not be confirmed, the file's name and why.
pub async fn run_export(
    client: &Client,
    options: &ExportOptions,
    chosen: impl FnOnce(&str),
) -> Result<String, ExportFailure> {
    let base = common::unique_name(NAME_PREFIX);
    let file_name = format!("{base}.rsc");
    chosen(&file_name);
    log::info!("exporting into router file {file_name}");
    if let Err(error) = client
        .command(EXPORT, &export_args(&base, options), true)
        .await
    {
        let left = common::remove_after_failure(client, &file_name)
            .await
            .err()
            .map(|e| (file_name.clone(), e));
        return Err(ExportFailure {
            error,
            file_name,
            left,
        });
    }
    Ok(file_name)
}

/// A failed `/export` (see [`run_export`]).
#[derive(Debug)]
pub struct ExportFailure {
    /// Why the command failed.
    pub error: crate::routeros::Error,
    /// The router file the export was to write.
    pub file_name: String,
    /// The router file that may be left, and why it could not be removed.
    pub left: Option<(String, crate::routeros::Error)>,
}

impl ExportFailure {
    /// Diagnostics for the failure: the command's error, and an error
    /// naming a file left on the router.
    pub fn diagnostics(&self, diags: &mut Diagnostics) {
        diags.push(request_diagnostic(
            "exporting the configuration",
            &self.error,
            &[("path", "menu")],
        ));
        if let Some((name, e)) = &self.left {
            diags.push(common::leftover_diagnostic(name, e, true));
        }
    }
}

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

/// Takes an export of `plan` into its local file: the work of the resource's
/// create and of the action. `private` is where a resource records the router
/// file before the command runs (an action has none: its errors name the
/// file instead). `Err` carries the router file that may be left, with why it
/// could not be removed; the diagnostics are already pushed.
pub async fn take_export(
    client: &Client,
    plan: &ConfigExportModel,
    mut private: Option<&mut Private>,
    progress: &Progress,
    diags: &mut Diagnostics,
) -> Result<ConfigExportModel, common::Left> {
    let options = ExportOptions {
        show_sensitive: plan.show_sensitive.unwrap_or(false),
        terse: plan.terse.unwrap_or(false),
        verbose: plan.verbose.unwrap_or(false),
        menu: plan.menu.clone(),
    };
    if options.show_sensitive
        && plan.age_recipients.is_none()
        && !plan.allow_plaintext_secrets.unwrap_or(false)
    {
        diags.push(Diagnostic::error(
                "Secrets would be written in the clear",
                "`show_sensitive = true` needs `age_recipients` or `allow_plaintext_secrets = true`.",
            ).at_attr("show_sensitive"));
        return Err(None);
    }
    if options.menu.is_some()
        && let Some(d) = menu_version_diagnostic(client)
    {
        diags.push(d);
        return Err(None);
    }
    let Some(output) = common::open_output(
        client,
        "export",
        &plan.path,
        plan.age_recipients.as_deref(),
        plan.overwrite,
        private.as_deref_mut(),
        diags,
    )
    .await
    else {
        return Err(None);
    };
    progress.report(format!(
        "exporting the configuration on {}",
        client.endpoint()
    ));
    // The file's name is in private state before the command runs.
    let file_name = match run_export(client, &options, |n| {
        if let Some(p) = private.as_deref_mut() {
            common::record_leftover(p, n);
        }
    })
    .await
    {
        Ok(f) => f,
        Err(failure) => {
            failure.diagnostics(diags);
            if failure.left.is_none()
                && let Some(p) = private.as_deref_mut()
            {
                common::forget_leftover(p, &failure.file_name);
            }
            return Err(failure.left);
        }
    };
    let fetched = output.fetch(client, &file_name, progress).await;
    // The router's copy may hold secrets: it never stays.
    let left = match common::remove_router_file(client, &file_name).await {
        Ok(_) => None,
        Err(e) => Some((file_name.clone(), e)),
    };
    let (size, written) = match fetched {
        Ok(x) => x,
        Err(e) => {
            diags.push(fetch_diagnostic("downloading the export", &e));
            if let Some((name, e)) = &left {
                diags.push(common::leftover_diagnostic(name, e, true));
            }
            return Err(left);
        }
    };
    match &left {
        Some((name, e)) => diags.push(common::leftover_diagnostic(name, e, false)),
        None => {
            if let Some(p) = private {
                common::forget_leftover(p, &file_name);
            }
        }
    }
    log::info!(
        "wrote export {file_name} ({size} bytes) to {}",
        written.path.display()
    );
    progress.report(common::written_message(&written, size));
    let mut state = plan.clone();
    state.id = Some(file_name);
    state.output_path = Some(written.path.to_string_lossy().into_owned());
    state.size = Some(size as i64);
    state.sha256 = Some(written.sha256);
    state.routeros_version = Some(client.version().to_string());
    state.created_at = Some(common::now_rfc3339());
    Ok(state)
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
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Result<ConfigExportModel, common::Left>> {
        Some(take_export(&ctx.client, plan, Some(private), &Progress::silent(), diags).await)
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

    #[test]
    fn export_arguments_and_menus() {
        let args = export_args(
            "f",
            &ExportOptions {
                show_sensitive: true,
                terse: true,
                verbose: false,
                menu: Some("/interface/macsec/".into()),
            },
        );
        assert_eq!(args["file"], "f");
        assert_eq!(args["show-sensitive"], "");
        assert_eq!(args["terse"], "");
        assert!(!args.contains_key("verbose"));
        assert_eq!(args["path"], "interface/macsec");
        assert_eq!(normalise_menu("interface macsec"), "interface/macsec");
        assert!(menu_problem("/interface/macsec").is_none());
        assert!(menu_problem("/").is_some());
        assert!(menu_problem("/interface;/x").is_some());
    }
}
