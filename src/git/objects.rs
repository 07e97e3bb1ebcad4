//! A worker's object reader: commits and trees from the shared packs, inflated with the
//! worker's own zlib state into the worker's own cache of recently used objects, so threads
//! never wait on each other. Objects not in a pack (loose, quarantined, in a pack written after
//! the scan began) and anything the pack reader cannot read come from libgit2, and each such
//! read is counted (see [`super::integrity`]). When libgit2 cannot read an object either, the
//! error names it and says what the pack reader found.

use super::delta::apply_delta;
use super::integrity;
use super::pack::{Entry, Kind, Packs, inflate};
use super::{Context, GitError};
use super::{ObjectId, Repo};
use git2::ObjectType;
use libdeflater::Decompressor as Decompress;
use std::rc::Rc;
use std::sync::Arc;

/// An object's bytes, shared with the cache.
pub(crate) type Bytes = Rc<Vec<u8>>;

/// Bytes of objects kept per worker for reuse (delta bases, and trees a neighbouring commit
/// reads again): what git's `core.deltaBaseCacheLimit` is for.
const CACHE_BYTES: usize = 16 << 20;
/// Longest delta chain followed before giving the object to libgit2 (git writes at most 4095).
const MAX_CHAIN: usize = 10_000;

/// Slots of the table of commits' root trees (direct-mapped by id).
const TREE_SLOTS: usize = 1 << 12;

/// Reads objects for one thread.
pub struct Objects {
    packs: Arc<Packs>,
    inflater: Decompress,
    cache: Cache,
    /// Root trees of commits the worker was handed: a commit's
    /// parent is usually handed over with it, and its tree is then known without reading it.
    commit_trees: Vec<Option<(ObjectId, ObjectId)>>,
}

impl Objects {
    /// A reader over `packs`.
    pub fn new(packs: Arc<Packs>) -> Objects {
        Objects {
            packs,
            inflater: Decompress::new(),
            cache: Cache::default(),
            commit_trees: vec![None; TREE_SLOTS],
        }
    }

    /// Whether this reader reads from `packs`.
    pub(crate) fn reads(&self, packs: &Arc<Packs>) -> bool {
        Arc::ptr_eq(&self.packs, packs)
    }

    /// The root tree of commit `id`: from the commit-graph when it holds the commit, else
    /// from the commit itself.
    pub(crate) fn tree_of(&mut self, repo: &Repo, id: ObjectId) -> Result<ObjectId, GitError> {
        if let Some(tree) = self.packs.graph.as_ref().and_then(|g| g.tree_of(&id)) {
            return Ok(tree);
        }
        if let Some((commit, tree)) = self.commit_trees[tree_slot(id)]
            && commit == id
        {
            return Ok(tree);
        }
        let raw = self.read(repo, id, Kind::Commit)?;
        super::object::commit_tree(id, &raw)
    }

    /// Remember the root tree of commit `id` from its raw bytes, for [`Objects::tree_of`].
    pub(crate) fn remember_tree_of(&mut self, id: ObjectId, raw: &[u8]) {
        if let Ok(tree) = super::object::commit_tree(id, raw) {
            self.remember_tree(id, tree);
        }
    }

    /// Remember that commit `id` has root tree `tree`, for [`Objects::tree_of`].
    pub(crate) fn remember_tree(&mut self, id: ObjectId, tree: ObjectId) {
        self.commit_trees[tree_slot(id)] = Some((id, tree));
    }

    /// The object `id` when one of the packs holds it and the pack reader can resolve it,
    /// without asking libgit2 (so tests can tell the two apart).
    #[doc(hidden)]
    pub fn packed(&mut self, id: ObjectId) -> Option<(Kind, Bytes)> {
        let (pack, offset) = self.packs.find(id.as_bytes())?;
        self.read_packed(pack, offset, false).ok()
    }

    /// The object `id`, which must be of kind `kind`.
    pub fn read(&mut self, repo: &Repo, id: ObjectId, kind: Kind) -> Result<Bytes, GitError> {
        let mut refused = None;
        match self.packs.find(id.as_bytes()) {
            Some((pack, offset)) => match self.read_packed(pack, offset, kind == Kind::Tree) {
                Ok((found, bytes)) if found == kind => return Ok(bytes),
                Ok(_) => return Err(wrong_kind(id, kind)),
                Err(reason) => {
                    let name = self.packs.packs.get(pack).map(|p| p.name().into_owned());
                    let reason = format!("in {}, {reason}", name.as_deref().unwrap_or("a pack"));
                    integrity::count_refused(&format!("object {id} {reason}"));
                    refused = Some(reason);
                }
            },
            None => integrity::count_not_in_a_pack(),
        }
        // git too looks for another copy of an object whose packed copy is damaged.
        let odb = repo
            .raw
            .odb()
            .context(|| "cannot open the object database".into())?;
        let object = odb.read(id.oid()).map_err(|e| match &refused {
            Some(reason) => GitError::Corrupt(format!(
                "cannot read object {id}: {reason}; libgit2: {}",
                e.message()
            )),
            None => GitError::libgit2(format!("cannot read object {id}"), e),
        })?;
        let found = match object.kind() {
            ObjectType::Commit => Kind::Commit,
            ObjectType::Tree => Kind::Tree,
            ObjectType::Blob => Kind::Blob,
            _ => Kind::Tag,
        };
        if found != kind {
            return Err(wrong_kind(id, kind));
        }
        Ok(Rc::new(object.data().to_vec()))
    }

    /// Resolve the entry at `offset` of pack `pack`, keeping the result when `keep` (and every
    /// delta base on the way, which the next read of a nearby version will want).
    fn read_packed(
        &mut self,
        pack: usize,
        offset: u64,
        keep: bool,
    ) -> Result<(Kind, Bytes), String> {
        if let Some(hit) = self.cache.get(pack, offset) {
            return Ok(hit);
        }
        let p = self.packs.packs.get(pack).ok_or("no such pack")?;
        let mut deltas: Vec<(u64, usize, usize)> = Vec::new(); // (offset, size, data_at)
        let mut at = offset;
        let (kind, mut bytes) = loop {
            if deltas.len() > MAX_CHAIN {
                return Err(format!("its delta chain is longer than {MAX_CHAIN}"));
            }
            if at != offset
                && let Some(hit) = self.cache.get(pack, at)
            {
                break hit;
            }
            match p.entry(at)? {
                Entry::Base {
                    kind,
                    size,
                    data_at,
                } => {
                    let data = inflate(&mut self.inflater, p.deflated(data_at)?, size)
                        .map_err(|e| format!("the entry at offset {at}: {e}"))?;
                    break (kind, Rc::new(data));
                }
                Entry::OfsDelta {
                    base,
                    size,
                    data_at,
                } => {
                    deltas.push((at, size, data_at));
                    at = base;
                }
                Entry::RefDelta {
                    base,
                    size,
                    data_at,
                } => {
                    // Thin packs are completed on receipt, so the base is in this pack.
                    deltas.push((at, size, data_at));
                    at = p.find(&base).ok_or_else(|| {
                        format!("the delta at offset {at} has its base in another pack")
                    })?;
                }
            }
        };
        if deltas.is_empty() {
            if keep {
                self.cache.put(pack, offset, kind, bytes.clone());
            }
            return Ok((kind, bytes));
        }
        self.cache.put(pack, at, kind, bytes.clone());
        while let Some((delta_at, size, data_at)) = deltas.pop() {
            let delta = inflate(&mut self.inflater, p.deflated(data_at)?, size)
                .map_err(|e| format!("the delta at offset {delta_at}: {e}"))?;
            let result = apply_delta(&bytes, &delta)
                .map_err(|e| format!("the delta at offset {delta_at}: {e}"))?;
            bytes = Rc::new(result);
            if !deltas.is_empty() || keep {
                self.cache.put(pack, delta_at, kind, bytes.clone());
            }
        }
        Ok((kind, bytes))
    }
}

/// The table's slot for `id`: ids are hashes, so their first bytes spread evenly.
fn tree_slot(id: ObjectId) -> usize {
    let b = id.as_bytes();
    (usize::from(b[0]) << 8 | usize::from(b[1])) & (TREE_SLOTS - 1)
}

fn wrong_kind(id: ObjectId, kind: Kind) -> GitError {
    GitError::Corrupt(format!("object {id} is not a {}", kind_name(kind)))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Commit => "commit",
        Kind::Tree => "tree",
        Kind::Blob => "blob",
        Kind::Tag => "tag",
    }
}

/// Recently resolved objects by (pack, offset) in a fixed table of slots within a byte
/// budget. A fixed table never reallocates however many objects pass through it (a hash map
/// with constant insertions and removals keeps growing and rehashing); a new object takes its
/// slot from whatever was there, and a sweeping hand frees other slots when over budget.
struct Cache {
    slots: Vec<Option<Slot>>,
    bytes: usize,
    hand: usize,
}

struct Slot {
    pack: usize,
    offset: u64,
    kind: Kind,
    bytes: Bytes,
}

const CACHE_SLOTS: usize = 1 << 15;

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            slots: (0..CACHE_SLOTS).map(|_| None).collect(),
            bytes: 0,
            hand: 0,
        }
    }
}

impl Cache {
    fn index(pack: usize, offset: u64) -> usize {
        let h = (offset ^ ((pack as u64) << 48)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - CACHE_SLOTS.trailing_zeros())) as usize
    }

    fn get(&self, pack: usize, offset: u64) -> Option<(Kind, Bytes)> {
        match &self.slots[Self::index(pack, offset)] {
            Some(s) if s.pack == pack && s.offset == offset => Some((s.kind, Rc::clone(&s.bytes))),
            _ => None,
        }
    }

    fn put(&mut self, pack: usize, offset: u64, kind: Kind, bytes: Bytes) {
        if bytes.len() > CACHE_BYTES / 4 {
            return;
        }
        let i = Self::index(pack, offset);
        self.bytes += bytes.len();
        let old = self.slots[i].replace(Slot {
            pack,
            offset,
            kind,
            bytes,
        });
        if let Some(old) = old {
            self.bytes -= old.bytes.len();
        }
        while self.bytes > CACHE_BYTES {
            let h = self.hand;
            self.hand = (h + 1) % CACHE_SLOTS;
            if h != i
                && let Some(old) = self.slots[h].take()
            {
                self.bytes -= old.bytes.len();
            }
        }
    }
}
