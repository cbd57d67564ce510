//! The property [`render`](super::render::render) must hold for any router
//! text, checked by parsing its output with an independent HCL parser
//! (`hcl-rs`): the configuration holds exactly one resource block per
//! object (and one import block per object unless `import.sh` is written),
//! with exactly the attributes given and exactly the router's values as
//! plain string literals; labels are unique identifiers; every import ID
//! reads back as the object's name; `import.sh` passes each address and ID
//! as one single-quoted word; every file is `--out` or a plain file inside
//! its directory. Names with an unprintable character are refused, naming
//! the row. With a router (`--router`), every block's first attribute is
//! `router` holding exactly its name, every label and file name starts
//! with its prefix, every import ID with `NAME/`, and no label is one the
//! directory already has. Shared by the unit test in `tests.rs` and the `generate_config`
//! fuzz target (which compiles this file on its own).

use std::collections::HashSet;
use std::path::Path;

use ::hcl::{BlockLabel, Expression, TraversalOperator};

use super::hcl::{BY_NAME, router_prefix, shell_quote};
use super::render::{Item, KeyInput, Layout, Lit, out_dir, render, script_name};
use crate::plugin::text::{printable, unprintable};

/// How one case is rendered: import commands or blocks, the router, the
/// labels the directory already has.
pub(crate) struct Case {
    pub import_commands: bool,
    pub router: Option<String>,
    pub taken: Vec<(String, String)>,
}

/// Renders `items` as `case` says and panics (with the output) when the
/// property fails.
pub(crate) fn check(items: &[Item], case: &Case) {
    let out = Path::new("out/dir/imported.tf");
    let import_commands = case.import_commands;
    let router = case.router.as_deref();
    let prefix = router.map(router_prefix).unwrap_or_default();
    let result = render(
        items,
        Layout {
            out,
            header: "# header\n",
            import_commands,
            router,
            taken: &case.taken,
        },
    );
    if let Some(bad) = items.iter().find(|i| unprintable(&i.key).is_some()) {
        let err = result.expect_err("a name with a control character is refused");
        assert!(
            err.contains(&printable(&bad.row)) && err.contains(&printable(&bad.key)),
            "the error names the row: {err}"
        );
        return;
    }
    let output = result.expect("plain names render");
    let dir = out_dir(out);
    let mut names = HashSet::new();
    for f in &output.files {
        if f.path != out {
            assert_eq!(f.path.parent(), Some(dir.as_path()), "{:?}", f.path);
            let name = f.path.file_name().unwrap().to_str().unwrap();
            assert!(
                name.starts_with(&prefix)
                    && !name.starts_with(['.', '-'])
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)),
                "{name:?}"
            );
        }
        assert!(names.insert(f.path.clone()), "{:?} written twice", f.path);
    }
    let text = std::str::from_utf8(&output.files[0].contents).unwrap();
    let body = ::hcl::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(body.attributes().count(), 0, "{text}");
    let mut blocks = body.blocks();
    let mut labels = HashSet::new();
    let mut script_lines = Vec::new();
    for item in items {
        let block = blocks
            .next()
            .unwrap_or_else(|| panic!("too few blocks\n{text}"));
        assert_eq!(block.identifier.as_str(), "resource", "{text}");
        let [BlockLabel::String(t), BlockLabel::String(label)] = &block.labels[..] else {
            panic!("labels {:?}\n{text}", block.labels)
        };
        assert_eq!(t, &item.type_name);
        assert!(
            label.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "{label:?}"
        );
        assert!(label.starts_with(&prefix), "{label:?}");
        assert!(
            labels.insert((t.clone(), label.clone())),
            "{t}.{label} twice"
        );
        assert!(
            !case.taken.contains(&(t.clone(), label.clone())),
            "{t}.{label} was taken"
        );
        let cak_file = matches!(item.key_input, Some(KeyInput::File(_)));
        let mut expected: Vec<(&str, &Lit)> = item
            .attributes
            .iter()
            .filter(|(n, _)| !(cak_file && n == "cak_age"))
            .map(|(n, v)| (n.as_str(), v))
            .collect();
        let mut got: Vec<_> = block.body.attributes().collect();
        assert_eq!(block.body.blocks().count(), 0, "{text}");
        if let Some(r) = router {
            let first = got.remove(0);
            assert_eq!(first.key.as_str(), "router", "{text}");
            assert_eq!(first.expr, Expression::String(r.to_string()), "{text}");
        }
        if cak_file {
            let cak = got.pop().expect("cak_age");
            assert_eq!(cak.key.as_str(), "cak_age");
            let Expression::FuncCall(call) = &cak.expr else {
                panic!("{:?}", cak.expr)
            };
            assert_eq!(call.name.name.as_str(), "file");
            let file = format!("{label}.cak.age");
            assert!(text.contains(&format!("file(\"${{path.module}}/{file}\")")));
            assert!(output.files.iter().any(|f| f.path == dir.join(&file)));
        }
        assert_eq!(got.len(), expected.len(), "{text}");
        for (attr, (name, value)) in got.iter().zip(expected.drain(..)) {
            assert_eq!(attr.key.as_str(), name);
            assert_same(&attr.expr, value, text);
        }
        let full_id = match router {
            Some(r) => format!("{r}/{}", import_id_of(&item.key)),
            None => import_id_of(&item.key),
        };
        if import_commands {
            script_lines.push(format!(
                "terraform import {} {}",
                shell_quote(&format!("{t}.{label}")),
                shell_quote(&full_id)
            ));
        } else {
            let import = blocks.next().expect("import block");
            assert_eq!(import.identifier.as_str(), "import");
            assert!(import.labels.is_empty());
            let attrs: Vec<_> = import.body.attributes().collect();
            assert_eq!(attrs.len(), 2, "{text}");
            assert_eq!(attrs[0].key.as_str(), "to");
            let Expression::Traversal(to) = &attrs[0].expr else {
                panic!("{:?}", attrs[0].expr)
            };
            assert!(matches!(&to.expr, Expression::Variable(v) if v.as_str() == t.as_str()));
            assert!(
                matches!(&to.operators[..], [TraversalOperator::GetAttr(l)] if l.as_str() == label.as_str())
            );
            assert_eq!(attrs[1].key.as_str(), "id");
            assert_eq!(attrs[1].expr, Expression::String(full_id.clone()), "{text}");
        }
        // The provider reads the router from before the first `/`, only with one.
        let id = match router {
            Some(r) => full_id
                .strip_prefix(&format!("{r}/"))
                .expect("the router's prefix")
                .to_string(),
            None => {
                assert!(
                    !full_id.contains('/') || full_id.starts_with(BY_NAME),
                    "{full_id:?}"
                );
                full_id
            }
        };
        // The import ID names the object by its name, read as the provider reads it.
        let named = match id.strip_prefix(BY_NAME) {
            Some(verbatim) => verbatim.to_string(),
            None => {
                assert!(!id.starts_with(['*', '-']) && id.trim() == id, "{id:?}");
                id.clone()
            }
        };
        assert_eq!(named, item.key);
    }
    assert!(blocks.next().is_none(), "extra blocks\n{text}");
    if import_commands {
        let script = output
            .files
            .iter()
            .find(|f| f.path == dir.join(script_name(router)))
            .expect("import.sh");
        let script = std::str::from_utf8(&script.contents).unwrap();
        let commands: Vec<&str> = script
            .lines()
            .filter(|l| l.starts_with("terraform "))
            .collect();
        assert_eq!(commands, script_lines);
        for line in commands {
            assert_eq!(shell_words(line).len(), 4, "{line:?}");
        }
    }
}

/// The import ID `render` writes for `name`, as the provider must read it.
fn import_id_of(name: &str) -> String {
    super::hcl::import_id(name)
}

/// `line` split as `sh` splits it, for lines of plain words, single-quoted
/// words and `\'`; any other character outside quotes fails.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                cur.get_or_insert_default();
            }
            c if quoted => cur.get_or_insert_default().push(c),
            ' ' => words.extend(cur.take()),
            '\\' => {
                let next = chars.next();
                assert_eq!(next, Some('\''), "a backslash outside quotes in {line:?}");
                cur.get_or_insert_default().push('\'');
            }
            c => {
                assert!(
                    c.is_ascii_alphanumeric(),
                    "{c:?} outside quotes in {line:?}"
                );
                cur.get_or_insert_default().push(c);
            }
        }
    }
    assert!(!quoted, "unterminated quote in {line:?}");
    words.extend(cur);
    words
}

/// Pieces of hostile router text the byte-driven generator strings together.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "-",
    "_",
    ".",
    ",",
    " ",
    "/",
    "../",
    "*",
    "*1F",
    "name=",
    "\"",
    "\\",
    "\\\"",
    "'",
    "${",
    "$${",
    "%{",
    "%%{",
    "$",
    "%",
    "{",
    "}",
    "}}",
    "\n",
    "\r",
    "\t",
    "\0",
    "\u{1b}[2J",
    "\u{7f}",
    "\u{85}",
    "\u{202e}",
    "\u{2028}",
    "\u{feff}",
    "é",
    "中",
    "🙂",
    "provisioner \"local-exec\" { command = \"id\" }",
    "file(\"/etc/passwd\")",
    "${file(\"/etc/passwd\")}",
    "%{ if true }x%{ endif }",
    "#",
    "//",
    "/*",
    "<<EOF",
];

/// A byte-driven source of router text (for the fuzz target and the
/// seeded test).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }

    fn text(&mut self) -> String {
        let len = self.byte() % 8;
        let mut s = String::new();
        for _ in 0..len {
            let b = self.byte();
            if b >= 0xF0 {
                // Any character at all.
                let code = u32::from_le_bytes([self.byte(), self.byte(), self.byte() % 0x11, 0]);
                s.extend(char::from_u32(code));
            } else {
                s.push_str(PIECES[usize::from(b) % PIECES.len()]);
            }
        }
        s
    }

    fn lit(&mut self, depth: u8) -> Lit {
        match self.byte() % 5 {
            0 => Lit::Bool(self.byte() % 2 == 0),
            1 => Lit::Num(i64::from(self.byte()).to_string()),
            2 if depth == 0 => Lit::List((0..self.byte() % 3).map(|_| self.lit(1)).collect()),
            3 => Lit::Num(self.text()),
            _ => Lit::Str(self.text()),
        }
    }
}

const TYPES: [&str; 4] = [
    "routeros_macsec_interface",
    "routeros_macsec_profile",
    "routeros_ethernet_binding",
    "routeros_macsec_key",
];

/// Router names the byte-driven cases use: plain, and those that cannot
/// start a label or a file name as they are.
const ROUTERS: [&str; 5] = ["core", "edge-1", "1core", "-x", "_"];

/// Objects (and how to render them) made from arbitrary bytes: the fuzz
/// target's input, and the seeded test's.
pub(crate) fn items_from_bytes(data: &[u8]) -> (Vec<Item>, Case) {
    let mut b = Bytes(data);
    let flags = b.byte();
    let import_commands = flags % 2 == 1;
    let router = match (flags >> 1) % 8 {
        n @ 0..5 => Some(ROUTERS[usize::from(n)].to_string()),
        _ => None,
    };
    let count = b.byte() % 6;
    let mut items = Vec::new();
    for _ in 0..count {
        let type_name = TYPES[usize::from(b.byte()) % TYPES.len()].to_string();
        // Names repeat often, so that labels collide.
        let key = if b.byte() % 3 == 0 {
            items
                .last()
                .map(|i: &Item| i.key.clone())
                .unwrap_or_default()
        } else {
            b.text()
        };
        let mut attributes = vec![("name".to_string(), Lit::Str(key.clone()))];
        for attr in ["comment", "mtu", "disabled", "ciphers", "cak_age"] {
            if b.byte() % 2 == 0 {
                attributes.push((attr.to_string(), b.lit(0)));
            }
        }
        let key_input = (type_name == "routeros_macsec_key").then(|| match b.byte() % 3 {
            0 => KeyInput::File(b.text().into_bytes()),
            1 => KeyInput::NoRecipient,
            _ => KeyInput::Hidden,
        });
        items.push(Item {
            type_name,
            row: format!("*{}{}", b.byte(), b.text()),
            key,
            attributes,
            key_input,
        });
    }
    // Sometimes the directory already has the first object's label.
    let taken = match (items.first(), flags >> 4) {
        (Some(first), 0..4) => vec![(
            first.type_name.clone(),
            super::hcl::label_after(
                &router.as_deref().map(router_prefix).unwrap_or_default(),
                &first.key,
            ),
        )],
        _ => Vec::new(),
    };
    (
        items,
        Case {
            import_commands,
            router,
            taken,
        },
    )
}

/// Asserts that `expr` is the literal `value`.
fn assert_same(expr: &Expression, value: &Lit, text: &str) {
    match (expr, value) {
        (Expression::String(s), Lit::Str(v)) => assert_eq!(s, v, "{text}"),
        (Expression::Bool(b), Lit::Bool(v)) => assert_eq!(b, v),
        (Expression::Number(n), Lit::Num(v)) => assert_eq!(n.to_string(), *v),
        (Expression::String(s), Lit::Num(v)) => assert_eq!(s, v),
        (Expression::Array(a), Lit::List(v)) => {
            assert_eq!(a.len(), v.len());
            for (e, v) in a.iter().zip(v) {
                assert_same(e, v, text);
            }
        }
        (e, v) => panic!("{e:?} is not the literal {v:?}\n{text}"),
    }
}
