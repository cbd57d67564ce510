//! `routeros-sim`: a RouterOS 7 REST and API emulator for tests, demos and laptops without a router.
//!
//! Prints one shell-evaluable line with the URLs and credentials once it is listening, then
//! serves until SIGINT or SIGTERM. `ROUTEROS_URL` in that line is the HTTPS URL whenever HTTPS
//! is served, so that evaluating the line gives the provider a URL that matches the
//! `ROUTEROS_CA_CERTIFICATE` beside it; the plain HTTP URL is `ROUTEROS_HTTP_URL`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser};
use routeros_sim::fleet::{Fleet, FleetMember, FleetPlan, Inventory, unmatched_exports};
use routeros_sim::{Listeners, Sim, SimConfig};

/// What `--help` says before the flags.
const ABOUT: &str = "\
routeros-sim: a RouterOS 7 emulator serving the REST API (/rest) over HTTP and HTTPS,
and the classic API (api://, apis://) on the same configuration.

It emulates /system/resource, /system/identity, /interface, /interface/ethernet
(ether1..etherN), /interface/macsec and /interface/macsec/profile with RouterOS's
value encoding, ids, error bodies and per-version arguments.

Once listening it prints ONE line on stdout (two with --pair, one per router with
--fleet, each starting ROUTER=<name>) that a shell can evaluate, e.g.
  ROUTEROS_URL=https://127.0.0.1:41235 ROUTEROS_HTTP_URL=http://127.0.0.1:41234 \\
  ROUTEROS_API_URL=api://127.0.0.1:41236 ROUTEROS_APIS_URL=apis://127.0.0.1:41237 \\
  ROUTEROS_USERNAME=admin ROUTEROS_PASSWORD=... ROUTEROS_CA_CERTIFICATE=/tmp/.../ca.pem
and serves until SIGINT or SIGTERM. ROUTEROS_URL is the HTTPS URL (checked against
ROUTEROS_CA_CERTIFICATE), or the HTTP URL with --no-https; ROUTEROS_HTTP_URL is
always the plain HTTP one (where GET /sim/stats answers).

GET /sim/stats on the HTTP port answers {\"requests\": N, \"rows\": M}: the REST requests
and API sentences received and the rows served (every row of a listing, one for a
single record) since start. It needs no password and is not itself counted.

--fleet INVENTORY.yaml starts one router per entry of the inventory's `routers:`
(identity = its name, its own ports and certificate), cabled port to port as its
`links:` say (`a: { router: core, port: ether1 }`, `b: ...`); nothing else in the
file is used, and no router's `url` is contacted. A MACsec link comes up when both
ends' configuration matches, as with --pair.";

/// What `routeros-sim --version` prints: the name and the release version (the one
/// `make dist` builds with, else the Cargo.toml version).
const VERSION_LINE: &str = concat!("routeros-sim ", env!("SIM_VERSION"));

/// The command line, as clap parses it (the provider's binary uses the same parser).
#[derive(Debug, Parser)]
#[command(
    name = "routeros-sim",
    about = ABOUT,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Cli {
    /// HTTP address (default 127.0.0.1:0, a free port)
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// HTTPS address (default 127.0.0.1:0, a free port)
    #[arg(long, value_name = "ADDR")]
    https_listen: Option<SocketAddr>,
    /// No TLS: neither HTTPS nor the API over TLS (ROUTEROS_URL is the HTTP URL; no
    /// ROUTEROS_APIS_URL / ROUTEROS_CA_CERTIFICATE)
    #[arg(long)]
    no_https: bool,
    /// API address (default 127.0.0.1:0, a free port)
    #[arg(long, value_name = "ADDR")]
    api_listen: Option<SocketAddr>,
    /// API-over-TLS address (default 127.0.0.1:0, a free port)
    #[arg(long, value_name = "ADDR")]
    apis_listen: Option<SocketAddr>,
    /// Serve no API (no ROUTEROS_API_URL / ROUTEROS_APIS_URL)
    #[arg(long)]
    no_api: bool,
    /// API login the pre-6.43 way (MD5 challenge) instead of plain text
    #[arg(long)]
    legacy_login: bool,
    /// RouterOS version to emulate (default 7.18; e.g. 7.23, 6.49)
    #[arg(long, value_name = "V")]
    routeros_version: Option<String>,
    /// Number of Ethernet ports ether1..etherN (default 8)
    #[arg(long, value_name = "N")]
    ports: Option<usize>,
    /// REST user (default admin)
    #[arg(long, value_name = "U")]
    username: Option<String>,
    /// REST password (default: 16 random letters and digits)
    #[arg(long, value_name = "P")]
    password: Option<String>,
    /// Handle requests concurrently (RouterOS handles them one at a time)
    #[arg(long)]
    no_serialize: bool,
    /// Add MS milliseconds to every request, as a router across a network does (default 0)
    #[arg(long, value_name = "MS")]
    latency: Option<u64>,
    /// Add US microseconds for every row a reply carries, rows served one at a time as
    /// RouterOS does (default 0)
    #[arg(long, value_name = "US")]
    row_cost: Option<u64>,
    /// How long a REST command that runs until cut off (monitor without once) waits
    /// before `Session closed` (default 60, as RouterOS)
    #[arg(long, value_name = "S")]
    rest_timeout_secs: Option<u64>,
    /// Write the CA certificate to DIR/ca.pem (default: a temporary directory removed
    /// on exit)
    #[arg(long, value_name = "DIR")]
    cert_dir: Option<PathBuf>,
    /// /system/identity name (default MikroTik)
    #[arg(long, value_name = "NAME")]
    identity: Option<String>,
    /// /system/resource board-name (default CHR)
    #[arg(long, value_name = "NAME")]
    board_name: Option<String>,
    /// Run a second router in the same process, its ether1 cabled to the first one's
    /// ether1 (a MACsec link between them can come up); it has the same options on free
    /// ports, identity NAME-peer, and its own line after the first one's (with
    /// --cert-dir: DIR/peer/ca.pem)
    #[arg(long)]
    pair: bool,
    /// Run one router per entry of the inventory's `routers:` (at most 256; the file at
    /// most 1 MiB), each on free ports with identity = its name (with --cert-dir:
    /// DIR/<router>/ca.pem), cabled as its `links:` say; one line per router, in the
    /// inventory's order, starting ROUTER=<name>
    #[arg(
        long,
        value_name = "INVENTORY",
        conflicts_with_all = ["pair", "identity", "from_export", "listen", "https_listen", "api_listen", "apis_listen"]
    )]
    fleet: Option<PathBuf>,
    /// With --fleet: start each router from DIR/<router>.rsc (as --from-export) when that
    /// file exists; a router without one starts empty
    #[arg(long, value_name = "DIR", requires = "fleet")]
    exports: Option<PathBuf>,
    /// With --fleet: write {"router_overrides": {"<router>": {"url": ..., "ca_certificate":
    /// ...}}} for terraform -var-file to FILE (atomically, before the lines are printed)
    #[arg(long, value_name = "FILE", requires = "fleet")]
    tfvars: Option<PathBuf>,
    /// Start with the configuration of an /export script (RouterOS's own, terse or not,
    /// with or without show-sensitive, or hand-written): Ethernet ports, MACsec
    /// profiles, interfaces and keys where present, identity; version and board from
    /// its header unless --routeros-version is given. Lines for menus the emulator
    /// does not model are counted on stderr
    #[arg(long, value_name = "FILE")]
    from_export: Option<PathBuf>,
    /// Log every request (method, path, status; never bodies) to stderr
    #[arg(short, long)]
    verbose: bool,
    /// Print routeros-sim's own version and exit (`--version V`, the old spelling of
    /// --routeros-version V, still works, with a warning)
    #[arg(long, value_name = "V", num_args = 0..=1)]
    version: Option<Option<String>>,
    /// Show this help
    #[arg(short, long)]
    help: bool,
}

/// What the command line asks for.
enum Command {
    /// Print the help.
    Help,
    /// Print the emulator's own version.
    Version,
    /// Serve.
    Serve(Box<Options>),
}

struct Options {
    config: SimConfig,
    http: SocketAddr,
    https: Option<SocketAddr>,
    api: SocketAddr,
    apis: SocketAddr,
    verbose: bool,
    mode: Mode,
    /// `--from-export FILE`, and whether `--routeros-version` was given too.
    from_export: Option<(PathBuf, bool)>,
    /// `--routeros-version` was given (an export's header does not change it).
    version_given: bool,
}

/// How many routers to run.
#[derive(Debug, PartialEq, Eq)]
enum Mode {
    /// One.
    Single,
    /// `--pair`.
    Pair,
    /// `--fleet INVENTORY [--exports DIR] [--tfvars FILE]`.
    Fleet {
        inventory: PathBuf,
        exports: Option<PathBuf>,
        tfvars: Option<PathBuf>,
    },
}

/// Parses the arguments (without the program name); warnings (old spellings still
/// accepted) go to `warn`.
fn parse_args(
    args: impl IntoIterator<Item = String>,
    warn: &mut dyn FnMut(&str),
) -> Result<Command, clap::Error> {
    let cli = Cli::try_parse_from(std::iter::once("routeros-sim".to_string()).chain(args))?;
    // `--version` alone asks for the emulator's version. With a value
    // (`--version 7.23`, `--version=7.23`) it is the old spelling of
    // `--routeros-version`, kept working with a warning.
    let mut routeros_version = cli.routeros_version;
    match cli.version {
        Some(Some(v)) => {
            warn(&format!(
                "--version {v} sets the emulated RouterOS version, which is now \
                 --routeros-version {v}; --version alone prints routeros-sim's own version"
            ));
            routeros_version.get_or_insert(v);
        }
        Some(None) if !cli.help => return Ok(Command::Version),
        _ => {}
    }
    if cli.help {
        return Ok(Command::Help);
    }
    let localhost = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut config = SimConfig::default();
    let version_given = routeros_version.is_some();
    if let Some(v) = routeros_version {
        config.version = v;
    }
    if let Some(n) = cli.ports {
        config.ethernet_ports = n;
    }
    if let Some(u) = cli.username {
        config.username = u;
    }
    if let Some(p) = cli.password {
        config.password = p;
    }
    if let Some(name) = cli.identity {
        config.identity = name;
    }
    if let Some(name) = cli.board_name {
        config.board_name = name;
    }
    config.serialize = !cli.no_serialize;
    config.api = !cli.no_api;
    config.legacy_login = cli.legacy_login;
    config.https = !cli.no_https;
    config.cert_dir = cli.cert_dir;
    config.latency = std::time::Duration::from_millis(cli.latency.unwrap_or(0));
    config.row_cost = std::time::Duration::from_micros(cli.row_cost.unwrap_or(0));
    if let Some(secs) = cli.rest_timeout_secs {
        config.rest_timeout = std::time::Duration::from_secs(secs);
    }
    Ok(Command::Serve(Box::new(Options {
        config,
        http: cli.listen.unwrap_or(localhost),
        https: (!cli.no_https).then(|| cli.https_listen.unwrap_or(localhost)),
        api: cli.api_listen.unwrap_or(localhost),
        apis: cli.apis_listen.unwrap_or(localhost),
        verbose: cli.verbose,
        mode: match (cli.fleet, cli.pair) {
            (Some(inventory), _) => Mode::Fleet {
                inventory,
                exports: cli.exports,
                tfvars: cli.tfvars,
            },
            (None, true) => Mode::Pair,
            (None, false) => Mode::Single,
        },
        from_export: cli.from_export.map(|path| (path, version_given)),
        version_given,
    })))
}

/// The help `--help` prints.
fn help() -> String {
    Cli::command().render_help().to_string()
}

/// Quotes a value for POSIX shells when it holds anything beyond safe characters.
fn shell_quote(value: &str) -> String {
    let safe = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:+,@%".contains(c));
    if safe {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// The line scripts read: `ROUTEROS_URL=... ROUTEROS_USERNAME=... ...`, with
/// `ROUTER=<name>` in front for a router of `--fleet`.
///
/// `ROUTEROS_URL` is the HTTPS URL whenever HTTPS is served:
/// the line also names `ROUTEROS_CA_CERTIFICATE`, and a provider given a CA
/// with an `http://` URL warns that the CA is unused.
fn announcement(sim: &Sim, router: Option<&str>) -> String {
    let mut fields = Vec::new();
    if let Some(name) = router {
        fields.push(("ROUTER", name.to_string()));
    }
    fields.push(("ROUTEROS_URL", sim.url()));
    fields.push(("ROUTEROS_HTTP_URL", sim.http_url()));
    if let Some(url) = sim.api_url() {
        fields.push(("ROUTEROS_API_URL", url));
    }
    if let Some(url) = sim.apis_url() {
        fields.push(("ROUTEROS_APIS_URL", url));
    }
    fields.push(("ROUTEROS_USERNAME", sim.username().to_string()));
    fields.push(("ROUTEROS_PASSWORD", sim.password().to_string()));
    if let Some(path) = sim.ca_certificate_path() {
        fields.push(("ROUTEROS_CA_CERTIFICATE", path.display().to_string()));
    }
    fields
        .into_iter()
        .map(|(k, v)| format!("{k}={}", shell_quote(&v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Minimal stderr logger for `--verbose`.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("routeros_sim")
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("routeros-sim: {}", record.args());
        }
    }

    fn flush(&self) {}
}

fn wait_for_signal() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the signal runtime")?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .context("installing the SIGTERM handler")?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r.context("waiting for SIGINT")?,
                _ = term.recv() => {}
            }
        }
        // Windows: Ctrl-C / Ctrl-Break (closing the console ends the process anyway).
        #[cfg(not(unix))]
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        Ok(())
    })
}

/// The routers the options ask for: one, a `--pair`, or a `--fleet`.
fn plan(options: Options) -> anyhow::Result<FleetPlan> {
    let listeners = Listeners {
        http: options.http,
        https: options.https,
        api: Some(options.api),
        // TLS services go together: no HTTPS means no API over TLS either.
        apis: options.https.map(|_| options.apis),
    };
    let first = || FleetMember {
        name: options.config.identity.clone(),
        config: options.config.clone(),
        listeners,
        export: options.from_export.clone(),
        identity_is_name: false,
    };
    Ok(match &options.mode {
        Mode::Single => FleetPlan::single(first()),
        Mode::Pair => FleetPlan::pair(first()),
        Mode::Fleet {
            inventory, exports, ..
        } => {
            let inventory = Inventory::read(inventory, options.config.ethernet_ports)?;
            if let Some(dir) = exports.as_deref().filter(|dir| dir.is_dir()) {
                for path in unmatched_exports(&inventory, dir)? {
                    eprintln!(
                        "routeros-sim: warning: {} is named after no router of the inventory \
                         and is not loaded: rename it <router>.rsc",
                        path.display()
                    );
                }
            }
            FleetPlan::from_inventory(
                &inventory,
                &options.config,
                &listeners,
                exports.as_deref(),
                options.version_given,
            )?
        }
    })
}

fn run() -> anyhow::Result<ExitCode> {
    let parsed = parse_args(std::env::args().skip(1), &mut |w| {
        eprintln!("routeros-sim: warning: {w}")
    });
    let options = match parsed {
        Err(e) => {
            let _ = e.print();
            return Ok(ExitCode::from(2));
        }
        Ok(Command::Help) => {
            print!("{}", help());
            return Ok(ExitCode::SUCCESS);
        }
        Ok(Command::Version) => {
            println!("{VERSION_LINE}");
            return Ok(ExitCode::SUCCESS);
        }
        Ok(Command::Serve(options)) => *options,
    };
    if options.verbose {
        static LOGGER: StderrLogger = StderrLogger;
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(log::LevelFilter::Debug);
        }
    }
    let (fleet_mode, tfvars) = match &options.mode {
        Mode::Fleet { tfvars, .. } => (true, tfvars.clone()),
        Mode::Single | Mode::Pair => (false, None),
    };
    let fleet = Fleet::spawn(plan(options)?)?;
    for router in fleet.routers() {
        if let Some((path, script)) = &router.export {
            let whose = if fleet_mode {
                format!("router {}: ", router.name)
            } else {
                String::new()
            };
            eprintln!(
                "routeros-sim: {whose}loaded {} command(s) from {}",
                script.commands.len(),
                path.display()
            );
            eprint!("{}", script.unmodelled_report());
        }
    }
    if let Some(path) = &tfvars {
        fleet.write_tfvars(path)?;
    }
    // All lines in one write, after the --tfvars file is in place: a script that
    // sees the first line sees them all, and the file.
    let lines: String = fleet
        .routers()
        .iter()
        .map(|r| announcement(&r.sim, fleet_mode.then_some(r.name.as_str())) + "\n")
        .collect();
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(lines.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing the announcement lines to stdout")?;
    drop(stdout);
    wait_for_signal()?;
    drop(fleet);
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("routeros-sim: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use routeros_sim::fleet::Cable;

    /// The options to serve with, `None` for help or version; warnings are dropped.
    fn parse(args: &[&str]) -> Result<Option<Options>, clap::Error> {
        Ok(
            match parse_args(args.iter().map(|s| s.to_string()), &mut |_| {})? {
                Command::Serve(options) => Some(*options),
                Command::Help | Command::Version => None,
            },
        )
    }

    /// What the arguments ask for, and the warnings given.
    fn parse_warned(args: &[&str]) -> (Command, Vec<String>) {
        let mut warnings = Vec::new();
        let command = parse_args(args.iter().map(|s| s.to_string()), &mut |w| {
            warnings.push(w.to_string())
        })
        .unwrap();
        (command, warnings)
    }

    #[test]
    fn version_alone_asks_for_the_emulators_version() {
        for args in [
            &["--version"][..],
            &["--no-https", "--version", "--pair"][..],
        ] {
            let (command, warnings) = parse_warned(args);
            assert!(matches!(command, Command::Version), "{args:?}");
            assert!(warnings.is_empty(), "{warnings:?}");
        }
        assert!(VERSION_LINE.starts_with("routeros-sim "), "{VERSION_LINE}");
    }

    #[test]
    fn routeros_version_sets_the_emulated_version_and_the_old_flag_still_does_with_a_warning() {
        let (command, warnings) = parse_warned(&["--routeros-version", "7.23"]);
        let Command::Serve(o) = command else {
            panic!("--routeros-version 7.23 should serve")
        };
        assert_eq!(o.config.version, "7.23");
        assert!(warnings.is_empty(), "{warnings:?}");
        for args in [&["--version", "7.16"][..], &["--version=7.16"][..]] {
            let (command, warnings) = parse_warned(args);
            let Command::Serve(o) = command else {
                panic!("{args:?} should serve")
            };
            assert_eq!(o.config.version, "7.16", "{args:?}");
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(
                warnings[0].contains("--routeros-version 7.16"),
                "{warnings:?}"
            );
        }
        assert!(parse(&["--routeros-version"]).is_err());
    }

    #[test]
    fn the_emulator_prints_the_https_url_first() {
        let sim = Sim::spawn(SimConfig::default()).unwrap();
        let line = announcement(&sim, None);
        let https = sim.https_url().unwrap();
        assert!(
            line.starts_with(&format!("ROUTEROS_URL={https} ")),
            "{line}"
        );
        assert!(
            line.contains(&format!(" ROUTEROS_HTTP_URL={} ", sim.http_url())),
            "{line}"
        );
        assert!(line.contains(" ROUTEROS_CA_CERTIFICATE="), "{line}");
        let plain = Sim::spawn(SimConfig {
            https: false,
            ..SimConfig::default()
        })
        .unwrap();
        let line = announcement(&plain, None);
        assert!(
            line.starts_with(&format!("ROUTEROS_URL={} ", plain.http_url())),
            "{line}"
        );
        assert!(!line.contains("ROUTEROS_CA_CERTIFICATE"), "{line}");
    }

    #[test]
    fn parses_flags() {
        let o = parse(&[
            "--listen",
            "127.0.0.1:8080",
            "--no-https",
            "--routeros-version=7.23",
            "--ports",
            "2",
            "--password",
            "pw",
            "--no-serialize",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(o.http.port(), 8080);
        assert!(o.https.is_none());
        assert!(!o.config.https);
        assert_eq!(o.config.version, "7.23");
        assert_eq!(o.config.ethernet_ports, 2);
        assert_eq!(o.config.password, "pw");
        assert!(!o.config.serialize);
        assert!(o.config.latency.is_zero() && o.config.row_cost.is_zero());
        let o = parse(&["--latency", "5", "--row-cost=500"])
            .unwrap()
            .unwrap();
        assert_eq!(o.config.latency, std::time::Duration::from_millis(5));
        assert_eq!(o.config.row_cost, std::time::Duration::from_micros(500));
        assert!(parse(&["--latency", "5ms"]).is_err());
        // The REST session limit: RouterOS's 60 s unless a test shortens it.
        assert_eq!(o.config.rest_timeout, std::time::Duration::from_secs(60));
        let o = parse(&["--rest-timeout-secs", "2"]).unwrap().unwrap();
        assert_eq!(o.config.rest_timeout, std::time::Duration::from_secs(2));
        assert!(parse(&["--rest-timeout-secs", "2s"]).is_err());
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--ports"]).is_err());
        assert!(parse(&["--listen", "nowhere"]).is_err());
        let o = parse(&[
            "--api-listen",
            "127.0.0.1:8728",
            "--apis-listen=127.0.0.1:8729",
            "--legacy-login",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(o.api.port(), 8728);
        assert_eq!(o.apis.port(), 8729);
        assert!(o.config.api);
        assert!(o.config.legacy_login);
        let o = parse(&["--no-api"]).unwrap().unwrap();
        assert!(!o.config.api);
        assert!(parse(&["--api-listen", "8728"]).is_err());
    }

    #[test]
    fn announcement_lists_the_api_urls() {
        let sim = Sim::spawn(SimConfig::default()).unwrap();
        let line = announcement(&sim, None);
        let api = sim.api_url().unwrap();
        let apis = sim.apis_url().unwrap();
        assert!(
            line.contains(&format!(" ROUTEROS_API_URL={api} ")),
            "{line}"
        );
        assert!(
            line.contains(&format!(" ROUTEROS_APIS_URL={apis} ")),
            "{line}"
        );
        let no_api = Sim::spawn(SimConfig {
            api: false,
            ..SimConfig::default()
        })
        .unwrap();
        assert!(!announcement(&no_api, None).contains("ROUTEROS_API"));
    }

    #[test]
    fn pair_starts_a_cabled_peer_on_free_ports() {
        let o = parse(&["--pair", "--no-https", "--identity", "core"])
            .unwrap()
            .unwrap();
        assert_eq!(o.mode, Mode::Pair);
        let pair = plan(o).unwrap();
        let [first, peer] = &pair.members[..] else {
            panic!("{pair:?}")
        };
        assert_eq!(first.config.identity, "core");
        assert_eq!(peer.config.identity, "core-peer");
        assert_eq!(peer.listeners.http.port(), 0);
        assert!(peer.listeners.https.is_none() && peer.listeners.apis.is_none());
        assert_eq!(
            pair.cables,
            [Cable {
                a: (0, "ether1".into()),
                b: (1, "ether1".into())
            }]
        );
        let o = parse(&["--pair", "--cert-dir", "/tmp/certs"])
            .unwrap()
            .unwrap();
        let pair = plan(o).unwrap();
        assert_eq!(
            pair.members[1].config.cert_dir,
            Some(PathBuf::from("/tmp/certs/peer"))
        );
        assert!(pair.members[1].listeners.https.is_some());
        assert!(pair.members[1].listeners.apis.is_some());
        let single = plan_of(&[]);
        assert_eq!((single.members.len(), single.cables.len()), (1, 0));
    }

    /// The plan of the arguments.
    fn plan_of(args: &[&str]) -> FleetPlan {
        plan(parse(args).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn fleet_flags_go_together_and_exclude_the_single_routers_flags() {
        let o = parse(&[
            "--fleet",
            "inv.yaml",
            "--exports",
            "x",
            "--tfvars",
            "t.json",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            o.mode,
            Mode::Fleet {
                inventory: "inv.yaml".into(),
                exports: Some("x".into()),
                tfvars: Some("t.json".into())
            }
        );
        for args in [
            &["--exports", "x"][..],
            &["--tfvars", "t.json"],
            &["--fleet", "inv.yaml", "--pair"],
            &["--fleet", "inv.yaml", "--identity", "core"],
            &["--fleet", "inv.yaml", "--from-export", "core.rsc"],
            &["--fleet", "inv.yaml", "--listen", "127.0.0.1:8080"],
            &["--fleet", "inv.yaml", "--api-listen", "127.0.0.1:8728"],
        ] {
            assert!(parse(args).is_err(), "{args:?} parsed");
        }
    }

    /// Issue 20: the help is clap's, made from the flags themselves.
    #[test]
    fn help_lists_every_flag() {
        let text = help();
        let flags: Vec<String> = Cli::command()
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        assert!(flags.len() >= 23, "{flags:?}");
        for flag in &flags {
            assert!(text.contains(flag.as_str()), "{flag} missing:\n{text}");
        }
        assert!(text.contains("-v, --verbose") && text.contains("-h, --help"));
        assert!(text.contains("GET /sim/stats"), "{text}");
        let (command, _) = parse_warned(&["-h"]);
        assert!(matches!(command, Command::Help));
        Cli::command().debug_assert();
    }

    #[test]
    fn a_mistyped_flag_suggests_the_right_one() {
        for (args, meant) in [
            (&["--routeros-verison", "7.23"][..], "--routeros-version"),
            (&["--no-http"], "--no-https"),
            (&["--latnecy", "5"], "--latency"),
            (&["--from-exprot", "x.rsc"], "--from-export"),
        ] {
            let Err(e) = parse(args) else {
                panic!("{args:?} parsed")
            };
            assert!(
                e.to_string().contains(&format!("'{meant}'")),
                "{args:?}: {e}"
            );
        }
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(shell_quote("/tmp/x/ca.pem"), "/tmp/x/ca.pem");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
