//! The session records of one worktree (docs/assistants.md): one TOML file per session under the
//! worktree's own git dir, each replaced atomically, and the ids and file names they go by.

use super::SessionError;
use super::record::{
    Checkout, SessionRecord, parse_record, render_record, validate_assistant, validate_model,
    validate_session,
};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// Where the records live, under the worktree's own git dir.
pub const SESSIONS_DIR: &str = "trailgate/sessions";
/// Characters of the sanitised session id kept in a file name.
const NAME_CHARS: usize = 64;

/// The session records of one worktree.
#[derive(Debug, Clone)]
pub struct SessionStore {
    dir: PathBuf,
}

impl SessionStore {
    /// The store of the worktree whose git dir is `git_dir` (`Repository::path()`): each linked
    /// worktree has its own git dir, so worktrees never share records.
    pub fn new(git_dir: &Path) -> SessionStore {
        SessionStore {
            dir: git_dir.join(SESSIONS_DIR),
        }
    }

    /// The directory holding the records.
    #[cfg(test)]
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds the record of `session` by `assistant` (ids already validated).
    pub(crate) fn path_for(&self, assistant: &str, session: &str) -> PathBuf {
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
    pub(crate) fn counting(
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
    pub(crate) fn consume(&self, branch: &str, commit: &str) -> Result<usize, SessionError> {
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
        let mut removed = 0;
        for path in self.record_files() {
            let path = path?;
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
        let mut entries: Vec<(PathBuf, Result<SessionRecord, SessionError>)> = Vec::new();
        for path in self.record_files() {
            let path = match path {
                Ok(p) => p,
                Err(err) => {
                    entries.push((self.dir.clone(), Err(err)));
                    continue;
                }
            };
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

    /// The record files in the store (a missing directory holds none); a directory that cannot
    /// be listed is an error in place of the files. Temporary files of writes in progress have
    /// no `.toml` suffix and are left out.
    fn record_files(&self) -> Vec<Result<PathBuf, SessionError>> {
        let list_error = |source| SessionError::Io {
            action: "list",
            path: self.dir.clone(),
            source,
        };
        let dir = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => return vec![Err(list_error(e))],
        };
        dir.filter_map(|entry| match entry {
            Ok(entry) => {
                let path = entry.path();
                path.extension()
                    .is_some_and(|e| e == "toml")
                    .then_some(Ok(path))
            }
            Err(e) => Some(Err(list_error(e))),
        })
        .collect()
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

/// The record in `path`; `None` when there is no such file.
pub(super) fn read_record(path: &Path) -> Result<Option<SessionRecord>, SessionError> {
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
