//! Tests of the trailer parser and the hook cleanup, most of them checked against git itself.

mod cleanup_modes;
mod differential;
pub(in crate::engine::trailers) mod oracle;
mod table;

use proptest::prelude::*;

use super::{Trailer, Trailers, cleanup, parse, parse_from_subject};
use oracle::Git;

/// Every message of the corpus of real histories (`tests/fixtures/real-messages.jsonl`), with what git 2.47 printed for it.
#[test]
fn corpus_matches_git_log() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-messages.jsonl"
    );
    let corpus = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("the trailer corpus {path} is required: {err}"));
    let (mut messages, mut trailers) = (0, 0);
    let mut failures = Vec::new();
    for (number, line) in corpus.lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|err| panic!("{path}:{}: not JSON: {err}", number + 1));
        let (Some(message), Some(expected)) =
            (record["message"].as_str(), record["trailers"].as_array())
        else {
            panic!("{path}:{}: needs `message` and `trailers`", number + 1);
        };
        let expected: Vec<&str> = expected.iter().filter_map(|t| t.as_str()).collect();
        let got: Vec<String> = parse(message.as_bytes())
            .trailers
            .iter()
            .map(ToString::to_string)
            .collect();
        if got != expected {
            failures.push(format!(
                "{} {}: got {got:?}, git printed {expected:?}",
                record["repo"], record["id"]
            ));
        }
        messages += 1;
        trailers += expected.len();
    }
    eprintln!("corpus: compared {messages} messages, {trailers} trailers");
    assert!(
        failures.is_empty(),
        "{} of {messages} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        messages >= 4000 && trailers > 0,
        "the corpus is incomplete: {messages} messages"
    );
}

/// The two places where interpret-trailers and the log disagree, checked on git itself: they
/// are why the differential test adapts nothing but compares each with its own counterpart.
#[test]
fn interpret_trailers_and_log_differ_only_where_documented() {
    let git = Git::new();
    let leading_blank = b"\n\nKey: v\n";
    assert_eq!(git.log_trailers(leading_blank), Vec::<String>::new());
    assert_eq!(git.interpret_trailers(leading_blank), ["Key: v"]);
    assert!(parse(leading_blank).trailers.is_empty());

    let unterminated = b"T\n\nConflicts:";
    assert_eq!(git.log_trailers(unterminated), ["Conflicts: "]);
    assert_eq!(git.interpret_trailers(unterminated), Vec::<String>::new());
    assert_eq!(parse(unterminated).trailers.len(), 1);
    assert!(parse_from_subject(b"T\n\nConflicts:\n").trailers.is_empty());
}

#[test]
fn offsets_point_into_the_message() {
    let message = b"\n\nTitle\n\nBody.\n\nA: b\n  c\nB: d\n# note\n\n";
    let parsed = parse(message);
    let at = |offset: usize| &message[offset..];
    assert_eq!(parsed.trailers.len(), 2);
    assert!(at(parsed.trailers[0].line_start).starts_with(b"A: b\n  c\n"));
    assert!(at(parsed.trailers[1].line_start).starts_with(b"B: d\n"));
    let block = parsed.block.clone().expect("a trailer block");
    assert_eq!(&message[block], b"A: b\n  c\nB: d\n");
    assert_eq!(
        parsed.trailers[0],
        Trailer {
            key: "A".into(),
            value: "b c".into(),
            line_start: 16
        }
    );
}

#[test]
fn block_without_printed_trailers() {
    let message = b"T\n\n(cherry picked from commit 0123abc)\n";
    assert_eq!(
        parse(message),
        Trailers {
            trailers: Vec::new(),
            block: Some(3..message.len())
        }
    );
    assert_eq!(parse(b"T\n\nprose\n"), Trailers::default());
}

#[test]
fn display_is_the_print_form() {
    let trailer = Trailer {
        key: "Assisted-by".into(),
        value: "Kiro:claude-sonnet-4".into(),
        line_start: 0,
    };
    assert_eq!(trailer.to_string(), "Assisted-by: Kiro:claude-sonnet-4");
    let empty = Trailer {
        key: "Key".into(),
        value: String::new(),
        line_start: 0,
    };
    assert_eq!(empty.to_string(), "Key: ");
}

#[test]
fn empty_comment_prefix_strips_whitespace_only() {
    assert_eq!(cleanup(b"# a  \n\n\nb\n", b""), b"# a\n\nb\n");
}

#[test]
fn cleaned_message_parses_like_the_commit() {
    let file = b"Fix\n\n# Please enter the commit message\nAssisted-by: Kiro\n# ------------------------ >8 ------------------------\nNot: this\n";
    let printed: Vec<String> = parse(&cleanup(file, b"#"))
        .trailers
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(printed, ["Assisted-by: Kiro"]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(
        message in prop::collection::vec(any::<u8>(), 0..600),
        comment in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        let parsed = parse(&message);
        if let Some(block) = &parsed.block {
            prop_assert!(block.start <= block.end && block.end <= message.len());
            for trailer in &parsed.trailers {
                prop_assert!(block.contains(&trailer.line_start));
            }
        } else {
            prop_assert!(parsed.trailers.is_empty());
        }
        let cleaned = cleanup(&message, &comment);
        prop_assert!(cleaned.is_empty() || cleaned.ends_with(b"\n"));
        // git allows no whitespace in a comment prefix; with such a prefix cleaning is stable.
        if !comment.iter().any(|b| b" \t\r\n".contains(b)) {
            prop_assert_eq!(cleanup(&cleaned, &comment), cleaned.clone());
        }
    }

    #[test]
    fn never_panics_on_line_soup(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                &b"\n"[..], b"\r\n", b" ", b"\t", b"#", b":", b"-", b"Key", b"Signed-off-by: ",
                b"(cherry picked from commit ", b"Conflicts:\n", b"---", b"\0", b"\xff",
                b"# ------------------------ >8 ------------------------\n",
            ]),
            0..60,
        ),
    ) {
        let message = parts.concat();
        let _ = parse(&message);
        let _ = cleanup(&message, b"#");
    }

    /// The shortcut for messages without comment or `Conflicts:` lines gives the line-by-line
    /// answer (the soup has such messages, with empty, CR and blank lines in any place).
    #[test]
    fn end_of_message_shortcut_agrees_with_git_s_loop(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                &b"\n"[..], b"\n", b"\n\n", b"\r\n", b" ", b"\t", b"x", b"Key: v", b"Conflicts:",
            ]),
            0..40,
        ),
    ) {
        let message = parts.concat();
        prop_assert_eq!(
            super::end_of_log_message(&message),
            super::end_of_log_message_by_lines(&message, b"#")
        );
    }
}

/// git cuts at a scissors line followed by a CR when the message comes from `-F` (it strips
/// trailing whitespace first, and the hook sees the stripped file) but not when it comes from
/// the editor; `cleanup` of the file the hook sees gives git's answer both times.
#[test]
fn crlf_scissors_line_depends_on_how_the_message_arrived() {
    let git = Git::new();
    let message = b"T\r\n# ------------------------ >8 ------------------------\r\nafter\r\n";
    assert_eq!(git.commit_cleanup_from_file(message, &[]), b"T\n");
    assert_eq!(git.commit_cleanup(message, &[]), b"T\nafter\n");
    assert_eq!(cleanup(&cleanup(message, b""), b"#"), b"T\n");
    assert_eq!(cleanup(message, b"#"), b"T\nafter\n");
}
