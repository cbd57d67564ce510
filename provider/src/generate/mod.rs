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

use crate::plugin::diag::Diagnostics;
use crate::plugin::resource::{Ctx, ListRequest, Provider};
use crate::plugin::value::Value;
use crate::provider::{Configured, RouterosProvider};
use crate::resources::{self, menus};
use crate::routeros::Client;

mod export;
mod hcl;

use export::ExportTransport;
pub use export::{Export, parse_export};
pub use hcl::{hcl_string, label};
use hcl::{hcl_value, shell_quote};

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
            let export = export::read_export(path)?;
            for line in export.unmodelled_summary() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
