//! The local file a restore reads: a `.backup` or an `/export` script
//! (`.rsc`), either optionally age-encrypted (`.age`). The file comes from
//! outside and is not trusted: it is read up to a bound, decrypted in
//! memory that is wiped on drop (the plaintext never goes to disk), and a
//! script is read with the provider's `/export` reader, which keeps only
//! the identity and the MACsec interface names and never quotes a value in
//! an error.

use std::io::Read;
use std::path::Path;

use crate::backup::{AGE_SUFFIX, CONTENTS_LIMIT};
use crate::generate::export::script;
use crate::resources::menus;
use crate::secrets::{self, Identities, Zeroizing};

use super::Failure;

/// The largest local file read: the largest upload ([`CONTENTS_LIMIT`])
/// age-encrypted and armored (4/3 of it, plus headers), with room to spare.
pub const MAX_SOURCE_BYTES: u64 = 2 * CONTENTS_LIMIT + 64 * 1024;

/// What kind of file is restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A binary backup, loaded with `/system/backup/load` (reboots).
    Backup,
    /// An `/export` script, run with `/import`.
    Script,
}

impl Form {
    /// The suffix of the file on the router.
    pub fn suffix(self) -> &'static str {
        match self {
            Form::Backup => ".backup",
            Form::Script => ".rsc",
        }
    }
}

/// A local file read for a restore.
pub struct Source {
    /// Backup or script.
    pub form: Form,
    /// The plaintext, wiped on drop.
    pub bytes: Zeroizing<Vec<u8>>,
    /// The identity a script sets (`/system identity set name=`), if any.
    pub identity: Option<String>,
    /// The MACsec interfaces a script adds, in order.
    pub macsec_interfaces: Vec<String>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("form", &self.form)
            .field("bytes", &self.bytes.len())
            .field("identity", &self.identity)
            .field("macsec_interfaces", &self.macsec_interfaces)
            .finish()
    }
}

fn at_path(summary: &str, detail: String) -> Failure {
    Failure::new(summary, detail).at("path")
}

/// The form a file name names (`.backup`, `.rsc`, each optionally with
/// `.age`), and whether it is age-encrypted.
pub fn form_of(path: &Path) -> Result<(Form, bool), Failure> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    let (plain, age) = match name.strip_suffix(AGE_SUFFIX) {
        Some(plain) => (plain, true),
        None => (name.as_str(), false),
    };
    if plain.ends_with(".backup") {
        Ok((Form::Backup, age))
    } else if plain.ends_with(".rsc") {
        Ok((Form::Script, age))
    } else {
        Err(at_path(
            "Not a backup or an export",
            format!(
                "{} does not end in .backup, .rsc, .backup.age or .rsc.age: give a backup (`routeros_system_backup`) or an `/export` (`routeros_config_export`) file, named as they write them.",
                path.display()
            ),
        ))
    }
}

/// Reads `path` (at most [`MAX_SOURCE_BYTES`]), decrypts it with
/// `identities` when it is age-encrypted, and reads a script's identity and
/// MACsec interfaces.
pub fn read_source(path: &Path, identities: &Identities) -> Result<Source, Failure> {
    let (form, age) = form_of(path)?;
    let unreadable =
        |e: std::io::Error| at_path("Cannot read the file", format!("{}: {e}.", path.display()));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut raw = Zeroizing::new(Vec::new());
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(unreadable)?;
    if raw.len() as u64 > MAX_SOURCE_BYTES {
        return Err(at_path(
            "File too large to restore",
            format!(
                "{} is larger than {MAX_SOURCE_BYTES} bytes; RouterOS takes at most {CONTENTS_LIMIT} bytes through the upload the provider uses (`/file` `contents`). Copy a larger file to the router by SFTP or SCP and restore it there by hand.",
                path.display()
            ),
        ));
    }
    let bytes = if age || raw.starts_with(b"age-encryption.org/") || secrets::looks_armored(&raw) {
        secrets::decrypt(&raw, identities).map_err(|e| {
            let d = secrets::diagnostic(&e, "path");
            at_path(&d.summary, format!("{}: {}", path.display(), d.detail))
        })?
    } else {
        raw
    };
    let mut source = Source {
        form,
        bytes,
        identity: None,
        macsec_interfaces: Vec::new(),
    };
    if form == Form::Script {
        read_script(path, &mut source)?;
    }
    Ok(source)
}

/// Fills in what a script sets: the last `/system identity set name=` and
/// the names of `/interface macsec add` lines.
fn read_script(path: &Path, source: &mut Source) -> Result<(), Failure> {
    let text = std::str::from_utf8(&source.bytes).map_err(|_| {
        at_path(
            "Not an export",
            format!(
                "{} is not text (UTF-8): an `/export` is text. Check that the file is the export, not a backup.",
                path.display()
            ),
        )
    })?;
    let parsed = script::parse(text, &[menus::IDENTITY, menus::MACSEC]).map_err(|e| {
        at_path(
            "Cannot read the export",
            format!("{}: {e}.", path.display()),
        )
    })?;
    for cmd in parsed.commands {
        let name = cmd
            .args
            .iter()
            .rev()
            .find(|(k, _)| k == "name")
            .map(|(_, v)| v.clone());
        match (cmd.menu.as_str(), cmd.verb.as_str(), name) {
            (menus::IDENTITY, "set", Some(name)) => source.identity = Some(name),
            (menus::MACSEC, "add", Some(name)) => source.macsec_interfaces.push(name),
            _ => {}
        }
    }
    Ok(())
}
