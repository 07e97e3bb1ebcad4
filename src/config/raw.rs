//! The policy file as written: serde structs with spans, before any validation.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Top level of `.trailgate/policy.toml`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawPolicy {
    pub(crate) version: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) defaults: RawDefaults,
    #[serde(default)]
    pub(crate) assistants: BTreeMap<String, RawAssistant>,
    #[serde(default)]
    pub(crate) production: RawProduction,
    pub(crate) exceptions: Option<RawExceptions>,
    #[serde(default)]
    pub(crate) refs: RawRefs,
    #[serde(default)]
    pub(crate) severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub(crate) sessions: RawSessions,
    #[serde(default)]
    pub(crate) trailers: RawTrailers,
}

/// `[trailers]`: trailer keys re-classed or added, and whether title prefixes count.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawTrailers {
    #[serde(default)]
    pub(crate) identity_keys: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) ai_keys: Vec<Spanned<String>>,
    pub(crate) subject_prefixes: Option<bool>,
}

/// `[sessions]`: what the hooks do with session records, and where notes live.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawSessions {
    pub(crate) add_trailers: Option<bool>,
    pub(crate) skip_with_message: Option<bool>,
    pub(crate) write_notes: Option<bool>,
    pub(crate) notes_ref: Option<Spanned<String>>,
    pub(crate) git_ai_notes_ref: Option<Spanned<String>>,
    pub(crate) max_age: Option<Spanned<String>>,
}

/// `[defaults]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawDefaults {
    pub(crate) status: Option<Spanned<String>>,
}

/// `[assistants.ID]`: a status change, added patterns, or a new assistant.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawAssistant {
    pub(crate) name: Option<String>,
    pub(crate) status: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) emails: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) identities: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) names: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) markers: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) session_trailers: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) models: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) github_ids: Vec<u64>,
    #[serde(default)]
    pub(crate) subject_prefixes: Vec<Spanned<String>>,
}

/// `[production]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawProduction {
    #[serde(default)]
    pub(crate) paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) require_declaration: bool,
}

/// `[exceptions]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawExceptions {
    pub(crate) registry: Option<Spanned<String>>,
    pub(crate) trailer: Option<Spanned<String>>,
}

/// `[refs]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawRefs {
    pub(crate) protected: Option<Vec<Spanned<String>>>,
}

/// The registry file as written.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawRegistry {
    #[serde(default)]
    pub(crate) exception: Vec<Spanned<RawException>>,
}

/// One `[[exception]]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawException {
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) assistants: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) paths: Option<Vec<Spanned<String>>>,
    pub(crate) authors: Option<Vec<String>>,
    pub(crate) starts: Option<Spanned<toml::Value>>,
    pub(crate) expires: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub(crate) revoked: bool,
    pub(crate) granted_by: Option<String>,
    pub(crate) reason: Option<String>,
}
