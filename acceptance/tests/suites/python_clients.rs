//! Conformance of routeros-sim's classic API with clients we did not write: Python's
//! `librouteros` and `routeros_api` (PyPI `RouterOS-api`), each used as its documentation
//! shows (`acceptance/clients/*.py`), log in, add a MACsec interface with a key, list it
//! and remove it, against emulated RouterOS 7.16 (before `!empty`) and 7.20 (after).
//! What a script leaves in place (`--keep`) the provider then imports by name, with the
//! real Terraform (the newest the harness finds), and plans clean, over `api://` and
//! over `https://`.
//!
//! The libraries live in the venv `.tools/pyclients` made by
//! `scripts/install-python-clients.sh` (`$TOOLS_DIR/pyclients` when `TOOLS_DIR` is set).
//! Without it these tests fail and say what to run; they never skip.

use std::path::PathBuf;
use std::process::Command;

use acceptance::harness::{ProviderBlock, Scheme, Terraform, hcl_string, workspace_root};
use acceptance::sim::{Sim, SimConfig};
use serde_json::Value;

/// The versions of the emulated RouterOS: 7.16 answers an empty `print` with `!done`
/// alone, 7.20 with `!empty` then `!done`.
const VERSIONS: [&str; 2] = ["7.16", "7.20"];
/// The library versions `scripts/install-python-clients.sh` pins.
const LIBROUTEROS_VERSION: &str = "4.2.2";
const ROUTEROS_API_VERSION: &str = "0.21.0";
const CAK: &str = "71a7c363794da400dbde595d3926b0e9";
const CKN: &str = "0123456789abcdef0123456789abcdef";

/// The two client scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Library {
    Librouteros,
    RouterosApi,
}

impl Library {
    const ALL: [Library; 2] = [Library::Librouteros, Library::RouterosApi];

    fn script(self) -> PathBuf {
        let file = match self {
            Library::Librouteros => "librouteros_macsec.py",
            Library::RouterosApi => "routeros_api_macsec.py",
        };
        workspace_root().join("acceptance/clients").join(file)
    }

    /// The `library` field of the script's JSON.
    fn name(self) -> &'static str {
        match self {
            Library::Librouteros => "librouteros",
            Library::RouterosApi => "routeros_api",
        }
    }

    fn version(self) -> &'static str {
        match self {
            Library::Librouteros => LIBROUTEROS_VERSION,
            Library::RouterosApi => ROUTEROS_API_VERSION,
        }
    }

    /// The key of the record id in a listed row (`routeros_api` strips the dot).
    fn id_key(self) -> &'static str {
        match self {
            Library::Librouteros => ".id",
            Library::RouterosApi => "id",
        }
    }
}

/// The venv's interpreter; panics with what to run when it is missing.
#[track_caller]
fn python() -> PathBuf {
    let tools = std::env::var_os("TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools"));
    let python = tools.join("pyclients/bin/python");
    assert!(
        python.exists(),
        "the Python API clients are not installed ({} is missing): run \
         scripts/install-python-clients.sh",
        python.display()
    );
    python
}

/// What one run of a client script gave.
struct Run {
    json: Value,
    stdout: String,
    stderr: String,
}

/// Runs a client script against `url`, with the emulator's credentials in the environment.
fn run_script(
    library: Library,
    url: &str,
    username: &str,
    password: &str,
    extra: &[&str],
) -> Result<Run, String> {
    let output = Command::new(python())
        .arg(library.script())
        .args(["--url", url, "--cak", CAK, "--ckn", CKN])
        .args(extra)
        .env("ROUTEROS_USERNAME", username)
        .env("ROUTEROS_PASSWORD", password)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .map_err(|e| format!("could not run {}: {e}", library.script().display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!(
            "{} exited with {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            library.name(),
            output.status
        ));
    }
    let json = serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "{} printed no JSON ({e}):\n{stdout}\n{stderr}",
            library.name()
        )
    })?;
    Ok(Run {
        json,
        stdout,
        stderr,
    })
}

#[track_caller]
fn run_ok(library: Library, sim: &Sim, url: &str, extra: &[&str]) -> Run {
    match run_script(library, url, sim.username(), sim.password(), extra) {
        Ok(run) => run,
        Err(e) => panic!("{e}"),
    }
}

fn start(version: &str, legacy_login: bool) -> Sim {
    Sim::spawn(SimConfig {
        version: version.into(),
        legacy_login,
        ..SimConfig::default()
    })
    .expect("start routeros-sim")
}

/// Checks what a script printed after add, list (and remove unless `kept`).
#[track_caller]
fn check_result(library: Library, run: &Run, name: &str, interface: &str, kept: bool) -> String {
    let json = &run.json;
    let context = format!("{}\n{}", run.stdout, run.stderr);
    assert_eq!(json["library"], library.name(), "{context}");
    assert_eq!(json["library_version"], library.version(), "{context}");
    let listed = json["listed"].as_array().expect("listed is an array");
    assert_eq!(
        listed.len(),
        1,
        "exactly the new interface is listed: {context}"
    );
    let row = &listed[0];
    assert_eq!(row["name"], name, "{context}");
    assert_eq!(row["interface"], interface, "{context}");
    assert_eq!(row["ckn"], CKN, "{context}");
    assert_eq!(
        row["cak_matches"], true,
        "the cak read back is the one sent: {context}"
    );
    // librouteros turns numbers and booleans into Python values, routeros_api keeps text.
    assert_eq!(
        row["mtu"].to_string().trim_matches('"'),
        "1468",
        "{context}"
    );
    let id = row[library.id_key()]
        .as_str()
        .unwrap_or_else(|| panic!("listed row has no id: {context}"))
        .to_string();
    assert!(id.starts_with('*'), "{context}");
    if library == Library::Librouteros {
        assert_eq!(
            json["created_id"],
            id.as_str(),
            "add() returns the =ret= id: {context}"
        );
        let queried = json["queried"].as_array().expect("queried is an array");
        assert_eq!(queried.len(), 1, "{context}");
        let mut keys: Vec<&str> = queried[0]
            .as_object()
            .expect("row")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [".id", "interface", "name"],
            ".proplist honoured: {context}"
        );
        assert_eq!(queried[0][".id"], id.as_str(), "{context}");
    }
    assert_eq!(json["removed"], !kept, "{context}");
    let names_after: Vec<&str> = json["names_after"]
        .as_array()
        .expect("names_after is an array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names_after.contains(&name), kept, "{context}");
    id
}

/// The API sentences the emulator logged for a script's add and remove.
#[track_caller]
fn check_log(sim: &Sim, name: &str, id: &str, removed: bool) {
    let log = sim.request_log();
    let add = log
        .iter()
        .find(|l| {
            l.starts_with("API /interface/macsec/add ") && l.contains(&format!("=name={name}"))
        })
        .unwrap_or_else(|| panic!("no API add of {name} in the log: {log:#?}"));
    for word in [
        format!("=cak={CAK}"),
        format!("=ckn={CKN}"),
        "=interface=".to_string(),
    ] {
        assert!(add.contains(&word), "{add}");
    }
    let remove = format!("API /interface/macsec/remove =.id={id}");
    assert_eq!(
        log.iter().any(|l| l.starts_with(&remove)),
        removed,
        "{remove} in {log:#?}"
    );
    assert!(
        log.iter().all(|l| !l.contains(sim.password())),
        "the password never reaches the log"
    );
}

#[test]
fn both_libraries_add_list_and_remove_at_7_16_and_7_20() {
    for version in VERSIONS {
        let sim = start(version, false);
        let url = sim.api_url().expect("the emulator serves the API");
        for (i, library) in Library::ALL.into_iter().enumerate() {
            let name = format!("m-{}-{}", library.name(), version.replace('.', "-"));
            let interface = format!("ether{}", i + 1);
            let run = run_ok(
                library,
                &sim,
                &url,
                &["--name", &name, "--interface", &interface],
            );
            let id = check_result(library, &run, &name, &interface, false);
            check_log(&sim, &name, &id, true);
        }
        assert!(
            sim.records("/interface/macsec").is_empty(),
            "{version}: everything the scripts added was removed"
        );
    }
}

#[test]
fn keep_leaves_the_interface_for_the_provider_to_import() {
    let tf = &Terraform::newest();
    std::thread::scope(|scope| {
        let runs: Vec<_> = VERSIONS
            .into_iter()
            .map(|version| scope.spawn(move || keep_then_import(tf, version)))
            .collect();
        for run in runs {
            if let Err(panic) = run.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// Each library adds an interface and keeps it; the provider imports both by name and
/// plans clean, over the API and over REST.
fn keep_then_import(tf: &Terraform, version: &str) {
    let sim = start(version, false);
    let url = sim.api_url().expect("the emulator serves the API");
    let mut kept = Vec::new();
    for (i, library) in Library::ALL.into_iter().enumerate() {
        let name = format!("kept-{}", library.name());
        let interface = format!("ether{}", i + 3);
        let run = run_ok(
            library,
            &sim,
            &url,
            &["--name", &name, "--interface", &interface, "--keep"],
        );
        let id = check_result(library, &run, &name, &interface, true);
        check_log(&sim, &name, &id, false);
        // The record is in the one store REST reads too.
        let records = sim.records("/interface/macsec");
        let record = records
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{version}: {name} not kept: {records:?}"));
        assert_eq!(record[".id"], id);
        assert_eq!(record["interface"], interface);
        assert_eq!(record["cak"], CAK);
        assert_eq!(record["ckn"], CKN);
        assert_eq!(record["disabled"], "false");
        kept.push((library, name, interface, id));
    }
    assert_eq!(sim.records("/interface/macsec").len(), 2, "{version}");

    // The provider adopts what the scripts made: import by name, then nothing to do.
    let body: String = kept
        .iter()
        .map(|(library, name, interface, _)| {
            format!(
                "resource \"routeros_macsec_interface\" \"{}\" {{\n  name = {}\n  interface = {}\n}}\n",
                library.name(),
                hcl_string(name),
                hcl_string(interface)
            )
        })
        .collect();
    let wd = tf.workdir(&ProviderBlock::for_sim(&sim, Scheme::Api).main_tf(&body));
    for (library, name, interface, id) in &kept {
        let address = format!("routeros_macsec_interface.{}", library.name());
        wd.import(&address, name);
        let state = wd.resource_values(&address);
        assert_eq!(state["id"], id.as_str(), "{version} {address}: {state:#}");
        assert_eq!(state["name"], name.as_str(), "{version}: {state:#}");
        assert_eq!(
            state["interface"],
            interface.as_str(),
            "{version}: {state:#}"
        );
        assert_eq!(state["mtu"].as_f64(), Some(1468.0), "{version}: {state:#}");
        assert_eq!(state["disabled"], false, "{version}: {state:#}");
    }
    wd.assert_no_changes();
    // The same state is clean over REST too.
    wd.write_main_tf(&ProviderBlock::for_sim(&sim, Scheme::Https).main_tf(&body));
    wd.assert_no_changes();
    // Importing and planning changed nothing on the router.
    let after = sim.records("/interface/macsec");
    assert_eq!(after.len(), 2, "{version}: {after:?}");
    for (_, name, _, id) in &kept {
        assert!(
            after.iter().any(|r| &r["name"] == name && &r[".id"] == id),
            "{version}: {name} {id} in {after:?}"
        );
    }
}

#[test]
fn both_libraries_over_tls_with_the_emulator_ca() {
    let sim = start("7.20", false);
    let url = sim
        .apis_url()
        .expect("the emulator serves the API over TLS");
    let ca = sim
        .ca_certificate_path()
        .expect("the emulator wrote its CA certificate");
    let ca = ca.to_string_lossy();
    for (i, library) in Library::ALL.into_iter().enumerate() {
        let name = format!("tls-{}", library.name());
        let interface = format!("ether{}", i + 5);
        let run = run_ok(
            library,
            &sim,
            &url,
            &[
                "--name",
                &name,
                "--interface",
                &interface,
                "--ca-certificate",
                &ca,
            ],
        );
        let id = check_result(library, &run, &name, &interface, false);
        check_log(&sim, &name, &id, true);
    }
    // Without the emulator's CA the certificate is not trusted.
    let err = run_script(
        Library::Librouteros,
        &url,
        sim.username(),
        sim.password(),
        &["--name", "untrusted"],
    )
    .err()
    .expect("an unknown CA must be refused");
    assert!(err.contains("CERTIFICATE_VERIFY_FAILED"), "{err}");
    assert!(sim.records("/interface/macsec").is_empty());
}

#[test]
fn both_libraries_log_in_with_the_pre_6_43_challenge() {
    for version in VERSIONS {
        let sim = start(version, true);
        let url = sim.api_url().expect("the emulator serves the API");
        for (i, library) in Library::ALL.into_iter().enumerate() {
            let name = format!("legacy-{}", library.name());
            let interface = format!("ether{}", i + 1);
            let run = run_ok(
                library,
                &sim,
                &url,
                &["--name", &name, "--interface", &interface, "--legacy-login"],
            );
            let id = check_result(library, &run, &name, &interface, false);
            check_log(&sim, &name, &id, true);
            let log = sim.request_log();
            assert!(
                log.iter()
                    .any(|l| l.starts_with("API /login =name=admin =response=<redacted>")),
                "{log:#?}"
            );
        }
    }
}

#[test]
fn a_wrong_password_is_refused_and_nothing_is_added() {
    for legacy_login in [false, true] {
        let sim = start("7.20", legacy_login);
        let url = sim.api_url().expect("the emulator serves the API");
        for library in Library::ALL {
            let mut extra = vec!["--name", "never"];
            if legacy_login {
                extra.push("--legacy-login");
            }
            let err = run_script(library, &url, sim.username(), "not-the-password", &extra)
                .err()
                .unwrap_or_else(|| panic!("{}: a wrong password must fail", library.name()));
            assert!(
                err.contains("invalid user name or password (6)"),
                "{}: {err}",
                library.name()
            );
        }
        assert!(sim.records("/interface/macsec").is_empty());
        assert!(
            !sim.request_log()
                .iter()
                .any(|l| l.starts_with("API /interface/macsec/add")),
            "nothing ran after the failed login"
        );
    }
}
