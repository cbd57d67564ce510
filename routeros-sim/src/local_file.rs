//! Local files a user names on the command line (an export, an inventory):
//! read with a bound on their size, whatever they are.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};

/// Reads the UTF-8 text file `path`, `what` it is for errors (`the export`).
/// At most `max` bytes are read: a larger file is refused without reading
/// the rest, also when its size is not known beforehand (a pipe,
/// `/dev/zero`).
pub(crate) fn read_text(path: &Path, max: usize, what: &str) -> anyhow::Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("reading {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {what} {}", path.display()))?;
    if bytes.len() > max {
        bail!(
            "{what} {} is larger than the {max} bytes the emulator reads: \
             is it the right file?",
            path.display()
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} {} is not UTF-8 text (byte {} is not): is it the right file?",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
