//! The exception registry (docs/policy.md, "The exception registry"): its entries and each
//! entry's state at a point in time. Which exception covers which commit is decided in
//! `verdict`; reading and validating the registry file is `config`'s job.

use crate::engine::paths::PathRules;
use jiff::Timestamp;
use std::collections::HashMap;

/// One validated registry entry.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Unique ID.
    pub id: String,
    /// Catalog ids it allows; empty with `any_assistant`.
    pub assistants: Vec<String>,
    /// `["*"]`.
    pub any_assistant: bool,
    /// Path patterns as written; empty means every path.
    pub path_patterns: Vec<String>,
    /// `path_patterns`, compiled; `None` when the entry names no paths.
    pub(crate) paths: Option<PathRules>,
    /// Allowed author e-mails, lowercase; empty means anyone.
    pub authors: Vec<String>,
    /// First instant it is valid.
    pub starts: Option<Timestamp>,
    /// `starts` as written.
    pub starts_text: Option<String>,
    /// First instant it is no longer valid.
    pub(crate) ends: Timestamp,
    /// `expires` as written.
    pub expires_text: String,
    /// Revoked entries never cover anything.
    pub revoked: bool,
    /// Who granted it.
    pub granted_by: Option<String>,
    /// Why it was granted, as the registry says.
    pub reason: Option<String>,
}

/// Where an instant lies relative to an exception's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    /// Before `starts`.
    NotStarted,
    /// Inside [starts, expires].
    Active,
    /// After `expires`.
    Expired,
}

impl Exception {
    /// Window position of `at`.
    pub(crate) fn window(&self, at: Timestamp) -> Window {
        if self.starts.is_some_and(|s| at < s) {
            Window::NotStarted
        } else if at >= self.ends {
            Window::Expired
        } else {
            Window::Active
        }
    }

    /// Does it name this assistant (or `*`)?
    pub(crate) fn lists(&self, assistant: &str) -> bool {
        self.any_assistant || self.assistants.iter().any(|a| a == assistant)
    }

    /// May this author (raw e-mail) use it?
    pub(crate) fn allows_author(&self, email: &str) -> bool {
        self.authors.is_empty() || {
            let email = email.to_lowercase();
            self.authors.contains(&email)
        }
    }

    /// Does its `paths` cover this path?
    pub(crate) fn covers_path(&self, path: &[u8]) -> bool {
        self.paths.as_ref().is_none_or(|p| p.is_match(path))
    }

    /// State word for listings at `at`: `active`, `pending`, `expired` or `revoked`.
    pub fn state(&self, at: Timestamp) -> &'static str {
        if self.revoked {
            return "revoked";
        }
        match self.window(at) {
            Window::NotStarted => "pending",
            Window::Active => "active",
            Window::Expired => "expired",
        }
    }
}

/// The exception registry.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Where it came from, if any.
    pub source: Option<String>,
    /// SHA-256 of its text.
    pub sha256: Option<String>,
    entries: Vec<Exception>,
    by_id: HashMap<String, usize>,
}

impl Registry {
    /// A registry of these entries, in file order; an id given twice finds its first entry.
    pub fn new(
        source: Option<String>,
        sha256: Option<String>,
        entries: Vec<Exception>,
    ) -> Registry {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_id.entry(e.id.clone()).or_insert(i);
        }
        Registry {
            source,
            sha256,
            entries,
            by_id,
        }
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Exception] {
        &self.entries
    }

    /// Entry by ID (exact).
    pub(crate) fn get(&self, id: &str) -> Option<&Exception> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }
}
