//! [`Ctx`]: what every resource, data source and action call receives; a
//! leaf that the resource and action traits both use.

use std::sync::Arc;

/// What a resource call knows about its surroundings.
pub struct Ctx<C> {
    /// The configured client (from [`Provider::configure`]).
    pub client: Arc<C>,
    /// Terraform's version, as sent to Configure (empty if unknown).
    pub terraform_version: String,
    /// Terraform announced support for write-only attributes (5.8+).
    pub write_only_allowed: bool,
}

redact::debug!(Ctx<C>);
