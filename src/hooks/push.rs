//! `pre-push REMOTE URL`: judge what each pushed protected ref would add to the remote, for
//! every line git gives on stdin (several refs at once).

use super::{Detail, HookError, Outcome, is_zero, judge_selection, parse_oid, report};
use crate::git::{self, ObjectId, Repo};
use crate::judge::Judge;
use std::io::Write;

/// Run `pre-push`: `remote` is the remote's name (or the URL when pushing to a URL); `stdin`
/// holds git's lines `<local ref> <local oid> <remote ref> <remote oid>`.
pub fn pre_push(
    repo: &Repo,
    judge: &Judge<'_>,
    remote: &str,
    stdin: &str,
    out: &mut dyn Write,
) -> Result<Outcome, HookError> {
    // The remote's tracking refs: what it already has, as far as this clone knows.
    let known: Vec<String> = git::remote_tips(repo, remote)
        .iter()
        .map(ObjectId::to_string)
        .collect();
    let mut outcome = Outcome::Pass;
    for line in stdin.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_local_ref, local_oid, remote_ref, remote_oid] = fields[..] else {
            return Err(HookError::Input(format!(
                "unexpected pre-push input line `{line}`"
            )));
        };
        if is_zero(local_oid) || !judge.policy.is_protected(remote_ref) {
            continue;
        }
        parse_oid(local_oid, line)?;
        let mut revs = vec![local_oid.to_string()];
        revs.extend(known.iter().map(|k| format!("^{k}")));
        // The remote's current tip, when this clone has it (after a fetch it does; a shallow
        // or stale clone may not, and then only the tracking refs bound the range).
        if !is_zero(remote_oid) && git::find_commit(repo, parse_oid(remote_oid, line)?).is_ok() {
            revs.push(format!("^{remote_oid}"));
        }
        let records = judge_selection(repo, judge, revs)?;
        if report(out, remote_ref, &records, Detail { verbose: false })? == Outcome::Refuse {
            outcome = Outcome::Refuse;
        }
    }
    if outcome == Outcome::Refuse {
        writeln!(
            out,
            "trailgate: to push anyway, `git push --no-verify` skips this check; the server judges the push all the same"
        )?;
    }
    Ok(outcome)
}
