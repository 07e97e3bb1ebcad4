//! Changed paths of a commit (docs/policy.md, "Changed paths and production paths") by our own
//! pruned walk over git trees: a subtree whose id equals a parent's is never entered, nor one the
//! caller says cannot matter. For a merge a path counts only when it differs from every parent, as
//! `git diff-tree -c --name-only`. Trees are read raw through the worker's [`Objects`].
//!
//! A submodule (gitlink, mode 160000) is a path like a file, but git matches patterns against
//! it as against a directory; it is reported with a trailing `/` so the path matcher (and
//! anything else judging the path) knows, and shown without it.

use super::GitError;
use super::object::{S_IFGITLINK, TreeEntry, next_entry};
use super::objects::{Bytes, Objects};
use super::pack::Kind;
use super::{ObjectId, Repo};
use std::cmp::Ordering;

/// One side of the comparison at a directory: a raw tree and how far it has been read, or
/// nothing there.
struct Side {
    tree: Option<(ObjectId, Bytes)>,
    at: usize,
}

impl Side {
    fn peek(&self) -> Result<Option<TreeEntry<'_>>, GitError> {
        let Some((id, bytes)) = &self.tree else {
            return Ok(None);
        };
        let mut at = self.at;
        next_entry(bytes, &mut at)
            .transpose()
            .map_err(|pos| GitError::Corrupt(format!("tree {id} is malformed at byte {pos}")))
    }

    fn advance(&mut self) {
        if let Some((_, bytes)) = &self.tree {
            let _ = next_entry(bytes, &mut self.at);
        }
    }
}

/// Move both sides past the entries they have byte for byte in common (same mode, name and
/// id): most of a directory between a commit and its parent. Each step costs one search for
/// the name's end and one comparison, instead of a full parse and ordering of both entries.
fn skip_identical(a: &mut Side, b: &mut Side) {
    let (Some((_, x)), Some((_, y))) = (&a.tree, &b.tree) else {
        return;
    };
    loop {
        let (rest_x, rest_y) = (&x[a.at.min(x.len())..], &y[b.at.min(y.len())..]);
        // An entry is `mode name NUL id`: mode and name hold no NUL, the id is 20 bytes.
        let Some(nul) = memchr::memchr(0, rest_x) else {
            return;
        };
        let len = nul + 21;
        if rest_x.len() < len || rest_y.get(..len) != Some(&rest_x[..len]) {
            return;
        }
        a.at += len;
        b.at += len;
    }
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
        olds.push(Side { tree: None, at: 0 });
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
    fn next_key(&self, name: &mut Vec<u8>) -> Result<Option<bool>, GitError> {
        let mut found = None;
        for side in std::iter::once(&self.new).chain(self.olds.iter()) {
            if let Some(e) = side.peek()? {
                let key = (e.name, e.is_tree());
                let smaller = match found {
                    None => true,
                    Some(is_tree) => tree_order(key, (name, is_tree)) == Ordering::Less,
                };
                if smaller {
                    name.clear();
                    name.extend_from_slice(key.0);
                    found = Some(key.1);
                }
            }
        }
        Ok(found)
    }
}

/// The entry of `side` with this name and kind, consumed; `None` when the side has none.
fn take(side: &mut Side, name: &[u8], is_tree: bool) -> Result<Option<Entry>, GitError> {
    let entry = match side.peek()? {
        Some(e) if e.name == name && e.is_tree() == is_tree => Entry {
            id: ObjectId::from_bytes(e.id)
                .ok_or_else(|| GitError::Corrupt("a tree entry's id is not 20 bytes".into()))?,
            mode: e.mode,
        },
        _ => return Ok(None),
    };
    side.advance();
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
            if let [old] = frame.olds.as_mut_slice() {
                skip_identical(&mut frame.new, old);
            }
            let Some(is_tree) = frame.next_key(&mut name)? else {
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
        Ok(Side { tree, at: 0 })
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
}
