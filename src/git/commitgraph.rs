//! A reader for git's commit-graph files (`objects/info/commit-graph` and split chains under
//! `objects/info/commit-graphs/`): parents and committer dates without inflating commits,
//! which is what makes walking a large history cheap. A file is used only when its trailing
//! SHA-1 checksum verifies and its chunks are exactly as the format says; otherwise the walk
//! reads commits instead and the reason is given. Nothing here can panic.

use super::ObjectId;
use super::bytes::{SHA1_LEN, be32, be64, fanout_find};
use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};

const NO_PARENT: u32 = 0x7000_0000;
const EXTRA_EDGES: u32 = 0x8000_0000;
const CDAT_WIDTH: usize = SHA1_LEN + 16;

/// One graph file: its commits and where its chunks are.
struct Layer {
    data: Vec<u8>,
    count: u32,
    /// Position of this layer's first commit in the whole chain.
    base: u32,
    fanout: usize,
    oids: usize,
    cdat: usize,
    edges: Option<(usize, usize)>,
}

/// Parents and dates of the commits a repository's commit-graph holds.
pub(crate) struct CommitGraph {
    layers: Vec<Layer>,
}

impl CommitGraph {
    /// The commit-graph of the object database at `objects`: `Ok(None)` when there is none,
    /// `Err` with the reason when there is one that must not be used.
    pub(crate) fn open(objects: &Path) -> Result<Option<CommitGraph>, String> {
        let info = objects.join("info");
        // (file, the checksum its name promises)
        let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
        let chain_path = info.join("commit-graphs/commit-graph-chain");
        if let Ok(chain) = std::fs::read_to_string(&chain_path) {
            for line in chain.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let file = info.join(format!("commit-graphs/graph-{line}.graph"));
                files.push((file, Some(line.to_ascii_lowercase())));
            }
            if files.is_empty() {
                return Err(format!("{} names no graph file", chain_path.display()));
            }
        } else {
            let file = info.join("commit-graph");
            if !file.exists() {
                return Ok(None);
            }
            files.push((file, None));
        }
        let mut layers: Vec<Layer> = Vec::new();
        let mut base = 0u32;
        for (file, named) in files {
            let data =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let seen = Verified::of(&file, &data);
            if !seen.as_ref().is_some_and(Verified::known) {
                verify_checksum(&data, named.as_deref())
                    .map_err(|why| format!("{} {why}", file.display()))?;
                if let Some(seen) = seen {
                    seen.remember();
                }
            }
            let layer = Layer::parse(data, base, layers.len())
                .map_err(|why| format!("{} {why}", file.display()))?;
            base = base
                .checked_add(layer.count)
                .ok_or_else(|| format!("{} holds too many commits", file.display()))?;
            layers.push(layer);
        }
        Ok(Some(CommitGraph { layers }))
    }

    /// A graph of one file's bytes, checked as [`CommitGraph::open`] checks a file.
    pub(crate) fn from_bytes(data: Vec<u8>) -> Result<CommitGraph, String> {
        verify_checksum(&data, None)?;
        let layer = Layer::parse(data, 0, 0)?;
        Ok(CommitGraph {
            layers: vec![layer],
        })
    }

    /// Committer time and parents of `id`, when the graph holds it.
    #[cfg(test)]
    pub(crate) fn lookup(&self, id: &ObjectId) -> Option<(i64, Vec<ObjectId>)> {
        let (_, time, parents) = self.commit_at(self.position(id.as_bytes())?)?;
        let ids = parents.iter().map(|&p| self.oid_at(p));
        Some((time, ids.collect::<Option<Vec<ObjectId>>>()?))
    }

    /// The root tree of `id`, when the graph holds it (the first field of its CDAT row).
    pub(crate) fn tree_of(&self, id: &ObjectId) -> Option<ObjectId> {
        let pos = self.position(id.as_bytes())?;
        let l = self.layer_of(pos)?;
        let at = l.cdat + (pos - l.base) as usize * CDAT_WIDTH;
        ObjectId::from_bytes(l.data.get(at..at + SHA1_LEN)?)
    }

    /// How many commits the graph holds: positions are `0..commits()`.
    pub(crate) fn commits(&self) -> u32 {
        self.layers.last().map_or(0, |l| l.base + l.count)
    }

    /// Where the graph holds `id`.
    pub(crate) fn position(&self, id: &[u8]) -> Option<u32> {
        self.layers
            .iter()
            .find_map(|l| l.find(id).map(|i| l.base + i))
    }

    fn layer_of(&self, pos: u32) -> Option<&Layer> {
        self.layers
            .iter()
            .find(|l| pos >= l.base && pos - l.base < l.count)
    }

    /// The id of the commit at `pos`.
    pub(crate) fn oid_at(&self, pos: u32) -> Option<ObjectId> {
        let l = self.layer_of(pos)?;
        let i = (pos - l.base) as usize;
        ObjectId::from_bytes(
            l.data
                .get(l.oids + i * SHA1_LEN..l.oids + (i + 1) * SHA1_LEN)?,
        )
    }

    /// The commit at `pos`: its id, committer time and its parents' positions, which a walk
    /// follows without searching for them.
    pub(crate) fn commit_at(&self, pos: u32) -> Option<(ObjectId, i64, Vec<u32>)> {
        let l = self.layer_of(pos)?;
        let at = l.cdat + (pos - l.base) as usize * CDAT_WIDTH + SHA1_LEN;
        let p1 = be32(&l.data, at)?;
        let p2 = be32(&l.data, at + 4)?;
        let hi = be32(&l.data, at + 8)?;
        let lo = be32(&l.data, at + 12)?;
        // 34-bit commit time: the low two bits of the generation word, then 32 bits.
        let time = (((hi & 0x3) as i64) << 32) | lo as i64;
        let mut parents = Vec::new();
        if p1 != NO_PARENT {
            parents.push(p1);
        }
        if p2 != NO_PARENT {
            if p2 & EXTRA_EDGES == 0 {
                parents.push(p2);
            } else {
                let (start, len) = l.edges?;
                let mut i = (p2 & !EXTRA_EDGES) as usize;
                loop {
                    let off = start + i * 4;
                    if off + 4 > start + len {
                        return None;
                    }
                    let e = be32(&l.data, off)?;
                    parents.push(e & !EXTRA_EDGES);
                    if e & EXTRA_EDGES != 0 {
                        break;
                    }
                    i += 1;
                }
            }
        }
        // A parent must be a commit of the graph, or the file is not what it claims to be.
        if parents.iter().any(|&p| p >= self.commits()) {
            return None;
        }
        Some((self.oid_at(pos)?, time, parents))
    }
}

/// A graph file whose checksum verified earlier in this run, known by its path, size,
/// modification time and stored checksum: a hook judging many refs opens the graph once per
/// ref, and hashes it once.
#[derive(PartialEq)]
struct Verified {
    path: PathBuf,
    len: usize,
    modified: Option<std::time::SystemTime>,
    checksum: Vec<u8>,
}

static VERIFIED: std::sync::Mutex<Vec<Verified>> = std::sync::Mutex::new(Vec::new());

impl Verified {
    fn of(path: &Path, data: &[u8]) -> Option<Verified> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Verified {
            path: path.to_path_buf(),
            len: data.len(),
            modified: meta.modified().ok(),
            checksum: data.get(data.len().checked_sub(SHA1_LEN)?..)?.to_vec(),
        })
    }

    fn known(&self) -> bool {
        self.modified.is_some() && VERIFIED.lock().is_ok_and(|v| v.contains(self))
    }

    fn remember(self) {
        if let Ok(mut v) = VERIFIED.lock() {
            v.push(self);
        }
    }
}

/// Check the SHA-1 of everything before the last 20 bytes against them (and against the
/// checksum the file's name promises, for a layer of a chain).
fn verify_checksum(data: &[u8], named: Option<&str>) -> Result<(), String> {
    let body_len = data
        .len()
        .checked_sub(SHA1_LEN)
        .ok_or("is too short to hold a checksum")?;
    let (body, stored) = data.split_at(body_len);
    if Sha1::digest(body).as_slice() != stored {
        return Err("has a wrong checksum".into());
    }
    let stored_hex = super::bytes::hex(stored);
    if named.is_some_and(|n| n != stored_hex) {
        return Err("has another checksum than its name in the chain".into());
    }
    Ok(())
}

impl Layer {
    fn parse(data: Vec<u8>, base: u32, bases_expected: usize) -> Result<Layer, String> {
        Layer::parse_chunks(data, base, bases_expected)
            .ok_or_else(|| "is not a version-1 SHA-1 commit-graph as the format says".into())
    }

    fn parse_chunks(data: Vec<u8>, base: u32, bases_expected: usize) -> Option<Layer> {
        if data.get(0..4)? != b"CGPH" || *data.get(4)? != 1 || *data.get(5)? != 1 {
            return None; // not a version-1 SHA-1 graph
        }
        let chunks = *data.get(6)? as usize;
        if *data.get(7)? as usize != bases_expected {
            return None;
        }
        let mut table = Vec::with_capacity(chunks + 1);
        for i in 0..=chunks {
            let at = 8 + i * 12;
            let id: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
            let off = usize::try_from(be64(&data, at + 4)?).ok()?;
            table.push((id, off));
        }
        let chunk = |name: &[u8; 4]| {
            let i = table.iter().position(|(id, _)| id == name)?;
            let (start, end) = (table[i].1, table.get(i + 1)?.1);
            (start <= end && end <= data.len()).then(|| (start, end - start))
        };
        let (fanout, fanout_len) = chunk(b"OIDF")?;
        let (oids, oids_len) = chunk(b"OIDL")?;
        let (cdat, cdat_len) = chunk(b"CDAT")?;
        let count = be32(&data, fanout + 255 * 4)?;
        let n = count as usize;
        if fanout_len != 256 * 4 || oids_len != n * SHA1_LEN || cdat_len != n * CDAT_WIDTH {
            return None;
        }
        let edges = chunk(b"EDGE");
        Some(Layer {
            data,
            count,
            base,
            fanout,
            oids,
            cdat,
            edges,
        })
    }

    /// Index of `id` in this layer.
    fn find(&self, id: &[u8]) -> Option<u32> {
        fanout_find(&self.data, self.fanout, self.oids, self.count, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal valid graph: `ids` (sorted), each with `(time, parent indices)`.
    fn graph_bytes(ids: &[[u8; 20]], data: &[(u64, Vec<u32>)]) -> Vec<u8> {
        let n = ids.len();
        let mut fanout = vec![0u32; 256];
        for id in ids {
            for slot in fanout.iter_mut().skip(id[0] as usize) {
                *slot += 1;
            }
        }
        let mut edges: Vec<u32> = Vec::new();
        let mut cdat = Vec::new();
        for (time, parents) in data {
            cdat.extend_from_slice(&[0u8; 20]);
            let p1 = parents.first().copied().unwrap_or(NO_PARENT);
            let p2 = match parents.len() {
                0 | 1 => NO_PARENT,
                2 => parents[1],
                _ => {
                    let at = edges.len() as u32;
                    for (i, p) in parents[1..].iter().enumerate() {
                        edges.push(if i == parents.len() - 2 {
                            p | EXTRA_EDGES
                        } else {
                            *p
                        });
                    }
                    at | EXTRA_EDGES
                }
            };
            cdat.extend_from_slice(&p1.to_be_bytes());
            cdat.extend_from_slice(&p2.to_be_bytes());
            cdat.extend_from_slice(&(((1u64 << 2) << 32) | time).to_be_bytes());
        }
        let chunks: Vec<(&[u8; 4], Vec<u8>)> = vec![
            (
                b"OIDF",
                fanout.iter().flat_map(|c| c.to_be_bytes()).collect(),
            ),
            (b"OIDL", ids.iter().flatten().copied().collect()),
            (b"CDAT", cdat),
            (
                b"EDGE",
                edges.iter().flat_map(|e| e.to_be_bytes()).collect(),
            ),
        ];
        let mut out = b"CGPH\x01\x01".to_vec();
        out.push(chunks.len() as u8);
        out.push(0);
        let mut off = 8 + (chunks.len() + 1) * 12;
        for (id, body) in &chunks {
            out.extend_from_slice(*id);
            out.extend_from_slice(&(off as u64).to_be_bytes());
            off += body.len();
        }
        out.extend_from_slice(&[0u8; 4]);
        out.extend_from_slice(&(off as u64).to_be_bytes());
        for (_, body) in &chunks {
            out.extend_from_slice(body);
        }
        assert_eq!(n, ids.len());
        out
    }

    /// `body` with its checksum appended, as git writes a graph file.
    fn signed(body: &[u8]) -> Vec<u8> {
        let mut file = body.to_vec();
        file.extend_from_slice(&Sha1::digest(body));
        file
    }

    /// Open `body` (signed) as a repository's commit-graph file.
    fn open_bytes(body: &[u8]) -> Option<CommitGraph> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("info")).unwrap();
        std::fs::write(dir.path().join("info/commit-graph"), signed(body)).unwrap();
        CommitGraph::open(dir.path()).ok().flatten()
    }

    #[test]
    fn a_graph_whose_checksum_does_not_verify_is_refused_with_the_reason() {
        let ids = [[1u8; 20], [2u8; 20]];
        let mut file = signed(&graph_bytes(&ids, &[(1, vec![]), (2, vec![0])]));
        assert!(CommitGraph::from_bytes(file.clone()).is_ok());
        let last = file.len() - 1;
        file[last] ^= 1;
        let err = CommitGraph::from_bytes(file).err().unwrap();
        assert!(err.contains("wrong checksum"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(CommitGraph::open(dir.path()), Ok(None)));
    }

    #[test]
    fn reads_parents_dates_and_octopus_edges() {
        let ids = [[1u8; 20], [2u8; 20], [3u8; 20], [4u8; 20]];
        let data = [
            (100, vec![]),
            (200, vec![0]),
            (300, vec![0, 1]),
            ((1u64 << 33) + 7, vec![0, 1, 2]),
        ];
        let g = open_bytes(&graph_bytes(&ids, &data)).expect("valid graph");
        let oid = |b: u8| ObjectId::from_bytes(&[b; 20]).unwrap();
        assert_eq!(g.lookup(&oid(1)), Some((100, vec![])));
        assert_eq!(g.lookup(&oid(3)), Some((300, vec![oid(1), oid(2)])));
        assert_eq!(
            g.lookup(&oid(4)),
            Some(((1i64 << 33) + 7, vec![oid(1), oid(2), oid(3)]))
        );
        assert_eq!(g.lookup(&oid(9)), None);
    }

    #[test]
    fn damaged_files_are_ignored_or_answer_nothing_never_panic() {
        let ids = [[1u8; 20], [2u8; 20], [3u8; 20]];
        let good = graph_bytes(&ids, &[(1, vec![]), (2, vec![0]), (3, vec![0, 1])]);
        let oid = |b: u8| ObjectId::from_bytes(&[b; 20]).unwrap();
        // Signed after the damage, so the damage reaches the chunk parser.
        let parse = |body: &[u8]| CommitGraph::from_bytes(signed(body)).ok();
        for cut in 0..good.len() {
            if let Some(g) = parse(&good[..cut]) {
                let _ = g.lookup(&oid(3));
            }
        }
        let mut state = 7u64;
        for _ in 0..2000 {
            let mut bad = good.clone();
            for _ in 0..3 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                let i = (state >> 33) as usize % bad.len();
                bad[i] = (state >> 20) as u8;
            }
            if let Some(g) = parse(&bad) {
                for b in 1..=3 {
                    let _ = g.lookup(&oid(b));
                }
            }
        }
    }
}
