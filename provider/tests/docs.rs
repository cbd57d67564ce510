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
