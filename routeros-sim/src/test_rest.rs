//! The REST client the emulator's own tests talk to it with (test builds
//! only).

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

use crate::Sim;

/// A REST client logged in as one user.
pub(crate) struct Api {
    client: Client,
    base: String,
    user: String,
    password: String,
}

impl Api {
    pub(crate) fn admin(sim: &Sim) -> Api {
        Api::user(sim, sim.username(), sim.password())
    }

    pub(crate) fn user(sim: &Sim, user: &str, password: &str) -> Api {
        Api {
            client: Client::new(),
            base: sim.http_url(),
            user: user.into(),
            password: password.into(),
        }
    }

    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&self.user, Some(&self.password));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, value)
    }

    pub(crate) async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method, path, body).await;
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }
}
