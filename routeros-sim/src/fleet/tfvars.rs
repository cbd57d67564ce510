//! `--tfvars FILE`: the fleet's URLs and CA certificates as a variables file
//! for `terraform -var-file`, replacing each router's inventory entry.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context;
use serde_json::{Map, Value, json};

use super::Fleet;

impl Fleet {
    /// `{"router_overrides": {"<router>": {"url": ..., "ca_certificate": ...}, ...}}`
    /// in the fleet's order: `url` is the router's `ROUTEROS_URL` (HTTPS when
    /// served), `ca_certificate` the path of its CA (left out without HTTPS).
    /// Every value is a JSON string, escaped as JSON escapes it; a path that
    /// is not UTF-8 is an error naming it.
    pub fn tfvars(&self) -> anyhow::Result<String> {
        let mut overrides = Map::new();
        for router in self.routers() {
            let mut entry = Map::new();
            entry.insert("url".into(), Value::String(router.sim.url()));
            if let Some(path) = router.sim.ca_certificate_path() {
                let text = path.to_str().with_context(|| {
                    format!(
                        "the CA certificate of router {} is at {}, which is not UTF-8 and \
                         cannot be written to --tfvars: use a --cert-dir whose path is UTF-8",
                        router.name,
                        path.display()
                    )
                })?;
                entry.insert("ca_certificate".into(), Value::String(text.to_string()));
            }
            overrides.insert(router.name.clone(), Value::Object(entry));
        }
        let mut text = serde_json::to_string_pretty(&json!({ "router_overrides": overrides }))
            .context("writing the --tfvars JSON")?;
        text.push('\n');
        Ok(text)
    }

    /// Writes [`Fleet::tfvars`] to `path` atomically: into a new file beside
    /// it, then renamed over it, so a reader sees the old file or the whole
    /// new one.
    pub fn write_tfvars(&self, path: &Path) -> anyhow::Result<()> {
        let text = self.tfvars()?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let what = || format!("writing --tfvars {}", path.display());
        let mut file = tempfile::Builder::new()
            .prefix(".routeros-sim-tfvars-")
            .tempfile_in(dir)
            .with_context(what)?;
        file.write_all(text.as_bytes()).with_context(what)?;
        file.as_file().sync_all().with_context(what)?;
        file.persist(path).map_err(|e| e.error).with_context(what)?;
        Ok(())
    }
}
