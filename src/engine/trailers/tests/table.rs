//! Edge cases as tables. Every expectation below was printed by git 2.47 itself, and the
//! `*_agrees_with_git` tests re-run git on every row so that the table cannot drift from it.

use super::super::{cleanup, parse};
use super::oracle::Git;

/// `(name, message, what git log -1 --format='%(trailers:only,unfold)' prints)`.
type ParseRow = (&'static str, &'static [u8], &'static [&'static str]);

const PARSE_TABLE: &[ParseRow] = &[
    // Which paragraph.
    ("simple", b"Title\n\nKey: value\n", &["Key: value"]),
    ("last paragraph only", b"T\n\nA: 1\n\nB: 2\n", &["B: 2"]),
    ("title paragraph is never a block", b"A: 1\nB: 2\n", &[]),
    ("title paragraph of two lines", b"T\nA: 1\n\nB: 2\n", &["B: 2"]),
    ("no blank line at all", b"Title\nKey: value\n", &[]),
    ("title only", b"Key: value", &[]),
    ("empty message", b"", &[]),
    ("blank message", b" \n\n\t\n", &[]),
    ("no final newline", b"T\n\nA: b", &["A: b"]),
    ("leading blank lines are skipped before the title", b"\n \nA: b\n", &[]),
    ("leading blank lines then a title", b"\n\nT\n\nA: b\n", &["A: b"]),
    ("comment lines are skipped in the title", b"# c\nT\n\nA: b\n", &["A: b"]),
    ("comment-only title paragraph", b"# c\n\nA: b\n", &["A: b"]),
    ("blank lines with spaces separate paragraphs", b"T\n  \nA: b\n", &["A: b"]),
    // All lines, or 25% with a git-generated line.
    ("one prose line spoils the block", b"T\n\nA: b\nsome prose\n", &[]),
    (
        "signed-off-by lets 25% suffice",
        b"T\n\nprose\nprose\nprose\nSigned-off-by: A <a@example.com>\n",
        &["Signed-off-by: A <a@example.com>"],
    ),
    (
        "signed-off-by below 25%",
        b"T\n\nprose\nprose\nprose\nprose\nSigned-off-by: A <a@example.com>\n",
        &[],
    ),
    ("signed-off-by needs its space", b"T\n\nprose\nSigned-off-by:A\n", &[]),
    ("signed-off-by is case-sensitive", b"T\n\nprose\nsigned-off-by: a\n", &[]),
    (
        "other trailers count toward 25%",
        b"T\n\nprose\nprose\nprose\nprose\nprose\nKey: v\nSigned-off-by: A\n",
        &["Key: v", "Signed-off-by: A"],
    ),
    (
        "cherry-picked line lets 25% suffice and is not printed",
        b"T\n\nprose\nKey: v\n(cherry picked from commit 0123abc)\n",
        &["Key: v"],
    ),
    ("cherry-picked line alone", b"T\n\n(cherry picked from commit 0123abc)\n", &[]),
    (
        "continuation lines count with their trailer",
        b"T\n\nprose\nSigned-off-by: A\n  one\n  two\n  three\n",
        &["Signed-off-by: A one two three"],
    ),
    (
        "indented lines after prose count as prose (3 of 4)",
        b"T\n\nprose\n  c1\n  c2\nSigned-off-by: A\n",
        &["Signed-off-by: A"],
    ),
    (
        "indented lines after prose count as prose (4 of 5)",
        b"T\n\nprose\n  c1\n  c2\n  c3\nSigned-off-by: A\n",
        &[],
    ),
    ("indented first line is not a trailer", b"T\n\n Key: v\n", &[]),
    ("comment lines inside a block", b"T\n\nA: b\n# note\nC: d\n", &["A: b", "C: d"]),
    (
        "comment lines do not count toward 25%",
        b"T\n\nprose\n# c\n# c\n# c\n# c\nSigned-off-by: A\n",
        &["Signed-off-by: A"],
    ),
    (
        "comment line turns pending indented lines into prose",
        b"T\n\nA: b\n# c\n  cont\n",
        &[],
    ),
    // Keys and separators.
    ("space before the colon", b"T\n\nKey : v\nK2\t: w\nK3 \t :x\n", &["Key: v", "K2: w", "K3: x"]),
    ("no space after the colon", b"T\n\nKey:value\n", &["Key: value"]),
    ("space inside a key", b"T\n\nTwo words: v\n", &[]),
    ("underscore in a key", b"T\n\nKey_x: v\n", &[]),
    ("dot in a key", b"T\n\nKey.x: v\n", &[]),
    ("non-ASCII letter in a key", b"T\n\nK\xc3\xa9y: v\n", &[]),
    ("dash and digit keys", b"T\n\n-: x\n1: y\nA-1-: z\n", &["-: x", "1: y", "A-1-: z"]),
    ("colon at line start", b"T\n\n:x\n", &[]),
    ("url is a trailer whose key is the scheme", b"T\n\nhttp://example.com/x\n", &["http: //example.com/x"]),
    ("url after prose is no trailer", b"T\n\nSee http://example.com/x\n", &[]),
    ("value holds colons", b"T\n\nRefs: a: b: c\n", &["Refs: a: b: c"]),
    ("only the colon separates by default", b"T\n\nBug #42\nKey = v\n", &[]),
    ("empty value", b"T\n\nKey:\nOther: x\n", &["Key: ", "Other: x"]),
    ("empty value then a continuation", b"T\n\nKey:\n  next\n", &["Key: next"]),
    ("duplicates kept in order", b"T\n\nA: 1\nB: 2\nA: 3\n", &["A: 1", "B: 2", "A: 3"]),
    (
        "key printed as written",
        b"T\n\nco-authored-BY: Claude <noreply@anthropic.com>\n",
        &["co-authored-BY: Claude <noreply@anthropic.com>"],
    ),
    // Values, whitespace and folding.
    ("value trimmed, inner spaces kept", b"T\n\nA:   b   c  \t\n", &["A: b   c"]),
    ("space continuation", b"T\n\nA: b\n  c\n", &["A: b c"]),
    ("tab continuation", b"T\n\nA: b\n\tc\n", &["A: b c"]),
    ("several continuations", b"T\n\nA: b\n c\n\t d\nE: f\n", &["A: b c d", "E: f"]),
    ("whitespace-only line at the end folds away", b"T\n\nA: b\n   \n", &["A: b"]),
    ("space before the fold is kept", b"T\n\nA: b \n c\n", &["A: b  c"]),
    ("CR starts a continuation", b"T\n\nA: b\n\rc\n", &["A: b c"]),
    ("vertical tab is not whitespace", b"T\n\nA: b\n\x0bc\n", &[]),
    ("CRLF", b"T\r\n\r\nKey: v\r\nK2 : w\r\n", &["Key: v", "K2: w"]),
    ("CRLF continuation keeps the inner CR", b"T\n\nA: b\r\n  c\r\n", &["A: b\r c"]),
    ("non-UTF-8 value", b"T\n\nA: caf\xe9\n", &["A: caf\u{fffd}"]),
    ("NUL ends the message", b"T\n\nA: b\nB: c\0d\nprose\n", &["A: b", "B: c"]),
    // What is not part of the message.
    ("no --- divider for commits", b"T\n\nA: b\n---\nB: c\n", &[]),
    ("--- paragraph after trailers", b"T\n\nA: b\n\n---\n stat\n", &[]),
    (
        "scissors line ends the message",
        b"T\n\nA: b\n# ------------------------ >8 ------------------------\nB: c\n",
        &["A: b"],
    ),
    (
        "scissors line with trailing space is only a comment",
        b"T\n\nA: b\n# ------------------------ >8 ------------------------ \nB: c\n",
        &["A: b", "B: c"],
    ),
    ("trailing comment lines", b"T\n\nA: b\n# c\n# d\n", &["A: b"]),
    ("trailing empty lines", b"T\n\nA: b\n\n\n", &["A: b"]),
    ("old Conflicts block at the end", b"T\n\nA: b\n\nConflicts:\n\tx.c\n\ty.c\n", &["A: b"]),
    ("Conflicts: without its newline is a trailer", b"T\n\nConflicts:", &["Conflicts: "]),
    ("Conflicts block right after trailers", b"T\n\nA: b\nConflicts:\n\tx.c\n", &["A: b"]),
    (
        "Conflicts block followed by a trailer is a trailer",
        b"T\n\nA: b\nConflicts:\n\tx.c\nB: c\n",
        &["A: b", "Conflicts: x.c", "B: c"],
    ),
    // Real shapes.
    (
        "claude code footer",
        b"Add feature\n\nBody.\n\n\xf0\x9f\xa4\x96 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
        &["Co-Authored-By: Claude <noreply@anthropic.com>"],
    ),
    (
        "marker inside the block spoils it",
        b"Add feature\n\n\xf0\x9f\xa4\x96 Generated with [Claude Code](https://claude.com/claude-code)\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
        &[],
    ),
    (
        "kernel style",
        b"mm: fix\n\nBody.\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: A <a@example.com>\n",
        &["Assisted-by: Claude:claude-3-opus coccinelle sparse", "Signed-off-by: A <a@example.com>"],
    ),
];

/// `(name, git -c settings, comment prefix, message file as a hook sees it, what
/// `git commit -v --cleanup=strip` records when the editor left that file)`.
type CleanupRow = (
    &'static str,
    &'static [&'static str],
    &'static [u8],
    &'static [u8],
    &'static [u8],
);

const CLEANUP_TABLE: &[CleanupRow] = &[
    ("comments and blank runs", &[], b"#", b"\n\nT  \n# c\n\n\n\nbody\t\n", b"T\n\nbody\n"),
    ("comment needs no space", &[], b"#", b"T\n#x\n#\nbody\n", b"T\nbody\n"),
    ("indented hash is text", &[], b"#", b"T\n # x\n", b"T\n # x\n"),
    ("comment without a newline", &[], b"#", b"T\n#", b"T\n"),
    ("comment between blank lines", &[], b"#", b"a\n\n# c\n\nb", b"a\n\nb\n"),
    ("only comments", &[], b"#", b"# a\n# b\n", b""),
    ("empty", &[], b"#", b"", b""),
    ("adds the final newline", &[], b"#", b"T", b"T\n"),
    ("vertical tab and form feed are not whitespace", &[], b"#", b"a \x0b\nb\x0c\n\x0b\n\nc", b"a \x0b\nb\x0c\n\x0b\n\nc\n"),
    (
        "CRLF",
        &[],
        b"#",
        b"T\r\n\r\nbody\r\n# c\r\n\r\n\r\nKey: v\r\n",
        b"T\n\nbody\n\nKey: v\n",
    ),
    (
        "scissors",
        &[],
        b"#",
        b"T\n\nbody\n# ------------------------ >8 ------------------------\n# Do not modify.\ndiff --git a/x b/x\n+x\n",
        b"T\n\nbody\n",
    ),
    ("scissors first", &[], b"#", b"# ------------------------ >8 ------------------------\nx\n", b""),
    (
        "not scissors: CRLF",
        &[],
        b"#",
        b"T\r\n\r\nbody\r\n# ------------------------ >8 ------------------------\r\nafter\r\n",
        b"T\n\nbody\nafter\n",
    ),
    (
        "not scissors: trailing blanks",
        &[],
        b"#",
        b"T\n# ------------------------ >8 ------------------------ \t\nafter\n",
        b"T\nafter\n",
    ),
    (
        "scissors at the end without a newline is a comment line",
        &[],
        b"#",
        b"T\n# ------------------------ >8 ------------------------",
        b"T\n",
    ),
    (
        "not scissors: text after it",
        &[],
        b"#",
        b"T\n# ------------------------ >8 ------------------------x\nafter\n",
        b"T\nafter\n",
    ),
    (
        "not scissors: indented",
        &[],
        b"#",
        b"T\n  # ------------------------ >8 ------------------------\nafter\n",
        b"T\n  # ------------------------ >8 ------------------------\nafter\n",
    ),
    (
        "not scissors: two spaces",
        &[],
        b"#",
        b"T\n#  ------------------------ >8 ------------------------\nafter\n",
        b"T\nafter\n",
    ),
    (
        "custom comment char",
        &["core.commentChar=;"],
        b";",
        b"T\n; c\n# kept\n\nbody\n; ------------------------ >8 ------------------------\nafter\n",
        b"T\n# kept\n\nbody\n",
    ),
    (
        "hash scissors is text under another comment char",
        &["core.commentChar=;"],
        b";",
        b"T\n# ------------------------ >8 ------------------------\nafter\n",
        b"T\n# ------------------------ >8 ------------------------\nafter\n",
    ),
    (
        "multi-byte comment string",
        &["core.commentString=//"],
        b"//",
        b"T\n// c\n/ kept\n\nbody\n// ------------------------ >8 ------------------------\nafter\n",
        b"T\n/ kept\n\nbody\n",
    ),
];

fn printed(message: &[u8]) -> Vec<String> {
    parse(message)
        .trailers
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn parse_table() {
    let mut failures = Vec::new();
    for (name, message, expected) in PARSE_TABLE {
        let got = printed(message);
        if got != *expected {
            failures.push(format!("{name}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parse_table_agrees_with_git() {
    let git = Git::new();
    let mut failures = Vec::new();
    for (name, message, expected) in PARSE_TABLE {
        // `git commit` refuses NUL bytes and rewrites invalid UTF-8 as if it were Latin-1;
        // such rows are written as commit objects directly, byte for byte.
        let from_git = if message.contains(&0) || std::str::from_utf8(message).is_err() {
            git.log_trailers(message)
        } else {
            git.commit_trailers(message)
        };
        if from_git != *expected {
            failures.push(format!(
                "{name}: git prints {from_git:?}, table says {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cleanup_table() {
    let mut failures = Vec::new();
    for (name, _, comment, message, expected) in CLEANUP_TABLE {
        let got = cleanup(message, comment);
        if got != *expected {
            failures.push(format!(
                "{name}: got {:?}, expected {:?}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(expected)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cleanup_table_agrees_with_git() {
    let git = Git::new();
    let mut failures = Vec::new();
    for (name, config, _, message, expected) in CLEANUP_TABLE {
        let from_git = git.commit_cleanup(message, config);
        if from_git != *expected {
            failures.push(format!(
                "{name}: git records {:?}, table says {:?}",
                String::from_utf8_lossy(&from_git),
                String::from_utf8_lossy(expected)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
