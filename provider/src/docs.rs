//! Registry-layout documentation (`docs/`) rendered from the schemas and
//! the files under `examples/`, so docs and code cannot disagree.
//! `make docs` writes them; a test fails when they are stale.

use std::path::Path;

use crate::data_sources;
use crate::ephemeral_resources;
use crate::plugin::resource::Provider;
use crate::plugin::schema::{Attribute, Block, Type};
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
    for a in &block.attributes {
        if let Some(attrs) = nested_object(a) {
            out.push_str(&nested_section(a, attrs));
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
        .map(|(n, _)| format!("{n} = \"{}\"", example_key(type_name)))
        .collect();
    s.push_str(&attrs.join(", "));
    s.push_str(&format!(
        " }}\n}}\n```\n\nIdentity (version {}):\n\n",
        identity.version
    ));
    for (n, d) in &identity.attributes {
        s.push_str(&format!("- `{n}` (String, required for import) {d}\n"));
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

    for r in resources::all() {
        let name = r.type_name();
        let short = name.strip_prefix("routeros_").unwrap_or(name);
        let schema = r.schema();
        let mut page = frontmatter(
            &format!("{name} Resource - routeros"),
            &schema.block.description,
            true,
        );
        page.push_str(&format!(
            "# {name} (Resource)\n\n{}\n\n",
            schema.block.description.trim()
        ));
        if let Some(notes) = read(root, &format!("examples/resources/{name}/notes.md")) {
            page.push_str(notes.trim());
            page.push_str("\n\n");
        }
        if let Some(ex) = read(root, &format!("examples/resources/{name}/resource.tf")) {
            page.push_str(&format!(
                "## Example Usage\n\n```terraform\n{}\n```\n\n",
                ex.trim_end()
            ));
        }
        page.push_str(&schema_section(&schema.block));
        if let Some(import) = read(root, &format!("examples/resources/{name}/import.sh")) {
            page.push_str(&format!(
                "\n## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n",
                import.trim_end()
            ));
        }
        if let Some(identity) = r.identity_schema() {
            page.push_str(&identity_section(name, &identity));
        }
        files.push((format!("docs/resources/{short}.md"), page));
        if let Some(list) = r.list_schema() {
            let mut page = frontmatter(
                &format!("{name} List Resource - routeros"),
                &list.block.description,
                true,
            );
            page.push_str(&format!(
                "# {name} (List Resource)\n\n{}\n\nUsed by `terraform query` (Terraform 1.14+) in a `.tfquery.hcl` file; `terraform query -generate-config-out=imported.tf` writes a resource and an import block for every object found. See the guide *Import a whole router*.\n\n## Example Usage\n\n```terraform\nlist \"{name}\" \"all\" {{\n  provider         = routeros\n  include_resource = true\n  config {{\n    name = \"{}*\"\n  }}\n}}\n```\n\n",
                list.block.description.trim(),
                example_key(name).trim_end_matches(char::is_numeric)
            ));
            page.push_str(&schema_section(&list.block));
            files.push((format!("docs/list-resources/{short}.md"), page));
        }
    }

    for d in data_sources::all() {
        let name = d.type_name();
        let short = name.strip_prefix("routeros_").unwrap_or(name);
        let schema = d.schema();
        let mut page = frontmatter(
            &format!("{name} Data Source - routeros"),
            &schema.block.description,
            true,
        );
        page.push_str(&format!(
            "# {name} (Data Source)\n\n{}\n\n",
            schema.block.description.trim()
        ));
        if let Some(notes) = read(root, &format!("examples/data-sources/{name}/notes.md")) {
            page.push_str(notes.trim());
            page.push_str("\n\n");
        }
        if let Some(ex) = read(
            root,
            &format!("examples/data-sources/{name}/data-source.tf"),
        ) {
            page.push_str(&format!(
                "## Example Usage\n\n```terraform\n{}\n```\n\n",
                ex.trim_end()
            ));
        }
        page.push_str(&schema_section(&schema.block));
        files.push((format!("docs/data-sources/{short}.md"), page));
    }
    for e in ephemeral_resources::all() {
        let name = e.type_name();
        let short = name.strip_prefix("routeros_").unwrap_or(name);
        let schema = e.schema();
        let mut page = frontmatter(
            &format!("{name} Ephemeral Resource - routeros"),
            &schema.block.description,
            true,
        );
        page.push_str(&format!(
            "# {name} (Ephemeral Resource)\n\n{}\n\n",
            schema.block.description.trim()
        ));
        if let Some(notes) = read(
            root,
            &format!("examples/ephemeral-resources/{name}/notes.md"),
        ) {
            page.push_str(notes.trim());
            page.push_str("\n\n");
        }
        if let Some(ex) = read(
            root,
            &format!("examples/ephemeral-resources/{name}/ephemeral-resource.tf"),
        ) {
            page.push_str(&format!(
                "## Example Usage\n\n```terraform\n{}\n```\n\n",
                ex.trim_end()
            ));
        }
        page.push_str(&schema_section(&schema.block));
        files.push((format!("docs/ephemeral-resources/{short}.md"), page));
    }
    for a in crate::actions::all() {
        files.push(action_page(root, a.type_name(), &a.schema()));
    }
    // docs/guides/ is written by hand and not generated.
    files
}

/// The page of one action: `docs/actions/<name>.md`, with the notes and
/// the example from `examples/actions/<type>/`.
fn action_page(root: &Path, name: &str, schema: &crate::plugin::schema::Schema) -> DocFile {
    let short = name.strip_prefix("routeros_").unwrap_or(name);
    let mut page = frontmatter(
        &format!("{name} Action - routeros"),
        &schema.block.description,
        true,
    );
    page.push_str(&format!(
        "# {name} (Action)\n\n{}\n\n",
        schema.block.description.trim()
    ));
    if let Some(notes) = read(root, &format!("examples/actions/{name}/notes.md")) {
        page.push_str(notes.trim());
        page.push_str("\n\n");
    }
    if let Some(ex) = read(root, &format!("examples/actions/{name}/action.tf")) {
        page.push_str(&format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            ex.trim_end()
        ));
    }
    page.push_str(&schema_section(&schema.block));
    (format!("docs/actions/{short}.md"), page)
}

#[cfg(test)]
mod tests {
    use super::*;

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
