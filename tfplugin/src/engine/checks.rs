//! What every RPC family checks and fixes in values: a configuration
//! against its schema, write-only attributes nulled, and a value a
//! resource returned made fit to go back to Terraform.

use super::provider_bug;
use crate::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::schema::{Block, Nesting, Type};
use crate::value::{Value, check_type, conform};

/// True when `n` is a whole number that fits an `i64`.
fn is_whole(n: &crate::value::Number) -> bool {
    use crate::value::Number;
    match n {
        Number::Int(_) => true,
        other => {
            let f = other.to_f64();
            f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18
        }
    }
}

/// Checks a configuration against the schema: required attributes present
/// (an unknown counts as present), computed-only attributes not set,
/// write-only attributes only where the client supports them, deprecated
/// attributes warned about, block counts within their limits.
pub(super) fn check_config(
    block: &Block,
    config: &Value,
    path: &AttributePath,
    write_only_allowed: bool,
    diags: &mut Diagnostics,
) {
    if !matches!(config, Value::Object(_) | Value::Map(_)) {
        return;
    }
    for a in &block.attributes {
        let v = config.get(&a.name).unwrap_or(&Value::Null);
        let at = path.clone().attr(&a.name);
        if a.required && v.is_null() {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!(
                        "The argument {:?} is required, but no definition was found.",
                        a.name
                    ),
                )
                .at(at.clone()),
            );
        }
        if a.computed && !a.optional && !a.required && !v.is_null() {
            diags.push(
                Diagnostic::error(
                    "Value for unconfigurable attribute",
                    format!("{:?} is set by the provider and cannot be configured; remove it from the configuration.", a.name),
                )
                .at(at.clone()),
            );
        }
        if a.write_only && !write_only_allowed && !v.is_null() {
            let instead = match &a.write_only_alternative {
                Some(alt) => format!("upgrade, or use {alt} instead"),
                None => "upgrade, or leave it out".to_owned(),
            };
            diags.push(
                Diagnostic::error(
                    "Write-only attribute not supported",
                    format!(
                        "{:?} is write-only, which needs Terraform 1.11 or OpenTofu 1.11 or later (plugin protocol 5.8); this Terraform did not announce write-only support: {instead}.",
                        a.name
                    ),
                )
                .at(at.clone()),
            );
        }
        if a.integer
            && let Value::Number(n) = v
            && !is_whole(n)
        {
            diags.push(
                Diagnostic::error(
                    "Not a whole number",
                    format!(
                        "{} = {}: {:?} takes a whole number. Give an integer, such as {}.",
                        a.name,
                        n.to_f64(),
                        a.name,
                        n.to_f64().trunc()
                    ),
                )
                .at(at.clone()),
            );
        }
        if let Some(msg) = &a.deprecated
            && !v.is_null()
        {
            diags.push(
                Diagnostic::warning(format!("Argument {:?} is deprecated", a.name), msg.clone())
                    .at(at),
            );
        }
    }
    for nb in &block.block_types {
        let v = config.get(&nb.type_name).unwrap_or(&Value::Null);
        let at = path.clone().attr(&nb.type_name);
        let count = match (nb.nesting, v) {
            (Nesting::Single | Nesting::Group, Value::Null) => Some(0),
            (Nesting::Single | Nesting::Group, Value::Unknown(_)) => None,
            (Nesting::Single | Nesting::Group, inner) => {
                check_config(&nb.block, inner, &at, write_only_allowed, diags);
                Some(1)
            }
            (_, Value::List(items) | Value::Set(items)) => {
                for (i, item) in items.iter().enumerate() {
                    check_config(
                        &nb.block,
                        item,
                        &at.clone().index(i as i64),
                        write_only_allowed,
                        diags,
                    );
                }
                (!items.iter().any(Value::is_unknown)).then_some(items.len() as i64)
            }
            (_, Value::Map(m)) => {
                for (k, item) in m {
                    check_config(
                        &nb.block,
                        item,
                        &at.clone().key(k),
                        write_only_allowed,
                        diags,
                    );
                }
                Some(m.len() as i64)
            }
            (_, Value::Null) => Some(0),
            _ => None,
        };
        if let Some(n) = count {
            if n < nb.min_items {
                diags.push(
                    Diagnostic::error(
                        format!("Too few {:?} blocks", nb.type_name),
                        format!(
                            "At least {} {:?} blocks are required, {n} given.",
                            nb.min_items, nb.type_name
                        ),
                    )
                    .at(at.clone()),
                );
            }
            if nb.max_items > 0 && n > nb.max_items {
                diags.push(
                    Diagnostic::error(
                        format!("Too many {:?} blocks", nb.type_name),
                        format!(
                            "At most {} {:?} blocks are allowed, {n} given.",
                            nb.max_items, nb.type_name
                        ),
                    )
                    .at(at),
                );
            }
        }
    }
}

/// Sets every write-only attribute (at the top level and in single
/// nested blocks) to null.
pub(super) fn null_write_only(block: &Block, v: &mut Value) {
    if !matches!(v, Value::Object(_)) {
        return;
    }
    for a in block.attributes.iter().filter(|a| a.write_only) {
        v.set(&a.name, Value::Null);
    }
    for nb in &block.block_types {
        match v.get_mut(&nb.type_name) {
            Some(inner @ Value::Object(_)) => null_write_only(&nb.block, inner),
            Some(Value::List(items) | Value::Set(items)) => {
                items.iter_mut().for_each(|i| null_write_only(&nb.block, i))
            }
            Some(Value::Map(m)) => m.values_mut().for_each(|i| null_write_only(&nb.block, i)),
            _ => {}
        }
    }
}

/// Replaces every unknown inside `v` by null, returning the path of the
/// first one found (for a provider-bug diagnostic).
pub(super) fn null_unknowns(v: &mut Value) -> Option<String> {
    let first = v.first_unknown_path()?;
    fn walk(v: &mut Value) {
        match v {
            Value::Unknown(_) => *v = Value::Null,
            Value::List(items) | Value::Set(items) => items.iter_mut().for_each(walk),
            Value::Map(m) | Value::Object(m) => m.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(v);
    Some(first)
}

/// The top-level attribute a dotted path starts with.
fn root_attr(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// Makes a value a resource returned fit to go back to Terraform: shaped
/// by the schema type, write-only attributes null, no unknowns (an
/// unknown is reported as a provider bug and replaced by null).
pub(super) fn finish_state(
    block: &Block,
    ty: &Type,
    v: Value,
    what: &str,
    diags: &mut Diagnostics,
) -> Value {
    if v.is_null() {
        return v;
    }
    let mut v = conform(v, ty);
    if let Err(e) = check_type(&v, ty) {
        diags.push(provider_bug(
            format!("Provider returned a malformed {what}"),
            e,
        ));
        return Value::Null;
    }
    null_write_only(block, &mut v);
    if let Some(path) = null_unknowns(&mut v) {
        diags.push(
            provider_bug(
                format!("Provider returned an unknown value in the {what}"),
                format!("The value of {path} is still unknown after the operation; it was recorded as null"),
            )
            .at_attr(root_attr(&path)),
        );
    }
    v
}

#[cfg(test)]
mod tests;
