//! The provider itself: configuration (with environment fallbacks), the
//! connection to the router, and the list of resources.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{DataSource, EphemeralResource, Provider, Resource, Route};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::resources;
use crate::routeros::{Client, ConnectOptions, Error, Stop};

mod compat;
mod configure;
pub mod fleet;
mod limits;
mod security;

pub use crate::context::Configured;
pub use fleet::Fleet;

/// The oldest RouterOS with `/interface/macsec`.
pub const MIN_MACSEC_VERSION: (u32, u32) = (7, 9);

/// Default per-request timeout, in seconds (RouterOS cuts REST commands at 60 s).
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 30;

/// Environment fallbacks of each connection argument, first found wins: this
/// provider's own name, then the names of the terraform-routeros/routeros
/// provider (`ROS_*`, then `MIKROTIK_*`), which mean the same thing there,
/// so an environment set up for that provider configures this one too.
pub const URL_ENV: [&str; 3] = ["ROUTEROS_URL", "ROS_HOSTURL", "MIKROTIK_HOST"];
/// See [`URL_ENV`].
pub const USERNAME_ENV: [&str; 3] = ["ROUTEROS_USERNAME", "ROS_USERNAME", "MIKROTIK_USER"];
/// See [`URL_ENV`].
pub const PASSWORD_ENV: [&str; 3] = ["ROUTEROS_PASSWORD", "ROS_PASSWORD", "MIKROTIK_PASSWORD"];
/// See [`URL_ENV`].
pub const CA_CERTIFICATE_ENV: [&str; 3] = [
    "ROUTEROS_CA_CERTIFICATE",
    "ROS_CA_CERTIFICATE",
    "MIKROTIK_CA_CERTIFICATE",
];
/// See [`URL_ENV`].
pub const INSECURE_ENV: [&str; 3] = ["ROUTEROS_INSECURE", "ROS_INSECURE", "MIKROTIK_INSECURE"];

/// Configuration of the `routeros` provider. Every attribute can come from
/// the environment instead, so CI can configure the provider without HCL.
#[derive(Clone, Default, Deserialize, JsonSchema)]
pub struct ProviderConfig {
    /// Address of the router: `https://router.example.net` (REST over HTTPS,
    /// the default when no scheme is given), `http://router.example.net`
    /// (REST over plain HTTP, RouterOS 7.9+; avoid outside a lab),
    /// `apis://router.example.net` (the classic API over TLS, port 8729) or
    /// `api://router.example.net` (the classic API, port 8728). A port may
    /// follow the host. Falls back to `hosturl`, then `ROUTEROS_URL`,
    /// `ROS_HOSTURL`, `MIKROTIK_HOST`.
    pub url: Option<String>,
    /// The same as `url`, under the name the terraform-routeros/routeros
    /// provider uses, so that a provider block copied from it works. Set
    /// `url` or `hosturl`, not both.
    pub hosturl: Option<String>,
    /// RouterOS user name. Its group needs the `read`, `write` and `rest-api`
    /// (or `api`) policies. Falls back to `ROUTEROS_USERNAME`,
    /// `ROS_USERNAME`, `MIKROTIK_USER`.
    pub username: Option<String>,
    /// Password of that user. Falls back to `ROUTEROS_PASSWORD`,
    /// `ROS_PASSWORD`, `MIKROTIK_PASSWORD`, then `password_age`'s environment
    /// variable; empty when none is given. Conflicts with `password_age`.
    #[schemars(extend("x-tf-sensitive" = true))]
    pub password: Option<String>,
    /// The password of that user as age ciphertext, so that it can live in
    /// git: armored text (`age --armor`, `rage --armor`), usually
    /// `file("router.password.age")`, or a binary age file read with
    /// `filebase64()`. Decrypted inside the provider process with the
    /// identities below; a trailing newline (as `echo ... | age` leaves) is
    /// dropped. Conflicts with `password`. Falls back to
    /// `ROUTEROS_PASSWORD_AGE` when neither `password` nor one of
    /// `password`'s environment variables is set.
    pub password_age: Option<String>,
    /// age identities that decrypt the `*_age` inputs (`password_age`, and
    /// `cak_age` of `routeros_macsec_key` and `routeros_age_secret`): the
    /// text of an identity file, one `AGE-SECRET-KEY-1...` per line (`#`
    /// comments and blank lines allowed), and/or an unencrypted OpenSSH
    /// ed25519 or RSA private key. Usually `file(...)` of a file outside git,
    /// or a variable. Read only when a value must be decrypted. When neither
    /// this nor `age_identity_file` is set, the provider falls back, in
    /// order, to `ROUTEROS_AGE_IDENTITY`, `ROUTEROS_AGE_IDENTITY_FILE`,
    /// `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, then SOPS's default key file
    /// (`$XDG_CONFIG_HOME/sops/age/keys.txt`, else
    /// `~/.config/sops/age/keys.txt`; on macOS
    /// `~/Library/Application Support/sops/age/keys.txt`), so a repository
    /// set up for SOPS works unchanged. The first of those that is set is
    /// used.
    #[schemars(extend("x-tf-sensitive" = true))]
    pub age_identity: Option<String>,
    /// Path of an age identity file (as `age-keygen -o` writes it) or of an
    /// unencrypted OpenSSH private key, used with `age_identity` (both may be
    /// given). See `age_identity` for the fallbacks when neither is set.
    pub age_identity_file: Option<String>,
    /// Certificate to trust for the router's HTTPS and API-SSL services: a
    /// path to a PEM file, or the PEM text itself. Either the router's own
    /// certificate (such as the self-signed one `/certificate add` + `sign`
    /// makes, exported with `/certificate export-certificate`), which is then
    /// trusted as that exact certificate (pinned), or the CA that signed it.
    /// Without it the system's trusted roots are used. Conflicts with
    /// `insecure` and `tls_fingerprint`; ignored (with a warning) for
    /// `http://` and `api://`. Falls back to `ROUTEROS_CA_CERTIFICATE`,
    /// `ROS_CA_CERTIFICATE`, `MIKROTIK_CA_CERTIFICATE`.
    pub ca_certificate: Option<String>,
    /// Trust exactly the router certificate with this SHA-256 fingerprint,
    /// without a certificate file: the `fingerprint` that RouterOS's
    /// `/certificate print detail` shows (64 hex digits; any case, colons
    /// between bytes allowed). Conflicts with `insecure` and
    /// `ca_certificate`, wherever those are set (here or in the
    /// environment). Falls back to `ROUTEROS_TLS_FINGERPRINT`.
    pub tls_fingerprint: Option<String>,
    /// Do not check that the router's certificate names the host in `url`
    /// (its subject alternative names). Only with `ca_certificate` or
    /// `tls_fingerprint`, for a router certificate made without the address
    /// the provider connects to. Default `false`: the check is on.
    pub tls_skip_hostname_check: Option<bool>,
    /// Accept any TLS certificate from the router. Only for lab routers:
    /// anyone on the path can then read the password and the keys. Never
    /// weakens a pin: together with `ca_certificate` or `tls_fingerprint`,
    /// wherever either is set (here or in the environment), it is an error
    /// naming both. Falls back to `ROUTEROS_INSECURE`, `ROS_INSECURE`,
    /// `MIKROTIK_INSECURE` (`true`/`false`); `insecure = false` here
    /// overrides them.
    pub insecure: Option<bool>,
    /// Most bytes one reply from the router may carry (a REST body, or the
    /// rows of one API command), and the largest file a backup or export
    /// downloads. Default 67108864 (64 MiB), more than ten times a menu of
    /// 10,000 rows. A reply over it is an error and reading stops there, so
    /// that a router (or anything on the path to it) that sends without
    /// end cannot exhaust memory or disk. From 65536 to 17179869184. Falls
    /// back to `ROUTEROS_MAX_REPLY_BYTES`.
    pub max_reply_bytes: Option<i64>,
    /// Most rows one reply from the router may carry. Default 200000. A
    /// reply over it is an error and reading stops there. Falls back to
    /// `ROUTEROS_MAX_REPLY_ROWS`.
    pub max_reply_rows: Option<i64>,
    /// Seconds to wait for the router to answer one request (default 30).
    pub timeout: Option<i64>,
    /// The same as `timeout`, under the name the terraform-routeros/routeros
    /// provider uses, so that a provider block copied from it works. Set
    /// `timeout` or `rest_timeout`, or both to the same value.
    pub rest_timeout: Option<i64>,
    /// Accepted so that a provider block copied from terraform-routeros/routeros
    /// works, and does nothing (a warning says so): this provider reads the
    /// RouterOS version from the router.
    pub routeros_version: Option<String>,
    /// Accepted so that a provider block copied from terraform-routeros/routeros
    /// works, and does nothing (a warning says so): this provider has no
    /// system-object deletion warning to suppress.
    pub suppress_syso_del_warn: Option<bool>,
    /// Several routers served by this one provider configuration (a
    /// fleet): a map from a router's name (1 to 64 letters, digits, `_` or
    /// `-`) to its connection settings, each meaning what the provider
    /// block's argument of that name means: `url` (or `hosturl`; required),
    /// `username`, `password`, `password_age`, `ca_certificate`,
    /// `tls_fingerprint`, `tls_skip_hostname_check`, `insecure`, `timeout`.
    /// What an entry leaves unset comes from the provider block (and its
    /// environment fallbacks), except `url`. `password` and `password_age`
    /// count as one setting, and so do `ca_certificate`, `tls_fingerprint`
    /// and `insecure`: an entry that sets one of a group uses only its own
    /// values of that group (so an entry's `tls_fingerprint` never meets
    /// the provider block's `ca_certificate`). Values are strings;
    /// `insecure = true` and `timeout = 30` work too (Terraform converts
    /// them). Every resource, data source, ephemeral resource, list and
    /// action picks one with its `router` argument; without it, the
    /// provider block's own `url` is used. Each router is connected only
    /// when a call first needs it, and one that cannot be reached fails
    /// only its own resources. Sensitive, since an entry may hold a
    /// password.
    #[schemars(extend("x-tf-sensitive" = true))]
    pub routers: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

// Shows the configuration without its secrets (`password`, `age_identity`).
redact::debug!(ProviderConfig {
    url = |c| c.url.as_deref().map(redact_url),
    hosturl = |c| c.hosturl.as_deref().map(redact_url),
    username,
    password = |c| c.password.as_ref().map(|_| "(sensitive)"),
    password_age = |c| c.password_age.as_ref().map(|_| "(age ciphertext)"),
    age_identity = |c| c.age_identity.as_ref().map(|_| "(sensitive)"),
    age_identity_file,
    ca_certificate,
    tls_fingerprint,
    tls_skip_hostname_check,
    insecure,
    max_reply_bytes,
    max_reply_rows,
    timeout,
    rest_timeout,
    routeros_version,
    suppress_syso_del_warn,
    routers = |c| c.routers.as_ref().map(|r| r.keys().cloned().collect::<Vec<_>>())
});

/// Looks up the first set, non-empty environment variable of `names`.
pub(crate) fn env_first(names: &[&str]) -> Option<(String, String)> {
    first_set(names, |n| std::env::var(n).ok())
}

/// The first of `names` that `get` finds with a non-empty value, and that
/// value.
fn first_set(names: &[&str], get: impl Fn(&str) -> Option<String>) -> Option<(String, String)> {
    names.iter().find_map(|n| match get(n) {
        Some(v) if !v.is_empty() => Some((n.to_string(), v)),
        _ => None,
    })
}

/// Joins variable names for messages: `A, B or C`.
fn env_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Normalises the router URL: adds `https://` when no scheme is given,
/// drops a trailing `/` (and, for REST, a trailing `/rest`). `api://` and
/// `apis://` (the classic API, ports 8728 and 8729 by default) take a
/// host and an optional port only. Returns an error message for
/// unsupported schemes.
pub fn normalise_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if let Some(at) = url.find(char::is_whitespace) {
        return Err(format!(
            "the URL has a space (or other white space) at character {}; a router address has none: remove it",
            url[..at].chars().count() + 1
        ));
    }
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    if authority.contains('@') {
        return Err(
            "the URL holds a user name or password (`user:password@host`), which would then show up in logs and messages. Remove it from `url` and set `username` and `password` (or ROUTEROS_USERNAME and ROUTEROS_PASSWORD) instead"
                .to_string(),
        );
    }
    let with_scheme = if url.contains("://") {
        url.to_string()
    } else {
        format!("https://{url}")
    };
    let (scheme, rest) = with_scheme.split_once("://").unwrap_or(("https", url));
    let scheme = scheme.to_ascii_lowercase();
    let rest = rest.trim_end_matches('/');
    match scheme.as_str() {
        "https" | "http" => {
            let rest = rest.strip_suffix("/rest").unwrap_or(rest);
            if rest.is_empty() {
                return Err("the URL has no host".to_string());
            }
            Ok(format!("{scheme}://{rest}"))
        }
        "api" | "apis" => {
            let normal = format!("{scheme}://{rest}");
            crate::routeros::api::Target::parse(&normal)?;
            Ok(normal)
        }
        other => Err(format!(
            "unsupported scheme {other}://; use https:// (REST over TLS), http:// (REST), apis:// (the API over TLS, port 8729) or api:// (the API, port 8728)"
        )),
    }
}

/// `url` for messages and logs: any `user:password@` before the host is
/// replaced by `<credentials>@`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}<credentials>{}", &rest[at..]),
        None => url.to_string(),
    }
}

/// Reads the PEM from `value`: PEM text itself, or a path to a PEM file.
fn load_pem(value: &str) -> Result<Vec<u8>, String> {
    if value.contains("-----BEGIN") {
        return Ok(value.as_bytes().to_vec());
    }
    std::fs::read(value).map_err(|e| format!("could not read the PEM file {value:?}: {e}"))
}

/// The `routeros` provider.
#[derive(Debug, Default)]
pub struct RouterosProvider {
    /// Terraform's Stop, shared with every client configured.
    stop: Stop,
}

impl RouterosProvider {
    /// The provider.
    pub fn new() -> Self {
        RouterosProvider::default()
    }

    /// Terraform's Stop as this provider receives it ([`Provider::stop`]),
    /// shared with every client it configures.
    pub fn stop_signal(&self) -> &Stop {
        &self.stop
    }
}

/// The router service a URL talks to, for messages.
fn service_for(endpoint: &str) -> &'static str {
    match endpoint.split("://").next().unwrap_or("") {
        "http" => "the www service (REST over HTTP)",
        "api" => "the api service (port 8728)",
        "apis" => "the api-ssl service (port 8729)",
        _ => "the www-ssl service (REST over HTTPS)",
    }
}

/// A diagnostic for a failed connection, saying what to do.
pub fn connection_diagnostic(err: &Error, username: &str) -> Diagnostic {
    match err {
        Error::Unauthorized { endpoint } => Diagnostic::error(
            "The router refused the username or password",
            format!(
                "RouterOS at {endpoint} refused the login of user {username:?}. Check `username` and `password` (or ROUTEROS_USERNAME / ROUTEROS_PASSWORD), and that the user's group has the `read`, `write` and `rest-api` (REST) or `api` (API) policies."
            ),
        ),
        Error::UntrustedCertificate { endpoint, reason } => Diagnostic::error(
            "The router's TLS certificate is not trusted",
            format!(
                "The TLS certificate of {endpoint} is not trusted: {reason}. For a lab router only, `insecure = true` skips all checks."
            ),
        )
        .at_attr("ca_certificate"),
        Error::WrongScheme { endpoint, advice } => Diagnostic::error(
            "The URL's scheme does not match the router's service",
            format!("{endpoint}: {advice}."),
        )
        .at_attr("url"),
        Error::Timeout { endpoint, seconds } => Diagnostic::error(
            "The router did not answer in time",
            format!(
                "Timed out after {seconds} s: no answer from {endpoint}. Check that the address and port in `url` are right, that {} is enabled in /ip/service and reachable from here (no firewall drops the connection), or raise `timeout`.",
                service_for(endpoint)
            ),
        )
        .at_attr("url"),
        Error::Unreachable { endpoint, reason } => Diagnostic::error(
            "Could not connect to the router",
            format!(
                "Connecting to {endpoint} failed: {reason}. Check `url` (scheme, host and port) and that {} is enabled in /ip/service.",
                service_for(endpoint)
            ),
        )
        .at_attr("url"),
        Error::NotFound { .. } => Diagnostic::error(
            "The router does not serve the REST API",
            "The router answered 404 for /rest/system/resource. The REST API needs RouterOS 7.1 or later, and MACsec needs RouterOS 7.9 or later: upgrade the router.",
        ),
        other => Diagnostic::error(
            "Could not read the router's version",
            format!("{other}. Check that `url` points at a RouterOS 7 router."),
        ),
    }
}

/// Whether the router can be used: reachable, and new enough for MACsec;
/// else the error that says why and what to do.
async fn usable(client: &Configured) -> Result<(), Diagnostic> {
    let version = client.ready().await.map_err(|e| {
        // Reported from a resource's call: the attribute named in
        // the text (`url`, `ca_certificate`) is the provider's, not
        // the resource's.
        let mut d = connection_diagnostic(&e, client.username());
        d.attribute = None;
        d
    })?;
    let (major, minor) = MIN_MACSEC_VERSION;
    if version.at_least(major, minor) {
        return Ok(());
    }
    let endpoint = client.endpoint();
    let detail = if version.major < 7 {
        format!(
            "The router at {endpoint} runs RouterOS {version}. MACsec (/interface/macsec) exists only on RouterOS 7 (7.9 or later); RouterOS 6 has none. Upgrade the router to RouterOS 7.9 or later, or remove its MACsec resources from this configuration."
        )
    } else {
        format!(
            "The router at {endpoint} runs RouterOS {version}; /interface/macsec needs RouterOS 7.9 or later. Upgrade the router."
        )
    };
    Err(Diagnostic::error("MACsec needs RouterOS 7", detail))
}

/// The plan-time checks of a provider block `config` (the provider's own,
/// and each `routers` entry read as one: see [`fleet::validate`]).
fn check_block(config: &Value, diags: &mut Diagnostics) {
    let set = |name: &str| config.get(name).is_some_and(|v| !v.is_null());
    if set("password") && set("password_age") {
        diags.push(
            Diagnostic::error(
                "Conflicting password settings",
                "`password` gives the password in the clear, `password_age` gives it age-encrypted: set one of them, not both.",
            )
            .at_attr("password_age"),
        );
    }
    if set("url") && set("hosturl") {
        diags.push(
            Diagnostic::error(
                "Conflicting router URL settings",
                "`url` and `hosturl` (its name in the terraform-routeros provider) both name the router: keep one of them.",
            )
            .at_attr("hosturl"),
        );
    }
    security::validate(config, diags);
    limits::validate(config, diags);
    compat::validate(config, diags);
    for attr in ["url", "hosturl"] {
        if let Some(url) = config.get_str(attr) {
            if let Err(e) = normalise_url(url) {
                diags.push(
                    Diagnostic::error("Invalid router URL", format!("{:?}: {e}.", redact_url(url)))
                        .at_attr(attr),
                );
            }
        }
    }
    if let Some(t) = config.get_i64("timeout") {
        if !(1..=3600).contains(&t) {
            diags.push(
                Diagnostic::error(
                    "Invalid timeout",
                    format!("timeout = {t}: give a number of seconds from 1 to 3600."),
                )
                .at_attr("timeout"),
            );
        }
    }
}

impl RouterosProvider {
    /// The client of one router from its settings `cfg` (the provider
    /// block, or a `routers` entry read as one); `env_trust`: whether the
    /// environment's trust settings apply (not for an entry with trust
    /// settings of its own). No connection yet: the first call that needs
    /// the router connects (see `ready`).
    fn connect(
        &self,
        mut cfg: ProviderConfig,
        identities: &Arc<crate::secrets::Identities>,
        env_trust: bool,
        diags: &mut Diagnostics,
    ) -> Option<Configured> {
        let (url, username) = configure::router_and_user(&mut cfg, diags)?;
        let password = configure::password(&mut cfg, identities, diags)?;
        let trust = configure::trust(&cfg, env_trust, diags)?;
        let limits = configure::limits(&cfg, diags)?;
        let tls = configure::tls_options(trust, &cfg, &url, diags)?;
        let opts = ConnectOptions {
            url,
            username,
            password: password.as_str().to_owned(),
            tls,
            timeout: configure::timeout(&cfg),
            limits,
            stop: self.stop.clone(),
            user_agent: format!("terraform-provider-routeros/{}", crate::VERSION),
        };
        Some(Configured::new(Client::lazy(opts), Arc::clone(identities)))
    }
}

#[async_trait]
impl Provider for RouterosProvider {
    type Configured = Fleet;
    type Client = Configured;

    fn type_name(&self) -> &'static str {
        "routeros"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<ProviderConfig>(
            0,
            "Manages MACsec on MikroTik RouterOS 7 routers over the REST API or the classic API.",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        check_block(config, diags);
        fleet::validate(config, diags, check_block);
    }

    async fn configure(
        &self,
        config: &Value,
        _terraform_version: &str,
        diags: &mut Diagnostics,
    ) -> Option<Fleet> {
        // Each step reports what is wrong in `diags` and ends the
        // configuration with `None`; the order is the order of the checks.
        let mut cfg = configure::read_settings(config, diags)?;
        let identities = configure::identities(&mut cfg);
        let entries = fleet::entries_of(config);
        // The provider block's own router: its `url`, else the
        // environment's; none is an error only without `routers`.
        let default = if entries.is_empty()
            || cfg.url.is_some()
            || cfg.hosturl.is_some()
            || env_first(&URL_ENV).is_some()
        {
            Some(Arc::new(self.connect(cfg, &identities, true, diags)?))
        } else {
            None
        };
        let mut routers = BTreeMap::new();
        for (name, entry) in &entries {
            let mut found = Diagnostics::new();
            let router = fleet::entry_block(config, name, entry, &mut found).and_then(|block| {
                let own_trust = fleet::own_trust(entry);
                let mut local = Diagnostics::new();
                let made = configure::read_settings(&block, &mut local)
                    .and_then(|cfg| self.connect(cfg, &identities, !own_trust, &mut local));
                for d in local.0 {
                    found.push(fleet::relocate(name, d));
                }
                made
            });
            diags.extend(found);
            if let Some(r) = router {
                routers.insert(name.clone(), Arc::new(r.named(name)));
            }
        }
        if diags.has_error() {
            return None;
        }
        Some(Fleet { default, routers })
    }

    fn route(&self) -> Option<Route> {
        Some(Route {
            attribute: fleet::ROUTER,
            description: "The router this object lives on: the name of an entry of the provider's `routers`. Unset: the provider block's own router (`url`). Import ids take it as a prefix (`core/macsec1`).",
        })
    }

    async fn ready(
        &self,
        fleet: &Fleet,
        route: Option<&str>,
    ) -> Result<Arc<Configured>, Diagnostic> {
        let client = fleet.pick(route)?;
        usable(client).await.map_err(|full| client.unusable(full))?;
        Ok(Arc::clone(client))
    }

    fn route_names(&self, fleet: &Fleet) -> Vec<String> {
        fleet.routers.keys().cloned().collect()
    }

    fn stop(&self) {
        self.stop.trip();
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<Configured>>> {
        resources::all()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Configured>>> {
        crate::data_sources::all()
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Configured>>> {
        crate::ephemeral_resources::all()
    }

    fn actions(&self) -> Vec<Arc<dyn crate::plugin::action::Action<Configured>>> {
        crate::actions::all()
    }
}

#[cfg(test)]
mod tests;
