//! `/interface/macsec`: MACsec interfaces on Ethernet ports, one per port, and their
//! link state derived from both ends of the port's cable (`status`, `running`,
//! `/monitor`, `print stats`). `cak` is sensitive. Export: `add ...` per interface
//! (`cak` only with `show-sensitive`); backup: every interface, re-added on restore.
//!
//! Arguments (every version from 7.9 to 7.24, from the dumps): `cak ckn comment
//! copy-from disabled interface mtu name profile`; `interface` is mandatory.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::RosError;
use crate::link::Peer;
use crate::menu::{
    ExportOptions, MenuRules, Section, args_of, config_rows, props, rows_of, yes_no,
};
use crate::query::Row;
use crate::schema::Version;
use crate::state::{
    DEFAULT_CIPHER, MACSEC_DEFAULT_MTU, MAX_MTU, Macsec, Router, mac_bytes, random_hex,
};
use crate::value::{
    Args, arg, bool_text, format_id, names, no_match, non_empty, parse_bool, parse_hex, parse_int,
    parse_name,
};

/// The read-only counters of `/interface/macsec/print stats` (DESIGN.md, "Facts: MACsec interface"),
/// with the values an `open-encrypted` link shows. They are fixed, so tests can compare
/// them; every counter is `0` while the link is not `open-encrypted`. The per-SC/SA
/// "multi counters" are printed as a single number (their exact REST form is not known).
pub(crate) const MACSEC_STATS_OPEN: [(&str, u64); 29] = [
    ("tx-untagged", 0),
    ("rx-untagged", 0),
    ("tx-too-long", 0),
    ("rx-no-tag", 0),
    ("rx-bad-tag", 0),
    ("rx-unknown-sci", 0),
    ("rx-no-sci", 0),
    ("rx-overrun", 0),
    ("tx-sc-protected-byte", 0),
    ("tx-sc-protected-packet", 0),
    ("tx-sc-encrypted-byte", 46_720),
    ("tx-sc-encrypted-packet", 320),
    ("rx-sc-validated-byte", 0),
    ("rx-sc-decrypted-byte", 46_720),
    ("rx-sc-unchecked", 0),
    ("rx-sc-delayed", 0),
    ("rx-sc-ok", 320),
    ("rx-sc-invalid", 0),
    ("rx-sc-late", 0),
    ("rx-sc-not-valid", 0),
    ("rx-sc-not-using-sa", 0),
    ("rx-sc-unused-sa", 0),
    ("rx-sa-ok", 320),
    ("rx-sa-invalid", 0),
    ("rx-sa-not-valid", 0),
    ("rx-sa-not-using-sa", 0),
    ("rx-sa-unused-sa", 0),
    ("tx-sa-protected", 0),
    ("tx-sa-encrypted", 320),
];

/// The link state of one MACsec interface, derived from both ends of its port's cable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MacsecLink {
    /// `disabled`, `negotiating` or `open-encrypted`.
    pub(crate) status: &'static str,
    /// This end is the MKA key server.
    pub(crate) key_server: bool,
    /// The negotiated cipher suite, when the link is `open-encrypted`.
    pub(crate) cipher_suite: Option<String>,
    /// Why MKA does not open the link when the configuration says why (the log names it).
    pub(crate) why: Option<Failure>,
}

/// Why MKA does not bring a MACsec link up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No MKA peer: no cable, the port or the peer's port down, no enabled MACsec
    /// interface at the other end.
    NoPeer,
    /// The peer's CAK or CKN differs from ours.
    KeyMismatch,
    /// The two ends' profiles share no cipher suite.
    NoCommonCipher,
}

impl MacsecLink {
    fn down(status: &'static str, why: Option<Failure>) -> MacsecLink {
        MacsecLink {
            status,
            key_server: false,
            cipher_suite: None,
            why,
        }
    }

    /// `true` when the link carries traffic.
    pub(crate) fn is_open(&self) -> bool {
        self.status == "open-encrypted"
    }
}

/// `true` when `version` prints the read-only `hw-offloaded` flag.
///
/// The generated CLI reference lists the `H` (hw-offloaded) flag; the older MACsec
/// page shows only `I`, `X` and `R`; a 7.23.2 router lists `hw-offloaded` among the
/// read-only properties. Nothing shows it before 7.23, so the emulator prints it from
/// 7.23 on (always `false`: the emulated CHR has no MACsec hardware).
pub(crate) fn shows_hw_offloaded(version: &Version) -> bool {
    version.at_least(7, 23, 0)
}

/// Every `status` RouterOS documents for a MACsec interface (MT-MACSEC).
pub(crate) const STATUSES: [&str; 5] = [
    "disabled",
    "initializing",
    "invalid",
    "negotiating",
    "open-encrypted",
];

/// The path of the menu.
const MACSEC: &str = "/interface/macsec";

/// The rules of `/interface/macsec`.
pub(super) struct MacsecMenu;

impl MenuRules for MacsecMenu {
    fn path(&self) -> &'static str {
        MACSEC
    }

    fn sensitive(&self) -> &'static [&'static str] {
        // RouterOS lists `/interface/macsec` `cak` as sensitive (MT-SENS).
        &["cak"]
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.macsecs.iter().map(|m| r.macsec_row(m)).collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.macsecs
            .iter()
            .find(|m| names(key, m.id, &m.name))
            .map(|m| m.id)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.macsecs
            .iter()
            .find(|m| m.id == id)
            .map(|m| r.macsec_row(m))
    }

    fn add(&self, r: &mut Router, args: &Args) -> Result<u32, RosError> {
        r.add_macsec(args)
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        r.set_macsec(id, args)
    }

    fn remove(&self, r: &mut Router, id: u32) -> Result<(), RosError> {
        r.macsecs.retain(|m| m.id != id);
        Ok(())
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        r.serves(MACSEC).then(|| macsec_section(r, options))
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        r.serves(MACSEC)
            .then(|| ("macsec", config_rows(self.list(r))))
    }

    fn clear(&self, r: &mut Router) -> Result<(), RosError> {
        r.macsecs.clear();
        Ok(())
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if !r.serves(MACSEC) {
            return Ok(());
        }
        for row in rows_of(config, "macsec") {
            const KEYS: [&str; 8] = [
                "name",
                "interface",
                "mtu",
                "profile",
                "disabled",
                "comment",
                "cak",
                "ckn",
            ];
            r.add_macsec(&args_of(row, &KEYS))?;
        }
        Ok(())
    }
}

impl Router {
    /// The link state of a MACsec interface, computed from both ends (no timers):
    ///
    /// - `disabled` when the interface is disabled;
    /// - `open-encrypted` when its port runs (cable, both ports enabled) and the other
    ///   port carries an enabled MACsec interface with the same CAK and CKN and at least
    ///   one cipher suite both accept;
    /// - `negotiating` otherwise, also on a port without a cable.
    ///
    /// Key server: the end whose profile has the lower `server-priority`; on a tie the
    /// end whose port has the lower MAC address (MT-MACSEC). With identical MAC addresses
    /// neither end wins. Cipher suite: the first of the key server's `ciphers` that the
    /// other end accepts (`aes-gcm-128` before 7.23, where profiles have no `ciphers`).
    ///
    /// MT-MACSEC lists five values of `status`: `disabled`, `initializing`, `invalid`,
    /// `negotiating` and `open-encrypted`. It does not say when a router shows
    /// `initializing` or `invalid` (nor does any other source at hand), so the emulator
    /// derives only the three whose conditions follow from the configuration and the
    /// cable; a client must still accept the other two (the provider's `macsec_status`
    /// data source passes `status` through as text).
    pub(crate) fn macsec_link(&self, m: &Macsec) -> MacsecLink {
        if let Some(status) = self.forced_status.get(&m.id) {
            return MacsecLink::down(status, None);
        }
        if m.disabled {
            return MacsecLink::down("disabled", None);
        }
        let no_peer = || MacsecLink::down("negotiating", Some(Failure::NoPeer));
        let Some(port) = self.ether(m.interface) else {
            return no_peer();
        };
        if !self.port_running(port) {
            return no_peer();
        }
        let Peer::Present(peer) = self.link.peer(port.id) else {
            return no_peer();
        };
        let Some(theirs) = peer.macsec.filter(|p| p.enabled) else {
            return no_peer();
        };
        let ours = self.macsec_end(m);
        if ours.cak != theirs.cak || ours.ckn != theirs.ckn {
            return MacsecLink::down("negotiating", Some(Failure::KeyMismatch));
        }
        let our_mac = mac_bytes(&port.mac);
        let key_server = ours.server_priority < theirs.server_priority
            || (ours.server_priority == theirs.server_priority && our_mac < peer.mac);
        let they_serve = theirs.server_priority < ours.server_priority
            || (theirs.server_priority == ours.server_priority && peer.mac < our_mac);
        let (chooser, other) = if they_serve {
            (&theirs, &ours)
        } else {
            (&ours, &theirs)
        };
        let Some(cipher) = chooser
            .ciphers
            .iter()
            .find(|c| other.ciphers.contains(c))
            .cloned()
        else {
            // No cipher suite both ends accept: MKA can not agree on a SAK.
            return MacsecLink::down("negotiating", Some(Failure::NoCommonCipher));
        };
        MacsecLink {
            status: "open-encrypted",
            key_server,
            cipher_suite: Some(cipher),
            why: None,
        }
    }

    /// `/interface/macsec/print stats`: `.id`, `name` and the counters of each interface.
    pub(crate) fn macsec_stats(&self) -> Vec<Row> {
        self.macsecs
            .iter()
            .map(|m| {
                let open = self.macsec_link(m).is_open();
                let mut row = Row::new();
                row.insert(".id".into(), format_id(m.id));
                row.insert("name".into(), m.name.clone());
                for (counter, value) in MACSEC_STATS_OPEN {
                    let value = if open { value } else { 0 };
                    row.insert(counter.into(), value.to_string());
                }
                row
            })
            .collect()
    }

    /// `/interface/macsec/monitor` (7.23+) of the interfaces `ids`: one reading each with
    /// `name`, `status`, `key-server` and, once a cipher suite is agreed, `cipher-suite`.
    pub(crate) fn macsec_monitor(&self, ids: &[u32]) -> Vec<Row> {
        ids.iter()
            .filter_map(|id| self.macsecs.iter().find(|m| m.id == *id))
            .map(|m| {
                let link = self.macsec_link(m);
                let mut row = Row::new();
                if let Some(cipher) = &link.cipher_suite {
                    row.insert("cipher-suite".into(), cipher.clone());
                }
                row.insert("key-server".into(), bool_text(link.key_server));
                row.insert("name".into(), m.name.clone());
                row.insert("status".into(), link.status.into());
                row
            })
            .collect()
    }

    pub(crate) fn macsec_row(&self, m: &Macsec) -> Row {
        let parent = self.ether(m.interface);
        let mut row = Row::new();
        row.insert(".id".into(), format_id(m.id));
        row.insert("cak".into(), m.cak.clone());
        row.insert("ckn".into(), m.ckn.clone());
        if let Some(comment) = &m.comment {
            row.insert("comment".into(), comment.clone());
        }
        row.insert("disabled".into(), bool_text(m.disabled));
        if shows_hw_offloaded(self.version()) {
            row.insert("hw-offloaded".into(), "false".into());
        }
        row.insert(
            "inactive".into(),
            bool_text(parent.is_none_or(|p| p.disabled)),
        );
        row.insert(
            "interface".into(),
            parent.map(|p| p.name.clone()).unwrap_or_default(),
        );
        row.insert("mtu".into(), m.mtu.to_string());
        row.insert("name".into(), m.name.clone());
        row.insert(
            "profile".into(),
            self.profile(m.profile)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
        );
        let link = self.macsec_link(m);
        row.insert("running".into(), bool_text(link.is_open()));
        row.insert("status".into(), link.status.into());
        row
    }

    pub(crate) fn add_macsec(&mut self, args: &Args) -> Result<u32, RosError> {
        let default_profile = self
            .profiles
            .iter()
            .find(|p| p.default_name.is_some())
            .or_else(|| self.profiles.first())
            .map(|p| p.id)
            .unwrap_or(0);
        let mut m = match arg(args, "copy-from") {
            Some(key) => MacsecMenu
                .find(self, key)
                .and_then(|id| self.macsecs.iter().find(|m| m.id == id))
                .cloned()
                .ok_or_else(|| RosError::bad_request("no such item"))?,
            None => Macsec {
                id: 0,
                name: String::new(),
                interface: 0,
                mtu: MACSEC_DEFAULT_MTU,
                profile: default_profile,
                disabled: false,
                comment: None,
                cak: random_hex(16),
                ckn: random_hex(32),
            },
        };
        let copied = arg(args, "copy-from").is_some();
        if arg(args, "interface").is_none() && !copied {
            return Err(RosError::bad_request(
                "missing value(s) of argument(s) interface",
            ));
        }
        self.apply_macsec_args(&mut m, args)?;
        if m.name.is_empty() {
            m.name = (1..)
                .map(|n| format!("macsec{n}"))
                .find(|name| !self.interface_name_taken(name, 0))
                .unwrap_or_else(|| "macsec".into());
        }
        m.id = self.take_interface_id();
        self.check_macsec(&m)?;
        let id = m.id;
        self.macsecs.push(m);
        Ok(id)
    }

    pub(crate) fn set_macsec(&mut self, id: u32, args: &Args) -> Result<(), RosError> {
        let index = self
            .macsecs
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(RosError::not_found)?;
        let mut m = self.macsecs[index].clone();
        self.apply_macsec_args(&mut m, args)?;
        self.check_macsec(&m)?;
        self.macsecs[index] = m;
        Ok(())
    }

    pub(crate) fn apply_macsec_args(&self, m: &mut Macsec, args: &Args) -> Result<(), RosError> {
        for (key, text) in args {
            match key.as_str() {
                "name" => m.name = parse_name(key, text)?,
                "interface" => {
                    m.interface = self.ether_id(text).ok_or_else(|| no_match("interface"))?;
                }
                "mtu" => m.mtu = parse_int(key, text, 0, MAX_MTU)?,
                "profile" => {
                    m.profile = self.profile_id(text).ok_or_else(|| no_match("profile"))?;
                }
                "disabled" => m.disabled = parse_bool(key, text)?,
                "comment" => m.comment = non_empty(text),
                "cak" => m.cak = parse_hex(key, text, 16)?,
                "ckn" => m.ckn = parse_hex(key, text, 32)?,
                "copy-from" | "numbers" | ".id" => {}
                other => return Err(RosError::unknown_parameter(other)),
            }
        }
        Ok(())
    }

    /// The rules a MACsec interface must satisfy as a whole.
    pub(crate) fn check_macsec(&self, m: &Macsec) -> Result<(), RosError> {
        self.check_interface_name(&m.name, m.id)?;
        let parent = self
            .ether(m.interface)
            .ok_or_else(|| no_match("interface"))?;
        if let Some(other) = self
            .macsecs
            .iter()
            .find(|o| o.id != m.id && o.interface == m.interface)
        {
            return Err(RosError::failure(format!(
                "{} already has a MACsec interface ({}); only one MACsec interface per Ethernet port is allowed",
                parent.name, other.name
            )));
        }
        Ok(())
    }
}
/// The export form: `add ...` per interface.
fn macsec_section(router: &Router, options: &ExportOptions) -> Section {
    let hidden = MacsecMenu.sensitive();
    let mut lines = Vec::new();
    for row in MacsecMenu.list(router) {
        let mut pairs = BTreeMap::new();
        for (key, value) in &row {
            let is_default = match key.as_str() {
                ".id" | "running" | "status" | "inactive" | "hw-offloaded" => continue,
                k if hidden.contains(&k) && !options.show_sensitive => continue,
                "mtu" => *value == MACSEC_DEFAULT_MTU.to_string(),
                "profile" => value == "default",
                "disabled" => value == "false",
                _ => false,
            };
            if options.verbose || !is_default {
                pairs.insert(key.clone(), yes_no(key, value));
            }
        }
        lines.push((row, format!("add {}", props(&pairs))));
    }
    Section {
        menu: "/interface macsec",
        lines,
    }
}

/// The topics the emulator logs MACsec and MKA events under. No public source shows
/// which topics RouterOS uses for them (DESIGN.md, "Facts: logging"); `interface` is the
/// topic of link state changes, and the level says how bad it is.
pub(crate) const MACSEC_LOG_TOPIC: &str = "interface";

impl Router {
    /// Logs what changed on each MACsec link since the log last looked: the link opens
    /// (`info`), MKA rejects the peer's key or finds no common cipher suite, or an open
    /// link loses its peer (`warning`). Link state is derived on read, so the front ends
    /// call this before and after every request; a change made at the other end of a
    /// cable is logged when this router next serves a request. Messages name the
    /// interface and what failed, never a key.
    pub(crate) fn log_macsec_changes(&mut self) {
        let links: Vec<(u32, String, String, MacsecLink)> = self
            .macsecs
            .iter()
            .map(|m| {
                let port = self.ether(m.interface).map(|e| e.name.clone());
                (
                    m.id,
                    m.name.clone(),
                    port.unwrap_or_default(),
                    self.macsec_link(m),
                )
            })
            .collect();
        for (id, name, port, link) in links {
            let now = format!("{}:{:?}", link.status, link.why);
            let before = self.macsec_seen.insert(id, now.clone());
            if before.as_deref() == Some(now.as_str()) {
                continue;
            }
            let was_open = before
                .as_deref()
                .is_some_and(|b| b.starts_with("open-encrypted"));
            let event = match (link.why, link.is_open()) {
                (_, true) => Some((
                    "info",
                    format!(
                        "{name}: MKA session secured, status open-encrypted, cipher suite {}{}",
                        link.cipher_suite.as_deref().unwrap_or(DEFAULT_CIPHER),
                        if link.key_server { ", key server" } else { "" }
                    ),
                )),
                (Some(Failure::KeyMismatch), _) => Some((
                    "warning",
                    format!(
                        "{name}: MKA peer not accepted: its CAK or CKN differs from this end's; set the same key on both ends"
                    ),
                )),
                (Some(Failure::NoCommonCipher), _) => Some((
                    "warning",
                    format!(
                        "{name}: MKA found no cipher suite both ends accept; give both profiles a common cipher"
                    ),
                )),
                (Some(Failure::NoPeer), _) if was_open => Some((
                    "warning",
                    format!(
                        "{name}: MKA peer lost: no MKA frames from the peer on {port} (link down, or the other end's MACsec interface disabled or removed), status {}",
                        link.status
                    ),
                )),
                _ => None,
            };
            if let Some((level, message)) = event {
                self.log_event(&[MACSEC_LOG_TOPIC, level], &message);
            }
        }
        let ids: Vec<u32> = self.macsecs.iter().map(|m| m.id).collect();
        self.macsec_seen.retain(|id, _| ids.contains(id));
    }
}
