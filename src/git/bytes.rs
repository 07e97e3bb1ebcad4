//! Reading git's binary on-disk tables (commit-graph, pack index): big-endian integers and
//! the 256-entry fan-out in front of a sorted table of object ids. Every read is bounds
//! checked and answers `None` past the end, so a truncated file can never panic.

pub(crate) const SHA1_LEN: usize = 20;

/// Lowercase hexadecimal, two digits a byte (digests, ids, bytes kept in state files).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        data.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

pub(crate) fn be64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        data.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Position of `id` in a sorted table of `count` ids at `oids`, narrowed by the fan-out at
/// `fanout` (entry `b`: how many ids start with a byte `<= b`).
pub(crate) fn fanout_find(
    data: &[u8],
    fanout: usize,
    oids: usize,
    count: u32,
    id: &[u8],
) -> Option<u32> {
    let first = *id.first()? as usize;
    let lo = if first == 0 {
        0
    } else {
        be32(data, fanout + (first - 1) * 4)?
    };
    let hi = be32(data, fanout + first * 4)?;
    let (mut lo, mut hi) = (lo as usize, (hi.min(count)) as usize);
    let key = u64::from_be_bytes(id.get(..8)?.try_into().ok()?);
    let prefix = |i: usize| -> Option<u64> {
        let at = oids + i * SHA1_LEN;
        Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
    };
    // Ids are hashes, so evenly spread: guessing the position from the value (as git does)
    // finds an id in a few probes where halving takes a dozen cache misses. A few guesses,
    // then plain halving, so no layout can make this slow.
    let mut guesses = 4;
    while lo < hi {
        let mid = if guesses > 0 && hi - lo > 8 {
            guesses -= 1;
            let (first, last) = (prefix(lo)?, prefix(hi - 1)?);
            if key < first || key > last {
                return None;
            }
            let span = u128::from(last - first).max(1);
            let step = u128::from(key - first) * (hi - 1 - lo) as u128 / span;
            lo + usize::try_from(step).ok()?.min(hi - 1 - lo)
        } else {
            lo + (hi - lo) / 2
        };
        let at = oids + mid * SHA1_LEN;
        let here = data.get(at..at + SHA1_LEN)?;
        match prefix(mid)?.cmp(&key).then_with(|| here[8..].cmp(&id[8..])) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return u32::try_from(mid).ok(),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `n` sorted ids (spread like hashes, or bunched when `bunched`) behind a
    /// fan-out, as pack indexes and commit-graphs lay them out.
    fn table(n: usize, bunched: bool) -> (Vec<u8>, Vec<[u8; 20]>) {
        let mut ids: Vec<[u8; 20]> = (0..n as u64)
            .map(|i| {
                let v = if bunched {
                    i
                } else {
                    i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                };
                let mut id = [0u8; 20];
                id[..8].copy_from_slice(&v.to_be_bytes());
                id[12..20].copy_from_slice(&(!v).to_be_bytes());
                id
            })
            .collect();
        ids.sort();
        let mut data = Vec::new();
        for b in 0..256usize {
            let upto = ids.iter().filter(|id| (id[0] as usize) <= b).count() as u32;
            data.extend_from_slice(&upto.to_be_bytes());
        }
        for id in &ids {
            data.extend_from_slice(id);
        }
        (data, ids)
    }

    #[test]
    fn every_id_is_found_and_no_other() {
        for bunched in [false, true] {
            let (data, ids) = table(5000, bunched);
            let n = ids.len() as u32;
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(fanout_find(&data, 0, 1024, n, id), Some(i as u32));
                let mut other = *id;
                other[19] ^= 1;
                assert_eq!(fanout_find(&data, 0, 1024, n, &other), None);
            }
            assert_eq!(fanout_find(&data, 0, 1024, n, &[0xff; 20]), None);
            assert_eq!(fanout_find(&data, 0, 1024, n, &[0; 20]), None);
        }
    }

    #[test]
    fn truncated_tables_answer_none() {
        let (data, ids) = table(100, false);
        let n = ids.len() as u32;
        let cut = &data[..data.len() - 30];
        for id in &ids {
            let _ = fanout_find(cut, 0, 1024, n, id);
        }
        assert_eq!(fanout_find(&data[..500], 0, 1024, n, &ids[0]), None);
    }
}
