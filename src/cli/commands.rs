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
            None => comment_string(&message)?,
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

/// git's comment string for cleaning `message`: `core.commentString` / `core.commentChar`
/// (command-line settings included), `auto` picking the character git would pick for this
/// message, else `#`.
fn comment_string(message: &[u8]) -> Result<String> {
    let Ok(repo) = git::open_from_env() else {
        return Ok("#".into());
    };
    match git::effective_value(&repo, &["core.commentChar", "core.commentString"])? {
        None => Ok("#".into()),
        Some(Some(v)) if v.eq_ignore_ascii_case("auto") => {
            let c = trailers::auto_comment_char(message).ok_or_else(|| {
                anyhow::anyhow!("core.commentChar=auto finds no free comment character here")
            })?;
            Ok(char::from(c).to_string())
        }
        Some(Some(v)) if !v.is_empty() => Ok(v),
        _ => bail!("core.commentChar must be at least one character, or `auto`"),
    }
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
