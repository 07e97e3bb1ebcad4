//! Rendering judged commits: `human`, `json` and `jsonl` (SPEC §11), each consuming the same
//! [`CommitRecord`]s and [`SummaryRecord`]. Reporters stream: nothing is held per commit.

mod human;
mod record;

pub use human::{HumanReporter, explain};
pub use record::{
    CommitRecord, Person, SourceDigest, SummaryBuilder, SummaryRecord, TrailerRecord, VerdictCounts,
};

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
}

/// A sink for judged commits.
pub trait Reporter {
    /// One judged commit, in walk order.
    fn commit(&mut self, record: &CommitRecord) -> io::Result<()>;
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
    fn commit(&mut self, record: &CommitRecord) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
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
    fn commit(&mut self, record: &CommitRecord) -> io::Result<()> {
        if !record.is_notable() {
            return Ok(());
        }
        self.out.write_all(if self.count == 0 {
            b"{\"commits\":[\n"
        } else {
            b",\n"
        })?;
        serde_json::to_writer(&mut self.out, record)?;
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
