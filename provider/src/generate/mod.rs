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
//! age-encrypted to `<label>.cak.age` with `--age-recipient`; without
//! it the key blocks say what to fill in. Menus and lines it does not model
//! are listed on stderr. What it writes is made by [`render`] (router text
//! only as escaped literals, sanitised labels and file names) and written
//! by [`write_files`] (no overwriting, no symbolic links).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::plugin::diag::{Diagnostics, Severity};
use crate::plugin::resource::{Ctx, ListRequest, Provider};
use crate::plugin::value::Value;
use crate::provider::{Configured, RouterosProvider};
use crate::resources::{self, menus};
use crate::routeros::Client;

pub(crate) mod export;
pub mod hcl;
pub mod render;

use export::ExportTransport;
pub use export::{Export, parse_export};
pub use hcl::{hcl_string, label};
pub use render::{File, Item, KeyInput, Lit, Output, out_dir, render};

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
    /// Replace files that exist (never through a symbolic link).
    pub replace_files: bool,
}

const USAGE: &str = "usage: terraform-provider-routeros generate [--url URL] [--username NAME] [--password PASSWORD] [--ca-certificate PEM|FILE] [--insecure] [--from-export FILE] [--out FILE] [--import-commands] [--age-recipient RECIPIENT]... [--replace-files]

Writes the Terraform configuration of a router configured by hand: a
resource block per MACsec interface, profile, key and carrier port, with
import blocks (Terraform / OpenTofu 1.5+), or with --import-commands a
script of `terraform import` lines (import.sh, beside --out). Settings not
given as flags come from ROUTEROS_URL, ROUTEROS_USERNAME, ROUTEROS_PASSWORD,
... as for the provider. --from-export reads the text of `/export` (or
`/export show-sensitive`) instead of a router. With --age-recipient, every
CAK the router shows is written age-encrypted to <label>.cak.age beside
--out (default imported.tf). Existing files are not overwritten unless
--replace-files is given; symbolic links are never written through.
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
            "--replace-files" => o.replace_files = true,
            "--age-recipient" => o.age_recipients.push(value(flag)?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

/// The `generate` subcommand; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    crate::subcommand::main("generate", USAGE, parse(args), |opts| async move {
        run(&opts).await
    })
}

/// The provider attributes `generate` takes as flags.
const FLAGS: [(&str, &str); 6] = [
    ("url", "--url"),
    ("username", "--username"),
    ("password", "--password"),
    ("ca_certificate", "--ca-certificate"),
    ("insecure", "--insecure"),
    ("timeout", "--timeout"),
];

/// Connects like the provider: flags first, then the environment. Returns
/// the client and the provider's warnings (an unprotected connection), as
/// [`for_generate`] words them.
async fn connect(opts: &Options) -> Result<(Configured, Vec<String>), String> {
    connect_with(&opts.provider).await
}

/// [`connect`] with the provider flags by attribute name (`url`, ...); the
/// `restore` command connects the same way.
pub(crate) async fn connect_with(
    flags: &BTreeMap<String, String>,
) -> Result<(Configured, Vec<String>), String> {
    let provider = RouterosProvider::new();
    let schema = provider.schema();
    let mut attributes = BTreeMap::new();
    for a in &schema.block.attributes {
        let v = match (a.name.as_str(), flags.get(&a.name)) {
            (_, None) => Value::Null,
            ("insecure", Some(v)) => Value::Bool(v == "true"),
            ("timeout", Some(v)) => match v.parse() {
                Ok(n) => Value::int(n),
                Err(_) => {
                    return Err(format!(
                        "--timeout {v:?} is not a number: give a number of seconds from 1 to 3600."
                    ));
                }
            },
            (_, Some(v)) => Value::string(v.clone()),
        };
        attributes.insert(a.name.clone(), v);
    }
    let config = Value::Object(attributes);
    let mut diags = Diagnostics::new();
    provider.validate(&config, &mut diags);
    let client = if diags.has_error() {
        None
    } else {
        provider.configure(&config, "", &mut diags).await
    };
    let warnings = diags
        .0
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(for_generate)
        .collect();
    Ok((client.ok_or_else(|| diagnostics_text(&diags))?, warnings))
}

/// A provider diagnostic as `generate` prints it: the provider's text, with
/// the attributes generate takes as flags named as its flags.
fn for_generate(d: &crate::plugin::diag::Diagnostic) -> String {
    let mut text = format!("{}: {}", d.summary, d.detail).replace(
        "(in the provider block or the environment)",
        "(as flags or in the environment)",
    );
    for (attr, flag) in FLAGS {
        text = text
            .replace(&format!("`{attr}` in the provider block"), flag)
            .replace(&format!("`{attr} = true`"), &format!("`{flag}`"))
            .replace(&format!("`{attr}`"), &format!("`{flag}`"));
    }
    text
}

fn diagnostics_text(diags: &Diagnostics) -> String {
    diags
        .0
        .iter()
        .map(for_generate)
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
        None => {
            let (client, warnings) = connect(opts).await?;
            for w in warnings {
                eprintln!("warning: {w}");
            }
            client
        }
    };
    if opts.from_export.is_none() {
        report_unmodelled_menus(&client).await;
    }
    let output = output(client, opts).await?;
    write_files(&output.files, opts.replace_files)?;
    let mut summary = format!(
        "wrote {} resource(s) to {}",
        output.resources,
        opts.out.display()
    );
    if opts.import_commands {
        summary.push_str(&format!(
            " and their import commands to {}",
            out_dir(&opts.out).join("import.sh").display()
        ));
    }
    Ok(summary)
}

/// What `generate` writes for the router behind `client`, without writing
/// it: the objects its list resources find, rendered by [`render`].
pub async fn output(client: Configured, opts: &Options) -> Result<Output, String> {
    let recipients = if opts.age_recipients.is_empty() {
        Vec::new()
    } else {
        crate::secrets::parse_recipients(&opts.age_recipients).map_err(|e| e.to_string())?
    };
    let ctx = Ctx {
        client: Arc::new(client),
        terraform_version: String::new(),
        write_only_allowed: false,
    };
    let items = items(&ctx, &recipients).await?;
    render(&items, &opts.out, &header(opts), opts.import_commands)
}

/// The head of the configuration: a comment, then the `terraform` block
/// with `required_providers` and the `provider` block (from the flags
/// given, never the password), each unless a `.tf` file in `--out`'s
/// directory already has it.
fn header(opts: &Options) -> String {
    let existing = existing_configuration(&opts.out);
    let settings: Vec<(String, Lit)> = FLAGS
        .iter()
        .filter(|(attr, _)| *attr != "password")
        .filter_map(|(attr, _)| {
            let v = opts.provider.get(*attr)?;
            let lit = match *attr {
                "insecure" => Lit::Bool(v == "true"),
                "timeout" => Lit::Num(v.clone()),
                _ => Lit::Str(v.clone()),
            };
            Some((attr.to_string(), lit))
        })
        .collect();
    render::header(
        !existing.contains("required_providers"),
        (!existing.contains("provider \"routeros\"")).then_some(&settings[..]),
    )
}

/// The text of the `.tf` files in `out`'s directory, other than `out`.
fn existing_configuration(out: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(out_dir(out)) else {
        return String::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf") && p.file_name() != out.file_name())
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Every object the list resources find, with the attributes its resource
/// block gets.
async fn items(
    ctx: &Ctx<Configured>,
    recipients: &[crate::secrets::BoxedRecipient],
) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
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
        let listed = r.list(ctx, &request, &mut diags).await;
        if diags.has_error() {
            return Err(diagnostics_text(&diags));
        }
        let schema = r.schema();
        for item in listed {
            let Some(object) = item.object else { continue };
            let key = key_of(&item.identity);
            let row = object.get_str("id").unwrap_or("?").to_string();
            let mut gen_diags = Diagnostics::new();
            let config = r.generate_config(&object, &mut gen_diags).unwrap_or(object);
            let attributes = schema
                .block
                .attributes
                .iter()
                .filter(|a| !a.write_only && (a.optional || a.required || !a.computed))
                .filter_map(|a| Some((a.name.clone(), lit(config.get(&a.name)?)?)))
                .collect();
            let key_input = if r.type_name() == "routeros_macsec_key" {
                Some(key_input(&ctx.client, &row, &key, recipients).await?)
            } else {
                None
            };
            out.push(Item {
                type_name: r.type_name().to_string(),
                row,
                key,
                attributes,
                key_input,
            });
        }
    }
    Ok(out)
}

/// A value as [`render`] writes it; `None` for null (left out).
fn lit(v: &Value) -> Option<Lit> {
    Some(match v {
        Value::Null | Value::Unknown(_) => return None,
        Value::String(s) => Lit::Str(s.clone()),
        Value::Bool(b) => Lit::Bool(*b),
        Value::Number(_) => Lit::Num(v.to_json().to_string()),
        Value::List(items) | Value::Set(items) => Lit::List(items.iter().filter_map(lit).collect()),
        other => Lit::Str(other.to_json().to_string()),
    })
}

/// How the key of the MACsec interface `id` (named `name`) gets its CAK:
/// encrypted to `recipients` when the router shows it.
async fn key_input(
    client: &Client,
    id: &str,
    name: &str,
    recipients: &[crate::secrets::BoxedRecipient],
) -> Result<KeyInput, String> {
    let row = match client.find(menus::MACSEC, ".id", id).await {
        Ok(Some(row)) => Some(row),
        _ => client
            .find(menus::MACSEC, "name", name)
            .await
            .map_err(|e| e.to_string())?,
    };
    let shown = row
        .and_then(|r| r.get("cak").cloned())
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_hexdigit()))
        .map(crate::secrets::Zeroizing::new);
    Ok(match (shown, recipients.is_empty()) {
        (Some(cak), false) => KeyInput::File(
            crate::secrets::encrypt_armored(cak.to_ascii_lowercase().as_bytes(), recipients)
                .map_err(|e| e.to_string())?
                .into_bytes(),
        ),
        (Some(_), true) => KeyInput::NoRecipient,
        (None, _) => KeyInput::Hidden,
    })
}

/// Writes `files`: none may exist yet (with `replace`: each may exist as a
/// regular file and is replaced), none may be a symbolic link, and nothing
/// is written unless every one can be.
pub fn write_files(files: &[File], replace: bool) -> Result<(), String> {
    use std::fs;
    for f in files {
        match fs::symlink_metadata(&f.path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link: generate does not write through links. Remove it or choose another --out directory.",
                    f.path.display()
                ));
            }
            Ok(m) if !m.is_file() => {
                return Err(format!(
                    "{} exists and is not a regular file: remove it or choose another --out directory.",
                    f.path.display()
                ));
            }
            Ok(_) if !replace => {
                return Err(format!(
                    "{} already exists: generate does not overwrite files. Move it away, choose another --out, or pass --replace-files to replace it.",
                    f.path.display()
                ));
            }
            _ => {}
        }
    }
    for f in files {
        let written = if replace {
            replace_file(&f.path, &f.contents)
        } else {
            create_file(&f.path, &f.contents)
        };
        written.map_err(|e| format!("{}: {e}", f.path.display()))?;
    }
    Ok(())
}

/// Creates `path`, failing when anything (a file, a link) is there.
fn create_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(contents)
}

/// Replaces `path` (never a link's target): a new file beside it, renamed
/// over it.
fn replace_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    create_file(&tmp, contents)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
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
mod check;
#[cfg(test)]
mod tests;
