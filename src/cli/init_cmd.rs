//! `trailgate init`: a starter policy and registry in `.trailgate/`, checked as every command
//! will load them.

use super::args::InitArgs;
use anyhow::{Context, Result, bail};
use std::io::Write;
use trailgate::config::policy::{STARTER_POLICY, STARTER_REGISTRY};
use trailgate::config::source;
use trailgate::git;

pub(super) fn init(args: InitArgs) -> Result<u8> {
    let root = match git::open_from_env() {
        Ok(repo) => match repo.workdir() {
            Some(w) => w.to_path_buf(),
            None => bail!("this is a bare repository; write the policy in a clone and commit it"),
        },
        Err(_) => std::env::current_dir().context("cannot read the current directory")?,
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
    source::load_spec(
        git::open_from_env().ok().as_ref(),
        &source::Spec::File(dir.join("policy.toml")),
    )?;
    writeln!(
        std::io::stdout(),
        "Edit [production] paths, then check with `trailgate policy check` and commit .trailgate/."
    )?;
    Ok(0)
}
