//! `/system/script` and its interpreter: the backup-with-retention template run by the
//! scheduler, REST and API, and the commands the emulator refuses.

use std::time::Duration;

use serde_json::{Value, json};

use crate::api_commands::Out;
use crate::file_store::time_property;
use crate::state::Router;
use crate::test_router::{api, api_rows, detail, ok, rest, router};

use super::interp;

/// The template of DESIGN.md, "The backup script".
const TEMPLATE: &str = include_str!("backup_with_retention.rsc");

/// Text for a double-quoted RouterOS string: `\`, `"` and `$` escaped, control
/// characters as `\n`-style or hex escapes (the provider's generator does the same).
fn escaped(text: &str) -> String {
    let quoted = crate::menu::quote(&format!("{text} "));
    quoted[1..quoted.len() - 2].to_string()
}

/// The template filled in for `r`'s version.
fn backup_script(
    r: &Router,
    prefix: &str,
    keep: u32,
    password: Option<&str>,
    message: &str,
) -> String {
    let save = match password {
        Some(p) => format!("password=\"{}\"", escaped(p)),
        None => "dont-encrypt=yes".into(),
    };
    TEMPLATE
        .replace("{{prefix}}", prefix)
        .replace("{{keep}}", &keep.to_string())
        .replace("{{save}}", &save)
        .replace("{{message}}", &escaped(message))
        .replace("{{time}}", time_property(r.version()))
}

fn backups(r: &Router, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = r
        .files
        .files
        .iter()
        .map(|f| f.name.clone())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".backup"))
        .collect();
    names.sort();
    names
}

/// Adds the script `name` and a daily scheduler entry `nightly` running it from now.
fn schedule_daily(r: &mut Router, name: &str, source: &str) {
    ok(
        r,
        "PUT",
        "/rest/system/script",
        json!({"name": name, "source": source}),
    );
    ok(
        r,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "nightly", "interval": "1d", "on-event": name}),
    );
}

/// Installs the script and a daily scheduler entry starting now, then runs it `days`
/// times by moving the clock a day at a time; returns every backup name made.
fn run_daily(r: &mut Router, source: &str, days: usize) -> Vec<String> {
    schedule_daily(r, "macsec-backup", source);
    let mut made = Vec::new();
    for day in 0..days {
        let step = if day == 0 { 0 } else { 86_400 };
        assert_eq!(r.advance_clock(Duration::from_secs(step)), 1, "day {day}");
        for name in backups(r, "macsec_config_backup_") {
            if !made.contains(&name) {
                made.push(name);
            }
        }
    }
    made
}

#[test]
fn backup_script_run_ten_times_keeps_the_seven_newest_and_logs_each_run() {
    for version in ["7.12", "7.20", "7.24"] {
        let mut r = router(version);
        // Someone else's backup, which the script must not touch.
        ok(
            &mut r,
            "POST",
            "/rest/system/backup/save",
            json!({"name": "manual", "dont-encrypt": "yes"}),
        );
        let source = backup_script(&r, "macsec_config_backup", 7, None, "MACsec backup saved: ");
        let made = run_daily(&mut r, &source, 10);
        assert_eq!(made.len(), 10, "{version}: {made:?}");
        assert_eq!(
            backups(&r, "macsec_config_backup_"),
            made[3..].to_vec(),
            "{version}"
        );
        assert!(r.files.find("manual.backup").is_some(), "{version}");
        let log = ok(&mut r, "GET", "/rest/log", Value::Null);
        let log = log.as_array().unwrap();
        assert_eq!(log.len(), 10, "{version}: {log:?}");
        for (entry, name) in log.iter().zip(&made) {
            assert_eq!(entry["topics"], "script,info");
            assert_eq!(entry["message"], format!("MACsec backup saved: {name}"));
        }
        let script = ok(
            &mut r,
            "GET",
            "/rest/system/script/macsec-backup",
            Value::Null,
        );
        assert_eq!(script["run-count"], "10");
        let entry = ok(&mut r, "GET", "/rest/system/scheduler/nightly", Value::Null);
        assert_eq!(entry["run-count"], "10");
    }
}

#[test]
fn design_md_shows_the_template_as_the_fixture_has_it() {
    let design = include_str!("../../../../DESIGN.md");
    let script: Vec<&str> = TEMPLATE.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        design.contains(&format!("```routeros\n{}\n```", script.join("\n"))),
        "DESIGN.md, \"The backup script\", must show backup_with_retention.rsc without its comments"
    );
}

#[test]
fn backup_file_names_carry_the_date_and_time() {
    let mut r = router("7.20");
    let source = backup_script(&r, "macsec_config_backup", 7, None, "saved ");
    let made = run_daily(&mut r, &source, 1);
    let now: chrono::DateTime<chrono::Utc> = r.clock.into();
    assert_eq!(
        made,
        [format!(
            "macsec_config_backup_{}.backup",
            now.format("%Y%m%d_%H%M%S")
        )]
    );
}

#[test]
fn backup_script_with_a_password_makes_encrypted_backups_and_hostile_messages_stay_text() {
    let mut r = router("7.20");
    let message = "say \"hi\" ${x} %{y} \\ $name\n";
    let source = backup_script(&r, "b", 2, Some("p\"a$s\\s"), message);
    ok(
        &mut r,
        "PUT",
        "/rest/system/script",
        json!({"name": "s", "source": source}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/system/script/run",
        json!({".id": "s"}),
    );
    let names = backups(&r, "b_");
    assert_eq!(names.len(), 1);
    let data = r.files.find(&names[0]).unwrap().data().clone();
    assert!(
        crate::menus::system_backup::decode(&data, None).is_err(),
        "encrypted"
    );
    assert!(crate::menus::system_backup::decode(&data, Some("p\"a$s\\s")).is_ok());
    let log = ok(&mut r, "GET", "/rest/log", Value::Null);
    assert_eq!(log[0]["message"], format!("{message}{}", names[0]));
}

#[test]
fn a_single_step_of_ten_days_runs_the_same_ten_backups() {
    let mut r = router("7.20");
    let source = backup_script(&r, "macsec_config_backup", 7, None, "saved ");
    schedule_daily(&mut r, "s", &source);
    assert_eq!(r.advance_clock(Duration::from_secs(9 * 86_400)), 10);
    assert_eq!(backups(&r, "macsec_config_backup_").len(), 7);
}

#[test]
fn commands_outside_the_backup_script_are_refused_by_name() {
    let mut r = router("7.20");
    for (source, named) in [
        (
            "/ip address add address=10.0.0.1/24 interface=ether1",
            "/ip address add",
        ),
        ("/system reboot", "/system reboot"),
        (":global x 1", ":global"),
        (":put [/system identity get name]", ":put"),
        (
            "/file remove [/file find]\n:execute \"/system reboot\"",
            ":execute",
        ),
        (":local x [/interface print]", "/interface print"),
    ] {
        ok(
            &mut r,
            "PUT",
            "/rest/system/script",
            json!({"name": "bad", "source": source}),
        );
        let reply = rest(
            &mut r,
            "POST",
            "/rest/system/script/run",
            json!({".id": "bad"}),
        );
        assert_eq!(reply.status, 400, "{source}");
        let text = detail(&reply);
        assert!(
            text.contains(&format!("routeros-sim does not interpret {named}:")),
            "{source}: {text}"
        );
        assert!(text.contains("backup script"), "{text}");
        ok(&mut r, "DELETE", "/rest/system/script/bad", Value::Null);
    }
    // A refused script did nothing, and its error is in the log.
    let log = ok(&mut r, "GET", "/rest/log", Value::Null);
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 6);
    assert!(log.iter().all(|e| e["topics"] == "script,error"));
    assert!(r.files.files.is_empty());
}

#[test]
fn scripts_over_the_api() {
    let mut r = router("7.24");
    let out = api(
        &mut r,
        &[
            "/system/script/add",
            "=name=hello",
            "=source=:log info \"hello\"",
        ],
    );
    assert!(matches!(out[0], Out::Done(_)), "{out:?}");
    let rows = api_rows(&api(&mut r, &["/system/script/print", "?name=hello"]));
    assert_eq!(rows[0]["source"], ":log info \"hello\"");
    assert_eq!(rows[0]["owner"], "admin");
    assert_eq!(rows[0]["run-count"], "0");
    api(&mut r, &["/system/script/run", "=number=hello"]);
    let rows = api_rows(&api(&mut r, &["/log/print"]));
    assert_eq!(rows[0]["message"], "hello");
    let out = api(&mut r, &["/system/script/run", "=number=nope"]);
    assert_eq!(out[0], Out::Trap(Some(0), "no such item".into()));
}

/// Worst bytes and random text: the interpreter answers with an error or runs, and
/// never panics or loops.
#[test]
fn hostile_script_text_never_panics() {
    use rand::{Rng, SeedableRng};
    let mut samples: Vec<String> = [
        "",
        "\"",
        "\\",
        "${",
        "%{",
        "\n\n",
        "\0",
        "\u{7f}",
        "../../etc/passwd",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        ":if",
        ":if (",
        ":foreach x in=",
        ":local",
        ":set x",
        "$",
        "$$",
        "\"$\"",
        ":log info",
        ":log nope x",
        "/file remove",
        "/system backup save name=\"\"",
        ":local x [:pick \"abc\" 5 1]",
        ":local x [:pick \"é€\" 1 9]",
        ":local x ((((1))))",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    samples.push("(".repeat(10_000));
    samples.push("[".repeat(10_000));
    samples.push(":if (1) do={".repeat(1_000));
    samples.push(":local x 1\n".repeat(120_000));
    let mut rng = rand::rngs::StdRng::seed_from_u64(22);
    let alphabet: Vec<char> = ":$\"\\[](){}=.<>+- \n;#abcxyz019/éλ\0".chars().collect();
    for _ in 0..500 {
        let len = rng.random_range(0..60);
        samples.push(
            (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect(),
        );
    }
    for source in samples {
        let _ = interp::check(&source);
        let mut r = router("7.20");
        let _ = interp::run(&mut r, &source);
    }
}

#[test]
fn a_run_stops_after_max_steps() {
    let mut r = router("7.20");
    // 50 files and three nested loops over them: 125 000 inner statements.
    for n in 0..50 {
        let now = r.clock;
        r.files
            .put(&format!("f{n}.backup"), std::sync::Arc::from(&b""[..]), now);
    }
    let source = ":local n 0\n:foreach a in=[/file find] do={ :foreach b in=[/file find] do={ :foreach c in=[/file find] do={ :set n ($n + 1) } } }";
    let err = interp::run(&mut r, source).unwrap_err();
    assert!(err.detail.unwrap().contains("more than 100000 statements"));
}

#[test]
fn script_errors_never_show_strings_or_words_of_the_script() {
    let mut r = router("7.20");
    for source in [
        "/system backup save name=x password=\"s3cret\" )",
        "/system backup save name=x password=s3cret ]",
        ":local x [s3cret]",
        "s3cret",
        ":local p \"s3cret\" \"s3cret\"",
        ":if (\"s3cret\") do=",
        ":log info (\"s3cret\" . )",
    ] {
        let err = interp::run(&mut r, source).unwrap_err();
        let text = err.detail.unwrap_or_default();
        assert!(text.starts_with("script error: "), "{source}: {text}");
        assert!(!text.contains("s3cret"), "{source}: {text}");
    }
}

#[test]
fn doubling_a_string_stops_at_the_value_size_limit() {
    let mut r = router("7.20");
    // 2^25 bytes: past the limit, yet small enough that code without it finishes.
    let source = format!(":local x \"a\"\n{}", ":set x ($x . $x)\n".repeat(25));
    let err = interp::run(&mut r, &source).unwrap_err();
    assert!(
        err.detail
            .unwrap()
            .contains("a value longer than 1048576 bytes")
    );
    let source = format!(":local x \"a\"\n{}", ":set x \"$x$x\"\n".repeat(25));
    assert!(interp::run(&mut r, &source).is_err());
}
