//! Finding the provider binary and refusing a stale one.

use super::*;

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

/// Runs the provider binary's `generate` with `args` in `dir`, the router
/// `sim` given in the environment (REST over HTTP) as a user would; panics
/// with its output when it fails.
#[track_caller]
pub fn run_generate(sim: &Sim, dir: &Path, args: &[&str]) -> std::process::Output {
    let out = run_subcommand("generate", &sim.http_url(), sim, dir, args, &[]);
    assert!(
        out.status.success(),
        "generate {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the provider binary's `subcommand` with `args` in `dir`, the router
/// `sim` at `url` and `env` given in the environment, as a user would; the
/// output, whatever the exit code.
pub fn run_subcommand(
    subcommand: &str,
    url: &str,
    sim: &Sim,
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    Command::new(provider_binary())
        .arg(subcommand)
        .args(args)
        .current_dir(dir)
        .env("ROUTEROS_URL", url)
        .env("ROUTEROS_USERNAME", sim.username())
        .env("ROUTEROS_PASSWORD", sim.password())
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("run {subcommand}: {e}"))
}

/// The provider binary the suites run (see [`provider_dir`]).
pub fn provider_binary() -> PathBuf {
    provider_dir().join(provider_file_name())
}

pub(super) fn provider_file_name() -> String {
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
pub(super) fn dep_info_inputs(text: &str) -> Vec<PathBuf> {
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

/// Lays out the provider binary the tests use as an unpacked filesystem
/// mirror under `root`
/// (`registry.terraform.io/macsec-gitops/routeros/VERSION/OS_ARCH/`, a
/// symbolic link to the binary where the platform allows, else a copy) and
/// returns a CLI configuration that installs the provider from it alone:
/// `terraform init` then works as with a registry, where `dev_overrides`
/// would make it query the registry anyway.
#[track_caller]
pub fn unpacked_mirror_cli_config(root: &Path) -> String {
    let dir = root
        .join("registry.terraform.io")
        .join(PROVIDER_SOURCE)
        .join(env!("CARGO_PKG_VERSION"))
        .join(host_platform());
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    let binary = provider_dir().join(provider_file_name());
    let target = dir.join(provider_file_name());
    #[cfg(unix)]
    let linked = std::os::unix::fs::symlink(&binary, &target);
    #[cfg(not(unix))]
    let linked = std::fs::copy(&binary, &target).map(|_| ());
    linked.unwrap_or_else(|e| panic!("put {} into {}: {e}", binary.display(), dir.display()));
    format!(
        "disable_checkpoint = true\n\nprovider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n}}\n",
        hcl_string(&root.to_string_lossy())
    )
}

/// This machine's platform as Terraform names it: `linux_amd64`,
/// `darwin_arm64`, `windows_amd64`, ...
pub fn host_platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}
