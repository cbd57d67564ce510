//! Acceptance harness: runs the real Terraform CLI against the freshly built
//! provider binary, through `dev_overrides`, in a throw-away working directory.
//!
//! * [`Terraform::available`] finds the Terraform binaries to test with:
//!   `TF_ACC_TERRAFORM_PATH` (one path, or several joined like `PATH`), else
//!   both `.tools/bin/terraform` (1.15.5) and `.tools/bin/terraform-1.0.3`
//!   as installed by `make tools`. Missing binaries fail the test with what to
//!   run; they never skip it silently.
//! * [`Workdir`] is a temporary directory with a `main.tf` and a CLI
//!   configuration whose `dev_overrides` point Terraform at the directory of
//!   `terraform-provider-routeros` (`TF_ACC_PROVIDER_DIR`, else the cargo
//!   target directory these tests were built into).
//! * [`Output`] carries exit code, stdout and stderr of one command, and its
//!   assertions print all of it when they fail.
//! * [`for_each_terraform`] runs one scenario for every Terraform version, in
//!   parallel.
//! * [`Scheme`] names the four ways the provider reaches a router (`http://`,
//!   `https://`, `api://`, `apis://`); [`ProviderBlock::for_sim`] points a
//!   provider block at an emulator over one of them. [`for_rotating_scheme`]
//!   runs a scenario once, with the newest Terraform over the one scheme the
//!   rotation gives its test ([`rotating_scheme`]: the four take turns across
//!   tests); [`for_each_scheme`] runs it over all four, in parallel (the
//!   `every_transport` suite).
//!
//! * The emulator side ([`start_sim`], [`sim_for`], [`start_pair`], [`rest`],
//!   [`assert_provider_reached`]) starts emulators and changes them by hand,
//!   as an operator at the router would; [`secrets`] makes age inputs and
//!   scans artifacts for secrets.
//!
//! Modules: `terraform` (versions, schemes, parallel runs), `binary` (the
//! provider binary), `config` (HCL), `workdir` (running commands), `output`
//! (results and assertions), `router` (the emulator side), `secrets`, `fault_proxy` ([`FaultProxy`]: a
//! seeded TCP proxy that drops, loses, delays, fails or hangs requests),
//! `launches` ([`LaunchCounter`], [`SilentListener`]: provider launches and
//! connections to a router that never answers, counted).

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::sim::Sim;

/// Source address of the provider in `required_providers`, as in the examples.
pub const PROVIDER_SOURCE: &str = "macsec-gitops/routeros";

/// File name of the provider executable that `dev_overrides` must find.
pub const PROVIDER_BINARY: &str = "terraform-provider-routeros";

/// The Terraform versions `make tools` installs and every scenario runs with.
pub const INSTALLED_VERSIONS: [(&str, &str); 2] =
    [("1.15.5", "terraform"), ("1.0.3", "terraform-1.0.3")];

/// The further Terraform versions `make tools` installs for the smoke suite
/// only (`acceptance/tests/suites/install.rs`): 1.6.6, the core OpenTofu
/// forked from, and the last release of 1.11 (write-only attributes) and of
/// 1.14 (actions, list resources).
pub const SMOKE_VERSIONS: [(&str, &str); 3] = [
    ("1.6.6", "terraform-1.6.6"),
    ("1.11.4", "terraform-1.11.4"),
    ("1.14.9", "terraform-1.14.9"),
];

/// Environment variable naming the Terraform binary (or binaries, joined like
/// `PATH`) to test with instead of `.tools/bin`.
pub const ENV_TERRAFORM_PATH: &str = "TF_ACC_TERRAFORM_PATH";

/// Environment variable naming the smoke suite's further Terraform binaries
/// (joined like `PATH`) instead of [`SMOKE_VERSIONS`] in `.tools/bin`; set but
/// empty, the smoke suite runs on [`Terraform::available`] alone.
pub const ENV_SMOKE_TERRAFORM_PATH: &str = "TF_ACC_SMOKE_TERRAFORM_PATH";

/// Environment variable naming the directory holding `terraform-provider-routeros`.
pub const ENV_PROVIDER_DIR: &str = "TF_ACC_PROVIDER_DIR";

/// Environment variable: when set to `1`, working directories are kept after the test.
pub const ENV_KEEP_WORKDIR: &str = "TF_ACC_KEEP_WORKDIR";

/// Environment variable: seconds one Terraform command may take (default 300).
pub const ENV_COMMAND_TIMEOUT: &str = "TF_ACC_COMMAND_TIMEOUT";

/// Environment variable: when set to `1`, [`for_rotating_scheme`] runs its
/// scenario with every available Terraform over every selected scheme (the
/// full matrix) instead of the newest Terraform over one scheme.
pub const ENV_FULL_MATRIX: &str = "TF_ACC_FULL_MATRIX";

/// Environment variable: when set to `1`, [`for_rotating_scheme`] runs its
/// scenario over every selected scheme (with the newest Terraform) instead of
/// the one the rotation gives the test.
pub const ENV_ALL_SCHEMES: &str = "TF_ACC_ALL_SCHEMES";

/// Environment variable: the schemes [`for_each_scheme`] and
/// [`for_rotating_scheme`] choose from, comma-separated (`http,api`);
/// unset or empty means all four.
pub const ENV_SCHEMES: &str = "TF_ACC_SCHEMES";

/// Environment variable: a file to which every Terraform command the harness
/// runs appends one line, `<test>\t<Terraform version>\t<subcommand>`, so
/// runs can be counted per test and suite (see [`count_run`]). Unset: no log.
pub const ENV_RUN_LOG: &str = "TF_ACC_RUN_LOG";

/// Name of the plan file written by [`Workdir::plan_to_file`].
pub const PLAN_FILE: &str = "tfplan";

/// The repository root (parent of the `acceptance` crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

mod binary;
mod config;
mod fault_proxy;
mod launches;
mod output;
mod router;
pub mod secrets;
mod terraform;
mod workdir;

pub use binary::*;
pub use config::*;
pub use fault_proxy::*;
pub use launches::*;
pub use output::*;
pub use router::*;
pub use terraform::*;
pub use workdir::*;

#[cfg(test)]
mod tests;
