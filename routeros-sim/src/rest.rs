//! The RouterOS REST mapping: URL + verb + JSON body -> command on a menu -> JSON reply.
//!
//! Independent of HTTP plumbing and authentication (see `server.rs`), so it can be tested
//! directly. Follows DESIGN.md, "Facts: REST":
//!
//! | request | command |
//! |---|---|
//! | `GET /rest/<menu>` | `print` (array; an object for `/system/...` singletons) |
//! | `GET /rest/<menu>/<id or name>` | `print` of one record, `404` when missing |
//! | `PUT /rest/<menu>` | `add`, replies with the new record |
//! | `PATCH /rest/<menu>/<id or name>` | `set`, replies with the whole record |
//! | `DELETE /rest/<menu>/<id or name>` | `remove`, empty reply |
//! | `POST /rest/<menu>/<command>` | the command (`print`, `add`, `set`, `remove`, ...) |
//!
//! Also `POST /rest/interface/macsec/print {"stats":""}` (the traffic and error counters,
//! where the version's `print` takes `stats`) and `POST /rest/interface/macsec/monitor
//! {"numbers":"macsec1","once":""}` (7.23+). Properties the user may not read (`cak` for a
//! user without the `sensitive` policy) are left out of every reply.

use serde_json::{Map, Value};

use crate::error::RosError;
use crate::menu::Menu;
use crate::menus::{file, hide_sensitive};
use crate::query::{Row, apply_proplist, matches_filters, take_query};
use crate::reply::Reply;
use crate::schema::{self, MenuSchema, Version};
use crate::state::Router;
use crate::users::Access;
use crate::value::{Args, args_from_object, format_id, parse_object};

/// RouterOS cuts a REST command that runs indefinitely off after 60 s and answers
/// `400 {"detail":"Session closed",...}` (MT-REST). The emulator waits this long
/// before that answer (`SimConfig::rest_timeout` / `--rest-timeout-secs` shorten it
/// for tests).
pub(crate) const SESSION_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The detail of the reply to a command cut off by the session limit.
const SESSION_CLOSED: &str = "Session closed";

/// `true` for the reply to a command cut off by the 60 s session limit (the front end
/// delays it by the limit).
pub(crate) fn is_session_closed(reply: &Reply) -> bool {
    reply.status == 400
        && reply
            .body
            .as_ref()
            .and_then(|b| b.get("detail"))
            .and_then(Value::as_str)
            == Some(SESSION_CLOSED)
}

/// `true` when RouterOS `version` serves REST on this connection (`tls`: the `www-ssl`
/// service, otherwise `www`).
///
/// MT-REST: the REST API exists from 7.1 (7.1beta4), over HTTPS (`www-ssl`); over plain
/// HTTP (`www`) only from 7.9; RouterOS 6 has none. What a router answers at `/rest` where
/// it has no REST is not documented: its web server serves WebFig and knows no such path,
/// so the emulator answers `404 Not Found`, as for any path outside `/rest`.
pub(crate) fn served(version: &Version, tls: bool) -> bool {
    if tls {
        version.at_least(7, 1, 0)
    } else {
        version.at_least(7, 9, 0)
    }
}

/// What a REST path names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The menu itself.
    Menu(Menu),
    /// One record, by `.id` or name.
    Item(Menu, String),
    /// A command of the menu (`print`, `add`, ...).
    Command(Menu, String),
}

/// Handles one request of a user with the `sensitive` policy (who sees everything).
/// `path` is the URL path (percent-encoded), `query` the raw query string.
#[cfg(test)]
pub(crate) fn handle(
    router: &mut Router,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Reply {
    handle_as(router, Access::FULL, method, path, query, body)
}

/// Handles one request of an authenticated user with `access`: properties the user may
/// not read (`cak` without the `sensitive` policy) are left out of the reply.
pub(crate) fn handle_as(
    router: &mut Router,
    access: Access,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Reply {
    // Link state is derived on read: log what changed since the last request, and what
    // this one changes.
    router.log_macsec_changes();
    // The file area, backups and exports (menus/file.rs), then the menus.
    let reply = file::handle(router, access, method, path, query, body).unwrap_or_else(|| {
        dispatch(router, access, method, path, query, body).unwrap_or_else(|e| Reply::error(&e))
    });
    router.log_macsec_changes();
    reply
}

fn dispatch(
    router: &mut Router,
    access: Access,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<Reply, RosError> {
    let target = resolve(router, path)?;
    match (method, target) {
        ("GET", Target::Menu(menu)) => get_menu(router, access, menu, query),
        ("GET", Target::Item(menu, key)) => {
            let id = router.find(menu, &key).ok_or_else(RosError::not_found)?;
            let row = router.row(menu, id).ok_or_else(RosError::not_found)?;
            let row = hide_sensitive(menu, row, access);
            let proplist = query_params(query)
                .into_iter()
                .find(|(k, _)| k == ".proplist")
                .map(|(_, v)| v);
            Ok(Reply::ok(row_json(apply_proplist(
                row,
                proplist.as_deref(),
            ))))
        }
        ("PUT", Target::Menu(menu)) if !menu.is_singleton() => {
            require_command(router, menu, "add")?;
            let args = body_args(body)?;
            check_args(router, menu, "add", &args, &[])?;
            let id = router.add(menu, &args)?;
            let row = router.row(menu, id).ok_or_else(RosError::not_found)?;
            Ok(Reply::ok(row_json(hide_sensitive(menu, row, access))))
        }
        ("PATCH", Target::Menu(menu)) if menu.is_singleton() => {
            require_command(router, menu, "set")?;
            let args = body_args(body)?;
            check_args(router, menu, "set", &args, &[])?;
            router.set_singleton(menu, &args)?;
            Ok(Reply::ok(row_json(singleton_row(router, menu))))
        }
        ("PATCH", Target::Item(menu, key)) => {
            require_command(router, menu, "set")?;
            let id = router.find(menu, &key).ok_or_else(RosError::not_found)?;
            let args = body_args(body)?;
            check_args(router, menu, "set", &args, &[".id"])?;
            router.set(menu, &[id], &args)?;
            let row = router.row(menu, id).ok_or_else(RosError::not_found)?;
            Ok(Reply::ok(row_json(hide_sensitive(menu, row, access))))
        }
        ("DELETE", Target::Item(menu, key)) => {
            require_command(router, menu, "remove")?;
            let id = router.find(menu, &key).ok_or_else(RosError::not_found)?;
            router.remove(menu, &[id])?;
            Ok(Reply::empty())
        }
        ("POST", Target::Command(menu, command)) => {
            run_command(router, access, menu, &command, body)
        }
        ("POST", Target::Item(_, key)) => Err(RosError::no_such_directory(&key)),
        ("GET" | "PUT" | "PATCH" | "DELETE" | "POST", _) => Err(RosError::no_such_command()),
        _ => Err(RosError::not_implemented()),
    }
}

/// Maps a `/rest/...` path to a menu, a record or a command of the emulated version.
fn resolve(router: &Router, path: &str) -> Result<Target, RosError> {
    let rest = path
        .strip_prefix("/rest")
        .filter(|r| r.is_empty() || r.starts_with('/'))
        .ok_or_else(RosError::not_found)?;
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    // The longest prefix that is a menu of this version.
    let mut found: Option<(usize, Menu)> = None;
    for len in (1..=segments.len()).rev() {
        let candidate = format!("/{}", segments[..len].join("/"));
        if let Some(menu) = Menu::from_path(&candidate).filter(|m| router.has_menu(*m)) {
            found = Some((len, menu));
            break;
        }
    }
    let Some((len, menu)) = found else {
        // Not a menu: either a directory that only holds menus (`/rest/system`) or unknown.
        for i in 0..segments.len() {
            let prefix = format!("/{}/", segments[..=i].join("/"));
            let is_dir = Menu::ALL
                .iter()
                .any(|m| router.has_menu(*m) && format!("{}/", m.path()).starts_with(&prefix));
            if !is_dir {
                return Err(RosError::no_such_directory(&segments[i]));
            }
        }
        return Err(RosError::no_such_command());
    };
    let remainder = &segments[len..];
    match remainder {
        [] => Ok(Target::Menu(menu)),
        [name] => {
            // A menu this version does not have (MACsec before 7.9) is an unknown directory.
            let child = format!("{}/{name}", menu.path());
            if Menu::from_path(&child).is_some() {
                return Err(RosError::no_such_directory(name));
            }
            let schema = menu_schema(router, menu)?;
            if schema.has_command(name) {
                Ok(Target::Command(menu, name.clone()))
            } else if menu.is_singleton() {
                Err(RosError::no_such_directory(name))
            } else {
                Ok(Target::Item(menu, name.clone()))
            }
        }
        [first, ..] => Err(RosError::no_such_directory(first)),
    }
}

fn menu_schema(router: &Router, menu: Menu) -> Result<&'static MenuSchema, RosError> {
    schema::menu(router.version(), menu.path())
        .ok_or_else(|| RosError::no_such_directory(menu.path().rsplit('/').next().unwrap_or("")))
}

/// The REST verb maps to a command the menu lacks: `406 no such command or directory (X)`.
fn require_command(router: &Router, menu: Menu, command: &str) -> Result<(), RosError> {
    if menu_schema(router, menu)?.has_command(command) {
        Ok(())
    } else {
        Err(RosError::not_acceptable(format!(
            "no such command or directory ({command})"
        )))
    }
}

fn body_args(body: &[u8]) -> Result<Args, RosError> {
    args_from_object(&parse_object(body)?)
}

/// Every argument must be one the version's `command` takes (`extra` lists API attributes
/// such as `.id` that are allowed too): otherwise `400 unknown parameter X`.
fn check_args(
    router: &Router,
    menu: Menu,
    command: &str,
    args: &Args,
    extra: &[&str],
) -> Result<(), RosError> {
    let schema = menu_schema(router, menu)?;
    for (key, _) in args {
        if !schema.accepts(command, key) && !extra.contains(&key.as_str()) {
            return Err(RosError::unknown_parameter(key));
        }
    }
    Ok(())
}

fn row_json(row: Row) -> Value {
    Value::Object(
        row.into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

fn rows_json(rows: Vec<Row>) -> Value {
    Value::Array(rows.into_iter().map(row_json).collect())
}

fn singleton_row(router: &Router, menu: Menu) -> Row {
    router.list(menu).into_iter().next().unwrap_or_default()
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

fn get_menu(
    router: &Router,
    access: Access,
    menu: Menu,
    query: Option<&str>,
) -> Result<Reply, RosError> {
    let mut proplist: Option<String> = None;
    let mut filters = Vec::new();
    for (key, value) in query_params(query) {
        if key == ".proplist" {
            proplist = Some(value);
        } else {
            filters.push((key, value));
        }
    }
    if menu.is_singleton() {
        let row = singleton_row(router, menu);
        return Ok(Reply::ok(row_json(apply_proplist(
            row,
            proplist.as_deref(),
        ))));
    }
    let rows: Vec<Row> = router
        .list(menu)
        .into_iter()
        .map(|row| hide_sensitive(menu, row, access))
        .filter(|row| matches_filters(row, &filters))
        .map(|row| apply_proplist(row, proplist.as_deref()))
        .collect();
    Ok(Reply::ok(rows_json(rows)))
}

/// `POST /rest/<menu>/<command>`.
fn run_command(
    router: &mut Router,
    access: Access,
    menu: Menu,
    command: &str,
    body: &[u8],
) -> Result<Reply, RosError> {
    let object = parse_object(body)?;
    match command {
        "print" => print(router, access, menu, object),
        "monitor" if menu == Menu::Macsec => monitor(router, menu, &object),
        "add" if !menu.is_singleton() => {
            let args = args_from_object(&object)?;
            check_args(router, menu, "add", &args, &[])?;
            let id = router.add(menu, &args)?;
            Ok(Reply::ok(ret(&format_id(id))))
        }
        "set" if menu.is_singleton() => {
            let args = args_from_object(&object)?;
            check_args(router, menu, "set", &args, &[])?;
            router.set_singleton(menu, &args)?;
            Ok(Reply::ok(Value::Array(Vec::new())))
        }
        "set" => {
            let args = args_from_object(&object)?;
            check_args(router, menu, "set", &args, &[".id"])?;
            let ids = numbers(router, menu, &args)?;
            let changes: Args = args
                .into_iter()
                .filter(|(k, _)| k != ".id" && k != "numbers")
                .collect();
            router.set(menu, &ids, &changes)?;
            Ok(Reply::ok(Value::Array(Vec::new())))
        }
        "remove" | "enable" | "disable" => {
            let args = args_from_object(&object)?;
            check_args(router, menu, command, &args, &[".id"])?;
            let ids = numbers(router, menu, &args)?;
            match command {
                "remove" => router.remove(menu, &ids)?,
                _ => {
                    let disabled = (command == "disable").to_string();
                    router.set(menu, &ids, &vec![("disabled".to_string(), disabled)])?;
                }
            }
            Ok(Reply::ok(Value::Array(Vec::new())))
        }
        "get" => {
            let args = args_from_object(&object)?;
            check_args(router, menu, "get", &args, &[".id"])?;
            let lookup = |key: &str| args.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
            let row = if menu.is_singleton() {
                singleton_row(router, menu)
            } else {
                let key = lookup("number")
                    .or_else(|| lookup(".id"))
                    .ok_or_else(|| missing("number"))?;
                let id = router
                    .find(menu, &key)
                    .ok_or_else(|| RosError::bad_request("no such item"))?;
                hide_sensitive(menu, router.row(menu, id).unwrap_or_default(), access)
            };
            let name = lookup("value-name").ok_or_else(|| missing("value-name"))?;
            Ok(Reply::ok(match row.get(&name) {
                Some(value) => ret(value),
                None => Value::Array(Vec::new()),
            }))
        }
        other => {
            let args = args_from_object(&object)?;
            check_args(router, menu, other, &args, &[".id"])?;
            // Not a transaction: like a RouterOS script, a command that fails half-way
            // keeps what it did before the failure.
            let out = menu
                .rules()
                .command(router, other, &args)
                .unwrap_or_else(|| Err(not_emulated(menu, other)));
            router.publish();
            out.map(Reply::ok)
        }
    }
}

fn not_emulated(menu: Menu, command: &str) -> RosError {
    RosError::bad_request(format!(
        "routeros-sim does not emulate {}/{command}",
        menu.path()
    ))
}

fn missing(arg: &str) -> RosError {
    RosError::bad_request(format!("missing value(s) of argument(s) {arg}"))
}

fn ret(value: &str) -> Value {
    let mut map = Map::new();
    map.insert("ret".into(), Value::String(value.to_string()));
    Value::Object(map)
}

/// The records a command addresses: `.id` or `numbers` (ids or names, comma-separated).
fn numbers(router: &Router, menu: Menu, args: &Args) -> Result<Vec<u32>, RosError> {
    let text = args
        .iter()
        .find(|(k, _)| k == ".id" || k == "numbers")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| missing("numbers"))?;
    router.resolve_numbers(menu, text)
}

/// `POST /rest/interface/macsec/monitor {"numbers":"macsec1","once":""}`: one reading
/// per interface. Continuous monitoring is not available over REST (MT-REST): RouterOS
/// keeps such a request open until its 60 s limit and then answers
/// `400 {"detail":"Session closed",...}`; so does the emulator (the front end waits
/// [`SESSION_LIMIT`] or the configured `rest_timeout` before sending it). With
/// `duration` the request ends by itself, so it gets a reading like `once`.
fn monitor(router: &Router, menu: Menu, object: &Map<String, Value>) -> Result<Reply, RosError> {
    let args = args_from_object(object)?;
    check_args(router, menu, "monitor", &args, &[".id", ".proplist"])?;
    let given = |key: &str| args.iter().any(|(k, _)| k == key);
    if !given("once") && !given("duration") {
        return Err(RosError::bad_request(SESSION_CLOSED));
    }
    let ids = numbers(router, menu, &args)?;
    let proplist = args
        .iter()
        .find(|(k, _)| k == ".proplist" || k == "proplist")
        .map(|(_, v)| v.clone());
    let rows = router
        .macsec_monitor(&ids)
        .into_iter()
        .map(|row| apply_proplist(row, proplist.as_deref()))
        .collect();
    Ok(Reply::ok(rows_json(rows)))
}

/// `POST .../print {".proplist": .., ".query": [..]}`; with `stats` on
/// `/interface/macsec`, the counters instead of the configuration.
fn print(
    router: &Router,
    access: Access,
    menu: Menu,
    mut object: Map<String, Value>,
) -> Result<Reply, RosError> {
    let query = take_query(&mut object)?;
    let args = args_from_object(&object)?;
    check_args(router, menu, "print", &args, &[".proplist"])?;
    let proplist = args
        .iter()
        .find(|(k, _)| k == ".proplist" || k == "proplist")
        .map(|(_, v)| v.clone());
    let source = if menu == Menu::Macsec && args.iter().any(|(k, _)| k == "stats") {
        router.macsec_stats()
    } else {
        router.list(menu)
    };
    let rows: Vec<Row> = source
        .into_iter()
        .map(|row| hide_sensitive(menu, row, access))
        .filter(|row| query.as_ref().is_none_or(|q| q.matches(row)))
        .collect();
    if args.iter().any(|(k, _)| k == "count-only") {
        return Ok(Reply::ok(ret(&rows.len().to_string())));
    }
    let rows = rows
        .into_iter()
        .map(|row| apply_proplist(row, proplist.as_deref()))
        .collect();
    Ok(Reply::ok(rows_json(rows)))
}

#[cfg(test)]
mod tests;
