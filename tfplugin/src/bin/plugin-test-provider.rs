//! `plugin-test-provider`: the plugin layer's in-memory fake provider
//! (`routeros_test_thing`) behind the real handshake, TLS and gRPC server.
//! The protocol tests (`tfplugin/tests/handshake.rs`) drive it so that they
//! exercise the plugin layer without a router. Not shipped in releases.
//! Terraform starts it; `--debug` (its one argument) serves it for a
//! reattaching Terraform, so the plugin layer's debug mode is tested too.

use tfplugin::{Mode, ProviderInfo};

fn main() {
    let info = ProviderInfo {
        name: "routeros",
        namespace: "test",
        version: env!("CARGO_PKG_VERSION"),
    };
    std::process::exit(tfplugin::run(
        tfplugin::testing::TestProvider::new(),
        &info,
        if std::env::args().skip(1).any(|a| a == "--debug") {
            Mode::Debug
        } else {
            Mode::Terraform
        },
    ));
}
