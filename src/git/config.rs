//! Configuration read as git reads it: the files libgit2 knows, overlaid with the settings
//! given on git's command line (`git -c`, `--config-env`, `GIT_CONFIG_COUNT`), which git
//! hands to hooks in its environment and libgit2 ignores.

use super::{GitError, Repo};
use git2::ConfigLevel;

/// One setting: its name as git canonicalises it and its value (`None` for a bare `key`, git's
/// implicit `true`).
pub(crate) type Setting = (String, Option<String>);

/// The command-line settings in the order git applies them: `GIT_CONFIG_COUNT` /
/// `GIT_CONFIG_KEY_n` / `GIT_CONFIG_VALUE_n` first, then `GIT_CONFIG_PARAMETERS` (as
/// `git_config_from_parameters` does). A malformed variable is an error, as it is to git.
pub fn command_line_settings() -> Result<Vec<Setting>, GitError> {
    let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    let mut settings = Vec::new();
    if let Some(count) = var("GIT_CONFIG_COUNT") {
        let count: u32 = count.parse().map_err(|_| {
            GitError::Corrupt(format!("GIT_CONFIG_COUNT is `{count}`, not a number"))
        })?;
        for i in 0..count {
            let key = var(&format!("GIT_CONFIG_KEY_{i}"))
                .ok_or_else(|| GitError::Corrupt(format!("GIT_CONFIG_KEY_{i} is missing")))?;
            let value = var(&format!("GIT_CONFIG_VALUE_{i}"))
                .ok_or_else(|| GitError::Corrupt(format!("GIT_CONFIG_VALUE_{i} is missing")))?;
            settings.push((canonical_key(&key).map_err(GitError::Corrupt)?, Some(value)));
        }
    }
    if let Some(text) = var("GIT_CONFIG_PARAMETERS") {
        settings.extend(parse_parameters(&text).map_err(GitError::Corrupt)?);
    }
    Ok(settings)
}

/// The value git would use for a variable that any of `names` sets (git lets
/// `core.commentChar` and `core.commentString` set one variable; the last one read wins):
/// command-line settings first, then the files from the most specific level down.
/// `Some(None)` is a bare `key` with no `=`.
pub fn effective_value(repo: &Repo, names: &[&str]) -> Result<Option<Option<String>>, GitError> {
    let wanted: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let command_line = command_line_settings()?;
    if let Some((_, value)) = command_line.iter().rev().find(|(k, _)| wanted.contains(k)) {
        return Ok(Some(value.clone()));
    }
    let Ok(config) = repo.raw.config() else {
        return Ok(None);
    };
    let levels = [
        ConfigLevel::App,
        ConfigLevel::Worktree,
        ConfigLevel::Local,
        ConfigLevel::Global,
        ConfigLevel::XDG,
        ConfigLevel::System,
        ConfigLevel::ProgramData,
    ];
    for level in levels {
        let Ok(file) = config.open_level(level) else {
            continue;
        };
        let Ok(mut entries) = file.entries(None) else {
            continue;
        };
        let mut last = None;
        while let Some(Ok(entry)) = entries.next() {
            let name = entry.name().map(str::to_ascii_lowercase);
            if name.is_some_and(|n| wanted.contains(&n)) {
                last = Some(entry.value().map(str::to_owned));
            }
        }
        if last.is_some() {
            return Ok(last);
        }
    }
    Ok(None)
}

/// `GIT_CONFIG_PARAMETERS` as git's `parse_config_env_list` reads it: single-quoted items
/// separated by whitespace, each either old-style `'key=value'` (split at the first `=`) or
/// new-style `'key'='value'` (`'key'=` alone is a bare key).
pub fn parse_parameters(text: &str) -> Result<Vec<Setting>, String> {
    let bogus = || format!("GIT_CONFIG_PARAMETERS is malformed: {text:?}");
    let mut settings = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (item, after) = sq_dequote_step(rest).ok_or_else(bogus)?;
        match after {
            None => {
                settings.push(old_style(&item)?);
                rest = "";
            }
            Some(after) if after.starts_with(is_space) => {
                settings.push(old_style(&item)?);
                rest = after;
            }
            Some(after) if after.starts_with('=') => {
                let value_part = &after[1..];
                let key = canonical_key(&item)?;
                if value_part.starts_with('\'') {
                    let (value, after) = sq_dequote_step(value_part).ok_or_else(bogus)?;
                    if after.is_some_and(|a| !a.starts_with(is_space)) {
                        return Err(bogus());
                    }
                    settings.push((key, Some(value)));
                    rest = after.unwrap_or("");
                } else if value_part.is_empty() || value_part.starts_with(is_space) {
                    settings.push((key, None));
                    rest = value_part;
                } else {
                    return Err(bogus());
                }
            }
            Some(_) => return Err(bogus()),
        }
        rest = rest.trim_start_matches(is_space);
    }
    Ok(settings)
}

/// git's `isspace`.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// `key=value` (or a bare `key`) from git's old single-item form.
fn old_style(item: &str) -> Result<Setting, String> {
    match item.split_once('=') {
        Some((key, value)) => Ok((canonical_key(key)?, Some(value.to_owned()))),
        None => Ok((canonical_key(item)?, None)),
    }
}

/// git's `sq_dequote_step`: one single-quoted word at the start of `s` (with `'\''` and
/// `'\!'` escapes), and what follows it (`None` at the end of the text).
fn sq_dequote_step(s: &str) -> Option<(String, Option<&str>)> {
    let body = s.strip_prefix('\'')?;
    let mut out = String::new();
    let mut pos = 0;
    loop {
        let c = body[pos..].chars().next()?;
        pos += c.len_utf8();
        if c != '\'' {
            out.push(c);
            continue;
        }
        let rest = &body[pos..];
        match rest.as_bytes() {
            [] => return Some((out, None)),
            [b'\\', e @ (b'\'' | b'!'), b'\'', ..] => {
                out.push(char::from(*e));
                pos += 3;
            }
            _ => return Some((out, Some(rest))),
        }
    }
}

/// git's canonical form of a key: section and name lowercased, a subsection kept as written.
/// An empty key, or one without a section, is refused as git refuses it.
fn canonical_key(key: &str) -> Result<String, String> {
    let (Some(first_dot), Some(last_dot)) = (key.find('.'), key.rfind('.')) else {
        return Err(format!("config key `{key}` has no section"));
    };
    if first_dot == 0 || last_dot + 1 == key.len() {
        return Err(format!("config key `{key}` is not section.name"));
    }
    let section = key[..first_dot].to_ascii_lowercase();
    let name = key[last_dot + 1..].to_ascii_lowercase();
    if first_dot == last_dot {
        Ok(format!("{section}.{name}"))
    } else {
        Ok(format!("{section}{}{name}", &key[first_dot..=last_dot]))
    }
}

/// A string value from git config (repository, then global), if set.
pub fn config_string(repo: &Repo, key: &str) -> Option<String> {
    repo.raw.config().ok()?.get_string(key).ok()
}

/// A string value from the repository's own config file only (`.git/config`, or `config` in a
/// bare repository): what decides the policy must not follow `HOME` or other environment.
pub fn repo_config_string(repo: &Repo, key: &str) -> Option<String> {
    let config = repo.raw.config().ok()?;
    config
        .open_level(git2::ConfigLevel::Local)
        .ok()?
        .get_string(key)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::parse_parameters;

    fn setting(k: &str, v: Option<&str>) -> super::Setting {
        (k.to_owned(), v.map(str::to_owned))
    }

    #[test]
    fn both_quoting_forms_as_git_writes_and_reads_them() {
        let rows: &[(&str, Vec<super::Setting>)] = &[
            (
                "'core.commentChar=;'",
                vec![setting("core.commentchar", Some(";"))],
            ),
            (
                "'core.commentChar'=';'",
                vec![setting("core.commentchar", Some(";"))],
            ),
            (
                "'Core.CommentChar'=';' 'commit.cleanup'='verbatim'",
                vec![
                    setting("core.commentchar", Some(";")),
                    setting("commit.cleanup", Some("verbatim")),
                ],
            ),
            ("'a.b'=", vec![setting("a.b", None)]),
            ("'a.b'", vec![setting("a.b", None)]),
            ("'a.b=x=y'", vec![setting("a.b", Some("x=y"))]),
            ("'a.b'='it'\\''s'", vec![setting("a.b", Some("it's"))]),
            ("'a.b'='wow'\\!''", vec![setting("a.b", Some("wow!"))]),
            ("'x.Sub.Key'='1'", vec![setting("x.Sub.key", Some("1"))]),
            ("  'a.b'='1'   'c.d'='2' ", vec![]),
        ];
        for (text, want) in rows {
            let got = parse_parameters(text);
            if text.starts_with(' ') {
                // git's loop starts at the first byte: leading whitespace is bogus.
                assert!(got.is_err(), "{text}: {got:?}");
            } else {
                assert_eq!(got.as_ref(), Ok(want), "{text}");
            }
        }
    }

    #[test]
    fn malformed_parameters_are_errors() {
        for text in [
            "core.commentChar=;",
            "'a.b'=x",
            "'a.b'='1'x",
            "'unterminated",
            "'a.b'x",
        ] {
            assert!(parse_parameters(text).is_err(), "{text}");
        }
    }
}
