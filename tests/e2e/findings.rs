//! Every finding code of docs/findings.md from a real repository built with git, with the exact
//! code, verdict and exit code.

use crate::support::{Repo, assistants, codes, record};

const POLICY: &str = r#"
version = 1
[defaults]
status = "restricted"
[assistants.openai-codex]
status = "forbidden"
[assistants.kiro]
status = "approved"
[production]
paths = ["services/*/src/**"]
exclude = ["**/*.md"]
[exceptions]
registry = "exceptions.toml"
"#;

const REGISTRY: &str = r#"
[[exception]]
id = "EXC-OK"
assistants = ["claude-code"]
paths = ["services/billing/**"]
expires = "2027-12-31"
reason = "billing migration"

[[exception]]
id = "EXC-OLD"
assistants = ["claude-code"]
expires = "2026-01-31"

[[exception]]
id = "EXC-REV"
assistants = ["*"]
expires = "2027-12-31"
revoked = true

[[exception]]
id = "EXC-UNUSED"
assistants = ["cursor"]
expires = "2027-12-31"
"#;

const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";

pub(crate) fn setup() -> Repo {
    let repo = Repo::new();
    repo.policy(POLICY, Some(REGISTRY));
    repo.commit(
        "initial import\n",
        &[
            ("services/billing/src/lib.rs", "v1\n"),
            ("services/auth/src/lib.rs", "v1\n"),
            ("docs/guide.txt", "v1\n"),
        ],
    );
    repo
}

/// Scan, find the commit, check its codes and verdict, and `check`'s exit code.
pub(crate) fn expect(
    repo: &Repo,
    id: &str,
    want_codes: &[&str],
    verdict: &str,
) -> serde_json::Value {
    let (_, records) = repo.scan_jsonl(&[]);
    let r = record(&records, id).clone();
    assert_eq!(codes(&r), want_codes, "codes of {id}: {r:#}");
    assert_eq!(r["verdict"], verdict, "verdict of {id}");
    let (code, _, stderr) = repo.run(&["check", id]);
    let want_exit = if verdict == "fail" { 1 } else { 0 };
    assert_eq!(code, want_exit, "check exit code for {id}: {stderr}");
    r
}

#[test]
fn restricted_assistant() {
    let repo = setup();
    let id = repo.commit(
        &format!("touch auth\n\n{CLAUDE}\n"),
        &[("services/auth/src/lib.rs", "v2\n")],
    );
    let r = expect(&repo, &id, &["restricted-assistant"], "fail");
    assert_eq!(
        r["production_paths"],
        serde_json::json!(["services/auth/src/lib.rs"])
    );
    assert_eq!(r["findings"][0]["assistant"], "claude-code");
    assert_eq!(r["findings"][0]["severity"], "error");
    let (code, _, _) = repo.run(&["scan"]);
    assert_eq!(code, 1);
}

#[test]
fn restricted_outside_production_and_excluded_pass() {
    let repo = setup();
    let id = repo.commit(
        &format!("docs\n\n{CLAUDE}\n"),
        &[
            ("docs/guide.txt", "v2\n"),
            ("services/auth/src/NOTES.md", "x\n"),
        ],
    );
    let r = expect(&repo, &id, &[], "pass");
    assert_eq!(r["production_paths"], serde_json::json!([]));
}

#[test]
fn valid_exception_passes() {
    let repo = setup();
    let id = repo.commit(
        &format!("billing\n\n{CLAUDE}\nAI-Exception: EXC-OK\n"),
        &[("services/billing/src/lib.rs", "v2\n")],
    );
    let r = expect(&repo, &id, &[], "pass");
    assert_eq!(
        r["exceptions"],
        serde_json::json!([{"id": "EXC-OK", "state": "valid"}])
    );
}

#[test]
fn forbidden_assistant_even_without_paths() {
    let repo = setup();
    let id = repo.commit("empty\n\nCo-authored-by: Codex <noreply@openai.com>\n", &[]);
    let r = expect(&repo, &id, &["forbidden-assistant"], "fail");
    assert_eq!(r["assistants"][0]["status"], "forbidden");
}

#[test]
fn missing_declaration() {
    let repo = setup();
    repo.policy(
        &POLICY.replace(
            "exclude = [\"**/*.md\"]",
            "exclude = [\"**/*.md\"]\nrequire_declaration = true",
        ),
        None,
    );
    let id = repo.commit("silent change\n", &[("services/auth/src/lib.rs", "v2\n")]);
    expect(&repo, &id, &["missing-declaration"], "fail");
    let ok = repo.commit(
        "declared\n\nAssisted-by: none\n",
        &[("services/auth/src/lib.rs", "v3\n")],
    );
    expect(&repo, &ok, &[], "pass");
}

#[test]
fn unknown_exception() {
    let repo = setup();
    let id = repo.commit(
        &format!("billing\n\n{CLAUDE}\nAI-Exception: EXC-OK, EXC-TYPO\n"),
        &[("services/billing/src/lib.rs", "v2\n")],
    );
    let r = expect(&repo, &id, &["unknown-exception"], "fail");
    assert_eq!(r["findings"][0]["exception"], "EXC-TYPO");
}

#[test]
fn revoked_exception() {
    let repo = setup();
    let id = repo.commit(
        &format!("auth\n\n{CLAUDE}\nAI-Exception: EXC-REV\n"),
        &[("services/auth/src/lib.rs", "v2\n")],
    );
    expect(&repo, &id, &["revoked-exception"], "fail");
}

#[test]
fn expired_exception_and_at_now() {
    let repo = setup();
    let id = repo.commit(
        &format!("auth\n\n{CLAUDE}\nAI-Exception: EXC-OLD\n"),
        &[("services/auth/src/lib.rs", "v2\n")],
    );
    expect(&repo, &id, &["expired-exception"], "fail");
    // Audited as of a day inside its window, the same commit passes.
    let (code, records) = repo.scan_jsonl(&["--at", "2026-01-15"]);
    assert_eq!(code, 0);
    assert_eq!(codes(record(&records, &id)), Vec::<String>::new());
}

#[test]
fn exception_out_of_scope() {
    let repo = setup();
    let id = repo.commit(
        &format!("both\n\n{CLAUDE}\nAI-Exception: EXC-OK\n"),
        &[
            ("services/billing/src/lib.rs", "v2\n"),
            ("services/auth/src/lib.rs", "v2\n"),
        ],
    );
    let r = expect(&repo, &id, &["exception-out-of-scope"], "fail");
    assert_eq!(
        r["findings"][0]["paths"],
        serde_json::json!(["services/auth/src/lib.rs"])
    );
}

#[test]
fn ignored_declaration_exception_in_body() {
    let repo = setup();
    let id = repo.commit(
        &format!("billing\n\nAI-Exception: EXC-OK\n\nmore words\n\n{CLAUDE}\n"),
        &[("services/billing/src/lib.rs", "v2\n")],
    );
    let r = expect(
        &repo,
        &id,
        &["restricted-assistant", "ignored-declaration"],
        "fail",
    );
    assert_eq!(
        r["exceptions"],
        serde_json::json!([{"id": "EXC-OK", "state": "ignored"}])
    );
}

#[test]
fn ignored_declaration_assistant_in_earlier_paragraph() {
    let repo = setup();
    let id = repo.commit(
        &format!("squash merge\n\n* first\n{CLAUDE}\n\n* second\n\nSigned-off-by: Jane Doe <jane@example.com>\n"),
        &[("docs/guide.txt", "v2\n")],
    );
    let r = expect(&repo, &id, &["ignored-declaration"], "warn");
    assert_eq!(assistants(&r), ["claude-code"]);
    assert_eq!(r["assistants"][0]["evidence"][0]["source"], "marker");
}

#[test]
fn ignored_declaration_look_alike_key_still_restricts() {
    let repo = setup();
    // Cyrillic `А` and a non-breaking hyphen: git does not see a trailer; trailgate does.
    let id = repo.commit(
        "sneaky\n\n\u{0410}ssisted\u{2011}by: Claude\n",
        &[("services/auth/src/lib.rs", "v2\n")],
    );
    expect(
        &repo,
        &id,
        &["restricted-assistant", "ignored-declaration"],
        "fail",
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%(trailers:only)"]).trim(),
        ""
    );
}

#[test]
fn ai_signoff() {
    let repo = setup();
    let id = repo.commit(
        "docs\n\nSigned-off-by: Claude <noreply@anthropic.com>\n",
        &[("docs/guide.txt", "v2\n")],
    );
    expect(&repo, &id, &["ai-signoff"], "warn");
}

#[test]
fn unused_exception_in_summary() {
    let repo = setup();
    repo.commit(
        &format!("billing\n\n{CLAUDE}\nAI-Exception: EXC-OK\n"),
        &[("services/billing/src/lib.rs", "v2\n")],
    );
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0, "info findings do not fail");
    let summary = records.last().unwrap();
    assert_eq!(summary["findings"]["unused-exception"], 3);
    assert_eq!(
        summary["unused_exceptions"],
        serde_json::json!(["EXC-OLD", "EXC-REV", "EXC-UNUSED"])
    );
}

#[test]
fn merge_resolving_a_conflict_in_production_is_judged_on_what_it_introduced() {
    let repo = setup();
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit("topic side\n", &[("services/auth/src/lib.rs", "topic\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit(
        "main side\n",
        &[
            ("services/auth/src/lib.rs", "main\n"),
            ("docs/guide.txt", "main\n"),
        ],
    );
    let out = repo.git_output(&["merge", "-q", "topic"], &[]);
    assert!(!out.status.success(), "the merge must conflict");
    repo.write("services/auth/src/lib.rs", "resolved\n");
    repo.git(&["add", "-A"]);
    let merge = repo.commit_bytes(format!("Merge topic\n\n{CLAUDE}\n").as_bytes(), None, &[]);
    let r = expect(&repo, &merge, &["restricted-assistant"], "fail");
    // docs/guide.txt comes unchanged from one parent: not introduced by the merge.
    assert_eq!(
        r["production_paths"],
        serde_json::json!(["services/auth/src/lib.rs"])
    );
    assert_eq!(r["parents"].as_array().unwrap().len(), 2);
}

#[test]
fn clean_merge_introduces_nothing() {
    let repo = setup();
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit("topic side\n", &[("services/auth/src/lib.rs", "topic\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("main side\n", &[("docs/guide.txt", "main\n")]);
    repo.git(&["merge", "-q", "--no-ff", "--no-commit", "topic"]);
    let merge = repo.commit_bytes(format!("Merge topic\n\n{CLAUDE}\n").as_bytes(), None, &[]);
    let r = expect(&repo, &merge, &[], "pass");
    assert_eq!(r["production_paths"], serde_json::json!([]));
}

#[test]
fn rename_out_of_production_touches_the_old_path() {
    let repo = setup();
    repo.git(&["mv", "services/auth/src/lib.rs", "docs/lib.rs"]);
    let id = repo.commit_bytes(format!("move\n\n{CLAUDE}\n").as_bytes(), None, &[]);
    let r = expect(&repo, &id, &["restricted-assistant"], "fail");
    assert_eq!(
        r["production_paths"],
        serde_json::json!(["services/auth/src/lib.rs"])
    );
}

#[test]
fn mode_change_counts() {
    let repo = setup();
    repo.git(&["update-index", "--chmod=+x", "services/auth/src/lib.rs"]);
    let id = repo.commit_bytes(format!("chmod\n\n{CLAUDE}\n").as_bytes(), None, &[]);
    expect(&repo, &id, &["restricted-assistant"], "fail");
}

#[test]
fn latin1_message_is_decoded() {
    let repo = setup();
    repo.write("services/auth/src/lib.rs", "v2\n");
    repo.git(&["add", "-A"]);
    let mut msg =
        b"R\xe9vision du module\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n".to_vec();
    msg.extend_from_slice(b"Reviewed-by: Ren\xe9e <renee@example.com>\n");
    let id = repo.commit_bytes(&msg, None, &["i18n.commitEncoding=ISO-8859-1"]);
    let r = expect(&repo, &id, &["restricted-assistant"], "fail");
    assert_eq!(r["summary"], "Révision du module");
    assert_eq!(r["trailers"][1]["value"], "Renée <renee@example.com>");
    assert_eq!(assistants(&r), ["cursor"]);
}

#[test]
fn policy_files_are_always_production() {
    let repo = setup();
    let id = repo.commit(
        &format!("loosen policy\n\n{CLAUDE}\n"),
        &[(
            ".trailgate/exceptions.toml",
            &format!("{REGISTRY}\n# edited\n"),
        )],
    );
    let r = expect(&repo, &id, &["restricted-assistant"], "fail");
    assert_eq!(
        r["production_paths"],
        serde_json::json!([".trailgate/exceptions.toml"])
    );
}

const GIT_AI_NOTE: &str = r#"docs/guide.txt
  d4a7828bfdafe456 1-2
---
{"schema_version":"authorship/3.0.0","base_commit_sha":"ae20f6f2","prompts":{"d4a7828bfdafe456":{"agent_id":{"tool":"claude","id":"s-1","model":"claude-opus-4-7"}}}}
"#;

#[test]
fn undeclared_assistant_from_a_git_ai_note() {
    let repo = setup();
    let id = repo.commit("docs only\n", &[("docs/guide.txt", "v2\n")]);
    repo.git(&["notes", "--ref=ai", "add", "-m", GIT_AI_NOTE, &id]);
    let r = expect(&repo, &id, &["undeclared-assistant"], "warn");
    assert_eq!(r["assistants"][0]["id"], "claude-code");
    assert_eq!(r["assistants"][0]["evidence"][0]["source"], "note");
    // The same commit declaring the assistant is not undeclared.
    let declared = repo.commit(
        &format!("docs again\n\n{CLAUDE}\n"),
        &[("docs/guide.txt", "v3\n")],
    );
    repo.git(&["notes", "--ref=ai", "add", "-m", GIT_AI_NOTE, &declared]);
    expect(&repo, &declared, &[], "pass");
}

#[test]
fn note_evidence_in_production_also_restricts() {
    let repo = setup();
    let id = repo.commit("silent\n", &[("services/auth/src/lib.rs", "v2\n")]);
    repo.note(
        "trailgate",
        "assistant = \"cursor\"\nsession = \"abc\"\n",
        &id,
    );
    expect(
        &repo,
        &id,
        &["restricted-assistant", "undeclared-assistant"],
        "fail",
    );
}

#[test]
fn a_forged_note_never_makes_a_failing_commit_pass() {
    let repo = setup();
    let id = repo.commit(
        &format!("auth\n\n{CLAUDE}\n"),
        &[("services/auth/src/lib.rs", "v2\n")],
    );
    for note in [
        "assistant = \"kiro\"\n",
        "{\"sessions\": []}",
        "garbage [[[ not a note",
        "assistant = \"none\"\n",
    ] {
        let _ = repo.git_output(
            &["notes", "--ref=trailgate", "add", "-f", "-m", note, &id],
            &[],
        );
        let (_, records) = repo.scan_jsonl(&[]);
        let r = record(&records, &id);
        assert_eq!(r["verdict"], "fail", "note {note:?}");
        assert!(
            codes(r).contains(&"restricted-assistant".to_string()),
            "note {note:?}"
        );
    }
}

#[test]
fn notes_refs_come_from_the_policy() {
    let repo = setup();
    repo.policy(
        &format!("{POLICY}\n[sessions]\nnotes_ref = \"refs/notes/ai-sessions\"\n"),
        None,
    );
    repo.commit("policy: notes ref\n", &[]);
    let id = repo.commit("docs only\n", &[("docs/guide.txt", "v2\n")]);
    repo.git(&[
        "notes",
        "--ref=ai-sessions",
        "add",
        "-m",
        "assistant = \"cursor\"\n",
        &id,
    ]);
    repo.git(&[
        "notes",
        "--ref=trailgate",
        "add",
        "-m",
        "assistant = \"kiro\"\n",
        &id,
    ]);
    let r = expect(&repo, &id, &["undeclared-assistant"], "warn");
    assert_eq!(
        assistants(&r),
        ["cursor"],
        "only the configured ref is read"
    );
    repo.policy(
        &format!("{POLICY}\n[sessions]\nnotes_ref = \"notes/x\"\n"),
        None,
    );
    let (code, _, err) = repo.run(&["policy", "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a notes ref"), "{err}");
}
