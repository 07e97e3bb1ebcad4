//! `post-commit` (docs/assistants.md), and the session records of this worktree that the commit
//! hooks read: which sessions a commit made from what is checked out declares.

use super::{HookError, Outcome};
use crate::engine::policy::{Policy, Sessions};
use crate::git::{self, Repo};
use crate::sessions::{self, Checkout, SessionRecord, SessionStore};
use jiff::Timestamp;

/// Sessions of this worktree that the commit about to be made from what is checked out now
/// declares: open ones younger than `max_age`, and ended ones whose next commit this is.
pub(crate) fn counting(repo: &Repo, config: &Sessions) -> Result<Vec<SessionRecord>, HookError> {
    let here = git::checkout(repo)?;
    Ok(SessionStore::new(repo.path()).counting(&here, Timestamp::now(), config.max_age))
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
    let text = sessions::note_text(&sessions)
        .map_err(|e| HookError::Input(format!("cannot write the note: {e}")))?;
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
