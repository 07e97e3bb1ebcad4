//! `exceptions list`: the registry's entries and the state of each at a time.

use super::args::{ListFormatArg, PolicyArg};
use super::policy_cmd::load;
use anyhow::Result;
use colored::Colorize;
use std::io::Write;
use trailgate::report::{Escaped, counted, escape_join};

pub(super) fn exceptions_list(
    policy: PolicyArg,
    at: Option<String>,
    format: ListFormatArg,
) -> Result<u8> {
    let p = load(policy.policy.as_deref())?;
    let at = match at.as_deref() {
        Some("now") | None => jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap_or_else(|_| jiff::Timestamp::now()),
        Some(s) => super::scan_cmd::parse_date(s, "--at", false)?,
    };
    let entries = p.registry.entries();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if format != ListFormatArg::Human {
        let values: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id,
                    "state": e.state(at),
                    "assistants": if e.any_assistant { vec!["*".to_string()] } else { e.assistants.clone() },
                    "paths": e.path_patterns,
                    "authors": e.authors,
                    "starts": e.starts.map(|t| t.to_string()),
                    "expires": e.expires_text,
                    "revoked": e.revoked,
                    "granted_by": e.granted_by,
                    "reason": e.reason,
                })
            })
            .collect();
        if format == ListFormatArg::Jsonl {
            for v in values {
                writeln!(out, "{v}")?;
            }
        } else {
            let doc = serde_json::json!({"registry": p.registry.source, "at": at.to_string(), "exceptions": values});
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        return Ok(0);
    }
    match &p.registry.source {
        None => {
            writeln!(
                out,
                "no registry: the policy ({}) has no `[exceptions] registry`",
                p.source
            )?;
            return Ok(0);
        }
        Some(s) => writeln!(
            out,
            "registry: {s} ({}, state at {at})",
            counted(entries.len() as u64, "entry", "entries")
        )?,
    }
    for e in entries {
        let state = match e.state(at) {
            "active" => "active".green().bold(),
            "pending" => "pending".yellow().bold(),
            other => other.red().bold(),
        };
        // The registry is a file a pull request can edit: its text is shown escaped.
        let who = if e.any_assistant {
            "*".to_string()
        } else {
            escape_join(&e.assistants, ", ")
        };
        let starts = e
            .starts_text
            .as_ref()
            .map(|s| format!("  starts: {}", Escaped(s)))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {}  assistants: {}{starts}  expires: {}",
            Escaped(&e.id).to_string().bold(),
            state,
            who,
            Escaped(&e.expires_text)
        )?;
        if !e.path_patterns.is_empty() {
            writeln!(out, "    paths: {}", escape_join(&e.path_patterns, ", "))?;
        }
        if !e.authors.is_empty() {
            writeln!(out, "    authors: {}", escape_join(&e.authors, ", "))?;
        }
        if let Some(r) = &e.reason {
            writeln!(out, "    reason: {}", Escaped(r))?;
        }
    }
    Ok(0)
}
