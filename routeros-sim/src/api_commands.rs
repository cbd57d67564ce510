//! What the classic API front end (`api.rs`) runs: a parsed sentence ([`Request`])
//! becomes a command on a menu, the file area or a special command, and its [`Reply`]
//! becomes reply sentences ([`Out`]): `!re` per row, `!empty` from 7.18 when there is no
//! data, `!done`, or `!trap` with RouterOS's category.

use serde_json::{Map, Value};

use crate::api_wire::encode_sentence;
use crate::menu::Menu;
use crate::menus::file;
use crate::reply::Reply;
use crate::rest;
use crate::schema;
use crate::state::Router;
use crate::users::Access;

/// The value of `.dead` in a `listen` reply for a removed item (MT-API: `=.dead=yes`).
pub(crate) const DEAD: &str = "yes";

/// One reply sentence before encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Out {
    /// `!re` with attributes.
    Re(Vec<(String, String)>),
    /// `!empty` (7.18+).
    Empty,
    /// `!done`, with attributes.
    Done(Vec<(String, String)>),
    /// `!trap`: category and message.
    Trap(Option<u8>, String),
}

impl Out {
    /// The sentence on the wire, with `.tag` when the request had one.
    pub(crate) fn encode(&self, tag: Option<&str>) -> Vec<u8> {
        let (kind, attrs): (&str, Vec<(String, String)>) = match self {
            Out::Re(attrs) => ("!re", attrs.clone()),
            Out::Empty => ("!empty", Vec::new()),
            Out::Done(attrs) => ("!done", attrs.clone()),
            Out::Trap(category, message) => {
                let mut attrs = Vec::new();
                if let Some(c) = category {
                    attrs.push(("category".to_string(), c.to_string()));
                }
                attrs.push(("message".to_string(), message.clone()));
                ("!trap", attrs)
            }
        };
        // RouterOS puts `.tag` right after the reply word.
        let mut words: Vec<Vec<u8>> = vec![kind.as_bytes().to_vec()];
        if let Some(tag) = tag {
            words.push(format!(".tag={tag}").into_bytes());
        }
        for (k, v) in attrs {
            words.push(format!("={k}={v}").into_bytes());
        }
        encode_sentence(&words)
    }
}

/// A parsed command sentence.
#[derive(Debug, Default)]
pub(crate) struct Request {
    /// The command word.
    pub(crate) command: String,
    /// `=key=value` words.
    pub(crate) attrs: Vec<(String, String)>,
    /// `?` words, in order.
    pub(crate) queries: Vec<String>,
    /// `.tag`.
    pub(crate) tag: Option<String>,
    /// Words that are none of the above.
    pub(crate) stray: Vec<String>,
}

impl Request {
    /// Parses a sentence.
    pub(crate) fn parse(words: &[Vec<u8>]) -> Request {
        let text = |w: &[u8]| String::from_utf8_lossy(w).into_owned();
        let mut req = Request {
            command: words.first().map(|w| text(w)).unwrap_or_default(),
            ..Request::default()
        };
        for word in words.iter().skip(1).map(|w| text(w)) {
            if let Some(attr) = word.strip_prefix('=') {
                let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
                req.attrs.push((k.to_string(), v.to_string()));
            } else if let Some(tag) = word.strip_prefix(".tag=") {
                req.tag = Some(tag.to_string());
            } else if word.starts_with('?') {
                req.queries.push(word);
            } else {
                req.stray.push(word);
            }
        }
        req
    }

    /// The last value of attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a command path names.
enum Resolved {
    /// A command of an emulated menu.
    Command(Menu, String),
    /// A command of the file area, backups or exports (`files.rs`), by its path.
    Files(String),
    /// Not runnable: the traps to send.
    Missing(Vec<Out>),
}

/// Resolves `/menu/path/command` against the emulated version.
fn resolve(router: &Router, command: &str) -> Resolved {
    let no_such_command = || Resolved::Missing(vec![Out::Trap(Some(0), "no such command".into())]);
    if file::is_command(router, command) {
        return Resolved::Files(command.to_string());
    }
    let Some(path) = command.strip_prefix('/') else {
        return no_such_command();
    };
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    if let Some(menu) = Menu::from_path(&format!("/{dir}")).filter(|m| router.has_menu(*m))
        && !dir.is_empty()
    {
        let Some(menu_schema) = schema::menu(router.version(), menu.path()) else {
            return no_such_command();
        };
        let known = menu_schema.has_command(name)
            || (matches!(name, "getall" | "listen") && menu_schema.has_command("print"));
        return if known {
            Resolved::Command(menu, name.to_string())
        } else {
            no_such_command()
        };
    }
    // Not a menu: name the first directory that does not exist, as RouterOS 7 does.
    let segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for i in 0..segments.len() {
        let prefix = format!("/{}", segments[..=i].join("/"));
        let exists = Menu::ALL.iter().any(|m| {
            router.has_menu(*m)
                && (m.path() == prefix || m.path().starts_with(&format!("{prefix}/")))
        });
        if !exists {
            return Resolved::Missing(vec![
                Out::Trap(
                    Some(0),
                    format!("no such command or directory ({})", segments[i]),
                ),
                Out::Trap(None, "no such command prefix".into()),
            ]);
        }
    }
    no_such_command()
}

/// The `!trap` category RouterOS gives an error text (DESIGN.md, "Facts: classic API"):
/// 0 for a missing item or command, none for `failure: ...` (as RouterOS sends those),
/// 1 (argument value failure) otherwise.
fn category(message: &str) -> Option<u8> {
    if message.starts_with("no such ") {
        Some(0)
    } else if message.starts_with("failure:") || message.starts_with("routeros-sim ") {
        None
    } else {
        Some(1)
    }
}

fn attrs_of(object: &Map<String, Value>) -> Vec<(String, String)> {
    object
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// Runs one command. Returns the replies, or the menu to `listen` to.
pub(crate) fn execute(
    router: &mut Router,
    access: Access,
    req: &Request,
) -> (Vec<Out>, Option<Menu>) {
    let (menu, command) = match resolve(router, &req.command) {
        Resolved::Command(menu, command) => (menu, command),
        Resolved::Files(path) => return (files_command(router, access, req, &path), None),
        Resolved::Missing(mut traps) => {
            traps.push(Out::Done(Vec::new()));
            return (traps, None);
        }
    };
    if let Some(word) = req.stray.first() {
        let name = word.split('=').next().unwrap_or(word);
        return (
            vec![
                Out::Trap(Some(1), format!("unknown parameter {name}")),
                Out::Done(Vec::new()),
            ],
            None,
        );
    }
    if command == "listen" {
        return (Vec::new(), Some(menu));
    }
    let is_print = matches!(command.as_str(), "print" | "getall");
    let mut body = Map::new();
    for (k, v) in &req.attrs {
        body.insert(k.clone(), Value::String(v.clone()));
    }
    if is_print && !req.queries.is_empty() {
        // `?=name=x` (as librouteros writes it) is the same test as `?name=x`.
        let words = req
            .queries
            .iter()
            .map(|q| match q.strip_prefix("?=") {
                Some(rest) => Value::String(format!("?{rest}")),
                None => Value::String(q.clone()),
            })
            .collect();
        body.insert(".query".into(), Value::Array(words));
    }
    let rest_command = if command == "getall" {
        "print"
    } else {
        &command
    };
    let path = format!("/rest{}/{rest_command}", menu.path());
    let body = Value::Object(body).to_string();
    let reply = rest::handle_as(router, access, "POST", &path, None, body.as_bytes());
    let empty_reply = router.version().at_least(7, 18, 0);
    (to_api(&reply, is_print && empty_reply), None)
}

/// Runs a command of `files.rs` (`/file/read`, `/system/backup/save`, `/export`) through
/// its REST mapping: `=name=value` words become the body, `?` words the `.query` of
/// `print` (`getall` is `print`; `listen` is not emulated there).
fn files_command(router: &mut Router, access: Access, req: &Request, path: &str) -> Vec<Out> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let name = if name == "getall" { "print" } else { name };
    if name == "listen" {
        return vec![
            Out::Trap(None, format!("routeros-sim does not emulate {path}")),
            Out::Done(Vec::new()),
        ];
    }
    let mut body = Map::new();
    for (k, v) in &req.attrs {
        body.insert(k.clone(), Value::String(v.clone()));
    }
    let is_print = name == "print";
    if is_print && !req.queries.is_empty() {
        let words = req
            .queries
            .iter()
            .map(|q| {
                Value::String(
                    q.strip_prefix("?=")
                        .map_or_else(|| q.clone(), |r| format!("?{r}")),
                )
            })
            .collect();
        body.insert(".query".into(), Value::Array(words));
    }
    let rest_path = format!("/rest{dir}/{name}");
    let body = Value::Object(body).to_string();
    let reply = rest::handle_as(router, access, "POST", &rest_path, None, body.as_bytes());
    let with_empty = is_print && router.version().at_least(7, 18, 0);
    to_api(&reply, with_empty)
}

/// Turns a REST reply into API replies: rows become `!re`, an object `!done` attributes,
/// an error `!trap` + `!done`. `with_empty` adds `!empty` when there are no rows.
pub(crate) fn to_api(reply: &Reply, with_empty: bool) -> Vec<Out> {
    if reply.status >= 400 {
        let body = reply.body.as_ref();
        let message = body
            .and_then(|b| b.get("detail"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| match reply.status {
                404 => "no such item".to_string(),
                _ => body
                    .and_then(|b| b.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("failure")
                    .to_string(),
            });
        return vec![
            Out::Trap(category(&message), message),
            Out::Done(Vec::new()),
        ];
    }
    match &reply.body {
        Some(Value::Array(rows)) => {
            let mut out: Vec<Out> = rows
                .iter()
                .filter_map(Value::as_object)
                .map(|row| Out::Re(attrs_of(row)))
                .collect();
            if out.is_empty() && with_empty {
                out.push(Out::Empty);
            }
            out.push(Out::Done(Vec::new()));
            out
        }
        Some(Value::Object(object)) => vec![Out::Done(attrs_of(object))],
        _ => vec![Out::Done(Vec::new())],
    }
}
