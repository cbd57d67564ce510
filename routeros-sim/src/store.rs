//! The router's configuration and RouterOS's rules for changing it.
//!
//! Menus: `/interface` (every interface), `/interface/ethernet` (fixed ports),
//! `/interface/macsec`, `/interface/macsec/profile`, `/system/identity` and
//! `/system/resource`. Interfaces share one id counter (an interface has the same `.id` in
//! `/interface` and in its own menu); profiles have their own. Ids are never reused.
//! References (`interface`, `profile`) are kept by id and printed by name, so renaming an
//! Ethernet port shows the new name on the MACsec interface that rides on it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rand::Rng;

use super::error::RosError;
use super::link::{LinkHub, MacsecEnd, Peer, PortState, Registration};
use super::query::Row;
use super::schema::{self, Version};
use super::users::{Access, SimUser, Users};
use super::value::{
    Args, bool_text, parse_bool, parse_ciphers, parse_hex, parse_int, parse_mac, parse_name,
};

/// A menu the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Menu {
    /// `/interface`: every interface, any type.
    Interface,
    /// `/interface/ethernet`: the fixed ports ether1..etherN.
    Ethernet,
    /// `/interface/macsec`.
    Macsec,
    /// `/interface/macsec/profile`.
    MacsecProfile,
    /// `/system/identity` (a single object).
    Identity,
    /// `/system/resource` (a single object).
    Resource,
}

impl Menu {
    /// Every menu.
    pub(crate) const ALL: [Menu; 6] = [
        Menu::Interface,
        Menu::Ethernet,
        Menu::Macsec,
        Menu::MacsecProfile,
        Menu::Identity,
        Menu::Resource,
    ];

    /// The console path, e.g. `/interface/macsec`.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Menu::Interface => "/interface",
            Menu::Ethernet => "/interface/ethernet",
            Menu::Macsec => "/interface/macsec",
            Menu::MacsecProfile => "/interface/macsec/profile",
            Menu::Identity => "/system/identity",
            Menu::Resource => "/system/resource",
        }
    }

    /// The menu at a console path (`/interface/macsec` or `interface/macsec`).
    pub(crate) fn from_path(path: &str) -> Option<Menu> {
        let path = path.trim_end_matches('/');
        let path = path.strip_prefix("/rest").unwrap_or(path);
        let wanted = format!("/{}", path.trim_start_matches('/'));
        Menu::ALL.into_iter().find(|m| m.path() == wanted)
    }

    /// `true` for menus that hold one object instead of a list.
    pub(crate) fn is_singleton(self) -> bool {
        matches!(self, Menu::Identity | Menu::Resource)
    }
}

/// Formats an id the RouterOS way: `*1`, `*A`, `*1F`.
pub(crate) fn format_id(id: u32) -> String {
    format!("*{id:X}")
}

/// Default MTU of a MACsec interface (RouterOS: 1468, the Ethernet 1500 minus 32).
pub(crate) const MACSEC_DEFAULT_MTU: u64 = 1468;
/// What MACsec adds to a frame; its `l2mtu` is the parent's minus this.
pub(crate) const MACSEC_OVERHEAD: u64 = 32;
/// `l2mtu` of the emulated Ethernet ports.
pub(crate) const ETHER_DEFAULT_L2MTU: u64 = 1598;
/// The largest `l2mtu` the emulated Ethernet ports take.
pub(crate) const ETHER_MAX_L2MTU: u64 = 9578;
/// Largest `mtu` RouterOS accepts on an interface.
pub(crate) const MAX_MTU: u64 = 65535;
/// The cipher suite a MACsec link uses when nothing else is configured.
pub(crate) const DEFAULT_CIPHER: &str = "aes-gcm-128";

/// The read-only counters of `/interface/macsec/print stats` (reference/routeros.md 1.3),
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

/// The properties of a menu that only users with the `sensitive` policy may read.
///
/// RouterOS lists `/interface/macsec` `cak` as sensitive (MT-SENS). How REST treats a user
/// without the policy is not documented or observed (reference/routeros.md 1.2); the
/// emulator leaves the property out of every reply to such a user (`GET`, `PUT`/`PATCH`
/// replies, `print`, `get`), which is how RouterOS hides other secrets such as `/user`
/// `password` over REST. Users with the policy always see it, with or without
/// `show-sensitive`.
pub(crate) fn sensitive_properties(menu: Menu) -> &'static [&'static str] {
    match menu {
        Menu::Macsec => &["cak"],
        _ => &[],
    }
}

/// Removes from `row` what `access` may not read.
pub(crate) fn hide_sensitive(menu: Menu, mut row: Row, access: Access) -> Row {
    if !access.sensitive {
        for key in sensitive_properties(menu) {
            row.remove(*key);
        }
    }
    row
}

/// The link state of one MACsec interface, derived from both ends of its port's cable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MacsecLink {
    /// `disabled`, `negotiating` or `open-encrypted`.
    pub(crate) status: &'static str,
    /// This end is the MKA key server.
    pub(crate) key_server: bool,
    /// The negotiated cipher suite, when the link is `open-encrypted`.
    pub(crate) cipher_suite: Option<String>,
}

impl MacsecLink {
    fn down(status: &'static str) -> MacsecLink {
        MacsecLink {
            status,
            key_server: false,
            cipher_suite: None,
        }
    }

    /// `true` when the link carries traffic.
    pub(crate) fn is_open(&self) -> bool {
        self.status == "open-encrypted"
    }
}

#[derive(Clone, Debug)]
struct Ethernet {
    id: u32,
    name: String,
    default_name: String,
    mtu: u64,
    l2mtu: u64,
    mac: String,
    orig_mac: String,
    disabled: bool,
    comment: Option<String>,
    /// Other settable properties, printed as stored.
    other: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
struct Macsec {
    id: u32,
    name: String,
    /// Id of the Ethernet port.
    interface: u32,
    mtu: u64,
    /// Id of the profile.
    profile: u32,
    disabled: bool,
    comment: Option<String>,
    cak: String,
    ckn: String,
}

#[derive(Clone, Debug)]
struct Profile {
    id: u32,
    name: String,
    /// `Some("default")` for the built-in profile.
    default_name: Option<String>,
    server_priority: u64,
    ciphers: String,
}

/// Ethernet properties RouterOS prints that the emulator does not give a meaning to,
/// with the values a fresh port shows.
pub(crate) const ETHER_OTHER_DEFAULTS: [(&str, &str); 10] = [
    ("advertise", ""),
    ("arp", "enabled"),
    ("arp-timeout", "auto"),
    ("auto-negotiation", "true"),
    ("disable-running-check", "false"),
    ("loop-protect", "default"),
    ("loop-protect-disable-time", "5m"),
    ("loop-protect-send-interval", "5s"),
    ("rx-flow-control", "off"),
    ("tx-flow-control", "off"),
];

/// Ethernet `set` arguments that are yes/no and print as `true`/`false`.
const ETHER_BOOL_ARGS: [&str; 5] = [
    "auto-negotiation",
    "disable-running-check",
    "full-duplex",
    "mdix-enable",
    "sfp-ignore-rx-los",
];

/// The configuration of one emulated router.
#[derive(Clone, Debug)]
pub(crate) struct Router {
    version: Version,
    identity: String,
    board_name: String,
    started: Instant,
    next_interface_id: u32,
    ethernets: Vec<Ethernet>,
    macsecs: Vec<Macsec>,
    next_profile_id: u32,
    profiles: Vec<Profile>,
    users: Users,
    /// This router's place in the process's link hub (shared by clones of the router).
    link: Arc<Registration>,
    /// The file area (`/file`): backups, exports, uploads (see `files.rs`).
    pub(crate) files: super::files::FileStore,
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    hex::encode(buf)
}

impl Router {
    /// A router as it comes up: `ports` Ethernet ports and the built-in `default` profile.
    pub(crate) fn new(version: Version, ports: usize, identity: &str, board_name: &str) -> Router {
        let base = mac_base();
        let mut router = Router {
            version,
            identity: identity.to_string(),
            board_name: board_name.to_string(),
            started: Instant::now(),
            next_interface_id: 1,
            ethernets: Vec::with_capacity(ports),
            macsecs: Vec::new(),
            next_profile_id: 1,
            profiles: Vec::new(),
            users: Users::default(),
            link: LinkHub::global().register(),
            files: super::files::FileStore::default(),
        };
        for n in 1..=ports {
            let id = router.take_interface_id();
            let mac = format!(
                "{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
                base[0],
                base[1],
                base[2],
                base[3],
                (n >> 8) & 0xff,
                n & 0xff
            );
            router.ethernets.push(Ethernet {
                id,
                name: format!("ether{n}"),
                default_name: format!("ether{n}"),
                mtu: 1500,
                l2mtu: ETHER_DEFAULT_L2MTU,
                mac: mac.clone(),
                orig_mac: mac,
                disabled: false,
                comment: None,
                other: ETHER_OTHER_DEFAULTS
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect(),
            });
        }
        let id = router.next_profile_id;
        router.next_profile_id += 1;
        router.profiles.push(Profile {
            id,
            name: "default".into(),
            default_name: Some("default".into()),
            server_priority: 10,
            ciphers: DEFAULT_CIPHER.into(),
        });
        router.publish();
        router
    }

    fn take_interface_id(&mut self) -> u32 {
        let id = self.next_interface_id;
        self.next_interface_id += 1;
        id
    }

    /// The emulated RouterOS version.
    pub(crate) fn version(&self) -> &Version {
        &self.version
    }

    /// Changes the emulated version (what `/system/resource` reports and which arguments
    /// the menus accept).
    pub(crate) fn set_version(&mut self, version: Version) {
        self.version = version;
        self.publish();
    }

    // ----- users -----

    /// Adds a REST user.
    pub(crate) fn add_user(&mut self, user: SimUser) -> Result<(), String> {
        self.users.add(user)
    }

    /// The access of a user logging in with `name` and `password`, or `None`.
    pub(crate) fn login(&self, name: &str, password: &str) -> Option<Access> {
        self.users.login(name, password)
    }

    /// The access of user `name` when `check` accepts its password, or `None` (the API's
    /// challenge login hashes the password instead of comparing it).
    pub(crate) fn login_with(&self, name: &str, check: impl Fn(&str) -> bool) -> Option<Access> {
        self.users.login_with(name, check)
    }

    // ----- links -----

    /// This router's handle in the link hub (to cable its ports to another router's).
    pub(crate) fn link_registration(&self) -> Arc<Registration> {
        self.link.clone()
    }

    /// Publishes what the Ethernet ports show to their cables. Called after every change.
    fn publish(&self) {
        let ports = self
            .ethernets
            .iter()
            .map(|e| {
                let macsec = self
                    .macsecs
                    .iter()
                    .find(|m| m.interface == e.id)
                    .map(|m| self.macsec_end(m));
                (
                    e.id,
                    PortState {
                        enabled: !e.disabled,
                        mac: mac_bytes(&e.mac),
                        macsec,
                    },
                )
            })
            .collect();
        self.link.publish(ports);
    }

    /// What a MACsec interface tells its peer in MKA.
    fn macsec_end(&self, m: &Macsec) -> MacsecEnd {
        let profile = self.profile(m.profile);
        let ciphers = match profile {
            Some(p) if self.profile_has_ciphers() => {
                p.ciphers.split(',').map(str::to_string).collect()
            }
            // Before 7.23 there is no choice: GCM-AES-128 only (MT-MACSEC).
            _ => vec![DEFAULT_CIPHER.to_string()],
        };
        MacsecEnd {
            enabled: !m.disabled,
            cak: m.cak.clone(),
            ckn: m.ckn.clone(),
            server_priority: profile.map_or(10, |p| p.server_priority),
            ciphers,
        }
    }

    /// `running` of an Ethernet port. With a cable: both ends enabled and the other
    /// emulator still running. Without a cable the port counts as plugged into an
    /// always-on switch, so it runs whenever it is enabled (what the emulator did before
    /// links existed, and what a CHR's virtual NIC shows).
    fn port_running(&self, e: &Ethernet) -> bool {
        match self.link.peer(e.id) {
            Peer::Unlinked => !e.disabled,
            Peer::Gone => false,
            Peer::Present(peer) => !e.disabled && peer.enabled,
        }
    }

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
    fn macsec_link(&self, m: &Macsec) -> MacsecLink {
        if m.disabled {
            return MacsecLink::down("disabled");
        }
        let Some(port) = self.ether(m.interface) else {
            return MacsecLink::down("negotiating");
        };
        if !self.port_running(port) {
            return MacsecLink::down("negotiating");
        }
        let Peer::Present(peer) = self.link.peer(port.id) else {
            return MacsecLink::down("negotiating");
        };
        let Some(theirs) = peer.macsec.filter(|p| p.enabled) else {
            return MacsecLink::down("negotiating");
        };
        let ours = self.macsec_end(m);
        if ours.cak != theirs.cak || ours.ckn != theirs.ckn {
            return MacsecLink::down("negotiating");
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
            return MacsecLink::down("negotiating");
        };
        MacsecLink {
            status: "open-encrypted",
            key_server,
            cipher_suite: Some(cipher),
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

    /// `true` when the menu exists in the emulated version.
    pub(crate) fn has_menu(&self, menu: Menu) -> bool {
        schema::menu(&self.version, menu.path()).is_some()
    }

    // ----- reading -----

    /// Every record of a menu in id order (a single object for singleton menus).
    pub(crate) fn list(&self, menu: Menu) -> Vec<Row> {
        match menu {
            Menu::Interface => {
                let mut rows: Vec<(u32, Row)> = self
                    .ethernets
                    .iter()
                    .map(|e| (e.id, self.interface_row_ether(e)))
                    .chain(
                        self.macsecs
                            .iter()
                            .map(|m| (m.id, self.interface_row_macsec(m))),
                    )
                    .collect();
                rows.sort_by_key(|(id, _)| *id);
                rows.into_iter().map(|(_, row)| row).collect()
            }
            Menu::Ethernet => self.ethernets.iter().map(|e| self.ether_row(e)).collect(),
            Menu::Macsec => self.macsecs.iter().map(|m| self.macsec_row(m)).collect(),
            Menu::MacsecProfile => self.profiles.iter().map(|p| self.profile_row(p)).collect(),
            Menu::Identity => vec![self.identity_row()],
            Menu::Resource => vec![self.resource_row()],
        }
    }

    /// The id of the record named by `key` (its `.id` such as `*1`, or its name).
    pub(crate) fn find(&self, menu: Menu, key: &str) -> Option<u32> {
        let hit = |id: u32, name: &str| key == format_id(id) || key == name;
        match menu {
            Menu::Interface => self
                .ethernets
                .iter()
                .map(|e| (e.id, e.name.as_str()))
                .chain(self.macsecs.iter().map(|m| (m.id, m.name.as_str())))
                .find(|(id, name)| hit(*id, name))
                .map(|(id, _)| id),
            Menu::Ethernet => self
                .ethernets
                .iter()
                .find(|e| hit(e.id, &e.name))
                .map(|e| e.id),
            Menu::Macsec => self
                .macsecs
                .iter()
                .find(|m| hit(m.id, &m.name))
                .map(|m| m.id),
            Menu::MacsecProfile => self
                .profiles
                .iter()
                .find(|p| hit(p.id, &p.name))
                .map(|p| p.id),
            Menu::Identity | Menu::Resource => None,
        }
    }

    /// The record with this id, as REST prints it.
    pub(crate) fn row(&self, menu: Menu, id: u32) -> Option<Row> {
        match menu {
            Menu::Interface => self
                .ethernets
                .iter()
                .find(|e| e.id == id)
                .map(|e| self.interface_row_ether(e))
                .or_else(|| {
                    self.macsecs
                        .iter()
                        .find(|m| m.id == id)
                        .map(|m| self.interface_row_macsec(m))
                }),
            Menu::Ethernet => self
                .ethernets
                .iter()
                .find(|e| e.id == id)
                .map(|e| self.ether_row(e)),
            Menu::Macsec => self
                .macsecs
                .iter()
                .find(|m| m.id == id)
                .map(|m| self.macsec_row(m)),
            Menu::MacsecProfile => self
                .profiles
                .iter()
                .find(|p| p.id == id)
                .map(|p| self.profile_row(p)),
            Menu::Identity | Menu::Resource => None,
        }
    }

    /// Resolves a `numbers` / `.id` argument: ids or names, comma-separated.
    pub(crate) fn resolve_numbers(&self, menu: Menu, text: &str) -> Result<Vec<u32>, RosError> {
        let mut ids = Vec::new();
        for key in text.split(',').map(str::trim) {
            let id = self
                .find(menu, key)
                .ok_or_else(|| RosError::bad_request("no such item"))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn ether(&self, id: u32) -> Option<&Ethernet> {
        self.ethernets.iter().find(|e| e.id == id)
    }

    fn profile(&self, id: u32) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    fn ether_row(&self, e: &Ethernet) -> Row {
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
        row.insert("running".into(), bool_text(self.port_running(e)));
        row
    }

    fn macsec_row(&self, m: &Macsec) -> Row {
        let parent = self.ether(m.interface);
        let mut row = Row::new();
        row.insert(".id".into(), format_id(m.id));
        row.insert("cak".into(), m.cak.clone());
        row.insert("ckn".into(), m.ckn.clone());
        if let Some(comment) = &m.comment {
            row.insert("comment".into(), comment.clone());
        }
        row.insert("disabled".into(), bool_text(m.disabled));
        row.insert("hw-offloaded".into(), "false".into());
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

    fn profile_row(&self, p: &Profile) -> Row {
        let mut row = Row::new();
        row.insert(".id".into(), format_id(p.id));
        if self.profile_has_ciphers() {
            row.insert("ciphers".into(), p.ciphers.clone());
        }
        row.insert("default".into(), bool_text(p.default_name.is_some()));
        if let Some(default_name) = &p.default_name {
            row.insert("default-name".into(), default_name.clone());
        }
        row.insert("name".into(), p.name.clone());
        row.insert("server-priority".into(), p.server_priority.to_string());
        row
    }

    fn profile_has_ciphers(&self) -> bool {
        schema::menu(&self.version, Menu::MacsecProfile.path())
            .is_some_and(|m| m.accepts("set", "ciphers"))
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

    fn interface_row_ether(&self, e: &Ethernet) -> Row {
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
        row.insert("running".into(), bool_text(self.port_running(e)));
        row.insert("type".into(), "ether".into());
        Self::interface_counters(&mut row);
        row
    }

    fn interface_row_macsec(&self, m: &Macsec) -> Row {
        let parent = self.ether(m.interface);
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
        row.insert("running".into(), bool_text(self.macsec_link(m).is_open()));
        row.insert("type".into(), "macsec".into());
        Self::interface_counters(&mut row);
        row
    }

    fn identity_row(&self) -> Row {
        let mut row = Row::new();
        row.insert("name".into(), self.identity.clone());
        row
    }

    fn resource_row(&self) -> Row {
        let mut row = Row::new();
        let pairs: [(&str, String); 15] = [
            ("architecture-name", "x86_64".into()),
            ("board-name", self.board_name.clone()),
            ("build-time", "2025-02-24 14:44:38".into()),
            ("cpu", "QEMU".into()),
            ("cpu-count", "2".into()),
            ("cpu-frequency", "2400".into()),
            ("cpu-load", "1".into()),
            ("free-hdd-space", "94408704".into()),
            ("free-memory", "183160832".into()),
            ("platform", "MikroTik".into()),
            ("total-hdd-space", "134217728".into()),
            ("total-memory", "268435456".into()),
            ("uptime", format_uptime(self.started.elapsed().as_secs())),
            ("version", self.version.display_with_channel()),
            ("write-sect-since-reboot", "512".into()),
        ];
        for (k, v) in pairs {
            row.insert(k.into(), v);
        }
        row.insert("write-sect-total".into(), "4096".into());
        row
    }

    // ----- changing -----

    /// Runs `change` on a copy and keeps the copy only when it succeeds, so a failed
    /// command changes nothing.
    fn transaction<T>(
        &mut self,
        change: impl FnOnce(&mut Router) -> Result<T, RosError>,
    ) -> Result<T, RosError> {
        let mut draft = self.clone();
        let out = change(&mut draft)?;
        *self = draft;
        self.publish();
        Ok(out)
    }

    /// `add`: creates a record and returns its id. The caller has checked the argument
    /// names against the version's schema.
    pub(crate) fn add(&mut self, menu: Menu, args: &Args) -> Result<u32, RosError> {
        self.transaction(|r| match menu {
            Menu::Macsec => r.add_macsec(args),
            Menu::MacsecProfile => r.add_profile(args),
            _ => Err(RosError::no_such_command()),
        })
    }

    /// `set` on the records `ids`.
    pub(crate) fn set(&mut self, menu: Menu, ids: &[u32], args: &Args) -> Result<(), RosError> {
        self.transaction(|r| {
            for &id in ids {
                match menu {
                    Menu::Interface => r.set_interface(id, args)?,
                    Menu::Ethernet => r.set_ether(id, args)?,
                    Menu::Macsec => r.set_macsec(id, args)?,
                    Menu::MacsecProfile => r.set_profile(id, args)?,
                    _ => return Err(RosError::no_such_command()),
                }
            }
            Ok(())
        })
    }

    /// `set` on a singleton menu (`/system/identity`).
    pub(crate) fn set_singleton(&mut self, menu: Menu, args: &Args) -> Result<(), RosError> {
        self.transaction(|r| {
            for (key, text) in args {
                match (menu, key.as_str()) {
                    (Menu::Identity, "name") => r.identity = text.clone(),
                    _ => return Err(RosError::unknown_parameter(key)),
                }
            }
            Ok(())
        })
    }

    /// `remove` of the records `ids`.
    pub(crate) fn remove(&mut self, menu: Menu, ids: &[u32]) -> Result<(), RosError> {
        self.transaction(|r| {
            for &id in ids {
                match menu {
                    Menu::Macsec => r.macsecs.retain(|m| m.id != id),
                    Menu::MacsecProfile => r.remove_profile(id)?,
                    _ => return Err(RosError::no_such_command()),
                }
            }
            Ok(())
        })
    }

    fn interface_name_taken(&self, name: &str, except: u32) -> bool {
        self.ethernets
            .iter()
            .any(|e| e.id != except && e.name == name)
            || self
                .macsecs
                .iter()
                .any(|m| m.id != except && m.name == name)
    }

    fn check_interface_name(&self, name: &str, except: u32) -> Result<(), RosError> {
        if self.interface_name_taken(name, except) {
            return Err(RosError::failure("already have interface with such name"));
        }
        Ok(())
    }

    fn add_macsec(&mut self, args: &Args) -> Result<u32, RosError> {
        let default_profile = self
            .profiles
            .iter()
            .find(|p| p.default_name.is_some())
            .or_else(|| self.profiles.first())
            .map(|p| p.id)
            .unwrap_or(0);
        let mut m = match lookup(args, "copy-from") {
            Some(key) => self
                .find(Menu::Macsec, key)
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
        let copied = lookup(args, "copy-from").is_some();
        if lookup(args, "interface").is_none() && !copied {
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

    fn set_macsec(&mut self, id: u32, args: &Args) -> Result<(), RosError> {
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

    fn apply_macsec_args(&self, m: &mut Macsec, args: &Args) -> Result<(), RosError> {
        for (key, text) in args {
            match key.as_str() {
                "name" => m.name = parse_name(key, text)?,
                "interface" => {
                    m.interface = self
                        .find(Menu::Ethernet, text)
                        .ok_or_else(|| no_match("interface"))?;
                }
                "mtu" => m.mtu = parse_int(key, text, 0, MAX_MTU)?,
                "profile" => {
                    m.profile = self
                        .find(Menu::MacsecProfile, text)
                        .ok_or_else(|| no_match("profile"))?;
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
    fn check_macsec(&self, m: &Macsec) -> Result<(), RosError> {
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

    fn set_ether(&mut self, id: u32, args: &Args) -> Result<(), RosError> {
        let index = self
            .ethernets
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(RosError::not_found)?;
        let mut e = self.ethernets[index].clone();
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
        self.check_interface_name(&e.name, e.id)?;
        self.ethernets[index] = e;
        Ok(())
    }

    /// `/interface set`: the common properties, applied through the interface's own menu.
    fn set_interface(&mut self, id: u32, args: &Args) -> Result<(), RosError> {
        if self.ether(id).is_some() {
            return self.set_ether(id, args);
        }
        let m = self
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
        self.set_macsec(id, args)
    }

    fn add_profile(&mut self, args: &Args) -> Result<u32, RosError> {
        let mut p = match lookup(args, "copy-from") {
            Some(key) => {
                let mut p = self
                    .find(Menu::MacsecProfile, key)
                    .and_then(|id| self.profile(id))
                    .cloned()
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                p.default_name = None;
                p
            }
            None => {
                if lookup(args, "name").is_none() {
                    return Err(RosError::bad_request(
                        "missing value(s) of argument(s) name",
                    ));
                }
                Profile {
                    id: 0,
                    name: String::new(),
                    default_name: None,
                    server_priority: 10,
                    ciphers: DEFAULT_CIPHER.into(),
                }
            }
        };
        apply_profile_args(&mut p, args)?;
        p.id = self.next_profile_id;
        self.next_profile_id += 1;
        self.check_profile(&p)?;
        let id = p.id;
        self.profiles.push(p);
        Ok(id)
    }

    fn set_profile(&mut self, id: u32, args: &Args) -> Result<(), RosError> {
        let index = self
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(RosError::not_found)?;
        let mut p = self.profiles[index].clone();
        apply_profile_args(&mut p, args)?;
        self.check_profile(&p)?;
        self.profiles[index] = p;
        Ok(())
    }

    fn check_profile(&self, p: &Profile) -> Result<(), RosError> {
        if self
            .profiles
            .iter()
            .any(|o| o.id != p.id && o.name == p.name)
        {
            return Err(RosError::failure("profile with such name already exists"));
        }
        Ok(())
    }

    fn remove_profile(&mut self, id: u32) -> Result<(), RosError> {
        let Some(p) = self.profile(id) else {
            return Ok(());
        };
        if p.default_name.is_some() {
            return Err(RosError::failure("default profile can not be removed"));
        }
        if let Some(user) = self.macsecs.iter().find(|m| m.profile == id) {
            return Err(RosError::failure(format!(
                "profile {} is used by {}",
                p.name, user.name
            )));
        }
        self.profiles.retain(|p| p.id != id);
        Ok(())
    }
}

fn apply_profile_args(p: &mut Profile, args: &Args) -> Result<(), RosError> {
    for (key, text) in args {
        match key.as_str() {
            "name" => p.name = parse_name(key, text)?,
            "server-priority" => p.server_priority = parse_int(key, text, 0, 255)?,
            "ciphers" => p.ciphers = parse_ciphers(key, text)?,
            "copy-from" | "numbers" | ".id" => {}
            other => return Err(RosError::unknown_parameter(other)),
        }
    }
    Ok(())
}

fn lookup<'a>(args: &'a Args, key: &str) -> Option<&'a str> {
    args.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn no_match(arg: &str) -> RosError {
    RosError::bad_request(format!("input does not match any value of {arg}"))
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// The first four bytes of this router's MAC addresses (the last two number the ports):
/// `02` (locally administered), one random byte per process and a per-process counter,
/// so two emulators of one process always differ and the one started first has the lower
/// addresses. Stable for the router's lifetime.
fn mac_base() -> [u8; 4] {
    static PROCESS: OnceLock<u8> = OnceLock::new();
    static COUNTER: AtomicU16 = AtomicU16::new(0);
    let process = *PROCESS.get_or_init(|| rand::rng().random());
    let [hi, lo] = COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes();
    [0x02, process, hi, lo]
}

/// The bytes of a MAC address as the store keeps it (`02:AB:...`, validated on input).
fn mac_bytes(mac: &str) -> [u8; 6] {
    let mut out = [0u8; 6];
    for (slot, part) in out.iter_mut().zip(mac.split(':')) {
        *slot = u8::from_str_radix(part, 16).unwrap_or(0);
    }
    out
}

/// RouterOS's uptime format: `3w2d4h5m6s`, leading zero units left out.
pub(crate) fn format_uptime(secs: u64) -> String {
    let units = [
        ("w", 7 * 24 * 3600),
        ("d", 24 * 3600),
        ("h", 3600),
        ("m", 60),
    ];
    let mut rest = secs;
    let mut out = String::new();
    for (suffix, size) in units {
        let n = rest / size;
        rest %= size;
        if n > 0 || !out.is_empty() {
            out.push_str(&format!("{n}{suffix}"));
        }
    }
    out.push_str(&format!("{rest}s"));
    out
}

#[cfg(test)]
mod tests;
