//! Uploading a file into the router's file area, the way back of
//! [`download`](super::download): `/file/add name= contents=`, the one
//! upload RouterOS 7 offers over REST (`PUT /rest/file`) and the API alike
//! (DESIGN.md, "Facts: backups, exports, files"). `contents` takes at most
//! [`CONTENTS_LIMIT`] bytes, so a larger file is refused before anything
//! is sent. Bytes travel as the characters with the same numbers (U+0000 to
//! U+00FF), the inverse of [`decode_data`](super::decode_data); the size the
//! router then lists is checked against the bytes sent, so a transport that
//! changed them is an error, never a damaged file loaded into the router.

use super::{CONTENTS_LIMIT, FILE_MENU, RouterFile, find_file};
use crate::routeros::{Client, Error, Record};

/// Why an upload failed. Messages say what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file is larger than `contents` takes.
    #[error(
        "the file is {size} bytes, and RouterOS takes at most {limit} bytes through `/file` `contents`, the only upload its REST and API offer. Copy the file to the router another way (SFTP, SCP, WinBox) and restore it there by hand (`/system backup load` or `/import`), or restore a smaller `/export` (`path=interface/macsec`)"
    )]
    TooLarge {
        /// The file's size.
        size: u64,
        /// [`CONTENTS_LIMIT`].
        limit: u64,
    },
    /// The router refused the upload or could not be reached.
    #[error("uploading {name:?}: {error}")]
    Router {
        /// The router file's name.
        name: String,
        /// What went wrong.
        error: Error,
    },
    /// The router lists the file with another size than was sent.
    #[error(
        "after {sent} bytes were uploaded as {name:?} the router lists {listed}: the transport changed the bytes (the classic API sends text as UTF-8, which changes a binary file). Restore over REST (https://), or copy the file by SFTP"
    )]
    Changed {
        /// The router file's name.
        name: String,
        /// Bytes sent.
        sent: u64,
        /// What the router lists: `N bytes`, or `no such file`.
        listed: String,
    },
}

/// `bytes` as the text `contents` carries: each byte the character with
/// the same number.
pub fn encode_data(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Writes `bytes` to the router as file `name`, then checks the size the
/// router lists. On error the file may be on the router (a lost reply, a
/// changed size): the caller removes `name` whatever happens.
pub async fn upload(client: &Client, name: &str, bytes: &[u8]) -> Result<RouterFile, UploadError> {
    let size = bytes.len() as u64;
    if size > CONTENTS_LIMIT {
        return Err(UploadError::TooLarge {
            size,
            limit: CONTENTS_LIMIT,
        });
    }
    let router = |error| UploadError::Router {
        name: name.to_string(),
        error,
    };
    let mut args = Record::new();
    args.insert("name".into(), name.to_string());
    args.insert("contents".into(), encode_data(bytes));
    client
        .command(&format!("{FILE_MENU}/add"), &args, false)
        .await
        .map_err(router)?;
    let listed = find_file(client, name).await.map_err(router)?;
    match listed {
        Some(file) if file.size == size => Ok(file),
        other => Err(UploadError::Changed {
            name: name.to_string(),
            sent: size,
            listed: other.map_or_else(
                || "no such file".to_string(),
                |f| format!("{} bytes", f.size),
            ),
        }),
    }
}
