//! Reading a policy text (docs/policy.md) into the engine's [`Policy`], in two phases: the
//! raw tables as written (`raw`), then one validator per table, each returning its compiled
//! part and collecting every problem with file, line and column. Where the texts come from
//! is the caller's business (see `crate::config::source`); this module only reads text.

use crate::config::assistants::assistants;
use crate::config::common::{Context, SourceText, compile_rules};
use crate::config::diag::{Diagnostic, Diagnostics};
use crate::config::raw::{
    RawDefaults, RawExceptions, RawPolicy, RawProduction, RawRefs, RawSessions, RawTrailers,
};
use crate::config::{registry, tomlsrc};
use crate::engine::catalog::{AssistantDef, Catalog};
use crate::engine::evidence::AI_SESSION_KEY;
use crate::engine::exceptions::Registry;
use crate::engine::findings::{Code, Severity};
use crate::engine::paths::Production;
use crate::engine::policy::{
    AI_KEYS, DEFAULT_PROTECTED, IDENTITY_KEYS, Policy, Recognition, Sessions, Status,
};
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

/// The policy used when none is found: every assistant approved, no production paths.
pub const EMBEDDED_DEFAULT: &str = include_str!("embedded-default.toml");
/// What `trailgate init` writes as `.trailgate/policy.toml`.
pub const STARTER_POLICY: &str = include_str!("starter-policy.toml");
/// What `trailgate init` writes as `.trailgate/exceptions.toml`.
pub const STARTER_REGISTRY: &str = include_str!("starter-exceptions.toml");

/// Load and validate a policy. `load_registry` resolves the `[exceptions] registry` value
/// against the policy's own source and returns its text.
pub fn load(
    policy: &SourceText,
    embedded: bool,
    load_registry: &dyn Fn(&str) -> Result<SourceText, Diagnostic>,
) -> Result<Policy, Diagnostics> {
    let (raw, diags): (RawPolicy, _) = tomlsrc::deserialize(&policy.name, &policy.text)?;
    let mut cx = Context {
        file: &policy.name,
        text: &policy.text,
        diags,
    };
    version(&mut cx, raw.version.as_ref());
    let default_status = defaults(&mut cx, &raw.defaults);
    let mut assistants = assistants(&mut cx, &raw.assistants, default_status);
    let production = production(&mut cx, &raw.production);
    let exception_trailer = exception_trailer(&mut cx, raw.exceptions.as_ref());
    let (protected_refs, protected) = refs(&mut cx, &raw.refs);
    let sessions = sessions(&mut cx, &raw.sessions);
    let recognition = trailers(&mut cx, &raw.trailers, &exception_trailer);
    let severity = severity(&mut cx, &raw.severity);
    let registry_source = registry_source(&mut cx, raw.exceptions.as_ref(), load_registry);
    let registry = exception_registry(
        &mut cx,
        registry_source.as_ref(),
        assistants.catalog.as_ref(),
        std::mem::take(&mut assistants.ids_only),
    )?;

    let mut diags = cx.diags;
    let (Some(catalog), true) = (assistants.catalog, diags.is_empty()) else {
        // In file order, so they read top to bottom.
        diags.sort_by_key(|d| (d.file != policy.name, d.file.clone(), d.line, d.column));
        return Err(Diagnostics(diags));
    };
    let statuses = catalog
        .entries()
        .iter()
        .map(|d| {
            let status = assistants.statuses_by_id.get(&d.id).copied();
            status.unwrap_or(default_status)
        })
        .collect();
    // The policy and registry files are production wherever they sit in the repository.
    let always_production = [
        policy.repo_path.clone(),
        registry_source.and_then(|r| r.repo_path),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(Policy {
        source: policy.name.clone(),
        sha256: policy.sha256(),
        embedded,
        catalog,
        statuses,
        unknown_status: assistants.unknown_status,
        default_status,
        production,
        production_paths: strings(&raw.production.paths),
        production_exclude: strings(&raw.production.exclude),
        always_production,
        require_declaration: raw.production.require_declaration,
        exception_trailer,
        protected_refs,
        protected,
        severity,
        registry,
        sessions,
        recognition,
    })
}

/// `version`: only 1 is read.
fn version(cx: &mut Context, version: Option<&Spanned<i64>>) {
    if let Some(v) = version
        && *v.get_ref() != 1
    {
        let d = cx.at(
            v.span().start,
            format!("unsupported policy version {}", v.get_ref()),
        );
        cx.push(d.help("this trailgate reads `version = 1`"));
    }
}

/// `[defaults] status`: what an assistant the policy does not name may do.
fn defaults(cx: &mut Context, raw: &RawDefaults) -> Status {
    cx.status(raw.status.as_ref()).unwrap_or(Status::Restricted)
}

/// `[production]` paths and exclusions, compiled.
fn production(cx: &mut Context, raw: &RawProduction) -> Production {
    let (file, text) = (cx.file, cx.text);
    Production {
        paths: compile_rules(file, text, "production.paths", &raw.paths, &mut cx.diags),
        exclude: compile_rules(
            file,
            text,
            "production.exclude",
            &raw.exclude,
            &mut cx.diags,
        ),
    }
}

fn strings(list: &[Spanned<String>]) -> Vec<String> {
    list.iter().map(|s| s.get_ref().clone()).collect()
}

/// `[exceptions] trailer`: the key that cites exceptions.
fn exception_trailer(cx: &mut Context, raw: Option<&RawExceptions>) -> String {
    let Some(t) = raw.and_then(|e| e.trailer.as_ref()) else {
        return "AI-Exception".to_string();
    };
    let key = t.get_ref();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        let d = cx.at(t.span().start, format!("invalid trailer key `{key}`"));
        cx.push(d.help("a trailer key is ASCII letters, digits and `-`, e.g. `AI-Exception`"));
    }
    key.clone()
}

/// `[refs] protected`: the patterns as written and compiled.
fn refs(cx: &mut Context, raw: &RawRefs) -> (Vec<String>, globset::GlobSet) {
    let mut builder = globset::GlobSetBuilder::new();
    let mut patterns = Vec::new();
    let mut add =
        |p: &str, offset: Option<usize>, cx: &mut Context| match globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
        {
            Ok(g) => {
                builder.add(g);
                patterns.push(p.to_string());
            }
            Err(e) => {
                let d = cx.at(
                    offset.unwrap_or(0),
                    format!("invalid ref pattern `{p}`: {}", e.kind()),
                );
                cx.push(d.help(
                    "write a full ref name such as `refs/heads/main` or `refs/heads/release/*`",
                ));
            }
        };
    match &raw.protected {
        Some(list) => {
            for p in list {
                if !p.get_ref().starts_with("refs/") {
                    let d = cx.at(
                        p.span().start,
                        format!("ref pattern `{}` does not start with `refs/`", p.get_ref()),
                    );
                    cx.push(d.help(format!(
                        "write the full ref name, e.g. `refs/heads/{}`",
                        p.get_ref()
                    )));
                    continue;
                }
                add(p.get_ref(), Some(p.span().start), cx);
            }
        }
        None => {
            for p in DEFAULT_PROTECTED {
                add(p, None, cx);
            }
        }
    }
    let set = builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());
    (patterns, set)
}

/// `[trailers]`: AI keys re-classed as identity keys, AI keys added, and whether subject
/// prefixes count. Every key is checked where it is written.
fn trailers(cx: &mut Context, raw: &RawTrailers, exception_trailer: &str) -> Recognition {
    let mut r = Recognition {
        subject_prefixes: raw.subject_prefixes.unwrap_or(true),
        ..Recognition::default()
    };
    let lower = |k: &Spanned<String>| k.get_ref().to_ascii_lowercase();
    let in_ai_keys: Vec<String> = raw.ai_keys.iter().map(lower).collect();
    for k in &raw.identity_keys {
        let key = lower(k);
        if !trailer_key(cx, "identity_keys", k) {
            continue;
        }
        if in_ai_keys.contains(&key) {
            let d = cx.at(
                k.span().start,
                format!("`{}` is in both `identity_keys` and `ai_keys`", k.get_ref()),
            );
            cx.push(d.help("a key is either an AI key or an identity key: keep it in one list"));
        } else if IDENTITY_KEYS.contains(&key.as_str()) {
            // Already an identity key: nothing to re-class.
        } else if AI_KEYS.contains(&key.as_str()) {
            r.ai_keys.retain(|a| *a != key);
            r.identity_keys.push(key);
        } else {
            let d = cx.at(
                k.span().start,
                format!("unknown AI key `{}` in `identity_keys`", k.get_ref()),
            );
            cx.push(d.help(format!(
                "`identity_keys` re-classes AI keys, one of: {}",
                AI_KEYS.join(", ")
            )));
        }
    }
    for k in &raw.ai_keys {
        let key = lower(k);
        if !trailer_key(cx, "ai_keys", k) || r.ai_keys.contains(&key) {
            continue;
        }
        let taken = if IDENTITY_KEYS.contains(&key.as_str()) {
            Some("an identity key")
        } else if key == AI_SESSION_KEY {
            Some("the session trailer")
        } else if key == exception_trailer.to_ascii_lowercase() {
            Some("the exception trailer")
        } else {
            None
        };
        match taken {
            Some(what) => {
                let d = cx.at(
                    k.span().start,
                    format!("`{}` in `ai_keys` is {what}", k.get_ref()),
                );
                cx.push(d.help("`ai_keys` adds keys that declare AI involvement: remove this one"));
            }
            // Listed in `identity_keys` too: reported there.
            None if r.identity_keys.contains(&key) => {}
            None => r.ai_keys.push(key),
        }
    }
    r
}

/// Whether a `[trailers]` list item is a trailer key; reports it where written if not.
fn trailer_key(cx: &mut Context, field: &str, key: &Spanned<String>) -> bool {
    let k = key.get_ref();
    let valid = !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        let d = cx.at(
            key.span().start,
            format!("invalid trailer key `{k}` in `{field}`"),
        );
        cx.push(d.help("a trailer key is ASCII letters, digits and `-`, e.g. `X-AI-Tool`"));
    }
    valid
}

/// `[sessions]`, each value defaulted when not written or not valid.
fn sessions(cx: &mut Context, raw: &RawSessions) -> Sessions {
    let d = Sessions::default();
    Sessions {
        add_trailers: raw.add_trailers.unwrap_or(d.add_trailers),
        skip_with_message: raw.skip_with_message.unwrap_or(d.skip_with_message),
        write_notes: raw.write_notes.unwrap_or(d.write_notes),
        notes_ref: notes_ref(cx, raw.notes_ref.as_ref(), d.notes_ref.clone()),
        git_ai_notes_ref: notes_ref(
            cx,
            raw.git_ai_notes_ref.as_ref(),
            d.git_ai_notes_ref.clone(),
        ),
        max_age: raw
            .max_age
            .as_ref()
            .map_or(d.max_age, |v| max_age(cx, v).unwrap_or(d.max_age)),
    }
}

/// A notes ref: a full ref name under `refs/notes/`.
fn notes_ref(cx: &mut Context, value: Option<&Spanned<String>>, default: String) -> String {
    match value {
        None => default,
        Some(s)
            if s.get_ref().starts_with("refs/notes/")
                && !s.get_ref().contains(char::is_whitespace) =>
        {
            s.get_ref().clone()
        }
        Some(s) => {
            let d = cx.at(
                s.span().start,
                format!("`{}` is not a notes ref", s.get_ref()),
            );
            cx.push(d.help("write a full ref name under refs/notes/, e.g. `refs/notes/trailgate`"));
            default
        }
    }
}

/// `[sessions] max_age`: a positive duration in git-like friendly units (`12h`, `90m`,
/// `1h 30m`).
fn max_age(cx: &mut Context, value: &Spanned<String>) -> Option<jiff::SignedDuration> {
    match value.get_ref().parse::<jiff::SignedDuration>() {
        Ok(d) if d.is_positive() => Some(d),
        _ => {
            let d = cx.at(
                value.span().start,
                format!(
                    "`max_age = {:?}` is not a positive duration",
                    value.get_ref()
                ),
            );
            cx.push(
                d.help("write hours, minutes or seconds, e.g. `max_age = \"12h\"` or `\"90m\"`"),
            );
            None
        }
    }
}

/// `[severity]`: finding codes raised, lowered or turned off.
fn severity(cx: &mut Context, raw: &BTreeMap<String, Spanned<String>>) -> HashMap<Code, Severity> {
    let mut severity = HashMap::new();
    for (code, level) in raw {
        let parsed_code = Code::parse(code);
        if parsed_code.is_none() {
            let d = cx.at(
                tomlsrc::key_position(cx.text, &["severity", code]),
                format!("unknown finding code `{code}`"),
            );
            cx.push(d.help(format!(
                "use one of: {}",
                Code::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let parsed_level = Severity::parse(level.get_ref());
        if parsed_level.is_none() {
            let d = cx.at(
                level.span().start,
                format!("unknown severity `{}`", level.get_ref()),
            );
            cx.push(d.help("use one of: error, warning, info, off"));
        }
        if parsed_code == Some(Code::Baselined) && parsed_level == Some(Severity::Off) {
            let d = cx.at(
                level.span().start,
                "`baselined` cannot be `off`: a refreshed baseline (`--write-baseline`) is written from the findings reported, so it would forget what the earlier one accepted",
            );
            cx.push(d.help("use `info` (the default) or `warning`; `scan --quiet` leaves commits without error findings out of the human report"));
        } else if let (Some(c), Some(l)) = (parsed_code, parsed_level) {
            severity.insert(c, l);
        }
    }
    severity
}

/// `[exceptions] registry`: the registry's text, found by the caller.
fn registry_source(
    cx: &mut Context,
    raw: Option<&RawExceptions>,
    load_registry: &dyn Fn(&str) -> Result<SourceText, Diagnostic>,
) -> Option<SourceText> {
    let r = raw.and_then(|e| e.registry.as_ref())?;
    match load_registry(r.get_ref()) {
        Ok(src) => Some(src),
        Err(d) => {
            cx.push(d);
            None
        }
    }
}

/// The exception registry, checked against the policy's assistants. It is checked even when
/// the policy has problems, so every problem shows at once; assistant ids are checked against
/// the policy's assistants even if their patterns failed.
fn exception_registry(
    cx: &mut Context,
    source: Option<&SourceText>,
    catalog: Option<&Catalog>,
    ids_only: Vec<AssistantDef>,
) -> Result<Registry, Diagnostics> {
    let Some(src) = source else {
        return Ok(Registry::default());
    };
    let fallback;
    let check_with = match catalog {
        Some(c) => c,
        None => {
            fallback = Catalog::compile(ids_only).map_err(|_| Diagnostics(cx.diags.clone()))?;
            &fallback
        }
    };
    Ok(match registry::load(src, check_with) {
        Ok(r) => r,
        Err(Diagnostics(mut more)) => {
            cx.diags.append(&mut more);
            Registry::default()
        }
    })
}
