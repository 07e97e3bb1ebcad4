//! gitolite behind a throwaway sshd on 127.0.0.1: trailgate as the repository-specific
//! `pre-receive` (gitolite's `repo-specific-hooks`, `LOCAL_CODE`), next to gitolite's own
//! `update` hook, which keeps enforcing who may write; and `install --server` / `uninstall`
//! in a gitolite repository, leaving gitolite's hooks as they were.

use super::{Daemon, client, hooks_snapshot, is_root, judged_pushes, push, stderr};
use crate::support::Repo;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// gitolite's home, its users' keys and the sshd in front of it.
pub(super) struct Gitolite {
    /// The gitolite user's HOME (`~/.gitolite.rc`, `~/repositories`), and scratch space.
    home: Repo,
    keys: PathBuf,
    port: u16,
    _sshd: Daemon,
}

impl Gitolite {
    pub(super) fn home(&self) -> &Path {
        self.home.path()
    }

    /// `GIT_SSH_COMMAND` for `user`'s key.
    fn ssh(&self, user: &str) -> String {
        format!(
            "ssh -F /dev/null -i {} -p {} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR",
            self.keys.join(user).display(),
            self.port
        )
    }

    /// The URL of a repository for the ssh login user (the account gitolite runs as).
    pub(super) fn url(&self, repo: &str) -> String {
        format!("{}@127.0.0.1:{repo}", whoami())
    }

    /// Push from `client` as `user`.
    pub(super) fn push(&self, client: &Repo, user: &str, args: &[&str]) -> Output {
        push(client, args, &[("GIT_SSH_COMMAND", &self.ssh(user))])
    }

    /// A client of repository `repo` that has made the pushes every server must judge, as
    /// alice (the policy named once it has landed).
    fn judged_client(&self, repo: &str) -> Repo {
        let client = client();
        client.git(&["remote", "add", "origin", &self.url(repo)]);
        judged_pushes(
            &client,
            &|c: &Repo, args: &[&str]| self.push(c, "alice", args),
            &|| self.administer(&[], &policy_conf(repo)),
        );
        client
    }

    /// bob's push of `client`'s `main` to `repo` is refused by gitolite's own rules.
    fn refuses_bob(&self, client: &Repo, repo: &str) -> bool {
        let o = self.push(client, "bob", &["origin", "main"]);
        !o.status.success() && stderr(&o).contains(&format!("W any {repo} bob DENIED"))
    }

    /// Change gitolite.conf as the administrator: `conf` is appended, the keys of `users`
    /// added.
    pub(super) fn administer(&self, users: &[&str], conf: &str) {
        let admin = Repo::empty();
        let env = [("GIT_SSH_COMMAND", self.ssh("admin"))];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = admin.git_output(&["clone", "-q", &self.url("gitolite-admin"), "."], &env);
        assert!(out.status.success(), "{}", stderr(&out));
        for user in users {
            let key = self.keys.join(format!("{user}.pub"));
            std::fs::copy(key, admin.path().join(format!("keydir/{user}.pub"))).unwrap();
        }
        let conf_path = admin.path().join("conf/gitolite.conf");
        let mut text = std::fs::read_to_string(&conf_path).unwrap();
        text.push_str(conf);
        std::fs::write(conf_path, text).unwrap();
        admin.git(&["add", "-A"]);
        admin.git(&["commit", "-q", "-m", "Configure"]);
        let out = admin.git_output(&["push", "-q", "origin", "HEAD"], &env);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().expect("id");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The repository-specific hook gitolite links in as `pre-receive.hNN-trailgate`: it runs
/// trailgate's server hook (the shim keys on its own file name, which is not a hook's here).
fn repo_specific_hook() -> String {
    format!(
        "#!/bin/sh\nexec '{}' hook pre-receive \"$@\"\n",
        env!("CARGO_BIN_EXE_trailgate")
    )
}

/// gitolite set up non-interactively in a scratch HOME, with an sshd on a free port; `None`
/// when this machine cannot run them (not root, packages missing).
pub(super) fn start() -> Option<Gitolite> {
    let installed = ["/usr/sbin/sshd", "/usr/bin/gitolite", "/usr/bin/ssh-keygen"]
        .iter()
        .all(|p| Path::new(p).exists());
    crate::ecosystem::require("gitolite3 or openssh-server", installed)?;
    crate::ecosystem::skip_unless(
        is_root(),
        "the gitolite tests start sshd, which needs root: run them as root",
    )?;
    let home = Repo::empty();
    let keys = home.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for user in ["admin", "alice", "bob"] {
        let status = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", user, "-f"])
            .arg(keys.join(user))
            .status()
            .unwrap();
        assert!(status.success());
    }
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(home.path().join("host_key"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new("gitolite")
        .args(["setup", "-pk"])
        .arg(keys.join("admin.pub"))
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The rc as docs/server.md says: repository-specific hooks from LOCAL_CODE, and the
    // `trailgate.*` settings gitolite.conf may set.
    let rc_path = home.path().join(".gitolite.rc");
    let rc = std::fs::read_to_string(&rc_path)
        .unwrap()
        .replace(
            "# LOCAL_CODE                =>  \"$ENV{HOME}/local\",",
            "LOCAL_CODE                =>  \"$ENV{HOME}/local\",",
        )
        .replace("# 'repo-specific-hooks',", "'repo-specific-hooks',")
        .replace(
            "GIT_CONFIG_KEYS                 =>  '',",
            "GIT_CONFIG_KEYS                 =>  'trailgate\\..*',",
        );
    assert!(
        rc.contains("\n            'repo-specific-hooks',"),
        "the rc changed"
    );
    std::fs::write(&rc_path, rc).unwrap();
    let hook_dir = home.path().join("local/hooks/repo-specific");
    std::fs::create_dir_all(&hook_dir).unwrap();
    std::fs::write(hook_dir.join("trailgate"), repo_specific_hook()).unwrap();
    std::fs::set_permissions(
        hook_dir.join("trailgate"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    // sshd's privilege separation directory, which a package install makes at boot.
    std::fs::create_dir_all("/run/sshd").unwrap();
    let sshd = |port: u16| {
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nPidFile {}\nSetEnv HOME={}\nPermitRootLogin prohibit-password\n",
            home.path().join("host_key").display(),
            home.path().join(".ssh/authorized_keys").display(),
            home.path().join("sshd.pid").display(),
            home.path().display(),
        );
        std::fs::write(home.path().join("sshd_config"), config).unwrap();
        let mut sshd = Command::new("/usr/sbin/sshd");
        sshd.args(["-D", "-e", "-f"])
            .arg(home.path().join("sshd_config"));
        sshd
    };
    let (sshd, port) = Daemon::start("sshd", &sshd);
    Some(Gitolite {
        home,
        keys,
        port,
        _sshd: sshd,
    })
}

const APP_CONF: &str = "
repo app
    RW+     =   alice
    R       =   bob
    option hook.pre-receive.trailgate = trailgate
";

/// Once `main` holds the policy: the server judges by it (a second block for the repository
/// adds to the first).
pub(super) fn policy_conf(repo: &str) -> String {
    format!("\nrepo {repo}\n    config trailgate.policy = refs/heads/main:.trailgate/policy.toml\n")
}

#[test]
fn gitolite_runs_trailgate_as_a_repository_specific_hook() {
    let Some(g) = start() else {
        return;
    };
    g.administer(&["alice", "bob"], APP_CONF);
    let hooks = g.home().join("repositories/app.git/hooks");
    assert!(
        std::fs::read_link(hooks.join("update")).is_ok(),
        "gitolite's own update hook"
    );
    let client = g.judged_client("app");

    // gitolite still decides who may write: bob may not, whatever he pushes.
    client.commit("Bob's docs\n", &[("docs/bob.md", "b\n")]);
    assert!(g.refuses_bob(&client, "app"), "bob has read access only");
}

#[test]
fn install_and_uninstall_leave_gitolites_own_hooks_as_they_were() {
    let Some(g) = start() else {
        return;
    };
    g.administer(
        &["alice", "bob"],
        "\nrepo plain\n    RW+     =   alice\n    R       =   bob\n",
    );
    let repo = g.home().join("repositories/plain.git");
    let hooks = repo.join("hooks");
    let before = hooks_snapshot(&hooks);
    let repo_arg = repo.to_str().unwrap();
    let (code, out, err) = g.home.run(&["-C", repo_arg, "install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");

    let client = g.judged_client("plain");
    client.commit("Bob's docs\n", &[("docs/bob.md", "b\n")]);
    assert!(
        g.refuses_bob(&client, "plain"),
        "gitolite rules with trailgate installed"
    );

    let (code, out, err) = g.home.run(&["-C", repo_arg, "uninstall"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(hooks_snapshot(&hooks), before, "byte for byte");
    // gitolite's hooks alone again: bob still refused, a restricted commit lands unjudged.
    assert!(g.refuses_bob(&client, "plain"), "and after uninstall");
    client.commit(
        "Unjudged\n\nAssisted-by: Cursor\n",
        &[("src/late.rs", "l\n")],
    );
    let o = g.push(&client, "alice", &["origin", "main"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn install_refuses_to_displace_gitolites_hook_driver() {
    let Some(g) = start() else {
        return;
    };
    // A repository with a repository-specific hook of the server's own: gitolite's
    // multi-hook-driver is its pre-receive, and finds that hook by its own file name.
    let audit = g.home().join("local/hooks/repo-specific/audit");
    std::fs::write(&audit, "#!/bin/sh\ncat >/dev/null\necho 'audit ran' >&2\n").unwrap();
    std::fs::set_permissions(&audit, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    g.administer(
        &["alice"],
        "\nrepo aud\n    RW+     =   alice\n    option hook.pre-receive.audit = audit\n",
    );
    let hooks = g.home().join("repositories/aud.git/hooks");
    let before = hooks_snapshot(&hooks);
    let repo_arg = g.home().join("repositories/aud.git");
    let (code, out, err) = g
        .home
        .run(&["-C", repo_arg.to_str().unwrap(), "install", "--server"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("by its own file name"), "{err}");
    assert_eq!(hooks_snapshot(&hooks), before, "nothing was installed");
    let client = client();
    client.git(&["remote", "add", "origin", &g.url("aud")]);
    let o = g.push(&client, "alice", &["origin", "main"]);
    assert!(
        o.status.success() && stderr(&o).contains("remote: audit ran"),
        "the server's own hook still runs: {}",
        stderr(&o)
    );
}
