//! Restoring a router from a local backup or export: the operation behind
//! the `routeros_system_restore` action (`crate::actions`) and the
//! `terraform-provider-routeros restore` command ([`cli`]), for Terraform
//! versions without actions and for OpenTofu.
//!
//! The steps, each reported as one progress line:
//!
//! 1. Read the local file ([`source`]): `.backup` or `.rsc`, age-decrypted
//!    in memory when it ends in `.age` (the plaintext never goes to disk).
//! 2. Check the router's identity against the backup's: a restore onto
//!    another router is refused, naming both, unless `allow_other_identity`.
//!    A RouterOS backup's format is not public, so for a `.backup` the
//!    backup's identity is the `router_name` argument; an export says it
//!    itself (`/system identity set name=`).
//! 3. Upload the file (`/file/add`, [`upload`]) under a fresh name.
//! 4. `.backup`: `/system/backup/load name= password=`, which reboots the
//!    router; the reply may be lost. Then wait, bounded by `timeout`, for
//!    the router to answer on a new connection and to have rebooted (a
//!    request failed since the load, or the uptime went down).
//!    `.rsc`: `/import file-name=`.
//! 5. Verify the router's identity and that the MACsec interfaces expected
//!    (those the export adds, and `macsec_interfaces`) are present.
//! 6. Remove the uploaded file, also after every failure from step 3 on.

use std::path::PathBuf;
use std::time::Duration;

use crate::backup::{self as common, upload};
use crate::plugin::action::Progress;
use crate::resources::menus;
use crate::routeros::{Client, Error, Record};
use crate::secrets::{Identities, Zeroizing};

pub mod cli;
mod source;

pub use source::{Form, MAX_SOURCE_BYTES, Source, form_of, read_source};

/// How long to wait for a router to come back after loading a backup,
/// unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The pause between two attempts to reach a rebooting router.
const POLL_PAUSE: Duration = Duration::from_secs(2);

/// Below this uptime (seconds) before the load, the uptime cannot show a
/// reboot: a router that answers is then taken as back.
const UPTIME_TOO_SHORT: u64 = 2;

/// What to restore, and how.
#[derive(Debug, Default)]
pub struct Request {
    /// The local `.backup`, `.rsc`, `.backup.age` or `.rsc.age` file.
    pub path: PathBuf,
    /// The backup's password (`None`: not encrypted by RouterOS).
    pub password: Option<Zeroizing<String>>,
    /// The identity of the router the backup is from.
    pub identity: Option<String>,
    /// Restore even onto a router with another identity.
    pub allow_other_identity: bool,
    /// MACsec interfaces that must be present afterwards.
    pub macsec_interfaces: Vec<String>,
    /// How long to wait for the router to come back from the reboot.
    pub timeout: Duration,
}

/// Why a restore failed: a summary, what is wrong and what to do, and the
/// argument it is about. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// One line.
    pub summary: String,
    /// What is wrong and what to do.
    pub detail: String,
    /// The argument (attribute name) it is about.
    pub attribute: Option<&'static str>,
}

impl Failure {
    /// A failure about no argument in particular.
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Failure {
        Failure {
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// The same failure, about `attribute`.
    pub fn at(mut self, attribute: &'static str) -> Failure {
        self.attribute = Some(attribute);
        self
    }

    fn with_detail(mut self, more: &str) -> Failure {
        self.detail = format!("{} {more}", self.detail);
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.summary, self.detail)
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The router's identity afterwards.
    pub identity: String,
    /// The MACsec interfaces the router has afterwards (every one expected
    /// among them).
    pub macsec_interfaces: Vec<String>,
}

fn router_failure(what: &str, e: &Error) -> Failure {
    Failure::new(format!("Restore failed while {what}"), format!("{e}."))
}

/// The router's identity (`/system/identity` `name`), read afresh.
async fn identity_of(client: &Client) -> Result<String, Error> {
    let row = client.get_fresh(menus::IDENTITY).await?;
    Ok(row.get("name").cloned().unwrap_or_default())
}

/// RouterOS's uptime in seconds: `1w2d3h4m5s` (RouterOS 7), or
/// `1d 02:03:04` / `02:03:04`; `None` for anything else.
pub fn parse_uptime(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.contains(':') {
        let (days, clock) = match text.split_once(' ') {
            Some((d, c)) => (d.trim_end_matches('d').parse::<u64>().ok()?, c),
            None => (0, text),
        };
        let parts: Vec<u64> = clock
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [h, m, s] = parts[..] else { return None };
        return Some(days * 86_400 + h * 3600 + m * 60 + s);
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u64 = std::mem::take(&mut number).parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    (number.is_empty() && !text.is_empty()).then_some(total)
}

/// The router's uptime in seconds, read afresh.
async fn uptime_of(client: &Client) -> Result<Option<u64>, Error> {
    let row = client.get_fresh(menus::RESOURCE).await?;
    Ok(row.get("uptime").and_then(|u| parse_uptime(u)))
}

/// Which identity the backup is from: the export's, else `router_name`; an
/// export and `router_name` that disagree are an error.
fn backup_identity(source: &Source, req: &Request) -> Result<Option<String>, Failure> {
    match (&source.identity, &req.identity) {
        (Some(file), Some(given)) if file != given => Err(Failure::new(
            "The export is of another router",
            format!(
                "The export sets the identity {file:?}, but `router_name` says {given:?}. Give the identity the export sets, or leave `router_name` out."
            ),
        )
        .at("router_name")),
        (Some(file), _) => Ok(Some(file.clone())),
        (None, given) => Ok(given.clone()),
    }
}

/// Restores the router `client` reaches from `req` (see the module's
/// documentation), reporting each step to `progress`; `identities`
/// decrypt an `.age` file. Leaves no file on the router: the uploaded one
/// is removed on success and on every failure after the upload (a removal
/// that fails is named in the error).
pub async fn restore(
    client: &Client,
    identities: &Identities,
    req: &Request,
    progress: &Progress,
) -> Result<Restored, Failure> {
    progress.report(format!("reading {}", req.path.display()));
    let source = read_source(&req.path, identities)?;
    let expected_identity = backup_identity(&source, req)?;
    let current = identity_of(client)
        .await
        .map_err(|e| router_failure("reading the router's identity", &e))?;
    match &expected_identity {
        Some(want) if *want != current && !req.allow_other_identity => {
            return Err(Failure::new(
                "Refusing to restore onto another router",
                format!(
                    "The backup is of the router {want:?}, but the router at {} is {current:?}. Nothing was changed. Check the router's address; to put {want:?}'s configuration onto {current:?} on purpose (a twin, a replacement), set `allow_other_identity = true`.",
                    client.endpoint()
                ),
            )
            .at("allow_other_identity"));
        }
        None if !req.allow_other_identity => {
            let why = match source.form {
                Form::Backup => {
                    "A RouterOS backup does not say, in a form the provider can read, which router it is from."
                }
                Form::Script => "The export does not set the router's identity.",
            };
            return Err(Failure::new(
                "Which router is the backup from?",
                format!(
                    "{why} Give `router_name`, the name (`/system identity`) of the router it was taken from ({current:?} is the router at {}), or set `allow_other_identity = true` to restore it whatever the router is called.",
                    client.endpoint()
                ),
            )
            .at("router_name"));
        }
        _ => {}
    }
    progress.report(format!("router identity {current:?}"));
    let name = format!(
        "{}{}",
        common::unique_name("terraform-restore"),
        source.form.suffix()
    );
    progress.report(format!("uploading {} bytes as {name}", source.bytes.len()));
    let uploaded = upload(client, &name, &source.bytes).await;
    let (outcome, after) = match uploaded {
        Err(e) => (
            Err(Failure::new("Upload failed", format!("{e}.")).at("path")),
            None,
        ),
        Ok(_) => run_uploaded(client, &source, req, &name, progress).await,
    };
    // The client to clean up with: the one that reached the router last.
    let cleaner = after.as_ref().unwrap_or(client);
    let removed = common::remove_after_failure(cleaner, &name).await;
    match (outcome, removed) {
        (Ok(restored), Ok(())) => {
            progress.report(format!("removed {name} from the router"));
            Ok(restored)
        }
        (Ok(_), Err(e)) => Err(Failure::new(
            "File left on the router",
            format!(
                "The restore succeeded, but the uploaded file {name:?} could not be removed ({e}); it holds the router's configuration. Remove it: /file remove {name}"
            ),
        )),
        (Err(f), Ok(())) => Err(f),
        (Err(f), Err(e)) => Err(f.with_detail(&format!(
            "The uploaded file {name:?} could not be removed either ({e}); remove it: /file remove {name}"
        ))),
    }
}

/// Steps 4 and 5 on the uploaded file `name`: the outcome, and the client
/// connected after a reboot (when there was one).
async fn run_uploaded(
    client: &Client,
    source: &Source,
    req: &Request,
    name: &str,
    progress: &Progress,
) -> (Result<Restored, Failure>, Option<Client>) {
    match source.form {
        Form::Script => {
            progress.report(format!("importing {name}"));
            let mut args = Record::new();
            args.insert("file-name".into(), name.to_string());
            if let Err(e) = client.command(menus::IMPORT, &args, false).await {
                return (Err(import_failure(name, &e)), None);
            }
            (verify(client, source, req, progress).await, None)
        }
        Form::Backup => {
            let before = match uptime_of(client).await {
                Ok(u) => u,
                Err(e) => return (Err(router_failure("reading the uptime", &e)), None),
            };
            progress.report(format!("loading {name}; the router reboots into it"));
            let mut args = Record::new();
            args.insert("name".into(), name.to_string());
            let password = req.password.as_ref().map_or("", |p| p.as_str());
            args.insert("password".into(), password.to_string());
            let lost = match client.command(menus::BACKUP_LOAD, &args, false).await {
                Ok(_) => false,
                Err(e @ (Error::Rejected { .. } | Error::NotFound { .. })) => {
                    return (Err(load_failure(name, &e)), None);
                }
                // The router may have dropped the connection as it rebooted.
                Err(e) => {
                    log::info!(
                        "{} gave no reply ({e}); waiting for the router",
                        menus::BACKUP_LOAD
                    );
                    true
                }
            };
            progress.report(format!(
                "waiting for the router to come back (at most {} s)",
                req.timeout.as_secs()
            ));
            let back = match wait_for_reboot(client, before, lost, req.timeout).await {
                Ok(back) => back,
                Err(f) => return (Err(f), None),
            };
            progress.report("the router is back".to_string());
            let outcome = verify(back.as_ref().unwrap_or(client), source, req, progress).await;
            (outcome, back)
        }
    }
}

fn import_failure(name: &str, e: &Error) -> Failure {
    Failure::new(
        "The router refused the import",
        format!(
            "/import of {name} failed: {e}. RouterOS stops at the first line it refuses; lines before it may have been applied. An export restores onto a router without the objects it adds: remove them first, or restore a backup."
        ),
    )
    .at("path")
}

fn load_failure(name: &str, e: &Error) -> Failure {
    let hint = match e.detail() {
        Some(d) if d.contains("password") => {
            " Check the backup's password (`password_age` / `password_wo`): it must be the one the backup was saved with."
        }
        _ => "",
    };
    Failure::new(
        "The router refused to load the backup",
        format!("/system/backup/load of {name} failed: {e}. The router was not changed.{hint}"),
    )
}

/// Waits for the router to answer on a new connection after it rebooted:
/// `lost` (the load's reply was lost) or a request failing since counts as
/// down, an uptime below `before` as rebooted. Bounded by `timeout`;
/// Terraform's Stop ends it. Returns the new client (`None`: `client`
/// cannot reconnect, and answered).
async fn wait_for_reboot(
    client: &Client,
    before: Option<u64>,
    lost: bool,
    timeout: Duration,
) -> Result<Option<Client>, Failure> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut seen_down = lost;
    let mut last_error = None;
    loop {
        if client.stop_signal().is_tripped() {
            return Err(Failure::new(
                "Restore stopped",
                "Stopped by Terraform (Ctrl-C) while waiting for the router to come back from loading the backup. The backup was loaded; check the router.",
            ));
        }
        let fresh = client.reconnected();
        let probe = fresh.as_ref().unwrap_or(client);
        match uptime_of(probe).await {
            Ok(after) => {
                let rebooted = match (before, after) {
                    (Some(b), _) if b < UPTIME_TOO_SHORT => true,
                    (Some(b), Some(a)) => a < b,
                    _ => true,
                };
                if seen_down || rebooted {
                    return Ok(fresh);
                }
            }
            Err(e) => {
                seen_down = true;
                last_error = Some(e);
            }
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            let why = last_error.map_or_else(
                || "it answered, but its uptime shows no reboot".to_string(),
                |e| e.to_string(),
            );
            return Err(Failure::new(
                "The router did not come back",
                format!(
                    "The router did not come back from loading the backup within {} s ({why}). Check it on its console; raise `reboot_timeout` for a slow router. The uploaded file is removed when the router answers again, else remove it by hand.",
                    timeout.as_secs()
                ),
            )
            .at("reboot_timeout"));
        }
        tokio::select! {
            () = tokio::time::sleep(POLL_PAUSE.min(deadline - now)) => {}
            () = client.stop_signal().tripped() => {}
        }
    }
}

/// Step 5: the identity and the MACsec interfaces.
async fn verify(
    client: &Client,
    source: &Source,
    req: &Request,
    progress: &Progress,
) -> Result<Restored, Failure> {
    let identity = identity_of(client)
        .await
        .map_err(|e| router_failure("verifying the router's identity", &e))?;
    let expected = backup_identity(source, req)?;
    if let Some(want) = &expected
        && *want != identity
    {
        return Err(Failure::new(
            "The restored router has another identity",
            format!(
                "After the restore the router is {identity:?}, not {want:?} as the backup was said to be (`router_name`). The restore ran; check which router's backup this is."
            ),
        )
        .at("router_name"));
    }
    progress.report(format!("verified identity {identity:?}"));
    let mut wanted: Vec<String> = source.macsec_interfaces.clone();
    for name in &req.macsec_interfaces {
        if !wanted.contains(name) {
            wanted.push(name.clone());
        }
    }
    let present: Vec<String> = client
        .list_fresh(menus::MACSEC)
        .await
        .map_err(|e| router_failure("listing the MACsec interfaces", &e))?
        .iter()
        .filter_map(|r| r.get("name").cloned())
        .collect();
    let missing: Vec<&String> = wanted.iter().filter(|n| !present.contains(n)).collect();
    if !missing.is_empty() {
        return Err(Failure::new(
            "MACsec interfaces missing after the restore",
            format!(
                "The router has no MACsec interface {missing:?} after the restore (it has {present:?}). Check that the file is the backup of this router's MACsec configuration."
            ),
        )
        .at("macsec_interfaces"));
    }
    progress.report(format!(
        "verified MACsec interfaces {wanted:?}; the router has {present:?}"
    ));
    Ok(Restored {
        identity,
        macsec_interfaces: present,
    })
}

#[cfg(test)]
mod tests;
