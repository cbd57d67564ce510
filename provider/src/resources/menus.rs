//! Every RouterOS menu the provider reads or writes, named once.

/// MACsec interfaces and their keys.
pub const MACSEC: &str = "/interface/macsec";
/// MACsec profiles.
pub const MACSEC_PROFILE: &str = "/interface/macsec/profile";
/// Ethernet ports.
pub const ETHERNET: &str = "/interface/ethernet";
/// Every interface, with its `type`.
pub const INTERFACE: &str = "/interface";
