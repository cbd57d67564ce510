//! The file area (`/file`) and the commands that write into it: `/system/backup` and
//! `/export` (DESIGN.md, "Facts: backups, exports, files").
//!
//! | request | what it does |
//! |---|---|
//! | `GET /rest/file` | every file: `.id`, `name`, `type`, `size`, the time (`creation-time`, from 7.16 `last-modified`), and `contents` for files up to [`CONTENTS_LIMIT`] |
//! | `GET` / `PATCH` / `DELETE /rest/file/<id or name>` | one file: read, set `contents`/`name`, remove (`404` when missing) |
//! | `PUT /rest/file` | `add` a file (`name`, `contents`) |
//! | `POST /rest/file/{print,get,remove,add,set}` | the console commands |
//! | `POST /rest/file/read {"file","offset","chunk-size"}` | RouterOS 7.13+: one chunk (at most [`READ_CHUNK_MAX`] bytes) as `[{"data": ...}]` |
//! | `POST /rest/system/backup/{save,load}` | see `system_backup.rs` |
//! | `POST /rest/export` | see `export.rs` |
//! | `POST /rest/import` | see `import_command.rs` |
//!
//! How files are stored and shown: `file_store.rs`.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::RosError;
use crate::file_store::{CONTENTS_LIMIT, bytes_to_text, file_row, text_to_bytes};
use crate::query::{Row, apply_proplist, matches_filters, take_query};
use crate::reply::Reply;
use crate::schema::{self, Version};
use crate::state::Router;
use crate::users::Access;
use crate::value::{Args, args_from_object, check_args, format_id, parse_int, parse_object};

use super::{export, import_command, system_backup as backup};

/// Largest `chunk-size` `/file/read` takes (32 KiB, as RouterOS documents it for clients
/// such as tikoci/centrs).
pub(crate) const READ_CHUNK_MAX: u64 = 32 * 1024;

/// The menu path (also read by `data/extract.py`).
const FILE: &str = "/file";

/// The arguments of `/file/read` (the same in every dump that has the command).
const READ_ARGS: [&str; 4] = ["as-value", "chunk-size", "file", "offset"];

/// `/file/read` exists from RouterOS 7.13 on (RESTRAML: in inspect from 7.13, not in
/// 7.9.2). The dumps have no 7.13, so the version decides rather than the nearest dump.
pub(crate) fn has_file_read(version: &Version) -> bool {
    version.at_least(7, 13, 0)
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

/// Handles a REST request for `/file`, `/system/backup/...`, `/export` or `/import`; `None` for
/// any other path (the caller's menus handle those).
pub(crate) fn handle(
    router: &mut Router,
    access: Access,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Option<Reply> {
    let rest = path.strip_prefix("/rest")?;
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let result = match segments.as_slice() {
        ["file", rest @ ..] => file_request(router, access, method, rest, query, body),
        ["system", "backup", rest @ ..] => backup_request(router, method, rest, body),
        ["export", rest @ ..] => export_request(router, access, method, rest, body),
        ["import"] if method == "POST" => parse_object(body)
            .and_then(|o| args_from_object(&o))
            .and_then(|args| import_command::import(router, &args)),
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| Reply::error(&e)))
}

/// `true` when `command` (API form, `/file/read`) is a command this module serves in
/// the emulated version.
pub(crate) fn is_command(router: &Router, command: &str) -> bool {
    let segments: Vec<&str> = command.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["file", "getall" | "listen"] => true,
        ["file", name] => file_command_args(router.version(), name).is_some(),
        ["system", "backup", "save" | "load"] => true,
        ["export" | "import"] => true,
        _ => false,
    }
}

fn reply_ok(body: Value) -> Reply {
    Reply {
        status: 200,
        body: Some(body),
    }
}

fn empty_list() -> Reply {
    reply_ok(Value::Array(Vec::new()))
}

fn row_json(row: Row) -> Value {
    Value::Object(
        row.into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// `{"ret": value}`.
fn ret(value: &str) -> Value {
    let mut map = Map::new();
    map.insert("ret".into(), Value::String(value.to_string()));
    Value::Object(map)
}

fn missing(arg: &str) -> RosError {
    RosError::bad_request(format!("missing value(s) of argument(s) {arg}"))
}

fn lookup<'a>(args: &'a Args, key: &str) -> Option<&'a str> {
    args.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The arguments `/file/<command>` takes in `version`, or `None` when it has no such
/// command.
fn file_command_args(version: &Version, command: &str) -> Option<Vec<String>> {
    if command == "read" {
        return has_file_read(version).then(|| READ_ARGS.iter().map(|a| a.to_string()).collect());
    }
    let menu = schema::menu(version, FILE)?;
    menu.commands
        .get(command)
        .map(|args| args.keys().cloned().collect())
}

fn file_request(
    router: &mut Router,
    access: Access,
    method: &str,
    rest: &[&str],
    query: Option<&str>,
    body: &[u8],
) -> Result<Reply, RosError> {
    let _ = access;
    match (method, rest) {
        ("GET", []) => {
            let mut proplist = None;
            let mut filters = Vec::new();
            for (k, v) in query_params(query) {
                if k == ".proplist" {
                    proplist = Some(v);
                } else {
                    filters.push((k, v));
                }
            }
            let rows = router
                .files
                .rows(router.version())
                .into_iter()
                .filter(|r| matches_filters(r, &filters))
                .map(|r| row_json(apply_proplist(r, proplist.as_deref())))
                .collect();
            Ok(reply_ok(Value::Array(rows)))
        }
        ("PUT", []) => {
            let args = args_from_object(&parse_object(body)?)?;
            let id = add_file(router, &args)?;
            let file = router
                .files
                .find(&format_id(id))
                .ok_or_else(RosError::not_found)?;
            Ok(reply_ok(row_json(file_row(file, router.version()))))
        }
        (_, []) => Err(RosError::no_such_command()),
        (_, [name]) if file_command_args(router.version(), name).is_some() => {
            if method != "POST" {
                return Err(RosError::no_such_command());
            }
            file_command(router, name, body)
        }
        ("GET", [key]) => {
            let file = router.files.find(key).ok_or_else(RosError::not_found)?;
            let row = file_row(file, router.version());
            let proplist = query_params(query)
                .into_iter()
                .find(|(k, _)| k == ".proplist")
                .map(|(_, v)| v);
            Ok(reply_ok(row_json(apply_proplist(row, proplist.as_deref()))))
        }
        ("DELETE", [key]) => {
            let id = file_id(router, key).ok_or_else(RosError::not_found)?;
            router.files.remove(id);
            Ok(Reply {
                status: 204,
                body: None,
            })
        }
        ("PATCH", [key]) => {
            let id = file_id(router, key).ok_or_else(RosError::not_found)?;
            let args = args_from_object(&parse_object(body)?)?;
            set_file(router, id, &args)?;
            let file = router
                .files
                .find(&format_id(id))
                .ok_or_else(RosError::not_found)?;
            Ok(reply_ok(row_json(file_row(file, router.version()))))
        }
        ("POST", [key]) => Err(RosError::no_such_directory(key)),
        (_, [_]) => Err(RosError::no_such_command()),
        (_, [first, ..]) => Err(RosError::no_such_directory(first)),
    }
}

fn query_params(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn file_id(router: &Router, key: &str) -> Option<u32> {
    let file = router.files.find(key)?;
    Some(file.id)
}

/// Resolves `.id` / `numbers` (ids or names, comma-separated) to file ids.
fn numbers(router: &Router, args: &Args) -> Result<Vec<u32>, RosError> {
    let text = lookup(args, ".id")
        .or_else(|| lookup(args, "numbers"))
        .ok_or_else(|| missing("numbers"))?;
    text.split(',')
        .map(str::trim)
        .map(|key| file_id(router, key).ok_or_else(|| RosError::bad_request("no such item")))
        .collect()
}

fn file_command(router: &mut Router, command: &str, body: &[u8]) -> Result<Reply, RosError> {
    let mut object = parse_object(body)?;
    let version = router.version().clone();
    let allowed = file_command_args(&version, command).unwrap_or_default();
    let mut allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    allowed.extend([".id", ".proplist"]);
    if command == "print" {
        let query = take_query(&mut object)?;
        let args = args_from_object(&object)?;
        check_args(&args, &allowed)?;
        let proplist = lookup(&args, ".proplist")
            .or_else(|| lookup(&args, "proplist"))
            .map(str::to_string);
        let rows: Vec<Row> = router
            .files
            .rows(&version)
            .into_iter()
            .filter(|r| query.as_ref().is_none_or(|q| q.matches(r)))
            .collect();
        if args.iter().any(|(k, _)| k == "count-only") {
            return Ok(reply_ok(ret(&rows.len().to_string())));
        }
        let rows = rows
            .into_iter()
            .map(|r| row_json(apply_proplist(r, proplist.as_deref())))
            .collect();
        return Ok(reply_ok(Value::Array(rows)));
    }
    let args = args_from_object(&object)?;
    check_args(&args, &allowed)?;
    match command {
        "read" => read_chunk(router, &args),
        "remove" => {
            for id in numbers(router, &args)? {
                router.files.remove(id);
            }
            Ok(empty_list())
        }
        "get" => {
            let key = lookup(&args, "number")
                .or_else(|| lookup(&args, ".id"))
                .ok_or_else(|| missing("number"))?;
            let file = router
                .files
                .find(key)
                .ok_or_else(|| RosError::bad_request("no such item"))?;
            let row = file_row(file, &version);
            let name = lookup(&args, "value-name").ok_or_else(|| missing("value-name"))?;
            Ok(reply_ok(match row.get(name) {
                Some(value) => ret(value),
                None => Value::Array(Vec::new()),
            }))
        }
        "add" => {
            let id = add_file(router, &args)?;
            Ok(reply_ok(ret(&format_id(id))))
        }
        "set" => {
            let changes: Args = args
                .iter()
                .filter(|(k, _)| k != ".id" && k != "numbers")
                .cloned()
                .collect();
            for id in numbers(router, &args)? {
                set_file(router, id, &changes)?;
            }
            Ok(empty_list())
        }
        other => Err(RosError::bad_request(format!(
            "routeros-sim does not emulate /file/{other}"
        ))),
    }
}

/// `/file/read file= offset= chunk-size=`: `[{"data": <chunk>}]`; empty at and after the
/// end of the file.
fn read_chunk(router: &Router, args: &Args) -> Result<Reply, RosError> {
    let name = lookup(args, "file").ok_or_else(|| missing("file"))?;
    let file = router
        .files
        .find(name)
        .ok_or_else(|| RosError::failure(format!("no such file {name}")))?;
    let offset = match lookup(args, "offset") {
        Some(text) => parse_int("offset", text, 0, u64::MAX)?,
        None => 0,
    };
    let size = match lookup(args, "chunk-size") {
        Some(text) => parse_int("chunk-size", text, 1, READ_CHUNK_MAX)?,
        None => READ_CHUNK_MAX,
    };
    let data = file.data();
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(data.len());
    let end = start
        .saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
        .min(data.len());
    let mut row = Map::new();
    row.insert(
        "data".into(),
        Value::String(bytes_to_text(&data[start..end])),
    );
    Ok(reply_ok(Value::Array(vec![Value::Object(row)])))
}

fn contents_arg(text: &str) -> Result<Arc<[u8]>, RosError> {
    let bytes = text_to_bytes(text);
    if bytes.len() > CONTENTS_LIMIT {
        return Err(RosError::failure(format!(
            "contents is {} bytes; at most {CONTENTS_LIMIT} can be set",
            bytes.len()
        )));
    }
    Ok(bytes.into())
}

fn add_file(router: &mut Router, args: &Args) -> Result<u32, RosError> {
    let name = lookup(args, "name").ok_or_else(|| missing("name"))?;
    if name.is_empty() || name.starts_with('/') {
        return Err(RosError::bad_request("invalid value for argument name"));
    }
    if router.files.find(name).is_some() {
        return Err(RosError::failure("file with such name already exists"));
    }
    for (key, _) in args {
        if !matches!(key.as_str(), "name" | "contents" | "type") {
            return Err(RosError::bad_request(format!(
                "routeros-sim does not emulate /file/add {key}"
            )));
        }
    }
    let data = match lookup(args, "contents") {
        Some(text) => contents_arg(text)?,
        None => Arc::from(Vec::new()),
    };
    let now = router.clock;
    Ok(router.files.put(name, data, now))
}

fn set_file(router: &mut Router, id: u32, args: &Args) -> Result<(), RosError> {
    let key = format_id(id);
    let mut file = router
        .files
        .find(&key)
        .cloned()
        .ok_or_else(RosError::not_found)?;
    for (arg, text) in args {
        match arg.as_str() {
            "contents" => file.data = contents_arg(text)?,
            "name" => {
                if text.is_empty() || router.files.find(text).is_some_and(|f| f.id != id) {
                    return Err(RosError::bad_request("invalid value for argument name"));
                }
                file.name = text.clone();
            }
            ".id" | "numbers" => {}
            other => return Err(RosError::unknown_parameter(other)),
        }
    }
    router.files.remove(id);
    router.files.files.push(file);
    router.files.files.sort_by_key(|f| f.id);
    Ok(())
}

fn backup_request(
    router: &mut Router,
    method: &str,
    rest: &[&str],
    body: &[u8],
) -> Result<Reply, RosError> {
    match (method, rest) {
        ("POST", ["save"]) => {
            let args = args_from_object(&parse_object(body)?)?;
            backup::save(router, &args)
        }
        ("POST", ["load"]) => {
            let args = args_from_object(&parse_object(body)?)?;
            backup::load(router, &args)
        }
        ("POST", ["cloud", ..]) => Err(RosError::bad_request(
            "routeros-sim does not emulate /system/backup/cloud",
        )),
        ("POST", [other]) => Err(RosError::no_such_directory(other)),
        (_, [] | [_]) => Err(RosError::no_such_command()),
        (_, [first, ..]) => Err(RosError::no_such_directory(first)),
    }
}

fn export_request(
    router: &mut Router,
    access: Access,
    method: &str,
    rest: &[&str],
    body: &[u8],
) -> Result<Reply, RosError> {
    match (method, rest) {
        ("POST", []) => {
            let args = args_from_object(&parse_object(body)?)?;
            export::export(router, access, &args)
        }
        (_, []) => Err(RosError::no_such_command()),
        (_, [first, ..]) => Err(RosError::no_such_directory(first)),
    }
}

#[cfg(test)]
mod tests;
