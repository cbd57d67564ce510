//! RouterOS REST error replies: `{"detail":..,"error":N,"message":..}`.

use serde_json::{Map, Value};

/// A failed request: the HTTP status and RouterOS's `detail` text (absent on 401 and 404).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RosError {
    /// HTTP status, also the `error` field of the body.
    pub(crate) status: u16,
    /// RouterOS's explanation, e.g. `unknown parameter foo`.
    pub(crate) detail: Option<String>,
}

impl RosError {
    /// `400 Bad Request` with a detail.
    pub(crate) fn bad_request(detail: impl Into<String>) -> RosError {
        RosError {
            status: 400,
            detail: Some(detail.into()),
        }
    }

    /// `404 Not Found`, which RouterOS sends without a detail.
    pub(crate) fn not_found() -> RosError {
        RosError {
            status: 404,
            detail: None,
        }
    }

    /// `406 Not Acceptable`: the REST verb maps to a command the menu does not have.
    pub(crate) fn not_acceptable(detail: impl Into<String>) -> RosError {
        RosError {
            status: 406,
            detail: Some(detail.into()),
        }
    }

    /// `401 Unauthorized`, without a detail.
    pub(crate) fn unauthorized() -> RosError {
        RosError {
            status: 401,
            detail: None,
        }
    }

    /// `501 Not Implemented` (HEAD and other methods RouterOS does not serve).
    pub(crate) fn not_implemented() -> RosError {
        RosError {
            status: 501,
            detail: None,
        }
    }

    /// `400 no such command or directory (X)`.
    pub(crate) fn no_such_directory(name: &str) -> RosError {
        RosError::bad_request(format!("no such command or directory ({name})"))
    }

    /// `400 no such command`.
    pub(crate) fn no_such_command() -> RosError {
        RosError::bad_request("no such command")
    }

    /// `400 unknown parameter X`.
    pub(crate) fn unknown_parameter(name: &str) -> RosError {
        RosError::bad_request(format!("unknown parameter {name}"))
    }

    /// `400 failure: ...`: a command that ran and refused.
    pub(crate) fn failure(text: impl std::fmt::Display) -> RosError {
        RosError::bad_request(format!("failure: {text}"))
    }

    /// The reason phrase RouterOS puts in `message`.
    pub(crate) fn message(&self) -> &'static str {
        match self.status {
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            406 => "Not Acceptable",
            501 => "Not Implemented",
            _ => "Internal Server Error",
        }
    }

    /// The JSON body; keys in RouterOS's (alphabetical) order, `error` the only number.
    pub(crate) fn body(&self) -> Value {
        let mut map = Map::new();
        if let Some(detail) = &self.detail {
            map.insert("detail".into(), Value::String(detail.clone()));
        }
        map.insert("error".into(), Value::from(self.status));
        map.insert("message".into(), Value::String(self.message().into()));
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests;
