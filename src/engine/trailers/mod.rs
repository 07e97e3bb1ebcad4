//! Commit-message trailers, read exactly as git reads them.
//!
//! This module owns two operations on raw message bytes:
//!
//! - [`parse`]: the trailers of a committed message, identical to what
//!   `git log -1 --format='%(trailers:only,unfold)'` prints with git's default settings
//!   (docs/trailers.md);
//! - [`cleanup`]: a `commit-msg` / `prepare-commit-msg` message file turned into what
//!   `git commit` will record (scissors, comment lines, git's `stripspace`).
//!
//! The rules mirror git's own code rather than its documentation: `trailer.c` (block detection,
//! separators, continuation lines, unfolding), `commit.c` (`ignored_log_message_bytes`: trailing
//! comment lines, empty lines, an old `Conflicts:` block and the scissors line are not part of
//! the message), and `pretty.c` (leading blank lines are skipped before the subject, so they
//! never turn the title into a trailer block). Messages need not be UTF-8: everything is done on
//! bytes with git's ASCII-only character classes, and keys and values are decoded lossily at
//! the end. Nothing here panics, whatever the input.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

pub mod insert;

#[cfg(test)]
mod tests;

/// One trailer as git prints it with `%(trailers:only,unfold)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// Key as written, trimmed (lossy UTF-8).
    pub(crate) key: String,
    /// Value unfolded and trimmed (lossy UTF-8).
    pub(crate) value: String,
    /// Byte offset in the parsed message where this trailer's first line starts.
    pub(crate) line_start: usize,
}

/// Result of parsing a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trailers {
    /// The trailers, in message order.
    pub trailers: Vec<Trailer>,
    /// Byte range of the trailer block (the last paragraph git took as trailers), if any.
    ///
    /// It ends where git's log message ends: trailing empty and comment lines are outside it.
    /// A block may hold no trailer at all (a lone `(cherry picked from commit …)` line).
    pub(crate) block: Option<Range<usize>>,
}

impl fmt::Display for Trailer {
    /// The print form `Key: value`, as git prints it (an empty value leaves `Key: `).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.value)
    }
}

/// git's comment prefix under default settings (`core.commentChar`).
const COMMENT: &[u8] = b"#";

/// The scissors line without its comment prefix and the space after it.
const CUT_LINE: &[u8] = b"------------------------ >8 ------------------------";

/// Lines git itself writes; a block holding one needs only 25% trailer lines.
const GIT_GENERATED_PREFIXES: [&[u8]; 2] = [b"Signed-off-by: ", b"(cherry picked from commit "];

/// Parse a committed message's trailers exactly as `git log --format=%(trailers:only,unfold)`
/// does (no `---` divider).
///
/// `message` is the message as stored in the commit object (after the headers). git's log
/// re-encodes a message that declares another `encoding` to UTF-8 before parsing; as every
/// rule here looks only at ASCII bytes, an ASCII-compatible encoding such as Latin-1 yields
/// the same trailers, only decoded differently (here with U+FFFD for invalid UTF-8).
pub fn parse(message: &[u8]) -> Trailers {
    // git works on the message as a C string: a NUL byte ends it.
    let message = crate::engine::facts::c_string(message);
    // `pretty.c` starts the message at the subject, after any blank lines.
    let base = skip_blank_lines(message);
    let mut parsed = parse_from_subject(message.get(base..).unwrap_or_default());
    for trailer in &mut parsed.trailers {
        trailer.line_start += base;
    }
    if let Some(block) = &mut parsed.block {
        *block = block.start + base..block.end + base;
    }
    parsed
}

/// Clean a hook's message file as `git commit` will: drop everything from the scissors line on
/// (`<comment> ------------------------ >8 ------------------------`), drop comment lines
/// starting with `comment` (bytes, default `b"#"`; git allows a multi-byte
/// `core.commentString`), then git's stripspace (trailing whitespace per line, collapse runs of
/// blank lines, drop leading/trailing blank lines, end with one newline if non-empty).
///
/// The scissors line must be exactly that line: with a CR or a space after it, git keeps what
/// follows (comment lines aside). A hook sees the file git will clean (`git commit -F` strips
/// trailing whitespace before writing it), so this matches git on every path. An empty
/// `comment` (which git does not allow) disables both comment and scissors handling.
pub fn cleanup(message: &[u8], comment: &[u8]) -> Vec<u8> {
    let end = cut_line_start(message, comment).unwrap_or(message.len());
    stripspace(message.get(..end).unwrap_or(message), comment)
}

/// How `git commit` cleans a message (`--cleanup`, `commit.cleanup`; `get_cleanup_mode` in
/// git's sequencer.c resolves `default`, and `scissors` without an editor, to one of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CleanupMode {
    /// Keep the message as it is.
    Verbatim,
    /// git's stripspace without comments: trailing whitespace, runs of blank lines.
    Whitespace,
    /// Whitespace, and drop comment lines.
    Strip,
    /// Whitespace, and drop everything from the scissors line on.
    Scissors,
}

/// Clean a message file as `git commit` does in `cleanup_message` (builtin/commit.c): cut at
/// the scissors line under `Scissors` or when `verbose` (`-v` puts a diff below it), then
/// stripspace, dropping lines that start with `comment` only under `Strip`.
pub(crate) fn cleanup_as(
    message: &[u8],
    mode: CleanupMode,
    comment: &[u8],
    verbose: bool,
) -> Vec<u8> {
    let mut end = message.len();
    if verbose || mode == CleanupMode::Scissors {
        end = cut_line_start(message, comment).unwrap_or(end);
    }
    let kept = message.get(..end).unwrap_or(message);
    match mode {
        CleanupMode::Verbatim => kept.to_vec(),
        CleanupMode::Whitespace | CleanupMode::Scissors => stripspace(kept, b""),
        CleanupMode::Strip => stripspace(kept, comment),
    }
}

/// The candidates `core.commentChar=auto` chooses from, in git's order.
const AUTO_COMMENT_CANDIDATES: &[u8] = b"#;@!$%^&|:";

/// The comment character `core.commentChar=auto` picks for `message`, as git's
/// `adjust_comment_line_char`: the first candidate that starts no line (a line starts after
/// LF or CR too) before the trailing comment, blank and `Conflicts:` lines; `#` whenever no `#`
/// appears at all. `None` when every candidate is taken (git then refuses to commit).
pub(crate) fn auto_comment_char(message: &[u8]) -> Option<u8> {
    if !message.contains(&b'#') {
        return Some(b'#');
    }
    let cutoff = end_of_log_message(message);
    AUTO_COMMENT_CANDIDATES
        .iter()
        .copied()
        .find(|&c| !starts_a_line(message, cutoff, c))
}

/// The character `core.commentChar=auto` picked for a message file git wrote for an editor:
/// the message git chose it for, followed by status lines that all start with it. So it is
/// the first candidate that starts no line before its own trailing run of comment lines.
pub(crate) fn auto_comment_char_below_status(file: &[u8]) -> Option<u8> {
    AUTO_COMMENT_CANDIDATES
        .iter()
        .copied()
        .find(|&c| !starts_a_line(file, end_of_log_message_with(file, &[c]), c))
}

/// Does a line within `buf[..cutoff]` start with `c`? As git checks it: the first byte, and any
/// byte after LF or CR.
fn starts_a_line(buf: &[u8], cutoff: usize, c: u8) -> bool {
    let scan = buf.get(..cutoff.min(buf.len())).unwrap_or(buf);
    buf.first() == Some(&c)
        || scan
            .windows(2)
            .any(|w| matches!(w[0], b'\n' | b'\r') && w[1] == c)
}

/// git's parser proper, as interpret-trailers runs it: `buf` starts at the subject and holds
/// no NUL.
fn parse_from_subject(buf: &[u8]) -> Trailers {
    let end = end_of_log_message(buf);
    let start = trailer_block_start(buf, end);
    if start >= end {
        return Trailers::default();
    }

    let mut trailers = Vec::new();
    // The trailer being read: (first line start, separator offset, end of its last line).
    let mut current: Option<(usize, usize, usize)> = None;
    let mut pos = start;
    while pos < end {
        let next = next_line(buf, pos).min(end);
        let line = buf.get(pos..next).unwrap_or_default();
        let continues = line.first().is_some_and(|&b| is_space(b));
        match &mut current {
            // Only a trailer can be continued; an indented line after anything else is
            // a line of its own (and not a trailer, as it cannot hold a key).
            Some(open) if continues => open.2 = next,
            _ => {
                if let Some(done) = current.take() {
                    trailers.push(make_trailer(buf, done));
                }
                // A comment line is never a trailer (and `#` cannot start a key anyway).
                if !line.starts_with(COMMENT)
                    && let Some(sep) = find_separator(line).filter(|&sep| sep >= 1)
                {
                    current = Some((pos, pos + sep, next));
                }
            }
        }
        pos = next;
    }
    if let Some(done) = current {
        trailers.push(make_trailer(buf, done));
    }
    Trailers {
        trailers,
        block: Some(start..end),
    }
}

/// Key and value of one trailer whose text (continuation lines included) is
/// `buf[line_start..end]`, with its separator at `sep`.
fn make_trailer(buf: &[u8], (line_start, sep, end): (usize, usize, usize)) -> Trailer {
    let key = trim(buf.get(line_start..sep).unwrap_or_default());
    let value = trim(buf.get(sep + 1..end).unwrap_or_default());
    let value = if value.contains(&b'\n') {
        Cow::Owned(unfold(value))
    } else {
        Cow::Borrowed(value)
    };
    Trailer {
        key: crate::engine::facts::lossy_utf8(key),
        value: crate::engine::facts::lossy_utf8(&value),
        line_start,
    }
}

/// git's `unfold_value`: each newline and the whitespace after it become one space. Whitespace
/// before a newline stays, and so does a CR in the middle of a folded value. git trims the
/// result again; `value` is already trimmed, so there is nothing left to trim.
fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut bytes = value.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\n' {
            while bytes.next_if(|&b| is_space(b)).is_some() {}
            out.push(b' ');
        } else {
            out.push(b);
        }
    }
    out
}

/// Where git's log message ends (`find_end_of_log_message` with no divider): before the
/// scissors line, and before a trailing run of comment lines, empty lines and an old
/// `Conflicts:` block with its tab-indented paths.
fn end_of_log_message(buf: &[u8]) -> usize {
    end_of_log_message_with(buf, COMMENT)
}

/// [`end_of_log_message`] with another comment string.
fn end_of_log_message_with(buf: &[u8], comment: &[u8]) -> usize {
    // Nearly every message has no comment character and no old `Conflicts:` block: then only
    // the trailing empty lines are cut, found from the end.
    if let Some(&first) = comment.first()
        && memchr::memchr(first, buf).is_none()
        && !has_old_conflicts_line(buf)
    {
        return trailing_empty_lines_start(buf);
    }
    end_of_log_message_by_lines(buf, comment)
}

/// Might a line start with `Conflicts:` (an old merge message's list of conflicted paths)?
fn has_old_conflicts_line(buf: &[u8]) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"Conflicts:\n"));
    FINDER.find(buf).is_some()
}

/// [`end_of_log_message_with`] line by line, as git's code reads.
fn end_of_log_message_by_lines(buf: &[u8], comment: &[u8]) -> usize {
    let cutoff = cut_line_start(buf, comment).unwrap_or(buf.len());
    // `boc` is "beginning of comments"; git uses 0 for "none", so a run starting on the very
    // first line only starts counting at the second. Kept as is to give the same answer.
    let mut boc = 0;
    let mut bol = 0;
    let mut in_old_conflicts_block = false;
    while bol < cutoff {
        let next = next_line(buf, bol);
        let rest = buf.get(bol..).unwrap_or_default();
        let head = buf.get(bol..cutoff).unwrap_or_default();
        if head.starts_with(comment) || rest.first() == Some(&b'\n') {
            if boc == 0 {
                boc = bol;
            }
        } else if rest.starts_with(b"Conflicts:\n") {
            in_old_conflicts_block = true;
            if boc == 0 {
                boc = bol;
            }
        } else if in_old_conflicts_block && rest.first() == Some(&b'\t') {
            // A path in the conflicts block.
        } else if boc != 0 {
            boc = 0;
            in_old_conflicts_block = false;
        }
        bol = next;
    }
    if boc != 0 { boc } else { cutoff }
}

/// [`end_of_log_message_with`] for a message without comment or `Conflicts:` lines: the start
/// of its trailing run of empty lines, where a run that starts on the first line counts from
/// the second (git's quirk, kept).
fn trailing_empty_lines_start(buf: &[u8]) -> usize {
    let after_last_text = buf.iter().rposition(|&b| b != b'\n').map_or(0, |i| i + 1);
    // The line holding the last text ends at its newline; empty lines start after it.
    (after_last_text + 1).min(buf.len())
}

/// git's `wt_status_locate_end`: the start of the first line that is exactly
/// `<comment> ------------------------ >8 ------------------------` and its newline. Nothing may
/// follow on the line, not even a CR: git then keeps what is below.
fn cut_line_start(buf: &[u8], comment: &[u8]) -> Option<usize> {
    if comment.is_empty() {
        return None;
    }
    let mut pos = 0;
    while pos < buf.len() {
        let next = next_line(buf, pos);
        let line = buf.get(pos..next).unwrap_or_default();
        let is_cut = line
            .strip_prefix(comment)
            .and_then(|rest| rest.strip_prefix(b" "))
            .and_then(|rest| rest.strip_prefix(CUT_LINE))
            == Some(b"\n");
        if is_cut {
            return Some(pos);
        }
        pos = next;
    }
    None
}

/// git's `find_trailer_block_start`: the start of the trailer block in `buf[..len]`, or `len`
/// when there is none.
///
/// Walking back from the last line, the block is the run of lines after the last blank line
/// (past the title paragraph) where every line is a trailer, or, when the run holds a
/// git-generated line, at least 25% are. Comment lines count as neither; indented lines count
/// with what they continue: nothing after a trailer, a non-trailer line otherwise.
fn trailer_block_start(buf: &[u8], len: usize) -> usize {
    // The title paragraph can never hold trailers. It ends at the first blank line; git skips
    // comment lines here, which changes nothing as a comment line is never blank.
    let mut end_of_title = 0;
    while end_of_title < len && !is_blank_line(buf, end_of_title) {
        end_of_title = next_line(buf, end_of_title);
    }

    let mut only_spaces = true;
    let mut recognized_prefix = false;
    let mut trailer_lines: usize = 0;
    let mut non_trailer_lines: usize = 0;
    // Indented lines seen since the last trailer: they continue the next trailer found
    // above them, or count as non-trailers when a non-trailer line comes first.
    let mut possible_continuation_lines: usize = 0;

    let mut cursor = last_line(buf, len);
    while let Some(bol) = cursor {
        if bol < end_of_title {
            break;
        }
        cursor = last_line(buf, bol);
        let line = buf.get(bol..next_line(buf, bol)).unwrap_or_default();

        if buf.get(bol..len).unwrap_or_default().starts_with(COMMENT) {
            non_trailer_lines += possible_continuation_lines;
            possible_continuation_lines = 0;
            continue;
        }
        if is_blank_line(buf, bol) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuation_lines;
            let enough = (recognized_prefix
                && trailer_lines.saturating_mul(3) >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0);
            return if enough { next_line(buf, bol) } else { len };
        }
        only_spaces = false;

        let starts_indented = line.first().is_some_and(|&b| is_space(b));
        if GIT_GENERATED_PREFIXES.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            possible_continuation_lines = 0;
            recognized_prefix = true;
        } else if find_separator(line).is_some_and(|sep| sep >= 1) && !starts_indented {
            trailer_lines += 1;
            possible_continuation_lines = 0;
        } else if starts_indented {
            possible_continuation_lines += 1;
        } else {
            non_trailer_lines += 1 + possible_continuation_lines;
            possible_continuation_lines = 0;
        }
    }
    len
}

/// git's `find_separator` with the default separators (`:` only): the offset of the `:` in
/// `<key><optional blanks>:` at the start of `line`. The key is ASCII letters, digits and `-`;
/// blanks may only follow it. `Some(0)` (a line starting with `:`) has no key.
fn find_separator(line: &[u8]) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, &c) in line.iter().enumerate() {
        if c == b':' {
            return Some(i);
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if i != 0 && (c == b' ' || c == b'\t') {
            whitespace_found = true;
            continue;
        }
        break;
    }
    None
}

/// Start of the last line in `buf[..len]` (a final newline belongs to that line), as git's
/// `last_line`; `None` when `len` is 0.
fn last_line(buf: &[u8], len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let before_last = buf.get(..len - 1).unwrap_or_default();
    Some(memchr::memrchr(b'\n', before_last).map_or(0, |nl| nl + 1))
}

/// Offset just past the newline ending the line at `pos` (or the end of `buf`).
fn next_line(buf: &[u8], pos: usize) -> usize {
    let rest = buf.get(pos..).unwrap_or_default();
    match memchr::memchr(b'\n', rest) {
        Some(nl) => pos + nl + 1,
        None => buf.len(),
    }
}

/// Whether the line at `pos` holds only whitespace (git's `is_blank_line` in `trailer.c`).
fn is_blank_line(buf: &[u8], pos: usize) -> bool {
    buf.get(pos..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b != b'\n')
        .all(|&b| is_space(b))
}

/// `pretty.c`'s `skip_blank_lines`: the offset of the first line that is not whitespace only.
fn skip_blank_lines(buf: &[u8]) -> usize {
    let mut pos = 0;
    while pos < buf.len() {
        let next = next_line(buf, pos);
        let line = buf.get(pos..next).unwrap_or_default();
        if !line.iter().all(|&b| is_space(b)) {
            break;
        }
        pos = next;
    }
    pos
}

/// git's `strbuf_stripspace` with a comment prefix (none when empty).
fn stripspace(message: &[u8], comment: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 1);
    let mut empties = 0usize;
    let mut pos = 0;
    while pos < message.len() {
        let next = next_line(message, pos);
        let line = message.get(pos..next).unwrap_or_default();
        pos = next;
        if !comment.is_empty() && line.starts_with(comment) {
            continue;
        }
        let content = trim_end(line);
        if content.is_empty() {
            empties += 1;
            continue;
        }
        if empties > 0 && !out.is_empty() {
            out.push(b'\n');
        }
        empties = 0;
        out.extend_from_slice(content);
        out.push(b'\n');
    }
    out
}

/// git's `isspace`: locale-independent and only these four bytes (not `\v` or `\f`).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or_default()
}

/// git's `strbuf_trim`.
fn trim(bytes: &[u8]) -> &[u8] {
    let bytes = trim_end(bytes);
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}
