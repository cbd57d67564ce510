//! The provider binary's command line as a user meets it: run by hand,
//! help on stdout with exit 0, a mistyped flag on stderr with the flag meant
//! and exit 2, `--version`, `--debug` (the plugin layer's serving is tested
//! in tfplugin's own `tests/handshake.rs`).

use std::io::BufReader;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-routeros");
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

#[test]
fn run_by_hand_prints_a_human_message_and_exits_1() {
    let out = Command::new(BIN)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("This binary is a plugin for Terraform/OpenTofu"),
        "{err}"
    );
    assert!(
        err.contains("dev_overrides") && err.contains("--debug"),
        "{err}"
    );

    let out = Command::new(BIN)
        .env("TF_PLUGIN_MAGIC_COOKIE", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn refuses_clients_without_protocol_5() {
    let out = Command::new(BIN)
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol 5"));
}

#[test]
fn version_flag_prints_the_version() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        format!(
            "terraform-provider-routeros {}",
            terraform_provider_routeros::VERSION
        )
    );
}

#[test]
fn debug_mode_prints_the_reattach_address_under_the_provider_namespace() {
    let mut child = Command::new(BIN)
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reattach = tfplugin::testing::read_reattach(BufReader::new(child.stdout.take().unwrap()));
    let entry = &reattach["registry.terraform.io/macsec-gitops/routeros"];
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["ProtocolVersion"], 5);
    // In debug mode Ctrl-C ends it.
    assert!(
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    assert!(child.wait().unwrap().success());
}

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
