//! `trailgate init`: a starter policy and registry in `.trailgate/`, checked as every command
//! will load them.

use super::args::InitArgs;
use anyhow::{Context, Result, bail};
use colored::Colorize;
use std::io::Write;
use trailgate::config::policy::{STARTER_POLICY, STARTER_REGISTRY};
use trailgate::config::source;
use trailgate::git;
use trailgate::report::counted;

pub(super) fn init(args: InitArgs) -> Result<u8> {
    let repo = git::open_from_env().ok();
    let root = match &repo {
        Some(repo) => match repo.workdir() {
            Some(w) => w.to_path_buf(),
            None => bail!("this is a bare repository; write the policy in a clone and commit it"),
        },
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let dir = root.join(".trailgate");
    let files = [
        ("policy.toml", STARTER_POLICY),
        ("exceptions.toml", STARTER_REGISTRY),
    ];
    if !args.force {
        for (name, _) in files {
            let path = dir.join(name);
            if path.exists() {
                bail!("{} exists; use --force to overwrite it", path.display());
            }
        }
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(std::io::stdout(), "wrote {}", path.display())?;
    }
    // What we wrote must load: check it the way every command will.
    let policy = source::load_spec(repo.as_ref(), &source::Spec::File(dir.join("policy.toml")))?;
    // An all-green first scan must not hide patterns that match nothing here.
    let head = repo.as_ref().and_then(|r| {
        let id = git::resolve_commit_id(r, "HEAD").ok()?;
        git::tree_paths(r, id).ok()
    });
    match head {
        Some(paths) => {
            // Files and submodules alike: both are paths a policy can make production.
            let matched = policy.production_count(&paths);
            writeln!(
                std::io::stdout(),
                "The starter [production] patterns make {matched} of the {} in HEAD production.",
                counted(paths.len() as u64, "path", "paths")
            )?;
            if matched == 0 {
                writeln!(
                    std::io::stdout(),
                    "{}: no production path: the first scan will pass everything; set [production] paths to where this repository keeps its production code",
                    "warning".yellow().bold()
                )?;
            }
        }
        None => writeln!(
            std::io::stdout(),
            "No commit yet: once there is one, `trailgate policy check` tells which patterns match nothing."
        )?,
    }
    writeln!(
        std::io::stdout(),
        "Edit [production] paths, then check with `trailgate policy check` and commit .trailgate/."
    )?;
    Ok(0)
}
