//! `install` and `uninstall` are atomic per hook and exclusive (docs/hooks.md, "Install"):
//! concurrent runs never lose a hook, and a run killed at any step leaves every hook working — a
//! real push into the server is still judged — and the next run completes.

use crate::support::Repo;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

const SIX: &[&str] = &[
    "commit-msg",
    "prepare-commit-msg",
    "post-commit",
    "pre-push",
    "pre-receive",
    "update",
];

/// Every entry of the hooks directory but git's samples: name → (bytes, mode).
fn listing(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            !name.to_string_lossy().ends_with(".sample")
        })
        .map(|e| {
            let p = e.unwrap().path();
            let mode = fs::symlink_metadata(&p).unwrap().permissions().mode() & 0o7777;
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, (fs::read(&p).unwrap(), mode))
        })
        .collect()
}

fn write_hook(dir: &Path, name: &str, text: &str, mode: u32) {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
}

fn is_shim(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).contains("# trailgate-managed-hook")
}

/// `trailgate ARGS` in `repo`, started but not waited for.
fn spawn(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = repo.trailgate_process();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("trailgate starts")
}

#[test]
fn twenty_rounds_of_two_concurrent_installs_lose_no_hook() {
    let repo = Repo::bare();
    let dir = repo.path().join("hooks");
    fs::create_dir_all(&dir).unwrap();
    for (i, name) in SIX.iter().enumerate() {
        let text = format!("#!/bin/sh\n# the team's own {name}\necho {i} \"$@\"\n");
        write_hook(&dir, name, &text, 0o750 + (i as u32 % 2) * 5);
    }
    let original = listing(&dir);
    let hooks = SIX.join(",");
    for round in 0..20 {
        let a = spawn(&repo, &["install", "--hooks", &hooks], &[]);
        let b = spawn(&repo, &["install", "--hooks", &hooks], &[]);
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let installed = listing(&dir);
        assert_eq!(installed.len(), 12, "round {round}: {:?}", installed.keys());
        for name in SIX {
            assert!(
                is_shim(&installed[*name].0),
                "round {round}: {name} is no shim"
            );
            assert_eq!(
                installed[&format!("{name}.local")],
                original[*name],
                "round {round}: {name}.local is not the original"
            );
        }
        let out = spawn(&repo, &["uninstall"], &[])
            .wait_with_output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            listing(&dir),
            original,
            "round {round}: not restored byte-exact"
        );
    }
}

#[test]
fn two_concurrent_uninstalls_restore_every_hook() {
    let repo = Repo::bare();
    let dir = repo.path().join("hooks");
    fs::create_dir_all(&dir).unwrap();
    for name in SIX {
        write_hook(&dir, name, &format!("#!/bin/sh\n# {name}\n"), 0o755);
    }
    let original = listing(&dir);
    for round in 0..5 {
        let out = spawn(&repo, &["install", "--hooks", &SIX.join(",")], &[])
            .wait_with_output()
            .unwrap();
        assert!(out.status.success());
        let a = spawn(&repo, &["uninstall"], &[]);
        let b = spawn(&repo, &["uninstall"], &[]);
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(listing(&dir), original, "round {round}");
    }
}

/// A bare server whose own `pre-receive` and `update` refuse every push (and log that they
/// ran), and a client with a commit to push into it.
struct Server {
    server: Repo,
    client: Repo,
    log: PathBuf,
}

impl Server {
    fn new() -> Server {
        let server = Repo::bare();
        let log = server.home.path().join("hooks.log");
        let dir = server.path().join("hooks");
        fs::create_dir_all(&dir).unwrap();
        for name in ["pre-receive", "update"] {
            let text = format!(
                "#!/bin/sh\necho {name} >>'{}'\necho \"the team's {name} refuses\" >&2\nexit 1\n",
                log.display()
            );
            write_hook(&dir, name, &text, 0o755);
        }
        let client = Repo::new();
        client.commit("a change\n", &[("a.txt", "a\n")]);
        client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
        Server {
            server,
            client,
            log,
        }
    }

    fn hooks(&self) -> PathBuf {
        self.server.path().join("hooks")
    }

    /// Push; the push must be refused by a hook that ran.
    fn assert_push_judged(&self, when: &str) {
        let _ = fs::remove_file(&self.log);
        let out = self.client.git_output(&["push", "origin", "main"], &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{when}: the push landed unjudged: {stderr}"
        );
        let ran = fs::read_to_string(&self.log).unwrap_or_default();
        assert!(
            ran.contains("pre-receive"),
            "{when}: no pre-receive ran: {stderr}"
        );
        let landed = self
            .server
            .git_output(&["rev-parse", "--verify", "-q", "main"], &[]);
        assert!(!landed.status.success(), "{when}: main was created");
    }

    /// Run trailgate with a failpoint; it must die there.
    fn die_at(&self, args: &[&str], failpoint: &str) {
        let out = spawn(&self.server, args, &[("TRAILGATE_FAILPOINT", failpoint)])
            .wait_with_output()
            .unwrap();
        assert!(
            !out.status.success() && out.status.code() != Some(2),
            "{args:?} did not die at {failpoint}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn run_ok(&self, args: &[&str]) {
        let out = spawn(&self.server, args, &[]).wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

const INSTALL: &[&str] = &["install", "--hooks", "pre-receive,update"];

#[test]
fn an_install_killed_at_any_step_leaves_the_push_judged_and_the_next_install_completes() {
    for failpoint in [
        "install-locked",
        "install-linked@1",
        "install-shim-written@1",
        "install-hook-done@1",
        "install-linked@2",
        "install-shim-written@2",
    ] {
        let s = Server::new();
        let original = listing(&s.hooks());
        s.die_at(INSTALL, failpoint);
        s.assert_push_judged(&format!("killed at {failpoint}"));

        s.run_ok(INSTALL);
        let installed = listing(&s.hooks());
        assert_eq!(installed.len(), 4, "{failpoint}: {:?}", installed.keys());
        for name in ["pre-receive", "update"] {
            assert!(is_shim(&installed[name].0), "{failpoint}: {name}");
            assert_eq!(
                installed[&format!("{name}.local")],
                original[name],
                "{failpoint}"
            );
        }
        s.assert_push_judged(&format!("installed after {failpoint}"));

        s.run_ok(&["uninstall"]);
        assert_eq!(listing(&s.hooks()), original, "{failpoint}");
    }
}

#[test]
fn an_uninstall_killed_at_any_step_leaves_the_push_judged_and_the_next_uninstall_completes() {
    for failpoint in [
        "uninstall-locked",
        "uninstall-hook-done@1",
        "uninstall-hook-done@2",
    ] {
        let s = Server::new();
        let original = listing(&s.hooks());
        s.run_ok(INSTALL);
        s.die_at(&["uninstall", "--hooks", "pre-receive,update"], failpoint);
        s.assert_push_judged(&format!("killed at {failpoint}"));
        s.run_ok(&["uninstall"]);
        assert_eq!(listing(&s.hooks()), original, "{failpoint}");
        s.assert_push_judged(&format!("uninstalled after {failpoint}"));
    }
}

#[test]
fn a_held_lock_makes_the_second_install_wait_then_fail_clearly() {
    let repo = Repo::bare();
    let dir = repo.path().join("hooks");
    fs::create_dir_all(&dir).unwrap();
    // A live holder: this test process.
    let lock = dir.join(".trailgate-install.lock");
    fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let started = std::time::Instant::now();
    let out = spawn(&repo, &["install"], &[]).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(
        stderr.contains(".trailgate-install.lock") && stderr.contains("another"),
        "{stderr}"
    );
    assert!(!dir.join("pre-receive").exists());

    // A lock whose holder is gone (a killed install) is taken over.
    fs::write(&lock, "999999999\n").unwrap();
    let out = spawn(&repo, &["install"], &[]).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(is_shim(&fs::read(dir.join("pre-receive")).unwrap()));
    assert!(!lock.exists());
}
