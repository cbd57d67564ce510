//! msgpack decoding of `DynamicValue`s.

use std::collections::BTreeMap;

use rmp::Marker;

use super::{
    CodecError, EXT_REFINED_UNKNOWN, Path, REFN_LENGTH_MAX, REFN_LENGTH_MIN, REFN_NULLNESS,
    REFN_NUMBER_MAX, REFN_NUMBER_MIN, REFN_STRING_PREFIX, err, parse_number,
};
use crate::schema::{MAX_TYPE_DEPTH, Type};
use crate::value::{Number, Refinements, Value};

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
