//! `trailgate report`: many repositories' `jsonl` reports read back and merged into one, each
//! commit tagged with its repository, the summaries kept per repository and added up. Reading
//! checks that a report is whole (one summary, last, counting the commits before it) so a
//! truncated artifact cannot pass for a clean repository.

use crate::engine::findings::{Code, Verdict, verdict_of};
use crate::engine::record::{CommitRecord, ScanIdentity, SourceDigest, SummaryRecord};
use std::collections::{BTreeMap, BTreeSet};

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
            tally: Tally::default(),
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
    /// What the records add up to, to compare with the summary.
    tally: Tally,
    done: bool,
}

/// The counts a summary states, taken from the records themselves.
#[derive(Default, PartialEq, Eq)]
struct Tally {
    commits: u64,
    verdicts: [u64; 3],
    by_assistant: BTreeMap<String, u64>,
    findings: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, record: &CommitRecord) {
        self.commits += 1;
        self.verdicts[match record.verdict {
            Verdict::Pass => 0,
            Verdict::Warn => 1,
            Verdict::Fail => 2,
        }] += 1;
        for a in &record.assistants {
            *self.by_assistant.entry(a.id.clone()).or_default() += 1;
        }
        for f in &record.findings {
            *self
                .findings
                .entry(f.code.as_str().to_string())
                .or_default() += 1;
        }
    }

    /// The counts `summary` states; its `unused-exception` findings are its own (one per
    /// entry of `unused_exceptions`), no record carries them.
    fn of(summary: &SummaryRecord) -> Tally {
        let mut findings = summary.findings.clone();
        let unused = findings.remove(Code::UnusedException.as_str()).unwrap_or(0);
        let listed = summary.unused_exceptions.len() as u64;
        if unused != listed {
            // Never equal to a tally of records: reported as not adding up.
            findings.insert(Code::UnusedException.as_str().to_string(), unused);
        }
        let v = &summary.verdicts;
        Tally {
            commits: summary.commits,
            verdicts: [v.pass, v.warn, v.fail],
            by_assistant: summary.by_assistant.clone(),
            findings,
        }
    }
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
        let record = serde_json::from_str::<CommitRecord>(line)
            .map_err(|e| format!("not a commit record: {e}"))
            .and_then(|record| {
                // The verdict is the worst severity among the findings (a record edited to
                // keep `fail` without its findings, or the other way round, is refused).
                if verdict_of(&record.findings) == record.verdict {
                    Ok(record)
                } else {
                    Err(format!(
                        "the verdict `{}` does not follow from the record's findings: the report was changed; scan again",
                        record.verdict.as_str()
                    ))
                }
            });
        Some(match record {
            Ok(mut record) => {
                record.repository = Some(self.report.summary.identity.repository.clone());
                self.tally.add(&record);
                Ok(record)
            }
            Err(reason) => {
                self.done = true;
                Err(self.report.error(Some(index + 1), reason))
            }
        })
    }
}

impl Records<'_> {
    /// The records seen add up to the summary: commits, verdicts, assistants and findings.
    fn check_counts(&self) -> Result<(), MergeError> {
        let said = Tally::of(&self.report.summary);
        if self.tally == said {
            return Ok(());
        }
        let (t, s) = (&self.tally, &said);
        let what = if t.commits != s.commits || t.verdicts != s.verdicts {
            format!(
                "{} commit records ({} pass, {} warn, {} fail) where the summary counts {} ({} pass, {} warn, {} fail)",
                t.commits,
                t.verdicts[0],
                t.verdicts[1],
                t.verdicts[2],
                s.commits,
                s.verdicts[0],
                s.verdicts[1],
                s.verdicts[2]
            )
        } else if t.by_assistant != s.by_assistant {
            "the commits per assistant differ from the summary's".to_string()
        } else {
            "the findings per code differ from the summary's".to_string()
        };
        Err(self.report.error(
            None,
            format!("{what}: records are missing or were changed; scan again"),
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
        exit_code: 0,
        repositories: Vec::new(),
    };
    // Saturating: counts read from files must not overflow whatever they say.
    let add = |to: &mut u64, n: u64| *to = to.saturating_add(n);
    for r in &repositories {
        add(&mut total.commits, r.commits);
        for (id, n) in &r.by_assistant {
            add(total.by_assistant.entry(id.clone()).or_default(), *n);
        }
        add(&mut total.verdicts.pass, r.verdicts.pass);
        add(&mut total.verdicts.warn, r.verdicts.warn);
        add(&mut total.verdicts.fail, r.verdicts.fail);
        for (code, n) in &r.findings {
            add(total.findings.entry(code.clone()).or_default(), *n);
        }
        total.embedded_policy &= r.embedded_policy;
        total.exit_code = total.exit_code.max(r.exit_code);
        total.unused_exceptions.extend(
            r.unused_exceptions
                .iter()
                .map(|id| format!("{id} ({})", r.identity.repository)),
        );
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
