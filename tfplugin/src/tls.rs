//! AutoMTLS, go-plugin style: the provider makes a fresh self-signed
//! certificate for `localhost` at every start and sends it (DER) in the
//! handshake line; Terraform trusts exactly that certificate. Terraform in
//! turn passes its own certificate (ECDSA P-521, self-signed, a CA) in
//! `PLUGIN_CLIENT_CERT`, and the provider accepts only TLS clients that
//! present it (or a certificate issued by it) and prove they hold its key.
//!
//! rustls runs on the aws-lc-rs provider, chosen explicitly: the *ring*
//! provider cannot verify P-521 signatures, so Terraform's certificate
//! would be unusable.

use std::sync::Arc;

use chrono::Datelike;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    DigitallySignedStruct, DistinguishedName as TlsDistinguishedName, RootCertStore, ServerConfig,
    SignatureScheme,
};

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The server certificate could not be generated.
    #[error("cannot generate the provider's TLS certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// `PLUGIN_CLIENT_CERT` holds no usable certificate.
    #[error(
        "PLUGIN_CLIENT_CERT does not hold a usable PEM certificate ({0}); it is set by Terraform \
         for AutoMTLS: unset it (or set TF_DISABLE_PLUGIN_TLS=1 for Terraform) to serve without TLS"
    )]
    ClientCert(String),
    /// rustls refused the configuration.
    #[error("cannot build the TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

/// The provider's certificate and key for one run.
pub struct ServerIdentity {
    /// The certificate (DER), also sent in the handshake line.
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

// Never print the private key.
redact::debug!(ServerIdentity {
    cert_der_len = |s| s.cert_der.len()
});

/// The rustls crypto provider used everywhere in the plugin layer.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Generates a fresh self-signed ECDSA P-256 certificate for `localhost`:
/// a CA (Terraform uses it directly as its trust root), usable for server
/// and client authentication, valid from yesterday for 30 years.
pub fn generate_identity() -> Result<ServerIdentity, TlsError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    dn.push(DnType::OrganizationName, "terraform-provider-routeros");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let (month, day) = (yesterday.month() as u8, yesterday.day() as u8);
    params.not_before = rcgen::date_time_ymd(yesterday.year(), month, day);
    params.not_after = rcgen::date_time_ymd(yesterday.year() + 30, month, day.min(28));
    let cert = params.self_signed(&key)?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
    })
}

/// Parses the first certificate of a PEM text (`PLUGIN_CLIENT_CERT`).
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    let mut certs = CertificateDer::pem_slice_iter(pem.as_bytes());
    match certs.next() {
        Some(Ok(cert)) => Ok(cert),
        Some(Err(e)) => Err(TlsError::ClientCert(e.to_string())),
        None => Err(TlsError::ClientCert(
            "no CERTIFICATE block found".to_string(),
        )),
    }
}

/// The rustls server configuration: our identity, ALPN `h2` (grpc-go
/// refuses TLS without it), and a client verifier that requires the
/// certificate from `client_cert_pem`.
pub fn server_config(
    identity: &ServerIdentity,
    client_cert_pem: &str,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = crypto_provider();
    let client_cert = parse_client_cert(client_cert_pem)?;
    let verifier = PluginClientVerifier::new(client_cert, provider.clone())?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(
            vec![identity.cert_der.clone()],
            PrivateKeyDer::Pkcs8(identity.key_der.clone_key()),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts a client certificate when it is exactly the trusted one, or
/// when it chains to it (rustls' WebPKI verifier with the trusted
/// certificate as the only root). Either way the client must prove it
/// holds the certificate's key (the handshake signature is checked).
///
/// The exact-match rule exists because go-plugin's client presents its
/// self-signed *CA* certificate as its own leaf: Go accepts that, but WebPKI
/// rejects a CA certificate used as an end entity (`CaUsedAsEndEntity`).
#[derive(Debug)]
struct PluginClientVerifier {
    trusted: CertificateDer<'static>,
    webpki: Arc<dyn ClientCertVerifier>,
}

impl PluginClientVerifier {
    fn new(
        trusted: CertificateDer<'static>,
        provider: Arc<CryptoProvider>,
    ) -> Result<Self, TlsError> {
        let mut roots = RootCertStore::empty();
        roots
            .add(trusted.clone())
            .map_err(|e| TlsError::ClientCert(e.to_string()))?;
        let webpki = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| TlsError::ClientCert(e.to_string()))?;
        Ok(PluginClientVerifier { trusted, webpki })
    }
}

impl ClientCertVerifier for PluginClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[TlsDistinguishedName] {
        self.webpki.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.trusted.as_ref() {
            return Ok(ClientCertVerified::assertion());
        }
        self.webpki
            .verify_client_cert(end_entity, intermediates, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate like go-plugin's client certificate: self-signed
    /// P-521 CA for localhost.
    fn p521_ca_with_params() -> (rcgen::Certificate, KeyPair, CertificateParams) {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        (params.self_signed(&key).unwrap(), key, params)
    }

    fn p521_ca() -> (rcgen::Certificate, KeyPair) {
        let (cert, key, _) = p521_ca_with_params();
        (cert, key)
    }

    #[test]
    fn identity_is_a_localhost_ca_for_server_and_client_auth() {
        let id = generate_identity().unwrap();
        let der = id.cert_der.as_ref();
        // The DER holds the SAN dNSName "localhost" and both EKU OIDs.
        let contains = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
        assert!(contains(b"\x82\x09localhost"), "SAN dNSName localhost");
        assert!(
            contains(&[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]),
            "EKU serverAuth"
        );
        assert!(
            contains(&[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]),
            "EKU clientAuth"
        );
        // basicConstraints with cA TRUE.
        assert!(
            contains(&[0x06, 0x03, 0x55, 0x1d, 0x13]),
            "basicConstraints present"
        );
        assert!(contains(&[0x30, 0x03, 0x01, 0x01, 0xff]), "cA TRUE");
    }

    #[test]
    fn each_start_gets_a_fresh_certificate() {
        let a = generate_identity().unwrap();
        let b = generate_identity().unwrap();
        assert_ne!(a.cert_der, b.cert_der);
    }

    #[test]
    fn debug_output_hides_the_key() {
        let id = generate_identity().unwrap();
        let shown = format!("{id:?}");
        assert!(shown.contains("cert_der_len"));
        assert!(!shown.contains("key"));
    }

    #[test]
    fn server_config_requires_client_auth_and_offers_h2() {
        let id = generate_identity().unwrap();
        let (client, _) = p521_ca();
        let config = server_config(&id, &client.pem()).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"h2".to_vec()]);
        let v = PluginClientVerifier::new(client.der().clone(), crypto_provider()).unwrap();
        assert!(v.client_auth_mandatory());
        assert!(v.offer_client_auth());
        assert!(
            v.supported_verify_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
        assert_eq!(v.root_hint_subjects().len(), 1);
    }

    #[test]
    fn verifier_accepts_the_trusted_ca_cert_itself_and_nothing_else() {
        let (trusted, _) = p521_ca();
        let (other, _) = p521_ca();
        let v = PluginClientVerifier::new(trusted.der().clone(), crypto_provider()).unwrap();
        let now = UnixTime::now();
        assert!(v.verify_client_cert(trusted.der(), &[], now).is_ok());
        assert!(v.verify_client_cert(other.der(), &[], now).is_err());
    }

    #[test]
    fn verifier_accepts_a_leaf_issued_by_the_trusted_cert() {
        let (ca, ca_key, ca_params) = p521_ca_with_params();
        let issuer = rcgen::Issuer::new(ca_params, &ca_key);
        let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let leaf = params.signed_by(&leaf_key, &issuer).unwrap();
        let v = PluginClientVerifier::new(ca.der().clone(), crypto_provider()).unwrap();
        assert!(
            v.verify_client_cert(leaf.der(), &[], UnixTime::now())
                .is_ok()
        );
    }

    #[test]
    fn bad_client_pem_is_a_clear_error() {
        let id = generate_identity().unwrap();
        let err = server_config(&id, "not a certificate").unwrap_err();
        assert!(err.to_string().contains("PLUGIN_CLIENT_CERT"), "{err}");
    }
}
