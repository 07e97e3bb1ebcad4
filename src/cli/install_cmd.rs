//! `install` and `uninstall`: find the repository's hooks directory and print what
//! [`trailgate::install`] did there.

use super::args::{InstallArgs, UninstallArgs};
use anyhow::{Context, Result};
use std::io::Write;
use trailgate::config::server::ServerPolicy;
use trailgate::git;
use trailgate::install::{self, Action, ActionKind};

pub(super) fn install(args: InstallArgs) -> Result<u8> {
    let repo = git::open_from_env()?;
    let dir = git::hooks_dir(&repo);
    let names: Vec<&str> = if !args.hooks.is_empty() {
        args.hooks.iter().map(|s| s.trim()).collect()
    } else if args.server || repo.is_bare() {
        install::SERVER_HOOKS.to_vec()
    } else {
        install::CLIENT_HOOKS.to_vec()
    };
    // The hooks run the binary that installed them (or the one named), so a stale
    // `trailgate` elsewhere on PATH cannot stand in for it.
    let binary = match args.binary {
        Some(b) => {
            let b = std::path::absolute(&b).with_context(|| format!("--binary {}", b.display()))?;
            if !b.is_file() {
                anyhow::bail!("--binary {}: no such file", b.display());
            }
            Some(b)
        }
        None => std::env::current_exe().ok(),
    };
    if args.server || repo.is_bare() {
        refuse_server_dispatchers(&dir, &names)?;
    }
    let actions = install::install(&dir, &names, args.force, binary.as_deref())?;
    print(&actions, false)?;
    warn_self_named(&actions);
    if args.server || repo.is_bare() {
        server_policy_hint(&repo);
    }
    Ok(0)
}

/// Say which policy the server hooks will judge with, and how to name one in the form they
/// accept (a full ref name or commit id), so a setting they would reject shows up now.
fn server_policy_hint(repo: &git::Repo) {
    let set = "`git config trailgate.policy refs/heads/main:.trailgate/policy.toml` \
               (a full ref name or commit id), or a policy file on the server";
    match trailgate::config::server::load_server_policy(repo, None) {
        Ok(ServerPolicy::Trusted(p)) if !p.embedded => {
            println!("server policy: {}", p.source);
            println!("hint: to choose another, set {set}");
        }
        Ok(ServerPolicy::Trusted(_)) => {
            println!("hint: no policy yet, so the hooks approve every assistant; set {set}")
        }
        Ok(ServerPolicy::Untrusted { reason }) => println!(
            "hint: no trusted policy ({reason}), so every push to refs/heads/main or \
             refs/heads/master is rejected; set {set}"
        ),
        Err(e) => {
            eprintln!(
                "warning: the server hooks cannot load their policy and will reject every push:\n{e}"
            );
            println!("hint: set {set}");
        }
    }
}

pub(super) fn uninstall(args: UninstallArgs) -> Result<u8> {
    let repo = git::open_from_env()?;
    let dir = git::hooks_dir(&repo);
    let explicit = !args.hooks.is_empty();
    let names: Vec<&str> = if explicit {
        args.hooks.iter().map(|s| s.trim()).collect()
    } else {
        install::ALL_HOOKS.to_vec()
    };
    let actions = install::uninstall(&dir, &names)?;
    // Without a list every known hook is looked at: leave out the ones that are not there.
    print(&actions, !explicit)?;
    if !explicit && actions.iter().all(|a| !changed(a)) {
        println!("no trailgate hooks in {}", dir.display());
    }
    Ok(0)
}

/// Does this hook find its own files by its name (`$0`)?
fn uses_own_name(text: &[u8]) -> bool {
    text.windows(2).any(|w| w == b"$0") || text.windows(3).any(|w| w == b"${0")
}

/// On a server, a hook that finds its files by its own name is the server's dispatcher
/// (gitolite's multi-hook-driver, Gitea's `pre-receive`): kept as `NAME.local` it would look
/// for `NAME.local.*`, find nothing and pass, and the server's own checks would stop without a
/// word. Refused; the dispatcher should run trailgate instead.
fn refuse_server_dispatchers(dir: &std::path::Path, names: &[&str]) -> Result<()> {
    for name in names {
        let path = dir.join(name);
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        if !install::is_trailgate_hook(&text) && uses_own_name(&text) {
            anyhow::bail!(
                "{} finds the hooks it runs by its own file name ($0), as a server's dispatcher does (gitolite's multi-hook-driver, Gitea's pre-receive); kept as {name}.local it would run none of them and the server's own checks would stop. Nothing was installed: have the dispatcher run `trailgate hook {name} \"$@\"` instead (docs/server.md: gitolite's repository-specific hooks, Gitea's pre-receive.d)",
                path.display()
            );
        }
    }
    Ok(())
}

/// A kept hook that finds its own files by its name (`$0`), such as hook managers' and
/// forges' dispatchers, may look in the wrong place once it runs as `NAME.local`.
fn warn_self_named(actions: &[Action]) {
    for a in actions
        .iter()
        .filter(|a| a.kind == ActionKind::KeptExistingAsLocal)
    {
        let mut local = a.path.clone().into_os_string();
        local.push(".local");
        let Ok(text) = std::fs::read(&local) else {
            continue;
        };
        if uses_own_name(&text) {
            eprintln!(
                "warning: {} uses its own file name ($0); kept as {} it may look for the wrong files. \
                 If it is a hook manager's or forge's dispatcher, run `trailgate uninstall` and call \
                 `trailgate hook {} \"$@\"` from its configuration instead (docs/hooks.md)",
                a.path.display(),
                std::path::Path::new(&local).display(),
                a.hook
            );
        }
    }
}

fn changed(action: &Action) -> bool {
    matches!(action.kind, ActionKind::Removed | ActionKind::Restored)
}

fn print(actions: &[Action], only_present: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let shown = actions
        .iter()
        .filter(|a| !only_present || a.kind != ActionKind::NotInstalled);
    for action in shown {
        writeln!(out, "{action}").context("cannot write to standard output")?;
    }
    Ok(())
}
