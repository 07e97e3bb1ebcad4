//! git's delta format (a pack entry that rebuilds an object from a base): the base and
//! result sizes, then copy and insert instructions, as git's `patch_delta` applies them. Both
//! sizes come from the pack, so the result grows only by what the instructions produce and
//! is refused the moment it would pass the size the delta declared.

use super::pack::shifted;

/// Apply the delta `delta` to `base`.
pub(crate) fn apply_delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, String> {
    let mut at = 0usize;
    let source_size = varint(delta, &mut at)?;
    let target_size = varint(delta, &mut at)?;
    if source_size != base.len() as u64 {
        return Err(format!(
            "the delta is for a base of {source_size} bytes, its base has {}",
            base.len()
        ));
    }
    // The declared size is reserved only as far as the delta can plausibly make it (its base
    // and its own bytes): a delta of a few bytes may claim any size.
    let likely = (base.len() as u64).saturating_add(delta.len() as u64);
    let mut out = Vec::new();
    out.try_reserve(usize::try_from(target_size.min(likely)).unwrap_or(0))
        .map_err(|_| "cannot allocate the delta's result".to_string())?;
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        let piece = if op & 0x80 != 0 {
            // Copy from the base: which offset and size bytes follow is in the low 7 bits.
            let mut field = |bits: u8, count: u32| -> Result<usize, String> {
                let mut v = 0usize;
                for i in 0..count {
                    if bits & (1 << i) != 0 {
                        let byte = *delta.get(at).ok_or("the delta is truncated")?;
                        v |= usize::from(byte) << (8 * i);
                        at += 1;
                    }
                }
                Ok(v)
            };
            let copy_at = field(op & 0x0f, 4)?;
            let len = match field((op >> 4) & 0x07, 3)? {
                0 => 0x10000,
                n => n,
            };
            copy_at
                .checked_add(len)
                .and_then(|end| base.get(copy_at..end))
                .ok_or("the delta copies from beyond its base")?
        } else if op != 0 {
            let len = usize::from(op);
            let piece = delta
                .get(at..at + len)
                .ok_or("the delta inserts beyond its end")?;
            at += len;
            piece
        } else {
            return Err("the delta uses the reserved instruction 0".into());
        };
        if (out.len() + piece.len()) as u64 > target_size {
            return Err(format!(
                "the delta makes more than the {target_size} bytes it declares"
            ));
        }
        out.try_reserve(piece.len())
            .map_err(|_| "cannot allocate the delta's result".to_string())?;
        out.extend_from_slice(piece);
    }
    if out.len() as u64 != target_size {
        return Err(format!(
            "the delta makes {} bytes where it declares {target_size}",
            out.len()
        ));
    }
    Ok(out)
}

/// A delta header size: little-endian base-128, at most 64 bits.
fn varint(data: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    let mut shift = 0u32;
    loop {
        let byte = *data.get(*at).ok_or("the delta header is truncated")?;
        *at += 1;
        value |= shifted(byte, shift).ok_or("a delta header size is over 64 bits")?;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
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
        assert_eq!(apply_delta(base, &delta).as_deref(), Ok(&b"hello, you"[..]));
    }

    #[test]
    fn bad_deltas_are_refused() {
        let base = b"abc";
        let refused: &[(&[u8], &str)] = &[
            (&[4, 1, 1, b'x'], "wrong source size"),
            (&[3, 2, 0], "reserved op"),
            (&[3, 4, 0x91, 2, 2], "copy past the base"),
            (&[3, 1, 2, b'x', b'y'], "longer than said"),
            (&[3, 2, 1, b'x'], "shorter than said"),
            (&[3, 2, 5, b'x'], "insert past the end"),
            (&[0x83], "truncated header"),
            (&[0x91, 0x80], "truncated copy"),
            (
                &[
                    3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
                ],
                "size over 64 bits",
            ),
        ];
        for (delta, why) in refused {
            assert!(apply_delta(base, delta).is_err(), "{why}");
        }
    }

    #[test]
    fn a_huge_declared_result_allocates_nothing_up_front() {
        // Declares 2^62 bytes, then makes one: refused as short, without reserving 2^62.
        let mut delta = vec![3];
        delta.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
        delta.extend_from_slice(&[1, b'x']);
        assert!(apply_delta(b"abc", &delta).is_err());
    }

    #[test]
    fn delta_copy_of_size_zero_means_64k() {
        let base = vec![7u8; 0x10000];
        // 0x10000 = [0x80, 0x80, 0x04] in base-128.
        let delta = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80];
        assert_eq!(apply_delta(&base, &delta), Ok(base.clone()));
    }
}
