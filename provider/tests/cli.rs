//! The provider binary's command line as a user meets it: help on stdout
//! with exit 0, a mistyped flag on stderr with the flag meant and exit 2.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-routeros");

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_as_a_flag_or_a_word_lists_the_subcommands_and_their_flags() {
    let (code, help, err) = run(&["--help"]);
    assert_eq!(code, Some(0), "{err}");
    for word in ["serve", "generate", "help", "--debug", "--version"] {
        assert!(help.contains(word), "{word} missing:\n{help}");
    }
    let (code, generate, err) = run(&["help", "generate"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(generate.contains("--from-export <FILE>"), "{generate}");
}

#[test]
fn a_mistyped_flag_names_the_flag_meant_and_exits_2() {
    let (code, out, err) = run(&["generate", "--form-export", "r.rsc"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("'--from-export'"), "{err}");
}
