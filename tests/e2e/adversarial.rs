//! Tricks people use to get around a security control, one test each, with the exact verdict,
//! finding codes and exit status (docs/security.md). Covered elsewhere: an exception cited only in
//! the body, a declaration in an earlier paragraph, a look-alike key on production paths and forged
//! notes (`findings.rs`); a push that edits the policy to approve itself, a commit parked on an
//! unprotected branch and a shallow clone's pre-push (`hooks.rs`).

use crate::findings::{expect, setup};
use crate::hooks::{Setup, stderr};
use crate::support::{Repo, codes, record};

/// A change by Claude Code to a production path, committed in the client with `extra` options.
fn claude_change(s: &Setup, extra: &[&str]) -> std::process::Output {
    s.commit(
        "change\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
        &[("src/lib.rs", "v2\n")],
        extra,
    )
}

#[test]
fn look_alike_keys_are_ignored_declarations() {
    // A hyphen (U+2010), a zero-width joiner, a full-width colon: git sees no trailer.
    for key in [
        "Assisted\u{2010}by: Claude",
        "Assisted\u{200d}-by: Claude",
        "Assisted-by\u{ff1a} Claude",
    ] {
        let repo = setup();
        let id = repo.commit(&format!("sneaky\n\n{key}\n"), &[("docs/guide.txt", "v2\n")]);
        assert_eq!(
            repo.git(&["log", "-1", "--format=%(trailers:only)"]).trim(),
            "",
            "{key}"
        );
        let r = expect(&repo, &id, &["ignored-declaration"], "warn");
        assert_eq!(r["findings"][0]["assistant"], "claude-code", "{key}");
    }
}

#[test]
fn a_ten_megabyte_message_is_judged() {
    let repo = setup();
    let mut message = String::from("huge\n\n");
    let line = "padding padding padding padding padding padding padding padding\n";
    while message.len() < 10 << 20 {
        message.push_str(line);
    }
    message.push_str("\nAssisted-by: Claude\n");
    let id = repo.commit(&message, &[("services/auth/src/lib.rs", "v2\n")]);
    expect(&repo, &id, &["restricted-assistant"], "fail");
}

#[test]
fn a_hundred_thousand_paths_in_one_commit() {
    let repo = setup();
    // fast-import writes the commit quickly: one blob, 100,000 production paths.
    let parent = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let mut stream = format!(
        "blob\nmark :1\ndata 2\nx\n\ncommit refs/heads/main\ncommitter A <a@x> 1793527800 +0000\ndata 27\nbulk\n\nAssisted-by: Claude\n\nfrom {parent}\n"
    );
    for i in 0..100_000 {
        stream.push_str(&format!(
            "M 100644 :1 services/bulk/src/d{}/f{i}.rs\n",
            i % 100
        ));
    }
    stream.push_str("done\n");
    repo.fast_import(&stream);
    let id = repo.git(&["rev-parse", "main"]).trim().to_string();
    let r = expect(&repo, &id, &["restricted-assistant"], "fail");
    assert_eq!(r["production_paths"].as_array().unwrap().len(), 100_000);
    assert_eq!(r["findings"][0]["paths"].as_array().unwrap().len(), 100_000);
}

#[test]
fn huge_and_invalid_notes_add_nothing() {
    let repo = setup();
    let id = repo.commit("plain\n", &[("services/auth/src/lib.rs", "v2\n")]);
    let huge = repo.home.path().join("huge-note");
    std::fs::write(
        &huge,
        "assistant = \"cursor\"\n".to_string() + &"#".repeat(10 << 20),
    )
    .unwrap();
    repo.git(&[
        "notes",
        "--ref=trailgate",
        "add",
        "-F",
        huge.to_str().unwrap(),
        &id,
    ]);
    let bad = repo.home.path().join("bad-note");
    std::fs::write(&bad, b"---\n\xff\xfe{\"prompts\": \xc3\x28}\n").unwrap();
    repo.git(&["notes", "--ref=ai", "add", "-F", bad.to_str().unwrap(), &id]);
    // Notes are read up to 1 MiB: the huge one (valid TOML naming cursor) and the invalid one
    // add nothing, neither breaks the scan, and each is reported.
    let r = expect(&repo, &id, &["unreadable-note", "unreadable-note"], "warn");
    assert_eq!(r["assistants"], serde_json::json!([]));
    // The same note within the limit is evidence: cursor is restricted on production paths.
    let small = repo.commit("plain 2\n", &[("services/auth/src/lib.rs", "v3\n")]);
    repo.git(&[
        "notes",
        "--ref=trailgate",
        "add",
        "-m",
        "assistant = \"cursor\"",
        &small,
    ]);
    expect(
        &repo,
        &small,
        &["restricted-assistant", "undeclared-assistant"],
        "fail",
    );
}

#[test]
fn exceptions_expiring_in_the_far_future_or_the_past() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"src/**\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n",
        Some(
            "[[exception]]\nid = \"EXC-FOREVER\"\nassistants = [\"claude-code\"]\nexpires = \"9999-12-31\"\n\n\
             [[exception]]\nid = \"EXC-ANCIENT\"\nassistants = [\"claude-code\"]\nexpires = \"1970-01-02\"\n",
        ),
    );
    repo.commit("policy\n", &[]);
    let forever = repo.commit(
        "a\n\nAssisted-by: Claude\nAI-Exception: EXC-FOREVER\n",
        &[("src/a.rs", "1\n")],
    );
    let ancient = repo.commit(
        "b\n\nAssisted-by: Claude\nAI-Exception: EXC-ANCIENT\n",
        &[("src/b.rs", "1\n")],
    );
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 1);
    assert_eq!(codes(record(&records, &forever)), Vec::<String>::new());
    assert_eq!(record(&records, &forever)["verdict"], "pass");
    assert_eq!(codes(record(&records, &ancient)), ["expired-exception"]);
    assert_eq!(record(&records, &ancient)["verdict"], "fail");
}

#[test]
fn a_policy_that_makes_every_path_production() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"**\"]\n",
        None,
    );
    repo.commit("policy\n", &[]);
    let id = repo.commit(
        "readme\n\nAssisted-by: Claude\n",
        &[("README.md", "hi\n"), ("deep/er/file.txt", "x\n")],
    );
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 1);
    let r = record(&records, &id);
    assert_eq!(codes(r), ["restricted-assistant"]);
    assert_eq!(
        r["production_paths"],
        serde_json::json!(["README.md", "deep/er/file.txt"])
    );
}

#[test]
fn malformed_hook_input_is_rejected_never_passed() {
    let repo = setup();
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    for (hook, args, input) in [
        ("pre-receive", vec![], "garbage\n".to_string()),
        ("pre-receive", vec![], format!("{head} refs/heads/main\n")),
        (
            "pre-receive",
            vec![],
            format!("nothex {head} refs/heads/main\n"),
        ),
        (
            "pre-push",
            vec!["origin", "url"],
            "only three fields\n".to_string(),
        ),
        (
            "pre-push",
            vec!["origin", "url"],
            format!("refs/heads/main {head} refs/heads/main zz\n"),
        ),
    ] {
        let mut all = vec!["hook", hook];
        all.extend(args.iter().copied());
        let out = repo
            .trailgate()
            .args(&all)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{hook} accepted {input:?}: {err}");
        assert!(err.contains("trailgate"), "{hook}: {err}");
        if hook == "pre-receive" {
            assert!(err.contains("rejecting the push"), "{err}");
        }
    }
}

#[test]
fn odd_characters_in_a_ref_name_are_judged_and_never_run() {
    let s = Setup::new();
    let o = claude_change(&s, &["--no-verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Legal in a ref name, and dangerous wherever a name reaches a shell unquoted.
    let odd = "refs/heads/release/$(touch${IFS}pwned);`id`'\"&|<x>";
    let push = s.push(&["--no-verify", "origin", &format!("HEAD:{odd}")]);
    let err = stderr(&push);
    assert!(!push.status.success(), "{err}");
    assert!(err.contains("error[restricted-assistant]"), "{err}");
    assert!(s.server_head(odd).is_none());
    assert!(!s.server.path().join("pwned").exists() && !s.client.path().join("pwned").exists());
}

#[test]
fn a_broken_object_rejects_the_push_with_the_reason() {
    let repo = setup();
    let id = repo.commit(
        "change\n\nAssisted-by: Claude\n",
        &[("services/auth/src/lib.rs", "v2\n")],
    );
    // Damage the new commit's tree (a loose object): it can no longer be read.
    let tree = repo
        .git(&["rev-parse", &format!("{id}^{{tree}}")])
        .trim()
        .to_string();
    let path = repo
        .path()
        .join(".git/objects")
        .join(&tree[..2])
        .join(&tree[2..]);
    std::fs::write(&path, b"not zlib at all").unwrap();
    let old = repo
        .git(&["rev-parse", &format!("{id}~1")])
        .trim()
        .to_string();
    let out = repo
        .trailgate()
        .args(["hook", "pre-receive"])
        .write_stdin(format!("{old} {id} refs/heads/main\n"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("rejecting the push: it cannot be judged"),
        "{err}"
    );
    assert!(err.contains(&tree), "names the object: {err}");
}

#[test]
fn a_pre_receive_that_runs_out_of_time_rejects_the_push() {
    let s = Setup::new();
    let o = s.commit("plain change\n", &[("docs/a.txt", "v2\n")], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A limit no judging can meet: opening the repository alone takes longer.
    s.server
        .git(&["config", "trailgate.hookTimeout", "0.000001"]);
    let push = s.push(&["--no-verify", "origin", "main"]);
    let err = stderr(&push);
    assert!(!push.status.success(), "{err}");
    assert!(err.contains("could not be judged within"), "{err}");
    // With a sane limit the same push goes through.
    s.server.git(&["config", "trailgate.hookTimeout", "30"]);
    let push = s.push(&["--no-verify", "origin", "main"]);
    assert!(push.status.success(), "{}", stderr(&push));
    s.server.git(&["config", "trailgate.hookTimeout", "soon"]);
    let (code, _, err) = s.server.run(&["hook", "pre-receive"]);
    assert_eq!(code, 2, "a bad limit is itself a reason to reject: {err}");
    assert!(err.contains("trailgate.hookTimeout"), "{err}");
}

#[test]
fn client_hooks_say_how_to_skip_them_and_that_the_server_still_judges() {
    let s = Setup::new();
    let o = claude_change(&s, &[]);
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(
        err.contains("`git commit --no-verify`") && err.contains("the server judges"),
        "{err}"
    );
    let o = claude_change(&s, &["--no-verify"]);
    assert!(o.status.success());
    let push = s.push(&["origin", "main"]);
    let err = stderr(&push);
    assert!(!push.status.success());
    assert!(
        err.contains("`git push --no-verify`") && err.contains("the server judges"),
        "{err}"
    );
}

#[test]
fn an_unwritable_hooks_directory_is_a_clear_error_and_changes_nothing() {
    let repo = Repo::new();
    // Even root cannot create a directory here: the kernel's own file system.
    repo.git(&["config", "core.hooksPath", "/proc/trailgate-hooks"]);
    let (code, out, err) = repo.run(&["install"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("cannot create the hooks directory /proc/trailgate-hooks"),
        "{err}"
    );
    assert_eq!(err.matches("os error").count(), 1, "the reason once: {err}");
    let (code, out, err) = repo.run(&["uninstall"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("no trailgate hooks in /proc/trailgate-hooks"),
        "{out}"
    );
}

#[test]
fn a_policy_missing_on_the_trusted_ref_rejects_the_push() {
    let s = Setup::new();
    s.server.git(&[
        "config",
        "trailgate.policy",
        "refs/heads/main:.trailgate/missing.toml",
    ]);
    let o = s.commit("plain change\n", &[("docs/a.txt", "v2\n")], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let push = s.push(&["--no-verify", "origin", "main"]);
    let err = stderr(&push);
    assert!(!push.status.success(), "{err}");
    assert!(
        err.contains("rejecting the push")
            && err.contains("refs/heads/main:.trailgate/missing.toml"),
        "{err}"
    );
}

#[test]
fn the_time_limit_cuts_judging_short_instead_of_waiting_for_it() {
    // A push of many commits that break the policy: judging them takes far longer than the
    // limit. The refusal must come from the watchdog while judging goes on, not after it:
    // the hook's own verdict ("refusing …") never gets written.
    let s = Setup::new();
    let mut stream = String::new();
    let base = s.client.head();
    for i in 0..1500 {
        let from = if i == 0 {
            format!("from {base}\n")
        } else {
            String::new()
        };
        let message = format!("change {i}\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n");
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter A <a@example.com> {} +0000\ndata {}\n{message}{from}M 100644 inline src/lib.rs\ndata {}\nv{i}\n\n",
            2_000_000_000 + i,
            message.len(),
            format!("v{i}\n").len(),
        ));
    }
    s.client.fast_import(&stream);
    s.server.git(&["config", "trailgate.hookTimeout", "0.05"]);
    let push = s.push(&["--no-verify", "origin", "main"]);
    let err = stderr(&push);
    assert!(!push.status.success(), "{err}");
    assert!(err.contains("could not be judged within 0.05 s"), "{err}");
    assert!(
        !err.contains("refusing refs/heads/main"),
        "judging ran to its end: {err}"
    );
}
