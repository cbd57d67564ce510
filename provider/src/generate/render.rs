//! The pure core of `generate`: the objects read from the router in, the
//! text of the configuration and the files to write out. No router, no
//! I/O: `generate` writes what this returns, and the `generate_config`
//! fuzz target (which compiles this file on its own) and the property test
//! in `tests.rs` check it. Every router-controlled string reaches the
//! output through [`super::hcl`]: as an escaped string literal, a sanitised
//! label or a single-quoted shell word; comments and file names carry none.

use std::path::{Path, PathBuf};

use super::hcl::{
    Labels, hcl_string, router_import_id, router_name_problem, router_prefix, shell_quote,
};
use crate::plugin::text::{printable, unprintable};

/// An attribute value as it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A string, written as an escaped literal.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A number, as its decimal text.
    Num(String),
    /// A list or set.
    List(Vec<Lit>),
}

/// How a key block gets its CAK.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyInput {
    /// The CAK, age-encrypted (armored) to `--age-recipient`: written to
    /// `<label>.cak.age` and read with `cak_age = file(...)`.
    File(Vec<u8>),
    /// The router shows the CAK but no `--age-recipient` was given.
    NoRecipient,
    /// The router does not show the CAK.
    Hidden,
}

/// One object to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The resource type, such as `routeros_macsec_interface`.
    pub type_name: String,
    /// Where the object is on the router, for messages (such as
    /// `/interface/macsec *3`); printed escaped.
    pub row: String,
    /// The natural key (the RouterOS `name`), also the import ID's source.
    pub key: String,
    /// The attributes of the resource block, in the schema's order.
    pub attributes: Vec<(String, Lit)>,
    /// For keys: how the block gets its CAK.
    pub key_input: Option<KeyInput>,
}

/// One file to write, and what goes into it.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Its path: `--out` itself, or a plain file name inside its directory.
    pub path: PathBuf,
    /// Its contents.
    pub contents: Vec<u8>,
}

/// What `generate` writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Every file, the configuration (`out`) first.
    pub files: Vec<File>,
    /// How many resource blocks the configuration holds.
    pub resources: usize,
}

/// Where and how [`render`] writes.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    /// The configuration file (`--out`); the other files go beside it.
    pub out: &'a Path,
    /// What goes first (such as the `terraform` and `provider` blocks).
    pub header: &'a str,
    /// Write `import.sh` instead of import blocks.
    pub import_commands: bool,
    /// `--router NAME`: every block gets `router = "NAME"`, import IDs
    /// `NAME/`, labels and file names [`router_prefix`].
    pub router: Option<&'a str>,
    /// Type and label of the resource blocks already in the directory,
    /// which no new block may take.
    pub taken: &'a [(String, String)],
}

impl<'a> Layout<'a> {
    /// `out` with `header`, import blocks, no router, nothing taken.
    pub fn new(out: &'a Path, header: &'a str) -> Layout<'a> {
        Layout {
            out,
            header,
            import_commands: false,
            router: None,
            taken: &[],
        }
    }
}

/// The name of the import script: `import.sh`, or `NAME_import.sh` with
/// `--router NAME` (after [`router_prefix`]).
pub fn script_name(router: Option<&str>) -> String {
    match router {
        Some(r) => format!("{}import.sh", router_prefix(r)),
        None => "import.sh".into(),
    }
}

/// The configuration of `items` as `layout` says (and, with
/// `import_commands`, the import script beside it instead of import
/// blocks). Refuses names with an unprintable character, naming each such
/// row, and a router name that is not one.
pub fn render(items: &[Item], layout: Layout<'_>) -> Result<Output, String> {
    let Layout {
        out,
        header,
        import_commands,
        router,
        taken,
    } = layout;
    if let Some(problem) = router.and_then(router_name_problem) {
        return Err(format!("--router {problem}"));
    }
    let refused: Vec<String> = items
        .iter()
        .filter_map(|i| {
            let c = unprintable(&i.key)?;
            Some(format!(
                "{} (row {}) has the name \"{}\", which holds the control character U+{:04X}: rename it on the router, then run generate again",
                i.type_name,
                printable(&i.row),
                printable(&i.key),
                c as u32
            ))
        })
        .collect();
    if !refused.is_empty() {
        return Err(format!(
            "refused to write a configuration from names that are not plain text (they would reach labels, file names and terminals):\n  {}",
            refused.join("\n  ")
        ));
    }
    let dir = out_dir(out);
    let mut config = String::from(header);
    let mut script =
        String::from("#!/bin/sh\n# Written by `terraform-provider-routeros generate`.\nset -e\n");
    let mut files = Vec::new();
    let mut labels = Labels::new(&router.map(router_prefix).unwrap_or_default(), taken);
    for item in items {
        let label = labels.unique(&item.type_name, &item.key);
        let address = format!("{}.{label}", item.type_name);
        let mut lines: Vec<(String, String)> = router
            .map(|r| ("router".to_string(), hcl_string(r)))
            .into_iter()
            .collect();
        let mut comments: Vec<String> = Vec::new();
        let cak_file = matches!(item.key_input, Some(KeyInput::File(_)));
        for (name, value) in &item.attributes {
            if cak_file && name == "cak_age" {
                continue;
            }
            lines.push((name.clone(), lit(value)));
        }
        let inline_cak = lines.iter().any(|(n, _)| n == "cak_age");
        match &item.key_input {
            Some(KeyInput::File(armored)) => {
                let file = format!("{label}.cak.age");
                lines.push((
                    "cak_age".into(),
                    format!("file(\"${{path.module}}/{file}\")"),
                ));
                files.push(File {
                    path: dir.join(file),
                    contents: armored.clone(),
                });
            }
            Some(KeyInput::NoRecipient) if !inline_cak => comments.extend([
                "# Fill in the key: run generate with --age-recipient to write it".to_string(),
                format!("# age-encrypted to {label}.cak.age, then set cak_age = file(\"{label}.cak.age\");"),
                "# or set cak_wo and cak_wo_version (Terraform 1.11+).".to_string(),
            ]),
            Some(KeyInput::Hidden) if !inline_cak => comments.extend([
                "# The router does not show this CAK (the user lacks the `sensitive` policy,".to_string(),
                "# or the export was made without show-sensitive): fill in cak_age, cak_wo or cak.".to_string(),
            ]),
            _ => {}
        }
        config.push_str(&format!(
            "\nresource \"{}\" \"{label}\" {{\n",
            item.type_name
        ));
        push_attributes(&mut config, &lines, "  ");
        for c in &comments {
            config.push_str(&format!("  {c}\n"));
        }
        config.push_str("}\n");
        let id = router_import_id(router, &item.key);
        if import_commands {
            script.push_str(&format!(
                "terraform import {} {}\n",
                shell_quote(&address),
                shell_quote(&id)
            ));
        } else {
            config.push_str("\nimport {\n");
            push_attributes(
                &mut config,
                &[("to".into(), address), ("id".into(), hcl_string(&id))],
                "  ",
            );
            config.push_str("}\n");
        }
    }
    let mut all = vec![File {
        path: out.to_path_buf(),
        contents: config.into_bytes(),
    }];
    if import_commands {
        all.push(File {
            path: dir.join(script_name(router)),
            contents: script.into_bytes(),
        });
    }
    all.extend(files);
    Ok(Output {
        files: all,
        resources: items.len(),
    })
}

/// The provider's source address in `required_providers`.
pub const SOURCE: &str = crate::SOURCE;

/// The head of a generated configuration: a comment, the `terraform` block
/// with `required_providers` (with `required`), and the `provider` block
/// with `provider`'s settings (when given): as its own attributes, or with
/// `router` as that router's entry of `routers` ([`router_entry`]).
pub fn header(required: bool, provider: Option<&[(String, Lit)]>, router: Option<&str>) -> String {
    let mut out =
        String::from("# Written by `terraform-provider-routeros generate`: review, then keep.\n");
    if required {
        out.push_str(&format!(
            "\nterraform {{\n  required_providers {{\n    routeros = {{\n      source = \"{SOURCE}\"\n    }}\n  }}\n}}\n"
        ));
    }
    if let Some(settings) = provider {
        out.push_str("\nprovider \"routeros\" {\n");
        match router {
            Some(r) => {
                out.push_str("  routers = {\n");
                out.push_str(&router_entry(r, settings, "    "));
                out.push_str("  }\n");
            }
            None => {
                let lines: Vec<(String, String)> = settings
                    .iter()
                    .map(|(name, value)| (name.clone(), lit(value)))
                    .collect();
                push_attributes(&mut out, &lines, "  ");
            }
        }
        out.push_str(
            "  # Settings not given here come from the environment: ROUTEROS_URL,\n  # ROUTEROS_USERNAME, ROUTEROS_PASSWORD (never written to this file), ...\n}\n",
        );
    }
    out
}

/// The entry of `routers` for `router` with `settings`, each line indented
/// by `indent`: `"NAME" = { url = "..." ... }`, every value a string (the
/// entries are a map of strings: `insecure = "true"`, `timeout = "30"`);
/// without a URL in `settings` (from an export), a comment saying to add it.
pub fn router_entry(router: &str, settings: &[(String, Lit)], indent: &str) -> String {
    let mut out = format!("{indent}{} = {{\n", hcl_string(router));
    let lines: Vec<(String, String)> = settings
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Lit::Str(s) | Lit::Num(s) => s.clone(),
                Lit::Bool(b) => b.to_string(),
                Lit::List(_) => String::new(),
            };
            (name.clone(), hcl_string(&text))
        })
        .collect();
    push_attributes(&mut out, &lines, &format!("{indent}  "));
    if !settings
        .iter()
        .any(|(name, _)| name == "url" || name == "hosturl")
    {
        out.push_str(&format!(
            "{indent}  # url = \"https://...\" (each entry of routers needs the router's URL)\n"
        ));
    }
    out.push_str(&format!("{indent}}}\n"));
    out
}

/// The directory of `out` (`.` for a bare file name).
pub fn out_dir(out: &Path) -> PathBuf {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Attribute lines indented by `indent` with their `=` aligned, as
/// `terraform fmt` writes them.
fn push_attributes(out: &mut String, lines: &[(String, String)], indent: &str) {
    let width = lines.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in lines {
        out.push_str(&format!("{indent}{name:<width$} = {value}\n"));
    }
}

/// True for number text that HCL reads back as the same text: an integer
/// or a float in its shortest form (not `00`, `1e3`, `+1` or `-0`, which
/// would change on the way).
fn is_number(n: &str) -> bool {
    n != "-0"
        && (n.parse::<i64>().is_ok_and(|i| i.to_string() == n)
            || n.parse::<f64>()
                .is_ok_and(|f| f.is_finite() && f.to_string() == n))
}

/// A value as HCL: strings as escaped literals.
fn lit(v: &Lit) -> String {
    match v {
        Lit::Str(s) => hcl_string(s),
        Lit::Bool(b) => b.to_string(),
        Lit::Num(n) if is_number(n) => n.clone(),
        Lit::Num(n) => hcl_string(n),
        Lit::List(items) => format!("[{}]", items.iter().map(lit).collect::<Vec<_>>().join(", ")),
    }
}
