//! The rules of revision 2 (docs/recognition.md): the tool after `via`/`using` rather than the
//! model, ids and display names spelt differently, and subject prefixes.

use super::*;

fn value(cat: &Catalog, kind: KeyKind, v: &str) -> String {
    label(cat, cat.match_value(kind, v))
}

/// A policy-defined tool that runs other vendors' models.
fn with_tool() -> Catalog {
    let mut tool = policy_def("inhouse-tool");
    tool.name = "Inhouse Tool".into();
    tool.emails = vec!["tool@corp.example".into()];
    tool.names = vec!["(?i)^inhouse$".into()];
    let mut defs = vec![tool];
    defs.extend(builtin());
    Catalog::compile(defs).unwrap()
}

/// `expected | key kind (ai or identity) | value`.
const TOOLS: &str = "
github-copilot | ai | GPT-5 via GitHub Copilot
github-copilot | ai | Claude Opus 4.6 using Copilot
github-copilot | ai | GPT-5 VIA github copilot
inhouse-tool   | ai | Claude Sonnet 4.5 via Inhouse
inhouse-tool   | ai | Claude Sonnet 4.5 via Inhouse Tool
inhouse-tool   | ai | Claude Sonnet 4.5 via inhouse_tool
inhouse-tool   | ai | Claude Sonnet 4.5 via Crush <tool@corp.example>
inhouse-tool   | ai | Claude via Copilot using Inhouse
github-copilot | ai | Claude using Inhouse via Copilot
claude-code    | ai | Claude Sonnet 4.5 via a shell script
person         | ai | GPT-5 via Jane Doe <jane@example.com>
unknown        | ai | an old model via a new tool
inhouse-tool   | identity | Claude via Inhouse
person         | identity | Jane Doe via Inhouse <jane@example.com>
person         | identity | Jane via the mailing list
";

#[test]
fn the_tool_after_via_or_using_decides() {
    let cat = with_tool();
    let failures: Vec<String> = TOOLS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.split('|').map(str::trim);
            let (want, kind, v) = (parts.next()?, parts.next()?, parts.next()?);
            let kind = if kind == "ai" {
                KeyKind::Ai
            } else {
                KeyKind::Identity
            };
            let got = value(&cat, kind, v);
            (got != want).then(|| format!("{v}: want {want}, got {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // The explanation says it was the tool.
    assert!(matches!(
        cat.match_value(KeyKind::Ai, "GPT-5 via Copilot"),
        ValueMatch::Assistant {
            by: MatchedBy::Tool(_),
            ..
        }
    ));
}

#[test]
fn the_tool_is_never_matched_as_a_model() {
    // `Opus` after `via` is a model family, not a tool: the whole value goes on as before.
    let cat = catalog();
    assert_eq!(
        cat.match_value(KeyKind::Ai, "something via Opus 4"),
        ValueMatch::Unknown
    );
    // `via` must stand between spaces, with something on both sides.
    assert_eq!(value(&cat, KeyKind::Ai, "via Copilot"), "unknown");
    assert_eq!(value(&cat, KeyKind::Ai, "GPT-5 viaCopilot"), "openai-codex");
}

#[test]
fn ids_and_names_spelt_differently() {
    let cat = catalog();
    for (v, want) in [
        ("ClaudeCode", "claude-code"),
        ("claude_code", "claude-code"),
        ("CLAUDE CODE", "claude-code"),
        ("openai_codex", "openai-codex"),
        ("GitHubCopilot", "github-copilot"),
        ("ClaudeCode:claude-3-7-sonnet", "claude-code"),
        ("OpenAI-Codex:gpt-5", "openai-codex"),
        ("github_copilot:gpt-5", "github-copilot"),
    ] {
        assert_eq!(value(&cat, KeyKind::Ai, v), want, "{v}");
    }
    // Under an identity key too, as the id itself always did.
    assert_eq!(value(&cat, KeyKind::Identity, "claude_code"), "claude-code");
    // A spelling is the whole value, never part of one.
    assert_eq!(value(&cat, KeyKind::Ai, "ClaudeCodes"), "unknown");
    assert_eq!(value(&cat, KeyKind::Identity, "Claude Codes"), "person");
    assert_eq!(value(&cat, KeyKind::Identity, "-_ "), "person");
}

#[test]
fn subject_prefixes_are_case_sensitive_and_at_the_very_start() {
    let mut bot = policy_def("release-bot");
    bot.subject_prefixes = vec!["[release-bot] ".into()];
    let mut defs = vec![bot];
    defs.extend(builtin());
    let cat = Catalog::compile(defs).unwrap();
    let subject = |t: &str| {
        cat.match_subject(t)
            .map(|(i, p)| (cat.entries()[i].id.clone(), p))
    };
    assert_eq!(
        subject("aider: Added a test"),
        Some(("aider".into(), "aider: ".into()))
    );
    assert_eq!(
        subject("[release-bot] v1.2.3"),
        Some(("release-bot".into(), "[release-bot] ".into()))
    );
    for title in [
        "Aider: capitalised",
        " aider: indented",
        "aider:no space",
        "docs: mention aider: in the readme",
        "",
    ] {
        assert_eq!(subject(title), None, "{title:?}");
    }
}

#[test]
fn an_empty_subject_prefix_does_not_compile() {
    let mut bot = policy_def("bot");
    bot.subject_prefixes = vec![" ".into(), "a\nb".into()];
    let errors = Catalog::compile(vec![bot]).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| (e.field, e.index)).collect();
    assert_eq!(fields, [("subject_prefixes", 0), ("subject_prefixes", 1)]);
}
