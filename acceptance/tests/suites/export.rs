//! Acceptance scenarios for `routeros_config_export` (resource and data
//! source): the real Terraform CLI drives the freshly
//! built provider against routeros-sim. A decrypted export holds the CAKs;
//! no state, plan or log does.
//!
//! Each scenario runs once, with the newest Terraform over the scheme the
//! rotation gives it (`for_rotating_scheme`; `suites::every_transport`
//! exports over all four), each run with its own emulator; what
//! the scenarios do at the router by hand goes over REST.

use std::path::{Path, PathBuf};

use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, Workdir, for_rotating_scheme, hcl_string, normalise,
};
use acceptance::harness::{assert_provider_reached, resource_values_in, rest, sim_for};
use acceptance::sim::Sim;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ADDR: &str = "routeros_config_export.test";
const DATA_ADDR: &str = "data.routeros_config_export.test";
const CAK_1: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const CAK_2: &str = "f9e8d7c6b5a4938271605f4e3d2c1b0a";

fn provider(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    ProviderBlock::for_sim(sim, scheme)
}

/// Two MACsec interfaces with known CAKs, and a changed Ethernet port.
fn configure_router(sim: &Sim) {
    for (method, path, body) in [
        (
            Method::PUT,
            "/interface/macsec",
            json!({"interface": "ether1", "name": "macsec1", "cak": CAK_1, "ckn": "aa01"}),
        ),
        (
            Method::PUT,
            "/interface/macsec",
            json!({"interface": "ether2", "name": "macsec2", "cak": CAK_2, "ckn": "aa02"}),
        ),
        (
            Method::PATCH,
            "/interface/ethernet/ether3",
            json!({"comment": "spare port"}),
        ),
    ] {
        let (status, answer) = rest(sim, method, path, Some(body));
        assert_eq!(status, 200, "{path}: {answer}");
    }
}

fn key() -> (age::x25519::Identity, String) {
    let id = age::x25519::Identity::generate();
    let recipient = id.to_public().to_string();
    (id, recipient)
}

#[track_caller]
fn decrypt(id: &age::x25519::Identity, path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    String::from_utf8(age::decrypt(id, &bytes).expect("decrypt")).expect("an export is text")
}

fn export_dir(wd: &Workdir) -> PathBuf {
    let dir = wd.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn block(kind: &str, lines: &[String]) -> String {
    let mut out = format!("{kind} \"routeros_config_export\" \"test\" {{\n");
    for l in lines {
        out.push_str("  ");
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

fn attr(name: &str, value: &str) -> String {
    format!("{name} = {}", hcl_string(value))
}

fn recipients(list: &[&str]) -> String {
    let items: Vec<String> = list.iter().map(|v| hcl_string(v)).collect();
    format!("age_recipients = [{}]", items.join(", "))
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v:#}"))
        .to_string()
}

/// Files of the router's file area that are exports.
fn export_files(sim: &Sim) -> Vec<String> {
    sim.files()
        .into_iter()
        .filter(|f| f["name"].ends_with(".rsc"))
        .map(|f| f["name"].clone())
        .collect()
}

#[track_caller]
fn assert_no_cak(what: &str, text: &str) {
    for cak in [CAK_1, CAK_2] {
        assert!(!text.contains(cak), "{what} contains a CAK");
    }
}

/// `show_sensitive` with `age_recipients`: the decrypted export holds both
/// CAKs, while no plan, state or log (TF_LOG=trace) does. Clean plan,
/// replace on trigger, local file deleted out of band, destroy.
#[test]
fn sensitive_export_is_encrypted_and_kept_out_of_state_plan_and_logs() {
    for_rotating_scheme(|tf: &Terraform, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let (id, recipient) = key();
        let wd = tf.workdir("");
        let dir = export_dir(&wd);
        let path = dir.join("edge1.rsc");
        let main_tf = |trigger: &str| {
            provider(&sim, scheme).main_tf(&block(
                "resource",
                &[
                    attr("path", &path.to_string_lossy()),
                    "show_sensitive = true".into(),
                    "terse = true".into(),
                    recipients(&[&recipient]),
                    format!("triggers = {{ run = {} }}", hcl_string(trigger)),
                ],
            ))
        };
        wd.write_main_tf(&main_tf("1"));
        let plan = wd.show_json_plan();
        assert_no_cak("the plan", &plan.json.to_string());
        let out = wd.run_env(
            &["apply", "-input=false", "-no-color", "tfplan"],
            &[("TF_LOG", "trace")],
        );
        out.assert_success();
        assert_no_cak("the apply log", &format!("{}{}", out.stdout, out.stderr));
        let whole = wd.state_json();
        assert_no_cak("the state", &whole.to_string());
        let state = resource_values_in(&whole, ADDR);
        let output = PathBuf::from(text(&state, "output_path"));
        assert_eq!(output, dir.join("edge1.rsc.age"));
        let export = decrypt(&id, &output);
        assert!(export.contains(CAK_1) && export.contains(CAK_2), "{export}");
        assert!(
            export.contains("/interface macsec add cak=") && export.contains("name=macsec1"),
            "terse lines:\n{export}"
        );
        assert_eq!(state["size"], json!(export.len()));
        let on_disk = std::fs::read(&output).unwrap();
        assert_eq!(
            text(&state, "sha256"),
            hex::encode(Sha256::digest(&on_disk))
        );
        assert!(
            export_files(&sim).is_empty(),
            "the router's copy is removed"
        );
        assert_eq!(
            sim.written_file(&text(&state, "id"))
                .map(|b| String::from_utf8(b).unwrap()),
            Some(export.clone()),
            "byte for byte what the router wrote"
        );

        // A refresh and plan show nothing to do, and carry no CAK.
        let out = wd.run_env(
            &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
            &[("TF_LOG", "trace")],
        );
        out.assert_code(0);
        assert_no_cak("the plan log", &format!("{}{}", out.stdout, out.stderr));

        // Replace on trigger.
        wd.write_main_tf(&main_tf("2"));
        wd.show_json_plan()
            .assert_actions(ADDR, &["delete", "create"]);
        wd.apply_saved_plan();
        let replaced = wd.resource_values(ADDR);
        assert_ne!(text(&replaced, "id"), text(&state, "id"));
        assert!(decrypt(&id, &output).contains(CAK_2));

        // Deleted out of band: a new export.
        std::fs::remove_file(&output).unwrap();
        wd.plan_exitcode().assert_code(2);
        wd.apply();
        assert!(output.exists());
        wd.assert_no_changes();

        // Destroy leaves the local file.
        wd.destroy();
        assert!(output.exists());
        assert!(export_files(&sim).is_empty());
        assert_no_cak(
            "the final state",
            &std::fs::read_to_string(wd.path().join("terraform.tfstate")).unwrap_or_default(),
        );
        assert_provider_reached(&sim, scheme);
    });
}

/// `show_sensitive` without recipients is a plan-time error; with
/// `allow_plaintext_secrets` the export is written in the clear.
#[test]
fn plaintext_secrets_need_an_explicit_opt_in() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let wd = tf.workdir("");
        let dir = export_dir(&wd);
        let path = dir.join("plain.rsc");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&block(
            "resource",
            &[
                attr("path", &path.to_string_lossy()),
                "show_sensitive = true".into(),
            ],
        )));
        let out = wd.plan_exitcode();
        out.assert_code(1);
        out.assert_stderr_mentions(&[
            "Secrets would be written in the clear",
            "age_recipients",
            "allow_plaintext_secrets",
        ]);
        assert!(!path.exists());
        assert!(
            export_files(&sim).is_empty(),
            "nothing was exported at plan time"
        );

        wd.write_main_tf(&provider(&sim, scheme).main_tf(&block(
            "resource",
            &[
                attr("path", &path.to_string_lossy()),
                "show_sensitive = true".into(),
                "allow_plaintext_secrets = true".into(),
            ],
        )));
        wd.apply();
        let export = std::fs::read_to_string(&path).unwrap();
        assert!(export.contains(CAK_1), "{export}");
        assert!(export.starts_with("# "), "{export}");
        assert!(
            export.contains("/interface macsec\nadd "),
            "compact, not terse:\n{export}"
        );

        // Without show_sensitive, the CAKs stay on the router.
        let hidden = dir.join("hidden.rsc");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&block(
            "resource",
            &[attr("path", &hidden.to_string_lossy())],
        )));
        wd.apply();
        let export = std::fs::read_to_string(&hidden).unwrap();
        assert!(
            export.contains("name=macsec1") && !export.contains(CAK_1),
            "{export}"
        );
    });
}

/// `menu` (`/export path=`) works on RouterOS 7.23 and is a plan-time error
/// before.
#[test]
fn menu_filter_follows_the_router_version() {
    for_rotating_scheme(|tf, scheme| {
        let old = sim_for("7.18", scheme);
        let wd = tf.workdir("");
        let dir = export_dir(&wd);
        let path = dir.join("macsec.rsc");
        let body = block(
            "resource",
            &[
                attr("path", &path.to_string_lossy()),
                attr("menu", "/interface/macsec"),
            ],
        );
        wd.write_main_tf(&provider(&old, scheme).main_tf(&body));
        let out = wd.plan_exitcode();
        out.assert_code(1);
        out.assert_stderr_mentions(&["not supported by this RouterOS", "7.23", "7.18"]);

        let new = sim_for("7.23", scheme);
        configure_router(&new);
        wd.write_main_tf(&provider(&new, scheme).main_tf(&body));
        wd.apply();
        let export = std::fs::read_to_string(&path).unwrap();
        assert!(export.contains("/interface macsec\n"), "{export}");
        assert!(
            !export.contains("/interface ethernet"),
            "only the MACsec menus:\n{export}"
        );
        assert!(
            new.request_log()
                .iter()
                .any(|l| exports_menu(l, scheme, "interface/macsec")),
            "no /export path=interface/macsec over {scheme}: {:#?}",
            new.request_log()
        );
        wd.assert_no_changes();
    });
}

/// Whether request-log entry `line` is an `/export` of `menu` (without the
/// leading slash) sent over `scheme`: a REST `POST` with `path` in its body,
/// or an API sentence with a `=path=` word.
fn exports_menu(line: &str, scheme: Scheme, menu: &str) -> bool {
    if scheme.is_api() {
        line.starts_with("API /export ") && line.split(' ').any(|w| w == format!("=path={menu}"))
    } else {
        line.starts_with("POST /rest/export ") && line.contains(&format!("\"path\":\"{menu}\""))
    }
}

#[test]
fn exports_are_recognised_per_transport() {
    let rest = "POST /rest/export {\"file\":\"x\",\"path\":\"interface/macsec\"}";
    let api = "API /export =file=x =path=interface/macsec .tag=3";
    for scheme in [Scheme::Http, Scheme::Https] {
        assert!(exports_menu(rest, scheme, "interface/macsec"));
        assert!(!exports_menu(api, scheme, "interface/macsec"));
    }
    for scheme in [Scheme::Api, Scheme::Apis] {
        assert!(exports_menu(api, scheme, "interface/macsec"));
        assert!(!exports_menu(rest, scheme, "interface/macsec"));
    }
    assert!(!exports_menu(api, Scheme::Api, "interface"));
    assert!(!exports_menu(
        "API /export =file=x =path=interface/macsec/profile",
        Scheme::Api,
        "interface/macsec"
    ));
}

/// The data source returns the export without secrets, and leaves no file
/// on the router.
#[test]
fn data_source_returns_the_export_without_secrets() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let wd = tf.workdir("");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&format!(
            "{}\noutput \"body\" {{\n  value = data.routeros_config_export.test.body\n}}\n",
            block("data", &["terse = true".into()])
        )));
        wd.apply();
        let state = wd.state_json();
        assert_no_cak("the state", &state.to_string());
        let values = acceptance::harness::state_resource(&state, DATA_ADDR)
            .unwrap_or_else(|| panic!("{DATA_ADDR} in {state:#}"))
            .clone();
        let text_value = text(&values, "text");
        let body = text(&values, "body");
        assert!(
            text_value.starts_with("# ") && text_value.ends_with(&body),
            "{text_value}"
        );
        assert!(
            body.starts_with(
                "/interface ethernet set [ find default-name=ether3 ] comment=\"spare port\""
            ),
            "{body}"
        );
        assert!(
            body.contains("/interface macsec add ckn=aa01 interface=ether1 name=macsec1"),
            "{body}"
        );
        assert_eq!(
            text(&values, "sha256"),
            hex::encode(Sha256::digest(body.as_bytes()))
        );
        assert_eq!(text(&values, "routeros_version"), "7.18");
        assert!(
            export_files(&sim).is_empty(),
            "no export left on the router"
        );
        // An unchanged router gives the same body: the plan is clean.
        wd.assert_no_changes();
        // A change on the router shows in the body.
        rest(
            &sim,
            Method::PATCH,
            "/interface/macsec/macsec2",
            Some(json!({"mtu": "1400"})),
        );
        let out = wd.plan_exitcode();
        out.assert_code(2);
        assert!(normalise(&out.stdout).contains("mtu=1400"), "{out}");
    });
}

/// Bad recipients and an unusable path are plan-time errors; nothing is
/// exported and nothing written.
#[test]
fn bad_input_is_refused_cleanly() {
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        let wd = tf.workdir("");
        let dir = export_dir(&wd);
        let path = dir.join("x.rsc");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&block(
            "resource",
            &[
                attr("path", &path.to_string_lossy()),
                "show_sensitive = true".into(),
                recipients(&[
                    "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
                ]),
            ],
        )));
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Invalid recipients", "secret key"]);
        // Terraform quotes the configuration line; the provider's message does not repeat it.
        assert!(
            out.stderr.matches("AGE-SECRET-KEY-1QQQ").count() <= 1,
            "the pasted key is echoed by the provider:\n{out}"
        );

        let missing = dir.join("nope").join("x.rsc");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&block(
            "resource",
            &[attr("path", &missing.to_string_lossy())],
        )));
        let out = wd.try_apply();
        out.assert_failure();
        out.assert_stderr_mentions(&["Unusable local path", "does not exist"]);
        assert!(export_files(&sim).is_empty());
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    });
}

/// The names of the export files in the router's file area.
fn export_files_on_router(sim: &Sim) -> Vec<String> {
    sim.files()
        .iter()
        .filter_map(|f| f.get("name").cloned())
        .filter(|n| n.starts_with("terraform-export-"))
        .collect()
}

/// Regression: when the reply to `/export` was lost, the plaintext export
/// with every CAK (`show_sensitive`) stayed in the router's files for good,
/// the error did not name it and later applies did not remove it. Now the
/// provider looks for the file and removes it; when even that fails, the
/// error names the file and the next apply removes it.
#[test]
fn lost_export_reply_leaves_no_secret_on_the_router() {
    use acceptance::sim::{ApiFault, RestFault};
    for_rotating_scheme(|tf, scheme| {
        let sim = sim_for("7.18", scheme);
        configure_router(&sim);
        let (id, recipient) = key();
        let wd = tf.workdir("");
        let dir = export_dir(&wd);
        let path = dir.join("router.rsc");
        wd.write_main_tf(&provider(&sim, scheme).main_tf(&block(
            "resource",
            &[
                attr("path", &path.to_string_lossy()),
                "show_sensitive = true".into(),
                recipients(&[&recipient]),
            ],
        )));
        // The reply to /export lost, and (second round) the look-ups that
        // would remove the file too.
        let lose_export = || {
            if scheme.is_api() {
                sim.inject_api_fault(ApiFault::DropMidReply("/export".into()));
            } else {
                sim.inject_rest_fault(RestFault::DropReply("POST /rest/export".into()));
            }
        };
        let lose_file_list = || {
            if scheme.is_api() {
                // The API reads again once after a dropped connection.
                for _ in 0..2 {
                    sim.inject_api_fault(ApiFault::DropMidReply("/file/print".into()));
                }
            } else {
                sim.inject_rest_fault(RestFault::DropReply("GET /rest/file".into()));
            }
        };

        // 1: the reply is lost; the provider finds the file and removes it.
        lose_export();
        let out = wd.try_apply();
        out.assert_failure();
        assert_eq!(sim.pending_api_faults() + sim.pending_rest_faults(), 0);
        assert!(
            export_files_on_router(&sim).is_empty(),
            "{:?}\n{out}",
            export_files_on_router(&sim)
        );
        assert!(!path.with_extension("rsc.age").exists());

        // 2: the removal fails too: the error names the file, and the next
        // apply removes it.
        lose_export();
        lose_file_list();
        let out = wd.try_apply();
        out.assert_failure();
        let left = export_files_on_router(&sim);
        assert_eq!(left.len(), 1, "{left:?}");
        out.assert_stderr_mentions(&["File left on the router", &left[0], "next plan or apply"]);
        assert!(
            sim.file(&left[0])
                .is_some_and(|b| String::from_utf8_lossy(&b).contains(CAK_1)),
            "the leftover holds the CAK, which is why it must go"
        );
        wd.apply();
        assert!(
            export_files_on_router(&sim).is_empty(),
            "{:?}",
            export_files_on_router(&sim)
        );
        let output = PathBuf::from(text(&wd.resource_values(ADDR), "output_path"));
        assert!(decrypt(&id, &output).contains(CAK_1));
        wd.assert_no_changes();
    });
}
