//! The provider's integration tests: one test binary, one module per file
//! of `tests/` (each file of `tests/` would otherwise be a binary of its own,
//! linked with the whole provider, the emulator and the harness; see
//! CONTRIBUTING.md, "Test cost"). A new file here is a `mod` line below;
//! `every_test_file_is_a_module` fails on one that is not.

mod cli;
mod docs;
mod generate_from_export;
mod lazy_connect;
mod logging;
mod module_graph;
mod parent_gone;
mod write_cost;

/// `autotests = false` (provider/Cargo.toml) builds no file of `tests/` but
/// this one: a file that no `mod` line names would never run.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = include_str!("main.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs")
            && stem != "main"
            && !main.lines().any(|l| l == format!("mod {stem};"))
        {
            missing.push(format!("provider/tests/{stem}.rs"));
        }
    }
    assert!(
        missing.is_empty(),
        "{}: no `mod` line in provider/tests/main.rs names it, so it never runs; add `mod NAME;` there",
        missing.join(", ")
    );
}
