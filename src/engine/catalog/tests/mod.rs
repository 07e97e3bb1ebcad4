use super::*;

/// The built-in catalog, read from its data file (a later layer, test code only).
fn builtin() -> Vec<AssistantDef> {
    crate::config::catalog::builtin().unwrap_or_else(|e| panic!("{e}"))
}

fn catalog() -> Catalog {
    Catalog::compile(builtin()).expect("built-in catalog compiles")
}

use crate::engine::policy::{AI_KEYS, IDENTITY_KEYS};

/// What a test input resolves to: a catalog id, `unknown`, `person` or `none`.
fn label(cat: &Catalog, m: ValueMatch) -> String {
    match m {
        ValueMatch::Assistant { index, .. } => cat.entries()[index].id.clone(),
        ValueMatch::Unknown => "unknown".into(),
        ValueMatch::Person => "person".into(),
        ValueMatch::NoAssistant => "none".into(),
    }
}

fn kind_of(key: &str) -> Option<KeyKind> {
    let key = key.to_ascii_lowercase();
    if AI_KEYS.contains(&key.as_str()) {
        Some(KeyKind::Ai)
    } else if IDENTITY_KEYS.contains(&key.as_str()) {
        Some(KeyKind::Identity)
    } else {
        None
    }
}

fn split_ident(s: &str) -> (&str, &str) {
    let (name, rest) = s.split_once('<').expect("`Name <email>`");
    (name.trim(), rest.trim_end().trim_end_matches('>'))
}

/// Resolve a table input through the channel it names.
fn resolve(cat: &Catalog, input: &str) -> String {
    if let Some(t) = input.strip_prefix("trailer ") {
        let (key, value) = t.split_once(':').expect("`Key: value`");
        return match kind_of(key) {
            Some(kind) => label(cat, cat.match_value(kind, value)),
            None => cat
                .session_trailer(key)
                .map_or("none".into(), |i| cat.entries()[i].id.clone()),
        };
    }
    if let Some(a) = input.strip_prefix("author ") {
        let (name, email) = split_ident(a);
        return cat
            .match_identity(name, email)
            .map_or("person".into(), |(i, _)| cat.entries()[i].id.clone());
    }
    if let Some(body) = input.strip_prefix("body ") {
        let message = format!("Subject\n\n{body}\n");
        let found = cat.match_markers(&message);
        let ids: Vec<_> = found
            .iter()
            .map(|(i, _)| cat.entries()[*i].id.as_str())
            .collect();
        return ids.first().map_or("none".into(), |s| s.to_string());
    }
    if let Some(title) = input.strip_prefix("title ") {
        return cat
            .match_subject(title)
            .map_or("none".into(), |(i, _)| cat.entries()[i].id.clone());
    }
    panic!("unknown channel in {input:?}")
}

/// Recognitions the built-in catalog must make (docs/recognition.md), one row per input:
/// `expected | channel input`.
const REQUIRED: &str = "
claude-code    | trailer Co-Authored-By: Claude <noreply@anthropic.com>
claude-code    | trailer Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>
claude-code    | trailer Co-Authored-By: Claude Fable 5
claude-code    | trailer Assisted-by: Claude:claude-3-opus coccinelle sparse
claude-code    | trailer Assisted-by: Opus 4.7
claude-code    | author claude[bot] <209825114+claude[bot]@users.noreply.github.com>
claude-code    | body 🤖 Generated with [Claude Code](https://claude.com/claude-code)
claude-code    | trailer Claude-Session: https://claude.ai/code/session_01AB
kiro           | trailer Assisted-by: Kiro:claude-sonnet-4
kiro           | trailer AI-Assistant: Kiro
aider          | trailer Co-authored-by: aider (gpt-4o) <aider@aider.chat>
aider          | trailer Co-authored-by: aider (gemini/gemini-2.5-pro) <noreply@aider.chat>
aider          | author Paul Gauthier (aider) <paul@example.com>
github-copilot | author copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>
github-copilot | trailer Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>
github-copilot | trailer Co-authored-by: Copilot <copilot@github.com>
github-copilot | trailer Agent-Logs-Url: https://github.com/o/r/sessions/1f2e
cursor         | trailer Co-authored-by: Cursor <cursoragent@cursor.com>
openai-codex   | trailer Co-authored-by: Codex <noreply@openai.com>
openai-codex   | trailer Assisted-by: ChatGPTv5
openai-codex   | trailer Assisted-by: GPT-5.6 Sol
gemini         | author gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>
jules          | author google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>
amazon-q       | author amazon-q-developer[bot] <...>
amazon-q       | author amazon-q-developer[bot] <208079219+amazon-q-developer[bot]@users.noreply.github.com>
devin          | trailer Co-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>
amp            | trailer Co-authored-by: Amp <amp@ampcode.com>
amp            | trailer Amp-Thread-ID: https://ampcode.com/threads/T-1
openhands      | trailer Co-authored-by: openhands <openhands@all-hands.dev>
unknown        | trailer Assisted-by: generic LLM chatbot
none           | trailer Assisted-by: none
person         | trailer Co-authored-by: Jane Doe <jane@example.com>
person         | trailer Signed-off-by: Jane Doe <jane@example.com>
opencode       | trailer Co-Authored-By: opencode <noreply@opencode.ai>
opencode       | body 🤖 Generated with [opencode](https://opencode.ai)
factory-droid  | trailer Co-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>
factory-droid  | trailer Co-authored-by: Droid <droid@factory.ai>
qwen-code      | trailer Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>
warp           | trailer Co-Authored-By: Warp <agent@warp.dev>
warp           | trailer Co-Authored-By: Oz <oz-agent@warp.dev>
crush          | body 💘 Generated with Crush
crush          | trailer Co-Authored-By: Crush <crush@charm.land>
mistral-vibe   | trailer Co-Authored-By: Mistral Vibe <vibe@mistral.ai>
roo-code       | trailer Co-authored-by: Roo Code <roomote@roocode.com>
kilo-code      | author kiloconnect[bot] <240665456+kiloconnect[bot]@users.noreply.github.com>
lovable        | author gpt-engineer-app[bot] <159125892+gpt-engineer-app[bot]@users.noreply.github.com>
v0             | author v0[bot] <v0[bot]@users.noreply.github.com>
sweep          | author sweep-ai[bot] <sweep-ai[bot]@users.noreply.github.com>
junie          | author jetbrains-junie[bot] <jetbrains-junie[bot]@users.noreply.github.com>
trae           | trailer Co-authored-by: TRAE CLI <traecli@bytedance.com>
tabnine        | trailer Co-Authored-By: Tabnine Agent <noreply@tabnine.com>
goose          | trailer Co-authored-by: Goose <opensource@block.xyz>
gemini         | trailer Co-authored-by: Gemini CLI Agent <gemini-cli-agent@google.com>
kiro           | trailer Co-authored-by: Kiro <noreply@kiro.dev>
cline          | trailer Co-authored-by: Cline <noreply@cline.bot>
windsurf       | trailer Co-authored-by: Cascade <cascade@windsurf.dev>
cursor         | trailer Made-with: Cursor
claude-code    | trailer Synthesized-by: Claude Code
github-copilot | trailer Assisted-by: GPT-5 via GitHub Copilot
crush          | trailer Assisted-by: Claude Sonnet 4.5 via Crush <crush@charm.land>
claude-code    | trailer Assisted-by: ClaudeCode:claude-3-7-sonnet
openai-codex   | trailer Assisted-by: openai-codex:gpt-5
claude-code    | trailer Assisted-by: claude_code
aider          | title aider: Added a test for the parser
none           | title Aider: capitalised is a person's title
none           | title Fix aider: not at the start
";

/// What else the sources in the catalog data show, beyond the required rows:
/// `expected | channel input`.
const SOURCED: &str = "
opencode       | author opencode-agent[bot] <219766164+opencode-agent[bot]@users.noreply.github.com>
roo-code       | trailer Co-authored-by: Roomote <roomote@roocode.com>
roo-code       | author roomote[bot] <roomote[bot]@users.noreply.github.com>
kilo-code      | trailer Co-authored-by: kiloconnect[bot] <240665456+kiloconnect[bot]@users.noreply.github.com>
lovable        | author lovable-dev[bot] <lovable-dev[bot]@users.noreply.github.com>
v0             | trailer Co-authored-by: v0[bot] <v0[bot]@users.noreply.github.com>
sweep          | author sweep-nightly[bot] <sweep-nightly[bot]@users.noreply.github.com>
sweep          | author sweep-canary[bot] <sweep-canary[bot]@users.noreply.github.com>
mistral-vibe   | body Generated by Mistral Vibe.
warp           | body This PR was generated with [Oz](https://warp.dev/oz)
amazon-q       | body 🤖 Generated with Amazon Q Developer
amazon-q       | trailer Co-Authored-By: Amazon Q Developer <noreply@aws.amazon.com>
cursor         | body Made with [Cursor](https://cursor.com)
kiro           | author Kiro Agent <244629292+kiro-agent@users.noreply.github.com>
windsurf       | trailer Co-authored-by: Windsurf Cascade <cascade@windsurf.ai>
windsurf       | author windsurf-bot[bot] <189301087+windsurf-bot[bot]@users.noreply.github.com>
jetbrains-ai   | author jetbrains-ai[bot] <220155983+jetbrains-ai[bot]@users.noreply.github.com>
junie          | trailer Assisted-by: Junie
junie          | trailer Co-authored-by: jetbrains-junie[bot] <jetbrains-junie[bot]@users.noreply.github.com>
opencode       | trailer Assisted-by: opencode
mistral-vibe   | trailer Assisted-by: Mistral Vibe
qwen-code      | trailer Assisted-by: Qwen Code
kilo-code      | trailer Assisted-by: Kilo Code
roo-code       | trailer Assisted-by: Roo Code
tabnine        | trailer Assisted-by: Tabnine
trae           | trailer Assisted-by: TRAE CLI
factory-droid  | trailer Assisted-by: Factory Droid
";

/// `expected | input` rows of a table; blank lines skipped.
fn rows(table: &str) -> impl Iterator<Item = (&str, &str)> {
    table.lines().filter(|l| !l.trim().is_empty()).map(|l| {
        let (want, input) = l.split_once('|').expect("`expected | input`");
        (want.trim(), input.trim())
    })
}

/// Resolve every row; report all mismatches at once.
fn check_table(cat: &Catalog, table: &str, resolve: impl Fn(&Catalog, &str) -> String) {
    let failures: Vec<String> = rows(table)
        .filter_map(|(want, input)| {
            let got = resolve(cat, input);
            (got != want).then(|| format!("{input}\n    want {want}, got {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn required_recognitions() {
    check_table(&catalog(), REQUIRED, resolve);
}

#[test]
fn sourced_recognitions() {
    check_table(&catalog(), SOURCED, resolve);
}

/// GitHub bot ids per assistant (a contract: docs/catalog.md lists them), as `assistant | id`.
const BOT_IDS: &str = "
claude-code    | 209825114
claude-code    | 215619710
claude-code    | 208546643
github-copilot | 198982749
github-copilot | 167198135
github-copilot | 175728472
github-copilot | 223556219
cursor         | 206951365
openai-codex   | 215057067
openai-codex   | 199175422
gemini         | 176961590
jules          | 161369871
amazon-q       | 208079219
devin          | 158243242
cline          | 205137888
continue       | 230936708
cody           | 201248094
jetbrains-ai   | 220155983
coderabbit     | 136622811
kiro           | 244629292
kiro           | 245459735
windsurf       | 189301087
opencode       | 219766164
factory-droid  | 138933559
kilo-code      | 240665456
lovable        | 159125892
";

fn bot_ids() -> Vec<(u64, String)> {
    let mut v: Vec<_> = rows(BOT_IDS)
        .map(|(a, id)| (id.parse().unwrap(), a.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn renamed_bots_are_known_by_github_id() {
    let cat = catalog();
    for (id, want) in bot_ids() {
        let email = format!("{id}+renamed[bot]@users.noreply.github.com");
        let got = cat.match_identity("renamed[bot]", &email);
        let expected = (cat.index_of(&want).unwrap(), MatchedBy::GithubId(id));
        assert_eq!(got, Some(expected), "{email}");
        let trailer = format!("trailer Co-authored-by: Renamed <{email}>");
        assert_eq!(resolve(&cat, &trailer), want);
    }
}

#[test]
fn builtin_github_ids_are_exactly_the_spec_list() {
    let mut got = Vec::new();
    for d in builtin() {
        got.extend(d.github_ids.iter().map(|i| (*i, d.id.clone())));
    }
    got.sort();
    assert_eq!(got, bot_ids());
}

#[test]
fn builtin_has_every_spec_assistant_and_no_unknown() {
    let ids: Vec<String> = builtin().into_iter().map(|d| d.id).collect();
    let spec = "claude-code github-copilot cursor openai-codex gemini jules amazon-q devin amp \
                openhands aider kiro windsurf cline continue cody replit jetbrains-ai coderabbit \
                opencode factory-droid qwen-code warp crush mistral-vibe roo-code kilo-code \
                lovable v0 sweep junie trae tabnine goose";
    for want in spec.split_whitespace() {
        assert!(ids.iter().any(|i| i == want), "missing {want}");
    }
    assert!(!ids.iter().any(|i| i == "unknown"));
    assert!(builtin().iter().all(|d| d.builtin));
}

#[test]
fn builtin_regexes_are_case_insensitive() {
    for d in builtin() {
        for p in d.identities.iter().chain(&d.names).chain(&d.models) {
            assert!(p.starts_with("(?i)"), "{}: {p}", d.id);
        }
    }
    let cat = catalog();
    assert_eq!(
        resolve(&cat, "trailer Co-authored-by: CLAUDE OPUS 4.6"),
        "claude-code"
    );
    assert_eq!(
        resolve(
            &cat,
            "trailer Co-authored-by: claude <NoReply@Anthropic.COM>"
        ),
        "claude-code"
    );
}

#[test]
fn each_builtin_display_name_names_its_entry() {
    let cat = catalog();
    for (i, d) in cat.entries().iter().enumerate() {
        match cat.match_value(KeyKind::Identity, &d.name) {
            ValueMatch::Assistant { index, .. } => assert_eq!(index, i, "{}", d.name),
            other => panic!("{}: {other:?}", d.name),
        }
    }
}

#[test]
fn people_stay_people() {
    const PEOPLE: &str = "
person | trailer Co-authored-by: Claude Dioudonnat
person | trailer Co-authored-by: Devin J. Pohly
person | trailer Co-authored-by: Cody Smith
person | trailer Co-authored-by: Amp Lee
person | trailer Co-authored-by: Jules Verne
person | trailer Co-authored-by: Junie B. Jones
person | trailer Co-authored-by: Claude Code Smith
person | trailer Signed-off-by: Devin Lehmacher <lehmacdj@gmail.com>
person | trailer Signed-off-by: Cody Taylor <cody.taylor@example.com>
person | trailer Co-authored-by: Jane Doe <jane@example.com>
person | trailer Assisted-by: Waldek Maleska <weakcamel@example.com>
person | trailer Assisted-by: Claude Dioudonnat <claude@example.org>
person | trailer Generated-by: Amp Lee <amp@example.com>
person | trailer Co-authored-by: Opus 4.7
person | trailer Signed-off-by: Someone:thing
person | trailer Co-developed-by: generic LLM chatbot
person | trailer Co-authored-by: Claude <claude@example.com>
person | trailer Co-authored-by: none
person | author Claude <claude@example.com>
person | author Devin <devin@example.com>
person | author Amp <amp@example.com>
person | author Kiro <kiro@example.com>
person | author Paul Gauthier <aider@paulg.org>
person | author Paul Gauthier <paul@aider.chat>
person | author GitHub <noreply@github.com>
person | author simonw <9599+simonw@users.noreply.github.com>
person | author Automated <actions@users.noreply.github.com>
person | author dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>
person | trailer Co-authored-by: Droid Smith <droid@example.com>
person | trailer Co-authored-by: Droid Smith
person | trailer Co-authored-by: Oz Perkins <oz@example.com>
person | trailer Co-authored-by: Oz Perkins
person | trailer Co-authored-by: Warp Speed <w@example.com>
person | trailer Co-authored-by: Warp Speed
person | trailer Co-authored-by: Goose Gossage <goose@example.com>
person | trailer Co-authored-by: Goose Gossage
person | trailer Co-authored-by: Junie Smith <junie@example.com>
person | trailer Co-authored-by: Trae Young <trae@example.com>
person | trailer Co-authored-by: Trae Young
person | trailer Co-authored-by: Sweep Lee <sweep@example.com>
person | trailer Co-authored-by: Crush Jones <crush@example.com>
person | trailer Co-authored-by: Crush Jones
person | trailer Co-authored-by: Roo Brown <roo@example.com>
person | trailer Co-authored-by: Roo Brown
person | trailer Co-authored-by: Kilo Vance <kilo@example.com>
person | trailer Co-authored-by: Kilo Vance
person | trailer Co-authored-by: Cascade Lee <cascade@example.com>
person | trailer Co-authored-by: Vibe Check <vibe@example.com>
person | trailer Signed-off-by: Oz <oz@example.com>
person | trailer Signed-off-by: Warp <warp@example.com>
person | trailer Signed-off-by: Droid <droid@example.com>
person | author Goose <goose@example.com>
person | author Junie <junie@example.com>
person | author Trae <trae@example.com>
person | author Sweep <sweep@example.com>
person | author Crush <crush@example.com>
person | author Roo <roo@example.com>
person | author Kilo <kilo@example.com>
person | author Warp <warp@example.com>
person | author Oz <oz@example.com>
person | author Droid <droid@example.com>
person | author Cascade <cascade@example.com>
person | author Jane Doe <jane@warp.dev>
person | author Jane Doe <jane@factory.ai>
person | author Jane Doe <jane@charm.land>
person | trailer Assisted-by: Droid Smith <droid@example.com>
person | trailer Assisted-by: Oz Perkins <oz@example.com>
person | trailer Assisted-by: Warp Speed <w@example.com>
person | trailer Assisted-by: Goose <goose@example.com>
person | trailer Assisted-by: Trae Young <trae@example.com>
person | trailer Assisted-by: Sweep <sweep@example.com>
person | trailer Assisted-by: Crush <crush@example.com>
person | trailer Assisted-by: Roo <roo@example.com>
person | trailer Assisted-by: Kilo <kilo@example.com>
person | trailer Generated-by: Warp <warp@example.com>
";
    // With an address a miss is a person under any key; identity keys never use models,
    // and an unmatched kernel form there is a person; authors are never matched by names.
    check_table(&catalog(), PEOPLE, resolve);
}

#[test]
fn names_are_anchored_but_allow_versions_and_families() {
    const NAMES: &str = "
claude-code    | Claude
claude-code    | Claude Code
claude-code    | claude-code
claude-code    | Claude Opus 4.6
claude-code    | Claude Opus
claude-code    | Claude 3.5 Sonnet
claude-code    | claude-opus-4-6
claude-code    | Claude Code (claude-opus-4-6)
claude-code    | Claude Opus 4.6 (1M context)
claude-code    | Claude Code + Opus 4.6
claude-code    | Claude Code v2.0.14
devin          | Devin
devin          | Devin AI
cody           | Cody
amp            | Amp
kiro           | Kiro AI Assistant
gemini         | Gemini 2.5 Pro
gemini         | gemini-cli
github-copilot | GitHub Copilot
github-copilot | GitHub Copilot (chat)
github-copilot | copilot-swe-agent[bot]
openai-codex   | Codex GPT-5
openai-codex   | ChatGPT
cursor         | Cursor Agent
cursor         | Cursor with Claude 3.5 Sonnet
aider          | aider (gpt-4o)
junie          | Junie
junie          | JetBrains Junie
jetbrains-ai   | JetBrains AI Assistant
opencode       | opencode
opencode       | OpenCode
factory-droid  | Factory Droid
qwen-code      | Qwen-Coder
warp           | Oz Agent
crush          | Charm Crush
mistral-vibe   | Mistral Vibe
roo-code       | Roo Code
kilo-code      | Kilo Code
lovable        | Lovable
v0             | v0
sweep          | Sweep AI
trae           | TRAE CLI
tabnine        | Tabnine Agent
goose          | Block Goose
gemini         | Gemini CLI Agent
windsurf       | Windsurf Cascade
coderabbit     | CodeRabbit
amazon-q       | Amazon Q Developer
openhands      | OpenHands
replit         | Replit Agent
";
    check_table(&catalog(), NAMES, |cat, v| {
        label(cat, cat.match_value(KeyKind::Identity, v))
    });
}

#[test]
fn ai_keys_unknown_none_and_models() {
    let cat = catalog();
    for v in ["none", "NONE", "Human", "no", "N/A", "  n/a  "] {
        assert_eq!(
            cat.match_value(KeyKind::Ai, v),
            ValueMatch::NoAssistant,
            "{v}"
        );
    }
    // Under an AI key, an unmatched value without an address is `unknown`, not a person.
    assert_eq!(
        cat.match_value(KeyKind::Ai, "Claude Dioudonnat"),
        ValueMatch::Unknown
    );
    assert_eq!(cat.match_value(KeyKind::Ai, "Foo:bar"), ValueMatch::Unknown);
    // The AGENT of the kernel form is never a model: `Opus:x` is unknown.
    assert_eq!(
        cat.match_value(KeyKind::Ai, "Opus:claude-opus-4"),
        ValueMatch::Unknown
    );
    // `://` is a URL, not the kernel form.
    let url = cat.match_value(KeyKind::Ai, "https://claude.ai/code");
    assert_eq!(url, ValueMatch::Unknown);
    let rows: &[(&str, &str, MatchedBy)] = &[
        ("claude-code", "claude-code", MatchedBy::Id),
        ("CLAUDE-CODE", "claude-code", MatchedBy::Id),
        (
            "openai-codex:gpt-5",
            "openai-codex",
            MatchedBy::KernelAgent(String::new()),
        ),
        ("gpt-4o", "openai-codex", MatchedBy::Model(String::new())),
        ("o3-mini", "openai-codex", MatchedBy::Model(String::new())),
        (
            "azure/gpt-4.1",
            "openai-codex",
            MatchedBy::Model(String::new()),
        ),
        (
            "anthropic/claude-sonnet-4",
            "claude-code",
            MatchedBy::Model(String::new()),
        ),
        (
            "vertex_ai/gemini-2.5-pro",
            "gemini",
            MatchedBy::Model(String::new()),
        ),
        (
            "Kiro:claude-sonnet-4",
            "kiro",
            MatchedBy::KernelAgent(String::new()),
        ),
        (
            "Claude Code:claude-opus-4.6",
            "claude-code",
            MatchedBy::KernelAgent(String::new()),
        ),
        (
            "Claude <claude@example.com>",
            "claude-code",
            MatchedBy::Name(String::new()),
        ),
        (
            "aider (gpt-4o) <me@example.com>",
            "aider",
            MatchedBy::Identity(String::new()),
        ),
    ];
    for (value, want, by) in rows {
        match cat.match_value(KeyKind::Ai, value) {
            ValueMatch::Assistant { index, by: got } => {
                assert_eq!(cat.entries()[index].id, *want, "{value}");
                assert_eq!(
                    std::mem::discriminant(&got),
                    std::mem::discriminant(by),
                    "{value}: {got:?}"
                );
            }
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn matched_by_names_the_pattern() {
    let cat = catalog();
    let claude = cat.index_of("claude-code").unwrap();
    assert_eq!(
        cat.match_value(KeyKind::Identity, "Claude <noreply@anthropic.com>"),
        ValueMatch::Assistant {
            index: claude,
            by: MatchedBy::Email("noreply@anthropic.com".into())
        }
    );
    // An email pattern beats the id of the same entry.
    assert_eq!(
        cat.match_identity("Copilot", "198982749+Copilot@users.noreply.github.com"),
        Some((
            cat.index_of("github-copilot").unwrap(),
            MatchedBy::Email("*+Copilot@users.noreply.github.com".into())
        ))
    );
    let (i, by) = cat
        .match_identity("Paul Gauthier (aider)", "paul@example.com")
        .unwrap();
    assert_eq!(cat.entries()[i].id, "aider");
    assert!(matches!(by, MatchedBy::Identity(p) if p.contains("aider")));
}

#[test]
fn markers_and_session_trailers() {
    let cat = catalog();
    let msg = "Fix\n\n🤖 generated with [claude code](https://claude.ai/code)\n\
               Replit-Commit-Author: Agent\nGenerated with [Devin](https://devin.ai)\n";
    let mut got: Vec<(String, String)> = cat
        .match_markers(msg)
        .into_iter()
        .map(|(i, m)| (cat.entries()[i].id.clone(), m))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("claude-code".into(), "Generated with [Claude Code]".into()),
            ("devin".into(), "Generated with [Devin]".into()),
            ("replit".into(), "Replit-Commit-Author: Agent".into()),
        ]
    );
    assert!(cat.match_markers("Fix the Claude Code docs\n").is_empty());
    // An emoji has no case: the built-in markers all stay on the one-pass automaton.
    assert!(cat.marker_scan.is_some());
    assert_eq!(
        cat.match_markers("x\n\n💘 GENERATED WITH CRUSH\n"),
        [(
            cat.index_of("crush").unwrap(),
            "💘 Generated with Crush".to_string()
        )]
    );
    assert!(
        cat.match_markers("Replit-Commit-Author: Deployment\n")
            .is_empty()
    );
    for (key, want) in [
        ("claude-session", "claude-code"),
        ("AMP-THREAD-ID", "amp"),
        ("Replit-Commit-Session-Id", "replit"),
        ("Agent-Logs-Url", "github-copilot"),
    ] {
        assert_eq!(
            cat.session_trailer(key)
                .map(|i| cat.entries()[i].id.as_str()),
            Some(want)
        );
    }
    assert_eq!(cat.session_trailer("AI-Session"), None);
    assert_eq!(cat.session_trailer("Signed-off-by"), None);
}

fn policy_def(id: &str) -> AssistantDef {
    AssistantDef {
        id: id.into(),
        name: id.into(),
        ..AssistantDef::default()
    }
}

#[test]
fn policy_defined_entries_win_at_every_step() {
    let mut inhouse = policy_def("inhouse-bot");
    inhouse.names = vec!["(?i)^claude$".into()];
    inhouse.emails = vec!["noreply@anthropic.com".into()];
    inhouse.models = vec!["(?i)^opus".into()];
    let mut defs = vec![inhouse];
    defs.extend(builtin());
    let cat = Catalog::compile(defs).unwrap();
    assert_eq!(
        resolve(&cat, "trailer Co-authored-by: Claude"),
        "inhouse-bot"
    );
    assert_eq!(
        resolve(
            &cat,
            "trailer Co-authored-by: Claude <noreply@anthropic.com>"
        ),
        "inhouse-bot"
    );
    assert_eq!(
        resolve(&cat, "trailer Assisted-by: Opus 4.7"),
        "inhouse-bot"
    );
    // Where the policy entry does not match, built-ins still do.
    assert_eq!(
        resolve(&cat, "trailer Co-authored-by: Claude Code"),
        "claude-code"
    );
    // Policy regexes are case-sensitive unless they say `(?i)`.
    let mut strict = policy_def("strict");
    strict.names = vec!["^Bot$".into()];
    let cat = Catalog::compile(vec![strict]).unwrap();
    assert_eq!(
        cat.match_value(KeyKind::Identity, "Bot"),
        ValueMatch::Assistant {
            index: 0,
            by: MatchedBy::Name("^Bot$".into())
        }
    );
    assert_eq!(
        cat.match_value(KeyKind::Identity, "bot"),
        ValueMatch::Person
    );
}

#[test]
fn kernel_agent_matches_names_only() {
    let mut inhouse = policy_def("inhouse-bot");
    inhouse.names = vec!["(?i)^inhouse bot$".into()];
    let cat = Catalog::compile(vec![inhouse]).unwrap();
    let id = |v| cat.match_value(KeyKind::Ai, v);
    assert!(matches!(
        id("inhouse bot:gpt-5"),
        ValueMatch::Assistant {
            by: MatchedBy::KernelAgent(_),
            ..
        }
    ));
    // Not with models; an id or display name counts only as spelt (docs/recognition.md).
    assert_eq!(
        id("Inhouse_Bot:gpt-5"),
        ValueMatch::Assistant {
            index: 0,
            by: MatchedBy::Spelling
        }
    );
    assert_eq!(id("other-bot:gpt-5"), ValueMatch::Unknown);
    assert_eq!(
        cat.match_value(KeyKind::Identity, "other-bot:gpt-5"),
        ValueMatch::Person
    );
}

#[test]
fn compile_collects_every_error() {
    let mut a = policy_def("a");
    a.names = vec!["(?i)^fine$".into(), "(unclosed".into()];
    let mut b = policy_def("b");
    b.identities = vec!["[z-a]".into()];
    let errs = Catalog::compile(vec![a, b]).unwrap_err();
    let mut got: Vec<_> = errs
        .iter()
        .map(|e| (e.assistant.as_str(), e.field, e.index))
        .collect();
    got.sort();
    assert_eq!(got, vec![("a", "names", 1), ("b", "identities", 0)]);
    assert!(
        errs.iter().all(|e| e.message.starts_with("invalid regex")),
        "{errs:?}"
    );

    let mut c = policy_def("c");
    c.emails = vec![
        "bot@corp.example".into(),
        "not an address".into(),
        "".into(),
    ];
    c.markers = vec!["  ".into()];
    c.session_trailers = vec!["Bad Key".into()];
    c.models = vec!["(".into()];
    let dup = policy_def("C");
    let errs = Catalog::compile(vec![c, dup]).unwrap_err();
    let got: Vec<_> = errs
        .iter()
        .map(|e| (e.assistant.as_str(), e.field, e.index))
        .collect();
    assert_eq!(
        got,
        vec![
            ("C", "id", 1),
            ("c", "session_trailers", 0),
            ("c", "emails", 1),
            ("c", "emails", 2),
            ("c", "models", 0),
            ("c", "markers", 0),
        ]
    );
}

#[test]
fn email_globs() {
    let mut d = policy_def("corp");
    d.emails = vec![
        "*+ci-bot@users.noreply.github.com".into(),
        "bot.*@corp.example".into(),
    ];
    let cat = Catalog::compile(vec![d]).unwrap();
    assert!(
        cat.match_identity("x", "12+CI-Bot@users.noreply.github.com")
            .is_some()
    );
    assert!(cat.match_identity("x", "bot.build@CORP.example").is_some());
    // `.` is literal, and the whole address must match.
    assert!(cat.match_identity("x", "botxbuild@corp.example").is_none());
    assert!(
        cat.match_identity("x", "bot.build@corp.example.org")
            .is_none()
    );
    assert!(
        cat.match_identity("x", "ci-bot@users.noreply.github.com")
            .is_none()
    );
}

mod corpus;
mod tools_and_spellings;

#[test]
fn each_builtin_display_name_declares_its_entry_alone_and_in_kernel_form() {
    // `prepare-commit-msg` writes `Assisted-by: NAME` or `Assisted-by: NAME:MODEL`; both must
    // read back as the same assistant.
    let cat = catalog();
    for (i, d) in cat.entries().iter().enumerate() {
        for value in [d.name.clone(), format!("{}:some-model-1", d.name)] {
            match cat.match_value(KeyKind::Ai, &value) {
                ValueMatch::Assistant { index, .. } => assert_eq!(index, i, "{value}"),
                other => panic!("{value}: {other:?}"),
            }
        }
    }
}

/// The quick check that rules messages out finds exactly the messages the automaton finds:
/// every marker in any ASCII case, cut short, or with a non-ASCII letter folded.
#[test]
fn the_marker_quick_check_agrees_with_the_automaton() {
    let cat = Catalog::compile(builtin()).unwrap();
    let scan = cat.marker_scan.as_ref().unwrap();
    assert!(scan.any.is_some());
    let mut messages = vec![String::new(), "fix: nothing here\n".to_string()];
    for d in cat.entries() {
        for m in &d.markers {
            let cut: String = m.chars().take(m.chars().count() - 1).collect();
            let flipped: String = m
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            for text in [m.clone(), m.to_uppercase(), m.to_lowercase(), cut, flipped] {
                messages.push(format!("t\n\nbody {text} more\n"));
                messages.push(text.replace('e', "é").replace('E', "É"));
            }
        }
    }
    let mut found = 0;
    for message in &messages {
        let by_automaton = scan.automaton.is_match(message.as_str());
        assert_eq!(scan.any_in(message), by_automaton, "{message:?}");
        found += usize::from(by_automaton);
    }
    assert!(found > 0 && found < messages.len());
}

#[test]
fn a_marker_with_a_cased_non_ascii_letter_keeps_unicode_case_folding() {
    let mut bot = policy_def("bot");
    bot.markers = vec!["Erzeugt mit Über-Bot".into()];
    let mut defs = vec![bot];
    defs.extend(builtin());
    let cat = Catalog::compile(defs).unwrap();
    assert!(cat.marker_scan.is_none(), "`Ü` has a lower case");
    let found = |m: &str| -> Vec<String> {
        cat.match_markers(m)
            .into_iter()
            .map(|(i, _)| cat.entries()[i].id.clone())
            .collect()
    };
    assert_eq!(found("x\n\nerzeugt mit über-bot\n"), ["bot"]);
    assert_eq!(found("x\n\n💘 generated with crush\n"), ["crush"]);
}
