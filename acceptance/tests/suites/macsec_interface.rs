//! Acceptance scenarios for `routeros_macsec_interface`: the real Terraform
//! CLI (the newest the harness finds) drives the freshly built provider
//! binary against routeros-sim.
//!
//! Every test starts its own emulator and working directories, so tests run
//! in parallel. Scenarios that do not depend on the transport run once over
//! the scheme the rotation gives them (`for_rotating_scheme`);
//! `state_written_over_one_transport_reads_back_identically_over_the_others`
//! compares the transports, and `suites::every_transport` runs every object
//! over all four.
//! Assertions look at what a user sees: exit codes, diagnostics, plan JSON,
//! state, and what the router holds afterwards.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::Duration;

use acceptance::harness::{
    Output, ProviderBlock, Scheme, Terraform, for_newest_terraform, for_rotating_scheme,
};
use acceptance::harness::{ResourceBlock, closed_port, rest, start_sim};
use acceptance::sim::{Sim, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

/// The RouterOS menu the resource manages.
const MENU: &str = "/interface/macsec";
/// Address of the resource in the single-resource configurations.
const ADDR: &str = "routeros_macsec_interface.test";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// An emulator serving HTTP and HTTPS (its default), said explicitly.
fn https_sim() -> Sim {
    start_sim(SimConfig {
        https: true,
        ..SimConfig::default()
    })
}

/// Provider block for the emulator's plain-HTTP REST endpoint.
fn http_provider(sim: &Sim) -> ProviderBlock {
    ProviderBlock::new(&sim.http_url(), sim.username(), sim.password())
}

/// Provider block for the emulator's HTTPS endpoint, without any trust setting.
fn https_provider(sim: &Sim) -> ProviderBlock {
    let url = sim.https_url().expect("the emulator serves HTTPS");
    ProviderBlock::new(&url, sim.username(), sim.password())
}

fn ca_path(sim: &Sim) -> String {
    sim.ca_certificate_path()
        .expect("the emulator wrote its CA certificate")
        .to_string_lossy()
        .into_owned()
}

/// One `routeros_macsec_interface` block.
#[derive(Debug, Clone, Default)]
struct Macsec {
    name: String,
    interface: String,
    mtu: Option<u32>,
    comment: Option<String>,
    disabled: Option<bool>,
}

impl Macsec {
    fn new(name: &str, interface: &str) -> Self {
        Macsec {
            name: name.into(),
            interface: interface.into(),
            ..Macsec::default()
        }
    }

    /// The block ([`ResourceBlock`]: one attribute per line).
    fn hcl(&self, label: &str) -> String {
        ResourceBlock::new("routeros_macsec_interface", label)
            .string("name", &self.name)
            .string("interface", &self.interface)
            .opt("mtu", self.mtu)
            .opt_string("comment", self.comment.as_deref())
            .opt("disabled", self.disabled)
            .hcl()
    }
}

fn main_tf(provider: &ProviderBlock, macsec: &Macsec) -> String {
    provider.main_tf(&macsec.hcl("test"))
}

/// Asks the emulator directly what RouterOS says about adding `body`, and
/// returns its `detail`, so scenarios can check that the provider passes
/// RouterOS's own words on. The request must be refused with 400.
fn refusal_detail(sim: &Sim, body: Value) -> String {
    let (status, answer) = rest(sim, Method::PUT, MENU, Some(body.clone()));
    assert_eq!(status, 400, "PUT {MENU} {body} was not refused: {answer}");
    answer["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("RouterOS refusal without detail: {answer}"))
        .to_string()
}

fn rows(sim: &Sim) -> Vec<BTreeMap<String, String>> {
    sim.records(MENU)
}

/// The only `/interface/macsec` row; panics when there is not exactly one.
#[track_caller]
fn only_row(sim: &Sim) -> BTreeMap<String, String> {
    let mut rows = rows(sim);
    assert_eq!(rows.len(), 1, "expected one {MENU} row, found {rows:#?}");
    rows.remove(0)
}

#[track_caller]
fn assert_row(row: &BTreeMap<String, String>, expected: &[(&str, &str)]) {
    for (key, want) in expected {
        assert_eq!(
            row.get(*key).map(String::as_str),
            Some(*want),
            "{MENU} row field {key}: {row:#?}"
        );
    }
}

#[track_caller]
fn assert_nothing_created(sim: &Sim) {
    let rows = rows(sim);
    assert!(rows.is_empty(), "expected no {MENU} rows, found {rows:#?}");
}

/// A failed apply: exactly one error, which names the cause and the remedy.
#[track_caller]
fn assert_one_error(out: &Output) {
    out.assert_failure().assert_single_error();
}

// ---------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------

/// create → clean plan → in-place updates → drift (change and delete) →
/// import by name and by id → clean refresh-only plan → destroy, with the
/// provider talking to `sim` over `scheme` (out-of-band changes go over REST).
fn lifecycle(tf: &Terraform, sim: &Sim, scheme: Scheme) {
    let provider = &ProviderBlock::for_sim(sim, scheme);
    let mut macsec = Macsec::new("macsec1", "ether1");

    // Create: the router gets the row with its defaults, the state the computed values.
    let wd = tf.workdir(&main_tf(provider, &macsec));
    wd.apply();
    let row = only_row(sim);
    assert_row(
        &row,
        &[
            ("name", "macsec1"),
            ("interface", "ether1"),
            ("mtu", "1468"),
            ("profile", "default"),
            ("disabled", "false"),
        ],
    );
    let id = row[".id"].clone();
    assert!(id.starts_with('*'), "RouterOS .id {id:?}");
    let state = wd.resource_values(ADDR);
    assert_eq!(state["id"], json!(id), "state: {state:#}");
    assert_eq!(state["name"], json!("macsec1"), "state: {state:#}");
    assert_eq!(state["mtu"].as_f64(), Some(1468.0), "state: {state:#}");
    assert_eq!(state["profile"], json!("default"), "state: {state:#}");
    assert_eq!(state["disabled"], json!(false), "state: {state:#}");

    // What the router normalises (strings for numbers and booleans) is no diff.
    wd.assert_no_changes();

    // mtu, comment and disabled change in place: same .id, new values on the router.
    macsec.mtu = Some(1400);
    macsec.comment = Some("edge uplink".into());
    macsec.disabled = Some(true);
    wd.write_main_tf(&main_tf(provider, &macsec));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    assert_row(
        &only_row(sim),
        &[
            (".id", &id),
            ("mtu", "1400"),
            ("comment", "edge uplink"),
            ("disabled", "true"),
        ],
    );

    // Moving to another port is an in-place update too.
    macsec.interface = "ether2".into();
    wd.write_main_tf(&main_tf(provider, &macsec));
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["update"]);
    wd.apply_saved_plan();
    assert_row(
        &only_row(sim),
        &[(".id", &id), ("interface", "ether2"), ("mtu", "1400")],
    );

    // Out-of-band change on the router: both plans report it and name the attribute.
    let (status, body) = rest(
        sim,
        Method::PATCH,
        &format!("{MENU}/{id}"),
        Some(json!({"mtu": "1500"})),
    );
    assert_eq!(status, 200, "PATCH mtu: {body}");
    wd.refresh_only_plan()
        .assert_code(2)
        .assert_stdout_mentions(&["mtu"]);
    wd.plan_to_file()
        .assert_code(2)
        .assert_stdout_mentions(&["~ mtu = 1500 -> 1400"]);
    wd.apply_saved_plan();
    assert_row(&only_row(sim), &[(".id", &id), ("mtu", "1400")]);

    // Out-of-band delete: the plan proposes to create it again.
    let (status, body) = rest(sim, Method::DELETE, &format!("{MENU}/{id}"), None);
    assert!(status == 200 || status == 204, "DELETE: {status} {body}");
    assert_nothing_created(sim);
    let plan = wd.show_json_plan();
    plan.output.assert_code(2);
    plan.assert_actions(ADDR, &["create"]);
    wd.apply_saved_plan();
    let row = only_row(sim);
    assert_row(
        &row,
        &[
            ("name", "macsec1"),
            ("interface", "ether2"),
            ("mtu", "1400"),
            ("comment", "edge uplink"),
            ("disabled", "true"),
        ],
    );
    let id = row[".id"].clone();

    // Import into an empty state, by name and by .id: then the plan is clean.
    for import_id in ["macsec1", id.as_str()] {
        let imported = tf.workdir(&main_tf(provider, &macsec));
        imported.import(ADDR, import_id);
        let state = imported.resource_values(ADDR);
        assert_eq!(state["id"], json!(id), "imported by {import_id}: {state:#}");
        assert_eq!(state["interface"], json!("ether2"), "{state:#}");
        assert_eq!(state["comment"], json!("edge uplink"), "{state:#}");
        imported.assert_no_changes();
    }

    // Nothing changed since: a refresh-only plan (what CI runs for drift) is clean.
    wd.refresh_only_plan().assert_code(0);

    // Destroy leaves nothing behind.
    wd.destroy();
    assert_nothing_created(sim);
    assert_provider_used(sim, scheme);
}

/// Panics unless the provider's writes reached `sim` over `scheme`'s
/// transport (and none over the other): API sentences for `api`/`apis`,
/// REST requests otherwise. The scenarios' own out-of-band changes are
/// `PATCH` and `DELETE` over REST, so `PUT` (create) tells the two apart.
#[track_caller]
fn assert_provider_used(sim: &Sim, scheme: Scheme) {
    let log = sim.request_log();
    let api_adds = log
        .iter()
        .filter(|l| l.starts_with("API /interface/macsec/add "))
        .count();
    let rest_adds = log
        .iter()
        .filter(|l| l.starts_with("PUT /rest/interface/macsec "))
        .count();
    let (used, unused) = if scheme.is_api() {
        (api_adds, rest_adds)
    } else {
        (rest_adds, api_adds)
    };
    assert!(
        used > 0 && unused == 0,
        "over {scheme} the provider should create over {} only; request log: {log:#?}",
        if scheme.is_api() { "the API" } else { "REST" }
    );
}

/// The lifecycle, over the scheme the rotation gives it (with `https://`
/// and `apis://` trusting the emulator's CA file); `assert_provider_used`
/// checks the transport taken. `TF_ACC_ALL_SCHEMES=1` runs all four.
#[test]
fn lifecycle_of_one_interface() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        lifecycle(tf, &sim, scheme);
    });
}

/// What one transport wrote, every other reads back identically: applied
/// over `https://`, the configuration plans clean over `http://`, `api://`
/// and `apis://`, and a refresh over each leaves the state exactly as it was.
/// Then the same the other way round, from `api://`.
#[test]
fn state_written_over_one_transport_reads_back_identically_over_the_others() {
    let tf = &Terraform::newest();
    std::thread::scope(|scope| {
        let runs: Vec<_> = [Scheme::Https, Scheme::Api]
            .into_iter()
            .map(|first| {
                scope.spawn(move || {
                    let sim = start_sim(SimConfig::default());
                    let mut macsec = Macsec::new("macsec1", "ether3");
                    macsec.mtu = Some(1400);
                    macsec.comment =
                        Some("written over one, read over all: a=b, \"q\", ünï".into());
                    let wd = tf.workdir(&main_tf(&ProviderBlock::for_sim(&sim, first), &macsec));
                    wd.apply();
                    let written = wd.resource_values(ADDR);
                    for scheme in Scheme::ALL.into_iter().filter(|s| *s != first) {
                        wd.write_main_tf(&main_tf(&ProviderBlock::for_sim(&sim, scheme), &macsec));
                        wd.assert_no_changes();
                        wd.run(&[
                            "apply",
                            "-refresh-only",
                            "-auto-approve",
                            "-input=false",
                            "-no-color",
                        ])
                        .assert_success();
                        assert_eq!(
                            wd.resource_values(ADDR),
                            written,
                            "written over {first}, refreshed over {scheme}"
                        );
                    }
                    wd.destroy();
                    assert_nothing_created(&sim);
                })
            })
            .collect();
        for run in runs {
            if let Err(panic) = run.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

// ---------------------------------------------------------------------------
// Provider configuration
// ---------------------------------------------------------------------------

#[test]
fn wrong_password_is_one_clear_diagnostic() {
    const WRONG: &str = "not-the-Passw0rd-7f3a";
    for_newest_terraform(|tf| {
        let sim = start_sim(SimConfig::default());
        let mut provider = http_provider(&sim);
        provider.password = Some(WRONG.into());
        let wd = tf.workdir(&main_tf(&provider, &Macsec::new("macsec1", "ether1")));
        let out = wd.try_apply();
        assert_one_error(&out);
        // Cause: the router refused the credentials; remedy: check them.
        out.assert_stderr_mentions_any(&["401", "refused", "unauthorized", "rejected"])
            .assert_stderr_mentions(&["username", "password"])
            .assert_never_shows(WRONG);
        assert_nothing_created(&sim);
    });
}

#[test]
fn unreachable_router_fails_within_the_timeout() {
    for_newest_terraform(|tf| {
        // Nothing listens: refused at once.
        let port = closed_port();
        let mut provider = ProviderBlock::new(&format!("http://127.0.0.1:{port}"), "admin", "x");
        provider.timeout = Some(5);
        let wd = tf.workdir(&main_tf(&provider, &Macsec::new("macsec1", "ether1")));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[&format!("127.0.0.1:{port}"), "url"])
            .assert_stderr_mentions_any(&["refused", "connect"]);

        // Something accepts the connection but never answers: the timeout ends it.
        let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = silent.local_addr().expect("addr").port();
        let mut provider = ProviderBlock::new(&format!("http://127.0.0.1:{port}"), "admin", "x");
        provider.timeout = Some(3);
        wd.write_main_tf(&main_tf(&provider, &Macsec::new("macsec1", "ether1")));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[&format!("127.0.0.1:{port}"), "timeout"]);
        // Generous bound: Terraform's own start-up plus the 3 s timeout, far
        // below the provider's default (30 s) that a lost setting would use.
        assert!(
            out.elapsed < Duration::from_secs(15),
            "the 3 s timeout was not honoured:\n{out}"
        );
        drop(silent);
    });
}

#[test]
fn untrusted_https_certificate_says_how_to_fix_it() {
    for_newest_terraform(|tf| {
        let sim = https_sim();
        let macsec = Macsec::new("macsec1", "ether1");

        // Neither ca_certificate nor insecure: one diagnostic naming both remedies.
        let wd = tf.workdir(&main_tf(&https_provider(&sim), &macsec));
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&["certificate", "ca_certificate", "insecure"]);
        assert_nothing_created(&sim);

        // insecure = true connects (the plan proposes the create).
        let mut provider = https_provider(&sim);
        provider.insecure = Some(true);
        wd.write_main_tf(&main_tf(&provider, &macsec));
        wd.plan_exitcode().assert_code(2);

        // The CA as PEM text from the environment connects too.
        let pem = std::fs::read_to_string(ca_path(&sim)).expect("read the CA certificate");
        let mut wd = tf.workdir(&main_tf(&https_provider(&sim), &macsec));
        wd.set_env("ROUTEROS_CA_CERTIFICATE", &pem);
        wd.plan_exitcode().assert_code(2);

        // Both at once is a contradiction the provider names.
        let mut provider = https_provider(&sim);
        provider.insecure = Some(true);
        provider.ca_certificate = Some(ca_path(&sim));
        wd.remove_env("ROUTEROS_CA_CERTIFICATE");
        wd.write_main_tf(&main_tf(&provider, &macsec));
        let out = wd.plan_exitcode();
        assert_one_error(&out);
        out.assert_stderr_mentions(&["insecure", "ca_certificate"]);
        assert_nothing_created(&sim);
    });
}

#[test]
fn environment_variables_configure_the_provider() {
    for_newest_terraform(|tf| {
        let sim = https_sim();
        let config =
            ProviderBlock::default().main_tf(&Macsec::new("macsec1", "ether1").hcl("test"));

        // ROUTEROS_* over HTTP.
        let mut wd = tf.workdir(&config);
        wd.set_env("ROUTEROS_URL", sim.http_url());
        wd.set_env("ROUTEROS_USERNAME", sim.username());
        wd.set_env("ROUTEROS_PASSWORD", sim.password());
        wd.plan_exitcode().assert_code(2);

        // The variables of the most used existing RouterOS provider, over HTTPS.
        let mut wd = tf.workdir(&config);
        wd.set_env("ROS_HOSTURL", sim.https_url().expect("https url"));
        wd.set_env("ROS_USERNAME", sim.username());
        wd.set_env("ROS_PASSWORD", sim.password());
        wd.set_env("ROS_CA_CERTIFICATE", ca_path(&sim));
        wd.plan_exitcode().assert_code(2);

        // An api:// URL from the environment picks the classic API.
        let mut wd = tf.workdir(&config);
        wd.set_env("ROUTEROS_URL", Scheme::Api.url(&sim));
        wd.set_env("ROUTEROS_USERNAME", sim.username());
        wd.set_env("ROUTEROS_PASSWORD", sim.password());
        wd.plan_exitcode().assert_code(2);
        assert!(
            sim.request_log()
                .iter()
                .any(|l| l.starts_with("API /system/resource/print")),
            "the plan did not read the router over the API: {:#?}",
            sim.request_log()
        );
        assert_nothing_created(&sim);
    });
}

#[test]
fn routeros_6_gets_one_diagnostic_and_no_changes() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        sim.set_version("6.49.10");
        let wd = tf.workdir(&main_tf(
            &ProviderBlock::for_sim(&sim, scheme),
            &Macsec::new("macsec1", "ether1"),
        ));
        let out = wd.try_apply();
        assert_one_error(&out);
        // RouterOS 6 has no REST (it answers 404): only the API can name the version.
        let named = if scheme.as_str().starts_with("api") {
            "6.49.10"
        } else {
            "RouterOS 7.1"
        };
        out.assert_stderr_mentions(&[named, "RouterOS 7"]);
        assert_nothing_created(&sim);
    });
}

// ---------------------------------------------------------------------------
// Router errors at apply
// ---------------------------------------------------------------------------

/// `on main.tf line N`: how Terraform points a diagnostic at the line of
/// `main_tf` that contains `needle`.
fn points_at(main_tf: &str, needle: &str) -> String {
    let line = main_tf
        .lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in main.tf:\n{main_tf}"));
    format!("on main.tf line {}", line + 1)
}

#[test]
fn nonexistent_port_is_named_and_points_at_interface() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        let detail = refusal_detail(&sim, json!({"name": "probe", "interface": "ether99"}));
        let config = main_tf(
            &ProviderBlock::for_sim(&sim, scheme),
            &Macsec::new("macsec1", "ether99"),
        );
        let wd = tf.workdir(&config);
        let out = wd.try_apply();
        assert_one_error(&out);
        // The diagnostic sits on the `interface` line and names the bad port;
        // it carries RouterOS's own words, or (when the provider checks the
        // port list before asking the router) the ports that do exist.
        out.assert_stderr_mentions(&[&points_at(&config, "interface = "), "\"ether99\""])
            .assert_stderr_mentions_any(&[&detail, "ether1"]);
        assert_nothing_created(&sim);
    });
}

/// RouterOS allows one MACsec interface per port, in words that are not
/// documented: the plan finds the one already on the port and names it, at
/// `interface`, before RouterOS is asked.
#[test]
fn second_macsec_interface_on_a_port_is_a_plan_error_naming_the_first() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        let (status, body) = rest(
            &sim,
            Method::PUT,
            MENU,
            Some(json!({"name": "macsec-by-hand", "interface": "ether1"})),
        );
        assert_eq!(status, 200, "creating the first MACsec interface: {body}");

        let config = main_tf(
            &ProviderBlock::for_sim(&sim, scheme),
            &Macsec::new("macsec1", "ether1"),
        );
        let wd = tf.workdir(&config);
        let out = wd.try_apply();
        assert_one_error(&out);
        out.assert_stderr_mentions(&[
            "already carries a MACsec interface",
            "\"macsec-by-hand\"",
            &points_at(&config, "interface = "),
        ]);
        assert_row(&only_row(&sim), &[("name", "macsec-by-hand")]);
    });
}

// ---------------------------------------------------------------------------
// Efficiency and observability
// ---------------------------------------------------------------------------

#[test]
fn refresh_of_five_interfaces_reads_the_menu_once() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig {
            ethernet_ports: 8,
            ..SimConfig::default()
        });
        let provider = ProviderBlock::for_sim(&sim, scheme);
        let body: String = (1..=5)
            .map(|n| Macsec::new(&format!("macsec{n}"), &format!("ether{n}")).hcl(&format!("m{n}")))
            .collect();
        let wd = tf.workdir(&provider.main_tf(&body));
        wd.apply();
        assert_eq!(rows(&sim).len(), 5);

        let before = sim.request_log().len();
        wd.refresh_only_plan().assert_code(0);
        let log = sim.request_log();
        let macsec_requests: Vec<&String> = log[before..]
            .iter()
            .filter(|entry| touches_macsec_menu(entry))
            .collect();
        assert_eq!(
            macsec_requests.len(),
            1,
            "a refresh of 5 interfaces should read {MENU} once; requests during the refresh: {:#?}",
            &log[before..]
        );
        let read = if scheme.is_api() {
            "API /interface/macsec/print"
        } else {
            "GET /rest/interface/macsec"
        };
        assert!(
            macsec_requests[0].starts_with(read),
            "expected one {read}: {macsec_requests:?}"
        );
    });
}

/// Whether a request-log entry (`METHOD /rest/path[?query][ body]`, or
/// `API /menu/command words…`) is a request on `/interface/macsec` or one of
/// its items (not the profile menu).
fn touches_macsec_menu(entry: &str) -> bool {
    let mut words = entry.split(' ');
    let api = words.next() == Some("API");
    let path = words.next().unwrap_or("");
    let path = path.split('?').next().unwrap_or("");
    let path = if api {
        Some(path)
    } else {
        path.strip_prefix("/rest")
    };
    match path.and_then(|p| p.strip_prefix("/interface/macsec")) {
        Some(rest) => rest.is_empty() || (rest.starts_with('/') && !rest.starts_with("/profile")),
        None => false,
    }
}

#[test]
fn tf_log_debug_shows_provider_lines_without_secrets() {
    for_rotating_scheme(|tf, scheme| {
        let sim = start_sim(SimConfig::default());
        let wd = tf.workdir(&main_tf(
            &ProviderBlock::for_sim(&sim, scheme),
            &Macsec::new("macsec1", "ether1"),
        ));
        let out = wd.run_env(
            &["plan", "-input=false", "-no-color"],
            &[("TF_LOG", "debug")],
        );
        out.assert_success();
        // go-plugin re-logs each hclog JSON line of the provider under the
        // logger `provider.terraform-provider-routeros`, at the line's level,
        // with its fields (the Rust module path among them) and its timestamp
        // as `key=value`. A line that was not parsed would show up raw, with
        // `"@level"` in it.
        let provider_debug: Vec<&str> = out
            .stderr
            .lines()
            .filter(|line| {
                line.contains("[DEBUG]")
                    && line.contains("provider.terraform-provider-routeros")
                    // The Rust module path: the provider's crates are
                    // `terraform_provider_routeros`, `tfplugin` and `routeros`.
                    && ["target=terraform_provider_routeros", "target=tfplugin::", "target=routeros::"]
                        .iter()
                        .any(|t| line.contains(t))
                    && line.contains("timestamp=")
                    && !line.contains("\"@level\"")
            })
            .collect();
        assert!(
            !provider_debug.is_empty(),
            "no structured [DEBUG] line from the provider in TF_LOG=debug output:\n{out}"
        );
        out.assert_never_shows(sim.password());
    });
}

#[test]
fn closed_port_helper_finds_a_port_nothing_listens_on() {
    let port = closed_port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn macsec_blocks_render_one_attribute_per_line() {
    let mut m = Macsec::new("macsec1", "ether99");
    m.mtu = Some(1400);
    m.comment = Some("a \"quoted\" note".into());
    m.disabled = Some(false);
    assert_eq!(
        m.hcl("test"),
        "resource \"routeros_macsec_interface\" \"test\" {\n  name = \"macsec1\"\n  interface = \"ether99\"\n  mtu = 1400\n  comment = \"a \\\"quoted\\\" note\"\n  disabled = false\n}\n"
    );
    assert!(touches_macsec_menu("GET /rest/interface/macsec"));
    assert!(touches_macsec_menu(
        "GET /rest/interface/macsec?name=macsec1"
    ));
    assert!(touches_macsec_menu(
        "PATCH /rest/interface/macsec/*1 {\"mtu\":\"1400\"}"
    ));
    assert!(touches_macsec_menu("POST /rest/interface/macsec/print {}"));
    assert!(!touches_macsec_menu("GET /rest/interface/macsec/profile"));
    assert!(!touches_macsec_menu("GET /rest/interface/macsecx"));
    assert!(!touches_macsec_menu(
        "GET /rest/system/resource {\"x\":\"/interface/macsec\"}"
    ));
    assert!(touches_macsec_menu("API /interface/macsec/print .tag=3"));
    assert!(touches_macsec_menu(
        "API /interface/macsec/set =.id=*1 =mtu=1400 .tag=4"
    ));
    assert!(!touches_macsec_menu(
        "API /interface/macsec/profile/print .tag=5"
    ));
    assert!(!touches_macsec_menu("API /interface/print .tag=6"));
    assert!(!touches_macsec_menu("GET /interface/macsec"));
}

/// Regression: an `mtu` above the port's `l2mtu` minus MACsec's 32 bytes
/// was accepted without the warning the docs promise (only a binding
/// warned, and only once the interface existed). The plan warns at `mtu`
/// with the numbers; an `mtu` that fits gives no warning.
#[test]
fn an_mtu_above_the_ports_l2mtu_minus_32_warns_at_plan() {
    let tf = Terraform::newest();
    let sim = start_sim(SimConfig::default());
    let provider = http_provider(&sim);
    let mut macsec = Macsec::new("macsec1", "ether1");
    macsec.mtu = Some(1580);
    let wd = tf.workdir(&main_tf(&provider, &macsec));
    let out = wd.plan_exitcode();
    out.assert_code(2);
    out.assert_stdout_mentions(&[
        "MACsec frames will not fit in the port",
        "mtu 1580",
        "1612",
        "1566 or less",
    ]);
    macsec.mtu = Some(1566);
    wd.write_main_tf(&main_tf(&provider, &macsec));
    let out = wd.plan_exitcode();
    out.assert_code(2);
    assert!(
        !out.stdout.contains("will not fit") && !out.stderr.contains("will not fit"),
        "{}",
        out.stdout
    );
}
