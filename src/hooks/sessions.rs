//! Session records at commit time (SPEC §8): which sessions a new commit may hold, the
//! trailers that declare them, the evidence they add to `commit-msg`, and the note
//! `post-commit` writes before it marks ended sessions as consumed.

use super::{HookError, Outcome};
use crate::config::policy::{Policy, Sessions, UNKNOWN};
use crate::engine::evidence::{Evidence, Source};
use crate::git::{self, Repo};
use crate::sessions::{Checkout, SessionRecord, SessionStore};
use jiff::Timestamp;
use serde::Serialize;

/// Sessions of this worktree that the commit about to be made from what is checked out now
/// declares: open ones younger than `max_age`, and ended ones whose next commit this is.
pub fn counting(repo: &Repo, config: &Sessions) -> Result<Vec<SessionRecord>, HookError> {
    let here = git::checkout(repo)?;
    Ok(SessionStore::new(repo.path()).counting(&here, Timestamp::now(), config.max_age))
}

/// Catalog id of a recorded assistant under this policy (`unknown` when it names none).
fn catalog_id(policy: &Policy, assistant: &str) -> String {
    match policy.catalog.index_of(assistant) {
        Some(i) => policy.catalog.entries()[i].id.clone(),
        None => UNKNOWN.to_string(),
    }
}

/// The trailers that declare these sessions: `Assisted-by: NAME` (or the kernel form
/// `NAME:MODEL` when the model is known) and `AI-Session: ID:SESSION`.
pub fn declaration_trailers(policy: &Policy, sessions: &[SessionRecord]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in sessions {
        let name = policy.catalog.index_of(&s.assistant).map_or_else(
            || s.assistant.clone(),
            |i| policy.catalog.entries()[i].name.clone(),
        );
        let declared = match &s.model {
            Some(m) => format!("{name}:{m}"),
            None => name,
        };
        for t in [
            ("Assisted-by".to_string(), declared),
            (
                "AI-Session".to_string(),
                format!("{}:{}", s.assistant, s.session),
            ),
        ] {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// Add record evidence (source `record`) for each session: metadata only ever adds evidence.
pub fn add_record_evidence(policy: &Policy, sessions: &[SessionRecord], evidence: &mut Evidence) {
    for s in sessions {
        let mut text = format!("session record: {} {}", s.assistant, s.session);
        if let Some(m) = &s.model {
            text.push_str(&format!(" ({m})"));
        }
        evidence.add_metadata(&catalog_id(policy, &s.assistant), Source::Record, text);
    }
}

/// One session in a trailgate note.
#[derive(Serialize)]
struct NoteSession<'a> {
    assistant: &'a str,
    session: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    started: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended: Option<String>,
}

#[derive(Serialize)]
struct Note<'a> {
    sessions: Vec<NoteSession<'a>>,
}

/// The text of a trailgate note for these sessions (TOML, `[[sessions]]`).
pub fn note_text(sessions: &[SessionRecord]) -> Result<String, HookError> {
    let note = Note {
        sessions: sessions
            .iter()
            .map(|s| NoteSession {
                assistant: &s.assistant,
                session: &s.session,
                model: s.model.as_deref(),
                started: s.started.to_string(),
                ended: s.ended.map(|e| e.to_string()),
            })
            .collect(),
    };
    toml::to_string(&note).map_err(|e| HookError::Input(format!("cannot write the note: {e}")))
}

/// `post-commit`: write the note of the commit just made from the sessions it declares
/// (those counting from where the worktree was before it), then mark every pending session
/// that ended on this branch as consumed: it had its next commit. Notes are never written on
/// merges (no trailers were added there either). It cannot stop the commit, so problems are
/// reported as warnings.
pub fn post_commit(
    repo: &Repo,
    policy: &Policy,
    out: &mut dyn std::io::Write,
) -> Result<Outcome, HookError> {
    let head = git::resolve_commit(repo, "HEAD")?;
    let here = git::checkout(repo)?;
    let before = Checkout {
        branch: here.branch.clone(),
        head: git::head_before(repo, &head),
    };
    let store = SessionStore::new(repo.path());
    let sessions = store.counting(&before, Timestamp::now(), policy.sessions.max_age);
    let noted = policy.sessions.write_notes && head.parents.len() <= 1 && !sessions.is_empty();
    // Consumed even if the note below fails: the commit is made either way.
    store
        .consume(&here.branch, &head.id.to_string())
        .map_err(|e| HookError::Input(e.to_string()))?;
    if !noted {
        return Ok(Outcome::Pass);
    }
    let text = note_text(&sessions)?;
    git::write_note(repo, &policy.sessions.notes_ref, head.id, &text)?;
    writeln!(
        out,
        "trailgate: recorded {} session(s) in {} for {}",
        sessions.len(),
        policy.sessions.notes_ref,
        &head.id.to_string()[..12]
    )?;
    Ok(Outcome::Pass)
}
