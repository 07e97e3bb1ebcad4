//! What the object-store readers noticed during this run: objects that libgit2 read in their
//! place (and why), and commit-graph files that were not used. Kept per process, since a run
//! is one command: `scan --verbose` prints the counts, and every command prints each unused
//! commit-graph once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

static NOT_IN_A_PACK: AtomicU64 = AtomicU64::new(0);
static PACK_READER_REFUSED: AtomicU64 = AtomicU64::new(0);
/// The first reason the pack reader gave up on an object, as an example for `--verbose`.
static FIRST_REFUSAL: Mutex<Option<String>> = Mutex::new(None);
/// Warnings not yet shown (each said once).
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static SHOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Objects read through libgit2 instead of trailgate's own pack reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fallbacks {
    /// Objects in no pack trailgate opened (loose, quarantined, or packed after the run began).
    pub(crate) not_in_a_pack: u64,
    /// Packed objects the pack reader could not read (damaged, or a form it leaves to
    /// libgit2), with the first reason.
    pub(crate) refused: u64,
    /// Why the first of them was refused.
    pub(crate) first_reason: Option<String>,
}

impl Fallbacks {
    /// The `--verbose` line: `pack reader: 3 objects read through libgit2 (…)`.
    pub fn line(&self) -> String {
        let total = self.not_in_a_pack + self.refused;
        let mut line = format!(
            "pack reader: {total} object{} read through libgit2",
            if total == 1 { "" } else { "s" }
        );
        if total > 0 {
            line.push_str(&format!(
                " ({} not in a pack, {} the pack reader could not read",
                self.not_in_a_pack, self.refused
            ));
            if let Some(reason) = &self.first_reason {
                line.push_str(&format!("; first: {reason}"));
            }
            line.push(')');
        }
        line
    }
}

pub(crate) fn count_not_in_a_pack() {
    NOT_IN_A_PACK.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn count_refused(reason: &str) {
    PACK_READER_REFUSED.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut first) = FIRST_REFUSAL.lock()
        && first.is_none()
    {
        *first = Some(reason.to_string());
    }
}

/// Fallbacks to libgit2 so far in this run.
pub fn fallbacks() -> Fallbacks {
    Fallbacks {
        not_in_a_pack: NOT_IN_A_PACK.load(Ordering::Relaxed),
        refused: PACK_READER_REFUSED.load(Ordering::Relaxed),
        first_reason: FIRST_REFUSAL.lock().ok().and_then(|f| f.clone()),
    }
}

/// Queue a warning for the user; the same text is shown at most once per run.
pub(crate) fn warn(text: String) {
    if let Ok(mut w) = WARNINGS.lock()
        && !w.contains(&text)
    {
        w.push(text);
    }
}

/// Warnings not yet shown; each is returned once per run.
pub fn take_warnings() -> Vec<String> {
    let pending = WARNINGS
        .lock()
        .map(|mut w| std::mem::take(&mut *w))
        .unwrap_or_default();
    let Ok(mut shown) = SHOWN.lock() else {
        return pending;
    };
    let fresh: Vec<String> = pending.into_iter().filter(|w| !shown.contains(w)).collect();
    shown.extend(fresh.iter().cloned());
    fresh
}
