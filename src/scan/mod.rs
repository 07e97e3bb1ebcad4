//! The scan pipeline: a history judged commit by commit ([`crate::judge`]) and handed on as
//! records. Commits are judged in ordered chunks across threads (one repository handle each),
//! the walking thread among them, and handed on in walk order, so memory stays flat and output
//! is the same whatever the thread count.

use crate::engine::baseline::Baseline;
use crate::engine::policy::Policy;
use crate::engine::record::CommitRecord;
use crate::git::{self, GitError, Repo, RepoSource, RevSelection};
use crate::git::{Packs, Walked};
use crate::judge::{At, Judge, judge_parsed};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The revisions to walk, as `git log` takes them.
    pub selection: RevSelection,
    /// Only commits whose committer time is at or after this.
    pub since: Option<Timestamp>,
    /// Only commits whose committer time is at or before this.
    pub until: Option<Timestamp>,
    /// Evaluation time.
    pub at: At,
    /// Threads judging commits, the walker among them (0: one per core).
    pub threads: usize,
    /// Findings accepted earlier (`--baseline`): reported as `baselined`.
    pub baseline: Option<Arc<Baseline>>,
}

/// Commits per unit of work handed to a worker: large enough that handing over costs little,
/// small enough to keep memory flat.
const CHUNK: usize = 256;

/// Chunks between two releases of mapped pack pages: memory stays flat on long histories,
/// and the pages come back from the page cache at the cost of a minor fault.
const RELEASE_EVERY: usize = 16;

/// How long a worker with nothing to judge or read ahead waits for a chunk before it looks
/// for commits to read ahead again: briefly at first, twice as long each time it finds
/// nothing, up to the longest (a scan whose output waits on a pager costs next to no CPU).
const IDLE_WAIT: std::time::Duration = std::time::Duration::from_micros(200);
const IDLE_WAIT_LONGEST: std::time::Duration = std::time::Duration::from_millis(50);

/// What a worker does next.
enum Next {
    Chunk(Chunk),
    /// Nothing to judge yet.
    Wait,
    /// The walk is over (or has stopped).
    End,
}

/// Errors that stop a scan.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Reading git failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// Writing the report failed.
    /// The cause is the error's source: `{:#}` prints it once, after this.
    #[error("cannot write the report")]
    Output(#[from] std::io::Error),
}

/// One commit's outcome on a worker: skipped by date, or judged and rendered.
type Judged = Result<Option<(CommitRecord, Vec<u8>)>, GitError>;

/// What a sink gives back: a record and rendering it does not keep. They go back to the
/// worker that made them to be freed there, as freeing memory on another thread costs the
/// allocator more than the freeing itself.
pub type Spent = Option<(CommitRecord, Vec<u8>)>;

/// Where the judged commits go, in walk order.
pub type Sink<'a> = dyn FnMut(CommitRecord, Vec<u8>) -> std::io::Result<Spent> + 'a;

/// A numbered chunk of the walk, or the error that ended it.
type Chunk = (usize, Result<Vec<Walked>, GitError>);

/// Scan the selected history. Each commit is judged and rendered (`render`) on a worker
/// thread, then handed to `sink` with its rendering, in walk order.
///
/// Three kinds of thread: a walker (with its own repository handle) reads the history and
/// numbers chunks of commits; workers judge and render chunks, and so does the walker when
/// they fall behind (one thread judging per core in all, so none waits for a core), while
/// a worker with nothing to judge reads ahead commits the walker will reach; the
/// calling thread puts the results back in order and writes them. The walker may be at most
/// a few chunks ahead of the writer, so memory stays flat however long the history.
pub fn scan(
    repo: &Repo,
    policy: &Policy,
    opts: &ScanOptions,
    render: &(dyn Fn(&CommitRecord) -> Vec<u8> + Sync),
    sink: &mut Sink<'_>,
) -> Result<(), ScanError> {
    let mut opts = opts.clone();
    // Only exact walks here: what is handed to `sink` is never taken back.
    opts.selection.tentative = false;
    let judge = Judge::new(repo, policy).with_baseline(opts.baseline.as_deref());
    scan_with(repo, &judge, &opts, render, sink).map(|_| ())
}

/// [`scan`] with a judge the caller made (a hook's, which has read its notes already).
/// Every thread opens its own handle as `repo` was opened, so a server hook's threads see
/// the quarantined objects of the push. With a tentative selection, returns the commits
/// handed to `sink` that the walk dropped in the end (the caller takes them back).
pub(crate) fn scan_with(
    repo: &Repo,
    judge: &Judge<'_>,
    opts: &ScanOptions,
    render: &(dyn Fn(&CommitRecord) -> Vec<u8> + Sync),
    sink: &mut Sink<'_>,
) -> Result<Vec<git::ObjectId>, ScanError> {
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let max_in_flight = threads * 4;
    let source = repo.source();
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(max_in_flight);
    let queue = Queue {
        chunks: Mutex::new(chunk_rx),
        waiting: AtomicUsize::new(0),
        helpers: threads - 1,
    };
    std::thread::scope(|s| {
        let (packs_tx, packs_rx) = mpsc::channel::<Result<Option<Arc<Packs>>, GitError>>();
        let (dropped_tx, dropped_rx) = mpsc::channel::<Vec<git::ObjectId>>();
        // One permit per chunk in flight: the writer hands one back for each chunk written.
        let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(max_in_flight);
        for _ in 0..max_in_flight {
            let _ = permit_tx.send(());
        }
        let (done_tx, done_rx) = mpsc::channel::<Done>();
        // Judge 0 is the walker, which judges too when the others fall behind; what the
        // writer is done with goes back to the judge that made it.
        let (spent_txs, mut spent_rxs): (Vec<_>, Vec<_>) =
            (0..threads).map(|_| mpsc::channel::<Vec<Spent>>()).unzip();
        let walker_spent = spent_rxs.remove(0);
        let judging = Judging {
            source: &source,
            judge,
            opts,
            render,
            queue: &queue,
            done: done_tx,
        };
        let walker_judging = Judging {
            done: judging.done.clone(),
            ..judging
        };
        let selection = &opts.selection;
        // The walker owns the chunk queue: when it returns, the queue closes and the workers end.
        s.spawn(move || {
            walker(
                selection,
                &walker_judging,
                &walker_spent,
                &packs_tx,
                chunk_tx,
                &permit_rx,
                &dropped_tx,
            );
        });
        let packs = match packs_rx.recv() {
            Ok(Ok(Some(packs))) => packs,
            Ok(Ok(None)) => return Ok(Vec::new()),
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => return Err(stopped()),
        };
        for (worker, spent_rx) in (1..threads).zip(spent_rxs) {
            let (judging, packs) = (judging.clone(), packs.clone());
            s.spawn(move || {
                let mut idle = IDLE_WAIT;
                loop {
                    // Free what the writer is done with, here where it was made.
                    spent_rx.try_iter().for_each(drop);
                    let chunk = match judging.next_chunk(&packs, &mut idle) {
                        Next::Chunk(chunk) => chunk,
                        Next::Wait => continue,
                        Next::End => break,
                    };
                    judging.queue.waiting.fetch_sub(1, Ordering::Relaxed);
                    if !judging.judge_chunk(&packs, worker, chunk) {
                        break;
                    }
                }
            });
        }
        drop(judging);
        // Returning drops `permit_tx`, which stops the walker, which stops the workers.
        write_in_order(&done_rx, &permit_tx, &spent_txs, sink)?;
        // The walker sent what it dropped before closing the chunk queue.
        Ok(dropped_rx.try_iter().flatten().collect())
    })
}

/// The chunks walked and not yet taken by a judge.
struct Queue {
    chunks: Mutex<mpsc::Receiver<Chunk>>,
    /// Chunks sent and not yet taken: the walker judges one itself when more wait than the
    /// workers will take next.
    waiting: AtomicUsize,
    /// Threads judging besides the walker.
    helpers: usize,
}

/// What every judging thread shares: how to judge, where chunks come from and results go.
#[derive(Clone)]
struct Judging<'a> {
    source: &'a RepoSource,
    judge: &'a Judge<'a>,
    opts: &'a ScanOptions,
    render: &'a (dyn Fn(&CommitRecord) -> Vec<u8> + Sync),
    queue: &'a Queue,
    done: mpsc::Sender<Done>,
}

impl Judging<'_> {
    /// Judge one chunk as judge number `judge_no`; false when the writer has stopped.
    fn judge_chunk(&self, packs: &Arc<Packs>, judge_no: usize, (index, chunk): Chunk) -> bool {
        let results = match chunk {
            Ok(commits) => {
                remember_trees(self.source, packs, &commits);
                commits
                    .into_iter()
                    .map(|w| judge_walked(self, packs, w))
                    .collect()
            }
            Err(e) => vec![Err(e)],
        };
        self.done.send((index, judge_no, results)).is_ok()
    }

    /// On a worker: the next chunk to judge. With none waiting, the worker reads ahead for
    /// the walk, else waits `idle` for a chunk (then looks for work again).
    fn next_chunk(&self, packs: &Arc<Packs>, idle: &mut std::time::Duration) -> Next {
        // The lock is held only to take a chunk, or while waiting briefly for one.
        let next = match self.queue.chunks.lock().map(|rx| rx.try_recv()) {
            Ok(Ok(chunk)) => Next::Chunk(chunk),
            Ok(Err(mpsc::TryRecvError::Empty)) if git::read_ahead(self.source, packs) => Next::Wait,
            Ok(Err(mpsc::TryRecvError::Empty)) => {
                match self.queue.chunks.lock().map(|rx| rx.recv_timeout(*idle)) {
                    Ok(Ok(chunk)) => Next::Chunk(chunk),
                    Ok(Err(mpsc::RecvTimeoutError::Timeout)) => {
                        *idle = (*idle * 2).min(IDLE_WAIT_LONGEST);
                        return Next::Wait;
                    }
                    _ => Next::End,
                }
            }
            _ => Next::End,
        };
        // Work found (or the end): after it, look again soon.
        *idle = IDLE_WAIT;
        next
    }

    /// On the walker: judge the oldest waiting chunk if more than `leave` wait. Returns
    /// whether it did (false also when the writer has stopped, so the walker goes on to
    /// find out).
    fn help(&self, packs: &Arc<Packs>, leave: usize) -> bool {
        if self.queue.waiting.load(Ordering::Relaxed) <= leave {
            return false;
        }
        // Never wait for the lock: a worker holding it may be waiting for the walker's next
        // chunk, and one taking a chunk leaves nothing to help with.
        let next = self.queue.chunks.try_lock().map(|rx| rx.try_recv());
        let Ok(Ok(chunk)) = next else { return false };
        self.queue.waiting.fetch_sub(1, Ordering::Relaxed);
        self.judge_chunk(packs, 0, chunk)
    }
}

/// Tell this worker's reader the root tree of every commit of a chunk: most commits' parents
/// are in the same chunk, and a parent's tree is then found without reading the parent.
fn remember_trees(source: &RepoSource, packs: &Arc<Packs>, commits: &[Walked]) {
    // Only a shortcut: without a worker, each tree is read where it is needed.
    let _ = git::with_worker(source, packs, |_, objects| {
        for w in commits {
            match (&w.links, &w.raw) {
                (Some(links), _) => objects.remember_tree(w.id, links.tree),
                (None, Some(raw)) => objects.remember_tree_of(w.id, raw),
                (None, None) => {}
            }
        }
    });
}

/// Judge and render one walked commit on this thread's handles.
fn judge_walked(judging: &Judging<'_>, packs: &Arc<Packs>, walked: Walked) -> Judged {
    let opts = judging.opts;
    git::with_worker(judging.source, packs, |r, objects| {
        let commit = match (&walked.raw, walked.links) {
            (Some(raw), Some(links)) => git::parse_walked_commit(walked.id, raw, links),
            (Some(raw), None) => git::parse_commit(walked.id, raw)?,
            (None, _) => git::read_commit(r, objects, walked.id)?,
        };
        // `--since`/`--until` limit by the date git walks by, as `git log` does.
        if !in_window(commit.shape.date, opts) {
            return Ok(None);
        }
        let record = judge_parsed(r, objects, judging.judge, commit, opts.at)?;
        let rendered = (judging.render)(&record);
        Ok(Some((record, rendered)))
    })?
}

/// The walker thread: walk the selection on its own repository handle and send numbered
/// chunks, each when a permit comes back; the first message says what packs to read. Between
/// chunks, and while it waits for a permit, it judges chunks the workers have not taken.
fn walker(
    selection: &RevSelection,
    judging: &Judging<'_>,
    spent: &mpsc::Receiver<Vec<Spent>>,
    packs_tx: &mpsc::Sender<Result<Option<Arc<Packs>>, GitError>>,
    chunks: mpsc::SyncSender<Chunk>,
    permits: &mpsc::Receiver<()>,
    dropped: &mpsc::Sender<Vec<git::ObjectId>>,
) {
    let repo = match judging.source.open() {
        Ok(r) => r,
        Err(e) => {
            let _ = packs_tx.send(Err(e));
            return;
        }
    };
    let mut walk = match git::walk_revisions(&repo, selection) {
        Ok(Some(walk)) => walk,
        Ok(None) => {
            let _ = packs_tx.send(Ok(None));
            return;
        }
        Err(e) => {
            let _ = packs_tx.send(Err(e));
            return;
        }
    };
    let packs = walk.packs();
    if packs_tx.send(Ok(Some(Arc::clone(&packs)))).is_err() {
        return;
    }
    // While it walks, the walker leaves each worker a chunk to take next and one more, so
    // none waits for it; when it cannot walk, it leaves one each; at the end, none.
    let workers = judging.queue.helpers;
    let leave_walking = if workers == 0 { 0 } else { workers + 1 };
    // Send a chunk once a permit is back, judging what waits in the meantime; then judge
    // while the workers are behind.
    let send = |chunk: Chunk| -> bool {
        loop {
            spent.try_iter().for_each(drop);
            match permits.try_recv() {
                Ok(()) => break,
                Err(mpsc::TryRecvError::Disconnected) => return false,
                // Nothing to judge here: wait for the permit.
                Err(mpsc::TryRecvError::Empty) if !judging.help(&packs, workers) => {
                    if permits.recv().is_err() {
                        return false;
                    }
                    break;
                }
                Err(mpsc::TryRecvError::Empty) => {}
            }
        }
        judging.queue.waiting.fetch_add(1, Ordering::Relaxed);
        if chunks.send(chunk).is_err() {
            return false;
        }
        while judging.help(&packs, leave_walking) {}
        true
    };
    for index in 0.. {
        let mut commits = Vec::with_capacity(CHUNK);
        let mut failed = None;
        for walked in (&mut walk).take(CHUNK) {
            match walked {
                Ok(w) => commits.push(w),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let last = failed.is_some() || commits.len() < CHUNK;
        if last {
            // Before the last chunk, so it is there when the writer is done.
            let _ = dropped.send(walk.dropped());
        }
        if commits.is_empty() && failed.is_none() {
            break;
        }
        if !send((index, Ok(commits))) {
            return;
        }
        if let Some(e) = failed {
            // The error goes in order, after the commits walked before it.
            if !send((index + 1, Err(e))) {
                return;
            }
        }
        if last {
            break;
        }
        if (index + 1) % RELEASE_EVERY == 0 {
            packs.release_pages();
        }
    }
    // Closing the queue ends the workers once it is empty; alone, the walker judges the rest.
    drop(chunks);
    while judging.help(&packs, 0) {}
}

/// A judged chunk: its number, the worker that judged it, the results.
type Done = (usize, usize, Vec<Judged>);

/// Hand results to `sink` in walk order, giving back a permit for every chunk written and
/// what the sink does not keep to the worker that made it.
fn write_in_order(
    done: &mpsc::Receiver<Done>,
    permits: &mpsc::SyncSender<()>,
    spent: &[mpsc::Sender<Vec<Spent>>],
    sink: &mut Sink<'_>,
) -> Result<(), ScanError> {
    let mut written = 0usize;
    let mut waiting: BTreeMap<usize, (usize, Vec<Judged>)> = BTreeMap::new();
    // The workers end (closing `done`) once the walker has sent its last chunk.
    while let Ok((index, worker, results)) = done.recv() {
        waiting.insert(index, (worker, results));
        while let Some((worker, results)) = waiting.remove(&written) {
            let mut given_back = Vec::with_capacity(results.len());
            for r in results {
                if let Some((record, rendered)) = r? {
                    given_back.push(sink(record, rendered)?);
                }
            }
            // A worker that has stopped frees nothing more: its share is freed here.
            if let Some(back) = spent.get(worker) {
                let _ = back.send(given_back);
            }
            written += 1;
            let _ = permits.try_send(());
        }
    }
    if waiting.is_empty() {
        Ok(())
    } else {
        Err(stopped())
    }
}

fn stopped() -> ScanError {
    ScanError::Output(std::io::Error::other("a scan thread stopped unexpectedly"))
}

fn in_window(time: i64, opts: &ScanOptions) -> bool {
    let t = Timestamp::from_second(time).unwrap_or(Timestamp::UNIX_EPOCH);
    opts.since.is_none_or(|s| t >= s) && opts.until.is_none_or(|u| t <= u)
}
