//! What a menu is: [`MenuRules`], the one trait every file in `menus/` implements
//! (its rows, argument rules, backup form and export form), and [`Menu`], the handle the
//! rest of the emulator passes around. The registry of menus is `menus/mod.rs`.
//!
//! Also the shared vocabulary of the two forms a menu writes its configuration in: the
//! export script ([`ExportOptions`], [`Section`], [`quote`], [`props`], [`yes_no`]) and
//! the backup ([`config_rows`], [`rows_of`], [`str_field`], [`args_of`]).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::error::RosError;
use crate::query::Row;
use crate::state::Router;
use crate::value::Args;

/// The rules of one menu. Every method but [`MenuRules::path`] and [`MenuRules::list`]
/// has the answer of a menu that does not have that command or form.
pub(crate) trait MenuRules: Sync {
    /// The console path, e.g. `/interface/macsec`.
    fn path(&self) -> &'static str;

    /// `true` for menus that hold one object instead of a list (`/system/identity`).
    fn is_singleton(&self) -> bool {
        false
    }

    /// The properties only users with the `sensitive` policy may read.
    fn sensitive(&self) -> &'static [&'static str] {
        &[]
    }

    /// Every record in id order (a single object for singleton menus), as REST prints it.
    fn list(&self, router: &Router) -> Vec<Row>;

    /// The id of the record named by `key` (its `.id` such as `*1`, or its name).
    fn find(&self, _router: &Router, _key: &str) -> Option<u32> {
        None
    }

    /// The record with this id, as REST prints it.
    fn row(&self, _router: &Router, _id: u32) -> Option<Row> {
        None
    }

    /// `add`: creates a record (on a draft the caller discards on error).
    fn add(&self, _router: &mut Router, _args: &Args) -> Result<u32, RosError> {
        Err(RosError::no_such_command())
    }

    /// `set` on one record.
    fn set(&self, _router: &mut Router, _id: u32, _args: &Args) -> Result<(), RosError> {
        Err(RosError::no_such_command())
    }

    /// `set` on a singleton menu.
    fn set_singleton(&self, _router: &mut Router, args: &Args) -> Result<(), RosError> {
        match args.first() {
            Some((key, _)) => Err(RosError::unknown_parameter(key)),
            None => Ok(()),
        }
    }

    /// `remove` of one record.
    fn remove(&self, _router: &mut Router, _id: u32) -> Result<(), RosError> {
        Err(RosError::no_such_command())
    }

    /// A command of the menu other than `add`, `set`, `remove`, `enable`, `disable`,
    /// `get` and `print` (`/system/script/run`, `/log/info`), with its arguments (checked
    /// against the version's schema): the reply's JSON, or `None` when the emulator does
    /// not emulate the command.
    fn command(
        &self,
        _router: &mut Router,
        _name: &str,
        _args: &Args,
    ) -> Option<Result<Value, RosError>> {
        None
    }

    /// The menu's lines in an `/export` script, or `None` when it writes none.
    fn export(&self, _router: &Router, _options: &ExportOptions) -> Option<Section> {
        None
    }

    /// The menu's entry in a backup: its key in the backup's JSON object and its value.
    fn backup(&self, _router: &Router) -> Option<(&'static str, Value)> {
        None
    }

    /// Before a restore: removes what the restore adds again. Called in the reverse of
    /// the registry's order (a MACsec interface goes before the profile it names).
    fn clear(&self, _router: &mut Router) -> Result<(), RosError> {
        Ok(())
    }

    /// Puts the menu's entry of the backup `config` back (registry order).
    fn restore(&self, _router: &mut Router, _config: &Value) -> Result<(), RosError> {
        Ok(())
    }
}

/// A menu the emulator serves: a handle on its [`MenuRules`]. Two handles are equal
/// when they name the same path. The menus are constants of `Menu` (`Menu::Macsec`)
/// defined next to the registry in `menus/mod.rs`.
#[derive(Clone, Copy)]
pub(crate) struct Menu(&'static dyn MenuRules);

impl Menu {
    /// The handle of `rules`.
    pub(crate) const fn new(rules: &'static dyn MenuRules) -> Menu {
        Menu(rules)
    }

    /// The menu's rules.
    pub(crate) fn rules(self) -> &'static dyn MenuRules {
        self.0
    }

    /// The console path, e.g. `/interface/macsec`.
    pub(crate) fn path(self) -> &'static str {
        self.0.path()
    }

    /// `true` for menus that hold one object instead of a list.
    pub(crate) fn is_singleton(self) -> bool {
        self.0.is_singleton()
    }
}

impl PartialEq for Menu {
    fn eq(&self, other: &Menu) -> bool {
        self.path() == other.path()
    }
}

impl Eq for Menu {}

impl fmt::Debug for Menu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Menu({})", self.path())
    }
}

// ----- the export form -----

/// What `/export` was asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ExportOptions {
    /// Every configurable value, not only those that differ from the defaults.
    pub(crate) verbose: bool,
    /// The menu path on every line.
    pub(crate) terse: bool,
    /// Include secrets (`cak`).
    pub(crate) show_sensitive: bool,
    /// `where`: property and value an item must (or, with `negate`, must not) have.
    pub(crate) filter: Option<(String, String, bool)>,
    /// `path`: the menu to export, normalised to `/interface/macsec`.
    pub(crate) path: Option<String>,
}

/// One section of the script: a menu and its lines (without the menu prefix), each with
/// the row it came from (for `where`).
#[derive(Debug)]
pub(crate) struct Section {
    /// The menu as the script names it: `/interface macsec`.
    pub(crate) menu: &'static str,
    /// The lines, each with its row.
    pub(crate) lines: Vec<(Row, String)>,
}

/// A value as RouterOS writes it in a script.
pub(crate) fn quote(value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:/*+,@-".contains(c));
    if bare {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '?' => out.push_str("\\?"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Control characters, and every byte of a non-ASCII character,
            // as `\XX` hex (DESIGN.md, "Facts: export scripts").
            c if (c as u32) < 0x20 || c == '\x7f' || !c.is_ascii() => {
                let mut bytes = [0u8; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("\\{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Properties that are yes/no: stored as `true`/`false`, written as `yes`/`no`.
const BOOLEANS: [&str; 6] = [
    "auto-negotiation",
    "disable-running-check",
    "disabled",
    "full-duplex",
    "mdix-enable",
    "sfp-ignore-rx-los",
];

/// RouterOS's `yes`/`no` for the stored `true`/`false` of a yes/no property.
pub(crate) fn yes_no(key: &str, value: &str) -> String {
    match value {
        "true" if BOOLEANS.contains(&key) => "yes".into(),
        "false" if BOOLEANS.contains(&key) => "no".into(),
        other => other.to_string(),
    }
}

/// `key=value ...` in the order of `pairs`, values quoted.
pub(crate) fn props(pairs: &BTreeMap<String, String>) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

// ----- the backup form -----

/// Properties that describe state rather than configuration: left out of backups.
const NOT_CONFIG: [&str; 8] = [
    ".id",
    "running",
    "status",
    "inactive",
    "hw-offloaded",
    "bandwidth",
    "loop-protect-status",
    "default",
];

/// `rows` as a backup keeps them: the configuration properties, as JSON strings.
pub(crate) fn config_rows(rows: Vec<Row>) -> Value {
    Value::Array(
        rows.into_iter()
            .map(|row| {
                Value::Object(
                    row.into_iter()
                        .filter(|(k, _)| !NOT_CONFIG.contains(&k.as_str()))
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// A string property of a backed-up row.
pub(crate) fn str_field<'a>(row: &'a Value, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Value::as_str)
}

/// The rows a backup keeps under `key`.
pub(crate) fn rows_of<'a>(config: &'a Value, key: &str) -> &'a [Value] {
    config
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The `keys` of a backed-up row as arguments.
pub(crate) fn args_of(row: &Value, keys: &[&str]) -> Args {
    keys.iter()
        .filter_map(|k| str_field(row, k).map(|v| (k.to_string(), v.to_string())))
        .collect()
}

// ----- menus kept as property maps (`table.rs`) -----

/// `props` of record `id` as the emulated version prints them: `.id`, the properties
/// its `set` takes (from the dumps) and the read-only ones in `always`.
pub(crate) fn printed(router: &Router, path: &str, id: u32, props: &Row, always: &[&str]) -> Row {
    let schema = crate::schema::menu(router.version(), path);
    let mut row: Row = props
        .iter()
        .filter(|(k, _)| {
            always.contains(&k.as_str()) || schema.is_some_and(|s| s.accepts("set", k))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    row.insert(".id".into(), crate::value::format_id(id));
    row
}

/// Stores yes/no arguments as `true`/`false` and the others as given, skipping the
/// arguments that address the record (`.id`, `numbers`, `copy-from`).
pub(crate) fn store_args(props: &mut Row, args: &Args, booleans: &[&str]) -> Result<(), RosError> {
    for (key, text) in args {
        match key.as_str() {
            ".id" | "numbers" | "copy-from" => {}
            k if booleans.contains(&k) => {
                let value = crate::value::parse_bool(k, text)?;
                props.insert(key.clone(), value.to_string());
            }
            _ => {
                props.insert(key.clone(), text.clone());
            }
        }
    }
    Ok(())
}

/// The export line of one record: the properties that differ from `defaults` (all of
/// them with `verbose`), without the read-only ones in `skip`.
pub(crate) fn changed_props(row: &Row, defaults: &Row, skip: &[&str], verbose: bool) -> String {
    let pairs: BTreeMap<String, String> = row
        .iter()
        .filter(|(k, v)| {
            !skip.contains(&k.as_str())
                && k.as_str() != ".id"
                && (verbose || defaults.get(*k) != Some(*v))
        })
        .map(|(k, v)| (k.clone(), yes_no_text(v)))
        .collect();
    props(&pairs)
}

/// `yes`/`no` for stored `true`/`false`.
fn yes_no_text(value: &str) -> String {
    match value {
        "true" => "yes".into(),
        "false" => "no".into(),
        other => other.to_string(),
    }
}
