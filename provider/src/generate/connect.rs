//! Connecting `generate` to a router as the provider connects: the
//! settings given as flags, the rest from the environment, and the
//! provider's diagnostics worded with `generate`'s flag names.

use std::collections::BTreeMap;

use super::Options;
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics, Severity};
use crate::plugin::resource::Provider;
use crate::plugin::value::Value;
use crate::provider::RouterosProvider;

/// The provider attributes `generate` takes as flags, with the flags
/// ([`crate::cli`] defines them; a test there keeps the two the same).
pub(crate) const FLAGS: [(&str, &str); 6] = [
    ("url", "--url"),
    ("username", "--username"),
    ("password", "--password"),
    ("ca_certificate", "--ca-certificate"),
    ("insecure", "--insecure"),
    ("timeout", "--timeout"),
];

/// Connects like the provider: flags first, then the environment. Returns
/// the client and the provider's warnings (an unprotected connection), as
/// [`for_generate`] words them.
pub(super) async fn connect(opts: &Options) -> Result<(Configured, Vec<String>), String> {
    connect_with(&opts.provider).await
}

/// [`connect`] with the provider flags by attribute name (`url`, ...); the
/// `restore` command connects the same way.
pub(crate) async fn connect_with(
    flags: &BTreeMap<String, String>,
) -> Result<(Configured, Vec<String>), String> {
    let provider = RouterosProvider::new();
    let schema = provider.schema();
    let mut attributes = BTreeMap::new();
    for a in &schema.block.attributes {
        let v = match (a.name.as_str(), flags.get(&a.name)) {
            (_, None) => Value::Null,
            ("insecure", Some(v)) => Value::Bool(v == "true"),
            ("timeout", Some(v)) => match v.parse() {
                Ok(n) => Value::int(n),
                Err(_) => {
                    return Err(format!(
                        "--timeout {v:?} is not a number: give a number of seconds from 1 to 3600."
                    ));
                }
            },
            (_, Some(v)) => Value::string(v.clone()),
        };
        attributes.insert(a.name.clone(), v);
    }
    let config = Value::Object(attributes);
    let mut diags = Diagnostics::new();
    provider.validate(&config, &mut diags);
    let client = if diags.has_error() {
        None
    } else {
        provider.configure(&config, "", &mut diags).await
    };
    let warnings = diags
        .0
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(for_generate)
        .collect();
    let fleet = client.ok_or_else(|| diagnostics_text(&diags))?;
    // The flags name one router, the provider block's own.
    let router = fleet
        .default
        .and_then(|r| std::sync::Arc::try_unwrap(r).ok())
        .ok_or_else(|| "no router: give --url (or ROUTEROS_URL)".to_string())?;
    Ok((router, warnings))
}

/// A provider diagnostic as `generate` prints it: the provider's text, with
/// the attributes generate takes as flags named as its flags.
fn for_generate(d: &Diagnostic) -> String {
    let mut text = format!("{}: {}", d.summary, d.detail).replace(
        "(in the provider block or the environment)",
        "(as flags or in the environment)",
    );
    for (attr, flag) in FLAGS {
        text = text
            .replace(&format!("`{attr}` in the provider block"), flag)
            .replace(&format!("`{attr} = true`"), &format!("`{flag}`"))
            .replace(&format!("`{attr}`"), &format!("`{flag}`"));
    }
    text
}

/// Every diagnostic, one per line, as `generate` prints them.
pub(super) fn diagnostics_text(diags: &Diagnostics) -> String {
    diags
        .0
        .iter()
        .map(for_generate)
        .collect::<Vec<_>>()
        .join("\n")
}
