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
            (
                "resources::backup_common",
                "resources::backup_common::progress",
            ),
        ],
        true,
    );
}
