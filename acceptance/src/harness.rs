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
//!   provider block at an emulator over one of them, and
//!   [`for_each_scheme`] / [`for_each_terraform_and_scheme`] run one scenario
//!   over every scheme (with the newest Terraform; the others over `http://`),
//!   in parallel.
//!
//! Apart from [`ProviderBlock::for_sim`] the harness knows Terraform, not the
//! emulator: scenarios pass the router's URL and credentials in through
//! [`ProviderBlock`] or environment variables.

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

/// Environment variable naming the Terraform binary (or binaries, joined like
/// `PATH`) to test with instead of `.tools/bin`.
pub const ENV_TERRAFORM_PATH: &str = "TF_ACC_TERRAFORM_PATH";

/// Environment variable naming the directory holding `terraform-provider-routeros`.
pub const ENV_PROVIDER_DIR: &str = "TF_ACC_PROVIDER_DIR";

/// Environment variable: when set to `1`, working directories are kept after the test.
pub const ENV_KEEP_WORKDIR: &str = "TF_ACC_KEEP_WORKDIR";

/// Environment variable: seconds one Terraform command may take (default 300).
pub const ENV_COMMAND_TIMEOUT: &str = "TF_ACC_COMMAND_TIMEOUT";

/// Environment variable: when set to `1`, [`for_each_terraform_and_scheme`]
/// runs every Terraform over every scheme instead of every scheme with the
/// newest Terraform only.
pub const ENV_FULL_MATRIX: &str = "TF_ACC_FULL_MATRIX";

/// Environment variable: the schemes [`for_each_scheme`] and
/// [`for_each_terraform_and_scheme`] run, comma-separated (`http,api`);
/// unset or empty means all four.
pub const ENV_SCHEMES: &str = "TF_ACC_SCHEMES";

/// Name of the plan file written by [`Workdir::plan_to_file`].
pub const PLAN_FILE: &str = "tfplan";

/// The repository root (parent of the `acceptance` crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

// ---------------------------------------------------------------------------
// Finding Terraform
// ---------------------------------------------------------------------------

/// One Terraform CLI to run scenarios with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terraform {
    path: PathBuf,
    version: String,
}

impl Terraform {
    /// Every Terraform to test with. Panics, saying what to run, when none or
    /// only some of the expected versions are installed.
    #[track_caller]
    pub fn available() -> Vec<Terraform> {
        static FOUND: OnceLock<Result<Vec<Terraform>, String>> = OnceLock::new();
        match FOUND.get_or_init(|| {
            discover(
                std::env::var_os(ENV_TERRAFORM_PATH),
                &workspace_root().join(".tools").join("bin"),
            )
        }) {
            Ok(found) => found.clone(),
            Err(message) => panic!("{message}"),
        }
    }

    /// The newest of [`Terraform::available`]: for scenarios whose outcome
    /// does not depend on the Terraform version (how the provider talks to
    /// the router). Panics like [`Terraform::available`].
    #[track_caller]
    pub fn newest() -> Terraform {
        let available = Terraform::available();
        let mut newest: Option<Terraform> = None;
        for tf in available {
            if newest
                .as_ref()
                .is_none_or(|n| tf.version_tuple() > n.version_tuple())
            {
                newest = Some(tf);
            }
        }
        newest.unwrap_or_else(|| panic!("no Terraform found: run `make tools`"))
    }

    /// Runs `<path> version -json` and records the version it reports.
    pub fn detect(path: &Path) -> Result<Terraform, String> {
        if !path.is_file() {
            return Err(format!(
                "{} does not exist or is not a file",
                path.display()
            ));
        }
        let mut command = Command::new(path);
        command.args(["version", "-json"]);
        hermetic_env(&mut command);
        command.env("TF_CLI_CONFIG_FILE", null_device());
        let out = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "`{} version -json` failed ({}): {}",
                path.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let version = serde_json::from_str::<Value>(&stdout)
            .ok()
            .and_then(|v| v.get("terraform_version")?.as_str().map(str::to_string))
            .ok_or_else(|| {
                format!(
                    "`{} version -json` printed no terraform_version: {}",
                    path.display(),
                    stdout.trim()
                )
            })?;
        Ok(Terraform {
            path: path.to_path_buf(),
            version,
        })
    }

    /// Path of the executable.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Version it reported, e.g. `1.15.5`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `(major, minor, patch)` of [`Terraform::version`]; missing parts are 0.
    pub fn version_tuple(&self) -> (u32, u32, u32) {
        let mut parts = self
            .version
            .split(['.', '-'])
            .map(|p| p.parse::<u32>().unwrap_or(0));
        (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        )
    }

    /// A new working directory for this Terraform with `main_tf` written into it.
    #[track_caller]
    pub fn workdir(&self, main_tf: &str) -> Workdir {
        Workdir::new(self, main_tf)
    }
}

impl fmt::Display for Terraform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Terraform {} ({})", self.version, self.path.display())
    }
}

/// The Terraform binaries to test with, from `TF_ACC_TERRAFORM_PATH` (when
/// set and not empty) or else from `tools_bin`, where both
/// [`INSTALLED_VERSIONS`] must be present. Errors say what to do.
pub fn discover(env_value: Option<OsString>, tools_bin: &Path) -> Result<Vec<Terraform>, String> {
    if let Some(value) = env_value.filter(|v| !v.is_empty()) {
        let mut found = Vec::new();
        for path in std::env::split_paths(&value) {
            let tf = Terraform::detect(&path).map_err(|e| {
                format!(
                    "{ENV_TERRAFORM_PATH}={}: {e}. Point it at a Terraform executable, or unset it to use .tools/bin (`make tools`).",
                    value.to_string_lossy()
                )
            })?;
            found.push(tf);
        }
        return Ok(found);
    }
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (version, file) in INSTALLED_VERSIONS {
        let path = tools_bin.join(file);
        match Terraform::detect(&path) {
            Ok(tf) if tf.version == version => found.push(tf),
            Ok(tf) => problems.push(format!(
                "{} reports Terraform {}, expected {version}",
                path.display(),
                tf.version
            )),
            Err(e) => problems.push(format!("Terraform {version}: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(format!(
            "The acceptance tests need Terraform {} installed in {}:\n  - {}\nRun `make tools` (installs both into .tools/), or set {ENV_TERRAFORM_PATH} to a Terraform executable.",
            INSTALLED_VERSIONS.map(|(v, _)| v).join(" and "),
            tools_bin.display(),
            problems.join("\n  - ")
        ))
    }
}

/// Runs `scenario` once for every available Terraform, each in its own
/// thread (named `tf-<version>`), and fails naming the versions it failed on.
#[track_caller]
pub fn for_each_terraform<F>(scenario: F)
where
    F: Fn(&Terraform) + Sync,
{
    let runs: Vec<(String, Terraform)> = Terraform::available()
        .into_iter()
        .map(|tf| (format!("tf-{}", tf.version()), tf))
        .collect();
    let failed = run_parallel(&runs, |tf| scenario(tf));
    assert!(
        failed.is_empty(),
        "scenario failed on {} (see the panic message of thread tf-<version> above)",
        failed
            .iter()
            .map(Terraform::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
}

// ---------------------------------------------------------------------------
// Transports
// ---------------------------------------------------------------------------

/// How the provider reaches the router: the scheme of its `url`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// REST over plain HTTP (`http://`).
    Http,
    /// REST over HTTPS (`https://`), trusting the emulator's CA.
    Https,
    /// The classic API over TCP (`api://`).
    Api,
    /// The classic API over TLS (`apis://`), trusting the emulator's CA.
    Apis,
}

impl Scheme {
    /// Every scheme, REST first.
    pub const ALL: [Scheme; 4] = [Scheme::Http, Scheme::Https, Scheme::Api, Scheme::Apis];

    /// The URL scheme: `http`, `https`, `api` or `apis`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::Api => "api",
            Scheme::Apis => "apis",
        }
    }

    /// Parses `http`, `https`, `api` or `apis` (case-insensitive, an
    /// optional `://` after it).
    pub fn parse(text: &str) -> Option<Scheme> {
        let text = text.trim();
        let text = text.strip_suffix("://").unwrap_or(text);
        Scheme::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// True for the TLS schemes (`https`, `apis`).
    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Https | Scheme::Apis)
    }

    /// True for the classic API (`api`, `apis`); false for REST.
    pub fn is_api(self) -> bool {
        matches!(self, Scheme::Api | Scheme::Apis)
    }

    /// The emulator's URL for this scheme. Panics when the emulator does not
    /// serve it (HTTPS or the API turned off in its `SimConfig`).
    #[track_caller]
    pub fn url(self, sim: &Sim) -> String {
        let url = match self {
            Scheme::Http => Some(sim.http_url()),
            Scheme::Https => sim.https_url(),
            Scheme::Api => sim.api_url(),
            Scheme::Apis => sim.apis_url(),
        };
        url.unwrap_or_else(|| {
            panic!(
                "the emulator does not serve {self}: start it with `https: true` and `api: true` (the SimConfig defaults)"
            )
        })
    }

    /// The schemes to run: [`ENV_SCHEMES`] when set and not empty, else all
    /// four. Panics naming the unknown entry.
    #[track_caller]
    pub fn selected() -> Vec<Scheme> {
        match schemes_from(std::env::var(ENV_SCHEMES).ok().as_deref()) {
            Ok(schemes) => schemes,
            Err(message) => panic!("{message}"),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.as_str())
    }
}

/// The schemes named in `value` (comma-separated), or all four for `None` or
/// an empty value, in [`Scheme::ALL`] order without repeats.
pub fn schemes_from(value: Option<&str>) -> Result<Vec<Scheme>, String> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(Scheme::ALL.to_vec());
    };
    let mut chosen = Vec::new();
    for part in value.split(',').filter(|p| !p.trim().is_empty()) {
        let scheme = Scheme::parse(part).ok_or_else(|| {
            format!(
                "{ENV_SCHEMES}={value}: {:?} is not a scheme; use http, https, api and apis, comma-separated",
                part.trim()
            )
        })?;
        chosen.push(scheme);
    }
    chosen.sort();
    chosen.dedup();
    Ok(chosen)
}

/// Runs `scenario` once per selected [`Scheme`] (all four unless
/// [`ENV_SCHEMES`] says otherwise), each in its own thread (named
/// `scheme-<scheme>`), and fails naming the schemes it failed over. Each
/// run should start its own emulator.
#[track_caller]
pub fn for_each_scheme<F>(scenario: F)
where
    F: Fn(Scheme) + Sync,
{
    let runs: Vec<(String, Scheme)> = Scheme::selected()
        .into_iter()
        .map(|scheme| (format!("scheme-{}", scheme.as_str()), scheme))
        .collect();
    let failed = run_parallel(&runs, |scheme| scenario(*scheme));
    assert!(
        failed.is_empty(),
        "scenario failed over {} (see the panic message of thread scheme-<scheme> above)",
        failed
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// Runs `scenario` for pairs of an available Terraform and a selected
/// [`Scheme`], each pair in its own thread (named `tf-<version>-<scheme>`),
/// and fails naming the pairs it failed on. Each run should start its own
/// emulator.
///
/// The pairs are those of [`terraform_scheme_pairs`]: every scheme with the
/// newest Terraform, and every other Terraform over `http://` only, because
/// how the provider talks to the router does not depend on the Terraform
/// that drives it. With [`ENV_FULL_MATRIX`]`=1` every Terraform runs over
/// every scheme.
#[track_caller]
pub fn for_each_terraform_and_scheme<F>(scenario: F)
where
    F: Fn(&Terraform, Scheme) + Sync,
{
    let terraforms = Terraform::available();
    let full = std::env::var_os(ENV_FULL_MATRIX).is_some_and(|v| v == "1");
    let runs: Vec<(String, (&Terraform, Scheme))> =
        terraform_scheme_pairs(&terraforms, &Scheme::selected(), full)
            .into_iter()
            .map(|(tf, scheme)| {
                (
                    format!("tf-{}-{}", tf.version(), scheme.as_str()),
                    (tf, scheme),
                )
            })
            .collect();
    let failed = run_parallel(&runs, |(tf, scheme)| scenario(tf, *scheme));
    assert!(
        failed.is_empty(),
        "scenario failed on {} (see the panic message of thread tf-<version>-<scheme> above)",
        failed
            .iter()
            .map(|(tf, scheme)| format!("Terraform {} over {scheme}", tf.version()))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The (Terraform, scheme) pairs [`for_each_terraform_and_scheme`] runs:
/// with `full`, all of them; otherwise every scheme in `schemes` with the
/// newest Terraform, then each other Terraform with `http://` (or, when
/// `http` is not selected, the first selected scheme).
pub fn terraform_scheme_pairs<'a>(
    terraforms: &'a [Terraform],
    schemes: &[Scheme],
    full: bool,
) -> Vec<(&'a Terraform, Scheme)> {
    let newest = terraforms
        .iter()
        .enumerate()
        .max_by_key(|(i, tf)| (tf.version_tuple(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let fallback = if schemes.contains(&Scheme::Http) {
        Some(Scheme::Http)
    } else {
        schemes.first().copied()
    };
    let mut pairs = Vec::new();
    for (i, tf) in terraforms.iter().enumerate() {
        if full || Some(i) == newest {
            pairs.extend(schemes.iter().map(|s| (tf, *s)));
        } else if let Some(scheme) = fallback {
            pairs.push((tf, scheme));
        }
    }
    pairs
}

/// Runs `scenario` for every input, each in a thread of the given name, and
/// returns the inputs whose thread panicked.
fn run_parallel<T, F>(runs: &[(String, T)], scenario: F) -> Vec<T>
where
    T: Clone + Sync,
    F: Fn(&T) + Sync,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(name, input)| {
                let scenario = &scenario;
                let handle = std::thread::Builder::new()
                    .name(name.clone())
                    .spawn_scoped(scope, move || scenario(input))
                    .expect("spawn a scenario thread");
                (input, handle)
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|(input, handle)| handle.join().is_err().then(|| input.clone()))
            .collect()
    })
}

// ---------------------------------------------------------------------------
// Finding the provider
// ---------------------------------------------------------------------------

/// Directory holding the provider binary for `dev_overrides`: `TF_ACC_PROVIDER_DIR`,
/// else the cargo target directory of the running test. Panics with what to
/// build when the binary is missing or older than the provider's sources.
#[track_caller]
pub fn provider_dir() -> PathBuf {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match FOUND.get_or_init(|| {
        let explicit = std::env::var_os(ENV_PROVIDER_DIR).filter(|v| !v.is_empty());
        let check_fresh = explicit.is_none();
        let dir = locate_provider_dir(explicit, std::env::current_exe().ok(), &workspace_root())?;
        if check_fresh {
            check_fresh_binary(
                &dir.join(provider_file_name()),
                &dir.join(format!("{PROVIDER_BINARY}.d")),
            )?;
        }
        Ok(dir)
    }) {
        Ok(dir) => dir.clone(),
        Err(message) => panic!("{message}"),
    }
}

fn provider_file_name() -> String {
    format!("{PROVIDER_BINARY}{}", std::env::consts::EXE_SUFFIX)
}

/// Where the provider binary is: `explicit` when given, else the profile
/// directory of `test_exe` (`target/<profile>/deps/<test>` → `target/<profile>`),
/// else `<workspace>/target/debug`. The directory must hold the binary.
pub fn locate_provider_dir(
    explicit: Option<OsString>,
    test_exe: Option<PathBuf>,
    workspace: &Path,
) -> Result<PathBuf, String> {
    let build_hint = "Build it with `cargo build -p terraform-provider-routeros` (or run `make test`, which builds everything first)";
    let dir = match explicit {
        Some(dir) => PathBuf::from(dir),
        None => test_exe
            .as_deref()
            .and_then(Path::parent)
            .filter(|deps| deps.file_name() == Some(OsStr::new("deps")))
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| workspace.join("target").join("debug")),
    };
    let binary = dir.join(provider_file_name());
    if !binary.is_file() {
        return Err(format!(
            "The provider binary {} does not exist. {build_hint}, or set {ENV_PROVIDER_DIR} to the directory that holds it.",
            binary.display()
        ));
    }
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Fails when a file the binary was built from changed after it was built,
/// so a test never silently runs an old provider. The inputs are the ones
/// cargo records in the binary's dep-info file (`<binary>.d` beside it), so
/// a file cargo does not build from never counts. Without a dep-info file
/// (a binary cargo did not build) there is nothing to check.
pub fn check_fresh_binary(binary: &Path, dep_info: &Path) -> Result<(), String> {
    let Ok(text) = std::fs::read_to_string(dep_info) else {
        return Ok(());
    };
    let built = modified(binary)
        .ok_or_else(|| format!("cannot read the modification time of {}", binary.display()))?;
    let newest = dep_info_inputs(&text)
        .into_iter()
        .filter_map(|path| Some((modified(&path)?, path)))
        .max_by_key(|(time, _)| *time);
    match newest {
        Some((time, path)) if time > built => Err(format!(
            "The provider binary {} is older than {}. Rebuild it with `cargo build -p terraform-provider-routeros` (or run `make test`), or set {ENV_PROVIDER_DIR} to use a binary as it is.",
            binary.display(),
            path.display()
        )),
        _ => Ok(()),
    }
}

/// The inputs of the first rule of a Makefile-style dep-info file
/// (`target: input input…`, spaces inside paths escaped as `\ `).
fn dep_info_inputs(text: &str) -> Vec<PathBuf> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(next) => word.push(next),
            },
            '\n' => break,
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    // The first word is the target, `path:`; the rest are inputs.
    words.into_iter().skip(1).map(PathBuf::from).collect()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

// ---------------------------------------------------------------------------
// HCL helpers
// ---------------------------------------------------------------------------

/// `s` as an HCL quoted string: quotes, backslashes, control characters and
/// template sequences (`${`, `%{`) escaped.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `terraform` block requiring this provider from [`PROVIDER_SOURCE`].
pub fn terraform_block() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    routeros = {{\n      source = {}\n    }}\n  }}\n}}\n",
        hcl_string(PROVIDER_SOURCE)
    )
}

/// The `provider "routeros"` block; unset fields are left out so the
/// provider falls back to its environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderBlock {
    /// `url`, e.g. `http://127.0.0.1:8080`.
    pub url: Option<String>,
    /// `username`.
    pub username: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `ca_certificate`: PEM file path or PEM text.
    pub ca_certificate: Option<String>,
    /// `insecure`.
    pub insecure: Option<bool>,
    /// `timeout` in seconds.
    pub timeout: Option<u64>,
}

impl ProviderBlock {
    /// A block with `url`, `username` and `password` set.
    pub fn new(url: &str, username: &str, password: &str) -> Self {
        ProviderBlock {
            url: Some(url.to_string()),
            username: Some(username.to_string()),
            password: Some(password.to_string()),
            ..ProviderBlock::default()
        }
    }

    /// A block for emulator `sim` over `scheme`: its URL for that scheme,
    /// its user and password, and for `https://` and `apis://` its CA
    /// certificate file as `ca_certificate`. Panics when the emulator does
    /// not serve `scheme` (see [`Scheme::url`]).
    #[track_caller]
    pub fn for_sim(sim: &Sim, scheme: Scheme) -> Self {
        let mut block = ProviderBlock::new(&scheme.url(sim), sim.username(), sim.password());
        if scheme.is_tls() {
            let ca = sim.ca_certificate_path().unwrap_or_else(|| {
                panic!("the emulator serves {scheme} but wrote no CA certificate")
            });
            block.ca_certificate = Some(ca.to_string_lossy().into_owned());
        }
        block
    }

    /// The block as HCL.
    pub fn to_hcl(&self) -> String {
        let mut out = String::from("provider \"routeros\" {\n");
        let strings = [
            ("url", &self.url),
            ("username", &self.username),
            ("password", &self.password),
            ("ca_certificate", &self.ca_certificate),
        ];
        for (name, value) in strings {
            if let Some(value) = value {
                out.push_str(&format!("  {name} = {}\n", hcl_string(value)));
            }
        }
        if let Some(insecure) = self.insecure {
            out.push_str(&format!("  insecure = {insecure}\n"));
        }
        if let Some(timeout) = self.timeout {
            out.push_str(&format!("  timeout = {timeout}\n"));
        }
        out.push_str("}\n");
        out
    }

    /// A whole `main.tf`: the `terraform` block, this provider block, then `body`.
    pub fn main_tf(&self, body: &str) -> String {
        format!("{}\n{}\n{body}", terraform_block(), self.to_hcl())
    }
}

/// The CLI configuration that makes Terraform use the provider in `dir`
/// without `terraform init`.
pub fn cli_config(provider_dir: &Path) -> String {
    format!(
        "# Written by the acceptance harness.\ndisable_checkpoint = true\n\nprovider_installation {{\n  dev_overrides {{\n    {} = {}\n  }}\n  direct {{}}\n}}\n",
        hcl_string(PROVIDER_SOURCE),
        hcl_string(&provider_dir.to_string_lossy())
    )
}

fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

/// Removes every variable from the inherited environment that changes what
/// Terraform or the provider does (`TF_*`, `ROUTEROS_*`, `ROS_*`, `CHECKPOINT_*`),
/// then sets the automation defaults.
fn hermetic_env(command: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if ["TF_", "ROUTEROS_", "ROS_", "MIKROTIK_", "CHECKPOINT_"]
            .iter()
            .any(|prefix| key_text.starts_with(prefix))
        {
            command.env_remove(&key);
        }
    }
    command
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("CHECKPOINT_DISABLE", "1");
}

// ---------------------------------------------------------------------------
// Working directories
// ---------------------------------------------------------------------------

/// A temporary Terraform working directory: `main.tf`, a CLI configuration
/// with `dev_overrides`, and whatever state Terraform writes. Removed on drop,
/// unless the test is failing or `TF_ACC_KEEP_WORKDIR=1`.
#[derive(Debug)]
pub struct Workdir {
    dir: PathBuf,
    cli_config: PathBuf,
    terraform: Terraform,
    env: Vec<(OsString, Option<OsString>)>,
}

impl Workdir {
    /// Creates the directory, writes the CLI configuration and `main_tf`.
    /// Panics when the provider binary cannot be found (see [`provider_dir`]).
    #[track_caller]
    pub fn new(terraform: &Terraform, main_tf: &str) -> Workdir {
        Workdir::with_provider_dir(terraform, &provider_dir(), main_tf)
    }

    /// Like [`Workdir::new`] with an explicit provider directory.
    #[track_caller]
    pub fn with_provider_dir(terraform: &Terraform, provider_dir: &Path, main_tf: &str) -> Workdir {
        Workdir::with_cli_config(terraform, &self::cli_config(provider_dir), main_tf)
    }

    /// Like [`Workdir::new`] with a CLI configuration of the caller's (e.g. a
    /// `filesystem_mirror` instead of `dev_overrides`).
    #[track_caller]
    pub fn with_cli_config(terraform: &Terraform, cli_config_text: &str, main_tf: &str) -> Workdir {
        let dir = unique_temp_dir(&format!("tf{}", terraform.version()));
        let cli_config = dir.join("harness.tfrc");
        std::fs::write(&cli_config, cli_config_text)
            .unwrap_or_else(|e| panic!("write {}: {e}", cli_config.display()));
        let wd = Workdir {
            dir,
            cli_config,
            terraform: terraform.clone(),
            env: Vec::new(),
        };
        wd.write_main_tf(main_tf);
        wd
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The Terraform this directory runs.
    pub fn terraform(&self) -> &Terraform {
        &self.terraform
    }

    /// Replaces `main.tf`.
    #[track_caller]
    pub fn write_main_tf(&self, main_tf: &str) {
        self.write_file("main.tf", main_tf);
    }

    /// Writes a file in the directory.
    #[track_caller]
    pub fn write_file(&self, name: &str, contents: &str) {
        let path = self.dir.join(name);
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Sets an environment variable for every later command in this directory.
    pub fn set_env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) {
        let key = key.as_ref().to_os_string();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, Some(value.as_ref().to_os_string())));
    }

    /// Removes an environment variable for every later command in this directory.
    pub fn remove_env(&mut self, key: impl AsRef<OsStr>) {
        let key = key.as_ref().to_os_string();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, None));
    }

    /// Runs `terraform <args>` here and returns what it did, whatever its exit code.
    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    /// Like [`Workdir::run`] with extra environment variables for this command only.
    #[track_caller]
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(self.terraform.path());
        command
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        hermetic_env(&mut command);
        command.env("TF_CLI_CONFIG_FILE", &self.cli_config);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let label = format!("terraform {}", args.join(" "));
        let out = run_with_timeout(command, command_timeout())
            .unwrap_or_else(|e| panic!("{label} in {}: {e}", self.dir.display()));
        let output = Output {
            terraform_version: self.terraform.version().to_string(),
            command: label,
            dir: self.dir.clone(),
            code: out.code,
            stdout: out.stdout,
            stderr: out.stderr,
            elapsed: out.elapsed,
        };
        eprintln!(
            "[tf {}] {} -> exit {} in {:.2} s",
            output.terraform_version,
            output.command,
            output.code,
            output.elapsed.as_secs_f64()
        );
        if out.timed_out {
            panic!("timed out after {:?}, killed:\n{output}", command_timeout());
        }
        output
    }

    /// `apply -auto-approve`; must succeed.
    #[track_caller]
    pub fn apply(&self) -> Output {
        let out = self.try_apply();
        out.assert_success();
        out
    }

    /// `apply -auto-approve`, whatever the outcome.
    #[track_caller]
    pub fn try_apply(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `plan -detailed-exitcode` (0: no changes, 1: error, 2: changes), unchecked.
    #[track_caller]
    pub fn plan_exitcode(&self) -> Output {
        self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
    }

    /// `plan -refresh-only -detailed-exitcode`, unchecked.
    #[track_caller]
    pub fn refresh_only_plan(&self) -> Output {
        self.run(&[
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
        ])
    }

    /// `plan -detailed-exitcode` must exit 0: configuration and router agree.
    #[track_caller]
    pub fn assert_no_changes(&self) -> Output {
        let out = self.plan_exitcode();
        out.assert_code(0);
        out
    }

    /// `plan -detailed-exitcode -out=tfplan`; must not fail (exit 0 or 2).
    #[track_caller]
    pub fn plan_to_file(&self) -> Output {
        let out = self.run(&[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            &format!("-out={PLAN_FILE}"),
        ]);
        if out.code != 0 && out.code != 2 {
            panic!("plan failed:\n{out}");
        }
        out
    }

    /// `plan -out=tfplan` then `show -json tfplan`: the plan as Terraform's JSON.
    #[track_caller]
    pub fn show_json_plan(&self) -> Plan {
        let output = self.plan_to_file();
        let show = self.run(&["show", "-json", "-no-color", PLAN_FILE]);
        show.assert_success();
        let json = show.json();
        Plan { output, json }
    }

    /// `apply tfplan`: applies the plan saved by [`Workdir::plan_to_file`]; must succeed.
    #[track_caller]
    pub fn apply_saved_plan(&self) -> Output {
        let out = self.run(&["apply", "-input=false", "-no-color", PLAN_FILE]);
        out.assert_success();
        out
    }

    /// `show -json`: the current state as Terraform's JSON.
    #[track_caller]
    pub fn state_json(&self) -> Value {
        let out = self.run(&["show", "-json", "-no-color"]);
        out.assert_success();
        out.json()
    }

    /// The `values` of resource `address` in the current state; panics when absent.
    #[track_caller]
    pub fn resource_values(&self, address: &str) -> Value {
        let state = self.state_json();
        state_resource(&state, address)
            .unwrap_or_else(|| {
                panic!(
                    "{address} is not in the state of {}:\n{state:#}",
                    self.dir.display()
                )
            })
            .clone()
    }

    /// `import <address> <id>`; must succeed.
    #[track_caller]
    pub fn import(&self, address: &str, id: &str) -> Output {
        let out = self.try_import(address, id);
        out.assert_success();
        out
    }

    /// `import <address> <id>`, whatever the outcome.
    #[track_caller]
    pub fn try_import(&self, address: &str, id: &str) -> Output {
        self.run(&["import", "-input=false", "-no-color", address, id])
    }

    /// `destroy -auto-approve`; must succeed.
    #[track_caller]
    pub fn destroy(&self) -> Output {
        let out = self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        out.assert_success();
        out
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let keep = std::env::var_os(ENV_KEEP_WORKDIR).is_some_and(|v| v == "1");
        if keep || std::thread::panicking() {
            eprintln!("[harness] kept working directory {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn unique_temp_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir();
    let label: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!(
            "tf-acc-{label}-{}-{n}-{nanos:x}",
            std::process::id()
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return dir,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("create {}: {e}", dir.display()),
        }
    }
}

fn command_timeout() -> Duration {
    let secs = std::env::var(ENV_COMMAND_TIMEOUT)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(300);
    Duration::from_secs(secs)
}

struct RawOutput {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    timed_out: bool,
}

/// Runs `command` with piped output; kills it when it outlives `timeout`.
fn run_with_timeout(mut command: Command, timeout: Duration) -> std::io::Result<RawOutput> {
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (tx, rx) = mpsc::channel::<()>();
    let reader = |pipe: Option<Box<dyn Read + Send>>, tx: mpsc::Sender<()>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            let _ = tx.send(());
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out_thread = reader(child.stdout.take().map(|p| Box::new(p) as _), tx.clone());
    let err_thread = reader(child.stderr.take().map(|p| Box::new(p) as _), tx);
    let deadline = start + timeout;
    let mut timed_out = false;
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        if rx.recv_timeout(left).is_err() {
            timed_out = true;
            let _ = child.kill();
            break;
        }
    }
    let status = child.wait()?;
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Ok(RawOutput {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed: start.elapsed(),
        timed_out,
    })
}

// ---------------------------------------------------------------------------
// Results and assertions
// ---------------------------------------------------------------------------

/// What one Terraform command did.
#[derive(Debug, Clone)]
pub struct Output {
    /// Version of the Terraform that ran it.
    pub terraform_version: String,
    /// The command line, e.g. `terraform plan -detailed-exitcode`.
    pub command: String,
    /// Working directory.
    pub dir: PathBuf,
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error (diagnostics, and logs when `TF_LOG` is set).
    pub stderr: String,
    /// Wall-clock time it took.
    pub elapsed: Duration,
}

/// `text` with every run of whitespace made one space and lower-cased, so
/// phrases match across Terraform's line wrapping.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Output {
    /// Exit code 0.
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// Stdout and stderr parsed as JSON (stdout); panics with the output otherwise.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// Panics, printing everything, unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert!(
            self.code == code,
            "expected exit code {code}, got {}:\n{self}",
            self.code
        );
        self
    }

    /// Panics, printing everything, unless the command succeeded.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// Panics, printing everything, unless the command failed with exit code 1.
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        self.assert_code(1)
    }

    /// Number of error diagnostics (`Error: ` headings) on stderr.
    pub fn error_count(&self) -> usize {
        diagnostic_headings(&self.stderr, "Error: ").len()
    }

    /// Summaries of the error diagnostics on stderr.
    pub fn errors(&self) -> Vec<String> {
        diagnostic_headings(&self.stderr, "Error: ")
    }

    /// Panics unless stderr holds exactly one error diagnostic.
    #[track_caller]
    pub fn assert_single_error(&self) -> &Self {
        let errors = self.errors();
        assert!(
            errors.len() == 1,
            "expected exactly one error diagnostic, got {}: {errors:?}\n{self}",
            errors.len()
        );
        self
    }

    /// Panics unless stderr mentions every phrase (case and line wrapping ignored).
    #[track_caller]
    pub fn assert_stderr_mentions(&self, phrases: &[&str]) -> &Self {
        let haystack = normalise(&self.stderr);
        for phrase in phrases {
            assert!(
                haystack.contains(&normalise(phrase)),
                "stderr does not mention {phrase:?}:\n{self}"
            );
        }
        self
    }

    /// Panics unless stderr mentions at least one of `alternatives`.
    #[track_caller]
    pub fn assert_stderr_mentions_any(&self, alternatives: &[&str]) -> &Self {
        let haystack = normalise(&self.stderr);
        assert!(
            alternatives
                .iter()
                .any(|phrase| haystack.contains(&normalise(phrase))),
            "stderr mentions none of {alternatives:?}:\n{self}"
        );
        self
    }

    /// Panics unless stdout mentions every phrase (case and line wrapping ignored).
    #[track_caller]
    pub fn assert_stdout_mentions(&self, phrases: &[&str]) -> &Self {
        let haystack = normalise(&self.stdout);
        for phrase in phrases {
            assert!(
                haystack.contains(&normalise(phrase)),
                "stdout does not mention {phrase:?}:\n{self}"
            );
        }
        self
    }

    /// Panics when `secret` appears anywhere in stdout or stderr; the
    /// failure message does not repeat the secret.
    #[track_caller]
    pub fn assert_never_shows(&self, secret: &str) -> &Self {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !text.contains(secret),
                "{} printed a secret on {name} (value withheld) in {}",
                self.command,
                self.dir.display()
            );
        }
        self
    }
}

/// The summaries (`Error: <summary>`) of diagnostics with the given heading,
/// with or without the box-drawing prefix Terraform uses in colour mode.
fn diagnostic_headings(text: &str, heading: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.trim_start_matches(['│', '╷', ' ']).trim_end())
        .filter_map(|line| line.strip_prefix(heading).map(str::to_string))
        .collect()
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "--- {} (Terraform {}) in {}: exit {} after {:.2} s",
            self.command,
            self.terraform_version,
            self.dir.display(),
            self.code,
            self.elapsed.as_secs_f64()
        )?;
        writeln!(f, "--- stdout:\n{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr:\n{}", self.stderr.trim_end())?;
        write!(f, "--- end")
    }
}

/// A saved plan: the `plan` command's output and `show -json` of the plan file.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Output of `plan -detailed-exitcode -out=tfplan` (exit 0 or 2).
    pub output: Output,
    /// `terraform show -json tfplan`.
    pub json: Value,
}

impl Plan {
    /// The `change.actions` planned for resource `address`
    /// (`["update"]`, `["create"]`, `["delete", "create"]`, …); empty when absent.
    pub fn actions(&self, address: &str) -> Vec<String> {
        self.resource_change(address)
            .and_then(|rc| rc.pointer("/change/actions")?.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect()
    }

    /// The `resource_changes` entry of `address`.
    pub fn resource_change(&self, address: &str) -> Option<&Value> {
        self.json
            .get("resource_changes")?
            .as_array()?
            .iter()
            .find(|rc| rc.get("address").and_then(Value::as_str) == Some(address))
    }

    /// Panics, printing the plan, unless `address` is planned with exactly `actions`.
    #[track_caller]
    pub fn assert_actions(&self, address: &str, actions: &[&str]) -> &Self {
        let got = self.actions(address);
        assert!(
            got == actions,
            "{address}: expected actions {actions:?}, planned {got:?}\n{}\nplan JSON: {:#}",
            self.output,
            self.json.get("resource_changes").unwrap_or(&Value::Null)
        );
        self
    }
}

/// The `values` of resource `address` in the JSON of `terraform show -json`
/// (root module only).
pub fn state_resource<'a>(state: &'a Value, address: &str) -> Option<&'a Value> {
    state
        .pointer("/values/root_module/resources")?
        .as_array()?
        .iter()
        .find(|r| r.get("address").and_then(Value::as_str) == Some(address))?
        .get("values")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(label: &str) -> TempDir {
        TempDir(unique_temp_dir(label))
    }

    struct TempDir(PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[cfg(unix)]
    fn fake_terraform(dir: &Path, name: &str, version: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\n[ \"$1 $2\" = \"version -json\" ] || exit 3\necho '{{\"terraform_version\":\"{version}\",\"platform\":\"linux_amd64\"}}'\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn cli_config_points_dev_overrides_at_the_provider_dir() {
        let config = cli_config(Path::new("/work/my \"odd\" dir/target/debug"));
        assert!(config.contains("provider_installation {"), "{config}");
        assert!(
            config.contains(
                r#"dev_overrides {
    "macsec-gitops/routeros" = "/work/my \"odd\" dir/target/debug"
  }"#
            ),
            "{config}"
        );
        assert!(config.contains("direct {}"), "{config}");
        assert!(config.contains("disable_checkpoint = true"), "{config}");
    }

    #[cfg(unix)]
    #[test]
    fn workdir_runs_terraform_with_its_cli_config_and_env_and_cleans_up() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = temp("wd");
        // A stand-in Terraform that reports its arguments, directory and environment.
        let tf_path = tmp.0.join("terraform");
        std::fs::write(
            &tf_path,
            "#!/bin/sh\necho \"args=$* pwd=$(pwd) cfg=$TF_CLI_CONFIG_FILE input=$TF_INPUT extra=${EXTRA-unset} once=${ONCE-unset}\"\necho 'Error: boom' >&2\nexit 2\n",
        )
        .unwrap();
        std::fs::set_permissions(&tf_path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let tf = Terraform {
            path: tf_path,
            version: "9.9.9".into(),
        };
        let mut wd = Workdir::with_provider_dir(&tf, Path::new("/opt/provider dir"), "# config\n");
        let dir = wd.path().to_path_buf();
        assert_eq!(
            std::fs::read_to_string(dir.join("main.tf")).unwrap(),
            "# config\n"
        );
        let cfg = std::fs::read_to_string(dir.join("harness.tfrc")).unwrap();
        assert!(
            cfg.contains(r#""macsec-gitops/routeros" = "/opt/provider dir""#),
            "{cfg}"
        );

        wd.set_env("EXTRA", "x1");
        let out = wd.run_env(&["plan", "-no-color"], &[("ONCE", "o1")]);
        assert_eq!(out.code, 2);
        assert_eq!(
            out.stdout.trim(),
            format!(
                "args=plan -no-color pwd={} cfg={} input=0 extra=x1 once=o1",
                dir.display(),
                dir.join("harness.tfrc").display()
            )
        );
        out.assert_single_error();
        assert_eq!(out.command, "terraform plan -no-color");
        assert_eq!(out.terraform_version, "9.9.9");

        wd.remove_env("EXTRA");
        let out = wd.run(&["version"]);
        assert!(out.stdout.contains("extra=unset once=unset"), "{out}");

        drop(wd);
        if std::env::var_os(ENV_KEEP_WORKDIR).is_none() {
            assert!(!dir.exists(), "{} was not removed", dir.display());
        }
    }

    #[test]
    fn missing_provider_binary_says_what_to_build() {
        let tmp = temp("noprov");
        let err = locate_provider_dir(Some(tmp.0.clone().into()), None, Path::new("/nowhere"))
            .unwrap_err();
        assert!(
            err.contains("cargo build -p terraform-provider-routeros"),
            "{err}"
        );
        assert!(err.contains(ENV_PROVIDER_DIR), "{err}");
    }

    #[test]
    fn provider_dir_defaults_to_the_profile_dir_of_the_test_binary() {
        let tmp = temp("profile");
        let profile = tmp.0.join("target").join("debug");
        std::fs::create_dir_all(profile.join("deps")).unwrap();
        std::fs::write(profile.join(provider_file_name()), "").unwrap();
        let exe = profile.join("deps").join("macsec_interface-0123");
        let dir = locate_provider_dir(None, Some(exe), Path::new("/nowhere")).unwrap();
        assert_eq!(dir, profile.canonicalize().unwrap());
        // Not under deps/: falls back to <workspace>/target/debug.
        let dir = locate_provider_dir(None, Some(PathBuf::from("/x/y")), &tmp.0).unwrap();
        assert_eq!(dir, profile.canonicalize().unwrap());
    }

    #[test]
    fn dep_info_inputs_are_parsed_with_escaped_spaces() {
        let text =
            "/t/debug/bin: /src/main.rs /my\\ dir/lib.rs \\\n /proto/x.proto\n\n/src/main.rs:\n";
        assert_eq!(
            dep_info_inputs(text),
            [
                PathBuf::from("/src/main.rs"),
                PathBuf::from("/my dir/lib.rs"),
                PathBuf::from("/proto/x.proto")
            ]
        );
        assert!(dep_info_inputs("").is_empty());
    }

    #[test]
    fn an_input_newer_than_the_binary_is_reported() {
        let tmp = temp("fresh");
        let binary = tmp.0.join("bin");
        let dep_info = tmp.0.join("bin.d");
        let input = tmp.0.join("lib.rs");
        let unrelated = tmp.0.join("orphan.rs");
        for path in [&binary, &input, &unrelated] {
            std::fs::write(path, "").unwrap();
        }
        let now = SystemTime::now();
        let set = |path: &Path, t: SystemTime| {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        set(&input, now - Duration::from_secs(60));
        set(&binary, now - Duration::from_secs(30));
        // A file the binary is not built from (not in the dep-info) never counts.
        set(&unrelated, now);
        // No dep-info: nothing to compare against.
        assert_eq!(check_fresh_binary(&binary, &dep_info), Ok(()));
        std::fs::write(
            &dep_info,
            format!(
                "{}: {} {}\n",
                binary.display(),
                input.display(),
                tmp.0.join("gone.rs").display()
            ),
        )
        .unwrap();
        assert_eq!(check_fresh_binary(&binary, &dep_info), Ok(()));
        set(&input, now);
        let err = check_fresh_binary(&binary, &dep_info).unwrap_err();
        assert!(err.contains("lib.rs"), "{err}");
        assert!(
            err.contains("cargo build -p terraform-provider-routeros"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn discovery_needs_both_installed_versions_and_says_make_tools() {
        let tmp = temp("disc");
        fake_terraform(&tmp.0, "terraform", "1.15.5");
        let err = discover(None, &tmp.0).unwrap_err();
        assert!(err.contains("make tools"), "{err}");
        assert!(err.contains("1.0.3"), "{err}");

        fake_terraform(&tmp.0, "terraform-1.0.3", "1.0.2");
        let err = discover(None, &tmp.0).unwrap_err();
        assert!(
            err.contains("reports Terraform 1.0.2, expected 1.0.3"),
            "{err}"
        );

        fake_terraform(&tmp.0, "terraform-1.0.3", "1.0.3");
        let found = discover(None, &tmp.0).unwrap();
        let versions: Vec<_> = found.iter().map(Terraform::version).collect();
        assert_eq!(versions, ["1.15.5", "1.0.3"]);
        assert_eq!(found[0].version_tuple(), (1, 15, 5));
    }

    #[cfg(unix)]
    #[test]
    fn env_path_overrides_tools_dir_and_detects_the_version() {
        let tmp = temp("envpath");
        let custom = fake_terraform(&tmp.0, "tofu-like", "1.9.0");
        let found = discover(Some(custom.clone().into()), Path::new("/nowhere")).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].version(), "1.9.0");
        assert_eq!(found[0].path(), custom);

        let err = discover(Some(tmp.0.join("absent").into()), Path::new("/nowhere")).unwrap_err();
        assert!(err.contains(ENV_TERRAFORM_PATH), "{err}");
        // Empty counts as unset.
        let err = discover(Some(OsString::new()), &tmp.0.join("empty")).unwrap_err();
        assert!(err.contains("make tools"), "{err}");
    }

    #[test]
    fn hcl_strings_are_escaped() {
        assert_eq!(hcl_string("plain"), r#""plain""#);
        assert_eq!(hcl_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(hcl_string("${x} %{y} $z"), r#""$${x} %%{y} $z""#);
        assert_eq!(
            hcl_string("-----BEGIN\nX\n-----END\n"),
            r#""-----BEGIN\nX\n-----END\n""#
        );
    }

    #[test]
    fn provider_block_leaves_out_unset_fields() {
        let mut block = ProviderBlock::new("http://127.0.0.1:1", "admin", "pw");
        block.timeout = Some(5);
        block.insecure = Some(true);
        assert_eq!(
            block.to_hcl(),
            "provider \"routeros\" {\n  url = \"http://127.0.0.1:1\"\n  username = \"admin\"\n  password = \"pw\"\n  insecure = true\n  timeout = 5\n}\n"
        );
        assert_eq!(
            ProviderBlock::default().to_hcl(),
            "provider \"routeros\" {\n}\n"
        );
        let main = block.main_tf("resource \"x\" \"y\" {}\n");
        assert!(main.starts_with("terraform {"), "{main}");
        assert!(
            main.contains("source = \"macsec-gitops/routeros\""),
            "{main}"
        );
        assert!(main.ends_with("resource \"x\" \"y\" {}\n"), "{main}");
    }

    #[test]
    fn schemes_parse_and_select_from_the_environment_value() {
        assert_eq!(Scheme::parse("API"), Some(Scheme::Api));
        assert_eq!(Scheme::parse(" apis:// "), Some(Scheme::Apis));
        assert_eq!(Scheme::parse("ftp"), None);
        assert_eq!(Scheme::Https.to_string(), "https://");
        assert!(Scheme::Apis.is_tls() && Scheme::Apis.is_api());
        assert!(!Scheme::Http.is_tls() && !Scheme::Http.is_api());
        assert_eq!(schemes_from(None).unwrap(), Scheme::ALL);
        assert_eq!(schemes_from(Some(" ")).unwrap(), Scheme::ALL);
        assert_eq!(
            schemes_from(Some("apis,http,,apis")).unwrap(),
            [Scheme::Http, Scheme::Apis]
        );
        let err = schemes_from(Some("http,rest")).unwrap_err();
        assert!(
            err.contains(ENV_SCHEMES) && err.contains("\"rest\""),
            "{err}"
        );
    }

    #[test]
    fn every_scheme_runs_with_the_newest_terraform_and_the_others_over_http() {
        let tf = |version: &str| Terraform {
            path: PathBuf::from(format!("/bin/tf-{version}")),
            version: version.into(),
        };
        let terraforms = [tf("1.0.3"), tf("1.15.5"), tf("1.9.0")];
        let show = |pairs: Vec<(&Terraform, Scheme)>| {
            pairs
                .into_iter()
                .map(|(tf, s)| format!("{} {}", tf.version(), s.as_str()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            show(terraform_scheme_pairs(&terraforms, &Scheme::ALL, false)),
            [
                "1.0.3 http",
                "1.15.5 http",
                "1.15.5 https",
                "1.15.5 api",
                "1.15.5 apis",
                "1.9.0 http"
            ]
        );
        assert_eq!(
            show(terraform_scheme_pairs(
                &terraforms[..1],
                &[Scheme::Api, Scheme::Apis],
                false
            )),
            ["1.0.3 api", "1.0.3 apis"]
        );
        assert_eq!(
            show(terraform_scheme_pairs(
                &terraforms,
                &[Scheme::Https, Scheme::Api],
                false
            )),
            ["1.0.3 https", "1.15.5 https", "1.15.5 api", "1.9.0 https"]
        );
        assert_eq!(
            terraform_scheme_pairs(&terraforms, &Scheme::ALL, true).len(),
            12
        );
        assert!(terraform_scheme_pairs(&[], &Scheme::ALL, false).is_empty());
    }

    #[test]
    fn provider_blocks_for_the_emulator_trust_its_ca_over_tls_only() {
        let sim = Sim::spawn(crate::sim::SimConfig::default()).unwrap();
        let ca = sim.ca_certificate_path().unwrap();
        for scheme in Scheme::ALL {
            let block = ProviderBlock::for_sim(&sim, scheme);
            let url = block.url.clone().unwrap();
            assert!(url.starts_with(&scheme.to_string()), "{url}");
            assert_eq!(url, scheme.url(&sim));
            assert_eq!(block.username.as_deref(), Some(sim.username()));
            assert_eq!(block.password.as_deref(), Some(sim.password()));
            assert_eq!(
                block.ca_certificate,
                scheme.is_tls().then(|| ca.to_string_lossy().into_owned()),
                "{scheme}"
            );
            assert_eq!(block.insecure, None);
        }
        // Each scheme has its own port.
        let mut ports: Vec<String> = Scheme::ALL
            .iter()
            .map(|s| s.url(&sim).rsplit(':').next().unwrap().to_string())
            .collect();
        ports.sort();
        ports.dedup();
        assert_eq!(ports.len(), 4);
    }

    #[test]
    #[should_panic(expected = "does not serve api://")]
    fn a_scheme_the_emulator_does_not_serve_fails_clearly() {
        let sim = Sim::spawn(crate::sim::SimConfig {
            api: false,
            ..crate::sim::SimConfig::default()
        })
        .unwrap();
        let _ = ProviderBlock::for_sim(&sim, Scheme::Api);
    }

    #[test]
    fn parallel_runs_report_exactly_the_inputs_that_panicked() {
        let runs: Vec<(String, u32)> = (0..4).map(|n| (format!("run-{n}"), n)).collect();
        let seen = std::sync::Mutex::new(Vec::new());
        let failed = run_parallel(&runs, |n| {
            seen.lock()
                .unwrap()
                .push((std::thread::current().name().map(str::to_string), *n));
            assert!(n % 2 == 0, "odd input {n}");
        });
        assert_eq!(failed, [1, 3]);
        let mut seen = seen.into_inner().unwrap();
        seen.sort_by_key(|(_, n)| *n);
        assert_eq!(
            seen,
            (0..4)
                .map(|n| (Some(format!("run-{n}")), n))
                .collect::<Vec<_>>()
        );
    }

    fn output(code: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            terraform_version: "1.15.5".into(),
            command: "terraform plan".into(),
            dir: PathBuf::from("/tmp/x"),
            code,
            stdout: stdout.into(),
            stderr: stderr.into(),
            elapsed: Duration::from_millis(10),
        }
    }

    #[test]
    fn diagnostics_are_counted_and_matched_across_line_wrapping() {
        let plain = "\nError: RouterOS rejected the credentials\n\n  with provider[\"registry.terraform.io/macsec-gitops/routeros\"],\n\nRouterOS answered 401 Unauthorized. Check `username` and\n`password`.\n";
        let out = output(1, "", plain);
        assert_eq!(out.errors(), ["RouterOS rejected the credentials"]);
        out.assert_single_error()
            .assert_stderr_mentions(&["401 unauthorized", "check `username` and `password`"])
            .assert_stderr_mentions_any(&["nope", "Password"]);
        let boxed = "╷\n│ Error: one\n│ \n╵\n╷\n│ Error: two\n╵\n";
        assert_eq!(output(1, "", boxed).error_count(), 2);
    }

    #[test]
    #[should_panic(expected = "stderr does not mention")]
    fn a_missing_phrase_fails_with_the_output() {
        output(1, "", "Error: x").assert_stderr_mentions(&["ca_certificate"]);
    }

    #[test]
    #[should_panic(expected = "value withheld")]
    fn a_leaked_secret_fails_without_repeating_it() {
        output(0, "the password is hunter2", "").assert_never_shows("hunter2");
    }

    #[test]
    fn plan_actions_and_state_values_are_found_by_address() {
        let json: Value = serde_json::json!({
            "resource_changes": [
                {"address": "a.b", "change": {"actions": ["update"]}},
                {"address": "a.c", "change": {"actions": ["delete", "create"]}}
            ]
        });
        let plan = Plan {
            output: output(2, "", ""),
            json,
        };
        assert_eq!(plan.actions("a.b"), ["update"]);
        plan.assert_actions("a.c", &["delete", "create"]);
        assert!(plan.actions("a.d").is_empty());

        let state = serde_json::json!({"values": {"root_module": {"resources": [
            {"address": "a.b", "values": {"id": "*1", "mtu": 1468}}
        ]}}});
        assert_eq!(state_resource(&state, "a.b").unwrap()["id"], "*1");
        assert!(state_resource(&state, "a.c").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn commands_run_with_a_hermetic_environment_and_capture_both_streams() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "echo out; echo err >&2; echo \"ia=$TF_IN_AUTOMATION cp=$CHECKPOINT_DISABLE log=${TF_LOG-unset}\"; exit 7",
        ]);
        hermetic_env(&mut command);
        command.env_remove("TF_LOG");
        let out = run_with_timeout(command, Duration::from_secs(30)).unwrap();
        assert_eq!(out.code, 7);
        assert!(!out.timed_out);
        assert_eq!(out.stdout, "out\nia=1 cp=1 log=unset\n");
        assert_eq!(out.stderr, "err\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_command_that_hangs_is_killed_at_the_timeout() {
        let mut command = Command::new("sh");
        command.args(["-c", "exec sleep 30"]);
        let out = run_with_timeout(command, Duration::from_millis(200)).unwrap();
        assert!(out.timed_out);
        assert_eq!(out.code, -1);
        assert!(out.elapsed < Duration::from_secs(20));
    }
}
