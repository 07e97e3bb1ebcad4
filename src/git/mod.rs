//! The only layer that talks to git (through git2, which no other module names): opening
//! repositories ([`Repo`]), object ids ([`ObjectId`]), reading commits as `CommitFacts`,
//! walking revisions, computing changed paths and reading blobs, refs, config and notes.
//! It imports nothing from the layers above it but the facts it produces.

// The lints that keep git2 out of every other module.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod ahead;
mod bytes;
mod commitgraph;
mod config;
mod delta;
#[doc(hidden)]
pub mod fuzzing;
mod iconv;
mod id;
pub mod integrity;
mod limit;
mod lookup;
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
pub use config::{
    command_line_settings, config_string, effective_value, parse_parameters, repo_config_string,
};
pub use id::{InvalidObjectId, ObjectId};
pub use lookup::{
    Checkout, CommitLinks, checkout, descends_from, find_commit, head_before, head_commit,
    parent_trees, peel_to_commit_id, resolve_commit, resolve_commit_id,
};
pub(crate) use notes::NotesReader;
pub(crate) use object::{CommitShape, ParsedCommit, parse_commit, parse_walked_commit};
pub use objects::Objects;
pub use pack::{Kind as ObjectKind, Packs};
pub use refs::tree_paths;
pub(crate) use refs::{
    Naming, RevError, Symrefs, TreeFile, exact_ref, read_tree_file, references, remote_tips,
    resolve_policy_rev,
};
pub use repo::{Repo, RepoSource, configure_for_scan};
pub use revs::{RevSelection, Walk, Walked, walk_revisions};
pub(crate) use tree::changed_between;

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
    fn libgit2(context: String, e: git2::Error) -> GitError {
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
trait Context<T> {
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

/// Read and parse the commit `id`.
pub(crate) fn read_commit(
    repo: &Repo,
    objects: &mut Objects,
    id: ObjectId,
) -> Result<ParsedCommit, GitError> {
    let raw = objects.read(repo, id, pack::Kind::Commit)?;
    object::parse_commit(id, &raw)
}

/// Changed paths of a parsed commit against all its parents (docs/policy.md, "Changed paths
/// and production paths"); see [`changed_between`].
pub(crate) fn changed_paths(
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
pub(crate) fn commit_facts(repo: &Repo, id: ObjectId) -> Result<CommitFacts, GitError> {
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
/// whole commit, identities included, when it shows it (docs/recognition.md, "How a commit is
/// read"). The date git will write is taken as `facts`' time in the local time zone.
pub(crate) fn as_logged(repo: &Repo, facts: CommitFacts) -> CommitFacts {
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

/// The tree the commit about to be made records: the index at `index_file` (else the
/// repository's own), written as a tree.
pub(crate) fn write_index_tree(
    repo: &Repo,
    index_file: Option<&Path>,
) -> Result<ObjectId, GitError> {
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

/// A worker thread's own handles: a repository (`Repo` is `Send` but not `Sync`) and an
/// object reader over the scan's shared packs.
struct Worker {
    source: RepoSource,
    repo: Repo,
    objects: Objects,
}

thread_local! {
    static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
}

/// Run `f` with this thread's own handles on the repository `source` opens, reading
/// `packs`, opened once per thread.
pub(crate) fn with_worker<T>(
    source: &RepoSource,
    packs: &Arc<Packs>,
    f: impl FnOnce(&Repo, &mut Objects) -> T,
) -> Result<T, GitError> {
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_none_or(|w| w.source != *source || !w.objects.reads(packs))
        {
            *slot = Some(Worker {
                source: source.clone(),
                repo: source.open()?,
                objects: Objects::new(Arc::clone(packs)),
            });
        }
        match slot.as_mut() {
            Some(w) => Ok(f(&w.repo, &mut w.objects)),
            None => Err(GitError::NotARepository(format!("{source:?}"))),
        }
    })
}

/// Read one commit the walk over `packs` wants ahead, with this thread's handles; false when
/// none is wanted.
pub(crate) fn read_ahead(source: &RepoSource, packs: &Arc<Packs>) -> bool {
    with_worker(source, packs, |_, objects| packs.read_ahead(objects)).unwrap_or(false)
}

/// Which note format a notes ref holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteFormat {
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
pub(crate) fn write_note(
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
