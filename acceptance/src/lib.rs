//! The end-to-end suites of terraform-provider-routeros: a harness that
//! drives real Terraform against routeros-sim (re-exported as [`sim`]).

pub mod harness;
pub use routeros_sim as sim;

/// The `routeros-sim` binary of this build: `target/<profile>/routeros-sim`, next to the
/// `deps/` directory that holds the running test binary. (Cargo sets
/// `CARGO_BIN_EXE_routeros-sim` only for tests of the emulator's own crate.) Build it
/// first: `cargo build --workspace --bins`.
pub fn sim_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the path of the running test binary");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in target/<profile>/deps");
    dir.join(format!("routeros-sim{}", std::env::consts::EXE_SUFFIX))
}
