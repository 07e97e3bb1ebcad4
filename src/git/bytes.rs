//! Reading git's binary on-disk tables (commit-graph, pack index): big-endian integers and
//! the 256-entry fan-out in front of a sorted table of object ids. Every read is bounds
//! checked and answers `None` past the end, so a truncated file can never panic.

pub(crate) const SHA1_LEN: usize = 20;

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
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let at = oids + mid * SHA1_LEN;
        match data.get(at..at + SHA1_LEN)?.cmp(id) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return u32::try_from(mid).ok(),
        }
    }
    None
}
