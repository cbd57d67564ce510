//! The four ways of giving the CAK, one strategy each behind [`KeyInput`]:
//!
//! - [`plain::PlainKey`]: `cak`, in the clear (kept in state);
//! - [`age::AgeKey`]: `cak_age`, age ciphertext decrypted with the
//!   configuration's identities at plan and at apply;
//! - [`write_only::WriteOnlyKey`]: `cak_wo` with `cak_wo_version`;
//! - [`generated::GeneratedKey`]: none of them, with `cak_age_recipients`:
//!   the provider makes the key and hands it out as `cak_age_out`.
//!
//! Each strategy checks its own attributes ([`KeyInput::validate`]), says
//! which fingerprint a plan wants and how it treats drift
//! ([`KeyInput::plan`]), and gives the key an apply writes
//! ([`KeyInput::apply`]). What every input shares (the fingerprint in state,
//! the salt, the write and its read-back) is the resource's, in
//! [`super::plan`] and [`super::write`].

pub mod age;
pub mod generated;
pub mod plain;
pub mod write_only;

use super::cak::Cak;
use super::model::MacsecKeyModel;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::secrets::{self, Identities};

/// The four ways of giving the CAK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CakInput {
    /// `cak`, in the clear.
    Plain,
    /// `cak_age`, age ciphertext.
    Age,
    /// `cak_wo` with `cak_wo_version`, write-only.
    WriteOnly,
    /// None: generated, handed out as `cak_age_out`.
    Generated,
}

/// The attributes that set a CAK directly.
const CAK_INPUTS: [&str; 3] = ["cak", "cak_age", "cak_wo"];

/// The message for a configuration with more or fewer than one CAK input.
const ONE_INPUT: &str = "Set exactly one of `cak` (the key in the clear, kept in state), `cak_age` (the key age-encrypted) and `cak_wo` with `cak_wo_version` (write-only, Terraform 1.11+), or none of them with `cak_age_recipients` to have the provider generate the key.";

/// What to do about a key block without a CAK input, typically one that
/// `-generate-config-out` or `generate` wrote for a router key the provider
/// could not encrypt.
pub const NO_INPUT_HINT: &str = "For a key already on the router (an import, or a block `-generate-config-out` wrote), the key on the router is not known to Terraform: encrypt it to your age recipients with `terraform-provider-routeros generate --age-recipient age1...` (it writes `<interface>.cak.age` from the router) and set `cak_age = file(\"<interface>.cak.age\")`, or set `cak_wo` and `cak_wo_version`; or configure an age identity (`age_identity`, `age_identity_file` or ROUTEROS_AGE_IDENTITY) and a router user with the `sensitive` policy, so that the import writes `cak_age` itself.";

/// True when `name` is set in `config` (unknown counts as set).
pub fn is_set(config: &Value, name: &str) -> bool {
    config.get(name).is_some_and(|v| !v.is_null())
}

/// Which input `config` uses (unknown values count as set), or an error
/// diagnostic saying what to change.
pub fn cak_input(config: &Value) -> Result<CakInput, Diagnostic> {
    let set: Vec<&str> = CAK_INPUTS
        .iter()
        .copied()
        .filter(|n| is_set(config, n))
        .collect();
    let recipients = is_set(config, "cak_age_recipients");
    match (set.as_slice(), recipients) {
        (["cak"], false) => Ok(CakInput::Plain),
        (["cak_age"], false) => Ok(CakInput::Age),
        (["cak_wo"], false) => Ok(CakInput::WriteOnly),
        ([], true) => Ok(CakInput::Generated),
        ([], false) => Err(Diagnostic::error("No CAK input", format!("{ONE_INPUT} {NO_INPUT_HINT}")).at_attr("cak_age")),
        ([one], true) => Err(Diagnostic::error(
            "Conflicting CAK inputs",
            format!("`cak_age_recipients` is for a key the provider generates, but `{one}` gives the key. Remove one of them. {ONE_INPUT}"),
        )
        .at_attr("cak_age_recipients")),
        (many, _) => Err(Diagnostic::error(
            "Conflicting CAK inputs",
            format!(
                "{} are all set. {ONE_INPUT}",
                many.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" and ")
            ),
        )
        .at_attr(many.last().copied().unwrap_or("cak"))),
    }
}

/// The strategy of input `kind`.
pub fn strategy(kind: CakInput) -> &'static dyn KeyInput {
    match kind {
        CakInput::Plain => &plain::PlainKey,
        CakInput::Age => &age::AgeKey,
        CakInput::WriteOnly => &write_only::WriteOnlyKey,
        CakInput::Generated => &generated::GeneratedKey,
    }
}

/// Every strategy, in the order their checks report.
pub const ALL: [&dyn KeyInput; 4] = [
    &write_only::WriteOnlyKey,
    &age::AgeKey,
    &generated::GeneratedKey,
    &plain::PlainKey,
];

/// A fingerprint a plan wants: known, or known only after apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// This fingerprint.
    Known(String),
    /// Known only after apply (the key will be written).
    Unknown,
}

/// What a plan of the key knows, for [`KeyInput::plan`].
pub struct PlanCtx<'a> {
    /// The configuration (may hold unknowns).
    pub config: &'a Value,
    /// State before the change (`Value::Null` on create).
    pub prior_state: &'a Value,
    /// Creating (or replacing): nothing of the prior key counts.
    pub creating: bool,
    /// The fingerprint of the key on the router as last known: the one last
    /// written, else the one in state.
    pub target: Option<String>,
    /// The router's key changed since it was written (its fingerprint in
    /// state differs from the one written).
    pub drift: bool,
    /// The MACsec interface, for messages.
    pub interface: &'a str,
    /// The fingerprint salt of this resource.
    pub salt: &'a [u8],
    /// The identities of the provider configuration.
    pub identities: &'a Identities,
    /// State's `cak_age` is the provider's own encryption of the router's
    /// key, made by an import or a listing, not one the configuration gave.
    pub imported_cak_age: bool,
}

impl PlanCtx<'_> {
    /// The fingerprint of `cak` under this resource's salt.
    pub fn fingerprint(&self, cak: &Cak) -> String {
        secrets::fingerprint(self.salt, cak.as_hex())
    }

    /// True when attribute `name` of the configuration differs from state.
    pub fn changed(&self, name: &str) -> bool {
        !self
            .config
            .get(name)
            .unwrap_or(&Value::Null)
            .equivalent(self.prior_state.get(name).unwrap_or(&Value::Null))
    }
}

/// What an apply of the key knows, for [`KeyInput::apply`].
pub struct ApplyCtx<'a> {
    /// The planned state.
    pub plan: &'a MacsecKeyModel,
    /// The planned state as a value (for the plain key's form).
    pub planned: &'a Value,
    /// The configuration (write-only values are only here).
    pub config: &'a Value,
    /// State before (update), `None` on create.
    pub prior: Option<&'a MacsecKeyModel>,
    /// The key must be written: on create, when the planned fingerprint is
    /// unknown or differs from the refreshed one, or (for a key the
    /// configuration gives) when the router hid the key from the last read.
    pub must_write: bool,
    /// The identities of the provider configuration.
    pub identities: &'a Identities,
}

/// What an apply writes and makes: the key to write (`None`: the CAK on the
/// router stays), the generated key's ciphertext and a generated CKN.
#[derive(Default)]
pub struct Made {
    /// The key to write.
    pub key: Option<Cak>,
    /// `cak_age_out` of a generated key.
    pub cak_age_out: Option<String>,
    /// A generated CKN.
    pub ckn: Option<String>,
}

impl Made {
    /// Writes `key` (when the apply must write) and nothing else.
    pub fn key(key: Option<Cak>) -> Made {
        Made {
            key,
            ..Made::default()
        }
    }
}

/// One way of giving the CAK.
pub trait KeyInput: Sync {
    /// The attribute that gives the key, named in messages.
    fn attribute(&self) -> &'static str;

    /// The provider makes the key and hands it out as `cak_age_out`: it is
    /// not written again when the router hides it, and a plan does not warn
    /// that it cannot be compared.
    fn generated(&self) -> bool {
        false
    }

    /// Checks this input's own attributes of `config` (whichever input
    /// the configuration uses; unknown values are skipped).
    fn validate(&self, config: &Value, diags: &mut Diagnostics);

    /// The fingerprint the plan wants, and how this input treats drift
    /// (it may set `cak_age_out` in `planned`). `None` stops the plan: the
    /// diagnostic is pushed, or validate reported it.
    fn plan(&self, p: &PlanCtx<'_>, planned: &mut Value, diags: &mut Diagnostics) -> Option<Want>;

    /// The key an apply writes and what it makes besides; `None` with a
    /// diagnostic pushed when there is none.
    fn apply(&self, a: &ApplyCtx<'_>, diags: &mut Diagnostics) -> Option<Made>;
}

/// Pushes `d` and stops.
fn fail<T>(diags: &mut Diagnostics, d: Diagnostic) -> Option<T> {
    diags.push(d);
    None
}

redact::debug!(PlanCtx<'a>);

redact::debug!(ApplyCtx<'a>);

redact::debug!(Made);
