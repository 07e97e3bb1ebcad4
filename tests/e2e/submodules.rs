//! Submodules (docs/policy.md, "Changed paths and production paths"): a gitlink (mode 160000) is a
//! path like a file, and patterns match it as `git check-ignore` matches a directory, so
//! `services/billing/` covers the submodule `services/billing`. Proven by a scan and by a real push
//! into a real pre-receive hook.

use crate::support::{Repo, codes, record};

const POLICY: &str = r#"version = 1
[defaults]
status = "restricted"
[production]
paths = ["services/billing/"]
[refs]
protected = ["refs/heads/main"]
"#;
const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";
const FIRST: &str = "1111111111111111111111111111111111111111";
const SECOND: &str = "2222222222222222222222222222222222222222";

/// Point the gitlink `services/billing` at `commit` and commit that with `message`.
fn move_pointer(repo: &Repo, commit: &str, message: &str) -> String {
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{commit},services/billing"),
    ]);
    repo.commit_bytes(message.as_bytes(), None, &[])
}

/// A repository with the policy and a submodule at `services/billing`, committed by a human;
/// then a restricted assistant's commit that only moves the submodule's pointer.
fn history() -> (Repo, String) {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.git(&["add", "-A"]);
    move_pointer(&repo, FIRST, "policy and billing submodule\n");
    let moved = move_pointer(&repo, SECOND, &format!("bump billing\n\n{CLAUDE}\n"));
    let diff = repo.git(&["diff-tree", "--no-commit-id", "-r", "--name-only", &moved]);
    assert_eq!(diff, "services/billing\n", "git sees one changed path");
    (repo, moved)
}

#[test]
fn a_submodule_pointer_move_under_a_directory_pattern_is_production() {
    let (repo, moved) = history();
    let (code, records) = repo.scan_jsonl(&["HEAD^..HEAD"]);
    assert_eq!(code, 1);
    let r = record(&records, &moved);
    assert_eq!(codes(r), ["restricted-assistant"]);
    assert_eq!(
        r["production_paths"],
        serde_json::json!(["services/billing"])
    );
    assert_eq!(
        r["findings"][0]["paths"],
        serde_json::json!(["services/billing"])
    );
}

#[test]
fn a_submodule_pointer_move_is_rejected_by_a_real_pre_receive() {
    let (client, moved) = history();
    let server = Repo::bare();
    let (code, out, err) = server.run(&["install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");
    client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    // The human commit with the policy lands first.
    client.git(&["push", "-q", "origin", "HEAD^:refs/heads/main"]);

    let push = client.git_output(&["push", "origin", "main"], &[]);
    let err = String::from_utf8_lossy(&push.stderr);
    assert!(!push.status.success(), "{err}");
    assert!(
        err.contains("restricted-assistant") && err.contains("services/billing"),
        "{err}"
    );
    assert!(err.contains("pre-receive hook declined"), "{err}");
    let on_server = server.git(&["rev-parse", "refs/heads/main"]);
    assert_ne!(on_server.trim(), moved, "the pointer move did not land");
}
