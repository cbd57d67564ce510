//! Unit tests of the harness itself.

use super::*;

fn temp(label: &str) -> TempDir {
    TempDir(unique_temp_dir(label))
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn fake_terraform(dir: &Path, name: &str, version: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\n[ \"$1 $2\" = \"version -json\" ] || exit 3\necho '{{\"terraform_version\":\"{version}\",\"platform\":\"linux_amd64\"}}'\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn cli_config_points_dev_overrides_at_the_provider_dir() {
    let config = cli_config(Path::new("/work/my \"odd\" dir/target/debug"));
    assert!(config.contains("provider_installation {"), "{config}");
    assert!(
        config.contains(
            r#"dev_overrides {
    "macsec-gitops/routeros" = "/work/my \"odd\" dir/target/debug"
  }"#
        ),
        "{config}"
    );
    assert!(config.contains("direct {}"), "{config}");
    assert!(config.contains("disable_checkpoint = true"), "{config}");
}

#[cfg(unix)]
#[test]
fn workdir_runs_terraform_with_its_cli_config_and_env_and_cleans_up() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = temp("wd");
    // A stand-in Terraform that reports its arguments, directory and environment.
    let tf_path = tmp.0.join("terraform");
    std::fs::write(
        &tf_path,
        "#!/bin/sh\necho \"args=$* pwd=$(pwd) cfg=$TF_CLI_CONFIG_FILE input=$TF_INPUT extra=${EXTRA-unset} once=${ONCE-unset}\"\necho 'Error: boom' >&2\nexit 2\n",
    )
    .unwrap();
    std::fs::set_permissions(&tf_path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let tf = Terraform {
        path: tf_path,
        version: "9.9.9".into(),
    };
    let mut wd = Workdir::with_provider_dir(&tf, Path::new("/opt/provider dir"), "# config\n");
    let dir = wd.path().to_path_buf();
    assert_eq!(
        std::fs::read_to_string(dir.join("main.tf")).unwrap(),
        "# config\n"
    );
    let cfg = std::fs::read_to_string(dir.join("harness.tfrc")).unwrap();
    assert!(
        cfg.contains(r#""macsec-gitops/routeros" = "/opt/provider dir""#),
        "{cfg}"
    );

    wd.set_env("EXTRA", "x1");
    let out = wd.run_env(&["plan", "-no-color"], &[("ONCE", "o1")]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout.trim(),
        format!(
            "args=plan -no-color pwd={} cfg={} input=0 extra=x1 once=o1",
            dir.display(),
            dir.join("harness.tfrc").display()
        )
    );
    out.assert_single_error();
    assert_eq!(out.command, "terraform plan -no-color");
    assert_eq!(out.terraform_version, "9.9.9");

    wd.remove_env("EXTRA");
    let out = wd.run(&["version"]);
    assert!(out.stdout.contains("extra=unset once=unset"), "{out}");

    drop(wd);
    if std::env::var_os(ENV_KEEP_WORKDIR).is_none() {
        assert!(!dir.exists(), "{} was not removed", dir.display());
    }
}

#[test]
fn missing_provider_binary_says_what_to_build() {
    let tmp = temp("noprov");
    let err =
        locate_provider_dir(Some(tmp.0.clone().into()), None, Path::new("/nowhere")).unwrap_err();
    assert!(
        err.contains("cargo build -p terraform-provider-routeros"),
        "{err}"
    );
    assert!(err.contains(ENV_PROVIDER_DIR), "{err}");
}

#[test]
fn provider_dir_defaults_to_the_profile_dir_of_the_test_binary() {
    let tmp = temp("profile");
    let profile = tmp.0.join("target").join("debug");
    std::fs::create_dir_all(profile.join("deps")).unwrap();
    std::fs::write(profile.join(provider_file_name()), "").unwrap();
    let exe = profile.join("deps").join("macsec_interface-0123");
    let dir = locate_provider_dir(None, Some(exe), Path::new("/nowhere")).unwrap();
    assert_eq!(dir, profile.canonicalize().unwrap());
    // Not under deps/: falls back to <workspace>/target/debug.
    let dir = locate_provider_dir(None, Some(PathBuf::from("/x/y")), &tmp.0).unwrap();
    assert_eq!(dir, profile.canonicalize().unwrap());
}

#[test]
fn dep_info_inputs_are_parsed_with_escaped_spaces() {
    let text = "/t/debug/bin: /src/main.rs /my\\ dir/lib.rs \\\n /proto/x.proto\n\n/src/main.rs:\n";
    assert_eq!(
        dep_info_inputs(text),
        [
            PathBuf::from("/src/main.rs"),
            PathBuf::from("/my dir/lib.rs"),
            PathBuf::from("/proto/x.proto")
        ]
    );
    assert!(dep_info_inputs("").is_empty());
}

#[test]
fn an_input_newer_than_the_binary_is_reported() {
    let tmp = temp("fresh");
    let binary = tmp.0.join("bin");
    let dep_info = tmp.0.join("bin.d");
    let input = tmp.0.join("lib.rs");
    let unrelated = tmp.0.join("orphan.rs");
    for path in [&binary, &input, &unrelated] {
        std::fs::write(path, "").unwrap();
    }
    let now = SystemTime::now();
    let set = |path: &Path, t: SystemTime| {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    };
    set(&input, now - Duration::from_secs(60));
    set(&binary, now - Duration::from_secs(30));
    // A file the binary is not built from (not in the dep-info) never counts.
    set(&unrelated, now);
    // No dep-info: nothing to compare against.
    assert_eq!(check_fresh_binary(&binary, &dep_info), Ok(()));
    std::fs::write(
        &dep_info,
        format!(
            "{}: {} {}\n",
            binary.display(),
            input.display(),
            tmp.0.join("gone.rs").display()
        ),
    )
    .unwrap();
    assert_eq!(check_fresh_binary(&binary, &dep_info), Ok(()));
    set(&input, now);
    let err = check_fresh_binary(&binary, &dep_info).unwrap_err();
    assert!(err.contains("lib.rs"), "{err}");
    assert!(
        err.contains("cargo build -p terraform-provider-routeros"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn discovery_needs_both_installed_versions_and_says_make_tools() {
    let tmp = temp("disc");
    fake_terraform(&tmp.0, "terraform", "1.15.5");
    let err = discover(None, &tmp.0).unwrap_err();
    assert!(err.contains("make tools"), "{err}");
    assert!(err.contains("1.0.3"), "{err}");

    fake_terraform(&tmp.0, "terraform-1.0.3", "1.0.2");
    let err = discover(None, &tmp.0).unwrap_err();
    assert!(
        err.contains("reports Terraform 1.0.2, expected 1.0.3"),
        "{err}"
    );

    fake_terraform(&tmp.0, "terraform-1.0.3", "1.0.3");
    let found = discover(None, &tmp.0).unwrap();
    let versions: Vec<_> = found.iter().map(Terraform::version).collect();
    assert_eq!(versions, ["1.15.5", "1.0.3"]);
    assert_eq!(found[0].version_tuple(), (1, 15, 5));
}

#[cfg(unix)]
#[test]
fn env_path_overrides_tools_dir_and_detects_the_version() {
    let tmp = temp("envpath");
    let custom = fake_terraform(&tmp.0, "tofu-like", "1.9.0");
    let found = discover(Some(custom.clone().into()), Path::new("/nowhere")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].version(), "1.9.0");
    assert_eq!(found[0].path(), custom);

    let err = discover(Some(tmp.0.join("absent").into()), Path::new("/nowhere")).unwrap_err();
    assert!(err.contains(ENV_TERRAFORM_PATH), "{err}");
    // Empty counts as unset.
    let err = discover(Some(OsString::new()), &tmp.0.join("empty")).unwrap_err();
    assert!(err.contains("make tools"), "{err}");
}

#[test]
fn hcl_strings_are_escaped() {
    assert_eq!(hcl_string("plain"), r#""plain""#);
    assert_eq!(hcl_string("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(hcl_string("${x} %{y} $z"), r#""$${x} %%{y} $z""#);
    assert_eq!(
        hcl_string("-----BEGIN\nX\n-----END\n"),
        r#""-----BEGIN\nX\n-----END\n""#
    );
}

#[test]
fn provider_block_leaves_out_unset_fields() {
    let mut block = ProviderBlock::new("http://127.0.0.1:1", "admin", "pw");
    block.timeout = Some(5);
    block.insecure = Some(true);
    assert_eq!(
        block.to_hcl(),
        "provider \"routeros\" {\n  url = \"http://127.0.0.1:1\"\n  username = \"admin\"\n  password = \"pw\"\n  insecure = true\n  timeout = 5\n}\n"
    );
    assert_eq!(
        ProviderBlock::default().to_hcl(),
        "provider \"routeros\" {\n}\n"
    );
    let main = block.main_tf("resource \"x\" \"y\" {}\n");
    assert!(main.starts_with("terraform {"), "{main}");
    assert!(
        main.contains("source = \"macsec-gitops/routeros\""),
        "{main}"
    );
    assert!(main.ends_with("resource \"x\" \"y\" {}\n"), "{main}");
}

#[test]
fn schemes_parse_and_select_from_the_environment_value() {
    assert_eq!(Scheme::parse("API"), Some(Scheme::Api));
    assert_eq!(Scheme::parse(" apis:// "), Some(Scheme::Apis));
    assert_eq!(Scheme::parse("ftp"), None);
    assert_eq!(Scheme::Https.to_string(), "https://");
    assert!(Scheme::Apis.is_tls() && Scheme::Apis.is_api());
    assert!(!Scheme::Http.is_tls() && !Scheme::Http.is_api());
    assert_eq!(schemes_from(None).unwrap(), Scheme::ALL);
    assert_eq!(schemes_from(Some(" ")).unwrap(), Scheme::ALL);
    assert_eq!(
        schemes_from(Some("apis,http,,apis")).unwrap(),
        [Scheme::Http, Scheme::Apis]
    );
    let err = schemes_from(Some("http,rest")).unwrap_err();
    assert!(
        err.contains(ENV_SCHEMES) && err.contains("\"rest\""),
        "{err}"
    );
}

/// A Terraform at `/bin/tf-VERSION` (never run).
fn tf(version: &str) -> Terraform {
    Terraform {
        path: PathBuf::from(format!("/bin/tf-{version}")),
        version: version.into(),
    }
}

/// `VERSION SCHEME` of each pair.
fn show(pairs: Vec<(&Terraform, Scheme)>) -> Vec<String> {
    pairs
        .into_iter()
        .map(|(tf, s)| format!("{} {}", tf.version(), s.as_str()))
        .collect()
}

#[test]
fn the_smoke_suite_takes_the_schemes_in_turn_one_per_terraform() {
    let terraforms = ["1.0.3", "1.6.6", "1.11.4", "1.14.9", "1.15.5"].map(tf);
    assert_eq!(
        show(rotating_schemes(&terraforms, &Scheme::ALL)),
        [
            "1.0.3 http",
            "1.6.6 https",
            "1.11.4 api",
            "1.14.9 apis",
            "1.15.5 http"
        ]
    );
    assert_eq!(
        show(rotating_schemes(&terraforms[..2], &[Scheme::Apis])),
        ["1.0.3 apis", "1.6.6 apis"]
    );
    assert!(rotating_schemes(&terraforms, &[]).is_empty());
}

#[test]
fn smoke_versions_are_found_in_the_tools_dir_or_left_out_when_the_variable_is_empty() {
    let tmp = temp("smoke");
    let none = discover_versions(
        Some(OsString::new()),
        &tmp.0,
        &SMOKE_VERSIONS,
        ENV_SMOKE_TERRAFORM_PATH,
    )
    .unwrap();
    assert!(none.is_empty());
    let err =
        discover_versions(None, &tmp.0, &SMOKE_VERSIONS, ENV_SMOKE_TERRAFORM_PATH).unwrap_err();
    assert!(
        err.contains("1.6.6, 1.11.4, 1.14.9")
            && err.contains("make tools")
            && err.contains(ENV_SMOKE_TERRAFORM_PATH),
        "{err}"
    );
}

#[test]
fn the_rotation_runs_one_scheme_with_the_newest_terraform() {
    let terraforms = [tf("1.0.3"), tf("1.15.5"), tf("1.9.0")];
    let one = rotation_pairs(&terraforms, &Scheme::ALL, "suites::a::b", Rotation::One);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].0.version(), "1.15.5");
    assert_eq!(
        Some(one[0].1),
        rotating_scheme("suites::a::b", &Scheme::ALL)
    );
    assert_eq!(
        show(rotation_pairs(
            &terraforms,
            &[Scheme::Https, Scheme::Api],
            "t",
            Rotation::AllSchemes
        )),
        ["1.15.5 https", "1.15.5 api"]
    );
    assert_eq!(
        rotation_pairs(&terraforms, &Scheme::ALL, "t", Rotation::FullMatrix).len(),
        12
    );
    assert!(rotation_pairs(&[], &Scheme::ALL, "t", Rotation::One).is_empty());
    assert!(rotation_pairs(&terraforms, &[], "t", Rotation::One).is_empty());
    assert!(rotation_pairs(&terraforms, &[], "t", Rotation::FullMatrix).is_empty());
}

#[test]
fn the_rotation_is_fixed_per_name_and_uses_every_scheme_across_tests() {
    // The same name always gets the same scheme; a narrowed selection is honoured.
    for name in ["suites::backup::x", "", "a\tb\n\"${x}", "é"] {
        let scheme = rotating_scheme(name, &Scheme::ALL).unwrap();
        assert_eq!(rotating_scheme(name, &Scheme::ALL), Some(scheme));
        assert_eq!(
            rotating_scheme(name, &[Scheme::Api]),
            Some(Scheme::Api),
            "{name:?}"
        );
    }
    assert_eq!(rotating_scheme("x", &[]), None);
    // Across a suite's worth of tests every scheme takes a turn, none more
    // than half of them.
    let names: Vec<String> = (0..16)
        .map(|i| format!("suites::kind::scenario_{i}"))
        .collect();
    let mut turns = std::collections::BTreeMap::new();
    for name in &names {
        *turns
            .entry(rotating_scheme(name, &Scheme::ALL).unwrap())
            .or_insert(0) += 1;
    }
    assert_eq!(turns.len(), 4, "{turns:?}");
    assert!(turns.values().all(|n| *n <= 8), "{turns:?}");
}

#[test]
fn the_running_tests_name_comes_from_the_arguments_or_the_test_thread() {
    // Under nextest the arguments name the test; under cargo test the thread does.
    let name = current_test_name();
    assert!(
        name.ends_with("the_running_tests_name_comes_from_the_arguments_or_the_test_thread"),
        "{name}"
    );
}

#[test]
fn provider_blocks_for_the_emulator_trust_its_ca_over_tls_only() {
    let sim = Sim::spawn(crate::sim::SimConfig::default()).unwrap();
    let ca = sim.ca_certificate_path().unwrap();
    for scheme in Scheme::ALL {
        let block = ProviderBlock::for_sim(&sim, scheme);
        let url = block.url.clone().unwrap();
        assert!(url.starts_with(&scheme.to_string()), "{url}");
        assert_eq!(url, scheme.url(&sim));
        assert_eq!(block.username.as_deref(), Some(sim.username()));
        assert_eq!(block.password.as_deref(), Some(sim.password()));
        assert_eq!(
            block.ca_certificate,
            scheme.is_tls().then(|| ca.to_string_lossy().into_owned()),
            "{scheme}"
        );
        assert_eq!(block.insecure, None);
    }
    // Each scheme has its own port.
    let mut ports: Vec<String> = Scheme::ALL
        .iter()
        .map(|s| s.url(&sim).rsplit(':').next().unwrap().to_string())
        .collect();
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), 4);
}

#[test]
#[should_panic(expected = "does not serve api://")]
fn a_scheme_the_emulator_does_not_serve_fails_clearly() {
    let sim = Sim::spawn(crate::sim::SimConfig {
        api: false,
        ..crate::sim::SimConfig::default()
    })
    .unwrap();
    let _ = ProviderBlock::for_sim(&sim, Scheme::Api);
}

#[test]
fn parallel_runs_report_exactly_the_inputs_that_panicked() {
    let runs: Vec<(String, u32)> = (0..4).map(|n| (format!("run-{n}"), n)).collect();
    let seen = std::sync::Mutex::new(Vec::new());
    let failed = run_parallel(&runs, |n| {
        seen.lock()
            .unwrap()
            .push((std::thread::current().name().map(str::to_string), *n));
        assert!(n % 2 == 0, "odd input {n}");
    });
    assert_eq!(failed, [1, 3]);
    let mut seen = seen.into_inner().unwrap();
    seen.sort_by_key(|(_, n)| *n);
    assert_eq!(
        seen,
        (0..4)
            .map(|n| (Some(format!("run-{n}")), n))
            .collect::<Vec<_>>()
    );
}

fn output(code: i32, stdout: &str, stderr: &str) -> Output {
    Output {
        terraform_version: "1.15.5".into(),
        command: "terraform plan".into(),
        dir: PathBuf::from("/tmp/x"),
        code,
        stdout: stdout.into(),
        stderr: stderr.into(),
        elapsed: Duration::from_millis(10),
    }
}

#[test]
fn diagnostics_are_counted_and_matched_across_line_wrapping() {
    let plain = "\nError: RouterOS rejected the credentials\n\n  with provider[\"registry.terraform.io/macsec-gitops/routeros\"],\n\nRouterOS answered 401 Unauthorized. Check `username` and\n`password`.\n";
    let out = output(1, "", plain);
    assert_eq!(out.errors(), ["RouterOS rejected the credentials"]);
    out.assert_single_error()
        .assert_stderr_mentions(&["401 unauthorized", "check `username` and `password`"])
        .assert_stderr_mentions_any(&["nope", "Password"]);
    let boxed = "╷\n│ Error: one\n│ \n╵\n╷\n│ Error: two\n╵\n";
    assert_eq!(output(1, "", boxed).error_count(), 2);
}

#[test]
#[should_panic(expected = "stderr does not mention")]
fn a_missing_phrase_fails_with_the_output() {
    output(1, "", "Error: x").assert_stderr_mentions(&["ca_certificate"]);
}

#[test]
#[should_panic(expected = "value withheld")]
fn a_leaked_secret_fails_without_repeating_it() {
    output(0, "the password is hunter2", "").assert_never_shows("hunter2");
}

#[test]
fn plan_actions_and_state_values_are_found_by_address() {
    let json: Value = serde_json::json!({
        "resource_changes": [
            {"address": "a.b", "change": {"actions": ["update"]}},
            {"address": "a.c", "change": {"actions": ["delete", "create"]}}
        ]
    });
    let plan = Plan {
        output: output(2, "", ""),
        json,
    };
    assert_eq!(plan.actions("a.b"), ["update"]);
    plan.assert_actions("a.c", &["delete", "create"]);
    assert!(plan.actions("a.d").is_empty());

    let state = serde_json::json!({"values": {"root_module": {"resources": [
        {"address": "a.b", "values": {"id": "*1", "mtu": 1468}}
    ]}}});
    assert_eq!(state_resource(&state, "a.b").unwrap()["id"], "*1");
    assert!(state_resource(&state, "a.c").is_none());
    assert_eq!(resource_values_in(&state, "a.b")["mtu"], 1468);
    let missing = std::panic::catch_unwind(|| resource_values_in(&state, "a.c")).unwrap_err();
    let message = missing.downcast_ref::<String>().unwrap();
    assert!(message.contains("a.c is not in the state"), "{message}");
}

#[cfg(unix)]
#[test]
fn commands_run_with_a_hermetic_environment_and_capture_both_streams() {
    let mut command = Command::new("sh");
    command.args([
        "-c",
        "echo out; echo err >&2; echo \"ia=$TF_IN_AUTOMATION cp=$CHECKPOINT_DISABLE log=${TF_LOG-unset}\"; exit 7",
    ]);
    hermetic_env(&mut command);
    command.env_remove("TF_LOG");
    let out = run_with_timeout(command, Duration::from_secs(30)).unwrap();
    assert_eq!(out.code, 7);
    assert!(!out.timed_out);
    assert_eq!(out.stdout, "out\nia=1 cp=1 log=unset\n");
    assert_eq!(out.stderr, "err\n");
}

#[cfg(unix)]
#[test]
fn a_command_that_hangs_is_killed_at_the_timeout() {
    let mut command = Command::new("sh");
    command.args(["-c", "exec sleep 30"]);
    let out = run_with_timeout(command, Duration::from_millis(200)).unwrap();
    assert!(out.timed_out);
    assert_eq!(out.code, -1);
    assert!(out.elapsed < Duration::from_secs(20));
}

/// An upstream that answers every chunk it reads with `ok:` and the chunk.
fn echo_upstream() -> std::net::SocketAddr {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 256];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    // An HTTP status line comes back as it is, anything else
                    // prefixed with `ok:`.
                    let mut reply = if buf.starts_with(b"HTTP/") {
                        Vec::new()
                    } else {
                        b"ok:".to_vec()
                    };
                    reply.extend_from_slice(&buf[..n]);
                    if stream.write_all(&reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// One request through the proxy on a new connection: the reply, or `None`
/// when the connection closed (or timed out) without one.
fn through(proxy: &FaultProxy, request: &str) -> Option<String> {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(proxy.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut buf = [0u8; 512];
    match stream.read(&mut buf) {
        Ok(n) if n > 0 => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        _ => None,
    }
}

#[test]
fn the_fault_proxy_injects_up_to_its_limit_then_forwards() {
    let upstream = echo_upstream();
    for kind in [FaultKind::Drop, FaultKind::LoseReply, FaultKind::Hang] {
        let proxy = FaultProxy::start(
            upstream,
            FaultPlan {
                kind,
                seed: 1,
                per_mille: 1000,
                max_faults: 1,
            },
        )
        .unwrap();
        assert_eq!(through(&proxy, "a"), None, "{kind:?}: the first is hit");
        assert_eq!(proxy.faults_fired(), 1);
        assert_eq!(through(&proxy, "b").as_deref(), Some("ok:b"), "{kind:?}");
    }
}

#[test]
fn the_fault_proxy_answers_500_for_an_http_reply_and_forwards_once_stopped() {
    let upstream = echo_upstream();
    let proxy = FaultProxy::start(
        upstream,
        FaultPlan {
            kind: FaultKind::ServerError,
            seed: 7,
            per_mille: 1000,
            max_faults: 100,
        },
    )
    .unwrap();
    let reply = through(&proxy, "HTTP/1.1 200 OK\r\n\r\n").unwrap();
    assert!(reply.starts_with("HTTP/1.1 500 "), "{reply}");
    assert_eq!(proxy.faults_fired(), 1);
    proxy.stop_faults();
    assert_eq!(through(&proxy, "c").as_deref(), Some("ok:c"));
}

#[test]
fn run_log_line_names_test_version_and_subcommand_only() {
    assert_eq!(
        run_log_line(
            "suites::backup::lifecycle",
            "1.15.5",
            &["apply", "-auto-approve", "-var=cak=SECRET"]
        ),
        "suites::backup::lifecycle\t1.15.5\tapply\n"
    );
    assert_eq!(
        run_log_line("t", "1.0.3", &["-chdir=x", "plan"]),
        "t\t1.0.3\tplan\n"
    );
    assert_eq!(run_log_line("t", "1.0.3", &[]), "t\t1.0.3\t-\n");
    // A tab or newline in any part cannot split or add a record.
    let line = run_log_line("a\tb\nc", "1.\r0", &["im\nport"]);
    assert_eq!(line, "a b c\t1. 0\tim port\n");
    assert_eq!(line.matches('\n').count(), 1);
    assert_eq!(line.matches('\t').count(), 2);
}

#[test]
fn test_name_comes_from_nextests_exact_argument_only() {
    let args = |a: &[&str]| {
        a.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    };
    assert_eq!(
        test_name_from_args(args(&["--exact", "suites::x::y", "--nocapture"])),
        "suites::x::y"
    );
    assert_eq!(
        test_name_from_args(args(&["suites::x::y", "--exact"])),
        "suites::x::y"
    );
    // cargo test with a filter runs many tests in one process: no name.
    assert_eq!(test_name_from_args(args(&["suites::x::"])), "-");
    assert_eq!(test_name_from_args(args(&[])), "-");
}

/// `error_texts` gives each error diagnostic whole (a phrase of its detail
/// matches across Terraform's wrapping), and no warning.
#[test]
fn error_texts_are_whole_diagnostics() {
    let out = Output {
        command: "plan".into(),
        terraform_version: "1.15.5".into(),
        dir: PathBuf::from("."),
        code: 1,
        stdout: String::new(),
        stderr: "\u{2577}\n\u{2502} Warning: w\n\u{2502} \n\u{2502} not an error\n\u{2575}\n\u{2577}\n\u{2502} Error: Router down\n\u{2502} \n\u{2502}   with x.y,\n\u{2502} The router at 127.0.0.1:1 did not\n\u{2502} answer.\n\u{2575}\n".into(),
        elapsed: Duration::ZERO,
    };
    let errors = out.error_texts();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("127.0.0.1:1 did not answer"),
        "{errors:?}"
    );
    assert_eq!(out.errors(), ["Router down"]);
    // Without colour (`-no-color`) there are no boxes.
    let plain = Output {
        stderr: "\nWarning: w\n\nnot an error\n\nError: A\n\n  with x.y,\nfirst\nline\n\nError: B\n\nsecond\n".into(),
        ..out
    };
    assert_eq!(
        plain.error_texts(),
        ["error: a with x.y, first line", "error: b second"]
    );
}
