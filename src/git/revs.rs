//! Turning revision arguments as git takes them (`HEAD`, `main`, `A..B`, `A...B`, `^A`,
//! `--all`) into a stream of commit ids in `git log`'s order.

use super::{Context, GitError, resolve_commit};
use git2::{Oid, Repository, Revwalk};

/// Which commits to walk.
#[derive(Debug, Clone, Default)]
pub struct RevSelection {
    /// Revisions as given; empty means `HEAD` (unless `all`).
    pub revs: Vec<String>,
    /// Every ref and `HEAD`, like `git log --all`.
    pub all: bool,
}

/// A revision walk over the selection, newest first as `git log` lists them. Returns `None`
/// when the selection is only an unborn `HEAD` (a repository without commits).
pub fn walk_revisions<'r>(
    repo: &'r Repository,
    sel: &RevSelection,
) -> Result<Option<Revwalk<'r>>, GitError> {
    let mut starts: Vec<Oid> = Vec::new();
    let mut hidden: Vec<Oid> = Vec::new();
    if sel.all {
        if let Ok(refs) = repo.references() {
            for r in refs.flatten() {
                if let Ok(c) = r.peel_to_commit() {
                    starts.push(c.id());
                }
            }
        }
        if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
            starts.push(head.id());
        }
    }
    for rev in &sel.revs {
        if let Some(hide) = rev.strip_prefix('^') {
            hidden.push(id(repo, hide)?);
        } else if let Some((a, b)) = rev.split_once("...") {
            let (a, b) = (id(repo, or_head(a))?, id(repo, or_head(b))?);
            starts.extend([a, b]);
            if let Ok(bases) = repo.merge_bases(a, b) {
                hidden.extend(bases.iter().copied());
            }
        } else if let Some((a, b)) = rev.split_once("..") {
            hidden.push(id(repo, or_head(a))?);
            starts.push(id(repo, or_head(b))?);
        } else {
            starts.push(id(repo, rev)?);
        }
    }
    if sel.revs.is_empty() && !sel.all {
        match repo.head() {
            Ok(head) => starts.push(
                head.peel_to_commit()
                    .context(|| "HEAD is not a commit".into())?
                    .id(),
            ),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => return Ok(None),
            Err(e) => {
                return Err(GitError::UnknownRevision {
                    rev: "HEAD".into(),
                    message: e.message().into(),
                });
            }
        }
    }

    let mut walk = repo
        .revwalk()
        .context(|| "cannot start a revision walk".into())?;
    walk.set_sorting(git2::Sort::TIME)
        .context(|| "cannot sort the revision walk".into())?;
    // libgit2 takes start points last-pushed-first when it must limit the walk (hidden
    // commits), where git orders them by date: push the oldest first so the orders agree.
    let time = |oid: &Oid| {
        repo.find_commit(*oid)
            .map(|c| c.committer().when().seconds())
            .unwrap_or(0)
    };
    starts.sort_by_key(time);
    starts.dedup();
    for oid in &starts {
        walk.push(*oid)
            .context(|| format!("cannot walk from {oid}"))?;
    }
    for oid in &hidden {
        walk.hide(*oid).context(|| format!("cannot hide {oid}"))?;
    }
    Ok(Some(walk))
}

fn or_head(s: &str) -> &str {
    if s.is_empty() { "HEAD" } else { s }
}

fn id(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    resolve_commit(repo, rev).map(|c| c.id())
}
