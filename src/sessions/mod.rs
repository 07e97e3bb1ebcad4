//! Session records (SPEC §8): which assistant sessions ran in a worktree and when. Assistants'
//! own hooks call `trailgate session start|end`; the commit hooks read the sessions whose work
//! the next commit may hold. This module owns the record format, each record's life (active,
//! pending until the next commit on the branch it ended on, then consumed; expired when left
//! open too long), the store under the
//! worktree's git dir (`trailgate/sessions/`, one TOML file per session, each replaced
//! atomically) and the lenient parser for the JSON that assistants' hooks send on stdin. It
//! never opens a repository: callers pass the git dir.

pub mod notes;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// Where the records live, under the worktree's own git dir.
pub const SESSIONS_DIR: &str = "trailgate/sessions";
/// Longest session id accepted, in bytes.
pub const MAX_SESSION_BYTES: usize = 256;
/// Characters of the sanitised session id kept in a file name.
const NAME_CHARS: usize = 64;

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
/// and the commit it points to (`None` while the branch is unborn).
pub use crate::git::Checkout;

/// Where a record is in its life (SPEC §8).
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
    pub fn is_open(&self) -> bool {
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

/// Errors from the session store and the hook payload parser.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// An assistant id that is not a catalog-style id.
    #[error(
        "invalid assistant id `{0}`: use lowercase letters, digits and `-`, as in `claude-code`"
    )]
    InvalidAssistant(String),
    /// A session id that cannot be recorded.
    #[error("invalid session id {id}: {reason}")]
    InvalidSession {
        /// The id, quoted and shortened for display.
        id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A model name that cannot be recorded.
    #[error("invalid model {model}: {reason}")]
    InvalidModel {
        /// The model, quoted and shortened for display.
        model: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Reading or writing a file failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `read`, `write`, `remove` or `list`.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A record file that does not hold a valid record.
    #[error("corrupt session record {}: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Hook input that is not a JSON object.
    #[error("hook input on stdin: {0}")]
    Payload(String),
}

impl SessionError {
    /// The file this error is about, if any.
    pub fn file(&self) -> Option<&Path> {
        match self {
            SessionError::Io { path, .. } | SessionError::Corrupt { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// The session records of one worktree.
#[derive(Debug, Clone)]
pub struct SessionStore {
    dir: PathBuf,
}

impl SessionStore {
    /// The store of the worktree whose git dir is `git_dir` ([`crate::git::Repo::path`]): each
    /// linked worktree has its own git dir, so worktrees never share records.
    pub fn new(git_dir: &Path) -> SessionStore {
        SessionStore {
            dir: git_dir.join(SESSIONS_DIR),
        }
    }

    /// The directory holding the records.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds the record of `session` by `assistant` (ids already validated).
    pub fn path_for(&self, assistant: &str, session: &str) -> PathBuf {
        self.dir.join(file_name(assistant, session))
    }

    /// Record that a session started. Without a session id one is generated. A record of the
    /// same assistant and session is resumed: it keeps `started`, is open again, and takes the
    /// model, transcript and directory when given.
    pub fn start(
        &self,
        assistant: &str,
        session: Option<&str>,
        model: Option<&str>,
        transcript: Option<&str>,
        cwd: Option<&str>,
        now: Timestamp,
    ) -> Result<SessionRecord, SessionError> {
        validate_assistant(assistant)?;
        if let Some(m) = model {
            validate_model(m)?;
        }
        let session = match session {
            Some(s) => {
                validate_session(s)?;
                s.to_string()
            }
            None => self.fresh_id(assistant, now),
        };
        let path = self.path_for(assistant, &session);
        let record = match read_record(&path)? {
            Some(mut old) => {
                if old.assistant != assistant || old.session != session {
                    return Err(SessionError::Corrupt {
                        path,
                        message: format!(
                            "it holds session `{}` of `{}`, not `{session}` of `{assistant}`",
                            old.session, old.assistant
                        ),
                    });
                }
                old.ended = None;
                old.ended_at = None;
                old.consumed_by = None;
                old.resumed = Some(now);
                if let Some(m) = model {
                    old.model = Some(m.to_string());
                }
                if let Some(t) = transcript {
                    old.transcript = Some(t.to_string());
                }
                if let Some(c) = cwd {
                    old.cwd = Some(c.to_string());
                }
                old
            }
            None => SessionRecord {
                assistant: assistant.to_string(),
                session,
                model: model.map(str::to_string),
                started: now,
                resumed: None,
                ended: None,
                ended_at: None,
                consumed_by: None,
                transcript: transcript.map(str::to_string),
                cwd: cwd.map(str::to_string),
            },
        };
        write_record(&path, &record)?;
        Ok(record)
    }

    /// Record that sessions ended. With a session id: that session (of `assistant` when given);
    /// with only an assistant: its most recently started open session; with neither: the most
    /// recently started open session. Returns what was ended; empty when nothing matching was
    /// open, which is not an error (an assistant may end a session trailgate never saw start).
    /// `here` is what the worktree has checked out: only the next commit made from there may
    /// still declare the session.
    pub fn end(
        &self,
        assistant: Option<&str>,
        session: Option<&str>,
        now: Timestamp,
        here: &Checkout,
    ) -> Result<Vec<SessionRecord>, SessionError> {
        if let Some(a) = assistant {
            validate_assistant(a)?;
        }
        if let Some(s) = session {
            validate_session(s)?;
        }
        // Corrupt files cannot be ended; `list` reports them.
        let mut open: Vec<(PathBuf, SessionRecord)> = self
            .entries()
            .into_iter()
            .filter_map(|(path, r)| r.ok().map(|r| (path, r)))
            .filter(|(_, r)| {
                r.is_open()
                    && assistant.is_none_or(|a| r.assistant == a)
                    && session.is_none_or(|s| r.session == s)
            })
            .collect();
        if session.is_none() {
            // `entries` sorts by start, so the last is the most recent.
            open = open.pop().into_iter().collect();
        }
        let mut ended = Vec::new();
        for (path, mut record) in open {
            record.ended = Some(now);
            record.ended_at = Some(here.clone());
            write_record(&path, &record)?;
            ended.push(record);
        }
        Ok(ended)
    }

    /// Every record, sorted by start time, then the files that could not be read, by name.
    /// A corrupt file is an `Err` naming it, never skipped.
    pub fn list(&self) -> Vec<Result<SessionRecord, SessionError>> {
        self.entries().into_iter().map(|(_, r)| r).collect()
    }

    /// The sessions the next commit made from `here` declares (see
    /// [`SessionRecord::counts_for`]). Unreadable records count for nothing; `list` reports
    /// them.
    pub fn counting(
        &self,
        here: &Checkout,
        now: Timestamp,
        max_age: SignedDuration,
    ) -> Vec<SessionRecord> {
        self.list()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|r| r.counts_for(here, now, max_age))
            .collect()
    }

    /// A commit `commit` was made on `branch`: every pending session that ended on that
    /// branch has had its next commit, declared or not, and is consumed. Returns how many.
    pub fn consume(&self, branch: &str, commit: &str) -> Result<usize, SessionError> {
        let mut consumed = 0;
        for (path, record) in self.entries() {
            let Ok(mut record) = record else { continue };
            let pending = record.ended.is_some()
                && record.consumed_by.is_none()
                && record
                    .ended_at
                    .as_ref()
                    .is_some_and(|at| at.branch == branch);
            if pending {
                record.consumed_by = Some(commit.to_string());
                write_record(&path, &record)?;
                consumed += 1;
            }
        }
        Ok(consumed)
    }

    /// End and forget every record of this worktree, unreadable ones included: nothing
    /// recorded so far is declared again. Returns how many files were removed.
    pub fn clear(&self) -> Result<usize, SessionError> {
        let dir = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(source) => {
                return Err(SessionError::Io {
                    action: "list",
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut removed = 0;
        for entry in dir {
            let path = entry
                .map_err(|source| SessionError::Io {
                    action: "list",
                    path: self.dir.clone(),
                    source,
                })?
                .path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                // Removed meanwhile by another clear: gone is what was asked.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(SessionError::Io {
                        action: "remove",
                        path,
                        source,
                    });
                }
            }
        }
        Ok(removed)
    }

    /// Each record file with its parsed record, records by start time, errors last.
    fn entries(&self) -> Vec<(PathBuf, Result<SessionRecord, SessionError>)> {
        let dir = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(source) => {
                let path = self.dir.clone();
                let err = SessionError::Io {
                    action: "list",
                    path: path.clone(),
                    source,
                };
                return vec![(path, Err(err))];
            }
        };
        let mut entries: Vec<(PathBuf, Result<SessionRecord, SessionError>)> = Vec::new();
        for entry in dir {
            let entry = match entry {
                Ok(e) => e,
                Err(source) => {
                    let path = self.dir.clone();
                    let err = SessionError::Io {
                        action: "list",
                        path: path.clone(),
                        source,
                    };
                    entries.push((path, Err(err)));
                    continue;
                }
            };
            let path = entry.path();
            // Temporary files of writes in progress have no `.toml` suffix.
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            // A record deleted between listing and reading is simply gone.
            match read_record(&path) {
                Ok(Some(r)) => entries.push((path, Ok(r))),
                Ok(None) => {}
                Err(e) => entries.push((path, Err(e))),
            }
        }
        entries.sort_by(|(pa, a), (pb, b)| match (a, b) {
            (Ok(a), Ok(b)) => {
                (a.started, &a.assistant, &a.session).cmp(&(b.started, &b.assistant, &b.session))
            }
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => pa.cmp(pb),
        });
        entries
    }

    /// A generated id no record of this assistant uses yet.
    fn fresh_id(&self, assistant: &str, now: Timestamp) -> String {
        loop {
            let id = generate_id(now);
            if !self.path_for(assistant, &id).exists() {
                return id;
            }
        }
    }
}

/// A session id for assistants whose hooks pass none: `tg-<UTC time>-<pid>-<4 hex>`. The time
/// comes first so ids sort by when they were made; the process id and a per-process random
/// base plus a counter keep ids of the same second apart.
pub fn generate_id(now: Timestamp) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU16, Ordering};
    static BASE: OnceLock<u16> = OnceLock::new();
    static COUNTER: AtomicU16 = AtomicU16::new(0);
    // std's hasher keys are random per process: enough randomness for a tie-breaker.
    let base = *BASE.get_or_init(|| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.finish() as u16
    });
    let n = base.wrapping_add(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!(
        "tg-{}-{}-{n:04x}",
        now.strftime("%Y%m%dT%H%M%SZ"),
        std::process::id()
    )
}

/// `<assistant>--<session sanitised to [A-Za-z0-9._-], at most 64 chars>-<8 hex of the
/// SHA-256 of the raw session id>.toml`: readable, safe on every file system, and distinct for
/// ids that sanitise alike.
pub fn file_name(assistant: &str, session: &str) -> String {
    let clean: String = session
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(NAME_CHARS)
        .collect();
    let digest = Sha256::digest(session.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{assistant}--{clean}-{hash}.toml")
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

/// The record in `path`; `None` when there is no such file.
fn read_record(path: &Path) -> Result<Option<SessionRecord>, SessionError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Err(corrupt(path, "it is not UTF-8 text".into()));
        }
        Err(source) => {
            return Err(SessionError::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    parse_record(&text)
        .map(Some)
        .map_err(|message| corrupt(path, message))
}

fn corrupt(path: &Path, message: String) -> SessionError {
    SessionError::Corrupt {
        path: path.to_path_buf(),
        message,
    }
}

/// Parse a record's TOML; the error says what is wrong.
fn parse_record(text: &str) -> Result<SessionRecord, String> {
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
fn render_record(record: &SessionRecord) -> Result<String, toml::ser::Error> {
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

fn write_record(path: &Path, record: &SessionRecord) -> Result<(), SessionError> {
    let io_error = |source| SessionError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let text = render_record(record)
        .map_err(|e| io_error(io::Error::new(io::ErrorKind::InvalidData, e)))?;
    crate::fsutil::write_atomic(path, text.as_bytes()).map_err(io_error)
}

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

#[cfg(test)]
mod tests;
