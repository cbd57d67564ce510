//! The classic API transport (`api://host[:8728]`, `apis://host[:8729]`
//! with TLS): RouterOS's own binary protocol, the same menus and commands
//! as REST.
//!
//! One session per router, opened on first use and logged in (the 6.43+
//! plaintext login, falling back to the MD5 challenge of older RouterOS).
//! Every command carries a `.tag`, so several run at once over the one
//! connection. A session that ends (`!fatal`, a dropped connection) is
//! replaced on the next request. A read (`print`) whose connection drops
//! mid-reply is retried once on a new session; a write is never sent
//! twice. When the answer to an `add` is lost (`!fatal`, dropped
//! connection), a new session looks for the row it would have made by its
//! natural key (a `print` filtered by the `name` sent, so the check costs
//! one request of one row, not a listing of the menu): found, the `add`
//! counts as done and its row is returned, so that Terraform records what
//! the router holds; not found, the error says nothing changed. Any other
//! lost write (or a lost `add` without a `name`) ends in an error saying
//! the outcome is unknown. A write that succeeds is followed by a `print`
//! filtered by `.id`, so `add` and `set` return the row as the router
//! holds it.

mod conn;
mod tls;
pub mod wire;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use self::conn::{Closed, LoginError, Outcome, RequestError, Session, Stream};
use self::wire::{Command, Decoder, Limits};
use super::rest::TlsOptions;
use super::{Error, Record, ReplyLimits, Transport};

/// Default port of the `api` service.
pub const DEFAULT_PORT: u16 = 8728;
/// Default port of the `api-ssl` service.
pub const DEFAULT_TLS_PORT: u16 = 8729;

/// Where an `api://` or `apis://` URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// `apis://`: TLS.
    pub tls: bool,
}

impl Target {
    /// Parses `api://host[:port]` or `apis://host[:port]` (IPv6 in
    /// brackets); the port defaults to 8728 or 8729.
    pub fn parse(url: &str) -> Result<Target, String> {
        let (scheme, rest) = url
            .trim()
            .split_once("://")
            .ok_or_else(|| format!("{url:?} has no scheme; write api://host or apis://host"))?;
        let (tls, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "api" => (false, DEFAULT_PORT),
            "apis" => (true, DEFAULT_TLS_PORT),
            other => {
                return Err(format!(
                    "{other}:// is not an API scheme; use api:// or apis://"
                ));
            }
        };
        let rest = rest.trim_end_matches('/');
        if rest.contains('/') {
            return Err(
                "an api:// or apis:// URL takes no path: write api://host or api://host:port"
                    .to_string(),
            );
        }
        if rest.contains('@') {
            return Err("put the user name in `username`, not in the URL".to_string());
        }
        let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or_else(|| {
                format!("{rest:?}: an IPv6 address in brackets lacks its closing ]")
            })?;
            match after {
                "" => (host, None),
                p => (
                    host,
                    Some(
                        p.strip_prefix(':')
                            .ok_or_else(|| format!("{rest:?}: expected :port after ]"))?,
                    ),
                ),
            }
        } else if rest.matches(':').count() == 1 {
            let (h, p) = rest.split_once(':').unwrap_or((rest, ""));
            (h, Some(p))
        } else {
            (rest, None)
        };
        if host.is_empty() {
            return Err("the URL has no host".to_string());
        }
        let port = match port {
            None => default_port,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(format!("{p:?} is not a TCP port (1 to 65535)")),
            },
        };
        Ok(Target {
            host: host.to_string(),
            port,
            tls,
        })
    }

    /// `api://host:port` or `apis://host:port`.
    pub fn endpoint(&self) -> String {
        let scheme = if self.tls { "apis" } else { "api" };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Names of the `!trap` categories.
fn category_name(category: Option<u32>) -> &'static str {
    match category {
        Some(0) => "missing item or command",
        Some(1) => "argument value failure",
        Some(2) => "execution interrupted",
        Some(3) => "scripting failure",
        Some(4) => "general failure",
        Some(5) => "API failure",
        Some(6) => "TTY failure",
        Some(7) => "value from :return",
        _ => "failure",
    }
}

/// A `!trap` as a typed error: `what` is what the command was about
/// (`/interface/macsec/*1`).
fn trap_error(category: Option<u32>, message: &str, what: &str) -> Error {
    let lower = message.to_ascii_lowercase();
    if lower.starts_with("no such item")
        || (category == Some(0) && !lower.starts_with("no such command"))
    {
        return Error::NotFound {
            what: what.to_string(),
        };
    }
    Error::Rejected {
        status: 0,
        message: category_name(category).to_string(),
        detail: message.to_string(),
    }
}

/// What to do when an `apis://` URL points at the plain api service.
const PLAIN_API_ADVICE: &str = "the port does not speak TLS, as the plain api service does not. If it is that service, use api:// instead of apis:// (or the api-ssl service's port, 8729, with apis://)";

/// The sentence added to errors that leave a write's outcome unknown.
const UNKNOWN_OUTCOME: &str = "whether the router applied it is unknown (it was not sent again)";

/// Classic API transport to one router.
pub struct ApiTransport {
    target: Target,
    endpoint: String,
    username: String,
    password: String,
    tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    timeout: Duration,
    limits: Limits,
    reply_limits: ReplyLimits,
    session: tokio::sync::Mutex<Option<Arc<Session>>>,
}

// Never the password.
redact::debug!(ApiTransport { endpoint, username });

impl ApiTransport {
    /// A transport for `url` (`api://host[:port]` or `apis://host[:port]`)
    /// with the given credentials, TLS trust (for `apis://`) and
    /// per-request timeout. Nothing is sent until the first request.
    pub fn new(
        url: &str,
        username: &str,
        password: &str,
        tls: &TlsOptions,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let target = Target::parse(url).map_err(|reason| Error::Protocol {
            endpoint: url.trim().to_string(),
            reason,
        })?;
        let endpoint = target.endpoint();
        let tls = if target.tls {
            let bad = |reason| Error::Protocol {
                endpoint: endpoint.clone(),
                reason,
            };
            let config = tls::client_config(tls).map_err(bad)?;
            let name = tls::server_name(&target.host).map_err(bad)?;
            Some((config, name))
        } else {
            None
        };
        Ok(ApiTransport {
            target,
            endpoint,
            username: username.to_string(),
            password: password.to_string(),
            tls,
            timeout,
            limits: Limits::default(),
            reply_limits: ReplyLimits::default(),
            session: tokio::sync::Mutex::new(None),
        })
    }

    /// The same transport with the caps `limits` on every command's reply.
    pub fn with_limits(mut self, limits: ReplyLimits) -> Self {
        self.reply_limits = limits;
        self
    }

    /// Reads `menu` with `print`: only the properties in `proplist` when
    /// given (`.proplist`), and only the rows matching `queries`, each the
    /// text after `?` (`name=macsec1`, `-comment`, `#|`), in order.
    pub async fn print(
        &self,
        menu: &str,
        proplist: Option<&[&str]>,
        queries: &[&str],
    ) -> Result<Vec<Record>, Error> {
        let mut cmd = Command::new(&format!("{menu}/print"));
        if let Some(props) = proplist {
            cmd = cmd.attr(".proplist", &props.join(","));
        }
        for q in queries {
            cmd = cmd.query(q);
        }
        let outcome = self.run(cmd, true).await?;
        self.check_trap(&outcome, menu)?;
        Ok(outcome.rows)
    }

    fn seconds(&self) -> u64 {
        self.timeout.as_secs().max(1)
    }

    fn timeout_error(&self) -> Error {
        Error::Timeout {
            endpoint: self.endpoint.clone(),
            seconds: self.seconds(),
        }
    }

    fn unreachable(&self, reason: String) -> Error {
        Error::Unreachable {
            endpoint: self.endpoint.clone(),
            reason,
        }
    }

    fn protocol(&self, reason: String) -> Error {
        Error::Protocol {
            endpoint: self.endpoint.clone(),
            reason,
        }
    }

    /// The live session, opening and logging in a new one if there is
    /// none or the last one ended.
    async fn session(&self) -> Result<Arc<Session>, Error> {
        let mut slot = self.session.lock().await;
        if let Some(s) = slot.as_ref() {
            if !s.is_closed() {
                return Ok(s.clone());
            }
            log::debug!(
                "RouterOS API session to {} ended; opening a new one",
                self.endpoint
            );
        }
        *slot = None;
        let s = Arc::new(self.open().await?);
        *slot = Some(s.clone());
        Ok(s)
    }

    /// Drops `old` if it is still the current session.
    async fn forget(&self, old: &Arc<Session>) {
        let mut slot = self.session.lock().await;
        if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, old)) {
            *slot = None;
        }
    }

    async fn open(&self) -> Result<Session, Error> {
        let Target { host, port, .. } = &self.target;
        let tcp = tokio::time::timeout(self.timeout, TcpStream::connect((host.as_str(), *port)))
            .await
            .map_err(|_| self.timeout_error())?
            .map_err(|e| self.unreachable(super::error::connect_cause(&e.to_string())))?;
        let _ = tcp.set_nodelay(true);
        let mut stream: Stream = match &self.tls {
            None => Box::new(tcp),
            Some((config, name)) => Box::new(self.handshake(tcp, config, name).await?),
        };
        let mut decoder = Decoder::new(self.limits);
        let login = conn::login(&mut stream, &mut decoder, &self.username, &self.password);
        match tokio::time::timeout(self.timeout, login).await {
            Err(_) => Err(self.timeout_error()),
            Ok(Err(LoginError::Closed(_))) if self.tls.is_none() && self.speaks_tls().await => {
                Err(Error::WrongScheme {
                    endpoint: self.endpoint.clone(),
                    advice: "the port speaks TLS, as the api-ssl service does: use apis:// instead of api:// for it (or the api service's port, 8728, with api://)".to_string(),
                })
            }
            Ok(Err(e)) => Err(self.login_error(e)),
            Ok(Ok(())) => {
                log::debug!(
                    "logged in to the RouterOS API at {} as {:?}",
                    self.endpoint,
                    self.username
                );
                Ok(Session::start(stream, decoder, self.reply_limits))
            }
        }
    }

    /// Whether the port of an `api://` URL whose login failed speaks TLS
    /// (the api-ssl service): one more connection and a TLS handshake that
    /// accepts any certificate; nothing is sent over it.
    async fn speaks_tls(&self) -> bool {
        let Target { host, port, .. } = &self.target;
        let Ok(Ok(tcp)) =
            tokio::time::timeout(self.timeout, TcpStream::connect((host.as_str(), *port))).await
        else {
            return false;
        };
        let any = TlsOptions {
            insecure: true,
            ..TlsOptions::default()
        };
        let (Ok(config), Ok(name)) = (tls::client_config(&any), tls::server_name(host)) else {
            return false;
        };
        let connector = tokio_rustls::TlsConnector::from(config);
        matches!(
            tokio::time::timeout(self.timeout, connector.connect(name, tcp)).await,
            Ok(Ok(_))
        )
    }

    /// Whether the port of an `apis://` URL whose TLS handshake got no
    /// answer is the plain api service: one more connection, sending
    /// `/quit` (no credentials), to which the API answers with a reply.
    async fn speaks_plain_api(&self) -> bool {
        let Target { host, port, .. } = &self.target;
        let probe = async {
            let mut tcp = TcpStream::connect((host.as_str(), *port)).await.ok()?;
            let bytes = Command::new("/quit").encode().ok()?;
            tokio::io::AsyncWriteExt::write_all(&mut tcp, &bytes)
                .await
                .ok()?;
            let mut stream: Stream = Box::new(tcp);
            let mut decoder = Decoder::new(self.limits);
            conn::read_any_reply(&mut stream, &mut decoder).await
        };
        matches!(
            tokio::time::timeout(self.timeout, probe).await,
            Ok(Some(true))
        )
    }

    async fn handshake(
        &self,
        tcp: TcpStream,
        config: &Arc<rustls::ClientConfig>,
        name: &ServerName<'static>,
    ) -> Result<tokio_rustls::client::TlsStream<TcpStream>, Error> {
        let hint = "the port does not seem to speak TLS: apis:// needs the api-ssl service (port 8729 by default) \
                    with a certificate set in /ip/service; for the plain api service (port 8728) use api://";
        let connector = tokio_rustls::TlsConnector::from(config.clone());
        match tokio::time::timeout(self.timeout, connector.connect(name.clone(), tcp)).await {
            Err(_) if self.speaks_plain_api().await => Err(Error::WrongScheme {
                endpoint: self.endpoint.clone(),
                advice: PLAIN_API_ADVICE.to_string(),
            }),
            Err(_) => Err(self.unreachable(format!(
                "no TLS handshake within {} s; {hint}",
                self.seconds()
            ))),
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => match tls::classify_handshake_error(&e) {
                Ok(reason) => Err(Error::UntrustedCertificate {
                    endpoint: self.endpoint.clone(),
                    reason,
                }),
                Err(reason)
                    if reason.contains("InvalidContentType")
                        || reason.contains("corrupt message") =>
                {
                    Err(Error::WrongScheme {
                        endpoint: self.endpoint.clone(),
                        advice: PLAIN_API_ADVICE.to_string(),
                    })
                }
                Err(reason) => {
                    Err(self.unreachable(format!("the TLS handshake failed ({reason}); {hint}")))
                }
            },
        }
    }

    fn login_error(&self, e: LoginError) -> Error {
        match e {
            LoginError::Refused(message) => {
                let lower = message.to_ascii_lowercase();
                if lower.contains("invalid user name or password") || lower.contains("cannot log in") {
                    Error::Unauthorized { endpoint: self.endpoint.clone() }
                } else {
                    Error::Rejected { status: 0, message: "login failed".to_string(), detail: message }
                }
            }
            LoginError::BadChallenge(reason) => self.protocol(reason),
            LoginError::Closed(Closed::Fatal(reason)) => {
                self.unreachable(format!("the router ended the session during login (!fatal: {reason})"))
            }
            LoginError::Closed(Closed::Dropped(reason)) => self.unreachable(format!(
                "the connection closed during login ({reason}); check that the port is the router's api service \
                 (8728 for api://, 8729 for apis://)"
            )),
            LoginError::Closed(Closed::Malformed(reason)) => self.protocol(format!(
                "the answer to /login is not the RouterOS API protocol ({reason}); check that the port is the \
                 router's api service (8728 for api://, 8729 for apis://)"
            )),
        }
    }

    /// Runs `cmd`. `read`: the command changes nothing, so a session lost
    /// mid-reply is replaced and the command sent once more.
    async fn run(&self, cmd: Command, read: bool) -> Result<Outcome, Error> {
        let path = cmd.path().to_string();
        self.exec(cmd, read).await.map_err(|failure| match failure {
            Failure::Error(e) => e,
            Failure::Lost { why, retried } => self.lost_error(&path, &why, read, retried),
        })
    }

    /// Like [`ApiTransport::run`], but a session lost after `cmd` was
    /// handed over (and, for a read, after the one retry) is returned as
    /// [`Failure::Lost`] for the caller to deal with.
    async fn exec(&self, cmd: Command, read: bool) -> Result<Outcome, Failure> {
        let path = cmd.path().to_string();
        let mut retried = false;
        loop {
            let session = self.session().await?;
            log::debug!("RouterOS API {path} at {}", self.endpoint);
            let err = match session.request(cmd.clone(), self.timeout).await {
                Ok(outcome) => return Ok(outcome),
                Err(e) => e,
            };
            match err {
                RequestError::Timeout => return Err(self.timeout_error().into()),
                RequestError::TooLarge(cap) => {
                    return Err(Error::TooLarge {
                        endpoint: self.endpoint.clone(),
                        what: path,
                        cap,
                    }
                    .into());
                }
                RequestError::Encode(e) => {
                    return Err(self.protocol(format!("cannot send {path}: {e}")).into());
                }
                RequestError::NotSent(why) => {
                    self.forget(&session).await;
                    if retried {
                        return Err(self
                            .unreachable(format!(
                                "the session ended before {path} was sent: {}",
                                describe(&why)
                            ))
                            .into());
                    }
                }
                RequestError::Lost(why) => {
                    self.forget(&session).await;
                    let retry = read && !retried && matches!(why, Closed::Dropped(_));
                    if !retry {
                        return Err(Failure::Lost { why, retried });
                    }
                    log::warn!(
                        "RouterOS API connection to {} dropped during {path} ({}); reading again on a new connection",
                        self.endpoint,
                        describe(&why)
                    );
                }
            }
            retried = true;
        }
    }

    /// The row `id` of `menu`, read with a `print` filtered by `.id` (one
    /// request, one row). `after`: the write it follows, for the message.
    async fn row(&self, menu: &str, id: &str, after: &str) -> Result<Record, Error> {
        let query = format!(".id={id}");
        let mut rows = self.print(menu, None, &[&query]).await?;
        match rows.len() {
            1 => Ok(rows.remove(0)),
            0 => Err(Error::NotFound {
                what: format!("{menu}/{id}"),
            }),
            n => Err(self.protocol(format!(
                "{menu}/print ?.id={id} after {after} returned {n} rows"
            ))),
        }
    }

    /// After the answer to `add` on `menu` was lost (`why`): looks, on a new
    /// session, for the row by the natural key `name` that was sent (a
    /// `print` filtered by `name`: one request, at most a row or two).
    /// Found once: the `add` happened (or the name was already taken,
    /// which the `add` would have refused) and this is the row. Not found:
    /// it did not, and the error says nothing changed. Without a `name`,
    /// or with more than one match, the error says the outcome is unknown.
    async fn recover_add(&self, menu: &str, attrs: &Record, why: Closed) -> Result<Record, Error> {
        let path = format!("{menu}/add");
        let Some(name) = attrs.get("name") else {
            return Err(self.lost_error(&path, &why, false, false));
        };
        log::warn!(
            "RouterOS API: the answer to {path} at {} was lost ({}); checking on a new connection whether the router added {name:?}",
            self.endpoint,
            describe(&why)
        );
        let query = format!("name={name}");
        let mut rows = match self.print(menu, None, &[&query]).await {
            Ok(rows) => rows,
            Err(e) => {
                log::warn!("RouterOS API: could not check whether {path} was applied: {e}");
                return Err(self.lost_error(&path, &why, false, false));
            }
        };
        rows.retain(|r| r.get("name") == Some(name));
        match rows.len() {
            1 => {
                let row = rows.remove(0);
                log::warn!(
                    "RouterOS API: {path} was applied before the connection was lost; the new row is {}",
                    row.get(".id").map(String::as_str).unwrap_or("")
                );
                Ok(row)
            }
            0 => {
                let reason = format!(
                    "{}; the router did not apply it (checked on a new connection), so nothing changed",
                    lost_reason(&path, &why, false)
                );
                Err(match why {
                    Closed::Malformed(_) => self.protocol(reason),
                    _ => self.unreachable(reason),
                })
            }
            _ => Err(self.lost_error(&path, &why, false, false)),
        }
    }

    fn lost_error(&self, path: &str, why: &Closed, read: bool, retried: bool) -> Error {
        let mut reason = lost_reason(path, why, retried);
        if !read {
            reason.push_str("; ");
            reason.push_str(UNKNOWN_OUTCOME);
        }
        match why {
            Closed::Malformed(_) => self.protocol(reason),
            _ => self.unreachable(reason),
        }
    }

    fn check_trap(&self, outcome: &Outcome, what: &str) -> Result<(), Error> {
        match &outcome.trap {
            Some((category, message)) => Err(trap_error(*category, message, what)),
            None => Ok(()),
        }
    }
}

/// Why a command got no answer, for an error message.
fn lost_reason(path: &str, why: &Closed, retried: bool) -> String {
    match why {
        Closed::Fatal(r) => format!("the router ended the API session (!fatal: {r}) during {path}"),
        Closed::Dropped(r) if retried => {
            format!("the connection dropped during {path} ({r}), again after reconnecting once")
        }
        Closed::Dropped(r) => format!("the connection dropped during {path} ({r})"),
        Closed::Malformed(r) => format!(
            "the answer to {path} is not valid API protocol ({r}); the connection was closed"
        ),
    }
}

/// Why [`ApiTransport::exec`] got no outcome.
enum Failure {
    /// An error to report as it is.
    Error(Error),
    /// The session ended after the command was handed over; `retried`: a
    /// read was already sent twice.
    Lost { why: Closed, retried: bool },
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

fn describe(why: &Closed) -> String {
    match why {
        Closed::Fatal(r) => format!("!fatal: {r}"),
        Closed::Dropped(r) | Closed::Malformed(r) => r.clone(),
    }
}

/// True when `path`'s last segment is `print` (reads that may be retried).
fn is_print(path: &str) -> bool {
    path.rsplit('/').next() == Some("print")
}

#[async_trait]
impl Transport for ApiTransport {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        self.print(menu, None, &[]).await
    }

    async fn get(&self, menu: &str) -> Result<Record, Error> {
        let outcome = self
            .run(Command::new(&format!("{menu}/print")), true)
            .await?;
        self.check_trap(&outcome, menu)?;
        match outcome.rows.into_iter().next() {
            Some(row) => Ok(row),
            None if !outcome.done.is_empty() => Ok(outcome.done),
            None => Err(self.protocol(format!("{menu}/print returned no data"))),
        }
    }

    async fn add(&self, menu: &str, attrs: &Record) -> Result<Record, Error> {
        let outcome = match self
            .exec(Command::new(&format!("{menu}/add")).attrs(attrs), false)
            .await
        {
            Ok(outcome) => outcome,
            Err(Failure::Error(e)) => return Err(e),
            Err(Failure::Lost { why, .. }) => {
                return self.recover_add(menu, attrs, why).await;
            }
        };
        self.check_trap(&outcome, menu)?;
        let id = outcome.done.get("ret").cloned().ok_or_else(|| {
            self.protocol(format!("{menu}/add returned no .id (no =ret= in !done)"))
        })?;
        self.row(menu, &id, "add").await.map_err(|e| match e {
            Error::NotFound { .. } => self.protocol(format!(
                "{menu}/add made {id}, but {menu}/print does not show it; check the router's log"
            )),
            e => e,
        })
    }

    async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
        let cmd = Command::new(&format!("{menu}/set"))
            .attr(".id", id)
            .attrs(attrs);
        let outcome = self.run(cmd, false).await?;
        self.check_trap(&outcome, &format!("{menu}/{id}"))?;
        self.row(menu, id, "set").await
    }

    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        let outcome = self
            .run(
                Command::new(&format!("{menu}/remove")).attr(".id", id),
                false,
            )
            .await?;
        self.check_trap(&outcome, &format!("{menu}/{id}"))
    }

    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error> {
        let outcome = self
            .run(Command::new(path).attrs(args), is_print(path))
            .await?;
        self.check_trap(&outcome, path)?;
        if outcome.rows.is_empty() && !outcome.done.is_empty() {
            // As REST: data carried by !done is one object.
            return Ok(vec![outcome.done]);
        }
        Ok(outcome.rows)
    }

    fn endpoint(&self) -> &str {
        &self.endpoint
    }
}
