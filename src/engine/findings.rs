//! Finding codes and severities (docs/findings.md): the stable vocabulary every report speaks.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, kebab-case finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// The commit declares an encoding that cannot be converted here as git would.
    UndecodableMessage,
    /// A note on a session-metadata ref that cannot be read: it adds nothing.
    UnreadableNote,
    /// A finding the `--baseline` report already lists: reported, not counted.
    Baselined,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 14] = [
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
        Code::UndecodableMessage,
        Code::UnreadableNote,
        Code::Baselined,
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
            Code::UndecodableMessage => "undecodable-message",
            Code::UnreadableNote => "unreadable-note",
            Code::Baselined => "baselined",
        }
    }

    /// Parse a code as written in `[severity]`.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// One line: what the finding says.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Code::RestrictedAssistant => {
                "A restricted assistant changed production paths without an exception"
            }
            Code::ForbiddenAssistant => "A forbidden assistant was involved without an exception",
            Code::MissingDeclaration => "Production paths changed without any AI declaration",
            Code::UnknownException => "A cited exception is not in the registry",
            Code::RevokedException => "A cited exception is revoked",
            Code::ExpiredException => "A cited exception is outside its validity window",
            Code::ExceptionOutOfScope => "Cited exceptions do not cover the paths or the author",
            Code::UndeclaredAssistant => {
                "Session metadata shows an assistant the commit does not declare"
            }
            Code::IgnoredDeclaration => {
                "A declaration outside the trailer block, which git ignores"
            }
            Code::AiSignoff => "A Signed-off-by names an AI assistant",
            Code::UnusedException => "A registry entry that no scanned commit cites",
            Code::UndecodableMessage => {
                "The commit declares an encoding that cannot be converted as git would"
            }
            Code::UnreadableNote => "A session-metadata note cannot be read",
            Code::Baselined => "A finding accepted in the baseline report",
        }
    }

    /// When the finding is raised, in a few sentences.
    pub(crate) fn explanation(self) -> &'static str {
        match self {
            Code::RestrictedAssistant => {
                "An assistant whose status is `restricted` changed at least one production path, and the trailer block cites no existing exception listing it. Restricted assistants may touch production code only under a recorded, case-by-case exception."
            }
            Code::ForbiddenAssistant => {
                "An assistant whose status is `forbidden` is evidenced in the commit (by trailers, identity, markers or session metadata), whatever paths it changed, and no cited exception lists it."
            }
            Code::MissingDeclaration => {
                "The policy requires a declaration (`require_declaration = true`), the commit changes production paths, and neither an assistant nor an explicit `none` is declared in the trailer block."
            }
            Code::UnknownException => {
                "An ID cited in the exception trailer is not in the exception registry. IDs are compared exactly, and every word of the trailer value is an ID."
            }
            Code::RevokedException => {
                "The exception cited for an assistant has status `revoked`, and no other valid cited exception covers the commit."
            }
            Code::ExpiredException => {
                "The exception cited for an assistant is not valid at the evaluation time (after `expires`, or before `starts`), and no other valid cited exception covers the commit."
            }
            Code::ExceptionOutOfScope => {
                "The valid exceptions cited for an assistant do not cover every production path it changed, or do not allow the commit's author."
            }
            Code::UndeclaredAssistant => {
                "A git note with session metadata names an assistant that nothing in the commit itself declares."
            }
            Code::IgnoredDeclaration => {
                "A line outside the trailer block looks like a declaration or exception trailer and adds an assistant or an exception ID, but git does not parse it as a trailer, so it declares nothing."
            }
            Code::AiSignoff => {
                "A `Signed-off-by` trailer names an AI assistant; assistants cannot certify the Developer Certificate of Origin."
            }
            Code::UnusedException => {
                "An entry of the exception registry was not cited by any commit of the scan."
            }
            Code::UndecodableMessage => {
                "The commit has an `encoding` header naming an encoding the system's iconv does not know. git re-encodes a commit to UTF-8 before showing it, so a git built with another iconv may show trailers or identities that the raw bytes, which trailgate read instead, do not."
            }
            Code::UnreadableNote => {
                "A note on a session-metadata ref (trailgate's or git-ai's) cannot be parsed, is over the size limit, is not a blob, or is given twice for the commit. It adds nothing to the evidence; the commit is judged on everything else."
            }
            Code::Baselined => {
                "`scan --baseline REPORT` was given and REPORT, an earlier json or jsonl report, lists this finding already: the same commit, code and assistant. It is reported with its original code and no longer counts for the verdict; findings the baseline does not list count as usual."
            }
        }
    }

    /// What to do about it.
    pub(crate) fn fix(self) -> &'static str {
        match self {
            Code::RestrictedAssistant => {
                "Ask for an exception in the registry and cite it with `AI-Exception: ID` in the trailer block, or redo the change without the assistant."
            }
            Code::ForbiddenAssistant => {
                "Remove the assistant's work from the change, or cite an exception granted for it with `AI-Exception: ID`."
            }
            Code::MissingDeclaration => {
                "Add `Assisted-by: NAME` for the assistant used, or `Assisted-by: none`, to the trailer block (the last paragraph) of the message."
            }
            Code::UnknownException => {
                "Cite the ID exactly as the registry has it, or ask for the exception to be recorded."
            }
            Code::RevokedException => {
                "Cite a valid exception, or redo the change without the assistant."
            }
            Code::ExpiredException => {
                "Ask for the exception to be renewed (or cite a current one); commits judged at their own date keep the window they had."
            }
            Code::ExceptionOutOfScope => {
                "Ask for the exception's paths or authors to be widened, or split the change so each part is covered."
            }
            Code::UndeclaredAssistant => {
                "Declare the assistant with `Assisted-by: NAME` in the trailer block (amend before pushing)."
            }
            Code::IgnoredDeclaration => {
                "Move the line into the trailer block: the last paragraph, `Key: value`, with plain ASCII characters."
            }
            Code::AiSignoff => {
                "Replace the sign-off with `Assisted-by: NAME` and sign off as the human author."
            }
            Code::UnusedException => "Remove or revoke exceptions nobody needs any more.",
            Code::UndecodableMessage => {
                "Recommit with a UTF-8 message (no `i18n.commitEncoding`), or an encoding this system's iconv knows."
            }
            Code::UnreadableNote => {
                "Rewrite the note in its format with `git notes --ref=REF edit COMMIT`, or remove it with `git notes --ref=REF remove COMMIT`, and push the notes ref."
            }
            Code::Baselined => {
                "Nothing for this commit: it was accepted when the baseline was written. Fix it in history only if the policy asks for that; `--write-baseline` refreshes the file."
            }
        }
    }

    /// Severity when the policy does not override it.
    pub fn default_severity(self) -> Severity {
        match self {
            Code::UndeclaredAssistant
            | Code::IgnoredDeclaration
            | Code::AiSignoff
            | Code::UnreadableNote => Severity::Warning,
            Code::UnusedException | Code::Baselined => Severity::Info,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Turned off by the policy's `[severity]`: never reported.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Finding {
    /// Stable code.
    pub(crate) code: Code,
    /// Effective severity.
    pub(crate) severity: Severity,
    /// Assistant id the finding is about, if any.
    pub(crate) assistant: Option<String>,
    /// Paths involved (sorted).
    pub(crate) paths: Vec<String>,
    /// Exception ID involved, if any.
    pub(crate) exception: Option<String>,
    /// What is wrong and what to do.
    pub(crate) message: String,
    /// For a `baselined` finding, the code it had before the baseline accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) baselined_code: Option<Code>,
}

/// Verdict from a list of findings.
pub(crate) fn verdict_of(findings: &[Finding]) -> Verdict {
    let worst = findings.iter().map(|f| f.severity).max();
    match worst {
        Some(Severity::Error) => Verdict::Fail,
        Some(Severity::Warning) => Verdict::Warn,
        _ => Verdict::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The variants, listed once: the match makes a new variant fail to compile here until it
    /// is listed, and the test then fails until it is in `Code::ALL`.
    macro_rules! every_variant {
        ($($variant:ident),+ $(,)?) => {{
            fn exhaustive(code: Code) {
                match code {
                    $(Code::$variant)|+ => {}
                }
            }
            let _ = exhaustive;
            [$(Code::$variant),+]
        }};
    }

    /// docs/findings.md, wherever this file lives in the tree.
    const FINDINGS_MD: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md"));

    fn all_strs() -> Vec<&'static str> {
        Code::ALL.iter().map(|c| c.as_str()).collect()
    }

    /// Lines of a Markdown page outside fenced code blocks.
    fn prose_lines(page: &str) -> Vec<&str> {
        let mut in_fence = false;
        page.lines()
            .filter(|line| {
                if line.starts_with("```") {
                    in_fence = !in_fence;
                    return false;
                }
                !in_fence
            })
            .collect()
    }

    fn is_code_like(s: &str) -> bool {
        !s.is_empty()
            && s.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }

    #[test]
    fn every_variant_is_in_all_exactly_once() {
        let variants = every_variant!(
            RestrictedAssistant,
            ForbiddenAssistant,
            MissingDeclaration,
            UnknownException,
            RevokedException,
            ExpiredException,
            ExceptionOutOfScope,
            UndeclaredAssistant,
            IgnoredDeclaration,
            AiSignoff,
            UnusedException,
            UndecodableMessage,
            UnreadableNote,
            Baselined,
        );
        let in_all: BTreeSet<Code> = Code::ALL.into_iter().collect();
        assert_eq!(
            in_all.len(),
            Code::ALL.len(),
            "a code listed twice in Code::ALL"
        );
        for code in variants {
            assert!(in_all.contains(&code), "{code} is missing from Code::ALL");
        }
        assert_eq!(variants.len(), Code::ALL.len());
    }

    #[test]
    fn codes_are_distinct_kebab_case_and_parse_back() {
        let strs = all_strs();
        assert_eq!(strs.iter().collect::<BTreeSet<_>>().len(), strs.len());
        for code in Code::ALL {
            assert!(is_code_like(code.as_str()), "{code}");
            assert_eq!(Code::parse(code.as_str()), Some(code));
            let serialised = serde_json::to_value(code).ok();
            assert_eq!(serialised, Some(serde_json::Value::from(code.as_str())));
        }
    }

    #[test]
    fn every_code_has_its_texts() {
        for code in Code::ALL {
            for (what, text) in [
                ("title", code.title()),
                ("explanation", code.explanation()),
                ("fix", code.fix()),
            ] {
                assert!(!text.trim().is_empty(), "{code} has no {what}");
            }
        }
    }

    #[test]
    fn docs_findings_md_has_a_section_per_code_in_order() {
        let headings: Vec<&str> = prose_lines(FINDINGS_MD)
            .into_iter()
            .filter_map(|line| line.strip_prefix("## "))
            .map(str::trim)
            .filter(|heading| is_code_like(heading))
            .collect();
        assert_eq!(
            headings,
            all_strs(),
            "the code sections of docs/findings.md and Code::ALL differ"
        );
    }

    #[test]
    fn docs_findings_md_table_lists_every_code_with_its_default_severity() {
        let rows: Vec<(String, String)> = prose_lines(FINDINGS_MD)
            .into_iter()
            .filter_map(|line| {
                let mut cells = line.strip_prefix("| [`")?.split('|');
                let code = cells.next()?.split('`').next()?.to_string();
                let severity = cells.next()?.trim().to_string();
                Some((code, severity))
            })
            .collect();
        let expected: Vec<(String, String)> = Code::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_string(),
                    c.default_severity().as_str().to_string(),
                )
            })
            .collect();
        assert_eq!(
            rows, expected,
            "the table of docs/findings.md and Code::ALL differ"
        );
    }
}
