//! `cak`: the key in the clear, given in configuration and kept in state
//! (marked sensitive). Works on every Terraform version.

use super::{ApplyCtx, KeyInput, Made, PlanCtx, Want};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::resources::macsec_key::CAK_HOWTO;
use crate::resources::macsec_key::cak::{Cak, CakSource, cak_problem, desired_cak};

/// The plain `cak` input.
#[derive(Debug)]
pub struct PlainKey;

impl KeyInput for PlainKey {
    fn attribute(&self) -> &'static str {
        "cak"
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(text) = config.get_str("cak") {
            if let Some(problem) = cak_problem(text) {
                diags.push(Diagnostic::error("Invalid CAK", problem).at_attr("cak"));
            }
        }
    }

    /// The configured key's fingerprint; unknown while the key is.
    fn plan(
        &self,
        p: &PlanCtx<'_>,
        _planned: &mut Value,
        _diags: &mut Diagnostics,
    ) -> Option<Want> {
        match desired_cak(p.config) {
            Ok(CakSource::Plain(cak)) => Some(Want::Known(p.fingerprint(&cak))),
            Ok(_) => Some(Want::Unknown),
            // Reported by validate.
            Err(_) => None,
        }
    }

    fn apply(&self, a: &ApplyCtx<'_>, diags: &mut Diagnostics) -> Option<Made> {
        if !a.must_write {
            return Some(Made::default());
        }
        cak_to_write(a.planned, a.config, diags).map(|k| Made::key(Some(k)))
    }
}

/// The CAK to write, or an error diagnostic.
fn cak_to_write(planned: &Value, config: &Value, diags: &mut Diagnostics) -> Option<Cak> {
    let source = desired_cak(config).and_then(|s| match s {
        // The configuration carries the key; the plan has the same.
        CakSource::Missing | CakSource::Unknown => desired_cak(planned),
        known => Ok(known),
    });
    match source {
        Ok(CakSource::Plain(cak)) => Some(cak),
        Ok(CakSource::Unknown | CakSource::Missing) => {
            diags.push(
                Diagnostic::error(
                    "No CAK to write",
                    format!("`cak` has no value at apply time. Set it to the pre-shared key: 32 hexadecimal characters, such as the output of `{CAK_HOWTO}`."),
                )
                .at_attr("cak"),
            );
            None
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "Invalid CAK",
                    format!("{e}. Generate one with `{CAK_HOWTO}`."),
                )
                .at_attr("cak"),
            );
            None
        }
    }
}
