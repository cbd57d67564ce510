//! `/system/scheduler` on the router's clock, over REST and the API.

use std::time::Duration;

use serde_json::{Value, json};

use crate::state::Router;
use crate::test_router::{api, api_rows, detail, ok, rest, router};

use super::{format_interval, parse_interval};

fn log_messages(r: &mut Router) -> Vec<String> {
    ok(r, "GET", "/rest/log", Value::Null)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn intervals_parse_and_print_as_routeros_writes_them() {
    for (text, secs, printed) in [
        ("1d", 86_400, "1d"),
        ("1w", 604_800, "1w"),
        ("1d12h", 129_600, "1d12h"),
        ("00:05:00", 300, "5m"),
        ("1d00:00:01", 86_401, "1d1s"),
        ("90", 90, "1m30s"),
        ("0s", 0, "0s"),
    ] {
        assert_eq!(parse_interval(text).unwrap(), secs, "{text}");
        assert_eq!(format_interval(secs), printed, "{text}");
    }
    for bad in [
        "",
        "1x",
        "d",
        "1:2",
        "::",
        "99999999999999999999w",
        "11000d",
        "1d;",
        "-1s",
        "${x}",
    ] {
        assert!(parse_interval(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn an_entry_runs_on_the_clock_at_its_start_and_every_interval() {
    let mut r = router("7.20");
    let now: chrono::DateTime<chrono::Utc> = r.clock.into();
    let start = now + chrono::Duration::hours(1);
    let row = ok(
        &mut r,
        "PUT",
        "/rest/system/scheduler",
        json!({
            "name": "tick",
            "start-date": start.format("%Y-%m-%d").to_string(),
            "start-time": start.format("%H:%M:%S").to_string(),
            "interval": "12h",
            "on-event": ":log info \"tick\"",
        }),
    );
    assert_eq!(row["interval"], "12h");
    assert_eq!(row["run-count"], "0");
    assert_eq!(
        row["next-run"],
        start.format("%Y-%m-%d %H:%M:%S").to_string()
    );
    assert_eq!(r.advance_clock(Duration::from_secs(3_599)), 0);
    assert!(log_messages(&mut r).is_empty());
    assert_eq!(r.advance_clock(Duration::from_secs(1)), 1);
    assert_eq!(r.advance_clock(Duration::from_secs(24 * 3_600)), 2);
    assert_eq!(log_messages(&mut r), ["tick"; 3]);
    let row = ok(&mut r, "GET", "/rest/system/scheduler/tick", Value::Null);
    assert_eq!(row["run-count"], "3");
}

#[test]
fn disabled_startup_and_past_one_shot_entries_never_run() {
    let mut r = router("7.20");
    for body in [
        json!({"name": "off", "interval": "1h", "on-event": ":log info \"off\"", "disabled": "yes"}),
        json!({"name": "boot", "start-time": "startup", "on-event": ":log info \"boot\""}),
        json!({"name": "past", "start-date": "2020-01-01", "start-time": "00:00:00", "on-event": ":log info \"past\""}),
    ] {
        let row = ok(&mut r, "PUT", "/rest/system/scheduler", body);
        assert!(row.get("next-run").is_none(), "{row}");
    }
    assert_eq!(r.advance_clock(Duration::from_secs(7 * 86_400)), 0);
    ok(
        &mut r,
        "POST",
        "/rest/system/scheduler/enable",
        json!({".id": "off"}),
    );
    // Enabled at a whole number of hours after its start: due now and an hour later.
    assert_eq!(r.advance_clock(Duration::from_secs(3_600)), 2);
}

#[test]
fn dates_print_in_the_version_format_and_both_formats_are_accepted() {
    let mut old = router("7.9.2");
    let row = ok(
        &mut old,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "a", "start-date": "2030-01-31", "start-time": "03:00:00"}),
    );
    assert_eq!(row["start-date"], "jan/31/2030");
    let mut new = router("7.20");
    let row = ok(
        &mut new,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "a", "start-date": "jan/31/2030", "start-time": "03:00:00"}),
    );
    assert_eq!(row["start-date"], "2030-01-31");
    let reply = rest(
        &mut new,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "b", "start-date": "31.01.2030"}),
    );
    assert_eq!(detail(&reply), "invalid value for argument start-date");
    let reply = rest(
        &mut new,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "a"}),
    );
    assert_eq!(reply.status, 400, "names are unique");
}

#[test]
fn a_failing_event_is_logged_as_a_script_error() {
    let mut r = router("7.20");
    ok(
        &mut r,
        "PUT",
        "/rest/system/scheduler",
        json!({"name": "bad", "interval": "1d", "on-event": "/system reboot"}),
    );
    assert_eq!(r.advance_clock(Duration::ZERO), 1);
    let log = ok(&mut r, "GET", "/rest/log", Value::Null);
    assert_eq!(log[0]["topics"], "script,error");
    let message = log[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "scheduler bad: script error: routeros-sim does not interpret /system reboot"
        ),
        "{message}"
    );
}

#[test]
fn scheduler_over_the_api() {
    let mut r = router("7.24");
    api(
        &mut r,
        &[
            "/system/scheduler/add",
            "=name=n",
            "=interval=1d",
            "=on-event=x",
            "=days=mon",
        ],
    );
    let rows = api_rows(&api(&mut r, &["/system/scheduler/print"]));
    assert_eq!(rows[0]["name"], "n");
    assert_eq!(rows[0]["interval"], "1d");
    assert_eq!(rows[0]["days"], "mon");
    assert!(rows[0].contains_key("next-run"));
}

#[tokio::test]
async fn the_clock_endpoint_moves_a_running_emulator_on_and_runs_the_scheduler() {
    use crate::test_rest::Api;
    use crate::{Sim, SimConfig};
    use reqwest::Method;
    let sim = Sim::spawn(SimConfig {
        version: "7.20".into(),
        https: false,
        ..SimConfig::default()
    })
    .unwrap();
    let api = Api::admin(&sim);
    api.ok(
        Method::PUT,
        "/rest/system/scheduler",
        Some(json!({"name": "n", "interval": "1h", "on-event": ":log info \"tick\""})),
    )
    .await;
    let before = sim.clock();
    let reply = api
        .ok(Method::POST, "/sim/clock", Some(json!({"advance": "2h"})))
        .await;
    assert_eq!(reply["runs"], 3);
    assert_eq!(sim.clock(), before + Duration::from_secs(7_200));
    let (status, body) = api
        .call(Method::POST, "/sim/clock", Some(json!({"advance": "soon"})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["detail"], "invalid value for argument interval");
    let stranger = Api::user(&sim, "nobody", "wrong");
    let (status, _) = stranger
        .call(Method::POST, "/sim/clock", Some(json!({"advance": "1d"})))
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        sim.advance_clock(Duration::ZERO),
        0,
        "nothing ran for the stranger"
    );
    let log = api.ok(Method::GET, "/rest/log", None).await;
    assert_eq!(log.as_array().unwrap().len(), 3);
}
