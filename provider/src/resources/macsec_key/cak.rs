//! The CAK itself: [`Cak`], a validated key that never shows itself; what
//! the plain `cak` attribute asks for ([`desired_cak`]); the plan-time
//! messages for a bad CAK or CKN; and what a read makes of the router's
//! answer ([`RouterCak`], [`refreshed_cak`]).

use rand::TryRngCore;
use rand::rngs::OsRng;

use super::{CAK_HEX_LEN, CAK_HOWTO, CKN_MAX_HEX_LEN};
use crate::plugin::value::Value;
use crate::routeros::Record;

/// A valid CAK: 32 hexadecimal digits, held in lower case. Its `Debug` and
/// `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Cak(String);

/// The key's memory is wiped when it is dropped.
impl Drop for Cak {
    fn drop(&mut self) {
        crate::secrets::Zeroize::zeroize(&mut self.0);
    }
}

redact::debug!(Cak);

/// Why a text is not a CAK. Messages never quote the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CakError {
    /// Not 32 characters.
    #[error(
        "the CAK must be exactly 32 hexadecimal characters (16 bytes), but it has {0} characters{hint}",
        hint = length_hint(*.0)
    )]
    Length(usize),
    /// A character that is not a hexadecimal digit.
    #[error("the CAK must be hexadecimal (0-9, a-f), but character {0} is not a hexadecimal digit")]
    NotHex(usize),
}

fn length_hint(len: usize) -> &'static str {
    match len {
        0 => " (it is empty)",
        64 => " (RouterOS takes 128-bit CAKs only; 256-bit keys are not supported)",
        _ => "",
    }
}

impl Cak {
    /// Checks `text` and keeps it in lower case.
    pub fn parse(text: &str) -> Result<Cak, CakError> {
        let len = text.chars().count();
        if len != CAK_HEX_LEN {
            return Err(CakError::Length(len));
        }
        if let Some(pos) = text.chars().position(|c| !c.is_ascii_hexdigit()) {
            return Err(CakError::NotHex(pos + 1));
        }
        Ok(Cak(text.to_ascii_lowercase()))
    }

    /// A fresh random CAK from the operating system's random source.
    pub fn random() -> Result<Cak, <OsRng as TryRngCore>::Error> {
        let mut bytes = [0u8; CAK_HEX_LEN / 2];
        OsRng.try_fill_bytes(&mut bytes)?;
        Ok(Cak(hex::encode(bytes)))
    }

    /// The key as RouterOS takes it (lower-case hex).
    pub fn as_hex(&self) -> &str {
        &self.0
    }

    /// True when `text` is this key, in any case.
    pub fn matches(&self, text: &str) -> bool {
        self.0.eq_ignore_ascii_case(text)
    }
}

/// The plan-time message for a text that is not a CAK: cause, expected
/// form, how to make one.
pub fn cak_problem(text: &str) -> Option<String> {
    Cak::parse(text).err().map(|e| {
        format!(
            "{e}. Give the pre-shared key as 32 hexadecimal characters, the same on both ends of the link; generate one with `{CAK_HOWTO}`."
        )
    })
}

/// The plan-time message for a text that is not a CKN.
pub fn ckn_problem(text: &str) -> Option<String> {
    let len = text.chars().count();
    let problem = if len == 0 {
        "the CKN is empty".to_string()
    } else if let Some(pos) = text.chars().position(|c| !c.is_ascii_hexdigit()) {
        format!(
            "the CKN must be hexadecimal (0-9, a-f), but character {} is not a hexadecimal digit",
            pos + 1
        )
    } else if len % 2 != 0 {
        format!(
            "the CKN must have an even number of hexadecimal characters (whole bytes), but it has {len}"
        )
    } else if len > CKN_MAX_HEX_LEN {
        format!("the CKN may have at most 64 hexadecimal characters (32 bytes), but it has {len}")
    } else {
        return None;
    };
    Some(format!(
        "{problem}. Give the key name as up to 64 hexadecimal characters, an even number, the same on both ends (generate one with `openssl rand -hex 32`), or leave `ckn` out to keep the one RouterOS generated."
    ))
}

/// Where the CAK to write comes from: the plain `cak` attribute. (The
/// other inputs are read by their strategies in [`super::input`].)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CakSource {
    /// `cak`, given in configuration (and kept in state).
    Plain(Cak),
    /// Not known yet (it depends on values known only after apply).
    Unknown,
    /// No CAK input is set.
    Missing,
}

/// The CAK that the `cak` attribute of the configuration or plan `value`
/// asks for. An invalid key is an error whose message never quotes it.
pub fn desired_cak(value: &Value) -> Result<CakSource, CakError> {
    match value.get("cak") {
        Some(Value::String(text)) => Cak::parse(text).map(CakSource::Plain),
        Some(Value::Unknown(_)) => Ok(CakSource::Unknown),
        _ => Ok(CakSource::Missing),
    }
}

/// What the router answered about the CAK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouterCak {
    /// Left out: the user lacks the `sensitive` policy.
    Hidden,
    /// The key, as RouterOS prints it.
    Shown(String),
}

impl RouterCak {
    /// The CAK of an `/interface/macsec` row.
    pub fn of(r: &Record) -> RouterCak {
        match r.get("cak") {
            Some(k) => RouterCak::Shown(k.clone()),
            None => RouterCak::Hidden,
        }
    }
}

/// The `cak` a read puts into state, given the state's `known` value and
/// the router's answer: the known value when the router hides the key (a
/// change on the router is then invisible) or shows the same key in any
/// case; else the router's key, which Terraform reports as drift.
pub fn refreshed_cak(known: Option<&str>, router: &RouterCak) -> Option<String> {
    match router {
        RouterCak::Hidden => known.map(str::to_string),
        RouterCak::Shown(k) => match known {
            Some(known) if known.eq_ignore_ascii_case(k) => Some(known.to_string()),
            _ => Some(k.clone()),
        },
    }
}
