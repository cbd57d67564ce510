//! A router that never ends a listing, or lists more rows than the cap:
//! the REST transport stops at the caps of [`ReplyLimits`]. The router is
//! a few lines of tokio on 127.0.0.1 that answers one request as scripted.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;

/// Accepts one connection on a fresh port and hands it, with the request's
/// head read, to `answer`; returns the transport's base URL and the task.
async fn router<F, Fut, T>(answer: F) -> (String, tokio::task::JoinHandle<T>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(s.read(&mut byte).await.unwrap(), 1);
            head.push(byte[0]);
        }
        answer(s).await
    });
    (base, task)
}

fn transport(base: &str, limits: ReplyLimits) -> RestTransport {
    RestTransport::new(
        base,
        "admin",
        "secret",
        &TlsOptions::default(),
        Duration::from_secs(30),
        "",
    )
    .unwrap()
    .with_limits(limits)
}

/// Regression (an attacker's test): a listing that never ends drove the
/// provider to 2 GB in 30 s. Reading now stops at the byte cap with an
/// error that says how to raise it, having read at most the cap and one
/// chunk; the connection is closed, so the router's writes fail.
#[tokio::test]
async fn a_listing_that_never_ends_stops_at_the_byte_cap() {
    let (base, server) = router(|mut s| async move {
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        let rows = "{\".id\":\"*1\",\"name\":\"macsec1\"},".repeat(1000);
        let chunk = format!("{:x}\r\n[{rows}\r\n", rows.len() + 1);
        let mut sent = 0u64;
        let mut first = true;
        loop {
            let body = if first {
                chunk.clone()
            } else {
                format!("{:x}\r\n{rows}\r\n", rows.len())
            };
            first = false;
            if s.write_all(body.as_bytes()).await.is_err() {
                return sent;
            }
            sent += body.len() as u64;
        }
    })
    .await;
    let cap = 1u64 << 20;
    let rest = transport(
        &base,
        ReplyLimits {
            max_bytes: cap,
            max_rows: DEFAULT_ROWS,
        },
    );
    let e = rest.list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&e, Error::TooLarge { cap: Cap::Bytes(c), what, .. } if *c == cap && what == "GET /interface/macsec"),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains("max_reply_bytes") && text.contains("ROUTEROS_MAX_REPLY_BYTES"),
        "{text}"
    );
    let read = rest.bytes_received();
    assert!(read > cap && read <= cap + (1 << 20), "read {read} bytes");
    drop(rest);
    // The router's writes fail once the client has closed the connection.
    let sent = server.await.unwrap();
    assert!(sent >= read, "sent {sent}, read {read}");
}

const DEFAULT_ROWS: u64 = crate::DEFAULT_MAX_REPLY_ROWS;

/// Regression (an attacker's test): a listing of 300,000 rows took about
/// 1 GB. Small rows stay under the byte cap, so the row cap stops it, at
/// the first row over.
#[tokio::test]
async fn a_listing_of_300000_rows_is_over_the_row_cap() {
    let body = format!("[{}{{}}]", "{},".repeat(299_999));
    let (base, server) = router(move |mut s| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let _ = s.write_all(body.as_bytes()).await;
    })
    .await;
    let rest = transport(&base, ReplyLimits::default());
    let e = match rest.list("/interface/macsec").await {
        Ok(rows) => panic!("{} rows read, over the cap", rows.len()),
        Err(e) => e,
    };
    assert!(
        matches!(
            &e,
            Error::TooLarge {
                cap: Cap::Rows(DEFAULT_ROWS),
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("ROUTEROS_MAX_REPLY_ROWS"), "{e}");
    server.await.unwrap();
}

/// A `Content-Length` over the cap is refused before the body is read.
#[tokio::test]
async fn a_body_announced_over_the_cap_is_not_read() {
    let (base, server) = router(|mut s| async move {
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2199023255552\r\n\r\n[")
            .await
            .unwrap();
    })
    .await;
    let rest = transport(
        &base,
        ReplyLimits {
            max_bytes: 1 << 20,
            max_rows: DEFAULT_ROWS,
        },
    );
    let e = rest.list("/file").await.unwrap_err();
    assert!(matches!(&e, Error::TooLarge { .. }), "{e}");
    assert_eq!(rest.bytes_received(), 0);
    server.await.unwrap();
}
