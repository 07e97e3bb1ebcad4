//! The life of a session record through real `git commit` runs with installed hooks
//! (docs/assistants.md, "When a session is declared"): an ended session is declared at most on the
//! next commit on the branch it ended on; checking out another branch or resetting never revives
//! it; `session clear` forgets every record; open records expire after `[sessions] max_age`.

use crate::support::Repo;

const POLICY: &str = r#"version = 1
[defaults]
status = "restricted"
[assistants.claude-code]
status = "approved"
[production]
paths = ["src/**"]
"#;

fn repo_with_hooks(policy: &str) -> Repo {
    let repo = Repo::new();
    repo.policy(policy, None);
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let (code, out, err) = repo.run(&["install"]);
    assert_eq!(code, 0, "{out}{err}");
    repo
}

fn session(repo: &Repo, args: &[&str]) {
    let mut all = vec!["session"];
    all.extend_from_slice(args);
    let (code, out, err) = repo.run(&all);
    assert_eq!(code, 0, "{all:?}: {out}{err}");
}

/// Change `src/lib.rs` and commit by hand through the hooks; the commit must succeed.
fn commit_by_hand(repo: &Repo, content: &str, message: &str) -> String {
    repo.write("src/lib.rs", content);
    repo.git(&["add", "-A"]);
    let o = repo.git_output(&["commit", "-q", "-m", message], &[]);
    assert!(
        o.status.success(),
        "commit {message:?} refused: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    repo.head()
}

fn trailers(repo: &Repo, rev: &str) -> Vec<String> {
    repo.git(&["log", "-1", "--format=%(trailers:only,unfold)", rev])
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn has_note(repo: &Repo, rev: &str) -> bool {
    repo.git_output(&["notes", "--ref=trailgate", "show", rev], &[])
        .status
        .success()
}

const DECLARED: [&str; 2] = ["Assisted-by: Claude Code", "AI-Session: claude-code:s1"];

/// (session id, state) of every record, from `session status --format json`.
fn states(repo: &Repo) -> Vec<(String, String)> {
    let (code, out, err) = repo.run(&["session", "status", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    doc["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            (
                s["session"].as_str().unwrap_or("").to_string(),
                s["state"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn an_ended_session_does_not_come_back_on_an_older_branch() {
    let repo = repo_with_hooks(POLICY);
    repo.git(&["branch", "older"]);
    session(
        &repo,
        &["start", "--assistant", "claude-code", "--session", "s1"],
    );
    let during = commit_by_hand(&repo, "v2\n", "Work with the assistant");
    assert_eq!(trailers(&repo, &during), DECLARED);
    assert!(has_note(&repo, &during));
    session(&repo, &["end", "--session", "s1"]);
    assert_eq!(states(&repo), [("s1".to_string(), "pending".to_string())]);

    // Another branch, older than the session's end: the session is not revived there.
    repo.git(&["checkout", "-q", "older"]);
    let elsewhere = commit_by_hand(&repo, "human\n", "Human change");
    assert_eq!(trailers(&repo, &elsewhere), Vec::<String>::new());
    assert!(!has_note(&repo, &elsewhere), "no note on a human commit");
    let (code, out, err) = repo.run(&["scan", "older", "--format", "jsonl"]);
    assert_eq!(code, 0, "{out}{err}");

    // Back where it ended: the next commit there may hold its last work, then never again.
    repo.git(&["checkout", "-q", "main"]);
    let next = commit_by_hand(&repo, "v3\n", "Finish the assistant's work");
    assert_eq!(trailers(&repo, &next), DECLARED);
    assert!(has_note(&repo, &next));
    assert_eq!(states(&repo), [("s1".to_string(), "consumed".to_string())]);
    let after = commit_by_hand(&repo, "v4\n", "Human follow-up");
    assert_eq!(trailers(&repo, &after), Vec::<String>::new());
    assert!(!has_note(&repo, &after));
}

#[test]
fn resetting_or_rebasing_does_not_revive_an_ended_session() {
    let repo = repo_with_hooks(POLICY);
    session(
        &repo,
        &["start", "--assistant", "claude-code", "--session", "s1"],
    );
    session(&repo, &["end", "--session", "s1"]);
    let base = repo.head();
    let declared = commit_by_hand(&repo, "v2\n", "The assistant's work");
    assert_eq!(trailers(&repo, &declared), DECLARED);

    repo.git(&["reset", "-q", "--hard", &base]);
    let redo = commit_by_hand(&repo, "v2 by hand\n", "Human redo");
    assert_eq!(trailers(&repo, &redo), Vec::<String>::new());
    assert!(!has_note(&repo, &redo));

    // A branch made before the session, rebased onto today's main, then committed on.
    repo.git(&["checkout", "-q", "-b", "topic", &base]);
    repo.write("docs/a.md", "a\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "docs"]);
    repo.git(&["rebase", "-q", "main"]);
    let on_topic = commit_by_hand(&repo, "v5\n", "Human change on topic");
    assert_eq!(trailers(&repo, &on_topic), Vec::<String>::new());
    assert!(!has_note(&repo, &on_topic));
}

#[test]
fn session_clear_ends_and_forgets_every_record() {
    let repo = repo_with_hooks(POLICY);
    session(
        &repo,
        &["start", "--assistant", "claude-code", "--session", "s1"],
    );
    session(
        &repo,
        &["start", "--assistant", "claude-code", "--session", "s2"],
    );
    session(&repo, &["end", "--session", "s2"]);
    let (code, out, err) = repo.run(&["session", "clear"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("cleared 2 session record"), "{err}");
    assert_eq!(states(&repo), Vec::<(String, String)>::new());

    let id = commit_by_hand(&repo, "v2\n", "Human change");
    assert_eq!(trailers(&repo, &id), Vec::<String>::new());
    assert!(!has_note(&repo, &id));
    // Nothing left to clear is no error.
    let (code, _, err) = repo.run(&["session", "clear"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn open_records_expire_after_max_age() {
    let repo = repo_with_hooks(&format!("{POLICY}[sessions]\nmax_age = \"2h\"\n"));
    session(
        &repo,
        &["start", "--assistant", "claude-code", "--session", "fresh"],
    );
    // A record left open by an assistant that died long ago.
    let dir = repo.path().join(".git/trailgate/sessions");
    std::fs::write(
        dir.join("claude-code--stale-00000000.toml"),
        "assistant = \"claude-code\"\nsession = \"stale\"\nstarted = \"2020-01-01T00:00:00Z\"\n",
    )
    .expect("write record");
    let mut got = states(&repo);
    got.sort();
    assert_eq!(
        got,
        [
            ("fresh".to_string(), "active".to_string()),
            ("stale".to_string(), "expired".to_string())
        ]
    );
    let id = commit_by_hand(&repo, "v2\n", "Work");
    assert_eq!(
        trailers(&repo, &id),
        ["Assisted-by: Claude Code", "AI-Session: claude-code:fresh"]
    );
    let (code, out, _) = repo.run(&["session", "status"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("expired") && l.contains("stale")),
        "{out}"
    );
}

#[test]
fn max_age_is_validated_and_shown() {
    let repo = Repo::new();
    repo.policy(&format!("{POLICY}[sessions]\nmax_age = \"soon\"\n"), None);
    let (code, _, err) = repo.run(&["policy", "check"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(".trailgate/policy.toml:9:11") && err.contains("max_age"),
        "{err}"
    );
    repo.policy(&format!("{POLICY}[sessions]\nmax_age = \"30m\"\n"), None);
    let (code, out, err) = repo.run(&["policy", "show"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("max_age = \"30m\""), "{out}");
    repo.policy(POLICY, None);
    let (_, out, _) = repo.run(&["policy", "show"]);
    assert!(out.contains("max_age = \"12h\""), "{out}");
}
