//! Judging one commit, the same way for every front door: its facts, the evidence they and its
//! session notes carry, the changed paths the verdict needs (and only those), and the verdict,
//! as a [`CommitRecord`]. `scan` runs this over a history; the hooks over a push or a commit
//! about to be made.

use crate::engine::baseline::Baseline;
use crate::engine::catalog::Catalog;
use crate::engine::evidence::{Collector, CommitText, Evidence, Source};
use crate::engine::facts::CommitFacts;
use crate::engine::policy::{Policy, UNKNOWN};
use crate::engine::record::CommitRecord;
use crate::engine::verdict::{self, ChangedPaths, CommitContext, PathNeed};
use crate::git::NoteFormat;
use crate::git::{self, GitError};
use crate::git::{ObjectId, Repo};
use crate::git::{Objects, ParsedCommit};
use crate::sessions::notes;
use jiff::Timestamp;

/// Evaluation time for exception windows (docs/policy.md, "Evaluation time").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Each commit's committer time.
    Commit,
    /// A fixed instant (`--at now`, `--at DATE`).
    Fixed(Timestamp),
}

/// What judging needs besides the commit: prepared once per scan, shared by the workers.
pub struct Judge<'p> {
    /// The policy.
    pub(crate) policy: &'p Policy,
    collector: Collector<'p>,
    notes: git::NotesReader,
    /// Findings accepted earlier (`scan --baseline`).
    baseline: Option<&'p Baseline>,
}

impl<'p> Judge<'p> {
    /// Prepare for a repository and policy.
    pub fn new(repo: &Repo, policy: &'p Policy) -> Self {
        Judge {
            policy,
            collector: Collector::with_recognition(
                &policy.catalog,
                &policy.exception_trailer,
                &policy.recognition,
            ),
            notes: git::NotesReader::open(
                repo,
                &[
                    (policy.sessions.notes_ref.as_str(), NoteFormat::Trailgate),
                    (policy.sessions.git_ai_notes_ref.as_str(), NoteFormat::GitAi),
                ],
                notes::MAX_NOTE_BYTES,
            ),
            baseline: None,
        }
    }

    /// Report the findings `baseline` lists as `baselined`.
    pub fn with_baseline(mut self, baseline: Option<&'p Baseline>) -> Self {
        self.baseline = baseline;
        self
    }
}

/// Judge the commit `id` of `repo`, reading objects through `objects`.
pub fn judge_commit(
    repo: &Repo,
    objects: &mut Objects,
    judge: &Judge<'_>,
    id: ObjectId,
    at: At,
) -> Result<CommitRecord, GitError> {
    let commit = git::read_commit(repo, objects, id)?;
    judge_parsed(repo, objects, judge, commit, at)
}

pub(crate) fn judge_parsed(
    repo: &Repo,
    objects: &mut Objects,
    judge: &Judge<'_>,
    commit: ParsedCommit,
    at: At,
) -> Result<CommitRecord, GitError> {
    let ParsedCommit { shape, facts } = commit;
    let mut evidence = judge.evidence(&facts);
    add_note_evidence(repo, judge, shape.id, &mut evidence);
    let time = eval_time(at, &facts);
    judge.decide(facts, evidence, time, &mut |descend, keep| {
        git::changed_paths(repo, objects, &shape, descend, keep)
    })
}

/// Computes changed paths with a pruning test for directories and a filter for paths.
pub(crate) type PathSource<'a> = dyn FnMut(&dyn Fn(&[u8]) -> bool, &dyn Fn(&[u8]) -> bool) -> Result<Vec<Vec<u8>>, GitError>
    + 'a;

impl Judge<'_> {
    /// Evidence from what the commit itself says (channels 1–4).
    pub(crate) fn evidence(&self, facts: &CommitFacts) -> Evidence {
        self.collector.collect(&CommitText {
            message: &facts.message,
            author: (&facts.author.name, &facts.author.email),
            committer: (&facts.committer.name, &facts.committer.email),
        })
    }

    /// Judge a commit (or one about to be made) from its facts and evidence, asking `paths`
    /// for exactly the changed paths the verdict needs.
    pub(crate) fn decide(
        &self,
        facts: CommitFacts,
        evidence: Evidence,
        at: Timestamp,
        paths: &mut PathSource<'_>,
    ) -> Result<CommitRecord, GitError> {
        let policy = self.policy;
        let changed = match verdict::path_need(policy, &evidence) {
            PathNeed::None => None,
            PathNeed::Production => Some(ChangedPaths {
                all: None,
                production: paths(&|dir| policy.may_contain_production(dir), &|p| {
                    policy.is_production(p)
                })?,
            }),
            PathNeed::All => {
                let all = paths(&|_| true, &|_| true)?;
                let production = all
                    .iter()
                    .filter(|p| policy.is_production(p))
                    .cloned()
                    .collect();
                Some(ChangedPaths {
                    all: Some(all),
                    production,
                })
            }
        };
        let judgement = verdict::judge(
            policy,
            &evidence,
            &CommitContext {
                author_email: &facts.author.email,
                at,
                paths: changed.as_ref(),
                undecodable_encoding: facts.undecodable_encoding.as_deref(),
            },
        );
        let mut record = CommitRecord::new(facts, evidence, judgement);
        if let Some(baseline) = self.baseline {
            baseline.apply(&mut record, policy);
        }
        Ok(record)
    }
}

/// Session metadata in notes only ever adds evidence (docs/recognition.md, "Git notes"). A note
/// that cannot be read or parsed adds nothing, and the report says so (`unreadable-note`).
fn add_note_evidence(repo: &Repo, judge: &Judge<'_>, id: ObjectId, evidence: &mut Evidence) {
    for (notes_ref, format, text) in judge.notes.notes_of(repo, id) {
        let sessions = text.and_then(|bytes| {
            match format {
                NoteFormat::Trailgate => notes::parse_trailgate_note(&bytes),
                NoteFormat::GitAi => notes::parse_git_ai_note(&bytes),
            }
            .map_err(|e| e.message)
        });
        let sessions = match sessions {
            Ok(s) => s,
            Err(reason) => {
                evidence.add_unreadable_note(&notes_ref, reason);
                continue;
            }
        };
        for s in sessions {
            let assistant = note_assistant(&judge.policy.catalog, &s.tool);
            let mut text = format!("{notes_ref}: {}", s.tool);
            if let Some(m) = &s.model {
                text.push_str(&format!(" ({m})"));
            }
            if let Some(session) = &s.session {
                text.push_str(&format!(" session {session}"));
            }
            evidence.add_metadata(&assistant, Source::Note, text);
        }
    }
}

/// The catalog id a note's tool names. A policy-defined assistant's own id comes first, as
/// policy entries do at every matching step; then git-ai's tool names and the built-in ids.
fn note_assistant(catalog: &Catalog, tool: &str) -> String {
    let entries = catalog.entries();
    let policy_defined = catalog
        .index_of(&tool.trim().to_ascii_lowercase())
        .filter(|&i| !entries[i].builtin);
    policy_defined
        .or_else(|| notes::tool_to_catalog_id(tool).and_then(|id| catalog.index_of(id)))
        .map_or_else(|| UNKNOWN.to_string(), |i| entries[i].id.clone())
}

fn eval_time(at: At, facts: &CommitFacts) -> Timestamp {
    match at {
        At::Commit => facts.committer.timestamp(),
        At::Fixed(t) => t,
    }
}
