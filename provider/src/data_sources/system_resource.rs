//! `routeros_system_resource`: what `/system/resource` reports (version,
//! board, uptime, load, memory), plus which MACsec features that RouterOS
//! version has.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::state_of;
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, DataSource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::resources::request_diagnostic;
use crate::routeros::{Record, Version};

/// The RouterOS command read (`print` of the singleton menu).
pub const PRINT: &str = "/system/resource/print";

/// The first RouterOS version with `/interface/macsec`.
pub const MACSEC_SINCE: (u32, u32) = (7, 9);

/// The first RouterOS version whose MACsec profiles take `ciphers`.
pub const CIPHERS_SINCE: (u32, u32) = (7, 23);

/// Model of the `routeros_system_resource` data source. Values the router
/// does not report are null.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemResourceModel {
    /// RouterOS version as the router reports it, such as `7.18.2 (stable)`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub version: Option<String>,
    /// Board (hardware model) name, such as `RB5009UG+S+` or `CHR`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub board_name: Option<String>,
    /// CPU architecture RouterOS is built for, such as `arm64` or `x86_64`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub architecture_name: Option<String>,
    /// CPU model.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub cpu: Option<String>,
    /// Number of CPU cores.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub cpu_count: Option<i64>,
    /// Time since the router started, in RouterOS's form (such as `3d4h5m6s`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub uptime: Option<String>,
    /// CPU load in percent at the time of reading.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub cpu_load: Option<i64>,
    /// Free memory, in bytes.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub free_memory: Option<i64>,
    /// Total memory, in bytes.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub total_memory: Option<i64>,
    /// Free storage, in bytes.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub free_hdd_space: Option<i64>,
    /// Total storage, in bytes.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub total_hdd_space: Option<i64>,
    /// The router has MACsec: RouterOS 7.9 or later, and not the SMIPS
    /// architecture (whose RouterOS leaves MACsec out).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub macsec_supported: Option<bool>,
    /// MACsec profiles take `ciphers` (RouterOS 7.23 or later); older
    /// routers use GCM-AES-128 only.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub ciphers_supported: Option<bool>,
}

/// The model of a `/system/resource` reading. `fallback` is the version
/// the client read when it connected, used when the row lacks one.
pub fn from_record(r: &Record, fallback: &Version) -> SystemResourceModel {
    let text = |k: &str| r.get(k).filter(|v| !v.is_empty()).cloned();
    let number = |k: &str| r.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let version = r
        .get("version")
        .and_then(|v| Version::parse(v))
        .unwrap_or_else(|| fallback.clone());
    let architecture = text("architecture-name");
    let smips = architecture
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("smips"));
    SystemResourceModel {
        version: text("version").or_else(|| Some(fallback.raw.clone())),
        board_name: text("board-name"),
        architecture_name: architecture,
        cpu: text("cpu"),
        cpu_count: number("cpu-count"),
        uptime: text("uptime"),
        cpu_load: number("cpu-load"),
        free_memory: number("free-memory"),
        total_memory: number("total-memory"),
        free_hdd_space: number("free-hdd-space"),
        total_hdd_space: number("total-hdd-space"),
        macsec_supported: Some(version.at_least(MACSEC_SINCE.0, MACSEC_SINCE.1) && !smips),
        ciphers_supported: Some(version.at_least(CIPHERS_SINCE.0, CIPHERS_SINCE.1)),
    }
}

/// The `routeros_system_resource` data source.
#[derive(Debug, Default)]
pub struct SystemResource;

#[async_trait]
impl DataSource<Configured> for SystemResource {
    fn type_name(&self) -> &'static str {
        "routeros_system_resource"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<SystemResourceModel>(
            0,
            "The router's `/system/resource`: RouterOS version, board, uptime, load and memory, and which MACsec features that version has.",
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        _config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let rows = match ctx.client.command(PRINT, &Record::new(), true).await {
            Ok(rows) => rows,
            Err(e) => {
                diags.push(request_diagnostic("reading /system/resource", &e, &[]));
                return None;
            }
        };
        let Some(row) = rows.first() else {
            diags.push(Diagnostic::error(
                "Empty /system/resource",
                format!(
                    "The router at {} answered /system/resource/print with no data. Check that the user's group has the `read` policy.",
                    ctx.client.endpoint()
                ),
            ));
            return None;
        };
        state_of(&from_record(row, ctx.client.version()), &ctx.schema, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn values_are_read_and_numbers_parsed() {
        let r = rec(&[
            ("version", "7.18.2 (stable)"),
            ("board-name", "CHR"),
            ("architecture-name", "x86_64"),
            ("uptime", "1h2m3s"),
            ("cpu-load", "4"),
            ("free-memory", "183160832"),
            ("total-memory", "268435456"),
            ("cpu-count", "2"),
        ]);
        let m = from_record(&r, &v("7.18"));
        assert_eq!(m.version.as_deref(), Some("7.18.2 (stable)"));
        assert_eq!(m.board_name.as_deref(), Some("CHR"));
        assert_eq!(m.uptime.as_deref(), Some("1h2m3s"));
        assert_eq!(m.cpu_load, Some(4));
        assert_eq!(m.total_memory, Some(268_435_456));
        assert_eq!(m.cpu_count, Some(2));
        assert_eq!(m.free_hdd_space, None);
        assert_eq!(m.macsec_supported, Some(true));
        assert_eq!(m.ciphers_supported, Some(false));
    }

    #[test]
    fn feature_flags_follow_the_version_and_architecture() {
        let at = |version: &str, arch: &str| {
            let m = from_record(
                &rec(&[("version", version), ("architecture-name", arch)]),
                &v("7.18"),
            );
            (m.macsec_supported.unwrap(), m.ciphers_supported.unwrap())
        };
        assert_eq!(at("7.8 (stable)", "arm64"), (false, false));
        assert_eq!(at("7.9", "arm64"), (true, false));
        assert_eq!(at("7.22.3", "arm64"), (true, false));
        assert_eq!(at("7.23beta2 (testing)", "arm64"), (true, true));
        assert_eq!(at("7.24", "arm64"), (true, true));
        assert_eq!(at("7.24", "smips"), (false, true));
        assert_eq!(at("6.49.10 (long-term)", "mipsbe"), (false, false));
    }

    #[test]
    fn a_row_without_version_uses_the_connected_version() {
        let m = from_record(&rec(&[("board-name", "CHR")]), &v("7.23.2 (stable)"));
        assert_eq!(m.version.as_deref(), Some("7.23.2 (stable)"));
        assert_eq!(m.ciphers_supported, Some(true));
    }

    #[test]
    fn every_attribute_is_read_only() {
        let schema = SystemResource.schema();
        assert!(
            schema
                .block
                .attributes
                .iter()
                .all(|a| a.computed && !a.optional && !a.required)
        );
        assert!(schema.block.attribute("macsec_supported").is_some());
    }
}
