//! `routeros_macsec_profile`: one `/interface/macsec/profile` entry, the
//! settings that decide the MKA key-server election (`server_priority`) and,
//! on RouterOS 7.23 and later, the cipher suites a MACsec link may use.
//!
//! The built-in profile (`default`, flagged `default=true` by RouterOS)
//! cannot be added or removed: creating a profile of that name adopts it,
//! and destroying it resets it to RouterOS's defaults.

use std::collections::BTreeSet;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::menus;
use super::row::{self, MenuRow};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;
use crate::routeros::{Record, Version};

/// The RouterOS menu.
pub const MENU: &str = menus::MACSEC_PROFILE;

/// RouterOS's default `server-priority`.
pub const DEFAULT_SERVER_PRIORITY: i64 = 10;

/// The range RouterOS accepts for `server-priority`.
pub const SERVER_PRIORITY_RANGE: std::ops::RangeInclusive<i64> = 0..=255;

/// The cipher suites a profile may name (RouterOS's spelling).
pub const CIPHERS: [&str; 2] = ["aes-gcm-128", "aes-gcm-xpn-128"];

/// The cipher suite a profile has on RouterOS 7.23+ unless told otherwise.
pub const DEFAULT_CIPHER: &str = "aes-gcm-128";

/// The first RouterOS version whose profiles take `ciphers`.
pub const CIPHERS_SINCE: (u32, u32) = (7, 23);

fn default_server_priority() -> Option<i64> {
    Some(DEFAULT_SERVER_PRIORITY)
}

/// A MACsec profile (`/interface/macsec/profile`), named by
/// `routeros_macsec_interface.profile`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MacsecProfileModel {
    /// RouterOS's id of the entry (such as `*1`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Profile name. `default` is RouterOS's built-in profile: it is adopted
    /// rather than created, and reset rather than removed.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub name: String,
    /// Key-server priority from 0 to 255: in the MKA key-server election the
    /// lower value wins; on a tie the end with the lower MAC address becomes
    /// key server. (Some documents call this `port-priority`.)
    #[serde(default = "default_server_priority")]
    pub server_priority: Option<i64>,
    /// Cipher suites the link may use: `aes-gcm-128` and/or
    /// `aes-gcm-xpn-128` (XPN, extended packet numbering, for fast links).
    /// Needs RouterOS 7.23 or later: setting it on an older router is a
    /// plan-time error. Left out, it is RouterOS's default (`aes-gcm-128`)
    /// on 7.23+, so a hand change on the router shows as drift, and null on
    /// older routers, which have no choice of cipher.
    #[schemars(extend("x-tf-computed" = true))]
    pub ciphers: Option<BTreeSet<String>>,
}

/// The `routeros_macsec_profile` resource.
#[derive(Debug, Default)]
pub struct MacsecProfile;

/// True when `version` has the profile `ciphers` argument.
pub fn has_ciphers(version: &Version) -> bool {
    version.at_least(CIPHERS_SINCE.0, CIPHERS_SINCE.1)
}

/// The arguments that reset the built-in profile to RouterOS's defaults.
pub fn reset_args(version: &Version) -> Record {
    let mut args = Record::new();
    args.insert(
        "server-priority".into(),
        DEFAULT_SERVER_PRIORITY.to_string(),
    );
    if has_ciphers(version) {
        args.insert("ciphers".into(), DEFAULT_CIPHER.into());
    }
    args
}

/// Plan-time check of a profile name.
fn check_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("the name is empty")
    } else if name.chars().any(char::is_control) {
        Some("the name contains control characters")
    } else if name.trim() != name {
        Some("the name starts or ends with white space")
    } else {
        None
    }
}

/// Plan-time check of a set of ciphers: the names that RouterOS does not
/// know, or a message when the set is empty.
fn check_ciphers(ciphers: &[&str]) -> Option<String> {
    if ciphers.is_empty() {
        return Some(format!(
            "`ciphers` is empty; RouterOS needs at least one cipher suite. Name one or both of {}, or leave `ciphers` out for RouterOS's default ({DEFAULT_CIPHER}).",
            CIPHERS.join(", ")
        ));
    }
    let unknown: Vec<&str> = ciphers
        .iter()
        .copied()
        .filter(|c| !CIPHERS.contains(c))
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let hint = if unknown.iter().any(|c| c.contains("256")) {
        " RouterOS has no 256-bit MACsec ciphers."
    } else if unknown.iter().any(|c| c.starts_with("gcm-aes")) {
        " RouterOS spells the suites aes-gcm-..., not the IEEE gcm-aes-...."
    } else {
        ""
    };
    Some(format!(
        "{} not a RouterOS MACsec cipher suite. Use {}.{hint}",
        unknown
            .iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(", ")
            + if unknown.len() == 1 { " is" } else { " are" },
        CIPHERS.join(" or ")
    ))
}

#[async_trait]
impl MenuRow for MacsecProfile {
    type Model = MacsecProfileModel;
    const TYPE_NAME: &'static str = "routeros_macsec_profile";
    const DESCRIPTION: &'static str = "A MACsec profile (`/interface/macsec/profile`): the key-server priority and, on RouterOS 7.23+, the cipher suites of the MACsec interfaces that name it. The built-in `default` profile can be managed too: it is adopted on create and reset to RouterOS's defaults on destroy.";
    const MENU: &'static str = MENU;
    const NOUN: &'static str = "MACsec profile";
    const KEY: (&'static str, &'static str) = ("name", "name");
    const IMPORT_HINT: &'static str = "name (default, uplink)";
    const ON_A_PORT: bool = false;
    const BUILT_IN: bool = true;

    fn id(m: &MacsecProfileModel) -> Option<&str> {
        m.id.as_deref()
    }

    fn key(m: &MacsecProfileModel) -> &str {
        &m.name
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(name) = config.get_str("name") {
            if let Some(problem) = check_name(name) {
                diags.push(
                    Diagnostic::error(
                        "Invalid MACsec profile name",
                        format!("{problem}. Use a name such as uplink: printable characters, no surrounding spaces."),
                    )
                    .at_attr("name"),
                );
            }
        }
        if let Some(sp) = config.get_i64("server_priority") {
            if !SERVER_PRIORITY_RANGE.contains(&sp) {
                diags.push(
                    Diagnostic::error(
                        "server_priority out of range",
                        format!(
                            "server_priority = {sp} is outside 0..255. Lower values win the key-server election; leave it out for RouterOS's default ({DEFAULT_SERVER_PRIORITY})."
                        ),
                    )
                    .at_attr("server_priority"),
                );
            }
        }
        if let Some(Value::Set(items)) = config.get("ciphers") {
            if items.iter().all(|v| !v.is_unknown()) {
                let names: Vec<&str> = items
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                if let Some(problem) = check_ciphers(&names) {
                    diags.push(
                        Diagnostic::error("Invalid MACsec cipher suite", problem)
                            .at_attr("ciphers"),
                    );
                }
            }
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        planned: &mut Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        let version = ctx.client.version();
        let configured = input.config.get("ciphers").is_some_and(|c| !c.is_null());
        if has_ciphers(version) {
            // Left out: RouterOS's default, so a hand change is drift.
            if !configured {
                planned.set("ciphers", Value::Set(vec![Value::string(DEFAULT_CIPHER)]));
            }
        } else if configured {
            diags.push(
                Diagnostic::error(
                    "ciphers needs RouterOS 7.23 or later",
                    format!(
                        "The router at {} runs RouterOS {version}, whose MACsec profiles have no `ciphers` setting (it appeared in RouterOS 7.23); such a router always uses {DEFAULT_CIPHER}. Remove `ciphers` from this routeros_macsec_profile, or upgrade the router to 7.23 or later.",
                        ctx.client.endpoint()
                    ),
                )
                .at_attr("ciphers"),
            );
        } else {
            planned.set("ciphers", Value::Null);
        }
    }

    /// The built-in profile is reset to RouterOS's defaults.
    fn reset_args(&self, version: &Version) -> Option<Record> {
        Some(reset_args(version))
    }

    /// A profile in use cannot be removed: the error says how to do it.
    async fn delete(
        &self,
        ctx: &Ctx<Configured>,
        old: &MacsecProfileModel,
        _private: &Private,
        diags: &mut Diagnostics,
    ) {
        let before = diags.0.len();
        row::remove_or_reset(self, &ctx.client, old, diags).await;
        if let Some(d) = diags.0.get_mut(before) {
            if d.detail.contains("used by") {
                d.detail.push_str(
                    " Point those MACsec interfaces (`profile` of routeros_macsec_interface) at another profile first. To do both in one apply, give this routeros_macsec_profile `lifecycle { create_before_destroy = true }`: Terraform then updates the interfaces before it removes the profile.",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::row::is_builtin;

    fn from_record(r: &Record) -> MacsecProfileModel {
        MacsecProfile::from_record(r, None).unwrap()
    }

    fn to_args(planned: &MacsecProfileModel, prior: Option<&MacsecProfileModel>) -> Record {
        MacsecProfile::to_args(planned, prior)
    }
    use crate::plugin::schema::{Type, try_schema_from_model};

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn schema_flags() {
        let s = try_schema_from_model::<MacsecProfileModel>(0, "x").unwrap();
        let name = s.block.attribute("name").unwrap();
        assert!(name.required && name.requires_replace);
        let sp = s.block.attribute("server_priority").unwrap();
        assert!(sp.optional && sp.computed);
        assert_eq!(sp.default, Some(serde_json::json!(10)));
        let ciphers = s.block.attribute("ciphers").unwrap();
        assert_eq!(ciphers.ty, Some(Type::Set(Box::new(Type::String))));
        assert!(ciphers.optional && ciphers.computed && ciphers.default.is_none());
        let id = s.block.attribute("id").unwrap();
        assert!(id.computed && !id.optional);
    }

    #[test]
    fn records_of_7_23_and_older_routers() {
        // The 7.23.2 sample of the built-in profile (DESIGN.md, "Facts: MACsec profile").
        let r = rec(&[
            (".id", "*1"),
            ("ciphers", "aes-gcm-128"),
            ("default", "true"),
            ("default-name", "default"),
            ("name", "default"),
            ("server-priority", "10"),
        ]);
        assert!(is_builtin(&r));
        let m = from_record(&r);
        assert_eq!(m.server_priority, Some(10));
        assert_eq!(m.ciphers, Some(set(&["aes-gcm-128"])));
        let old = rec(&[
            (".id", "*2"),
            ("default", "false"),
            ("name", "p"),
            ("server-priority", "3"),
        ]);
        assert!(!is_builtin(&old));
        assert_eq!(from_record(&old).ciphers, None);
        let both = rec(&[("ciphers", "aes-gcm-xpn-128,aes-gcm-128")]);
        assert_eq!(
            from_record(&both).ciphers,
            Some(set(&["aes-gcm-128", "aes-gcm-xpn-128"]))
        );
    }

    #[test]
    fn args_carry_only_changes_and_ciphers_in_a_stable_order() {
        let plan = MacsecProfileModel {
            id: None,
            name: "uplink".into(),
            server_priority: Some(5),
            ciphers: Some(set(&["aes-gcm-xpn-128", "aes-gcm-128"])),
        };
        assert_eq!(
            to_args(&plan, None),
            rec(&[
                ("name", "uplink"),
                ("server-priority", "5"),
                ("ciphers", "aes-gcm-128,aes-gcm-xpn-128")
            ])
        );
        let mut prior = plan.clone();
        prior.server_priority = Some(10);
        assert_eq!(
            to_args(&plan, Some(&prior)),
            rec(&[("server-priority", "5")])
        );
        let no_ciphers = MacsecProfileModel {
            ciphers: None,
            ..plan.clone()
        };
        assert!(!to_args(&no_ciphers, None).contains_key("ciphers"));
    }

    #[test]
    fn reset_follows_the_version() {
        let v718 = Version::parse("7.18.2 (stable)").unwrap();
        let v723 = Version::parse("7.23beta2 (testing)").unwrap();
        assert!(!has_ciphers(&v718));
        assert!(has_ciphers(&v723));
        assert_eq!(reset_args(&v718), rec(&[("server-priority", "10")]));
        assert_eq!(
            reset_args(&v723),
            rec(&[("server-priority", "10"), ("ciphers", "aes-gcm-128")])
        );
    }

    #[test]
    fn cipher_names_are_checked() {
        assert!(check_ciphers(&["aes-gcm-128"]).is_none());
        assert!(check_ciphers(&["aes-gcm-128", "aes-gcm-xpn-128"]).is_none());
        assert!(check_ciphers(&[]).unwrap().contains("at least one"));
        let e = check_ciphers(&["gcm-aes-256"]).unwrap();
        assert!(e.contains("\"gcm-aes-256\" is not"), "{e}");
        assert!(e.contains("no 256-bit"), "{e}");
        let e = check_ciphers(&["gcm-aes-128", "x"]).unwrap();
        assert!(e.contains("are not"), "{e}");
        assert!(e.contains("aes-gcm-..."), "{e}");
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("default").is_none());
        assert!(check_name("").is_some());
        assert!(check_name("a ").is_some());
        assert!(check_name("a\tb").is_some());
    }

    #[test]
    fn validation_reports_priority_and_ciphers_at_their_attributes() {
        let r = MacsecProfile;
        let config = |sp: i64, ciphers: Vec<Value>| {
            Value::Object(
                [
                    ("ciphers".to_string(), Value::Set(ciphers)),
                    ("id".to_string(), Value::Null),
                    ("name".to_string(), Value::string("p")),
                    ("server_priority".to_string(), Value::int(sp)),
                ]
                .into(),
            )
        };
        let mut diags = Diagnostics::new();
        r.validate(&config(10, vec![Value::string("aes-gcm-128")]), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let mut diags = Diagnostics::new();
        r.validate(&config(256, vec![Value::string("gcm-aes-256")]), &mut diags);
        let attrs: Vec<String> = diags
            .0
            .iter()
            .map(|d| d.attribute.clone().unwrap().to_string())
            .collect();
        assert_eq!(attrs, ["server_priority", "ciphers"]);
        // Unknown members are checked once they are known.
        let mut diags = Diagnostics::new();
        r.validate(&config(0, vec![Value::unknown()]), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
    }
}
