//! Evidence of assistants in one commit (docs/recognition.md): trailers, author and committer,
//! markers and subject prefixes, session trailers, and declaration-looking lines outside the
//! trailer block, with trailer keys classed as the policy says. Pure: a message and two
//! identities in, [`Evidence`] out.

use crate::engine::catalog::{Catalog, KeyKind, ValueMatch};
use crate::engine::policy::{Recognition, UNKNOWN};
use crate::engine::trailers::{self, Trailer};
use serde::{Deserialize, Serialize};

mod memo;

/// trailgate's own session trailer: `AI-Session: ASSISTANT-ID:SESSION-ID`.
pub(crate) const AI_SESSION_KEY: &str = "ai-session";

/// Where a piece of evidence was found (`source` in reports: docs/output.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Source {
    /// A declaration trailer in the trailer block.
    Trailer,
    /// The author identity.
    Author,
    /// The committer identity.
    Committer,
    /// A marker, or a declaration-looking line outside the trailer block.
    Marker,
    /// A session trailer.
    SessionTrailer,
    /// A git note.
    Note,
    /// A local session record.
    Record,
}

impl Source {
    /// Name as written in reports.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Source::Trailer => "trailer",
            Source::Author => "author",
            Source::Committer => "committer",
            Source::Marker => "marker",
            Source::SessionTrailer => "session-trailer",
            Source::Note => "note",
            Source::Record => "record",
        }
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Item {
    /// Where in the commit (or its notes or session records) it was found.
    pub(crate) source: Source,
    /// The text that was matched, as found.
    pub(crate) text: String,
}

/// An assistant and everything that points to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssistantEvidence {
    /// Catalog id, or `unknown`.
    pub(crate) id: String,
    /// In the order found.
    pub(crate) evidence: Vec<Item>,
}

/// A declaration-looking line outside the trailer block that adds something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IgnoredLine {
    /// 1-based line number in the message.
    pub(crate) line: usize,
    /// The line as written.
    pub(crate) text: String,
    /// Assistant it names that nothing else evidences.
    pub(crate) assistant: Option<String>,
    /// Exception IDs it cites that the trailer block does not.
    pub(crate) exceptions: Vec<String>,
}

/// Everything a commit itself says about assistants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Trailers as git parses them.
    pub(crate) trailers: Vec<Trailer>,
    /// Assistants in order of first evidence.
    pub(crate) assistants: Vec<AssistantEvidence>,
    /// An AI key in the trailer block said `none` (or `human`, `no`, `n/a`).
    pub(crate) declared_none: bool,
    /// Exception IDs cited in the trailer block, first occurrence order.
    pub(crate) cited: Vec<String>,
    /// Declaration-looking lines outside the trailer block that add something.
    pub(crate) ignored: Vec<IgnoredLine>,
    /// `Signed-off-by` values naming an assistant: (assistant id, text).
    pub(crate) ai_signoffs: Vec<(String, String)>,
    /// Notes on session-metadata refs that could not be read: they add nothing.
    pub(crate) unreadable_notes: Vec<UnreadableNote>,
}

/// A note that adds nothing because it cannot be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnreadableNote {
    /// The notes ref it is on.
    pub(crate) notes_ref: String,
    /// Why, in one line.
    pub(crate) reason: String,
}

impl Evidence {
    fn add(&mut self, id: &str, source: Source, text: String) {
        let item = Item { source, text };
        match self.assistants.iter_mut().find(|a| a.id == id) {
            Some(a) => a.evidence.push(item),
            None => self.assistants.push(AssistantEvidence {
                id: id.to_string(),
                evidence: vec![item],
            }),
        }
    }

    /// Add evidence from session metadata (notes, records); never removes anything.
    pub(crate) fn add_metadata(&mut self, id: &str, source: Source, text: String) {
        self.add(id, source, text);
    }

    /// Record a note of `notes_ref` that could not be read.
    pub(crate) fn add_unreadable_note(&mut self, notes_ref: &str, reason: String) {
        self.unreadable_notes.push(UnreadableNote {
            notes_ref: notes_ref.to_string(),
            reason,
        });
    }

    /// Did the commit declare anything (an assistant, or an explicit `none`)?
    pub(crate) fn declares(&self) -> bool {
        self.declared_none
            || self.assistants.iter().any(|a| {
                a.evidence
                    .iter()
                    .any(|e| !matches!(e.source, Source::Note | Source::Record))
            })
    }
}

/// What a commit says, as plain data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommitText<'a> {
    /// Raw message (UTF-8 where git could re-encode it).
    pub(crate) message: &'a [u8],
    /// Author name and e-mail.
    pub(crate) author: (&'a str, &'a str),
    /// Committer name and e-mail.
    pub(crate) committer: (&'a str, &'a str),
}

/// What kind of key a folded line key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyClass {
    Ai,
    Identity,
    AiSession,
    Session(usize),
    Exception,
}

/// Prepared key tables for one policy: built once, used for every commit.
#[derive(Debug)]
pub(crate) struct Collector<'c> {
    catalog: &'c Catalog,
    exception_key: String,
    recognition: Recognition,
    // Folded key -> class, for lines outside the trailer block.
    folded: Vec<(String, KeyClass)>,
    // This collector's answers in the per-thread memo of declaration values.
    memo_owner: u64,
}

impl<'c> Collector<'c> {
    /// Prepare for a catalog and the exception trailer key, with the built-in key classes.
    #[cfg(test)]
    pub(crate) fn new(catalog: &'c Catalog, exception_key: &str) -> Self {
        Self::with_recognition(catalog, exception_key, &Recognition::default())
    }

    /// Prepare for a catalog, the exception trailer key and the policy's `[trailers]`.
    pub(crate) fn with_recognition(
        catalog: &'c Catalog,
        exception_key: &str,
        recognition: &Recognition,
    ) -> Self {
        let mut folded = Vec::new();
        for k in &recognition.ai_keys {
            folded.push((fold_key(k), KeyClass::Ai));
        }
        for k in &recognition.identity_keys {
            folded.push((fold_key(k), KeyClass::Identity));
        }
        folded.push((fold_key(AI_SESSION_KEY), KeyClass::AiSession));
        folded.push((fold_key(exception_key), KeyClass::Exception));
        for (i, def) in catalog.entries().iter().enumerate() {
            for k in &def.session_trailers {
                folded.push((fold_key(k), KeyClass::Session(i)));
            }
        }
        Collector {
            catalog,
            exception_key: exception_key.to_ascii_lowercase(),
            recognition: recognition.clone(),
            folded,
            memo_owner: memo::new_owner(),
        }
    }

    fn class_of_trailer(&self, key_lower: &str) -> Option<KeyClass> {
        if key_lower == self.exception_key {
            return Some(KeyClass::Exception);
        }
        let listed = |keys: &[String]| keys.iter().any(|k| k == key_lower);
        if listed(&self.recognition.ai_keys) {
            return Some(KeyClass::Ai);
        }
        if listed(&self.recognition.identity_keys) {
            return Some(KeyClass::Identity);
        }
        if key_lower == AI_SESSION_KEY {
            return Some(KeyClass::AiSession);
        }
        self.catalog
            .session_trailer(key_lower)
            .map(KeyClass::Session)
    }

    /// Collect the evidence of one commit.
    pub(crate) fn collect(&self, commit: &CommitText<'_>) -> Evidence {
        let parsed = trailers::parse(commit.message);
        let mut ev = Evidence::default();

        for t in &parsed.trailers {
            let key = t.key.to_ascii_lowercase();
            let Some(class) = self.class_of_trailer(&key) else {
                continue;
            };
            // The print form, made only for what becomes evidence.
            let text = || format!("{}: {}", t.key, t.value);
            match class {
                KeyClass::Exception => {
                    for id in split_ids(&t.value) {
                        if !ev.cited.iter().any(|c| c == id) {
                            ev.cited.push(id.to_string());
                        }
                    }
                }
                KeyClass::Ai | KeyClass::Identity => {
                    match self.match_declaration(class, &t.value) {
                        Declared::Assistant(id) => {
                            if key == "signed-off-by" {
                                ev.ai_signoffs.push((id.clone(), text()));
                            }
                            ev.add(&id, Source::Trailer, text());
                        }
                        Declared::None => ev.declared_none = true,
                        Declared::Nothing => {}
                    }
                }
                KeyClass::AiSession | KeyClass::Session(_) => {
                    let id = self.session_assistant(class, &t.value);
                    ev.add(&id, Source::SessionTrailer, text());
                }
            }
        }

        let (name, email) = commit.author;
        if let Some((i, _)) = self.catalog.match_identity(name, email) {
            ev.add(
                &self.catalog.entries()[i].id,
                Source::Author,
                format!("{name} <{email}>"),
            );
        }
        let (name, email) = commit.committer;
        if let Some((i, _)) = self.catalog.match_identity(name, email) {
            ev.add(
                &self.catalog.entries()[i].id,
                Source::Committer,
                format!("{name} <{email}>"),
            );
        }

        let message = crate::engine::facts::as_text(commit.message);
        for (i, marker) in self.catalog.match_markers(&message) {
            ev.add(&self.catalog.entries()[i].id, Source::Marker, marker);
        }
        // A subject prefix is marker-like evidence: written by the assistant, in the message.
        if self.recognition.subject_prefixes {
            let title = message.split('\n').next().unwrap_or("");
            if let Some((i, prefix)) = self.catalog.match_subject(title) {
                ev.add(&self.catalog.entries()[i].id, Source::Marker, prefix);
            }
        }

        self.scan_body(commit.message, &parsed.trailers, &mut ev);
        ev.trailers = parsed.trailers;
        ev
    }

    fn match_declaration(&self, class: KeyClass, value: &str) -> Declared {
        let ai = class == KeyClass::Ai;
        memo::declared(self.memo_owner, ai, value, || self.match_value(ai, value))
    }

    fn match_value(&self, ai: bool, value: &str) -> Declared {
        let kind = if ai { KeyKind::Ai } else { KeyKind::Identity };
        match self.catalog.match_value(kind, value) {
            ValueMatch::Assistant { index, .. } => {
                Declared::Assistant(self.catalog.entries()[index].id.clone())
            }
            ValueMatch::Unknown => Declared::Assistant(UNKNOWN.to_string()),
            ValueMatch::NoAssistant => Declared::None,
            ValueMatch::Person => Declared::Nothing,
        }
    }

    fn session_assistant(&self, class: KeyClass, value: &str) -> String {
        match class {
            KeyClass::Session(i) => self.catalog.entries()[i].id.clone(),
            _ => {
                // `AI-Session: ASSISTANT-ID:SESSION-ID`; an id outside the catalog is `unknown`.
                let id = value.split_once(':').map_or(value, |(a, _)| a).trim();
                match self.catalog.index_of(id) {
                    Some(i) => self.catalog.entries()[i].id.clone(),
                    None => UNKNOWN.to_string(),
                }
            }
        }
    }

    /// Lines outside the trailer block that look like declarations (docs/recognition.md, "Lines
    /// outside the trailer block": what restricts counts wherever it appears).
    fn scan_body(&self, message: &[u8], parsed: &[Trailer], ev: &mut Evidence) {
        // What the trailers, identities and markers already say, before body lines add to it.
        let known: Vec<String> = ev.assistants.iter().map(|a| a.id.clone()).collect();
        let mut offset = 0usize;
        let lines = std::iter::from_fn(|| {
            let start = offset;
            let rest = message.get(start..)?;
            let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            offset = start + len + 1;
            Some((start, &rest[..len]))
        });
        for (index, (start, raw_line)) in lines.enumerate() {
            if index == 0 || parsed.iter().any(|t| t.line_start == start) {
                continue;
            }
            let Some((class, value, line)) = self.looks_like_declaration(raw_line) else {
                continue;
            };
            let mut ignored = IgnoredLine {
                line: index + 1,
                text: line.clone(),
                assistant: None,
                exceptions: Vec::new(),
            };
            match class {
                KeyClass::Exception => {
                    for id in split_ids(&value) {
                        if !ev.cited.iter().any(|c| c == id)
                            && !ignored.exceptions.iter().any(|c| c == id)
                        {
                            ignored.exceptions.push(id.to_string());
                        }
                    }
                }
                KeyClass::Ai | KeyClass::Identity => {
                    if let Declared::Assistant(id) = self.match_declaration(class, &value) {
                        let key = find_colon(&line).map_or("", |(at, _)| &line[..at]);
                        let folded_key = fold_key(key);
                        if folded_key == fold_key("signed-off-by") {
                            ev.ai_signoffs.push((id.clone(), line.clone()));
                        }
                        if !known.contains(&id) {
                            ignored.assistant = Some(id.clone());
                        }
                        ev.add(&id, Source::Marker, line.clone());
                    }
                }
                KeyClass::AiSession | KeyClass::Session(_) => {
                    let id = self.session_assistant(class, &value);
                    if !known.contains(&id) {
                        ignored.assistant = Some(id.clone());
                    }
                    ev.add(&id, Source::Marker, line.clone());
                }
            }
            if ignored.assistant.is_some() || !ignored.exceptions.is_empty() {
                ev.ignored.push(ignored);
            }
        }
    }

    /// `Some((class, value, line))` when the line is `KEY: value` (or with a look-alike colon) with a key
    /// that folds to a known one.
    fn looks_like_declaration(&self, raw_line: &[u8]) -> Option<(KeyClass, String, String)> {
        let first = *raw_line.first()?;
        if first == b' ' || first == b'\t' {
            return None;
        }
        // Cheap filter before decoding: a separator must appear early in the line, and every
        // look-alike colon is outside ASCII.
        let head = &raw_line[..raw_line.len().min(MAX_KEY_BYTES + 4)];
        if !head.contains(&b':') && head.is_ascii() {
            return None;
        }
        let line = String::from_utf8_lossy(raw_line);
        let line = line.trim_end_matches(['\r', ' ', '\t']);
        let (sep, sep_len) = find_colon(line)?;
        let key = &line[..sep];
        if key.is_empty()
            || key.len() > MAX_KEY_BYTES
            || key.trim_end().contains(char::is_whitespace)
        {
            return None;
        }
        let folded = fold_key(key);
        let class = self
            .folded
            .iter()
            .find(|(k, _)| *k == folded)
            .map(|(_, c)| *c)?;
        let value = line[sep + sep_len..].trim().to_string();
        Some((class, value, line.to_string()))
    }
}

const MAX_KEY_BYTES: usize = 96;

/// Every character UTS #39 confusables.txt maps to `:` alone, from the data of
/// `unicode-security` 0.1.3 (a unit test keeps the two in step). A key may end in any of them.
pub const LOOK_ALIKE_COLONS: &[char] = &[
    '\u{02D0}',
    '\u{02F8}',
    '\u{0589}',
    '\u{05C3}',
    '\u{0703}',
    '\u{0704}',
    '\u{0831}',
    '\u{0903}',
    '\u{0A83}',
    '\u{1361}',
    '\u{1393}',
    '\u{16EC}',
    '\u{1803}',
    '\u{1809}',
    '\u{205A}',
    '\u{2236}',
    '\u{A4FD}',
    '\u{A789}',
    '\u{FE13}',
    '\u{FE30}',
    '\u{FE55}',
    '\u{FF1A}',
    '\u{1015B}',
    '\u{10AF5}',
    '\u{11002}',
    '\u{11082}',
    '\u{11182}',
    '\u{1123A}',
    '\u{115BE}',
    '\u{116AC}',
    '\u{11838}',
    '\u{11DD9}',
    '\u{1D108}',
];

/// Byte offset and length of the first `:` or look-alike colon in `line`, if any.
fn find_colon(line: &str) -> Option<(usize, usize)> {
    line.char_indices()
        .take_while(|&(at, _)| at <= MAX_KEY_BYTES)
        .find(|&(_, c)| c == ':' || (!c.is_ascii() && LOOK_ALIKE_COLONS.contains(&c)))
        .map(|(at, c)| (at, c.len_utf8()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Declared {
    Assistant(String),
    None,
    Nothing,
}

/// Exception IDs in one value: separated by commas or whitespace.
pub(crate) fn split_ids(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

/// Fold a key for look-alike comparison: drop zero-width characters, map look-alike hyphens,
/// then compare UTS #39 skeletons case-insensitively.
pub(crate) fn fold_key(key: &str) -> String {
    let cleaned: String = key
        .trim()
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
        })
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    let skeleton: String = unicode_security::skeleton(&cleaned).collect();
    skeleton.to_lowercase()
}

#[cfg(test)]
mod tests;
