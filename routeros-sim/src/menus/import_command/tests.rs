//! `/import` of a script from the file area, and `/system/backup/load` bringing back
//! logging, scripts and the scheduler.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::api_commands::Out;
use crate::state::Router;
use crate::test_router::{api, detail, ok, rest, router};

fn put(r: &mut Router, name: &str, text: &[u8]) {
    let now = r.clock;
    r.files.put(name, Arc::from(text), now);
}

/// Writes `text` to `x.rsc` and imports it.
fn import(r: &mut Router, text: &[u8]) -> crate::reply::Reply {
    put(r, "x.rsc", text);
    rest(r, "POST", "/rest/import", json!({"file-name": "x.rsc"}))
}

#[test]
fn an_export_imported_on_a_fresh_router_brings_the_configuration_back() {
    let mut a = router("7.20");
    ok(
        &mut a,
        "PUT",
        "/rest/interface/macsec",
        json!({"name": "m1", "interface": "ether2", "cak": "00112233445566778899aabbccddeeff", "ckn": "ab"}),
    );
    ok(
        &mut a,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "interface,warning", "action": "disk"}),
    );
    let source = ":log info (\"saved \" . \"${x}\")\n/system backup save name=b dont-encrypt=yes";
    ok(
        &mut a,
        "PUT",
        "/rest/system/script",
        json!({"name": "backup", "source": source}),
    );
    ok(
        &mut a,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "nightly", "interval": "1d", "on-event": "backup", "start-date": "2030-01-01", "start-time": "03:00:00"}),
    );
    ok(
        &mut a,
        "POST",
        "/rest/export",
        json!({"file": "cfg", "show-sensitive": ""}),
    );
    let text = a.files.find("cfg.rsc").unwrap().data().clone();
    let mut b = router("7.20");
    put(&mut b, "cfg.rsc", &text);
    assert_eq!(
        ok(
            &mut b,
            "POST",
            "/rest/import",
            json!({"file-name": "cfg.rsc"})
        ),
        json!([])
    );
    let m = ok(&mut b, "GET", "/rest/interface/macsec/m1", Value::Null);
    assert_eq!(m["interface"], "ether2");
    let rules = ok(&mut b, "GET", "/rest/system/logging", Value::Null);
    assert_eq!(rules.as_array().unwrap().len(), 5);
    assert_eq!(rules[4]["topics"], "interface,warning");
    let script = ok(&mut b, "GET", "/rest/system/script/backup", Value::Null);
    assert_eq!(script["source"], source);
    let entry = ok(&mut b, "GET", "/rest/system/scheduler/nightly", Value::Null);
    assert_eq!(entry["start-time"], "03:00:00");
    assert_eq!(entry["on-event"], "backup");
}

#[test]
fn a_script_with_a_line_the_emulator_does_not_model_is_refused_whole() {
    let mut r = router("7.20");
    let reply = import(
        &mut r,
        b"/system identity\nset name=changed\n/ip address\nadd address=192.0.2.1/24 interface=ether1\n",
    );
    assert_eq!(reply.status, 400);
    assert_eq!(
        detail(&reply),
        "routeros-sim does not emulate line 4 of x.rsc (/ip/address): nothing was imported"
    );
    assert_eq!(r.identity, "MikroTik");
}

#[test]
fn a_refused_line_fails_the_import_with_its_number_and_changes_nothing() {
    let mut r = router("7.20");
    let reply = import(
        &mut r,
        b"/system identity\nset name=changed\n/interface macsec\nadd interface=ether9 name=m\n",
    );
    assert_eq!(reply.status, 400);
    assert!(
        detail(&reply).starts_with("line 4 of x.rsc (/interface/macsec add):"),
        "{}",
        detail(&reply)
    );
    assert!(detail(&reply).ends_with("nothing was imported"));
    assert_eq!(r.identity, "MikroTik");
    let reply = rest(
        &mut r,
        "POST",
        "/rest/import",
        json!({"file-name": "missing.rsc"}),
    );
    assert_eq!(reply.status, 400);
}

#[test]
fn dry_run_checks_without_applying_from_7_16() {
    let mut r = router("7.20");
    put(&mut r, "x.rsc", b"/system identity\nset name=changed\n");
    ok(
        &mut r,
        "POST",
        "/rest/import",
        json!({"file-name": "x.rsc", "dry-run": ""}),
    );
    assert_eq!(r.identity, "MikroTik");
    let mut old = router("7.9.2");
    put(&mut old, "x.rsc", b"/system identity\nset name=changed\n");
    let reply = rest(
        &mut old,
        "POST",
        "/rest/import",
        json!({"file-name": "x.rsc", "dry-run": ""}),
    );
    assert_eq!(detail(&reply), "unknown parameter dry-run");
    let out = api(&mut old, &["/import", "=file-name=x.rsc"]);
    assert_eq!(out, [Out::Done(Vec::new())]);
    assert_eq!(old.identity, "changed");
}

#[test]
fn hostile_script_files_are_refused_not_run() {
    let mut r = router("7.20");
    let mut huge = b"/system identity\nset name=".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    for text in [
        &b"/system identity\nset name=\"unterminated\n"[..],
        b"/system identity\nset name=a\0b\n",
        b":execute \"/system reboot\"\n",
        b"/system script\nadd source=\"${x}%{y}\" name=../x\n",
        &huge,
        b"\xff\xfe\xfd",
    ] {
        put(&mut r, "h.rsc", text);
        let reply = rest(
            &mut r,
            "POST",
            "/rest/import",
            json!({"file-name": "h.rsc"}),
        );
        assert!(reply.status == 400 || reply.status == 200, "{reply:?}");
    }
    // The one acceptable line adds a script whose text is kept as text, never run.
    let scripts: Vec<_> = r.scripts.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0]["name"], "../x");
    assert_eq!(scripts[0]["source"], "${x}%{y}");
    assert_eq!(scripts[0]["run-count"], "0");
    assert_eq!(r.files.files.len(), 1, "no file but the script file");
}

#[test]
fn backup_load_reboots_into_logging_scripts_and_scheduler() {
    let mut r = router("7.20");
    ok(
        &mut r,
        "PUT",
        "/rest/system/script",
        json!({"name": "s", "source": ":log info \"x\""}),
    );
    ok(
        &mut r,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "n", "interval": "1d", "on-event": "s"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/system/logging/disable",
        json!({".id": "*1"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"name": "b", "dont-encrypt": "yes"}),
    );
    ok(&mut r, "DELETE", "/rest/system/script/s", Value::Null);
    ok(&mut r, "DELETE", "/rest/system/scheduler/n", Value::Null);
    ok(
        &mut r,
        "POST",
        "/rest/system/logging/enable",
        json!({".id": "*1"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/log/info",
        json!({"message": "before the load"}),
    );
    let boots = r.boots;
    ok(
        &mut r,
        "POST",
        "/rest/system/backup/load",
        json!({"name": "b.backup", "password": ""}),
    );
    assert_eq!(r.boots, boots + 1);
    assert_eq!(
        ok(&mut r, "GET", "/rest/system/script/s", Value::Null)["source"],
        ":log info \"x\""
    );
    assert_eq!(
        ok(&mut r, "GET", "/rest/system/scheduler/n", Value::Null)["interval"],
        "1d"
    );
    assert_eq!(
        ok(&mut r, "GET", "/rest/system/logging/*1", Value::Null)["disabled"],
        "true"
    );
    // The memory log does not survive the reboot; `info` is disabled again, so not even
    // `router rebooted` is kept.
    assert!(
        ok(&mut r, "GET", "/rest/log", Value::Null)
            .as_array()
            .unwrap()
            .is_empty()
    );
}
