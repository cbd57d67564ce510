//! The file area (`/file`) and the commands that write into it: `/system/backup` and
//! `/export` (reference/routeros.md section 4).
//!
//! | request | what it does |
//! |---|---|
//! | `GET /rest/file` | every file: `.id`, `name`, `type`, `size`, `creation-time`, and `contents` for files up to [`CONTENTS_LIMIT`] |
//! | `GET` / `PATCH` / `DELETE /rest/file/<id or name>` | one file: read, set `contents`/`name`, remove (`404` when missing) |
//! | `PUT /rest/file` | `add` a file (`name`, `contents`) |
//! | `POST /rest/file/{print,get,remove,add,set}` | the console commands |
//! | `POST /rest/file/read {"file","offset","chunk-size"}` | RouterOS 7.13+: one chunk (at most [`READ_CHUNK_MAX`] bytes) as `[{"data": ...}]` |
//! | `POST /rest/system/backup/{save,load}` | see `backup.rs` |
//! | `POST /rest/export` | see `export.rs` |
//!
//! **Bytes in JSON.** RouterOS documents neither how `/file/read` nor how `contents`
//! carry bytes that are not text. The emulator maps every byte to the character with the
//! same number (ISO 8859-1: byte `0xE9` is `"\u00e9"`), so any file, binary backups
//! included, survives the trip; a client turns every character back into one byte.
//! Writing `contents` does the reverse (characters above U+00FF are stored as UTF-8).
//!
//! Files are kept whole in memory behind an [`Arc`], so the router's copy-on-write
//! transactions do not copy them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::error::RosError;
use super::query::{Query, Row, apply_proplist, matches_filters};
use super::rest::Reply;
use super::schema::{self, Version};
use super::store::{Router, format_id};
use super::users::Access;
use super::value::{Args, args_from_object, parse_int, parse_object};
use super::{backup, export};

/// Largest file whose `contents` RouterOS shows and lets be set: 60 KB (MT-FILES).
pub(crate) const CONTENTS_LIMIT: usize = 60 * 1024;

/// Largest `chunk-size` `/file/read` takes (32 KiB, as RouterOS documents it for clients
/// such as tikoci/centrs).
pub(crate) const READ_CHUNK_MAX: u64 = 32 * 1024;

/// The arguments of `/file/read` (the same in every dump that has the command).
const READ_ARGS: [&str; 4] = ["as-value", "chunk-size", "file", "offset"];

/// `/file/read` exists from RouterOS 7.13 on (RESTRAML: in inspect from 7.13, not in
/// 7.9.2). The dumps have no 7.13, so the version decides rather than the nearest dump.
pub(crate) fn has_file_read(version: &Version) -> bool {
    version.at_least(7, 13, 0)
}

/// One file.
#[derive(Clone, Debug)]
pub(crate) struct SimFile {
    id: u32,
    name: String,
    data: Arc<[u8]>,
    created: SystemTime,
}

impl SimFile {
    /// The file's bytes.
    pub(crate) fn data(&self) -> &Arc<[u8]> {
        &self.data
    }
}

/// The file area of one router.
#[derive(Clone, Debug, Default)]
pub(crate) struct FileStore {
    files: Vec<SimFile>,
    next_id: u32,
    /// Every file `/system/backup/save` or `/export file=` wrote, by name: the last
    /// content, kept after the file is removed (for tests).
    written: BTreeMap<String, Arc<[u8]>>,
    /// Bytes of padding every backup carries after the configuration (to make
    /// multi-megabyte backups for streaming tests). Default 0.
    pub(crate) backup_padding: usize,
}

impl FileStore {
    /// Creates or replaces the file `name`. A replaced file keeps its id.
    pub(crate) fn put(&mut self, name: &str, data: Arc<[u8]>) -> u32 {
        let created = SystemTime::now();
        if let Some(file) = self.files.iter_mut().find(|f| f.name == name) {
            file.data = data;
            file.created = created;
            return file.id;
        }
        self.next_id += 1;
        let id = self.next_id;
        self.files.push(SimFile {
            id,
            name: name.to_string(),
            data,
            created,
        });
        id
    }

    /// Like [`FileStore::put`], and remembers the content as written by a command.
    pub(crate) fn write(&mut self, name: &str, data: Vec<u8>) -> u32 {
        let data: Arc<[u8]> = data.into();
        self.written.insert(name.to_string(), data.clone());
        self.put(name, data)
    }

    /// The file named by `key`: its `.id` (`*1`) or its name.
    pub(crate) fn find(&self, key: &str) -> Option<&SimFile> {
        self.files
            .iter()
            .find(|f| f.name == key || format_id(f.id) == key)
    }

    /// Removes the file with this id; `false` when there is none.
    pub(crate) fn remove(&mut self, id: u32) -> bool {
        let before = self.files.len();
        self.files.retain(|f| f.id != id);
        self.files.len() != before
    }

    /// The last content a command wrote under `name`, even if the file is gone since.
    pub(crate) fn written(&self, name: &str) -> Option<Arc<[u8]>> {
        self.written.get(name).cloned()
    }

    /// Every file as `/file/print` shows it.
    pub(crate) fn rows(&self, version: &Version) -> Vec<Row> {
        self.files.iter().map(|f| file_row(f, version)).collect()
    }
}

/// RouterOS's `type` of a file, from its name.
pub(crate) fn file_type(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((_, "backup")) => "backup".into(),
        Some((_, "rsc")) => "script".into(),
        Some((stem, ext)) if !stem.is_empty() => format!(".{ext} file"),
        _ => "file".into(),
    }
}

/// A time as RouterOS 7 prints it: `2025-02-24 14:44:38` from 7.10 on, `feb/24/2025
/// 14:44:38` before.
pub(crate) fn ros_time(time: SystemTime, version: &Version) -> String {
    let time: chrono::DateTime<chrono::Utc> = time.into();
    if version.at_least(7, 10, 0) {
        time.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        time.format("%b/%d/%Y %H:%M:%S")
            .to_string()
            .to_ascii_lowercase()
    }
}

fn file_row(f: &SimFile, version: &Version) -> Row {
    let mut row = Row::new();
    row.insert(".id".into(), format_id(f.id));
    if f.data.len() <= CONTENTS_LIMIT {
        row.insert("contents".into(), bytes_to_text(&f.data));
    }
    row.insert("creation-time".into(), ros_time(f.created, version));
    row.insert("name".into(), f.name.clone());
    row.insert("size".into(), f.data.len().to_string());
    row.insert("type".into(), file_type(&f.name));
    row
}

/// Bytes as JSON text: each byte the character with the same number.
pub(crate) fn bytes_to_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The inverse of [`bytes_to_text`]; characters above U+00FF become their UTF-8 bytes.
pub(crate) fn text_to_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

/// Handles a REST request for `/file`, `/system/backup/...` or `/export`; `None` for
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
        ["export"] => true,
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

/// Every argument must be one `allowed` lists: otherwise `400 unknown parameter X`.
pub(crate) fn check_args(args: &Args, allowed: &[&str]) -> Result<(), RosError> {
    match args.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((k, _)) => Err(RosError::unknown_parameter(k)),
        None => Ok(()),
    }
}

/// The arguments `/file/<command>` takes in `version`, or `None` when it has no such
/// command.
fn file_command_args(version: &Version, command: &str) -> Option<Vec<String>> {
    if command == "read" {
        return has_file_read(version).then(|| READ_ARGS.iter().map(|a| a.to_string()).collect());
    }
    let menu = schema::menu(version, "/file")?;
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
        let query = match object.remove(".query") {
            None => None,
            Some(Value::Array(words)) => {
                let words: Vec<String> = words
                    .into_iter()
                    .map(|w| match w {
                        Value::String(s) => Ok(s),
                        _ => Err(RosError::bad_request(
                            "invalid value for argument .query: expected an array of strings",
                        )),
                    })
                    .collect::<Result<_, _>>()?;
                Some(Query::parse(&words)?)
            }
            Some(Value::String(s)) => Some(Query::parse(&[s])?),
            Some(_) => {
                return Err(RosError::bad_request(
                    "invalid value for argument .query: expected an array of strings",
                ));
            }
        };
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
    Ok(router.files.put(name, data))
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
