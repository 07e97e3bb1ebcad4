//! Generated hook inputs: the properties on every one, agreement with git on batches, and no
//! panic on arbitrary bytes.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::oracle::Git;
use super::{
    add_trailers, check_hook_input, check_properties, cleanup, committed, show, trailers_of,
};

/// Stands for the comment string at the start of a generated line.
const COMMENT: u8 = 0x01;

fn lines(
    options: &[&'static [&'static [u8]]],
) -> impl Strategy<Value = Vec<&'static [u8]>> + use<> {
    prop::sample::select(options.to_vec()).prop_map(<[&[u8]]>::to_vec)
}

fn title() -> impl Strategy<Value = Vec<&'static [u8]>> {
    lines(&[
        &[b"Fix the frobnicator"],
        &[b"Fix the frobnicator", b"over two lines"],
        &[b"Assisted-by: Claude Code:claude-opus-4-7"],
        &[b"Caf\xe9 fix"],
        &[b"Merge branch 'topic'"],
        &[b"docs: say why"],
        &[],
    ])
}

fn paragraph() -> impl Strategy<Value = Vec<&'static [u8]>> {
    lines(&[
        &[b"It spun the wrong way."],
        &[b"Assisted-by: Claude Code:claude-opus-4-7"],
        &[b"AI-Session: claude-code:abc123", b"and prose"],
        &[b"---", b"Not a divider."],
        // A comment under `#`, text under another comment string.
        &[b"#42 is fixed."],
        &[b"  indented code"],
        &[b"Conflicts:", b"\tsrc/lib.rs"],
        &[b"\x01 a note", b"Text after a note."],
    ])
}

fn trailer_line() -> impl Strategy<Value = Vec<&'static [u8]>> {
    lines(&[
        &[b"Reviewed-by: R <r@example.com>"],
        &[b"Signed-off-by: A U Thor <a@example.com>"],
        &[b"assisted-BY:  Claude Code:claude-opus-4-7 "],
        &[b"AI-Session: claude-code:abc123"],
        &[b"AI-Session: claude-code:", b"  other"],
        &[b"Fixes : 0123abc"],
        &[b"Assisted-by: Kiro:claude-sonnet-4"],
        &[b"Co-authored-by: Claude <noreply@anthropic.com>"],
        &[b"(cherry picked from commit 0123456789abcdef)"],
        &[b"Prose in the block."],
        &[b"\x01 a note in the block"],
        &[b"#7 in the block"],
    ])
}

fn trailing() -> impl Strategy<Value = Vec<&'static [u8]>> {
    lines(&[
        &[],
        &[b""],
        &[b" \t"],
        &[b"", b""],
        &[
            b"",
            b"\x01 Please enter the commit message for your changes.",
            b"\x01",
            b"\x01 On branch main",
        ],
        &[b"\x01 Conflicts:", b"\x01\tsrc/lib.rs"],
    ])
}

const VERBOSE: &[&[u8]] = &[
    b"\x01 ------------------------ >8 ------------------------",
    b"\x01 Do not modify or remove the line above.",
    b"diff --git a/x b/x",
    b"+Assisted-by: Claude Code:claude-opus-4-7",
    b"+",
    b"+Reviewed-by: R",
];

/// A message file as a hook may see it, and whether git's raw-file quirks (see
/// [`raw_quirks`]) can make interpret-trailers commit other trailers than the log reads.
#[derive(Clone)]
struct Message {
    bytes: Vec<u8>,
    raw_quirks: bool,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (raw quirks: {})", show(&self.bytes), self.raw_quirks)
    }
}

#[derive(Debug, Clone, Copy)]
enum Eol {
    Lf,
    Crlf,
    /// CRLF for the user's lines, LF for git's comment lines.
    Mixed,
}

fn message(comment: &'static [u8]) -> impl Strategy<Value = Message> {
    let structure = (
        prop::sample::select(vec![0usize, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
        title(),
        prop::collection::vec(paragraph(), 0..3),
        prop::option::of(prop::collection::vec(trailer_line(), 1..5)),
        prop::sample::select(vec![&b""[..], b"", b"", b"", b" "]),
        trailing(),
        any::<bool>(),
    );
    let form = (
        prop::sample::select(vec![
            Eol::Lf,
            Eol::Lf,
            Eol::Lf,
            Eol::Lf,
            Eol::Crlf,
            Eol::Mixed,
        ]),
        prop::sample::select(vec![true, true, true, false]),
    );
    (structure, form).prop_map(
        move |(
            (leading, title, paragraphs, block, separator, trailing, verbose),
            (eol, final_newline),
        )| {
            let mut all: Vec<&[u8]> = vec![b""; leading];
            all.extend(title);
            for paragraph in paragraphs.into_iter().chain(block.map(|b| b.concat())) {
                all.push(separator);
                all.extend(paragraph);
            }
            all.extend(trailing);
            if verbose {
                all.extend(VERBOSE);
            }
            Message {
                bytes: render(&all, comment, eol, final_newline),
                raw_quirks: raw_quirks(&all, comment, eol),
            }
        },
    )
}

/// Whether git's interpret-trailers, reading the raw file, may see another trailer block than
/// the log sees in the cleaned message (the table has one row for each):
///
/// - blank lines before the title;
/// - `#` lines under another comment string: text to it, comments to the log;
/// - whitespace-only lines after the text;
/// - an old `Conflicts:` block with a whitespace-only line about it (CRLF lines included):
///   git recognises the block only between empty lines and otherwise takes it for a trailer.
fn raw_quirks(lines: &[&[u8]], comment: &[u8], eol: Eol) -> bool {
    let whitespace_line =
        |line: &&[u8]| is_blank(line) && (!line.is_empty() || !matches!(eol, Eol::Lf));
    first_line_blank(lines, comment)
        || (comment != b"#" && lines.iter().any(|line| line.starts_with(b"#")))
        || blank_after_content(lines, comment, eol)
        || (lines.contains(&&b"Conflicts:"[..])
            && (!matches!(eol, Eol::Lf) || lines.iter().any(whitespace_line)))
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b == b' ' || b == b'\t')
}

/// Whether the first line that is not a comment is blank: git's interpret-trailers then reads
/// the title paragraph differently from the log, which reads the message after cleanup.
fn first_line_blank(lines: &[&[u8]], comment: &[u8]) -> bool {
    lines
        .iter()
        .find(|line| !is_comment(line, comment))
        .is_some_and(|line| is_blank(line))
}

/// Whether a whitespace-only line other than a bare `\n` follows the last line of text (before
/// the scissors line). git's log message then ends after it rather than at the text: after a
/// trailer it continues the trailer, after any other block line it stays a line of the block,
/// and the trailers added after it become a paragraph of their own once cleaned.
fn blank_after_content(lines: &[&[u8]], comment: &[u8], eol: Eol) -> bool {
    let cut = match eol {
        Eol::Crlf => lines.len(),
        Eol::Lf | Eol::Mixed => lines
            .iter()
            .position(|line| line.ends_with(b">8 ------------------------"))
            .unwrap_or(lines.len()),
    };
    let lines = lines.get(..cut).unwrap_or_default();
    let last_text = lines
        .iter()
        .rposition(|line| !is_comment(line, comment) && !is_blank(line));
    let after = last_text.map_or(lines, |i| lines.get(i + 1..).unwrap_or_default());
    after
        .iter()
        .any(|line| is_blank(line) && (!line.is_empty() || !matches!(eol, Eol::Lf)))
}

/// Whether a generated line is a comment once rendered.
fn is_comment(line: &[u8], comment: &[u8]) -> bool {
    line.starts_with(&[COMMENT]) || line.starts_with(comment)
}

fn render(lines: &[&[u8]], comment: &[u8], eol: Eol, final_newline: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last_eol: &[u8] = b"";
    for line in lines {
        let (text, is_comment) = match line.strip_prefix(&[COMMENT]) {
            Some(rest) => (rest, true),
            None => (*line, false),
        };
        if is_comment {
            out.extend_from_slice(comment);
        }
        out.extend_from_slice(text);
        last_eol = match (eol, is_comment) {
            (Eol::Lf, _) | (Eol::Mixed, true) => b"\n",
            (Eol::Crlf, _) | (Eol::Mixed, false) => b"\r\n",
        };
        out.extend_from_slice(last_eol);
    }
    if !final_newline {
        out.truncate(out.len() - last_eol.len());
    }
    out
}

fn comment() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![&b"#"[..], b"#", b"#", b";", b"//"])
}

fn requested() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    prop::collection::vec(
        prop::sample::select(vec![
            ("Assisted-by", "Claude Code:claude-opus-4-7"),
            ("AI-Session", "claude-code:abc123"),
            ("assisted-by", " Claude Code:claude-opus-4-7 "),
            ("Signed-off-by", "A U Thor <a@example.com>"),
            ("Reviewed-by", "Someone Else <s@example.com>"),
        ]),
        1..4,
    )
}

#[test]
fn properties_hold_on_hook_inputs() {
    let mut runner = TestRunner::new(Config {
        cases: 2048,
        failure_persistence: None,
        ..Config::default()
    });
    let input = comment().prop_flat_map(|c| (Just(c), message(c), requested()));
    runner
        .run(&input, |(comment, message, requested)| {
            check_hook_input(&message.bytes, comment, &requested);
            Ok(())
        })
        .unwrap();
}

/// Batches of generated messages, each batch through two git processes:
///
/// - interpret-trailers on the cleaned message (default settings, as the log reads it) must
///   yield the same trailers as cleaning our result: same old trailers, same added ones;
/// - interpret-trailers on the raw file (with the comment string) must too, except on inputs
///   with one of the raw-file quirks of [`raw_quirks`], where git's result may be wrong.
///
/// A message empty after cleanup is left alone here and filled by git; it is not compared.
#[test]
fn agrees_with_git() {
    let git = Git::new();
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let input =
        comment().prop_flat_map(|c| (Just(c), prop::collection::vec(message(c), 24), requested()));
    let (compared, raw_compared) = (Cell::new(0), Cell::new(0));
    runner
        .run(&input, |(comment, messages, requested)| {
            let ours: Vec<Vec<u8>> = messages
                .iter()
                .map(|m| add_trailers(&m.bytes, comment, &requested))
                .collect();
            let cleaned: Vec<Vec<u8>> = messages
                .iter()
                .map(|m| cleanup(&m.bytes, comment))
                .collect();
            let raw: Vec<Vec<u8>> = messages.iter().map(|m| m.bytes.clone()).collect();
            let from_cleaned = git.interpret_trailers(&cleaned, b"#", &requested);
            let from_raw = git.interpret_trailers(&raw, comment, &requested);
            for (i, message) in messages.iter().enumerate() {
                if cleaned[i].is_empty() {
                    continue;
                }
                // Already cleaned: git's output is what it would commit.
                let expected = trailers_of(&from_cleaned[i]);
                let got = committed(&ours[i], comment);
                prop_assert_eq!(&got, &expected, "{:?} -> {}", message, show(&ours[i]));
                compared.set(compared.get() + 1);
                if !message.raw_quirks {
                    let theirs = committed(&from_raw[i], comment);
                    prop_assert_eq!(&got, &theirs, "{:?} -> git {}", message, show(&from_raw[i]));
                    raw_compared.set(raw_compared.get() + 1);
                }
            }
            Ok(())
        })
        .unwrap();
    let (compared, raw_compared) = (compared.get(), raw_compared.get());
    eprintln!("compared {compared} messages with git, {raw_compared} of them raw");
    assert!(raw_compared * 3 > compared);
}

#[test]
fn arbitrary_bytes_do_not_panic() {
    let mut runner = TestRunner::new(Config {
        cases: 4096,
        failure_persistence: None,
        ..Config::default()
    });
    let byte = prop::sample::select(b"#;/ \t\r\n\nK-y:v()\x00\xe9\xffCSigned-ofb".to_vec());
    let text = prop::sample::select(vec![
        "",
        " ",
        "K",
        "Key",
        "Signed-off-by",
        "v",
        " v ",
        "a b",
        "K:",
        "\u{e9}",
        "a\nb",
        "\t",
    ]);
    let input = (
        prop::collection::vec(byte.clone(), 0..80),
        prop::collection::vec(byte, 0..3),
        prop::collection::vec((text.clone(), text), 0..4),
    );
    runner
        .run(&input, |(message, comment, requested)| {
            check_properties(&message, &comment, &requested);
            Ok(())
        })
        .unwrap();
}
