//! Private state: the bytes Terraform stores beside a resource's state
//! for the provider alone, a JSON object of hints.

use crate::diag::{Diagnostic, Diagnostics};
use crate::resource::Private;

/// Decodes private state bytes (a JSON object; empty bytes are an empty
/// map). Something else is not fatal: the private state is dropped with a
/// warning, since it only carries hints.
pub(super) fn decode_private(bytes: &[u8], diags: &mut Diagnostics) -> Private {
    if bytes.is_empty() {
        return Private::new();
    }
    match serde_json::from_slice::<Private>(bytes) {
        Ok(p) => p,
        Err(e) => {
            diags.push(Diagnostic::warning(
                "Private state ignored",
                format!("The private data stored with this resource is not a JSON object ({e}); it was dropped and will be rebuilt."),
            ));
            Private::new()
        }
    }
}

/// Encodes private state: an empty map is empty bytes.
pub(super) fn encode_private(p: &Private) -> Vec<u8> {
    if p.is_empty() {
        return Vec::new();
    }
    serde_json::to_vec(p).unwrap_or_default()
}

#[cfg(test)]
mod tests;
