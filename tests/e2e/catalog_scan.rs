//! Every row of the catalog's required-recognitions table (docs/recognition.md) through a full
//! `scan` of a real repository: one commit per row, then the assistants of each commit's jsonl
//! record.

use crate::support::{Repo, assistants, record};

enum Input {
    Trailer(&'static str),
    Author(&'static str, &'static str),
    Body(&'static str),
    Title(&'static str),
}

use Input::*;

const ROWS: &[(Input, Option<&str>)] = &[
    (
        Trailer("Co-Authored-By: Claude <noreply@anthropic.com>"),
        Some("claude-code"),
    ),
    (
        Trailer("Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>"),
        Some("claude-code"),
    ),
    (
        Trailer("Co-Authored-By: Claude Fable 5"),
        Some("claude-code"),
    ),
    (
        Trailer("Assisted-by: Claude:claude-3-opus coccinelle sparse"),
        Some("claude-code"),
    ),
    (Trailer("Assisted-by: Opus 4.7"), Some("claude-code")),
    (
        Author(
            "claude[bot]",
            "209825114+claude[bot]@users.noreply.github.com",
        ),
        Some("claude-code"),
    ),
    (
        Body("\u{1F916} Generated with [Claude Code](https://claude.com/claude-code)"),
        Some("claude-code"),
    ),
    (
        Trailer("Claude-Session: https://claude.ai/code/session_01AB"),
        Some("claude-code"),
    ),
    (Trailer("Assisted-by: Kiro:claude-sonnet-4"), Some("kiro")),
    (Trailer("AI-Assistant: Kiro"), Some("kiro")),
    (
        Trailer("Co-authored-by: aider (gpt-4o) <aider@aider.chat>"),
        Some("aider"),
    ),
    (
        Trailer("Co-authored-by: aider (gemini/gemini-2.5-pro) <noreply@aider.chat>"),
        Some("aider"),
    ),
    (
        Author("Paul Gauthier (aider)", "paul@example.com"),
        Some("aider"),
    ),
    (
        Author(
            "copilot-swe-agent[bot]",
            "198982749+Copilot@users.noreply.github.com",
        ),
        Some("github-copilot"),
    ),
    (
        Trailer("Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"),
        Some("github-copilot"),
    ),
    (
        Trailer("Co-authored-by: Copilot <copilot@github.com>"),
        Some("github-copilot"),
    ),
    (
        Trailer("Agent-Logs-Url: https://github.com/o/r/sessions/1f2e"),
        Some("github-copilot"),
    ),
    (
        Trailer("Co-authored-by: Cursor <cursoragent@cursor.com>"),
        Some("cursor"),
    ),
    (
        Trailer("Co-authored-by: Codex <noreply@openai.com>"),
        Some("openai-codex"),
    ),
    (Trailer("Assisted-by: ChatGPTv5"), Some("openai-codex")),
    (Trailer("Assisted-by: GPT-5.6 Sol"), Some("openai-codex")),
    (
        Author(
            "gemini-code-assist[bot]",
            "176961590+gemini-code-assist[bot]@users.noreply.github.com",
        ),
        Some("gemini"),
    ),
    (
        Author(
            "google-labs-jules[bot]",
            "161369871+google-labs-jules[bot]@users.noreply.github.com",
        ),
        Some("jules"),
    ),
    (
        Author(
            "amazon-q-developer[bot]",
            "208079219+amazon-q-developer[bot]@users.noreply.github.com",
        ),
        Some("amazon-q"),
    ),
    (
        Author("amazon-q-developer[bot]", "bot@example.com"),
        Some("amazon-q"),
    ),
    (
        Trailer(
            "Co-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
        ),
        Some("devin"),
    ),
    (
        Trailer("Co-authored-by: Amp <amp@ampcode.com>"),
        Some("amp"),
    ),
    (
        Trailer("Amp-Thread-ID: https://ampcode.com/threads/T-1"),
        Some("amp"),
    ),
    (
        Trailer("Co-authored-by: openhands <openhands@all-hands.dev>"),
        Some("openhands"),
    ),
    (Trailer("Assisted-by: generic LLM chatbot"), Some("unknown")),
    (Trailer("Assisted-by: none"), None),
    (Trailer("Co-authored-by: Jane Doe <jane@example.com>"), None),
    (Trailer("Signed-off-by: Jane Doe <jane@example.com>"), None),
    (
        Trailer("Co-Authored-By: opencode <noreply@opencode.ai>"),
        Some("opencode"),
    ),
    (
        Body("\u{1F916} Generated with [opencode](https://opencode.ai)"),
        Some("opencode"),
    ),
    (
        Trailer(
            "Co-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>",
        ),
        Some("factory-droid"),
    ),
    (
        Trailer("Co-authored-by: Droid <droid@factory.ai>"),
        Some("factory-droid"),
    ),
    (
        Trailer("Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>"),
        Some("qwen-code"),
    ),
    (
        Trailer("Co-Authored-By: Warp <agent@warp.dev>"),
        Some("warp"),
    ),
    (
        Trailer("Co-Authored-By: Oz <oz-agent@warp.dev>"),
        Some("warp"),
    ),
    (Body("\u{1F498} Generated with Crush"), Some("crush")),
    (
        Trailer("Co-Authored-By: Crush <crush@charm.land>"),
        Some("crush"),
    ),
    (
        Trailer("Assisted-by: Claude Sonnet 4.5 via Crush <crush@charm.land>"),
        Some("crush"),
    ),
    (
        Trailer("Co-Authored-By: Mistral Vibe <vibe@mistral.ai>"),
        Some("mistral-vibe"),
    ),
    (
        Trailer("Co-authored-by: Roo Code <roomote@roocode.com>"),
        Some("roo-code"),
    ),
    (
        Author(
            "kiloconnect[bot]",
            "240665456+kiloconnect[bot]@users.noreply.github.com",
        ),
        Some("kilo-code"),
    ),
    (
        Author(
            "gpt-engineer-app[bot]",
            "159125892+gpt-engineer-app[bot]@users.noreply.github.com",
        ),
        Some("lovable"),
    ),
    (
        Author("v0[bot]", "v0[bot]@users.noreply.github.com"),
        Some("v0"),
    ),
    (
        Author("sweep-ai[bot]", "sweep-ai[bot]@users.noreply.github.com"),
        Some("sweep"),
    ),
    (
        Author(
            "jetbrains-junie[bot]",
            "jetbrains-junie[bot]@users.noreply.github.com",
        ),
        Some("junie"),
    ),
    (
        Trailer("Co-authored-by: TRAE CLI <traecli@bytedance.com>"),
        Some("trae"),
    ),
    (
        Trailer("Co-Authored-By: Tabnine Agent <noreply@tabnine.com>"),
        Some("tabnine"),
    ),
    (
        Trailer("Co-authored-by: Goose <opensource@block.xyz>"),
        Some("goose"),
    ),
    (
        Trailer("Co-authored-by: Gemini CLI Agent <gemini-cli-agent@google.com>"),
        Some("gemini"),
    ),
    (
        Trailer("Co-authored-by: Kiro <noreply@kiro.dev>"),
        Some("kiro"),
    ),
    (
        Trailer("Co-authored-by: Cline <noreply@cline.bot>"),
        Some("cline"),
    ),
    (
        Trailer("Co-authored-by: Cascade <cascade@windsurf.dev>"),
        Some("windsurf"),
    ),
    // Short product names are names and words people use: they stay people.
    (
        Trailer("Co-authored-by: Droid Smith <droid@example.com>"),
        None,
    ),
    (Trailer("Co-authored-by: Oz Perkins <oz@example.com>"), None),
    (Trailer("Co-authored-by: Warp Speed <w@example.com>"), None),
    (Trailer("Co-authored-by: Goose Gossage"), None),
    (
        Trailer("Co-authored-by: Trae Young <trae@example.com>"),
        None,
    ),
    (Trailer("Co-authored-by: Crush Jones"), None),
    (Author("Junie", "junie@example.com"), None),
    (Author("Sweep", "sweep@example.com"), None),
    (Author("Roo", "roo@example.com"), None),
    (Author("Kilo", "kilo@example.com"), None),
    (Trailer("Made-with: Cursor"), Some("cursor")),
    (Trailer("Synthesized-by: Claude Code"), Some("claude-code")),
    (
        Trailer("Assisted-by: GPT-5 via GitHub Copilot"),
        Some("github-copilot"),
    ),
    (
        Trailer("Assisted-by: ClaudeCode:claude-3-7-sonnet"),
        Some("claude-code"),
    ),
    (
        Trailer("Assisted-by: openai-codex:gpt-5"),
        Some("openai-codex"),
    ),
    (Trailer("Assisted-by: claude_code"), Some("claude-code")),
    (Title("aider: Added a test for the parser"), Some("aider")),
    (Title("Aider: a person's title"), None),
    (
        Trailer("Co-authored-by: Jane Doe via the mailing list <jane@example.com>"),
        None,
    ),
];

#[test]
fn every_required_recognition_through_a_scan() {
    let repo = Repo::new();
    let mut ids = Vec::new();
    for (i, (input, _)) in ROWS.iter().enumerate() {
        let id = match input {
            Trailer(t) => repo.commit(&format!("row {i}\n\n{t}\n"), &[]),
            Title(t) => repo.commit(&format!("{t}\n\nrow {i}\n"), &[]),
            Body(line) => repo.commit(&format!("row {i}\n\n{line}\n\nSome more text.\n"), &[]),
            Author(name, email) => repo.commit_as(&format!("row {i}\n"), &[], Some((name, email))),
        };
        ids.push(id);
    }
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0);
    for ((input, want), id) in ROWS.iter().zip(&ids) {
        let r = record(&records, id);
        let got = assistants(r);
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        let label = match input {
            Trailer(t) | Body(t) | Title(t) => t.to_string(),
            Author(n, e) => format!("author {n} <{e}>"),
        };
        assert_eq!(got, want, "{label}");
        if let Some(first) = r["assistants"][0]["evidence"][0]["source"].as_str() {
            let want_source = match input {
                Trailer(t)
                    if t.starts_with("Claude-Session")
                        || t.starts_with("Agent-Logs-Url")
                        || t.starts_with("Amp-Thread-ID") =>
                {
                    "session-trailer"
                }
                Trailer(_) => "trailer",
                Author(..) => "author",
                Body(_) | Title(_) => "marker",
            };
            assert_eq!(first, want_source, "{label}");
        }
    }
    let summary = records.last().expect("summary");
    assert_eq!(summary["by_assistant"]["claude-code"], 11);
    assert_eq!(summary["by_assistant"]["unknown"], 1);
}

#[test]
fn renamed_bot_is_known_by_its_numeric_id() {
    let repo = Repo::new();
    let id = repo.commit_as(
        "bot\n",
        &[],
        Some((
            "some-renamed[bot]",
            "215619710+some-renamed[bot]@users.noreply.github.com",
        )),
    );
    let (_, records) = repo.scan_jsonl(&[]);
    assert_eq!(assistants(record(&records, &id)), ["claude-code"]);
}

#[test]
fn policy_defined_assistant_is_matched_first() {
    let repo = Repo::new();
    repo.policy(
        r#"
version = 1
[defaults]
status = "approved"
[assistants.inhouse-bot]
name = "In-house bot"
emails = ["bot@corp.example"]
names = ['(?i)^inhouse bot\b', '(?i)^claude$']
"#,
        None,
    );
    let a = repo.commit_as("by bot\n", &[], Some(("Builder", "BOT@corp.example")));
    let b = repo.commit("claude?\n\nAssisted-by: Claude\n", &[]);
    let (_, records) = repo.scan_jsonl(&[]);
    assert_eq!(assistants(record(&records, &a)), ["inhouse-bot"]);
    assert_eq!(assistants(record(&records, &b)), ["inhouse-bot"]);
}

#[test]
fn policy_show_catalog_prints_policy_and_builtin_assistants_as_toml() {
    let repo = Repo::new();
    repo.policy(
        r#"
version = 1
[assistants.inhouse-bot]
name = "In-house 'bot'"
status = "approved"
emails = ["bot@corp.example"]
names = ['(?i)^inhouse bot\b']
"#,
        None,
    );
    let (code, out, err) = repo.run(&["policy", "show", "--catalog"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("[[assistant]]  # defined by the policy, status approved"),
        "{out}"
    );
    let catalog: toml::Value = toml::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let entries = catalog["assistant"].as_array().unwrap();
    let id = |i: usize| entries[i]["id"].as_str().unwrap().to_string();
    // Policy-defined first, then the built-in ones in their order.
    assert_eq!(id(0), "inhouse-bot");
    assert_eq!(entries[0]["name"].as_str(), Some("In-house 'bot'"));
    assert_eq!(entries[0]["emails"][0].as_str(), Some("bot@corp.example"));
    assert!(entries[0].get("sources").is_none());
    assert_eq!(id(1), "claude-code");
    let sources = entries[1]["sources"].as_array().unwrap();
    assert!(
        sources.iter().any(|s| s
            .as_str()
            .unwrap()
            .starts_with("https://github.com/anthropics/")),
        "{sources:?}"
    );
    assert_eq!(entries[1]["github_ids"][0].as_integer(), Some(209825114));
    assert!(
        entries
            .iter()
            .all(|e| e.get("sources").is_some() || e["id"].as_str() == Some("inhouse-bot"))
    );
}

#[test]
fn the_tool_after_via_names_a_policy_defined_assistant() {
    let repo = Repo::new();
    repo.policy(
        r#"
version = 1
[defaults]
status = "approved"
[assistants.inhouse-tool]
name = "Inhouse Tool"
emails = ["tool@corp.example"]
names = ['(?i)^inhouse$']
"#,
        None,
    );
    let rows = [
        ("Assisted-by: Claude Sonnet 4.5 via Inhouse", "inhouse-tool"),
        (
            "Assisted-by: Claude Sonnet 4.5 via Inhouse <tool@corp.example>",
            "inhouse-tool",
        ),
        (
            "Assisted-by: Claude Opus 4.6 using inhouse_tool",
            "inhouse-tool",
        ),
        (
            "Assisted-by: Claude via Inhouse using Copilot",
            "github-copilot",
        ),
        (
            "Assisted-by: Claude Sonnet 4.5 via a shell script",
            "claude-code",
        ),
    ];
    let ids: Vec<_> = rows
        .iter()
        .map(|(t, _)| repo.commit(&format!("via\n\n{t}\n"), &[]))
        .collect();
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0);
    for ((trailer, want), id) in rows.iter().zip(&ids) {
        assert_eq!(assistants(record(&records, id)), [*want], "{trailer}");
    }
}

#[test]
fn policy_trailer_keys_keep_human_helpers_people() {
    let repo = Repo::new();
    repo.policy(
        r#"
version = 1
[defaults]
status = "approved"
[trailers]
identity_keys = ["Assisted-by"]
ai_keys = ["X-AI-Tool"]
"#,
        None,
    );
    let helper = repo.commit("fix\n\nAssisted-by: Jay Satiro\n", &[]);
    let tool = repo.commit("fix\n\nAssisted-by: Claude Code\n", &[]);
    let added = repo.commit("fix\n\nX-AI-Tool: home-grown\n", &[]);
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0);
    assert!(assistants(record(&records, &helper)).is_empty());
    assert_eq!(assistants(record(&records, &tool)), ["claude-code"]);
    assert_eq!(assistants(record(&records, &added)), ["unknown"]);
    let (code, out, err) = repo.run(&["policy", "show"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\n[trailers]\n"), "{out}");
    assert!(out.contains(r#"identity_keys = ["co-authored-by", "co-developed-by", "signed-off-by", "assisted-by"]"#), "{out}");
    assert!(out.contains(r#""synthesized-by", "x-ai-tool"]"#), "{out}");
    assert!(out.contains("subject_prefixes = true"), "{out}");
}

#[test]
fn subject_prefixes_can_be_turned_off_per_repository() {
    let default = Repo::new();
    let by_aider = default.commit("aider: fix\n", &[]);
    let (_, records) = default.scan_jsonl(&[]);
    assert_eq!(assistants(record(&records, &by_aider)), ["aider"]);

    let off = Repo::new();
    off.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[trailers]\nsubject_prefixes = false\n",
        None,
    );
    let by_person = off.commit("aider: fix\n", &[]);
    let (code, records) = off.scan_jsonl(&[]);
    assert_eq!(code, 0);
    assert!(assistants(record(&records, &by_person)).is_empty());
    let (_, out, _) = off.run(&["policy", "show"]);
    assert!(out.contains("subject_prefixes = false"), "{out}");
}
