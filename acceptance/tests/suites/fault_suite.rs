//! The fault suite, short form (issue 13, part 6): interfaces + keys + a
//! profile applied while the emulator loses, holds back or cuts the replies
//! to creates, over REST and the classic API. A seed chooses how many
//! creates are hit and which menu. Once the faults stop, at most two more
//! applies reach router = state = configuration, with no duplicate, no
//! orphan and no CAK in Terraform's output. `make test` runs two seeds per
//! fault kind; `make chaos` runs `CHAOS_SEEDS` (default 20).

use std::collections::BTreeMap;

use acceptance::harness::{ProviderBlock, Scheme, Terraform};
use acceptance::sim::{ApiFault, RestFault, Sim, SimConfig};

/// Interfaces (and keys) per scenario.
const N: usize = 4;

#[derive(Clone, Copy, Debug)]
enum Kind {
    RestDrop,
    RestHold,
    ApiHold,
    ApiCut,
}

/// A small deterministic generator (xorshift), so a seed replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn cak(i: usize) -> String {
    format!("{:032x}", 0x5eed_0000_u64 + i as u64 * 7919)
}

fn body() -> String {
    let mut out = String::from(
        "resource \"routeros_macsec_profile\" \"p\" {\n  name = \"chaos\"\n  server_priority = 10\n}\n",
    );
    for i in 0..N {
        out.push_str(&format!(
            "resource \"routeros_macsec_interface\" \"m{i}\" {{\n  name = \"macsec{i}\"\n  interface = \"ether{}\"\n  profile = routeros_macsec_profile.p.name\n}}\nresource \"routeros_macsec_key\" \"k{i}\" {{\n  interface = routeros_macsec_interface.m{i}.name\n  cak = \"{}\"\n}}\n",
            i + 1,
            cak(i)
        ));
    }
    out
}

fn stage(sim: &Sim, kind: Kind, rng: &mut Rng) {
    let hits = 1 + rng.next(3);
    for _ in 0..hits {
        let menu = if rng.next(4) == 0 {
            "/interface/macsec/profile"
        } else {
            "/interface/macsec"
        };
        match kind {
            Kind::RestDrop => {
                sim.inject_rest_fault(RestFault::DropReply(format!("PUT /rest{menu}")))
            }
            Kind::RestHold => {
                sim.inject_rest_fault(RestFault::HoldReply(format!("PUT /rest{menu}")))
            }
            Kind::ApiHold => sim.inject_api_fault(ApiFault::HoldReply(format!("{menu}/add"))),
            Kind::ApiCut => sim.inject_api_fault(ApiFault::DropMidReply(format!("{menu}/add"))),
        }
    }
}

fn scenario(kind: Kind, seed: u64) {
    let tf = Terraform::newest();
    let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
    let scheme = match kind {
        Kind::RestDrop | Kind::RestHold => Scheme::Http,
        Kind::ApiHold | Kind::ApiCut => Scheme::Api,
    };
    let mut provider = ProviderBlock::for_sim(&sim, scheme);
    provider.timeout = Some(2);
    let wd = tf.workdir(&provider.main_tf(&body()));
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    stage(&sim, kind, &mut rng);
    let mut outputs = vec![wd.try_apply()];
    // The faults stop: at most two applies converge.
    let mut converged = outputs[0].success();
    for _ in 0..2 {
        if converged {
            break;
        }
        let out = wd.try_apply();
        converged = out.success();
        outputs.push(out);
    }
    let what = format!("{kind:?} seed {seed}");
    assert!(
        converged,
        "{what}: did not converge in two applies after the faults"
    );
    wd.assert_no_changes();
    assert_eq!(
        sim.pending_rest_faults() + sim.pending_api_faults(),
        0,
        "{what}: every staged fault fired"
    );
    eprintln!(
        "[chaos] {what}: converged after {} apply(s), first apply {}",
        outputs.len(),
        if outputs[0].success() {
            "succeeded"
        } else {
            "failed"
        }
    );
    if !outputs[0].success() {
        eprintln!(
            "[chaos] {what}: first apply: {}",
            acceptance::harness::normalise(&outputs[0].stderr)
        );
    }
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for r in sim.records("/interface/macsec") {
        *names.entry(r["name"].clone()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = (0..N).map(|i| (format!("macsec{i}"), 1)).collect();
    assert_eq!(names, expected, "{what}: duplicates or orphans");
    let profiles = sim
        .records("/interface/macsec/profile")
        .into_iter()
        .filter(|r| r["name"] == "chaos")
        .count();
    assert_eq!(profiles, 1, "{what}: profiles");
    for out in &outputs {
        for i in 0..N {
            assert!(
                !out.stdout.contains(&cak(i)) && !out.stderr.contains(&cak(i)),
                "{what}: a CAK in Terraform's output"
            );
        }
    }
}

fn seeds() -> u64 {
    std::env::var("CHAOS_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2)
}

fn run(kind: Kind) {
    for seed in 0..seeds() {
        scenario(kind, seed);
    }
}

#[test]
fn creates_converge_when_rest_replies_are_dropped() {
    run(Kind::RestDrop);
}

#[test]
fn creates_converge_when_rest_replies_come_after_the_timeout() {
    run(Kind::RestHold);
}

#[test]
fn creates_converge_when_api_replies_come_after_the_timeout() {
    run(Kind::ApiHold);
}

#[test]
fn creates_converge_when_api_replies_are_cut() {
    run(Kind::ApiCut);
}
