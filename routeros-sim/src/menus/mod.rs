//! The registry of menus: one file per menu, each owning its rows, argument rules,
//! per-version arguments, backup form and export form (see [`MenuRules`]).
//!
//! **Adding a menu** is one file here implementing [`MenuRules`] (model it on
//! `identity.rs` for a single object or `macsec_profile.rs` for a list) plus its `mod`
//! line and its entry in [`Menu::ALL`] (and a constant of [`Menu`] when other code names
//! it). Its arguments per version come from the dumps in `data/` (`data/extract.py`).
//!
//! The commands that are not row menus (`/file`, `/system/backup`, `/export`, `/import`)
//! have their own files here too; they reach the row menus through this registry only.
//!
//! Imports go one way: the menu files import `menu.rs` and `state.rs`, never this file;
//! this file imports them; the front ends import this file.

mod clock;
mod ethernet;
pub(crate) mod export;
pub(crate) mod file;
mod identity;
mod import_command;
mod interface;
mod log;
mod logging;
mod logging_action;
mod macsec;
mod macsec_profile;
mod resource;
mod scheduler;
mod script;
pub(crate) mod system_backup;

#[cfg(test)]
pub(crate) use macsec::MACSEC_STATS_OPEN;
pub(crate) use macsec::STATUSES as MACSEC_STATUSES;
pub(crate) use scheduler::parse_interval;

use crate::error::RosError;
use crate::menu::Menu;
use crate::query::Row;
use crate::schema;
use crate::state::Router;
use crate::users::Access;
use crate::value::Args;

#[allow(non_upper_case_globals)]
impl Menu {
    /// `/interface`: every interface, any type.
    pub(crate) const Interface: Menu = Menu::new(&interface::InterfaceMenu);
    /// `/interface/ethernet`: the fixed ports ether1..etherN.
    pub(crate) const Ethernet: Menu = Menu::new(&ethernet::EthernetMenu);
    /// `/interface/macsec/profile`.
    pub(crate) const MacsecProfile: Menu = Menu::new(&macsec_profile::ProfileMenu);
    /// `/interface/macsec`.
    pub(crate) const Macsec: Menu = Menu::new(&macsec::MacsecMenu);
    /// `/system/identity` (a single object).
    pub(crate) const Identity: Menu = Menu::new(&identity::IdentityMenu);
    /// `/system/resource` (a single object).
    pub(crate) const Resource: Menu = Menu::new(&resource::ResourceMenu);
    /// `/system/clock` (a single, read-only object).
    pub(crate) const Clock: Menu = Menu::new(&clock::ClockMenu);
    /// `/system/logging/action`.
    pub(crate) const LoggingAction: Menu = Menu::new(&logging_action::ActionMenu);
    /// `/system/logging`.
    pub(crate) const Logging: Menu = Menu::new(&logging::LoggingMenu);
    /// `/log` (read-only).
    pub(crate) const Log: Menu = Menu::new(&log::LogMenu);
    /// `/system/script`.
    pub(crate) const Script: Menu = Menu::new(&script::ScriptMenu);
    /// `/system/scheduler`.
    pub(crate) const Scheduler: Menu = Menu::new(&scheduler::SchedulerMenu);

    /// Every menu, in the order exports and backups write them (a profile before the
    /// MACsec interfaces that name it).
    pub(crate) const ALL: [Menu; 12] = [
        Menu::Interface,
        Menu::Ethernet,
        Menu::MacsecProfile,
        Menu::Macsec,
        Menu::Identity,
        Menu::Resource,
        Menu::Clock,
        Menu::LoggingAction,
        Menu::Logging,
        Menu::Log,
        Menu::Script,
        Menu::Scheduler,
    ];

    /// The menu at a console path (`/interface/macsec` or `interface/macsec`).
    pub(crate) fn from_path(path: &str) -> Option<Menu> {
        let path = path.trim_end_matches('/');
        let path = path.strip_prefix("/rest").unwrap_or(path);
        let wanted = format!("/{}", path.trim_start_matches('/'));
        Menu::ALL.into_iter().find(|m| m.path() == wanted)
    }
}

/// The properties of `menu` that only users with the `sensitive` policy may read.
///
/// How REST treats a user without the policy is not documented or observed; the
/// emulator leaves such a property out of every reply to such a user (`GET`,
/// `PUT`/`PATCH` replies, `print`, `get`), which is how RouterOS hides other secrets
/// such as `/user` `password` over REST. Users with the policy always see it, with or
/// without `show-sensitive`.
pub(crate) fn sensitive_properties(menu: Menu) -> &'static [&'static str] {
    menu.rules().sensitive()
}

/// Removes from `row` what `access` may not read.
pub(crate) fn hide_sensitive(menu: Menu, mut row: Row, access: Access) -> Row {
    if !access.sensitive {
        for key in sensitive_properties(menu) {
            row.remove(*key);
        }
    }
    row
}

/// Every menu's rules, through the registry: what the front ends call.
impl Router {
    /// `true` when the menu exists in the emulated version.
    pub(crate) fn has_menu(&self, menu: Menu) -> bool {
        schema::menu(self.version(), menu.path()).is_some()
    }

    /// Every record of a menu in id order (a single object for singleton menus).
    pub(crate) fn list(&self, menu: Menu) -> Vec<Row> {
        menu.rules().list(self)
    }

    /// The id of the record named by `key` (its `.id` such as `*1`, or its name).
    pub(crate) fn find(&self, menu: Menu, key: &str) -> Option<u32> {
        menu.rules().find(self, key)
    }

    /// The record with this id, as REST prints it.
    pub(crate) fn row(&self, menu: Menu, id: u32) -> Option<Row> {
        menu.rules().row(self, id)
    }

    /// Resolves a `numbers` / `.id` argument: ids or names, comma-separated.
    pub(crate) fn resolve_numbers(&self, menu: Menu, text: &str) -> Result<Vec<u32>, RosError> {
        let mut ids = Vec::new();
        for key in text.split(',').map(str::trim) {
            let id = self
                .find(menu, key)
                .ok_or_else(|| RosError::bad_request("no such item"))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// `add`: creates a record and returns its id. The caller has checked the argument
    /// names against the version's schema. A failed command changes nothing.
    pub(crate) fn add(&mut self, menu: Menu, args: &Args) -> Result<u32, RosError> {
        self.transaction(|r| menu.rules().add(r, args))
    }

    /// `set` on the records `ids`.
    pub(crate) fn set(&mut self, menu: Menu, ids: &[u32], args: &Args) -> Result<(), RosError> {
        self.transaction(|r| ids.iter().try_for_each(|&id| menu.rules().set(r, id, args)))
    }

    /// `set` on a singleton menu (`/system/identity`).
    pub(crate) fn set_singleton(&mut self, menu: Menu, args: &Args) -> Result<(), RosError> {
        self.transaction(|r| menu.rules().set_singleton(r, args))
    }

    /// `remove` of the records `ids`.
    pub(crate) fn remove(&mut self, menu: Menu, ids: &[u32]) -> Result<(), RosError> {
        self.transaction(|r| ids.iter().try_for_each(|&id| menu.rules().remove(r, id)))
    }
}

#[cfg(test)]
mod tests;
