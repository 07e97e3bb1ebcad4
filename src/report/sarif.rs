//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning takes it (docs/output.md). One rule per
//! finding code with its description and help; one result per finding, located at its first
//! path (or, for findings about a message rather than files, at the policy file), with
//! fingerprints from the commit and the finding. Results are rendered on the worker threads
//! and streamed; at most [`MAX_RESULTS`] are written, GitHub's limit per run.

use super::Reporter;
use crate::engine::findings::{Code, Finding, Severity};
use crate::engine::record::{CommitRecord, SummaryRecord};
use serde_json::{Value, json};
use std::io::{self, Write};

/// GitHub rejects a run with more results than this.
pub(crate) const MAX_RESULTS: usize = 25_000;

/// Where a finding that names no path is placed when the policy is not in the repository.
const DEFAULT_POLICY_PATH: &str = ".trailgate/policy.toml";

/// Where the schema is published for editors and validators.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Off => "note",
    }
}

fn rule_index(code: Code) -> usize {
    Code::ALL.iter().position(|&c| c == code).unwrap_or(0)
}

/// The results of one commit, one JSON object per line (empty when it has no findings).
/// `fallback_uri` locates findings that name no path.
pub(crate) fn render_results(record: &CommitRecord, fallback_uri: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    for finding in &record.findings {
        let value = result(record, finding, fallback_uri);
        // A `Value` with string keys always serialises.
        if serde_json::to_writer(&mut out, &value).is_ok() {
            out.push(b'\n');
        }
    }
    out
}

/// `COMMIT:CODE:SUBJECT`, so an alert stays one alert across runs; in a merged report the
/// repository comes first, since forks share commits.
fn fingerprint(record: &CommitRecord, code: Code, subject: &str) -> String {
    match &record.repository {
        Some(repository) => format!("{repository}:{}:{}:{subject}", record.id, code.as_str()),
        None => format!("{}:{}:{subject}", record.id, code.as_str()),
    }
}

fn result(record: &CommitRecord, f: &Finding, fallback_uri: Option<&str>) -> Value {
    let subject = f
        .assistant
        .as_deref()
        .or(f.exception.as_deref())
        .unwrap_or("");
    let text = format!(
        "commit {} \"{}\" by {} <{}>: {}",
        record.short_id(),
        record.summary,
        record.author.name,
        record.author.email,
        f.message
    );
    // A baselined finding stays under its own rule, marked as known (SARIF's `baselineState`),
    // so code scanning keeps one alert for it.
    let code = f.baselined_code.unwrap_or(f.code);
    let mut result = json!({
        "ruleId": code.as_str(),
        "ruleIndex": rule_index(code),
        "level": level(f.severity),
        "message": { "text": text },
        "partialFingerprints": {
            "trailgateFinding/v1": fingerprint(record, code, subject),
        },
        "properties": {
            "commit": record.id,
            "assistant": f.assistant,
            "exception": f.exception,
            "paths": f.paths,
        },
    });
    // GitHub needs a file for every result: a finding about the message, not about files, is
    // placed on the policy (its place in this repository, else where `init` writes it).
    let uri = f
        .paths
        .first()
        .map(String::as_str)
        .or(fallback_uri)
        .unwrap_or(DEFAULT_POLICY_PATH);
    if f.baselined_code.is_some() {
        result["baselineState"] = json!("unchanged");
    }
    if let Some(repository) = &record.repository {
        result["properties"]["repository"] = json!(repository);
    }
    result["locations"] = json!([{
        "physicalLocation": {
            "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
            "region": { "startLine": 1 },
        },
    }]);
    result
}

/// One rule per finding code, at the severity the policy gives it.
fn rules(severity: &dyn Fn(Code) -> Severity) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&code| {
            let name: String = code
                .as_str()
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            let effective = severity(code);
            json!({
                "id": code.as_str(),
                "name": name,
                "shortDescription": { "text": code.title() },
                "fullDescription": { "text": code.explanation() },
                "help": {
                    "text": format!("{}\n\nFix: {}", code.explanation(), code.fix()),
                    "markdown": format!("{}\n\n**Fix:** {}", code.explanation(), code.fix()),
                },
                "defaultConfiguration": {
                    "enabled": effective != Severity::Off,
                    "level": level(effective),
                },
                "properties": { "tags": ["ai-policy", "trailgate"] },
            })
        })
        .collect();
    Value::Array(rules)
}

/// Streams one SARIF log with one run: the header, the results as they come, then the
/// closing with the scan's summary as run properties.
pub struct SarifReporter<W: Write> {
    out: W,
    rules: Value,
    results: usize,
    dropped: usize,
    started: bool,
}

impl<W: Write> SarifReporter<W> {
    /// Write to `out`; `severity` is the policy's effective severity per code.
    pub fn new(out: W, severity: &dyn Fn(Code) -> Severity) -> Self {
        SarifReporter {
            out,
            rules: rules(severity),
            results: 0,
            dropped: 0,
            started: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let driver = json!({
            "name": "trailgate",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": self.rules,
        });
        write!(
            self.out,
            "{{\"$schema\":\"{SCHEMA_URI}\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":"
        )?;
        serde_json::to_writer(&mut self.out, &driver)?;
        self.out.write_all(b"},\"results\":[")
    }
}

impl<W: Write> Reporter for SarifReporter<W> {
    fn commit(&mut self, _record: &CommitRecord, rendered: &[u8]) -> io::Result<()> {
        self.start()?;
        for line in rendered.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            if self.results >= MAX_RESULTS {
                self.dropped += 1;
                continue;
            }
            self.out
                .write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
            self.out.write_all(line)?;
            self.results += 1;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &SummaryRecord) -> io::Result<()> {
        self.start()?;
        let mut notifications = Vec::new();
        if self.dropped > 0 {
            notifications.push(json!({
                "level": "warning",
                "message": { "text": format!(
                    "{} more results were left out: GitHub code scanning accepts at most {MAX_RESULTS} per run; the jsonl format has them all",
                    self.dropped
                )},
            }));
        }
        let invocation = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]);
        self.out.write_all(b"\n],\"invocations\":")?;
        serde_json::to_writer(&mut self.out, &invocation)?;
        self.out.write_all(b",\"properties\":")?;
        serde_json::to_writer(&mut self.out, &json!({ "summary": summary }))?;
        self.out.write_all(b"}]}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case_and_indexes_match() {
        let rules = rules(&|c| c.default_severity());
        let rules = rules.as_array().unwrap();
        assert_eq!(rules.len(), Code::ALL.len());
        assert_eq!(rules[0]["name"], "RestrictedAssistant");
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(rules[rule_index(*code)]["id"], code.as_str());
            assert_eq!(rule_index(*code), i);
        }
        assert_eq!(
            rules[rule_index(Code::UnusedException)]["defaultConfiguration"]["level"],
            "note"
        );
    }
}
