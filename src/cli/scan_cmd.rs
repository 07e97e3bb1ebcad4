//! `scan`: gather commits, judge them, render.

use super::args::{FormatArg, ScanArgs};
use super::output::Output;
use anyhow::{Result, anyhow, bail};
use std::io::Write;
use std::sync::Arc;
use trailgate::config::registry::{Instant, day_start, parse_instant};
use trailgate::config::source;
use trailgate::engine::baseline::{self, Baseline};
use trailgate::engine::findings::{Code, Severity, Verdict};
use trailgate::engine::record::{CommitRecord, SummaryBuilder};
use trailgate::git::{self, RevSelection};
use trailgate::judge::At;
use trailgate::report::{
    self, HtmlReporter, HumanReporter, JsonReporter, JsonlReporter, JunitReporter, Reporter,
    SarifReporter,
};
use trailgate::scan::{self, ScanOptions};

/// Parse `--at`.
pub(super) fn parse_at(s: &str) -> Result<At> {
    match s {
        "commit" => Ok(At::Commit),
        "now" => Ok(At::Fixed(jiff::Timestamp::now())),
        other => Ok(At::Fixed(parse_date(other, "--at", false)?)),
    }
}

/// A date option: a day means its start (or its end, for `--until`).
pub(super) fn parse_date(s: &str, option: &str, end_of_day: bool) -> Result<jiff::Timestamp> {
    match parse_instant(s) {
        Ok(Instant::Day(d)) if end_of_day => {
            let next = d.tomorrow().map_err(|e| anyhow!("{option}: {e}"))?;
            Ok(day_start(next) - jiff::SignedDuration::from_nanos(1))
        }
        Ok(Instant::Day(d)) => Ok(day_start(d)),
        Ok(Instant::Time(t)) => Ok(t),
        Err(e) => Err(anyhow!(
            "{option}: {e}; write a date `2026-12-31` (UTC day) or an RFC 3339 time `2026-12-31T18:00:00Z`"
        )),
    }
}

pub(super) fn scan(args: ScanArgs) -> Result<u8> {
    let repo = git::open_from_env()?;
    let policy = source::load_policy(Some(&repo), args.policy.policy.as_deref())?;
    let at = parse_at(&args.at)?;
    let identity = super::identity::of_scan(&repo, &args, &at)?;
    let repository = identity.repository.clone();
    let opts = ScanOptions {
        selection: RevSelection {
            revs: args.revs.clone(),
            all: args.all,
            tentative: false,
        },
        since: args
            .since
            .as_deref()
            .map(|s| parse_date(s, "--since", false))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|s| parse_date(s, "--until", true))
            .transpose()?,
        at,
        threads: args.threads,
        baseline: match &args.baseline {
            Some(spec) => Some(Arc::new(read_baseline(&repo, spec)?)),
            None => None,
        },
    };
    if (args.quiet || args.summary) && args.format != FormatArg::Human {
        bail!(
            "`--{}` shapes the human report; the other formats always carry every commit (use `--format human`)",
            if args.quiet { "quiet" } else { "summary" }
        );
    }
    let mut output = Output::open(args.output.as_deref())?;
    let mut baseline_out = match &args.write_baseline {
        Some(path) if path.as_os_str() == "-" => {
            bail!("--write-baseline needs a file: standard output carries the report")
        }
        Some(path) => Some(Output::open(Some(path))?),
        None => None,
    };
    let severity = |code| policy.severity(code);
    let mut reporter = reporter(args.format, &mut output.writer, &severity, &repository);
    let progress = progress_bar();
    let mut summary = SummaryBuilder::default();
    let format = format_of(args.format);
    let policy_file = policy.always_production.first().cloned();
    // `--quiet` and `--summary` leave commits out of the human report only: the summary
    // counts every commit whatever is shown.
    let shown =
        |record: &CommitRecord| !args.summary && (!args.quiet || record.verdict == Verdict::Fail);
    let render = |record: &CommitRecord| {
        if shown(record) {
            report::render(format, record, policy_file.as_deref())
        } else {
            Vec::new()
        }
    };
    let counting = !progress.is_hidden();
    scan::scan(&repo, &policy, &opts, &render, &mut |record, rendered| {
        if counting {
            progress.inc(1);
        }
        summary.add(&record);
        reporter.commit(&record, &rendered)?;
        if let Some(out) = baseline_out.as_mut()
            && let Some(listed) = baseline::listing(&record)
        {
            out.writer
                .write_all(&report::render(report::Format::Jsonl, &listed, None))?;
        }
        Ok(Some((record, rendered)))
    })?;
    progress.finish_and_clear();
    let summary = summary.finish(&policy, identity, true);
    reporter.finish(&summary)?;
    drop(reporter);
    output.commit()?;
    if let Some(mut out) = baseline_out {
        serde_json::to_writer(&mut out.writer, &summary)?;
        out.writer.write_all(b"\n")?;
        out.commit()?;
    }
    // CI checkouts are often shallow (one commit deep): a clean report of a cut history must
    // not read as a clean history.
    if repo.is_shallow() {
        eprintln!(
            "warning: this is a shallow clone: commits older than its shallow boundary were not judged; run `git fetch --unshallow` to scan the whole history"
        );
    }
    if policy.embedded && args.format != FormatArg::Human {
        eprintln!(
            "note: no policy found; this is an inventory. `trailgate init` writes a starter policy."
        );
    }
    Ok(summary.exit_code)
}

/// The reporter of `format`, writing to `out`; `severity` sets SARIF's rule levels and
/// `repository` names the repository whose commits the HTML page links.
pub(super) fn reporter<'a>(
    format: FormatArg,
    out: &'a mut (dyn Write + 'a),
    severity: &dyn Fn(Code) -> Severity,
    repository: &str,
) -> Box<dyn Reporter + 'a> {
    match format {
        FormatArg::Human => Box::new(HumanReporter::new(out)),
        FormatArg::Json => Box::new(JsonReporter::new(out)),
        FormatArg::Jsonl => Box::new(JsonlReporter::new(out)),
        FormatArg::Sarif => Box::new(SarifReporter::new(out, severity)),
        FormatArg::Junit => Box::new(JunitReporter::new(out)),
        FormatArg::Html => Box::new(HtmlReporter::new(out, repository)),
    }
}

/// The report format `--format` names.
pub(super) fn format_of(format: FormatArg) -> report::Format {
    match format {
        FormatArg::Human => report::Format::Human,
        FormatArg::Json => report::Format::Json,
        FormatArg::Jsonl => report::Format::Jsonl,
        FormatArg::Sarif => report::Format::Sarif,
        FormatArg::Junit => report::Format::Junit,
        FormatArg::Html => report::Format::Html,
    }
}

/// Read `--baseline`: a file or `REV:PATH`.
fn read_baseline(repo: &git::Repo, spec: &str) -> Result<Baseline> {
    let (name, text) = source::read_named_text(repo, spec, "baseline report")?;
    Ok(Baseline::parse(&text, &name)?)
}

fn progress_bar() -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    // The rate in whole commits a second (indicatif's own shows four decimals).
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {pos} commits judged ({rate}/s)")
    {
        pb.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", state.per_sec());
            },
        ));
    }
    pb
}
