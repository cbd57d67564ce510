//! The end-to-end suites of terraform-provider-routeros: a harness that
//! drives real Terraform against routeros-sim (re-exported as [`sim`]).

pub mod harness;
pub use routeros_sim as sim;
