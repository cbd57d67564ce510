//! `/system/script`: named scripts and `run` (DESIGN.md, "Facts: scripts and
//! scheduler"). The emulator runs a script with the interpreter in `script/interp.rs`,
//! which knows exactly the commands of a backup script and refuses anything else with
//! an error naming the command. A run counts in `run-count` and stamps `last-started`;
//! an error is the command's error (`script error: ...`) and is logged under
//! `script,error`, and what the script did before it stays done.
//!
//! Arguments (INSPECT, 7.9.2 to 7.24): `comment copy-from dont-require-permissions name
//! owner policy source`; `run` takes `number` (and `use-script-permissions` from 7.15,
//! which the emulator accepts and ignores). Export: `add ...` per script; backup: every
//! script.

use serde_json::Value;

use crate::error::RosError;
use crate::menu::{ExportOptions, MenuRules, Section, changed_props, printed, store_args};
use crate::query::Row;
use crate::state::Router;
use crate::table::row_of;
use crate::value::{Args, arg, parse_name};

pub(crate) mod interp;

/// The menu path (also read by `data/extract.py`).
const SCRIPT: &str = "/system/script";

/// The policies a script gets when `add` names none (RouterOS's full set).
pub(crate) const DEFAULT_POLICY: &str =
    "ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon";

/// Properties every version prints that are not arguments of `set`.
const READ_ONLY: [&str; 3] = ["run-count", "last-started", "invalid"];

/// The rules of `/system/script`.
pub(super) struct ScriptMenu;

impl MenuRules for ScriptMenu {
    fn path(&self) -> &'static str {
        SCRIPT
    }

    fn list(&self, r: &Router) -> Vec<Row> {
        r.scripts
            .iter()
            .map(|(id, props)| printed(r, SCRIPT, id, props, &READ_ONLY))
            .collect()
    }

    fn find(&self, r: &Router, key: &str) -> Option<u32> {
        r.scripts.find(key)
    }

    fn row(&self, r: &Router, id: u32) -> Option<Row> {
        r.scripts
            .get(id)
            .map(|props| printed(r, SCRIPT, id, props, &READ_ONLY))
    }

    fn add(&self, r: &mut Router, args: &Args) -> Result<u32, RosError> {
        let mut props = match arg(args, "copy-from") {
            Some(key) => {
                let id = r
                    .scripts
                    .find(key)
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                let mut props = r.scripts.get(id).cloned().unwrap_or_default();
                props.insert("run-count".into(), "0".into());
                props.remove("last-started");
                props
            }
            None => fresh_script(),
        };
        let name = arg(args, "name").map_or_else(|| next_name(r), str::to_string);
        props.insert("name".into(), name);
        apply(r, &mut props, args, None)?;
        Ok(r.scripts.insert(props))
    }

    fn set(&self, r: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
        let mut props = r.scripts.get(id).cloned().ok_or_else(RosError::not_found)?;
        apply(r, &mut props, args, Some(id))?;
        if let Some(slot) = r.scripts.get_mut(id) {
            *slot = props;
        }
        Ok(())
    }

    fn remove(&self, r: &mut Router, id: u32) -> Result<(), RosError> {
        r.scripts.remove(id);
        Ok(())
    }

    fn command(&self, r: &mut Router, name: &str, args: &Args) -> Option<Result<Value, RosError>> {
        if name != "run" {
            return None;
        }
        let key = arg(args, "number")
            .or_else(|| arg(args, ".id"))
            .or_else(|| arg(args, "numbers"));
        Some(match key {
            None => Err(RosError::bad_request(
                "missing value(s) of argument(s) number",
            )),
            Some(key) => match r.scripts.find(key) {
                None => Err(RosError::bad_request("no such item")),
                Some(id) => r.run_script(id).map(|()| Value::Array(Vec::new())),
            },
        })
    }

    fn export(&self, r: &Router, options: &ExportOptions) -> Option<Section> {
        let fresh = fresh_script();
        let lines = self
            .list(r)
            .into_iter()
            .map(|row| {
                let line = changed_props(&row, &fresh, &READ_ONLY, options.verbose);
                (row, format!("add {line}"))
            })
            .collect();
        Some(Section {
            menu: "/system script",
            lines,
        })
    }

    fn backup(&self, r: &Router) -> Option<(&'static str, Value)> {
        Some(("scripts", r.scripts.to_json()))
    }

    fn restore(&self, r: &mut Router, config: &Value) -> Result<(), RosError> {
        if let Some(saved) = config.get("scripts") {
            r.scripts.restore_json(saved);
        }
        Ok(())
    }
}

/// A script as `add` makes it before its arguments.
fn fresh_script() -> Row {
    row_of(&[
        ("comment", ""),
        ("dont-require-permissions", "false"),
        ("invalid", "false"),
        ("owner", "admin"),
        ("policy", DEFAULT_POLICY),
        ("run-count", "0"),
        ("source", ""),
    ])
}

/// `scriptN`, the name RouterOS gives a script added without one.
fn next_name(r: &Router) -> String {
    (1..)
        .map(|n| format!("script{n}"))
        .find(|name| r.scripts.find(name).is_none())
        .unwrap_or_default()
}

fn apply(r: &Router, props: &mut Row, args: &Args, id: Option<u32>) -> Result<(), RosError> {
    if let Some(name) = arg(args, "name") {
        let name = parse_name("name", name)?;
        if r.scripts.find(&name).is_some_and(|other| Some(other) != id) {
            return Err(RosError::failure("script with such name already exists"));
        }
    }
    store_args(props, args, &["dont-require-permissions"])
}

impl Router {
    /// Runs the script `id`: counts the run, stamps it, and logs an error under
    /// `script,error` (with the script's name) before returning it.
    pub(crate) fn run_script(&mut self, id: u32) -> Result<(), RosError> {
        let now = crate::file_store::ros_time(self.clock, self.version());
        let Some(props) = self.scripts.get_mut(id) else {
            return Err(RosError::bad_request("no such item"));
        };
        let runs = props
            .get("run-count")
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        props.insert("run-count".into(), (runs + 1).to_string());
        props.insert("last-started".into(), now);
        let name = props.get("name").cloned().unwrap_or_default();
        let source = props.get("source").cloned().unwrap_or_default();
        self.run_source(&source, &format!("script {name}"))
    }

    /// Runs script text on behalf of `who` (`script backup`, `scheduler nightly`);
    /// an error is logged under `script,error` and returned.
    pub(crate) fn run_source(&mut self, source: &str, who: &str) -> Result<(), RosError> {
        let out = interp::run(self, source);
        if let Err(e) = &out {
            let detail = e.detail.clone().unwrap_or_default();
            self.log_event(&["script", "error"], &format!("{who}: {detail}"));
        }
        out
    }
}

#[cfg(test)]
mod tests;
