//! The built-in assistant catalog as data: `builtin.toml`, embedded in the binary, read and
//! checked into the engine's `AssistantDef`s, each with the public sources that show what
//! the assistant writes. Adding an assistant is an edit of that file (CONTRIBUTING.md).
//!
//! The file is checked by the unit tests, so reading it cannot fail in a released binary;
//! should it fail anyway, the error names the entry and field and is reported as an
//! internal error rather than a panic. Its regular expressions are compiled once, by the
//! engine's catalog (which reports a bad one too); compiling each again here at every start
//! would double the start-up time, so only the tests check them one by one.

#[cfg(test)]
mod doc;
mod expand;
#[cfg(test)]
mod tests;

use crate::engine::catalog::AssistantDef;
#[cfg(test)]
use crate::engine::catalog::check_pattern;
use serde::Deserialize;
use std::fmt;

/// The data file, as built into the binary.
const DATA: &str = include_str!("builtin.toml");

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    assistant: Vec<RawEntry>,
}

/// One `[[assistant]]` table, before expansion (fields are explained in `builtin.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    name: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    bots: Vec<String>,
    #[serde(default)]
    github_ids: Vec<u64>,
    #[serde(default)]
    identities: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    families: Vec<String>,
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    markers: Vec<String>,
    #[serde(default)]
    session_trailers: Vec<String>,
    #[serde(default)]
    subject_prefixes: Vec<String>,
}

/// A built-in assistant: what the engine compiles, and where it is seen doing so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinEntry {
    /// The assistant, with every pattern expanded as it is compiled.
    pub def: AssistantDef,
    /// Public addresses (or project files, where no public source is known) showing what
    /// the assistant writes.
    pub sources: Vec<String>,
}

/// A mistake in the catalog data, named by entry and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// Id of the entry (or its position, when the id itself is wrong); empty for the file.
    pub entry: String,
    /// Field of the entry; empty for the file.
    pub field: String,
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entry.is_empty() {
            write!(f, "built-in catalog: {}", self.message)
        } else {
            write!(
                f,
                "built-in catalog, assistant `{}`, `{}`: {}",
                self.entry, self.field, self.message
            )
        }
    }
}

impl std::error::Error for DataError {}

/// The built-in assistants, in matching order.
pub(crate) fn builtin() -> Result<Vec<AssistantDef>, DataError> {
    Ok(builtin_entries()?.into_iter().map(|e| e.def).collect())
}

/// The built-in assistants with their sources, in matching order.
pub fn builtin_entries() -> Result<Vec<BuiltinEntry>, DataError> {
    read(DATA)
}

/// Read catalog data: parse, check every entry, expand the short forms.
fn read(text: &str) -> Result<Vec<BuiltinEntry>, DataError> {
    let raw: RawCatalog = toml::from_str(text).map_err(|e| DataError {
        entry: String::new(),
        field: String::new(),
        message: e.to_string(),
    })?;
    let mut entries: Vec<BuiltinEntry> = Vec::new();
    for (n, r) in raw.assistant.into_iter().enumerate() {
        let entry = entry(n, r)?;
        if entries.iter().any(|e| e.def.id == entry.def.id) {
            return Err(wrong(&entry.def.id, "id", "duplicate id"));
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn wrong(entry: &str, field: &str, message: impl Into<String>) -> DataError {
    DataError {
        entry: entry.to_string(),
        field: field.to_string(),
        message: message.into(),
    }
}

/// One entry, checked and expanded.
fn entry(position: usize, r: RawEntry) -> Result<BuiltinEntry, DataError> {
    check_entry(position, &r)?;
    let mut emails = r.emails;
    emails.extend(r.bots.iter().flat_map(|login| expand::bot(login)));
    let def = AssistantDef {
        id: r.id.clone(),
        name: r.name,
        builtin: true,
        emails,
        identities: r.identities.iter().map(|b| expand::ident(b)).collect(),
        names: r
            .names
            .iter()
            .map(|h| expand::named(h, &r.families))
            .collect(),
        markers: r.markers,
        session_trailers: r.session_trailers,
        models: r.models.iter().map(|b| expand::model(b)).collect(),
        github_ids: r.github_ids,
        subject_prefixes: r.subject_prefixes,
    };
    Ok(BuiltinEntry {
        def,
        sources: r.sources,
    })
}

/// The entry's own values, before expansion.
fn check_entry(position: usize, r: &RawEntry) -> Result<(), DataError> {
    let valid_id = !r.id.is_empty()
        && r.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_id || r.id == "unknown" {
        let who = format!("#{}", position + 1);
        let message = format!(
            "`{}` is not an id (lowercase ASCII letters, digits and `-`; not `unknown`)",
            r.id
        );
        return Err(wrong(&who, "id", message));
    }
    let id = r.id.as_str();
    if r.name.trim().is_empty() {
        return Err(wrong(id, "name", "empty name"));
    }
    if r.sources.is_empty() {
        return Err(wrong(
            id,
            "sources",
            "no source: add the public address (or project file) showing what the assistant writes",
        ));
    }
    for s in &r.sources {
        // A project file (relative path) stands in where no public source is known.
        let address = s.starts_with("https://") && !s.chars().any(char::is_control);
        let path = !s.is_empty() && !s.starts_with('/') && !s.contains(char::is_whitespace);
        if !(address || path) {
            return Err(wrong(
                id,
                "sources",
                format!("`{s}` is neither an `https://` address nor a project path"),
            ));
        }
    }
    for login in &r.bots {
        let name_ok = login.strip_suffix("[bot]").is_some_and(|l| {
            !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !name_ok {
            return Err(wrong(
                id,
                "bots",
                format!("`{login}` is not a GitHub bot login (`NAME[bot]`)"),
            ));
        }
    }
    if r.github_ids.contains(&0) {
        return Err(wrong(id, "github_ids", "0 is not a GitHub user id"));
    }
    if !r.families.is_empty() && r.names.is_empty() {
        return Err(wrong(
            id,
            "families",
            "families follow `names`, and there are none",
        ));
    }
    for f in &r.families {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(wrong(
                id,
                "families",
                format!("`{f}` is not a word (ASCII letters and digits)"),
            ));
        }
    }
    Ok(())
}

/// Read catalog data and check every pattern on its own, as the engine will compile it, so a
/// mistake names its entry, field and position.
#[cfg(test)]
fn read_checked(text: &str) -> Result<Vec<BuiltinEntry>, DataError> {
    let entries = read(text)?;
    for e in &entries {
        check_fields(&e.def)?;
    }
    Ok(entries)
}

#[cfg(test)]
fn check_fields(d: &AssistantDef) -> Result<(), DataError> {
    for (field, list) in d.pattern_fields() {
        for (i, p) in list.iter().enumerate() {
            if let Err(message) = check_pattern(field, p) {
                return Err(wrong(&d.id, field, format!("#{}: {message}", i + 1)));
            }
        }
    }
    Ok(())
}
