//! Judging one commit (docs/findings.md): from evidence, changed paths, the policy and a time to
//! findings and a verdict. Pure functions over plain data; nothing here reads git.

use crate::engine::evidence::{Evidence, Item, Source};
use crate::engine::exceptions::{Exception, Window};
use crate::engine::findings::{Code, Finding, Verdict, verdict_of};
use crate::engine::policy::{Policy, Status};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How much of a commit's diff the verdict needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PathNeed {
    /// No diff at all.
    None,
    /// Only production paths (the walk may prune everything else).
    Production,
    /// Every changed path (a forbidden assistant is involved).
    All,
}

/// Changed paths of a commit, as far as they were computed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChangedPaths {
    /// Every changed path, when [`PathNeed::All`] was asked for.
    pub(crate) all: Option<Vec<Vec<u8>>>,
    /// Changed production paths, sorted.
    pub(crate) production: Vec<Vec<u8>>,
}

/// What the verdict needs to know about paths for this evidence.
pub(crate) fn path_need(policy: &Policy, evidence: &Evidence) -> PathNeed {
    let mut need = if policy.require_declaration {
        PathNeed::Production
    } else {
        PathNeed::None
    };
    for a in &evidence.assistants {
        match policy.status_of(&a.id) {
            Status::Forbidden => return PathNeed::All,
            Status::Restricted => need = PathNeed::Production,
            Status::Approved => {}
        }
    }
    need
}

/// An assistant with its status and evidence, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JudgedAssistant {
    /// Catalog id or `unknown`.
    pub(crate) id: String,
    /// Status under the policy.
    pub(crate) status: Status,
    /// Evidence in the order found.
    pub(crate) evidence: Vec<Item>,
}

/// A cited exception and its state for this commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ExceptionUse {
    /// The ID as cited.
    pub(crate) id: String,
    /// `valid`, `unknown`, `revoked`, `expired`, `pending`, `author-not-allowed`, or `ignored`
    /// (cited outside the trailer block).
    pub(crate) state: &'static str,
}

/// Every state an [`ExceptionUse`] can be in.
const EXCEPTION_STATES: [&str; 7] = [
    "valid",
    "unknown",
    "revoked",
    "expired",
    "pending",
    "author-not-allowed",
    "ignored",
];

/// An [`ExceptionUse`] as a report spells it, before its state is checked.
#[derive(Deserialize)]
struct ExceptionUseText {
    id: String,
    state: String,
}

// By hand: a derived impl would borrow `state` from the input (serde borrows `&str` fields).
impl<'de> Deserialize<'de> for ExceptionUse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = ExceptionUseText::deserialize(d)?;
        match EXCEPTION_STATES.iter().find(|known| **known == text.state) {
            Some(state) => Ok(ExceptionUse { id: text.id, state }),
            None => Err(serde::de::Error::custom(format!(
                "unknown exception state `{}`, expected one of {}",
                text.state,
                EXCEPTION_STATES.join(", ")
            ))),
        }
    }
}

/// The judgement of one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Assistants with status and evidence.
    pub(crate) assistants: Vec<JudgedAssistant>,
    /// Cited exceptions and their states.
    pub(crate) exceptions: Vec<ExceptionUse>,
    /// Production paths, when the verdict needed them.
    pub(crate) production_paths: Option<Vec<Vec<u8>>>,
    /// Findings, severity `off` dropped.
    pub(crate) findings: Vec<Finding>,
    /// Overall verdict.
    pub(crate) verdict: Verdict,
}

/// Everything `judge` needs about one commit besides its evidence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommitContext<'a> {
    /// Raw author e-mail (exception `authors`).
    pub(crate) author_email: &'a str,
    /// Evaluation time for exception windows.
    pub(crate) at: Timestamp,
    /// Changed paths, computed to the depth `path_need` asked for; `None` when it asked for none.
    pub(crate) paths: Option<&'a ChangedPaths>,
    /// The commit's declared encoding, when it could not be converted as git would.
    pub(crate) undecodable_encoding: Option<&'a str>,
}

/// Judge one commit.
pub(crate) fn judge(policy: &Policy, evidence: &Evidence, ctx: &CommitContext<'_>) -> Judgement {
    let mut findings = Vec::new();
    let production: &[Vec<u8>] = ctx.paths.map_or(&[], |p| &p.production);
    let all: &[Vec<u8>] = ctx
        .paths
        .and_then(|p| p.all.as_deref())
        .unwrap_or(production);

    let mut assistants = Vec::new();
    for a in &evidence.assistants {
        let status = policy.status_of(&a.id);
        assistants.push(JudgedAssistant {
            id: a.id.clone(),
            status,
            evidence: a.evidence.clone(),
        });
        let required: &[Vec<u8>] = match status {
            Status::Approved => continue,
            Status::Restricted if production.is_empty() => continue,
            Status::Restricted => production,
            Status::Forbidden => all,
        };
        if let Some(f) = judge_assistant(policy, evidence, ctx, &a.id, status, required) {
            findings.push(f);
        }
    }

    for id in &evidence.cited {
        if policy.registry.get(id).is_none() {
            findings.push(Finding {
                code: Code::UnknownException,
                severity: policy.severity(Code::UnknownException),
                assistant: None,
                paths: Vec::new(),
                exception: Some(id.clone()),
                baselined_code: None,
                message: format!(
                    "exception `{id}` is not in the registry{}; correct the ID in the `{}:` trailer or have it registered",
                    policy.registry.source.as_deref().map(|s| format!(" ({s})")).unwrap_or_default(),
                    policy.exception_trailer
                ),
            });
        }
    }

    if let Some(encoding) = ctx.undecodable_encoding {
        findings.push(Finding {
            code: Code::UndecodableMessage,
            severity: policy.severity(Code::UndecodableMessage),
            assistant: None,
            paths: Vec::new(),
            exception: None,
            baselined_code: None,
            message: format!(
                "this commit declares the encoding `{encoding}`, which this system's iconv cannot convert; trailgate read its raw bytes, but git elsewhere may show other trailers or identities. Recommit it in UTF-8"
            ),
        });
    }

    if policy.require_declaration && !production.is_empty() && !evidence.declares() {
        findings.push(Finding {
            code: Code::MissingDeclaration,
            severity: policy.severity(Code::MissingDeclaration),
            assistant: None,
            paths: display_paths(production),
            exception: None,
            baselined_code: None,
            message: format!(
                "this commit touches production paths ({}) but declares nothing; add a trailer `Assisted-by: <assistant>` or, if no assistant helped, `Assisted-by: none`",
                summarize(production)
            ),
        });
    }

    for line in &evidence.ignored {
        let what = match (&line.assistant, line.exceptions.is_empty()) {
            (Some(a), _) => format!("names {a}, which the trailers do not declare"),
            (None, false) => format!(
                "cites exception {} outside the trailer block, which grants nothing",
                line.exceptions.join(", ")
            ),
            (None, true) => continue,
        };
        findings.push(Finding {
            code: Code::IgnoredDeclaration,
            severity: policy.severity(Code::IgnoredDeclaration),
            assistant: line.assistant.clone(),
            paths: Vec::new(),
            exception: line.exceptions.first().cloned(),
            baselined_code: None,
            message: format!(
                "line {} `{}` looks like a trailer but is not in the trailer block, so git ignores it; it {what}. Move it into the last paragraph of the message, written exactly as a trailer",
                line.line, line.text
            ),
        });
    }

    for a in &evidence.assistants {
        let metadata_only = a
            .evidence
            .iter()
            .all(|e| matches!(e.source, Source::Note | Source::Record));
        if !metadata_only {
            continue;
        }
        let sources: Vec<&str> = a.evidence.iter().map(|e| e.text.as_str()).collect();
        findings.push(Finding {
            code: Code::UndeclaredAssistant,
            severity: policy.severity(Code::UndeclaredAssistant),
            assistant: Some(a.id.clone()),
            paths: Vec::new(),
            exception: None,
            baselined_code: None,
            message: format!(
                "session metadata says {} worked on this commit ({}), but the message does not declare it; add the trailer `Assisted-by: {}`",
                a.id,
                sources.join("; "),
                if a.id == crate::engine::policy::UNKNOWN { "<assistant name>" } else { a.id.as_str() }
            ),
        });
    }

    for (assistant, text) in &evidence.ai_signoffs {
        findings.push(Finding {
            code: Code::AiSignoff,
            severity: policy.severity(Code::AiSignoff),
            assistant: Some(assistant.clone()),
            paths: Vec::new(),
            exception: None,
            baselined_code: None,
            message: format!(
                "`{text}` names the assistant {assistant}, which must not certify the DCO; replace it with `Assisted-by: {assistant}` and sign off as the human author"
            ),
        });
    }

    for note in &evidence.unreadable_notes {
        let short_ref = note
            .notes_ref
            .strip_prefix("refs/notes/")
            .unwrap_or(&note.notes_ref);
        findings.push(Finding {
            code: Code::UnreadableNote,
            severity: policy.severity(Code::UnreadableNote),
            assistant: None,
            paths: Vec::new(),
            exception: None,
            baselined_code: None,
            message: format!(
                "the note on {} cannot be read, so it adds nothing to this commit ({}); rewrite it with `git notes --ref={short_ref} edit <commit>` or remove it with `git notes --ref={short_ref} remove <commit>`, then push {}",
                note.notes_ref, note.reason, note.notes_ref
            ),
        });
    }

    findings.retain(|f| f.severity != crate::engine::findings::Severity::Off);
    let verdict = verdict_of(&findings);
    Judgement {
        assistants,
        exceptions: exception_uses(policy, evidence, ctx),
        production_paths: ctx
            .paths
            .map(|p| p.production.iter().map(|p| shown(p)).collect()),
        findings,
        verdict,
    }
}

fn judge_assistant(
    policy: &Policy,
    evidence: &Evidence,
    ctx: &CommitContext<'_>,
    assistant: &str,
    status: Status,
    required: &[Vec<u8>],
) -> Option<Finding> {
    let candidates: Vec<&Exception> = evidence
        .cited
        .iter()
        .filter_map(|id| policy.registry.get(id))
        .filter(|e| e.lists(assistant))
        .collect();
    let finding =
        |code: Code, paths: &[Vec<u8>], exception: Option<String>, message: String| Finding {
            code,
            severity: policy.severity(code),
            assistant: Some(assistant.to_string()),
            paths: display_paths(paths),
            exception,
            baselined_code: None,
            message,
        };
    let trailer = &policy.exception_trailer;
    if candidates.is_empty() {
        return Some(match status {
            Status::Forbidden => finding(
                Code::ForbiddenAssistant,
                required,
                None,
                format!(
                    "{assistant} is forbidden by the policy{}; redo the change without it, or cite a valid exception for {assistant} with an `{trailer}: <ID>` trailer",
                    if required.is_empty() {
                        String::new()
                    } else {
                        format!(" and changed {}", summarize(required))
                    }
                ),
            ),
            _ => finding(
                Code::RestrictedAssistant,
                required,
                None,
                format!(
                    "{assistant} is restricted on production paths and changed {} without an exception; cite a valid exception that covers {assistant} and these paths with an `{trailer}: <ID>` trailer (see `trailgate exceptions list`), or keep {assistant} out of production code",
                    summarize(required)
                ),
            ),
        });
    }
    let valid: Vec<&Exception> = candidates
        .iter()
        .copied()
        .filter(|e| {
            !e.revoked && e.window(ctx.at) == Window::Active && e.allows_author(ctx.author_email)
        })
        .collect();
    let uncovered: Vec<Vec<u8>> = required
        .iter()
        .filter(|p| !valid.iter().any(|e| e.covers_path(p)))
        .cloned()
        .collect();
    if !valid.is_empty() && uncovered.is_empty() {
        return None;
    }
    // Paths a valid candidate covers are fine; name only the rest.
    let open_paths: &[Vec<u8>] = if valid.is_empty() {
        required
    } else {
        &uncovered
    };
    if let Some(e) = candidates.iter().find(|e| e.revoked) {
        return Some(finding(
            Code::RevokedException,
            open_paths,
            Some(e.id.clone()),
            format!(
                "exception `{}` cited for {assistant} has been revoked; cite another valid exception or remove {assistant}'s changes",
                e.id
            ),
        ));
    }
    if let Some(e) = candidates
        .iter()
        .find(|e| e.window(ctx.at) != Window::Active)
    {
        let what = match e.window(ctx.at) {
            Window::NotStarted => {
                "is not valid yet at the evaluation time; wait for its start date or cite an exception valid now".to_string()
            }
            _ => format!(
                "expired ({}); ask for a renewal or cite an exception valid at the evaluation time",
                e.expires_text
            ),
        };
        return Some(finding(
            Code::ExpiredException,
            open_paths,
            Some(e.id.clone()),
            format!("exception `{}` cited for {assistant} {what}", e.id),
        ));
    }
    let ids: Vec<&str> = candidates.iter().map(|e| e.id.as_str()).collect();
    let (paths, why) = if valid.is_empty() {
        (
            required.to_vec(),
            format!("allow the author {}", ctx.author_email),
        )
    } else {
        let why = format!("cover {}", summarize(&uncovered));
        (uncovered, why)
    };
    let (noun, verb) = if ids.len() == 1 {
        ("exception", "does not")
    } else {
        ("exceptions", "do not")
    };
    Some(finding(
        Code::ExceptionOutOfScope,
        &paths,
        Some(ids.join(", ")),
        format!(
            "{noun} {} cited for {assistant} {verb} {why}; cite an exception whose scope covers this, or ask for the scope to be widened",
            ids.join(", ")
        ),
    ))
}

fn exception_uses(
    policy: &Policy,
    evidence: &Evidence,
    ctx: &CommitContext<'_>,
) -> Vec<ExceptionUse> {
    let mut uses: Vec<ExceptionUse> = evidence
        .cited
        .iter()
        .map(|id| {
            let state = match policy.registry.get(id) {
                None => "unknown",
                Some(e) if e.revoked => "revoked",
                Some(e) => match e.window(ctx.at) {
                    Window::NotStarted => "pending",
                    Window::Expired => "expired",
                    Window::Active if !e.allows_author(ctx.author_email) => "author-not-allowed",
                    Window::Active => "valid",
                },
            };
            ExceptionUse {
                id: id.clone(),
                state,
            }
        })
        .collect();
    for line in &evidence.ignored {
        for id in &line.exceptions {
            if !uses.iter().any(|u| &u.id == id) {
                uses.push(ExceptionUse {
                    id: id.clone(),
                    state: "ignored",
                });
            }
        }
    }
    uses
}

/// Paths as report strings.
pub(crate) fn display_paths(paths: &[Vec<u8>]) -> Vec<String> {
    paths
        .iter()
        .map(|p| String::from_utf8_lossy(&shown(p)).into_owned())
        .collect()
}

/// A changed path as git names it: a submodule's trailing `/` (which tells the path matcher
/// it is a directory, see [`crate::engine::paths`]) removed.
fn shown(path: &[u8]) -> Vec<u8> {
    path.strip_suffix(b"/").unwrap_or(path).to_vec()
}

/// `a, b, c and 4 more`.
fn summarize(paths: &[Vec<u8>]) -> String {
    const SHOWN: usize = 3;
    let mut s = paths
        .iter()
        .take(SHOWN)
        .map(|p| String::from_utf8_lossy(&shown(p)).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        s.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    if s.is_empty() {
        s.push_str("no path");
    }
    s
}

#[cfg(test)]
mod tests;
