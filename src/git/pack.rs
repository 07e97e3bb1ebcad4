//! Reading objects straight out of pack files (index version 2, pack version 2 or 3), the way
//! git itself does: the index maps an id to an offset, the entry there is inflated, and delta
//! chains are resolved against their bases. This is what lets worker threads read commits and
//! trees without sharing libgit2's per-pack locks. It only ever reads: anything it cannot
//! parse is reported as `None` and the caller asks libgit2 instead, so an odd pack costs speed,
//! never a wrong answer.

use super::bytes::{SHA1_LEN, be32, be64, fanout_find};
use super::commitgraph::CommitGraph;
use memmap2::Mmap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Object kinds as a pack numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A commit.
    Commit = 1,
    /// A tree.
    Tree = 2,
    /// A blob.
    Blob = 3,
    /// An annotated tag.
    Tag = 4,
}

impl Kind {
    fn from_code(code: u8) -> Option<Kind> {
        Some(match code {
            1 => Kind::Commit,
            2 => Kind::Tree,
            3 => Kind::Blob,
            4 => Kind::Tag,
            _ => return None,
        })
    }
}

const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;
const IDX_HEADER: usize = 8;
const FANOUT_LEN: usize = 256 * 4;

/// What the entry at an offset holds before inflation.
pub(crate) enum Entry {
    /// A whole object of `size` bytes, deflated from `data_at`.
    Base {
        kind: Kind,
        size: usize,
        data_at: usize,
    },
    /// A delta against the entry at `base` in the same pack.
    OfsDelta {
        base: u64,
        size: usize,
        data_at: usize,
    },
    /// A delta against the object with id `base` (wherever it is).
    RefDelta {
        base: [u8; SHA1_LEN],
        size: usize,
        data_at: usize,
    },
}

/// One pack and its index, mapped read-only.
pub(crate) struct Pack {
    idx: Mmap,
    data: Mmap,
    count: u32,
}

impl Pack {
    /// Open `pack-X.idx` and its `pack-X.pack`; `None` unless both are there and well formed.
    fn open(idx_path: &Path) -> Option<Pack> {
        let idx = map(idx_path)?;
        let data = map(&idx_path.with_extension("pack"))?;
        if idx.get(0..8)? != b"\xfftOc\x00\x00\x00\x02" {
            return None; // version 1 indexes predate 2006 git: leave them to libgit2
        }
        let count = be32(&idx, IDX_HEADER + 255 * 4)?;
        // ids, CRCs and 32-bit offsets, then the two trailing checksums.
        let tables = (count as usize).checked_mul(SHA1_LEN + 8)?;
        if idx.len() < IDX_HEADER + FANOUT_LEN + tables + 2 * SHA1_LEN {
            return None;
        }
        let version = be32(&data, 4)?;
        if data.get(0..4)? != b"PACK" || !(version == 2 || version == 3) {
            return None;
        }
        Some(Pack { idx, data, count })
    }

    /// Offset of the object `id` in this pack.
    pub(crate) fn find(&self, id: &[u8]) -> Option<u64> {
        let oids = IDX_HEADER + FANOUT_LEN;
        let i = fanout_find(&self.idx, IDX_HEADER, oids, self.count, id)? as usize;
        let n = self.count as usize;
        let small = oids + n * (SHA1_LEN + 4);
        let off = be32(&self.idx, small + i * 4)?;
        if off & 0x8000_0000 == 0 {
            return Some(u64::from(off));
        }
        // Offsets past 2 GiB live in a table of 64-bit values after the 32-bit ones.
        let large = small + n * 4 + (off & 0x7fff_ffff) as usize * 8;
        be64(&self.idx, large)
    }

    /// The entry header at `offset`.
    pub(crate) fn entry(&self, offset: u64) -> Option<Entry> {
        let mut at = usize::try_from(offset).ok()?;
        let mut byte = *self.data.get(at)?;
        at += 1;
        let code = (byte >> 4) & 7;
        let mut size = (byte & 0x0f) as usize;
        let mut shift = 4u32;
        while byte & 0x80 != 0 {
            byte = *self.data.get(at)?;
            at += 1;
            size |= ((byte & 0x7f) as usize).checked_shl(shift)?;
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
        match code {
            OFS_DELTA => {
                // Big-endian base-128 with an implicit +1 per continuation byte.
                let mut byte = *self.data.get(at)?;
                at += 1;
                let mut distance = u64::from(byte & 0x7f);
                while byte & 0x80 != 0 {
                    byte = *self.data.get(at)?;
                    at += 1;
                    distance = distance
                        .checked_add(1)?
                        .checked_mul(128)?
                        .checked_add(u64::from(byte & 0x7f))?;
                }
                let base = offset.checked_sub(distance).filter(|&b| b > 0)?;
                Some(Entry::OfsDelta {
                    base,
                    size,
                    data_at: at,
                })
            }
            REF_DELTA => {
                let base = self.data.get(at..at + SHA1_LEN)?.try_into().ok()?;
                Some(Entry::RefDelta {
                    base,
                    size,
                    data_at: at + SHA1_LEN,
                })
            }
            code => Some(Entry::Base {
                kind: Kind::from_code(code)?,
                size,
                data_at: at,
            }),
        }
    }

    /// The deflated bytes from `at` to the end of the pack (the stream ends itself).
    pub(crate) fn deflated(&self, at: usize) -> Option<&[u8]> {
        // The last 20 bytes are the pack's checksum, never object data.
        self.data.get(at..self.data.len().checked_sub(SHA1_LEN)?)
    }
}

/// Every pack of an object database and of its alternates, shared by all worker threads,
/// with the commit-graph when one is used (it knows each commit's root tree).
pub struct Packs {
    pub(crate) packs: Vec<Pack>,
    pub(crate) graph: Option<Arc<CommitGraph>>,
}

impl Packs {
    /// The packs under `objects` (and the alternates it names, as git follows them).
    pub fn open(objects: &Path, graph: Option<Arc<CommitGraph>>) -> Packs {
        let mut dirs = Vec::new();
        collect_object_dirs(objects, 0, &mut dirs);
        let mut packs = Vec::new();
        for dir in dirs {
            let Ok(listing) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            let mut idx: Vec<PathBuf> = listing
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            idx.sort();
            packs.extend(idx.iter().filter_map(|p| Pack::open(p)));
        }
        Packs { packs, graph }
    }

    /// Let go of the pack pages mapped so far (they stay in the page cache, and come back on
    /// the next read). Without this a long scan's resident memory grows with every page it
    /// ever touched, as with git's `core.packedGitLimit`; call it every so many commits.
    #[allow(unsafe_code)]
    pub fn release_pages(&self) {
        for p in &self.packs {
            // SAFETY: the map is read-only and never written, so dropping its pages cannot
            // lose anything: the next access maps the same, unchanging file bytes again.
            let _ = unsafe { p.data.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }

    /// Which pack holds `id`, and where.
    pub(crate) fn find(&self, id: &[u8]) -> Option<(usize, u64)> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(i, p)| p.find(id).map(|off| (i, off)))
    }
}

/// `objects` and, depth first, the directories its `info/alternates` names (relative ones
/// from `objects`), to the depth git allows.
fn collect_object_dirs(objects: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    const MAX_ALTERNATE_DEPTH: usize = 5;
    let dir = std::fs::canonicalize(objects).unwrap_or_else(|_| objects.to_path_buf());
    if out.contains(&dir) {
        return;
    }
    out.push(dir.clone());
    if depth >= MAX_ALTERNATE_DEPTH {
        return;
    }
    let Ok(text) = std::fs::read_to_string(dir.join("info/alternates")) else {
        return;
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        collect_object_dirs(&dir.join(line), depth + 1, out);
    }
}

/// Map a whole file read-only; `None` when it cannot be opened or is empty.
#[allow(unsafe_code)]
fn map(path: &Path) -> Option<Mmap> {
    let file = File::open(path).ok()?;
    if file.metadata().ok()?.len() == 0 {
        return None;
    }
    // SAFETY: git writes pack and index files under a temporary name, renames them into place
    // and never changes them again; a pack that gc deletes stays valid while mapped. So the
    // bytes cannot change under the map, which is what `Mmap::map` requires (git and libgit2
    // map packs on the same grounds).
    unsafe { Mmap::map(&file) }.ok()
}
