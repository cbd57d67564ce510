//! `max_reply_bytes` and `max_reply_rows`: the caps on one reply from the
//! router (see `crate::routeros::ReplyLimits`), from the provider block,
//! else the environment, else the defaults.

use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::value::Value;
use crate::routeros::{DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_REPLY_ROWS, ReplyLimits};

/// The environment variable `max_reply_bytes` falls back to.
pub(super) const MAX_REPLY_BYTES_ENV: &str = "ROUTEROS_MAX_REPLY_BYTES";
/// The environment variable `max_reply_rows` falls back to.
pub(super) const MAX_REPLY_ROWS_ENV: &str = "ROUTEROS_MAX_REPLY_ROWS";

/// The accepted range of `max_reply_bytes`: 64 KiB (a single `/file/read`
/// chunk fits) to 16 GiB.
const BYTES_RANGE: std::ops::RangeInclusive<u64> = (64 << 10)..=(16 << 30);
/// The accepted range of `max_reply_rows`.
const ROWS_RANGE: std::ops::RangeInclusive<u64> = 1..=100_000_000;

/// The error for a cap out of its range (`from`: where it came from).
fn out_of_range(
    attr: &str,
    from: &str,
    value: &str,
    range: &std::ops::RangeInclusive<u64>,
) -> Diagnostic {
    Diagnostic::error(
        format!("Invalid {attr}"),
        format!(
            "{from} is {value:?}: give a whole number from {} to {}, or leave it unset for the default.",
            range.start(),
            range.end()
        ),
    )
}

/// One cap: the provider block's `config` (attribute `attr`), else the
/// environment variable `var`, else `default`.
fn one(
    config: Option<i64>,
    attr: &'static str,
    var: &str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<u64, Diagnostic> {
    if let Some(n) = config {
        return u64::try_from(n)
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                out_of_range(attr, &format!("`{attr}`"), &n.to_string(), &range).at_attr(attr)
            });
    }
    match env(var).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                out_of_range(
                    attr,
                    &format!("the environment variable {var}"),
                    &text,
                    &range,
                )
            }),
    }
}

/// The caps the provider block (`max_reply_bytes`, `max_reply_rows`) and
/// the environment (`env`) ask for.
pub(super) fn reply_limits(
    max_bytes: Option<i64>,
    max_rows: Option<i64>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<ReplyLimits, Diagnostic> {
    Ok(ReplyLimits {
        max_bytes: one(
            max_bytes,
            "max_reply_bytes",
            MAX_REPLY_BYTES_ENV,
            DEFAULT_MAX_REPLY_BYTES,
            BYTES_RANGE,
            &env,
        )?,
        max_rows: one(
            max_rows,
            "max_reply_rows",
            MAX_REPLY_ROWS_ENV,
            DEFAULT_MAX_REPLY_ROWS,
            ROWS_RANGE,
            &env,
        )?,
    })
}

/// Plan-time check of the caps given in the provider block.
pub(super) fn validate(config: &Value, diags: &mut Diagnostics) {
    let none = |_: &str| None;
    if let Err(d) = reply_limits(
        config.get_i64("max_reply_bytes"),
        config.get_i64("max_reply_rows"),
        none,
    ) {
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_caps_come_from_the_block_then_the_environment_then_the_defaults() {
        let env = |name: &str| match name {
            MAX_REPLY_BYTES_ENV => Some("1048576".to_string()),
            MAX_REPLY_ROWS_ENV => Some("500".to_string()),
            _ => None,
        };
        assert_eq!(
            reply_limits(None, None, |_| None).unwrap(),
            ReplyLimits::default()
        );
        let l = reply_limits(None, None, env).unwrap();
        assert_eq!((l.max_bytes, l.max_rows), (1 << 20, 500));
        let l = reply_limits(Some(2 << 20), Some(7), env).unwrap();
        assert_eq!((l.max_bytes, l.max_rows), (2 << 20, 7));
        let d = reply_limits(Some(-1), None, |_| None).unwrap_err();
        assert_eq!(d.attribute.unwrap().to_string(), "max_reply_bytes");
        let d = reply_limits(None, None, |n: &str| {
            (n == MAX_REPLY_ROWS_ENV).then(|| "lots".to_string())
        })
        .unwrap_err();
        assert!(
            d.detail.contains(MAX_REPLY_ROWS_ENV) && d.detail.contains("lots"),
            "{}",
            d.detail
        );
    }
}
