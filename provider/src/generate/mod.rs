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

use crate::context::Configured;
use crate::routeros::Client;

mod connect;
pub(crate) mod export;
mod files;
pub mod hcl;
mod items;
pub mod render;

pub(crate) use connect::FLAGS;
use connect::connect;
pub(crate) use connect::connect_with;
use export::ExportTransport;
pub use export::{Export, parse_export};
pub use files::write_files;
pub use hcl::{hcl_string, label};
use items::items;
pub use render::{File, Item, KeyInput, Layout, Lit, Output, out_dir, render, script_name};

/// What `generate` was asked to do (from its flags: [`crate::cli`]).
#[derive(Default, PartialEq)]
pub struct Options {
    /// Provider settings given as flags, keyed by attribute (`url`,
    /// `username`, ...); the rest come from the environment, as for the
    /// provider.
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
    /// `--router NAME`: the key of the provider's `routers` the
    /// configuration is for (checked by the command line).
    pub router: Option<String>,
}

// `provider` may hold the password.
redact::debug!(Options {
    from_export,
    out,
    import_commands,
    age_recipients,
    replace_files,
    router
});

/// The `generate` subcommand: runs it and prints what it did (stderr);
/// returns the exit code.
pub fn main(opts: &Options) -> i32 {
    crate::subcommand::main(
        "generate",
        "",
        Ok(opts),
        |opts| async move { run(opts).await },
    )
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
            out_dir(&opts.out)
                .join(script_name(opts.router.as_deref()))
                .display()
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
    let items = items(&Arc::new(client), &recipients).await?;
    let existing = existing_configuration(&opts.out);
    let taken = existing_labels(&existing);
    render(
        &items,
        Layout {
            out: &opts.out,
            header: &header(opts, &existing),
            import_commands: opts.import_commands,
            router: opts.router.as_deref(),
            taken: &taken,
        },
    )
}

/// The head of the configuration: a comment, then the `terraform` block
/// with `required_providers` and the `provider` block (from the flags
/// given, never the password; with `--router`, as that router's entry of
/// `routers`), each unless `existing` (the other `.tf` files of `--out`'s
/// directory) already has it. With `--router` and a provider block there,
/// says on stderr which entry its `routers` needs.
fn header(opts: &Options, existing: &str) -> String {
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
    // An entry of `routers` needs the router's URL: the flag's, else the
    // environment's that generate connected with.
    let mut settings = settings;
    if opts.router.is_some()
        && opts.from_export.is_none()
        && !settings.iter().any(|(attr, _)| attr == "url")
    {
        if let Some((_, url)) = crate::provider::env_first(&crate::provider::URL_ENV) {
            settings.insert(0, ("url".to_string(), Lit::Str(url)));
        }
    }
    let has_provider = existing.contains("provider \"routeros\"");
    if let (true, Some(router)) = (has_provider, &opts.router) {
        eprintln!(
            "note: the provider block in {} is left as it is; its routers need this entry:\n{}",
            out_dir(&opts.out).display(),
            render::router_entry(router, &settings, "    ")
        );
    }
    render::header(
        !existing.contains("required_providers"),
        (!has_provider).then_some(&settings[..]),
        opts.router.as_deref(),
    )
}

/// Type and label of every `resource "TYPE" "LABEL"` line in `text` (the
/// directory's other `.tf` files), so that a new block takes neither: the
/// output of `generate --router` for several routers, or a block written
/// by hand, stays beside what `generate` writes.
fn existing_labels(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("resource")?;
            let mut parts = rest.split('"');
            let (_, type_name, _, label) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            Some((type_name.to_string(), label.to_string()))
        })
        .collect()
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

#[cfg(test)]
mod check;
#[cfg(test)]
mod tests;
