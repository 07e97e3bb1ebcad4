//! What the config loaders share: the text being read and its digest, the context a policy
//! table is validated in, and compiling path patterns where they are written.

use crate::config::diag::Diagnostic;
use crate::engine::paths::PathRules;
use crate::engine::policy::Status;
use sha2::{Digest, Sha256};
use toml::Spanned;

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
    pub(crate) fn sha256(&self) -> String {
        hex(&Sha256::digest(self.text.as_bytes()))
    }
}

pub(crate) use crate::git::hex;

/// The text being validated and every problem found in it so far.
pub(crate) struct Context<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
}

impl Context<'_> {
    /// A problem at a byte offset of the text.
    pub(crate) fn at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(self.file, self.text, offset, message)
    }

    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// A `status` value, if written; an unknown one is reported and counts as not written.
    pub(crate) fn status(&mut self, value: Option<&Spanned<String>>) -> Option<Status> {
        let s = value?;
        let parsed = Status::parse(s.get_ref());
        if parsed.is_none() {
            let d = self.at(s.span().start, format!("unknown status `{}`", s.get_ref()));
            self.push(d.help("use one of: approved, restricted, forbidden"));
        }
        parsed
    }
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
