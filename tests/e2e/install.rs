//! `install` / `uninstall` and the hook shim, with real git running the hooks. The shim's
//! `trailgate hook` call goes to a fake `trailgate` on PATH that records its arguments and
//! standard input, so these tests check the shim and not what the hook command decides.

use crate::support::Repo;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A fake `trailgate` in its own directory, logging each call as a line
/// `trailgate ARGS...` to `log`, appending its standard input to `stdin`.
struct Fake {
    bin: PathBuf,
    log: PathBuf,
    stdin: PathBuf,
}

impl Fake {
    fn new(root: &Path, status: i32) -> Fake {
        let bin = root.join("fake-bin");
        fs::create_dir_all(&bin).unwrap();
        let fake = Fake {
            bin,
            log: root.join("calls.log"),
            stdin: root.join("trailgate.stdin"),
        };
        fake.set_status(status);
        fake
    }

    fn set_status(&self, status: i32) {
        let script = format!(
            "#!/bin/sh\nprintf 'trailgate' >>{log}\nfor a in \"$@\"; do printf ' %s' \"$a\" >>{log}; done\n\
             printf '\\n' >>{log}\ncat >>{stdin}\nexit {status}\n",
            log = sq(self.log.display()),
            stdin = sq(self.stdin.display()),
        );
        write_exec(&self.bin.join("trailgate"), &script, 0o755);
    }

    /// The fake binary, for `install --binary`.
    fn binary(&self) -> String {
        self.bin.join("trailgate").display().to_string()
    }

    /// PATH with the fake first.
    fn path(&self) -> String {
        format!("{}:{}", self.bin.display(), path_without_trailgate())
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn stdin(&self) -> String {
        fs::read_to_string(&self.stdin).unwrap_or_default()
    }
}

/// The test's PATH minus any directory holding a `trailgate` (an installed one must not
/// stand in for the fake, or hide a missing binary).
fn path_without_trailgate() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|d| !d.join("trailgate").exists())
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// `text` quoted for sh.
fn sq(text: impl std::fmt::Display) -> String {
    format!("'{}'", text.to_string().replace('\'', r"'\''"))
}

fn write_exec(path: &Path, text: &str, mode: u32) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file of a directory: name, bytes, mode, mtime.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32, SystemTime)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
                meta.permissions().mode() & 0o7777,
                meta.modified().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn hooks(repo: &Repo) -> PathBuf {
    repo.path().join(".git/hooks")
}

fn install_ok(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["install"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = repo.run(&all);
    assert_eq!(code, 0, "install failed: {stderr}");
    stdout
}

/// `git commit` with PATH set; returns (success, stderr).
fn commit_with(repo: &Repo, path: &str, message: &str) -> (bool, String) {
    let out = repo.git_output(
        &["commit", "-q", "--allow-empty", "-m", message],
        &[("PATH", path)],
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn line_index(log: &str, prefix: &str) -> usize {
    log.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{log}"))
}

#[test]
fn install_keeps_existing_hooks_runs_them_first_and_uninstall_restores_them() {
    let repo = Repo::new();
    repo.commit("Initial commit", &[("a.txt", "a\n")]);
    let fake = Fake::new(repo.home.path(), 0);
    let log = sq(fake.log.display());
    let local_stdin = repo.home.path().join("local.stdin");
    let listing = repo.home.path().join("tmp.listing");
    let commit_msg =
        format!("#!/bin/sh\necho \"local commit-msg $*\" >>{log}\nhead -n 1 \"$1\" >>{log}\n");
    let pre_push = format!(
        "#!/bin/sh\necho \"local pre-push $*\" >>{log}\ncat >{}\nls \"$TMPDIR\" >{}\n",
        sq(local_stdin.display()),
        sq(listing.display()),
    );
    write_exec(&hooks(&repo).join("commit-msg"), &commit_msg, 0o750);
    write_exec(&hooks(&repo).join("pre-push"), &pre_push, 0o700);
    let before = snapshot(&hooks(&repo));

    let out = install_ok(&repo, &["--binary", &fake.binary()]);
    assert!(out.contains("commit-msg.local"), "{out}");
    assert!(out.contains("pre-push.local"), "{out}");
    assert_eq!(
        fs::read_to_string(hooks(&repo).join("commit-msg.local")).unwrap(),
        commit_msg
    );
    assert_eq!(mode(&hooks(&repo).join("commit-msg.local")), 0o750);

    // commit-msg: the kept hook runs first, and both get the message file.
    let (ok, err) = commit_with(&repo, &fake.path(), "Add the feature");
    assert!(ok, "commit failed: {err}");
    let calls = fake.log();
    let local = line_index(&calls, "local commit-msg .git/COMMIT_EDITMSG");
    let ours = line_index(&calls, "trailgate hook commit-msg .git/COMMIT_EDITMSG");
    assert!(local < ours, "{calls}");
    assert_eq!(calls.lines().nth(local + 1), Some("Add the feature"));
    line_index(
        &calls,
        "trailgate hook prepare-commit-msg .git/COMMIT_EDITMSG message",
    );

    // pre-push: both get the remote's name and URL and the same ref lines on stdin.
    let remote = Repo::bare();
    let url = remote.path().display().to_string();
    repo.git(&["remote", "add", "origin", &url]);
    let tmp = repo.home.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let tmp_s = tmp.display().to_string();
    let out = repo.git_output(
        &["push", "-q", "origin", "main"],
        &[("PATH", &fake.path()), ("TMPDIR", &tmp_s)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = fake.log();
    let local = line_index(&calls, &format!("local pre-push origin {url}"));
    let ours = line_index(&calls, &format!("trailgate hook pre-push origin {url}"));
    assert!(local < ours, "{calls}");
    let head = repo.head();
    let expected = format!(
        "refs/heads/main {head} refs/heads/main {}\n",
        "0".repeat(40)
    );
    assert_eq!(fs::read_to_string(&local_stdin).unwrap(), expected);
    assert_eq!(fake.stdin(), expected);
    // The shim kept its copy of stdin in TMPDIR while the hooks ran, and removed it.
    let during = fs::read_to_string(&listing).unwrap();
    assert!(
        during.starts_with("trailgate-hook.") && during.lines().count() == 1,
        "{during}"
    );
    assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0);

    let (code, out, err) = repo.run(&["uninstall"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("restored"), "{out}");
    let after = snapshot(&hooks(&repo));
    // Renamed back, not rewritten: the very same files, mtime included.
    assert_eq!(after, before);
}

#[test]
fn a_failing_kept_hook_fails_the_hook_and_trailgate_is_not_run() {
    let repo = Repo::new();
    let fake = Fake::new(repo.home.path(), 0);
    write_exec(
        &hooks(&repo).join("commit-msg"),
        "#!/bin/sh\necho kept hook says no >&2\nexit 3\n",
        0o755,
    );
    install_ok(
        &repo,
        &["--hooks", "commit-msg", "--binary", &fake.binary()],
    );
    let (ok, err) = commit_with(&repo, &fake.path(), "Change");
    assert!(!ok);
    assert!(err.contains("kept hook says no"), "{err}");
    assert!(!fake.log().contains("hook commit-msg"), "{}", fake.log());

    // And trailgate failing fails the commit after the kept hook passed.
    write_exec(&hooks(&repo).join("commit-msg.local"), "#!/bin/sh\n", 0o755);
    fake.set_status(1);
    let (ok, _) = commit_with(&repo, &fake.path(), "Change");
    assert!(!ok);
    assert!(fake.log().contains("trailgate hook commit-msg"));
}

#[test]
fn install_twice_changes_nothing() {
    let repo = Repo::new();
    write_exec(&hooks(&repo).join("pre-push"), "#!/bin/sh\n", 0o755);
    install_ok(&repo, &[]);
    let before = snapshot(&hooks(&repo));
    let out = install_ok(&repo, &[]);
    assert_eq!(
        out.lines().count(),
        trailgate::install::CLIENT_HOOKS.len(),
        "{out}"
    );
    assert!(out.lines().all(|l| l.starts_with("unchanged ")), "{out}");
    assert_eq!(snapshot(&hooks(&repo)), before);
}

#[test]
fn hooks_go_to_core_hooks_path_relative_and_absolute() {
    let repo = Repo::new();
    let fake = Fake::new(repo.home.path(), 0);
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    repo.write("sub/dir/x.txt", "x");
    // Relative to the work tree root, wherever install runs.
    let out = repo
        .trailgate()
        .current_dir(repo.path().join("sub/dir"))
        .args(["install", "--binary", &fake.binary()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.path().join(".githooks/commit-msg").is_file());
    assert!(!repo.path().join("sub/dir/.githooks").exists());
    assert!(!hooks(&repo).join("commit-msg").exists());
    let (ok, err) = commit_with(&repo, &fake.path(), "One");
    assert!(ok, "{err}");
    assert!(fake.log().contains("trailgate hook commit-msg"));

    let abs = repo.home.path().join("shared hooks");
    repo.git(&["config", "core.hooksPath", &abs.display().to_string()]);
    install_ok(&repo, &["--binary", &fake.binary()]);
    for name in trailgate::install::CLIENT_HOOKS {
        assert_eq!(mode(&abs.join(name)), 0o755, "{name}");
    }
    fs::remove_file(&fake.log).unwrap();
    let (ok, err) = commit_with(&repo, &fake.path(), "Two");
    assert!(ok, "{err}");
    assert!(fake.log().contains("trailgate hook commit-msg"));
    repo.run(&["uninstall"]);
    assert_eq!(fs::read_dir(&abs).unwrap().count(), 0);
}

#[test]
fn a_linked_worktree_installs_into_the_common_hooks() {
    let repo = Repo::new();
    repo.commit("Initial commit", &[("a.txt", "a\n")]);
    let fake = Fake::new(repo.home.path(), 0);
    let wt = repo.home.path().join("wt");
    let wt_s = wt.display().to_string();
    repo.git(&["worktree", "add", "-q", "-b", "feature", &wt_s]);
    let out = repo
        .trailgate()
        .current_dir(&wt)
        .args(["install", "--binary", &fake.binary()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(hooks(&repo).join("commit-msg").is_file());
    assert!(!repo.path().join(".git/worktrees/wt/hooks").exists());

    let out = repo.git_output(
        &[
            "-C",
            &wt_s,
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "In the worktree",
        ],
        &[("PATH", &fake.path())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        fake.log().contains("trailgate hook commit-msg"),
        "{}",
        fake.log()
    );
}

#[test]
fn a_missing_binary_fails_the_hook_with_how_to_install() {
    let repo = Repo::new();
    // Install with a copy of the binary, so the fallback path the shim records can vanish.
    let copy_dir = repo.home.path().join("gone");
    fs::create_dir(&copy_dir).unwrap();
    let copy = copy_dir.join("trailgate");
    fs::copy(assert_cmd::cargo::cargo_bin("trailgate"), &copy).unwrap();
    // A child another test thread forked while the copy was open for writing keeps that
    // descriptor until it runs its own program: until then, running the copy is "text file
    // busy". Wait it out.
    let mut tries = 0;
    let out = loop {
        let mut cmd = std::process::Command::new(&copy);
        cmd.current_dir(repo.path())
            .env_clear()
            .env("PATH", path_without_trailgate())
            .env("HOME", repo.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", repo.home.path().join("gitconfig"))
            .arg("install");
        match cmd.output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other.unwrap(),
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        fs::read_to_string(hooks(&repo).join("commit-msg"))
            .unwrap()
            .contains("/gone/trailgate'")
    );
    fs::remove_file(&copy).unwrap();

    let (ok, err) = commit_with(&repo, &path_without_trailgate(), "Change");
    assert!(!ok);
    assert!(
        err.contains("trailgate: cannot find the trailgate binary"),
        "{err}"
    );
    assert!(
        err.contains("sh install.sh") && err.contains("trailgate uninstall"),
        "{err}"
    );
}

#[test]
fn a_stale_trailgate_on_path_does_not_shadow_the_installing_binary() {
    let repo = Repo::new();
    let installed = Fake::new(&repo.home.path().join("installed"), 0);
    let stale = Fake::new(&repo.home.path().join("stale"), 1);
    install_ok(
        &repo,
        &["--hooks", "commit-msg", "--binary", &installed.binary()],
    );
    let (ok, err) = commit_with(&repo, &stale.path(), "Change");
    assert!(ok, "{err}");
    assert!(installed.log().contains("trailgate hook commit-msg"));
    assert!(stale.log().is_empty());
}

#[test]
fn the_installing_binary_is_used_when_not_on_path() {
    let repo = Repo::new();
    // A directory name that needs quoting in sh.
    let odd = repo.home.path().join("it's here");
    let fake = Fake::new(&odd, 0);
    let binary = fake.bin.join("trailgate");
    trailgate::install::install(&hooks(&repo), &["commit-msg"], false, Some(&binary)).unwrap();
    let (ok, err) = commit_with(&repo, &path_without_trailgate(), "Change");
    assert!(ok, "{err}");
    assert!(
        fake.log()
            .contains("trailgate hook commit-msg .git/COMMIT_EDITMSG")
    );
}

#[test]
fn a_bare_repository_gets_pre_receive_and_a_failing_check_rejects_the_push() {
    let server = Repo::bare();
    let fake = Fake::new(server.home.path(), 1);
    let log = sq(fake.log.display());
    let local_stdin = server.home.path().join("local.stdin");
    let kept = format!(
        "#!/bin/sh\necho \"local pre-receive\" >>{log}\ncat >{}\n",
        sq(local_stdin.display())
    );
    write_exec(&server.path().join("hooks/pre-receive"), &kept, 0o755);
    let out = install_ok(&server, &["--binary", &fake.binary()]);
    assert!(out.contains("pre-receive.local"), "{out}");
    assert!(out.contains("git config trailgate.policy"), "{out}");
    assert!(!server.path().join("hooks/commit-msg").exists());

    let client = Repo::new();
    let head = client.commit("Initial commit", &[("a.txt", "a\n")]);
    let url = server.path().display().to_string();
    let tmp = server.home.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let tmp_s = tmp.display().to_string();
    let push = |path: &str| {
        client.git_output(
            &["push", "-q", &url, "main"],
            &[("PATH", path), ("TMPDIR", &tmp_s)],
        )
    };

    let out = push(&fake.path());
    assert!(!out.status.success());
    assert!(
        server
            .git_output(&["rev-parse", "--verify", "-q", "main"], &[])
            .stdout
            .is_empty()
    );
    let expected = format!("{} {head} refs/heads/main\n", "0".repeat(40));
    assert_eq!(fs::read_to_string(&local_stdin).unwrap(), expected);
    assert_eq!(fake.stdin(), expected);
    assert!(
        fake.log().contains("trailgate hook pre-receive\n"),
        "{}",
        fake.log()
    );

    // The shim's copy of stdin is gone, also when trailgate rejected.
    assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0);

    fake.set_status(0);
    let out = push(&fake.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.git(&["rev-parse", "main"]).trim(), head);

    // No binary on PATH and no fallback: the server rejects, saying why.
    let hooks_dir = server.path().join("hooks");
    trailgate::install::install(&hooks_dir, &["pre-receive"], false, None).unwrap();
    let other = client.commit("Second", &[("b.txt", "b\n")]);
    let out = push(&path_without_trailgate());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("remote: trailgate: cannot find the trailgate binary"),
        "{err}"
    );
    assert_ne!(server.git(&["rev-parse", "main"]).trim(), other);
}

#[test]
fn server_flag_installs_pre_receive_in_a_work_tree_repository() {
    let repo = Repo::new();
    let out = install_ok(&repo, &["--server"]);
    assert!(hooks(&repo).join("pre-receive").is_file(), "{out}");
    assert!(!hooks(&repo).join("commit-msg").exists());
}

#[test]
fn refusals_exit_2_and_change_nothing() {
    let repo = Repo::new();
    write_exec(&hooks(&repo).join("commit-msg"), "#!/bin/sh\n", 0o755);
    write_exec(
        &hooks(&repo).join("commit-msg.local"),
        "#!/bin/sh\nexit 0\n",
        0o755,
    );
    let before = snapshot(&hooks(&repo));
    for args in [
        &["install"][..],
        &["install", "--force"],
        &["install", "--hooks", "nope"],
    ] {
        let (code, _, err) = repo.run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            err.contains("commit-msg.local") || err.contains("unknown hook"),
            "{err}"
        );
        assert_eq!(snapshot(&hooks(&repo)), before);
    }
    let (code, out, _) = repo.run(&["uninstall"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("did not write") && out.contains("no trailgate hooks"),
        "{out}"
    );
    assert_eq!(snapshot(&hooks(&repo)), before);
}

#[test]
fn a_kept_hook_that_dispatches_on_its_own_name_draws_a_warning() {
    let repo = Repo::new();
    write_exec(
        &hooks(&repo).join("commit-msg"),
        "#!/bin/sh\nhook=$(basename \"$0\")\nexec run-parts \"$0.d\"\n",
        0o755,
    );
    let (code, _, err) = repo.run(&["install", "--hooks", "commit-msg"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("uses its own file name") && err.contains("trailgate hook commit-msg"),
        "{err}"
    );
    let quiet = Repo::new();
    write_exec(
        &hooks(&quiet).join("commit-msg"),
        "#!/bin/sh\nexit 0\n",
        0o755,
    );
    let (_, _, err) = quiet.run(&["install", "--hooks", "commit-msg"]);
    assert!(!err.contains("warning"), "{err}");
}

/// `install.sh` as a newcomer runs it, with a `cargo` on PATH that "installs" this build of
/// trailgate: the script's own logic runs for real (where the hooks go, what it says).
struct InstallScript {
    /// A copy of trailgate's checkout: a git repository holding `install.sh`.
    checkout: Repo,
    root: tempfile::TempDir,
}

impl InstallScript {
    fn new() -> InstallScript {
        let checkout = Repo::new();
        fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh"),
            checkout.path().join("install.sh"),
        )
        .unwrap();
        checkout.commit("trailgate\n", &[]);
        let root = tempfile::tempdir().unwrap();
        let fake_bin = root.path().join("fake-bin");
        fs::create_dir_all(&fake_bin).unwrap();
        let cargo = fake_bin.join("cargo");
        fs::write(
            &cargo,
            format!(
                "#!/bin/sh\nmkdir -p \"$CARGO_INSTALL_ROOT/bin\" && cp '{}' \"$CARGO_INSTALL_ROOT/bin/trailgate\"\n",
                assert_cmd::cargo::cargo_bin("trailgate").display()
            ),
        )
        .unwrap();
        fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).unwrap();
        InstallScript { checkout, root }
    }

    /// Run `sh install.sh ARGS` in `dir`: (exit code, stderr).
    fn run(&self, dir: &Path, args: &[&str]) -> (i32, String) {
        let install_root = self.root.path().join("cargo-root");
        let path = format!(
            "{}:{}:{}",
            self.root.path().join("fake-bin").display(),
            install_root.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = std::process::Command::new("sh")
            .arg(self.checkout.path().join("install.sh"))
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.checkout.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("CARGO_INSTALL_ROOT", &install_root)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

#[test]
fn install_sh_puts_hooks_where_it_is_told_and_never_into_its_own_checkout() {
    let script = InstallScript::new();
    // Run in trailgate's own checkout: the binary is installed, no hook.
    let (code, err) = script.run(script.checkout.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("trailgate's own checkout: no hooks installed"),
        "{err}"
    );
    assert!(!hooks(&script.checkout).join("commit-msg").exists());
    assert!(err.contains("installed trailgate "), "{err}");

    // Named: the hooks go into that repository, wherever the script is run from.
    let app = Repo::new();
    let (code, err) = script.run(script.checkout.path(), &[app.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(hooks(&app).join("commit-msg").exists(), "{err}");

    // Run inside another repository: the hooks go there.
    let other = Repo::new();
    let (code, err) = script.run(other.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(hooks(&other).join("pre-push").exists(), "{err}");

    // A name that is not a directory is refused before anything is built.
    let (code, err) = script.run(other.path(), &["/nonexistent/repo"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a directory"), "{err}");
    assert!(!err.contains("building"), "{err}");
}

#[test]
fn a_servers_dispatcher_is_not_displaced_on_a_server() {
    // gitolite's multi-hook-driver and Gitea's pre-receive find the hooks they run by their
    // own name: kept as pre-receive.local they would run none of them.
    let server = Repo::bare();
    let hooks_dir = server.path().join("hooks");
    write_exec(
        &hooks_dir.join("pre-receive"),
        "#!/bin/sh\nfor h in \"$0\".*; do \"$h\" || exit 1; done\n",
        0o755,
    );
    let before = snapshot(&hooks_dir);
    let (code, out, err) = server.run(&["install", "--server"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("finds the hooks it runs by its own file name")
            && err.contains("trailgate hook pre-receive"),
        "{err}"
    );
    assert_eq!(snapshot(&hooks_dir), before, "nothing was installed");
    // The shim itself uses `$0`, and is ours: installing again over it is no refusal.
    let plain = Repo::bare();
    assert_eq!(plain.run(&["install", "--server"]).0, 0);
    assert_eq!(plain.run(&["install", "--server"]).0, 0);
}
