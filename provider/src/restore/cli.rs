//! `terraform-provider-routeros restore`: the `routeros_system_restore`
//! action as a command, for Terraform versions before 1.14 and for
//! OpenTofu. It connects like `generate` (flags, then the `ROUTEROS_*`
//! environment, age identities from `ROUTEROS_AGE_IDENTITY` /
//! `ROUTEROS_AGE_IDENTITY_FILE`), prints a progress line per step on
//! stderr, and exits 0 when the router was restored and verified, 1 when
//! not, 2 for a usage error.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::{DEFAULT_TIMEOUT, Failure, Request, restore};
use crate::plugin::action::Progress;
use crate::plugin::diag::Diagnostics;
use crate::secrets;

const USAGE: &str = "usage: terraform-provider-routeros restore FILE [--router-name NAME] [--allow-other-identity] [--macsec-interface NAME]... [--backup-password-age FILE] [--reboot-timeout SECONDS] [--url URL] [--username NAME] [--password PASSWORD] [--ca-certificate PEM|FILE] [--insecure] [--timeout SECONDS]

Restores a router from FILE: a .backup (loaded with /system/backup/load; the
router reboots) or an /export .rsc (run with /import), either optionally
age-encrypted (.age; decrypted in memory with the identities of
ROUTEROS_AGE_IDENTITY or ROUTEROS_AGE_IDENTITY_FILE). The file is uploaded,
restored, and removed from the router. Afterwards the router's identity and
its MACsec interfaces (those the export adds, and every --macsec-interface)
are verified.

A restore onto a router whose identity is not the backup's is refused:
--router-name names the router a .backup is from (an export says it itself);
--allow-other-identity restores it whatever the router is called (a twin;
with --router-name, the router must be that one afterwards).
--backup-password-age is an age-encrypted file holding the backup's
password. --reboot-timeout bounds the wait for the router to come back
(default 300). Settings not given as flags come from ROUTEROS_URL,
ROUTEROS_USERNAME, ROUTEROS_PASSWORD, ... as for the provider.
";

/// The action's argument names and the flags that give them here.
const FLAGS: [(&str, &str); 6] = [
    ("path", "FILE"),
    ("router_name", "--router-name"),
    ("allow_other_identity", "--allow-other-identity"),
    ("macsec_interfaces", "--macsec-interface"),
    ("password_age", "--backup-password-age"),
    ("reboot_timeout", "--reboot-timeout"),
];

/// The arguments of `restore`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The local file.
    pub path: PathBuf,
    /// `--router-name`.
    pub identity: Option<String>,
    /// `--allow-other-identity`.
    pub allow_other_identity: bool,
    /// `--macsec-interface`, each.
    pub macsec_interfaces: Vec<String>,
    /// `--backup-password-age`: a file.
    pub password_age: Option<PathBuf>,
    /// `--reboot-timeout`, seconds.
    pub reboot_timeout: Option<u64>,
    /// Provider settings by attribute name (`url`, `username`, ...).
    pub provider: BTreeMap<String, String>,
}

/// Parses the arguments after `restore`; `Err("")` asks for the usage.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut path = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "--router-name" => o.identity = Some(value()?),
            "--allow-other-identity" => o.allow_other_identity = true,
            "--macsec-interface" => o.macsec_interfaces.push(value()?),
            "--backup-password-age" => o.password_age = Some(PathBuf::from(value()?)),
            "--reboot-timeout" => {
                let v = value()?;
                let n = v.parse().ok().filter(|n| (1..=86_400).contains(n));
                let n = n.ok_or_else(|| {
                    format!("--reboot-timeout {v:?} is not a number of seconds from 1 to 86400")
                })?;
                o.reboot_timeout = Some(n);
            }
            "--url" | "--username" | "--password" | "--ca-certificate" | "--timeout" => {
                let v = value()?;
                o.provider
                    .insert(flag.trim_start_matches("--").replace('-', "_"), v);
            }
            "--insecure" => {
                o.provider.insert("insecure".into(), "true".into());
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown argument {other:?}")),
            file if path.is_none() => path = Some(PathBuf::from(file)),
            other => return Err(format!("one FILE only; {other:?} is a second")),
        }
    }
    o.path = path.ok_or("give the FILE to restore")?;
    Ok(o)
}

/// A failure as the command prints it: the action's argument names
/// replaced by this command's flags.
pub fn failure_text(f: &Failure) -> String {
    let mut text = f.to_string();
    for (attr, flag) in FLAGS {
        text = text
            .replace(&format!("`{attr} = true`"), &format!("`{flag}`"))
            .replace(&format!("`{attr}`"), &format!("`{flag}`"));
    }
    text.replace("`password_wo`", "`--backup-password-age`")
}

/// The `restore` subcommand; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    crate::subcommand::main("restore", USAGE, parse(args), |opts| async move {
        run(&opts).await
    })
}

/// Connects, restores, and returns the closing line (or the error text).
pub async fn run(opts: &Options) -> Result<String, String> {
    let (configured, warnings) = crate::generate::connect_with(&opts.provider).await?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let password = match &opts.password_age {
        None => None,
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("--backup-password-age {}: {e}", file.display()))?;
            let mut diags = Diagnostics::new();
            let pw =
                secrets::decrypt_text(&text, "password_age", &configured.identities, &mut diags);
            match pw {
                Some(pw) => Some(pw),
                None => {
                    let why: Vec<String> = diags
                        .0
                        .iter()
                        .map(|d| failure_text(&Failure::new(d.summary.clone(), d.detail.clone())))
                        .collect();
                    return Err(why.join("\n"));
                }
            }
        }
    };
    let req = Request {
        path: opts.path.clone(),
        password,
        identity: opts.identity.clone(),
        allow_other_identity: opts.allow_other_identity,
        macsec_interfaces: opts.macsec_interfaces.clone(),
        timeout: opts
            .reboot_timeout
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        while let Some(line) = rx.recv().await {
            eprintln!("restore: {line}");
        }
    });
    let outcome = restore(
        &configured.router,
        &configured.identities,
        &req,
        &Progress::to_channel(tx),
    )
    .await;
    let _ = printer.await;
    match outcome {
        Ok(r) => Ok(format!(
            "restored {} from {}: identity {:?}, MACsec interfaces {:?}",
            configured.router.endpoint(),
            opts.path.display(),
            r.identity,
            r.macsec_interfaces
        )),
        Err(f) => Err(failure_text(&f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_parse_into_the_request_and_the_provider_settings() {
        let o = parse(&args(&[
            "b/edge1.backup.age",
            "--router-name=edge1",
            "--macsec-interface",
            "m1",
            "--macsec-interface=m2",
            "--backup-password-age",
            "pw.age",
            "--reboot-timeout=90",
            "--url",
            "api://r",
            "--insecure",
        ]))
        .unwrap();
        assert_eq!(o.path, PathBuf::from("b/edge1.backup.age"));
        assert_eq!(o.identity.as_deref(), Some("edge1"));
        assert_eq!(o.macsec_interfaces, ["m1", "m2"]);
        assert_eq!(o.password_age, Some(PathBuf::from("pw.age")));
        assert_eq!(o.reboot_timeout, Some(90));
        assert_eq!(o.provider["url"], "api://r");
        assert_eq!(o.provider["insecure"], "true");
        assert!(!o.allow_other_identity);
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        for (list, says) in [
            (&[][..], "give the FILE"),
            (&["a.rsc", "b.rsc"][..], "one FILE only"),
            (&["a.rsc", "--reboot-timeout=0"][..], "from 1 to 86400"),
            (
                &["a.rsc", "--router-name"][..],
                "--router-name needs a value",
            ),
            (&["a.rsc", "--force"][..], "unknown argument"),
        ] {
            let err = parse(&args(list)).unwrap_err();
            assert!(err.contains(says), "{list:?}: {err}");
        }
        assert_eq!(parse(&args(&["--help"])).unwrap_err(), "");
    }

    #[test]
    fn failures_name_the_flags_not_the_attributes() {
        let f = Failure::new(
            "Refusing to restore onto another router",
            "Set `allow_other_identity = true`, or give `router_name`.",
        );
        let text = failure_text(&f);
        assert!(text.contains("`--allow-other-identity`"), "{text}");
        assert!(text.contains("`--router-name`"), "{text}");
        assert!(!text.contains("allow_other_identity"), "{text}");
    }
}
