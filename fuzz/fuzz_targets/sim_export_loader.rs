//! Arbitrary bytes as the export `routeros-sim --from-export` loads: no
//! panic, and what it makes is bounded (ports, rows, rows scanned). The
//! property lives in `routeros_sim::fuzzing`, where a seeded test runs it
//! on stable Rust too.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    routeros_sim::fuzzing::load_is_total_and_bounded(data);
});
