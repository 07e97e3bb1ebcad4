//! `--format junit`: a JUnit XML report for CI systems that show test reports. Every commit
//! with findings is a test case (failed when its verdict is `fail`, its warnings and notes in
//! `system-out`), and one more case stands for the whole scan, so a clean history still shows
//! one passing test. The counts go in the opening tags, so the cases (only commits with
//! findings) are kept until the end.

use super::Reporter;
use crate::engine::findings::{Severity, Verdict};
use crate::engine::record::{CommitRecord, SummaryRecord};
use std::fmt::Write as _;
use std::io::{self, Write};

/// XML text with the five special characters escaped and characters XML 1.0 cannot carry
/// dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The test case of one commit; empty when it has no findings.
pub(crate) fn render_case(record: &CommitRecord) -> Vec<u8> {
    if record.findings.is_empty() {
        return Vec::new();
    }
    let mut out = String::new();
    // In a merged report each repository is a class of its own.
    let class = match &record.repository {
        Some(repository) => format!("trailgate.{repository}"),
        None => "trailgate.commits".to_string(),
    };
    let _ = writeln!(
        out,
        "    <testcase classname=\"{}\" name=\"{} {}\">",
        escape(&class),
        escape(record.short_id()),
        escape(&record.summary)
    );
    let errors: Vec<_> = record
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if record.verdict == Verdict::Fail {
        let codes: Vec<&str> = errors.iter().map(|f| f.code.as_str()).collect();
        let _ = write!(
            out,
            "      <failure type=\"{}\" message=\"{}\">",
            escape(&codes.join(",")),
            escape(
                &errors
                    .first()
                    .map(|f| f.message.clone())
                    .unwrap_or_default()
            )
        );
        for f in &errors {
            let _ = writeln!(out, "{}", escape(&detail(record, f)));
        }
        out.push_str("</failure>\n");
    }
    let others: Vec<_> = record
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Error)
        .collect();
    if !others.is_empty() {
        out.push_str("      <system-out>");
        for f in others {
            let _ = writeln!(out, "{}", escape(&detail(record, f)));
        }
        out.push_str("</system-out>\n");
    }
    out.push_str("    </testcase>\n");
    out.into_bytes()
}

fn detail(record: &CommitRecord, f: &crate::engine::findings::Finding) -> String {
    let mut line = format!(
        "{}[{}] commit {} by {} <{}>: {}",
        f.severity.as_str(),
        f.code.as_str(),
        record.id,
        record.author.name,
        record.author.email,
        f.message
    );
    if !f.paths.is_empty() {
        line.push_str(&format!(" (paths: {})", f.paths.join(", ")));
    }
    line
}

/// Keeps the cases of commits with findings and writes the document at the end.
pub struct JunitReporter<W: Write> {
    out: W,
    cases: Vec<u8>,
    count: u64,
    failures: u64,
}

impl<W: Write> JunitReporter<W> {
    /// Write to `out`.
    pub fn new(out: W) -> Self {
        JunitReporter {
            out,
            cases: Vec::new(),
            count: 0,
            failures: 0,
        }
    }
}

impl<W: Write> Reporter for JunitReporter<W> {
    fn commit(&mut self, record: &CommitRecord, rendered: &[u8]) -> io::Result<()> {
        if rendered.is_empty() {
            return Ok(());
        }
        self.count += 1;
        self.failures += u64::from(record.verdict == Verdict::Fail);
        self.cases.extend_from_slice(rendered);
        Ok(())
    }

    fn finish(&mut self, s: &SummaryRecord) -> io::Result<()> {
        let tests = self.count + 1;
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites name=\"trailgate\" tests=\"{tests}\" failures=\"{}\" errors=\"0\">",
            self.failures
        )?;
        writeln!(
            self.out,
            "  <testsuite name=\"trailgate scan\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            self.failures
        )?;
        writeln!(self.out, "    <properties>")?;
        writeln!(
            self.out,
            "      <property name=\"policy\" value=\"{}\"/>",
            escape(&s.policy.source)
        )?;
        writeln!(
            self.out,
            "      <property name=\"policy.sha256\" value=\"{}\"/>",
            escape(&s.policy.sha256)
        )?;
        writeln!(
            self.out,
            "      <property name=\"commits\" value=\"{}\"/>",
            s.commits
        )?;
        let identity = &s.identity;
        let revisions = identity.revisions.join(" ");
        for (name, value) in [
            ("repository", identity.repository.as_str()),
            ("revisions", revisions.as_str()),
            ("generated_at", identity.generated_at.as_str()),
            ("at", identity.at.as_str()),
            ("trailgate_version", identity.trailgate_version.as_str()),
        ] {
            writeln!(
                self.out,
                "      <property name=\"{name}\" value=\"{}\"/>",
                escape(value)
            )?;
        }
        writeln!(self.out, "    </properties>")?;
        self.out.write_all(&self.cases)?;
        writeln!(
            self.out,
            "    <testcase classname=\"trailgate.scan\" name=\"{} judged: {} pass, {} warn, {} fail\"/>",
            super::counted(s.commits, "commit", "commits"),
            s.verdicts.pass,
            s.verdicts.warn,
            s.verdicts.fail
        )?;
        writeln!(self.out, "  </testsuite>")?;
        writeln!(self.out, "</testsuites>")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\td"),
            "a&lt;b&gt;&amp;&quot;c&apos;\td"
        );
    }
}
