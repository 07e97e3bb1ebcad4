//! The only layer that talks to git (through git2, which no other module names): opening
//! repositories ([`Repo`]), object ids ([`ObjectId`]), reading commits as [`CommitFacts`],
//! walking revisions, computing changed paths and reading blobs, refs, config and notes.
//! It imports nothing from the layers above it but the facts it produces.

// The lints that keep git2 out of every other module.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod bytes;
mod commitgraph;
mod config;
mod delta;
#[doc(hidden)]
pub mod fuzzing;
mod iconv;
mod id;
pub mod integrity;
mod notes;
mod object;
mod objects;
mod pack;
mod reencode;
mod refs;
mod repo;
mod revs;
mod tree;

pub(crate) use bytes::hex;
pub use commitgraph::CommitGraph;
pub use config::{command_line_settings, effective_value, parse_parameters};
pub use id::{InvalidObjectId, ObjectId};
pub use notes::{FoundNote, MAX_NOTES_TREE_BYTES, NotesReader};
pub use object::{CommitShape, ParsedCommit};
pub use objects::Objects;
pub use pack::{Kind as ObjectKind, Packs};
pub use refs::{
    Naming, RevError, Symrefs, TreeFile, exact_ref, read_tree_file, references, remote_tips,
    resolve_policy_rev, short_name_candidates,
};
pub use repo::{Repo, configure_for_scan};
pub use revs::{RevSelection, Walk, Walked, walk_revisions};
pub use tree::changed_between;

use crate::engine::facts::{CommitFacts, Signature};
use std::path::Path;
use std::sync::Arc;

/// Errors from the git layer, each naming what could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No repository where one was expected.
    #[error("not a git repository (or any parent up to the root): {0}")]
    NotARepository(String),
    /// A revision git does not know.
    #[error("unknown revision `{rev}`: {message}")]
    UnknownRevision {
        /// As given.
        rev: String,
        /// libgit2's reason.
        message: String,
    },
    /// An object that is not what it must be.
    #[error("{0}")]
    Corrupt(String),
    /// Anything else libgit2 reported.
    #[error("{context}: {message}{detail}")]
    Git {
        /// What was being done.
        context: String,
        /// libgit2's message.
        message: String,
        /// libgit2's error class and code as it shows them (`; class=Odb (9); code=NotFound
        /// (-3)`), empty for a generic error.
        detail: String,
    },
}

impl GitError {
    /// libgit2's error `e` while doing `context`, shown as libgit2 shows it.
    pub(crate) fn libgit2(context: String, e: git2::Error) -> GitError {
        let shown = e.to_string();
        let detail = shown.strip_prefix(e.message()).unwrap_or_default();
        GitError::Git {
            context,
            message: e.message().to_string(),
            detail: detail.to_string(),
        }
    }
}

/// Attach context to a git2 result.
pub(crate) trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T> Context<T> for Result<T, git2::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|e| GitError::libgit2(what(), e))
    }
}

/// Open the repository as git does: `GIT_DIR`/`GIT_WORK_TREE`, else discovery upward from the
/// current directory.
pub fn open_from_env() -> Result<Repo, GitError> {
    Repo::open_from_env()
}

/// Open a repository at a known git dir (one per worker thread).
pub fn open_at(path: &Path) -> Result<Repo, GitError> {
    Repo::open_at(path)
}

/// The packs of `repo`'s object database, to share among readers (a walk's own, with its
/// commit-graph, come from [`Walk::packs`]).
pub fn packs(repo: &Repo) -> Arc<Packs> {
    Arc::new(Packs::open(&repo.raw.commondir().join("objects"), None))
}

/// Parse a commit the walk has already read, as `git log` reads it.
pub fn parse_commit(id: ObjectId, raw: &[u8]) -> Result<ParsedCommit, GitError> {
    object::parse_commit(id, raw)
}

/// Read and parse the commit `id`.
pub fn read_commit(
    repo: &Repo,
    objects: &mut Objects,
    id: ObjectId,
) -> Result<ParsedCommit, GitError> {
    let raw = objects.read(repo, id, pack::Kind::Commit)?;
    object::parse_commit(id, &raw)
}

/// Changed paths of a parsed commit against all its parents (SPEC §6); see
/// [`changed_between`].
pub fn changed_paths(
    repo: &Repo,
    objects: &mut Objects,
    commit: &CommitShape,
    descend: &dyn Fn(&[u8]) -> bool,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Vec<Vec<u8>>, GitError> {
    let tree = commit.tree;
    let mut parent_trees = Vec::with_capacity(commit.parents.len());
    for p in &commit.parents {
        parent_trees.push(Some(objects.tree_of(repo, *p)?));
    }
    changed_between(repo, objects, tree, &parent_trees, descend, keep)
}

/// One commit's facts as `git log` reads them, its bytes read through libgit2's object
/// database (for hooks, which judge a handful of commits).
pub fn commit_facts(repo: &Repo, id: ObjectId) -> Result<CommitFacts, GitError> {
    let odb = repo
        .raw
        .odb()
        .context(|| "cannot open the object database".into())?;
    let object = odb
        .read(id.oid())
        .context(|| format!("cannot read commit {id}"))?;
    Ok(object::parse_commit(id, object.data())?.facts)
}

/// The commit about to be made as `git log` will read it once stored: under an
/// `i18n.commitEncoding` other than UTF-8, git writes that `encoding` header and re-encodes the
/// whole commit, identities included, when it shows it (SPEC §2). The date git will write is
/// taken as `facts`' time in the local time zone.
pub fn as_logged(repo: &Repo, facts: CommitFacts) -> CommitFacts {
    // As git reads it: `git -c i18n.commitEncoding=...` counts too.
    let encoding = match config::effective_value(repo, &["i18n.commitEncoding"]) {
        Ok(value) => value.flatten(),
        Err(_) => config_string(repo, "i18n.commitEncoding"),
    };
    let Some(encoding) = encoding else {
        return facts;
    };
    if reencode::is_utf8(encoding.as_bytes()) {
        return facts;
    }
    let offset = jiff::tz::TimeZone::system()
        .to_offset(facts.committer.timestamp())
        .seconds()
        / 60;
    let line = |key: &str, s: &Signature| {
        let sign = if offset < 0 { '-' } else { '+' };
        let m = offset.unsigned_abs();
        let (name, email, time) = (&s.name, &s.email, s.time);
        format!(
            "{key} {name} <{email}> {time} {sign}{:02}{:02}\n",
            m / 60,
            m % 60
        )
    };
    let mut raw = format!("tree {}\n", ObjectId::ZERO).into_bytes();
    raw.extend_from_slice(line("author", &facts.author).as_bytes());
    raw.extend_from_slice(line("committer", &facts.committer).as_bytes());
    raw.extend_from_slice(format!("encoding {encoding}\n\n").as_bytes());
    raw.extend_from_slice(&facts.message);
    let Ok(logged) = object::parse_commit(ObjectId::ZERO, &raw) else {
        return facts;
    };
    let shown = |logged: Signature, written: Signature| Signature {
        name: logged.name,
        email: logged.email,
        ..written
    };
    CommitFacts {
        author: shown(logged.facts.author, facts.author),
        committer: shown(logged.facts.committer, facts.committer),
        message: logged.facts.message,
        undecodable_encoding: logged.facts.undecodable_encoding,
        ..facts
    }
}

/// A commit's place in history as libgit2 reads it (grafts and shallow cuts applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitLinks {
    /// Its id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Parents, in order.
    pub parents: Vec<ObjectId>,
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

/// The tree the commit about to be made records: the index at `index_file` (else the
/// repository's own), written as a tree.
pub fn write_index_tree(repo: &Repo, index_file: Option<&Path>) -> Result<ObjectId, GitError> {
    let mut index = match index_file {
        Some(path) => git2::Index::open(path)
            .context(|| format!("cannot read the index {}", path.display()))?,
        None => repo
            .raw
            .index()
            .context(|| "cannot read the index".into())?,
    };
    let tree = index
        .write_tree_to(&repo.raw)
        .context(|| "cannot write the staged tree".into())?;
    Ok(ObjectId::from_oid(tree))
}

/// A string value from git config (repository, then global), if set.
pub fn config_string(repo: &Repo, key: &str) -> Option<String> {
    repo.raw.config().ok()?.get_string(key).ok()
}

/// A string value from the repository's own config file only (`.git/config`, or `config` in a
/// bare repository): what decides the policy must not follow `HOME` or other environment.
pub fn repo_config_string(repo: &Repo, key: &str) -> Option<String> {
    let config = repo.raw.config().ok()?;
    config
        .open_level(git2::ConfigLevel::Local)
        .ok()?
        .get_string(key)
        .ok()
}

/// A worker thread's own handles: a repository (`Repo` is `Send` but not `Sync`) and an
/// object reader over the scan's shared packs.
struct Worker {
    git_dir: std::path::PathBuf,
    repo: Repo,
    objects: Objects,
}

thread_local! {
    static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
}

/// Run `f` with this thread's own handles on the repository at `git_dir` reading `packs`,
/// opened once per thread.
pub fn with_worker<T>(
    git_dir: &Path,
    packs: &Arc<Packs>,
    f: impl FnOnce(&Repo, &mut Objects) -> T,
) -> Result<T, GitError> {
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_none_or(|w| w.git_dir != git_dir || !w.objects.reads(packs))
        {
            *slot = Some(Worker {
                git_dir: git_dir.to_path_buf(),
                repo: open_at(git_dir)?,
                objects: Objects::new(Arc::clone(packs)),
            });
        }
        match slot.as_mut() {
            Some(w) => Ok(f(&w.repo, &mut w.objects)),
            None => Err(GitError::NotARepository(git_dir.display().to_string())),
        }
    })
}

/// Which note format a notes ref holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteFormat {
    /// trailgate's own notes (TOML or JSON sessions).
    Trailgate,
    /// git-ai `authorship/3.0.0` notes.
    GitAi,
}

/// The hooks directory git uses for this repository: `core.hooksPath` (relative to the work
/// tree root, or to the git dir when bare; `~/` expanded), else the common git dir's `hooks`,
/// so linked worktrees share one set of hooks.
pub fn hooks_dir(repo: &Repo) -> std::path::PathBuf {
    if let Some(configured) = config_string(repo, "core.hooksPath") {
        let expanded = match configured.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME")
                .map_or_else(|| configured.clone().into(), |h| Path::new(&h).join(rest)),
            None => std::path::PathBuf::from(&configured),
        };
        if expanded.is_absolute() {
            return expanded;
        }
        return repo.workdir().unwrap_or(repo.path()).join(expanded);
    }
    repo.raw.commondir().join("hooks")
}

/// Attach `text` as the note of `commit` under `notes_ref`, replacing an older note there.
/// The note is signed by the configured user, as `git notes add` would.
pub fn write_note(
    repo: &Repo,
    notes_ref: &str,
    commit: ObjectId,
    text: &str,
) -> Result<(), GitError> {
    let sig = repo
        .raw
        .signature()
        .or_else(|_| git2::Signature::now("trailgate", "trailgate@localhost"))
        .context(|| "cannot make a signature for the note".into())?;
    repo.raw
        .note(&sig, &sig, Some(notes_ref), commit.oid(), text, true)
        .context(|| format!("cannot write the note of {commit} on {notes_ref}"))?;
    Ok(())
}
