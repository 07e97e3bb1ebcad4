//! Smart HTTP: `git http-backend` as a CGI program of lighttpd, basic auth from lighttpd (alice
//! may push, reader may only fetch), trailgate's `pre-receive` installed by `install --server`
//! in front of the server's own hook.

use super::{Daemon, client, hooks_snapshot, judged_pushes, push, stderr};
use crate::support::Repo;
use std::path::Path;
use std::process::{Command, Output};

/// The configuration docs/server.md shows, for a repository root and a port.
fn lighttpd_conf(root: &Path, port: u16) -> String {
    let root = root.display();
    format!(
        r#"server.document-root = "{root}/www"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{root}/lighttpd.log"
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi")
alias.url = ("/git/" => "/usr/lib/git-core/git-http-backend/")
$HTTP["url"] =~ "^/git/" {{
  cgi.assign = ("" => "")
  setenv.add-environment = ("GIT_PROJECT_ROOT" => "{root}/repos", "GIT_HTTP_EXPORT_ALL" => "")
  auth.backend = "plain"
  auth.backend.plain.userfile = "{root}/users"
  auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
}}
# Pushing takes a user with write access: both requests of a push name the service.
$HTTP["querystring"] =~ "service=git-receive-pack" {{
  auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "user=alice"))
}}
$HTTP["url"] =~ "/git-receive-pack$" {{
  auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "user=alice"))
}}
"#
    )
}

/// The server's own `pre-receive`, there before trailgate: it records its environment in
/// `log`.
fn own_hook(log: &Path) -> String {
    format!("#!/bin/sh\ncat >/dev/null\nenv > '{}'\n", log.display())
}

/// lighttpd serving the repositories under `root/repos`.
pub(super) struct Http {
    /// The server's scratch space (`repos/`, `users`, the configuration), with its own HOME.
    pub(super) server: Repo,
    pub(super) port: u16,
    _lighttpd: Daemon,
}

impl Http {
    pub(super) fn root(&self) -> &Path {
        self.server.path()
    }

    /// A new bare repository `repos/NAME.git` that takes pushes over HTTP.
    pub(super) fn repo(&self, name: &str) -> std::path::PathBuf {
        let path = format!("repos/{name}.git");
        self.server
            .git(&["init", "-q", "--bare", "-b", "main", &path]);
        self.server
            .git(&["-C", &path, "config", "http.receivepack", "true"]);
        self.root().join(path)
    }

    /// The URL of repository `name` for `user` (password `secret`).
    pub(super) fn url(&self, user: &str, name: &str) -> String {
        format!(
            "http://{user}:secret@127.0.0.1:{}/git/{name}.git",
            self.port
        )
    }
}

/// lighttpd on a free port; `None` where it or git-http-backend is missing.
pub(super) fn start() -> Option<Http> {
    let ready = ["/usr/sbin/lighttpd", "/usr/lib/git-core/git-http-backend"]
        .iter()
        .all(|p| Path::new(p).exists());
    crate::ecosystem::require("lighttpd (or git-http-backend)", ready)?;
    let server = Repo::empty();
    let root = server.path();
    std::fs::create_dir_all(root.join("www")).unwrap();
    std::fs::create_dir_all(root.join("repos")).unwrap();
    std::fs::write(root.join("users"), "alice:secret\nreader:secret\n").unwrap();
    let lighttpd = |port: u16| {
        std::fs::write(root.join("lighttpd.conf"), lighttpd_conf(root, port)).unwrap();
        let mut lighttpd = Command::new("/usr/sbin/lighttpd");
        lighttpd
            .args(["-D", "-f"])
            .arg(root.join("lighttpd.conf"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", server.home.path());
        lighttpd
    };
    let (lighttpd, port) = Daemon::start("lighttpd", &lighttpd);
    Some(Http {
        server,
        port,
        _lighttpd: lighttpd,
    })
}

#[test]
fn pushes_over_smart_http_are_judged_behind_lighttpd() {
    let Some(http) = start() else {
        return;
    };
    let (server, root) = (&http.server, http.root());
    let app = http.repo("app");
    let hooks = app.join("hooks");
    std::fs::write(
        hooks.join("pre-receive"),
        own_hook(&root.join("own-hook.env")),
    )
    .unwrap();
    std::fs::set_permissions(
        hooks.join("pre-receive"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let before = hooks_snapshot(&hooks);
    let app_arg = app.to_str().unwrap();
    let (code, out, err) = server.run(&["-C", app_arg, "install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");

    let url = |user: &str| http.url(user, "app");
    let client = client();
    client.git(&["remote", "add", "origin", &url("alice")]);
    let as_alice = |c: &Repo, args: &[&str]| -> Output { push(c, args, &[]) };
    let name_policy = || {
        server.git(&[
            "-C",
            app_arg,
            "config",
            "trailgate.policy",
            "refs/heads/main:.trailgate/policy.toml",
        ]);
    };
    judged_pushes(&client, &as_alice, &name_policy);

    // The hook ran in git's quarantine: the server's own hook saw it, before trailgate.
    let env = std::fs::read_to_string(root.join("own-hook.env")).expect("the server's hook ran");
    assert!(env.contains("GIT_QUARANTINE_PATH="), "{env}");
    assert!(env.contains("REMOTE_USER=alice"), "{env}");

    // The web server's access control still decides who may push.
    client.commit("Reader's change\n", &[("docs/b.md", "b\n")]);
    let o = push(&client, &[&url("reader"), "main"], &[]);
    assert!(!o.status.success(), "reader may not push");
    let e = stderr(&o);
    assert!(
        e.contains("Authentication failed") || e.contains("401"),
        "{e}"
    );

    // Uninstalled, the hooks are as they were to the byte, and the server's own hook runs.
    let (code, out, err) = server.run(&["-C", app_arg, "uninstall"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(hooks_snapshot(&hooks), before);
    std::fs::remove_file(root.join("own-hook.env")).unwrap();
    client.commit(
        "Unjudged\n\nAssisted-by: Cursor\n",
        &[("src/late.rs", "l\n")],
    );
    let o = push(&client, &["origin", "main"], &[]);
    assert!(
        o.status.success(),
        "no trailgate, no judging: {}",
        stderr(&o)
    );
    assert!(
        root.join("own-hook.env").exists(),
        "the server's own hook still runs"
    );
}
