//! The API transport against a fake router: a task on 127.0.0.1 speaking
//! the protocol, one scripted scenario per test.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::wire::{Decoder, encode_sentence};
use super::*;
use crate::{Client, ConnectOptions};

mod bounds;
mod recovery;

/// The router's side of one connection.
struct Peer<S> {
    stream: S,
    decoder: Decoder,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Peer<S> {
    fn new(stream: S) -> Self {
        Peer {
            stream,
            decoder: Decoder::default(),
        }
    }

    /// The next sentence from the client, `None` at end of stream.
    async fn try_read(&mut self) -> Option<Vec<String>> {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(s) = self.decoder.next_sentence().unwrap() {
                return Some(
                    s.into_iter()
                        .map(|w| String::from_utf8(w).unwrap())
                        .collect(),
                );
            }
            match self.stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.decoder.feed(&chunk[..n]),
            }
        }
    }

    async fn read(&mut self) -> Vec<String> {
        self.try_read()
            .await
            .expect("the client closed the connection")
    }

    async fn send(&mut self, words: &[&str]) {
        self.stream
            .write_all(&encode_sentence(words).unwrap())
            .await
            .unwrap();
    }

    async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    /// Expects the 6.43+ login for admin/secret and accepts it.
    async fn accept_login(&mut self) {
        let login = self.read().await;
        assert_eq!(login[0], "/login");
        assert!(
            has(&login, "=name=admin") && has(&login, "=password=secret"),
            "{login:?}"
        );
        self.send(&["!done"]).await;
    }

    /// Reads a command, checks its command word, returns it and its tag.
    async fn expect(&mut self, command: &str) -> (Vec<String>, String) {
        let words = self.read().await;
        assert_eq!(words[0], command, "{words:?}");
        let t = tag(&words);
        (words, t)
    }

    /// Answers the `print ?.id=<id>` that follows an `add` or `set` with
    /// the one row `id` holding `attrs`.
    async fn answer_row(&mut self, menu: &str, id: &str, attrs: &[&str]) {
        let (w, tg) = self.expect(&format!("{menu}/print")).await;
        assert!(has(&w, &format!("?.id={id}")), "{w:?}");
        assert!(!w.iter().any(|x| x.starts_with("=.proplist")), "{w:?}");
        let mut words = vec!["!re".to_string(), format!("=.id={id}")];
        words.extend(attrs.iter().map(|a| format!("={a}")));
        words.push(t(&tg));
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        self.send(&words).await;
        self.send(&["!done", &t(&tg)]).await;
    }

    /// Waits until the client closes the connection, returning what it
    /// sent meanwhile.
    async fn until_closed(&mut self) -> Vec<Vec<String>> {
        let mut got = Vec::new();
        while let Some(s) = self.try_read().await {
            got.push(s);
        }
        got
    }
}

fn has(words: &[String], w: &str) -> bool {
    words.iter().any(|x| x == w)
}

fn tag(words: &[String]) -> String {
    words
        .iter()
        .find_map(|w| w.strip_prefix(".tag="))
        .unwrap_or_else(|| panic!("untagged command {words:?}"))
        .to_string()
}

fn t(tag: &str) -> String {
    format!(".tag={tag}")
}

async fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

async fn accept(l: &TcpListener) -> Peer<TcpStream> {
    Peer::new(l.accept().await.unwrap().0)
}

/// Accepts one connection, logs it in and waits for `command`: the peer
/// and the command's tag.
async fn logged_in_expecting(l: &TcpListener, command: &str) -> (Peer<TcpStream>, String) {
    let mut p = accept(l).await;
    p.accept_login().await;
    let (_, tg) = p.expect(command).await;
    (p, tg)
}

fn transport(url: &str, tls: TlsOptions, timeout: Duration) -> ApiTransport {
    ApiTransport::new(url, "admin", "secret", &tls, timeout).unwrap()
}

fn plain(port: u16) -> ApiTransport {
    transport(
        &format!("api://127.0.0.1:{port}"),
        TlsOptions::default(),
        Duration::from_secs(10),
    )
}

fn record(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn client_connect_picks_the_api_for_api_urls_and_logs_in() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/system/resource/print").await;
        p.send(&[
            "!re",
            "=version=7.18.2 (stable)",
            "=board-name=CHR",
            &t(&tg),
        ])
        .await;
        p.send(&["!done", &t(&tg)]).await;
    });
    let opts = ConnectOptions {
        url: format!("API://127.0.0.1:{port}"),
        username: "admin".into(),
        password: "secret".into(),
        tls: TlsOptions::default(),
        timeout: Duration::from_secs(10),
        ..Default::default()
    };
    let client = Client::connect(&opts).await.unwrap();
    assert_eq!(client.version().to_string(), "7.18.2");
    assert_eq!(client.board(), "CHR");
    assert_eq!(client.endpoint(), format!("api://127.0.0.1:{port}"));
    server.await.unwrap();
}

#[tokio::test]
async fn pre_643_routers_get_the_md5_challenge_response() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        let first = p.read().await;
        assert!(has(&first, "=name=admin") && has(&first, "=password=pw"));
        p.send(&["!done", "=ret=ebddd18303a54111e2dea05a92ab46b4"])
            .await;
        let second = p.read().await;
        assert_eq!(second[0], "/login");
        // md5(0x00 + "pw" + challenge), computed independently.
        assert!(
            has(&second, "=response=005b16d967c8857f0ad3c8f4674f30bbcc"),
            "{second:?}"
        );
        assert!(!second.iter().any(|w| w.starts_with("=password=")));
        p.send(&["!done"]).await;
        let (_, tg) = p.expect("/interface/macsec/print").await;
        p.send(&["!done", &t(&tg)]).await;
    });
    let api = ApiTransport::new(
        &format!("api://127.0.0.1:{port}"),
        "admin",
        "pw",
        &TlsOptions::default(),
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(
        api.list("/interface/macsec").await.unwrap(),
        Vec::<Record>::new()
    );
    server.await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_and_never_echoed() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        p.read().await;
        p.send(&["!trap", "=message=invalid user name or password (6)"])
            .await;
        p.send(&["!done"]).await;
        p.until_closed().await;
    });
    let err = plain(port).list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { endpoint } if endpoint == &format!("api://127.0.0.1:{port}")),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("secret"));
    server.await.unwrap();
}

#[tokio::test]
async fn tags_let_two_commands_share_one_connection_answered_out_of_order() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        p.accept_login().await;
        let a = p.read().await;
        let b = p.read().await;
        let (mac, eth) = if a[0] == "/interface/macsec/print" {
            (a, b)
        } else {
            (b, a)
        };
        assert_eq!(eth[0], "/interface/ethernet/print");
        let (tm, te) = (tag(&mac), tag(&eth));
        assert_ne!(tm, te);
        p.send(&["!re", "=name=ether1", &t(&te)]).await;
        p.send(&["!re", "=name=macsec1", &t(&tm)]).await;
        p.send(&["!re", "=name=ether2", &t(&te)]).await;
        p.send(&["!done", &t(&te)]).await;
        p.send(&["!re", "=name=macsec2", &t(&tm)]).await;
        p.send(&["!done", &t(&tm)]).await;
        // A second accept would mean a second connection.
        assert!(p.until_closed().await.is_empty());
    });
    let api = plain(port);
    let (mac, eth) = tokio::join!(
        api.list("/interface/macsec"),
        api.list("/interface/ethernet")
    );
    let names = |rows: Vec<Record>| {
        rows.into_iter()
            .map(|r| r["name"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(mac.unwrap()), ["macsec1", "macsec2"]);
    assert_eq!(names(eth.unwrap()), ["ether1", "ether2"]);
    drop(api);
    server.await.unwrap();
}

#[tokio::test]
async fn empty_means_no_rows() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        p.send(&["!empty", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;
    });
    assert!(
        plain(port)
            .list("/interface/macsec")
            .await
            .unwrap()
            .is_empty()
    );
    server.await.unwrap();
}

#[tokio::test]
async fn writes_send_their_words_and_traps_become_typed_errors() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        p.accept_login().await;

        let (w, tg) = p.expect("/interface/macsec/add").await;
        assert!(
            has(&w, "=interface=ether1") && has(&w, "=comment="),
            "{w:?}"
        );
        p.send(&["!done", "=ret=*7F", &t(&tg)]).await;
        p.answer_row(
            "/interface/macsec",
            "*7F",
            &["interface=ether1", "mtu=1468"],
        )
        .await;

        let (w, tg) = p.expect("/interface/macsec/add").await;
        assert!(has(&w, "=interface=nonexistent"));
        p.send(&[
            "!trap",
            "=category=1",
            "=message=input does not match any value of interface",
            &t(&tg),
        ])
        .await;
        p.send(&["!done", &t(&tg)]).await;

        let (w, tg) = p.expect("/interface/macsec/set").await;
        assert!(has(&w, "=.id=*7F") && has(&w, "=mtu=1400"), "{w:?}");
        p.send(&["!done", &t(&tg)]).await;
        p.answer_row(
            "/interface/macsec",
            "*7F",
            &["interface=ether1", "mtu=1400"],
        )
        .await;

        let (w, tg) = p.expect("/interface/macsec/remove").await;
        assert!(has(&w, "=.id=*99"));
        p.send(&["!trap", "=message=no such item", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;

        let (_, tg) = p.expect("/interface/nonexistent/print").await;
        p.send(&[
            "!trap",
            "=category=0",
            "=message=no such command or directory (nonexistent)",
            &t(&tg),
        ])
        .await;
        p.send(&["!done", &t(&tg)]).await;

        let (w, tg) = p.expect("/interface/macsec/monitor").await;
        assert!(has(&w, "=numbers=macsec1") && has(&w, "=once="), "{w:?}");
        p.send(&["!re", "=status=connected", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;

        let (w, tg) = p.expect("/interface/macsec/remove").await;
        assert!(has(&w, "=.id=*7F"));
        p.send(&["!empty", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;
        assert!(p.until_closed().await.is_empty());
    });
    let api = plain(port);
    let row = api
        .add(
            "/interface/macsec",
            &record(&[("interface", "ether1"), ("comment", "")]),
        )
        .await
        .unwrap();
    assert_eq!(
        row,
        record(&[(".id", "*7F"), ("interface", "ether1"), ("mtu", "1468")])
    );
    let err = api
        .add(
            "/interface/macsec",
            &record(&[("interface", "nonexistent")]),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Rejected {
            status,
            message,
            detail,
        } => {
            assert_eq!(*status, 0);
            assert_eq!(message, "argument value failure");
            assert_eq!(detail, "input does not match any value of interface");
        }
        other => panic!("{other:?}"),
    }
    let row = api
        .set("/interface/macsec", "*7F", &record(&[("mtu", "1400")]))
        .await
        .unwrap();
    assert_eq!(row["mtu"], "1400");
    let err = api.remove("/interface/macsec", "*99").await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { what } if what == "/interface/macsec/*99"),
        "{err:?}"
    );
    let err = api.list("/interface/nonexistent").await.unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { message, detail, .. }
            if message == "missing item or command" && detail.starts_with("no such command")),
        "{err:?}"
    );
    let rows = api
        .command(
            "/interface/macsec/monitor",
            &record(&[("numbers", "macsec1"), ("once", "")]),
        )
        .await
        .unwrap();
    assert_eq!(rows, vec![record(&[("status", "connected")])]);
    api.remove("/interface/macsec", "*7F").await.unwrap();
    drop(api);
    server.await.unwrap();
}

#[tokio::test]
async fn proplist_and_queries_go_into_print() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        p.accept_login().await;
        let (w, tg) = p.expect("/interface/macsec/print").await;
        let q: Vec<&str> = w
            .iter()
            .filter(|x| x.starts_with('?'))
            .map(String::as_str)
            .collect();
        assert_eq!(q, ["?name=macsec1", "?name=macsec2", "?#|"]);
        assert!(has(&w, "=.proplist=.id,name"), "{w:?}");
        p.send(&["!re", "=.id=*1", "=name=macsec1", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;
    });
    let rows = plain(port)
        .print(
            "/interface/macsec",
            Some(&[".id", "name"]),
            &["name=macsec1", "name=macsec2", "#|"],
        )
        .await
        .unwrap();
    assert_eq!(rows, vec![record(&[(".id", "*1"), ("name", "macsec1")])]);
    server.await.unwrap();
}

#[tokio::test]
async fn tls_to_a_plaintext_port_says_the_port_does_not_speak_tls() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        // A plain API service reads the ClientHello as words and gives up.
        let mut buf = [0u8; 64];
        let _ = p.stream.read(&mut buf).await;
        p.send(&["!fatal", "not logged in"]).await;
    });
    let api = transport(
        &format!("apis://127.0.0.1:{port}"),
        TlsOptions {
            insecure: true,
            ..TlsOptions::default()
        },
        Duration::from_secs(10),
    );
    let err = api.list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::WrongScheme { advice, .. } if advice.contains("does not speak TLS") && advice.contains("use api://")),
        "{err:?}"
    );
    server.await.unwrap();
}

fn tls_acceptor() -> (tokio_rustls::TlsAcceptor, Vec<u8>) {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let pem = cert.cert.pem().into_bytes();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), pem)
}

#[tokio::test]
async fn apis_trusts_the_given_certificate_or_insecure_and_refuses_others() {
    let (acceptor, pem) = tls_acceptor();
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        // 1: trusted through ca_pem; 2: untrusted (system roots); 3: insecure.
        for round in 1..=3 {
            let (tcp, _) = l.accept().await.unwrap();
            let Ok(tls) = acceptor.accept(tcp).await else {
                assert_eq!(round, 2, "handshake failed in round {round}");
                continue;
            };
            let mut p = Peer::new(tls);
            p.accept_login().await;
            let (_, tg) = p.expect("/interface/macsec/print").await;
            p.send(&["!empty", &t(&tg)]).await;
            p.send(&["!done", &t(&tg)]).await;
        }
    });
    let url = format!("apis://127.0.0.1:{port}");
    let timeout = Duration::from_secs(10);
    let trusted = transport(
        &url,
        TlsOptions {
            ca_pem: Some(pem),
            ..TlsOptions::default()
        },
        timeout,
    );
    assert!(trusted.list("/interface/macsec").await.unwrap().is_empty());
    let untrusted = transport(&url, TlsOptions::default(), timeout);
    let err = untrusted.list("/interface/macsec").await.unwrap_err();
    assert!(matches!(err, Error::UntrustedCertificate { .. }), "{err:?}");
    let insecure = transport(
        &url,
        TlsOptions {
            insecure: true,
            ..TlsOptions::default()
        },
        timeout,
    );
    assert!(insecure.list("/interface/macsec").await.unwrap().is_empty());
    server.await.unwrap();
}

#[test]
fn urls_parse_with_default_ports() {
    let p = |u: &str| Target::parse(u);
    assert_eq!(
        p("api://r").unwrap(),
        Target {
            host: "r".into(),
            port: 8728,
            tls: false
        }
    );
    assert_eq!(
        p("APIS://r/").unwrap(),
        Target {
            host: "r".into(),
            port: 8729,
            tls: true
        }
    );
    assert_eq!(p("api://10.0.0.1:1234").unwrap().port, 1234);
    assert_eq!(
        p("apis://[fe80::1]:9000").unwrap(),
        Target {
            host: "fe80::1".into(),
            port: 9000,
            tls: true
        }
    );
    assert_eq!(p("api://[::1]").unwrap().endpoint(), "api://[::1]:8728");
    assert_eq!(p("api://r").unwrap().endpoint(), "api://r:8728");
    assert!(p("api://").unwrap_err().contains("no host"));
    assert!(p("api://r:0").is_err());
    assert!(p("api://r:http").is_err());
    assert!(p("api://r/rest").unwrap_err().contains("no path"));
    assert!(p("api://admin@r").unwrap_err().contains("username"));
    assert!(p("https://r").is_err());
    assert!(p("r").is_err());
}

#[test]
fn debug_output_never_shows_the_password() {
    let api = plain(8728);
    let text = format!("{api:?}");
    assert!(
        text.contains("api://127.0.0.1:8728") && !text.contains("secret"),
        "{text}"
    );
}

#[test]
fn trap_categories_map_to_typed_errors() {
    assert!(trap_error(Some(0), "no such item", "/x/*1").is_not_found());
    assert!(trap_error(None, "no such item (4)", "/x/*1").is_not_found());
    let e = trap_error(Some(0), "no such command prefix", "/x");
    assert!(
        matches!(e, Error::Rejected { ref message, .. } if message == "missing item or command")
    );
    let e = trap_error(Some(2), "interrupted", "/x");
    assert!(
        matches!(e, Error::Rejected { ref message, ref detail, status: 0 } if message == "execution interrupted" && detail == "interrupted")
    );
    let e = trap_error(None, "failure: already have such name", "/x");
    assert_eq!(e.detail(), Some("failure: already have such name"));
    assert!(is_print("/interface/macsec/print") && !is_print("/interface/macsec/monitor"));
}

/// A plain api service that waits for more of the ClientHello (it reads
/// it as words) gives no TLS answer at all: the timeout is followed by a
/// probe (`/quit`, no credentials) that finds the plain API, and the error
/// says to use api://.
#[tokio::test]
async fn tls_to_a_silent_plaintext_port_says_to_use_api() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut hello = accept(&l).await;
        let mut buf = [0u8; 64];
        let _ = hello.stream.read(&mut buf).await;
        let mut probe = accept(&l).await;
        let quit = probe.read().await;
        assert_eq!(quit, ["/quit"]);
        probe
            .send(&["!fatal", "session terminated on request"])
            .await;
        drop(hello);
    });
    let api = transport(
        &format!("apis://127.0.0.1:{port}"),
        TlsOptions::default(),
        Duration::from_secs(1),
    );
    let err = api.list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::WrongScheme { advice, .. } if advice.contains("use api://")),
        "{err:?}"
    );
    server.await.unwrap();
}
