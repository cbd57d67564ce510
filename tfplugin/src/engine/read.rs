//! UpgradeResourceState, ReadResource and ReadDataSource: stored or
//! refreshed values brought to the current schema.

use super::checks::null_write_only;
use super::private::{decode_private, encode_private};
use super::{ClientCapabilities, Engine, provider_bug, unknown_type};
use crate::codec::{Extra, value_from_json};
use crate::diag::{Diagnostic, Diagnostics};
use crate::resource::Provider;
use crate::value::{Value, conform};

impl<P: Provider> Engine<P> {
    /// UpgradeResourceState: the stored JSON (written by schema `version`)
    /// as a value of the current schema.
    pub async fn upgrade_resource_state(
        &self,
        type_name: &str,
        version: i64,
        json: &[u8],
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let schema = match self.resource(type_name) {
            Ok((_, s)) => s,
            Err(d) => return (Value::Null, d.into()),
        };
        if version > schema.version {
            diags.push(Diagnostic::error(
                "State written by a newer provider",
                format!(
                    "The state of this {type_name} was written with schema version {version}, but this provider only \
                     knows versions up to {}. Use the provider version that wrote the state, or a newer one.",
                    schema.version
                ),
            ));
            return (Value::Null, diags);
        }
        if json.is_empty() {
            return (Value::Null, diags);
        }
        let ty = &schema.ty;
        let parsed: serde_json::Value = match serde_json::from_slice(json) {
            Ok(j) => j,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Stored state is not valid JSON",
                    format!(
                        "The state of this {type_name} could not be read ({e}). Restore the state file from a backup, \
                         or remove the resource from state (terraform state rm) and import it again."
                    ),
                ));
                return (Value::Null, diags);
            }
        };
        match value_from_json(parsed, ty, Extra::Drop) {
            Ok(mut v) => {
                let block = &schema.block;
                null_write_only(block, &mut v);
                (v, diags)
            }
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Stored state does not fit the schema",
                    format!(
                        "The state of this {type_name} (schema version {version}) does not fit the current schema \
                         (version {}): {e}. Remove the resource from state (terraform state rm) and import it again.",
                        schema.version
                    ),
                ));
                (Value::Null, diags)
            }
        }
    }

    /// ReadResource: returns (new state or null when gone, private).
    pub async fn read_resource(
        &self,
        type_name: &str,
        state: Value,
        private: Vec<u8>,
        caps: ClientCapabilities,
    ) -> (Value, Vec<u8>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (state, private, d.into()),
        };
        if state.is_null() {
            return (Value::Null, private, diags);
        }
        let (ctx, route) = match self.ctx_for(Some(caps), &state, &schema).await {
            Ok(c) => c,
            Err(d) => return (state, private, d.into()),
        };
        let ty = &schema.ty;
        let state = conform(state, ty);
        let mut p = decode_private(&private, &mut diags);
        let out = r.read(&ctx, &state, &mut p, &mut diags).await;
        match out {
            Some(v) => {
                let v = self.finished(&schema, v, route.as_deref(), "refreshed state", &mut diags);
                (v, encode_private(&p), diags)
            }
            // Gone: Terraform plans to create it again.
            None if !diags.has_error() => (Value::Null, encode_private(&p), diags),
            // A failed read keeps what we had.
            None => (state, private, diags),
        }
    }

    /// ReadDataSource.
    pub async fn read_data_source(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(d) = self.data_sources.get(type_name) else {
            return (
                Value::Null,
                unknown_type("data source", type_name, self.type_name()).into(),
            );
        };
        let schema = self.data_source_schema_of(type_name, d);
        let ty = &schema.ty;
        let config = conform(config, ty);
        let (ctx, route) = match self.ctx_for(Some(caps), &config, &schema).await {
            Ok(c) => c,
            Err(e) => return (Value::Null, e.into()),
        };
        match d.read(&ctx, &config, &mut diags).await {
            Some(v) => {
                let v = self.finished(
                    &schema,
                    v,
                    route.as_deref(),
                    "data source result",
                    &mut diags,
                );
                (v, diags)
            }
            None => {
                if !diags.has_error() {
                    diags.push(provider_bug(
                        format!("Data source {type_name} returned nothing"),
                        "The read reported success but returned no value",
                    ));
                }
                (Value::Null, diags)
            }
        }
    }
}

#[cfg(test)]
mod tests;
