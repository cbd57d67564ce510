//! A plugin binary as Terraform sees it: started with the go-plugin
//! environment, it prints one handshake line, serves tfplugin5 over a unix
//! socket with mutual TLS (Terraform's P-521 client certificate verified),
//! and exits, removing the socket, on `GRPCController.Shutdown`.
//!
//! With `TF_ROUTEROS_PLUGIN_TRANSPORT=tcp` it serves over TCP on 127.0.0.1
//! instead, as a Windows build always does; that path is tested here too.
//!
//! The tests drive `plugin-test-provider`, the plugin layer serving its
//! in-memory fake provider (`routeros_test_thing`), so they need no router;
//! the provider binary's own command line is tested in
//! `provider/tests/cli.rs`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tfplugin::codec;
use tfplugin::proto::plugin as goplugin;
use tfplugin::proto::tfplugin5 as pb;
use tfplugin::schema::Type;
use tfplugin::testing::{THING_TYPE, thing_schema};
use tfplugin::value::Value;
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint};

const TEST_BIN: &str = env!("CARGO_BIN_EXE_plugin-test-provider");
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A client certificate like the one go-plugin makes: self-signed ECDSA
/// P-521 CA for localhost, client and server auth.
struct ClientCert {
    pem: String,
    der: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

fn client_cert() -> ClientCert {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    ClientCert {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// One running provider process.
struct Plugin {
    child: Child,
    stdout: BufReader<ChildStdout>,
    fields: Vec<String>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Plugin {
    /// Starts the binary as Terraform does; `client_cert_pem` None serves
    /// plaintext.
    fn start(client_cert_pem: Option<&str>) -> Plugin {
        let (plugin, tcp) = Plugin::start_with(client_cert_pem, false);
        assert!(tcp.is_none());
        plugin
    }

    /// Starts it serving over TCP (the Windows transport); returns the
    /// address from the handshake line.
    fn start_tcp(client_cert_pem: Option<&str>) -> (Plugin, String) {
        let (plugin, tcp) = Plugin::start_with(client_cert_pem, true);
        (plugin, tcp.expect("a tcp address"))
    }

    fn start_with(client_cert_pem: Option<&str>, tcp: bool) -> (Plugin, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(TEST_BIN);
        if tcp {
            cmd.env("TF_ROUTEROS_PLUGIN_TRANSPORT", "tcp");
        } else {
            cmd.env_remove("TF_ROUTEROS_PLUGIN_TRANSPORT");
        }
        cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
            .env("PLUGIN_UNIX_SOCKET_DIR", dir.path())
            .env_remove("PLUGIN_CLIENT_CERT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap());
        if let Some(pem) = client_cert_pem {
            cmd.env("PLUGIN_CLIENT_CERT", pem);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(
            line.ends_with('\n'),
            "handshake line must end with a newline: {line:?}"
        );
        let fields: Vec<String> = line.trim_end().split('|').map(str::to_string).collect();
        assert_eq!(fields[4], "grpc");
        if tcp {
            assert_eq!(&fields[..3], ["1", "5", "tcp"], "{line:?}");
            let addr: std::net::SocketAddr = fields[3].parse().expect("ip:port");
            assert!(
                addr.ip().is_loopback(),
                "listens on 127.0.0.1 only: {line:?}"
            );
            let tcp_addr = fields[3].clone();
            let socket = dir.path().join("no-socket");
            return (
                Plugin {
                    child,
                    stdout,
                    fields,
                    socket,
                    _dir: dir,
                },
                Some(tcp_addr),
            );
        }
        assert_eq!(&fields[..3], ["1", "5", "unix"], "{line:?}");
        let socket = PathBuf::from(&fields[3]);
        assert_eq!(
            socket.parent(),
            Some(dir.path()),
            "socket goes to PLUGIN_UNIX_SOCKET_DIR"
        );
        assert!(socket.exists());
        (
            Plugin {
                child,
                stdout,
                fields,
                socket,
                _dir: dir,
            },
            None,
        )
    }

    fn server_cert(&self) -> CertificateDer<'static> {
        assert_eq!(
            self.fields.len(),
            6,
            "TLS handshake line has the certificate field"
        );
        CertificateDer::from(
            STANDARD_NO_PAD
                .decode(&self.fields[5])
                .expect("raw std base64"),
        )
    }

    /// What the provider logged so far (hclog JSON lines).
    fn stderr_log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("stderr.log")).unwrap()
    }

    /// Waits (bounded) for the process to exit.
    async fn wait_exit(&mut self) -> ExitStatus {
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the provider did not exit within 5 s");
    }

    /// Everything printed on stdout after the handshake line.
    fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        rest
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Trusts exactly the certificate from the handshake line, as go-plugin's
/// client does (Go accepts a root used as its own leaf; WebPKI refuses a CA
/// certificate as an end entity, so the test client pins it instead).
#[derive(Debug)]
struct PinnedServer {
    cert: CertificateDer<'static>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        assert_eq!(server_name.to_str(), "localhost");
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
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
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn tls_client_config(
    server_cert: &CertificateDer<'static>,
    client: Option<&ClientCert>,
) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer {
        cert: server_cert.clone(),
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client {
        Some(c) => builder
            .with_client_auth_cert(vec![c.der.clone()], PrivateKeyDer::Pkcs8(c.key.clone_key()))
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// A gRPC channel to the socket, over TLS when `tls` is given.
async fn connect(
    socket: &Path,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Channel, tonic::transport::Error> {
    connect_to(Target::Unix(socket.to_path_buf()), tls).await
}

/// Where a test client connects.
#[derive(Clone)]
enum Target {
    Unix(PathBuf),
    Tcp(String),
}

async fn connect_to(
    target: Target,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let target = target.clone();
            let tls = tls.clone();
            async move {
                let stream: Box<dyn Io> = match &target {
                    Target::Unix(path) => Box::new(UnixStream::connect(path).await?),
                    Target::Tcp(addr) => Box::new(tokio::net::TcpStream::connect(addr).await?),
                };
                match tls {
                    None => Ok::<_, std::io::Error>(TokioIo::new(Box::new(stream) as Box<dyn Io>)),
                    Some(config) => {
                        let name = ServerName::try_from("localhost").unwrap();
                        let tls = tokio_rustls::TlsConnector::from(config)
                            .connect(name, stream)
                            .await?;
                        Ok(TokioIo::new(Box::new(tls) as Box<dyn Io>))
                    }
                }
            }
        }))
        .await
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Io for T {}

fn provider_client(channel: Channel) -> pb::provider_client::ProviderClient<Channel> {
    pb::provider_client::ProviderClient::new(channel)
}

async fn get_schema(channel: Channel) -> Result<pb::get_provider_schema::Response, tonic::Status> {
    provider_client(channel)
        .get_schema(pb::get_provider_schema::Request {})
        .await
        .map(|r| r.into_inner())
}

async fn shutdown(channel: Channel) {
    goplugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(goplugin::Empty {})
        .await
        .unwrap();
}

#[tokio::test]
async fn mtls_serves_the_schema_to_the_certified_client_only() {
    let cert = client_cert();
    let mut plugin = Plugin::start(Some(&cert.pem));
    let server_cert = plugin.server_cert();

    // The client Terraform would be: trusts the handshake cert, presents its own.
    let channel = connect(
        &plugin.socket,
        Some(tls_client_config(&server_cert, Some(&cert))),
    )
    .await
    .unwrap();
    let schema = get_schema(channel.clone()).await.unwrap();
    let thing = &schema.resource_schemas[THING_TYPE];
    let block = thing.block.as_ref().unwrap();
    let name = block.attributes.iter().find(|a| a.name == "name").unwrap();
    assert_eq!(name.r#type, br#""string""#);
    assert!(name.required);
    assert!(schema.server_capabilities.unwrap().plan_destroy);
    assert!(
        schema
            .provider
            .unwrap()
            .block
            .unwrap()
            .attributes
            .iter()
            .any(|a| a.name == "store_file")
    );

    // A client presenting a different certificate is refused...
    let stranger = client_cert();
    let refused = match connect(
        &plugin.socket,
        Some(tls_client_config(&server_cert, Some(&stranger))),
    )
    .await
    {
        Err(_) => true,
        Ok(ch) => get_schema(ch).await.is_err(),
    };
    assert!(
        refused,
        "a client with another certificate must be rejected"
    );
    // ...and so is one presenting none.
    let refused = match connect(&plugin.socket, Some(tls_client_config(&server_cert, None))).await {
        Err(_) => true,
        Ok(ch) => get_schema(ch).await.is_err(),
    };
    assert!(refused, "a client without a certificate must be rejected");
    // A plaintext client gets nowhere either.
    let refused = match connect(&plugin.socket, None).await {
        Err(_) => true,
        Ok(ch) => get_schema(ch).await.is_err(),
    };
    assert!(refused, "a plaintext client must be rejected");

    // The failed handshakes did not hurt the server.
    let again = connect(
        &plugin.socket,
        Some(tls_client_config(&server_cert, Some(&cert))),
    )
    .await
    .unwrap();
    assert!(get_schema(again).await.is_ok());

    // Stop answers at once and the server keeps serving.
    let stop = provider_client(channel.clone())
        .stop(pb::stop::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");

    // Shutdown ends the process and removes the socket.
    shutdown(channel).await;
    let status = plugin.wait_exit().await;
    assert!(status.success(), "{status:?}");
    assert!(!plugin.socket.exists(), "socket removed on exit");
    assert_eq!(
        plugin.rest_of_stdout(),
        "",
        "nothing but the handshake line on stdout"
    );

    // Each refusal was the server's own TLS verification, logged as a
    // warning (read after exit, so every line has been written).
    let log = plugin.stderr_log();
    let rejected: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("TLS handshake failed"))
        .collect();
    assert!(
        rejected.iter().all(|l| l.contains(r#""@level":"warn""#)),
        "{log}"
    );
    let count = |what: &str| rejected.iter().filter(|l| l.contains(what)).count();
    // A refused client may retry its connection (tonic reconnects), so each
    // kind of refusal shows at least once; every attempt was refused above.
    assert!(
        count("invalid peer certificate") >= 1,
        "the stranger: {log}"
    );
    assert!(
        count("peer sent no certificates") >= 1,
        "no certificate: {log}"
    );
    // The plaintext client may retry once; each attempt is refused.
    assert!(count("corrupt message") >= 1, "plaintext: {log}");
}

#[tokio::test]
async fn tcp_transport_serves_mtls_on_loopback_and_shuts_down() {
    let cert = client_cert();
    let (mut plugin, addr) = Plugin::start_tcp(Some(&cert.pem));
    let server_cert = plugin.server_cert();
    let channel = connect_to(
        Target::Tcp(addr.clone()),
        Some(tls_client_config(&server_cert, Some(&cert))),
    )
    .await
    .unwrap();
    let schema = get_schema(channel.clone()).await.unwrap();
    assert!(schema.resource_schemas.contains_key(THING_TYPE));

    // The same mutual TLS as on the unix socket: a stranger is refused.
    let stranger = client_cert();
    let refused = match connect_to(
        Target::Tcp(addr.clone()),
        Some(tls_client_config(&server_cert, Some(&stranger))),
    )
    .await
    {
        Err(_) => true,
        Ok(ch) => get_schema(ch).await.is_err(),
    };
    assert!(
        refused,
        "a client with another certificate must be rejected"
    );

    shutdown(channel).await;
    assert!(plugin.wait_exit().await.success());
    assert_eq!(plugin.rest_of_stdout(), "");
    // Nothing listens there any more.
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

#[tokio::test]
async fn sigint_is_ignored_until_terraform_shuts_the_provider_down() {
    let mut plugin = Plugin::start(None);
    assert_eq!(
        plugin.fields.len(),
        5,
        "plaintext handshake line has no certificate field"
    );
    let channel = connect(&plugin.socket, None).await.unwrap();
    assert!(get_schema(channel.clone()).await.is_ok());

    let status = Command::new("kill")
        .args(["-INT", &plugin.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Still serving after the interrupt (a request round trip proves the
    // signal was delivered and handled before it, on the same process).
    assert!(get_schema(channel.clone()).await.is_ok());
    assert!(
        plugin.child.try_wait().unwrap().is_none(),
        "SIGINT must not end the provider"
    );

    shutdown(channel).await;
    assert!(plugin.wait_exit().await.success());
    assert!(!plugin.socket.exists());
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    let mut m: BTreeMap<String, Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    for (name, _) in match thing_schema().block.value_type() {
        Type::Object(attrs) => attrs,
        _ => unreachable!(),
    } {
        m.entry(name).or_insert(Value::Null);
    }
    Value::Object(m)
}

fn dv(value: &Value) -> Option<pb::DynamicValue> {
    let ty = thing_schema().block.value_type();
    Some(pb::DynamicValue {
        msgpack: codec::encode_msgpack(value, &ty),
        json: Vec::new(),
    })
}

fn decode(value: Option<pb::DynamicValue>) -> Value {
    let ty = thing_schema().block.value_type();
    codec::decode_msgpack(&value.unwrap().msgpack, &ty).unwrap()
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn resource_lifecycle_over_grpc() {
    let mut plugin = Plugin::start(None);
    let channel = connect(&plugin.socket, None).await.unwrap();
    let mut client = provider_client(channel.clone());
    let provider_ty = Type::Object(vec![("store_file".into(), Type::String)]);
    let provider_config = Value::Object(BTreeMap::from([("store_file".to_string(), Value::Null)]));

    // Configure, with client_capabilities absent as old Terraform sends it.
    let configured = client
        .configure(pb::configure::Request {
            terraform_version: "1.0.3".into(),
            config: Some(pb::DynamicValue {
                msgpack: codec::encode_msgpack(&provider_config, &provider_ty),
                json: Vec::new(),
            }),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&configured.diagnostics).is_empty(),
        "{:?}",
        configured.diagnostics
    );

    // Plan a create: size gets its default, id is unknown.
    let config = obj(&[
        ("name", Value::string("one")),
        ("value", Value::string("v1")),
    ]);
    let plan = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: THING_TYPE.into(),
            prior_state: dv(&Value::Null),
            proposed_new_state: dv(&config),
            config: dv(&config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&plan.diagnostics).is_empty(),
        "{:?}",
        plan.diagnostics
    );
    let planned = decode(plan.planned_state);
    assert!(planned.get("id").unwrap().is_unknown());
    assert_eq!(planned.get_i64("size"), Some(3));

    // Apply it.
    let applied = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: THING_TYPE.into(),
            prior_state: dv(&Value::Null),
            planned_state: dv(&planned),
            config: dv(&config),
            planned_private: plan.planned_private,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&applied.diagnostics).is_empty(),
        "{:?}",
        applied.diagnostics
    );
    let state = decode(applied.new_state);
    assert_eq!(state.get_str("id"), Some("thing-1"));
    assert!(state.is_wholly_known());

    // Import by id, then read completes the stub.
    let imported = client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: THING_TYPE.into(),
            id: "thing-1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&imported.diagnostics).is_empty(),
        "{:?}",
        imported.diagnostics
    );
    let stub = imported.imported_resources.into_iter().next().unwrap();
    assert_eq!(stub.type_name, THING_TYPE);
    let read = client
        .read_resource(pb::read_resource::Request {
            type_name: THING_TYPE.into(),
            current_state: stub.state,
            private: stub.private,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(decode(read.new_state), state);

    // A destroy plan and apply leave a null state; a read then says gone.
    let destroy_plan = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: THING_TYPE.into(),
            prior_state: dv(&state),
            proposed_new_state: dv(&Value::Null),
            config: dv(&Value::Null),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(decode(destroy_plan.planned_state).is_null());
    let destroyed = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: THING_TYPE.into(),
            prior_state: dv(&state),
            planned_state: dv(&Value::Null),
            config: dv(&Value::Null),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&destroyed.diagnostics).is_empty(),
        "{:?}",
        destroyed.diagnostics
    );
    assert!(decode(destroyed.new_state).is_null());
    let gone = client
        .read_resource(pb::read_resource::Request {
            type_name: THING_TYPE.into(),
            current_state: dv(&state),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(decode(gone.new_state).is_null());

    shutdown(channel).await;
    assert!(plugin.wait_exit().await.success());
}

#[tokio::test]
async fn bad_input_becomes_diagnostics_not_crashes() {
    let mut plugin = Plugin::start(None);
    let channel = connect(&plugin.socket, None).await.unwrap();
    let mut client = provider_client(channel.clone());

    // Garbage msgpack.
    let resp = client
        .validate_resource_type_config(pb::validate_resource_type_config::Request {
            type_name: THING_TYPE.into(),
            config: Some(pb::DynamicValue {
                msgpack: vec![0xc1, 0xff, 0x00],
                json: Vec::new(),
            }),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("Cannot decode"), "{errs:?}");

    // JSON is accepted when msgpack is empty, and validation runs (the
    // test resource refuses names with spaces, pointing at `name`).
    let resp = client
        .validate_resource_type_config(pb::validate_resource_type_config::Request {
            type_name: THING_TYPE.into(),
            config: Some(pb::DynamicValue {
                msgpack: Vec::new(),
                json: br#"{"id":null,"name":"has space","secret":null,"size":null,"value":null}"#
                    .to_vec(),
            }),
            client_capabilities: Some(pb::ClientCapabilities::default()),
        })
        .await
        .unwrap()
        .into_inner();
    let err = resp
        .diagnostics
        .iter()
        .find(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .unwrap();
    let step = err.attribute.as_ref().unwrap().steps[0]
        .selector
        .clone()
        .unwrap();
    assert_eq!(
        step,
        pb::attribute_path::step::Selector::AttributeName("name".into())
    );

    // An unknown type name.
    let resp = client
        .read_resource(pb::read_resource::Request {
            type_name: "routeros_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("routeros_nope"));

    // An unknown ephemeral resource type is a diagnostic too.
    let resp = client
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "routeros_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&resp.diagnostics)[0].contains("routeros_nope"));
    assert!(resp.result.is_none());

    // RPCs the provider does not implement answer Unimplemented.
    let status = client
        .renew_ephemeral_resource(pb::renew_ephemeral_resource::Request::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unimplemented);

    // The server is still alive.
    assert!(get_schema(channel.clone()).await.is_ok());
    shutdown(channel).await;
    assert!(plugin.wait_exit().await.success());
}

#[tokio::test]
async fn debug_mode_prints_reattach_config_and_serves_plaintext() {
    let mut child = Command::new(TEST_BIN)
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reattach = tfplugin::testing::read_reattach(BufReader::new(child.stdout.take().unwrap()));
    let entry = &reattach["registry.terraform.io/test/routeros"];
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["ProtocolVersion"], 5);
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().unwrap());
    let channel = connect(&socket, None).await.unwrap();
    assert!(get_schema(channel).await.is_ok());

    // In debug mode Ctrl-C ends it.
    assert!(
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    assert!(!socket.exists());
}
