//! Tests of the derived mapping, with the worst text a router can send.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::*;

fn no() -> Option<bool> {
    Some(false)
}

/// A model with one attribute of every kind the mapping handles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
struct Sample {
    /// Id.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    id: Option<String>,
    /// Name.
    name: String,
    /// A number.
    server_priority: Option<i64>,
    /// A bool with a default.
    #[serde(default = "no")]
    disabled: Option<bool>,
    /// A set.
    topics: Option<BTreeSet<String>>,
    /// A list of numbers.
    ports: Option<Vec<i64>>,
    /// Optional text.
    comment: Option<String>,
    /// Renamed.
    ethernet: Option<String>,
    /// Not on the router.
    local_note: Option<String>,
    /// Read-only.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    mac_address: Option<String>,
}

fn mapping() -> Arc<Mapping> {
    Mapping::of::<Sample>(&[("ethernet", "port-name"), ("local_note", "")])
}

fn rec(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn sample() -> Sample {
    Sample {
        id: Some("*1".into()),
        name: "n".into(),
        server_priority: Some(10),
        disabled: Some(true),
        topics: Some(["interface".to_string(), "info".to_string()].into()),
        ports: Some(vec![514, 1514]),
        comment: Some("c".into()),
        ethernet: Some("ether1".into()),
        local_note: Some("mine".into()),
        mac_address: Some("02:00:00:00:00:01".into()),
    }
}

#[test]
fn names_are_kebab_case_with_the_resources_exceptions() {
    let m = mapping();
    assert_eq!(m.ros("id"), Some(".id"));
    assert_eq!(m.ros("server_priority"), Some("server-priority"));
    assert_eq!(m.ros("ethernet"), Some("port-name"));
    assert_eq!(m.ros("local_note"), None);
    let pairs = m.attributes();
    assert!(pairs.contains(&("server-priority", "server_priority")));
    assert!(!pairs.iter().any(|(_, a)| *a == "local_note"));
}

#[test]
fn encoding_follows_the_types_and_leaves_out_read_only_and_local_attributes() {
    let args = mapping().encode(&sample());
    assert_eq!(
        args,
        rec(&[
            ("name", "n"),
            ("server-priority", "10"),
            ("disabled", "yes"),
            ("topics", "info,interface"),
            ("ports", "514,1514"),
            ("comment", "c"),
            ("port-name", "ether1"),
        ])
    );
}

#[test]
fn an_update_sends_what_changed_and_clears_removed_text() {
    let m = mapping();
    let old = sample();
    assert!(m.to_args(&old, Some(&old)).is_empty());
    let mut new = old.clone();
    new.server_priority = Some(3);
    new.comment = None;
    new.local_note = None;
    new.mac_address = None;
    assert_eq!(
        m.to_args(&new, Some(&old)),
        rec(&[("server-priority", "3"), ("comment", "")])
    );
    // A number left out is not cleared: RouterOS keeps its value.
    new.server_priority = None;
    assert!(!m.to_args(&new, Some(&old)).contains_key("server-priority"));
}

#[test]
fn decoding_reads_both_boolean_spellings_lists_and_keeps_local_attributes() {
    let m = mapping();
    let row = rec(&[
        (".id", "*1"),
        ("name", "n"),
        ("server-priority", " 10 "),
        ("disabled", "yes"),
        ("topics", "interface,,info, "),
        ("ports", "514,1514"),
        ("comment", "c"),
        ("port-name", "ether1"),
        ("mac-address", "02:00:00:00:00:01"),
    ]);
    let prior = sample();
    assert_eq!(m.decode(&row, Some(&prior)).unwrap(), prior);
    for (text, b) in [
        ("true", true),
        ("yes", true),
        ("false", false),
        ("no", false),
    ] {
        let got: Sample = m.decode(&rec(&[("disabled", text)]), None).unwrap();
        assert_eq!(got.disabled, Some(b), "{text}");
    }
    // Left out: false, null, empty; the local attribute has no prior.
    let bare: Sample = m.decode(&Record::new(), None).unwrap();
    assert_eq!(bare.disabled, Some(false));
    assert_eq!(bare.server_priority, None);
    assert_eq!(bare.name, "");
    assert_eq!(bare.local_note, None);
    let empty: Sample = m.decode(&rec(&[("server-priority", "")]), None).unwrap();
    assert_eq!(empty.server_priority, None);
}

#[test]
fn an_empty_comment_is_null_unless_the_prior_state_held_it_empty() {
    let m = mapping();
    let row = rec(&[("name", "n"), ("comment", "")]);
    let got: Sample = m.decode(&row, None).unwrap();
    assert_eq!(got.comment, None);
    let prior = Sample {
        comment: Some(String::new()),
        ..Sample::default()
    };
    assert_eq!(
        m.decode(&row, Some(&prior)).unwrap().comment,
        Some(String::new())
    );
    let prior = Sample {
        comment: Some("old".into()),
        ..Sample::default()
    };
    assert_eq!(m.decode(&row, Some(&prior)).unwrap().comment, None);
}

#[test]
fn hostile_text_round_trips_verbatim() {
    let m = mapping();
    let hostile = [
        "a\"b",
        "back\\slash",
        "semi;colon",
        "new\nline\r",
        "nul\0byte",
        "${var}",
        "%{ if x }",
        "../../etc/passwd",
        "\u{202e}rtl",
        "\\D0\\BF",
        "",
    ];
    for text in hostile {
        let model = Sample {
            name: text.into(),
            comment: Some(format!("{text}!")),
            ..Sample::default()
        };
        let args = m.encode(&model);
        assert_eq!(args["name"], text);
        let back: Sample = m.decode(&args, None).unwrap();
        assert_eq!(back.name, text);
        assert_eq!(back.comment, model.comment);
    }
    let huge = "x".repeat(1 << 20);
    let back: Sample = m.decode(&rec(&[("name", &huge)]), None).unwrap();
    assert_eq!(back.name.len(), 1 << 20);
}

#[test]
fn unparsable_values_are_errors_naming_the_attribute_and_the_shape_never_the_value() {
    let m = mapping();
    let cases = [
        (
            "server-priority",
            "99999999999999999999999",
            "server_priority",
        ),
        ("server-priority", "1.5", "server_priority"),
        ("server-priority", " ", "server_priority"),
        ("server-priority", "10; /system reset", "server_priority"),
        ("disabled", "maybe", "disabled"),
        ("disabled", "YES", "disabled"),
        ("disabled", "yes\0", "disabled"),
        ("ports", "514,secret-ish", "ports"),
    ];
    for (ros, text, attr) in cases {
        let err = m
            .decode::<Sample>(&rec(&[(ros, text)]), None)
            .expect_err(text);
        assert_eq!(err.attr, attr);
        assert_eq!(err.ros, ros);
        let shown = err.to_string();
        assert!(shown.contains(&format!("`{ros}`")), "{shown}");
        assert!(shown.contains(&format!("`{attr}`")), "{shown}");
        if text.len() > 3 {
            assert!(!shown.contains(text), "the value leaked: {shown}");
        }
        let d = err.diagnostic("thing", "n");
        assert_eq!(d.attribute.unwrap().to_string(), attr);
    }
    let err = m
        .decode::<Sample>(&rec(&[("disabled", "a\"b\\c\nd")]), None)
        .unwrap_err();
    assert!(
        err.problem.contains("7 characters")
            && err.problem.contains("control characters")
            && err.problem.contains("punctuation"),
        "{}",
        err.problem
    );
}

#[test]
fn numbers_at_the_edges_of_i64() {
    let m = mapping();
    for n in [i64::MIN, -1, 0, i64::MAX] {
        let got: Sample = m
            .decode(&rec(&[("server-priority", &n.to_string())]), None)
            .unwrap();
        assert_eq!(got.server_priority, Some(n));
        let model = Sample {
            server_priority: Some(n),
            ..Sample::default()
        };
        assert_eq!(m.encode(&model)["server-priority"], n.to_string());
    }
}

/// Seeded property: any text in a text attribute survives encode and
/// decode; any text in a number or bool attribute decodes or errors,
/// never panics.
#[test]
fn seeded_random_router_text_never_panics() {
    let m = mapping();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet: Vec<char> = "ab1-,;\"\\ \n\0\u{7f}\u{202e}yesnotrue9".chars().collect();
    let mut errors = 0;
    for _ in 0..2000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        for ros in ["server-priority", "disabled", "topics", "ports"] {
            if m.decode::<Sample>(&rec(&[(ros, &text)]), None).is_err() {
                errors += 1;
            }
        }
        let back: Sample = m.decode(&rec(&[("name", &text)]), None).unwrap();
        assert_eq!(back.name, text);
    }
    assert!(errors > 0);
}
