//! `trailgate hook NAME [ARGS]`: the entry point the hook shims call. Client hooks refuse a
//! commit or push that breaks the policy; server hooks reject anything they cannot judge.

use super::args::HookArgs;
use anyhow::{Context, Result, anyhow, bail};
use std::io::Read;
use trailgate::config::server::{self, ServerPolicy};
use trailgate::config::source::{self, LoadError};
use trailgate::git;
use trailgate::hooks::{self, Detail, Outcome, RefUpdate};
use trailgate::install::{ALL_HOOKS, Hook, Side};
use trailgate::judge::Judge;
use trailgate::report::{Escaped, escape_join};

/// The hooks that run on the server, where whatever cannot be judged is rejected.
fn is_server_hook(name: &str) -> bool {
    Hook::from_name(name).is_some_and(|hook| hook.side() == Side::Server)
}

/// Whether the hook has given its answer: the watchdog may only reject while it has not.
static ANSWERED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

pub(super) fn hook(args: HookArgs) -> Result<u8> {
    let server = is_server_hook(&args.name);
    let result = run(&args);
    // From here on the watchdog stays quiet; if it already fired it holds the lock until the
    // process exits with its rejection, so a late pass can never get out.
    if let Ok(mut answered) = ANSWERED.lock() {
        *answered = true;
    }
    match result {
        Ok(outcome) => Ok(outcome.code()),
        // The server is the authority: what it cannot judge, it rejects, and says why.
        Err(e) if server => {
            // Every line gets the prefix, so the pusher sees them together as `remote:` lines.
            let text = match e.downcast_ref::<LoadError>() {
                Some(load) => load.to_string(),
                None => format!("{e:#}"),
            };
            eprintln!("trailgate: rejecting the push: it cannot be judged:");
            for line in text.lines() {
                eprintln!("trailgate:   {}", Escaped(line));
            }
            Ok(2)
        }
        // A client hook that cannot judge stops the commit or push too, and says it is
        // trailgate speaking.
        Err(e) => {
            let text = format!("{e:#}");
            let lines: Vec<&str> = text.lines().collect();
            eprintln!("trailgate: error: {}", escape_join(&lines, "\n"));
            Ok(2)
        }
    }
}

/// Fail closed on time: after `seconds`, say so and end the process with exit code 1 (git
/// then rejects the push or refuses the commit), whatever the judging thread is doing.
fn start_watchdog(seconds: f64, server: bool) -> Result<()> {
    // A finite value can still be too large for a `Duration` (`1e308`).
    let limit = match std::time::Duration::try_from_secs_f64(seconds) {
        Ok(limit) if seconds > 0.0 => limit,
        _ => bail!("--timeout must be a positive number of seconds, got {seconds}"),
    };
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        let Ok(answered) = ANSWERED.lock() else {
            std::process::exit(1);
        };
        if *answered {
            return;
        }
        if server {
            eprintln!(
                "trailgate: rejecting the push: it could not be judged within {seconds} s (trailgate.hookTimeout)"
            );
            eprintln!(
                "trailgate:   push fewer commits at a time, or ask the administrators to raise the limit"
            );
        } else {
            eprintln!(
                "trailgate: refused: judging took longer than {seconds} s (trailgate.hookTimeout); \
                 `--no-verify` skips this check, and the server judges the push all the same"
            );
        }
        std::process::exit(1);
    });
    Ok(())
}

/// `--timeout`, else the repository's own `trailgate.hookTimeout` (never the user's global
/// config: on a server the repository's config is the administrators').
fn timeout(repo: &git::Repo, args: &HookArgs) -> Result<Option<f64>> {
    if let Some(t) = args.timeout {
        return Ok(Some(t));
    }
    match git::repo_config_string(repo, "trailgate.hookTimeout") {
        None => Ok(None),
        Some(v) => v.trim().parse::<f64>().map(Some).map_err(|_| {
            anyhow!("trailgate.hookTimeout is `{v}`: set it to a number of seconds, e.g. 4.5")
        }),
    }
}

fn run(args: &HookArgs) -> Result<Outcome> {
    let repo = git::open_from_env()?;
    if let Some(seconds) = timeout(&repo, args)? {
        start_watchdog(seconds, is_server_hook(&args.name))?;
    }
    // Not locked for the whole run: the watchdog must be able to print its refusal and exit
    // while the hook is still judging (each write takes the lock for itself).
    let mut stderr = std::io::stderr();
    let Some(hook) = Hook::from_name(&args.name) else {
        bail!(
            "unknown hook `{}`; trailgate runs: {}",
            args.name,
            ALL_HOOKS.join(", ")
        );
    };
    match hook {
        Hook::PrepareCommitMsg => {
            // A broken policy adds no trailers here; commit-msg refuses the commit with the
            // reason.
            let policy = source::load_policy(Some(&repo), args.policy.policy.as_deref()).ok();
            Ok(hooks::prepare_commit_msg(
                &repo,
                policy.as_ref(),
                &args.args,
            )?)
        }
        Hook::PostCommit => {
            // The commit is made: post-commit cannot refuse it, so trouble is only a warning.
            let done = source::load_policy(Some(&repo), args.policy.policy.as_deref())
                .map_err(anyhow::Error::from)
                .and_then(|policy| Ok(hooks::post_commit(&repo, &policy, &mut stderr)?));
            if let Err(e) = done {
                eprintln!("trailgate: warning: no session note written: {e:#}");
            }
            Ok(Outcome::Pass)
        }
        Hook::PreReceive | Hook::Update => server_hook(&repo, args, &mut stderr),
        Hook::CommitMsg => {
            let policy = source::load_policy(Some(&repo), args.policy.policy.as_deref())?;
            let judge = Judge::new(&repo, &policy);
            let file = args
                .args
                .first()
                .ok_or_else(|| anyhow!("commit-msg needs the message file"))?;
            Ok(hooks::commit_msg(
                &repo,
                &judge,
                file.as_ref(),
                &mut stderr,
            )?)
        }
        Hook::PrePush => {
            let policy = source::load_policy(Some(&repo), args.policy.policy.as_deref())?;
            let judge = Judge::new(&repo, &policy);
            match args.args.first() {
                Some(remote) => Ok(hooks::pre_push(
                    &repo,
                    &judge,
                    remote,
                    &read_stdin()?,
                    &mut stderr,
                )?),
                // The pre-commit framework keeps git's arguments and input, and hands the ref
                // being pushed over in its environment instead.
                None => {
                    let (remote, line) = pre_commit_push()
                        .ok_or_else(|| anyhow!("pre-push needs the remote name"))?;
                    Ok(hooks::pre_push(&repo, &judge, &remote, &line, &mut stderr)?)
                }
            }
        }
    }
}

/// `pre-receive` and `update`: judged by a policy the pusher cannot choose; with none, every
/// update of a ref protected without a policy is rejected, with how to set one.
fn server_hook(
    repo: &git::Repo,
    args: &HookArgs,
    stderr: &mut dyn std::io::Write,
) -> Result<Outcome> {
    let pre_receive = args.name == Hook::PreReceive.name();
    let updates = if pre_receive {
        RefUpdate::parse_lines(&read_stdin()?)?
    } else {
        let [name, old, new] = &args.args[..] else {
            bail!("update needs REF OLD NEW, got {:?}", args.args);
        };
        RefUpdate::parse_lines(&format!("{old} {new} {name}"))?
    };
    let policy = match server::load_server_policy(repo, args.policy.policy.as_deref())? {
        ServerPolicy::Trusted(policy) => policy,
        ServerPolicy::Untrusted { reason } => {
            let default = source::embedded_default()?;
            if let Some(u) = hooks::first_protected(repo, &default, &updates)? {
                bail!(
                    "{} is protected, and this repository has no policy trailgate can trust: {reason}\n  \
                     help: set one: `git config trailgate.policy refs/heads/main:.trailgate/policy.toml` \
                     (a branch the policy protects), or a policy file on the server",
                    u.name
                );
            }
            return Ok(Outcome::Pass);
        }
    };
    if let Some(branch) = server::policy_ref(repo, args.policy.policy.as_deref())?
        && let Some(u) = hooks::first_deleting_or_rewinding(repo, &branch, &updates)?
    {
        let what = if hooks::is_zero(&u.new) {
            "delete"
        } else {
            "rewind"
        };
        bail!(
            "refusing to {what} {}: the policy comes from {branch}, and this would bring back another policy (none, or an older one) without judging any commit\n  \
                 help: change the policy with new commits on top of {branch}; to {what} it, an administrator first points `trailgate.policy` elsewhere",
            u.name
        );
    }
    let judge = Judge::new(repo, &policy);
    let outcome = if pre_receive {
        hooks::pre_receive(repo, &judge, &updates, push_detail(), stderr)?
    } else {
        let update = updates
            .first()
            .ok_or_else(|| anyhow!("update needs REF OLD NEW"))?;
        hooks::update(repo, &judge, update, push_detail(), stderr)?
    };
    Ok(outcome)
}

/// The remote and git's `LOCAL_REF LOCAL_OID REMOTE_REF REMOTE_OID` line, from the variables
/// the pre-commit framework sets for its pre-push stage.
fn pre_commit_push() -> Option<(String, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let remote = var("PRE_COMMIT_REMOTE_NAME")?;
    let to = var("PRE_COMMIT_TO_REF")?;
    let from = var("PRE_COMMIT_FROM_REF").unwrap_or_else(|| "0".repeat(40));
    let remote_ref = var("PRE_COMMIT_REMOTE_BRANCH")?;
    let local_ref = var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".into());
    Some((remote, format!("{local_ref} {to} {remote_ref} {from}")))
}

fn read_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the hook's standard input")?;
    Ok(s)
}

/// `git push -o trailgate.verbose` asks for evidence and every path.
fn push_detail() -> Detail {
    let count: usize = std::env::var("GIT_PUSH_OPTION_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let verbose = (0..count).any(|i| {
        std::env::var(format!("GIT_PUSH_OPTION_{i}")).is_ok_and(|v| v == "trailgate.verbose")
    });
    Detail { verbose }
}
