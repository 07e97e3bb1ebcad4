//! What loading the policy and loading the registry share: the text being read, its digest,
//! and compiling path patterns where they are written.

use crate::config::diag::Diagnostic;
use crate::engine::paths::PathRules;
use sha2::{Digest, Sha256};

/// A text to load: the policy or the registry, with where it came from.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Name for messages and reports: a path, `REV:PATH`, or `(embedded default)`.
    pub name: String,
    /// The TOML text.
    pub text: String,
    /// Path inside the repository when the text comes from it (always production).
    pub repo_path: Option<String>,
}

impl SourceText {
    /// Hex SHA-256 of the text.
    pub fn sha256(&self) -> String {
        hex(&Sha256::digest(self.text.as_bytes()))
    }
}

/// Lowercase hexadecimal, two digits a byte (digests, ids, bytes kept in state files).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compile path patterns where they are written; problems go to `diags`.
pub(crate) fn compile_rules(
    file: &str,
    text: &str,
    field: &str,
    patterns: &[toml::Spanned<String>],
    diags: &mut Vec<Diagnostic>,
) -> PathRules {
    let strings: Vec<&str> = patterns.iter().map(|p| p.get_ref().as_str()).collect();
    match PathRules::new(&strings) {
        Ok(rules) => rules,
        Err(errors) => {
            for e in errors {
                let offset = patterns.get(e.index).map_or(0, |p| p.span().start);
                diags.push(
                    Diagnostic::at(
                        file,
                        text,
                        offset,
                        format!(
                            "invalid pattern `{}` in `{field}`: {}",
                            e.pattern, e.message
                        ),
                    )
                    .help("patterns follow gitignore rules without `!`; see docs/policy.md"),
                );
            }
            PathRules::empty()
        }
    }
}
