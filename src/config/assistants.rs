//! The policy's `[assistants]` table: status changes, patterns added to built-in assistants,
//! and new assistants, compiled into the effective catalog.

use crate::config::common::Context;
use crate::config::diag::Diagnostic;
use crate::config::raw::RawAssistant;
use crate::config::tomlsrc;
use crate::engine::catalog::{AssistantDef, Catalog};
use crate::engine::policy::{Status, UNKNOWN};
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

/// `[assistants]`, compiled.
pub(crate) struct Assistants {
    /// The effective catalog; `None` when a pattern did not compile.
    pub(crate) catalog: Option<Catalog>,
    /// The same assistants without patterns: ids are all the registry needs when `catalog`
    /// failed.
    pub(crate) ids_only: Vec<AssistantDef>,
    /// Status of each assistant the policy names.
    pub(crate) statuses_by_id: HashMap<String, Status>,
    /// Status of `unknown`.
    pub(crate) unknown_status: Status,
}

/// `[assistants.ID]`: statuses, patterns added to built-in assistants, new assistants.
pub(crate) fn assistants(
    cx: &mut Context,
    raw: &BTreeMap<String, RawAssistant>,
    default_status: Status,
) -> Assistants {
    // Policy-defined assistants go first so they win at every matching step.
    let mut builtin = match crate::config::catalog::builtin() {
        Ok(defs) => defs,
        Err(e) => {
            // The data is checked by unit tests; reaching this is a bug in the build.
            cx.push(Diagnostic::file(cx.file, format!("internal error: {e}")));
            Vec::new()
        }
    };
    let mut defined: Vec<AssistantDef> = Vec::new();
    let mut statuses_by_id: HashMap<String, Status> = HashMap::new();
    let mut unknown_status = default_status;
    for (id_text, a) in raw {
        let id_text = id_text.as_str();
        let id_at = tomlsrc::key_position(cx.text, &["assistants", id_text]);
        let status = cx.status(a.status.as_ref());
        check_patterns(cx, a);
        if id_text == UNKNOWN {
            if has_patterns(a) {
                let d = cx.at(id_at, "`unknown` takes only a `status`");
                cx.push(d.help("add patterns to a named assistant instead"));
            }
            unknown_status = status.unwrap_or(default_status);
            continue;
        }
        if !valid_id(id_text) {
            let d = cx.at(id_at, format!("invalid assistant id `{id_text}`"));
            cx.push(d.help("ids use lowercase ASCII letters, digits and `-`"));
            continue;
        }
        if let Some(def) = builtin.iter_mut().find(|d| d.id == id_text) {
            merge_patterns(def, a);
            if let Some(name) = &a.name {
                def.name = name.clone();
            }
        } else {
            let mut def = AssistantDef {
                id: id_text.to_string(),
                name: a.name.clone().unwrap_or_else(|| id_text.to_string()),
                builtin: false,
                ..AssistantDef::default()
            };
            merge_patterns(&mut def, a);
            if !has_patterns(a) {
                let d = cx.at(
                    id_at,
                    format!("`{id_text}` is not a built-in assistant and has no patterns"),
                );
                cx.push(d.help("check the id against `trailgate policy show`, or add emails, identities, names, markers, session_trailers, models or subject_prefixes"));
            }
            defined.push(def);
        }
        statuses_by_id.insert(id_text.to_string(), status.unwrap_or(default_status));
    }
    defined.extend(builtin);
    let ids_only: Vec<AssistantDef> = defined
        .iter()
        .map(|d| AssistantDef {
            id: d.id.clone(),
            name: d.name.clone(),
            builtin: d.builtin,
            ..AssistantDef::default()
        })
        .collect();
    // Patterns were checked where they are written; the catalog compiles what passed. Should
    // it still fail, say so once, without repeating what `check_patterns` reported.
    let catalog = match Catalog::compile(defined) {
        Ok(c) => Some(c),
        Err(errors) => {
            if cx.diags.is_empty() {
                for e in errors {
                    cx.push(Diagnostic::file(
                        cx.file,
                        format!(
                            "assistant `{}`: {} #{}: {}",
                            e.assistant,
                            e.field,
                            e.index + 1,
                            e.message
                        ),
                    ));
                }
            }
            None
        }
    };
    Assistants {
        catalog,
        ids_only,
        statuses_by_id,
        unknown_status,
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn has_patterns(a: &RawAssistant) -> bool {
    !(a.emails.is_empty()
        && a.identities.is_empty()
        && a.names.is_empty()
        && a.markers.is_empty()
        && a.session_trailers.is_empty()
        && a.models.is_empty()
        && a.github_ids.is_empty()
        && a.subject_prefixes.is_empty())
}

fn merge_patterns(def: &mut AssistantDef, a: &RawAssistant) {
    // Policy patterns go first: at each step policy additions are tried before built-ins.
    fn prepend(into: &mut Vec<String>, from: &[Spanned<String>]) {
        let mut v: Vec<String> = from.iter().map(|s| s.get_ref().clone()).collect();
        v.append(into);
        *into = v;
    }
    prepend(&mut def.emails, &a.emails);
    prepend(&mut def.identities, &a.identities);
    prepend(&mut def.names, &a.names);
    prepend(&mut def.markers, &a.markers);
    prepend(&mut def.session_trailers, &a.session_trailers);
    prepend(&mut def.models, &a.models);
    prepend(&mut def.subject_prefixes, &a.subject_prefixes);
    def.github_ids.extend(a.github_ids.iter().copied());
}

/// Check each pattern of a policy assistant where it is written, by the catalog's own rules.
fn check_patterns(cx: &mut Context, a: &RawAssistant) {
    let fields = [
        ("emails", &a.emails),
        ("identities", &a.identities),
        ("names", &a.names),
        ("models", &a.models),
        ("markers", &a.markers),
        ("session_trailers", &a.session_trailers),
        ("subject_prefixes", &a.subject_prefixes),
    ];
    for (field, list) in fields {
        for p in list {
            if let Err(message) = crate::engine::catalog::check_pattern(field, p.get_ref()) {
                let help = match field {
                    "emails" => {
                        "write an address such as `bot@corp.example`; `*` matches any run of characters"
                    }
                    "session_trailers" => "write a trailer key such as `Bot-Session`",
                    "markers" => "remove the empty entry",
                    "subject_prefixes" => "write the start of a title line, such as `bot: `",
                    _ => {
                        "write a Rust `regex` pattern; escape literal characters such as `[`, `(` and `.` with `\\`"
                    }
                };
                let d = cx.at(p.span().start, format!("`{field}`: {message}"));
                cx.push(d.help(help));
            }
        }
    }
}
