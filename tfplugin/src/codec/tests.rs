//! Tests of `codec.rs`.

use super::*;
use crate::schema::{MAX_TYPE_DEPTH, Type};
use crate::value::{Refinements, Value};

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
    let v = Value::object(&[("name", Value::string("m")), ("mtu", Value::unknown())]);
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
    assert_eq!(
        v,
        Value::object(&[("a", Value::Null), ("b", Value::Bool(true))])
    );
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
    let v = Value::object(&[
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
        ("o", Value::object(&[("x", Value::string("y"))])),
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
    let v = Value::object(&[(
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
        Value::object(&[
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
        value_from_json(serde_json::json!({"extra": 1, "s": "a"}), &ty, Extra::Drop).unwrap();
    assert_eq!(
        lenient,
        Value::object(&[
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
