//! The `routeros-sim` binary as a user runs it: what `--version` prints.

use std::process::Command;

#[test]
fn routeros_sim_version_prints_its_own_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .arg("--version")
        .output()
        .expect("run routeros-sim --version");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let line = stdout.trim_end();
    let version = line
        .strip_prefix("routeros-sim ")
        .unwrap_or_else(|| panic!("{line:?} does not start with 'routeros-sim '"));
    assert!(
        version.split('-').next().unwrap().split('.').count() == 3
            && version.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "{version:?} is not a release version"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(!stdout.contains("ROUTEROS_URL"), "it served: {stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn routeros_sim_old_version_flag_with_a_value_still_sets_the_routeros_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args(["--version", "7.16", "--help"])
        .output()
        .expect("run routeros-sim --version 7.16 --help");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("--routeros-version <V>"),
        "help expected"
    );
    assert!(
        stderr.contains("warning: --version 7.16") && stderr.contains("--routeros-version 7.16"),
        "{stderr}"
    );
}

#[test]
fn routeros_sim_mistyped_flag_names_the_flag_meant_and_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args(["--routeros-verison", "7.16"])
        .output()
        .expect("run routeros-sim --routeros-verison 7.16");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "it served");
    assert!(stderr.contains("'--routeros-version'"), "{stderr}");
}
