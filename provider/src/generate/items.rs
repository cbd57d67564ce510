//! The objects `generate` writes: what the list resources (the same that
//! `terraform query` uses) find on the router, with the attributes of each
//! resource block and how a key gets its CAK.

use std::sync::Arc;

use super::connect::diagnostics_text;
use super::render::{Item, KeyInput, Lit};
use crate::context::Configured;
use crate::plugin::diag::Diagnostics;
use crate::plugin::resource::{Ctx, ListRequest};
use crate::plugin::schema::Served;
use crate::plugin::value::Value;
use crate::resources::{self, menus};
use crate::routeros::Client;

/// Every object the list resources find, with the attributes its resource
/// block gets.
pub(super) async fn items(
    client: &Arc<Configured>,
    recipients: &[crate::secrets::BoxedRecipient],
) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    for r in resources::all() {
        if r.list_schema().is_none() {
            continue;
        }
        let schema = Arc::new(Served::new(r.schema()));
        let ctx = &Ctx {
            client: Arc::clone(client),
            schema: Arc::clone(&schema),
            terraform_version: String::new(),
            write_only_allowed: false,
        };
        let mut diags = Diagnostics::new();
        let request = ListRequest {
            config: &Value::Null,
            include_resource: true,
            limit: None,
        };
        let listed = r.list(ctx, &request, &mut diags).await;
        if diags.has_error() {
            return Err(diagnostics_text(&diags));
        }
        for item in listed {
            let Some(object) = item.object else { continue };
            let key = key_of(&item.identity);
            let row = object.get_str("id").unwrap_or("?").to_string();
            let mut gen_diags = Diagnostics::new();
            let config = r
                .generate_config(&schema, &object, &mut gen_diags)
                .unwrap_or(object);
            let attributes = schema
                .block
                .attributes
                .iter()
                .filter(|a| !a.write_only && (a.optional || a.required || !a.computed))
                .filter_map(|a| Some((a.name.clone(), lit(config.get(&a.name)?)?)))
                .collect();
            let key_input = if r.type_name() == "routeros_macsec_key" {
                Some(key_input(&ctx.client, &row, &key, recipients).await?)
            } else {
                None
            };
            out.push(Item {
                type_name: r.type_name().to_string(),
                row,
                key,
                attributes,
                key_input,
            });
        }
    }
    Ok(out)
}

/// A value as [`render`] writes it; `None` for null (left out).
fn lit(v: &Value) -> Option<Lit> {
    Some(match v {
        Value::Null | Value::Unknown(_) => return None,
        Value::String(s) => Lit::Str(s.clone()),
        Value::Bool(b) => Lit::Bool(*b),
        Value::Number(_) => Lit::Num(v.to_json().to_string()),
        Value::List(items) | Value::Set(items) => Lit::List(items.iter().filter_map(lit).collect()),
        other => Lit::Str(other.to_json().to_string()),
    })
}

/// How the key of the MACsec interface `id` (named `name`) gets its CAK:
/// encrypted to `recipients` when the router shows it.
async fn key_input(
    client: &Client,
    id: &str,
    name: &str,
    recipients: &[crate::secrets::BoxedRecipient],
) -> Result<KeyInput, String> {
    let row = match client.find(menus::MACSEC, ".id", id).await {
        Ok(Some(row)) => Some(row),
        _ => client
            .find(menus::MACSEC, "name", name)
            .await
            .map_err(|e| e.to_string())?,
    };
    let shown = row
        .and_then(|r| r.get("cak").cloned())
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_hexdigit()))
        .map(crate::secrets::Zeroizing::new);
    Ok(match (shown, recipients.is_empty()) {
        (Some(cak), false) => KeyInput::File(
            crate::secrets::encrypt_armored(cak.to_ascii_lowercase().as_bytes(), recipients)
                .map_err(|e| e.to_string())?
                .into_bytes(),
        ),
        (Some(_), true) => KeyInput::NoRecipient,
        (None, _) => KeyInput::Hidden,
    })
}

fn key_of(identity: &Value) -> String {
    match identity {
        Value::Object(m) => m
            .values()
            .find_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}
