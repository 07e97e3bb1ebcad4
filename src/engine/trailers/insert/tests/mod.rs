//! Tests of trailer insertion, checked against git's `interpret-trailers` and `commit`.

mod generated;
mod oracle;
mod table;

use super::add_trailers;
use crate::engine::trailers::{cleanup, parse};

/// The trailers `prepare-commit-msg` adds in most tests.
const DECLARE: &[(&str, &str)] = &[
    ("Assisted-by", "Claude Code:claude-opus-4-7"),
    ("AI-Session", "claude-code:abc123"),
];

/// Bytes as a readable string for failure messages.
fn show(bytes: &[u8]) -> String {
    format!("\"{}\"", bytes.escape_ascii())
}

/// The bytes `out` holds beyond `input`, when `out` is `input` with one run of bytes inserted
/// (`None` otherwise): every byte of the input kept, in order, at its place.
fn inserted(input: &[u8], out: &[u8]) -> Option<(usize, Vec<u8>)> {
    let extra = out.len().checked_sub(input.len())?;
    let at = input.iter().zip(out).take_while(|(a, b)| a == b).count();
    let tail = out.get(at + extra..)?;
    (tail == input.get(at..)?).then(|| (at, out.get(at..at + extra).unwrap_or_default().to_vec()))
}

/// `(key, value)` pairs of the trailers git will commit for the message file `message`.
fn committed(message: &[u8], comment: &[u8]) -> Vec<(String, String)> {
    trailers_of(&cleanup(message, comment))
}

/// `(key, value)` pairs of the trailers of a committed message.
fn trailers_of(message: &[u8]) -> Vec<(String, String)> {
    parse(message)
        .trailers
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect()
}

/// The trailers of `requested` not in `present` (key ignoring ASCII case, value trimmed), each
/// once, skipping those `add_trailers` refuses: what it must add.
fn missing(present: &[(String, String)], requested: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut missing: Vec<(String, String)> = Vec::new();
    for (key, value) in requested {
        let blank = [' ', '\t'];
        let (key, value) = (key.trim_matches(blank), value.trim_matches(blank));
        let key_ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !key_ok || value.contains(['\n', '\r', '\0']) {
            continue;
        }
        let same = |(k, v): &(String, String)| k.eq_ignore_ascii_case(key) && v == value;
        if !present.iter().any(same) && !missing.iter().any(same) {
            missing.push((key.to_string(), value.to_string()));
        }
    }
    missing
}

/// The properties every result must have, whatever the input: nothing but one insertion,
/// idempotence, and either the message left alone or, in what git will commit, the old
/// trailers followed by the missing requested ones, once each.
fn check_properties(message: &[u8], comment: &[u8], requested: &[(&str, &str)]) -> Vec<u8> {
    let out = add_trailers(message, comment, requested);
    let Some((_, added)) = inserted(message, &out) else {
        panic!(
            "bytes of the input changed:\n{}\n->\n{}",
            show(message),
            show(&out)
        );
    };
    assert_eq!(
        add_trailers(&out, comment, requested),
        out,
        "not idempotent on {}",
        show(message)
    );
    if !added.is_empty() {
        let before = committed(message, comment);
        let mut expected = before.clone();
        expected.extend(missing(&before, requested));
        assert_eq!(committed(&out, comment), expected, "in {}", show(&out));
    }
    out
}

/// [`check_properties`] for a message a hook may see, where a message is left alone only when
/// nothing is missing, or it is empty after cleanup, or it holds a NUL byte.
fn check_hook_input(message: &[u8], comment: &[u8], requested: &[(&str, &str)]) -> Vec<u8> {
    let out = check_properties(message, comment, requested);
    if out == message {
        let cleaned = cleanup(message, comment);
        let nothing_missing = missing(&committed(message, comment), requested).is_empty();
        assert!(
            nothing_missing || cleaned.is_empty() || cleaned.contains(&0),
            "nothing added to {}",
            show(message)
        );
    }
    out
}

#[test]
fn inserted_recognises_one_insertion_only() {
    assert_eq!(inserted(b"ab", b"aXb"), Some((1, b"X".to_vec())));
    assert_eq!(inserted(b"ab", b"ab"), Some((2, Vec::new())));
    assert_eq!(inserted(b"ab", b"ba"), None);
    assert_eq!(inserted(b"ab", b"XaYb"), None);
    assert_eq!(inserted(b"ab", b"a"), None);
}

#[test]
fn invalid_requested_trailers_are_skipped() {
    let message = b"Title\n";
    for bad in [
        ("", "v"),
        ("Two words", "v"),
        ("Key:", "v"),
        ("K\u{e9}y", "v"),
        ("Key", "a\nb"),
        ("Key", "a\rb"),
        ("Key", "a\0b"),
    ] {
        assert_eq!(add_trailers(message, b"#", &[bad]), message, "{bad:?}");
    }
    // Blanks around a key or value are git's to trim, not a reason to refuse.
    assert_eq!(
        add_trailers(message, b"#", &[(" Key\t", "  v ")]),
        b"Title\n\nKey: v\n"
    );
}

#[test]
fn an_empty_value_leaves_no_trailing_blank() {
    // git writes `Key: `; cleanup would drop the blank anyway, so none is written.
    assert_eq!(add_trailers(b"T\n", b"#", &[("Key", "")]), b"T\n\nKey:\n");
    check_hook_input(b"T\n", b"#", &[("Key", ""), ("Key", " ")]);
}

#[test]
fn a_message_with_a_nul_byte_is_left_alone() {
    // `git commit` refuses such a message, and the log would stop reading at the NUL.
    let message = b"Title\n\nBody\0x\n";
    assert_eq!(add_trailers(message, b"#", DECLARE), message);
}
