//! A fleet in one provider configuration: the `routers` map of the
//! provider block, each entry read as a provider block of its own (the
//! entry's settings over the block's), and [`Fleet`], what `configure`
//! makes of it: one lazy client per router, which the `router` argument
//! of every resource, data source, ephemeral resource, list and action
//! picks (the plugin engine routes each call; see
//! [`crate::plugin::resource::Route`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::context::Configured;
use crate::plugin::diag::{AttributePath, Diagnostic, Diagnostics, PathStep};
use crate::plugin::value::Value;

/// The provider block's attribute holding the fleet.
pub const ROUTERS: &str = "routers";

/// The attribute of every type that names its router.
pub const ROUTER: &str = "router";

/// The settings a `routers` entry may give: each means what the provider
/// block's attribute of that name means.
pub const ENTRY_KEYS: [&str; 10] = [
    "url",
    "hosturl",
    "username",
    "password",
    "password_age",
    "ca_certificate",
    "tls_fingerprint",
    "tls_skip_hostname_check",
    "insecure",
    "timeout",
];

/// Settings taken as one: an entry that sets any of a group uses only its
/// own values of that group, never the provider block's (a password from
/// the block beside an entry's `password_age`, or the block's pin beside
/// an entry's `insecure`, would be a conflict no one wrote).
const GROUPS: [&[&str]; 4] = [
    &["url", "hosturl"],
    &["password", "password_age"],
    &["ca_certificate", "tls_fingerprint", "insecure"],
    // `rest_timeout` is terraform-routeros's name for `timeout`.
    &["timeout", "rest_timeout"],
];

/// Whether `name` may name a router: 1 to 64 letters, digits, `_` or `-`
/// (no `/`, which separates the router from the id in an import id).
pub fn valid_name(name: &str) -> bool {
    crate::plugin::text::route_name_problem(name).is_none()
}

/// A router name for messages: quoted and escaped, whatever it holds.
fn shown(name: &str) -> String {
    format!("{:?}", crate::plugin::text::clip(name, 64))
}

/// The entries of `routers` in `config` (the provider block), each a map
/// of its settings; unknown entries and settings are left out.
fn entries(config: &Value) -> BTreeMap<String, BTreeMap<String, Value>> {
    match config.get(ROUTERS) {
        Some(Value::Map(m)) | Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(name, entry)| match entry {
                Value::Map(e) | Value::Object(e) => Some((name.clone(), e.clone())),
                _ => None,
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// The entry `entry` of router `name` as a provider block of its own: the
/// provider block `block`'s settings, each group the entry touches
/// replaced by the entry's, its strings typed as the provider block's
/// attributes are (`insecure`, `tls_skip_hostname_check`: booleans;
/// `timeout`: a number). `url` is never inherited. Errors name the entry
/// and its setting; unknown values stay unknown.
pub(super) fn entry_block(
    block: &Value,
    name: &str,
    entry: &BTreeMap<String, Value>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let at = |key: &str| AttributePath::root(ROUTERS).key(name).key(key);
    let mut ok = true;
    if !valid_name(name) {
        diags.push(
            Diagnostic::error(
                "Invalid router name",
                format!(
                    "The `routers` entry {} has a name that cannot be a router's: use 1 to 64 letters, digits, `_` or `-` (it is the prefix of import ids, as in `core/macsec1`).",
                    shown(name)
                ),
            )
            .at(AttributePath::root(ROUTERS).key(name)),
        );
        ok = false;
    }
    for key in entry.keys().filter(|k| !ENTRY_KEYS.contains(&k.as_str())) {
        let hint = match crate::plugin::text::did_you_mean(key, &ENTRY_KEYS) {
            Some(n) => format!(" Did you mean `{n}`?"),
            None => String::new(),
        };
        diags.push(
            Diagnostic::error(
                "Unknown router setting",
                format!(
                    "`routers[{}]` sets {}, which is no connection setting.{hint} An entry takes: {}.",
                    shown(name),
                    shown(key),
                    ENTRY_KEYS.join(", ")
                ),
            )
            .at(at(key)),
        );
        ok = false;
    }
    let given = |k: &str| entry.get(k).is_some_and(|v| !v.is_null());
    if !given("url") && !given("hosturl") {
        diags.push(
            Diagnostic::error(
                "No router URL",
                format!(
                    "`routers[{}]` gives no `url`: every entry names its own router (for example url = \"https://10.0.0.1\").",
                    shown(name)
                ),
            )
            .at(AttributePath::root(ROUTERS).key(name)),
        );
        ok = false;
    }
    let mut out = match block {
        Value::Object(m) => m.clone(),
        _ => BTreeMap::new(),
    };
    out.insert(ROUTERS.to_string(), Value::Null);
    for group in GROUPS {
        if group.iter().any(|k| given(k)) || group.contains(&"url") {
            for k in group {
                out.insert(k.to_string(), Value::Null);
            }
        }
    }
    for (key, v) in entry
        .iter()
        .filter(|(k, v)| ENTRY_KEYS.contains(&k.as_str()) && !v.is_null())
    {
        let typed = match (key.as_str(), v) {
            ("insecure" | "tls_skip_hostname_check", Value::String(s)) => {
                match super::parse_bool(s) {
                    Some(b) => Value::Bool(b),
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "Invalid boolean",
                                format!(
                                    "`routers[{}].{key}` is {}: use true or false.",
                                    shown(name),
                                    shown(s)
                                ),
                            )
                            .at(at(key)),
                        );
                        ok = false;
                        continue;
                    }
                }
            }
            ("timeout", Value::String(s)) => match s.trim().parse::<i64>() {
                Ok(n) => Value::int(n),
                Err(_) => {
                    diags.push(
                        Diagnostic::error(
                            "Invalid timeout",
                            format!(
                                "`routers[{}].timeout` is {}: give a number of seconds from 1 to 3600.",
                                shown(name),
                                shown(s)
                            ),
                        )
                        .at(at(key)),
                    );
                    ok = false;
                    continue;
                }
            },
            _ => v.clone(),
        };
        out.insert(key.clone(), typed);
    }
    ok.then_some(Value::Object(out))
}

/// Whether the entry gives its own trust settings (then the environment's
/// trust settings, which belong to the provider block, do not apply).
pub(super) fn own_trust(entry: &BTreeMap<String, Value>) -> bool {
    GROUPS[2]
        .iter()
        .any(|k| entry.get(*k).is_some_and(|v| !v.is_null()))
}

/// `d`, reported for the provider block read as the entry of router
/// `name`, moved to that entry: its attribute becomes the entry's setting
/// and its text names the entry instead of the provider block.
pub(super) fn relocate(name: &str, mut d: Diagnostic) -> Diagnostic {
    let entry = format!("the `routers[{}]` entry", shown(name));
    for text in [&mut d.summary, &mut d.detail] {
        *text = text.replace("the provider block", &entry);
    }
    if !d.detail.contains(&entry) {
        d.detail = format!("Router {} (`routers`): {}", shown(name), d.detail);
    }
    d.attribute = Some(match d.attribute.take() {
        // The entry is a map: the setting is a key of it.
        Some(path) => {
            let mut steps = path.0.into_iter();
            let mut at = AttributePath::root(ROUTERS).key(name);
            if let Some(PathStep::Attribute(setting)) = steps.next() {
                at = at.key(&setting);
            }
            at.0.extend(steps);
            at
        }
        None => AttributePath::root(ROUTERS).key(name),
    });
    d
}

/// Plan-time checks of every entry of `routers` in the provider block
/// `config`: the entry as a provider block, through `check` (the provider
/// block's own checks), its findings moved to the entry.
pub(super) fn validate(
    config: &Value,
    diags: &mut Diagnostics,
    check: impl Fn(&Value, &mut Diagnostics),
) {
    for (name, entry) in entries(config) {
        if let Some(mut block) = entry_block(config, &name, &entry, diags) {
            // Only what an entry can set is checked again: the rest is the
            // provider block's own, checked (and warned about) once there.
            if let Value::Object(m) = &mut block {
                for (key, v) in m.iter_mut() {
                    if !ENTRY_KEYS.contains(&key.as_str()) {
                        *v = Value::Null;
                    }
                }
            }
            let mut found = Diagnostics::new();
            check(&block, &mut found);
            for d in found.0 {
                diags.push(relocate(&name, d));
            }
        }
    }
}

/// The entries of `routers` in the provider block `config`, by name.
pub(super) fn entries_of(config: &Value) -> BTreeMap<String, BTreeMap<String, Value>> {
    entries(config)
}

/// What `configure` makes of one provider configuration: the provider
/// block's own router (when it names one) and one client per entry of
/// `routers`, each connecting only when a call first needs it.
#[derive(Default)]
pub struct Fleet {
    /// The provider block's own router (`url`, else its environment
    /// fallbacks): what a call without `router` uses.
    pub default: Option<Arc<Configured>>,
    /// The routers of `routers`, by name.
    pub routers: BTreeMap<String, Arc<Configured>>,
}

impl Fleet {
    /// One router, the provider block's own: the single-router form.
    pub fn single(router: Configured) -> Self {
        Fleet {
            default: Some(Arc::new(router)),
            routers: BTreeMap::new(),
        }
    }

    /// The router a call whose `router` is `route` uses, or the error
    /// (at `router`) saying why there is none.
    pub fn pick(&self, route: Option<&str>) -> Result<&Arc<Configured>, Diagnostic> {
        let names = || {
            self.routers
                .keys()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match route {
            None => self.default.as_ref().ok_or_else(|| {
                Diagnostic::error(
                    "No router named",
                    format!(
                        "The provider block names no router of its own (no `url`), only the routers of `routers`: set `router` to one of {}.",
                        names()
                    ),
                )
                .at_attr(ROUTER)
            }),
            Some(name) => self.routers.get(name).ok_or_else(|| {
                let known: Vec<&str> = self.routers.keys().map(String::as_str).collect();
                let hint = match crate::plugin::text::did_you_mean(name, &known) {
                    Some(n) => format!(" Did you mean {n:?}?"),
                    None => String::new(),
                };
                let list = if known.is_empty() {
                    "The provider block has no `routers`: add the router there, or leave `router` unset to use the provider block's own `url`.".to_string()
                } else {
                    format!("Known routers: {}.", names())
                };
                Diagnostic::error(
                    "Unknown router",
                    format!(
                        "`router = {}` names no entry of the provider's `routers`.{hint} {list}",
                        shown(name)
                    ),
                )
                .at_attr(ROUTER)
            }),
        }
    }
}

redact::debug!(Fleet { default, routers });

#[cfg(test)]
mod tests;
