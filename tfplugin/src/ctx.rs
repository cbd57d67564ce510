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

/// Names the type only: its fields may hold secrets, clients or trait
/// objects that have no useful `Debug` form.
impl<C> std::fmt::Debug for Ctx<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").finish_non_exhaustive()
    }
}
