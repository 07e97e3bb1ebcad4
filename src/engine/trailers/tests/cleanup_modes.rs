//! Cleanup modes and `core.commentChar=auto`, as git's builtin/commit.c applies them.

use crate::engine::trailers::{
    CleanupMode, auto_comment_char, auto_comment_char_below_status, cleanup_as,
};

#[test]
fn auto_picks_the_first_candidate_no_line_starts_with() {
    let rows: &[(&str, Option<u8>)] = &[
        ("subject\n", Some(b'#')),
        // `#` inside a line only: the search runs, `#` still starts no line.
        ("issue #1\n", Some(b'#')),
        ("# note\n\nbody\n", Some(b';')),
        ("# a\n; b\n@ c\n", Some(b'!')),
        // A line starts after CR too.
        ("x\r# a\n", Some(b';')),
        // Trailing comment lines (by `#`) are not looked at.
        ("subject\n\n; body\n# trailing\n", Some(b'#')),
        ("#\n;\n@\n!\n$\n%\n^\n&\n|\n:\nend\n", None),
    ];
    for (message, want) in rows {
        assert_eq!(auto_comment_char(message.as_bytes()), *want, "{message:?}");
    }
}

#[test]
fn auto_below_the_status_finds_the_character_of_the_status_lines() {
    let status =
        |c: char| format!("\n{c} Please enter the commit message.\n{c}\n{c} On branch main\n");
    let rows: &[(String, u8)] = &[
        (format!("subject\n{}", status('#')), b'#'),
        (format!("# note\n\nbody\n{}", status(';')), b';'),
        (format!("# a\n; b\n{}", status('@')), b'@'),
    ];
    for (file, want) in rows {
        assert_eq!(
            auto_comment_char_below_status(file.as_bytes()),
            Some(*want),
            "{file:?}"
        );
    }
}

#[test]
fn each_mode_cleans_as_git_does() {
    let message = b"# note\n\nbody  \n\n\n; x\n# ------------------------ >8 ------------------------\ndiff\n";
    let rows: &[(CleanupMode, &[u8], bool, &[u8])] = &[
        (CleanupMode::Verbatim, b"#", false, message),
        (
            CleanupMode::Whitespace,
            b"#",
            false,
            b"# note\n\nbody\n\n; x\n# ------------------------ >8 ------------------------\ndiff\n",
        ),
        (CleanupMode::Strip, b"#", false, b"body\n\n; x\ndiff\n"),
        (CleanupMode::Strip, b";", false, b"# note\n\nbody\n\n# ------------------------ >8 ------------------------\ndiff\n"),
        (CleanupMode::Scissors, b"#", false, b"# note\n\nbody\n\n; x\n"),
        // `-v` cuts at the scissors line whatever the mode.
        (CleanupMode::Whitespace, b"#", true, b"# note\n\nbody\n\n; x\n"),
    ];
    for (mode, comment, verbose, want) in rows {
        assert_eq!(
            String::from_utf8_lossy(&cleanup_as(message, *mode, comment, *verbose)),
            String::from_utf8_lossy(want),
            "{mode:?} {comment:?} {verbose}"
        );
    }
}
