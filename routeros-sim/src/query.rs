//! `print` filtering: query-string equality filters, `.proplist` and the API query stack
//! of `POST .../print {".query": [...]}`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::RosError;

/// One record as REST returns it: property name -> text.
pub(crate) type Row = BTreeMap<String, String>;

/// Compares a stored value with a filter value; yes/no/true/false compare as booleans.
fn value_matches(stored: &str, wanted: &str) -> bool {
    fn as_bool(s: &str) -> Option<bool> {
        match s {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        }
    }
    if stored == wanted {
        return true;
    }
    match (as_bool(stored), as_bool(wanted)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `true` when every `name=value` filter matches (query-string filters are ANDed).
pub(crate) fn matches_filters(row: &Row, filters: &[(String, String)]) -> bool {
    filters.iter().all(|(key, wanted)| {
        row.get(key)
            .is_some_and(|stored| value_matches(stored, wanted))
    })
}

/// Keeps only the properties named in `proplist` (comma-separated); `None` keeps all.
pub(crate) fn apply_proplist(row: Row, proplist: Option<&str>) -> Row {
    let Some(list) = proplist else {
        return row;
    };
    let wanted: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    row.into_iter()
        .filter(|(key, _)| wanted.contains(&key.as_str()))
        .collect()
}

/// A parsed `.query`: the words of the API query language, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query(Vec<Word>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// `name`: the property exists.
    Exists(String),
    /// `-name`: the property does not exist.
    Missing(String),
    /// `name=value`.
    Equals(String, String),
    /// `<name=value`.
    Less(String, String),
    /// `>name=value`.
    Greater(String, String),
    /// `#...`: stack operations.
    Ops(Vec<Op>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Or,
    And,
    Not,
    Dup,
    Copy(usize),
}

impl Query {
    /// Parses the `.query` words; each may carry the API's leading `?`.
    pub(crate) fn parse(words: &[String]) -> Result<Query, RosError> {
        let bad = |w: &str| RosError::bad_request(format!("invalid query word: {w}"));
        let mut parsed = Vec::with_capacity(words.len());
        for raw in words {
            let word = raw.strip_prefix('?').unwrap_or(raw);
            if let Some(ops) = word.strip_prefix('#') {
                parsed.push(Word::Ops(parse_ops(ops).ok_or_else(|| bad(raw))?));
            } else if let Some(rest) = word.strip_prefix('<') {
                let (k, v) = rest.split_once('=').ok_or_else(|| bad(raw))?;
                parsed.push(Word::Less(k.into(), v.into()));
            } else if let Some(rest) = word.strip_prefix('>') {
                let (k, v) = rest.split_once('=').ok_or_else(|| bad(raw))?;
                parsed.push(Word::Greater(k.into(), v.into()));
            } else if let Some(rest) = word.strip_prefix('-') {
                if rest.is_empty() || rest.contains('=') {
                    return Err(bad(raw));
                }
                parsed.push(Word::Missing(rest.into()));
            } else if let Some((k, v)) = word.split_once('=') {
                if k.is_empty() {
                    return Err(bad(raw));
                }
                parsed.push(Word::Equals(k.into(), v.into()));
            } else if word.is_empty() {
                return Err(bad(raw));
            } else {
                parsed.push(Word::Exists(word.into()));
            }
        }
        Ok(Query(parsed))
    }

    /// Evaluates the query against a row. The stack starts as infinitely many `true`s and
    /// the row matches when no `false` remains on it.
    pub(crate) fn matches(&self, row: &Row) -> bool {
        let mut stack: Vec<bool> = Vec::new();
        let pop = |stack: &mut Vec<bool>| stack.pop().unwrap_or(true);
        for word in &self.0 {
            match word {
                Word::Exists(k) => stack.push(row.contains_key(k)),
                Word::Missing(k) => stack.push(!row.contains_key(k)),
                Word::Equals(k, v) => {
                    stack.push(row.get(k).is_some_and(|s| value_matches(s, v)));
                }
                Word::Less(k, v) => stack.push(row.get(k).is_some_and(|s| compare(s, v).is_lt())),
                Word::Greater(k, v) => {
                    stack.push(row.get(k).is_some_and(|s| compare(s, v).is_gt()));
                }
                Word::Ops(ops) => {
                    for op in ops {
                        match op {
                            Op::Or => {
                                let (a, b) = (pop(&mut stack), pop(&mut stack));
                                stack.push(a || b);
                            }
                            Op::And => {
                                let (a, b) = (pop(&mut stack), pop(&mut stack));
                                stack.push(a && b);
                            }
                            Op::Not => {
                                let a = pop(&mut stack);
                                stack.push(!a);
                            }
                            Op::Dup => {
                                let a = stack.last().copied().unwrap_or(true);
                                stack.push(a);
                            }
                            Op::Copy(i) => {
                                let a = stack.get(*i).copied().unwrap_or(true);
                                stack.push(a);
                            }
                        }
                    }
                }
            }
        }
        stack.iter().all(|v| *v)
    }
}

fn parse_ops(ops: &str) -> Option<Vec<Op>> {
    let mut out = Vec::new();
    let mut chars = ops.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push(Op::Or),
            '&' => out.push(Op::And),
            '!' => out.push(Op::Not),
            '.' => out.push(Op::Dup),
            d if d.is_ascii_digit() => {
                let mut n = d.to_digit(10)? as usize;
                while let Some(next) = chars.peek().and_then(|c| c.to_digit(10)) {
                    n = n.checked_mul(10)?.checked_add(next as usize)?;
                    chars.next();
                }
                out.push(Op::Copy(n));
            }
            _ => return None,
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// Numbers compare numerically, everything else as text.
fn compare(stored: &str, wanted: &str) -> std::cmp::Ordering {
    match (stored.parse::<i64>(), wanted.parse::<i64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => stored.cmp(wanted),
    }
}

#[cfg(test)]
mod tests;

/// Takes the `.query` of a REST `print` body (an array of query words, or
/// one word as a string) out of `object`; `None` when there is none.
pub(crate) fn take_query(object: &mut Map<String, Value>) -> Result<Option<Query>, RosError> {
    const NOT_WORDS: &str = "invalid value for argument .query: expected an array of strings";
    match object.remove(".query") {
        None => Ok(None),
        Some(Value::Array(words)) => {
            let words = words
                .into_iter()
                .map(|w| match w {
                    Value::String(s) => Ok(s),
                    _ => Err(RosError::bad_request(NOT_WORDS)),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(Query::parse(&words)?))
        }
        Some(Value::String(s)) => Ok(Some(Query::parse(&[s])?)),
        Some(_) => Err(RosError::bad_request(NOT_WORDS)),
    }
}
