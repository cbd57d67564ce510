//! A fault-injecting TCP proxy between the provider and an emulator, for
//! REST (`http://`) and the classic API (`api://`): it forwards bytes both
//! ways and, where a seeded dice says so, drops the connection before the
//! request reaches the router, loses the reply after the router acted,
//! holds the reply back past the client's timeout, answers `500` instead of
//! the router's reply (REST), or hangs (takes the request, never answers).
//!
//! It works on chunks as they arrive (one request or one reply each, for the
//! small messages the provider exchanges), so it needs no protocol parser and
//! serves both transports. The same seed gives the same dice throws; the
//! order of connections depends on Terraform, so the seed fixes the mix of
//! faults, not the exact request each one hits.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to a request or reply the dice picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Close the connection before the request reaches the router.
    Drop,
    /// Let the router act, then close the connection instead of replying.
    LoseReply,
    /// Hold the router's reply back for the given time (past the
    /// provider's timeout), then forward it.
    Delay(Duration),
    /// Let the router act, then answer `HTTP/1.1 500` and close (REST; over
    /// the API the reply is lost instead, the API has no status line).
    ServerError,
    /// Take the request and never answer (until the faults stop).
    Hang,
}

impl FaultKind {
    /// Every kind, the delay set to `delay`.
    pub fn all(delay: Duration) -> [FaultKind; 5] {
        [
            FaultKind::Drop,
            FaultKind::LoseReply,
            FaultKind::Delay(delay),
            FaultKind::ServerError,
            FaultKind::Hang,
        ]
    }

    /// A short name for reports (`drop`, `lose-reply`, `delay`, `5xx`, `hang`).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Drop => "drop",
            FaultKind::LoseReply => "lose-reply",
            FaultKind::Delay(_) => "delay",
            FaultKind::ServerError => "5xx",
            FaultKind::Hang => "hang",
        }
    }

    /// True when the fault hits the request on its way in (the router never
    /// sees it); false when it hits the reply (the router acted).
    fn on_request(self) -> bool {
        matches!(self, FaultKind::Drop | FaultKind::Hang)
    }
}

/// How often and how many times the proxy injects `kind`.
#[derive(Debug, Clone, Copy)]
pub struct FaultPlan {
    /// The fault.
    pub kind: FaultKind,
    /// Seed of the dice.
    pub seed: u64,
    /// Chance per request (or reply) in thousandths.
    pub per_mille: u32,
    /// Faults at most; after that the proxy only forwards.
    pub max_faults: usize,
}

#[derive(Debug)]
struct Shared {
    plan: FaultPlan,
    rng: Mutex<StdRng>,
    enabled: AtomicBool,
    fired: AtomicUsize,
    hung: tokio::sync::Notify,
}

impl Shared {
    /// Throws the dice for one chunk; true when a fault fires on it.
    fn throw(&self) -> bool {
        if !self.enabled.load(Ordering::SeqCst) {
            return false;
        }
        let hit = {
            let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
            rng.random_range(0..1000) < self.plan.per_mille
        };
        hit && self
            .fired
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.plan.max_faults).then_some(n + 1)
            })
            .is_ok()
    }
}

/// A running proxy; stops (closing every connection) when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on a free local port in front of `upstream` (the
    /// emulator's `host:port`), faults on from the start.
    pub fn start(upstream: SocketAddr, plan: FaultPlan) -> std::io::Result<FaultProxy> {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let shared = Arc::new(Shared {
            plan,
            rng: Mutex::new(StdRng::seed_from_u64(plan.seed)),
            enabled: AtomicBool::new(true),
            fired: AtomicUsize::new(0),
            hung: tokio::sync::Notify::new(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("fault-proxy-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the fault proxy");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(std_listener).expect("proxy listener");
                    tokio::select! {
                        _ = rx => {}
                        _ = accept_loop(listener, upstream, for_thread) => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_millis(100));
            })?;
        Ok(FaultProxy {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The proxy's `host:port`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `scheme://host:port` of the proxy for a provider block (`http` or `api`).
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    /// Stops injecting: from now on every byte is forwarded, and hung
    /// requests are released (their connections closed).
    pub fn stop_faults(&self) {
        self.shared.enabled.store(false, Ordering::SeqCst);
        self.shared.hung.notify_waiters();
    }

    /// How many faults fired so far.
    pub fn faults_fired(&self) -> usize {
        self.shared.fired.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop_faults();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, shared: Arc<Shared>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            if let Ok(router) = TcpStream::connect(upstream).await {
                serve(client, router, shared).await;
            }
        });
    }
}

/// Forwards one connection both ways, injecting faults; returns when either
/// side closes or a fault ends the connection.
async fn serve(client: TcpStream, router: TcpStream, shared: Arc<Shared>) {
    let _ = client.set_nodelay(true);
    let _ = router.set_nodelay(true);
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut router_rd, mut router_wr) = router.into_split();
    let kind = shared.plan.kind;
    let up_shared = Arc::clone(&shared);
    let up = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match client_rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if kind.on_request() && up_shared.throw() {
                if kind == FaultKind::Hang {
                    up_shared.hung.notified().await;
                }
                return;
            }
            if router_wr.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match router_rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if !kind.on_request() && shared.throw() {
                match kind {
                    FaultKind::Delay(delay) => tokio::time::sleep(delay).await,
                    FaultKind::ServerError if buf[..n].starts_with(b"HTTP/") => {
                        let body = "{\"error\":500,\"message\":\"Internal Server Error\"}";
                        let reply = format!(
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = client_wr.write_all(reply.as_bytes()).await;
                        return;
                    }
                    _ => return,
                }
            }
            if client_wr.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}
