//! `/interface/ethernet`: the fixed ports ether1..etherN. They can be renamed and set,
//! never added or removed. Properties the emulator gives no meaning to are kept and
//! printed as set. Export: `set [ find default-name=etherN ] ...` with what differs from
//! a fresh port; backup: every port's configuration, matched by `default-name` on
//! restore.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::RosError;
use crate::menu::{
    ExportOptions, MenuRules, Section, config_rows, props, quote, rows_of, str_field, yes_no,
};
use crate::query::Row;
use crate::state::{
    ETHER_DEFAULT_L2MTU, ETHER_MAX_L2MTU, ETHER_OTHER_DEFAULTS, Ethernet, MAX_MTU, Router,
};
use crate::value::{
    Args, bool_text, format_id, names, non_empty, parse_bool, parse_int, parse_mac, parse_name,
};

/// Ethernet `set` arguments that are yes/no and print as `true`/`false`.
const ETHER_BOOL_ARGS: [&str; 5] = [
    "auto-negotiation",
    "disable-running-check",
    "full-duplex",
    "mdix-enable",
    "sfp-ignore-rx-los",
];

/// The rules of `/interface/ethernet`.
pub(super) struct EthernetMenu;

impl MenuRules for EthernetMenu {
    fn path(&self) -> &'static str {
        "/interface/ethernet"
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.ethernets.iter().map(|e| ether_row(r, e)).collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.ethernets
            .iter()
            .find(|e| names(key, e.id, &e.name))
            .map(|e| e.id)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.ether(id).map(|e| ether_row(r, e))
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        set_ether(r, id, args)
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        Some(ethernet_section(r, options))
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        Some(("ethernet", config_rows(self.list(r))))
    }

    /// Ports are matched by `default-name` and renamed in two steps, so that swapped names
    /// do not collide.
    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        let ports = self.list(r);
        let port_id = |default_name: &str| {
            ports
                .iter()
                .find(|row| row.get("default-name").map(String::as_str) == Some(default_name))
                .and_then(|row| row.get(".id"))
                .and_then(|id| self.find(r, id))
        };
        let mut plans = Vec::new();
        for row in rows_of(config, "ethernet") {
            let Some(id) = str_field(row, "default-name").and_then(port_id) else {
                continue;
            };
            let mut args: Args = row
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| !matches!(k.as_str(), "default-name" | "orig-mac-address"))
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect();
            if str_field(row, "comment").is_none() {
                args.push(("comment".into(), String::new()));
            }
            plans.push((id, args));
        }
        for (id, _) in &plans {
            set_ether(r, *id, &vec![("name".to_string(), format!("restore-{id}"))])?;
        }
        for (id, args) in &plans {
            set_ether(r, *id, args)?;
        }
        Ok(())
    }
}

fn ether_row(r: &Router, e: &Ethernet) -> Row {
    let mut row: Row = e.other.clone();
    row.insert(".id".into(), format_id(e.id));
    row.insert("bandwidth".into(), "unlimited/unlimited".into());
    if let Some(comment) = &e.comment {
        row.insert("comment".into(), comment.clone());
    }
    row.insert("default-name".into(), e.default_name.clone());
    row.insert("disabled".into(), bool_text(e.disabled));
    row.insert("l2mtu".into(), e.l2mtu.to_string());
    row.insert("loop-protect-status".into(), "off".into());
    row.insert("mac-address".into(), e.mac.clone());
    row.insert("mtu".into(), e.mtu.to_string());
    row.insert("name".into(), e.name.clone());
    row.insert("orig-mac-address".into(), e.orig_mac.clone());
    row.insert("running".into(), bool_text(r.port_running(e)));
    row
}

pub(crate) fn set_ether(r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
    let index = r
        .ethernets
        .iter()
        .position(|e| e.id == id)
        .ok_or_else(RosError::not_found)?;
    let mut e = r.ethernets[index].clone();
    for (key, text) in args {
        match key.as_str() {
            "name" => e.name = parse_name(key, text)?,
            "mtu" => e.mtu = parse_int(key, text, 0, MAX_MTU)?,
            "l2mtu" => e.l2mtu = parse_int(key, text, 0, ETHER_MAX_L2MTU)?,
            "disabled" => e.disabled = parse_bool(key, text)?,
            "comment" => e.comment = non_empty(text),
            "mac-address" => e.mac = parse_mac(key, text)?,
            "orig-mac-address" => e.orig_mac = parse_mac(key, text)?,
            "numbers" | ".id" => {}
            other if ETHER_BOOL_ARGS.contains(&other) => {
                e.other
                    .insert(other.to_string(), bool_text(parse_bool(other, text)?));
            }
            other => {
                e.other.insert(other.to_string(), text.clone());
            }
        }
    }
    r.check_interface_name(&e.name, e.id)?;
    r.ethernets[index] = e;
    Ok(())
}

/// The export form: `set [ find default-name=etherN ] ...` per changed port.
fn ethernet_section(router: &Router, options: &ExportOptions) -> Section {
    const READ_ONLY: [&str; 7] = [
        ".id",
        "bandwidth",
        "default-name",
        "loop-protect-status",
        "orig-mac-address",
        "running",
        "mac-address",
    ];
    let defaults: BTreeMap<&str, &str> = ETHER_OTHER_DEFAULTS.into_iter().collect();
    let mut lines = Vec::new();
    for row in EthernetMenu.list(router) {
        let default_name = row.get("default-name").cloned().unwrap_or_default();
        let mut pairs = BTreeMap::new();
        for (key, value) in &row {
            if READ_ONLY.contains(&key.as_str()) {
                continue;
            }
            let is_default = match key.as_str() {
                "name" => *value == default_name,
                "mtu" => value == "1500",
                "l2mtu" => *value == ETHER_DEFAULT_L2MTU.to_string(),
                "disabled" => value == "false",
                other => defaults.get(other).is_some_and(|d| d == value),
            };
            if options.verbose || !is_default {
                pairs.insert(key.clone(), yes_no(key, value));
            }
        }
        if row.get("mac-address") != row.get("orig-mac-address") || options.verbose {
            if let Some(mac) = row.get("mac-address") {
                pairs.insert("mac-address".into(), mac.clone());
            }
        }
        if pairs.is_empty() {
            continue;
        }
        lines.push((
            row,
            format!(
                "set [ find default-name={} ] {}",
                quote(&default_name),
                props(&pairs)
            ),
        ));
    }
    Section {
        menu: "/interface ethernet",
        lines,
    }
}
