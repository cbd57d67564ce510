//! Registry-layout documentation (`docs/`) rendered from the schemas and
//! the files under `examples/`, so docs and code cannot disagree.
//! `make docs` writes them; a test fails when they are stale.

use std::path::Path;

use crate::data_sources;
use crate::ephemeral_resources;
use crate::plugin::resource::Provider;
use crate::plugin::schema::{Attribute, Block, Schema, Type};
use crate::provider::RouterosProvider;
use crate::resources;

/// One generated file: path relative to the repository root, and content.
pub type DocFile = (String, String);

fn type_label(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_label(e)),
        Type::Set(e) => format!("Set of {}", type_label(e)),
        Type::Map(e) => format!("Map of {}", type_label(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn attribute_line(a: &Attribute) -> String {
    let mut flags = vec![
        a.ty.as_ref()
            .map(type_label)
            .unwrap_or_else(|| "Dynamic".into()),
    ];
    if a.sensitive {
        flags.push("Sensitive".into());
    }
    if a.write_only {
        flags.push("Write-only".into());
    }
    if a.deprecated.is_some() {
        flags.push("Deprecated".into());
    }
    let mut text = a.description.trim().replace('\n', " ");
    if let Some(d) = &a.default {
        text.push_str(&format!(" Defaults to `{d}`."));
    }
    if a.requires_replace {
        text.push_str(" Changing it replaces the resource.");
    }
    if nested_object(a).is_some() {
        text.push_str(&format!(
            " (see [below for nested schema](#{}))",
            nested_anchor(&a.name)
        ));
    }
    format!("- `{}` ({}) {}\n", a.name, flags.join(", "), text.trim())
}

/// The object type inside an attribute of type object, or list, set or
/// map of objects: its attributes get a nested section, as tfplugindocs
/// writes them.
fn nested_object(a: &Attribute) -> Option<&[(String, Type)]> {
    match a.ty.as_ref()? {
        Type::Object(attrs) => Some(attrs),
        Type::List(e) | Type::Set(e) | Type::Map(e) => match e.as_ref() {
            Type::Object(attrs) => Some(attrs),
            _ => None,
        },
        _ => None,
    }
}

fn nested_anchor(name: &str) -> String {
    format!("nestedatt--{name}")
}

/// The `### Nested Schema for` section of an object-typed attribute. Object
/// types carry no descriptions, so the parent's description explains the
/// members.
fn nested_section(a: &Attribute, attrs: &[(String, Type)]) -> String {
    let group = if a.computed && !a.optional && !a.required {
        "Read-Only"
    } else {
        "Attributes"
    };
    let mut out = format!(
        "\n<a id=\"{}\"></a>\n### Nested Schema for `{}`\n\n{group}:\n\n",
        nested_anchor(&a.name),
        a.name
    );
    for (name, ty) in attrs {
        out.push_str(&format!("- `{name}` ({})\n", type_label(ty)));
    }
    out
}

/// The `## Schema` section of a block.
pub fn schema_section(block: &Block) -> String {
    let mut out =
        String::from("<!-- schema generated from the provider's model structs -->\n## Schema\n");
    type Pick = fn(&Attribute) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-Only", |a| a.computed && !a.optional && !a.required),
    ];
    for (title, pick) in groups {
        let attrs: Vec<&Attribute> = block.attributes.iter().filter(|a| pick(a)).collect();
        if attrs.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for a in attrs {
            out.push_str(&attribute_line(a));
        }
    }
    if !block.block_types.is_empty() {
        out.push_str("\n### Blocks\n\n");
        for nb in &block.block_types {
            out.push_str(&format!(
                "- `{0}` (Block, Optional) {1} (see [below for nested schema](#{2}))\n",
                nb.type_name,
                nb.block.description.trim(),
                nested_anchor(&nb.type_name)
            ));
        }
    }
    for a in &block.attributes {
        if let Some(attrs) = nested_object(a) {
            out.push_str(&nested_section(a, attrs));
        }
    }
    for nb in &block.block_types {
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n### Nested Schema for `{}`\n\nOptional:\n\n",
            nested_anchor(&nb.type_name),
            nb.type_name
        ));
        for a in &nb.block.attributes {
            out.push_str(&attribute_line(a));
        }
    }
    out
}

fn read(root: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(root.join(rel)).ok()
}

fn frontmatter(title: &str, description: &str, subcategory: bool) -> String {
    let mut s = format!("---\npage_title: \"{title}\"\n");
    if subcategory {
        s.push_str("subcategory: \"\"\n");
    }
    s.push_str("description: |-\n");
    for line in description.trim().lines() {
        s.push_str(&format!("  {line}\n"));
    }
    s.push_str("---\n\n");
    s
}

/// A value of the natural key of `type_name` for examples.
fn example_key(type_name: &str) -> &'static str {
    match type_name {
        "routeros_macsec_profile" => "uplink",
        "routeros_ethernet_binding" => "ether1",
        _ => "macsec1",
    }
}

/// The "Import by identity" section of a resource page.
fn identity_section(type_name: &str, identity: &crate::plugin::resource::IdentitySchema) -> String {
    let mut s = String::from(
        "\n## Import by identity\n\nTerraform 1.12+ and OpenTofu 1.12+ import by identity in an `import` block:\n\n```terraform\nimport {\n",
    );
    s.push_str(&format!(
        "  to       = {type_name}.example\n  identity = {{ "
    ));
    let attrs: Vec<String> = identity
        .attributes
        .iter()
        .filter(|(n, _)| !identity.optional.contains(n))
        .map(|(n, _)| format!("{n} = \"{}\"", example_key(type_name)))
        .collect();
    s.push_str(&attrs.join(", "));
    s.push_str(&format!(
        " }}\n}}\n```\n\nIdentity (version {}):\n\n",
        identity.version
    ));
    for (n, d) in &identity.attributes {
        let need = if identity.optional.contains(n) {
            "optional"
        } else {
            "required for import"
        };
        s.push_str(&format!("- `{n}` (String, {need}) {d}\n"));
    }
    s
}

/// Renders every generated page. `root` is the repository root (for the
/// examples and notes it includes).
pub fn render(root: &Path) -> Vec<DocFile> {
    let mut files = Vec::new();
    let provider = RouterosProvider::new();
    let schema = provider.schema();
    let mut index = frontmatter("Provider: routeros", &schema.block.description, false);
    index.push_str("# routeros Provider\n\n");
    index.push_str(schema.block.description.trim());
    index.push_str("\n\n");
    if let Some(notes) = read(root, "examples/provider/notes.md") {
        index.push_str(notes.trim());
        index.push_str("\n\n");
    }
    if let Some(ex) = read(root, "examples/provider/provider.tf") {
        index.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            ex.trim_end()
        ));
    }
    index.push_str(&schema_section(&schema.block));
    files.push(("docs/index.md".to_string(), index));

    // The schemas as served: the engine adds `router` to each.
    let engine = crate::plugin::engine::Engine::new(RouterosProvider::new());
    let served = engine.schemas();
    for r in resources::all() {
        let name = r.type_name();
        if resources::renamed::is_renamed(name) {
            continue;
        }
        let schema = &served.resources[name];
        let mut page = page_head(root, &RESOURCE, name, &schema.block);
        page.push_str(&schema_section(&schema.block));
        if let Some(import) = read(root, &format!("examples/resources/{name}/import.sh")) {
            page.push_str(&format!(
                "\n## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n",
                import.trim_end()
            ));
        }
        if let Some(identity) = served.identities.get(name) {
            page.push_str(&identity_section(name, identity));
        }
        files.push((RESOURCE.path(name), page));
        if let Some(list) = served.list_resources.get(name) {
            files.push((LIST_RESOURCE.path(name), list_page(name, &list.block)));
        }
    }
    for d in data_sources::all() {
        let name = d.type_name();
        files.push(simple_page(
            root,
            &DATA_SOURCE,
            name,
            &served.data_sources[name],
        ));
    }
    for e in ephemeral_resources::all() {
        let name = e.type_name();
        files.push(simple_page(
            root,
            &EPHEMERAL_RESOURCE,
            name,
            &served.ephemeral_resources[name],
        ));
    }
    let actions = engine.action_schemas();
    for a in crate::actions::all() {
        let name = a.type_name();
        files.push(simple_page(root, &ACTION, name, &actions[name]));
    }
    // docs/guides/ is written by hand and not generated.
    files
}

/// A kind of page: the word in its title, its folder under `docs/` (the
/// same under `examples/`) and the name of its example file.
struct Kind {
    title: &'static str,
    folder: &'static str,
    example: &'static str,
}

const RESOURCE: Kind = Kind {
    title: "Resource",
    folder: "resources",
    example: "resource.tf",
};
const LIST_RESOURCE: Kind = Kind {
    title: "List Resource",
    folder: "list-resources",
    example: "",
};
const DATA_SOURCE: Kind = Kind {
    title: "Data Source",
    folder: "data-sources",
    example: "data-source.tf",
};
const EPHEMERAL_RESOURCE: Kind = Kind {
    title: "Ephemeral Resource",
    folder: "ephemeral-resources",
    example: "ephemeral-resource.tf",
};
const ACTION: Kind = Kind {
    title: "Action",
    folder: "actions",
    example: "action.tf",
};

impl Kind {
    /// The page of `name`: `docs/<folder>/<name without routeros_>.md`.
    fn path(&self, name: &str) -> String {
        let short = name.strip_prefix("routeros_").unwrap_or(name);
        format!("docs/{}/{short}.md", self.folder)
    }
}

/// The top of a page: front matter, title, description, then the notes
/// and the example from `examples/<folder>/<name>/`.
fn page_head(root: &Path, kind: &Kind, name: &str, block: &Block) -> String {
    let title = kind.title;
    let mut page = frontmatter(
        &format!("{name} {title} - routeros"),
        &block.description,
        true,
    );
    page.push_str(&format!(
        "# {name} ({title})\n\n{}\n\n",
        block.description.trim()
    ));
    let dir = format!("examples/{}/{name}", kind.folder);
    if let Some(notes) = read(root, &format!("{dir}/notes.md")) {
        page.push_str(notes.trim());
        page.push_str("\n\n");
    }
    if let Some(ex) = read(root, &format!("{dir}/{}", kind.example)) {
        page.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            ex.trim_end()
        ));
    }
    page
}

/// A page that is its head and its schema (data sources, ephemeral
/// resources, actions).
fn simple_page(root: &Path, kind: &Kind, name: &str, schema: &Schema) -> DocFile {
    let mut page = page_head(root, kind, name, &schema.block);
    page.push_str(&schema_section(&schema.block));
    (kind.path(name), page)
}

/// The page of a list resource: how `terraform query` uses it, with a
/// generated example.
fn list_page(name: &str, block: &Block) -> String {
    let title = LIST_RESOURCE.title;
    let mut page = frontmatter(
        &format!("{name} {title} - routeros"),
        &block.description,
        true,
    );
    page.push_str(&format!(
        "# {name} ({title})\n\n{}\n\nUsed by `terraform query` (Terraform 1.14+) in a `.tfquery.hcl` file; `terraform query -generate-config-out=imported.tf` writes a resource and an import block for every object found. See the guide *Import a whole router*.\n\n## Example Usage\n\n```terraform\nlist \"{name}\" \"all\" {{\n  provider         = routeros\n  include_resource = true\n  config {{\n    name = \"{}*\"\n  }}\n}}\n```\n\n",
        block.description.trim(),
        example_key(name).trim_end_matches(char::is_numeric)
    ));
    page.push_str(&schema_section(block));
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every schema the provider serves, named by kind and type: the
    /// provider configuration, resources, data sources, ephemeral
    /// resources, list resources and actions. Building them runs the
    /// `x-tf-*` key check of `plugin::schema` (fatal in debug builds).
    fn every_schema() -> Vec<(String, crate::plugin::schema::Schema)> {
        let engine = crate::plugin::engine::Engine::new(RouterosProvider::new());
        let s = engine.schemas();
        let mut all = vec![("provider".to_string(), s.provider)];
        let kinds = [
            ("resource", s.resources),
            ("data source", s.data_sources),
            ("ephemeral resource", s.ephemeral_resources),
            ("list resource", s.list_resources),
            ("action", engine.action_schemas()),
        ];
        for (kind, schemas) in kinds {
            all.extend(schemas.into_iter().map(|(n, v)| (format!("{kind} {n}"), v)));
        }
        all
    }

    /// Words that make an attribute name a secret's.
    const SECRET_WORDS: [&str; 5] = ["cak", "password", "plaintext", "secret", "identity"];

    /// Secret-named attributes that are deliberately not sensitive, by the
    /// end of their name, and why.
    const NOT_SECRET: [(&str, &str); 5] = [
        (
            "_age",
            "age ciphertext: only the holder of an age identity can read it",
        ),
        ("_age_out", "age ciphertext written by the provider"),
        ("_age_recipients", "age public keys"),
        (
            "_fingerprint",
            "a salted hash, for telling keys apart without showing them",
        ),
        ("_file", "the path of a file, not its content"),
    ];

    /// True when `name` is a secret's: one of its words is in
    /// [`SECRET_WORDS`], or it is write-only by name (`*_wo`), unless it
    /// ends as one of [`NOT_SECRET`]. `ckn` (the MACsec key name) is not a
    /// secret: it is sent in the clear on the wire.
    fn named_like_a_secret(name: &str) -> bool {
        let secret = name.ends_with("_wo") || name.split('_').any(|w| SECRET_WORDS.contains(&w));
        secret && !NOT_SECRET.iter().any(|(end, _)| name.ends_with(end))
    }

    #[test]
    fn every_schema_builds_with_known_flags_only() {
        let all = every_schema();
        assert!(all.len() > 10, "every kind is walked: {}", all.len());
        for (what, schema) in &all {
            assert!(
                !schema.block.attributes.is_empty() || what.starts_with("list"),
                "{what} has attributes"
            );
        }
    }

    #[test]
    fn every_attribute_named_like_a_secret_is_sensitive_or_write_only() {
        let mut checked = Vec::new();
        for (what, schema) in every_schema() {
            // A bool or a number (`allow_plaintext_secrets`) is a switch or
            // a count, never a secret itself.
            let holds_text = |a: &&Attribute| !matches!(a.ty, Some(Type::Bool | Type::Number));
            for a in schema.block.attributes.iter().filter(holds_text) {
                if named_like_a_secret(&a.name) {
                    assert!(
                        a.sensitive || a.write_only,
                        "{what}: {:?} is named like a secret but is neither sensitive nor write-only; \
                         add `x-tf-sensitive`, or list it in NOT_SECRET with the reason",
                        a.name
                    );
                    checked.push(format!("{what}.{}", a.name));
                }
            }
        }
        // The attributes this test exists for are among those checked.
        for must in [
            "routeros_macsec_key.cak",
            "routeros_macsec_key.cak_wo",
            "provider.password",
        ] {
            assert!(
                checked.iter().any(|c| c.ends_with(must)),
                "{must} not checked: {checked:?}"
            );
        }
        // Identities are never sensitive in Terraform: none may be a secret.
        let engine = crate::plugin::engine::Engine::new(RouterosProvider::new());
        for (type_name, identity) in engine.schemas().identities {
            for (name, _) in &identity.attributes {
                assert!(
                    !named_like_a_secret(name),
                    "identity of {type_name}: {name:?}"
                );
            }
        }
    }

    #[test]
    fn the_secret_name_rule_matches_what_it_should() {
        for secret in [
            "cak",
            "cak_wo",
            "password",
            "password_wo",
            "age_identity",
            "plaintext",
        ] {
            assert!(named_like_a_secret(secret), "{secret}");
        }
        for public in [
            "ckn",
            "cak_age",
            "cak_age_out",
            "cak_fingerprint",
            "password_age",
            "age_identity_file",
            "name",
        ] {
            assert!(!named_like_a_secret(public), "{public}");
        }
    }

    #[test]
    fn attribute_lines_carry_type_flags_and_default() {
        let a = Attribute {
            name: "password".into(),
            ty: Some(Type::String),
            description: "The password.".into(),
            optional: true,
            sensitive: true,
            ..Default::default()
        };
        assert_eq!(
            attribute_line(&a),
            "- `password` (String, Sensitive) The password.\n"
        );
        let b = Attribute {
            name: "disabled".into(),
            ty: Some(Type::Bool),
            description: "Off.".into(),
            optional: true,
            computed: true,
            default: Some(serde_json::json!(false)),
            ..Default::default()
        };
        assert_eq!(
            attribute_line(&b),
            "- `disabled` (Boolean) Off. Defaults to `false`.\n"
        );
    }

    #[test]
    fn lists_of_objects_get_a_nested_section() {
        let block = Block {
            attributes: vec![Attribute {
                name: "interfaces".into(),
                ty: Some(Type::List(Box::new(Type::Object(vec![
                    ("mtu".into(), Type::Number),
                    ("name".into(), Type::String),
                ])))),
                description: "The interfaces.".into(),
                computed: true,
                ..Default::default()
            }],
            ..Default::default()
        };
        let section = schema_section(&block);
        assert!(
            section.contains(
                "- `interfaces` (List of Object) The interfaces. (see [below for nested schema](#nestedatt--interfaces))\n"
            ),
            "{section}"
        );
        assert!(
            section.ends_with(
                "<a id=\"nestedatt--interfaces\"></a>\n### Nested Schema for `interfaces`\n\nRead-Only:\n\n- `mtu` (Number)\n- `name` (String)\n"
            ),
            "{section}"
        );
    }

    #[test]
    fn every_data_source_gets_a_page_and_guides_are_left_alone() {
        let files = render(Path::new("/nonexistent"));
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        for d in data_sources::all() {
            let short = d.type_name().trim_start_matches("routeros_");
            let path = format!("docs/data-sources/{short}.md");
            let page = &files
                .iter()
                .find(|(p, _)| *p == path)
                .unwrap_or_else(|| panic!("{path} in {paths:?}"))
                .1;
            assert!(
                page.contains(&format!("# {} (Data Source)", d.type_name())),
                "{page}"
            );
        }
        assert!(
            paths.iter().all(|p| !p.starts_with("docs/guides/")),
            "{paths:?}"
        );
    }

    #[test]
    fn every_action_gets_a_page_with_its_arguments() {
        let files = render(Path::new("/nonexistent"));
        for a in crate::actions::all() {
            let short = a.type_name().trim_start_matches("routeros_");
            let path = format!("docs/actions/{short}.md");
            let page = &files
                .iter()
                .find(|(p, _)| *p == path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .1;
            assert!(
                page.contains(&format!("# {} (Action)", a.type_name())),
                "{page}"
            );
            assert!(page.contains("### Required"), "{page}");
            assert!(page.contains("- `path` (String)"), "{page}");
            assert!(!page.contains("### Read-Only"), "{page}");
        }
    }

    #[test]
    fn every_ephemeral_resource_gets_a_page() {
        let files = render(Path::new("/nonexistent"));
        for e in ephemeral_resources::all() {
            let short = e.type_name().trim_start_matches("routeros_");
            let path = format!("docs/ephemeral-resources/{short}.md");
            let page = &files
                .iter()
                .find(|(p, _)| *p == path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .1;
            assert!(
                page.contains(&format!("# {} (Ephemeral Resource)", e.type_name())),
                "{page}"
            );
            assert!(page.contains("### Read-Only"), "{page}");
        }
    }
}
