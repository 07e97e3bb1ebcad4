//! The only layer that talks to git (through git2): opening repositories, reading commits as
//! [`CommitFacts`], walking revisions, computing changed paths and reading blobs.

mod bytes;
mod commitgraph;
mod config;
mod delta;
#[doc(hidden)]
pub mod fuzzing;
mod iconv;
pub mod integrity;
mod notes;
mod object;
mod objects;
mod pack;
mod reencode;
mod refs;
mod revs;
mod tree;

pub use commitgraph::CommitGraph;
pub use config::{command_line_settings, effective_value, parse_parameters};
pub use notes::{FoundNote, MAX_NOTES_TREE_BYTES, NotesReader};
pub use object::{CommitShape, ParsedCommit};
pub use objects::Objects;
pub use pack::{Kind as ObjectKind, Packs};
pub use refs::{
    Naming, RevError, Symrefs, TreeFile, exact_ref, read_tree_file, resolve_policy_rev,
    short_name_candidates,
};
pub use revs::{RevSelection, Walk, Walked, walk_revisions};
pub use tree::changed_between;

use crate::engine::facts::{CommitFacts, Signature};
use git2::{Commit, Oid, Repository};
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
    #[error("{context}: {source}")]
    Git {
        /// What was being done.
        context: String,
        /// libgit2's error.
        source: git2::Error,
    },
}

/// Attach context to a git2 result.
pub(crate) trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T> Context<T> for Result<T, git2::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|source| GitError::Git {
            context: what(),
            source,
        })
    }
}

/// Open the repository as git does: `GIT_DIR`/`GIT_WORK_TREE`, else discovery upward from the
/// current directory.
pub fn open_from_env() -> Result<Repository, GitError> {
    Repository::open_from_env().map_err(|e| GitError::NotARepository(e.message().to_string()))
}

/// Open a repository at a known git dir (one per worker thread).
pub fn open_at(path: &Path) -> Result<Repository, GitError> {
    let repo =
        Repository::open(path).context(|| format!("cannot open repository {}", path.display()))?;
    Ok(repo)
}

/// The packs of `repo`'s object database, to share among readers (a walk's own, with its
/// commit-graph, come from [`Walk::packs`]).
pub fn packs(repo: &Repository) -> Arc<Packs> {
    Arc::new(Packs::open(&repo.commondir().join("objects"), None))
}

/// Parse a commit the walk has already read, as `git log` reads it.
pub fn parse_commit(id: Oid, raw: &[u8]) -> Result<ParsedCommit, GitError> {
    object::parse_commit(id, raw)
}

/// Read and parse the commit `id`.
pub fn read_commit(
    repo: &Repository,
    objects: &mut Objects,
    id: Oid,
) -> Result<ParsedCommit, GitError> {
    let raw = objects.read(repo, id, pack::Kind::Commit)?;
    object::parse_commit(id, &raw)
}

/// Changed paths of a parsed commit against all its parents (docs/policy.md, "Changed paths
/// and production paths"); see [`changed_between`].
pub fn changed_paths(
    repo: &Repository,
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
pub fn commit_facts(repo: &Repository, id: Oid) -> Result<CommitFacts, GitError> {
    let odb = repo
        .odb()
        .context(|| "cannot open the object database".into())?;
    let object = odb
        .read(id)
        .context(|| format!("cannot read commit {id}"))?;
    Ok(object::parse_commit(id, object.data())?.facts)
}

fn signature(s: &git2::Signature<'_>) -> Signature {
    let when = s.when();
    Signature {
        name: String::from_utf8_lossy(s.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(s.email_bytes()).into_owned(),
        time: when.seconds(),
        offset_minutes: when.offset_minutes(),
    }
}

/// The commit about to be made as `git log` will read it once stored: under an
/// `i18n.commitEncoding` other than UTF-8, git writes that `encoding` header and re-encodes the
/// whole commit, identities included, when it shows it (docs/recognition.md, "How a commit is
/// read"). The date git will write is taken as `facts`' time in the local time zone.
pub fn as_logged(repo: &Repository, facts: CommitFacts) -> CommitFacts {
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
    let mut raw = format!("tree {}\n", Oid::zero()).into_bytes();
    raw.extend_from_slice(line("author", &facts.author).as_bytes());
    raw.extend_from_slice(line("committer", &facts.committer).as_bytes());
    raw.extend_from_slice(format!("encoding {encoding}\n\n").as_bytes());
    raw.extend_from_slice(&facts.message);
    let Ok(logged) = object::parse_commit(Oid::zero(), &raw) else {
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

/// Find a commit by id.
pub fn find_commit<'r>(repo: &'r Repository, id: Oid) -> Result<Commit<'r>, GitError> {
    repo.find_commit(id)
        .context(|| format!("cannot read commit {id}"))
}

/// Resolve a revision to a commit.
pub fn resolve_commit<'r>(repo: &'r Repository, rev: &str) -> Result<Commit<'r>, GitError> {
    let unknown = |e: git2::Error| GitError::UnknownRevision {
        rev: rev.to_string(),
        message: e.message().to_string(),
    };
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(unknown)
}

/// The commit a revision names, found without libgit2 parsing it (libgit2 refuses commits
/// `git log` reads, such as one with two `author` lines): a full id, else libgit2's resolution,
/// else a reference or an abbreviated id, each peeled through tags to the commit.
pub fn resolve_commit_id(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    if rev.len() == 40
        && let Ok(id) = Oid::from_str(rev)
    {
        return peel_to_commit_id(repo, id, rev);
    }
    let parsed = match repo.revparse_single(rev) {
        Ok(object) => return peel_to_commit_id(repo, object.id(), rev),
        Err(e) => e,
    };
    let by_name = repo
        .resolve_reference_from_short_name(rev)
        .ok()
        .and_then(|r| r.resolve().ok()?.target());
    let by_prefix = || {
        let short = Oid::from_str(rev).ok().filter(|_| rev.len() >= 4)?;
        repo.odb().ok()?.exists_prefix(short, rev.len()).ok()
    };
    match by_name.or_else(by_prefix) {
        Some(id) => peel_to_commit_id(repo, id, rev),
        None => Err(GitError::UnknownRevision {
            rev: rev.to_string(),
            message: parsed.message().to_string(),
        }),
    }
}

/// `id` peeled through annotated tags to a commit, reading object kinds only.
pub fn peel_to_commit_id(repo: &Repository, mut id: Oid, rev: &str) -> Result<Oid, GitError> {
    let odb = repo
        .odb()
        .context(|| "cannot open the object database".into())?;
    // A chain of tags longer than this is a loop or an attack.
    for _ in 0..100 {
        let object = odb.read(id).map_err(|e| GitError::UnknownRevision {
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
                    .and_then(|hex| Oid::from_str(std::str::from_utf8(hex).ok()?).ok())
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
pub fn head_commit(repo: &Repository) -> Result<Option<Commit<'_>>, GitError> {
    match repo.head() {
        Ok(h) => h
            .peel_to_commit()
            .map(Some)
            .context(|| "HEAD is not a commit".into()),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Ok(None),
        Err(e) => Err(GitError::Git {
            context: "cannot read HEAD".into(),
            source: e,
        }),
    }
}

/// What the worktree of `repo` has checked out: `HEAD`'s branch (or `HEAD` itself when
/// detached) and its commit (`None` while the branch is unborn).
pub fn checkout(repo: &Repository) -> Result<crate::sessions::Checkout, GitError> {
    let head = repo
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
            return Err(GitError::Git {
                context: "cannot resolve HEAD".into(),
                source: e,
            });
        }
    };
    Ok(crate::sessions::Checkout { branch, head: id })
}

/// The commit `HEAD` pointed to before it moved to `now`: the old id of `HEAD`'s newest
/// reflog entry when that entry is the move to `now` (so `--amend` gives the amended commit),
/// else `now`'s first parent. `None` before the first commit.
pub fn head_before(repo: &Repository, now: &Commit<'_>) -> Option<String> {
    let from_reflog = repo.reflog("HEAD").ok().and_then(|log| {
        let entry = log.get(0)?;
        (entry.id_new() == now.id()).then(|| entry.id_old())
    });
    match from_reflog {
        Some(old) if old.is_zero() => None,
        Some(old) => Some(old.to_string()),
        None => now.parent_ids().next().map(|p| p.to_string()),
    }
}

/// A commit's committer time, from the committer line `git log` shows.
pub fn committer_time(commit: &Commit<'_>) -> jiff::Timestamp {
    // The header is all the committer line needs; the blank line ends it for the parser.
    let mut header = commit.raw_header_bytes().to_vec();
    header.extend_from_slice(b"\n\n");
    match object::parse_commit(commit.id(), &header) {
        Ok(parsed) => parsed.facts.committer.timestamp(),
        Err(_) => signature(&commit.committer()).timestamp(),
    }
}

/// `HEAD`'s committer time; `None` when `HEAD` is unborn (no commit yet).
pub fn head_commit_time(repo: &Repository) -> Result<Option<jiff::Timestamp>, GitError> {
    Ok(head_commit(repo)?.map(|c| committer_time(&c)))
}

/// Contents of the blob at `REV:PATH`; `Ok(None)` when the revision resolves but the path is
/// not there.
pub fn read_rev_path(
    repo: &Repository,
    rev: &str,
    path: &str,
) -> Result<Option<Vec<u8>>, GitError> {
    let commit = resolve_commit(repo, rev)?;
    let tree = commit
        .tree()
        .context(|| format!("cannot read the tree of {rev}"))?;
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => {
            return Err(GitError::Git {
                context: format!("cannot read {rev}:{path}"),
                source: e,
            });
        }
    };
    let object = entry
        .to_object(repo)
        .context(|| format!("cannot read {rev}:{path}"))?;
    match object.as_blob() {
        Some(blob) => Ok(Some(blob.content().to_vec())),
        None => Ok(None),
    }
}

/// A string value from git config (repository, then global), if set.
pub fn config_string(repo: &Repository, key: &str) -> Option<String> {
    repo.config().ok()?.get_string(key).ok()
}

/// A string value from the repository's own config file only (`.git/config`, or `config` in a
/// bare repository): what decides the policy must not follow `HOME` or other environment.
pub fn repo_config_string(repo: &Repository, key: &str) -> Option<String> {
    let config = repo.config().ok()?;
    config
        .open_level(git2::ConfigLevel::Local)
        .ok()?
        .get_string(key)
        .ok()
}

/// A worker thread's own handles: a repository (`Repository` is `Send` but not `Sync`) and
/// an object reader over the scan's shared packs.
struct Worker {
    git_dir: std::path::PathBuf,
    repo: Repository,
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
    f: impl FnOnce(&Repository, &mut Objects) -> T,
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
pub fn hooks_dir(repo: &Repository) -> std::path::PathBuf {
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
    repo.commondir().join("hooks")
}

/// Attach `text` as the note of `commit` under `notes_ref`, replacing an older note there.
/// The note is signed by the configured user, as `git notes add` would.
pub fn write_note(
    repo: &Repository,
    notes_ref: &str,
    commit: Oid,
    text: &str,
) -> Result<(), GitError> {
    let sig = repo
        .signature()
        .or_else(|_| git2::Signature::now("trailgate", "trailgate@localhost"))
        .context(|| "cannot make a signature for the note".into())?;
    repo.note(&sig, &sig, Some(notes_ref), commit, text, true)
        .context(|| format!("cannot write the note of {commit} on {notes_ref}"))?;
    Ok(())
}
