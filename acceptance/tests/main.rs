//! The acceptance suites of terraform-provider-routeros, in one test binary:
//! real Terraform (every installed version) drives the freshly built provider
//! against routeros-sim. One module per suite under `suites/`; the helpers
//! they share (emulators, REST to them, provider blocks, the leak scanner,
//! the fault proxy) live once in [`acceptance::harness`].
//!
//! Run one suite with `cargo nextest run -p acceptance -E 'test(/^suites::backup::/)'`
//! or `cargo test -p acceptance --test acceptance suites::backup::`.

mod suites;
