//! Baselines (SPEC §9): findings an earlier `json` or `jsonl` report already listed, matched by
//! commit id, code and assistant, are reported as `baselined` and no longer count for the
//! verdict, so a history that predates the policy can be accepted once and only new findings
//! gate. Reading a report back and marking findings are pure: the caller reads the file.

use crate::engine::findings::{Code, Finding, Severity, verdict_of};
use crate::engine::policy::Policy;
use crate::engine::record::{CommitRecord, is_full_commit_id};
use serde::Deserialize;
use std::collections::HashMap;

/// Findings accepted by a baseline report.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Where it was read from, for messages.
    source: String,
    /// Commit id → (code, assistant) of every finding it lists for that commit.
    accepted: HashMap<String, Vec<(Code, Option<String>)>>,
}

/// A baseline report that cannot be read: where and why.
#[derive(Debug, thiserror::Error)]
#[error(
    "{report}:{line}: {reason}; a baseline is a report written by `trailgate scan --format json` or `--format jsonl` (or `--write-baseline`)"
)]
pub struct BaselineError {
    /// The report's name.
    pub report: String,
    /// 1-based line (of the document, for `json`).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The part of a commit record a baseline needs.
#[derive(Deserialize)]
struct ListedCommit {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
    #[serde(default)]
    findings: Vec<ListedFinding>,
}

#[derive(Deserialize)]
struct ListedFinding {
    code: String,
    #[serde(default)]
    assistant: Option<String>,
    #[serde(default)]
    baselined_code: Option<String>,
}

/// A `json` report: its commits (the summary is not needed).
#[derive(Deserialize)]
struct JsonReport {
    commits: Vec<ListedCommit>,
}

impl Baseline {
    /// Read a report's text, `json` (one document with `commits`) or `jsonl` (one record a
    /// line), named `source` in errors.
    pub fn parse(text: &str, source: &str) -> Result<Baseline, BaselineError> {
        let mut baseline = Baseline {
            source: source.to_string(),
            accepted: HashMap::new(),
        };
        let error = |line: usize, reason: String| BaselineError {
            report: source.to_string(),
            line,
            reason,
        };
        // A `json` report is one document whose `commits` is a list; a jsonl report of one
        // line is its summary, whose `commits` is a count.
        let document = serde_json::from_str::<serde_json::Value>(text).ok();
        if let Some(doc) = document.filter(|d| d.get("commits").is_some_and(|c| c.is_array())) {
            let report: JsonReport =
                serde_json::from_value(doc).map_err(|e| error(1, e.to_string()))?;
            for listed in report.commits {
                baseline.add(listed).map_err(|reason| error(1, reason))?;
            }
            return Ok(baseline);
        }
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record: serde_json::Value =
                serde_json::from_str(line).map_err(|e| error(index + 1, e.to_string()))?;
            // The summary's `findings` are counts, not findings: it adds nothing.
            if record.get("type").and_then(|t| t.as_str()) == Some("summary") {
                continue;
            }
            let listed =
                serde_json::from_value(record).map_err(|e| error(index + 1, e.to_string()))?;
            baseline
                .add(listed)
                .map_err(|reason| error(index + 1, reason))?;
        }
        Ok(baseline)
    }

    fn add(&mut self, listed: ListedCommit) -> Result<(), String> {
        if let Some(kind) = listed.kind.as_deref().filter(|k| *k != "commit") {
            return Err(format!(
                "a record of type `{kind}` where a commit was expected"
            ));
        }
        let id = listed.id.ok_or("a commit record without `id`")?;
        if !is_full_commit_id(&id) {
            return Err(format!("`{id}` is not a full commit id"));
        }
        for f in listed.findings {
            let code = f.baselined_code.as_deref().unwrap_or(&f.code);
            let code = Code::parse(code).ok_or_else(|| format!("unknown finding code `{code}`"))?;
            let listed = self.accepted.entry(id.clone()).or_default();
            let key = (code, f.assistant);
            if code != Code::Baselined && !listed.contains(&key) {
                listed.push(key);
            }
        }
        Ok(())
    }

    /// Findings listed.
    pub fn len(&self) -> usize {
        self.accepted.values().map(Vec::len).sum()
    }

    /// Lists no finding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Mark the findings of `record` that the baseline lists as `baselined` (the policy's
    /// severity for it, `info` by default), keeping their code in `baselined_code`, and judge
    /// the commit again on what is left.
    pub fn apply(&self, record: &mut CommitRecord, policy: &Policy) {
        // Most commits are in no baseline: one lookup, nothing allocated.
        let Some(accepted) = self.accepted.get(&record.id) else {
            return;
        };
        let severity = policy.severity(Code::Baselined);
        let mut changed = false;
        for f in &mut record.findings {
            let listed = accepted
                .iter()
                .any(|(code, assistant)| *code == f.code && *assistant == f.assistant);
            if !listed {
                continue;
            }
            f.message = format!(
                "accepted as {} in the baseline {}: {}",
                f.code, self.source, f.message
            );
            f.baselined_code = Some(f.code);
            f.code = Code::Baselined;
            f.severity = severity;
            changed = true;
        }
        if changed {
            record.verdict = verdict_of(&record.findings);
        }
    }
}

/// What `--write-baseline` keeps of a record: its error and warning findings, and those an
/// earlier baseline accepted (so that writing again keeps them accepted); `None` when none.
pub fn listing(record: &CommitRecord) -> Option<CommitRecord> {
    let kept = |f: &Finding| {
        matches!(f.severity, Severity::Error | Severity::Warning) || f.code == Code::Baselined
    };
    if !record.findings.iter().any(kept) {
        return None;
    }
    let mut listed = record.clone();
    listed.findings.retain(kept);
    Some(listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn jsonl_and_json_reports_list_the_same_findings() {
        let jsonl = format!(
            "{{\"type\":\"commit\",\"id\":\"{ID}\",\"findings\":[{{\"code\":\"restricted-assistant\",\"assistant\":\"cursor\"}},{{\"code\":\"baselined\",\"baselined_code\":\"ai-signoff\",\"assistant\":\"claude-code\"}}]}}\n{{\"type\":\"summary\",\"commits\":1}}\n"
        );
        let json = format!(
            "{{\"commits\":[{{\"type\":\"commit\",\"id\":\"{ID}\",\"findings\":[{{\"code\":\"restricted-assistant\",\"assistant\":\"cursor\"}},{{\"code\":\"baselined\",\"baselined_code\":\"ai-signoff\",\"assistant\":\"claude-code\"}}]}}],\"summary\":{{}}}}"
        );
        for text in [jsonl, json] {
            let b = Baseline::parse(&text, "b").unwrap();
            assert_eq!(b.len(), 2);
            assert!(b.accepted[ID].contains(&(Code::RestrictedAssistant, Some("cursor".into()))));
            assert!(b.accepted[ID].contains(&(Code::AiSignoff, Some("claude-code".into()))));
        }
    }

    #[test]
    fn a_report_without_findings_lists_none() {
        for text in [
            "{\"type\":\"summary\",\"commits\":1,\"findings\":{}}\n",
            "{\"commits\":[],\"summary\":{\"commits\":0}}",
            "",
        ] {
            assert!(Baseline::parse(text, "b").unwrap().is_empty(), "{text}");
        }
    }

    #[test]
    fn bad_reports_name_the_line() {
        let cases = [
            (
                "{\"type\":\"commit\",\"id\":\"abc\"}\n",
                1,
                "not a full commit id",
            ),
            ("\n{\"type\":\"summary\"}\nnot json\n", 3, "expected"),
            (
                &format!(
                    "{{\"type\":\"commit\",\"id\":\"{ID}\",\"findings\":[{{\"code\":\"made-up\"}}]}}\n"
                ),
                1,
                "unknown finding code `made-up`",
            ),
            (
                "{\"type\":\"exception\",\"id\":\"x\"}\n",
                1,
                "type `exception`",
            ),
            ("{\"commits\":[{\"id\":7}]}", 1, "invalid type"),
        ];
        for (text, line, reason) in cases {
            let e = Baseline::parse(text, "base.jsonl").unwrap_err();
            assert_eq!(e.line, line, "{text}");
            assert!(e.reason.contains(reason), "{text}: {}", e.reason);
            assert!(e.to_string().starts_with(&format!("base.jsonl:{line}: ")));
        }
    }
}
