//! Parsing raw commit and tree objects as git reads them: header lines, identities split by
//! git's own rules (`split_ident_line`), the message after the first blank line, and tree
//! entries with git's canonical modes.

use crate::facts::{CommitFacts, Signature};
use git2::Oid;

/// A commit as the scan needs it: its place in history, and what the engine reads.
pub struct ParsedCommit {
    /// Id, tree and parents.
    pub shape: CommitShape,
    /// What the engine reads.
    pub facts: CommitFacts,
}

/// What a commit's changed paths depend on.
pub struct CommitShape {
    /// Its id.
    pub id: Oid,
    /// Its root tree (`None` only in a commit without a valid `tree` line).
    pub tree: Option<Oid>,
    /// Parents, in order.
    pub parents: Vec<Oid>,
}

/// A commit's header fields and message, as slices of the raw object.
struct Header<'a> {
    tree: Option<Oid>,
    parents: Vec<Oid>,
    author: Option<&'a [u8]>,
    committer: Option<&'a [u8]>,
    encoding: Option<&'a [u8]>,
    message: &'a [u8],
}

fn header(raw: &[u8]) -> Header<'_> {
    let (lines, message) = match find(raw, b"\n\n") {
        Some(i) => (&raw[..i + 1], &raw[i + 2..]),
        None => (raw, &raw[raw.len()..]),
    };
    let mut h = Header {
        tree: None,
        parents: Vec::new(),
        author: None,
        committer: None,
        encoding: None,
        message,
    };
    let mut first = true;
    let mut in_parents = true;
    for line in lines.split(|&b| b == b'\n') {
        if first {
            first = false;
            h.tree = line.strip_prefix(b"tree ").and_then(hex_oid);
            continue;
        }
        // Only the parent lines right after `tree` are parents, as git reads them.
        match line.strip_prefix(b"parent ").and_then(hex_oid) {
            Some(p) if in_parents => {
                h.parents.push(p);
                continue;
            }
            _ => in_parents = false,
        }
        if let Some(v) = line.strip_prefix(b"author ") {
            h.author.get_or_insert(v);
        } else if let Some(v) = line.strip_prefix(b"committer ") {
            h.committer.get_or_insert(v);
        } else if let Some(v) = line.strip_prefix(b"encoding ") {
            h.encoding.get_or_insert(v);
        }
    }
    h
}

/// Parse a raw commit. Malformed headers are read as leniently as `git log` reads them: a
/// missing identity is empty, a missing date is the epoch.
pub fn parse_commit(id: Oid, raw: &[u8]) -> ParsedCommit {
    let h = header(raw);
    ParsedCommit {
        facts: CommitFacts {
            id: id.to_string(),
            parents: h.parents.iter().map(Oid::to_string).collect(),
            author: ident(h.author.unwrap_or_default()),
            committer: ident(h.committer.unwrap_or_default()),
            message: message_utf8(h.message, h.encoding),
        },
        shape: CommitShape {
            id,
            tree: h.tree,
            parents: h.parents,
        },
    }
}

/// Just what a history walk needs of a raw commit: its parents and committer time.
pub fn parse_links(raw: &[u8]) -> (Vec<Oid>, i64) {
    let h = header(raw);
    let time = h.committer.map_or(0, |c| ident(c).time);
    (h.parents, time)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn hex_oid(hex: &[u8]) -> Option<Oid> {
    if hex.len() != 40 {
        return None;
    }
    Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
}

/// `Name <email> 1700000000 +0100` split as git's `split_ident_line` does: the name ends at
/// the first `<` (trailing spaces dropped), the e-mail at the first `>` after it, and the date
/// follows the last `>`.
fn ident(line: &[u8]) -> Signature {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let Some(lt) = line.iter().position(|&b| b == b'<') else {
        return Signature {
            name: String::new(),
            email: String::new(),
            time: 0,
            offset_minutes: 0,
        };
    };
    let name = line[..lt].trim_ascii_end();
    let rest = &line[lt + 1..];
    let email = match rest.iter().position(|&b| b == b'>') {
        Some(gt) => &rest[..gt],
        None => {
            return Signature {
                name: text(name),
                email: String::new(),
                time: 0,
                offset_minutes: 0,
            };
        }
    };
    let after = line
        .iter()
        .rposition(|&b| b == b'>')
        .map_or(&line[line.len()..], |i| &line[i + 1..]);
    let (time, offset_minutes) = date(after).unwrap_or((0, 0));
    Signature {
        name: text(name),
        email: text(email),
        time,
        offset_minutes,
    }
}

/// ` 1700000000 +0130` → seconds and offset minutes; `None` unless both are there.
fn date(s: &[u8]) -> Option<(i64, i32)> {
    let s = s.trim_ascii_start();
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let time = s[..digits].iter().fold(0i64, |acc, &d| {
        acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    let tz = s[digits..].trim_ascii_start();
    let sign = match tz.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let tz_digits = tz[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if tz_digits == 0 {
        return None;
    }
    let hhmm = tz[1..1 + tz_digits].iter().fold(0i32, |acc, &d| {
        acc.saturating_mul(10).saturating_add(i32::from(d - b'0'))
    });
    Some((time, sign * (hhmm / 100 * 60 + hhmm % 100)))
}

/// The message as git log would print it: re-encoded to UTF-8 from Latin-1 when the commit
/// says so; other encodings stay raw bytes and display lossily.
fn message_utf8(raw: &[u8], encoding: Option<&[u8]>) -> Vec<u8> {
    let latin1 = encoding.is_some_and(|e| {
        let e = e.to_ascii_lowercase();
        matches!(
            e.as_slice(),
            b"iso-8859-1" | b"iso8859-1" | b"latin1" | b"latin-1" | b"l1" | b"iso-8859-15"
        )
    });
    if latin1 && std::str::from_utf8(raw).is_err() {
        raw.iter()
            .map(|&b| b as char)
            .collect::<String>()
            .into_bytes()
    } else {
        raw.to_vec()
    }
}

/// git's file-type bits.
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
/// A tree entry's mode when it is a directory.
pub const MODE_TREE: u32 = 0o040000;
pub const S_IFGITLINK: u32 = 0o160000;

/// One entry of a raw tree.
#[derive(Clone, Copy)]
pub struct TreeEntry<'a> {
    /// The name (any bytes but `/` and NUL).
    pub name: &'a [u8],
    /// The mode as git canonicalises it (`100644`, `100755`, `120000`, `040000`, `160000`).
    pub mode: u32,
    /// The object id's 20 bytes.
    pub id: &'a [u8],
}

impl TreeEntry<'_> {
    /// Whether the entry is a subdirectory.
    pub fn is_tree(&self) -> bool {
        self.mode == MODE_TREE
    }
}

/// The entry at `*at` in a raw tree, advancing `*at` past it; `None` at the end. A malformed
/// entry is `Some(Err(..))` with the offset where it starts.
pub fn next_entry<'a>(tree: &'a [u8], at: &mut usize) -> Option<Result<TreeEntry<'a>, usize>> {
    let start = *at;
    let rest = tree.get(start..).filter(|r| !r.is_empty())?;
    let parse = || -> Option<(TreeEntry<'a>, usize)> {
        let space = rest.iter().position(|&b| b == b' ')?;
        let nul = space + 1 + rest[space + 1..].iter().position(|&b| b == 0)?;
        let id = rest.get(nul + 1..nul + 21)?;
        let octal = &rest[..space];
        if octal.is_empty() || !octal.iter().all(|b| (b'0'..=b'7').contains(b)) {
            return None;
        }
        let raw = octal.iter().fold(0u32, |acc, &d| {
            acc.wrapping_mul(8).wrapping_add(u32::from(d - b'0'))
        });
        let entry = TreeEntry {
            name: &rest[space + 1..nul],
            mode: canonical_mode(raw),
            id,
        };
        Some((entry, nul + 21))
    };
    Some(match parse() {
        Some((entry, len)) => {
            *at = start + len;
            Ok(entry)
        }
        None => Err(start),
    })
}

/// git's `canon_mode`: any regular file is 644 or 755, anything unknown is a gitlink.
fn canonical_mode(mode: u32) -> u32 {
    match mode & S_IFMT {
        S_IFREG => S_IFREG | if mode & 0o100 != 0 { 0o755 } else { 0o644 },
        S_IFLNK => S_IFLNK,
        MODE_TREE => MODE_TREE,
        _ => S_IFGITLINK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(line: &str) -> (String, String, i64, i32) {
        let s = ident(line.as_bytes());
        (s.name, s.email, s.time, s.offset_minutes)
    }

    #[test]
    fn identities_split_as_git_does() {
        let row = |n: &str, e: &str, t, o| (n.to_string(), e.to_string(), t, o);
        assert_eq!(
            sig("A U Thor <a@x> 1700000000 +0130"),
            row("A U Thor", "a@x", 1700000000, 90)
        );
        assert_eq!(sig("A <a@x> 5 -0800"), row("A", "a@x", 5, -480));
        assert_eq!(sig("<a@x> 5 +0000"), row("", "a@x", 5, 0));
        assert_eq!(sig("A  <a@x>5 +0000"), row("A", "a@x", 5, 0));
        // First `<` ends the name, first `>` the e-mail; the date follows the last `>`.
        assert_eq!(sig("A <b <a@x>> 7 +0100"), row("A", "b <a@x", 7, 60));
        assert_eq!(sig("A <a@x>"), row("A", "a@x", 0, 0));
        assert_eq!(sig("A <a@x> nonsense"), row("A", "a@x", 0, 0));
        assert_eq!(sig("A <a@x> 9"), row("A", "a@x", 0, 0));
        assert_eq!(sig("no email"), row("", "", 0, 0));
        assert_eq!(sig("A <unclosed 5 +0000"), row("A", "", 0, 0));
    }

    #[test]
    fn commit_headers_and_message() {
        let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        let p = "1111111111111111111111111111111111111111";
        let raw = format!(
            "tree {tree}\nparent {p}\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 2 +0100\n\
             encoding ISO-8859-1\ngpgsig -----BEGIN\n stuff\n \n -----END\n\nsubject é\n"
        );
        let mut bytes = raw.into_bytes();
        // The é in the message as one Latin-1 byte.
        let pos = bytes.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
        bytes.splice(pos..pos + 2, [0xe9]);
        let c = parse_commit(Oid::zero(), &bytes);
        assert_eq!(c.shape.tree, Oid::from_str(tree).ok());
        assert_eq!(c.shape.parents, vec![Oid::from_str(p).unwrap()]);
        assert_eq!(c.facts.author.name, "A");
        assert_eq!(c.facts.committer.time, 2);
        assert_eq!(c.facts.committer.offset_minutes, 60);
        assert_eq!(c.facts.message, "subject é\n".as_bytes());
    }

    #[test]
    fn a_commit_without_message_or_author_still_parses() {
        let c = parse_commit(Oid::zero(), b"tree nonsense\nparent 12\n");
        assert_eq!(c.shape.tree, None);
        assert!(c.shape.parents.is_empty());
        assert_eq!(c.facts.author.email, "");
        assert!(c.facts.message.is_empty());
    }

    #[test]
    fn tree_entries_and_canonical_modes() {
        let mut raw = Vec::new();
        for (mode, name) in [
            ("100664", "a"),
            ("40000", "d"),
            ("120000", "l"),
            ("160000", "m"),
        ] {
            raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            raw.extend_from_slice(&[7u8; 20]);
        }
        let mut at = 0;
        let mut seen = Vec::new();
        while let Some(e) = next_entry(&raw, &mut at) {
            let e = e.unwrap();
            seen.push((String::from_utf8_lossy(e.name).into_owned(), e.mode));
        }
        let want = [
            ("a", 0o100644),
            ("d", 0o040000),
            ("l", 0o120000),
            ("m", 0o160000),
        ];
        let want: Vec<_> = want.iter().map(|(n, m)| (n.to_string(), *m)).collect();
        assert_eq!(seen, want);
        let mut at = 0;
        assert!(matches!(
            next_entry(b"100644 a\0short", &mut at),
            Some(Err(0))
        ));
    }
}
