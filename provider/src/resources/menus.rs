//! Every RouterOS menu the provider reads or writes, named once.

/// MACsec interfaces and their keys.
pub const MACSEC: &str = "/interface/macsec";
/// MACsec profiles.
pub const MACSEC_PROFILE: &str = "/interface/macsec/profile";
/// Ethernet ports.
pub const ETHERNET: &str = "/interface/ethernet";
/// Every interface, with its `type`.
pub const INTERFACE: &str = "/interface";
/// Where logged events go.
pub const LOGGING_ACTION: &str = "/system/logging/action";
/// The rules that send topics to logging actions.
pub const LOGGING: &str = "/system/logging";
/// Scripts (a backup schedule's).
pub const SCRIPT: &str = "/system/script";
/// Scheduler entries (a backup schedule's).
pub const SCHEDULER: &str = "/system/scheduler";
/// The router's name (a single item).
pub const IDENTITY: &str = "/system/identity";
/// Version, board and uptime (a single item).
pub const RESOURCE: &str = "/system/resource";
/// Loads a backup and reboots into it (a command).
pub const BACKUP_LOAD: &str = "/system/backup/load";
/// Runs a configuration script from the file area (a command).
pub const IMPORT: &str = "/import";
