//! The provider arguments of terraform-routeros/routeros that a copied
//! provider block brings along (DESIGN.md, "Facts: terraform-routeros"):
//! `rest_timeout` is `timeout` under its name; `routeros_version` and
//! `suppress_syso_del_warn` are accepted and do nothing here, with a
//! warning saying so. (`hosturl` and the shared environment variables are
//! read where the provider reads `url` and the others.)

use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;

/// terraform-routeros's arguments that do nothing here, and why.
pub(super) const IGNORED: [(&str, &str); 2] = [
    (
        "routeros_version",
        "this provider reads the RouterOS version from the router, and adapts to it by itself",
    ),
    (
        "suppress_syso_del_warn",
        "this provider has no system objects whose deletion it warns about",
    ),
];

/// Checks the copied arguments of `config`: `rest_timeout` in range and
/// not in disagreement with `timeout`; a warning per ignored argument.
pub(super) fn validate(config: &Value, diags: &mut Diagnostics) {
    let rest_timeout = config.get_i64("rest_timeout");
    if let Some(t) = rest_timeout {
        if !(1..=3600).contains(&t) {
            diags.push(
                Diagnostic::error(
                    "Invalid rest_timeout",
                    format!("rest_timeout = {t}: give a number of seconds from 1 to 3600 (`rest_timeout` is terraform-routeros's name for `timeout`)."),
                )
                .at_attr("rest_timeout"),
            );
        }
    }
    if let (Some(rest), Some(timeout)) = (rest_timeout, config.get_i64("timeout")) {
        if rest != timeout {
            diags.push(
                Diagnostic::error(
                    "Conflicting timeout settings",
                    format!("`rest_timeout` = {rest} and `timeout` = {timeout} disagree. `rest_timeout` is terraform-routeros's name for `timeout` (seconds to wait for one answer of the router): keep one of them, or give both the same value."),
                )
                .at_attr("rest_timeout"),
            );
        }
    }
    for (attr, why) in IGNORED {
        if config.get(attr).is_some_and(|v| !v.is_null()) {
            diags.push(
                Diagnostic::warning(
                    format!("`{attr}` does nothing in this provider"),
                    format!("`{attr}` is an argument of terraform-routeros/routeros, accepted so that a provider block copied from it works; {why}. Remove it to silence this warning."),
                )
                .at_attr(attr),
            );
        }
    }
}

/// The request timeout the configuration gives, in seconds: `timeout`,
/// else terraform-routeros's `rest_timeout`.
pub(super) fn timeout(timeout: Option<i64>, rest_timeout: Option<i64>) -> Option<i64> {
    timeout.or(rest_timeout)
}
