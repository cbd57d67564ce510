//! terraform-provider-routeros: a Terraform / OpenTofu provider, speaking
//! plugin protocol 5, that manages MACsec on MikroTik RouterOS 7.
//!
//! Three layers, one direction of knowledge: [`plugin`] knows Terraform,
//! [`routeros`] knows RouterOS, and [`resources`] is the only place that
//! knows both.

/// The version this binary reports (`--version`, the User-Agent): the
/// release version `make dist` built it as, else the Cargo.toml version.
pub const VERSION: &str = env!("PROVIDER_VERSION");

/// The provider's source address without the registry host:
/// `<namespace>/<type>` (`required_providers`, `TF_REATTACH_PROVIDERS`).
pub const SOURCE: &str = "macsec-gitops/routeros";

pub mod actions;
pub mod backup;
pub mod cli;
pub mod context;
pub mod data_sources;
pub mod docs;
pub mod ephemeral_resources;
pub mod generate;
pub mod provider;
pub mod resources;
pub mod restore;
pub mod secrets;
pub mod subcommand;

/// The RouterOS client (the `routeros-client` crate): REST and the classic
/// API, knowing nothing of Terraform.
pub use ::routeros;
/// The plugin layer (the `tfplugin` crate): Terraform's protocol, knowing
/// nothing of RouterOS.
pub use tfplugin as plugin;

/// The binary's entry point: the command line ([`cli`]); with no
/// arguments, serves the `routeros` provider to Terraform. Returns the exit
/// code.
pub fn main_entry() -> i32 {
    cli::main(std::env::args().skip(1))
}
