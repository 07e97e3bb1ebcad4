//! Output formats (docs/output.md): field names of jsonl and json, the human report as snapshots,
//! colour control.

use crate::support::Repo;

const POLICY: &str = r#"
version = 1
[defaults]
status = "restricted"
[production]
paths = ["src/**"]
[exceptions]
registry = "exceptions.toml"
"#;
const REGISTRY: &str = r#"
[[exception]]
id = "EXC-7"
assistants = ["cursor"]
expires = "2027-06-30"
reason = "editor trial"
"#;

/// A small history: a human commit, a failing Claude commit, a warning, a covered Cursor commit.
fn history() -> Repo {
    let repo = Repo::new();
    repo.policy(POLICY, Some(REGISTRY));
    repo.commit(
        "Initial import\n",
        &[("src/main.rs", "fn main() {}\n"), ("README", "hello\n")],
    );
    repo.commit(
        "Rewrite the parser\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n",
        &[("src/main.rs", "fn main() { parse() }\n")],
    );
    repo.commit(
        "Update README\n\nSigned-off-by: Claude <noreply@anthropic.com>\n",
        &[("README", "hi\n")],
    );
    repo.commit(
        "Tidy imports\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\nAI-Exception: EXC-7\n",
        &[("src/main.rs", "fn main() { parse(); }\n")],
    );
    repo
}

fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[test]
fn jsonl_field_names() {
    let repo = history();
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 1);
    assert_eq!(records.len(), 5, "four commits then the summary");
    for r in &records[..4] {
        assert_eq!(
            keys(r),
            [
                "assistants",
                "author",
                "committer",
                "exceptions",
                "findings",
                "id",
                "parents",
                "production_paths",
                "summary",
                "trailers",
                "type",
                "verdict"
            ]
        );
        assert_eq!(r["type"], "commit");
        assert_eq!(keys(&r["author"]), ["email", "name", "time"]);
    }
    let failing = &records[2];
    assert_eq!(failing["summary"], "Rewrite the parser");
    assert_eq!(failing["author"]["time"], "2026-11-01T10:01:00+00:00");
    assert_eq!(keys(&failing["trailers"][0]), ["key", "value"]);
    assert_eq!(
        keys(&failing["assistants"][0]),
        ["evidence", "id", "status"]
    );
    assert_eq!(
        keys(&failing["assistants"][0]["evidence"][0]),
        ["source", "text"]
    );
    assert_eq!(
        keys(&failing["findings"][0]),
        [
            "assistant",
            "code",
            "exception",
            "message",
            "paths",
            "severity"
        ]
    );
    assert_eq!(
        failing["production_paths"],
        serde_json::json!(["src/main.rs"])
    );
    let covered = &records[0];
    assert_eq!(
        covered["exceptions"],
        serde_json::json!([{"id": "EXC-7", "state": "valid"}])
    );
    let human = &records[3];
    assert_eq!(
        human["production_paths"],
        serde_json::Value::Null,
        "not needed: no assistant"
    );
    let summary = &records[4];
    assert_eq!(
        keys(summary),
        [
            "at",
            "by_assistant",
            "commits",
            "embedded_policy",
            "exit_code",
            "findings",
            "generated_at",
            "policy",
            "registry",
            "repository",
            "revisions",
            "trailgate_version",
            "type",
            "unused_exceptions",
            "verdicts"
        ]
    );
    assert_eq!(
        summary["verdicts"],
        serde_json::json!({"pass": 2, "warn": 1, "fail": 1})
    );
    assert_eq!(
        summary["by_assistant"],
        serde_json::json!({"claude-code": 2, "cursor": 1})
    );
    assert_eq!(keys(&summary["policy"]), ["sha256", "source"]);
    assert_eq!(summary["policy"]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn json_document_keeps_notable_commits() {
    let repo = history();
    let (code, stdout, _) = repo.run(&["scan", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(
        doc["commits"].as_array().unwrap().len(),
        3,
        "the human commit is left out"
    );
    assert_eq!(doc["summary"]["commits"], 4);
}

#[test]
fn output_file_is_written_whole() {
    let repo = history();
    let out = repo.home.path().join("report.jsonl");
    let (code, stdout, _) = repo.run(&[
        "scan",
        "--format",
        "jsonl",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 5);
}

/// Stable parts of the human output for snapshots: ids and hashes vary with git versions'
/// object formats only, so keep them, but replace the temp path.
fn human(repo: &Repo, args: &[&str]) -> String {
    let (_, stdout, stderr) = repo.run(args);
    assert!(stderr.is_empty(), "{stderr}");
    stdout
}

#[test]
fn human_scan_snapshot() {
    let repo = history();
    insta::assert_snapshot!("human_scan", human(&repo, &["scan", "--color", "never"]));
}

#[test]
fn quiet_and_summary_leave_commits_out_of_the_human_report_only() {
    let repo = history();
    let full = human(&repo, &["scan", "--color", "never"]);
    let summary_at = full.find("Scanned 4 commits").expect("a summary");
    let (commits, summary) = full.split_at(summary_at);

    let (code, only_summary, stderr) = repo.run(&["scan", "--color", "never", "--summary"]);
    assert_eq!(code, 1, "the failing commit still fails the scan: {stderr}");
    assert_eq!(only_summary, summary);

    // Failing commits only: the warning's commit is left out, the summary still counts it.
    let (code, quiet, _) = repo.run(&["scan", "--color", "never", "-q"]);
    assert_eq!(code, 1);
    let failing = commits
        .split("\n\n")
        .find(|block| block.contains("error["))
        .expect("a failing commit");
    assert_eq!(quiet, format!("{failing}\n\n{summary}"));
    assert!(!quiet.contains("Update README"), "{quiet}");

    for (flag, format) in [("--quiet", "jsonl"), ("--summary", "json"), ("-q", "sarif")] {
        let (code, stdout, stderr) = repo.run(&["scan", flag, "--format", format]);
        assert_eq!(code, 2, "{flag} {format}");
        assert!(stdout.is_empty(), "{flag} {format}: {stdout}");
        assert!(stderr.contains("shapes the human report"), "{stderr}");
    }
}

#[test]
fn human_check_snapshot() {
    let repo = history();
    let id = repo.git(&["rev-parse", "HEAD~2"]).trim().to_string();
    insta::assert_snapshot!(
        "human_check",
        human(&repo, &["check", &id, "--color", "never"])
    );
}

#[test]
fn human_inventory_snapshot() {
    let repo = Repo::new();
    repo.commit(
        "one\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>\n",
        &[],
    );
    repo.commit(
        "two\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
        &[],
    );
    repo.commit("three\n", &[]);
    insta::assert_snapshot!("human_inventory", human(&repo, &["scan"]));
}

#[test]
fn counts_of_one_are_singular() {
    let repo = Repo::new();
    repo.commit("only\n", &[]);
    let inventory = human(&repo, &["scan"]);
    assert!(
        inventory.contains("no assistant found in 1 commit\n"),
        "{inventory}"
    );
    assert!(
        inventory.contains("Scanned 1 commit: 1 pass"),
        "{inventory}"
    );
    let (_, junit, _) = repo.run(&["scan", "--format", "junit"]);
    assert!(junit.contains("name=\"1 commit judged: 1 pass"), "{junit}");
    repo.policy(
        "version = 1\n[production]\npaths = [\"src/**\"]\nexclude = [\"**/*.md\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n",
        Some("[[exception]]\nid = \"EXC-1\"\nassistants = [\"kiro\"]\nexpires = 2099-01-01\n"),
    );
    let check = human(&repo, &["policy", "check"]);
    assert!(
        check.contains("1 production pattern, 1 exclusion, 1 exception\n"),
        "{check}"
    );
}

#[test]
fn colour_control() {
    let repo = history();
    let (_, always, _) = repo.run(&["scan", "--color", "always"]);
    assert!(always.contains("\u{1b}["), "--color always colours");
    let (_, never, _) = repo.run(&["scan", "--color", "never"]);
    assert!(!never.contains('\u{1b}'));
    let out = repo
        .trailgate()
        .args(["scan", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    // Not a terminal: plain by default.
    let (_, auto, _) = repo.run(&["scan"]);
    assert!(!auto.contains('\u{1b}'));
    assert_eq!(auto, never);
}

#[test]
fn trailers_command_prints_git_form() {
    let repo = Repo::new();
    let msg = "subject\n\nbody\n\nSigned-off-by: A <a@b.c>\nAssisted-by: Claude:opus\n  continued\n# a comment\n";
    repo.write("msg.txt", msg);
    let (code, stdout, _) = repo.run(&["trailers", "msg.txt"]);
    assert_eq!(code, 0);
    let cleaned =
        "subject\n\nbody\n\nSigned-off-by: A <a@b.c>\nAssisted-by: Claude:opus continued\n";
    let (_, with_cleanup, _) = repo.run(&["trailers", "--cleanup", "msg.txt"]);
    assert_eq!(
        with_cleanup,
        "Signed-off-by: A <a@b.c>\nAssisted-by: Claude:opus continued\n"
    );
    let out = repo
        .trailgate()
        .arg("trailers")
        .write_stdin(cleaned)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), with_cleanup);
    // Without cleanup the comment line breaks the all-trailers rule exactly as in git.
    let git = repo.git(&["interpret-trailers", "--parse", "--no-divider", "msg.txt"]);
    assert_eq!(stdout, git);
}

#[test]
fn help_snapshots() {
    let repo = Repo::new();
    let commands: &[&[&str]] = &[
        &["--help"],
        &["scan", "--help"],
        &["check", "--help"],
        &["trailers", "--help"],
        &["policy", "check", "--help"],
        &["policy", "show", "--help"],
        &["init", "--help"],
        &["exceptions", "list", "--help"],
        &["install", "--help"],
        &["uninstall", "--help"],
        &["hook", "--help"],
    ];
    for args in commands {
        let (code, stdout, _) = repo.run(args);
        assert_eq!(code, 0, "{args:?}");
        let name = format!("help_{}", args[..args.len() - 1].join("_"));
        let name = if name == "help_" {
            "help".to_string()
        } else {
            name
        };
        insta::assert_snapshot!(name, stdout);
    }
}

#[test]
fn exceptions_list_formats_and_toml_dates() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[exceptions]\nregistry = \"exceptions.toml\"\n",
        Some("[[exception]]\nid = \"EXC-1\"\nassistants = [\"claude-code\"]\nexpires = 2026-06-30\nstarts = 2026-01-01\n"),
    );
    let (code, stdout, stderr) = repo.run(&["exceptions", "list", "--at", "2026-03-01"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("(1 entry, state at 2026-03-01"), "{stdout}");
    assert!(
        stdout.contains(
            "EXC-1  active  assistants: claude-code  starts: 2026-01-01  expires: 2026-06-30"
        ),
        "{stdout}"
    );
    // A registry has nothing to locate, test or lay out: those formats are refused.
    for format in ["sarif", "junit", "html"] {
        let (code, stdout, stderr) = repo.run(&["exceptions", "list", "--format", format]);
        assert_eq!(code, 2, "{format}: {stdout}");
        assert!(stdout.is_empty(), "{format}: {stdout}");
        assert!(
            stderr.contains("[possible values: human, json, jsonl]"),
            "{format}: {stderr}"
        );
    }
    let (_, json, _) = repo.run(&["exceptions", "list", "--format", "json", "--at", "now"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    assert_eq!(doc["exceptions"][0]["state"], "expired");
    assert_eq!(doc["exceptions"][0]["expires"], "2026-06-30");
    let (_, jsonl, _) = repo.run(&["exceptions", "list", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 1);
}

#[test]
fn the_summary_says_what_was_scanned_when_and_by_which_version() {
    let repo = Repo::new();
    repo.commit("One\n", &[("a", "1\n")]);
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://user:hunter2@example.com/team/app.git",
    ]);
    let before = jiff::Timestamp::now().as_second();
    let out = repo
        .trailgate()
        .args([
            "scan",
            "--format",
            "jsonl",
            "--all",
            "--since",
            "2020-01-01",
            "--at",
            "2026-12-01",
        ])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let after = jiff::Timestamp::now().as_second();
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    let summary: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(summary["repository"], "https://example.com/team/app.git");
    assert_eq!(
        summary["revisions"],
        serde_json::json!(["--all", "--since=2020-01-01"])
    );
    assert_eq!(summary["at"], "2026-12-01T00:00:00Z");
    assert_eq!(summary["trailgate_version"], env!("CARGO_PKG_VERSION"));
    let generated: jiff::Timestamp = summary["generated_at"].as_str().unwrap().parse().unwrap();
    assert!(
        (before..=after).contains(&generated.as_second()),
        "{generated}"
    );

    // Without a remote: the repository's path.
    repo.git(&["remote", "remove", "origin"]);
    let (_, records) = repo.scan_jsonl(&["HEAD"]);
    let summary = records.last().unwrap();
    assert_eq!(
        summary["generated_at"], "2027-01-15T08:00:00Z",
        "the tests' fixed time"
    );
    let path = repo.path().canonicalize().unwrap();
    let named = std::path::Path::new(summary["repository"].as_str().unwrap())
        .canonicalize()
        .unwrap();
    assert_eq!(named, path);
    assert_eq!(summary["revisions"], serde_json::json!(["HEAD"]));

    // SOURCE_DATE_EPOCH fixes the time; a value that is not seconds stops the scan.
    let out = repo
        .trailgate()
        .args(["scan", "--format", "jsonl"])
        .env("SOURCE_DATE_EPOCH", "0")
        .output()
        .unwrap();
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(
        last.contains("\"generated_at\":\"1970-01-01T00:00:00Z\""),
        "{last}"
    );
    let out = repo
        .trailgate()
        .args(["scan"])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH is `yesterday`"));
}
