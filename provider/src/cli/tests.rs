//! The command line: every subcommand and flag in the help, suggestions for
//! mistakes, the spellings kept from the old parser.

use clap::CommandFactory;
use clap::error::ErrorKind;

use super::*;

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// What the arguments print instead of running (help, version, an error).
fn printed(a: &[&str]) -> (ErrorKind, String) {
    let e = parse(args(a)).expect_err("prints instead of running");
    (e.kind(), e.to_string())
}

#[test]
fn no_arguments_serve_for_terraform_and_debug_serves_for_a_debugger() {
    let cli = parse(args(&[])).unwrap();
    assert!(cli.command.is_none() && !cli.serve.debug);
    for a in [&["--debug"][..], &["-debug"], &["serve", "--debug"]] {
        let cli = parse(args(a)).unwrap();
        let debug = match cli.command {
            None => cli.serve.debug,
            Some(Command::Serve(s)) => s.debug,
            Some(other) => panic!("{a:?}: {other:?}"),
        };
        assert!(debug, "{a:?}");
    }
    assert!(matches!(
        parse(args(&["serve"])).unwrap().command,
        Some(Command::Serve(ServeArgs { debug: false }))
    ));
    // `--debug` belongs to serving, not to generate.
    assert!(parse(args(&["--debug", "generate"])).is_err());
}

#[test]
fn every_spelling_of_version_and_help_the_old_parser_took_still_works() {
    for a in ["--version", "-version", "-v", "-V"] {
        let (kind, text) = printed(&[a]);
        assert_eq!(kind, ErrorKind::DisplayVersion, "{a}");
        assert_eq!(
            text.trim_end(),
            format!("{BINARY} {}", crate::VERSION),
            "{a}"
        );
    }
    for a in ["--help", "-help", "-h"] {
        assert_eq!(printed(&[a]).0, ErrorKind::DisplayHelp, "{a}");
    }
}

/// Issue 20: `--help` did not list `generate`, nor `help` at all.
#[test]
fn help_lists_every_subcommand_and_every_flag() {
    let (_, top) = printed(&["--help"]);
    let mut cli = Cli::command();
    cli.build();
    let subcommands: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    assert_eq!(subcommands, ["serve", "generate", "restore", "help"]);
    for name in &subcommands {
        assert!(
            top.contains(&format!("\n  {name} ")),
            "{name} missing:\n{top}"
        );
    }
    for flag in ["--debug", "--version", "--help"] {
        assert!(top.contains(flag), "{flag} missing:\n{top}");
    }
    // Each subcommand's help, asked both ways, lists each of its flags
    // (`restore` reads its own flags: `restore --help` is its usage).
    for sub in cli
        .get_subcommands()
        .filter(|c| c.get_name() != "help" && c.get_name() != "restore")
    {
        let (_, flag_help) = printed(&[sub.get_name(), "--help"]);
        let (kind, word_help) = printed(&["help", sub.get_name()]);
        assert_eq!(kind, ErrorKind::DisplayHelp);
        assert_eq!(flag_help, word_help);
        let flags: Vec<_> = sub.get_arguments().filter_map(|a| a.get_long()).collect();
        assert!(!flags.is_empty());
        for flag in flags {
            assert!(
                flag_help.contains(&format!("--{flag}")),
                "{} --{flag} missing:\n{flag_help}",
                sub.get_name()
            );
        }
    }
    let (_, generate) = printed(&["help", "generate"]);
    assert!(generate.contains("ROUTEROS_URL"), "{generate}");
    for flag in [
        "--url",
        "--username",
        "--password",
        "--ca-certificate",
        "--insecure",
        "--timeout",
        "--from-export",
        "--out",
        "--import-commands",
        "--age-recipient",
        "--replace-files",
        "--router",
    ] {
        assert!(generate.contains(flag), "{flag} missing:\n{generate}");
    }
}

#[test]
fn a_mistyped_flag_or_subcommand_suggests_the_right_one() {
    for (a, meant) in [
        (&["--debgu"][..], "--debug"),
        (&["--verison"], "--version"),
        (&["genrate"], "generate"),
        (&["generate", "--from-exprot", "r.rsc"], "--from-export"),
        (
            &["generate", "--age-recipients", "age1x"],
            "--age-recipient",
        ),
        (&["generate", "--replace"], "--replace-files"),
        (&["serve", "--debu"], "--debug"),
    ] {
        let e = parse(args(a)).expect_err("an error");
        assert_eq!(e.exit_code(), 2, "{a:?}");
        let text = e.to_string();
        assert!(text.contains(&format!("'{meant}'")), "{a:?}:\n{text}");
    }
}

#[test]
fn generate_flags_become_its_options() {
    let o = generate_options(&args(&[
        "--url=api://r",
        "--username",
        "u",
        "--password",
        "pw",
        "--insecure",
        "--timeout=5",
        "--from-export",
        "r.rsc",
        "--out",
        "dir/x.tf",
        "--age-recipient",
        "age1a",
        "--age-recipient=age1b",
    ]))
    .unwrap();
    assert_eq!(
        o.provider.iter().collect::<Vec<_>>(),
        [
            (&"insecure".to_string(), &"true".to_string()),
            (&"password".to_string(), &"pw".to_string()),
            (&"timeout".to_string(), &"5".to_string()),
            (&"url".to_string(), &"api://r".to_string()),
            (&"username".to_string(), &"u".to_string()),
        ]
    );
    assert_eq!(o.from_export, Some(PathBuf::from("r.rsc")));
    assert_eq!(o.out, PathBuf::from("dir/x.tf"));
    assert_eq!(o.age_recipients, ["age1a", "age1b"]);
    assert!(!o.import_commands && !o.replace_files);
    assert!(generate_options(&args(&["--url"])).is_err());
}

/// The flags generate names in its messages and header are the ones the
/// command line takes.
#[test]
fn the_flags_generate_names_are_its_flags() {
    let cli = Cli::command();
    let generate = cli.find_subcommand("generate").unwrap();
    for (attribute, flag) in generate::FLAGS {
        let arg = generate
            .get_arguments()
            .find(|a| a.get_long() == flag.strip_prefix("--"))
            .unwrap_or_else(|| panic!("{flag} is not a flag of generate"));
        assert_eq!(arg.get_id().as_str(), attribute);
    }
}

#[test]
fn a_password_given_as_a_flag_stays_out_of_debug_output() {
    let secret = "Pa55-word-\"${x}";
    let o = generate_options(&args(&["--password", secret, "--url", "https://r"])).unwrap();
    let shown = format!("{o:?} {o:#?}");
    assert!(!shown.contains(secret), "{shown}");
    let parsed = parse(args(&["generate", "--password", secret])).unwrap();
    let shown = format!("{parsed:?}");
    assert!(!shown.contains("Pa55"), "{shown}");
}

#[test]
fn the_provider_is_served_under_its_source_address_and_version() {
    let info = info();
    assert_eq!(
        info.address(),
        format!("registry.terraform.io/{}", crate::SOURCE)
    );
    assert_eq!(info.name, RouterosProvider::new().type_name());
    assert_eq!(info.version, crate::VERSION);
}

#[test]
fn legacy_spellings_are_rewritten_only_before_the_subcommand() {
    assert_eq!(
        legacy_spellings(args(&["-debug", "generate", "--out", "-help"])),
        args(&["--debug", "generate", "--out", "-help"])
    );
}

#[test]
fn the_parser_is_well_formed() {
    Cli::command().debug_assert();
}
