//! Tests of `routeros_log`: time forms, filters, bounds and hostile text.

use super::*;

fn rec(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn clock(date: &str, time: &str, offset: &str) -> RouterClock {
    RouterClock::from_record(&rec(&[
        ("date", date),
        ("time", time),
        ("gmt-offset", offset),
    ]))
    .expect("a clock")
}

fn entry(time: &str, topics: &str, message: &str) -> Record {
    rec(&[("time", time), ("topics", topics), ("message", message)])
}

fn filter(topics: &[&str], regex: Option<&str>, since: Option<&str>, max: Option<i64>) -> Filter {
    Filter::of(&LogModel {
        topics: Some(topics.iter().map(|t| t.to_string()).collect()),
        message_regex: regex.map(str::to_string),
        since: since.map(str::to_string),
        max_entries: max,
        ..LogModel::default()
    })
    .expect("a valid filter")
}

#[test]
fn every_time_form_routeros_prints_is_dated_by_the_routers_clock() {
    for (now, offset) in [
        (clock("2026-12-06", "12:00:00", "+02:00"), "+02:00"),
        (clock("dec/06/2026", "12:00:00", "+02:00"), "+02:00"),
        (clock("2026-12-06", "12:00:00", "7200"), "+02:00"),
    ] {
        let t = |text: &str| now.entry_time(text).map(|t| t.to_rfc3339());
        assert_eq!(t("09:54:33"), Some(format!("2026-12-06T09:54:33{offset}")));
        assert_eq!(
            t("sep/15 09:54:33"),
            Some(format!("2026-09-15T09:54:33{offset}"))
        );
        assert_eq!(
            t("09-15 09:54:33"),
            Some(format!("2026-09-15T09:54:33{offset}"))
        );
        assert_eq!(
            t("jan/02/1970 02:00:09"),
            Some(format!("1970-01-02T02:00:09{offset}"))
        );
        assert_eq!(
            t("2025-12-05 10:00:00"),
            Some(format!("2025-12-05T10:00:00{offset}"))
        );
        for bad in [
            "",
            "25:00:00",
            "feb/30 10:00:00",
            "yesterday",
            "2026-13-01 10:00:00",
        ] {
            assert_eq!(t(bad), None, "{bad:?}");
        }
    }
    assert_eq!(
        clock("2026-12-06", "12:00:00", "-05:30")
            .instant()
            .unwrap()
            .to_rfc3339(),
        "2026-12-06T12:00:00-05:30"
    );
    assert!(RouterClock::from_record(&rec(&[("date", "today"), ("time", "12:00:00")])).is_none());
}

#[test]
fn since_is_an_rfc_3339_time_or_a_duration_and_anything_else_is_named() {
    assert_eq!(parse_since("24h"), Ok(Since::Ago(Duration::hours(24))));
    assert_eq!(parse_since("1w2d"), Ok(Since::Ago(Duration::days(9))));
    assert_eq!(parse_since(" 90m "), Ok(Since::Ago(Duration::minutes(90))));
    assert!(matches!(
        parse_since("2026-12-06T12:00:00Z"),
        Ok(Since::At(_))
    ));
    for bad in [
        "",
        "0s",
        "h",
        "24",
        "1y",
        "-1h",
        "99999999999999999999s",
        "1000000d",
        "yesterday",
    ] {
        let e = parse_since(bad).unwrap_err();
        assert!(e.contains("RFC 3339") && e.contains("24h"), "{bad:?}: {e}");
    }
    // Hostile text is shown printable, never raw.
    let e = parse_since("\u{202e}1h\n").unwrap_err();
    assert!(!e.contains('\u{202e}') && !e.contains('\n'), "{e}");
}

#[test]
fn configuration_errors_name_the_attribute_and_what_to_do() {
    let err = |m: LogModel| Filter::of(&m).unwrap_err();
    let d = err(LogModel {
        message_regex: Some("MKA (".into()),
        ..LogModel::default()
    });
    assert_eq!(d.attribute, Some(AttributePath::root("message_regex")));
    assert!(d.detail.contains("regex"), "{}", d.detail);
    // A pattern too large to compile is refused, not built.
    let d = err(LogModel {
        message_regex: Some("a{1000}{1000}".into()),
        ..LogModel::default()
    });
    assert_eq!(d.attribute, Some(AttributePath::root("message_regex")));
    let d = err(LogModel {
        since: Some("last week".into()),
        ..LogModel::default()
    });
    assert_eq!(d.attribute, Some(AttributePath::root("since")));
    for max in [0, -1, MAX_ENTRIES + 1] {
        let d = err(LogModel {
            max_entries: Some(max),
            ..LogModel::default()
        });
        assert_eq!(
            d.attribute,
            Some(AttributePath::root("max_entries")),
            "{max}"
        );
    }
    for (i, topics) in [
        vec!["interface", "macsec"],
        vec!["interface", "mka"],
        vec!["interface", "a,b"],
    ]
    .into_iter()
    .enumerate()
    {
        let d = err(LogModel {
            topics: Some(topics.iter().map(|t| t.to_string()).collect()),
            ..LogModel::default()
        });
        assert_eq!(
            d.attribute,
            Some(AttributePath::root("topics").index(1)),
            "{i}"
        );
    }
    let d = err(LogModel {
        topics: Some(vec!["mka".into()]),
        ..LogModel::default()
    });
    assert!(
        d.detail.contains("interface") && d.detail.contains("message_regex"),
        "{}",
        d.detail
    );
}

#[test]
fn entries_match_any_topic_the_pattern_and_the_window_newest_kept_oldest_first() {
    let now = clock("2026-12-06", "12:00:00", "+00:00");
    let rows = vec![
        entry(
            "dec/01 10:00:00",
            "interface,warning",
            "macsec1: MKA peer not accepted: old",
        ),
        entry("10:00:00", "system,info", "router rebooted"),
        entry(
            "11:00:00",
            "interface,warning",
            "macsec1: MKA peer not accepted: its CAK or CKN differs",
        ),
        entry(
            "11:30:00",
            "interface,info",
            "macsec1: MKA session secured, status open-encrypted",
        ),
        entry(
            "11:40:00",
            "interface,warning",
            "macsec1: MKA peer lost: no MKA frames",
        ),
    ];
    let (e, n) = filter(&["interface"], None, None, None).select(&rows, &now);
    assert_eq!((e.len(), n), (4, 4));
    assert_eq!(e[0].time, "2026-12-01T10:00:00+00:00");
    assert_eq!(e[1].topics, ["interface", "warning"]);
    let (e, n) = filter(
        &["warning"],
        Some("MKA peer (lost|not accepted)"),
        Some("6h"),
        None,
    )
    .select(&rows, &now);
    assert_eq!(n, 2, "the entry of dec/01 is outside the window");
    assert!(e[0].message.ends_with("differs") && e[1].message.contains("peer lost"));
    let (e, n) = filter(
        &["warning", "info"],
        None,
        Some("2026-12-06T11:00:00Z"),
        Some(2),
    )
    .select(&rows, &now);
    assert_eq!(n, 3);
    assert_eq!(
        e.iter().map(|e| e.time.as_str()).collect::<Vec<_>>(),
        ["2026-12-06T11:30:00+00:00", "2026-12-06T11:40:00+00:00"],
        "the newest two, oldest first"
    );
    // No topics: every entry; an entry whose time cannot be read is kept.
    let odd = vec![entry("soon", "system,info", "x")];
    let (e, _) = filter(&[], None, Some("1h"), None).select(&odd, &now);
    assert_eq!(e[0].time, "soon");
}

#[test]
fn hostile_messages_come_through_as_data_and_bounded() {
    let now = clock("2026-12-06", "12:00:00", "+00:00");
    let hostile = [
        "\"quoted\" \\back\\slash ${file(\"/etc/passwd\")} %{ if true }x%{ endif }",
        "line\nbreak\r\0nul\u{7}bell\u{1b}[31mred",
        "\u{202e}bidi override\u{2066}",
        "../../etc/passwd",
    ];
    let mut rows: Vec<Record> = hostile
        .iter()
        .map(|m| entry("11:00:00", "interface,warning", m))
        .collect();
    let huge = "é".repeat(1_000_000);
    rows.push(entry("11:00:01", "interface,warning", &huge));
    let (e, n) = filter(&["interface"], None, None, Some(MAX_ENTRIES)).select(&rows, &now);
    assert_eq!(n, hostile.len() + 1);
    for (got, want) in e.iter().zip(hostile) {
        assert_eq!(got.message, want, "kept byte for byte");
    }
    let cut = &e[hostile.len()].message;
    assert!(cut.len() < MAX_MESSAGE_BYTES + 100, "{}", cut.len());
    assert!(
        cut.ends_with("more bytes cut by the provider)"),
        "{}",
        &cut[cut.len() - 60..]
    );
    assert!(cut.starts_with("éé"));
    // The model turns into a Terraform value whatever the bytes.
    let model = LogModel {
        entries: Some(e),
        matched: Some(n as i64),
        ..LogModel::default()
    };
    let mut diags = Diagnostics::new();
    let value = state_of(
        &model,
        &crate::plugin::schema::Served::new(Log.schema()),
        &mut diags,
    )
    .expect("a value");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(value.is_wholly_known());
}

#[test]
fn the_schema_has_four_optional_inputs_and_computed_entries() {
    let s = Log.schema();
    let inputs: Vec<&str> = s
        .block
        .attributes
        .iter()
        .filter(|a| a.optional && !a.computed)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(inputs, ["max_entries", "message_regex", "since", "topics"]);
    for computed in ["entries", "matched"] {
        let a = s.block.attribute(computed).unwrap();
        assert!(a.computed && !a.optional, "{computed}");
    }
}

#[test]
fn validate_checks_what_is_known_and_skips_unknowns() {
    let mut diags = Diagnostics::new();
    Log.validate(
        &Value::object(&[
            (
                "topics",
                Value::List(vec![Value::string("interface"), Value::string("mka")]),
            ),
            ("since", Value::unknown()),
            ("message_regex", Value::unknown()),
        ]),
        &mut diags,
    );
    assert_eq!(diags.0.len(), 1, "{diags:?}");
    assert_eq!(
        diags.0[0].attribute,
        Some(AttributePath::root("topics").index(1))
    );
    let mut diags = Diagnostics::new();
    Log.validate(
        &Value::object(&[
            ("topics", Value::unknown()),
            ("since", Value::string("soon")),
        ]),
        &mut diags,
    );
    assert_eq!(diags.0[0].attribute, Some(AttributePath::root("since")));
}

/// Seeded random text for the property below: mostly the characters log
/// times and topics are made of, with the worst bytes mixed in.
fn random_text(rng: &mut impl rand::Rng, max: usize) -> String {
    const PIECES: [&str; 20] = [
        "0", "1", "2", "9", ":", "/", "-", " ", ",", "dec", "jan", "feb", "2026", "\u{0}", "\n",
        "\u{202e}", "${", "\"", "\\", "é",
    ];
    let n = rng.random_range(0..max);
    (0..n)
        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
        .collect()
}

#[test]
fn any_router_text_is_read_or_kept_as_text_never_a_panic() {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(22);
    let now = clock("2026-12-06", "12:00:00", "+00:00");
    let f = filter(&[], Some("MKA"), Some("1h"), Some(3));
    for _ in 0..5000 {
        let rows: Vec<Record> = (0..4)
            .map(|_| {
                entry(
                    &random_text(&mut rng, 24),
                    &random_text(&mut rng, 12),
                    &format!("MKA {}", random_text(&mut rng, 40)),
                )
            })
            .collect();
        let (kept, matched) = f.select(&rows, &now);
        assert!(kept.len() <= 3 && matched >= kept.len());
        for row in [
            rec(&[
                ("date", &random_text(&mut rng, 14)),
                ("time", &random_text(&mut rng, 10)),
            ]),
            rec(&[
                ("date", "2026-12-06"),
                ("time", "12:00:00"),
                ("gmt-offset", &random_text(&mut rng, 8)),
            ]),
        ] {
            if let Some(c) = RouterClock::from_record(&row) {
                let _ = c.entry_time(&random_text(&mut rng, 24));
            }
        }
        let _ = parse_since(&random_text(&mut rng, 16));
    }
}
