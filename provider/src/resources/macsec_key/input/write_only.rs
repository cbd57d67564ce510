//! `cak_wo` with `cak_wo_version`: the key as a write-only value, never in
//! plan or state (Terraform 1.11+). Terraform keeps no copy to compare, so
//! the key is written on create, when `cak_wo_version` changes, and when
//! the router's key drifted from the one written.

use super::{ApplyCtx, KeyInput, Made, PlanCtx, Want, fail, is_set};
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::resources::macsec_key::CAK_HOWTO;
use crate::resources::macsec_key::cak::Cak;

/// The write-only `cak_wo` input.
#[derive(Debug)]
pub struct WriteOnlyKey;

impl KeyInput for WriteOnlyKey {
    fn attribute(&self) -> &'static str {
        "cak_wo"
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        match (is_set(config, "cak_wo"), is_set(config, "cak_wo_version")) {
            (true, false) => diags.push(
                Diagnostic::error(
                    "Missing `cak_wo_version`",
                    "`cak_wo` is write-only: Terraform keeps no copy to compare, so the key is written when `cak_wo_version` changes. Set `cak_wo_version` (for example 1) and change it whenever the key changes.",
                )
                .at_attr("cak_wo_version"),
            ),
            (false, true) => diags.push(
                Diagnostic::error(
                    "`cak_wo_version` without `cak_wo`",
                    "`cak_wo_version` versions the write-only key `cak_wo`; remove it, or set `cak_wo`.",
                )
                .at_attr("cak_wo_version"),
            ),
            _ => {}
        }
        if let Some(text) = config.get_str("cak_wo") {
            if let Err(e) = Cak::parse(text.trim()) {
                diags.push(
                    Diagnostic::error(
                        "Invalid CAK",
                        format!("`cak_wo`: {e}. Give the key as 32 hexadecimal characters; generate one with `{CAK_HOWTO}`."),
                    )
                    .at_attr("cak_wo"),
                );
            }
        }
    }

    /// Unknown (written) when the version changed; else the key last
    /// written, with a warning when the value changed without its version
    /// (and unknown when the router drifted, so the key is written again).
    fn plan(&self, p: &PlanCtx<'_>, _planned: &mut Value, diags: &mut Diagnostics) -> Option<Want> {
        let version_changed = p.creating
            || p.changed("cak_wo_version")
            || !p
                .config
                .get("cak_wo_version")
                .is_some_and(Value::is_wholly_known);
        let now = p
            .config
            .get_str("cak_wo")
            .and_then(|t| Cak::parse(t.trim()).ok())
            .map(|k| p.fingerprint(&k));
        if version_changed {
            return Some(Want::Unknown);
        }
        Some(match (&p.target, &now) {
            (Some(t), Some(n)) if t != n => {
                diags.push(
                    Diagnostic::warning(
                        "`cak_wo` changed but `cak_wo_version` did not",
                        "The write-only key differs from the one written last, but `cak_wo_version` is unchanged, so it is not written (Terraform does not keep write-only values to compare). Change `cak_wo_version` to write the new key.",
                    )
                    .at_attr("cak_wo_version"),
                );
                if p.drift {
                    Want::Unknown
                } else {
                    Want::Known(t.clone())
                }
            }
            (Some(t), _) => Want::Known(t.clone()),
            (None, _) => Want::Unknown,
        })
    }

    fn apply(&self, a: &ApplyCtx<'_>, diags: &mut Diagnostics) -> Option<Made> {
        if !a.must_write {
            return Some(Made::default());
        }
        let Some(text) = a.config.get_str("cak_wo") else {
            return fail(
                diags,
                Diagnostic::error(
                    "No CAK to write",
                    "`cak_wo` has no value at apply time. Write-only values are not kept between plan and apply: give it again (for example from an ephemeral resource), then apply.",
                )
                .at_attr("cak_wo"),
            );
        };
        match Cak::parse(text.trim()) {
            Ok(k) => Some(Made::key(Some(k))),
            Err(e) => fail(
                diags,
                Diagnostic::error(
                    "Invalid CAK",
                    format!("`cak_wo`: {e}. Generate one with `{CAK_HOWTO}`."),
                )
                .at_attr("cak_wo"),
            ),
        }
    }
}
