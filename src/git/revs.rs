//! Turning revision arguments as git takes them (`HEAD`, `main`, `A..B`, `A...B`, `^A`,
//! `--all`) into a stream of commit ids.

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
    let mut walk = repo
        .revwalk()
        .context(|| "cannot start a revision walk".into())?;
    let mut pushed = false;
    if sel.all {
        if let Ok(refs) = repo.references() {
            for r in refs.flatten() {
                if let Ok(c) = r.peel_to_commit() {
                    walk.push(c.id()).context(|| "cannot walk refs".into())?;
                    pushed = true;
                }
            }
        }
        if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
            walk.push(head.id()).context(|| "cannot walk HEAD".into())?;
            pushed = true;
        }
    }
    for rev in &sel.revs {
        if let Some(hidden) = rev.strip_prefix('^') {
            walk.hide(id(repo, hidden)?)
                .context(|| format!("cannot hide {hidden}"))?;
        } else if let Some((a, b)) = rev.split_once("...") {
            let (a, b) = (id(repo, or_head(a))?, id(repo, or_head(b))?);
            walk.push(a).context(|| format!("cannot walk {rev}"))?;
            walk.push(b).context(|| format!("cannot walk {rev}"))?;
            if let Ok(bases) = repo.merge_bases(a, b) {
                for base in bases.iter() {
                    walk.hide(*base).context(|| format!("cannot walk {rev}"))?;
                }
            }
            pushed = true;
        } else if let Some((a, b)) = rev.split_once("..") {
            walk.hide(id(repo, or_head(a))?)
                .context(|| format!("cannot walk {rev}"))?;
            walk.push(id(repo, or_head(b))?)
                .context(|| format!("cannot walk {rev}"))?;
            pushed = true;
        } else {
            walk.push(id(repo, rev)?)
                .context(|| format!("cannot walk {rev}"))?;
            pushed = true;
        }
    }
    if !pushed && !sel.all && sel.revs.iter().all(|r| r.starts_with('^')) {
        match repo.head() {
            Ok(head) => {
                let c = head
                    .peel_to_commit()
                    .context(|| "HEAD is not a commit".into())?;
                walk.push(c.id()).context(|| "cannot walk HEAD".into())?;
            }
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => return Ok(None),
            Err(e) => {
                return Err(GitError::UnknownRevision {
                    rev: "HEAD".into(),
                    message: e.message().into(),
                });
            }
        }
    }
    Ok(Some(walk))
}

fn or_head(s: &str) -> &str {
    if s.is_empty() { "HEAD" } else { s }
}

fn id(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    resolve_commit(repo, rev).map(|c| c.id())
}
