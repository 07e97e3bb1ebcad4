//! Session metadata carried in git notes: parses the text of trailgate's own note
//! (`refs/notes/trailgate`, TOML or JSON) and of a git-ai authorship note (`refs/notes/ai`,
//! `authorship/3.0.0`) into [`NoteSession`]s, and maps a note's tool name to a catalog id.
//!
//! Pure: no git access, no policy. Note text is untrusted (anyone who can push a notes ref
//! writes it), so every failure is a [`NoteError`] and nothing here panics.
//!
//! Order: sessions come back in the order they appear in the text. git-ai keeps sessions in
//! JSON objects, so those are read with an order-keeping map visitor rather than through
//! `serde_json::Value` (whose map is sorted unless the crate-wide `preserve_order` feature is
//! on, which would change every other JSON map in the program).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

/// Largest note accepted, in bytes. Real notes are a few KiB; the cap bounds the work an
/// attacker-written note can cause.
pub(crate) const MAX_NOTE_BYTES: usize = 1 << 20;

/// Most sessions one note may name: each becomes evidence and report text, so the count is
/// capped like the size.
pub(crate) const MAX_NOTE_SESSIONS: usize = 1000;

/// One assistant session a note claims for a commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoteSession {
    /// Tool/assistant name as written in the note (e.g. "claude", "claude-code", "cursor").
    pub(crate) tool: String,
    /// Session id, if given.
    pub(crate) session: Option<String>,
    /// Model, if given.
    pub(crate) model: Option<String>,
}

/// Why a note could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteError {
    /// One line, safe to print: note content quoted in it is truncated and escaped.
    pub(crate) message: String,
}

impl NoteError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NoteError {}

/// trailgate's own note (`refs/notes/trailgate`), TOML or JSON (JSON when the first
/// non-blank character is `{`). Accepted shapes:
///
/// - one session: a top-level table/object with `assistant` (required string), `session` and
///   `model` (optional strings); `started`, `ended`, `files` and any other keys are ignored;
/// - several: a top-level `sessions` array of such tables/objects (in TOML, `[[sessions]]`
///   and `sessions = [{...}]` are the same thing). An empty array yields no sessions.
///
/// A top-level `sessions` next to a top-level `assistant`, `session` or `model` is ambiguous
/// and rejected, as is a key given twice in one table. JSON `null` counts as absent and an
/// empty `session`/`model` as not given. `assistant` must be non-blank; no returned field may
/// contain control characters.
pub fn parse_trailgate_note(text: &[u8]) -> Result<Vec<NoteSession>, NoteError> {
    const WHAT: &str = "trailgate note";
    let text = note_text(text, WHAT)?;
    let raw: RawTrailgateNote = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| json_error(WHAT, "a JSON object with `assistant` or `sessions`", &e, 0))?
    } else {
        toml::from_str(text).map_err(|e| toml_error(text, &e))?
    };

    let single = raw.single;
    let has_single =
        single.assistant.is_some() || single.session.is_some() || single.model.is_some();
    let raws = match raw.sessions {
        Some(list) => {
            if has_single {
                return Err(NoteError::new(format!(
                    "{WHAT}: expected either `sessions` or a single session's keys at the top \
                     level, not both"
                )));
            }
            list
        }
        None if !has_single => {
            return Err(NoteError::new(format!(
                "{WHAT}: expected `assistant` (one session) or `sessions` (a list)"
            )));
        }
        None => vec![single],
    };
    too_many(WHAT, raws.len())?;

    raws.into_iter()
        .enumerate()
        .map(|(i, s)| {
            let label = format!("{WHAT}: session {}", i + 1);
            let Some(tool) = s.assistant else {
                return Err(NoteError::new(format!(
                    "{label}: missing `assistant` (expected a string)"
                )));
            };
            build_session(&label, "`assistant`", tool, s.session, s.model)
        })
        .collect()
}

/// git-ai note (`refs/notes/ai`, `authorship/3.0.0`): attestation lines, a line `---`, then
/// JSON metadata. Returns one [`NoteSession`] per entry of `prompts` and of `sessions`
/// (`agent_id.tool` → `tool`, `agent_id.id` → `session`, `agent_id.model` → `model`), in text
/// order. `humans` entries are people and are skipped; the attestation lines are not read.
///
/// `schema_version` is not checked: any metadata object with a `prompts` or `sessions` object
/// whose entries are objects carrying `agent_id.tool` (a non-blank string) is read, other
/// keys ignored. The divider is the first line that is `---` apart from trailing blanks or
/// `\r`, as in git-ai's own reader; everything after it must be one JSON object.
pub fn parse_git_ai_note(text: &[u8]) -> Result<Vec<NoteSession>, NoteError> {
    const WHAT: &str = "git-ai note";
    let text = note_text(text, WHAT)?;
    let Some((divider_line, json)) = split_at_divider(text) else {
        return Err(NoteError::new(format!(
            "{WHAT}: missing the `---` line that separates attestations from JSON metadata"
        )));
    };
    let meta: RawGitAiMetadata = serde_json::from_str(json).map_err(|e| {
        json_error(
            WHAT,
            "a JSON object with `prompts` or `sessions` after `---`",
            &e,
            divider_line + 1,
        )
    })?;
    if !meta.has_records {
        return Err(NoteError::new(format!(
            "{WHAT}: expected `prompts` or `sessions` in the JSON metadata"
        )));
    }
    too_many(WHAT, meta.records.len())?;
    meta.records
        .into_iter()
        .map(|(section, key, agent)| {
            let label = format!("{WHAT}: {section} entry \"{}\"", sanitize(&key, 40));
            build_session(&label, "`agent_id.tool`", agent.tool, agent.id, agent.model)
        })
        .collect()
}

/// Map a note's tool name to a catalog id: git-ai tool names (`claude` → `claude-code`,
/// `codex` → `openai-codex`, `continue-cli` → `continue`, …) and catalog ids themselves,
/// ignoring case and surrounding blanks. `None` = unmapped (callers treat it as the
/// assistant `unknown`).
pub(crate) fn tool_to_catalog_id(tool: &str) -> Option<&'static str> {
    // Left column: every catalog id, then the names git-ai writes into `agent_id.tool`, then
    // a few spellings people write by hand. git-ai tools with no catalog entry (`pi`,
    // `firebender`, `rovodev`, `cloud-agent`, …) stay unmapped on purpose.
    const TABLE: &[(&str, &str)] = &[
        ("claude-code", "claude-code"),
        ("github-copilot", "github-copilot"),
        ("cursor", "cursor"),
        ("openai-codex", "openai-codex"),
        ("gemini", "gemini"),
        ("jules", "jules"),
        ("amazon-q", "amazon-q"),
        ("devin", "devin"),
        ("amp", "amp"),
        ("openhands", "openhands"),
        ("aider", "aider"),
        ("kiro", "kiro"),
        ("windsurf", "windsurf"),
        ("cline", "cline"),
        ("continue", "continue"),
        ("cody", "cody"),
        ("replit", "replit"),
        ("jetbrains-ai", "jetbrains-ai"),
        ("coderabbit", "coderabbit"),
        ("opencode", "opencode"),
        ("factory-droid", "factory-droid"),
        ("qwen-code", "qwen-code"),
        ("warp", "warp"),
        ("crush", "crush"),
        ("mistral-vibe", "mistral-vibe"),
        ("roo-code", "roo-code"),
        ("kilo-code", "kilo-code"),
        ("lovable", "lovable"),
        ("v0", "v0"),
        ("sweep", "sweep"),
        ("junie", "junie"),
        ("trae", "trae"),
        ("tabnine", "tabnine"),
        ("goose", "goose"),
        // git-ai agent presets and background-agent detection.
        ("claude", "claude-code"),
        ("claude-web", "claude-code"),
        ("cursor-agent", "cursor"),
        ("codex", "openai-codex"),
        ("codex-cloud", "openai-codex"),
        ("continue-cli", "continue"),
        ("droid", "factory-droid"),
        ("github-copilot-cli", "github-copilot"),
        ("github-copilot-agent", "github-copilot"),
        ("roo-background", "roo-code"),
        // Hand-written spellings.
        ("copilot", "github-copilot"),
        ("gemini-cli", "gemini"),
        ("kiro-cli", "kiro"),
    ];
    let tool = tool.trim();
    TABLE
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(tool))
        .map(|&(_, id)| id)
}

// ---------------------------------------------------------------------------------------
// Shared checks

/// Size and encoding checks common to both formats; strips a UTF-8 byte-order mark, which
/// editors on some platforms add when a note is written by hand.
fn note_text<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, NoteError> {
    if bytes.len() > MAX_NOTE_BYTES {
        return Err(NoteError::new(format!(
            "{what}: {} bytes is over the 1 MiB limit",
            bytes.len()
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        NoteError::new(format!(
            "{what}: not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(NoteError::new(format!("{what}: empty")));
    }
    Ok(text)
}

fn too_many(what: &str, sessions: usize) -> Result<(), NoteError> {
    if sessions > MAX_NOTE_SESSIONS {
        return Err(NoteError::new(format!(
            "{what}: {sessions} sessions is over the limit of {MAX_NOTE_SESSIONS}"
        )));
    }
    Ok(())
}

fn build_session(
    label: &str,
    tool_name: &str,
    tool: String,
    session: Option<String>,
    model: Option<String>,
) -> Result<NoteSession, NoteError> {
    if tool.trim().is_empty() {
        return Err(NoteError::new(format!("{label}: {tool_name} is blank")));
    }
    // Values end up in terminal output and reports; refusing control characters here keeps
    // escape sequences in a note from reaching a terminal.
    for (field, value) in [
        (tool_name, Some(&tool)),
        ("session id", session.as_ref()),
        ("model", model.as_ref()),
    ] {
        if value.is_some_and(|v| v.chars().any(char::is_control)) {
            return Err(NoteError::new(format!(
                "{label}: {field} contains control characters"
            )));
        }
    }
    Ok(NoteSession {
        tool,
        // An empty string is how some writers spell "not known".
        session: session.filter(|s| !s.is_empty()),
        model: model.filter(|s| !s.is_empty()),
    })
}

/// Quote untrusted text in a message: at most `max` characters, control characters escaped.
fn sanitize(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// serde_json's message, with its position rebased by `line_offset` lines (git-ai JSON starts
/// after the divider) and any quoted note content sanitized.
fn json_error(what: &str, expected: &str, e: &serde_json::Error, line_offset: usize) -> NoteError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let detail = full.strip_suffix(&suffix).unwrap_or(&full);
    let position = if e.line() == 0 {
        String::new()
    } else {
        format!(
            " (line {}, column {})",
            e.line().saturating_add(line_offset),
            e.column()
        )
    };
    let kind = match e.classify() {
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => "invalid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
    };
    NoteError::new(format!(
        "{what}: {kind}, expected {expected}: {}{position}",
        sanitize(detail, 160)
    ))
}

fn toml_error(text: &str, e: &toml::de::Error) -> NoteError {
    let position = e
        .span()
        .and_then(|span| text.get(..span.start))
        .map(|before| {
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(" (line {line}, column {column})")
        })
        .unwrap_or_default();
    NoteError::new(format!(
        "trailgate note: invalid TOML, expected a table with `assistant` or `sessions`: {}{position}",
        sanitize(&one_line(e.message()), 160)
    ))
}

/// toml's messages span several lines ("invalid array\nexpected `]`").
fn one_line(message: &str) -> String {
    let parts: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    parts.join("; ")
}

/// Finds the first line that is exactly `---` (trailing blanks and `\r` allowed, as git-ai
/// splits on `lines()`); returns its 0-based line number and the text after it.
fn split_at_divider(text: &str) -> Option<(usize, &str)> {
    let mut start = 0;
    for (index, line) in text.split('\n').enumerate() {
        let end = start + line.len();
        if line.trim_end_matches([' ', '\t', '\r']) == "---" {
            let rest = text.get(end + 1..).unwrap_or("");
            return Some((index, rest));
        }
        start = end + 1;
    }
    None
}

// ---------------------------------------------------------------------------------------
// Wire shapes
//
// Hand-written visitors rather than `#[derive(Deserialize)]`: derived structs also accept a
// positional array (`["claude", "id", "model"]`), which is not a documented note shape. These
// accept only tables/objects, ignore unknown keys (notes come from other versions of their
// writers) and reject a key given twice, which would be two conflicting claims.

/// A type read from a table/object only.
trait FromMap<'de>: Sized {
    const EXPECTING: &'static str;
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

macro_rules! deserialize_via_map {
    ($($ty:ident $(<$param:ident>)?),* $(,)?) => {$(
        impl<'de $(, $param: Deserialize<'de>)?> Deserialize<'de> for $ty $(<$param>)? {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct MapVisitor<T>(PhantomData<T>);
                impl<'de, T: FromMap<'de>> Visitor<'de> for MapVisitor<T> {
                    type Value = T;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(T::EXPECTING)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                        T::from_map(map)
                    }
                }
                deserializer.deserialize_map(MapVisitor(PhantomData))
            }
        }
    )*};
}

deserialize_via_map!(
    RawTrailgateNote,
    RawSession,
    RawGitAiMetadata,
    RawRecord,
    RawAgentId,
    OrderedEntries<T>,
);

/// Reads the value of a key that may appear once; `null` counts as absent.
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Option<T>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<Option<T>>()?);
    Ok(())
}

/// One session of a trailgate note.
struct RawSession {
    assistant: Option<String>,
    session: Option<String>,
    model: Option<String>,
}

impl<'de> FromMap<'de> for RawSession {
    const EXPECTING: &'static str = "a session table with `assistant`";
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut assistant, mut session, mut model) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "assistant" => once(&mut map, &mut assistant, "assistant")?,
                "session" => once(&mut map, &mut session, "session")?,
                "model" => once(&mut map, &mut model, "model")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Self {
            assistant: assistant.flatten(),
            session: session.flatten(),
            model: model.flatten(),
        })
    }
}

/// The top level of a trailgate note: a single session's keys, or `sessions`.
struct RawTrailgateNote {
    single: RawSession,
    sessions: Option<Vec<RawSession>>,
}

impl<'de> FromMap<'de> for RawTrailgateNote {
    const EXPECTING: &'static str = "a table with `assistant` or `sessions`";
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut assistant, mut session, mut model, mut sessions) = (None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "assistant" => once(&mut map, &mut assistant, "assistant")?,
                "session" => once(&mut map, &mut session, "session")?,
                "model" => once(&mut map, &mut model, "model")?,
                "sessions" => once(&mut map, &mut sessions, "sessions")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Self {
            single: RawSession {
                assistant: assistant.flatten(),
                session: session.flatten(),
                model: model.flatten(),
            },
            sessions: sessions.flatten(),
        })
    }
}

/// git-ai's `agent_id`.
struct RawAgentId {
    tool: String,
    id: Option<String>,
    model: Option<String>,
}

impl<'de> FromMap<'de> for RawAgentId {
    const EXPECTING: &'static str = "an `agent_id` object with `tool`";
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut tool, mut id, mut model) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "tool" => once(&mut map, &mut tool, "tool")?,
                "id" => once(&mut map, &mut id, "id")?,
                "model" => once(&mut map, &mut model, "model")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Self {
            tool: tool
                .flatten()
                .ok_or_else(|| de::Error::missing_field("tool"))?,
            id: id.flatten(),
            model: model.flatten(),
        })
    }
}

/// A `prompts` or `sessions` entry; git-ai's stats, `human_author`, `messages`, … are ignored.
struct RawRecord {
    agent_id: RawAgentId,
}

impl<'de> FromMap<'de> for RawRecord {
    const EXPECTING: &'static str = "an entry with `agent_id`";
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut agent_id = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "agent_id" {
                once(&mut map, &mut agent_id, "agent_id")?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Self {
            agent_id: agent_id
                .flatten()
                .ok_or_else(|| de::Error::missing_field("agent_id"))?,
        })
    }
}

/// The records of git-ai metadata in text order, tagged with the section they came from.
struct RawGitAiMetadata {
    has_records: bool,
    records: Vec<(&'static str, String, RawAgentId)>,
}

impl<'de> FromMap<'de> for RawGitAiMetadata {
    const EXPECTING: &'static str = "a JSON object with `prompts` or `sessions`";
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut meta = Self {
            has_records: false,
            records: Vec::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            let section = match key.as_str() {
                "prompts" => "prompts",
                "sessions" => "sessions",
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let entries = map.next_value::<OrderedEntries<RawRecord>>()?;
            meta.has_records = true;
            meta.records.extend(
                entries
                    .0
                    .into_iter()
                    .map(|(key, record)| (section, key, record.agent_id)),
            );
        }
        Ok(meta)
    }
}

/// An object read as a list of entries, keeping their order. Duplicate keys are kept: they
/// are separate claims, and dropping one would make the result depend on which came last.
struct OrderedEntries<T>(Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> FromMap<'de> for OrderedEntries<T> {
    const EXPECTING: &'static str = "an object of entries keyed by id";
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, T>()? {
            entries.push(entry);
        }
        Ok(Self(entries))
    }
}

#[cfg(test)]
mod tests;
