//! Several emulated routers in one process, cabled together: `--fleet`
//! (one router per entry of an inventory, cabled as its links say),
//! `--pair` (two routers, ether1 to ether1) and the single router are all a
//! [`FleetPlan`] started by [`Fleet::spawn`].
//!
//! A fleet's routers are independent emulators ([`Sim`]s, each with its own
//! ports, certificate, users and request counts) joined only by cables
//! ([`Sim::pair`]), so MACsec over a link of the fleet comes up exactly as
//! over `--pair`'s cable.

mod inventory;
mod tfvars;
mod yaml;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

pub use inventory::{
    Inventory, InventoryError, Link, LinkEnd, MAX_FLEET_ROUTERS, MAX_INVENTORY_BYTES, check_name,
};

use crate::{ExportScript, Listeners, Sim, SimConfig, local_file};

/// One router to start.
#[derive(Debug, Clone)]
pub struct FleetMember {
    /// Its name: the inventory's key (`ROUTER=` of its line, its key in `--tfvars`).
    pub name: String,
    /// How to start it.
    pub config: SimConfig,
    /// Where it listens.
    pub listeners: Listeners,
    /// An `/export` file to start from, and whether `config.version` stays
    /// (`--routeros-version` given) instead of the export's.
    pub export: Option<(PathBuf, bool)>,
    /// Whether `/system/identity` is `name` even when the export sets another.
    pub identity_is_name: bool,
}

/// One cable: (member index, port) at each end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cable {
    /// One end.
    pub a: (usize, String),
    /// The other end.
    pub b: (usize, String),
}

/// Routers to start and the cables between them.
#[derive(Debug, Clone, Default)]
pub struct FleetPlan {
    /// The routers, in the order their lines are printed.
    pub members: Vec<FleetMember>,
    /// The cables.
    pub cables: Vec<Cable>,
}

/// Free ports on the addresses of `listeners` (port 0 everywhere).
fn free_ports(listeners: &Listeners) -> Listeners {
    let free = |addr: std::net::SocketAddr| std::net::SocketAddr::new(addr.ip(), 0);
    Listeners {
        http: free(listeners.http),
        https: listeners.https.map(free),
        api: listeners.api.map(free),
        apis: listeners.apis.map(free),
    }
}

impl FleetPlan {
    /// One router, as `routeros-sim` without `--pair` or `--fleet` runs it.
    pub fn single(first: FleetMember) -> FleetPlan {
        FleetPlan {
            members: vec![first],
            cables: Vec::new(),
        }
    }

    /// `--pair`: `first` and a second router with the same configuration on
    /// free ports of the same addresses, identity `<identity>-peer`, its CA in
    /// `<cert-dir>/peer`, no export; ether1 cabled to ether1.
    pub fn pair(first: FleetMember) -> FleetPlan {
        let mut config = first.config.clone();
        config.identity = format!("{}-peer", config.identity);
        config.cert_dir = config.cert_dir.map(|dir| dir.join("peer"));
        let peer = FleetMember {
            name: config.identity.clone(),
            listeners: free_ports(&first.listeners),
            config,
            export: None,
            identity_is_name: true,
        };
        FleetPlan {
            members: vec![first, peer],
            cables: vec![Cable {
                a: (0, "ether1".into()),
                b: (1, "ether1".into()),
            }],
        }
    }

    /// `--fleet`: one router per entry of `inventory`, each with `base` on
    /// free ports of `listeners`' addresses, `/system/identity` its name, its
    /// CA in `<cert-dir>/<name>` when `base` names a certificate directory,
    /// started from `<exports>/<name>.rsc` when that file exists; cabled as
    /// the links say. `keep_version`: `--routeros-version` was given, so an
    /// export's header does not change the version.
    pub fn from_inventory(
        inventory: &Inventory,
        base: &SimConfig,
        listeners: &Listeners,
        exports: Option<&Path>,
        keep_version: bool,
    ) -> anyhow::Result<FleetPlan> {
        if let Some(dir) = exports {
            if !dir.is_dir() {
                bail!(
                    "--exports {}: not a directory; give the directory holding <router>.rsc files",
                    dir.display()
                );
            }
        }
        let mut members = Vec::new();
        for name in &inventory.routers {
            // The name was checked (no `/`, `.` or `..`), so these paths stay
            // inside their directories; check again rather than trust it.
            check_name(name).map_err(anyhow::Error::msg)?;
            let mut config = base.clone();
            config.identity = name.clone();
            config.cert_dir = base.cert_dir.as_ref().map(|dir| dir.join(name));
            let export = match exports {
                None => None,
                Some(dir) => {
                    let path = dir.join(format!("{name}.rsc"));
                    match std::fs::metadata(&path) {
                        Ok(_) => Some((path, keep_version)),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                        Err(e) => {
                            return Err(anyhow::Error::new(e)
                                .context(format!("reading the export {}", path.display())));
                        }
                    }
                }
            };
            members.push(FleetMember {
                name: name.clone(),
                config,
                listeners: free_ports(listeners),
                export,
                identity_is_name: true,
            });
        }
        let index = |router: &str| {
            inventory
                .routers
                .iter()
                .position(|r| r == router)
                .with_context(|| format!("a link names the unknown router {router}"))
        };
        let cables = inventory
            .links
            .iter()
            .map(|link| {
                Ok(Cable {
                    a: (index(&link.a.router)?, link.a.port.clone()),
                    b: (index(&link.b.router)?, link.b.port.clone()),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(FleetPlan { members, cables })
    }
}

/// The `.rsc` files in `dir` named after no router of `inventory`, sorted: a
/// misspelt file name would otherwise leave its router empty unnoticed.
pub fn unmatched_exports(inventory: &Inventory, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let what = || format!("listing --exports {}", dir.display());
    let mut unmatched = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(what)? {
        let path = entry.with_context(what)?.path();
        let stem = match (path.extension(), path.file_stem()) {
            (Some(ext), Some(stem)) if ext == "rsc" => stem,
            _ => continue,
        };
        if !inventory.routers.iter().any(|r| stem == r.as_str()) {
            unmatched.push(path);
        }
    }
    unmatched.sort();
    Ok(unmatched)
}

/// One running router of a fleet.
#[derive(Debug)]
pub struct FleetRouter {
    /// Its name.
    pub name: String,
    /// The emulator.
    pub sim: Sim,
    /// The export it was started from and what was read of it (for the report
    /// of lines not modelled).
    pub export: Option<(PathBuf, ExportScript)>,
}

/// Running routers, cabled; dropping it stops them all.
#[derive(Debug)]
pub struct Fleet {
    routers: Vec<FleetRouter>,
}

impl Fleet {
    /// Starts every member (returning once all listen) and plugs in the
    /// cables. An error names the router; the routers started so far stop.
    pub fn spawn(plan: FleetPlan) -> anyhow::Result<Fleet> {
        let mut routers = Vec::new();
        for member in plan.members {
            let name = member.name;
            let what = || format!("starting router {name}");
            let (sim, export) = match member.export {
                None => (
                    Sim::spawn_with(member.config, member.listeners).with_context(what)?,
                    None,
                ),
                Some((path, keep_version)) => {
                    let text = local_file::read_text(&path, crate::MAX_EXPORT_BYTES, "the export")
                        .with_context(what)?;
                    let (sim, script) = Sim::spawn_from_export(
                        member.config,
                        member.listeners,
                        &text,
                        keep_version,
                    )
                    .with_context(|| format!("loading the export {}", path.display()))
                    .with_context(what)?;
                    if member.identity_is_name {
                        sim.set_identity(&name);
                    }
                    (sim, Some((path, script)))
                }
            };
            routers.push(FleetRouter { name, sim, export });
        }
        for cable in &plan.cables {
            let (a, a_port) = (&routers[cable.a.0], &cable.a.1);
            let (b, b_port) = (&routers[cable.b.0], &cable.b.1);
            Sim::pair(&a.sim, a_port, &b.sim, b_port)
                .with_context(|| format!("cabling {} {a_port} to {} {b_port}", a.name, b.name))?;
        }
        Ok(Fleet { routers })
    }

    /// The routers, in the plan's order.
    pub fn routers(&self) -> &[FleetRouter] {
        &self.routers
    }

    /// The router named `name`.
    pub fn router(&self, name: &str) -> Option<&Sim> {
        self.routers.iter().find(|r| r.name == name).map(|r| &r.sim)
    }
}

#[cfg(test)]
mod tests;
