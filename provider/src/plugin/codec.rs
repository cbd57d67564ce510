//! The wire formats of `DynamicValue`: msgpack (in and out) and JSON (in),
//! typed by the schema's [`Type`].
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
//! shape, nesting deeper than [`MAX_TYPE_DEPTH`]) is a [`CodecError`].

use std::collections::BTreeMap;
use std::fmt;

use rmp::Marker;
use rmp::encode::ByteBuf;

use super::schema::{MAX_TYPE_DEPTH, Type};
use super::value::{Number, Refinements, Value};

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

// ---------------------------------------------------------------------------
// msgpack decoding
// ---------------------------------------------------------------------------

/// A cursor over msgpack bytes; every read is bounds-checked.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize, path: &Path<'_>) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.buf.len())
            .ok_or_else(|| err(path, "unexpected end of msgpack data"))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn peek(&self, path: &Path<'_>) -> Result<Marker, CodecError> {
        self.buf
            .get(self.pos)
            .map(|b| Marker::from_u8(*b))
            .ok_or_else(|| err(path, "unexpected end of msgpack data"))
    }

    fn marker(&mut self, path: &Path<'_>) -> Result<Marker, CodecError> {
        let m = self.peek(path)?;
        self.pos += 1;
        Ok(m)
    }

    fn be<const N: usize>(&mut self, path: &Path<'_>) -> Result<[u8; N], CodecError> {
        let s = self.take(N, path)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    fn u8(&mut self, path: &Path<'_>) -> Result<u8, CodecError> {
        Ok(self.be::<1>(path)?[0])
    }

    fn u16(&mut self, path: &Path<'_>) -> Result<u16, CodecError> {
        Ok(u16::from_be_bytes(self.be(path)?))
    }

    fn u32(&mut self, path: &Path<'_>) -> Result<u32, CodecError> {
        Ok(u32::from_be_bytes(self.be(path)?))
    }

    fn u64(&mut self, path: &Path<'_>) -> Result<u64, CodecError> {
        Ok(u64::from_be_bytes(self.be(path)?))
    }

    /// Length of a collection, capped by the bytes left so that a hostile
    /// length cannot make us allocate gigabytes up front.
    fn checked_len(&self, len: usize, path: &Path<'_>) -> Result<usize, CodecError> {
        if len > self.buf.len() - self.pos {
            return Err(err(
                path,
                format!("declared length {len} exceeds the remaining input"),
            ));
        }
        Ok(len)
    }

    /// The payload of a str or bin marker already read.
    fn str_or_bin(&mut self, m: Marker, path: &Path<'_>) -> Result<Option<&'a [u8]>, CodecError> {
        let len = match m {
            Marker::FixStr(n) => n as usize,
            Marker::Str8 | Marker::Bin8 => self.u8(path)? as usize,
            Marker::Str16 | Marker::Bin16 => self.u16(path)? as usize,
            Marker::Str32 | Marker::Bin32 => self.u32(path)? as usize,
            _ => return Ok(None),
        };
        Ok(Some(self.take(len, path)?))
    }

    fn string(&mut self, path: &Path<'_>) -> Result<String, CodecError> {
        let m = self.marker(path)?;
        match self.str_or_bin(m, path)? {
            Some(b) => std::str::from_utf8(b)
                .map(str::to_string)
                .map_err(|_| err(path, "string is not valid UTF-8")),
            None => Err(err(
                path,
                format!("expected a string, found {}", describe(m)),
            )),
        }
    }

    fn array_len(&mut self, path: &Path<'_>) -> Result<usize, CodecError> {
        let m = self.marker(path)?;
        let len = match m {
            Marker::FixArray(n) => n as usize,
            Marker::Array16 => self.u16(path)? as usize,
            Marker::Array32 => self.u32(path)? as usize,
            _ => {
                return Err(err(
                    path,
                    format!("expected an array, found {}", describe(m)),
                ));
            }
        };
        self.checked_len(len, path)
    }

    fn map_len(&mut self, path: &Path<'_>) -> Result<usize, CodecError> {
        let m = self.marker(path)?;
        let len = match m {
            Marker::FixMap(n) => n as usize,
            Marker::Map16 => self.u16(path)? as usize,
            Marker::Map32 => self.u32(path)? as usize,
            _ => return Err(err(path, format!("expected a map, found {}", describe(m)))),
        };
        // Each entry needs at least two bytes.
        self.checked_len(len.saturating_mul(2), path)?;
        Ok(len)
    }

    /// If the next item is an extension, reads it: (type, payload).
    fn ext(&mut self, path: &Path<'_>) -> Result<Option<(i8, &'a [u8])>, CodecError> {
        let m = self.peek(path)?;
        let fixed = match m {
            Marker::FixExt1 => Some(1),
            Marker::FixExt2 => Some(2),
            Marker::FixExt4 => Some(4),
            Marker::FixExt8 => Some(8),
            Marker::FixExt16 => Some(16),
            Marker::Ext8 | Marker::Ext16 | Marker::Ext32 => None,
            _ => return Ok(None),
        };
        self.pos += 1;
        let len = match (fixed, m) {
            (Some(n), _) => n,
            (None, Marker::Ext8) => self.u8(path)? as usize,
            (None, Marker::Ext16) => self.u16(path)? as usize,
            (None, _) => self.u32(path)? as usize,
        };
        let ty = self.u8(path)? as i8;
        let payload = self.take(len, path)?;
        Ok(Some((ty, payload)))
    }

    /// Reads any number: int, uint, float or decimal string.
    fn number(&mut self, path: &Path<'_>) -> Result<Number, CodecError> {
        let m = self.marker(path)?;
        let n = match m {
            Marker::FixPos(n) => Number::Int(i64::from(n)),
            Marker::FixNeg(n) => Number::Int(i64::from(n)),
            Marker::U8 => Number::Int(i64::from(self.u8(path)?)),
            Marker::U16 => Number::Int(i64::from(self.u16(path)?)),
            Marker::U32 => Number::Int(i64::from(self.u32(path)?)),
            Marker::U64 => {
                let u = self.u64(path)?;
                match i64::try_from(u) {
                    Ok(i) => Number::Int(i),
                    Err(_) => Number::Big(u.to_string()),
                }
            }
            Marker::I8 => Number::Int(i64::from(self.u8(path)? as i8)),
            Marker::I16 => Number::Int(i64::from(self.u16(path)? as i16)),
            Marker::I32 => Number::Int(i64::from(self.u32(path)? as i32)),
            Marker::I64 => Number::Int(self.u64(path)? as i64),
            Marker::F32 => Number::Float(f64::from(f32::from_bits(self.u32(path)?))),
            Marker::F64 => Number::Float(f64::from_bits(self.u64(path)?)),
            m => match self.str_or_bin(m, path)? {
                Some(b) => {
                    let s = std::str::from_utf8(b)
                        .map_err(|_| err(path, "number string is not valid UTF-8"))?;
                    parse_number(s)
                        .ok_or_else(|| err(path, format!("{s:?} is not a decimal number")))?
                }
                None => {
                    return Err(err(
                        path,
                        format!("expected a number, found {}", describe(m)),
                    ));
                }
            },
        };
        if let Number::Float(f) = n
            && f.is_nan()
        {
            return Err(err(path, "NaN is not a Terraform number"));
        }
        Ok(n)
    }

    /// Skips one item of any kind (used for refinement keys we do not know).
    fn skip(&mut self, depth: usize, path: &Path<'_>) -> Result<(), CodecError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(err(
                path,
                format!("nested deeper than {MAX_TYPE_DEPTH} levels"),
            ));
        }
        if self.ext(path)?.is_some() {
            return Ok(());
        }
        let m = self.marker(path)?;
        let fixed = match m {
            Marker::Null | Marker::True | Marker::False | Marker::FixPos(_) | Marker::FixNeg(_) => {
                0
            }
            Marker::U8 | Marker::I8 => 1,
            Marker::U16 | Marker::I16 => 2,
            Marker::U32 | Marker::I32 | Marker::F32 => 4,
            Marker::U64 | Marker::I64 | Marker::F64 => 8,
            Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                self.pos -= 1;
                for _ in 0..self.array_len(path)? {
                    self.skip(depth + 1, path)?;
                }
                return Ok(());
            }
            Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                self.pos -= 1;
                for _ in 0..self.map_len(path)? {
                    self.skip(depth + 1, path)?;
                    self.skip(depth + 1, path)?;
                }
                return Ok(());
            }
            Marker::Reserved => return Err(err(path, "reserved msgpack marker 0xc1")),
            m => {
                if self.str_or_bin(m, path)?.is_none() {
                    return Err(err(path, format!("unexpected {}", describe(m))));
                }
                return Ok(());
            }
        };
        self.take(fixed, path)?;
        Ok(())
    }
}

/// Human name of a msgpack marker, for error messages.
fn describe(m: Marker) -> &'static str {
    match m {
        Marker::Null => "nil",
        Marker::True | Marker::False => "a bool",
        Marker::FixPos(_)
        | Marker::FixNeg(_)
        | Marker::U8
        | Marker::U16
        | Marker::U32
        | Marker::U64
        | Marker::I8
        | Marker::I16
        | Marker::I32
        | Marker::I64 => "an integer",
        Marker::F32 | Marker::F64 => "a float",
        Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => "a string",
        Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => "binary data",
        Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => "an array",
        Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => "a map",
        Marker::FixExt1
        | Marker::FixExt2
        | Marker::FixExt4
        | Marker::FixExt8
        | Marker::FixExt16
        | Marker::Ext8
        | Marker::Ext16
        | Marker::Ext32 => "an extension",
        Marker::Reserved => "the reserved marker 0xc1",
    }
}

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

fn decode_refinements(payload: &[u8], path: &Path<'_>) -> Result<Refinements, CodecError> {
    let mut r = Reader::new(payload);
    let mut out = Refinements::default();
    let len = r.map_len(path)?;
    for _ in 0..len {
        let key = match r.number(path)? {
            Number::Int(k) => k,
            _ => return Err(err(path, "refinement keys must be integers")),
        };
        match key {
            REFN_NULLNESS => {
                out.not_null = Some(match r.marker(path)? {
                    Marker::True => true,
                    Marker::False => false,
                    m => {
                        return Err(err(
                            path,
                            format!("refinement nullness must be a bool, found {}", describe(m)),
                        ));
                    }
                })
            }
            REFN_STRING_PREFIX => out.string_prefix = Some(r.string(path)?),
            REFN_NUMBER_MIN | REFN_NUMBER_MAX => {
                if r.array_len(path)? != 2 {
                    return Err(err(path, "a number bound must be [number, inclusive]"));
                }
                let n = r.number(path)?;
                let inclusive = match r.marker(path)? {
                    Marker::True => true,
                    Marker::False => false,
                    m => {
                        return Err(err(
                            path,
                            format!(
                                "a bound's inclusiveness must be a bool, found {}",
                                describe(m)
                            ),
                        ));
                    }
                };
                if key == REFN_NUMBER_MIN {
                    out.number_lower = Some((n, inclusive));
                } else {
                    out.number_upper = Some((n, inclusive));
                }
            }
            REFN_LENGTH_MIN | REFN_LENGTH_MAX => {
                let n = match r.number(path)? {
                    Number::Int(n) => n,
                    _ => return Err(err(path, "a length bound must be an integer")),
                };
                if key == REFN_LENGTH_MIN {
                    out.length_min = Some(n);
                } else {
                    out.length_max = Some(n);
                }
            }
            _ => r.skip(0, path)?,
        }
    }
    Ok(out)
}

fn decode_value(
    r: &mut Reader<'_>,
    ty: &Type,
    path: &Path<'_>,
    depth: usize,
) -> Result<Value, CodecError> {
    if depth > MAX_TYPE_DEPTH {
        return Err(err(
            path,
            format!("nested deeper than {MAX_TYPE_DEPTH} levels"),
        ));
    }
    if let Some((ext_ty, payload)) = r.ext(path)? {
        if payload.len() <= 1 {
            return Ok(Value::unknown());
        }
        if ext_ty != EXT_REFINED_UNKNOWN {
            return Err(err(
                path,
                format!("unsupported msgpack extension type {ext_ty}"),
            ));
        }
        return Ok(Value::Unknown(decode_refinements(payload, path)?));
    }
    if r.peek(path)? == Marker::Null {
        r.pos += 1;
        return Ok(Value::Null);
    }
    match ty {
        Type::String => Ok(Value::String(r.string(path)?)),
        Type::Number => Ok(Value::Number(r.number(path)?)),
        Type::Bool => match r.marker(path)? {
            Marker::True => Ok(Value::Bool(true)),
            Marker::False => Ok(Value::Bool(false)),
            m => Err(err(path, format!("expected a bool, found {}", describe(m)))),
        },
        Type::List(et) | Type::Set(et) => {
            let len = r.array_len(path)?;
            let mut out = Vec::with_capacity(len);
            for i in 0..len {
                out.push(decode_value(r, et, &Path::Index(path, i), depth + 1)?);
            }
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(out)
            } else {
                Value::List(out)
            })
        }
        Type::Tuple(ets) => {
            let len = r.array_len(path)?;
            if len != ets.len() {
                return Err(err(
                    path,
                    format!("tuple needs {} elements, found {len}", ets.len()),
                ));
            }
            let mut out = Vec::with_capacity(len);
            for (i, et) in ets.iter().enumerate() {
                out.push(decode_value(r, et, &Path::Index(path, i), depth + 1)?);
            }
            Ok(Value::List(out))
        }
        Type::Map(et) => {
            let len = r.map_len(path)?;
            let mut out = BTreeMap::new();
            for _ in 0..len {
                let k = r.string(path)?;
                let v = decode_value(r, et, &Path::Key(path, &k), depth + 1)?;
                out.insert(k, v);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let len = r.map_len(path)?;
            let mut out = BTreeMap::new();
            for _ in 0..len {
                let k = r.string(path)?;
                let aty = attrs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, t)| t)
                    .ok_or_else(|| err(path, format!("unsupported attribute {k:?}")))?;
                let v = decode_value(r, aty, &Path::Attr(path, &k), depth + 1)?;
                out.insert(k, v);
            }
            for (name, _) in attrs {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            if r.array_len(path)? != 2 {
                return Err(err(
                    path,
                    "a dynamic value must be a two-element array [type, value]",
                ));
            }
            let m = r.marker(path)?;
            let ty_bytes = r.str_or_bin(m, path)?.ok_or_else(|| {
                err(
                    path,
                    format!(
                        "a dynamic value's type must be bytes, found {}",
                        describe(m)
                    ),
                )
            })?;
            let ty_json: serde_json::Value = serde_json::from_slice(ty_bytes)
                .map_err(|e| err(path, format!("a dynamic value's type is not JSON: {e}")))?;
            let inner = Type::from_json(&ty_json).map_err(|e| err(path, e))?;
            decode_value(r, &inner, path, depth + 1)
        }
    }
}

/// Decodes msgpack bytes of type `ty`. Empty input is null.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut r = Reader::new(bytes);
    let v = decode_value(&mut r, ty, &Path::Root, 0)?;
    if r.pos != bytes.len() {
        return Err(err(
            &Path::Root,
            format!("{} unexpected bytes after the value", bytes.len() - r.pos),
        ));
    }
    Ok(v)
}

// ---------------------------------------------------------------------------
// msgpack encoding
// ---------------------------------------------------------------------------

// Writing into a `ByteBuf` cannot fail (its error type is `Infallible`), so
// the results of rmp's writers are discarded.

fn len32(n: usize) -> u32 {
    // Terraform values are far below 4 GiB; saturate rather than wrap.
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn write_number(w: &mut ByteBuf, n: &Number) {
    match n {
        Number::Int(i) => {
            let _ = rmp::encode::write_sint(w, *i);
        }
        Number::Float(f) => {
            let _ = rmp::encode::write_f64(w, *f);
        }
        Number::Big(s) => {
            let _ = rmp::encode::write_str(w, s);
        }
    }
}

fn encode_refinements(r: &Refinements) -> Option<Vec<u8>> {
    let mut w = ByteBuf::new();
    let mut n = 0u32;
    let mut body = ByteBuf::new();
    // Only "definitely not null" is meaningful for an unknown value.
    if r.not_null == Some(false) {
        n += 1;
        let _ = rmp::encode::write_sint(&mut body, REFN_NULLNESS);
        let _ = rmp::encode::write_bool(&mut body, false);
    }
    if let Some(p) = r.string_prefix.as_deref().filter(|p| !p.is_empty()) {
        n += 1;
        let _ = rmp::encode::write_sint(&mut body, REFN_STRING_PREFIX);
        let _ = rmp::encode::write_str(&mut body, p);
    }
    for (key, bound) in [
        (REFN_NUMBER_MIN, &r.number_lower),
        (REFN_NUMBER_MAX, &r.number_upper),
    ] {
        if let Some((num, inclusive)) = bound {
            n += 1;
            let _ = rmp::encode::write_sint(&mut body, key);
            let _ = rmp::encode::write_array_len(&mut body, 2);
            write_number(&mut body, num);
            let _ = rmp::encode::write_bool(&mut body, *inclusive);
        }
    }
    for (key, len) in [
        (REFN_LENGTH_MIN, r.length_min),
        (REFN_LENGTH_MAX, r.length_max),
    ] {
        if let Some(len) = len {
            n += 1;
            let _ = rmp::encode::write_sint(&mut body, key);
            let _ = rmp::encode::write_sint(&mut body, len);
        }
    }
    if n == 0 {
        return None;
    }
    let _ = rmp::encode::write_map_len(&mut w, n);
    w.as_mut_vec().extend_from_slice(body.as_slice());
    Some(w.into_vec())
}

/// The type a value has on its own, for encoding it in a `dynamic` slot
/// (our [`Value`] does not carry its type). Lists become tuples, as an
/// HCL list literal does.
pub fn infer_type(v: &Value) -> Type {
    match v {
        Value::Null | Value::Unknown(_) => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(items) => Type::Tuple(items.iter().map(infer_type).collect()),
        Value::Set(items) => Type::Set(Box::new(
            items.first().map(infer_type).unwrap_or(Type::Dynamic),
        )),
        Value::Map(m) => Type::Map(Box::new(
            m.values().next().map(infer_type).unwrap_or(Type::Dynamic),
        )),
        Value::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect())
        }
    }
}

fn encode_value(w: &mut ByteBuf, v: &Value, ty: &Type) {
    match (v, ty) {
        (Value::Null, _) => {
            let _ = rmp::encode::write_nil(w);
        }
        (Value::Unknown(r), _) => match encode_refinements(r) {
            None => w.as_mut_vec().extend_from_slice(&[0xd4, 0x00, 0x00]),
            Some(payload) => {
                let _ = rmp::encode::write_ext_meta(w, len32(payload.len()), EXT_REFINED_UNKNOWN);
                w.as_mut_vec().extend_from_slice(&payload);
            }
        },
        (_, Type::Dynamic) => {
            let inner = infer_type(v);
            let _ = rmp::encode::write_array_len(w, 2);
            let _ = rmp::encode::write_bin(w, inner.to_json().to_string().as_bytes());
            encode_value(w, v, &inner);
        }
        (Value::Bool(b), _) => {
            let _ = rmp::encode::write_bool(w, *b);
        }
        (Value::Number(n), _) => write_number(w, n),
        (Value::String(s), _) => {
            let _ = rmp::encode::write_str(w, s);
        }
        (Value::List(items) | Value::Set(items), _) => {
            let _ = rmp::encode::write_array_len(w, len32(items.len()));
            for (i, item) in items.iter().enumerate() {
                let et = match ty {
                    Type::List(t) | Type::Set(t) => (**t).clone(),
                    Type::Tuple(ts) => ts.get(i).cloned().unwrap_or_else(|| infer_type(item)),
                    _ => infer_type(item),
                };
                encode_value(w, item, &et);
            }
        }
        (Value::Map(m) | Value::Object(m), Type::Object(attrs)) => {
            let mut sorted: Vec<&(String, Type)> = attrs.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let _ = rmp::encode::write_map_len(w, len32(sorted.len()));
            for (name, aty) in sorted {
                let _ = rmp::encode::write_str(w, name);
                encode_value(w, m.get(name).unwrap_or(&Value::Null), aty);
            }
        }
        (Value::Map(m) | Value::Object(m), _) => {
            let _ = rmp::encode::write_map_len(w, len32(m.len()));
            for (k, item) in m {
                let _ = rmp::encode::write_str(w, k);
                let et = match ty {
                    Type::Map(t) => (**t).clone(),
                    _ => infer_type(item),
                };
                encode_value(w, item, &et);
            }
        }
    }
}

/// Encodes a value of type `ty` as msgpack (unknown as `d4 00 00`).
///
/// A value that does not match `ty` is encoded by its own shape (Terraform
/// will then reject it); callers check shapes first with
/// [`check_type`](crate::plugin::value::check_type).
pub fn encode_msgpack(value: &Value, ty: &Type) -> Vec<u8> {
    let mut w = ByteBuf::new();
    encode_value(&mut w, value, ty);
    w.into_vec()
}

// ---------------------------------------------------------------------------
// JSON decoding
// ---------------------------------------------------------------------------

/// How strictly [`value_from_json`] treats object attributes the type does
/// not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// An attribute the type does not have is an error (go-cty's rule).
    Reject,
    /// Such attributes are dropped (state written by an older schema).
    Drop,
}

/// Converts parsed JSON into a value of type `ty`, with go-cty's JSON rules:
/// null is null, missing object attributes are null, and primitives convert
/// as Terraform converts them (a number or bool where a string is expected
/// becomes its text, a numeric string where a number is expected becomes
/// the number, `"true"`/`"false"` where a bool is expected becomes the bool).
pub fn value_from_json(
    json: &serde_json::Value,
    ty: &Type,
    extra: Extra,
) -> Result<Value, CodecError> {
    json_value(json, ty, extra, &Path::Root, 0)
}

fn json_number(n: &serde_json::Number) -> Number {
    if let Some(i) = n.as_i64() {
        Number::Int(i)
    } else if let Some(u) = n.as_u64() {
        Number::Big(u.to_string())
    } else {
        match n.as_f64() {
            Some(f) => Number::Float(f),
            None => parse_number(&n.to_string()).unwrap_or_else(|| Number::Big(n.to_string())),
        }
    }
}

fn json_value(
    j: &serde_json::Value,
    ty: &Type,
    extra: Extra,
    path: &Path<'_>,
    depth: usize,
) -> Result<Value, CodecError> {
    use serde_json::Value as J;
    if depth > MAX_TYPE_DEPTH {
        return Err(err(
            path,
            format!("nested deeper than {MAX_TYPE_DEPTH} levels"),
        ));
    }
    if j.is_null() {
        return Ok(Value::Null);
    }
    let kind = |j: &J| match j {
        J::Null => "null",
        J::Bool(_) => "a bool",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    };
    match ty {
        Type::String => match j {
            J::String(s) => Ok(Value::String(s.clone())),
            J::Number(n) => Ok(Value::String(n.to_string())),
            J::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(err(
                path,
                format!("expected a string, found {}", kind(other)),
            )),
        },
        Type::Number => match j {
            J::Number(n) => Ok(Value::Number(json_number(n))),
            J::String(s) => parse_number(s.trim())
                .map(Value::Number)
                .ok_or_else(|| err(path, format!("{s:?} is not a number"))),
            other => Err(err(
                path,
                format!("expected a number, found {}", kind(other)),
            )),
        },
        Type::Bool => match j {
            J::Bool(b) => Ok(Value::Bool(*b)),
            J::String(s) if s == "true" || s == "1" => Ok(Value::Bool(true)),
            J::String(s) if s == "false" || s == "0" => Ok(Value::Bool(false)),
            other => Err(err(path, format!("expected a bool, found {}", kind(other)))),
        },
        Type::List(et) | Type::Set(et) => {
            let items = j
                .as_array()
                .ok_or_else(|| err(path, format!("expected an array, found {}", kind(j))))?;
            let out = items
                .iter()
                .enumerate()
                .map(|(i, item)| json_value(item, et, extra, &Path::Index(path, i), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(out)
            } else {
                Value::List(out)
            })
        }
        Type::Tuple(ets) => {
            let items = j
                .as_array()
                .ok_or_else(|| err(path, format!("expected an array, found {}", kind(j))))?;
            if items.len() != ets.len() {
                return Err(err(
                    path,
                    format!("tuple needs {} elements, found {}", ets.len(), items.len()),
                ));
            }
            let out = items
                .iter()
                .zip(ets)
                .enumerate()
                .map(|(i, (item, et))| {
                    json_value(item, et, extra, &Path::Index(path, i), depth + 1)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(out))
        }
        Type::Map(et) => {
            let m = j
                .as_object()
                .ok_or_else(|| err(path, format!("expected an object, found {}", kind(j))))?;
            let mut out = BTreeMap::new();
            for (k, item) in m {
                out.insert(
                    k.clone(),
                    json_value(item, et, extra, &Path::Key(path, k), depth + 1)?,
                );
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let m = j
                .as_object()
                .ok_or_else(|| err(path, format!("expected an object, found {}", kind(j))))?;
            let mut out = BTreeMap::new();
            for (k, item) in m {
                match attrs.iter().find(|(n, _)| n == k) {
                    Some((_, aty)) => {
                        out.insert(
                            k.clone(),
                            json_value(item, aty, extra, &Path::Attr(path, k), depth + 1)?,
                        );
                    }
                    None if extra == Extra::Drop => {}
                    None => return Err(err(path, format!("unsupported attribute {k:?}"))),
                }
            }
            for (name, _) in attrs {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            let m = j.as_object().ok_or_else(|| {
                err(
                    path,
                    "a dynamic value must be an object {\"type\": .., \"value\": ..}",
                )
            })?;
            let ty_json = m
                .get("type")
                .ok_or_else(|| err(path, "a dynamic value has no \"type\" member"))?;
            let inner = Type::from_json(ty_json).map_err(|e| err(path, e))?;
            if inner == Type::Dynamic {
                return Err(err(
                    path,
                    "a dynamic value's type cannot itself be \"dynamic\"",
                ));
            }
            let v = m.get("value").unwrap_or(&J::Null);
            json_value(v, &inner, extra, path, depth + 1)
        }
    }
}

/// Decodes JSON bytes of type `ty` (no unknowns in JSON). Empty input is null.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let json: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| err(&Path::Root, format!("invalid JSON: {e}")))?;
    value_from_json(&json, ty, Extra::Reject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn oty(pairs: &[(&str, Type)]) -> Type {
        Type::Object(
            pairs
                .iter()
                .map(|(k, t)| (k.to_string(), t.clone()))
                .collect(),
        )
    }

    #[test]
    fn unknown_is_fixext1_type0() {
        assert_eq!(
            encode_msgpack(&Value::unknown(), &Type::String),
            vec![0xd4, 0x00, 0x00]
        );
        assert_eq!(
            decode_msgpack(&[0xd4, 0x00, 0x00], &Type::String).unwrap(),
            Value::unknown()
        );
    }

    #[test]
    fn any_short_extension_is_wholly_unknown() {
        // ext8 with zero length (rmp-serde's encoding of an empty ext struct).
        assert_eq!(
            decode_msgpack(&[0xc7, 0x00, 0x00], &Type::Number).unwrap(),
            Value::unknown()
        );
        // fixext1 of an arbitrary type code.
        assert_eq!(
            decode_msgpack(&[0xd4, 0x05, 0x07], &Type::Bool).unwrap(),
            Value::unknown()
        );
        // Regression: an ext8 whose type byte looks like a fixext marker
        // (0xd4) must not be read as a second header.
        assert_eq!(
            decode_msgpack(&[0xc7, 0x00, 0xd4], &Type::String).unwrap(),
            Value::unknown()
        );
        assert_eq!(
            decode_msgpack(&[0xc7, 0x01, 0xd4, 0x00], &Type::String).unwrap(),
            Value::unknown()
        );
        // A long extension of another type is not an unknown.
        assert!(decode_msgpack(&[0xd5, 0x03, 0x00, 0x00], &Type::Bool).is_err());
    }

    #[test]
    fn null_is_nil_and_empty_is_null() {
        assert_eq!(encode_msgpack(&Value::Null, &Type::String), vec![0xc0]);
        assert_eq!(decode_msgpack(&[0xc0], &Type::String).unwrap(), Value::Null);
        assert_eq!(
            decode_msgpack(&[], &oty(&[("a", Type::String)])).unwrap(),
            Value::Null
        );
        assert_eq!(decode_json(b"", &Type::String).unwrap(), Value::Null);
    }

    #[test]
    fn refined_unknown_decodes_every_key() {
        // ext 12 payload: {1: false, 2: "ab", 3: [1, true], 4: [2.5, false], 5: 1, 6: 9, 7: [nil]}
        let mut payload = vec![
            0x87, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b', 0x03, 0x92, 0x01, 0xc3, 0x04, 0x92, 0xcb,
        ];
        payload.extend_from_slice(&2.5f64.to_be_bytes());
        payload.extend_from_slice(&[0xc2, 0x05, 0x01, 0x06, 0x09, 0x07, 0x91, 0xc0]);
        let mut bytes = vec![0xc7, payload.len() as u8, 0x0c];
        bytes.extend_from_slice(&payload);
        let v = decode_msgpack(&bytes, &Type::String).unwrap();
        assert_eq!(
            v,
            Value::Unknown(Refinements {
                not_null: Some(false),
                string_prefix: Some("ab".into()),
                number_lower: Some((Number::Int(1), true)),
                number_upper: Some((Number::Float(2.5), false)),
                length_min: Some(1),
                length_max: Some(9),
            })
        );
    }

    #[test]
    fn refined_unknown_encodes_as_ext12() {
        let v = Value::Unknown(Refinements {
            not_null: Some(false),
            ..Default::default()
        });
        // The payload {1: false} is three bytes (81 01 c2), so ext8 of type 12.
        assert_eq!(
            encode_msgpack(&v, &Type::String),
            vec![0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2]
        );
        // Round trip keeps everything.
        let full = Value::Unknown(Refinements {
            not_null: Some(false),
            string_prefix: Some("pre".into()),
            number_lower: Some((Number::Int(-3), false)),
            number_upper: Some((Number::Big("1e400".into()), true)),
            length_min: Some(2),
            length_max: Some(4),
        });
        let bytes = encode_msgpack(&full, &Type::String);
        assert_eq!(bytes[0], 0xc7);
        assert_eq!(bytes[2], 0x0c);
        assert_eq!(decode_msgpack(&bytes, &Type::String).unwrap(), full);
        // An empty refinement (or only "may be null") is the plain marker.
        let plain = Value::Unknown(Refinements {
            not_null: Some(true),
            ..Default::default()
        });
        assert_eq!(encode_msgpack(&plain, &Type::String), vec![0xd4, 0, 0]);
    }

    #[test]
    fn numbers_decode_from_every_form() {
        let cases: Vec<(Vec<u8>, Number)> = vec![
            (vec![0x05], Number::Int(5)),
            (vec![0xff], Number::Int(-1)),
            (vec![0xcc, 0xc8], Number::Int(200)),
            (vec![0xcd, 0x05, 0xbc], Number::Int(1468)),
            (vec![0xce, 0, 1, 0, 0], Number::Int(65536)),
            (
                vec![0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Number::Big("18446744073709551615".into()),
            ),
            (vec![0xd0, 0x80], Number::Int(-128)),
            (vec![0xd1, 0xff, 0x00], Number::Int(-256)),
            (vec![0xd2, 0xff, 0xff, 0xff, 0x00], Number::Int(-256)),
            (vec![0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], Number::Int(i64::MIN)),
            (vec![0xca, 0x3f, 0xc0, 0x00, 0x00], Number::Float(1.5)),
            (
                [vec![0xcb], 0.25f64.to_be_bytes().to_vec()].concat(),
                Number::Float(0.25),
            ),
            (
                [vec![0xa4], b"1.25".to_vec()].concat(),
                Number::Big("1.25".into()),
            ),
            ([vec![0xa2], b"42".to_vec()].concat(), Number::Int(42)),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                decode_msgpack(&bytes, &Type::Number).unwrap(),
                Value::Number(want),
                "{bytes:02x?}"
            );
        }
        assert!(decode_msgpack(&[0xa3, b'a', b'b', b'c'], &Type::Number).is_err());
        assert!(decode_msgpack(&[0xc3], &Type::Number).is_err());
    }

    #[test]
    fn numbers_encode_as_int_float_or_string() {
        assert_eq!(
            encode_msgpack(&Value::int(1468), &Type::Number),
            vec![0xcd, 0x05, 0xbc]
        );
        assert_eq!(encode_msgpack(&Value::int(-1), &Type::Number), vec![0xff]);
        let mut f = vec![0xcb];
        f.extend_from_slice(&1.5f64.to_be_bytes());
        assert_eq!(
            encode_msgpack(&Value::Number(Number::Float(1.5)), &Type::Number),
            f
        );
        assert_eq!(
            encode_msgpack(&Value::Number(Number::Big("1e400".into())), &Type::Number),
            vec![0xa5, b'1', b'e', b'4', b'0', b'0']
        );
    }

    #[test]
    fn object_encodes_every_attribute_sorted_with_nil_for_missing() {
        let ty = oty(&[
            ("name", Type::String),
            ("id", Type::String),
            ("mtu", Type::Number),
        ]);
        let v = obj(&[("name", Value::string("m")), ("mtu", Value::unknown())]);
        assert_eq!(
            encode_msgpack(&v, &ty),
            vec![
                0x83, 0xa2, b'i', b'd', 0xc0, 0xa3, b'm', b't', b'u', 0xd4, 0, 0, 0xa4, b'n', b'a',
                b'm', b'e', 0xa1, b'm'
            ]
        );
    }

    #[test]
    fn object_decode_fills_missing_and_rejects_unknown_attributes() {
        let ty = oty(&[("a", Type::String), ("b", Type::Bool)]);
        let v = decode_msgpack(&[0x81, 0xa1, b'b', 0xc3], &ty).unwrap();
        assert_eq!(v, obj(&[("a", Value::Null), ("b", Value::Bool(true))]));
        let e = decode_msgpack(&[0x81, 0xa1, b'z', 0xc3], &ty).unwrap_err();
        assert!(e.to_string().contains("unsupported attribute \"z\""), "{e}");
    }

    #[test]
    fn round_trip_of_collections() {
        let ty = oty(&[
            ("l", Type::List(Box::new(Type::String))),
            ("s", Type::Set(Box::new(Type::Number))),
            ("m", Type::Map(Box::new(Type::Bool))),
            ("t", Type::Tuple(vec![Type::String, Type::Number])),
            ("o", oty(&[("x", Type::String)])),
        ]);
        let v = obj(&[
            (
                "l",
                Value::List(vec![Value::string("a"), Value::Null, Value::unknown()]),
            ),
            ("s", Value::Set(vec![Value::int(1), Value::int(300)])),
            (
                "m",
                Value::Map(
                    [("k".to_string(), Value::Bool(false))]
                        .into_iter()
                        .collect(),
                ),
            ),
            ("t", Value::List(vec![Value::string("x"), Value::int(7)])),
            ("o", obj(&[("x", Value::string("y"))])),
        ]);
        let bytes = encode_msgpack(&v, &ty);
        assert_eq!(decode_msgpack(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn dynamic_is_type_value_pair() {
        let v = Value::string("hi");
        let bytes = encode_msgpack(&v, &Type::Dynamic);
        // [bin8 "\"string\"", "hi"]
        let mut want = vec![0x92, 0xc4, 0x08];
        want.extend_from_slice(b"\"string\"");
        want.extend_from_slice(&[0xa2, b'h', b'i']);
        assert_eq!(bytes, want);
        assert_eq!(decode_msgpack(&bytes, &Type::Dynamic).unwrap(), v);
        // Null and unknown in a dynamic slot are bare.
        assert_eq!(encode_msgpack(&Value::Null, &Type::Dynamic), vec![0xc0]);
        assert_eq!(
            encode_msgpack(&Value::unknown(), &Type::Dynamic),
            vec![0xd4, 0, 0]
        );
        // A dynamic list round-trips as a tuple.
        let l = Value::List(vec![Value::int(1), Value::string("a")]);
        assert_eq!(
            decode_msgpack(&encode_msgpack(&l, &Type::Dynamic), &Type::Dynamic).unwrap(),
            l
        );
        // JSON form.
        let j = br#"{"type":["list","number"],"value":[1,2]}"#;
        assert_eq!(
            decode_json(j, &Type::Dynamic).unwrap(),
            Value::List(vec![Value::int(1), Value::int(2)])
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let ty = oty(&[("a", Type::List(Box::new(Type::String)))]);
        let cases: Vec<Vec<u8>> = vec![
            vec![0x81],                                           // map missing its entry
            vec![0x81, 0xa1],                                     // truncated key
            vec![0x81, 0xa1, b'a', 0xdd, 0xff, 0xff, 0xff, 0xff], // huge array length
            vec![0x81, 0xa1, b'a', 0x91, 0xa5, b'x'],             // truncated string
            vec![0xc1],                                           // reserved marker
            vec![0x81, 0xa1, b'a', 0x90, 0x00],                   // trailing byte
            vec![0xc7, 0xff, 0x0c],                               // truncated ext
            vec![0xc7, 0x02, 0x0c, 0x91, 0xc0],                   // refinements not a map
            vec![0x81, 0xa2, 0xff, 0xfe, 0x90],                   // key not UTF-8
        ];
        for c in cases {
            assert!(decode_msgpack(&c, &ty).is_err(), "{c:02x?} should fail");
        }
        // Every prefix of a valid encoding fails cleanly.
        let v = obj(&[(
            "a",
            Value::List(vec![Value::string("hello"), Value::unknown()]),
        )]);
        let bytes = encode_msgpack(&v, &ty);
        for n in 1..bytes.len() {
            assert!(decode_msgpack(&bytes[..n], &ty).is_err());
        }
    }

    #[test]
    fn nesting_depth_is_limited() {
        let mut ty = Type::String;
        for _ in 0..(MAX_TYPE_DEPTH + 5) {
            ty = Type::List(Box::new(ty));
        }
        let mut bytes = vec![0x91; MAX_TYPE_DEPTH + 5];
        bytes.push(0xa0);
        let e = decode_msgpack(&bytes, &ty).unwrap_err();
        assert!(e.to_string().contains("nested deeper"), "{e}");
        // Deeply nested dynamic type JSON is refused too.
        let deep = format!("{}\"string\"{}", "[\"list\",".repeat(100), "]".repeat(100));
        assert!(Type::from_json(&serde_json::from_str(&deep).unwrap()).is_err());
    }

    #[test]
    fn error_paths_name_the_attribute() {
        let ty = oty(&[
            ("tags", Type::Map(Box::new(Type::Number))),
            ("l", Type::List(Box::new(Type::Bool))),
        ]);
        let e = decode_json(br#"{"tags":{"k":"x"}}"#, &ty)
            .unwrap_err()
            .to_string();
        assert!(e.contains("tags[\"k\"]"), "{e}");
        let e = decode_json(br#"{"l":[true, 3]}"#, &ty)
            .unwrap_err()
            .to_string();
        assert!(e.contains("l[1]"), "{e}");
    }

    #[test]
    fn json_follows_cty_primitive_conversions() {
        let ty = oty(&[("s", Type::String), ("n", Type::Number), ("b", Type::Bool)]);
        let v = decode_json(br#"{"s": 12, "n": "1468", "b": "true"}"#, &ty).unwrap();
        assert_eq!(
            v,
            obj(&[
                ("s", Value::string("12")),
                ("n", Value::int(1468)),
                ("b", Value::Bool(true))
            ])
        );
        let v = decode_json(br#"{"s": "x", "n": 1.5, "b": false}"#, &ty).unwrap();
        assert_eq!(v.get("n"), Some(&Value::Number(Number::Float(1.5))));
        assert!(decode_json(br#"{"n": "abc"}"#, &ty).is_err());
        assert!(decode_json(br#"{"extra": 1}"#, &ty).is_err());
        assert!(decode_json(b"{not json", &ty).is_err());
        let lenient =
            value_from_json(&serde_json::json!({"extra": 1, "s": "a"}), &ty, Extra::Drop).unwrap();
        assert_eq!(
            lenient,
            obj(&[
                ("s", Value::string("a")),
                ("n", Value::Null),
                ("b", Value::Null)
            ])
        );
    }

    #[test]
    fn parse_number_accepts_decimal_syntax_only() {
        assert_eq!(parse_number("-12"), Some(Number::Int(-12)));
        assert_eq!(
            parse_number("99999999999999999999"),
            Some(Number::Big("99999999999999999999".into()))
        );
        assert_eq!(parse_number("1.5e-3"), Some(Number::Big("1.5e-3".into())));
        assert_eq!(parse_number(".5"), Some(Number::Big(".5".into())));
        for bad in ["", "-", "1e", "1.2.3", "0x10", "NaN", "inf", " 1"] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }
}
