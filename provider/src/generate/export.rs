//! The text of RouterOS `/export`, read as rows per menu for `generate --from-export`.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::resources::menus;
use crate::routeros::{Error, Record, Transport};

/// What an export holds: rows per menu, and the lines left out.
#[derive(Debug, Default, PartialEq)]
pub struct Export {
    /// Rows per menu (slash form), with made-up `.id`s.
    pub menus: BTreeMap<String, Vec<Record>>,
    /// Lines (or menus) the generator does not model.
    pub unmodelled: Vec<String>,
}

/// The menus the generator reads from an export.
const MODELLED: [&str; 3] = [menus::MACSEC, menus::MACSEC_PROFILE, menus::ETHERNET];

/// Splits an export line into words, keeping quoted values whole.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Parses `/export` text: `/menu` headers followed by `add`/`set` lines,
/// or whole commands (`/interface macsec add name=...`); continuation
/// lines (`\` at the end) are joined; comments are skipped.
pub fn parse_export(text: &str) -> Export {
    let mut export = Export::default();
    let mut joined = Vec::new();
    let mut cur = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(head) = line.strip_suffix('\\') {
            cur.push_str(head);
            continue;
        }
        cur.push_str(line);
        joined.push(std::mem::take(&mut cur));
    }
    let mut menu = String::new();
    let mut next_id = 1;
    let mut ports: BTreeMap<String, Record> = BTreeMap::new();
    for line in joined {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut ws = words(&line);
        if line.starts_with('/') {
            // A header, or a whole command after the menu words.
            let verbs = ["add", "set", "remove"];
            let split = ws.iter().position(|w| verbs.contains(&w.as_str()));
            let menu_words: Vec<String> = ws.drain(..split.unwrap_or(ws.len())).collect();
            menu = menu_words.join(" ").replace(' ', "/");
            if ws.is_empty() {
                continue;
            }
        }
        let modelled = MODELLED.contains(&menu.as_str());
        let verb = ws.first().cloned().unwrap_or_default();
        let mut row = Record::new();
        let mut finder = None;
        for w in ws.iter().skip(1) {
            if let Some((k, v)) = w.split_once('=') {
                row.insert(k.to_string(), v.to_string());
            } else if w == "[" || w == "]" || w == "find" {
                continue;
            } else if w.starts_with("default-name=") || w.starts_with("name=") {
                finder = Some(w.clone());
            }
        }
        if !modelled {
            export.unmodelled.push(format!("{menu} {line}"));
            continue;
        }
        match (menu.as_str(), verb.as_str()) {
            (m, "set") if m == menus::ETHERNET => {
                let port = row
                    .remove("default-name")
                    .or_else(|| finder.and_then(|f| f.split_once('=').map(|(_, v)| v.to_string())))
                    .unwrap_or_default();
                let entry = ports.entry(port.clone()).or_default();
                entry.extend(row);
                entry.insert("name".into(), port);
            }
            (m, "set") if m == menus::MACSEC_PROFILE && row.contains_key("default-name") => {
                // The built-in profile changed.
                let name = row.remove("default-name").unwrap_or_default();
                row.insert("name".into(), name);
                row.insert("default".into(), "true".into());
                row.insert(".id".into(), format!("*{next_id:X}"));
                next_id += 1;
                export.menus.entry(menu.clone()).or_default().push(row);
            }
            (_, "add") => {
                row.insert(".id".into(), format!("*{next_id:X}"));
                next_id += 1;
                export.menus.entry(menu.clone()).or_default().push(row);
            }
            _ => export.unmodelled.push(format!("{menu} {line}")),
        }
    }
    // Every port a MACsec interface rides on is a row (with the values the
    // export shows changed; the rest unmanaged).
    let carriers: Vec<String> = export
        .menus
        .get(menus::MACSEC)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("interface").cloned())
        .collect();
    for port in carriers {
        ports
            .entry(port.clone())
            .or_default()
            .insert("name".into(), port);
    }
    let rows: Vec<Record> = ports
        .into_values()
        .map(|mut r| {
            r.insert(".id".into(), format!("*{next_id:X}"));
            next_id += 1;
            r.insert("type".into(), "ether".into());
            r
        })
        .collect();
    if !rows.is_empty() {
        export.menus.insert(menus::ETHERNET.into(), rows);
    }
    export
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
mod tests {
    use super::*;

    #[test]
    fn export_text_in_both_forms_becomes_rows_and_the_rest_is_listed() {
        let text = "# 2026-01-01 by RouterOS 7.20\n/interface macsec profile\nadd name=uplink server-priority=5\n/interface macsec\nadd cak=71a7c363794da400dbde595d3926b0e9 ckn=f2c4 interface=ether1 \\\n    name=macsec1 profile=uplink\n/interface macsec add name=macsec2 interface=ether2 comment=\"by hand\"\n/interface ethernet\nset [ find default-name=ether1 ] l2mtu=1600\n/ip address\nadd address=10.0.0.1/24 interface=ether1\n";
        let e = parse_export(text);
        let macsec = &e.menus[menus::MACSEC];
        assert_eq!(macsec.len(), 2);
        assert_eq!(macsec[0]["name"], "macsec1");
        assert_eq!(macsec[0]["profile"], "uplink");
        assert_eq!(macsec[1]["comment"], "by hand");
        assert_eq!(e.menus[menus::MACSEC_PROFILE][0]["server-priority"], "5");
        let ports = &e.menus[menus::ETHERNET];
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0]["name"], "ether1");
        assert_eq!(ports[0]["l2mtu"], "1600");
        assert_eq!(e.unmodelled.len(), 1, "{:?}", e.unmodelled);
        assert!(e.unmodelled[0].starts_with("/ip/address"));
    }
}
