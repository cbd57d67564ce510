//! A circuit breaker around a [`Transport`]: once the router has failed to
//! answer in time, every request still waiting for its turn, and every
//! later one, fails at once with the same error instead of waiting out its
//! own timeout. A router serves one request at a time, so without this a
//! hung router costs every queued request a full timeout, one after the
//! other (50 resources x 30 s); with it, a plan against a hung router fails
//! within about one timeout.
//!
//! One kind of request is let through an open breaker: the look-up that
//! learns the outcome of a write whose reply was lost
//! ([`Transport::list_after_lost_reply`]). Without it, a create that timed
//! out could not look for the row it may have made, and the row was
//! orphaned. These look-ups go one at a time (a half-open probe): if one
//! is answered, the router is answering again and the breaker closes; if
//! one times out, every later look-up fails at once too, so a hung router
//! still costs about two timeouts, not one per resource. Otherwise the
//! breaker stays open for the life of the provider process (one Terraform
//! command): the next plan or apply tries the router afresh.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use tokio::sync::watch;

use super::{Error, Record, Transport};

/// A [`Transport`] that stops talking to a router that stopped answering.
pub(super) struct Breaker {
    inner: Box<dyn Transport>,
    open: watch::Sender<bool>,
    cause: Mutex<Option<Error>>,
    /// Held by the one look-up that probes an open breaker.
    probe: tokio::sync::Mutex<()>,
    /// A probe timed out since the breaker opened: no more probes.
    probe_failed: AtomicBool,
}

redact::debug!(Breaker {
    endpoint = |b| b.inner.endpoint(),
    open = |b| *b.open.borrow()
});

impl Breaker {
    /// Wraps `inner`.
    pub(super) fn new(inner: Box<dyn Transport>) -> Breaker {
        Breaker {
            inner,
            open: watch::channel(false).0,
            cause: Mutex::new(None),
            probe: tokio::sync::Mutex::new(()),
            probe_failed: AtomicBool::new(false),
        }
    }

    /// The error the breaker opened on, if it is open.
    pub(super) fn cause(&self) -> Option<Error> {
        self.cause.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn trip(&self, err: &Error) {
        let mut cause = self.cause.lock().unwrap_or_else(|p| p.into_inner());
        if cause.is_none() {
            log::warn!(
                "the router at {} did not answer in time; failing the requests queued behind it at once",
                self.inner.endpoint()
            );
            *cause = Some(err.clone());
        }
        drop(cause);
        self.open.send_replace(true);
    }

    /// Closes the breaker: the router answered a probe.
    fn close(&self) {
        let mut cause = self.cause.lock().unwrap_or_else(|p| p.into_inner());
        if cause.take().is_some() {
            log::info!(
                "the router at {} answers again; requests go through",
                self.inner.endpoint()
            );
        }
        self.probe_failed.store(false, Ordering::SeqCst);
        drop(cause);
        self.open.send_replace(false);
    }

    /// Runs `call` unless the breaker is open; while it waits (for its turn
    /// or for the router), the breaker opening ends it with the same error.
    async fn guard<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        if let Some(e) = self.cause() {
            return Err(e);
        }
        let mut open = self.open.subscribe();
        let result = tokio::select! {
            r = call => r,
            _ = open.wait_for(|o| *o) => {
                return Err(self.cause().unwrap_or_else(|| Error::Unreachable {
                    endpoint: self.inner.endpoint().to_string(),
                    reason: "an earlier request to the router failed".to_string(),
                }));
            }
        };
        if let Err(e @ Error::Timeout { .. }) = &result {
            self.trip(e);
        }
        result
    }
}

#[async_trait]
impl Transport for Breaker {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        self.guard(self.inner.list(menu)).await
    }

    async fn get(&self, menu: &str) -> Result<Record, Error> {
        self.guard(self.inner.get(menu)).await
    }

    async fn add(&self, menu: &str, attrs: &Record) -> Result<Record, Error> {
        self.guard(self.inner.add(menu, attrs)).await
    }

    async fn set(&self, menu: &str, id: &str, attrs: &Record) -> Result<Record, Error> {
        self.guard(self.inner.set(menu, id, attrs)).await
    }

    async fn remove(&self, menu: &str, id: &str) -> Result<(), Error> {
        self.guard(self.inner.remove(menu, id)).await
    }

    async fn command(&self, path: &str, args: &Record) -> Result<Vec<Record>, Error> {
        self.guard(self.inner.command(path, args)).await
    }

    /// Let through an open breaker, one at a time: answered, it closes the
    /// breaker; timed out, it fails every later look-up at once.
    async fn list_after_lost_reply(&self, menu: &str) -> Result<Vec<Record>, Error> {
        if self.cause().is_none() {
            return self.guard(self.inner.list(menu)).await;
        }
        let _turn = self.probe.lock().await;
        let Some(cause) = self.cause() else {
            // An earlier probe found the router answering.
            return self.guard(self.inner.list(menu)).await;
        };
        if self.probe_failed.load(Ordering::SeqCst) {
            return Err(cause);
        }
        log::info!(
            "probing the router at {} with a look-up of {menu} after a lost reply",
            self.inner.endpoint()
        );
        let result = self.inner.list(menu).await;
        match &result {
            Ok(_) => self.close(),
            Err(Error::Timeout { .. }) => self.probe_failed.store(true, Ordering::SeqCst),
            Err(_) => {}
        }
        result
    }

    fn endpoint(&self) -> &str {
        self.inner.endpoint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    async fn client_of(sim: &acceptance::sim::Sim) -> crate::Client {
        crate::Client::connect(&crate::ConnectOptions {
            url: sim.http_url(),
            username: sim.username().to_string(),
            password: sim.password().to_string(),
            tls: Default::default(),
            timeout: Duration::from_secs(1),
            ..Default::default()
        })
        .await
        .unwrap()
    }

    fn http_only() -> acceptance::sim::Sim {
        acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
            https: false,
            api: false,
            ..Default::default()
        })
        .unwrap()
    }

    /// Regression: once an add timed out, the breaker refused every later
    /// request, the look-up of the row the add may have made included, so
    /// the row was orphaned. The look-up now goes through; answered, it
    /// closes the breaker.
    #[tokio::test]
    async fn the_look_up_after_a_timed_out_add_goes_through_and_closes_the_breaker() {
        let sim = http_only();
        let client = client_of(&sim).await;
        sim.inject_rest_fault(acceptance::sim::RestFault::HoldReply(
            "PUT /rest/interface/macsec".into(),
        ));
        let args: Record = [("name", "macsec1"), ("interface", "ether1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let err = client.add("/interface/macsec", &args).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err}");
        // Queued and later ordinary requests still fail fast...
        let before = sim.request_count();
        assert!(client.list("/interface/ethernet").await.is_err());
        assert_eq!(sim.request_count(), before);
        // ...but the look-up after the lost reply reaches the router.
        let row = client
            .find_after_lost_reply("/interface/macsec", "name", "macsec1")
            .await
            .unwrap();
        assert_eq!(row.unwrap()["interface"], "ether1");
        assert!(client.list("/interface/ethernet").await.is_ok());
    }

    /// A router still hung: the look-ups after lost replies wait out one
    /// timeout between them, not one each.
    #[tokio::test]
    async fn look_ups_after_lost_replies_against_a_hung_router_cost_one_timeout_in_all() {
        let sim = http_only();
        let client = Arc::new(client_of(&sim).await);
        for _ in 0..30 {
            sim.inject_rest_fault(acceptance::sim::RestFault::Hang("GET /rest/".into()));
        }
        assert!(client.list("/interface/macsec").await.is_err());
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                c.find_after_lost_reply("/interface/macsec", "name", "macsec1")
                    .await
            }));
        }
        for task in tasks {
            assert!(matches!(
                task.await.unwrap().unwrap_err(),
                Error::Timeout { .. }
            ));
        }
        let hung = sim
            .request_log()
            .iter()
            .filter(|l| l.ends_with("(hung)"))
            .count();
        assert_eq!(hung, 2, "{:?}", sim.request_log());
    }

    /// Regression: against a router that accepts connections and never
    /// answers, 50 reads queued behind each other each waited out their own
    /// timeout (50 requests sent, 50 x timeout). Now the first timeout
    /// fails the rest at once: the router sees one request.
    #[tokio::test]
    async fn a_hung_router_sees_one_request_and_every_queued_read_fails_with_its_error() {
        let sim = acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
            https: false,
            api: false,
            ..Default::default()
        })
        .unwrap();
        let client = Arc::new(
            crate::Client::connect(&crate::ConnectOptions {
                url: sim.http_url(),
                username: sim.username().to_string(),
                password: sim.password().to_string(),
                tls: Default::default(),
                timeout: Duration::from_secs(1),
                ..Default::default()
            })
            .await
            .unwrap(),
        );
        for _ in 0..60 {
            sim.inject_rest_fault(acceptance::sim::RestFault::Hang("GET /rest/".into()));
        }
        let menus = [
            "/interface/macsec",
            "/interface/ethernet",
            "/file",
            "/ip/address",
            "/user",
        ];
        let mut tasks = Vec::new();
        for i in 0..50 {
            let c = client.clone();
            let menu = format!("{}{}", menus[i % menus.len()], "/".repeat(i / menus.len()));
            tasks.push(tokio::spawn(async move { c.list(&menu).await }));
        }
        for task in tasks {
            let err = task.await.unwrap().unwrap_err();
            assert!(matches!(err, Error::Timeout { seconds: 1, .. }), "{err}");
        }
        let hung = sim
            .request_log()
            .iter()
            .filter(|l| l.ends_with("(hung)"))
            .count();
        assert_eq!(hung, 1, "{:?}", sim.request_log());
        // Later requests fail at once too, without reaching the router.
        let before = sim.request_count();
        assert!(matches!(
            client.list("/system/identity").await.unwrap_err(),
            Error::Timeout { .. }
        ));
        assert_eq!(sim.request_count(), before);
    }
}
