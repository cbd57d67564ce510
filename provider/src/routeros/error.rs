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
    /// The router answered something this client does not understand.
    #[error("unexpected answer from the router at {endpoint}: {reason}")]
    Protocol {
        /// The router's address.
        endpoint: String,
        /// What was wrong.
        reason: String,
    },
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
