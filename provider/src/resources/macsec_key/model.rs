//! The state model of `routeros_macsec_key` and its mapping to and from
//! the `/interface/macsec` row.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cak::{Cak, RouterCak, refreshed_cak};
use crate::routeros::Record;

/// The key pair of one MACsec interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MacsecKeyModel {
    /// RouterOS's id of the MACsec interface entry (such as `*1`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Name of the MACsec interface whose keys these are, such as `macsec1`
    /// (usually `routeros_macsec_interface.<name>.name`). On a change, the
    /// interface the key leaves gets a random CAK.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub interface: String,
    /// The pre-shared Connectivity Association Key in the clear: exactly 32
    /// hexadecimal characters (128 bits), the same on both ends of the link.
    /// Generate one with `openssl rand -hex 16`. Upper- or lower-case digits
    /// are accepted; RouterOS stores the key in lower case, and a change of
    /// case alone is not a change. **The key is kept in Terraform state and
    /// plan files** (marked sensitive, so not printed): use it only where
    /// state is protected like the key itself; `cak_age` and `cak_wo` keep
    /// it out. Set exactly one of `cak`, `cak_age` and `cak_wo`, or none of
    /// them with `cak_age_recipients`. Works on every Terraform and OpenTofu
    /// version.
    #[schemars(extend("x-tf-sensitive" = true))]
    pub cak: Option<String>,
    /// The CAK as age ciphertext: armored text as `age --armor` or
    /// `rage --armor` writes it (usually `file("uplink.cak.age")`), or a
    /// binary age file read with `filebase64()`; the plaintext is the 32
    /// hexadecimal characters of the key (surrounding whitespace is
    /// ignored). The provider decrypts it with its age identities
    /// (`age_identity`, `age_identity_file`, `ROUTEROS_AGE_IDENTITY`, SOPS's
    /// key) at plan time, to compare it with the key on the router, and at
    /// apply. State keeps only this ciphertext and `cak_fingerprint`. The
    /// same key re-encrypted to other recipients is not a change on the
    /// router: the plan updates state only. Works on every Terraform and
    /// OpenTofu version.
    pub cak_age: Option<String>,
    /// The CAK as a write-only value: never stored in plan or state, so it
    /// may come from an ephemeral value such as
    /// `ephemeral.routeros_age_secret.<name>.plaintext`. Needs Terraform
    /// 1.11+ or OpenTofu 1.11+. Since Terraform cannot compare a value it
    /// does not keep, the key is written on create and whenever
    /// `cak_wo_version` changes (or the router's key no longer matches
    /// `cak_fingerprint`); a new value with the same version is not applied.
    #[schemars(extend(
        "x-tf-sensitive" = true,
        "x-tf-write-only" = true,
        "x-tf-write-only-alternative" = "`cak_age` (the key age-encrypted, decrypted by the provider; any version) or `cak` (in the clear, kept in state)"
    ))]
    pub cak_wo: Option<String>,
    /// Version of `cak_wo`, required with it: any number; change it (for
    /// example increment it) to write a new `cak_wo` to the router.
    pub cak_wo_version: Option<i64>,
    /// Generate the key: with none of `cak`, `cak_age` and `cak_wo` set, the
    /// provider creates a random CAK (and, unless `ckn` is set, a random
    /// CKN) from the operating system's random source, writes it to the
    /// router and hands it out only as `cak_age_out`, encrypted to these
    /// recipients (`age1...` X25519 recipients or `ssh-ed25519` /
    /// `ssh-rsa` public keys), so that an operator can configure the peer.
    /// Changing the list re-encrypts the same key, which needs an identity
    /// of the provider that can decrypt the current `cak_age_out`.
    pub cak_age_recipients: Option<Vec<String>>,
    /// The generated CAK, age-encrypted (armored) to `cak_age_recipients`;
    /// null for the other inputs. Decrypt it with
    /// `terraform output -raw ... | age -d -i key.txt`.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub cak_age_out: Option<String>,
    /// Salted SHA-256 (hex) of the CAK on the router, so that a changed key
    /// is seen without storing it. Changes when the key changes; where the
    /// router shows the CAK (the user's group has the `sensitive` policy) a
    /// key changed on the router is drift.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub cak_fingerprint: Option<String>,
    /// The Connectivity Association Name that identifies the key: an even
    /// number of hexadecimal characters, at most 64, the same on both ends.
    /// Left out, the MACsec interface keeps the CKN RouterOS generated for
    /// it, and this attribute reports it.
    #[schemars(extend("x-tf-computed" = true))]
    pub ckn: Option<String>,
}

/// The `ckn` a read puts into state: the known form when the router's CKN
/// is the same (any case), else the router's.
pub fn refreshed_ckn(known: Option<&str>, router: Option<&str>) -> Option<String> {
    match (known, router) {
        (Some(known), Some(r)) if known.eq_ignore_ascii_case(r) => Some(known.to_string()),
        (_, Some(r)) => Some(r.to_string()),
        (known, None) => known.map(str::to_string),
    }
}

/// The state model of router row `r`, keeping the forms of `prior`.
pub fn from_record(r: &Record, prior: Option<&MacsecKeyModel>) -> MacsecKeyModel {
    MacsecKeyModel {
        id: r.get(".id").cloned(),
        interface: r.get("name").cloned().unwrap_or_default(),
        cak: refreshed_cak(prior.and_then(|p| p.cak.as_deref()), &RouterCak::of(r)),
        ckn: refreshed_ckn(
            prior.and_then(|p| p.ckn.as_deref()),
            r.get("ckn").map(String::as_str),
        ),
        ..MacsecKeyModel::default()
    }
}

/// The arguments that write `cak` and the planned `ckn`, leaving out what
/// `prior` already has.
pub fn key_args(cak: &Cak, planned_ckn: Option<&str>, prior: Option<&MacsecKeyModel>) -> Record {
    let mut args = Record::new();
    if prior
        .and_then(|p| p.cak.as_deref())
        .is_none_or(|old| !cak.matches(old))
    {
        args.insert("cak".into(), cak.as_hex().to_string());
    }
    if let Some(ckn) = planned_ckn {
        let same = prior
            .and_then(|p| p.ckn.as_deref())
            .is_some_and(|old| old.eq_ignore_ascii_case(ckn));
        if !same {
            args.insert("ckn".into(), ckn.to_ascii_lowercase());
        }
    }
    args
}
