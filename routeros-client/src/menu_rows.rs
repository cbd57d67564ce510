//! [`MenuRows`]: one menu's rows as the router listed them, kept up to
//! date by the client's writes, with look-ups by any column in O(1).
//!
//! A plan of N resources looks up N rows in a menu of N (or, for
//! `/interface`, 2N) rows, and an apply writes N rows into it: with a plain
//! list each look-up scans the menu and each write copies it, N² in all
//! (two million row comparisons for a plan of 1000 MACsec interfaces).
//! Here a look-up by a column goes through an index built on the first
//! look-up by that column and kept up to date by every write; a write
//! touches one slot; [`MenuRows::snapshot`] (for the callers that walk the
//! whole menu) shares the rows instead of copying them.

use std::collections::HashMap;
use std::sync::Arc;

use super::Record;

/// Rows of one menu in the router's order.
#[derive(Debug, Default)]
pub(crate) struct MenuRows {
    /// The rows in the router's order; `None` where a row was removed
    /// (compacted away once most slots are empty).
    slots: Vec<Option<Arc<Record>>>,
    /// How many slots hold a row.
    live: usize,
    /// column -> value -> the slots whose row has that value there, in
    /// ascending order; one entry per column looked up so far.
    index: HashMap<String, HashMap<String, Vec<usize>>>,
    /// The rows as one shared list, made on demand and dropped by writes.
    snapshot: Option<Arc<Vec<Arc<Record>>>>,
    /// Rows read to build indexes: what look-ups cost, for tests.
    #[cfg(test)]
    scanned: usize,
}

impl MenuRows {
    /// The rows the router listed, in its order.
    pub(crate) fn new(rows: Vec<Record>) -> MenuRows {
        let live = rows.len();
        MenuRows {
            slots: rows.into_iter().map(|r| Some(Arc::new(r))).collect(),
            live,
            index: HashMap::new(),
            snapshot: None,
            #[cfg(test)]
            scanned: 0,
        }
    }

    /// Every row, in the router's order, shared: later writes do not
    /// change a snapshot already handed out.
    pub(crate) fn snapshot(&mut self) -> Arc<Vec<Arc<Record>>> {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let rows: Arc<Vec<Arc<Record>>> = Arc::new(self.slots.iter().flatten().cloned().collect());
        self.snapshot = Some(rows.clone());
        rows
    }

    /// The first row (in the router's order) whose `column` is `value`.
    pub(crate) fn find(&mut self, column: &str, value: &str) -> Option<Arc<Record>> {
        let slot = *self.column(column).get(value)?.first()?;
        self.slots[slot].clone()
    }

    /// The index of `column`, built now if this is its first look-up.
    fn column(&mut self, column: &str) -> &HashMap<String, Vec<usize>> {
        if !self.index.contains_key(column) {
            let mut values: HashMap<String, Vec<usize>> = HashMap::new();
            #[cfg(test)]
            {
                self.scanned += self.slots.len();
            }
            for (slot, row) in self.slots.iter().enumerate() {
                if let Some(v) = row.as_ref().and_then(|r| r.get(column)) {
                    values.entry(v.clone()).or_default().push(slot);
                }
            }
            self.index.insert(column.to_string(), values);
        }
        &self.index[column]
    }

    /// Puts `row` in place of the row with its `.id`, or after the last
    /// row when there is none (or it has no `.id`).
    pub(crate) fn put(&mut self, row: Record) {
        let existing = row
            .get(".id")
            .and_then(|id| self.column(".id").get(id))
            .and_then(|slots| slots.first().copied());
        let slot = match existing {
            Some(slot) => {
                self.unindex(slot);
                slot
            }
            None => {
                self.slots.push(None);
                self.live += 1;
                self.slots.len() - 1
            }
        };
        for (column, values) in &mut self.index {
            if let Some(v) = row.get(column) {
                let slots = values.entry(v.clone()).or_default();
                if let Err(at) = slots.binary_search(&slot) {
                    slots.insert(at, slot);
                }
            }
        }
        self.slots[slot] = Some(Arc::new(row));
        self.snapshot = None;
    }

    /// Drops the row whose `.id` is `id`, if there is one.
    pub(crate) fn remove(&mut self, id: &str) {
        let Some(slot) = self
            .column(".id")
            .get(id)
            .and_then(|slots| slots.first().copied())
        else {
            return;
        };
        self.unindex(slot);
        self.slots[slot] = None;
        self.live -= 1;
        self.snapshot = None;
        if self.slots.len() > 64 && self.live * 2 < self.slots.len() {
            self.slots.retain(Option::is_some);
            self.index.clear();
        }
    }

    /// Takes the row in `slot` out of every index.
    fn unindex(&mut self, slot: usize) {
        let Some(row) = self.slots[slot].clone() else {
            return;
        };
        for (column, values) in &mut self.index {
            let Some(v) = row.get(column) else { continue };
            if let Some(slots) = values.get_mut(v) {
                slots.retain(|&s| s != slot);
                if slots.is_empty() {
                    values.remove(v);
                }
            }
        }
    }

    /// How many rows the menu holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, port: &str) -> Record {
        [(".id", id), ("name", name), ("interface", port)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn names(m: &mut MenuRows) -> Vec<String> {
        m.snapshot().iter().map(|r| r["name"].clone()).collect()
    }

    #[test]
    fn look_ups_follow_every_write_in_the_routers_order() {
        let mut m = MenuRows::new(vec![
            row("*1", "macsec1", "ether1"),
            row("*2", "macsec2", "ether2"),
            row("*3", "macsec3", "ether2"),
        ]);
        // The first row on a port, in the router's order.
        assert_eq!(m.find("interface", "ether2").unwrap()["name"], "macsec2");
        assert_eq!(m.find("name", "macsec3").unwrap()[".id"], "*3");
        let before = m.snapshot();
        // A set moves macsec2 to ether1: both indexes follow.
        m.put(row("*2", "macsec2", "ether1"));
        assert_eq!(m.find("interface", "ether2").unwrap()["name"], "macsec3");
        assert_eq!(m.find("interface", "ether1").unwrap()["name"], "macsec1");
        // A rename: the old name is gone from the index.
        m.put(row("*1", "wan", "ether1"));
        assert!(m.find("name", "macsec1").is_none());
        assert_eq!(m.find("name", "wan").unwrap()[".id"], "*1");
        // An add goes last; a remove leaves the others in order.
        m.put(row("*4", "macsec4", "ether4"));
        m.remove("*2");
        m.remove("*9");
        assert_eq!(names(&mut m), ["wan", "macsec3", "macsec4"]);
        assert!(m.find(".id", "*2").is_none());
        assert_eq!(m.len(), 3);
        // A snapshot handed out before the writes still shows what it did.
        let old: Vec<&str> = before.iter().map(|r| r["name"].as_str()).collect();
        assert_eq!(old, ["macsec1", "macsec2", "macsec3"]);
    }

    #[test]
    fn removing_most_rows_compacts_and_keeps_every_look_up_right() {
        let mut m = MenuRows::new(
            (1..=200)
                .map(|i| row(&format!("*{i}"), &format!("m{i}"), &format!("ether{i}")))
                .collect(),
        );
        assert!(m.find("name", "m1").is_some());
        for i in 1..=150 {
            m.remove(&format!("*{i}"));
        }
        assert_eq!(m.len(), 50);
        assert!(m.slots.len() < 200, "compacted: {} slots", m.slots.len());
        assert!(m.find("name", "m150").is_none());
        assert_eq!(m.find("name", "m151").unwrap()[".id"], "*151");
        assert_eq!(m.find("interface", "ether200").unwrap()["name"], "m200");
        m.put(row("*151", "renamed", "ether151"));
        assert_eq!(m.find(".id", "*151").unwrap()["name"], "renamed");
        assert_eq!(names(&mut m).first().map(String::as_str), Some("renamed"));
    }

    /// A plan of 1000 MACsec interfaces scanned the whole of `/interface`
    /// for each of them (two million rows); look-ups must not scan.
    #[test]
    fn a_plan_of_n_resources_reads_each_row_a_constant_number_of_times() {
        let n = 2000;
        let mut m = MenuRows::new(
            (1..=n)
                .map(|i| row(&format!("*{i}"), &format!("m{i}"), &format!("ether{i}")))
                .collect(),
        );
        for i in 1..=n {
            assert!(m.find("name", &format!("m{i}")).is_some());
            assert!(m.find(".id", &format!("*{i}")).is_some());
        }
        // An apply: every row replaced, then half removed, each looked up.
        for i in 1..=n {
            m.put(row(
                &format!("*{i}"),
                &format!("m{i}"),
                &format!("ether{}", i + 1),
            ));
            assert!(m.find("interface", &format!("ether{}", i + 1)).is_some());
        }
        for i in 1..=n / 2 {
            m.remove(&format!("*{i}"));
            assert!(m.find("name", &format!("m{}", n + 1 - i)).is_some());
        }
        assert!(m.scanned <= 6 * n, "{} rows read for {n} rows", m.scanned);
    }

    #[test]
    fn a_row_without_an_id_is_added_not_matched() {
        let mut m = MenuRows::new(vec![row("*1", "a", "ether1")]);
        let mut anonymous = Record::new();
        anonymous.insert("name".into(), "b".into());
        m.put(anonymous.clone());
        m.put(anonymous);
        assert_eq!(m.len(), 3);
        assert_eq!(names(&mut m), ["a", "b", "b"]);
    }
}
