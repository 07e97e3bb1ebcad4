//! `report`: merge many repositories' jsonl reports into one report in any format.

use super::args::ReportArgs;
use super::output::Output;
use super::scan_cmd::{format_of, reporter};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use trailgate::engine::findings::Code;
use trailgate::engine::record::ScanIdentity;
use trailgate::report::{self, forge, merge};

pub(super) fn report(args: ReportArgs) -> Result<u8> {
    // Every report is read and checked before a byte is written, one at a time: only the
    // summaries are kept, so memory is one report's whatever the organisation's size.
    let mut summaries = Vec::new();
    // A pipe or `/dev/stdin` cannot be read twice: such reports are kept.
    let mut kept = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for path in &args.reports {
        let report = read(path)?;
        let repository = report.summary.identity.repository.clone();
        let key = forge::repository_key(&repository);
        if let Some(first) = seen.insert(key, path.display().to_string()) {
            bail!(
                "{} and {first} both report on {repository}: give each repository once (scan several revisions of it in one report: `trailgate scan A B`)",
                path.display()
            );
        }
        // Whole and consistent: a cut or edited report stops the merge with no output.
        for record in report.records() {
            record?;
        }
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        summaries.push(report.summary.clone());
        kept.push((!regular).then_some(report));
    }
    let mut output = Output::open(args.output.as_deref())?;
    let severity = |code: Code| code.default_severity();
    let mut reporter = reporter(args.format, &mut output.writer, &severity, "");
    let format = format_of(args.format);
    for ((path, checked), kept) in args.reports.iter().zip(&summaries).zip(kept) {
        let report = match kept {
            Some(report) => report,
            None => read(path)?,
        };
        if report.summary != *checked {
            bail!("{} changed while it was merged", path.display());
        }
        for record in report.records() {
            let record = record?;
            let rendered = report::render(format, &record, None);
            reporter.commit(&record, &rendered)?;
        }
    }
    let identity = ScanIdentity {
        repository: report::counted(summaries.len() as u64, "repository", "repositories"),
        revisions: args
            .reports
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        generated_at: super::identity::generated_at()?,
        at: common(summaries.iter().map(|s| s.identity.at.as_str())),
        trailgate_version: env!("CARGO_PKG_VERSION").into(),
    };
    let totals = merge::totals(summaries, identity);
    reporter.finish(&totals)?;
    drop(reporter);
    output.commit()?;
    Ok(totals.exit_code)
}

/// The report at `path`, its summary read.
fn read(path: &std::path::Path) -> Result<merge::RepositoryReport> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the report {name}"))?;
    Ok(merge::RepositoryReport::read(&name, text)?)
}

/// The value all share, else `per repository`.
fn common<'a>(mut values: impl Iterator<Item = &'a str>) -> String {
    let first = values.next().unwrap_or_default();
    if values.all(|v| v == first) {
        first.to_string()
    } else {
        "per repository".to_string()
    }
}
