//! [`Client`]: one router, one transport, and a per-menu cache so that a
//! refresh of N resources costs one request per menu, not N.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::api::ApiTransport;
use super::rest::{RestTransport, TlsOptions};
use super::{Error, Record, Transport, Version};

/// How to reach a router.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `https://host[:port]` or `http://host[:port]` (REST), or
    /// `api://host[:port]` or `apis://host[:port]` (the classic API).
    pub url: String,
    /// User name.
    pub username: String,
    /// Password (never logged).
    pub password: String,
    /// TLS trust.
    pub tls: TlsOptions,
    /// Per-request timeout.
    pub timeout: Duration,
}

type MenuCell = Arc<tokio::sync::OnceCell<Arc<Vec<Record>>>>;

/// A connected router.
pub struct Client {
    transport: Box<dyn Transport>,
    version: Version,
    board: String,
    cache: Mutex<HashMap<String, MenuCell>>,
}

impl Client {
    /// Connects over the transport the URL's scheme names (`api://` and
    /// `apis://`: the classic API; otherwise REST) and reads the router's
    /// version from `/system/resource`.
    pub async fn connect(opts: &ConnectOptions) -> Result<Client, Error> {
        let scheme = opts
            .url
            .trim()
            .split_once("://")
            .map(|(s, _)| s.to_ascii_lowercase());
        let transport: Box<dyn Transport> = match scheme.as_deref() {
            Some("api" | "apis") => Box::new(ApiTransport::new(
                &opts.url,
                &opts.username,
                &opts.password,
                &opts.tls,
                opts.timeout,
            )?),
            _ => Box::new(RestTransport::new(
                &opts.url,
                &opts.username,
                &opts.password,
                &opts.tls,
                opts.timeout,
            )?),
        };
        // A router that stops answering fails the queued requests at once.
        Client::with_transport(Box::new(super::breaker::Breaker::new(transport))).await
    }

    /// Wraps an existing transport and reads the router's version.
    pub async fn with_transport(transport: Box<dyn Transport>) -> Result<Client, Error> {
        let resource = transport.get("/system/resource").await?;
        let raw = resource.get("version").cloned().unwrap_or_default();
        let version = Version::parse(&raw).ok_or_else(|| Error::Protocol {
            endpoint: transport.endpoint().to_string(),
            reason: format!(
                "/system/resource reports version {raw:?}, which is not a RouterOS version"
            ),
        })?;
        let board = resource.get("board-name").cloned().unwrap_or_default();
        log::info!(
            "connected to RouterOS {version} ({board}) at {}",
            transport.endpoint()
        );
        Ok(Client {
            transport,
            version,
            board,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The router's RouterOS version.
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// The router's board name.
    pub fn board(&self) -> &str {
        &self.board
    }

    /// Where the router is (no credentials).
    pub fn endpoint(&self) -> &str {
        self.transport.endpoint()
    }

    fn cell(&self, menu: &str) -> MenuCell {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.entry(menu.to_string()).or_default().clone()
    }

    /// Every row of `menu`, read once and then answered from the cache
    /// until a write through this client changes the menu.
    pub async fn list(&self, menu: &str) -> Result<Arc<Vec<Record>>, Error> {
        let cell = self.cell(menu);
        cell.get_or_try_init(|| async { self.transport.list(menu).await.map(Arc::new) })
            .await
            .cloned()
    }

    /// The row of `menu` whose `key` equals `value`.
    pub async fn find(&self, menu: &str, key: &str, value: &str) -> Result<Option<Record>, Error> {
        let rows = self.list(menu).await?;
        Ok(rows
            .iter()
            .find(|r| r.get(key).map(String::as_str) == Some(value))
            .cloned())
    }

    /// Forgets what was read of `menu`.
    pub fn invalidate(&self, menu: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.remove(menu);
    }

    /// Adds a row to `menu`; returns its `.id`.
    pub async fn add(&self, menu: &str, attrs: &Record) -> Result<String, Error> {
        let r = self.transport.add(menu, attrs).await;
        self.invalidate(menu);
        r
    }

    /// Sets attributes of row `id` of `menu`.
    pub async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<(), Error> {
        let r = self.transport.set(menu, id, attrs).await;
        self.invalidate(menu);
        r
    }

    /// Removes row `id` of `menu`.
    pub async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        let r = self.transport.remove(menu, id).await;
        self.invalidate(menu);
        r
    }

    /// Runs a command. It may change anything, so the whole cache is
    /// dropped unless `read_only`.
    pub async fn command(
        &self,
        path: &str,
        args: &Record,
        read_only: bool,
    ) -> Result<Vec<Record>, Error> {
        let r = self.transport.command(path, args).await;
        if !read_only {
            self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        lists: Arc<AtomicUsize>,
    }

    #[async_trait]
    impl Transport for Counting {
        async fn list(&self, _menu: &str) -> Result<Vec<Record>, Error> {
            self.lists.fetch_add(1, Ordering::SeqCst);
            let mut r = Record::new();
            r.insert("name".into(), "macsec1".into());
            Ok(vec![r])
        }
        async fn get(&self, _menu: &str) -> Result<Record, Error> {
            let mut r = Record::new();
            r.insert("version".into(), "7.18 (stable)".into());
            Ok(r)
        }
        async fn add(&self, _menu: &str, _attrs: &Record) -> Result<String, Error> {
            Ok("*1".into())
        }
        async fn set(&self, _: &str, _: &str, _: &Record) -> Result<(), Error> {
            Ok(())
        }
        async fn remove(&self, _: &str, _: &str) -> Result<(), Error> {
            Ok(())
        }
        async fn command(&self, _: &str, _: &Record) -> Result<Vec<Record>, Error> {
            Ok(Vec::new())
        }
        fn endpoint(&self) -> &str {
            "test"
        }
    }

    #[tokio::test]
    async fn concurrent_reads_of_a_menu_cost_one_list_and_writes_invalidate() {
        let lists = Arc::new(AtomicUsize::new(0));
        let transport = Counting {
            lists: lists.clone(),
        };
        let client = Arc::new(Client::with_transport(Box::new(transport)).await.unwrap());
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                c.find("/interface/macsec", "name", "macsec1")
                    .await
                    .unwrap()
                    .is_some()
            }));
        }
        for task in tasks {
            assert!(task.await.unwrap());
        }
        assert_eq!(lists.load(Ordering::SeqCst), 1);
        client
            .set("/interface/macsec", "*1", &Record::new())
            .await
            .unwrap();
        client.list("/interface/macsec").await.unwrap();
        assert_eq!(lists.load(Ordering::SeqCst), 2);
        client.list("/interface/ethernet").await.unwrap();
        assert_eq!(lists.load(Ordering::SeqCst), 3);
    }
}
