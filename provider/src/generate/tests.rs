//! Tests of `generate`: flags, the rows a router holds in and the files
//! out, and the regression tests of issue 19 (router text in the output).

use super::*;
use crate::cli::generate_options as parse;
use crate::plugin::diag::Diagnostics;
use crate::plugin::value::Value;
use crate::resources::menus;

#[test]
fn flags() {
    let o = parse(&[
        "--url=api://r".into(),
        "--import-commands".into(),
        "--replace-files".into(),
        "--age-recipient".into(),
        "age1x".into(),
    ])
    .unwrap();
    assert_eq!(o.provider["url"], "api://r");
    assert!(o.import_commands && o.replace_files);
    assert_eq!(o.age_recipients, ["age1x"]);
    assert!(parse(&["--bogus".into()]).is_err());
    assert_eq!(parse(&[]).unwrap().out, PathBuf::from("imported.tf"));
}

use std::path::Path;

use crate::plugin::resource::{Ctx, Resource};
use crate::resources::macsec_interface::MacsecInterface;
use crate::resources::row::Row;

/// A sequence of pseudo-random bytes (xorshift64*), the same in every run.
fn seeded_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// The fuzz target's property on stable Rust: a few thousand seeded inputs
/// and the committed corpus.
#[test]
fn generated_configuration_holds_exactly_the_routers_values_for_any_text() {
    let mut cases = 0;
    for seed in 0..3000 {
        let data = seeded_bytes(seed, 64 + (seed as usize % 192));
        let (items, case) = check::items_from_bytes(&data);
        check::check(&items, &case);
        cases += 1;
    }
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/generate_config");
    for entry in std::fs::read_dir(&corpus).expect("the committed corpus") {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let (items, case) = check::items_from_bytes(&data);
        check::check(&items, &case);
        cases += 1;
    }
    assert!(cases > 3000);
}

/// Rows of one menu, each as (column, value) pairs.
type MenuRows<'a> = (&'a str, &'a [&'a [(&'a str, &'a str)]]);

/// A router made of `rows` per menu (no network).
async fn router(rows: &[MenuRows<'_>]) -> Configured {
    let menus = rows
        .iter()
        .map(|(menu, rows)| {
            let rows = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                })
                .collect();
            (menu.to_string(), rows)
        })
        .collect();
    Configured::from_environment(
        Client::with_transport(Box::new(ExportTransport(menus)))
            .await
            .unwrap(),
    )
}

/// An export file in `dir` holding `text`, and `generate` run on it with
/// `args`; the configuration written (or the error).
fn generate_from_export(dir: &Path, text: &str, args: &[&str]) -> Result<String, String> {
    let export = dir.join("router.rsc");
    std::fs::write(&export, text).unwrap();
    let out = dir.join("out/imported.tf");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let mut all = vec![
        "--from-export".to_string(),
        export.display().to_string(),
        "--out".to_string(),
        out.display().to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    let opts = parse(&all)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(&opts))?;
    Ok(std::fs::read_to_string(out).unwrap())
}

const CAK: &str = "71a7c363794da400dbde595d3926b0e9";

/// An age recipient (its identity is not needed: the files are not read).
fn recipient() -> String {
    "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".to_string()
}

/// Regression (issue 19): a name holding `${...}` reached the path in
/// `cak_age = file("${path.module}/NAME.cak.age")` unescaped, so Terraform
/// read a local file of the router's choosing at plan time.
#[test]
fn a_name_with_hcl_template_syntax_stays_a_string_literal() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = r#"x${file("/etc/passwd")}%{ if true }y%{ endif }" } resource "terraform_data" "p" { provisioner "local-exec" { command = "id" } } #"#;
    let quoted = hostile.replace('"', "\\\"");
    let text = format!(
        "/interface macsec\nadd interface=ether1 name=\"m{quoted}\" comment=\"{quoted}\" cak={CAK}\n"
    );
    let config =
        generate_from_export(dir.path(), &text, &["--age-recipient", &recipient()]).unwrap();
    let body = ::hcl::parse(&config).unwrap_or_else(|e| panic!("{e}\n{config}"));
    let mut values = Vec::new();
    for b in body.blocks() {
        if ["terraform", "provider"].contains(&b.identifier.as_str()) {
            continue;
        }
        assert!(
            ["resource", "import"].contains(&b.identifier.as_str()),
            "{config}"
        );
        let label = match &b.labels[..] {
            [::hcl::BlockLabel::String(t), ::hcl::BlockLabel::String(l)] => {
                assert_ne!(t, "terraform_data");
                l.clone()
            }
            _ => String::new(),
        };
        for a in b.body.attributes() {
            match (&a.expr, a.key.as_str()) {
                (::hcl::Expression::String(s), _) => values.push(s.clone()),
                (::hcl::Expression::FuncCall(call), "cak_age") => {
                    assert_eq!(call.name.name.as_str(), "file");
                    assert_eq!(
                        call.args,
                        [::hcl::Expression::TemplateExpr(Box::new(
                            ::hcl::TemplateExpr::QuotedString(format!(
                                "${{path.module}}/{label}.cak.age"
                            ))
                        ))],
                        "{config}"
                    );
                }
                (::hcl::Expression::Traversal(_), "to") => {}
                (::hcl::Expression::Bool(_) | ::hcl::Expression::Number(_), _) => {}
                (other, key) => panic!("{key} = {other:?} is not a literal\n{config}"),
            }
        }
    }
    assert!(values.contains(&hostile.to_string()), "{config}");
    assert!(values.contains(&format!("m{hostile}")), "{config}");
}

/// Regression (issue 19): with --age-recipient, a name `../../x` wrote
/// `../../x.cak.age` outside the output directory.
#[test]
fn a_name_cannot_write_a_cak_file_outside_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        format!("/interface macsec\nadd interface=ether1 name=\"../../escaped\" cak={CAK}\n");
    let config =
        generate_from_export(dir.path(), &text, &["--age-recipient", &recipient()]).unwrap();
    let outside: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".cak.age"))
        .collect();
    assert_eq!(outside.len(), 1, "{outside:?}");
    assert_eq!(outside[0].parent(), Some(dir.path().join("out").as_path()));
    assert!(config.contains("cak_age"), "{config}");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Regression (issue 19): generate overwrote an existing `.cak.age` file.
#[test]
fn an_existing_cak_file_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("/interface macsec\nadd interface=ether1 name=macsec1 cak={CAK}\n");
    let kept = dir.path().join("out/macsec1.cak.age");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::write(&kept, "keep me").unwrap();
    let err =
        generate_from_export(dir.path(), &text, &["--age-recipient", &recipient()]).unwrap_err();
    assert!(
        err.contains("--replace-files") && err.contains("macsec1.cak.age"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "keep me");
    assert!(
        !dir.path().join("out/imported.tf").exists(),
        "nothing written"
    );
    generate_from_export(
        dir.path(),
        &text,
        &["--age-recipient", &recipient(), "--replace-files"],
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&kept)
            .unwrap()
            .contains("AGE ENCRYPTED FILE")
    );
}

/// Regression (issue 19): a `.cak.age` path that is a symbolic link was
/// written through, to wherever it points.
#[cfg(unix)]
#[test]
fn a_symlinked_cak_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("/interface macsec\nadd interface=ether1 name=macsec1 cak={CAK}\n");
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, "precious").unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("out/macsec1.cak.age")).unwrap();
    for args in [&[][..], &["--replace-files"][..]] {
        let mut all = vec!["--age-recipient".to_string(), recipient()];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let err = generate_from_export(dir.path(), &text, &all).unwrap_err();
        assert!(
            err.contains("symbolic link") || err.contains("already exists"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    }
}

/// Regression (issue 19): the object named `*2` was imported as the object
/// whose RouterOS id is `*2`, both from generate's import block and from
/// `terraform query`'s identity.
#[test]
fn a_name_that_looks_like_an_id_imports_the_named_object() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "/interface macsec\nadd interface=ether1 name=\"*2\"\nadd interface=ether2 name=other\n";
    let config = generate_from_export(dir.path(), text, &[]).unwrap();
    let ids: Vec<String> = ::hcl::parse(&config)
        .unwrap()
        .blocks()
        .filter(|b| b.identifier.as_str() == "import")
        .filter_map(
            |b| match &b.body.attributes().find(|a| a.key.as_str() == "id")?.expr {
                ::hcl::Expression::String(s) => Some(s.clone()),
                _ => None,
            },
        )
        .collect();
    let id = ids
        .iter()
        .find(|i| i.contains("*2"))
        .expect("an import of *2")
        .clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // The router the configuration is applied to: ids as it numbers them.
        let ctx = Ctx::new(
            Arc::new(
                router(&[(
                    menus::MACSEC,
                    &[
                        &[(".id", "*1"), ("name", "*2"), ("interface", "ether1")],
                        &[(".id", "*2"), ("name", "other"), ("interface", "ether2")],
                    ],
                )])
                .await,
            ),
            Row(MacsecInterface).schema(),
        );
        let mut diags = Diagnostics::new();
        let imported = Row(MacsecInterface).import(&ctx, &id, &mut diags).await;
        assert_eq!(
            imported.unwrap().get_str("id"),
            Some("*1"),
            "{id} {diags:?}"
        );
        let identity = Value::Object([("name".to_string(), Value::string("*2"))].into());
        let by_identity = Row(MacsecInterface)
            .import_identity(&ctx, &identity, &mut diags)
            .await;
        assert_eq!(by_identity.unwrap().get_str("id"), Some("*1"));
        // A RouterOS id still imports by id.
        let by_id = Row(MacsecInterface).import(&ctx, "*2", &mut diags).await;
        assert_eq!(by_id.unwrap().get_str("name"), Some("other"));
    });
}

/// Regression (issue 19): `a.b`, `a,b` and `a_b` all got the label `a_b`.
#[test]
fn names_differing_in_punctuation_get_distinct_labels() {
    let dir = tempfile::tempdir().unwrap();
    let text = "/interface macsec profile\nadd name=a.b\nadd name=a,b\nadd name=a_b\n";
    let config = generate_from_export(dir.path(), text, &[]).unwrap();
    let body = ::hcl::parse(&config).unwrap_or_else(|e| panic!("{e}\n{config}"));
    let labels: std::collections::BTreeSet<String> = body
        .blocks()
        .filter(|b| b.identifier.as_str() == "resource")
        .map(|b| format!("{:?}", b.labels))
        .collect();
    assert_eq!(labels.len(), 3, "{config}");
    assert!(
        config.contains("\"a_b\" {"),
        "the plain name keeps its label: {config}"
    );
}

/// Regression (issue 19): a name with a control character (here an escape
/// sequence that clears the terminal) went into labels, file names and
/// comments.
#[test]
fn a_name_with_a_control_character_is_refused_naming_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = "/interface macsec\nadd interface=ether1 name=\"ok\"\nadd interface=ether2 name=\"evil\u{1b}[2J\"\n";
    let err = generate_from_export(dir.path(), text, &[]).unwrap_err();
    assert!(
        err.contains("*2") && err.contains("evil\\u{001B}[2J"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(!dir.path().join("out/imported.tf").exists());
}

/// Regression (issue 19): import.sh must hand each hostile name to
/// `terraform` as exactly one argument, read back by the provider as the name.
#[cfg(unix)]
#[test]
fn import_sh_passes_hostile_names_as_single_arguments() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "it's $(touch pwned) `id` \\\" ;|&",
        "-h",
        "*1",
        " spaced ",
        "name=x",
        "plain",
    ];
    let text: String = std::iter::once("/interface macsec profile\n".to_string())
        .chain(names.iter().map(|n| {
            format!(
                "add name=\"{}\"\n",
                n.replace('\\', "\\\\").replace('"', "\\\"")
            )
        }))
        .collect();
    generate_from_export(dir.path(), &text, &["--import-commands"]).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("argv");
    let stub = bin.join("terraform");
    std::fs::write(
        &stub,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> '{}'; done\nprintf '\\n\\0' >> '{}'\n",
            log.display(),
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let status = std::process::Command::new("sh")
        .arg(dir.path().join("out/import.sh"))
        .current_dir(dir.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .status()
        .unwrap();
    assert!(status.success());
    assert!(!dir.path().join("pwned").exists());
    let argv = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<Vec<&str>> = argv
        .split("\n\0")
        .filter(|c| !c.is_empty())
        .map(|c| c.trim_end_matches('\0').split('\0').collect())
        .collect();
    assert_eq!(calls.len(), names.len(), "{calls:?}");
    for (call, name) in calls.iter().zip(names) {
        assert_eq!(call.len(), 3, "{call:?}");
        assert_eq!(call[0], "import");
        assert!(call[1].starts_with("routeros_macsec_profile."), "{call:?}");
        let named = call[2].strip_prefix(hcl::BY_NAME).unwrap_or(call[2]);
        assert_eq!(named, name, "{call:?}");
        assert!(!call[2].starts_with(['*', '-']));
        assert!(call[2].starts_with(hcl::BY_NAME) || call[2].trim() == call[2]);
    }
}

/// Issue 19: generate warns about an unprotected connection with the
/// provider's own warnings (it printed none).
#[tokio::test]
async fn generate_warns_on_plain_http_and_insecure_as_the_provider_does() {
    let args = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let (_, warnings) = connect(&args(&["--url", "http://r", "--username", "u"]))
        .await
        .unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Unencrypted connection to the router")
                && w.contains("`--url` uses http://")),
        "{warnings:?}"
    );
    let (_, warnings) = connect(&args(&[
        "--url",
        "https://r",
        "--username",
        "u",
        "--insecure",
    ]))
    .await
    .unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("TLS certificate checks are off") && w.contains("`--insecure`")),
        "{warnings:?}"
    );
}

/// Issue 23: without a URL, generate said "Set `url` in the provider
/// block", which generate has none of.
#[tokio::test]
async fn errors_name_generates_own_flags() {
    let Err(err) = connect(&parse(&["--username".to_string(), "u".to_string()]).unwrap()).await
    else {
        panic!("no URL is an error");
    };
    assert!(err.contains("Set --url "), "{err}");
    assert!(!err.contains("provider block"), "{err}");
    let Err(err) = connect(&parse(&["--timeout=soon".to_string()]).unwrap()).await else {
        panic!("a timeout that is not a number is an error");
    };
    assert!(err.contains("--timeout"), "{err}");
}

/// Issue 23: the generated directory had no `required_providers` and no
/// provider block, so `terraform init` looked for hashicorp/routeros.
#[test]
fn generate_writes_required_providers_and_a_provider_block_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let text = "/interface macsec profile\nadd name=uplink\n";
    let config = generate_from_export(
        dir.path(),
        text,
        &[
            "--url",
            "https://r.example",
            "--username",
            "admin",
            "--password",
            "s3cret",
        ],
    )
    .unwrap();
    assert!(
        config.contains(&format!("source = \"{}\"", render::SOURCE)),
        "{config}"
    );
    let body = ::hcl::parse(&config).unwrap();
    let provider = body
        .blocks()
        .find(|b| b.identifier.as_str() == "provider")
        .expect("a provider block");
    let attrs: Vec<(&str, &::hcl::Expression)> = provider
        .body
        .attributes()
        .map(|a| (a.key.as_str(), &a.expr))
        .collect();
    assert_eq!(
        attrs,
        [
            (
                "url",
                &::hcl::Expression::String("https://r.example".into())
            ),
            ("username", &::hcl::Expression::String("admin".into()))
        ]
    );
    assert!(!config.contains("s3cret"));
    // A directory that has them already gets neither again.
    let main = dir.path().join("out/main.tf");
    std::fs::write(
        &main,
        format!(
            "terraform {{\n  required_providers {{\n    routeros = {{ source = \"{}\" }}\n  }}\n}}\n\nprovider \"routeros\" {{}}\n",
            render::SOURCE
        ),
    )
    .unwrap();
    let config = generate_from_export(dir.path(), text, &["--replace-files"]).unwrap();
    assert!(
        !config.contains("required_providers") && !config.contains("provider \""),
        "{config}"
    );
}

/// Issue 23: the generated file was not formatted as `terraform fmt`
/// writes it (attributes not aligned).
#[test]
fn generated_configuration_is_formatted_as_terraform_fmt_writes_it() {
    let terraform = acceptance::harness::Terraform::newest();
    let flags: [&[&str]; 3] = [
        &["--url", "https://r", "--insecure", "--timeout", "30"],
        &["--import-commands"],
        &[
            "--router",
            "1core",
            "--url",
            "https://r",
            "--insecure",
            "--timeout",
            "30",
        ],
    ];
    for args in flags {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "/interface macsec profile\nadd name=uplink server-priority=5 comment=\"a \\\"q\\\" ${{x}}\"\n/interface macsec\nadd interface=ether1 name=macsec1 profile=uplink mtu=1400 comment=c cak={CAK}\nadd interface=ether2 name=\"1 odd.name\"\n"
        );
        generate_from_export(dir.path(), &text, args).unwrap();
        let out = std::process::Command::new(terraform.path())
            .args(["fmt", "-check", "-diff", "-no-color"])
            .current_dir(dir.path().join("out"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 23: with an age identity in the environment and --age-recipient,
/// key blocks got `cak_age` twice (the listing's and the file's), and the
/// file did not load.
#[tokio::test]
async fn a_key_block_has_exactly_one_cak_input_with_an_identity_and_a_recipient() {
    use crate::secrets::{ExposeSecret, Identities, IdentityConfig, SecretString};
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let ids = Identities::new(IdentityConfig {
        age_identity: Some(SecretString::from(
            identity.to_string().expose_secret().to_string(),
        )),
        age_identity_file: None,
    });
    let row: crate::routeros::Record = [
        (".id", "*1"),
        ("name", "macsec1"),
        ("interface", "ether1"),
        ("cak", CAK),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let router = Client::with_transport(Box::new(ExportTransport(
        [(menus::MACSEC.to_string(), vec![row])].into(),
    )))
    .await
    .unwrap();
    let client = Configured::new(router, Arc::new(ids));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported.tf");
    let opts = parse(&[
        "--age-recipient".into(),
        recipient,
        "--out".into(),
        out.display().to_string(),
    ])
    .unwrap();
    let output = output(client, &opts).await.unwrap();
    let text = String::from_utf8(output.files[0].contents.clone()).unwrap();
    let key = text
        .split("\nresource ")
        .find(|b| b.starts_with("\"routeros_macsec_key\""))
        .expect("a key block");
    let key = &key[..key.find("\n}").unwrap()];
    assert_eq!(key.matches("cak_age").count(), 1, "{key}");
    assert!(
        key.contains("file(\"${path.module}/macsec1.cak.age\")"),
        "{key}"
    );
    assert!(!key.contains("# Fill in"), "{key}");
}

/// Found by the fuzz target: a number written as `00` read back as `0`;
/// number text HCL would change is written as a string.
#[test]
fn a_number_that_hcl_would_change_keeps_its_text() {
    let item = |n: &str| Item {
        type_name: "routeros_macsec_interface".into(),
        row: "*1".into(),
        key: "m".into(),
        attributes: vec![("mtu".into(), Lit::Num(n.into()))],
        key_input: None,
    };
    for n in ["00", "+1", "1e3", "1.50", "-0", "1468", "-3", "1.5"] {
        check::check(
            &[item(n)],
            &check::Case {
                import_commands: false,
                router: None,
                taken: Vec::new(),
            },
        );
    }
}

/// `generate --router` for two routers into one directory, from exports
/// whose names collide and hold hostile text: every block has `router`,
/// labels and files carry the router's prefix and stay distinct, import
/// IDs the router's, the provider block the first router's entry of
/// `routers`, and what the second run finds there it does not take.
#[test]
fn generate_for_two_routers_writes_one_directory_without_clashes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let hostile = r#"x/${file("/etc/passwd")}%{ if 1 }"\\"#;
    let quoted = hostile.replace('\\', "\\\\").replace('"', "\\\"");
    let text = format!(
        "/interface macsec\nadd interface=ether1 name=macsec1 cak={CAK}\nadd interface=ether2 name=\"{quoted}\" cak={CAK}\n"
    );
    let export = dir.path().join("router.rsc");
    std::fs::write(&export, text).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut summaries = Vec::new();
    for (router, file) in [("core", "core.tf"), ("9edge", "_9edge.tf")] {
        let args: Vec<String> = [
            "--from-export",
            &export.display().to_string(),
            "--out",
            &out.join(file).display().to_string(),
            "--router",
            router,
            "--url",
            "https://r.example",
            "--age-recipient",
            &recipient(),
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        summaries.push(runtime.block_on(run(&parse(&args).unwrap())).unwrap());
    }
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("core") || f.starts_with("_9edge")),
        "{files:?}"
    );
    let mut config = String::new();
    for f in ["core.tf", "_9edge.tf"] {
        config.push_str(&std::fs::read_to_string(out.join(f)).unwrap());
    }
    let body = ::hcl::parse(&config).unwrap_or_else(|e| panic!("{e}\n{config}"));
    let mut labels = std::collections::BTreeSet::new();
    let mut ids = Vec::new();
    let mut providers = 0;
    for b in body.blocks() {
        let attr = |name: &str| {
            b.body
                .attributes()
                .find(|a| a.key.as_str() == name)
                .map(|a| a.expr.clone())
        };
        match b.identifier.as_str() {
            "resource" => {
                let [_, ::hcl::BlockLabel::String(label)] = &b.labels[..] else {
                    panic!("{:?}", b.labels)
                };
                let router = match attr("router") {
                    Some(::hcl::Expression::String(r)) => r,
                    other => panic!("router = {other:?}\n{config}"),
                };
                let prefix = if router == "core" { "core_" } else { "_9edge_" };
                assert!(label.starts_with(prefix), "{label}");
                assert!(labels.insert(format!("{:?}", b.labels)), "{label} twice");
            }
            "import" => match attr("id") {
                Some(::hcl::Expression::String(id)) => ids.push(id),
                other => panic!("id = {other:?}"),
            },
            "provider" => {
                providers += 1;
                let Some(::hcl::Expression::Object(routers)) = attr("routers") else {
                    panic!("routers\n{config}")
                };
                assert_eq!(routers.len(), 1, "{config}");
            }
            _ => {}
        }
    }
    assert_eq!(
        providers, 1,
        "the second run keeps the first's provider block"
    );
    // Per router: two interfaces, their keys, their ports' bindings.
    assert_eq!(labels.len(), 12, "{config}");
    assert_eq!(ids.len(), 12, "{ids:?}");
    for router in ["core", "9edge"] {
        let own: Vec<&String> = ids
            .iter()
            .filter(|i| i.starts_with(&format!("{router}/")))
            .collect();
        assert_eq!(own.len(), 6, "{ids:?}");
        // The hostile name (it holds a `/`) is imported by name, after the router.
        assert!(ids.contains(&format!("{router}/name={hostile}")), "{ids:?}");
    }
    // The only template is the CAK file's path; the router's `${` is doubled.
    let templates = config.replace("$${", "").replace("${path.module}", "");
    assert!(!templates.contains("${"), "{config}");
    assert!(summaries[1].contains("_9edge.tf"), "{summaries:?}");
}

/// `--router` takes only a router name: one that could leave a label, a
/// path or a string (`../`, `/`, quotes, `${`, NUL, newline, too long) is
/// refused at the flag, and its text is not echoed.
#[test]
fn a_router_name_that_is_not_one_is_refused_at_the_flag() {
    let long = "r".repeat(65);
    for bad in [
        "", "../x", "a/b", "a\"b", "${x}", "%{x}", "a\0b", "a\nb", "a b", "é", &long,
    ] {
        let err = parse(&["--router".to_string(), bad.to_string()])
            .err()
            .unwrap_or_else(|| panic!("{bad:?} accepted"));
        assert!(err.contains("--router"), "{err}");
        assert!(err.contains("router name"), "{err}");
    }
    assert_eq!(
        parse(&["--router".into(), "edge-1".into()]).unwrap().out,
        PathBuf::from("edge-1.tf")
    );
    assert_eq!(
        parse(&["--router".into(), "-x".into()]).unwrap().out,
        PathBuf::from("_-x.tf")
    );
}

/// `generate --router --from-export` knows no URL: the entry of `routers`
/// it writes says to add one (an entry without a URL is an error at plan),
/// and still parses.
#[test]
fn a_router_entry_without_a_url_says_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = "/interface macsec profile\nadd name=p1\n";
    let config = generate_from_export(dir.path(), text, &["--router", "core"]).unwrap();
    let body = ::hcl::parse(&config).unwrap_or_else(|e| panic!("{e}\n{config}"));
    assert_eq!(
        body.blocks()
            .filter(|b| b.identifier.as_str() == "provider")
            .count(),
        1
    );
    assert!(
        config.contains("\"core\" = {\n      # url = \"https://...\""),
        "{config}"
    );
}
