//! The context every call receives, a leaf of the provider crate's modules
//! (it imports only the lower crates, so every layer above may import it).
//!
//! [`Configured`]: what `Configure` makes of one provider configuration and
//! every resource, data source, ephemeral resource and action call receives
//! (as `ctx.client`).
//!
//! It is passed, never global: two provider configurations served by one
//! process each carry their own router client and their own age identities,
//! so neither can decrypt with the other's keys.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::plugin::diag::Diagnostic;
use crate::routeros::Client;
use crate::secrets::Identities;

/// One configured `routeros` provider: the router client and the age
/// identities that decrypt `*_age` inputs.
///
/// It dereferences to the router [`Client`], so that resources talk to the
/// router as `ctx.client.find(...)`; the identities are
/// [`Configured::identities`].
pub struct Configured {
    /// The connection to the router.
    pub router: Client,
    /// The identities of this configuration (`age_identity`,
    /// `age_identity_file`, else the environment fallbacks; read lazily,
    /// only when a value must be decrypted).
    pub identities: Arc<Identities>,
    /// Whether the router's being unusable (unreachable, too old) was
    /// reported in full: see [`Configured::unusable`].
    unusable_reported: AtomicBool,
    /// What each planned router object is claimed by: see
    /// [`Configured::claim`].
    claims: Mutex<HashMap<String, u64>>,
    /// The router's name in the provider's `routers`, for a router of a
    /// fleet; `None` for the provider block's own router.
    name: Option<String>,
}

impl Configured {
    /// A configuration of `router` with `identities`.
    pub fn new(router: Client, identities: Arc<Identities>) -> Self {
        Configured {
            router,
            identities,
            unusable_reported: AtomicBool::new(false),
            claims: Mutex::new(HashMap::new()),
            name: None,
        }
    }

    /// This configuration as the router `name` of the provider's
    /// `routers`.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// The router's name in the provider's `routers` (`None` for the
    /// provider block's own router).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The router for messages: `router "core" (https://10.0.0.1)`, or the
    /// provider block's router by its address.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("router {n:?} ({})", self.router.endpoint()),
            None => format!("the router at {}", self.router.endpoint()),
        }
    }

    /// The error for a call that cannot run because the router cannot be
    /// used (`full` says why and what to do): `full` the first time, then
    /// a short one pointing at it. Terraform asks once per resource, so a
    /// router that is down would otherwise print the same explanation a
    /// thousand times for a thousand resources.
    /// A router of a fleet is named in both, so that the error says which
    /// entry of `routers` to check.
    pub fn unusable(&self, mut full: Diagnostic) -> Diagnostic {
        if !self.unusable_reported.swap(true, Ordering::SeqCst) {
            if let Some(n) = &self.name {
                full.detail = format!("Router {n:?} (`routers[{n:?}]`): {}", full.detail);
            }
            return full;
        }
        let setting = match &self.name {
            Some(n) => format!("`routers[{n:?}]`"),
            None => "`url`".to_string(),
        };
        let mut label = self.label();
        if let Some(first) = label.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        Diagnostic::error(
            full.summary,
            format!(
                "{label} cannot be used; one error of this run about it says why and what to do (check {setting} and the router)."
            ),
        )
    }

    /// A configuration of `router` whose identities come from the
    /// environment only (`ROUTEROS_AGE_IDENTITY`, SOPS, ...): what the
    /// `generate` command and tests use.
    pub fn from_environment(router: Client) -> Self {
        Configured::new(router, Arc::new(Identities::default()))
    }

    /// Claims router object `object` (such as `routeros_macsec_key
    /// macsec1`) for a resource whose configuration hashes to `config`, for
    /// the life of this provider configuration (one Terraform command).
    /// False when another resource claimed it first: two resources would
    /// manage one object and undo each other on every apply. The same
    /// configuration may claim again (Terraform plans a replacement twice).
    pub fn claim(&self, object: &str, config: u64) -> bool {
        let mut claims = self.claims.lock().unwrap_or_else(|p| p.into_inner());
        *claims.entry(object.to_string()).or_insert(config) == config
    }

    /// The age identities of this configuration.
    pub fn identities(&self) -> &Identities {
        &self.identities
    }
}

// Names the router and the identities' sources, never a secret.
redact::debug!(Configured {
    name,
    router = |c| c.router.endpoint(),
    identities
});

impl std::ops::Deref for Configured {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.router
    }
}
