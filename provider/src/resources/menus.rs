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
