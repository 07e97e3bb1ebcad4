//! `--format human`: findings grouped by commit, then a summary; and `check`'s step-by-step
//! explanation of one commit. Colour is decided by the caller (`colored`'s global switch).

use super::{Escaped, Reporter, escape_join};
use crate::engine::findings::{Finding, Severity, Verdict};
use crate::engine::policy::Policy;
use crate::engine::record::{CommitRecord, SummaryRecord};
use colored::Colorize;
use std::io::{self, Write};

/// Human report writer.
pub struct HumanReporter<W: Write> {
    out: W,
}

impl<W: Write> HumanReporter<W> {
    /// Write to `out`.
    pub fn new(out: W) -> Self {
        HumanReporter { out }
    }
}

fn severity_label(s: Severity) -> colored::ColoredString {
    match s {
        Severity::Error => "error".red().bold(),
        Severity::Warning => "warning".yellow().bold(),
        Severity::Info => "info".blue().bold(),
        Severity::Off => "off".normal(),
    }
}

fn verdict_label(v: Verdict) -> colored::ColoredString {
    match v {
        Verdict::Pass => "pass".green().bold(),
        Verdict::Warn => "warn".yellow().bold(),
        Verdict::Fail => "fail".red().bold(),
    }
}

fn write_finding(out: &mut dyn Write, f: &Finding, indent: &str) -> io::Result<()> {
    writeln!(
        out,
        "{indent}{}[{}] {}",
        severity_label(f.severity),
        f.code,
        Escaped(&f.message)
    )?;
    if !f.paths.is_empty() {
        let label = if f.paths.len() == 1 { "path" } else { "paths" };
        writeln!(out, "{indent}  {label}: {}", escape_join(&f.paths, ", "))?;
    }
    Ok(())
}

fn assistants_line(r: &CommitRecord) -> String {
    r.assistants
        .iter()
        .map(|a| format!("{} ({})", Escaped(&a.id), a.status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<W: Write> Reporter for HumanReporter<W> {
    fn commit(&mut self, _record: &CommitRecord, rendered: &[u8]) -> io::Result<()> {
        self.out.write_all(rendered)
    }

    fn finish(&mut self, s: &SummaryRecord) -> io::Result<()> {
        let out = &mut self.out;
        if s.embedded_policy {
            writeln!(
                out,
                "{}",
                "Inventory (embedded default policy: every assistant approved)".bold()
            )?;
            if s.by_assistant.is_empty() {
                writeln!(
                    out,
                    "  no assistant found in {}",
                    super::counted(s.commits, "commit", "commits")
                )?;
            } else {
                let width = s
                    .by_assistant
                    .keys()
                    .map(|id| Escaped(id).to_string().chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(9);
                writeln!(out, "  {:width$}  commits", "assistant")?;
                for (id, n) in &s.by_assistant {
                    writeln!(out, "  {:width$}  {n}", Escaped(id))?;
                }
            }
        }
        writeln!(
            out,
            "{} {}: {} pass, {} warn, {} fail",
            "Scanned".bold(),
            super::counted(s.commits, "commit", "commits"),
            s.verdicts.pass,
            s.verdicts.warn,
            s.verdicts.fail
        )?;
        if !s.embedded_policy && !s.by_assistant.is_empty() {
            let list: Vec<String> = s
                .by_assistant
                .iter()
                .map(|(k, v)| format!("{} {v}", Escaped(k)))
                .collect();
            writeln!(out, "  assistants (commits): {}", list.join(", "))?;
        }
        if !s.findings.is_empty() {
            let list: Vec<String> = s.findings.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(out, "  findings: {}", list.join(", "))?;
        }
        if !s.unused_exceptions.is_empty() {
            writeln!(
                out,
                "  {}[unused-exception] no scanned commit cited: {}",
                "info".blue().bold(),
                escape_join(&s.unused_exceptions, ", ")
            )?;
        }
        for r in &s.repositories {
            writeln!(
                out,
                "  {}: {}: {} pass, {} warn, {} fail (policy sha256 {})",
                Escaped(&r.identity.repository),
                super::counted(r.commits, "commit", "commits"),
                r.verdicts.pass,
                r.verdicts.warn,
                r.verdicts.fail,
                short_hash(&r.policy.sha256)
            )?;
        }
        if s.repositories.is_empty() {
            writeln!(
                out,
                "  policy: {} (sha256 {})",
                Escaped(&s.policy.source),
                short_hash(&s.policy.sha256)
            )?;
        }
        if let Some(r) = &s.registry {
            writeln!(
                out,
                "  registry: {} (sha256 {})",
                Escaped(&r.source),
                short_hash(&r.sha256)
            )?;
        }
        if s.embedded_policy {
            writeln!(
                out,
                "No policy found: `trailgate init` writes a starter policy to .trailgate/policy.toml."
            )?;
        }
        out.flush()
    }
}

fn short_hash(h: &str) -> &str {
    h.get(..16).unwrap_or(h)
}

/// A commit's block in the human report: only commits with findings appear.
pub fn render_commit(r: &CommitRecord) -> Vec<u8> {
    let mut out = Vec::new();
    if r.findings.is_empty() {
        return out;
    }
    // Writing to a Vec cannot fail.
    let _ = write_commit(&mut out, r);
    out
}

fn write_commit(out: &mut Vec<u8>, r: &CommitRecord) -> io::Result<()> {
    writeln!(out, "{} {}", r.short_id().yellow(), Escaped(&r.summary))?;
    writeln!(
        out,
        "  author: {} <{}>, {}",
        Escaped(&r.author.name),
        Escaped(&r.author.email),
        r.author.time
    )?;
    if let Some(repository) = &r.repository {
        writeln!(out, "  repository: {}", Escaped(repository))?;
    }
    if !r.assistants.is_empty() {
        writeln!(out, "  assistants: {}", assistants_line(r))?;
    }
    for f in &r.findings {
        write_finding(out, f, "  ")?;
    }
    writeln!(out)
}

/// `trailgate check`: every step that led to the verdict.
pub fn explain(out: &mut dyn Write, r: &CommitRecord, policy: &Policy) -> io::Result<()> {
    writeln!(out, "{} {}", "commit".bold(), r.id.yellow())?;
    writeln!(out, "  subject:   {}", Escaped(&r.summary))?;
    writeln!(
        out,
        "  author:    {} <{}>, {}",
        Escaped(&r.author.name),
        Escaped(&r.author.email),
        r.author.time
    )?;
    writeln!(
        out,
        "  committer: {} <{}>, {}",
        Escaped(&r.committer.name),
        Escaped(&r.committer.email),
        r.committer.time
    )?;

    writeln!(out, "{}", "1. trailers (as git parses them)".bold())?;
    if r.trailers.is_empty() {
        writeln!(out, "  none")?;
    }
    for t in &r.trailers {
        writeln!(out, "  {}: {}", Escaped(&t.key), Escaped(&t.value))?;
    }

    writeln!(out, "{}", "2. assistants and evidence".bold())?;
    if r.assistants.is_empty() {
        writeln!(out, "  none evidenced")?;
    }
    for a in &r.assistants {
        writeln!(
            out,
            "  {} — {}",
            Escaped(&a.id).to_string().bold(),
            a.status.as_str()
        )?;
        for e in &a.evidence {
            writeln!(out, "    {:15} {}", e.source.as_str(), Escaped(&e.text))?;
        }
    }

    writeln!(out, "{}", "3. production paths".bold())?;
    match &r.production_paths {
        None => writeln!(
            out,
            "  not needed: no restricted or forbidden assistant, no declaration requirement"
        )?,
        Some(p) if p.is_empty() => writeln!(out, "  none touched")?,
        Some(p) => {
            for path in p {
                writeln!(out, "  {}", Escaped(path))?;
            }
        }
    }

    writeln!(out, "{}", "4. exceptions".bold())?;
    if r.exceptions.is_empty() {
        writeln!(out, "  none cited (trailer `{}`)", policy.exception_trailer)?;
    }
    for e in &r.exceptions {
        writeln!(out, "  {} — {}", Escaped(&e.id), e.state)?;
    }

    writeln!(out, "{}", "5. findings".bold())?;
    if r.findings.is_empty() {
        writeln!(out, "  none")?;
    }
    for f in &r.findings {
        write_finding(out, f, "  ")?;
    }
    writeln!(out, "{} {}", "verdict:".bold(), verdict_label(r.verdict))?;
    writeln!(
        out,
        "policy: {} (sha256 {})",
        Escaped(&policy.source),
        short_hash(&policy.sha256)
    )?;
    out.flush()
}
