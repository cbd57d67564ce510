//! `/interface/macsec/profile`: the key-server priority and, from 7.23, the cipher
//! suites of the MACsec interfaces that name a profile. The built-in `default` profile can
//! be set but not removed; a profile in use can not be removed. Export: `add ...`, or
//! `set [ find default=yes ] ...` for the built-in one; backup: every profile.
//!
//! Arguments per version (from the dumps): `name server-priority`, `ciphers` from 7.23,
//! where the CLI reference marks it mandatory (an `add` without it is refused, and the
//! export writes it on every line so that the script can be run again).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::RosError;
use crate::menu::{
    ExportOptions, MenuRules, Section, args_of, config_rows, props, rows_of, str_field,
};
use crate::query::Row;
use crate::state::{DEFAULT_CIPHER, Profile, Router};
use crate::value::{Args, arg, bool_text, format_id, parse_ciphers, parse_int, parse_name};

/// The path of the menu.
const PROFILE: &str = "/interface/macsec/profile";

/// The rules of `/interface/macsec/profile`.
pub(super) struct ProfileMenu;

impl MenuRules for ProfileMenu {
    fn path(&self) -> &'static str {
        PROFILE
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.profiles.iter().map(|p| r.profile_row(p)).collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.profile_id(key)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.profile(id).map(|p| r.profile_row(p))
    }

    fn add(&self, r: &mut Router, args: &Args) -> Result<u32, RosError> {
        r.add_profile(args)
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        r.set_profile(id, args)
    }

    fn remove(&self, r: &mut Router, id: u32) -> Result<(), RosError> {
        r.remove_profile(id)
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        r.serves(PROFILE).then(|| profile_section(r, options))
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        r.serves(PROFILE)
            .then(|| ("profiles", config_rows(self.list(r))))
    }

    /// Removes every profile but the built-in one (the MACsec interfaces are gone by now).
    fn clear(&self, r: &mut Router) -> Result<(), RosError> {
        r.profiles.retain(|p| p.default_name.is_some());
        Ok(())
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if !r.serves(PROFILE) {
            return Ok(());
        }
        let keys: &[&str] = if r.profile_has_ciphers() {
            &["name", "server-priority", "ciphers"]
        } else {
            &["name", "server-priority"]
        };
        for row in rows_of(config, "profiles") {
            if str_field(row, "default-name").is_some() {
                let default = r
                    .profiles
                    .iter()
                    .find(|p| p.default_name.is_some())
                    .map(|p| p.id);
                if let Some(id) = default {
                    r.set_profile(id, &args_of(row, keys))?;
                }
            } else {
                r.add_profile(&args_of(row, keys))?;
            }
        }
        Ok(())
    }
}

impl Router {
    pub(crate) fn profile_row(&self, p: &Profile) -> Row {
        let mut row = Row::new();
        row.insert(".id".into(), format_id(p.id));
        if self.profile_has_ciphers() {
            row.insert("ciphers".into(), p.ciphers.clone());
        }
        row.insert("default".into(), bool_text(p.default_name.is_some()));
        if let Some(default_name) = &p.default_name {
            row.insert("default-name".into(), default_name.clone());
        }
        row.insert("name".into(), p.name.clone());
        row.insert("server-priority".into(), p.server_priority.to_string());
        row
    }

    pub(crate) fn add_profile(&mut self, args: &Args) -> Result<u32, RosError> {
        let mut p = match arg(args, "copy-from") {
            Some(key) => {
                let mut p = self
                    .profile_id(key)
                    .and_then(|id| self.profile(id))
                    .cloned()
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                p.default_name = None;
                p
            }
            None => {
                if arg(args, "name").is_none() {
                    return Err(RosError::bad_request(
                        "missing value(s) of argument(s) name",
                    ));
                }
                // From 7.23 the generated CLI reference marks `ciphers` mandatory: an
                // `add` without it is refused, as one without `name` is. (The built-in
                // profile shows `aes-gcm-128`; what a router does when `ciphers` is left
                // out is not observed, the reference is the only source.)
                if self.profile_has_ciphers() && arg(args, "ciphers").is_none() {
                    return Err(RosError::bad_request(
                        "missing value(s) of argument(s) ciphers",
                    ));
                }
                Profile {
                    id: 0,
                    name: String::new(),
                    default_name: None,
                    server_priority: 10,
                    ciphers: DEFAULT_CIPHER.into(),
                }
            }
        };
        apply_profile_args(&mut p, args)?;
        p.id = self.next_profile_id;
        self.next_profile_id += 1;
        self.check_profile(&p)?;
        let id = p.id;
        self.profiles.push(p);
        Ok(id)
    }

    pub(crate) fn set_profile(&mut self, id: u32, args: &Args) -> Result<(), RosError> {
        let index = self
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(RosError::not_found)?;
        let mut p = self.profiles[index].clone();
        apply_profile_args(&mut p, args)?;
        self.check_profile(&p)?;
        self.profiles[index] = p;
        Ok(())
    }

    pub(crate) fn check_profile(&self, p: &Profile) -> Result<(), RosError> {
        if self
            .profiles
            .iter()
            .any(|o| o.id != p.id && o.name == p.name)
        {
            return Err(RosError::failure("profile with such name already exists"));
        }
        Ok(())
    }

    pub(crate) fn remove_profile(&mut self, id: u32) -> Result<(), RosError> {
        let Some(p) = self.profile(id) else {
            return Ok(());
        };
        if p.default_name.is_some() {
            return Err(RosError::failure("default profile can not be removed"));
        }
        if let Some(user) = self.macsecs.iter().find(|m| m.profile == id) {
            return Err(RosError::failure(format!(
                "profile {} is used by {}",
                p.name, user.name
            )));
        }
        self.profiles.retain(|p| p.id != id);
        Ok(())
    }
}

fn apply_profile_args(p: &mut Profile, args: &Args) -> Result<(), RosError> {
    for (key, text) in args {
        match key.as_str() {
            "name" => p.name = parse_name(key, text)?,
            "server-priority" => p.server_priority = parse_int(key, text, 0, 255)?,
            "ciphers" => p.ciphers = parse_ciphers(key, text)?,
            "copy-from" | "numbers" | ".id" => {}
            other => return Err(RosError::unknown_parameter(other)),
        }
    }
    Ok(())
}

/// The export form: `add ...` per profile, `set [ find default=yes ] ...` for the built-in one.
fn profile_section(router: &Router, options: &ExportOptions) -> Section {
    let mut lines = Vec::new();
    for row in ProfileMenu.list(router) {
        let builtin = row.get("default").map(String::as_str) == Some("true");
        let mut pairs = BTreeMap::new();
        for (key, value) in &row {
            let is_default = match key.as_str() {
                ".id" | "default" | "default-name" => continue,
                "name" => builtin,
                "server-priority" => value == "10",
                // Mandatory on `add` (7.23+), so every line carries it.
                "ciphers" => false,
                _ => false,
            };
            if options.verbose || !is_default || (key == "name" && !builtin) {
                pairs.insert(key.clone(), value.clone());
            }
        }
        if builtin {
            if !pairs.is_empty() {
                lines.push((row, format!("set [ find default=yes ] {}", props(&pairs))));
            }
        } else {
            lines.push((row, format!("add {}", props(&pairs))));
        }
    }
    Section {
        menu: "/interface macsec profile",
        lines,
    }
}
