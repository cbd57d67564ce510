//! RouterOS's logging topics (DESIGN.md, "Facts: logging"), and the
//! nearest known topics to one it does not know.

/// The topic names RouterOS 7 accepts in a logging rule's `topics`: the
/// RouterOS Log documentation's list and the names later versions added
/// (`data/routeros-logging-topics.txt`, which the emulator reads too).
/// Neither `macsec` nor `mka` is a topic.
pub static TOPICS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("../../../../data/routeros-logging-topics.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// The known topics nearest to `topic` (at most three, closest first).
pub fn nearest(topic: &str) -> Vec<&'static str> {
    crate::plugin::text::nearest(topic, &TOPICS, 3)
}

/// The problem with one member of `topics` (`!` negates a topic), if any.
pub fn check(topic: &str) -> Option<String> {
    let name = topic.strip_prefix('!').unwrap_or(topic);
    if TOPICS.contains(&name) {
        return None;
    }
    let name: String = name.chars().take(64).collect();
    let shown = crate::plugin::text::printable(&name);
    let hint = match name.as_str() {
        "macsec" | "mka" => {
            " RouterOS has no macsec or mka topic: it logs MACsec and MKA events under `interface` (with `info` and `warning`)."
        }
        _ => "",
    };
    Some(format!(
        "{shown:?} is not a RouterOS logging topic; the nearest known are {}.{hint}",
        nearest(&name).join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_topic_is_named_with_the_nearest_known_ones() {
        assert_eq!(check("interface"), None);
        assert_eq!(check("!debug"), None);
        let e = check("interfase").unwrap();
        assert!(
            e.starts_with("\"interfase\" is not") && e.contains("nearest known are interface"),
            "{e}"
        );
        let e = check("macsec").unwrap();
        assert!(e.contains("under `interface`"), "{e}");
        assert_eq!(nearest("dhpc")[0], "dhcp");
    }

    #[test]
    fn hostile_topics_are_shown_printable_and_short() {
        let e = check(&format!("a\nb\u{202e}{}", "x".repeat(10_000))).unwrap();
        assert!(
            !e.contains('\n') && !e.contains('\u{202e}') && e.len() < 400,
            "{e}"
        );
        assert!(check("").is_some() && check("!").is_some());
    }
}
