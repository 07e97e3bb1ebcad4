//! The `git commit` process the commit hooks run under: who it is (so `commit-msg` reads only
//! the record `prepare-commit-msg` of the same process left) and, where the system shows it,
//! its command line.

use super::commit_argv::{self, CommitArgs};
use crate::git::Repo;

/// The `git commit` process both hooks run under: an identity that no later process shares
/// (its id and start time) and its command line, where it can be read.
pub(super) struct Running {
    pub(super) id: String,
    pub(super) argv: Option<CommitArgs>,
}

/// A git alias (`alias.NAME`), as git would expand it.
#[cfg(target_os = "linux")]
fn alias(repo: &Repo, name: &str) -> Option<String> {
    crate::git::effective_value(repo, &[&format!("alias.{name}")])
        .ok()
        .flatten()
        .flatten()
}

/// The `git commit` process these hooks run under: the nearest ancestor that is a git
/// program (hook managers may sit between git and the hook). Its command line counts only
/// when it reads as `git commit`.
#[cfg(target_os = "linux")]
pub(super) fn running_commit(repo: &Repo) -> Running {
    let parent = std::os::unix::process::parent_id();
    let mut pid = parent;
    for _ in 0..8 {
        if pid <= 1 {
            break;
        }
        let Ok(raw) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            break;
        };
        // Each argument ends with a NUL; empty arguments (`-m ""`) count.
        let raw = raw.strip_suffix(b"\0").unwrap_or(&raw);
        let args: Vec<String> = raw
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_git = args.first().is_some_and(|a| {
            a.rsplit('/')
                .next()
                .is_some_and(|n| n == "git" || n.starts_with("git-"))
        });
        if is_git {
            return Running {
                id: process_id(pid),
                argv: commit_argv::parse(&args, &|name| alias(repo, name)),
            };
        }
        let Some(next) = parent_of(pid) else {
            break;
        };
        pid = next;
    }
    Running {
        id: process_id(parent),
        argv: None,
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
pub(super) fn running_commit(_repo: &Repo) -> Running {
    Running {
        id: std::os::unix::process::parent_id().to_string(),
        argv: None,
    }
}

#[cfg(not(unix))]
pub(super) fn running_commit(_repo: &Repo) -> Running {
    Running {
        id: "0".into(),
        argv: None,
    }
}

/// A process id with the process's start time, so a later process given the same id is
/// another one.
#[cfg(target_os = "linux")]
fn process_id(pid: u32) -> String {
    let start = stat_field(pid, 19).unwrap_or_default();
    format!("{pid}:{start}")
}

/// Parent of a process, from `/proc/PID/stat`.
#[cfg(target_os = "linux")]
fn parent_of(pid: u32) -> Option<u32> {
    stat_field(pid, 1)?.parse().ok()
}

/// Field `n` (from 0) after the parenthesised name in `/proc/PID/stat`: 1 is the parent,
/// 19 the start time.
#[cfg(target_os = "linux")]
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    after_name.split_whitespace().nth(n).map(str::to_owned)
}
