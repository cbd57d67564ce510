//! Cables between emulated routers: the two ends of one Ethernet link.
//!
//! Every router registers with a process-wide [`LinkHub`] and publishes, after each change
//! of its configuration, what its Ethernet ports show to the wire ([`PortState`]: enabled,
//! MAC address, the MACsec interface riding on it with its CAK/CKN and profile). A cable
//! joins two ports; a router reads its peer's last published state when it computes link
//! state. Link state is therefore derived on read from current configuration, with no
//! timers, so tests are deterministic.
//!
//! Locking: a router publishes and reads while holding its own router lock and then takes
//! the hub lock; the hub never takes a router lock. Routers never lock each other, so two
//! paired emulators cannot deadlock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::sync::lock;

/// Identifies one registered router within its hub.
pub(crate) type RouterId = u64;

/// One Ethernet port: the router and the port's interface id (`.id` without the `*`).
pub(crate) type PortKey = (RouterId, u32);

/// What one end of a cable shows to the other.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct PortState {
    /// The port is enabled (`disabled=no`).
    pub(crate) enabled: bool,
    /// The port's MAC address (key-server tie break).
    pub(crate) mac: [u8; 6],
    /// The MACsec interface on this port, if any.
    pub(crate) macsec: Option<MacsecEnd>,
}

/// The MKA-relevant settings of a MACsec interface.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct MacsecEnd {
    /// The interface is enabled.
    pub(crate) enabled: bool,
    /// Pre-shared CAK (lower-case hex).
    pub(crate) cak: String,
    /// CKN (lower-case hex).
    pub(crate) ckn: String,
    /// `server-priority` of its profile (lower wins the key-server election).
    pub(crate) server_priority: u64,
    /// Cipher suites it accepts, in its profile's order (`aes-gcm-128` alone before 7.23).
    pub(crate) ciphers: Vec<String>,
}

redact::debug!(MacsecEnd {
    enabled,
    ckn,
    server_priority,
    ciphers
});

/// What is at the other end of a port's cable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Peer {
    /// No cable.
    Unlinked,
    /// A cable whose other end belongs to an emulator that has stopped (no carrier).
    Gone,
    /// The other end, as its router last published it.
    Present(PortState),
}

#[derive(Default)]
struct HubState {
    next_router: RouterId,
    ports: HashMap<PortKey, PortState>,
    /// Both directions of every cable.
    cables: HashMap<PortKey, PortKey>,
}

/// The registry of ports and cables shared by the emulators of one process.
#[derive(Default)]
pub(crate) struct LinkHub {
    state: Mutex<HubState>,
}

redact::debug!(LinkHub);

impl LinkHub {
    /// The hub every emulator of this process registers with, so any two can be paired.
    pub(crate) fn global() -> Arc<LinkHub> {
        static HUB: OnceLock<Arc<LinkHub>> = OnceLock::new();
        HUB.get_or_init(|| Arc::new(LinkHub::default())).clone()
    }

    /// Registers a new router; it leaves the hub when the returned handle is dropped.
    pub(crate) fn register(self: &Arc<Self>) -> Arc<Registration> {
        let mut state = lock(&self.state);
        let id = state.next_router;
        state.next_router += 1;
        Arc::new(Registration {
            hub: self.clone(),
            id,
        })
    }
}

/// A router's membership in a hub. Dropping it (when the emulator stops) removes the
/// router's ports and its ends of cables; a peer then sees [`Peer::Gone`].
pub(crate) struct Registration {
    hub: Arc<LinkHub>,
    id: RouterId,
}

redact::debug!(Registration { id });

impl Registration {
    /// Replaces everything this router shows on its ports.
    pub(crate) fn publish(&self, ports: Vec<(u32, PortState)>) {
        let mut state = lock(&self.hub.state);
        state.ports.retain(|(router, _), _| *router != self.id);
        for (port, port_state) in ports {
            state.ports.insert((self.id, port), port_state);
        }
    }

    /// What is at the other end of `port`'s cable.
    pub(crate) fn peer(&self, port: u32) -> Peer {
        let state = lock(&self.hub.state);
        match state.cables.get(&(self.id, port)) {
            None => Peer::Unlinked,
            Some(other) => match state.ports.get(other) {
                Some(port_state) => Peer::Present(port_state.clone()),
                None => Peer::Gone,
            },
        }
    }

    /// Cables `port` of this router to `other_port` of `other` (possibly this router).
    /// A cable already plugged into either port is unplugged first.
    pub(crate) fn connect(
        &self,
        port: u32,
        other: &Registration,
        other_port: u32,
    ) -> Result<(), String> {
        if !Arc::ptr_eq(&self.hub, &other.hub) {
            return Err("the two emulators belong to different link hubs".into());
        }
        let a = (self.id, port);
        let b = (other.id, other_port);
        if a == b {
            return Err("a port can not be cabled to itself".into());
        }
        let mut state = lock(&self.hub.state);
        for end in [a, b] {
            if let Some(old) = state.cables.remove(&end) {
                state.cables.remove(&old);
            }
        }
        state.cables.insert(a, b);
        state.cables.insert(b, a);
        Ok(())
    }

    /// Unplugs the cable of `port`, if any; the other end becomes unlinked too.
    pub(crate) fn disconnect(&self, port: u32) {
        let mut state = lock(&self.hub.state);
        if let Some(other) = state.cables.remove(&(self.id, port)) {
            state.cables.remove(&other);
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = lock(&self.hub.state);
        let id = self.id;
        state.ports.retain(|(router, _), _| *router != id);
        // Keep the peers' ends pointing here: to them the link has lost its carrier.
        state.cables.retain(|(router, _), _| *router != id);
    }
}

#[cfg(test)]
mod tests;
