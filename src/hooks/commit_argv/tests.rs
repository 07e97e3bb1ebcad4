//! Command lines as git's parse-options reads them.

use super::{CommitArgs, parse};

fn args(line: &str) -> Vec<String> {
    line.split(' ').map(str::to_owned).collect()
}

fn parsed(cleanup: Option<&str>, amend: bool, verbose: Option<u32>, editor: bool) -> CommitArgs {
    CommitArgs {
        cleanup: cleanup.map(str::to_owned),
        amend,
        verbose,
        use_editor: editor,
        status: None,
    }
}

fn no_alias(_: &str) -> Option<String> {
    None
}

#[test]
fn aliases_are_expanded_as_git_expands_them() {
    let alias = |name: &str| match name {
        "ci" => Some("commit".to_owned()),
        "fix" => Some("ci --am -m 'a message'".to_owned()),
        "sh" => Some("!git commit --amend".to_owned()),
        "loop" => Some("loop".to_owned()),
        _ => None,
    };
    let rows: &[(&str, Option<CommitArgs>)] = &[
        ("git ci --amend", Some(parsed(None, true, None, true))),
        (
            "git fix --cl=strip",
            Some(parsed(Some("strip"), true, None, false)),
        ),
        ("git -c x.y=z ci -e", Some(parsed(None, false, None, true))),
        ("git sh", None),
        ("git loop", None),
    ];
    for (line, want) in rows {
        assert_eq!(&parse(&args(line), &alias), want, "{line}");
    }
}

#[test]
fn options_are_read_as_parse_options_reads_them() {
    let rows: &[(&str, Option<CommitArgs>)] = &[
        ("git commit", Some(parsed(None, false, None, true))),
        ("git commit -m x", Some(parsed(None, false, None, false))),
        ("git commit -m x -e", Some(parsed(None, false, None, true))),
        (
            "git commit -F f --edit",
            Some(parsed(None, false, None, true)),
        ),
        (
            "git commit --cleanup=verbatim -m x",
            Some(parsed(Some("verbatim"), false, None, false)),
        ),
        (
            "git commit --cl=verbatim -m x",
            Some(parsed(Some("verbatim"), false, None, false)),
        ),
        (
            "git commit --clean verbatim",
            Some(parsed(Some("verbatim"), false, None, true)),
        ),
        (
            "git commit --cleanup=strip --no-cleanup",
            Some(parsed(None, false, None, true)),
        ),
        // `-m` takes the rest of its argument, or the next one: neither is an option then.
        (
            "git commit -m--cleanup=verbatim",
            Some(parsed(None, false, None, false)),
        ),
        (
            "git commit -m --amend",
            Some(parsed(None, false, None, false)),
        ),
        (
            "git commit -vm --amend",
            Some(parsed(None, false, Some(1), false)),
        ),
        (
            "git commit -vv --no-verbose",
            Some(parsed(None, false, Some(0), true)),
        ),
        ("git commit --am", Some(parsed(None, true, None, true))),
        (
            "git commit --amen -m x",
            Some(parsed(None, true, None, false)),
        ),
        (
            "git commit --amend --no-amend",
            Some(parsed(None, false, None, true)),
        ),
        (
            "git commit --amend --no-am",
            Some(parsed(None, false, None, true)),
        ),
        (
            "git commit -- --amend",
            Some(parsed(None, false, None, true)),
        ),
        (
            "git commit path --amend",
            Some(parsed(None, true, None, true)),
        ),
        ("git commit -C HEAD", Some(parsed(None, false, None, false))),
        ("git commit -c HEAD", Some(parsed(None, false, None, true))),
        (
            "git commit --fixup=abc",
            Some(parsed(None, false, None, false)),
        ),
        (
            "git commit --fixup=amend:abc",
            Some(parsed(None, false, None, true)),
        ),
        (
            "git commit -Skey --no-edit",
            Some(parsed(None, false, None, false)),
        ),
        (
            "git commit --verify -m x",
            Some(parsed(None, false, None, false)),
        ),
        (
            "git -c core.commentChar=; -C dir commit --cleanup strip",
            Some(parsed(Some("strip"), false, None, true)),
        ),
        (
            "/usr/bin/git --git-dir=x commit -e",
            Some(parsed(None, false, None, true)),
        ),
        ("git-commit --amend", Some(parsed(None, true, None, true))),
        // Ambiguous prefixes and unknown options are refused by git; aliases are not `commit`.
        ("git commit --a", None),
        ("git commit --bogus", None),
        ("git ci --amend", None),
        ("git commit -m", None),
        ("sh -c x", None),
    ];
    for (line, want) in rows {
        assert_eq!(&parse(&args(line), &no_alias), want, "{line}");
    }
    let status = |line: &str| parse(&args(line), &no_alias).and_then(|a| a.status);
    assert_eq!(status("git commit --no-status"), Some(false));
    assert_eq!(status("git commit --no-status --stat"), Some(true));
    assert_eq!(status("git commit"), None);
}
