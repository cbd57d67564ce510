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
}
