//! Identities: the secret keys that decrypt `*_age` inputs.
//!
//! Sources, in order; the first one that is set wins (later ones are
//! fallbacks, not additions), so a repository already set up for SOPS works
//! unchanged while an explicit setting always takes precedence:
//!
//! 1. provider attributes `age_identity` (the key text) and
//!    `age_identity_file` (a path); both may be given and are combined;
//! 2. environment variables `ROUTEROS_AGE_IDENTITY` and
//!    `ROUTEROS_AGE_IDENTITY_FILE` (combined);
//! 3. SOPS's `SOPS_AGE_KEY` and `SOPS_AGE_KEY_FILE` (combined);
//! 4. SOPS's default key file: `$XDG_CONFIG_HOME/sops/age/keys.txt`, else
//!    `$HOME/.config/sops/age/keys.txt` (Linux),
//!    `$HOME/Library/Application Support/sops/age/keys.txt` (macOS),
//!    `%AppData%\sops\age\keys.txt` (Windows).
//!
//! A source holds age X25519 identities (`AGE-SECRET-KEY-1...` lines, with
//! `#` comments and blank lines), unencrypted OpenSSH private keys
//! (ed25519 or RSA), or both. Nothing is read until [`Identities::load`]
//! is first called, which happens only when a value must be decrypted.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::SecretError;

/// Largest identity file read (the limit rage applies too).
const MAX_IDENTITY_FILE: u64 = 16 << 20;

/// Environment variable: identity text.
pub(super) const ENV_IDENTITY: &str = "ROUTEROS_AGE_IDENTITY";
/// Environment variable: identity file path.
pub(super) const ENV_IDENTITY_FILE: &str = "ROUTEROS_AGE_IDENTITY_FILE";
/// SOPS's environment variable: identity text.
pub(super) const ENV_SOPS_KEY: &str = "SOPS_AGE_KEY";
/// SOPS's environment variable: identity file path.
pub(super) const ENV_SOPS_KEY_FILE: &str = "SOPS_AGE_KEY_FILE";

/// Reads one environment variable (injectable so tests need not touch the
/// process environment).
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The identity settings of the provider configuration.
#[derive(Default, Clone)]
pub struct IdentityConfig {
    /// `age_identity`: identity text (sensitive).
    pub age_identity: Option<SecretString>,
    /// `age_identity_file`: path of an identity file.
    pub age_identity_file: Option<PathBuf>,
}

redact::debug!(IdentityConfig {
    age_identity = |c| c.age_identity.as_ref().map(|_| "(sensitive)"),
    age_identity_file
});

/// One identity with the place it came from.
pub struct IdentitySource {
    /// Where it came from, for diagnostics (an attribute, a variable, a path;
    /// never the key).
    pub source: String,
    identity: Box<dyn age::Identity + Send + Sync>,
    /// The identity's public recipient (`age1...` or an SSH public key),
    /// when age can derive it.
    recipient: Option<String>,
}

impl IdentitySource {
    /// The identity, for [`super::decrypt`].
    pub(crate) fn identity(&self) -> &dyn age::Identity {
        self.identity.as_ref()
    }
}

redact::debug!(IdentitySource { source });

/// The identities available to this provider instance, loaded on first use.
pub struct Identities {
    config: IdentityConfig,
    env: EnvLookup,
    loaded: OnceLock<Result<Vec<IdentitySource>, SecretError>>,
}

redact::debug!(Identities {
    config,
    loaded = |i| i.loaded.get().map(|r| r.as_ref().map(|v| v.len()))
});

impl Default for Identities {
    fn default() -> Self {
        Identities::new(IdentityConfig::default())
    }
}

/// One place an identity may come from, before reading it.
enum Place {
    /// Key text, from an attribute or a variable.
    Text { label: String, text: SecretString },
    /// A file that must exist.
    File { label: String, path: PathBuf },
    /// SOPS's default file: used only when it exists.
    DefaultFile { path: PathBuf },
}

impl Identities {
    /// Identities from the provider configuration, falling back to the
    /// process environment.
    pub fn new(config: IdentityConfig) -> Self {
        Identities::with_env(config, Arc::new(|name: &str| std::env::var(name).ok()))
    }

    /// Identities from the provider configuration, falling back to the given
    /// environment lookup.
    pub fn with_env(config: IdentityConfig, env: EnvLookup) -> Self {
        Identities {
            config,
            env,
            loaded: OnceLock::new(),
        }
    }

    /// Identities that come only from the given text (tests, tools).
    pub fn from_text(label: &str, text: SecretString) -> Result<Self, SecretError> {
        let ids = Identities::with_env(IdentityConfig::default(), Arc::new(|_: &str| None));
        let parsed = parse_identities(label, text.expose_secret())?;
        // A fresh OnceLock cannot be set already.
        let _ = ids.loaded.set(Ok(parsed));
        Ok(ids)
    }

    /// The identities, reading their sources on the first call. Errors are
    /// remembered, so every later call reports the same problem.
    pub fn load(&self) -> Result<&[IdentitySource], SecretError> {
        match self.loaded.get_or_init(|| self.read_sources()) {
            Ok(ids) => Ok(ids.as_slice()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The public recipients of the identities (one per identity whose
    /// recipient age can derive), so a value encrypted to them can be
    /// decrypted here. Reads the sources like [`Identities::load`].
    pub fn recipients(&self) -> Result<Vec<String>, SecretError> {
        Ok(self
            .load()?
            .iter()
            .filter_map(|s| s.recipient.clone())
            .collect())
    }

    /// Every place consulted, in order, as diagnostics name them.
    pub fn looked_at(&self) -> Vec<String> {
        let mut names = vec![
            "provider attribute `age_identity`".to_owned(),
            "provider attribute `age_identity_file`".to_owned(),
            format!("environment variable {ENV_IDENTITY}"),
            format!("environment variable {ENV_IDENTITY_FILE}"),
            format!("environment variable {ENV_SOPS_KEY}"),
            format!("environment variable {ENV_SOPS_KEY_FILE}"),
        ];
        match self.default_sops_file() {
            Some(path) => names.push(format!("SOPS's default key file {}", path.display())),
            None => names.push(
                "SOPS's default key file (not located: neither XDG_CONFIG_HOME nor HOME is set)"
                    .to_owned(),
            ),
        }
        names
    }

    fn env(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.trim().is_empty())
    }

    /// The first tier of sources that is set.
    fn places(&self) -> Vec<Place> {
        let tier = |text: Option<(String, SecretString)>, file: Option<(String, PathBuf)>| {
            let mut out = Vec::new();
            if let Some((label, text)) = text {
                out.push(Place::Text { label, text });
            }
            if let Some((label, path)) = file {
                out.push(Place::File { label, path });
            }
            out
        };
        let provider = tier(
            self.config
                .age_identity
                .clone()
                .filter(|t| !t.expose_secret().trim().is_empty())
                .map(|t| ("provider attribute `age_identity`".to_owned(), t)),
            self.config
                .age_identity_file
                .clone()
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| {
                    (
                        format!("provider attribute `age_identity_file` ({})", p.display()),
                        p,
                    )
                }),
        );
        if !provider.is_empty() {
            return provider;
        }
        for (text_var, file_var) in [
            (ENV_IDENTITY, ENV_IDENTITY_FILE),
            (ENV_SOPS_KEY, ENV_SOPS_KEY_FILE),
        ] {
            let places = tier(
                self.env(text_var).map(|t| {
                    (
                        format!("environment variable {text_var}"),
                        SecretString::from(t),
                    )
                }),
                self.env(file_var).map(|p| {
                    let path = PathBuf::from(p);
                    (
                        format!("environment variable {file_var} ({})", path.display()),
                        path,
                    )
                }),
            );
            if !places.is_empty() {
                return places;
            }
        }
        match self.default_sops_file() {
            Some(path) if path.exists() => vec![Place::DefaultFile { path }],
            _ => Vec::new(),
        }
    }

    /// SOPS's default key file for this platform, if it can be located.
    fn default_sops_file(&self) -> Option<PathBuf> {
        let tail = Path::new("sops").join("age").join("keys.txt");
        if let Some(xdg) = self.env("XDG_CONFIG_HOME") {
            return Some(PathBuf::from(xdg).join(tail));
        }
        if cfg!(windows) {
            return self.env("APPDATA").map(|d| PathBuf::from(d).join(tail));
        }
        let home = PathBuf::from(self.env("HOME")?);
        if cfg!(target_os = "macos") {
            Some(home.join("Library").join("Application Support").join(tail))
        } else {
            Some(home.join(".config").join(tail))
        }
    }

    fn read_sources(&self) -> Result<Vec<IdentitySource>, SecretError> {
        let places = self.places();
        if places.is_empty() {
            return Err(SecretError::NoIdentity {
                looked_at: self.looked_at(),
            });
        }
        let mut all = Vec::new();
        for place in places {
            match place {
                Place::Text { label, text } => {
                    all.extend(parse_identities(&label, text.expose_secret())?)
                }
                Place::File { label, path } => all.extend(read_identity_file(&label, &path)?),
                Place::DefaultFile { path } => {
                    let label = format!("SOPS's default key file {}", path.display());
                    all.extend(read_identity_file(&label, &path)?)
                }
            }
        }
        Ok(all)
    }
}

/// Reads and parses an identity file.
fn read_identity_file(label: &str, path: &Path) -> Result<Vec<IdentitySource>, SecretError> {
    let unreadable = |reason: String| SecretError::InvalidIdentity {
        source_name: label.to_owned(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| {
        unreadable(format!(
            "cannot open the file ({e}); check the path and its permissions"
        ))
    })?;
    let mut text = Zeroizing::new(String::new());
    BufReader::new(file)
        .take(MAX_IDENTITY_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| unreadable(format!("cannot read the file as UTF-8 text ({})", e.kind())))?;
    if text.len() as u64 > MAX_IDENTITY_FILE {
        return Err(unreadable(
            "the file is larger than 16 MiB; it is not an identity file".to_owned(),
        ));
    }
    parse_identities(label, &text)
}

/// Parses identity text: `AGE-SECRET-KEY-1...` lines, comments, blank lines
/// and OpenSSH private key blocks.
fn parse_identities(label: &str, text: &str) -> Result<Vec<IdentitySource>, SecretError> {
    let invalid = |reason: String| SecretError::InvalidIdentity {
        source_name: label.to_owned(),
        reason,
    };
    let mut out = Vec::new();
    let mut pem: Option<(usize, Zeroizing<String>)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.trim();
        if let Some((start, block)) = pem.as_mut() {
            block.push_str(line);
            block.push('\n');
            if line.starts_with("-----END ") {
                let start = *start;
                let block = pem.take().map(|(_, b)| b).unwrap_or_default();
                out.push(IdentitySource {
                    source: format!("{label} (SSH key at line {start})"),
                    identity: parse_ssh(&block)
                        .map_err(|r| invalid(format!("line {start}: {r}")))?,
                    recipient: ssh_recipient(&block),
                });
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("-----BEGIN ") {
            let mut block = Zeroizing::new(String::with_capacity(4096));
            block.push_str(line);
            block.push('\n');
            pem = Some((line_no, block));
            continue;
        }
        match line.parse::<age::x25519::Identity>() {
            Ok(id) => out.push(IdentitySource {
                source: label.to_owned(),
                recipient: Some(id.to_public().to_string()),
                identity: Box::new(id),
            }),
            Err(_) if line.starts_with("AGE-PLUGIN-") => {
                return Err(invalid(format!(
                    "line {line_no} is an age plugin identity, which this provider does not \
                     support; use an X25519 identity (`age-keygen`) or an SSH key"
                )));
            }
            Err(_) => {
                return Err(invalid(format!(
                    "line {line_no} is neither an `AGE-SECRET-KEY-1...` identity, a comment, nor \
                     part of an OpenSSH private key"
                )));
            }
        }
    }
    if let Some((start, _)) = pem {
        return Err(invalid(format!(
            "the private key block starting at line {start} has no END line"
        )));
    }
    if out.is_empty() {
        return Err(invalid(
            "it contains no identity (only comments or blank lines)".to_owned(),
        ));
    }
    Ok(out)
}

/// The public key of an SSH private key block, as an age recipient.
fn ssh_recipient(block: &str) -> Option<String> {
    let id = age::ssh::Identity::from_buffer(block.as_bytes(), None).ok()?;
    age::ssh::Recipient::try_from(id)
        .ok()
        .map(|r| r.to_string())
}

/// Parses one PEM block as an SSH private key.
fn parse_ssh(block: &str) -> Result<Box<dyn age::Identity + Send + Sync>, String> {
    match age::ssh::Identity::from_buffer(block.as_bytes(), None) {
        Ok(age::ssh::Identity::Unencrypted(key)) => Ok(Box::new(age::ssh::Identity::Unencrypted(key))),
        Ok(age::ssh::Identity::Encrypted(_)) => Err("the SSH private key is protected by a passphrase, \
                                                     and the provider cannot prompt for one; give an \
                                                     unencrypted copy (kept outside git) or an age identity"
            .to_owned()),
        Ok(age::ssh::Identity::Unsupported(_)) => Err("this kind of SSH private key is not supported by age; \
                                                       use an ssh-ed25519 or ssh-rsa key or an age identity"
            .to_owned()),
        Err(_) => Err("not a valid OpenSSH private key".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    pub(crate) const SSH_KEY: &str = include_str!("testdata/test_only_ssh_ed25519");

    fn env(vars: &[(&str, &str)]) -> EnvLookup {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Arc::new(move |name: &str| map.get(name).cloned())
    }

    fn secret_of(id: &age::x25519::Identity) -> String {
        id.to_string().expose_secret().to_owned()
    }

    #[test]
    fn nothing_configured_names_every_place_looked_at() {
        let ids = Identities::with_env(
            IdentityConfig::default(),
            env(&[("HOME", "/nonexistent-home")]),
        );
        let err = ids.load().err().unwrap();
        let SecretError::NoIdentity { looked_at } = &err else {
            panic!("{err:?}")
        };
        let all = looked_at.join("\n");
        for name in [
            "age_identity`",
            "age_identity_file",
            "ROUTEROS_AGE_IDENTITY",
            "ROUTEROS_AGE_IDENTITY_FILE",
            "SOPS_AGE_KEY",
            "SOPS_AGE_KEY_FILE",
            "/nonexistent-home/",
        ] {
            assert!(all.contains(name), "{name} missing from {all}");
        }
    }

    #[test]
    fn provider_text_with_comments_and_several_keys() {
        let (a, b) = (
            age::x25519::Identity::generate(),
            age::x25519::Identity::generate(),
        );
        let text = format!(
            "# created: now\n# public key: {}\n{}\n\n  {}  \n",
            a.to_public(),
            secret_of(&a),
            secret_of(&b)
        );
        let cfg = IdentityConfig {
            age_identity: Some(SecretString::from(text)),
            age_identity_file: None,
        };
        let ids = Identities::with_env(cfg, env(&[]));
        let loaded = ids.load().unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[0].source, "provider attribute `age_identity`");
    }

    #[test]
    fn provider_configuration_wins_over_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys.txt");
        let id = age::x25519::Identity::generate();
        std::fs::write(&file, format!("{}\n", secret_of(&id))).unwrap();
        let cfg = IdentityConfig {
            age_identity: None,
            age_identity_file: Some(file.clone()),
        };
        let other = age::x25519::Identity::generate();
        let ids = Identities::with_env(cfg, env(&[(ENV_IDENTITY, &secret_of(&other))]));
        let loaded = ids.load().unwrap();
        assert_eq!(loaded.len(), 1);
        assert!(
            loaded[0].source.contains("age_identity_file"),
            "{}",
            loaded[0].source
        );
        assert!(loaded[0].source.contains(&file.display().to_string()));
    }

    #[test]
    fn environment_tiers_in_order() {
        let id = age::x25519::Identity::generate();
        let s = secret_of(&id);
        let ids = Identities::with_env(
            IdentityConfig::default(),
            env(&[(ENV_SOPS_KEY, &s), (ENV_IDENTITY, &s)]),
        );
        assert_eq!(
            ids.load().unwrap()[0].source,
            "environment variable ROUTEROS_AGE_IDENTITY"
        );
        let ids = Identities::with_env(
            IdentityConfig::default(),
            env(&[(ENV_SOPS_KEY, &s), (ENV_IDENTITY, " ")]),
        );
        assert_eq!(
            ids.load().unwrap()[0].source,
            "environment variable SOPS_AGE_KEY"
        );
    }

    #[test]
    fn sops_default_file_under_xdg_config_home() {
        let dir = tempfile::tempdir().unwrap();
        let sops = dir.path().join("sops").join("age");
        std::fs::create_dir_all(&sops).unwrap();
        let id = age::x25519::Identity::generate();
        std::fs::write(
            sops.join("keys.txt"),
            format!("# test\n{}\n", secret_of(&id)),
        )
        .unwrap();
        let xdg = dir.path().display().to_string();
        let ids =
            Identities::with_env(IdentityConfig::default(), env(&[("XDG_CONFIG_HOME", &xdg)]));
        let loaded = ids.load().unwrap();
        assert!(
            loaded[0].source.starts_with("SOPS's default key file"),
            "{}",
            loaded[0].source
        );
    }

    #[test]
    fn missing_configured_file_is_an_error_naming_the_path() {
        let ids = Identities::with_env(
            IdentityConfig::default(),
            env(&[(ENV_IDENTITY_FILE, "/definitely/not/here.txt")]),
        );
        let msg = ids.load().err().unwrap().to_string();
        assert!(msg.contains("ROUTEROS_AGE_IDENTITY_FILE"), "{msg}");
        assert!(msg.contains("/definitely/not/here.txt"), "{msg}");
    }

    #[test]
    fn bad_line_is_reported_by_number_without_content() {
        let id = age::x25519::Identity::generate();
        let mut secret = secret_of(&id);
        secret.pop();
        let text = format!("# comment\n{secret}\n");
        let err = parse_identities("test", &text).err().unwrap().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(!err.contains(&secret[..30]), "{err}");
    }

    #[test]
    fn ssh_ed25519_private_key_and_x25519_together() {
        let id = age::x25519::Identity::generate();
        let text = format!("{}\n{}", secret_of(&id), SSH_KEY);
        let loaded = parse_identities("mixed", &text).unwrap();
        assert_eq!(loaded.len(), 2);
        assert!(
            loaded[1].source.contains("SSH key at line 2"),
            "{}",
            loaded[1].source
        );
    }

    #[test]
    fn recipients_of_x25519_and_ssh_identities() {
        let id = age::x25519::Identity::generate();
        let text = format!("{}\n{}", secret_of(&id), SSH_KEY);
        let ids = Identities::from_text("mixed", SecretString::from(text)).unwrap();
        let ssh_pub = include_str!("testdata/test_only_ssh_ed25519.pub");
        let ssh_pub: Vec<&str> = ssh_pub.split_whitespace().take(2).collect();
        assert_eq!(
            ids.recipients().unwrap(),
            vec![id.to_public().to_string(), ssh_pub.join(" ")]
        );
    }

    #[test]
    fn truncated_ssh_key_is_refused() {
        let cut: String = SSH_KEY.lines().take(3).collect::<Vec<_>>().join("\n");
        let err = parse_identities("cut", &cut).err().unwrap().to_string();
        assert!(err.contains("no END line"), "{err}");
    }

    #[test]
    fn debug_never_shows_the_identity() {
        let id = age::x25519::Identity::generate();
        let s = secret_of(&id);
        let cfg = IdentityConfig {
            age_identity: Some(SecretString::from(s.clone())),
            age_identity_file: None,
        };
        let ids = Identities::with_env(cfg, env(&[]));
        ids.load().unwrap();
        let dbg = format!("{ids:?} {:?}", ids.load().unwrap());
        assert!(!dbg.contains(&s), "{dbg}");
        assert!(!dbg.contains("AGE-SECRET-KEY"), "{dbg}");
    }
}
