//! TLS for `apis://`: trust as the REST transport does (the PEM given in
//! `ca_certificate`, or anything when `insecure`, else the system's
//! roots), on rustls with the aws-lc-rs provider.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::pki_types::ServerName;

use crate::rest::TlsOptions;

/// The client configuration for `tls`, or why it cannot be built: the
/// same trust as the REST transport ([`crate::tls::client_config`]).
pub(super) fn client_config(tls: &TlsOptions) -> Result<Arc<ClientConfig>, String> {
    crate::tls::client_config(tls).map(|(config, _)| Arc::new(config))
}

/// The name the router's certificate must carry: a DNS name or an IP
/// address (`host` without brackets).
pub(super) fn server_name(host: &str) -> Result<ServerName<'static>, String> {
    ServerName::try_from(host.to_string())
        .map_err(|e| format!("{host:?} is not a host name or IP address: {e}"))
}

/// What a failed TLS handshake means: `Ok(reason)` for an untrusted
/// certificate, `Err(reason)` for anything else.
pub(super) fn classify_handshake_error(e: &std::io::Error) -> Result<String, String> {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(r @ rustls::Error::InvalidCertificate(_)) => {
            Ok(crate::tls::refusal(r).unwrap_or_else(|| r.to_string()))
        }
        Some(r) => Err(r.to_string()),
        None => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_settings_build_or_say_what_is_wrong() {
        assert!(
            client_config(&TlsOptions {
                insecure: true,
                ..TlsOptions::default()
            })
            .is_ok()
        );
        let e = client_config(&TlsOptions {
            ca_pem: Some(b"not a pem".to_vec()),
            ..TlsOptions::default()
        })
        .unwrap_err();
        assert!(e.contains("no PEM certificate"), "{e}");
        let cert = rcgen::generate_simple_self_signed(vec!["router".to_string()]).unwrap();
        let pem = cert.cert.pem().into_bytes();
        assert!(
            client_config(&TlsOptions {
                ca_pem: Some(pem),
                ..TlsOptions::default()
            })
            .is_ok()
        );
    }

    #[test]
    fn server_names_accept_hosts_and_addresses() {
        assert!(matches!(
            server_name("192.168.88.1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("::1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("router.lan").unwrap(),
            ServerName::DnsName(_)
        ));
        assert!(server_name("bad host").is_err());
    }
}
