//! `routeros_macsec_interfaces`: every `/interface/macsec` entry with its
//! flags and link status, optionally only those on one Ethernet port. Link
//! state lives here (and in `routeros_macsec_status`), not in the
//! resources, so a refresh-only plan of the resources stays clean while a
//! link negotiates. The pre-shared key (`cak`) is never read into it.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{model_of, state_of};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, DataSource};
use crate::plugin::schema::{Schema, schema_from_model};
use crate::plugin::value::Value;
use crate::resources::{request_diagnostic, ros_bool};
use crate::routeros::Record;

/// The RouterOS menu read.
pub const MENU: &str = crate::resources::menus::MACSEC;

/// One MACsec interface as the data source reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MacsecInterfaceInfo {
    /// RouterOS's id of the entry (such as `*1`).
    pub id: String,
    /// Interface name.
    pub name: String,
    /// The Ethernet port it rides on.
    pub interface: String,
    /// MTU of the MACsec interface.
    pub mtu: Option<i64>,
    /// Name of its MACsec profile.
    pub profile: Option<String>,
    /// Whether it is disabled.
    pub disabled: bool,
    /// Comment, or null when it has none.
    pub comment: Option<String>,
    /// Link status: `disabled`, `initializing`, `invalid`, `negotiating` or
    /// `open-encrypted`.
    pub status: Option<String>,
    /// The link is up and encrypted (RouterOS's `R` flag).
    pub running: bool,
    /// The interface cannot work, for instance because its port is disabled
    /// (RouterOS's `I` flag).
    pub inactive: bool,
    /// Encryption is done by hardware (RouterOS's `H` flag).
    pub hw_offloaded: bool,
}

/// Model of the `routeros_macsec_interfaces` data source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MacsecInterfacesModel {
    /// Only the MACsec interfaces riding on this Ethernet port (such as
    /// `ether1`). Left out: every MACsec interface of the router.
    pub interface: Option<String>,
    /// The MACsec interfaces, in RouterOS's order. Each has `id`, `name`,
    /// `interface` (its Ethernet port), `mtu`, `profile`, `disabled`,
    /// `comment`, `status` (`disabled`, `initializing`, `invalid`,
    /// `negotiating` or `open-encrypted`), `running` (up and encrypted),
    /// `inactive` (cannot work, for instance because its port is disabled)
    /// and `hw_offloaded` (encrypted by hardware). The pre-shared key is
    /// never included.
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub interfaces: Option<Vec<MacsecInterfaceInfo>>,
}

/// The entry of one `/interface/macsec` row. Flags RouterOS leaves out are
/// false; the `cak` is never read.
pub fn info_from_record(r: &Record) -> MacsecInterfaceInfo {
    let flag = |k: &str| r.get(k).is_some_and(|v| ros_bool(v));
    MacsecInterfaceInfo {
        id: r.get(".id").cloned().unwrap_or_default(),
        name: r.get("name").cloned().unwrap_or_default(),
        interface: r.get("interface").cloned().unwrap_or_default(),
        mtu: r.get("mtu").and_then(|m| m.parse().ok()),
        profile: r.get("profile").cloned(),
        disabled: flag("disabled"),
        comment: r.get("comment").filter(|c| !c.is_empty()).cloned(),
        status: r.get("status").cloned(),
        running: flag("running"),
        inactive: flag("inactive"),
        hw_offloaded: flag("hw-offloaded"),
    }
}

/// The rows of `rows` riding on `port` (all of them when `None`).
pub fn select(rows: Vec<Record>, port: Option<&str>) -> Vec<MacsecInterfaceInfo> {
    // Each row is freed once read: a listing of 10,000 rows is not held
    // next to its model.
    rows.into_iter()
        .filter(|r| port.is_none_or(|p| r.get("interface").map(String::as_str) == Some(p)))
        .map(|r| info_from_record(&r))
        .collect()
}

/// The `routeros_macsec_interfaces` data source.
#[derive(Debug, Default)]
pub struct MacsecInterfaces;

#[async_trait]
impl DataSource<Configured> for MacsecInterfaces {
    fn type_name(&self) -> &'static str {
        "routeros_macsec_interfaces"
    }

    fn schema(&self) -> Schema {
        schema_from_model::<MacsecInterfacesModel>(
            0,
            "Every MACsec interface (`/interface/macsec`) of the router with its flags and link status, optionally only those riding on one Ethernet port. The pre-shared key is never read.",
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        super::refuse_blank_interface(
            config,
            "Empty port filter",
            "`interface` is empty: name an Ethernet port such as ether1, or leave it out to list every MACsec interface.",
            diags,
        );
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut model: MacsecInterfacesModel = model_of(config, diags)?;
        let rows = super::fresh_macsec_rows(&ctx.client, diags).await?;
        if let Some(port) = model.interface.as_deref() {
            // A filter naming no interface at all is a typo, not "no MACsec".
            match ctx
                .client
                .find(crate::resources::menus::INTERFACE, "name", port)
                .await
            {
                Ok(Some(_)) => {}
                Ok(None) => {
                    diags.push(
                        Diagnostic::error(
                            "No such port",
                            format!(
                                "The router at {} has no interface {port:?}. Set `interface` to one of its Ethernet ports (`/interface/ethernet/print` lists them), or leave it out.",
                                ctx.client.endpoint()
                            ),
                        )
                        .at_attr("interface"),
                    );
                    return None;
                }
                Err(e) => {
                    diags.push(request_diagnostic("reading /interface", &e, &[]));
                    return None;
                }
            }
        }
        model.interfaces = Some(select(rows, model.interface.as_deref()));
        state_of(&model, &ctx.schema, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::Type;

    fn rec(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn rows() -> Vec<Record> {
        vec![
            rec(&[
                (".id", "*9"),
                ("name", "macsec1"),
                ("interface", "ether1"),
                ("mtu", "1468"),
                ("profile", "default"),
                ("disabled", "false"),
                ("status", "open-encrypted"),
                ("running", "true"),
                ("inactive", "false"),
                ("hw-offloaded", "false"),
                ("cak", "71a7c363794da400dbde595d3926b0e9"),
                ("ckn", "f2c4"),
            ]),
            rec(&[
                (".id", "*A"),
                ("name", "macsec2"),
                ("interface", "ether2"),
                ("mtu", "1400"),
                ("comment", "lab"),
                ("disabled", "true"),
                ("status", "disabled"),
                ("running", "false"),
                ("inactive", "true"),
            ]),
        ]
    }

    #[test]
    fn the_filter_keeps_the_interfaces_on_that_port() {
        let all = select(rows(), None);
        assert_eq!(
            all.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["macsec1", "macsec2"]
        );
        let on2 = select(rows(), Some("ether2"));
        assert_eq!(on2.len(), 1);
        assert_eq!(on2[0].id, "*A");
        assert_eq!(on2[0].mtu, Some(1400));
        assert_eq!(on2[0].comment.as_deref(), Some("lab"));
        assert!(on2[0].disabled && on2[0].inactive && !on2[0].running);
        assert!(select(rows(), Some("ether3")).is_empty());
    }

    #[test]
    fn flags_and_status_are_read_and_the_cak_never_is() {
        let one = &select(rows(), Some("ether1"))[0];
        assert_eq!(one.status.as_deref(), Some("open-encrypted"));
        assert!(one.running && !one.inactive && !one.hw_offloaded && !one.disabled);
        assert_eq!(one.comment, None);
        let schema = crate::plugin::schema::Served::new(MacsecInterfaces.schema());
        let state = state_of(
            &MacsecInterfacesModel {
                interface: None,
                interfaces: Some(select(rows(), None)),
            },
            &schema,
            &mut Diagnostics::new(),
        )
        .unwrap();
        let json = state.to_json().to_string();
        assert!(!json.contains("71a7c363"), "the CAK leaked: {json}");
        assert!(!json.contains("cak"), "{json}");
    }

    #[test]
    fn the_list_is_a_computed_list_of_objects() {
        let schema = MacsecInterfaces.schema();
        let list = schema.block.attribute("interfaces").unwrap();
        assert!(list.computed && !list.optional && !list.required);
        let Some(Type::List(elem)) = &list.ty else {
            panic!("{:?}", list.ty)
        };
        let Type::Object(attrs) = elem.as_ref() else {
            panic!("{elem:?}")
        };
        let names: Vec<&str> = attrs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "comment",
                "disabled",
                "hw_offloaded",
                "id",
                "inactive",
                "interface",
                "mtu",
                "name",
                "profile",
                "running",
                "status"
            ]
        );
        let filter = schema.block.attribute("interface").unwrap();
        assert!(filter.optional && !filter.computed);
    }
}
