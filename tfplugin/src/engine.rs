//! The plan engine every resource shares: dispatch by type name, schema
//! checks, defaults, unknown computed values, requires-replace, private
//! state carried through, write-only values nulled, create/update/delete
//! dispatch on apply, import stubs and state upgrades.
//!
//! The gRPC server (`server.rs`) decodes the wire values with the schema
//! types from [`Engine::resource_schema`] and friends, calls one method
//! here per RPC, and encodes what comes back. This file holds the engine
//! itself (registry, schema cache, configured client); each RPC family
//! lives in its own file beside it:
//!
//! | file | RPCs |
//! | --- | --- |
//! | `validate.rs` | PrepareProviderConfig, Configure, Validate{ResourceType,DataSource}Config |
//! | `read.rs` | UpgradeResourceState, ReadResource, ReadDataSource |
//! | `plan.rs` | PlanResourceChange |
//! | `apply.rs` | ApplyResourceChange |
//! | `import.rs` | ImportResourceState (by id or identity), the identity RPCs |
//! | `list.rs` | ValidateListResourceConfig, ListResource, GenerateResourceConfig |
//! | `ephemeral.rs` | the ephemeral resource RPCs |
//! | `actions.rs` | the action RPCs |
//!
//! `checks.rs` (configuration checks, finishing a returned state) and
//! `private.rs` (private state bytes) are shared by them. Tests sit beside
//! each file and drive the one fake provider of [`crate::testing`].

use std::collections::BTreeMap;
use std::sync::Arc;

use super::diag::Diagnostic;
use super::resource::{
    Ctx, DataSource, EphemeralResource, IdentitySchema, Provider, Resource, Route,
};
use super::schema::{Attribute, Schema, Served, Type};
use super::value::Value;

mod actions;
mod apply;
mod checks;
mod ephemeral;
mod import;
mod list;
mod plan;
mod private;
mod read;
mod validate;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod tests;

pub use apply::{ApplyRequest, ApplyResponse};
pub use import::Imported;
pub use plan::{PlanRequest, PlanResponse};

/// What the client announced in `client_capabilities`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientCapabilities {
    /// Deferred actions allowed (we never defer).
    pub deferral_allowed: bool,
    /// Write-only attributes supported (Terraform 1.11+, protocol 5.8).
    pub write_only_attributes_allowed: bool,
}

/// Every schema the provider serves.
pub struct Schemas {
    /// Provider configuration.
    pub provider: Schema,
    /// Resources by type name.
    pub resources: BTreeMap<String, Schema>,
    /// Data sources by type name.
    pub data_sources: BTreeMap<String, Schema>,
    /// Ephemeral resources by type name.
    pub ephemeral_resources: BTreeMap<String, Schema>,
    /// Identity schemas of the resources that have one.
    pub identities: BTreeMap<String, IdentitySchema>,
    /// `config` block schemas of the resources that can be listed.
    pub list_resources: BTreeMap<String, Schema>,
}

/// A shared resource implementation.
type ResourceRef<C> = Arc<dyn Resource<C>>;

/// What a successful Configure left behind.
struct Configured<K> {
    /// What the provider's Configure built.
    configured: K,
    terraform_version: String,
    write_only_allowed: bool,
}

/// The engine for one provider.
pub struct Engine<P: Provider> {
    provider: P,
    resources: BTreeMap<String, ResourceRef<P::Client>>,
    data_sources: BTreeMap<String, Arc<dyn DataSource<P::Client>>>,
    ephemeral_resources: BTreeMap<String, Arc<dyn EphemeralResource<P::Client>>>,
    configured: tokio::sync::RwLock<Option<Configured<P::Configured>>>,
    /// Schemas built once (from schemars) and reused by every call.
    schema_cache: SchemaCache,
    /// The provider's route attribute, if it has one.
    route: Option<Route>,
}

/// Schemas by kind and type name, each built on first use.
#[derive(Default)]
struct SchemaCache(std::sync::Mutex<std::collections::HashMap<(u8, String), Cached>>);

/// One entry of [`SchemaCache`]: `None` for a schema the type does not have.
type Cached = Option<Arc<Served>>;

impl SchemaCache {
    const PROVIDER: u8 = 0;
    const RESOURCE: u8 = 1;
    const DATA_SOURCE: u8 = 2;
    const EPHEMERAL: u8 = 3;
    const ACTION: u8 = 4;
    const LIST: u8 = 5;

    /// The schema of `kind` `name`, built with `build` the first time.
    fn get(&self, kind: u8, name: &str, build: impl FnOnce() -> Schema) -> Arc<Served> {
        self.get_opt(kind, name, || Some(build()))
            .expect("a schema that is always built is cached as one")
    }

    /// [`SchemaCache::get`] for a schema a type may not have (a list
    /// block's): `None`, found by `build` the first time, is kept too.
    fn get_opt(
        &self,
        kind: u8,
        name: &str,
        build: impl FnOnce() -> Option<Schema>,
    ) -> Option<Arc<Served>> {
        let key = (kind, name.to_string());
        if let Some(s) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return s.clone();
        }
        let built = build().map(|s| Arc::new(Served::new(s)));
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key).or_insert(built).clone()
    }
}

fn unknown_type(kind: &str, type_name: &str, provider: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Unknown {kind} type {type_name:?}"),
        format!(
            "The {provider} provider has no {kind} type {type_name:?}. Check the spelling in the configuration, \
             or upgrade the provider if the type was added in a newer version."
        ),
    )
}

fn not_configured() -> Diagnostic {
    Diagnostic::error(
        "Provider not configured",
        "The provider was asked to work on a resource before its configuration succeeded. Fix the errors reported \
         for the provider block; if its arguments depend on values known only after apply, apply those first \
         (for example with -target).",
    )
}

fn provider_bug(summary: impl Into<String>, detail: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        summary,
        format!(
            "{detail}. This is a bug in the provider; please report it together with the configuration that triggered it."
        ),
    )
}

impl<P: Provider> Engine<P> {
    /// Builds the engine over `provider`.
    pub fn new(provider: P) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| (r.type_name().to_string(), r))
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| (d.type_name().to_string(), d))
            .collect();
        let ephemeral_resources = provider
            .ephemeral_resources()
            .into_iter()
            .map(|e| (e.type_name().to_string(), e))
            .collect();
        Engine {
            resources,
            data_sources,
            ephemeral_resources,
            configured: tokio::sync::RwLock::new(None),
            schema_cache: SchemaCache::default(),
            route: provider.route(),
            provider,
        }
    }

    /// The provider the engine serves.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// The provider type name.
    pub fn type_name(&self) -> &'static str {
        self.provider.type_name()
    }

    /// Every schema (GetSchema).
    pub fn schemas(&self) -> Schemas {
        Schemas {
            provider: self.provider_schema().schema.clone(),
            resources: self
                .resources
                .iter()
                .map(|(n, r)| (n.clone(), self.resource_schema_of(n, r).schema.clone()))
                .collect(),
            data_sources: self
                .data_sources
                .iter()
                .map(|(n, d)| (n.clone(), self.data_source_schema_of(n, d).schema.clone()))
                .collect(),
            ephemeral_resources: self
                .ephemeral_resources
                .iter()
                .map(|(n, e)| (n.clone(), self.ephemeral_schema_of(n, e).schema.clone()))
                .collect(),
            identities: self.identity_schemas(),
            list_resources: self.list_schemas(),
        }
    }

    /// The identity schema of every resource type that has one.
    pub fn identity_schemas(&self) -> BTreeMap<String, IdentitySchema> {
        self.resources
            .iter()
            .filter_map(|(n, r)| self.identity_schema_of(r).map(|s| (n.clone(), s)))
            .collect()
    }

    /// The identity schema of resource `r` as served (with the route
    /// attribute), if it has one.
    fn identity_schema_of(&self, r: &ResourceRef<P::Client>) -> Option<IdentitySchema> {
        r.identity_schema().map(|s| self.routed_identity(s))
    }

    /// The list-resource schema of every resource type that can be listed.
    pub fn list_schemas(&self) -> BTreeMap<String, Schema> {
        self.resources
            .iter()
            .filter_map(|(n, r)| {
                self.list_schema_of(n, r)
                    .map(|s| (n.clone(), s.schema.clone()))
            })
            .collect()
    }

    /// The type names of the resources, data sources and ephemeral
    /// resources, known without building any schema.
    pub fn type_names(&self) -> [Vec<String>; 3] {
        [
            self.resources.keys().cloned().collect(),
            self.data_sources.keys().cloned().collect(),
            self.ephemeral_resources.keys().cloned().collect(),
        ]
    }

    /// The schema of resource type `name`, built on first use.
    pub fn shared_resource_schema(&self, name: &str) -> Option<Arc<Served>> {
        let r = self.resources.get(name)?;
        Some(self.resource_schema_of(name, r))
    }

    /// The schema of data source type `name`, built on first use.
    pub fn shared_data_source_schema(&self, name: &str) -> Option<Arc<Served>> {
        let d = self.data_sources.get(name)?;
        Some(self.data_source_schema_of(name, d))
    }

    /// The schema of ephemeral resource type `name`, built on first use.
    pub fn shared_ephemeral_schema(&self, name: &str) -> Option<Arc<Served>> {
        let e = self.ephemeral_resources.get(name)?;
        Some(self.ephemeral_schema_of(name, e))
    }

    /// The schema of the `config` block of resource type `name`'s list
    /// blocks, built on first use; `None` when it cannot be listed.
    pub fn shared_list_schema(&self, name: &str) -> Option<Arc<Served>> {
        let r = self.resources.get(name)?;
        self.list_schema_of(name, r)
    }

    /// The value type of resource type `name`'s identity, when it has one.
    pub fn identity_type(&self, name: &str) -> Option<Type> {
        Some(
            self.identity_schema_of(self.resources.get(name)?)?
                .value_type(),
        )
    }

    /// The provider's own schema, built on first use.
    pub fn provider_schema(&self) -> Arc<Served> {
        self.schema_cache
            .get(SchemaCache::PROVIDER, "", || self.provider.schema())
    }

    fn resource_schema_of(&self, name: &str, r: &ResourceRef<P::Client>) -> Arc<Served> {
        self.schema_cache.get(SchemaCache::RESOURCE, name, || {
            self.routed(r.schema(), true)
        })
    }

    fn data_source_schema_of(&self, name: &str, d: &Arc<dyn DataSource<P::Client>>) -> Arc<Served> {
        self.schema_cache.get(SchemaCache::DATA_SOURCE, name, || {
            self.routed(d.schema(), false)
        })
    }

    fn ephemeral_schema_of(
        &self,
        name: &str,
        e: &Arc<dyn EphemeralResource<P::Client>>,
    ) -> Arc<Served> {
        self.schema_cache.get(SchemaCache::EPHEMERAL, name, || {
            self.routed(e.schema(), false)
        })
    }

    /// The schema of the `config` block of resource type `name`'s list
    /// blocks, if it can be listed.
    fn list_schema_of(&self, name: &str, r: &ResourceRef<P::Client>) -> Option<Arc<Served>> {
        self.schema_cache.get_opt(SchemaCache::LIST, name, || {
            r.list_schema().map(|s| self.routed(s, false))
        })
    }

    /// `schema` with the provider's route attribute added (optional; a
    /// change `replaces` the object when asked).
    fn routed(&self, mut schema: Schema, replaces: bool) -> Schema {
        if let Some(route) = self.route {
            schema
                .block
                .attributes
                .retain(|a| a.name != route.attribute);
            schema.block.attributes.push(Attribute {
                name: route.attribute.to_string(),
                ty: Some(Type::String),
                description: route.description.to_string(),
                optional: true,
                requires_replace: replaces,
                ..Default::default()
            });
            schema.block.attributes.sort_by(|a, b| a.name.cmp(&b.name));
        }
        schema
    }

    /// `identity` with the provider's route attribute added (optional for
    /// import), one version on: a stored identity from before has no such
    /// attribute, and [`Engine::upgrade_resource_identity`] adds it.
    fn routed_identity(&self, mut identity: IdentitySchema) -> IdentitySchema {
        if let Some(route) = self.route {
            identity.version += 1;
            identity
                .attributes
                .push((route.attribute.to_string(), route.description.to_string()));
            identity.optional.push(route.attribute.to_string());
        }
        identity
    }

    /// The route a call takes from the value `v` (a configuration, plan,
    /// state or identity): its route attribute, `None` when unset or when
    /// the provider has none; an error when it is not known yet.
    fn route_in(&self, v: &Value) -> Result<Option<String>, Diagnostic> {
        let Some(route) = self.route else {
            return Ok(None);
        };
        match v.get(route.attribute) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Diagnostic::error(
                format!("`{}` is not known yet", route.attribute),
                format!(
                    "`{}` picks where this object lives, so it must be known when Terraform plans: \
                     give it a value that does not depend on another resource's result.",
                    route.attribute
                ),
            )
            .at_attr(route.attribute)),
        }
    }

    /// A value a call returned (a state, a data source or ephemeral
    /// result, a listed object) as Terraform gets it: finished to the
    /// type's `schema` ([`checks::finish_state`], `what` naming it in a
    /// provider-bug error) with the `route` it took recorded.
    fn finished(
        &self,
        schema: &Served,
        mut v: Value,
        route: Option<&str>,
        what: &str,
        diags: &mut super::diag::Diagnostics,
    ) -> Value {
        self.stamp(&mut v, route);
        checks::finish_state(&schema.block, &schema.ty, v, what, diags)
    }

    /// Records `route` in the object `v` returned by a call (a state, a
    /// data source or ephemeral result, an identity).
    fn stamp(&self, v: &mut Value, route: Option<&str>) {
        if let (Some(r), Value::Object(map)) = (self.route, v) {
            map.insert(
                r.attribute.to_string(),
                route.map_or(Value::Null, Value::string),
            );
        }
    }

    /// The route and the rest of an import id: `core/macsec1` goes to
    /// `core` when `core` is one of the route names, any other id to the
    /// default route whole.
    fn split_import_id<'a>(
        &self,
        configured: &P::Configured,
        id: &'a str,
    ) -> (Option<String>, &'a str) {
        if self.route.is_some() {
            if let Some((head, rest)) = id.split_once('/') {
                if self
                    .provider
                    .route_names(configured)
                    .iter()
                    .any(|n| n == head)
                {
                    return (Some(head.to_string()), rest);
                }
            }
        }
        (None, id)
    }

    /// The schema of a resource type, if it exists.
    pub fn resource_schema(&self, type_name: &str) -> Option<Schema> {
        self.resources
            .get(type_name)
            .map(|r| self.resource_schema_of(type_name, r).schema.clone())
    }

    /// The schema of a data source type, if it exists.
    pub fn data_source_schema(&self, type_name: &str) -> Option<Schema> {
        self.data_sources
            .get(type_name)
            .map(|d| self.data_source_schema_of(type_name, d).schema.clone())
    }

    fn resource(
        &self,
        type_name: &str,
    ) -> Result<(&ResourceRef<P::Client>, Arc<Served>), Diagnostic> {
        self.resources
            .get(type_name)
            .map(|r| (r, self.resource_schema_of(type_name, r)))
            .ok_or_else(|| unknown_type("resource", type_name, self.type_name()))
    }

    /// The context for a call routed to `route` (see [`Route`]), or the
    /// "not configured" error, or why that route's client cannot be used.
    async fn ctx(
        &self,
        caps: Option<ClientCapabilities>,
        route: Option<&str>,
        schema: &Arc<Served>,
    ) -> Result<Ctx<P::Client>, Diagnostic> {
        let guard = self.configured.read().await;
        let c = guard.as_ref().ok_or_else(not_configured)?;
        let client = self.provider.ready(&c.configured, route).await?;
        Ok(Ctx {
            client,
            schema: Arc::clone(schema),
            terraform_version: c.terraform_version.clone(),
            write_only_allowed: caps.map_or(c.write_only_allowed, |k| {
                k.write_only_attributes_allowed || c.write_only_allowed
            }),
        })
    }

    /// The context for a call on the object `v` (configuration, plan or
    /// state), routed by its route attribute, and that route.
    async fn ctx_for(
        &self,
        caps: Option<ClientCapabilities>,
        v: &Value,
        schema: &Arc<Served>,
    ) -> Result<(Ctx<P::Client>, Option<String>), Diagnostic> {
        let route = self.route_in(v)?;
        let ctx = self.ctx(caps, route.as_deref(), schema).await?;
        Ok((ctx, route))
    }

    /// Stop: asks the provider to cancel in-flight work (returns at once).
    pub fn stop(&self) {
        self.provider.stop();
    }

    /// The schemas built so far, as (kind, type name), sorted: for tests
    /// of what a call builds.
    #[cfg(test)]
    pub(crate) fn built_schemas(&self) -> Vec<(u8, String)> {
        let map = self
            .schema_cache
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let mut built: Vec<(u8, String)> = map
            .iter()
            .filter(|(_, s)| s.is_some())
            .map(|(k, _)| k.clone())
            .collect();
        built.sort();
        built
    }
}

redact::debug!(Schemas);

redact::debug!(Engine<P> where P: Provider);
