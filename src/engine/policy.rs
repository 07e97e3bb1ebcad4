//! The compiled policy (docs/policy.md): what each assistant may do, which paths and refs are
//! production or protected, finding severities, the exception registry and the session
//! settings. Plain data and the queries the judging makes of it; reading and validating a
//! policy text is `config`'s job.

use crate::engine::catalog::Catalog;
use crate::engine::exceptions::Registry;
use crate::engine::findings::{Code, Severity};
use crate::engine::paths::{PathRules, Production, reversed_range};
use std::collections::HashMap;

/// Name of the pseudo-assistant for AI declarations that match no catalog entry.
pub(crate) const UNKNOWN: &str = "unknown";

/// Trailer keys whose value declares AI involvement (compared lowercase), unless the policy
/// re-classes them.
pub(crate) const AI_KEYS: [&str; 8] = [
    "assisted-by",
    "generated-by",
    "ai-assistant",
    "co-authored-by-ai",
    "ai-used-for",
    "commit-generated-by",
    "made-with",
    "synthesized-by",
];
/// Trailer keys mostly about people: only catalog matches count.
pub(crate) const IDENTITY_KEYS: [&str; 3] = ["co-authored-by", "co-developed-by", "signed-off-by"];

/// Directory whose every path is production, whatever the policy says.
pub const POLICY_DIR: &str = ".trailgate";

/// Refs judged by hooks when the policy names none.
pub(crate) const DEFAULT_PROTECTED: [&str; 2] = ["refs/heads/main", "refs/heads/master"];

/// What the policy allows an assistant to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The status a lowercase name stands for.
    pub fn parse(s: &str) -> Option<Status> {
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
    /// Status of each catalog entry, by catalog index.
    pub(crate) statuses: Vec<Status>,
    /// Status of `unknown`.
    pub unknown_status: Status,
    /// `[defaults] status`.
    pub default_status: Status,
    /// `[production]` paths and exclusions, compiled.
    pub(crate) production: Production,
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
    /// `protected_refs`, compiled.
    pub(crate) protected: globset::GlobSet,
    /// `[severity]` overrides.
    pub(crate) severity: HashMap<Code, Severity>,
    /// The exception registry.
    pub registry: Registry,
    /// `[sessions]`.
    pub sessions: Sessions,
    /// `[trailers]`: which keys declare what, and whether title prefixes count.
    pub recognition: Recognition,
}

/// `[trailers]`: the trailer keys as this repository classes them, and whether catalog
/// `subject_prefixes` count (docs/policy.md, "`[trailers]`").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    /// AI keys, lowercase: the built-in ones less those re-classed, plus those added.
    pub ai_keys: Vec<String>,
    /// Identity keys, lowercase: the built-in ones plus AI keys re-classed as identity keys.
    pub identity_keys: Vec<String>,
    /// Whether a title line starting with an assistant's subject prefix evidences it.
    pub subject_prefixes: bool,
}

impl Default for Recognition {
    fn default() -> Self {
        Recognition {
            ai_keys: AI_KEYS.map(String::from).to_vec(),
            identity_keys: IDENTITY_KEYS.map(String::from).to_vec(),
            subject_prefixes: true,
        }
    }
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

/// A path pattern of the policy or registry that matches nothing (SPEC §4, dead patterns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadPattern {
    /// The file that holds it.
    pub file: String,
    /// Where in it: `[production] paths`, `[production] exclude`, `exception ID paths`.
    pub place: String,
    /// The pattern as written.
    pub pattern: String,
    /// A reversed range in a class (`[z-a]`), which git matches by its first character
    /// alone; `None` when the pattern matches none of the paths it was tried on.
    pub reversed_range: Option<(char, char)>,
}

impl Policy {
    /// The path patterns that match nothing or less than they say: every one with a reversed
    /// range (`[z-a]`), and, given the paths of a tree (as [`crate::git::tree_paths`] lists
    /// them), every one matching none of them.
    pub fn dead_patterns(&self, paths: Option<&[Vec<u8>]>) -> Vec<DeadPattern> {
        let registry = self.registry.source.clone().unwrap_or_default();
        let mut lists: Vec<(&str, String, &PathRules, &[String])> = vec![
            (
                &self.source,
                "[production] paths".into(),
                &self.production.paths,
                &self.production_paths,
            ),
            (
                &self.source,
                "[production] exclude".into(),
                &self.production.exclude,
                &self.production_exclude,
            ),
        ];
        for e in self.registry.entries() {
            if let Some(rules) = &e.paths {
                lists.push((
                    &registry,
                    format!("exception {} paths", e.id),
                    rules,
                    &e.path_patterns,
                ));
            }
        }
        let mut dead = Vec::new();
        for (file, place, rules, patterns) in lists {
            let mut matched = vec![false; patterns.len()];
            for path in paths.unwrap_or_default() {
                for i in rules.matching(path) {
                    if let Some(m) = matched.get_mut(i) {
                        *m = true;
                    }
                }
            }
            for (pattern, matched) in patterns.iter().zip(matched) {
                let reversed = reversed_range(pattern);
                if reversed.is_some() || (paths.is_some() && !matched) {
                    dead.push(DeadPattern {
                        file: file.to_string(),
                        place: place.clone(),
                        pattern: pattern.clone(),
                        reversed_range: reversed,
                    });
                }
            }
        }
        dead
    }

    /// How many of `paths` the `[production]` patterns make production (`paths` and not
    /// `exclude`; the policy's own files aside).
    pub fn production_count(&self, paths: &[Vec<u8>]) -> usize {
        paths
            .iter()
            .filter(|p| self.production.is_production(p))
            .count()
    }

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
    pub(crate) fn is_production(&self, path: &[u8]) -> bool {
        let bare = path.strip_suffix(b"/").unwrap_or(path);
        is_under(path, POLICY_DIR.as_bytes())
            || self.always_production.iter().any(|p| p.as_bytes() == bare)
            || self.production.is_production(path)
    }

    /// Might any path below directory `dir` be production? (Conservative: used to prune walks.)
    pub(crate) fn may_contain_production(&self, dir: &[u8]) -> bool {
        is_under(dir, POLICY_DIR.as_bytes())
            || is_under(POLICY_DIR.as_bytes(), dir)
            || self
                .always_production
                .iter()
                .any(|p| is_under(p.as_bytes(), dir))
            || self.production.may_contain_production(dir)
    }

    /// Does a push to this ref get judged by the hooks?
    pub(crate) fn is_protected(&self, refname: &str) -> bool {
        self.protected.is_match(refname)
    }
}

/// `path` equals `dir` or lies below it.
fn is_under(path: &[u8], dir: &[u8]) -> bool {
    path == dir || (path.len() > dir.len() && path.starts_with(dir) && path[dir.len()] == b'/')
}
