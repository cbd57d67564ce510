//! The command line of `terraform-provider-routeros`, all of it: the
//! subcommands, their flags, the help, and what each one runs.
//!
//! With no arguments the binary serves the provider to Terraform, which is
//! how Terraform starts it. `serve --debug` (or `--debug`) serves it to a
//! Terraform told where it is (`TF_REATTACH_PROVIDERS`), `generate` writes
//! the configuration of a router configured by hand, and `help`, `--help`
//! and `--version` print. Unknown flags are an error that names the flag
//! meant where one is close (clap's suggestions).
//!
//! The single-dash spellings of Go's flag package (`-debug`, `-version`,
//! `-help`), which Go providers take and this binary always took, still
//! work before the subcommand: [`legacy_spellings`] rewrites them.
//!
//! The plugin layer knows no provider: serving is
//! [`crate::plugin::run`] given [`info`] (the provider's name, namespace
//! and version) and the [`Mode`].

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::generate;
use crate::plugin::resource::Provider;
use crate::plugin::{self, Mode, ProviderInfo};
use crate::provider::RouterosProvider;

/// The name the help and `--version` give the binary.
pub const BINARY: &str = "terraform-provider-routeros";

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = BINARY,
    version = crate::VERSION,
    about = "The Terraform / OpenTofu provider for MACsec on MikroTik RouterOS 7.",
    long_about = "The Terraform / OpenTofu provider for MACsec on MikroTik RouterOS 7.\n\n\
                  Terraform and OpenTofu start this binary with no arguments (`serve`); \
                  you run it yourself to debug it (`--debug`) or to write the configuration \
                  of a router configured by hand (`generate`).",
    disable_version_flag = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Serving with no subcommand takes `serve`'s flags.
    #[command(flatten)]
    serve: ServeArgs,
    /// Print the version.
    #[arg(short = 'v', long, short_alias = 'V', action = ArgAction::Version)]
    version: (),
    /// What to do (default: serve).
    #[command(subcommand)]
    command: Option<Command>,
}

/// The subcommands (`help` is clap's: `help generate`).
#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the provider to Terraform (the default; Terraform starts it so).
    #[command(
        long_about = "Serve the provider to Terraform or OpenTofu (the default: what they run).\n\n\
                      Needs the go-plugin environment Terraform sets (TF_PLUGIN_MAGIC_COOKIE, \
                      PLUGIN_PROTOCOL_VERSIONS, PLUGIN_CLIENT_CERT); run by hand, it says how to \
                      use a local build instead. With --debug it needs none of it."
    )]
    Serve(ServeArgs),
    /// Write the Terraform configuration of a router configured by hand.
    #[command(
        long_about = "Write the Terraform configuration of a router configured by hand: a resource \
                      block per MACsec interface, profile, key and carrier port, with import blocks \
                      (Terraform / OpenTofu 1.5+), or with --import-commands a script of \
                      `terraform import` lines (import.sh, beside --out).\n\n\
                      Settings not given as flags come from ROUTEROS_URL, ROUTEROS_USERNAME, \
                      ROUTEROS_PASSWORD, ... as for the provider. --from-export reads the text of \
                      `/export` (or `/export show-sensitive`) instead of a router. With \
                      --age-recipient, every CAK the router shows is written age-encrypted to \
                      <label>.cak.age beside --out. Existing files are not overwritten unless \
                      --replace-files is given; symbolic links are never written through.\n\n\
                      For a fleet (the provider's `routers`), run it once per router with \
                      --router NAME into one directory: every block gets router = \"NAME\", \
                      import IDs NAME/..., labels and files NAME_... (NAME.tf, NAME_import.sh)."
    )]
    Generate(GenerateArgs),
    // A new subcommand is a variant here (its doc comment is its line in
    // `--help`), its flags an `Args` struct below, and an arm in `main`.
    /// Restore a backup (.backup, .rsc, or either age-encrypted) onto a
    /// router and verify it came back (`restore --help` lists its flags).
    #[command(disable_help_flag = true)]
    Restore {
        /// The restore command's own arguments (see `restore --help`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The flags of `serve`, also taken with no subcommand.
#[derive(Debug, Args)]
struct ServeArgs {
    /// Serve for a debugger; print the TF_REATTACH_PROVIDERS value for Terraform.
    ///
    /// Needs none of Terraform's environment. Run Terraform with the value
    /// printed in its environment; Ctrl-C stops the provider.
    #[arg(long)]
    debug: bool,
}

/// The flags of `generate`.
#[derive(Args)]
struct GenerateArgs {
    /// The router's URL (https://, http://, apis:// or api://); else ROUTEROS_URL.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The user to log in as; else ROUTEROS_USERNAME.
    #[arg(long, value_name = "NAME")]
    username: Option<String>,
    /// The password (visible to other local users while it runs: prefer
    /// ROUTEROS_PASSWORD).
    #[arg(long, value_name = "PASSWORD")]
    password: Option<String>,
    /// The CA certificate to trust, as PEM text or a file; else
    /// ROUTEROS_CA_CERTIFICATE.
    #[arg(long, value_name = "PEM|FILE")]
    ca_certificate: Option<String>,
    /// Do not check the router's TLS certificate (lab routers only).
    #[arg(long)]
    insecure: bool,
    /// Seconds each request to the router may take (1 to 3600).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<String>,
    /// Read the text of `/export` from FILE instead of a live router.
    #[arg(long, value_name = "FILE")]
    from_export: Option<PathBuf>,
    /// Where to write the configuration (default: imported.tf, or NAME.tf
    /// with --router NAME).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the configuration for the router NAME of the provider's
    /// `routers`: `router = "NAME"` in every block, import IDs `NAME/...`,
    /// labels and file names starting with `NAME_`.
    ///
    /// NAME is 1 to 64 letters, digits, `_` and `-`. A name that does not
    /// start with a letter or `_` gets a `_` in front in labels and file
    /// names. Run it once per router into one directory: blocks already
    /// there keep their labels.
    #[arg(long, value_name = "NAME", value_parser = router_name, allow_hyphen_values = true)]
    router: Option<String>,
    /// Write `terraform import` commands (import.sh) instead of import blocks.
    #[arg(long)]
    import_commands: bool,
    /// An age recipient for the CAK files (repeat for more than one).
    #[arg(long, value_name = "RECIPIENT")]
    age_recipient: Vec<String>,
    /// Replace files that exist (never through a symbolic link).
    #[arg(long)]
    replace_files: bool,
}

redact::debug!(GenerateArgs {
    url,
    username,
    ca_certificate,
    insecure,
    timeout,
    from_export,
    out,
    router
});

impl GenerateArgs {
    /// What `generate` runs with: the provider settings keyed by their
    /// attribute names.
    fn into_options(self) -> generate::Options {
        let settings = [
            ("url", self.url),
            ("username", self.username),
            ("password", self.password),
            ("ca_certificate", self.ca_certificate),
            ("timeout", self.timeout),
            ("insecure", self.insecure.then(|| "true".to_string())),
        ];
        generate::Options {
            provider: settings
                .into_iter()
                .filter_map(|(attribute, v)| Some((attribute.to_string(), v?)))
                .collect(),
            from_export: self.from_export,
            out: self.out.unwrap_or_else(|| match &self.router {
                Some(r) => PathBuf::from(format!(
                    "{}.tf",
                    generate::hcl::router_prefix(r).trim_end_matches('_')
                )),
                None => PathBuf::from("imported.tf"),
            }),
            router: self.router,
            import_commands: self.import_commands,
            age_recipients: self.age_recipient,
            replace_files: self.replace_files,
        }
    }
}

/// `--router`'s value, when it is a router name.
fn router_name(name: &str) -> Result<String, String> {
    match generate::hcl::router_name_problem(name) {
        None => Ok(name.to_string()),
        Some(problem) => Err(format!(
            "the router name {problem}; give the key of the provider's `routers` this configuration is for"
        )),
    }
}

/// Who the plugin layer serves: the provider's type name, its namespace
/// (both from [`crate::SOURCE`]) and [`crate::VERSION`].
pub fn info() -> ProviderInfo {
    let (namespace, name) = crate::SOURCE.split_once('/').unwrap_or(("", crate::SOURCE));
    ProviderInfo {
        name,
        namespace,
        version: crate::VERSION,
    }
}

/// Rewrites the single-dash long flags of Go's flag package (`-debug`,
/// `-version`, `-help`) to their double-dash forms, before the first
/// argument that is not a flag (the subcommand).
pub fn legacy_spellings(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut in_subcommand = false;
    args.into_iter()
        .map(|arg| {
            in_subcommand |= !arg.starts_with('-');
            match arg.as_str() {
                "-debug" | "-version" | "-help" if !in_subcommand => format!("-{arg}"),
                _ => arg,
            }
        })
        .collect()
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once(BINARY.to_string()).chain(legacy_spellings(args)))
}

/// The binary's `main`: parses `args` (without the program name), runs
/// what they ask for, and returns the exit code (2 for a command line that
/// does not parse).
pub fn main(args: impl IntoIterator<Item = String>) -> i32 {
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0, mistakes to stderr with 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    match cli.command {
        None => serve(&cli.serve),
        Some(Command::Serve(args)) => serve(&args),
        Some(Command::Generate(args)) => generate::main(&args.into_options()),
        Some(Command::Restore { args }) => crate::restore::cli::main(&args),
    }
}

fn serve(args: &ServeArgs) -> i32 {
    let mode = if args.debug {
        Mode::Debug
    } else {
        Mode::Terraform
    };
    let provider = RouterosProvider::new();
    debug_assert_eq!(provider.type_name(), info().name);
    plugin::run(provider, &info(), mode)
}

/// The options `generate ARGS` runs with, or the error it prints.
#[cfg(test)]
pub(crate) fn generate_options(args: &[String]) -> Result<generate::Options, String> {
    let all = std::iter::once("generate".to_string()).chain(args.iter().cloned());
    match parse(all).map_err(|e| e.to_string())?.command {
        Some(Command::Generate(args)) => Ok(args.into_options()),
        other => Err(format!("not generate: {other:?}")),
    }
}

#[cfg(test)]
mod tests;
