//! A reply as the REST front end sends it (the API front end translates it): a status
//! and a JSON body. A leaf: it knows only [`RosError`].

use serde_json::Value;

use crate::error::RosError;

/// A reply: status and JSON body (`None` for an empty body).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    /// HTTP status.
    pub(crate) status: u16,
    /// JSON body, or nothing.
    pub(crate) body: Option<Value>,
}

impl Reply {
    /// `200` with `body`.
    pub(crate) fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
        }
    }

    /// `204`, no body.
    pub(crate) fn empty() -> Reply {
        Reply {
            status: 204,
            body: None,
        }
    }

    /// The error reply for `err`.
    pub(crate) fn error(err: &RosError) -> Reply {
        Reply {
            status: err.status,
            body: Some(err.body()),
        }
    }
}
