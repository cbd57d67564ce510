//! Taking a binary backup on the router (`/system/backup/save`) and
//! bringing it home: the `routeros_system_backup` resource's create and
//! the action of the same name.

use super::{Command, Destination, Left, Taken, open_output, take, unique_name};
use crate::plugin::action::Progress;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::Private;
use crate::routeros::{Client, Record};
use crate::secrets::Zeroizing;

/// The RouterOS command that saves a backup.
pub const SAVE: &str = "/system/backup/save";

/// The encryption methods `/system/backup/save` offers.
pub const ENCRYPTIONS: [&str; 2] = ["aes-sha256", "rc4"];

/// The encryption RouterOS uses unless told otherwise.
pub const DEFAULT_ENCRYPTION: &str = "aes-sha256";

/// Prefix of generated backup names.
const NAME_PREFIX: &str = "terraform-backup";

/// A backup to take: where it goes locally and how the router saves it
/// (the arguments of `routeros_system_backup` but the password, which is
/// passed on its own so that it is dropped as soon as it is sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupRequest {
    /// The local file.
    pub to: Destination,
    /// The backup's name on the router, without `.backup` (`None`: a
    /// unique `terraform-backup-<time>-<random>`).
    pub name: Option<String>,
    /// How RouterOS encrypts a password-protected backup (`None`:
    /// [`DEFAULT_ENCRYPTION`]).
    pub encryption: Option<String>,
    /// Save without encryption.
    pub dont_encrypt: bool,
    /// Keep the router's copy after the download.
    pub keep_on_router: bool,
}

/// A backup taken: its name on the router and what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The name it was saved under (`name`, or the one chosen).
    pub name: String,
    /// The router file, the local file and its hash.
    pub taken: Taken,
}

/// Takes the backup `request` describes: saves it on the router with
/// `password`, downloads it into the local file (age-encrypted to
/// `age_recipients`), removes the router's copy unless `keep_on_router`,
/// and reports each step to `progress`. `private` is where a resource
/// records the router file before the command runs (an action has none: its
/// errors name the file). `Err` with the diagnostics pushed and the router
/// file that may be left, if any. Nothing is left at the local path on
/// failure.
pub async fn take_backup(
    client: &Client,
    request: &BackupRequest,
    password: Option<Zeroizing<String>>,
    mut private: Option<&mut Private>,
    progress: &Progress,
    diags: &mut Diagnostics,
) -> Result<Backup, Left> {
    if password.is_none() && !request.dont_encrypt {
        diags.push(Diagnostic::error(
                "No backup password",
                "Neither `password_wo`, `password_age` nor `dont_encrypt = true` is set (a write-only value is not available to this Terraform version). Set one of them.",
            ));
        return Err(None);
    }
    // The local file first: an unusable path fails before the router is touched.
    let Some(output) =
        open_output(client, "backup", &request.to, private.as_deref_mut(), diags).await
    else {
        return Err(None);
    };
    let name = request
        .name
        .clone()
        .unwrap_or_else(|| unique_name(NAME_PREFIX));
    let file_name = file_name_for(&name);
    let args = save_args(
        &name,
        request.encryption.as_deref().unwrap_or(DEFAULT_ENCRYPTION),
        password.as_deref().map(String::as_str),
        request.dont_encrypt,
    );
    drop(password);
    let command = Command {
        noun: "backup",
        path: SAVE,
        args,
        progress: format!("saving backup {file_name}"),
        action: format!("saving backup {file_name:?}"),
        attributes: &[("name", "name"), ("encryption", "encryption")],
        download: format!("downloading backup {file_name:?}"),
        keep: request.keep_on_router,
        file_name,
    };
    let taken = take(client, output, command, private, progress, diags).await?;
    Ok(Backup { name, taken })
}

/// The arguments of `/system/backup/save`.
pub fn save_args(
    name: &str,
    encryption: &str,
    password: Option<&str>,
    dont_encrypt: bool,
) -> Record {
    let mut args = Record::new();
    args.insert("name".into(), name.to_string());
    if dont_encrypt {
        args.insert("dont-encrypt".into(), "yes".into());
    } else if let Some(pw) = password {
        args.insert("password".into(), pw.to_string());
        args.insert("encryption".into(), encryption.to_string());
    }
    args
}

/// The router file name for backup `name`.
pub fn file_name_for(name: &str) -> String {
    if name.ends_with(".backup") {
        name.to_string()
    } else {
        format!("{name}.backup")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_arguments() {
        let args = save_args("n", "aes-sha256", Some("pw"), false);
        assert_eq!(args["password"], "pw");
        assert_eq!(args["encryption"], "aes-sha256");
        let args = save_args("n", "rc4", None, true);
        assert_eq!(args.get("dont-encrypt").map(String::as_str), Some("yes"));
        assert!(!args.contains_key("password") && !args.contains_key("encryption"));
        assert_eq!(file_name_for("x"), "x.backup");
        assert_eq!(file_name_for("x.backup"), "x.backup");
    }

    #[test]
    fn a_save_command_never_shows_its_password() {
        let command = Command {
            noun: "backup",
            path: SAVE,
            args: save_args("n", DEFAULT_ENCRYPTION, Some("hunter2\"${x}\n"), false),
            file_name: "n.backup".into(),
            progress: String::new(),
            action: String::new(),
            attributes: &[],
            download: String::new(),
            keep: false,
        };
        let shown = format!("{command:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("n.backup"), "{shown}");
    }
}
