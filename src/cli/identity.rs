//! What a report says it judged (SPEC §11): the repository, the revisions as given, when,
//! under which evaluation time and by which version.

use super::args::ScanArgs;
use anyhow::{Result, bail};
use trailgate::engine::record::ScanIdentity;
use trailgate::git::{self, Repo};
use trailgate::judge::At;
use trailgate::report::forge;

/// The identity of a scan of `repo` with `args`, judged at `at`.
pub(super) fn of_scan(repo: &Repo, args: &ScanArgs, at: &At) -> Result<ScanIdentity> {
    let mut revisions = args.revs.clone();
    if args.all {
        revisions.push("--all".into());
    }
    if revisions.is_empty() {
        revisions.push("HEAD".into());
    }
    revisions.extend(args.since.iter().map(|d| format!("--since={d}")));
    revisions.extend(args.until.iter().map(|d| format!("--until={d}")));
    Ok(ScanIdentity {
        repository: repository_name(repo),
        revisions,
        generated_at: generated_at()?,
        at: match at {
            At::Commit => "commit".into(),
            At::Fixed(t) => t.to_string(),
        },
        trailgate_version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// The `origin` remote's URL without credentials, else the repository's own path.
fn repository_name(repo: &Repo) -> String {
    match git::config_string(repo, "remote.origin.url") {
        Some(url) if !url.trim().is_empty() => forge::without_credentials(url.trim()),
        _ => {
            let path = repo.workdir().unwrap_or_else(|| repo.path());
            let shown = path.display().to_string();
            match shown.trim_end_matches('/') {
                "" => shown,
                trimmed => trimmed.to_string(),
            }
        }
    }
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds since 1970) when set, so that two runs over the same
/// history can give the same bytes (the reproducible-builds convention).
pub(super) fn generated_at() -> Result<String> {
    let Some(epoch) = std::env::var_os("SOURCE_DATE_EPOCH") else {
        // Whole seconds, cut (not rounded) so the time is never later than now.
        let now = jiff::Timestamp::now().as_second();
        return Ok(jiff::Timestamp::from_second(now)?.to_string());
    };
    let text = epoch.to_string_lossy();
    match text
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
    {
        Some(t) => Ok(t.to_string()),
        None => bail!(
            "SOURCE_DATE_EPOCH is `{text}`: set it to whole seconds since 1970-01-01 UTC, or unset it"
        ),
    }
}
