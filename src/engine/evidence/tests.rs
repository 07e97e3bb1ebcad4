//! Evidence collection: channels, body look-alikes, what adds something.

use super::*;
use crate::engine::catalog::Catalog;

fn catalog() -> Catalog {
    Catalog::compile(crate::config::catalog::builtin().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("builtin catalog compiles: {e:?}"))
}

fn collect(message: &str) -> Evidence {
    let c = catalog();
    Collector::new(&c, "AI-Exception").collect(&CommitText {
        message: message.as_bytes(),
        author: ("Jane", "jane@example.com"),
        committer: ("Jane", "jane@example.com"),
    })
}

fn ids(ev: &Evidence) -> Vec<&str> {
    ev.assistants.iter().map(|a| a.id.as_str()).collect()
}

#[test]
fn fold_catches_look_alikes() {
    let k = fold_key("Assisted-by");
    assert_eq!(fold_key("ASSISTED-BY"), k);
    assert_eq!(fold_key("Assisted\u{2010}by"), k);
    assert_eq!(fold_key("Assisted\u{2212}by"), k);
    assert_eq!(fold_key("Assi\u{200B}sted-by"), k);
    assert_eq!(fold_key("\u{0410}ssisted-by"), k, "Cyrillic A");
    assert_eq!(fold_key("\u{0391}ssisted-by"), k, "Greek Alpha");
    assert_ne!(fold_key("Assisted-bye"), k);
}

#[test]
fn trailer_block_evidence_keeps_every_item() {
    let ev = collect(
        "t\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nClaude-Session: https://claude.ai/code/session_01AB\n",
    );
    assert_eq!(ids(&ev), ["claude-code"]);
    let sources: Vec<Source> = ev.assistants[0].evidence.iter().map(|e| e.source).collect();
    assert_eq!(sources, [Source::Trailer, Source::SessionTrailer]);
    assert!(ev.ignored.is_empty());
}

#[test]
fn look_alike_key_counts_and_is_ignored_declaration() {
    for key in [
        "Assisted\u{2011}by",
        "\u{0410}ssisted-by",
        "Assi\u{200B}sted-by",
        "Assisted-by\u{FF1A}",
    ] {
        let msg = if key.ends_with('\u{FF1A}') {
            format!("t\n\n{key} Claude\n")
        } else {
            format!("t\n\n{key}: Claude\n")
        };
        let ev = collect(&msg);
        assert_eq!(ids(&ev), ["claude-code"], "{key}");
        assert_eq!(ev.assistants[0].evidence[0].source, Source::Marker);
        assert_eq!(ev.ignored.len(), 1, "{key}");
        assert_eq!(ev.ignored[0].assistant.as_deref(), Some("claude-code"));
    }
}

#[test]
fn earlier_paragraph_repeating_a_trailer_is_silent() {
    let ev = collect(
        "t\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n\nmore\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
    );
    assert_eq!(ids(&ev), ["claude-code"]);
    assert!(ev.ignored.is_empty(), "adds nothing: {:?}", ev.ignored);
}

#[test]
fn title_and_indented_lines_never_count() {
    let ev = collect("Assisted-by: Claude\n\n  Assisted-by: Claude\n\ttext\n");
    assert!(ev.assistants.is_empty(), "{:?}", ev.assistants);
}

#[test]
fn body_exception_ids_not_in_trailers_are_ignored() {
    let ev = collect("t\n\nAI-Exception: EXC-1, EXC-2\n\nAI-Exception: EXC-2\n");
    assert_eq!(ev.cited, ["EXC-2"]);
    assert_eq!(ev.ignored.len(), 1);
    assert_eq!(ev.ignored[0].exceptions, ["EXC-1"]);
}

#[test]
fn ai_session_trailer() {
    let ev = collect("t\n\nAI-Session: claude-code:abc-123\n");
    assert_eq!(ids(&ev), ["claude-code"]);
    assert_eq!(ev.assistants[0].evidence[0].source, Source::SessionTrailer);
    let ev = collect("t\n\nAI-Session: mystery:abc\n");
    assert_eq!(ids(&ev), ["unknown"]);
}

#[test]
fn explicit_none_and_people() {
    let ev = collect("t\n\nAssisted-by: N/A\nCo-authored-by: Jane Doe <jane@example.com>\n");
    assert!(ev.declared_none);
    assert!(ev.assistants.is_empty());
    assert!(ev.declares());
    let ev = collect("t\n\nAssisted-by: Waldek Maleska <weakcamel@example.com>\n");
    assert!(!ev.declares());
}

#[test]
fn exception_ids_split_on_commas_and_spaces() {
    let ev = collect("t\n\nAI-Exception: A-1,B-2  C-3\nai-exception: A-1\n");
    assert_eq!(ev.cited, ["A-1", "B-2", "C-3"]);
}

#[test]
fn signoff_by_assistant_in_body_and_trailers() {
    let ev = collect("t\n\nSigned-off-by: Claude <noreply@anthropic.com>\n");
    assert_eq!(ev.ai_signoffs.len(), 1);
    let ev = collect(
        "t\n\nSigned-off-by: Claude <noreply@anthropic.com>\n\nSigned-off-by: Jane <jane@example.com>\n",
    );
    assert_eq!(ev.ai_signoffs.len(), 1);
    assert_eq!(ev.ignored.len(), 1);
}

#[test]
fn look_alike_colons_are_exactly_the_confusables_of_colon() {
    let from_data: Vec<char> = (0x80..=0x10FFFF)
        .filter_map(char::from_u32)
        .filter(|c| unicode_security::skeleton(&c.to_string()).eq([':']))
        .collect();
    assert_eq!(LOOK_ALIKE_COLONS, from_data.as_slice());
    for &colon in LOOK_ALIKE_COLONS {
        let ev = collect(&format!("subject\n\nAssisted-by{colon} Cursor\n"));
        assert_eq!(ids(&ev), ["cursor"], "U+{:04X}", colon as u32);
    }
}

fn collect_with(message: &str, recognition: &Recognition) -> Evidence {
    let c = catalog();
    Collector::with_recognition(&c, "AI-Exception", recognition).collect(&CommitText {
        message: message.as_bytes(),
        author: ("Jane", "jane@example.com"),
        committer: ("Jane", "jane@example.com"),
    })
}

#[test]
fn made_with_and_synthesized_by_are_ai_keys_in_trailers_and_body_lines() {
    let ev = collect("t\n\nMade-with: Cursor\n");
    assert_eq!(ids(&ev), ["cursor"]);
    assert_eq!(ev.assistants[0].evidence[0].source, Source::Trailer);
    let ev = collect("t\n\nSynthesized-by: something new\n");
    assert_eq!(ids(&ev), ["unknown"]);
    // A look-alike line outside the trailer block restricts like any AI key.
    let ev = collect("t\n\nMade\u{2010}with: Cursor\n\nbody\n");
    assert_eq!(ids(&ev), ["cursor"]);
    assert_eq!(ev.assistants[0].evidence[0].source, Source::Marker);
    assert_eq!(ev.ignored[0].assistant.as_deref(), Some("cursor"));
    let ev = collect("t\n\nMade-with: none\n");
    assert!(ev.declared_none);
}

#[test]
fn subject_prefix_is_marker_evidence_unless_turned_off() {
    let ev = collect("aider: Added a test for the parser\n");
    assert_eq!(ids(&ev), ["aider"]);
    assert_eq!(ev.assistants[0].evidence[0].source, Source::Marker);
    assert_eq!(ev.assistants[0].evidence[0].text, "aider: ");
    assert!(ev.declares());
    let off = Recognition {
        subject_prefixes: false,
        ..Recognition::default()
    };
    assert!(collect_with("aider: fix\n", &off).assistants.is_empty());
    // Only the title line: the same text further down is prose.
    assert!(collect("fix\n\naider: fix\n").assistants.is_empty());
}

#[test]
fn the_policy_re_classes_and_adds_keys() {
    let keys = Recognition {
        ai_keys: vec!["generated-by".into(), "x-ai-tool".into()],
        identity_keys: vec!["co-authored-by".into(), "assisted-by".into()],
        subject_prefixes: true,
    };
    // A human helper under a re-classed key is a person, in the trailers and in the body.
    let ev = collect_with("t\n\nAssisted-by: Jay Satiro\n", &keys);
    assert!(ev.assistants.is_empty(), "{:?}", ev.assistants);
    let ev = collect_with("t\n\nAssisted-by: Jay Satiro\n\nbody\n", &keys);
    assert!(ev.assistants.is_empty(), "{:?}", ev.assistants);
    // A catalog match still counts under an identity key.
    assert_eq!(
        ids(&collect_with("t\n\nAssisted-by: Claude Code\n", &keys)),
        ["claude-code"]
    );
    // An added key declares, and an unmatched value is `unknown`.
    assert_eq!(
        ids(&collect_with("t\n\nX-AI-Tool: Cursor\n", &keys)),
        ["cursor"]
    );
    assert_eq!(
        ids(&collect_with("t\n\nX-AI-Tool: home-grown\n", &keys)),
        ["unknown"]
    );
    // Keys the policy dropped from both lists are ordinary trailers.
    assert!(
        collect_with("t\n\nMade-with: Cursor\n", &keys)
            .assistants
            .is_empty()
    );
}
