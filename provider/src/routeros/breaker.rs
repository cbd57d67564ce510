//! A circuit breaker around a [`Transport`]: once the router has failed to
//! answer in time, every request still waiting for its turn, and every
//! later one, fails at once with the same error instead of waiting out its
//! own timeout. A router serves one request at a time, so without this a
//! hung router costs every queued request a full timeout, one after the
//! other (50 resources x 30 s); with it, a plan against a hung router fails
//! within about one timeout. The breaker stays open for the life of the
//! provider process (one Terraform command): the next plan or apply tries
//! the router afresh.

use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::watch;

use super::{Error, Record, Transport};

/// A [`Transport`] that stops talking to a router that stopped answering.
pub struct Breaker {
    inner: Box<dyn Transport>,
    open: watch::Sender<bool>,
    cause: Mutex<Option<Error>>,
}

impl std::fmt::Debug for Breaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Breaker")
            .field("endpoint", &self.inner.endpoint())
            .field("open", &*self.open.borrow())
            .finish()
    }
}

impl Breaker {
    /// Wraps `inner`.
    pub fn new(inner: Box<dyn Transport>) -> Breaker {
        Breaker {
            inner,
            open: watch::channel(false).0,
            cause: Mutex::new(None),
        }
    }

    /// The error the breaker opened on, if it is open.
    pub fn cause(&self) -> Option<Error> {
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

    fn endpoint(&self) -> &str {
        self.inner.endpoint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

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
            crate::routeros::Client::connect(&crate::routeros::ConnectOptions {
                url: sim.http_url(),
                username: sim.username().to_string(),
                password: sim.password().to_string(),
                tls: Default::default(),
                timeout: Duration::from_secs(1),
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
