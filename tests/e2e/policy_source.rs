//! Where the policy comes from (docs/policy.md): `--policy`, `trailgate.policy`, the work tree's
//! `.trailgate/policy.toml`, `HEAD`'s tree in a bare repository, then the embedded default.

use crate::support::Repo;

const RESTRICTIVE: &str = "version = 1\n[defaults]\nstatus = \"forbidden\"\n";
const OTHER: &str = "version = 1\n[defaults]\nstatus = \"restricted\"\n";

fn summary_policy(repo: &Repo, args: &[&str]) -> String {
    let (_, records) = repo.scan_jsonl(args);
    records.last().unwrap()["policy"]["source"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn discovery_order() {
    let repo = Repo::new();
    repo.commit("one\n\nAssisted-by: Claude\n", &[]);
    assert_eq!(summary_policy(&repo, &[]), "(embedded default)");

    repo.policy(RESTRICTIVE, None);
    assert_eq!(summary_policy(&repo, &[]), ".trailgate/policy.toml");
    let (code, _) = repo.scan_jsonl(&[]);
    assert_eq!(
        code, 1,
        "claude-code is forbidden by the work tree's policy"
    );

    repo.write("other.toml", OTHER);
    repo.git(&["config", "trailgate.policy", "other.toml"]);
    assert_eq!(summary_policy(&repo, &[]), "other.toml");

    let explicit = repo.home.path().join("explicit.toml");
    std::fs::write(&explicit, OTHER).unwrap();
    assert_eq!(
        summary_policy(&repo, &["--policy", explicit.to_str().unwrap()]),
        explicit.display().to_string()
    );
}

#[test]
fn environment_never_changes_the_policy() {
    let repo = Repo::new();
    repo.commit("one\n\nAssisted-by: Claude\n", &[]);
    let out = repo
        .trailgate()
        .args(["scan", "--format", "jsonl"])
        .env("TRAILGATE_POLICY", "/nonexistent")
        .env("TRAILGATE_CONFIG", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bare_repository_reads_heads_tree() {
    let work = Repo::new();
    work.policy(RESTRICTIVE, None);
    work.commit("policy\n", &[]);
    work.commit("claude\n\nAssisted-by: Claude\n", &[]);
    let bare = Repo::bare();
    work.git(&["push", "-q", bare.path().to_str().unwrap(), "main"]);
    let (code, records) = bare.scan_jsonl(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        records.last().unwrap()["policy"]["source"],
        "HEAD:.trailgate/policy.toml"
    );
}

#[test]
fn rev_path_policy_in_config() {
    let repo = Repo::new();
    repo.policy(RESTRICTIVE, None);
    repo.commit("policy\n", &[]);
    repo.git(&["branch", "policy-branch"]);
    repo.write(".trailgate/policy.toml", OTHER);
    repo.git(&[
        "config",
        "trailgate.policy",
        "policy-branch:.trailgate/policy.toml",
    ]);
    assert_eq!(
        summary_policy(&repo, &[]),
        "policy-branch:.trailgate/policy.toml"
    );
}

#[test]
fn config_policy_is_relative_to_the_work_tree_and_global_config_is_ignored() {
    let repo = Repo::new();
    repo.commit("one\n\nAssisted-by: Claude\n", &[("sub/dir/file", "x\n")]);
    repo.write("policies/p.toml", RESTRICTIVE);
    repo.git(&["config", "trailgate.policy", "policies/p.toml"]);
    let out = repo
        .trailgate()
        .current_dir(repo.path().join("sub/dir"))
        .args(["scan", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A global setting (which follows HOME) never picks the policy.
    let other = Repo::new();
    other.commit("one\n\nAssisted-by: Claude\n", &[]);
    std::fs::write(
        other.home.path().join("gitconfig"),
        "[trailgate]\n\tpolicy = /nonexistent/policy.toml\n",
    )
    .unwrap();
    assert_eq!(summary_policy(&other, &[]), "(embedded default)");
}

#[test]
fn the_inventory_never_fails() {
    let repo = Repo::new();
    repo.commit("one\n\nAssisted-by: Claude\nAI-Exception: EXC-1\n", &[]);
    repo.commit(
        "two\n\nSigned-off-by: Claude <noreply@anthropic.com>\n",
        &[],
    );
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0);
    assert_eq!(records[1]["findings"][0]["severity"], "info");
}
