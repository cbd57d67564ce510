//! Progress of a backup or export as an action reports it: a writer that
//! passes the downloaded bytes on to the local file and reports how many
//! have arrived, one message per chunk received from the router.

use std::io::{self, Write};

use crate::plugin::action::Progress;

/// Passes bytes on to `inner`, reporting `downloading NAME: N of TOTAL
/// bytes` after each write.
pub struct DownloadProgress<'a, W: Write> {
    inner: &'a mut W,
    name: &'a str,
    done: u64,
    total: u64,
    progress: &'a Progress,
}

impl<'a, W: Write> DownloadProgress<'a, W> {
    /// Reports the download of router file `name` (`total` bytes) into
    /// `inner`.
    pub fn new(inner: &'a mut W, name: &'a str, total: u64, progress: &'a Progress) -> Self {
        DownloadProgress {
            inner,
            name,
            done: 0,
            total,
            progress,
        }
    }
}

impl<W: Write> Write for DownloadProgress<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write_all(buf)?;
        self.done += buf.len() as u64;
        self.progress.report(format!(
            "downloading {}: {} of {} bytes",
            self.name, self.done, self.total
        ));
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The message for the encryption step: to how many age recipients.
pub fn encrypting_message(recipients: usize, target: &std::path::Path) -> String {
    format!(
        "encrypting to {recipients} age recipient(s) while writing {}",
        target.display()
    )
}

/// The message for the last step: the local file written.
pub fn written_message(written: &super::Written, size: u64) -> String {
    format!(
        "written {} ({size} bytes from the router, {} bytes on disk, sha256 {})",
        written.path.display(),
        written.size,
        written.sha256
    )
}

redact::debug!(DownloadProgress<'a, W> where W: Write);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_chunk_reports_the_running_byte_count() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let progress = Progress::to_channel(tx);
        let mut out = Vec::new();
        {
            let mut w = DownloadProgress::new(&mut out, "a.backup", 5, &progress);
            w.write_all(b"abc").unwrap();
            w.write_all(b"de").unwrap();
        }
        drop(progress);
        assert_eq!(out, b"abcde");
        assert_eq!(
            rx.recv().await.as_deref(),
            Some("downloading a.backup: 3 of 5 bytes")
        );
        assert_eq!(
            rx.recv().await.as_deref(),
            Some("downloading a.backup: 5 of 5 bytes")
        );
        assert_eq!(rx.recv().await, None);
    }
}
