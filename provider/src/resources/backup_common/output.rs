//! The lifecycle a backup and an export share, written once: a resource
//! whose create takes an output on the router (`/system/backup/save`,
//! `/export`) and downloads it to a local file. A kind ([`OutputKind`])
//! gives its model, its checks and how it takes the output; everything
//! around the local file and the router's leftovers is here. The same
//! create runs as an action of the same name ([`AsAction`]; the actions
//! themselves are in `crate::actions`).

use async_trait::async_trait;
use schemars::JsonSchema;

use super::{
    OutputModel, check_path, created_state, forget_output, known_strings, read_state,
    refuse_import, timeouts,
};
use crate::backup::{Left, remove_leftovers};
use crate::context::Configured;
use crate::plugin::action::Progress;
use crate::plugin::diag::Diagnostics;
use crate::plugin::resource::{Ctx, PlanInput, Private, Resource, model_of, value_of};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;

/// What differs between a backup and an export.
#[async_trait]
pub trait OutputKind: Send + Sync + 'static {
    /// The resource's model.
    type Model: OutputModel + JsonSchema + Send + Sync;
    /// The Terraform type name.
    const TYPE_NAME: &'static str;
    /// The schema's description.
    const DESCRIPTION: &'static str;
    /// The description of the action of the same name.
    const ACTION_DESCRIPTION: &'static str;
    /// What it takes, for people: `backup`, `export`.
    const NOUN: &'static str;

    /// Checks a configuration (which may hold unknowns).
    fn check(&self, config: &Value, diags: &mut Diagnostics);

    /// Plan-time checks beyond the local path's.
    async fn check_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        diags: &mut Diagnostics,
    );

    /// Takes the output on the router and downloads it, reporting each
    /// step to `progress`; `private` is the resource's (an action has
    /// none). `None` when the configuration could not be read (diagnostics
    /// say why).
    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        plan: &Self::Model,
        config: &Value,
        private: Option<&mut Private>,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) -> Option<Result<Self::Model, Left>>;

    /// The state an in-place update keeps (every argument replaces the
    /// output; a kind clears what must not be kept).
    fn updated(&self, _plan: &mut Self::Model) {}

    /// What a delete does after the common part (the local file stays).
    async fn forgotten(&self, ctx: &Ctx<Configured>, old: Self::Model, diags: &mut Diagnostics);
}

/// The resource of an [`OutputKind`] (a wrapper, since the `Resource` trait
/// lives in the plugin crate).
#[derive(Debug, Default, Clone, Copy)]
pub struct OutputResource<K>(pub K);

#[async_trait]
impl<K: OutputKind> Resource<Configured> for OutputResource<K> {
    fn type_name(&self) -> &'static str {
        K::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let mut schema = schema_from_model::<K::Model>(0, K::DESCRIPTION);
        schema
            .block
            .block_types
            .push(timeouts::block(&format!("the {}", K::NOUN)));
        schema
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.0.check(config, diags);
        timeouts::check(config, diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        _planned: &mut Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        // At plan time rather than in validate, so that `terraform validate`
        // does not depend on the directories of the machine it runs on.
        let encrypted = known_strings(input.config, "age_recipients").is_some();
        check_path(input, private, encrypted, diags);
        self.0.check_plan(ctx, input, diags).await;
    }

    async fn create(
        &self,
        ctx: &Ctx<Configured>,
        planned: &Value,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let plan: K::Model = model_of(planned, diags)?;
        let silent = Progress::silent();
        let work = self
            .0
            .take(ctx, &plan, config, Some(private), &silent, diags);
        let taken = match timeouts::bounded(planned, "create", work).await {
            Ok(taken) => taken?,
            Err(limit) => {
                diags.push(timeouts::ran_out(
                    "create",
                    &limit,
                    K::NOUN,
                    "being taken and downloaded",
                ));
                remove_leftovers(&ctx.client, private, diags).await;
                return None;
            }
        };
        let state = created_state(taken, &plan, &self.schema(), private, diags)?;
        Some(with_timeouts(state, planned))
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        state: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let now =
            read_state::<K::Model>(&ctx.client, state, &self.schema(), private, K::NOUN, diags)
                .await?;
        Some(with_timeouts(now, state))
    }

    async fn update(
        &self,
        _ctx: &Ctx<Configured>,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut plan: K::Model = model_of(planned, diags)?;
        self.0.updated(&mut plan);
        Some(with_timeouts(
            value_of(&plan, &self.schema(), diags)?,
            planned,
        ))
    }

    async fn delete(
        &self,
        ctx: &Ctx<Configured>,
        prior: &Value,
        private: &Private,
        diags: &mut Diagnostics,
    ) {
        let work = async {
            if let Some(old) = forget_output::<K::Model>(&ctx.client, prior, private, diags).await {
                self.0.forgotten(ctx, old, diags).await;
            }
        };
        if let Err(limit) = timeouts::bounded(prior, "delete", work).await {
            diags.push(timeouts::ran_out(
                "delete",
                &limit,
                K::NOUN,
                "being removed",
            ));
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<Configured>,
        _id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        refuse_import(K::TYPE_NAME, K::NOUN, diags)
    }
}

/// A resource whose create also runs as an action of the same name
/// (`crate::actions::ResourceAction`): the action takes the resource's
/// arguments, checks and plan-time checks, and keeps nothing.
#[async_trait]
pub trait AsAction: Resource<Configured> + Sync + 'static {
    /// The action's description (its schema's).
    fn action_description(&self) -> &'static str;

    /// Does what the resource's create does with `config`, reporting to
    /// `progress`; keeps nothing (a file left on the router is named in
    /// the error).
    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    );
}

#[async_trait]
impl<K: OutputKind> AsAction for OutputResource<K> {
    fn action_description(&self) -> &'static str {
        K::ACTION_DESCRIPTION
    }

    async fn take(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let Some(model) = model_of::<K::Model>(config, diags) else {
            return;
        };
        let _ = self
            .0
            .take(ctx, &model, config, None, progress, diags)
            .await;
    }
}

/// `state` with the `timeouts` block of `from` (the plan or the prior
/// state): the block is configuration only, kept as given.
fn with_timeouts(mut state: Value, from: &Value) -> Value {
    state.set(
        timeouts::BLOCK,
        from.get(timeouts::BLOCK).cloned().unwrap_or(Value::Null),
    );
    state
}
