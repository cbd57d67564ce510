//! A router that accepts connections and never answers: the provider fails
//! within about one timeout instead of one timeout per resource, because
//! the requests queued behind the first unanswered one fail at once with
//! the same error (a circuit breaker per client).

use acceptance::harness::{ProviderBlock, Scheme, for_each_terraform};
use acceptance::sim::{RestFault, Sim, SimConfig};

/// Regression: a hung router cost resources x timeout (45 x 5 s), each
/// resource sending its own request and waiting out its own timeout. Now
/// the router sees about one request; the rest fail with the same clear
/// error. Asserted on the router's request count, not on time.
#[test]
fn a_plan_of_fifty_reads_against_a_hung_router_sends_about_one_request() {
    for_each_terraform(|tf| {
        let sim = Sim::spawn(SimConfig {
            https: false,
            api: false,
            ..SimConfig::default()
        })
        .expect("start routeros-sim");
        let mut provider = ProviderBlock::for_sim(&sim, Scheme::Http);
        provider.timeout = Some(2);
        let mut body = String::new();
        for i in 0..50 {
            body.push_str(&format!(
                "data \"routeros_macsec_interfaces\" \"d{i}\" {{}}\n"
            ));
        }
        let wd = tf.workdir(&provider.main_tf(&body));
        for _ in 0..60 {
            sim.inject_rest_fault(RestFault::Hang("GET /rest/interface/macsec".into()));
        }
        let out = wd.plan_exitcode();
        out.assert_failure();
        out.assert_stderr_mentions(&["did not answer"]);
        let hung = sim
            .request_log()
            .iter()
            .filter(|l| l.ends_with("(hung)"))
            .count();
        assert!(
            (1..=2).contains(&hung),
            "the hung router saw {hung} requests:\n{:#?}",
            sim.request_log()
        );
    });
}
