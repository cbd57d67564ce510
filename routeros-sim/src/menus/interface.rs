//! `/interface`: every interface, any type, with the common properties and counters.
//! An interface has the same `.id` here and in its own menu; `set` goes through the
//! interface's own menu (`l2mtu` of a MACsec interface follows its port). No export or
//! backup form: the interfaces' own menus write those.

use crate::error::RosError;
use crate::menu::MenuRules;
use crate::query::Row;
use crate::state::{ETHER_MAX_L2MTU, Ethernet, MACSEC_OVERHEAD, Macsec, Router};
use crate::value::{Args, bool_text, format_id, names};

use super::ethernet::set_ether;

/// The rules of `/interface`.
pub(super) struct InterfaceMenu;

impl MenuRules for InterfaceMenu {
    fn path(&self) -> &'static str {
        "/interface"
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        let mut rows: Vec<(u32, Row)> = r
            .ethernets
            .iter()
            .map(|e| (e.id, interface_row_ether(r, e)))
            .chain(r.macsecs.iter().map(|m| (m.id, interface_row_macsec(r, m))))
            .collect();
        rows.sort_by_key(|(id, _)| *id);
        rows.into_iter().map(|(_, row)| row).collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.ethernets
            .iter()
            .map(|e| (e.id, e.name.as_str()))
            .chain(r.macsecs.iter().map(|m| (m.id, m.name.as_str())))
            .find(|(id, name)| names(key, *id, name))
            .map(|(id, _)| id)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.ether(id).map(|e| interface_row_ether(r, e)).or_else(|| {
            r.macsecs
                .iter()
                .find(|m| m.id == id)
                .map(|m| interface_row_macsec(r, m))
        })
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        set_interface(r, id, args)
    }
}

fn interface_counters(row: &mut Row) {
    for counter in [
        "link-downs",
        "rx-byte",
        "rx-drop",
        "rx-error",
        "rx-packet",
        "tx-byte",
        "tx-drop",
        "tx-error",
        "tx-packet",
        "tx-queue-drop",
    ] {
        row.insert(counter.into(), "0".into());
    }
}

fn interface_row_ether(r: &Router, e: &Ethernet) -> Row {
    let mut row = Row::new();
    row.insert(".id".into(), format_id(e.id));
    row.insert("actual-mtu".into(), e.mtu.to_string());
    if let Some(comment) = &e.comment {
        row.insert("comment".into(), comment.clone());
    }
    row.insert("default-name".into(), e.default_name.clone());
    row.insert("disabled".into(), bool_text(e.disabled));
    row.insert("l2mtu".into(), e.l2mtu.to_string());
    row.insert("mac-address".into(), e.mac.clone());
    row.insert("max-l2mtu".into(), ETHER_MAX_L2MTU.to_string());
    row.insert("mtu".into(), e.mtu.to_string());
    row.insert("name".into(), e.name.clone());
    row.insert("running".into(), bool_text(r.port_running(e)));
    row.insert("type".into(), "ether".into());
    interface_counters(&mut row);
    row
}

fn interface_row_macsec(r: &Router, m: &Macsec) -> Row {
    let parent = r.ether(m.interface);
    let mut row = Row::new();
    row.insert(".id".into(), format_id(m.id));
    row.insert("actual-mtu".into(), m.mtu.to_string());
    if let Some(comment) = &m.comment {
        row.insert("comment".into(), comment.clone());
    }
    row.insert("disabled".into(), bool_text(m.disabled));
    row.insert(
        "l2mtu".into(),
        parent
            .map(|p| p.l2mtu.saturating_sub(MACSEC_OVERHEAD))
            .unwrap_or(0)
            .to_string(),
    );
    row.insert(
        "mac-address".into(),
        parent.map(|p| p.mac.clone()).unwrap_or_default(),
    );
    row.insert("mtu".into(), m.mtu.to_string());
    row.insert("name".into(), m.name.clone());
    row.insert("running".into(), bool_text(r.macsec_link(m).is_open()));
    row.insert("type".into(), "macsec".into());
    interface_counters(&mut row);
    row
}

/// `/interface set`: the common properties, applied through the interface's own menu.
fn set_interface(r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
    if r.ether(id).is_some() {
        return set_ether(r, id, args);
    }
    let m = r
        .macsecs
        .iter()
        .find(|m| m.id == id)
        .ok_or_else(RosError::not_found)?;
    if args.iter().any(|(k, _)| k == "l2mtu") {
        return Err(RosError::failure(format!(
            "l2mtu of {} is set from its Ethernet port and can not be changed",
            m.name
        )));
    }
    r.set_macsec(id, args)
}
