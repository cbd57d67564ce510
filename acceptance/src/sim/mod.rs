//! `routeros-sim`: a RouterOS 7 that runs in-process, for tests and the demo.
//!
//! It serves the RouterOS REST API (`/rest/...`) over HTTP and HTTPS with Basic
//! authentication, and emulates `/system/resource`, `/system/identity`, `/interface`,
//! `/interface/ethernet`, `/interface/macsec` and `/interface/macsec/profile` the way
//! RouterOS does: every value a string, `.id` as `*HEX`, RouterOS's error bodies and
//! status codes, and the arguments each command accepts taken from real `/console/inspect`
//! dumps of the emulated version (`acceptance/data/`).
//!
//! Backups, exports and files (`files.rs`, `backup.rs`, `export.rs`):
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
//! both ends on every read.
//!
//! ```no_run
//! use acceptance::sim::{Sim, SimConfig};
//!
//! let sim = Sim::spawn(SimConfig::default())?;
//! println!("{} {} {}", sim.http_url(), sim.username(), sim.password());
//! assert_eq!(sim.records("/interface/ethernet").len(), 8);
//! # Ok::<(), anyhow::Error>(())
//! ```

mod api;
pub mod api_wire;
mod backup;
mod error;
mod export;
mod files;
mod import;
mod link;
#[cfg(test)]
mod macsec_tests;
mod query;
mod rest;
mod rest_faults;
mod schema;
mod server;
mod store;
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
pub use import::{ExportScript, ScriptCommand, parse as parse_export};
pub use rest_faults::RestFault;
use schema::Version;
pub use server::{Cost, STATS_PATH};
use server::{Shared, lock};
use store::{Menu, Router};
pub use users::SimUser;

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
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("version", &self.version)
            .field("ethernet_ports", &self.ethernet_ports)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("serialize", &self.serialize)
            .field("https", &self.https)
            .field("cert_dir", &self.cert_dir)
            .field("identity", &self.identity)
            .field("board_name", &self.board_name)
            .field("users", &self.users)
            .field("api", &self.api)
            .field("legacy_login", &self.legacy_login)
            .field("latency", &self.latency)
            .field("row_cost", &self.row_cost)
            .finish()
    }
}

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

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("http_addr", &self.http_addr)
            .field("https_addr", &self.https_addr)
            .field("api_addr", &self.api_addr)
            .field("apis_addr", &self.apis_addr)
            .field("ca_path", &self.ca_path)
            .finish_non_exhaustive()
    }
}

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
        let shared = Arc::new(Shared::new(
            router,
            cfg.serialize,
            &cfg.username,
            &cfg.password,
            Cost {
                latency: cfg.latency,
                per_row: cfg.row_cost,
            },
        ));
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
    /// `name`, `type`, `size`, `creation-time`, and `contents` for files up to 60 KB.
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
        lock(&self.shared.router).files.put(name, data.into());
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::{Client, Method, StatusCode};
    use serde_json::{Value, json};

    fn start(version: &str) -> Sim {
        Sim::spawn(SimConfig {
            version: version.into(),
            ..SimConfig::default()
        })
        .unwrap()
    }

    struct Api<'a> {
        sim: &'a Sim,
        client: Client,
        base: String,
    }

    impl<'a> Api<'a> {
        fn http(sim: &'a Sim) -> Api<'a> {
            Api {
                sim,
                client: Client::new(),
                base: sim.http_url(),
            }
        }

        async fn call(
            &self,
            method: Method,
            path: &str,
            body: Option<Value>,
        ) -> (StatusCode, Value) {
            let mut req = self
                .client
                .request(method, format!("{}{path}", self.base))
                .basic_auth(self.sim.username(), Some(self.sim.password()));
            if let Some(body) = body {
                req = req.json(&body);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let text = resp.text().await.unwrap();
            let value = if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            };
            (status, value)
        }
    }

    fn all_strings(value: &Value) -> bool {
        match value {
            Value::Array(items) => items.iter().all(all_strings),
            Value::Object(map) => map.values().all(|v| v.is_string()),
            _ => false,
        }
    }

    #[tokio::test]
    async fn basic_auth_is_required() {
        let sim = start("7.18");
        let client = Client::new();
        let url = format!("{}/rest/system/resource", sim.http_url());
        for req in [
            client.get(&url),
            client.get(&url).basic_auth("admin", Some("wrong")),
            client.get(&url).basic_auth("root", Some(sim.password())),
        ] {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body, json!({"error": 401, "message": "Unauthorized"}));
        }
        let (status, body) = Api::http(&sim)
            .call(Method::GET, "/rest/system/resource", None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["version"], "7.18 (stable)");
        assert_eq!(body["board-name"], "CHR");
        assert_eq!(body["architecture-name"], "x86_64");
        assert_eq!(body["platform"], "MikroTik");
        assert!(all_strings(&body), "{body}");
    }

    #[tokio::test]
    async fn macsec_lifecycle_over_http() {
        let sim = start("7.18");
        let api = Api::http(&sim);
        let (status, created) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"interface": "ether1", "comment": "to core"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        assert!(all_strings(&created), "{created}");
        let id = created[".id"].as_str().unwrap().to_string();
        assert!(id.starts_with('*'));
        assert_eq!(created["name"], "macsec1");
        assert_eq!(created["mtu"], "1468");
        assert_eq!(created["profile"], "default");
        assert_eq!(created["disabled"], "false");
        assert_eq!(created["running"], "false");
        assert_eq!(created["hw-offloaded"], "false");
        let cak = created["cak"].as_str().unwrap();
        let ckn = created["ckn"].as_str().unwrap();
        assert!(cak.len() == 32 && cak.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(ckn.len() == 64 && ckn.bytes().all(|b| b.is_ascii_hexdigit()));

        // One MACsec interface per Ethernet port; the port must exist.
        let (status, err) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"interface": "ether1", "name": "again"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["error"], 400);
        assert_eq!(err["message"], "Bad Request");
        assert!(
            err["detail"]
                .as_str()
                .unwrap()
                .contains("ether1 already has a MACsec interface (macsec1)")
        );
        let (status, err) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"interface": "ether42"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["detail"], "input does not match any value of interface");
        let (_, err) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"mtu": 1400})),
            )
            .await;
        assert_eq!(err["detail"], "missing value(s) of argument(s) interface");
        let (_, err) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"interface": "ether2", "mtu": 70000})),
            )
            .await;
        assert_eq!(err["detail"], "value of mtu out of range (0..65535)");
        let (_, err) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"interface": "ether2", "cak": "xyz"})),
            )
            .await;
        assert_eq!(err["detail"], "invalid value for argument cak");
        assert_eq!(
            sim.records("/interface/macsec").len(),
            1,
            "failed adds create nothing"
        );

        // Read by id and by name; patch normalises values; filters.
        let (_, by_name) = api
            .call(Method::GET, "/rest/interface/macsec/macsec1", None)
            .await;
        assert_eq!(by_name, created);
        let (status, patched) = api
            .call(
                Method::PATCH,
                &format!("/rest/interface/macsec/{id}"),
                Some(json!({"mtu": "1400", "disabled": "yes"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(patched["mtu"], "1400");
        assert_eq!(patched["disabled"], "true");
        assert_eq!(patched["status"], "disabled");
        assert_eq!(patched["comment"], "to core");
        let (_, listed) = api
            .call(
                Method::GET,
                "/rest/interface/macsec?disabled=true&.proplist=name,mtu",
                None,
            )
            .await;
        assert_eq!(listed, json!([{"mtu": "1400", "name": "macsec1"}]));
        let (_, listed) = api
            .call(
                Method::GET,
                "/rest/interface?type=macsec&.proplist=name,type",
                None,
            )
            .await;
        assert_eq!(listed, json!([{"name": "macsec1", "type": "macsec"}]));
        let (status, err) = api
            .call(
                Method::PATCH,
                &format!("/rest/interface/macsec/{id}"),
                Some(json!({"running": "true"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["detail"], "unknown parameter running");

        // Delete twice: empty body, then 404 without detail.
        let (status, body) = api
            .call(
                Method::DELETE,
                &format!("/rest/interface/macsec/{id}"),
                None,
            )
            .await;
        assert!(status.is_success());
        assert_eq!(body, Value::Null);
        let (status, body) = api
            .call(
                Method::DELETE,
                &format!("/rest/interface/macsec/{id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body, json!({"error": 404, "message": "Not Found"}));
        let (status, body) = api
            .call(Method::GET, &format!("/rest/interface/macsec/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body, json!({"error": 404, "message": "Not Found"}));
        let (_, listed) = api.call(Method::GET, "/rest/interface/macsec", None).await;
        assert_eq!(listed, json!([]));

        // A new interface gets a new id.
        let (_, again) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({"interface": "ether1"})),
            )
            .await;
        assert_ne!(again[".id"], id.as_str());
    }

    #[tokio::test]
    async fn error_shapes_for_paths_and_verbs() {
        let sim = start("7.18");
        let api = Api::http(&sim);
        let (status, body) = api.call(Method::GET, "/rest/nonexistent", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"detail": "no such command or directory (nonexistent)", "error": 400, "message": "Bad Request"})
        );
        let (status, body) = api
            .call(Method::GET, "/rest/interface/macsec/print", None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["detail"], "no such command");
        let (status, body) = api
            .call(Method::DELETE, "/rest/interface/ethernet/ether1", None)
            .await;
        assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
        assert_eq!(
            body,
            json!({"detail": "no such command or directory (remove)", "error": 406, "message": "Not Acceptable"})
        );
        let (status, _) = api.call(Method::HEAD, "/rest/interface", None).await;
        assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
        let (status, body) = api
            .call(
                Method::PATCH,
                "/rest/interface/ethernet/ether2",
                Some(json!({"l2mtu": 1630, "disabled": true})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["l2mtu"], "1630");
        assert_eq!(body["disabled"], "true");
        assert_eq!(body["running"], "false");
        let (status, body) = api
            .call(
                Method::PATCH,
                "/rest/interface/ethernet/ether2",
                Some(json!({"speed-duplex": "x"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["detail"], "unknown parameter speed-duplex");
        let (status, body) = api
            .call(Method::GET, "/rest/interface/ethernet", None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(all_strings(&body));
        assert_eq!(body.as_array().unwrap().len(), 8);
        assert_eq!(body[7]["name"], "ether8");
        assert_eq!(body[0]["default-name"], "ether1");
    }

    #[tokio::test]
    async fn post_print_with_proplist_and_query() {
        let sim = start("7.18");
        let api = Api::http(&sim);
        api.call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether3", "name": "m3"})),
        )
        .await;
        let (status, body) = api
            .call(
                Method::POST,
                "/rest/interface/print",
                Some(json!({".proplist": "name,type", ".query": ["type=macsec", "name=ether1", "#|"]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            json!([{"name": "ether1", "type": "ether"}, {"name": "m3", "type": "macsec"}])
        );
        let (_, body) = api
            .call(
                Method::POST,
                "/rest/interface/macsec/profile/print",
                Some(json!({".proplist": [".id", "name", "default"]})),
            )
            .await;
        assert_eq!(
            body,
            json!([{".id": "*1", "default": "true", "name": "default"}])
        );
        let (_, body) = api
            .call(
                Method::POST,
                "/rest/system/identity/set",
                Some(json!({"name": "edge1"})),
            )
            .await;
        assert_eq!(body, json!([]));
        assert_eq!(sim.records("/system/identity")[0]["name"], "edge1");
    }

    #[tokio::test]
    async fn profile_ciphers_only_from_7_23() {
        let sim = start("7.18");
        let api = Api::http(&sim);
        let (status, body) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec/profile",
                Some(json!({"name": "p", "ciphers": "aes-gcm-128"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["detail"], "unknown parameter ciphers");
        let (_, body) = api
            .call(Method::GET, "/rest/interface/macsec/profile/default", None)
            .await;
        assert_eq!(
            body,
            json!({".id": "*1", "default": "true", "default-name": "default", "name": "default", "server-priority": "10"})
        );

        sim.set_version("7.23");
        let (_, body) = api
            .call(Method::GET, "/rest/system/resource?.proplist=version", None)
            .await;
        assert_eq!(body, json!({"version": "7.23 (stable)"}));
        let (status, body) = api
            .call(
                Method::PUT,
                "/rest/interface/macsec/profile",
                Some(json!({"name": "p", "ciphers": "aes-gcm-xpn-128", "server-priority": 5})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["ciphers"], "aes-gcm-xpn-128");
        assert_eq!(body["server-priority"], "5");
        assert_eq!(body["default"], "false");
        let (_, body) = api
            .call(Method::GET, "/rest/interface/macsec/profile/default", None)
            .await;
        assert_eq!(body["ciphers"], "aes-gcm-128");
        let (_, body) = api
            .call(
                Method::PATCH,
                "/rest/interface/macsec/profile/p",
                Some(json!({"ciphers": "gcm-aes-256"})),
            )
            .await;
        assert_eq!(body["detail"], "input does not match any value of ciphers");
    }

    #[tokio::test]
    async fn routeros_6_has_no_macsec() {
        let sim = start("6.49");
        let api = Api::http(&sim);
        let (_, body) = api.call(Method::GET, "/rest/system/resource", None).await;
        assert_eq!(body["version"], "6.49 (stable)");
        let (status, body) = api.call(Method::GET, "/rest/interface/macsec", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["detail"], "no such command or directory (macsec)");
        assert!(sim.records("/interface/macsec").is_empty());
    }

    #[tokio::test]
    async fn https_with_the_ca_as_the_only_root() {
        let dir = tempfile::tempdir().unwrap();
        let sim = Sim::spawn(SimConfig {
            cert_dir: Some(dir.path().to_path_buf()),
            ..SimConfig::default()
        })
        .unwrap();
        let path = sim.ca_certificate_path().unwrap();
        assert_eq!(path, dir.path().join("ca.pem"));
        let pem = std::fs::read_to_string(&path).unwrap();
        assert_eq!(Some(pem.clone()), sim.ca_certificate_pem());
        let https = sim.https_url().unwrap();
        assert!(https.starts_with("https://127.0.0.1:"));

        let trusting = Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
            .build()
            .unwrap();
        for host in ["127.0.0.1", "localhost"] {
            let url = https.replace("127.0.0.1", host);
            let resp = trusting
                .get(format!("{url}/rest/system/identity"))
                .basic_auth(sim.username(), Some(sim.password()))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(
                resp.json::<Value>().await.unwrap(),
                json!({"name": "MikroTik"})
            );
        }

        // Another emulator's CA does not vouch for this one: verification is real.
        let other = Sim::spawn(SimConfig::default()).unwrap();
        let wrong_root = Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(
                other.ca_certificate_pem().unwrap().as_bytes(),
            )
            .unwrap()])
            .build()
            .unwrap();
        let err = wrong_root
            .get(format!("{https}/rest/system/identity"))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_connect(), "{err:?}");
    }

    #[tokio::test]
    async fn temporary_cert_dir_goes_away_and_no_https_means_none() {
        let sim = Sim::spawn(SimConfig::default()).unwrap();
        let path = sim.ca_certificate_path().unwrap();
        assert!(path.exists());
        drop(sim);
        assert!(!path.exists());
        let plain = Sim::spawn(SimConfig {
            https: false,
            ..SimConfig::default()
        })
        .unwrap();
        assert!(plain.https_url().is_none());
        assert!(plain.ca_certificate_path().is_none());
        assert!(plain.ca_certificate_pem().is_none());
    }

    #[tokio::test]
    async fn sims_are_independent_and_log_requests() {
        let a = Sim::spawn(SimConfig {
            ethernet_ports: 2,
            password: "secret-a".into(),
            ..SimConfig::default()
        })
        .unwrap();
        let b = start("7.18");
        assert_ne!(a.http_url(), b.http_url());
        assert_eq!(a.password(), "secret-a");
        assert_eq!(b.password().len(), 16);
        assert_eq!(a.records("/interface/ethernet").len(), 2);
        assert_eq!(b.records("interface/ethernet").len(), 8);

        let api = Api::http(&a);
        api.call(
            Method::PUT,
            "/rest/interface/macsec",
            Some(json!({"interface": "ether1"})),
        )
        .await;
        api.call(Method::GET, "/rest/interface/macsec?name=macsec1", None)
            .await;
        assert_eq!(a.records("/interface/macsec").len(), 1);
        assert!(b.records("/interface/macsec").is_empty());
        assert_eq!(a.request_count(), 2);
        assert_eq!(b.request_count(), 0);
        let log = a.request_log();
        assert_eq!(
            log[0],
            r#"PUT /rest/interface/macsec {"interface":"ether1"}"#
        );
        assert_eq!(log[1], "GET /rest/interface/macsec?name=macsec1");
        assert!(a.records("/nonexistent").is_empty());
    }

    #[tokio::test]
    async fn stats_count_requests_and_rows_served_and_are_not_counted() {
        let sim = start("7.18");
        let api = Api::http(&sim);
        for port in ["ether1", "ether2", "ether3"] {
            api.call(
                Method::PUT,
                "/rest/interface/macsec",
                Some(json!({ "interface": port })),
            )
            .await;
        }
        api.call(Method::GET, "/rest/interface/macsec", None).await;
        api.call(Method::GET, "/rest/interface/macsec/macsec1", None)
            .await;
        api.call(Method::DELETE, "/rest/interface/macsec/macsec2", None)
            .await;
        // 3 added rows + a listing of 3 + 1 record + nothing for the delete.
        assert_eq!((sim.request_count(), sim.rows_served()), (6, 7));
        let stats: Value = Client::new()
            .get(format!("{}{STATS_PATH}", sim.http_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(stats, json!({"requests": 6, "rows": 7}));
        assert_eq!(sim.request_count(), 6);
    }

    #[test]
    fn cost_is_latency_plus_rows_one_at_a_time() {
        let cost = Cost {
            latency: std::time::Duration::from_millis(5),
            per_row: std::time::Duration::from_micros(500),
        };
        assert_eq!(cost.of(0), std::time::Duration::from_millis(5));
        assert_eq!(cost.of(1000), std::time::Duration::from_millis(505));
        assert!(Cost::default().of(1000).is_zero());
    }

    #[tokio::test]
    async fn serialized_sim_answers_concurrent_clients() {
        let sim = start("7.18");
        let client = Client::new();
        let mut handles = Vec::new();
        for i in 0..8 {
            let req = client
                .put(format!("{}/rest/interface/macsec", sim.http_url()))
                .basic_auth(sim.username(), Some(sim.password()))
                .json(&json!({"interface": format!("ether{}", i + 1)}));
            handles.push(tokio::spawn(
                async move { req.send().await.unwrap().status() },
            ));
        }
        for h in handles {
            assert_eq!(h.await.unwrap(), StatusCode::OK);
        }
        let names: Vec<String> = sim
            .records("/interface/macsec")
            .into_iter()
            .map(|r| r["name"].clone())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 8, "{names:?}");
    }

    #[test]
    fn debug_output_hides_the_password() {
        let cfg = SimConfig {
            password: "hunter2-secret".into(),
            ..SimConfig::default()
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("7.18"));
    }

    #[test]
    fn rejects_bad_configuration() {
        let err = Sim::spawn(SimConfig {
            version: "seven".into(),
            ..SimConfig::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("invalid RouterOS version"));
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let err =
            Sim::spawn_on(SimConfig::default(), taken.local_addr().unwrap(), None).unwrap_err();
        assert!(err.to_string().contains("could not listen"), "{err}");
    }
}
