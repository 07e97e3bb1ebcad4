//! The lock that keeps two `install` or `uninstall` runs in one hooks directory from interleaving
//! (docs/hooks.md, "Install"), and the crash points tests use to kill a run at each step.
//!
//! The lock is the file [`LOCK_NAME`] in the hooks directory, holding the holder's process id.
//! It appears whole or not at all (written under a name of its own, then hard-linked into
//! place, which fails when a lock is there), and is removed when the run ends. A second run
//! waits up to [`WAIT`] for it, then fails naming the file. A lock left by a run that was
//! killed is *stale* and taken over at once: its process is gone (as `/proc` shows), or it is
//! older than [`STALE_AGE`] (where `/proc` is missing, or the process id was reused).

use super::{InstallError, io_err};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// The lock file's name in the hooks directory.
pub(crate) const LOCK_NAME: &str = ".trailgate-install.lock";
/// How long a second run waits for the lock.
pub(crate) const WAIT: Duration = Duration::from_secs(5);
/// A lock this old is stale whatever its process id says: a run takes milliseconds.
pub(crate) const STALE_AGE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub(super) struct HooksLock {
    path: PathBuf,
}

impl HooksLock {
    /// Take the lock of `dir`, waiting up to [`WAIT`] for another run to finish.
    pub(super) fn acquire(dir: &Path) -> Result<HooksLock, InstallError> {
        let path = dir.join(LOCK_NAME);
        let pid = std::process::id();
        // The candidate carries our pid in its name, so a killed run's leftover is known.
        let candidate = dir.join(format!("{LOCK_NAME}.{pid}"));
        let deadline = Instant::now() + WAIT;
        loop {
            fs::File::create(&candidate)
                .and_then(|mut f| writeln!(f, "{pid}"))
                .map_err(io_err("create a lock file in", dir))?;
            let linked = fs::hard_link(&candidate, &path);
            let _ = fs::remove_file(&candidate);
            match linked {
                Ok(()) => {
                    remove_leftovers(dir);
                    return Ok(HooksLock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err("create the lock", &path)(e)),
            }
            if break_if_stale(&path).map_err(io_err("inspect the lock", &path))? {
                continue;
            }
            if Instant::now() >= deadline {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                return Err(InstallError::Locked {
                    lock: path,
                    holder: holder.trim().to_string(),
                });
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for HooksLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Remove a stale lock; `true` when the lock is gone (so taking it may be tried again).
fn break_if_stale(path: &Path) -> io::Result<bool> {
    let judged = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    if !is_stale(&text, &judged) {
        return Ok(false);
    }
    // Move it aside under our own name, so that of several runs only one breaks it, then
    // check that what moved is the lock judged stale and not one taken meanwhile.
    let aside = path.with_file_name(format!("{LOCK_NAME}.stale.{}", std::process::id()));
    match fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    }
    let moved = fs::symlink_metadata(&aside)?;
    let same = same_file(&moved, &judged);
    if !same {
        // A live lock: put it back (a link never replaces a lock taken since).
        let _ = fs::hard_link(&aside, path);
    }
    fs::remove_file(&aside)?;
    Ok(same)
}

fn is_stale(text: &str, meta: &fs::Metadata) -> bool {
    let old = meta
        .modified()
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > STALE_AGE);
    old || text
        .trim()
        .parse::<u32>()
        .is_ok_and(|pid| !process_alive(pid))
}

/// Whether process `pid` runs; `true` where that cannot be known.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(unix)]
pub(super) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
pub(super) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.modified().ok() == b.modified().ok() && a.len() == b.len()
}

/// Files only a killed run leaves: half-written shims (only the lock holder writes them) and
/// lock candidates of processes that are gone.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let leftover = name.starts_with(super::SHIM_TEMP_PREFIX)
            || name
                .strip_prefix(LOCK_NAME)
                .and_then(|rest| rest.strip_prefix('.'))
                .map(|rest| rest.strip_prefix("stale.").unwrap_or(rest))
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !process_alive(pid));
        if leftover {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A crash point for tests: with `TRAILGATE_FAILPOINT=STEP` (or `STEP@N`, the Nth time) the
/// process ends at that step as if killed, leaving its files as they are. Read only in debug
/// builds; release builds have no crash points.
#[cfg(debug_assertions)]
pub(super) fn failpoint(step: &'static str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static REACHED: AtomicUsize = AtomicUsize::new(0);
    let Some(wanted) = std::env::var_os("TRAILGATE_FAILPOINT") else {
        return;
    };
    let wanted = wanted.to_string_lossy();
    let (name, nth) = match wanted.split_once('@') {
        Some((name, n)) => (name, n.parse().unwrap_or(1)),
        None => (&*wanted, 1),
    };
    // Only the named step counts, so one counter serves.
    if name == step && REACHED.fetch_add(1, Ordering::SeqCst) + 1 == nth {
        // No destructors: the lock and temporary files stay, as after a kill.
        std::process::exit(137);
    }
}

#[cfg(not(debug_assertions))]
pub(super) fn failpoint(_step: &'static str) {}
