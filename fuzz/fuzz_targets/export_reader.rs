//! Arbitrary bytes as an `/export` into the provider's export reader
//! (`generate --from-export`): it never panics, and what it reads is
//! bounded by the input (the property lives beside the reader, in
//! `script::fuzzing`, where a seeded test runs it on stable Rust too).

#![no_main]

use libfuzzer_sys::fuzz_target;

// The reader is plain std code: compile the provider's own file here
// rather than the whole provider.
#[allow(dead_code)]
#[path = "../../provider/src/generate/export/script.rs"]
mod script;

fuzz_target!(|data: &[u8]| {
    script::fuzzing::parse_is_total_and_bounded(data);
});
