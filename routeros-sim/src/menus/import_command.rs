//! `/import file-name=NAME.rsc`: runs a configuration script from the file area, the
//! other way back after a disaster besides `/system/backup/load` (DESIGN.md, "Facts:
//! backups, exports, files"). The emulator reads the script with the export loader
//! (`import.rs`): the lines of the menus it models are applied in order, as one change;
//! a script with any other line is refused whole, naming the first such line, because
//! the emulator can not do what that line asks. A line the menu refuses fails the
//! import with its line number and changes nothing.
//!
//! Arguments (INSPECT): `file-name from-line verbose`, `dry-run` from 7.16 (checks the
//! script without applying it). `from-line` and `verbose` are accepted and ignored.
//! Replies `[]`.

use serde_json::Value;

use crate::error::RosError;
use crate::file_store::bytes_to_text;
use crate::import;
use crate::reply::Reply;
use crate::schema;
use crate::state::Router;
use crate::value::{Args, arg, check_args};

/// The command's path (also read by `data/extract.py`).
const IMPORT: &str = "/import";

/// `POST /rest/import {"file-name": ...}`.
pub(crate) fn import(router: &mut Router, args: &Args) -> Result<Reply, RosError> {
    let allowed: Vec<String> = schema::menu(router.version(), "/")
        .and_then(|m| m.commands.get(IMPORT.trim_start_matches('/')))
        .map(|a| a.keys().cloned().collect())
        .unwrap_or_default();
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    check_args(args, &allowed)?;
    let name = arg(args, "file-name")
        .ok_or_else(|| RosError::bad_request("missing value(s) of argument(s) file-name"))?;
    let file = router
        .files
        .find(name)
        .ok_or_else(|| RosError::failure(format!("no such file {name}")))?;
    let text = bytes_to_text(file.data());
    let script = import::parse(&text).map_err(|e| RosError::bad_request(format!("{name}: {e}")))?;
    if let Some((line, menu)) = script.unmodelled.first() {
        return Err(RosError::bad_request(format!(
            "routeros-sim does not emulate line {line} of {name} ({menu}): nothing was imported"
        )));
    }
    let dry_run = args.iter().any(|(k, _)| k == "dry-run");
    let (draft, _cost) = import::apply_all(router, &script).map_err(|(cmd, e)| {
        RosError::bad_request(format!(
            "line {} of {name} ({} {}): {e}; nothing was imported",
            cmd.line, cmd.menu, cmd.verb
        ))
    })?;
    if !dry_run {
        *router = draft;
        router.publish();
    }
    Ok(Reply {
        status: 200,
        body: Some(Value::Array(Vec::new())),
    })
}

#[cfg(test)]
mod tests;
