//! Data sources: read-only views of the router, chiefly link state
//! (`status`, `running`, counters, key-server role) that changes by itself
//! and so has no place in the resources. One file per Terraform type.

use std::sync::Arc;

use crate::plugin::resource::DataSource;
use crate::provider::Configured;

pub mod config_export;
pub mod macsec_interfaces;
pub mod macsec_status;
pub mod system_resource;

/// Every data source type the provider serves.
pub fn all() -> Vec<Arc<dyn DataSource<Configured>>> {
    vec![
        Arc::new(macsec_interfaces::MacsecInterfaces),
        Arc::new(macsec_status::MacsecStatus),
        Arc::new(system_resource::SystemResource),
        Arc::new(config_export::ConfigExportData),
    ]
}

pub use crate::plugin::resource::{model_of, value_of as state_of};
