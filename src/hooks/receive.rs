//! `pre-receive` and `update` on the server: the authority. Commits are judged per protected
//! ref (`new ^old`; for a new ref, `new --not` every other protected ref as it was before the
//! push; never `--not --all`, which would let a commit parked on an unprotected branch into
//! `main` unjudged). An update is protected when its name or any name that leads to the same
//! ref through the server's symbolic refs is (`refs/heads/master -> refs/heads/main` is no side
//! door). Anything that cannot be decided rejects the push.

use super::{Detail, HookError, Outcome, is_zero, judge_selection, parse_oid, report};
use crate::git::{RevSelection, Symrefs};
use crate::policy::Policy;
use crate::scan::Judge;
use crate::source::protects;
use git2::Repository;
use std::io::Write;

/// One ref update as git reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// Old object id (all zeros: the ref is created).
    pub old: String,
    /// New object id (all zeros: the ref is deleted).
    pub new: String,
    /// Full ref name.
    pub name: String,
}

impl RefUpdate {
    /// Parse `pre-receive` stdin: `<old> <new> <ref>` per line.
    pub fn parse_lines(stdin: &str) -> Result<Vec<RefUpdate>, HookError> {
        stdin
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let [old, new, name] = fields[..] else {
                    return Err(HookError::Input(format!(
                        "unexpected pre-receive input line `{line}`"
                    )));
                };
                parse_oid(old, line)?;
                parse_oid(new, line)?;
                Ok(RefUpdate {
                    old: old.into(),
                    new: new.into(),
                    name: name.into(),
                })
            })
            .collect()
    }
}

/// `pre-receive`: judge every protected ref update of the push.
pub fn pre_receive(
    repo: &Repository,
    judge: &Judge<'_>,
    updates: &[RefUpdate],
    detail: Detail,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    let symrefs = Symrefs::read(repo)?;
    let mut outcome = Outcome::Pass;
    for u in updates {
        if judge_update(repo, judge, &symrefs, u, detail, out)? == Outcome::Refuse {
            outcome = Outcome::Refuse;
        }
    }
    Ok(outcome)
}

/// `update REF OLD NEW`: judge one ref update.
pub fn update(
    repo: &Repository,
    judge: &Judge<'_>,
    u: &RefUpdate,
    detail: Detail,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    judge_update(repo, judge, &Symrefs::read(repo)?, u, detail, out)
}

/// The first update that `policy` protects on this server (symbolic refs followed), if any:
/// what a server with no trusted policy must reject.
pub fn first_protected<'u>(
    repo: &Repository,
    policy: &Policy,
    updates: &'u [RefUpdate],
) -> Result<Option<&'u RefUpdate>, HookError> {
    let symrefs = Symrefs::read(repo)?;
    Ok(updates.iter().find(|u| protects(policy, &symrefs, &u.name)))
}

/// The first update that deletes `branch` (under any of its names), if any.
pub fn first_deleting<'u>(
    repo: &Repository,
    branch: &str,
    updates: &'u [RefUpdate],
) -> Result<Option<&'u RefUpdate>, HookError> {
    let symrefs = Symrefs::read(repo)?;
    Ok(updates
        .iter()
        .find(|u| is_zero(&u.new) && symrefs.landing(&u.name) == branch))
}

fn judge_update(
    repo: &Repository,
    judge: &Judge<'_>,
    symrefs: &Symrefs,
    u: &RefUpdate,
    detail: Detail,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    if is_zero(&u.new) || !protects(judge.policy, symrefs, &u.name) {
        return Ok(Outcome::Pass);
    }
    let mut revs = vec![u.new.clone()];
    if is_zero(&u.old) {
        // A new protected ref: only what no other protected ref already holds. Refs are not
        // updated yet while the hook runs, so these are the refs as they were before the push.
        let created = symrefs.landing(&u.name);
        let refs = repo.references().map_err(|e| crate::git::GitError::Git {
            context: "cannot list refs".into(),
            source: e,
        })?;
        for r in refs {
            let r = r.map_err(|e| crate::git::GitError::Git {
                context: "cannot read a ref".into(),
                source: e,
            })?;
            let (Some(name), Ok(commit)) = (r.name(), r.peel_to_commit()) else {
                continue;
            };
            if symrefs.landing(name) != created && protects(judge.policy, symrefs, name) {
                revs.push(format!("^{}", commit.id()));
            }
        }
    } else {
        revs.push(format!("^{}", u.old));
    }
    let records = judge_selection(repo, judge, &RevSelection { revs, all: false })?;
    Ok(report(out, &u.name, &records, detail)?)
}
