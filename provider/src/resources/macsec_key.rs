//! `routeros_macsec_key`: the pre-shared key pair (`cak`, `ckn`) of one
//! `/interface/macsec` entry, kept apart from `routeros_macsec_interface` so
//! that keys have their own lifecycle.
//!
//! The CAK is handled in three separate steps, so that further ways of
//! giving it (age ciphertext, write-only values, generated keys) slot in
//! without touching the rest:
//!
//! 1. [`desired_cak`]: where the key to write comes from ([`CakSource`]);
//! 2. writing it (create, update) as a validated [`Cak`];
//! 3. [`refreshed_cak`]: what a read makes of the router's answer
//!    ([`RouterCak`]): a changed key is drift when the router shows it, and
//!    invisible when it hides it (users without the `sensitive` policy).
//!
//! Destroying the resource does not leave the old key behind: the CAK is
//! replaced with a fresh random one from the operating system's random
//! source, so the old pre-shared key stops working.

use std::fmt;

use async_trait::async_trait;
use rand::TryRngCore;
use rand::rngs::OsRng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::request_diagnostic;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private, Resource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::{Value, from_model, to_model};
use crate::routeros::{Client, Record};

/// The RouterOS menu whose entries carry the keys.
pub const MENU: &str = "/interface/macsec";

/// RouterOS argument names and the Terraform attributes they map to.
const ATTRIBUTES: &[(&str, &str)] = &[("cak", "cak"), ("ckn", "ckn"), ("interface", "interface")];

/// Length of a CAK in hexadecimal characters (16 bytes, 128 bits).
pub const CAK_HEX_LEN: usize = 32;

/// Longest CKN in hexadecimal characters (32 bytes).
pub const CKN_MAX_HEX_LEN: usize = 64;

/// Private-state key: whether the last read could see the CAK.
const PRIVATE_CAK_READABLE: &str = "cak_readable";

/// The command that makes a good CAK, quoted in messages and docs.
pub const CAK_HOWTO: &str = "openssl rand -hex 16";

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
    /// The pre-shared Connectivity Association Key: exactly 32 hexadecimal
    /// characters (128 bits), the same on both ends of the link. Generate
    /// one with `openssl rand -hex 16`. Upper- or lower-case digits are
    /// accepted; RouterOS stores the key in lower case, and a change of case
    /// alone is not a change. The key is kept in Terraform state (marked
    /// sensitive): protect the state accordingly.
    #[schemars(required, extend("x-tf-sensitive" = true))]
    pub cak: Option<String>,
    /// The Connectivity Association Name that identifies the key: an even
    /// number of hexadecimal characters, at most 64, the same on both ends.
    /// Left out, the MACsec interface keeps the CKN RouterOS generated for
    /// it, and this attribute reports it.
    #[schemars(extend("x-tf-computed" = true))]
    pub ckn: Option<String>,
}

// ---------------------------------------------------------------------------
// The CAK: validation, where it comes from, how a read compares it
// ---------------------------------------------------------------------------

/// A valid CAK: 32 hexadecimal digits, held in lower case. Its `Debug` and
/// `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Cak(String);

impl fmt::Debug for Cak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cak(<redacted>)")
    }
}

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

/// Where the CAK to write comes from. Today only the plain `cak`
/// attribute; the age-encrypted, write-only and generated inputs become
/// further variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CakSource {
    /// `cak`, given in configuration (and kept in state).
    Plain(Cak),
    /// Not known yet (it depends on values known only after apply).
    Unknown,
    /// No CAK input is set.
    Missing,
}

/// The CAK that the configuration or plan `value` asks for. An invalid
/// key is an error whose message never quotes it.
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

// ---------------------------------------------------------------------------
// The resource
// ---------------------------------------------------------------------------

/// The `routeros_macsec_key` resource.
#[derive(Debug, Default)]
pub struct MacsecKey;

/// How a lookup of the key's interface turned out.
enum Lookup {
    /// The entry.
    Found(Record),
    /// No entry of that name (or a different entry than the state's).
    Gone,
}

impl MacsecKey {
    fn state(&self, model: &MacsecKeyModel, diags: &mut Diagnostics) -> Option<Value> {
        match from_model(model, &self.schema().block.value_type()) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Internal error building state",
                    e.to_string(),
                ));
                None
            }
        }
    }

    fn model(&self, value: &Value, diags: &mut Diagnostics) -> Option<MacsecKeyModel> {
        match to_model(value) {
            Ok(m) => Some(m),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Internal error reading the plan",
                    e.to_string(),
                ));
                None
            }
        }
    }

    /// The entry named `model.interface`. When `model.id` is known and the
    /// entry has another id, the interface was removed and made again: the
    /// key in state is not on it, so it counts as gone.
    async fn lookup(
        &self,
        client: &Client,
        model: &MacsecKeyModel,
    ) -> Result<Lookup, crate::routeros::Error> {
        let found = client.find(MENU, "name", &model.interface).await?;
        Ok(match found {
            Some(r) if model.id.is_none() || r.get(".id") == model.id.as_ref() => Lookup::Found(r),
            Some(r) => {
                log::info!(
                    "{MENU} {:?} is now {} (was {}): the key in state is gone",
                    model.interface,
                    r.get(".id").map(String::as_str).unwrap_or("?"),
                    model.id.as_deref().unwrap_or("?")
                );
                Lookup::Gone
            }
            None => Lookup::Gone,
        })
    }

    /// The CAK to write, or an error diagnostic.
    fn cak_to_write(
        &self,
        planned: &Value,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Cak> {
        let source = desired_cak(config).and_then(|s| match s {
            // The configuration carries the key; the plan has the same.
            CakSource::Missing | CakSource::Unknown => desired_cak(planned),
            known => Ok(known),
        });
        match source {
            Ok(CakSource::Plain(cak)) => Some(cak),
            Ok(CakSource::Unknown | CakSource::Missing) => {
                diags.push(
                    Diagnostic::error(
                        "No CAK to write",
                        format!("`cak` has no value at apply time. Set it to the pre-shared key: 32 hexadecimal characters, such as the output of `{CAK_HOWTO}`."),
                    )
                    .at_attr("cak"),
                );
                None
            }
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "Invalid CAK",
                        format!("{e}. Generate one with `{CAK_HOWTO}`."),
                    )
                    .at_attr("cak"),
                );
                None
            }
        }
    }

    /// Writes the key to the entry named `plan.interface` and returns the
    /// new state. `prior` is the state before (update) or `None` (create).
    async fn write(
        &self,
        ctx: &Ctx<Client>,
        plan: &MacsecKeyModel,
        cak: &Cak,
        prior: Option<&MacsecKeyModel>,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let action = if prior.is_some() {
            "updating"
        } else {
            "setting"
        };
        let what = format!("{action} the key of MACsec interface {:?}", plan.interface);
        let record = match ctx.client.find(MENU, "name", &plan.interface).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                diags.push(
                    Diagnostic::error(
                        "No such MACsec interface",
                        format!(
                            "The router at {} has no MACsec interface named {:?}, so its key cannot be set. Create it with routeros_macsec_interface and refer to it (interface = routeros_macsec_interface.<name>.name) so that Terraform creates it first, or correct `interface`.",
                            ctx.client.endpoint(),
                            plan.interface
                        ),
                    )
                    .at_attr("interface"),
                );
                return None;
            }
            Err(e) => {
                diags.push(request_diagnostic(&what, &e, &[]));
                return None;
            }
        };
        let Some(id) = record.get(".id").cloned() else {
            diags.push(Diagnostic::error(
                "MACsec interface without an id",
                format!(
                    "RouterOS listed {:?} without an .id. Check the router, then run apply again.",
                    plan.interface
                ),
            ));
            return None;
        };
        // Compare with what the router has, so an update writes what
        // drifted too. Where the router hides the CAK, it is written
        // whenever the key is touched: what is there cannot be known.
        let mut current = from_record(&record, prior);
        if RouterCak::of(&record) == RouterCak::Hidden {
            current.cak = None;
        }
        let args = key_args(
            cak,
            plan.ckn.as_deref(),
            Some(&current).filter(|_| prior.is_some()),
        );
        if !args.is_empty() {
            if let Err(e) = ctx.client.set(MENU, &id, &args).await {
                diags.push(request_diagnostic(&what, &e, ATTRIBUTES));
                return None;
            }
            log::info!(
                "{what}: wrote {} to {MENU} {id}",
                args.keys().cloned().collect::<Vec<_>>().join(" and ")
            );
        }
        let record = match ctx.client.find(MENU, ".id", &id).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                diags.push(Diagnostic::error(
                    "MACsec interface vanished",
                    format!("{id} ({:?}) is no longer on the router after its key was set. Run apply again.", plan.interface),
                ));
                return None;
            }
            Err(e) => {
                diags.push(request_diagnostic(&format!("reading back {id}"), &e, &[]));
                return None;
            }
        };
        let router = RouterCak::of(&record);
        private.insert(
            PRIVATE_CAK_READABLE.into(),
            serde_json::Value::Bool(router != RouterCak::Hidden),
        );
        if let RouterCak::Shown(k) = &router {
            if !cak.matches(k) {
                diags.push(Diagnostic::error(
                    "The router did not take the CAK",
                    format!("After writing the CAK of {:?}, RouterOS reports a different one. Check the router's log and that nothing else manages this interface's key.", plan.interface),
                ));
                return None;
            }
        }
        let new = MacsecKeyModel {
            id: Some(id),
            interface: record
                .get("name")
                .cloned()
                .unwrap_or_else(|| plan.interface.clone()),
            cak: plan.cak.clone(),
            ckn: refreshed_ckn(plan.ckn.as_deref(), record.get("ckn").map(String::as_str)),
        };
        self.state(&new, diags)
    }
}

#[async_trait]
impl Resource<Client> for MacsecKey {
    fn type_name(&self) -> &'static str {
        "routeros_macsec_key"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<MacsecKeyModel>(
            0,
            "The pre-shared key pair (`cak`, `ckn`) of one MACsec interface (`/interface/macsec`). Both ends of a link need the same pair. Destroying this resource replaces the interface's CAK with a fresh random key, so the old key stops working.",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(text) = config.get_str("cak") {
            if let Some(problem) = cak_problem(text) {
                diags.push(Diagnostic::error("Invalid CAK", problem).at_attr("cak"));
            }
        }
        if let Some(text) = config.get_str("ckn") {
            if let Some(problem) = ckn_problem(text) {
                diags.push(Diagnostic::error("Invalid CKN", problem).at_attr("ckn"));
            }
        }
        if let Some(name) = config.get_str("interface") {
            if name.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        "Invalid MACsec interface name",
                        "`interface` is empty: name the MACsec interface, such as macsec1.",
                    )
                    .at_attr("interface"),
                );
            }
        }
    }

    async fn modify_plan(
        &self,
        _ctx: &Ctx<Client>,
        input: &PlanInput<'_>,
        planned: &mut Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        if input.prior_state.is_null() {
            return;
        }
        // A change of case alone is no change: RouterOS stores lower case.
        for attr in ["cak", "ckn"] {
            if let (Some(conf), Some(prior)) =
                (input.config.get_str(attr), input.prior_state.get_str(attr))
            {
                if conf != prior && conf.eq_ignore_ascii_case(prior) {
                    planned.set(attr, Value::string(prior));
                }
            }
        }
        // The router hid the CAK (typically right after an import): say
        // why the plan writes it instead of planning a silent change.
        let prior_cak_null = input.prior_state.get("cak").is_none_or(Value::is_null);
        let hidden = private.get(PRIVATE_CAK_READABLE) == Some(&serde_json::Value::Bool(false));
        let configured = input.config.get("cak").is_some_and(|c| !c.is_null());
        if prior_cak_null && configured {
            let interface = input
                .prior_state
                .get_str("interface")
                .unwrap_or("the MACsec interface");
            let why = if hidden {
                "the router does not show it to the provider's user, whose group lacks the `sensitive` policy"
            } else {
                "it is not in state"
            };
            diags.push(
                Diagnostic::warning(
                    "The CAK on the router cannot be compared",
                    format!(
                        "Terraform does not know the CAK of {interface:?}: {why} (typical right after `terraform import`). So the plan writes `cak`: applying sets the CAK of {interface:?} to the configured key, which is harmless when it is the key already there. Make sure `cak` is the key the other end of the link uses, or the link stays down until both ends match. To let the provider detect a changed key on the router, give the user's group the `sensitive` policy."
                    ),
                )
                .at_attr("cak"),
            );
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<Client>,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let plan = self.model(planned, diags)?;
        let cak = self.cak_to_write(planned, config, diags)?;
        self.write(ctx, &plan, &cak, None, private, diags).await
    }

    async fn read(
        &self,
        ctx: &Ctx<Client>,
        state: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let prior = self.model(state, diags)?;
        match self.lookup(&ctx.client, &prior).await {
            Ok(Lookup::Found(r)) => {
                let readable = RouterCak::of(&r) != RouterCak::Hidden;
                private.insert(
                    PRIVATE_CAK_READABLE.into(),
                    serde_json::Value::Bool(readable),
                );
                self.state(&from_record(&r, Some(&prior)), diags)
            }
            Ok(Lookup::Gone) => {
                log::info!(
                    "MACsec interface {:?} is gone from the router, and its key with it",
                    prior.interface
                );
                None
            }
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("reading the key of MACsec interface {:?}", prior.interface),
                    &e,
                    &[],
                ));
                None
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<Client>,
        prior: &Value,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let old = self.model(prior, diags)?;
        let plan = self.model(planned, diags)?;
        let cak = self.cak_to_write(planned, config, diags)?;
        self.write(ctx, &plan, &cak, Some(&old), private, diags)
            .await
    }

    async fn delete(
        &self,
        ctx: &Ctx<Client>,
        prior: &Value,
        _private: &Private,
        diags: &mut Diagnostics,
    ) {
        let Some(old) = self.model(prior, diags) else {
            return;
        };
        let record = match self.lookup(&ctx.client, &old).await {
            Ok(Lookup::Found(r)) => r,
            Ok(Lookup::Gone) => {
                log::info!(
                    "MACsec interface {:?} is gone: no key to replace",
                    old.interface
                );
                return;
            }
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("looking up MACsec interface {:?}", old.interface),
                    &e,
                    &[],
                ));
                return;
            }
        };
        let Some(id) = record.get(".id").cloned() else {
            return;
        };
        let fresh = match Cak::random() {
            Ok(k) => k,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "No random source for a fresh CAK",
                    format!("The operating system's random source failed ({e}), so the key of {:?} was left as it is. Fix the system's random source and run destroy again.", old.interface),
                ));
                return;
            }
        };
        let mut args = Record::new();
        args.insert("cak".into(), fresh.as_hex().to_string());
        match ctx.client.set(MENU, &id, &args).await {
            Ok(()) => log::info!(
                "replaced the CAK of {MENU} {id} ({}) with a random key",
                old.interface
            ),
            Err(e) if e.is_not_found() => log::info!("{MENU} {id} is gone: no key to replace"),
            Err(e) => diags.push(request_diagnostic(
                &format!(
                    "replacing the CAK of MACsec interface {:?} with a random key",
                    old.interface
                ),
                &e,
                &[],
            )),
        }
    }

    async fn import(&self, ctx: &Ctx<Client>, id: &str, diags: &mut Diagnostics) -> Option<Value> {
        let id = id.trim();
        let found = match id.strip_prefix('*') {
            Some(hex) => {
                ctx.client
                    .find(MENU, ".id", &format!("*{}", hex.to_ascii_uppercase()))
                    .await
            }
            None => ctx.client.find(MENU, "name", id).await,
        };
        match found {
            Ok(Some(r)) => self.state(&from_record(&r, None), diags),
            Ok(None) => {
                diags.push(Diagnostic::error(
                    "MACsec interface not found",
                    format!(
                        "The router at {} has no MACsec interface {id:?}. Import a key by the name of its MACsec interface (macsec1) or its RouterOS id (*1); `/interface/macsec/print` on the router lists both.",
                        ctx.client.endpoint()
                    ),
                ));
                None
            }
            Err(e) => {
                diags.push(request_diagnostic(&format!("looking up {id:?}"), &e, &[]));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::try_schema_from_model;

    const KEY: &str = "71a7c363794da400dbde595d3926b0e9";
    const CKN: &str = "f2c4660060169391d29d8db8a1f06e5d4b84a128bad06ad43ea2bd4f7d21968f";

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn schema_flags() {
        let s = try_schema_from_model::<MacsecKeyModel>(0, "x").unwrap();
        let cak = s.block.attribute("cak").unwrap();
        assert!(cak.required && cak.sensitive && !cak.computed);
        let ckn = s.block.attribute("ckn").unwrap();
        assert!(ckn.optional && ckn.computed && !ckn.sensitive);
        let interface = s.block.attribute("interface").unwrap();
        assert!(interface.required && interface.requires_replace);
        let id = s.block.attribute("id").unwrap();
        assert!(id.computed && !id.optional);
    }

    #[test]
    fn caks_are_32_hex_digits_kept_in_lower_case() {
        let k = Cak::parse(&KEY.to_ascii_uppercase()).unwrap();
        assert_eq!(k.as_hex(), KEY);
        assert!(k.matches(&KEY.to_ascii_uppercase()));
        assert_eq!(Cak::parse(&KEY[..31]), Err(CakError::Length(31)));
        assert_eq!(Cak::parse(""), Err(CakError::Length(0)));
        let mut bad = KEY.to_string();
        bad.replace_range(4..5, "g");
        assert_eq!(Cak::parse(&bad), Err(CakError::NotHex(5)));
        // Multi-byte characters count as characters, not bytes.
        assert_eq!(Cak::parse(&"é".repeat(32)), Err(CakError::NotHex(1)));
    }

    #[test]
    fn cak_messages_say_the_form_and_how_to_make_one_without_the_key() {
        let wrong = "0123456789abcdef0123456789abcdeZ";
        let msg = cak_problem(wrong).unwrap();
        assert!(msg.contains("32 hexadecimal characters"), "{msg}");
        assert!(msg.contains("openssl rand -hex 16"), "{msg}");
        assert!(msg.contains("character 32"), "{msg}");
        assert!(!msg.contains(wrong), "{msg}");
        let long = format!("{KEY}{KEY}");
        let msg = cak_problem(&long).unwrap();
        assert!(msg.contains("256-bit"), "{msg}");
        assert!(!msg.contains(KEY), "{msg}");
        assert!(cak_problem(KEY).is_none());
        assert_eq!(format!("{:?}", Cak::parse(KEY).unwrap()), "Cak(<redacted>)");
    }

    #[test]
    fn ckns_are_even_length_hex_up_to_64() {
        assert!(ckn_problem(CKN).is_none());
        assert!(ckn_problem("ab").is_none());
        assert!(ckn_problem(&CKN.to_ascii_uppercase()).is_none());
        assert!(ckn_problem("abc").unwrap().contains("even number"));
        assert!(
            ckn_problem(&format!("{CKN}00"))
                .unwrap()
                .contains("at most 64")
        );
        assert!(ckn_problem("xy").unwrap().contains("character 1"));
        assert!(ckn_problem("").unwrap().contains("empty"));
    }

    #[test]
    fn random_caks_are_valid_and_differ() {
        let a = Cak::random().unwrap();
        let b = Cak::random().unwrap();
        assert!(Cak::parse(a.as_hex()).is_ok());
        assert_ne!(a, b);
    }

    #[test]
    fn desired_cak_comes_from_the_cak_attribute() {
        let v = |cak: Value| Value::Object([("cak".to_string(), cak)].into());
        assert_eq!(
            desired_cak(&v(Value::string(KEY))).unwrap(),
            CakSource::Plain(Cak::parse(KEY).unwrap())
        );
        assert_eq!(
            desired_cak(&v(Value::unknown())).unwrap(),
            CakSource::Unknown
        );
        assert_eq!(desired_cak(&v(Value::Null)).unwrap(), CakSource::Missing);
        assert_eq!(
            desired_cak(&v(Value::string("00"))),
            Err(CakError::Length(2))
        );
    }

    #[test]
    fn a_shown_cak_is_compared_and_a_hidden_one_kept() {
        let upper = KEY.to_ascii_uppercase();
        // Shown and equal (any case): the state's form stays.
        assert_eq!(
            refreshed_cak(Some(&upper), &RouterCak::Shown(KEY.into())).as_deref(),
            Some(upper.as_str())
        );
        // Shown and different: the router's key, which is drift.
        let other = "00112233445566778899aabbccddeeff";
        assert_eq!(
            refreshed_cak(Some(KEY), &RouterCak::Shown(other.into())).as_deref(),
            Some(other)
        );
        // Hidden: whatever state had, even nothing (after an import).
        assert_eq!(
            refreshed_cak(Some(KEY), &RouterCak::Hidden).as_deref(),
            Some(KEY)
        );
        assert_eq!(refreshed_cak(None, &RouterCak::Hidden), None);
        assert_eq!(
            RouterCak::of(&rec(&[("cak", KEY)])),
            RouterCak::Shown(KEY.into())
        );
        assert_eq!(RouterCak::of(&rec(&[("ckn", CKN)])), RouterCak::Hidden);
    }

    #[test]
    fn records_become_state_keeping_configured_case() {
        let r = rec(&[
            (".id", "*3"),
            ("name", "macsec1"),
            ("cak", KEY),
            ("ckn", CKN),
            ("interface", "ether1"),
        ]);
        let m = from_record(&r, None);
        assert_eq!(m.id.as_deref(), Some("*3"));
        assert_eq!(m.interface, "macsec1");
        assert_eq!(m.cak.as_deref(), Some(KEY));
        assert_eq!(m.ckn.as_deref(), Some(CKN));
        let prior = MacsecKeyModel {
            ckn: Some(CKN.to_ascii_uppercase()),
            ..m.clone()
        };
        assert_eq!(from_record(&r, Some(&prior)).ckn, prior.ckn);
        let changed = rec(&[(".id", "*3"), ("name", "macsec1"), ("ckn", "abcd")]);
        let m = from_record(&changed, Some(&prior));
        assert_eq!(m.ckn.as_deref(), Some("abcd"));
        assert_eq!(
            m.cak.as_deref(),
            Some(KEY),
            "hidden: the state's key is kept"
        );
    }

    #[test]
    fn key_args_write_what_differs_in_lower_case() {
        let cak = Cak::parse(&KEY.to_ascii_uppercase()).unwrap();
        assert_eq!(key_args(&cak, None, None), rec(&[("cak", KEY)]));
        assert_eq!(
            key_args(&cak, Some("ABCD"), None),
            rec(&[("cak", KEY), ("ckn", "abcd")])
        );
        let prior = MacsecKeyModel {
            cak: Some(KEY.into()),
            ckn: Some("abcd".into()),
            ..Default::default()
        };
        assert!(key_args(&cak, Some("ABCD"), Some(&prior)).is_empty());
        assert_eq!(
            key_args(&cak, Some("ef01"), Some(&prior)),
            rec(&[("ckn", "ef01")])
        );
        let hidden = MacsecKeyModel {
            cak: None,
            ..prior.clone()
        };
        assert_eq!(key_args(&cak, None, Some(&hidden)), rec(&[("cak", KEY)]));
    }

    #[test]
    fn validation_points_at_the_attribute_and_never_quotes_the_key() {
        let secret = "0123456789abcdef0123456789abcdefff";
        let config = Value::Object(
            [
                ("cak".to_string(), Value::string(secret)),
                ("ckn".to_string(), Value::string("abc")),
                ("id".to_string(), Value::Null),
                ("interface".to_string(), Value::string("macsec1")),
            ]
            .into(),
        );
        let mut diags = Diagnostics::new();
        MacsecKey.validate(&config, &mut diags);
        let attrs: Vec<String> = diags
            .0
            .iter()
            .map(|d| d.attribute.clone().unwrap().to_string())
            .collect();
        assert_eq!(attrs, ["cak", "ckn"]);
        for d in &diags.0 {
            assert!(
                !d.detail.contains(secret) && !d.summary.contains(secret),
                "{d:?}"
            );
        }
        // Unknown values are checked once known.
        let config = Value::Object(
            [
                ("cak".to_string(), Value::unknown()),
                ("ckn".to_string(), Value::Null),
                ("id".to_string(), Value::Null),
                ("interface".to_string(), Value::unknown()),
            ]
            .into(),
        );
        let mut diags = Diagnostics::new();
        MacsecKey.validate(&config, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
    }
}
