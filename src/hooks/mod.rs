//! The hook front doors (docs/hooks.md, docs/server.md): where each hook's commits and facts come
//! from, judged by the same engine as `scan`, reported in a few lines a person reads in a terminal
//! or as `remote:` lines. Client hooks give fast feedback; server hooks are the authority and fail
//! closed.

mod commit;
mod commit_argv;
mod commit_message;
mod commit_process;
mod post_commit;
mod push;
mod receive;

pub use commit::{commit_msg, prepare_commit_msg};
pub use commit_message::{CommentSetting, comment_setting, resolve_comment};
pub use post_commit::post_commit;
pub use push::pre_push;
pub use receive::{RefUpdate, first_deleting_or_rewinding, first_protected, pre_receive, update};

use crate::engine::findings::Verdict;
use crate::engine::record::CommitRecord;
use crate::git::{GitError, ObjectId, Repo, RevSelection};
use crate::judge::{At, Judge};
use crate::report::{Escaped, escape_join};
use crate::scan::{ScanError, ScanOptions, scan_with};
use std::io::{self, Write};

/// What a hook run decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Let the operation go on (warnings may have been printed).
    Pass,
    /// Refuse the operation.
    Refuse,
}

impl Outcome {
    /// The hook's exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Refuse => 1,
        }
    }
}

/// Errors that keep a hook from deciding. Server hooks reject on any of them.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Reading the repository failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// Hook input (arguments, stdin, message file) is not what git sends.
    #[error("{0}")]
    Input(String),
    /// Writing messages failed.
    #[error("cannot write: {0}")]
    Io(#[from] io::Error),
}

/// How much a hook says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Show evidence and every path (`git push -o trailgate.verbose`).
    pub verbose: bool,
}

/// Prefix of every line a hook prints, so it stands out among git's own output.
const PREFIX: &str = "trailgate:";
/// Paths listed per finding before "and N more" (unless verbose).
const PATHS_SHOWN: usize = 5;

/// Judge the commits of a selection (newest first) with the scan's pipeline: one thread
/// judging per core, the walker among them, each on its own handle opened as `repo` was, so a server hook's threads
/// all see the push's quarantined objects.
pub(crate) fn judge_selection(
    repo: &Repo,
    judge: &Judge<'_>,
    revs: Vec<String>,
) -> Result<Vec<CommitRecord>, HookError> {
    let opts = ScanOptions {
        // Judged as the walk lists them: the walk and the judging overlap.
        selection: RevSelection {
            revs,
            all: false,
            tentative: true,
        },
        since: None,
        until: None,
        at: At::Fixed(jiff::Timestamp::now()),
        threads: 0,
        baseline: None,
    };
    let mut records = Vec::new();
    let outcome = scan_with(repo, judge, &opts, &|_| Vec::new(), &mut |record, _| {
        records.push(record);
        Ok(None)
    });
    match outcome {
        Ok(dropped) => {
            // A late mark of the walk: git would not list these, so neither do we.
            if !dropped.is_empty() {
                let dropped: std::collections::HashSet<String> =
                    dropped.iter().map(ToString::to_string).collect();
                records.retain(|r| !dropped.contains(&r.id));
            }
            Ok(records)
        }
        Err(ScanError::Git(e)) => Err(HookError::Git(e)),
        Err(ScanError::Output(e)) => Err(HookError::Io(e)),
    }
}

/// Print what is wrong with each commit that has findings; `Refuse` if any fails.
pub(crate) fn report(
    out: &mut dyn Write,
    what: &str,
    records: &[CommitRecord],
    detail: Detail,
) -> io::Result<Outcome> {
    let failing = records
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .count();
    for r in records.iter().filter(|r| !r.findings.is_empty()) {
        writeln!(
            out,
            "{PREFIX} commit {} \"{}\"",
            r.short_id(),
            Escaped(&r.summary)
        )?;
        if detail.verbose {
            for a in &r.assistants {
                for e in &a.evidence {
                    writeln!(
                        out,
                        "{PREFIX}   {} ({}) from {}: {}",
                        Escaped(&a.id),
                        a.status.as_str(),
                        e.source.as_str(),
                        Escaped(&e.text)
                    )?;
                }
            }
        }
        let shown = if detail.verbose {
            None
        } else {
            Some(PATHS_SHOWN)
        };
        write_findings(out, &r.findings, "  ", shown)?;
    }
    if failing > 0 {
        let commits = if failing == 1 {
            "commit breaks"
        } else {
            "commits break"
        };
        let what = Escaped(what);
        writeln!(
            out,
            "{PREFIX} refusing {what}: {failing} {commits} the policy; `trailgate check <commit>` explains each step"
        )?;
        Ok(Outcome::Refuse)
    } else {
        Ok(Outcome::Pass)
    }
}

/// Like [`report`], for the one commit `commit-msg` is about to let git make.
pub(crate) fn report_new_commit(
    out: &mut dyn Write,
    record: &CommitRecord,
    message_file: &std::path::Path,
) -> io::Result<Outcome> {
    write_findings(out, &record.findings, "", None)?;
    if record.verdict != Verdict::Fail {
        return Ok(Outcome::Pass);
    }
    let file = message_file.display();
    writeln!(
        out,
        "{PREFIX} commit refused. Your message is kept in {file}: fix it and commit again with `git commit -e -F {file}`"
    )?;
    writeln!(
        out,
        "{PREFIX} to commit anyway, `git commit --no-verify` skips this check; the server judges the push all the same"
    )?;
    Ok(Outcome::Refuse)
}

/// Each finding with its code and message (which says how to fix it), and its paths: all of
/// them, or the first `shown` and how many more.
fn write_findings(
    out: &mut dyn Write,
    findings: &[crate::engine::findings::Finding],
    indent: &str,
    shown: Option<usize>,
) -> io::Result<()> {
    for f in findings {
        writeln!(
            out,
            "{PREFIX} {indent}{}[{}] {}",
            f.severity.as_str(),
            f.code,
            Escaped(&f.message)
        )?;
        if f.paths.is_empty() {
            continue;
        }
        let shown = shown.unwrap_or(f.paths.len());
        let mut list = escape_join(&f.paths[..shown.min(f.paths.len())], ", ");
        if f.paths.len() > shown {
            list.push_str(&format!(" and {} more", f.paths.len() - shown));
        }
        writeln!(out, "{PREFIX} {indent}  paths: {list}")?;
    }
    Ok(())
}

/// The all-zero object id git uses for "no object" in hook input.
pub fn is_zero(hex: &str) -> bool {
    !hex.is_empty() && hex.bytes().all(|b| b == b'0')
}

/// Parse an object id from hook input.
pub(crate) fn parse_oid(hex: &str, line: &str) -> Result<ObjectId, HookError> {
    ObjectId::from_hex(hex)
        .map_err(|_| HookError::Input(format!("`{hex}` in `{line}` is not an object id")))
}
