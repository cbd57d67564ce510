//! A list menu's records kept as property maps: for menus whose properties the emulator
//! stores and prints as text (`/system/logging`, `/system/logging/action`,
//! `/system/script`, `/system/scheduler`). Ids count up from `*1` and are never reused.
//! A leaf: it knows no menu.

use std::collections::BTreeMap;

use crate::query::Row;
use crate::value::{format_id, names};

/// The records of one menu, in id order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    last_id: u32,
    rows: Vec<(u32, Row)>,
}

impl Table {
    /// Adds a record (without `.id`) and returns its id.
    pub(crate) fn insert(&mut self, props: Row) -> u32 {
        self.last_id += 1;
        self.rows.push((self.last_id, props));
        self.last_id
    }

    /// The stored properties of the record `id`.
    pub(crate) fn get(&self, id: u32) -> Option<&Row> {
        self.rows.iter().find(|(i, _)| *i == id).map(|(_, r)| r)
    }

    /// The stored properties of the record `id`, to change.
    pub(crate) fn get_mut(&mut self, id: u32) -> Option<&mut Row> {
        self.rows.iter_mut().find(|(i, _)| *i == id).map(|(_, r)| r)
    }

    /// Removes the record `id`; `false` when there is none.
    pub(crate) fn remove(&mut self, id: u32) -> bool {
        let before = self.rows.len();
        self.rows.retain(|(i, _)| *i != id);
        self.rows.len() != before
    }

    /// The id of the record named by `key`: its `.id` (`*1`) or its `name`.
    pub(crate) fn find(&self, key: &str) -> Option<u32> {
        self.rows
            .iter()
            .find(|(id, r)| names(key, *id, r.get("name").map_or("", String::as_str)))
            .map(|(id, _)| *id)
    }

    /// Every record with its id, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &Row)> {
        self.rows.iter().map(|(id, r)| (*id, r))
    }
}

/// A row from `(key, value)` pairs.
pub(crate) fn row_of(pairs: &[(&str, &str)]) -> Row {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect::<BTreeMap<_, _>>()
}

impl Table {
    /// The records as a backup keeps them: their ids and stored properties.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.rows
                .iter()
                .map(|(id, r)| {
                    let mut object: serde_json::Map<String, serde_json::Value> = r
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect();
                    object.insert(".id".into(), serde_json::Value::String(format_id(*id)));
                    serde_json::Value::Object(object)
                })
                .collect(),
        )
    }

    /// Replaces the records with those of a backup ([`Table::to_json`]), with their ids
    /// (a backup restores the whole configuration as it was).
    pub(crate) fn restore_json(&mut self, saved: &serde_json::Value) {
        self.rows.clear();
        for object in saved.as_array().into_iter().flatten() {
            let Some(object) = object.as_object() else {
                continue;
            };
            let mut props: Row = object
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect();
            let id = props
                .remove(".id")
                .and_then(|id| u32::from_str_radix(id.trim_start_matches('*'), 16).ok());
            match id {
                Some(id) if self.get(id).is_none() && id > 0 => {
                    self.last_id = self.last_id.max(id);
                    self.rows.push((id, props));
                }
                _ => {
                    self.insert(props);
                }
            }
        }
        self.rows.sort_by_key(|(id, _)| *id);
    }
}
