//! Commit objects read exactly as `git log` reads them (docs/recognition.md, "How a commit is
//! read"): hand-made objects (`git hash-object -t commit --literally`) with repeated or broken
//! headers, NUL bytes, CR and declared encodings, compared field by field with `git log`; pushed
//! into a real server, where whatever git shows as Claude is judged.

use crate::hooks::{Setup, stderr};
use crate::support::{Repo, assistants, codes};

const JANE: &str = "Jane Doe <jane@example.com>";
const BOT: &str = "claude[bot] <209825114+claude[bot]@users.noreply.github.com>";
const TRAILER: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";
/// The same trailer in UTF-7: `+AEM-` is `C`.
const TRAILER_UTF7: &str = "+AEM-o-Authored-By: Claude <noreply@anthropic.com>";
/// A date whose zone has no `+`, which UTF-7 would read as the start of a shifted run.
const DATE: &str = "1793527200 -0100";

/// Store `body` as a commit object whose first line is `tree TREE`; return its id.
fn hand_made(repo: &Repo, tree: &str, parent: Option<&str>, body: &[u8]) -> String {
    let mut raw = format!("tree {tree}\n").into_bytes();
    if let Some(p) = parent {
        raw.extend_from_slice(format!("parent {p}\n").as_bytes());
    }
    raw.extend_from_slice(body);
    let file = repo.home.path().join("object");
    std::fs::write(&file, raw).expect("write object");
    let file = file.to_string_lossy().into_owned();
    repo.git(&["hash-object", "-t", "commit", "--literally", "-w", &file])
        .trim()
        .to_string()
}

fn bytes(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Headers `author`, `committer` (each with `DATE`) and `extra` lines, then `message`.
fn object(author: &str, committer: &str, extra: &str, message: &[u8]) -> Vec<u8> {
    let head = format!("author {author} {DATE}\ncommitter {committer} {DATE}\n{extra}\n");
    bytes(&[head.as_bytes(), message])
}

fn utf16(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// What `git log` prints of a commit: author name and e-mail, committer name and e-mail,
/// subject, parents and trailers.
#[derive(Debug, PartialEq)]
struct View {
    author: (String, String),
    committer: (String, String),
    summary: String,
    parents: Vec<String>,
    trailers: Vec<String>,
}

fn git_view(repo: &Repo, id: &str) -> View {
    let out = repo.git_output(
        &[
            "log",
            "-1",
            "--format=%an%x00%ae%x00%cn%x00%ce%x00%s%x00%P%x00%(trailers:only,unfold)",
            id,
        ],
        &[],
    );
    assert!(out.status.success(), "git log {id}: {}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let f: Vec<&str> = text.split('\0').collect();
    assert_eq!(f.len(), 7, "git log fields of {id}: {text:?}");
    View {
        author: (f[0].into(), f[1].into()),
        committer: (f[2].into(), f[3].into()),
        summary: f[4].into(),
        parents: f[5].split_whitespace().map(String::from).collect(),
        trailers: f[6]
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    }
}

fn record_view(r: &serde_json::Value) -> View {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("<missing>").to_string();
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    View {
        author: (s(&r["author"]["name"]), s(&r["author"]["email"])),
        committer: (s(&r["committer"]["name"]), s(&r["committer"]["email"])),
        summary: s(&r["summary"]),
        parents: list(&r["parents"]).iter().map(s).collect(),
        trailers: list(&r["trailers"])
            .iter()
            .map(|t| format!("{}: {}", s(&t["key"]), s(&t["value"])))
            .collect(),
    }
}

/// The one commit record of `scan --format jsonl ID` and of `check --format jsonl ID`.
fn trailgate_records(repo: &Repo, id: &str) -> [serde_json::Value; 2] {
    let (_, records) = repo.scan_jsonl(&[id]);
    let commits: Vec<_> = records
        .into_iter()
        .filter(|r| r["type"] == "commit")
        .collect();
    assert_eq!(commits.len(), 1, "scan of {id}: {commits:?}");
    let (code, out, err) = repo.run(&["check", "--format", "jsonl", id]);
    assert!(code == 0 || code == 1, "check {id} ({code}): {err}");
    let check: serde_json::Value = serde_json::from_str(out.trim()).expect("check record");
    [commits[0].clone(), check]
}

/// A repository with a commit to take a tree from.
fn repo_with_tree() -> (Repo, String) {
    let repo = Repo::new();
    repo.commit("import\n", &[("src/lib.rs", "v1\n")]);
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]).trim().to_string();
    (repo, tree)
}

#[test]
fn hand_made_objects_read_as_git_log_reads_them() {
    let (repo, tree) = repo_with_tree();
    let msg = format!("subject\n\nbody\n\n{TRAILER}\n");
    let plain = |s: &str| s.as_bytes().to_vec();
    // (case, object after the tree line, whether claude-code must be evidenced: `None` where
    // git shows no Claude but trailgate may still see one in bytes git does not print).
    let cases: Vec<(&str, Vec<u8>, Option<bool>)> = vec![
        (
            "plain",
            object(JANE, JANE, "", b"subject\n\nbody\n"),
            Some(false),
        ),
        (
            "a second author line: git shows the last",
            object(JANE, JANE, &format!("author {BOT} {DATE}\n"), b"subject\n"),
            Some(true),
        ),
        (
            "a second committer line: git shows the last",
            object(
                JANE,
                JANE,
                &format!("committer {BOT} {DATE}\n"),
                b"subject\n",
            ),
            Some(true),
        ),
        (
            "a NUL inside the author line starts another line",
            plain(&format!(
                "author {JANE} {DATE}\0author {BOT} {DATE}\ncommitter {JANE} {DATE}\n\nsubject\n"
            )),
            Some(true),
        ),
        (
            "a header line ending in NUL ends the header",
            plain(&format!(
                "author {JANE} {DATE}\0\ncommitter {JANE} {DATE}\n\n{TRAILER}\n"
            )),
            Some(true),
        ),
        (
            "a NUL starting a line ends the header and hides the message",
            plain(&format!(
                "author {JANE} {DATE}\ncommitter {JANE} {DATE}\n\0\nsubject\n\n{TRAILER}\n"
            )),
            None,
        ),
        (
            "a NUL inside the message ends it",
            plain(&format!(
                "author {JANE} {DATE}\ncommitter {JANE} {DATE}\n\nsubject\0{TRAILER}\n\n{TRAILER}\n"
            )),
            None,
        ),
        (
            "no blank line after the header: no message",
            plain(&format!(
                "author {JANE} {DATE}\ncommitter {JANE} {DATE}\nsubject\n{TRAILER}\n"
            )),
            Some(false),
        ),
        (
            "CR ends no header line",
            plain(&format!(
                "author {JANE} {DATE}\r\ncommitter {JANE} {DATE}\r\n\r\nsubject\r\n\r\n{TRAILER}\r\n"
            )),
            Some(false),
        ),
        (
            "a CRLF message",
            object(
                JANE,
                JANE,
                "",
                format!("subject\r\n\r\n{TRAILER}\r\n").as_bytes(),
            ),
            Some(true),
        ),
        (
            "no author and no committer",
            plain(&format!("\n{msg}")),
            Some(true),
        ),
        (
            "leading blank and space-only lines before the subject",
            object(
                JANE,
                JANE,
                "",
                b"\n  \n\t\n  indented subject  \nsecond line\n\nbody\n",
            ),
            Some(false),
        ),
        (
            "an e-mail without its closing bracket: no identity",
            plain(&format!(
                "author Claude <noreply@anthropic.com {DATE}\ncommitter {JANE} {DATE}\n\nsubject\n"
            )),
            Some(false),
        ),
        (
            "a name ending in a form feed keeps it",
            object("Jane\x0c <jane@example.com>", JANE, "", b"subject\n"),
            Some(false),
        ),
        (
            "gpgsig continuation lines are no headers",
            object(
                JANE,
                JANE,
                &format!(
                    "gpgsig -----BEGIN PGP SIGNATURE-----\n author {BOT} {DATE}\n \n -----END PGP SIGNATURE-----\n"
                ),
                msg.as_bytes(),
            ),
            Some(true),
        ),
        (
            "mergetag",
            object(
                JANE,
                JANE,
                &format!(
                    "mergetag object {tree}\n type tree\n tag v1\n tagger {BOT} {DATE}\n \n tag message\n"
                ),
                msg.as_bytes(),
            ),
            Some(true),
        ),
        (
            "UTF-7 trailer",
            object(
                JANE,
                JANE,
                "encoding UTF-7\n",
                format!("subject\n\n{TRAILER_UTF7}\n").as_bytes(),
            ),
            Some(true),
        ),
        (
            "UTF-7 that iconv refuses is shown raw",
            plain(&format!(
                "author {JANE} 1 +0000\ncommitter {JANE} 1 +0000\nencoding UTF-7\n\nsubject\n\n{TRAILER_UTF7}\n"
            )),
            Some(false),
        ),
        (
            "UTF-7 author identity",
            object(
                "+AGM-laude+AFs-bot+AF0- <209825114+-claude+AFs-bot+AF0-@users.noreply.github.com>",
                JANE,
                "encoding UTF-7\n",
                b"subject\n",
            ),
            Some(true),
        ),
        (
            "encoding given twice: the first counts",
            object(
                JANE,
                JANE,
                "encoding UTF-7\nencoding ISO-8859-1\n",
                format!("subject\n\n{TRAILER_UTF7}\n").as_bytes(),
            ),
            Some(true),
        ),
        (
            "UTF-16 message",
            object(
                JANE,
                JANE,
                "encoding UTF-16\n",
                &utf16(&format!("subject\n\n{TRAILER}\n")),
            ),
            Some(false),
        ),
        (
            "Shift-JIS author and message",
            bytes(&[
                b"author \x8e\x52\x93\x63 <yamada\x5c@example.com> ",
                DATE.as_bytes(),
                b"\ncommitter ",
                JANE.as_bytes(),
                b" ",
                DATE.as_bytes(),
                b"\nencoding Shift_JIS\n\n\x8e\x52\x93\x63 subject~\n\n",
                TRAILER.as_bytes(),
                b"\n",
            ]),
            Some(true),
        ),
        (
            "Latin-1 author name",
            bytes(&[
                b"author J\xe9r\xf4me <jerome@example.com> ",
                DATE.as_bytes(),
                b"\ncommitter ",
                JANE.as_bytes(),
                b" ",
                DATE.as_bytes(),
                b"\nencoding latin-1\n\nsubject \xe9\n",
            ]),
            Some(false),
        ),
        (
            // git cuts the `encoding` line out of the string in place and reads on past the
            // new end into the old last bytes: here `\nSubject from here!`.
            "headers running into the end of a re-encoded object",
            plain(&format!(
                "author {JANE} {DATE}\ncommitter {JANE} {DATE}\nencoding ISO-8859-1\nSubject from here!"
            )),
            Some(false),
        ),
        (
            "utf8 spelled without a hyphen is not converted",
            object(JANE, JANE, "encoding utf8\n", "subject é\n".as_bytes()),
            Some(false),
        ),
    ];

    let ids: Vec<String> = cases
        .iter()
        .map(|(_, body, _)| hand_made(&repo, &tree, None, body))
        .collect();
    let mut wrong = Vec::new();
    // Loose objects first (read through libgit2's object database), then the same objects
    // packed (read by the pack reader, as a scan of a real history reads them).
    for store in ["loose", "packed"] {
        if store == "packed" {
            for (i, id) in ids.iter().enumerate() {
                repo.git(&["update-ref", &format!("refs/hand-made/{i}"), id]);
            }
            repo.git(&["repack", "-adq"]);
            let loose = repo.git(&["count-objects"]);
            assert!(loose.starts_with("0 objects"), "{loose}");
        }
        for ((case, _, claude), id) in cases.iter().zip(&ids) {
            let want = git_view(&repo, id);
            for (how, r) in ["scan", "check"].iter().zip(trailgate_records(&repo, id)) {
                let got = record_view(&r);
                if got != want {
                    wrong.push(format!(
                        "{case} ({how}, {store}):\n  git       {want:?}\n  trailgate {got:?}"
                    ));
                }
                let has_claude = assistants(&r).contains(&"claude-code".to_string());
                if claude.is_some_and(|c| c != has_claude) {
                    wrong.push(format!(
                        "{case} ({how}, {store}): claude-code evidenced: {has_claude}"
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_utf7_trailer_is_claude_code() {
    let (repo, tree) = repo_with_tree();
    let id = hand_made(
        &repo,
        &tree,
        None,
        &object(
            JANE,
            JANE,
            "encoding UTF-7\n",
            format!("subject\n\n{TRAILER_UTF7}\n").as_bytes(),
        ),
    );
    let [r, _] = trailgate_records(&repo, &id);
    assert_eq!(assistants(&r), ["claude-code"]);
    assert_eq!(r["trailers"][0]["key"], "Co-Authored-By");
    assert_eq!(r["trailers"][0]["value"], "Claude <noreply@anthropic.com>");
    assert_eq!(r["assistants"][0]["evidence"][0]["source"], "trailer");
}

#[test]
fn an_encoding_trailgate_cannot_convert_is_undecodable_message() {
    let (repo, tree) = repo_with_tree();
    let id = hand_made(
        &repo,
        &tree,
        None,
        &object(JANE, JANE, "encoding X-NO-SUCH-CHARSET\n", b"subject\n"),
    );
    let [scan, check] = trailgate_records(&repo, &id);
    for r in [&scan, &check] {
        assert_eq!(codes(r), ["undecodable-message"], "{r:#}");
        assert_eq!(r["verdict"], "fail");
        assert_eq!(r["findings"][0]["severity"], "error");
        let message = r["findings"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains("`X-NO-SUCH-CHARSET`"), "{message}");
    }
    // What git shows of it is read all the same: the raw bytes.
    assert_eq!(record_view(&scan), git_view(&repo, &id));
    assert_eq!(repo.run(&["check", &id]).0, 1);

    // The severity is the policy's to change.
    repo.policy(
        "version = 1\n[severity]\nundecodable-message = \"warning\"\n",
        None,
    );
    let [r, _] = trailgate_records(&repo, &id);
    assert_eq!(codes(&r), ["undecodable-message"]);
    assert_eq!(r["verdict"], "warn");
    assert_eq!(repo.run(&["check", &id]).0, 0);
}

#[test]
fn a_commit_git_cannot_parse_is_an_error_naming_it() {
    let (repo, tree) = repo_with_tree();
    // No tree line; a parent line git refuses; a tree line and nothing after it.
    let no_tree = {
        let file = repo.home.path().join("object");
        std::fs::write(&file, format!("author {JANE} {DATE}\n\n{TRAILER}\n")).expect("write");
        let file = file.to_string_lossy().into_owned();
        repo.git(&["hash-object", "-t", "commit", "--literally", "-w", &file])
            .trim()
            .to_string()
    };
    let bad_parent = hand_made(
        &repo,
        &tree,
        None,
        format!("parent 1234\nauthor {JANE} {DATE}\n\n{TRAILER}\n").as_bytes(),
    );
    let tree_only = hand_made(&repo, &tree, None, b"");
    for id in [no_tree, bad_parent, tree_only] {
        let git = repo.git_output(&["log", "-1", "--format=%s", &id], &[]);
        assert!(!git.status.success(), "git reads {id}");
        for cmd in [&["scan", "--format", "jsonl", &id][..], &["check", &id][..]] {
            let (code, out, err) = repo.run(cmd);
            assert_eq!(code, 2, "{cmd:?}: {out}{err}");
            assert!(err.contains(&id), "{cmd:?}: {err}");
        }
    }
}

/// What a server judges: hand-made objects that git shows as Claude's change to a production
/// path, pushed straight to `main` (the client's own hooks skipped), are all refused; a human
/// object made the same way lands.
#[test]
fn a_server_judges_what_git_shows_in_hand_made_objects() {
    let s = Setup::new();
    let main = s.client.head();
    s.client.write("src/lib.rs", "v2\n");
    s.client.git(&["add", "-A"]);
    let tree = s.client.git(&["write-tree"]).trim().to_string();
    let tricks: Vec<(&str, Vec<u8>)> = vec![
        (
            "second author line",
            object(JANE, JANE, &format!("author {BOT} {DATE}\n"), b"change\n"),
        ),
        (
            "second committer line",
            object(
                JANE,
                JANE,
                &format!("committer {BOT} {DATE}\n"),
                b"change\n",
            ),
        ),
        (
            "NUL inside the author line",
            format!(
                "author {JANE} {DATE}\0author {BOT} {DATE}\ncommitter {JANE} {DATE}\n\nchange\n"
            )
            .into_bytes(),
        ),
        (
            "header line ending in NUL",
            format!("author {JANE} {DATE}\0\ncommitter {JANE} {DATE}\n\n{TRAILER}\n").into_bytes(),
        ),
        (
            "UTF-7 trailer",
            object(
                JANE,
                JANE,
                "encoding UTF-7\n",
                format!("change\n\n{TRAILER_UTF7}\n").as_bytes(),
            ),
        ),
        (
            "UTF-7 identity",
            object(
                "+AGM-laude+AFs-bot+AF0- <209825114+-claude+AFs-bot+AF0-@users.noreply.github.com>",
                JANE,
                "encoding UTF-7\n",
                b"change\n",
            ),
        ),
    ];
    for (trick, body) in &tricks {
        let id = hand_made(&s.client, &tree, Some(&main), body);
        let push = s.push(&["--no-verify", "origin", &format!("{id}:refs/heads/main")]);
        let err = stderr(&push);
        assert!(!push.status.success(), "{trick}: the push landed: {err}");
        assert!(err.contains("restricted-assistant"), "{trick}: {err}");
        assert_eq!(
            s.server_head("main").as_deref(),
            Some(main.as_str()),
            "{trick}"
        );
        // The client's pre-push hook reads it the same way.
        let push = s.push(&["origin", &format!("{id}:refs/heads/main")]);
        assert!(!push.status.success(), "{trick}: pre-push let it through");
        assert!(stderr(&push).contains("restricted-assistant"), "{trick}");
    }
    let human = hand_made(
        &s.client,
        &tree,
        Some(&main),
        &object(JANE, JANE, "", b"change\n"),
    );
    let push = s.push(&["--no-verify", "origin", &format!("{human}:refs/heads/main")]);
    assert!(push.status.success(), "{}", stderr(&push));
    assert_eq!(s.server_head("main"), Some(human));
}

/// `commit-msg` judges what `git log` will show once git has stored the message under
/// `i18n.commitEncoding`: a UTF-7 trailer is Claude's where git's date lets UTF-7 decode (a
/// zone west of UTC writes `-0500`), and nothing where it does not (`+0000` is no UTF-7).
#[test]
fn commit_msg_judges_the_message_as_git_log_will_show_it() {
    let s = Setup::new();
    s.client.git(&["config", "i18n.commitEncoding", "UTF-7"]);
    let message = format!("change\n\n{TRAILER_UTF7}");
    let commit = |tz: &str, extra: &[&str]| {
        s.client.write("src/lib.rs", tz);
        s.client.git(&["add", "-A"]);
        let mut args = vec!["commit", "-q", "-m", &message];
        args.extend_from_slice(extra);
        s.client.git_output(&args, &[("TZ", tz)])
    };
    // In UTF-8: git log would otherwise print in the commit encoding.
    let shown = || {
        let log = ["-c", "i18n.logOutputEncoding=UTF-8", "log", "-1"];
        s.client
            .git(&[&log[..], &["--format=%(trailers:only,unfold)"]].concat())
    };

    let refused = commit("America/New_York", &[]);
    assert!(!refused.status.success(), "the commit was made");
    assert!(
        stderr(&refused).contains("restricted-assistant"),
        "{}",
        stderr(&refused)
    );
    // Made anyway, git shows the trailer the hook saw.
    let made = commit("America/New_York", &["--no-verify"]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert_eq!(shown().trim(), TRAILER);

    let passed = commit("UTC", &[]);
    assert!(passed.status.success(), "{}", stderr(&passed));
    assert_eq!(shown().trim(), "");

    // The encoding given on the command line counts as git counts it.
    s.client.git(&["config", "--unset", "i18n.commitEncoding"]);
    s.client.write("src/lib.rs", "command line");
    s.client.git(&["add", "-A"]);
    let args = [
        "-c",
        "i18n.commitEncoding=UTF-7",
        "commit",
        "-q",
        "-m",
        &message,
    ];
    let refused = s.client.git_output(&args, &[("TZ", "America/New_York")]);
    assert!(!refused.status.success(), "the commit was made");
    assert!(stderr(&refused).contains("restricted-assistant"));
}
