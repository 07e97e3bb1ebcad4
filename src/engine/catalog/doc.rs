//! The built-in catalog as a Markdown page (`docs/catalog.md`), generated from the same data
//! the matcher compiles, so the documentation cannot drift from the code: a test compares the
//! committed page with this rendering.

use super::AssistantDef;
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

/// The page for `defs` (the built-in catalog).
pub(crate) fn markdown(defs: &[AssistantDef]) -> String {
    let mut p = String::new();
    p.push_str(
        "# The built-in assistant catalog\n\n\
         Generated from the code by `TRAILGATE_WRITE_DOCS=1 cargo test catalog_doc` (a test fails\n\
         when this page and the code differ). How each field is matched, and in which order:\n\
         [recognition.md](recognition.md). A policy can add patterns to an entry or define new\n\
         assistants ([policy.md](policy.md)); `trailgate policy show` prints the effective catalog.\n\n",
    );
    p.push_str(
        "| id | name | e-mails | GitHub user ids | session trailers |\n|---|---|---|---|---|\n",
    );
    for d in defs {
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
    for d in defs {
        let _ = write!(p, "\n## {}\n\n{}\n\n", d.id, d.name);
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
