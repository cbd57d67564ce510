//! The wire formats of `DynamicValue`: msgpack (in and out) and JSON (in),
//! typed by the schema's [`Type`](super::schema::Type).
//!
//! The rules are go-cty's (`cty/msgpack`, `cty/json`), which is what
//! Terraform uses on its side:
//! - null is msgpack nil (JSON null);
//! - unknown is a msgpack extension: any extension of length 0 or 1 is a
//!   wholly unknown value, a longer one must be type 12 (a refined unknown
//!   whose payload is a map with integer keys: 1 nullness, 2 string prefix,
//!   3/4 number bounds `[number, inclusive]`, 5/6 collection length
//!   min/max; other keys are ignored). We write `d4 00 00` for a wholly
//!   unknown value and a type-12 extension only when refinements exist;
//! - numbers arrive as int, uint, float32/64 or a decimal string and are
//!   written as int ([`Number::Int`]), float64 ([`Number::Float`]) or string
//!   ([`Number::Big`]);
//! - objects are maps holding every attribute (missing ones are null when
//!   decoding, written as nil when encoding), in name order; maps are maps;
//!   lists, sets and tuples are arrays;
//! - `dynamic` is a two-element array `[JSON type as bytes, value]` in
//!   msgpack and `{"type": .., "value": ..}` in JSON.
//!
//! Decoding never panics: malformed or hostile input (truncated, wrong
//! shape, nesting deeper than [`MAX_TYPE_DEPTH`](super::schema::MAX_TYPE_DEPTH)) is a [`CodecError`].

use std::fmt;

use super::value::Number;

/// Why a value could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The bytes are not what the type says.
    #[error("malformed value at {path}: {reason}")]
    Malformed {
        /// Where in the value.
        path: String,
        /// What was wrong.
        reason: String,
    },
}

/// msgpack extension type of a refined unknown value.
const EXT_REFINED_UNKNOWN: i8 = 12;

/// Refinement map keys (go-cty `cty/msgpack/unknown.go`).
const REFN_NULLNESS: i64 = 1;
const REFN_STRING_PREFIX: i64 = 2;
const REFN_NUMBER_MIN: i64 = 3;
const REFN_NUMBER_MAX: i64 = 4;
const REFN_LENGTH_MIN: i64 = 5;
const REFN_LENGTH_MAX: i64 = 6;

/// Where in a value the decoder is, kept as a chain on the stack so that
/// the path string is only built when an error is reported.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Attr(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
    Key(&'a Path<'a>, &'a str),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => write!(f, "(root)"),
            Path::Attr(Path::Root, a) => write!(f, "{a}"),
            Path::Attr(p, a) => write!(f, "{p}.{a}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
            Path::Key(p, k) => write!(f, "{p}[{k:?}]"),
        }
    }
}

fn err(path: &Path<'_>, reason: impl Into<String>) -> CodecError {
    CodecError::Malformed {
        path: path.to_string(),
        reason: reason.into(),
    }
}

mod decode;
mod encode;
mod json;

pub use decode::decode_msgpack;
pub use encode::{encode_msgpack, infer_type};
pub use json::{Extra, decode_json, value_from_json};

/// Parses a decimal number as go-cty writes it (`[-+]digits[.digits][e[-+]digits]`).
/// Integers that fit in 64 bits come back as [`Number::Int`]; anything
/// else is kept exactly as [`Number::Big`].
pub(crate) fn parse_number(s: &str) -> Option<Number> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    let mut plain_int = true;
    if i < b.len() && b[i] == b'.' {
        plain_int = false;
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        plain_int = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    if plain_int && let Ok(n) = s.parse::<i64>() {
        return Some(Number::Int(n));
    }
    Some(Number::Big(s.to_string()))
}

#[cfg(test)]
mod tests;
