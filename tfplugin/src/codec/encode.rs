//! msgpack encoding of `DynamicValue`s.

use rmp::encode::ByteBuf;

use super::{
    EXT_REFINED_UNKNOWN, REFN_LENGTH_MAX, REFN_LENGTH_MIN, REFN_NULLNESS, REFN_NUMBER_MAX,
    REFN_NUMBER_MIN, REFN_STRING_PREFIX,
};
use crate::schema::Type;
use crate::value::{Number, Refinements, Value};

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
/// [`check_type`](crate::value::check_type).
pub fn encode_msgpack(value: &Value, ty: &Type) -> Vec<u8> {
    let mut w = ByteBuf::new();
    encode_value(&mut w, value, ty);
    w.into_vec()
}
