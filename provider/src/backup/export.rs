//! Taking an export of the router's configuration (`/export file=`) and
//! bringing it home: the `routeros_config_export` resource's create and the
//! action of the same name, and the export the `routeros_config_export`
//! data source reads into memory ([`read_export`]).

use super::{
    Command, CommandFailure, Destination, FetchError, Left, Taken, download, fetch_diagnostic,
    open_output, remove_router_file, take, unique_name, wait_for_file, write_router_file,
};
use crate::plugin::action::Progress;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::Private;
use crate::routeros::{Client, Record};

/// The RouterOS command.
pub const EXPORT: &str = "/export";

/// The RouterOS version (major, minor) from which `/export` takes `path`
/// (in the inspect dump of 7.23, not in that of 7.20).
pub const PATH_SINCE: (u32, u32) = (7, 23);

/// What an export does, for its errors (`request_diagnostic`'s `action`).
pub const EXPORTING: &str = "exporting the configuration";

/// What the download of an export is, for its errors.
const DOWNLOADING: &str = "downloading the export";

/// RouterOS's argument of `/export` that an error may name, with the
/// attribute it is.
pub const ATTRIBUTES: &[(&str, &str)] = &[("path", "menu")];

/// Prefix of the router files exports are written to.
const NAME_PREFIX: &str = "terraform-export";

/// The options of an export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// `show-sensitive`.
    pub show_sensitive: bool,
    /// `terse`.
    pub terse: bool,
    /// `verbose` (else compact).
    pub verbose: bool,
    /// `path`.
    pub menu: Option<String>,
}

/// An export to take into a local file: the arguments of
/// `routeros_config_export`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRequest {
    /// The local file.
    pub to: Destination,
    /// Write an export with secrets to a local file in the clear.
    pub allow_plaintext_secrets: bool,
    /// What `/export` is asked for.
    pub options: ExportOptions,
}

/// The arguments of `/export` writing into router file `file`.
pub fn export_args(file: &str, options: &ExportOptions) -> Record {
    let mut args = Record::new();
    args.insert("file".into(), file.to_string());
    if options.show_sensitive {
        args.insert("show-sensitive".into(), String::new());
    }
    if options.terse {
        args.insert("terse".into(), String::new());
    }
    if options.verbose {
        args.insert("verbose".into(), String::new());
    }
    if let Some(menu) = &options.menu {
        args.insert("path".into(), normalise_menu(menu));
    }
    args
}

/// `/interface/macsec`, `interface/macsec` or `interface macsec` as RouterOS
/// takes it after `path=`: `interface/macsec`.
pub fn normalise_menu(menu: &str) -> String {
    menu.split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Plan-time problem with a `menu` value, if any.
pub fn menu_problem(menu: &str) -> Option<String> {
    let parts = normalise_menu(menu);
    if parts.is_empty() {
        return Some("`menu` is empty: give a menu such as /interface/macsec, or leave it out to export everything".into());
    }
    if !parts
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    {
        return Some(format!(
            "`menu` = {menu:?} is not a RouterOS menu path: use letters, digits and dashes separated by slashes, such as /interface/macsec"
        ));
    }
    None
}

/// A diagnostic when `menu` is set for a router that cannot filter.
pub fn menu_version_diagnostic(client: &Client) -> Option<Diagnostic> {
    (!client.version().at_least(PATH_SINCE.0, PATH_SINCE.1)).then(|| {
        Diagnostic::error(
            "Export filter not supported by this RouterOS",
            format!(
                "`menu` uses `/export path=`, which RouterOS has from 7.23 on; the router at {} runs {}. Leave `menu` out to export the whole configuration, or upgrade the router.",
                client.endpoint(),
                client.version()
            ),
        )
        .at_attr("menu")
    })
}

/// A fresh router file name for an export: `(base, base.rsc)`; `/export
/// file=` takes the base and appends `.rsc`.
fn fresh_file() -> (String, String) {
    let base = unique_name(NAME_PREFIX);
    let file_name = format!("{base}.rsc");
    (base, file_name)
}

/// Runs `/export` into a fresh router file and returns the file's name.
/// When the command fails, the file is removed if the router wrote it (see
/// [`write_router_file`]).
async fn run_export(client: &Client, options: &ExportOptions) -> Result<String, CommandFailure> {
    let (base, file_name) = fresh_file();
    log::info!("exporting into router file {file_name}");
    write_router_file(client, EXPORT, &export_args(&base, options), &file_name).await?;
    Ok(file_name)
}

/// Takes an export into memory (the `routeros_config_export` data source):
/// runs `/export` into a fresh router file, downloads it when it is at most
/// `max` bytes, and removes the router's copy (one that cannot be removed
/// is named in a warning). `None` with the error in `diags`.
pub async fn read_export(
    client: &Client,
    options: &ExportOptions,
    max: u64,
    diags: &mut Diagnostics,
) -> Option<Vec<u8>> {
    if options.menu.is_some()
        && let Some(d) = menu_version_diagnostic(client)
    {
        diags.push(d);
        return None;
    }
    let file_name = match run_export(client, options).await {
        Ok(f) => f,
        Err(failure) => {
            failure.diagnostics(EXPORTING, ATTRIBUTES, diags);
            return None;
        }
    };
    let fetched = async {
        let file = wait_for_file(client, &file_name)
            .await?
            .ok_or_else(|| FetchError::Missing {
                name: file_name.clone(),
            })?;
        if file.size > max {
            return Err(FetchError::Mismatch {
                name: file_name.clone(),
                offset: 0,
                got: 0,
                size: file.size,
                hint: format!(
                    " (the data source holds exports of at most {max} bytes; use the routeros_config_export resource, which streams to a file)"
                ),
            });
        }
        let mut buf = Vec::with_capacity(usize::try_from(file.size).unwrap_or(0));
        download(client, &file, &mut buf).await?;
        Ok::<_, FetchError>(buf)
    }
    .await;
    if let Err(e) = remove_router_file(client, &file_name).await {
        diags.push(Diagnostic::warning(
            "Export left on the router",
            format!("The export {file_name:?} could not be removed from the router's file area ({e}). Remove it by hand (/file remove {file_name})."),
        ));
    }
    match fetched {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            diags.push(fetch_diagnostic(DOWNLOADING, &e));
            None
        }
    }
}

/// Takes the export `request` describes into its local file: the work of
/// the resource's create and of the action. `private` is where a resource
/// records the router file before the command runs (an action has none: its
/// errors name the file instead). The router's copy may hold secrets: it
/// never stays. `Err` carries the router file that may be left, with why it
/// could not be removed; the diagnostics are already pushed.
pub async fn take_export(
    client: &Client,
    request: &ExportRequest,
    mut private: Option<&mut Private>,
    progress: &Progress,
    diags: &mut Diagnostics,
) -> Result<Taken, Left> {
    let options = &request.options;
    if options.show_sensitive
        && request.to.age_recipients.is_none()
        && !request.allow_plaintext_secrets
    {
        diags.push(Diagnostic::error(
                "Secrets would be written in the clear",
                "`show_sensitive = true` needs `age_recipients` or `allow_plaintext_secrets = true`.",
            ).at_attr("show_sensitive"));
        return Err(None);
    }
    if options.menu.is_some()
        && let Some(d) = menu_version_diagnostic(client)
    {
        diags.push(d);
        return Err(None);
    }
    let Some(output) =
        open_output(client, "export", &request.to, private.as_deref_mut(), diags).await
    else {
        return Err(None);
    };
    let (base, file_name) = fresh_file();
    let command = Command {
        noun: "export",
        path: EXPORT,
        args: export_args(&base, options),
        progress: EXPORTING.to_string(),
        action: EXPORTING.to_string(),
        attributes: ATTRIBUTES,
        download: DOWNLOADING.to_string(),
        keep: false,
        file_name,
    };
    take(client, output, command, private, progress, diags).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_arguments_and_menus() {
        let args = export_args(
            "f",
            &ExportOptions {
                show_sensitive: true,
                terse: true,
                verbose: false,
                menu: Some("/interface/macsec/".into()),
            },
        );
        assert_eq!(args["file"], "f");
        assert_eq!(args["show-sensitive"], "");
        assert_eq!(args["terse"], "");
        assert!(!args.contains_key("verbose"));
        assert_eq!(args["path"], "interface/macsec");
        assert_eq!(normalise_menu("interface macsec"), "interface/macsec");
        assert!(menu_problem("/interface/macsec").is_none());
        assert!(menu_problem("/").is_some());
        assert!(menu_problem("/interface;/x").is_some());
    }
}
