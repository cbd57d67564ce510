//! `/system/logging`, `/system/logging/action`, `/log`, and the MACsec/MKA events the
//! emulator logs, over REST and the classic API.

use serde_json::{Value, json};

use crate::api_commands::Out;
use crate::state::Router;
use crate::test_router::{api, api_rows, detail, ok, rest, router};

const CAK_A: &str = "00112233445566778899aabbccddeeff";
const CAK_B: &str = "ffeeddccbbaa99887766554433221100";
const CKN: &str = "abcdef0123456789";

fn log(r: &mut Router) -> Vec<Value> {
    ok(r, "GET", "/rest/log", Value::Null)
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn field(rows: &[Value], key: &str) -> Vec<String> {
    rows.iter()
        .map(|row| row[key].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn fresh_router_has_the_default_rules_and_actions() {
    let mut r = router("7.20");
    let rules = ok(&mut r, "GET", "/rest/system/logging", Value::Null);
    let rules = rules.as_array().unwrap();
    assert_eq!(
        field(rules, "topics"),
        ["info", "error", "warning", "critical"]
    );
    assert_eq!(
        field(rules, "action"),
        ["memory", "memory", "memory", "echo"]
    );
    assert_eq!(field(rules, "default"), ["true"; 4]);
    assert_eq!(field(rules, "invalid"), ["false"; 4]);
    let actions = ok(&mut r, "GET", "/rest/system/logging/action", Value::Null);
    let actions = actions.as_array().unwrap();
    assert_eq!(field(actions, "name"), ["memory", "disk", "echo", "remote"]);
    assert_eq!(actions[0]["memory-lines"], "1000");
    assert_eq!(actions[3]["remote-port"], "514");
    // 7.18 replaced bsd-syslog by remote-log-format (INSPECT: in the 7.20 dump, not 7.16).
    assert_eq!(actions[3]["remote-log-format"], "default");
    assert!(actions[3].get("bsd-syslog").is_none());
    let mut old = router("7.16");
    let actions = ok(&mut old, "GET", "/rest/system/logging/action", Value::Null);
    assert_eq!(actions[3]["bsd-syslog"], "false");
    assert!(actions[3].get("remote-log-format").is_none());
}

#[test]
fn topics_outside_routeros_list_are_refused_with_routeros_text() {
    let mut r = router("7.20");
    for topics in [
        "macsec,mka",
        "macsec",
        "info,mka",
        "",
        "info,,",
        "../info",
        "info\n",
    ] {
        let reply = rest(
            &mut r,
            "PUT",
            "/rest/system/logging",
            json!({"topics": topics, "action": "memory"}),
        );
        assert_eq!(reply.status, 400, "{topics:?}");
        assert_eq!(detail(&reply), "input does not match any value of topics");
    }
    let out = api(
        &mut r,
        &["/system/logging/add", "=topics=mka", "=action=memory"],
    );
    assert_eq!(
        out[0],
        Out::Trap(Some(1), "input does not match any value of topics".into())
    );
    let row = ok(
        &mut r,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "interface,!debug", "action": "memory", "prefix": "\"${x}%{y}\\"}),
    );
    assert_eq!(row["topics"], "interface,!debug");
    assert_eq!(row["prefix"], "\"${x}%{y}\\");
    assert_eq!(row["default"], "false");
    let reply = rest(
        &mut r,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "info", "action": "nowhere"}),
    );
    assert_eq!(detail(&reply), "input does not match any value of action");
}

#[test]
fn default_actions_can_not_be_removed_and_a_rule_on_a_removed_action_is_invalid() {
    let mut r = router("7.24");
    let reply = rest(
        &mut r,
        "DELETE",
        "/rest/system/logging/action/*1",
        Value::Null,
    );
    assert_eq!(reply.status, 400);
    assert!(detail(&reply).contains("default action memory can not be removed"));
    let added = ok(
        &mut r,
        "PUT",
        "/rest/system/logging/action",
        json!({"name": "syslog", "target": "remote", "remote": "192.0.2.1", "remote-port": "5514"}),
    );
    assert_eq!(added["remote"], "192.0.2.1");
    assert_eq!(added["syslog-facility"], "daemon");
    let rule = ok(
        &mut r,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "interface", "action": "syslog"}),
    );
    let id = rule[".id"].as_str().unwrap().to_string();
    ok(
        &mut r,
        "DELETE",
        "/rest/system/logging/action/syslog",
        Value::Null,
    );
    let rule = ok(
        &mut r,
        "GET",
        &format!("/rest/system/logging/{id}"),
        Value::Null,
    );
    assert_eq!(rule["invalid"], "true");
    let reply = rest(
        &mut r,
        "PUT",
        "/rest/system/logging/action",
        json!({"name": "x", "target": "carrier-pigeon"}),
    );
    assert_eq!(detail(&reply), "invalid value for argument target");
    let reply = rest(
        &mut r,
        "PATCH",
        "/rest/system/logging/action/memory",
        json!({"memory-lines": "0"}),
    );
    assert_eq!(reply.status, 400);
}

#[test]
fn memory_buffer_keeps_the_newest_memory_lines_entries() {
    let mut r = router("7.18");
    ok(
        &mut r,
        "PATCH",
        "/rest/system/logging/action/memory",
        json!({"memory-lines": "5"}),
    );
    for n in 0..8 {
        ok(
            &mut r,
            "POST",
            "/rest/log/info",
            json!({"message": format!("m{n}")}),
        );
    }
    let entries = log(&mut r);
    assert_eq!(field(&entries, "message"), ["m3", "m4", "m5", "m6", "m7"]);
    assert_eq!(field(&entries, "topics"), ["script,info"; 5]);
    assert_eq!(entries[0][".id"], "*4");
}

#[test]
fn an_event_is_kept_only_when_a_rule_routes_it_to_memory() {
    let mut r = router("7.18");
    ok(
        &mut r,
        "POST",
        "/rest/system/logging/disable",
        json!({".id": "*1"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/log/info",
        json!({"message": "dropped"}),
    );
    assert!(log(&mut r).is_empty());
    // `debug` has no default rule.
    ok(
        &mut r,
        "POST",
        "/rest/log/debug",
        json!({"message": "dropped too"}),
    );
    assert!(log(&mut r).is_empty());
    ok(
        &mut r,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "script", "action": "memory"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/system/logging/enable",
        json!({".id": "*1"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/log/warning",
        json!({"message": "kept once"}),
    );
    let entries = log(&mut r);
    assert_eq!(field(&entries, "message"), ["kept once"]);
    assert_eq!(field(&entries, "topics"), ["script,warning"]);
}

#[test]
fn log_reads_over_the_api_with_a_topics_query() {
    let mut r = router("7.18");
    api(&mut r, &["/log/info", "=message=one"]);
    api(&mut r, &["/log/warning", "=message=two"]);
    let rows = api_rows(&api(&mut r, &["/log/print"]));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["topics"], "script,info");
    assert!(rows[0].contains_key("time"));
    let rows = api_rows(&api(&mut r, &["/log/print", "?topics=script,warning"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["message"], "two");
    // `/log` is read-only and `print` takes no `topics`.
    let out = api(&mut r, &["/log/add", "=message=x"]);
    assert_eq!(out[0], Out::Trap(Some(0), "no such command".into()));
    let reply = rest(
        &mut r,
        "POST",
        "/rest/log/print",
        json!({"topics": "script"}),
    );
    assert_eq!(detail(&reply), "unknown parameter topics");
}

#[test]
fn log_time_is_the_time_only_today_and_the_date_in_the_version_format_before() {
    let day = std::time::Duration::from_secs(86_400);
    let mut new = router("7.18");
    api(&mut new, &["/log/info", "=message=x"]);
    let time = log(&mut new)[0]["time"].as_str().unwrap().to_string();
    assert_eq!((time.len(), time.as_bytes()[2]), (8, b':'), "{time}");
    new.clock += day;
    let time = log(&mut new)[0]["time"].as_str().unwrap().to_string();
    assert_eq!(time.as_bytes()[4], b'-', "{time}");
    let mut old = router("7.9.2");
    api(&mut old, &["/log/info", "=message=x"]);
    old.clock += day;
    let time = log(&mut old)[0]["time"].as_str().unwrap().to_string();
    let full = crate::file_store::ros_time(old.clock - day, old.version());
    if full[7..11] == crate::file_store::ros_time(old.clock, old.version())[7..11] {
        // Earlier this year: `dec/05 12:00:00`.
        assert_eq!(time, format!("{} {}", &full[..6], &full[12..]));
    } else {
        assert_eq!(time, full);
    }
    old.clock += day * 400;
    let time = log(&mut old)[0]["time"].as_str().unwrap().to_string();
    assert_eq!(time, full, "another year: the full date");
}

// ----- MACsec and MKA events -----

/// Two routers with ether1 cabled together and `macsec1` on each, with these keys.
fn linked(cak_a: &str, cak_b: &str) -> (Router, Router) {
    let mut a = router("7.20");
    let mut b = router("7.20");
    let b_link = b.link.clone();
    a.link.connect(1, &b_link, 1).unwrap();
    for (r, cak) in [(&mut a, cak_a), (&mut b, cak_b)] {
        ok(
            r,
            "PUT",
            "/rest/interface/macsec",
            json!({"name": "macsec1", "interface": "ether1", "cak": cak, "ckn": CKN}),
        );
    }
    (a, b)
}

fn events(r: &mut Router) -> Vec<(String, String)> {
    log(r)
        .iter()
        .map(|e| {
            (
                e["topics"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn wrong_key_on_one_end_logs_the_mka_failure_under_interface_warning() {
    let (mut a, mut b) = linked(CAK_A, CAK_B);
    for r in [&mut a, &mut b] {
        let events = events(r);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].0, "interface,warning");
        assert!(
            events[0].1.starts_with("macsec1: MKA peer not accepted"),
            "{events:?}"
        );
        assert!(events[0].1.contains("CAK or CKN differs"), "{events:?}");
        assert!(!events[0].1.contains(CAK_A) && !events[0].1.contains(CAK_B));
    }
    // Asking again logs nothing new: only changes are logged.
    assert_eq!(events(&mut a).len(), 1);
}

#[test]
fn fixed_key_logs_open_encrypted_on_both_ends() {
    let (mut a, mut b) = linked(CAK_A, CAK_B);
    ok(
        &mut b,
        "PATCH",
        "/rest/interface/macsec/macsec1",
        json!({"cak": CAK_A}),
    );
    for r in [&mut a, &mut b] {
        let events = events(r);
        let last = events.last().unwrap();
        assert_eq!(last.0, "interface,info", "{events:?}");
        assert!(
            last.1
                .contains("status open-encrypted, cipher suite aes-gcm-128"),
            "{events:?}"
        );
    }
}

#[test]
fn an_open_link_that_loses_its_peer_logs_peer_lost() {
    let (mut a, mut b) = linked(CAK_A, CAK_A);
    assert_eq!(events(&mut a).len(), 1);
    ok(
        &mut b,
        "POST",
        "/rest/interface/macsec/disable",
        json!({".id": "macsec1"}),
    );
    let events = events(&mut a);
    assert_eq!(
        events.last().unwrap(),
        &(
            "interface,warning".to_string(),
            "macsec1: MKA peer lost: no MKA frames from the peer on ether1 (link down, or the other end's MACsec interface disabled or removed), status negotiating".to_string()
        )
    );
}

#[test]
fn mka_events_are_not_kept_when_no_rule_routes_warning_to_memory() {
    let mut a = router("7.20");
    let mut b = router("7.20");
    // The default `warning` rule is *3.
    ok(
        &mut a,
        "POST",
        "/rest/system/logging/disable",
        json!({".id": "*3"}),
    );
    let b_link = b.link.clone();
    a.link.connect(1, &b_link, 1).unwrap();
    for (r, cak) in [(&mut a, CAK_A), (&mut b, CAK_B)] {
        ok(
            r,
            "PUT",
            "/rest/interface/macsec",
            json!({"name": "macsec1", "interface": "ether1", "cak": cak, "ckn": CKN}),
        );
    }
    assert!(events(&mut a).is_empty());
    assert_eq!(events(&mut b).len(), 1);
}

#[test]
fn logging_backup_and_restore_keep_rules_and_actions() {
    let mut r = router("7.20");
    ok(
        &mut r,
        "PUT",
        "/rest/system/logging/action",
        json!({"name": "syslog", "target": "remote", "remote": "192.0.2.1"}),
    );
    ok(
        &mut r,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "interface,warning", "action": "syslog"}),
    );
    let before_rules = ok(&mut r, "GET", "/rest/system/logging", Value::Null);
    let before_actions = ok(&mut r, "GET", "/rest/system/logging/action", Value::Null);
    ok(
        &mut r,
        "POST",
        "/rest/system/backup/save",
        json!({"name": "b", "dont-encrypt": "yes"}),
    );
    ok(&mut r, "DELETE", "/rest/system/logging/*5", Value::Null);
    ok(
        &mut r,
        "DELETE",
        "/rest/system/logging/action/syslog",
        Value::Null,
    );
    ok(
        &mut r,
        "POST",
        "/rest/system/backup/load",
        json!({"name": "b.backup", "password": ""}),
    );
    assert_eq!(
        ok(&mut r, "GET", "/rest/system/logging", Value::Null),
        before_rules
    );
    assert_eq!(
        ok(&mut r, "GET", "/rest/system/logging/action", Value::Null),
        before_actions
    );
}

#[test]
fn export_writes_changed_defaults_and_added_rules() {
    let mut r = router("7.20");
    ok(
        &mut r,
        "PATCH",
        "/rest/system/logging/action/memory",
        json!({"memory-lines": "2000"}),
    );
    ok(
        &mut r,
        "PUT",
        "/rest/system/logging",
        json!({"topics": "interface,warning", "action": "memory", "prefix": "mka"}),
    );
    ok(
        &mut r,
        "POST",
        "/rest/system/logging/disable",
        json!({".id": "*1"}),
    );
    let text = crate::menus::export::render(&r, &Default::default(), r.clock);
    assert!(
        text.contains("/system logging action\nset memory memory-lines=2000\n"),
        "{text}"
    );
    assert!(text.contains("/system logging\nset [ find topics=info default=yes ] disabled=yes\nadd action=memory prefix=mka topics=interface,warning\n"), "{text}");
}

#[test]
fn rules_and_actions_over_the_api() {
    let mut r = router("7.24");
    let out = api(
        &mut r,
        &[
            "/system/logging/action/set",
            "=.id=memory",
            "=memory-lines=10",
        ],
    );
    assert_eq!(out, [Out::Done(Vec::new())]);
    let rows = api_rows(&api(
        &mut r,
        &["/system/logging/action/print", "?name=memory"],
    ));
    assert_eq!(rows[0]["memory-lines"], "10");
    // 7.23 added check-certificate and email-cc; 7.22 script (INSPECT).
    let rows = api_rows(&api(
        &mut r,
        &["/system/logging/action/print", "?name=remote"],
    ));
    assert!(rows[0].contains_key("vrf"));
    let out = api(
        &mut r,
        &[
            "/system/logging/add",
            "=topics=interface,warning",
            "=action=memory",
        ],
    );
    assert!(
        matches!(&out[0], Out::Done(ret) if ret == &[("ret".to_string(), "*5".to_string())]),
        "{out:?}"
    );
    let rows = api_rows(&api(&mut r, &["/system/logging/print", "?default=false"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["comment"], "");
    let out = api(&mut r, &["/system/logging/action/remove", "=.id=disk"]);
    assert!(
        matches!(&out[0], Out::Trap(_, m) if m.contains("default action disk can not be removed")),
        "{out:?}"
    );
}

#[test]
fn system_clock_reads_the_routers_clock_in_the_version_format() {
    let mut r = router("7.20");
    let clock = ok(&mut r, "GET", "/rest/system/clock", Value::Null);
    let full = crate::file_store::ros_time(r.clock, r.version());
    assert_eq!(clock["date"], full[..10]);
    assert_eq!(clock["time"], full[11..]);
    assert_eq!(clock["gmt-offset"], "+00:00");
    r.clock += std::time::Duration::from_secs(3600);
    let later = ok(&mut r, "GET", "/rest/system/clock", Value::Null);
    assert_ne!(later["time"], clock["time"], "it follows the clock");
    let out = api(&mut r, &["/system/clock/print"]);
    assert!(format!("{out:?}").contains("gmt-offset"), "{out:?}");
    let mut old = router("7.9.2");
    let clock = ok(&mut old, "GET", "/rest/system/clock", Value::Null);
    assert_eq!(clock["date"].as_str().unwrap().as_bytes()[3], b'/');
}
