//! The backup script's generator and reader, with hostile text.

use super::*;

fn params(message: &str, password: Option<&str>) -> Params {
    Params {
        prefix: "macsec_config_backup".into(),
        keep: 7,
        message: message.into(),
        time: time_property(true),
        password: password.map(|p| Zeroizing::new(p.to_string())),
    }
}

#[test]
fn the_template_is_the_emulators_fixture_without_its_comments() {
    let fixture =
        include_str!("../../../../../routeros-sim/src/menus/script/backup_with_retention.rsc");
    let body: String = fixture
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(TEMPLATE, body);
}

#[test]
fn a_rendered_script_reads_back_as_what_it_was_made_from() {
    for text in HOSTILE_TEXTS {
        for password in [None, Some(text)] {
            let p = params(text, password);
            let source = render(&p);
            assert_eq!(parse(&source), Some(p.clone()), "{text:?}");
            assert!(!source.contains("{{"), "{}", source.as_str());
        }
    }
}

#[test]
fn a_script_edited_by_hand_is_not_read_as_the_providers() {
    let source = render(&params("saved: ", None)).to_string();
    for edited in [
        source.replace(":local keep 7", ":local keep 07"),
        source.replace("/file remove $old", "/system reboot"),
        format!("{source}/system reboot\n"),
        source
            .replace("last-modified", "creation-time")
            .replace(":local keep 7", ":local keep 7 "),
        String::new(),
    ] {
        assert_eq!(parse(&edited), None, "{edited}");
    }
}

#[test]
fn masking_hides_every_password_argument_and_the_known_password() {
    let source = render(&params("m", Some("s3cr\"et$"))).to_string();
    let shown = mask_passwords(&source, Some("s3cr\"et$"));
    assert!(!shown.contains("s3cr"), "{shown}");
    assert_eq!(shown, masked(&params("m", Some("x"))));
    let hand =
        "/system backup save name=a password=bare1 ; :log info \"s3cret\" password=\"q\\\"uoted\"";
    let shown = mask_passwords(hand, Some("s3cret"));
    for secret in ["bare1", "s3cret", "uoted"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // An unterminated quote masks to the end.
    assert_eq!(
        mask_passwords("password=\"abc", None),
        "password=\"********\""
    );
}

#[test]
fn unprintable_text_is_refused_without_quoting_it() {
    for bad in [
        "new\nline",
        "nul\0",
        "tab\t",
        "\u{7f}",
        "пароль",
        "bidi\u{202e}",
    ] {
        let problem = text_problem(bad, 255).unwrap();
        assert!(!problem.contains(bad), "{problem}");
    }
    assert!(
        text_problem(&"x".repeat(256), 255)
            .unwrap()
            .contains("256 bytes")
    );
    assert_eq!(text_problem("ok ${} \"\\", 255), None);
    for bad in ["", "a b", "a/../b", "a\"", "x$y", &"p".repeat(65)] {
        assert!(prefix_problem(bad).is_some(), "{bad:?}");
    }
    assert_eq!(prefix_problem("macsec_config-backup2"), None);
}

/// Every printable ASCII text is escaped so that it reads back whole, and
/// the escaped form never ends the quoted string early.
#[test]
fn escape_round_trips_every_printable_ascii_text() {
    let all: String = (' '..='~').collect();
    for text in [all.as_str(), "\\\\\"\"$$??", ""] {
        let escaped = escape(text);
        assert_eq!(unescape(&escaped).as_deref(), Some(text));
        let mut backslashes = 0;
        for c in escaped.chars() {
            if c == '"' || c == '$' {
                assert_eq!(backslashes % 2, 1, "{escaped}");
            }
            backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        }
    }
}

/// The resource's docs show the script as the provider writes it.
#[test]
fn the_docs_show_the_script_the_provider_writes() {
    let notes = include_str!("../../../../../examples/resources/routeros_backup_schedule/notes.md");
    let shown = notes
        .split("```routeros\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a routeros block");
    let p = Params {
        message: "configuration backup saved: ".into(),
        ..params("", None)
    };
    assert_eq!(shown, render(&p).as_str());
}
