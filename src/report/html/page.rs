//! Assembling the page from what [`HtmlReporter`] collected and the summary.

use super::{HtmlReporter, MAX_PATHS_LISTED, RepositoryPart, escape};
use crate::engine::record::{ScanIdentity, SummaryRecord};
use crate::report::forge::CommitLinks;
use std::fmt::Write as _;
use std::io::Write;

const STYLE: &str = concat!(
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}\n",
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n",
    "th{background:#f3f3f3}.num{text-align:right}.sev{font-size:.8em;padding:0 .3em;border-radius:3px;color:#fff}\n",
    ".sev.error{background:#c0392b}.sev.warning{background:#d68910}.sev.info{background:#2e86c1}\n",
    ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;padding:.8em 1.2em}\n",
    ".card b{display:block;font-size:1.8em}ul{margin:0;padding-left:1.2em}code{font-size:.95em}\n",
    "#scanned th{width:12em}.filters{display:flex;gap:1em;flex-wrap:wrap;align-items:end}\n",
    ".filters label{display:flex;flex-direction:column;font-size:.9em}\n",
);

/// Filters the failing commits by assistant, code and path prefix, in the page itself; the
/// starting values may come from the address (`#code=restricted-assistant&path=src/`).
const FILTER_SCRIPT: &str = include_str!("filter.js");

pub(super) fn page<W: Write>(h: &HtmlReporter<W>, s: &SummaryRecord) -> String {
    let mut p = String::new();
    let _ = write!(
        p,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>trailgate audit report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <h1>trailgate audit report</h1>\n",
        escape(&s.identity.repository)
    );
    identity_table(&mut p, &s.identity, "scanned");
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

    if !s.repositories.is_empty() {
        repositories_table(&mut p, h, s);
    }

    p.push_str("<section id=\"chart\"><h2>AI-assisted commits per assistant per month</h2>\n");
    p.push_str(&h.by_month.svg());
    p.push_str("</section>\n");

    production(&mut p, h);
    failing(&mut p, h, s);
    policy(&mut p, s);
    p.push_str("</body>\n</html>\n");
    p
}

/// What was judged: repository (linked to its forge), revisions, time, version.
fn identity_table(p: &mut String, identity: &ScanIdentity, id: &str) {
    let repository = match CommitLinks::for_repository(&identity.repository) {
        Some(links) => format!(
            "<a href=\"{}\">{}</a>",
            escape(links.home()),
            escape(&identity.repository)
        ),
        None => escape(&identity.repository),
    };
    let _ = writeln!(
        p,
        "<table id=\"{id}\">\
         <tr><th>repository</th><td class=\"repository\">{repository}</td></tr>\
         <tr><th>revisions</th><td class=\"revisions\"><code>{}</code></td></tr>\
         <tr><th>generated at</th><td class=\"generated-at\">{}</td></tr>\
         <tr><th>exceptions judged at</th><td class=\"at\">{}</td></tr>\
         <tr><th>trailgate version</th><td class=\"trailgate-version\">{}</td></tr></table>",
        escape(&identity.revisions.join(" ")),
        escape(&identity.generated_at),
        escape(&identity.at),
        escape(&identity.trailgate_version),
    );
}

/// The part of the repository named `name`, if any of its commits was seen.
fn part<'h, W: Write>(h: &'h HtmlReporter<W>, name: &str) -> Option<&'h RepositoryPart> {
    h.parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, part)| part)
}

/// A merged report's row per repository, linked to its section.
fn repositories_table<W: Write>(p: &mut String, h: &HtmlReporter<W>, s: &SummaryRecord) {
    p.push_str("<section id=\"repositories\"><h2>Repositories</h2>\n<table><tr><th>repository</th><th>commits</th><th>AI-assisted</th><th>failing</th><th>top assistants</th></tr>\n");
    for (i, r) in s.repositories.iter().enumerate() {
        let mut top: Vec<(&String, &u64)> = r.by_assistant.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = top
            .iter()
            .take(3)
            .map(|(id, n)| format!("{} ({n})", escape(id)))
            .collect();
        let ai = part(h, &r.identity.repository).map_or(0, |part| part.ai_assisted);
        let _ = writeln!(
            p,
            "<tr class=\"repository-row\"><td><a href=\"#repo-{}\">{}</a></td><td class=\"num commits\">{}</td><td class=\"num ai-assisted\">{ai}</td><td class=\"num failing\">{}</td><td>{}</td></tr>",
            i + 1,
            escape(&r.identity.repository),
            r.commits,
            r.verdicts.fail,
            top.join(", ")
        );
    }
    p.push_str("</table></section>\n");
}

fn production<W: Write>(p: &mut String, h: &HtmlReporter<W>) {
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
    p.push_str(
        "<p>Paths are known for the commits whose verdict needed them (SPEC §6).</p></section>\n",
    );
}

/// The failing commits with their filters; in a merged report, one table per repository.
fn failing<W: Write>(p: &mut String, h: &HtmlReporter<W>, s: &SummaryRecord) {
    let total: u64 = h.parts.iter().map(|(_, part)| part.failing_total).sum();
    let listed: usize = h.parts.iter().map(|(_, part)| part.failing.len()).sum();
    let _ = writeln!(
        p,
        "<section id=\"failing\"><h2>Failing commits (<span id=\"failing-count\">{total}</span>)</h2>"
    );
    if listed == 0 && s.repositories.is_empty() {
        p.push_str("<p>No commit fails the policy.</p>\n</section>\n");
        return;
    }
    if listed > 0 {
        let options = |set: &mut dyn Iterator<Item = &str>| {
            set.map(|v| format!("<option>{}</option>", escape(v)))
                .collect::<String>()
        };
        let _ = writeln!(
            p,
            "<div class=\"filters\"><label>assistant<select id=\"filter-assistant\"><option value=\"\">any</option>{}</select></label>\
             <label>finding<select id=\"filter-code\"><option value=\"\">any</option>{}</select></label>\
             <label>path starts with<input id=\"filter-path\" type=\"search\" placeholder=\"src/\"></label>\
             <span>showing <b id=\"filter-shown\">{listed}</b> of <span class=\"filter-count-all\">{listed}</span> listed</span></div>",
            options(&mut h.failing_assistants.iter().map(String::as_str)),
            options(&mut h.failing_codes.iter().copied()),
        );
    }
    if s.repositories.is_empty() {
        for (_, part) in &h.parts {
            failing_rows(p, part);
        }
    } else {
        // A section per repository, in the summary's order, even one with no commit.
        for (i, r) in s.repositories.iter().enumerate() {
            let name = &r.identity.repository;
            let part = part(h, name);
            let _ = writeln!(
                p,
                "<section id=\"repo-{}\"><h3>{} (<span class=\"repo-failing\">{}</span> failing)</h3>",
                i + 1,
                escape(name),
                r.verdicts.fail
            );
            identity_table(p, &r.identity, &format!("scanned-{}", i + 1));
            match part.filter(|part| part.failing_total > 0) {
                Some(part) => failing_rows(p, part),
                None => p.push_str("<p>No commit fails the policy.</p>\n"),
            }
            p.push_str("</section>\n");
        }
    }
    if listed > 0 {
        let _ = writeln!(p, "<script>\n{FILTER_SCRIPT}</script>");
    }
    p.push_str("</section>\n");
}

/// A repository's failing commits as listed, and how many more there are.
fn failing_rows(p: &mut String, part: &RepositoryPart) {
    if !part.failing.is_empty() {
        p.push_str("<table class=\"failing\"><tr><th>commit</th><th>date</th><th>author</th><th>subject</th><th>findings</th></tr>\n");
        for row in &part.failing {
            p.push_str(row);
        }
        p.push_str("</table>\n");
    }
    let unlisted = part.failing_total - part.failing.len() as u64;
    if unlisted > 0 {
        let _ = writeln!(
            p,
            "<p>and {unlisted} more failing commits (the jsonl format has them all).</p>"
        );
    }
}

fn policy(p: &mut String, s: &SummaryRecord) {
    p.push_str("<section id=\"policy\"><h2>Policy</h2><table>\n");
    let rows = std::iter::once(s).chain(&s.repositories);
    for r in rows.filter(|r| !r.policy.sha256.is_empty()) {
        let _ = writeln!(
            p,
            "<tr><th>policy</th><td>{}</td><td><code class=\"policy-sha256\">{}</code></td></tr>",
            escape(&r.policy.source),
            escape(&r.policy.sha256)
        );
        if let Some(reg) = &r.registry {
            let _ = writeln!(
                p,
                "<tr><th>registry</th><td>{}</td><td><code>{}</code></td></tr>",
                escape(&reg.source),
                escape(&reg.sha256)
            );
        }
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
        "<p>Generated by trailgate {} (SHA-256 digests identify the exact policy and registry text).</p>\n</section>",
        escape(&s.identity.trailgate_version)
    );
}
