//! Parsing raw commit and tree objects as git reads them. A commit is read twice over, as git
//! does: its links (tree, parents, the date a walk orders by) as `commit.c`
//! `parse_commit_buffer` reads them, refusing what git refuses; and what `git log` shows
//! (author, committer, message) as `pretty.c` reads it, after re-encoding to UTF-8. Tree
//! entries are read with git's canonical modes.

use super::GitError;
use super::ObjectId;
use super::reencode;
use crate::engine::facts::{CommitFacts, Signature};

/// A commit as the scan needs it: its place in history, and what the engine reads.
pub(crate) struct ParsedCommit {
    /// Id, tree and parents.
    pub(crate) shape: CommitShape,
    /// What the engine reads.
    pub(crate) facts: CommitFacts,
}

/// What a commit's changed paths depend on.
pub(crate) struct CommitShape {
    /// Its id.
    pub(crate) id: ObjectId,
    /// Its root tree.
    pub(crate) tree: ObjectId,
    /// Parents, in order.
    pub(crate) parents: Vec<ObjectId>,
    /// The date git orders and limits a walk by (`--since`), which need not be the date of
    /// the committer `git log` shows.
    pub(crate) date: i64,
}

/// Parse a raw commit: refused where git refuses it (`bogus commit object`, `bad parents`),
/// otherwise read as leniently as `git log` reads it: a missing identity is empty, a missing
/// date the epoch.
pub(crate) fn parse_commit(id: ObjectId, raw: &[u8]) -> Result<ParsedCommit, GitError> {
    let links = links(id, raw)?;
    Ok(parse_walked_commit(id, raw, links))
}

/// [`parse_commit`] of a commit whose tree, parents and date the walk has read from these
/// same bytes (and so checked).
pub(crate) fn parse_walked_commit(id: ObjectId, raw: &[u8], links: Links) -> ParsedCommit {
    let reencoded = reencode::to_utf8(raw);
    let shown = shown(&reencoded.text, reencoded.end);
    let facts = CommitFacts {
        id: id.to_hex(),
        parents: links.parents.iter().map(|p| p.to_hex()).collect(),
        author: ident(shown.author.unwrap_or_default()),
        committer: ident(shown.committer.unwrap_or_default()),
        message: shown.message.to_vec(),
        undecodable_encoding: reencoded.unknown_encoding,
    };
    ParsedCommit {
        facts,
        shape: CommitShape {
            id,
            tree: links.tree,
            parents: links.parents,
            date: links.date,
        },
    }
}

/// Just what a history walk needs of a raw commit: its root tree, its parents and the date it
/// orders by.
pub(crate) fn parse_links(id: ObjectId, raw: &[u8]) -> Result<Links, GitError> {
    links(id, raw)
}

/// The root tree of a raw commit: its first line, checked as [`links`] checks it (the rest
/// of the header is read, and checked, where the commit itself is judged or walked).
pub(crate) fn commit_tree(id: ObjectId, raw: &[u8]) -> Result<ObjectId, GitError> {
    if raw.len() <= TREE_LINE || !raw.starts_with(b"tree ") || raw[TREE_LINE - 1] != b'\n' {
        return Err(malformed(id, "no valid tree line"));
    }
    hex_oid(&raw[5..TREE_LINE - 1]).ok_or_else(|| malformed(id, "bad tree id"))
}

fn malformed(id: ObjectId, what: &str) -> GitError {
    GitError::Corrupt(format!(
        "commit {id} is malformed ({what}); git refuses to read it too"
    ))
}

/// `tree ` and a hex id and a newline.
const TREE_LINE: usize = 46;
/// `parent ` and a hex id and a newline.
const PARENT_LINE: usize = 48;

/// What a commit's header says of its place in history.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// The root tree.
    pub(crate) tree: ObjectId,
    /// The parents, in order.
    pub(crate) parents: Vec<ObjectId>,
    /// The committer date, as git orders by it.
    pub(crate) date: i64,
}

/// `parse_commit_buffer`: a `tree` line first and something after it, then the `parent` lines
/// right after it; any other line naming a parent is no parent.
fn links(id: ObjectId, raw: &[u8]) -> Result<Links, GitError> {
    let refused = |what: &str| malformed(id, what);
    let tree = commit_tree(id, raw)?;
    let mut parents = Vec::new();
    let mut at = TREE_LINE;
    while at + PARENT_LINE - 1 < raw.len() && raw[at..].starts_with(b"parent ") {
        let line = raw
            .get(at..at + PARENT_LINE)
            .filter(|l| l[PARENT_LINE - 1] == b'\n' && at + PARENT_LINE < raw.len());
        let parent = line.and_then(|l| hex_oid(&l[7..PARENT_LINE - 1]));
        parents.push(parent.ok_or_else(|| refused("bad parent line"))?);
        at += PARENT_LINE;
    }
    Ok(Links {
        tree,
        parents,
        date: walk_date(&raw[at..]),
    })
}

/// `parse_commit_date`: the date after the last `>` of a `committer` line that directly
/// follows an `author` line right after the parents; 0 when the header is not so.
fn walk_date(buf: &[u8]) -> i64 {
    if buf.len() <= 6 || !buf.starts_with(b"author") {
        return 0;
    }
    let line = memchr::memchr(b'\n', buf).map_or(buf.len(), |i| i + 1);
    let rest = &buf[line..];
    if rest.len() <= 9 || !rest.starts_with(b"committer") {
        return 0;
    }
    let Some(eol) = memchr::memchr(b'\n', rest) else {
        return 0;
    };
    let Some(gt) = memchr::memrchr(b'>', &rest[..eol]) else {
        return 0;
    };
    let date = &rest[gt + 1..];
    let date = &date[date.iter().take_while(|&&b| is_space(b)).count()..];
    match date.first() {
        Some(b'-') => match digits(&date[1..]) {
            // strtoumax of a negative number wraps far into the future.
            Some(0) | None => 0,
            Some(_) => i64::MAX,
        },
        Some(b) if b.is_ascii_digit() => digits(date).unwrap_or(0),
        _ => 0,
    }
}

/// The leading decimal digits as a number, saturating; `None` without any.
fn digits(s: &[u8]) -> Option<i64> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    (n > 0).then(|| {
        s[..n].iter().fold(0i64, |acc, &d| {
            acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        })
    })
}

/// git's `isspace`: space, tab, LF and CR only.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What `git log` shows of a (re-encoded) commit.
struct Shown<'a> {
    author: Option<&'a [u8]>,
    committer: Option<&'a [u8]>,
    message: &'a [u8],
}

/// `pretty.c` `parse_commit_header`: every header line is read until the first empty line,
/// the last `author` and `committer` lines win, and a NUL ends a line as git's C strings do
/// (what follows it is read as the next line, up to git's reading past the end of an edited
/// string into what the edit left there: `text` beyond `end`). The message starts after the
/// empty line and ends with the object's text; a header that ends at a NUL shows no message
/// (kept here from that NUL on, where only markers look).
fn shown(text: &[u8], end: usize) -> Shown<'_> {
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let mut shown = Shown {
        author: None,
        committer: None,
        message: &[],
    };
    let mut i = 0;
    while at(i) != 0 {
        let eol = i + memchr::memchr2(b'\n', 0, &text[i..]).unwrap_or(text.len() - i);
        if eol == i {
            break;
        }
        let line = &text[i..eol];
        if let Some(v) = line.strip_prefix(b"author ") {
            shown.author = Some(v);
        } else if let Some(v) = line.strip_prefix(b"committer ") {
            shown.committer = Some(v);
        }
        i = eol + 1;
    }
    let from = if at(i) == b'\n' { i + 1 } else { i };
    let to = if from <= end { end } else { text.len() };
    shown.message = text.get(from..to).unwrap_or_default();
    shown
}

fn hex_oid(hex: &[u8]) -> Option<ObjectId> {
    ObjectId::from_hex40(hex)
}

/// `Name <email> 1700000000 +0100` split as git's `split_ident_line` does: the name ends at
/// the first `<` (trailing spaces dropped), the e-mail at the first `>` after it (without one,
/// git shows neither), and the date follows the last `>`.
fn ident(line: &[u8]) -> Signature {
    let text = crate::engine::facts::lossy_utf8;
    let none = Signature {
        name: String::new(),
        email: String::new(),
        time: 0,
        offset_minutes: 0,
    };
    let Some(lt) = memchr::memchr(b'<', line) else {
        return none;
    };
    let name_len = line[..lt]
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(0, |i| i + 1);
    let rest = &line[lt + 1..];
    let Some(gt) = memchr::memchr(b'>', rest) else {
        return none;
    };
    let after = memchr::memrchr(b'>', line).map_or(&line[line.len()..], |i| &line[i + 1..]);
    let (time, offset_minutes) = date(after).unwrap_or((0, 0));
    Signature {
        name: text(&line[..name_len]),
        email: text(&rest[..gt]),
        time,
        offset_minutes,
    }
}

/// ` 1700000000 +0130` → seconds and offset minutes; `None` unless both are there.
fn date(s: &[u8]) -> Option<(i64, i32)> {
    let s = &s[s.iter().take_while(|&&b| is_space(b)).count()..];
    let time = digits(s)?;
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let tz = &s[n..];
    let tz = &tz[tz.iter().take_while(|&&b| is_space(b)).count()..];
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

/// git's file-type bits.
pub(crate) const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
/// A tree entry's mode when it is a directory.
pub(crate) const MODE_TREE: u32 = 0o040000;
pub(crate) const S_IFGITLINK: u32 = 0o160000;

/// One entry of a raw tree.
#[derive(Clone, Copy)]
pub(crate) struct TreeEntry<'a> {
    /// The name (any bytes but `/` and NUL).
    pub(crate) name: &'a [u8],
    /// The mode as git canonicalises it (`100644`, `100755`, `120000`, `040000`, `160000`).
    pub(crate) mode: u32,
    /// The object id's 20 bytes.
    pub(crate) id: &'a [u8],
}

impl TreeEntry<'_> {
    /// Whether the entry is a subdirectory.
    pub(crate) fn is_tree(&self) -> bool {
        self.mode == MODE_TREE
    }

    /// Whether the entry is a regular file (executable or not).
    pub(crate) fn is_file(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }
}

/// The entry at `*at` in a raw tree, advancing `*at` past it; `None` at the end. A malformed
/// entry is `Some(Err(..))` with the offset where it starts.
pub(crate) fn next_entry<'a>(
    tree: &'a [u8],
    at: &mut usize,
) -> Option<Result<TreeEntry<'a>, usize>> {
    let start = *at;
    let rest = tree.get(start..).filter(|r| !r.is_empty())?;
    let parse = || -> Option<(TreeEntry<'a>, usize)> {
        let space = memchr::memchr(b' ', rest)?;
        let nul = space + 1 + memchr::memchr(0, &rest[space + 1..])?;
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
        assert_eq!(sig("A <unclosed 5 +0000"), row("", "", 0, 0));
        // Only git's spaces end a name: a form feed stays.
        assert_eq!(sig("A\x0c <a@x> 5 +0000"), row("A\x0c", "a@x", 5, 0));
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
        let c = parse_commit(ObjectId::ZERO, &bytes).unwrap();
        assert_eq!(Some(c.shape.tree), ObjectId::from_hex(tree).ok());
        assert_eq!(c.shape.parents, vec![ObjectId::from_hex(p).unwrap()]);
        assert_eq!(c.facts.author.name, "A");
        assert_eq!(c.facts.committer.time, 2);
        assert_eq!(c.facts.committer.offset_minutes, 60);
        assert_eq!(c.facts.message, "subject é\n".as_bytes());
    }

    #[test]
    fn a_commit_without_message_or_author_still_parses() {
        let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        let c = parse_commit(ObjectId::ZERO, format!("tree {tree}\n\n").as_bytes()).unwrap();
        assert_eq!(c.facts.author.email, "");
        assert!(c.facts.message.is_empty());
    }

    #[test]
    fn links_refused_where_git_refuses_them() {
        let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        for raw in [
            "tree nonsense\nparent 12\n".to_string(),
            format!("tree {tree}\n"),
            format!("tree {tree}\nparent 12\nauthor A U Thor <author@example.com> 1 +0000\n\n"),
            format!("tree {tree}\nparent {tree}\n"),
        ] {
            assert!(
                parse_commit(ObjectId::ZERO, raw.as_bytes()).is_err(),
                "{raw}"
            );
        }
        // A parent line too short to hold an id, or after another header, is no parent.
        let raw = format!("tree {tree}\nparent 12\n\n");
        assert!(
            parse_commit(ObjectId::ZERO, raw.as_bytes())
                .unwrap()
                .shape
                .parents
                .is_empty()
        );
        let raw = format!("tree {tree}\nauthor A <a> 1 +0000\nparent {tree}\n\n");
        assert!(
            parse_commit(ObjectId::ZERO, raw.as_bytes())
                .unwrap()
                .shape
                .parents
                .is_empty()
        );
    }

    #[test]
    fn header_read_as_git_log_reads_it() {
        let tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        let c = |rest: &str| {
            parse_commit(ObjectId::ZERO, format!("tree {tree}\n{rest}").as_bytes()).unwrap()
        };
        let two = c(
            "author A <a> 1 +0000\nauthor B <b> 2 +0000\ncommitter C <c> 3 +0000\ncommitter D <d> 4 +0000\n\nm",
        );
        assert_eq!(
            (
                two.facts.author.name.as_str(),
                two.facts.committer.name.as_str()
            ),
            ("B", "D")
        );
        // The walk orders by the committer line right after the author line.
        assert_eq!(two.shape.date, 0);
        let c3 = c("author A <a> 1 +0000\ncommitter C <c> 3 +0000\ncommitter D <d> 4 +0000\n\nm");
        assert_eq!((c3.shape.date, c3.facts.committer.time), (3, 4));
        let nul = c("author A <a> 1 +0000\0author B <b> 2 +0000\n\nm");
        assert_eq!(nul.facts.author.name, "B");
        let ends = c("author A <a> 1 +0000\0\ncommitter C <c> 3 +0000\n\nm");
        assert_eq!(ends.facts.message, b"committer C <c> 3 +0000\n\nm");
        assert_eq!(ends.facts.committer.name, "");
        let hidden = c("author A <a> 1 +0000\n\0\nm");
        assert_eq!(hidden.facts.message, b"\0\nm");
    }

    #[test]
    fn any_mix_of_header_pieces_parses_without_panic() {
        let pieces: [&[u8]; 14] = [
            b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n",
            b"parent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n",
            b"author A <a> 1 -0100",
            b"committer C <c> 99999999999999999999 +0000",
            b"\n",
            b"\0",
            b"\r",
            b"encoding UTF-7\n",
            b"encoding utf8\n",
            b"encoding latin-1\n",
            b"encoding UTF-16\n",
            b"+AAA-",
            b"<>",
            b"\xe9",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut raw = Vec::new();
            for _ in 0..(x % 12) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                raw.extend_from_slice(pieces[(x % pieces.len() as u64) as usize]);
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if let Ok(c) = parse_commit(ObjectId::ZERO, &raw) {
                let _ = c.facts.summary();
            }
        }
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
