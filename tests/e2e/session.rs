//! `trailgate session start|end|status` as assistants' hooks run them: hook JSON on stdin,
//! nothing on stdout, records per worktree.

use crate::support::Repo;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A fixture payload with its `cwd` pointed at `dir` (the fixtures name an example machine).
pub(crate) fn fixture(name: &str, dir: &Path) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    value["cwd"] = serde_json::Value::String(dir.display().to_string());
    serde_json::to_vec(&value).expect("serialise")
}

pub(crate) fn run_in(repo: &Repo, dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let mut cmd = repo.trailgate();
    cmd.current_dir(dir).args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    cmd.output().expect("trailgate runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `session status --format json`, parsed, after checking it succeeded.
fn status_in(repo: &Repo, dir: &Path) -> serde_json::Value {
    let out = run_in(repo, dir, &["session", "status", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn sessions(status: &serde_json::Value) -> Vec<serde_json::Value> {
    status["sessions"].as_array().cloned().unwrap_or_default()
}

fn session_ids(status: &serde_json::Value) -> Vec<String> {
    sessions(status)
        .iter()
        .map(|s| s["session"].as_str().unwrap_or("").to_string())
        .collect()
}

fn records_dir(git_dir: &Path) -> PathBuf {
    git_dir.join("trailgate/sessions")
}

#[test]
fn claude_code_hooks_start_and_end_a_session() {
    let repo = Repo::new();
    // The hook runs wherever Claude Code runs it; the payload's cwd finds the repository.
    let elsewhere = repo.home.path();
    let out = run_in(
        &repo,
        elsewhere,
        &["session", "start", "--assistant", "claude-code"],
        Some(fixture("claude-session-start.json", repo.path())),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        out.stdout.is_empty(),
        "stdout goes to the model: {:?}",
        text(&out.stdout)
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    let files: Vec<_> = std::fs::read_dir(records_dir(&repo.path().join(".git")))
        .expect("records written under the git dir")
        .collect();
    assert_eq!(files.len(), 1);

    let status = status_in(&repo, repo.path());
    let s = &sessions(&status)[0];
    assert_eq!(s["assistant"], "claude-code");
    assert_eq!(s["session"], "a135d3b1-0387-4c0e-9783-7af541189238");
    assert_eq!(s["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(s["cwd"], repo.path().display().to_string());
    assert!(
        s["transcript"]
            .as_str()
            .is_some_and(|t| t.ends_with(".jsonl"))
    );
    assert_eq!(s["state"], "active");
    assert_eq!(s["next_commit"], true);
    assert_eq!(status["head"], serde_json::Value::Null, "no commit yet");

    let out = run_in(
        &repo,
        elsewhere,
        &["session", "end", "--assistant", "claude-code"],
        Some(fixture("claude-session-end.json", repo.path())),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let status = status_in(&repo, repo.path());
    let s = &sessions(&status)[0];
    assert_eq!(s["state"], "pending");
    assert_eq!(s["ended_on"], "refs/heads/main");
    assert!(s["ended"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        s["model"], "claude-sonnet-4-5-20250929",
        "ending keeps the model"
    );

    // SessionStart with source=resume: the same record, open again, same start.
    let started = s["started"].clone();
    let out = run_in(
        &repo,
        repo.path(),
        &["session", "start", "--assistant", "claude-code"],
        Some(fixture("claude-session-start.json", repo.path())),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let status = status_in(&repo, repo.path());
    assert_eq!(sessions(&status).len(), 1);
    assert_eq!(sessions(&status)[0]["state"], "active");
    assert_eq!(sessions(&status)[0]["started"], started);
}

#[test]
fn codex_session_start_payload_and_flags_that_win() {
    let repo = Repo::new();
    let out = run_in(
        &repo,
        repo.path(),
        &[
            "session",
            "start",
            "--assistant",
            "openai-codex",
            "--model",
            "gpt-5.1-codex",
        ],
        Some(fixture("codex-session-start.json", repo.path())),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let status = status_in(&repo, repo.path());
    let s = &sessions(&status)[0];
    assert_eq!(s["session"], "019a6f2e-4b1c-7d30-9e8a-2f5c7b1d9e04");
    assert_eq!(
        s["model"], "gpt-5.1-codex",
        "the flag wins over the payload"
    );
    // The minimal SessionEnd payload (only its id) ends it.
    let out = run_in(
        &repo,
        repo.path(),
        &["session", "end", "--assistant", "openai-codex"],
        Some(fixture("codex-session-end.json", repo.path())),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        sessions(&status_in(&repo, repo.path()))[0]["state"],
        "pending"
    );
}

#[test]
fn kiro_style_hooks_without_stdin_or_id() {
    let repo = Repo::new();
    let (code, stdout, stderr) = repo.run(&["session", "start", "--assistant", "kiro"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let status = status_in(&repo, repo.path());
    let ids = session_ids(&status);
    assert_eq!(ids.len(), 1);
    assert!(ids[0].starts_with("tg-"), "generated id: {}", ids[0]);
    assert_eq!(
        sessions(&status)[0]["cwd"],
        repo.path().display().to_string()
    );

    let (code, stdout, stderr) = repo.run(&["session", "end", "--assistant", "kiro"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stderr}");
    assert_eq!(
        sessions(&status_in(&repo, repo.path()))[0]["state"],
        "pending"
    );

    // Nothing left open: still success, with a word on stderr.
    let (code, stdout, stderr) = repo.run(&["session", "end", "--assistant", "kiro"]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no open session of `kiro`"), "{stderr}");
}

#[test]
fn worktrees_keep_their_own_records() {
    let repo = Repo::new();
    repo.commit("first\n", &[("a.txt", "a\n")]);
    let wt_parent = tempfile::tempdir().expect("temp dir");
    let wt = wt_parent.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "side",
        &wt.display().to_string(),
    ]);

    let start = |dir: &Path, id: &str| {
        let out = run_in(
            &repo,
            dir,
            &[
                "session",
                "start",
                "--assistant",
                "claude-code",
                "--session",
                id,
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    };
    start(repo.path(), "main-session");
    start(&wt, "worktree-session");
    assert_eq!(
        session_ids(&status_in(&repo, repo.path())),
        ["main-session"]
    );
    assert_eq!(session_ids(&status_in(&repo, &wt)), ["worktree-session"]);
    // Ending "the latest open session" in one worktree leaves the other's alone.
    let out = run_in(&repo, &wt, &["session", "end"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sessions(&status_in(&repo, &wt))[0]["state"], "pending");
    assert_eq!(
        sessions(&status_in(&repo, repo.path()))[0]["state"],
        "active"
    );
}

#[test]
fn concurrent_starts_leave_every_record_intact() {
    let repo = Repo::new();
    // Repo is not Sync: build each command here, run them all at once on threads.
    let commands: Vec<_> = (0..20)
        .map(|i| {
            let mut cmd = repo.trailgate();
            cmd.args([
                "session",
                "start",
                "--assistant",
                "claude-code",
                "--session",
            ])
            .arg(format!("session-{i}"));
            cmd
        })
        .collect();
    let handles: Vec<_> = commands
        .into_iter()
        .map(|mut cmd| std::thread::spawn(move || cmd.output().expect("trailgate runs")))
        .collect();
    for h in handles {
        let out = h.join().expect("thread");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let status = status_in(&repo, repo.path());
    assert_eq!(status["errors"], serde_json::json!([]));
    let mut ids = session_ids(&status);
    ids.sort();
    let mut want: Vec<String> = (0..20).map(|i| format!("session-{i}")).collect();
    want.sort();
    assert_eq!(ids, want);
    // Only the records: no temporary files left behind.
    let names: Vec<String> = std::fs::read_dir(records_dir(&repo.path().join(".git")))
        .expect("records")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 20, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".toml")), "{names:?}");
}

#[test]
fn outside_a_repository_start_notes_and_succeeds() {
    let repo = Repo::new();
    let outside = tempfile::tempdir().expect("temp dir");
    let ceiling = outside
        .path()
        .parent()
        .unwrap_or(outside.path())
        .display()
        .to_string();
    for args in [
        &["session", "start", "--assistant", "kiro"][..],
        &["session", "end"][..],
    ] {
        let out = repo
            .trailgate()
            .current_dir(outside.path())
            .env("GIT_CEILING_DIRECTORIES", &ceiling)
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        let stderr = text(&out.stderr);
        assert!(stderr.contains("is not in a git repository"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
    // Same when the payload's cwd is outside a repository.
    let out = run_in(
        &repo,
        repo.path(),
        &["session", "start", "--assistant", "claude-code"],
        Some(fixture("claude-session-start.json", outside.path())),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(status_in(&repo, repo.path())["sessions"] == serde_json::json!([]));
}

#[test]
fn an_ended_session_counts_only_where_it_ended() {
    let repo = Repo::new();
    repo.git(&["commit", "-q", "--allow-empty", "-m", "first"]);
    for id in ["still-open", "ended"] {
        let (code, _, stderr) =
            repo.run(&["session", "start", "--assistant", "kiro", "--session", id]);
        assert_eq!(code, 0, "{stderr}");
    }
    let (code, _, stderr) = repo.run(&["session", "end", "--session", "ended"]);
    assert_eq!(code, 0, "{stderr}");
    let mut next: Vec<(String, bool)> = sessions(&status_in(&repo, repo.path()))
        .iter()
        .map(|s| {
            (
                s["session"].as_str().unwrap_or("").to_string(),
                s["next_commit"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    next.sort();
    assert_eq!(next, [("ended".into(), true), ("still-open".into(), true)]);

    // A commit made without the hooks still moves the branch away from where it ended.
    repo.git(&["commit", "-q", "--allow-empty", "-m", "later"]);
    let status = status_in(&repo, repo.path());
    let ended = sessions(&status)
        .into_iter()
        .find(|s| s["session"] == "ended")
        .expect("listed");
    assert_eq!(
        (ended["state"].as_str(), ended["next_commit"].as_bool()),
        (Some("pending"), Some(false))
    );

    let (code, stdout, _) = repo.run(&["session", "status"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("STATE    NEXT  ASSISTANT"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("pending  no ") && l.contains("kiro")),
        "{stdout}"
    );
    assert!(
        stdout.contains("next: declared on the next commit made here (refs/heads/main at "),
        "{stdout}"
    );
}

#[test]
fn status_reports_corrupt_records_by_file() {
    let repo = Repo::new();
    let (code, _, stderr) =
        repo.run(&["session", "start", "--assistant", "kiro", "--session", "ok"]);
    assert_eq!(code, 0, "{stderr}");
    let bad = records_dir(&repo.path().join(".git")).join("kiro--broken-00000000.toml");
    std::fs::write(&bad, "assistant = \n").expect("write");

    let (code, stdout, stderr) = repo.run(&["session", "status"]);
    assert_eq!(code, 2);
    assert!(
        stdout.contains("kiro"),
        "the good record is still listed: {stdout}"
    );
    assert!(stderr.contains("kiro--broken-00000000.toml"), "{stderr}");

    let (code, stdout, _) = repo.run(&["session", "status", "--format", "json"]);
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(session_ids(&doc), ["ok"]);
    assert!(
        doc["errors"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("kiro--broken-00000000.toml")),
        "{doc}"
    );
}

#[test]
fn bad_input_is_a_clear_error() {
    let repo = Repo::new();
    // (arguments, stdin, what stderr says)
    type Case<'a> = (&'a [&'a str], Option<&'a [u8]>, &'a str);
    let cases: &[Case] = &[
        (
            &["session", "start", "--assistant", "kiro"],
            Some(b"this is not json"),
            "hook input on stdin: not JSON",
        ),
        (
            &["session", "start", "--assistant", "kiro"],
            Some(b"[\"an array\"]"),
            "expected a JSON object",
        ),
        (
            &["session", "start", "--assistant", "Claude Code"],
            None,
            "invalid assistant id",
        ),
        (
            &["session", "start", "--assistant", "kiro", "--session", ""],
            None,
            "invalid session id",
        ),
        (&["session", "start"], None, "--assistant"),
    ];
    for (args, stdin, want) in cases {
        let out = run_in(&repo, repo.path(), args, stdin.map(<[u8]>::to_vec));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        let stderr = text(&out.stderr);
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
}

#[test]
fn session_help_snapshots() {
    let repo = Repo::new();
    for sub in ["start", "end", "status", "clear"] {
        let (code, stdout, _) = repo.run(&["session", sub, "--help"]);
        assert_eq!(code, 0, "{sub}");
        insta::assert_snapshot!(format!("help_session_{sub}"), stdout);
    }
}
