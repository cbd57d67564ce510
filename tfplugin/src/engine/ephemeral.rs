//! The ephemeral resource RPCs: validate, open (nothing is opened while
//! the configuration is not wholly known) and close.

use super::checks::check_config;
use super::{ClientCapabilities, Engine, provider_bug, unknown_type};
use crate::diag::{AttributePath, Diagnostics};
use crate::resource::Provider;
use crate::schema::Schema;
use crate::value::{Value, conform};

impl<P: Provider> Engine<P> {
    /// The schema of an ephemeral resource type, if it exists.
    pub fn ephemeral_resource_schema(&self, type_name: &str) -> Option<Schema> {
        self.ephemeral_resources
            .get(type_name)
            .map(|e| self.ephemeral_schema_of(type_name, e).schema.clone())
    }

    /// ValidateEphemeralResourceConfig.
    pub async fn validate_ephemeral_resource_config(
        &self,
        type_name: &str,
        config: Value,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(e) = self.ephemeral_resources.get(type_name) else {
            return unknown_type("ephemeral resource", type_name, self.type_name()).into();
        };
        let schema = self.ephemeral_schema_of(type_name, e);
        let config = conform(config, &schema.ty);
        check_config(
            &schema.block,
            &config,
            &AttributePath::default(),
            true,
            &mut diags,
        );
        e.validate(&config, &mut diags);
        diags
    }

    /// OpenEphemeralResource. A configuration that is not wholly known yet
    /// (during plan) is not opened: the result is the configuration with
    /// every computed attribute unknown, as for a data source that cannot be
    /// read yet.
    pub async fn open_ephemeral_resource(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = self.ephemeral_resources.get(type_name) else {
            return (
                Value::Null,
                unknown_type("ephemeral resource", type_name, self.type_name()).into(),
            );
        };
        let schema = self.ephemeral_schema_of(type_name, e);
        let ty = &schema.ty;
        let config = conform(config, ty);
        if !config.is_wholly_known() {
            let mut v = config;
            for a in schema.block.attributes.iter().filter(|a| a.computed) {
                if v.get(&a.name).is_none_or(Value::is_null) {
                    v.set(&a.name, Value::unknown());
                }
            }
            return (v, diags);
        }
        let (ctx, route) = match self.ctx_for(Some(caps), &config, &schema).await {
            Ok(c) => c,
            Err(e) => return (Value::Null, e.into()),
        };
        match e.open(&ctx, &config, &mut diags).await {
            Some(v) => {
                let v = self.finished(&schema, v, route.as_deref(), "ephemeral result", &mut diags);
                (v, diags)
            }
            None => {
                if !diags.has_error() {
                    diags.push(provider_bug(
                        format!("Ephemeral resource {type_name} returned nothing"),
                        "Opening it reported success but returned no value",
                    ));
                }
                (Value::Null, diags)
            }
        }
    }

    /// CloseEphemeralResource: nothing is held open, so only the type is
    /// checked.
    pub async fn close_ephemeral_resource(&self, type_name: &str) -> Diagnostics {
        if self.ephemeral_resources.contains_key(type_name) {
            Diagnostics::new()
        } else {
            unknown_type("ephemeral resource", type_name, self.type_name()).into()
        }
    }
}

#[cfg(test)]
mod tests;
