//! Serving the provider: the go-plugin handshake, a listener (TLS when
//! Terraform asks for AutoMTLS), the gRPC services, signals and a clean
//! exit that removes the socket.
//!
//! As go-plugin does, a Unix build listens on a unix socket and a Windows
//! build on TCP `127.0.0.1` (ports bounded by `PLUGIN_MIN_PORT` /
//! `PLUGIN_MAX_PORT` when set); the handshake line names the network. The
//! tests make a Unix build serve over TCP with
//! [`handshake::TRANSPORT_KEY`]`=tcp`, so both paths are exercised on Linux.
//!
//! [`run`] serves for a provider binary's `main`, given who the provider is
//! ([`ProviderInfo`]) and how it was started ([`Mode`]); the command line
//! is the binary's own. [`serve`] is the async part for callers that bring
//! their own runtime.

use std::io::{self, Write};
#[cfg(unix)]
use std::path::Path;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
#[cfg(unix)]
use tokio::net::UnixListener;
use tokio::sync::{mpsc, watch};
use tokio_rustls::TlsAcceptor;
use tonic::transport::server::Connected;

use super::engine::Engine;
use super::handshake::{self, ListenAddr};
use super::proto::plugin::grpc_controller_server::GrpcControllerServer;
use super::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use super::proto::tfplugin5::provider_server::ProviderServer;
use super::resource::Provider;
use super::server::{Controller, ProviderService, Stdio, wait_for_shutdown};
use super::tls;

/// Largest gRPC message sent or received (Terraform uses the same limit).
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;

/// Most async worker threads a provider process starts.
const MAX_WORKER_THREADS: usize = 4;

/// How long a TLS handshake may take before the connection is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long in-flight calls may take to finish after a shutdown request;
/// go-plugin kills the process 2 s after asking it to shut down.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The unix socket could not be created.
    #[error(
        "cannot listen on a unix socket in {dir}: {source}; check that the directory exists and is \
         writable, or point PLUGIN_UNIX_SOCKET_DIR (or TMPDIR) at one that is"
    )]
    Listen {
        /// The directory tried.
        dir: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// No TCP port on 127.0.0.1 could be bound.
    #[error(
        "cannot listen on TCP 127.0.0.1 ports {min}-{max}: {source}; free a port in that range or \
         widen PLUGIN_MIN_PORT / PLUGIN_MAX_PORT (unset both for any free port)"
    )]
    ListenTcp {
        /// Lowest port tried (0: any).
        min: u16,
        /// Highest port tried (0: any).
        max: u16,
        /// The cause.
        source: io::Error,
    },
    /// The handshake line could not be written to stdout.
    #[error("cannot write the handshake line to stdout: {0}")]
    Stdout(io::Error),
    /// A signal handler could not be installed.
    #[error("cannot install the signal handlers: {0}")]
    Signals(io::Error),
    /// The gRPC server failed.
    #[error("the gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The negotiated protocol version (5).
    pub protocol_version: u32,
    /// Terraform's client certificate (PEM) for AutoMTLS; `None` or empty
    /// serves plaintext.
    pub client_cert_pem: Option<String>,
    /// Directory for the socket (default: the system temp directory).
    pub socket_dir: Option<PathBuf>,
    /// Unix socket or TCP on 127.0.0.1.
    pub transport: Transport,
    /// Debug mode: serve without Terraform starting us, print the
    /// `TF_REATTACH_PROVIDERS` value for this provider address instead of
    /// the handshake line, and stop on Ctrl-C.
    pub debug_provider_address: Option<String>,
}

impl ServeConfig {
    /// The configuration Terraform asks for, from the environment (the
    /// version must already be negotiated).
    pub fn from_env(protocol_version: u32) -> Self {
        ServeConfig {
            protocol_version,
            client_cert_pem: std::env::var(handshake::CLIENT_CERT_KEY)
                .ok()
                .filter(|s| !s.trim().is_empty()),
            socket_dir: std::env::var_os(handshake::UNIX_SOCKET_DIR_KEY)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
            transport: Transport::from_env(),
            debug_provider_address: None,
        }
    }
}

/// How the provider listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A unix socket in [`ServeConfig::socket_dir`] (Unix only).
    Unix,
    /// TCP on 127.0.0.1, the port within `min..=max` (both 0: any free port).
    Tcp {
        /// Lowest port to try.
        min: u16,
        /// Highest port to try.
        max: u16,
    },
}

impl Transport {
    /// The platform's transport (unix socket on Unix, TCP on Windows); on
    /// Unix, `TF_ROUTEROS_PLUGIN_TRANSPORT=tcp` selects TCP (for tests).
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` bound the TCP port as in
    /// go-plugin; values that are not ports are ignored.
    pub fn from_env() -> Self {
        let port = |key: &str| {
            std::env::var(key)
                .ok()
                .and_then(|v| v.trim().parse::<u16>().ok())
                .unwrap_or(0)
        };
        let tcp = Transport::Tcp {
            min: port(handshake::MIN_PORT_KEY),
            max: port(handshake::MAX_PORT_KEY),
        };
        if cfg!(windows) {
            return tcp;
        }
        match std::env::var(handshake::TRANSPORT_KEY) {
            Ok(v) if v.trim().eq_ignore_ascii_case("tcp") => tcp,
            _ => Transport::Unix,
        }
    }
}

/// Who is being served. The plugin layer knows no provider of its own: the
/// binary's entry point says which one it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The provider's type name, the last part of its source address
    /// (`routeros` in `registry.terraform.io/macsec-gitops/routeros`).
    pub name: &'static str,
    /// The registry namespace of its source address (`macsec-gitops`).
    pub namespace: &'static str,
    /// The provider's version, as the binary reports it.
    pub version: &'static str,
}

impl ProviderInfo {
    /// The provider's source address on the Terraform registry, the key of
    /// its `TF_REATTACH_PROVIDERS` entry in debug mode.
    pub fn address(&self) -> String {
        format!("registry.terraform.io/{}/{}", self.namespace, self.name)
    }
}

/// How the process was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// By Terraform: check the go-plugin handshake environment, print the
    /// handshake line, serve until Terraform is done.
    Terraform,
    /// By hand, for a debugger: serve without the handshake environment,
    /// print the `TF_REATTACH_PROVIDERS` value, stop on Ctrl-C.
    Debug,
}

/// The serving half of a provider binary's `main` (the command line is
/// the caller's): checks the handshake environment (in
/// [`Mode::Terraform`]), serves until Terraform is done, and returns the
/// process exit code.
pub fn run<P: Provider>(provider: P, info: &ProviderInfo, mode: Mode) -> i32 {
    let config = match mode {
        Mode::Debug => ServeConfig {
            protocol_version: handshake::PROTOCOL_VERSION,
            client_cert_pem: None,
            socket_dir: None,
            transport: Transport::from_env(),
            debug_provider_address: Some(info.address()),
        },
        Mode::Terraform => {
            let checked =
                handshake::check_cookie(std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref())
                    .and_then(|()| {
                        handshake::negotiate_version(
                            std::env::var(handshake::PROTOCOL_VERSIONS_KEY)
                                .ok()
                                .as_deref(),
                        )
                    });
            match checked {
                Ok(version) => ServeConfig::from_env(version),
                Err(e) => {
                    eprintln!("{e}");
                    return 1;
                }
            }
        }
    };

    super::log::init();
    log::debug!(
        "serving {} {} over plugin protocol {}",
        info.address(),
        info.version,
        config.protocol_version
    );
    // One worker per core is tokio's default: on a large machine that is
    // dozens of threads started (and stacks touched) at every launch, for
    // a process whose calls are small; Terraform launches it several times
    // per plan, once per provider configuration and phase.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, MAX_WORKER_THREADS);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            log::error!("cannot start the async runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(serve_with(provider, config));
    // Do not wait for stray tasks (e.g. a stuck router call) on the way out.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(()) => 0,
        Err(e) => {
            log::error!("{e}");
            1
        }
    }
}

/// Serves `provider` as Terraform asks through the environment (handshake
/// already checked; see [`run`]).
pub async fn serve<P: Provider>(provider: P) -> Result<(), ServeError> {
    let version = handshake::negotiate_version(
        std::env::var(handshake::PROTOCOL_VERSIONS_KEY)
            .ok()
            .as_deref(),
    )
    .unwrap_or(handshake::PROTOCOL_VERSION);
    serve_with(provider, ServeConfig::from_env(version)).await
}

/// Serves `provider` with an explicit configuration, until
/// `GRPCController.Shutdown`, SIGTERM, or (debug mode only) Ctrl-C.
pub async fn serve_with<P: Provider>(provider: P, config: ServeConfig) -> Result<(), ServeError> {
    let engine = Arc::new(Engine::new(provider));

    let tls = match config
        .client_cert_pem
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        Some(pem) => {
            let identity = tls::generate_identity()?;
            let server_config = tls::server_config(&identity, pem)?;
            Some((identity.cert_der, TlsAcceptor::from(server_config)))
        }
        None => None,
    };

    let (listener, socket, _guard) = listen(&config).await?;

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let debug = config.debug_provider_address.is_some();
    watch_signals(shutdown_tx.clone(), debug)?;
    if !debug {
        super::parent_watch::spawn(shutdown_tx.clone());
    }

    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let incoming = accept_loop(
        listener,
        tls.as_ref().map(|(_, a)| a.clone()),
        shutdown_rx.clone(),
    );

    match &config.debug_provider_address {
        Some(address) => print_debug_banner(address, &socket).map_err(ServeError::Stdout)?,
        None => {
            let line = handshake::handshake_line(
                config.protocol_version,
                &socket,
                tls.as_ref().map(|(der, _)| der.as_ref()),
            );
            let mut out = io::stdout().lock();
            writeln!(out, "{line}")
                .and_then(|()| out.flush())
                .map_err(ServeError::Stdout)?;
        }
    }
    log::info!(
        "serving plugin protocol {} on {} ({})",
        config.protocol_version,
        socket,
        if tls.is_some() { "mTLS" } else { "plaintext" }
    );

    let provider_service = ProviderServer::new(ProviderService::new(engine))
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let mut stop = shutdown_rx.clone();
    let server = tonic::transport::Server::builder()
        .add_service(provider_service)
        .add_service(GrpcControllerServer::new(Controller::new(
            shutdown_tx.clone(),
        )))
        .add_service(GrpcStdioServer::new(Stdio::new(shutdown_rx.clone())))
        .add_service(health_service)
        .serve_with_incoming_shutdown(incoming, async move { wait_for_shutdown(&mut stop).await });

    let mut stop = shutdown_rx.clone();
    tokio::select! {
        result = server => result?,
        () = async move {
            wait_for_shutdown(&mut stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => log::warn!("in-flight calls did not finish within {SHUTDOWN_GRACE:?} of the shutdown request; exiting anyway"),
    }
    log::debug!("server stopped");
    Ok(())
}

/// A bound listener of either kind.
enum Listener {
    #[cfg(unix)]
    Unix(UnixListener),
    Tcp(TcpListener),
}

impl Listener {
    async fn accept(&self) -> io::Result<Box<dyn Io>> {
        match self {
            #[cfg(unix)]
            Listener::Unix(l) => Ok(Box::new(l.accept().await?.0)),
            Listener::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                // gRPC frames are small and latency-bound.
                let _ = stream.set_nodelay(true);
                Ok(Box::new(stream))
            }
        }
    }
}

/// Binds what `config.transport` asks for; the guard removes a unix socket
/// file when serving ends.
async fn listen(
    config: &ServeConfig,
) -> Result<(Listener, ListenAddr, Option<SocketGuard>), ServeError> {
    match config.transport {
        #[cfg(unix)]
        Transport::Unix => {
            let dir = config.socket_dir.clone().unwrap_or_else(std::env::temp_dir);
            let (listener, socket) = bind_socket(&dir).map_err(|source| ServeError::Listen {
                dir: dir.clone(),
                source,
            })?;
            let guard = SocketGuard(socket.clone());
            Ok((
                Listener::Unix(listener),
                ListenAddr::Unix(socket),
                Some(guard),
            ))
        }
        #[cfg(not(unix))]
        Transport::Unix => Err(ServeError::Listen {
            dir: config.socket_dir.clone().unwrap_or_else(std::env::temp_dir),
            source: io::Error::new(
                io::ErrorKind::Unsupported,
                "unix sockets are not used on this platform (TCP is)",
            ),
        }),
        Transport::Tcp { min, max } => {
            let listener = bind_tcp(min, max)
                .await
                .map_err(|source| ServeError::ListenTcp { min, max, source })?;
            let addr = listener
                .local_addr()
                .map_err(|source| ServeError::ListenTcp { min, max, source })?;
            Ok((Listener::Tcp(listener), ListenAddr::Tcp(addr), None))
        }
    }
}

/// Listens on 127.0.0.1, on the first free port in `min..=max` (go-plugin's
/// rule; `0..=0` lets the system choose).
async fn bind_tcp(min: u16, max: u16) -> io::Result<TcpListener> {
    if min > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("PLUGIN_MIN_PORT ({min}) is above PLUGIN_MAX_PORT ({max})"),
        ));
    }
    let mut last_err = None;
    for port in min..=max {
        match TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await {
            Ok(l) => return Ok(l),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no port in the range")))
}

/// Creates `dir/plugin<random>` and listens on it.
#[cfg(unix)]
fn bind_socket(dir: &Path) -> io::Result<(UnixListener, PathBuf)> {
    let mut last_err = None;
    for _ in 0..10 {
        let path = dir.join(format!("plugin{:016x}", rand::random::<u64>()));
        match UnixListener::bind(&path) {
            Ok(l) => return Ok((l, path)),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free socket name")))
}

/// Removes the socket file when serving ends, however it ends.
struct SocketGuard(PathBuf);

impl Drop for SocketGuard {
    fn drop(&mut self) {
        match std::fs::remove_file(&self.0) {
            Ok(()) => log::debug!("removed socket {}", self.0.display()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => log::warn!("cannot remove socket {}: {e}", self.0.display()),
        }
    }
}

/// SIGINT reaches the whole process group when the user presses Ctrl-C;
/// Terraform then drives the shutdown (Stop, GRPCController.Shutdown), so
/// the provider ignores it, as go-plugin servers do. In debug mode nobody
/// else will stop us, so Ctrl-C shuts down. SIGTERM always shuts down.
#[cfg(unix)]
fn watch_signals(shutdown: watch::Sender<bool>, debug: bool) -> Result<(), ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    // Installing the handler replaces the default action (terminate) for
    // the life of the process, so SIGINT is swallowed from here on.
    let mut interrupt = signal(SignalKind::interrupt()).map_err(ServeError::Signals)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(ServeError::Signals)?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = interrupt.recv() => {
                    if debug {
                        log::info!("interrupted, shutting down");
                        shutdown.send_replace(true);
                    } else {
                        log::debug!("ignoring SIGINT: Terraform ends the provider when it is done");
                    }
                }
                Some(()) = terminate.recv() => {
                    log::info!("SIGTERM received, shutting down");
                    shutdown.send_replace(true);
                }
                else => break,
            }
        }
    });
    Ok(())
}

/// On Windows, Ctrl-C and Ctrl-Break reach every process on the console;
/// as on Unix, Terraform drives the shutdown, so they are ignored except in
/// debug mode. Closing the console or a system shutdown ends the process.
#[cfg(windows)]
fn watch_signals(shutdown: watch::Sender<bool>, debug: bool) -> Result<(), ServeError> {
    use tokio::signal::windows::{ctrl_break, ctrl_c};
    let mut interrupt = ctrl_c().map_err(ServeError::Signals)?;
    let mut brk = ctrl_break().map_err(ServeError::Signals)?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = interrupt.recv() => {}
                Some(()) = brk.recv() => {}
                else => break,
            }
            if debug {
                log::info!("interrupted, shutting down");
                shutdown.send_replace(true);
            } else {
                log::debug!("ignoring Ctrl-C: Terraform ends the provider when it is done");
            }
        }
    });
    Ok(())
}

fn print_debug_banner(address: &str, socket: &ListenAddr) -> io::Result<()> {
    let reattach = handshake::reattach_config(address, std::process::id(), socket);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "Provider started in debug mode. To use it, set TF_REATTACH_PROVIDERS in the shell where you run \
         Terraform:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\n(For OpenTofu, replace registry.terraform.io \
         with registry.opentofu.org.) Press Ctrl-C to stop the provider."
    )?;
    out.flush()
}

/// Accepts connections until shutdown, doing each TLS handshake in its own
/// task so that a slow or failing client affects nobody else.
fn accept_loop(
    listener: Listener,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio_stream::wrappers::ReceiverStream<Result<PluginConn, io::Error>> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                () = wait_for_shutdown(&mut shutdown) => break,
                accepted = listener.accept() => match accepted {
                    Ok(stream) => stream,
                    Err(e) => {
                        log::warn!("cannot accept a connection: {e}");
                        // Back off briefly (e.g. out of file descriptors).
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let tx = tx.clone();
            match tls.clone() {
                None => {
                    let _ = tx.send(Ok(PluginConn::Plain(stream))).await;
                }
                Some(acceptor) => {
                    tokio::spawn(async move {
                        match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream))
                            .await
                        {
                            Ok(Ok(tls)) => {
                                let _ = tx.send(Ok(PluginConn::Tls(Box::new(tls)))).await;
                            }
                            Ok(Err(e)) => {
                                log::warn!("rejected a connection: TLS handshake failed: {e}")
                            }
                            Err(_) => log::warn!("rejected a connection: TLS handshake timed out"),
                        }
                    });
                }
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

/// A byte stream from either listener.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// One accepted connection, plaintext or TLS.
pub enum PluginConn {
    /// Plaintext (no AutoMTLS, or debug mode).
    Plain(Box<dyn Io>),
    /// After a successful mutual TLS handshake.
    Tls(Box<tokio_rustls::server::TlsStream<Box<dyn Io>>>),
}

impl Connected for PluginConn {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for PluginConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PluginConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_flush(cx),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            PluginConn::Plain(s) => s.is_write_vectored(),
            PluginConn::Tls(s) => s.is_write_vectored(),
        }
    }
}

redact::debug!(PluginConn);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_listens_on_loopback_within_the_port_range() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let any = bind_tcp(0, 0).await.unwrap();
            let addr = any.local_addr().unwrap();
            assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
            // The occupied port is skipped for the next one in the range.
            let port = addr.port();
            if port < u16::MAX {
                match bind_tcp(port, port + 1).await {
                    Ok(next) => assert_eq!(next.local_addr().unwrap().port(), port + 1),
                    // The neighbour may be taken by someone else.
                    Err(e) => assert_eq!(e.kind(), io::ErrorKind::AddrInUse),
                }
            }
            let err = bind_tcp(9, 8).await.unwrap_err();
            assert!(err.to_string().contains("PLUGIN_MIN_PORT"), "{err}");
        });
    }

    #[cfg(unix)]
    #[test]
    fn socket_is_created_in_the_directory_and_removed_by_the_guard() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let path = rt.block_on(async {
            let (_listener, path) = bind_socket(dir.path()).unwrap();
            assert_eq!(path.parent(), Some(dir.path()));
            assert!(
                path.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("plugin")
            );
            assert!(path.exists());
            drop(SocketGuard(path.clone()));
            path
        });
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn missing_socket_dir_is_a_clear_error() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = PathBuf::from("/nonexistent/for/sure");
        let err = rt.block_on(async { bind_socket(&dir) }).unwrap_err();
        let msg = ServeError::Listen { dir, source: err }.to_string();
        assert!(
            msg.contains("/nonexistent/for/sure") && msg.contains("PLUGIN_UNIX_SOCKET_DIR"),
            "{msg}"
        );
    }
}
