//! Local files of backups and exports.
//!
//! [`LocalFile`] writes into a temporary file beside the target (same
//! directory, so the final rename is atomic), created with mode 0600 on
//! Unix, hashing what reaches the disk; [`LocalFile::commit`] flushes, syncs
//! and renames it into place. Dropped without a commit, the temporary file
//! is removed. With recipients the bytes pass through an age encryptor
//! (binary age format) first. Memory stays at one chunk whatever the file's
//! size.
//!
//! **What may be replaced.** Only a path where nothing is, or a regular
//! file: symbolic links are refused (never followed), as are directories,
//! device nodes, FIFOs and sockets; a regular file is replaced only when its
//! SHA-256 is the one this resource recorded, or with `overwrite = true`
//! ([`check_target`], at plan time and again just before the rename).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::AGE_SUFFIX;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::secrets::BoxedRecipient;

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
    /// A failed write of the local file.
    pub(super) fn write(source: io::Error) -> LocalError {
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

/// The SHA-256 recorded for `path` when its resource was destroyed by this
/// process (see [`release_local_file`]), if any.
pub fn released(path: &Path) -> Option<String> {
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
    Age(crate::secrets::EncryptingWriter<DiskWriter>),
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

redact::debug!(LocalFile { target, temp });

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
                            Sink::Age(crate::secrets::encrypting_writer(list, disk).map_err(
                                |e| LocalError::Encrypt {
                                    reason: e.to_string(),
                                },
                            )?)
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
