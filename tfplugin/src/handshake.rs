//! The go-plugin handshake: how Terraform (or OpenTofu) starts the provider
//! process and learns where to connect.
//!
//! Terraform sets [`MAGIC_COOKIE_KEY`] and `PLUGIN_PROTOCOL_VERSIONS` in the
//! environment, starts the binary, and reads exactly one line from its
//! stdout: [`handshake_line`]. Everything else the provider writes goes to
//! stderr.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// Environment variable holding the magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";

/// The value Terraform and OpenTofu set [`MAGIC_COOKIE_KEY`] to.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Environment variable listing the app protocol versions the client speaks.
pub const PROTOCOL_VERSIONS_KEY: &str = "PLUGIN_PROTOCOL_VERSIONS";

/// Environment variable holding the client's certificate (PEM) for AutoMTLS.
pub const CLIENT_CERT_KEY: &str = "PLUGIN_CLIENT_CERT";

/// Environment variable naming the directory for the unix socket.
pub const UNIX_SOCKET_DIR_KEY: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// Environment variables bounding the TCP port (go-plugin's names; both
/// unset: any free port).
pub const MIN_PORT_KEY: &str = "PLUGIN_MIN_PORT";

/// See [`MIN_PORT_KEY`].
pub const MAX_PORT_KEY: &str = "PLUGIN_MAX_PORT";

/// Environment variable that makes a Unix build serve over TCP on 127.0.0.1
/// as a Windows build always does (`tcp`); only the tests set it, so that
/// the Windows transport is exercised on Linux too.
pub const TRANSPORT_KEY: &str = "TF_ROUTEROS_PLUGIN_TRANSPORT";

/// Where the provider listens, as the handshake line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    /// A unix socket (the default on Unix).
    Unix(PathBuf),
    /// TCP on the loopback interface (Windows, or [`TRANSPORT_KEY`]`=tcp`).
    Tcp(SocketAddr),
}

impl ListenAddr {
    /// go-plugin's network name: `unix` or `tcp`.
    pub fn network(&self) -> &'static str {
        match self {
            ListenAddr::Unix(_) => "unix",
            ListenAddr::Tcp(_) => "tcp",
        }
    }

    /// The address field of the handshake line (socket path or `ip:port`).
    pub fn address(&self) -> String {
        match self {
            ListenAddr::Unix(path) => path.display().to_string(),
            ListenAddr::Tcp(addr) => addr.to_string(),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.network(), self.address())
    }
}

/// go-plugin's own protocol version (first field of the handshake line).
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// The Terraform plugin protocol version this provider speaks.
pub const PROTOCOL_VERSION: u32 = 5;

/// Why the handshake cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// The magic cookie is missing or wrong: someone ran the binary by hand.
    NotLaunchedByTerraform,
    /// The client offered protocol versions, none of them 5.
    UnsupportedProtocol {
        /// What the client offered, as it was written.
        offered: String,
    },
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::NotLaunchedByTerraform => write!(
                f,
                "This binary is a plugin for Terraform/OpenTofu (a provider). \
                 It is not meant to be run directly: Terraform or OpenTofu start it.\n\
                 To use a local build, add the directory holding this binary to the \
                 dev_overrides block of your CLI configuration (TF_CLI_CONFIG_FILE or \
                 ~/.terraformrc), or run this binary with --debug and set the \
                 TF_REATTACH_PROVIDERS value it prints."
            ),
            HandshakeError::UnsupportedProtocol { offered } => write!(
                f,
                "This provider speaks plugin protocol {PROTOCOL_VERSION}, but the client \
                 offered only version(s) {offered:?} ({PROTOCOL_VERSIONS_KEY}). Use \
                 Terraform 0.12 or later (or any OpenTofu release)."
            ),
        }
    }
}

impl std::error::Error for HandshakeError {}

/// Checks the magic cookie Terraform sets (`value` is the environment
/// variable's value, if set).
pub fn check_cookie(value: Option<&str>) -> Result<(), HandshakeError> {
    match value {
        Some(v) if v == MAGIC_COOKIE_VALUE => Ok(()),
        _ => Err(HandshakeError::NotLaunchedByTerraform),
    }
}

/// Picks the protocol version from the client's comma-separated list
/// (`PLUGIN_PROTOCOL_VERSIONS`). Absent or empty: the client is older than
/// version negotiation and gets our only version. Entries that are not
/// numbers are ignored, as go-plugin does.
pub fn negotiate_version(offered: Option<&str>) -> Result<u32, HandshakeError> {
    let Some(offered) = offered.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    if offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == PROTOCOL_VERSION)
    {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::UnsupportedProtocol {
            offered: offered.to_string(),
        })
    }
}

/// The one line printed on stdout (without the newline):
/// `1|5|unix|<path>|grpc|<cert>` or `1|5|tcp|127.0.0.1:<port>|grpc|<cert>`,
/// the certificate being the server's DER encoded in standard base64 without
/// padding. Without a certificate (plaintext) the last field is left out.
pub fn handshake_line(version: u32, addr: &ListenAddr, server_cert_der: Option<&[u8]>) -> String {
    let mut line = format!(
        "{CORE_PROTOCOL_VERSION}|{version}|{}|{}|grpc",
        addr.network(),
        addr.address()
    );
    if let Some(der) = server_cert_der {
        line.push('|');
        line.push_str(&STANDARD_NO_PAD.encode(der));
    }
    line
}

/// The `TF_REATTACH_PROVIDERS` value for a provider served by hand
/// (`--debug`): a JSON object keyed by the provider's source address.
pub fn reattach_config(provider_address: &str, pid: u32, addr: &ListenAddr) -> String {
    let value = serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": addr.network(), "String": addr.address() },
        }
    });
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn cookie_must_match_exactly() {
        assert_eq!(check_cookie(Some(MAGIC_COOKIE_VALUE)), Ok(()));
        assert_eq!(
            check_cookie(None),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
        assert_eq!(
            check_cookie(Some("")),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
        let upper = MAGIC_COOKIE_VALUE.to_uppercase();
        assert_eq!(
            check_cookie(Some(&upper)),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
    }

    #[test]
    fn human_message_says_what_to_do() {
        let msg = HandshakeError::NotLaunchedByTerraform.to_string();
        assert!(msg.starts_with("This binary is a plugin for Terraform/OpenTofu"));
        assert!(msg.contains("dev_overrides"));
        assert!(msg.contains("--debug"));
    }

    #[test]
    fn negotiates_five_from_any_order() {
        assert_eq!(negotiate_version(Some("5,6")), Ok(5));
        assert_eq!(negotiate_version(Some("6,5")), Ok(5));
        assert_eq!(negotiate_version(Some(" 6 , 5 ")), Ok(5));
        assert_eq!(negotiate_version(Some("5")), Ok(5));
        assert_eq!(negotiate_version(Some("x,5")), Ok(5));
    }

    #[test]
    fn absent_versions_fall_back_to_five() {
        assert_eq!(negotiate_version(None), Ok(5));
        assert_eq!(negotiate_version(Some("")), Ok(5));
    }

    #[test]
    fn refuses_when_five_is_not_offered() {
        let err = negotiate_version(Some("6,4")).unwrap_err();
        assert_eq!(
            err,
            HandshakeError::UnsupportedProtocol {
                offered: "6,4".into()
            }
        );
        assert!(err.to_string().contains("protocol 5"));
        assert!(negotiate_version(Some("55")).is_err());
    }

    #[test]
    fn line_with_certificate_is_raw_std_base64() {
        let path = ListenAddr::Unix(PathBuf::from("/tmp/plugin123"));
        // 0xfb 0xff encodes to "+/8" in the standard alphabet, with no "=".
        let line = handshake_line(5, &path, Some(&[0xfb, 0xff]));
        assert_eq!(line, "1|5|unix|/tmp/plugin123|grpc|+/8");
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields.len(), 6);
    }

    #[test]
    fn plaintext_line_has_no_certificate_field() {
        let line = handshake_line(5, &ListenAddr::Unix("/run/p/plugin9".into()), None);
        assert_eq!(line, "1|5|unix|/run/p/plugin9|grpc");
    }

    #[test]
    fn tcp_line_names_the_loopback_address() {
        let addr = ListenAddr::Tcp("127.0.0.1:10001".parse().unwrap());
        assert_eq!(
            handshake_line(5, &addr, Some(&[0xfb, 0xff])),
            "1|5|tcp|127.0.0.1:10001|grpc|+/8"
        );
        let json = reattach_config("registry.terraform.io/macsec-gitops/routeros", 7, &addr);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let a = &v["registry.terraform.io/macsec-gitops/routeros"]["Addr"];
        assert_eq!(a["Network"], "tcp");
        assert_eq!(a["String"], "127.0.0.1:10001");
    }

    #[test]
    fn reattach_value_has_the_shape_terraform_reads() {
        let json = reattach_config(
            "registry.terraform.io/macsec-gitops/routeros",
            42,
            &ListenAddr::Unix(PathBuf::from("/tmp/plugin7")),
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let p = &v["registry.terraform.io/macsec-gitops/routeros"];
        assert_eq!(p["Protocol"], "grpc");
        assert_eq!(p["ProtocolVersion"], 5);
        assert_eq!(p["Pid"], 42);
        assert_eq!(p["Test"], true);
        assert_eq!(p["Addr"]["Network"], "unix");
        assert_eq!(p["Addr"]["String"], "/tmp/plugin7");
    }
}
