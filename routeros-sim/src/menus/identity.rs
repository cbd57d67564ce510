//! `/system/identity`: the router's name (a single object). Export: `set name=...` when
//! it is not `MikroTik`; backup: the name.

use serde_json::Value;

use crate::error::RosError;
use crate::menu::{ExportOptions, MenuRules, Section, quote, str_field};
use crate::query::Row;
use crate::state::Router;
use crate::value::Args;

/// The rules of `/system/identity`.
pub(super) struct IdentityMenu;

impl MenuRules for IdentityMenu {
    fn path(&self) -> &'static str {
        "/system/identity"
    }

    fn is_singleton(&self) -> bool {
        true
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        let mut row = Row::new();
        row.insert("name".into(), r.identity.clone());
        vec![row]
    }

    fn set_singleton(&self, r: &mut Router, args: &Args) -> Result<(), RosError> {
        for (key, text) in args {
            match key.as_str() {
                "name" => r.identity = text.clone(),
                _ => return Err(RosError::unknown_parameter(key)),
            }
        }
        Ok(())
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        let row = self.list(r).into_iter().next().unwrap_or_default();
        let name = row.get("name").cloned().unwrap_or_default();
        let mut lines = Vec::new();
        if options.verbose || name != "MikroTik" {
            lines.push((row, format!("set name={}", quote(&name))));
        }
        Some(Section {
            menu: "/system identity",
            lines,
        })
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        Some(("identity", Value::String(r.identity.clone())))
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if let Some(identity) = str_field(config, "identity") {
            r.identity = identity.to_string();
        }
        Ok(())
    }
}
