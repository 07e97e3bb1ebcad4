//! Session metadata through the installed hooks (docs/assistants.md): a session recorded from an
//! assistant's hook payload ends up declared in the commit's trailers and in a note on it;
//! metadata the message does not declare is flagged; worktrees keep their sessions apart.

use crate::session::{fixture, run_in};
use crate::support::{Repo, assistants, codes, record};

const POLICY: &str = r#"version = 1
[defaults]
status = "restricted"
[assistants.claude-code]
status = "approved"
[assistants.cursor]
status = "approved"
[production]
paths = ["src/**"]
"#;

fn repo_with_hooks() -> Repo {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let (code, out, err) = repo.run(&["install"]);
    assert_eq!(code, 0, "{out}{err}");
    repo
}

fn trailers(repo: &Repo, rev: &str) -> Vec<String> {
    repo.git(&["log", "-1", "--format=%(trailers:only,unfold)", rev])
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_claude_code_session_is_declared_in_the_commit_and_noted_on_it() {
    let repo = repo_with_hooks();
    let out = run_in(
        &repo,
        repo.path(),
        &["session", "start", "--assistant", "claude-code"],
        Some(fixture("claude-session-start.json", repo.path())),
    );
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    repo.write("src/lib.rs", "v2\n");
    repo.git(&["add", "-A"]);
    let o = repo.git_output(&["commit", "-q", "-m", "Add the feature"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        trailers(&repo, "HEAD"),
        [
            "Assisted-by: Claude Code:claude-sonnet-4-5-20250929",
            "AI-Session: claude-code:a135d3b1-0387-4c0e-9783-7af541189238"
        ]
    );
    let note = repo.git(&["notes", "--ref=trailgate", "show", "HEAD"]);
    assert!(
        note.contains("assistant = \"claude-code\"")
            && note.contains("a135d3b1-0387-4c0e-9783-7af541189238"),
        "{note}"
    );

    let head = repo.head();
    let (_, records) = repo.scan_jsonl(&[]);
    let r = record(&records, &head);
    assert_eq!(assistants(r), ["claude-code"]);
    assert_eq!(codes(r), Vec::<String>::new());
    let sources: Vec<&str> = r["assistants"][0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["trailer", "session-trailer", "note"]);

    // A merge made while the session is open gets no trailers and no note.
    repo.git(&["checkout", "-q", "-b", "side", "HEAD~1"]);
    repo.git(&["commit", "-q", "--no-verify", "--allow-empty", "-m", "side"]);
    repo.git(&["checkout", "-q", "main"]);
    let o = repo.git_output(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(trailers(&repo, "HEAD"), Vec::<String>::new());
    assert!(
        !repo
            .git_output(&["notes", "--ref=trailgate", "show", "HEAD"], &[])
            .status
            .success()
    );
}

#[test]
fn removing_the_declaration_leaves_an_undeclared_assistant() {
    let repo = repo_with_hooks();
    let out = run_in(
        &repo,
        repo.path(),
        &[
            "session",
            "start",
            "--assistant",
            "cursor",
            "--session",
            "conv-1",
        ],
        None,
    );
    assert!(out.status.success());
    // The engineer deleted the trailers prepare-commit-msg added: the record still speaks.
    let msg = repo.home.path().join("MSG");
    std::fs::write(&msg, "quiet\n").unwrap();
    let out = repo
        .trailgate()
        .args(["hook", "commit-msg", msg.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "a warning by default: {err}");
    assert!(
        err.contains("undeclared-assistant") && err.contains("session record: cursor conv-1"),
        "{err}"
    );
}

#[test]
fn an_undeclared_git_ai_note_is_flagged_by_scan_check_and_the_server() {
    let server = Repo::bare();
    server.run(&["install", "--server"]);
    let client = Repo::new();
    client.policy(
        &format!("{POLICY}\n[severity]\nundeclared-assistant = \"error\"\n"),
        None,
    );
    client.commit("import\n", &[("src/lib.rs", "v1\n")]);
    client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    client.git(&["push", "-q", "origin", "main"]);
    let id = client.commit("quiet change\n", &[("docs/a.txt", "x\n")]);
    let note = "docs/a.txt\n  d4a7828bfdafe456 1\n---\n{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"0\",\"prompts\":{\"d4a7828bfdafe456\":{\"agent_id\":{\"tool\":\"claude\",\"id\":\"s1\",\"model\":\"claude-opus-4-7\"}}}}\n";
    client.git(&["notes", "--ref=ai", "add", "-m", note, &id]);

    let (code, records) = client.scan_jsonl(&[]);
    assert_eq!(code, 1);
    assert_eq!(codes(record(&records, &id)), ["undeclared-assistant"]);
    let (code, stdout, _) = client.run(&["check", &id]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("undeclared-assistant") && stdout.contains("note"),
        "{stdout}"
    );

    // The server sees the note once it has it, and refuses the commit.
    client.git(&["push", "-q", "origin", "refs/notes/ai"]);
    let o = client.git_output(&["push", "origin", "main"], &[]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && e.contains("undeclared-assistant"),
        "{e}"
    );
}

#[test]
fn prepare_commit_msg_keeps_every_byte_and_adds_each_trailer_once() {
    let repo = repo_with_hooks();
    run_in(
        &repo,
        repo.path(),
        &[
            "session",
            "start",
            "--assistant",
            "claude-code",
            "--session",
            "s-1",
            "--model",
            "claude-opus-4-7",
        ],
        None,
    );
    let added = [
        "Assisted-by: Claude Code:claude-opus-4-7",
        "AI-Session: claude-code:s-1",
    ];
    let cases: &[&str] = &[
        "Fix the parser\n\nBody text.\n\nSigned-off-by: Jane Doe <jane@example.com>\n",
        "Fix the parser\n\n# Please enter the commit message for your changes.\n# Lines starting with '#' will be ignored.\n",
        "Fix the parser\n\nBody.\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+Assisted-by: not me\n",
        "Fix the parser\r\n\r\nBody text.\r\n\r\nReviewed-by: A <a@b.c>\r\n",
        "Fix the parser without a newline",
        "Fix the parser\n\nAssisted-by: Claude Code:claude-opus-4-7\n",
    ];
    for original in cases {
        let file = repo.home.path().join("COMMIT_EDITMSG");
        std::fs::write(&file, original).unwrap();
        let run = || {
            let out = repo
                .trailgate()
                .args(["hook", "prepare-commit-msg", file.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::fs::read(&file).unwrap()
        };
        let once = run();
        let twice = run();
        assert_eq!(once, twice, "idempotent for {original:?}");
        let text = String::from_utf8(once).unwrap();
        // Every line of the original is there, in order; the only extra lines are the added
        // trailers and blank separators.
        let mut wanted = original
            .split_inclusive('\n')
            .map(|l| l.trim_end_matches(['\n', '\r']))
            .peekable();
        for line in text
            .split_inclusive('\n')
            .map(|l| l.trim_end_matches(['\n', '\r']))
        {
            if wanted.peek() == Some(&line) {
                wanted.next();
            } else {
                assert!(
                    line.is_empty() || added.contains(&line),
                    "unexpected line {line:?} for {original:?}:\n{text:?}"
                );
            }
        }
        assert_eq!(
            wanted.next(),
            None,
            "every original line kept for {original:?}:\n{text:?}"
        );
        assert!(
            text.starts_with(original.split_inclusive('\n').next().unwrap()),
            "{text:?}"
        );
        if let Some(cut) = text.find(">8") {
            assert!(
                text.find(added[0]).unwrap() < cut,
                "trailers go above the scissors: {text:?}"
            );
        }
        if original.contains("\r\n") {
            assert!(
                text.contains(&format!("{}\r\n", added[1])),
                "CRLF kept: {text:?}"
            );
        }
        let parsed = repo
            .trailgate()
            .args(["trailers", "--cleanup"])
            .write_stdin(text.clone())
            .output()
            .unwrap();
        let parsed = String::from_utf8_lossy(&parsed.stdout).into_owned();
        for a in added {
            assert_eq!(
                parsed.matches(a).count(),
                1,
                "{a} once in {original:?}: {parsed}"
            );
        }
    }
}

#[test]
fn two_sessions_in_two_worktrees_do_not_mix() {
    let repo = repo_with_hooks();
    let wt = repo.home.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().unwrap(),
    ]);
    run_in(
        &repo,
        repo.path(),
        &[
            "session",
            "start",
            "--assistant",
            "claude-code",
            "--session",
            "main-s",
        ],
        None,
    );
    run_in(
        &repo,
        &wt,
        &[
            "session",
            "start",
            "--assistant",
            "cursor",
            "--session",
            "wt-s",
        ],
        None,
    );

    repo.write("src/lib.rs", "main\n");
    repo.git(&["add", "-A"]);
    assert!(
        repo.git_output(&["commit", "-q", "-m", "in main"], &[])
            .status
            .success()
    );
    std::fs::write(wt.join("src/lib.rs"), "wt\n").unwrap();
    let git_wt = |args: &[&str]| {
        let mut all = vec!["-C", wt.to_str().unwrap()];
        all.extend_from_slice(args);
        repo.git_output(&all, &[])
    };
    assert!(git_wt(&["add", "-A"]).status.success());
    let o = git_wt(&["commit", "-q", "-m", "in worktree"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    assert_eq!(
        trailers(&repo, "main"),
        ["Assisted-by: Claude Code", "AI-Session: claude-code:main-s"]
    );
    assert_eq!(
        trailers(&repo, "feature"),
        ["Assisted-by: Cursor", "AI-Session: cursor:wt-s"]
    );
    assert!(
        repo.git(&["notes", "--ref=trailgate", "show", "feature"])
            .contains("wt-s")
    );
    assert!(
        !repo
            .git(&["notes", "--ref=trailgate", "show", "main"])
            .contains("wt-s")
    );
}

#[test]
fn a_git_ai_note_may_name_a_policy_defined_assistant_or_a_git_ai_tool_name() {
    let repo = Repo::new();
    repo.policy(
        &format!(
            "{POLICY}[assistants.inhouse-bot]\nname = \"In-house bot\"\nstatus = \"approved\"\nemails = [\"bot@corp.example\"]\n"
        ),
        None,
    );
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let note = |tool: &str| {
        format!(
            "docs/a.txt\n  d4a7828bfdafe456 1\n---\n{{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"0\",\"prompts\":{{\"d4a7828bfdafe456\":{{\"agent_id\":{{\"tool\":\"{tool}\",\"id\":\"s1\"}}}}}}}}\n"
        )
    };
    let mut ids = Vec::new();
    for tool in [" InHouse-Bot ", "droid", "roo-background", "no-such-tool"] {
        let id = repo.commit(&format!("change by {tool}\n"), &[("docs/a.txt", tool)]);
        repo.git(&["notes", "--ref=ai", "add", "-m", &note(tool), &id]);
        ids.push(id);
    }
    let (_, records) = repo.scan_jsonl(&[]);
    let seen: Vec<Vec<String>> = ids
        .iter()
        .map(|id| assistants(record(&records, id)))
        .collect();
    assert_eq!(
        seen,
        [
            vec!["inhouse-bot".to_string()],
            vec!["factory-droid".to_string()],
            vec!["roo-code".to_string()],
            vec!["unknown".to_string()],
        ]
    );
}
