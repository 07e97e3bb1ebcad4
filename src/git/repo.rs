//! [`Repo`]: an open repository, the handle every reader of git takes; and the process-wide
//! libgit2 settings a run starts with.

use super::{Context, GitError};
use std::path::Path;

/// An open repository. One per thread: it may move between threads but not be shared.
pub struct Repo {
    pub(super) raw: git2::Repository,
    /// Opened from git's environment (`GIT_DIR`, and in a server hook the quarantine's
    /// `GIT_OBJECT_DIRECTORY`): other threads' handles must be opened the same way to see
    /// the same objects.
    pub(super) from_env: bool,
}

/// How to open another handle on the same repository, seeing the same objects: what
/// [`Repo::source`] gives each thread that needs its own handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSource {
    git_dir: std::path::PathBuf,
    from_env: bool,
}

impl RepoSource {
    /// A new handle on the repository.
    pub fn open(&self) -> Result<Repo, GitError> {
        if self.from_env {
            Repo::open_from_env()
        } else {
            Repo::open_at(&self.git_dir)
        }
    }
}

impl Repo {
    /// Open the repository as git does: `GIT_DIR`/`GIT_WORK_TREE`, else discovery upward from
    /// the current directory.
    pub fn open_from_env() -> Result<Repo, GitError> {
        git2::Repository::open_from_env()
            .map(|raw| Repo {
                raw,
                from_env: true,
            })
            .map_err(|e| GitError::NotARepository(e.message().to_string()))
    }

    /// Open a repository at a known git dir (one per worker thread).
    pub(crate) fn open_at(path: &Path) -> Result<Repo, GitError> {
        let raw = git2::Repository::open(path)
            .context(|| format!("cannot open repository {}", path.display()))?;
        Ok(Repo {
            raw,
            from_env: false,
        })
    }

    /// How another thread opens its own handle on this repository.
    pub fn source(&self) -> RepoSource {
        RepoSource {
            git_dir: self.raw.path().to_path_buf(),
            from_env: self.from_env,
        }
    }

    /// The git dir (`.git`, a linked worktree's own dir, or the repository when bare).
    pub fn path(&self) -> &Path {
        self.raw.path()
    }

    /// The work tree's root; `None` when bare.
    pub fn workdir(&self) -> Option<&Path> {
        self.raw.workdir()
    }

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.raw.is_bare()
    }

    /// Whether the history is cut short (a shallow clone).
    pub fn is_shallow(&self) -> bool {
        self.raw.is_shallow()
    }

    /// The namespace refs are read in (`GIT_NAMESPACE`), if any.
    pub(crate) fn namespace(&self) -> Option<&str> {
        self.raw.namespace()
    }
}

/// Set libgit2 up for reading many objects once each, as a scan does; call first thing in
/// `main`, before any thread exists (the settings are process-wide and not thread-safe).
///
/// git itself does not re-hash objects it reads (fsck does); libgit2 by default does, at a
/// large cost on every commit and tree of a scan. Commits are read once each, so caching them
/// only grows memory with the history; trees are shared between neighbouring commits and worth
/// keeping, root trees of large repositories included (they exceed libgit2's 4 KiB default).
/// Each repository handle (one per worker) gets a bounded cache, and mapped pack windows are
/// bounded too, so memory stays flat as the history grows.
#[allow(unsafe_code)]
pub fn configure_for_scan() {
    const TREE_LIMIT: usize = 1 << 20;
    const CACHE_PER_HANDLE: isize = 48 << 20;
    // Packs are read through mapped windows; small windows under a total cap keep what a scan
    // touches of a large pack from all staying resident.
    const PACK_WINDOW: usize = 32 << 20;
    const PACK_MAPPED: usize = 128 << 20;
    git2::opts::strict_hash_verification(false);
    // SAFETY: the caller runs this before any thread exists, as these process-wide libgit2
    // settings require; the option takes one `ssize_t` argument.
    unsafe {
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, TREE_LIMIT);
        libgit2_sys::git_libgit2_opts(
            libgit2_sys::GIT_OPT_SET_CACHE_MAX_SIZE as libc::c_int,
            CACHE_PER_HANDLE,
        );
        let _ = git2::opts::set_mwindow_size(PACK_WINDOW);
        let _ = git2::opts::set_mwindow_mapped_limit(PACK_MAPPED);
    }
}
