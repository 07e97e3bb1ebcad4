//! The policy file as written: serde structs with spans, before any validation.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Top level of `.trailgate/policy.toml`.
#[derive(Debug, Default, Deserialize)]
pub struct RawPolicy {
    pub version: Option<Spanned<i64>>,
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub assistants: BTreeMap<String, RawAssistant>,
    #[serde(default)]
    pub production: RawProduction,
    pub exceptions: Option<RawExceptions>,
    #[serde(default)]
    pub refs: RawRefs,
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub sessions: RawSessions,
}

/// `[sessions]`: what the hooks do with session records, and where notes live.
#[derive(Debug, Default, Deserialize)]
pub struct RawSessions {
    pub add_trailers: Option<bool>,
    pub skip_with_message: Option<bool>,
    pub write_notes: Option<bool>,
    pub notes_ref: Option<Spanned<String>>,
    pub git_ai_notes_ref: Option<Spanned<String>>,
    pub max_age: Option<Spanned<String>>,
}

/// `[defaults]`.
#[derive(Debug, Default, Deserialize)]
pub struct RawDefaults {
    pub status: Option<Spanned<String>>,
}

/// `[assistants.ID]`: a status change, added patterns, or a new assistant.
#[derive(Debug, Default, Deserialize)]
pub struct RawAssistant {
    pub name: Option<String>,
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub emails: Vec<Spanned<String>>,
    #[serde(default)]
    pub identities: Vec<Spanned<String>>,
    #[serde(default)]
    pub names: Vec<Spanned<String>>,
    #[serde(default)]
    pub markers: Vec<Spanned<String>>,
    #[serde(default)]
    pub session_trailers: Vec<Spanned<String>>,
    #[serde(default)]
    pub models: Vec<Spanned<String>>,
    #[serde(default)]
    pub github_ids: Vec<u64>,
}

/// `[production]`.
#[derive(Debug, Default, Deserialize)]
pub struct RawProduction {
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub require_declaration: bool,
}

/// `[exceptions]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawExceptions {
    pub registry: Option<Spanned<String>>,
    pub trailer: Option<Spanned<String>>,
}

/// `[refs]`.
#[derive(Debug, Default, Deserialize)]
pub struct RawRefs {
    pub protected: Option<Vec<Spanned<String>>>,
}

/// The registry file as written.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawRegistry {
    #[serde(default)]
    pub exception: Vec<Spanned<RawException>>,
}

/// One `[[exception]]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawException {
    pub id: Option<Spanned<String>>,
    pub assistants: Option<Spanned<Vec<Spanned<String>>>>,
    pub paths: Option<Vec<Spanned<String>>>,
    pub authors: Option<Vec<String>>,
    pub starts: Option<Spanned<toml::Value>>,
    pub expires: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub revoked: bool,
    pub granted_by: Option<String>,
    pub reason: Option<String>,
}
