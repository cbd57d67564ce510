//! The plan engine every resource shares: dispatch by type name, schema
//! checks, defaults, unknown computed values, requires-replace, private
//! state carried through, write-only values nulled, create/update/delete
//! dispatch on apply, import stubs and state upgrades.
//!
//! The gRPC server (`server.rs`) decodes the wire values with the schema
//! types from [`Engine::resource_schema`] and friends, calls one method
//! here per RPC, and encodes what comes back.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::codec::{Extra, value_from_json};
use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::resource::{
    Ctx, DataSource, EphemeralResource, IdentitySchema, ListItem, ListRequest, PlanInput, Private,
    Provider, Resource,
};
use super::schema::{Block, Nesting, Schema, Type};
use super::value::{Value, check_type, conform};

mod actions;

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

/// PlanResourceChange input, decoded.
pub struct PlanRequest {
    /// Resource type name.
    pub type_name: String,
    /// Prior state (null on create).
    pub prior_state: Value,
    /// Terraform's proposed new state (null on destroy).
    pub proposed_new_state: Value,
    /// Configuration (null on destroy).
    pub config: Value,
    /// Private state from the prior state.
    pub prior_private: Vec<u8>,
    /// Client capabilities.
    pub capabilities: ClientCapabilities,
}

/// PlanResourceChange output.
pub struct PlanResponse {
    /// The planned state.
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Private state to pass to apply.
    pub planned_private: Vec<u8>,
    /// Diagnostics.
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange input, decoded.
pub struct ApplyRequest {
    /// Resource type name.
    pub type_name: String,
    /// Prior state (null on create).
    pub prior_state: Value,
    /// Planned state (null on delete).
    pub planned_state: Value,
    /// Configuration (holds write-only values).
    pub config: Value,
    /// Private state from the plan.
    pub planned_private: Vec<u8>,
}

/// ApplyResourceChange output.
pub struct ApplyResponse {
    /// New state (null after a delete).
    pub new_state: Value,
    /// Private state to store.
    pub private: Vec<u8>,
    /// Diagnostics.
    pub diagnostics: Diagnostics,
}

/// One imported object.
pub struct Imported {
    /// Its type name.
    pub type_name: String,
    /// Stub state, complete in shape.
    pub state: Value,
    /// Private state.
    pub private: Vec<u8>,
}

/// A shared resource implementation.
type ResourceRef<C> = Arc<dyn Resource<C>>;

/// What a successful Configure left behind.
struct Configured<C> {
    client: Arc<C>,
    terraform_version: String,
    write_only_allowed: bool,
}

/// The engine for one provider.
pub struct Engine<P: Provider> {
    provider: P,
    resources: BTreeMap<String, ResourceRef<P::Client>>,
    data_sources: BTreeMap<String, Arc<dyn DataSource<P::Client>>>,
    ephemeral_resources: BTreeMap<String, Arc<dyn EphemeralResource<P::Client>>>,
    configured: tokio::sync::RwLock<Option<Configured<P::Client>>>,
    /// Schemas built once (from schemars) and reused by every call.
    schema_cache: SchemaCache,
}

/// Schemas by kind and type name, each built on first use.
#[derive(Default)]
struct SchemaCache(std::sync::Mutex<std::collections::HashMap<(u8, String), Arc<Schema>>>);

impl SchemaCache {
    const PROVIDER: u8 = 0;
    const RESOURCE: u8 = 1;
    const DATA_SOURCE: u8 = 2;
    const EPHEMERAL: u8 = 3;

    /// The schema of `kind` `name`, built with `build` the first time.
    fn get(&self, kind: u8, name: &str, build: impl FnOnce() -> Schema) -> Arc<Schema> {
        let key = (kind, name.to_string());
        if let Some(s) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Arc::clone(s);
        }
        let built = Arc::new(build());
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(map.entry(key).or_insert(built))
    }
}

// ---------------------------------------------------------------------------
// Diagnostics the engine itself produces
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Private state
// ---------------------------------------------------------------------------

/// Decodes private state bytes (a JSON object; empty bytes are an empty
/// map). Something else is not fatal: the private state is dropped with a
/// warning, since it only carries hints.
fn decode_private(bytes: &[u8], diags: &mut Diagnostics) -> Private {
    if bytes.is_empty() {
        return Private::new();
    }
    match serde_json::from_slice::<Private>(bytes) {
        Ok(p) => p,
        Err(e) => {
            diags.push(Diagnostic::warning(
                "Private state ignored",
                format!("The private data stored with this resource is not a JSON object ({e}); it was dropped and will be rebuilt."),
            ));
            Private::new()
        }
    }
}

/// Encodes private state: an empty map is empty bytes.
fn encode_private(p: &Private) -> Vec<u8> {
    if p.is_empty() {
        return Vec::new();
    }
    serde_json::to_vec(p).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Schema checks and value fixing
// ---------------------------------------------------------------------------

/// True when `n` is a whole number that fits an `i64`.
fn is_whole(n: &crate::plugin::value::Number) -> bool {
    use crate::plugin::value::Number;
    match n {
        Number::Int(_) => true,
        other => {
            let f = other.to_f64();
            f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18
        }
    }
}

/// Checks a configuration against the schema: required attributes present
/// (an unknown counts as present), computed-only attributes not set,
/// write-only attributes only where the client supports them, deprecated
/// attributes warned about, block counts within their limits.
fn check_config(
    block: &Block,
    config: &Value,
    path: &AttributePath,
    write_only_allowed: bool,
    diags: &mut Diagnostics,
) {
    if !matches!(config, Value::Object(_) | Value::Map(_)) {
        return;
    }
    for a in &block.attributes {
        let v = config.get(&a.name).unwrap_or(&Value::Null);
        let at = path.clone().attr(&a.name);
        if a.required && v.is_null() {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!(
                        "The argument {:?} is required, but no definition was found.",
                        a.name
                    ),
                )
                .at(at.clone()),
            );
        }
        if a.computed && !a.optional && !a.required && !v.is_null() {
            diags.push(
                Diagnostic::error(
                    "Value for unconfigurable attribute",
                    format!("{:?} is set by the provider and cannot be configured; remove it from the configuration.", a.name),
                )
                .at(at.clone()),
            );
        }
        if a.write_only && !write_only_allowed && !v.is_null() {
            let instead = match &a.write_only_alternative {
                Some(alt) => format!("upgrade, or use {alt} instead"),
                None => "upgrade, or leave it out".to_owned(),
            };
            diags.push(
                Diagnostic::error(
                    "Write-only attribute not supported",
                    format!(
                        "{:?} is write-only, which needs Terraform 1.11 or OpenTofu 1.11 or later (plugin protocol 5.8); this Terraform did not announce write-only support: {instead}.",
                        a.name
                    ),
                )
                .at(at.clone()),
            );
        }
        if a.integer
            && let Value::Number(n) = v
            && !is_whole(n)
        {
            diags.push(
                Diagnostic::error(
                    "Not a whole number",
                    format!(
                        "{} = {}: {:?} takes a whole number. Give an integer, such as {}.",
                        a.name,
                        n.to_f64(),
                        a.name,
                        n.to_f64().trunc()
                    ),
                )
                .at(at.clone()),
            );
        }
        if let Some(msg) = &a.deprecated
            && !v.is_null()
        {
            diags.push(
                Diagnostic::warning(format!("Argument {:?} is deprecated", a.name), msg.clone())
                    .at(at),
            );
        }
    }
    for nb in &block.block_types {
        let v = config.get(&nb.type_name).unwrap_or(&Value::Null);
        let at = path.clone().attr(&nb.type_name);
        let count = match (nb.nesting, v) {
            (Nesting::Single | Nesting::Group, Value::Null) => Some(0),
            (Nesting::Single | Nesting::Group, Value::Unknown(_)) => None,
            (Nesting::Single | Nesting::Group, inner) => {
                check_config(&nb.block, inner, &at, write_only_allowed, diags);
                Some(1)
            }
            (_, Value::List(items) | Value::Set(items)) => {
                for (i, item) in items.iter().enumerate() {
                    check_config(
                        &nb.block,
                        item,
                        &at.clone().index(i as i64),
                        write_only_allowed,
                        diags,
                    );
                }
                (!items.iter().any(Value::is_unknown)).then_some(items.len() as i64)
            }
            (_, Value::Map(m)) => {
                for (k, item) in m {
                    check_config(
                        &nb.block,
                        item,
                        &at.clone().key(k),
                        write_only_allowed,
                        diags,
                    );
                }
                Some(m.len() as i64)
            }
            (_, Value::Null) => Some(0),
            _ => None,
        };
        if let Some(n) = count {
            if n < nb.min_items {
                diags.push(
                    Diagnostic::error(
                        format!("Too few {:?} blocks", nb.type_name),
                        format!(
                            "At least {} {:?} blocks are required, {n} given.",
                            nb.min_items, nb.type_name
                        ),
                    )
                    .at(at.clone()),
                );
            }
            if nb.max_items > 0 && n > nb.max_items {
                diags.push(
                    Diagnostic::error(
                        format!("Too many {:?} blocks", nb.type_name),
                        format!(
                            "At most {} {:?} blocks are allowed, {n} given.",
                            nb.max_items, nb.type_name
                        ),
                    )
                    .at(at),
                );
            }
        }
    }
}

/// Sets every write-only attribute (at the top level and in single
/// nested blocks) to null.
fn null_write_only(block: &Block, v: &mut Value) {
    if !matches!(v, Value::Object(_)) {
        return;
    }
    for a in block.attributes.iter().filter(|a| a.write_only) {
        v.set(&a.name, Value::Null);
    }
    for nb in &block.block_types {
        match v.get_mut(&nb.type_name) {
            Some(inner @ Value::Object(_)) => null_write_only(&nb.block, inner),
            Some(Value::List(items) | Value::Set(items)) => {
                items.iter_mut().for_each(|i| null_write_only(&nb.block, i))
            }
            Some(Value::Map(m)) => m.values_mut().for_each(|i| null_write_only(&nb.block, i)),
            _ => {}
        }
    }
}

/// Replaces every unknown inside `v` by null, returning the path of the
/// first one found (for a provider-bug diagnostic).
fn null_unknowns(v: &mut Value) -> Option<String> {
    let first = v.first_unknown_path()?;
    fn walk(v: &mut Value) {
        match v {
            Value::Unknown(_) => *v = Value::Null,
            Value::List(items) | Value::Set(items) => items.iter_mut().for_each(walk),
            Value::Map(m) | Value::Object(m) => m.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(v);
    Some(first)
}

/// The top-level attribute a dotted path starts with.
fn root_attr(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// Makes a value a resource returned fit to go back to Terraform: shaped
/// by the schema type, write-only attributes null, no unknowns (an
/// unknown is reported as a provider bug and replaced by null).
fn finish_state(block: &Block, ty: &Type, v: Value, what: &str, diags: &mut Diagnostics) -> Value {
    if v.is_null() {
        return v;
    }
    let mut v = conform(v, ty);
    if let Err(e) = check_type(&v, ty) {
        diags.push(provider_bug(
            format!("Provider returned a malformed {what}"),
            e,
        ));
        return Value::Null;
    }
    null_write_only(block, &mut v);
    if let Some(path) = null_unknowns(&mut v) {
        diags.push(
            provider_bug(
                format!("Provider returned an unknown value in the {what}"),
                format!("The value of {path} is still unknown after the operation; it was recorded as null"),
            )
            .at_attr(root_attr(&path)),
        );
    }
    v
}

/// True when `new` is what `planned` promised: every known planned value
/// equals the new one; unknown planned values allow anything.
fn agrees_with_plan(planned: &Value, new: &Value) -> bool {
    match (planned, new) {
        (Value::Unknown(_), _) => true,
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(p, n)| agrees_with_plan(p, n))
        }
        // Set elements with unknowns cannot be matched one to one.
        (Value::Set(_), Value::Set(_)) if !planned.is_wholly_known() => true,
        (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, p)| b.get(k).is_some_and(|n| agrees_with_plan(p, n)))
        }
        _ => planned.equivalent(new),
    }
}

/// Renders a value for a diagnostic (secrets are not rendered).
fn show(v: &Value, sensitive: bool) -> String {
    if sensitive {
        return "(sensitive value)".into();
    }
    match v {
        Value::Null => "null".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        v => v.to_json().to_string(),
    }
}

/// An import's stub, checked and completed in shape (write-only and
/// unknown values nulled: ReadResource completes it), or the error for an
/// import that found nothing (`what` names what was given).
fn finish_import(
    type_name: &str,
    block: &Block,
    stub: Option<Value>,
    what: &str,
    mut diags: Diagnostics,
) -> (Vec<Imported>, Diagnostics) {
    let ty = block.value_type();
    match stub {
        Some(stub) if !stub.is_null() => {
            let mut state = conform(stub, &ty);
            if let Err(e) = check_type(&state, &ty) {
                diags.push(provider_bug("Provider returned a malformed import stub", e));
                return (Vec::new(), diags);
            }
            null_write_only(block, &mut state);
            let _ = null_unknowns(&mut state);
            (
                vec![Imported {
                    type_name: type_name.to_string(),
                    state,
                    private: Vec::new(),
                }],
                diags,
            )
        }
        _ => {
            if !diags.has_error() {
                diags.push(Diagnostic::error(
                    "Cannot import",
                    format!("No {type_name} was found for {what}. Check it, and that the object exists on the router."),
                ));
            }
            (Vec::new(), diags)
        }
    }
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
            provider,
            resources,
            data_sources,
            ephemeral_resources,
            configured: tokio::sync::RwLock::new(None),
            schema_cache: SchemaCache::default(),
        }
    }

    /// The provider type name.
    pub fn type_name(&self) -> &'static str {
        self.provider.type_name()
    }

    /// Every schema (GetSchema).
    pub fn schemas(&self) -> Schemas {
        Schemas {
            provider: (*self.provider_schema()).clone(),
            resources: self
                .resources
                .iter()
                .map(|(n, r)| (n.clone(), (*self.resource_schema_of(n, r)).clone()))
                .collect(),
            data_sources: self
                .data_sources
                .iter()
                .map(|(n, d)| (n.clone(), (*self.data_source_schema_of(n, d)).clone()))
                .collect(),
            ephemeral_resources: self
                .ephemeral_resources
                .iter()
                .map(|(n, e)| (n.clone(), (*self.ephemeral_schema_of(n, e)).clone()))
                .collect(),
            identities: self
                .resources
                .iter()
                .filter_map(|(n, r)| r.identity_schema().map(|s| (n.clone(), s)))
                .collect(),
            list_resources: self
                .resources
                .iter()
                .filter_map(|(n, r)| r.list_schema().map(|s| (n.clone(), s)))
                .collect(),
        }
    }

    fn provider_schema(&self) -> Arc<Schema> {
        self.schema_cache
            .get(SchemaCache::PROVIDER, "", || self.provider.schema())
    }

    fn resource_schema_of(&self, name: &str, r: &ResourceRef<P::Client>) -> Arc<Schema> {
        self.schema_cache
            .get(SchemaCache::RESOURCE, name, || r.schema())
    }

    fn data_source_schema_of(&self, name: &str, d: &Arc<dyn DataSource<P::Client>>) -> Arc<Schema> {
        self.schema_cache
            .get(SchemaCache::DATA_SOURCE, name, || d.schema())
    }

    fn ephemeral_schema_of(
        &self,
        name: &str,
        e: &Arc<dyn EphemeralResource<P::Client>>,
    ) -> Arc<Schema> {
        self.schema_cache
            .get(SchemaCache::EPHEMERAL, name, || e.schema())
    }

    /// The schema of a resource type, if it exists.
    pub fn resource_schema(&self, type_name: &str) -> Option<Schema> {
        self.resources
            .get(type_name)
            .map(|r| (*self.resource_schema_of(type_name, r)).clone())
    }

    /// The schema of a data source type, if it exists.
    pub fn data_source_schema(&self, type_name: &str) -> Option<Schema> {
        self.data_sources
            .get(type_name)
            .map(|d| (*self.data_source_schema_of(type_name, d)).clone())
    }

    fn resource(
        &self,
        type_name: &str,
    ) -> Result<(&ResourceRef<P::Client>, Arc<Schema>), Diagnostic> {
        self.resources
            .get(type_name)
            .map(|r| (r, self.resource_schema_of(type_name, r)))
            .ok_or_else(|| unknown_type("resource", type_name, self.type_name()))
    }

    /// The context for a resource call, or the "not configured" error.
    async fn ctx(&self, caps: Option<ClientCapabilities>) -> Result<Ctx<P::Client>, Diagnostic> {
        let guard = self.configured.read().await;
        let c = guard.as_ref().ok_or_else(not_configured)?;
        self.provider.ready(&c.client).await?;
        Ok(Ctx {
            client: Arc::clone(&c.client),
            terraform_version: c.terraform_version.clone(),
            write_only_allowed: caps.map_or(c.write_only_allowed, |k| {
                k.write_only_attributes_allowed || c.write_only_allowed
            }),
        })
    }

    /// PrepareProviderConfig: checks, and returns the config unchanged.
    pub async fn validate_provider_config(&self, config: Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let schema = self.provider_schema();
        check_config(
            &schema.block,
            &config,
            &AttributePath::default(),
            true,
            &mut diags,
        );
        self.provider.validate(&config, &mut diags);
        (config, diags)
    }

    /// Configure.
    pub async fn configure(
        &self,
        config: Value,
        terraform_version: &str,
        caps: ClientCapabilities,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let schema = self.provider_schema();
        let config = conform(config, &schema.block.value_type());
        if let Some(client) = self
            .provider
            .configure(&config, terraform_version, &mut diags)
            .await
        {
            *self.configured.write().await = Some(Configured {
                client: Arc::new(client),
                terraform_version: terraform_version.to_string(),
                write_only_allowed: caps.write_only_attributes_allowed,
            });
        }
        diags
    }

    /// ValidateResourceTypeConfig.
    pub async fn validate_resource_config(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match self.resource(type_name) {
            Ok((r, schema)) => {
                check_config(
                    &schema.block,
                    &config,
                    &AttributePath::default(),
                    caps.write_only_attributes_allowed,
                    &mut diags,
                );
                r.validate(&config, &mut diags);
            }
            Err(d) => diags.push(d),
        }
        diags
    }

    /// ValidateDataSourceConfig.
    pub async fn validate_data_source_config(&self, type_name: &str, config: Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match self.data_sources.get(type_name) {
            Some(d) => {
                check_config(
                    &self.data_source_schema_of(type_name, d).block,
                    &config,
                    &AttributePath::default(),
                    false,
                    &mut diags,
                );
                d.validate(&config, &mut diags);
            }
            None => diags.push(unknown_type("data source", type_name, self.type_name())),
        }
        diags
    }

    /// UpgradeResourceState: the stored JSON (written by schema `version`)
    /// as a value of the current schema.
    pub async fn upgrade_resource_state(
        &self,
        type_name: &str,
        version: i64,
        json: &[u8],
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let schema = match self.resource(type_name) {
            Ok((_, s)) => s,
            Err(d) => return (Value::Null, d.into()),
        };
        if version > schema.version {
            diags.push(Diagnostic::error(
                "State written by a newer provider",
                format!(
                    "The state of this {type_name} was written with schema version {version}, but this provider only \
                     knows versions up to {}. Use the provider version that wrote the state, or a newer one.",
                    schema.version
                ),
            ));
            return (Value::Null, diags);
        }
        if json.is_empty() {
            return (Value::Null, diags);
        }
        let ty = schema.block.value_type();
        let parsed: serde_json::Value = match serde_json::from_slice(json) {
            Ok(j) => j,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Stored state is not valid JSON",
                    format!(
                        "The state of this {type_name} could not be read ({e}). Restore the state file from a backup, \
                         or remove the resource from state (terraform state rm) and import it again."
                    ),
                ));
                return (Value::Null, diags);
            }
        };
        match value_from_json(&parsed, &ty, Extra::Drop) {
            Ok(mut v) => {
                let block = &schema.block;
                null_write_only(block, &mut v);
                (v, diags)
            }
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Stored state does not fit the schema",
                    format!(
                        "The state of this {type_name} (schema version {version}) does not fit the current schema \
                         (version {}): {e}. Remove the resource from state (terraform state rm) and import it again.",
                        schema.version
                    ),
                ));
                (Value::Null, diags)
            }
        }
    }

    /// ReadResource: returns (new state or null when gone, private).
    pub async fn read_resource(
        &self,
        type_name: &str,
        state: Value,
        private: Vec<u8>,
        caps: ClientCapabilities,
    ) -> (Value, Vec<u8>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (state, private, d.into()),
        };
        if state.is_null() {
            return (Value::Null, private, diags);
        }
        let ctx = match self.ctx(Some(caps)).await {
            Ok(c) => c,
            Err(d) => return (state, private, d.into()),
        };
        let ty = schema.block.value_type();
        let state = conform(state, &ty);
        let mut p = decode_private(&private, &mut diags);
        let out = r.read(&ctx, &state, &mut p, &mut diags).await;
        match out {
            Some(v) => {
                let v = finish_state(&schema.block, &ty, v, "refreshed state", &mut diags);
                (v, encode_private(&p), diags)
            }
            // Gone: Terraform plans to create it again.
            None if !diags.has_error() => (Value::Null, encode_private(&p), diags),
            // A failed read keeps what we had.
            None => (state, private, diags),
        }
    }

    /// PlanResourceChange.
    ///
    /// - destroy (proposed null): planned null, private unchanged;
    /// - attributes with a default and a null configuration get the default;
    /// - create: computed attributes null in the configuration are unknown;
    /// - update: they keep the prior value, except `volatile` ones, which
    ///   are unknown when anything configurable changes;
    /// - a change to a `requires_replace` attribute is listed, and the plan
    ///   is then computed as for a create;
    /// - write-only attributes are null;
    /// - then [`Resource::modify_plan`] runs; afterwards non-null
    ///   configuration values are enforced (the prior value is accepted as a
    ///   normalised form), as Terraform requires.
    pub async fn plan_resource_change(&self, req: PlanRequest) -> PlanResponse {
        let mut diags = Diagnostics::new();
        let fail = |planned: Value, private: Vec<u8>, diags: Diagnostics| PlanResponse {
            planned_state: planned,
            requires_replace: Vec::new(),
            planned_private: private,
            diagnostics: diags,
        };
        let (r, schema) = match self.resource(&req.type_name) {
            Ok(x) => x,
            Err(d) => return fail(req.proposed_new_state, req.prior_private, d.into()),
        };
        // Destroy: nothing to plan, the private state stays as it was.
        if req.proposed_new_state.is_null() {
            return fail(Value::Null, req.prior_private, diags);
        }
        let ctx = match self.ctx(Some(req.capabilities)).await {
            Ok(c) => c,
            Err(d) => return fail(req.proposed_new_state, req.prior_private, d.into()),
        };
        let block = &schema.block;
        let ty = block.value_type();
        let prior = conform(req.prior_state, &ty);
        let config = conform(req.config, &ty);
        let proposed = conform(req.proposed_new_state, &ty);
        let mut private = decode_private(&req.prior_private, &mut diags);
        let creating = prior.is_null();
        let null = Value::Null;
        let cfg = |name: &str| config.get(name).unwrap_or(&null);
        let prev = |name: &str| prior.get(name).unwrap_or(&null);

        let mut planned = proposed.clone();
        // Defaults, where the configuration leaves the attribute null.
        for a in block.attributes.iter().filter(|a| a.default.is_some()) {
            if !cfg(&a.name).is_null() {
                continue;
            }
            let Some(default) = &a.default else { continue };
            let aty = a.ty.clone().unwrap_or(Type::Dynamic);
            match value_from_json(default, &aty, Extra::Drop) {
                Ok(v) => planned.set(&a.name, v),
                Err(e) => diags.push(
                    provider_bug(format!("Invalid default for {:?}", a.name), e).at_attr(&a.name),
                ),
            }
        }
        // Computed attributes the configuration leaves null: unknown on
        // create; on update the prior value, unless volatile and the
        // resource changes.
        let unknown_computed = |planned: &mut Value| {
            for a in block
                .attributes
                .iter()
                .filter(|a| a.computed && a.default.is_none())
            {
                if cfg(&a.name).is_null() {
                    planned.set(&a.name, Value::unknown());
                }
            }
        };
        if creating {
            unknown_computed(&mut planned);
        } else {
            for a in block
                .attributes
                .iter()
                .filter(|a| a.computed && a.default.is_none())
            {
                if cfg(&a.name).is_null() {
                    planned.set(&a.name, prev(&a.name).clone());
                }
            }
            let changed = block.attributes.iter().any(|a| {
                let configurable = a.required || a.optional;
                configurable
                    && !a.volatile
                    && !a.write_only
                    && !planned
                        .get(&a.name)
                        .unwrap_or(&null)
                        .equivalent(prev(&a.name))
            }) || block.block_types.iter().any(|nb| {
                !planned
                    .get(&nb.type_name)
                    .unwrap_or(&null)
                    .equivalent(prev(&nb.type_name))
            });
            if changed {
                for a in block
                    .attributes
                    .iter()
                    .filter(|a| a.volatile && a.computed && a.default.is_none())
                {
                    if cfg(&a.name).is_null() {
                        planned.set(&a.name, Value::unknown());
                    }
                }
            }
        }
        // Requires replace: Terraform plans the replacement from this
        // state, so it is planned as a create.
        let mut requires_replace = Vec::new();
        if !creating {
            for a in block.attributes.iter().filter(|a| a.requires_replace) {
                if !planned
                    .get(&a.name)
                    .unwrap_or(&null)
                    .equivalent(prev(&a.name))
                {
                    requires_replace.push(AttributePath::root(&a.name));
                }
            }
            if !requires_replace.is_empty() {
                unknown_computed(&mut planned);
            }
        }
        null_write_only(block, &mut planned);

        let input = PlanInput {
            prior_state: &prior,
            config: &config,
            proposed: &proposed,
        };
        r.modify_plan(&ctx, &input, &mut planned, &mut private, &mut diags)
            .await;

        // The hook must not break the protocol: shape, write-only nulls and
        // non-null configuration values (or the prior value, for a
        // normalised form) are enforced here.
        let mut planned = conform(planned, &ty);
        if let Err(e) = check_type(&planned, &ty) {
            diags.push(provider_bug("Provider planned a malformed state", e));
            planned = proposed;
        }
        null_write_only(block, &mut planned);
        for a in &block.attributes {
            let c = cfg(&a.name);
            if c.is_null() || a.write_only {
                continue;
            }
            let p = planned.get(&a.name).unwrap_or(&null);
            let keeps_prior =
                !creating && requires_replace.is_empty() && p.equivalent(prev(&a.name));
            if !p.equivalent(c) && !keeps_prior {
                log::warn!(
                    "{}: plan changed configured attribute {:?}; the configured value is kept",
                    req.type_name,
                    a.name
                );
                planned.set(&a.name, c.clone());
            }
        }
        PlanResponse {
            planned_state: planned,
            requires_replace,
            planned_private: encode_private(&private),
            diagnostics: diags,
        }
    }

    /// ApplyResourceChange.
    ///
    /// Planned null deletes (new state null; on error the prior state is
    /// returned so Terraform keeps it), prior null creates, anything else
    /// updates (on error the prior state is kept). The new state has its
    /// write-only attributes nulled, must be wholly known and must agree
    /// with every known planned value; a breach is reported as a provider
    /// bug naming the attribute, before Terraform's own generic check.
    pub async fn apply_resource_change(&self, req: ApplyRequest) -> ApplyResponse {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(&req.type_name) {
            Ok(x) => x,
            Err(d) => {
                return ApplyResponse {
                    new_state: req.prior_state,
                    private: req.planned_private,
                    diagnostics: d.into(),
                };
            }
        };
        let ctx = match self.ctx(None).await {
            Ok(c) => c,
            Err(d) => {
                return ApplyResponse {
                    new_state: req.prior_state,
                    private: req.planned_private,
                    diagnostics: d.into(),
                };
            }
        };
        let block = &schema.block;
        let ty = block.value_type();
        let prior = conform(req.prior_state, &ty);
        let planned = conform(req.planned_state, &ty);
        let config = conform(req.config, &ty);
        let mut private = decode_private(&req.planned_private, &mut diags);

        // Delete.
        if planned.is_null() {
            if prior.is_null() {
                return ApplyResponse {
                    new_state: Value::Null,
                    private: Vec::new(),
                    diagnostics: diags,
                };
            }
            r.delete(&ctx, &prior, &private, &mut diags).await;
            return if diags.has_error() {
                // Terraform keeps the object in state.
                ApplyResponse {
                    new_state: prior,
                    private: req.planned_private,
                    diagnostics: diags,
                }
            } else {
                ApplyResponse {
                    new_state: Value::Null,
                    private: Vec::new(),
                    diagnostics: diags,
                }
            };
        }

        let creating = prior.is_null();
        let out = if creating {
            r.create(&ctx, &planned, &config, &mut private, &mut diags)
                .await
        } else {
            r.update(&ctx, &prior, &planned, &config, &mut private, &mut diags)
                .await
        };
        let new_state = match out {
            Some(v) => finish_state(block, &ty, v, "new state", &mut diags),
            None if creating => {
                if !diags.has_error() {
                    diags.push(provider_bug(
                        "Provider returned no object after create",
                        "Create reported success but returned nothing",
                    ));
                }
                Value::Null
            }
            None => {
                if !diags.has_error() {
                    diags.push(provider_bug(
                        "Provider returned no object after update",
                        "Update reported success but returned nothing",
                    ));
                }
                return ApplyResponse {
                    new_state: prior,
                    private: req.planned_private,
                    diagnostics: diags,
                };
            }
        };
        if !diags.has_error() && !new_state.is_null() {
            for a in &block.attributes {
                let p = planned.get(&a.name).unwrap_or(&Value::Null);
                let n = new_state.get(&a.name).unwrap_or(&Value::Null);
                if a.write_only || agrees_with_plan(p, n) {
                    continue;
                }
                diags.push(
                    provider_bug(
                        format!("Provider produced an inconsistent value for {:?}", a.name),
                        format!(
                            "The plan promised {} but the {} produced {}",
                            show(p, a.sensitive),
                            if creating { "create" } else { "update" },
                            show(n, a.sensitive)
                        ),
                    )
                    .at_attr(&a.name),
                );
            }
            for nb in &block.block_types {
                let p = planned.get(&nb.type_name).unwrap_or(&Value::Null);
                let n = new_state.get(&nb.type_name).unwrap_or(&Value::Null);
                if !agrees_with_plan(p, n) {
                    diags.push(
                        provider_bug(
                            format!("Provider produced an inconsistent {:?} block", nb.type_name),
                            "The applied block differs from the planned one",
                        )
                        .at_attr(&nb.type_name),
                    );
                }
            }
        }
        ApplyResponse {
            new_state,
            private: encode_private(&private),
            diagnostics: diags,
        }
    }

    /// ImportResourceState.
    pub async fn import_resource_state(
        &self,
        type_name: &str,
        id: &str,
        caps: ClientCapabilities,
    ) -> (Vec<Imported>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Vec::new(), d.into()),
        };
        let ctx = match self.ctx(Some(caps)).await {
            Ok(c) => c,
            Err(d) => return (Vec::new(), d.into()),
        };
        let stub = r.import(&ctx, id, &mut diags).await;
        finish_import(
            type_name,
            &schema.block,
            stub,
            &format!("the import id {id:?}"),
            diags,
        )
    }

    /// The identity to report with `state` (after a read, plan or apply).
    /// A stored identity is kept (Terraform forbids a read to change it);
    /// when the object no longer matches it, a warning says so. `None`
    /// when the type has no identity or the state is null.
    pub fn identity_for(
        &self,
        type_name: &str,
        state: &Value,
        prior_identity: Option<&Value>,
        keep_prior: bool,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let r = self.resources.get(type_name)?;
        r.identity_schema()?;
        if state.is_null() {
            return None;
        }
        if keep_prior {
            if let Some(prior) = prior_identity.filter(|p| !p.is_null()) {
                if let Some(w) = r.identity_changed(prior, state) {
                    diags.push(w);
                }
                return Some(prior.clone());
            }
        }
        r.identity(state)
            .or_else(|| prior_identity.filter(|p| !p.is_null()).cloned())
    }

    /// True when the plan changes the attribute the identity is made of
    /// (an in-place rename): the planned identity then follows the plan.
    pub fn identity_planned_change(
        &self,
        type_name: &str,
        planned: &Value,
        prior_identity: Option<&Value>,
    ) -> bool {
        let (Some(r), Some(prior)) = (self.resources.get(type_name), prior_identity) else {
            return false;
        };
        r.identity(planned).is_some_and(|now| &now != prior)
    }

    /// ImportResourceState with an identity instead of an id.
    pub async fn import_resource_identity(
        &self,
        type_name: &str,
        identity: Value,
        caps: ClientCapabilities,
    ) -> (Vec<Imported>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Vec::new(), d.into()),
        };
        let ctx = match self.ctx(Some(caps)).await {
            Ok(c) => c,
            Err(d) => return (Vec::new(), d.into()),
        };
        let stub = r.import_identity(&ctx, &identity, &mut diags).await;
        finish_import(type_name, &schema.block, stub, "the identity given", diags)
    }

    /// UpgradeResourceIdentity.
    pub fn upgrade_resource_identity(
        &self,
        type_name: &str,
        version: i64,
        json: &[u8],
    ) -> (Value, Diagnostics) {
        let r = match self.resource(type_name) {
            Ok((r, _)) => r,
            Err(d) => return (Value::Null, d.into()),
        };
        let parsed: serde_json::Value = match serde_json::from_slice(json) {
            Ok(v) => v,
            Err(e) => {
                return (
                    Value::Null,
                    provider_bug("Cannot read the stored identity", e).into(),
                );
            }
        };
        match r.upgrade_identity(version, &parsed) {
            Ok(v) => (v, Diagnostics::new()),
            Err(e) => (
                Value::Null,
                Diagnostic::error(
                    format!("Cannot upgrade the identity of this {type_name}"),
                    format!("{e}. Remove the resource from state (`terraform state rm`) and import it again."),
                )
                .into(),
            ),
        }
    }

    /// ValidateListResourceConfig.
    pub async fn validate_list_resource_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(schema) = self.resources.get(type_name).and_then(|r| r.list_schema()) else {
            return unknown_type("list resource", type_name, self.type_name()).into();
        };
        if !config.is_null() {
            check_config(
                &schema.block,
                config,
                &AttributePath::default(),
                false,
                &mut diags,
            );
        }
        diags
    }

    /// ListResource: every object the list block names.
    pub async fn list_resource(
        &self,
        type_name: &str,
        config: Value,
        include_resource: bool,
        limit: Option<i64>,
    ) -> (Vec<ListItem>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Vec::new(), d.into()),
        };
        let Some(list_schema) = r.list_schema() else {
            return (
                Vec::new(),
                unknown_type("list resource", type_name, self.type_name()).into(),
            );
        };
        let ctx = match self.ctx(None).await {
            Ok(c) => c,
            Err(d) => return (Vec::new(), d.into()),
        };
        let config = if config.is_null() {
            Value::Null
        } else {
            conform(config, &list_schema.block.value_type())
        };
        let request = ListRequest {
            config: &config,
            include_resource,
            limit,
        };
        let ty = schema.block.value_type();
        let mut items = r.list(&ctx, &request, &mut diags).await;
        for item in &mut items {
            if let Some(obj) = item.object.take() {
                let mut v = finish_state(&schema.block, &ty, obj, "listed object", &mut diags);
                null_write_only(&schema.block, &mut v);
                item.object = Some(v);
            }
        }
        (items, diags)
    }

    /// GenerateResourceConfig: the configuration for an object in `state`.
    /// Computed-only and write-only attributes are left out (null).
    pub fn generate_resource_config(&self, type_name: &str, state: Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Value::Null, d.into()),
        };
        let ty = schema.block.value_type();
        let state = conform(state, &ty);
        let mut config = r.generate_config(&state, &mut diags).unwrap_or(state);
        if let Value::Object(map) = &mut config {
            for a in &schema.block.attributes {
                if (a.computed && !a.optional && !a.required) || a.write_only {
                    map.insert(a.name.clone(), Value::Null);
                }
            }
        }
        (conform(config, &ty), diags)
    }

    /// ReadDataSource.
    pub async fn read_data_source(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(d) = self.data_sources.get(type_name) else {
            return (
                Value::Null,
                unknown_type("data source", type_name, self.type_name()).into(),
            );
        };
        let ctx = match self.ctx(Some(caps)).await {
            Ok(c) => c,
            Err(e) => return (Value::Null, e.into()),
        };
        let schema = self.data_source_schema_of(type_name, d);
        let ty = schema.block.value_type();
        let config = conform(config, &ty);
        match d.read(&ctx, &config, &mut diags).await {
            Some(v) => {
                let v = finish_state(&schema.block, &ty, v, "data source result", &mut diags);
                (v, diags)
            }
            None => {
                if !diags.has_error() {
                    diags.push(provider_bug(
                        format!("Data source {type_name} returned nothing"),
                        "The read reported success but returned no value",
                    ));
                }
                (Value::Null, diags)
            }
        }
    }

    /// The schema of an ephemeral resource type, if it exists.
    pub fn ephemeral_resource_schema(&self, type_name: &str) -> Option<Schema> {
        self.ephemeral_resources
            .get(type_name)
            .map(|e| (*self.ephemeral_schema_of(type_name, e)).clone())
    }

    /// ValidateEphemeralResourceConfig.
    pub async fn validate_ephemeral_resource_config(
        &self,
        type_name: &str,
        config: Value,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(e) = self.ephemeral_resources.get(type_name) else {
            return unknown_type("ephemeral resource", type_name, self.type_name()).into();
        };
        let schema = self.ephemeral_schema_of(type_name, e);
        let config = conform(config, &schema.block.value_type());
        check_config(
            &schema.block,
            &config,
            &AttributePath::default(),
            true,
            &mut diags,
        );
        e.validate(&config, &mut diags);
        diags
    }

    /// OpenEphemeralResource. A configuration that is not wholly known yet
    /// (during plan) is not opened: the result is the configuration with
    /// every computed attribute unknown, as for a data source that cannot be
    /// read yet.
    pub async fn open_ephemeral_resource(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = self.ephemeral_resources.get(type_name) else {
            return (
                Value::Null,
                unknown_type("ephemeral resource", type_name, self.type_name()).into(),
            );
        };
        let schema = self.ephemeral_schema_of(type_name, e);
        let ty = schema.block.value_type();
        let config = conform(config, &ty);
        if !config.is_wholly_known() {
            let mut v = config;
            for a in schema.block.attributes.iter().filter(|a| a.computed) {
                if v.get(&a.name).is_none_or(Value::is_null) {
                    v.set(&a.name, Value::unknown());
                }
            }
            return (v, diags);
        }
        let ctx = match self.ctx(Some(caps)).await {
            Ok(c) => c,
            Err(e) => return (Value::Null, e.into()),
        };
        match e.open(&ctx, &config, &mut diags).await {
            Some(v) => {
                let v = finish_state(&schema.block, &ty, v, "ephemeral result", &mut diags);
                (v, diags)
            }
            None => {
                if !diags.has_error() {
                    diags.push(provider_bug(
                        format!("Ephemeral resource {type_name} returned nothing"),
                        "Opening it reported success but returned no value",
                    ));
                }
                (Value::Null, diags)
            }
        }
    }

    /// CloseEphemeralResource: nothing is held open, so only the type is
    /// checked.
    pub async fn close_ephemeral_resource(&self, type_name: &str) -> Diagnostics {
        if self.ephemeral_resources.contains_key(type_name) {
            Diagnostics::new()
        } else {
            unknown_type("ephemeral resource", type_name, self.type_name()).into()
        }
    }

    /// Stop: cancel in-flight work (returns at once).
    pub fn stop(&self) {}
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::plugin::diag::Severity;
    use crate::plugin::schema::schema_from_model;
    use crate::plugin::value::{from_model, to_model};

    fn no() -> Option<bool> {
        Some(false)
    }

    /// The fake resource's model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
    struct Thing {
        #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
        id: Option<String>,
        name: String,
        #[schemars(extend("x-tf-requires-replace" = true))]
        port: String,
        #[schemars(extend("x-tf-computed" = true))]
        mtu: Option<i64>,
        #[serde(default = "no")]
        disabled: Option<bool>,
        comment: Option<String>,
        #[schemars(extend("x-tf-write-only" = true, "x-tf-sensitive" = true))]
        secret: Option<String>,
        #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true, "x-tf-volatile" = true))]
        revision: Option<i64>,
    }

    /// The fake "router": objects by id, and what the resource was told.
    #[derive(Default)]
    struct Store {
        objects: Mutex<BTreeMap<String, Thing>>,
        secrets: Mutex<Vec<String>>,
        log: Mutex<Vec<String>>,
    }

    /// How the fake resource misbehaves, to test the engine's checks.
    #[derive(Clone, Copy, PartialEq, Default)]
    enum Mode {
        #[default]
        Good,
        /// Applies an mtu other than the planned one.
        WrongMtu,
        /// Leaves `revision` unknown after create.
        LeavesUnknown,
        /// modify_plan rewrites the configured name.
        RewritesName,
        /// Every write fails.
        Fails,
    }

    struct ThingResource(Mode);

    fn thing_type() -> Type {
        schema_from_model::<Thing>(1, "").block.value_type()
    }

    #[async_trait]
    impl Resource<Store> for ThingResource {
        fn type_name(&self) -> &'static str {
            "test_thing"
        }

        fn schema(&self) -> Schema {
            schema_from_model::<Thing>(1, "A thing.")
        }

        fn validate(&self, config: &Value, diags: &mut Diagnostics) {
            if config.get_str("name") == Some("bad") {
                diags.push(Diagnostic::error("Bad name", "Choose another.").at_attr("name"));
            }
        }

        async fn modify_plan(
            &self,
            _ctx: &Ctx<Store>,
            input: &PlanInput<'_>,
            planned: &mut Value,
            private: &mut Private,
            _diags: &mut Diagnostics,
        ) {
            private.insert(
                "planned".into(),
                serde_json::json!(input.prior_state.is_null()),
            );
            if self.0 == Mode::RewritesName {
                planned.set("name", Value::string("rewritten"));
            }
        }

        async fn create(
            &self,
            ctx: &Ctx<Store>,
            planned: &Value,
            config: &Value,
            private: &mut Private,
            diags: &mut Diagnostics,
        ) -> Option<Value> {
            if self.0 == Mode::Fails {
                diags.push(
                    Diagnostic::error("Create failed", "The router said no.").at_attr("port"),
                );
                return None;
            }
            let mut m: Thing = to_model(planned).ok()?;
            if let Some(s) = config.get_str("secret") {
                ctx.client.secrets.lock().unwrap().push(s.to_string());
            }
            m.id = Some("*1".into());
            m.mtu = Some(match self.0 {
                Mode::WrongMtu => 1000,
                _ => m.mtu.unwrap_or(1468),
            });
            m.revision = Some(1);
            m.secret = Some("leaked".into());
            ctx.client
                .objects
                .lock()
                .unwrap()
                .insert("*1".into(), m.clone());
            ctx.client.log.lock().unwrap().push("create".into());
            private.insert("created".into(), serde_json::json!(true));
            let mut v = from_model(&m, &thing_type()).ok()?;
            if self.0 == Mode::LeavesUnknown {
                v.set("revision", Value::unknown());
            }
            Some(v)
        }

        async fn read(
            &self,
            ctx: &Ctx<Store>,
            state: &Value,
            _private: &mut Private,
            _diags: &mut Diagnostics,
        ) -> Option<Value> {
            let id = state.get_str("id")?;
            let m = ctx.client.objects.lock().unwrap().get(id).cloned()?;
            from_model(&m, &thing_type()).ok()
        }

        async fn update(
            &self,
            ctx: &Ctx<Store>,
            prior: &Value,
            planned: &Value,
            _config: &Value,
            _private: &mut Private,
            diags: &mut Diagnostics,
        ) -> Option<Value> {
            if self.0 == Mode::Fails {
                diags.push(Diagnostic::error("Update failed", "The router said no."));
                return None;
            }
            let mut m: Thing = to_model(planned).ok()?;
            let prior: Thing = to_model(prior).ok()?;
            m.revision = Some(prior.revision.unwrap_or(0) + 1);
            m.mtu = m.mtu.or(prior.mtu);
            ctx.client
                .objects
                .lock()
                .unwrap()
                .insert(m.id.clone()?, m.clone());
            ctx.client.log.lock().unwrap().push("update".into());
            from_model(&m, &thing_type()).ok()
        }

        async fn delete(
            &self,
            ctx: &Ctx<Store>,
            prior: &Value,
            _private: &Private,
            diags: &mut Diagnostics,
        ) {
            if self.0 == Mode::Fails {
                diags.push(Diagnostic::error("Delete failed", "The router said no."));
                return;
            }
            if let Some(id) = prior.get_str("id") {
                ctx.client.objects.lock().unwrap().remove(id);
            }
            ctx.client.log.lock().unwrap().push("delete".into());
        }

        async fn import(
            &self,
            _ctx: &Ctx<Store>,
            id: &str,
            _diags: &mut Diagnostics,
        ) -> Option<Value> {
            (id != "missing").then(|| {
                Value::Object(
                    [("id".to_string(), Value::string(id))]
                        .into_iter()
                        .collect(),
                )
            })
        }
    }

    /// The fake data source's model.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Info {
        name: String,
        #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
        count: Option<i64>,
    }

    struct InfoSource;

    #[async_trait]
    impl DataSource<Store> for InfoSource {
        fn type_name(&self) -> &'static str {
            "test_info"
        }

        fn schema(&self) -> Schema {
            schema_from_model::<Info>(0, "Info.")
        }

        async fn read(
            &self,
            ctx: &Ctx<Store>,
            config: &Value,
            _diags: &mut Diagnostics,
        ) -> Option<Value> {
            let n = ctx.client.objects.lock().unwrap().len() as i64;
            // Only the computed attribute; the engine fills the shape.
            Some(Value::Object(
                [
                    ("name".to_string(), config.get("name")?.clone()),
                    ("count".to_string(), Value::int(n)),
                ]
                .into_iter()
                .collect(),
            ))
        }
    }

    /// The fake ephemeral resource's model.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Echo {
        input: String,
        #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true, "x-tf-sensitive" = true))]
        output: Option<String>,
    }

    /// Returns its input reversed; `fail` fails.
    struct EchoEphemeral;

    #[async_trait]
    impl EphemeralResource<Store> for EchoEphemeral {
        fn type_name(&self) -> &'static str {
            "test_echo"
        }

        fn schema(&self) -> Schema {
            schema_from_model::<Echo>(0, "Echo.")
        }

        fn validate(&self, config: &Value, diags: &mut Diagnostics) {
            if config.get_str("input") == Some("") {
                diags.push(Diagnostic::error("Empty input", "Give some input.").at_attr("input"));
            }
        }

        async fn open(
            &self,
            ctx: &Ctx<Store>,
            config: &Value,
            diags: &mut Diagnostics,
        ) -> Option<Value> {
            ctx.client.log.lock().unwrap().push("open".into());
            let input = config.get_str("input")?;
            if input == "fail" {
                diags.push(Diagnostic::error("Open failed", "As asked.").at_attr("input"));
                return None;
            }
            let mut v = config.clone();
            v.set(
                "output",
                Value::string(input.chars().rev().collect::<String>()),
            );
            Some(v)
        }
    }

    /// The fake provider's configuration model.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Config {
        endpoint: Option<String>,
    }

    struct TestProvider(Mode);

    #[async_trait]
    impl Provider for TestProvider {
        type Client = Store;

        fn type_name(&self) -> &'static str {
            "test"
        }

        fn schema(&self) -> Schema {
            schema_from_model::<Config>(0, "Test provider.")
        }

        async fn configure(
            &self,
            config: &Value,
            _tf: &str,
            diags: &mut Diagnostics,
        ) -> Option<Store> {
            if config.get_str("endpoint") == Some("down") {
                diags.push(
                    Diagnostic::error("Unreachable", "Check the endpoint.").at_attr("endpoint"),
                );
                return None;
            }
            Some(Store::default())
        }

        fn resources(&self) -> Vec<Arc<dyn Resource<Store>>> {
            vec![Arc::new(ThingResource(self.0))]
        }

        fn data_sources(&self) -> Vec<Arc<dyn DataSource<Store>>> {
            vec![Arc::new(InfoSource)]
        }

        fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Store>>> {
            vec![Arc::new(EchoEphemeral)]
        }
    }

    fn caps() -> ClientCapabilities {
        ClientCapabilities {
            deferral_allowed: false,
            write_only_attributes_allowed: true,
        }
    }

    async fn engine(mode: Mode) -> Engine<TestProvider> {
        let e = Engine::new(TestProvider(mode));
        let d = e
            .configure(Value::Object(BTreeMap::new()), "1.15.5", caps())
            .await;
        assert!(d.is_empty(), "{d:?}");
        e
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        conform(
            Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            ),
            &thing_type(),
        )
    }

    fn config() -> Value {
        obj(&[
            ("name", Value::string("m1")),
            ("port", Value::string("ether1")),
            ("secret", Value::string("s3cret")),
        ])
    }

    /// What Terraform core proposes: config where set, prior elsewhere for
    /// computed attributes.
    fn proposed(config: &Value, prior: &Value) -> Value {
        let schema = schema_from_model::<Thing>(1, "");
        let mut p = config.clone();
        for a in &schema.block.attributes {
            if a.computed && config.get(&a.name).is_some_and(Value::is_null) {
                p.set(&a.name, prior.get(&a.name).cloned().unwrap_or(Value::Null));
            }
        }
        p
    }

    fn plan_req(prior: &Value, config: &Value, private: Vec<u8>) -> PlanRequest {
        PlanRequest {
            type_name: "test_thing".into(),
            prior_state: prior.clone(),
            proposed_new_state: if config.is_null() {
                Value::Null
            } else {
                proposed(config, prior)
            },
            config: config.clone(),
            prior_private: private,
            capabilities: caps(),
        }
    }

    fn apply_req(prior: &Value, planned: &Value, config: &Value, private: Vec<u8>) -> ApplyRequest {
        ApplyRequest {
            type_name: "test_thing".into(),
            prior_state: prior.clone(),
            planned_state: planned.clone(),
            config: config.clone(),
            planned_private: private,
        }
    }

    /// Plans and applies a create, returning the state.
    async fn create(e: &Engine<TestProvider>) -> (Value, Vec<u8>) {
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
            .await;
        assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
        let applied = e
            .apply_resource_change(apply_req(
                &Value::Null,
                &plan.planned_state,
                &config(),
                plan.planned_private,
            ))
            .await;
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        (applied.new_state, applied.private)
    }

    fn errors(d: &Diagnostics) -> Vec<(String, String)> {
        d.0.iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                (
                    d.summary.clone(),
                    d.attribute
                        .as_ref()
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn schemas_cover_provider_resources_and_data_sources() {
        let e = Engine::new(TestProvider(Mode::Good));
        let s = e.schemas();
        assert_eq!(s.provider.block.description, "Test provider.");
        assert_eq!(s.resources.keys().collect::<Vec<_>>(), ["test_thing"]);
        assert_eq!(s.resources["test_thing"].version, 1);
        assert_eq!(s.data_sources.keys().collect::<Vec<_>>(), ["test_info"]);
        assert!(e.resource_schema("test_thing").is_some());
        assert!(e.resource_schema("nope").is_none());
        assert!(e.data_source_schema("test_info").is_some());
    }

    #[tokio::test]
    async fn resource_calls_before_configure_say_so() {
        let e = Engine::new(TestProvider(Mode::Good));
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
            .await;
        assert_eq!(
            errors(&plan.diagnostics),
            [("Provider not configured".to_string(), String::new())]
        );
        let (_, _, d) = e
            .read_resource(
                "test_thing",
                obj(&[("id", Value::string("*1"))]),
                Vec::new(),
                caps(),
            )
            .await;
        assert!(d.has_error());
        // A failed configure leaves it unconfigured, with the provider's diagnostic.
        let d = e
            .configure(
                Value::Object([("endpoint".into(), Value::string("down"))].into()),
                "1.15.5",
                caps(),
            )
            .await;
        assert_eq!(
            errors(&d),
            [("Unreachable".to_string(), "endpoint".to_string())]
        );
        let (_, d) = e.import_resource_state("test_thing", "*1", caps()).await;
        assert_eq!(errors(&d)[0].0, "Provider not configured");
    }

    #[tokio::test]
    async fn unknown_type_names_are_diagnostics() {
        let e = engine(Mode::Good).await;
        let mut req = plan_req(&Value::Null, &config(), Vec::new());
        req.type_name = "test_nope".into();
        let plan = e.plan_resource_change(req).await;
        assert!(
            errors(&plan.diagnostics)[0]
                .0
                .contains("Unknown resource type \"test_nope\"")
        );
        assert!(
            e.validate_resource_config("test_nope", Value::Null, caps())
                .await
                .has_error()
        );
        assert!(
            e.validate_data_source_config("test_nope", Value::Null)
                .await
                .has_error()
        );
        assert!(
            e.read_data_source("test_nope", Value::Null, caps())
                .await
                .1
                .has_error()
        );
        assert!(
            e.upgrade_resource_state("test_nope", 0, b"{}")
                .await
                .1
                .has_error()
        );
        assert!(
            e.import_resource_state("test_nope", "x", caps())
                .await
                .1
                .has_error()
        );
        let mut a = apply_req(&Value::Null, &config(), &config(), Vec::new());
        a.type_name = "test_nope".into();
        assert!(e.apply_resource_change(a).await.diagnostics.has_error());
    }

    #[tokio::test]
    async fn create_plans_unknown_computed_defaults_and_null_write_only() {
        let e = engine(Mode::Good).await;
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
            .await;
        assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
        let p = &plan.planned_state;
        assert!(p.get("id").unwrap().is_unknown());
        assert!(p.get("mtu").unwrap().is_unknown());
        assert!(p.get("revision").unwrap().is_unknown());
        assert_eq!(
            p.get("disabled"),
            Some(&Value::Bool(false)),
            "default applied"
        );
        assert_eq!(p.get("name"), Some(&Value::string("m1")));
        assert_eq!(
            p.get("comment"),
            Some(&Value::Null),
            "optional, not computed: stays null"
        );
        assert_eq!(
            p.get("secret"),
            Some(&Value::Null),
            "write-only is null in the plan"
        );
        assert!(plan.requires_replace.is_empty());
        assert!(check_type(p, &thing_type()).is_ok());
    }

    #[tokio::test]
    async fn configured_computed_value_is_kept_known() {
        let e = engine(Mode::Good).await;
        let mut cfg = config();
        cfg.set("mtu", Value::int(1500));
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &cfg, Vec::new()))
            .await;
        assert_eq!(plan.planned_state.get("mtu"), Some(&Value::int(1500)));
        // An unknown in the configuration stays unknown and is not an error.
        cfg.set("comment", Value::unknown());
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &cfg, Vec::new()))
            .await;
        assert!(plan.diagnostics.is_empty());
        assert!(plan.planned_state.get("comment").unwrap().is_unknown());
    }

    #[tokio::test]
    async fn apply_create_then_plan_is_clean_and_write_only_is_not_stored() {
        let e = engine(Mode::Good).await;
        let (state, private) = create(&e).await;
        assert_eq!(state.get_str("id"), Some("*1"));
        assert_eq!(state.get_i64("mtu"), Some(1468));
        assert_eq!(
            state.get("secret"),
            Some(&Value::Null),
            "write-only nulled although the resource returned it"
        );
        // The resource saw the write-only value through config.
        let e_secrets = e
            .configured
            .read()
            .await
            .as_ref()
            .unwrap()
            .client
            .secrets
            .lock()
            .unwrap()
            .clone();
        assert_eq!(e_secrets, ["s3cret"]);
        // Private state from plan and create is carried into state.
        let p: Private = serde_json::from_slice(&private).unwrap();
        assert_eq!(p.get("planned"), Some(&serde_json::json!(true)));
        assert_eq!(p.get("created"), Some(&serde_json::json!(true)));
        // Same config again: nothing changes, nothing unknown.
        let plan = e
            .plan_resource_change(plan_req(&state, &config(), private.clone()))
            .await;
        assert!(plan.diagnostics.is_empty());
        let mut expected = state.clone();
        expected.set("secret", Value::Null);
        assert!(
            plan.planned_state.equivalent(&expected),
            "{:?}",
            plan.planned_state
        );
        assert!(plan.planned_state.is_wholly_known());
    }

    #[tokio::test]
    async fn update_keeps_prior_computed_and_volatile_becomes_unknown() {
        let e = engine(Mode::Good).await;
        let (state, private) = create(&e).await;
        let mut cfg = config();
        cfg.set("comment", Value::string("hello"));
        let plan = e
            .plan_resource_change(plan_req(&state, &cfg, private.clone()))
            .await;
        let p = &plan.planned_state;
        assert_eq!(p.get_str("id"), Some("*1"));
        assert_eq!(p.get_i64("mtu"), Some(1468));
        assert_eq!(p.get_str("comment"), Some("hello"));
        assert!(p.get("revision").unwrap().is_unknown(), "volatile");
        assert!(plan.requires_replace.is_empty());
        let applied = e
            .apply_resource_change(apply_req(&state, p, &cfg, plan.planned_private))
            .await;
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        assert_eq!(applied.new_state.get_i64("revision"), Some(2));
        assert_eq!(applied.new_state.get_str("comment"), Some("hello"));
        let log = e
            .configured
            .read()
            .await
            .as_ref()
            .unwrap()
            .client
            .log
            .lock()
            .unwrap()
            .clone();
        assert_eq!(log, ["create", "update"]);
    }

    #[tokio::test]
    async fn removing_a_defaulted_value_plans_the_default() {
        let e = engine(Mode::Good).await;
        let (mut state, private) = create(&e).await;
        state.set("disabled", Value::Bool(true));
        let plan = e
            .plan_resource_change(plan_req(&state, &config(), private))
            .await;
        assert_eq!(
            plan.planned_state.get("disabled"),
            Some(&Value::Bool(false))
        );
    }

    #[tokio::test]
    async fn requires_replace_is_reported_and_planned_as_create() {
        let e = engine(Mode::Good).await;
        let (state, private) = create(&e).await;
        let mut cfg = config();
        cfg.set("port", Value::string("ether2"));
        let plan = e
            .plan_resource_change(plan_req(&state, &cfg, private))
            .await;
        assert_eq!(plan.requires_replace, [AttributePath::root("port")]);
        let p = &plan.planned_state;
        assert!(p.get("id").unwrap().is_unknown());
        assert!(p.get("mtu").unwrap().is_unknown());
        assert!(p.get("revision").unwrap().is_unknown());
        assert_eq!(p.get_str("port"), Some("ether2"));
        assert_eq!(p.get_str("name"), Some("m1"));
        // An unknown new port also forces replacement.
        cfg.set("port", Value::unknown());
        let plan = e
            .plan_resource_change(plan_req(&state, &cfg, Vec::new()))
            .await;
        assert_eq!(plan.requires_replace, [AttributePath::root("port")]);
    }

    #[tokio::test]
    async fn destroy_plans_null_and_keeps_private() {
        let e = engine(Mode::Good).await;
        let (state, _) = create(&e).await;
        let plan = e
            .plan_resource_change(plan_req(&state, &Value::Null, b"{\"k\":1}".to_vec()))
            .await;
        assert!(plan.planned_state.is_null());
        assert_eq!(plan.planned_private, b"{\"k\":1}");
        assert!(plan.diagnostics.is_empty());
    }

    #[tokio::test]
    async fn apply_delete_returns_null_or_prior_on_error() {
        let e = engine(Mode::Good).await;
        let (state, private) = create(&e).await;
        let applied = e
            .apply_resource_change(apply_req(&state, &Value::Null, &Value::Null, private))
            .await;
        assert!(applied.diagnostics.is_empty());
        assert!(applied.new_state.is_null());
        assert!(applied.private.is_empty());
        assert!(
            e.configured
                .read()
                .await
                .as_ref()
                .unwrap()
                .client
                .objects
                .lock()
                .unwrap()
                .is_empty()
        );

        let failing = engine(Mode::Fails).await;
        let applied = failing
            .apply_resource_change(apply_req(
                &state,
                &Value::Null,
                &Value::Null,
                b"{\"a\":1}".to_vec(),
            ))
            .await;
        assert!(applied.diagnostics.has_error());
        assert_eq!(applied.new_state, state, "Terraform keeps the object");
        assert_eq!(applied.private, b"{\"a\":1}");
    }

    #[tokio::test]
    async fn failed_create_and_update() {
        let e = engine(Mode::Fails).await;
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
            .await;
        let applied = e
            .apply_resource_change(apply_req(
                &Value::Null,
                &plan.planned_state,
                &config(),
                Vec::new(),
            ))
            .await;
        assert_eq!(
            errors(&applied.diagnostics),
            [("Create failed".to_string(), "port".to_string())]
        );
        assert!(applied.new_state.is_null());

        let prior = obj(&[
            ("id", Value::string("*1")),
            ("name", Value::string("m1")),
            ("port", Value::string("ether1")),
            ("mtu", Value::int(1468)),
            ("disabled", Value::Bool(false)),
            ("revision", Value::int(1)),
        ]);
        let mut cfg = config();
        cfg.set("comment", Value::string("x"));
        let plan = e
            .plan_resource_change(plan_req(&prior, &cfg, Vec::new()))
            .await;
        let applied = e
            .apply_resource_change(apply_req(
                &prior,
                &plan.planned_state,
                &cfg,
                plan.planned_private.clone(),
            ))
            .await;
        assert!(applied.diagnostics.has_error());
        assert_eq!(applied.new_state, prior);
        assert_eq!(applied.private, plan.planned_private);
    }

    #[tokio::test]
    async fn apply_result_that_breaks_the_plan_is_a_named_provider_bug() {
        let e = engine(Mode::Good).await;
        let mut cfg = config();
        cfg.set("mtu", Value::int(1500));
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &cfg, Vec::new()))
            .await;
        let bad = engine(Mode::WrongMtu).await;
        let applied = bad
            .apply_resource_change(apply_req(
                &Value::Null,
                &plan.planned_state,
                &cfg,
                Vec::new(),
            ))
            .await;
        let errs = errors(&applied.diagnostics);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].1, "mtu");
        let d = &applied.diagnostics.0[0];
        assert!(
            d.summary.contains("inconsistent value for \"mtu\""),
            "{}",
            d.summary
        );
        assert!(
            d.detail.contains("1500")
                && d.detail.contains("1000")
                && d.detail.contains("bug in the provider"),
            "{}",
            d.detail
        );
    }

    #[tokio::test]
    async fn unknown_left_after_apply_is_a_named_provider_bug() {
        let e = engine(Mode::LeavesUnknown).await;
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
            .await;
        let applied = e
            .apply_resource_change(apply_req(
                &Value::Null,
                &plan.planned_state,
                &config(),
                Vec::new(),
            ))
            .await;
        assert_eq!(errors(&applied.diagnostics)[0].1, "revision");
        assert!(applied.new_state.is_wholly_known());
        assert_eq!(applied.new_state.get("revision"), Some(&Value::Null));
    }

    #[tokio::test]
    async fn plan_hook_cannot_override_configuration() {
        let e = engine(Mode::RewritesName).await;
        let plan = e
            .plan_resource_change(plan_req(&Value::Null, &config(), Vec::new()))
            .await;
        assert_eq!(plan.planned_state.get_str("name"), Some("m1"));
    }

    #[tokio::test]
    async fn read_refreshes_and_returns_null_when_gone() {
        let e = engine(Mode::Good).await;
        let (state, private) = create(&e).await;
        let (read, p, d) = e
            .read_resource("test_thing", state.clone(), private.clone(), caps())
            .await;
        assert!(d.is_empty());
        assert!(read.equivalent(&state));
        assert_eq!(p, private, "private passed through");
        // Drift is reported as the router has it.
        e.configured
            .read()
            .await
            .as_ref()
            .unwrap()
            .client
            .objects
            .lock()
            .unwrap()
            .get_mut("*1")
            .unwrap()
            .mtu = Some(9000);
        let (read, _, _) = e
            .read_resource("test_thing", state.clone(), private.clone(), caps())
            .await;
        assert_eq!(read.get_i64("mtu"), Some(9000));
        // Gone: null, no error.
        e.configured
            .read()
            .await
            .as_ref()
            .unwrap()
            .client
            .objects
            .lock()
            .unwrap()
            .clear();
        let (read, _, d) = e
            .read_resource("test_thing", state, Vec::new(), caps())
            .await;
        assert!(read.is_null());
        assert!(d.is_empty());
        // Null in, null out.
        let (read, _, d) = e
            .read_resource("test_thing", Value::Null, Vec::new(), caps())
            .await;
        assert!(read.is_null() && d.is_empty());
    }

    #[tokio::test]
    async fn private_state_encoding() {
        let e = engine(Mode::Good).await;
        let (state, _) = create(&e).await;
        // Empty bytes stay empty when the resource adds nothing.
        let (_, p, d) = e
            .read_resource("test_thing", state.clone(), Vec::new(), caps())
            .await;
        assert!(p.is_empty() && d.is_empty());
        // Garbage is dropped with a warning, not an error.
        let (read, p, d) = e
            .read_resource("test_thing", state, b"not json".to_vec(), caps())
            .await;
        assert!(!read.is_null());
        assert!(p.is_empty());
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].severity, Severity::Warning);
    }

    #[tokio::test]
    async fn import_gives_a_stub_filled_with_nulls() {
        let e = engine(Mode::Good).await;
        let (imported, d) = e.import_resource_state("test_thing", "*7", caps()).await;
        assert!(d.is_empty());
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].type_name, "test_thing");
        assert_eq!(imported[0].state.get_str("id"), Some("*7"));
        assert_eq!(imported[0].state.get("name"), Some(&Value::Null));
        assert!(check_type(&imported[0].state, &thing_type()).is_ok());
        let (imported, d) = e
            .import_resource_state("test_thing", "missing", caps())
            .await;
        assert!(imported.is_empty());
        assert!(errors(&d)[0].0.contains("Cannot import"));
    }

    #[tokio::test]
    async fn upgrade_state_reshapes_old_json() {
        let e = engine(Mode::Good).await;
        let old = br#"{"id":"*1","name":"m1","port":"ether1","mtu":"1468","removed_attr":true,"secret":"x"}"#;
        let (v, d) = e.upgrade_resource_state("test_thing", 0, old).await;
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v.get_str("id"), Some("*1"));
        assert_eq!(v.get_i64("mtu"), Some(1468));
        assert_eq!(v.get("comment"), Some(&Value::Null));
        assert_eq!(v.get("secret"), Some(&Value::Null));
        assert!(v.get("removed_attr").is_none());
        assert!(check_type(&v, &thing_type()).is_ok());
        let (_, d) = e.upgrade_resource_state("test_thing", 0, b"{oops").await;
        assert!(errors(&d)[0].0.contains("not valid JSON"));
        let (_, d) = e.upgrade_resource_state("test_thing", 5, b"{}").await;
        assert!(errors(&d)[0].0.contains("newer provider"));
        let (_, d) = e
            .upgrade_resource_state("test_thing", 1, br#"{"mtu":"lots"}"#)
            .await;
        assert!(errors(&d)[0].0.contains("does not fit"));
    }

    #[tokio::test]
    async fn validation_checks_schema_then_hook() {
        let e = engine(Mode::Good).await;
        assert!(
            e.validate_resource_config("test_thing", config(), caps())
                .await
                .is_empty()
        );
        // Unknowns are fine, and count as present.
        let mut cfg = config();
        cfg.set("name", Value::unknown());
        cfg.set("port", Value::unknown());
        assert!(
            e.validate_resource_config("test_thing", cfg, caps())
                .await
                .is_empty()
        );
        // Missing required, computed-only set, hook error: each at its attribute.
        let mut cfg = config();
        cfg.set("port", Value::Null);
        cfg.set("id", Value::string("*9"));
        cfg.set("name", Value::string("bad"));
        let errs = errors(&e.validate_resource_config("test_thing", cfg, caps()).await);
        assert_eq!(
            errs,
            [
                (
                    "Value for unconfigurable attribute".to_string(),
                    "id".to_string()
                ),
                ("Missing required argument".to_string(), "port".to_string()),
                ("Bad name".to_string(), "name".to_string()),
            ]
        );
        // Write-only needs a client that supports it.
        let old_tf = ClientCapabilities::default();
        let errs = errors(
            &e.validate_resource_config("test_thing", config(), old_tf)
                .await,
        );
        assert_eq!(
            errs,
            [(
                "Write-only attribute not supported".to_string(),
                "secret".to_string()
            )]
        );
        // Provider and data source configs.
        let (cfg, d) = e
            .validate_provider_config(Value::Object(BTreeMap::new()))
            .await;
        assert!(d.is_empty());
        assert_eq!(cfg, Value::Object(BTreeMap::new()));
        let d = e
            .validate_data_source_config(
                "test_info",
                Value::Object([("count".into(), Value::int(1))].into()),
            )
            .await;
        assert_eq!(
            errors(&d),
            [
                (
                    "Value for unconfigurable attribute".to_string(),
                    "count".to_string()
                ),
                ("Missing required argument".to_string(), "name".to_string()),
            ]
        );
    }

    #[tokio::test]
    async fn data_source_result_is_shaped() {
        let e = engine(Mode::Good).await;
        create(&e).await;
        let cfg = Value::Object(
            [
                ("name".into(), Value::string("x")),
                ("count".into(), Value::Null),
            ]
            .into(),
        );
        let (v, d) = e.read_data_source("test_info", cfg, caps()).await;
        assert!(d.is_empty());
        assert_eq!(v.get_i64("count"), Some(1));
        assert_eq!(v.get_str("name"), Some("x"));
    }

    fn echo(input: Value) -> Value {
        let ty = schema_from_model::<Echo>(0, "").block.value_type();
        conform(
            Value::Object([("input".to_string(), input)].into_iter().collect()),
            &ty,
        )
    }

    #[tokio::test]
    async fn ephemeral_resource_is_listed_and_opened() {
        let e = engine(Mode::Good).await;
        let schemas = e.schemas();
        assert!(schemas.ephemeral_resources.contains_key("test_echo"));
        assert!(e.ephemeral_resource_schema("test_echo").is_some());
        let (v, d) = e
            .open_ephemeral_resource("test_echo", echo(Value::string("abc")), caps())
            .await;
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v.get_str("output"), Some("cba"));
        assert!(e.close_ephemeral_resource("test_echo").await.is_empty());
    }

    #[tokio::test]
    async fn ephemeral_resource_with_unknown_config_is_not_opened() {
        let e = engine(Mode::Good).await;
        let (v, d) = e
            .open_ephemeral_resource("test_echo", echo(Value::unknown()), caps())
            .await;
        assert!(d.is_empty(), "{d:?}");
        assert!(v.get("output").is_some_and(Value::is_unknown));
        let (v, _) = e
            .open_ephemeral_resource("test_echo", echo(Value::string("x")), caps())
            .await;
        assert_eq!(v.get_str("output"), Some("x"));
        // Only the second call reached the resource.
        let configured = e.configured.read().await;
        let log = configured
            .as_ref()
            .unwrap()
            .client
            .log
            .lock()
            .unwrap()
            .clone();
        assert_eq!(log.iter().filter(|l| *l == "open").count(), 1);
    }

    #[tokio::test]
    async fn ephemeral_resource_errors_and_validation() {
        let e = engine(Mode::Good).await;
        let (v, d) = e
            .open_ephemeral_resource("test_echo", echo(Value::string("fail")), caps())
            .await;
        assert!(v.is_null());
        assert!(d.has_error());
        let d = e
            .validate_ephemeral_resource_config("test_echo", echo(Value::string("")))
            .await;
        assert!(d.has_error());
        let d = e
            .validate_ephemeral_resource_config("test_echo", echo(Value::unknown()))
            .await;
        assert!(d.is_empty(), "{d:?}");
        let d = e
            .validate_ephemeral_resource_config("test_nope", echo(Value::string("x")))
            .await;
        assert!(d.has_error());
        assert!(e.close_ephemeral_resource("test_nope").await.has_error());
    }

    #[tokio::test]
    async fn ephemeral_resource_needs_a_configured_provider() {
        let e = Engine::new(TestProvider(Mode::Good));
        let (v, d) = e
            .open_ephemeral_resource("test_echo", echo(Value::string("x")), caps())
            .await;
        assert!(v.is_null());
        assert!(d.has_error());
    }

    #[test]
    fn write_only_error_on_old_clients_names_the_alternative() {
        use crate::plugin::schema::Attribute;
        let block = Block {
            attributes: vec![Attribute {
                name: "key_wo".into(),
                ty: Some(Type::String),
                optional: true,
                write_only: true,
                write_only_alternative: Some("`key_age`".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let config = Value::Object([("key_wo".to_string(), Value::string("k"))].into());
        let mut diags = Diagnostics::new();
        check_config(
            &block,
            &config,
            &AttributePath::default(),
            false,
            &mut diags,
        );
        assert!(diags.has_error());
        let detail = &diags.0[0].detail;
        assert!(
            detail.contains("Terraform 1.11") && detail.contains("use `key_age` instead"),
            "{detail}"
        );
        let mut diags = Diagnostics::new();
        check_config(&block, &config, &AttributePath::default(), true, &mut diags);
        assert!(diags.is_empty());
    }

    /// Regression: `mtu = 1.5` passed plan and failed apply as "Internal
    /// error ... provider bug". A fraction for an integer attribute is now
    /// a plan-time error naming the attribute.
    #[test]
    fn a_fraction_for_an_integer_attribute_is_an_error_at_that_attribute() {
        #[derive(serde::Deserialize, schemars::JsonSchema)]
        #[allow(dead_code)]
        struct M {
            /// An MTU.
            mtu: Option<i64>,
            /// A ratio.
            ratio: Option<f64>,
        }
        let schema = crate::plugin::schema::schema_from_model::<M>(0, "");
        let block = schema.block;
        assert!(block.attribute("mtu").unwrap().integer);
        assert!(!block.attribute("ratio").unwrap().integer);
        let config = Value::Object(
            [
                (
                    "mtu".to_string(),
                    Value::Number(crate::plugin::value::Number::Float(1.5)),
                ),
                (
                    "ratio".to_string(),
                    Value::Number(crate::plugin::value::Number::Float(1.5)),
                ),
            ]
            .into(),
        );
        let mut diags = Diagnostics::new();
        check_config(&block, &config, &AttributePath::default(), true, &mut diags);
        assert_eq!(diags.0.len(), 1, "{diags:?}");
        assert_eq!(diags.0[0].summary, "Not a whole number");
        assert_eq!(diags.0[0].attribute.as_ref().unwrap().to_string(), "mtu");
        assert!(
            diags.0[0].detail.contains("mtu = 1.5"),
            "{}",
            diags.0[0].detail
        );
        let whole = Value::Object(
            [(
                "mtu".to_string(),
                Value::Number(crate::plugin::value::Number::Float(1468.0)),
            )]
            .into(),
        );
        let mut diags = Diagnostics::new();
        check_config(&block, &whole, &AttributePath::default(), true, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
    }
}
