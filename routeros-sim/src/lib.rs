//! `routeros-sim`: a RouterOS 7 that runs in-process, for tests and the demo.
//!
//! It serves the RouterOS REST API (`/rest/...`) over HTTP and HTTPS with Basic
//! authentication, and emulates `/system/resource`, `/system/identity`, `/interface`,
//! `/interface/ethernet`, `/interface/macsec` and `/interface/macsec/profile` the way
//! RouterOS does: every value a string, `.id` as `*HEX`, RouterOS's error bodies and
//! status codes, and the arguments each command accepts taken from real `/console/inspect`
//! dumps of the emulated version (`routeros-sim/data/`).
//!
//! Backups, exports and files (`menus/file.rs`, `menus/system_backup.rs`, `menus/export.rs`):
//! `/system/backup/save` writes an (optionally password-encrypted) binary backup of the
//! emulated configuration into the file area and `/system/backup/load` restores it;
//! `/export file=` writes the configuration as a RouterOS script; `/file` lists, reads
//! (`contents` up to 60 KB; `/file/read` in chunks from 7.13) and removes files. See
//! [`Sim::set_backup_padding`], [`Sim::files`], [`Sim::written_file`].
//!
//! Users: the configured user has the `sensitive` policy; more users, with or without it,
//! come from [`SimConfig::users`] or [`Sim::add_user`]. Without it, `cak` is left out of
//! every reply. Links: [`Sim::pair`] (or [`link`]) cables an Ethernet port of one emulator
//! to a port of another in the same process; MACsec link state (`status`, `running`,
//! `monitor` key server and cipher suite, `print stats` counters) is then derived from
//! both ends on every read. [`fleet`] starts several routers cabled as an
//! inventory says (`routeros-sim --fleet`).
//!
//! ```no_run
//! use routeros_sim::{Sim, SimConfig};
//!
//! let sim = Sim::spawn(SimConfig::default())?;
//! println!("{} {} {}", sim.http_url(), sim.username(), sim.password());
//! assert_eq!(sim.records("/interface/ethernet").len(), 8);
//! # Ok::<(), anyhow::Error>(())
//! ```

mod api;
mod api_commands;
pub mod api_wire;
mod error;
#[cfg(test)]
mod fidelity_tests;
mod file_store;
pub mod fleet;
#[doc(hidden)]
pub mod fuzzing;
mod import;
mod link;
mod local_file;
#[cfg(test)]
mod macsec_tests;
mod menu;
mod menus;
mod query;
mod reply;
mod rest;
mod rest_faults;
mod schema;
mod server;
mod state;
mod sync;
mod table;
#[cfg(test)]
mod test_rest;
#[cfg(test)]
mod test_router;
mod tls;
mod users;
mod value;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{Context, bail};
use rand::Rng;
use rand::distr::Alphanumeric;
use tokio::sync::watch;

pub use api::{ApiFault, FAULT_FATAL_REASON};
pub use import::{
    ExportScript, LoadCost, MAX_ETHERNET_PORTS, MAX_EXPORT_BYTES, MAX_ROWS_PER_MENU, ScriptCommand,
    parse as parse_export,
};
use menu::Menu;
pub use rest_faults::RestFault;
use schema::Version;
use server::Shared;
pub use server::{CLOCK_PATH, Cost, STATS_PATH};
use state::Router;
use sync::lock;
pub use users::SimUser;

/// The most Ethernet ports a caller may ask for (`--ports`,
/// [`SimConfig::ethernet_ports`]): more than any MikroTik board has, for
/// the scale benchmarks' router of 1000 MACsec interfaces (one per port).
/// What an export may make is bounded lower, by [`MAX_ETHERNET_PORTS`].
pub const MAX_PORTS_ASKED: usize = 1024;

/// How to start an emulator. `SimConfig::default()` gives RouterOS 7.18 with ether1..ether8,
/// user `admin` with a random password, serialised requests and HTTPS on.
/// Its `Debug` output leaves the password out.
#[derive(Clone)]
pub struct SimConfig {
    /// RouterOS version to emulate, e.g. `7.18`, `7.23.2`, `6.49`. Default `7.18`.
    pub version: String,
    /// Number of Ethernet ports, named ether1..etherN. Default 8.
    pub ethernet_ports: usize,
    /// The REST user. Default `admin`.
    pub username: String,
    /// The REST password. Default: 16 random letters and digits.
    pub password: String,
    /// Handle one request at a time, as RouterOS's www service does. Default `true`.
    pub serialize: bool,
    /// Serve HTTPS too. Default `true`.
    pub https: bool,
    /// Directory to write the CA certificate `ca.pem` into; default a temporary directory
    /// removed when the emulator stops.
    pub cert_dir: Option<PathBuf>,
    /// `/system/identity` name. Default `MikroTik`.
    pub identity: String,
    /// `/system/resource` `board-name`. Default `CHR`.
    pub board_name: String,
    /// More REST users besides `username` (which has the `sensitive` policy). A user
    /// without the `sensitive` policy never sees `cak` in replies. Default none.
    pub users: Vec<SimUser>,
    /// Serve the classic API (`api://`, and `apis://` when TLS is on) next to REST, on the
    /// same configuration. Default `true`.
    pub api: bool,
    /// The API answers `/login` the pre-6.43 way: `!done =ret=<challenge>`, then expects
    /// `/login =name= =response=00<md5>`. Default `false` (`/login =name= =password=`).
    pub legacy_login: bool,
    /// Time every request costs (`--latency`); zero by default.
    pub latency: std::time::Duration,
    /// Time every row served costs (`--row-cost`), rows served one at a time; zero by
    /// default.
    pub row_cost: std::time::Duration,
    /// Present one self-signed certificate with `CA:TRUE`, as RouterOS's `/certificate
    /// add` + `sign` makes it, instead of a server certificate signed by a separate CA;
    /// `ca.pem` then holds that certificate. Default `false`.
    pub routeros_self_signed: bool,
    /// How long a REST command that runs until cut off (`monitor` without `once`) waits
    /// before RouterOS's `400 Session closed` (`--rest-timeout-secs`). Default 60 s, as
    /// on a router; tests set it low.
    pub rest_timeout: std::time::Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            version: "7.18".into(),
            ethernet_ports: 8,
            username: "admin".into(),
            password: random_password(),
            serialize: true,
            https: true,
            cert_dir: None,
            identity: "MikroTik".into(),
            board_name: "CHR".into(),
            users: Vec::new(),
            api: true,
            legacy_login: false,
            latency: std::time::Duration::ZERO,
            row_cost: std::time::Duration::ZERO,
            routeros_self_signed: false,
            rest_timeout: std::time::Duration::from_secs(60),
        }
    }
}

redact::debug!(SimConfig {
    version,
    ethernet_ports,
    username,
    serialize,
    https,
    cert_dir,
    identity,
    board_name,
    users,
    api,
    legacy_login,
    latency,
    row_cost
});

fn random_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// A running emulator. It owns a thread with its own tokio runtime and stops (closing its
/// listeners and removing a temporary certificate directory) when dropped. Emulators are
/// independent of each other, also within one process.
pub struct Sim {
    shared: Arc<Shared>,
    username: String,
    password: String,
    http_addr: SocketAddr,
    https_addr: Option<SocketAddr>,
    api_addr: Option<SocketAddr>,
    apis_addr: Option<SocketAddr>,
    ca_path: Option<PathBuf>,
    ca_pem: Option<String>,
    cert_sha256: Option<String>,
    api_faults: Arc<api::Faults>,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
    // Dropped after the thread has stopped (fields drop in order, after `Drop::drop`).
    _temp_dir: Option<tempfile::TempDir>,
}

redact::debug!(Sim {
    http_addr,
    https_addr,
    api_addr,
    apis_addr,
    ca_path
});

fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<StdTcpListener> {
    let listener = StdTcpListener::bind(addr).with_context(|| {
        format!(
            "could not listen for {what} on {addr}: is the port in use? Use port 0 for a free one"
        )
    })?;
    listener
        .set_nonblocking(true)
        .with_context(|| format!("could not make the {what} listener non-blocking"))?;
    Ok(listener)
}

/// Where an emulator listens; port 0 picks a free port. A service is served when its
/// address is `Some` and the [`SimConfig`] turns it on (`https`; `api` for both API ports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listeners {
    /// REST over HTTP.
    pub http: SocketAddr,
    /// REST over HTTPS.
    pub https: Option<SocketAddr>,
    /// The classic API over TCP (RouterOS: 8728).
    pub api: Option<SocketAddr>,
    /// The classic API over TLS (RouterOS: 8729), with the same certificate as HTTPS.
    pub apis: Option<SocketAddr>,
}

fn bind_optional(
    addr: Option<SocketAddr>,
    what: &str,
) -> anyhow::Result<Option<(StdTcpListener, SocketAddr)>> {
    addr.map(|addr| {
        let listener = bind(addr, what)?;
        let local = listener
            .local_addr()
            .with_context(|| format!("reading the {what} listen address"))?;
        Ok((listener, local))
    })
    .transpose()
}

impl Sim {
    /// Starts an emulator on `127.0.0.1` with free ports for HTTP, HTTPS (when
    /// `cfg.https`), the API and the API over TLS (when `cfg.api`; TLS only with
    /// `cfg.https`). Returns once all are listening.
    pub fn spawn(cfg: SimConfig) -> anyhow::Result<Sim> {
        let localhost = SocketAddr::from(([127, 0, 0, 1], 0));
        let https = cfg.https.then_some(localhost);
        Sim::spawn_on(cfg, localhost, https)
    }

    /// Starts an emulator on the given addresses (port 0 picks a free port). HTTPS is
    /// served only when `https` is `Some` and `cfg.https` is true. With `cfg.api` the API
    /// gets a free port on the HTTP address's IP, and so does the API over TLS when HTTPS
    /// is served.
    pub fn spawn_on(
        cfg: SimConfig,
        http: SocketAddr,
        https: Option<SocketAddr>,
    ) -> anyhow::Result<Sim> {
        let free = SocketAddr::new(http.ip(), 0);
        let apis = https.filter(|_| cfg.https).map(|_| free);
        Sim::spawn_with(
            cfg,
            Listeners {
                http,
                https,
                api: Some(free),
                apis,
            },
        )
    }

    /// Starts an emulator listening where `listeners` says (see [`Listeners`]).
    pub fn spawn_with(cfg: SimConfig, listeners: Listeners) -> anyhow::Result<Sim> {
        let Listeners {
            http,
            https,
            api,
            apis,
        } = listeners;
        let version = Version::parse(&cfg.version).map_err(anyhow::Error::msg)?;
        if cfg.ethernet_ports > MAX_PORTS_ASKED {
            bail!(
                "{} Ethernet ports asked for; the emulator makes at most {MAX_PORTS_ASKED}",
                cfg.ethernet_ports
            );
        }
        let dump = schema::dump_version_for(&version);
        if dump != version.to_string() {
            log::info!(
                "RouterOS {version} has no /console/inspect dump of its own: its menus take the arguments of {dump}"
            );
        }
        if cfg.username.is_empty() || cfg.username.contains(':') {
            bail!(
                "invalid username {:?}: it must be non-empty and must not contain ':'",
                cfg.username
            );
        }
        let https = if cfg.https { https } else { None };
        let api = if cfg.api { api } else { None };
        let apis = if cfg.api { apis } else { None };

        let http_listener = bind(http, "HTTP")?;
        let http_addr = http_listener
            .local_addr()
            .context("reading the HTTP listen address")?;
        let mut temp_dir = None;
        let mut tls_parts = None;
        let https_bound = bind_optional(https, "HTTPS")?;
        let api_bound = bind_optional(api, "the API")?;
        let apis_bound = bind_optional(apis, "the API over TLS")?;
        if https_bound.is_some() || apis_bound.is_some() {
            let certs = if cfg.routeros_self_signed {
                tls::generate_routeros_self_signed()?
            } else {
                tls::generate()?
            };
            let dir = match &cfg.cert_dir {
                Some(dir) => dir.clone(),
                None => {
                    let dir = tempfile::Builder::new()
                        .prefix("routeros-sim-")
                        .tempdir()
                        .context("creating a temporary directory for the CA certificate")?;
                    let path = dir.path().to_path_buf();
                    temp_dir = Some(dir);
                    path
                }
            };
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("creating the certificate directory {}", dir.display()))?;
            let ca_path = dir.join("ca.pem");
            std::fs::write(&ca_path, &certs.ca_pem)
                .with_context(|| format!("writing the CA certificate to {}", ca_path.display()))?;
            tls_parts = Some((certs, ca_path));
        }

        let mut router = Router::new(version, cfg.ethernet_ports, &cfg.identity, &cfg.board_name);
        // The configured user is `admin`-like: group `full`, which has `sensitive`.
        let admin = SimUser::new(cfg.username.clone(), cfg.password.clone(), true);
        for user in std::iter::once(admin).chain(cfg.users.iter().cloned()) {
            router.add_user(user).map_err(anyhow::Error::msg)?;
        }
        let mut shared = Shared::new(
            router,
            cfg.serialize,
            &cfg.username,
            &cfg.password,
            Cost {
                latency: cfg.latency,
                per_row: cfg.row_cost,
            },
        );
        shared.rest_timeout = cfg.rest_timeout;
        let shared = Arc::new(shared);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the emulator's tokio runtime")?;

        let (ca_path, ca_pem, cert_sha256, tls_config) = match tls_parts {
            Some((certs, path)) => (
                Some(path),
                Some(certs.ca_pem),
                Some(certs.server_sha256),
                Some(certs.server_config),
            ),
            None => (None, None, None, None),
        };
        let https_addr = https_bound.as_ref().map(|(_, addr)| *addr);
        let api_addr = api_bound.as_ref().map(|(_, addr)| *addr);
        let apis_addr = apis_bound.as_ref().map(|(_, addr)| *addr);
        let tls_listener = https_bound.zip(tls_config.clone());
        let api_listener = api_bound.map(|(listener, _)| listener);
        let apis_listener = apis_bound.zip(tls_config);
        let api_options = api::ApiOptions {
            legacy_login: cfg.legacy_login,
        };
        let api_faults = Arc::new(api::Faults::default());
        let thread_faults = api_faults.clone();
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("routeros-sim-{}", http_addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let mut tasks = Vec::new();
                    match tokio::net::TcpListener::from_std(http_listener) {
                        Ok(listener) => tasks.push(tokio::spawn(server::accept_loop(
                            thread_shared.clone(),
                            listener,
                            None,
                            shutdown_rx.clone(),
                        ))),
                        Err(e) => log::error!("routeros-sim: HTTP listener unusable: {e}"),
                    }
                    if let Some(((listener, _), config)) = tls_listener {
                        match tokio::net::TcpListener::from_std(listener) {
                            Ok(listener) => tasks.push(tokio::spawn(server::accept_loop(
                                thread_shared.clone(),
                                listener,
                                Some(tokio_rustls::TlsAcceptor::from(config)),
                                shutdown_rx.clone(),
                            ))),
                            Err(e) => log::error!("routeros-sim: HTTPS listener unusable: {e}"),
                        }
                    }
                    if let Some(listener) = api_listener {
                        match tokio::net::TcpListener::from_std(listener) {
                            Ok(listener) => tasks.push(tokio::spawn(api::accept_loop(
                                thread_shared.clone(),
                                listener,
                                None,
                                api_options,
                                thread_faults.clone(),
                                shutdown_rx.clone(),
                            ))),
                            Err(e) => log::error!("routeros-sim: API listener unusable: {e}"),
                        }
                    }
                    if let Some(((listener, _), config)) = apis_listener {
                        match tokio::net::TcpListener::from_std(listener) {
                            Ok(listener) => tasks.push(tokio::spawn(api::accept_loop(
                                thread_shared.clone(),
                                listener,
                                Some(tokio_rustls::TlsAcceptor::from(api::tls_config(&config))),
                                api_options,
                                thread_faults.clone(),
                                shutdown_rx.clone(),
                            ))),
                            Err(e) => log::error!("routeros-sim: API-SSL listener unusable: {e}"),
                        }
                    }
                    for task in tasks {
                        let _ = task.await;
                    }
                });
                // Dropping the runtime here cancels the connections still open.
            })
            .context("starting the emulator thread")?;

        Ok(Sim {
            shared,
            username: cfg.username,
            password: cfg.password,
            http_addr,
            https_addr,
            api_addr,
            apis_addr,
            ca_path,
            ca_pem,
            cert_sha256,
            api_faults,
            shutdown,
            thread: Some(thread),
            _temp_dir: temp_dir,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.http_addr)
    }

    /// The URL a client is given first (`ROUTEROS_URL` of the line the binary
    /// prints): the HTTPS URL when HTTPS is served, else the HTTP one.
    pub fn url(&self) -> String {
        self.https_url().unwrap_or_else(|| self.http_url())
    }

    /// `https://127.0.0.1:PORT`, when HTTPS is served.
    pub fn https_url(&self) -> Option<String> {
        self.https_addr.map(|a| format!("https://{a}"))
    }

    /// `api://127.0.0.1:PORT`, when the classic API is served.
    pub fn api_url(&self) -> Option<String> {
        self.api_addr.map(|a| format!("api://{a}"))
    }

    /// `apis://127.0.0.1:PORT`, when the classic API is served over TLS (with the same
    /// certificate, signed by [`Sim::ca_certificate_pem`], as HTTPS).
    pub fn apis_url(&self) -> Option<String> {
        self.apis_addr.map(|a| format!("apis://{a}"))
    }

    /// Where the CA certificate (PEM) that signed the HTTPS certificate was written.
    pub fn ca_certificate_path(&self) -> Option<PathBuf> {
        self.ca_path.clone()
    }

    /// The CA certificate (PEM) that signed the HTTPS certificate.
    pub fn ca_certificate_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// SHA-256 of the certificate the TLS services present, as RouterOS's
    /// `/certificate print detail` shows it in `fingerprint` (64 lower-case hex digits).
    pub fn certificate_fingerprint(&self) -> Option<String> {
        self.cert_sha256.clone()
    }

    /// The REST user.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The REST password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The current records of a menu (`/interface/macsec`, `interface/ethernet`,
    /// `/system/identity`, ...) as `GET /rest/<menu>` returns them, `.id` included.
    /// Singleton menus give one record; unknown menus, or menus the emulated version does
    /// not have, give none.
    pub fn records(&self, menu: &str) -> Vec<BTreeMap<String, String>> {
        let Some(menu) = Menu::from_path(menu) else {
            return Vec::new();
        };
        let router = lock(&self.shared.router);
        if !router.has_menu(menu) {
            return Vec::new();
        }
        router.list(menu)
    }

    /// Stages a REST fault (see [`RestFault`]); it fires once, on the first matching
    /// request.
    pub fn inject_rest_fault(&self, fault: RestFault) {
        self.shared.rest_faults.push(fault);
    }

    /// How many injected REST faults have not fired yet.
    pub fn pending_rest_faults(&self) -> usize {
        self.shared.rest_faults.pending()
    }

    /// Every request received so far, oldest first, as `METHOD /rest/path[?query]` followed
    /// by a space and the body when there is one. Bodies are logged in full (secrets such as
    /// `cak` included), so tests can check what a client sent. API sentences appear as
    /// `API /command word word...` (e.g. `API /interface/macsec/add =interface=ether1
    /// .tag=2`), with the password or challenge response of `/login` replaced by
    /// `<redacted>`.
    pub fn request_log(&self) -> Vec<String> {
        self.shared.log()
    }

    /// Stages a failure of the classic API for a test: see [`ApiFault`]. Each injected
    /// fault fires once, on the first later API command (after login, on any
    /// connection) whose command word starts with its prefix; several may be staged.
    pub fn inject_api_fault(&self, fault: ApiFault) {
        self.api_faults.push(fault);
    }

    /// How many injected [`ApiFault`]s have not fired yet.
    pub fn pending_api_faults(&self) -> usize {
        self.api_faults.pending()
    }

    /// How many requests were received (authenticated or not).
    pub fn request_count(&self) -> usize {
        self.shared.request_count()
    }

    /// How many rows were served: every row of a REST listing, one for a
    /// REST reply that is one record, and every `!re` of an API reply.
    pub fn rows_served(&self) -> usize {
        self.shared.rows_served()
    }

    /// Changes the emulated RouterOS version: what `/system/resource` reports and which
    /// arguments the menus accept.
    ///
    /// # Panics
    /// When `version` is not a RouterOS version such as `7.18` or `7.9.2` (a test bug).
    pub fn set_version(&self, version: &str) {
        let parsed = match Version::parse(version) {
            Ok(v) => v,
            Err(e) => panic!("Sim::set_version: {e}"),
        };
        lock(&self.shared.router).set_version(parsed);
    }

    /// Makes every later `/system/backup/save` carry `bytes` of padding after the
    /// configuration (deterministic filler, encrypted with the rest when a password is
    /// given), to get multi-megabyte backups for streaming tests. Default 0.
    pub fn set_backup_padding(&self, bytes: usize) {
        lock(&self.shared.router).files.backup_padding = bytes;
    }

    /// The files in the file area (`/file`), as `GET /rest/file` lists them: `.id`,
    /// `name`, `type`, `size`, the time (`creation-time`; `last-modified` from 7.16), and `contents` for files up to 60 KB.
    pub fn files(&self) -> Vec<BTreeMap<String, String>> {
        let router = lock(&self.shared.router);
        router.files.rows(router.version())
    }

    /// The bytes of file `name` (or `.id`) in the file area, if it exists.
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        lock(&self.shared.router)
            .files
            .find(name)
            .map(|f| f.data().to_vec())
    }

    /// The bytes `/system/backup/save` or `/export file=` last wrote under `name`
    /// (`nightly.backup`, `cfg.rsc`), even when the file has been removed since.
    pub fn written_file(&self, name: &str) -> Option<Vec<u8>> {
        lock(&self.shared.router)
            .files
            .written(name)
            .map(|d| d.to_vec())
    }

    /// Puts a file into the file area (as an upload would), replacing one of the same
    /// name.
    pub fn put_file(&self, name: &str, data: impl Into<Vec<u8>>) {
        let data: Vec<u8> = data.into();
        let mut router = lock(&self.shared.router);
        let now = router.clock;
        router.files.put(name, data.into(), now);
    }

    /// Adds a REST user. `sensitive` gives it the `sensitive` policy (it may read `cak`);
    /// without it `cak` is left out of every reply. Fails when the name is taken or is
    /// not a valid user name (empty, or containing `:`).
    pub fn add_user(&self, name: &str, password: &str, sensitive: bool) -> anyhow::Result<()> {
        lock(&self.shared.router)
            .add_user(SimUser::new(name, password, sensitive))
            .map_err(anyhow::Error::msg)
    }

    /// Connects Ethernet port `a_port` of `a` and `b_port` of `b` as the two ends of one
    /// cable (replacing any cable already plugged into either port). Link state is then
    /// derived from both ends on every read: a MACsec interface on either port reaches
    /// `open-encrypted` when the other port carries an enabled MACsec interface with the
    /// same `cak` and `ckn` and both ports are enabled, else it stays `negotiating`; the
    /// lower profile `server-priority`, then the lower port MAC address, is key server.
    /// `a` and `b` may be the same emulator (two different ports). A cable to an emulator
    /// that has stopped carries nothing (`running=false`).
    pub fn pair(a: &Sim, a_port: &str, b: &Sim, b_port: &str) -> anyhow::Result<()> {
        let (a_reg, a_id) = a.ethernet_port(a_port)?;
        let (b_reg, b_id) = b.ethernet_port(b_port)?;
        a_reg
            .connect(a_id, &b_reg, b_id)
            .map_err(|e| anyhow::anyhow!("can not cable {a_port} to {b_port}: {e}"))
    }

    /// Unplugs the cable of Ethernet port `port`, if it has one; the other end is then
    /// unplugged too.
    pub fn unplug(&self, port: &str) -> anyhow::Result<()> {
        let (registration, id) = self.ethernet_port(port)?;
        registration.disconnect(id);
        Ok(())
    }

    /// Shows `status` (one of the five RouterOS documents: `disabled`, `initializing`,
    /// `invalid`, `negotiating`, `open-encrypted`) on the MACsec interface `name` in place
    /// of the derived one, or, with `None`, derives it again. RouterOS's documentation
    /// does not say when `initializing` or `invalid` occur, so the emulator never derives
    /// them by itself; this lets a test show them to a client.
    pub fn set_macsec_status(&self, name: &str, status: Option<&str>) -> anyhow::Result<()> {
        let mut router = lock(&self.shared.router);
        let id = router
            .find(Menu::Macsec, name)
            .with_context(|| format!("no MACsec interface {name:?}"))?;
        match status {
            None => {
                router.forced_status.remove(&id);
            }
            Some(wanted) => {
                let status = menus::MACSEC_STATUSES
                    .into_iter()
                    .find(|s| *s == wanted)
                    .with_context(|| {
                        format!(
                            "{wanted:?} is not a MACsec status RouterOS documents: use one of {}",
                            menus::MACSEC_STATUSES.join(", ")
                        )
                    })?;
                router.forced_status.insert(id, status);
            }
        }
        Ok(())
    }

    /// Sets `/system/identity` (as `/system/identity/set name=` does).
    pub fn set_identity(&self, name: &str) {
        lock(&self.shared.router).identity = name.to_string();
    }

    /// Moves the router's clock on by `by` (whole seconds) and runs every
    /// `/system/scheduler` event that falls due, in order, each with the clock at its
    /// time. The clock otherwise stands still, so what a test sees does not depend on
    /// how fast it runs. Returns how many events ran.
    pub fn advance_clock(&self, by: std::time::Duration) -> usize {
        lock(&self.shared.router).advance_clock(by)
    }

    /// The router's clock (what `/system/clock`, log entries and new files show).
    pub fn clock(&self) -> std::time::SystemTime {
        lock(&self.shared.router).clock
    }

    /// The link-hub handle and interface id of an Ethernet port, by name or `.id`.
    fn ethernet_port(&self, port: &str) -> anyhow::Result<(Arc<link::Registration>, u32)> {
        let router = lock(&self.shared.router);
        let id = router.find(Menu::Ethernet, port).with_context(|| {
            format!("{port:?} is not an Ethernet port of this emulator: use a name such as ether1")
        })?;
        Ok((router.link_registration(), id))
    }
}

/// Connects two emulators' Ethernet ports as the two ends of a cable; see [`Sim::pair`].
pub fn link(a: &Sim, a_port: &str, b: &Sim, b_port: &str) -> anyhow::Result<()> {
    Sim::pair(a, a_port, b, b_port)
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Exports and their loading (see `import.rs`).
impl Sim {
    /// The configuration as `/export show-sensitive` (with `terse` when
    /// asked) writes it now.
    pub fn export_text(&self, terse: bool) -> String {
        let router = lock(&self.shared.router);
        let options = menu::ExportOptions {
            show_sensitive: true,
            terse,
            ..Default::default()
        };
        menus::export::render(&router, &options, router.clock)
    }

    /// Loads the modelled commands of `script` into this emulator, in
    /// order. A command the emulator refuses is an error naming its line.
    pub fn load_export(&self, script: &ExportScript) -> anyhow::Result<LoadCost> {
        import::load(&mut lock(&self.shared.router), script)
    }

    /// An emulator with the configuration of the export `text`: `cfg`
    /// adjusted by [`ExportScript::adjust`], then every modelled line
    /// loaded. Returns the emulator and the parsed script (for the report
    /// of unmodelled lines).
    pub fn spawn_from_export(
        mut cfg: SimConfig,
        listeners: Listeners,
        text: &str,
        keep_version: bool,
    ) -> anyhow::Result<(Sim, ExportScript)> {
        let script = import::parse(text)?;
        script.adjust(&mut cfg, keep_version);
        let sim = Sim::spawn_with(cfg, listeners)?;
        sim.load_export(&script)?;
        Ok((sim, script))
    }
}

/// Runs `source` (any bytes, read as UTF-8 with replacement) as a script on a fresh
/// emulated RouterOS 7.20 router: the entry point of the fuzz target
/// `fuzz/fuzz_targets/sim_script.rs`. Not part of the emulator's API.
#[doc(hidden)]
pub fn fuzz_script(source: &[u8]) {
    let text = String::from_utf8_lossy(source);
    let version = Version::parse("7.20").expect("a valid version");
    let mut router = state::Router::new(version, 2, "MikroTik", "CHR");
    // Errors are the expected answer to most inputs; a panic is the bug.
    let _ = router.run_source(&text, "fuzz");
}

#[cfg(test)]
mod tests;
