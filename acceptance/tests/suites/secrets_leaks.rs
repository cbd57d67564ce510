//! Leak checks: for every way of giving `routeros_macsec_key` its CAK, the
//! real Terraform CLI plans (to a file), shows that plan as JSON, applies
//! it and plans again, all with `TF_LOG=trace` (which carries the
//! provider's own stderr), against routeros-sim. Then the CAK, the router
//! password and the age identity are looked for, in every form the scanner
//! knows (see `acceptance::harness::secrets`), in:
//!
//! - the state file (and its backup),
//! - `terraform show -json` of the saved plan,
//! - stdout and the full trace log of plan, apply and the second plan,
//! - the emulator's request log, minus the requests that write the key.
//!
//! There must be no hit, except the CAK in state and plan for the plain
//! `cak` attribute, whose documentation says it sits in state.
//!
//! `cak_age`, the generated key and `cak` run on every installed Terraform
//! (what Terraform writes to state, plan files and logs differs between
//! versions: 1.0.3 is the compatibility check); the write-only inputs,
//! which need Terraform 1.11, on the newest.
//!
//! `scanner_*` tests show that the scanner finds what it looks for: in
//! every encoding, and in the real files it reads (a planted secret).

use acceptance::harness::secrets::*;
use acceptance::harness::{Output, Terraform, Workdir, for_each_terraform, for_newest_terraform};
use acceptance::sim::{Sim, SimConfig};
use serde_json::Value;

/// What one scenario produced, read back from disk and the emulator.
struct Run {
    wd: Workdir,
    sim: Sim,
    outputs: Vec<Output>,
    cak: String,
    identity: String,
}

impl Run {
    /// Every artifact, read afresh (so that a planted change is seen).
    fn artifacts(&self) -> (Artifacts, Artifacts) {
        let mut logs = Vec::new();
        // `show -json` of the plan is counted with state, below.
        for o in self
            .outputs
            .iter()
            .filter(|o| !o.command.starts_with("terraform show"))
        {
            logs.push((format!("{} (stdout)", o.command), o.stdout.clone()));
            logs.push((
                format!("{} (stderr, TF_LOG=trace)", o.command),
                o.stderr.clone(),
            ));
        }
        logs.push(request_log_artifact(&self.sim));
        let mut stored = Vec::new();
        for file in ["terraform.tfstate", "terraform.tfstate.backup"] {
            if let Ok(text) = std::fs::read_to_string(self.wd.path().join(file)) {
                stored.push((file.to_string(), text));
            }
        }
        let show = self
            .outputs
            .iter()
            .find(|o| o.command.starts_with("terraform show"))
            .map(|o| o.stdout.clone())
            .unwrap_or_default();
        stored.push(("terraform show -json tfplan".to_string(), show));
        (logs, stored)
    }

    /// Hits of the password and the identity everywhere, and of the CAK
    /// everywhere (or, when `cak_in_state_allowed`, outside state and plan).
    fn leaks(&self, cak_in_state_allowed: bool) -> Vec<String> {
        let (logs, stored) = self.artifacts();
        let mut others = needles("router password", self.sim.password());
        others.extend(needles("age identity", &self.identity));
        let cak = needles("CAK", &self.cak);
        let mut hits = scan(&logs, &others);
        hits.extend(scan(&stored, &others));
        hits.extend(scan(&logs, &cak));
        if !cak_in_state_allowed {
            hits.extend(scan(&stored, &cak));
        }
        hits
    }
}

#[track_caller]
fn ok(out: Output) -> Output {
    out.assert_success();
    out
}

/// Plans to a file, shows it, applies it and plans again, all traced; the
/// password is age-encrypted (`password_age`) and the identity is the
/// provider's `age_identity` attribute.
fn run(tf: &Terraform, style: Style) -> Run {
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let (identity, recipient) = identity();
    let cak = random_cak();
    let provider = provider_block(&sim, true, Some(IdentityVia::Attribute));
    let mut wd = Workdir::new(tf, &main_tf(&provider, &key_config(style, &recipient, 1)));
    wd.write_file("identity.txt", &format!("# test identity\n{identity}\n"));
    wd.write_file("router.password.age", &encrypt(&recipient, sim.password()));
    wd.write_file("uplink.cak.age", &encrypt(&recipient, &cak));
    if matches!(style, Style::WriteOnlyVariable | Style::Plain) {
        wd.set_env("TF_VAR_cak", &cak);
    }
    let trace = [("TF_LOG", "trace")];
    let mut outputs = Vec::new();
    let plan = wd.run_env(
        &["plan", "-input=false", "-no-color", "-out=tfplan"],
        &trace,
    );
    outputs.push(ok(plan));
    outputs.push(ok(wd.run(&["show", "-json", "-no-color", "tfplan"])));
    outputs.push(ok(
        wd.run_env(&["apply", "-input=false", "-no-color", "tfplan"], &trace)
    ));
    let replan = wd.run_env(
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
        &trace,
    );
    replan.assert_code(0);
    outputs.push(replan);

    // The style worked: the router holds the key.
    let row = macsec_row(&sim, "macsec-uplink");
    let router_cak = row.get("cak").cloned().unwrap_or_default();
    let cak = if style == Style::Generated {
        let out = wd.resource_values("routeros_macsec_key.uplink");
        let armored = out["cak_age_out"].as_str().expect("cak_age_out in state");
        assert_eq!(
            decrypt(&identity, armored),
            router_cak,
            "cak_age_out is the router's key"
        );
        router_cak
    } else {
        assert_eq!(router_cak, cak, "the router holds the configured CAK");
        cak
    };
    Run {
        wd,
        sim,
        outputs,
        cak,
        identity,
    }
}

#[track_caller]
fn assert_no_leaks(tf: &Terraform, style: Style) {
    let run = run(tf, style);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(run.wd.path().join("terraform.tfstate")).expect("state file"),
    )
    .expect("state JSON");
    let leaks = run.leaks(style == Style::Plain);
    assert!(
        leaks.is_empty(),
        "{style:?} on Terraform {}: secrets found:\n  {}\n(working directory {})",
        tf.version(),
        leaks.join("\n  "),
        run.wd.path().display()
    );
    let attrs = &state["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["type"] == "routeros_macsec_key"))
        .expect("key in state")["instances"][0]["attributes"];
    assert!(
        attrs["cak_fingerprint"]
            .as_str()
            .is_some_and(|f| f.len() == 64),
        "{attrs:#}"
    );
    assert!(attrs["cak_wo"].is_null(), "{attrs:#}");
    if style != Style::Plain {
        assert!(attrs["cak"].is_null(), "{attrs:#}");
    }
}

fn write_only_capable(tf: &Terraform) -> bool {
    tf.version_tuple() >= (1, 11, 0)
}

#[test]
fn cak_age_leaks_nothing() {
    for_each_terraform(|tf| assert_no_leaks(tf, Style::Age));
}

#[test]
fn generated_cak_leaks_nothing() {
    for_each_terraform(|tf| assert_no_leaks(tf, Style::Generated));
}

#[test]
fn plain_cak_leaks_nothing_outside_state() {
    for_each_terraform(|tf| assert_no_leaks(tf, Style::Plain));
}

#[test]
fn write_only_cak_from_ephemeral_resource_leaks_nothing() {
    for_newest_terraform(|tf| {
        if write_only_capable(tf) {
            assert_no_leaks(tf, Style::WriteOnlyEphemeral);
        }
    });
}

#[test]
fn write_only_cak_from_ephemeral_variable_leaks_nothing() {
    for_newest_terraform(|tf| {
        if write_only_capable(tf) {
            assert_no_leaks(tf, Style::WriteOnlyVariable);
        }
    });
}

// ---------------------------------------------------------------------------
// The scanner finds what it looks for
// ---------------------------------------------------------------------------

/// Sends one unauthenticated `GET path` to the emulator's REST port.
fn send_raw_get(sim: &Sim, path: &str) {
    use std::io::{Read, Write};
    let url = sim.http_url();
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the emulator");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
}

#[test]
fn scanner_finds_every_form_at_every_offset() {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let cak = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let n = needles("CAK", cak);
    let raw = hex::decode(cak).unwrap();
    let mut planted = vec![
        ("plain".to_string(), format!("x {cak} y")),
        ("upper".to_string(), format!("x {} y", cak.to_uppercase())),
        (
            "hex of bytes".to_string(),
            hex::encode_upper(cak.as_bytes()),
        ),
        (
            "hex of bytes, lower".to_string(),
            hex::encode(cak.as_bytes()),
        ),
    ];
    for pad in 0..3 {
        let mut text = b"{\"msgpack\":".to_vec();
        text.truncate(pad + 3);
        let mut with = text.clone();
        with.extend_from_slice(cak.as_bytes());
        with.extend_from_slice(b"}\x00");
        planted.push((format!("base64 at {pad}"), b64(&with)));
        let mut with_raw = text;
        with_raw.extend_from_slice(&raw);
        with_raw.extend_from_slice(b"tail");
        planted.push((format!("raw base64 at {pad}"), b64(&with_raw)));
    }
    for artifact in &planted {
        assert!(
            !scan(std::slice::from_ref(artifact), &n).is_empty(),
            "missed the CAK in {}",
            artifact.0
        );
    }
    let clean = vec![(
        "clean".to_string(),
        "0f1e2d3c4b5a6978 and 8796a5b4c3d2e1f0 apart, AGE-SECRET-KEY-1".to_string(),
    )];
    assert!(scan(&clean, &n).is_empty());
}

#[test]
fn scanner_catches_secrets_planted_into_real_artifacts() {
    let tf = Terraform::available()
        .into_iter()
        .next()
        .expect("a Terraform");
    let run = run(&tf, Style::Age);
    assert!(run.leaks(false).is_empty(), "{:?}", run.leaks(false));
    let state_path = run.wd.path().join("terraform.tfstate");
    let original = std::fs::read_to_string(&state_path).unwrap();
    // A deliberately leaking fixture: the password, as the upper-case hex
    // of its bytes, inside the state file the scanner reads from disk.
    let planted = original.replacen(
        "\"version\"",
        &format!(
            "\"leak\": \"{}\", \"version\"",
            hex::encode_upper(run.sim.password().as_bytes())
        ),
        1,
    );
    std::fs::write(&state_path, planted).unwrap();
    let hits = run.leaks(false);
    assert_eq!(
        hits,
        vec!["terraform.tfstate: router password (hex of its bytes)".to_string()],
        "the planted password must be found, and only it"
    );
    std::fs::write(&state_path, original).unwrap();
    // The identity, base64-encoded inside a request the emulator logs.
    use base64::Engine as _;
    let leaked = base64::engine::general_purpose::STANDARD.encode(format!("x{}", run.identity));
    send_raw_get(&run.sim, &format!("/rest/system/identity?note={leaked}"));
    let hits = run.leaks(false);
    assert!(
        hits.iter()
            .any(|h| h.starts_with("emulator request log") && h.contains("age identity (base64")),
        "the identity planted into the request log must be found: {hits:?}"
    );
    // And the CAK of the plain style, really in state, is found there.
    let plain = self::run(&tf, Style::Plain);
    let (_, stored) = plain.artifacts();
    let hits = scan(&stored, &needles("CAK", &plain.cak));
    assert!(
        hits.iter().any(|h| h.starts_with("terraform.tfstate: CAK")),
        "the plain CAK sits in state and the scanner must say so: {hits:?}"
    );
}
