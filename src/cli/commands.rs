//! `trailers` and `init`.

use super::{InitArgs, TrailersArgs};
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use trailgate::git;
use trailgate::policy::{STARTER_POLICY, STARTER_REGISTRY};
use trailgate::report::Escaped;
use trailgate::{source, trailers};

pub fn trailers(args: TrailersArgs) -> Result<u8> {
    let mut message = Vec::new();
    match &args.file {
        Some(path) => {
            message =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut message)
                .context("cannot read standard input")?;
        }
    }
    if args.cleanup {
        let comment = match &args.comment_char {
            Some(c) => c.clone(),
            None => comment_string(),
        };
        if comment.is_empty() {
            bail!("--comment-char: the comment string must not be empty");
        }
        message = trailers::cleanup(&message, comment.as_bytes());
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for t in trailers::parse(&message).trailers {
        // The message may come from anyone: no raw control characters on the terminal.
        writeln!(out, "{}", Escaped(&t.to_string()))?;
    }
    Ok(0)
}

/// git's comment string for cleaning hook messages: `core.commentString`, then
/// `core.commentChar`, else `#`. `auto` falls back to `#`.
pub(super) fn comment_string() -> String {
    let Ok(repo) = git::open_from_env() else {
        return "#".into();
    };
    for key in ["core.commentString", "core.commentChar"] {
        if let Some(v) = git::config_string(&repo, key) {
            if v == "auto" || v.is_empty() {
                return "#".into();
            }
            return v;
        }
    }
    "#".into()
}

pub fn init(args: InitArgs) -> Result<u8> {
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
