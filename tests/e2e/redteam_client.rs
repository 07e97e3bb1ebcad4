//! Holes found by attacking the client hooks, session records and reports: each test is the
//! attack, and what trailgate must do instead.

use crate::support::Repo;

fn session_start(repo: &Repo, args: &[&str], payload: &str) -> (i32, String) {
    let mut all = vec!["session", "start"];
    all.extend_from_slice(args);
    let out = repo
        .trailgate()
        .args(&all)
        .write_stdin(payload.as_bytes().to_vec())
        .output()
        .expect("trailgate runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A model name from an assistant's hook input ends up in the commit's declaration trailer:
/// a newline there would write trailers of its own choosing (or break the declaration), an
/// escape sequence would reach every terminal. It is refused like a bad session id.
#[test]
fn a_model_with_control_characters_is_refused_and_never_reaches_the_commit() {
    let repo = Repo::new();
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let (code, _, err) = repo.run(&["install"]);
    assert_eq!(code, 0, "{err}");

    for payload in [
        r#"{"session_id":"s1","model":"opus\nAI-Exception: EXC-9"}"#,
        r#"{"session_id":"s1","model":"opus\u001b[8m"}"#,
    ] {
        let (code, err) = session_start(&repo, &["--assistant", "claude-code"], payload);
        assert_eq!(code, 2, "{payload}: {err}");
        assert!(err.contains("invalid model"), "{err}");
    }
    let (code, err) = session_start(
        &repo,
        &["--assistant", "kiro", "--model", "a\u{7}b"],
        r#"{}"#,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid model"), "{err}");

    let (code, out, err) = repo.run(&["session", "status"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "no session records in this worktree\n");

    // A clean model is recorded and declared as before.
    let (code, err) = session_start(
        &repo,
        &["--assistant", "claude-code"],
        r#"{"session_id":"s1","model":"opus-4"}"#,
    );
    assert_eq!(code, 0, "{err}");
    repo.write("src/lib.rs", "v2\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "change"]);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%(trailers:only,unfold)"]),
        "Assisted-by: Claude Code:opus-4\nAI-Session: claude-code:s1\n\n"
    );
}

/// A record written by hand (or by an older version) with a control character in its model
/// is corrupt, and `session status` says so instead of printing it raw.
#[test]
fn a_record_with_a_control_character_in_its_model_is_corrupt() {
    let repo = Repo::new();
    repo.commit("import\n", &[("a", "1\n")]);
    let dir = repo.path().join(".git/trailgate/sessions");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("claude-code--s1-0.toml"),
        "assistant = \"claude-code\"\nsession = \"s1\"\nmodel = \"m\\u001b[2J\"\nstarted = \"2026-11-01T10:00:00Z\"\n",
    )
    .expect("write record");
    let (_, out, err) = repo.run(&["session", "status"]);
    assert!(
        !out.contains('\u{1b}') && !err.contains('\u{1b}'),
        "{out}{err}"
    );
    assert!(err.contains("corrupt session record"), "{out}{err}");
    assert!(err.contains("invalid model"), "{err}");
}

/// The registry is a file a pull request can edit: its text reaches the auditor's terminal
/// only escaped.
#[test]
fn exceptions_list_escapes_the_registrys_text() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[exceptions]\nregistry = \"exceptions.toml\"\n",
        Some(concat!(
            "[[exception]]\n",
            "id = \"EXC-1\\u001b[8m\"\n",
            "assistants = [\"claude-code\"]\n",
            "paths = [\"src/\\u0007**\"]\n",
            "authors = [\"a\\u0007@x\"]\n",
            "expires = \"2030-01-01\"\n",
            "reason = \"ok\\u001b[2Jhidden\"\n",
        )),
    );
    let (code, out, err) = repo.run(&["exceptions", "list", "--at", "2026-12-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
    assert!(out.contains("EXC-1\\x1b[8m"), "{out}");
    assert!(out.contains("    paths: src/\\x07**\n"), "{out}");
    assert!(out.contains("    authors: a\\x07@x\n"), "{out}");
    assert!(out.contains("    reason: ok\\x1b[2Jhidden\n"), "{out}");
}

/// CI checks out one commit deep by default: a scan there judges only what the clone holds,
/// and says so, so that an auditor does not read a clean report as a clean history.
#[test]
fn a_scan_of_a_shallow_clone_says_what_it_did_not_judge() {
    let origin = Repo::new();
    origin.commit(
        "restricted work\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
        &[("src/lib.rs", "v1\n")],
    );
    origin.commit("later\n", &[("README", "r\n")]);
    let clone = Repo::empty();
    let url = format!("file://{}", origin.path().display());
    clone.git(&["clone", "-q", "--depth", "1", &url, "."]);
    clone.policy(
        "version = 1\n[assistants.claude-code]\nstatus = \"restricted\"\n[production]\npaths = [\"src/**\"]\n",
        None,
    );
    let (code, out, err) = clone.run(&["scan"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("warning: this is a shallow clone: commits older than its shallow boundary were not judged"),
        "{err}"
    );
    // The full history fails, as it should.
    origin.policy(
        "version = 1\n[assistants.claude-code]\nstatus = \"restricted\"\n[production]\npaths = [\"src/**\"]\n",
        None,
    );
    let (code, _, err) = origin.run(&["scan"]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("shallow"), "{err}");
}

/// A policy is a file a pull request can edit; `policy show` prints it back as TOML, with
/// control characters escaped by TOML's own syntax, so it neither drives the terminal nor
/// prints a file TOML refuses.
#[test]
fn policy_show_escapes_control_characters_as_toml_does() {
    let repo = Repo::new();
    repo.policy(
        concat!(
            "version = 1\n[assistants.inhouse]\n",
            "name = \"In\\u001b[8mhouse\"\nstatus = \"approved\"\n",
            "emails = [\"b\\u0007@x\"]\nmarkers = [\"m\\u001b[2J\", \"plain\"]\n",
        ),
        None,
    );
    let (code, out, err) = repo.run(&["policy", "show"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
    let start = out
        .find("[assistants.inhouse]")
        .expect("the policy's assistant");
    let table: String = out[start..]
        .lines()
        .skip(1)
        .take(4)
        .collect::<Vec<_>>()
        .join("\n");
    let parsed: toml::Table = toml::from_str(&table).expect("policy show prints TOML");
    assert_eq!(parsed["name"].as_str(), Some("In\u{1b}[8mhouse"));
    assert_eq!(parsed["emails"][0].as_str(), Some("b\u{7}@x"));
    assert_eq!(parsed["markers"][0].as_str(), Some("m\u{1b}[2J"));
    assert!(table.contains("'plain'"), "{table}");
}

/// An error quotes what is wrong (a pattern, a path): text a pull request wrote, so it is
/// escaped like any other, the message's own lines kept.
#[test]
fn an_error_quoting_a_policy_pattern_escapes_it() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[production]\npaths = [\"src/\\u001b[8m**\"]\n",
        None,
    );
    let (code, out, err) = repo.run(&["policy", "check"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(
        err.contains("invalid pattern `src/\\x1b[8m**` in `production.paths`"),
        "{err}"
    );
    assert!(err.contains("\n  help: "), "{err}");
}

/// `session status` with a broken policy cannot know `max_age`: it says so instead of
/// showing states the hooks would not agree with.
#[test]
fn session_status_says_when_the_policy_cannot_be_read() {
    let repo = Repo::new();
    repo.commit("import\n", &[("a", "1\n")]);
    repo.policy("version = 1\n[sessions]\nmax_age = \"banana\"\n", None);
    let (code, err) = session_start(
        &repo,
        &["--assistant", "claude-code", "--session", "s1"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = repo.run(&["session", "status"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("STATE "), "{out}");
    assert!(
        err.starts_with("warning: the policy cannot be read, so states assume `max_age = \"12h\"`"),
        "{err}"
    );
    assert!(
        err.contains("`max_age = \"banana\"` is not a positive duration"),
        "{err}"
    );
}
