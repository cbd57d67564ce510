//! A crate's modules import in one direction: [`check`] reads a crate's
//! source files, builds the graph of `use crate::...` / `super::...` imports
//! between modules (tests and binaries left out) and fails on a cycle,
//! naming it. Every crate of the workspace runs it from a test.
//!
//! The crate root (`lib.rs`) is the facade: it declares the modules and
//! re-exports, and is not a node. Likewise a module may use what an
//! enclosing module shares (a folder's `mod.rs`): that edge stays inside
//! the folder and is not counted. Every other import is an edge, so two
//! sibling modules (or folders) that import each other are a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module path of a source file relative to `src/`: `menus/macsec.rs` is
/// `menus::macsec`, `menus/mod.rs` is `menus`, `lib.rs` is the root (empty).
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The source files of the crate that are not tests and not the binary.
fn sources(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src/")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let relative = path.strip_prefix(root).expect("under src/").to_path_buf();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if name != "bin" {
                sources(&path, root, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" && !name.ends_with("_tests.rs") {
            out.push(relative);
        }
    }
}

/// Splits `a, b::{c, d}, e` at the commas that are not inside braces.
fn split_top(list: &str) -> Vec<String> {
    let (mut depth, mut current, mut out) = (0, String::new(), Vec::new());
    for c in list.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The paths (`crate::a::b`, `super::x`) a source text names outside comments: every
/// item of a `use` (groups expanded one level) and every `crate::`/`super::` path
/// written inline.
fn named_paths(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    // `use` declarations, groups expanded.
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt
            .strip_prefix("pub(crate) use ")
            .or_else(|| stmt.strip_prefix("pub use "))
            .or_else(|| stmt.strip_prefix("use "))
            .or_else(|| stmt.rsplit_once("\nuse ").map(|(_, r)| r))
        else {
            continue;
        };
        let rest: String = rest.split_whitespace().collect();
        match rest.split_once("::{") {
            Some((prefix, group)) => {
                for item in split_top(group.trim_end_matches('}')) {
                    paths.push(format!("{prefix}::{item}"));
                }
            }
            None => paths.push(rest),
        }
    }
    // Inline paths such as `crate::menus::file::handle(` or `super::x::y`.
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            let before = code[..at].chars().last().unwrap_or(' ');
            let end = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            if !(before.is_alphanumeric() || before == '_' || before == ':') {
                paths.push(code[at..end].to_string());
            }
            from = end.max(at + start.len());
        }
    }
    paths
}

/// `true` when code outside comments writes the relative path `name::...`.
fn names_relative(text: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .any(|line| {
            line.match_indices(&needle).any(|(at, _)| {
                let before = line[..at].chars().last().unwrap_or(' ');
                !(before.is_alphanumeric() || before == '_' || before == ':')
            })
        })
}

/// The module a path names, given the importing module and the crate's modules: the
/// longest prefix that is a module (`crate::menus::file::handle` names `menus::file`).
fn target(from: &[String], path: &str, modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    let mut base: Vec<String> = match parts.first() {
        Some(&"crate") => {
            parts.remove(0);
            Vec::new()
        }
        Some(&"super") => {
            let mut base = from.to_vec();
            while parts.first() == Some(&"super") {
                parts.remove(0);
                base.pop();
            }
            base
        }
        _ => return None,
    };
    let mut best = None;
    for part in parts {
        base.push(part.trim_matches(|c| c == '{' || c == '}').to_string());
        if modules.contains(&base) {
            best = Some(base.clone());
        }
    }
    best
}

/// The import graph of the crate at `src`: module -> modules it imports.
pub fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    sources(src, src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = module_of(file);
        if from.is_empty() {
            continue; // the facade
        }
        let text = std::fs::read_to_string(src.join(file)).expect("read source");
        let node = edges.entry(from.join("::")).or_default();
        // Paths relative to the module: `macsec::MacsecMenu` names the child `macsec`.
        for child in modules
            .iter()
            .filter(|m| m.len() == from.len() + 1 && m.starts_with(&from))
        {
            if names_relative(&text, &child[from.len()]) {
                node.insert(child.join("::"));
            }
        }
        for path in named_paths(&text) {
            // A module using what an enclosing module shares (`super::x`)
            // stays inside its folder, whose `mod.rs` is the folder's
            // facade: not an edge. Every other import is.
            if let Some(to) = target(&from, &path, &modules)
                && to != from
                && !from.starts_with(&to)
            {
                node.insert(if to.is_empty() {
                    "crate".into()
                } else {
                    to.join("::")
                });
            }
        }
    }
    edges
}

/// A cycle in `edges`, as the modules along it, or `None`.
pub fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(cycle) = visit(next, edges, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if !state.contains_key(node.as_str()) {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, edges, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

/// The groups of modules that import each other in a circle (strongly
/// connected components of more than one module), each sorted.
pub fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Two modules are in one circle when each reaches the other.
    let reach = |from: &str| {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for next in edges.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|n| (n, reach(n))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut placed: BTreeSet<&String> = BTreeSet::new();
    for n in edges.keys() {
        if placed.contains(n) || !reaches[n].contains(n) {
            continue;
        }
        let group: Vec<String> = edges
            .keys()
            .filter(|m| reaches[n].contains(*m) && reaches.get(m).is_some_and(|r| r.contains(n)))
            .cloned()
            .collect();
        for m in &group {
            if let Some(k) = edges.keys().find(|k| *k == m) {
                placed.insert(k);
            }
        }
        out.push(group);
    }
    out
}

/// Checks the crate whose sources are in `src`: the graph holds each of
/// `expected` (so it is really read), no module imports from the crate root
/// (when `root_is_facade`), and there is no cycle; panics naming what is
/// wrong and what to do. `crate_name` is for the messages.
pub fn check(src: &Path, crate_name: &str, expected: &[(&str, &str)], root_is_facade: bool) {
    let edges = graph(src);
    for (from, to) in expected {
        assert!(
            edges.get(*from).is_some_and(|t| t.contains(*to)),
            "the import graph of {crate_name} misses {from} -> {to}: {edges:#?}"
        );
    }
    if root_is_facade {
        for (from, to) in &edges {
            assert!(
                !to.contains("crate"),
                "{from} imports from the crate root of {crate_name}; import the module that defines the item instead"
            );
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        let groups: Vec<String> = circles(&edges)
            .iter()
            .map(|g| format!("[{}]", g.join(", ")))
            .collect();
        panic!(
            "the modules of {crate_name} import in a circle: {}. Move what both sides need into a leaf module. Every group of modules in a circle: {}",
            cycle.join(" -> "),
            groups.join(" ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_circle_is_found_and_named() {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        edges
            .entry("store".into())
            .or_default()
            .insert("link".into());
        edges
            .entry("link".into())
            .or_default()
            .insert("server".into());
        edges
            .entry("server".into())
            .or_default()
            .insert("store".into());
        edges.entry("value".into()).or_default();
        assert_eq!(
            find_cycle(&edges),
            Some(vec![
                "link".to_string(),
                "server".into(),
                "store".into(),
                "link".into()
            ])
        );
        edges.get_mut("server").unwrap().clear();
        assert_eq!(find_cycle(&edges), None);
    }

    #[test]
    fn imports_are_read_from_use_groups_and_inline_paths() {
        let text = "use crate::menu::{Menu, MenuRules};\nuse super::{ethernet::set_ether, macsec};\n// use crate::ignored;\nfn f() { crate::menus::file::handle(); }\n";
        let modules: BTreeSet<Vec<String>> = [
            vec!["menu".to_string()],
            vec!["menus".into()],
            vec!["menus".into(), "ethernet".into()],
            vec!["menus".into(), "macsec".into()],
            vec!["menus".into(), "file".into()],
            vec!["ignored".into()],
        ]
        .into_iter()
        .collect();
        assert!(names_relative(
            "const M: Menu = Menu::new(&macsec::MacsecMenu);",
            "macsec"
        ));
        assert!(!names_relative(
            "use crate::menus::macsec::X; // macsec::",
            "macsec"
        ));
        let from = vec!["menus".to_string(), "interface".to_string()];
        let found: BTreeSet<Vec<String>> = named_paths(text)
            .iter()
            .filter_map(|p| target(&from, p, &modules))
            .collect();
        let expected: BTreeSet<Vec<String>> = [
            vec!["menu".to_string()],
            vec!["menus".into(), "ethernet".into()],
            vec!["menus".into(), "macsec".into()],
            vec!["menus".into(), "file".into()],
        ]
        .into_iter()
        .collect();
        assert_eq!(found, expected);
    }

    /// A crate written to a temporary directory: (relative path, text).
    fn crate_at(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("module-graph-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn siblings_importing_each_other_are_a_circle_a_folder_using_its_parent_is_not() {
        let siblings = crate_at(
            "siblings",
            &[
                ("lib.rs", "mod a;\nmod b;\n"),
                ("a.rs", "use crate::b::B;\npub struct A;\n"),
                ("b.rs", "use crate::a::A;\npub struct B;\n"),
            ],
        );
        let found = find_cycle(&graph(&siblings));
        std::fs::remove_dir_all(&siblings).unwrap();
        assert_eq!(found, Some(vec!["a".to_string(), "b".into(), "a".into()]));

        let folder = crate_at(
            "folder",
            &[
                ("lib.rs", "mod c;\n"),
                (
                    "c/mod.rs",
                    "mod d;\npub struct Shared;\npub fn f() { d::g() }\n",
                ),
                ("c/d.rs", "use crate::c::Shared;\npub fn g() {}\n"),
            ],
        );
        let edges = graph(&folder);
        std::fs::remove_dir_all(&folder).unwrap();
        assert!(edges["c"].contains("c::d"), "{edges:?}");
        assert_eq!(find_cycle(&edges), None, "{edges:?}");
    }
}
