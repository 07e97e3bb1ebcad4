//! The built-in catalog as a Markdown page (`docs/catalog.md`), generated from the same data
//! the matcher compiles, so the documentation cannot drift from the data: a test compares the
//! committed page with this rendering.

use super::BuiltinEntry;
use std::fmt::Write as _;

/// Inline code for a table cell: backticks around it, `|` escaped for the table.
fn code(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|"))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "—".into();
    }
    items
        .iter()
        .map(|s| code(s))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// A source as a Markdown item: an address as a link, a project file as a link from docs/.
fn source(s: &str) -> String {
    match s.split_once(' ') {
        _ if !s.starts_with("https://") => {
            format!("[`{s}`](../{s}) (project test: no public source recorded)")
        }
        Some((url, note)) => format!("<{url}> {note}"),
        None => format!("<{s}>"),
    }
}

/// The page for the built-in catalog.
pub(super) fn markdown(entries: &[BuiltinEntry]) -> String {
    let mut p = String::new();
    p.push_str(
        "# The built-in assistant catalog\n\n\
         Generated from `src/config/catalog/builtin.toml` by\n\
         `TRAILGATE_WRITE_DOCS=1 cargo test catalog_doc` (a test fails when this page and the data\n\
         differ). Each entry lists its sources: where the assistant is seen writing what the entry\n\
         matches. How each field is matched, and in which order: [recognition.md](recognition.md).\n\
         A policy can add patterns to an entry or define new assistants ([policy.md](policy.md));\n\
         `trailgate policy show --catalog` prints the effective catalog.\n\n",
    );
    p.push_str(
        "| id | name | e-mails | GitHub user ids | session trailers |\n|---|---|---|---|---|\n",
    );
    for d in entries.iter().map(|e| &e.def) {
        let ids: Vec<String> = d.github_ids.iter().map(u64::to_string).collect();
        let _ = writeln!(
            p,
            "| [{}](#{}) | {} | {} | {} | {} |",
            code(&d.id),
            d.id,
            d.name,
            list(&d.emails),
            if ids.is_empty() {
                "—".into()
            } else {
                ids.join(", ")
            },
            list(&d.session_trailers)
        );
    }
    for entry in entries {
        let d = &entry.def;
        let _ = write!(p, "\n## {}\n\n{}\n\n", d.id, d.name);
        let _ = writeln!(p, "- sources:");
        for s in &entry.sources {
            let _ = writeln!(p, "  - {}", source(s));
        }
        for (field, items) in [
            (
                "identities (author and committer names, regular expressions)",
                &d.identities,
            ),
            ("names (trailer values, regular expressions)", &d.names),
            (
                "models (model families under AI keys, regular expressions)",
                &d.models,
            ),
            (
                "markers (text anywhere in the message, case-insensitive)",
                &d.markers,
            ),
            (
                "subject prefixes (start of the title line, case-sensitive)",
                &d.subject_prefixes,
            ),
        ] {
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(p, "- {field}:");
            for item in items {
                let _ = writeln!(p, "  - {}", code(item));
            }
        }
    }
    p
}
