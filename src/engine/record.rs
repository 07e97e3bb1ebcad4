//! The report's data model (docs/output.md): one record per commit and a summary, serialised as
//! JSON and rendered as text from the same structs.

use crate::engine::evidence::Evidence;
use crate::engine::facts::{CommitFacts, Signature};
use crate::engine::findings::{Code, Finding, Severity, Verdict};
use crate::engine::policy::Policy;
use crate::engine::trailers::Trailer;
use crate::engine::verdict::{ExceptionUse, JudgedAssistant, Judgement, display_paths};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// `author` / `committer` in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// RFC 3339 with the recorded offset.
    pub time: String,
}

impl From<Signature> for Person {
    fn from(s: Signature) -> Self {
        Person {
            time: s.rfc3339(),
            name: s.name,
            email: s.email,
        }
    }
}

/// `trailers[]` in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailerRecord {
    /// Key as written.
    pub key: String,
    /// Value, unfolded.
    pub value: String,
}

/// One judged commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitRecord {
    /// Always `commit`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Full id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Author.
    pub author: Person,
    /// Committer.
    pub committer: Person,
    /// Subject line.
    pub summary: String,
    /// Trailers as git parses them.
    pub trailers: Vec<TrailerRecord>,
    /// Assistants with status and evidence.
    pub assistants: Vec<JudgedAssistant>,
    /// Cited exceptions and their states.
    pub exceptions: Vec<ExceptionUse>,
    /// Sorted production paths, or `null` where the verdict did not need them.
    pub production_paths: Option<Vec<String>>,
    /// Verdict.
    pub verdict: Verdict,
    /// Findings.
    pub findings: Vec<Finding>,
}

impl CommitRecord {
    /// Assemble a record from what was read and decided.
    pub fn new(facts: CommitFacts, evidence: Evidence, judgement: Judgement) -> Self {
        CommitRecord {
            kind: "commit",
            summary: facts.summary(),
            id: facts.id,
            parents: facts.parents,
            author: Person::from(facts.author),
            committer: Person::from(facts.committer),
            trailers: evidence.trailers.into_iter().map(trailer_record).collect(),
            assistants: judgement.assistants,
            exceptions: judgement.exceptions,
            production_paths: judgement.production_paths.as_deref().map(display_paths),
            verdict: judgement.verdict,
            findings: judgement.findings,
        }
    }

    /// Worth showing in the `json` document: has assistants or findings.
    pub fn is_notable(&self) -> bool {
        !self.assistants.is_empty() || !self.findings.is_empty()
    }

    /// Short id for humans.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }
}

fn trailer_record(t: Trailer) -> TrailerRecord {
    TrailerRecord {
        key: t.key,
        value: t.value,
    }
}

/// `verdicts` in the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerdictCounts {
    /// Passing commits.
    pub pass: u64,
    /// Commits with warnings only.
    pub warn: u64,
    /// Failing commits.
    pub fail: u64,
}

/// A source and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDigest {
    /// Where it came from.
    pub source: String,
    /// Hex SHA-256 of its text.
    pub sha256: String,
}

/// The closing summary of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRecord {
    /// Always `summary`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Commits scanned.
    pub commits: u64,
    /// Commits per assistant id.
    pub by_assistant: BTreeMap<String, u64>,
    /// Commits per verdict.
    pub verdicts: VerdictCounts,
    /// Findings per code (including `unused-exception`).
    pub findings: BTreeMap<String, u64>,
    /// The policy used.
    pub policy: SourceDigest,
    /// The registry used, if any.
    pub registry: Option<SourceDigest>,
    /// Registry entries no scanned commit cited (`unused-exception`).
    pub unused_exceptions: Vec<String>,
    /// True when the embedded default was used (an inventory).
    pub embedded_policy: bool,
}

/// Accumulates the summary as records stream past.
#[derive(Debug, Default)]
pub struct SummaryBuilder {
    commits: u64,
    by_assistant: BTreeMap<String, u64>,
    verdicts: VerdictCounts,
    findings: BTreeMap<String, u64>,
    cited: BTreeSet<String>,
    worst: Option<Severity>,
}

impl SummaryBuilder {
    /// Count one record.
    pub fn add(&mut self, r: &CommitRecord) {
        self.commits += 1;
        for a in &r.assistants {
            *self.by_assistant.entry(a.id.clone()).or_default() += 1;
        }
        match r.verdict {
            Verdict::Pass => self.verdicts.pass += 1,
            Verdict::Warn => self.verdicts.warn += 1,
            Verdict::Fail => self.verdicts.fail += 1,
        }
        for f in &r.findings {
            *self
                .findings
                .entry(f.code.as_str().to_string())
                .or_default() += 1;
            self.worst = self.worst.max(Some(f.severity));
        }
        for e in &r.exceptions {
            if e.state != "ignored" {
                self.cited.insert(e.id.clone());
            }
        }
    }

    /// Close the summary. `unused` adds `unused-exception` findings for registry entries
    /// nobody cited (scan summaries only).
    pub fn finish(mut self, policy: &Policy, unused: bool) -> (SummaryRecord, Option<Severity>) {
        let mut unused_exceptions = Vec::new();
        let severity = policy.severity(Code::UnusedException);
        if unused && severity != Severity::Off {
            for e in policy.registry.entries() {
                if !self.cited.contains(&e.id) {
                    unused_exceptions.push(e.id.clone());
                }
            }
            if !unused_exceptions.is_empty() {
                self.findings.insert(
                    Code::UnusedException.as_str().to_string(),
                    unused_exceptions.len() as u64,
                );
                self.worst = self.worst.max(Some(severity));
            }
        }
        let registry = match (&policy.registry.source, &policy.registry.sha256) {
            (Some(source), Some(sha256)) => Some(SourceDigest {
                source: source.clone(),
                sha256: sha256.clone(),
            }),
            _ => None,
        };
        let summary = SummaryRecord {
            kind: "summary",
            commits: self.commits,
            by_assistant: self.by_assistant,
            verdicts: self.verdicts,
            findings: self.findings,
            policy: SourceDigest {
                source: policy.source.clone(),
                sha256: policy.sha256.clone(),
            },
            registry,
            unused_exceptions,
            embedded_policy: policy.embedded,
        };
        (summary, self.worst)
    }
}
