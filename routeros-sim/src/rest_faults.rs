//! Faults the emulator's REST service stages for tests ([`RestFault`], injected with
//! `Sim::inject_rest_fault`): a reply lost or held back after the request took effect,
//! or a request that is never answered. Like the API's faults, each fires once, on the first request
//! whose `METHOD /rest/path` starts with its prefix, in the order they were injected.

use std::sync::Mutex;

/// A failure the REST service stages once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestFault {
    /// The request runs (its changes stay), then the connection closes without a reply:
    /// what a client sees when the reply is lost on the way.
    DropReply(String),
    /// The request is read and never answered, and the connection stays open: a router
    /// that accepts connections but has stopped answering.
    Hang(String),
    /// The request runs (its changes stay), then its reply is never sent and the
    /// connection stays open: a reply later than any client timeout.
    HoldReply(String),
}

impl RestFault {
    fn prefix(&self) -> &str {
        match self {
            RestFault::DropReply(p) | RestFault::Hang(p) | RestFault::HoldReply(p) => p,
        }
    }
}

/// The REST faults staged for one emulator.
#[derive(Debug, Default)]
pub(crate) struct RestFaults {
    queue: Mutex<Vec<RestFault>>,
}

impl RestFaults {
    /// Stages `fault` behind those already staged.
    pub(crate) fn push(&self, fault: RestFault) {
        self.lock().push(fault);
    }

    /// Takes the first staged fault whose prefix `request` (`METHOD /rest/path`) starts
    /// with.
    pub(crate) fn take(&self, request: &str) -> Option<RestFault> {
        let mut queue = self.lock();
        let index = queue.iter().position(|f| request.starts_with(f.prefix()))?;
        Some(queue.remove(index))
    }

    /// How many faults are still staged.
    pub(crate) fn pending(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RestFault>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}
