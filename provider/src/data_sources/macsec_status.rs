//! `routeros_macsec_status`: the link state of one MACsec interface, read
//! fresh on every run: `status` and flags from `/interface/macsec`, the
//! traffic and error counters from `print stats`, and, on RouterOS 7.23+,
//! the key-server role and the cipher suite from `monitor once`. Link
//! state lives here, not in the resources, so that a refresh-only plan of
//! the resources stays clean while a link negotiates.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{model_of, state_of};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, DataSource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::resources::{request_diagnostic, ros_bool};
use crate::routeros::{Client, Record, Version};

/// The RouterOS menu read.
pub const MENU: &str = crate::resources::menus::MACSEC;

/// The counters command (`print stats`).
pub const PRINT: &str = "/interface/macsec/print";

/// The monitor command (7.23+).
pub const MONITOR: &str = "/interface/macsec/monitor";

/// The first RouterOS version whose `/interface/macsec` has `print stats`
/// and `monitor` (both absent from 7.20's command tree, present in 7.23's).
pub const MONITOR_SINCE: (u32, u32) = (7, 23);

/// The counters of `/interface/macsec/print stats` (RouterOS's names), as
/// listed in the MikroTik CLI reference. The `rx-sc-*`, `rx-sa-*`, `tx-sc-*`
/// and `tx-sa-*` ones are per secure channel / association.
pub const COUNTERS: [&str; 29] = [
    "tx-untagged",
    "rx-untagged",
    "tx-too-long",
    "rx-no-tag",
    "rx-bad-tag",
    "rx-unknown-sci",
    "rx-no-sci",
    "rx-overrun",
    "tx-sc-protected-byte",
    "tx-sc-protected-packet",
    "tx-sc-encrypted-byte",
    "tx-sc-encrypted-packet",
    "rx-sc-validated-byte",
    "rx-sc-decrypted-byte",
    "rx-sc-unchecked",
    "rx-sc-delayed",
    "rx-sc-ok",
    "rx-sc-invalid",
    "rx-sc-late",
    "rx-sc-not-valid",
    "rx-sc-not-using-sa",
    "rx-sc-unused-sa",
    "rx-sa-ok",
    "rx-sa-invalid",
    "rx-sa-not-valid",
    "rx-sa-not-using-sa",
    "rx-sa-unused-sa",
    "tx-sa-protected",
    "tx-sa-encrypted",
];

macro_rules! status_model {
    ($($(#[doc = $doc:literal])* $name:ident: $ty:ty,)*) => {
        /// Model of the `routeros_macsec_status` data source. Counters are
        /// null on routers without `print stats` (before RouterOS 7.23);
        /// `key_server` and `cipher_suite` are null before 7.23.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct MacsecStatusModel {
            /// Name of the MACsec interface, such as `macsec1`.
            pub interface: String,
            $(
                $(#[doc = $doc])*
                #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
                pub $name: $ty,
            )*
        }
    };
}

status_model! {
    /// RouterOS's id of the MACsec interface (such as `*1`).
    id: Option<String>,
    /// Link status: `disabled`, `initializing`, `invalid`, `negotiating` or
    /// `open-encrypted` (keys agreed, traffic encrypted).
    status: Option<String>,
    /// The link is up and encrypted (RouterOS's `R` flag).
    running: Option<bool>,
    /// The interface cannot work, for instance because its port is disabled
    /// (RouterOS's `I` flag).
    inactive: Option<bool>,
    /// Encryption is done in hardware (RouterOS's `H` flag).
    hw_offloaded: Option<bool>,
    /// This end is the MKA key server (RouterOS 7.23+, from `monitor`).
    key_server: Option<bool>,
    /// The cipher suite in use, `aes-gcm-128` or `aes-gcm-xpn-128`
    /// (RouterOS 7.23+, from `monitor`); null while none is agreed.
    cipher_suite: Option<String>,
    /// Frames sent without a MACsec tag.
    tx_untagged: Option<i64>,
    /// Frames received without a MACsec tag.
    rx_untagged: Option<i64>,
    /// Frames too long to send.
    tx_too_long: Option<i64>,
    /// Received frames without a tag.
    rx_no_tag: Option<i64>,
    /// Received frames with a malformed tag.
    rx_bad_tag: Option<i64>,
    /// Received frames from an unknown secure channel.
    rx_unknown_sci: Option<i64>,
    /// Received frames without a secure channel identifier.
    rx_no_sci: Option<i64>,
    /// Received frames dropped for lack of buffer.
    rx_overrun: Option<i64>,
    /// Bytes sent integrity-protected only.
    tx_sc_protected_byte: Option<i64>,
    /// Packets sent integrity-protected only.
    tx_sc_protected_packet: Option<i64>,
    /// Bytes sent encrypted.
    tx_sc_encrypted_byte: Option<i64>,
    /// Packets sent encrypted.
    tx_sc_encrypted_packet: Option<i64>,
    /// Bytes received and validated.
    rx_sc_validated_byte: Option<i64>,
    /// Bytes received and decrypted.
    rx_sc_decrypted_byte: Option<i64>,
    /// Received packets not checked.
    rx_sc_unchecked: Option<i64>,
    /// Received packets delayed (replay window).
    rx_sc_delayed: Option<i64>,
    /// Received packets that were valid.
    rx_sc_ok: Option<i64>,
    /// Received packets that failed the integrity check.
    rx_sc_invalid: Option<i64>,
    /// Received packets that arrived too late.
    rx_sc_late: Option<i64>,
    /// Received packets that were not valid.
    rx_sc_not_valid: Option<i64>,
    /// Received packets for a secure association not in use.
    rx_sc_not_using_sa: Option<i64>,
    /// Received packets for an unused secure association.
    rx_sc_unused_sa: Option<i64>,
    /// Received packets valid per secure association.
    rx_sa_ok: Option<i64>,
    /// Received packets invalid per secure association.
    rx_sa_invalid: Option<i64>,
    /// Received packets not valid per secure association.
    rx_sa_not_valid: Option<i64>,
    /// Received packets for an association not in use.
    rx_sa_not_using_sa: Option<i64>,
    /// Received packets for an unused association.
    rx_sa_unused_sa: Option<i64>,
    /// Packets sent integrity-protected per secure association.
    tx_sa_protected: Option<i64>,
    /// Packets sent encrypted per secure association.
    tx_sa_encrypted: Option<i64>,
}

/// The Terraform attribute of a RouterOS counter name.
pub fn attribute_of(counter: &str) -> String {
    counter.replace('-', "_")
}

/// A counter as RouterOS prints it. A per-channel "multi counter" that
/// comes as several comma- or space-separated numbers is summed; anything
/// else that is not a number is null.
pub fn parse_counter(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split([',', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    parts
        .iter()
        .try_fold(0i64, |sum, p| sum.checked_add(p.parse::<i64>().ok()?))
}

/// True when `version` has `print stats` and `monitor`.
pub fn has_monitor(version: &Version) -> bool {
    version.at_least(MONITOR_SINCE.0, MONITOR_SINCE.1)
}

/// Builds the result from the `/interface/macsec` row, the `print stats`
/// row and the `monitor once` reading (each `None` when not available).
pub fn build(
    interface: &str,
    row: &Record,
    stats: Option<&Record>,
    monitor: Option<&Record>,
) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let flag = |k: &str| serde_json::Value::Bool(row.get(k).is_some_and(|v| ros_bool(v)));
    out.insert("interface".into(), interface.into());
    out.insert("id".into(), row.get(".id").cloned().into());
    out.insert("status".into(), row.get("status").cloned().into());
    out.insert("running".into(), flag("running"));
    out.insert("inactive".into(), flag("inactive"));
    out.insert("hw_offloaded".into(), flag("hw-offloaded"));
    out.insert(
        "key_server".into(),
        monitor
            .and_then(|m| m.get("key-server"))
            .map(|v| ros_bool(v))
            .into(),
    );
    out.insert(
        "cipher_suite".into(),
        monitor
            .and_then(|m| m.get("cipher-suite"))
            .filter(|c| !c.is_empty())
            .cloned()
            .into(),
    );
    for counter in COUNTERS {
        let value = stats
            .and_then(|s| s.get(counter))
            .and_then(|t| parse_counter(t));
        out.insert(attribute_of(counter), value.into());
    }
    serde_json::Value::Object(out)
}

/// The `routeros_macsec_status` data source.
#[derive(Debug, Default)]
pub struct MacsecStatus;

impl MacsecStatus {
    /// `print stats` and `monitor once` of entry `id`, on routers that
    /// have them.
    async fn live(
        &self,
        client: &Client,
        id: &str,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Option<(Option<Record>, Option<Record>)> {
        if !has_monitor(client.version()) {
            return Some((None, None));
        }
        let mut args = Record::new();
        args.insert("stats".into(), String::new());
        let stats = match client.command(PRINT, &args, true).await {
            Ok(rows) => rows
                .into_iter()
                .find(|r| r.get(".id").map(String::as_str) == Some(id)),
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("reading the counters of MACsec interface {name:?}"),
                    &e,
                    &[],
                ));
                return None;
            }
        };
        let mut args = Record::new();
        args.insert("numbers".into(), id.to_string());
        args.insert("once".into(), String::new());
        let monitor = match client.command(MONITOR, &args, true).await {
            Ok(rows) => rows.into_iter().next(),
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("monitoring MACsec interface {name:?}"),
                    &e,
                    &[],
                ));
                return None;
            }
        };
        Some((stats, monitor))
    }
}

#[async_trait]
impl DataSource<Configured> for MacsecStatus {
    fn type_name(&self) -> &'static str {
        "routeros_macsec_status"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<MacsecStatusModel>(
            0,
            "The link state of one MACsec interface, read fresh on every run: `status` (such as `open-encrypted`), its flags, the traffic and error counters of `print stats`, and on RouterOS 7.23+ the key-server role and cipher suite from `monitor`. Counters, `key_server` and `cipher_suite` are null on older routers. The pre-shared key is never read.",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        super::refuse_blank_interface(
            config,
            "Empty interface name",
            "`interface` is empty: name the MACsec interface, such as macsec1.",
            diags,
        );
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let model: MacsecStatusModel = model_of(config, diags)?;
        let name = model.interface.as_str();
        let rows = super::fresh_macsec_rows(&ctx.client, diags).await?;
        let Some(row) = rows
            .iter()
            .find(|r| r.get("name").map(String::as_str) == Some(name))
        else {
            let mut names: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get("name").map(String::as_str))
                .collect();
            names.sort();
            diags.push(
                Diagnostic::error(
                    "No such MACsec interface",
                    format!(
                        "The router at {} has no MACsec interface named {name:?}. Its MACsec interfaces are: {}. Set `interface` to one of them (the `name` of a routeros_macsec_interface).",
                        ctx.client.endpoint(),
                        if names.is_empty() { "none".to_string() } else { names.join(", ") }
                    ),
                )
                .at_attr("interface"),
            );
            return None;
        };
        let id = row.get(".id").cloned().unwrap_or_default();
        let (stats, monitor) = self.live(&ctx.client, &id, name, diags).await?;
        let json = build(name, row, stats.as_ref(), monitor.as_ref());
        let result: MacsecStatusModel = match serde_json::from_value(json) {
            Ok(m) => m,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Internal error building the data source result",
                    format!("{e}. This is a provider bug; please report it."),
                ));
                return None;
            }
        };
        state_of(&result, &ctx.schema, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::{Type, try_schema_from_model};

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_counter_is_a_number_attribute_and_only_interface_is_input() {
        let s = try_schema_from_model::<MacsecStatusModel>(0, "x").unwrap();
        for counter in COUNTERS {
            let a = s
                .block
                .attribute(&attribute_of(counter))
                .unwrap_or_else(|| panic!("{counter} has no attribute"));
            assert_eq!(a.ty, Some(Type::Number), "{counter}");
            assert!(a.computed && !a.optional, "{counter}");
            assert!(!a.description.is_empty(), "{counter}");
        }
        assert_eq!(s.block.attributes.len(), COUNTERS.len() + 8);
        let inputs: Vec<&str> = s
            .block
            .attributes
            .iter()
            .filter(|a| a.required || a.optional)
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(inputs, ["interface"]);
        assert_eq!(
            s.block.attribute("key_server").unwrap().ty,
            Some(Type::Bool)
        );
    }

    #[test]
    fn counters_parse_single_and_multi_values() {
        assert_eq!(parse_counter("46720"), Some(46720));
        assert_eq!(parse_counter("1,2,3"), Some(6));
        assert_eq!(parse_counter("1 2"), Some(3));
        assert_eq!(parse_counter(""), None);
        assert_eq!(parse_counter("n/a"), None);
        assert_eq!(parse_counter(&format!("{},1", i64::MAX)), None);
    }

    #[test]
    fn result_combines_row_stats_and_monitor() {
        let row = rec(&[
            (".id", "*5"),
            ("name", "macsec1"),
            ("status", "open-encrypted"),
            ("running", "true"),
            ("inactive", "false"),
            ("hw-offloaded", "false"),
            ("cak", "71a7c363794da400dbde595d3926b0e9"),
        ]);
        let stats = rec(&[
            (".id", "*5"),
            ("name", "macsec1"),
            ("rx-sc-ok", "320"),
            ("tx-sc-encrypted-byte", "46720"),
        ]);
        let monitor = rec(&[
            ("key-server", "true"),
            ("cipher-suite", "aes-gcm-128"),
            ("status", "open-encrypted"),
        ]);
        let json = build("macsec1", &row, Some(&stats), Some(&monitor));
        let m: MacsecStatusModel = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(m.id.as_deref(), Some("*5"));
        assert_eq!(m.status.as_deref(), Some("open-encrypted"));
        assert_eq!(m.running, Some(true));
        assert_eq!(m.key_server, Some(true));
        assert_eq!(m.cipher_suite.as_deref(), Some("aes-gcm-128"));
        assert_eq!(m.rx_sc_ok, Some(320));
        assert_eq!(m.tx_sc_encrypted_byte, Some(46720));
        assert_eq!(
            m.rx_overrun, None,
            "a counter RouterOS did not print is null"
        );
        assert!(
            !json.to_string().contains("71a7c363"),
            "the CAK never reaches the result"
        );

        // An older router: no stats, no monitor.
        let m: MacsecStatusModel =
            serde_json::from_value(build("macsec1", &row, None, None)).unwrap();
        assert_eq!(
            (m.key_server, m.cipher_suite, m.rx_sc_ok),
            (None, None, None)
        );
        assert_eq!(m.running, Some(true));
        // Negotiating: monitor without a cipher suite.
        let monitor = rec(&[("key-server", "false"), ("status", "negotiating")]);
        let m: MacsecStatusModel =
            serde_json::from_value(build("macsec1", &row, None, Some(&monitor))).unwrap();
        assert_eq!((m.key_server, m.cipher_suite), (Some(false), None));
    }

    #[test]
    fn monitor_needs_7_23() {
        assert!(!has_monitor(&Version::parse("7.22.3").unwrap()));
        assert!(has_monitor(&Version::parse("7.23beta2").unwrap()));
        assert!(has_monitor(&Version::parse("7.24").unwrap()));
    }
}
