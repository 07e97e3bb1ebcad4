//! [`ObjectId`]: the id of a git object (a SHA-1), as the rest of the crate sees it. Only
//! this layer converts it to and from libgit2's own id type.

use std::fmt;
use std::str::FromStr;

/// A git object id: the 20 bytes of a SHA-1, shown as 40 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectId([u8; 20]);

/// Hashes the first 8 bytes only: ids are SHA-1s, so those bytes are as good a hash input as
/// all 20, and a walk hashes every id it meets. Sets and maps keep the standard library's
/// keyed hasher, so ids chosen by someone else still spread (finding two ids that share 64
/// bits is far beyond a pusher's means), and equality still compares all 20 bytes.
impl std::hash::Hash for ObjectId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let [a, b, c, d, e, f, g, h, ..] = self.0;
        state.write_u64(u64::from_ne_bytes([a, b, c, d, e, f, g, h]));
    }
}

/// Text that is not an object id in hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an object id: {0}")]
pub struct InvalidObjectId(&'static str);

impl ObjectId {
    /// The all-zero id git uses for "no object".
    pub(crate) const ZERO: ObjectId = ObjectId([0; 20]);

    /// The id of these 20 raw bytes; `None` for any other length.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<ObjectId> {
        Some(ObjectId(bytes.try_into().ok()?))
    }

    /// Parse hex as libgit2 does: at most 40 digits of either case, a shorter prefix padded
    /// with zeros (so an abbreviated id can be looked up by prefix).
    pub fn from_hex(hex: &str) -> Result<ObjectId, InvalidObjectId> {
        if hex.is_empty() {
            return Err(InvalidObjectId("too short"));
        }
        if hex.len() > 40 {
            return Err(InvalidObjectId("too long"));
        }
        let mut bytes = [0u8; 20];
        for (i, c) in hex.bytes().enumerate() {
            let digit = (c as char)
                .to_digit(16)
                .ok_or(InvalidObjectId("contains invalid characters"))?;
            // Two digits a byte, the first in the high half.
            let shift = if i % 2 == 0 { 4 } else { 0 };
            bytes[i / 2] |= (digit as u8) << shift;
        }
        Ok(ObjectId(bytes))
    }

    /// Exactly 40 hex digits (either case), as a commit's `tree` and `parent` lines hold
    /// them; `None` otherwise. A pair of table lookups a byte: every commit has a few.
    pub(crate) fn from_hex40(hex: &[u8]) -> Option<ObjectId> {
        const INVALID: u8 = 0xff;
        const NIBBLE: [u8; 256] = {
            let mut t = [INVALID; 256];
            let mut i = 0;
            while i < 10 {
                t[b'0' as usize + i] = i as u8;
                i += 1;
            }
            let mut i = 0;
            while i < 6 {
                t[b'a' as usize + i] = 10 + i as u8;
                t[b'A' as usize + i] = 10 + i as u8;
                i += 1;
            }
            t
        };
        let hex: &[u8; 40] = hex.try_into().ok()?;
        let mut bytes = [0u8; 20];
        let mut bad = 0u8;
        for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
            let (hi, lo) = (NIBBLE[usize::from(pair[0])], NIBBLE[usize::from(pair[1])]);
            bad |= hi | lo;
            *byte = hi << 4 | (lo & 0x0f);
        }
        // Valid nibbles are below 16; the invalid marker has the high bits set.
        (bad & 0xf0 == 0).then_some(ObjectId(bytes))
    }

    /// The 20 raw bytes.
    pub(crate) fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Whether this is the all-zero id.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 20]
    }

    pub(super) fn from_oid(oid: git2::Oid) -> ObjectId {
        // A libgit2 SHA-1 id is always 20 bytes.
        ObjectId::from_bytes(oid.as_bytes()).unwrap_or(ObjectId::ZERO)
    }

    pub(super) fn oid(self) -> git2::Oid {
        // Twenty bytes are always a valid libgit2 id.
        git2::Oid::from_bytes(&self.0).unwrap_or_else(|_| git2::Oid::zero())
    }
}

impl ObjectId {
    /// The 40 lowercase hex digits, without the formatting machinery: every record of a scan
    /// holds a few ids.
    pub(crate) fn to_hex(self) -> String {
        // Hex digits are ASCII: one copy, no per-character encoding.
        std::str::from_utf8(&self.hex_digits()).map_or_else(|_| String::new(), str::to_owned)
    }

    fn hex_digits(&self) -> [u8; 40] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 40];
        for (pair, b) in hex.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
        }
        hex
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ASCII digits were written.
        f.pad(std::str::from_utf8(&self.hex_digits()).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for ObjectId {
    type Err = InvalidObjectId;

    fn from_str(hex: &str) -> Result<ObjectId, InvalidObjectId> {
        ObjectId::from_hex(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_hex_digits_parse_in_either_case_and_nothing_else_does() {
        let hex = "0123456789abcdef0123456789ABCDEF01234567";
        assert_eq!(
            ObjectId::from_hex40(hex.as_bytes()),
            ObjectId::from_hex(hex).ok()
        );
        for bad in [
            "0123456789abcdef0123456789ABCDEF0123456g",
            "0123456789abcdef0123456789ABCDEF0123456",
            " 123456789abcdef0123456789ABCDEF01234567",
            "0123456789abcdef0123456789ABCDEF012345670",
        ] {
            assert_eq!(ObjectId::from_hex40(bad.as_bytes()), None, "{bad}");
        }
        for b in 0..=255u8 {
            let mut hex = *b"0123456789abcdef0123456789abcdef01234567";
            hex[7] = b;
            assert_eq!(
                ObjectId::from_hex40(&hex).is_some(),
                b.is_ascii_hexdigit(),
                "byte {b}"
            );
        }
    }

    #[test]
    fn hex_round_trips_and_parses_like_libgit2() {
        let hex = "0123456789abcdef0123456789ABCDEF01234567";
        let id = ObjectId::from_hex(hex).unwrap();
        assert_eq!(id.to_string(), hex.to_lowercase());
        assert_eq!(id.oid().to_string(), id.to_string());
        assert_eq!(id.to_hex(), id.to_string());
        assert_eq!(ObjectId::from_oid(id.oid()), id);
        for text in ["", "g", &"0".repeat(41), "abc", "12345"] {
            assert_eq!(
                ObjectId::from_hex(text).ok(),
                git2::Oid::from_str(text).ok().map(ObjectId::from_oid),
                "{text:?}"
            );
        }
        assert!(ObjectId::ZERO.is_zero());
        assert!(ObjectId::from_bytes(&[1; 19]).is_none());
    }
}
