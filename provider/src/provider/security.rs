//! The provider's TLS and transport-security settings: which trust the
//! settings ask for ([`resolve_trust`]: a pin is never weakened by an
//! `insecure`, wherever each comes from), checks of `tls_fingerprint`,
//! `tls_skip_hostname_check` and `ca_certificate`, and the warnings every
//! plan and apply shows when the connection exposes the router password and
//! the MACsec keys.

use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::routeros::tls;

/// Where a trust setting came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Source {
    /// The provider block's attribute of this name.
    Config(&'static str),
    /// The environment variable of this name.
    Env(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Config(attr) => write!(f, "`{attr}` in the provider block"),
            Source::Env(name) => write!(f, "the environment variable {name}"),
        }
    }
}

/// How the router's certificate is to be trusted, and where that came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TrustChoice {
    /// The system's trusted roots.
    System,
    /// Any certificate (`insecure`).
    Insecure(Source),
    /// Exactly the certificate with this SHA-256 (`tls_fingerprint`).
    Fingerprint([u8; 32], Source),
    /// The certificate (or CA) of `ca_certificate`: its value (a path or
    /// PEM text).
    Ca(String, Source),
}

/// The environment variables `tls_fingerprint` falls back to.
pub(super) const TLS_FINGERPRINT_ENV: [&str; 1] = ["ROUTEROS_TLS_FINGERPRINT"];

/// One setting from the provider block (`config`, attribute `attr`), else
/// from the first of `names` set in the environment (`env`).
fn pick<T>(
    config: Option<T>,
    attr: &'static str,
    names: &[&str],
    env: &impl Fn(&str) -> Option<String>,
    parse: impl Fn(&str, String) -> Result<T, Diagnostic>,
) -> Result<Option<(T, Source)>, Diagnostic> {
    if let Some(v) = config {
        return Ok(Some((v, Source::Config(attr))));
    }
    match super::first_set(names, env) {
        Some((name, text)) => Ok(Some((parse(&name, text)?, Source::Env(name)))),
        None => Ok(None),
    }
}

/// The error for two trust settings that cannot both hold: what each
/// source says, and what to do. It points at the provider block's
/// attribute when one of them is there.
fn conflict(first: (&Source, &str), second: (&Source, &str), todo: &str) -> Diagnostic {
    let d = Diagnostic::error(
        "Conflicting TLS settings",
        format!(
            "{} {}, but {} {}. {todo}",
            first.0, first.1, second.0, second.1
        ),
    );
    match (first.0, second.0) {
        (Source::Config(attr), _) | (_, Source::Config(attr)) => d.at_attr(attr),
        _ => d,
    }
}

/// Which trust the provider block (`insecure`, `tls_fingerprint`,
/// `ca_certificate`) and the environment (`env`: their `ROUTEROS_*`,
/// `ROS_*` and `MIKROTIK_*` fallbacks) ask for. Each setting is taken from
/// the provider block when set there, else from the environment. A pin
/// (`tls_fingerprint` or `ca_certificate`) and `insecure = true` from any
/// two sources are an error naming both, never a silent choice: an
/// `insecure` left in a shell or CI environment must not drop a pin
/// written in the configuration (nor the reverse), since an impostor with
/// any certificate would then receive the router password. Two pins are an
/// error too.
pub(super) fn resolve_trust(
    insecure: Option<bool>,
    fingerprint: Option<&str>,
    ca_certificate: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<TrustChoice, Diagnostic> {
    let insecure = pick(
        insecure,
        "insecure",
        &super::INSECURE_ENV,
        &env,
        |name, v| {
            super::parse_bool(&v).ok_or_else(|| {
                Diagnostic::error(
                    "Invalid boolean in the environment",
                    format!("{name}={v:?} is not a boolean: use true or false."),
                )
                .at_attr("insecure")
            })
        },
    )?;
    let fingerprint = pick(
        fingerprint.map(str::to_owned),
        "tls_fingerprint",
        &TLS_FINGERPRINT_ENV,
        &env,
        |_, v| Ok(v),
    )?;
    let ca = pick(
        ca_certificate.map(str::to_owned),
        "ca_certificate",
        &super::CA_CERTIFICATE_ENV,
        &env,
        |_, v| Ok(v),
    )?;
    let pin = fingerprint
        .as_ref()
        .map(|(_, s)| (s, "pins the router's certificate by its SHA-256"))
        .or_else(|| {
            ca.as_ref()
                .map(|(_, s)| (s, "names the certificate to trust"))
        });
    if let (Some((true, insecure_source)), Some(pin)) = (&insecure, pin) {
        let undo = match insecure_source {
            Source::Config(_) => "remove `insecure` (or set it to false)".to_string(),
            Source::Env(name) => format!("unset {name} (or set it to false)"),
        };
        return Err(conflict(
            pin,
            (insecure_source, "turns certificate checks off (insecure)"),
            &format!(
                "A pinned certificate is never dropped for `insecure`: {undo} to keep the pin, which is the safe choice; or remove the pin if this is a lab router whose certificate must not be checked."
            ),
        ));
    }
    if let (Some((_, fp_source)), Some((_, ca_source))) = (&fingerprint, &ca) {
        return Err(conflict(
            (fp_source, "pins the router's certificate by its SHA-256"),
            (ca_source, "gives a certificate to trust (ca_certificate)"),
            "Keep one of the two.",
        ));
    }
    Ok(match (insecure, fingerprint, ca) {
        (_, Some((fp, source)), _) => {
            let parsed = tls::parse_fingerprint(&fp).map_err(|e| {
                let d = Diagnostic::error("Invalid tls_fingerprint", format!("{source}: {e}."));
                match source {
                    Source::Config(attr) => d.at_attr(attr),
                    Source::Env(_) => d,
                }
            })?;
            TrustChoice::Fingerprint(parsed, source)
        }
        (_, None, Some((pem, source))) => TrustChoice::Ca(pem, source),
        (Some((true, source)), None, None) => TrustChoice::Insecure(source),
        _ => TrustChoice::System,
    })
}

/// Plan-time checks of the TLS arguments that need no router.
pub(super) fn validate(config: &Value, diags: &mut Diagnostics) {
    let set = |name: &str| config.get(name).is_some_and(|v| !v.is_null());
    // The provider block alone (the environment is read at Configure): the
    // same precedence and conflicts as there.
    if let Err(d) = resolve_trust(
        config.get_bool("insecure"),
        config.get_str("tls_fingerprint"),
        config.get_str("ca_certificate"),
        |_| None,
    ) {
        diags.push(d);
    }
    if config.get_bool("tls_skip_hostname_check") == Some(true)
        && !set("tls_fingerprint")
        && !set("ca_certificate")
    {
        diags.push(
            Diagnostic::error(
                "Hostname check can only be skipped for a pinned certificate",
                "`tls_skip_hostname_check = true` is for a router whose certificate is trusted through `ca_certificate` or `tls_fingerprint` but does not name the host in `url`. Set one of those, or leave the hostname check on.",
            )
            .at_attr("tls_skip_hostname_check"),
        );
    }
}

/// The certificates of `ca_certificate` (already read from its file), or a
/// diagnostic against `ca_certificate` saying what is wrong with them.
pub(super) fn check_ca(pem: &[u8], source: &str, diags: &mut Diagnostics) -> bool {
    match tls::parse_certificates(pem) {
        Ok(_) => true,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "Unusable ca_certificate",
                    format!(
                        "`ca_certificate` ({source}) {e}. Give the router's certificate (or the CA that signed it) in PEM, as `/certificate export-certificate` writes it, either as a file path or as the PEM text."
                    ),
                )
                .at_attr("ca_certificate"),
            );
            false
        }
    }
}

/// Warnings shown in every plan and apply (the provider is configured for
/// each) when the connection to the router is not protected.
pub(super) fn exposure_warnings(
    url: &str,
    insecure: bool,
    ca_certificate: bool,
    fingerprint: bool,
    diags: &mut Diagnostics,
) {
    let scheme = url.split("://").next().unwrap_or("").to_ascii_lowercase();
    let plain = matches!(scheme.as_str(), "http" | "api");
    if plain {
        let (what, better) = if scheme == "http" {
            ("REST over plain HTTP", "https://")
        } else {
            ("the API over plain TCP", "apis://")
        };
        diags.push(
            Diagnostic::warning(
                "Unencrypted connection to the router",
                format!(
                    "`url` uses {scheme}:// ({what}): the router user's password and every MACsec CAK the provider sends or reads cross the network in clear text, readable by anyone on the path. Use {better} with `ca_certificate` or `tls_fingerprint`."
                ),
            )
            .at_attr("url"),
        );
        for (set, name) in [
            (ca_certificate, "ca_certificate"),
            (fingerprint, "tls_fingerprint"),
        ] {
            if set {
                diags.push(
                    Diagnostic::warning(
                        format!("`{name}` is ignored"),
                        format!(
                            "`url` uses {scheme}://, which has no TLS, so `{name}` is not used. Use {better} to have the router's certificate checked."
                        ),
                    )
                    .at_attr(name),
                );
            }
        }
    } else if insecure {
        diags.push(
            Diagnostic::warning(
                "TLS certificate checks are off",
                "`insecure = true`: the router's certificate is not checked, so anyone on the network path can pose as the router and read the router user's password and every MACsec CAK the provider sends or reads. Trust the router's certificate with `ca_certificate` or `tls_fingerprint` instead.",
            )
            .at_attr("insecure"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(diags: &Diagnostics) -> Vec<String> {
        diags
            .0
            .iter()
            .map(|d| {
                format!(
                    "{} | {} | {}",
                    d.summary,
                    d.detail,
                    d.attribute
                        .as_ref()
                        .map(|a| a.to_string())
                        .unwrap_or_default()
                )
            })
            .collect()
    }

    /// Regression: `insecure = true`, `http://` and `api://` gave no warning,
    /// and a `ca_certificate` with http:// was silently ignored.
    #[test]
    fn exposed_connections_warn_naming_what_is_exposed() {
        let mut d = Diagnostics::new();
        exposure_warnings("https://r", true, false, false, &mut d);
        let t = texts(&d);
        assert_eq!(t.len(), 1, "{t:?}");
        assert!(t[0].contains("password") && t[0].contains("CAK") && t[0].ends_with("insecure"));
        let mut d = Diagnostics::new();
        exposure_warnings("http://r", false, true, false, &mut d);
        let t = texts(&d);
        assert!(
            t[0].contains("clear text") && t[0].ends_with("url"),
            "{t:?}"
        );
        assert!(
            t[1].contains("is ignored") && t[1].ends_with("ca_certificate"),
            "{t:?}"
        );
        let mut d = Diagnostics::new();
        exposure_warnings("api://r", false, false, false, &mut d);
        assert!(texts(&d)[0].contains("apis://"));
        let mut d = Diagnostics::new();
        exposure_warnings("apis://r", false, true, false, &mut d);
        exposure_warnings("https://r", false, false, true, &mut d);
        assert!(d.0.is_empty());
    }
}
