//! `routeros_ethernet_binding`: the carrier port of a MACsec interface
//! (`/interface/ethernet`). It makes the port fit to carry MACsec
//! (`disabled`, `mtu`, `l2mtu`), checks that the named MACsec interface
//! rides on it, and gives the port back as it found it on destroy.
//!
//! A port cannot be created or removed, so the binding owns only what it
//! sets. Before it first changes an attribute of the port it records the
//! port's value in private state (`original`); destroy writes those values
//! back, and so does an update that stops managing `mtu` or `l2mtu`.
//!
//! `mtu` and `l2mtu` are optional and computed: the configuration manages
//! the ones it sets (kept in private state as `managed` by every apply);
//! state reports the others as they were last seen, and a change of them on
//! the router is not drift. An import manages nothing yet and records the
//! port's sizes, so a configuration that leaves them out and one that sets
//! them to the port's values both plan no change.
//! Link state (`running`, the MACsec `status`) is left to the data sources.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::mapping::MappingError;
use super::row::{self, ListFilter, MenuRow};
use super::{menus, request_diagnostic, ros_bool, ros_bool_text};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, PlanInput, Private};
use crate::plugin::value::Value;
use crate::routeros::Record;

/// The RouterOS menu of the port.
pub const MENU: &str = menus::ETHERNET;

/// The menu of the MACsec interfaces the binding checks.
pub const MACSEC_MENU: &str = menus::MACSEC;

/// Every interface, with its `type` (to tell a non-Ethernet interface from
/// a missing one) and `max-l2mtu`.
pub const INTERFACE_MENU: &str = menus::INTERFACE;

/// What MACsec adds to every frame: the MACsec interface's `mtu` plus this
/// must fit in the port's `l2mtu`.
pub const MACSEC_OVERHEAD: i64 = 32;

/// The private-state key of the port values recorded before the binding
/// changed them (a JSON object: RouterOS argument → RouterOS text).
pub const PRIVATE_ORIGINAL: &str = "original";

/// The private-state key of the sizes (`mtu`, `l2mtu`) the configuration
/// set at the last apply (a JSON array). Absent (after an import, or from
/// an older provider): every size is read back as managed.
pub const PRIVATE_MANAGED: &str = "managed";

/// The sizes a binding may manage, as Terraform attributes (and RouterOS
/// arguments: the names are the same).
pub const SIZES: [&str; 2] = ["mtu", "l2mtu"];

/// Values accepted at plan time for `mtu` and `l2mtu` (the router's own
/// `max-l2mtu` is checked against the port too).
pub const MTU_RANGE: std::ops::RangeInclusive<i64> = 64..=65535;

/// Port values recorded before the binding changed them.
pub type Originals = BTreeMap<String, String>;

fn no() -> Option<bool> {
    Some(false)
}

/// The carrier port of a MACsec interface (`/interface/ethernet`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EthernetBindingModel {
    /// RouterOS's id of the Ethernet port (such as `*1`).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub id: Option<String>,
    /// Name of the Ethernet port, such as `ether1`. A port cannot be
    /// created or removed: the binding takes an existing one over.
    #[schemars(extend("x-tf-requires-replace" = true))]
    pub ethernet: String,
    /// Name of the MACsec interface that rides on this port (the `name` of
    /// a `routeros_macsec_interface` whose `interface` is this port).
    /// Checked when planning if the MACsec interface exists by then, else
    /// when applying.
    pub macsec_interface: String,
    /// Whether the port is disabled. A disabled port carries nothing, so
    /// MACsec on it stays down.
    #[serde(default = "no")]
    pub disabled: Option<bool>,
    /// MTU of the port. Left out, the binding does not manage it: it
    /// reports the port's value as last seen, and a change on the router
    /// is not drift.
    #[schemars(extend("x-tf-computed" = true))]
    pub mtu: Option<i64>,
    /// Layer-2 MTU of the port. MACsec adds 32 bytes to every frame, so it
    /// must be at least the MACsec interface's `mtu` plus 32; the plan
    /// warns when it is not. Left out, the binding does not manage it: it
    /// reports the port's value as last seen, and a change on the router
    /// is not drift.
    #[schemars(extend("x-tf-computed" = true))]
    pub l2mtu: Option<i64>,
    /// MAC address of the port (MACsec's key-server election falls back to
    /// the lower MAC address when the priorities are equal).
    #[schemars(extend("x-tf-computed" = true, "x-tf-read-only" = true))]
    pub mac_address: Option<String>,
}

impl EthernetBindingModel {
    /// The port values this binding sets, as RouterOS arguments (the
    /// port's `name` is its key, never set).
    pub fn desired(&self) -> Record {
        let mut args = row::mapping::<EthernetBinding>().encode(self);
        args.remove("name");
        args
    }
}

/// A port value in the form the binding compares and sends: booleans as
/// `yes`/`no`, anything else as RouterOS printed it.
fn normal(key: &str, text: &str) -> String {
    if key == "disabled" {
        ros_bool_text(ros_bool(text))
    } else {
        text.trim().to_string()
    }
}

/// The arguments that make the port `row` show `wanted`: only what differs.
pub fn changes(wanted: &Record, row: &Record) -> Record {
    wanted
        .iter()
        .filter(|(k, v)| row.get(*k).map(|cur| normal(k, cur)) != Some(normal(k, v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Records, for every attribute of `wanted` not recorded yet, the value the
/// port `row` has now. Values already recorded are kept: they are what the
/// port had before the binding first changed it.
pub fn record_originals(originals: &mut Originals, wanted: &Record, row: &Record) {
    for key in wanted.keys() {
        if originals.contains_key(key) {
            continue;
        }
        if let Some(current) = row.get(key) {
            originals.insert(key.clone(), normal(key, current));
        }
    }
}

/// The recorded values of the attributes `wanted` no longer manages: they
/// are given back to the port and forgotten.
pub fn released(originals: &mut Originals, wanted: &Record) -> Record {
    let gone: Vec<String> = originals
        .keys()
        .filter(|k| !wanted.contains_key(*k))
        .cloned()
        .collect();
    gone.into_iter()
        .filter_map(|k| originals.remove(&k).map(|v| (k, v)))
        .collect()
}

/// The originals kept in private state.
pub fn originals_of(private: &Private) -> Originals {
    match private.get(PRIVATE_ORIGINAL) {
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
        _ => Originals::new(),
    }
}

/// Stores `originals` in private state (removing the key when empty).
pub fn store_originals(private: &mut Private, originals: &Originals) {
    if originals.is_empty() {
        private.remove(PRIVATE_ORIGINAL);
    } else {
        let map = originals
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        private.insert(PRIVATE_ORIGINAL.into(), serde_json::Value::Object(map));
    }
}

/// The sizes (`mtu`, `l2mtu`) a binding manages; `None`: not known (after
/// an import), every size is read back as managed.
pub type Managed = Option<Vec<String>>;

/// True when `managed` says the binding manages size `attr`.
fn manages(managed: &Managed, attr: &str) -> bool {
    managed.as_ref().is_none_or(|m| m.iter().any(|a| a == attr))
}

/// The model of the port `row`. The sizes `managed` names are read back
/// (drift shows); the others keep `prior`'s value when it has one (a change
/// on the router is not drift), else take the router's. `macsec_interface`
/// is the binding's own.
pub fn from_record(
    row: &Record,
    prior: &EthernetBindingModel,
    managed: &Managed,
) -> Result<EthernetBindingModel, MappingError> {
    let mut m = EthernetBinding::from_record(row, Some(prior))?;
    if !manages(managed, "mtu") {
        m.mtu = prior.mtu.or(m.mtu);
    }
    if !manages(managed, "l2mtu") {
        m.l2mtu = prior.l2mtu.or(m.l2mtu);
    }
    Ok(m)
}

/// The sizes the binding manages, from private state.
pub fn managed_of(private: &Private) -> Managed {
    match private.get(PRIVATE_MANAGED) {
        Some(serde_json::Value::Array(a)) => Some(
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

/// Stores the sizes `wanted` sets as the managed ones.
pub fn store_managed(private: &mut Private, wanted: &EthernetBindingModel) {
    let managed = SIZES
        .iter()
        .filter(|a| match **a {
            "mtu" => wanted.mtu.is_some(),
            _ => wanted.l2mtu.is_some(),
        })
        .map(|a| serde_json::Value::String(a.to_string()))
        .collect();
    private.insert(PRIVATE_MANAGED.into(), serde_json::Value::Array(managed));
}

/// What the binding is to set: `plan` with the sizes the configuration
/// sets (a size the configuration leaves out is planned as the port's
/// value, which is not a wish to manage it). A null `config` (tests)
/// takes `plan` as it is.
pub fn configured(plan: &EthernetBindingModel, config: &Value) -> EthernetBindingModel {
    if config.is_null() {
        return plan.clone();
    }
    EthernetBindingModel {
        mtu: config.get_i64("mtu"),
        l2mtu: config.get_i64("l2mtu"),
        ..plan.clone()
    }
}

/// The warning for a MACsec interface whose frames do not fit in the port:
/// `macsec_mtu` + 32 > `l2mtu`.
pub fn frame_fit_warning(
    port: &str,
    macsec: &str,
    macsec_mtu: i64,
    l2mtu: i64,
    planned: bool,
) -> Option<Diagnostic> {
    let needed = macsec_mtu + MACSEC_OVERHEAD;
    if needed <= l2mtu {
        return None;
    }
    let which = if planned { "will be" } else { "is" };
    Some(Diagnostic::warning(
        "MACsec frames will not fit in the port",
        format!(
            "{macsec:?} has mtu {macsec_mtu}; with MACsec's {MACSEC_OVERHEAD} bytes its frames need an l2mtu of at least {needed}, but the l2mtu of {port:?} {which} {l2mtu}. Full-size packets would be dropped: raise the port's `l2mtu` (the `l2mtu` of its routeros_ethernet_binding) to {needed} or more, or lower the `mtu` of the MACsec interface to {} or less.",
            l2mtu - MACSEC_OVERHEAD
        ),
    ))
}

/// The error for a binding whose port and MACsec interface disagree.
pub fn mismatch_error(port: &str, macsec: &str, actual_port: &str) -> Diagnostic {
    Diagnostic::error(
        "The MACsec interface rides on another port",
        format!(
            "This binding is for port {port:?}, but the MACsec interface {macsec:?} rides on {actual_port:?}. Set `ethernet = {actual_port:?}`, or move {macsec} to {port} (its `interface`). If this configuration moves it in the same apply, apply that first, for example with -target on the routeros_macsec_interface."
        ),
    )
    .at_attr("macsec_interface")
}

/// The diagnostic for a port name that is no Ethernet port, given every
/// interface of the router.
pub fn not_a_port(
    endpoint: &str,
    port: &str,
    interfaces: &[impl Borrow<Record>],
    attr: Option<&str>,
) -> Diagnostic {
    let interfaces: Vec<&Record> = interfaces.iter().map(Borrow::borrow).collect();
    let d = match interfaces
        .iter()
        .find(|r| r.get("name").map(String::as_str) == Some(port))
    {
        Some(r) => Diagnostic::error(
            "Not an Ethernet port",
            format!(
                "{port:?} is an interface of type {:?}; a MACsec interface rides on an Ethernet port, and only Ethernet ports can be bound. Name an Ethernet port such as ether1.",
                r.get("type").map(String::as_str).unwrap_or("")
            ),
        ),
        None => {
            let mut ports: Vec<&str> = interfaces
                .iter()
                .filter(|r| r.get("type").map(String::as_str) == Some("ether"))
                .filter_map(|r| r.get("name").map(String::as_str))
                .collect();
            ports.sort();
            Diagnostic::error(
                "No such Ethernet port",
                format!(
                    "The router at {endpoint} has no interface {port:?}. Its Ethernet ports are: {}.",
                    if ports.is_empty() {
                        "none".to_string()
                    } else {
                        ports.join(", ")
                    }
                ),
            )
        }
    };
    match attr {
        Some(a) => d.at_attr(a),
        None => d,
    }
}

/// Plan-time checks that need no router.
fn check_sizes(config: &Value, diags: &mut Diagnostics) {
    for attr in ["mtu", "l2mtu"] {
        if let Some(v) = config.get_i64(attr) {
            if !MTU_RANGE.contains(&v) {
                diags.push(
                    Diagnostic::error(
                        format!("{attr} out of range"),
                        format!(
                            "{attr} = {v} is outside {}..{}. Leave it out to keep the port's value.",
                            MTU_RANGE.start(),
                            MTU_RANGE.end()
                        ),
                    )
                    .at_attr(attr),
                );
            }
        }
    }
    if let (Some(mtu), Some(l2mtu)) = (config.get_i64("mtu"), config.get_i64("l2mtu")) {
        if mtu > l2mtu {
            diags.push(
                Diagnostic::error(
                    "mtu larger than l2mtu",
                    format!(
                        "mtu = {mtu} does not fit in l2mtu = {l2mtu}: a packet of mtu bytes must fit in a layer-2 frame. Raise l2mtu or lower mtu."
                    ),
                )
                .at_attr("mtu"),
            );
        }
    }
}

/// The `routeros_ethernet_binding` resource.
#[derive(Debug, Default)]
pub struct EthernetBinding;

impl EthernetBinding {
    /// The port row for `model`, or an error diagnostic saying why there is none.
    async fn existing_port(
        &self,
        ctx: &Ctx<Configured>,
        model: &EthernetBindingModel,
        diags: &mut Diagnostics,
    ) -> Option<Record> {
        match row::find::<Self>(&ctx.client, model.id.as_deref(), &model.ethernet).await {
            Ok(Some(r)) => Some(r),
            Ok(None) => {
                match ctx.client.list(INTERFACE_MENU).await {
                    Ok(all) => diags.push(not_a_port(
                        ctx.client.endpoint(),
                        &model.ethernet,
                        &all,
                        Some("ethernet"),
                    )),
                    Err(e) => diags.push(request_diagnostic("reading /interface", &e, &[])),
                }
                None
            }
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("reading Ethernet port {:?}", model.ethernet),
                    &e,
                    &[],
                ));
                None
            }
        }
    }

    /// Apply-time check: the MACsec interface exists and rides on `port`.
    async fn check_rides_on(
        &self,
        ctx: &Ctx<Configured>,
        port: &str,
        macsec: &str,
        diags: &mut Diagnostics,
    ) -> bool {
        match ctx.client.find(MACSEC_MENU, "name", macsec).await {
            Ok(Some(m)) => {
                let actual = m.get("interface").map(String::as_str).unwrap_or("");
                if actual == port {
                    true
                } else {
                    diags.push(mismatch_error(port, macsec, actual));
                    false
                }
            }
            Ok(None) => {
                diags.push(
                    Diagnostic::error(
                        "No such MACsec interface",
                        format!(
                            "The router at {} has no MACsec interface {macsec:?} to ride on port {port:?}. Create it with routeros_macsec_interface (interface = {port:?}) and set `macsec_interface` to its name, for example routeros_macsec_interface.<name>.name, so that it is created first.",
                            ctx.client.endpoint()
                        ),
                    )
                    .at_attr("macsec_interface"),
                );
                false
            }
            Err(e) => {
                diags.push(request_diagnostic("reading /interface/macsec", &e, &[]));
                false
            }
        }
    }

    /// Sets `args` on the port `id` and reads the port back.
    /// [`from_record`], with an unreadable value as a diagnostic.
    fn model(
        &self,
        row: &Record,
        prior: &EthernetBindingModel,
        managed: &Managed,
        diags: &mut Diagnostics,
    ) -> Option<EthernetBindingModel> {
        from_record(row, prior, managed)
            .map_err(|e| diags.push(e.diagnostic(Self::NOUN, &prior.ethernet)))
            .ok()
    }

    async fn write(
        &self,
        ctx: &Ctx<Configured>,
        id: &str,
        args: &Record,
        action: &str,
        diags: &mut Diagnostics,
    ) -> Option<Record> {
        row::write::<Self>(&ctx.client, id, args, action, "the write", diags).await
    }
}

#[async_trait]
impl MenuRow for EthernetBinding {
    type Model = EthernetBindingModel;
    const TYPE_NAME: &'static str = "routeros_ethernet_binding";
    const DESCRIPTION: &'static str = "The carrier port of a MACsec interface (`/interface/ethernet`): makes the port fit to carry MACsec (`disabled`, `mtu`, `l2mtu`), checks that the MACsec interface rides on it, and gives the port back as it found it on destroy. Link state is read with the MACsec data sources.";
    const MENU: &'static str = MENU;
    const NOUN: &'static str = "Ethernet port";
    const KEY: (&'static str, &'static str) = ("name", "ethernet");
    const RENAMES: &'static [(&'static str, &'static str)] =
        &[("ethernet", "name"), ("macsec_interface", "")];
    const IMPORT_HINT: &'static str = "the Ethernet port's name (ether1)";
    const CREATE_ADDS: bool = false;

    fn id(m: &EthernetBindingModel) -> Option<&str> {
        m.id.as_deref()
    }

    fn key(m: &EthernetBindingModel) -> &str {
        &m.ethernet
    }

    fn to_args(planned: &EthernetBindingModel, _prior: Option<&EthernetBindingModel>) -> Record {
        planned.desired()
    }

    async fn listed(&self, ctx: &Ctx<Configured>, row: &Record) -> bool {
        let Some(port) = row.get("name") else {
            return false;
        };
        ctx.client
            .find(MACSEC_MENU, "interface", port)
            .await
            .is_ok_and(|m| m.is_some())
    }

    fn filter_row(&self, filter: &ListFilter, row: &Record) -> bool {
        filter
            .interface
            .as_deref()
            .is_none_or(|port| row.get("name").map(String::as_str) == Some(port))
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        for attr in ["ethernet", "macsec_interface"] {
            if config.get_str(attr).is_some_and(|s| s.trim().is_empty()) {
                diags.push(
                    Diagnostic::error(
                        format!("Empty {attr}"),
                        if attr == "ethernet" {
                            "`ethernet` is empty: name the Ethernet port, such as ether1.".to_string()
                        } else {
                            "`macsec_interface` is empty: name the MACsec interface riding on the port, such as macsec1.".to_string()
                        },
                    )
                    .at_attr(attr),
                );
            }
        }
        check_sizes(config, diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<Configured>,
        input: &PlanInput<'_>,
        planned: &mut Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) {
        // A size the configuration stops setting is given back to the port
        // by an update: it is planned unknown (the port's value after it).
        if !input.prior_state.is_null() && !input.config.is_null() {
            let managed = managed_of(private);
            let originals = originals_of(private);
            for attr in SIZES {
                if input.config.get(attr).is_none_or(Value::is_null)
                    && (managed
                        .as_ref()
                        .is_some_and(|m| m.iter().any(|a| a == attr))
                        || originals.contains_key(attr))
                {
                    planned.set(attr, Value::unknown());
                }
            }
        }
        let Some(port) = input.config.get_str("ethernet") else {
            return;
        };
        let found = match ctx.client.find(INTERFACE_MENU, "name", port).await {
            Ok(found) => found,
            Err(e) => {
                diags.push(request_diagnostic("reading /interface", &e, &[]));
                return;
            }
        };
        // Interface names are unique on a router.
        let Some(port_row) = found.filter(|r| r.get("type").map(String::as_str) == Some("ether"))
        else {
            // Listed only for the message: the look-up above is not a scan.
            let interfaces = ctx.client.list(INTERFACE_MENU).await.unwrap_or_default();
            diags.push(not_a_port(
                ctx.client.endpoint(),
                port,
                &interfaces,
                Some("ethernet"),
            ));
            return;
        };
        let max_l2mtu = port_row
            .get("max-l2mtu")
            .and_then(|v| v.parse::<i64>().ok());
        let planned_l2mtu = input.config.get_i64("l2mtu");
        if let (Some(l2mtu), Some(max)) = (planned_l2mtu, max_l2mtu) {
            if l2mtu > max {
                diags.push(
                    Diagnostic::error(
                        "l2mtu larger than the port allows",
                        format!("l2mtu = {l2mtu}, but {port:?} takes at most {max} (its max-l2mtu). Set l2mtu to {max} or less."),
                    )
                    .at_attr("l2mtu"),
                );
                return;
            }
        }

        let Some(macsec) = input.config.get_str("macsec_interface") else {
            return;
        };
        let found = match ctx.client.find(MACSEC_MENU, "name", macsec).await {
            Ok(found) => found,
            Err(e) => {
                diags.push(request_diagnostic("reading /interface/macsec", &e, &[]));
                return;
            }
        };
        // Not there yet: it is created in the same apply; checked then.
        let Some(m) = found else {
            return;
        };
        let actual = m.get("interface").map(String::as_str).unwrap_or("");
        if actual != port {
            let prior_port = input.prior_state.get_str("ethernet");
            let prior_macsec = input.prior_state.get_str("macsec_interface");
            if prior_port == Some(actual) {
                // The binding follows its MACsec interface to a new port;
                // that move is applied first and the result checked then.
                return;
            }
            if prior_port == Some(port) && prior_macsec == Some(macsec) {
                // Nothing in this binding changed: the MACsec interface
                // was moved on the router. Its own resource reports that.
                diags.push(Diagnostic::warning(
                    "The MACsec interface left this port",
                    format!(
                        "The MACsec interface {macsec:?} now rides on {actual:?}, not on {port:?} as this binding says. If a routeros_macsec_interface manages it, this apply moves it back; otherwise move it back on the router or change this binding."
                    ),
                ));
                return;
            }
            diags.push(mismatch_error(port, macsec, actual));
            return;
        }
        let l2mtu = planned_l2mtu.or_else(|| port_row.get("l2mtu").and_then(|v| v.parse().ok()));
        let macsec_mtu = m.get("mtu").and_then(|v| v.parse::<i64>().ok());
        if let (Some(l2mtu), Some(macsec_mtu)) = (l2mtu, macsec_mtu) {
            if let Some(w) =
                frame_fit_warning(port, macsec, macsec_mtu, l2mtu, planned_l2mtu.is_some())
            {
                diags.push(w.at_attr(if planned_l2mtu.is_some() {
                    "l2mtu"
                } else {
                    "macsec_interface"
                }));
            }
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<Configured>,
        plan: &EthernetBindingModel,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<EthernetBindingModel> {
        let wanted_model = configured(plan, config);
        let row = self
            .existing_port(
                ctx,
                &EthernetBindingModel {
                    id: None,
                    ..plan.clone()
                },
                diags,
            )
            .await?;
        if !self
            .check_rides_on(ctx, &plan.ethernet, &plan.macsec_interface, diags)
            .await
        {
            return None;
        }
        let Some(id) = row.get(".id").cloned() else {
            diags.push(Diagnostic::error(
                "Ethernet port without id",
                format!(
                    "RouterOS listed {:?} without an .id. Check the router, then run apply again.",
                    plan.ethernet
                ),
            ));
            return None;
        };
        let wanted = wanted_model.desired();
        let mut originals = Originals::new();
        record_originals(&mut originals, &wanted, &row);
        let args = changes(&wanted, &row);
        let action = format!(
            "binding Ethernet port {:?} to {:?}",
            plan.ethernet, plan.macsec_interface
        );
        let after = self.write(ctx, &id, &args, &action, diags).await?;
        store_originals(private, &originals);
        store_managed(private, &wanted_model);
        self.model(&after, plan, &managed_of(private), diags)
    }

    async fn read(
        &self,
        ctx: &Ctx<Configured>,
        prior: &EthernetBindingModel,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<EthernetBindingModel> {
        let row = row::read::<Self>(&ctx.client, prior, diags).await?;
        let managed = managed_of(private);
        // After an import nothing is recorded yet: what the port has now is
        // what it had before this binding changed anything. Sizes are
        // recorded once the configuration is known to manage them (by the
        // apply that first changes them).
        let mut originals = originals_of(private);
        let mut wanted = prior.desired();
        wanted.retain(|k, _| {
            !SIZES.contains(&k.as_str()) || managed.as_ref().is_some_and(|m| m.contains(k))
        });
        record_originals(&mut originals, &wanted, &row);
        store_originals(private, &originals);
        self.model(&row, prior, &managed, diags)
    }

    async fn update(
        &self,
        ctx: &Ctx<Configured>,
        old: &EthernetBindingModel,
        plan: &EthernetBindingModel,
        config: &Value,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<EthernetBindingModel> {
        let wanted_model = configured(plan, config);
        let row = self.existing_port(ctx, old, diags).await?;
        let id = row.get(".id").cloned().unwrap_or_default();
        if plan.macsec_interface != old.macsec_interface
            && !self
                .check_rides_on(ctx, &plan.ethernet, &plan.macsec_interface, diags)
                .await
        {
            return None;
        }
        let wanted = wanted_model.desired();
        let mut originals = originals_of(private);
        record_originals(&mut originals, &wanted, &row);
        let mut target = released(&mut originals, &wanted);
        target.extend(wanted);
        let args = changes(&target, &row);
        let after = self
            .write(
                ctx,
                &id,
                &args,
                &format!("updating Ethernet port {:?}", old.ethernet),
                diags,
            )
            .await?;
        store_originals(private, &originals);
        store_managed(private, &wanted_model);
        self.model(&after, plan, &managed_of(private), diags)
    }

    async fn delete(
        &self,
        ctx: &Ctx<Configured>,
        old: &EthernetBindingModel,
        private: &Private,
        diags: &mut Diagnostics,
    ) {
        let originals = originals_of(private);
        if originals.is_empty() {
            log::info!(
                "binding of {:?} removed; no port values were recorded, so none are restored",
                old.ethernet
            );
            return;
        }
        let row = match row::find::<Self>(&ctx.client, old.id.as_deref(), &old.ethernet).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                log::info!(
                    "Ethernet port {:?} is gone; nothing to restore",
                    old.ethernet
                );
                return;
            }
            Err(e) => {
                diags.push(request_diagnostic(
                    &format!("reading Ethernet port {:?}", old.ethernet),
                    &e,
                    &[],
                ));
                return;
            }
        };
        let id = row.get(".id").cloned().unwrap_or_default();
        let args = changes(&originals, &row);
        if args.is_empty() {
            return;
        }
        let action = format!(
            "restoring the original values of Ethernet port {:?}",
            old.ethernet
        );
        if self.write(ctx, &id, &args, &action, diags).await.is_some() {
            log::info!("restored the original values of {MENU} {id}");
        }
    }

    /// The binding of an imported port names the MACsec interface riding
    /// on it; a port without one cannot be imported.
    async fn imported(
        &self,
        ctx: &Ctx<Configured>,
        row: &Record,
        diags: &mut Diagnostics,
    ) -> Option<EthernetBindingModel> {
        let port = row.get("name").cloned().unwrap_or_default();
        let found = match ctx.client.find(MACSEC_MENU, "interface", &port).await {
            Ok(found) => found,
            Err(e) => {
                diags.push(request_diagnostic("reading /interface/macsec", &e, &[]));
                return None;
            }
        };
        let Some(m) = found else {
            // Listed only for the message: the look-up above is not a scan.
            let macsecs = ctx.client.list(MACSEC_MENU).await.unwrap_or_default();
            let mut carried: Vec<String> = macsecs
                .iter()
                .filter_map(|r| Some(format!("{} (on {})", r.get("name")?, r.get("interface")?)))
                .collect();
            carried.sort();
            diags.push(Diagnostic::error(
                "No MACsec interface on this port",
                format!(
                    "No MACsec interface rides on {port:?}, and a binding ties a MACsec interface to its port. Create the MACsec interface first (routeros_macsec_interface with interface = {port:?}), or import the binding of a port that carries one: {}.",
                    if carried.is_empty() { "the router has no MACsec interface".to_string() } else { carried.join(", ") }
                ),
            ));
            return None;
        };
        Some(EthernetBindingModel {
            macsec_interface: m.get("name").cloned().unwrap_or_default(),
            ..row::model::<Self>(row, None, diags)?
        })
    }
}

#[cfg(test)]
mod tests;
