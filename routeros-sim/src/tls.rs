//! The emulator's certificates: a CA (written to `ca.pem` for clients to trust) and a
//! server certificate it signs for `localhost`, `127.0.0.1` and `::1`; or, as RouterOS's
//! `/certificate add ...` then `sign` makes it, one self-signed certificate that is both
//! the CA (`CA:TRUE`, `keyCertSign`) and the server's certificate
//! ([`generate_routeros_self_signed`]).

use std::sync::Arc;

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A fresh CA and the TLS server configuration that presents a certificate it signed.
pub(crate) struct Certificates {
    /// The CA certificate, PEM: what a client passes as its trusted root.
    pub(crate) ca_pem: String,
    /// Server side TLS (HTTP/1.1 only, like RouterOS's www-ssl service).
    pub(crate) server_config: Arc<rustls::ServerConfig>,
    /// SHA-256 (lower-case hex) of the certificate the server presents.
    pub(crate) server_sha256: String,
}

fn sha256_hex(der: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(der))
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: &KeyPair,
) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("choosing TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("loading the server certificate into rustls")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A certificate as RouterOS makes it with `/certificate add name=... common-name=...
/// subject-alt-name=...` then `/certificate sign`: self-signed, `CA:TRUE`, key usage
/// `keyCertSign`, `cRLSign`, `digitalSignature`, `keyEncipherment`, and the server presents
/// it alone. `ca_pem` is that certificate (what `/certificate export-certificate` gives).
pub(crate) fn generate_routeros_self_signed() -> anyhow::Result<Certificates> {
    let key = KeyPair::generate().context("generating the key")?;
    let mut params = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])
    .context("preparing the certificate")?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "localhost");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let cert = params
        .self_signed(&key)
        .context("signing the certificate")?;
    let der: CertificateDer<'static> = cert.der().clone();
    Ok(Certificates {
        ca_pem: cert.pem(),
        server_sha256: sha256_hex(&der),
        server_config: server_config(vec![der], &key)?,
    })
}

/// Makes a new CA and server certificate (ECDSA P-256).
pub(crate) fn generate() -> anyhow::Result<Certificates> {
    let ca_key = KeyPair::generate().context("generating the CA key")?;
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).context("preparing the CA certificate")?;
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CommonName, "routeros-sim CA");
    ca_name.push(DnType::OrganizationName, "routeros-sim");
    ca_params.distinguished_name = ca_name;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .context("signing the CA certificate")?;
    let ca_pem = ca_cert.pem();
    let ca_der: CertificateDer<'static> = ca_cert.der().clone();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().context("generating the server key")?;
    let mut server_params = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])
    .context("preparing the server certificate")?;
    let mut server_name = DistinguishedName::new();
    server_name.push(DnType::CommonName, "localhost");
    server_params.distinguished_name = server_name;
    server_params.is_ca = IsCa::ExplicitNoCa;
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server_params.use_authority_key_identifier_extension = true;
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .context("signing the server certificate")?;

    Ok(Certificates {
        ca_pem,
        server_sha256: sha256_hex(server_cert.der()),
        server_config: server_config(vec![server_cert.der().clone(), ca_der], &server_key)?,
    })
}
