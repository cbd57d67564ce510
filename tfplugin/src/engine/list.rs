//! ValidateListResourceConfig, ListResource and GenerateResourceConfig:
//! what `terraform query` asks of a resource type.

use super::checks::{check_config, null_write_only};
use super::{Engine, unknown_type};
use crate::diag::{AttributePath, Diagnostics};
use crate::resource::{ListItem, ListRequest, Provider};
use crate::value::{Value, conform};

impl<P: Provider> Engine<P> {
    /// ValidateListResourceConfig.
    pub async fn validate_list_resource_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(schema) = self
            .resources
            .get(type_name)
            .and_then(|r| self.list_schema_of(type_name, r))
        else {
            return unknown_type("list resource", type_name, self.type_name()).into();
        };
        if !config.is_null() {
            check_config(
                &schema.block,
                config,
                &AttributePath::default(),
                false,
                &mut diags,
            );
        }
        diags
    }

    /// ListResource: every object the list block names.
    pub async fn list_resource(
        &self,
        type_name: &str,
        config: Value,
        include_resource: bool,
        limit: Option<i64>,
    ) -> (Vec<ListItem>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Vec::new(), d.into()),
        };
        let Some(list_schema) = self.list_schema_of(type_name, r) else {
            return (
                Vec::new(),
                unknown_type("list resource", type_name, self.type_name()).into(),
            );
        };
        let config = if config.is_null() {
            Value::Null
        } else {
            conform(config, &list_schema.ty)
        };
        let (ctx, route) = match self.ctx_for(None, &config, &schema).await {
            Ok(c) => c,
            Err(d) => return (Vec::new(), d.into()),
        };
        let request = ListRequest {
            config: &config,
            include_resource,
            limit,
        };
        let mut items = r.list(&ctx, &request, &mut diags).await;
        for item in &mut items {
            self.stamp(&mut item.identity, route.as_deref());
            if let Some(obj) = item.object.take() {
                let mut v =
                    self.finished(&schema, obj, route.as_deref(), "listed object", &mut diags);
                null_write_only(&schema.block, &mut v);
                item.object = Some(v);
            }
        }
        (items, diags)
    }

    /// GenerateResourceConfig: the configuration for an object in `state`.
    /// Computed-only and write-only attributes are left out (null).
    pub fn generate_resource_config(&self, type_name: &str, state: Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let (r, schema) = match self.resource(type_name) {
            Ok(x) => x,
            Err(d) => return (Value::Null, d.into()),
        };
        let ty = &schema.ty;
        let state = conform(state, ty);
        let route = self.route_in(&state).ok().flatten();
        let mut config = r
            .generate_config(&schema, &state, &mut diags)
            .unwrap_or(state);
        self.stamp(&mut config, route.as_deref());
        if let Value::Object(map) = &mut config {
            for a in &schema.block.attributes {
                if (a.computed && !a.optional && !a.required) || a.write_only {
                    map.insert(a.name.clone(), Value::Null);
                }
            }
        }
        (conform(config, ty), diags)
    }
}
