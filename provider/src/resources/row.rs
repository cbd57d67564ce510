//! The generic menu-row resource: everything a resource over one RouterOS
//! menu row shares, written once. A resource file implements [`MenuRow`]
//! (its model, its mapping to RouterOS arguments, its checks) and is served
//! as [`Row`]; it overrides a lifecycle step only where its menu behaves
//! differently (a port cannot be added, a built-in profile cannot be
//! removed).
//!
//! What lives here:
//! - finding a row by `.id` or by its natural key ([`find`]);
//! - every write to a menu ([`add`], [`set`]): the one place that talks to
//!   [`Client::add`] / [`Client::set`], returning the router's row;
//! - create with lost-reply recovery ([`create`]): when the reply to an add
//!   is lost (timeout, dropped connection, 5xx), the row is looked up by its
//!   natural key and adopted if it holds what was sent, else the create
//!   fails with a clear conflict; the add is never replayed blindly;
//! - update of the changed arguments, delete that ignores "no such item",
//!   import by `*id` or natural key;
//! - resource identity (the natural key), listing for `terraform query`,
//!   and the configuration `-generate-config-out` writes;
//! - the shared diagnostics, as named constructors in [`diag`].

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::mapping::{Mapping, MappingError};
use super::request_diagnostic;
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{
    Ctx, IdentitySchema, ListItem, ListRequest, PlanInput, Private, Resource, model_of, value_of,
};
use crate::plugin::schema::{Schema, Served, schema_from_model};
use crate::plugin::value::Value;
use crate::routeros::{Client, Error, Record};

/// The shared diagnostics of row resources: one constructor per situation,
/// so that every resource says it the same way.
pub mod diag;

/// One resource type over rows of one RouterOS menu. Implement the model,
/// its mapping and its checks; the lifecycle steps have defaults that fit a
/// plain row (override one where the menu behaves differently).
#[async_trait]
pub trait MenuRow: Send + Sync + 'static {
    /// The model: serde names are the Terraform attribute names, doc
    /// comments the descriptions.
    type Model: Serialize
        + DeserializeOwned
        + JsonSchema
        + Clone
        + Default
        + PartialEq
        + std::fmt::Debug
        + Send
        + Sync;

    /// Terraform type name, such as `routeros_macsec_interface`.
    const TYPE_NAME: &'static str;
    /// The resource's description (Markdown).
    const DESCRIPTION: &'static str;
    /// The RouterOS menu (from [`super::menus`]).
    const MENU: &'static str;
    /// What one row is called in messages, such as `MACsec interface`.
    const NOUN: &'static str;
    /// The natural key: the RouterOS column and the Terraform attribute that
    /// hold it. The attribute is also the resource identity.
    const KEY: (&'static str, &'static str);
    /// The attributes whose RouterOS name is not theirs in kebab-case
    /// (attribute, RouterOS argument), or that RouterOS does not hold
    /// (attribute, `""`): see [`super::mapping`]. Every other attribute
    /// maps by rule.
    const RENAMES: &'static [(&'static str, &'static str)] = &[];
    /// How to name a row on import, such as `name (macsec1)`.
    const IMPORT_HINT: &'static str;
    /// Whether a row rides on an Ethernet port, so that lists take the
    /// `interface` filter.
    const ON_A_PORT: bool = true;
    /// Whether create adds a row (false: it takes over a row that is
    /// always there, such as an Ethernet port), so that a planned create
    /// whose key the router already has is reported at plan time.
    const CREATE_ADDS: bool = true;
    /// Whether the menu has built-in rows (`default=true`) that cannot be
    /// added or removed: creating one by its key adopts it, destroying it
    /// resets it ([`MenuRow::reset_args`]) or leaves it.
    const BUILT_IN: bool = false;
    /// Attributes that only some RouterOS versions have: setting one on
    /// another version is a plan-time error naming the router's version.
    const SINCE: &'static [Since] = &[];

    /// The row's `.id` in the model.
    fn id(m: &Self::Model) -> Option<&str>;
    /// The natural key in the model.
    fn key(m: &Self::Model) -> &str;
    /// The model of a router row; `prior` keeps forms RouterOS does not
    /// echo (default: the derived [`Mapping`]).
    fn from_record(r: &Record, prior: Option<&Self::Model>) -> Result<Self::Model, MappingError> {
        mapping::<Self>().decode(r, prior)
    }
    /// The arguments that turn `prior` (or nothing) into `planned`
    /// (default: the derived [`Mapping`]).
    fn to_args(planned: &Self::Model, prior: Option<&Self::Model>) -> Record {
        mapping::<Self>().to_args(planned, prior)
    }

    /// Configuration checks (skip unknowns).
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Plan-time checks and adjustments that need the router.
    async fn modify_plan(
        &self,
        _ctx: &Ctx<Configured>,
        _input: &PlanInput<'_>,
        _planned: &mut Value,
        _private: &mut Private,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Creates the row (default: [`create`]).
    async fn create(
        &self,
        ctx: &Ctx<Configured>,
        plan: &Self::Model,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        let row = create_or_adopt::<Self>(&ctx.client, plan, diags).await?;
        model::<Self>(&row, Some(plan), diags)
    }

    /// Reads the row; `None` without an error when it is gone.
    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        prior: &Self::Model,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        let row = read::<Self>(&ctx.client, prior, diags).await?;
        model::<Self>(&row, Some(prior), diags)
    }

    /// Updates the changed arguments (default: [`update`]).
    async fn update(
        &self,
        ctx: &Ctx<Configured>,
        old: &Self::Model,
        plan: &Self::Model,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        let row = update::<Self>(&ctx.client, old, plan, diags).await?;
        model::<Self>(&row, Some(plan), diags)
    }

    /// Deletes the row (default: [`remove`]).
    async fn delete(
        &self,
        ctx: &Ctx<Configured>,
        old: &Self::Model,
        _private: &Private,
        diags: &mut Diagnostics,
    ) {
        remove_or_reset(self, &ctx.client, old, diags).await;
    }

    /// The arguments that reset a built-in row to RouterOS's defaults on
    /// destroy (default: none, it is left as it is).
    fn reset_args(&self, _version: &crate::routeros::Version) -> Option<Record> {
        None
    }

    /// The state of an imported row (default: the row's model). Override
    /// to leave out what must not enter state on import.
    async fn imported(
        &self,
        _ctx: &Ctx<Configured>,
        row: &Record,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        model::<Self>(row, None, diags)
    }

    /// Whether create takes over `row`, already on the router under the
    /// planned key, by design (default: a built-in row of a
    /// [`MenuRow::BUILT_IN`] menu).
    fn adopts(&self, row: &Record) -> bool {
        Self::BUILT_IN && is_builtin(row)
    }

    /// The model of one `terraform query` list item, which
    /// [`MenuRow::generated_config`] later receives (default: the imported
    /// model).
    async fn list_model(
        &self,
        ctx: &Ctx<Configured>,
        row: &Record,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        self.imported(ctx, row, diags).await
    }

    /// The rows `terraform query` lists (default: every row of the menu).
    async fn listed(&self, _ctx: &Ctx<Configured>, _row: &Record) -> bool {
        true
    }

    /// The configuration `-generate-config-out` writes for `state`:
    /// (default) the state without computed-only attributes.
    fn generated_config(&self, state: Self::Model, _diags: &mut Diagnostics) -> Self::Model {
        state
    }

    /// Extra attributes of the list filter, beyond the shared `name`
    /// pattern and `disabled` (see [`ListFilter`]).
    fn filter_row(&self, _filter: &ListFilter, _row: &Record) -> bool {
        true
    }
}

/// An attribute that RouterOS has from one version on, or until one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since {
    /// The Terraform attribute.
    pub attr: &'static str,
    /// The version (major, minor) that added it, or that dropped it.
    pub version: (u32, u32),
    /// True: RouterOS has it from `version` on; false: before it.
    pub from: bool,
}

impl Since {
    /// `attr` needs RouterOS `major.minor` or later.
    pub const fn from(attr: &'static str, major: u32, minor: u32) -> Self {
        Since {
            attr,
            version: (major, minor),
            from: true,
        }
    }

    /// `attr` is gone from RouterOS `major.minor` on.
    pub const fn until(attr: &'static str, major: u32, minor: u32) -> Self {
        Since {
            attr,
            version: (major, minor),
            from: false,
        }
    }
}

/// Plan-time errors for the attributes of `config` that the router's
/// `version` does not have ([`MenuRow::SINCE`]).
pub fn check_versions<T: MenuRow + ?Sized>(
    version: &crate::routeros::Version,
    endpoint: &str,
    config: &Value,
    diags: &mut Diagnostics,
) {
    for s in T::SINCE {
        if config.get(s.attr).is_none_or(Value::is_null)
            || version.at_least(s.version.0, s.version.1) == s.from
        {
            continue;
        }
        let (major, minor) = s.version;
        let when = if s.from {
            "or later"
        } else {
            "and later do not have it"
        };
        let first = if s.from {
            format!("needs RouterOS {major}.{minor} or later")
        } else {
            format!("exists before RouterOS {major}.{minor} only")
        };
        diags.push(
            Diagnostic::error(
                format!("{} {first}", s.attr),
                format!(
                    "The router at {endpoint} runs RouterOS {version}, which has no `{}` for a {} (RouterOS {major}.{minor} {when}). Remove `{}` from this {}, or use a router whose version has it.",
                    s.attr,
                    T::NOUN,
                    s.attr,
                    T::TYPE_NAME
                ),
            )
            .at_attr(s.attr),
        );
    }
}

/// The plan-time check of a name attribute: not empty, no control
/// characters, no surrounding spaces (`example` shows a good one).
pub fn check_name(config: &Value, attr: &str, example: &str, diags: &mut Diagnostics) {
    let Some(name) = config.get_str(attr) else {
        return;
    };
    let problem = if name.is_empty() {
        "is empty"
    } else if name.chars().any(char::is_control) {
        "contains control characters"
    } else if name.trim() != name {
        "starts or ends with white space"
    } else {
        return;
    };
    diags.push(
        Diagnostic::error(
            format!("Invalid {attr}"),
            format!("`{attr}` {problem}. Use a name such as {example}: printable characters, no surrounding spaces."),
        )
        .at_attr(attr),
    );
}

/// The filters a `list` block takes: a shell-style pattern on the natural
/// key (`*` and `?`), the carrier `interface`, and `disabled`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, JsonSchema)]
pub struct ListFilter {
    /// Only rows whose name (natural key) matches this pattern: `*` matches
    /// any run of characters, `?` one character, such as `macsec*`.
    pub name: Option<String>,
    /// Only rows on this Ethernet port, such as `ether1` (MACsec interfaces
    /// and keys: their `interface`; bindings: the port itself; profiles
    /// take no `interface`).
    pub interface: Option<String>,
    /// Only disabled (true) or enabled (false) rows.
    pub disabled: Option<bool>,
}

/// True when `text` matches the shell-style `pattern` (`*`, `?`).
pub fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

// ---------------------------------------------------------------------------
// The steps, usable by resources that override one lifecycle step
// ---------------------------------------------------------------------------

/// The derived mapping of `T`'s model (see [`super::mapping`]).
pub fn mapping<T: MenuRow + ?Sized>() -> std::sync::Arc<Mapping> {
    Mapping::of::<T::Model>(T::RENAMES)
}

/// The model of router row `r` (see [`MenuRow::from_record`]), or an
/// error diagnostic at the attribute whose value does not parse.
pub fn model<T: MenuRow + ?Sized>(
    r: &Record,
    prior: Option<&T::Model>,
    diags: &mut Diagnostics,
) -> Option<T::Model> {
    match T::from_record(r, prior) {
        Ok(m) => Some(m),
        Err(e) => {
            let key = r.get(T::KEY.0).map(String::as_str).unwrap_or("?");
            diags.push(e.diagnostic(T::NOUN, &crate::plugin::text::printable(key)));
            None
        }
    }
}

/// True for a row RouterOS marks as built in (`default=true`).
pub fn is_builtin(r: &Record) -> bool {
    r.get("default").is_some_and(|d| super::ros_bool(d))
}

/// Creates the row for `plan` ([`create`]); in a [`MenuRow::BUILT_IN`]
/// menu, a built-in row with the planned key is adopted instead: set to
/// the plan.
pub async fn create_or_adopt<T: MenuRow + ?Sized>(
    client: &Client,
    plan: &T::Model,
    diags: &mut Diagnostics,
) -> Option<Record> {
    if !T::BUILT_IN {
        return create::<T>(client, plan, diags).await;
    }
    let key = T::key(plan);
    let existing = match client.find(T::MENU, T::KEY.0, key).await {
        Ok(r) => r,
        Err(e) => {
            let action = format!("looking up {} {key:?}", T::NOUN);
            diags.push(request_diagnostic(&action, &e, &[]));
            return None;
        }
    };
    let Some(r) = existing.filter(is_builtin) else {
        return create::<T>(client, plan, diags).await;
    };
    let id = r.get(".id").cloned().unwrap_or_default();
    let args = T::to_args(plan, Some(&model::<T>(&r, None, diags)?));
    let action = format!("updating the built-in {} {key:?}", T::NOUN);
    let row = write::<T>(client, &id, &args, &action, "adopting it", diags).await?;
    log::info!("adopted the built-in {} {id} ({key})", T::MENU);
    Some(row)
}

/// Removes the row of `old` ([`remove`]); in a [`MenuRow::BUILT_IN`] menu,
/// a built-in row is reset to RouterOS's defaults
/// ([`MenuRow::reset_args`]) or left as it is.
pub async fn remove_or_reset<T: MenuRow + ?Sized>(
    t: &T,
    client: &Client,
    old: &T::Model,
    diags: &mut Diagnostics,
) {
    if !T::BUILT_IN {
        return remove::<T>(client, old, diags).await;
    }
    let Some(record) = read::<T>(client, old, diags).await else {
        return;
    };
    if !is_builtin(&record) {
        return remove::<T>(client, old, diags).await;
    }
    let id = record.get(".id").cloned().unwrap_or_default();
    let Some(args) = t.reset_args(client.version()) else {
        log::info!(
            "the built-in {} {id} cannot be removed: left as it is",
            T::MENU
        );
        return;
    };
    let action = format!(
        "resetting the built-in {} {:?} to RouterOS's defaults",
        T::NOUN,
        T::key(old)
    );
    if write::<T>(client, &id, &args, &action, "the reset", diags)
        .await
        .is_some()
    {
        log::info!("reset the built-in {} {id} to RouterOS's defaults", T::MENU);
    }
}

/// The row of `T::MENU`: by `.id` when known (a row whose id is gone is
/// gone, even if another row now has the key), else by natural key.
pub async fn find<T: MenuRow + ?Sized>(
    client: &Client,
    id: Option<&str>,
    key: &str,
) -> Result<Option<Record>, Error> {
    match id {
        Some(id) => client.find(T::MENU, ".id", id).await,
        None => client.find(T::MENU, T::KEY.0, key).await,
    }
}

/// Adds a row and returns the router's row, taken from its reply. Every
/// add goes through here.
pub async fn add(client: &Client, menu: &str, args: &Record) -> Result<Record, Error> {
    client.add(menu, args).await
}

/// Sets `args` on row `id` and returns the router's row, taken from its
/// reply (with nothing to set: the cached row). Every set goes through here.
pub async fn set(client: &Client, menu: &str, id: &str, args: &Record) -> Result<Record, Error> {
    if !args.is_empty() {
        return client.set(menu, id, args).await;
    }
    client
        .find(menu, ".id", id)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!("{id} in {menu}"),
        })
}

/// True when a write's outcome is unknown: the request may have been
/// carried out although its reply never arrived.
pub fn reply_lost(e: &Error) -> bool {
    match e {
        Error::Timeout { .. } | Error::Unreachable { .. } | Error::Protocol { .. } => true,
        Error::Rejected { status, .. } => *status >= 500,
        _ => false,
    }
}

/// A value as RouterOS compares it: booleans in one spelling, trimmed.
fn normal(v: &str) -> String {
    match v.trim() {
        "true" | "yes" => "yes".into(),
        "false" | "no" => "no".into(),
        other => other.to_string(),
    }
}

/// The arguments of `sent` that `row` does not hold.
pub fn differences(sent: &Record, row: &Record) -> Vec<String> {
    sent.iter()
        .filter(|(k, v)| normal(row.get(*k).map(String::as_str).unwrap_or("")) != normal(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// After an add whose reply was lost: the row with the key, when it holds
/// what was sent (`Ok(Some)`), none (`Ok(None)`), or the names of the
/// arguments that differ (`Err`).
pub async fn recover_lost_add<T: MenuRow + ?Sized>(
    client: &Client,
    key: &str,
    sent: &Record,
) -> Result<Option<Record>, Result<Vec<String>, Error>> {
    // A menu keyed by `.id` alone (rows without a name): the newest row
    // that holds what was sent.
    let found = if T::KEY.0 == ".id" {
        client.list_fresh(T::MENU).await.map(|rows| {
            rows.into_iter()
                .rev()
                .find(|r| differences(sent, r).is_empty())
        })
    } else {
        client.find_after_lost_reply(T::MENU, T::KEY.0, key).await
    };
    match found {
        Ok(Some(row)) => {
            let differs = differences(sent, &row);
            if differs.is_empty() {
                Ok(Some(row))
            } else {
                Err(Ok(differs))
            }
        }
        Ok(None) => Ok(None),
        Err(e) => Err(Err(e)),
    }
}

/// Creates the row for `plan`; returns the router's row. When the reply is
/// lost, looks the row up by natural key and adopts it if it holds what was
/// sent; otherwise reports a conflict. Never adds twice.
pub async fn create<T: MenuRow + ?Sized>(
    client: &Client,
    plan: &T::Model,
    diags: &mut Diagnostics,
) -> Option<Record> {
    let key = T::key(plan);
    let action = format!("creating {} {key:?}", T::NOUN);
    let args = T::to_args(plan, None);
    match add(client, T::MENU, &args).await {
        Ok(row) => {
            log::info!(
                "created {} {} ({key})",
                T::MENU,
                row.get(".id").map(String::as_str).unwrap_or("?")
            );
            Some(row)
        }
        Err(e) if reply_lost(&e) => match recover_lost_add::<T>(client, key, &args).await {
            Ok(Some(row)) => {
                log::info!(
                    "the reply to adding {key} to {} was lost ({e}); the router holds it as sent: adopted",
                    T::MENU
                );
                Some(row)
            }
            Ok(None) => {
                diags.push(request_diagnostic(
                    &action,
                    &e,
                    &mapping::<T>().attributes(),
                ));
                None
            }
            Err(Ok(differs)) => {
                diags.push(
                    diag::conflict_after_lost_reply(
                        T::NOUN,
                        T::MENU,
                        key,
                        &differs,
                        &e.to_string(),
                    )
                    .at_attr(T::KEY.1),
                );
                None
            }
            Err(Err(lookup)) => {
                let mut d = request_diagnostic(&action, &e, &mapping::<T>().attributes());
                d.detail.push_str(&format!(
                    " Looking {key:?} up afterwards failed too ({lookup}), so whether it was created is unknown: run `terraform plan` once the router answers; if it shows {key:?} to be created but the router has it, import it."
                ));
                diags.push(d);
                None
            }
        },
        Err(e) if e.detail().is_some_and(diag::is_duplicate_name) => {
            // An earlier apply whose reply was lost (and whose look-up could
            // not run) may have made it: adopt it if it holds what is sent.
            if let Ok(Some(row)) = recover_lost_add::<T>(client, key, &args).await {
                log::info!(
                    "{} {key:?} was already on the router as configured: adopted",
                    T::MENU
                );
                return Some(row);
            }
            let mut d = request_diagnostic(&action, &e, &mapping::<T>().attributes());
            d.detail.push_str(&format!(
                " A {} named {key:?} is already on the router: import it with `terraform import <address> {key}`, or pick another {}.",
                T::NOUN,
                T::KEY.1
            ));
            diags.push(d);
            None
        }
        Err(e) => {
            diags.push(request_diagnostic(
                &action,
                &e,
                &mapping::<T>().attributes(),
            ));
            None
        }
    }
}

/// Reads the row of `prior` by its `.id`, else by its natural key (a
/// router that loaded a backup has its objects under new `.id`s); `None`
/// without an error when it is gone.
pub async fn read<T: MenuRow + ?Sized>(
    client: &Client,
    prior: &T::Model,
    diags: &mut Diagnostics,
) -> Option<Record> {
    let mut found = find::<T>(client, T::id(prior), T::key(prior)).await;
    if let (Ok(None), Some(id)) = (&found, T::id(prior)) {
        // A router that loaded a backup (`routeros_system_restore`) has
        // the same objects under new `.id`s: the natural key finds them.
        found = find::<T>(client, None, T::key(prior)).await;
        if let Ok(Some(_)) = &found {
            log::info!(
                "{} {:?} has a new .id (was {id}): found by its {}",
                T::MENU,
                T::key(prior),
                T::KEY.0
            );
        }
    }
    match found {
        Ok(Some(r)) => Some(r),
        Ok(None) => {
            log::info!(
                "{} {:?} is gone from the router",
                T::MENU,
                T::id(prior).unwrap_or(T::key(prior))
            );
            None
        }
        Err(e) => {
            diags.push(request_diagnostic(
                &format!("reading {} {:?}", T::NOUN, T::key(prior)),
                &e,
                &[],
            ));
            None
        }
    }
}

/// Sets the arguments that changed from `old` to `plan`; returns the
/// router's row.
pub async fn update<T: MenuRow + ?Sized>(
    client: &Client,
    old: &T::Model,
    plan: &T::Model,
    diags: &mut Diagnostics,
) -> Option<Record> {
    let Some(id) = T::id(old) else {
        diags.push(diag::no_id_in_state(T::NOUN));
        return None;
    };
    let args = T::to_args(plan, Some(old));
    write::<T>(
        client,
        id,
        &args,
        &format!("updating {} {:?}", T::NOUN, T::key(old)),
        "the update",
        diags,
    )
    .await
}

/// Sets `args` on row `id` and returns the router's row, or a diagnostic
/// saying what failed while `action` (`during` names the step for a row
/// that vanished).
pub async fn write<T: MenuRow + ?Sized>(
    client: &Client,
    id: &str,
    args: &Record,
    action: &str,
    during: &str,
    diags: &mut Diagnostics,
) -> Option<Record> {
    match set(client, T::MENU, id, args).await {
        Ok(row) => {
            if !args.is_empty() {
                log::info!(
                    "set {} {id}: {}",
                    T::MENU,
                    args.keys().cloned().collect::<Vec<_>>().join(", ")
                );
            }
            Some(row)
        }
        Err(e) if e.is_not_found() => {
            diags.push(diag::vanished(T::NOUN, T::MENU, id, during));
            None
        }
        Err(e) => {
            diags.push(request_diagnostic(action, &e, &mapping::<T>().attributes()));
            None
        }
    }
}

/// Removes the row of `old`; a row already gone is not an error.
pub async fn remove<T: MenuRow + ?Sized>(client: &Client, old: &T::Model, diags: &mut Diagnostics) {
    let Some(id) = T::id(old) else { return };
    match client.remove(T::MENU, id).await {
        Ok(()) => log::info!("removed {} {id}", T::MENU),
        Err(e) if e.is_not_found() => log::info!("{} {id} was already gone", T::MENU),
        Err(e) => diags.push(request_diagnostic(
            &format!("removing {} {:?}", T::NOUN, T::key(old)),
            &e,
            &[],
        )),
    }
}

/// The row an import id names: `*1F` (a RouterOS id: `*` and hex digits,
/// any case), `name=NAME` (the natural key NAME, verbatim: for a name that
/// looks like an id or has surrounding spaces), or else the natural key
/// (trimmed); an error diagnostic when there is none.
pub async fn lookup_import<T: MenuRow + ?Sized>(
    client: &Client,
    id: &str,
    diags: &mut Diagnostics,
) -> Option<Record> {
    let by_key = format!("{}=", T::KEY.0);
    if let Some(key) = id.strip_prefix(&by_key) {
        return lookup_key::<T>(client, key, diags).await;
    }
    let id = id.trim();
    match id.strip_prefix('*') {
        Some(hex) if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            let found = client
                .find(T::MENU, ".id", &format!("*{}", hex.to_ascii_uppercase()))
                .await;
            found_for_import::<T>(client, id, found, diags)
        }
        _ => lookup_key::<T>(client, id, diags).await,
    }
}

/// The row whose natural key is exactly `key` (an identity's, or an import
/// id's after `name=`): never read as a RouterOS id.
pub async fn lookup_key<T: MenuRow + ?Sized>(
    client: &Client,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<Record> {
    let found = client.find(T::MENU, T::KEY.0, key).await;
    found_for_import::<T>(client, key, found, diags)
}

fn found_for_import<T: MenuRow + ?Sized>(
    client: &Client,
    id: &str,
    found: Result<Option<Record>, Error>,
    diags: &mut Diagnostics,
) -> Option<Record> {
    match found {
        Ok(Some(r)) => Some(r),
        Ok(None) => {
            diags.push(diag::not_found_for_import(
                T::NOUN,
                T::MENU,
                client.endpoint(),
                id,
                T::IMPORT_HINT,
            ));
            None
        }
        Err(e) => {
            diags.push(request_diagnostic(&format!("looking up {id:?}"), &e, &[]));
            None
        }
    }
}

// ---------------------------------------------------------------------------
// The resource
// ---------------------------------------------------------------------------

/// A [`MenuRow`] served as a Terraform resource.
pub struct Row<T>(pub T);

/// The resource over `t`.
pub fn row<T: MenuRow>(t: T) -> std::sync::Arc<dyn Resource<Configured>> {
    std::sync::Arc::new(Row(t))
}

impl<T: MenuRow> Row<T> {
    /// `model` as a value of the type's served `schema` (the call's
    /// [`Ctx::schema`]).
    fn state(&self, schema: &Served, model: &T::Model, diags: &mut Diagnostics) -> Option<Value> {
        value_of(model, schema, diags)
    }

    /// A planned create whose natural key the router already has is
    /// reported now, with the import block to paste, instead of failing at
    /// apply. Not for the create half of a replacement (Terraform plans it
    /// after a plan with the prior state, whose private state carries
    /// [`REPLACING`]): that row is this resource's, removed first.
    async fn check_key_free(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        planned: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        if !input.prior_state.is_null() {
            private.insert(REPLACING.into(), serde_json::Value::Bool(true));
            return;
        }
        if private.remove(REPLACING).is_some() || !T::CREATE_ADDS || diags.has_error() {
            return;
        }
        let Some(key) = planned.get_str(T::KEY.1) else {
            return;
        };
        // A failed look-up is left to the apply, which reports it.
        let Ok(Some(row)) = ctx.client.find(T::MENU, T::KEY.0, key).await else {
            return;
        };
        if self.0.adopts(&row) {
            return;
        }
        let same = input.config.is_wholly_known()
            && model_of::<T::Model>(input.config, &mut Diagnostics::new())
                .is_some_and(|m| differences(&T::to_args(&m, None), &row).is_empty());
        diags.push(
            diag::already_on_router(T::TYPE_NAME, T::NOUN, T::MENU, T::KEY.1, key, same)
                .at_attr(T::KEY.1),
        );
    }

    /// The identity value of a natural key.
    fn identity_value(key: &str) -> Value {
        Value::Object([(T::KEY.1.to_string(), Value::string(key))].into())
    }
}

/// The hash [`Configured::claim`] takes: of a resource's configuration.
pub fn config_hash(config: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    config.to_json().to_string().hash(&mut h);
    h.finish()
}

/// Claims `key` of `type_name` for this configuration; an error at `attr`
/// when another resource of the configuration claimed it already.
pub fn claim_key(
    client: &Configured,
    type_name: &str,
    noun: &str,
    attr: &str,
    key: &str,
    config: &Value,
    diags: &mut Diagnostics,
) {
    if !config.is_wholly_known() || client.claim(&format!("{type_name} {key}"), config_hash(config))
    {
        return;
    }
    diags.push(
        Diagnostic::error(
            format!("Two {type_name} resources manage {noun} {key:?}"),
            format!(
                "Another {type_name} in this configuration also has {attr} = {key:?}, with different settings. Both would write the same router entry and undo each other on every apply (drift on every plan). Keep one {type_name} for {key:?}: remove the other, or give it another {attr}."
            ),
        )
        .at_attr(attr),
    );
}

/// Private-state mark of a plan made with a prior state: when Terraform
/// then plans the create half of a replacement, the row under the key is
/// this resource's own. Dropped before apply writes private state.
pub const REPLACING: &str = "row_replacing";

/// Identity: the natural key attribute, version 0.
pub const IDENTITY_VERSION: i64 = 0;

mod resource;

#[cfg(test)]
mod tests;

redact::debug!(Row<T>);
