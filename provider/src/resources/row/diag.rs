//! The shared diagnostics of row resources: one constructor per situation,
//! so that every resource says it the same way.

use crate::plugin::diag::Diagnostic;

/// RouterOS's answers to an add whose name another row of the menu has,
/// without the `failure: ` prefix (see DESIGN.md, "Facts: errors"). Only
/// these are read as a duplicate name: other refusals that say "already"
/// (a port that already carries a MACsec interface, a file that exists)
/// are something else, and are reported as RouterOS words them.
pub const DUPLICATE_NAME_MESSAGES: &[&str] = &[
    "already have interface with such name",
    "already have such name",
    "profile with such name already exists",
];

/// True when RouterOS's error `detail` says that the name is taken (one of
/// [`DUPLICATE_NAME_MESSAGES`], with or without `failure: `, any case).
pub fn is_duplicate_name(detail: &str) -> bool {
    let text = detail.trim().to_ascii_lowercase();
    let text = text.strip_prefix("failure:").unwrap_or(&text).trim();
    DUPLICATE_NAME_MESSAGES.contains(&text)
}

/// State lost the row's `.id` (an older provider, a hand-edited state).
pub fn no_id_in_state(noun: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{noun} has no id in state"),
        "The state does not say which router entry this is. Run `terraform apply -refresh-only` (or `terraform refresh`), then apply again.",
    )
}

/// The row disappeared between a write and its read-back.
pub fn vanished(noun: &str, menu: &str, id: &str, during: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{noun} vanished during {during}"),
        format!(
            "RouterOS no longer lists {id} in {menu}. Something else removed it; check the router's log, then run apply again to create it."
        ),
    )
}

/// An import id names no row.
pub fn not_found_for_import(
    noun: &str,
    menu: &str,
    endpoint: &str,
    id: &str,
    key_hint: &str,
) -> Diagnostic {
    Diagnostic::error(
        format!("{noun} not found"),
        format!(
            "The router at {endpoint} has no {menu} entry {id:?}. Import by {key_hint}, by RouterOS id (*1), or by `name=` and the exact name (for a name that looks like an id, such as name=*1); `{menu}/print` on the router lists ids and names."
        ),
    )
}

/// A listed row's name holds a character that must not reach Terraform's
/// output (a control character, a bidirectional override): the row is
/// left out of the list.
pub fn unprintable_name(noun: &str, menu: &str, id: &str, name: &str, c: char) -> Diagnostic {
    use crate::plugin::text::printable;
    Diagnostic::error(
        format!("A {noun} name holds a control character"),
        format!(
            "{menu} row {} is named \"{}\", which holds U+{:04X}; names reach Terraform's output, generated configuration and terminals, so it is left out of the list. Rename it on the router (`{menu}/set {} name=...`), then list again.",
            printable(id),
            printable(name),
            c as u32,
            printable(id),
        ),
    )
}

/// A create whose reply was lost found a row with its natural key that
/// does not hold what was sent.
pub fn conflict_after_lost_reply(
    noun: &str,
    menu: &str,
    key: &str,
    differs: &[String],
    cause: &str,
) -> Diagnostic {
    Diagnostic::error(
        format!("{noun} {key:?} exists, but not as this apply created it"),
        format!(
            "The router's reply to the add was lost ({cause}). A {menu} entry {key:?} is on the router, but its {} differ from what was sent, so it was not adopted. If it is yours, import it (`terraform import <address> {key}`); otherwise remove or rename it on the router, then apply again.",
            differs.join(", ")
        ),
    )
}

/// A create is planned for a natural key the router already has. `same`:
/// the row holds what is configured (an earlier apply whose reply was
/// lost made it, most likely), so apply adopts it and this is a
/// warning; otherwise an error. Both give the import block to paste.
pub fn already_on_router(
    type_name: &str,
    noun: &str,
    menu: &str,
    attr: &str,
    key: &str,
    same: bool,
) -> Diagnostic {
    let import = format!(
        "import {{\n  to = {type_name}.NAME\n  id = \"{key}\"\n}}\n\n(NAME: this resource's name, shown above; before Terraform 1.5: `terraform import {type_name}.NAME {key}`)"
    );
    if same {
        Diagnostic::warning(
            format!("{noun} {key:?} is already on the router, as configured"),
            format!(
                "The router has a {menu} entry with {attr} = {key:?} that holds what this configuration sets, most likely made by an earlier apply whose reply was lost. Apply adopts it instead of adding another. To take it over explicitly instead, paste:\n\n{import}"
            ),
        )
    } else {
        Diagnostic::error(
            format!("{noun} {key:?} is already on the router"),
            format!(
                "A create is planned, but the router already has a {menu} entry with {attr} = {key:?}, and it differs from this configuration, so apply would fail. To manage it with this resource, import it by pasting:\n\n{import}\n\nthen plan again to see the differences. Otherwise pick another {attr}, or remove that entry on the router."
            ),
        )
    }
}

/// The identity in state no longer names the object the state holds.
pub fn identity_changed(noun: &str, attr: &str, was: &str, now: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("{noun} {was:?} was changed on the router: its {attr} is now {now:?}"),
        format!(
            "The router entry this state tracks (same RouterOS id) now has {attr} = {now:?}; its identity stays {attr} = {was:?} until the next apply. Apply to set it back, or change `{attr}` in the configuration to {now:?} to keep the router's value."
        ),
    )
}

/// An identity given to an import lacks its attribute.
pub fn identity_incomplete(noun: &str, attr: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Cannot import {noun}: the identity has no {attr}"),
        format!("Give the identity as `identity = {{ {attr} = \"...\" }}`."),
    )
}
