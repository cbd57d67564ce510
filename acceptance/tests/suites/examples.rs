//! Every example says which Terraform it needs, and that version can read it.
//!
//! Terraform reads every `.tf` file of a directory, and a block it does not
//! know stops `terraform init` with "Unsupported block type", which does not
//! name the version needed. So each example directory's `required_version`
//! must admit every block and attribute it uses:
//!
//! - a static check over every directory of `examples/` (no Terraform run):
//!   the features a directory uses ([`FEATURES`]) against the lowest version
//!   its `required_version` allows (1.0 when it has none);
//! - `terraform init` and `validate` of every example configuration (the
//!   directories outside the docs' snippet folders, [`SNIPPETS`]) that
//!   declares a `required_version`, on the oldest installed Terraform it admits
//!   (`Terraform::smoke`: 1.0.3, 1.6.6, 1.11.4, 1.14.9, 1.15.5), so a
//!   configuration that says `>= 1.0` is read by Terraform 1.0.3 itself.

use std::path::{Path, PathBuf};

use acceptance::harness::{
    Terraform, Workdir, copy_tree, unpacked_mirror_cli_config, workspace_root,
};

/// What a configuration may use, the first Terraform version that reads
/// it, and how to find it in a `.tf` file (comments removed): `Block(word)`
/// is a top-level block, `Text(word)` anything else.
const FEATURES: &[(&str, (u32, u32), Find)] = &[
    ("moved blocks", (1, 1), Find::Block("moved")),
    ("nullable variables", (1, 1), Find::Text("nullable")),
    ("preconditions", (1, 2), Find::Text("precondition")),
    ("postconditions", (1, 2), Find::Text("postcondition")),
    (
        "optional object attributes",
        (1, 3),
        Find::Text("optional("),
    ),
    ("terraform_data", (1, 4), Find::Text("terraform_data")),
    ("import blocks", (1, 5), Find::Block("import")),
    ("check blocks", (1, 5), Find::Block("check")),
    ("plantimestamp()", (1, 5), Find::Text("plantimestamp(")),
    ("removed blocks", (1, 7), Find::Block("removed")),
    (
        "provider-defined functions",
        (1, 8),
        Find::Text("provider::"),
    ),
    ("ephemeral resources", (1, 10), Find::Block("ephemeral")),
    (
        "ephemeral variables and outputs",
        (1, 10),
        Find::Text("ephemeral "),
    ),
    ("write-only attributes (*_wo)", (1, 11), Find::Text("_wo ")),
    (
        "import by resource identity",
        (1, 12),
        Find::Text("identity {"),
    ),
    ("action blocks", (1, 14), Find::Block("action")),
    ("action triggers", (1, 14), Find::Text("action_trigger")),
    (
        "list blocks (terraform query)",
        (1, 14),
        Find::Block("list"),
    ),
];

/// How a feature shows in a file.
#[derive(Debug, Clone, Copy)]
enum Find {
    /// A top-level block: a line starting with the word and a space.
    Block(&'static str),
    /// The text anywhere outside comments.
    Text(&'static str),
}

/// One example directory: its path and the text of its `.tf` files, each
/// without comments.
struct Example {
    dir: PathBuf,
    files: Vec<(String, String)>,
}

/// Every directory under `examples/` holding `.tf` files.
fn examples() -> Vec<Example> {
    fn walk(dir: &Path, out: &mut Vec<Example>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        let mut files = Vec::new();
        for path in &entries {
            if path.is_dir() {
                walk(path, out);
            } else if path.extension().is_some_and(|e| e == "tf") {
                let text = std::fs::read_to_string(path).unwrap();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                files.push((name, without_comments(&text)));
            }
        }
        if !files.is_empty() {
            out.push(Example {
                dir: dir.to_path_buf(),
                files,
            });
        }
    }
    let mut out = Vec::new();
    walk(&workspace_root().join("examples"), &mut out);
    assert!(out.len() >= 10, "examples/ has its examples");
    out
}

/// `text` without `#`, `//` and `/* */` comments (quotes respected, so a
/// `#` inside a string stays).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_string, mut in_block) = (false, false);
    while let Some(c) = chars.next() {
        if in_block {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                in_block = false;
            }
            continue;
        }
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '#' => skip_line(&mut chars, &mut out),
            '/' if chars.peek() == Some(&'/') => skip_line(&mut chars, &mut out),
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                in_block = true;
            }
            _ => out.push(c),
        }
    }
    out
}

fn skip_line(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    for c in chars.by_ref() {
        if c == '\n' {
            out.push('\n');
            break;
        }
    }
}

/// Where `find` occurs in `text`, as a line number (from 1).
fn find(text: &str, find: Find) -> Option<usize> {
    text.lines()
        .position(|line| match find {
            Find::Block(word) => line
                .strip_prefix(word)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{')),
            Find::Text(word) => line.contains(word),
        })
        .map(|i| i + 1)
}

/// The lowest `(major, minor)` a `required_version` constraint admits:
/// its `>=`, `~>` or `=` bound; `None` when the example declares none.
fn declared_minimum(example: &Example) -> Option<(u32, u32)> {
    let line = example
        .files
        .iter()
        .flat_map(|(_, text)| text.lines())
        .find(|l| l.trim_start().starts_with("required_version"))?;
    let constraint = line.split_once('=')?.1.trim().trim_matches('"');
    let bound = constraint
        .split(',')
        .map(str::trim)
        .find(|c| !c.starts_with('<') && !c.starts_with("!="))
        .unwrap_or_else(|| panic!("{line}: no lower bound"));
    let version = bound.trim_start_matches(['>', '=', '~', ' ']);
    let mut parts = version.split('.').map(|p| {
        p.parse::<u32>()
            .unwrap_or_else(|_| panic!("{line}: {version:?} is not a version"))
    });
    Some((parts.next().unwrap_or(0), parts.next().unwrap_or(0)))
}

/// `(what, needed version, file:line)` of every feature `example` uses that
/// its declared minimum (1.0 when none) does not admit.
fn unmet(example: &Example) -> Vec<String> {
    let minimum = declared_minimum(example).unwrap_or((1, 0));
    let mut problems = Vec::new();
    for (file, text) in &example.files {
        for &(what, needed, how) in FEATURES {
            if let Some(line) = find(text, how)
                && needed > minimum
            {
                problems.push(format!(
                    "{file}:{line}: {what} need Terraform {}.{}, but the directory's required_version admits {}.{}",
                    needed.0, needed.1, minimum.0, minimum.1
                ));
            }
        }
    }
    problems
}

#[test]
fn every_example_declares_the_terraform_version_its_blocks_need() {
    let root = workspace_root();
    let mut problems = Vec::new();
    for example in examples() {
        for problem in unmet(&example) {
            problems.push(format!(
                "{}/{problem}",
                example.dir.strip_prefix(&root).unwrap().display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "raise required_version, or move the block to a directory of its own (Terraform reads every .tf file of a directory):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_version_check_finds_blocks_outside_comments_only() {
    let example = |text: &str| Example {
        dir: PathBuf::from("x"),
        files: vec![("main.tf".into(), without_comments(text))],
    };
    let old_gitops = example(
        "terraform {\n  required_version = \">= 1.0\"\n}\naction \"routeros_system_backup\" \"core\" {\n  config {}\n}\n",
    );
    let found = unmet(&old_gitops);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("main.tf:4: action blocks need Terraform 1.14"),
        "{found:?}"
    );
    let commented = example(
        "# action \"x\" \"y\" {}\n/* check \"z\" {\n} */\nresource \"a\" \"b\" {\n  c = \"# action_trigger _wo \" // ephemeral \n}\n",
    );
    assert!(
        unmet(&commented)
            .iter()
            .any(|p| p.contains("action triggers"))
    );
    let commented =
        example("# action \"x\" \"y\" {}\n/* check \"z\" {\n} */\n// password_wo = 1\n");
    assert!(unmet(&commented).is_empty(), "{:?}", unmet(&commented));
    let declared = example(
        "terraform {\n  required_version = \">= 1.11, < 2.0\"\n}\nresource \"a\" \"b\" {\n  cak_wo = 1\n}\n",
    );
    assert_eq!(declared_minimum(&declared), Some((1, 11)));
    assert!(unmet(&declared).is_empty());
}

/// The oldest of `terraforms` whose version is at least `minimum`.
fn oldest_admitted(terraforms: &[Terraform], minimum: (u32, u32)) -> Option<&Terraform> {
    terraforms
        .iter()
        .filter(|tf| {
            let (major, minor, _) = tf.version_tuple();
            (major, minor) >= minimum
        })
        .min_by_key(|tf| tf.version_tuple())
}

/// The folders of `examples/` that hold snippets for the docs (one type
/// each, referring to objects and files they do not define), not whole
/// configurations: only the static check reads them.
const SNIPPETS: [&str; 4] = [
    "actions",
    "data-sources",
    "ephemeral-resources",
    "resources",
];

/// `init` and `validate` of the example in `dir` on `tf`, the provider
/// installed from a filesystem mirror of the binary under test. The whole
/// top folder of the example is copied (`gitops/backup-actions` reads
/// `gitops/keys`) and Terraform runs in `dir`'s place in it.
fn init_and_validate(tf: &Terraform, dir: &Path) {
    let examples = workspace_root().join("examples");
    let rel = dir.strip_prefix(&examples).expect("under examples/");
    let top = rel.components().next().expect("a folder of examples/");
    let mirror = tempfile::tempdir().unwrap();
    let wd = Workdir::with_cli_config(tf, &unpacked_mirror_cli_config(mirror.path()), "");
    std::fs::remove_file(wd.path().join("main.tf")).unwrap();
    copy_tree(&examples.join(top), wd.path());
    let inner = rel.strip_prefix(top).unwrap();
    let chdir = format!("-chdir={}", inner.display());
    for command in [
        &["init", "-input=false", "-no-color", "-backend=false"][..],
        &["validate", "-no-color"][..],
    ] {
        let mut args = Vec::new();
        if !inner.as_os_str().is_empty() {
            args.push(chdir.as_str());
        }
        args.extend_from_slice(command);
        let out = wd.run(&args);
        assert!(
            out.success(),
            "terraform {} of {} on Terraform {}:\n{}\n{}",
            command[0],
            dir.display(),
            tf.version(),
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn gitops_example_inits_on_terraform_1_0() {
    let terraforms = Terraform::smoke();
    let tf = oldest_admitted(&terraforms, (1, 0)).expect("a Terraform 1.x");
    assert_eq!(
        tf.version_tuple().1,
        0,
        "the oldest installed is a 1.0: {tf}"
    );
    init_and_validate(tf, &workspace_root().join("examples").join("gitops"));
}

#[test]
fn every_example_configuration_validates_on_the_oldest_terraform_it_admits() {
    let terraforms = Terraform::smoke();
    let snippets = SNIPPETS.map(|s| workspace_root().join("examples").join(s));
    let runs: Vec<(PathBuf, &Terraform)> = examples()
        .into_iter()
        .filter(|example| !snippets.iter().any(|s| example.dir.starts_with(s)))
        .filter_map(|example| {
            let minimum = declared_minimum(&example)?;
            let tf = oldest_admitted(&terraforms, minimum).unwrap_or_else(|| {
                panic!(
                    "{}: no installed Terraform admits >= {}.{}",
                    example.dir.display(),
                    minimum.0,
                    minimum.1
                )
            });
            Some((example.dir, tf))
        })
        .collect();
    assert!(runs.len() >= 5, "{} example configurations", runs.len());
    let failed: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(dir, tf)| (dir, scope.spawn(move || init_and_validate(tf, dir))))
            .collect();
        handles
            .into_iter()
            .filter_map(|(dir, h)| h.join().is_err().then(|| dir.display().to_string()))
            .collect()
    });
    assert!(
        failed.is_empty(),
        "init or validate failed for {failed:?} (see the panic messages above)"
    );
}
