//! Tests of `routeros_macsec_key`: the CAK, its inputs, mapping and checks.

use super::plan::salt;
use super::*;
use crate::plugin::schema::try_schema_from_model;
use crate::resources::macsec_key::input::age::decrypt_cak;

const KEY: &str = "71a7c363794da400dbde595d3926b0e9";
const CKN: &str = "f2c4660060169391d29d8db8a1f06e5d4b84a128bad06ad43ea2bd4f7d21968f";

fn rec(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn schema_flags() {
    let s = try_schema_from_model::<MacsecKeyModel>(0, "x").unwrap();
    let cak = s.block.attribute("cak").unwrap();
    assert!(cak.optional && cak.sensitive && !cak.computed);
    let wo = s.block.attribute("cak_wo").unwrap();
    assert!(wo.optional && wo.sensitive && wo.write_only);
    assert!(
        wo.write_only_alternative
            .as_deref()
            .is_some_and(|a| a.contains("cak_age"))
    );
    let age = s.block.attribute("cak_age").unwrap();
    assert!(age.optional && !age.sensitive && !age.computed);
    for read_only in ["cak_age_out", "cak_fingerprint"] {
        let a = s.block.attribute(read_only).unwrap();
        assert!(a.computed && !a.optional && !a.sensitive, "{read_only}");
    }
    let ckn = s.block.attribute("ckn").unwrap();
    assert!(ckn.optional && ckn.computed && !ckn.sensitive);
    let interface = s.block.attribute("interface").unwrap();
    assert!(interface.required && interface.requires_replace);
    let id = s.block.attribute("id").unwrap();
    assert!(id.computed && !id.optional);
}

#[test]
fn caks_are_32_hex_digits_kept_in_lower_case() {
    let k = Cak::parse(&KEY.to_ascii_uppercase()).unwrap();
    assert_eq!(k.as_hex(), KEY);
    assert!(k.matches(&KEY.to_ascii_uppercase()));
    assert_eq!(Cak::parse(&KEY[..31]), Err(CakError::Length(31)));
    assert_eq!(Cak::parse(""), Err(CakError::Length(0)));
    let mut bad = KEY.to_string();
    bad.replace_range(4..5, "g");
    assert_eq!(Cak::parse(&bad), Err(CakError::NotHex(5)));
    // Multi-byte characters count as characters, not bytes.
    assert_eq!(Cak::parse(&"é".repeat(32)), Err(CakError::NotHex(1)));
}

#[test]
fn cak_messages_say_the_form_and_how_to_make_one_without_the_key() {
    let wrong = "0123456789abcdef0123456789abcdeZ";
    let msg = cak_problem(wrong).unwrap();
    assert!(msg.contains("32 hexadecimal characters"), "{msg}");
    assert!(msg.contains("openssl rand -hex 16"), "{msg}");
    assert!(msg.contains("character 32"), "{msg}");
    assert!(!msg.contains(wrong), "{msg}");
    let long = format!("{KEY}{KEY}");
    let msg = cak_problem(&long).unwrap();
    assert!(msg.contains("256-bit"), "{msg}");
    assert!(!msg.contains(KEY), "{msg}");
    assert!(cak_problem(KEY).is_none());
    assert_eq!(format!("{:?}", Cak::parse(KEY).unwrap()), "Cak { .. }");
}

#[test]
fn ckns_are_even_length_hex_up_to_64() {
    assert!(ckn_problem(CKN).is_none());
    assert!(ckn_problem("ab").is_none());
    assert!(ckn_problem(&CKN.to_ascii_uppercase()).is_none());
    assert!(ckn_problem("abc").unwrap().contains("even number"));
    assert!(
        ckn_problem(&format!("{CKN}00"))
            .unwrap()
            .contains("at most 64")
    );
    assert!(ckn_problem("xy").unwrap().contains("character 1"));
    assert!(ckn_problem("").unwrap().contains("empty"));
}

#[test]
fn random_caks_are_valid_and_differ() {
    let a = Cak::random().unwrap();
    let b = Cak::random().unwrap();
    assert!(Cak::parse(a.as_hex()).is_ok());
    assert_ne!(a, b);
}

#[test]
fn desired_cak_comes_from_the_cak_attribute() {
    let v = |cak: Value| Value::Object([("cak".to_string(), cak)].into());
    assert_eq!(
        desired_cak(&v(Value::string(KEY))).unwrap(),
        CakSource::Plain(Cak::parse(KEY).unwrap())
    );
    assert_eq!(
        desired_cak(&v(Value::unknown())).unwrap(),
        CakSource::Unknown
    );
    assert_eq!(desired_cak(&v(Value::Null)).unwrap(), CakSource::Missing);
    assert_eq!(
        desired_cak(&v(Value::string("00"))),
        Err(CakError::Length(2))
    );
}

#[test]
fn a_shown_cak_is_compared_and_a_hidden_one_kept() {
    let upper = KEY.to_ascii_uppercase();
    // Shown and equal (any case): the state's form stays.
    assert_eq!(
        refreshed_cak(Some(&upper), &RouterCak::Shown(KEY.into())).as_deref(),
        Some(upper.as_str())
    );
    // Shown and different: the router's key, which is drift.
    let other = "00112233445566778899aabbccddeeff";
    assert_eq!(
        refreshed_cak(Some(KEY), &RouterCak::Shown(other.into())).as_deref(),
        Some(other)
    );
    // Hidden: whatever state had, even nothing (after an import).
    assert_eq!(
        refreshed_cak(Some(KEY), &RouterCak::Hidden).as_deref(),
        Some(KEY)
    );
    assert_eq!(refreshed_cak(None, &RouterCak::Hidden), None);
    assert_eq!(
        RouterCak::of(&rec(&[("cak", KEY)])),
        RouterCak::Shown(KEY.into())
    );
    assert_eq!(RouterCak::of(&rec(&[("ckn", CKN)])), RouterCak::Hidden);
}

#[test]
fn records_become_state_keeping_configured_case() {
    let r = rec(&[
        (".id", "*3"),
        ("name", "macsec1"),
        ("cak", KEY),
        ("ckn", CKN),
        ("interface", "ether1"),
    ]);
    let m = from_record(&r, None);
    assert_eq!(m.id.as_deref(), Some("*3"));
    assert_eq!(m.interface, "macsec1");
    assert_eq!(m.cak.as_deref(), Some(KEY));
    assert_eq!(m.ckn.as_deref(), Some(CKN));
    let prior = MacsecKeyModel {
        ckn: Some(CKN.to_ascii_uppercase()),
        ..m.clone()
    };
    assert_eq!(from_record(&r, Some(&prior)).ckn, prior.ckn);
    let changed = rec(&[(".id", "*3"), ("name", "macsec1"), ("ckn", "abcd")]);
    let m = from_record(&changed, Some(&prior));
    assert_eq!(m.ckn.as_deref(), Some("abcd"));
    assert_eq!(
        m.cak.as_deref(),
        Some(KEY),
        "hidden: the state's key is kept"
    );
}

#[test]
fn key_args_write_what_differs_in_lower_case() {
    let cak = Cak::parse(&KEY.to_ascii_uppercase()).unwrap();
    assert_eq!(key_args(&cak, None, None), rec(&[("cak", KEY)]));
    assert_eq!(
        key_args(&cak, Some("ABCD"), None),
        rec(&[("cak", KEY), ("ckn", "abcd")])
    );
    let prior = MacsecKeyModel {
        cak: Some(KEY.into()),
        ckn: Some("abcd".into()),
        ..Default::default()
    };
    assert!(key_args(&cak, Some("ABCD"), Some(&prior)).is_empty());
    assert_eq!(
        key_args(&cak, Some("ef01"), Some(&prior)),
        rec(&[("ckn", "ef01")])
    );
    let hidden = MacsecKeyModel {
        cak: None,
        ..prior.clone()
    };
    assert_eq!(key_args(&cak, None, Some(&hidden)), rec(&[("cak", KEY)]));
}

#[test]
fn validation_points_at_the_attribute_and_never_quotes_the_key() {
    let secret = "0123456789abcdef0123456789abcdefff";
    let config = Value::Object(
        [
            ("cak".to_string(), Value::string(secret)),
            ("ckn".to_string(), Value::string("abc")),
            ("id".to_string(), Value::Null),
            ("interface".to_string(), Value::string("macsec1")),
        ]
        .into(),
    );
    let mut diags = Diagnostics::new();
    Resource::<Configured>::validate(&MacsecKey, &config, &mut diags);
    let attrs: Vec<String> = diags
        .0
        .iter()
        .map(|d| d.attribute.clone().unwrap().to_string())
        .collect();
    assert_eq!(attrs, ["cak", "ckn"]);
    for d in &diags.0 {
        assert!(
            !d.detail.contains(secret) && !d.summary.contains(secret),
            "{d:?}"
        );
    }
    // Unknown values are checked once known.
    let config = Value::Object(
        [
            ("cak".to_string(), Value::unknown()),
            ("ckn".to_string(), Value::Null),
            ("id".to_string(), Value::Null),
            ("interface".to_string(), Value::unknown()),
        ]
        .into(),
    );
    let mut diags = Diagnostics::new();
    Resource::<Configured>::validate(&MacsecKey, &config, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn exactly_one_cak_input() {
    let s = |t: &str| Value::string(t);
    let list = Value::List(vec![s("age1x")]);
    assert_eq!(
        cak_input(&Value::object(&[("cak", s(KEY))])).unwrap(),
        CakInput::Plain
    );
    assert_eq!(
        cak_input(&Value::object(&[("cak_age", Value::unknown())])).unwrap(),
        CakInput::Age
    );
    assert_eq!(
        cak_input(&Value::object(&[("cak_wo", s(KEY))])).unwrap(),
        CakInput::WriteOnly
    );
    assert_eq!(
        cak_input(&Value::object(&[("cak_age_recipients", list.clone())])).unwrap(),
        CakInput::Generated
    );
    let none = cak_input(&Value::object(&[("cak", Value::Null)])).unwrap_err();
    assert_eq!(none.summary, "No CAK input");
    let two = cak_input(&Value::object(&[("cak", s(KEY)), ("cak_age", s("x"))])).unwrap_err();
    assert!(
        two.detail.contains("`cak` and `cak_age`") && two.detail.contains("exactly one"),
        "{}",
        two.detail
    );
    let mixed = cak_input(&Value::object(&[
        ("cak_wo", s(KEY)),
        ("cak_age_recipients", list),
    ]))
    .unwrap_err();
    assert!(mixed.detail.contains("generates"), "{}", mixed.detail);
}

fn test_identity() -> (secrets::Identities, String) {
    use crate::secrets::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let ids = secrets::Identities::from_text(
        "test",
        secrets::SecretString::from(id.to_string().expose_secret().to_owned()),
    )
    .unwrap();
    (ids, id.to_public().to_string())
}

#[test]
fn listed_key_generates_cak_age_that_decrypts_with_the_same_identity() {
    let (ids, _) = test_identity();
    let mut row = Record::new();
    row.insert("name".into(), "macsec1".into());
    row.insert("ckn".into(), "ab".into());
    row.insert("cak".into(), KEY.to_uppercase());
    let ct = listed_cak_age(&row, &ids).expect("readable CAK and an identity");
    assert!(ct.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"), "{ct}");
    assert!(!ct.to_ascii_lowercase().contains(KEY));
    assert_eq!(decrypt_cak(&ids, &ct, "cak_age").unwrap().as_hex(), KEY);
    let mut diags = Diagnostics::default();
    let model = MacsecKeyModel {
        cak_age: Some(ct.clone()),
        ..from_record(&row, None)
    };
    let config = MacsecKey.generated_config(model, &mut diags);
    assert_eq!(config.cak_age.as_deref(), Some(ct.as_str()));
    assert_eq!(config.cak, None);
    assert!(diags.is_empty(), "{diags:?}");
    let none = secrets::Identities::with_env(
        secrets::IdentityConfig::default(),
        std::sync::Arc::new(|_: &str| None),
    );
    assert_eq!(listed_cak_age(&row, &none), None);
    row.remove("cak");
    assert_eq!(listed_cak_age(&row, &ids), None);
    let config = MacsecKey.generated_config(from_record(&row, None), &mut diags);
    assert_eq!(config.cak_age, None);
    assert_eq!(diags.0.len(), 1);
}

#[test]
fn cak_age_decrypts_to_a_cak_or_says_it_does_not_without_echo() {
    let (ids, recipient) = test_identity();
    let r = secrets::parse_recipients(&[recipient]).unwrap();
    let ct = secrets::encrypt_armored(format!("{}\n", KEY.to_uppercase()).as_bytes(), &r).unwrap();
    assert_eq!(decrypt_cak(&ids, &ct, "cak_age").unwrap().as_hex(), KEY);
    let secret = "this-is-no-cak-but-a-secret-phrase";
    let ct = secrets::encrypt_armored(secret.as_bytes(), &r).unwrap();
    let d = decrypt_cak(&ids, &ct, "cak_age").unwrap_err();
    assert_eq!(d.summary, "`cak_age` does not decrypt to a CAK");
    assert!(
        !d.detail.contains("secret-phrase") && !d.detail.contains("this-is"),
        "{}",
        d.detail
    );
    let (other, _) = test_identity();
    let d = decrypt_cak(&other, &ct, "cak_age").unwrap_err();
    assert_eq!(d.summary, "No identity matches `cak_age`");
}

#[test]
fn salts_are_kept_in_private_state() {
    let mut private = Private::new();
    let a = salt(&mut private).unwrap();
    assert_eq!(a.len(), secrets::SALT_LEN);
    assert_eq!(salt(&mut private).unwrap(), a);
    let mut other = Private::new();
    assert_ne!(salt(&mut other).unwrap(), a);
}

#[test]
fn write_only_needs_a_version_and_a_valid_key() {
    let mut diags = Diagnostics::new();
    Resource::<Configured>::validate(
        &MacsecKey,
        &Value::object(&[
            ("interface", Value::string("m")),
            ("cak_wo", Value::string("zz")),
        ]),
        &mut diags,
    );
    let summaries: Vec<&str> = diags.0.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(summaries, ["Missing `cak_wo_version`", "Invalid CAK"]);
    assert!(diags.0.iter().all(|d| !d.detail.contains("zz")));
}

#[test]
fn a_bad_recipient_is_named_by_index() {
    let mut diags = Diagnostics::new();
    let list = Value::List(vec![Value::string("age1nope")]);
    Resource::<Configured>::validate(
        &MacsecKey,
        &Value::object(&[
            ("interface", Value::string("m")),
            ("cak_age_recipients", list),
        ]),
        &mut diags,
    );
    assert_eq!(diags.0.len(), 1, "{diags:?}");
    assert!(diags.0[0].detail.contains("[0]"), "{}", diags.0[0].detail);
}

/// A router with MACsec interface `macsec1` whose CAK it shows (the user
/// has the `sensitive` policy); writes are refused (counted by failing).
struct OneKey;

#[async_trait]
impl crate::routeros::Transport for OneKey {
    async fn list(&self, _menu: &str) -> Result<Vec<Record>, crate::routeros::Error> {
        Ok(vec![rec(&[
            (".id", "*1"),
            ("name", "macsec1"),
            ("interface", "ether1"),
            ("cak", KEY),
            ("ckn", "f2c4"),
        ])])
    }
    async fn get(&self, _menu: &str) -> Result<Record, crate::routeros::Error> {
        Ok(rec(&[("version", "7.18 (stable)")]))
    }
    async fn add(&self, _: &str, _: &Record) -> Result<Record, crate::routeros::Error> {
        unreachable!("import and plan never write")
    }
    async fn set(&self, _: &str, _: &str, _: &Record) -> Result<Record, crate::routeros::Error> {
        unreachable!("import and plan never write")
    }
    async fn remove(&self, _: &str, _: &str) -> Result<(), crate::routeros::Error> {
        unreachable!("import and plan never write")
    }
    async fn command(&self, _: &str, _: &Record) -> Result<Vec<Record>, crate::routeros::Error> {
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "test"
    }
}

/// `terraform import` of the key of macsec1 (import, then Terraform's
/// read), with the provider's identities `ids`.
async fn imported_key(ids: secrets::Identities) -> (Ctx<Configured>, Value, Private) {
    let client = crate::routeros::Client::with_transport(Box::new(OneKey))
        .await
        .unwrap();
    let ctx = Ctx {
        client: std::sync::Arc::new(Configured::new(client, std::sync::Arc::new(ids))),
        schema: std::sync::Arc::new(crate::plugin::schema::Served::new(
            crate::plugin::resource::Resource::schema(&MacsecKey),
        )),
        terraform_version: String::new(),
        write_only_allowed: true,
    };
    let mut diags = Diagnostics::new();
    let imported = MacsecKey.import(&ctx, "macsec1", &mut diags).await.unwrap();
    let mut private = Private::new();
    let state = Resource::read(&MacsecKey, &ctx, &imported, &mut private, &mut diags)
        .await
        .unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    (ctx, state, private)
}

#[tokio::test]
async fn import_of_a_key_then_plan_is_clean() {
    let (ids, _) = test_identity();
    let (ctx, state, mut private) = imported_key(ids).await;
    let ct = state.get_str("cak_age").expect("import writes cak_age");
    assert!(!ct.to_ascii_lowercase().contains(KEY));
    assert_eq!(state.get("cak"), Some(&Value::Null), "no key in the clear");
    // The block -generate-config-out writes from the imported state.
    let mut diags = Diagnostics::new();
    let config = MacsecKey
        .generate_config(&ctx.schema, &state, &mut diags)
        .unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    Resource::validate(&MacsecKey, &config, &mut diags);
    assert!(diags.is_empty(), "the generated block is valid: {diags:?}");
    let mut planned = crate::resources::proposed_new_state(&MacsecKey.schema(), &state, &config);
    let input = PlanInput {
        prior_state: &state,
        config: &config,
        proposed: &planned.clone(),
    };
    Resource::modify_plan(
        &MacsecKey,
        &ctx,
        &input,
        &mut planned,
        &mut private,
        &mut diags,
    )
    .await;
    assert!(!diags.has_error(), "{diags:?}");
    assert_eq!(planned, state, "the plan changes nothing");
}

/// The plan of the key block `config` over `state` (with `private`).
async fn plan_of(
    ctx: &Ctx<Configured>,
    state: &Value,
    config: &Value,
    private: &mut Private,
) -> Value {
    let mut planned = crate::resources::proposed_new_state(&MacsecKey.schema(), state, config);
    let input = PlanInput {
        prior_state: state,
        config,
        proposed: &planned.clone(),
    };
    let mut diags = Diagnostics::new();
    Resource::modify_plan(&MacsecKey, ctx, &input, &mut planned, private, &mut diags).await;
    assert!(!diags.has_error(), "{diags:?}");
    planned
}

/// `cak_age` encrypted to `recipient`, as `generate --age-recipient` writes
/// it to `<label>.cak.age`.
fn encrypted_to(recipient: &str, key: &str) -> String {
    let recipients = secrets::parse_recipients(&[recipient.to_string()]).unwrap();
    secrets::encrypt_armored(key.as_bytes(), &recipients).unwrap()
}

/// Regression: after `terraform import` of a key, the configuration
/// `generate` writes for it (`cak_age = file("macsec1.cak.age")`, another
/// age ciphertext of the same CAK) planned a one-time update of state only.
/// Now the plan keeps the import's ciphertext while the configuration's
/// decrypts to the same key; another key, or a key this provider wrote from
/// the configuration, still plans the configuration's ciphertext.
#[tokio::test]
async fn a_key_imported_then_given_generates_cak_age_file_plans_no_change() {
    use crate::secrets::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let recipient = id.to_public().to_string();
    let ids = || {
        secrets::Identities::from_text(
            "test",
            secrets::SecretString::from(id.to_string().expose_secret().to_owned()),
        )
        .unwrap()
    };
    let block = |ciphertext: &str| {
        Value::object(&[
            ("interface", Value::string("macsec1")),
            ("cak_age", Value::string(ciphertext)),
        ])
    };
    let from_generate = encrypted_to(&recipient, KEY);

    let (ctx, state, mut private) = imported_key(ids()).await;
    let planned = plan_of(&ctx, &state, &block(&from_generate), &mut private).await;
    for attr in ["cak_age", "cak_fingerprint", "ckn", "id"] {
        assert_eq!(
            planned.get(attr),
            state.get(attr),
            "{attr}: the plan changes nothing"
        );
    }

    // Another key: the configuration's ciphertext, and a new fingerprint.
    let other = encrypted_to(&recipient, &KEY.replace('7', "8"));
    let (ctx, state, mut private) = imported_key(ids()).await;
    let planned = plan_of(&ctx, &state, &block(&other), &mut private).await;
    assert_eq!(planned.get_str("cak_age"), Some(other.as_str()));
    assert_ne!(planned.get("cak_fingerprint"), state.get("cak_fingerprint"));

    // A ciphertext the configuration gave (no import mark): re-encrypting
    // the same key updates state, as before.
    let (ctx, state, mut private) = imported_key(ids()).await;
    private.remove(PRIVATE_IMPORTED_AGE);
    let planned = plan_of(&ctx, &state, &block(&from_generate), &mut private).await;
    assert_eq!(planned.get_str("cak_age"), Some(from_generate.as_str()));
    assert_eq!(planned.get("cak_fingerprint"), state.get("cak_fingerprint"));
}

#[tokio::test]
async fn a_key_block_without_a_cak_input_names_generate_and_the_attributes() {
    let none = secrets::Identities::with_env(
        secrets::IdentityConfig::default(),
        std::sync::Arc::new(|_: &str| None),
    );
    // No identity: import cannot encrypt the key, so the generated block
    // has no input, and validating it says what to do.
    let (ctx, state, _) = imported_key(none).await;
    assert_eq!(state.get("cak_age"), Some(&Value::Null));
    let mut diags = Diagnostics::new();
    let config = MacsecKey
        .generate_config(&ctx.schema, &state, &mut diags)
        .unwrap();
    let mut diags = Diagnostics::new();
    Resource::validate(&MacsecKey, &config, &mut diags);
    let d = diags
        .0
        .iter()
        .find(|d| d.summary == "No CAK input")
        .expect("No CAK input");
    for needle in [
        "generate --age-recipient",
        "cak_age",
        "cak_wo",
        "cak_wo_version",
    ] {
        assert!(d.detail.contains(needle), "{needle}: {}", d.detail);
    }
    assert!(!d.detail.contains(KEY));
}

/// Regression: after a router loaded a backup its MACsec interface has a
/// new `.id`, and the key in state was reported gone (the plan after a
/// restore wanted to write it again). The router shows the same CAK (its
/// fingerprint is the one in state): the key is found. Another CAK on an
/// interface of that name (made again by hand) still counts as gone.
#[tokio::test]
async fn a_key_under_a_new_interface_id_is_found_by_its_cak_fingerprint() {
    let (ids, _) = test_identity();
    let (ctx, state, mut private) = imported_key(ids).await;
    let with = |key: &str, value: &str| {
        let Value::Object(mut attrs) = state.clone() else {
            panic!("state is an object")
        };
        attrs.insert(key.into(), Value::string(value.to_string()));
        Value::Object(attrs)
    };
    let renumbered = with("id", "*OLD");
    let mut diags = Diagnostics::new();
    let read = Resource::read(&MacsecKey, &ctx, &renumbered, &mut private, &mut diags).await;
    assert!(diags.is_empty(), "{diags:?}");
    let read = read.expect("the same key under a new .id");
    assert_ne!(read.get_str("id"), Some("*OLD"), "the new .id is kept");
    let other = Value::Object(match with("id", "*OLD") {
        Value::Object(mut attrs) => {
            attrs.insert("cak_fingerprint".into(), Value::string("0".repeat(64)));
            attrs
        }
        _ => unreachable!(),
    });
    let read = Resource::read(&MacsecKey, &ctx, &other, &mut private, &mut diags).await;
    assert!(read.is_none(), "another key on a remade interface is gone");
}
