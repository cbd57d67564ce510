//! The inventory `--fleet` reads: which routers, and which of their ports are
//! cabled to which. Everything else in it (connection settings, keys,
//! profiles) is the Terraform configuration's: parsed within the bounds, and
//! left alone.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use super::yaml::{self, Node, shown};
use crate::local_file;

/// The largest inventory file read: far above the inventory of the largest
/// fleet the emulator starts.
pub const MAX_INVENTORY_BYTES: usize = 1 << 20;

/// The most routers one fleet starts (each serves up to four ports and runs a
/// thread of its own).
pub const MAX_FLEET_ROUTERS: usize = 256;

/// The longest router or link name (the provider's rule for router names).
const MAX_NAME: usize = 64;

/// The routers and links of an inventory, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// The router names (keys of `routers`), each checked by [`check_name`].
    pub routers: Vec<String>,
    /// The links (`links`), each between two Ethernet ports of known routers,
    /// no port used twice.
    pub links: Vec<Link>,
}

/// One link of an inventory: a cable between two ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The link's name (its key under `links`).
    pub name: String,
    /// The `a` end.
    pub a: LinkEnd,
    /// The `b` end.
    pub b: LinkEnd,
}

/// One end of a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEnd {
    /// A router of the inventory.
    pub router: String,
    /// An Ethernet port of it, `etherN`.
    pub port: String,
}

/// What is wrong with an inventory, and where: the key (`links.core-dist1.a.port`)
/// and a sentence saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryError {
    /// The key, dotted from the top of the document; empty for the whole document.
    pub key: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for InventoryError {}

fn error(key: impl Into<String>, message: impl Into<String>) -> InventoryError {
    InventoryError {
        key: key.into(),
        message: message.into(),
    }
}

/// Checks a router or link name: 1 to 64 of `A-Z a-z 0-9 _ -`. A name that
/// passes is safe in a file name and an import id (no `/`, `.`, quote or
/// control character).
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the name {} is not 1 to {MAX_NAME} of the characters A-Z a-z 0-9 _ -: rename it",
            shown(name)
        ))
    }
}

impl Inventory {
    /// Reads the inventory file `path` (at most [`MAX_INVENTORY_BYTES`]); its
    /// links may use ports `ether1` to `ether{ports}`. Errors name the file,
    /// the key and what to do.
    pub fn read(path: &Path, ports: usize) -> anyhow::Result<Inventory> {
        let text = local_file::read_text(path, MAX_INVENTORY_BYTES, "the inventory")?;
        Inventory::parse(&text, ports)
            .map_err(|e| anyhow::anyhow!("the inventory {}: {e}", path.display()))
    }

    /// Parses inventory text; see [`Inventory::read`].
    pub fn parse(text: &str, ports: usize) -> Result<Inventory, InventoryError> {
        if text.len() > MAX_INVENTORY_BYTES {
            return Err(error(
                "",
                format!(
                    "{} bytes, more than the {MAX_INVENTORY_BYTES} an inventory may have",
                    text.len()
                ),
            ));
        }
        let doc = yaml::parse(text, yaml::MAX_NODES).map_err(|e| {
            error(
                "",
                format!("not YAML the emulator reads: {e}; check the file's syntax"),
            )
        })?;
        if !matches!(doc, Node::Map(_)) {
            return Err(error(
                "",
                format!(
                    "the document is {}, not a mapping: an inventory is a mapping with \
                     `routers:` (and `links:`)",
                    doc.kind()
                ),
            ));
        }
        let routers = routers(doc.get("routers"))?;
        let links = links(doc.get("links"), &routers, ports)?;
        Ok(Inventory { routers, links })
    }
}

/// The entries of a mapping under `key`, each name checked. `None` and
/// null are an empty mapping when `required` is false.
fn named_entries<'a>(
    node: Option<&'a Node>,
    key: &str,
    required: bool,
    what: &str,
) -> Result<Vec<(String, &'a Node)>, InventoryError> {
    let entries = match node {
        None | Some(Node::Null) if !required => return Ok(Vec::new()),
        None => {
            return Err(error(
                key,
                format!("missing: add `{key}:` with one entry per {what}"),
            ));
        }
        Some(Node::Map(entries)) => entries,
        Some(other) => {
            return Err(error(
                key,
                format!(
                    "is {}, not a mapping: give one entry per {what}, `NAME: {{...}}`",
                    other.kind()
                ),
            ));
        }
    };
    entries
        .iter()
        .map(|(k, v)| match k {
            Node::Str(name) => {
                check_name(name).map_err(|e| error(format!("{key}.{}", shown(name)), e))?;
                Ok((name.clone(), v))
            }
            Node::Other(_, text) => Err(error(
                format!("{key}.{text}"),
                format!(
                    "the {what} name is {}, not a string: quote it (\"{text}\")",
                    k.kind()
                ),
            )),
            other => Err(error(
                key,
                format!(
                    "a {what} name is {}, not a string: use a name of A-Z a-z 0-9 _ -",
                    other.kind()
                ),
            )),
        })
        .collect()
}

fn routers(node: Option<&Node>) -> Result<Vec<String>, InventoryError> {
    let entries = named_entries(node, "routers", true, "router")?;
    if entries.is_empty() {
        return Err(error(
            "routers",
            "no routers: add at least one, `NAME: { url: ... }`",
        ));
    }
    if entries.len() > MAX_FLEET_ROUTERS {
        return Err(error(
            "routers",
            format!(
                "{} routers, more than the {MAX_FLEET_ROUTERS} one emulator process starts: \
                 split the fleet",
                entries.len()
            ),
        ));
    }
    entries
        .into_iter()
        .map(|(name, value)| match value {
            Node::Map(_) | Node::Null => Ok(name),
            other => Err(error(
                format!("routers.{name}"),
                format!(
                    "is {}, not a mapping: give its connection settings, `{{ url: ... }}`",
                    other.kind()
                ),
            )),
        })
        .collect()
}

fn links(
    node: Option<&Node>,
    routers: &[String],
    ports: usize,
) -> Result<Vec<Link>, InventoryError> {
    let entries = named_entries(node, "links", false, "link")?;
    // (router, port) -> the link using it.
    let mut used: HashMap<(String, String), String> = HashMap::new();
    let mut links = Vec::new();
    for (name, value) in entries {
        let key = format!("links.{name}");
        if !matches!(value, Node::Map(_)) {
            return Err(error(
                key,
                format!(
                    "is {}, not a mapping: give its ends, `{{ a: {{ router: R, port: ether1 }}, b: ... }}`",
                    value.kind()
                ),
            ));
        }
        let a = end(value, &key, "a", routers, ports)?;
        let b = end(value, &key, "b", routers, ports)?;
        for (side, end) in [("a", &a), ("b", &b)] {
            let at = (end.router.clone(), end.port.clone());
            if let Some(other) = used.insert(at, name.clone()) {
                let whose = if other == name {
                    "the other end of this link".to_string()
                } else {
                    format!("an end of link {other}")
                };
                return Err(error(
                    format!("{key}.{side}"),
                    format!(
                        "{} of {} is already {whose}: a port takes one cable, use another port",
                        end.port, end.router
                    ),
                ));
            }
        }
        links.push(Link { name, a, b });
    }
    Ok(links)
}

fn end(
    link: &Node,
    link_key: &str,
    side: &str,
    routers: &[String],
    ports: usize,
) -> Result<LinkEnd, InventoryError> {
    let key = format!("{link_key}.{side}");
    let node = match link.get(side) {
        None | Some(Node::Null) => {
            return Err(error(
                key,
                format!("missing: add `{side}: {{ router: NAME, port: etherN }}`"),
            ));
        }
        Some(node @ Node::Map(_)) => node,
        Some(other) => {
            return Err(error(
                key,
                format!(
                    "is {}, not a mapping: write `{side}: {{ router: NAME, port: etherN }}`",
                    other.kind()
                ),
            ));
        }
    };
    let text = |field: &str| -> Result<String, InventoryError> {
        match node.get(field) {
            Some(Node::Str(s)) => Ok(s.clone()),
            None | Some(Node::Null) => Err(error(
                format!("{key}.{field}"),
                format!("missing: add `{field}:`"),
            )),
            Some(other) => Err(error(
                format!("{key}.{field}"),
                format!("is {}, not a string", other.kind()),
            )),
        }
    };
    let router = text("router")?;
    if !routers.contains(&router) {
        return Err(error(
            format!("{key}.router"),
            format!(
                "{} is not a router of this inventory: use one of {}, or add it under `routers:`",
                shown(&router),
                listed(routers)
            ),
        ));
    }
    let port = text("port")?;
    if !is_port(&port, ports) {
        return Err(error(
            format!("{key}.port"),
            format!(
                "{} is not an Ethernet port of the twin: use ether1 to ether{ports} \
                 (or raise --ports)",
                shown(&port)
            ),
        ));
    }
    Ok(LinkEnd { router, port })
}

/// The first ten names, then how many more.
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" (and {} more)", names.len() - SHOWN));
    }
    text
}

/// `etherN` with N in 1..=ports, written as RouterOS names it (no leading zero).
fn is_port(name: &str, ports: usize) -> bool {
    name.strip_prefix("ether").is_some_and(|n| {
        !n.starts_with('0')
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<usize>().is_ok_and(|n| (1..=ports).contains(&n))
    })
}
