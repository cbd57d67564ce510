//! HTTP and HTTPS serving: Basic authentication, the request log, optional one-at-a-time
//! handling (RouterOS's www service serves REST requests serially) and the REST mapping.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::error::RosError;
use crate::reply::Reply;
use crate::rest;
use crate::rest_faults::{RestFault, RestFaults};
use crate::state::Router;
use crate::sync::lock;
use crate::users::Access;

/// `GET` here answers the emulator's counters, `{"requests": N, "rows": M}`
/// (requests received and rows served since start); it is not counted.
pub const STATS_PATH: &str = "/sim/stats";

/// `POST` here with `{"advance": "1d"}` (a RouterOS time interval) and the router's
/// user moves the router's clock on and runs the scheduler events that fall due
/// ([`crate::Sim::advance_clock`]); it answers `{"clock": ..., "runs": N}`. A test hook
/// for an emulator in another process; it is not counted.
pub const CLOCK_PATH: &str = "/sim/clock";

/// Largest request body the emulator reads.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// State shared by every connection of one emulator.
pub(crate) struct Shared {
    /// The router's configuration.
    pub(crate) router: Mutex<Router>,
    /// Held while a request is handled when `serialize` is on.
    serial: tokio::sync::Mutex<()>,
    serialize: bool,
    username: String,
    password: String,
    /// `METHOD /rest/path[?query][ body]`, one per request received.
    log: Mutex<Vec<String>>,
    /// Rows sent in replies (a listing counts its rows, a single record one).
    rows: std::sync::atomic::AtomicUsize,
    /// What each request and each row served costs in time.
    cost: Cost,
    /// Faults staged for REST requests.
    pub(crate) rest_faults: RestFaults,
    /// How long a REST command that runs until cut off (`monitor` without `once`) is
    /// kept open before `Session closed`: RouterOS's 60 s, shorter in tests.
    pub(crate) rest_timeout: std::time::Duration,
    /// Bumped when the router reboots (`/system/backup/load`): every connection, REST
    /// and API, closes (a REST request in flight gets its reply first).
    pub(crate) reboots: watch::Sender<u64>,
}

/// What a request costs in time, as on a real router: `latency` for every
/// request and `per_row` for every row a reply carries. Rows are served one
/// at a time (while requests are serialised, the next request waits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Added to every request.
    pub latency: std::time::Duration,
    /// Added for every row served.
    pub per_row: std::time::Duration,
}

impl Cost {
    /// How long a reply of `rows` rows takes.
    pub fn of(&self, rows: usize) -> std::time::Duration {
        self.latency + self.per_row * u32::try_from(rows).unwrap_or(u32::MAX)
    }
}

impl Shared {
    /// State for a new emulator.
    pub(crate) fn new(
        router: Router,
        serialize: bool,
        username: &str,
        password: &str,
        cost: Cost,
    ) -> Shared {
        Shared {
            router: Mutex::new(router),
            serial: tokio::sync::Mutex::new(()),
            serialize,
            username: username.to_string(),
            password: password.to_string(),
            log: Mutex::new(Vec::new()),
            rows: std::sync::atomic::AtomicUsize::new(0),
            cost,
            rest_faults: Default::default(),
            rest_timeout: rest::SESSION_LIMIT,
            reboots: watch::channel(0).0,
        }
    }

    /// Waits what serving `rows` rows costs (nothing at zero cost).
    pub(crate) async fn pay(&self, rows: usize) {
        let wait = self.cost.of(rows);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// The turn of one request when requests are serialised.
    pub(crate) async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        if self.serialize {
            Some(self.serial.lock().await)
        } else {
            None
        }
    }

    /// `{"requests": N, "rows": M}`: what `GET /sim/stats` answers.
    pub(crate) fn stats(&self) -> serde_json::Value {
        serde_json::json!({
            "requests": self.request_count(),
            "rows": self.rows_served(),
        })
    }

    /// Counts `n` rows served.
    pub(crate) fn served(&self, n: usize) {
        self.rows.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many rows were served.
    pub(crate) fn rows_served(&self) -> usize {
        self.rows.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The request log.
    pub(crate) fn log(&self) -> Vec<String> {
        lock(&self.log).clone()
    }

    /// How many requests arrived.
    pub(crate) fn request_count(&self) -> usize {
        lock(&self.log).len()
    }

    /// Appends a line to the request log (the API front end logs its commands here).
    pub(crate) fn record(&self, line: String) {
        lock(&self.log).push(line);
    }

    /// Like [`Shared::login`], for logins that prove the password without sending it (the
    /// API's pre-6.43 challenge): `check` gets each candidate password of `user`.
    pub(crate) fn login_with(&self, user: &str, check: impl Fn(&str) -> bool) -> Option<Access> {
        if user == self.username && check(&self.password) {
            return Some(Access::FULL);
        }
        lock(&self.router).login_with(user, check)
    }

    /// The access of the user named in a Basic `Authorization` header, or `None` when
    /// the header is missing or the name and password match no user.
    fn authenticate(&self, header: Option<&HeaderValue>) -> Option<Access> {
        let value = header.and_then(|h| h.to_str().ok())?;
        let (scheme, encoded) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (user, pass) = text.split_once(':')?;
        self.login(user, pass)
    }

    /// The access of `user` logging in with `pass` (the configured user, then the users
    /// added with `SimConfig::users` / `Sim::add_user`), or `None`.
    pub(crate) fn login(&self, user: &str, pass: &str) -> Option<Access> {
        if user == self.username && pass == self.password {
            return Some(Access::FULL);
        }
        lock(&self.router).login(user, pass)
    }
}

/// `POST /sim/clock {"advance": "1d"}`.
fn advance_clock(shared: &Shared, body: &[u8]) -> Reply {
    let by = crate::value::parse_object(body).and_then(|object| {
        let text = object
            .get("advance")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                RosError::bad_request("give {\"advance\": INTERVAL}, such as {\"advance\": \"1d\"}")
            })?;
        crate::menus::parse_interval(text)
    });
    match by {
        Err(e) => Reply::error(&e),
        Ok(secs) => {
            let mut router = lock(&shared.router);
            let runs = router.advance_clock(std::time::Duration::from_secs(secs));
            let clock = crate::file_store::ros_time(router.clock, router.version());
            Reply {
                status: 200,
                body: Some(serde_json::json!({"clock": clock, "runs": runs})),
            }
        }
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>, tls: bool) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    if path == STATS_PATH && method == "GET" {
        // The emulator's own counters: not a router request, not counted.
        return to_response(&Reply {
            status: 200,
            body: Some(shared.stats()),
        });
    }
    let query = parts.uri.query().map(str::to_string);
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            log::debug!("{method} {path}: reading the body failed: {e}");
            return to_response(&Reply::error(&RosError::bad_request(format!(
                "could not read the request body (limit {MAX_BODY} bytes): {e}"
            ))));
        }
    };
    if path == CLOCK_PATH && method == "POST" {
        let reply = match shared.authenticate(parts.headers.get(hyper::header::AUTHORIZATION)) {
            Some(_) => advance_clock(&shared, &body),
            None => Reply::error(&RosError::unauthorized()),
        };
        return to_response(&reply);
    }
    let mut line = format!(
        "{method} {}",
        parts
            .uri
            .path_and_query()
            .map_or(path.as_str(), |pq| pq.as_str())
    );
    if !body.is_empty() {
        line.push(' ');
        line.push_str(&String::from_utf8_lossy(&body));
    }
    lock(&shared.log).push(line);

    let reply = if !matches!(method.as_str(), "GET" | "PUT" | "PATCH" | "DELETE" | "POST") {
        Reply::error(&RosError::not_implemented())
    } else if !(path == "/rest" || path.starts_with("/rest/"))
        || !rest::served(lock(&shared.router).version(), tls)
    {
        Reply::error(&RosError::not_found())
    } else if let Some(access) =
        shared.authenticate(parts.headers.get(hyper::header::AUTHORIZATION))
    {
        let _turn = shared.turn().await;
        let (reply, rebooted) = {
            let mut router = lock(&shared.router);
            let boots = router.boots;
            let reply =
                rest::handle_as(&mut router, access, &method, &path, query.as_deref(), &body);
            (reply, router.boots != boots)
        };
        if rest::is_session_closed(&reply) {
            // RouterOS answers when its 60 s limit cuts the command off, not at once.
            tokio::time::sleep(shared.rest_timeout).await;
        }
        if rebooted {
            shared.reboots.send_modify(|n| *n += 1);
        }
        let rows = rows_in(&reply);
        shared.served(rows);
        shared.pay(rows).await;
        reply
    } else {
        Reply::error(&RosError::unauthorized())
    };
    log::debug!("{method} {path} -> {}", reply.status);
    let mut response = to_response(&reply);
    if reply.status == 401 {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"routeros-sim\""),
        );
    }
    if method == "HEAD" {
        *response.body_mut() = Full::new(Bytes::new());
    }
    response
}

/// How many rows a reply carries: a list its elements, an object one.
fn rows_in(reply: &Reply) -> usize {
    if reply.status >= 400 {
        return 0;
    }
    match &reply.body {
        Some(serde_json::Value::Array(rows)) => rows.len(),
        Some(serde_json::Value::Object(_)) => 1,
        _ => 0,
    }
}

fn to_response(reply: &Reply) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &reply.body {
        Some(body) => {
            let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None => Response::new(Full::new(Bytes::new())),
    };
    *response.status_mut() = status;
    response
}

/// The error that makes hyper close a connection without replying.
#[derive(Debug)]
struct LostReply;

impl std::fmt::Display for LostReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected fault: reply dropped")
    }
}

impl std::error::Error for LostReply {}

async fn serve_connection<IO>(shared: Arc<Shared>, io: IO, tls: bool)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut reboots = shared.reboots.subscribe();
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move {
            let line = format!("{} {}", req.method(), req.uri().path());
            let fault = shared.rest_faults.take(&line);
            if let Some(RestFault::Hang(_)) = fault {
                log::debug!("REST fault: never answering {line}");
                lock(&shared.log).push(format!("{line} (hung)"));
                std::future::pending::<()>().await;
            }
            let log = shared.clone();
            let response = handle(shared, req, tls).await;
            if let Some(RestFault::HoldReply(_)) = fault {
                log::debug!("REST fault: holding the reply to {line} for ever");
                lock(&log.log).push(format!("{line} (reply held)"));
                std::future::pending::<()>().await;
            }
            if let Some(RestFault::DropReply(_)) = fault {
                log::debug!("REST fault: dropping the reply to {line}");
                return Err(LostReply);
            }
            Ok(response)
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let ended = tokio::select! {
        ended = connection.as_mut() => ended,
        _ = reboots.changed() => {
            // The router reboots: a request in flight gets its reply, then the
            // connection closes, as does every idle one.
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = ended {
        log::debug!("connection ended with an error: {e}");
    }
}

/// Accepts connections on `listener` until `shutdown` turns true; with `tls`, each
/// connection first completes a TLS handshake.
pub(crate) async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
) {
    let secure_shared = shared.clone();
    accept_each(
        listener,
        tls,
        shutdown,
        "HTTP",
        move |stream| serve_connection(shared.clone(), stream, false),
        move |stream| serve_connection(secure_shared.clone(), stream, true),
    )
    .await
}

/// Accepts connections on `listener` until `shutdown` turns true and serves each on a
/// task of its own: with `plain`, or with `secure` after a TLS handshake when `tls` is
/// given. `what` names the service in log lines (`"API"`, `"HTTP"`).
pub(crate) async fn accept_each<P, PF, S, SF>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
    what: &'static str,
    plain: P,
    secure: S,
) where
    P: Fn(tokio::net::TcpStream) -> PF,
    PF: std::future::Future<Output = ()> + Send + 'static,
    S: Fn(tokio_rustls::server::TlsStream<tokio::net::TcpStream>) -> SF + Clone + Send + 'static,
    SF: std::future::Future<Output = ()> + Send,
{
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                log::warn!("accepting an {what} connection failed: {e}");
                continue;
            }
        };
        match &tls {
            None => {
                tokio::spawn(plain(stream));
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let secure = secure.clone();
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls_stream) => secure(tls_stream).await,
                        Err(e) => log::debug!("{what} TLS handshake with {peer} failed: {e}"),
                    }
                });
            }
        }
    }
}
