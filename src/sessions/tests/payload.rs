//! Tests for the hook payload parser.

use crate::sessions::*;

#[test]
fn payload_fixtures() {
    let claude_start = parse_payload(include_bytes!(
        "../../../tests/fixtures/claude-session-start.json"
    ))
    .expect("claude start");
    assert_eq!(
        claude_start,
        HookPayload {
            session_id: Some("a135d3b1-0387-4c0e-9783-7af541189238".into()),
            transcript_path: Some(
                "/home/dev/.claude/projects/-home-dev-src-shop/a135d3b1-0387-4c0e-9783-7af541189238.jsonl"
                    .into()
            ),
            cwd: Some("/home/dev/src/shop".into()),
            model: Some("claude-sonnet-4-5-20250929".into()),
        }
    );
    let claude_end = parse_payload(include_bytes!(
        "../../../tests/fixtures/claude-session-end.json"
    ))
    .expect("claude end");
    assert_eq!(claude_end.session_id, claude_start.session_id);
    assert_eq!(claude_end.model, None);
    let codex_start = parse_payload(include_bytes!(
        "../../../tests/fixtures/codex-session-start.json"
    ))
    .expect("codex start");
    assert_eq!(
        codex_start.session_id.as_deref(),
        Some("019a6f2e-4b1c-7d30-9e8a-2f5c7b1d9e04")
    );
    assert_eq!(codex_start.model.as_deref(), Some("gpt-5-codex"));
    assert!(codex_start.transcript_path.is_some());
    let codex_end = parse_payload(include_bytes!(
        "../../../tests/fixtures/codex-session-end.json"
    ))
    .expect("codex end");
    assert_eq!(codex_end.session_id, codex_start.session_id);
    assert_eq!(codex_end.cwd, None);
}

#[test]
fn payload_model_forms() {
    let cases: &[(&str, Option<&str>)] = &[
        (r#"{"model":"claude-opus-4-7"}"#, Some("claude-opus-4-7")),
        (
            r#"{"model":{"id":"claude-opus-4-7","display_name":"Opus"}}"#,
            Some("claude-opus-4-7"),
        ),
        (r#"{"model":{"name":"gpt-5"}}"#, Some("gpt-5")),
        (r#"{"model":{"display_name":"Opus"}}"#, None),
        (r#"{"model":{"id":"","name":"gpt-5"}}"#, Some("gpt-5")),
        (r#"{"model":null}"#, None),
        (r#"{"model":42}"#, None),
        (r#"{"model":""}"#, None),
    ];
    for (json, want) in cases {
        let p = parse_payload(json.as_bytes()).expect(json);
        assert_eq!(p.model.as_deref(), *want, "{json}");
    }
}

#[test]
fn payload_is_lenient_about_fields() {
    let p = parse_payload(
        br#"{"session_id":"s","transcript_path":null,"cwd":7,"extra":{"deep":[1,2]},"hook_event_name":"SessionStart"}"#,
    )
    .expect("unknown and mistyped fields are ignored");
    assert_eq!(
        p,
        HookPayload {
            session_id: Some("s".into()),
            ..HookPayload::default()
        }
    );
    // A byte-order mark is not an error.
    let p = parse_payload(b"\xEF\xBB\xBF{\"session_id\":\"s\"}").expect("bom");
    assert_eq!(p.session_id.as_deref(), Some("s"));
}

#[test]
fn payload_empty_input_is_no_payload() {
    for input in [&b""[..], b"   ", b"\n\r\n\t"] {
        assert_eq!(parse_payload(input).expect("empty"), HookPayload::default());
    }
}

#[test]
fn payload_garbage_is_an_error() {
    for input in [
        &b"not json"[..],
        b"{\"session_id\":",
        b"[1,2]",
        b"\"a string\"",
        b"null",
        b"42",
        b"\xff\xfe",
    ] {
        let err = parse_payload(input).expect_err("garbage");
        assert!(matches!(err, SessionError::Payload(_)), "{err}");
        assert!(err.to_string().starts_with("hook input on stdin"), "{err}");
    }
}

#[test]
fn cursor_payload_names_the_session_and_workspace_its_own_way() {
    let p = parse_payload(br#"{"conversation_id":"c-1","generation_id":"g-2","workspace_roots":["/home/alice/app","/x"],"hook_event_name":"sessionStart"}"#).unwrap();
    assert_eq!(p.session_id.as_deref(), Some("c-1"));
    assert_eq!(p.cwd.as_deref(), Some("/home/alice/app"));
    let both = parse_payload(
        br#"{"session_id":"s","conversation_id":"c","cwd":"/a","workspace_roots":["/b"]}"#,
    )
    .unwrap();
    assert_eq!(both.session_id.as_deref(), Some("s"));
    assert_eq!(both.cwd.as_deref(), Some("/a"));
}
