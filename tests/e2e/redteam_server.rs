//! The server hook attacked as a hostile pusher and a careless administrator would: each test
//! is a way around `pre-receive`/`update` that once worked. Real `git push` into real bare
//! repositories.

use crate::hooks::{Setup, stderr};
use crate::trusted_policy::{APPROVE_ALL, restricted_commit};

/// Use only the hooks named (the server starts with `pre-receive`).
fn server_hooks(s: &Setup, hook: &str) {
    assert_eq!(s.server.run(&["uninstall"]).0, 0);
    let (code, out, err) = s.server.run(&["install", "--hooks", hook]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_symbolic_ref_inside_a_namespace_is_no_side_door() {
    for hook in ["pre-receive", "update"] {
        let s = Setup::new();
        server_hooks(&s, hook);
        // The project `a/b` is served from refs/namespaces/a/refs/namespaces/b/ (git's
        // nesting), with a master -> main symbolic ref as namespaced projects keep them.
        let ns = "refs/namespaces/a/refs/namespaces/b";
        let main = s.server.git(&["rev-parse", "main"]).trim().to_string();
        s.server
            .git(&["update-ref", &format!("{ns}/refs/heads/main"), &main]);
        s.server.git(&[
            "symbolic-ref",
            &format!("{ns}/HEAD"),
            &format!("{ns}/refs/heads/main"),
        ]);
        s.server.git(&[
            "symbolic-ref",
            &format!("{ns}/refs/heads/master"),
            &format!("{ns}/refs/heads/main"),
        ]);
        s.server.git(&[
            "config",
            "trailgate.policy",
            "refs/heads/main:.trailgate/policy.toml",
        ]);
        let receive = "--receive-pack=GIT_NAMESPACE=a/b git-receive-pack";
        let url = s.server.path().to_str().unwrap().to_string();
        let bad = restricted_commit(&s, "v2\n");
        for door in ["refs/heads/master", "refs/heads/main"] {
            let o = s.push(&["--no-verify", receive, &url, &format!("HEAD:{door}")]);
            let e = stderr(&o);
            assert!(!o.status.success(), "{hook} {door}: {e}");
            assert!(
                e.contains("error[restricted-assistant]"),
                "{hook} {door}: {e}"
            );
            assert_eq!(
                s.server_head(&format!("{ns}/refs/heads/main")),
                Some(main.clone()),
                "{hook} {door}"
            );
        }
        assert_ne!(s.server_head(&format!("{ns}/refs/heads/main")), Some(bad));

        // Harmless work through the symbolic ref lands in the namespace's main.
        s.client.git(&["reset", "-q", "--hard", &main]);
        let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &["--no-verify"]);
        assert!(o.status.success());
        let good = s.client.head();
        let o = s.push(&["--no-verify", receive, &url, "HEAD:refs/heads/master"]);
        assert!(o.status.success(), "{hook}: {}", stderr(&o));
        assert_eq!(s.server_head(&format!("{ns}/refs/heads/main")), Some(good));
    }
}

#[test]
fn deleting_the_branch_the_policy_comes_from_is_refused() {
    for hook in ["pre-receive", "update"] {
        let s = Setup::new();
        server_hooks(&s, hook);
        // A careless setting: git itself no longer refuses to delete HEAD's branch.
        s.server
            .git(&["config", "receive.denyDeleteCurrent", "ignore"]);
        let before = s.server_head("refs/heads/main");
        let o = s.push(&["--no-verify", "origin", ":refs/heads/main"]);
        let e = stderr(&o);
        assert!(!o.status.success(), "{hook}: {e}");
        assert!(
            e.contains("refs/heads/main") && e.contains("trailgate.policy"),
            "{hook}: the message names the branch and the fix: {e}"
        );
        assert_eq!(s.server_head("refs/heads/main"), before, "{hook}");

        // Had the deletion gone through, the embedded default would judge the next push.
        restricted_commit(&s, "v2\n");
        let o = s.push(&["--no-verify", "origin", "main"]);
        assert!(!o.status.success(), "{hook}: {}", stderr(&o));
        assert_eq!(s.server_head("refs/heads/main"), before, "{hook}");

        // Other branches are deleted as usual.
        let o = s.push(&["--no-verify", "origin", "HEAD~1:refs/heads/topic"]);
        assert!(o.status.success(), "{hook}: {}", stderr(&o));
        let o = s.push(&["--no-verify", "origin", ":refs/heads/topic"]);
        assert!(o.status.success(), "{hook}: {}", stderr(&o));
        assert_eq!(s.server_head("refs/heads/topic"), None);
    }
}

#[test]
fn a_huge_hook_timeout_is_a_setting_error_not_a_panic() {
    let s = Setup::new();
    s.server.git(&["config", "trailgate.hookTimeout", "1e308"]);
    let before = s.server_head("refs/heads/main");
    let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &["--no-verify"]);
    assert!(o.status.success());
    let o = s.push(&["--no-verify", "origin", "main"]);
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "{e}");
    assert!(!o.status.success(), "{e}");
    assert!(e.contains("must be a positive number of seconds"), "{e}");
    assert_eq!(s.server_head("refs/heads/main"), before);
}

#[test]
fn a_namespace_without_a_policy_setting_rejects_pushes_to_protected_refs() {
    let s = Setup::new();
    let ns = "refs/namespaces/foo";
    let main = s.server.git(&["rev-parse", "main"]).trim().to_string();
    s.server
        .git(&["update-ref", &format!("{ns}/refs/heads/main"), &main]);
    s.server.git(&[
        "symbolic-ref",
        &format!("{ns}/HEAD"),
        &format!("{ns}/refs/heads/main"),
    ]);
    let receive = "--receive-pack=GIT_NAMESPACE=foo git-receive-pack";
    let url = s.server.path().to_str().unwrap().to_string();
    restricted_commit(&s, "v2\n");
    let o = s.push(&["--no-verify", receive, &url, "HEAD:refs/heads/main"]);
    let e = stderr(&o);
    assert!(!o.status.success(), "{e}");
    assert!(
        e.contains("namespace `foo`") && e.contains("trailgate.policy"),
        "{e}"
    );
    assert_eq!(s.server_head(&format!("{ns}/refs/heads/main")), Some(main));
}

#[test]
fn many_new_protected_refs_in_a_repository_of_many_refs_are_judged_in_time() {
    let s = Setup::new();
    // The budget GitHub Enterprise gives all hooks together.
    s.server.git(&["config", "trailgate.hookTimeout", "5"]);
    let main = s.server.git(&["rev-parse", "main"]).trim().to_string();
    let mut create = String::new();
    for i in 0..1000 {
        create.push_str(&format!("create refs/heads/old/{i} {main}\n"));
    }
    let list = s.server.path().join("create-refs");
    std::fs::write(&list, create).unwrap();
    let status = std::process::Command::new("git")
        .current_dir(s.server.path())
        .args(["update-ref", "--stdin"])
        .stdin(std::fs::File::open(&list).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &["--no-verify"]);
    assert!(o.status.success());
    let head = s.client.head();
    let mut args = vec!["--no-verify".to_string(), "origin".to_string()];
    args.extend((0..200).map(|i| format!("HEAD:refs/heads/release/{i}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = s.push(&args);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(!e.contains("could not be judged within"), "{e}");
    assert_eq!(s.server_head("refs/heads/release/199"), Some(head));
}

#[test]
fn rewinding_the_branch_the_policy_comes_from_is_refused() {
    for setting in [None, Some("refs/heads/main:.trailgate/policy.toml")] {
        let s = Setup::new();
        if let Some(setting) = setting {
            s.server.git(&["config", "trailgate.policy", setting]);
        }
        let strict = std::fs::read_to_string(s.client.path().join(".trailgate/policy.toml"))
            .expect("the policy");
        // A person loosens the policy, then restores it: both land, judged as usual.
        let loosen = [(".trailgate/policy.toml", APPROVE_ALL)];
        assert!(
            s.commit("loosen\n", &loosen, &["--no-verify"])
                .status
                .success()
        );
        let loose = s.client.head();
        let tighten = [(".trailgate/policy.toml", strict.as_str())];
        assert!(
            s.commit("tighten\n", &tighten, &["--no-verify"])
                .status
                .success()
        );
        let o = s.push(&["--no-verify", "origin", "main"]);
        assert!(o.status.success(), "{setting:?}: {}", stderr(&o));
        let before = s.server_head("refs/heads/main");

        // A rewind brings no commit to judge, yet would bring the loose policy back.
        let to_loose = format!("{loose}:refs/heads/main");
        let o = s.push(&["--no-verify", "--force", "origin", &to_loose]);
        let e = stderr(&o);
        assert!(!o.status.success(), "{setting:?}: {e}");
        assert!(e.contains("refusing to rewind refs/heads/main"), "{e}");
        assert_eq!(s.server_head("refs/heads/main"), before, "{setting:?}");

        // New commits on top land as before.
        let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &["--no-verify"]);
        assert!(o.status.success());
        let o = s.push(&["--no-verify", "origin", "main"]);
        assert!(o.status.success(), "{setting:?}: {}", stderr(&o));
    }
}
