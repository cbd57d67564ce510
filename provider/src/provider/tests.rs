//! Tests of the provider: URLs, the environment fallbacks, `password_age`, conflicts.

use super::*;

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
    RouterosProvider.validate(&config, &mut diags);
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
    RouterosProvider.validate(&config, &mut diags);
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
    RouterosProvider.validate(&config, &mut diags);
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

/// A provider config value with only `pairs` set.
fn provider_config(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn rest_timeout_and_timeout_disagreeing_is_an_error_naming_both() {
    let mut diags = Diagnostics::new();
    RouterosProvider.validate(
        &provider_config(&[
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
        RouterosProvider.validate(&provider_config(&pairs), &mut diags);
        assert!(diags.0.is_empty(), "{diags:?}");
    }
    assert_eq!(compat::timeout(None, Some(59)), Some(59));
    assert_eq!(compat::timeout(Some(30), None), Some(30));
    let mut diags = Diagnostics::new();
    RouterosProvider.validate(
        &provider_config(&[("rest_timeout", Value::int(0))]),
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
    let schema = RouterosProvider.schema();
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
    RouterosProvider.validate(
        &provider_config(&[
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
