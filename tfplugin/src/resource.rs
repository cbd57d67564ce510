//! The traits a provider, its resources and its data sources implement.
//! The plugin layer owns the generic protocol logic (plan engine, defaults,
//! unknowns, requires-replace, private state, write-only nulling); these
//! traits carry only what is specific to one object type.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::diag::{Diagnostic, Diagnostics};
use super::schema::Schema;
use super::value::Value;

pub use super::ctx::Ctx;

/// Private state: opaque to Terraform, carried by the plugin layer through
/// read, plan and apply, stored beside the resource in state (JSON bytes).
/// Keep no secret in it.
pub type Private = BTreeMap<String, serde_json::Value>;

/// Inputs of a plan, given to [`Resource::modify_plan`].
pub struct PlanInput<'a> {
    /// State before the change (`Value::Null` on create).
    pub prior_state: &'a Value,
    /// The configuration (may hold unknowns).
    pub config: &'a Value,
    /// Terraform's proposed new state.
    pub proposed: &'a Value,
}

/// The identity schema of a resource type (protocol 5.9, Terraform 1.12+):
/// string attributes that name one object on the router.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentitySchema {
    /// Version; [`Resource::upgrade_identity`] brings older ones forward.
    pub version: i64,
    /// (name, description) of each attribute; all strings, required for
    /// import unless named in `optional`.
    pub attributes: Vec<(String, String)>,
    /// The attributes an import may leave out.
    pub optional: Vec<String>,
}

impl IdentitySchema {
    /// A stored identity (`json`) of this schema's version as a value:
    /// each attribute's string, null where it is missing or not a string.
    pub fn read_json(&self, json: &serde_json::Value) -> Value {
        Value::Object(
            self.attributes
                .iter()
                .map(|(name, _)| {
                    let v = json
                        .get(name)
                        .and_then(|v| v.as_str())
                        .map_or(Value::Null, Value::string);
                    (name.clone(), v)
                })
                .collect(),
        )
    }

    /// The value type of an identity: an object of strings.
    pub fn value_type(&self) -> crate::schema::Type {
        crate::schema::Type::Object(
            self.attributes
                .iter()
                .map(|(n, _)| (n.clone(), crate::schema::Type::String))
                .collect(),
        )
    }
}

/// A `list` block's request (`terraform query`, Terraform 1.14+).
pub struct ListRequest<'a> {
    /// The `config` block of the list block (null when absent).
    pub config: &'a Value,
    /// `include_resource = true`: return whole objects too.
    pub include_resource: bool,
    /// At most this many results.
    pub limit: Option<i64>,
}

/// One object a list found.
pub struct ListItem {
    /// Its identity (shaped by [`Resource::identity_schema`]).
    pub identity: Value,
    /// A name for people.
    pub display_name: String,
    /// The whole object (state shape), when asked for.
    pub object: Option<Value>,
}

/// One managed resource type.
#[async_trait]
pub trait Resource<C: Send + Sync + 'static>: Send + Sync {
    /// Full type name, e.g. `routeros_macsec_interface`.
    fn type_name(&self) -> &'static str;

    /// The schema (derived from the model struct).
    fn schema(&self) -> Schema;

    /// Checks a configuration, which may hold unknowns (skip those). The
    /// engine has already checked types, required attributes and conflicts
    /// it can see from the schema.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Adjusts the plan the engine computed (defaults applied, computed
    /// values unknown where they will change, requires-replace resolved) and
    /// adds plan-time diagnostics. Not called for a destroy.
    async fn modify_plan(
        &self,
        _ctx: &Ctx<C>,
        _input: &PlanInput<'_>,
        _planned: &mut Value,
        _private: &mut Private,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Creates the object. Returns the new state (wholly known), or `None`
    /// with an error in `diags`. Returning a state together with an error
    /// records a partly created object (Terraform taints it).
    async fn create(
        &self,
        ctx: &Ctx<C>,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Reads the object. `Ok(None)`-like result: return `None` without an
    /// error when the object is gone, so Terraform plans to create it again.
    async fn read(
        &self,
        ctx: &Ctx<C>,
        state: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Updates the object in place. Returns the new state, or `None` with an
    /// error (the prior state is kept).
    async fn update(
        &self,
        ctx: &Ctx<C>,
        prior: &Value,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Deletes the object. An object already gone is not an error.
    async fn delete(&self, ctx: &Ctx<C>, prior: &Value, private: &Private, diags: &mut Diagnostics);

    /// Turns an import id into a stub state that [`Resource::read`] can
    /// complete (attributes left out are filled with null by the engine).
    async fn import(&self, ctx: &Ctx<C>, id: &str, diags: &mut Diagnostics) -> Option<Value>;

    /// The identity schema, if the type has one.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// The identity of an object given its state.
    fn identity(&self, _state: &Value) -> Option<Value> {
        None
    }

    /// A warning when the object in `state` no longer matches the identity
    /// Terraform stored for it (changed on the router). The stored identity
    /// is kept, since Terraform forbids a read to change it.
    fn identity_changed(&self, _prior_identity: &Value, _state: &Value) -> Option<Diagnostic> {
        None
    }

    /// Brings an identity stored at an older `version` (JSON) to the
    /// current one. The default accepts the current version only.
    fn upgrade_identity(&self, version: i64, json: &serde_json::Value) -> Result<Value, String> {
        let current = self.identity_schema().map_or(0, |s| s.version);
        if version != current {
            return Err(format!(
                "identity version {version} is not known (this provider writes version {current})"
            ));
        }
        Ok(self
            .identity_schema()
            .map_or(Value::Object(BTreeMap::new()), |s| s.read_json(json)))
    }

    /// Imports by identity (`import { identity = {...} }`): a stub state
    /// like [`Resource::import`].
    async fn import_identity(
        &self,
        _ctx: &Ctx<C>,
        _identity: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        diags.push(super::diag::Diagnostic::error(
            format!("{} cannot be imported by identity", self.type_name()),
            "Import it by id instead: `terraform import <address> <id>`.",
        ));
        None
    }

    /// The schema of the `config` block of a `list` block, if the type can
    /// be listed.
    fn list_schema(&self) -> Option<Schema> {
        None
    }

    /// Lists objects on the router (`terraform query`).
    async fn list(
        &self,
        _ctx: &Ctx<C>,
        _request: &ListRequest<'_>,
        _diags: &mut Diagnostics,
    ) -> Vec<ListItem> {
        Vec::new()
    }

    /// The configuration `-generate-config-out` writes for an object in
    /// `state`, of the type's served `schema` (None: Terraform's own, from
    /// the state).
    fn generate_config(
        &self,
        _schema: &crate::schema::Served,
        _state: &Value,
        _diags: &mut Diagnostics,
    ) -> Option<Value> {
        None
    }
}

/// One data source type.
#[async_trait]
pub trait DataSource<C: Send + Sync + 'static>: Send + Sync {
    /// Full type name, e.g. `routeros_system_resource`.
    fn type_name(&self) -> &'static str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Checks a configuration, which may hold unknowns.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads it. Returns the state (wholly known) or `None` with an error.
    async fn read(&self, ctx: &Ctx<C>, config: &Value, diags: &mut Diagnostics) -> Option<Value>;
}

/// One ephemeral resource type (protocol 5.7, Terraform 1.10+ and
/// OpenTofu 1.11+): a value produced anew in every plan and apply and never
/// stored in plan or state, such as a decrypted secret.
#[async_trait]
pub trait EphemeralResource<C: Send + Sync + 'static>: Send + Sync {
    /// Full type name, e.g. `routeros_age_secret`.
    fn type_name(&self) -> &'static str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Checks a configuration, which may hold unknowns (skip those).
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Opens it: returns the result (wholly known), or `None` with an error
    /// in `diags`. The configuration is wholly known (the engine answers
    /// for unknown configurations itself). Nothing is renewed or closed:
    /// the result must not depend on a lease.
    async fn open(&self, ctx: &Ctx<C>, config: &Value, diags: &mut Diagnostics) -> Option<Value>;
}

/// An attribute that every type of a provider has and that picks which
/// of the provider's clients a call uses, such as the router of a fleet
/// that one provider configuration serves. The engine adds it to every
/// schema (a resource's requires replacement when it changes), reads it
/// from the configuration or state of each call, asks
/// [`Provider::ready`] for that client, and records it in every state it
/// returns: the types themselves never see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The attribute's name, such as `router`.
    pub attribute: &'static str,
    /// Its description, for every schema that carries it.
    pub description: &'static str,
}

/// The provider itself.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What [`Provider::configure`] builds: one client, or several that
    /// the [`Route`] attribute picks from.
    type Configured: Send + Sync + 'static;

    /// What every call receives (from [`Provider::ready`]).
    type Client: Send + Sync + 'static;

    /// The provider type name, e.g. `routeros`.
    fn type_name(&self) -> &'static str;

    /// The provider configuration schema.
    fn schema(&self) -> Schema;

    /// Checks the provider configuration, which may hold unknowns.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// The attribute that routes a call to one of several clients, if the
    /// provider has one (see [`Route`]).
    fn route(&self) -> Option<Route> {
        None
    }

    /// Builds the clients from the configuration (need not connect: see
    /// [`Provider::ready`]).
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        diags: &mut Diagnostics,
    ) -> Option<Self::Configured>;

    /// The client for a call whose [`Route`] attribute is `route` (`None`
    /// when unset or when the provider has no route), made ready for the
    /// call (connected on first use), or why it cannot be. The engine
    /// awaits this before every resource, data source, ephemeral resource
    /// and action call, so [`Provider::configure`] need not connect: the
    /// calls that never need the router (schema, validation, Configure)
    /// cost no connection.
    async fn ready(
        &self,
        configured: &Self::Configured,
        route: Option<&str>,
    ) -> Result<Arc<Self::Client>, Diagnostic>;

    /// The names the [`Route`] attribute may take in `configured`: an
    /// import id that starts with one of them and a `/` is routed there.
    fn route_names(&self, _configured: &Self::Configured) -> Vec<String> {
        Vec::new()
    }

    /// Terraform's Stop (`StopProvider`, the first Ctrl-C): asks in-flight
    /// work to end early. Returns at once; the calls still running return
    /// when they have stopped and cleaned up.
    fn stop(&self) {}

    /// Every resource type.
    fn resources(&self) -> Vec<Arc<dyn Resource<Self::Client>>>;

    /// Every data source type.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Self::Client>>>;

    /// Every ephemeral resource type (none unless overridden).
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Self::Client>>> {
        Vec::new()
    }

    /// Every action type (none unless overridden; Terraform 1.14+).
    fn actions(&self) -> Vec<Arc<dyn super::action::Action<Self::Client>>> {
        Vec::new()
    }
}

/// The model `T` of a configuration, plan or state value. When the value
/// does not fit (the model and its schema disagree: a provider bug), adds an
/// error diagnostic and returns `None`.
pub fn model_of<T: serde::de::DeserializeOwned>(
    value: &Value,
    diags: &mut Diagnostics,
) -> Option<T> {
    match super::model::to_model(value) {
        Ok(m) => Some(m),
        Err(e) => {
            diags.push(super::diag::Diagnostic::error(
                "Internal error: a value does not fit the provider's model",
                format!("{e}. This is a provider bug; please report it."),
            ));
            None
        }
    }
}

/// The value of `model` in the shape of `schema` (usually the call's
/// [`Ctx::schema`]). When it does not fit (a provider bug), adds an error
/// diagnostic and returns `None`.
pub fn value_of<T: serde::Serialize>(
    model: &T,
    schema: &crate::schema::Served,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match super::model::from_model(model, &schema.ty) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(super::diag::Diagnostic::error(
                "Internal error: the provider's model does not fit its schema",
                format!("{e}. This is a provider bug; please report it."),
            ));
            None
        }
    }
}

redact::debug!(PlanInput<'a>);

redact::debug!(ListRequest<'a>);

redact::debug!(ListItem);
