//! A router that never ends a reply, or announces a word of gigabytes: the
//! API transport stops at the caps of [`crate::ReplyLimits`].

use super::*;
use crate::{Cap, ReplyLimits};

/// Regression (an attacker's test): a `!re` stream that never ends drove
/// the provider to gigabytes. The command now fails at the row cap, the
/// router is asked to `/cancel` it, and nothing past the cap is kept.
#[tokio::test]
async fn a_listing_that_never_ends_stops_at_the_row_cap_over_the_api() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        let (mut rd, mut wr) = tokio::io::split(p.stream);
        let row = encode_sentence(&["!re", "=.id=*1", "=name=macsec1", &t(&tg)]).unwrap();
        let batch: Vec<u8> = row.iter().copied().cycle().take(row.len() * 100).collect();
        // Rows without end, until the client's /cancel arrives.
        let flood = async {
            let mut sent = 0u64;
            while wr.write_all(&batch).await.is_ok() {
                sent += 100;
            }
            sent
        };
        let cancel = async {
            let mut decoder = Decoder::default();
            let mut chunk = [0u8; 4096];
            loop {
                if let Some(s) = decoder.next_sentence().unwrap() {
                    let words: Vec<String> = s
                        .into_iter()
                        .map(|w| String::from_utf8(w).unwrap())
                        .collect();
                    if words[0] == "/cancel" {
                        return words;
                    }
                }
                let n = rd.read(&mut chunk).await.unwrap();
                assert!(n > 0, "the client closed without /cancel");
                decoder.feed(&chunk[..n]);
            }
        };
        tokio::select! {
            words = cancel => (words, tg),
            sent = flood => panic!("the flood ended after {sent} rows without a /cancel"),
        }
    });
    let api = plain(port).with_limits(ReplyLimits {
        max_bytes: 64 << 20,
        max_rows: 1000,
    });
    let e = api.list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&e, Error::TooLarge { cap: Cap::Rows(1000), what, .. } if what == "/interface/macsec/print"),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains("max_reply_rows") && text.contains("ROUTEROS_MAX_REPLY_ROWS"),
        "{text}"
    );
    let (cancel, tg) = server.await.unwrap();
    assert!(has(&cancel, &format!("=tag={tg}")), "{cancel:?}");
}

/// The byte cap holds over the API as well: few rows, but large ones.
#[tokio::test]
async fn rows_over_the_byte_cap_stop_the_reply_over_the_api() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/file/print").await;
        let big = format!("=contents={}", "x".repeat(100 << 10));
        for _ in 0..20 {
            p.send(&["!re", &big, &t(&tg)]).await;
        }
        p.send(&["!done", &t(&tg)]).await;
        loop {
            let words = p.read().await;
            if words[0] == "/cancel" {
                return words;
            }
        }
    });
    let api = plain(port).with_limits(ReplyLimits {
        max_bytes: 1 << 20,
        max_rows: 1000,
    });
    let e = api.list("/file").await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::TooLarge {
                cap: Cap::Bytes(1048576),
                ..
            }
        ),
        "{e}"
    );
    server.await.unwrap();
}

/// A word whose length prefix claims 4 GiB ends the session at once: no
/// memory is reserved for it and no timeout is waited for.
#[tokio::test]
async fn a_word_claiming_gigabytes_is_refused_without_reading_it() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, _) = logged_in_expecting(&l, "/interface/macsec/print").await;
        p.send_raw(&[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]).await;
        p.send_raw(b"!re").await;
        p.until_closed().await
    });
    let api = transport(
        &format!("api://127.0.0.1:{port}"),
        TlsOptions::default(),
        Duration::from_secs(3600),
    );
    let e = api.list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&e, Error::Protocol { reason, .. } if reason.contains("4294967295 bytes")),
        "{e}"
    );
    drop(api);
    server.await.unwrap();
}
