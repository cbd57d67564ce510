//! Arbitrary bytes as a `/system/script` source, run by routeros-sim's script
//! interpreter (`routeros-sim/src/menus/script/interp.rs`) on a fresh emulated
//! router. The interpreter must answer every input with a result or an error:
//! never a panic, never a run that does not end (it stops after a bounded
//! number of statements and refuses nesting deeper than a bound).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    routeros_sim::fuzz_script(data);
});
