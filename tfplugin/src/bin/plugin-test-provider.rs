//! `plugin-test-provider`: the plugin layer's in-memory fake provider
//! (`routeros_test_thing`) behind the real handshake, TLS and gRPC server.
//! The protocol tests (`tfplugin/tests/handshake.rs`) drive it so that they
//! exercise the plugin layer without a router. Not shipped in releases.

fn main() {
    std::process::exit(tfplugin::run(
        tfplugin::testing::TestProvider::new(),
        tfplugin::ProviderInfo {
            namespace: "test",
            version: env!("CARGO_PKG_VERSION"),
        },
    ));
}
