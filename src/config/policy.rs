//! The policy (SPEC §4): loading a policy text and its registry into a validated [`Policy`],
//! collecting every problem with file, line and column. Where the texts come from is the
//! caller's business (see `crate::config::source`); this module only reads text.

pub(crate) use super::raw::RawRegistry;
use super::raw::{RawAssistant, RawPolicy};
use crate::config::diag::{Diagnostic, Diagnostics};
use crate::config::registry::Registry;
use crate::config::tomlsrc;
use crate::engine::catalog::{AssistantDef, Catalog};
use crate::engine::findings::{Code, Severity};
use crate::engine::paths::{PathRules, Production};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The policy used when none is found: every assistant approved, no production paths.
pub const EMBEDDED_DEFAULT: &str = include_str!("embedded-default.toml");
/// What `trailgate init` writes as `.trailgate/policy.toml`.
pub const STARTER_POLICY: &str = include_str!("starter-policy.toml");
/// What `trailgate init` writes as `.trailgate/exceptions.toml`.
pub const STARTER_REGISTRY: &str = include_str!("starter-exceptions.toml");

/// Name of the pseudo-assistant for AI declarations that match no catalog entry.
pub const UNKNOWN: &str = "unknown";

/// What the policy allows an assistant to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Allowed everywhere.
    Approved,
    /// Allowed except on production paths, where each commit needs an exception.
    Restricted,
    /// Allowed nowhere without an exception.
    Forbidden,
}

impl Status {
    fn parse(s: &str) -> Option<Status> {
        match s {
            "approved" => Some(Status::Approved),
            "restricted" => Some(Status::Restricted),
            "forbidden" => Some(Status::Forbidden),
            _ => None,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::Restricted => "restricted",
            Status::Forbidden => "forbidden",
        }
    }
}

/// A text to load: the policy or the registry, with where it came from.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Name for messages and reports: a path, `REV:PATH`, or `(embedded default)`.
    pub name: String,
    /// The TOML text.
    pub text: String,
    /// Path inside the repository when the text comes from it (always production).
    pub repo_path: Option<String>,
}

impl SourceText {
    /// Hex SHA-256 of the text.
    pub fn sha256(&self) -> String {
        hex(&Sha256::digest(self.text.as_bytes()))
    }
}

pub(crate) use crate::git::hex;

/// A validated policy with its catalog and registry, ready to judge commits.
#[derive(Debug)]
pub struct Policy {
    /// Where the policy text came from.
    pub source: String,
    /// SHA-256 of the policy text.
    pub sha256: String,
    /// True for the embedded default (an inventory).
    pub embedded: bool,
    /// Effective catalog: policy-defined assistants first, then built-in ones.
    pub catalog: Catalog,
    statuses: Vec<Status>,
    /// Status of `unknown`.
    pub unknown_status: Status,
    /// `[defaults] status`.
    pub default_status: Status,
    /// `[production]` paths and exclusions, compiled.
    pub production: Production,
    /// `[production] paths` as written.
    pub production_paths: Vec<String>,
    /// `[production] exclude` as written.
    pub production_exclude: Vec<String>,
    /// Repository paths always production (policy and registry files from the repository).
    pub always_production: Vec<String>,
    /// `[production] require_declaration`.
    pub require_declaration: bool,
    /// Trailer key that cites exceptions (`AI-Exception`).
    pub exception_trailer: String,
    /// `[refs] protected` patterns, as written.
    pub protected_refs: Vec<String>,
    protected: globset::GlobSet,
    severity: HashMap<Code, Severity>,
    /// The exception registry.
    pub registry: Registry,
    /// `[sessions]`.
    pub sessions: Sessions,
}

/// `[sessions]`: what the hooks do with session records, and where notes live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sessions {
    /// `prepare-commit-msg` adds `Assisted-by` and `AI-Session` for active sessions.
    pub add_trailers: bool,
    /// ... except for commits whose message came from `-m`, `-F` or `-C`.
    pub skip_with_message: bool,
    /// `post-commit` writes a note for the new commit.
    pub write_notes: bool,
    /// trailgate's notes ref.
    pub notes_ref: String,
    /// git-ai's notes ref.
    pub git_ai_notes_ref: String,
    /// How long a session record that never ended keeps counting after its last start: an
    /// assistant that died without its end hook must not declare itself forever.
    pub max_age: jiff::SignedDuration,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            add_trailers: true,
            skip_with_message: false,
            write_notes: true,
            notes_ref: "refs/notes/trailgate".into(),
            git_ai_notes_ref: "refs/notes/ai".into(),
            max_age: jiff::SignedDuration::from_hours(12),
        }
    }
}

/// Directory whose every path is production, whatever the policy says.
pub const POLICY_DIR: &str = ".trailgate";

impl Policy {
    /// Status of a catalog id or `unknown`.
    pub fn status_of(&self, id: &str) -> Status {
        if id == UNKNOWN {
            return self.unknown_status;
        }
        match self.catalog.index_of(id) {
            Some(i) => self.statuses.get(i).copied().unwrap_or(self.default_status),
            None => self.unknown_status,
        }
    }

    /// Effective severity of a finding code.
    pub fn severity(&self, code: Code) -> Severity {
        self.severity
            .get(&code)
            .copied()
            .unwrap_or(code.default_severity())
    }

    /// Is this changed path production? (A trailing `/` marks a submodule: see
    /// [`crate::engine::paths`].)
    pub fn is_production(&self, path: &[u8]) -> bool {
        let bare = path.strip_suffix(b"/").unwrap_or(path);
        is_under(path, POLICY_DIR.as_bytes())
            || self.always_production.iter().any(|p| p.as_bytes() == bare)
            || self.production.is_production(path)
    }

    /// Might any path below directory `dir` be production? (Conservative: used to prune walks.)
    pub fn may_contain_production(&self, dir: &[u8]) -> bool {
        is_under(dir, POLICY_DIR.as_bytes())
            || is_under(POLICY_DIR.as_bytes(), dir)
            || self
                .always_production
                .iter()
                .any(|p| is_under(p.as_bytes(), dir))
            || self.production.may_contain_production(dir)
    }

    /// Does a push to this ref get judged by the hooks?
    pub fn is_protected(&self, refname: &str) -> bool {
        self.protected.is_match(refname)
    }

    /// True when no assistant can ever need a path: every status approved and no
    /// declaration requirement. Scans then skip diffs entirely.
    pub fn never_needs_paths(&self) -> bool {
        !self.require_declaration
            && self.unknown_status == Status::Approved
            && self.default_status == Status::Approved
            && self.statuses.iter().all(|s| *s == Status::Approved)
    }
}

/// `path` equals `dir` or lies below it.
fn is_under(path: &[u8], dir: &[u8]) -> bool {
    path == dir || (path.len() > dir.len() && path.starts_with(dir) && path[dir.len()] == b'/')
}

/// Load and validate a policy. `load_registry` resolves the `[exceptions] registry` value
/// against the policy's own source and returns its text.
pub fn load(
    policy: &SourceText,
    embedded: bool,
    load_registry: &dyn Fn(&str) -> Result<SourceText, Diagnostic>,
) -> Result<Policy, Diagnostics> {
    let file = policy.name.as_str();
    let text = policy.text.as_str();
    let (raw, mut diags): (RawPolicy, _) = tomlsrc::deserialize(file, text)?;
    let at = |offset: usize, msg: String| Diagnostic::at(file, text, offset, msg);

    if let Some(v) = &raw.version
        && *v.get_ref() != 1
    {
        diags.push(
            at(
                v.span().start,
                format!("unsupported policy version {}", v.get_ref()),
            )
            .help("this trailgate reads `version = 1`"),
        );
    }

    let status_of = |s: &Option<toml::Spanned<String>>, diags: &mut Vec<Diagnostic>| {
        let s = s.as_ref()?;
        let parsed = Status::parse(s.get_ref());
        if parsed.is_none() {
            diags.push(
                Diagnostic::at(
                    file,
                    text,
                    s.span().start,
                    format!("unknown status `{}`", s.get_ref()),
                )
                .help("use one of: approved, restricted, forbidden"),
            );
        }
        parsed
    };
    let default_status = status_of(&raw.defaults.status, &mut diags).unwrap_or(Status::Restricted);

    // Assistants: policy-defined ones go first so they win at every matching step.
    let mut builtin = crate::engine::catalog::builtin();
    let mut defined: Vec<AssistantDef> = Vec::new();
    let mut statuses_by_id: HashMap<String, Status> = HashMap::new();
    let mut unknown_status = default_status;
    for (id_text, a) in &raw.assistants {
        let id_text = id_text.as_str();
        let id_at = tomlsrc::key_position(text, &["assistants", id_text]);
        let status = status_of(&a.status, &mut diags);
        check_patterns(file, text, a, &mut diags);
        if id_text == UNKNOWN {
            if has_patterns(a) {
                diags.push(
                    at(id_at, "`unknown` takes only a `status`".to_string())
                        .help("add patterns to a named assistant instead"),
                );
            }
            unknown_status = status.unwrap_or(default_status);
            continue;
        }
        if !valid_id(id_text) {
            diags.push(
                at(id_at, format!("invalid assistant id `{id_text}`"))
                    .help("ids use lowercase ASCII letters, digits and `-`"),
            );
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
                diags.push(
                    at(id_at, format!("`{id_text}` is not a built-in assistant and has no patterns"))
                        .help("check the id against `trailgate policy show`, or add emails, identities, names, markers, session_trailers or models"),
                );
            }
            defined.push(def);
        }
        statuses_by_id.insert(id_text.to_string(), status.unwrap_or(default_status));
    }
    defined.extend(builtin);
    // Patterns were checked where they are written; the catalog compiles what passed. Should
    // it still fail, say so once, without repeating what `check_patterns` reported.
    let ids_only: Vec<AssistantDef> = defined
        .iter()
        .map(|d| AssistantDef {
            id: d.id.clone(),
            name: d.name.clone(),
            builtin: d.builtin,
            ..AssistantDef::default()
        })
        .collect();
    let catalog = match Catalog::compile(defined) {
        Ok(c) => Some(c),
        Err(errors) => {
            if diags.is_empty() {
                for e in errors {
                    diags.push(Diagnostic::file(
                        file,
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

    let production = compile_production(file, text, &raw, &mut diags);

    let exception_trailer = match raw.exceptions.as_ref().and_then(|e| e.trailer.as_ref()) {
        Some(t) => {
            let key = t.get_ref();
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                diags.push(
                    at(t.span().start, format!("invalid trailer key `{key}`")).help(
                        "a trailer key is ASCII letters, digits and `-`, e.g. `AI-Exception`",
                    ),
                );
            }
            key.clone()
        }
        None => "AI-Exception".to_string(),
    };

    let (protected_refs, protected) = compile_refs(file, text, &raw, &mut diags);
    let sessions = compile_sessions(file, text, &raw, &mut diags);

    let mut severity = HashMap::new();
    for (code, level) in &raw.severity {
        let parsed_code = Code::parse(code);
        if parsed_code.is_none() {
            diags.push(
                at(
                    tomlsrc::key_position(text, &["severity", code]),
                    format!("unknown finding code `{code}`"),
                )
                .help(format!(
                    "use one of: {}",
                    Code::ALL
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        let parsed_level = Severity::parse(level.get_ref());
        if parsed_level.is_none() {
            diags.push(
                at(
                    level.span().start,
                    format!("unknown severity `{}`", level.get_ref()),
                )
                .help("use one of: error, warning, info, off"),
            );
        }
        if let (Some(c), Some(l)) = (parsed_code, parsed_level) {
            severity.insert(c, l);
        }
    }

    // The registry is loaded with the policy's catalog so it can check assistant ids.
    let registry_source = match raw.exceptions.as_ref().and_then(|e| e.registry.as_ref()) {
        Some(r) => match load_registry(r.get_ref()) {
            Ok(src) => Some(src),
            Err(d) => {
                diags.push(d);
                None
            }
        },
        None => None,
    };

    // Check the registry even when the policy has problems, so every problem shows at once;
    // assistant ids are checked against the policy's assistants even if their patterns failed.
    let registry = match &registry_source {
        Some(src) => {
            let fallback;
            let check_with = match &catalog {
                Some(c) => c,
                None => {
                    // The same assistants without patterns: ids are all the registry needs.
                    fallback =
                        Catalog::compile(ids_only).map_err(|_| Diagnostics(diags.clone()))?;
                    &fallback
                }
            };
            match Registry::load(src, check_with) {
                Ok(r) => r,
                Err(Diagnostics(mut more)) => {
                    diags.append(&mut more);
                    Registry::default()
                }
            }
        }
        None => Registry::default(),
    };
    let (Some(catalog), true) = (catalog, diags.is_empty()) else {
        // In file order, so they read top to bottom.
        diags.sort_by_key(|d| (d.file != policy.name, d.file.clone(), d.line, d.column));
        return Err(Diagnostics(diags));
    };

    let statuses = catalog
        .entries()
        .iter()
        .map(|d| statuses_by_id.get(&d.id).copied().unwrap_or(default_status))
        .collect();
    let mut always_production: Vec<String> = Vec::new();
    for p in [
        &policy.repo_path,
        &registry_source.as_ref().and_then(|r| r.repo_path.clone()),
    ]
    .into_iter()
    .flatten()
    {
        always_production.push(p.clone());
    }
    Ok(Policy {
        source: policy.name.clone(),
        sha256: policy.sha256(),
        embedded,
        catalog,
        statuses,
        unknown_status,
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
    })
}

fn compile_sessions(
    file: &str,
    text: &str,
    raw: &RawPolicy,
    diags: &mut Vec<Diagnostic>,
) -> Sessions {
    let d = Sessions::default();
    let r = &raw.sessions;
    let notes_ref =
        |v: &Option<toml::Spanned<String>>, default: String, diags: &mut Vec<Diagnostic>| match v {
            None => default,
            Some(s)
                if s.get_ref().starts_with("refs/notes/")
                    && !s.get_ref().contains(char::is_whitespace) =>
            {
                s.get_ref().clone()
            }
            Some(s) => {
                diags.push(
                    Diagnostic::at(
                        file,
                        text,
                        s.span().start,
                        format!("`{}` is not a notes ref", s.get_ref()),
                    )
                    .help("write a full ref name under refs/notes/, e.g. `refs/notes/trailgate`"),
                );
                default
            }
        };
    Sessions {
        add_trailers: r.add_trailers.unwrap_or(d.add_trailers),
        skip_with_message: r.skip_with_message.unwrap_or(d.skip_with_message),
        write_notes: r.write_notes.unwrap_or(d.write_notes),
        notes_ref: notes_ref(&r.notes_ref, d.notes_ref.clone(), diags),
        git_ai_notes_ref: notes_ref(&r.git_ai_notes_ref, d.git_ai_notes_ref.clone(), diags),
        max_age: r.max_age.as_ref().map_or(d.max_age, |v| {
            max_age(file, text, v, diags).unwrap_or(d.max_age)
        }),
    }
}

/// `[sessions] max_age`: a positive duration in git-like friendly units (`12h`, `90m`,
/// `1h 30m`).
fn max_age(
    file: &str,
    text: &str,
    value: &toml::Spanned<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<jiff::SignedDuration> {
    match value.get_ref().parse::<jiff::SignedDuration>() {
        Ok(d) if d.is_positive() => Some(d),
        _ => {
            diags.push(
                Diagnostic::at(
                    file,
                    text,
                    value.span().start,
                    format!(
                        "`max_age = {:?}` is not a positive duration",
                        value.get_ref()
                    ),
                )
                .help("write hours, minutes or seconds, e.g. `max_age = \"12h\"` or `\"90m\"`"),
            );
            None
        }
    }
}

fn strings(list: &[toml::Spanned<String>]) -> Vec<String> {
    list.iter().map(|s| s.get_ref().clone()).collect()
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
        && a.github_ids.is_empty())
}

fn merge_patterns(def: &mut AssistantDef, a: &RawAssistant) {
    // Policy patterns go first: at each step policy additions are tried before built-ins.
    fn prepend(into: &mut Vec<String>, from: &[toml::Spanned<String>]) {
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
    def.github_ids.extend(a.github_ids.iter().copied());
}

/// Check each pattern of a policy assistant where it is written, by the catalog's own rules.
fn check_patterns(file: &str, text: &str, a: &RawAssistant, diags: &mut Vec<Diagnostic>) {
    let fields = [
        ("emails", &a.emails),
        ("identities", &a.identities),
        ("names", &a.names),
        ("models", &a.models),
        ("markers", &a.markers),
        ("session_trailers", &a.session_trailers),
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
                    _ => {
                        "write a Rust `regex` pattern; escape literal characters such as `[`, `(` and `.` with `\\`"
                    }
                };
                diags.push(
                    Diagnostic::at(file, text, p.span().start, format!("`{field}`: {message}"))
                        .help(help),
                );
            }
        }
    }
}

/// Compile path patterns where they are written; problems go to `diags`.
pub(crate) fn compile_rules(
    file: &str,
    text: &str,
    field: &str,
    patterns: &[toml::Spanned<String>],
    diags: &mut Vec<Diagnostic>,
) -> PathRules {
    let strings: Vec<&str> = patterns.iter().map(|p| p.get_ref().as_str()).collect();
    match PathRules::new(&strings) {
        Ok(rules) => rules,
        Err(errors) => {
            for e in errors {
                let offset = patterns.get(e.index).map_or(0, |p| p.span().start);
                diags.push(
                    Diagnostic::at(
                        file,
                        text,
                        offset,
                        format!(
                            "invalid pattern `{}` in `{field}`: {}",
                            e.pattern, e.message
                        ),
                    )
                    .help("patterns follow gitignore rules without `!`; see docs/policy.md"),
                );
            }
            PathRules::empty()
        }
    }
}

fn compile_production(
    file: &str,
    text: &str,
    raw: &RawPolicy,
    diags: &mut Vec<Diagnostic>,
) -> Production {
    Production {
        paths: compile_rules(file, text, "production.paths", &raw.production.paths, diags),
        exclude: compile_rules(
            file,
            text,
            "production.exclude",
            &raw.production.exclude,
            diags,
        ),
    }
}

/// Refs judged by hooks when the policy names none.
pub const DEFAULT_PROTECTED: [&str; 2] = ["refs/heads/main", "refs/heads/master"];

fn compile_refs(
    file: &str,
    text: &str,
    raw: &RawPolicy,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<String>, globset::GlobSet) {
    let mut builder = globset::GlobSetBuilder::new();
    let mut patterns = Vec::new();
    let mut add = |p: &str, offset: Option<usize>, diags: &mut Vec<Diagnostic>| {
        match globset::GlobBuilder::new(p).literal_separator(true).build() {
            Ok(g) => {
                builder.add(g);
                patterns.push(p.to_string());
            }
            Err(e) => diags.push(
                Diagnostic::at(
                    file,
                    text,
                    offset.unwrap_or(0),
                    format!("invalid ref pattern `{p}`: {}", e.kind()),
                )
                .help("write a full ref name such as `refs/heads/main` or `refs/heads/release/*`"),
            ),
        }
    };
    match &raw.refs.protected {
        Some(list) => {
            for p in list {
                if !p.get_ref().starts_with("refs/") {
                    diags.push(
                        Diagnostic::at(
                            file,
                            text,
                            p.span().start,
                            format!("ref pattern `{}` does not start with `refs/`", p.get_ref()),
                        )
                        .help(format!(
                            "write the full ref name, e.g. `refs/heads/{}`",
                            p.get_ref()
                        )),
                    );
                    continue;
                }
                add(p.get_ref(), Some(p.span().start), diags);
            }
        }
        None => {
            for p in DEFAULT_PROTECTED {
                add(p, None, diags);
            }
        }
    }
    let set = builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());
    (patterns, set)
}
