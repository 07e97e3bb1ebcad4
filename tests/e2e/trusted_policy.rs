//! Trusted policy resolution (docs/policy.md, "Policies on a server") and symbolic refs
//! (docs/server.md, "Symbolic refs"): nothing a pusher
//! or a pull request can create decides which policy applies, and no symbolic ref is a side
//! door into a protected branch. Real `git push` into real bare repositories.

use crate::hooks::{Setup, stderr};
use crate::support::Repo;

const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";
pub(crate) const APPROVE_ALL: &str = "version = 1\n[defaults]\nstatus = \"approved\"\n[refs]\nprotected = [\"refs/heads/main\", \"refs/heads/dev\"]\n";
const RESTRICTIVE: &str =
    "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"src/**\"]\n";
const FIX: &str = "git config trailgate.policy refs/heads/main:.trailgate/policy.toml";

/// A commit by Claude on a production path, made past the client hooks.
pub(crate) fn restricted_commit(s: &Setup, content: &str) -> String {
    let o = s.commit(
        &format!("claude\n\n{CLAUDE}"),
        &[("src/lib.rs", content)],
        &["--no-verify"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    s.client.head()
}

/// Push a commit carrying an approve-all policy to `target` on the server (from a side branch
/// of the client, which is left on `main` again).
fn push_approve_all(s: &Setup, target: &str) -> std::process::Output {
    s.client.git(&["checkout", "-q", "-b", "loosen"]);
    let o = s.commit(
        "loosen\n",
        &[(".trailgate/policy.toml", APPROVE_ALL)],
        &["--no-verify"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.push(&["--no-verify", "origin", &format!("HEAD:{target}")]);
    s.client.git(&["checkout", "-q", "main"]);
    s.client.git(&["branch", "-q", "-D", "loosen"]);
    o
}

#[test]
fn a_ref_named_like_a_short_policy_revision_cannot_choose_the_server_policy() {
    for short in ["main", "short-id"] {
        let s = Setup::new();
        let rev = if short == "main" {
            "main".to_string()
        } else {
            s.server
                .git(&["rev-parse", "--short=12", "main"])
                .trim()
                .to_string()
        };
        s.server.git(&[
            "config",
            "trailgate.policy",
            &format!("{rev}:.trailgate/policy.toml"),
        ]);
        // The attacker's tag, named like the revision, carries an approve-all policy.
        push_approve_all(&s, &format!("refs/tags/{rev}"));
        let before = s.server_head("refs/heads/main");
        let bad = restricted_commit(&s, "v2\n");
        let o = s.push(&["--no-verify", "origin", "main"]);
        let e = stderr(&o);
        assert!(!o.status.success(), "{rev}: {e}");
        assert_ne!(s.server_head("refs/heads/main"), Some(bad), "{rev}");
        assert_eq!(s.server_head("refs/heads/main"), before, "{rev}");
        assert!(
            e.contains(&format!("`{rev}`")) && e.contains(FIX),
            "{rev}: the message says how to fix the setting: {e}"
        );
    }
}

#[test]
fn full_ref_names_and_full_ids_are_read_exactly_on_the_server() {
    let s = Setup::new();
    let pinned = s.server.git(&["rev-parse", "main"]).trim().to_string();
    for spec in [
        "refs/heads/main:.trailgate/policy.toml".to_string(),
        format!("{pinned}:.trailgate/policy.toml"),
    ] {
        s.server.git(&["config", "trailgate.policy", &spec]);
        // A tag named like the full id changes nothing.
        let o = push_approve_all(&s, &format!("refs/tags/{pinned}"));
        assert!(o.status.success(), "{}", stderr(&o));
        restricted_commit(&s, &format!("{spec}\n"));
        let o = s.push(&["--no-verify", "origin", "main"]);
        let e = stderr(&o);
        assert!(
            !o.status.success() && e.contains("error[restricted-assistant]"),
            "{spec}: {e}"
        );
        s.client.git(&["reset", "-q", "--hard", "origin/main"]);
        s.push(&[
            "--no-verify",
            "origin",
            "--delete",
            &format!("refs/tags/{pinned}"),
        ]);
    }
}

#[test]
fn head_and_other_revisions_are_configuration_errors_on_the_server() {
    for spec in [
        "HEAD:.trailgate/policy.toml",
        "heads/main:.trailgate/policy.toml",
    ] {
        let s = Setup::new();
        s.server.git(&["config", "trailgate.policy", spec]);
        let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &["--no-verify"]);
        assert!(o.status.success());
        let o = s.push(&["--no-verify", "origin", "main"]);
        let e = stderr(&o);
        assert!(!o.status.success(), "{spec}: {e}");
        assert!(
            e.contains("rejecting the push") && e.contains(FIX),
            "{spec}: {e}"
        );
        assert!(!e.contains("panicked"), "{e}");
    }
}

/// A scratch repository whose `main` carries a restrictive policy and a Claude commit on a
/// production path.
fn restricted_history() -> Repo {
    let repo = Repo::new();
    repo.policy(RESTRICTIVE, None);
    repo.commit("policy\n", &[("src/lib.rs", "v1\n")]);
    repo.commit(&format!("claude\n\n{CLAUDE}"), &[("src/lib.rs", "v2\n")]);
    repo
}

/// Make `name` (a full ref) point at a commit, off `main`, whose policy approves everything.
fn approve_all_ref(repo: &Repo, name: &str) {
    repo.git(&["checkout", "-q", "-b", "loosen"]);
    repo.commit("loosen\n", &[(".trailgate/policy.toml", APPROVE_ALL)]);
    repo.git(&["update-ref", name, "HEAD"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "loosen"]);
}

#[test]
fn an_ambiguous_short_revision_is_an_error_naming_the_candidates() {
    let repo = restricted_history();
    approve_all_ref(&repo, "refs/tags/main");
    let (code, _, err) = repo.run(&["scan", "--policy", "main:.trailgate/policy.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refs/tags/main") && err.contains("refs/heads/main"),
        "{err}"
    );

    // A hex revision that is also a ref name.
    let repo = restricted_history();
    let short = repo
        .git(&["rev-parse", "--short=10", "HEAD"])
        .trim()
        .to_string();
    approve_all_ref(&repo, &format!("refs/heads/{short}"));
    let (code, _, err) = repo.run(&[
        "scan",
        "--policy",
        &format!("{short}:.trailgate/policy.toml"),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("refs/heads/{short}")), "{err}");

    // The full name, or an unambiguous short one, is read as usual.
    let (code, _, err) = repo.run(&["scan", "--policy", "refs/heads/main:.trailgate/policy.toml"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = repo.run(&["scan", "--policy", "main:.trailgate/policy.toml"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn a_planted_file_does_not_win_over_the_revision() {
    let repo = restricted_history();
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    // A pull request plants a file at the path that spells the spec.
    repo.write("origin/main:.trailgate/policy.toml", APPROVE_ALL);
    let (code, out, err) = repo.run(&[
        "scan",
        "--format",
        "jsonl",
        "--policy",
        "origin/main:.trailgate/policy.toml",
    ]);
    assert_eq!(code, 1, "the revision's policy judges: {out}{err}");
    // The file itself is named with `./`.
    let (code, out, err) = repo.run(&["scan", "--policy", "./origin/main:.trailgate/policy.toml"]);
    assert_eq!(code, 0, "{out}{err}");
    // A revision that does not resolve is an error, never a fallback to the file.
    repo.write("nosuch:policy.toml", APPROVE_ALL);
    let (code, _, err) = repo.run(&["scan", "--policy", "nosuch:policy.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("nosuch") && err.contains("./nosuch:policy.toml"),
        "{err}"
    );
}

#[test]
fn a_symbolic_ref_is_no_side_door_into_a_protected_branch() {
    for hook in ["pre-receive", "update"] {
        let s = Setup::new();
        if hook == "update" {
            assert_eq!(s.server.run(&["uninstall"]).0, 0);
            let (code, out, err) = s.server.run(&["install", "--hooks", "update"]);
            assert_eq!(code, 0, "{out}{err}");
        }
        // master -> main, and a chain: trunk -> latest -> main.
        s.server
            .git(&["symbolic-ref", "refs/heads/master", "refs/heads/main"]);
        s.server
            .git(&["symbolic-ref", "refs/heads/latest", "refs/heads/main"]);
        s.server
            .git(&["symbolic-ref", "refs/heads/trunk", "refs/heads/latest"]);
        let before = s.server_head("refs/heads/main");
        let bad = restricted_commit(&s, "v2\n");
        for door in ["refs/heads/master", "refs/heads/trunk"] {
            let o = s.push(&["--no-verify", "origin", &format!("HEAD:{door}")]);
            let e = stderr(&o);
            assert!(!o.status.success(), "{hook} {door}: {e}");
            assert!(
                e.contains("error[restricted-assistant]"),
                "{hook} {door}: {e}"
            );
            assert_eq!(s.server_head("refs/heads/main"), before, "{hook} {door}");
            assert_ne!(s.server_head("refs/heads/main"), Some(bad.clone()));
        }
        // A symref loop on the server neither hangs nor lets anything through.
        s.server
            .git(&["symbolic-ref", "refs/heads/loop-a", "refs/heads/loop-b"]);
        s.server
            .git(&["symbolic-ref", "refs/heads/loop-b", "refs/heads/loop-a"]);
        let o = s.push(&["--no-verify", "origin", "HEAD:refs/heads/loop-a"]);
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        assert_eq!(s.server_head("refs/heads/main"), before);

        // Harmless work through the symref lands.
        s.client.git(&["reset", "-q", "--hard", "origin/main"]);
        let o = s.commit("harmless\n", &[("docs/a.txt", "v2\n")], &["--no-verify"]);
        assert!(o.status.success());
        let good = s.client.head();
        let o = s.push(&["--no-verify", "origin", "HEAD:refs/heads/master"]);
        assert!(o.status.success(), "{hook}: {}", stderr(&o));
        assert_eq!(s.server_head("refs/heads/main"), Some(good));
    }
}

#[test]
fn an_unprotected_default_branch_gives_the_server_no_policy() {
    let s = Setup::new();
    s.server.git(&["symbolic-ref", "HEAD", "refs/heads/dev"]);
    // Anyone may push to dev: it is not protected.
    let o = push_approve_all(&s, "refs/heads/dev");
    assert!(o.status.success(), "{}", stderr(&o));
    let before = s.server_head("refs/heads/main");
    restricted_commit(&s, "v2\n");
    let o = s.push(&["--no-verify", "origin", "main"]);
    let e = stderr(&o);
    assert!(!o.status.success(), "{e}");
    assert_eq!(s.server_head("refs/heads/main"), before);
    assert!(
        e.contains("no policy") && e.contains("refs/heads/dev") && e.contains(FIX),
        "{e}"
    );

    // Set by the administrators, the policy on main judges again.
    s.server.git(&[
        "config",
        "trailgate.policy",
        "refs/heads/main:.trailgate/policy.toml",
    ]);
    let o = s.push(&["--no-verify", "origin", "main"]);
    let e = stderr(&o);
    assert!(
        !o.status.success() && e.contains("error[restricted-assistant]"),
        "{e}"
    );
}

/// `.trailgate/policy.toml` committed on `main` as something other than a file.
fn odd_policy_entry(s: &Setup, kind: &str) {
    let c = &s.client;
    c.git(&["rm", "-q", "--cached", ".trailgate/policy.toml"]);
    std::fs::remove_file(c.path().join(".trailgate/policy.toml")).unwrap();
    match kind {
        "tree" => c.write(".trailgate/policy.toml/inner.toml", APPROVE_ALL),
        "symlink" => {
            c.write(".trailgate/approve.toml", APPROVE_ALL);
            std::os::unix::fs::symlink("approve.toml", c.path().join(".trailgate/policy.toml"))
                .unwrap();
        }
        _ => {
            let id = c.head();
            c.git(&[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{id},.trailgate/policy.toml"),
            ]);
        }
    }
    if kind != "gitlink" {
        c.git(&["add", "-A"]);
    }
    let o = c.git_output(
        &["commit", "-q", "--no-verify", "-m", "move the policy"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_policy_path_that_is_not_a_file_rejects() {
    for kind in ["tree", "gitlink", "symlink"] {
        let s = Setup::new();
        odd_policy_entry(&s, kind);
        let o = s.push(&["--no-verify", "origin", "main"]);
        assert!(
            o.status.success(),
            "{kind}: the policy before this push judges it: {}",
            stderr(&o)
        );
        let before = s.server_head("refs/heads/main");
        restricted_commit(&s, "v2\n");
        let o = s.push(&["--no-verify", "origin", "main"]);
        let e = stderr(&o);
        assert!(!o.status.success(), "{kind}: {e}");
        assert!(
            e.contains("rejecting the push")
                && e.contains(".trailgate/policy.toml")
                && e.contains("not a file"),
            "{kind}: {e}"
        );
        assert_eq!(s.server_head("refs/heads/main"), before);

        // A scan of the server and of the client says the same, exit 2.
        let (code, _, err) = s.server.run(&["scan"]);
        assert_eq!(code, 2, "{kind}: {err}");
        assert!(err.contains("not a file"), "{kind}: {err}");
        let (code, _, err) = s
            .client
            .run(&["scan", "--policy", "HEAD:.trailgate/policy.toml"]);
        assert_eq!(code, 2, "{kind}: {err}");
    }
}

#[test]
fn a_dangling_policy_symlink_in_the_work_tree_is_an_error() {
    let repo = Repo::new();
    repo.commit(&format!("claude\n\n{CLAUDE}"), &[("src/lib.rs", "v1\n")]);
    std::fs::create_dir_all(repo.path().join(".trailgate")).unwrap();
    std::os::unix::fs::symlink("nowhere.toml", repo.path().join(".trailgate/policy.toml")).unwrap();
    let (code, _, err) = repo.run(&["scan"]);
    assert_eq!(code, 2, "never the approve-all default: {err}");
    assert!(err.contains(".trailgate/policy.toml"), "{err}");
}

#[test]
fn install_server_names_the_full_form_and_warns_of_a_setting_the_hooks_reject() {
    let server = Repo::bare();
    let (code, out, err) = server.run(&["install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(FIX), "{out}");
    server.git(&["config", "trailgate.policy", "main:.trailgate/policy.toml"]);
    let (code, out, err) = server.run(&["install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("will reject every push") && err.contains(FIX),
        "{err}"
    );
}

#[test]
fn a_registry_that_is_not_a_file_is_an_error() {
    let repo = Repo::new();
    repo.policy(
        &format!("{RESTRICTIVE}[exceptions]\nregistry = \"exceptions.toml\"\n"),
        None,
    );
    repo.write("real-exceptions.toml", "");
    std::os::unix::fs::symlink(
        "../real-exceptions.toml",
        repo.path().join(".trailgate/exceptions.toml"),
    )
    .unwrap();
    repo.commit("policy\n", &[("src/lib.rs", "v1\n")]);
    let (code, _, err) = repo.run(&["scan", "--policy", "refs/heads/main:.trailgate/policy.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "`.trailgate/exceptions.toml` in `refs/heads/main` is a symbolic link, not a file"
        ),
        "{err}"
    );
    // Found in the work tree, the same link is refused too.
    let (code, _, err) = repo.run(&["scan"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(".trailgate/exceptions.toml") && err.contains("symbolic link"),
        "{err}"
    );
}
