//! `--format html`: one self-contained audit page (no scripts, no external resources): the
//! totals, AI-assisted commits per assistant per month as an inline SVG chart, production
//! touches per assistant and path, every failing commit with its findings, and the policy with
//! its digest. The page is built from running totals and the failing commits, written at the
//! end.

use super::Reporter;
use super::junit::escape;
use crate::engine::findings::Verdict;
use crate::engine::record::{CommitRecord, SummaryRecord};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Failing commits listed on the page; the rest are counted (the jsonl format has them all).
const MAX_FAILING_LISTED: usize = 50_000;
/// Production paths listed, the most touched first.
const MAX_PATHS_LISTED: usize = 50;

/// Colours of the chart's series, one per assistant in name order (then repeating).
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Collects what the page shows while the scan streams past.
pub struct HtmlReporter<W: Write> {
    out: W,
    /// month (`YYYY-MM`) → assistant → commits.
    by_month: BTreeMap<String, BTreeMap<String, u64>>,
    /// assistant → commits that changed production paths.
    production_by_assistant: BTreeMap<String, u64>,
    /// production path → AI-assisted commits that changed it.
    production_paths: BTreeMap<String, u64>,
    failing: Vec<String>,
    failing_total: u64,
}

impl<W: Write> HtmlReporter<W> {
    /// Write to `out`.
    pub fn new(out: W) -> Self {
        HtmlReporter {
            out,
            by_month: BTreeMap::new(),
            production_by_assistant: BTreeMap::new(),
            production_paths: BTreeMap::new(),
            failing: Vec::new(),
            failing_total: 0,
        }
    }
}

fn failing_row(r: &CommitRecord) -> String {
    let mut row = String::new();
    let _ = write!(
        row,
        "<tr><td><code>{}</code></td><td>{}</td><td>{} &lt;{}&gt;</td><td>{}</td><td><ul>",
        escape(r.short_id()),
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
        let month = r.committer.time.get(..7).unwrap_or("unknown").to_string();
        for a in &r.assistants {
            *self
                .by_month
                .entry(month.clone())
                .or_default()
                .entry(a.id.clone())
                .or_default() += 1;
        }
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
        if r.verdict == Verdict::Fail {
            self.failing_total += 1;
            if self.failing.len() < MAX_FAILING_LISTED {
                self.failing.push(failing_row(r));
            }
        }
        Ok(())
    }

    fn finish(&mut self, s: &SummaryRecord) -> io::Result<()> {
        let page = page(self, s);
        self.out.write_all(page.as_bytes())?;
        self.out.flush()
    }
}

fn page<W: Write>(h: &HtmlReporter<W>, s: &SummaryRecord) -> String {
    let mut p = String::new();
    p.push_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>trailgate audit report</title>\n<style>\n",
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}\n",
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n",
        "th{background:#f3f3f3}.num{text-align:right}.sev{font-size:.8em;padding:0 .3em;border-radius:3px;color:#fff}\n",
        ".sev.error{background:#c0392b}.sev.warning{background:#d68910}.sev.info{background:#2e86c1}\n",
        ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;padding:.8em 1.2em}\n",
        ".card b{display:block;font-size:1.8em}ul{margin:0;padding-left:1.2em}code{font-size:.95em}\n",
        "</style>\n</head>\n<body>\n<h1>trailgate audit report</h1>\n",
    ));
    if s.embedded_policy {
        p.push_str("<p><b>Inventory</b>: no policy was found, so the embedded default (every assistant approved) was used.</p>\n");
    }
    let _ = writeln!(
        p,
        "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">\
         <div class=\"card\">commits<b id=\"total-commits\">{}</b></div>\
         <div class=\"card\">pass<b id=\"verdict-pass\">{}</b></div>\
         <div class=\"card\">warn<b id=\"verdict-warn\">{}</b></div>\
         <div class=\"card\">fail<b id=\"verdict-fail\">{}</b></div></div>",
        s.commits, s.verdicts.pass, s.verdicts.warn, s.verdicts.fail
    );
    p.push_str("<table id=\"by-assistant\"><tr><th>assistant</th><th>commits</th><th>commits changing production paths</th></tr>\n");
    for (id, n) in &s.by_assistant {
        let prod = h.production_by_assistant.get(id).copied().unwrap_or(0);
        let _ = writeln!(
            p,
            "<tr><td>{}</td><td class=\"num\" data-assistant=\"{}\">{n}</td><td class=\"num\">{prod}</td></tr>",
            escape(id),
            escape(id)
        );
    }
    p.push_str("</table>\n<table id=\"findings\"><tr><th>finding</th><th>count</th></tr>\n");
    for (code, n) in &s.findings {
        let _ = writeln!(
            p,
            "<tr><td>{}</td><td class=\"num\" data-code=\"{}\">{n}</td></tr>",
            escape(code),
            escape(code)
        );
    }
    p.push_str("</table></section>\n");

    p.push_str("<section id=\"chart\"><h2>AI-assisted commits per assistant per month</h2>\n");
    p.push_str(&chart(&h.by_month));
    p.push_str("</section>\n");

    p.push_str("<section id=\"production\"><h2>Production paths changed with AI assistance</h2>\n");
    if h.production_paths.is_empty() {
        p.push_str("<p>None in the commits whose paths the policy needed.</p>\n");
    } else {
        let mut paths: Vec<(&String, &u64)> = h.production_paths.iter().collect();
        paths.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        p.push_str("<table><tr><th>path</th><th>commits</th></tr>\n");
        for (path, n) in paths.iter().take(MAX_PATHS_LISTED) {
            let _ = writeln!(
                p,
                "<tr><td><code>{}</code></td><td class=\"num\">{n}</td></tr>",
                escape(path)
            );
        }
        p.push_str("</table>\n");
        if paths.len() > MAX_PATHS_LISTED {
            let _ = writeln!(
                p,
                "<p>and {} more paths (the jsonl format lists every commit's production paths).</p>",
                paths.len() - MAX_PATHS_LISTED
            );
        }
    }
    // Released wording, kept byte for byte while reports must not change; the section it names
    // is "Changed paths and production paths" in docs/policy.md.
    p.push_str(
        "<p>Paths are known for the commits whose verdict needed them (SPEC §6).</p></section>\n",
    );

    let _ = writeln!(
        p,
        "<section id=\"failing\"><h2>Failing commits (<span id=\"failing-count\">{}</span>)</h2>",
        h.failing_total
    );
    if h.failing.is_empty() {
        p.push_str("<p>No commit fails the policy.</p>\n");
    } else {
        p.push_str("<table><tr><th>commit</th><th>date</th><th>author</th><th>subject</th><th>findings</th></tr>\n");
        for row in &h.failing {
            p.push_str(row);
        }
        p.push_str("</table>\n");
        if h.failing_total > h.failing.len() as u64 {
            let _ = writeln!(
                p,
                "<p>and {} more failing commits (the jsonl format has them all).</p>",
                h.failing_total - h.failing.len() as u64
            );
        }
    }
    p.push_str("</section>\n");

    p.push_str("<section id=\"policy\"><h2>Policy</h2><table>\n");
    let _ = writeln!(
        p,
        "<tr><th>policy</th><td>{}</td><td><code id=\"policy-sha256\">{}</code></td></tr>",
        escape(&s.policy.source),
        escape(&s.policy.sha256)
    );
    if let Some(r) = &s.registry {
        let _ = writeln!(
            p,
            "<tr><th>registry</th><td>{}</td><td><code>{}</code></td></tr>",
            escape(&r.source),
            escape(&r.sha256)
        );
    }
    p.push_str("</table>\n");
    if !s.unused_exceptions.is_empty() {
        let _ = writeln!(
            p,
            "<p>Registry entries no scanned commit cited: {}</p>",
            escape(&s.unused_exceptions.join(", "))
        );
    }
    let _ = writeln!(
        p,
        "<p>Generated by trailgate {} (SHA-256 digests identify the exact policy and registry text).</p>\n</section>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    p
}

/// Stacked bars, one per month, one colour per assistant; a legend below.
fn chart(by_month: &BTreeMap<String, BTreeMap<String, u64>>) -> String {
    if by_month.is_empty() {
        return "<p>No AI-assisted commit in the scanned history.</p>\n".into();
    }
    let assistants: Vec<&String> = {
        let mut all: Vec<&String> = by_month.values().flat_map(|m| m.keys()).collect();
        all.sort();
        all.dedup();
        all
    };
    let colour = |id: &str| {
        let i = assistants
            .iter()
            .position(|a| a.as_str() == id)
            .unwrap_or(0);
        PALETTE[i % PALETTE.len()]
    };
    let max = by_month
        .values()
        .map(|m| m.values().sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (bar, gap, height, left, bottom) = (18usize, 6usize, 220usize, 48usize, 60usize);
    let width = left + by_month.len() * (bar + gap) + 20;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"AI-assisted commits per assistant per month\">",
        height + bottom
    );
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"10\" x2=\"{left}\" y2=\"{height}\" stroke=\"#888\"/><text x=\"{}\" y=\"16\" font-size=\"11\" text-anchor=\"end\">{max}</text><text x=\"{}\" y=\"{height}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        left - 4,
        left - 4
    );
    for (i, (month, counts)) in by_month.iter().enumerate() {
        let x = left + gap + i * (bar + gap);
        let mut y = height;
        for (id, n) in counts {
            let h = ((*n as f64 / max as f64) * (height - 10) as f64).round() as usize;
            let h = h.max(1);
            y = y.saturating_sub(h);
            let _ = writeln!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"{}\"><title>{} {}: {n}</title></rect>",
                colour(id),
                escape(month),
                escape(id)
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" transform=\"rotate(60 {} {})\">{}</text>",
            x + 4,
            height + 12,
            x + 4,
            height + 12,
            escape(month)
        );
    }
    svg.push_str("</svg>\n<p>");
    for id in &assistants {
        let _ = write!(
            svg,
            "<span style=\"display:inline-block;width:.9em;height:.9em;background:{}\"></span> {} &nbsp; ",
            colour(id),
            escape(id)
        );
    }
    svg.push_str("</p>\n");
    svg
}
