//! Finding Terraform and the transports scenarios run over.

use super::*;

// ---------------------------------------------------------------------------
// Finding Terraform
// ---------------------------------------------------------------------------

/// One Terraform CLI to run scenarios with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terraform {
    pub(super) path: PathBuf,
    pub(super) version: String,
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

    /// [`Terraform::available`] and the smoke suite's further versions
    /// ([`SMOKE_VERSIONS`], or [`ENV_SMOKE_TERRAFORM_PATH`]), oldest first.
    /// Panics like [`Terraform::available`], saying what to run.
    #[track_caller]
    pub fn smoke() -> Vec<Terraform> {
        let mut all = Terraform::available();
        let mut named = std::env::var_os(ENV_SMOKE_TERRAFORM_PATH);
        if named.is_none() && std::env::var_os(ENV_TERRAFORM_PATH).is_some_and(|v| !v.is_empty()) {
            // Terraform chosen by hand: the smoke suite runs on that alone.
            named = Some(OsString::new());
        }
        let more = discover_versions(
            named,
            &workspace_root().join(".tools").join("bin"),
            &SMOKE_VERSIONS,
            ENV_SMOKE_TERRAFORM_PATH,
        );
        match more {
            Ok(more) => all.extend(more),
            Err(message) => panic!("{message}"),
        }
        all.sort_by_key(Terraform::version_tuple);
        all.dedup_by(|a, b| a.version == b.version);
        all
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
    discover_versions(
        env_value.filter(|v| !v.is_empty()),
        tools_bin,
        &INSTALLED_VERSIONS,
        ENV_TERRAFORM_PATH,
    )
}

/// The binaries named in `env_value` (the value of `env_name`, joined like
/// `PATH`; set but empty, none), or else every one of `versions`
/// (`(version, file name)`) from `tools_bin`. Errors say what to do.
pub fn discover_versions(
    env_value: Option<OsString>,
    tools_bin: &Path,
    versions: &[(&str, &str)],
    env_name: &str,
) -> Result<Vec<Terraform>, String> {
    if let Some(value) = env_value {
        if value.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for path in std::env::split_paths(&value) {
            let tf = Terraform::detect(&path).map_err(|e| {
                format!(
                    "{env_name}={}: {e}. Point it at a Terraform executable, or unset it to use .tools/bin (`make tools`).",
                    value.to_string_lossy()
                )
            })?;
            found.push(tf);
        }
        return Ok(found);
    }
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for &(version, file) in versions {
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
            "The acceptance tests need Terraform {} installed in {}:\n  - {}\nRun `make tools` (installs them into .tools/), or set {env_name} to Terraform executables.",
            versions
                .iter()
                .map(|(v, _)| *v)
                .collect::<Vec<_>>()
                .join(", "),
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

/// Runs `scenario` with the newest available Terraform only: for scenarios
/// whose outcome does not depend on the Terraform version. Those that do
/// (a feature some versions lack, a Terraform quirk, what a version writes
/// to state) call [`for_each_terraform`]. `TF_ACC_TERRAFORM_PATH` runs
/// everything on another Terraform.
#[track_caller]
pub fn for_newest_terraform<F>(scenario: F)
where
    F: FnOnce(&Terraform),
{
    scenario(&Terraform::newest());
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
    for_each_of_schemes(&Scheme::ALL, scenario);
}

/// Like [`for_each_scheme`] over those of `schemes` that are selected (all
/// of them with [`ENV_ALL_SCHEMES`]`=1`): for a scenario too costly to run
/// four times that still needs more than one transport.
#[track_caller]
pub fn for_each_of_schemes<F>(schemes: &[Scheme], scenario: F)
where
    F: Fn(Scheme) + Sync,
{
    let all = std::env::var_os(ENV_ALL_SCHEMES).is_some_and(|v| v == "1");
    let runs: Vec<(String, Scheme)> = Scheme::selected()
        .into_iter()
        .filter(|scheme| all || schemes.contains(scheme))
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

/// Runs `scenario` once: with the newest Terraform over the scheme the
/// rotation gives the calling test ([`rotating_scheme`] of its name among
/// the selected schemes), in a thread named `tf-<version>-<scheme>`. The
/// rotation spreads the four schemes across the suites' tests, so every
/// transport is used on every run while each scenario runs once; the
/// `every_transport` suite runs every kind of object over all four.
///
/// [`ENV_ALL_SCHEMES`]`=1` runs the scenario over every selected scheme
/// instead, [`ENV_FULL_MATRIX`]`=1` also with every available Terraform;
/// [`ENV_SCHEMES`] narrows the schemes the rotation takes turns over. Each
/// run should start its own emulator.
#[track_caller]
pub fn for_rotating_scheme<F>(scenario: F)
where
    F: Fn(&Terraform, Scheme) + Sync,
{
    let terraforms = Terraform::available();
    let flag = |name: &str| std::env::var_os(name).is_some_and(|v| v == "1");
    let mode = if flag(ENV_FULL_MATRIX) {
        Rotation::FullMatrix
    } else if flag(ENV_ALL_SCHEMES) {
        Rotation::AllSchemes
    } else {
        Rotation::One
    };
    let test = current_test_name();
    let pairs = rotation_pairs(&terraforms, &Scheme::selected(), &test, mode);
    if let [(tf, scheme)] = pairs.as_slice() {
        eprintln!(
            "[harness] {test}: Terraform {} over {scheme} (the rotation's turn; {ENV_ALL_SCHEMES}=1 runs every scheme)",
            tf.version()
        );
    }
    run_pairs(pairs, scenario);
}

/// What [`for_rotating_scheme`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// The newest Terraform over the test's one scheme (the default).
    One,
    /// The newest Terraform over every selected scheme ([`ENV_ALL_SCHEMES`]).
    AllSchemes,
    /// Every Terraform over every selected scheme ([`ENV_FULL_MATRIX`]).
    FullMatrix,
}

/// The scheme the rotation gives the test named `test`: the FNV-1a hash of
/// the name, modulo the number of `schemes`. It depends on the name alone,
/// so a test keeps its scheme when others are added, renamed or run alone,
/// and the schemes take turns across a suite's tests. `None` when `schemes`
/// is empty.
pub fn rotating_scheme(test: &str, schemes: &[Scheme]) -> Option<Scheme> {
    if schemes.is_empty() {
        return None;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in test.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let len = u64::try_from(schemes.len()).unwrap_or(u64::MAX);
    let index = usize::try_from(hash % len).unwrap_or(0);
    Some(schemes[index])
}

/// The (Terraform, scheme) pairs [`for_rotating_scheme`] runs for `test`:
/// the newest of `terraforms` over [`rotating_scheme`] (`One`), over every
/// one of `schemes` (`AllSchemes`), or every Terraform over every scheme
/// (`FullMatrix`). None when either list is empty.
pub fn rotation_pairs<'a>(
    terraforms: &'a [Terraform],
    schemes: &[Scheme],
    test: &str,
    mode: Rotation,
) -> Vec<(&'a Terraform, Scheme)> {
    let newest = terraforms
        .iter()
        .enumerate()
        .max_by_key(|(i, tf)| (tf.version_tuple(), std::cmp::Reverse(*i)))
        .map(|(_, tf)| tf);
    match (mode, newest) {
        (_, None) => Vec::new(),
        (Rotation::One, Some(tf)) => rotating_scheme(test, schemes)
            .map(|scheme| vec![(tf, scheme)])
            .unwrap_or_default(),
        (Rotation::AllSchemes, Some(tf)) => schemes.iter().map(|s| (tf, *s)).collect(),
        (Rotation::FullMatrix, Some(_)) => terraforms
            .iter()
            .flat_map(|tf| schemes.iter().map(move |s| (tf, *s)))
            .collect(),
    }
}

/// Runs `scenario` for each (Terraform, scheme) pair, each in its own thread
/// (named `tf-<version>-<scheme>`), and fails naming the pairs it failed on.
#[track_caller]
fn run_pairs<F>(pairs: Vec<(&Terraform, Scheme)>, scenario: F)
where
    F: Fn(&Terraform, Scheme) + Sync,
{
    let runs: Vec<(String, (&Terraform, Scheme))> = pairs
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

/// Runs `scenario` once per Terraform of `terraforms`, each over one scheme
/// taken in turn from the selected ones ([`Scheme::selected`]: the first
/// Terraform over `http://`, the next over `https://`, ...), each in its own
/// thread (named `tf-<version>-<scheme>`), and fails naming the pairs it
/// failed on. Every scheme is covered once there are as many Terraform
/// versions as schemes, at the cost of one run per version.
#[track_caller]
pub fn for_each_terraform_rotating_schemes<F>(terraforms: &[Terraform], scenario: F)
where
    F: Fn(&Terraform, Scheme) + Sync,
{
    run_pairs(rotating_schemes(terraforms, &Scheme::selected()), scenario);
}

/// The pairs of [`for_each_terraform_rotating_schemes`]: the i-th Terraform
/// with the (i mod n)-th of the n `schemes`; none when `schemes` is empty.
pub fn rotating_schemes<'a>(
    terraforms: &'a [Terraform],
    schemes: &[Scheme],
) -> Vec<(&'a Terraform, Scheme)> {
    if schemes.is_empty() {
        return Vec::new();
    }
    terraforms
        .iter()
        .enumerate()
        .map(|(i, tf)| (tf, schemes[i % schemes.len()]))
        .collect()
}

/// Runs `scenario` for every input, each in a thread of the given name, and
/// returns the inputs whose thread panicked.
pub(super) fn run_parallel<T, F>(runs: &[(String, T)], scenario: F) -> Vec<T>
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
