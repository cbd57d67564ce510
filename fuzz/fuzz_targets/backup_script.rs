//! Arguments and router text of arbitrary bytes through the backup script
//! of `routeros_backup_schedule`: what the plan-time checks accept renders
//! a script that reads back as exactly those arguments and whose masked form
//! hides the password; any router text is read or refused without a panic,
//! and masking it leaves no password in what state would show. The property
//! lives in `provider/src/resources/backup_schedule/script_check.rs`; `make
//! test` runs it too, on stable Rust, over seeded inputs and this target's
//! corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The script's generator and reader are plain std code (and `Zeroizing`):
// compile the provider's own files here rather than the whole provider.
pub mod secrets {
    pub use zeroize::Zeroizing;
}

#[allow(dead_code)]
#[path = "../../provider/src/resources/backup_schedule/script.rs"]
mod script;
#[allow(dead_code)]
#[path = "../../provider/src/resources/backup_schedule/script_check.rs"]
mod script_check;

fuzz_target!(|data: &[u8]| {
    let _ = script_check::check(data);
});
