//! A worker's object reader: commits and trees from the shared packs, inflated with the
//! worker's own zlib state into the worker's own cache of recently used objects, so threads
//! never wait on each other. Objects not in a pack (loose, quarantined, in a pack written after
//! the scan began) and anything the pack reader cannot parse come from libgit2.

use super::pack::{Entry, Kind, Pack, Packs};
use super::{Context, GitError};
use git2::{ObjectType, Oid, Repository};
use libdeflater::Decompressor as Decompress;
use std::rc::Rc;
use std::sync::Arc;

/// An object's bytes, shared with the cache.
pub type Bytes = Rc<Vec<u8>>;

/// Bytes of objects kept per worker for reuse (delta bases, and trees a neighbouring commit
/// reads again): what git's `core.deltaBaseCacheLimit` is for.
const CACHE_BYTES: usize = 16 << 20;
/// Longest delta chain followed before giving the object to libgit2 (git writes at most 4095).
const MAX_CHAIN: usize = 10_000;

/// Reads objects for one thread.
pub struct Objects {
    packs: Arc<Packs>,
    inflater: Decompress,
    cache: Cache,
}

impl Objects {
    /// A reader over `packs`.
    pub fn new(packs: Arc<Packs>) -> Objects {
        Objects {
            packs,
            inflater: Decompress::new(),
            cache: Cache::default(),
        }
    }

    /// Whether this reader reads from `packs`.
    pub fn reads(&self, packs: &Arc<Packs>) -> bool {
        Arc::ptr_eq(&self.packs, packs)
    }

    /// The root tree of commit `id`: from the commit-graph when it holds the commit, else
    /// from the commit itself.
    pub fn tree_of(&mut self, repo: &Repository, id: Oid) -> Result<Oid, GitError> {
        if let Some(tree) = self.packs.graph.as_ref().and_then(|g| g.tree_of(&id)) {
            return Ok(tree);
        }
        let raw = self.read(repo, id, Kind::Commit)?;
        super::object::commit_tree(id, &raw)
    }

    /// The object `id` when one of the packs holds it and the pack reader can resolve it,
    /// without asking libgit2 (so tests can tell the two apart).
    #[doc(hidden)]
    pub fn packed(&mut self, id: Oid) -> Option<(Kind, Bytes)> {
        let (pack, offset) = self.packs.find(id.as_bytes())?;
        self.read_packed(pack, offset, false)
    }

    /// The object `id`, which must be of kind `kind`.
    pub fn read(&mut self, repo: &Repository, id: Oid, kind: Kind) -> Result<Bytes, GitError> {
        if let Some((pack, offset)) = self.packs.find(id.as_bytes())
            && let Some((found, bytes)) = self.read_packed(pack, offset, kind == Kind::Tree)
        {
            return if found == kind {
                Ok(bytes)
            } else {
                Err(wrong_kind(id, kind))
            };
        }
        let odb = repo
            .odb()
            .context(|| "cannot open the object database".into())?;
        let object = odb
            .read(id)
            .context(|| format!("cannot read object {id}"))?;
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
    fn read_packed(&mut self, pack: usize, offset: u64, keep: bool) -> Option<(Kind, Bytes)> {
        if let Some(hit) = self.cache.get(pack, offset) {
            return Some(hit);
        }
        let p = self.packs.packs.get(pack)?;
        let mut deltas: Vec<(u64, usize, usize)> = Vec::new(); // (offset, size, data_at)
        let mut at = offset;
        let (kind, mut bytes) = loop {
            if deltas.len() > MAX_CHAIN {
                return None;
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
                    break (
                        kind,
                        Rc::new(inflate(&mut self.inflater, p, data_at, size)?),
                    );
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
                    at = p.find(&base)?;
                }
            }
        };
        if deltas.is_empty() {
            if keep {
                self.cache.put(pack, offset, kind, bytes.clone());
            }
            return Some((kind, bytes));
        }
        self.cache.put(pack, at, kind, bytes.clone());
        while let Some((delta_at, size, data_at)) = deltas.pop() {
            let delta = inflate(&mut self.inflater, p, data_at, size)?;
            bytes = Rc::new(apply_delta(&bytes, &delta)?);
            if !deltas.is_empty() || keep {
                self.cache.put(pack, delta_at, kind, bytes.clone());
            }
        }
        Some((kind, bytes))
    }
}

fn wrong_kind(id: Oid, kind: Kind) -> GitError {
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

/// Inflate exactly `size` bytes from the zlib stream at `data_at`. The two-byte zlib header
/// is checked and the deflate data inflated raw: the Adler-32 trailer is not verified (git
/// does not rely on it either; objects are named by their hash).
fn inflate(inflater: &mut Decompress, pack: &Pack, data_at: usize, size: usize) -> Option<Vec<u8>> {
    let input = pack.deflated(data_at)?;
    let (&cmf, &flg) = (input.first()?, input.get(1)?);
    let valid = cmf & 0x0f == 8 && cmf >> 4 <= 7 && flg & 0x20 == 0;
    if !valid || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return None;
    }
    let mut out = vec![0u8; size];
    let written = inflater.deflate_decompress(&input[2..], &mut out).ok()?;
    (written == size).then_some(out)
}

/// Apply a git delta (source size, target size, then copy and insert instructions) to `base`.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0usize;
    let source_size = varint(delta, &mut at)?;
    let target_size = varint(delta, &mut at)?;
    if source_size != base.len() {
        return None;
    }
    let mut out = Vec::with_capacity(target_size);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy from the base: which offset and size bytes follow is in the low 7 bits.
            let mut field = |bits: u8, shifts: &[u32]| -> Option<usize> {
                let mut v = 0usize;
                for (i, shift) in shifts.iter().enumerate() {
                    if bits & (1 << i) != 0 {
                        v |= (*delta.get(at)? as usize) << shift;
                        at += 1;
                    }
                }
                Some(v)
            };
            let copy_at = field(op & 0x0f, &[0, 8, 16, 24])?;
            let mut len = field((op >> 4) & 0x07, &[0, 8, 16])?;
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(copy_at..copy_at.checked_add(len)?)?);
        } else if op != 0 {
            let len = op as usize;
            out.extend_from_slice(delta.get(at..at + len)?);
            at += len;
        } else {
            return None; // reserved instruction
        }
        if out.len() > target_size {
            return None;
        }
    }
    (out.len() == target_size).then_some(out)
}

/// A delta header size: little-endian base-128.
fn varint(data: &[u8], at: &mut usize) -> Option<usize> {
    let mut value = 0usize;
    let mut shift = 0u32;
    loop {
        let byte = *data.get(*at)?;
        *at += 1;
        value |= ((byte & 0x7f) as usize).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_copies_and_inserts() {
        let base = b"hello, world";
        // Source 12 bytes, target 10: copy 7 bytes from offset 0, then insert 3 bytes.
        let delta = [12, 10, 0x90, 7, 3, b'y', b'o', b'u'];
        assert_eq!(
            apply_delta(base, &delta).as_deref(),
            Some(&b"hello, you"[..])
        );
    }

    #[test]
    fn bad_deltas_are_refused() {
        let base = b"abc";
        assert_eq!(
            apply_delta(base, &[4, 1, 1, b'x']),
            None,
            "wrong source size"
        );
        assert_eq!(apply_delta(base, &[3, 2, 0]), None, "reserved op");
        assert_eq!(
            apply_delta(base, &[3, 4, 0x91, 2, 2]),
            None,
            "copy past the base"
        );
        assert_eq!(
            apply_delta(base, &[3, 1, 2, b'x', b'y']),
            None,
            "longer than said"
        );
        assert_eq!(
            apply_delta(base, &[3, 2, 1, b'x']),
            None,
            "shorter than said"
        );
        assert_eq!(
            apply_delta(base, &[3, 2, 5, b'x']),
            None,
            "insert past the end"
        );
        assert_eq!(apply_delta(base, &[0x83]), None, "truncated header");
    }

    #[test]
    fn delta_copy_of_size_zero_means_64k() {
        let base = vec![7u8; 0x10000];
        // 0x10000 = [0x80, 0x80, 0x04] in base-128.
        let delta = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80];
        assert_eq!(apply_delta(&base, &delta), Some(base.clone()));
    }
}
