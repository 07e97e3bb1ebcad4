//! Control characters from commits never reach a terminal raw (docs/output.md, "Control
//! characters"): the human report, `check` and every hook message show them escaped, so a subject
//! cannot hide what follows.

use crate::findings::setup;
use crate::hooks::{Setup, stderr};

/// Hides everything after it on most terminals (SGR 8, "conceal").
const CONCEAL: &str = "\u{1b}[8m";
/// The same as a C1 control sequence introducer.
const CONCEAL_C1: &str = "\u{9b}8m";
const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";

fn assert_no_controls(text: &str, what: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect();
    assert!(raw.is_empty(), "{what} has raw controls {raw:?}:\n{text}");
}

#[test]
fn a_concealing_subject_cannot_hide_the_human_report() {
    let repo = setup();
    repo.commit_as(
        &format!("hide{CONCEAL}\n\n{CLAUDE}\n"),
        &[(&format!("services/auth/src/e{CONCEAL_C1}.rs"), "v2\n")],
        Some((&format!("Mallory{CONCEAL}"), "mallory@example.com")),
    );
    let id = repo.head();

    let (code, stdout, stderr) = repo.run(&["--color", "never", "scan"]);
    assert_eq!(code, 1, "{stderr}");
    assert_no_controls(&stdout, "scan");
    assert!(
        stdout.contains(&format!("{} hide\\x1b[8m\n", &id[..12])),
        "{stdout}"
    );
    assert!(
        stdout.contains("author: Mallory\\x1b[8m <mallory@example.com>"),
        "{stdout}"
    );
    assert!(
        stdout.contains("services/auth/src/e\\u{9b}8m.rs"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Scanned 2 commits: 1 pass, 0 warn, 1 fail"),
        "{stdout}"
    );

    let (code, stdout, stderr) = repo.run(&["--color", "never", "check", &id]);
    assert_eq!(code, 1, "{stderr}");
    assert_no_controls(&stdout, "check");
    assert!(stdout.contains("subject:   hide\\x1b[8m\n"), "{stdout}");
    assert!(stdout.contains("\nverdict: fail\n"), "{stdout}");

    // JSON keeps the exact text: JSON escapes it.
    let (_, records) = repo.scan_jsonl(&[]);
    let r = crate::support::record(&records, &id);
    assert_eq!(r["summary"], format!("hide{CONCEAL}"));
}

#[test]
fn a_concealing_subject_cannot_hide_the_server_rejection() {
    let s = Setup::new();
    let subject = format!("hide{CONCEAL}");
    let o = s.commit(
        &format!("{subject}\n\n{CLAUDE}"),
        &[(&format!("src/e{CONCEAL_C1}.rs"), "v2\n")],
        &["--no-verify"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bad = s.client.head();

    // The client's pre-push speaks first.
    let o = s.push(&["origin", "main"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_no_controls(&e, "pre-push");
    assert!(e.contains("\"hide\\x1b[8m\""), "{e}");

    let o = s.push(&["--no-verify", "origin", "main"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_no_controls(&e, "pre-receive");
    assert!(
        e.contains(&format!(
            "remote: trailgate: commit {} \"hide\\x1b[8m\"",
            &bad[..12]
        )),
        "{e}"
    );
    assert!(e.contains("src/e\\u{9b}8m.rs"), "{e}");
    assert!(
        e.contains("remote: trailgate: refusing refs/heads/main"),
        "{e}"
    );
    assert_ne!(s.server_head("main").as_deref(), Some(bad.as_str()));
}
