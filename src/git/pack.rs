//! Reading objects straight out of pack files (index version 2, pack version 2 or 3), the way
//! git itself does: the index maps an id to an offset, the entry there is inflated, and delta
//! chains are resolved against their bases. This is what lets worker threads read commits and
//! trees without sharing libgit2's per-pack locks. It only ever reads, and it believes nothing
//! the pack says until the bytes bear it out: zlib streams are checked to their Adler-32, and
//! a size from an entry header allocates nothing until the stream has produced that much.
//! What it cannot read is reported with the reason, and the caller asks libgit2 instead.
//!
//! The parsers here take plain bytes ([`parse_entry`], [`inflate`]), so they can be fuzzed
//! without a repository.

use super::ahead::Ahead;
use super::bytes::{SHA1_LEN, be32, be64, fanout_find};
use super::commitgraph::CommitGraph;
use libdeflater::{DecompressionError, Decompressor};
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
    /// The `.pack` file, for messages.
    path: PathBuf,
}

impl Pack {
    /// Open `pack-X.idx` and its `pack-X.pack`; `None` unless both are there and well formed.
    fn open(idx_path: &Path) -> Option<Pack> {
        let idx = map(idx_path)?;
        let path = idx_path.with_extension("pack");
        let data = map(&path)?;
        let count = index_count(&idx)?;
        let version = be32(&data, 4)?;
        if data.get(0..4)? != b"PACK" || !(version == 2 || version == 3) {
            return None;
        }
        // As git's `open_packed_git_1`: the pack holds as many objects as its index lists,
        // and ends with the checksum the index recorded for it (compared, not recomputed).
        let trailer = data.get(data.len().checked_sub(SHA1_LEN)?..)?;
        let recorded = idx.get(idx.len() - 2 * SHA1_LEN..idx.len() - SHA1_LEN)?;
        if be32(&data, 8)? != count || trailer != recorded {
            return None;
        }
        Some(Pack {
            idx,
            data,
            count,
            path,
        })
    }

    /// Offset of the object `id` in this pack.
    pub(crate) fn find(&self, id: &[u8]) -> Option<u64> {
        index_find(&self.idx, self.count, id)
    }

    /// The entry header at `offset`.
    pub(crate) fn entry(&self, offset: u64) -> Result<Entry, String> {
        parse_entry(&self.data, offset)
    }

    /// The deflated bytes from `at` to the end of the pack's objects (the stream ends itself).
    pub(crate) fn deflated(&self, at: usize) -> Result<&[u8], String> {
        objects_part(&self.data)?
            .get(at..)
            .ok_or_else(|| format!("offset {at} is beyond the end of the pack"))
    }

    /// The pack's file name, for messages.
    pub(crate) fn name(&self) -> std::borrow::Cow<'_, str> {
        self.path
            .file_name()
            .unwrap_or(self.path.as_os_str())
            .to_string_lossy()
    }
}

/// How many objects a version-2 pack index lists, when it is well formed as git's
/// `check_packed_git_idx` checks it: header, a fan-out that never decreases, and room for the
/// tables it announces.
pub(crate) fn index_count(idx: &[u8]) -> Option<u32> {
    if idx.get(0..8)? != b"\xfftOc\x00\x00\x00\x02" {
        return None; // version 1 indexes predate 2006 git: leave them to libgit2
    }
    let mut previous = 0;
    for i in 0..256 {
        let n = be32(idx, IDX_HEADER + i * 4)?;
        if n < previous {
            return None;
        }
        previous = n;
    }
    // ids, CRCs and 32-bit offsets, then the two trailing checksums.
    let tables = (previous as usize).checked_mul(SHA1_LEN + 8)?;
    (idx.len() >= IDX_HEADER + FANOUT_LEN + tables + 2 * SHA1_LEN).then_some(previous)
}

/// Offset of the object `id` in the pack a version-2 index `idx` of `count` objects
/// describes.
pub(crate) fn index_find(idx: &[u8], count: u32, id: &[u8]) -> Option<u64> {
    let oids = IDX_HEADER + FANOUT_LEN;
    let i = fanout_find(idx, IDX_HEADER, oids, count, id)? as usize;
    let n = count as usize;
    let small = oids + n * (SHA1_LEN + 4);
    let off = be32(idx, small + i * 4)?;
    if off & 0x8000_0000 == 0 {
        return Some(u64::from(off));
    }
    // Offsets past 2 GiB live in a table of 64-bit values after the 32-bit ones.
    let large = small + n * 4 + (off & 0x7fff_ffff) as usize * 8;
    be64(idx, large)
}

/// A pack without its trailing checksum: the last 20 bytes are never object data.
fn objects_part(pack: &[u8]) -> Result<&[u8], String> {
    pack.get(..pack.len().saturating_sub(SHA1_LEN))
        .filter(|p| p.len() > 12)
        .ok_or_else(|| "the pack is truncated".to_string())
}

/// The entry header at `offset` of the pack `pack` (all of its bytes, header and trailing
/// checksum included): kind, size and where the deflated data starts, as git's
/// `unpack_object_header_buffer` and `get_delta_base` read them.
pub(crate) fn parse_entry(pack: &[u8], offset: u64) -> Result<Entry, String> {
    let data = objects_part(pack)?;
    let truncated = || format!("the entry at offset {offset} is truncated");
    let start = usize::try_from(offset)
        .ok()
        .filter(|&at| at >= 12 && at < data.len())
        .ok_or_else(|| format!("offset {offset} is beyond the end of the pack"))?;
    let mut at = start;
    let mut byte = *data.get(at).ok_or_else(truncated)?;
    at += 1;
    let code = (byte >> 4) & 7;
    let mut size = u64::from(byte & 0x0f);
    let mut shift = 4u32;
    while byte & 0x80 != 0 {
        byte = *data.get(at).ok_or_else(truncated)?;
        at += 1;
        size |= shifted(byte, shift)
            .ok_or_else(|| format!("the entry at offset {offset} has a size over 64 bits"))?;
        shift += 7;
    }
    // The size only says how much to expect; `inflate` checks it against the stream.
    let size = usize::try_from(size)
        .map_err(|_| format!("the entry at offset {offset} claims {size} bytes"))?;
    match code {
        OFS_DELTA => {
            // Big-endian base-128 with an implicit +1 per continuation byte.
            let mut byte = *data.get(at).ok_or_else(truncated)?;
            at += 1;
            let mut distance = u64::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                byte = *data.get(at).ok_or_else(truncated)?;
                at += 1;
                distance = distance
                    .checked_add(1)
                    .and_then(|d| d.checked_mul(128))
                    .and_then(|d| d.checked_add(u64::from(byte & 0x7f)))
                    .ok_or_else(|| {
                        format!("the delta at offset {offset} has a base offset over 64 bits")
                    })?;
            }
            // The base comes before the delta, after the pack header (git: "delta base offset
            // out of bound").
            let base = offset
                .checked_sub(distance)
                .filter(|&b| b >= 12 && distance > 0)
                .ok_or_else(|| {
                    format!("the delta at offset {offset} names a base out of bounds")
                })?;
            Ok(Entry::OfsDelta {
                base,
                size,
                data_at: at,
            })
        }
        REF_DELTA => {
            let base = data
                .get(at..at + SHA1_LEN)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(truncated)?;
            Ok(Entry::RefDelta {
                base,
                size,
                data_at: at + SHA1_LEN,
            })
        }
        code => Ok(Entry::Base {
            kind: Kind::from_code(code).ok_or_else(|| {
                format!("the entry at offset {offset} has the unknown type {code}")
            })?,
            size,
            data_at: at,
        }),
    }
}

/// The 7 bits of `byte` moved up by `shift`, when no bit falls off a `u64`.
pub(crate) fn shifted(byte: u8, shift: u32) -> Option<u64> {
    let bits = u64::from(byte & 0x7f);
    let moved = bits.checked_shl(shift)?;
    (moved >> shift == bits).then_some(moved)
}

/// Deflate expands nothing more than 1032 to 1 (a 258-byte match per two bits), so a
/// stream of `n` bytes can never produce more than this many.
const MAX_EXPANSION: usize = 1032;
/// Output first tried for a stream: most commits and trees fit, and a size claimed beyond it
/// is only believed as the stream proves it.
const FIRST_OUTPUT: usize = 64 << 10;

/// Inflate exactly `size` bytes from the zlib stream at the start of `input`, as git's
/// `unpack_compressed_entry` does: the zlib header and the Adler-32 of the output are checked
/// (zlib's "incorrect data check"), and the stream must end with exactly `size` bytes.
/// Bytes after the stream are ignored, as they are the next entry.
///
/// `size` comes from the pack, so nothing is allocated from it alone: output is tried at
/// 64 KiB and grown fourfold only while the stream fills it, so memory follows what the
/// stream really produces (at most about four times over), never what a header claims.
pub(crate) fn inflate(
    inflater: &mut Decompressor,
    input: &[u8],
    size: usize,
) -> Result<Vec<u8>, String> {
    if size > input.len().saturating_mul(MAX_EXPANSION).saturating_add(64) {
        return Err(format!(
            "its header claims {size} bytes, more than the {} bytes after it can inflate to",
            input.len()
        ));
    }
    let mut room = size.min(FIRST_OUTPUT);
    loop {
        let mut out = Vec::new();
        out.try_reserve_exact(room)
            .map_err(|_| format!("cannot allocate {room} bytes to inflate it"))?;
        out.resize(room, 0);
        match inflater.zlib_decompress(input, &mut out) {
            Ok(n) if n == size => return Ok(out),
            Ok(n) => {
                return Err(format!(
                    "it inflates to {n} bytes where its header says {size}"
                ));
            }
            Err(DecompressionError::InsufficientSpace) if room < size => {
                room = room.saturating_mul(4).min(size);
            }
            Err(DecompressionError::InsufficientSpace) => {
                return Err(format!(
                    "it inflates to more than the {size} bytes its header says"
                ));
            }
            Err(DecompressionError::BadData) => {
                return Err(
                    "its zlib data is corrupt (incorrect data check or invalid stream)".into(),
                );
            }
        }
    }
}

/// Every pack of an object database and of its alternates, shared by all worker threads,
/// with the commit-graph when one is used (it knows each commit's root tree).
pub struct Packs {
    pub(crate) packs: Vec<Pack>,
    pub(crate) graph: Option<Arc<CommitGraph>>,
    /// Commits read ahead of the walk by idle threads.
    pub(crate) ahead: Ahead,
}

impl Packs {
    /// The packs under `objects` (and the alternates it names, as git follows them).
    pub(crate) fn open(objects: &Path, graph: Option<Arc<CommitGraph>>) -> Packs {
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
        Packs {
            packs,
            graph,
            ahead: Ahead::default(),
        }
    }

    /// Read one commit a walk over these packs wants ahead, as a scan thread with nothing
    /// else to do does; false when none is wanted.
    #[doc(hidden)]
    pub fn read_ahead(&self, objects: &mut super::Objects) -> bool {
        self.ahead.read_one(objects)
    }

    /// How many commits walks over these packs took read ahead (for tests).
    #[doc(hidden)]
    pub fn taken_ahead(&self) -> u64 {
        self.ahead.taken()
    }

    /// Let go of the pack pages mapped so far (they stay in the page cache, and come back on
    /// the next read). Without this a long scan's resident memory grows with every page it
    /// ever touched, as with git's `core.packedGitLimit`; call it every so many commits.
    #[allow(unsafe_code)]
    pub(crate) fn release_pages(&self) {
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
