//! Ref lookups that decide which policy is trusted: exact ref names, git's short-name
//! candidates (checked for ambiguity, never guessed in libgit2's order), files in a commit's
//! tree that must be regular files, and chains of symbolic refs on a server.

use super::{Context, GitError};
use super::{ObjectId, Repo};
use git2::{ErrorCode, ObjectType, ReferenceType};
use std::collections::HashMap;

/// How strictly a policy revision must be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// Only a full ref name (`refs/heads/main`) or a full object id: what server hooks accept,
    /// so that no ref a pusher creates can stand in for the one meant.
    Exact,
    /// Also a short name or an abbreviated id, when exactly one of git's candidates exists.
    Unambiguous,
}

/// Why a policy revision does not name one commit.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RevError {
    /// Not a full ref name or full object id, where one is required.
    #[error("`{0}` is neither a full ref name nor a full object id")]
    NotExact(String),
    /// More than one of git's candidates exists (or a hex revision is also a ref name).
    #[error("`{rev}` is ambiguous: {}", .candidates.join(", "))]
    Ambiguous {
        /// As written.
        rev: String,
        /// Every existing candidate (an object id is listed as `object id`).
        candidates: Vec<String>,
    },
    /// No ref or object of that name.
    #[error("unknown revision `{0}`")]
    Unknown(String),
    /// Syntax trailgate does not resolve for a policy (`@{...}`, `:/text`, ...).
    #[error("`{0}` uses revision syntax that is not supported for a policy")]
    Unsupported(String),
    /// Reading the repository failed.
    #[error(transparent)]
    Git(#[from] GitError),
}

/// git's candidates for a short name, in git's order (`refs.c`, `ref_rev_parse_rules`).
pub(crate) fn short_name_candidates(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    // The name itself only for root refs such as `HEAD` or `FETCH_HEAD`.
    if name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        out.push(name.to_string());
    }
    for pattern in [
        "refs/{}",
        "refs/tags/{}",
        "refs/heads/{}",
        "refs/remotes/{}",
        "refs/remotes/{}/HEAD",
    ] {
        out.push(pattern.replace("{}", name));
    }
    out
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_full_id(s: &str) -> bool {
    is_hex(s) && (s.len() == 40 || s.len() == 64)
}

/// The object a ref points to (through symbolic refs), exactly by its full name; `None` when
/// there is no such ref or it points nowhere (an unborn branch).
pub(crate) fn exact_ref(repo: &Repo, name: &str) -> Result<Option<ObjectId>, GitError> {
    let found = match repo.raw.find_reference(name) {
        Ok(r) => r.resolve(),
        Err(e) => Err(e),
    };
    match found {
        Ok(r) => Ok(r.target().map(ObjectId::from_oid)),
        Err(e) if matches!(e.code(), ErrorCode::NotFound | ErrorCode::InvalidSpec) => Ok(None),
        Err(e) => Err(GitError::libgit2(format!("cannot read ref {name}"), e)),
    }
}

/// `id` peeled to a commit by libgit2, which parses what it peels: stricter than
/// [`super::peel_to_commit_id`], as a policy's commit must be, and with the policy's errors.
fn peel_commit(repo: &Repo, id: ObjectId, rev: &str) -> Result<ObjectId, RevError> {
    let object = match repo.raw.find_object(id.oid(), None) {
        Ok(o) => o,
        Err(e) if e.code() == ErrorCode::NotFound => return Err(RevError::Unknown(rev.into())),
        Err(e) => {
            return Err(GitError::libgit2(format!("cannot read {rev}"), e).into());
        }
    };
    let commit = object
        .peel(ObjectType::Commit)
        .context(|| format!("`{rev}` does not name a commit"))?;
    Ok(ObjectId::from_oid(commit.id()))
}

/// The commit a policy revision names. A revision may end in `~N` / `^N` steps, applied once
/// its name has been resolved by these rules.
pub(crate) fn resolve_policy_rev(
    repo: &Repo,
    rev: &str,
    naming: Naming,
) -> Result<ObjectId, RevError> {
    let (base, steps) = rev.split_at(rev.find(['~', '^']).unwrap_or(rev.len()));
    if naming == Naming::Exact {
        if !steps.is_empty() || !(is_full_id(base) || base.starts_with("refs/")) {
            return Err(RevError::NotExact(rev.into()));
        }
        let id = if is_full_id(base) {
            ObjectId::from_hex(base).map_err(|_| RevError::NotExact(rev.into()))?
        } else {
            exact_ref(repo, base)?.ok_or_else(|| RevError::Unknown(rev.into()))?
        };
        return peel_commit(repo, id, rev);
    }
    if base.is_empty() || base.contains("@{") || base.contains(':') || base.starts_with('/') {
        return Err(RevError::Unsupported(rev.into()));
    }
    let base = if base == "@" { "HEAD" } else { base };
    let id = if base.starts_with("refs/") {
        exact_ref(repo, base)?.ok_or_else(|| RevError::Unknown(rev.into()))?
    } else {
        let mut existing = Vec::new();
        for candidate in short_name_candidates(base) {
            if exact_ref(repo, &candidate)?.is_some() {
                existing.push(candidate);
            }
        }
        if is_hex(base) && !existing.is_empty() {
            existing.insert(0, format!("object id {base}"));
        }
        match existing.as_slice() {
            [] if is_full_id(base) => {
                ObjectId::from_hex(base).map_err(|_| RevError::Unknown(rev.into()))?
            }
            [] if is_hex(base) && base.len() >= 4 => match repo
                .raw
                .find_object_by_prefix(base, None)
            {
                Ok(o) => ObjectId::from_oid(o.id()),
                Err(e) if e.code() == ErrorCode::Ambiguous => {
                    return Err(RevError::Ambiguous {
                        rev: rev.into(),
                        candidates: vec![format!("several objects whose ids start with {base}")],
                    });
                }
                Err(_) => return Err(RevError::Unknown(rev.into())),
            },
            [] => return Err(RevError::Unknown(rev.into())),
            [one] => exact_ref(repo, one)?.ok_or_else(|| RevError::Unknown(rev.into()))?,
            _ => {
                return Err(RevError::Ambiguous {
                    rev: rev.into(),
                    candidates: existing,
                });
            }
        }
    };
    if steps.is_empty() {
        return peel_commit(repo, id, rev);
    }
    // The name is settled; libgit2 only walks the `~`/`^` steps from a full id.
    let object = repo
        .raw
        .revparse_single(&format!("{id}{steps}"))
        .map_err(|_| RevError::Unknown(rev.into()))?;
    peel_commit(repo, ObjectId::from_oid(object.id()), rev)
}

/// What a path names in a commit's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TreeFile {
    /// Nothing at that path.
    Missing,
    /// A regular file (mode 100644 or 100755) and its contents.
    File(Vec<u8>),
    /// Something else: the path of the entry in the way and what it is.
    NotAFile {
        /// The entry (the path itself, or a directory above it).
        path: String,
        /// `a symbolic link`, `a directory`, `a submodule (gitlink)`.
        kind: &'static str,
    },
}

fn kind_of(mode: i32) -> &'static str {
    match mode {
        0o120000 => "a symbolic link",
        0o040000 => "a directory",
        0o160000 => "a submodule (gitlink)",
        _ => "an entry of an unknown mode",
    }
}

/// Every path in `commit`'s tree as path patterns see it: files and symbolic links as they
/// are, submodules with a trailing `/` (git's index calls them directories).
pub fn tree_paths(repo: &Repo, commit: ObjectId) -> Result<Vec<Vec<u8>>, GitError> {
    let tree_id = repo
        .raw
        .find_commit(commit.oid())
        .context(|| format!("cannot read commit {commit}"))?
        .tree_id();
    let mut paths = Vec::new();
    // Directories still to list, with their path and a `/` (empty at the root).
    let mut pending = vec![(tree_id, Vec::new())];
    while let Some((id, prefix)) = pending.pop() {
        let tree = repo
            .raw
            .find_tree(id)
            .context(|| format!("cannot read tree {id} of commit {commit}"))?;
        for entry in tree.iter() {
            let mut path = prefix.clone();
            path.extend_from_slice(entry.name_bytes());
            match entry.filemode() {
                0o040000 => {
                    path.push(b'/');
                    pending.push((entry.id(), path));
                }
                0o160000 => {
                    path.push(b'/');
                    paths.push(path);
                }
                _ => paths.push(path),
            }
        }
    }
    Ok(paths)
}

/// The file at `path` in `commit`'s tree. Every component is looked up in turn, so a symbolic
/// link or submodule standing where a directory of the path should be is reported, never
/// taken for a missing file.
pub(crate) fn read_tree_file(
    repo: &Repo,
    commit: ObjectId,
    path: &str,
) -> Result<TreeFile, GitError> {
    let tree_id = repo
        .raw
        .find_commit(commit.oid())
        .context(|| format!("cannot read commit {commit}"))?
        .tree_id();
    let mut tree = repo
        .raw
        .find_tree(tree_id)
        .context(|| format!("cannot read tree {tree_id} of commit {commit}"))?;
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let mut walked = String::new();
    for (i, part) in parts.iter().enumerate() {
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(part);
        let Some((mode, id)) = tree.get_name(part).map(|e| (e.filemode(), e.id())) else {
            return Ok(TreeFile::Missing);
        };
        let last = i + 1 == parts.len();
        if last && (mode == 0o100644 || mode == 0o100755) {
            let blob = repo
                .raw
                .find_blob(id)
                .context(|| format!("cannot read {commit}:{path}"))?;
            return Ok(TreeFile::File(blob.content().to_vec()));
        }
        if last || mode != 0o040000 {
            return Ok(TreeFile::NotAFile {
                path: walked,
                kind: kind_of(mode),
            });
        }
        tree = repo
            .raw
            .find_tree(id)
            .context(|| format!("cannot read {commit}:{walked}"))?;
    }
    Ok(TreeFile::Missing)
}

/// Every ref whose name is `wanted` and that peels to a commit, by name, with that commit:
/// what a server already holds. A ref that cannot be read fails the whole list (it might be
/// a wanted one).
pub(crate) fn references(
    repo: &Repo,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, ObjectId)>, GitError> {
    let refs = repo
        .raw
        .references()
        .context(|| "cannot list refs".into())?;
    let mut out = Vec::new();
    for r in refs {
        let r = r.context(|| "cannot read a ref".into())?;
        // Named first: peeling reads the object (an annotated tag, a commit), and a server
        // may hold thousands of refs of which a policy protects a few.
        let Some(name) = r.name().filter(|n| wanted(n)) else {
            continue;
        };
        let Ok(commit) = r.peel_to_commit() else {
            continue;
        };
        out.push((name.to_string(), ObjectId::from_oid(commit.id())));
    }
    Ok(out)
}

/// The objects the tracking refs of `remote` (`refs/remotes/REMOTE/*`) point to directly;
/// refs that cannot be read, or symbolic ones, are left out.
pub(crate) fn remote_tips(repo: &Repo, remote: &str) -> Vec<ObjectId> {
    let Ok(refs) = repo
        .raw
        .references_glob(&format!("refs/remotes/{remote}/*"))
    else {
        return Vec::new();
    };
    refs.flatten()
        .filter_map(|r| r.target().map(ObjectId::from_oid))
        .collect()
}

/// Where git stores the refs of namespace `ns`: `a/b` is `refs/namespaces/a/refs/namespaces/b/`.
fn namespace_prefix(ns: &[u8]) -> Vec<u8> {
    let mut prefix = Vec::new();
    for part in ns.split(|&b| b == b'/').filter(|p| !p.is_empty()) {
        prefix.extend_from_slice(b"refs/namespaces/");
        prefix.extend_from_slice(part);
        prefix.push(b'/');
    }
    prefix
}

/// The symbolic refs of a repository, `HEAD` among them: what a push to one name really
/// updates, followed through chains and loops alike.
#[derive(Debug, Clone, Default)]
pub(crate) struct Symrefs(HashMap<String, String>);

impl Symrefs {
    /// Read every symbolic ref (they are few; packed refs are never symbolic). In a namespace
    /// (`GIT_NAMESPACE`), names are what git gives hooks, relative to the namespace; targets
    /// are stored in full, so they are made relative too, else `master -> main` inside a
    /// namespace would be no alias of the `main` the hook is told about.
    pub(crate) fn read(repo: &Repo) -> Result<Symrefs, GitError> {
        let prefix = repo.raw.namespace_bytes().map(namespace_prefix);
        let relative = |target: &[u8]| -> String {
            let target = prefix
                .as_deref()
                .and_then(|p| target.strip_prefix(p))
                .unwrap_or(target);
            String::from_utf8_lossy(target).into_owned()
        };
        let mut map = HashMap::new();
        // A ref that cannot be read might be a symbolic ref into a protected branch: fail.
        let mut all = vec![
            repo.raw
                .find_reference("HEAD")
                .context(|| "cannot read HEAD".into())?,
        ];
        for r in repo
            .raw
            .references()
            .context(|| "cannot list refs".into())?
        {
            all.push(r.context(|| "cannot read a ref".into())?);
        }
        for r in all {
            if r.kind() != Some(ReferenceType::Symbolic) {
                continue;
            }
            if let Some(target) = r.symbolic_target_bytes() {
                map.insert(
                    String::from_utf8_lossy(r.name_bytes()).into_owned(),
                    relative(target),
                );
            }
        }
        Ok(Symrefs(map))
    }

    /// A symbolic ref from `from` to `to`.
    #[cfg(test)]
    pub(crate) fn insert(&mut self, from: &str, to: &str) {
        self.0.insert(from.into(), to.into());
    }

    /// The names a chain from `name` visits, `name` first; `true` when it loops.
    fn chain(&self, name: &str) -> (Vec<String>, bool) {
        let mut seen = vec![name.to_string()];
        let mut at = name;
        while let Some(next) = self.0.get(at) {
            if seen.iter().any(|s| s == next) {
                return (seen, true);
            }
            seen.push(next.clone());
            at = next;
        }
        (seen, false)
    }

    /// Where an update of `name` lands: the direct ref at the end of its chain, or, for a
    /// chain that loops, the smallest name on the loop (the same for every way into it).
    pub(crate) fn landing(&self, name: &str) -> String {
        let (chain, loops) = self.chain(name);
        if !loops {
            return chain.last().cloned().unwrap_or_else(|| name.to_string());
        }
        // The loop closes where the last name points back into the chain.
        let start = chain
            .last()
            .and_then(|last| self.0.get(last))
            .and_then(|back| chain.iter().position(|c| c == back))
            .unwrap_or(0);
        chain[start..]
            .iter()
            .min()
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// Every name whose update lands where an update of `name` does: `name`, the refs its
    /// chain passes through, and every symbolic ref that leads to the same place.
    pub(crate) fn aliases(&self, name: &str) -> Vec<String> {
        let landing = self.landing(name);
        let mut out = self.chain(name).0;
        out.push(landing.clone());
        let mut others: Vec<&String> = self
            .0
            .keys()
            .filter(|s| self.landing(s) == landing)
            .collect();
        others.sort();
        for s in others {
            out.extend(self.chain(s).0);
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|n| seen.insert(n.clone()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    #[test]
    fn aliases_follow_chains_both_ways_and_stop_at_loops() {
        let mut s = Symrefs::default();
        s.insert("HEAD", "refs/heads/main");
        s.insert("refs/heads/master", "refs/heads/main");
        s.insert("refs/heads/trunk", "refs/heads/master");
        s.insert("refs/heads/a", "refs/heads/b");
        s.insert("refs/heads/b", "refs/heads/a");
        s.insert("refs/heads/c", "refs/heads/a");
        let main = sorted(vec![
            "HEAD".into(),
            "refs/heads/main".into(),
            "refs/heads/master".into(),
            "refs/heads/trunk".into(),
        ]);
        for name in ["refs/heads/main", "refs/heads/trunk", "HEAD"] {
            assert_eq!(sorted(s.aliases(name)), main, "{name}");
        }
        assert_eq!(s.landing("refs/heads/trunk"), "refs/heads/main");
        let looped = sorted(vec![
            "refs/heads/a".into(),
            "refs/heads/b".into(),
            "refs/heads/c".into(),
        ]);
        assert_eq!(sorted(s.aliases("refs/heads/c")), looped);
        assert_eq!(sorted(s.aliases("refs/heads/b")), looped);
        assert_eq!(s.aliases("refs/heads/dev"), ["refs/heads/dev"]);
    }

    #[test]
    fn candidates_are_gits() {
        assert_eq!(
            short_name_candidates("main"),
            [
                "refs/main",
                "refs/tags/main",
                "refs/heads/main",
                "refs/remotes/main",
                "refs/remotes/main/HEAD"
            ]
        );
        assert_eq!(short_name_candidates("HEAD")[0], "HEAD");
    }
}
