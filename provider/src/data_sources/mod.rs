//! Data sources: read-only views of the router, chiefly link state
//! (`status`, `running`, counters, key-server role) that changes by itself
//! and so has no place in the resources. One file per Terraform type.

use std::sync::Arc;

use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::DataSource;
use crate::plugin::value::Value;
use crate::resources::{menus, request_diagnostic};
use crate::routeros::{Client, Record};

pub mod config_export;
pub mod log;
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
        Arc::new(log::Log),
    ]
}

pub use crate::plugin::resource::{model_of, value_of as state_of};

/// Checks that `interface`, when given, is not blank: an error with
/// `summary` and `detail` (what to name instead) at the attribute.
fn refuse_blank_interface(config: &Value, summary: &str, detail: &str, diags: &mut Diagnostics) {
    if config
        .get_str("interface")
        .is_some_and(|p| p.trim().is_empty())
    {
        diags.push(Diagnostic::error(summary, detail).at_attr("interface"));
    }
}

/// Every `/interface/macsec` row as the router has it now: link state
/// changes by itself, so it is never answered from the cache. `None` with
/// an error diagnostic when the router cannot be read.
async fn fresh_macsec_rows(client: &Client, diags: &mut Diagnostics) -> Option<Vec<Record>> {
    match client.list_fresh(menus::MACSEC).await {
        Ok(rows) => Some(rows),
        Err(e) => {
            diags.push(request_diagnostic("reading /interface/macsec", &e, &[]));
            None
        }
    }
}
