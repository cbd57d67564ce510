//! Fixes the version `routeros-sim --version` prints: `ROUTEROS_PROVIDER_VERSION`
//! when set (`make dist` sets it from `VERSION` for the provider and the
//! emulator alike; the provider's build script rejects a malformed one), else
//! the Cargo.toml version. It is exposed to the crate as `SIM_VERSION`.

fn main() {
    println!("cargo:rerun-if-env-changed=ROUTEROS_PROVIDER_VERSION");
    let version = match std::env::var("ROUTEROS_PROVIDER_VERSION") {
        Ok(raw) if !raw.trim().is_empty() => raw.trim().trim_start_matches('v').to_string(),
        _ => std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
    };
    println!("cargo:rustc-env=SIM_VERSION={version}");
}
