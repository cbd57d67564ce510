//! The inventory's YAML, read into a small tree with a bound on its size.
//!
//! `serde_norway` parses the text into events; an alias (`*name`) is replayed
//! each time it is read, so a few hundred bytes of nested aliases (a "billion
//! laughs") stand for billions of nodes. The library's own limit counts
//! jumps to an alias, not the nodes they replay, so it does not bound the
//! work. The reader here counts every node it builds, replayed ones
//! included, and stops at [`MAX_NODES`]: the cost of reading an inventory is
//! at most that many nodes, whatever the text.

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The most nodes (scalars, sequences, mappings, aliases expanded) one
/// inventory may hold: far above an inventory of the largest fleet the
/// emulator starts (some ten nodes per router and twenty per link).
pub(crate) const MAX_NODES: usize = 100_000;

/// One YAML node. Mappings keep the document's order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `~`, `null` or nothing.
    Null,
    /// A string scalar.
    Str(String),
    /// A number or a boolean: what it is (for errors) and its text.
    Other(&'static str, String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in the document's order, without duplicate keys.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What the node is, for an error (`a string`, `a mapping`, ...).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "empty",
            Node::Str(_) => "a string",
            Node::Other(kind, _) => kind,
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// The value under the string key `key` of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Node::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses `text` (one YAML document) into a [`Node`], counting nodes
/// against `budget`; the error says what is wrong and where, in
/// `serde_norway`'s words (line and column), or that the budget ran out.
pub(crate) fn parse(text: &str, budget: usize) -> Result<Node, String> {
    let left = Cell::new(budget);
    let deserializer = serde_norway::Deserializer::from_str(text);
    Bounded { left: &left }
        .deserialize(deserializer)
        .map_err(|e| e.to_string())
}

/// Builds one node, taking one from the budget first.
#[derive(Clone, Copy)]
struct Bounded<'a> {
    left: &'a Cell<usize>,
}

impl Bounded<'_> {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(n) => {
                self.left.set(n);
                Ok(())
            }
            None => Err(E::custom(format_args!(
                "more than {MAX_NODES} YAML nodes (aliases count once per use): \
                 an inventory this large is refused; write each router and link out \
                 instead of nesting aliases"
            ))),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value without tags")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Other("a boolean", v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Other("a number", v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Other("a number", v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Other("a number", v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        self.take()?;
        Ok(Node::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        self.take()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        self.take()?;
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key_seed(self)? {
            if let Node::Str(name) = &key {
                if !seen.insert(name.clone()) {
                    return Err(de::Error::custom(format_args!(
                        "the key {} appears twice in one mapping: keep one",
                        shown(name)
                    )));
                }
            }
            let value = map.next_value_seed(self)?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Node, A::Error> {
        Err(de::Error::custom(
            "a YAML tag (`!name`) is not part of an inventory: remove it",
        ))
    }
}

/// Text from the inventory as an error shows it: quoted, control characters
/// and quotes escaped, cut after 64 characters.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 64;
    let mut cut: String = text.chars().take(MAX).collect();
    if cut.len() < text.len() {
        cut.push_str("...");
    }
    format!("{cut:?}")
}
