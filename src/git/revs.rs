//! Turning revision arguments as git takes them (`HEAD`, `main`, `A..B`, `A...B`, `^A`,
//! `--all`) into commit ids in exactly `git log`'s default order.
//!
//! git pops commits from a list kept in committer-date order, newest first, where a commit of
//! equal date goes after those already there; start points are stable-sorted by date first.
//! libgit2's own time sort breaks ties differently, so the order is computed here, and so is
//! what a range excludes ([`super::limit`]).

use super::commitgraph::CommitGraph;
use super::limit;
use super::object::{Links, parse_links};
use super::objects::Objects;
use super::pack::{Kind, Packs};
use super::{Context, GitError, peel_to_commit_id, resolve_commit_id};
use super::{ObjectId, Repo};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

/// Which commits to walk.
#[derive(Debug, Clone, Default)]
pub struct RevSelection {
    /// Revisions as given; empty means `HEAD` (unless `all`).
    pub revs: Vec<String>,
    /// Every ref and `HEAD`, like `git log --all`.
    pub all: bool,
    /// With excluded commits, hand out each commit as the walk lists it, before the walk
    /// knows whether a late mark will drop it (git drops such commits from its output):
    /// the caller asks [`Walk::dropped`] at the end. Lets a hook judge while it walks.
    pub tentative: bool,
}

/// A commit waiting in the walk's list.
struct Pending {
    key: DateKey,
    id: ObjectId,
    parents: Parents,
    /// The commit's bytes when the walk had to read it, so nobody reads it twice.
    raw: Option<Vec<u8>>,
    /// Its root tree, read from those bytes.
    tree: Option<ObjectId>,
}

/// One commit of the walk: its id, and its raw bytes when the walk read them.
pub struct Walked {
    /// The commit.
    pub(crate) id: ObjectId,
    /// The raw commit object, when the walk read it (commits not in a commit-graph).
    pub(crate) raw: Option<Vec<u8>>,
    /// Tree, parents and date as the walk read them from `raw`, when it did.
    pub(crate) links: Option<Links>,
}

impl Walked {
    /// The commit.
    pub fn id(&self) -> ObjectId {
        self.id
    }

    /// The raw commit object, when the walk read it.
    pub fn raw(&self) -> Option<&[u8]> {
        self.raw.as_deref()
    }
}

/// A waiting commit's parents: positions in the commit-graph (followed without a search), or
/// ids read from the commit itself.
enum Parents {
    InGraph(Vec<u32>),
    Ids(Vec<ObjectId>),
}

/// A place in git's date-ordered commit list: newest first, and among equal dates the first
/// one inserted first (git's insert-by-date and its priority queue's insertion counter).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct DateKey {
    pub(super) time: i64,
    pub(super) seq: u64,
}

impl PartialOrd for DateKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// Commit ids in `git log` order.
pub struct Walk<'r> {
    repo: &'r Repo,
    /// With excluded commits: the whole answer, worked out first as git does (see
    /// [`super::limit`]); otherwise commits are found as they are shown.
    listed: Option<VecDeque<limit::Listed>>,
    /// With excluded commits and [`RevSelection::tentative`]: the walk in progress.
    limited: Option<limit::Limited>,
    /// Commits already queued: those of the graph by position, others by id.
    seen: HashSet<ObjectId>,
    seen_in_graph: Vec<bool>,
    queue: BinaryHeap<Pending>,
    seq: u64,
    /// Parents of the commits queued in this step (with their queue sequence numbers), for
    /// [`Walk::want_ahead`].
    queued_parents: Vec<(u64, ObjectId)>,
    /// Parents and dates without reading commits, when the repository has a commit-graph.
    graph: Option<Arc<CommitGraph>>,
    /// The packs (and graph) every reader of this walk's commits shares.
    packs: Arc<Packs>,
    /// Reads commits the graph does not hold, unless shallow clones, grafts or replace refs
    /// change parents (then libgit2, which knows about them, reads them).
    objects: Option<Objects>,
    /// Reading a parent of the last commit returned failed: the walk's next answer.
    failed: Option<GitError>,
}

impl Walk<'_> {
    /// Commits a tentative walk handed out that git would not show (see
    /// [`RevSelection::tentative`]); complete once the walk has ended.
    pub fn dropped(&self) -> Vec<ObjectId> {
        self.limited
            .as_ref()
            .map_or_else(Vec::new, limit::Limited::dropped)
    }

    /// The packs and commit-graph this walk reads, to share with readers of its commits.
    pub fn packs(&self) -> Arc<Packs> {
        Arc::clone(&self.packs)
    }

    fn enqueue(&mut self, id: ObjectId) -> Result<(), GitError> {
        if let Some(pos) = self.graph.as_ref().and_then(|g| g.position(id.as_bytes())) {
            return self.enqueue_in_graph(pos);
        }
        if !self.seen.insert(id) {
            return Ok(());
        }
        self.enqueue_read(id)
    }

    fn enqueue_in_graph(&mut self, pos: u32) -> Result<(), GitError> {
        let Some(graph) = self.graph.clone() else {
            return Ok(());
        };
        let Some(seen) = self.seen_in_graph.get_mut(pos as usize) else {
            return Err(GitError::Corrupt(format!(
                "the commit-graph names commit {pos} of {}",
                graph.commits()
            )));
        };
        if std::mem::replace(seen, true) {
            return Ok(());
        }
        match graph.commit_at(pos) {
            Some((id, time, parents)) => {
                self.push(id, time, Parents::InGraph(parents), None, None);
                Ok(())
            }
            // A row that does not parse: read that commit itself.
            None => match graph.oid_at(pos) {
                Some(id) => self.enqueue_read(id),
                None => Err(GitError::Corrupt(format!(
                    "the commit-graph has no id for commit {pos}"
                ))),
            },
        }
    }

    fn enqueue_read(&mut self, id: ObjectId) -> Result<(), GitError> {
        let node = self.read_commit(id)?;
        self.push(
            id,
            node.time,
            Parents::Ids(node.parents),
            node.raw,
            node.tree,
        );
        Ok(())
    }

    /// Read a commit's date and parents from the packs (keeping its bytes, so nobody reads
    /// it twice), or from libgit2 where grafts and shallow cuts change parents.
    fn read_commit(&mut self, id: ObjectId) -> Result<limit::Node, GitError> {
        if let Some(objects) = self.objects.as_mut() {
            let raw = match self.packs.ahead.take(id) {
                Some(raw) => raw,
                None => {
                    let raw = objects.read(self.repo, id, Kind::Commit)?;
                    Rc::try_unwrap(raw).unwrap_or_else(|shared| shared.to_vec())
                }
            };
            let links = parse_links(id, &raw)?;
            return Ok(limit::Node {
                time: links.date,
                parents: links.parents,
                raw: Some(raw),
                tree: Some(links.tree),
            });
        }
        // Parents as libgit2 sees them (grafts, shallow cuts); the date as git orders by it.
        let commit = self
            .repo
            .raw
            .find_commit(id.oid())
            .context(|| format!("cannot read commit {id}"))?;
        let odb = self
            .repo
            .raw
            .odb()
            .context(|| "cannot open the object database".into())?;
        let raw = odb
            .read(id.oid())
            .context(|| format!("cannot read commit {id}"))?;
        let time = parse_links(id, raw.data())?.date;
        let parents = commit.parent_ids().map(ObjectId::from_oid).collect();
        Ok(limit::Node {
            time,
            parents,
            raw: None,
            tree: None,
        })
    }

    /// [`Walk::read_commit`] for the limited walk, from the commit-graph first when it holds
    /// the commit.
    fn read_node(&mut self, id: ObjectId) -> Result<limit::Node, GitError> {
        if let Some(graph) = &self.graph
            && let Some(pos) = graph.position(id.as_bytes())
            && let Some((_, time, parents)) = graph.commit_at(pos)
            && let Some(parents) = parents.iter().map(|&p| graph.oid_at(p)).collect()
        {
            return Ok(limit::Node {
                time,
                parents,
                raw: None,
                tree: None,
            });
        }
        self.read_commit(id)
    }

    /// Ask idle threads to read the parents of the commits just queued that wait behind the
    /// next one: the walk reaches them later, and takes them read. The next commit's own
    /// parents are read at once, so asking for them would only read them twice.
    fn want_ahead(&mut self) {
        if !self.packs.ahead.has_reader() {
            // Nobody reads ahead (one thread): no request, and no lookup in `seen` for one.
            self.queued_parents.clear();
            return;
        }
        let next = self.queue.peek().map(|p| p.key.seq);
        for (seq, id) in self.queued_parents.drain(..) {
            if Some(seq) != next && !self.seen.contains(&id) {
                self.packs.ahead.want(id);
            }
        }
    }

    fn push(
        &mut self,
        id: ObjectId,
        time: i64,
        parents: Parents,
        raw: Option<Vec<u8>>,
        tree: Option<ObjectId>,
    ) {
        if self.objects.is_some()
            && let Parents::Ids(ids) = &parents
        {
            self.queued_parents
                .extend(ids.iter().map(|&id| (self.seq, id)));
        }
        self.queue.push(Pending {
            key: DateKey {
                time,
                seq: self.seq,
            },
            id,
            parents,
            raw,
            tree,
        });
        self.seq += 1;
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<Walked, GitError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(listed) = self.listed.as_mut() {
            let (id, raw) = listed.pop_front()?;
            return Some(Ok(Walked {
                id,
                raw,
                links: None,
            }));
        }
        if let Some(mut limited) = self.limited.take() {
            let next = limited.next_listed(&mut |id| self.read_node(id));
            self.limited = Some(limited);
            return next.transpose().map(|r| {
                r.map(|(id, raw)| Walked {
                    id,
                    raw,
                    links: None,
                })
            });
        }
        // A parent that could not be read ends the walk after the commit naming it, as in git.
        if let Some(e) = self.failed.take() {
            self.queue.clear();
            return Some(Err(e));
        }
        let mut next = self.queue.pop()?;
        let result = match &next.parents {
            Parents::InGraph(positions) => {
                positions.iter().try_for_each(|&p| self.enqueue_in_graph(p))
            }
            Parents::Ids(ids) => ids.iter().try_for_each(|&id| self.enqueue(id)),
        };
        if let Err(e) = result {
            self.failed = Some(e);
        }
        self.want_ahead();
        let raw = next.raw.take();
        let links = match (&raw, next.parents, next.tree) {
            // Read from those bytes: the judge need not read them again.
            (Some(_), Parents::Ids(parents), Some(tree)) => Some(Links {
                tree,
                parents,
                date: next.key.time,
            }),
            _ => None,
        };
        Some(Ok(Walked {
            id: next.id,
            raw,
            links,
        }))
    }
}

/// The commits of a selection, newest first as `git log` lists them. `None` when the
/// selection is only an unborn `HEAD` (a repository without commits).
pub fn walk_revisions<'r>(
    repo: &'r Repo,
    sel: &RevSelection,
) -> Result<Option<Walk<'r>>, GitError> {
    let mut starts: Vec<ObjectId> = Vec::new();
    let mut hidden: Vec<ObjectId> = Vec::new();
    // Every tip in the order given, `true` for an excluded one: git's pending list.
    let mut tips: Vec<(ObjectId, bool)> = Vec::new();
    if sel.all {
        // git adds every ref in name order, then HEAD.
        let mut refs: Vec<(String, ObjectId)> = Vec::new();
        if let Ok(iter) = repo.raw.references() {
            for r in iter.flatten() {
                let target = r
                    .resolve()
                    .ok()
                    .and_then(|r| r.target())
                    .map(ObjectId::from_oid);
                if let (Some(name), Some(id)) = (r.name().map(str::to_string), target)
                    && let Ok(commit) = peel_to_commit_id(repo, id, &name)
                {
                    refs.push((name, commit));
                }
            }
        }
        refs.sort();
        starts.extend(refs.into_iter().map(|(_, id)| id));
        tips.extend(starts.iter().map(|&id| (id, false)));
        if let Some(id) = repo
            .raw
            .head()
            .ok()
            .and_then(|h| h.resolve().ok()?.target())
            && let Ok(head) = peel_to_commit_id(repo, ObjectId::from_oid(id), "HEAD")
        {
            starts.push(head);
            tips.push((head, false));
        }
    }
    for rev in &sel.revs {
        if let Some(shorthand) = parent_shorthand(repo, rev)? {
            for (id, hide) in shorthand {
                if hide {
                    hidden.push(id);
                } else {
                    starts.push(id);
                }
                tips.push((id, hide));
            }
            continue;
        }
        if let Some(hide) = rev.strip_prefix('^') {
            let h = id(repo, hide)?;
            hidden.push(h);
            tips.push((h, true));
        } else if let Some((a, b)) = rev.split_once("...") {
            let (a, b) = (id(repo, or_head(a))?, id(repo, or_head(b))?);
            // git adds the merge bases before the two sides.
            if let Ok(bases) = repo.raw.merge_bases(a.oid(), b.oid()) {
                for base in bases.iter().copied().map(ObjectId::from_oid) {
                    hidden.push(base);
                    tips.push((base, true));
                }
            }
            starts.extend([a, b]);
            tips.extend([(a, false), (b, false)]);
        } else if let Some((a, b)) = rev.split_once("..") {
            let (a, b) = (id(repo, or_head(a))?, id(repo, or_head(b))?);
            hidden.push(a);
            starts.push(b);
            tips.extend([(a, true), (b, false)]);
        } else {
            let s = id(repo, rev)?;
            starts.push(s);
            tips.push((s, false));
        }
    }
    if sel.revs.is_empty() && !sel.all {
        match repo.raw.head() {
            Ok(head) => {
                let id = head
                    .resolve()
                    .ok()
                    .and_then(|h| h.target())
                    .map(ObjectId::from_oid)
                    .ok_or_else(|| GitError::Corrupt("HEAD names no object".into()))?;
                let head = peel_to_commit_id(repo, id, "HEAD")?;
                starts.push(head);
                tips.push((head, false));
            }
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => return Ok(None),
            Err(e) => {
                return Err(GitError::UnknownRevision {
                    rev: "HEAD".into(),
                    message: e.message().into(),
                });
            }
        }
    }

    let plain = plain_history(repo);
    let graph = plain.then(|| usable_graph(repo)).flatten().map(Arc::new);
    let packs = Arc::new(Packs::open(
        &repo.raw.commondir().join("objects"),
        graph.clone(),
    ));
    let mut walk = Walk {
        objects: plain.then(|| Objects::new(Arc::clone(&packs))),
        failed: None,
        packs,
        repo,
        listed: None,
        limited: None,
        seen: HashSet::new(),
        queue: BinaryHeap::new(),
        queued_parents: Vec::new(),
        seq: 0,
        seen_in_graph: vec![false; graph.as_ref().map_or(0, |g| g.commits() as usize)],
        graph,
    };
    if !hidden.is_empty() {
        if sel.tentative {
            walk.limited = Some(limit::Limited::start(&tips, &mut |id| walk.read_node(id))?);
            return Ok(Some(walk));
        }
        let listed = limit::limited_walk(&tips, &mut |id| walk.read_node(id))?;
        walk.listed = Some(listed.into_iter().collect());
        return Ok(Some(walk));
    }
    // Start points keep their given order among equal dates: the heap's insertion sequence
    // does exactly what git's stable sort by date does.
    for start in starts {
        walk.enqueue(start)?;
    }
    Ok(Some(walk))
}

/// Whether parents are exactly what the commits say: not in a shallow clone, nor with grafts
/// or replaced objects (which git, and libgit2 for shallow clones, apply on top).
fn plain_history(repo: &Repo) -> bool {
    !(repo.is_shallow()
        || repo.raw.commondir().join("info/grafts").exists()
        || repo
            .raw
            .references_glob("refs/replace/*")
            .map_or(true, |mut r| r.next().is_some()))
}

/// The repository's commit-graph, unless switched off (`core.commitGraph=false`). Only for
/// a plain history: the graph does not know about grafts, replacements or shallow cuts.
fn usable_graph(repo: &Repo) -> Option<CommitGraph> {
    if super::config_string(repo, "core.commitGraph").is_some_and(|v| v == "false") {
        return None;
    }
    match CommitGraph::open(&repo.raw.commondir().join("objects")) {
        Ok(graph) => graph,
        Err(why) => {
            super::integrity::warn(format!(
                "warning: {why}: not used, commits are read instead"
            ));
            None
        }
    }
}

/// git's shorthands for a commit's parents, as its `handle_revision_arg` reads them: `X^@` is
/// X's parents, `X^!` X without its parents, `X^-N` (`X^-`: N = 1) X without its Nth parent;
/// a leading `^` turns each tip the other way. The tips in git's order (the parents first,
/// in parent order), `true` for an excluded one; `None` when `rev` is none of these.
fn parent_shorthand(repo: &Repo, rev: &str) -> Result<Option<Vec<(ObjectId, bool)>>, GitError> {
    let (rev, negated) = match rev.strip_prefix('^') {
        Some(rest) => (rest, true),
        None => (rev, false),
    };
    // `without`: the commit itself shown and (some of) its parents excluded, rather than the
    // parents alone shown.
    let (base, without, only) = if let Some(base) = rev.strip_suffix("^@") {
        (base, false, None)
    } else if let Some(base) = rev.strip_suffix("^!") {
        (base, true, None)
    } else if let Some((base, n)) = rev.rsplit_once("^-") {
        let bad = || GitError::UnknownRevision {
            rev: rev.to_string(),
            message: "`^-` takes a parent number of 1 or more".into(),
        };
        let n = match n {
            "" => 1,
            n => n
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(bad)?,
        };
        (base, true, Some(n))
    } else {
        return Ok(None);
    };
    let id = resolve_commit_id(repo, or_head(base))?;
    let commit = repo
        .raw
        .find_commit(id.oid())
        .context(|| format!("cannot read commit {id}"))?;
    let parents: Vec<ObjectId> = commit.parent_ids().map(ObjectId::from_oid).collect();
    let parents = match only {
        Some(n) => vec![
            *parents
                .get(n - 1)
                .ok_or_else(|| GitError::UnknownRevision {
                    rev: rev.to_string(),
                    message: format!("commit {id} has no parent number {n}"),
                })?,
        ],
        None => parents,
    };
    let mut tips: Vec<(ObjectId, bool)> = parents
        .into_iter()
        .map(|p| (p, without != negated))
        .collect();
    if without {
        tips.push((id, negated));
    }
    Ok(Some(tips))
}

fn or_head(s: &str) -> &str {
    if s.is_empty() { "HEAD" } else { s }
}

fn id(repo: &Repo, rev: &str) -> Result<ObjectId, GitError> {
    resolve_commit_id(repo, rev)
}
