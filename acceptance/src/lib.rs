//! routeros-sim, a RouterOS 7 emulator, and the end-to-end suites of
//! terraform-provider-routeros.

pub mod harness;
pub mod sim;
