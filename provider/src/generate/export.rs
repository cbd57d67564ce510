//! The text of RouterOS `/export`, read as rows per menu for `generate --from-export`.
//!
//! `script.rs` reads the text (RouterOS's quoting, escapes and
//! continuations; errors with line numbers for a cut-off export; the other
//! menus' lines only counted); this file turns the commands of the modelled
//! menus into the rows a router would list: `add` makes a row, `set` changes
//! the row it names (`[ find name=macsec1 ]`, `[ find default=yes ]` for the
//! built-in profile, `[ find default-name=ether1 ]` or `ether1` for a port).

use std::collections::BTreeMap;
use std::path::Path;

use async_trait::async_trait;

use crate::resources::menus;
use crate::routeros::{Error, Record, Transport};

pub(crate) mod script;

use script::{Command, ExportError, Target};

/// What an export holds: rows per menu, and how many lines were left out.
#[derive(Debug, Default, PartialEq)]
pub struct Export {
    /// Rows per menu (slash form), with made-up `.id`s.
    pub menus: BTreeMap<String, Vec<Record>>,
    /// Lines the generator does not model, counted per menu; their text is
    /// never kept (it may hold secrets).
    pub unmodelled: BTreeMap<String, usize>,
}

impl Export {
    /// The lines left out, one sentence per menu (`/ip/address: 3 lines not
    /// modelled`).
    pub fn unmodelled_summary(&self) -> Vec<String> {
        script::summary(&self.unmodelled)
    }
}

/// The menus the generator reads from an export.
const MODELLED: [&str; 3] = [menus::MACSEC, menus::MACSEC_PROFILE, menus::ETHERNET];

/// At most this much of a name goes into an error.
const NAME_IN_ERROR: usize = 40;

fn short(name: &str) -> String {
    match name.char_indices().nth(NAME_IN_ERROR) {
        Some((at, _)) => format!("{:?}...", &name[..at]),
        None => format!("{name:?}"),
    }
}

/// Reads the export at `path` (at most [`script::MAX_EXPORT_BYTES`]).
pub(crate) fn read_export(path: &Path) -> Result<Export, String> {
    let too_big = |n: u64| {
        format!(
            "{}: the export is {n} bytes, more than the {} read; export only the menus needed (`/export path=interface/macsec`)",
            path.display(),
            script::MAX_EXPORT_BYTES
        )
    };
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > script::MAX_EXPORT_BYTES as u64 {
        return Err(too_big(meta.len()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (RouterOS writes exports as ASCII with `\\XX` escapes: is this an export?)",
            path.display()
        )
    })?;
    parse_export(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The rows being built, with a made-up `.id` per row.
#[derive(Default)]
struct Rows {
    next_id: u32,
    macsec: Vec<Record>,
    profiles: Vec<Record>,
    /// Ports by `default-name`.
    ports: BTreeMap<String, Record>,
}

impl Rows {
    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("*{:X}", self.next_id)
    }

    fn apply(&mut self, cmd: Command) -> Result<(), ExportError> {
        let line = cmd.line;
        let mut args: Record = cmd.args.into_iter().collect();
        let target = cmd.target;
        match (cmd.menu.as_str(), cmd.verb.as_str()) {
            (menus::MACSEC, "add") => {
                args.insert(".id".into(), self.id());
                self.macsec.push(args);
            }
            (menus::MACSEC_PROFILE, "add") => {
                args.insert(".id".into(), self.id());
                self.profiles.push(args);
            }
            (menus::MACSEC, "set") => {
                let name = by_name(line, "MACsec interface", target)?;
                let row = self
                    .macsec
                    .iter_mut()
                    .find(|r| r.get("name") == Some(&name))
                    .ok_or_else(|| not_added(line, "MACsec interface", &name))?;
                row.extend(args);
            }
            (menus::MACSEC_PROFILE, "set") => {
                let builtin = match &target {
                    Some(Target::Find(k, v)) => {
                        (k == "default" && v == "yes") || (k == "default-name" && v == "default")
                    }
                    _ => false,
                };
                let row = if builtin {
                    self.builtin_profile()
                } else {
                    let name = by_name(line, "MACsec profile", target)?;
                    match self
                        .profiles
                        .iter()
                        .position(|r| r.get("name") == Some(&name))
                    {
                        Some(at) => &mut self.profiles[at],
                        None if name == "default" => self.builtin_profile(),
                        None => return Err(not_added(line, "MACsec profile", &name)),
                    }
                };
                row.extend(args);
            }
            (menus::ETHERNET, "set") => {
                let port = match target {
                    Some(Target::Find(k, v)) if k == "default-name" => v,
                    Some(Target::Find(k, v)) if k == "name" => self.port_named(&v),
                    Some(Target::Name(v)) => self.port_named(&v),
                    _ => {
                        return Err(ExportError {
                            line,
                            message: "`/interface/ethernet set` without `[ find default-name=PORT ]` or a port name: select the port by name".into(),
                        });
                    }
                };
                args.remove("default-name");
                let row = self.ports.entry(port.clone()).or_default();
                row.extend(args);
                row.insert("default-name".into(), port.clone());
                row.entry("name".into()).or_insert(port);
            }
            (menu, verb) => {
                return Err(ExportError {
                    line,
                    message: format!("`{menu} {verb}` is not read from an export"),
                });
            }
        }
        Ok(())
    }

    /// The built-in profile, made the first time a line changes it.
    fn builtin_profile(&mut self) -> &mut Record {
        let at = match self
            .profiles
            .iter()
            .position(|r| r.get("default").map(String::as_str) == Some("true"))
        {
            Some(at) => at,
            None => {
                let id = self.id();
                self.profiles.push(Record::from([
                    (".id".to_string(), id),
                    ("name".to_string(), "default".to_string()),
                    ("default".to_string(), "true".to_string()),
                    ("default-name".to_string(), "default".to_string()),
                ]));
                self.profiles.len() - 1
            }
        };
        &mut self.profiles[at]
    }

    /// The `default-name` of the port now called `name` (a port no line
    /// renamed is called by its `default-name`).
    fn port_named(&self, name: &str) -> String {
        self.ports
            .iter()
            .find(|(_, r)| r.get("name").map(String::as_str) == Some(name))
            .map_or_else(|| name.to_string(), |(default, _)| default.clone())
    }

    fn into_menus(mut self) -> BTreeMap<String, Vec<Record>> {
        // Every port a MACsec interface rides on is a row (with the values
        // the export shows changed; the rest unmanaged).
        let carriers: Vec<String> = self
            .macsec
            .iter()
            .filter_map(|r| r.get("interface").cloned())
            .collect();
        for port in carriers {
            if !self.ports.values().any(|r| r.get("name") == Some(&port)) {
                self.ports.insert(
                    port.clone(),
                    Record::from([
                        ("name".to_string(), port.clone()),
                        ("default-name".to_string(), port),
                    ]),
                );
            }
        }
        let ports: Vec<Record> = std::mem::take(&mut self.ports).into_values().collect();
        let ports: Vec<Record> = ports
            .into_iter()
            .map(|mut r| {
                r.insert(".id".into(), self.id());
                r.insert("type".into(), "ether".into());
                r
            })
            .collect();
        let mut out = BTreeMap::new();
        for (menu, rows) in [
            (menus::MACSEC, self.macsec),
            (menus::MACSEC_PROFILE, self.profiles),
            (menus::ETHERNET, ports),
        ] {
            if !rows.is_empty() {
                out.insert(menu.to_string(), rows);
            }
        }
        out
    }
}

/// The name a `set` selects its item by (`[ find name=X ]` or `X`).
fn by_name(line: usize, noun: &str, target: Option<Target>) -> Result<String, ExportError> {
    match target {
        Some(Target::Name(name)) => Ok(name),
        Some(Target::Find(k, name)) if k == "name" => Ok(name),
        _ => Err(ExportError {
            line,
            message: format!(
                "a `set` of a {noun} that does not select it by name (`[ find name=NAME ]` or NAME); edit the line to name the item"
            ),
        }),
    }
}

fn not_added(line: usize, noun: &str, name: &str) -> ExportError {
    ExportError {
        line,
        message: format!(
            "`set` changes the {noun} {}, which no earlier line of the export adds: the export looks cut off or edited; export it again",
            short(name)
        ),
    }
}

/// Reads `/export` text: `/menu` headers followed by `add`/`set` lines, or
/// whole commands (`/interface macsec add name=...`, as `terse` writes
/// them). An export that looks cut off or edited is an error naming its
/// line; lines of other menus are counted, never kept.
pub fn parse_export(text: &str) -> Result<Export, String> {
    read(text).map_err(|e| e.to_string())
}

fn read(text: &str) -> Result<Export, ExportError> {
    let script = script::parse(text, &MODELLED)?;
    let mut rows = Rows::default();
    for cmd in script.commands {
        rows.apply(cmd)?;
    }
    Ok(Export {
        menus: rows.into_menus(),
        unmodelled: script.unmodelled,
    })
}

/// A read-only router made of an export's rows.
pub(super) struct ExportTransport(pub(super) BTreeMap<String, Vec<Record>>);

#[async_trait]
impl Transport for ExportTransport {
    async fn list(&self, menu: &str) -> Result<Vec<Record>, Error> {
        Ok(self.0.get(menu).cloned().unwrap_or_default())
    }
    async fn get(&self, _menu: &str) -> Result<Record, Error> {
        Ok([("version".to_string(), "7.23 (export)".to_string())].into())
    }
    async fn add(&self, menu: &str, _attrs: &Record) -> Result<Record, Error> {
        Err(read_only(menu))
    }
    async fn set(&self, menu: &str, _id: &str, _attrs: &Record) -> Result<Record, Error> {
        Err(read_only(menu))
    }
    async fn remove(&self, menu: &str, _id: &str) -> Result<(), Error> {
        Err(read_only(menu))
    }
    async fn command(&self, _path: &str, _args: &Record) -> Result<Vec<Record>, Error> {
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "export"
    }
}

fn read_only(menu: &str) -> Error {
    Error::Rejected {
        status: 0,
        message: "read-only".into(),
        detail: format!("an export cannot be written ({menu})"),
    }
}

#[cfg(test)]
mod tests;
