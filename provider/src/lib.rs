//! terraform-provider-routeros: a Terraform / OpenTofu provider, speaking
//! plugin protocol 5, that manages MACsec on MikroTik RouterOS 7.
//!
//! Three layers, one direction of knowledge: [`plugin`] knows Terraform,
//! [`routeros`] knows RouterOS, and [`resources`] is the only place that
//! knows both.

pub mod plugin;
pub mod routeros;
pub mod provider;
pub mod resources;
pub mod docs;

/// The binary's entry point; returns the process exit code.
///
/// Temporary: serves the plugin layer's fake provider
/// ([`plugin::testing::TestProvider`]) until the RouterOS provider is wired
/// in here.
pub fn main_entry() -> i32 {
    plugin::run(plugin::testing::TestProvider::new())
}
