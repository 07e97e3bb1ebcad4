//! Changed paths of a commit (docs/policy.md, "Changed paths and production paths") by our own
//! pruned walk over git trees: a subtree whose id equals a parent's is never entered, nor one the
//! caller says cannot matter. For a merge a path counts only when it differs from every parent, as
//! `git diff-tree -c --name-only`. Trees are read raw through the worker's [`Objects`].
//!
//! A submodule (gitlink, mode 160000) is a path like a file, but git matches patterns against
//! it as against a directory; it is reported with a trailing `/` so the path matcher (and
//! anything else judging the path) knows, and shown without it.

use super::GitError;
use super::object::{MODE_TREE, S_IFGITLINK, S_IFMT, next_entry};
use super::objects::{Bytes, Objects};
use super::pack::Kind;
use super::{ObjectId, Repo};
use std::cmp::Ordering;

/// One side of the comparison at a directory: a raw tree and its current entry, parsed once
/// (a diff looks at each entry several times: to find the next key, to take it, to compare
/// it), or nothing there.
struct Side {
    tree: Option<(ObjectId, Bytes)>,
    /// Where the current entry starts.
    at: usize,
    /// The current entry, `None` when the side is done.
    current: Option<Current>,
}

/// Offsets of the current entry in its tree's bytes.
#[derive(Clone, Copy)]
struct Current {
    name: (usize, usize),
    mode: u32,
    /// Where the entry's 20-byte id starts; the entry ends 20 bytes later.
    id: usize,
}

impl Side {
    fn new(tree: Option<(ObjectId, Bytes)>) -> Result<Side, GitError> {
        let mut side = Side {
            tree,
            at: 0,
            current: None,
        };
        side.parse_current()?;
        Ok(side)
    }

    /// Parse the entry at `at` into `current`.
    fn parse_current(&mut self) -> Result<(), GitError> {
        let Some((id, bytes)) = &self.tree else {
            return Ok(());
        };
        let mut end = self.at;
        self.current = match next_entry(bytes, &mut end) {
            None => None,
            Some(Ok(e)) => {
                let name_start = e.name.as_ptr() as usize - bytes.as_ptr() as usize;
                Some(Current {
                    name: (name_start, name_start + e.name.len()),
                    mode: e.mode,
                    id: end - 20,
                })
            }
            Some(Err(pos)) => {
                return Err(GitError::Corrupt(format!(
                    "tree {id} is malformed at byte {pos}"
                )));
            }
        };
        Ok(())
    }

    /// The current entry's name, whether it is a tree, mode and id bytes.
    fn peek(&self) -> Option<(&[u8], bool, u32, &[u8])> {
        let (c, (_, bytes)) = (self.current.as_ref()?, self.tree.as_ref()?);
        Some((
            &bytes[c.name.0..c.name.1],
            c.mode == MODE_TREE,
            c.mode,
            &bytes[c.id..c.id + 20],
        ))
    }

    fn advance(&mut self) -> Result<(), GitError> {
        if let Some(c) = self.current {
            self.at = c.id + 20;
            self.parse_current()?;
        }
        Ok(())
    }
}

/// Move both sides past the entries they have byte for byte in common (same mode, name and
/// id): most of a directory between a commit and its parent. The common stretch is found by
/// comparing bytes in bulk; only its entry boundaries are then looked for, never parsed.
fn skip_identical(a: &mut Side, b: &mut Side) -> Result<(), GitError> {
    let (Some((_, x)), Some((_, y))) = (&a.tree, &b.tree) else {
        return Ok(());
    };
    if a.current.is_none() || b.current.is_none() {
        return Ok(());
    }
    let (rest_x, rest_y) = (&x[a.at..], &y[b.at..]);
    let same = common_prefix(rest_x, rest_y);
    // Entries are `mode name NUL id`: mode and name hold no NUL, the id is 20 bytes. Both
    // sides start at an entry, so up to `same` their boundaries are the same.
    let mut skip = 0;
    while let Some(nul) = memchr::memchr(0, &rest_x[skip..same]) {
        let end = skip + nul + 21;
        if end > same {
            break;
        }
        skip = end;
    }
    if skip > 0 {
        a.at += skip;
        b.at += skip;
        a.parse_current()?;
        b.parse_current()?;
    }
    Ok(())
}

/// Move `lagging` past its entries that come before the next entry of both `a` and `b` (a
/// side that is done comes after everything).
fn catch_up(lagging: &mut Side, a: &Side, b: &Side) -> Result<(), GitError> {
    let bound = match (a.peek(), b.peek()) {
        (None, None) => None,
        (Some(x), None) | (None, Some(x)) => Some(x),
        (Some(x), Some(y)) => Some(if tree_order((x.0, x.1), (y.0, y.1)) == Ordering::Less {
            x
        } else {
            y
        }),
    };
    lagging.pass_before(bound.map(|b| (b.0, b.1)))
}

impl Side {
    /// Move past every entry that comes before `bound` (all of them when `None`), reading of
    /// each only its mode and name; the entry it stops at is parsed in full. A merge's other
    /// parents pass most of each directory this way. A malformed entry on the way is reported
    /// as [`Side::parse_current`] reports it.
    fn pass_before(&mut self, bound: Option<(&[u8], bool)>) -> Result<(), GitError> {
        let before = |name: &[u8], is_tree: bool| {
            bound.is_none_or(|b| tree_order((name, is_tree), b) == Ordering::Less)
        };
        match self.peek() {
            Some((name, is_tree, _, _)) if before(name, is_tree) => {}
            _ => return Ok(()),
        }
        let (Some(current), Some((_, bytes))) = (self.current, &self.tree) else {
            return Ok(());
        };
        let mut at = current.id + 20;
        loop {
            let rest = &bytes[at..];
            if rest.is_empty() {
                break;
            }
            let Some((name, is_tree, len)) = entry_key(rest) else {
                break; // malformed: parsed in full below, which reports it
            };
            if !before(name, is_tree) {
                break;
            }
            at += len;
        }
        self.at = at;
        self.parse_current()
    }
}

/// The name, whether it is a tree, and the length of the tree entry at the start of `rest`,
/// checked as [`next_entry`] checks it (octal mode, a space, a name, NUL, a 20-byte id);
/// `None` when malformed.
fn entry_key(rest: &[u8]) -> Option<(&[u8], bool, usize)> {
    let mut mode = 0u32;
    let mut space = 0;
    loop {
        match *rest.get(space)? {
            b' ' if space > 0 => break,
            d @ b'0'..=b'7' => mode = mode.wrapping_mul(8).wrapping_add(u32::from(d - b'0')),
            _ => return None,
        }
        space += 1;
    }
    let nul = space + 1 + memchr::memchr(0, &rest[space + 1..])?;
    let end = nul + 21;
    (rest.len() >= end).then(|| (&rest[space + 1..nul], mode & S_IFMT == MODE_TREE, end))
}

/// Length of the longest common prefix of `x` and `y`.
fn common_prefix(x: &[u8], y: &[u8]) -> usize {
    const CHUNK: usize = 32;
    let n = x.len().min(y.len());
    let mut i = 0;
    while i + CHUNK <= n && x[i..i + CHUNK] == y[i..i + CHUNK] {
        i += CHUNK;
    }
    while i < n && x[i] == y[i] {
        i += 1;
    }
    i
}

/// Changed paths of the commit with root tree `tree` and `parents` (their root trees, `None`
/// for a missing one; none at all for a root commit, compared with the empty tree).
/// `descend(dir)` says whether anything below `dir` can matter; `keep(path)` filters leaves.
pub(crate) fn changed_between(
    repo: &Repo,
    objects: &mut Objects,
    tree: ObjectId,
    parents: &[Option<ObjectId>],
    descend: &dyn Fn(&[u8]) -> bool,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Vec<Vec<u8>>, GitError> {
    let mut walk = Walk {
        repo,
        objects,
        descend,
        keep,
        out: Vec::new(),
        prefix: Vec::new(),
    };
    let new = walk.load(Some(tree))?;
    let mut olds = Vec::with_capacity(parents.len().max(1));
    for p in parents {
        olds.push(walk.load(*p)?);
    }
    if olds.is_empty() {
        olds.push(Side::new(None)?);
    }
    walk.run(new, olds)?;
    walk.out.sort_unstable();
    Ok(walk.out)
}

struct Walk<'a> {
    repo: &'a Repo,
    objects: &'a mut Objects,
    descend: &'a dyn Fn(&[u8]) -> bool,
    keep: &'a dyn Fn(&[u8]) -> bool,
    out: Vec<Vec<u8>>,
    prefix: Vec<u8>,
}

/// An entry reduced to what the comparison needs.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    id: ObjectId,
    mode: u32,
}

/// A directory being compared: its sides, and the length of the path prefix before its name
/// (restored when it is done).
struct Frame {
    new: Side,
    olds: Vec<Side>,
    restore: usize,
}

impl Frame {
    /// The smallest next key over all sides, in git's tree order, into `name`; whether it
    /// names a tree, or `None` when every side is done.
    fn next_key(&self, name: &mut Vec<u8>) -> Option<bool> {
        let mut found = None;
        for side in std::iter::once(&self.new).chain(self.olds.iter()) {
            if let Some((entry_name, is_tree, _, _)) = side.peek() {
                let smaller = match found {
                    None => true,
                    Some(found_tree) => {
                        tree_order((entry_name, is_tree), (name, found_tree)) == Ordering::Less
                    }
                };
                if smaller {
                    name.clear();
                    name.extend_from_slice(entry_name);
                    found = Some(is_tree);
                }
            }
        }
        found
    }
}

/// The entry of `side` with this name and kind, consumed; `None` when the side has none.
fn take(side: &mut Side, name: &[u8], is_tree: bool) -> Result<Option<Entry>, GitError> {
    let entry = match side.peek() {
        Some((n, t, mode, id)) if n == name && t == is_tree => Entry {
            id: ObjectId::from_bytes(id)
                .ok_or_else(|| GitError::Corrupt("a tree entry's id is not 20 bytes".into()))?,
            mode,
        },
        _ => return Ok(None),
    };
    side.advance()?;
    Ok(Some(entry))
}

impl Walk<'_> {
    /// Compare the trees from the root down. The directories being compared are kept on a
    /// stack of our own, not the thread's: a tree nested thousands of levels deep costs
    /// memory in proportion to its depth, and can never overflow the stack.
    fn run(&mut self, new: Side, olds: Vec<Side>) -> Result<(), GitError> {
        let mut stack = vec![Frame {
            new,
            olds,
            restore: 0,
        }];
        // Reused for every entry: no allocation per name.
        let mut name: Vec<u8> = Vec::new();
        let mut old_entries: Vec<Option<Entry>> = Vec::new();
        while let Some(frame) = stack.last_mut() {
            // Entries the same as in the first parent are unchanged against it, so never
            // reported, whatever the other parents of a merge hold.
            if let Some((first, others)) = frame.olds.split_first_mut() {
                skip_identical(&mut frame.new, first)?;
                // A merge's other parents: their entries before both the commit's and the
                // first parent's next one were passed over there as unchanged against the
                // first parent, or are in neither; either way nothing to report.
                for other in others {
                    catch_up(other, &frame.new, first)?;
                }
            }
            let Some(is_tree) = frame.next_key(&mut name) else {
                if let Some(done) = stack.pop() {
                    self.prefix.truncate(done.restore);
                }
                continue;
            };
            let new_entry = take(&mut frame.new, &name, is_tree)?;
            old_entries.clear();
            for side in &mut frame.olds {
                old_entries.push(take(side, &name, is_tree)?);
            }

            // Unchanged against some parent: nothing here differs from every parent.
            if old_entries.contains(&new_entry) {
                continue;
            }
            let len = self.prefix.len();
            self.prefix.extend_from_slice(&name);
            if is_tree {
                if (self.descend)(&self.prefix) {
                    let new_tree = self.load(new_entry.map(|e| e.id))?;
                    let mut old_trees = Vec::with_capacity(old_entries.len());
                    for o in &old_entries {
                        old_trees.push(self.load(o.map(|e| e.id))?);
                    }
                    self.prefix.push(b'/');
                    stack.push(Frame {
                        new: new_tree,
                        olds: old_trees,
                        restore: len,
                    });
                    continue;
                }
            } else {
                // A gitlink on either side: what the path was or became is a directory to git.
                let gitlink = |e: &Option<Entry>| e.is_some_and(|e| e.mode == S_IFGITLINK);
                if gitlink(&new_entry) || old_entries.iter().any(gitlink) {
                    self.prefix.push(b'/');
                }
                if (self.keep)(&self.prefix) {
                    self.out.push(self.prefix.clone());
                }
            }
            self.prefix.truncate(len);
        }
        Ok(())
    }

    fn load(&mut self, id: Option<ObjectId>) -> Result<Side, GitError> {
        let tree = match id {
            None => None,
            Some(id) => Some((id, self.objects.read(self.repo, id, Kind::Tree)?)),
        };
        Side::new(tree)
    }
}

/// git's tree order: names compare as if trees had a trailing `/`.
fn tree_order(a: (&[u8], bool), b: (&[u8], bool)) -> Ordering {
    let common = a.0.len().min(b.0.len());
    match a.0[..common].cmp(&b.0[..common]) {
        Ordering::Equal => {}
        other => return other,
    }
    // After the common prefix: the next byte, a tree's implicit `/`, or the end (smallest).
    let next =
        |(name, is_tree): (&[u8], bool)| name.get(common).copied().or(is_tree.then_some(b'/'));
    next(a).cmp(&next(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_sort_as_if_they_had_a_slash() {
        assert_eq!(tree_order((b"a", true), (b"a.c", false)), Ordering::Greater);
        assert_eq!(tree_order((b"a", true), (b"a0", false)), Ordering::Less);
        assert_eq!(tree_order((b"a", false), (b"a", true)), Ordering::Less);
        assert_eq!(tree_order((b"a", true), (b"a", true)), Ordering::Equal);
        assert_eq!(tree_order((b"ab", false), (b"a", false)), Ordering::Greater);
    }

    /// What the full parser makes of the entry at the start of `bytes`, as `entry_key` says it.
    fn parsed(bytes: &[u8]) -> Option<(Vec<u8>, bool, usize)> {
        let mut at = 0;
        match next_entry(bytes, &mut at)? {
            Ok(e) => Some((e.name.to_vec(), e.mode == MODE_TREE, at)),
            Err(_) => None,
        }
    }

    #[test]
    fn entry_keys_are_read_as_the_full_parser_reads_entries() {
        let id = [7u8; 20];
        let entry = |head: &[u8], id_len: usize| [head, &id[..id_len]].concat();
        let cases: Vec<Vec<u8>> = vec![
            entry(b"100644 a.c\0", 20),
            entry(b"40000 dir\0", 20),
            entry(b"040000 dir\0", 20),
            entry(b"160000 sub\0", 20),
            entry(b"120000 link\0", 20),
            entry(b"100644 \0", 20),
            entry(b"100644 a\0", 19),
            entry(b" a\0", 20),
            entry(b"100648 a\0", 20),
            entry(b"10x644 a\0", 20),
            entry(b"100644a\0", 20),
            entry(b"100644 a", 0),
            entry(b"100644", 0),
            Vec::new(),
        ];
        for case in &cases {
            let key = entry_key(case).map(|(n, t, len)| (n.to_vec(), t, len));
            let want = if case.is_empty() { None } else { parsed(case) };
            assert_eq!(key, want, "{:?}", String::from_utf8_lossy(case));
        }
    }

    proptest::proptest! {
        #[test]
        fn entry_keys_agree_with_the_full_parser_on_any_bytes(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::sample::select(b"01234567 \0".to_vec()),
                    1 => proptest::num::u8::ANY,
                ],
                0..48,
            )
        ) {
            let key = entry_key(&bytes).map(|(n, t, len)| (n.to_vec(), t, len));
            let want = if bytes.is_empty() { None } else { parsed(&bytes) };
            proptest::prop_assert_eq!(key, want);
        }
    }
}
