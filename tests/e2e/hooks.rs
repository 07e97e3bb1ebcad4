//! Hooks end to end (docs/hooks.md, docs/server.md): real `git commit` and `git push` into real
//! bare repositories, with hooks written by `trailgate install`.

use crate::support::Repo;
use std::process::Output;

const POLICY: &str = r#"version = 1
[defaults]
status = "restricted"
[production]
paths = ["src/**"]
[exceptions]
registry = "exceptions.toml"
[refs]
protected = ["refs/heads/main", "refs/heads/release/*"]
"#;
const REGISTRY: &str = r#"[[exception]]
id = "EXC-1"
assistants = ["claude-code"]
expires = "2099-12-31"
"#;
const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";

/// A client clone with the client hooks and a bare server with `pre-receive`, both installed
/// by `trailgate install`; the policy is committed and pushed by a human first.
pub(crate) struct Setup {
    pub client: Repo,
    pub server: Repo,
}

impl Setup {
    pub(crate) fn new() -> Setup {
        let server = Repo::bare();
        let (code, out, err) = server.run(&["install", "--server"]);
        assert_eq!(code, 0, "{out}{err}");
        let client = Repo::new();
        client.policy(POLICY, Some(REGISTRY));
        client.commit(
            "import\n",
            &[("src/lib.rs", "v1\n"), ("docs/a.txt", "v1\n")],
        );
        client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
        client.git(&["push", "-q", "origin", "main"]);
        let (code, out, err) = client.run(&["install"]);
        assert_eq!(code, 0, "{out}{err}");
        Setup { client, server }
    }

    pub(crate) fn commit(&self, message: &str, files: &[(&str, &str)], extra: &[&str]) -> Output {
        for (p, c) in files {
            self.client.write(p, c);
        }
        self.client.git(&["add", "-A"]);
        let mut args = vec!["commit", "-q", "-m", message];
        args.extend_from_slice(extra);
        self.client.git_output(&args, &[])
    }

    pub(crate) fn push(&self, args: &[&str]) -> Output {
        let mut all = vec!["push"];
        all.extend_from_slice(args);
        self.client.git_output(&all, &[])
    }

    pub(crate) fn server_head(&self, r: &str) -> Option<String> {
        let out = self
            .server
            .git_output(&["rev-parse", "--verify", "-q", r], &[]);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn restricted_commit_is_refused_by_all_three_and_accepted_with_an_exception() {
    let s = Setup::new();
    let msg = format!("touch lib\n\n{CLAUDE}");

    // commit-msg refuses it.
    let o = s.commit(&msg, &[("src/lib.rs", "v2\n")], &[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("restricted-assistant") && stderr(&o).contains("src/lib.rs"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("AI-Exception"),
        "the fix is named: {}",
        stderr(&o)
    );

    // Made anyway, pre-push refuses it.
    assert!(s.commit(&msg, &[], &["--no-verify"]).status.success());
    let bad = s.client.head();
    let o = s.push(&["origin", "main"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&bad[..12]), "{}", stderr(&o));

    // Past the client, the server refuses it: remote lines name the commit, path and fix.
    let o = s.push(&["--no-verify", "origin", "main"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("remote: trailgate: commit") && e.contains(&bad[..12]),
        "{e}"
    );
    assert!(
        e.contains("remote: trailgate:     paths: src/lib.rs"),
        "{e}"
    );
    assert!(
        e.contains("AI-Exception") && e.contains("pre-receive hook declined"),
        "{e}"
    );
    assert_ne!(s.server_head("main").as_deref(), Some(bad.as_str()));

    // With a valid exception, all three accept.
    s.client.git(&["reset", "-q", "--soft", "HEAD~1"]);
    let o = s.commit(&format!("{msg}\nAI-Exception: EXC-1"), &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let good = s.client.head();
    let o = s.push(&["origin", "main"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(s.server_head("main"), Some(good));
}

#[test]
fn a_push_cannot_approve_itself_by_editing_the_policy() {
    let s = Setup::new();
    let loosened = POLICY.replace("status = \"restricted\"", "status = \"approved\"");
    let o = s.commit(
        &format!("loosen and use\n\n{CLAUDE}"),
        &[
            (".trailgate/policy.toml", &loosened),
            ("src/lib.rs", "v2\n"),
        ],
        &["--no-verify"],
    );
    assert!(o.status.success());
    let o = s.push(&["--no-verify", "origin", "main"]);
    assert!(
        !o.status.success(),
        "the server judges with the policy from before the push"
    );
    assert!(
        stderr(&o).contains("restricted-assistant"),
        "{}",
        stderr(&o)
    );

    // The same with a self-made exception in the registry.
    s.client.git(&["reset", "-q", "--hard", "origin/main"]);
    let registry = format!(
        "{REGISTRY}\n[[exception]]\nid = \"EXC-SELF\"\nassistants = [\"*\"]\nexpires = \"2099-12-31\"\n"
    );
    let o = s.commit(
        &format!("self-approve\n\n{CLAUDE}\nAI-Exception: EXC-SELF"),
        &[
            (".trailgate/exceptions.toml", &registry),
            ("src/lib.rs", "v3\n"),
        ],
        &["--no-verify"],
    );
    assert!(o.status.success());
    let o = s.push(&["--no-verify", "origin", "main"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("unknown-exception"), "{}", stderr(&o));
}

#[test]
fn a_commit_parked_on_an_unprotected_branch_is_judged_on_its_way_to_main() {
    let s = Setup::new();
    assert!(
        s.commit(
            &format!("park\n\n{CLAUDE}"),
            &[("src/lib.rs", "v2\n")],
            &["--no-verify"]
        )
        .status
        .success()
    );
    let parked = s.client.head();
    let o = s.push(&["--no-verify", "origin", "HEAD:refs/heads/topic"]);
    assert!(
        o.status.success(),
        "unprotected refs are not judged: {}",
        stderr(&o)
    );
    assert_eq!(s.server_head("topic"), Some(parked.clone()));
    let o = s.push(&["--no-verify", "origin", "main"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(&parked[..12]), "{}", stderr(&o));
    // The same through a server-side update of main from topic: still judged.
    let o = s.push(&["--no-verify", "origin", "topic:main"]);
    assert!(!o.status.success());
}

#[test]
fn several_refs_at_once_deletes_and_new_protected_refs() {
    let s = Setup::new();
    s.client.git(&["branch", "release/1"]);
    s.client.git(&["branch", "scratch"]);
    assert!(s.push(&["origin", "release/1", "scratch"]).status.success());

    // Three refs in one push: main and release/1 carry failing commits, scratch does not matter.
    assert!(
        s.commit(
            &format!("bad main\n\n{CLAUDE}"),
            &[("src/lib.rs", "main\n")],
            &["--no-verify"]
        )
        .status
        .success()
    );
    let bad_main = s.client.head();
    s.client.git(&["checkout", "-q", "release/1"]);
    assert!(
        s.commit(
            &format!("bad release\n\n{CLAUDE}"),
            &[("src/lib.rs", "rel\n")],
            &["--no-verify"]
        )
        .status
        .success()
    );
    let bad_release = s.client.head();
    s.client.git(&["checkout", "-q", "scratch"]);
    assert!(
        s.commit(
            &format!("scratch\n\n{CLAUDE}"),
            &[("src/lib.rs", "scratch\n")],
            &["--no-verify"]
        )
        .status
        .success()
    );
    s.client.git(&["checkout", "-q", "main"]);

    for verify in [true, false] {
        let mut args = vec!["origin", "main", "release/1", "scratch"];
        if !verify {
            args.insert(0, "--no-verify");
        }
        let o = s.push(&args);
        let e = stderr(&o);
        assert!(!o.status.success());
        assert!(
            e.contains(&bad_main[..12]) && e.contains(&bad_release[..12]),
            "every ref judged ({verify}): {e}"
        );
        assert!(
            e.contains("refs/heads/main") && e.contains("refs/heads/release/1"),
            "{e}"
        );
    }

    // Deleting a protected ref is not judged.
    let o = s.push(&["origin", "--delete", "release/1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(s.server_head("release/1"), None);

    // A new protected ref is judged only on commits no protected ref holds. History that
    // reached main before the policy (here: pushed while the server hook was off) is not
    // judged again; the new failing commit is.
    let hook = s.server.path().join("hooks/pre-receive");
    let off = s.server.path().join("hooks/pre-receive.off");
    std::fs::rename(&hook, &off).unwrap();
    s.client
        .git(&["checkout", "-q", "-b", "old-history", "origin/main"]);
    let o = s.commit(
        &format!("before the policy\n\n{CLAUDE}"),
        &[("src/lib.rs", "old\n")],
        &["--no-verify"],
    );
    assert!(o.status.success());
    let old = s.client.head();
    assert!(
        s.push(&["--no-verify", "origin", "HEAD:main"])
            .status
            .success()
    );
    std::fs::rename(&off, &hook).unwrap();
    s.client.git(&["fetch", "-q", "origin"]);
    s.client
        .git(&["checkout", "-q", "-b", "release/2", "origin/main"]);
    let o = s.commit(
        &format!("bad r2\n\n{CLAUDE}"),
        &[("src/lib.rs", "r2\n")],
        &["--no-verify"],
    );
    assert!(o.status.success());
    let bad_r2 = s.client.head();
    let o = s.push(&["--no-verify", "origin", "HEAD:refs/heads/release/3"]);
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(e.contains(&bad_r2[..12]), "{e}");
    assert!(
        !e.contains(&old[..12]),
        "history already on main is not judged again: {e}"
    );
    assert_eq!(
        e.matches("remote: trailgate: commit").count(),
        1,
        "only the new commit: {e}"
    );
}

#[test]
fn a_corrupt_server_policy_rejects_every_push() {
    let s = Setup::new();
    let policy = s.server.home.path().join("server-policy.toml");
    std::fs::write(&policy, "version = 1\n[production]\npaths = [\"src/**\"\n").unwrap();
    s.server
        .git(&["config", "trailgate.policy", policy.to_str().unwrap()]);
    let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &[]);
    assert!(o.status.success());
    let o = s.push(&["--no-verify", "origin", "main"]);
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(
        e.contains("server-policy.toml:4:1:") && e.contains("rejecting the push"),
        "{e}"
    );
    for line in e
        .lines()
        .filter(|l| l.starts_with("remote:") && l.trim() != "remote:")
    {
        assert!(
            line.starts_with("remote: trailgate:"),
            "every line is marked: {line}"
        );
    }
}

#[test]
fn commit_all_path_and_amend_are_judged_on_the_right_paths() {
    let s = Setup::new();
    // `commit -a`: the modified production file is staged by git, not by us.
    s.client.write("src/lib.rs", "v2\n");
    let o = s.client.git_output(
        &["commit", "-q", "-a", "-m", &format!("all\n\n{CLAUDE}")],
        &[],
    );
    assert!(
        !o.status.success() && stderr(&o).contains("src/lib.rs"),
        "{}",
        stderr(&o)
    );

    // `commit PATH` of a docs file only: production changes left in the work tree do not count.
    s.client.write("docs/a.txt", "v2\n");
    let o = s.client.git_output(
        &[
            "commit",
            "-q",
            "-m",
            &format!("docs\n\n{CLAUDE}"),
            "docs/a.txt",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // `commit PATH` of the production file is judged even though the index had nothing staged.
    let o = s.client.git_output(
        &[
            "commit",
            "-q",
            "-m",
            &format!("lib\n\n{CLAUDE}"),
            "src/lib.rs",
        ],
        &[],
    );
    assert!(
        !o.status.success() && stderr(&o).contains("src/lib.rs"),
        "{}",
        stderr(&o)
    );

    // `--amend`: a human commit touching production, then an amend that only adds a Claude
    // trailer: judged against the parent, so the production change counts.
    let o = s
        .client
        .git_output(&["commit", "-q", "-a", "-m", "human change"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.client.git_output(
        &[
            "commit",
            "-q",
            "--amend",
            "-m",
            &format!("human change\n\n{CLAUDE}"),
        ],
        &[],
    );
    assert!(
        !o.status.success() && stderr(&o).contains("src/lib.rs"),
        "amend -m: {}",
        stderr(&o)
    );
    // `--amend --no-edit` of a commit that already declares Claude: also judged on the parent.
    let o = s.client.git_output(
        &[
            "commit",
            "-q",
            "--no-verify",
            "--amend",
            "-m",
            &format!("claude\n\n{CLAUDE}"),
        ],
        &[],
    );
    assert!(o.status.success());
    let o = s
        .client
        .git_output(&["commit", "-q", "--amend", "--no-edit"], &[]);
    assert!(
        !o.status.success() && stderr(&o).contains("src/lib.rs"),
        "{}",
        stderr(&o)
    );
    // An ordinary commit on top, touching only docs, passes: the amend state does not linger.
    let o = s.client.git_output(
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            &format!("empty\n\n{CLAUDE}"),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_merge_is_judged_on_what_it_introduces() {
    let s = Setup::new();
    s.client.git(&["checkout", "-q", "-b", "topic"]);
    assert!(
        s.commit("topic\n", &[("src/lib.rs", "topic\n")], &[])
            .status
            .success()
    );
    s.client.git(&["checkout", "-q", "main"]);
    assert!(
        s.commit("main\n", &[("docs/a.txt", "main\n")], &[])
            .status
            .success()
    );
    // A clean merge declaring Claude introduces nothing of its own: it passes.
    let o = s.client.git_output(
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            &format!("merge\n\n{CLAUDE}"),
            "topic",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A conflicted merge resolved by Claude in production is refused.
    s.client.git(&["checkout", "-q", "-b", "topic2", "HEAD~1"]);
    assert!(
        s.commit("t2\n", &[("src/lib.rs", "t2\n")], &[])
            .status
            .success()
    );
    s.client.git(&["checkout", "-q", "main"]);
    assert!(
        s.commit("m2\n", &[("src/lib.rs", "m2\n")], &[])
            .status
            .success()
    );
    assert!(
        !s.client
            .git_output(&["merge", "-q", "topic2"], &[])
            .status
            .success(),
        "conflict"
    );
    s.client.write("src/lib.rs", "resolved\n");
    s.client.git(&["add", "-A"]);
    let o = s.client.git_output(
        &["commit", "-q", "-m", &format!("merge topic2\n\n{CLAUDE}")],
        &[],
    );
    assert!(
        !o.status.success() && stderr(&o).contains("src/lib.rs"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_update_hook_judges_each_ref() {
    let s = Setup::new();
    let (code, out, err) = s.server.run(&["uninstall"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = s.server.run(&["install", "--hooks", "update"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        s.commit(
            &format!("bad\n\n{CLAUDE}"),
            &[("src/lib.rs", "v2\n")],
            &["--no-verify"]
        )
        .status
        .success()
    );
    let bad = s.client.head();
    let o = s.push(&["--no-verify", "origin", "main", "HEAD:refs/heads/side"]);
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(
        e.contains("hook declined to update refs/heads/main") && e.contains(&bad[..12]),
        "{e}"
    );
    assert_eq!(
        s.server_head("side"),
        Some(bad.clone()),
        "the unprotected ref went through"
    );
    assert_ne!(s.server_head("main"), Some(bad));
}

#[test]
fn push_option_asks_for_evidence_and_every_path() {
    let s = Setup::new();
    s.server
        .git(&["config", "receive.advertisePushOptions", "true"]);
    let files: Vec<(String, String)> = (0..7)
        .map(|i| (format!("src/f{i}.rs"), "x\n".to_string()))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    assert!(
        s.commit(&format!("many\n\n{CLAUDE}"), &refs, &["--no-verify"])
            .status
            .success()
    );
    let o = s.push(&["--no-verify", "origin", "main"]);
    assert!(stderr(&o).contains("and 2 more"), "{}", stderr(&o));
    let o = s.push(&["--no-verify", "-o", "trailgate.verbose", "origin", "main"]);
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(e.contains("src/f6.rs") && !e.contains("and 2 more"), "{e}");
    assert!(
        e.contains(
            "claude-code (restricted) from trailer: Co-Authored-By: Claude <noreply@anthropic.com>"
        ),
        "{e}"
    );
}

#[test]
fn pre_push_from_a_shallow_clone() {
    let s = Setup::new();
    for i in 0..3 {
        assert!(
            s.commit(
                &format!("human {i}\n"),
                &[("docs/a.txt", &format!("{i}\n"))],
                &[]
            )
            .status
            .success()
        );
    }
    assert!(s.push(&["origin", "main"]).status.success());
    let shallow = Repo::new();
    let url = format!("file://{}", s.server.path().display());
    std::fs::remove_dir_all(shallow.path().join(".git")).unwrap();
    shallow.git(&["clone", "-q", "--depth", "1", &url, "."]);
    let (code, out, err) = shallow.run(&["install"]);
    assert_eq!(code, 0, "{out}{err}");
    shallow.write("src/lib.rs", "shallow\n");
    shallow.git(&["add", "-A"]);
    let o = shallow.git_output(
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("from shallow\n\n{CLAUDE}"),
        ],
        &[],
    );
    assert!(o.status.success());
    let o = shallow.git_output(&["push", "origin", "main"], &[]);
    let e = stderr(&o);
    assert!(
        !o.status.success() && e.contains("restricted-assistant"),
        "{e}"
    );
    assert!(!e.contains("panicked") && !e.contains("cannot"), "{e}");
}

#[test]
fn an_unreadable_policy_in_head_rejects_rather_than_approving_everything() {
    let s = Setup::new();
    let blob = s
        .server
        .git(&["rev-parse", "HEAD:.trailgate/policy.toml"])
        .trim()
        .to_string();
    let object = s
        .server
        .path()
        .join("objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(&object).expect("the pushed policy is a loose object");
    assert!(
        s.commit(
            &format!("claude\n\n{CLAUDE}"),
            &[("docs/a.txt", "v2\n")],
            &[]
        )
        .status
        .success()
    );
    let o = s.push(&["--no-verify", "origin", "main"]);
    let e = stderr(&o);
    assert!(!o.status.success(), "{e}");
    assert!(
        e.contains("HEAD:.trailgate/policy.toml") && e.contains("rejecting the push"),
        "{e}"
    );
}

#[test]
fn pre_push_when_the_remote_tip_is_not_in_this_clone() {
    let s = Setup::new();
    // Someone else moves main on the server; this clone has not fetched it.
    let other = Repo::new();
    std::fs::remove_dir_all(other.path().join(".git")).unwrap();
    other.git(&["clone", "-q", s.server.path().to_str().unwrap(), "."]);
    other.commit("elsewhere\n", &[("docs/b.txt", "b\n")]);
    other.git(&["push", "-q", "origin", "main"]);
    let unknown = other.head();
    assert!(
        s.client
            .git_output(&["cat-file", "-e", &unknown], &[])
            .status
            .code()
            != Some(0)
    );
    // A forced push from the stale clone: pre-push gets a remote oid it cannot find.
    assert!(
        s.commit(
            &format!("claude\n\n{CLAUDE}"),
            &[("src/lib.rs", "v2\n")],
            &["--no-verify"]
        )
        .status
        .success()
    );
    let o = s.push(&["--force", "origin", "main"]);
    let e = stderr(&o);
    assert!(
        !o.status.success() && e.contains("restricted-assistant"),
        "{e}"
    );
    assert!(!e.contains("cannot") && !e.contains("panicked"), "{e}");
}

#[test]
fn a_commit_the_walk_lists_before_the_old_tip_reaches_it_is_not_judged() {
    // Clock skew: X, a restricted change already on the server, is dated after the commits
    // that descend from it there (O2, O); NEW, pushed now, has X as its parent. git's walk of
    // `NEW ^O` lists X before O's mark reaches it through O2, then drops it: the hook, which
    // judges commits as the walk lists them, must drop it too and accept the push.
    let s = Setup::new();
    let at = |t: &str| -> [(&'static str, String); 2] {
        [
            ("GIT_AUTHOR_DATE", format!("{t} +0000")),
            ("GIT_COMMITTER_DATE", format!("{t} +0000")),
        ]
    };
    let commit = |message: &str, file: &str, t: &str| -> String {
        s.client.write(file, message);
        s.client.git(&["add", "-A"]);
        let env = at(t);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let o = s
            .client
            .git_output(&["commit", "-q", "--no-verify", "-m", message], &env);
        assert!(o.status.success(), "{}", stderr(&o));
        s.client.head()
    };
    let x = commit(
        &format!("restricted change\n\n{CLAUDE}\n"),
        "src/x.rs",
        "2000000200",
    );
    commit("older descendant\n", "docs/o2.txt", "2000000050");
    let old = commit("old tip\n", "docs/o.txt", "2000000100");
    // The server takes X, O2 and O without judging them: its hook is set aside for this push.
    let hook = s.server.path().join("hooks/pre-receive");
    std::fs::rename(&hook, hook.with_extension("off")).unwrap();
    let o = s.push(&["-q", "--no-verify", "origin", "HEAD:refs/heads/release/1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::rename(hook.with_extension("off"), &hook).unwrap();

    s.client.git(&["reset", "-q", "--hard", &x]);
    let new = commit("clean change\n", "docs/new.txt", "2000000300");
    let listed = s.client.git(&["rev-list", &new, &format!("^{old}")]);
    assert_eq!(listed.trim(), new, "git lists NEW alone");
    let o = s.push(&[
        "-q",
        "--no-verify",
        "--force",
        "origin",
        "HEAD:refs/heads/release/1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        s.server_head("refs/heads/release/1").as_deref(),
        Some(new.as_str())
    );
}
