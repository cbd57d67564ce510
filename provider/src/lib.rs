//! terraform-provider-routeros: a Terraform / OpenTofu provider, speaking
//! plugin protocol 5, that manages MACsec on MikroTik RouterOS 7.
//!
//! Three layers, one direction of knowledge: [`plugin`] knows Terraform,
//! [`routeros`] knows RouterOS, and [`resources`] is the only place that
//! knows both.

pub mod actions;
pub mod data_sources;
pub mod docs;
pub mod ephemeral_resources;
pub mod plugin;
pub mod provider;
pub mod resources;
pub mod routeros;
pub mod secrets;

/// The binary's entry point: serves the `routeros` provider to Terraform
/// (or handles `--debug`, `--version`, `--help`); returns the exit code.
pub fn main_entry() -> i32 {
    plugin::run(provider::RouterosProvider::new())
}
