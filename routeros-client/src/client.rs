//! [`Client`]: one router, one transport, and a per-menu cache so that a
//! refresh of N resources costs one request per menu, not N.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::api::ApiTransport;
use super::menu_rows::MenuRows;
use super::rest::{RestTransport, TlsOptions};
use super::{Error, Record, ReplyLimits, Transport, Version};

/// How to reach a router.
#[derive(Debug, Clone, Default)]
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
    /// The caps on one reply (and on one downloaded file).
    pub limits: ReplyLimits,
    /// Tripped by Terraform's Stop: see [`Stop`].
    pub stop: Stop,
    /// The REST User-Agent (such as `terraform-provider-routeros/0.1.0`);
    /// empty: [`crate::DEFAULT_USER_AGENT`].
    pub user_agent: String,
}

/// Terraform's Stop (`StopProvider`, the first Ctrl-C), shared by the
/// provider and every client it configured: long work (downloads) checks
/// it and ends early, cleaning up after itself.
#[derive(Debug, Clone)]
pub struct Stop(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Stop {
    fn default() -> Self {
        Stop(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Stop {
    /// Asks all work watching this to stop.
    pub fn trip(&self) {
        self.0.send_replace(true);
    }

    /// True once [`Stop::trip`] was called.
    pub fn is_tripped(&self) -> bool {
        *self.0.borrow()
    }

    /// Returns once [`Stop::trip`] is (or was) called.
    pub async fn tripped(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// One menu's rows: listed once, then kept up to date by the writes made
/// through the client (each replaces the one row it changed).
type MenuCell = Arc<tokio::sync::OnceCell<Mutex<MenuRows>>>;

/// Every row of a menu, shared with the client's cache.
pub type Rows = Arc<Vec<Arc<Record>>>;

/// What connecting to the router established.
struct Connected {
    transport: Box<dyn Transport>,
    version: Version,
    board: String,
}

/// One router. Made without any I/O ([`Client::lazy`]): the transport (its
/// TLS set-up included) is built and the router's version read by the
/// first call that needs the router, so the calls that never do (schema,
/// validation, Configure itself) cost no connection. The outcome of that
/// first attempt, success or failure, is kept for the life of the client:
/// a router that cannot be reached is tried once, not once per resource.
pub struct Client {
    /// How to connect; `None` once connected by [`Client::with_transport`].
    opts: Option<ConnectOptions>,
    /// Where the router is, for messages (no credentials).
    endpoint: String,
    conn: tokio::sync::OnceCell<Result<Connected, Error>>,
    stop: Stop,
    limits: ReplyLimits,
    cache: Mutex<HashMap<String, MenuCell>>,
}

/// The version [`Client::version`] reports before the client connected.
static NOT_CONNECTED: Version = Version {
    major: 0,
    minor: 0,
    patch: 0,
    raw: String::new(),
};

impl Client {
    /// A client for the router `opts` names, without connecting: see
    /// [`Client::ready`].
    pub fn lazy(opts: ConnectOptions) -> Client {
        Client {
            endpoint: endpoint_of(&opts.url),
            stop: opts.stop.clone(),
            limits: opts.limits,
            opts: Some(opts),
            conn: tokio::sync::OnceCell::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Connects over the transport the URL's scheme names (`api://` and
    /// `apis://`: the classic API; otherwise REST) and reads the router's
    /// version from `/system/resource`, now.
    pub async fn connect(opts: &ConnectOptions) -> Result<Client, Error> {
        let client = Client::lazy(opts.clone());
        client.ready().await?;
        Ok(client)
    }

    /// A new client for the same router: a new connection, an empty cache
    /// and a closed breaker, sharing this client's [`Stop`]. For talking to
    /// a router that rebooted (`/system/backup/load`); `None` for a client
    /// made by [`Client::with_transport`].
    pub fn reconnected(&self) -> Option<Client> {
        let mut opts = self.opts.clone()?;
        opts.stop = self.stop.clone();
        opts.limits = self.limits;
        Some(Client::lazy(opts))
    }

    /// Wraps an existing transport and reads the router's version.
    pub async fn with_transport(transport: Box<dyn Transport>) -> Result<Client, Error> {
        let connected = read_version(transport).await?;
        Ok(Client {
            endpoint: connected.transport.endpoint().to_string(),
            opts: None,
            stop: Stop::default(),
            limits: ReplyLimits::default(),
            conn: tokio::sync::OnceCell::new_with(Some(Ok(connected))),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Connects if no call has yet (one attempt per client; concurrent
    /// callers wait for it) and returns the router's version, or the error
    /// the attempt ended with.
    pub async fn ready(&self) -> Result<&Version, Error> {
        self.connected().await.map(|c| &c.version)
    }

    async fn connected(&self) -> Result<&Connected, Error> {
        let outcome = self
            .conn
            .get_or_init(|| async {
                match &self.opts {
                    Some(opts) => match open(opts) {
                        Ok(transport) => read_version(transport).await,
                        Err(e) => Err(e),
                    },
                    None => Err(Error::Protocol {
                        endpoint: self.endpoint.clone(),
                        reason: "no connection options".to_string(),
                    }),
                }
            })
            .await;
        outcome.as_ref().map_err(Clone::clone)
    }

    async fn transport(&self) -> Result<&dyn Transport, Error> {
        self.connected().await.map(|c| c.transport.as_ref())
    }

    /// The user name the client logs in as, for messages.
    pub fn username(&self) -> &str {
        self.opts.as_ref().map_or("", |o| o.username.as_str())
    }

    /// The router's RouterOS version; 0.0 until [`Client::ready`]
    /// succeeded (the plugin layer awaits it before any call that uses the
    /// router, see `Provider::ready`).
    pub fn version(&self) -> &Version {
        match self.conn.get() {
            Some(Ok(c)) => &c.version,
            _ => &NOT_CONNECTED,
        }
    }

    /// The router's board name ("" until connected).
    pub fn board(&self) -> &str {
        match self.conn.get() {
            Some(Ok(c)) => &c.board,
            _ => "",
        }
    }

    /// Where the router is (no credentials).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The same client, stopped by `stop` (its provider's Stop) instead of
    /// its own.
    pub fn stopped_by(mut self, stop: Stop) -> Client {
        self.stop = stop;
        self
    }

    /// Terraform's Stop, as this client's provider received it.
    pub fn stop_signal(&self) -> &Stop {
        &self.stop
    }

    /// The caps on one reply, and on one downloaded file.
    pub fn limits(&self) -> ReplyLimits {
        self.limits
    }

    fn cell(&self, menu: &str) -> MenuCell {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.entry(menu.to_string()).or_default().clone()
    }

    /// Every row of `menu`, read once and then answered from the cache,
    /// which the writes made through this client keep up to date.
    pub async fn list(&self, menu: &str) -> Result<Rows, Error> {
        self.with_menu(menu, MenuRows::snapshot).await
    }

    /// Every row of `menu` as the router has it now, neither taken from
    /// nor kept in the cache: for values that change by themselves (link
    /// state), read by callers that consume the rows as they go.
    pub async fn list_fresh(&self, menu: &str) -> Result<Vec<Record>, Error> {
        self.transport().await?.list(menu).await
    }

    /// The single item of `menu` (`/system/identity`), as the router has
    /// it now (not cached).
    pub async fn get_fresh(&self, menu: &str) -> Result<Record, Error> {
        self.transport().await?.get(menu).await
    }

    /// The first row of `menu` (in the router's order) whose `key` equals
    /// `value`: a look-up in an index of the cached menu, not a scan.
    pub async fn find(&self, menu: &str, key: &str, value: &str) -> Result<Option<Record>, Error> {
        let found = self.with_menu(menu, |rows| rows.find(key, value)).await?;
        Ok(found.map(|r| (*r).clone()))
    }

    /// Runs `f` on the cached rows of `menu`, listing them first if they
    /// are not cached (concurrent callers wait for one listing).
    async fn with_menu<T>(
        &self,
        menu: &str,
        f: impl FnOnce(&mut MenuRows) -> T,
    ) -> Result<T, Error> {
        self.with_menu_listed(menu, false, f).await
    }

    /// [`Client::with_menu`], listing with
    /// [`Transport::list_after_lost_reply`] when `after_lost_reply`.
    async fn with_menu_listed<T>(
        &self,
        menu: &str,
        after_lost_reply: bool,
        f: impl FnOnce(&mut MenuRows) -> T,
    ) -> Result<T, Error> {
        let cell = self.cell(menu);
        let rows = cell
            .get_or_try_init(|| async {
                let transport = self.transport().await?;
                let rows = if after_lost_reply {
                    transport.list_after_lost_reply(menu).await
                } else {
                    transport.list(menu).await
                };
                rows.map(|rows| Mutex::new(MenuRows::new(rows)))
            })
            .await?;
        Ok(f(&mut lock(rows)))
    }

    /// The row of `menu` whose `key` equals `value`, read afresh from the
    /// router to learn the outcome of a write whose reply was lost; this
    /// look-up goes through even after the router failed to answer in
    /// time (see [`Transport::list_after_lost_reply`]).
    pub async fn find_after_lost_reply(
        &self,
        menu: &str,
        key: &str,
        value: &str,
    ) -> Result<Option<Record>, Error> {
        self.invalidate(menu);
        let found = self
            .with_menu_listed(menu, true, |rows| rows.find(key, value))
            .await?;
        Ok(found.map(|r| (*r).clone()))
    }

    /// Forgets what was read of `menu`.
    pub fn invalidate(&self, menu: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.remove(menu);
    }

    /// Applies `change` to the cached rows of `menu`, if they are cached.
    /// A listing still under way may or may not hold the write, so it is
    /// forgotten (its waiters get what it returns; later reads list again).
    fn patch(&self, menu: &str, change: impl FnOnce(&mut MenuRows)) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let Some(cell) = cache.get(menu) else { return };
        match cell.get() {
            Some(rows) => change(&mut lock(rows)),
            None => {
                cache.remove(menu);
            }
        }
    }

    /// Puts `row` into the cached `menu`, replacing the row with its `.id`.
    fn put_row(&self, menu: &str, row: &Record) {
        self.patch(menu, |rows| rows.put(row.clone()));
    }

    /// Drops row `id` from the cached `menu`.
    fn drop_row(&self, menu: &str, id: &str) {
        self.patch(menu, |rows| rows.remove(id));
    }

    /// What a failed write on `menu` (row `id` if known) means for the
    /// cache: a refusal changed nothing; a row not found is gone; any
    /// other failure leaves the outcome unknown, so the menu is read again.
    fn failed(&self, menu: &str, id: Option<&str>, e: &Error) {
        match (e, id) {
            (Error::Rejected { .. }, _) => {}
            (Error::NotFound { .. }, Some(id)) => self.drop_row(menu, id),
            _ => self.invalidate(menu),
        }
    }

    /// Adds a row to `menu`; returns the row the router made (with its
    /// `.id`), which also goes into the cached menu.
    pub async fn add(&self, menu: &str, attrs: &Record) -> Result<Record, Error> {
        match self.transport().await?.add(menu, attrs).await {
            Ok(row) => {
                self.put_row(menu, &row);
                Ok(row)
            }
            Err(e) => {
                self.failed(menu, None, &e);
                Err(e)
            }
        }
    }

    /// Sets attributes of row `id` of `menu`; returns the row as the router
    /// now holds it, which also replaces it in the cached menu.
    pub async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
        match self.transport().await?.set(menu, id, attrs).await {
            Ok(row) => {
                self.put_row(menu, &row);
                Ok(row)
            }
            Err(e) => {
                self.failed(menu, Some(id), &e);
                Err(e)
            }
        }
    }

    /// Removes row `id` of `menu`, and from the cached menu.
    pub async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        match self.transport().await?.remove(menu, id).await {
            Ok(()) => {
                self.drop_row(menu, id);
                Ok(())
            }
            Err(e) => {
                self.failed(menu, Some(id), &e);
                Err(e)
            }
        }
    }

    /// Runs a command. It may change anything, so the whole cache is
    /// dropped unless `read_only`.
    pub async fn command(
        &self,
        path: &str,
        args: &Record,
        read_only: bool,
    ) -> Result<Vec<Record>, Error> {
        let r = self.transport().await?.command(path, args).await;
        if !read_only {
            self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
        }
        r
    }
}

/// Locks a menu's rows, ignoring poisoning: [`MenuRows`] calls out to no
/// other code while changing itself, and a poisoned lock would fail every
/// later call of the process.
fn lock(rows: &Mutex<MenuRows>) -> std::sync::MutexGuard<'_, MenuRows> {
    rows.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where `url` points, for messages before the transport exists: what the
/// transport itself will report.
fn endpoint_of(url: &str) -> String {
    match super::api::Target::parse(url) {
        Ok(target) if is_api(url) => target.endpoint(),
        _ => url.trim().trim_end_matches('/').to_string(),
    }
}

fn is_api(url: &str) -> bool {
    matches!(
        url.trim()
            .split_once("://")
            .map(|(s, _)| s.to_ascii_lowercase())
            .as_deref(),
        Some("api" | "apis")
    )
}

/// Builds the transport the URL's scheme names (`api://` and `apis://`:
/// the classic API; otherwise REST), behind a breaker: a router that stops
/// answering fails the queued requests at once. No I/O.
fn open(opts: &ConnectOptions) -> Result<Box<dyn Transport>, Error> {
    let transport: Box<dyn Transport> = if is_api(&opts.url) {
        Box::new(
            ApiTransport::new(
                &opts.url,
                &opts.username,
                &opts.password,
                &opts.tls,
                opts.timeout,
            )?
            .with_limits(opts.limits),
        )
    } else {
        Box::new(
            RestTransport::new(
                &opts.url,
                &opts.username,
                &opts.password,
                &opts.tls,
                opts.timeout,
                &opts.user_agent,
            )?
            .with_limits(opts.limits),
        )
    };
    Ok(Box::new(super::breaker::Breaker::new(transport)))
}

/// Reads the router's version and board from `/system/resource`.
async fn read_version(transport: Box<dyn Transport>) -> Result<Connected, Error> {
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
    Ok(Connected {
        transport,
        version,
        board,
    })
}

redact::debug!(Client);

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
            r.insert(".id".into(), "*1".into());
            r.insert("name".into(), "macsec1".into());
            Ok(vec![r])
        }
        async fn get(&self, _menu: &str) -> Result<Record, Error> {
            let mut r = Record::new();
            r.insert("version".into(), "7.18 (stable)".into());
            Ok(r)
        }
        async fn add(&self, _menu: &str, attrs: &Record) -> Result<Record, Error> {
            let mut row = attrs.clone();
            row.insert(".id".into(), "*2".into());
            Ok(row)
        }
        async fn set(&self, _: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
            let mut row = attrs.clone();
            row.insert(".id".into(), id.into());
            row.insert("name".into(), "macsec1".into());
            Ok(row)
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

    /// A client over [`Counting`], and its count of listings.
    async fn counting_client() -> (Client, Arc<AtomicUsize>) {
        let lists = Arc::new(AtomicUsize::new(0));
        let transport = Counting {
            lists: lists.clone(),
        };
        let client = Client::with_transport(Box::new(transport)).await.unwrap();
        (client, lists)
    }

    #[tokio::test]
    async fn concurrent_reads_of_a_menu_cost_one_list_and_writes_update_it_in_place() {
        let (client, lists) = counting_client().await;
        let client = Arc::new(client);
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
        let mut mtu = Record::new();
        mtu.insert("mtu".into(), "1400".into());
        client.set("/interface/macsec", "*1", &mtu).await.unwrap();
        let row = client
            .find("/interface/macsec", ".id", "*1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row["mtu"], "1400");
        let mut name = Record::new();
        name.insert("name".into(), "macsec2".into());
        let added = client.add("/interface/macsec", &name).await.unwrap();
        assert_eq!(added[".id"], "*2");
        assert_eq!(client.list("/interface/macsec").await.unwrap().len(), 2);
        client.remove("/interface/macsec", "*1").await.unwrap();
        let rows = client.list("/interface/macsec").await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["name"], "macsec2");
        // Writes changed the cached menu; none of them made it list again.
        assert_eq!(lists.load(Ordering::SeqCst), 1);
        client.list("/interface/ethernet").await.unwrap();
        assert_eq!(lists.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_fresh_listing_is_neither_answered_from_nor_kept_in_the_cache() {
        let (client, lists) = counting_client().await;
        client.list("/interface/macsec").await.unwrap();
        assert_eq!(
            client.list_fresh("/interface/macsec").await.unwrap().len(),
            1
        );
        assert_eq!(lists.load(Ordering::SeqCst), 2);
        // The cache still answers the look-ups; a fresh listing does not
        // replace it, and a second one lists again.
        assert!(
            client
                .find("/interface/macsec", "name", "macsec1")
                .await
                .unwrap()
                .is_some()
        );
        client.list_fresh("/interface/macsec").await.unwrap();
        assert_eq!(lists.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_write_to_a_menu_not_yet_listed_does_not_list_it() {
        let (client, lists) = counting_client().await;
        let mut name = Record::new();
        name.insert("name".into(), "macsec2".into());
        client.add("/interface/macsec", &name).await.unwrap();
        client.remove("/interface/macsec", "*2").await.unwrap();
        assert_eq!(lists.load(Ordering::SeqCst), 0);
    }
}
