//! The modules of this crate import in one direction (see the `module-graph` crate).

#[test]
fn modules_import_in_one_direction() {
    module_graph::check(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "provider",
        &[
            ("provider", "resources"),
            ("resources::macsec_profile", "context"),
            ("actions", "context"),
            ("backup", "backup::progress"),
            ("resources::backup_common", "backup"),
        ],
        true,
    );
}

/// The backup and export resources are resource glue only: what the data
/// source, the actions and the restore share with them lives in
/// `provider/src/backup/` (issue 20). Only the registry of resources
/// (`resources/mod.rs`) names the two resource files.
#[test]
fn only_the_registry_imports_the_backup_and_export_resources() {
    let edges = module_graph::graph(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let resources = ["resources::system_backup", "resources::config_export"];
    for resource in resources {
        assert!(
            edges.contains_key(resource),
            "no module {resource}: {edges:#?}"
        );
    }
    let importers: Vec<String> = edges
        .iter()
        .filter(|(from, _)| from.as_str() != "resources")
        .flat_map(|(from, to)| {
            resources
                .iter()
                .filter(move |r| {
                    to.contains(**r) && from != *r && !from.starts_with(&format!("{r}::"))
                })
                .map(move |r| format!("{from} -> {r}"))
        })
        .collect();
    assert!(
        importers.is_empty(),
        "modules import a backup or export resource file: {importers:?}. Import what they share from `crate::backup` (the operations, their models, the router's file area) instead"
    );
}
