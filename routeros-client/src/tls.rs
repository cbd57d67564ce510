//! How the provider trusts a router's TLS certificate, for both `https://`
//! (REST) and `apis://` (the classic API).
//!
//! RouterOS users usually make the router's certificate with `/certificate
//! add ...` then `sign`: a self-signed certificate with `CA:TRUE` and
//! `keyCertSign`. Standard path validation refuses such a certificate as a
//! server's own (`CaUsedAsEndEntity`), so a certificate given in
//! `ca_certificate` is trusted in two ways: as that exact certificate
//! (pinned: the router presents the very same bytes), or as a CA that
//! signed the router's certificate. `tls_fingerprint` pins the certificate
//! by its SHA-256 without a file. In every case the host name in `url` must
//! be one the certificate names (subject alternative names), unless
//! `tls_skip_hostname_check` turns that off. A pinned certificate is
//! trusted whatever its validity dates (it is that exact certificate);
//! path validation through a CA checks them.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, DigitallySignedStruct, Error as TlsError, OtherError, RootCertStore,
    SignatureScheme,
};
use sha2::{Digest, Sha256};

/// How to trust the router's TLS certificate.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// PEM certificates (the router's own, or its CA) to trust instead of
    /// the system's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// Accept any certificate (lab routers only). Ignored when a pin
    /// (`ca_pem` or `fingerprint`) is set: a pin is never weakened.
    pub insecure: bool,
    /// Trust exactly the certificate with this SHA-256 (`tls_fingerprint`).
    pub fingerprint: Option<[u8; 32]>,
    /// Do not check that the certificate names the host in the URL.
    pub skip_hostname_check: bool,
}

impl TlsOptions {
    /// The pinning/CA trust these options ask for (see this module);
    /// `None` for `insecure` or the system's roots. A pin wins over
    /// `insecure`.
    pub fn trust(&self) -> Result<Option<Trust>, String> {
        if self.ca_pem.is_none() && self.fingerprint.is_none() {
            return Ok(None);
        }
        let certificates = match &self.ca_pem {
            Some(pem) => parse_certificates(pem).map_err(|e| format!("ca_certificate {e}"))?,
            None => Vec::new(),
        };
        Ok(Some(Trust {
            certificates,
            fingerprint: self.fingerprint,
            skip_hostname_check: self.skip_hostname_check,
            accept_any: false,
        }))
    }
}

/// The certificates of a `ca_certificate` PEM, or what is wrong with it
/// (said so that it can follow "`ca_certificate` ...").
pub fn parse_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let text = String::from_utf8_lossy(pem);
    let begins = text.matches("-----BEGIN CERTIFICATE-----").count();
    let ends = text.matches("-----END CERTIFICATE-----").count();
    if begins == 0 {
        let what = if text.contains("-----BEGIN") {
            "holds PEM, but no certificate (no -----BEGIN CERTIFICATE----- line; a key or a request is not a certificate)"
        } else {
            "holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)"
        };
        return Err(what.to_string());
    }
    if ends < begins {
        return Err(format!(
            "is truncated: {begins} -----BEGIN CERTIFICATE----- line(s) but {ends} -----END CERTIFICATE----- line(s)"
        ));
    }
    let mut certs = Vec::new();
    for (index, cert) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let cert = cert.map_err(|e| {
            format!(
                "is not valid PEM: certificate {} cannot be decoded ({e}); it may be truncated or damaged",
                index + 1
            )
        })?;
        ParsedCertificate::try_from(&cert).map_err(|e| {
            format!(
                "holds something that is not an X.509 certificate (certificate {}: {e}); it may be truncated or damaged",
                index + 1
            )
        })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err("holds no PEM certificate".to_string());
    }
    Ok(certs)
}

/// A SHA-256 certificate fingerprint from `tls_fingerprint`: 64 hex digits
/// in any case, as RouterOS's `/certificate print detail` shows it, or with
/// `:` (or space) between the bytes as OpenSSL prints it; an optional
/// `sha256:` / `SHA256=` prefix is dropped.
pub fn parse_fingerprint(text: &str) -> Result<[u8; 32], String> {
    let mut t = text.trim();
    for prefix in ["sha256:", "sha256=", "sha256 "] {
        if t.len() >= prefix.len() && t[..prefix.len()].eq_ignore_ascii_case(prefix) {
            t = t[prefix.len()..].trim();
        }
    }
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "{bad:?} is not a hex digit. Give the certificate's SHA-256 as 64 hex digits, as `/certificate print detail` shows it in `fingerprint` (colons between bytes are allowed)"
        ));
    }
    if digits.len() != 64 {
        return Err(format!(
            "{} hex digits; a SHA-256 fingerprint has 64. Copy `fingerprint` of the router's certificate from `/certificate print detail`",
            digits.len()
        ));
    }
    let bytes = hex::decode(&digits).map_err(|e| format!("not hex: {e}"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| "not 32 bytes".to_string())
}

/// What to trust, besides the system's roots.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Certificates from `ca_certificate`: trusted as the exact server
    /// certificate and as CAs.
    pub certificates: Vec<CertificateDer<'static>>,
    /// `tls_fingerprint`: the server certificate's SHA-256.
    pub fingerprint: Option<[u8; 32]>,
    /// `tls_skip_hostname_check`.
    pub skip_hostname_check: bool,
    /// `insecure = true`: any certificate is accepted (the handshake
    /// signatures are still checked against it).
    pub accept_any: bool,
}

#[derive(Debug)]
struct Mismatch(String);

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Mismatch {}

fn invalid(reason: String) -> TlsError {
    TlsError::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Mismatch(
        reason,
    )))))
}

/// Verifies the router's certificate against a [`Trust`] (see the module
/// documentation).
#[derive(Debug)]
pub struct PinningVerifier {
    trust: Trust,
    roots: RootCertStore,
    provider: Arc<CryptoProvider>,
}

impl PinningVerifier {
    /// A verifier for `trust`.
    pub fn new(trust: Trust, provider: Arc<CryptoProvider>) -> Self {
        let mut roots = RootCertStore::empty();
        for cert in &trust.certificates {
            // A certificate that cannot be a root can still be pinned.
            let _ = roots.add(cert.clone());
        }
        PinningVerifier {
            trust,
            roots,
            provider,
        }
    }

    fn check_name(
        &self,
        cert: &ParsedCertificate<'_>,
        server_name: &ServerName<'_>,
    ) -> Result<(), TlsError> {
        if self.trust.skip_hostname_check {
            return Ok(());
        }
        verify_server_name(cert, server_name)
    }
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        if self.trust.accept_any {
            return Ok(ServerCertVerified::assertion());
        }
        let parsed = ParsedCertificate::try_from(end_entity)?;
        if let Some(want) = &self.trust.fingerprint {
            let got: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
            if &got != want {
                return Err(invalid(format!(
                    "the router's certificate has SHA-256 fingerprint {}, but tls_fingerprint is {}",
                    hex::encode(got),
                    hex::encode(want)
                )));
            }
            self.check_name(&parsed, server_name)?;
            return Ok(ServerCertVerified::assertion());
        }
        if self
            .trust
            .certificates
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref())
        {
            self.check_name(&parsed, server_name)?;
            return Ok(ServerCertVerified::assertion());
        }
        verify_server_cert_signed_by_trust_anchor(
            &parsed,
            &self.roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        )?;
        self.check_name(&parsed, server_name)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The rustls client configuration (aws-lc-rs provider) for `tls`, for
/// `https://` and `apis://` alike: a pin (`ca_certificate`,
/// `tls_fingerprint`) first, never weakened by `insecure`; else any
/// certificate for `insecure`; else the system's trusted roots. A
/// certificate refused is explained ([`Explaining`]).
pub fn client_config(
    tls: &crate::tls::TlsOptions,
) -> Result<(rustls::ClientConfig, Refusals), String> {
    let refusals = Refusals::default();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous();
    let verifier: Arc<dyn ServerCertVerifier> = if let Some(trust) = tls.trust()? {
        Arc::new(Explaining(
            PinningVerifier::new(trust, provider),
            refusals.clone(),
        ))
    } else if tls.insecure {
        let any = Trust {
            accept_any: true,
            ..Trust::default()
        };
        Arc::new(PinningVerifier::new(any, provider))
    } else {
        let system = rustls_platform_verifier::Verifier::new(provider)
            .map_err(|e| format!("cannot load the system's trusted certificates: {e}"))?;
        Arc::new(Explaining(system, refusals.clone()))
    };
    let config = builder
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok((config, refusals))
}

/// The explanation of the last certificate an [`Explaining`] verifier
/// refused, for a transport whose TLS library does not hand the error
/// back whole (reqwest flattens it into text).
#[derive(Debug, Clone, Default)]
pub struct Refusals(Arc<std::sync::Mutex<Option<String>>>);

impl Refusals {
    /// The last explanation, taken out.
    pub fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn put(&self, why: String) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
    }
}

/// Wraps a verifier so that a certificate it refuses comes back explained
/// ([`Refused`]): why, in the user's terms, what to do, and the SHA-256 of
/// the certificate the router presented, so that it can be pinned once
/// checked on the router. The explanation is also kept in the
/// [`Refusals`].
#[derive(Debug)]
pub struct Explaining<V>(pub V, pub Refusals);

/// A router certificate refused, explained (see [`Explaining`]); read it
/// back from a rustls error with [`refusal`].
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The explanation of a refused certificate in `e` ([`Refused`] or a pin
/// mismatch), if it holds one.
pub fn refusal(e: &TlsError) -> Option<String> {
    match e {
        TlsError::InvalidCertificate(CertificateError::Other(OtherError(inner))) => inner
            .downcast_ref::<Refused>()
            .map(|r| r.0.clone())
            .or_else(|| inner.downcast_ref::<Mismatch>().map(|m| m.0.clone())),
        _ => None,
    }
}

/// What the refused certificate `der` says about itself: whether it is
/// self-signed, the names it carries, when it expires.
struct Seen {
    self_signed: bool,
    names: Vec<String>,
    not_after: String,
    not_before: String,
}

fn seen(der: &[u8]) -> Option<Seen> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .map(|n| match n {
                    x509_parser::extensions::GeneralName::DNSName(d) => d.to_string(),
                    x509_parser::extensions::GeneralName::IPAddress(ip) => match ip.len() {
                        4 => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).unwrap_or_default())
                            .to_string(),
                        16 => {
                            std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).unwrap_or_default())
                                .to_string()
                        }
                        _ => hex::encode(ip),
                    },
                    other => format!("{other}"),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Seen {
        self_signed: cert.subject() == cert.issuer(),
        names,
        not_after: cert.validity().not_after.to_string(),
        not_before: cert.validity().not_before.to_string(),
    })
}

/// What to do about a self-signed router certificate.
const SELF_SIGNED: &str = "the router's certificate is self-signed: give it as `ca_certificate` (exported with `/certificate export-certificate`) or its fingerprint as `tls_fingerprint`";

/// The explanation of `e`, raised for certificate `der` presented for
/// `name`.
fn explain(e: TlsError, der: &[u8], name: &ServerName<'_>) -> TlsError {
    if refusal(&e).is_some() {
        return e;
    }
    let TlsError::InvalidCertificate(cert_error) = &e else {
        return e;
    };
    let seen = seen(der);
    let self_signed = seen.as_ref().is_some_and(|s| s.self_signed);
    let host = match name {
        ServerName::DnsName(d) => d.as_ref().to_string(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    };
    let why = match cert_error {
        // RouterOS's `/certificate add` + `sign` makes a self-signed CA:
        // unknown to the system's roots, or refused as a CA used as the
        // server's own certificate.
        CertificateError::UnknownIssuer if self_signed => SELF_SIGNED.to_string(),
        CertificateError::Other(o) if o.to_string().contains("CaUsedAsEndEntity") => {
            SELF_SIGNED.to_string()
        }
        CertificateError::UnknownIssuer => {
            "the router's certificate is signed by a CA this machine does not trust: give that CA (or the router's certificate itself) as `ca_certificate`, or the certificate's fingerprint as `tls_fingerprint`".to_string()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let names = seen
                .as_ref()
                .map(|s| s.names.join(", "))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "no host names".to_string());
            format!(
                "the router's certificate does not name {host}, the host in `url` (it names {names}): connect by a name it has, or make a certificate with this one (`subject-alt-name`); with the certificate pinned (`ca_certificate` or `tls_fingerprint`), `tls_skip_hostname_check = true` turns this check off"
            )
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
            "the router's certificate expired ({}): make a new one on the router (`/certificate`), or, once checked, pin this one with `tls_fingerprint` (a pinned certificate is trusted whatever its dates)",
            seen.as_ref().map_or("its end date is past", |s| s.not_after.as_str())
        ),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => format!(
            "the router's certificate is not valid yet (from {}): check the clocks of the router and of this machine",
            seen.as_ref().map_or("a later date", |s| s.not_before.as_str())
        ),
        other => format!("the router's certificate was refused ({other})"),
    };
    invalid_refused(format!(
        "{why}. The certificate the router presented has SHA-256 fingerprint {}: before trusting it, check that it is the one `/certificate print detail` shows on the router",
        fingerprint_of(der)
    ))
}

fn invalid_refused(reason: String) -> TlsError {
    TlsError::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Refused(
        reason,
    )))))
}

impl<V: ServerCertVerifier> ServerCertVerifier for Explaining<V> {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        self.0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|e| {
                let e = explain(e, end_entity.as_ref(), server_name);
                if let Some(why) = refusal(&e) {
                    self.1.put(why);
                }
                e
            })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.0.requires_raw_public_keys()
    }
}

/// SHA-256 (hex) of a DER certificate.
pub fn fingerprint_of(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_in_routeros_and_openssl_forms() {
        let hex64 = "6F0BA2A1C7D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D";
        let want = parse_fingerprint(hex64).unwrap();
        assert_eq!(parse_fingerprint(&hex64.to_lowercase()).unwrap(), want);
        let colons: Vec<String> = hex64
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        assert_eq!(parse_fingerprint(&colons.join(":")).unwrap(), want);
        assert_eq!(
            parse_fingerprint(&format!("SHA256:{}", colons.join(":"))).unwrap(),
            want
        );
        assert!(parse_fingerprint("abc").unwrap_err().contains("64"));
        assert!(
            parse_fingerprint(&format!("{}zz", &hex64[..62]))
                .unwrap_err()
                .contains("not a hex digit")
        );
    }

    /// Regression: a truncated or garbage CA file was reported as a problem
    /// with `url`; each case now says what is wrong with the file.
    #[test]
    fn bad_certificate_files_say_what_is_wrong() {
        let cert = rcgen::generate_simple_self_signed(vec!["router".to_string()]).unwrap();
        let pem = cert.cert.pem();
        assert_eq!(parse_certificates(pem.as_bytes()).unwrap().len(), 1);
        let truncated = &pem[..pem.len() / 2];
        assert!(
            parse_certificates(truncated.as_bytes())
                .unwrap_err()
                .contains("truncated")
        );
        assert!(
            parse_certificates(b"garbage\x00\x01")
                .unwrap_err()
                .contains("no PEM certificate")
        );
        let key = cert.signing_key.serialize_pem();
        assert!(
            parse_certificates(key.as_bytes())
                .unwrap_err()
                .contains("no certificate")
        );
        let damaged = "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n";
        let e = parse_certificates(damaged.as_bytes()).unwrap_err();
        assert!(e.contains("not an X.509 certificate"), "{e}");
    }

    fn verify(trust: Trust, cert: &CertificateDer<'_>, name: &str) -> Result<(), TlsError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let v = PinningVerifier::new(trust, provider);
        let name = ServerName::try_from(name.to_string()).unwrap();
        v.verify_server_cert(cert, &[], &name, &[], UnixTime::now())
            .map(|_| ())
    }

    /// A RouterOS-style self-signed certificate (CA:TRUE, keyCertSign) is
    /// trusted as that exact certificate; the host name is still checked
    /// unless skipped; another certificate is refused.
    #[test]
    fn pinned_certificates_and_fingerprints_check_the_host_name() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["router.lan".to_string()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).unwrap();
        let der = cert.der().clone();
        let pinned = Trust {
            certificates: vec![der.clone()],
            ..Trust::default()
        };
        verify(pinned.clone(), &der, "router.lan").unwrap();
        let e = verify(pinned.clone(), &der, "other.lan").unwrap_err();
        assert!(
            matches!(
                e,
                TlsError::InvalidCertificate(CertificateError::NotValidForNameContext { .. })
                    | TlsError::InvalidCertificate(CertificateError::NotValidForName)
            ),
            "{e:?}"
        );
        let skip = Trust {
            skip_hostname_check: true,
            ..pinned.clone()
        };
        verify(skip, &der, "other.lan").unwrap();
        let other = rcgen::generate_simple_self_signed(vec!["router.lan".to_string()]).unwrap();
        assert!(verify(pinned, other.cert.der(), "router.lan").is_err());
        let mut fp = [0u8; 32];
        fp.copy_from_slice(&Sha256::digest(der.as_ref()));
        let by_fp = Trust {
            fingerprint: Some(fp),
            ..Trust::default()
        };
        verify(by_fp.clone(), &der, "router.lan").unwrap();
        assert!(verify(by_fp.clone(), &der, "other.lan").is_err());
        let e = verify(by_fp, other.cert.der(), "router.lan").unwrap_err();
        assert!(e.to_string().contains("tls_fingerprint"), "{e}");
    }

    async fn connect(
        sim: &acceptance::sim::Sim,
        url: String,
        tls: crate::tls::TlsOptions,
    ) -> Result<crate::Client, crate::Error> {
        crate::Client::connect(&crate::ConnectOptions {
            url,
            username: sim.username().to_string(),
            password: sim.password().to_string(),
            tls,
            timeout: std::time::Duration::from_secs(10),
            ..Default::default()
        })
        .await
    }

    /// Regression: RouterOS's own self-signed certificate given as
    /// `ca_certificate` failed with `CaUsedAsEndEntity` over https:// and
    /// apis://. It is now trusted, as is its fingerprint; another
    /// fingerprint is refused.
    #[tokio::test]
    async fn routeros_self_signed_certificate_is_trusted_over_https_and_apis() {
        let sim = acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
            routeros_self_signed: true,
            ..Default::default()
        })
        .unwrap();
        let pem = sim.ca_certificate_pem().unwrap().into_bytes();
        let fp = parse_fingerprint(&sim.certificate_fingerprint().unwrap()).unwrap();
        for url in [sim.https_url().unwrap(), sim.apis_url().unwrap()] {
            let by_file = crate::tls::TlsOptions {
                ca_pem: Some(pem.clone()),
                ..Default::default()
            };
            connect(&sim, url.clone(), by_file)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            let by_fp = crate::tls::TlsOptions {
                fingerprint: Some(fp),
                ..Default::default()
            };
            connect(&sim, url.clone(), by_fp)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            let wrong = crate::tls::TlsOptions {
                fingerprint: Some([7u8; 32]),
                ..Default::default()
            };
            let e = connect(&sim, url.clone(), wrong).await.err().unwrap();
            assert!(
                matches!(&e, crate::Error::UntrustedCertificate { reason, .. } if reason.contains("tls_fingerprint")),
                "{url}: {e}"
            );
        }
    }
}

#[cfg(test)]
mod explained {
    use super::*;

    /// A CA, and a router certificate it signed for `names`, valid until
    /// `not_after`.
    fn signed(
        names: &[&str],
        not_after: (i32, u8, u8),
    ) -> (CertificateDer<'static>, CertificateDer<'static>) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let mut leaf =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        leaf.not_before = rcgen::date_time_ymd(2020, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        let cert = leaf.signed_by(&key, &issuer).unwrap();
        (ca_cert.der().clone(), cert.der().clone())
    }

    fn refused(ca: CertificateDer<'static>, cert: &CertificateDer<'_>, host: &str) -> String {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let trust = Trust {
            certificates: vec![ca],
            ..Trust::default()
        };
        let refusals = Refusals::default();
        let v = Explaining(PinningVerifier::new(trust, provider), refusals.clone());
        let name = ServerName::try_from(host.to_string()).unwrap();
        let e = v
            .verify_server_cert(cert, &[], &name, &[], UnixTime::now())
            .err()
            .unwrap();
        let why = refusal(&e).unwrap();
        assert_eq!(refusals.take().as_deref(), Some(why.as_str()));
        assert!(why.contains(&fingerprint_of(cert)), "{why}");
        why
    }

    /// A certificate for another host names the hosts it has and what to
    /// do, with its fingerprint.
    #[test]
    fn a_certificate_for_another_host_names_the_hosts_it_has() {
        let (ca, cert) = signed(&["router.lan", "192.168.88.1"], (2999, 1, 1));
        let why = refused(ca, &cert, "other.lan");
        assert!(
            why.contains("does not name other.lan") && why.contains("router.lan, 192.168.88.1"),
            "{why}"
        );
        assert!(why.contains("tls_skip_hostname_check"), "{why}");
    }

    /// An expired certificate says when it expired and that pinning it is
    /// the way to keep using it.
    #[test]
    fn an_expired_certificate_says_when_and_what_to_do() {
        let (ca, cert) = signed(&["router.lan"], (2021, 1, 1));
        let why = refused(ca, &cert, "router.lan");
        assert!(why.contains("expired") && why.contains("2021"), "{why}");
        assert!(why.contains("`tls_fingerprint`"), "{why}");
    }
}
