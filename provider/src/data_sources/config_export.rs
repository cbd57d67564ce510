//! `routeros_config_export` (data source): the router's configuration as
//! `/export` prints it, with secrets hidden (RouterOS 7's default; this
//! data source has no way to show them), for CI jobs that diff the router
//! against the last reviewed export.
//!
//! The export is written to a file on the router, downloaded and the
//! router's copy removed, by the code the export resource and action use
//! (`crate::backup`).

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{model_of, state_of};
use crate::backup::export::{ExportOptions, menu_problem, read_export};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, DataSource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;

/// Largest export the data source holds in memory (16 MiB).
pub const MAX_EXPORT: u64 = 16 << 20;

/// Model of the `routeros_config_export` data source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigExportDataModel {
    /// One line per item with the menu path in front (`/export terse`).
    /// Default `false`.
    pub terse: Option<bool>,
    /// Every value, defaults included (`/export verbose`). Default `false`
    /// (compact: only what differs from RouterOS's defaults).
    pub verbose: Option<bool>,
    /// Export only this menu and the menus below it, such as
    /// `/interface/macsec` (RouterOS 7.23 and later).
    pub menu: Option<String>,
    /// SHA-256 (hex) of `body`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// The export as the router wrote it, secrets left out.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub text: Option<String>,
    /// `text` without its leading comment lines (the first of which carries
    /// the time of the export), so that two exports of an unchanged router
    /// are equal.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub body: Option<String>,
    /// SHA-256 (hex) of `body`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub sha256: Option<String>,
    /// The RouterOS version that made the export.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub routeros_version: Option<String>,
}

/// `text` without the `#` comment lines it starts with.
pub fn body_of(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with('#') {
        rest = match rest.find('\n') {
            Some(i) => &rest[i + 1..],
            None => "",
        };
    }
    rest
}

/// The `routeros_config_export` data source.
#[derive(Debug, Default)]
pub struct ConfigExportData;

#[async_trait]
impl DataSource<Configured> for ConfigExportData {
    fn type_name(&self) -> &'static str {
        "routeros_config_export"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<ConfigExportDataModel>(
            0,
            "The router's configuration as `/export` prints it, with secrets hidden (RouterOS 7's default), for CI jobs that compare the router with the last reviewed export.",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(menu) = config.get_str("menu")
            && let Some(problem) = menu_problem(menu)
        {
            diags.push(
                Diagnostic::error("Invalid export menu", format!("{problem}.")).at_attr("menu"),
            );
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut model: ConfigExportDataModel = model_of(config, diags)?;
        let client = &ctx.client;
        let options = ExportOptions {
            show_sensitive: false,
            terse: model.terse.unwrap_or(false),
            verbose: model.verbose.unwrap_or(false),
            menu: model.menu.clone(),
        };
        let bytes = read_export(client, &options, MAX_EXPORT, diags).await?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = body_of(&text).to_string();
        let hash = hex::encode(Sha256::digest(body.as_bytes()));
        model.id = Some(hash.clone());
        model.sha256 = Some(hash);
        model.body = Some(body);
        model.text = Some(text);
        model.routeros_version = Some(client.version().to_string());
        state_of(&model, &self.schema(), diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::try_schema_from_model;

    #[test]
    fn body_drops_the_leading_comments_only() {
        let text = "# 2025-01-01 00:00:00 by RouterOS 7.18\n# software id = \n/interface macsec\nadd name=m1 # not a header\n";
        assert_eq!(
            body_of(text),
            "/interface macsec\nadd name=m1 # not a header\n"
        );
        assert_eq!(body_of("# only\n"), "");
        assert_eq!(body_of("# no newline"), "");
        assert_eq!(body_of(""), "");
    }

    #[test]
    fn schema_offers_no_way_to_show_secrets() {
        let schema = try_schema_from_model::<ConfigExportDataModel>(0, "").unwrap();
        assert!(schema.block.attribute("show_sensitive").is_none());
        assert!(schema.block.attribute("text").unwrap().computed);
        assert!(schema.block.attribute("menu").unwrap().optional);
    }
}
