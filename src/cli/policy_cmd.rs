//! `policy check`, `policy show` and `exceptions list`.

use super::args::{FormatArg, PolicyArg};
use anyhow::Result;
use colored::Colorize;
use std::io::Write;
use trailgate::config::source;
use trailgate::engine::findings::Code;
use trailgate::engine::policy::Policy;
use trailgate::git;
use trailgate::report::{Escaped, escape_join};

fn load(spec: Option<&str>) -> Result<Policy> {
    let repo = git::open_from_env().ok();
    Ok(source::load_policy(repo.as_ref(), spec)?)
}

pub(super) fn check(spec: Option<String>) -> Result<u8> {
    let policy = load(spec.as_deref())?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {}: {} assistants, {} production patterns, {} exclusions, {} exceptions",
        "ok".green().bold(),
        policy.source,
        policy.catalog.entries().len(),
        policy.production_paths.len(),
        policy.production_exclude.len(),
        policy.registry.entries().len()
    )?;
    if let Some(r) = &policy.registry.source {
        writeln!(out, "   registry: {r}")?;
    }
    Ok(0)
}

pub(super) fn show(spec: Option<String>) -> Result<u8> {
    let p = load(spec.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "# policy: {} (sha256 {})", p.source, p.sha256)?;
    if let (Some(s), Some(h)) = (&p.registry.source, &p.registry.sha256) {
        writeln!(out, "# registry: {s} (sha256 {h})")?;
    }
    writeln!(
        out,
        "\n[defaults]\nstatus = {:?}",
        p.default_status.as_str()
    )?;
    writeln!(out, "\n[production]")?;
    writeln!(out, "paths = {:?}", p.production_paths)?;
    writeln!(out, "exclude = {:?}", p.production_exclude)?;
    writeln!(out, "require_declaration = {}", p.require_declaration)?;
    writeln!(
        out,
        "# always production: {}/**{}",
        trailgate::engine::policy::POLICY_DIR,
        p.always_production
            .iter()
            .map(|s| format!(", {s}"))
            .collect::<String>()
    )?;
    writeln!(out, "\n[exceptions]\ntrailer = {:?}", p.exception_trailer)?;
    writeln!(out, "\n[refs]\nprotected = {:?}", p.protected_refs)?;
    let sx = &p.sessions;
    writeln!(
        out,
        "\n[sessions]\nadd_trailers = {}\nskip_with_message = {}\nwrite_notes = {}\nnotes_ref = {:?}\ngit_ai_notes_ref = {:?}\nmax_age = \"{:#}\"",
        sx.add_trailers,
        sx.skip_with_message,
        sx.write_notes,
        sx.notes_ref,
        sx.git_ai_notes_ref,
        sx.max_age
    )?;
    writeln!(out, "\n[severity]")?;
    for code in Code::ALL {
        writeln!(out, "{} = {:?}", code, p.severity(code).as_str())?;
    }
    writeln!(
        out,
        "\n[assistants.unknown]\nstatus = {:?}",
        p.unknown_status.as_str()
    )?;
    for def in p.catalog.entries() {
        let origin = if def.builtin {
            "built-in"
        } else {
            "defined by the policy"
        };
        writeln!(out, "\n[assistants.{}]  # {origin}", def.id)?;
        writeln!(out, "name = {}", toml::Value::String(def.name.clone()))?;
        writeln!(out, "status = {:?}", p.status_of(&def.id).as_str())?;
        for (key, list) in [
            ("emails", &def.emails),
            ("identities", &def.identities),
            ("names", &def.names),
            ("markers", &def.markers),
            ("session_trailers", &def.session_trailers),
            ("models", &def.models),
        ] {
            if !list.is_empty() {
                writeln!(out, "{key} = {}", toml_list(list))?;
            }
        }
        if !def.github_ids.is_empty() {
            writeln!(out, "github_ids = {:?}", def.github_ids)?;
        }
    }
    Ok(0)
}

/// A TOML array of literal strings (regexes read best without escaping).
fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// `text` as a TOML string: a literal string where it can be one (patterns stay readable),
/// else a basic string whose escapes also keep control characters off the terminal.
fn toml_string(text: &str) -> String {
    if text.contains('\'') || text.chars().any(|c| c.is_control() && c != '\t') {
        toml::Value::String(text.to_string()).to_string()
    } else {
        format!("'{text}'")
    }
}

pub(super) fn exceptions_list(
    policy: PolicyArg,
    at: Option<String>,
    format: FormatArg,
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
    if format != FormatArg::Human {
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
        if format == FormatArg::Jsonl {
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
            "registry: {s} ({} entries, state at {at})",
            entries.len()
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
        writeln!(
            out,
            "{}  {}  assistants: {}  expires: {}",
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
