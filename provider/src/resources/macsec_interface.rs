//! `routeros_macsec_interface`: one `/interface/macsec` entry, without its
//! keys (`routeros_macsec_key` owns `cak`/`ckn`). Link state (`status`,
//! `running`, counters) is deliberately not part of it, so a refresh-only
//! plan reports configuration drift only.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::row::{ListFilter, MenuRow};
use super::{menus, request_diagnostic};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;
use crate::routeros::Record;

/// The RouterOS menu.
pub const MENU: &str = menus::MACSEC;

/// Smallest and largest `mtu` accepted at plan time.
pub const MTU_RANGE: std::ops::RangeInclusive<i64> = 64..=65535;

fn no() -> Option<bool> {
    Some(false)
}

/// RouterOS's default MACsec MTU.
pub const DEFAULT_MTU: i64 = 1468;

fn default_mtu() -> Option<i64> {
    Some(DEFAULT_MTU)
}

fn default_profile() -> Option<String> {
    Some("default".to_string())
}

/// A MACsec interface (`/interface/macsec`) riding on an Ethernet port.
/// Its pre-shared key is managed by `routeros_macsec_key`; its link state is
/// read with the MACsec data sources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MacsecInterfaceModel {
    /// RouterOS's id of the entry (such as `*1`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Interface name, such as `macsec1`. Renaming is done in place.
    pub name: String,
    /// The Ethernet port the MACsec interface rides on, such as `ether1`.
    /// A port carries at most one MACsec interface. Changing it moves the
    /// MACsec interface in place.
    pub interface: String,
    /// MTU of the MACsec interface: at most the port's `l2mtu` minus the 32
    /// bytes of MACsec overhead. Left out, it is RouterOS's default, and a
    /// value changed on the router by hand shows as drift.
    #[serde(default = "default_mtu")]
    pub mtu: Option<i64>,
    /// Name of the MACsec profile (`routeros_macsec_profile`) that decides
    /// the key-server election. Left out, it is RouterOS's built-in
    /// `default` profile.
    #[serde(default = "default_profile")]
    pub profile: Option<String>,
    /// Whether the interface is disabled.
    #[serde(default = "no")]
    pub disabled: Option<bool>,
    /// Free-text comment stored on the router.
    pub comment: Option<String>,
}

/// The `routeros_macsec_interface` resource.
#[derive(Debug, Default)]
pub struct MacsecInterface;

/// Plan-time checks of a name (skipped when unknown).
fn check_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    if name.len() > 255 {
        return Some("the name is longer than 255 characters".into());
    }
    if name.chars().any(char::is_control) {
        return Some("the name contains control characters".into());
    }
    if name.trim() != name {
        return Some("the name starts or ends with white space".into());
    }
    None
}

#[async_trait]
impl MenuRow for MacsecInterface {
    type Model = MacsecInterfaceModel;
    const TYPE_NAME: &'static str = "routeros_macsec_interface";
    const DESCRIPTION: &'static str = "A MACsec interface (`/interface/macsec`) riding on an Ethernet port. Keys are managed by `routeros_macsec_key`; link state by the MACsec data sources.";
    const MENU: &'static str = MENU;
    const NOUN: &'static str = "MACsec interface";
    const KEY: (&'static str, &'static str) = ("name", "name");
    const IMPORT_HINT: &'static str = "name (macsec1)";

    fn id(m: &MacsecInterfaceModel) -> Option<&str> {
        m.id.as_deref()
    }

    fn key(m: &MacsecInterfaceModel) -> &str {
        &m.name
    }

    fn filter_row(&self, filter: &ListFilter, row: &Record) -> bool {
        filter
            .interface
            .as_deref()
            .is_none_or(|port| row.get("interface").map(String::as_str) == Some(port))
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(name) = config.get_str("name") {
            if let Some(problem) = check_name(name) {
                diags.push(
                    Diagnostic::error(
                        "Invalid MACsec interface name",
                        format!("{problem}. Use a name such as macsec1: printable characters, no surrounding spaces."),
                    )
                    .at_attr("name"),
                );
            }
        }
        if let Some(port) = config.get_str("interface") {
            if port.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        "Invalid port",
                        "`interface` is empty: name the Ethernet port, such as ether1.",
                    )
                    .at_attr("interface"),
                );
            }
        }
        if let Some(mtu) = config.get_i64("mtu") {
            if !MTU_RANGE.contains(&mtu) {
                diags.push(
                    Diagnostic::error(
                        "MTU out of range",
                        format!(
                            "mtu = {mtu} is outside {}..{}. Leave it out for RouterOS's default (1468), or keep it at most the port's l2mtu minus 32.",
                            MTU_RANGE.start(),
                            MTU_RANGE.end()
                        ),
                    )
                    .at_attr("mtu"),
                );
            }
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        _planned: &mut Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        // A port that does not exist fails at plan time, not half-way
        // through an apply.
        let Some(port) = input.config.get_str("interface") else {
            return;
        };
        let found = match ctx.client.find(menus::INTERFACE, "name", port).await {
            Ok(found) => found,
            Err(e) => {
                diags.push(request_diagnostic("reading /interface", &e, &[]));
                return;
            }
        };
        match found {
            None => {
                // Listed only for the message: the look-up above is not a scan.
                let interfaces = ctx.client.list(menus::INTERFACE).await.unwrap_or_default();
                let mut ports: Vec<&str> = interfaces
                    .iter()
                    .filter(|r| r.get("type").map(String::as_str) == Some("ether"))
                    .filter_map(|r| r.get("name").map(String::as_str))
                    .collect();
                ports.sort();
                diags.push(
                    Diagnostic::error(
                        "No such Ethernet port",
                        format!(
                            "The router at {} has no interface {port:?}. Its Ethernet ports are: {}. Set `interface` to one of them.",
                            ctx.client.endpoint(),
                            if ports.is_empty() { "none".to_string() } else { ports.join(", ") }
                        ),
                    )
                    .at_attr("interface"),
                );
            }
            Some(r) if r.get("type").is_some_and(|t| t != "ether") => {
                diags.push(
                    Diagnostic::error(
                        "Not an Ethernet port",
                        format!(
                            "{port:?} is an interface of type {:?}; MACsec rides on an Ethernet port. Set `interface` to an Ethernet port such as ether1.",
                            r.get("type").map(String::as_str).unwrap_or("")
                        ),
                    )
                    .at_attr("interface"),
                );
            }
            Some(_) => {
                if input.prior_state.is_null() {
                    self.check_port_free(ctx, input, port, diags).await;
                }
                self.warn_if_frames_do_not_fit(ctx, input, port, diags)
                    .await
            }
        }
    }
}

impl MacsecInterface {
    /// A create on a port that already carries another MACsec interface
    /// fails at plan time: RouterOS allows one per port (DESIGN.md,
    /// "Facts: MACsec interface"), whatever words its refusal uses.
    async fn check_port_free(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        port: &str,
        diags: &mut Diagnostics,
    ) {
        let Ok(Some(other)) = ctx.client.find(menus::MACSEC, "interface", port).await else {
            return;
        };
        let other = other.get("name").map(String::as_str).unwrap_or("?");
        if input.config.get_str("name") == Some(other) {
            // Its own name: the row-level check reports it (import it).
            return;
        }
        diags.push(
            Diagnostic::error(
                format!("Port {port:?} already carries a MACsec interface"),
                format!(
                    "The router's MACsec interface {other:?} rides on {port:?}, and RouterOS allows one MACsec interface per Ethernet port. Set `interface` to another port, or manage {other:?} instead of adding one (import it: `terraform import <address> {other}`), or remove it from the router."
                ),
            )
            .at_attr("interface"),
        );
    }

    /// The warning the docs promise for an `mtu` above the port's `l2mtu`
    /// minus MACsec's 32 bytes, when `mtu` is set and new or changed.
    async fn warn_if_frames_do_not_fit(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        port: &str,
        diags: &mut Diagnostics,
    ) {
        let Some(mtu) = input.config.get_i64("mtu") else {
            return;
        };
        if input.prior_state.get_i64("mtu") == Some(mtu) {
            return;
        }
        let Ok(Some(row)) = ctx.client.find(menus::ETHERNET, "name", port).await else {
            return;
        };
        let Some(l2mtu) = row.get("l2mtu").and_then(|v| v.parse::<i64>().ok()) else {
            return;
        };
        let name = input
            .config
            .get_str("name")
            .unwrap_or("this MACsec interface");
        if let Some(w) = super::ethernet_binding::frame_fit_warning(port, name, mtu, l2mtu, false) {
            diags.push(w.at_attr("mtu"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_record(r: &Record, prior: Option<&MacsecInterfaceModel>) -> MacsecInterfaceModel {
        MacsecInterface::from_record(r, prior).unwrap()
    }

    fn to_args(planned: &MacsecInterfaceModel, prior: Option<&MacsecInterfaceModel>) -> Record {
        MacsecInterface::to_args(planned, prior)
    }

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn router_forms_are_normalised() {
        let r = rec(&[
            (".id", "*1"),
            ("name", "macsec1"),
            ("interface", "ether1"),
            ("mtu", "1468"),
            ("profile", "default"),
            ("disabled", "yes"),
        ]);
        let m = from_record(&r, None);
        assert_eq!(m.id.as_deref(), Some("*1"));
        assert_eq!(m.mtu, Some(1468));
        assert_eq!(m.disabled, Some(true));
        assert_eq!(m.comment, None);
    }

    #[test]
    fn an_empty_comment_in_state_is_not_drift() {
        let r = rec(&[(".id", "*1"), ("name", "m"), ("interface", "ether1")]);
        let prior = MacsecInterfaceModel {
            comment: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(from_record(&r, Some(&prior)).comment, Some(String::new()));
        let prior = MacsecInterfaceModel {
            comment: Some("old".into()),
            ..Default::default()
        };
        assert_eq!(
            from_record(&r, Some(&prior)).comment,
            None,
            "a comment removed on the router is drift"
        );
    }

    #[test]
    fn update_sends_only_what_changed_and_clears_a_removed_comment() {
        let old = MacsecInterfaceModel {
            id: Some("*1".into()),
            name: "macsec1".into(),
            interface: "ether1".into(),
            mtu: Some(1468),
            profile: Some("default".into()),
            disabled: Some(false),
            comment: Some("uplink".into()),
        };
        let mut new = old.clone();
        new.mtu = Some(1400);
        new.comment = None;
        let args = to_args(&new, Some(&old));
        assert_eq!(args, rec(&[("mtu", "1400"), ("comment", "")]));
        assert!(to_args(&old, Some(&old)).is_empty());
    }

    #[test]
    fn create_sends_required_and_set_attributes() {
        let new = MacsecInterfaceModel {
            name: "macsec1".into(),
            interface: "ether2".into(),
            disabled: Some(false),
            ..Default::default()
        };
        assert_eq!(
            to_args(&new, None),
            rec(&[
                ("name", "macsec1"),
                ("interface", "ether2"),
                ("disabled", "no")
            ])
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("macsec1").is_none());
        assert!(check_name("").is_some());
        assert!(check_name(" macsec1").is_some());
        assert!(check_name("mac\nsec").is_some());
    }
}
