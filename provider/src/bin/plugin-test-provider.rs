//! `plugin-test-provider`: the plugin layer's in-memory fake provider
//! (`routeros_test_thing`) behind the real handshake, TLS and gRPC server.
//! The protocol tests (`provider/tests/handshake.rs`) drive it so that they
//! exercise the plugin layer without a router. Not shipped in releases, and
//! it takes no arguments: Terraform starts it.

use terraform_provider_routeros::plugin::{self, Mode, ProviderInfo};

fn main() {
    let info = ProviderInfo {
        name: "routeros",
        namespace: "test",
        version: env!("CARGO_PKG_VERSION"),
    };
    std::process::exit(plugin::run(
        plugin::testing::TestProvider::new(),
        &info,
        Mode::Terraform,
    ));
}
