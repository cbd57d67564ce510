//! Temporary Terraform working directories and running commands in them.

use super::*;

pub(super) fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

/// Removes every variable from the inherited environment that changes what
/// Terraform or the provider does (`TF_*`, `ROUTEROS_*`, `ROS_*`, `CHECKPOINT_*`),
/// then sets the automation defaults.
pub(super) fn hermetic_env(command: &mut Command) {
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

/// Copies `from` (files and subdirectories, recursively) into `to`, as a
/// checkout of an example has them; panics naming the path that failed.
#[track_caller]
pub fn copy_tree(from: &Path, to: &Path) {
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::create_dir_all(&target)
                .unwrap_or_else(|e| panic!("create {}: {e}", target.display()));
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| {
                panic!(
                    "copy {} to {}: {e}",
                    entry.path().display(),
                    target.display()
                )
            });
        }
    }
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
        count_run(self.terraform.version(), args);
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

    /// A shell script of this directory (`rel`, such as `ci/check.sh`) as
    /// a CI job runs it: `bash <dir>/<rel>` from the directory, with the
    /// hermetic environment plus the directory's own ([`Workdir::set_env`]),
    /// `TERRAFORM` naming this directory's Terraform and `TF_CLI_CONFIG_FILE`
    /// its CLI configuration. Add arguments and variables, then run it.
    pub fn script(&self, rel: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(self.dir.join(rel))
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        hermetic_env(&mut command);
        command
            .env("TERRAFORM", self.terraform.path())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command
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

    /// The instance object of managed resource `address` in the raw state
    /// file (it holds the identity, which `show -json` may leave out);
    /// panics when absent.
    #[track_caller]
    pub fn state_instance(&self, address: &str) -> Value {
        let text =
            std::fs::read_to_string(self.path().join("terraform.tfstate")).expect("state file");
        let state: Value = serde_json::from_str(&text).expect("state JSON");
        let (ty, name) = address.split_once('.').expect("type.name");
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["type"] == ty && r["name"] == name && r["mode"] == "managed")
            .and_then(|r| r["instances"].get(0).cloned())
            .unwrap_or_else(|| panic!("{address} is not in the state:\n{state:#}"))
    }

    /// The `values` of resource `address` in the current state; panics when
    /// absent. One `show` each: for several, see [`resource_values_in`].
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

    /// Runs every `terraform import` line of the `import.sh` that
    /// `generate --import-commands` wrote here (each must succeed), as its
    /// user would; returns how many there were.
    #[track_caller]
    pub fn run_import_script(&self) -> usize {
        self.run_import_script_named("import.sh")
    }

    /// [`Workdir::run_import_script`] for the script `name` (such as
    /// `core_import.sh`, which `generate --router core` writes).
    #[track_caller]
    pub fn run_import_script_named(&self, name: &str) -> usize {
        let script =
            std::fs::read_to_string(self.dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let lines: Vec<&str> = script
            .lines()
            .filter(|l| l.starts_with("terraform import"))
            .collect();
        for line in &lines {
            let words: Vec<String> = line
                .split_whitespace()
                .skip(2)
                .map(|w| w.trim_matches('\'').to_string())
                .collect();
            self.import(&words[0], &words[1]);
        }
        lines.len()
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

/// Appends one line for a Terraform command to the file [`ENV_RUN_LOG`]
/// names, when it is set: the test running it, the Terraform version and the
/// subcommand (`plan`, `apply`, ...; never the other arguments). The test is
/// the name nextest passes the test binary (`--exact NAME`); under plain
/// `cargo test` it is `-`. One `write` of a short line per command, in append
/// mode, so tests running side by side do not mix their lines.
pub fn count_run(version: &str, args: &[&str]) {
    let Some(path) = std::env::var_os(ENV_RUN_LOG).filter(|p| !p.is_empty()) else {
        return;
    };
    let line = run_log_line(&current_test_name(), version, args);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, line.as_bytes()));
    if let Err(e) = written {
        panic!(
            "{ENV_RUN_LOG}={}: cannot append to it: {e}. Point it at a writable file or unset it.",
            Path::new(&path).display()
        );
    }
}

/// One line of the run log: `<test>\t<version>\t<subcommand>\n`, with tabs
/// and newlines in the parts made spaces so a line stays one record.
pub(super) fn run_log_line(test: &str, version: &str, args: &[&str]) -> String {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let subcommand = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("-");
    format!(
        "{}\t{}\t{}\n",
        clean(test),
        clean(version),
        clean(subcommand)
    )
}

/// The test running: the one nextest started this process for
/// (`<binary> --exact NAME`), else the name of the calling thread when it
/// is a test's thread (plain `cargo test` names it after the test; call
/// this from the test's own thread, not a scenario thread), else `-`.
pub fn current_test_name() -> String {
    let from_args = test_name_from_args(std::env::args().skip(1));
    if from_args != "-" {
        return from_args;
    }
    match std::thread::current().name() {
        Some(name) if name.contains("::") => name.to_string(),
        _ => "-".to_string(),
    }
}

/// The test named in a test binary's arguments when they hold `--exact`
/// (nextest's form: one test per process), else `-`.
pub(super) fn test_name_from_args(args: impl Iterator<Item = String>) -> String {
    let args: Vec<String> = args.collect();
    if !args.iter().any(|a| a == "--exact") {
        return "-".to_string();
    }
    args.into_iter()
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "-".to_string())
}

pub(super) fn unique_temp_dir(label: &str) -> PathBuf {
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

pub(super) fn command_timeout() -> Duration {
    let secs = std::env::var(ENV_COMMAND_TIMEOUT)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(300);
    Duration::from_secs(secs)
}

pub(super) struct RawOutput {
    pub(super) code: i32,
    pub(super) stdout: String,
    pub(super) stderr: String,
    pub(super) elapsed: Duration,
    pub(super) timed_out: bool,
}

/// Runs `command` with piped output; kills it when it outlives `timeout`.
pub(super) fn run_with_timeout(
    mut command: Command,
    timeout: Duration,
) -> std::io::Result<RawOutput> {
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
