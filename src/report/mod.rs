//! Rendering judged commits: `human`, `json`, `jsonl`, `sarif`, `junit` and `html`
//! (docs/output.md), each consuming the same [`CommitRecord`]s and [`SummaryRecord`] (the
//! engine's records). Reporters
//! stream: nothing is held per commit.

mod escape;
pub mod forge;
mod html;
mod human;
mod jsonl;
mod junit;
pub mod merge;

pub(crate) mod sarif;

pub use escape::{Escaped, EscapedLines, escape_join};
pub use html::HtmlReporter;
pub use human::{HumanReporter, explain, render_commit};
pub use junit::JunitReporter;
pub use sarif::SarifReporter;

use crate::engine::record::{CommitRecord, SummaryRecord};
use std::io::{self, Write};

/// Output format names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Findings grouped by commit, then a summary.
    Human,
    /// One document: notable commits and the summary.
    Json,
    /// One object per scanned commit, then the summary.
    Jsonl,
    /// SARIF 2.1.0 for code scanning (rendered by `sarif::render_results`).
    Sarif,
    /// JUnit XML: a test case per commit with findings.
    Junit,
    /// One self-contained HTML audit page, built at the end.
    Html,
}

/// Bytes reserved for one rendered record: most fit, so the buffer is allocated once.
const RECORD_CAPACITY: usize = 1024;

/// `n` and the noun that goes with it: `1 commit`, `2 commits`.
pub fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A commit's part of a report in `format`: rendered where the commit was judged (in worker
/// threads), written in walk order by a [`Reporter`]. Empty when the format leaves it out.
/// `policy_file` (the policy's path in the repository) locates SARIF findings that name no
/// path.
pub fn render(format: Format, record: &CommitRecord, policy_file: Option<&str>) -> Vec<u8> {
    match format {
        Format::Jsonl => {
            // Room for a typical record up front: growing the buffer costs more than the slack.
            let mut line = Vec::with_capacity(RECORD_CAPACITY);
            jsonl::write_record(&mut line, record);
            line.push(b'\n');
            line
        }
        Format::Json if record.is_notable() => {
            let mut object = Vec::with_capacity(RECORD_CAPACITY);
            jsonl::write_record(&mut object, record);
            object
        }
        Format::Json => Vec::new(),
        Format::Human => human::render_commit(record),
        Format::Sarif => sarif::render_results(record, policy_file),
        Format::Junit => junit::render_case(record),
        Format::Html => Vec::new(),
    }
}

/// A sink for judged commits.
pub trait Reporter {
    /// One judged commit, in walk order, with its part as [`render`] made it.
    fn commit(&mut self, record: &CommitRecord, rendered: &[u8]) -> io::Result<()>;
    /// The end of the scan.
    fn finish(&mut self, summary: &SummaryRecord) -> io::Result<()>;
}

/// `--format jsonl`.
pub struct JsonlReporter<W: Write> {
    out: W,
}

impl<W: Write> JsonlReporter<W> {
    /// Write to `out`.
    pub fn new(out: W) -> Self {
        JsonlReporter { out }
    }
}

impl<W: Write> Reporter for JsonlReporter<W> {
    fn commit(&mut self, _record: &CommitRecord, rendered: &[u8]) -> io::Result<()> {
        self.out.write_all(rendered)
    }

    fn finish(&mut self, summary: &SummaryRecord) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// `--format json`: `{"commits": [...], "summary": {...}}`, written as it goes.
pub struct JsonReporter<W: Write> {
    out: W,
    count: usize,
}

impl<W: Write> JsonReporter<W> {
    /// Write to `out`.
    pub fn new(out: W) -> Self {
        JsonReporter { out, count: 0 }
    }
}

impl<W: Write> Reporter for JsonReporter<W> {
    fn commit(&mut self, _record: &CommitRecord, rendered: &[u8]) -> io::Result<()> {
        if rendered.is_empty() {
            return Ok(());
        }
        self.out.write_all(if self.count == 0 {
            b"{\"commits\":[\n"
        } else {
            b",\n"
        })?;
        self.out.write_all(rendered)?;
        self.count += 1;
        Ok(())
    }

    fn finish(&mut self, summary: &SummaryRecord) -> io::Result<()> {
        self.out.write_all(if self.count == 0 {
            b"{\"commits\":["
        } else {
            b"\n"
        })?;
        self.out.write_all(b"],\n\"summary\":")?;
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}
