//! Session records (docs/assistants.md): which assistant sessions ran in a worktree and when.
//! Assistants' own hooks call `trailgate session start|end`; the commit hooks read the sessions
//! whose work the next commit may hold. This module owns the record format and each record's life
//! (`record`: active, pending until the next commit on the branch it ended on, then consumed;
//! expired when left open too long), the store under the worktree's git dir (`store`:
//! `trailgate/sessions/`, one TOML file per session, each replaced atomically), the lenient parser
//! for the JSON that assistants' hooks send on stdin (`payload`), what a new commit declares for
//! its sessions (`commit`: trailers, evidence, the note text) and the parsers of the notes written
//! on commits (`notes`). It never opens a repository: callers pass the git dir.

mod commit;
pub mod notes;
mod payload;
mod record;
mod store;

pub(crate) use commit::{add_record_evidence, declaration_trailers, note_text};
pub use payload::{HookPayload, parse_payload};
pub use record::{
    Checkout, MAX_SESSION_BYTES, SessionRecord, State, validate_assistant, validate_model,
    validate_session,
};
pub use store::{SESSIONS_DIR, SessionStore, file_name, generate_id};

use std::io;
use std::path::{Path, PathBuf};

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

#[cfg(test)]
mod tests;
