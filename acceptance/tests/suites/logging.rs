//! Acceptance scenario for `routeros_logging_action` and
//! `routeros_logging_rule`: their examples and `examples/macsec-logging`
//! applied by the real Terraform CLI against routeros-sim, a clean plan,
//! import by `*id` into a second configuration, and destroy. One run per
//! Terraform (1.15.5, 1.0.3), each over the next transport in turn; the
//! lifecycles over REST and the API in detail are `provider/tests/logging.rs`.

use acceptance::harness::{
    ProviderBlock, Scheme, Terraform, assert_provider_reached, for_each_terraform_rotating_schemes,
    row_named,
};
use acceptance::sim::{Sim, SimConfig};
use serde_json::json;

const MENU: &str = "/system/logging/action";
const RULES: &str = "/system/logging";

/// The example users copy, as it stands.
const EXAMPLE: &str =
    include_str!("../../../examples/resources/routeros_logging_action/resource.tf");
const RULE_EXAMPLE: &str =
    include_str!("../../../examples/resources/routeros_logging_rule/resource.tf");
const MACSEC_LOGGING: &str = include_str!("../../../examples/macsec-logging/main.tf");

#[test]
fn the_logging_examples_apply_import_and_destroy() {
    for_each_terraform_rotating_schemes(
        &Terraform::available(),
        |tf: &Terraform, scheme: Scheme| {
            let sim = Sim::spawn(SimConfig {
                version: "7.20".into(),
                ..SimConfig::default()
            })
            .expect("start routeros-sim");
            let provider = ProviderBlock::for_sim(&sim, scheme);
            let rules_before = sim.records(RULES).len();
            let wd = tf.workdir(&provider.main_tf(&format!("{EXAMPLE}\n{RULE_EXAMPLE}")));
            wd.apply();
            assert_provider_reached(&sim, scheme);
            let syslog = row_named(&sim, MENU, "syslog");
            assert_eq!(
                (
                    syslog["target"].as_str(),
                    syslog["remote"].as_str(),
                    syslog["syslog-facility"].as_str()
                ),
                ("remote", "192.0.2.10", "local0")
            );
            let memories = sim
                .records(MENU)
                .into_iter()
                .filter(|r| r["name"] == "memory")
                .count();
            assert_eq!(
                memories, 1,
                "the built-in memory action is adopted, not duplicated"
            );
            assert_eq!(row_named(&sim, MENU, "memory")["memory-lines"], "5000");
            assert_eq!(
                wd.resource_values("routeros_logging_action.syslog")["remote_protocol"],
                json!("udp")
            );
            let rules = sim.records(RULES);
            assert_eq!(
                rules.len(),
                rules_before + 1,
                "the info rule is adopted: {rules:#?}"
            );
            let macsec = rules
                .iter()
                .find(|r| r["topics"] == "interface,!debug")
                .unwrap();
            assert_eq!(
                (macsec["action"].as_str(), macsec["prefix"].as_str()),
                ("memory", "macsec")
            );
            wd.assert_no_changes();

            // Import by RouterOS id into a second configuration: a clean plan.
            let syslog_only = EXAMPLE.split("# RouterOS's built-in").next().unwrap();
            let other = tf.workdir(&provider.main_tf(syslog_only));
            other.import("routeros_logging_action.syslog", &syslog[".id"]);
            other.assert_no_changes();

            wd.destroy();
            assert!(sim.records(MENU).iter().all(|r| r["name"] != "syslog"));
            assert_eq!(
                row_named(&sim, MENU, "memory")["default"],
                "true",
                "left on destroy"
            );
            assert_eq!(
                sim.records(RULES).len(),
                rules_before,
                "default rules left on destroy"
            );

            // The MACsec logging example, as it stands after its provider block.
            let body = MACSEC_LOGGING
                .split("provider \"routeros\" {}")
                .nth(1)
                .unwrap();
            let wd = tf.workdir(&provider.main_tf(body));
            wd.apply();
            let rules = sim.records(RULES);
            let remote = rules.iter().find(|r| r["topics"] == "interface").unwrap();
            assert_eq!(remote["action"], "syslog");
            let memory = rules
                .iter()
                .find(|r| r["topics"] == "interface,warning")
                .unwrap();
            assert_eq!(
                (memory["action"].as_str(), memory["prefix"].as_str()),
                ("memory", "MACSEC")
            );
            wd.destroy();
            assert_eq!(sim.records(RULES).len(), rules_before);
        },
    );
}
