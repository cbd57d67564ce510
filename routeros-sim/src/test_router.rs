//! An emulated router in the test's own thread, and REST and classic-API calls to it
//! without a server (test builds only).

use serde_json::Value;

use crate::api_commands::{Out, Request, execute};
use crate::reply::Reply;
use crate::rest::handle;
use crate::schema::Version;
use crate::state::Router;
use crate::users::Access;

/// A fresh router of `version` with three Ethernet ports.
pub(crate) fn router(version: &str) -> Router {
    Router::new(Version::parse(version).unwrap(), 3, "MikroTik", "CHR")
}

/// One REST request with a JSON body (`Value::Null` for none).
pub(crate) fn rest(r: &mut Router, method: &str, path: &str, body: Value) -> Reply {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    handle(r, method, path, None, body.as_bytes())
}

/// The `detail` of an error reply ("" when there is none).
pub(crate) fn detail(reply: &Reply) -> String {
    reply
        .body
        .as_ref()
        .and_then(|b| b["detail"].as_str())
        .unwrap_or("")
        .to_string()
}

/// One classic-API sentence (`/system/logging/add`, `=topics=script`, `?name=x`).
pub(crate) fn api(r: &mut Router, words: &[&str]) -> Vec<Out> {
    let words: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    execute(r, Access::FULL, &Request::parse(&words)).0
}

/// The `!re` rows of an API reply as maps.
pub(crate) fn api_rows(out: &[Out]) -> Vec<std::collections::BTreeMap<String, String>> {
    out.iter()
        .filter_map(|o| match o {
            Out::Re(attrs) => Some(attrs.iter().cloned().collect()),
            _ => None,
        })
        .collect()
}

/// One REST request that must succeed (2xx): its JSON body (`Null` for none).
pub(crate) fn ok(r: &mut Router, method: &str, path: &str, body: Value) -> Value {
    let reply = rest(r, method, path, body);
    assert!(
        (200..300).contains(&reply.status),
        "{method} {path}: {} {:?}",
        reply.status,
        reply.body
    );
    reply.body.unwrap_or(Value::Null)
}
