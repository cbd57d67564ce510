//! Lost connections, lost replies and silent routers: what is read again,
//! what is never sent twice, and the errors that say so.

use super::*;

#[tokio::test]
async fn fatal_ends_the_session_and_the_next_request_reconnects() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        p.accept_login().await;
        p.expect("/interface/macsec/print").await;
        p.send(&["!fatal", "session terminated on request"]).await;
        drop(p);
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        p.send(&["!re", "=name=macsec1", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;
    });
    let api = plain(port);
    let err = api.list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::Unreachable { reason, .. } if reason.contains("!fatal: session terminated on request")),
        "{err:?}"
    );
    assert_eq!(api.list("/interface/macsec").await.unwrap().len(), 1);
    server.await.unwrap();
}

#[tokio::test]
async fn a_read_dropped_mid_reply_is_read_again_on_a_new_connection() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        p.send(&["!re", "=name=macsec1", &t(&tg)]).await;
        drop(p);
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        p.send(&["!re", "=name=macsec1", &t(&tg)]).await;
        p.send(&["!re", "=name=macsec2", &t(&tg)]).await;
        p.send(&["!done", &t(&tg)]).await;
    });
    let rows = plain(port).list("/interface/macsec").await.unwrap();
    assert_eq!(rows.len(), 2);
    server.await.unwrap();
}

#[tokio::test]
async fn a_read_dropped_twice_gives_one_clear_error() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        for _ in 0..2 {
            let mut p = accept(&l).await;
            p.accept_login().await;
            p.expect("/interface/macsec/print").await;
        }
    });
    let err = plain(port).list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::Unreachable { reason, .. }
            if reason.contains("again after reconnecting once") && !reason.contains("unknown")),
        "{err:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_not_sent_again() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/set").await;
        // Half of the `!done`, then the connection drops.
        let done = encode_sentence(&["!done", &t(&tg)]).unwrap();
        p.send_raw(&done[..done.len() / 2]).await;
        drop(p);
        // The next connection must start with the read, not a replayed set.
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        p.send(&["!done", &t(&tg)]).await;
    });
    let api = plain(port);
    let err = api
        .set("/interface/macsec", "*1", &record(&[("mtu", "1400")]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unreachable { reason, .. }
            if reason.contains("/interface/macsec/set") && reason.contains("unknown") && reason.contains("not sent again")),
        "{err:?}"
    );
    assert!(api.list("/interface/macsec").await.unwrap().is_empty());
    server.await.unwrap();
}

/// The fake router for a lost `add` of `name` (none: no name sent): the
/// add's answer is lost (`fatal`: `!fatal`, else the connection drops
/// inside the `!done`), and on the next connection the menu holds `after`.
/// Returns what `add` returned and every command the router received.
async fn lost_add(
    name: Option<&'static str>,
    fatal: bool,
    after: &'static [(&'static str, &'static str)],
) -> (Result<Record, Error>, Vec<Vec<String>>) {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut seen = Vec::new();
        let mut p = accept(&l).await;
        p.accept_login().await;
        let (w, tg) = p.expect("/interface/macsec/add").await;
        seen.push(w);
        if fatal {
            p.send(&["!fatal", "session terminated by administrator"])
                .await;
        } else {
            let done = encode_sentence(&["!done", "=ret=*9", &t(&tg)]).unwrap();
            p.send_raw(&done[..done.len() / 2]).await;
        }
        drop(p);
        if name.is_none() {
            return seen;
        }
        let mut p = accept(&l).await;
        p.accept_login().await;
        let (w, tg) = p.expect("/interface/macsec/print").await;
        let wanted = w
            .iter()
            .find_map(|x| x.strip_prefix("?name="))
            .map(str::to_string);
        seen.push(w);
        for (id, row_name) in after {
            if wanted.as_deref() != Some(*row_name) {
                continue;
            }
            p.send(&[
                "!re",
                &format!("=.id={id}"),
                &format!("=name={row_name}"),
                &t(&tg),
            ])
            .await;
        }
        p.send(&["!done", &t(&tg)]).await;
        seen.extend(p.until_closed().await);
        seen
    });
    let api = plain(port);
    let mut attrs = record(&[("interface", "ether1")]);
    if let Some(n) = name {
        attrs.insert("name".into(), n.into());
    }
    let result = api.add("/interface/macsec", &attrs).await;
    drop(api);
    (result, server.await.unwrap())
}

#[tokio::test]
async fn a_lost_add_that_the_router_applied_returns_the_new_row() {
    let (result, seen) =
        lost_add(Some("macsec1"), false, &[("*1", "old"), ("*9", "macsec1")]).await;
    let row = result.unwrap();
    assert_eq!(row[".id"], "*9");
    assert_eq!(row["name"], "macsec1");
    // The add was sent once; the check is one print filtered by the name
    // on the new connection, not a listing of the menu.
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[1][0], "/interface/macsec/print");
    assert!(has(&seen[1], "?name=macsec1"), "{seen:?}");
}

#[tokio::test]
async fn a_lost_add_that_the_router_did_not_apply_says_nothing_changed() {
    let (result, _) = lost_add(Some("macsec1"), true, &[("*1", "old")]).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, Error::Unreachable { reason, .. }
            if reason.contains("!fatal: session terminated by administrator")
                && reason.contains("/interface/macsec/add")
                && reason.contains("did not apply it")
                && reason.contains("nothing changed")),
        "{err:?}"
    );
    let (result, _) = lost_add(Some("macsec1"), false, &[]).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("connection dropped") && err.contains("nothing changed"),
        "{err}"
    );
}

#[tokio::test]
async fn a_lost_add_with_more_than_one_candidate_is_unknown() {
    let (result, _) = lost_add(
        Some("macsec1"),
        false,
        &[("*8", "macsec1"), ("*9", "macsec1")],
    )
    .await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("unknown") && err.contains("not sent again"),
        "{err}"
    );
}

#[tokio::test]
async fn a_lost_add_without_a_name_is_unknown_and_not_looked_up() {
    let (result, seen) = lost_add(None, false, &[]).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("unknown") && err.contains("not sent again"),
        "{err}"
    );
    assert_eq!(seen.len(), 1, "{seen:?}");
}

#[tokio::test]
async fn a_trap_stands_even_when_the_connection_drops_before_done() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/add").await;
        p.send(&[
            "!trap",
            "=category=1",
            "=message=value of mtu out of range (0..65535)",
            &t(&tg),
        ])
        .await;
    });
    let err = plain(port)
        .add("/interface/macsec", &record(&[("mtu", "99999")]))
        .await
        .unwrap_err();
    assert_eq!(
        err.detail(),
        Some("value of mtu out of range (0..65535)"),
        "{err:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn a_four_gib_length_prefix_is_refused_at_once() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut p = accept(&l).await;
        p.accept_login().await;
        p.expect("/interface/macsec/print").await;
        p.send_raw(&[0xF0, 0xFF, 0xFF, 0xFF, 0xFF, b'x']).await;
        // The client hangs up rather than waiting for 4 GiB.
        p.until_closed().await;
    });
    let err = plain(port).list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::Protocol { reason, .. } if reason.contains("4294967295")),
        "{err:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn a_silent_router_times_out_and_the_command_is_cancelled() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let (mut p, tg) = logged_in_expecting(&l, "/interface/macsec/print").await;
        let cancel = p.read().await;
        assert_eq!(cancel[0], "/cancel");
        assert!(has(&cancel, &format!("=tag={tg}")), "{cancel:?}");
    });
    let api = transport(
        &format!("api://127.0.0.1:{port}"),
        TlsOptions::default(),
        Duration::from_millis(300),
    );
    let err = api.list("/interface/macsec").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    server.await.unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    let (l, port) = listener().await;
    drop(l);
    let err = plain(port).list("/interface/macsec").await.unwrap_err();
    assert!(
        matches!(&err, Error::Unreachable { endpoint, reason }
            if endpoint == &format!("api://127.0.0.1:{port}") && reason.to_lowercase().contains("refused")),
        "{err:?}"
    );
}
