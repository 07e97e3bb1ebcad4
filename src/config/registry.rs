//! The exception registry (docs/policy.md, "The exception registry"): loading and validating
//! entries, and each entry's state at a point in time. Which exception covers which commit is
//! decided in `verdict`.

use crate::config::diag::{Diagnostic, Diagnostics};
use crate::config::policy::{RawRegistry, SourceText, UNKNOWN, compile_rules};
use crate::config::tomlsrc;
use crate::engine::catalog::Catalog;
use crate::engine::paths::PathRules;
use jiff::{Timestamp, ToSpan, civil};
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
    paths: Option<PathRules>,
    /// Allowed author e-mails, lowercase; empty means anyone.
    pub authors: Vec<String>,
    /// First instant it is valid.
    pub starts: Option<Timestamp>,
    /// First instant it is no longer valid.
    pub ends: Timestamp,
    /// `expires` as written.
    pub expires_text: String,
    /// Revoked entries never cover anything.
    pub revoked: bool,
    /// Who granted it.
    pub granted_by: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Line of its `[[exception]]` header.
    pub line: usize,
}

/// Where an instant lies relative to an exception's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Before `starts`.
    NotStarted,
    /// Inside [starts, expires].
    Active,
    /// After `expires`.
    Expired,
}

impl Exception {
    /// Window position of `at`.
    pub fn window(&self, at: Timestamp) -> Window {
        if self.starts.is_some_and(|s| at < s) {
            Window::NotStarted
        } else if at >= self.ends {
            Window::Expired
        } else {
            Window::Active
        }
    }

    /// Does it name this assistant (or `*`)?
    pub fn lists(&self, assistant: &str) -> bool {
        self.any_assistant || self.assistants.iter().any(|a| a == assistant)
    }

    /// May this author (raw e-mail) use it?
    pub fn allows_author(&self, email: &str) -> bool {
        self.authors.is_empty() || {
            let email = email.to_lowercase();
            self.authors.contains(&email)
        }
    }

    /// Does its `paths` cover this path?
    pub fn covers_path(&self, path: &[u8]) -> bool {
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
    /// Every entry, in file order.
    pub fn entries(&self) -> &[Exception] {
        &self.entries
    }

    /// Entry by ID (exact).
    pub fn get(&self, id: &str) -> Option<&Exception> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Load and validate a registry, collecting every problem.
    pub fn load(src: &SourceText, catalog: &Catalog) -> Result<Registry, Diagnostics> {
        let file = src.name.as_str();
        let text = src.text.as_str();
        let (raw, mut diags): (RawRegistry, _) = tomlsrc::deserialize(file, text)?;
        let mut entries = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for spanned in &raw.exception {
            let header = spanned.span().start;
            let line = crate::config::diag::line_col(text, header).0;
            let e = spanned.get_ref();
            let at = |offset: usize, msg: String| Diagnostic::at(file, text, offset, msg);
            let Some(id) = &e.id else {
                diags.push(
                    at(header, "exception has no `id`".into()).help("add `id = \"EXC-YYYY-NNNN\"`"),
                );
                continue;
            };
            let id_text = id.get_ref().clone();
            if id_text.is_empty() || id_text.chars().any(|c| c.is_whitespace() || c == ',') {
                diags.push(
                    at(id.span().start, format!("invalid exception id `{id_text}`")).help(
                        "an id is non-empty, without whitespace or commas, e.g. `EXC-2026-0042`",
                    ),
                );
            }
            if let Some(prev) = first_line.get(&id_text) {
                diags.push(
                    at(
                        id.span().start,
                        format!(
                            "duplicate exception id `{id_text}` (first defined on line {prev})"
                        ),
                    )
                    .help("give each exception its own id"),
                );
            } else {
                first_line.insert(id_text.clone(), line);
            }
            let mut any_assistant = false;
            let mut assistants = Vec::new();
            match &e.assistants {
                None => diags.push(
                    at(header, format!("exception `{id_text}` has no `assistants`"))
                        .help("add `assistants = [\"claude-code\"]` (catalog ids) or `[\"*\"]`"),
                ),
                Some(list) if list.get_ref().is_empty() => diags.push(
                    at(
                        list.span().start,
                        format!("exception `{id_text}` lists no assistants"),
                    )
                    .help("name catalog ids, or `\"*\"` for any assistant"),
                ),
                Some(list) => {
                    for a in list.get_ref() {
                        let name = a.get_ref();
                        if name == "*" {
                            any_assistant = true;
                        } else if name == UNKNOWN {
                            assistants.push(name.clone());
                        } else if let Some(i) = catalog.index_of(name) {
                            assistants.push(catalog.entries()[i].id.clone());
                        } else {
                            diags.push(
                                at(a.span().start, format!("unknown assistant `{name}`"))
                                    .help("use a catalog id (`trailgate policy show` lists them), `unknown`, or `*`"),
                            );
                        }
                    }
                }
            }
            let path_patterns: Vec<String> = e
                .paths
                .as_ref()
                .map(|p| p.iter().map(|s| s.get_ref().clone()).collect())
                .unwrap_or_default();
            let paths = e
                .paths
                .as_ref()
                .map(|p| compile_rules(file, text, "paths", p, &mut diags));
            let starts = e.starts.as_ref().and_then(|v| {
                parse_when(v.get_ref(), Edge::Start)
                    .map_err(|m| {
                        diags.push(at(v.span().start, format!("`starts`: {m}")).help(DATE_HELP))
                    })
                    .ok()
            });
            let (ends, expires_text) = match &e.expires {
                None => {
                    diags.push(
                        at(header, format!("exception `{id_text}` has no `expires`")).help(
                            "every exception needs an end date, e.g. `expires = \"2026-12-31\"`",
                        ),
                    );
                    (Timestamp::MAX, String::new())
                }
                Some(v) => match parse_when(v.get_ref(), Edge::End) {
                    Ok(t) => (t, value_text(v.get_ref())),
                    Err(m) => {
                        diags.push(at(v.span().start, format!("`expires`: {m}")).help(DATE_HELP));
                        (Timestamp::MAX, String::new())
                    }
                },
            };
            if let (Some(s), Some(ex)) = (starts, e.expires.as_ref())
                && s >= ends
            {
                diags.push(
                    at(
                        ex.span().start,
                        format!("exception `{id_text}` expires before it starts"),
                    )
                    .help("make `expires` later than `starts`"),
                );
            }
            by_id.entry(id_text.clone()).or_insert(entries.len());
            entries.push(Exception {
                id: id_text,
                assistants,
                any_assistant,
                path_patterns,
                paths,
                authors: e
                    .authors
                    .clone()
                    .unwrap_or_default()
                    .iter()
                    .map(|a| a.to_lowercase())
                    .collect(),
                starts,
                ends,
                expires_text,
                revoked: e.revoked,
                granted_by: e.granted_by.clone(),
                reason: e.reason.clone(),
                line,
            });
        }
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        Ok(Registry {
            source: Some(src.name.clone()),
            sha256: Some(src.sha256()),
            entries,
            by_id,
        })
    }
}

const DATE_HELP: &str = "write a date `2026-12-31` (a UTC day) or an RFC 3339 time with an offset `2026-12-31T18:00:00Z`";

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

fn value_text(v: &toml::Value) -> String {
    tomlsrc::datetime_text(v).unwrap_or_else(|| v.to_string())
}

fn parse_when(v: &toml::Value, edge: Edge) -> Result<Timestamp, String> {
    let Some(text) = tomlsrc::datetime_text(v) else {
        return Err(format!("expected a date, found {}", v.type_str()));
    };
    let when = parse_instant(&text)?;
    Ok(match (when, edge) {
        (Instant::Day(d), Edge::Start) => day_start(d),
        // A date is valid through the end of that UTC day.
        (Instant::Day(d), Edge::End) => {
            day_start(d.checked_add(1.day()).unwrap_or(civil::Date::MAX))
        }
        // An exact time is valid through that instant.
        (Instant::Time(t), Edge::Start) => t,
        (Instant::Time(t), Edge::End) => t.checked_add(1.nanosecond()).unwrap_or(Timestamp::MAX),
    })
}

/// A user-written point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    /// A UTC day.
    Day(civil::Date),
    /// An exact time.
    Time(Timestamp),
}

/// Parse `YYYY-MM-DD` or an RFC 3339 time with an offset; a time without offset is an error.
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    let t = text.trim();
    let is_day =
        t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') && t.as_bytes().get(7) == Some(&b'-');
    if is_day {
        return t
            .parse::<civil::Date>()
            .map(Instant::Day)
            .map_err(|e| format!("`{t}` is not a valid date ({e})"));
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(Instant::Time(ts));
    }
    if t.parse::<civil::DateTime>().is_ok() {
        return Err(format!("`{t}` has a time but no offset"));
    }
    Err(format!("`{t}` is not a date"))
}

/// Midnight UTC starting a day.
pub fn day_start(d: civil::Date) -> Timestamp {
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants() {
        assert!(matches!(parse_instant("2026-12-31"), Ok(Instant::Day(_))));
        assert!(matches!(
            parse_instant("2026-12-31T10:00:00Z"),
            Ok(Instant::Time(_))
        ));
        assert!(matches!(
            parse_instant("2026-12-31T10:00:00+02:00"),
            Ok(Instant::Time(_))
        ));
        assert!(
            parse_instant("2026-12-31T10:00:00")
                .unwrap_err()
                .contains("no offset")
        );
        assert!(parse_instant("2026-13-01").is_err());
        assert!(parse_instant("next tuesday").is_err());
    }

    #[test]
    fn date_expiry_is_inclusive_of_the_whole_day() {
        let end = parse_when(&toml::Value::String("2026-12-31".into()), Edge::End).unwrap();
        let last: Timestamp = "2026-12-31T23:59:59Z".parse().unwrap();
        let next: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        assert!(last < end);
        assert!(next >= end);
    }
}
