//! The classic RouterOS API (`api`, TCP 8728; `api-ssl`, TLS 8729) on top of the same
//! configuration store as REST, following DESIGN.md, "Facts: classic API".
//!
//! * Login: `/login =name= =password=` (RouterOS 6.43 and later), or, with
//!   `legacy_login`, the pre-6.43 challenge: any `/login` without `=response=` gets
//!   `!done =ret=<challenge>`, then `/login =name= =response=00<md5>` logs in. A wrong
//!   password gets `!trap =message=invalid user name or password (6)` and `!done`; the
//!   connection stays open. Any other command before login gets `!fatal` `not logged in`
//!   and the connection closes.
//! * Commands `/menu/command` run through the REST mapping (`rest.rs`) as
//!   `POST /rest/menu/command`, so both front ends accept the same arguments and give the
//!   same error texts: `=name=value` words become the body, `?` words the `.query` of
//!   `print`. `getall` is `print`; `listen` streams changes until `/cancel`.
//! * Replies: `!re` per row, `!empty` for a `print` without rows on RouterOS 7.18 and
//!   later, `!done` (with `=ret=` for `add`), `!trap =category=N =message=...`, and
//!   `!fatal` before the connection closes (`/quit`, protocol violations). `.tag` is
//!   echoed on every reply of a tagged command.
//! * Faults for tests ([`ApiFault`], injected with `Sim::inject_api_fault`): the next
//!   command with a given prefix gets `!fatal` instead of running, or runs and has its
//!   reply cut off mid-sentence by a dropped connection.
//! * Limits: small sentences and at most [`MAX_SENTENCES_BEFORE_LOGIN`] commands before
//!   login, [`Limits::AFTER_LOGIN`] afterwards, [`MAX_IN_FLIGHT`] running `listen`s, and a
//!   bounded reply queue per connection, so a peer cannot make the emulator buffer
//!   without bound.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::api_commands::{DEAD, Out, Request, execute};
use crate::api_wire::{Decoded, Limits, SentenceDecoder, WireError, encode_sentence};
use crate::menu::Menu;
use crate::menus::hide_sensitive;
use crate::query::Row;
use crate::server::Shared;
use crate::sync::lock;
use crate::users::Access;

/// Commands a connection may send before it has logged in.
pub(crate) const MAX_SENTENCES_BEFORE_LOGIN: usize = 16;
/// Long-running commands (`listen`) one connection may have at once.
pub(crate) const MAX_IN_FLIGHT: usize = 32;
/// Reply sentences queued per connection before the emulator stops reading from it.
const OUT_QUEUE: usize = 64;
/// How often `listen` looks for changes.
const LISTEN_POLL: Duration = Duration::from_millis(50);
/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 * 1024;

/// The text RouterOS sends for a failed login.
pub(crate) const LOGIN_FAILED: &str = "invalid user name or password (6)";

/// How one API listener behaves.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ApiOptions {
    /// Emulate the pre-6.43 MD5 challenge login instead of the plain-text one.
    pub(crate) legacy_login: bool,
}

/// A failure the emulator's API stages once, for tests of how a client copes
/// (`Sim::inject_api_fault`). The prefix is matched against the command word of
/// commands sent after login (`/interface/macsec/add`, or `/interface/macsec/` for
/// every command of that menu); the first command that matches fires the fault, which
/// is then used up. Faults fire in the order they were injected, on any API connection
/// (TCP or TLS) of the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFault {
    /// The command is not run: the emulator answers `!fatal` with
    /// [`FAULT_FATAL_REASON`] and closes the connection, as RouterOS does when an
    /// administrator ends the session.
    FatalOnNext(String),
    /// The command runs (its changes stay), then the connection closes part-way
    /// through its reply: the client receives the first half of the reply's bytes,
    /// never the `!done`.
    DropMidReply(String),
    /// The command runs (its changes stay), then its reply is never sent; the
    /// connection stays open and serves later commands: a reply later than any client
    /// timeout.
    HoldReply(String),
}

impl ApiFault {
    fn prefix(&self) -> &str {
        match self {
            ApiFault::FatalOnNext(prefix)
            | ApiFault::DropMidReply(prefix)
            | ApiFault::HoldReply(prefix) => prefix,
        }
    }
}

/// The `!fatal` text of [`ApiFault::FatalOnNext`].
pub const FAULT_FATAL_REASON: &str = "session terminated by administrator";

/// The faults staged for one emulator, shared by all its API connections.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    queue: std::sync::Mutex<Vec<ApiFault>>,
}

impl Faults {
    /// Stages `fault` behind those already staged.
    pub(crate) fn push(&self, fault: ApiFault) {
        self.lock().push(fault);
    }

    /// Takes the first staged fault whose prefix `command` starts with.
    fn take(&self, command: &str) -> Option<ApiFault> {
        let mut queue = self.lock();
        let index = queue.iter().position(|f| command.starts_with(f.prefix()))?;
        Some(queue.remove(index))
    }

    /// How many faults are still staged.
    pub(crate) fn pending(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ApiFault>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Accepts API connections on `listener` until `shutdown` turns true; with `tls`, each
/// connection first completes a TLS handshake.
pub(crate) async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    options: ApiOptions,
    faults: Arc<Faults>,
    shutdown: watch::Receiver<bool>,
) {
    let (secure_shared, secure_faults) = (shared.clone(), faults.clone());
    crate::server::accept_each(
        listener,
        tls,
        shutdown,
        "API",
        move |stream| serve(shared.clone(), stream, options, faults.clone()),
        move |stream| {
            serve(
                secure_shared.clone(),
                stream,
                options,
                secure_faults.clone(),
            )
        },
    )
    .await
}

/// The TLS configuration of `api-ssl`: the HTTPS one without ALPN (API clients offer none,
/// and a client offering other protocols must not be refused for it).
pub(crate) fn tls_config(https: &Arc<rustls::ServerConfig>) -> Arc<rustls::ServerConfig> {
    let mut config = (**https).clone();
    config.alpn_protocols.clear();
    Arc::new(config)
}

/// Why reading a sentence stopped.
#[derive(Debug)]
enum ReadError {
    Io(std::io::Error),
    Wire(WireError),
}

/// Reads the next sentence. `Ok(None)` when the peer closed the connection.
async fn read_sentence<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    decoder: &mut SentenceDecoder,
) -> Result<Option<Vec<Vec<u8>>>, ReadError> {
    let mut chunk = vec![0u8; READ_CHUNK];
    loop {
        match decoder.decode(buf).map_err(ReadError::Wire)? {
            Decoded::Sentence { words, consumed } => {
                buf.drain(..consumed);
                return Ok(Some(words));
            }
            Decoded::NeedMore { consumed } => {
                buf.drain(..consumed);
            }
        }
        let n = reader.read(&mut chunk).await.map_err(ReadError::Io)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: WriteHalf<W>,
    mut queue: mpsc::Receiver<Vec<u8>>,
) {
    while let Some(bytes) = queue.recv().await {
        if let Err(e) = writer.write_all(&bytes).await {
            log::debug!("API connection: writing failed: {e}");
            return;
        }
        if queue.is_empty()
            && let Err(e) = writer.flush().await
        {
            log::debug!("API connection: flushing failed: {e}");
            return;
        }
    }
    let _ = writer.shutdown().await;
}

/// Serves one connection until the peer leaves, `/quit`s or breaks the protocol.
async fn serve<IO>(shared: Arc<Shared>, io: IO, options: ApiOptions, faults: Arc<Faults>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut reader, writer): (ReadHalf<IO>, WriteHalf<IO>) = tokio::io::split(io);
    let (out, queue) = mpsc::channel(OUT_QUEUE);
    let writer_task = tokio::spawn(write_loop(writer, queue));
    let mut session = Session {
        shared,
        options,
        faults,
        access: None,
        challenge: None,
        sentences_before_login: 0,
        out,
        in_flight: Vec::new(),
    };
    let mut decoder = SentenceDecoder::new(Limits::BEFORE_LOGIN);
    let mut buf = Vec::new();
    let mut reboots = session.shared.reboots.subscribe();
    loop {
        let read = tokio::select! {
            read = read_sentence(&mut reader, &mut buf, &mut decoder) => read,
            // The router rebooted (a backup was loaded): the connection drops.
            _ = reboots.changed() => break,
        };
        let words = match read {
            Ok(Some(words)) => words,
            Ok(None) => break,
            Err(ReadError::Io(e)) => {
                log::debug!("API connection: reading failed: {e}");
                break;
            }
            Err(ReadError::Wire(e)) => {
                log::debug!("API connection: protocol violation: {e}");
                session.fatal(&e.to_string()).await;
                break;
            }
        };
        // RouterOS ignores empty sentences.
        if words.is_empty() {
            continue;
        }
        if session.handle(&words).await == Flow::Close {
            break;
        }
        if session.access.is_some() && decoder.limits() != Limits::AFTER_LOGIN {
            decoder.set_limits(Limits::AFTER_LOGIN);
        }
    }
    session.stop_all().await;
    drop(session);
    let _ = writer_task.await;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

/// The request-log line for a sentence: `API /command words...`, login secrets left out.
fn log_line(words: &[Vec<u8>]) -> String {
    let mut line = String::from("API");
    let is_login = words.first().is_some_and(|w| w.as_slice() == b"/login");
    for word in words {
        let word = String::from_utf8_lossy(word);
        line.push(' ');
        let secret = ["=password=", "=response="]
            .into_iter()
            .find(|p| is_login && word.starts_with(p));
        match secret {
            Some(prefix) => {
                line.push_str(prefix);
                line.push_str("<redacted>");
            }
            None => line.push_str(&word),
        }
    }
    line
}

/// A long-running command.
struct InFlight {
    tag: Option<String>,
    task: JoinHandle<()>,
}

struct Session {
    shared: Arc<Shared>,
    options: ApiOptions,
    faults: Arc<Faults>,
    /// What the logged-in user may see; `None` before login.
    access: Option<Access>,
    /// The challenge handed out by a legacy `/login`, valid for one answer.
    challenge: Option<[u8; 16]>,
    sentences_before_login: usize,
    out: mpsc::Sender<Vec<u8>>,
    in_flight: Vec<InFlight>,
}

impl Session {
    async fn send(&self, replies: &[Out], tag: Option<&str>) -> Flow {
        for reply in replies {
            if self.out.send(reply.encode(tag)).await.is_err() {
                return Flow::Close;
            }
        }
        Flow::Continue
    }

    /// Sends `!fatal` with `reason`; the caller closes the connection.
    async fn fatal(&self, reason: &str) -> Flow {
        let _ = self.out.send(encode_sentence(&["!fatal", reason])).await;
        Flow::Close
    }

    async fn stop_all(&mut self) {
        for job in self.in_flight.drain(..) {
            job.task.abort();
            let _ = job.task.await;
        }
    }

    async fn handle(&mut self, words: &[Vec<u8>]) -> Flow {
        self.shared.record(log_line(words));
        let req = Request::parse(words);
        let tag = req.tag.clone();
        if self.access.is_none() {
            self.sentences_before_login += 1;
            if self.sentences_before_login > MAX_SENTENCES_BEFORE_LOGIN {
                return self.fatal("too many commands before login").await;
            }
        }
        match req.command.as_str() {
            "/login" => {
                let replies = self.login(&req);
                self.send(&replies, tag.as_deref()).await
            }
            _ if self.access.is_none() => self.fatal("not logged in").await,
            "/quit" => self.fatal("session terminated on request").await,
            "/cancel" => self.cancel(&req).await,
            _ => self.run(req).await,
        }
    }

    fn login(&mut self, req: &Request) -> Vec<Out> {
        let name = req.attr("name").unwrap_or("");
        let access = if let Some(response) = req.attr("response") {
            // The answer to a challenge, valid once, and only for a challenge we sent.
            self.challenge.take().and_then(|challenge| {
                self.shared.login_with(name, |password| {
                    response.eq_ignore_ascii_case(&challenge_response(password, &challenge))
                })
            })
        } else if self.options.legacy_login {
            // Before 6.43 every /login without a response starts the challenge, whatever
            // else it carries: that `=ret=` is how clients know to fall back.
            let challenge: [u8; 16] = rand::random();
            self.challenge = Some(challenge);
            return vec![Out::Done(vec![("ret".into(), hex::encode(challenge))])];
        } else {
            req.attr("password")
                .and_then(|password| self.shared.login(name, password))
        };
        if let Some(access) = access {
            self.access = Some(access);
            vec![Out::Done(Vec::new())]
        } else {
            vec![Out::Trap(None, LOGIN_FAILED.into()), Out::Done(Vec::new())]
        }
    }

    /// `/cancel [=tag=N]`: stops one long-running command, or all of them. The stopped
    /// command gets `!trap =category=2 =message=interrupted`, then `/cancel` its `!done`,
    /// then the stopped command its `!done` (the order of the manual's example).
    async fn cancel(&mut self, req: &Request) -> Flow {
        self.in_flight.retain(|job| !job.task.is_finished());
        let target = req.attr("tag").map(str::to_string);
        let (stopped, kept): (Vec<InFlight>, Vec<InFlight>) = self
            .in_flight
            .drain(..)
            .partition(|job| target.is_none() || job.tag == target);
        self.in_flight = kept;
        let mut tags = Vec::new();
        for job in stopped {
            job.task.abort();
            let _ = job.task.await;
            tags.push(job.tag);
        }
        for tag in &tags {
            let interrupted = Out::Trap(Some(2), "interrupted".into());
            if self.send(&[interrupted], tag.as_deref()).await == Flow::Close {
                return Flow::Close;
            }
        }
        if self
            .send(&[Out::Done(Vec::new())], req.tag.as_deref())
            .await
            == Flow::Close
        {
            return Flow::Close;
        }
        for tag in &tags {
            if self.send(&[Out::Done(Vec::new())], tag.as_deref()).await == Flow::Close {
                return Flow::Close;
            }
        }
        Flow::Continue
    }

    async fn run(&mut self, req: Request) -> Flow {
        let tag = req.tag.clone();
        let access = self.access.unwrap_or(Access { sensitive: false });
        let fault = self.faults.take(&req.command);
        if let Some(ApiFault::FatalOnNext(_)) = fault {
            log::debug!("API fault: !fatal instead of {}", req.command);
            return self.fatal(FAULT_FATAL_REASON).await;
        }
        let (replies, listen, rebooted) = {
            let mut router = lock(&self.shared.router);
            let boots = router.boots;
            let (replies, listen) = execute(&mut router, access, &req);
            (replies, listen, router.boots != boots)
        };
        let rows = replies.iter().filter(|r| matches!(r, Out::Re(_))).count();
        self.shared.served(rows);
        {
            let _turn = self.shared.turn().await;
            self.shared.pay(rows).await;
        }
        if let Some(ApiFault::HoldReply(_)) = fault {
            log::debug!("API fault: never answering {}", req.command);
            return Flow::Continue;
        }
        if let Some(ApiFault::DropMidReply(_)) = fault {
            log::debug!(
                "API fault: dropping the connection inside the reply to {}",
                req.command
            );
            let bytes: Vec<u8> = replies
                .iter()
                .flat_map(|reply| reply.encode(tag.as_deref()))
                .collect();
            // Never the whole reply (a `listen` has none yet: nothing is sent).
            let cut = bytes.len() / 2;
            if cut > 0 {
                let _ = self.out.send(bytes[..cut].to_vec()).await;
            }
            return Flow::Close;
        }
        if let Some(menu) = listen {
            self.in_flight.retain(|job| !job.task.is_finished());
            if self.in_flight.len() >= MAX_IN_FLIGHT {
                let refused = [
                    Out::Trap(
                        Some(5),
                        format!("too many commands in flight (limit {MAX_IN_FLIGHT})"),
                    ),
                    Out::Done(Vec::new()),
                ];
                return self.send(&refused, tag.as_deref()).await;
            }
            // The starting point is taken now, so commands sent after `listen` are seen
            // as changes however the tasks get scheduled.
            let start = snapshot(&self.shared, menu, access);
            let task = tokio::spawn(listen_task(
                self.shared.clone(),
                menu,
                access,
                start,
                tag.clone(),
                self.out.clone(),
            ));
            self.in_flight.push(InFlight { tag, task });
            return Flow::Continue;
        }
        let flow = self.send(&replies, tag.as_deref()).await;
        if rebooted {
            // `/system/backup/load` reboots the router: after its reply every
            // connection closes (see `menus/system_backup.rs`).
            self.shared.reboots.send_modify(|n| *n += 1);
            return Flow::Close;
        }
        flow
    }
}

/// `00` + hex(md5(0x00 + password + challenge)), the pre-6.43 login answer.
pub(crate) fn challenge_response(password: &str, challenge: &[u8]) -> String {
    let mut md5 = Md5::new();
    md5.update([0u8]);
    md5.update(password.as_bytes());
    md5.update(challenge);
    format!("00{}", hex::encode(md5.finalize()))
}

fn snapshot(shared: &Shared, menu: Menu, access: Access) -> BTreeMap<String, Row> {
    let router = lock(&shared.router);
    if !router.has_menu(menu) {
        return BTreeMap::new();
    }
    router
        .list(menu)
        .into_iter()
        .map(|row| hide_sensitive(menu, row, access))
        .map(|row| (row.get(".id").cloned().unwrap_or_default(), row))
        .collect()
}

/// `listen`: sends every new or changed row as `!re`, and `=.id=X =.dead=yes` for removed
/// ones, until cancelled. RouterOS's API documentation marks a deleted item `=.dead=yes`
/// (the one API attribute that is `yes`, where REST values say `true`).
async fn listen_task(
    shared: Arc<Shared>,
    menu: Menu,
    access: Access,
    mut last: BTreeMap<String, Row>,
    tag: Option<String>,
    out: mpsc::Sender<Vec<u8>>,
) {
    let mut ticks = tokio::time::interval(LISTEN_POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        ticks.tick().await;
        let now = snapshot(&shared, menu, access);
        let mut changes = Vec::new();
        for (id, row) in &now {
            if last.get(id) != Some(row) {
                changes.push(Out::Re(row.clone().into_iter().collect()));
            }
        }
        for id in last.keys().filter(|id| !now.contains_key(*id)) {
            changes.push(Out::Re(vec![
                (".id".into(), id.clone()),
                (".dead".into(), DEAD.into()),
            ]));
        }
        for change in changes {
            if out.send(change.encode(tag.as_deref())).await.is_err() {
                return;
            }
        }
        last = now;
    }
}

#[cfg(test)]
mod tests;
