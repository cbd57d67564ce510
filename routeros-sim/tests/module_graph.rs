//! The emulator's modules import in one direction (see the `module-graph` crate).

#[test]
fn the_emulators_modules_import_in_one_direction() {
    module_graph::check(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "routeros-sim",
        &[
            ("rest", "menus::file"),
            ("menus::macsec", "state"),
            ("menus", "menus::macsec"),
            ("link", "sync"),
        ],
        true,
    );
}
