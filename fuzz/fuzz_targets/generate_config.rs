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
// here, in the module tree they expect, rather than the whole provider.
#[allow(dead_code)]
mod plugin {
    #[path = "../../../provider/src/plugin/text.rs"]
    pub mod text;
}

#[allow(dead_code)]
mod generate {
    #[path = "../../../provider/src/generate/check.rs"]
    pub mod check;
    #[path = "../../../provider/src/generate/hcl.rs"]
    pub mod hcl;
    #[path = "../../../provider/src/generate/render.rs"]
    pub mod render;
}

fuzz_target!(|data: &[u8]| {
    let (items, import_commands) = generate::check::items_from_bytes(data);
    generate::check::check(&items, import_commands);
});
