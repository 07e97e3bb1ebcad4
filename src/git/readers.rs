//! The binary readers on plain bytes, for fuzzing and tests: pack index, pack entry header and
//! its zlib stream, delta, commit-graph and tree entries. Each takes bytes nobody checked and
//! must answer (a value or an error) without panicking, aborting or allocating from a size the
//! bytes have not borne out.

use super::commitgraph::CommitGraph;
use super::pack::{Entry, index_count, index_find, inflate as inflate_exact, parse_entry};
use libdeflater::Decompressor;
use sha1::{Digest, Sha1};

/// The offset a version-2 pack index gives for `id`.
pub fn pack_index(idx: &[u8], id: &[u8]) -> Option<u64> {
    index_find(idx, index_count(idx)?, id)
}

/// The entry at `offset` of the pack `pack` (header to trailing checksum), inflated (a delta
/// is inflated, not applied).
pub fn pack_entry(pack: &[u8], offset: u64) -> Result<Vec<u8>, String> {
    let (size, data_at) = match parse_entry(pack, offset)? {
        Entry::Base { size, data_at, .. }
        | Entry::OfsDelta { size, data_at, .. }
        | Entry::RefDelta { size, data_at, .. } => (size, data_at),
    };
    let end = pack.len().saturating_sub(20);
    let input = pack.get(data_at..end).ok_or("the entry is truncated")?;
    inflate_exact(&mut Decompressor::new(), input, size)
}

/// Inflate exactly `size` bytes from the zlib stream at the start of `input`.
pub fn inflate(input: &[u8], size: usize) -> Result<Vec<u8>, String> {
    inflate_exact(&mut Decompressor::new(), input, size)
}

/// Apply a git delta to `base`.
pub fn delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, String> {
    super::delta::apply_delta(base, delta)
}

/// Open a commit-graph file and read every commit it holds. With `sign`, `bytes` is the file
/// without its checksum and the right one is appended, so a fuzzer reaches the chunk parser.
pub fn commit_graph(bytes: &[u8], sign: bool) -> Result<u32, String> {
    let mut file = bytes.to_vec();
    if sign {
        file.extend_from_slice(&Sha1::digest(bytes));
    }
    let graph = CommitGraph::from_bytes(file)?;
    let mut readable = 0;
    for pos in 0..graph.commits() {
        if let Some((id, _, _)) = graph.commit_at(pos) {
            let _ = graph.tree_of(&id);
            if graph.position(id.as_bytes()) == Some(pos) {
                readable += 1;
            }
        }
    }
    Ok(readable)
}

/// The entries of a raw tree: how many, or the offset of the first malformed one.
pub fn tree_entries(tree: &[u8]) -> Result<usize, usize> {
    let mut at = 0;
    let mut count = 0;
    while let Some(entry) = super::object::next_entry(tree, &mut at) {
        entry?;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_gives_answers_not_panics() {
        let mut state = 11u64;
        for len in [0usize, 1, 12, 33, 64, 300, 2000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (state >> 33) as u8
                })
                .collect();
            let _ = pack_index(&bytes, &[0; 20]);
            for offset in [0, 12, 13, u64::MAX] {
                let _ = pack_entry(&bytes, offset);
            }
            let _ = inflate(&bytes, usize::MAX);
            let _ = delta(&bytes, &bytes);
            let _ = commit_graph(&bytes, true);
            let _ = tree_entries(&bytes);
        }
    }
}
