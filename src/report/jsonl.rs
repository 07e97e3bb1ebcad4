//! A commit record as one JSON line, byte for byte as `serde_json` writes it, written directly:
//! the record's strings (names, e-mails, subjects, trailers) are most of a long history's
//! report, and `serde_json` checks them a byte at a time. The nested parts (assistants,
//! exceptions, findings) go through `serde_json`; tests hold the whole line to its output.

use crate::engine::record::{CommitRecord, Person};
use serde::Serialize;

/// Append `record` as `serde_json::to_writer` writes it.
pub(super) fn write_record(out: &mut Vec<u8>, record: &CommitRecord) {
    push_text(out, b"{\"type\":", record.kind);
    if let Some(repository) = &record.repository {
        push_text(out, b",\"repository\":", repository);
    }
    push_text(out, b",\"id\":", &record.id);
    out.extend_from_slice(b",\"parents\":");
    push_strs(out, &record.parents);
    push_person(out, b",\"author\":", &record.author);
    push_person(out, b",\"committer\":", &record.committer);
    push_text(out, b",\"summary\":", &record.summary);
    out.extend_from_slice(b",\"trailers\":[");
    for (i, t) in record.trailers.iter().enumerate() {
        push_text(
            out,
            if i > 0 { b",{\"key\":" } else { b"{\"key\":" },
            &t.key,
        );
        push_text(out, b",\"value\":", &t.value);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"assistants\":");
    push_serde(out, &record.assistants);
    out.extend_from_slice(b",\"exceptions\":");
    push_serde(out, &record.exceptions);
    out.extend_from_slice(b",\"production_paths\":");
    match &record.production_paths {
        Some(paths) => push_strs(out, paths),
        None => out.extend_from_slice(b"null"),
    }
    push_text(out, b",\"verdict\":", record.verdict.as_str());
    out.extend_from_slice(b",\"findings\":");
    push_serde(out, &record.findings);
    out.push(b'}');
}

/// `prefix` (punctuation and a key, written as is), then `value` as a JSON string.
fn push_text(out: &mut Vec<u8>, prefix: &[u8], value: &str) {
    out.extend_from_slice(prefix);
    push_str(out, value);
}

fn push_person(out: &mut Vec<u8>, prefix: &[u8], p: &Person) {
    out.extend_from_slice(prefix);
    push_text(out, b"{\"name\":", &p.name);
    push_text(out, b",\"email\":", &p.email);
    push_text(out, b",\"time\":", &p.time);
    out.push(b'}');
}

fn push_strs(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, s);
    }
    out.push(b']');
}

/// A list through `serde_json`; most records' are empty.
fn push_serde<T: Serialize>(out: &mut Vec<u8>, items: &[T]) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
    } else if serde_json::to_writer(&mut *out, items).is_err() {
        // Plain structs with string keys into memory: serialising them cannot fail.
        out.extend_from_slice(b"[]");
    }
}

/// Every byte 0x01, and every byte's high bit: the constants of the word test below.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any of eight bytes is a control character, `"` or `\`: a byte below 0x20 (or one
/// equal to the quote or backslash) borrows into its high bit in the subtraction, and the
/// test is exact for "any" though not for which.
fn needs_escape(word: u64) -> bool {
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let quote =
        (word ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES) & !(word ^ (ONES * u64::from(b'"')));
    let backslash =
        (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES) & !(word ^ (ONES * u64::from(b'\\')));
    (below_space | quote | backslash) & HIGHS != 0
}

/// Append `s` as a JSON string, escaped as `serde_json` escapes it: `\"`, `\\`, the short
/// forms `\b \t \n \f \r`, other control characters as `\u00xx`; nothing else.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        // Eight bytes at a time while none needs an escape.
        if let Some(word) = bytes
            .get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            && !needs_escape(u64::from_le_bytes(word))
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        let short = match b {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            0x08 => Some(b'b'),
            b'\t' => Some(b't'),
            b'\n' => Some(b'n'),
            0x0c => Some(b'f'),
            b'\r' => Some(b'r'),
            0x00..=0x1f => None,
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        match short {
            Some(c) => out.extend_from_slice(&[b'\\', c]),
            None => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        push_str(&mut out, s);
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn every_byte_value_escapes_as_serde_json_does() {
        for c in (0u32..0x800).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("abcdefgh{c}ijklmnop"),
                format!("{c}{c}{c}{c}{c}{c}{c}{c}{c}"),
            ] {
                assert_eq!(
                    escaped(&s),
                    serde_json::to_string(&s).expect("a string"),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn the_word_test_finds_each_escape_in_every_position() {
        for special in [b'"', b'\\', 0, 0x1f, b'\n'] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                assert!(needs_escape(u64::from_le_bytes(word)), "{special} at {at}");
            }
        }
        for clean in [
            *b"abcdefgh",
            *b"        ",
            [0x7f; 8],
            [0xff; 8],
            *b"!#[]^_`~",
        ] {
            assert!(!needs_escape(u64::from_le_bytes(clean)), "{clean:?}");
        }
    }

    proptest! {
        #[test]
        fn strings_escape_as_serde_json_does(s in "(?s).{0,64}", t in "[\\x00-\\x7f\"\\\\]{0,40}") {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).expect("a string"));
            prop_assert_eq!(escaped(&t), serde_json::to_string(&t).expect("a string"));
        }
    }
}
