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
use git2::{ObjectType, Oid, Repository};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Largest notes tree object read, in bytes: a flat tree of 200,000 notes is about 14 MB; git
/// fans notes out long before a real notes ref gets there.
pub const MAX_NOTES_TREE_BYTES: usize = 64 << 20;

/// One note found for a commit: its ref, its format, and its text or why it cannot be read.
pub type FoundNote = (String, NoteFormat, Result<Vec<u8>, String>);

/// The session-metadata notes refs of one run and what has been read of them.
pub struct NotesReader {
    refs: Vec<NotesRef>,
    /// Indexed trees by (tree id, bytes of the object id its path already spells).
    trees: Mutex<HashMap<(Oid, usize), Indexed>>,
}

/// A tree indexed, or why it cannot be read; shared with lookups in progress.
type Indexed = Arc<Result<NotesTree, String>>;

/// One raw tree entry.
struct TreeEntry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: Oid,
}

struct NotesRef {
    name: String,
    format: NoteFormat,
    /// The notes commit's root tree, or why it cannot be read.
    root: Result<Oid, String>,
}

/// One tree of a notes ref, indexed: notes by the rest of the object id they are for, and
/// fan-out subtrees by the next byte of it.
#[derive(Default)]
struct NotesTree {
    notes: HashMap<[u8; 20], Slot>,
    subtrees: HashMap<u8, Vec<Oid>>,
}

#[derive(Clone, Copy)]
enum Slot {
    Blob(Oid),
    /// Two entries name the same object (e.g. `AB…` and `ab…`).
    Twice,
}

impl NotesReader {
    /// The given notes refs (with their formats) that exist in `repo`, each resolved once.
    pub fn open(repo: &Repository, refs: &[(&str, NoteFormat)]) -> NotesReader {
        let refs = refs
            .iter()
            .filter_map(|&(name, format)| {
                let target = repo.refname_to_id(name).ok()?;
                let root = repo
                    .find_commit(target)
                    .map(|c| c.tree_id())
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
        }
    }

    /// The note of `commit` under each notes ref that has one.
    pub fn notes_of(&self, repo: &Repository, commit: Oid) -> Vec<FoundNote> {
        let mut found = Vec::new();
        for r in &self.refs {
            let text = match &r.root {
                Err(reason) => Some(Err(reason.clone())),
                Ok(root) => match self.lookup(repo, *root, commit) {
                    Ok(None) => None,
                    Ok(Some(blob)) => Some(read_note(repo, blob)),
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
    fn lookup(&self, repo: &Repository, root: Oid, commit: Oid) -> Result<Option<Oid>, String> {
        let id = commit.as_bytes();
        let mut found: Option<Oid> = None;
        let mut twice = false;
        let mut pending = vec![(root, 0usize)];
        while let Some((tree, depth)) = pending.pop() {
            let indexed = self.indexed(repo, tree, depth);
            let indexed = indexed.as_ref().as_ref().map_err(Clone::clone)?;
            match indexed.notes.get(&key(&id[depth..])) {
                Some(Slot::Blob(blob)) if found.is_none() => found = Some(*blob),
                Some(_) => twice = true,
                None => {}
            }
            if depth + 1 < id.len()
                && let Some(subtrees) = indexed.subtrees.get(&id[depth])
            {
                pending.extend(subtrees.iter().map(|t| (*t, depth + 1)));
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
    fn indexed(&self, repo: &Repository, tree: Oid, depth: usize) -> Indexed {
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
fn index_tree(repo: &Repository, tree: Oid, depth: usize) -> Result<NotesTree, String> {
    let raw = read_limited(repo, tree, ObjectType::Tree, MAX_NOTES_TREE_BYTES)
        .map_err(|e| format!("notes tree {tree}: {e}"))?;
    let mut indexed = NotesTree::default();
    let rest_len = 20 - depth;
    let mut bytes = raw.as_slice();
    while !bytes.is_empty() {
        let (TreeEntry { mode, name, id }, next) = tree_entry(bytes)
            .ok_or_else(|| format!("notes tree {tree} is not a valid tree object"))?;
        bytes = next;
        let is_file = mode.starts_with(b"10");
        let is_dir = mode == b"40000" || mode == b"040000";
        if is_file && name.len() == 2 * rest_len {
            if let Some(rest) = decode_hex(name) {
                indexed
                    .notes
                    .entry(rest)
                    .and_modify(|slot| *slot = Slot::Twice)
                    .or_insert(Slot::Blob(id));
            }
        } else if is_dir
            && name.len() == 2
            && depth + 1 < 20
            && let Some(byte) = decode_hex(name)
        {
            indexed.subtrees.entry(byte[0]).or_default().push(id);
        }
    }
    Ok(indexed)
}

/// The first raw entry of `bytes`, and the bytes after it.
fn tree_entry(bytes: &[u8]) -> Option<(TreeEntry<'_>, &[u8])> {
    let space = memchr::memchr(b' ', bytes)?;
    let nul = space + 1 + memchr::memchr(0, &bytes[space + 1..])?;
    let id = Oid::from_bytes(bytes.get(nul + 1..nul + 21)?).ok()?;
    let entry = TreeEntry {
        mode: &bytes[..space],
        name: &bytes[space + 1..nul],
        id,
    };
    Some((entry, &bytes[nul + 21..]))
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
fn read_note(repo: &Repository, blob: Oid) -> Result<Vec<u8>, String> {
    read_limited(repo, blob, ObjectType::Blob, crate::notes::MAX_NOTE_BYTES)
        .map_err(|e| format!("note {blob}: {e}"))
}

/// The object `id` of kind `kind`, its size checked from its header before it is inflated.
fn read_limited(
    repo: &Repository,
    id: Oid,
    kind: ObjectType,
    max: usize,
) -> Result<Vec<u8>, String> {
    let read = || -> Result<Vec<u8>, GitError> {
        let odb = repo
            .odb()
            .context(|| "cannot open the object database".into())?;
        let (size, actual) = odb
            .read_header(id)
            .context(|| "cannot read the object".into())?;
        if actual != kind {
            return Err(GitError::Corrupt(format!("is a {actual}, not a {kind}")));
        }
        if size > max {
            return Err(GitError::Corrupt(format!(
                "{size} bytes is over the {} MiB limit",
                max >> 20
            )));
        }
        let object = odb.read(id).context(|| "cannot read the object".into())?;
        Ok(object.data().to_vec())
    };
    read().map_err(|e| match e {
        GitError::Git { context, source } => format!("{context}: {}", source.message()),
        other => other.to_string(),
    })
}
