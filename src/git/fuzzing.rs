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
use super::{ObjectId, Repo};
use git2::ObjectType;
use sha1::{Digest, Sha1};
use std::cell::RefCell;
use std::io;
use std::path::PathBuf;
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

/// Feed `data` to `target`'s reader; how many things it read (objects, commits, entries, ...),
/// which is how a test tells that a corpus reaches the reader rather than being refused at the
/// door. `Err` for an unknown target, or when the container around the input cannot be
/// written (the reader then did not run).
pub fn run(target: &str, data: &[u8]) -> io::Result<usize> {
    match target {
        "pack-index" => pack_index(data),
        "pack-entry" => pack_entry(data),
        "delta" => delta(data),
        "commit-graph" => commit_graph(data),
        "tree-entries" => tree_entries(data),
        "commit-header" => Ok(commit_header(data)),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unknown fuzz target {target}"),
        )),
    }
}

/// `data` as a pack index (`.idx`, whole file) in front of a small valid pack holding a blob
/// and a delta against it (its object count and checksum made to agree with the index); every
/// id the index lists (up to 32) and the pack's own ids are looked up and read.
pub(crate) fn pack_index(data: &[u8]) -> io::Result<usize> {
    let (mut pack, _) = delta_pack(&SAMPLE_DELTA);
    fit_pack_to_index(&mut pack, data);
    with_scratch(|s| {
        let mut objects = Objects::new(s.packs(data, &pack)?);
        // The id table follows the 8-byte header and the 1 KiB fan-out; the fixed ids reach
        // the fan-out's first and last ranges and the pack's own objects.
        let listed = (0..32).filter_map(|i| data.get(1032 + i * 20..1052 + i * 20));
        let fixed = [[0; 20], [0xff; 20], ENTRY_ID, base_id_bytes()];
        let ids = listed.chain(fixed.iter().map(|id| &id[..]));
        let ids = ids.filter_map(ObjectId::from_bytes);
        Ok(ids.filter(|&id| objects.packed(id).is_some()).count())
    })
}

/// `data` as the raw bytes of a pack entry (type-and-size header, then the deflated object or
/// delta) placed after a blob entry it can name as its base, by offset or by id; the entry
/// is read through the pack reader.
pub(crate) fn pack_entry(data: &[u8]) -> io::Result<usize> {
    let base = blob_entry();
    let entry_at = PACK_HEADER + base.len() as u64;
    let pack = pack_file(&[&base, data]);
    let index = index_file(&mut [(base_id_bytes(), PACK_HEADER), (ENTRY_ID, entry_at)]);
    read_entry(&index, &pack)
}

/// `data` as the instructions of a delta (source size, target size, copies and inserts),
/// stored deflated in an offset delta against a blob, and read through the pack reader.
pub(crate) fn delta(data: &[u8]) -> io::Result<usize> {
    let (pack, index) = delta_pack(data);
    read_entry(&index, &pack)
}

/// `data` as a commit-graph file, its trailing SHA-1 recomputed so that a changed byte
/// reaches the chunks instead of failing the checksum: opened, then every commit it holds (up
/// to 256) read by position and by id, with its parents and root tree.
pub(crate) fn commit_graph(data: &[u8]) -> io::Result<usize> {
    let mut file = data.to_vec();
    if let Some(body) = data.len().checked_sub(20) {
        let sum = Sha1::digest(&data[..body]);
        file[body..].copy_from_slice(&sum);
    }
    let Ok(graph) = CommitGraph::from_bytes(file) else {
        return Ok(0);
    };
    let mut read = 0;
    for pos in 0..graph.commits().min(256) {
        if let Some((_, _, parents)) = graph.commit_at(pos) {
            read += 1;
            for p in parents.into_iter().take(8) {
                let _ = graph.oid_at(p);
            }
        }
        if let Some(id) = graph.oid_at(pos) {
            let _ = graph.position(id.as_bytes());
            let _ = graph.tree_of(&id);
        }
    }
    Ok(read)
}

/// `data` as a raw tree: its entries parsed one by one, then the tree compared with a small
/// valid tree (a file `a` and a directory `d`) by the changed-paths walk, and with nothing,
/// each tree read from a pack under its real id.
pub(crate) fn tree_entries(data: &[u8]) -> io::Result<usize> {
    let mut at = 0;
    let mut read = 0;
    while let Some(Ok(_)) = next_entry(data, &mut at) {
        read += 1;
    }
    let Some(walk) = tree_walk(data)? else {
        return Ok(read);
    };
    Ok(read + walk)
}

/// The changed-paths walk of [`tree_entries`]: how many paths it found, `None` when it failed.
fn tree_walk(data: &[u8]) -> io::Result<Option<usize>> {
    let hash = |kind, bytes: &[u8]| hash_object(kind, bytes).map_err(io::Error::other);
    let blob: &[u8] = b"x\n";
    let blob_id = hash(ObjectType::Blob, blob)?;
    let sub = tree_row(b"100644", b"f", blob_id);
    let sub_id = hash(ObjectType::Tree, &sub)?;
    let parent = [
        tree_row(b"100644", b"a", blob_id),
        tree_row(b"40000", b"d", sub_id),
    ]
    .concat();
    let parent_id = hash(ObjectType::Tree, &parent)?;
    let tree_id = hash(ObjectType::Tree, data)?;

    let mut objects = vec![
        (blob_id, KIND_BLOB, blob),
        (sub_id, KIND_TREE, &sub[..]),
        (parent_id, KIND_TREE, &parent[..]),
    ];
    if objects.iter().all(|(id, _, _)| *id != tree_id) {
        objects.push((tree_id, KIND_TREE, data));
    }
    let entries: Vec<Vec<u8>> = objects.iter().map(|(_, k, b)| zlib_entry(*k, b)).collect();
    let mut rows = Vec::new();
    let mut at = PACK_HEADER;
    for ((id, _, _), entry) in objects.iter().zip(&entries) {
        rows.push((id_bytes(*id), at));
        at += entry.len() as u64;
    }
    let refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let pack = pack_file(&refs);
    let index = index_file(&mut rows);
    let mut found = None;
    with_scratch(|s| {
        let mut objects = Objects::new(s.packs(&index, &pack)?);
        let all = |_: &[u8]| true;
        let against_parent = changed_between(
            &s.repo,
            &mut objects,
            tree_id,
            &[Some(parent_id)],
            &all,
            &all,
        );
        let alone = changed_between(&s.repo, &mut objects, tree_id, &[], &all, &all);
        if let (Ok(a), Ok(b)) = (against_parent, alone) {
            found = Some(a.len() + b.len());
        }
        Ok(0)
    })?;
    Ok(found)
}

/// `data` as a raw commit: its links read as a walk reads them, and its headers, identities,
/// dates, encoding and message as a scan does; 1 when git would accept it as a commit.
pub(crate) fn commit_header(data: &[u8]) -> usize {
    let _ = parse_links(ObjectId::ZERO, data);
    usize::from(parse_commit(ObjectId::ZERO, data).is_ok())
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

fn base_id() -> ObjectId {
    hash_object(ObjectType::Blob, BASE).unwrap_or(ObjectId::ZERO)
}

/// The id git gives `bytes` as an object of `kind`.
fn hash_object(kind: ObjectType, bytes: &[u8]) -> Result<ObjectId, git2::Error> {
    git2::Oid::hash_object(kind, bytes).map(ObjectId::from_oid)
}

fn base_id_bytes() -> [u8; 20] {
    id_bytes(base_id())
}

fn id_bytes(id: ObjectId) -> [u8; 20] {
    *id.as_bytes()
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

/// Read the entry under test ([`ENTRY_ID`]) from `pack`: 1 when it resolves.
fn read_entry(index: &[u8], pack: &[u8]) -> io::Result<usize> {
    with_scratch(|s| {
        let mut objects = Objects::new(s.packs(index, pack)?);
        let id = ObjectId::from_bytes(&ENTRY_ID)
            .ok_or_else(|| io::Error::other("the entry id is not 20 bytes"))?;
        Ok(usize::from(objects.packed(id).is_some()))
    })
}

/// Make `pack` agree with what `index` says of it, as a pack must to be opened: the object
/// count (the fan-out's last entry) and the pack checksum the index records.
fn fit_pack_to_index(pack: &mut [u8], index: &[u8]) {
    if let Some(count) = index.get(8 + 255 * 4..8 + 256 * 4) {
        pack[8..12].copy_from_slice(count);
    }
    if let Some(recorded) = index
        .len()
        .checked_sub(40)
        .and_then(|at| index.get(at..at + 20))
    {
        let at = pack.len() - 20;
        pack[at..].copy_from_slice(recorded);
    }
}

fn tree_row(mode: &[u8], name: &[u8], id: ObjectId) -> Vec<u8> {
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
    repo: Repo,
}

impl Scratch {
    fn new() -> io::Result<Scratch> {
        let dir = tempfile::tempdir()?;
        let raw = git2::Repository::init_bare(dir.path().join("repo")).map_err(io::Error::other)?;
        let repo = Repo {
            raw,
            from_env: false,
        };
        std::fs::create_dir_all(dir.path().join("objects/pack"))?;
        Ok(Scratch { dir, repo })
    }

    fn objects(&self) -> PathBuf {
        self.dir.path().join("objects")
    }

    /// The packs of a database holding just `index` and `pack`.
    fn packs(&self, index: &[u8], pack: &[u8]) -> io::Result<Arc<Packs>> {
        let dir = self.objects().join("pack");
        std::fs::write(dir.join("pack-fuzz.idx"), index)?;
        std::fs::write(dir.join("pack-fuzz.pack"), pack)?;
        Ok(Arc::new(Packs::open(&self.objects(), None)))
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

fn with_scratch(f: impl FnOnce(&Scratch) -> io::Result<usize>) -> io::Result<usize> {
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(Scratch::new()?);
        }
        match slot.as_ref() {
            Some(s) => f(s),
            None => Ok(0),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delta_container_is_valid_so_the_reader_reaches_the_input() {
        // An offset delta copying "tree" and inserting "s!" resolves to "trees!".
        assert_eq!(BASE.len(), usize::from(SAMPLE_DELTA[0]));
        let (pack, index) = delta_pack(&SAMPLE_DELTA);
        with_scratch(|s| {
            let mut objects = Objects::new(s.packs(&index, &pack)?);
            let id = ObjectId::from_bytes(&ENTRY_ID).unwrap();
            let (_, bytes) = objects.packed(id).expect("the delta resolves");
            assert_eq!(bytes.as_slice(), b"trees!");
            Ok(0)
        })
        .unwrap();
        assert_eq!(delta(&SAMPLE_DELTA).unwrap(), 1);
    }

    #[test]
    fn every_container_lets_a_valid_input_through() {
        let (_, index) = delta_pack(&SAMPLE_DELTA);
        assert_eq!(
            pack_index(&index).unwrap(),
            4,
            "both objects, listed and fixed"
        );
        let mut entry = entry_header(KIND_BLOB, 5);
        entry.extend(zlib(b"hello"));
        assert_eq!(pack_entry(&entry).unwrap(), 1);
        let x = hash_object(ObjectType::Blob, b"x\n").unwrap();
        let y = hash_object(ObjectType::Blob, b"y\n").unwrap();
        // Against the parent tree `a` changed, `b` came and `d/f` went; `a` and `b` against
        // nothing.
        let tree = [tree_row(b"100644", b"a", y), tree_row(b"100644", b"b", x)].concat();
        assert_eq!(tree_walk(&tree).unwrap(), Some(5));
        assert_eq!(tree_entries(&tree).unwrap(), 2 + 5);
        let commit = format!("tree {}\n\nsubject\n", ObjectId::ZERO);
        assert_eq!(commit_header(commit.as_bytes()), 1);
    }

    #[test]
    fn offsets_encode_as_git_writes_them() {
        assert_eq!(ofs_distance(127), [0x7f]);
        assert_eq!(ofs_distance(128), [0x80, 0x00]);
        assert_eq!(entry_header(3, 15), [0x3f]);
        assert_eq!(entry_header(3, 16), [0xb0, 0x01]);
    }

    #[test]
    fn every_target_runs_and_no_other() {
        for t in TARGETS {
            assert!(run(t, b"").is_ok(), "{t}");
        }
        assert!(run("nope", b"").is_err());
    }
}
