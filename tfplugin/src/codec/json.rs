//! JSON decoding of `DynamicValue`s and stored state.

use std::collections::BTreeMap;

use super::{CodecError, Path, err, parse_number};
use crate::schema::{MAX_TYPE_DEPTH, Type};
use crate::value::{Number, Value};

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
    json: serde_json::Value,
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

fn kind(j: &serde_json::Value) -> &'static str {
    use serde_json::Value as J;
    match j {
        J::Null => "null",
        J::Bool(_) => "a bool",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

/// Converts `j`, taking it apart as it goes: each part of the JSON is freed
/// once converted, so a large value (a data source listing 10,000 rows) is
/// not held twice.
fn json_value(
    j: serde_json::Value,
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
    match ty {
        Type::String => match j {
            J::String(s) => Ok(Value::String(s)),
            J::Number(n) => Ok(Value::String(n.to_string())),
            J::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(err(
                path,
                format!("expected a string, found {}", kind(&other)),
            )),
        },
        Type::Number => match j {
            J::Number(n) => Ok(Value::Number(json_number(&n))),
            J::String(s) => parse_number(s.trim())
                .map(Value::Number)
                .ok_or_else(|| err(path, format!("{s:?} is not a number"))),
            other => Err(err(
                path,
                format!("expected a number, found {}", kind(&other)),
            )),
        },
        Type::Bool => match j {
            J::Bool(b) => Ok(Value::Bool(b)),
            J::String(s) if s == "true" || s == "1" => Ok(Value::Bool(true)),
            J::String(s) if s == "false" || s == "0" => Ok(Value::Bool(false)),
            other => Err(err(
                path,
                format!("expected a bool, found {}", kind(&other)),
            )),
        },
        Type::List(et) | Type::Set(et) => {
            let J::Array(items) = j else {
                return Err(err(path, format!("expected an array, found {}", kind(&j))));
            };
            let out = items
                .into_iter()
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
            let J::Array(items) = j else {
                return Err(err(path, format!("expected an array, found {}", kind(&j))));
            };
            if items.len() != ets.len() {
                return Err(err(
                    path,
                    format!("tuple needs {} elements, found {}", ets.len(), items.len()),
                ));
            }
            let out = items
                .into_iter()
                .zip(ets)
                .enumerate()
                .map(|(i, (item, et))| {
                    json_value(item, et, extra, &Path::Index(path, i), depth + 1)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(out))
        }
        Type::Map(et) => {
            let J::Object(m) = j else {
                return Err(err(path, format!("expected an object, found {}", kind(&j))));
            };
            let mut out = BTreeMap::new();
            for (k, item) in m {
                let v = json_value(item, et, extra, &Path::Key(path, &k), depth + 1)?;
                out.insert(k, v);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let J::Object(m) = j else {
                return Err(err(path, format!("expected an object, found {}", kind(&j))));
            };
            let mut out = BTreeMap::new();
            for (k, item) in m {
                match attrs.iter().find(|(n, _)| *n == k) {
                    Some((_, aty)) => {
                        let v = json_value(item, aty, extra, &Path::Attr(path, &k), depth + 1)?;
                        out.insert(k, v);
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
            let J::Object(mut m) = j else {
                return Err(err(
                    path,
                    "a dynamic value must be an object {\"type\": .., \"value\": ..}",
                ));
            };
            let ty_json = m
                .remove("type")
                .ok_or_else(|| err(path, "a dynamic value has no \"type\" member"))?;
            let inner = Type::from_json(&ty_json).map_err(|e| err(path, e))?;
            if inner == Type::Dynamic {
                return Err(err(
                    path,
                    "a dynamic value's type cannot itself be \"dynamic\"",
                ));
            }
            let v = m.remove("value").unwrap_or(J::Null);
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
    value_from_json(json, ty, Extra::Reject)
}
