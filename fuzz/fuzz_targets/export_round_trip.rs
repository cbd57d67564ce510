//! Values of arbitrary Unicode (control characters, quotes, backslashes,
//! `$`, `?`, ...) put into the emulator, its `/export show-sensitive`
//! (routeros-sim's encoder), read by the provider's export reader (written
//! apart from it): the same values come back. The properties live beside
//! each end (`routeros_sim::fuzzing`, `script::fuzzing`), where seeded
//! tests run them on stable Rust too.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../provider/src/generate/export/script.rs"]
mod script;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the export's form; the rest is up to three
    // values separated by 0xFF.
    let Some((&form, rest)) = data.split_first() else {
        return;
    };
    let values: Vec<String> = rest
        .split(|&b| b == 0xFF)
        .take(3)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect();
    let (text, held) = routeros_sim::fuzzing::export_of(&values, form);
    script::fuzzing::export_reads_back_exactly(&held, &text);
});
