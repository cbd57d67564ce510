//! Writing what `generate` made: never over a file unless asked, never
//! through a symbolic link, all files or none.

use std::path::Path;

use super::render::File;

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
