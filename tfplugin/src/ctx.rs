//! [`Ctx`]: what every resource, data source and action call receives; a
//! leaf that the resource and action traits both use.

use std::sync::Arc;

use crate::schema::Served;

/// What a resource call knows about its surroundings.
pub struct Ctx<C> {
    /// The configured client (from [`Provider::configure`]).
    pub client: Arc<C>,
    /// The schema of the type called, as served (with its value type):
    /// what a call converts its model to a value with
    /// ([`crate::resource::value_of`]), from the engine's one cache.
    pub schema: Arc<Served>,
    /// Terraform's version, as sent to Configure (empty if unknown).
    pub terraform_version: String,
    /// Terraform announced support for write-only attributes (5.8+).
    pub write_only_allowed: bool,
}

impl<C> Ctx<C> {
    /// A context for calls on the type whose schema is `schema`, as the
    /// engine would build it (for tests and commands that call a type
    /// directly): no Terraform version, write-only values not allowed.
    pub fn new(client: Arc<C>, schema: crate::schema::Schema) -> Self {
        Ctx {
            client,
            schema: Arc::new(Served::new(schema)),
            terraform_version: String::new(),
            write_only_allowed: false,
        }
    }
}

redact::debug!(Ctx<C>);
