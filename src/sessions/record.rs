//! A session record and its life (docs/assistants.md): what is recorded, the state it is in at a
//! given time, which ids and models may be recorded, and the TOML form a record is stored in.

use super::SessionError;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Longest session id accepted, in bytes.
pub const MAX_SESSION_BYTES: usize = 256;

/// One assistant session in one worktree, as recorded by `trailgate session start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Catalog id of the assistant (`claude-code`).
    pub assistant: String,
    /// The assistant's own session id, or one trailgate generated.
    pub session: String,
    /// Model, when the hook or the command line named one.
    pub model: Option<String>,
    /// When the session first started (kept when it resumes).
    pub started: Timestamp,
    /// When it last started or resumed; `None` when that was its first start.
    pub resumed: Option<Timestamp>,
    /// When it ended; `None` while it is open.
    pub ended: Option<Timestamp>,
    /// Where the worktree was when it ended: only the next commit made from there may hold
    /// its last work.
    pub ended_at: Option<Checkout>,
    /// The commit that was the next one on that branch after the end: the session's last
    /// chance to be declared is used up.
    pub consumed_by: Option<String>,
    /// The assistant's transcript file, when its hook named one.
    pub transcript: Option<String>,
    /// The directory the assistant ran in.
    pub cwd: Option<String>,
}

/// What a worktree has checked out: the branch (`refs/heads/main`, or `HEAD` when detached)
/// and the commit it points to (`None` while the branch is unborn), as git reads it.
pub use crate::git::Checkout;

/// Where a record is in its life (docs/assistants.md, "When a session is declared").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Open and younger than `max_age`: declared on every commit.
    Active,
    /// Ended; the next commit on the branch it ended on may still declare it.
    Pending,
    /// Ended, and that next commit was made: never declared again.
    Consumed,
    /// Open, but not started or resumed for longer than `max_age`: never declared.
    Expired,
}

impl State {
    /// Lowercase name, as `session status` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Pending => "pending",
            State::Consumed => "consumed",
            State::Expired => "expired",
        }
    }
}

impl SessionRecord {
    /// Whether the session is still open.
    pub(crate) fn is_open(&self) -> bool {
        self.ended.is_none()
    }

    /// The record's state at `now` when open records last `max_age`.
    pub fn state(&self, now: Timestamp, max_age: SignedDuration) -> State {
        if self.ended.is_some() {
            return match self.consumed_by {
                Some(_) => State::Consumed,
                None => State::Pending,
            };
        }
        let last = self.resumed.unwrap_or(self.started);
        if now.duration_since(last) > max_age {
            State::Expired
        } else {
            State::Active
        }
    }

    /// Whether the next commit made from `here` declares this session: it is active, or it
    /// is pending and the worktree is exactly where it was when the session ended (same branch,
    /// same commit). Another branch, a reset or a rebase moves the worktree elsewhere, and a
    /// record ended without a known place (an older trailgate wrote it) never counts.
    pub fn counts_for(&self, here: &Checkout, now: Timestamp, max_age: SignedDuration) -> bool {
        match self.state(now, max_age) {
            State::Active => true,
            State::Pending => self.ended_at.as_ref() == Some(here),
            State::Consumed | State::Expired => false,
        }
    }
}

/// Assistant ids are catalog ids: `[a-z0-9-]+`.
pub fn validate_assistant(id: &str) -> Result<(), SessionError> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(SessionError::InvalidAssistant(id.to_string()))
    }
}

/// Session ids are whatever the assistant uses, within reason: non-empty, no control
/// characters (they end up in files and trailers), at most 256 bytes.
pub fn validate_session(id: &str) -> Result<(), SessionError> {
    match unfit_for_a_trailer(id) {
        None => Ok(()),
        Some(reason) => Err(SessionError::InvalidSession {
            id: quoted_for_display(id),
            reason,
        }),
    }
}

/// A model name goes into the declaration trailer (`Assisted-by: Claude Code:MODEL`), so it
/// obeys the session id's rules: a newline there would write trailers of its own.
pub fn validate_model(model: &str) -> Result<(), SessionError> {
    match unfit_for_a_trailer(model) {
        None => Ok(()),
        Some(reason) => Err(SessionError::InvalidModel {
            model: quoted_for_display(model),
            reason,
        }),
    }
}

/// Why `text` cannot be written into a trailer value, if it cannot.
fn unfit_for_a_trailer(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        Some("it is empty")
    } else if text.len() > MAX_SESSION_BYTES {
        Some("it is longer than 256 bytes")
    } else if text.chars().any(char::is_control) {
        Some("it contains control characters")
    } else {
        None
    }
}

/// At most 40 characters, quoted with control characters escaped.
fn quoted_for_display(text: &str) -> String {
    let shown: String = text.chars().take(40).collect();
    let ellipsis = if shown.len() < text.len() { "…" } else { "" };
    format!("{shown:?}{ellipsis}")
}

/// The record as stored: timestamps as RFC 3339 strings. Unknown keys are ignored so that a
/// newer trailgate's records stay readable.
#[derive(Debug, Serialize, Deserialize)]
struct RawRecord {
    assistant: String,
    session: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    started: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resumed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ended: Option<String>,
    /// Branch checked out when the session ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ended_on: Option<String>,
    /// Commit checked out when the session ended (absent on an unborn branch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ended_head: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consumed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transcript: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cwd: Option<String>,
}

/// Parse a record's TOML; the error says what is wrong.
pub(super) fn parse_record(text: &str) -> Result<SessionRecord, String> {
    let raw: RawRecord = toml::from_str(text).map_err(|e| e.message().to_string())?;
    validate_assistant(&raw.assistant).map_err(|e| e.to_string())?;
    validate_session(&raw.session).map_err(|e| e.to_string())?;
    if let Some(m) = &raw.model {
        validate_model(m).map_err(|e| e.to_string())?;
    }
    let time = |key: &str, value: &str| {
        value
            .parse::<Timestamp>()
            .map_err(|e| format!("`{key}` is not an RFC 3339 time: {e}"))
    };
    Ok(SessionRecord {
        started: time("started", &raw.started)?,
        resumed: raw
            .resumed
            .as_deref()
            .map(|e| time("resumed", e))
            .transpose()?,
        ended: raw.ended.as_deref().map(|e| time("ended", e)).transpose()?,
        ended_at: raw.ended_on.map(|branch| Checkout {
            branch,
            head: raw.ended_head,
        }),
        consumed_by: raw.consumed_by,
        assistant: raw.assistant,
        session: raw.session,
        model: raw.model,
        transcript: raw.transcript,
        cwd: raw.cwd,
    })
}

/// The record as TOML.
pub(super) fn render_record(record: &SessionRecord) -> Result<String, toml::ser::Error> {
    toml::to_string(&RawRecord {
        assistant: record.assistant.clone(),
        session: record.session.clone(),
        model: record.model.clone(),
        started: record.started.to_string(),
        resumed: record.resumed.map(|t| t.to_string()),
        ended: record.ended.map(|t| t.to_string()),
        ended_on: record.ended_at.as_ref().map(|at| at.branch.clone()),
        ended_head: record.ended_at.as_ref().and_then(|at| at.head.clone()),
        consumed_by: record.consumed_by.clone(),
        transcript: record.transcript.clone(),
        cwd: record.cwd.clone(),
    })
}
