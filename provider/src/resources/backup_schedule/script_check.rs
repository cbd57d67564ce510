//! The property the backup script's generator and reader hold for any
//! input: arguments the plan-time checks accept render a script that reads
//! back as exactly those arguments, whose masked form never holds the
//! password, and in which no argument can end its quoted string early; any
//! router text (hostile, cut off, huge) is read or refused without a panic,
//! and masking it never leaves the configured password or a quoted
//! `password=` value in what state would show. Shared by the seeded unit
//! test beside it and the `backup_script` fuzz target (which compiles this
//! file and `script.rs` on their own).

use super::script::{
    MASK, Params, escape, mask_passwords, masked, parse, prefix_problem, render, text_problem,
    time_property,
};
use crate::secrets::Zeroizing;

/// Arguments and router text made from arbitrary bytes: a prefix, a
/// retention, a message, a password (`None` when the first byte is even)
/// and a router script, each a run of the input up to a 0xFF byte. True
/// when the arguments passed the checks and a script was rendered.
pub(crate) fn check(data: &[u8]) -> bool {
    let mut parts = data.split(|b| *b == 0xFF);
    let mut next = || String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let (prefix, message, password, router) = (next(), next(), next(), next());
    let keep = i64::from(data.first().copied().unwrap_or(7)) + 1;
    let with_password = data.first().is_some_and(|b| b % 2 == 1);

    // Router text: read or refused, never a panic; masked, it keeps no
    // configured password (one that is not made of the mask's own
    // characters) and no quoted `password=` value.
    let _ = parse(&router);
    let shown = mask_passwords(&router, Some(&password));
    if !password.is_empty() && !password.contains('*') {
        assert!(!shown.contains(&password), "the password survives masking");
    }
    for (at, _) in shown.match_indices("password=") {
        let value = &shown[at + "password=".len()..];
        if value.starts_with('"') {
            assert!(value.starts_with(&format!("\"{MASK}\"")), "{value}");
        }
    }

    if prefix_problem(&prefix).is_some()
        || text_problem(&message, 255).is_some()
        || (with_password && (password.is_empty() || text_problem(&password, 128).is_some()))
    {
        return false;
    }
    let p = Params {
        prefix,
        keep,
        message,
        time: time_property(keep % 2 == 0),
        password: with_password.then(|| Zeroizing::new(password.clone())),
    };
    let source = render(&p);
    assert_eq!(parse(&source), Some(p.clone()), "the script reads back");
    // Each argument stays inside its quotes: the lines of the template keep
    // their count, and every `"` the arguments bring is escaped.
    assert_eq!(
        source.lines().count(),
        super::script::TEMPLATE.lines().count()
    );
    for text in [&p.message, &password] {
        let escaped = escape(text);
        let mut backslashes = 0;
        for c in escaped.chars() {
            if c == '"' || c == '$' {
                assert_eq!(backslashes % 2, 1, "{escaped}");
            }
            backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        }
    }
    if with_password {
        let shown = masked(&p);
        assert!(shown.contains(&format!("password=\"{MASK}\"")));
        let argument = format!("password=\"{}\"", escape(&password));
        if !password.contains('*') {
            assert!(
                !shown.contains(&argument),
                "the masked script shows the password"
            );
        }
    }
    true
}
