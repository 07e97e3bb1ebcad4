//! `commit-msg` and `prepare-commit-msg`: judge the commit about to be made from the cleaned
//! message and the staged paths (index against `HEAD`, or against `HEAD`'s parents for
//! `--amend`).

use super::{HookError, Outcome, report_new_commit};
use crate::facts::{CommitFacts, Signature};
use crate::git::{self, Context};
use crate::policy::Policy;
use crate::scan::Judge;
use crate::trailers;
use git2::{Oid, Repository};
use std::io::Write;
use std::path::{Path, PathBuf};

/// File under the git dir where `prepare-commit-msg` tells `commit-msg` about the commit.
const STATE_FILE: &str = "trailgate/commit-state";

/// `prepare-commit-msg FILE [SOURCE [SHA]]`: remember whether this commit amends `HEAD` (git
/// passes `commit HEAD` then) for `commit-msg` of the same run, and declare the sessions active
/// since the commit's parent with `Assisted-by` and `AI-Session` trailers (SPEC §8): never on
/// merges or squashes, and not for `-m`/`-F` when the policy says so. `policy` is `None` when
/// it could not be loaded: then nothing is added (`commit-msg` refuses the commit anyway).
pub fn prepare_commit_msg(
    repo: &Repository,
    policy: Option<&Policy>,
    comment: &[u8],
    args: &[String],
) -> Result<Outcome, HookError> {
    let Some(file) = args.first() else {
        return Err(HookError::Input(
            "prepare-commit-msg needs the message file as its first argument".into(),
        ));
    };
    let source = args.get(1).map(String::as_str);
    let amend = (source == Some("commit") && args.get(2).map(String::as_str) == Some("HEAD"))
        || git_commit_args().is_some_and(|a| a.iter().any(|x| x == "--amend"));
    let state = format!("parent={}\namend={amend}\n", parent_pid());
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
    let head = git::head_commit(repo)?;
    let since = previous_commit_time(head.as_ref(), amend);
    let sessions = super::sessions::active(repo, since);
    if sessions.is_empty() {
        return Ok(Outcome::Pass);
    }
    let wanted = super::sessions::declaration_trailers(policy, &sessions);
    let pairs: Vec<(&str, &str)> = wanted
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let path = Path::new(file);
    let before = std::fs::read(path).map_err(|e| {
        HookError::Input(format!(
            "cannot read the message file {}: {e}",
            path.display()
        ))
    })?;
    let after = trailers::insert::add_trailers(&before, comment, &pairs);
    if after != before {
        crate::fsutil::write_atomic(path, &after)?;
    }
    Ok(Outcome::Pass)
}

/// `commit-msg FILE`: judge the message as `git commit` will store it, with the staged paths.
pub fn commit_msg(
    repo: &Repository,
    judge: &Judge<'_>,
    file: &Path,
    comment: &[u8],
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    let raw = std::fs::read(file).map_err(|e| {
        HookError::Input(format!(
            "cannot read the message file {}: {e}",
            file.display()
        ))
    })?;
    let message = trailers::cleanup(&raw, comment);
    let head = git::head_commit(repo)?;
    let amend = head.is_some() && amends(repo);

    // The new commit's parents: HEAD, or HEAD's own parents when amending.
    let (parents, base_trees): (Vec<String>, Vec<Option<Oid>>) = match (&head, amend) {
        (None, _) => (Vec::new(), Vec::new()),
        (Some(h), false) => {
            // Concluding a merge: the other parents are in MERGE_HEAD, and the merge is judged
            // on what differs from every parent.
            let mut ids = vec![h.id()];
            ids.extend(merge_heads(repo)?);
            let mut trees = Vec::new();
            for id in &ids {
                let c = repo
                    .find_commit(*id)
                    .context(|| format!("cannot read commit {id}"))?;
                trees.push(Some(c.tree_id()));
            }
            (ids.iter().map(|i| i.to_string()).collect(), trees)
        }
        (Some(h), true) => {
            let mut trees = Vec::new();
            for p in h.parents() {
                trees.push(Some(p.tree_id()));
            }
            (h.parent_ids().map(|p| p.to_string()).collect(), trees)
        }
    };
    let now = jiff::Timestamp::now();
    let author = match (&head, amend, identity_from_env("AUTHOR")) {
        (_, _, Some(sig)) => sig,
        // `--amend` keeps the author unless told otherwise (then git sets GIT_AUTHOR_*).
        (Some(h), true, None) => git::commit_facts(repo, h.id())?.author,
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
    // Sessions that worked since the new commit's parent: evidence of their own (never on
    // merges, which get no declaration trailers either).
    if base_trees.len() <= 1 {
        let since = previous_commit_time(head.as_ref(), amend);
        super::sessions::add_record_evidence(
            judge.policy,
            &super::sessions::active(repo, since),
            &mut evidence,
        );
    }
    let mut objects = git::Objects::new(git::packs(repo));
    let record = judge.decide(facts, evidence, now, &mut |descend, keep| {
        git::changed_between(repo, &mut objects, index_tree, &base_trees, descend, keep)
    })?;
    Ok(report_new_commit(out, &record, file)?)
}

/// The tree the commit will record: the index git uses for this commit (`GIT_INDEX_FILE` for
/// `commit -a` and `commit PATH`), written as a tree.
fn staged_tree(repo: &Repository) -> Result<Oid, HookError> {
    let mut index = match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) => {
            let path = PathBuf::from(path);
            let path = if path.is_absolute() {
                path
            } else {
                std::env::current_dir()
                    .map(|d| d.join(&path))
                    .unwrap_or(path)
            };
            git2::Index::open(&path)
                .context(|| format!("cannot read the index {}", path.display()))?
        }
        None => repo.index().context(|| "cannot read the index".into())?,
    };
    Ok(index
        .write_tree_to(repo)
        .context(|| "cannot write the staged tree".into())?)
}

/// When the commit the new one follows was made: `HEAD`, or `HEAD`'s first parent when
/// amending; `None` before the first commit. Sessions that worked since then belong to the new
/// commit.
fn previous_commit_time(head: Option<&git2::Commit<'_>>, amend: bool) -> Option<jiff::Timestamp> {
    let head = head?;
    if amend {
        head.parents().next().map(|p| git::committer_time(&p))
    } else {
        Some(git::committer_time(head))
    }
}

/// The other parents of a merge being concluded, from `MERGE_HEAD`.
fn merge_heads(repo: &Repository) -> Result<Vec<git2::Oid>, HookError> {
    let Ok(text) = std::fs::read_to_string(repo.path().join("MERGE_HEAD")) else {
        return Ok(Vec::new());
    };
    text.split_whitespace()
        .map(|hex| {
            git2::Oid::from_str(hex).map_err(|_| {
                HookError::Input(format!("MERGE_HEAD holds `{hex}`, not an object id"))
            })
        })
        .collect()
}

/// Is this `git commit` an `--amend`? The `git commit` process's arguments say so where they
/// can be read; otherwise `prepare-commit-msg` of the same run recorded it.
fn amends(repo: &Repository) -> bool {
    if let Some(args) = git_commit_args() {
        return args.iter().any(|a| a == "--amend");
    }
    let Ok(state) = std::fs::read_to_string(repo.path().join(STATE_FILE)) else {
        return false;
    };
    // Only a record from this same `git commit` process counts.
    state
        .lines()
        .any(|l| l == format!("parent={}", parent_pid()))
        && state.lines().any(|l| l == "amend=true")
}

/// The arguments of the `git commit` process this hook runs under: the nearest ancestor whose
/// arguments include `commit` (hook managers may sit between git and the hook).
#[cfg(target_os = "linux")]
fn git_commit_args() -> Option<Vec<String>> {
    let mut pid = parent_pid();
    for _ in 0..8 {
        if pid <= 1 {
            return None;
        }
        let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let args: Vec<String> = raw
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_git = args.first().is_some_and(|a| {
            a.rsplit('/')
                .next()
                .is_some_and(|n| n == "git" || n.starts_with("git-"))
        });
        if is_git && args.iter().any(|a| a == "commit") {
            return Some(args);
        }
        pid = parent_of(pid)?;
    }
    None
}

#[cfg(not(target_os = "linux"))]
fn git_commit_args() -> Option<Vec<String>> {
    None
}

/// Parent of a process, from `/proc/PID/stat` (the field after the parenthesised name).
#[cfg(target_os = "linux")]
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(unix)]
fn parent_pid() -> u32 {
    std::os::unix::process::parent_id()
}

#[cfg(not(unix))]
fn parent_pid() -> u32 {
    0
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

fn identity_from_config(repo: &Repository) -> Signature {
    Signature {
        name: git::config_string(repo, "user.name").unwrap_or_default(),
        email: git::config_string(repo, "user.email").unwrap_or_default(),
        time: 0,
        offset_minutes: 0,
    }
}
