//! What a new commit says about the sessions it holds (docs/assistants.md): the trailers that
//! declare them, the record evidence they add to its judgement, and the text of the note
//! `post-commit` writes on it.

use super::SessionRecord;
use crate::engine::evidence::{Evidence, Source};
use crate::engine::policy::{Policy, UNKNOWN};
use serde::Serialize;

/// Catalog id of a recorded assistant under this policy (`unknown` when it names none).
fn catalog_id(policy: &Policy, assistant: &str) -> String {
    match policy.catalog.index_of(assistant) {
        Some(i) => policy.catalog.entries()[i].id.clone(),
        None => UNKNOWN.to_string(),
    }
}

/// The trailers that declare these sessions: `Assisted-by: NAME` (or the kernel form
/// `NAME:MODEL` when the model is known) and `AI-Session: ID:SESSION`.
pub(crate) fn declaration_trailers(
    policy: &Policy,
    sessions: &[SessionRecord],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in sessions {
        let name = policy.catalog.index_of(&s.assistant).map_or_else(
            || s.assistant.clone(),
            |i| policy.catalog.entries()[i].name.clone(),
        );
        let declared = match &s.model {
            Some(m) => format!("{name}:{m}"),
            None => name,
        };
        for t in [
            ("Assisted-by".to_string(), declared),
            (
                "AI-Session".to_string(),
                format!("{}:{}", s.assistant, s.session),
            ),
        ] {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// Add record evidence (source `record`) for each session: metadata only ever adds evidence.
pub(crate) fn add_record_evidence(
    policy: &Policy,
    sessions: &[SessionRecord],
    evidence: &mut Evidence,
) {
    for s in sessions {
        let mut text = format!("session record: {} {}", s.assistant, s.session);
        if let Some(m) = &s.model {
            text.push_str(&format!(" ({m})"));
        }
        evidence.add_metadata(&catalog_id(policy, &s.assistant), Source::Record, text);
    }
}

/// One session in a trailgate note.
#[derive(Serialize)]
struct NoteSession<'a> {
    assistant: &'a str,
    session: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    started: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended: Option<String>,
}

#[derive(Serialize)]
struct Note<'a> {
    sessions: Vec<NoteSession<'a>>,
}

/// The text of a trailgate note for these sessions (TOML, `[[sessions]]`).
pub(crate) fn note_text(sessions: &[SessionRecord]) -> Result<String, toml::ser::Error> {
    let note = Note {
        sessions: sessions
            .iter()
            .map(|s| NoteSession {
                assistant: &s.assistant,
                session: &s.session,
                model: s.model.as_deref(),
                started: s.started.to_string(),
                ended: s.ended.map(|e| e.to_string()),
            })
            .collect(),
    };
    toml::to_string(&note)
}
