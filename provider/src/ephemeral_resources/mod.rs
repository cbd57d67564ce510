//! Ephemeral resources (plugin protocol 5.7: Terraform 1.10+, OpenTofu
//! 1.11+): values produced anew in every plan and apply and never written
//! to plan or state. One file per Terraform type.

use std::sync::Arc;

use crate::context::Configured;
use crate::plugin::resource::EphemeralResource;

pub mod age_secret;

/// Every ephemeral resource type the provider serves.
pub fn all() -> Vec<Arc<dyn EphemeralResource<Configured>>> {
    vec![Arc::new(age_secret::AgeSecret)]
}
