//! `trailgate report`: many repositories' `jsonl` reports read back and merged into one, each
//! commit tagged with its repository, the summaries kept per repository and added up. Reading
//! checks that a report is whole (one summary, last, counting the commits before it) so a
//! truncated artifact cannot pass for a clean repository.

use crate::engine::findings::Verdict;
use crate::engine::record::{CommitRecord, ScanIdentity, SourceDigest, SummaryRecord};
use std::collections::BTreeSet;

/// A report that cannot be merged: which, where and why.
#[derive(Debug, thiserror::Error)]
#[error("{report}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct MergeError {
    /// The report's name.
    pub report: String,
    /// 1-based line, when one line is at fault.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub reason: String,
}

/// One repository's `jsonl` report, held whole while its records are merged.
pub struct RepositoryReport {
    name: String,
    text: String,
    /// Its summary (the last line).
    pub summary: SummaryRecord,
}

impl RepositoryReport {
    /// Read the text of the report `name`: its last line must be the summary.
    pub fn read(name: &str, text: String) -> Result<RepositoryReport, MergeError> {
        let error = |line: Option<usize>, reason: String| MergeError {
            report: name.to_string(),
            line,
            reason,
        };
        let last = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .last();
        let Some((index, line)) = last else {
            return Err(error(
                None,
                "empty: a jsonl report ends with its summary".into(),
            ));
        };
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| error(Some(index + 1), format!("not JSON: {e}")))?;
        if value.get("type").and_then(|t| t.as_str()) != Some("summary") {
            return Err(error(
                Some(index + 1),
                "the last record is not the summary: the report is cut short or not a `--format jsonl` report; scan again".into(),
            ));
        }
        let summary: SummaryRecord = serde_json::from_value(value)
            .map_err(|e| error(Some(index + 1), format!("a summary without what `trailgate report` needs ({e}); scan again with this version")))?;
        if !summary.repositories.is_empty() {
            return Err(error(
                Some(index + 1),
                "a merged report: give the reports of the repositories themselves".into(),
            ));
        }
        Ok(RepositoryReport {
            name: name.to_string(),
            text,
            summary,
        })
    }

    /// The report's commit records in order, each tagged with the repository; an error for a
    /// line that is not one, or, at the end, when they do not add up to the summary.
    pub fn records(&self) -> Records<'_> {
        let mut lines: Vec<(usize, &str)> = self
            .text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        lines.pop(); // the summary
        Records {
            report: self,
            lines: lines.into_iter(),
            tally: [0; 3],
            done: false,
        }
    }

    fn error(&self, line: Option<usize>, reason: String) -> MergeError {
        MergeError {
            report: self.name.clone(),
            line,
            reason,
        }
    }
}

/// The commit records of a [`RepositoryReport`], counted as they go.
pub struct Records<'r> {
    report: &'r RepositoryReport,
    lines: std::vec::IntoIter<(usize, &'r str)>,
    /// Records seen per verdict: pass, warn, fail.
    tally: [u64; 3],
    done: bool,
}

impl Iterator for Records<'_> {
    type Item = Result<CommitRecord, MergeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let Some((index, line)) = self.lines.next() else {
            self.done = true;
            return self.check_counts().err().map(Err);
        };
        let parsed = serde_json::from_str::<CommitRecord>(line);
        Some(match parsed {
            Ok(mut record) => {
                record.repository = Some(self.report.summary.identity.repository.clone());
                self.tally[match record.verdict {
                    Verdict::Pass => 0,
                    Verdict::Warn => 1,
                    Verdict::Fail => 2,
                }] += 1;
                Ok(record)
            }
            Err(e) => {
                self.done = true;
                Err(self
                    .report
                    .error(Some(index + 1), format!("not a commit record: {e}")))
            }
        })
    }
}

impl Records<'_> {
    /// The records seen add up to the summary.
    fn check_counts(&self) -> Result<(), MergeError> {
        let s = &self.report.summary;
        let said = [s.verdicts.pass, s.verdicts.warn, s.verdicts.fail];
        let counted: u64 = self.tally.iter().sum();
        if self.tally == said && counted == s.commits {
            return Ok(());
        }
        let t = self.tally;
        Err(self.report.error(
            None,
            format!(
                "{counted} commit records ({} pass, {} warn, {} fail) where the summary counts {} ({} pass, {} warn, {} fail): records are missing or were changed; scan again",
                t[0], t[1], t[2], s.commits, said[0], said[1], said[2]
            ),
        ))
    }
}

/// The merged summary: the repositories' summaries, in order, and their totals. `identity`
/// says what was merged (its repository a count, its revisions the reports).
pub fn totals(repositories: Vec<SummaryRecord>, identity: ScanIdentity) -> SummaryRecord {
    let mut total = SummaryRecord {
        kind: "summary",
        identity,
        commits: 0,
        by_assistant: Default::default(),
        verdicts: Default::default(),
        findings: Default::default(),
        policy: SourceDigest {
            source: String::new(),
            sha256: String::new(),
        },
        registry: None,
        unused_exceptions: Vec::new(),
        embedded_policy: !repositories.is_empty(),
        repositories: Vec::new(),
    };
    for r in &repositories {
        total.commits += r.commits;
        for (id, n) in &r.by_assistant {
            *total.by_assistant.entry(id.clone()).or_default() += n;
        }
        total.verdicts.pass += r.verdicts.pass;
        total.verdicts.warn += r.verdicts.warn;
        total.verdicts.fail += r.verdicts.fail;
        for (code, n) in &r.findings {
            *total.findings.entry(code.clone()).or_default() += n;
        }
        total.embedded_policy &= r.embedded_policy;
    }
    // One policy for all is named as such; several are listed per repository.
    let digests: BTreeSet<&str> = repositories
        .iter()
        .map(|r| r.policy.sha256.as_str())
        .collect();
    total.policy = match (digests.len(), repositories.first()) {
        (1, Some(first)) => first.policy.clone(),
        _ => SourceDigest {
            source: "(one per repository)".into(),
            sha256: String::new(),
        },
    };
    total.repositories = repositories;
    total
}
