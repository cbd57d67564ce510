//! The fault-injection suite that stays (issue 13, part 6): the harness's
//! [`FaultProxy`] sits between the provider and the emulator, over REST or
//! the classic API, and drops connections, loses replies, holds them back
//! past the timeout, answers 500 or hangs, as a seed throws the dice. Under
//! each kind Terraform applies `CHAOS_N` (default 50) MACsec interfaces, their
//! keys, a profile and an age-encrypted backup; then the faults stop and at
//! most two applies must reach router = state = configuration, with no
//! duplicate object, no orphan (on the router, not in state), no leftover
//! file on the router, and no CAK or password in Terraform's `TF_LOG=trace`
//! output, the state, the plan or the router's request log.
//!
//! `make test` runs one seed per kind (the transport alternates with the
//! seed); `make chaos` runs `CHAOS_SEEDS` seeds. Each scenario prints one
//! `[chaos]` line with its figures.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use acceptance::harness::secrets::{self, needles, scan};
use acceptance::harness::{
    FaultKind, FaultPlan, FaultProxy, Output, ProviderBlock, Terraform, start_sim,
};
use acceptance::sim::{Sim, SimConfig};

/// The provider's timeout in the scenarios, seconds; `Delay` holds replies
/// back for longer.
const TIMEOUT: u64 = 2;

fn count() -> usize {
    std::env::var("CHAOS_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50)
}

fn seeds() -> u64 {
    std::env::var("CHAOS_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn cak(i: usize) -> String {
    format!("{:032x}", 0xc4a0_5eed_u64 + i as u64 * 104_729)
}

/// The configuration: a profile, `n` interfaces with their keys, a backup.
fn body(n: usize, backup_path: &str, password_file: &str, recipient: &str) -> String {
    let mut out = String::from(
        "resource \"routeros_macsec_profile\" \"p\" {\n  name = \"chaos\"\n  server_priority = 10\n}\n",
    );
    for i in 0..n {
        out.push_str(&format!(
            "resource \"routeros_macsec_interface\" \"m{i}\" {{\n  name = \"macsec{i}\"\n  interface = \"ether{}\"\n  profile = routeros_macsec_profile.p.name\n}}\nresource \"routeros_macsec_key\" \"k{i}\" {{\n  interface = routeros_macsec_interface.m{i}.name\n  cak_age = file(\"k{i}.cak.age\")\n}}\n",
            i + 1,
        ));
    }
    out.push_str(&format!(
        "resource \"routeros_system_backup\" \"b\" {{\n  path = {}\n  password_age = file({})\n  age_recipients = [{}]\n  depends_on = [{}]\n}}\n",
        acceptance::harness::hcl_string(backup_path),
        acceptance::harness::hcl_string(password_file),
        acceptance::harness::hcl_string(recipient),
        (0..n)
            .map(|i| format!("routeros_macsec_key.k{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out
}

/// What one scenario found.
#[derive(Debug, Default)]
struct Figures {
    faults: usize,
    applies_after: usize,
    converged: bool,
    duplicates: usize,
    orphans: usize,
    leftovers: Vec<String>,
    leaks: Vec<String>,
}

fn upstream(sim: &Sim, api: bool) -> SocketAddr {
    let url = if api {
        sim.api_url().expect("the emulator serves the API")
    } else {
        sim.http_url()
    };
    let host_port = url.split("://").nth(1).expect("scheme://host:port");
    host_port.parse().expect("host:port")
}

fn scenario(kind: FaultKind, seed: u64) -> Figures {
    let n = count();
    let api = (seed + kind.name().len() as u64) % 2 == 1;
    let tf = Terraform::newest();
    let sim = start_sim(SimConfig {
        https: false,
        ethernet_ports: n.max(1),
        ..SimConfig::default()
    });
    let proxy = FaultProxy::start(
        upstream(&sim, api),
        FaultPlan {
            kind,
            seed,
            per_mille: 60,
            max_faults: 3,
        },
    )
    .expect("start the fault proxy");
    // The password reaches the provider through the environment, the CAKs
    // as age files: none of them is in the configuration, so none may show
    // up anywhere.
    let provider = ProviderBlock {
        url: Some(proxy.url(if api { "api" } else { "http" })),
        username: Some(sim.username().to_string()),
        timeout: Some(TIMEOUT),
        ..ProviderBlock::default()
    };
    let (identity, recipient) = secrets::identity();
    let backup_password = "chaos-backup-Passw0rd";
    let mut wd = tf.workdir("");
    wd.set_env("ROUTEROS_AGE_IDENTITY", &identity);
    wd.set_env("ROUTEROS_PASSWORD", sim.password());
    for i in 0..n {
        wd.write_file(
            &format!("k{i}.cak.age"),
            &secrets::encrypt(&recipient, &cak(i)),
        );
    }
    wd.write_file(
        "backup.password.age",
        &secrets::encrypt(&recipient, backup_password),
    );
    let backup_path = wd.path().join("router.backup");
    wd.write_main_tf(&provider.main_tf(&body(
        n,
        &backup_path.to_string_lossy(),
        "backup.password.age",
        &recipient,
    )));
    let trace = [("TF_LOG", "trace")];
    let apply = |wd: &acceptance::harness::Workdir| {
        wd.run_env(
            &["apply", "-auto-approve", "-input=false", "-no-color"],
            &trace,
        )
    };

    let mut outputs: Vec<Output> = vec![apply(&wd)];
    let mut figures = Figures {
        faults: proxy.faults_fired(),
        ..Figures::default()
    };
    proxy.stop_faults();
    figures.converged = outputs[0].success();
    while !figures.converged && figures.applies_after < 2 {
        let out = apply(&wd);
        figures.applies_after += 1;
        figures.converged = out.success();
        outputs.push(out);
    }
    let what = format!(
        "{} over {} seed {seed}",
        kind.name(),
        if api { "api" } else { "rest" }
    );
    if !figures.converged {
        eprintln!("[chaos] {what}: last apply:\n{}", outputs.last().unwrap());
        return figures;
    }
    let plan = wd.show_json_plan();
    plan.output.assert_code(0);

    // Router = state: every object once, none the state does not know.
    let state = wd.state_json();
    let in_state: Vec<String> = state["values"]["root_module"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "routeros_macsec_interface")
        .filter_map(|r| r["values"]["name"].as_str().map(String::from))
        .collect();
    let mut on_router: BTreeMap<String, usize> = BTreeMap::new();
    for r in sim.records("/interface/macsec") {
        *on_router.entry(r["name"].clone()).or_default() += 1;
    }
    let profiles = sim
        .records("/interface/macsec/profile")
        .into_iter()
        .filter(|r| r["name"] == "chaos")
        .count();
    figures.duplicates =
        on_router.values().map(|c| c - 1).sum::<usize>() + profiles.saturating_sub(1);
    figures.orphans = on_router
        .keys()
        .filter(|name| !in_state.contains(name))
        .count();
    assert_eq!(in_state.len(), n, "{what}: interfaces in state");
    for r in sim.records("/interface/macsec") {
        let i: usize = r["name"]
            .trim_start_matches("macsec")
            .parse()
            .expect("macsecN");
        assert_eq!(r.get("cak"), Some(&cak(i)), "{what}: key of {}", r["name"]);
    }
    // Files: the backup is taken to the local path (`.age` added, it is
    // encrypted) and nothing stays behind on the router.
    figures.leftovers = sim
        .files()
        .into_iter()
        .filter_map(|f| f.get("name").cloned())
        .filter(|name| {
            name.contains("terraform") || name.ends_with(".backup") || name.ends_with(".rsc")
        })
        .collect();
    let local = backup_path.with_extension("backup.age");
    assert!(
        local.exists(),
        "{what}: the backup was written locally, age-encrypted, to {}",
        local.display()
    );

    // Secrets: every CAK and both passwords, in every artifact.
    let mut artifacts: Vec<(String, String)> = outputs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            (
                format!("apply {i} TF_LOG=trace"),
                format!("{}\n{}", o.stdout, o.stderr),
            )
        })
        .collect();
    artifacts.push((
        "terraform.tfstate".into(),
        std::fs::read_to_string(wd.path().join("terraform.tfstate")).unwrap_or_default(),
    ));
    artifacts.push(("plan (show -json)".into(), plan.json.to_string()));
    // The router's log, minus the requests allowed to carry a secret: those
    // that set a key and the backup save (it carries the backup password).
    let log: Vec<String> = sim
        .request_log()
        .into_iter()
        .filter(|l| !secrets::sets_the_key(l) && !l.contains("/system/backup/save"))
        .collect();
    artifacts.push(("router request log".into(), log.join("\n")));
    let mut all = needles("router password", sim.password());
    all.extend(needles("backup password", backup_password));
    for i in 0..n {
        all.extend(needles(&format!("CAK {i}"), &cak(i)));
    }
    figures.leaks = scan(&artifacts, &all);
    eprintln!(
        "[chaos] {what}: faults {}, converged {} (applies after the faults {}), duplicates {}, orphans {}, leftovers {}, leaks {}",
        figures.faults,
        figures.converged,
        figures.applies_after,
        figures.duplicates,
        figures.orphans,
        figures.leftovers.len(),
        figures.leaks.len()
    );
    figures
}

/// Runs every seed under `kind` and asserts the figures.
fn run(kind: FaultKind) {
    for seed in 0..seeds() {
        let f = scenario(kind, seed);
        let what = format!("{} seed {seed}", kind.name());
        assert!(
            f.converged,
            "{what}: did not converge within two applies after the faults"
        );
        assert_eq!(f.duplicates, 0, "{what}: duplicates");
        assert_eq!(f.orphans, 0, "{what}: orphans");
        assert!(
            f.leftovers.is_empty(),
            "{what}: files left on the router: {:?}",
            f.leftovers
        );
        assert!(f.leaks.is_empty(), "{what}: secrets in logs: {:?}", f.leaks);
    }
}

#[test]
fn fifty_objects_and_a_backup_converge_when_connections_drop() {
    run(FaultKind::Drop);
}

#[test]
fn fifty_objects_and_a_backup_converge_when_replies_are_lost() {
    run(FaultKind::LoseReply);
}

#[test]
fn fifty_objects_and_a_backup_converge_when_replies_come_after_the_timeout() {
    run(FaultKind::Delay(Duration::from_secs(TIMEOUT + 1)));
}

#[test]
fn fifty_objects_and_a_backup_converge_when_the_router_answers_500() {
    run(FaultKind::ServerError);
}

#[test]
fn fifty_objects_and_a_backup_converge_when_the_router_hangs() {
    run(FaultKind::Hang);
}

#[test]
fn the_configuration_holds_every_object_once() {
    let text = body(3, "/tmp/b", "p.age", "age1x");
    assert_eq!(
        text.matches("resource \"routeros_macsec_interface\"")
            .count(),
        3
    );
    assert_eq!(text.matches("resource \"routeros_macsec_key\"").count(), 3);
    assert_eq!(
        text.matches("resource \"routeros_system_backup\"").count(),
        1
    );
}
