//! Tests of the provider: URLs, the environment fallbacks, `password_age`, conflicts.

use super::*;
use std::time::Duration;

use crate::routeros::rest::TlsOptions;
use crate::secrets::{self, Identities, SecretString};

#[test]
fn url_gets_https_by_default_and_loses_rest_suffix() {
    assert_eq!(
        normalise_url("192.168.88.1").unwrap(),
        "https://192.168.88.1"
    );
    assert_eq!(
        normalise_url("http://r:8080/rest/").unwrap(),
        "http://r:8080"
    );
    assert_eq!(normalise_url("HTTPS://r/").unwrap(), "https://r");
    assert!(
        normalise_url("ftp://r")
            .unwrap_err()
            .contains("unsupported scheme")
    );
    assert!(normalise_url("https://").is_err());
    assert!(
        normalise_url("http:///rest")
            .unwrap_err()
            .contains("no host")
    );
}

/// Regression: a space inside `url` gave "invalid international domain
/// name", and a password in the URL was echoed in errors and the DEBUG
/// log.
#[test]
fn spaces_and_credentials_in_the_url_are_refused_without_echoing_them() {
    let e = normalise_url("https://router .lan").unwrap_err();
    assert!(e.contains("space") && e.contains("character 15"), "{e}");
    for url in [
        "https://admin:hunter2@router.lan",
        "apis://admin:hunter2@router.lan:8729",
        "admin:hunter2@192.168.88.1",
    ] {
        let e = normalise_url(url).unwrap_err();
        assert!(e.contains("user name or password"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(!redact_url(url).contains("hunter2"), "{}", redact_url(url));
    }
    assert_eq!(
        redact_url("https://a:b@r.lan/rest"),
        "https://<credentials>@r.lan/rest"
    );
    assert_eq!(redact_url("https://r.lan/x@y"), "https://r.lan/x@y");
    let config = Value::Object(
        [(
            "url".to_string(),
            Value::string("https://admin:hunter2@router.lan"),
        )]
        .into(),
    );
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(&config, &mut diags);
    let d = diags
        .0
        .iter()
        .find(|d| d.summary == "Invalid router URL")
        .unwrap();
    assert_eq!(d.attribute.as_ref().unwrap().to_string(), "url");
    assert!(!d.detail.contains("hunter2"), "{}", d.detail);
    let cfg = ProviderConfig {
        url: Some("https://admin:hunter2@router.lan".into()),
        ..ProviderConfig::default()
    };
    assert!(!format!("{cfg:?}").contains("hunter2"));
}

#[test]
fn api_urls_are_accepted_with_host_and_port_only() {
    assert_eq!(
        normalise_url("api://192.168.88.1").unwrap(),
        "api://192.168.88.1"
    );
    assert_eq!(normalise_url("APIS://r:8729/").unwrap(), "apis://r:8729");
    assert_eq!(
        normalise_url("apis://[fe80::1]:9000").unwrap(),
        "apis://[fe80::1]:9000"
    );
    assert!(normalise_url("api://").unwrap_err().contains("no host"));
    assert!(
        normalise_url("api://r/rest")
            .unwrap_err()
            .contains("no path")
    );
    assert!(
        normalise_url("apis://r:99999")
            .unwrap_err()
            .contains("not a TCP port")
    );
    assert!(normalise_url("ftp://r").unwrap_err().contains("api://"));
}

#[test]
fn terraform_routeros_environment_is_read_after_our_own() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    // Only terraform-routeros's MIKROTIK_* names set: they are used.
    let mikrotik = env(&[
        ("MIKROTIK_HOST", "router.lan"),
        ("MIKROTIK_USER", "tf"),
        ("MIKROTIK_PASSWORD", "pw"),
        ("MIKROTIK_CA_CERTIFICATE", "/ca.pem"),
        ("MIKROTIK_INSECURE", "false"),
    ]);
    for (names, value) in [
        (&URL_ENV, "router.lan"),
        (&USERNAME_ENV, "tf"),
        (&PASSWORD_ENV, "pw"),
        (&CA_CERTIFICATE_ENV, "/ca.pem"),
        (&INSECURE_ENV, "false"),
    ] {
        assert_eq!(first_set(names, mikrotik).unwrap().1, value, "{names:?}");
    }
    // Our name wins over ROS_*, which wins over MIKROTIK_*; empty is unset.
    let all = env(&[
        ("ROUTEROS_URL", ""),
        ("ROS_HOSTURL", "https://ros"),
        ("MIKROTIK_HOST", "mikrotik"),
    ]);
    assert_eq!(
        first_set(&URL_ENV, all),
        Some(("ROS_HOSTURL".to_string(), "https://ros".to_string()))
    );
    let ours = env(&[("ROUTEROS_USERNAME", "a"), ("MIKROTIK_USER", "b")]);
    assert_eq!(first_set(&USERNAME_ENV, ours).unwrap().1, "a");
    // A bare host, as MIKROTIK_HOST often is, means REST over HTTPS.
    assert_eq!(normalise_url("router.lan").unwrap(), "https://router.lan");
    assert_eq!(
        env_names(&URL_ENV),
        "ROUTEROS_URL, ROS_HOSTURL or MIKROTIK_HOST"
    );
}

#[test]
fn booleans_from_the_environment() {
    assert_eq!(parse_bool("True"), Some(true));
    assert_eq!(parse_bool("0"), Some(false));
    assert_eq!(parse_bool("maybe"), None);
}

#[test]
fn pem_text_is_taken_as_is_and_paths_are_read() {
    let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_eq!(load_pem(pem).unwrap(), pem.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ca.pem");
    std::fs::write(&p, pem).unwrap();
    assert_eq!(load_pem(p.to_str().unwrap()).unwrap(), pem.as_bytes());
    assert!(
        load_pem("/nonexistent/ca.pem")
            .unwrap_err()
            .contains("could not read")
    );
}

fn test_identities() -> (Identities, String) {
    use crate::secrets::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let ids = Identities::from_text(
        "test",
        SecretString::from(id.to_string().expose_secret().to_owned()),
    )
    .unwrap();
    (ids, id.to_public().to_string())
}

#[test]
fn password_age_is_decrypted_and_loses_one_trailing_newline() {
    let (ids, recipient) = test_identities();
    let r = secrets::parse_recipients(&[recipient]).unwrap();
    let ct = secrets::encrypt_armored(b"p4ss word \n", &r).unwrap();
    let mut diags = Diagnostics::new();
    let pw = secrets::decrypt_text(&ct, "password_age", &ids, &mut diags).unwrap();
    assert_eq!(pw.as_str(), "p4ss word ");
    assert!(diags.is_empty());
}

#[test]
fn password_age_errors_never_show_the_password() {
    let (_, recipient) = test_identities();
    let (other, _) = test_identities();
    let r = secrets::parse_recipients(&[recipient]).unwrap();
    let ct = secrets::encrypt_armored(b"hunter2", &r).unwrap();
    let mut diags = Diagnostics::new();
    assert!(secrets::decrypt_text(&ct, "password_age", &other, &mut diags).is_none());
    let d = &diags.0[0];
    assert_eq!(d.summary, "No identity matches `password_age`");
    assert!(!d.detail.contains("hunter2"));
}

#[test]
fn password_and_password_age_conflict() {
    let config = Value::Object(
        [
            ("password".to_string(), Value::string("a")),
            ("password_age".to_string(), Value::string("b")),
        ]
        .into(),
    );
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(&config, &mut diags);
    assert!(
        diags
            .0
            .iter()
            .any(|d| d.summary == "Conflicting password settings")
    );
}

#[test]
fn url_and_hosturl_conflict() {
    let config = Value::Object(
        [
            ("url".to_string(), Value::string("https://a")),
            ("hosturl".to_string(), Value::string("https://b")),
        ]
        .into(),
    );
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(&config, &mut diags);
    assert!(
        diags
            .0
            .iter()
            .any(|d| d.summary == "Conflicting router URL settings"),
        "{:?}",
        diags.0
    );
}

#[test]
fn debug_hides_password_and_identity() {
    let cfg = ProviderConfig {
        username: Some("admin".into()),
        password: Some("hunter2".into()),
        age_identity: Some("AGE-SECRET-KEY-1XYZ".into()),
        ..ProviderConfig::default()
    };
    let s = format!("{cfg:?}");
    assert!(
        !s.contains("hunter2") && !s.contains("AGE-SECRET-KEY"),
        "{s}"
    );
    assert!(s.contains("admin"));
}

/// A router that only tells its version, for calls that need a client but
/// never reach the router.
struct VersionOnly;

#[async_trait]
impl crate::routeros::Transport for VersionOnly {
    async fn list(&self, _menu: &str) -> Result<Vec<crate::routeros::Record>, Error> {
        Ok(Vec::new())
    }
    async fn get(&self, _menu: &str) -> Result<crate::routeros::Record, Error> {
        Ok([("version".to_string(), "7.20 (stable)".to_string())].into())
    }
    async fn add(
        &self,
        _menu: &str,
        _attrs: &crate::routeros::Record,
    ) -> Result<crate::routeros::Record, Error> {
        Err(self.unused())
    }
    async fn set(
        &self,
        _menu: &str,
        _id: &str,
        _attrs: &crate::routeros::Record,
    ) -> Result<crate::routeros::Record, Error> {
        Err(self.unused())
    }
    async fn remove(&self, _menu: &str, _id: &str) -> Result<(), Error> {
        Err(self.unused())
    }
    async fn command(
        &self,
        _path: &str,
        _args: &crate::routeros::Record,
    ) -> Result<Vec<crate::routeros::Record>, Error> {
        Err(self.unused())
    }
    fn endpoint(&self) -> &str {
        "test://router"
    }
}

impl VersionOnly {
    fn unused(&self) -> Error {
        Error::Protocol {
            endpoint: "test://router".to_string(),
            reason: "this test router takes no writes".into(),
        }
    }
}

/// The context of one provider configuration with `identities`.
async fn configured(identities: Identities) -> crate::plugin::resource::Ctx<Configured> {
    let router = Client::with_transport(Box::new(VersionOnly)).await.unwrap();
    crate::plugin::resource::Ctx {
        client: Arc::new(Configured::new(router, Arc::new(identities))),
        schema: std::sync::Arc::new(crate::plugin::schema::Served::new(
            crate::plugin::resource::EphemeralResource::schema(
                &crate::ephemeral_resources::age_secret::AgeSecret,
            ),
        )),
        terraform_version: String::new(),
        write_only_allowed: true,
    }
}

/// Regression for the identities kept in a process-wide static: the last
/// `Configure` won, so one provider configuration decrypted with another's
/// identities. Each configuration now decrypts with its own only: an
/// ephemeral `routeros_age_secret`, a `cak_age` planned by
/// `routeros_macsec_key`, and a backup's `password_age`.
#[tokio::test]
async fn two_configurations_in_one_process_decrypt_only_with_their_own_identities() {
    use crate::ephemeral_resources::age_secret::AgeSecret;
    use crate::plugin::resource::{EphemeralResource, PlanInput, Private, Resource};
    use crate::resources::macsec_key::MacsecKey;

    let (ids_a, to_a) = test_identities();
    let (ids_b, to_b) = test_identities();
    let a = configured(ids_a).await;
    let b = configured(ids_b).await;
    let cak = "71a7c363794da400dbde595d3926b0e9";
    let seal = |to: &str| {
        secrets::encrypt_armored(
            cak.as_bytes(),
            &secrets::parse_recipients(&[to.to_string()]).unwrap(),
        )
        .unwrap()
    };
    let (for_a, for_b) = (seal(&to_a), seal(&to_b));
    for (ctx, own, other) in [(&a, &for_a, &for_b), (&b, &for_b, &for_a)] {
        // The ephemeral resource.
        let config = |ct: &str| {
            Value::Object(
                [
                    ("ciphertext".to_string(), Value::string(ct)),
                    ("plaintext".to_string(), Value::Null),
                ]
                .into(),
            )
        };
        let mut diags = Diagnostics::new();
        let opened = AgeSecret.open(ctx, &config(own), &mut diags).await.unwrap();
        assert_eq!(opened.get_str("plaintext"), Some(cak), "{diags:?}");
        let mut diags = Diagnostics::new();
        assert!(
            AgeSecret
                .open(ctx, &config(other), &mut diags)
                .await
                .is_none()
        );
        assert_eq!(diags.0[0].summary, "No identity matches `ciphertext`");

        // The key's plan decrypts `cak_age` to compare it with the router.
        let key_config = |ct: &str| {
            Value::Object(
                [
                    ("interface".to_string(), Value::string("macsec1")),
                    ("cak_age".to_string(), Value::string(ct)),
                ]
                .into(),
            )
        };
        for (ct, matches) in [(own, true), (other, false)] {
            let config = key_config(ct);
            let mut planned = config.clone();
            let input = PlanInput {
                prior_state: &Value::Null,
                config: &config,
                proposed: &config,
            };
            let mut diags = Diagnostics::new();
            MacsecKey
                .modify_plan(ctx, &input, &mut planned, &mut Private::new(), &mut diags)
                .await;
            let no_match = diags
                .0
                .iter()
                .any(|d| d.summary == "No identity matches `cak_age`");
            assert_eq!(no_match, !matches, "{diags:?}");
        }

        // A backup's `password_age`.
        let backup = |ct: &str| crate::resources::system_backup::SystemBackupModel {
            path: "b/x.backup".into(),
            password_age: Some(ct.to_string()),
            ..Default::default()
        };
        let mut diags = Diagnostics::new();
        let pw = crate::resources::system_backup::backup_password(
            &backup(own),
            ctx.client.identities(),
            &mut diags,
        );
        assert_eq!(pw.unwrap().unwrap().as_str(), cak);
        let pw = crate::resources::system_backup::backup_password(
            &backup(other),
            ctx.client.identities(),
            &mut diags,
        );
        assert!(pw.is_err());
    }
}

/// Every combination of `insecure`, `tls_fingerprint` and
/// `ca_certificate`, each unset, in the provider block, in the environment
/// (the `ROS_*` names of terraform-routeros for two of them) or in both,
/// gives the trust the precedence promises: a pin is never weakened by an
/// `insecure`, and every conflict is an error naming both sources.
#[test]
fn trust_settings_from_configuration_and_environment_have_one_precedence() {
    use security::{Source, TrustChoice, resolve_trust};
    const FP: &str = "6F0BA2A1C7D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D";
    const FP_ENV: &str = "0000000000000000000000000000000000000000000000000000000000000001";
    #[derive(Clone, Copy, Debug)]
    enum From {
        Unset,
        Config,
        Env,
        Both,
    }
    const ALL: [From; 4] = [From::Unset, From::Config, From::Env, From::Both];
    let in_config = |f: From| matches!(f, From::Config | From::Both);
    let in_env = |f: From| matches!(f, From::Env | From::Both);
    let mut checked = 0;
    for insecure in ALL {
        for fingerprint in ALL {
            for ca in ALL {
                let mut env: Vec<(&str, &str)> = Vec::new();
                if in_env(insecure) {
                    env.push(("ROS_INSECURE", "true"));
                }
                if in_env(fingerprint) {
                    env.push(("ROUTEROS_TLS_FINGERPRINT", FP_ENV));
                }
                if in_env(ca) {
                    env.push(("ROS_CA_CERTIFICATE", "/env/ca.pem"));
                }
                let got = resolve_trust(
                    in_config(insecure).then_some(true),
                    in_config(fingerprint).then_some(FP),
                    in_config(ca).then_some("/config/ca.pem"),
                    |name: &str| {
                        env.iter()
                            .find(|(k, _)| *k == name)
                            .map(|(_, v)| v.to_string())
                    },
                );
                // The provider block wins over the environment for one
                // setting; these are the sources that then count.
                let source = |f: From, attr: &'static str, var: &str| match f {
                    From::Unset => None,
                    From::Config | From::Both => Some(Source::Config(attr)),
                    From::Env => Some(Source::Env(var.to_string())),
                };
                let insecure_source = source(insecure, "insecure", "ROS_INSECURE");
                let fp_source = source(fingerprint, "tls_fingerprint", "ROUTEROS_TLS_FINGERPRINT");
                let ca_source = source(ca, "ca_certificate", "ROS_CA_CERTIFICATE");
                let case = format!("insecure {insecure:?}, fingerprint {fingerprint:?}, ca {ca:?}");
                let pin = fp_source.clone().or(ca_source.clone());
                let conflict = match (&insecure_source, &pin) {
                    (Some(i), Some(p)) => Some((i.clone(), p.clone())),
                    _ => match (&fp_source, &ca_source) {
                        (Some(f), Some(c)) => Some((f.clone(), c.clone())),
                        _ => None,
                    },
                };
                match (conflict, got) {
                    (Some((a, b)), Err(d)) => {
                        assert_eq!(d.summary, "Conflicting TLS settings", "{case}");
                        for s in [&a, &b] {
                            assert!(d.detail.contains(&s.to_string()), "{case}: {}", d.detail);
                        }
                        assert!(
                            !d.detail.contains("never dropped") || pin.is_some(),
                            "{case}"
                        );
                        // Points at the provider block when one side is there.
                        let attrs: Vec<String> = [&a, &b]
                            .into_iter()
                            .filter_map(|s| match s {
                                Source::Config(attr) => Some(attr.to_string()),
                                Source::Env(_) => None,
                            })
                            .collect();
                        match d.attribute.map(|p| p.to_string()) {
                            Some(at) => assert!(attrs.contains(&at), "{case}: at {at}"),
                            None => assert!(attrs.is_empty(), "{case}"),
                        }
                    }
                    (Some(_), Ok(t)) => panic!("{case}: {t:?}, want a conflict"),
                    (None, Err(d)) => panic!("{case}: {d:?}"),
                    (None, Ok(t)) => {
                        let want = match (insecure_source, fp_source, ca_source) {
                            (None, None, None) => TrustChoice::System,
                            (Some(s), None, None) => TrustChoice::Insecure(s),
                            (None, Some(s), None) => {
                                let text = if in_config(fingerprint) { FP } else { FP_ENV };
                                TrustChoice::Fingerprint(
                                    crate::routeros::tls::parse_fingerprint(text).unwrap(),
                                    s,
                                )
                            }
                            (None, None, Some(s)) => {
                                let path = if in_config(ca) {
                                    "/config/ca.pem"
                                } else {
                                    "/env/ca.pem"
                                };
                                TrustChoice::Ca(path.to_string(), s)
                            }
                            other => panic!("{case}: no conflict expected for {other:?}"),
                        };
                        assert_eq!(t, want, "{case}");
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 64);
    // `insecure = false` in the provider block overrides an `insecure` in
    // the environment, so the pin stands without a conflict.
    let env = |name: &str| (name == "ROUTEROS_INSECURE").then(|| "true".to_string());
    assert!(matches!(
        resolve_trust(Some(false), Some(FP), None, env),
        Ok(TrustChoice::Fingerprint(..))
    ));
    // A bad fingerprint in the environment names the variable.
    let env = |name: &str| (name == "ROUTEROS_TLS_FINGERPRINT").then(|| "abc".to_string());
    let d = resolve_trust(None, None, None, env).unwrap_err();
    assert!(
        d.detail.contains("ROUTEROS_TLS_FINGERPRINT"),
        "{}",
        d.detail
    );
}

/// Regression (an attacker's test): a pinned `tls_fingerprint` was silently
/// dropped when `ROUTEROS_INSECURE` or terraform-routeros's `ROS_INSECURE`
/// was set, so an impostor with any certificate received the router
/// password. The combination is now an error naming both sources, and a
/// transport given both still checks the pin.
#[tokio::test]
async fn an_insecure_from_the_environment_never_drops_a_pinned_fingerprint() {
    const FP: &str = "6F0BA2A1C7D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D";
    for var in ["ROUTEROS_INSECURE", "ROS_INSECURE", "MIKROTIK_INSECURE"] {
        let env = |name: &str| (name == var).then(|| "true".to_string());
        let d = security::resolve_trust(None, Some(FP), None, env).unwrap_err();
        assert!(
            d.detail.contains("`tls_fingerprint` in the provider block")
                && d.detail
                    .contains(&format!("the environment variable {var}"))
                && d.detail.contains(&format!("unset {var}")),
            "{}",
            d.detail
        );
        assert_eq!(d.attribute.unwrap().to_string(), "tls_fingerprint");
    }
    // The impostor: a router whose certificate is not the pinned one.
    let sim = acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
        routeros_self_signed: true,
        ..Default::default()
    })
    .unwrap();
    for url in [sim.https_url().unwrap(), sim.apis_url().unwrap()] {
        let opts = crate::routeros::ConnectOptions {
            url: url.clone(),
            username: sim.username().to_string(),
            password: sim.password().to_string(),
            tls: TlsOptions {
                insecure: true,
                fingerprint: Some([7u8; 32]),
                ..TlsOptions::default()
            },
            timeout: Duration::from_secs(10),
            ..Default::default()
        };
        let e = Client::connect(&opts).await.err();
        assert!(
            matches!(e, Some(Error::UntrustedCertificate { .. })),
            "{url}: {e:?}"
        );
    }
}

/// The diagnostic a connection to `url` (the emulator's user) ends with.
async fn connect_diagnostic(
    sim: &acceptance::sim::Sim,
    url: String,
    tls: TlsOptions,
) -> Diagnostic {
    let opts = crate::routeros::ConnectOptions {
        url,
        username: sim.username().to_string(),
        password: sim.password().to_string(),
        tls,
        timeout: Duration::from_secs(3),
        ..Default::default()
    };
    let e = Client::connect(&opts)
        .await
        .expect_err("the connection should fail");
    connection_diagnostic(&e, sim.username())
}

/// Regression: `http://` against the HTTPS port suggested enabling the
/// plain `www` service, which is wrong; each of the four crossings of
/// scheme and service now says which scheme to use.
#[tokio::test]
async fn http_against_an_https_port_says_to_change_the_scheme() {
    let sim = acceptance::sim::Sim::spawn(Default::default()).unwrap();
    let https = sim.https_url().unwrap();
    let apis = sim.apis_url().unwrap();
    let cases = [
        (
            https.replacen("https://", "http://", 1),
            "use https:// instead of http://",
        ),
        (
            sim.http_url().replacen("http://", "https://", 1),
            "use http:// instead of https://",
        ),
        (
            apis.replacen("apis://", "api://", 1),
            "use apis:// instead of api://",
        ),
        (
            sim.api_url().unwrap().replacen("api://", "apis://", 1),
            "use api:// instead of apis://",
        ),
    ];
    for (url, want) in cases {
        let d = connect_diagnostic(&sim, url.clone(), TlsOptions::default()).await;
        assert!(d.detail.contains(want), "{url}: {}", d.detail);
        assert!(
            !d.detail.contains("is enabled in /ip/service"),
            "{url}: {}",
            d.detail
        );
        assert_eq!(d.attribute.unwrap().to_string(), "url");
    }
}

/// Regression: RouterOS's self-signed certificate, not given to the
/// provider, failed with rustls's `UnknownIssuer` (or
/// `CaUsedAsEndEntity`); the error now says it is self-signed, how to
/// trust it, and its fingerprint to check on the router.
#[tokio::test]
async fn a_self_signed_certificate_error_says_how_to_trust_it() {
    let sim = acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
        routeros_self_signed: true,
        ..Default::default()
    })
    .unwrap();
    let fingerprint = sim
        .certificate_fingerprint()
        .unwrap()
        .to_ascii_lowercase()
        .replace(':', "");
    for url in [sim.https_url().unwrap(), sim.apis_url().unwrap()] {
        let d = connect_diagnostic(&sim, url.clone(), TlsOptions::default()).await;
        assert!(
            d.detail
                .contains("self-signed: give it as `ca_certificate`")
                && d.detail.contains("`tls_fingerprint`")
                && d.detail.contains(&fingerprint),
            "{url}: {}",
            d.detail
        );
        assert!(
            !d.detail.contains("UnknownIssuer") && !d.detail.contains("CaUsedAsEndEntity"),
            "{}",
            d.detail
        );
    }
    // A certificate signed by a CA this machine does not know.
    let sim = acceptance::sim::Sim::spawn(Default::default()).unwrap();
    let d = connect_diagnostic(&sim, sim.https_url().unwrap(), TlsOptions::default()).await;
    assert!(
        d.detail
            .contains("signed by a CA this machine does not trust")
            && d.detail.contains("SHA-256 fingerprint"),
        "{}",
        d.detail
    );
}

/// A router that cannot be reached says why in one line and what to do:
/// refused, DNS, or no answer in time.
#[tokio::test]
async fn an_unreachable_router_says_why_in_one_line() {
    let refused = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_port = refused.local_addr().unwrap().port();
    drop(refused);
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let cases = [
        (
            format!("https://127.0.0.1:{closed_port}"),
            10,
            "connection refused: nothing listens on that port",
        ),
        (
            format!("api://127.0.0.1:{closed_port}"),
            10,
            "connection refused: nothing listens on that port",
        ),
        (
            "https://router.invalid".to_string(),
            10,
            "could not be resolved (DNS)",
        ),
        (
            format!("http://127.0.0.1:{silent_port}"),
            1,
            "Timed out after 1 s",
        ),
        (
            format!("api://127.0.0.1:{silent_port}"),
            1,
            "Timed out after 1 s",
        ),
    ];
    for (url, seconds, want) in cases {
        let opts = crate::routeros::ConnectOptions {
            url: url.clone(),
            timeout: Duration::from_secs(seconds),
            ..Default::default()
        };
        let e = Client::connect(&opts).await.err().unwrap();
        let d = connection_diagnostic(&e, "tf");
        assert!(d.detail.contains(want), "{url}: {}", d.detail);
        assert!(
            d.detail.contains("Check"),
            "{url}: no advice in {}",
            d.detail
        );
        assert!(
            !d.detail.contains("error sending request"),
            "{url}: {}",
            d.detail
        );
    }
    drop(silent);
}

/// The plan-time check of the provider block applies the same trust rules
/// as Configure: each pair of conflicting settings is one error.
#[test]
fn conflicting_trust_settings_in_the_block_fail_validation() {
    const FP: &str = "6F0BA2A1C7D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D";
    let pairs: [(&str, Value); 3] = [
        ("tls_fingerprint", Value::string(FP)),
        ("ca_certificate", Value::string("/ca.pem")),
        ("insecure", Value::Bool(true)),
    ];
    for (i, j) in [(0, 1), (0, 2), (1, 2)] {
        let config = Value::Object(
            [
                (pairs[i].0.to_string(), pairs[i].1.clone()),
                (pairs[j].0.to_string(), pairs[j].1.clone()),
            ]
            .into(),
        );
        let mut diags = Diagnostics::new();
        RouterosProvider::new().validate(&config, &mut diags);
        let conflicts: Vec<_> = diags
            .0
            .iter()
            .filter(|d| d.summary == "Conflicting TLS settings")
            .collect();
        assert_eq!(
            conflicts.len(),
            1,
            "{} + {}: {diags:?}",
            pairs[i].0,
            pairs[j].0
        );
    }
}

#[test]
fn rest_timeout_and_timeout_disagreeing_is_an_error_naming_both() {
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(
        &Value::object(&[
            ("timeout", Value::int(30)),
            ("rest_timeout", Value::int(59)),
        ]),
        &mut diags,
    );
    let d = diags
        .0
        .iter()
        .find(|d| d.summary == "Conflicting timeout settings")
        .expect("an error");
    assert_eq!(d.severity, crate::plugin::diag::Severity::Error);
    assert!(d.detail.contains("`rest_timeout` = 59"), "{}", d.detail);
    assert!(d.detail.contains("`timeout` = 30"), "{}", d.detail);
    assert_eq!(d.attribute.as_ref().unwrap().to_string(), "rest_timeout");

    // The same value twice, or either alone, is fine; rest_timeout is the timeout.
    for pairs in [
        vec![
            ("timeout", Value::int(59)),
            ("rest_timeout", Value::int(59)),
        ],
        vec![("rest_timeout", Value::int(59))],
    ] {
        let mut diags = Diagnostics::new();
        RouterosProvider::new().validate(&Value::object(&pairs), &mut diags);
        assert!(diags.0.is_empty(), "{diags:?}");
    }
    assert_eq!(compat::timeout(None, Some(59)), Some(59));
    assert_eq!(compat::timeout(Some(30), None), Some(30));
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(
        &Value::object(&[("rest_timeout", Value::int(0))]),
        &mut diags,
    );
    assert_eq!(diags.0[0].summary, "Invalid rest_timeout");
}

/// terraform-routeros's provider arguments, with its types (DESIGN.md,
/// "Facts: terraform-routeros"): accepted by the schema; the two that do
/// nothing here warn, naming themselves.
#[test]
fn terraform_routeros_arguments_are_in_the_schema_and_the_idle_ones_warn() {
    use crate::plugin::schema::Type;
    let schema = RouterosProvider::new().schema();
    for (name, ty) in [
        ("hosturl", Type::String),
        ("username", Type::String),
        ("password", Type::String),
        ("ca_certificate", Type::String),
        ("insecure", Type::Bool),
        ("rest_timeout", Type::Number),
        ("routeros_version", Type::String),
        ("suppress_syso_del_warn", Type::Bool),
    ] {
        let a = schema
            .block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} is not in the schema"));
        assert_eq!(a.ty.as_ref(), Some(&ty), "{name}");
        assert!(a.optional, "{name}");
    }
    let mut diags = Diagnostics::new();
    RouterosProvider::new().validate(
        &Value::object(&[
            ("hosturl", Value::string("https://router.lan")),
            ("rest_timeout", Value::int(59)),
            ("routeros_version", Value::string("7.16")),
            ("suppress_syso_del_warn", Value::Bool(true)),
        ]),
        &mut diags,
    );
    assert!(!diags.has_error(), "{diags:?}");
    let warned: Vec<String> = diags
        .0
        .iter()
        .map(|d| d.attribute.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(warned, ["routeros_version", "suppress_syso_del_warn"]);
}
