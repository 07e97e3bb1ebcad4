//! Where a server hook's policy comes from (docs/policy.md, "Policies on a server"): `--policy` or
//! the repository's own `trailgate.policy`, with any revision named in full, else `HEAD`'s tree
//! when `HEAD` names a protected branch. Otherwise the server has no policy it can trust, and
//! pushes to protected refs are rejected. Also what "protected" means on a server: through symbolic
//! refs.

use super::source::{
    DEFAULT_POLICY_PATH, LoadError, Source, Spec, embedded_default, head_commit, load_if_present,
    load_named, one,
};
use crate::config::diag::Diagnostic;
use crate::engine::policy::Policy;
use crate::git::{self, Naming, Repo, Symrefs};

/// A server hook's policy.
#[derive(Debug)]
pub enum ServerPolicy {
    /// One the pusher cannot choose.
    Trusted(Box<Policy>),
    /// None: every push to a ref the embedded default protects is rejected, with this reason.
    Untrusted {
        /// Why the implicit policy cannot be trusted.
        reason: String,
    },
}

/// Whether `policy` protects an update of `name` on this server: its name, or any name that
/// leads to the same ref through symbolic refs (`refs/heads/master -> refs/heads/main`), is
/// protected.
pub(crate) fn protects(policy: &Policy, symrefs: &Symrefs, name: &str) -> bool {
    symrefs.aliases(name).iter().any(|n| policy.is_protected(n))
}

/// Load the policy a server hook judges with.
pub fn load_server_policy(repo: &Repo, cli: Option<&str>) -> Result<ServerPolicy, LoadError> {
    if let Some(s) = cli {
        return load_named(Some(repo), &Spec::parse(s), None, Naming::Exact)
            .map(|p| ServerPolicy::Trusted(Box::new(p)));
    }
    if let Some(s) = git::repo_config_string(repo, "trailgate.policy") {
        let spec = Spec::parse_in(&s, repo.workdir().unwrap_or(repo.path()));
        return load_named(Some(repo), &spec, Some(s), Naming::Exact)
            .map(|p| ServerPolicy::Trusted(Box::new(p)));
    }
    implicit(repo)
}

/// The ref a server hook's policy is read from, as it lands through symbolic refs: `HEAD`'s
/// branch for the implicit policy, or the ref named in full by `--policy` / `trailgate.policy`
/// (`refs/heads/main:.trailgate/policy.toml`). `None` for a file or an object id. A push may
/// neither delete nor rewind it: either would bring back another policy (none, or an older
/// one) without judging a single commit.
pub fn policy_ref(repo: &Repo, cli: Option<&str>) -> Result<Option<String>, git::GitError> {
    let configured = match cli {
        Some(s) => Some(s.to_string()),
        None => git::repo_config_string(repo, "trailgate.policy"),
    };
    let symrefs = Symrefs::read(repo)?;
    let named = match configured {
        None => "HEAD".to_string(),
        Some(s) => match Spec::parse(&s) {
            Spec::Rev { rev, .. } if rev.starts_with("refs/") => rev,
            _ => return Ok(None),
        },
    };
    let landing = symrefs.landing(&named);
    Ok((landing != "HEAD").then_some(landing))
}

/// `HEAD:.trailgate/policy.toml`, trusted only when `HEAD` names a branch that is protected
/// before any policy is read (by the embedded default: `refs/heads/main`, `refs/heads/master`)
/// and by the policy found there; else a pusher could write the policy that judges them.
fn implicit(repo: &Repo) -> Result<ServerPolicy, LoadError> {
    // In a namespace, `HEAD` and its branch are namespaced refs that libgit2 cannot be relied
    // on to resolve (packed refs, full-name targets): an unresolved branch would read as
    // unborn, and the embedded default would judge the push.
    if let Some(ns) = repo.namespace().filter(|ns| !ns.is_empty()) {
        return Ok(ServerPolicy::Untrusted {
            reason: format!(
                "the repository is served in the namespace `{ns}`, where the policy is never taken from HEAD"
            ),
        });
    }
    let symrefs = Symrefs::read(repo).map_err(|e| {
        one(Diagnostic::file(
            "HEAD",
            format!("cannot read the repository's refs: {e}"),
        ))
    })?;
    let branch = symrefs.landing("HEAD");
    let default = embedded_default()?;
    if branch == "HEAD" {
        return Ok(ServerPolicy::Untrusted {
            reason: "HEAD is detached, so it names no protected branch".into(),
        });
    }
    if !protects(&default, &symrefs, &branch) {
        return Ok(ServerPolicy::Untrusted {
            reason: format!(
                "HEAD names {branch}, which is not a protected branch (without a policy, refs/heads/main and refs/heads/master are)"
            ),
        });
    }
    // An unborn branch, or no policy file on it: the embedded default.
    let Some(id) = head_commit(repo)? else {
        return Ok(ServerPolicy::Trusted(Box::new(default)));
    };
    let source = Source::Commit {
        rev: "HEAD".into(),
        id,
        path: DEFAULT_POLICY_PATH.into(),
    };
    let Some(policy) = load_if_present(repo, &source)? else {
        return Ok(ServerPolicy::Trusted(Box::new(default)));
    };
    if !protects(&policy, &symrefs, &branch) {
        return Ok(ServerPolicy::Untrusted {
            reason: format!(
                "HEAD:{DEFAULT_POLICY_PATH} does not protect {branch}, so a push there could change it unjudged"
            ),
        });
    }
    Ok(ServerPolicy::Trusted(Box::new(policy)))
}
