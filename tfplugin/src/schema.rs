//! Schemas: the types and flags Terraform needs, derived from a model
//! struct's JSON schema (schemars) so that code, schema and docs agree.
//!
//! A model field is turned into an attribute as follows:
//! - the serde name is the attribute name, the doc comment its description;
//! - a field listed in the JSON schema's `required` is required, any other
//!   is optional;
//! - `#[serde(default = "...")]` (schemars emits `"default"`) is a default the
//!   plan engine fills in when the configuration leaves it null; such an
//!   attribute is optional and computed;
//! - extension keys set with `#[schemars(extend("x-tf-..." = true))]`:
//!   `x-tf-computed` (optional + computed, or computed-only when also
//!   `x-tf-read-only`), `x-tf-read-only`, `x-tf-sensitive`,
//!   `x-tf-write-only` (with `x-tf-write-only-alternative`, a string: what
//!   to use instead on clients without write-only support),
//!   `x-tf-requires-replace`, `x-tf-volatile` (a computed
//!   value that becomes unknown whenever anything else in the resource
//!   changes), `x-tf-deprecated` (a string: the deprecation message).
//!   The keys are listed once, in [`ext`]; a key that starts with `x-tf-`
//!   but is not one of them (a typo such as `x-tf-sensitiv`, which would
//!   otherwise read as "not sensitive") or has the wrong kind of value is
//!   an error: [`try_schema_from_model`] returns it, and
//!   [`schema_from_model`] panics on it in debug builds, so every test
//!   that builds the schema fails.
//! - types: string → `string`, integer/number → `number`, boolean → `bool`,
//!   array → `list` (or `set` with `uniqueItems`), object with
//!   `additionalProperties` → `map`, nested struct → `object`.

use serde_json::json;

/// A cty type, as Terraform spells it in schemas.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `"string"`.
    String,
    /// `"number"`.
    Number,
    /// `"bool"`.
    Bool,
    /// `"dynamic"`.
    Dynamic,
    /// `["list", T]`.
    List(Box<Type>),
    /// `["set", T]`.
    Set(Box<Type>),
    /// `["map", T]`.
    Map(Box<Type>),
    /// `["object", {...}]`, attributes sorted by name.
    Object(Vec<(String, Type)>),
    /// `["tuple", [...]]`.
    Tuple(Vec<Type>),
}

impl Type {
    /// The compact JSON form Terraform expects in `Schema.Attribute.type`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::Dynamic => json!("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Object(attrs) => {
                let m: serde_json::Map<String, serde_json::Value> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                json!(["object", m])
            }
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
        }
    }

    /// Parses the compact JSON form of a type (the inverse of
    /// [`Type::to_json`]), as found in the first element of a msgpack
    /// `dynamic` value or the `type` member of its JSON form. Object
    /// attributes come out sorted by name; the optional-attribute list
    /// that go-cty may append to an object type is ignored.
    pub fn from_json(json: &serde_json::Value) -> Result<Type, String> {
        Self::from_json_depth(json, 0)
    }

    fn from_json_depth(json: &serde_json::Value, depth: usize) -> Result<Type, String> {
        if depth > MAX_TYPE_DEPTH {
            return Err(format!("type nested deeper than {MAX_TYPE_DEPTH} levels"));
        }
        match json {
            serde_json::Value::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            serde_json::Value::Array(parts) => {
                let kind = parts.first().and_then(|k| k.as_str()).ok_or_else(|| {
                    "a composite type must be an array starting with its kind".to_string()
                })?;
                let arg = parts
                    .get(1)
                    .ok_or_else(|| format!("type {kind:?} has no element or attribute types"))?;
                let inner = |j: &serde_json::Value| Self::from_json_depth(j, depth + 1);
                match (kind, parts.len()) {
                    ("list", 2) => Ok(Type::List(Box::new(inner(arg)?))),
                    ("set", 2) => Ok(Type::Set(Box::new(inner(arg)?))),
                    ("map", 2) => Ok(Type::Map(Box::new(inner(arg)?))),
                    ("object", 2 | 3) => {
                        let attrs = arg.as_object().ok_or_else(|| {
                            "object attribute types must be a JSON object".to_string()
                        })?;
                        let mut out = attrs
                            .iter()
                            .map(|(k, t)| Ok((k.clone(), inner(t)?)))
                            .collect::<Result<Vec<_>, String>>()?;
                        out.sort_by(|a, b| a.0.cmp(&b.0));
                        Ok(Type::Object(out))
                    }
                    ("tuple", 2) => {
                        let elems = arg.as_array().ok_or_else(|| {
                            "tuple element types must be a JSON array".to_string()
                        })?;
                        Ok(Type::Tuple(
                            elems.iter().map(inner).collect::<Result<_, _>>()?,
                        ))
                    }
                    _ => Err(format!(
                        "unknown composite type {kind:?} with {} parts",
                        parts.len()
                    )),
                }
            }
            other => Err(format!("not a type: {other}")),
        }
    }
}

/// How deeply types and values may nest before the codec gives up (a guard
/// against hostile input exhausting the stack).
pub const MAX_TYPE_DEPTH: usize = 64;

/// One attribute of a block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attribute {
    /// Attribute name (snake_case).
    pub name: String,
    /// Its type.
    pub ty: Option<Type>,
    /// Markdown description (from the doc comment).
    pub description: String,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// The provider may set it.
    pub computed: bool,
    /// Hidden in CLI output.
    pub sensitive: bool,
    /// Never stored in plan or state (protocol 5.8, Terraform 1.11+).
    pub write_only: bool,
    /// For a write-only attribute: what to use instead on a Terraform or
    /// OpenTofu too old for write-only attributes (named in the error).
    pub write_only_alternative: Option<String>,
    /// A change to it replaces the resource.
    pub requires_replace: bool,
    /// Computed value that becomes unknown whenever the resource changes.
    pub volatile: bool,
    /// Value the plan engine uses when the configuration leaves it null.
    pub default: Option<serde_json::Value>,
    /// Deprecation message, when deprecated.
    pub deprecated: Option<String>,
    /// A number the model holds as an integer: Terraform's `number` type
    /// admits fractions, so the plan engine refuses one at plan time.
    pub integer: bool,
}

/// True when the JSON schema of a property is an integer (`"integer"`, or
/// `["integer", "null"]` for an `Option`).
fn is_integer_schema(prop: &serde_json::Value) -> bool {
    match prop.get("type") {
        Some(serde_json::Value::String(t)) => t == "integer",
        Some(serde_json::Value::Array(ts)) => {
            ts.iter().any(|t| t == "integer") && !ts.iter().any(|t| t == "number")
        }
        _ => false,
    }
}

/// Nesting mode of a nested block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block.
    Single,
    /// Ordered blocks.
    List,
    /// Unordered blocks.
    Set,
    /// Labelled blocks.
    Map,
    /// Exactly one block, never null.
    Group,
}

/// A nested block type.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    /// Block type name.
    pub type_name: String,
    /// Its contents.
    pub block: Block,
    /// How it nests.
    pub nesting: Nesting,
    /// Minimum count.
    pub min_items: i64,
    /// Maximum count (0 = unlimited).
    pub max_items: i64,
}

/// A block: attributes and nested blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// Attributes, sorted by name.
    pub attributes: Vec<Attribute>,
    /// Nested block types.
    pub block_types: Vec<NestedBlock>,
    /// Markdown description.
    pub description: String,
    /// Deprecation message, when deprecated.
    pub deprecated: Option<String>,
}

impl Block {
    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The object type of a value of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: Vec<(String, Type)> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty.clone().unwrap_or(Type::Dynamic)))
            .collect();
        for nb in &self.block_types {
            let inner = nb.block.value_type();
            let t = match nb.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::List(Box::new(inner)),
                Nesting::Set => Type::Set(Box::new(inner)),
                Nesting::Map => Type::Map(Box::new(inner)),
            };
            attrs.push((nb.type_name.clone(), t));
        }
        attrs.sort_by(|a, b| a.0.cmp(&b.0));
        Type::Object(attrs)
    }
}

/// A versioned schema (resource, data source, provider configuration or
/// ephemeral resource).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Schema version, for state upgrades.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

// ---------------------------------------------------------------------------
// Schemas from model structs
// ---------------------------------------------------------------------------

/// The schema of a resource, data source or provider configuration whose
/// model struct is `T`, by the rules in this module's documentation.
/// `description` describes the whole block; when empty, the struct's doc
/// comment is used.
///
/// A schema as the plugin engine serves it, with its value type: the
/// engine builds one per type the first time a call needs it and shares it
/// with every call after (the one schema cache, in `engine.rs`), so
/// neither the schema nor its type is built twice. It dereferences to the
/// [`Schema`].
#[derive(Debug, Clone)]
pub struct Served {
    /// The schema.
    pub schema: Schema,
    /// Its value type ([`Block::value_type`]).
    pub ty: Type,
}

impl Served {
    /// `schema` with its value type.
    pub fn new(schema: Schema) -> Self {
        let ty = schema.block.value_type();
        Served { schema, ty }
    }
}

impl std::ops::Deref for Served {
    type Target = Schema;

    fn deref(&self) -> &Schema {
        &self.schema
    }
}

/// A model the rules cannot express (a field whose type has no Terraform
/// equivalent) is a provider bug: the offending attribute is logged and
/// typed `dynamic`. Unit tests should call [`try_schema_from_model`] to
/// catch such models.
pub fn schema_from_model<T: schemars::JsonSchema + 'static>(
    version: i64,
    description: &str,
) -> Schema {
    (*shared_schema_from_model::<T>(version, description)).clone()
}

/// [`schema_from_model`], built once per model type, version and
/// description for the life of the process and then shared: the calls
/// that convert a model to a value (every read and plan) need the schema,
/// and building it from the model's JSON Schema costs more than the rest
/// of such a call.
pub fn shared_schema_from_model<T: schemars::JsonSchema + 'static>(
    version: i64,
    description: &str,
) -> std::sync::Arc<Schema> {
    type Built = Vec<(i64, String, std::sync::Arc<Schema>)>;
    static BUILT: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<std::any::TypeId, Built>>,
    > = std::sync::OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let key = std::any::TypeId::of::<T>();
    let lookup = |map: &std::collections::HashMap<std::any::TypeId, Built>| {
        map.get(&key)?
            .iter()
            .find(|(v, d, _)| *v == version && d == description)
            .map(|(_, _, s)| s.clone())
    };
    if let Some(s) = lookup(&built.lock().unwrap_or_else(|p| p.into_inner())) {
        return s;
    }
    // Built outside the lock: a debug build panics here on a bad model.
    let schema = std::sync::Arc::new(build_model_schema::<T>(version, description));
    let mut map = built.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = lookup(&map) {
        return s;
    }
    map.entry(key)
        .or_default()
        .push((version, description.to_string(), schema.clone()));
    schema
}

fn build_model_schema<T: schemars::JsonSchema>(version: i64, description: &str) -> Schema {
    match build_schema::<T>(version, description, true) {
        Ok(s) => s,
        Err(e) => {
            // A misspelt flag would read as false (a secret shown in
            // plans): fatal wherever the schema is built in a debug build.
            if cfg!(debug_assertions) && e.contains(BAD_EXTENSION) {
                panic!("schema of model {}: {e}", T::schema_name());
            }
            log::error!(
                "schema of model {} is not expressible in Terraform: {e}",
                T::schema_name()
            );
            // Lenient mode never fails; keep an empty block rather than panic.
            build_schema::<T>(version, description, false).unwrap_or_default()
        }
    }
}

/// Like [`schema_from_model`], but a field that cannot be expressed is an
/// error naming it.
pub fn try_schema_from_model<T: schemars::JsonSchema>(
    version: i64,
    description: &str,
) -> Result<Schema, String> {
    build_schema::<T>(version, description, true)
}

fn build_schema<T: schemars::JsonSchema>(
    version: i64,
    description: &str,
    strict: bool,
) -> Result<Schema, String> {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let root = generator.into_root_schema_for::<T>().to_value();
    if strict {
        check_extensions(&root, "")?;
    }
    let defs = Defs(&root);
    let root_obj = defs.resolve(&root, 0)?;
    let mut block = block_from_json(root_obj, &defs, strict)?;
    block.description = if description.is_empty() {
        root_obj
            .get("description")
            .and_then(|d| d.as_str())
            .map(unwrap_doc)
            .unwrap_or_default()
    } else {
        description.to_string()
    };
    Ok(Schema { version, block })
}

/// The `$defs` of a root schema, to resolve `$ref`s of recursive or
/// non-inlined types.
struct Defs<'a>(&'a serde_json::Value);

impl<'a> Defs<'a> {
    /// Follows `$ref` (to `#/$defs/..` or `#/definitions/..`) until a
    /// schema without one is reached.
    fn resolve(
        &self,
        mut s: &'a serde_json::Value,
        depth: usize,
    ) -> Result<&'a serde_json::Value, String> {
        for _ in depth..MAX_TYPE_DEPTH {
            match s.get("$ref").and_then(|r| r.as_str()) {
                Some(r) => {
                    let pointer = r
                        .strip_prefix('#')
                        .ok_or_else(|| format!("external reference {r:?}"))?;
                    s = self
                        .0
                        .pointer(pointer)
                        .ok_or_else(|| format!("unresolved reference {r:?}"))?;
                }
                None => return Ok(s),
            }
        }
        Err(format!(
            "references nested deeper than {MAX_TYPE_DEPTH} levels (a recursive model?)"
        ))
    }
}

/// Joins the lines of a doc comment's paragraphs (rustdoc keeps the line
/// breaks of the source), keeping blank lines between paragraphs and
/// list items on their own lines.
fn unwrap_doc(doc: &str) -> String {
    let mut out = String::new();
    for (i, para) in doc.split("\n\n").enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let mut first = true;
        for line in para.lines() {
            let t = line.trim();
            if !first {
                let list = t.starts_with("- ")
                    || t.starts_with("* ")
                    || t.starts_with(|c: char| c.is_ascii_digit());
                out.push(if list { '\n' } else { ' ' });
            }
            out.push_str(t);
            first = false;
        }
    }
    out
}

/// The `x-tf-*` extension keys a model field may carry, written once.
pub mod ext {
    /// Optional and computed (computed-only with [`READ_ONLY`]).
    pub const COMPUTED: &str = "x-tf-computed";
    /// Set by the provider only.
    pub const READ_ONLY: &str = "x-tf-read-only";
    /// Never shown in plans or output.
    pub const SENSITIVE: &str = "x-tf-sensitive";
    /// Never stored in state or plan (Terraform 1.11+).
    pub const WRITE_ONLY: &str = "x-tf-write-only";
    /// What to use instead of a write-only attribute on older clients (a string).
    pub const WRITE_ONLY_ALTERNATIVE: &str = "x-tf-write-only-alternative";
    /// A change replaces the object.
    pub const REQUIRES_REPLACE: &str = "x-tf-requires-replace";
    /// Computed, and unknown whenever anything else changes.
    pub const VOLATILE: &str = "x-tf-volatile";
    /// Deprecated: `true`, or a string with the message.
    pub const DEPRECATED: &str = "x-tf-deprecated";

    /// The value a key takes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Kind {
        /// `true` or `false`.
        Flag,
        /// A string.
        Text,
        /// `true`, `false` or a string.
        FlagOrText,
    }

    /// Every known key and the value it takes.
    pub const KNOWN: [(&str, Kind); 8] = [
        (COMPUTED, Kind::Flag),
        (READ_ONLY, Kind::Flag),
        (SENSITIVE, Kind::Flag),
        (WRITE_ONLY, Kind::Flag),
        (WRITE_ONLY_ALTERNATIVE, Kind::Text),
        (REQUIRES_REPLACE, Kind::Flag),
        (VOLATILE, Kind::Flag),
        (DEPRECATED, Kind::FlagOrText),
    ];

    /// The prefix every extension key of this provider starts with.
    pub const PREFIX: &str = "x-tf-";
}

/// What an error about an `x-tf-*` key starts with.
const BAD_EXTENSION: &str = "schema extension";

/// Checks every `x-tf-*` key anywhere in a model's JSON schema: it must be
/// one of [`ext::KNOWN`], with a value of the right kind. `at` names where
/// the walk is, for the error.
fn check_extensions(s: &serde_json::Value, at: &str) -> Result<(), String> {
    use ext::Kind;
    match s {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k.starts_with(ext::PREFIX) {
                    let known = ext::KNOWN.iter().find(|(name, _)| name == k);
                    let fits = match known.map(|(_, kind)| kind) {
                        None => {
                            let names: Vec<&str> = ext::KNOWN.iter().map(|(n, _)| *n).collect();
                            return Err(format!(
                                "unknown {BAD_EXTENSION} {k:?} at {at}: check the spelling; the known keys are {}",
                                names.join(", ")
                            ));
                        }
                        Some(Kind::Flag) => v.is_boolean(),
                        Some(Kind::Text) => v.is_string(),
                        Some(Kind::FlagOrText) => v.is_boolean() || v.is_string(),
                    };
                    if !fits {
                        return Err(format!(
                            "{BAD_EXTENSION} {k:?} at {at} has the value {v}, which is not of the kind it takes"
                        ));
                    }
                }
                let inner = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}/{k}")
                };
                check_extensions(v, &inner)?;
            }
            Ok(())
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_extensions(v, &format!("{at}/{i}"))),
        _ => Ok(()),
    }
}

fn flag(s: &serde_json::Value, key: &str) -> bool {
    s.get(key).and_then(|v| v.as_bool()).unwrap_or(false)
}

fn block_from_json(
    root: &serde_json::Value,
    defs: &Defs<'_>,
    strict: bool,
) -> Result<Block, String> {
    let props = root
        .get("properties")
        .and_then(|p| p.as_object())
        .ok_or_else(|| "the model must be a struct with named fields".to_string())?;
    let required: Vec<&str> = root
        .get("required")
        .and_then(|r| r.as_array())
        .map(|r| r.iter().filter_map(|n| n.as_str()).collect())
        .unwrap_or_default();
    let mut attributes = Vec::with_capacity(props.len());
    for (name, prop) in props {
        let ty = match type_from_json(prop, defs, 0) {
            Ok((ty, _nullable)) => ty,
            Err(e) if strict => return Err(format!("attribute {name:?}: {e}")),
            Err(e) => {
                log::error!("attribute {name:?} typed dynamic: {e}");
                Type::Dynamic
            }
        };
        attributes.push(attribute_from_json(
            name,
            prop,
            ty,
            required.contains(&name.as_str()),
        ));
    }
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Block {
        attributes,
        ..Block::default()
    })
}

fn attribute_from_json(
    name: &str,
    prop: &serde_json::Value,
    ty: Type,
    in_required: bool,
) -> Attribute {
    let default = prop.get("default").filter(|d| !d.is_null()).cloned();
    let computed_flag = flag(prop, ext::COMPUTED);
    let read_only = flag(prop, ext::READ_ONLY);
    let (required, optional, computed) = if read_only {
        (false, false, true)
    } else if computed_flag || default.is_some() {
        (false, true, true)
    } else if in_required {
        (true, false, false)
    } else {
        (false, true, false)
    };
    let deprecated = match prop.get(ext::DEPRECATED) {
        Some(serde_json::Value::String(m)) => Some(m.clone()),
        Some(serde_json::Value::Bool(true)) => Some(format!("{name} is deprecated.")),
        _ if flag(prop, "deprecated") => Some(format!("{name} is deprecated.")),
        _ => None,
    };
    Attribute {
        name: name.to_string(),
        ty: Some(ty),
        description: prop
            .get("description")
            .and_then(|d| d.as_str())
            .map(unwrap_doc)
            .unwrap_or_default(),
        required,
        optional,
        computed,
        sensitive: flag(prop, ext::SENSITIVE),
        write_only: flag(prop, ext::WRITE_ONLY),
        write_only_alternative: prop
            .get(ext::WRITE_ONLY_ALTERNATIVE)
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        requires_replace: flag(prop, ext::REQUIRES_REPLACE),
        volatile: flag(prop, ext::VOLATILE),
        default,
        deprecated,
        integer: is_integer_schema(prop),
    }
}

/// The Terraform type of a JSON schema, and whether it admits null.
fn type_from_json(
    s: &serde_json::Value,
    defs: &Defs<'_>,
    depth: usize,
) -> Result<(Type, bool), String> {
    use serde_json::Value as J;
    if depth > MAX_TYPE_DEPTH {
        return Err(format!("nested deeper than {MAX_TYPE_DEPTH} levels"));
    }
    let s = defs.resolve(s, depth)?;
    if let J::Bool(true) = s {
        return Ok((Type::Dynamic, true));
    }
    let obj = s
        .as_object()
        .ok_or_else(|| format!("unsupported schema {s}"))?;
    // anyOf / oneOf: [T, null] is a nullable T.
    for key in ["anyOf", "oneOf"] {
        if let Some(J::Array(branches)) = obj.get(key) {
            let mut nullable = false;
            let mut types = Vec::new();
            for b in branches {
                let b = defs.resolve(b, depth + 1)?;
                if b.get("type").and_then(|t| t.as_str()) == Some("null") {
                    nullable = true;
                } else {
                    types.push(type_from_json(b, defs, depth + 1)?);
                }
            }
            return match types.as_slice() {
                [(t, n)] => Ok((t.clone(), nullable || *n)),
                [] => Err("a schema that only admits null".into()),
                [(first, _), rest @ ..] if rest.iter().all(|(t, _)| t == first) => {
                    Ok((first.clone(), nullable))
                }
                _ => Err(format!(
                    "{key} of {} different types has no Terraform equivalent",
                    types.len()
                )),
            };
        }
    }
    if let Some(J::Array(all)) = obj.get("allOf")
        && let [single] = all.as_slice()
    {
        return type_from_json(single, defs, depth + 1);
    }
    let (kind, nullable) = match obj.get("type") {
        Some(J::String(t)) => (t.as_str(), false),
        Some(J::Array(ts)) => {
            let names: Vec<&str> = ts.iter().filter_map(|t| t.as_str()).collect();
            let non_null: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
            match non_null.as_slice() {
                [one] => (*one, names.len() > 1),
                ["integer", "number"] | ["number", "integer"] => ("number", names.len() > 2),
                _ => return Err(format!("a value of several types {names:?}")),
            }
        }
        None => {
            // An enum or const without a type: take the type of its values.
            let sample = obj
                .get("const")
                .or_else(|| obj.get("enum").and_then(|e| e.get(0)));
            match sample {
                Some(J::String(_)) => ("string", false),
                Some(J::Bool(_)) => ("boolean", false),
                Some(J::Number(_)) => ("number", false),
                None if obj
                    .keys()
                    .all(|k| !k.starts_with(char::is_alphabetic) || is_annotation(k)) =>
                {
                    return Ok((Type::Dynamic, true));
                }
                _ => return Err(format!("unsupported schema {s}")),
            }
        }
        Some(other) => return Err(format!("unsupported type {other}")),
    };
    let ty = match kind {
        "string" => Type::String,
        "integer" | "number" => Type::Number,
        "boolean" => Type::Bool,
        "array" => {
            if let Some(J::Array(prefix)) = obj.get("prefixItems") {
                let elems = prefix
                    .iter()
                    .map(|p| type_from_json(p, defs, depth + 1).map(|(t, _)| t))
                    .collect::<Result<Vec<_>, _>>()?;
                Type::Tuple(elems)
            } else {
                let items = obj.get("items").unwrap_or(&J::Bool(true));
                let (et, _) = type_from_json(items, defs, depth + 1)?;
                if flag(s, "uniqueItems") {
                    Type::Set(Box::new(et))
                } else {
                    Type::List(Box::new(et))
                }
            }
        }
        "object" => match (
            obj.get("properties").and_then(|p| p.as_object()),
            obj.get("additionalProperties"),
        ) {
            (Some(props), _) if !props.is_empty() => {
                let mut attrs = props
                    .iter()
                    .map(|(k, p)| Ok((k.clone(), type_from_json(p, defs, depth + 1)?.0)))
                    .collect::<Result<Vec<_>, String>>()?;
                attrs.sort_by(|a, b| a.0.cmp(&b.0));
                Type::Object(attrs)
            }
            (_, Some(J::Bool(false))) => Type::Object(Vec::new()),
            (_, Some(elem)) => Type::Map(Box::new(type_from_json(elem, defs, depth + 1)?.0)),
            (_, None) => Type::Map(Box::new(Type::Dynamic)),
        },
        "null" => return Err("a schema that only admits null".into()),
        other => return Err(format!("unsupported type {other:?}")),
    };
    Ok((ty, nullable))
}

/// Schema keywords that only annotate (a schema made of these alone admits
/// any value).
fn is_annotation(k: &str) -> bool {
    matches!(
        k,
        "description" | "title" | "default" | "examples" | "deprecated" | "readOnly" | "writeOnly"
    ) || k.starts_with("x-")
}

#[cfg(test)]
mod tests;
