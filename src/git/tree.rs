//! Changed paths of a commit (SPEC §6) by our own pruned walk over git trees: a subtree whose id
//! equals a parent's is never entered, nor one the caller says cannot matter. For a merge a
//! path counts only when it differs from every parent, as `git diff-tree -c --name-only`.

use super::{Context, GitError};
use git2::{Commit, Oid, Repository, Tree};
use std::cmp::Ordering;

const MODE_TREE: i32 = 0o040000;

/// One side of the comparison at a directory: a tree, or nothing there.
type Side<'r> = Option<Tree<'r>>;

/// Changed paths of `commit` against all its parents (the empty tree for a root commit).
/// `descend(dir)` says whether anything below `dir` can matter; `keep(path)` filters leaves.
pub fn changed_paths(
    repo: &Repository,
    commit: &Commit<'_>,
    descend: &dyn Fn(&[u8]) -> bool,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Vec<Vec<u8>>, GitError> {
    let new = commit
        .tree()
        .context(|| format!("cannot read the tree of {}", commit.id()))?;
    let mut olds: Vec<Option<Tree<'_>>> = Vec::new();
    for parent in commit.parents() {
        olds.push(Some(
            parent
                .tree()
                .context(|| format!("cannot read the tree of {}", parent.id()))?,
        ));
    }
    changed_between(repo, new, olds, descend, keep)
}

/// Paths that differ between `new` and every one of `olds` (`None`: the empty tree; no olds at
/// all: compared with the empty tree), sorted.
pub fn changed_between<'r>(
    repo: &'r Repository,
    new: Tree<'r>,
    mut olds: Vec<Option<Tree<'r>>>,
    descend: &dyn Fn(&[u8]) -> bool,
    keep: &dyn Fn(&[u8]) -> bool,
) -> Result<Vec<Vec<u8>>, GitError> {
    if olds.is_empty() {
        olds.push(None);
    }
    let mut walk = Walk {
        repo,
        descend,
        keep,
        out: Vec::new(),
        prefix: Vec::new(),
    };
    walk.dir(Some(new), olds)?;
    walk.out.sort_unstable();
    Ok(walk.out)
}

struct Walk<'a, 'r> {
    repo: &'r Repository,
    descend: &'a dyn Fn(&[u8]) -> bool,
    keep: &'a dyn Fn(&[u8]) -> bool,
    out: Vec<Vec<u8>>,
    prefix: Vec<u8>,
}

/// An entry reduced to what the comparison needs.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    id: Oid,
    mode: i32,
}

impl<'r> Walk<'_, 'r> {
    fn dir(&mut self, new: Side<'r>, olds: Vec<Side<'r>>) -> Result<(), GitError> {
        let mut cursors = vec![0usize; olds.len() + 1];
        // Reused for every name of this directory: no allocation per entry.
        let mut name: Vec<u8> = Vec::new();
        let mut old_entries: Vec<Option<Entry>> = Vec::with_capacity(olds.len());
        loop {
            // The smallest next key over all sides, in git's tree order.
            let mut found = false;
            let mut is_tree = false;
            let sides = std::iter::once(&new).chain(olds.iter());
            for (side, &cursor) in sides.zip(cursors.iter()) {
                if let Some(e) = side.as_ref().and_then(|t| t.get(cursor)) {
                    let key = (e.name_bytes(), e.filemode() == MODE_TREE);
                    if !found || tree_order(key, (&name, is_tree)) == Ordering::Less {
                        name.clear();
                        name.extend_from_slice(key.0);
                        is_tree = key.1;
                        found = true;
                    }
                }
            }
            if !found {
                break;
            }

            let take = |side: &Side<'r>, cursor: &mut usize| -> Option<Entry> {
                let t = side.as_ref()?;
                let e = t.get(*cursor)?;
                if e.name_bytes() == name.as_slice() && (e.filemode() == MODE_TREE) == is_tree {
                    *cursor += 1;
                    Some(Entry {
                        id: e.id(),
                        mode: e.filemode(),
                    })
                } else {
                    None
                }
            };
            let (first, rest) = cursors.split_at_mut(1);
            let new_entry = take(&new, &mut first[0]);
            old_entries.clear();
            old_entries.extend(olds.iter().zip(rest.iter_mut()).map(|(s, c)| take(s, c)));

            // Unchanged against some parent: nothing here differs from every parent.
            if old_entries.contains(&new_entry) {
                continue;
            }
            let len = self.prefix.len();
            self.prefix.extend_from_slice(&name);
            if is_tree {
                if (self.descend)(&self.prefix) {
                    let new_tree = self.load(new_entry)?;
                    let mut old_trees = Vec::with_capacity(old_entries.len());
                    for o in &old_entries {
                        old_trees.push(self.load(*o)?);
                    }
                    self.prefix.push(b'/');
                    self.dir(new_tree, old_trees)?;
                }
            } else if (self.keep)(&self.prefix) {
                self.out.push(self.prefix.clone());
            }
            self.prefix.truncate(len);
        }
        Ok(())
    }

    fn load(&self, entry: Option<Entry>) -> Result<Side<'r>, GitError> {
        match entry {
            None => Ok(None),
            Some(e) => self.repo.find_tree(e.id).map(Some).context(|| {
                format!(
                    "cannot read tree {} at {}",
                    e.id,
                    String::from_utf8_lossy(&self.prefix)
                )
            }),
        }
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
