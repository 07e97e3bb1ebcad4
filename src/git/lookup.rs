//! Commits named by ids, revisions and `HEAD`, read through libgit2 (grafts and shallow cuts
//! applied) and handed out as plain data: [`CommitLinks`], ids, the checked-out branch.

use super::{Context, GitError, ObjectId, Repo};

/// A commit's place in history as libgit2 reads it (grafts and shallow cuts applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitLinks {
    /// Its id.
    pub(crate) id: ObjectId,
    /// Its root tree.
    pub(crate) tree: ObjectId,
    /// Parents, in order.
    pub(crate) parents: Vec<ObjectId>,
}

impl CommitLinks {
    fn of(commit: &git2::Commit<'_>) -> CommitLinks {
        CommitLinks {
            id: ObjectId::from_oid(commit.id()),
            tree: ObjectId::from_oid(commit.tree_id()),
            parents: commit.parent_ids().map(ObjectId::from_oid).collect(),
        }
    }
}

/// Find a commit by id.
pub fn find_commit(repo: &Repo, id: ObjectId) -> Result<CommitLinks, GitError> {
    repo.raw
        .find_commit(id.oid())
        .map(|c| CommitLinks::of(&c))
        .context(|| format!("cannot read commit {id}"))
}

/// The root trees of `commit`'s parents that libgit2 can read, in order.
pub fn parent_trees(repo: &Repo, commit: &CommitLinks) -> Vec<ObjectId> {
    let Ok(found) = repo.raw.find_commit(commit.id.oid()) else {
        return Vec::new();
    };
    // As libgit2 lists parents: one it cannot read is left out.
    found
        .parents()
        .map(|p| ObjectId::from_oid(p.tree_id()))
        .collect()
}

/// Resolve a revision to a commit.
pub fn resolve_commit(repo: &Repo, rev: &str) -> Result<CommitLinks, GitError> {
    let unknown = |e: git2::Error| GitError::UnknownRevision {
        rev: rev.to_string(),
        message: e.message().to_string(),
    };
    repo.raw
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| CommitLinks::of(&c))
        .map_err(unknown)
}

/// The commit a revision names, found without libgit2 parsing it (libgit2 refuses commits
/// `git log` reads, such as one with two `author` lines): a full id, else libgit2's resolution,
/// else a reference or an abbreviated id, each peeled through tags to the commit.
pub fn resolve_commit_id(repo: &Repo, rev: &str) -> Result<ObjectId, GitError> {
    if rev.len() == 40
        && let Ok(id) = ObjectId::from_hex(rev)
    {
        return peel_to_commit_id(repo, id, rev);
    }
    let parsed = match repo.raw.revparse_single(rev) {
        Ok(object) => return peel_to_commit_id(repo, ObjectId::from_oid(object.id()), rev),
        Err(e) => e,
    };
    let by_name = repo
        .raw
        .resolve_reference_from_short_name(rev)
        .ok()
        .and_then(|r| r.resolve().ok()?.target());
    let by_prefix = || {
        let short = git2::Oid::from_str(rev).ok().filter(|_| rev.len() >= 4)?;
        repo.raw.odb().ok()?.exists_prefix(short, rev.len()).ok()
    };
    match by_name.or_else(by_prefix) {
        Some(id) => peel_to_commit_id(repo, ObjectId::from_oid(id), rev),
        None => Err(GitError::UnknownRevision {
            rev: rev.to_string(),
            message: parsed.message().to_string(),
        }),
    }
}

/// `id` peeled through annotated tags to a commit, reading object kinds only (so a commit
/// libgit2 would refuse to parse is still found; compare the policy's stricter
/// `refs::peel_commit`).
pub fn peel_to_commit_id(repo: &Repo, mut id: ObjectId, rev: &str) -> Result<ObjectId, GitError> {
    let odb = repo
        .raw
        .odb()
        .context(|| "cannot open the object database".into())?;
    // A chain of tags longer than this is a loop or an attack.
    for _ in 0..100 {
        let object = odb.read(id.oid()).map_err(|e| GitError::UnknownRevision {
            rev: rev.to_string(),
            message: e.message().to_string(),
        })?;
        match object.kind() {
            git2::ObjectType::Commit => return Ok(id),
            git2::ObjectType::Tag => {
                id = object
                    .data()
                    .strip_prefix(b"object ")
                    .and_then(|r| r.get(..40))
                    .and_then(|hex| ObjectId::from_hex(std::str::from_utf8(hex).ok()?).ok())
                    .ok_or_else(|| GitError::Corrupt(format!("tag {id} names no object")))?;
            }
            _ => break,
        }
    }
    Err(GitError::UnknownRevision {
        rev: rev.to_string(),
        message: "not a commit".into(),
    })
}

/// `HEAD`'s commit; `None` while the branch is unborn.
pub fn head_commit(repo: &Repo) -> Result<Option<CommitLinks>, GitError> {
    match repo.raw.head() {
        Ok(h) => h
            .peel_to_commit()
            .map(|c| Some(CommitLinks::of(&c)))
            .context(|| "HEAD is not a commit".into()),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Ok(None),
        Err(e) => Err(GitError::libgit2("cannot read HEAD".into(), e)),
    }
}

/// What a worktree has checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// `HEAD`'s branch (`refs/heads/…`), or `HEAD` when detached.
    pub branch: String,
    /// The commit checked out; `None` while the branch is unborn.
    pub head: Option<String>,
}

/// What the worktree of `repo` has checked out: `HEAD`'s branch (or `HEAD` itself when
/// detached) and its commit (`None` while the branch is unborn).
pub fn checkout(repo: &Repo) -> Result<Checkout, GitError> {
    let head = repo
        .raw
        .find_reference("HEAD")
        .context(|| "cannot read HEAD".into())?;
    let branch = match head.symbolic_target_bytes() {
        Some(target) => String::from_utf8_lossy(target).into_owned(),
        None => "HEAD".to_string(),
    };
    let id = match head.resolve() {
        Ok(r) => r.target().map(|id| id.to_string()),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => {
            return Err(GitError::libgit2("cannot resolve HEAD".into(), e));
        }
    };
    Ok(Checkout { branch, head: id })
}

/// The commit `HEAD` pointed to before it moved to `now`: the old id of `HEAD`'s newest
/// reflog entry when that entry is the move to `now` (so `--amend` gives the amended commit),
/// else `now`'s first parent. `None` before the first commit.
pub fn head_before(repo: &Repo, now: &CommitLinks) -> Option<String> {
    let from_reflog = repo.raw.reflog("HEAD").ok().and_then(|log| {
        let entry = log.get(0)?;
        (ObjectId::from_oid(entry.id_new()) == now.id).then(|| entry.id_old())
    });
    match from_reflog {
        Some(old) if old.is_zero() => None,
        Some(old) => Some(old.to_string()),
        None => now.parents.first().map(|p| p.to_string()),
    }
}

/// Whether `descendant` descends from `ancestor`, as libgit2 walks the graph.
pub fn descends_from(
    repo: &Repo,
    descendant: ObjectId,
    ancestor: ObjectId,
) -> Result<bool, GitError> {
    repo.raw
        .graph_descendant_of(descendant.oid(), ancestor.oid())
        .context(|| format!("cannot tell whether {descendant} descends from {ancestor}"))
}
