//! Realistic hook inputs, each compared with `git interpret-trailers` on the same bytes and
//! committed with `git commit` to see which trailers git records.

use super::oracle::{Commit, Git};
use super::{DECLARE, add_trailers, check_hook_input, cleanup, show};

/// What `git commit` writes in the message file before the editor runs.
macro_rules! template {
    () => {
        "\n# Please enter the commit message for your changes. Lines starting\n\
         # with '#' will be ignored, and an empty message aborts the commit.\n\
         #\n# On branch main\n# Changes to be committed:\n#\tmodified:   src/lib.rs\n#\n"
    };
}

/// What `git commit -v` adds below the template.
macro_rules! verbose {
    () => {
        "# ------------------------ >8 ------------------------\n\
         # Do not modify or remove the line above.\n\
         # Everything below it will be ignored.\n\
         diff --git a/src/lib.rs b/src/lib.rs\n\
         index 3b18e51..a042389 100644\n\
         --- a/src/lib.rs\n\
         +++ b/src/lib.rs\n\
         @@ -1 +1,2 @@\n\
         -old\n\
         +Assisted-by: Claude Code:claude-opus-4-7\n\
         +\n"
    };
}

/// How the result compares with `git interpret-trailers` on the same input.
#[derive(Debug, Clone, Copy)]
enum Versus {
    /// Byte for byte the same.
    Same,
    /// interpret-trailers rewrites bytes of the user's text (the reason): git commits the same
    /// trailers from both results, and the added lines sit after the same user lines.
    Rewrites(&'static str),
    /// git commits other trailers from interpret-trailers' result (the reason): an old or a
    /// requested trailer is lost, or one is there twice.
    CommitsOther(&'static str),
    /// interpret-trailers' duplicate test is looser (the reason): it adds fewer trailers.
    AddsFewer(&'static str),
}
use Versus::{AddsFewer, CommitsOther, Rewrites, Same};

struct Row {
    name: &'static str,
    message: &'static [u8],
    comment: &'static [u8],
    trailers: &'static [(&'static str, &'static str)],
    /// The trailers added, in git's print form: git must commit these after the old ones.
    adds: &'static [&'static str],
    git: Versus,
}

const BOTH: &[&str] = &[
    "Assisted-by: Claude Code:claude-opus-4-7",
    "AI-Session: claude-code:abc123",
];

const ROWS: &[Row] = &[
    Row {
        name: "-m title",
        message: b"Fix the frobnicator\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "title without a final newline",
        message: b"Fix the frobnicator",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "title and the editor template",
        message: concat!("Fix the frobnicator\n", template!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "title, body and the template",
        message: concat!("Fix the frobnicator\n\nIt spun the wrong way.\n", template!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "existing trailer block",
        message: concat!(
            "Fix the frobnicator\n\nIt spun.\n\nReviewed-by: R <r@example.com>\nFixes: #12\n",
            template!()
        )
        .as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "declaration already there",
        message: concat!(
            "Fix\n\nAssisted-by: Claude Code:claude-opus-4-7\n",
            template!()
        )
        .as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: &["AI-Session: claude-code:abc123"],
        git: Same,
    },
    Row {
        name: "both there, other key case and padded values",
        message: concat!(
            "Fix\n\nassisted-BY:   Claude Code:claude-opus-4-7  \n",
            "ai-session : claude-code:abc123\n",
            template!()
        )
        .as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: &[],
        git: Rewrites("it prints every existing trailer as `key: value`, dropping the padding"),
    },
    Row {
        name: "signed-off block with prose (the 25% rule)",
        message: concat!(
            "Fix\n\nBody.\n\nThis was reviewed on the list\nand tested on arm64.\n",
            "Signed-off-by: A U Thor <author@example.com>\n",
            template!()
        )
        .as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "last paragraph is prose",
        message: b"Fix\n\nReviewed-by: R <r@example.com>\nand also by the team.\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "declaration in an earlier paragraph only",
        message: b"Squashed\n\n* one\nAssisted-by: Claude Code:claude-opus-4-7\n\n* two\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "commit -v: template, scissors and a diff",
        message: concat!("Fix\n", template!(), verbose!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "commit -v with a trailer block",
        message: concat!("Fix\n\nReviewed-by: R\n", template!(), verbose!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "CRLF title",
        message: b"Fix\r\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Rewrites("it writes LF lines into a CRLF file"),
    },
    Row {
        name: "CRLF message, LF template",
        message: concat!("Fix\r\n\r\nBody.\r\n\r\nReviewed-by: R\r\n", template!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Rewrites("it rewrites `Reviewed-by: R\\r\\n` with LF and adds LF lines"),
    },
    Row {
        name: "CRLF throughout, blank line before the comments",
        message: b"Fix\r\n\r\nReviewed-by: R\r\n\r\n# Please enter the message.\r\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Rewrites("a CRLF blank line joins its block, and it drops it"),
    },
    Row {
        name: "no final newline, last line a trailer",
        message: b"Fix\n\nReviewed-by: R",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "no final newline after a comment",
        message: b"Fix\n\nBody.\n# a note",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Rewrites("it ends the unterminated comment line with a newline"),
    },
    Row {
        name: "continuation lines",
        message: concat!(
            "Fix\n\nCc: A <a@example.com>,\n  B <b@example.com>\nReviewed-by: R\n",
            template!()
        )
        .as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "comment line inside the block",
        message: concat!("Fix\n\nReviewed-by: R\n# keep me\nCc: C\n", template!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Rewrites("it drops comment lines inside the block"),
    },
    Row {
        name: "whitespace-only line after the block",
        message: concat!("Fix\n\nReviewed-by: R\n \t\n", template!()).as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Rewrites("a whitespace-only line joins its block, and it drops it"),
    },
    Row {
        name: "whitespace-only last line after a non-trailer block line",
        message: b"Fix\n\nReviewed-by: R\n(cherry picked from commit 0123456789abcdef)\n \t\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: CommitsOther(
            "the whitespace-only line stays in its block, the trailers go after it, and once \
             cleaned they are a paragraph of their own: `Reviewed-by` is lost",
        ),
    },
    Row {
        name: "CRLF blank last line after a comment in the block",
        message: b"Fix\r\n\r\nReviewed-by: R\r\n# a note\r\n\r\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: CommitsOther(
            "`\\r\\n` is not an empty line to it: as above, `Reviewed-by` is lost",
        ),
    },
    Row {
        name: "leading blank lines, title looks like a trailer",
        message: b"\n\nAssisted-by: Claude Code:claude-opus-4-7\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: CommitsOther(
            "it takes the title for a trailer block (commit drops the blank lines first) and \
             appends to it, so nothing is a trailer once committed",
        ),
    },
    Row {
        name: "cherry-pick line only",
        message: b"Fix\n\nBody.\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "comment string ';', issue references starting with '#'",
        message: b"Fix\n\n#42 is fixed by this.\n\n; Please enter the commit message.\n;\n",
        comment: b";",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "comment string ';', '#' line inside the block",
        message: b"Fix\n\n#42\nReviewed-by: R\n\n; Please enter the commit message.\n",
        comment: b";",
        trailers: DECLARE,
        adds: BOTH,
        git: CommitsOther(
            "a `#` line is text to it but a comment to the log: it starts a new paragraph, \
             so `Reviewed-by` is no longer a trailer once committed",
        ),
    },
    Row {
        name: "comment string ';' with commit -v",
        message: b"Fix\n\nReviewed-by: R\n\n; Please enter.\n\
                   ; ------------------------ >8 ------------------------\n\
                   ; Do not modify or remove the line above.\n\
                   diff --git a/x b/x\n+Key: v\n",
        comment: b";",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "old-style Conflicts block",
        message: b"Merge branch 'topic'\n\nConflicts:\n\tsrc/lib.rs\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "old-style Conflicts block, CRLF",
        message: b"Merge branch 'topic'\r\n\r\nConflicts:\r\n\tsrc/lib.rs\r\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: CommitsOther(
            "`Conflicts:\\r` is not the marker to it, so it takes the block for a trailer, \
             appends to it and rewrites it: `Conflicts: src/lib.rs` becomes a trailer",
        ),
    },
    Row {
        name: "old-style Conflicts blocks around a whitespace-only line",
        message: b"Merge branch 'topic'\n\nConflicts:\n\tsrc/lib.rs\n \nConflicts:\n\tsrc/main.rs\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: CommitsOther(
            "only empty lines delimit the block for it, so it takes the first one for a \
             trailer, appends to it and rewrites it",
        ),
    },
    Row {
        name: "commented conflicts of a merge",
        message: concat!(
            "Merge branch 'topic'\n\n# Conflicts:\n#\tsrc/lib.rs\n#\n",
            "# It looks like you may be committing a merge.\n",
            template!()
        )
        .as_bytes(),
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "requested twice, other case and padding",
        message: b"Fix\n",
        comment: b"#",
        trailers: &[
            ("Assisted-by", "Claude Code:claude-opus-4-7"),
            ("assisted-by", "  Claude Code:claude-opus-4-7 "),
        ],
        adds: &["Assisted-by: Claude Code:claude-opus-4-7"],
        git: Same,
    },
    Row {
        name: "a `---` line is text",
        message: b"Fix\n\nBefore.\n---\nReviewed-by: R\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
    Row {
        name: "existing key is a prefix of the requested one",
        message: b"Fix\n\nAssisted: Claude Code:claude-opus-4-7\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: AddsFewer("it takes `Assisted` for the same key as `Assisted-by` (prefix match)"),
    },
    Row {
        name: "existing value differs in case",
        message: b"Fix\n\nAI-Session: claude-code:ABC123\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: AddsFewer("it compares values ignoring case"),
    },
    Row {
        name: "existing value folded over two lines",
        message: b"Fix\n\nAI-Session: claude-code:\n abc123\n",
        comment: b"#",
        trailers: &[("AI-Session", "claude-code: abc123")],
        adds: &[],
        git: CommitsOther(
            "it compares the value before unfolding, so it adds the trailer again: the \
             committed message holds it twice",
        ),
    },
    Row {
        name: "Latin-1 body",
        message: b"Caf\xe9 fix\n\nR\xe9sum\xe9.\n\nReviewed-by: Ren\xe9\n",
        comment: b"#",
        trailers: DECLARE,
        adds: BOTH,
        git: Same,
    },
];

#[test]
fn rows_match_git() {
    assert!(ROWS.len() >= 20);
    let git = Git::new();
    let messages: Vec<Vec<u8>> = ROWS.iter().map(|row| row.message.to_vec()).collect();
    for (row, message) in ROWS.iter().zip(&messages) {
        let ours = check_hook_input(message, row.comment, row.trailers);
        let theirs = git
            .interpret_trailers(std::slice::from_ref(message), row.comment, row.trailers)
            .remove(0);
        let name = row.name;

        let Commit::Made(before) = git.commit(message, row.comment) else {
            panic!("{name}: git aborted the original message");
        };
        let mut expected = before.clone();
        expected.extend(row.adds.iter().map(ToString::to_string));
        let committed = git.commit(&ours, row.comment);
        assert_eq!(committed, Commit::Made(expected), "{name}: {}", show(&ours));

        let git_committed = git.commit(&theirs, row.comment);
        match row.git {
            Same => assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "{name}"
            ),
            Rewrites(why) => {
                assert_ne!(ours, theirs, "{name}: no longer differs ({why})");
                assert_eq!(git_committed, committed, "{name}: {}", show(&theirs));
                assert_eq!(
                    place(&ours, row.comment, row.adds),
                    place(&theirs, row.comment, row.adds),
                    "{name}: {}",
                    show(&theirs)
                );
            }
            CommitsOther(why) => assert_ne!(
                git_committed,
                committed,
                "{name}: git now gets it right ({why}): {}",
                show(&theirs)
            ),
            AddsFewer(why) => {
                let Commit::Made(git_trailers) = git_committed else {
                    panic!("{name}: git aborted its own result");
                };
                let Commit::Made(ours) = &committed else {
                    unreachable!("checked above");
                };
                assert!(git_trailers.len() < ours.len(), "{name}: not {why}");
                assert!(git_trailers.iter().all(|t| ours.contains(t)), "{name}");
            }
        }
    }
}

/// How many lines of the cleaned message come before the first added trailer.
fn place(message: &[u8], comment: &[u8], adds: &[&str]) -> Option<usize> {
    let first = adds.first()?;
    cleanup(message, comment)
        .split(|&b| b == b'\n')
        .position(|line| line == first.as_bytes())
}

/// A message with nothing but comments and blank lines is left alone, so that `git commit`
/// still aborts it as empty. interpret-trailers would add the trailers (after the first comment
/// line, git's `boc` quirk) and the commit would then go through.
#[test]
fn an_empty_message_is_left_alone() {
    let git = Git::new();
    let messages: Vec<Vec<u8>> = [
        concat!(template!()).as_bytes(),
        concat!(template!(), verbose!()).as_bytes(),
        b"",
        b"\n\n",
        b"   \r\n\t\n",
        b"# only a comment",
    ]
    .iter()
    .map(|m| m.to_vec())
    .collect();
    let theirs = git.interpret_trailers(&messages, b"#", DECLARE);
    for (message, theirs) in messages.iter().zip(theirs) {
        assert_eq!(
            git.commit(message, b"#"),
            Commit::Aborted,
            "{}",
            show(message)
        );
        assert_eq!(add_trailers(message, b"#", DECLARE), *message);
        assert!(
            matches!(git.commit(&theirs, b"#"), Commit::Made(_)),
            "interpret-trailers no longer fills {}",
            show(message)
        );
    }
}

/// The same message with `;` comments is not empty when `#` is the comment string.
#[test]
fn emptiness_follows_the_comment_string() {
    let message = b"#42 is fixed.\n";
    let git = Git::new();
    assert_eq!(git.commit(message, b";"), Commit::Made(vec![]));
    assert_eq!(git.commit(message, b"#"), Commit::Aborted);
    assert_eq!(add_trailers(message, b"#", DECLARE), message);
    let out = check_hook_input(message, b";", DECLARE);
    assert_eq!(
        git.commit(&out, b";"),
        Commit::Made(BOTH.iter().map(ToString::to_string).collect())
    );
}

/// Line endings: interpret-trailers writes LF whatever the file uses, so the expectation for a
/// CRLF file is git's result on the LF file, converted. Every row git agrees with byte for byte
/// is converted whole, then with git's comment lines left LF (a CRLF message in git's LF
/// template); rows whose meaning CRLF changes (the scissors line, `Conflicts:`) and rows with no
/// newline to copy are left out.
#[test]
fn crlf_files_get_crlf_lines() {
    let git = Git::new();
    let rows: Vec<&Row> = ROWS
        .iter()
        .filter(|row| matches!(row.git, Same))
        .filter(|row| row.message.contains(&b'\n') && !row.message.contains(&b'\r'))
        .filter(|row| {
            let text = String::from_utf8_lossy(row.message);
            !text.contains(">8") && !text.contains("Conflicts:")
        })
        .collect();
    assert!(rows.len() >= 10);
    for row in rows {
        let theirs = git
            .interpret_trailers(&[row.message.to_vec()], row.comment, row.trailers)
            .remove(0);
        for comments_too in [true, false] {
            let message = crlf(row.message, row.comment, comments_too);
            let expected = crlf(&theirs, row.comment, comments_too);
            let ours = check_hook_input(&message, row.comment, row.trailers);
            assert_eq!(show(&ours), show(&expected), "{}", row.name);
        }
    }
}

/// `text` with CRLF line endings, on comment lines too or not.
fn crlf(text: &[u8], comment: &[u8], comments_too: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.split_inclusive(|&b| b == b'\n') {
        match line.strip_suffix(b"\n") {
            Some(body) if comments_too || !body.starts_with(comment) => {
                out.extend_from_slice(body);
                out.extend_from_slice(b"\r\n");
            }
            _ => out.extend_from_slice(line),
        }
    }
    out
}
