//! What `routeros_system_backup`, `routeros_config_export` and the
//! `routeros_config_export` data source share: finding a file the router
//! wrote, downloading it in chunks, and writing it (optionally
//! age-encrypted) to a local path without ever leaving a partial file there.
//!
//! **Download.** RouterOS 7.13 and later read files with `/file/read file=
//! offset= chunk-size=` (at most [`READ_CHUNK`] bytes per call); older
//! routers only show a file's `contents`, and only for files up to
//! [`CONTENTS_LIMIT`] (reference/routeros.md section 4). A larger file on an
//! older router is a [`FetchError::TooLargeForContents`]. How RouterOS puts
//! bytes that are not text into JSON is undocumented; the provider takes
//! every character up to U+00FF as the byte with that number (what the
//! emulator sends) and any other character as its UTF-8 bytes, and checks
//! the total against the size `/file` reports, so a transfer that changed
//! the bytes is an error, never a silently damaged backup.
//!
//! **Local file.** [`LocalFile`] writes into a temporary file beside the
//! target (same directory, so the final rename is atomic), created with
//! mode 0600 on Unix, hashing what reaches the disk; [`LocalFile::commit`]
//! flushes, syncs and renames it into place. Dropped without a commit, the
//! temporary file is removed. With recipients the bytes pass through an age
//! encryptor (binary age format) first. Memory stays at one chunk whatever
//! the file's size.
//!
//! **What may be replaced.** Only a path where nothing is, or a regular
//! file: symbolic links are refused (never followed), as are directories,
//! device nodes, FIFOs and sockets; a regular file is replaced only when its
//! SHA-256 is the one this resource recorded, or with `overwrite = true`
//! ([`check_target`], at plan time and again just before the rename).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::routeros::{Client, Error, Record};
use crate::secrets::{self, BoxedRecipient};

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
    let rows = client.list(FILE_MENU).await?;
    Ok(rows
        .iter()
        .find(|r| r.get("name").map(String::as_str) == Some(name))
        .and_then(RouterFile::from_record))
}

/// [`find_file`], waiting a few seconds for a file the router is still
/// writing (`/export` and `/system/backup/save` may return before the file
/// is listed).
pub async fn wait_for_file(client: &Client, name: &str) -> Result<Option<RouterFile>, Error> {
    for attempt in 0..APPEAR_TRIES {
        if let Some(f) = find_file(client, name).await? {
            return Ok(Some(f));
        }
        if attempt + 1 < APPEAR_TRIES {
            tokio::time::sleep(APPEAR_PAUSE).await;
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
pub fn recorded_leftovers(private: &crate::plugin::resource::Private) -> Vec<String> {
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

fn set_leftovers(private: &mut crate::plugin::resource::Private, names: Vec<String>) {
    if names.is_empty() {
        private.remove(ROUTER_LEFTOVERS);
    } else {
        private.insert(ROUTER_LEFTOVERS.into(), serde_json::Value::from(names));
    }
}

/// Records router file `name` in `private` as possibly left on the router.
pub fn record_leftover(private: &mut crate::plugin::resource::Private, name: &str) {
    let mut names = recorded_leftovers(private);
    if !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
    set_leftovers(private, names);
}

/// Forgets router file `name` recorded in `private` (confirmed removed).
pub fn forget_leftover(private: &mut crate::plugin::resource::Private, name: &str) {
    let names = recorded_leftovers(private)
        .into_iter()
        .filter(|n| n != name)
        .collect();
    set_leftovers(private, names);
}

/// Removes the router files recorded in `private` (see
/// [`ROUTER_LEFTOVERS`]); those that still cannot be removed stay recorded
/// and are named in a warning.
pub async fn remove_leftovers(
    client: &Client,
    private: &mut crate::plugin::resource::Private,
    diags: &mut Diagnostics,
) {
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
    /// Writing the local file failed.
    #[error("{0}")]
    Local(#[from] LocalError),
}

/// Downloads `file` into `out`; returns the number of bytes. Uses
/// `/file/read` in chunks on RouterOS 7.13+, else the file's `contents`.
pub async fn download(
    client: &Client,
    file: &RouterFile,
    out: &mut impl Write,
) -> Result<u64, FetchError> {
    if !has_file_read(client) {
        return download_contents(client, file, out).await;
    }
    let mut offset = 0u64;
    while offset < file.size {
        let want = READ_CHUNK.min(file.size - offset);
        let mut args = Record::new();
        args.insert("file".into(), file.name.clone());
        args.insert("offset".into(), offset.to_string());
        args.insert("chunk-size".into(), want.to_string());
        let rows = client.command("/file/read", &args, true).await?;
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

// ---------------------------------------------------------------------------
// Local files
// ---------------------------------------------------------------------------

/// Where the local file goes: `path`, with [`AGE_SUFFIX`] appended when the
/// file is age-encrypted and `path` does not already end in it.
pub fn output_path(path: &str, encrypted: bool) -> PathBuf {
    if encrypted && !path.ends_with(AGE_SUFFIX) {
        PathBuf::from(format!("{path}{AGE_SUFFIX}"))
    } else {
        PathBuf::from(path)
    }
}

/// Why the local file could not be written. Never contains file content.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// The target's directory does not exist or is not a directory.
    #[error(
        "the directory {dir:?} of {path:?} does not exist or is not a directory. Create it, or point `path` at an existing directory"
    )]
    NoDirectory {
        /// The target.
        path: PathBuf,
        /// Its directory.
        dir: PathBuf,
    },
    /// The target is a directory.
    #[error("{path:?} is a directory. Give `path` a file name, such as {example:?}")]
    IsDirectory {
        /// The target.
        path: PathBuf,
        /// A suggestion.
        example: String,
    },
    /// The target is a symbolic link (refused, never followed).
    #[error(
        "{path:?} is a symbolic link. The provider does not write through links (the file it points to could be anything); give `path` the link's target, or remove the link"
    )]
    Symlink {
        /// The target.
        path: PathBuf,
    },
    /// The target is a device node, FIFO or socket.
    #[error(
        "{path:?} is a {kind}, not a regular file. The provider writes only to a regular file or to a path that does not exist yet: give `path` a file name in a normal directory"
    )]
    NotRegular {
        /// The target.
        path: PathBuf,
        /// What it is ("character device", "FIFO", ...).
        kind: &'static str,
    },
    /// The target is a file this resource did not write.
    #[error(
        "{path:?} already exists and is not the file this resource wrote (its SHA-256 is not the one recorded in state). It is left alone: move it away, choose another `path`, or set `overwrite = true` to replace it"
    )]
    Exists {
        /// The target.
        path: PathBuf,
    },
    /// The target could not be inspected.
    #[error("cannot inspect {path:?} ({source}). Check the permissions of its directory")]
    Inspect {
        /// The target.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The temporary file could not be created.
    #[error(
        "cannot create a file in {dir:?} ({source}). Check that the directory is writable by the user running Terraform"
    )]
    Create {
        /// The directory.
        dir: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// Writing, syncing or renaming failed.
    #[error(
        "writing the local file failed ({source}). Check free space and permissions of the target directory; nothing was left at the target path"
    )]
    Write {
        /// What the operating system said.
        source: io::Error,
    },
    /// Age encryption could not start.
    #[error("cannot age-encrypt to `age_recipients`: {reason}")]
    Encrypt {
        /// What age said.
        reason: String,
    },
}

impl LocalError {
    fn write(source: io::Error) -> LocalError {
        LocalError::Write { source }
    }
}

/// What an existing file at the target path may be replaced by a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Existing {
    /// `overwrite = true`: any regular file may be replaced.
    pub overwrite: bool,
    /// SHA-256 of the file this resource wrote there (from state): a
    /// regular file with this hash may be replaced.
    pub recorded_sha256: Option<String>,
}

/// Private-state key under which the plan records the SHA-256 of the local
/// file this resource wrote, for the create half of a replace (which
/// Terraform runs without the prior state).
pub const RECORDED_SHA256: &str = "local_file_sha256";

/// Local files whose resource was destroyed by this provider process, with
/// the SHA-256 recorded for them: the create half of a replace (which
/// Terraform plans again at apply, after the destroy, without the prior
/// state or its private data) may replace them.
static RELEASED: std::sync::Mutex<std::collections::BTreeMap<PathBuf, String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Records, when a resource is destroyed, that the file at `path` with
/// `sha256` was written by it (see [`RELEASED`]).
pub fn release_local_file(path: &str, sha256: &str) {
    RELEASED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(PathBuf::from(path), sha256.to_owned());
}

fn released(path: &Path) -> Option<String> {
    RELEASED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(path)
        .cloned()
}

/// Checks, without writing anything, that `path` can be written: its
/// directory exists, and `path` does not exist or is a regular file that
/// `existing` allows to replace. Symbolic links, directories, device nodes,
/// FIFOs and sockets are refused.
pub fn check_target(path: &Path, existing: &Existing) -> Result<(), LocalError> {
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(LocalError::NoDirectory {
            path: path.to_path_buf(),
            dir,
        });
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(LocalError::Inspect {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let ft = meta.file_type();
    if ft.is_symlink() {
        return Err(LocalError::Symlink {
            path: path.to_path_buf(),
        });
    }
    if ft.is_dir() {
        return Err(LocalError::IsDirectory {
            path: path.to_path_buf(),
            example: path.join("router.backup").to_string_lossy().into_owned(),
        });
    }
    if !ft.is_file() {
        return Err(LocalError::NotRegular {
            path: path.to_path_buf(),
            kind: special_kind(&ft),
        });
    }
    if existing.overwrite {
        return Ok(());
    }
    let sha = sha256_of_file(path).map_err(|source| LocalError::Inspect {
        path: path.to_path_buf(),
        source,
    })?;
    match (sha, &existing.recorded_sha256) {
        (None, _) => Ok(()),
        (Some(now), Some(recorded)) if &now == recorded => Ok(()),
        _ => Err(LocalError::Exists {
            path: path.to_path_buf(),
        }),
    }
}

/// What a file that is neither a regular file, a directory nor a link is.
fn special_kind(ft: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_char_device() {
            return "character device";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_fifo() {
            return "FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "socket";
        }
    }
    let _ = ft;
    "special file"
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

type DiskWriter = Hashing<BufWriter<File>>;

enum Sink {
    Plain(DiskWriter),
    Age(age::stream::StreamWriter<DiskWriter>),
}

/// What [`LocalFile::commit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The final path.
    pub path: PathBuf,
    /// SHA-256 of the file as it is on disk (lower-case hex).
    pub sha256: String,
    /// Its size on disk.
    pub size: u64,
}

/// A local file being written: a temporary file beside the target until
/// [`LocalFile::commit`] renames it into place.
pub struct LocalFile {
    target: PathBuf,
    temp: PathBuf,
    existing: Existing,
    sink: Option<Sink>,
}

impl std::fmt::Debug for LocalFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalFile")
            .field("target", &self.target)
            .field("temp", &self.temp)
            .finish_non_exhaustive()
    }
}

impl LocalFile {
    /// Starts writing `target`; with `recipients`, what is written is
    /// age-encrypted to them. What is at `target` already must be
    /// replaceable under `existing` (checked now and again just before the
    /// rename).
    pub fn create(
        target: &Path,
        recipients: Option<&[BoxedRecipient]>,
        existing: &Existing,
    ) -> Result<LocalFile, LocalError> {
        check_target(target, existing)?;
        let dir = parent_dir(target);
        let base = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".into());
        let mut last_err = None;
        for _ in 0..8 {
            let random: u64 = rand::random();
            let temp = dir.join(format!(".{base}.{random:016x}.partial"));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(&temp) {
                Ok(file) => {
                    let mut local = LocalFile {
                        target: target.to_path_buf(),
                        temp,
                        existing: existing.clone(),
                        sink: None,
                    };
                    let disk = Hashing {
                        inner: BufWriter::with_capacity(64 * 1024, file),
                        hasher: Sha256::new(),
                        count: 0,
                    };
                    local.sink = Some(match recipients {
                        None => Sink::Plain(disk),
                        Some(list) => {
                            let encryptor = age::Encryptor::with_recipients(
                                list.iter().map(|r| r.as_ref() as &dyn age::Recipient),
                            )
                            .map_err(|e| LocalError::Encrypt {
                                reason: e.to_string(),
                            })?;
                            Sink::Age(encryptor.wrap_output(disk).map_err(LocalError::write)?)
                        }
                    });
                    return Ok(local);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
                Err(source) => return Err(LocalError::Create { dir, source }),
            }
        }
        Err(LocalError::Create {
            dir,
            source: last_err.unwrap_or_else(|| io::Error::other("no free temporary name")),
        })
    }

    /// The path the file will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Finishes the file (age trailer, flush, sync) and renames it into place.
    pub fn commit(mut self) -> Result<Written, LocalError> {
        let sink = self.sink.take().ok_or_else(|| LocalError::Write {
            source: io::Error::other("the file was already committed"),
        })?;
        let disk = match sink {
            Sink::Plain(d) => d,
            Sink::Age(w) => w.finish().map_err(LocalError::write)?,
        };
        let Hashing {
            inner,
            hasher,
            count,
        } = disk;
        let file = inner
            .into_inner()
            .map_err(|e| LocalError::write(e.into_error()))?;
        let placed = file
            .sync_all()
            .map_err(LocalError::write)
            .and_then(|()| {
                drop(file);
                // The target may have changed since create: check again.
                check_target(&self.target, &self.existing)
            })
            .and_then(|()| fs::rename(&self.temp, &self.target).map_err(LocalError::write));
        if let Err(e) = placed {
            let _ = fs::remove_file(&self.temp);
            return Err(e);
        }
        Ok(Written {
            path: self.target.clone(),
            sha256: hex::encode(hasher.finalize()),
            size: count,
        })
    }
}

impl Write for LocalFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Some(Sink::Plain(w)) => w.write(buf),
            Some(Sink::Age(w)) => w.write(buf),
            None => Err(io::Error::other("the file was already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Some(Sink::Plain(w)) => w.flush(),
            Some(Sink::Age(w)) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for LocalFile {
    fn drop(&mut self) {
        if self.sink.take().is_some() {
            if let Err(e) = fs::remove_file(&self.temp) {
                log::warn!(
                    "could not remove the temporary file {}: {e}",
                    self.temp.display()
                );
            }
        }
    }
}

/// Whether the local file written by a backup or export (`kind`) at `path`
/// is still the one recorded (`sha256`). `Some(false)` when it is gone or
/// changed, so the next apply takes a new one; `None` with an error
/// diagnostic when it cannot be read.
pub fn local_file_unchanged(
    kind: &str,
    path: &str,
    sha256: Option<&String>,
    diags: &mut Diagnostics,
) -> Option<bool> {
    match sha256_of_file(Path::new(path)) {
        Ok(None) => {
            log::info!("{kind} file {path} is gone; the next apply takes a new {kind}");
            Some(false)
        }
        Ok(Some(hash)) if Some(&hash) != sha256 => {
            log::info!("{kind} file {path} changed; the next apply takes a new {kind}");
            Some(false)
        }
        Ok(Some(_)) => Some(true),
        Err(e) => {
            diags.push(Diagnostic::error(
                format!("Cannot read the {kind} file"),
                format!(
                    "Reading {path:?} to check its SHA-256 failed: {e}. Check its permissions."
                ),
            ));
            None
        }
    }
}

/// SHA-256 (lower-case hex) of the file at `path`, read in chunks; `None`
/// when there is no such file.
pub fn sha256_of_file(path: &Path) -> io::Result<Option<String>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Some(hex::encode(hasher.finalize())))
}

// ---------------------------------------------------------------------------
// Configuration helpers
// ---------------------------------------------------------------------------

/// The strings of list attribute `name`, when the list and all its items
/// are known; `None` when null or not yet known.
pub fn known_strings(config: &Value, name: &str) -> Option<Vec<String>> {
    match config.get(name)? {
        Value::List(items) | Value::Set(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Plan-time check of `age_recipients`: each entry must be an age or SSH
/// recipient (the diagnostic points at the entry and never repeats it).
pub fn check_recipients(config: &Value, diags: &mut Diagnostics) {
    let Some(list) = known_strings(config, "age_recipients") else {
        return;
    };
    if let Err(e) = secrets::parse_recipients(&list) {
        let mut d = secrets::diagnostic(&e, "age_recipients");
        if let secrets::SecretError::InvalidRecipient { index, .. } = &e {
            d =
                d.at(
                    crate::plugin::diag::AttributePath::root("age_recipients").index(*index as i64)
                );
        }
        diags.push(d);
    }
}

/// Plan-time check of `path`: not empty, its directory exists, and what is
/// there may be replaced (see [`check_target`]). Records in `private` the
/// SHA-256 of the file this resource wrote at that path (from the prior
/// state, or from the first plan of a replace), which [`existing_for`]
/// reads back at apply.
pub fn check_path(
    input: &crate::plugin::resource::PlanInput<'_>,
    private: &mut crate::plugin::resource::Private,
    encrypted: bool,
    diags: &mut Diagnostics,
) {
    let config = input.config;
    let Some(path) = config.get_str("path") else {
        return;
    };
    if path.trim().is_empty() {
        diags.push(
            Diagnostic::error(
                "Empty path",
                "`path` is empty: give the local file to write, such as \"backups/router1.backup\".",
            )
            .at_attr("path"),
        );
        return;
    }
    let target = output_path(path, encrypted);
    let recorded = if input.prior_state.is_null() {
        private
            .get(RECORDED_SHA256)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .or_else(|| released(&target))
    } else {
        let same_path =
            input.prior_state.get_str("output_path") == Some(&*target.to_string_lossy());
        input
            .prior_state
            .get_str("sha256")
            .filter(|_| same_path)
            .map(str::to_owned)
    };
    match &recorded {
        Some(sha) => {
            private.insert(RECORDED_SHA256.into(), serde_json::Value::from(sha.clone()));
        }
        None => {
            private.remove(RECORDED_SHA256);
        }
    }
    let existing = Existing {
        // Unknown until apply: checked then.
        overwrite: config.get_bool("overwrite") == Some(true)
            || config.get("overwrite").is_some_and(Value::is_unknown),
        recorded_sha256: recorded,
    };
    if let Err(e) = check_target(&target, &existing) {
        diags.push(Diagnostic::error("Unusable local path", format!("{e}.")).at_attr("path"));
    }
}

/// At apply: what may be replaced at `target`, from `overwrite` and what
/// the plan recorded in `private` (the entry is used up) or a destroy in
/// this process released. An action has no private state (`None`): only
/// `overwrite` and what a destroy released count.
pub fn existing_for(
    overwrite: Option<bool>,
    target: &Path,
    private: Option<&mut crate::plugin::resource::Private>,
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
mod tests {
    use super::*;

    #[test]
    fn data_text_decodes_byte_for_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let text: String = all.iter().map(|&b| char::from(b)).collect();
        assert_eq!(decode_data(&text), all);
        assert_eq!(decode_data("a€"), b"a\xe2\x82\xac");
        assert_eq!(decode_data(""), b"");
    }

    #[test]
    fn output_path_appends_age_unless_present() {
        assert_eq!(
            output_path("b/x.backup", false),
            PathBuf::from("b/x.backup")
        );
        assert_eq!(
            output_path("b/x.backup", true),
            PathBuf::from("b/x.backup.age")
        );
        assert_eq!(output_path("b/x.age", true), PathBuf::from("b/x.age"));
    }

    #[test]
    fn router_file_rows() {
        let row: Record = [(".id", "*3"), ("name", "a.backup"), ("size", "1234")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let f = RouterFile::from_record(&row).unwrap();
        assert_eq!(f.size, 1234);
        assert_eq!(f.id, "*3");
        assert!(f.contents.is_none());
        let mut bad = row.clone();
        bad.insert("size".into(), "1.2 KiB".into());
        assert!(RouterFile::from_record(&bad).is_none());
    }

    #[test]
    fn committed_file_appears_whole_and_hash_matches() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        let mut local = LocalFile::create(&target, None, &Existing::default()).unwrap();
        local.write_all(b"hello ").unwrap();
        assert!(!target.exists(), "nothing at the target before commit");
        local.write_all(b"world").unwrap();
        let written = local.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"hello world");
        assert_eq!(written.size, 11);
        assert_eq!(
            written.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(sha256_of_file(&target).unwrap().unwrap(), written.sha256);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(sha256_of_file(&dir.path().join("nope")).unwrap().is_none());
    }

    #[test]
    fn dropped_file_leaves_nothing_and_the_old_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("keep.txt");
        fs::write(&target, b"old").unwrap();
        let overwrite = Existing {
            overwrite: true,
            recorded_sha256: None,
        };
        let mut local = LocalFile::create(&target, None, &overwrite).unwrap();
        local.write_all(b"new partial").unwrap();
        drop(local);
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Regression: a device node at `path` was replaced by a regular file
    /// holding the backup (as root), a symlink was replaced rather than
    /// refused, and an unrelated file was overwritten without a word.
    #[cfg(unix)]
    #[test]
    fn special_files_links_and_foreign_files_are_never_replaced() {
        use std::os::unix::net::UnixListener;
        let dir = tempfile::tempdir().unwrap();
        let none = Existing::default();
        let all = Existing {
            overwrite: true,
            recorded_sha256: None,
        };
        // A character device (an existing one: /dev/null), even with overwrite.
        for existing in [&none, &all] {
            let err = check_target(Path::new("/dev/null"), existing).unwrap_err();
            assert!(
                matches!(
                    err,
                    LocalError::NotRegular {
                        kind: "character device",
                        ..
                    }
                ),
                "{err}"
            );
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
        // A FIFO.
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = LocalFile::create(&fifo, None, &all).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        // A socket.
        let sock = dir.path().join("sock");
        let _listener = UnixListener::bind(&sock).unwrap();
        let err = check_target(&sock, &all).unwrap_err();
        assert!(err.to_string().contains("socket"), "{err}");
        // A symlink, to a file or dangling: refused, the link stays.
        let real = dir.path().join("real");
        fs::write(&real, b"precious").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = LocalFile::create(&link, None, &all).unwrap_err();
        assert!(matches!(err, LocalError::Symlink { .. }), "{err}");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            check_target(&dangling, &all).unwrap_err(),
            LocalError::Symlink { .. }
        ));
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"precious");
        // A file this resource did not write: refused unless overwrite.
        let err = LocalFile::create(&real, None, &none).unwrap_err();
        assert!(matches!(err, LocalError::Exists { .. }), "{err}");
        assert!(err.to_string().contains("overwrite = true"), "{err}");
        let other = Existing {
            overwrite: false,
            recorded_sha256: Some("00".repeat(32)),
        };
        assert!(check_target(&real, &other).is_err());
        // The file it wrote (hash recorded) may be replaced, as may any with overwrite.
        let ours = Existing {
            overwrite: false,
            recorded_sha256: sha256_of_file(&real).unwrap(),
        };
        check_target(&real, &ours).unwrap();
        check_target(&real, &all).unwrap();
        check_target(&dir.path().join("new"), &none).unwrap();
    }

    /// The target checked at create is checked again before the rename: a
    /// FIFO put there while the download ran is not replaced.
    #[cfg(unix)]
    #[test]
    fn a_special_file_appearing_during_the_download_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.backup");
        let mut local = LocalFile::create(&target, None, &Existing::default()).unwrap();
        local.write_all(b"data").unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&target)
            .status()
            .unwrap();
        assert!(status.success());
        let err = local.commit().unwrap_err();
        assert!(matches!(err, LocalError::NotRegular { .. }), "{err}");
        {
            use std::os::unix::fs::FileTypeExt;
            assert!(fs::symlink_metadata(&target).unwrap().file_type().is_fifo());
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

    #[test]
    fn encrypted_file_decrypts_to_what_was_written() {
        use age::secrecy::ExposeSecret;
        let dir = tempfile::tempdir().unwrap();
        let id = age::x25519::Identity::generate();
        let recipients = secrets::parse_recipients(&[id.to_public().to_string()]).unwrap();
        let target = dir.path().join("x.age");
        let mut local =
            LocalFile::create(&target, Some(&recipients), &Existing::default()).unwrap();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        for chunk in data.chunks(READ_CHUNK as usize) {
            local.write_all(chunk).unwrap();
        }
        let written = local.commit().unwrap();
        let on_disk = fs::read(&target).unwrap();
        assert!(on_disk.starts_with(b"age-encryption.org/v1"));
        assert_eq!(written.size, on_disk.len() as u64);
        let plain = age::decrypt(&id, &on_disk).unwrap();
        assert_eq!(plain, data);
        let _ = id.to_string().expose_secret().len();
    }

    #[test]
    fn bad_targets_are_reported_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such/dir/x.backup");
        let err = LocalFile::create(&missing, None, &Existing::default()).unwrap_err();
        assert!(matches!(err, LocalError::NoDirectory { .. }), "{err}");
        assert!(err.to_string().contains("does not exist"));
        let err = LocalFile::create(dir.path(), None, &Existing::default()).unwrap_err();
        assert!(matches!(err, LocalError::IsDirectory { .. }), "{err}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let ro = dir.path().join("ro");
            fs::create_dir(&ro).unwrap();
            fs::set_permissions(&ro, fs::Permissions::from_mode(0o500)).unwrap();
            // Root may write anyway; only check when the directory really is read-only.
            if fs::write(ro.join("probe"), b"x").is_err() {
                let err = LocalFile::create(&ro.join("x.backup"), None, &Existing::default())
                    .unwrap_err();
                assert!(matches!(err, LocalError::Create { .. }), "{err}");
                assert!(err.to_string().contains("writable"), "{err}");
            }
        }
    }

    async fn client_for(sim: &acceptance::sim::Sim, url: String) -> Client {
        Client::connect(&crate::routeros::ConnectOptions {
            url,
            username: sim.username().to_string(),
            password: sim.password().to_string(),
            tls: Default::default(),
            timeout: Duration::from_secs(30),
        })
        .await
        .unwrap()
    }

    fn sim(version: &str) -> acceptance::sim::Sim {
        acceptance::sim::Sim::spawn(acceptance::sim::SimConfig {
            version: version.into(),
            https: false,
            ..Default::default()
        })
        .unwrap()
    }

    /// A binary file of every byte value, larger than several chunks,
    /// arrives whole over REST and over the classic API.
    #[tokio::test]
    async fn chunked_download_is_byte_identical_over_both_transports() {
        let sim = sim("7.18");
        let data: Vec<u8> = (0..(3 * READ_CHUNK as usize + 123))
            .map(|i| (i * 7 % 256) as u8)
            .collect();
        sim.put_file("x.backup", data.clone());
        for url in [sim.http_url(), sim.api_url().unwrap()] {
            let client = client_for(&sim, url.clone()).await;
            let file = wait_for_file(&client, "x.backup").await.unwrap().unwrap();
            assert_eq!(file.size, data.len() as u64);
            let mut out = Vec::new();
            let n = download(&client, &file, &mut out).await.unwrap();
            assert_eq!(n, data.len() as u64, "{url}");
            assert_eq!(out, data, "{url}");
        }
        let reads = sim
            .request_log()
            .iter()
            .filter(|l| l.contains("/file/read"))
            .count();
        assert_eq!(reads, 8, "4 chunks per transport");
        let client = client_for(&sim, sim.http_url()).await;
        assert!(remove_router_file(&client, "x.backup").await.unwrap());
        assert!(!remove_router_file(&client, "x.backup").await.unwrap());
        assert!(find_file(&client, "x.backup").await.unwrap().is_none());
    }

    /// Before 7.13: `contents` for small files, a clear error for large ones.
    #[tokio::test]
    async fn old_routers_fall_back_to_contents_up_to_60_kb() {
        let sim = sim("7.12");
        let small: Vec<u8> = (0..5000u32).map(|i| (i % 256) as u8).collect();
        sim.put_file("small.backup", small.clone());
        sim.put_file("large.backup", vec![1u8; CONTENTS_LIMIT as usize + 1]);
        let client = client_for(&sim, sim.http_url()).await;
        assert!(!has_file_read(&client));
        let file = find_file(&client, "small.backup").await.unwrap().unwrap();
        let mut out = Vec::new();
        download(&client, &file, &mut out).await.unwrap();
        assert_eq!(out, small);
        let file = find_file(&client, "large.backup").await.unwrap().unwrap();
        let mut out = Vec::new();
        let err = download(&client, &file, &mut out).await.unwrap_err();
        assert!(
            matches!(err, FetchError::TooLargeForContents { .. }),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.contains("7.13") && text.contains("61441 bytes"),
            "{text}"
        );
        assert!(out.is_empty());
        assert!(!sim.request_log().iter().any(|l| l.contains("/file/read")));
    }

    #[test]
    fn peak_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_memory_kib().unwrap() > 0);
        }
    }
}
