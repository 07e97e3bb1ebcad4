//! Notes are untrusted input (docs/findings.md `unreadable-note`; bounded work: docs/security.md):
//! a note that cannot be read adds nothing and is reported; a notes ref of any shape is read once
//! per run, so a flat tree of 200,000 notes does not slow a push down.

use crate::support::{Repo, codes, record};
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

const POLICY: &str = r#"version = 1
[defaults]
status = "restricted"
[assistants.claude-code]
status = "approved"
[production]
paths = ["src/**"]
"#;

const GIT_AI_NOTE: &str = "src/a.rs\n  d4a7828bfdafe456 1\n---\n{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"0\",\"prompts\":{\"d4a7828bfdafe456\":{\"agent_id\":{\"tool\":\"claude\",\"id\":\"s1\"}}}}\n";

/// The severities of a record's findings with this code.
fn finding<'a>(record: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    record["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {record}"))
}

#[test]
fn an_unparsable_or_oversized_note_is_reported_and_adds_nothing() {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let broken = repo.commit("docs\n", &[("docs/a.md", "a\n")]);
    let huge = repo.commit("more docs\n", &[("docs/b.md", "b\n")]);
    // A restricted assistant on production paths: failing, whatever a note says.
    let failing = repo.commit("change\n\nAssisted-by: Cursor\n", &[("src/lib.rs", "v2\n")]);
    repo.git(&[
        "notes",
        "--ref=trailgate",
        "add",
        "-m",
        "assistant = ",
        &broken,
    ]);
    let big = format!("assistant = \"claude-code\"\n# {}\n", "x".repeat(2 << 20));
    let file = repo.home.path().join("big-note");
    std::fs::write(&file, big).unwrap();
    repo.git(&[
        "notes",
        "--ref=trailgate",
        "add",
        "-F",
        file.to_str().unwrap(),
        &huge,
    ]);
    repo.git(&[
        "notes",
        "--ref=ai",
        "add",
        "-m",
        "not a git-ai note",
        &failing,
    ]);

    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 1);
    let r = record(&records, &broken);
    assert_eq!(codes(r), ["unreadable-note"]);
    assert_eq!(r["verdict"], "warn");
    assert_eq!(r["assistants"], serde_json::json!([]));
    let f = finding(r, "unreadable-note");
    assert_eq!(f["severity"], "warning");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("refs/notes/trailgate") && message.contains("invalid TOML"),
        "{message}"
    );
    let r = record(&records, &huge);
    assert_eq!(codes(r), ["unreadable-note"]);
    let message = finding(r, "unreadable-note")["message"].as_str().unwrap();
    assert!(message.contains("over the 1 MiB limit"), "{message}");
    let r = record(&records, &failing);
    assert_eq!(r["verdict"], "fail");
    assert_eq!(codes(r), ["restricted-assistant", "unreadable-note"]);

    let (code, out, _) = repo.run(&["scan", "--color", "never"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("unreadable-note") && out.contains(&broken[..7]),
        "{out}"
    );
    let (code, out, _) = repo.run(&["check", &broken]);
    assert_eq!(code, 0);
    assert!(out.contains("unreadable-note"), "{out}");
}

/// A server with trailgate's hook and the policy, and a client that pushed the first commit.
fn server_and_client() -> (Repo, Repo) {
    let server = Repo::bare();
    let (code, out, err) = server.run(&["install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");
    let client = Repo::new();
    client.policy(POLICY, None);
    client.commit("import\n", &[("src/lib.rs", "v1\n")]);
    client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    client.git(&["push", "-q", "origin", "main"]);
    (server, client)
}

#[test]
fn a_push_with_an_unreadable_note_passes_with_a_warning() {
    let (_server, client) = server_and_client();
    let id = client.commit("docs\n", &[("docs/a.md", "a\n")]);
    client.git(&["notes", "--ref=ai", "add", "-m", "{\"prompts\": [", &id]);
    client.git(&["push", "-q", "origin", "refs/notes/ai"]);
    let o = client.git_output(&["push", "origin", "main"], &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning[unreadable-note]") && err.contains("refs/notes/ai"),
        "{err}"
    );
}

/// Run git in `repo` with `input` on stdin; its stdout, trimmed.
fn git_with_input(repo: &Repo, args: &[&str], input: &[u8]) -> String {
    let mut child = std::process::Command::new("git")
        .args(args)
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("feed git");
    drop(stdin);
    let out = child.wait_with_output().expect("git ends");
    assert!(out.status.success(), "git {args:?} failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Make `notes_ref` of `repo` a notes commit whose tree is flat (no fan-out directories):
/// `filler` notes for objects that do not exist, all sharing one blob, plus `notes` (object
/// id, text). `git mktree` writes such a tree in one go (`git fast-import` rebuilds a flat tree
/// on every entry it adds, minutes for 200,000).
fn make_flat_notes(repo: &Repo, notes_ref: &str, filler: usize, notes: &[(&str, &str)]) {
    let shared = git_with_input(repo, &["hash-object", "-w", "--stdin"], b"{}\n");
    let mut listing = Vec::with_capacity(filler * 90);
    for i in 0..filler {
        // Ids spread over the whole range, as real object ids are.
        let hi = (i as u128).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835);
        writeln!(listing, "100644 blob {shared}\t{hi:032x}{:08x}", i as u32).unwrap();
    }
    for (id, text) in notes {
        let blob = git_with_input(repo, &["hash-object", "-w", "--stdin"], text.as_bytes());
        writeln!(listing, "100644 blob {blob}\t{id}").unwrap();
    }
    let tree = git_with_input(repo, &["mktree"], &listing);
    let commit = git_with_input(
        repo,
        &[
            "-c",
            "user.name=Notes",
            "-c",
            "user.email=notes@example.com",
            "commit-tree",
            &tree,
            "-m",
            "notes",
        ],
        b"",
    );
    repo.git(&["update-ref", notes_ref, &commit]);
}

#[test]
fn a_flat_tree_of_200000_notes_does_not_slow_a_push() {
    let (with_notes, client) = server_and_client();
    let without_notes = Repo::bare();
    let (code, out, err) = without_notes.run(&["install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");
    client.git(&[
        "remote",
        "add",
        "plain",
        without_notes.path().to_str().unwrap(),
    ]);
    client.git(&["push", "-q", "plain", "main"]);
    let base = client.head();
    let mut ids = Vec::new();
    for i in 0..100 {
        ids.push(client.commit(&format!("docs {i}\n"), &[("docs/n.md", &format!("{i}\n"))]));
    }
    client.git(&["branch", "hundred"]);
    // Notes for two of the pushed commits sit among the 200,000 in the same flat tree.
    make_flat_notes(
        &with_notes,
        "refs/notes/ai",
        200_000,
        &[(&ids[10], GIT_AI_NOTE), (&ids[20], "no divider here")],
    );
    let tree = with_notes.git(&["ls-tree", "refs/notes/ai"]);
    assert_eq!(tree.lines().count(), 200_002);
    assert!(!tree.contains(" tree "), "flat");

    client.git(&["reset", "-q", "--hard", &base]);
    let (plain, plain_err) = {
        let start = Instant::now();
        let o = client.git_output(&["push", "plain", "hundred:main"], &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            start.elapsed(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    assert!(!plain_err.contains("trailgate:"), "{plain_err}");
    let start = Instant::now();
    let o = client.git_output(&["push", "origin", "hundred:main"], &[]);
    let noted = start.elapsed();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    eprintln!("100-commit push: {plain:?} without notes, {noted:?} with 200,000 flat notes");
    // Both notes were found in the flat tree: one names Claude Code, one cannot be read.
    assert!(
        err.contains(&format!("commit {}", &ids[10][..12]))
            && err.contains("warning[undeclared-assistant]"),
        "{err}"
    );
    assert!(
        err.contains(&format!("commit {}", &ids[20][..12]))
            && err.contains("warning[unreadable-note]"),
        "{err}"
    );
    // GitHub Enterprise allows all hooks together 5 seconds.
    assert!(noted < Duration::from_secs(5), "took {noted:?}");
}

#[test]
fn notes_in_fan_out_directories_are_found_and_a_note_given_twice_is_unreadable() {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let nested = repo.commit("docs\n", &[("docs/a.md", "a\n")]);
    let twice = repo.commit("more docs\n", &[("docs/b.md", "b\n")]);
    let hash =
        |text: &str| git_with_input(&repo, &["hash-object", "-w", "--stdin"], text.as_bytes());
    let tree = |listing: String| git_with_input(&repo, &["mktree"], listing.as_bytes());
    let note = hash(GIT_AI_NOTE);
    // `ab/cd/<36 hex>`, as git lays out a large notes tree, with upper-case digits as git
    // also reads them.
    let inner = tree(format!(
        "100644 blob {note}\t{}\n",
        nested[4..].to_uppercase()
    ));
    let middle = tree(format!("040000 tree {inner}\t{}\n", &nested[2..4]));
    // The same commit noted twice: flat and under a fan-out directory.
    let flat_twice = format!("100644 blob {note}\t{twice}\n");
    let dir_twice = tree(format!("100644 blob {note}\t{}\n", &twice[2..]));
    let mut root = vec![
        format!("040000 tree {middle}\t{}", &nested[..2]),
        flat_twice.trim_end().to_string(),
        format!("040000 tree {dir_twice}\t{}", &twice[..2]),
    ];
    if nested[..2] == twice[..2] {
        // Both under one directory: git keeps one entry per name.
        root.remove(0);
        let both = tree(format!(
            "040000 tree {inner}\t{}\n100644 blob {note}\t{}\n",
            &nested[2..4],
            &twice[2..]
        ));
        root[1] = format!("040000 tree {both}\t{}", &twice[..2]);
    }
    let root = tree(root.join("\n") + "\n");
    let commit = git_with_input(
        &repo,
        &[
            "-c",
            "user.name=Notes",
            "-c",
            "user.email=notes@example.com",
            "commit-tree",
            &root,
            "-m",
            "notes",
        ],
        b"",
    );
    repo.git(&["update-ref", "refs/notes/ai", &commit]);
    // git itself finds the nested note.
    assert_eq!(
        repo.git(&["notes", "--ref=ai", "show", &nested]),
        GIT_AI_NOTE
    );

    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0);
    let r = record(&records, &nested);
    assert_eq!(codes(r), ["undeclared-assistant"]);
    let r = record(&records, &twice);
    assert_eq!(codes(r), ["unreadable-note"]);
    let message = finding(r, "unreadable-note")["message"].as_str().unwrap();
    assert!(message.contains("more than one note"), "{message}");
}
