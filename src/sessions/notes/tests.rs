use super::*;
use proptest::prelude::*;

fn s(tool: &str, session: Option<&str>, model: Option<&str>) -> NoteSession {
    NoteSession {
        tool: tool.to_owned(),
        session: session.map(str::to_owned),
        model: model.map(str::to_owned),
    }
}

fn err_of(r: Result<Vec<NoteSession>, NoteError>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.message,
    }
}

// ---------------------------------------------------------------------------------------
// trailgate notes

#[test]
fn trailgate_accepted_shapes() {
    let cases: &[(&str, &str, Vec<NoteSession>)] = &[
        (
            "toml single",
            "assistant = \"claude-code\"\nsession = \"abc\"\nmodel = \"claude-opus-4-7\"\n",
            vec![s("claude-code", Some("abc"), Some("claude-opus-4-7"))],
        ),
        (
            "toml single, only assistant",
            "assistant = \"kiro\"\n",
            vec![s("kiro", None, None)],
        ),
        (
            "toml single with started/ended datetimes, files and unknown keys",
            "assistant = \"cursor\"\nsession = \"s1\"\nstarted = 2026-01-02T03:04:05Z\n\
             ended = \"2026-01-02T04:00:00Z\"\nfiles = [\"a.rs\", \"b.rs\"]\nfuture = { x = 1 }\n",
            vec![s("cursor", Some("s1"), None)],
        ),
        (
            "toml [[sessions]]",
            "[[sessions]]\nassistant = \"claude-code\"\nsession = \"one\"\n\n\
             [[sessions]]\nassistant = \"openai-codex\"\nmodel = \"gpt-5\"\nfiles = []\n",
            vec![
                s("claude-code", Some("one"), None),
                s("openai-codex", None, Some("gpt-5")),
            ],
        ),
        (
            "toml inline sessions array",
            "sessions = [{ assistant = \"amp\", session = \"T-1\" }, { assistant = \"cline\" }]\n",
            vec![s("amp", Some("T-1"), None), s("cline", None, None)],
        ),
        ("toml empty sessions", "sessions = []\n", vec![]),
        (
            "toml with CRLF",
            "assistant = \"gemini\"\r\nsession = \"g-7\"\r\n",
            vec![s("gemini", Some("g-7"), None)],
        ),
        (
            "toml with byte-order mark",
            "\u{feff}assistant = \"devin\"\n",
            vec![s("devin", None, None)],
        ),
        (
            "json with byte-order mark",
            "\u{feff}{\"assistant\":\"jules\"}",
            vec![s("jules", None, None)],
        ),
        (
            "json single",
            r#"{"assistant":"claude-code","session":"abc","model":"claude-opus-4-7",
               "started":"2026-01-02T03:04:05Z","ended":null,"files":["src/a.rs"],"v":2}"#,
            vec![s("claude-code", Some("abc"), Some("claude-opus-4-7"))],
        ),
        (
            "json sessions",
            "  \n{\"sessions\":[{\"assistant\":\"windsurf\",\"session\":null},\
             {\"assistant\":\"aider\",\"model\":\"gpt-4o\",\"extra\":{\"deep\":[1,2]}}]}\n",
            vec![s("windsurf", None, None), s("aider", None, Some("gpt-4o"))],
        ),
        (
            "json with CRLF",
            "{\r\n  \"assistant\": \"cody\",\r\n  \"session\": \"c\"\r\n}\r\n",
            vec![s("cody", Some("c"), None)],
        ),
        (
            "empty session and model strings mean absent",
            "assistant = \"replit\"\nsession = \"\"\nmodel = \"\"\n",
            vec![s("replit", None, None)],
        ),
    ];
    for (name, text, want) in cases {
        assert_eq!(
            parse_trailgate_note(text.as_bytes()).as_ref(),
            Ok(want),
            "case: {name}"
        );
    }
}

#[test]
fn trailgate_rejections() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty", b"", "empty"),
        ("blank", b" \n\t\r\n", "empty"),
        ("garbage", b"this is not a note at all", "invalid TOML"),
        ("binary-ish text", b"\x01\x02\x03", "invalid TOML"),
        (
            "non-UTF-8",
            b"assistant = \"\xff\xfe\"\n",
            "not valid UTF-8",
        ),
        (
            "toml without assistant or sessions",
            b"session = \"abc\"\n",
            "missing `assistant`",
        ),
        (
            "toml table without any session key",
            b"files = [\"a\"]\n",
            "expected `assistant` (one session) or `sessions`",
        ),
        (
            "second session without assistant",
            b"[[sessions]]\nassistant = \"cursor\"\n[[sessions]]\nsession = \"x\"\n",
            "session 2: missing `assistant`",
        ),
        (
            "json session without assistant",
            br#"{"session":"abc","model":"m"}"#,
            "session 1: missing `assistant`",
        ),
        (
            "json null assistant",
            br#"{"assistant":null,"session":"abc"}"#,
            "missing `assistant`",
        ),
        ("blank assistant", b"assistant = \"  \"\n", "is blank"),
        (
            "assistant of wrong type",
            b"assistant = 3\n",
            "invalid TOML, expected a table",
        ),
        (
            "both forms",
            b"assistant = \"cursor\"\n[[sessions]]\nassistant = \"cline\"\n",
            "not both",
        ),
        (
            "sessions not an array",
            b"sessions = \"claude\"\n",
            "invalid TOML",
        ),
        (
            "truncated json",
            br#"{"assistant":"claude-code","sess"#,
            "truncated JSON",
        ),
        ("json syntax error", br#"{"assistant" "x"}"#, "invalid JSON"),
        (
            "json array at top",
            br#"[{"assistant":"x"}]"#,
            "invalid TOML",
        ),
        (
            "control character in model",
            b"assistant = \"cursor\"\nmodel = \"gpt\\u001b[31m\"\n",
            "model contains control characters",
        ),
    ];
    for (name, text, want) in cases {
        let msg = err_of(parse_trailgate_note(text));
        assert!(msg.contains(want), "case {name}: {msg:?} lacks {want:?}");
        assert!(msg.starts_with("trailgate note: "), "case {name}: {msg:?}");
    }
}

#[test]
fn errors_say_what_was_expected_and_where() {
    let msg = err_of(parse_trailgate_note(b"assistant = \"x\"\nmodel = @\n"));
    assert!(
        msg.contains("expected a table with `assistant` or `sessions`"),
        "{msg}"
    );
    assert!(msg.contains("(line 2, column 9)"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");

    let msg = err_of(parse_trailgate_note(b"{\n\"assistant\": 5}"));
    assert!(msg.contains("expected a JSON object"), "{msg}");
    assert!(msg.contains("(line 2, column"), "{msg}");
}

// ---------------------------------------------------------------------------------------
// git-ai notes

/// Follows git-ai's serializer: file path lines (quoted when they contain whitespace),
/// entries indented by two spaces, `---`, then pretty-printed metadata.
const GIT_AI_REALISTIC: &str = r#"src/main.rs
  1f3a5c7e9b2d4f60 1-12,40
  h_0a1b2c3d4e5f60 13-14
"docs/user guide.md"
  d4a7828bfdafe456 5-6
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.2.3",
  "base_commit_sha": "ae20f6f2d8c1b4e7a9f0c3d5e6b7a8c9d0e1f2a3",
  "prompts": {
    "1f3a5c7e9b2d4f60": {
      "agent_id": {
        "tool": "cursor",
        "id": "7c1e2f9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b",
        "model": "gpt-5"
      },
      "human_author": "Alice Example <alice@example.com>",
      "messages": [],
      "total_additions": 14,
      "total_deletions": 2,
      "accepted_lines": 13,
      "overriden_lines": 0
    },
    "d4a7828bfdafe456": {
      "agent_id": {
        "tool": "claude",
        "id": "0b9e4a52-7d3c-4f1a-9e8d-2c6b5a4f3e21",
        "model": "claude-opus-4-7"
      },
      "human_author": "Alice Example <alice@example.com>",
      "total_additions": 2,
      "total_deletions": 0,
      "accepted_lines": 2,
      "overriden_lines": 0,
      "messages_url": "https://example.com/t/1"
    }
  },
  "humans": {
    "h_0a1b2c3d4e5f60": {
      "author": "Alice Example <alice@example.com>"
    }
  }
}"#;

const GIT_AI_WITH_SESSIONS: &str = r#"lib/util.py
  s_9a8b7c6d5e4f30::t_00112233445566 1-3
  s_1234567890abcd::t_66554433221100 8
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.0",
  "base_commit_sha": "0123456789abcdef0123456789abcdef01234567",
  "prompts": {},
  "sessions": {
    "s_9a8b7c6d5e4f30": {
      "agent_id": {"tool": "codex", "id": "019a-thread", "model": "gpt-5-codex"},
      "human_author": "Bob <bob@example.com>"
    },
    "s_1234567890abcd": {
      "agent_id": {"tool": "devin", "id": "devin-abc", "model": "unknown"},
      "human_author": null,
      "custom_attributes": {"team": "infra"}
    }
  }
}
"#;

#[test]
fn git_ai_accepted_notes() {
    let cases: Vec<(&str, String, Vec<NoteSession>)> = vec![
        (
            "realistic note: two prompts, a human",
            GIT_AI_REALISTIC.to_owned(),
            vec![
                s(
                    "cursor",
                    Some("7c1e2f9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b"),
                    Some("gpt-5"),
                ),
                s(
                    "claude",
                    Some("0b9e4a52-7d3c-4f1a-9e8d-2c6b5a4f3e21"),
                    Some("claude-opus-4-7"),
                ),
            ],
        ),
        (
            "newer note with sessions",
            GIT_AI_WITH_SESSIONS.to_owned(),
            vec![
                s("codex", Some("019a-thread"), Some("gpt-5-codex")),
                s("devin", Some("devin-abc"), Some("unknown")),
            ],
        ),
        (
            "CRLF line endings",
            GIT_AI_REALISTIC.replace('\n', "\r\n"),
            vec![
                s(
                    "cursor",
                    Some("7c1e2f9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b"),
                    Some("gpt-5"),
                ),
                s(
                    "claude",
                    Some("0b9e4a52-7d3c-4f1a-9e8d-2c6b5a4f3e21"),
                    Some("claude-opus-4-7"),
                ),
            ],
        ),
        (
            "spec example, compact JSON",
            "src/main.rs\n  d4a7828bfdafe456 5-6\n---\n{\"schema_version\":\"authorship/3.0.0\",\
             \"base_commit_sha\":\"ae20f6f2\",\"prompts\":{\"d4a7828bfdafe456\":\
             {\"agent_id\":{\"tool\":\"claude\",\"model\":\"claude-opus-4-7\"}}}}"
                .to_owned(),
            vec![s("claude", None, Some("claude-opus-4-7"))],
        ),
        (
            "no attestation lines",
            "---\n{\"prompts\":{\"a\":{\"agent_id\":{\"tool\":\"amp\",\"id\":\"T-1\",\"model\":\"\"}}}}"
                .to_owned(),
            vec![s("amp", Some("T-1"), None)],
        ),
        (
            "unknown schema_version with the expected shape",
            "x\n  a 1\n---\n{\"schema_version\":\"authorship/9.9.9\",\"new_thing\":[1,{}],\
             \"prompts\":{\"a\":{\"agent_id\":{\"tool\":\"gemini\",\"id\":\"g\",\"model\":\"m\"},\
             \"later_field\":true}}}"
                .to_owned(),
            vec![s("gemini", Some("g"), Some("m"))],
        ),
        (
            "order follows the text, not the keys",
            "---\n{\"sessions\":{\"s_b\":{\"agent_id\":{\"tool\":\"kiro\",\"id\":\"2\"}}},\
             \"prompts\":{\"zz\":{\"agent_id\":{\"tool\":\"cline\",\"id\":\"1\"}},\
             \"aa\":{\"agent_id\":{\"tool\":\"windsurf\",\"id\":\"3\"}}}}"
                .to_owned(),
            vec![
                s("kiro", Some("2"), None),
                s("cline", Some("1"), None),
                s("windsurf", Some("3"), None),
            ],
        ),
        (
            "divider with trailing blanks",
            "---  \n{\"prompts\":{}}".to_owned(),
            vec![],
        ),
    ];
    for (name, text, want) in cases {
        assert_eq!(
            parse_git_ai_note(text.as_bytes()).as_ref(),
            Ok(&want),
            "case: {name}"
        );
    }
}

#[test]
fn git_ai_rejections() {
    let truncated = &GIT_AI_REALISTIC[..GIT_AI_REALISTIC.len() / 2 + 100];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "empty"),
        (
            "garbage",
            b"garbage garbage".to_vec(),
            "missing the `---` line",
        ),
        (
            "missing divider",
            b"src/a.rs\n  abc 1-2\n{\"prompts\":{}}".to_vec(),
            "missing the `---` line",
        ),
        (
            "divider not alone on its line",
            b"--- \x20x\n{\"prompts\":{}}".to_vec(),
            "missing the `---` line",
        ),
        (
            "nothing after divider",
            b"a\n---\n".to_vec(),
            "truncated JSON",
        ),
        (
            "truncated JSON",
            truncated.as_bytes().to_vec(),
            "truncated JSON",
        ),
        (
            "not JSON after divider",
            b"---\nschema_version: 3".to_vec(),
            "invalid JSON",
        ),
        (
            "JSON array",
            b"---\n[1,2]".to_vec(),
            "expected a JSON object with `prompts` or `sessions`",
        ),
        (
            "no prompts or sessions",
            b"---\n{\"schema_version\":\"authorship/3.0.0\",\"humans\":{}}".to_vec(),
            "expected `prompts` or `sessions`",
        ),
        (
            "unknown schema_version, wrong shape",
            b"---\n{\"schema_version\":\"authorship/4.0.0\",\"prompts\":[\"claude\"]}".to_vec(),
            "unexpected JSON shape",
        ),
        (
            "prompt without agent_id",
            b"---\n{\"prompts\":{\"a\":{\"tool\":\"claude\"}}}".to_vec(),
            "missing field `agent_id`",
        ),
        (
            "agent_id without tool",
            b"---\n{\"prompts\":{\"a\":{\"agent_id\":{\"id\":\"1\"}}}}".to_vec(),
            "missing field `tool`",
        ),
        (
            "blank tool",
            b"---\n{\"sessions\":{\"s_1\":{\"agent_id\":{\"tool\":\"\"}}}}".to_vec(),
            "sessions entry \"s_1\": `agent_id.tool` is blank",
        ),
        (
            "tool of wrong type",
            b"---\n{\"prompts\":{\"a\":{\"agent_id\":{\"tool\":7}}}}".to_vec(),
            "unexpected JSON shape",
        ),
        (
            "trailing data after JSON",
            b"---\n{\"prompts\":{}}\n---\n{}".to_vec(),
            "invalid JSON",
        ),
        (
            "escape sequence in tool",
            b"---\n{\"prompts\":{\"a\":{\"agent_id\":{\"tool\":\"x\\u001b]0;t\\u0007\"}}}}"
                .to_vec(),
            "contains control characters",
        ),
        (
            "non-UTF-8",
            b"src/\xc3\x28.rs\n---\n{\"prompts\":{}}".to_vec(),
            "not valid UTF-8 (at byte 4)",
        ),
    ];
    for (name, text, want) in cases {
        let msg = err_of(parse_git_ai_note(&text));
        assert!(msg.contains(want), "case {name}: {msg:?} lacks {want:?}");
        assert!(msg.starts_with("git-ai note: "), "case {name}: {msg:?}");
    }
}

#[test]
fn git_ai_error_lines_count_from_the_top_of_the_note() {
    // The JSON error is on the JSON's second line, which is the note's fourth.
    let msg = err_of(parse_git_ai_note(b"a.rs\n---\n{\n\"prompts\": [}"));
    assert!(msg.contains("(line 4, column"), "{msg}");
}

// ---------------------------------------------------------------------------------------
// Limits and hostile input

#[test]
fn size_limit_is_one_mebibyte() {
    let head = "assistant = \"cursor\"\n#";
    let mut at_limit = head.to_owned();
    at_limit.push_str(&"x".repeat(MAX_NOTE_BYTES - head.len()));
    assert_eq!(at_limit.len(), MAX_NOTE_BYTES);
    assert_eq!(
        parse_trailgate_note(at_limit.as_bytes()),
        Ok(vec![s("cursor", None, None)])
    );

    let over = format!("{at_limit}x");
    let msg = err_of(parse_trailgate_note(over.as_bytes()));
    assert!(msg.contains("over the 1 MiB limit"), "{msg}");

    let mut git_ai = GIT_AI_REALISTIC.to_owned();
    git_ai.push_str(&" ".repeat(MAX_NOTE_BYTES + 1 - git_ai.len()));
    let msg = err_of(parse_git_ai_note(git_ai.as_bytes()));
    assert!(msg.contains("over the 1 MiB limit"), "{msg}");
}

#[test]
fn session_count_is_capped() {
    let one = "[[sessions]]\nassistant = \"cursor\"\n";
    let at_limit = one.repeat(MAX_NOTE_SESSIONS);
    assert_eq!(
        parse_trailgate_note(at_limit.as_bytes()).map(|v| v.len()),
        Ok(MAX_NOTE_SESSIONS)
    );
    let over = format!("{at_limit}{one}");
    let msg = err_of(parse_trailgate_note(over.as_bytes()));
    assert!(
        msg.contains("1001 sessions is over the limit of 1000"),
        "{msg}"
    );

    let prompts: Vec<String> = (0..=MAX_NOTE_SESSIONS)
        .map(|i| format!("\"p{i}\":{{\"agent_id\":{{\"tool\":\"claude\"}}}}"))
        .collect();
    let note = format!("---\n{{\"prompts\":{{{}}}}}", prompts.join(","));
    let msg = err_of(parse_git_ai_note(note.as_bytes()));
    assert!(msg.contains("1001 sessions is over the limit"), "{msg}");
}

#[test]
fn deep_nesting_neither_crashes_nor_overflows() {
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // Skipped values are walked without recursion, so deep junk in an unknown key is fine.
    let note = format!("{{\"assistant\":\"x\",\"extra\":{arrays}}}");
    assert_eq!(
        parse_trailgate_note(note.as_bytes()),
        Ok(vec![s("x", None, None)])
    );
    let note = format!("---\n{{\"prompts\":{{}},\"extra\":{arrays}}}");
    assert_eq!(parse_git_ai_note(note.as_bytes()), Ok(vec![]));

    // Where a value is read, deep nesting is an error.
    let note = format!("{{\"sessions\":{arrays}}}");
    assert!(parse_trailgate_note(note.as_bytes()).is_err());
    let note = format!("---\n{{\"prompts\":{{\"a\":{{\"agent_id\":{arrays}}}}}}}");
    assert!(parse_git_ai_note(note.as_bytes()).is_err());
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let note = format!("{{\"assistant\":\"x\",\"extra\":{objects}}}");
    assert_eq!(
        parse_trailgate_note(note.as_bytes()),
        Ok(vec![s("x", None, None)])
    );

    // toml's parser has its own recursion limit.
    let note = format!("assistant = \"x\"\nextra = {arrays}\n");
    assert!(parse_trailgate_note(note.as_bytes()).is_err());
    let note = format!("assistant = \"x\"\n{}z = 1\n", "a.".repeat(depth));
    assert!(parse_trailgate_note(note.as_bytes()).is_err());
    let note = format!("assistant = \"x\"\n[{}z]\n", "a.".repeat(depth));
    assert!(parse_trailgate_note(note.as_bytes()).is_err());
}

#[test]
fn only_tables_and_objects_count_as_records() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "positional session",
            br#"{"sessions":[["claude-code","s","m"]]}"#,
            "expected a session table",
        ),
        (
            "positional agent_id",
            b"---\n{\"prompts\":{\"a\":{\"agent_id\":[\"claude\",\"1\",\"m\"]}}}",
            "expected an `agent_id` object",
        ),
        (
            "positional prompt",
            b"---\n{\"prompts\":{\"a\":[{\"tool\":\"claude\"}]}}",
            "expected an entry with `agent_id`",
        ),
        (
            "prompts as a list",
            b"---\n{\"prompts\":[]}",
            "expected an object of entries",
        ),
        (
            "key given twice",
            br#"{"assistant":"cursor","assistant":"claude-code"}"#,
            "duplicate field `assistant`",
        ),
        (
            "tool given twice",
            b"---\n{\"prompts\":{\"a\":{\"agent_id\":{\"tool\":\"a\",\"tool\":\"b\"}}}}",
            "duplicate field `tool`",
        ),
    ];
    for (name, text, want) in cases {
        let msg = if text.starts_with(b"---") {
            err_of(parse_git_ai_note(text))
        } else {
            err_of(parse_trailgate_note(text))
        };
        assert!(msg.contains(want), "case {name}: {msg:?} lacks {want:?}");
    }
}

#[test]
fn messages_quote_note_content_safely() {
    let long_key = format!("k\\u001b[2J{}", "y".repeat(5000));
    let note =
        format!("---\n{{\"prompts\":{{\"{long_key}\":{{\"agent_id\":{{\"tool\":\" \"}}}}}}}}");
    let msg = err_of(parse_git_ai_note(note.as_bytes()));
    assert!(!msg.chars().any(char::is_control), "{msg:?}");
    assert!(msg.len() < 300, "{} bytes", msg.len());
    assert!(msg.contains("\\u{1b}"), "{msg:?}");

    let value = format!("assistant = 1\nmodel = \"{}\"", "z".repeat(5000));
    let msg = err_of(parse_trailgate_note(value.as_bytes()));
    assert!(msg.len() < 400, "{} bytes", msg.len());
    let json = format!(
        "{{\"assistant\":\"a\",\"model\":[\"{}\"]}}",
        "z".repeat(5000)
    );
    let msg = err_of(parse_trailgate_note(json.as_bytes()));
    assert!(msg.len() < 400, "{} bytes", msg.len());
}

#[test]
fn duplicate_entries_are_separate_claims() {
    let note = "---\n{\"prompts\":{\"a\":{\"agent_id\":{\"tool\":\"cursor\"}},\
                \"a\":{\"agent_id\":{\"tool\":\"claude\"}}}}";
    assert_eq!(
        parse_git_ai_note(note.as_bytes()),
        Ok(vec![s("cursor", None, None), s("claude", None, None)])
    );
}

#[test]
fn error_type_displays_its_message() {
    let e = parse_git_ai_note(b"no divider").unwrap_err();
    assert_eq!(e.to_string(), e.message);
    let _: &dyn std::error::Error = &e;
}

// ---------------------------------------------------------------------------------------
// Tool names

#[test]
fn tool_names_map_to_catalog_ids() {
    let cases: &[(&str, Option<&str>)] = &[
        // git-ai tool names
        ("claude", Some("claude-code")),
        ("claude-web", Some("claude-code")),
        ("cursor", Some("cursor")),
        ("cursor-agent", Some("cursor")),
        ("codex", Some("openai-codex")),
        ("codex-cloud", Some("openai-codex")),
        ("gemini", Some("gemini")),
        ("github-copilot", Some("github-copilot")),
        ("amp", Some("amp")),
        ("windsurf", Some("windsurf")),
        ("cline", Some("cline")),
        ("continue-cli", Some("continue")),
        ("github-copilot-cli", Some("github-copilot")),
        ("github-copilot-agent", Some("github-copilot")),
        ("droid", Some("factory-droid")),
        ("opencode", Some("opencode")),
        ("junie", Some("junie")),
        ("roo-background", Some("roo-code")),
        ("kiro", Some("kiro")),
        ("devin", Some("devin")),
        // other spellings
        ("copilot", Some("github-copilot")),
        ("gemini-cli", Some("gemini")),
        ("kiro-cli", Some("kiro")),
        // catalog ids themselves
        ("claude-code", Some("claude-code")),
        ("openai-codex", Some("openai-codex")),
        ("jules", Some("jules")),
        ("amazon-q", Some("amazon-q")),
        ("openhands", Some("openhands")),
        ("aider", Some("aider")),
        ("continue", Some("continue")),
        ("cody", Some("cody")),
        ("replit", Some("replit")),
        ("jetbrains-ai", Some("jetbrains-ai")),
        ("coderabbit", Some("coderabbit")),
        ("factory-droid", Some("factory-droid")),
        ("qwen-code", Some("qwen-code")),
        ("warp", Some("warp")),
        ("crush", Some("crush")),
        ("mistral-vibe", Some("mistral-vibe")),
        ("roo-code", Some("roo-code")),
        ("kilo-code", Some("kilo-code")),
        ("lovable", Some("lovable")),
        ("v0", Some("v0")),
        ("sweep", Some("sweep")),
        ("trae", Some("trae")),
        ("tabnine", Some("tabnine")),
        ("goose", Some("goose")),
        // case and blanks
        ("Claude", Some("claude-code")),
        ("CLAUDE-CODE", Some("claude-code")),
        ("GitHub-Copilot", Some("github-copilot")),
        ("  Codex\t", Some("openai-codex")),
        // unmapped
        ("pi", None),
        ("firebender", None),
        ("rovodev", None),
        ("cloud-agent", None),
        ("mock_ai", None),
        ("unknown", None),
        ("", None),
        ("claude code", None),
        ("claude-codex", None),
        ("ｃlaude", None),
    ];
    for (tool, want) in cases {
        assert_eq!(tool_to_catalog_id(tool), *want, "tool {tool:?}");
    }
}

#[test]
fn every_builtin_catalog_id_maps_to_itself() {
    let builtin = crate::config::catalog::builtin().unwrap();
    for d in builtin {
        assert_eq!(tool_to_catalog_id(&d.id), Some(d.id.as_str()), "{}", d.id);
    }
}

#[test]
fn parsed_git_ai_tools_map_to_catalog_ids() {
    let ids: Vec<_> = parse_git_ai_note(GIT_AI_REALISTIC.as_bytes())
        .unwrap()
        .iter()
        .map(|s| tool_to_catalog_id(&s.tool))
        .collect();
    assert_eq!(ids, [Some("cursor"), Some("claude-code")]);
}

// ---------------------------------------------------------------------------------------
// Fuzzing

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_trailgate_note(&bytes);
        let _ = parse_git_ai_note(&bytes);
    }

    #[test]
    fn parsers_never_panic_on_text_with_divider(
        head in any::<String>(),
        tail in any::<String>(),
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let note = format!("{head}{nl}---{nl}{tail}");
        let _ = parse_trailgate_note(note.as_bytes());
        let _ = parse_git_ai_note(note.as_bytes());
    }

    #[test]
    fn parsers_never_panic_on_near_miss_notes(
        body in "[{}\\[\\]\":, \\n=a-z0-9_.\\\\-]{0,200}",
    ) {
        // Structural characters only, so the parsers get past their first checks.
        for note in [
            format!("---\n{{\"prompts\":{body}"),
            format!("---\n{{\"sessions\":{{\"s\":{{\"agent_id\":{body}"),
            format!("{{\"sessions\":[{body}"),
            format!("assistant = {body}"),
            format!("[[sessions]]\n{body}"),
            body.clone(),
        ] {
            let _ = parse_trailgate_note(note.as_bytes());
            let _ = parse_git_ai_note(note.as_bytes());
        }
    }
}
