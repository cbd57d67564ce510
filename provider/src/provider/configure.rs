//! `configure`, step by step: each step takes what the provider block and
//! the environment say about one thing, reports what is wrong in the
//! diagnostics, and returns `None` to end the configuration there. The
//! steps run in the order [`RouterosProvider::configure`] lists them,
//! which is the order of the checks a user meets.
//!
//! [`RouterosProvider::configure`]: super::RouterosProvider

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{
    DEFAULT_TIMEOUT_SECONDS, PASSWORD_ENV, ProviderConfig, URL_ENV, USERNAME_ENV, compat,
    env_first, env_names, limits as reply_limits, load_pem, normalise_url, redact_url, security,
};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::model::to_model;
use crate::plugin::value::Value;
use crate::routeros::ReplyLimits;
use crate::routeros::rest::TlsOptions;
use crate::secrets::{self, Identities, IdentityConfig, SecretString, Zeroizing};

/// The provider block as its model; `None` while some of it is unknown
/// (a warning: the router is contacted once it is known) or when it does
/// not fit the model.
pub(super) fn read_settings(config: &Value, diags: &mut Diagnostics) -> Option<ProviderConfig> {
    if !config.is_wholly_known() {
        diags.push(Diagnostic::warning(
            "Provider configuration not known yet",
            "Some provider arguments depend on values known only after apply; the router will be contacted once they are known.",
        ));
        return None;
    }
    match to_model(config) {
        Ok(c) => Some(c),
        Err(e) => {
            diags.push(Diagnostic::error(
                "Invalid provider configuration",
                e.to_string(),
            ));
            None
        }
    }
}

/// The router's URL (normalised) and the user name: the provider block,
/// else the environment.
pub(super) fn router_and_user(
    cfg: &mut ProviderConfig,
    diags: &mut Diagnostics,
) -> Option<(String, String)> {
    if cfg.url.is_some() && cfg.hosturl.is_some() {
        diags.push(
            Diagnostic::error(
                "Conflicting router URL settings",
                "`url` and `hosturl` (its name in the terraform-routeros provider) both name the router: keep one of them.",
            )
            .at_attr("hosturl"),
        );
        return None;
    }
    let url = cfg
        .url
        .take()
        .or(cfg.hosturl.take())
        .or_else(|| env_first(&URL_ENV).map(|(_, v)| v));
    let Some(url) = url else {
        diags.push(
            Diagnostic::error(
                "No router URL",
                format!(
                    "Set `url` in the provider block (for example https://192.168.88.1) or the {} environment variable.",
                    env_names(&URL_ENV)
                ),
            )
            .at_attr("url"),
        );
        return None;
    };
    let url = match normalise_url(&url) {
        Ok(u) => u,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "Invalid router URL",
                    format!("{:?}: {e}.", redact_url(&url)),
                )
                .at_attr("url"),
            );
            return None;
        }
    };
    let username = cfg
        .username
        .take()
        .or_else(|| env_first(&USERNAME_ENV).map(|(_, v)| v));
    let Some(username) = username else {
        diags.push(
            Diagnostic::error(
                "No router user name",
                format!(
                    "Set `username` in the provider block or the {} environment variable.",
                    env_names(&USERNAME_ENV)
                ),
            )
            .at_attr("username"),
        );
        return None;
    };
    Some((url, username))
}

/// The age identities, loaded when first used.
pub(super) fn identities(cfg: &mut ProviderConfig) -> Arc<Identities> {
    Arc::new(Identities::new(IdentityConfig {
        age_identity: cfg.age_identity.take().map(SecretString::from),
        age_identity_file: cfg
            .age_identity_file
            .take()
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from),
    }))
}

/// The router password: `password`, else `password_age` decrypted, else
/// the environment (in the clear, then age-encrypted), else empty.
pub(super) fn password(
    cfg: &mut ProviderConfig,
    identities: &Identities,
    diags: &mut Diagnostics,
) -> Option<Zeroizing<String>> {
    if cfg.password.is_some() && cfg.password_age.is_some() {
        diags.push(
            Diagnostic::error(
                "Conflicting password settings",
                "`password` gives the password in the clear, `password_age` gives it age-encrypted: set one of them, not both.",
            )
            .at_attr("password_age"),
        );
        return None;
    }
    Some(match cfg.password.take() {
        Some(p) => Zeroizing::new(p),
        None => match cfg.password_age.take() {
            Some(ct) => secrets::decrypt_text(&ct, "password_age", identities, diags)?,
            None => match env_first(&PASSWORD_ENV) {
                Some((_, v)) => Zeroizing::new(v),
                None => match env_first(&["ROUTEROS_PASSWORD_AGE"]) {
                    Some((_, ct)) => secrets::decrypt_text(&ct, "password_age", identities, diags)?,
                    None => Zeroizing::new(String::new()),
                },
            },
        },
    })
}

/// Which trust the provider block and the environment ask for (one
/// precedence: [`security::resolve_trust`]); `env`: whether the
/// environment's trust settings apply.
pub(super) fn trust(
    cfg: &ProviderConfig,
    env: bool,
    diags: &mut Diagnostics,
) -> Option<security::TrustChoice> {
    security::resolve_trust(
        cfg.insecure,
        cfg.tls_fingerprint.as_deref(),
        cfg.ca_certificate.as_deref(),
        |name| env.then(|| std::env::var(name).ok()).flatten(),
    )
    .map_err(|d| diags.push(d))
    .ok()
}

/// The caps on one reply.
pub(super) fn limits(cfg: &ProviderConfig, diags: &mut Diagnostics) -> Option<ReplyLimits> {
    reply_limits::reply_limits(cfg.max_reply_bytes, cfg.max_reply_rows, |name| {
        std::env::var(name).ok()
    })
    .map_err(|d| diags.push(d))
    .ok()
}

/// The TLS settings of the transports for `trust`: the CA read and
/// checked (for a TLS URL), and the warnings of an unprotected connection.
pub(super) fn tls_options(
    trust: security::TrustChoice,
    cfg: &ProviderConfig,
    url: &str,
    diags: &mut Diagnostics,
) -> Option<TlsOptions> {
    let (insecure, fingerprint, ca_certificate) = match trust {
        security::TrustChoice::System => (false, None, None),
        security::TrustChoice::Insecure(_) => (true, None, None),
        security::TrustChoice::Fingerprint(fp, _) => (false, Some(fp), None),
        security::TrustChoice::Ca(ca, _) => (false, None, Some(ca)),
    };
    let ca_pem = match ca_certificate.as_deref().map(load_pem).transpose() {
        Ok(p) => p,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "Cannot load ca_certificate",
                    format!("{e}. Give a PEM file path or PEM text."),
                )
                .at_attr("ca_certificate"),
            );
            return None;
        }
    };
    let is_tls = matches!(url.split("://").next(), Some("https" | "apis"));
    if let (Some(pem), Some(source), true) = (&ca_pem, &ca_certificate, is_tls) {
        let source = if source.contains("-----BEGIN") {
            "the PEM text given".to_string()
        } else {
            format!("the file {source:?}")
        };
        if !security::check_ca(pem, &source, diags) {
            return None;
        }
    }
    security::exposure_warnings(
        url,
        insecure,
        ca_certificate.is_some(),
        fingerprint.is_some(),
        diags,
    );
    Some(TlsOptions {
        ca_pem,
        insecure,
        fingerprint,
        skip_hostname_check: cfg.tls_skip_hostname_check == Some(true),
    })
}

/// The per-request timeout: `timeout`, else terraform-routeros's
/// `rest_timeout`, else the default; 1 s to an hour.
pub(super) fn timeout(cfg: &ProviderConfig) -> Duration {
    let seconds = compat::timeout(cfg.timeout, cfg.rest_timeout)
        .unwrap_or(DEFAULT_TIMEOUT_SECONDS)
        .clamp(1, 3600);
    Duration::from_secs(seconds as u64)
}
