//! The plugin layer: knows Terraform (tfplugin5 over gRPC, go-plugin
//! handshake, values, schemas, the plan engine), not RouterOS.

pub mod action;
pub mod codec;
pub mod ctx;
pub mod diag;
pub mod engine;
pub mod handshake;
pub mod log;
pub mod model;
mod parent_watch;
pub mod proto;
pub mod resource;
pub mod schema;
pub mod serve;
pub mod server;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod tls;
pub mod value;

pub use serve::{Mode, ProviderInfo, run, serve};
