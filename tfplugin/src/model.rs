//! Values to serde models and back: how a resource reads its configuration
//! into a struct and writes its state from one.

use super::schema::Type;
use super::value::Value;

/// Why a value could not be turned into a model, or back.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The value does not fit the model struct (a schema/model mismatch:
    /// a provider bug).
    #[error("the value does not fit the model: {0}")]
    ToModel(#[source] serde_json::Error),
    /// The model could not be serialised.
    #[error("the model could not be serialised: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The serialised model does not fit the schema type.
    #[error("the model does not fit the schema: {0}")]
    FromModel(#[source] super::codec::CodecError),
}

/// Reads a value into a serde model. Null and unknown both become JSON
/// null (so `Option` fields are `None`), numbers JSON numbers, sets
/// arrays. Check [`Value::is_wholly_known`] first where unknowns matter.
pub fn to_model<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, ModelError> {
    serde_json::from_value(v.to_json()).map_err(ModelError::ToModel)
}

/// Builds a value of type `ty` from a serde model: the model's JSON is
/// converted to the schema type as Terraform converts values (numbers from
/// numeric strings and so on), attributes the model lacks are null and
/// fields the schema lacks are dropped.
pub fn from_model<T: serde::Serialize>(m: &T, ty: &Type) -> Result<Value, ModelError> {
    let json = serde_json::to_value(m).map_err(ModelError::Serialize)?;
    super::codec::value_from_json(json, ty, super::codec::Extra::Drop)
        .map_err(ModelError::FromModel)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::value::{Number, check_type};

    fn ty() -> Type {
        Type::Object(vec![
            ("disabled".into(), Type::Bool),
            ("id".into(), Type::String),
            ("mtu".into(), Type::Number),
            ("name".into(), Type::String),
            ("tags".into(), Type::Set(Box::new(Type::String))),
        ])
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Model {
        id: Option<String>,
        name: String,
        mtu: Option<i64>,
        disabled: Option<bool>,
        tags: Option<Vec<String>>,
        /// Not in the schema: dropped by `from_model`.
        #[serde(skip_deserializing)]
        scratch: Option<String>,
    }

    #[test]
    fn to_model_turns_null_and_unknown_into_none() {
        let v = Value::object(&[
            ("disabled", Value::unknown()),
            ("id", Value::Null),
            ("mtu", Value::Number(Number::Big("1468".into()))),
            ("name", Value::string("macsec1")),
            ("tags", Value::Set(vec![Value::string("a")])),
        ]);
        let m: Model = to_model(&v).unwrap();
        assert_eq!(
            m,
            Model {
                id: None,
                name: "macsec1".into(),
                mtu: Some(1468),
                disabled: None,
                tags: Some(vec!["a".into()]),
                scratch: None
            }
        );
    }

    #[test]
    fn to_model_reports_a_mismatch() {
        let v = Value::object(&[("name", Value::Null)]);
        let e = to_model::<Model>(&v).unwrap_err();
        assert!(matches!(e, ModelError::ToModel(_)), "{e}");
    }

    #[test]
    fn from_model_fills_missing_and_drops_extra() {
        let m = Model {
            id: Some("*1".into()),
            name: "m".into(),
            mtu: Some(1500),
            disabled: None,
            tags: Some(vec!["x".into()]),
            scratch: Some("dropped".into()),
        };
        let v = from_model(&m, &ty()).unwrap();
        assert_eq!(
            v,
            Value::object(&[
                ("disabled", Value::Null),
                ("id", Value::string("*1")),
                ("mtu", Value::int(1500)),
                ("name", Value::string("m")),
                ("tags", Value::Set(vec![Value::string("x")])),
            ])
        );
        assert!(check_type(&v, &ty()).is_ok());
        // Coercion: a string where the schema says number.
        let coerced = from_model(&serde_json::json!({"mtu": "1468"}), &ty()).unwrap();
        assert_eq!(coerced.get("mtu"), Some(&Value::int(1468)));
        assert!(from_model(&serde_json::json!({"mtu": "big"}), &ty()).is_err());
    }
}
