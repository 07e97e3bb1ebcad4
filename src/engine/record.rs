//! The report's data model (docs/output.md): one record per commit and a summary, serialised as
//! JSON and rendered as text from the same structs.

use crate::engine::evidence::Evidence;
use crate::engine::facts::{CommitFacts, Signature};
use crate::engine::findings::{Code, Finding, Severity, Verdict};
use crate::engine::policy::Policy;
use crate::engine::trailers::Trailer;
use crate::engine::verdict::{ExceptionUse, JudgedAssistant, Judgement, display_paths};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `author` / `committer` in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Person {
    /// Name as the commit spells it (after re-encoding to UTF-8).
    pub(crate) name: String,
    /// E-mail.
    pub(crate) email: String,
    /// RFC 3339 with the recorded offset.
    pub(crate) time: String,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TrailerRecord {
    /// Key as written.
    pub(crate) key: String,
    /// Value, unfolded.
    pub(crate) value: String,
}

/// One judged commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRecord {
    /// Always `commit`.
    #[serde(rename = "type", skip_deserializing, default = "commit_kind")]
    pub(crate) kind: &'static str,
    /// The repository the commit is in, in a report that merges many (`trailgate report`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) repository: Option<String>,
    /// Full id.
    pub(crate) id: String,
    /// Parent ids.
    pub(crate) parents: Vec<String>,
    /// The commit's author.
    pub(crate) author: Person,
    /// The commit's committer.
    pub(crate) committer: Person,
    /// Subject line.
    pub(crate) summary: String,
    /// Trailers as git parses them.
    pub(crate) trailers: Vec<TrailerRecord>,
    /// Assistants with status and evidence.
    pub(crate) assistants: Vec<JudgedAssistant>,
    /// Cited exceptions and their states.
    pub(crate) exceptions: Vec<ExceptionUse>,
    /// Sorted production paths, or `null` where the verdict did not need them.
    pub(crate) production_paths: Option<Vec<String>>,
    /// `pass`, `warn` or `fail`: the worst severity among the findings.
    pub verdict: Verdict,
    /// Every finding the policy did not turn `off`.
    pub(crate) findings: Vec<Finding>,
}

impl CommitRecord {
    /// Assemble a record from what was read and decided.
    pub fn new(facts: CommitFacts, evidence: Evidence, judgement: Judgement) -> Self {
        CommitRecord {
            kind: "commit",
            repository: None,
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
    pub(crate) fn is_notable(&self) -> bool {
        !self.assistants.is_empty() || !self.findings.is_empty()
    }

    /// Short id for humans.
    pub(crate) fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }
}

/// A full commit id as reports write one: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits.
pub(crate) fn is_full_commit_id(id: &str) -> bool {
    matches!(id.len(), 40 | 64) && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn commit_kind() -> &'static str {
    "commit"
}

fn summary_kind() -> &'static str {
    "summary"
}

fn trailer_record(t: Trailer) -> TrailerRecord {
    TrailerRecord {
        key: t.key,
        value: t.value,
    }
}

/// `verdicts` in the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VerdictCounts {
    /// Passing commits.
    pub(crate) pass: u64,
    /// Commits with warnings only.
    pub(crate) warn: u64,
    /// Failing commits.
    pub(crate) fail: u64,
}

/// A source and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SourceDigest {
    /// Where it came from.
    pub(crate) source: String,
    /// Hex SHA-256 of its text.
    pub(crate) sha256: String,
}

/// The closing summary of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRecord {
    /// Always `summary`.
    #[serde(rename = "type", skip_deserializing, default = "summary_kind")]
    pub(crate) kind: &'static str,
    /// What was judged, when and by which version.
    #[serde(flatten)]
    pub identity: ScanIdentity,
    /// Commits scanned.
    pub(crate) commits: u64,
    /// Commits per assistant id.
    pub(crate) by_assistant: BTreeMap<String, u64>,
    /// Commits per verdict.
    pub(crate) verdicts: VerdictCounts,
    /// Findings per code (including `unused-exception`).
    pub(crate) findings: BTreeMap<String, u64>,
    /// The policy used.
    pub(crate) policy: SourceDigest,
    /// The registry used, if any.
    pub(crate) registry: Option<SourceDigest>,
    /// Registry entries no scanned commit cited (`unused-exception`).
    pub(crate) unused_exceptions: Vec<String>,
    /// True when the embedded default was used (an inventory).
    pub(crate) embedded_policy: bool,
    /// The exit status the findings give: 1 when any has severity `error` (the summary's
    /// `unused-exception` included), else 0.
    pub exit_code: u8,
    /// In a merged report (`trailgate report`), each repository's own summary, in the order
    /// given; the fields above are their totals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) repositories: Vec<SummaryRecord>,
}

/// What a report judged (SPEC §11): carried by the summary and every format's header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanIdentity {
    /// The `origin` remote's URL without credentials, else the repository's path.
    pub repository: String,
    /// The revisions and limits as given (`HEAD` when none were).
    pub revisions: Vec<String>,
    /// When the report was made, RFC 3339 in UTC.
    pub generated_at: String,
    /// The evaluation time rule: `commit`, or the RFC 3339 time every commit was judged at.
    pub at: String,
    /// The trailgate version that judged.
    pub trailgate_version: String,
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
    pub fn finish(
        mut self,
        policy: &Policy,
        identity: ScanIdentity,
        unused: bool,
    ) -> SummaryRecord {
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
        SummaryRecord {
            kind: "summary",
            identity,
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
            exit_code: u8::from(self.worst == Some(Severity::Error)),
            repositories: Vec::new(),
        }
    }
}
