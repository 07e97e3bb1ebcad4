//! `commit-msg` and `prepare-commit-msg`: judge the commit about to be made from the message
//! exactly as `git commit` will clean it and the staged paths (index against `HEAD`, or against
//! `HEAD`'s parents when amending).

use super::commit_message::{self, CommentSetting};
use super::commit_process::{Running, running_commit};
use super::{HookError, Outcome, report_new_commit};
use crate::engine::facts::{CommitFacts, Signature};
use crate::engine::policy::Policy;
use crate::engine::trailers::{self, CleanupMode};
use crate::git::{self, ObjectId, Repo};
use crate::judge::Judge;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File under the git dir where `prepare-commit-msg` tells `commit-msg` about the commit.
const STATE_FILE: &str = "trailgate/commit-state";

/// Whether the commit being made replaces `HEAD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Amend {
    No,
    Yes,
    /// git said `commit HEAD`-like (`--amend`, or `-c`/`-C`) and nothing tells which: judged
    /// on the paths of both readings.
    Maybe,
}

/// What `prepare-commit-msg` learned for `commit-msg` of the same `git commit` process.
struct Attempt {
    amend: Amend,
    /// The comment character `core.commentChar=auto` picked, from the file as git wrote it.
    auto_comment: Option<Vec<u8>>,
}

/// `prepare-commit-msg FILE [SOURCE [SHA]]`: record for `commit-msg` of the same run whether this
/// commit amends `HEAD` and which comment character `auto` picked, and declare the sessions this
/// commit holds with `Assisted-by` and `AI-Session` trailers (docs/assistants.md, "When a session
/// is declared"): never on merges or squashes, and not for `-m`/`-F` when the policy says so.
/// `policy` is `None` when it could not be loaded: then nothing is added (`commit-msg` refuses the
/// commit anyway).
pub fn prepare_commit_msg(
    repo: &Repo,
    policy: Option<&Policy>,
    args: &[String],
) -> Result<Outcome, HookError> {
    let Some(file) = args.first() else {
        return Err(HookError::Input(
            "prepare-commit-msg needs the message file as its first argument".into(),
        ));
    };
    let path = Path::new(file);
    let before = read_message(path)?;
    let source = args.get(1).map(String::as_str);
    let running = running_commit(repo);
    let amend = amend_from_hook_args(source, args.get(2).map(String::as_str), &running);
    let editor = commit_message::editor_used(running.argv.as_ref());
    let setting = commit_message::comment_setting(repo)?;
    let status = commit_message::status_below(repo, running.argv.as_ref(), editor)?;
    let comment = commit_message::resolve_comment(&setting, &before, status)?;
    let mut state = format!("process={}\namend={}\n", running.id, amend_word(amend));
    if setting == CommentSetting::Auto {
        state.push_str(&format!(
            "auto-comment={}\n",
            crate::config::common::hex(&comment)
        ));
    }
    crate::fsutil::write_atomic(&repo.path().join(STATE_FILE), state.as_bytes())?;

    let Some(policy) = policy else {
        return Ok(Outcome::Pass);
    };
    let from_message = source == Some("message");
    if !policy.sessions.add_trailers
        || matches!(source, Some("merge" | "squash"))
        || repo.path().join("MERGE_HEAD").exists()
        || (from_message && policy.sessions.skip_with_message)
    {
        return Ok(Outcome::Pass);
    }
    let sessions = super::post_commit::counting(repo, &policy.sessions)?;
    if sessions.is_empty() {
        return Ok(Outcome::Pass);
    }
    let wanted = crate::sessions::declaration_trailers(policy, &sessions);
    let pairs: Vec<(&str, &str)> = wanted
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // The trailers go where `git log` will find them in the message as git cleans it: comment
    // lines stay in it under `whitespace` and `verbatim`.
    let mode = commit_message::cleanup_mode(repo, running.argv.as_ref(), editor)?;
    let insert_comment: &[u8] = match mode {
        CleanupMode::Strip | CleanupMode::Scissors => &comment,
        CleanupMode::Whitespace | CleanupMode::Verbatim => b"",
    };
    let after = trailers::insert::add_trailers(&before, insert_comment, &pairs);
    if after != before {
        crate::fsutil::write_atomic(path, &after)?;
    }
    Ok(Outcome::Pass)
}

/// Does the commit amend `HEAD`, from what git passed `prepare-commit-msg`? git passes
/// `commit HEAD` for `--amend`, but also for `-c`/`-C HEAD`, and `commit REV` for
/// `--amend -C REV`; `message` for `--amend -m`/`-F` as for any `-m`/`-F`. Any other source
/// (none, `template`, `merge`, `squash`, a cherry-pick) is never an amend. Where an amend is
/// possible the command line decides; unreadable, `commit REV` stays ambiguous.
fn amend_from_hook_args(source: Option<&str>, rev: Option<&str>, running: &Running) -> Amend {
    let possible = match source {
        Some("message") => true,
        Some("commit") => rev != Some("CHERRY_PICK_HEAD"),
        _ => false,
    };
    if !possible {
        return Amend::No;
    }
    match (&running.argv, source) {
        (Some(argv), _) if argv.amend => Amend::Yes,
        (Some(_), _) => Amend::No,
        (None, Some("commit")) => Amend::Maybe,
        (None, _) => Amend::No,
    }
}

/// `commit-msg FILE`: judge the message as `git commit` will store it, with the staged paths.
pub fn commit_msg(
    repo: &Repo,
    judge: &Judge<'_>,
    file: &Path,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    let raw = read_message(file)?;
    let running = running_commit(repo);
    let attempt = read_attempt(repo, &running);
    let argv = running.argv.as_ref();
    let editor = commit_message::editor_used(argv);
    let comment = match (commit_message::comment_setting(repo)?, &attempt) {
        (
            CommentSetting::Auto,
            Some(Attempt {
                auto_comment: Some(c),
                ..
            }),
        ) => c.clone(),
        (setting, _) => {
            let status = commit_message::status_below(repo, argv, editor)?;
            commit_message::resolve_comment(&setting, &raw, status)?
        }
    };
    let mode = commit_message::cleanup_mode(repo, argv, editor)?;
    let verbose = commit_message::verbose(repo, argv)?;
    let message = trailers::cleanup_as(&raw, mode, &comment, verbose);

    let head = git::head_commit(repo)?;
    let amend = match (&head, &attempt, argv) {
        (None, _, _) => Amend::No,
        (Some(_), Some(a), _) => a.amend,
        // No record from `prepare-commit-msg` of this run: the command line alone.
        (Some(_), None, Some(a)) if a.amend => Amend::Yes,
        (Some(_), None, _) => Amend::No,
    };

    // The new commit's parents: HEAD, or HEAD's own parents when amending. The paths are
    // judged against each set of bases in `path_bases` (both readings of an ambiguous amend).
    let (parents, base_trees): (Vec<String>, Vec<Option<ObjectId>>) = match (&head, amend) {
        (None, _) => (Vec::new(), Vec::new()),
        (Some(h), Amend::No) => {
            // Concluding a merge: the other parents are in MERGE_HEAD, and the merge is judged
            // on what differs from every parent.
            let mut ids = vec![h.id];
            ids.extend(merge_heads(repo)?);
            let mut trees = Vec::new();
            for id in &ids {
                trees.push(Some(git::find_commit(repo, *id)?.tree));
            }
            (ids.iter().map(|i| i.to_string()).collect(), trees)
        }
        (Some(h), Amend::Yes | Amend::Maybe) => (
            h.parents.iter().map(|p| p.to_string()).collect(),
            git::parent_trees(repo, h).into_iter().map(Some).collect(),
        ),
    };
    let mut path_bases = vec![base_trees.clone()];
    if let (Some(h), Amend::Maybe) = (&head, amend) {
        path_bases.push(vec![Some(h.tree)]);
    }
    let amending = amend != Amend::No;
    let now = jiff::Timestamp::now();
    let author = match (&head, amending, identity_from_env("AUTHOR")) {
        (_, _, Some(sig)) => sig,
        // `--amend` keeps the author unless told otherwise (then git sets GIT_AUTHOR_*).
        (Some(h), true, None) => git::commit_facts(repo, h.id)?.author,
        _ => identity_from_config(repo),
    };
    let committer = identity_from_env("COMMITTER").unwrap_or_else(|| identity_from_config(repo));
    let facts = CommitFacts {
        id: "0".repeat(40),
        parents,
        author: Signature {
            time: now.as_second(),
            offset_minutes: 0,
            ..author
        },
        committer: Signature {
            time: now.as_second(),
            offset_minutes: 0,
            ..committer
        },
        message,
        undecodable_encoding: None,
    };
    // What `git log` will show of it, under a non-UTF-8 `i18n.commitEncoding`.
    let facts = git::as_logged(repo, facts);
    let index_tree = staged_tree(repo)?;
    let mut evidence = judge.evidence(&facts);
    // Sessions this commit declares: evidence of their own (never on merges, which get no
    // declaration trailers either).
    if base_trees.len() <= 1 {
        crate::sessions::add_record_evidence(
            judge.policy,
            &super::post_commit::counting(repo, &judge.policy.sessions)?,
            &mut evidence,
        );
    }
    let mut objects = git::Objects::new(git::packs(repo));
    let record = judge.decide(facts, evidence, now, &mut |descend, keep| {
        let mut all = BTreeSet::new();
        for bases in &path_bases {
            all.extend(git::changed_between(
                repo,
                &mut objects,
                index_tree,
                bases,
                descend,
                keep,
            )?);
        }
        Ok(all.into_iter().collect())
    })?;
    Ok(report_new_commit(out, &record, file)?)
}

fn read_message(path: &Path) -> Result<Vec<u8>, HookError> {
    std::fs::read(path).map_err(|e| {
        HookError::Input(format!(
            "cannot read the message file {}: {e}",
            path.display()
        ))
    })
}

fn amend_word(amend: Amend) -> &'static str {
    match amend {
        Amend::No => "no",
        Amend::Yes => "yes",
        Amend::Maybe => "maybe",
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.is_empty() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The record `prepare-commit-msg` left, if it was left by this same `git commit` process:
/// a record from an earlier, aborted commit says nothing about this one.
fn read_attempt(repo: &Repo, running: &Running) -> Option<Attempt> {
    let state = std::fs::read_to_string(repo.path().join(STATE_FILE)).ok()?;
    let field = |name: &str| {
        state
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
    };
    if field("process")? != running.id {
        return None;
    }
    let amend = match field("amend")? {
        "yes" => Amend::Yes,
        "maybe" => Amend::Maybe,
        _ => Amend::No,
    };
    Some(Attempt {
        amend,
        auto_comment: field("auto-comment").and_then(unhex),
    })
}

/// The tree the commit will record: the index git uses for this commit (`GIT_INDEX_FILE` for
/// `commit -a` and `commit PATH`), written as a tree.
fn staged_tree(repo: &Repo) -> Result<ObjectId, HookError> {
    let index_file = std::env::var_os("GIT_INDEX_FILE").map(|path| {
        let path = PathBuf::from(path);
        if path.is_absolute() {
            path
        } else {
            std::env::current_dir()
                .map(|d| d.join(&path))
                .unwrap_or(path)
        }
    });
    Ok(git::write_index_tree(repo, index_file.as_deref())?)
}

/// The other parents of a merge being concluded, from `MERGE_HEAD`.
fn merge_heads(repo: &Repo) -> Result<Vec<ObjectId>, HookError> {
    let Ok(text) = std::fs::read_to_string(repo.path().join("MERGE_HEAD")) else {
        return Ok(Vec::new());
    };
    text.split_whitespace()
        .map(|hex| {
            ObjectId::from_hex(hex).map_err(|_| {
                HookError::Input(format!("MERGE_HEAD holds `{hex}`, not an object id"))
            })
        })
        .collect()
}

fn identity_from_env(who: &str) -> Option<Signature> {
    let name = std::env::var(format!("GIT_{who}_NAME")).ok();
    let email = std::env::var(format!("GIT_{who}_EMAIL")).ok();
    if name.is_none() && email.is_none() {
        return None;
    }
    Some(Signature {
        name: name.unwrap_or_default(),
        email: email.unwrap_or_default(),
        time: 0,
        offset_minutes: 0,
    })
}

fn identity_from_config(repo: &Repo) -> Signature {
    Signature {
        name: git::config_string(repo, "user.name").unwrap_or_default(),
        email: git::config_string(repo, "user.email").unwrap_or_default(),
        time: 0,
        offset_minutes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::{Amend, amend_from_hook_args};
    use crate::hooks::commit_argv::CommitArgs;
    use crate::hooks::commit_process::Running;

    #[test]
    fn amends_from_the_hook_arguments_and_the_command_line() {
        let running = |amend: Option<bool>| Running {
            id: "1:1".into(),
            argv: amend.map(|amend| CommitArgs {
                amend,
                ..CommitArgs::default()
            }),
        };
        let rows = [
            (Some("commit"), Some("HEAD"), Some(true), Amend::Yes),
            // `-C HEAD` / `-c HEAD`: the command line says it is no amend.
            (Some("commit"), Some("HEAD"), Some(false), Amend::No),
            // Unreadable command line: both readings are judged.
            (Some("commit"), Some("HEAD"), None, Amend::Maybe),
            (Some("commit"), Some("v1.0"), None, Amend::Maybe),
            (Some("message"), None, Some(true), Amend::Yes),
            (Some("message"), None, None, Amend::No),
            // Never an amend, whatever a command line seems to say.
            (
                Some("commit"),
                Some("CHERRY_PICK_HEAD"),
                Some(true),
                Amend::No,
            ),
            (Some("template"), None, Some(true), Amend::No),
            (Some("merge"), None, Some(true), Amend::No),
            (Some("squash"), None, Some(true), Amend::No),
            (None, None, Some(true), Amend::No),
        ];
        for (source, rev, amend, want) in rows {
            assert_eq!(
                amend_from_hook_args(source, rev, &running(amend)),
                want,
                "{source:?} {rev:?} {amend:?}"
            );
        }
    }
}
