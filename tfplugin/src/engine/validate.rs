//! PrepareProviderConfig, Configure, ValidateResourceTypeConfig and
//! ValidateDataSourceConfig: the schema checks, then the provider's or
//! resource's own.

use super::checks::check_config;
use super::{ClientCapabilities, Configured, Engine, unknown_type};
use crate::diag::{AttributePath, Diagnostics};
use crate::resource::Provider;
use crate::value::{Value, conform};

impl<P: Provider> Engine<P> {
    /// PrepareProviderConfig: checks, and returns the config unchanged.
    pub async fn validate_provider_config(&self, config: Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let schema = self.provider_schema();
        check_config(
            &schema.block,
            &config,
            &AttributePath::default(),
            true,
            &mut diags,
        );
        self.provider.validate(&config, &mut diags);
        (config, diags)
    }

    /// Configure.
    pub async fn configure(
        &self,
        config: Value,
        terraform_version: &str,
        caps: ClientCapabilities,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let schema = self.provider_schema();
        let config = conform(config, &schema.ty);
        if let Some(configured) = self
            .provider
            .configure(&config, terraform_version, &mut diags)
            .await
        {
            *self.configured.write().await = Some(Configured {
                configured,
                terraform_version: terraform_version.to_string(),
                write_only_allowed: caps.write_only_attributes_allowed,
            });
        }
        diags
    }

    /// ValidateResourceTypeConfig.
    pub async fn validate_resource_config(
        &self,
        type_name: &str,
        config: Value,
        caps: ClientCapabilities,
    ) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match self.resource(type_name) {
            Ok((r, schema)) => {
                check_config(
                    &schema.block,
                    &config,
                    &AttributePath::default(),
                    caps.write_only_attributes_allowed,
                    &mut diags,
                );
                r.validate(&config, &mut diags);
            }
            Err(d) => diags.push(d),
        }
        diags
    }

    /// ValidateDataSourceConfig.
    pub async fn validate_data_source_config(&self, type_name: &str, config: Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match self.data_sources.get(type_name) {
            Some(d) => {
                check_config(
                    &self.data_source_schema_of(type_name, d).block,
                    &config,
                    &AttributePath::default(),
                    false,
                    &mut diags,
                );
                d.validate(&config, &mut diags);
            }
            None => diags.push(unknown_type("data source", type_name, self.type_name())),
        }
        diags
    }
}

#[cfg(test)]
mod tests;
