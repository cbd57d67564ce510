//! What the router stores: the Ethernet ports, MACsec interfaces and profiles, the
//! identity, users, the file area and this router's place in the link hub, with the
//! defaults a fresh router has. How each menu shows and changes these lives in
//! `menus/` (one file per menu); this module knows no menu.
//!
//! Interfaces share one id counter (an interface has the same `.id` in `/interface` and
//! in its own menu); profiles have their own. Ids are never reused. References
//! (`interface`, `profile`) are kept by id and printed by name, so renaming an Ethernet
//! port shows the new name on the MACsec interface that rides on it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use rand::Rng;

use crate::error::RosError;
use crate::file_store::FileStore;
use crate::link::{LinkHub, MacsecEnd, Peer, PortState, Registration};
use crate::schema::{self, Version};
use crate::table::{Table, row_of};
use crate::users::{Access, SimUser, Users};
use crate::value::names;

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

/// One stored record.
#[derive(Clone, Debug)]
pub(crate) struct Ethernet {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) default_name: String,
    pub(crate) mtu: u64,
    pub(crate) l2mtu: u64,
    pub(crate) mac: String,
    pub(crate) orig_mac: String,
    pub(crate) disabled: bool,
    pub(crate) comment: Option<String>,
    /// Other settable properties, printed as stored.
    pub(crate) other: BTreeMap<String, String>,
}

/// One stored record.
#[derive(Clone, Debug)]
pub(crate) struct Macsec {
    pub(crate) id: u32,
    pub(crate) name: String,
    /// Id of the Ethernet port.
    pub(crate) interface: u32,
    pub(crate) mtu: u64,
    /// Id of the profile.
    pub(crate) profile: u32,
    pub(crate) disabled: bool,
    pub(crate) comment: Option<String>,
    pub(crate) cak: String,
    pub(crate) ckn: String,
}

/// One stored record.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    pub(crate) id: u32,
    pub(crate) name: String,
    /// `Some("default")` for the built-in profile.
    pub(crate) default_name: Option<String>,
    pub(crate) server_priority: u64,
    pub(crate) ciphers: String,
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

/// The logging rules of a fresh RouterOS 7 (`/system/logging`): `info`, `error` and
/// `warning` to the `memory` action, `critical` to `echo` (DESIGN.md, "Facts: logging").
pub(crate) const DEFAULT_LOG_RULES: [(&str, &str); 4] = [
    ("info", "memory"),
    ("error", "memory"),
    ("warning", "memory"),
    ("critical", "echo"),
];

/// The logging actions of a fresh RouterOS 7 (`/system/logging/action`) with every
/// property any version prints; a version prints those its `set` takes.
pub(crate) const DEFAULT_LOG_ACTIONS: [&[(&str, &str)]; 4] = [
    &[
        ("name", "memory"),
        ("target", "memory"),
        ("memory-lines", "1000"),
        ("memory-stop-on-full", "false"),
    ],
    &[
        ("name", "disk"),
        ("target", "disk"),
        ("disk-file-name", "log"),
        ("disk-lines-per-file", "1000"),
        ("disk-file-count", "2"),
        ("disk-stop-on-full", "false"),
    ],
    &[("name", "echo"), ("target", "echo"), ("remember", "true")],
    &[
        ("name", "remote"),
        ("target", "remote"),
        ("remote", "0.0.0.0"),
        ("remote-port", "514"),
        ("src-address", "0.0.0.0"),
        ("bsd-syslog", "false"),
        ("remote-log-format", "default"),
        ("remote-protocol", "udp"),
        ("syslog-facility", "daemon"),
        ("syslog-severity", "auto"),
        ("syslog-time-format", "bsd-syslog"),
        ("vrf", "main"),
    ],
];

/// One entry of the in-memory log (`/log`).
#[derive(Clone, Debug)]
pub(crate) struct LogEntry {
    pub(crate) id: u32,
    pub(crate) time: SystemTime,
    /// Comma-separated, as RouterOS prints them: `script,info`.
    pub(crate) topics: String,
    pub(crate) message: String,
}

/// The entries the `memory` actions keep, oldest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogBuffer {
    pub(crate) last_id: u32,
    pub(crate) entries: VecDeque<LogEntry>,
}

/// The configuration of one emulated router.
#[derive(Clone, Debug)]
pub(crate) struct Router {
    pub(crate) version: Version,
    pub(crate) identity: String,
    pub(crate) board_name: String,
    pub(crate) started: Instant,
    /// How often the router rebooted (`/system/backup/load`); the front ends close their
    /// connections when it changes.
    pub(crate) boots: u64,
    pub(crate) next_interface_id: u32,
    pub(crate) ethernets: Vec<Ethernet>,
    pub(crate) macsecs: Vec<Macsec>,
    pub(crate) next_profile_id: u32,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) users: Users,
    /// Statuses set by a test for MACsec interfaces (by id) in place of the derived one
    /// ([`crate::Sim::set_macsec_status`]).
    pub(crate) forced_status: BTreeMap<u32, &'static str>,
    /// This router's place in the process's link hub (shared by clones of the router).
    pub(crate) link: Arc<Registration>,
    /// The file area (`/file`): backups, exports, uploads (see `files.rs`).
    pub(crate) files: FileStore,
    /// The router's clock. It stands still until a test moves it
    /// ([`crate::Sim::advance_clock`]), so what it stamps is deterministic.
    pub(crate) clock: SystemTime,
    /// `/system/logging`: which topics go to which action.
    pub(crate) log_rules: Table,
    /// `/system/logging/action`: where logged messages go.
    pub(crate) log_actions: Table,
    /// What the `memory` actions keep (`/log`).
    pub(crate) log: LogBuffer,
    /// `/system/script`.
    pub(crate) scripts: Table,
    /// `/system/scheduler`.
    pub(crate) schedulers: Table,
    /// The `status` of each MACsec interface (by id) when the log last looked, so that a
    /// change is logged once.
    pub(crate) macsec_seen: BTreeMap<u32, String>,
}

pub(crate) fn random_hex(bytes: usize) -> String {
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
            boots: 0,
            next_interface_id: 1,
            ethernets: Vec::with_capacity(ports),
            macsecs: Vec::new(),
            next_profile_id: 1,
            profiles: Vec::new(),
            users: Users::default(),
            forced_status: BTreeMap::new(),
            link: LinkHub::global().register(),
            files: FileStore::default(),
            clock: whole_seconds(SystemTime::now()),
            log_rules: Table::default(),
            log_actions: Table::default(),
            log: LogBuffer::default(),
            scripts: Table::default(),
            schedulers: Table::default(),
            macsec_seen: BTreeMap::new(),
        };
        for action in DEFAULT_LOG_ACTIONS {
            let mut props = row_of(action);
            props.insert("default".into(), "true".into());
            router.log_actions.insert(props);
        }
        for (topics, action) in DEFAULT_LOG_RULES {
            router.log_rules.insert(row_of(&[
                ("action", action),
                ("comment", ""),
                ("default", "true"),
                ("default-topics", topics),
                ("disabled", "false"),
                ("invalid", "false"),
                ("prefix", ""),
                ("regex", ""),
                ("topics", topics),
            ]));
        }
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

    /// A reboot: uptime starts again, the front ends drop their connections, and what
    /// the log kept in memory is gone.
    pub(crate) fn reboot(&mut self) {
        self.started = Instant::now();
        self.boots += 1;
        self.log.entries.clear();
        self.macsec_seen.clear();
    }

    pub(crate) fn take_interface_id(&mut self) -> u32 {
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
    pub(crate) fn publish(&self) {
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
    pub(crate) fn macsec_end(&self, m: &Macsec) -> MacsecEnd {
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
    pub(crate) fn port_running(&self, e: &Ethernet) -> bool {
        match self.link.peer(e.id) {
            Peer::Unlinked => !e.disabled,
            Peer::Gone => false,
            Peer::Present(peer) => !e.disabled && peer.enabled,
        }
    }

    pub(crate) fn ether(&self, id: u32) -> Option<&Ethernet> {
        self.ethernets.iter().find(|e| e.id == id)
    }

    pub(crate) fn profile(&self, id: u32) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// `true` when the emulated version has the menu at `path` (in the dumps).
    pub(crate) fn serves(&self, path: &str) -> bool {
        schema::menu(&self.version, path).is_some()
    }

    /// The id of the Ethernet port named by `key` (`.id` or name).
    pub(crate) fn ether_id(&self, key: &str) -> Option<u32> {
        self.ethernets
            .iter()
            .find(|e| names(key, e.id, &e.name))
            .map(|e| e.id)
    }

    /// The id of the MACsec profile named by `key` (`.id` or name).
    pub(crate) fn profile_id(&self, key: &str) -> Option<u32> {
        self.profiles
            .iter()
            .find(|p| names(key, p.id, &p.name))
            .map(|p| p.id)
    }

    pub(crate) fn profile_has_ciphers(&self) -> bool {
        schema::menu(&self.version, "/interface/macsec/profile")
            .is_some_and(|m| m.accepts("set", "ciphers"))
    }

    // ----- changing -----

    /// Runs `change` on a copy and keeps the copy only when it succeeds, so a failed
    /// command changes nothing.
    pub(crate) fn transaction<T>(
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
    pub(crate) fn interface_name_taken(&self, name: &str, except: u32) -> bool {
        self.ethernets
            .iter()
            .any(|e| e.id != except && e.name == name)
            || self
                .macsecs
                .iter()
                .any(|m| m.id != except && m.name == name)
    }

    pub(crate) fn check_interface_name(&self, name: &str, except: u32) -> Result<(), RosError> {
        if self.interface_name_taken(name, except) {
            return Err(RosError::failure("already have interface with such name"));
        }
        Ok(())
    }
}

/// `time` without its fraction of a second (RouterOS's clock counts whole seconds).
pub(crate) fn whole_seconds(time: SystemTime) -> SystemTime {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// The first four bytes of this router's MAC addresses (the last two number the ports):
/// `02` (locally administered), one random byte per process and a per-process counter,
/// so two emulators of one process always differ and the one started first has the lower
/// addresses. Stable for the router's lifetime.
pub(crate) fn mac_base() -> [u8; 4] {
    static PROCESS: OnceLock<u8> = OnceLock::new();
    static COUNTER: AtomicU16 = AtomicU16::new(0);
    let process = *PROCESS.get_or_init(|| rand::rng().random());
    let [hi, lo] = COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes();
    [0x02, process, hi, lo]
}

/// The bytes of a MAC address as the store keeps it (`02:AB:...`, validated on input).
pub(crate) fn mac_bytes(mac: &str) -> [u8; 6] {
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
