//! Finding codes and severities (SPEC §7): the stable vocabulary every report speaks.

use serde::Serialize;
use std::fmt;

/// A stable, kebab-case finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A restricted assistant touched production paths without citing an exception.
    RestrictedAssistant,
    /// A forbidden assistant is involved and no exception is cited for it.
    ForbiddenAssistant,
    /// `require_declaration` is on and production paths were touched without any declaration.
    MissingDeclaration,
    /// A cited exception ID is not in the registry.
    UnknownException,
    /// A cited exception is revoked and the rest do not cover.
    RevokedException,
    /// A cited exception is outside its window and the rest do not cover.
    ExpiredException,
    /// Valid cited exceptions miss a required path or the author.
    ExceptionOutOfScope,
    /// Session metadata shows an assistant the commit does not declare.
    UndeclaredAssistant,
    /// A declaration-looking line outside the trailer block.
    IgnoredDeclaration,
    /// A `Signed-off-by` names an assistant.
    AiSignoff,
    /// A registry entry no scanned commit cited.
    UnusedException,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 11] = [
        Code::RestrictedAssistant,
        Code::ForbiddenAssistant,
        Code::MissingDeclaration,
        Code::UnknownException,
        Code::RevokedException,
        Code::ExpiredException,
        Code::ExceptionOutOfScope,
        Code::UndeclaredAssistant,
        Code::IgnoredDeclaration,
        Code::AiSignoff,
        Code::UnusedException,
    ];

    /// The code as written in policies and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::RestrictedAssistant => "restricted-assistant",
            Code::ForbiddenAssistant => "forbidden-assistant",
            Code::MissingDeclaration => "missing-declaration",
            Code::UnknownException => "unknown-exception",
            Code::RevokedException => "revoked-exception",
            Code::ExpiredException => "expired-exception",
            Code::ExceptionOutOfScope => "exception-out-of-scope",
            Code::UndeclaredAssistant => "undeclared-assistant",
            Code::IgnoredDeclaration => "ignored-declaration",
            Code::AiSignoff => "ai-signoff",
            Code::UnusedException => "unused-exception",
        }
    }

    /// Parse a code as written in `[severity]`.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Severity when the policy does not override it.
    pub fn default_severity(self) -> Severity {
        match self {
            Code::UndeclaredAssistant | Code::IgnoredDeclaration | Code::AiSignoff => {
                Severity::Warning
            }
            Code::UnusedException => Severity::Info,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a finding matters; `Off` findings are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Dropped.
    Off,
    /// Reported, never changes the verdict.
    Info,
    /// Verdict `warn`.
    Warning,
    /// Verdict `fail`, exit 1.
    Error,
}

impl Severity {
    /// Parse a severity as written in `[severity]`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "off" => Some(Severity::Off),
            _ => None,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A commit's overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No error or warning.
    Pass,
    /// Warnings only.
    Warn,
    /// At least one error.
    Fail,
}

impl Verdict {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// One finding on one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Effective severity.
    pub severity: Severity,
    /// Assistant id the finding is about, if any.
    pub assistant: Option<String>,
    /// Paths involved (sorted).
    pub paths: Vec<String>,
    /// Exception ID involved, if any.
    pub exception: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// Verdict from a list of findings.
pub fn verdict_of(findings: &[Finding]) -> Verdict {
    let worst = findings.iter().map(|f| f.severity).max();
    match worst {
        Some(Severity::Error) => Verdict::Fail,
        Some(Severity::Warning) => Verdict::Warn,
        _ => Verdict::Pass,
    }
}
