//! Where the policy and registry come from (docs/policy.md, "Where the policy comes from"): a
//! file path or `REV:PATH`, found in the order `--policy`, git config `trailgate.policy`,
//! `.trailgate/policy.toml` (work tree, or `HEAD`'s tree in a bare repository), then the
//! embedded default. Environment variables never change the policy. A revision is resolved by
//! trusted rules (`git::Naming`), and a path that is not a regular file is an error, never "no
//! policy"; server hooks load theirs through
//! [`load_server_policy`](crate::config::server::load_server_policy).

use crate::config::common::SourceText;
use crate::config::diag::{Diagnostic, Diagnostics};
use crate::config::policy::{self, EMBEDDED_DEFAULT};
use crate::engine::policy::Policy;
use crate::git::{self, Naming, ObjectId, Repo, RevError, TreeFile};
use std::path::{Component, Path, PathBuf};

/// Default location of the policy inside a repository.
pub(crate) const DEFAULT_POLICY_PATH: &str = ".trailgate/policy.toml";

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
    /// Parse a spec: `REV:PATH` when something comes before a `:`; otherwise a file. What
    /// exists on disk never decides (a pull request can plant a file named like a spec): a
    /// file whose name contains `:` is written `./NAME` (or with any path starting `/`, `./`
    /// or `../`).
    pub fn parse(s: &str) -> Spec {
        Spec::parse_in(s, Path::new(""))
    }

    /// Like [`Spec::parse`], with relative file paths taken from `base`.
    pub(crate) fn parse_in(s: &str, base: &Path) -> Spec {
        let file_form = s.starts_with("./") || s.starts_with("../") || Path::new(s).is_absolute();
        if !file_form
            && let Some((rev, path)) = s.split_once(':')
            && !rev.is_empty()
        {
            return Spec::Rev {
                rev: rev.to_string(),
                path: path.trim_start_matches('/').to_string(),
            };
        }
        Spec::File(base.join(s))
    }
}

/// Failure to obtain a policy: every problem, each with file and place.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(pub Diagnostics);

pub(super) fn one(d: Diagnostic) -> LoadError {
    LoadError(Diagnostics(vec![d]))
}

/// Find and load the effective policy. `repo` is `None` outside a repository.
pub fn load_policy(repo: Option<&Repo>, cli: Option<&str>) -> Result<Policy, LoadError> {
    if let Some(s) = cli {
        return load_named(repo, &Spec::parse(s), None, Naming::Unambiguous);
    }
    let Some(repo) = repo else {
        return embedded_default();
    };
    if let Some(s) = git::repo_config_string(repo, "trailgate.policy") {
        // A relative file in config is relative to the work tree (the git dir when bare),
        // not to wherever the command runs.
        let spec = Spec::parse_in(&s, repo.workdir().unwrap_or(repo.path()));
        return load_named(Some(repo), &spec, Some(s), Naming::Unambiguous);
    }
    match repo.workdir() {
        Some(dir) => {
            let path = dir.join(DEFAULT_POLICY_PATH);
            if regular_file(&path, DEFAULT_POLICY_PATH, "policy")? {
                let source = Source::File {
                    path,
                    name: DEFAULT_POLICY_PATH.into(),
                    discovered: true,
                };
                return load_source(Some(repo), &source);
            }
        }
        None => {
            // No commit yet, or no policy file in HEAD's tree: the embedded default. A
            // policy that is there but cannot be read is an error, never a silent default.
            if let Some(id) = head_commit(repo)? {
                let source = Source::Commit {
                    rev: "HEAD".into(),
                    id,
                    path: DEFAULT_POLICY_PATH.into(),
                };
                if let Some(policy) = load_if_present(repo, &source)? {
                    return Ok(policy);
                }
            }
        }
    }
    embedded_default()
}

/// A file named as a policy is (`PATH`, or `REV:PATH` read from the object database), for
/// inputs such as `--baseline`: its name and UTF-8 text. `what` names it in messages.
pub fn read_named_text(repo: &Repo, spec: &str, what: &str) -> Result<(String, String), LoadError> {
    let (name, bytes) = match Spec::parse(spec) {
        Spec::File(path) => {
            let bytes = std::fs::read(&path).map_err(|e| {
                one(
                    Diagnostic::file(spec, format!("cannot read the {what}: {e}"))
                        .help("check the path; a file whose name contains `:` is written `./NAME`"),
                )
            })?;
            (spec.to_string(), bytes)
        }
        Spec::Rev { rev, path } => {
            let name = format!("{rev}:{path}");
            let id = git::resolve_commit_id(repo, &rev).map_err(|e| {
                one(Diagnostic::file(
                    &name,
                    format!("cannot read the {what}: {e}"),
                ))
            })?;
            (name, commit_file(repo, id, &rev, &path, what, "")?)
        }
    };
    let text = source_text(name.clone(), bytes, what, None)?.text;
    Ok((name, text))
}

/// The embedded default: every assistant approved, no production paths (an inventory).
pub fn embedded_default() -> Result<Policy, LoadError> {
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

/// The commit `HEAD` points to; `None` while its branch is unborn.
pub(super) fn head_commit(repo: &Repo) -> Result<Option<ObjectId>, LoadError> {
    git::exact_ref(repo, "HEAD").map_err(|e| {
        one(Diagnostic::file(
            &format!("HEAD:{DEFAULT_POLICY_PATH}"),
            format!("cannot read the policy: {e}"),
        )
        .help("repair the repository, or set the policy with `git config trailgate.policy`"))
    })
}

/// Load the policy of `source` when its file is there at all (`None`: no such path).
pub(super) fn load_if_present(repo: &Repo, source: &Source) -> Result<Option<Policy>, LoadError> {
    if let Source::Commit { id, path, .. } = source
        && let Ok(TreeFile::Missing) = git::read_tree_file(repo, *id, path)
    {
        return Ok(None);
    }
    load_source(Some(repo), source).map(Some)
}

/// Load the policy at `spec` and its registry from the same source.
pub fn load_spec(repo: Option<&Repo>, spec: &Spec) -> Result<Policy, LoadError> {
    load_named(repo, spec, None, Naming::Unambiguous)
}

/// Where a policy or registry is read from, once its revision is resolved.
#[derive(Debug, Clone)]
pub(super) enum Source {
    /// A file on disk, named in messages as `name`; `discovered` files (found in the work tree
    /// rather than named) must be regular files, as they would have to be once committed.
    File {
        path: PathBuf,
        name: String,
        discovered: bool,
    },
    /// A file in the tree of commit `id`, which `rev` (as written) resolved to.
    Commit {
        rev: String,
        id: ObjectId,
        path: String,
    },
}

/// Like [`load_spec`]; `display` names a discovered file in messages (`.trailgate/policy.toml`
/// rather than an absolute path). The registry is then named relative to it.
pub(super) fn load_named(
    repo: Option<&Repo>,
    spec: &Spec,
    display: Option<String>,
    naming: Naming,
) -> Result<Policy, LoadError> {
    let source = match spec {
        Spec::File(path) => Source::File {
            path: path.clone(),
            name: display.unwrap_or_else(|| path.display().to_string()),
            discovered: false,
        },
        Spec::Rev { rev, path } => {
            let name = format!("{rev}:{path}");
            let repo = repo.ok_or_else(|| {
                one(
                    Diagnostic::file(&name, "a `REV:PATH` policy needs a git repository")
                        .help(format!("run inside the repository, or use `-C PATH`; a file whose name contains `:` is written `./{name}`")),
                )
            })?;
            let id = git::resolve_policy_rev(repo, rev, naming)
                .map_err(|e| one(rev_diagnostic(&name, rev, path, e)))?;
            Source::Commit {
                rev: rev.clone(),
                id,
                path: path.clone(),
            }
        }
    };
    load_source(repo, &source)
}

/// What is wrong with a policy revision, and how to fix it.
fn rev_diagnostic(name: &str, rev: &str, path: &str, e: RevError) -> Diagnostic {
    match e {
        RevError::NotExact(_) => Diagnostic::file(
            name,
            format!(
                "a server takes its policy only from a full ref name or a full object id, so that no ref a pusher creates can stand in for it; `{rev}` is neither"
            ),
        )
        .help(format!(
            "name the branch in full: `git config trailgate.policy refs/heads/main:{path}` (the same for `--policy`), or pin a full commit id"
        )),
        RevError::Ambiguous { candidates, .. } => {
            let example = candidates
                .iter()
                .find(|c| c.starts_with("refs/heads/"))
                .or_else(|| candidates.iter().find(|c| c.starts_with("refs/")))
                .map_or_else(|| format!("refs/heads/{rev}"), String::clone);
            Diagnostic::file(
                name,
                format!(
                    "the policy revision `{rev}` is ambiguous: {} all exist",
                    candidates.join(", ")
                ),
            )
            .help(format!(
                "write the one you mean in full, e.g. `{example}:{path}`, or a full commit id"
            ))
        }
        RevError::Unknown(_) => Diagnostic::file(
            name,
            format!("unknown revision `{rev}`: no such ref or commit in this repository"),
        )
        .help(format!(
            "fetch or create it, or name another revision; a file whose name contains `:` is written `./{name}`"
        )),
        RevError::Unsupported(_) => Diagnostic::file(
            name,
            format!("the policy revision `{rev}` uses syntax trailgate does not resolve for a policy"),
        )
        .help("name a branch, tag or commit id (optionally followed by `~N` or `^N`)"),
        RevError::Git(e) => Diagnostic::file(name, format!("cannot read the policy: {e}")),
    }
}

fn load_source(repo: Option<&Repo>, source: &Source) -> Result<Policy, LoadError> {
    let text = read_source(repo, source, None)?;
    let loader = |registry: &str| -> Result<SourceText, Diagnostic> {
        read_source(repo, &registry_source(source, registry), Some(&text.name)).map_err(|e| {
            e.0.0
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::file(registry, "cannot read the registry"))
        })
    };
    policy::load(&text, false, &loader).map_err(LoadError)
}

/// The registry named in a policy, read from the policy's own source.
fn registry_source(policy: &Source, registry: &str) -> Source {
    match policy {
        Source::File {
            path,
            name,
            discovered,
        } => {
            let r = Path::new(registry);
            if r.is_absolute() {
                Source::File {
                    path: r.to_path_buf(),
                    name: registry.to_string(),
                    discovered: false,
                }
            } else {
                let parent = |p: &Path| p.parent().unwrap_or(Path::new("")).join(r);
                // A policy named by its path names its registry by path too; one named as
                // written in config or found in the work tree, relative to that name.
                let name = if *name == path.display().to_string() {
                    parent(path).display().to_string()
                } else {
                    normalize(&parent(Path::new(name)))
                };
                Source::File {
                    path: parent(path),
                    name,
                    discovered: *discovered,
                }
            }
        }
        Source::Commit { rev, id, path } => {
            let dir = Path::new(path).parent().unwrap_or(Path::new(""));
            Source::Commit {
                rev: rev.clone(),
                id: *id,
                path: normalize(&dir.join(registry)),
            }
        }
    }
}

/// `a/./b/../c` → `a/c`, for paths inside a tree.
fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let absolute = p.is_absolute();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Whether a discovered file is there: a regular file is; nothing is not; anything else (a
/// symbolic link, even a dangling one, a directory) is an error, never "no policy".
fn regular_file(path: &Path, name: &str, what: &str) -> Result<bool, LoadError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => Ok(true),
        Ok(m) => {
            let kind = if m.file_type().is_symlink() {
                "a symbolic link"
            } else if m.is_dir() {
                "a directory"
            } else {
                "not a regular file"
            };
            Err(one(Diagnostic::file(
                name,
                format!("the {what} is {kind}, not a file"),
            )
            .help(format!(
                "make it a regular file: a symbolic link or directory is never read as the {what}"
            ))))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(one(Diagnostic::file(
            name,
            format!("cannot read the {what}: {e}"),
        ))),
    }
}

fn read_source(
    repo: Option<&Repo>,
    source: &Source,
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
    match source {
        Source::File {
            path,
            name,
            discovered,
        } => {
            if *discovered && !regular_file(path, name, what)? {
                return Err(one(Diagnostic::file(
                    name,
                    format!("cannot read the {what}{from}: no such file"),
                )
                .help(
                    "create it (`trailgate init` writes a starter), or fix `[exceptions] registry`",
                )));
            }
            let bytes = std::fs::read(path).map_err(|e| {
                one(Diagnostic::file(name, format!("cannot read the {what}{from}: {e}"))
                    .help(if named_in.is_some() {
                        "create it (`trailgate init` writes a starter), or fix `[exceptions] registry`"
                    } else {
                        "check the path, or run `trailgate init` to write a starter policy"
                    }))
            })?;
            source_text(
                name.clone(),
                bytes,
                what,
                repo.and_then(|r| repo_relative(r, path)),
            )
        }
        Source::Commit { rev, id, path } => {
            let name = format!("{rev}:{path}");
            let repo = repo.ok_or_else(|| {
                one(Diagnostic::file(
                    &name,
                    format!("a `REV:PATH` {what} needs a git repository"),
                ))
            })?;
            let bytes = commit_file(repo, *id, rev, path, what, &from)?;
            source_text(name, bytes, what, Some(path.clone()))
        }
    }
}

/// The bytes of the regular file at `path` in commit `id` (which `rev` named), for `what`
/// (`from` says where it was named, if anywhere).
fn commit_file(
    repo: &Repo,
    id: ObjectId,
    rev: &str,
    path: &str,
    what: &str,
    from: &str,
) -> Result<Vec<u8>, LoadError> {
    let name = format!("{rev}:{path}");
    let file = git::read_tree_file(repo, id, path).map_err(|e| {
        one(Diagnostic::file(
            &name,
            format!("cannot read the {what}{from}: {e}"),
        ))
    })?;
    match file {
        TreeFile::File(bytes) => Ok(bytes),
        TreeFile::Missing => Err(one(
            Diagnostic::file(&name, format!("no {what} at this path in `{rev}`{from}"))
                .help("commit the file there, or point to the right revision and path"),
        )),
        TreeFile::NotAFile { path: at, kind } => Err(one(
            Diagnostic::file(
                &name,
                format!("`{at}` in `{rev}` is {kind}, not a file{from}"),
            )
            .help(format!(
                "commit the {what} as a regular file: a link, directory or submodule is never read as one"
            )),
        )),
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
fn repo_relative(repo: &Repo, file: &Path) -> Option<String> {
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
        assert_eq!(
            Spec::parse("./origin/main:policy.toml"),
            Spec::File("./origin/main:policy.toml".into())
        );
        assert_eq!(
            Spec::parse("/etc/a:b.toml"),
            Spec::File("/etc/a:b.toml".into())
        );
        assert_eq!(Spec::parse(":x.toml"), Spec::File(":x.toml".into()));
        let policy = Source::Commit {
            rev: "HEAD".into(),
            id: ObjectId::ZERO,
            path: ".trailgate/policy.toml".into(),
        };
        let Source::Commit { path, .. } = registry_source(&policy, "../registries/exc.toml") else {
            panic!("the registry comes from the policy's commit");
        };
        assert_eq!(path, "registries/exc.toml");
    }
}
