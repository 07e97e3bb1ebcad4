//! A walk with excluded commits (`A..B`, `^A`, a server's `NEW ^OLD`) as git's `limit_list`
//! does it, commit for commit and in its order: commits are taken newest first from one
//! date-ordered list holding both sides; an excluded commit passes its mark to its parents
//! (and on through ancestors already read); the walk stops once only excluded commits are
//! left and a few more (git's slop of 5, for clock skew) have been taken; commits listed
//! before a mark reached them are dropped at the end, as git drops them from its output.
//!
//! Commits are read through the caller's reader (commit-graph, packs, or libgit2 where grafts
//! and shallow clones change parents), each at most once.

use super::GitError;
use super::ObjectId;
use super::revs::DateKey;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};

/// git's `SLOP`: commits taken after only excluded ones are left.
const SLOP: u32 = 5;

/// A commit as the walk needs it.
pub(super) struct Node {
    pub(super) time: i64,
    pub(super) parents: Vec<ObjectId>,
    /// The commit's bytes, when reading it gave them.
    pub(super) raw: Option<Vec<u8>>,
    /// Its root tree, when read from those bytes.
    pub(super) tree: Option<ObjectId>,
}

/// A listed commit, with its bytes when reading it gave them.
pub(super) type Listed = (ObjectId, Option<Vec<u8>>);

/// Reads a commit for the walk.
pub(super) type ReadNode<'a> = dyn FnMut(ObjectId) -> Result<Node, GitError> + 'a;

/// What the walk knows of a commit: git's object flags, and the commit once read.
#[derive(Default)]
struct Known {
    excluded: bool,
    /// Queued once (git's `SEEN`).
    seen: bool,
    /// Read: its date, parents and bytes.
    node: Option<Node>,
}

/// A list entry: its place in git's order, and the commit.
type Queued = (DateKey, ObjectId);

/// A limited walk in progress: [`Limited::next_listed`] lists commits as git's `limit_list`
/// takes them; a commit listed may be dropped later (see [`Limited::dropped`]).
pub(super) struct Limited {
    known: HashMap<ObjectId, Known>,
    queue: BinaryHeap<Queued>,
    seq: u64,
    /// A wanted commit known to be in the list (git's `interesting_cache`): spares a look
    /// through the whole list after each excluded commit.
    wanted_hint: Option<ObjectId>,
    listed: Vec<ObjectId>,
    last_listed: i64,
    slop: u32,
    done: bool,
}

/// The commits reachable from the wanted tips and from none of the excluded ones, in `git
/// log` order, each with its bytes when reading gave them. `tips` are in the order given on
/// the command line, `true` for an excluded one (`^A`).
pub(super) fn limited_walk(
    tips: &[(ObjectId, bool)],
    read: &mut ReadNode<'_>,
) -> Result<Vec<Listed>, GitError> {
    let mut l = Limited::start(tips, read)?;
    let mut all = Vec::new();
    while let Some(listed) = l.next_listed(read)? {
        all.push(listed);
    }
    // Marks that arrived after a commit was listed drop it now, as git's output does.
    Ok(all
        .into_iter()
        .filter(|(id, _)| !l.is_excluded(*id))
        .collect())
}

impl Limited {
    /// Start at `tips` (in the order given, `true` for an excluded one).
    pub(super) fn start(
        tips: &[(ObjectId, bool)],
        read: &mut ReadNode<'_>,
    ) -> Result<Limited, GitError> {
        let mut l = Limited {
            known: HashMap::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            wanted_hint: None,
            listed: Vec::new(),
            last_listed: i64::MAX,
            slop: SLOP,
            done: false,
        };
        for &(id, excluded) in tips {
            l.read_once(id, read)?;
            if excluded {
                l.known.entry(id).or_default().excluded = true;
                l.mark_parents(id);
            }
            l.queue_once(id);
        }
        Ok(l)
    }

    /// The next commit the walk lists, with its bytes; `None` when the walk is over.
    pub(super) fn next_listed(
        &mut self,
        read: &mut ReadNode<'_>,
    ) -> Result<Option<Listed>, GitError> {
        while !self.done {
            let Some((key, id)) = self.queue.pop() else {
                self.done = true;
                break;
            };
            if self.wanted_hint == Some(id) {
                self.wanted_hint = None;
            }
            let excluded = self.is_excluded(id);
            self.process_parents(id, excluded, read)?;
            if excluded {
                self.mark_parents(id);
                self.slop = self.still_interesting(self.last_listed, self.slop);
                if self.slop == 0 {
                    self.done = true;
                }
                continue;
            }
            self.last_listed = key.time;
            self.listed.push(id);
            let raw = self
                .known
                .get_mut(&id)
                .and_then(|k| k.node.as_mut())
                .and_then(|n| n.raw.take());
            return Ok(Some((id, raw)));
        }
        Ok(None)
    }

    /// Commits listed so far that a later mark excluded: git does not show them.
    pub(super) fn dropped(&self) -> Vec<ObjectId> {
        self.listed
            .iter()
            .copied()
            .filter(|id| self.is_excluded(*id))
            .collect()
    }

    /// Read `id` unless it was read.
    fn read_once(&mut self, id: ObjectId, read: &mut ReadNode<'_>) -> Result<(), GitError> {
        if self.known.get(&id).is_some_and(|k| k.node.is_some()) {
            return Ok(());
        }
        let node = read(id)?;
        self.known.entry(id).or_default().node = Some(node);
        Ok(())
    }

    fn is_excluded(&self, id: ObjectId) -> bool {
        self.known.get(&id).is_some_and(|k| k.excluded)
    }

    /// Put a read commit in the list unless it has been there.
    fn queue_once(&mut self, id: ObjectId) {
        let Some(k) = self.known.get_mut(&id) else {
            return;
        };
        let Some(time) = k.node.as_ref().map(|n| n.time) else {
            return;
        };
        if std::mem::replace(&mut k.seen, true) {
            return;
        }
        self.queue.push((
            DateKey {
                time,
                seq: self.seq,
            },
            id,
        ));
        self.seq += 1;
    }

    fn parents_of(&self, id: ObjectId) -> Vec<ObjectId> {
        self.known
            .get(&id)
            .and_then(|k| k.node.as_ref())
            .map_or_else(Vec::new, |n| n.parents.clone())
    }

    /// git's `process_parents`: read the parents and queue them; an excluded commit's parents
    /// are excluded too, and those that cannot be read are passed over, as git does; a
    /// wanted commit's parent that cannot be read ends the walk.
    fn process_parents(
        &mut self,
        id: ObjectId,
        excluded: bool,
        read: &mut ReadNode<'_>,
    ) -> Result<(), GitError> {
        for p in self.parents_of(id) {
            if excluded {
                self.known.entry(p).or_default().excluded = true;
                if self.read_once(p, read).is_err() {
                    continue;
                }
                self.mark_parents(p);
            } else {
                self.read_once(p, read)?;
            }
            self.queue_once(p);
        }
        Ok(())
    }

    /// git's `mark_parents_uninteresting`: exclude the parents of `id`, and on through every
    /// ancestor already read that was not excluded yet.
    fn mark_parents(&mut self, id: ObjectId) {
        let mut pending = self.parents_of(id);
        while let Some(c) = pending.pop() {
            let k = match self.known.entry(c) {
                Entry::Occupied(o) => o.into_mut(),
                Entry::Vacant(v) => v.insert(Known::default()),
            };
            if std::mem::replace(&mut k.excluded, true) {
                continue;
            }
            if let Some(n) = &k.node {
                pending.extend(n.parents.iter().copied());
            }
        }
    }

    /// git's `still_interesting`: the slop left after taking an excluded commit.
    fn still_interesting(&mut self, last_listed: i64, slop: u32) -> u32 {
        let Some((next, _)) = self.queue.peek() else {
            return 0;
        };
        if last_listed <= next.time {
            return SLOP;
        }
        if let Some(hint) = self.wanted_hint
            && !self.is_excluded(hint)
        {
            return SLOP;
        }
        match self.queue.iter().find(|(_, id)| !self.is_excluded(*id)) {
            Some(&(_, id)) => {
                self.wanted_hint = Some(id);
                SLOP
            }
            None => slop - 1,
        }
    }
}
