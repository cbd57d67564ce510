//! Router rows of arbitrary text (any Unicode, control characters, HCL
//! template syntax, quotes, backslashes, `../`) through `generate`'s pure
//! core: the configuration it writes must parse (with `hcl-rs`, not the
//! provider's own code) into exactly the expected blocks and attributes
//! holding exactly the router's values, import IDs must name the objects,
//! `import.sh` must pass each value as one word, every file must stay in
//! the output directory, and names with control characters must be refused
//! naming the row. The property lives in `provider/src/generate/check.rs`;
//! `make test` runs it too, on stable Rust, over seeded inputs and this
//! target's corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The generator's core is plain std code: compile the provider's own files
// here rather than the whole provider. They name each other as siblings
// (`super::hcl`) and `crate::plugin::text`, so they sit at the crate root.
#[allow(dead_code)]
#[path = "../../tfplugin/src/text.rs"]
pub mod text;

pub mod plugin {
    pub use super::text;
}

/// The provider's source address, which `render.rs` takes from the
/// provider's crate root (`provider/src/lib.rs`).
pub const SOURCE: &str = "macsec-gitops/routeros";

#[allow(dead_code)]
#[path = "../../provider/src/generate/check.rs"]
mod check;
#[allow(dead_code)]
#[path = "../../provider/src/generate/hcl.rs"]
mod hcl;
#[allow(dead_code)]
#[path = "../../provider/src/generate/render.rs"]
mod render;

fuzz_target!(|data: &[u8]| {
    let (items, case) = check::items_from_bytes(data);
    check::check(&items, &case);
});
