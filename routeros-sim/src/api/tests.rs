use super::*;
use crate::{Sim, SimConfig};
use serde_json::{Value, json};
use std::pin::Pin;
use tokio::net::TcpStream;

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A raw API client for the tests: words in, sentences out.
struct Client {
    stream: Pin<Box<dyn Stream>>,
    buf: Vec<u8>,
    decoder: SentenceDecoder,
}

type Sentence = Vec<String>;

fn port_of(url: &str) -> String {
    url.rsplit("//").next().unwrap().to_string()
}

impl Client {
    async fn connect(sim: &Sim) -> Client {
        let addr = port_of(&sim.api_url().unwrap());
        let stream = TcpStream::connect(addr).await.unwrap();
        Client::over(Box::pin(stream))
    }

    fn over(stream: Pin<Box<dyn Stream>>) -> Client {
        Client {
            stream,
            buf: Vec::new(),
            decoder: SentenceDecoder::new(Limits::AFTER_LOGIN),
        }
    }

    async fn logged_in(sim: &Sim) -> Client {
        let mut c = Client::connect(sim).await;
        let reply = c
            .call(&[
                "/login",
                &format!("=name={}", sim.username()),
                &format!("=password={}", sim.password()),
            ])
            .await;
        assert_eq!(reply, vec![vec!["!done".to_string()]]);
        c
    }

    async fn write_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
        self.stream.flush().await.unwrap();
    }

    async fn send(&mut self, words: &[&str]) {
        self.write_raw(&encode_sentence(words)).await;
    }

    /// The next sentence, or `None` when the server closed the connection.
    async fn recv(&mut self) -> Option<Sentence> {
        let fut = read_sentence(&mut self.stream, &mut self.buf, &mut self.decoder);
        let words = tokio::time::timeout(Duration::from_secs(10), fut)
            .await
            .expect("the emulator answers within 10 s")
            .ok()??;
        Some(
            words
                .into_iter()
                .map(|w| String::from_utf8(w).unwrap())
                .collect(),
        )
    }

    /// Sends an untagged command and reads replies up to `!done` (or `!fatal`).
    async fn call(&mut self, words: &[&str]) -> Vec<Sentence> {
        self.send(words).await;
        let mut replies = Vec::new();
        loop {
            let sentence = self.recv().await.expect("connection open");
            let last = sentence[0] == "!done" || sentence[0] == "!fatal";
            replies.push(sentence);
            if last {
                return replies;
            }
        }
    }
}

fn s(words: &[&str]) -> Sentence {
    words.iter().map(|w| w.to_string()).collect()
}

fn start(version: &str, legacy_login: bool) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        legacy_login,
        ..SimConfig::default()
    })
    .unwrap()
}

fn attr<'a>(sentence: &'a Sentence, name: &str) -> Option<&'a str> {
    let prefix = format!("={name}=");
    sentence
        .iter()
        .find_map(|w| w.strip_prefix(prefix.as_str()))
}

#[test]
fn challenge_response_matches_the_documented_formula() {
    // md5(0x00 + "" + 16 zero bytes), computed independently.
    let mut md5 = Md5::new();
    md5.update([0u8; 17]);
    let want = format!("00{}", hex::encode(md5.finalize()));
    assert_eq!(challenge_response("", &[0u8; 16]), want);
    assert_eq!(challenge_response("pw", &[1; 16]).len(), 34);
    assert_ne!(
        challenge_response("pw", &[1; 16]),
        challenge_response("pv", &[1; 16])
    );
}

#[test]
fn log_lines_hide_login_secrets_only() {
    let words = |ws: &[&str]| ws.iter().map(|w| w.as_bytes().to_vec()).collect::<Vec<_>>();
    assert_eq!(
        log_line(&words(&["/login", "=name=admin", "=password=hunter2"])),
        "API /login =name=admin =password=<redacted>"
    );
    assert_eq!(
        log_line(&words(&["/login", "=name=admin", "=response=00ab"])),
        "API /login =name=admin =response=<redacted>"
    );
    assert_eq!(
        log_line(&words(&["/user/add", "=password=x"])),
        "API /user/add =password=x"
    );
}

#[tokio::test]
async fn plain_login_and_what_comes_before_it() {
    let sim = start("7.18", false);
    // Wrong password: trap, done, and the connection stays usable.
    let mut c = Client::connect(&sim).await;
    let reply = c
        .call(&["/login", "=name=admin", "=password=wrong", ".tag=1"])
        .await;
    assert_eq!(
        reply,
        vec![
            s(&[
                "!trap",
                ".tag=1",
                "=message=invalid user name or password (6)"
            ]),
            s(&["!done", ".tag=1"])
        ]
    );
    let reply = c
        .call(&[
            "/login",
            "=name=admin",
            &format!("=password={}", sim.password()),
        ])
        .await;
    assert_eq!(reply, vec![s(&["!done"])]);
    let reply = c.call(&["/system/identity/print"]).await;
    assert_eq!(reply, vec![s(&["!re", "=name=MikroTik"]), s(&["!done"])]);

    // A command before login ends the session.
    let mut c = Client::connect(&sim).await;
    let reply = c.call(&["/interface/print"]).await;
    assert_eq!(reply, vec![s(&["!fatal", "not logged in"])]);
    assert_eq!(c.recv().await, None);

    // The post-6.43 router hands out no challenge.
    let mut c = Client::connect(&sim).await;
    let reply = c.call(&["/login"]).await;
    assert_eq!(reply[0][0], "!trap");

    // Too many sentences before login.
    let mut c = Client::connect(&sim).await;
    for _ in 0..MAX_SENTENCES_BEFORE_LOGIN {
        let reply = c.call(&["/login", "=name=x", "=password=y"]).await;
        assert_eq!(reply.len(), 2);
    }
    let reply = c.call(&["/login", "=name=x", "=password=y"]).await;
    assert_eq!(
        reply,
        vec![s(&["!fatal", "too many commands before login"])]
    );
    assert_eq!(c.recv().await, None);

    // The log shows API commands without the password.
    let log = sim.request_log();
    assert!(log.contains(&"API /login =name=admin =password=<redacted> .tag=1".to_string()));
    assert!(log.iter().all(|l| !l.contains(sim.password())), "{log:?}");
}

#[tokio::test]
async fn legacy_challenge_login() {
    let sim = start("7.16", true);
    let mut c = Client::connect(&sim).await;
    // A plain-text login gets the challenge instead, which is how clients fall back.
    let reply = c
        .call(&[
            "/login",
            "=name=admin",
            &format!("=password={}", sim.password()),
        ])
        .await;
    assert_eq!(reply.len(), 1);
    let challenge = attr(&reply[0], "ret").unwrap().to_string();
    assert_eq!(challenge.len(), 32);
    assert!(challenge.bytes().all(|b| b.is_ascii_hexdigit()));
    // Still not logged in.
    let reply = c.call(&["/login"]).await;
    let challenge = hex::decode(attr(&reply[0], "ret").unwrap()).unwrap();
    let wrong = challenge_response("wrong", &challenge);
    let reply = c
        .call(&["/login", "=name=admin", &format!("=response={wrong}")])
        .await;
    assert_eq!(
        reply[0],
        s(&["!trap", "=message=invalid user name or password (6)"])
    );
    // A challenge is good for one answer only.
    let right = challenge_response(sim.password(), &challenge);
    let reply = c
        .call(&["/login", "=name=admin", &format!("=response={right}")])
        .await;
    assert_eq!(reply[0][0], "!trap");
    let reply = c.call(&["/login"]).await;
    let challenge = hex::decode(attr(&reply[0], "ret").unwrap()).unwrap();
    let right = challenge_response(sim.password(), &challenge);
    let reply = c
        .call(&["/login", "=name=admin", &format!("=response={right}")])
        .await;
    assert_eq!(reply, vec![s(&["!done"])]);
    let reply = c
        .call(&["/system/resource/print", "=.proplist=version"])
        .await;
    assert_eq!(
        reply,
        vec![s(&["!re", "=version=7.16 (stable)"]), s(&["!done"])]
    );
}

#[tokio::test]
async fn empty_reply_only_from_7_18() {
    for (version, empty) in [("7.16", false), ("7.18", true), ("7.20", true)] {
        let sim = start(version, false);
        let mut c = Client::logged_in(&sim).await;
        let reply = c.call(&["/interface/macsec/print", ".tag=4"]).await;
        let mut want = Vec::new();
        if empty {
            want.push(s(&["!empty", ".tag=4"]));
        }
        want.push(s(&["!done", ".tag=4"]));
        assert_eq!(reply, want, "version {version}");
        // A query that matches nothing is a print without rows too.
        let reply = c
            .call(&["/interface/print", "?name=nothing", ".tag=5"])
            .await;
        assert_eq!(reply.len(), if empty { 2 } else { 1 }, "{version}");
        // Commands that are not print never get !empty.
        let reply = c
            .call(&["/system/identity/set", "=name=r1", ".tag=6"])
            .await;
        assert_eq!(reply, vec![s(&["!done", ".tag=6"])]);
    }
}

#[tokio::test]
async fn crud_print_queries_and_proplist() {
    let sim = start("7.20", false);
    let mut c = Client::logged_in(&sim).await;
    let reply = c
        .call(&[
            "/interface/macsec/add",
            "=interface=ether2",
            "=name=m2",
            "=cak=71a7c363794da400dbde595d3926b0e9",
            "=ckn=ab",
        ])
        .await;
    assert_eq!(reply, vec![s(&["!done", "=ret=*9"])]);
    c.call(&[
        "/interface/macsec/add",
        "=interface=ether3",
        "=comment=uplink",
    ])
    .await;
    let reply = c
        .call(&[
            "/interface/macsec/print",
            "=.proplist=.id,name,cak",
            "?name=m2",
        ])
        .await;
    assert_eq!(
        reply,
        vec![
            s(&[
                "!re",
                "=.id=*9",
                "=cak=71a7c363794da400dbde595d3926b0e9",
                "=name=m2"
            ]),
            s(&["!done"])
        ]
    );
    // ?name (exists), ?-comment (absent), comparisons and the stack.
    let names = |reply: &[Sentence]| -> Vec<String> {
        reply
            .iter()
            .filter(|r| r[0] == "!re")
            .map(|r| attr(r, "name").unwrap().to_string())
            .collect()
    };
    let reply = c
        .call(&[
            "/interface/print",
            "=.proplist=name",
            "?type=macsec",
            "?name=ether1",
            "?#|",
        ])
        .await;
    assert_eq!(names(&reply), ["ether1", "m2", "macsec1"]);
    let reply = c
        .call(&[
            "/interface/print",
            "=.proplist=name",
            "?=type=macsec",
            "?=name=m2",
            "?#!",
            "?#&",
        ])
        .await;
    assert_eq!(names(&reply), ["macsec1"]);
    let reply = c
        .call(&["/interface/macsec/getall", "=.proplist=name", "?-comment"])
        .await;
    assert_eq!(names(&reply), ["m2"]);
    let reply = c
        .call(&["/interface/macsec/print", "=.proplist=name", "?comment"])
        .await;
    assert_eq!(names(&reply), ["macsec1"]);
    let reply = c
        .call(&[
            "/interface/ethernet/print",
            "=.proplist=name",
            "?>l2mtu=1000",
            "?<mtu=1501",
            "?#&!",
        ])
        .await;
    assert!(names(&reply).is_empty());
    let reply = c
        .call(&["/interface/print", "=count-only=", "?type=ether"])
        .await;
    assert_eq!(reply, vec![s(&["!done", "=ret=8"])]);
    // set by name and by id, get, remove.
    let reply = c
        .call(&["/interface/macsec/set", "=.id=m2", "=mtu=1400"])
        .await;
    assert_eq!(reply, vec![s(&["!done"])]);
    let reply = c
        .call(&["/interface/macsec/get", "=number=*9", "=value-name=mtu"])
        .await;
    assert_eq!(reply, vec![s(&["!done", "=ret=1400"])]);
    let reply = c.call(&["/interface/macsec/remove", "=.id=*9"]).await;
    assert_eq!(reply, vec![s(&["!done"])]);
    assert_eq!(sim.records("/interface/macsec").len(), 1);
    assert!(
        sim.request_log()
            .iter()
            .any(|l| l == "API /interface/macsec/remove =.id=*9"),
        "{:?}",
        sim.request_log()
    );
}

#[tokio::test]
async fn trap_categories_and_texts() {
    let sim = start("7.18", false);
    let mut c = Client::logged_in(&sim).await;
    let reply = c.call(&["/system/routerboard/print"]).await;
    assert_eq!(
        reply,
        vec![
            s(&[
                "!trap",
                "=category=0",
                "=message=no such command or directory (routerboard)"
            ]),
            s(&["!trap", "=message=no such command prefix"]),
            s(&["!done"])
        ]
    );
    let reply = c.call(&["/interface/macsec/frobnicate"]).await;
    assert_eq!(
        reply,
        vec![
            s(&["!trap", "=category=0", "=message=no such command"]),
            s(&["!done"])
        ]
    );
    let reply = c.call(&["/interface/ethernet/remove", "=.id=*1"]).await;
    assert_eq!(
        reply[0],
        s(&["!trap", "=category=0", "=message=no such command"])
    );
    let reply = c.call(&["/interface/macsec/remove", "=.id=*99"]).await;
    assert_eq!(
        reply[0],
        s(&["!trap", "=category=0", "=message=no such item"])
    );
    let reply = c
        .call(&["/interface/macsec/add", "=interface=ether9"])
        .await;
    assert_eq!(
        reply,
        vec![
            s(&[
                "!trap",
                "=category=1",
                "=message=input does not match any value of interface"
            ]),
            s(&["!done"])
        ]
    );
    let reply = c
        .call(&["/interface/macsec/add", "=interface=ether1", "=status=x"])
        .await;
    assert_eq!(
        reply[0],
        s(&["!trap", "=category=1", "=message=unknown parameter status"])
    );
    let reply = c
        .call(&[
            "/interface/macsec/profile/add",
            "=name=p",
            "=ciphers=aes-gcm-128",
        ])
        .await;
    assert_eq!(
        reply[0],
        s(&["!trap", "=category=1", "=message=unknown parameter ciphers"])
    );
    c.call(&["/interface/macsec/add", "=interface=ether1"])
        .await;
    let reply = c
        .call(&[
            "/interface/macsec/add",
            "=interface=ether2",
            "=name=macsec1",
        ])
        .await;
    assert_eq!(
        reply[0],
        s(&[
            "!trap",
            "=message=failure: already have interface with such name"
        ])
    );
    // Nothing half-applied.
    assert_eq!(sim.records("/interface/macsec").len(), 1);
    // The session survives every trap.
    let reply = c.call(&["/quit"]).await;
    assert_eq!(reply, vec![s(&["!fatal", "session terminated on request"])]);
    assert_eq!(c.recv().await, None);
}

#[tokio::test]
async fn tags_interleave_and_cancel_stops_listen() {
    let sim = start("7.18", false);
    let mut c = Client::logged_in(&sim).await;
    // Three tagged commands in one write: every reply carries its command's tag.
    let mut batch = encode_sentence(&["/interface/macsec/listen", ".tag=l"]);
    batch.extend(encode_sentence(&["/system/identity/print", ".tag=a"]));
    batch.extend(encode_sentence(&[
        "/interface/macsec/add",
        "=interface=ether1",
        ".tag=b",
    ]));
    c.write_raw(&batch).await;
    assert_eq!(
        c.recv().await.unwrap(),
        s(&["!re", ".tag=a", "=name=MikroTik"])
    );
    assert_eq!(c.recv().await.unwrap(), s(&["!done", ".tag=a"]));
    // The add is done, and the listen, still running, reports the new interface (in
    // either order: the two run side by side).
    let (first, second) = (c.recv().await.unwrap(), c.recv().await.unwrap());
    let done = s(&["!done", ".tag=b", "=ret=*9"]);
    assert!(first == done || second == done, "{first:?} {second:?}");
    let seen = if first == done { second } else { first };
    assert_eq!(&seen[..2], &s(&["!re", ".tag=l"])[..]);
    assert_eq!(attr(&seen, "name"), Some("macsec1"));
    // A change made over REST shows up too; a removal as `=.dead=yes`, the value the
    // API documentation gives (not `true`).
    let client = reqwest::Client::new();
    let resp = client
        .delete(format!("{}/rest/interface/macsec/*9", sim.http_url()))
        .basic_auth(sim.username(), Some(sim.password()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        c.recv().await.unwrap(),
        s(&["!re", ".tag=l", "=.id=*9", "=.dead=yes"])
    );
    // Cancelling an unknown tag changes nothing.
    let reply = c.call(&["/cancel", "=tag=nope", ".tag=c0"]).await;
    assert_eq!(reply, vec![s(&["!done", ".tag=c0"])]);
    // Cancel: the listen is interrupted, /cancel is done, then the listen is done.
    c.send(&["/cancel", "=tag=l", ".tag=c"]).await;
    assert_eq!(
        c.recv().await.unwrap(),
        s(&["!trap", ".tag=l", "=category=2", "=message=interrupted"])
    );
    assert_eq!(c.recv().await.unwrap(), s(&["!done", ".tag=c"]));
    assert_eq!(c.recv().await.unwrap(), s(&["!done", ".tag=l"]));
    // No more listen output after the cancel.
    c.call(&["/interface/macsec/add", "=interface=ether2"])
        .await;
    let reply = c.call(&["/system/identity/print"]).await;
    assert_eq!(reply, vec![s(&["!re", "=name=MikroTik"]), s(&["!done"])]);

    // /cancel without a tag stops everything.
    c.send(&["/interface/listen", ".tag=x"]).await;
    c.send(&["/interface/macsec/listen", ".tag=y"]).await;
    let reply = c.call(&["/cancel"]).await;
    assert_eq!(
        reply,
        vec![
            s(&["!trap", ".tag=x", "=category=2", "=message=interrupted"]),
            s(&["!trap", ".tag=y", "=category=2", "=message=interrupted"]),
            s(&["!done"]),
        ]
    );
    assert_eq!(c.recv().await.unwrap(), s(&["!done", ".tag=x"]));
    assert_eq!(c.recv().await.unwrap(), s(&["!done", ".tag=y"]));
}

#[tokio::test]
async fn api_and_rest_share_one_store() {
    let sim = start("7.20", false);
    let mut c = Client::logged_in(&sim).await;
    let reply = c
        .call(&[
            "/interface/macsec/add",
            "=interface=ether4",
            "=name=api-made",
            "=mtu=1300",
        ])
        .await;
    let id = attr(&reply[0], "ret").unwrap().to_string();
    let http = reqwest::Client::new();
    let got: Value = http
        .get(format!("{}/rest/interface/macsec/api-made", sim.http_url()))
        .basic_auth(sim.username(), Some(sim.password()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got[".id"], id.as_str());
    assert_eq!(got["mtu"], "1300");
    assert_eq!(got["interface"], "ether4");
    // And the other way round.
    let resp = http
        .patch(format!("{}/rest/interface/macsec/{id}", sim.http_url()))
        .basic_auth(sim.username(), Some(sim.password()))
        .json(&json!({"comment": "from rest"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let reply = c
        .call(&[
            "/interface/macsec/print",
            "=.proplist=comment",
            &format!("?.id={id}"),
        ])
        .await;
    assert_eq!(reply[0], s(&["!re", "=comment=from rest"]));
    let log = sim.request_log();
    assert_eq!(
        log.iter().filter(|l| l.starts_with("API ")).count(),
        3,
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("PATCH /rest/interface/macsec/"))
    );
}

#[tokio::test]
async fn injected_faults_fire_once_in_order_on_matching_commands() {
    let sim = start("7.20", false);
    sim.inject_api_fault(ApiFault::FatalOnNext("/interface/macsec/add".into()));
    sim.inject_api_fault(ApiFault::DropMidReply("/interface/macsec/".into()));
    assert_eq!(sim.pending_api_faults(), 2);

    // Login and other menus are untouched.
    let mut c = Client::logged_in(&sim).await;
    let reply = c.call(&["/system/identity/print"]).await;
    assert_eq!(reply, vec![s(&["!re", "=name=MikroTik"]), s(&["!done"])]);
    // The first matching fault (in order of injection): !fatal, the add is not run.
    let reply = c
        .call(&["/interface/macsec/add", "=interface=ether1", ".tag=7"])
        .await;
    assert_eq!(reply, vec![s(&["!fatal", FAULT_FATAL_REASON])]);
    assert_eq!(c.recv().await, None);
    assert!(sim.records("/interface/macsec").is_empty());
    assert_eq!(sim.pending_api_faults(), 1);

    // The second: the add runs, its reply is cut inside the sentence.
    let mut c = Client::logged_in(&sim).await;
    c.send(&["/interface/macsec/add", "=interface=ether2", ".tag=8"])
        .await;
    let mut received = Vec::new();
    loop {
        let mut chunk = [0u8; 256];
        let n = tokio::time::timeout(Duration::from_secs(10), c.stream.read(&mut chunk))
            .await
            .expect("the emulator closes the connection")
            .unwrap();
        if n == 0 {
            break;
        }
        received.extend_from_slice(&chunk[..n]);
    }
    let whole = Out::Done(vec![("ret".into(), "*9".into())]).encode(Some("8"));
    assert_eq!(received, whole[..whole.len() / 2]);
    let rows = sim.records("/interface/macsec");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][".id"], "*9");
    assert_eq!(sim.pending_api_faults(), 0);

    // Used up: the next connection works normally.
    let mut c = Client::logged_in(&sim).await;
    let reply = c.call(&["/interface/macsec/print", "=.proplist=.id"]).await;
    assert_eq!(reply, vec![s(&["!re", "=.id=*9"]), s(&["!done"])]);
}

#[tokio::test]
async fn oversized_lengths_close_the_connection_without_reading_on() {
    let sim = start("7.18", false);
    // Before login a modest word is already too long.
    let mut c = Client::connect(&sim).await;
    c.write_raw(&[0x88, 0x00]).await; // announces 2048 bytes, sends none
    let reply = c.recv().await.unwrap();
    assert_eq!(reply[0], "!fatal");
    assert!(reply[1].contains("2048"), "{reply:?}");
    assert_eq!(c.recv().await, None);
    // After login, a 5-byte prefix announcing 4 GiB: refused from the prefix alone, so
    // the answer comes although no byte of the word follows.
    let mut c = Client::logged_in(&sim).await;
    c.write_raw(&[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]).await;
    let reply = c.recv().await.unwrap();
    assert_eq!(
        reply,
        s(&[
            "!fatal",
            "word of 4294967295 bytes exceeds the limit of 1048576 bytes"
        ])
    );
    assert_eq!(c.recv().await, None);
    // A reserved control byte.
    let mut c = Client::logged_in(&sim).await;
    c.write_raw(&[0xF8]).await;
    assert_eq!(c.recv().await.unwrap()[0], "!fatal");
    // The emulator keeps serving others.
    let mut c = Client::logged_in(&sim).await;
    assert_eq!(c.call(&["/system/identity/print"]).await.len(), 2);
}

#[tokio::test]
async fn api_ssl_uses_the_emulator_ca() {
    use rustls_pki_types::pem::PemObject;
    let sim = start("7.18", false);
    let url = sim.apis_url().unwrap();
    assert!(url.starts_with("apis://127.0.0.1:"), "{url}");
    let pem = sim.ca_certificate_pem().unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(port_of(&url)).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let tls = connector.connect(name, tcp).await.unwrap();
    let mut c = Client::over(Box::pin(tls));
    let reply = c
        .call(&[
            "/login",
            "=name=admin",
            &format!("=password={}", sim.password()),
        ])
        .await;
    assert_eq!(reply, vec![s(&["!done"])]);
    let reply = c.call(&["/system/identity/print"]).await;
    assert_eq!(reply[0], s(&["!re", "=name=MikroTik"]));
    // Plain API on the TLS port gets no API reply.
    let mut plain = Client::over(Box::pin(TcpStream::connect(port_of(&url)).await.unwrap()));
    plain.send(&["/login", "=name=admin", "=password=x"]).await;
    let answer = plain.recv().await;
    assert!(
        answer.as_ref().is_none_or(|s| s[0] != "!done"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn api_can_be_turned_off() {
    let sim = Sim::spawn(SimConfig {
        api: false,
        ..SimConfig::default()
    })
    .unwrap();
    assert!(sim.api_url().is_none());
    assert!(sim.apis_url().is_none());
    let no_tls = Sim::spawn(SimConfig {
        https: false,
        ..SimConfig::default()
    })
    .unwrap();
    assert!(no_tls.api_url().unwrap().starts_with("api://127.0.0.1:"));
    assert!(no_tls.apis_url().is_none());
}
