//! Adding trailers to a message file, as the `prepare-commit-msg` hook does.
//!
//! This module owns [`add_trailers`]: given the file git is about to show in the editor (or
//! commit with `-m`/`-F`), it inserts the missing trailers where
//! `git interpret-trailers --where end --if-exists addIfDifferent --no-divider` puts them, and
//! changes no other byte.
//!
//! The place is chosen on what git will commit, not on the raw file: the file is cleaned with
//! [`cleanup`] and parsed with [`parse`], and the insertion point is the end of that message's
//! trailer block (or of its text, when there is no block), mapped back to the raw line it came
//! from. interpret-trailers reads the raw file instead; there it rewrites existing trailers,
//! drops comment and whitespace-only lines inside the block, writes LF into CRLF files and, in
//! a few shapes (blank lines before the title, whitespace-only lines after the block, an old
//! `Conflicts:` block git does not recognise, `#` lines under another comment string), puts
//! the trailers where the committed message no longer reads them, or no longer reads the old
//! ones. Its duplicate test is also looser (a key that is a prefix of the other matches, values
//! compare ignoring case); here a trailer is present only when the key matches ignoring ASCII
//! case and the trimmed value matches exactly.

use crate::engine::trailers::{cleanup, is_space, next_line, parse, trim_end};

/// Add each `(key, value)` trailer that the message's trailer block does not already hold
/// (same key ignoring ASCII case, same value after trimming), keeping every byte of the user's
/// text. `comment` is the comment string (b"#" by default; git's core.commentString).
///
/// The new lines go right after the last line of the trailer block of the message git will
/// commit (so before trailing comment lines and the scissors part); without a block, a blank
/// line and the trailers follow the message's last line of text (before an old `Conflicts:`
/// block, as git does). They take the line ending of the line they follow (of the line before
/// it when that one has none), and a last line without a newline gets one. The message is
/// returned unchanged when it is empty after cleanup (so that `git commit` still aborts an
/// empty commit), when it holds a NUL byte (git refuses to commit it), when every trailer is
/// already there, or when the result would not read back as the old trailers followed by the
/// new ones (a comment string that swallows the blank line, which git does not allow).
///
/// A requested trailer that could not be read back as given is skipped: a key that is not
/// ASCII letters, digits and `-`, or a value holding a line break or a NUL byte.
pub fn add_trailers(message: &[u8], comment: &[u8], trailers: &[(&str, &str)]) -> Vec<u8> {
    let cleaned = cleanup(message, comment);
    if cleaned.is_empty() || cleaned.contains(&0) {
        return message.to_vec();
    }
    let parsed = parse(&cleaned);
    let existing: Vec<(&str, &str)> = parsed
        .trailers
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();

    let mut missing: Vec<(&str, &str)> = Vec::new();
    for (key, value) in trailers {
        let (key, value) = (trim(key), trim(value));
        if !is_valid_key(key) || !is_valid_value(value) {
            continue;
        }
        let same = |&(k, v): &(&str, &str)| k.eq_ignore_ascii_case(key) && v == value;
        if !existing.iter().any(same) && !missing.iter().any(same) {
            missing.push((key, value));
        }
    }
    if missing.is_empty() {
        return message.to_vec();
    }

    // The non-empty lines of the cleaned message are the raw file's content lines (neither
    // comment nor blank), each trimmed, in order: the n-th of one is the n-th of the other.
    let (end, new_paragraph) = match &parsed.block {
        Some(block) => (block.end, false),
        None => (end_of_message(&cleaned), true),
    };
    let lines_before = content_lines(cleaned.get(..end).unwrap_or_default()).count();
    let Some(line) = content_line(message, comment, &cleaned, lines_before) else {
        return message.to_vec();
    };

    let eol = line_ending(message, line.end);
    let mut insert = Vec::new();
    if !message.get(..line.end).unwrap_or_default().ends_with(b"\n") {
        insert.extend_from_slice(eol);
    }
    if new_paragraph {
        insert.extend_from_slice(eol);
    }
    for (key, value) in &missing {
        insert.extend_from_slice(key.as_bytes());
        insert.push(b':');
        if !value.is_empty() {
            insert.push(b' ');
            insert.extend_from_slice(value.as_bytes());
        }
        insert.extend_from_slice(eol);
    }

    let mut out = Vec::with_capacity(message.len() + insert.len());
    out.extend_from_slice(message.get(..line.end).unwrap_or_default());
    out.extend_from_slice(&insert);
    out.extend_from_slice(message.get(line.end..).unwrap_or_default());

    // Trailers git would not read back are worse than none: the hook's caller can still report
    // them missing.
    let expected = existing.iter().chain(&missing).copied();
    let reread = parse(&cleanup(&out, comment));
    let got = reread
        .trailers
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()));
    if got.eq(expected) {
        out
    } else {
        message.to_vec()
    }
}

/// The raw line (byte range, newline included) that became the `number`-th (1-based)
/// non-empty line of `cleaned`: the `number`-th line that `cleanup` neither dropped as a
/// comment nor as blank.
fn content_line(
    message: &[u8],
    comment: &[u8],
    cleaned: &[u8],
    number: usize,
) -> Option<std::ops::Range<usize>> {
    let wanted = content_lines(cleaned).nth(number.checked_sub(1)?)?;
    let mut seen = 0;
    let mut pos = 0;
    while pos < message.len() {
        let next = next_line(message, pos);
        let line = message.get(pos..next)?;
        let is_comment = !comment.is_empty() && line.starts_with(comment);
        if !is_comment && !line.iter().all(|&b| is_space(b)) {
            seen += 1;
            if seen == number {
                return (trim_end(line) == wanted).then_some(pos..next);
            }
        }
        pos = next;
    }
    None
}

/// Where the message ends for a new trailer paragraph, in a cleaned message without a trailer
/// block: where `git interpret-trailers` ends it on the raw file (`commit.c`'s
/// `ignored_log_message_bytes`: before a trailing run of empty lines and an old `Conflicts:`
/// block; comment lines are already gone), and before a `#` scissors line, as the log will cut
/// there. Such a line, and `#` lines in general, survive cleanup only under another comment
/// string; the log ignores trailing `#` lines, but trailers after them still read back, and
/// that is where git puts them.
fn end_of_message(cleaned: &[u8]) -> usize {
    const SCISSORS: &[u8] = b"# ------------------------ >8 ------------------------\n";
    let mut cutoff = cleaned.len();
    let mut pos = 0;
    while pos < cleaned.len() {
        let next = next_line(cleaned, pos);
        if cleaned.get(pos..next) == Some(SCISSORS) {
            cutoff = pos;
            break;
        }
        pos = next;
    }
    // git uses 0 for "no run yet", so a run starting on the first line starts at the second.
    let (mut run, mut in_conflicts, mut bol) = (0, false, 0);
    while bol < cutoff {
        let line = cleaned.get(bol..cutoff).unwrap_or_default();
        if line.starts_with(b"\n") {
            if run == 0 {
                run = bol;
            }
        } else if line.starts_with(b"Conflicts:\n") {
            in_conflicts = true;
            if run == 0 {
                run = bol;
            }
        } else if !(in_conflicts && line.starts_with(b"\t")) && run != 0 {
            run = 0;
            in_conflicts = false;
        }
        bol = next_line(cleaned, bol);
    }
    if run != 0 { run } else { cutoff }
}

/// The line ending to write after byte `at`: that of the line ending there, or, for a last
/// line without one, that of the line before it.
fn line_ending(message: &[u8], at: usize) -> &'static [u8] {
    let before = message.get(..at).unwrap_or_default();
    let last_newline = if before.ends_with(b"\n") {
        Some(at - 1)
    } else {
        before.iter().rposition(|&b| b == b'\n')
    };
    match last_newline {
        Some(nl) if nl > 0 && message.get(nl - 1) == Some(&b'\r') => b"\r\n",
        _ => b"\n",
    }
}

/// A key git reads back as the whole key: ASCII letters, digits and `-`.
fn is_valid_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A value that stays on its line.
fn is_valid_value(value: &str) -> bool {
    !value.bytes().any(|b| matches!(b, b'\n' | b'\r' | 0))
}

/// The non-empty lines of a cleaned message (which has no whitespace-only ones).
fn content_lines(cleaned: &[u8]) -> impl Iterator<Item = &[u8]> {
    cleaned
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
}

/// Offset just past the newline ending the line at `pos` (or the end of `buf`).
/// Trim git's whitespace (the other bytes of a `&str` are never whitespace to git).
fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii() && is_space(c as u8))
}

#[cfg(test)]
mod tests;
