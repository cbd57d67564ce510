//! The REST transport (`http://` and `https://`, RouterOS 7.1+): JSON over
//! HTTP with Basic authentication, one request at a time per router.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use reqwest::{Method, StatusCode};

use super::{Cap, Error, Record, ReplyLimits, Transport};

pub use super::tls::TlsOptions;

/// REST transport to one router.
pub struct RestTransport {
    http: reqwest::Client,
    base: String,
    username: String,
    password: String,
    timeout: Duration,
    limits: ReplyLimits,
    /// Why the router's certificate was last refused.
    refusals: super::tls::Refusals,
    /// Body bytes read so far, over all requests.
    received: AtomicU64,
    gate: tokio::sync::Mutex<()>,
}

redact::debug!(RestTransport { base });

impl RestTransport {
    /// A transport for `base` (`https://host[:port]`, no path), with the
    /// given credentials, TLS trust, per-request timeout and User-Agent
    /// (empty: [`crate::DEFAULT_USER_AGENT`]).
    pub fn new(
        base: &str,
        username: &str,
        password: &str,
        tls: &TlsOptions,
        timeout: Duration,
        user_agent: &str,
    ) -> Result<Self, Error> {
        let endpoint = base.trim_end_matches('/').to_string();
        let mut refusals = super::tls::Refusals::default();
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(if user_agent.is_empty() {
                crate::DEFAULT_USER_AGENT
            } else {
                user_agent
            })
            .pool_max_idle_per_host(1);
        if endpoint.to_ascii_lowercase().starts_with("http://") {
            // No TLS at all: do not load the system's certificate store,
            // which costs milliseconds at every launch of a fleet's plan.
            builder = builder.tls_certs_only(std::iter::empty());
        } else {
            let (config, seen) =
                super::tls::client_config(tls).map_err(|reason| Error::Protocol {
                    endpoint: endpoint.clone(),
                    reason,
                })?;
            refusals = seen;
            builder = builder.tls_backend_preconfigured(config);
        }
        let http = builder.build().map_err(|e| Error::Protocol {
            endpoint: endpoint.clone(),
            reason: format!("could not set up the HTTP client: {e}"),
        })?;
        Ok(RestTransport {
            http,
            base: endpoint,
            username: username.to_string(),
            password: password.to_string(),
            timeout,
            limits: ReplyLimits::default(),
            refusals,
            received: AtomicU64::new(0),
            gate: tokio::sync::Mutex::new(()),
        })
    }

    /// The same transport with the caps `limits` on every reply.
    pub fn with_limits(mut self, limits: ReplyLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Body bytes read from the router so far, over all requests.
    pub fn bytes_received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// The body of `resp` (the reply to `what`), read as it arrives and
    /// refused, with nothing more read, once it grows past
    /// [`ReplyLimits::max_bytes`] (or announces more in its
    /// `Content-Length`).
    async fn read_body(&self, mut resp: reqwest::Response, what: &str) -> Result<Vec<u8>, Error> {
        let max = self.limits.max_bytes;
        let too_large = || Error::TooLarge {
            endpoint: self.base.clone(),
            what: what.to_string(),
            cap: Cap::Bytes(max),
        };
        if resp.content_length().is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(e))? {
            self.received
                .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            if (body.len() + chunk.len()) as u64 > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn too_many_rows(&self, what: &str) -> Error {
        Error::TooLarge {
            endpoint: self.base.clone(),
            what: what.to_string(),
            cap: Cap::Rows(self.limits.max_rows),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/rest{}", self.base, path)
    }

    /// Sends one request (serialised per router) and returns the JSON body
    /// (`Null` for an empty body).
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, Error> {
        let bytes = self.request_bytes(method.clone(), path, body).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        parse_json(&bytes).ok_or_else(|| Error::Protocol {
            endpoint: self.base.clone(),
            reason: format!("{method} {path} returned a body that is not JSON"),
        })
    }

    /// Sends one request (serialised per router) and returns the body of a
    /// successful reply as it came.
    async fn request_bytes(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Vec<u8>, Error> {
        let url = self.url(path);
        let _turn = self.gate.lock().await;
        log::debug!("RouterOS REST {method} {url}");
        let mut req = self
            .http
            .request(method.clone(), &url)
            .basic_auth(&self.username, Some(&self.password));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| self.transport_error(e))?;
        let status = resp.status();
        let bytes = self.read_body(resp, &format!("{method} {path}")).await?;
        log::debug!("RouterOS REST {method} {url} -> {}", status.as_u16());
        if status.is_success() {
            return Ok(bytes);
        }
        let parsed = parse_json(&bytes);
        let text = |k: &str| {
            parsed
                .as_ref()
                .and_then(|v| v.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        match status {
            StatusCode::UNAUTHORIZED => Err(Error::Unauthorized {
                endpoint: self.base.clone(),
            }),
            StatusCode::NOT_FOUND => Err(Error::NotFound {
                what: path.to_string(),
            }),
            _ => Err(Error::Rejected {
                status: status.as_u16(),
                message: text("message")
                    .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
                detail: text("detail").unwrap_or_default(),
            }),
        }
    }

    fn transport_error(&self, e: reqwest::Error) -> Error {
        let endpoint = self.base.clone();
        if e.is_timeout() {
            return Error::Timeout {
                endpoint,
                seconds: self.timeout.as_secs(),
            };
        }
        let mut chain = String::new();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        let mut tls: Option<String> = None;
        while let Some(s) = source {
            if !chain.is_empty() {
                chain.push_str(": ");
            }
            chain.push_str(&s.to_string());
            let rustls_error = s.downcast_ref::<rustls::Error>().or_else(|| {
                s.downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .and_then(|i| i.downcast_ref::<rustls::Error>())
            });
            if let Some(r @ rustls::Error::InvalidCertificate(_)) = rustls_error {
                tls = Some(super::tls::refusal(r).unwrap_or_else(|| r.to_string()));
            }
            source = s.source();
        }
        if tls.is_none() && chain.contains("invalid peer certificate") {
            tls = Some(self.refusals.take().unwrap_or_else(|| chain.clone()));
        }
        let scheme = endpoint
            .split("://")
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match tls {
            Some(reason) => Error::UntrustedCertificate { endpoint, reason },
            None if chain.contains("timed out") => Error::Timeout {
                endpoint,
                seconds: self.timeout.as_secs(),
            },
            None if scheme == "http" && chain.contains("invalid HTTP version") => {
                Error::WrongScheme {
                    endpoint,
                    advice: "the port did not answer in HTTP; the www-ssl service (HTTPS) answers so to plain HTTP. If it is that service, use https:// instead of http://".to_string(),
                }
            }
            None if scheme == "https"
                && (chain.contains("InvalidContentType") || chain.contains("corrupt message")) =>
            {
                Error::WrongScheme {
                    endpoint,
                    advice: "the port does not speak TLS, as the plain www service (HTTP) does not. If it is that service, use http:// instead of https:// (or the www-ssl service's port with https://)".to_string(),
                }
            }
            None => Error::Unreachable {
                endpoint,
                reason: super::error::connect_cause(&chain),
            },
        }
    }

    fn protocol(&self, what: &str) -> Error {
        Error::Protocol {
            endpoint: self.base.clone(),
            reason: what.to_string(),
        }
    }
}

/// Parses JSON, retrying once with raw control characters escaped (some
/// RouterOS versions emit them inside strings).
fn parse_json(bytes: &[u8]) -> Option<serde_json::Value> {
    if let Ok(v) = serde_json::from_slice(bytes) {
        return Some(v);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') {
            escaped.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            escaped.push(c);
        }
    }
    serde_json::from_str(&escaped).ok()
}

/// A JSON object from the router as a [`Record`] (values as strings).
fn to_record(v: &serde_json::Value) -> Option<Record> {
    let obj = v.as_object()?;
    Some(
        obj.iter()
            .map(|(k, v)| {
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k.clone(), s)
            })
            .collect(),
    )
}

/// Why a listing's body gave no rows.
#[derive(Debug, PartialEq, Eq)]
enum RowsError {
    /// More rows than the cap.
    TooMany,
    /// What the body is instead of a list of rows.
    Bad(&'static str),
}

/// The rows of a listing's body, values as [`to_record`] gives them, at
/// most `max_rows` of them (reading stops at the first row over); the
/// error says what the body is instead.
fn parse_rows(bytes: &[u8], max_rows: u64) -> Result<Vec<Record>, RowsError> {
    // The common case straight into rows: no JSON tree in between, which
    // for a menu of 10,000 rows is tens of megabytes.
    let over = Cell::new(false);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = LimitedRows {
        max: max_rows,
        over: &over,
    };
    match serde::de::DeserializeSeed::deserialize(seed, &mut de) {
        Ok(rows) if de.end().is_ok() => return Ok(rows),
        _ if over.get() => return Err(RowsError::TooMany),
        _ => {}
    }
    let v = parse_json(bytes).ok_or(RowsError::Bad("returned a body that is not JSON"))?;
    let items = v.as_array().ok_or(RowsError::Bad("is not a list"))?;
    if items.len() as u64 > max_rows {
        return Err(RowsError::TooMany);
    }
    items
        .iter()
        .map(|o| to_record(o).ok_or(RowsError::Bad("holds a non-object")))
        .collect()
}

/// Reads a JSON array of rows, failing (and setting `over`) at the first
/// row past `max`.
struct LimitedRows<'a> {
    max: u64,
    over: &'a Cell<bool>,
}

impl<'de> serde::de::DeserializeSeed<'de> for LimitedRows<'_> {
    type Value = Vec<Record>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LimitedRows<'_> {
    type Value = Vec<Record>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of RouterOS rows")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::new();
        while let Some(RowText(row)) = seq.next_element()? {
            if rows.len() as u64 >= self.max {
                self.over.set(true);
                return Err(serde::de::Error::custom("more rows than the cap"));
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// One row of a listing read straight from JSON into a [`Record`], values
/// as [`to_record`] gives them.
struct RowText(Record);

impl<'de> serde::Deserialize<'de> for RowText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = RowText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a RouterOS row (a JSON object)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RowText, A::Error> {
                let mut row = Record::new();
                while let Some((k, v)) = map.next_entry::<String, ValueText>()? {
                    row.insert(k, v.0);
                }
                Ok(RowText(row))
            }
        }
        d.deserialize_map(Fields)
    }
}

/// A JSON value as the text [`to_record`] makes of it: a string as it is,
/// `null` as "", anything else in its JSON form.
struct ValueText(String);

impl<'de> serde::Deserialize<'de> for ValueText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        Ok(ValueText(v))
    }
}

fn to_body(attrs: &Record) -> serde_json::Value {
    serde_json::Value::Object(
        attrs
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

#[async_trait]
impl Transport for RestTransport {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        let bytes = self.request_bytes(Method::GET, menu, None).await?;
        parse_rows(&bytes, self.limits.max_rows).map_err(|e| match e {
            RowsError::TooMany => self.too_many_rows(&format!("GET {menu}")),
            RowsError::Bad(what) => self.protocol(&format!("GET {menu} {what}")),
        })
    }

    async fn get(&self, menu: &str) -> Result<Record, Error> {
        let v = self.request(Method::GET, menu, None).await?;
        to_record(&v).ok_or_else(|| self.protocol(&format!("GET {menu} is not an object")))
    }

    async fn add(&self, menu: &str, attrs: &Record) -> Result<Record, Error> {
        let v = self
            .request(Method::PUT, menu, Some(to_body(attrs)))
            .await?;
        to_record(&v)
            .filter(|r| r.get(".id").is_some_and(|id| !id.is_empty()))
            .ok_or_else(|| self.protocol(&format!("PUT {menu} returned no row with an .id")))
    }

    async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
        let path = format!("{menu}/{id}");
        let v = self
            .request(Method::PATCH, &path, Some(to_body(attrs)))
            .await?;
        match to_record(&v) {
            Some(row) if row.contains_key(".id") => Ok(row),
            // A reply without the row: read the one row back.
            _ => self.get(&path).await,
        }
    }

    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        self.request(Method::DELETE, &format!("{menu}/{id}"), None)
            .await?;
        Ok(())
    }

    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error> {
        let v = self
            .request(Method::POST, path, Some(to_body(args)))
            .await?;
        match &v {
            serde_json::Value::Null => Ok(Vec::new()),
            serde_json::Value::Array(a) if a.len() as u64 > self.limits.max_rows => {
                Err(self.too_many_rows(&format!("POST {path}")))
            }
            serde_json::Value::Array(a) => a
                .iter()
                .map(|o| {
                    to_record(o)
                        .ok_or_else(|| self.protocol(&format!("POST {path}: non-object row")))
                })
                .collect(),
            serde_json::Value::Object(_) => Ok(to_record(&v).into_iter().collect()),
            _ => Err(self.protocol(&format!("POST {path}: unexpected reply"))),
        }
    }

    fn endpoint(&self) -> &str {
        &self.base
    }
}

#[cfg(test)]
mod bounds;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_on_retry() {
        let raw = b"[{\"comment\":\"a\x01b\"}]";
        let v = parse_json(raw).unwrap();
        assert_eq!(v[0]["comment"], "a\u{1}b");
    }

    #[test]
    fn a_listing_parsed_straight_into_rows_reads_as_through_a_json_tree() {
        let body = br#"[{".id":"*1","mtu":1468,"disabled":false,"comment":null,"x":{"a":[1,"b"]}},{".id":"*2","name":"macsec2"}]"#;
        let rows = parse_rows(body, 10).unwrap();
        let tree: serde_json::Value = serde_json::from_slice(body).unwrap();
        let through_tree: Vec<Record> = tree
            .as_array()
            .unwrap()
            .iter()
            .map(|o| to_record(o).unwrap())
            .collect();
        assert_eq!(rows, through_tree);
        assert_eq!(rows[0]["comment"], "");
        assert_eq!(rows[0]["x"], r#"{"a":[1,"b"]}"#);
        // What the fast path does not take still goes the old way.
        assert_eq!(
            parse_rows(b"[{\"comment\":\"a\x01b\"}]", 10).unwrap()[0]["comment"],
            "a\u{1}b"
        );
        assert_eq!(parse_rows(b"[]", 10).unwrap(), Vec::<Record>::new());
        assert_eq!(parse_rows(b"{}", 10), Err(RowsError::Bad("is not a list")));
        assert_eq!(
            parse_rows(b"[1]", 10),
            Err(RowsError::Bad("holds a non-object"))
        );
        assert_eq!(
            parse_rows(b"<html>", 10),
            Err(RowsError::Bad("returned a body that is not JSON"))
        );
        // The cap, on both paths.
        assert_eq!(parse_rows(b"[{},{}]", 2).unwrap().len(), 2);
        assert_eq!(parse_rows(b"[{},{},{}]", 2), Err(RowsError::TooMany));
        assert_eq!(
            parse_rows(b"[{\"c\":\"\x01\"},{},{}]", 2),
            Err(RowsError::TooMany)
        );
    }

    /// Listings of the worst bytes a router could send (quotes,
    /// backslashes, `${`, `%{`, NUL and other control characters, invalid
    /// UTF-8, deep nesting, huge numbers, truncation, and random bytes from
    /// a fixed seed) are read or refused, never a panic, and never more rows
    /// than the cap.
    #[test]
    fn a_listing_of_hostile_bytes_is_read_or_refused_never_a_panic() {
        let mut bodies: Vec<Vec<u8>> = vec![
            br#"[{"name":"a\"b\\c${x}%{y}../../etc\n"}]"#.to_vec(),
            b"[{\"name\":\"nul\x00here\",\"c\":\"\x01\x1f\x7f\"}]".to_vec(),
            b"[{\"name\":\"\xff\xfe not utf-8\"}]".to_vec(),
            b"[{\"mtu\":1e999999,\"n\":-0,\"big\":123456789012345678901234567890}]".to_vec(),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            format!("[{{\"x\":{}1{}}}]", "[".repeat(500), "]".repeat(500)).into_bytes(),
            b"[{\"name\":\"cut".to_vec(),
            b"[{},{},{},{},{}]".to_vec(),
            Vec::new(),
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [1usize, 7, 64, 1000, 10_000] {
            let mut body = b"[{\"".to_vec();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                body.push((state >> 56) as u8);
            }
            bodies.push(body);
        }
        for body in &bodies {
            if let Ok(rows) = parse_rows(body, 3) {
                assert!(rows.len() <= 3);
            }
        }
        let first = parse_rows(&bodies[0], 3).unwrap();
        assert_eq!(first[0]["name"], "a\"b\\c${x}%{y}../../etc\n");
        assert_eq!(parse_rows(&bodies[7], 3), Err(RowsError::TooMany));
    }

    #[test]
    fn records_turn_every_value_into_a_string() {
        let v = serde_json::json!({".id": "*1", "mtu": 1468, "disabled": false});
        let r = to_record(&v).unwrap();
        assert_eq!(r["mtu"], "1468");
        assert_eq!(r["disabled"], "false");
        assert_eq!(r[".id"], "*1");
    }
}
