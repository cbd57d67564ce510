//! `terraform-provider-routeros generate`: writes the Terraform
//! configuration of a router configured by hand, for every Terraform and
//! OpenTofu version (where `terraform query` is not available).
//!
//! It reads a live router, configured like the provider (flags or the
//! `ROUTEROS_*` environment), or the text of `/export` (`--from-export`),
//! and writes one resource block per object the provider models, with
//! `import` blocks (Terraform / OpenTofu 1.5+) or, with `--import-commands`,
//! a shell script of `terraform import` lines (older versions). The objects
//! are found by the same list resources `terraform query` uses, so the two
//! paths write the same configuration. A CAK the router shows is written
//! age-encrypted to `<interface>.cak.age` with `--age-recipient`; without
//! it the key blocks say what to fill in. Menus and lines it does not model
//! are listed on stderr.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;

use crate::plugin::diag::Diagnostics;
use crate::plugin::resource::{Ctx, ListRequest, Provider};
use crate::plugin::value::Value;
use crate::provider::{Configured, RouterosProvider};
use crate::resources::{self, menus};
use crate::routeros::{Client, Error, Record, Transport};

/// What `generate` was asked to do.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    /// Provider settings given as flags (`url`, `username`, ...); the rest
    /// come from the environment, as for the provider.
    pub provider: BTreeMap<String, String>,
    /// Read this `/export` text instead of a live router.
    pub from_export: Option<PathBuf>,
    /// Where to write the configuration.
    pub out: PathBuf,
    /// Write `import.sh` beside it instead of import blocks.
    pub import_commands: bool,
    /// age recipients for the CAK files.
    pub age_recipients: Vec<String>,
}

const USAGE: &str = "usage: terraform-provider-routeros generate [--url URL] [--username NAME] [--password PASSWORD] [--ca-certificate PEM|FILE] [--insecure] [--from-export FILE] [--out FILE] [--import-commands] [--age-recipient RECIPIENT]...

Writes the Terraform configuration of a router configured by hand: a
resource block per MACsec interface, profile, key and carrier port, with
import blocks (Terraform / OpenTofu 1.5+), or with --import-commands a
script of `terraform import` lines (import.sh, beside --out). Settings not
given as flags come from ROUTEROS_URL, ROUTEROS_USERNAME, ROUTEROS_PASSWORD,
... as for the provider. --from-export reads the text of `/export` (or
`/export show-sensitive`) instead of a router. With --age-recipient, every
CAK the router shows is written age-encrypted to <interface>.cak.age beside
--out (default imported.tf).
";

/// Parses the arguments after `generate`.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        out: PathBuf::from("imported.tf"),
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--url" | "--username" | "--password" | "--ca-certificate" | "--timeout" => {
                let v = value(flag)?;
                o.provider
                    .insert(flag.trim_start_matches("--").replace('-', "_"), v);
            }
            "--insecure" => {
                o.provider.insert("insecure".into(), "true".into());
            }
            "--from-export" => o.from_export = Some(PathBuf::from(value(flag)?)),
            "--out" => o.out = PathBuf::from(value(flag)?),
            "--import-commands" => o.import_commands = true,
            "--age-recipient" => o.age_recipients.push(value(flag)?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

/// The `generate` subcommand; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return 0;
        }
        Err(e) => {
            eprintln!("generate: {e}\n\n{USAGE}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("generate: {e}");
            return 1;
        }
    };
    match runtime.block_on(run(&opts)) {
        Ok(summary) => {
            eprintln!("{summary}");
            0
        }
        Err(e) => {
            eprintln!("generate: {e}");
            1
        }
    }
}

/// Connects like the provider: flags first, then the environment.
async fn connect(opts: &Options) -> Result<Configured, String> {
    let provider = RouterosProvider::new();
    let schema = provider.schema();
    let config = Value::Object(
        schema
            .block
            .attributes
            .iter()
            .map(|a| {
                let v = match (a.name.as_str(), opts.provider.get(&a.name)) {
                    (_, None) => Value::Null,
                    ("insecure", Some(v)) => Value::Bool(v == "true"),
                    ("timeout", Some(v)) => v.parse().map(Value::int).unwrap_or(Value::Null),
                    (_, Some(v)) => Value::string(v.clone()),
                };
                (a.name.clone(), v)
            })
            .collect(),
    );
    let mut diags = Diagnostics::new();
    provider.validate(&config, &mut diags);
    let client = if diags.has_error() {
        None
    } else {
        provider.configure(&config, "", &mut diags).await
    };
    client.ok_or_else(|| diagnostics_text(&diags))
}

fn diagnostics_text(diags: &Diagnostics) -> String {
    diags
        .0
        .iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the router (or the export), writes the files; returns a summary.
pub async fn run(opts: &Options) -> Result<String, String> {
    let client = match &opts.from_export {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let export = parse_export(&text);
            for line in &export.unmodelled {
                eprintln!("not modelled, left out: {line}");
            }
            Configured::from_environment(
                Client::with_transport(Box::new(ExportTransport(export.menus)))
                    .await
                    .map_err(|e| e.to_string())?,
            )
        }
        None => connect(opts).await?,
    };
    if opts.from_export.is_none() {
        report_unmodelled_menus(&client).await;
    }
    let ctx = Ctx {
        client: Arc::new(client),
        terraform_version: String::new(),
        write_only_allowed: false,
    };
    let dir = opts
        .out
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let recipients = if opts.age_recipients.is_empty() {
        Vec::new()
    } else {
        crate::secrets::parse_recipients(&opts.age_recipients).map_err(|e| e.to_string())?
    };
    let mut hcl =
        String::from("# Written by `terraform-provider-routeros generate`: review, then keep.\n");
    let mut script =
        String::from("#!/bin/sh\n# Written by `terraform-provider-routeros generate`.\nset -e\n");
    let mut count = 0;
    for r in resources::all() {
        if r.list_schema().is_none() {
            continue;
        }
        let mut diags = Diagnostics::new();
        let request = ListRequest {
            config: &Value::Null,
            include_resource: true,
            limit: None,
        };
        let items = r.list(&ctx, &request, &mut diags).await;
        if diags.has_error() {
            return Err(diagnostics_text(&diags));
        }
        let schema = r.schema();
        for item in items {
            let Some(object) = item.object else { continue };
            let key = key_of(&item.identity);
            let label = label(&key);
            let address = format!("{}.{label}", r.type_name());
            let mut gen_diags = Diagnostics::new();
            let config = r.generate_config(&object, &mut gen_diags).unwrap_or(object);
            let mut extra = Vec::new();
            if r.type_name() == "routeros_macsec_key" {
                extra = key_input(&ctx.client, &key, &recipients, &dir).await?;
            }
            hcl.push_str(&format!(
                "\nresource \"{}\" \"{label}\" {{\n",
                r.type_name()
            ));
            for a in &schema.block.attributes {
                if (a.computed && !a.optional && !a.required) || a.write_only {
                    continue;
                }
                match config.get(&a.name) {
                    Some(v) if !v.is_null() => {
                        hcl.push_str(&format!("  {} = {}\n", a.name, hcl_value(v)))
                    }
                    _ => {}
                }
            }
            for line in &extra {
                hcl.push_str(&format!("  {line}\n"));
            }
            hcl.push_str("}\n");
            if opts.import_commands {
                script.push_str(&format!(
                    "terraform import {} {}\n",
                    shell_quote(&address),
                    shell_quote(&key)
                ));
            } else {
                hcl.push_str(&format!(
                    "\nimport {{\n  to = {address}\n  id = {}\n}}\n",
                    hcl_string(&key)
                ));
            }
            count += 1;
        }
    }
    std::fs::write(&opts.out, hcl).map_err(|e| format!("{}: {e}", opts.out.display()))?;
    let mut summary = format!("wrote {count} resource(s) to {}", opts.out.display());
    if opts.import_commands {
        let path = dir.join("import.sh");
        std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))?;
        summary.push_str(&format!(" and their import commands to {}", path.display()));
    }
    Ok(summary)
}

/// The CAK lines of a key block: `cak_age = file(...)` with the file
/// written, or comments saying what to fill in.
async fn key_input(
    client: &Client,
    interface: &str,
    recipients: &[crate::secrets::BoxedRecipient],
    dir: &Path,
) -> Result<Vec<String>, String> {
    let shown = client
        .find(menus::MACSEC, "name", interface)
        .await
        .map_err(|e| e.to_string())?
        .and_then(|r| r.get("cak").cloned())
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_hexdigit()));
    match (shown, recipients.is_empty()) {
        (Some(cak), false) => {
            let armored =
                crate::secrets::encrypt_armored(cak.to_ascii_lowercase().as_bytes(), recipients)
                    .map_err(|e| e.to_string())?;
            let file = format!("{interface}.cak.age");
            let path = dir.join(&file);
            std::fs::write(&path, armored).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(vec![format!(
                "cak_age = file(\"${{path.module}}/{}\")",
                file.replace('"', "\\\"")
            )])
        }
        (Some(_), true) => Ok(vec![
            "# Fill in the key: run generate with --age-recipient to write it".into(),
            format!(
                "# age-encrypted to {interface}.cak.age, then cak_age = file(\"{interface}.cak.age\");"
            ),
            "# or set cak_wo and cak_wo_version (Terraform 1.11+).".into(),
        ]),
        (None, _) => Ok(vec![
            "# The router does not show this CAK (the user lacks the `sensitive` policy,".into(),
            "# or the export was made without show-sensitive): fill in cak_age, cak_wo or cak."
                .into(),
        ]),
    }
}

/// Menus next to the modelled ones that hold rows the generator leaves out.
async fn report_unmodelled_menus(client: &Client) {
    for menu in ["/interface/vlan", "/interface/bridge"] {
        if let Ok(rows) = client.list(menu).await {
            if !rows.is_empty() {
                eprintln!("not modelled, left out: {menu} ({} entries)", rows.len());
            }
        }
    }
}

fn key_of(identity: &Value) -> String {
    match identity {
        Value::Object(m) => m
            .values()
            .find_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A resource label from a RouterOS name: letters, digits, `_` and `-`,
/// not starting with a digit.
pub fn label(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}

/// A string as an HCL literal (`${` and `%{` escaped).
pub fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out.replace("${", "$${").replace("%{", "%%{")
}

fn hcl_value(v: &Value) -> String {
    match v {
        Value::String(s) => hcl_string(s),
        Value::Bool(b) => b.to_string(),
        Value::List(items) | Value::Set(items) => format!(
            "[{}]",
            items.iter().map(hcl_value).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_json().to_string(),
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

// ---------------------------------------------------------------------------
// `/export` text
// ---------------------------------------------------------------------------

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
struct ExportTransport(BTreeMap<String, Vec<Record>>);

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

    #[test]
    fn flags_and_labels() {
        let o = parse(&[
            "--url=api://r".into(),
            "--import-commands".into(),
            "--age-recipient".into(),
            "age1x".into(),
        ])
        .unwrap();
        assert_eq!(o.provider["url"], "api://r");
        assert!(o.import_commands);
        assert_eq!(o.age_recipients, ["age1x"]);
        assert!(parse(&["--bogus".into()]).is_err());
        assert_eq!(label("macsec-1"), "macsec-1");
        assert_eq!(label("1 uplink"), "_1_uplink");
        assert_eq!(hcl_string("a\"${b}"), "\"a\\\"$${b}\"");
    }
}
