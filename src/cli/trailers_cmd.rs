//! `trailgate trailers`: the trailers git finds in a message, after the cleanup git would do.

use super::args::TrailersArgs;
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use trailgate::engine::trailers;
use trailgate::git;
use trailgate::report::Escaped;

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
