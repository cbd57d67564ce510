//! The router suite: the core lifecycle of `routeros_macsec_interface` and
//! `routeros_macsec_profile`, written so that it runs unchanged against a
//! REAL router when one is named in the environment, and against
//! routeros-sim otherwise (so it always asserts something).
//!
//! To point it at a lab router:
//!
//! ```sh
//! TF_ACC_ROUTEROS_URL=https://192.168.88.1 \
//! TF_ACC_ROUTEROS_USERNAME=terraform TF_ACC_ROUTEROS_PASSWORD=... \
//! TF_ACC_ROUTEROS_CA_CERTIFICATE=router-ca.pem \
//! TF_ACC_ROUTEROS_PORT=ether5 \
//! cargo test -p acceptance --test real_router
//! ```
//!
//! It creates, changes and deletes a MACsec interface named `tfacc-<n>` on
//! `TF_ACC_ROUTEROS_PORT` (default `ether2`; the port must carry no MACsec
//! interface) and a profile `tfacc-<n>`, and changes them by hand over REST
//! (the URL must be `https://` or `http://`) to check drift detection. The
//! emulator-only scenarios (versions, pairing, faults) live in the other
//! suites.

use std::time::Duration;

use acceptance::harness::{ProviderBlock, Terraform, hcl_string};
use acceptance::sim::{Sim, SimConfig};
use serde_json::{Value, json};

/// The router under test: the one named in the environment, else an
/// emulator started for this test.
struct Router {
    url: String,
    username: String,
    password: String,
    ca_certificate: Option<String>,
    port: String,
    _sim: Option<Sim>,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Router {
    fn from_env_or_sim() -> Router {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let (url, username, password, ca, port, sim) = match env("TF_ACC_ROUTEROS_URL") {
            Some(url) => {
                assert!(
                    url.starts_with("https://") || url.starts_with("http://"),
                    "TF_ACC_ROUTEROS_URL must be https:// or http:// (the suite changes the router by hand over REST)"
                );
                let ca = env("TF_ACC_ROUTEROS_CA_CERTIFICATE");
                eprintln!("router suite: running against the REAL router at {url}");
                (
                    url,
                    env("TF_ACC_ROUTEROS_USERNAME").unwrap_or_else(|| "admin".into()),
                    env("TF_ACC_ROUTEROS_PASSWORD").unwrap_or_default(),
                    ca,
                    env("TF_ACC_ROUTEROS_PORT").unwrap_or_else(|| "ether2".into()),
                    None,
                )
            }
            None => {
                let sim = Sim::spawn(SimConfig::default()).expect("start routeros-sim");
                let ca = sim
                    .ca_certificate_path()
                    .map(|p| p.to_string_lossy().into_owned());
                (
                    sim.https_url().expect("emulator serves https"),
                    sim.username().to_string(),
                    sim.password().to_string(),
                    ca,
                    "ether2".to_string(),
                    Some(sim),
                )
            }
        };
        let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(30));
        if let Some(ca) = &ca {
            let pem = std::fs::read(ca).expect("read the CA certificate");
            builder = builder.tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap());
        }
        Router {
            url,
            username,
            password,
            ca_certificate: ca,
            port,
            _sim: sim,
            http: builder.build().unwrap(),
            rt,
        }
    }

    fn provider(&self) -> ProviderBlock {
        let mut block = ProviderBlock::new(&self.url, &self.username, &self.password);
        block.ca_certificate = self.ca_certificate.clone();
        block
    }

    /// One REST call made by hand, as an operator in WebFig would.
    fn rest(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/rest{path}", self.url);
        self.rt.block_on(async {
            let mut req = self
                .http
                .request(method, url)
                .basic_auth(&self.username, Some(&self.password));
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await.expect("REST request");
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert!(status.is_success(), "REST {path}: {status} {text}");
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    /// The row of `menu` named `name`, if any.
    fn row(&self, menu: &str, name: &str) -> Option<Value> {
        let rows = self.rest(reqwest::Method::GET, menu, None);
        rows.as_array()?.iter().find(|r| r["name"] == name).cloned()
    }
}

fn config(router: &Router, name: &str, comment: &str) -> String {
    router.provider().main_tf(&format!(
        r#"
resource "routeros_macsec_profile" "p" {{
  name            = {name}
  server_priority = 20
}}

resource "routeros_macsec_interface" "m" {{
  name      = {name}
  interface = {port}
  profile   = routeros_macsec_profile.p.name
  comment   = {comment}
}}
"#,
        name = hcl_string(name),
        port = hcl_string(&router.port),
        comment = hcl_string(comment),
    ))
}

#[test]
fn lifecycle_on_the_named_router_or_the_emulator() {
    let router = Router::from_env_or_sim();
    // One Terraform after the other: a real router is shared.
    for (n, tf) in Terraform::available().iter().enumerate() {
        let name = format!("tfacc-{n}");
        let wd = tf.workdir(&config(&router, &name, "first"));
        wd.apply();
        let row = router
            .row("/interface/macsec", &name)
            .expect("created on the router");
        assert_eq!(row["interface"], router.port.as_str());
        assert_eq!(row["profile"], name.as_str());
        assert_eq!(row["comment"], "first");
        let profile = router
            .row("/interface/macsec/profile", &name)
            .expect("profile created");
        assert_eq!(profile["server-priority"], "20");
        wd.plan_exitcode().assert_code(0);

        // In-place update.
        wd.write_main_tf(&config(&router, &name, "second"));
        wd.apply();
        assert_eq!(
            router.row("/interface/macsec", &name).unwrap()["comment"],
            "second"
        );

        // A change by hand is drift, and apply reverts it.
        let id = row[".id"].as_str().unwrap().to_string();
        router.rest(
            reqwest::Method::PATCH,
            &format!("/interface/macsec/{id}"),
            Some(json!({"mtu": "1400"})),
        );
        wd.plan_exitcode()
            .assert_code(2)
            .assert_stdout_mentions(&["mtu"]);
        wd.apply();
        assert_eq!(
            router.row("/interface/macsec", &name).unwrap()["mtu"],
            "1468"
        );

        // Import into an empty state plans clean.
        let fresh = tf.workdir(&config(&router, &name, "second"));
        fresh
            .import("routeros_macsec_interface.m", &name)
            .assert_success();
        fresh
            .import("routeros_macsec_profile.p", &name)
            .assert_success();
        fresh.plan_exitcode().assert_code(0);

        wd.destroy();
        assert!(
            router.row("/interface/macsec", &name).is_none(),
            "destroy removed the interface"
        );
        assert!(
            router.row("/interface/macsec/profile", &name).is_none(),
            "destroy removed the profile"
        );
    }
}
