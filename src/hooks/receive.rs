//! `pre-receive` and `update` on the server: the authority. Commits are judged per protected
//! ref (`new ^old`; for a new ref, `new --not` every other protected ref as it was before the
//! push; never `--not --all`, which would let a commit parked on an unprotected branch into
//! `main` unjudged). An update is protected when its name or any name that leads to the same
//! ref through the server's symbolic refs is (`refs/heads/master -> refs/heads/main` is no side
//! door). Anything that cannot be decided rejects the push.

use super::{Detail, HookError, Outcome, is_zero, judge_selection, parse_oid, report};
use crate::config::server::protects;
use crate::engine::policy::Policy;
use crate::git::{ObjectId, Repo, Symrefs};
use crate::judge::Judge;
use std::io::Write;

/// One ref update as git reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// Old object id (all zeros: the ref is created).
    pub(crate) old: String,
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
    repo: &Repo,
    judge: &Judge<'_>,
    updates: &[RefUpdate],
    detail: Detail,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    let symrefs = Symrefs::read(repo)?;
    // Listed once for the whole push: per update, a push of many new protected refs into a
    // repository of many refs would cost their product.
    let tips = protected_tips(repo, judge.policy, &symrefs)?;
    let mut outcome = Outcome::Pass;
    for u in updates {
        if judge_update(repo, judge, &symrefs, &tips, u, detail, out)? == Outcome::Refuse {
            outcome = Outcome::Refuse;
        }
    }
    Ok(outcome)
}

/// `update REF OLD NEW`: judge one ref update.
pub fn update(
    repo: &Repo,
    judge: &Judge<'_>,
    u: &RefUpdate,
    detail: Detail,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    let symrefs = Symrefs::read(repo)?;
    let tips = protected_tips(repo, judge.policy, &symrefs)?;
    judge_update(repo, judge, &symrefs, &tips, u, detail, out)
}

/// Every protected ref's commit as the refs were before the push (refs are not updated yet
/// while the hook runs), with where an update of that ref lands.
fn protected_tips(
    repo: &Repo,
    policy: &Policy,
    symrefs: &Symrefs,
) -> Result<Vec<(String, ObjectId)>, HookError> {
    let protected = |name: &str| protects(policy, symrefs, name);
    Ok(crate::git::references(repo, &protected)?
        .into_iter()
        .map(|(name, commit)| (symrefs.landing(&name), commit))
        .collect())
}

/// The first update that `policy` protects on this server (symbolic refs followed), if any:
/// what a server with no trusted policy must reject.
pub fn first_protected<'u>(
    repo: &Repo,
    policy: &Policy,
    updates: &'u [RefUpdate],
) -> Result<Option<&'u RefUpdate>, HookError> {
    let symrefs = Symrefs::read(repo)?;
    Ok(updates.iter().find(|u| protects(policy, &symrefs, &u.name)))
}

/// The first update that deletes `branch` (under any of its names) or moves it to a commit
/// that does not descend from where it was (a rewind, a force-push), if any.
pub fn first_deleting_or_rewinding<'u>(
    repo: &Repo,
    branch: &str,
    updates: &'u [RefUpdate],
) -> Result<Option<&'u RefUpdate>, HookError> {
    let symrefs = Symrefs::read(repo)?;
    for u in updates {
        if symrefs.landing(&u.name) != branch || is_zero(&u.old) {
            continue;
        }
        if is_zero(&u.new) {
            return Ok(Some(u));
        }
        let (old, new) = (parse_oid(&u.old, &u.name)?, parse_oid(&u.new, &u.name)?);
        // What cannot be decided (an unreadable commit) counts as a rewind: fail closed.
        if old != new && !crate::git::descends_from(repo, new, old).unwrap_or(false) {
            return Ok(Some(u));
        }
    }
    Ok(None)
}

fn judge_update(
    repo: &Repo,
    judge: &Judge<'_>,
    symrefs: &Symrefs,
    tips: &[(String, ObjectId)],
    u: &RefUpdate,
    detail: Detail,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    if is_zero(&u.new) || !protects(judge.policy, symrefs, &u.name) {
        return Ok(Outcome::Pass);
    }
    let mut revs = vec![u.new.clone()];
    if is_zero(&u.old) {
        // A new protected ref: only what no other protected ref already holds.
        let created = symrefs.landing(&u.name);
        let mut hidden = std::collections::HashSet::new();
        for (landing, id) in tips {
            if *landing != created && hidden.insert(*id) {
                revs.push(format!("^{id}"));
            }
        }
    } else {
        revs.push(format!("^{}", u.old));
    }
    let records = judge_selection(repo, judge, revs)?;
    Ok(report(out, &u.name, &records, detail)?)
}
