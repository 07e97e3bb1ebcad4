//! `check`: one commit judged and explained, as a hook would judge it.

use super::args::{CheckArgs, CheckFormatArg};
use super::scan_cmd::parse_at;
use anyhow::Result;
use std::io::Write;
use trailgate::config::source;
use trailgate::engine::findings::Verdict;
use trailgate::git;
use trailgate::judge;
use trailgate::report;

pub(super) fn check(args: CheckArgs) -> Result<u8> {
    let repo = git::open_from_env()?;
    let policy = source::load_policy(Some(&repo), args.policy.policy.as_deref())?;
    let commit = git::resolve_commit_id(&repo, &args.commit)?;
    let judge = judge::Judge::new(&repo, &policy);
    let mut objects = git::Objects::new(git::packs(&repo));
    let at = parse_at(&args.at)?;
    let record = judge::judge_commit(&repo, &mut objects, &judge, commit, at)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        CheckFormatArg::Human => report::explain(&mut out, &record, &policy)?,
        CheckFormatArg::Json | CheckFormatArg::Jsonl => {
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
        }
    }
    Ok(if record.verdict == Verdict::Fail {
        1
    } else {
        0
    })
}
