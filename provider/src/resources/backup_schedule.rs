//! `routeros_backup_schedule`: backups the router takes by itself, on a
//! schedule, keeping the newest few. It owns two entries of the same name:
//! a `/system/script` holding the provider's backup script ([`script`],
//! DESIGN.md "The backup script") and a `/system/scheduler` entry that
//! runs it.
//!
//! Each entry is a plain row of the shared machinery ([`row`]), served by
//! the two internal [`MenuRow`]s [`ScriptRow`] and [`EntryRow`]; this file
//! puts them together. The script is made from the arguments and the
//! router's version (the file time property); state holds it with the
//! backup password masked, so a hand edit of the script shows as a change
//! of `source`, and a changed password as a line appended to it. Create
//! makes the script before the entry that runs it, and takes each over
//! when the router already holds it as it would be written (an earlier
//! apply whose reply was lost); destroy removes the entry first.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::row::{self, MenuRow, diag};
use super::{menus, request_diagnostic, ros_bool, ros_bool_text};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;
use crate::routeros::{Client, Record, Version};
use crate::secrets::{self, Zeroizing};

pub mod entry;
pub mod script;
#[cfg(test)]
mod script_check;

pub use entry::{
    EntryModel, EntryRow, ScriptModel, ScriptRow, canonical_interval, interval_seconds,
};
use script::Params;

/// Longest log message, in bytes.
pub const MAX_MESSAGE: usize = 255;
/// Longest backup password, in bytes.
pub const MAX_PASSWORD: usize = 128;
/// The most backups a schedule may keep (each run compares every backup
/// with every other, so a run's work grows with the square).
pub const MAX_KEEP: i64 = 1000;

fn default_keep() -> Option<i64> {
    Some(7)
}
fn default_interval() -> Option<String> {
    Some("1d".into())
}
fn default_message() -> Option<String> {
    Some("configuration backup saved: ".into())
}
fn no() -> Option<bool> {
    Some(false)
}

/// A backup schedule on the router.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackupScheduleModel {
    /// RouterOS's id of the script (such as `*1`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Name of both the script (`/system/script`) and the scheduler entry
    /// (`/system/scheduler`) that runs it: letters, digits, `_`, `-` and
    /// `.`, such as `macsec-backup`.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub name: String,
    /// File name prefix of the backups: each run saves
    /// `<prefix>_<YYYYMMDD>_<HHMMSS>.backup` (the router's date and time),
    /// such as `macsec_config_backup_20261206_030000.backup`. Letters,
    /// digits, `_` and `-`. Only backups whose names start with
    /// `<prefix>_` are ever removed, so give each schedule its own prefix.
    pub prefix: String,
    /// How many backups with the prefix to keep, 1 to 1000: after saving,
    /// the script removes the oldest (by the file time RouterOS keeps)
    /// until this many remain.
    #[serde(default = "default_keep")]
    pub keep: Option<i64>,
    /// How often to take a backup, as RouterOS writes intervals: `1d`,
    /// `7d`, `1w`, `12h`, `1d12h`, `00:30:00`. Must be more than zero.
    #[serde(default = "default_interval")]
    pub interval: Option<String>,
    /// Time of day of the first run, `HH:MM:SS` (the router's clock), or
    /// `startup`. Left out, the router takes the time the entry is made,
    /// and this reports it.
    #[schemars(extend("x-tf-computed" = true))]
    pub start_time: Option<String>,
    /// Date of the first run, `YYYY-MM-DD`. Left out, the router takes the
    /// day the entry is made, and this reports it.
    #[schemars(extend("x-tf-computed" = true))]
    pub start_date: Option<String>,
    /// The message each run logs (`:log info`, topics `script,info`),
    /// followed by the file name: printable ASCII, at most 255 bytes.
    #[serde(default = "default_message")]
    pub log_message: Option<String>,
    /// The backup password, age-encrypted (armored, or the base64 of a
    /// binary age file) to a recipient whose identity the provider has
    /// (`age_identity`, `age_identity_file`, `ROUTEROS_AGE_IDENTITY`);
    /// the plaintext is printable ASCII, at most 128 bytes. State and plans
    /// keep only this ciphertext. **The script on the router holds the
    /// password in the clear** (a script runs unattended, so it must):
    /// anyone who can read `/system/script` on the router reads it. Left
    /// out, backups are saved unencrypted (`dont-encrypt=yes`).
    pub password_age: Option<String>,
    /// Disable the scheduler entry (no backups are taken; the script
    /// stays).
    #[serde(default = "no")]
    pub disabled: Option<bool>,
    /// RouterOS's id of the scheduler entry.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub scheduler_id: Option<String>,
    /// The script on the router, with the backup password shown as
    /// `********`. A change made on the router shows here as drift, and
    /// apply writes the provider's script back.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub source: Option<String>,
    /// What the scheduler entry runs: the script's name.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub on_event: Option<String>,
}

/// The `routeros_backup_schedule` resource.
#[derive(Debug, Default)]
pub struct BackupSchedule;

/// The first RouterOS version whose dates sort as text (`2024-01-31`).
pub const SINCE: (u32, u32) = (7, 10);

/// An error when `version` is too old for the script, else `None`.
fn version_problem(version: &Version) -> Option<Diagnostic> {
    (!version.at_least(SINCE.0, SINCE.1)).then(|| {
        Diagnostic::error(
            "RouterOS 7.10 or later needed for routeros_backup_schedule",
            format!(
                "The router runs RouterOS {version}. Before 7.10 RouterOS prints dates as `jan/31/2024`, which neither fits the backup file names nor sorts, so the backup script cannot keep the newest backups. Upgrade the router, or take backups with routeros_system_backup."
            ),
        )
    })
}

/// The password `model` gives, decrypted; `Err` with a diagnostic when it
/// cannot be had.
fn password(
    model: &BackupScheduleModel,
    client: &Configured,
    diags: &mut Diagnostics,
) -> Result<Option<Zeroizing<String>>, ()> {
    let Some(ct) = &model.password_age else {
        return Ok(None);
    };
    let pw = secrets::decrypt_text(ct, "password_age", client.identities(), diags).ok_or(())?;
    let problem = if pw.is_empty() {
        Some("it is empty, which RouterOS takes as no password".to_string())
    } else {
        script::text_problem(&pw, MAX_PASSWORD)
    };
    if let Some(p) = problem {
        diags.push(
            Diagnostic::error(
                "Unusable backup password",
                format!("The password `password_age` decrypts to cannot go into the backup script: {p}. Encrypt another password, or leave `password_age` out for unencrypted backups."),
            )
            .at_attr("password_age"),
        );
        return Err(());
    }
    Ok(Some(pw))
}

/// What the script of `m` is made from on `version`.
fn params(
    m: &BackupScheduleModel,
    version: &Version,
    password: Option<Zeroizing<String>>,
) -> Params {
    Params {
        prefix: m.prefix.clone(),
        keep: m.keep.unwrap_or(7),
        message: m.log_message.clone().unwrap_or_default(),
        time: script::time_property(version.at_least(7, 16)),
        password,
    }
}

/// The `source` state shows for the router's script `on_router`, when the
/// configuration asks for `expected`: the masked script when they are the
/// same; else the router's with passwords masked, and a line saying so
/// when only the password differs.
fn shown_source(on_router: &str, expected: &Params) -> String {
    if *script::render(expected) == *on_router {
        return script::masked(expected);
    }
    let known = expected.password.as_ref().map(|p| p.as_str());
    let shown = script::mask_passwords(on_router, known);
    if shown == script::masked(expected) {
        format!("{shown}\n{}", script::OTHER_PASSWORD)
    } else {
        shown
    }
}

/// The model of the router's two entries. `prior` gives the arguments the
/// script is compared with (none on import: they are read from the
/// script).
fn model_of_rows(
    script_row: &Record,
    entry_row: &Record,
    prior: Option<(&BackupScheduleModel, Params)>,
) -> BackupScheduleModel {
    let on_router = script_row.get("source").map(String::as_str).unwrap_or("");
    let get = |k: &str| entry_row.get(k).cloned();
    let (base, source) = match prior {
        Some((prior, expected)) => (prior.clone(), shown_source(on_router, &expected)),
        None => {
            let parsed = script::parse(on_router);
            let base = BackupScheduleModel {
                prefix: parsed
                    .as_ref()
                    .map(|p| p.prefix.clone())
                    .unwrap_or_default(),
                keep: parsed.as_ref().map(|p| p.keep),
                log_message: parsed.as_ref().map(|p| p.message.clone()),
                ..Default::default()
            };
            let source = match &parsed {
                Some(p) => script::masked(p),
                None => script::mask_passwords(on_router, None),
            };
            (base, source)
        }
    };
    let interval = match (&base.interval, get("interval")) {
        (Some(mine), Some(theirs)) if interval_seconds(mine) == interval_seconds(&theirs) => {
            Some(mine.clone())
        }
        (_, theirs) => theirs,
    };
    BackupScheduleModel {
        id: script_row.get(".id").cloned(),
        name: script_row.get("name").cloned().unwrap_or_default(),
        interval,
        start_time: get("start-time"),
        start_date: get("start-date"),
        disabled: Some(get("disabled").is_some_and(|d| ros_bool(&d))),
        scheduler_id: get(".id"),
        source: Some(source),
        on_event: get("on-event"),
        ..base
    }
}

/// The scheduler entry `m` asks for.
fn entry_of(m: &BackupScheduleModel) -> EntryModel {
    EntryModel {
        id: m.scheduler_id.clone(),
        name: m.name.clone(),
        interval: m.interval.as_deref().map(canonical_interval),
        start_time: m.start_time.clone(),
        start_date: m.start_date.clone(),
        on_event: Some(m.name.clone()),
        disabled: m.disabled.map(ros_bool_text),
    }
}

/// The row `model` asks for in `T`'s menu: the router's when it already
/// holds it as `model` would write it (an earlier apply whose reply was
/// lost), else a new one ([`row::create`], itself safe against a lost
/// reply). A row with the name that differs is an error.
async fn ensure<T: MenuRow>(
    client: &Client,
    model: &T::Model,
    diags: &mut Diagnostics,
) -> Option<Record> {
    let key = T::key(model);
    match client.find(T::MENU, T::KEY.0, key).await {
        Ok(None) => row::create::<T>(client, model, diags).await,
        Ok(Some(found)) if row::differences(&T::to_args(model, None), &found).is_empty() => {
            log::info!(
                "{} {key:?} was already on the router as configured: adopted",
                T::MENU
            );
            Some(found)
        }
        Ok(Some(_)) => {
            diags.push(
                diag::already_on_router(
                    BackupSchedule::TYPE_NAME,
                    T::NOUN,
                    T::MENU,
                    "name",
                    key,
                    false,
                )
                .at_attr("name"),
            );
            None
        }
        Err(e) => {
            diags.push(request_diagnostic(
                &format!("looking up {} {key:?}", T::NOUN),
                &e,
                &[],
            ));
            None
        }
    }
}

/// The backup password of the provider's script `source`, age-encrypted
/// to the recipients of the provider's own identities (so that import and
/// `generate` keep a password the router's script has, and the provider
/// can decrypt it again); `None` when the script has none or no identity
/// gives a recipient. The password itself is never logged.
pub fn listed_password_age(source: &str, ids: &secrets::Identities) -> Option<String> {
    let password = script::parse(source)?.password?;
    let recipients = secrets::parse_recipients(&ids.recipients().ok()?).ok()?;
    secrets::encrypt_armored(password.as_bytes(), &recipients).ok()
}

#[async_trait]
impl MenuRow for BackupSchedule {
    type Model = BackupScheduleModel;
    const TYPE_NAME: &'static str = "routeros_backup_schedule";
    const DESCRIPTION: &'static str = "Backups the router takes by itself: a `/system/script` that saves `<prefix>_<date>_<time>.backup`, logs it and removes the oldest backups with the prefix beyond `keep`, and the `/system/scheduler` entry that runs it every `interval`. Both are named `name`. The script is the provider's own (shown in `source`); a change to either entry made on the router is drift, and apply puts it back. Destroy removes both entries; the backup files stay. Needs RouterOS 7.10 or later.";
    const MENU: &'static str = menus::SCRIPT;
    const NOUN: &'static str = "backup script";
    const KEY: (&'static str, &'static str) = ("name", "name");
    const IMPORT_HINT: &'static str = "name (macsec-backup)";
    const ON_A_PORT: bool = false;
    /// Create checks for entries already on the router itself
    /// ([`BackupSchedule::modify_plan`]): whether one holds what would be
    /// written depends on the router's version and the decrypted password.
    const CREATE_ADDS: bool = false;

    fn id(m: &BackupScheduleModel) -> Option<&str> {
        m.id.as_deref()
    }

    fn key(m: &BackupScheduleModel) -> &str {
        &m.name
    }

    fn from_record(
        r: &Record,
        prior: Option<&BackupScheduleModel>,
    ) -> Result<BackupScheduleModel, crate::resources::mapping::MappingError> {
        Ok(BackupScheduleModel {
            id: r.get(".id").cloned(),
            name: r.get("name").cloned().unwrap_or_default(),
            ..prior.cloned().unwrap_or_default()
        })
    }

    /// Only the name: the script and the entry are written by this
    /// resource's own create and update.
    fn to_args(planned: &BackupScheduleModel, _prior: Option<&BackupScheduleModel>) -> Record {
        Record::from([("name".to_string(), planned.name.clone())])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        entry::validate(config, diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        planned: &mut Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        if planned.is_null() {
            return;
        }
        if let Some(d) = version_problem(ctx.client.version()) {
            diags.push(d);
            return;
        }
        let name = planned.get_str("name").map(str::to_string);
        planned.set(
            "on_event",
            name.clone().map_or(Value::unknown(), Value::string),
        );
        let inputs = ["prefix", "keep", "log_message", "password_age"];
        if !inputs
            .iter()
            .all(|a| planned.get(a).is_none_or(Value::is_wholly_known))
        {
            planned.set("source", Value::unknown());
            return;
        }
        let Some(plan) = crate::plugin::resource::model_of::<BackupScheduleModel>(planned, diags)
        else {
            return;
        };
        let Ok(pw) = password(&plan, &ctx.client, diags) else {
            return;
        };
        let expected = params(&plan, ctx.client.version(), pw);
        planned.set("source", Value::string(script::masked(&expected)));
        let had_password = input
            .prior_state
            .get_str("source")
            .is_some_and(|s| s.contains(script::MASK));
        if had_password && expected.password.is_none() {
            diags.push(
                Diagnostic::warning(
                    "Backups will be saved without a password",
                    format!("The backup script {:?} on the router saves with a password, and this configuration has no `password_age`: apply writes the script with `dont-encrypt=yes`, so later backups are not encrypted. Set `password_age` to keep a password.", plan.name),
                )
                .at_attr("password_age"),
            );
        }
        if !input.prior_state.is_null() {
            return;
        }
        // A create: an entry already under the name is reported now.
        let Some(name) = name else { return };
        let Ok(Some(found)) = ctx.client.find(ScriptRow::MENU, "name", &name).await else {
            return;
        };
        let same =
            found.get("source").map(String::as_str) == Some(script::render(&expected).as_str());
        diags.push(
            diag::already_on_router(Self::TYPE_NAME, Self::NOUN, Self::MENU, "name", &name, same)
                .at_attr("name"),
        );
    }

    async fn create(
        &self,
        ctx: &Ctx<Configured>,
        plan: &BackupScheduleModel,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<BackupScheduleModel> {
        if let Some(d) = version_problem(ctx.client.version()) {
            diags.push(d);
            return None;
        }
        let pw = password(plan, &ctx.client, diags).ok()?;
        let expected = params(plan, ctx.client.version(), pw);
        let script = ScriptModel::new(&plan.name, script::render(&expected));
        let script_row = ensure::<ScriptRow>(&ctx.client, &script, diags).await?;
        let entry = EntryModel {
            id: None,
            ..entry_of(plan)
        };
        let Some(entry_row) = ensure::<EntryRow>(&ctx.client, &entry, diags).await else {
            // Nothing is left behind: the script goes with the failed entry.
            let made = script.with_id(script_row.get(".id"));
            row::remove::<ScriptRow>(&ctx.client, &made, diags).await;
            return None;
        };
        Some(model_of_rows(
            &script_row,
            &entry_row,
            Some((plan, expected)),
        ))
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        prior: &BackupScheduleModel,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<BackupScheduleModel> {
        let script = ScriptModel::at(prior.id.as_ref(), &prior.name);
        let script_row = row::read::<ScriptRow>(&ctx.client, &script, diags).await?;
        let entry_row = row::read::<EntryRow>(&ctx.client, &entry_of(prior), diags).await?;
        let pw = password(prior, &ctx.client, diags).ok()?;
        let expected = params(prior, ctx.client.version(), pw);
        Some(model_of_rows(
            &script_row,
            &entry_row,
            Some((prior, expected)),
        ))
    }

    async fn update(
        &self,
        ctx: &Ctx<Configured>,
        old: &BackupScheduleModel,
        plan: &BackupScheduleModel,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<BackupScheduleModel> {
        let pw = password(plan, &ctx.client, diags).ok()?;
        let expected = params(plan, ctx.client.version(), pw);
        let new = ScriptModel::new(&plan.name, script::render(&expected));
        // The router's script is written again unless it already is what
        // the plan shows (same masked text, same password).
        let unchanged = old.source == plan.source && old.password_age == plan.password_age;
        let was = if unchanged {
            new.clone()
        } else {
            ScriptModel::new(
                &old.name,
                Zeroizing::new(old.source.clone().unwrap_or_default()),
            )
        }
        .with_id(old.id.as_ref());
        let script_row = row::update::<ScriptRow>(&ctx.client, &was, &new, diags).await?;
        let was_entry = EntryModel {
            on_event: old.on_event.clone(),
            ..entry_of(old)
        };
        let entry_row =
            row::update::<EntryRow>(&ctx.client, &was_entry, &entry_of(plan), diags).await?;
        Some(model_of_rows(
            &script_row,
            &entry_row,
            Some((plan, expected)),
        ))
    }

    /// The scheduler entry first, so that it never runs a missing script.
    async fn delete(
        &self,
        ctx: &Ctx<Configured>,
        old: &BackupScheduleModel,
        _private: &Private,
        diags: &mut Diagnostics,
    ) {
        row::remove::<EntryRow>(&ctx.client, &entry_of(old), diags).await;
        if diags.has_error() {
            return;
        }
        let script = ScriptModel::at(old.id.as_ref(), &old.name);
        row::remove::<ScriptRow>(&ctx.client, &script, diags).await;
    }

    /// The arguments are read from the script, which must be one this
    /// resource writes, and the scheduler entry of the same name. A backup
    /// password in the script is not imported: give `password_age`.
    async fn imported(
        &self,
        ctx: &Ctx<Configured>,
        row: &Record,
        diags: &mut Diagnostics,
    ) -> Option<BackupScheduleModel> {
        let name = row.get("name").cloned().unwrap_or_default();
        let source = row.get("source").map(String::as_str).unwrap_or("");
        if script::parse(source).is_none() {
            diags.push(
                Diagnostic::error(
                    format!("Script {name:?} is not a backup schedule's"),
                    format!("/system/script {name:?} does not hold the script routeros_backup_schedule writes (docs: resources/backup_schedule), or it was edited on the router, so its prefix, retention and message cannot be read from it. Create a routeros_backup_schedule with another name instead, or remove the script on the router first."),
                )
                .at_attr("name"),
            );
            return None;
        }
        let entry = match ctx.client.find(EntryRow::MENU, "name", &name).await {
            Ok(Some(entry)) => entry,
            Ok(None) => {
                diags.push(Diagnostic::error(
                    format!("No scheduler entry {name:?}"),
                    format!("The router has the backup script {name:?} but no /system/scheduler entry of that name to run it. Remove the script on the router and create the schedule, or add the entry (`/system scheduler add name={name} on-event={name} interval=1d`) and import again."),
                ));
                return None;
            }
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("looking up scheduler entry {name:?}"),
                    &e,
                    &[],
                ));
                return None;
            }
        };
        let mut model = model_of_rows(row, &entry, None);
        model.password_age = listed_password_age(source, ctx.client.identities());
        Some(model)
    }

    /// Only scripts this resource writes.
    async fn listed(&self, _ctx: &Ctx<Configured>, row: &Record) -> bool {
        script::parse(row.get("source").map(String::as_str).unwrap_or("")).is_some()
    }

    /// A script with a backup password needs `password_age`, which the
    /// listing fills in only when the provider has an age identity: a
    /// warning says so otherwise.
    fn generated_config(
        &self,
        state: BackupScheduleModel,
        diags: &mut Diagnostics,
    ) -> BackupScheduleModel {
        if state
            .source
            .as_deref()
            .is_some_and(|s| s.contains(script::MASK))
        {
            diags.push(Diagnostic::warning(
                format!("Give the backup password of {:?}", state.name),
                format!("The backup script {:?} saves with a password, which is never written into configuration. Add `password_age` (the password age-encrypted, such as `file(\"backup-password.age\")`); without it the first apply writes the script without a password.", state.name),
            ));
        }
        state
    }
}

#[cfg(test)]
mod tests;
