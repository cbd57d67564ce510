//! terraform-provider-routeros: a Terraform / OpenTofu provider, speaking
//! plugin protocol 5, that manages MACsec on MikroTik RouterOS 7.
//!
//! Three layers, one direction of knowledge: [`plugin`] knows Terraform,
//! [`routeros`] knows RouterOS, and [`resources`] is the only place that
//! knows both.

/// The version this binary reports (`--version`, the User-Agent): the
/// release version `make dist` built it as, else the Cargo.toml version.
pub const VERSION: &str = env!("PROVIDER_VERSION");

pub mod actions;
pub mod data_sources;
pub mod docs;
pub mod ephemeral_resources;
pub mod generate;
pub mod plugin;
pub mod provider;
pub mod resources;
pub mod restore;
pub mod routeros;
pub mod secrets;
pub mod subcommand;

/// The binary's entry point: serves the `routeros` provider to Terraform
/// (or handles `--debug`, `--version`, `--help`, and the `generate`
/// and `restore` subcommands); returns the exit code.
pub fn main_entry() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("generate") {
        return generate::main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("restore") {
        return restore::cli::main(&args[1..]);
    }
    plugin::run(provider::RouterosProvider::new())
}
