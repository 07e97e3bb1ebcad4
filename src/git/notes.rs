//! Reading the notes refs that carry session metadata, with bounded work whatever their shape.
//!
//! git stores the note of object `abcd…` at the path `abcd…` of the notes commit's tree, or
//! under fan-out directories (`ab/cd…`, `ab/cd/ef…`), and a tree may mix both. libgit2's
//! `find_note` searches the tree again for every commit, so one flat tree of 200,000 notes
//! costs a full search per judged commit. Here each tree is read and indexed once per run,
//! the first time a lookup passes through it, as git's own notes code does; later lookups are
//! hash lookups. Only the trees on the lookup paths of judged commits are ever read, a tree or
//! note blob over its size limit is refused before it is inflated, and a note found twice for
//! one commit (git would concatenate them) is refused too.

use super::{Context, GitError, NoteFormat};
use super::{ObjectId, Repo};
use git2::ObjectType;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Largest notes tree object read, in bytes: a flat tree of 200,000 notes is about 14 MB; git
/// fans notes out long before a real notes ref gets there.
pub(crate) const MAX_NOTES_TREE_BYTES: usize = 64 << 20;

/// One note found for a commit: its ref, its format, and its text or why it cannot be read.
pub(crate) type FoundNote = (String, NoteFormat, Result<Vec<u8>, String>);

/// The session-metadata notes refs of one run and what has been read of them.
pub(crate) struct NotesReader {
    refs: Vec<NotesRef>,
    /// Indexed trees by (tree id, bytes of the object id its path already spells).
    trees: Mutex<HashMap<(ObjectId, usize), Indexed>>,
    /// Largest note blob read, in bytes.
    max_note_bytes: usize,
}

/// A tree indexed, or why it cannot be read; shared with lookups in progress.
type Indexed = Arc<Result<NotesTree, String>>;

struct NotesRef {
    name: String,
    format: NoteFormat,
    /// The notes commit's root tree, or why it cannot be read.
    root: Result<ObjectId, String>,
}

/// One tree of a notes ref, indexed: notes by the rest of the object id they are for, and
/// fan-out subtrees by the next byte of it, each sorted for binary search. git writes tree
/// entries in name order, so a tree of lower-case names arrives sorted and is indexed in one
/// sequential pass.
#[derive(Default)]
struct NotesTree {
    notes: Vec<([u8; 20], ObjectId)>,
    subtrees: Vec<(u8, ObjectId)>,
}

impl NotesTree {
    /// The notes for `rest` (two or more: the same object noted twice, e.g. `AB…` and `ab…`).
    fn notes_for(&self, rest: &[u8; 20]) -> &[([u8; 20], ObjectId)] {
        let start = self.notes.partition_point(|(k, _)| k < rest);
        let end = self.notes.partition_point(|(k, _)| k <= rest);
        &self.notes[start..end]
    }

    fn subtrees_for(&self, byte: u8) -> &[(u8, ObjectId)] {
        let start = self.subtrees.partition_point(|(b, _)| *b < byte);
        let end = self.subtrees.partition_point(|(b, _)| *b <= byte);
        &self.subtrees[start..end]
    }
}

impl NotesReader {
    /// The given notes refs (with their formats) that exist in `repo`, each resolved once;
    /// a note blob over `max_note_bytes` is refused unread.
    pub(crate) fn open(
        repo: &Repo,
        refs: &[(&str, NoteFormat)],
        max_note_bytes: usize,
    ) -> NotesReader {
        let refs = refs
            .iter()
            .filter_map(|&(name, format)| {
                let target = repo.raw.refname_to_id(name).ok()?;
                let root = repo
                    .raw
                    .find_commit(target)
                    .map(|c| ObjectId::from_oid(c.tree_id()))
                    .map_err(|e| format!("{name} is not a notes commit: {}", e.message()));
                Some(NotesRef {
                    name: name.to_string(),
                    format,
                    root,
                })
            })
            .collect();
        NotesReader {
            refs,
            trees: Mutex::new(HashMap::new()),
            max_note_bytes,
        }
    }

    /// The note of `commit` under each notes ref that has one.
    pub(crate) fn notes_of(&self, repo: &Repo, commit: ObjectId) -> Vec<FoundNote> {
        let mut found = Vec::new();
        for r in &self.refs {
            let text = match &r.root {
                Err(reason) => Some(Err(reason.clone())),
                Ok(root) => match self.lookup(repo, *root, commit) {
                    Ok(None) => None,
                    Ok(Some(blob)) => Some(read_note(repo, blob, self.max_note_bytes)),
                    Err(reason) => Some(Err(reason)),
                },
            };
            if let Some(text) = text {
                found.push((r.name.clone(), r.format, text));
            }
        }
        found
    }

    /// The blob holding `commit`'s note in the tree `root`, if any.
    fn lookup(
        &self,
        repo: &Repo,
        root: ObjectId,
        commit: ObjectId,
    ) -> Result<Option<ObjectId>, String> {
        let id = commit.as_bytes();
        let mut found: Option<ObjectId> = None;
        let mut twice = false;
        let mut pending = vec![(root, 0usize)];
        while let Some((tree, depth)) = pending.pop() {
            let indexed = self.indexed(repo, tree, depth);
            let indexed = indexed.as_ref().as_ref().map_err(Clone::clone)?;
            for (_, blob) in indexed.notes_for(&key(&id[depth..])) {
                match found {
                    None => found = Some(*blob),
                    Some(_) => twice = true,
                }
            }
            if depth + 1 < id.len() {
                let subtrees = indexed.subtrees_for(id[depth]);
                pending.extend(subtrees.iter().map(|(_, t)| (*t, depth + 1)));
            }
        }
        if twice {
            return Err(format!(
                "the notes tree holds more than one note for {commit}"
            ));
        }
        Ok(found)
    }

    /// The tree `tree` at `depth` indexed, from the cache or read now.
    fn indexed(&self, repo: &Repo, tree: ObjectId, depth: usize) -> Indexed {
        // Holding the lock while a tree is read means one read per tree even when workers
        // ask at once; lookups in trees already indexed are quick.
        let mut trees = match self.trees.lock() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        };
        trees
            .entry((tree, depth))
            .or_insert_with(|| Arc::new(index_tree(repo, tree, depth)))
            .clone()
    }
}

/// A note's remaining id bytes as a fixed-size key.
fn key(rest: &[u8]) -> [u8; 20] {
    let mut k = [0u8; 20];
    k[..rest.len()].copy_from_slice(rest);
    k
}

/// Index one tree whose path already spells `depth` bytes of object id, as git's
/// `load_subtree` reads it: a regular file named by the remaining hex digits is a note, a
/// directory named by two hex digits is a fan-out subtree, anything else is not a note.
fn index_tree(repo: &Repo, tree: ObjectId, depth: usize) -> Result<NotesTree, String> {
    read_limited(repo, tree, ObjectType::Tree, MAX_NOTES_TREE_BYTES, |raw| {
        index_raw_tree(raw, depth).ok_or_else(|| "not a valid tree object".to_string())
    })
    .map_err(|e| format!("notes tree {tree}: {e}"))
}

/// [`index_tree`] over the raw tree; `None` when it is not a valid tree object.
fn index_raw_tree(raw: &[u8], depth: usize) -> Option<NotesTree> {
    let rest_len = 20 - depth;
    // Every note entry takes at least its name, a mode and an id.
    let mut indexed = NotesTree {
        notes: Vec::with_capacity(raw.len() / (2 * rest_len + 28)),
        subtrees: Vec::new(),
    };
    let mut at = 0;
    while let Some(entry) = super::object::next_entry(raw, &mut at) {
        let entry = entry.ok()?;
        let (name, id) = (entry.name, ObjectId::from_bytes(entry.id)?);
        if entry.is_file() && name.len() == 2 * rest_len {
            if let Some(rest) = decode_hex(name) {
                indexed.notes.push((rest, id));
            }
        } else if entry.is_tree()
            && name.len() == 2
            && depth + 1 < 20
            && let Some(byte) = decode_hex(name)
        {
            indexed.subtrees.push((byte[0], id));
        }
    }
    // Upper-case names, or a tree not written by git, come out of order.
    if !indexed.notes.is_sorted_by(|a, b| a.0 <= b.0) {
        indexed.notes.sort_unstable_by_key(|a| a.0);
    }
    indexed.subtrees.sort_unstable_by_key(|(byte, _)| *byte);
    Some(indexed)
}

/// An even number of hex digits (either case, as git accepts them) as the leading bytes of a
/// key; `None` if any is not hex or there are too many.
fn decode_hex(hex: &[u8]) -> Option<[u8; 20]> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if !hex.len().is_multiple_of(2) || hex.len() > 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (i, slot) in out.iter_mut().enumerate().take(hex.len() / 2) {
        *slot = (digit(hex[2 * i])? << 4) | digit(hex[2 * i + 1])?;
    }
    Some(out)
}

/// A note's text, refused unread when its blob is over the size limit.
fn read_note(repo: &Repo, blob: ObjectId, max: usize) -> Result<Vec<u8>, String> {
    read_limited(repo, blob, ObjectType::Blob, max, |data| Ok(data.to_vec()))
        .map_err(|e| format!("note {blob}: {e}"))
}

/// `use_data` of the object `id` of kind `kind`, its size checked from its header before it
/// is inflated; the object is read in place, not copied.
fn read_limited<T>(
    repo: &Repo,
    id: ObjectId,
    kind: ObjectType,
    max: usize,
    use_data: impl FnOnce(&[u8]) -> Result<T, String>,
) -> Result<T, String> {
    let message = |e: GitError| match e {
        GitError::Git {
            context, message, ..
        } => format!("{context}: {message}"),
        other => other.to_string(),
    };
    let odb = repo
        .raw
        .odb()
        .context(|| "cannot open the object database".into())
        .map_err(message)?;
    let (size, actual) = odb
        .read_header(id.oid())
        .context(|| "cannot read the object".into())
        .map_err(message)?;
    if actual != kind {
        return Err(format!("is a {actual}, not a {kind}"));
    }
    if size > max {
        return Err(format!("{size} bytes is over the {} MiB limit", max >> 20));
    }
    let object = odb
        .read(id.oid())
        .context(|| "cannot read the object".into())
        .map_err(message)?;
    use_data(object.data())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: &str, name: &str, id: u8) -> Vec<u8> {
        let mut e = format!("{mode} {name}\0").into_bytes();
        e.extend_from_slice(&[id; 20]);
        e
    }

    fn oid(byte: u8) -> ObjectId {
        ObjectId::from_bytes(&[byte; 20]).expect("oid")
    }

    #[test]
    fn a_tree_is_indexed_as_git_reads_notes() {
        let a = "ab".repeat(19);
        let raw = [
            entry("100644", &format!("01{a}"), 1),
            // Upper case is a note too, out of order: it is sorted in.
            entry("100755", &format!("00{}", a.to_uppercase()), 2),
            entry("40000", "cd", 3),
            entry("40000", "CD", 4),
            entry("40000", "xy", 5),
            entry("40000", "abc", 6),
            entry("120000", &format!("02{a}"), 7),
            entry("160000", &format!("03{a}"), 8),
            entry("100644", "README", 9),
            entry("100644", &format!("04{a}"), 10),
            entry("100644", &format!("04{a}"), 11),
        ]
        .concat();
        let t = index_raw_tree(&raw, 0).expect("valid tree");
        let key_of = |first: u8| {
            let mut k = [0xab; 20];
            k[0] = first;
            k
        };
        assert_eq!(t.notes_for(&key_of(1)), [(key_of(1), oid(1))]);
        assert_eq!(t.notes_for(&key_of(0)), [(key_of(0), oid(2))]);
        assert!(t.notes_for(&key_of(2)).is_empty(), "a symlink is no note");
        assert!(t.notes_for(&key_of(3)).is_empty(), "a gitlink is no note");
        assert_eq!(t.notes_for(&key_of(4)).len(), 2, "given twice");
        assert_eq!(t.subtrees_for(0xcd), [(0xcd, oid(3)), (0xcd, oid(4))]);
        assert_eq!(t.subtrees.len(), 2, "`xy` and `abc` are no fan-out");

        // One level down, names are two hex digits shorter.
        let raw = entry("100644", &"ef".repeat(19), 1);
        let t = index_raw_tree(&raw, 1).expect("valid tree");
        assert_eq!(t.notes.len(), 1);
        assert!(index_raw_tree(&raw, 0).expect("valid").notes.is_empty());
    }

    #[test]
    fn a_broken_tree_is_refused() {
        let mut raw = entry("100644", &"ab".repeat(20), 1);
        raw.truncate(raw.len() - 1);
        assert!(index_raw_tree(&raw, 0).is_none());
        assert!(index_raw_tree(b"100644 no-nul", 0).is_none());
    }

    #[test]
    fn hex_names() {
        assert_eq!(
            decode_hex(b"0aFf").map(|k| k[..2].to_vec()),
            Some(vec![0x0a, 0xff])
        );
        assert_eq!(decode_hex(b"0g"), None);
        assert_eq!(decode_hex(b"abc"), None);
        assert_eq!(decode_hex("ab".repeat(21).as_bytes()), None);
    }
}
