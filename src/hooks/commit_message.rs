//! How the running `git commit` will clean its message: the cleanup mode in force, the
//! comment string and the scissors cut, decided from what git tells its hooks (`GIT_EDITOR=:`
//! when no editor runs, the command-line settings in the environment), the command line of the
//! `git commit` process where git tells nothing (`--cleanup`, `--verbose`), and configuration
//! read as git reads it.

use super::HookError;
use super::commit_argv::CommitArgs;
use crate::engine::trailers::{self, CleanupMode};
use crate::git::{self, Repo};

/// The comment string in force before a message is known: fixed, or `auto` (chosen per
/// message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentSetting {
    /// `core.commentChar` / `core.commentString`, or `#`.
    Fixed(Vec<u8>),
    /// `core.commentChar=auto`.
    Auto,
}

/// `core.commentString` / `core.commentChar` (one variable in git: the last one read wins),
/// command-line settings included. Values git refuses are errors here too.
pub fn comment_setting(repo: &Repo) -> Result<CommentSetting, HookError> {
    let value = git::effective_value(repo, &["core.commentChar", "core.commentString"])?;
    match value {
        None => Ok(CommentSetting::Fixed(b"#".to_vec())),
        Some(None) => Err(HookError::Input(
            "core.commentChar is set without a value; give it a character, or `auto`".into(),
        )),
        Some(Some(v)) if v.eq_ignore_ascii_case("auto") => Ok(CommentSetting::Auto),
        Some(Some(v)) if v.is_empty() || v.contains('\n') => Err(HookError::Input(format!(
            "core.commentChar is {v:?}: it must be at least one character and no newline"
        ))),
        Some(Some(v)) => Ok(CommentSetting::Fixed(v.into_bytes())),
    }
}

/// Whether `git commit` runs an editor for this commit. git sets `GIT_EDITOR=:` for its hooks
/// exactly when it does not; as a user may have set that value too, the command line decides
/// then when it can be read.
pub(crate) fn editor_used(argv: Option<&CommitArgs>) -> bool {
    let no_editor_signal = std::env::var_os("GIT_EDITOR").is_some_and(|v| v == ":");
    if !no_editor_signal {
        return true;
    }
    argv.is_some_and(|a| a.use_editor)
}

/// The cleanup mode `git commit` applies: `--cleanup`, else `commit.cleanup`, resolved as
/// git's `get_cleanup_mode` does (`default` is `strip` with an editor and `whitespace`
/// without; so is `scissors` without an editor).
pub(crate) fn cleanup_mode(
    repo: &Repo,
    argv: Option<&CommitArgs>,
    editor: bool,
) -> Result<CleanupMode, HookError> {
    let configured = match argv.and_then(|a| a.cleanup.clone()) {
        Some(given) => Some(given),
        None => git::effective_value(repo, &["commit.cleanup"])?.flatten(),
    };
    Ok(match configured.as_deref() {
        None | Some("default") if editor => CleanupMode::Strip,
        None | Some("default") => CleanupMode::Whitespace,
        Some("verbatim") => CleanupMode::Verbatim,
        Some("whitespace") => CleanupMode::Whitespace,
        Some("strip") => CleanupMode::Strip,
        Some("scissors") if editor => CleanupMode::Scissors,
        Some("scissors") => CleanupMode::Whitespace,
        Some(other) => {
            return Err(HookError::Input(format!(
                "invalid cleanup mode `{other}` (from --cleanup or commit.cleanup): use \
                 default, verbatim, whitespace, strip or scissors"
            )));
        }
    })
}

/// `-v`/`--verbose` on the command line, else `commit.verbose` (a boolean or a count): git
/// then cuts the message at the scissors line whatever the cleanup mode.
pub(crate) fn verbose(repo: &Repo, argv: Option<&CommitArgs>) -> Result<bool, HookError> {
    if let Some(n) = argv.and_then(|a| a.verbose) {
        return Ok(n > 0);
    }
    Ok(match git::effective_value(repo, &["commit.verbose"])? {
        None => false,
        Some(None) => true,
        Some(Some(v)) => match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => true,
            "false" | "no" | "off" | "" => false,
            n => n.parse::<i64>().map(|n| n != 0).map_err(|_| {
                HookError::Input(format!(
                    "commit.verbose is `{v}`: use a boolean or a number"
                ))
            })?,
        },
    })
}

/// Whether git wrote its status lines below the message for the editor: with an editor,
/// unless `--no-status` or `commit.status=false` says otherwise.
pub(crate) fn status_below(
    repo: &Repo,
    argv: Option<&CommitArgs>,
    editor: bool,
) -> Result<bool, HookError> {
    if !editor {
        return Ok(false);
    }
    if let Some(shown) = argv.and_then(|a| a.status) {
        return Ok(shown);
    }
    Ok(match git::effective_value(repo, &["commit.status"])? {
        None | Some(None) => true,
        Some(Some(v)) => match v.to_ascii_lowercase().as_str() {
            "false" | "no" | "off" | "0" | "" => false,
            "true" | "yes" | "on" => true,
            n => n
                .parse::<i64>()
                .map(|n| n != 0)
                .map_err(|_| HookError::Input(format!("commit.status is `{v}`: use a boolean")))?,
        },
    })
}

/// The comment string for `message` when the setting is `auto`: the character git picked
/// from the message it wrote (`status_below`: with its status lines below it).
pub fn resolve_comment(
    setting: &CommentSetting,
    message: &[u8],
    status_below: bool,
) -> Result<Vec<u8>, HookError> {
    match setting {
        CommentSetting::Fixed(c) => Ok(c.clone()),
        CommentSetting::Auto => {
            let picked = if status_below {
                trailers::auto_comment_char_below_status(message)
            } else {
                trailers::auto_comment_char(message)
            };
            picked.map(|c| vec![c]).ok_or_else(|| {
                HookError::Input(
                    "core.commentChar=auto finds no free comment character in this message".into(),
                )
            })
        }
    }
}
