//! `--format html`: one self-contained audit page (no external resource, one inline script
//! that filters the failing commits): what was judged (repository, revisions, time, version),
//! the totals, a table per repository in a merged report, AI-assisted commits per assistant
//! per month as an inline SVG chart with every month in range, production touches per
//! assistant and path, every failing commit with its findings (linked to the forge), and the
//! policy with its digest. The page is built from running totals and the failing commits,
//! written at the end.

mod chart;
mod page;

use super::Reporter;
use super::forge::CommitLinks;
use super::junit::escape;
use crate::engine::findings::Verdict;
use crate::engine::record::{CommitRecord, SummaryRecord, is_full_commit_id};
use chart::Months;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Failing commits listed on the page; the rest are counted (the jsonl format has them all).
const MAX_FAILING_LISTED: usize = 50_000;
/// Production paths listed, the most touched first.
const MAX_PATHS_LISTED: usize = 50;

/// One repository's part of the page: its failing commits and what the per-repository table
/// needs beyond its summary.
struct RepositoryPart {
    /// Where its commits are shown, when its remote is on a known forge.
    links: Option<CommitLinks>,
    /// Commits with at least one assistant.
    ai_assisted: u64,
    /// Rendered rows of failing commits.
    failing: Vec<String>,
    /// Failing commits, listed or not.
    failing_total: u64,
}

/// Collects what the page shows while the scan streams past.
pub struct HtmlReporter<W: Write> {
    out: W,
    /// The scanned repository's name, for records that do not name theirs.
    repository: String,
    by_month: Months,
    /// assistant → commits that changed production paths.
    production_by_assistant: BTreeMap<String, u64>,
    /// production path → AI-assisted commits that changed it.
    production_paths: BTreeMap<String, u64>,
    /// Repository name → its part, in the order first seen.
    parts: Vec<(String, RepositoryPart)>,
    /// Filter choices: assistants and codes of the listed failing commits.
    failing_assistants: BTreeSet<String>,
    failing_codes: BTreeSet<&'static str>,
    listed: usize,
}

impl<W: Write> HtmlReporter<W> {
    /// Write to `out` the page about `repository` (as the summary names it: commits link to
    /// its forge when it has one).
    pub fn new(out: W, repository: &str) -> Self {
        HtmlReporter {
            out,
            repository: repository.to_string(),
            by_month: Months::default(),
            production_by_assistant: BTreeMap::new(),
            production_paths: BTreeMap::new(),
            parts: Vec::new(),
            failing_assistants: BTreeSet::new(),
            failing_codes: BTreeSet::new(),
            listed: 0,
        }
    }

    /// The part of the repository `r` belongs to, started when it is the first of it.
    fn part_of(&mut self, r: &CommitRecord) -> &mut RepositoryPart {
        let name = r.repository.as_deref().unwrap_or(&self.repository);
        let index = match self.parts.iter().rposition(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                let part = RepositoryPart {
                    links: CommitLinks::for_repository(name),
                    ai_assisted: 0,
                    failing: Vec::new(),
                    failing_total: 0,
                };
                self.parts.push((name.to_string(), part));
                self.parts.len() - 1
            }
        };
        &mut self.parts[index].1
    }
}

fn failing_row(r: &CommitRecord, links: Option<&CommitLinks>) -> String {
    let mut assistants: BTreeSet<&str> = r.assistants.iter().map(|a| a.id.as_str()).collect();
    assistants.extend(r.findings.iter().filter_map(|f| f.assistant.as_deref()));
    let codes: BTreeSet<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    let mut paths: BTreeSet<&str> = r
        .findings
        .iter()
        .flat_map(|f| &f.paths)
        .map(String::as_str)
        .collect();
    paths.extend(r.production_paths.iter().flatten().map(String::as_str));
    let join = |set: &BTreeSet<&str>, sep: &str| set.iter().copied().collect::<Vec<_>>().join(sep);
    let id = escape(r.short_id());
    // Only a full id is linked: a merged report's records are read back from files.
    let commit = match links.filter(|_| is_full_commit_id(&r.id)) {
        Some(l) => format!(
            "<a href=\"{}\"><code>{id}</code></a>",
            escape(&l.commit(&r.id))
        ),
        None => format!("<code>{id}</code>"),
    };
    let mut row = String::new();
    let _ = write!(
        row,
        "<tr data-assistants=\"{}\" data-codes=\"{}\" data-paths=\"{}\"><td>{commit}</td><td>{}</td><td>{} &lt;{}&gt;</td><td>{}</td><td><ul>",
        escape(&join(&assistants, " ")),
        escape(&join(&codes, " ")),
        escape(&join(&paths, "\n")),
        escape(r.committer.time.get(..10).unwrap_or("")),
        escape(&r.author.name),
        escape(&r.author.email),
        escape(&r.summary),
    );
    for f in &r.findings {
        let _ = write!(
            row,
            "<li><span class=\"sev {}\">{}</span> <b>{}</b> {}</li>",
            f.severity.as_str(),
            f.severity.as_str(),
            f.code.as_str(),
            escape(&f.message)
        );
    }
    row.push_str("</ul></td></tr>\n");
    row
}

impl<W: Write> Reporter for HtmlReporter<W> {
    fn commit(&mut self, r: &CommitRecord, _rendered: &[u8]) -> io::Result<()> {
        self.by_month.add(
            &r.committer.time,
            r.assistants.iter().map(|a| a.id.as_str()),
        );
        if let Some(paths) = r.production_paths.as_ref().filter(|p| !p.is_empty()) {
            for a in &r.assistants {
                *self
                    .production_by_assistant
                    .entry(a.id.clone())
                    .or_default() += 1;
            }
            if !r.assistants.is_empty() {
                for p in paths {
                    *self.production_paths.entry(p.clone()).or_default() += 1;
                }
            }
        }
        let failing = r.verdict == Verdict::Fail;
        let listing = failing && self.listed < MAX_FAILING_LISTED;
        if listing {
            self.listed += 1;
            for f in &r.findings {
                self.failing_codes.insert(f.code.as_str());
                self.failing_assistants.extend(f.assistant.clone());
            }
            self.failing_assistants
                .extend(r.assistants.iter().map(|a| a.id.clone()));
        }
        let part = self.part_of(r);
        part.ai_assisted += u64::from(!r.assistants.is_empty());
        part.failing_total += u64::from(failing);
        if listing {
            let row = failing_row(r, part.links.as_ref());
            part.failing.push(row);
        }
        Ok(())
    }

    fn finish(&mut self, s: &SummaryRecord) -> io::Result<()> {
        let page = page::page(self, s);
        self.out.write_all(page.as_bytes())?;
        self.out.flush()
    }
}
