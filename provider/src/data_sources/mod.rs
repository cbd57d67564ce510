//! Data sources: read-only views of the router, chiefly link state
//! (`status`, `running`, counters, key-server role) that changes by itself
//! and so has no place in the resources. One file per Terraform type.

use std::sync::Arc;

use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::DataSource;
use crate::plugin::schema::Schema;
use crate::plugin::value::{Value, from_model, to_model};
use crate::routeros::Client;

pub mod config_export;
pub mod macsec_interfaces;
pub mod macsec_status;
pub mod system_resource;

/// Every data source type the provider serves.
pub fn all() -> Vec<Arc<dyn DataSource<Client>>> {
    vec![
        Arc::new(macsec_interfaces::MacsecInterfaces),
        Arc::new(macsec_status::MacsecStatus),
        Arc::new(system_resource::SystemResource),
        Arc::new(config_export::ConfigExportData),
    ]
}

/// The model of a data source configuration; an error diagnostic (a
/// provider bug: schema and model disagree) when it does not fit.
pub fn model_of<T: serde::de::DeserializeOwned>(
    config: &Value,
    diags: &mut Diagnostics,
) -> Option<T> {
    match to_model(config) {
        Ok(m) => Some(m),
        Err(e) => {
            diags.push(Diagnostic::error(
                "Internal error reading the data source configuration",
                format!("{e}. This is a provider bug; please report it."),
            ));
            None
        }
    }
}

/// The value of `model` in the shape of `schema`; an error diagnostic (a
/// provider bug) when it does not fit.
pub fn state_of<T: serde::Serialize>(
    model: &T,
    schema: &Schema,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match from_model(model, &schema.block.value_type()) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(Diagnostic::error(
                "Internal error building the data source result",
                format!("{e}. This is a provider bug; please report it."),
            ));
            None
        }
    }
}
