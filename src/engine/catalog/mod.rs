//! The assistant catalog: which AI coding assistants exist and how each one is recognised
//! in a commit (docs/recognition.md; the built-in entries are listed in docs/catalog.md).
//!
//! This module owns compiling assistant definitions ([`Catalog::compile`]; the built-in ones
//! are data, read by the config layer) and the matching rules: a trailer value under an AI or
//! identity key ([`Catalog::match_value`]), an author or committer identity
//! ([`Catalog::match_identity`]), markers in a message ([`Catalog::match_markers`]),
//! subject prefixes of a title line ([`Catalog::match_subject`]) and session trailer keys
//! ([`Catalog::session_trailer`]). It does not parse trailers, decide
//! which keys are AI or identity keys, or know about `unknown` and `AI-Session`; callers do.
//!
//! Entries are tried in the order given at every step, so callers put policy-defined
//! assistants first. Each pattern field is compiled into one `RegexSet` whose patterns
//! follow entry order, so the lowest matching pattern names the first matching entry.

mod ascii;
mod fields;
mod starts;

/// The built-in catalog's patterns of the fields named, as compiled (tests of the sets).
#[cfg(test)]
fn builtin_patterns(fields: &[&str]) -> Vec<String> {
    let defs = crate::config::catalog::builtin().expect("the built-in catalog reads");
    let mut out = Vec::new();
    for d in &defs {
        for (name, patterns) in [
            ("names", &d.names),
            ("models", &d.models),
            ("identities", &d.identities),
        ] {
            if fields.contains(&name) {
                out.extend(patterns.iter().cloned());
            }
        }
    }
    out
}
#[cfg(test)]
mod tests;
mod values;

use std::collections::HashMap;
use std::fmt;

pub(crate) use fields::check_pattern;
use fields::{Field, Kind, build, check_ids, err, marker_automaton, valid_key};
use serde::Serialize;
use values::{github_user_id, is_none_value, kernel_agent, spelling, split_address, via_tool};

/// Which kind of trailer key a value came from (docs/recognition.md, "Trailer keys").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// `Assisted-by`, `Generated-by`, … : a value declares AI involvement unless it is a person.
    Ai,
    /// `Co-authored-by`, `Co-developed-by`, `Signed-off-by`: only catalog matches count.
    Identity,
}

/// An assistant as written (built-in data or a policy's `[assistants.X]` table), before compiling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AssistantDef {
    /// Catalog id (`claude-code`), compared case-insensitively.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the entry comes from the built-in catalog.
    pub builtin: bool,
    /// Case-insensitive addresses; `*` matches any run of characters.
    pub emails: Vec<String>,
    /// Regexes on the name part of `Name <email>` (author, committer, or a value with an address).
    pub identities: Vec<String>,
    /// Regexes on a value without an address, a kernel-form AGENT, or (AI keys) a name part.
    pub names: Vec<String>,
    /// Plain text, found as a case-insensitive substring of the whole message.
    pub markers: Vec<String>,
    /// Trailer keys (case-insensitive) whose presence evidences this assistant.
    pub session_trailers: Vec<String>,
    /// Regexes on model family names (AI keys only).
    pub models: Vec<String>,
    /// Numeric user ids of `ID+LOGIN@users.noreply.github.com` addresses.
    pub github_ids: Vec<u64>,
    /// Case-sensitive prefixes of the title line (`aider: `).
    pub subject_prefixes: Vec<String>,
}

impl AssistantDef {
    /// The pattern lists by field name, in the order `policy show` prints them.
    pub fn pattern_fields(&self) -> [(&'static str, &[String]); 7] {
        [
            ("emails", &self.emails),
            ("identities", &self.identities),
            ("names", &self.names),
            ("markers", &self.markers),
            ("session_trailers", &self.session_trailers),
            ("models", &self.models),
            ("subject_prefixes", &self.subject_prefixes),
        ]
    }
}

/// A pattern of the catalog that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogError {
    /// Id of the assistant the pattern belongs to (empty when no single one is to blame).
    pub(crate) assistant: String,
    /// Field of [`AssistantDef`] holding the pattern (`names`, `emails`, …).
    pub(crate) field: &'static str,
    /// Position of the pattern in that field, from 0.
    pub(crate) index: usize,
    /// What is wrong, lowercase.
    pub(crate) message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "assistant `{}`: {} #{}: {}",
            self.assistant,
            self.field,
            self.index + 1,
            self.message
        )
    }
}

impl std::error::Error for CatalogError {}

/// How a value, identity or message was recognised, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MatchedBy {
    /// The address matched this `emails` pattern.
    Email(String),
    /// The address is `ID+LOGIN@users.noreply.github.com` with this id in `github_ids`.
    GithubId(u64),
    /// The name part matched this `identities` pattern.
    Identity(String),
    /// The value (or, under an AI key, the name part) matched this `names` pattern.
    Name(String),
    /// The value matched this `models` pattern (AI keys only).
    Model(String),
    /// The value (or kernel-form AGENT) equals the catalog id.
    Id,
    /// The AGENT of a kernel-form value (`AGENT:MODEL [TOOL...]`) matched this `names` pattern.
    KernelAgent(String),
    /// The value, kernel-form AGENT or TOOL is the catalog id or display name, spelt with
    /// other case, spaces, `-` or `_` (`ClaudeCode`, `claude_code`).
    Spelling,
    /// The TOOL of `MODEL via TOOL` (or `using`) matched; how it did.
    Tool(Box<MatchedBy>),
}

impl fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchedBy::Email(p) => write!(f, "email `{p}`"),
            MatchedBy::GithubId(id) => write!(f, "GitHub user id {id}"),
            MatchedBy::Identity(p) => write!(f, "identity pattern `{p}`"),
            MatchedBy::Name(p) => write!(f, "name pattern `{p}`"),
            MatchedBy::Model(p) => write!(f, "model pattern `{p}`"),
            MatchedBy::Id => f.write_str("catalog id"),
            MatchedBy::KernelAgent(p) => write!(f, "kernel-form agent, name pattern `{p}`"),
            MatchedBy::Spelling => f.write_str("catalog id or name, spelt differently"),
            MatchedBy::Tool(by) => write!(f, "tool after `via` or `using`, {by}"),
        }
    }
}

/// What a trailer value says about assistants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueMatch {
    /// The catalog entry at `index` of [`Catalog::entries`].
    Assistant {
        /// Index into [`Catalog::entries`].
        index: usize,
        /// How it was recognised.
        by: MatchedBy,
    },
    /// An AI key whose value matched nothing: the assistant `unknown`.
    Unknown,
    /// A person: an address that matched nothing, or an unmatched identity-key value.
    Person,
    /// An explicit `none`, `human`, `no` or `n/a` under an AI key.
    NoAssistant,
}

/// Which of rules 1 to 3 a value fell through.
enum Miss {
    /// A value with an address: a person.
    Address,
    /// A kernel-form value whose AGENT is no assistant.
    Kernel,
    /// Anything else: model families may still match.
    Plain,
}

/// Answers of [`Catalog::match_identity`] on this thread, by e-mail then name, for one
/// catalog (`catalog` is its `uid`).
#[derive(Default)]
struct IdentityMemo {
    catalog: u64,
    len: usize,
    by_email: HashMap<String, Vec<(String, IdentityMatch)>>,
}

/// What [`Catalog::match_identity`] answers.
type IdentityMatch = Option<(usize, MatchedBy)>;

/// Identities remembered per thread before starting afresh.
const IDENTITY_MEMO_MAX: usize = 50_000;

thread_local! {
    static IDENTITY_MEMO: std::cell::RefCell<IdentityMemo> =
        std::cell::RefCell::new(IdentityMemo::default());
}

/// Source of [`Catalog::uid`]s: every compiled catalog gets its own.
static NEXT_CATALOG_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The compiled catalog.
pub struct Catalog {
    /// Tells memoised answers of different catalogs apart.
    uid: u64,
    entries: Vec<AssistantDef>,
    emails: Field,
    identities: Field,
    names: Field,
    models: Field,
    markers: Field,
    /// All markers as one case-insensitive automaton, when they are all ASCII (the common
    /// case): a single pass over the message instead of a regex search.
    marker_scan: Option<fields::MarkerScan>,
    /// GitHub user id → first entry listing it.
    github_ids: HashMap<u64, usize>,
    /// Per entry: its id and display name as [`spelling`] folds them.
    spellings: Vec<(String, String)>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// Compile; collect every bad regex or email pattern (not just the first).
    pub(crate) fn compile(defs: Vec<AssistantDef>) -> Result<Catalog, Vec<CatalogError>> {
        let mut errors = Vec::new();
        check_ids(&defs, &mut errors);
        for d in &defs {
            for (i, key) in d.session_trailers.iter().enumerate() {
                if !valid_key(key) {
                    errors.push(err(
                        d,
                        "session_trailers",
                        i,
                        format!("`{key}` is not a trailer key (ASCII letters, digits and `-`)"),
                    ));
                }
            }
            for (i, prefix) in d.subject_prefixes.iter().enumerate() {
                if let Err(m) = check_pattern("subject_prefixes", prefix) {
                    errors.push(err(d, "subject_prefixes", i, m));
                }
            }
        }
        let emails = build(&defs, "emails", |d| &d.emails, Kind::Email, &mut errors);
        let identities = build(
            &defs,
            "identities",
            |d| &d.identities,
            Kind::Regex,
            &mut errors,
        );
        // Names and model families are consulted only for AI-key values that no address
        // decides: most runs never need them, and compiling them costs more than a small
        // scan (their `\p{L}` classes above all).
        let names = build(&defs, "names", |d| &d.names, Kind::Deferred, &mut errors);
        let models = build(&defs, "models", |d| &d.models, Kind::Deferred, &mut errors);
        let markers = build(&defs, "markers", |d| &d.markers, Kind::Marker, &mut errors);
        let (Some(emails), Some(identities), Some(names), Some(models), Some(markers), true) = (
            emails,
            identities,
            names,
            models,
            markers,
            errors.is_empty(),
        ) else {
            return Err(errors);
        };
        let mut github_ids = HashMap::new();
        for (e, d) in defs.iter().enumerate() {
            for id in &d.github_ids {
                github_ids.entry(*id).or_insert(e);
            }
        }
        let marker_scan = marker_automaton(&defs);
        let spellings = defs
            .iter()
            .map(|d| (spelling(&d.id), spelling(&d.name)))
            .collect();
        Ok(Catalog {
            uid: NEXT_CATALOG_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            entries: defs,
            emails,
            identities,
            names,
            models,
            markers,
            marker_scan,
            github_ids,
            spellings,
        })
    }

    /// The entries, in matching order.
    pub fn entries(&self) -> &[AssistantDef] {
        &self.entries
    }

    /// Index of the entry with this id (case-insensitive).
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|d| d.id.eq_ignore_ascii_case(id))
    }

    /// The rules of docs/recognition.md, "Matching a trailer value", for a value under a key
    /// of this kind.
    pub(crate) fn match_value(&self, kind: KeyKind, value: &str) -> ValueMatch {
        let value = value.trim();
        let ai = kind == KeyKind::Ai;
        if ai && is_none_value(value) {
            return ValueMatch::NoAssistant;
        }
        // The tool, not the model: `GPT-5 via GitHub Copilot` names the tool that ran it.
        if let Some(tool) = via_tool(value)
            && let Ok((index, by)) = self.match_steps(kind, tool)
        {
            let by = MatchedBy::Tool(Box::new(by));
            return ValueMatch::Assistant { index, by };
        }
        let unmatched = if ai {
            ValueMatch::Unknown
        } else {
            ValueMatch::Person
        };
        match self.match_steps(kind, value) {
            Ok((index, by)) => ValueMatch::Assistant { index, by },
            // Rule 1: with an address, a miss is a person under either kind of key.
            Err(Miss::Address) => ValueMatch::Person,
            Err(Miss::Kernel) => unmatched,
            Err(Miss::Plain) => {
                // Rule 3, last part: model families (AI keys only), which never name a tool.
                if ai && let Some((e, i)) = self.models.first(value) {
                    let by = MatchedBy::Model(self.entries[e].models[i].clone());
                    return ValueMatch::Assistant { index: e, by };
                }
                // Rule 4.
                unmatched
            }
        }
    }

    /// Rules 1 to 3 without the model step.
    fn match_steps(&self, kind: KeyKind, value: &str) -> Result<(usize, MatchedBy), Miss> {
        let ai = kind == KeyKind::Ai;
        if let Some((name, email)) = split_address(value) {
            return self.match_address(name, email, ai).ok_or(Miss::Address);
        }
        // Rule 2: kernel form; the AGENT is compared with `names`, then with ids and names as
        // spelt, never with models (Kiro runs Claude models: docs/recognition.md).
        if let Some(agent) = kernel_agent(value) {
            if let Some((e, i)) = self.names.first(agent) {
                return Ok((e, MatchedBy::KernelAgent(self.entries[e].names[i].clone())));
            }
            return self
                .spelt(agent)
                .map(|e| (e, MatchedBy::Spelling))
                .ok_or(Miss::Kernel);
        }
        // Rule 3.
        if let Some(index) = self.index_of(value) {
            return Ok((index, MatchedBy::Id));
        }
        if let Some(index) = self.spelt(value) {
            return Ok((index, MatchedBy::Spelling));
        }
        if let Some((e, i)) = self.names.first(value) {
            return Ok((e, MatchedBy::Name(self.entries[e].names[i].clone())));
        }
        Err(Miss::Plain)
    }

    /// First entry whose id or display name is `text` spelt differently (case, spaces,
    /// `-`, `_`).
    fn spelt(&self, text: &str) -> Option<usize> {
        let folded = spelling(text);
        if folded.is_empty() {
            return None;
        }
        self.spellings
            .iter()
            .position(|(id, name)| *id == folded || *name == folded)
    }

    /// First entry (and its prefix) that the title line starts with, case-sensitively.
    pub(crate) fn match_subject(&self, title: &str) -> Option<(usize, String)> {
        self.entries.iter().enumerate().find_map(|(e, d)| {
            d.subject_prefixes
                .iter()
                .find(|p| title.starts_with(p.as_str()))
                .map(|p| (e, p.clone()))
        })
    }

    /// Author or committer: matched like a value with an address (email, then GitHub id,
    /// then identities; never names). `None` means a person.
    pub(crate) fn match_identity(&self, name: &str, email: &str) -> Option<(usize, MatchedBy)> {
        // A history has far fewer identities than commits: remember each answer per thread.
        IDENTITY_MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.catalog != self.uid || memo.len > IDENTITY_MEMO_MAX {
                memo.catalog = self.uid;
                memo.len = 0;
                memo.by_email.clear();
            }
            if let Some(known) = memo
                .by_email
                .get(email)
                .and_then(|names| names.iter().find(|(n, _)| n == name))
            {
                return known.1.clone();
            }
            let answer = self.match_address(name.trim(), email.trim(), false);
            memo.len += 1;
            memo.by_email
                .entry(email.to_string())
                .or_default()
                .push((name.to_string(), answer.clone()));
            answer
        })
    }

    /// Every (entry index, marker) whose marker occurs in the message (case-insensitive).
    pub(crate) fn match_markers(&self, message: &str) -> Vec<(usize, String)> {
        if let Some(scan) = &self.marker_scan {
            // Most messages carry no marker: one cheap pass decides that.
            if !scan.any_in(message) {
                return Vec::new();
            }
            let owners = &scan.owners;
            let mut found: Vec<usize> = scan
                .automaton
                .find_overlapping_iter(message)
                .map(|m| m.pattern().as_usize())
                .collect();
            found.sort_unstable();
            found.dedup();
            return found
                .into_iter()
                .filter_map(|p| owners.get(p))
                .map(|&(e, i)| (e, self.entries[e].markers[i].clone()))
                .collect();
        }
        self.markers
            .all(message)
            .into_iter()
            .map(|(e, i)| (e, self.entries[e].markers[i].clone()))
            .collect()
    }

    /// Entry whose `session_trailers` contains this key (case-insensitive).
    pub(crate) fn session_trailer(&self, key: &str) -> Option<usize> {
        let key = key.trim();
        self.entries.iter().position(|d| {
            d.session_trailers
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        })
    }

    /// Rule 1 for a split `Name <email>`: email or GitHub id, then identities, then
    /// (AI keys only) names. Each step tries every entry before the next step starts.
    fn match_address(&self, name: &str, email: &str, ai: bool) -> Option<(usize, MatchedBy)> {
        let by_email = self.emails.first(email);
        let by_id = github_user_id(email).and_then(|id| Some((*self.github_ids.get(&id)?, id)));
        match (by_email, by_id) {
            // Same step: the earlier entry wins, and an email beats an id within one entry.
            (Some((e, i)), Some((ide, _))) if e <= ide => {
                return Some((e, MatchedBy::Email(self.entries[e].emails[i].clone())));
            }
            (_, Some((ide, id))) => return Some((ide, MatchedBy::GithubId(id))),
            (Some((e, i)), None) => {
                return Some((e, MatchedBy::Email(self.entries[e].emails[i].clone())));
            }
            (None, None) => {}
        }
        if let Some((e, i)) = self.identities.first(name) {
            return Some((
                e,
                MatchedBy::Identity(self.entries[e].identities[i].clone()),
            ));
        }
        if ai && let Some((e, i)) = self.names.first(name) {
            return Some((e, MatchedBy::Name(self.entries[e].names[i].clone())));
        }
        None
    }
}
