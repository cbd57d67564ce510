//! Key drift without the key in state, and the life of each non-plain
//! input, on the real Terraform CLI against routeros-sim:
//!
//! - a CAK changed on the router by hand is drift (`cak_fingerprint`): the
//!   refresh-only plan reports it, the plan warns that the key on the router
//!   no longer matches the configured one without printing either key, and
//!   applying writes the configured key again (`cak_age`, `cak_wo`, the
//!   generated key);
//! - `cak_wo`: a new value with the same `cak_wo_version` is not written (a
//!   warning says so); a new version writes it;
//! - generated: new recipients re-encrypt the same key (no router change).

use acceptance::harness::secrets::*;
use acceptance::harness::{Output, Terraform, Workdir, for_newest_terraform, normalise};
use acceptance::sim::{Sim, SimConfig};

/// Sets the CAK of `macsec-uplink` on `sim` as an operator would, through
/// the REST API.
fn change_cak_by_hand(sim: &Sim, cak: &str) {
    use base64::Engine as _;
    use std::io::{Read, Write};
    let id = macsec_row(sim, "macsec-uplink")[".id"].clone();
    let body = format!("{{\"cak\":\"{cak}\"}}");
    let auth = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        sim.username(),
        sim.password()
    ));
    let url = sim.http_url();
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the emulator");
    write!(
        stream,
        "PATCH /rest/interface/macsec/{id} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "PATCH failed: {reply}");
    assert_eq!(macsec_row(sim, "macsec-uplink")["cak"], cak);
}

/// A directory for `style` with the identity in `ROUTEROS_AGE_IDENTITY`.
fn setup(tf: &Terraform, style: Style) -> (Sim, Workdir, String, String, String) {
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let (identity, recipient) = identity();
    let cak = random_cak();
    let provider = provider_block(&sim, false, None);
    let mut wd = Workdir::new(tf, &main_tf(&provider, &key_config(style, &recipient, 1)));
    wd.write_file("uplink.cak.age", &encrypt(&recipient, &cak));
    wd.set_env("ROUTEROS_AGE_IDENTITY", &identity);
    wd.set_env("TF_VAR_cak", &cak);
    (sim, wd, identity, recipient, cak)
}

fn text(out: &Output) -> String {
    normalise(&format!("{}{}", out.stdout, out.stderr).replace('│', " "))
}

#[track_caller]
fn assert_shows_no_key(out: &Output, keys: &[&str]) {
    for key in keys {
        let t = format!("{}{}", out.stdout, out.stderr).to_ascii_lowercase();
        assert!(
            !t.contains(&key.to_ascii_lowercase()),
            "a key is shown:\n{out}"
        );
    }
}

/// Hand change → drift reported, warned about, repaired by apply.
fn drift_is_repaired(tf: &Terraform, style: Style) {
    let (sim, wd, identity, _, cak) = setup(tf, style);
    wd.apply();
    let cak = if style == Style::Generated {
        let out = wd.resource_values("routeros_macsec_key.uplink")["cak_age_out"]
            .as_str()
            .expect("cak_age_out")
            .to_string();
        decrypt(&identity, &out)
    } else {
        cak
    };
    assert_eq!(macsec_row(&sim, "macsec-uplink")["cak"], cak);
    wd.assert_no_changes();
    let fp = wd.resource_values("routeros_macsec_key.uplink")["cak_fingerprint"].clone();

    let hand = random_cak();
    change_cak_by_hand(&sim, &hand);
    let refresh = wd.refresh_only_plan();
    refresh.assert_code(2);
    assert!(text(&refresh).contains("cak_fingerprint"), "{refresh}");
    assert_shows_no_key(&refresh, &[&cak, &hand]);
    let plan = wd.plan_exitcode();
    plan.assert_code(2);
    let t = text(&plan);
    assert!(
        t.contains("the cak on the router no longer matches the configured one"),
        "{style:?}: no drift warning:\n{plan}"
    );
    assert!(t.contains("cak_fingerprint"), "{plan}");
    assert_shows_no_key(&plan, &[&cak, &hand]);
    let apply = wd.apply();
    assert_shows_no_key(&apply, &[&cak, &hand]);
    assert_eq!(
        macsec_row(&sim, "macsec-uplink")["cak"],
        cak,
        "{style:?}: key not restored"
    );
    assert_eq!(
        wd.resource_values("routeros_macsec_key.uplink")["cak_fingerprint"],
        fp
    );
    wd.assert_no_changes();
}

#[test]
fn drift_of_an_age_key_is_seen_and_repaired() {
    for_newest_terraform(|tf| drift_is_repaired(tf, Style::Age));
}

#[test]
fn drift_of_a_generated_key_is_seen_and_repaired() {
    for_newest_terraform(|tf| drift_is_repaired(tf, Style::Generated));
}

#[test]
fn drift_of_a_write_only_key_is_seen_and_repaired() {
    for_newest_terraform(|tf| {
        if tf.version_tuple() >= (1, 11, 0) {
            drift_is_repaired(tf, Style::WriteOnlyVariable);
        }
    });
}

#[test]
fn write_only_key_changes_only_with_its_version() {
    for_newest_terraform(|tf| {
        if tf.version_tuple() < (1, 11, 0) {
            return;
        }
        let (sim, mut wd, _, recipient, cak) = setup(tf, Style::WriteOnlyVariable);
        wd.apply();
        assert_eq!(macsec_row(&sim, "macsec-uplink")["cak"], cak);
        let next = random_cak();
        wd.set_env("TF_VAR_cak", &next);
        let plan = wd.plan_exitcode();
        plan.assert_code(0);
        assert!(
            text(&plan).contains("`cak_wo` changed but `cak_wo_version` did not"),
            "{plan}"
        );
        wd.write_main_tf(&main_tf(
            &provider_block(&sim, false, None),
            &key_config(Style::WriteOnlyVariable, &recipient, 2),
        ));
        let plan = wd.plan_exitcode();
        plan.assert_code(2);
        assert_shows_no_key(&plan, &[&cak, &next]);
        wd.apply();
        assert_eq!(macsec_row(&sim, "macsec-uplink")["cak"], next);
        wd.assert_no_changes();
        let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).unwrap();
        assert!(!state.contains(&next) && !state.contains(&cak));
    });
}

#[test]
fn generated_key_is_reencrypted_to_new_recipients_without_a_router_change() {
    for_newest_terraform(|tf| {
        let (sim, wd, identity, recipient, _) = setup(tf, Style::Generated);
        wd.apply();
        let cak = macsec_row(&sim, "macsec-uplink")["cak"].clone();
        let ckn = macsec_row(&sim, "macsec-uplink")["ckn"].clone();
        assert_eq!(ckn.len(), 64, "a generated 32-byte CKN");
        let (second, second_recipient) = acceptance::harness::secrets::identity();
        let body = key_config(Style::Generated, &recipient, 1).replace(
            &format!("[\"{recipient}\"]"),
            &format!("[\"{recipient}\", \"{second_recipient}\"]"),
        );
        wd.write_main_tf(&main_tf(&provider_block(&sim, false, None), &body));
        let writes = || sim.request_log().iter().filter(|l| sets_the_key(l)).count();
        let before = writes();
        wd.apply();
        assert_eq!(writes(), before, "re-encryption wrote the key");
        assert_eq!(macsec_row(&sim, "macsec-uplink")["cak"], cak);
        let out = wd.resource_values("routeros_macsec_key.uplink")["cak_age_out"]
            .as_str()
            .expect("cak_age_out")
            .to_string();
        assert_eq!(decrypt(&identity, &out), cak);
        assert_eq!(decrypt(&second, &out), cak, "the new recipient can decrypt");
        wd.assert_no_changes();
    });
}
