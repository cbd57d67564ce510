//! `/system/backup/save` and `/system/backup/load` (DESIGN.md, "Facts: backups, exports, files").
//!
//! `save name= password= encryption=aes-sha256|rc4 dont-encrypt=yes|no` writes
//! `<name>.backup` into the file area (default name `<identity>-<yyyymmdd>-<hhmm>`). As on
//! RouterOS since 6.43, a backup is encrypted only when a password is given and
//! `dont-encrypt` is not set. `load name= password=` checks the password and puts the
//! saved configuration back and reboots, as RouterOS does: every connection drops and the
//! router comes back with the restored configuration (new `.id`s); see [`load`].
//!
//! The file is not RouterOS's format (which is not public) but has the same properties:
//! binary, a header, content that depends only on the configuration (plus
//! [`FileStore::backup_padding`](crate::file_store::FileStore) bytes of padding, for
//! multi-megabyte backups), and encrypted with the password:
//!
//! ```text
//! "RSIMBAK1" | scheme u8 (0 none, 1 aes-sha256, 2 rc4) | 3 zero bytes
//! | configuration length u64 BE | padding length u64 BE
//! | when encrypted: salt [16] | MAC [32]
//! | configuration JSON, then padding (XOR a SHA-256 keystream when encrypted)
//! ```
//!
//! The key is SHA-256 over a domain tag, the scheme, a random salt and the password;
//! the keystream block `i` is SHA-256(key ‖ i); the MAC is SHA-256 over the key, the
//! header and the ciphertext, so a wrong password (or a changed file) fails `load`.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::RosError;
use crate::menu::Menu;
use crate::reply::Reply;
use crate::schema;
use crate::state::Router;
use crate::value::{Args, check_args, parse_bool};

/// First bytes of every emulated backup.
pub(crate) const MAGIC: &[u8; 8] = b"RSIMBAK1";
/// Header length without the encryption fields.
const HEADER_LEN: usize = 8 + 4 + 8 + 8;
const SALT_LEN: usize = 16;
const MAC_LEN: usize = 32;
const KEY_DOMAIN: &[u8] = b"routeros-sim backup key v1\0";

/// How a backup is encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// Not encrypted.
    None,
    /// `encryption=aes-sha256` (the default).
    AesSha256,
    /// `encryption=rc4`.
    Rc4,
}

impl Scheme {
    fn byte(self) -> u8 {
        match self {
            Scheme::None => 0,
            Scheme::AesSha256 => 1,
            Scheme::Rc4 => 2,
        }
    }

    fn from_byte(b: u8) -> Option<Scheme> {
        match b {
            0 => Some(Scheme::None),
            1 => Some(Scheme::AesSha256),
            2 => Some(Scheme::Rc4),
            _ => None,
        }
    }
}

/// The menu path (also read by `data/extract.py`).
const BACKUP: &str = "/system/backup";

fn lookup<'a>(args: &'a Args, key: &str) -> Option<&'a str> {
    args.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn allowed(router: &Router, command: &str) -> Vec<String> {
    schema::menu(router.version(), BACKUP)
        .and_then(|m| m.commands.get(command))
        .map(|args| args.keys().cloned().collect())
        .unwrap_or_default()
}

/// `/system/backup/save`: writes the backup; replies `[]`.
pub(crate) fn save(router: &mut Router, args: &Args) -> Result<Reply, RosError> {
    let names = allowed(router, "save");
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    check_args(args, &names)?;
    let dont_encrypt = match lookup(args, "dont-encrypt") {
        Some(text) => parse_bool("dont-encrypt", text)?,
        None => false,
    };
    let scheme = match lookup(args, "encryption") {
        None | Some("aes-sha256") => Scheme::AesSha256,
        Some("rc4") => Scheme::Rc4,
        Some(_) => {
            return Err(RosError::bad_request(
                "input does not match any value of encryption",
            ));
        }
    };
    let password = lookup(args, "password").filter(|p| !p.is_empty());
    let (scheme, password) = match password {
        Some(p) if !dont_encrypt => (scheme, Some(p)),
        _ => (Scheme::None, None),
    };
    let name = match lookup(args, "name") {
        Some("") => return Err(RosError::bad_request("invalid value for argument name")),
        Some(name) => name.to_string(),
        None => default_name(router),
    };
    let name = if name.ends_with(".backup") {
        name
    } else {
        format!("{name}.backup")
    };
    let config = config_json(router);
    let bytes = encode(&config, router.files.backup_padding, scheme, password);
    let now = router.clock;
    router.files.write(&name, bytes, now);
    Ok(Reply {
        status: 200,
        body: Some(Value::Array(Vec::new())),
    })
}

/// The first version seen to refuse `/system/backup/load` without `password`.
///
/// The dumps list `password` as an argument of `load` in every version (7.9.2 to 7.24)
/// without saying it is mandatory; a 7.21 router was seen to demand it (even for an
/// unencrypted backup, where an empty `password` does). When between 7.20 and 7.21 this
/// began is not known; the emulator demands it from 7.21.
const LOAD_NEEDS_PASSWORD: (u32, u32) = (7, 21);

/// `/system/backup/load`: checks the password, restores the configuration and reboots.
///
/// A router loads a backup by rebooting into it: the connection drops. Whether RouterOS
/// sends a reply before the reboot is not documented; the emulator replies `[]`, then
/// every connection (REST and API) closes and the uptime starts again
/// ([`Router::reboot`]), with the restored configuration.
pub(crate) fn load(router: &mut Router, args: &Args) -> Result<Reply, RosError> {
    let names = allowed(router, "load");
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    check_args(args, &names)?;
    let name = lookup(args, "name")
        .ok_or_else(|| RosError::bad_request("missing value(s) of argument(s) name"))?;
    let (major, minor) = LOAD_NEEDS_PASSWORD;
    if router.version().at_least(major, minor, 0) && lookup(args, "password").is_none() {
        return Err(RosError::bad_request(
            "missing value(s) of argument(s) password",
        ));
    }
    let file = router
        .files
        .find(name)
        .or_else(|| router.files.find(&format!("{name}.backup")))
        .ok_or_else(|| RosError::failure(format!("no such file {name}")))?;
    let data = file.data().clone();
    let config = decode(&data, lookup(args, "password")).map_err(RosError::failure)?;
    let config: Value = serde_json::from_slice(&config)
        .map_err(|e| RosError::failure(format!("damaged backup: {e}")))?;
    let mut draft = router.clone();
    restore(&mut draft, &config)?;
    *router = draft;
    router.reboot();
    // The first entry after a boot, as the RouterOS Log documentation shows it.
    router.log_event(&["system", "info"], "router rebooted");
    Ok(Reply {
        status: 200,
        body: Some(Value::Array(Vec::new())),
    })
}

/// `<identity>-<yyyymmdd>-<hhmm>`, RouterOS's default backup name.
fn default_name(router: &Router) -> String {
    let identity = router
        .list(Menu::Identity)
        .first()
        .and_then(|r| r.get("name").cloned())
        .unwrap_or_else(|| "MikroTik".into());
    let now = chrono::Utc::now();
    format!("{identity}-{}", now.format("%Y%m%d-%H%M"))
}

/// The configuration as deterministic JSON: the same configuration gives the same bytes.
/// Every menu adds its backup form under its own key.
pub(crate) fn config_json(router: &Router) -> Vec<u8> {
    let mut top = Map::new();
    top.insert(
        "format".into(),
        Value::String("routeros-sim backup 1".into()),
    );
    top.insert(
        "version".into(),
        Value::String(router.version().to_string()),
    );
    for menu in Menu::ALL {
        if let Some((key, value)) = menu.rules().backup(router) {
            top.insert(key.into(), value);
        }
    }
    serde_json::to_vec(&Value::Object(top)).unwrap_or_default()
}

/// `len` bytes that look random but depend only on `seed`.
fn padding(seed: &[u8], len: usize) -> Vec<u8> {
    let digest = Sha256::digest(seed);
    let mut state = u64::from_be_bytes(digest[..8].try_into().unwrap_or([1; 8])) | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let word = state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
        let take = (len - out.len()).min(8);
        out.extend_from_slice(&word[..take]);
    }
    out
}

fn derive_key(scheme: Scheme, salt: &[u8], password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(KEY_DOMAIN);
    h.update([scheme.byte()]);
    h.update(salt);
    h.update(password.as_bytes());
    h.finalize().into()
}

/// XORs `data` with the keystream of `key`.
fn apply_keystream(key: &[u8; 32], data: &mut [u8]) {
    for (i, block) in data.chunks_mut(32).enumerate() {
        let mut h = Sha256::new();
        h.update(key);
        h.update((i as u64).to_be_bytes());
        let stream = h.finalize();
        for (b, s) in block.iter_mut().zip(stream.iter()) {
            *b ^= s;
        }
    }
}

fn mac(key: &[u8; 32], header: &[u8], body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"mac");
    h.update(key);
    h.update(header);
    h.update(body);
    h.finalize().into()
}

/// The backup file for `config` with `padding_len` bytes of padding.
pub(crate) fn encode(
    config: &[u8],
    padding_len: usize,
    scheme: Scheme,
    password: Option<&str>,
) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN + SALT_LEN + MAC_LEN);
    header.extend_from_slice(MAGIC);
    header.push(scheme.byte());
    header.extend_from_slice(&[0, 0, 0]);
    header.extend_from_slice(&(config.len() as u64).to_be_bytes());
    header.extend_from_slice(&(padding_len as u64).to_be_bytes());
    let mut body = Vec::with_capacity(config.len() + padding_len);
    body.extend_from_slice(config);
    body.extend(padding(config, padding_len));
    match (scheme, password) {
        (Scheme::None, _) | (_, None) => {
            let mut out = header;
            out.extend(body);
            out
        }
        (scheme, Some(password)) => {
            let salt: [u8; SALT_LEN] = rand::random();
            let key = derive_key(scheme, &salt, password);
            apply_keystream(&key, &mut body);
            header.extend_from_slice(&salt);
            let tag = mac(&key, &header, &body);
            let mut out = header;
            out.extend_from_slice(&tag);
            out.extend(body);
            out
        }
    }
}

/// The configuration JSON inside a backup file; an error text (without `failure: `) for
/// a file that is not a backup, a missing or wrong password, or a damaged file.
pub(crate) fn decode(data: &[u8], password: Option<&str>) -> Result<Vec<u8>, String> {
    if data.len() < HEADER_LEN || &data[..8] != MAGIC {
        return Err("not a backup file".into());
    }
    let scheme = Scheme::from_byte(data[8]).ok_or("unknown backup encryption")?;
    let word = |at: usize| -> usize {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[at..at + 8]);
        usize::try_from(u64::from_be_bytes(b)).unwrap_or(usize::MAX)
    };
    let config_len = word(12);
    let padding_len = word(20);
    let body_at = match scheme {
        Scheme::None => HEADER_LEN,
        _ => HEADER_LEN + SALT_LEN + MAC_LEN,
    };
    if data.len() < body_at || data.len() - body_at != config_len.saturating_add(padding_len) {
        return Err("damaged backup: wrong length".into());
    }
    let mut body = data[body_at..].to_vec();
    if scheme != Scheme::None {
        let password = password
            .filter(|p| !p.is_empty())
            .ok_or("password required: the backup is encrypted")?;
        let salt = &data[HEADER_LEN..HEADER_LEN + SALT_LEN];
        let key = derive_key(scheme, salt, password);
        let header = &data[..HEADER_LEN + SALT_LEN];
        let stored = &data[HEADER_LEN + SALT_LEN..body_at];
        if mac(&key, header, &body)[..] != stored[..] {
            return Err("wrong password or damaged backup".into());
        }
        apply_keystream(&key, &mut body);
    }
    body.truncate(config_len);
    Ok(body)
}

/// Puts the configuration of a backup back onto `router` (a draft the caller discards
/// on error): every menu clears what it restores (in reverse registry order), then
/// restores its part (in registry order).
fn restore(router: &mut Router, config: &Value) -> Result<(), RosError> {
    for menu in Menu::ALL.iter().rev() {
        menu.rules().clear(router)?;
    }
    for menu in Menu::ALL {
        menu.rules().restore(router, config)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
