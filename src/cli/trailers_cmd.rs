//! `trailgate trailers`: the trailers git finds in a message, after the cleanup git would do.

use super::args::TrailersArgs;
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use trailgate::engine::trailers;
use trailgate::report::Escaped;
use trailgate::{git, hooks};

pub(super) fn trailers(args: TrailersArgs) -> Result<u8> {
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
/// message, else `#`; read as the commit hooks read it.
fn comment_string(message: &[u8]) -> Result<String> {
    let Ok(repo) = git::open_from_env() else {
        return Ok("#".into());
    };
    let setting = hooks::comment_setting(&repo)?;
    let comment = hooks::resolve_comment(&setting, message, false)?;
    Ok(String::from_utf8_lossy(&comment).into_owned())
}
