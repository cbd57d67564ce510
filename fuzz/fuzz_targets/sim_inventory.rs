//! Arbitrary bytes as the inventory `routeros-sim --fleet` reads: no panic,
//! what is accepted is checked, an error is one bounded line. The property
//! lives in `routeros_sim::fuzzing`, where a seeded test runs it on stable
//! Rust too.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    routeros_sim::fuzzing::inventory_is_total_and_bounded(data);
});
