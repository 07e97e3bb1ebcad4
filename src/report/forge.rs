//! Naming the repository a report judged, and linking its commits to the forge that hosts it
//! (SPEC §11: GitHub, GitLab, Gitea/Forgejo, Bitbucket). Pure text work on remote URLs.

/// The remote URL as a report may show it: credentials removed. `https://user:token@host/x`
/// and `https://token@host/x` become `https://host/x`; `ssh://user:secret@host/x` keeps the
/// user (a login name, not a secret); scp-like `git@host:x` is kept as it is.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    match userinfo.split_once(':') {
        // A user name alone over HTTP is often a token (`https://TOKEN@github.com`).
        _ if web => format!("{scheme}://{host}{path}"),
        Some((user, _secret)) => format!("{scheme}://{user}@{host}{path}"),
        None => url.to_string(),
    }
}

/// The forges whose commit pages a report links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Forge {
    GitHub,
    GitLab,
    Gitea,
    Bitbucket,
}

/// Where a repository's commits are shown on its forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitLinks {
    forge: Forge,
    /// `https://host/owner/name`.
    base: String,
}

impl CommitLinks {
    /// Links for a repository named as in a report (a remote URL), when its host is a forge
    /// trailgate knows: `github.com` and GitHub Enterprise hosts named `github.*`, GitLab
    /// (`gitlab.com` or a host with `gitlab` in its name), Gitea and Forgejo (`gitea.com`,
    /// `codeberg.org`, hosts with `gitea` or `forgejo` in their name), `bitbucket.org`.
    pub fn for_repository(repository: &str) -> Option<CommitLinks> {
        let Remote {
            scheme,
            host,
            host_name,
            path,
        } = Remote::parse(repository)?;
        let forge = if host_name == "github.com" || host_name.starts_with("github.") {
            Forge::GitHub
        } else if host_name.contains("gitlab") {
            Forge::GitLab
        } else if host_name == "codeberg.org"
            || host_name.contains("gitea")
            || host_name.contains("forgejo")
        {
            Forge::Gitea
        } else if host_name == "bitbucket.org" {
            Forge::Bitbucket
        } else {
            return None;
        };
        // owner/name at least; every segment plain (no query, fragment or markup).
        let plain = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        };
        if path.split('/').count() < 2 || !path.split('/').all(plain) {
            return None;
        }
        // An http remote keeps its scheme and port; ssh remotes are browsed over https.
        let web_host = if scheme == "http" || scheme == "https" {
            host.to_string()
        } else {
            host_name.clone()
        };
        let web_scheme = if scheme == "http" { "http" } else { "https" };
        if !web_host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
        {
            return None;
        }
        Some(CommitLinks {
            forge,
            base: format!("{web_scheme}://{web_host}/{path}"),
        })
    }

    /// The page of commit `id`.
    pub fn commit(&self, id: &str) -> String {
        let infix = match self.forge {
            Forge::GitHub | Forge::Gitea => "commit",
            Forge::GitLab => "-/commit",
            Forge::Bitbucket => "commits",
        };
        format!("{}/{infix}/{id}", self.base)
    }

    /// The repository's own page.
    pub fn home(&self) -> &str {
        &self.base
    }
}

/// The repository a report names, as one key for the ways a remote is written: scheme, user,
/// port and a trailing `.git` or `/` aside, host in lower case (`git@github.com:o/r.git` and
/// `https://GitHub.com/o/r/` are one repository); a path stays as it is.
pub fn repository_key(repository: &str) -> String {
    match Remote::parse(repository) {
        Some(remote) => format!("{}/{}", remote.host_name, remote.path),
        None => repository.to_string(),
    }
}

/// A remote URL, or scp-like `user@host:path`, taken apart.
struct Remote<'a> {
    /// In lower case; `ssh` for the scp-like form.
    scheme: String,
    /// `host[:port]` as written.
    host: &'a str,
    /// The host alone, in lower case.
    host_name: String,
    /// The repository's path without slashes around it or a trailing `.git`.
    path: &'a str,
}

impl Remote<'_> {
    fn parse(url: &str) -> Option<Remote<'_>> {
        let (scheme, host, path) = if let Some((scheme, rest)) = url.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            if !matches!(scheme.as_str(), "https" | "http" | "ssh" | "git") {
                return None;
            }
            let (authority, path) = rest.split_at(rest.find('/')?);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            (scheme, host, path)
        } else {
            // scp-like: `[user@]host:path`, where host has no slash before the colon.
            let (before, path) = url.split_once(':')?;
            if before.contains('/') || path.starts_with("//") {
                return None;
            }
            let host = before.rsplit_once('@').map_or(before, |(_, h)| h);
            ("ssh".to_string(), host, path)
        };
        let path = path.trim_matches('/');
        let path = path
            .strip_suffix(".git")
            .unwrap_or(path)
            .trim_end_matches('/');
        Some(Remote {
            scheme,
            host,
            host_name: host.split(':').next().unwrap_or(host).to_ascii_lowercase(),
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_removed_and_nothing_else() {
        let cases = [
            (
                "https://x-access-token:ghs_abc@github.com/o/r.git",
                "https://github.com/o/r.git",
            ),
            ("https://ghp_token@github.com/o/r", "https://github.com/o/r"),
            ("https://github.com/o/r", "https://github.com/o/r"),
            ("ssh://git:pw@host:22/o/r", "ssh://git@host:22/o/r"),
            ("ssh://git@host/o/r", "ssh://git@host/o/r"),
            ("git@github.com:o/r.git", "git@github.com:o/r.git"),
            ("/srv/git/r.git", "/srv/git/r.git"),
            ("https://host/a@b", "https://host/a@b"),
        ];
        for (url, want) in cases {
            assert_eq!(without_credentials(url), want, "{url}");
        }
    }

    #[test]
    fn commit_links_per_forge() {
        let id = "0123abcd";
        let cases = [
            (
                "git@github.com:o/r.git",
                Some("https://github.com/o/r/commit/0123abcd"),
            ),
            (
                "https://github.com/o/r",
                Some("https://github.com/o/r/commit/0123abcd"),
            ),
            (
                "ssh://git@gitlab.example.com:2222/group/sub/r.git",
                Some("https://gitlab.example.com/group/sub/r/-/commit/0123abcd"),
            ),
            (
                "https://codeberg.org/o/r.git",
                Some("https://codeberg.org/o/r/commit/0123abcd"),
            ),
            (
                "http://forgejo.local:3000/o/r",
                Some("http://forgejo.local:3000/o/r/commit/0123abcd"),
            ),
            (
                "git@bitbucket.org:o/r.git",
                Some("https://bitbucket.org/o/r/commits/0123abcd"),
            ),
            ("https://example.com/o/r", None),
            ("/srv/git/r.git", None),
            ("https://github.com/o", None),
            ("https://github.com/o/r\"><script>", None),
            ("file:///github.com/o/r", None),
        ];
        for (url, want) in cases {
            let got = CommitLinks::for_repository(url).map(|l| l.commit(id));
            assert_eq!(got.as_deref(), want, "{url}");
        }
    }
}
