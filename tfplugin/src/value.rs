//! Terraform values as the plugin layer sees them: null, unknown or known,
//! shaped by a schema [`Type`].

use std::collections::BTreeMap;

use super::schema::Type;

/// A Terraform number. go-cty sends numbers as msgpack int, float64 or a
/// decimal string; we keep whichever exact form arrived.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A binary floating point number.
    Float(f64),
    /// Any other number, kept exactly as its decimal text.
    Big(String),
}

/// What is known about an unknown value (the msgpack refined-unknown
/// extension, type 12). Every field is optional; an empty refinement is a
/// wholly unknown value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refinements {
    /// The wire's nullness flag (key 1), as sent: `Some(false)` means the
    /// value will not be null. `None` (or `Some(true)`) says nothing.
    pub not_null: Option<bool>,
    /// A known prefix of a string value.
    pub string_prefix: Option<String>,
    /// Lower bound of a number: (bound, inclusive).
    pub number_lower: Option<(Number, bool)>,
    /// Upper bound of a number: (bound, inclusive).
    pub number_upper: Option<(Number, bool)>,
    /// Minimum length of a collection.
    pub length_min: Option<i64>,
    /// Maximum length of a collection.
    pub length_max: Option<i64>,
}

/// One Terraform value. Objects and maps keep their keys sorted.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// null.
    Null,
    /// Not known until apply ("known after apply").
    Unknown(Refinements),
    /// A bool.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list or tuple.
    List(Vec<Value>),
    /// A set (order is not significant).
    Set(Vec<Value>),
    /// A map.
    Map(BTreeMap<String, Value>),
    /// An object, or a block: every attribute of its type is present.
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// A wholly unknown value.
    pub fn unknown() -> Self {
        Value::Unknown(Refinements::default())
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for [`Value::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The attribute `name` of an object (`None` for anything else or a
    /// missing attribute).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name),
            _ => None,
        }
    }

    /// Mutable access to the attribute `name` of an object.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// Sets attribute `name` of an object; does nothing on other values.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), value);
        }
    }

    /// The known string at attribute `name`, if any.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The known bool at attribute `name`, if any.
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// The known integer at attribute `name`, if it is one.
    pub fn get_i64(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(Value::Number(Number::Int(i))) => Some(*i),
            Some(Value::Number(Number::Float(f))) if f.fract() == 0.0 => Some(*f as i64),
            Some(Value::Number(Number::Big(s))) => s.parse().ok(),
            _ => None,
        }
    }

    /// An object value with exactly these attributes.
    pub fn object(pairs: &[(&str, Value)]) -> Self {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    /// A string value.
    pub fn string(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    /// An integer value.
    pub fn int(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }
}

// ---------------------------------------------------------------------------
// Comparison, shape checks and conversion to and from serde models
// ---------------------------------------------------------------------------

/// A number in a canonical decimal form: (negative, significant digits
/// without leading or trailing zeros, exponent) so that `digits × 10^exp`
/// is the value. Zero is `(false, "", 0)`.
fn canonical_decimal(n: &Number) -> Option<(bool, String, i64)> {
    let text = match n {
        Number::Int(i) => i.to_string(),
        Number::Float(f) if f.is_finite() => format!("{f:e}"),
        Number::Float(_) => return None,
        Number::Big(s) => s.clone(),
    };
    let (neg, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut digits: String = format!("{int_part}{frac_part}");
    let mut exp = exp.checked_sub(i64::try_from(frac_part.len()).ok()?)?;
    let trimmed = digits.trim_start_matches('0').len();
    digits = digits[digits.len() - trimmed..].to_string();
    while digits.ends_with('0') {
        digits.pop();
        exp = exp.checked_add(1)?;
    }
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((neg, digits, exp))
}

impl Number {
    /// True when both are the same number, whatever form each arrived in
    /// (`Int(5)`, `Float(5.0)` and `Big("5.0")` are all equal).
    pub fn numerically_equal(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            _ => match (canonical_decimal(self), canonical_decimal(other)) {
                (Some(a), Some(b)) => a == b,
                // Infinities only equal themselves.
                _ => self.to_f64() == other.to_f64(),
            },
        }
    }

    /// The nearest `f64` (big numbers may lose precision).
    pub fn to_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }
}

impl Value {
    /// Equality as Terraform sees it: numbers compare by value, sets
    /// ignore order, unknowns equal unknowns (whatever their refinements),
    /// and an object equals a map with the same entries.
    pub fn equivalent(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Unknown(_), Value::Unknown(_)) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a.numerically_equal(b),
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equivalent(y))
            }
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len()
                    && a.iter().all(|x| b.iter().any(|y| x.equivalent(y)))
                    && b.iter().all(|y| a.iter().any(|x| x.equivalent(y)))
            }
            (Value::Map(a) | Value::Object(a), Value::Map(b) | Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, x)| b.get(k).is_some_and(|y| x.equivalent(y)))
            }
            _ => false,
        }
    }

    /// The path (`a.b[0]`) of the first unknown inside this value, or
    /// `None` when it is wholly known. The root itself is `""`.
    pub fn first_unknown_path(&self) -> Option<String> {
        fn walk(v: &Value, path: &mut String) -> bool {
            match v {
                Value::Unknown(_) => true,
                Value::List(items) | Value::Set(items) => {
                    items.iter().enumerate().any(|(i, item)| {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        let found = walk(item, path);
                        if !found {
                            path.truncate(len);
                        }
                        found
                    })
                }
                Value::Map(m) => m.iter().any(|(k, item)| {
                    let len = path.len();
                    path.push_str(&format!("[{k:?}]"));
                    let found = walk(item, path);
                    if !found {
                        path.truncate(len);
                    }
                    found
                }),
                Value::Object(m) => m.iter().any(|(k, item)| {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    let found = walk(item, path);
                    if !found {
                        path.truncate(len);
                    }
                    found
                }),
                _ => false,
            }
        }
        let mut path = String::new();
        walk(self, &mut path).then_some(path)
    }

    /// This value as plain JSON: null and unknown become `null`, numbers
    /// JSON numbers, sets arrays.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Unknown(_) => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::String(s) => J::String(s.clone()),
            Value::Number(Number::Int(i)) => J::from(*i),
            Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::Number(Number::Big(s)) => match s.parse::<u64>() {
                Ok(u) => J::from(u),
                Err(_) => s
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(J::Number)
                    .unwrap_or(J::Null),
            },
            Value::List(items) | Value::Set(items) => {
                J::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Map(m) | Value::Object(m) => {
                J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

/// Checks that `value` has the shape of `ty` (null and unknown fit
/// anywhere; objects must hold exactly the type's attributes). The error
/// names the first place that does not fit.
pub fn check_type(value: &Value, ty: &Type) -> Result<(), String> {
    fn at(path: &str) -> &str {
        if path.is_empty() { "the value" } else { path }
    }
    fn walk(v: &Value, ty: &Type, path: &str) -> Result<(), String> {
        match (v, ty) {
            (Value::Null | Value::Unknown(_), _) | (_, Type::Dynamic) => Ok(()),
            (Value::Bool(_), Type::Bool)
            | (Value::Number(_), Type::Number)
            | (Value::String(_), Type::String) => Ok(()),
            (Value::List(items), Type::List(et)) | (Value::Set(items), Type::Set(et)) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| walk(item, et, &format!("{path}[{i}]"))),
            (Value::List(items), Type::Tuple(ets)) => {
                if items.len() != ets.len() {
                    return Err(format!(
                        "{} has {} elements, its tuple type {}",
                        at(path),
                        items.len(),
                        ets.len()
                    ));
                }
                items
                    .iter()
                    .zip(ets)
                    .enumerate()
                    .try_for_each(|(i, (item, et))| walk(item, et, &format!("{path}[{i}]")))
            }
            (Value::Map(m), Type::Map(et)) => m
                .iter()
                .try_for_each(|(k, item)| walk(item, et, &format!("{path}[{k:?}]"))),
            (Value::Object(m), Type::Object(attrs)) => {
                for (name, aty) in attrs {
                    let child = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    match m.get(name) {
                        Some(item) => walk(item, aty, &child)?,
                        None => return Err(format!("{child} is missing")),
                    }
                }
                match m.keys().find(|k| !attrs.iter().any(|(n, _)| n == *k)) {
                    Some(extra) => Err(format!(
                        "{} has attribute {extra:?}, which the schema does not declare",
                        at(path)
                    )),
                    None => Ok(()),
                }
            }
            (v, ty) => Err(format!(
                "{} is {}, but the schema says {}",
                at(path),
                kind_name(v),
                ty.to_json()
            )),
        }
    }
    walk(value, ty, "")
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
    }
}

/// Reshapes `value` to `ty` without changing what it says: object
/// attributes the type lacks are dropped, missing ones become null, maps
/// and objects swap variants to match the type, and lists become sets
/// where the type says set (and back). Used on values a resource built by
/// hand, before they go to Terraform.
pub fn conform(value: Value, ty: &Type) -> Value {
    match (value, ty) {
        (v @ (Value::Null | Value::Unknown(_)), _) => v,
        (Value::Object(m) | Value::Map(m), Type::Object(attrs)) => {
            let mut m = m;
            let out = attrs
                .iter()
                .map(|(name, aty)| {
                    (
                        name.clone(),
                        conform(m.remove(name).unwrap_or(Value::Null), aty),
                    )
                })
                .collect();
            Value::Object(out)
        }
        (Value::Object(m) | Value::Map(m), Type::Map(et)) => {
            Value::Map(m.into_iter().map(|(k, v)| (k, conform(v, et))).collect())
        }
        (Value::List(items) | Value::Set(items), Type::List(et)) => {
            Value::List(items.into_iter().map(|v| conform(v, et)).collect())
        }
        (Value::List(items) | Value::Set(items), Type::Set(et)) => {
            Value::Set(items.into_iter().map(|v| conform(v, et)).collect())
        }
        (Value::List(items) | Value::Set(items), Type::Tuple(ets)) if items.len() == ets.len() => {
            Value::List(
                items
                    .into_iter()
                    .zip(ets)
                    .map(|(v, et)| conform(v, et))
                    .collect(),
            )
        }
        (v, _) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty() -> Type {
        Type::Object(vec![
            ("disabled".into(), Type::Bool),
            ("id".into(), Type::String),
            ("mtu".into(), Type::Number),
            ("name".into(), Type::String),
            ("tags".into(), Type::Set(Box::new(Type::String))),
        ])
    }

    #[test]
    fn numbers_compare_by_value() {
        let five = [
            Number::Int(5),
            Number::Float(5.0),
            Number::Big("5".into()),
            Number::Big("5.000".into()),
            Number::Big("0.5e1".into()),
        ];
        for a in &five {
            for b in &five {
                assert!(a.numerically_equal(b), "{a:?} == {b:?}");
            }
        }
        assert!(!Number::Int(5).numerically_equal(&Number::Float(5.5)));
        assert!(!Number::Int(-5).numerically_equal(&Number::Int(5)));
        assert!(Number::Big("0".into()).numerically_equal(&Number::Float(-0.0)));
        assert!(
            Number::Big("12345678901234567890123".into())
                .numerically_equal(&Number::Big("1.2345678901234567890123e22".into()))
        );
        assert!(
            !Number::Big("12345678901234567890123".into())
                .numerically_equal(&Number::Big("12345678901234567890124".into()))
        );
        assert!(Number::Float(f64::INFINITY).numerically_equal(&Number::Float(f64::INFINITY)));
        assert!(!Number::Float(f64::INFINITY).numerically_equal(&Number::Int(1)));
    }

    #[test]
    fn equivalence_ignores_set_order_and_refinements() {
        let a = Value::Set(vec![Value::string("a"), Value::string("b")]);
        let b = Value::Set(vec![Value::string("b"), Value::string("a")]);
        assert!(a.equivalent(&b));
        assert!(
            !Value::List(vec![Value::string("a"), Value::string("b")])
                .equivalent(&Value::List(vec![Value::string("b"), Value::string("a")]))
        );
        let refined = Value::Unknown(Refinements {
            not_null: Some(false),
            ..Default::default()
        });
        assert!(refined.equivalent(&Value::unknown()));
        assert!(!Value::Null.equivalent(&Value::unknown()));
        assert!(
            Value::object(&[("x", Value::int(1))])
                .equivalent(&Value::object(&[("x", Value::Number(Number::Float(1.0)))]))
        );
    }

    #[test]
    fn first_unknown_path_names_the_spot() {
        let v = Value::object(&[
            ("a", Value::int(1)),
            (
                "b",
                Value::object(&[("c", Value::List(vec![Value::Null, Value::unknown()]))]),
            ),
        ]);
        assert_eq!(v.first_unknown_path().as_deref(), Some("b.c[1]"));
        assert_eq!(
            Value::object(&[("a", Value::int(1))]).first_unknown_path(),
            None
        );
        assert_eq!(Value::unknown().first_unknown_path().as_deref(), Some(""));
    }

    #[test]
    fn check_type_names_the_problem() {
        let e = check_type(&Value::object(&[("name", Value::int(1))]), &ty()).unwrap_err();
        assert!(e.contains("disabled is missing"), "{e}");
        let full = conform(Value::object(&[("name", Value::int(1))]), &ty());
        let e = check_type(&full, &ty()).unwrap_err();
        assert!(e.contains("name is a number"), "{e}");
        let mut with_extra = conform(Value::object(&[]), &ty());
        if let Value::Object(m) = &mut with_extra {
            m.insert("bogus".into(), Value::Null);
        }
        assert!(
            check_type(&with_extra, &ty())
                .unwrap_err()
                .contains("bogus")
        );
        assert!(check_type(&Value::unknown(), &ty()).is_ok());
    }

    #[test]
    fn conform_fills_drops_and_retypes() {
        let v = Value::Map(
            [
                ("name".to_string(), Value::string("n")),
                ("junk".to_string(), Value::Null),
            ]
            .into_iter()
            .collect(),
        );
        let c = conform(v, &ty());
        assert_eq!(c.get("name"), Some(&Value::string("n")));
        assert_eq!(c.get("id"), Some(&Value::Null));
        assert_eq!(c.get("junk"), None);
        let tags = conform(
            Value::object(&[("tags", Value::List(vec![Value::string("a")]))]),
            &ty(),
        );
        assert_eq!(
            tags.get("tags"),
            Some(&Value::Set(vec![Value::string("a")]))
        );
    }
}
