//! The plugin layer: knows Terraform (tfplugin5 over gRPC, go-plugin
//! handshake, values, schemas, the plan engine), not RouterOS.

pub mod action;
pub mod codec;
pub mod diag;
pub mod engine;
pub mod handshake;
pub mod log;
mod parent_watch;
pub mod proto;
pub mod resource;
pub mod schema;
pub mod serve;
pub mod server;
pub mod server_actions;
pub mod testing;
pub mod text;
pub mod tls;
pub mod value;

pub use serve::{Mode, ProviderInfo, run, serve};
