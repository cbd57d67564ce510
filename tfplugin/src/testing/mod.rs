//! The one fake provider for testing the plugin layer (gRPC, handshake,
//! plan engine) without a router.
//!
//! - `routeros_test_thing`, a hand-written schema, kept in memory or, when
//!   the provider's `store_file` is set, in a JSON file so that separate
//!   Terraform runs see the same objects (the handshake tests and
//!   `plugin-test-provider` use it);
//! - `routeros_test_widget`, a schema from a model struct, with a [`Mode`]
//!   that makes it misbehave so the engine's checks can be seen working;
//!   the data source `routeros_test_info` and the ephemeral resource
//!   `routeros_test_echo` (see `widget.rs`);
//! - the action `routeros_echo` (see `action.rs`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::diag::{Diagnostic, Diagnostics};
use super::resource::{Ctx, DataSource, EphemeralResource, Private, Provider, Resource};
use super::schema::{Attribute, Block, Schema, Type};
use super::value::Value;

mod action;
mod widget;

/// Reads a plugin's `--debug` output up to its `TF_REATTACH_PROVIDERS='…'`
/// line and returns that JSON (the tests of every provider binary that
/// serves in debug mode read it the same way). Panics when the output ends
/// first or the value is not JSON.
pub fn read_reattach(mut stdout: impl std::io::BufRead) -> serde_json::Value {
    let mut line = String::new();
    while stdout
        .read_line(&mut line)
        .expect("read the plugin's stdout")
        > 0
    {
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            return serde_json::from_str(rest.trim_end_matches('\''))
                .expect("TF_REATTACH_PROVIDERS is JSON");
        }
        line.clear();
    }
    panic!("no TF_REATTACH_PROVIDERS line in the plugin's output");
}
#[cfg(test)]
pub(crate) use widget::{Widget, echo_type, widget_type};

/// The fake resource's type name.
pub const THING_TYPE: &str = "routeros_test_thing";
/// The model-struct resource's type name.
pub const WIDGET_TYPE: &str = "routeros_test_widget";
/// The fake data source's type name.
pub const INFO_TYPE: &str = "routeros_test_info";
/// The fake action's type name.
pub const ACTION_TYPE: &str = "routeros_echo";
/// The fake ephemeral resource's type name.
pub const ECHO_TYPE: &str = "routeros_test_echo";

/// How `routeros_test_widget` misbehaves, to test the engine's checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Behaves.
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

/// One stored thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thing {
    /// Its name.
    pub name: String,
    /// Free text.
    pub value: Option<String>,
    /// A number with a default.
    pub size: i64,
    /// A sensitive string.
    pub secret: Option<String>,
}

/// Everything the fake "remote system" holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Store {
    /// Next id number.
    pub next_id: u64,
    /// Things by id.
    pub things: BTreeMap<String, Thing>,
    #[serde(skip)]
    file: Option<PathBuf>,
}

impl Store {
    fn persist(&self) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))
    }
}

/// The configured client: a handle on the store, and what the widget
/// resource keeps and was told.
#[derive(Debug, Clone, Default)]
pub struct TestClient {
    store: Arc<Mutex<Store>>,
    /// The widgets by id.
    pub(crate) widgets: Arc<Mutex<BTreeMap<String, widget::Widget>>>,
    /// Write-only values the widget resource saw in its configuration.
    pub secrets: Arc<Mutex<Vec<String>>>,
    /// The widget writes made, in order (`create`, `update`, `delete`, `open`).
    pub log: Arc<Mutex<Vec<String>>>,
}

impl TestClient {
    /// Locks the store (a poisoned lock is still usable: the data is plain).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The fake provider (type name `routeros`).
#[derive(Debug, Clone, Default)]
pub struct TestProvider {
    client: TestClient,
    mode: Mode,
    /// With [`TestProvider::routed`]: the clients of the lanes `a` and
    /// `b`, which the route attribute `lane` picks.
    lanes: Option<BTreeMap<String, Arc<TestClient>>>,
}

/// The route attribute of [`TestProvider::routed`].
pub const LANE: &str = "lane";

impl TestProvider {
    /// A provider with an empty in-memory store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A provider whose widget resource misbehaves as `mode` says.
    pub fn with_mode(mode: Mode) -> Self {
        TestProvider {
            mode,
            ..Self::default()
        }
    }

    /// A client sharing this provider's store, for tests to look inside.
    pub fn client(&self) -> TestClient {
        self.client.clone()
    }

    /// A provider whose every type has the route attribute `lane`: `a`
    /// and `b` pick a client of their own, unset picks the default one
    /// ([`TestProvider::client`]), anything else is an error.
    pub fn routed() -> Self {
        TestProvider {
            lanes: Some(
                ["a", "b"]
                    .into_iter()
                    .map(|n| (n.to_string(), Arc::new(TestClient::default())))
                    .collect(),
            ),
            ..Self::default()
        }
    }

    /// The client of lane `name` of a [`TestProvider::routed`] provider.
    pub fn lane(&self, name: &str) -> Option<Arc<TestClient>> {
        self.lanes.as_ref()?.get(name).cloned()
    }
}

fn string_attr(name: &str, description: &str) -> Attribute {
    Attribute {
        name: name.into(),
        ty: Some(Type::String),
        description: description.into(),
        ..Default::default()
    }
}

/// The schema of `routeros_test_thing`.
pub fn thing_schema() -> Schema {
    Schema {
        version: 0,
        block: Block {
            attributes: vec![
                Attribute {
                    computed: true,
                    ..string_attr("id", "Identifier, set by the provider.")
                },
                Attribute {
                    required: true,
                    requires_replace: true,
                    ..string_attr("name", "Name; changing it replaces the thing.")
                },
                Attribute {
                    optional: true,
                    sensitive: true,
                    ..string_attr("secret", "A sensitive value.")
                },
                Attribute {
                    name: "size".into(),
                    ty: Some(Type::Number),
                    description: "A number, 3 when not set.".into(),
                    optional: true,
                    computed: true,
                    default: Some(serde_json::json!(3)),
                    ..Default::default()
                },
                Attribute {
                    optional: true,
                    ..string_attr("value", "Free text, updated in place.")
                },
            ],
            description: "A fake resource for testing the plugin layer.".into(),
            ..Default::default()
        },
    }
}

fn thing_value(id: &str, t: &Thing) -> Value {
    let opt = |s: &Option<String>| s.as_ref().map_or(Value::Null, |s| Value::string(s.clone()));
    Value::Object(BTreeMap::from([
        ("id".to_string(), Value::string(id)),
        ("name".to_string(), Value::string(t.name.clone())),
        ("secret".to_string(), opt(&t.secret)),
        ("size".to_string(), Value::int(t.size)),
        ("value".to_string(), opt(&t.value)),
    ]))
}

fn thing_from(planned: &Value) -> Thing {
    Thing {
        name: planned.get_str("name").unwrap_or_default().to_string(),
        value: planned.get_str("value").map(str::to_string),
        size: planned.get_i64("size").unwrap_or(3),
        secret: planned.get_str("secret").map(str::to_string),
    }
}

fn store_error(e: String) -> Diagnostic {
    Diagnostic::error(
        "Cannot save the test store",
        format!("{e}. Check that store_file is writable."),
    )
}

struct ThingResource;

#[async_trait]
impl Resource<TestClient> for ThingResource {
    fn type_name(&self) -> &'static str {
        THING_TYPE
    }

    fn schema(&self) -> Schema {
        thing_schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(name) = config.get_str("name") {
            if name.is_empty() || name.contains(char::is_whitespace) {
                diags.push(
                    Diagnostic::error(
                        "Invalid name",
                        format!(
                            "{name:?} is not a valid name: use a non-empty name without spaces."
                        ),
                    )
                    .at_attr("name"),
                );
            }
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<TestClient>,
        planned: &Value,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let thing = thing_from(planned);
        let mut store = ctx.client.store();
        store.next_id += 1;
        let id = format!("thing-{}", store.next_id);
        store.things.insert(id.clone(), thing.clone());
        if let Err(e) = store.persist() {
            diags.push(store_error(e));
        }
        log::debug!("created {THING_TYPE} {id}");
        Some(thing_value(&id, &thing))
    }

    async fn read(
        &self,
        ctx: &Ctx<TestClient>,
        state: &Value,
        _private: &mut Private,
        _diags: &mut Diagnostics,
    ) -> Option<Value> {
        let id = state.get_str("id")?;
        let store = ctx.client.store();
        store.things.get(id).map(|t| thing_value(id, t))
    }

    async fn update(
        &self,
        ctx: &Ctx<TestClient>,
        prior: &Value,
        planned: &Value,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let Some(id) = prior.get_str("id") else {
            diags.push(Diagnostic::error(
                "Missing id",
                "The prior state has no id; import the thing again.",
            ));
            return None;
        };
        let thing = thing_from(planned);
        let mut store = ctx.client.store();
        if !store.things.contains_key(id) {
            diags.push(Diagnostic::error(
                "Thing not found",
                format!("{id} no longer exists; run terraform apply again to create it."),
            ));
            return None;
        }
        store.things.insert(id.to_string(), thing.clone());
        if let Err(e) = store.persist() {
            diags.push(store_error(e));
        }
        Some(thing_value(id, &thing))
    }

    async fn delete(
        &self,
        ctx: &Ctx<TestClient>,
        prior: &Value,
        _private: &Private,
        diags: &mut Diagnostics,
    ) {
        if let Some(id) = prior.get_str("id") {
            let mut store = ctx.client.store();
            store.things.remove(id);
            if let Err(e) = store.persist() {
                diags.push(store_error(e));
            }
        }
    }

    async fn import(
        &self,
        ctx: &Ctx<TestClient>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        if !ctx.client.store().things.contains_key(id) {
            diags.push(Diagnostic::error(
                "Cannot import",
                format!(
                    "There is no {THING_TYPE} with id {id:?}. Check the id (it looks like thing-1)."
                ),
            ));
            return None;
        }
        Some(Value::Object(BTreeMap::from([(
            "id".to_string(),
            Value::string(id),
        )])))
    }
}

#[async_trait]
impl Provider for TestProvider {
    type Configured = Arc<TestClient>;
    type Client = TestClient;

    fn route(&self) -> Option<crate::resource::Route> {
        self.lanes.as_ref().map(|_| crate::resource::Route {
            attribute: LANE,
            description: "The lane (`a` or `b`) whose client the call uses; unset: the default one.",
        })
    }

    async fn ready(
        &self,
        configured: &Arc<TestClient>,
        route: Option<&str>,
    ) -> Result<Arc<TestClient>, Diagnostic> {
        match route {
            None => Ok(Arc::clone(configured)),
            Some(name) => self.lane(name).ok_or_else(|| {
                Diagnostic::error(
                    format!("No lane named {name:?}"),
                    "Set `lane` to a or b, or leave it unset.",
                )
                .at_attr(LANE)
            }),
        }
    }

    fn route_names(&self, _configured: &Arc<TestClient>) -> Vec<String> {
        self.lanes
            .as_ref()
            .map_or_else(Vec::new, |l| l.keys().cloned().collect())
    }

    fn type_name(&self) -> &'static str {
        "routeros"
    }

    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block {
                attributes: vec![Attribute {
                    optional: true,
                    ..string_attr(
                        "store_file",
                        "JSON file keeping the things between runs (default: in memory).",
                    )
                }],
                description: "Fake provider for testing the plugin layer.".into(),
                ..Default::default()
            },
        }
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        diags: &mut Diagnostics,
    ) -> Option<Arc<TestClient>> {
        log::debug!("configuring the test provider for Terraform {terraform_version}");
        if let Some(path) = config.get_str("store_file") {
            let path = PathBuf::from(path);
            let mut loaded = match std::fs::read_to_string(&path) {
                Ok(text) => {
                    match serde_json::from_str::<Store>(&text) {
                        Ok(s) => s,
                        Err(e) => {
                            diags.push(
                            Diagnostic::error(
                                "Unreadable store file",
                                format!("{} is not a test store ({e}); delete it or pick another path.", path.display()),
                            )
                            .at_attr("store_file"),
                        );
                            return None;
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Store::default(),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            "Cannot read the store file",
                            format!("{}: {e}", path.display()),
                        )
                        .at_attr("store_file"),
                    );
                    return None;
                }
            };
            loaded.file = Some(path);
            *self.client.store() = loaded;
        }
        Some(Arc::new(self.client()))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<TestClient>>> {
        vec![
            Arc::new(ThingResource),
            Arc::new(widget::WidgetResource(self.mode)),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<TestClient>>> {
        vec![Arc::new(widget::InfoSource)]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<TestClient>>> {
        vec![Arc::new(widget::EchoEphemeral)]
    }

    fn actions(&self) -> Vec<Arc<dyn crate::action::Action<TestClient>>> {
        vec![Arc::new(action::EchoAction)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thing_round_trips_through_a_value() {
        let t = Thing {
            name: "a".into(),
            value: None,
            size: 7,
            secret: Some("s".into()),
        };
        let v = thing_value("thing-1", &t);
        assert_eq!(v.get_str("id"), Some("thing-1"));
        assert_eq!(v.get("value"), Some(&Value::Null));
        assert_eq!(thing_from(&v), t);
    }

    #[test]
    fn schema_lists_every_attribute_of_the_value() {
        let s = thing_schema();
        let Type::Object(attrs) = s.block.value_type() else {
            panic!("object expected")
        };
        let names: Vec<_> = attrs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["id", "name", "secret", "size", "value"]);
        let Value::Object(m) = thing_value(
            "x",
            &Thing {
                name: "n".into(),
                value: None,
                size: 3,
                secret: None,
            },
        ) else {
            panic!("object expected")
        };
        assert_eq!(m.keys().map(String::as_str).collect::<Vec<_>>(), names);
    }

    #[test]
    fn validate_points_at_the_name() {
        let mut diags = Diagnostics::new();
        let config = Value::Object(BTreeMap::from([(
            "name".to_string(),
            Value::string("has space"),
        )]));
        ThingResource.validate(&config, &mut diags);
        assert!(diags.has_error());
        assert_eq!(
            diags.0[0].attribute,
            Some(super::super::diag::AttributePath::root("name"))
        );
    }
}
