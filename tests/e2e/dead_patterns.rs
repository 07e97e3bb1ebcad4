//! Patterns that match nothing: `policy check` warns (exit 0) about each, tried on the tree of
//! the policy's revision; `init` says how many files of `HEAD` its starter patterns make
//! production.

use crate::support::Repo;

fn warnings(out: &str) -> Vec<&str> {
    out.lines().filter(|l| l.starts_with("warning: ")).collect()
}

#[test]
fn policy_check_warns_about_each_pattern_that_matches_nothing() {
    let repo = Repo::new();
    repo.commit(
        "Code\n",
        &[
            ("src/app.rs", "a\n"),
            ("docs/guide.md", "g\n"),
            ("lib/z.rs", "z\n"),
        ],
    );
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{},vendor/dep", repo.head()),
    ]);
    repo.git(&["commit", "-q", "-m", "Submodule"]);
    repo.policy(
        "version = 1\n[production]\npaths = [\"src/\", \"srcx/\", \"vendor/dep/\", \"lib/[z-a].rs\"]\nexclude = [\"**/*.md\", \"**/testdata/**\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n",
        Some(
            "[[exception]]\nid = \"EXC-1\"\nassistants = [\"cursor\"]\npaths = [\"src/app.rs\", \"old/\"]\nexpires = 2030-01-01\n",
        ),
    );
    let (code, out, err) = repo.run(&["policy", "check"]);
    assert_eq!(code, 0, "warnings only: {err}");
    let head = &repo.head()[..12];
    assert_eq!(
        warnings(&out),
        [
            format!("warning: .trailgate/policy.toml: [production] paths pattern `srcx/` matches no path in HEAD ({head}): a misspelling, or a directory that moved? Fix it, or remove it"),
            "warning: .trailgate/policy.toml: [production] paths pattern `lib/[z-a].rs` has the reversed range `z-a`, which matches `z` alone as git reads it; write ranges low to high (`a-z`)".to_string(),
            format!("warning: .trailgate/policy.toml: [production] exclude pattern `**/testdata/**` matches no path in HEAD ({head}): a misspelling, or a directory that moved? Fix it, or remove it"),
            format!("warning: .trailgate/exceptions.toml: exception EXC-1 paths pattern `old/` matches no path in HEAD ({head}): a misspelling, or a directory that moved? Fix it, or remove it"),
        ]
    );

    // A `REV:PATH` policy is checked against that revision's tree.
    repo.commit("Policy\n", &[]);
    repo.git(&["branch", "old-layout", "HEAD"]);
    repo.git(&["rm", "-q", "-r", "src"]);
    repo.git(&["commit", "-q", "-m", "Move src away"]);
    let (_, out, _) = repo.run(&["policy", "check", "old-layout:.trailgate/policy.toml"]);
    assert!(!out.contains("pattern `src/`"), "{out}");
    let (_, out, _) = repo.run(&["policy", "check"]);
    assert!(
        out.contains("pattern `src/` matches no path in HEAD"),
        "{out}"
    );
}

#[test]
fn a_tree_that_cannot_be_read_is_said_not_checked() {
    let repo = Repo::new();
    repo.policy("version = 1\n[production]\npaths = [\"nowhere/\"]\n", None);
    // A commit whose tree is not in the repository.
    let commit = "tree 1111111111111111111111111111111111111111\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nBroken\n";
    repo.write("commit.txt", commit);
    let id = repo.git(&[
        "hash-object",
        "-t",
        "commit",
        "--literally",
        "-w",
        "commit.txt",
    ]);
    repo.git(&["update-ref", "refs/heads/main", id.trim()]);
    let (code, out, err) = repo.run(&["policy", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok "), "{out}");
    assert!(
        err.contains("warning: the patterns were not checked against HEAD"),
        "{err}"
    );
}

#[test]
fn outside_a_commit_only_reversed_ranges_are_named() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[production]\npaths = [\"nowhere/\", \"[9-0]x\"]\n",
        None,
    );
    let (code, out, _) = repo.run(&["policy", "check"]);
    assert_eq!(code, 0);
    assert_eq!(warnings(&out).len(), 1, "{out}");
    assert!(out.contains("reversed range `9-0`"));
}

#[test]
fn init_says_how_many_files_of_head_are_production() {
    let repo = Repo::new();
    repo.commit(
        "Code\n",
        &[
            ("src/a.rs", "a\n"),
            ("src/README.md", "r\n"),
            ("src/testdata/x", "x\n"),
            ("tests/t.rs", "t\n"),
        ],
    );
    let (code, out, err) = repo.run(&["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("The starter [production] patterns make 1 of the 4 paths in HEAD production."),
        "{out}"
    );
    assert!(!out.contains("warning"));

    let other = Repo::new();
    other.commit("Code\n", &[("app/main.py", "m\n")]);
    let (_, out, _) = other.run(&["init"]);
    assert!(
        out.contains("make 0 of the 1 path in HEAD production"),
        "{out}"
    );
    assert!(out.contains("warning: no production path"), "{out}");

    let empty = Repo::new();
    let (_, out, _) = empty.run(&["init"]);
    assert!(out.contains("No commit yet"), "{out}");
}
