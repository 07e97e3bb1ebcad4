//! Reading the exception registry file (docs/policy.md, "The exception registry") into the
//! engine's `Registry`, collecting every problem with file, line and column; and the dates
//! it is written in.

use crate::config::common::{SourceText, compile_rules};
use crate::config::diag::{Diagnostic, Diagnostics};
use crate::config::raw::{RawException, RawRegistry};
use crate::config::tomlsrc;
use crate::engine::catalog::Catalog;
use crate::engine::exceptions::{Exception, Registry};
use crate::engine::policy::UNKNOWN;
use jiff::{Timestamp, ToSpan, civil};
use std::collections::HashMap;

/// Load and validate a registry, collecting every problem. Assistant ids are checked against
/// `catalog`.
pub fn load(src: &SourceText, catalog: &Catalog) -> Result<Registry, Diagnostics> {
    let file = src.name.as_str();
    let text = src.text.as_str();
    let (raw, mut diags): (RawRegistry, _) = tomlsrc::deserialize(file, text)?;
    let mut entries = Vec::new();
    // Where each id was first defined, to name it in a duplicate's message.
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for spanned in &raw.exception {
        let entry = RawEntry {
            file,
            text,
            header: spanned.span().start,
            raw: spanned.get_ref(),
        };
        if let Some(e) = entry.compile(catalog, &mut first_line, &mut diags) {
            entries.push(e);
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    Ok(Registry::new(
        Some(src.name.clone()),
        Some(src.sha256()),
        entries,
    ))
}

/// One `[[exception]]` as written, with where it is.
struct RawEntry<'a> {
    file: &'a str,
    text: &'a str,
    /// Offset of its `[[exception]]` header.
    header: usize,
    raw: &'a RawException,
}

impl RawEntry<'_> {
    fn at(&self, offset: usize, msg: String) -> Diagnostic {
        Diagnostic::at(self.file, self.text, offset, msg)
    }

    /// The validated entry, or `None` when it has no id; problems go to `diags`.
    fn compile(
        &self,
        catalog: &Catalog,
        first_line: &mut HashMap<String, usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Exception> {
        let (file, text, header, e) = (self.file, self.text, self.header, self.raw);
        let line = crate::config::diag::line_col(text, header).0;
        let Some(id) = &e.id else {
            diags.push(
                self.at(header, "exception has no `id`".into())
                    .help("add `id = \"EXC-YYYY-NNNN\"`"),
            );
            return None;
        };
        let id_text = id.get_ref().clone();
        if id_text.is_empty() || id_text.chars().any(|c| c.is_whitespace() || c == ',') {
            diags.push(
                self.at(id.span().start, format!("invalid exception id `{id_text}`"))
                    .help("an id is non-empty, without whitespace or commas, e.g. `EXC-2026-0042`"),
            );
        }
        if let Some(prev) = first_line.get(&id_text) {
            diags.push(
                self.at(
                    id.span().start,
                    format!("duplicate exception id `{id_text}` (first defined on line {prev})"),
                )
                .help("give each exception its own id"),
            );
        } else {
            first_line.insert(id_text.clone(), line);
        }
        let (assistants, any_assistant) = self.assistants(&id_text, catalog, diags);
        let path_patterns: Vec<String> = e
            .paths
            .as_ref()
            .map(|p| p.iter().map(|s| s.get_ref().clone()).collect())
            .unwrap_or_default();
        let paths = e
            .paths
            .as_ref()
            .map(|p| compile_rules(file, text, "paths", p, diags));
        let Window {
            starts,
            starts_text,
            ends,
            expires_text,
        } = self.window(&id_text, diags);
        Some(Exception {
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
            starts_text,
            ends,
            expires_text,
            revoked: e.revoked,
            granted_by: e.granted_by.clone(),
            reason: e.reason.clone(),
        })
    }

    /// `assistants`: catalog ids as the catalog spells them, and whether `*` is among them.
    fn assistants(
        &self,
        id_text: &str,
        catalog: &Catalog,
        diags: &mut Vec<Diagnostic>,
    ) -> (Vec<String>, bool) {
        let mut any_assistant = false;
        let mut assistants = Vec::new();
        match &self.raw.assistants {
            None => diags.push(
                self.at(
                    self.header,
                    format!("exception `{id_text}` has no `assistants`"),
                )
                .help("add `assistants = [\"claude-code\"]` (catalog ids) or `[\"*\"]`"),
            ),
            Some(list) if list.get_ref().is_empty() => diags.push(
                self.at(
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
                            self.at(a.span().start, format!("unknown assistant `{name}`"))
                                .help("use a catalog id (`trailgate policy show` lists them), `unknown`, or `*`"),
                        );
                    }
                }
            }
        }
        (assistants, any_assistant)
    }

    /// `starts` and `expires`: the first valid instant, the first invalid one, and both as
    /// written.
    fn window(&self, id_text: &str, diags: &mut Vec<Diagnostic>) -> Window {
        let e = self.raw;
        let starts = e.starts.as_ref().and_then(|v| {
            parse_when(v.get_ref(), Edge::Start)
                .map_err(|m| {
                    diags.push(
                        self.at(v.span().start, format!("`starts`: {m}"))
                            .help(DATE_HELP),
                    )
                })
                .ok()
        });
        let (ends, expires_text) = match &e.expires {
            None => {
                diags.push(
                    self.at(
                        self.header,
                        format!("exception `{id_text}` has no `expires`"),
                    )
                    .help("every exception needs an end date, e.g. `expires = \"2026-12-31\"`"),
                );
                (Timestamp::MAX, String::new())
            }
            Some(v) => match parse_when(v.get_ref(), Edge::End) {
                Ok(t) => (t, value_text(v.get_ref())),
                Err(m) => {
                    diags.push(
                        self.at(v.span().start, format!("`expires`: {m}"))
                            .help(DATE_HELP),
                    );
                    (Timestamp::MAX, String::new())
                }
            },
        };
        if let (Some(s), Some(ex)) = (starts, e.expires.as_ref())
            && s >= ends
        {
            diags.push(
                self.at(
                    ex.span().start,
                    format!("exception `{id_text}` expires before it starts"),
                )
                .help("make `expires` later than `starts`"),
            );
        }
        Window {
            starts,
            starts_text: starts.and(e.starts.as_ref().map(|v| value_text(v.get_ref()))),
            ends,
            expires_text,
        }
    }
}

/// An entry's validity window as [`RawEntry::window`] reads it.
struct Window {
    starts: Option<Timestamp>,
    starts_text: Option<String>,
    ends: Timestamp,
    expires_text: String,
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
