//! Commits read ahead of the walk by threads with nothing else to do. Without a commit-graph
//! the walk must inflate each commit it meets to learn its date and parents, one after
//! another, and on a history with parallel branches that thread is what a scan waits for. A
//! commit waiting in the walk's queue already names its parents; an idle judging thread may
//! read them (find, inflate) before the walk gets there, and the walk takes the bytes instead
//! of reading them itself.
//!
//! Only a shortcut: the bytes are what [`Objects`] would read for the same id, taken from the
//! packs by the same code; anything not read in time, or not readable, the walk reads itself
//! as before (and reports, if it must). Every list is bounded, so memory stays flat.

use super::ObjectId;
use super::objects::Objects;
use super::pack::Kind;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Commits asked for and not yet taken by a reader, at most.
const WANTED: usize = 256;
/// Commits read and not yet taken by the walk, at most, and their bytes at most.
const READY: usize = 256;
const READY_BYTES: usize = 16 << 20;

/// What the walk wants read and what was read for it.
#[derive(Default)]
pub(crate) struct Ahead {
    state: Mutex<State>,
    /// Whether anything is wanted, being read or read, checked without the lock.
    busy: AtomicBool,
    /// Whether any thread reads ahead: until one does, nothing is asked for.
    read: AtomicBool,
    /// Commits the walk took read ahead.
    taken: AtomicU64,
}

#[derive(Default)]
struct State {
    /// Newest last: the walk reaches the parents of its newest commits first. An id no
    /// longer in `wanted` is passed over.
    order: VecDeque<ObjectId>,
    wanted: HashSet<ObjectId>,
    /// Being read; an id the walk took meanwhile is removed, and its bytes are dropped.
    reading: HashSet<ObjectId>,
    ready: HashMap<ObjectId, Vec<u8>>,
    ready_bytes: usize,
}

impl State {
    fn idle(&self) -> bool {
        self.wanted.is_empty() && self.reading.is_empty() && self.ready.is_empty()
    }
}

impl Ahead {
    /// Whether a thread reads ahead: until one does, nothing need be asked for.
    pub(crate) fn has_reader(&self) -> bool {
        self.read.load(Ordering::Relaxed)
    }

    /// Ask for the commit `id` to be read ahead.
    pub(crate) fn want(&self, id: ObjectId) {
        if !self.has_reader() {
            return;
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.order.len() >= WANTED
            && let Some(oldest) = state.order.pop_front()
        {
            state.wanted.remove(&oldest);
        }
        if state.wanted.insert(id) {
            state.order.push_back(id);
        }
        self.busy.store(true, Ordering::Release);
    }

    /// The walk has come to commit `id`: its bytes if they were read ahead; otherwise it is
    /// no longer wanted (the walk reads it itself).
    pub(crate) fn take(&self, id: ObjectId) -> Option<Vec<u8>> {
        if !self.busy.load(Ordering::Acquire) {
            return None;
        }
        let mut state = self.state.lock().ok()?;
        let raw = state.ready.remove(&id);
        if let Some(raw) = &raw {
            state.ready_bytes -= raw.len();
            self.taken.fetch_add(1, Ordering::Relaxed);
        } else {
            state.wanted.remove(&id);
            state.reading.remove(&id);
        }
        if state.idle() {
            self.busy.store(false, Ordering::Release);
        }
        raw
    }

    /// Commits the walk took read ahead so far.
    pub(crate) fn taken(&self) -> u64 {
        self.taken.load(Ordering::Relaxed)
    }

    /// Read one wanted commit with `objects`; false when nothing is wanted.
    pub(crate) fn read_one(&self, objects: &mut Objects) -> bool {
        if !self.read.load(Ordering::Relaxed) {
            self.read.store(true, Ordering::Relaxed);
        }
        if !self.busy.load(Ordering::Acquire) {
            return false;
        }
        let id = {
            let Ok(mut state) = self.state.lock() else {
                return false;
            };
            let mut next = None;
            while let Some(id) = state.order.pop_back() {
                if state.wanted.remove(&id) {
                    next = Some(id);
                    break;
                }
            }
            let Some(id) = next else {
                return false;
            };
            state.reading.insert(id);
            id
        };
        // Outside the lock: inflating is the work taken off the walk.
        let raw = match objects.packed(id) {
            Some((Kind::Commit, bytes)) => {
                Some(std::rc::Rc::try_unwrap(bytes).unwrap_or_else(|shared| shared.to_vec()))
            }
            _ => None,
        };
        if let Ok(mut state) = self.state.lock()
            && state.reading.remove(&id)
            && let Some(raw) = raw
        {
            if state.ready.len() >= READY || state.ready_bytes + raw.len() > READY_BYTES {
                // Left over from a part of the history the walk never reached: start afresh
                // rather than grow.
                state.ready.clear();
                state.ready_bytes = 0;
            }
            if raw.len() <= READY_BYTES {
                state.ready_bytes += raw.len();
                state.ready.insert(id, raw);
            }
        }
        true
    }
}
