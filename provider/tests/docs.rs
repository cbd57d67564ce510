//! docs/ must match what the schemas render. Run `make docs` (which sets
//! UPDATE_DOCS=1) after a schema or example change.

use std::path::PathBuf;

#[test]
fn docs_are_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let update = std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (rel, content) in terraform_provider_routeros::docs::render(&root) {
        let path = root.join(&rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(rel);
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing docs: {stale:?}; run `make docs` and commit the result"
    );
}

/// The repository's own root.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `code span` in `text` that looks like a path inside the
/// repository: it names a top-level folder or file that the repository has
/// (`provider/...`, `routeros-sim/...`, `DESIGN.md`, ...). Placeholders
/// (`<type>`) and globs end the path at the folder before them.
fn named_paths(text: &str, root: &std::path::Path) -> Vec<String> {
    let tops: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "target")
        .collect();
    let known_top = |first: &str| {
        tops.iter().any(|t| t == first)
            || [
                "provider",
                "acceptance",
                "routeros-sim",
                "docs",
                "examples",
                "scripts",
                "fuzz",
                "proto",
            ]
            .contains(&first)
    };
    let mut out = Vec::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 || span.contains(' ') || span.contains("://") {
            continue;
        }
        let first = span.split('/').next().unwrap_or("");
        if !span.contains('/') || !known_top(first) {
            continue;
        }
        let kept: Vec<&str> = span
            .split('/')
            .take_while(|seg| !seg.contains(['<', '*', '{']) && !seg.is_empty())
            .collect();
        out.push(kept.join("/"));
    }
    out
}

#[test]
fn every_path_design_md_names_exists() {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("DESIGN.md")).expect("DESIGN.md at the top");
    let paths = named_paths(&text, &root);
    assert!(paths.len() > 20, "DESIGN.md names too few paths: {paths:?}");
    let missing: Vec<&String> = paths.iter().filter(|p| !root.join(p).exists()).collect();
    assert!(
        missing.is_empty(),
        "DESIGN.md names paths that do not exist: {missing:?}"
    );
}

#[test]
fn every_path_the_readme_layout_names_exists() {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let layout = text
        .split("\n## Layout")
        .nth(1)
        .expect("README.md has a Layout section");
    let layout = layout.split("\n## ").next().unwrap();
    let paths = named_paths(layout, &root);
    assert!(paths.len() > 5, "the layout names too few paths: {paths:?}");
    let missing: Vec<&String> = paths.iter().filter(|p| !root.join(p).exists()).collect();
    assert!(
        missing.is_empty(),
        "README.md's layout names paths that do not exist: {missing:?}"
    );
}

/// The repository stands on its own: no source file cites research notes or
/// folders that live outside it (facts go into DESIGN.md with their public
/// sources).
#[test]
fn no_source_cites_a_file_outside_the_repository() {
    let root = repo_root();
    let mut hits = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "dist" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["rs", "py", "sh", "toml", "md", "tf", "yml", "yaml"].contains(&ext)
                && name != "Makefile"
            {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (n, line) in text.lines().enumerate() {
                if [
                    "reference/routeros.md",
                    "reference/tfplugin5.md",
                    "reference/ecosystem.md",
                    "../shared/",
                    "routeros-schema/",
                ]
                .iter()
                .any(|needle| line.contains(needle))
                    && !path.ends_with("provider/tests/docs.rs")
                {
                    hits.push(format!(
                        "{}:{}",
                        path.strip_prefix(&root).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "cites outside the repository (move the fact into DESIGN.md): {hits:?}"
    );
}
