//! Router text on its way to Terraform's output, a terminal or a file name:
//! which characters a name may not hold, and a printable form of any text.
//! Plain `std` code: the `generate_config` fuzz target compiles this file
//! on its own.

/// True for a character that must not reach a terminal, a label, a file
/// name or a line of configuration unescaped: control characters (C0, DEL,
/// C1), bidirectional embeddings, overrides, isolates and marks (which make
/// a line read differently from what it holds), the line and paragraph
/// separators, and the byte order mark.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
        )
}

/// The first unprintable character of `s` (see [`is_unprintable`]).
pub fn unprintable(s: &str) -> Option<char> {
    s.chars().find(|&c| is_unprintable(c))
}

/// `s` with every unprintable character written as `\u{XXXX}`, for
/// messages and display names; other text is kept as it is.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unprintable(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// At most `max` characters of `s` (a name from outside, before it goes
/// into a message).
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The edit distance (Levenshtein) between `a` and `b`, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The `n` of `candidates` nearest to `word` by [`distance`], closest
/// first (ties in alphabetical order): the names a "did you mean" or a
/// "the nearest known are" message offers.
pub fn nearest<'a>(word: &str, candidates: &[&'a str], n: usize) -> Vec<&'a str> {
    let word = clip(word, 256);
    let mut by: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (distance(&word, c), *c))
        .collect();
    by.sort();
    by.into_iter().take(n).map(|(_, c)| c).collect()
}

/// The one of `candidates` that `word` was most likely meant to be: the
/// nearest, when at most two edits or a third of its characters apart
/// (two letters swapped are two edits).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let best = *nearest(word, candidates, 1).first()?;
    let allowed = (best.chars().count() / 3).max(2);
    (distance(&clip(word, 256), best) <= allowed).then_some(best)
}

/// The longest name of a route (such as a router of a fleet: a key of
/// the provider's `routers`).
pub const ROUTE_NAME_MAX: usize = 64;

/// What is wrong with `name` as the name of a route (a router of a fleet:
/// 1 to 64 of `A-Z a-z 0-9 _ -`, so never a `/`, which separates the
/// router from the id in an import id), or `None` when it is one. The
/// name itself is not repeated: it may hold anything.
pub fn route_name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if len == 0 {
        return Some("is empty".into());
    }
    if len > ROUTE_NAME_MAX {
        return Some(format!(
            "is {len} characters long, more than {ROUTE_NAME_MAX}"
        ));
    }
    let (at, c) = name
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))?;
    Some(format!(
        "has the character U+{:04X} at position {}: a router name is letters, digits, `_` and `-`",
        c as u32,
        at + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_unprintable_and_shown_escaped() {
        for c in [
            '\0', '\n', '\r', '\t', '\u{1b}', '\u{7f}', '\u{85}', '\u{202e}', '\u{2028}',
        ] {
            assert!(is_unprintable(c), "{c:?}");
        }
        for c in ['a', ' ', '"', '\\', '$', '{', 'é', '中', '🙂'] {
            assert!(!is_unprintable(c), "{c:?}");
        }
        assert_eq!(unprintable("ok\u{7}x"), Some('\u{7}'));
        assert_eq!(printable("a\u{1b}[2Jb\u{202e}"), "a\\u{001B}[2Jb\\u{202E}");
        assert_eq!(printable("plain \"q\""), "plain \"q\"");
    }

    #[test]
    fn distance_and_the_nearest_names() {
        assert_eq!(super::distance("kitten", "sitting"), 3);
        assert_eq!(super::distance("", "abc"), 3);
        assert_eq!(
            super::nearest("dhpc", &["dns", "dhcp", "ntp"], 2),
            ["dhcp", "dns"]
        );
        assert_eq!(
            super::did_you_mean("pasword", &["password", "url"]),
            Some("password")
        );
        assert_eq!(super::did_you_mean("zzz", &["password", "url"]), None);
        assert_eq!(super::did_you_mean("egde", &["core", "edge"]), Some("edge"));
        assert_eq!(super::clip("ab\u{e9}cd", 3), "ab\u{e9}");
    }
}
