//! One API session over a byte stream (TCP or TLS): log in, then run tagged
//! commands concurrently. A reader task decodes replies and hands each to
//! the command whose `.tag` it carries; a writer task sends whole
//! sentences, so a caller that gives up mid-way cannot leave half a
//! sentence on the wire.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::wire::{Command, Decoder, Reply, ReplyKind, WireError, parse_reply};
use crate::{Cap, Record, ReplyLimits};

/// A byte stream the API can run over.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A boxed [`Io`].
pub(super) type Stream = Box<dyn Io>;

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Closed {
    /// The router sent `!fatal` with this reason.
    Fatal(String),
    /// The connection dropped (closed by the peer, reset, write failure).
    Dropped(String),
    /// The router sent something that is not the API protocol.
    Malformed(String),
}

/// The answer to one command.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// `!re` rows.
    pub rows: Vec<Record>,
    /// The attributes of `!done` (`ret`).
    pub done: Record,
    /// `!trap`: category and message.
    pub trap: Option<(Option<u32>, String)>,
}

/// Why a command got no answer.
#[derive(Debug)]
pub(super) enum RequestError {
    /// The session had ended before the command was handed over: nothing
    /// of it reached the router.
    NotSent(Closed),
    /// The session ended after the command was handed over and before its
    /// `!done`: the router may or may not have run it.
    Lost(Closed),
    /// No `!done` in time (a `!trap` may have come already).
    Timeout,
    /// The reply went over a cap of [`ReplyLimits`]; the rest of it is
    /// ignored and the router was asked to `/cancel` the command.
    TooLarge(Cap),
    /// The command cannot be encoded.
    Encode(WireError),
}

/// Why login failed.
#[derive(Debug)]
pub(super) enum LoginError {
    /// `!trap` with this message.
    Refused(String),
    /// The session ended.
    Closed(Closed),
    /// The pre-6.43 challenge is not hex.
    BadChallenge(String),
}

/// A command waiting for its replies, and how much of them it got.
struct Waiter {
    tx: mpsc::UnboundedSender<Reply>,
    rows: u64,
    bytes: u64,
}

impl Waiter {
    fn new(tx: mpsc::UnboundedSender<Reply>) -> Self {
        Waiter {
            tx,
            rows: 0,
            bytes: 0,
        }
    }
}

#[derive(Default)]
struct State {
    pending: HashMap<String, Waiter>,
    /// Commands whose reply went over a cap, no longer fed.
    over: HashMap<String, Cap>,
    closed: Option<Closed>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    limits: ReplyLimits,
}

/// The bytes a row counts for against [`ReplyLimits::max_bytes`]: its
/// names and values, and one `=` and a separator for each.
fn row_bytes(row: &Record) -> u64 {
    row.iter()
        .map(|(k, v)| (k.len() + v.len() + 2) as u64)
        .sum()
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the session ended (the first reason wins) and wakes every
    /// waiting command by dropping its sender.
    fn close(&self, why: Closed) {
        let mut st = self.lock();
        if st.closed.is_none() {
            log::debug!("RouterOS API session ended: {why:?}");
            st.closed = Some(why);
        }
        st.pending.clear();
    }

    fn closed(&self) -> Option<Closed> {
        self.lock().closed.clone()
    }

    fn dispatch(&self, reply: Reply) {
        let Some(tag) = reply.tag.clone() else {
            log::debug!("RouterOS API: ignoring an untagged reply");
            return;
        };
        let mut st = self.lock();
        let done = matches!(reply.kind, ReplyKind::Done(_));
        let limits = self.limits;
        let delivered = match st.pending.get_mut(&tag) {
            Some(waiter) => {
                if let ReplyKind::Re(row) = &reply.kind {
                    waiter.rows += 1;
                    waiter.bytes += row_bytes(row);
                    let cap = if waiter.rows > limits.max_rows {
                        Some(Cap::Rows(limits.max_rows))
                    } else if waiter.bytes > limits.max_bytes {
                        Some(Cap::Bytes(limits.max_bytes))
                    } else {
                        None
                    };
                    if let Some(cap) = cap {
                        // Not fed any more: what the command holds stays
                        // within the cap, whatever the router goes on
                        // sending. Dropping the sender wakes it.
                        st.pending.remove(&tag);
                        st.over.insert(tag, cap);
                        return;
                    }
                }
                waiter.tx.send(reply).is_ok()
            }
            None => {
                log::debug!(
                    "RouterOS API: ignoring a reply for tag {tag}, which no command waits for"
                );
                return;
            }
        };
        if done || !delivered {
            st.pending.remove(&tag);
        }
    }
}

/// Removes a command's entry when the command finishes or is dropped.
struct Registration<'a> {
    shared: &'a Shared,
    tag: String,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.pending.remove(&self.tag);
        st.over.remove(&self.tag);
    }
}

/// A logged-in API session.
pub(super) struct Session {
    shared: Arc<Shared>,
    out: mpsc::UnboundedSender<Vec<u8>>,
    next_tag: AtomicU64,
    tasks: [JoinHandle<()>; 2],
}

impl Drop for Session {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Session {
    /// Starts the reader and writer tasks on a logged-in stream; `decoder`
    /// may already hold bytes read after the login reply. Each command's
    /// reply is capped by `limits`.
    pub(super) fn start(stream: Stream, decoder: Decoder, limits: ReplyLimits) -> Session {
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            limits,
        });
        let (rd, wr) = tokio::io::split(stream);
        let (out, rx) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_loop(rd, decoder, shared.clone()));
        let writer = tokio::spawn(write_loop(wr, rx, shared.clone()));
        Session {
            shared,
            out,
            next_tag: AtomicU64::new(1),
            tasks: [reader, writer],
        }
    }

    /// True once the session has ended (`!fatal`, dropped, malformed).
    pub(super) fn is_closed(&self) -> bool {
        self.shared.closed().is_some()
    }

    /// Runs `cmd` (a `.tag` is added) and collects its replies up to
    /// `!done`, within `timeout`.
    pub(super) async fn request(
        &self,
        cmd: Command,
        timeout: Duration,
    ) -> Result<Outcome, RequestError> {
        let tag = self.next_tag.fetch_add(1, Ordering::Relaxed).to_string();
        let bytes = cmd.tag(&tag).encode().map_err(RequestError::Encode)?;
        let (tx, mut rx) = mpsc::unbounded_channel();
        {
            let mut st = self.shared.lock();
            if let Some(c) = &st.closed {
                return Err(RequestError::NotSent(c.clone()));
            }
            st.pending.insert(tag.clone(), Waiter::new(tx));
        }
        let _registration = Registration {
            shared: &self.shared,
            tag: tag.clone(),
        };
        if self.out.send(bytes).is_err() {
            let why = self
                .shared
                .closed()
                .unwrap_or_else(|| Closed::Dropped("the session is closed".into()));
            return Err(RequestError::NotSent(why));
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut outcome = Outcome::default();
        loop {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                // A `!trap` already says the command failed: that answer
                // stands even if its `!done` never comes.
                Err(_) if outcome.trap.is_some() => return Ok(outcome),
                Ok(None) if outcome.trap.is_some() => return Ok(outcome),
                Err(_) => {
                    self.cancel(&tag);
                    return Err(RequestError::Timeout);
                }
                Ok(None) => {
                    if let Some(cap) = self.shared.lock().over.remove(&tag) {
                        self.cancel(&tag);
                        return Err(RequestError::TooLarge(cap));
                    }
                    let why = self
                        .shared
                        .closed()
                        .unwrap_or_else(|| Closed::Dropped("the session is closed".into()));
                    return Err(RequestError::Lost(why));
                }
                Ok(Some(reply)) => match reply.kind {
                    ReplyKind::Re(row) => outcome.rows.push(row),
                    ReplyKind::Empty => {}
                    ReplyKind::Trap { category, message } => {
                        outcome.trap = Some((category, message))
                    }
                    ReplyKind::Done(attrs) => {
                        outcome.done = attrs;
                        return Ok(outcome);
                    }
                    // The reader ends the session on `!fatal`; never dispatched.
                    ReplyKind::Fatal(_) => {}
                },
            }
        }
    }

    /// Asks the router to stop the command `tag` (best effort; its
    /// replies are ignored from now on).
    fn cancel(&self, tag: &str) {
        let cmd = Command::new("/cancel")
            .attr("tag", tag)
            .tag(&format!("cancel-{tag}"));
        if let Ok(bytes) = cmd.encode() {
            let _ = self.out.send(bytes);
        }
    }
}

async fn read_loop(mut rd: ReadHalf<Stream>, mut decoder: Decoder, shared: Arc<Shared>) {
    let mut chunk = vec![0u8; 16 * 1024];
    let why = loop {
        if let Some(why) = drain(&mut decoder, &shared) {
            break why;
        }
        match rd.read(&mut chunk).await {
            Ok(0) => break Closed::Dropped("the router closed the connection".into()),
            Ok(n) => decoder.feed(&chunk[..n]),
            Err(e) => break Closed::Dropped(format!("reading from the connection failed: {e}")),
        }
    };
    shared.close(why);
}

/// Dispatches every complete reply; returns why the session must end, if
/// it must.
fn drain(decoder: &mut Decoder, shared: &Shared) -> Option<Closed> {
    loop {
        match decoder.next_sentence() {
            Ok(None) => return None,
            Ok(Some(sentence)) => match parse_reply(&sentence) {
                Ok(Reply {
                    kind: ReplyKind::Fatal(reason),
                    ..
                }) => return Some(Closed::Fatal(reason)),
                Ok(reply) => shared.dispatch(reply),
                Err(e) => return Some(Closed::Malformed(e.to_string())),
            },
            Err(e) => return Some(Closed::Malformed(e.to_string())),
        }
    }
}

async fn write_loop(
    mut wr: WriteHalf<Stream>,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    shared: Arc<Shared>,
) {
    while let Some(bytes) = rx.recv().await {
        let r = async {
            wr.write_all(&bytes).await?;
            wr.flush().await
        }
        .await;
        if let Err(e) = r {
            shared.close(Closed::Dropped(format!(
                "sending to the router failed: {e}"
            )));
            return;
        }
    }
}

/// Reads replies until a whole one arrives.
async fn read_reply(stream: &mut Stream, decoder: &mut Decoder) -> Result<Reply, Closed> {
    let mut chunk = [0u8; 4096];
    loop {
        match decoder.next_sentence() {
            Ok(Some(s)) => {
                return match parse_reply(&s) {
                    Ok(Reply {
                        kind: ReplyKind::Fatal(reason),
                        ..
                    }) => Err(Closed::Fatal(reason)),
                    Ok(reply) => Ok(reply),
                    Err(e) => Err(Closed::Malformed(e.to_string())),
                };
            }
            Ok(None) => {}
            Err(e) => return Err(Closed::Malformed(e.to_string())),
        }
        match stream.read(&mut chunk).await {
            Ok(0) => return Err(Closed::Dropped("the router closed the connection".into())),
            Ok(n) => decoder.feed(&chunk[..n]),
            Err(e) => {
                return Err(Closed::Dropped(format!(
                    "reading from the connection failed: {e}"
                )));
            }
        }
    }
}

/// Whether the peer answers with an API reply (`!fatal` included): `None`
/// when the stream ends or is not the API.
pub(super) async fn read_any_reply(stream: &mut Stream, decoder: &mut Decoder) -> Option<bool> {
    match read_reply(stream, decoder).await {
        Ok(_) | Err(Closed::Fatal(_)) => Some(true),
        Err(_) => None,
    }
}

/// Sends one login sentence and waits for `!done` (its attributes) or
/// `!trap`.
async fn login_step(
    stream: &mut Stream,
    decoder: &mut Decoder,
    cmd: Command,
) -> Result<Record, LoginError> {
    let bytes = cmd
        .encode()
        .map_err(|e| LoginError::Closed(Closed::Malformed(e.to_string())))?;
    let sent = async {
        stream.write_all(&bytes).await?;
        stream.flush().await
    }
    .await;
    sent.map_err(|e| {
        LoginError::Closed(Closed::Dropped(format!("sending the login failed: {e}")))
    })?;
    loop {
        let reply = read_reply(stream, decoder)
            .await
            .map_err(LoginError::Closed)?;
        match reply.kind {
            ReplyKind::Done(attrs) => return Ok(attrs),
            ReplyKind::Trap { message, .. } => return Err(LoginError::Refused(message)),
            _ => {}
        }
    }
}

/// Logs in: the plaintext form (RouterOS 6.43+), then the MD5 challenge
/// when the router answers with `=ret=` (older RouterOS). The password is
/// never logged.
pub(super) async fn login(
    stream: &mut Stream,
    decoder: &mut Decoder,
    username: &str,
    password: &str,
) -> Result<(), LoginError> {
    let first = Command::new("/login")
        .attr("name", username)
        .attr("password", password);
    let done = login_step(stream, decoder, first).await?;
    let Some(challenge) = done.get("ret") else {
        return Ok(());
    };
    log::debug!("RouterOS API: the router asked for the pre-6.43 challenge login");
    let response = challenge_response(password, challenge)?;
    let second = Command::new("/login")
        .attr("name", username)
        .attr("response", &response);
    login_step(stream, decoder, second).await.map(|_| ())
}

/// `00` + hex(md5(0x00 + password + challenge bytes)).
pub(super) fn challenge_response(
    password: &str,
    challenge_hex: &str,
) -> Result<String, LoginError> {
    let challenge = hex::decode(challenge_hex.trim()).map_err(|_| {
        LoginError::BadChallenge(format!(
            "the login challenge {challenge_hex:?} is not hexadecimal"
        ))
    })?;
    let mut md5 = Md5::new();
    md5.update([0u8]);
    md5.update(password.as_bytes());
    md5.update(&challenge);
    Ok(format!("00{}", hex::encode(md5.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_response_is_md5_of_zero_password_challenge() {
        // md5(b"\x00" + b"secret" + bytes.fromhex("00112233445566778899aabbccddeeff"))
        let r = challenge_response("secret", "00112233445566778899aabbccddeeff").unwrap();
        assert_eq!(r, "00c17511d224a5e93170632807d36388aa");
        assert!(matches!(
            challenge_response("x", "not hex"),
            Err(LoginError::BadChallenge(_))
        ));
    }

    #[test]
    fn replies_go_to_the_command_with_their_tag_and_done_ends_it() {
        let shared = Shared::default();
        let (tx1, mut rx1) = mpsc::unbounded_channel();
        let (tx2, mut rx2) = mpsc::unbounded_channel();
        shared.lock().pending.insert("1".into(), Waiter::new(tx1));
        shared.lock().pending.insert("2".into(), Waiter::new(tx2));
        let reply = |tag: Option<&str>, kind| Reply {
            tag: tag.map(str::to_string),
            kind,
        };
        shared.dispatch(reply(Some("2"), ReplyKind::Re(Record::new())));
        shared.dispatch(reply(Some("2"), ReplyKind::Done(Record::new())));
        shared.dispatch(reply(None, ReplyKind::Done(Record::new())));
        shared.dispatch(reply(Some("9"), ReplyKind::Done(Record::new())));
        assert!(matches!(rx2.try_recv().unwrap().kind, ReplyKind::Re(_)));
        assert!(matches!(rx2.try_recv().unwrap().kind, ReplyKind::Done(_)));
        assert!(rx2.try_recv().is_err());
        assert!(rx1.try_recv().is_err());
        assert_eq!(shared.lock().pending.len(), 1);
        shared.close(Closed::Fatal("bye".into()));
        shared.close(Closed::Dropped("later".into()));
        assert_eq!(shared.closed(), Some(Closed::Fatal("bye".into())));
        assert!(matches!(
            rx1.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
    }
}
