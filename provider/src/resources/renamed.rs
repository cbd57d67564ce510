//! Resource type names a terraform-routeros/routeros user may type for this
//! provider's types: that provider names a resource after its RouterOS menu
//! (`routeros_interface_macsec` for `/interface/macsec`), this one after
//! what it is (`routeros_macsec_interface`). Terraform rejects a type the
//! provider does not list before asking it, with no suggestion, so these
//! names are listed as types that exist only to fail validation with the
//! name to use. They take the attributes of the type they stand for (so the
//! block reaches the provider's validation instead of failing on an
//! unknown argument), have no docs page, list nothing, and never touch the
//! router. See docs/guides/beside-terraform-routeros.md.

use async_trait::async_trait;

use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, Private, Resource};
use crate::plugin::schema::Schema;
use crate::plugin::value::Value;

/// A name this provider does not use, and what it calls the thing.
#[derive(Debug, Clone, Copy)]
pub struct Renamed {
    /// The name typed, such as `routeros_interface_macsec`.
    pub name: &'static str,
    /// This provider's type for it.
    pub ours: &'static str,
    /// What else the user may need (or an empty string).
    pub also: &'static str,
    /// The schema the block is checked against (the attributes of `ours`
    /// and of anything else the name stood for).
    pub schema: fn() -> Schema,
}

/// The schema of `routeros_macsec_interface` with the key's `cak` and
/// `ckn`, which terraform-routeros users set on the interface's menu.
fn macsec_interface_and_key() -> Schema {
    let mut schema = super::row::row(super::macsec_interface::MacsecInterface).schema();
    let key = super::macsec_key::MacsecKey.schema();
    for name in ["cak", "ckn"] {
        if let Some(a) = key.block.attributes.iter().find(|a| a.name == name) {
            if !schema.block.attributes.iter().any(|b| b.name == name) {
                schema.block.attributes.push(a.clone());
            }
        }
    }
    schema
}

fn macsec_profile() -> Schema {
    super::row::row(super::macsec_profile::MacsecProfile).schema()
}

/// Every name listed.
pub const ALL: [Renamed; 2] = [
    Renamed {
        name: "routeros_interface_macsec",
        ours: "routeros_macsec_interface",
        also: " Its `cak` and `ckn` go into a `routeros_macsec_key` (interface = the MACsec interface's name), so that the key stays out of state: see that resource's page.",
        schema: macsec_interface_and_key,
    },
    Renamed {
        name: "routeros_interface_macsec_profile",
        ours: "routeros_macsec_profile",
        also: "",
        schema: macsec_profile,
    },
];

/// True when `type_name` is one of [`ALL`] (not a real resource).
pub fn is_renamed(type_name: &str) -> bool {
    ALL.iter().any(|r| r.name == type_name)
}

impl Renamed {
    /// The error every use of the name gets.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::error(
            format!("{} is not a resource type of this provider", self.name),
            format!(
                "This provider calls it {ours}; rename the block: `resource \"{ours}\" \"<name>\" {{ ... }}`.{also} A `moved` block cannot do the renaming: it moves state only between types of one provider that declares the move, and {name} has no state to move. If state was written under another provider's type, remove it there (`terraform state rm`) and import the object as {ours}. ({name} is the name terraform-routeros/routeros would give to this menu; see the guide \"Beside terraform-routeros\".)",
                name = self.name,
                ours = self.ours,
                also = self.also,
            ),
        )
    }

    fn refuse(&self, diags: &mut Diagnostics) -> Option<Value> {
        diags.push(self.diagnostic());
        None
    }
}

#[async_trait]
impl Resource<Configured> for Renamed {
    fn type_name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> Schema {
        let mut schema = (self.schema)();
        schema.block.description = format!(
            "Not a resource: the name terraform-routeros/routeros would give to `{}` of this provider. Every use fails validation with the name to use.",
            self.ours
        );
        schema
    }

    fn validate(&self, _config: &Value, diags: &mut Diagnostics) {
        diags.push(self.diagnostic());
    }

    async fn create(
        &self,
        _ctx: &Ctx<Configured>,
        _planned: &Value,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        self.refuse(diags)
    }

    async fn read(
        &self,
        _ctx: &Ctx<Configured>,
        _state: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        self.refuse(diags)
    }

    async fn update(
        &self,
        _ctx: &Ctx<Configured>,
        _prior: &Value,
        _planned: &Value,
        _config: &Value,
        _private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        self.refuse(diags)
    }

    async fn delete(
        &self,
        _ctx: &Ctx<Configured>,
        _prior: &Value,
        _private: &Private,
        _diags: &mut Diagnostics,
    ) {
        // Nothing of this name was ever made: forgetting it is safe.
    }

    async fn import(
        &self,
        _ctx: &Ctx<Configured>,
        _id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        self.refuse(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routeros_interface_macsec_suggests_routeros_macsec_interface() {
        let r = ALL
            .iter()
            .find(|r| r.name == "routeros_interface_macsec")
            .unwrap();
        let mut diags = Diagnostics::new();
        r.validate(&Value::Null, &mut diags);
        let d = &diags.0[0];
        assert!(diags.has_error());
        assert!(
            d.detail
                .contains("This provider calls it routeros_macsec_interface; rename the block"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("routeros_macsec_key"), "{}", d.detail);
        assert!(d.detail.contains("`moved` block cannot"), "{}", d.detail);
        // A block written for it decodes: the interface's attributes and the key's.
        let names: Vec<String> = r
            .schema()
            .block
            .attributes
            .into_iter()
            .map(|a| a.name)
            .collect();
        for name in ["name", "interface", "mtu", "profile", "cak", "ckn"] {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
    }

    #[test]
    fn every_renamed_type_names_one_of_ours_and_is_served() {
        let served: Vec<&str> = crate::resources::all()
            .iter()
            .map(|r| r.type_name())
            .collect();
        for r in ALL {
            assert!(served.contains(&r.ours), "{}", r.ours);
            assert!(served.contains(&r.name), "{}", r.name);
            assert!(is_renamed(r.name));
            assert!(!is_renamed(r.ours));
        }
    }
}
