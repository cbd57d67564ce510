//! The file area (`/file`) as a router stores it: the files, how `/file/print` shows one
//! (per version) and how bytes travel in JSON. The commands on it are in
//! `menus/file.rs`. A leaf below the router state.
//!
//! **Bytes in JSON.** RouterOS documents neither how `/file/read` nor how `contents`
//! carry bytes that are not text. The emulator maps every byte to the character with the
//! same number (ISO 8859-1: byte `0xE9` is `"\u00e9"`), so any file, binary backups
//! included, survives the trip; a client turns every character back into one byte.
//! Writing `contents` does the reverse (characters above U+00FF are stored as UTF-8).
//!
//! Files are kept whole in memory behind an [`Arc`], so the router's copy-on-write
//! transactions do not copy them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use crate::query::Row;
use crate::schema::Version;
use crate::value::format_id;

/// Largest file whose `contents` RouterOS shows and lets be set: 60 KB (MT-FILES).
pub(crate) const CONTENTS_LIMIT: usize = 60 * 1024;

/// One file.
#[derive(Clone, Debug)]
pub(crate) struct SimFile {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) data: Arc<[u8]>,
    pub(crate) created: SystemTime,
}

impl SimFile {
    /// The file's bytes.
    pub(crate) fn data(&self) -> &Arc<[u8]> {
        &self.data
    }
}

/// The file area of one router.
#[derive(Clone, Debug, Default)]
pub(crate) struct FileStore {
    pub(crate) files: Vec<SimFile>,
    pub(crate) next_id: u32,
    /// Every file `/system/backup/save` or `/export file=` wrote, by name: the last
    /// content, kept after the file is removed (for tests).
    pub(crate) written: BTreeMap<String, Arc<[u8]>>,
    /// Bytes of padding every backup carries after the configuration (to make
    /// multi-megabyte backups for streaming tests). Default 0.
    pub(crate) backup_padding: usize,
}

impl FileStore {
    /// Creates or replaces the file `name`, stamped `created` (the router's clock). A
    /// replaced file keeps its id.
    pub(crate) fn put(&mut self, name: &str, data: Arc<[u8]>, created: SystemTime) -> u32 {
        if let Some(file) = self.files.iter_mut().find(|f| f.name == name) {
            file.data = data;
            file.created = created;
            return file.id;
        }
        self.next_id += 1;
        let id = self.next_id;
        self.files.push(SimFile {
            id,
            name: name.to_string(),
            data,
            created,
        });
        id
    }

    /// Like [`FileStore::put`], and remembers the content as written by a command.
    pub(crate) fn write(&mut self, name: &str, data: Vec<u8>, created: SystemTime) -> u32 {
        let data: Arc<[u8]> = data.into();
        self.written.insert(name.to_string(), data.clone());
        self.put(name, data, created)
    }

    /// The file named by `key`: its `.id` (`*1`) or its name.
    pub(crate) fn find(&self, key: &str) -> Option<&SimFile> {
        self.files
            .iter()
            .find(|f| f.name == key || format_id(f.id) == key)
    }

    /// Removes the file with this id; `false` when there is none.
    pub(crate) fn remove(&mut self, id: u32) -> bool {
        let before = self.files.len();
        self.files.retain(|f| f.id != id);
        self.files.len() != before
    }

    /// The last content a command wrote under `name`, even if the file is gone since.
    pub(crate) fn written(&self, name: &str) -> Option<Arc<[u8]>> {
        self.written.get(name).cloned()
    }

    /// Every file as `/file/print` shows it.
    pub(crate) fn rows(&self, version: &Version) -> Vec<Row> {
        self.files.iter().map(|f| file_row(f, version)).collect()
    }
}

/// RouterOS's `type` of a file, from its name.
pub(crate) fn file_type(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((_, "backup")) => "backup".into(),
        Some((_, "rsc")) => "script".into(),
        Some((stem, ext)) if !stem.is_empty() => format!(".{ext} file"),
        _ => "file".into(),
    }
}

/// A time as RouterOS 7 prints it: `2025-02-24 14:44:38` from 7.10 on, `feb/24/2025
/// 14:44:38` before.
pub(crate) fn ros_time(time: SystemTime, version: &Version) -> String {
    let time: chrono::DateTime<chrono::Utc> = time.into();
    if version.at_least(7, 10, 0) {
        time.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        time.format("%b/%d/%Y %H:%M:%S")
            .to_string()
            .to_ascii_lowercase()
    }
}

/// The property that carries a file's time in `version`'s `/file` rows.
///
/// A RouterOS 7.16 router returns `last-modified`; older RouterOS printed
/// `creation-time`. The dumps hold commands and arguments, not printed properties, so
/// they do not say in which version the name changed; the emulator switches at 7.16,
/// the first version it was seen in.
pub(crate) fn time_property(version: &Version) -> &'static str {
    if version.at_least(7, 16, 0) {
        "last-modified"
    } else {
        "creation-time"
    }
}

/// A file as `/file/print` shows it in `version`.
pub(crate) fn file_row(f: &SimFile, version: &Version) -> Row {
    let mut row = Row::new();
    row.insert(".id".into(), format_id(f.id));
    if f.data.len() <= CONTENTS_LIMIT {
        row.insert("contents".into(), bytes_to_text(&f.data));
    }
    row.insert(time_property(version).into(), ros_time(f.created, version));
    row.insert("name".into(), f.name.clone());
    row.insert("size".into(), f.data.len().to_string());
    row.insert("type".into(), file_type(&f.name));
    row
}

/// Bytes as JSON text: each byte the character with the same number.
pub(crate) fn bytes_to_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The inverse of [`bytes_to_text`]; characters above U+00FF become their UTF-8 bytes.
pub(crate) fn text_to_bytes(text: &str) -> Vec<u8> {
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
