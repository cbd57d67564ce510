//! The apply of a key: find the MACsec interface, write what the input's
//! strategy gives (and the CKN), read the entry back and check that the
//! router took the key, then record its fingerprint.

use super::cak::RouterCak;
use super::input::{self, ApplyCtx, Made, cak_input};
use super::model::{MacsecKeyModel, from_record, key_args, refreshed_ckn};
use super::plan::salt;
use super::{MENU, MacsecKey, PRIVATE_CAK_READABLE, PRIVATE_IMPORTED_AGE, PRIVATE_WRITTEN};
use crate::context::Configured;
use crate::plugin::diag::{Diagnostic, Diagnostics};
use crate::plugin::resource::{Ctx, Private};
use crate::plugin::value::Value;
use crate::resources::request_diagnostic;
use crate::routeros::{Client, Record};
use crate::secrets;

/// How a lookup of the key's interface turned out.
pub(super) enum Lookup {
    /// The entry.
    Found(Record),
    /// No entry of that name (or a different entry than the state's).
    Gone,
}

impl MacsecKey {
    /// The entry named `model.interface`. When `model.id` is known and the
    /// entry has another id, the interface was removed and made again: the
    /// key in state is not on it, so it counts as gone.
    pub(super) async fn lookup(
        &self,
        client: &Client,
        model: &MacsecKeyModel,
    ) -> Result<Lookup, crate::routeros::Error> {
        let found = client.find(MENU, "name", &model.interface).await?;
        Ok(match found {
            Some(r) if model.id.is_none() || r.get(".id") == model.id.as_ref() => Lookup::Found(r),
            Some(r) => {
                log::info!(
                    "{MENU} {:?} is now {} (was {}): the key in state is gone",
                    model.interface,
                    r.get(".id").map(String::as_str).unwrap_or("?"),
                    model.id.as_deref().unwrap_or("?")
                );
                Lookup::Gone
            }
            None => Lookup::Gone,
        })
    }

    /// [`MacsecKey::lookup`] for a read: an interface under a new `.id`
    /// still holds the key in state when the router shows a CAK with the
    /// fingerprint in state. A router that loaded a backup
    /// (`routeros_system_restore`) has its interfaces, keys and all, under
    /// new `.id`s; an interface removed and made again by hand has no key
    /// or another one, and stays gone. A hidden CAK proves nothing: gone.
    pub(super) async fn lookup_for_read(
        &self,
        client: &Client,
        model: &MacsecKeyModel,
        private: &mut Private,
    ) -> Result<Lookup, crate::routeros::Error> {
        let found = self.lookup(client, model).await?;
        let (Lookup::Gone, Some(fingerprint)) = (&found, &model.cak_fingerprint) else {
            return Ok(found);
        };
        let Some(row) = client.find(MENU, "name", &model.interface).await? else {
            return Ok(found);
        };
        let same = match (RouterCak::of(&row), salt(private)) {
            (RouterCak::Shown(k), Ok(salt)) => secrets::fingerprint(&salt, &k) == *fingerprint,
            _ => false,
        };
        if !same {
            return Ok(found);
        }
        log::info!(
            "{MENU} {:?} has a new .id and the key in state: found by its name",
            model.interface
        );
        Ok(Lookup::Found(row))
    }

    /// Create (`prior` is `None`) or update: the key the input gives, when
    /// it must be written, then [`MacsecKey::write`].
    pub(super) async fn apply(
        &self,
        ctx: &Ctx<Configured>,
        planned: &Value,
        config: &Value,
        prior: Option<&MacsecKeyModel>,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let plan = self.model(planned, diags)?;
        // The router hid the key from the last read: what is there cannot
        // be known.
        let hidden = prior.is_some()
            && private.get(PRIVATE_CAK_READABLE) == Some(&serde_json::Value::Bool(false));
        let kind = match cak_input(config) {
            Ok(i) => i,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let strategy = input::strategy(kind);
        // On create the key is always written; on update when the planned
        // fingerprint is unknown or differs from the refreshed one (a new
        // key, or drift), and whenever the router hid the key from the last
        // read (a generated key is then left alone).
        let must_write = match prior {
            None => true,
            Some(p) => {
                plan.cak_fingerprint.is_none()
                    || p.cak_fingerprint != plan.cak_fingerprint
                    || (hidden && !strategy.generated())
            }
        };
        let made = strategy.apply(
            &ApplyCtx {
                plan: &plan,
                planned,
                config,
                prior,
                must_write,
                identities: ctx.client.identities(),
            },
            diags,
        )?;
        self.write(ctx, &plan, made, prior, private, diags).await
    }

    /// Writes the key (`key`; `None` leaves the CAK on the router alone)
    /// and the planned CKN to the entry named `plan.interface`, and returns
    /// the new state. `prior` is the state before (update) or `None`
    /// (create).
    async fn write(
        &self,
        ctx: &Ctx<Configured>,
        plan: &MacsecKeyModel,
        made: Made,
        prior: Option<&MacsecKeyModel>,
        private: &mut Private,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let key = made.key.as_ref();
        let salt = match salt(private) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let planned_ckn = made.ckn.as_deref().or(plan.ckn.as_deref());
        let action = if prior.is_some() {
            "updating"
        } else {
            "setting"
        };
        let what = format!("{action} the key of MACsec interface {:?}", plan.interface);
        let record = match ctx.client.find(MENU, "name", &plan.interface).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                diags.push(
                    Diagnostic::error(
                        "No such MACsec interface",
                        format!(
                            "The router at {} has no MACsec interface named {:?}, so its key cannot be set. Create it with routeros_macsec_interface and refer to it (interface = routeros_macsec_interface.<name>.name) so that Terraform creates it first, or correct `interface`.",
                            ctx.client.endpoint(),
                            plan.interface
                        ),
                    )
                    .at_attr("interface"),
                );
                return None;
            }
            Err(e) => {
                diags.push(request_diagnostic(&what, &e, &[]));
                return None;
            }
        };
        let Some(id) = record.get(".id").cloned() else {
            diags.push(Diagnostic::error(
                "MACsec interface without an id",
                format!(
                    "RouterOS listed {:?} without an .id. Check the router, then run apply again.",
                    plan.interface
                ),
            ));
            return None;
        };
        // Compare with what the router has, so an update writes what
        // drifted too. Where the router hides the CAK, it is written
        // whenever the key is touched: what is there cannot be known.
        let mut current = from_record(&record, prior);
        if RouterCak::of(&record) == RouterCak::Hidden {
            current.cak = None;
        }
        let current = Some(&current).filter(|_| prior.is_some());
        let args = match key {
            Some(cak) => key_args(cak, planned_ckn, current),
            None => {
                let mut args = Record::new();
                if let Some(ckn) = planned_ckn {
                    let same = current
                        .and_then(|p| p.ckn.as_deref())
                        .is_some_and(|old| old.eq_ignore_ascii_case(ckn));
                    if !same {
                        args.insert("ckn".into(), ckn.to_ascii_lowercase());
                    }
                }
                args
            }
        };
        if !args.is_empty() {
            if let Err(e) = ctx.client.set(MENU, &id, &args).await {
                diags.push(request_diagnostic(
                    &what,
                    &e,
                    &crate::resources::row::mapping::<MacsecKey>().attributes(),
                ));
                return None;
            }
            log::info!(
                "{what}: wrote {} to {MENU} {id}",
                args.keys().cloned().collect::<Vec<_>>().join(" and ")
            );
        }
        let record = match ctx.client.find(MENU, ".id", &id).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                diags.push(Diagnostic::error(
                    "MACsec interface vanished",
                    format!("{id} ({:?}) is no longer on the router after its key was set. Run apply again.", plan.interface),
                ));
                return None;
            }
            Err(e) => {
                diags.push(request_diagnostic(&format!("reading back {id}"), &e, &[]));
                return None;
            }
        };
        let router = RouterCak::of(&record);
        private.insert(
            PRIVATE_CAK_READABLE.into(),
            serde_json::Value::Bool(router != RouterCak::Hidden),
        );
        if let (RouterCak::Shown(k), Some(cak)) = (&router, key) {
            if !cak.matches(k) {
                diags.push(Diagnostic::error(
                    "The router did not take the CAK",
                    format!("After writing the CAK of {:?}, RouterOS reports a different one. Check the router's log and that nothing else manages this interface's key.", plan.interface),
                ));
                return None;
            }
        }
        let fingerprint = match key {
            Some(cak) => Some(secrets::fingerprint(&salt, cak.as_hex())),
            None => plan
                .cak_fingerprint
                .clone()
                .or_else(|| prior.and_then(|p| p.cak_fingerprint.clone())),
        };
        if let Some(fp) = &fingerprint {
            private.insert(
                PRIVATE_WRITTEN.into(),
                serde_json::Value::String(fp.clone()),
            );
        }
        // State's `cak_age` stays the import's only while the plan kept it.
        if prior.is_none_or(|p| p.cak_age != plan.cak_age) {
            private.remove(PRIVATE_IMPORTED_AGE);
        }
        let new = MacsecKeyModel {
            id: Some(id),
            interface: record
                .get("name")
                .cloned()
                .unwrap_or_else(|| plan.interface.clone()),
            cak: plan.cak.clone(),
            cak_age: plan.cak_age.clone(),
            cak_wo: None,
            cak_wo_version: plan.cak_wo_version,
            cak_age_recipients: plan.cak_age_recipients.clone(),
            cak_age_out: made.cak_age_out,
            cak_fingerprint: fingerprint,
            ckn: refreshed_ckn(planned_ckn, record.get("ckn").map(String::as_str)),
        };
        self.state(&ctx.schema, &new, diags)
    }
}
