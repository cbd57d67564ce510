//! What the `routeros_system_backup` and `routeros_config_export`
//! resources share as resources: the lifecycle around their local file and
//! the router files a failed create may leave ([`OutputResource`], in
//! `output.rs`, with the action form [`AsAction`]), the `timeouts` block
//! ([`timeouts`]), and the plan-time checks of `path` and `age_recipients`.
//! Taking a backup or an export, downloading it and writing the local file
//! are not resource work: they live in `crate::backup`, which the data
//! source, the actions and the restore share.

use crate::backup::{
    Existing, Left, RECORDED_SHA256, check_target, local_file_unchanged, output_path,
    record_leftover, release_local_file, released, remove_leftovers,
};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{PlanInput, Private, model_of, value_of};
use crate::plugin::schema::Schema;
use crate::plugin::value::Value;
use crate::routeros::Client;
use crate::secrets;

mod output;
pub mod timeouts;

pub use output::*;

/// The strings of list attribute `name`, when the list and all its items
/// are known; `None` when null or not yet known.
pub fn known_strings(config: &Value, name: &str) -> Option<Vec<String>> {
    match config.get(name)? {
        Value::List(items) | Value::Set(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Plan-time check of `age_recipients`: each entry must be an age or SSH
/// recipient (the diagnostic points at the entry and never repeats it).
pub fn check_recipients(config: &Value, diags: &mut Diagnostics) {
    let Some(list) = known_strings(config, "age_recipients") else {
        return;
    };
    if let Err(e) = secrets::parse_recipients(&list) {
        let mut d = secrets::diagnostic(&e, "age_recipients");
        if let secrets::SecretError::InvalidRecipient { index, .. } = &e {
            d =
                d.at(
                    crate::plugin::diag::AttributePath::root("age_recipients").index(*index as i64)
                );
        }
        diags.push(d);
    }
}

/// Plan-time check of `path`: not empty, its directory exists, and what is
/// there may be replaced (see [`check_target`]). Records in `private` the
/// SHA-256 of the file this resource wrote at that path (from the prior
/// state, or from the first plan of a replace), which [`existing_for`]
/// reads back at apply.
pub fn check_path(
    input: &PlanInput<'_>,
    private: &mut Private,
    encrypted: bool,
    diags: &mut Diagnostics,
) {
    let config = input.config;
    let Some(path) = config.get_str("path") else {
        return;
    };
    if path.trim().is_empty() {
        diags.push(
            Diagnostic::error(
                "Empty path",
                "`path` is empty: give the local file to write, such as \"backups/router1.backup\".",
            )
            .at_attr("path"),
        );
        return;
    }
    let target = output_path(path, encrypted);
    let recorded = if input.prior_state.is_null() {
        private
            .get(RECORDED_SHA256)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .or_else(|| released(&target))
    } else {
        let same_path =
            input.prior_state.get_str("output_path") == Some(&*target.to_string_lossy());
        input
            .prior_state
            .get_str("sha256")
            .filter(|_| same_path)
            .map(str::to_owned)
    };
    match &recorded {
        Some(sha) => {
            private.insert(RECORDED_SHA256.into(), serde_json::Value::from(sha.clone()));
        }
        None => {
            private.remove(RECORDED_SHA256);
        }
    }
    let existing = Existing {
        // Unknown until apply: checked then.
        overwrite: config.get_bool("overwrite") == Some(true)
            || config.get("overwrite").is_some_and(Value::is_unknown),
        recorded_sha256: recorded,
    };
    if let Err(e) = check_target(&target, &existing) {
        diags.push(Diagnostic::error("Unusable local path", format!("{e}.")).at_attr("path"));
    }
}
/// The read of a backup or export resource (`kind`, for messages): removes
/// the leftovers of earlier failures recorded in `private`, then says
/// whether the state stays: `true` while the local file at `output_path`
/// (if any) is still the one written (`sha256`), `false` when it is gone or
/// changed (the next apply takes a new one); `None` with an error
/// diagnostic when it cannot be read.
pub async fn read_output(
    client: &Client,
    private: &mut Private,
    kind: &str,
    output_path: Option<&str>,
    sha256: Option<&String>,
    diags: &mut Diagnostics,
) -> Option<bool> {
    remove_leftovers(client, private, diags).await;
    match output_path {
        Some(path) => local_file_unchanged(kind, path, sha256, diags),
        None => Some(true),
    }
}

/// What the backup and export models share, so that their lifecycle steps
/// around the local file and the router's leftovers are written once.
pub trait OutputModel: Clone + serde::Serialize + serde::de::DeserializeOwned {
    /// The local file written (when any).
    fn output_path(&self) -> Option<&str>;
    /// The SHA-256 of what was written there.
    fn sha256(&self) -> Option<&String>;
    /// Marks a state kept after a failed create: router file `name` may be
    /// left and is removed by the next plan or apply.
    fn mark_left(&mut self, name: &str);
}

/// A create's outcome as state: the new state; after a failure that may
/// have left router file `name`, that file recorded in private state and a
/// partial state (Terraform keeps it, tainted, so that the next plan or
/// apply removes the file); else nothing.
pub fn created_state<M: OutputModel>(
    outcome: Result<M, Left>,
    plan: &M,
    schema: &Schema,
    private: &mut Private,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match outcome {
        Ok(state) => value_of(&state, schema, diags),
        Err(left) => {
            let (name, _) = left.as_ref()?;
            record_leftover(private, name);
            let mut state = plan.clone();
            state.mark_left(name);
            value_of(&state, schema, diags)
        }
    }
}

/// A read: removes the router files recorded as left, then keeps the prior
/// state while its local file is unchanged ([`read_output`]).
pub async fn read_state<M: OutputModel>(
    client: &Client,
    state: &Value,
    schema: &Schema,
    private: &mut Private,
    kind: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let prior: M = model_of(state, diags)?;
    match read_output(
        client,
        private,
        kind,
        prior.output_path(),
        prior.sha256(),
        diags,
    )
    .await?
    {
        true => value_of(&prior, schema, diags),
        false => None,
    }
}

/// What every delete does first: removes the router files recorded as
/// left and releases the local file (it stays; a replacement may write over
/// it, being the file this resource wrote). Returns the prior model.
pub async fn forget_output<M: OutputModel>(
    client: &Client,
    prior: &Value,
    private: &Private,
    diags: &mut Diagnostics,
) -> Option<M> {
    let mut private = private.clone();
    remove_leftovers(client, &mut private, diags).await;
    let old: M = model_of(prior, diags)?;
    if let (Some(path), Some(sha)) = (old.output_path(), old.sha256()) {
        release_local_file(path, sha);
    }
    Some(old)
}

/// Import of a backup or an export: there is nothing on the router to
/// adopt, since the object is what its own apply took.
pub fn refuse_import(type_name: &str, noun: &str, diags: &mut Diagnostics) -> Option<Value> {
    diags.push(Diagnostic::error(
        format!("{type_name} cannot be imported"),
        format!(
            "A {noun} resource is the {noun} taken by its own apply; there is nothing on the router to adopt. Add the resource to the configuration and apply to take {article} {noun}.",
            article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
        ),
    ));
    None
}

#[cfg(test)]
mod tests;
