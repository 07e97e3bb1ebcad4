//! Byte-level entry points for fuzzing the readers of git's binary formats: one function per
//! target, taking any bytes. Where a reader needs a container (a pack entry needs a pack and
//! its index, a delta needs a base), the smallest valid one is built around the input, so
//! the fuzzer spends its time on the reader and not on the wrapping. Used by the coverage-
//! guided harness under `fuzz/afl/` and by the test that replays the committed corpus; not
//! part of the supported API.

use super::commitgraph::CommitGraph;
use super::object::{next_entry, parse_commit, parse_links};
use super::objects::Objects;
use super::pack::Packs;
use super::tree::changed_between;
use git2::{ObjectType, Oid, Repository};
use std::cell::RefCell;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// Every target, by the name the harness and the corpus directories use.
pub const TARGETS: [&str; 6] = [
    "pack-index",
    "pack-entry",
    "delta",
    "commit-graph",
    "tree-entries",
    "commit-header",
];

/// Feed `data` to `target`'s reader. `Ok(false)` for an unknown target; `Err` only when the
/// container around the input cannot be written (the reader then did not run).
pub fn run(target: &str, data: &[u8]) -> io::Result<bool> {
    match target {
        "pack-index" => pack_index(data)?,
        "pack-entry" => pack_entry(data)?,
        "delta" => delta(data)?,
        "commit-graph" => commit_graph(data)?,
        "tree-entries" => tree_entries(data)?,
        "commit-header" => commit_header(data),
        _ => return Ok(false),
    }
    Ok(true)
}

/// `data` as a pack index (`.idx`, whole file) in front of a small valid pack holding a blob
/// and a delta against it; every id the index lists (up to 32) and the pack's own ids are
/// looked up and read.
pub fn pack_index(data: &[u8]) -> io::Result<()> {
    let (pack, _) = delta_pack(&SAMPLE_DELTA);
    with_scratch(|s| {
        let mut objects = Objects::new(s.packs(data, &pack)?);
        // The id table follows the 8-byte header and the 1 KiB fan-out; the fixed ids reach
        // the fan-out's first and last ranges and the pack's own objects.
        let listed = (0..32).filter_map(|i| data.get(1032 + i * 20..1052 + i * 20));
        let fixed = [[0; 20], [0xff; 20], ENTRY_ID, base_id_bytes()];
        for id in listed.chain(fixed.iter().map(|id| &id[..])) {
            if let Ok(id) = Oid::from_bytes(id) {
                let _ = objects.packed(id);
            }
        }
        Ok(())
    })
}

/// `data` as the raw bytes of a pack entry (type-and-size header, then the deflated object or
/// delta) placed after a blob entry it can name as its base, by offset or by id; the entry
/// and the blob are read through the pack reader.
pub fn pack_entry(data: &[u8]) -> io::Result<()> {
    let base = blob_entry();
    let entry_at = PACK_HEADER + base.len() as u64;
    let pack = pack_file(&[&base, data]);
    let index = index_file(&mut [(base_id_bytes(), PACK_HEADER), (ENTRY_ID, entry_at)]);
    read_all(&index, &pack)
}

/// `data` as the instructions of a delta (source size, target size, copies and inserts),
/// stored deflated in an offset delta against a blob, and read through the pack reader.
pub fn delta(data: &[u8]) -> io::Result<()> {
    let (pack, index) = delta_pack(data);
    read_all(&index, &pack)
}

/// `data` as a repository's `objects/info/commit-graph`: opened, then every commit it holds
/// (up to 256) read by position and by id, with its parents and root tree.
pub fn commit_graph(data: &[u8]) -> io::Result<()> {
    with_scratch(|s| {
        let info = s.objects().join("info");
        std::fs::create_dir_all(&info)?;
        std::fs::write(info.join("commit-graph"), data)?;
        let Some(graph) = CommitGraph::open(&s.objects()) else {
            return Ok(());
        };
        for pos in 0..graph.commits().min(256) {
            if let Some((_, _, parents)) = graph.commit_at(pos) {
                for p in parents.into_iter().take(8) {
                    let _ = graph.oid_at(p);
                }
            }
            if let Some(id) = graph.oid_at(pos) {
                let _ = graph.position(id.as_bytes());
                let _ = graph.tree_of(&id);
            }
        }
        Ok(())
    })
}

/// `data` as a raw tree: its entries parsed one by one, then the tree compared with a small
/// valid tree by the changed-paths walk, both read from a pack under their real ids.
pub fn tree_entries(data: &[u8]) -> io::Result<()> {
    let mut at = 0;
    while let Some(Ok(_)) = next_entry(data, &mut at) {}

    let blob = b"x\n";
    let blob_id = Oid::hash_object(ObjectType::Blob, blob).map_err(io::Error::other)?;
    let sub = tree_row(b"100644", b"f", blob_id);
    let sub_id = Oid::hash_object(ObjectType::Tree, &sub).map_err(io::Error::other)?;
    let mut parent = tree_row(b"100644", b"a", blob_id);
    parent.append(&mut tree_row(b"40000", b"d", sub_id));
    let parent_id = Oid::hash_object(ObjectType::Tree, &parent).map_err(io::Error::other)?;
    let tree_id = Oid::hash_object(ObjectType::Tree, data).map_err(io::Error::other)?;

    let entries = [
        zlib_entry(KIND_BLOB, blob),
        zlib_entry(KIND_TREE, &sub),
        zlib_entry(KIND_TREE, &parent),
        zlib_entry(KIND_TREE, data),
    ];
    let refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let pack = pack_file(&refs);
    let mut rows = Vec::new();
    let mut at = PACK_HEADER;
    for (id, entry) in [blob_id, sub_id, parent_id, tree_id].iter().zip(&entries) {
        rows.push((id_bytes(*id), at));
        at += entry.len() as u64;
    }
    rows.sort();
    rows.dedup_by_key(|r| r.0);
    let index = index_file(&mut rows);
    with_scratch(|s| {
        let mut objects = Objects::new(s.packs(&index, &pack)?);
        let all = |_: &[u8]| true;
        let _ = changed_between(
            &s.repo,
            &mut objects,
            tree_id,
            &[Some(parent_id)],
            &all,
            &all,
        );
        let _ = changed_between(&s.repo, &mut objects, tree_id, &[], &all, &all);
        Ok(())
    })
}

/// `data` as a raw commit: its headers, identities, dates and message parsed as a scan does.
pub fn commit_header(data: &[u8]) {
    let _ = parse_commit(Oid::zero(), data);
    let _ = parse_links(data);
}

const PACK_HEADER: u64 = 12;
const KIND_TREE: u8 = 2;
const KIND_BLOB: u8 = 3;
const OFS_DELTA: u8 = 6;
/// The id the index gives the entry under test (any id will do: the reader trusts the index).
const ENTRY_ID: [u8; 20] = [0x5a; 20];

/// The blob every delta is based on: text, so copies and inserts both make sense.
const BASE: &[u8] = b"tree and blob\nparent commit\nauthor committer\nCo-authored-by: x\n";
/// A valid delta against [`BASE`] (63 bytes): copy "tree", insert "s!".
const SAMPLE_DELTA: [u8; 7] = [63, 6, 0x90, 4, 2, b's', b'!'];

fn base_id() -> Oid {
    Oid::hash_object(ObjectType::Blob, BASE).unwrap_or_else(|_| Oid::zero())
}

fn base_id_bytes() -> [u8; 20] {
    id_bytes(base_id())
}

fn id_bytes(id: Oid) -> [u8; 20] {
    let mut out = [0u8; 20];
    out.copy_from_slice(id.as_bytes());
    out
}

fn blob_entry() -> Vec<u8> {
    zlib_entry(KIND_BLOB, BASE)
}

/// A pack of the base blob and an offset delta against it whose instructions are `delta`,
/// with its index (the delta under [`ENTRY_ID`]).
fn delta_pack(delta: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let base = blob_entry();
    let mut entry = entry_header(OFS_DELTA, delta.len());
    entry.extend(ofs_distance(base.len() as u64));
    entry.extend(zlib(delta));
    let entry_at = PACK_HEADER + base.len() as u64;
    let pack = pack_file(&[&base, &entry]);
    let index = index_file(&mut [(base_id_bytes(), PACK_HEADER), (ENTRY_ID, entry_at)]);
    (pack, index)
}

/// Read every object `index` lists from `pack`.
fn read_all(index: &[u8], pack: &[u8]) -> io::Result<()> {
    with_scratch(|s| {
        let mut objects = Objects::new(s.packs(index, pack)?);
        let _ = objects.packed(Oid::from_bytes(&ENTRY_ID).unwrap_or_else(|_| Oid::zero()));
        let _ = objects.packed(base_id());
        Ok(())
    })
}

fn tree_row(mode: &[u8], name: &[u8], id: Oid) -> Vec<u8> {
    let mut row = [mode, b" ", name, b"\0"].concat();
    row.extend_from_slice(id.as_bytes());
    row
}

/// An entry header: type in bits 4–6 of the first byte, size in base-128 little-endian.
fn entry_header(kind: u8, size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    let mut rest = size >> 4;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
    out
}

/// An offset delta's distance to its base, in git's big-endian base-128 with an implicit +1
/// per continuation byte.
fn ofs_distance(mut distance: u64) -> Vec<u8> {
    let mut out = vec![(distance & 0x7f) as u8];
    distance >>= 7;
    while distance > 0 {
        distance -= 1;
        out.push(0x80 | (distance & 0x7f) as u8);
        distance >>= 7;
    }
    out.reverse();
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
    let mut out = vec![0u8; c.zlib_compress_bound(data.len())];
    let n = c.zlib_compress(data, &mut out).unwrap_or(0);
    out.truncate(n);
    out
}

fn zlib_entry(kind: u8, data: &[u8]) -> Vec<u8> {
    let mut entry = entry_header(kind, data.len());
    entry.extend(zlib(data));
    entry
}

/// A version-2 pack of `entries`; the trailing checksum is left zero.
fn pack_file(entries: &[&[u8]]) -> Vec<u8> {
    let mut out = b"PACK\0\0\0\x02".to_vec();
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for e in entries {
        out.extend_from_slice(e);
    }
    out.extend_from_slice(&[0; 20]);
    out
}

/// A version-2 index of `rows` (id, offset): fan-out, sorted ids, CRCs, offsets, checksums
/// (CRCs and checksums left zero).
fn index_file(rows: &mut [([u8; 20], u64)]) -> Vec<u8> {
    rows.sort();
    let mut out = b"\xfftOc\0\0\0\x02".to_vec();
    for b in 0..=255u8 {
        let upto = rows.iter().filter(|(id, _)| id[0] <= b).count() as u32;
        out.extend_from_slice(&upto.to_be_bytes());
    }
    for (id, _) in rows.iter() {
        out.extend_from_slice(id);
    }
    out.extend(std::iter::repeat_n(0u8, rows.len() * 4));
    for (_, at) in rows.iter() {
        out.extend_from_slice(&(*at as u32).to_be_bytes());
    }
    out.extend_from_slice(&[0; 40]);
    out
}

/// A directory to write containers into, with an empty repository for the readers that fall
/// back to libgit2; one per thread, made on first use.
struct Scratch {
    dir: tempfile::TempDir,
    repo: Repository,
}

impl Scratch {
    fn new() -> io::Result<Scratch> {
        let dir = tempfile::tempdir()?;
        let repo = Repository::init_bare(dir.path().join("repo")).map_err(io::Error::other)?;
        std::fs::create_dir_all(dir.path().join("objects/pack"))?;
        Ok(Scratch { dir, repo })
    }

    fn objects(&self) -> std::path::PathBuf {
        self.dir.path().join("objects")
    }

    /// The packs of a database holding just `index` and `pack`.
    fn packs(&self, index: &[u8], pack: &[u8]) -> io::Result<Arc<Packs>> {
        let dir = self.objects().join("pack");
        write(&dir.join("pack-fuzz.idx"), index)?;
        write(&dir.join("pack-fuzz.pack"), pack)?;
        Ok(Arc::new(Packs::open(&self.objects(), None)))
    }
}

fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    std::fs::write(path, bytes)
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

fn with_scratch(f: impl FnOnce(&Scratch) -> io::Result<()>) -> io::Result<()> {
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(Scratch::new()?);
        }
        match slot.as_ref() {
            Some(s) => f(s),
            None => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_containers_are_valid_so_the_readers_reach_the_input() {
        // An offset delta copying "tree" and inserting "s!" resolves to "trees!".
        assert_eq!(BASE.len(), usize::from(SAMPLE_DELTA[0]));
        let (pack, index) = delta_pack(&SAMPLE_DELTA);
        with_scratch(|s| {
            let mut objects = Objects::new(s.packs(&index, &pack)?);
            let id = Oid::from_bytes(&ENTRY_ID).unwrap();
            let (_, bytes) = objects.packed(id).expect("the delta resolves");
            assert_eq!(bytes.as_slice(), b"trees!");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn offsets_encode_as_git_writes_them() {
        assert_eq!(ofs_distance(127), [0x7f]);
        assert_eq!(ofs_distance(128), [0x80, 0x00]);
        assert_eq!(entry_header(3, 15), [0x3f]);
        assert_eq!(entry_header(3, 16), [0xb0, 0x01]);
    }

    #[test]
    fn every_target_runs() {
        for t in TARGETS {
            assert!(run(t, b"").unwrap(), "{t}");
        }
        assert!(!run("nope", b"").unwrap());
    }
}
