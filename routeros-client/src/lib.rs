//! The RouterOS client: knows RouterOS, not Terraform.
//!
//! One interface ([`Transport`]: list a menu, add, set, remove, run a
//! command) with its transports ([`rest`] and the classic [`api`]), and a
//! [`Client`] on top
//! that reads each menu once and answers individual lookups from it,
//! because a router serves requests one at a time.

pub mod api;
mod breaker;
mod client;
mod error;
mod limits;
mod menu_rows;
pub mod rest;
pub mod tls;
mod version;

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use client::{Client, ConnectOptions, Rows, Stop};
pub use error::Error;
pub use limits::{Cap, DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_REPLY_ROWS, ReplyLimits};
pub use version::Version;

/// The REST User-Agent when the caller names none.
pub const DEFAULT_USER_AGENT: &str = concat!("routeros-client/", env!("CARGO_PKG_VERSION"));

/// One RouterOS row: every value is a string, as RouterOS sends it.
pub type Record = BTreeMap<String, String>;

/// A way of talking to one router. Menus are written in slash form:
/// `/interface/macsec`.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Every row of a menu (`print`).
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error>;

    /// The single object of a menu that has no rows (`/system/resource`).
    async fn get(&self, menu: &str) -> Result<Record, Error>;

    /// Adds a row; returns the row as the router now holds it (with its
    /// `.id`). REST: one `PUT`, whose reply is the row; the API: `add`
    /// and a `print` filtered by the new `.id`.
    async fn add(&self, menu: &str, attrs: &Record) -> Result<Record, Error>;

    /// Sets attributes of the row `id`; returns the row as the router now
    /// holds it. REST: one `PATCH`, whose reply is the row; the API: `set`
    /// and a `print` filtered by `.id`.
    async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error>;

    /// Removes the row `id` (one request).
    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error>;

    /// Runs a command (`/interface/macsec/monitor`) and returns its rows.
    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error>;

    /// Where this transport talks to, for messages (never with a password).
    fn endpoint(&self) -> &str;

    /// Every row of a menu, read to learn the outcome of a write whose
    /// reply was lost (default: [`Transport::list`]). A transport that
    /// fails requests fast once the router stopped answering lets this
    /// look-up through, so that a row the write made is found, not
    /// orphaned.
    async fn list_after_lost_reply(&self, menu: &str) -> Result<Vec<Record>, Error> {
        self.list(menu).await
    }
}

/// A shared transport is a transport: a caller that keeps an `Arc` to its
/// transport (to count or script what it sees) hands a clone to a client.
#[async_trait]
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        (**self).list(menu).await
    }
    async fn get(&self, menu: &str) -> Result<Record, Error> {
        (**self).get(menu).await
    }
    async fn add(&self, menu: &str, attrs: &Record) -> Result<Record, Error> {
        (**self).add(menu, attrs).await
    }
    async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
        (**self).set(menu, id, attrs).await
    }
    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        (**self).remove(menu, id).await
    }
    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error> {
        (**self).command(path, args).await
    }
    fn endpoint(&self) -> &str {
        (**self).endpoint()
    }
    async fn list_after_lost_reply(&self, menu: &str) -> Result<Vec<Record>, Error> {
        (**self).list_after_lost_reply(menu).await
    }
}
