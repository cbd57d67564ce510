//! The `timeouts` block of the long operations (a backup or an export
//! taken and downloaded), shaped as terraform-plugin-framework's timeouts
//! blocks are: `timeouts { create = "10m" update = "1m" delete = "5m" }`,
//! each a duration such as `30s`, `10m` or `1h30m`. A timeout bounds the
//! whole operation (every request it makes); left out, only the provider's
//! per-request `timeout` applies. When one runs out, the error names it and
//! the files the operation made on the router are removed.

use std::time::Duration;

use crate::plugin::diag::{AttributePath, Diagnostic, Diagnostics, PathStep};
use crate::plugin::schema::{Attribute, Block, NestedBlock, Nesting, Type};
use crate::plugin::value::Value;

/// The block's name.
pub const BLOCK: &str = "timeouts";

/// The operations a timeout can bound.
pub const OPERATIONS: [(&str, &str); 3] = [
    (
        "create",
        "taking the output on the router and downloading it",
    ),
    ("update", "an in-place update (it changes state only)"),
    (
        "delete",
        "forgetting the output and removing what is left on the router",
    ),
];

/// Longest timeout accepted: a day.
pub const MAX: Duration = Duration::from_secs(24 * 3600);

/// The `timeouts` block of a resource whose long operation is `what`.
pub fn block(what: &str) -> NestedBlock {
    NestedBlock {
        type_name: BLOCK.into(),
        block: Block {
            attributes: OPERATIONS
                .iter()
                .map(|(op, during)| Attribute {
                    name: op.to_string(),
                    ty: Some(Type::String),
                    description: format!(
                        "How long {during} may take, as a duration such as `30s`, `10m` or `1h30m` (at most 24h). Left out, only the provider's per-request `timeout` applies."
                    ),
                    optional: true,
                    ..Default::default()
                })
                .collect(),
            description: format!(
                "Bounds on how long {what} may take; when one runs out, the error says which, and the files made on the router are removed."
            ),
            ..Default::default()
        },
        nesting: Nesting::Single,
        // Terraform requires both 0 (or both 1) for a single block.
        min_items: 0,
        max_items: 0,
    }
}

/// A duration as Go writes it: one or more `<number><unit>` with units
/// `h`, `m`, `s` and `ms`, such as `1h30m` or `45s`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("it is empty".into());
    }
    let mut total = Duration::ZERO;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 || digits > 9 {
            return Err(format!("{t:?} is not a duration such as 30s, 10m or 1h30m"));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("{t:?} is not a duration"))?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (Duration::from_millis(1), 2)
        } else if rest.starts_with('h') {
            (Duration::from_secs(3600), 1)
        } else if rest.starts_with('m') {
            (Duration::from_secs(60), 1)
        } else if rest.starts_with('s') {
            (Duration::from_secs(1), 1)
        } else {
            return Err(format!(
                "{t:?} needs a unit after each number: h, m, s or ms (such as 10m)"
            ));
        };
        rest = &rest[len..];
        total = unit
            .checked_mul(n as u32)
            .and_then(|d| total.checked_add(d))
            .filter(|d| *d <= MAX)
            .ok_or_else(|| format!("{t:?} is longer than 24h"))?;
    }
    if total.is_zero() {
        return Err(format!("{t:?} is zero"));
    }
    Ok(total)
}

fn path(op: &str) -> AttributePath {
    AttributePath(vec![
        PathStep::Attribute(BLOCK.into()),
        PathStep::Attribute(op.into()),
    ])
}

/// The text of timeout `op` in `value` (a configuration, plan or state).
fn text<'a>(value: &'a Value, op: &str) -> Option<&'a str> {
    value.get(BLOCK)?.get_str(op)
}

/// Checks every timeout of `config` (unknowns are skipped).
pub fn check(config: &Value, diags: &mut Diagnostics) {
    for (op, _) in OPERATIONS {
        if let Some(t) = text(config, op) {
            if let Err(e) = parse(t) {
                diags.push(
                    Diagnostic::error(
                        format!("Invalid {op} timeout"),
                        format!("timeouts.{op}: {e}."),
                    )
                    .at(path(op)),
                );
            }
        }
    }
}

/// Timeout `op` of `value`, with its text; `None` when not set (or not
/// valid, which validation reported).
pub fn of(value: &Value, op: &str) -> Option<(Duration, String)> {
    let t = text(value, op)?;
    parse(t).ok().map(|d| (d, t.trim().to_string()))
}

/// The error of an operation that ran out of its timeout.
pub fn ran_out(op: &str, limit: &str, noun: &str, doing: &str) -> Diagnostic {
    Diagnostic::error(
        format!("The {op} timeout ({limit}) ran out"),
        format!(
            "The {noun} was still {doing} when `timeouts.{op}` = {limit:?} ran out, so it was stopped; the files it made on the router are removed. Check the router (a large configuration, a slow or busy router), then raise `timeouts.{op}` and apply again."
        ),
    )
    .at(path(op))
}

/// Runs `work` within timeout `op` of `planned` (no bound when not set);
/// `Err` with the limit's text when it ran out.
pub async fn bounded<T>(
    planned: &Value,
    op: &str,
    work: impl std::future::Future<Output = T>,
) -> Result<T, String> {
    match of(planned, op) {
        Some((limit, text)) => tokio::time::timeout(limit, work).await.map_err(|_| text),
        None => Ok(work.await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: min 0 and max 1 made Terraform refuse the whole
    /// provider schema ("MinItems and MaxItems must match in NestingSingle
    /// mode").
    #[test]
    fn a_single_block_has_matching_min_and_max_items() {
        let b = block("the backup");
        assert_eq!(
            (b.nesting, b.min_items, b.max_items),
            (Nesting::Single, 0, 0)
        );
        let names: Vec<&str> = b.block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["create", "update", "delete"]);
        assert!(b.block.attributes.iter().all(|a| a.optional && !a.required));
    }

    #[test]
    fn durations_read_as_go_writes_them() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse(" 10m "), Ok(Duration::from_secs(600)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse("24h"), Ok(MAX));
        for bad in [
            "",
            "10",
            "m",
            "1d",
            "-5m",
            "25h",
            "0s",
            "1.5m",
            "${var.x}",
            "%{ if }",
            "1m\n",
            "\u{0}",
            "99999999999999999999s",
        ] {
            if bad == "1m\n" {
                assert!(parse(bad).is_ok(), "surrounding whitespace is trimmed");
                continue;
            }
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let huge = "9".repeat(100_000) + "s";
        assert!(parse(&huge).is_err());
    }
}
