//! `routeros_log` against a pair of cabled emulators whose MACsec link was
//! configured by hand with a wrong key on one end (issue 22):
//!
//! - the data source on one end shows the MKA failure, its message saying
//!   what failed, and a `check` block warns with it (Terraform 1.5+);
//! - an hour later (the emulators' clocks advanced), with the key fixed by
//!   hand, the link is `open-encrypted`, the log's last interface event
//!   says so, and the check passes (`since = "30m"`);
//! - messages logged with quotes, `${`, `%{`, newlines, NUL, control and
//!   bidirectional characters come through byte for byte, and a huge one is
//!   cut to the bound.
//!
//! Terraform 1.15.5 reads the log over the classic API, 1.0.3 over REST
//! (without the check block, which needs 1.5); two applies each.

use std::time::Duration;

use acceptance::harness::{ProviderBlock, Scheme, for_each_terraform, rest_ok, start_pair};
use acceptance::sim::Sim;
use reqwest::Method;
use serde_json::{Value, json};

const CAK: &str = "3c5e7a9b1d2f40618293a4b5c6d7e8f9";
const WRONG_CAK: &str = "99999999999999999999999999999999";
const CKN: &str = "0123456789abcdef0123456789abcdef";

/// Messages a script (or anyone who can log) could put into the log.
fn hostile() -> Vec<String> {
    vec![
        "\"quoted\" \\back\\slash ${file(\"/etc/passwd\")} %{ if true }x%{ endif }".into(),
        "line\nbreak\r\ttab \u{1}\u{7}\u{1b}[31m nul\u{0}end".into(),
        "\u{202e}bidi\u{2066} override ../../etc/passwd".into(),
    ]
}

const HUGE_BYTES: usize = 100_000;

const DATA: &str = r#"
data "routeros_log" "mka" {
  topics        = ["interface"]
  message_regex = "MKA (peer not accepted|peer lost|found no cipher suite)"
  since         = "30m"
}
data "routeros_log" "script" {
  topics      = ["script"]
  max_entries = 10
}
data "routeros_log" "link" {
  topics      = ["interface"]
  max_entries = 1
}
output "mka" {
  value = data.routeros_log.mka.entries
}
output "script" {
  value = data.routeros_log.script.entries
}
output "last_link_event" {
  value = data.routeros_log.link.entries
}
"#;

const CHECK: &str = r#"
check "no_mka_failures" {
  assert {
    condition     = length(data.routeros_log.mka.entries) == 0
    error_message = join("\n", [for e in data.routeros_log.mka.entries : "MKA failure: ${e.message}"])
  }
}
"#;

fn macsec(sim: &Sim, cak: &str) {
    rest_ok(
        sim,
        Method::PUT,
        "/interface/macsec",
        Some(json!({"name": "macsec1", "interface": "ether1", "cak": cak, "ckn": CKN})),
    );
}

fn messages(entries: &Value) -> Vec<String> {
    entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["message"].as_str().expect("message").to_string())
        .collect()
}

#[test]
fn the_log_shows_an_mka_key_failure_a_check_reports_it_and_passes_once_fixed() {
    for_each_terraform(|tf| {
        let newest = tf.version_tuple() >= (1, 5, 0);
        let scheme = if newest { Scheme::Api } else { Scheme::Http };
        let (a, b) = start_pair("7.20");
        macsec(&a, CAK);
        macsec(&b, WRONG_CAK);
        for message in hostile() {
            rest_ok(
                &a,
                Method::POST,
                "/log/info",
                Some(json!({ "message": message })),
            );
        }
        let huge = "é".repeat(HUGE_BYTES / 2);
        rest_ok(
            &a,
            Method::POST,
            "/log/warning",
            Some(json!({ "message": huge })),
        );

        let body = format!("{DATA}{}", if newest { CHECK } else { "" });
        let wd = tf.workdir(&ProviderBlock::for_sim(&a, scheme).main_tf(&body));
        let out = wd.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        out.assert_success();
        let outputs = wd.run(&["output", "-json"]);
        outputs.assert_success();
        let outputs = outputs.json();
        let failures = messages(&outputs["mka"]["value"]);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(
            failures[0],
            "macsec1: MKA peer not accepted: its CAK or CKN differs from this end's; set the same key on both ends"
        );
        let entry = &outputs["mka"]["value"][0];
        assert_eq!(entry["topics"], json!(["interface", "warning"]));
        assert!(
            entry["time"].as_str().unwrap().ends_with("+00:00"),
            "{entry}"
        );
        if newest {
            let text = acceptance::harness::normalise(&format!("{}\n{}", out.stdout, out.stderr));
            assert!(
                text.contains("check block assertion failed")
                    && text.contains("mka failure: macsec1: mka peer not accepted"),
                "{text}"
            );
        }
        let script = messages(&outputs["script"]["value"]);
        assert_eq!(script[..hostile().len()], hostile()[..], "byte for byte");
        let cut = &script[hostile().len()];
        assert!(cut.len() < 4200 && cut.starts_with("éé"), "{}", cut.len());
        assert!(cut.ends_with("more bytes cut by the provider)"));

        // An hour later the key is fixed by hand: the link opens, and a
        // check of the last 30 minutes passes.
        for sim in [&a, &b] {
            sim.advance_clock(Duration::from_secs(3600));
        }
        acceptance::harness::patch_named(&b, "/interface/macsec", "macsec1", json!({"cak": CAK}));
        let out = wd.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        out.assert_success();
        let text = acceptance::harness::normalise(&format!("{}\n{}", out.stdout, out.stderr));
        assert!(!text.contains("check block assertion failed"), "{text}");
        for sim in [&a, &b] {
            assert_eq!(
                sim.records("/interface/macsec")[0]["status"],
                "open-encrypted"
            );
        }
        let outputs = wd.run(&["output", "-json"]).json();
        assert_eq!(messages(&outputs["mka"]["value"]), Vec::<String>::new());
        let last = messages(&outputs["last_link_event"]["value"]);
        assert!(
            last.len() == 1
                && last[0].starts_with("macsec1: MKA session secured, status open-encrypted"),
            "{last:?}"
        );
    });
}
