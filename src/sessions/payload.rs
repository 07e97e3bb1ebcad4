//! The JSON that assistants' own hooks send on stdin when they call `trailgate session`,
//! read leniently: only the few fields trailgate uses.

use super::SessionError;

/// The fields trailgate uses from the JSON an assistant's hook sends on stdin: Claude Code's
/// `SessionStart`/`SessionEnd` and Codex's `SessionStart` send `session_id`,
/// `transcript_path` and `cwd`, and their `SessionStart` adds `model` (tests/fixtures/README.md
/// names the sources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookPayload {
    /// `session_id`.
    pub session_id: Option<String>,
    /// `transcript_path`.
    pub transcript_path: Option<String>,
    /// `cwd`.
    pub cwd: Option<String>,
    /// `model`: a string, or an object's `id`, else its `name`.
    pub model: Option<String>,
}

/// Parse a hook's stdin leniently: empty input means no payload, unknown fields and fields of
/// an unexpected type are ignored (assistants add fields over time), but input that is not a
/// JSON object is an error, since it means the command was wired to the wrong hook.
pub fn parse_payload(bytes: &[u8]) -> Result<HookPayload, SessionError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(HookPayload::default());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| SessionError::Payload(format!("not JSON: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(SessionError::Payload(format!(
            "expected a JSON object, got {}",
            json_kind(&value)
        )));
    };
    let text = |v: Option<&serde_json::Value>| {
        v.and_then(serde_json::Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    let model = match map.get("model") {
        Some(serde_json::Value::Object(m)) => text(m.get("id")).or_else(|| text(m.get("name"))),
        other => text(other),
    };
    // Cursor's hooks name the session `conversation_id` and the workspace `workspace_roots`.
    let first_root = map
        .get("workspace_roots")
        .and_then(|r| r.as_array())
        .and_then(|a| text(a.first()));
    Ok(HookPayload {
        session_id: text(map.get("session_id")).or_else(|| text(map.get("conversation_id"))),
        transcript_path: text(map.get("transcript_path")),
        cwd: text(map.get("cwd")).or(first_root),
        model,
    })
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
