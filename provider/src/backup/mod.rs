//! Backups and exports, taken on the router and brought home: the one
//! place for what the `routeros_system_backup` and `routeros_config_export`
//! resources and actions, the `routeros_config_export` data source and the
//! restore (action and command) share. Taking a backup ([`save`]) or an
//! export ([`export`]) on the router, waiting for its file, downloading it
//! within its caps, writing it (optionally age-encrypted) to a local path
//! without ever leaving a partial file there, and removing the router's
//! file on every path; uploading a file for a restore ([`upload`]).
//!
//! It knows no Terraform type: no schema, no plan, no `Resource` impl. The
//! resources (`crate::resources::system_backup`,
//! `crate::resources::config_export`) turn their models into the arguments
//! of [`save::take_backup`] and [`export::take_export`] and their
//! [`Taken`] into state; the actions run the resources' create.
//!
//! **Download.** RouterOS 7.13 and later read files with `/file/read file=
//! offset= chunk-size=` (at most [`READ_CHUNK`] bytes per call); older
//! routers only show a file's `contents`, and only for files up to
//! [`CONTENTS_LIMIT`] (DESIGN.md, "Facts: backups, exports, files"). A larger file on an
//! older router is a [`FetchError::TooLargeForContents`]. How RouterOS puts
//! bytes that are not text into JSON is undocumented; the provider takes
//! every character up to U+00FF as the byte with that number (what the
//! emulator sends) and any other character as its UTF-8 bytes, and checks
//! the total against the size `/file` reports, so a transfer that changed
//! the bytes is an error, never a silently damaged backup.
//!
//! **Bounds.** The router's word is not trusted: a file it lists as larger
//! than `max_reply_bytes` is not downloaded at all
//! ([`FetchError::TooLargeToDownload`]), no chunk may be longer than asked
//! for, so the download never goes past the size listed, and Terraform's
//! Stop (the first Ctrl-C) ends it between or during chunks
//! ([`FetchError::Stopped`]). Every failure drops the partial local file;
//! the callers remove the router file they made.
//!
//! **Local file.** [`LocalFile`] (in [`local_file`]) writes the download
//! beside the target and renames it into place, never leaving a partial
//! file, and replaces only what it may ([`check_target`]).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::plugin::action::Progress;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::Private;
use crate::resources::request::request_diagnostic;
use crate::routeros::{Client, Error, Record};
use crate::secrets;
use progress::DownloadProgress;
pub use progress::{encrypting_message, written_message};

pub mod export;
mod local_file;
pub mod progress;
pub mod save;
mod upload;

pub use local_file::*;
pub use upload::*;

/// Largest chunk `/file/read` returns (`chunk-size` upper bound).
pub const READ_CHUNK: u64 = 32 * 1024;

/// Largest file whose `contents` RouterOS shows (60 KB).
pub const CONTENTS_LIMIT: u64 = 60 * 1024;

/// The RouterOS version (major, minor) from which `/file/read` exists.
pub const FILE_READ_SINCE: (u32, u32) = (7, 13);

/// The suffix appended to the local path of an age-encrypted file.
pub const AGE_SUFFIX: &str = ".age";

/// The RouterOS menu of the file area.
pub const FILE_MENU: &str = "/file";

/// How long to wait for a file the router is still writing to appear.
const APPEAR_TRIES: u32 = 20;
const APPEAR_PAUSE: Duration = Duration::from_millis(250);

/// True when the router has `/file/read`.
pub fn has_file_read(client: &Client) -> bool {
    client
        .version()
        .at_least(FILE_READ_SINCE.0, FILE_READ_SINCE.1)
}

// ---------------------------------------------------------------------------
// Router files
// ---------------------------------------------------------------------------

/// A file in the router's file area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterFile {
    /// RouterOS's id (`*1`).
    pub id: String,
    /// File name (`terraform-backup-1.backup`).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// The `contents` RouterOS showed with the listing (small files only).
    pub contents: Option<String>,
}

impl RouterFile {
    /// The file from a `/file` row; `None` when the row lacks a name or a
    /// numeric size.
    pub fn from_record(r: &Record) -> Option<RouterFile> {
        let size = r.get("size")?.trim().parse().ok()?;
        Some(RouterFile {
            id: r.get(".id").cloned().unwrap_or_default(),
            name: r.get("name")?.clone(),
            size,
            contents: r.get("contents").cloned(),
        })
    }
}

/// The file `name` of the router's file area, read afresh.
pub async fn find_file(client: &Client, name: &str) -> Result<Option<RouterFile>, Error> {
    client.invalidate(FILE_MENU);
    Ok(client
        .find(FILE_MENU, "name", name)
        .await?
        .as_ref()
        .and_then(RouterFile::from_record))
}

/// [`find_file`], waiting a few seconds for a file the router is still
/// writing (`/export` and `/system/backup/save` may return before the file
/// is listed).
/// Terraform's Stop ends the wait (`Ok(None)`, as if the file never
/// appeared; the caller's download then reports the stop).
pub async fn wait_for_file(client: &Client, name: &str) -> Result<Option<RouterFile>, Error> {
    for attempt in 0..APPEAR_TRIES {
        if let Some(f) = find_file(client, name).await? {
            return Ok(Some(f));
        }
        if attempt + 1 < APPEAR_TRIES {
            tokio::select! {
                () = tokio::time::sleep(APPEAR_PAUSE) => {}
                () = client.stop_signal().tripped() => return Ok(None),
            }
        }
    }
    Ok(None)
}

/// Removes file `name` from the router; `Ok(false)` when it was not there.
pub async fn remove_router_file(client: &Client, name: &str) -> Result<bool, Error> {
    let Some(file) = find_file(client, name).await? else {
        return Ok(false);
    };
    match client.remove(FILE_MENU, &file.id).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Private-state key listing router files (exports, backups) this resource
/// asked the router to write and could not confirm removed; every later
/// read (each plan and apply refreshes) and the destroy try again.
pub const ROUTER_LEFTOVERS: &str = "router_leftovers";

/// The router files recorded in `private` as possibly left on the router.
pub fn recorded_leftovers(private: &Private) -> Vec<String> {
    private
        .get(ROUTER_LEFTOVERS)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn set_leftovers(private: &mut Private, names: Vec<String>) {
    if names.is_empty() {
        private.remove(ROUTER_LEFTOVERS);
    } else {
        private.insert(ROUTER_LEFTOVERS.into(), serde_json::Value::from(names));
    }
}

/// Records router file `name` in `private` as possibly left on the router.
pub fn record_leftover(private: &mut Private, name: &str) {
    let mut names = recorded_leftovers(private);
    if !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
    set_leftovers(private, names);
}

/// Forgets router file `name` recorded in `private` (confirmed removed).
pub fn forget_leftover(private: &mut Private, name: &str) {
    let names = recorded_leftovers(private)
        .into_iter()
        .filter(|n| n != name)
        .collect();
    set_leftovers(private, names);
}

/// Removes the router files recorded in `private` (see
/// [`ROUTER_LEFTOVERS`]); those that still cannot be removed stay recorded
/// and are named in a warning.
pub async fn remove_leftovers(client: &Client, private: &mut Private, diags: &mut Diagnostics) {
    let mut still = Vec::new();
    for name in recorded_leftovers(private) {
        match remove_router_file(client, &name).await {
            Ok(true) => log::info!("removed {name}, left on the router by an earlier failure"),
            Ok(false) => {}
            Err(e) => {
                diags.push(leftover_diagnostic(&name, &e, false));
                still.push(name);
            }
        }
    }
    set_leftovers(private, still);
}

/// After a failed export or backup: removes router file `name` if the
/// router wrote it. `Err` with what went wrong when that cannot be
/// confirmed (the file may then still be there).
pub async fn remove_after_failure(client: &Client, name: &str) -> Result<(), Error> {
    match remove_router_file(client, name).await {
        Ok(true) => {
            log::info!("removed {name} from the router after the failure");
            Ok(())
        }
        Ok(false) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The diagnostic for router file `name` that could not be removed
/// (`error`: as an error, else a warning). It names the file, says that it
/// may hold secrets, and how it will be (or can be) removed.
pub fn leftover_diagnostic(name: &str, err: &Error, error: bool) -> Diagnostic {
    let detail = format!(
        "The router file {name:?} may hold secrets (MACsec CAKs, passwords) and could not be removed ({err}). The provider recorded it and removes it at the next plan or apply that reaches the router; to remove it now: /file remove {name}"
    );
    if error {
        Diagnostic::error("File left on the router", detail)
    } else {
        Diagnostic::warning("File left on the router", detail)
    }
}

/// A router file that a failed backup or export may have left, with why it
/// could not be removed (`None`: nothing left).
pub type Left = Option<(String, Error)>;

/// A router file name nobody else uses: `<prefix>-<utc time>-<random hex>`.
pub fn unique_name(prefix: &str) -> String {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let random: u32 = rand::random();
    format!("{prefix}-{stamp}-{random:08x}")
}

/// The current time as RFC 3339 (UTC), for `created_at`.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// File bytes from the text of `data` or `contents`: characters up to
/// U+00FF are one byte each, others their UTF-8 bytes.
pub fn decode_data(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// Why a download failed. Messages say what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The router refused or could not be reached.
    #[error("{0}")]
    Router(#[from] Error),
    /// The router listed no such file.
    #[error(
        "the router did not list the file {name:?} after writing it. Check the router's log and free space (`/system/resource`), then apply again"
    )]
    Missing {
        /// The file's name.
        name: String,
    },
    /// Before 7.13 only `contents` can be read, for files up to 60 KB.
    #[error(
        "{name:?} is {size} bytes, and RouterOS {version} can hand out files of at most {limit} bytes over its API: `/file/read`, which reads larger files in chunks, exists from RouterOS 7.13 on. Upgrade the router to 7.13 or later, or fetch the file another way (SFTP/FTP; see the backup-and-restore guide)"
    )]
    TooLargeForContents {
        /// The file's name.
        name: String,
        /// Its size.
        size: u64,
        /// The router's version.
        version: String,
        /// The limit.
        limit: u64,
    },
    /// The bytes received do not add up to the file's size.
    #[error(
        "downloading {name:?} gave {got} bytes at offset {offset}, but the router lists the file with {size} bytes{hint}. Nothing was written to the local path; apply again, and if it recurs use the REST transport (https://)"
    )]
    Mismatch {
        /// The file's name.
        name: String,
        /// Where the chunk started.
        offset: u64,
        /// Bytes received in total (or in the failing chunk).
        got: u64,
        /// The listed size.
        size: u64,
        /// Extra explanation.
        hint: String,
    },
    /// The router lists the file as larger than the provider downloads.
    #[error(
        "the router lists {name:?} with {size} bytes, more than {cap} bytes, the cap `max_reply_bytes` (environment: ROUTEROS_MAX_REPLY_BYTES); nothing was downloaded. If the file really is that large, raise the cap; otherwise the router, or something on the path to it, is misbehaving"
    )]
    TooLargeToDownload {
        /// The file's name.
        name: String,
        /// The size the router lists.
        size: u64,
        /// `max_reply_bytes`.
        cap: u64,
    },
    /// Terraform asked the provider to stop (Ctrl-C) during the download.
    #[error(
        "stopped by Terraform (Ctrl-C) while downloading {name:?}, after {offset} of {size} bytes; the partial local file was removed"
    )]
    Stopped {
        /// The file's name.
        name: String,
        /// Bytes downloaded when it stopped.
        offset: u64,
        /// The listed size.
        size: u64,
    },
    /// Writing the local file failed.
    #[error("{0}")]
    Local(#[from] LocalError),
}

fn stopped(file: &RouterFile, offset: u64) -> FetchError {
    FetchError::Stopped {
        name: file.name.clone(),
        offset,
        size: file.size,
    }
}

/// Downloads `file` into `out`; returns the number of bytes. Uses
/// `/file/read` in chunks on RouterOS 7.13+, else the file's `contents`.
pub async fn download(
    client: &Client,
    file: &RouterFile,
    out: &mut impl Write,
) -> Result<u64, FetchError> {
    let cap = client.limits().max_bytes;
    if file.size > cap {
        return Err(FetchError::TooLargeToDownload {
            name: file.name.clone(),
            size: file.size,
            cap,
        });
    }
    let stop = client.stop_signal();
    if !has_file_read(client) {
        if stop.is_tripped() {
            return Err(stopped(file, 0));
        }
        return download_contents(client, file, out).await;
    }
    let mut offset = 0u64;
    while offset < file.size {
        if stop.is_tripped() {
            return Err(stopped(file, offset));
        }
        let want = READ_CHUNK.min(file.size - offset);
        let mut args = Record::new();
        args.insert("file".into(), file.name.clone());
        args.insert("offset".into(), offset.to_string());
        args.insert("chunk-size".into(), want.to_string());
        let rows = tokio::select! {
            rows = client.command("/file/read", &args, true) => rows?,
            () = stop.tripped() => return Err(stopped(file, offset)),
        };
        let text = rows
            .first()
            .and_then(|r| r.get("data").or_else(|| r.get("ret")))
            .map(String::as_str)
            .unwrap_or("");
        let bytes = decode_data(text);
        if bytes.is_empty() || bytes.len() as u64 > want {
            return Err(mismatch(file, offset, bytes.len() as u64, text));
        }
        out.write_all(&bytes).map_err(LocalError::write)?;
        offset += bytes.len() as u64;
    }
    Ok(offset)
}

fn mismatch(file: &RouterFile, offset: u64, got: u64, text: &str) -> FetchError {
    let hint = if text.contains('\u{FFFD}') {
        ": the transport replaced bytes it could not read as text (U+FFFD), which the classic API transport does with binary files".to_string()
    } else {
        String::new()
    };
    FetchError::Mismatch {
        name: file.name.clone(),
        offset,
        got,
        size: file.size,
        hint,
    }
}

async fn download_contents(
    client: &Client,
    file: &RouterFile,
    out: &mut impl Write,
) -> Result<u64, FetchError> {
    if file.size > CONTENTS_LIMIT {
        return Err(FetchError::TooLargeForContents {
            name: file.name.clone(),
            size: file.size,
            version: client.version().to_string(),
            limit: CONTENTS_LIMIT,
        });
    }
    let text = match &file.contents {
        Some(text) => text.clone(),
        None => {
            let mut args = Record::new();
            args.insert("number".into(), file.id.clone());
            args.insert("value-name".into(), "contents".into());
            let rows = client.command("/file/get", &args, true).await?;
            rows.first()
                .and_then(|r| r.get("ret"))
                .cloned()
                .unwrap_or_default()
        }
    };
    let bytes = decode_data(&text);
    if bytes.len() as u64 != file.size {
        return Err(mismatch(file, 0, bytes.len() as u64, &text));
    }
    out.write_all(&bytes).map_err(LocalError::write)?;
    Ok(bytes.len() as u64)
}

/// At apply: what may be replaced at `target`, from `overwrite` and what
/// the plan recorded in `private` (the entry is used up) or a destroy in
/// this process released. An action has no private state (`None`): only
/// `overwrite` and what a destroy released count.
pub fn existing_for(
    overwrite: Option<bool>,
    target: &Path,
    private: Option<&mut Private>,
) -> Existing {
    let recorded = private
        .and_then(|p| p.remove(RECORDED_SHA256))
        .and_then(|v| v.as_str().map(str::to_owned))
        .or_else(|| released(target));
    Existing {
        overwrite: overwrite.unwrap_or(false),
        recorded_sha256: recorded,
    }
}

/// The local side of a backup or export being taken: the file being
/// written, and how many recipients it is encrypted to.
#[derive(Debug)]
pub struct Output {
    /// The local file, until [`Output::fetch`] commits it.
    pub local: LocalFile,
    /// The number of `age_recipients`, when the file is encrypted.
    pub recipient_count: Option<usize>,
}

/// Where a backup or an export is written locally: the arguments both
/// take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    /// The local file (`.age` is appended when age-encrypted).
    pub path: String,
    /// Replace a regular file at `path` that its resource did not write.
    pub overwrite: Option<bool>,
    /// age recipients the local file is encrypted to.
    pub age_recipients: Option<Vec<String>>,
}

/// Starts a backup or export (`kind`, for messages): opens its local file
/// at `to.path` (age-encrypted to `to.age_recipients` when given; replacing
/// only what `to.overwrite` and `private` allow, see [`existing_for`]),
/// then removes the leftovers of earlier failures recorded in `private`. An
/// unusable recipient list or path fails here, before the router is
/// touched: `None`, with the error in `diags`.
pub async fn open_output(
    client: &Client,
    kind: &str,
    to: &Destination,
    mut private: Option<&mut Private>,
    diags: &mut Diagnostics,
) -> Option<Output> {
    let recipients = match to
        .age_recipients
        .as_deref()
        .map(secrets::parse_recipients)
        .transpose()
    {
        Ok(r) => r,
        Err(e) => {
            diags.push(secrets::diagnostic(&e, "age_recipients"));
            return None;
        }
    };
    let target = output_path(&to.path, recipients.is_some());
    let existing = existing_for(to.overwrite, &target, private.as_deref_mut());
    let local = match LocalFile::create(&target, recipients.as_deref(), &existing) {
        Ok(l) => l,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("Cannot write the {kind} file"), format!("{e}."))
                    .at_attr("path"),
            );
            return None;
        }
    };
    if let Some(p) = private {
        remove_leftovers(client, p, diags).await;
    }
    Some(Output {
        local,
        recipient_count: recipients.as_ref().map(Vec::len),
    })
}

impl Output {
    /// Waits for router file `file_name`, downloads it into the local file
    /// (reporting to `progress`) and commits it: the number of bytes and
    /// what was written. Dropped on failure, nothing stays at the path.
    pub async fn fetch(
        mut self,
        client: &Client,
        file_name: &str,
        progress: &Progress,
    ) -> Result<(u64, Written), FetchError> {
        let file = wait_for_file(client, file_name).await?.ok_or_else(|| {
            match client.stop_signal().is_tripped() {
                true => FetchError::Stopped {
                    name: file_name.to_string(),
                    offset: 0,
                    size: 0,
                },
                false => FetchError::Missing {
                    name: file_name.to_string(),
                },
            }
        })?;
        if let Some(n) = self.recipient_count {
            progress.report(progress::encrypting_message(n, self.local.target()));
        }
        let mut sink = DownloadProgress::new(&mut self.local, file_name, file.size, progress);
        let size = download(client, &file, &mut sink).await?;
        let written = self.local.commit()?;
        Ok((size, written))
    }
}

// ---------------------------------------------------------------------------
// Taking a backup or an export
// ---------------------------------------------------------------------------

/// Runs `command` (`/system/backup/save`, `/export`) with `args`, which
/// writes router file `file_name`. When it fails (a lost or late reply
/// included: the router may have written the file anyway), the file is
/// looked for and removed; `Err` carries the command's error and, when that
/// removal could not be confirmed, the file's name and why.
pub async fn write_router_file(
    client: &Client,
    command: &str,
    args: &Record,
    file_name: &str,
) -> Result<(), CommandFailure> {
    if let Err(error) = client.command(command, args, true).await {
        let left = remove_after_failure(client, file_name)
            .await
            .err()
            .map(|e| (file_name.to_owned(), e));
        return Err(CommandFailure {
            error,
            file_name: file_name.to_owned(),
            left,
        });
    }
    Ok(())
}

/// A failed command that was to write a router file (see
/// [`write_router_file`]).
#[derive(Debug)]
pub struct CommandFailure {
    /// Why the command failed.
    pub error: Error,
    /// The router file the command was to write.
    pub file_name: String,
    /// The router file that may be left, and why it could not be removed.
    pub left: Left,
}

impl CommandFailure {
    /// Diagnostics for the failure while `action` (such as "exporting the
    /// configuration"; `attributes` as for `request_diagnostic`): the
    /// command's error, and an error naming a file left on the router.
    pub fn diagnostics(&self, action: &str, attributes: &[(&str, &str)], diags: &mut Diagnostics) {
        diags.push(request_diagnostic(action, &self.error, attributes));
        if let Some((name, e)) = &self.left {
            diags.push(leftover_diagnostic(name, e, true));
        }
    }
}

/// What a backup or an export wrote: the computed values of its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// The router file it was written to before the download.
    pub file_name: String,
    /// The local file written: the path, plus `.age` when age-encrypted.
    pub output_path: String,
    /// Its size in bytes as the router wrote it (before any age encryption).
    pub size: u64,
    /// SHA-256 (hex) of the local file as written.
    pub sha256: String,
    /// The RouterOS version that wrote it.
    pub routeros_version: String,
    /// When it was taken (RFC 3339, UTC).
    pub created_at: String,
}

/// A backup or an export to take (the router's side): the command that
/// writes the router file, and the words of its messages. Its `Debug`
/// leaves out the arguments, which may hold the backup's password.
pub struct Command<'a> {
    /// What is taken, for the log: `backup`, `export`.
    pub noun: &'a str,
    /// The RouterOS command (`/system/backup/save`, `/export`).
    pub path: &'a str,
    /// Its arguments (may hold the backup's password: dropped once sent).
    pub args: Record,
    /// The router file it writes.
    pub file_name: String,
    /// The progress line before it runs (`on ROUTER` is appended).
    pub progress: String,
    /// What it does, for an error (`request_diagnostic`'s `action`).
    pub action: String,
    /// RouterOS's argument names that an error may name, with the
    /// attribute each is (`request_diagnostic`'s `attributes`).
    pub attributes: &'a [(&'a str, &'a str)],
    /// What the download is, for an error (`fetch_diagnostic`'s `action`).
    pub download: String,
    /// Keep the router's copy after a successful download.
    pub keep: bool,
}

redact::debug!(Command<'a> { noun, path, file_name, keep });

/// Takes `command`'s file into `output`: records the router file in
/// `private` (a resource's; an action has none, and its errors name the
/// file) before the command runs, runs it, downloads the file, and removes
/// the router's copy unless `keep` (and the download succeeded). Each step
/// is reported to `progress`. `Err` carries the router file that may be
/// left, with why it could not be removed; the diagnostics are pushed. A
/// router file confirmed gone is forgotten from `private`.
pub async fn take(
    client: &Client,
    output: Output,
    command: Command<'_>,
    mut private: Option<&mut Private>,
    progress: &Progress,
    diags: &mut Diagnostics,
) -> Result<Taken, Left> {
    let Command {
        noun,
        path,
        args,
        file_name,
        progress: doing,
        action,
        attributes,
        download,
        keep,
    } = command;
    if let Some(p) = private.as_deref_mut() {
        record_leftover(p, &file_name);
    }
    progress.report(format!("{doing} on {}", client.endpoint()));
    let written = write_router_file(client, path, &args, &file_name).await;
    drop(args);
    if let Err(failure) = written {
        failure.diagnostics(&action, attributes, diags);
        return Err(forget_unless_left(private, &file_name, failure.left));
    }
    log::info!("{noun} {file_name} written on {}", client.endpoint());
    let fetched = output.fetch(client, &file_name, progress).await;
    let mut left = None;
    if !keep || fetched.is_err() {
        match remove_router_file(client, &file_name).await {
            Ok(_) => log::info!("removed {file_name} from the router"),
            Err(e) => left = Some((file_name.clone(), e)),
        }
    }
    let (size, written) = match fetched {
        Ok(x) => x,
        Err(e) => {
            diags.push(fetch_diagnostic(&download, &e));
            if let Some((name, e)) = &left {
                diags.push(leftover_diagnostic(name, e, true));
            }
            return Err(forget_unless_left(private, &file_name, left));
        }
    };
    if let Some((name, e)) = &left {
        diags.push(leftover_diagnostic(name, e, false));
    }
    // Kept on purpose (`keep`), or removed.
    forget_unless_left(private, &file_name, left);
    log::info!(
        "wrote {noun} {file_name} ({size} bytes) to {}; provider peak memory (VmHWM) {} kB",
        written.path.display(),
        peak_memory_kib().map_or_else(|| "unknown".to_string(), |k| k.to_string())
    );
    progress.report(written_message(&written, size));
    Ok(Taken {
        file_name,
        output_path: written.path.to_string_lossy().into_owned(),
        size,
        sha256: written.sha256,
        routeros_version: client.version().to_string(),
        created_at: now_rfc3339(),
    })
}

/// `left`, after forgetting router file `file_name` from `private` when
/// nothing is left.
fn forget_unless_left(private: Option<&mut Private>, file_name: &str, left: Left) -> Left {
    if left.is_none()
        && let Some(p) = private
    {
        forget_leftover(p, file_name);
    }
    left
}

/// A diagnostic for a failed download while `action` (such as
/// "downloading the export"); a local file that cannot be written is
/// an error at `path`.
pub fn fetch_diagnostic(action: &str, err: &FetchError) -> Diagnostic {
    match err {
        FetchError::Router(e) => request_diagnostic(action, e, &[]),
        FetchError::Local(e) => Diagnostic::error(
            format!("Cannot write the local file: {action}"),
            format!("{e}."),
        )
        .at_attr("path"),
        other => Diagnostic::error(format!("Failed: {action}"), format!("{other}.")),
    }
}

/// The process's peak resident memory (`VmHWM` of `/proc/self/status`) in
/// KiB, on Linux; `None` elsewhere.
pub fn peak_memory_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
#[cfg(test)]
mod tests;
