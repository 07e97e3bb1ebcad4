//! `policy check`, `policy show` and `policy show --catalog`.

use anyhow::Result;
use colored::Colorize;
use std::collections::HashMap;
use std::io::Write;
use trailgate::config::catalog;
use trailgate::config::source;
use trailgate::engine::findings::Code;
use trailgate::engine::policy::Policy;
use trailgate::git;
use trailgate::report::counted;

pub(super) fn load(spec: Option<&str>) -> Result<Policy> {
    let repo = git::open_from_env().ok();
    Ok(source::load_policy(repo.as_ref(), spec)?)
}

pub(super) fn check(spec: Option<String>) -> Result<u8> {
    let repo = git::open_from_env().ok();
    let policy = source::load_policy(repo.as_ref(), spec.as_deref())?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {}: {}, {}, {}, {}",
        "ok".green().bold(),
        policy.source,
        counted(
            policy.catalog.entries().len() as u64,
            "assistant",
            "assistants"
        ),
        counted(
            policy.production_paths.len() as u64,
            "production pattern",
            "production patterns"
        ),
        counted(
            policy.production_exclude.len() as u64,
            "exclusion",
            "exclusions"
        ),
        counted(
            policy.registry.entries().len() as u64,
            "exception",
            "exceptions"
        )
    )?;
    if let Some(r) = &policy.registry.source {
        writeln!(out, "   registry: {r}")?;
    }
    let tree = repo.as_ref().and_then(|repo| policy_tree(repo, &policy));
    let dead = policy.dead_patterns(tree.as_ref().map(|(_, paths)| paths.as_slice()));
    for d in &dead {
        let why = if let Some((hi, lo)) = d.reversed_range {
            format!(
                "has the reversed range `{hi}-{lo}`, which matches `{hi}` alone as git reads it; write ranges low to high (`{lo}-{hi}`)"
            )
        } else {
            let (name, _) = tree
                .as_ref()
                .map_or(("", &Vec::new()), |(n, p)| (n.as_str(), p));
            format!(
                "matches no path in {name}: a misspelling, or a directory that moved? Fix it, or remove it"
            )
        };
        writeln!(
            out,
            "{}: {}: {} pattern `{}` {why}",
            "warning".yellow().bold(),
            d.file,
            d.place,
            d.pattern
        )?;
    }
    Ok(0)
}

/// The revision whose tree the policy's patterns are checked against, named, with its paths:
/// the revision of a `REV:PATH` policy, else `HEAD`; none outside a repository, before the
/// first commit, or for the embedded default.
fn policy_tree(repo: &git::Repo, policy: &Policy) -> Option<(String, Vec<Vec<u8>>)> {
    if policy.embedded {
        return None;
    }
    let rev = match source::Spec::parse(&policy.source) {
        source::Spec::Rev { rev, .. } => rev,
        source::Spec::File(_) => "HEAD".to_string(),
    };
    // No commit yet: nothing to check against.
    let id = git::resolve_commit_id(repo, &rev).ok()?;
    let paths = match git::tree_paths(repo, id) {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!(
                "{}: the patterns were not checked against {rev}: {e}",
                "warning".yellow().bold()
            );
            return None;
        }
    };
    let short = id.to_string();
    Some((format!("{rev} ({})", &short[..12.min(short.len())]), paths))
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
    let r = &p.recognition;
    writeln!(
        out,
        "\n[trailers]\n# effective keys: built-in ones, re-classed and added by the policy\nai_keys = {:?}\nidentity_keys = {:?}\nsubject_prefixes = {}",
        r.ai_keys, r.identity_keys, r.subject_prefixes
    )?;
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
        let origin = origin(def.builtin);
        writeln!(out, "\n[assistants.{}]  # {origin}", def.id)?;
        writeln!(out, "name = {}", toml::Value::String(def.name.clone()))?;
        writeln!(out, "status = {:?}", p.status_of(&def.id).as_str())?;
        for (key, list) in def.pattern_fields() {
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

/// The effective catalog (policy-defined assistants first, then built-in ones) as
/// `[[assistant]]` tables with the keys of the built-in data file. Patterns are printed as
/// they are compiled, so `bots` appear among `emails` and `families` inside `names`.
pub(super) fn show_catalog(spec: Option<String>) -> Result<u8> {
    let p = load(spec.as_deref())?;
    let sources: HashMap<String, Vec<String>> = catalog::builtin_entries()?
        .into_iter()
        .map(|e| (e.def.id, e.sources))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "# policy: {} (sha256 {})", p.source, p.sha256)?;
    writeln!(
        out,
        "# assistant catalog, policy-defined assistants first; patterns as compiled (bot logins\n\
         # in `emails`, `~` and model families in the regular expressions)"
    )?;
    for def in p.catalog.entries() {
        let origin = origin(def.builtin);
        let status = p.status_of(&def.id).as_str();
        writeln!(out, "\n[[assistant]]  # {origin}, status {status}")?;
        writeln!(out, "id = {}", toml::Value::String(def.id.clone()))?;
        writeln!(out, "name = {}", toml::Value::String(def.name.clone()))?;
        // A policy-defined assistant has no sources: the policy is its source.
        let entry_sources = sources.get(&def.id).filter(|_| def.builtin);
        write_list(
            &mut out,
            "sources",
            entry_sources.map_or(&[], Vec::as_slice),
        )?;
        write_list(&mut out, "emails", &def.emails)?;
        if !def.github_ids.is_empty() {
            writeln!(out, "github_ids = {:?}", def.github_ids)?;
        }
        write_list(&mut out, "identities", &def.identities)?;
        write_list(&mut out, "names", &def.names)?;
        write_list(&mut out, "models", &def.models)?;
        write_list(&mut out, "markers", &def.markers)?;
        write_list(&mut out, "session_trailers", &def.session_trailers)?;
        write_list(&mut out, "subject_prefixes", &def.subject_prefixes)?;
    }
    Ok(0)
}

/// Where an assistant of the effective catalog comes from.
fn origin(builtin: bool) -> &'static str {
    if builtin {
        "built-in"
    } else {
        "defined by the policy"
    }
}

/// `key = [...]`, or nothing for an empty list.
fn write_list(out: &mut impl Write, key: &str, items: &[String]) -> std::io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "{key} = {}", toml_list(items))
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
