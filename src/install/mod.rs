//! Installing and removing trailgate's hook shims in a hooks directory: which files are ours,
//! keeping a hook trailgate did not write as `NAME.local`, and putting it back on uninstall.
//! Plain filesystem work; finding the hooks directory is [`crate::git::hooks_dir`]'s job.
//! This file is the install/uninstall state machine; which hooks exist is [`Hook`]'s to say
//! (`hooks`), the script written under each name is `shim()`'s (`shim`), and one run at a time
//! is the lock's (`lock`).
//!
//! Rules, for each hook `NAME`:
//! - absent → write the shim;
//! - ours (carries `shim::MARKER`) and identical → leave it (not even its mtime changes);
//!   ours but different (older shim, other binary path) → replace it atomically;
//! - not ours → keep it as `NAME.local` (bytes, mode and symlinks kept as they are) and put the
//!   shim in its place, which runs `NAME.local` first;
//! - not ours while `NAME.local` exists too → refuse, even with `--force`: trailgate keeps one
//!   earlier hook per name and will neither overwrite nor silently disable either file;
//! - absent while `NAME.local` exists (left from an earlier install) → refuse, because the shim
//!   would start running a hook git was not running; `--force` installs it and so adopts
//!   `NAME.local`.
//!
//! Every name is checked before anything is written, so a refusal leaves the directory as it
//! was. `uninstall` removes only our files and renames `NAME.local` back over them.
//!
//! Atomic per hook: at every instant `NAME` is the hook that was there or the shim, never
//! missing. A kept hook is hard-linked to `NAME.local` (which fails rather than replace an
//! existing one), then the shim, written under a temporary name, is renamed over `NAME`; a
//! run killed between the two leaves `NAME` and `NAME.local` the same file, which the next run
//! recognises and finishes. Exclusive: each run holds the hooks directory's lock
//! (`lock::LOCK_NAME`) from its checks to its last rename.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

mod hooks;
mod lock;
mod shim;

pub use hooks::{ALL_HOOKS, CLIENT_HOOKS, Hook, SERVER_HOOKS, Side};
pub(crate) use lock::WAIT;
use lock::{HooksLock, failpoint};
use shim::is_ours;

/// Written by trailgate (any version of its shim)?
pub fn is_trailgate_hook(text: &[u8]) -> bool {
    is_ours(text)
}
pub(crate) use shim::shim;

/// Name prefix of a shim being written; only the lock holder writes one, so one found by the
/// next holder was left by a killed run and is removed.
const SHIM_TEMP_PREFIX: &str = ".trailgate-hook-";

/// What happened to one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The hook name.
    pub hook: String,
    /// The hook file.
    pub path: PathBuf,
    /// What was done.
    pub kind: ActionKind,
}

/// The kinds of [`Action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// The shim was written where there was no hook.
    Installed,
    /// An existing hook was renamed to `NAME.local` and the shim written; it runs it first.
    KeptExistingAsLocal,
    /// The shim was written beside an existing `NAME.local` (`--force`); it runs it first.
    AdoptedLocal,
    /// Our older or different shim was replaced.
    Updated,
    /// Our shim was already there, identical.
    Unchanged,
    /// Our shim was removed; there was nothing to restore.
    Removed,
    /// Our shim was removed and `NAME.local` renamed back to `NAME`.
    Restored,
    /// No hook of that name.
    NotInstalled,
    /// The hook was not written by trailgate and was left alone.
    NotOurs,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        let local = local_path(&self.path);
        let local = local.display();
        match self.kind {
            ActionKind::Installed => write!(f, "installed {path}"),
            ActionKind::KeptExistingAsLocal => write!(
                f,
                "installed {path}; the hook that was there is now {local} and runs first"
            ),
            ActionKind::AdoptedLocal => write!(f, "installed {path}; it runs {local} first"),
            ActionKind::Updated => write!(f, "updated {path}"),
            ActionKind::Unchanged => write!(f, "unchanged {path} (already installed)"),
            ActionKind::Removed => write!(f, "removed {path}"),
            ActionKind::Restored => write!(f, "removed {path}; restored it from {local}"),
            ActionKind::NotInstalled => write!(f, "not installed: {path}"),
            ActionKind::NotOurs => write!(f, "left {path} alone: trailgate did not write it"),
        }
    }
}

/// Why `install` or `uninstall` could not proceed; nothing was changed for any hook when a
/// check fails, and each message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A hook name outside [`ALL_HOOKS`].
    #[error("unknown hook `{name}`; valid hooks: {}", ALL_HOOKS.join(", "))]
    UnknownHook {
        /// As given.
        name: String,
    },
    /// An empty hook list.
    #[error("no hooks named; valid hooks: {}", ALL_HOOKS.join(", "))]
    NoHooks,
    /// A foreign hook and `NAME.local` both exist.
    #[error(
        "{} and {} both exist and trailgate wrote neither; it keeps one earlier hook per name \
         (as {}) and will not overwrite or disable either, even with --force. Merge them into \
         {}, or move one of them elsewhere, then run `trailgate install` again",
        .hook.display(), .local.display(), local_name(.hook), .local.display()
    )]
    BothExist {
        /// The hook file.
        hook: PathBuf,
        /// Its `.local` beside it.
        local: PathBuf,
    },
    /// `NAME.local` exists without `NAME`.
    #[error(
        "{} exists but {} does not (left from an earlier install?); the shim would start \
         running it. Use --force to install and run it first, or move it elsewhere",
        .local.display(), .hook.display()
    )]
    OrphanLocal {
        /// The hook file.
        hook: PathBuf,
        /// Its `.local` beside it.
        local: PathBuf,
    },
    /// Another run holds the hooks directory's lock.
    #[error(
        "another `trailgate install` or `uninstall` is running in this hooks directory (lock {}, \
         held by process {holder}); waited {} s. Try again when it is done; if no such run is \
         going on, remove the lock file",
        .lock.display(), WAIT.as_secs()
    )]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// The holder's process id, as the lock says.
        holder: String,
    },
    /// A filesystem operation failed.
    #[error("cannot {what} {}: {error}", .path.display())]
    Io {
        /// What was being done (`read`, `write`, `rename`…).
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error (part of the message, so not also a `source`).
        error: io::Error,
    },
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> InstallError {
    let path = path.to_path_buf();
    move |error| InstallError::Io { what, path, error }
}

/// `NAME.local` beside `NAME`.
fn local_path(hook: &Path) -> PathBuf {
    let mut name = hook.file_name().unwrap_or_default().to_os_string();
    name.push(".local");
    hook.with_file_name(name)
}

fn local_name(hook: &Path) -> String {
    format!(
        "{}.local",
        hook.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// Check names against [`ALL_HOOKS`]; drop repeats, keep order.
fn validate<'a>(names: &[&'a str]) -> Result<Vec<&'a str>, InstallError> {
    if names.is_empty() {
        return Err(InstallError::NoHooks);
    }
    let mut out: Vec<&str> = Vec::new();
    for &name in names {
        if Hook::from_name(name).is_none() {
            return Err(InstallError::UnknownHook {
                name: name.to_string(),
            });
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// What is at a path, without following symlinks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Existing {
    Absent,
    /// Ours, with its bytes and whether its mode is exactly what we write.
    Ours {
        text: Vec<u8>,
        mode_ok: bool,
    },
    Foreign,
}

fn inspect(path: &Path) -> Result<Existing, InstallError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(io_err("inspect", path)(e)),
    };
    // A symlink or directory is never ours: we only write regular files.
    if !meta.file_type().is_file() {
        return Ok(Existing::Foreign);
    }
    let text = fs::read(path).map_err(io_err("read", path))?;
    if !is_ours(&text) {
        return Ok(Existing::Foreign);
    }
    Ok(Existing::Ours {
        text,
        mode_ok: mode_is_shim(&meta),
    })
}

#[cfg(unix)]
fn mode_is_shim(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777 == 0o755
}

#[cfg(not(unix))]
fn mode_is_shim(_meta: &fs::Metadata) -> bool {
    true
}

/// Install the shim as each of `names` in `dir` (created if missing). `binary` is baked in as
/// the fallback when `trailgate` is not on `PATH`. See the module docs for the rules.
pub fn install(
    dir: &Path,
    names: &[&str],
    force: bool,
    binary: Option<&Path>,
) -> Result<Vec<Action>, InstallError> {
    let names = validate(names)?;
    let text = shim(binary);
    fs::create_dir_all(dir).map_err(io_err("create the hooks directory", dir))?;
    let _lock = HooksLock::acquire(dir)?;
    failpoint("install-locked");

    enum Plan {
        Write,
        /// Keep the hook as `NAME.local`; `linked` when a killed run already did.
        KeepThenWrite {
            linked: bool,
        },
        Adopt,
        Update,
        Keep,
    }
    // Decide for every hook first, so a refusal changes nothing.
    let mut plans = Vec::new();
    for name in names {
        let hook = dir.join(name);
        let local = local_path(&hook);
        let local_exists = exists_no_follow(&local)?;
        let plan = match inspect(&hook)? {
            Existing::Ours { text: old, mode_ok } => {
                if old == text.as_bytes() && mode_ok {
                    Plan::Keep
                } else {
                    Plan::Update
                }
            }
            Existing::Foreign if local_exists && already_kept(&hook, &local)? => {
                Plan::KeepThenWrite { linked: true }
            }
            Existing::Foreign if local_exists => {
                return Err(InstallError::BothExist { hook, local });
            }
            Existing::Foreign => Plan::KeepThenWrite { linked: false },
            Existing::Absent if local_exists && !force => {
                return Err(InstallError::OrphanLocal { hook, local });
            }
            Existing::Absent if local_exists => Plan::Adopt,
            Existing::Absent => Plan::Write,
        };
        plans.push((name, hook, local, plan));
    }

    let mut actions = Vec::new();
    for (name, hook, local, plan) in plans {
        let kind = match plan {
            Plan::Keep => ActionKind::Unchanged,
            Plan::Update => {
                write_shim(dir, &hook, &text, true)?;
                ActionKind::Updated
            }
            Plan::Write => {
                write_shim(dir, &hook, &text, false)?;
                ActionKind::Installed
            }
            Plan::Adopt => {
                write_shim(dir, &hook, &text, false)?;
                ActionKind::AdoptedLocal
            }
            Plan::KeepThenWrite { linked } => {
                if !linked {
                    keep_as_local(dir, &hook, &local)?;
                    failpoint("install-linked");
                }
                if let Err(e) = write_shim(dir, &hook, &text, true) {
                    // `NAME` is still the user's hook: drop the second name again.
                    let _ = fs::remove_file(&local);
                    return Err(e);
                }
                ActionKind::KeptExistingAsLocal
            }
        };
        failpoint("install-hook-done");
        actions.push(Action {
            hook: name.to_string(),
            path: hook,
            kind,
        });
    }
    Ok(actions)
}

/// Remove our shim for each of `names` in `dir`, renaming `NAME.local` back where it exists.
/// Hooks trailgate did not write are left alone.
pub fn uninstall(dir: &Path, names: &[&str]) -> Result<Vec<Action>, InstallError> {
    let names = validate(names)?;
    // No directory, no hooks: nothing to lock either.
    let _lock = if dir.is_dir() {
        Some(HooksLock::acquire(dir)?)
    } else {
        None
    };
    failpoint("uninstall-locked");
    let mut actions = Vec::new();
    for name in names {
        let hook = dir.join(name);
        let local = local_path(&hook);
        let kind = match inspect(&hook)? {
            Existing::Absent => ActionKind::NotInstalled,
            Existing::Foreign => {
                if exists_no_follow(&local)? && already_kept(&hook, &local)? {
                    // An install killed after keeping the hook: the second name goes.
                    fs::remove_file(&local).map_err(io_err("remove", &local))?;
                }
                ActionKind::NotOurs
            }
            Existing::Ours { .. } if exists_no_follow(&local)? => {
                // One rename replaces the shim: there is never a moment without the hook.
                fs::rename(&local, &hook).map_err(io_err("rename", &local))?;
                ActionKind::Restored
            }
            Existing::Ours { .. } => {
                fs::remove_file(&hook).map_err(io_err("remove", &hook))?;
                ActionKind::Removed
            }
        };
        failpoint("uninstall-hook-done");
        actions.push(Action {
            hook: name.to_string(),
            path: hook,
            kind,
        });
    }
    Ok(actions)
}

/// Give the hook at `hook` its second name `local` while `hook` stays in place: a hard link
/// (the same file: bytes, mode and owner, a symlink stays one), else, where the file system
/// refuses links, a copy of the same kind, bytes and mode. Never replaces an existing `local`.
fn keep_as_local(dir: &Path, hook: &Path, local: &Path) -> Result<(), InstallError> {
    match fs::hard_link(hook, local) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(io_err("keep", hook)(e)),
        Err(_) => copy_no_clobber(dir, hook, local),
    }
}

#[cfg(unix)]
fn copy_no_clobber(dir: &Path, hook: &Path, local: &Path) -> Result<(), InstallError> {
    let meta = fs::symlink_metadata(hook).map_err(io_err("inspect", hook))?;
    if meta.file_type().is_symlink() {
        // Creating a symlink fails when the name exists: no clobbering.
        let target = fs::read_link(hook).map_err(io_err("read", hook))?;
        return std::os::unix::fs::symlink(target, local).map_err(io_err("write", local));
    }
    let bytes = fs::read(hook).map_err(io_err("read", hook))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(SHIM_TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(io_err("create a temporary file in", dir))?;
    tmp.write_all(&bytes)
        .and_then(|()| tmp.as_file().set_permissions(meta.permissions()))
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io_err("write", tmp.path()))?;
    tmp.persist_noclobber(local)
        .map_err(|e| io_err("write", local)(e.error))?;
    Ok(())
}

#[cfg(not(unix))]
fn copy_no_clobber(_dir: &Path, hook: &Path, local: &Path) -> Result<(), InstallError> {
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(local)
        .map_err(io_err("write", local))?;
    let bytes = fs::read(hook).map_err(io_err("read", hook))?;
    out.write_all(&bytes).map_err(io_err("write", local))
}

/// Whether `local` already is the kept `hook`, as an install killed after keeping it leaves
/// them: the same file, or (a copy) the same kind, mode and bytes. Replacing `hook` with the
/// shim then changes nothing that runs.
fn already_kept(hook: &Path, local: &Path) -> Result<bool, InstallError> {
    let mh = fs::symlink_metadata(hook).map_err(io_err("inspect", hook))?;
    let ml = fs::symlink_metadata(local).map_err(io_err("inspect", local))?;
    if lock::same_file(&mh, &ml) {
        return Ok(true);
    }
    if mh.file_type() != ml.file_type() || mh.permissions() != ml.permissions() {
        return Ok(false);
    }
    if mh.file_type().is_symlink() {
        return Ok(fs::read_link(hook).ok() == fs::read_link(local).ok());
    }
    if !mh.file_type().is_file() || mh.len() != ml.len() {
        return Ok(false);
    }
    let a = fs::read(hook).map_err(io_err("read", hook))?;
    let b = fs::read(local).map_err(io_err("read", local))?;
    Ok(a == b)
}

fn exists_no_follow(path: &Path) -> Result<bool, InstallError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err("inspect", path)(e)),
    }
}

/// Write the shim through a temporary file in the same directory and rename it into place, so
/// git never runs a half-written hook. `replace` is false where nothing should be there: then
/// a file that appeared meanwhile is not overwritten.
fn write_shim(dir: &Path, hook: &Path, text: &str, replace: bool) -> Result<(), InstallError> {
    let mut tmp = tempfile::Builder::new()
        .prefix(SHIM_TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(io_err("create a temporary file in", dir))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io_err("write", tmp.path()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755))
            .map_err(io_err("make executable", tmp.path()))?;
    }
    failpoint("install-shim-written");
    let persisted = if replace {
        tmp.persist(hook)
    } else {
        tmp.persist_noclobber(hook)
    };
    persisted.map_err(|e| io_err("write", hook)(e.error))?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests;
