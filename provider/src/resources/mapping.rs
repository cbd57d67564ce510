//! The mapping between a resource's model and RouterOS's names and value
//! encodings, derived from the model's schema so that a resource states
//! each attribute once (in its model struct).
//!
//! The rules, applied to every attribute of the model:
//!
//! - **Names**: `snake_case` attribute → `kebab-case` RouterOS argument
//!   (`server_priority` → `server-priority`); `id` is RouterOS's `.id`. A
//!   resource names the exceptions in [`super::row::MenuRow::RENAMES`]:
//!   another RouterOS name, or `""` for an attribute RouterOS does not hold
//!   (kept from the prior state).
//! - **Values**: a bool is sent as `yes`/`no` and read from `yes`/`true`/
//!   `no`/`false`; a number is decimal
//!   text (whole numbers only); a list or set is comma-separated text (empty
//!   members dropped when read); text is text, verbatim.
//! - **Left out**: a value RouterOS does not print reads as the
//!   attribute's default (`disabled` is false), else null.
//! - **Read-only** attributes (`x-tf-read-only`) are read, never sent.
//! - **Optional** attributes that RouterOS prints empty or leaves out are
//!   null, unless the prior state held the empty text (RouterOS does not echo an empty
//!   comment, which must not show as drift); optional text removed from the
//!   configuration is sent empty, which clears it on the router.
//! - **Writes** send, on create, every attribute with a value and, on
//!   update, those whose RouterOS text changed.
//!
//! A value RouterOS sends that does not parse is a [`MappingError`] naming
//! the attribute, the RouterOS argument and the shape of the value (never
//! the value: router text is hostile and may be long).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as J;

use crate::plugin::diag::Diagnostic;
use crate::plugin::schema::{Type, schema_from_model};
use crate::routeros::Record;

/// One attribute of a model and its RouterOS form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Terraform attribute.
    pub attr: String,
    /// The RouterOS argument; `None` when RouterOS does not hold it.
    pub ros: Option<String>,
    /// The attribute's type.
    pub ty: Type,
    /// Whether the configuration must set it (a missing value reads as
    /// empty text, zero or false rather than null).
    pub required: bool,
    /// Whether it is only read from the router.
    pub read_only: bool,
    /// Its default, which a value RouterOS leaves out reads as.
    pub default: Option<J>,
}

/// The derived mapping of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The attributes, sorted by name.
    pub fields: Vec<Field>,
    /// (RouterOS argument, attribute) of the fields RouterOS holds, for
    /// pointing a rejected write at its attribute.
    pairs: Vec<(String, String)>,
}

/// A value RouterOS sent that does not fit the model.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingError {
    /// The Terraform attribute.
    pub attr: String,
    /// The RouterOS argument.
    pub ros: String,
    /// What was expected and what the value looked like.
    pub problem: String,
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RouterOS's `{}` (attribute `{}`) is {}",
            self.ros, self.attr, self.problem
        )
    }
}

impl MappingError {
    /// The diagnostic of reading `noun` `key`, at the attribute.
    pub fn diagnostic(&self, noun: &str, key: &str) -> Diagnostic {
        Diagnostic::error(
            format!("Unexpected value from RouterOS for {noun} {key:?}"),
            format!(
                "{self}. The provider cannot represent it; check the entry on the router (`print detail`) and set `{}` to a valid value there or in the configuration, then plan again.",
                self.attr
            ),
        )
        .at_attr(&self.attr)
    }
}

/// The RouterOS name of an attribute by rule: `id` is `.id`, underscores
/// become hyphens.
pub fn ros_name(attr: &str) -> String {
    if attr == "id" {
        ".id".into()
    } else {
        attr.replace('_', "-")
    }
}

/// The shape of router text for an error: its length and character
/// classes, never the text itself.
fn shape(text: &str) -> String {
    if text.is_empty() {
        return "empty".into();
    }
    let kinds = [
        (text.chars().any(|c| c.is_ascii_digit()), "digits"),
        (text.chars().any(|c| c.is_alphabetic()), "letters"),
        (text.chars().any(|c| c.is_whitespace()), "spaces"),
        (text.chars().any(char::is_control), "control characters"),
        (
            text.chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()),
            "punctuation",
        ),
    ];
    let has: Vec<&str> = kinds.iter().filter(|(b, _)| *b).map(|(_, k)| *k).collect();
    format!(
        "text of {} characters ({})",
        text.chars().count(),
        has.join(", ")
    )
}

impl Mapping {
    /// The mapping of model `M`, with the resource's `renames` (attribute,
    /// RouterOS name or `""`); built once per model type.
    pub fn of<M: schemars::JsonSchema + 'static>(renames: &[(&str, &str)]) -> Arc<Mapping> {
        static BUILT: OnceLock<Mutex<HashMap<std::any::TypeId, Arc<Mapping>>>> = OnceLock::new();
        let key = std::any::TypeId::of::<M>();
        let built = BUILT.get_or_init(Default::default);
        if let Some(m) = built.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return m.clone();
        }
        let m = Arc::new(Self::build(
            &schema_from_model::<M>(0, "").block.attributes,
            renames,
        ));
        built
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_insert(m)
            .clone()
    }

    /// The mapping of schema attributes (see [`Mapping::of`]).
    pub fn build(
        attributes: &[crate::plugin::schema::Attribute],
        renames: &[(&str, &str)],
    ) -> Self {
        let fields: Vec<Field> = attributes
            .iter()
            .map(|a| {
                let ros = match renames.iter().find(|(attr, _)| *attr == a.name) {
                    Some((_, "")) => None,
                    Some((_, ros)) => Some(ros.to_string()),
                    None => Some(ros_name(&a.name)),
                };
                Field {
                    attr: a.name.clone(),
                    ros,
                    ty: a.ty.clone().unwrap_or(Type::String),
                    required: a.required,
                    read_only: a.computed && !a.optional,
                    default: a.default.clone(),
                }
            })
            .collect();
        let pairs = fields
            .iter()
            .filter_map(|f| Some((f.ros.clone()?, f.attr.clone())))
            .collect();
        Mapping { fields, pairs }
    }

    /// The RouterOS argument of `attr`.
    pub fn ros(&self, attr: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.attr == attr)
            .and_then(|f| f.ros.as_deref())
    }

    /// (RouterOS argument, attribute) pairs, for
    /// [`super::request_diagnostic`].
    pub fn attributes(&self) -> Vec<(&str, &str)> {
        self.pairs
            .iter()
            .map(|(r, a)| (r.as_str(), a.as_str()))
            .collect()
    }

    /// Every argument `model` sets: the attributes with a value that
    /// RouterOS holds and takes.
    pub fn encode<M: Serialize>(&self, model: &M) -> Record {
        let json = serde_json::to_value(model).unwrap_or(J::Null);
        let mut args = Record::new();
        for f in self.fields.iter().filter(|f| !f.read_only) {
            let (Some(ros), Some(v)) = (&f.ros, json.get(&f.attr)) else {
                continue;
            };
            if let Some(text) = text_of(v) {
                args.insert(ros.clone(), text);
            }
        }
        args
    }

    /// The arguments that turn `prior` (or nothing) into `planned`: all of
    /// `planned`'s on create; on update, those whose text changed, and
    /// optional text `planned` no longer sets, sent empty to clear it.
    pub fn to_args<M: Serialize>(&self, planned: &M, prior: Option<&M>) -> Record {
        let after = self.encode(planned);
        let Some(prior) = prior else { return after };
        let before = self.encode(prior);
        let mut args = after.clone();
        args.retain(|k, v| before.get(k) != Some(v));
        for f in &self.fields {
            if let Some(ros) = &f.ros
                && f.ty == Type::String
                && !f.read_only
                && before.contains_key(ros)
                && !after.contains_key(ros)
            {
                args.insert(ros.clone(), String::new());
            }
        }
        args
    }

    /// The model of router row `r`; `prior` gives the attributes RouterOS
    /// does not hold and keeps an empty text it does not echo.
    pub fn decode<M: Serialize + DeserializeOwned>(
        &self,
        r: &Record,
        prior: Option<&M>,
    ) -> Result<M, MappingError> {
        let prior = prior.and_then(|p| serde_json::to_value(p).ok());
        let prior_of = |attr: &str| prior.as_ref().and_then(|p| p.get(attr)).cloned();
        let mut object = serde_json::Map::new();
        for f in &self.fields {
            let v = match &f.ros {
                None => prior_of(&f.attr).unwrap_or_else(|| missing(f)),
                Some(ros) => match r.get(ros).filter(|t| !t.is_empty()) {
                    None => prior_of(&f.attr)
                        .filter(|p| *p == J::String(String::new()))
                        .unwrap_or_else(|| missing(f)),
                    Some(text) => parse(&f.ty, text).map_err(|problem| MappingError {
                        attr: f.attr.clone(),
                        ros: ros.clone(),
                        problem,
                    })?,
                },
            };
            object.insert(f.attr.clone(), v);
        }
        serde_json::from_value(J::Object(object)).map_err(|e| MappingError {
            attr: String::new(),
            ros: String::new(),
            problem: format!("not representable: {e}"),
        })
    }
}

/// What a missing RouterOS value reads as: the attribute's default, else
/// empty or zero when required, else null.
fn missing(f: &Field) -> J {
    if let Some(d) = &f.default {
        return d.clone();
    }
    match (&f.ty, f.required) {
        (Type::Bool, true) => J::Bool(false),
        (Type::String, true) => J::String(String::new()),
        (Type::Number, true) => J::from(0),
        _ => J::Null,
    }
}

/// A model value as RouterOS text; `None` for null (and for nested
/// objects, which no row attribute is).
fn text_of(v: &J) -> Option<String> {
    match v {
        J::Null | J::Object(_) => None,
        J::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        J::Number(n) => Some(n.to_string()),
        J::String(s) => Some(s.clone()),
        J::Array(items) => Some(
            items
                .iter()
                .filter_map(text_of)
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

/// RouterOS text as a value of type `ty`, or what is wrong with it.
fn parse(ty: &Type, text: &str) -> Result<J, String> {
    match ty {
        Type::Bool => match text.trim() {
            "yes" | "true" => Ok(J::Bool(true)),
            "no" | "false" => Ok(J::Bool(false)),
            _ => Err(format!("{}, not yes/no or true/false", shape(text))),
        },
        Type::Number => text
            .trim()
            .parse::<i64>()
            .map(J::from)
            .map_err(|_| format!("{}, not a whole number", shape(text))),
        Type::List(member) | Type::Set(member) => text
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| parse(member, m))
            .collect::<Result<Vec<_>, _>>()
            .map(J::Array)
            .map_err(|e| format!("a list with a member that is {e}")),
        _ => Ok(J::String(text.to_string())),
    }
}

#[cfg(test)]
mod tests;
