//! Typed RouterOS client errors. Each says what happened; the provider
//! turns them into diagnostics that also say what to do.

/// A failed RouterOS request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The object or menu does not exist (HTTP 404, `!trap` category 0).
    #[error("{what} was not found on the router")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The router refused the request (HTTP 400/406, `!trap`); `detail`
    /// is RouterOS's own explanation.
    #[error("the router rejected the request ({message}): {detail}")]
    Rejected {
        /// HTTP status (0 for the API).
        status: u16,
        /// RouterOS's message ("Bad Request").
        message: String,
        /// RouterOS's detail ("input does not match any value of interface").
        detail: String,
    },
    /// The router refused the credentials (HTTP 401).
    #[error("the router at {endpoint} refused the username or password (401 Unauthorized)")]
    Unauthorized {
        /// The router's address.
        endpoint: String,
    },
    /// The router's TLS certificate is not trusted.
    #[error("the TLS certificate of {endpoint} is not trusted: {reason}")]
    UntrustedCertificate {
        /// The router's address.
        endpoint: String,
        /// What the TLS library said.
        reason: String,
    },
    /// No answer in time.
    #[error("the router at {endpoint} did not answer within {seconds} s")]
    Timeout {
        /// The router's address.
        endpoint: String,
        /// The timeout.
        seconds: u64,
    },
    /// The router could not be reached (refused, unresolvable, reset).
    #[error("could not connect to the router at {endpoint}: {reason}")]
    Unreachable {
        /// The router's address.
        endpoint: String,
        /// What the network said.
        reason: String,
    },
    /// The router sent more in one reply than [`super::ReplyLimits`] allow;
    /// reading stopped there.
    #[error(
        "the router at {endpoint} sent more than {cap} in reply to {what}; reading stopped there. If the router really holds that much, raise the cap in the provider block or the environment; otherwise the router, or something on the path to it, is misbehaving"
    )]
    TooLarge {
        /// The router's address.
        endpoint: String,
        /// The request (`GET /interface/macsec`, `/interface/macsec/print`).
        what: String,
        /// The cap exceeded.
        cap: super::limits::Cap,
    },
    /// The port speaks another protocol than the URL's scheme: TLS where
    /// `http://` or `api://` expects none, or none where `https://` or
    /// `apis://` expects TLS.
    #[error("the router at {endpoint} speaks another protocol on that port: {advice}")]
    WrongScheme {
        /// The router's address.
        endpoint: String,
        /// Which scheme to use instead.
        advice: String,
    },
    /// The router answered something this client does not understand.
    #[error("unexpected answer from the router at {endpoint}: {reason}")]
    Protocol {
        /// The router's address.
        endpoint: String,
        /// What was wrong.
        reason: String,
    },
}

/// The cause of a failed connection in one line, from the text of its
/// error chain (`chain`): connection refused, no route, DNS, reset; else
/// the innermost error of the chain.
pub(super) fn connect_cause(chain: &str) -> String {
    let has = |needles: &[&str]| needles.iter().any(|n| chain.contains(n));
    if has(&["Connection refused", "connection refused"]) {
        "connection refused: nothing listens on that port, or a firewall rejects the connection"
            .to_string()
    } else if has(&[
        "dns error",
        "failed to lookup address",
        "Name or service not known",
        "nodename nor servname",
        "No such host",
    ]) {
        "the host name could not be resolved (DNS): check its spelling, or give the router's IP address"
            .to_string()
    } else if has(&[
        "No route to host",
        "Network is unreachable",
        "network is unreachable",
    ]) {
        "no route to the host: check the address and that this machine's network reaches the router"
            .to_string()
    } else if has(&["Connection reset", "connection reset"]) {
        "the connection was reset by the router or something on the path to it".to_string()
    } else {
        chain.rsplit(": ").next().unwrap_or(chain).to_string()
    }
}

impl Error {
    /// RouterOS's own detail for a rejected request.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Error::Rejected { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// True for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }
}
