//! Fixes the version the binary reports (`--version`, the
//! User-Agent): `ROUTEROS_PROVIDER_VERSION` when set (`make dist` sets it
//! from `VERSION`), else the Cargo.toml version. It is exposed to the crate
//! as `PROVIDER_VERSION`.

/// Accepts `1.2.3` and `1.2.3-rc.1` (a leading `v` is dropped): the forms
/// the Terraform Registry and file names take.
fn release_version(raw: &str) -> Result<String, String> {
    let v = raw.trim().trim_start_matches('v');
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let pre_ok = pre.is_none_or(|p| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    });
    if numeric && pre_ok {
        Ok(v.to_string())
    } else {
        Err(format!(
            "ROUTEROS_PROVIDER_VERSION={raw:?} is not a release version; use MAJOR.MINOR.PATCH \
             (e.g. 0.2.0 or 0.2.0-rc.1)"
        ))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-env-changed=ROUTEROS_PROVIDER_VERSION");
    let version = match std::env::var("ROUTEROS_PROVIDER_VERSION") {
        Ok(raw) if !raw.trim().is_empty() => release_version(&raw)?,
        _ => std::env::var("CARGO_PKG_VERSION")?,
    };
    println!("cargo:rustc-env=PROVIDER_VERSION={version}");

    Ok(())
}
