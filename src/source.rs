//! Where the policy and registry come from (SPEC §4): a file path or `REV:PATH`, found in the
//! order `--policy`, git config `trailgate.policy`, `.trailgate/policy.toml` (work tree, or
//! `HEAD`'s tree in a bare repository), then the embedded default. Environment variables never
//! change the policy.

use crate::diag::{Diagnostic, Diagnostics};
use crate::git;
use crate::policy::{self, EMBEDDED_DEFAULT, Policy, SourceText};
use git2::Repository;
use std::path::{Component, Path, PathBuf};

/// Default location of the policy inside a repository.
pub const DEFAULT_POLICY_PATH: &str = ".trailgate/policy.toml";

/// A policy spec as written by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A file on disk.
    File(PathBuf),
    /// A blob in the object database.
    Rev {
        /// Revision (`refs/heads/main`, `HEAD`, an id).
        rev: String,
        /// Path inside that revision's tree.
        path: String,
    },
}

impl Spec {
    /// Parse a spec: an existing file wins; otherwise `REV:PATH` when it has a `:`.
    pub fn parse(s: &str) -> Spec {
        Spec::parse_in(s, Path::new(""))
    }

    /// Like [`Spec::parse`], with relative file paths taken from `base`.
    pub fn parse_in(s: &str, base: &Path) -> Spec {
        let file = base.join(s);
        if !file.exists()
            && let Some((rev, path)) = s.split_once(':')
            && !rev.is_empty()
        {
            return Spec::Rev {
                rev: rev.to_string(),
                path: path.trim_start_matches('/').to_string(),
            };
        }
        Spec::File(file)
    }
}

/// Failure to obtain a policy: every problem, each with file and place.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(pub Diagnostics);

fn one(d: Diagnostic) -> LoadError {
    LoadError(Diagnostics(vec![d]))
}

/// Find and load the effective policy. `repo` is `None` outside a repository.
pub fn load_policy(repo: Option<&Repository>, cli: Option<&str>) -> Result<Policy, LoadError> {
    if let Some(s) = cli {
        return load_spec(repo, &Spec::parse(s));
    }
    if let Some(repo) = repo {
        if let Some(s) = git::repo_config_string(repo, "trailgate.policy") {
            // A relative file in config is relative to the work tree (the git dir when bare),
            // not to wherever the command runs.
            let spec = Spec::parse_in(&s, repo.workdir().unwrap_or(repo.path()));
            return load_named(Some(repo), &spec, Some(s));
        }
        match repo.workdir() {
            Some(dir) => {
                let path = dir.join(DEFAULT_POLICY_PATH);
                if path.exists() {
                    return load_named(
                        Some(repo),
                        &Spec::File(path),
                        Some(DEFAULT_POLICY_PATH.into()),
                    );
                }
            }
            None => {
                let spec = Spec::Rev {
                    rev: "HEAD".into(),
                    path: DEFAULT_POLICY_PATH.into(),
                };
                // No commit yet, or no policy file in HEAD's tree: the embedded default. A
                // policy that is there but cannot be read is an error, never a silent default.
                let unborn =
                    matches!(repo.head(), Err(e) if e.code() == git2::ErrorCode::UnbornBranch);
                if !unborn {
                    match git::read_rev_path(repo, "HEAD", DEFAULT_POLICY_PATH) {
                        Ok(Some(_)) => return load_spec(Some(repo), &spec),
                        Ok(None) => {}
                        Err(e) => {
                            return Err(one(Diagnostic::file(
                                &format!("HEAD:{DEFAULT_POLICY_PATH}"),
                                format!("cannot read the policy: {e}"),
                            )
                            .help("repair the repository, or set the policy with `git config trailgate.policy`")));
                        }
                    }
                }
            }
        }
    }
    let text = SourceText {
        name: "(embedded default)".into(),
        text: EMBEDDED_DEFAULT.into(),
        repo_path: None,
    };
    policy::load(&text, true, &|_| unreachable_registry()).map_err(LoadError)
}

fn unreachable_registry() -> Result<SourceText, Diagnostic> {
    Err(Diagnostic::file(
        "(embedded default)",
        "the embedded default names no registry",
    ))
}

/// Load the policy at `spec` and its registry from the same source.
pub fn load_spec(repo: Option<&Repository>, spec: &Spec) -> Result<Policy, LoadError> {
    load_named(repo, spec, None)
}

/// Like [`load_spec`]; `display` names a discovered file in messages (`.trailgate/policy.toml`
/// rather than an absolute path). The registry is then named relative to it.
fn load_named(
    repo: Option<&Repository>,
    spec: &Spec,
    display: Option<String>,
) -> Result<Policy, LoadError> {
    let text = read_spec(repo, spec, display.clone(), None)?;
    let loader = |registry: &str| -> Result<SourceText, Diagnostic> {
        let reg_spec = registry_spec(spec, registry);
        let reg_display = match (&display, &reg_spec) {
            (Some(d), Spec::File(_)) if !Path::new(registry).is_absolute() => Some(normalize(
                &Path::new(d)
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(registry),
            )),
            _ => None,
        };
        read_spec(repo, &reg_spec, reg_display, Some(&text.name)).map_err(|e| {
            e.0.0
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::file(registry, "cannot read the registry"))
        })
    };
    policy::load(&text, false, &loader).map_err(LoadError)
}

/// The registry named in a policy, resolved against the policy's own source.
fn registry_spec(policy: &Spec, registry: &str) -> Spec {
    match policy {
        Spec::File(p) => {
            let r = Path::new(registry);
            if r.is_absolute() {
                Spec::File(r.to_path_buf())
            } else {
                Spec::File(p.parent().unwrap_or(Path::new("")).join(r))
            }
        }
        Spec::Rev { rev, path } => {
            let dir = Path::new(path).parent().unwrap_or(Path::new(""));
            Spec::Rev {
                rev: rev.clone(),
                path: normalize(&dir.join(registry)),
            }
        }
    }
}

/// `a/./b/../c` → `a/c`, for paths inside a tree.
fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    parts.join("/")
}

fn read_spec(
    repo: Option<&Repository>,
    spec: &Spec,
    display: Option<String>,
    named_in: Option<&str>,
) -> Result<SourceText, LoadError> {
    let what = if named_in.is_some() {
        "registry"
    } else {
        "policy"
    };
    let from = named_in
        .map(|p| format!(" (named in {p})"))
        .unwrap_or_default();
    match spec {
        Spec::File(path) => {
            let name = display.unwrap_or_else(|| path.display().to_string());
            let bytes = std::fs::read(path).map_err(|e| {
                one(Diagnostic::file(&name, format!("cannot read the {what}{from}: {e}"))
                    .help(if named_in.is_some() {
                        "create it (`trailgate init` writes a starter), or fix `[exceptions] registry`"
                    } else {
                        "check the path, or run `trailgate init` to write a starter policy"
                    }))
            })?;
            source_text(name, bytes, what, repo.and_then(|r| repo_relative(r, path)))
        }
        Spec::Rev { rev, path } => {
            let name = format!("{rev}:{path}");
            let repo = repo.ok_or_else(|| {
                one(
                    Diagnostic::file(&name, format!("a `REV:PATH` {what} needs a git repository"))
                        .help("run inside the repository, or use `-C PATH`"),
                )
            })?;
            let bytes = git::read_rev_path(repo, rev, path)
                .map_err(|e| {
                    one(Diagnostic::file(
                        &name,
                        format!("cannot read the {what}{from}: {e}"),
                    ))
                })?
                .ok_or_else(|| {
                    one(
                        Diagnostic::file(&name, format!("no {what} at this path in `{rev}`{from}"))
                            .help("commit the file there, or point to the right revision and path"),
                    )
                })?;
            source_text(name, bytes, what, Some(path.clone()))
        }
    }
}

fn source_text(
    name: String,
    bytes: Vec<u8>,
    what: &str,
    repo_path: Option<String>,
) -> Result<SourceText, LoadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceText {
            name,
            text,
            repo_path,
        }),
        Err(_) => Err(one(Diagnostic::file(
            &name,
            format!("the {what} is not UTF-8 text"),
        )
        .help("save it as UTF-8"))),
    }
}

/// Path of `file` relative to the work tree, when it lies inside it.
fn repo_relative(repo: &Repository, file: &Path) -> Option<String> {
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    let rel = file.strip_prefix(&workdir).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            Spec::parse("refs/heads/main:.trailgate/policy.toml"),
            Spec::Rev {
                rev: "refs/heads/main".into(),
                path: ".trailgate/policy.toml".into()
            }
        );
        assert_eq!(Spec::parse("policy.toml"), Spec::File("policy.toml".into()));
        let reg = registry_spec(
            &Spec::parse("HEAD:.trailgate/policy.toml"),
            "../shared/exc.toml",
        );
        assert_eq!(
            reg,
            Spec::Rev {
                rev: "HEAD".into(),
                path: "shared/exc.toml".into()
            }
        );
    }
}
