//! Acceptance scenario for a fleet in one provider configuration: two
//! emulated routers in the provider's `routers`, one over REST (HTTPS)
//! and one over the classic API, resources on each picked by `router`,
//! a clean plan, and an import whose id names the router (`edge/...`).
//! On every Terraform: `routers` is a map of maps of strings, which
//! Terraform 1.0.3 must accept as 1.15.5 does, and the identity (1.12+)
//! gains `router`.

use acceptance::harness::{ProviderBlock, Scheme, for_each_terraform, terraform_block};
use acceptance::sim::{Sim, SimConfig};
use serde_json::json;

const MENU: &str = "/interface/macsec";

/// A router's entry of `routers` for emulator `sim` over `scheme` (its
/// user is the provider block's, shared by both).
fn entry(sim: &Sim, scheme: Scheme) -> ProviderBlock {
    let mut b = ProviderBlock::for_sim(sim, scheme);
    b.username = None;
    b
}

fn interfaces(routers: &[&str]) -> String {
    routers
        .iter()
        .map(|r| {
            format!(
                "resource \"routeros_macsec_interface\" \"{r}\" {{\n  router    = \"{r}\"\n  name      = \"macsec-uplink\"\n  interface = \"ether1\"\n}}\n"
            )
        })
        .collect()
}

#[test]
fn one_provider_configuration_serves_two_routers_each_resource_on_its_own() {
    for_each_terraform(|tf| {
        let config = || SimConfig {
            username: "terraform".into(),
            ..SimConfig::default()
        };
        let (core, edge) = (Sim::spawn(config()).unwrap(), Sim::spawn(config()).unwrap());
        let idle = Sim::spawn(config()).unwrap();
        let shared = ProviderBlock {
            username: Some("terraform".into()),
            ..ProviderBlock::default()
        };
        let provider = ProviderBlock::fleet_hcl(
            &shared,
            &[
                ("core", entry(&core, Scheme::Https)),
                ("edge", entry(&edge, Scheme::Api)),
                ("idle", entry(&idle, Scheme::Http)),
            ],
        );
        let body = format!(
            "{}\ndata \"routeros_system_resource\" \"edge\" {{\n  router = \"edge\"\n}}\n\noutput \"edge_router\" {{\n  value = data.routeros_system_resource.edge.router\n}}\n",
            interfaces(&["core", "edge"])
        );
        let wd = tf.workdir(&format!("{}\n{provider}\n{body}", terraform_block()));
        wd.apply();
        for sim in [&core, &edge] {
            let rows = sim.records(MENU);
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!(rows[0]["interface"], "ether1");
        }
        assert_eq!(
            idle.request_count(),
            0,
            "a router no resource names is never contacted"
        );
        assert_eq!(
            wd.resource_values("routeros_macsec_interface.edge")["router"],
            json!("edge")
        );
        wd.assert_no_changes();

        // Import into a second configuration, by an id that names the
        // router: the object comes from the edge router, and the plan is
        // clean.
        let again = tf.workdir(&format!(
            "{}\n{provider}\n{}",
            terraform_block(),
            interfaces(&["edge"])
        ));
        again.import("routeros_macsec_interface.edge", "edge/macsec-uplink");
        assert_eq!(
            again.resource_values("routeros_macsec_interface.edge")["router"],
            json!("edge")
        );
        again.assert_no_changes();

        if tf.version_tuple() >= (1, 12, 0) {
            // The identity names the router too (version 1), and an
            // identity stored before `router` existed (version 0, without
            // it) is upgraded to one with a null router: no change.
            let m = again.state_instance("routeros_macsec_interface.edge");
            assert_eq!(
                (&m["identity"], &m["identity_schema_version"]),
                (
                    &json!({"name": "macsec-uplink", "router": "edge"}),
                    &json!(1)
                ),
                "{m:#}"
            );
            let by_identity = tf.workdir(&format!(
                "{}\n{provider}\nimport {{\n  to       = routeros_macsec_interface.core\n  identity = {{ name = \"macsec-uplink\", router = \"core\" }}\n}}\n{}",
                terraform_block(),
                interfaces(&["core"])
            ));
            by_identity.apply();
            assert_eq!(
                by_identity.resource_values("routeros_macsec_interface.core")["router"],
                json!("core")
            );
            by_identity.assert_no_changes();

            let state = again.path().join("terraform.tfstate");
            let mut old: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
            let instance = &mut old["resources"][0]["instances"][0];
            instance["identity_schema_version"] = json!(0);
            instance["identity"] = json!({"name": "macsec-uplink"});
            std::fs::write(&state, old.to_string()).unwrap();
            again.assert_no_changes();
        }

        // An unknown router is an error at `router` naming the known ones.
        let wrong = tf.workdir(&format!(
            "{}\n{provider}\nresource \"routeros_macsec_interface\" \"x\" {{\n  router    = \"egde\"\n  name      = \"macsec-x\"\n  interface = \"ether2\"\n}}\n",
            terraform_block()
        ));
        let out = wrong.plan_exitcode();
        // Terraform wraps the text: compare words.
        let text = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains("Unknown router") && text.contains("Did you mean \"edge\"?"),
            "{text}"
        );
        wd.destroy();
        assert!(core.records(MENU).is_empty() && edge.records(MENU).is_empty());
    });
}
