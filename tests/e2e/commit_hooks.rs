//! `commit-msg` judges exactly what `git commit` records (docs/hooks.md, "commit-msg FILE"): every
//! cleanup mode, comment character and command-line setting git applies, and amends however git was
//! asked for them. Each case runs a real `git commit` through hooks written by `trailgate install`;
//! what trailgate judged is checked against the commit git makes.

use crate::support::Repo;
use std::os::unix::fs::PermissionsExt;
use std::process::Output;

const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";

/// Claude is forbidden everywhere: a Claude trailer git commits must refuse the commit.
const FORBID_CLAUDE: &str = r#"version = 1
[defaults]
status = "approved"
[assistants.claude-code]
status = "forbidden"
[exceptions]
registry = "exceptions.toml"
"#;
const REGISTRY: &str = r#"[[exception]]
id = "EXC-1"
assistants = ["claude-code"]
expires = "2099-12-31"
"#;

/// Claude is restricted on production paths, with no exception.
const RESTRICT_CLAUDE: &str = r#"version = 1
[defaults]
status = "restricted"
[production]
paths = ["src/**"]
"#;

fn setup(policy: &str) -> Repo {
    let repo = Repo::new();
    repo.policy(policy, Some(REGISTRY));
    repo.commit(
        "import\n",
        &[("src/lib.rs", "v1\n"), ("docs/a.txt", "v1\n")],
    );
    let (code, out, err) = repo.run(&["install"]);
    assert_eq!(code, 0, "{out}{err}");
    repo
}

/// An editor script that leaves the message as git wrote it, or appends the paragraph
/// `append`.
fn editor(repo: &Repo, name: &str, append: &str) -> String {
    let body = if append.is_empty() {
        "#!/bin/sh\nexit 0\n".to_owned()
    } else {
        format!("#!/bin/sh\nprintf '\\n%s\\n' '{append}' >> \"$1\"\n")
    };
    script(repo, name, &body)
}

fn script(repo: &Repo, name: &str, body: &str) -> String {
    let path = repo.home.path().join(name);
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_owned()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn last_trailers(repo: &Repo) -> String {
    repo.git(&["log", "-1", "--format=%(trailers:only,unfold)"])
        .trim()
        .to_owned()
}

fn run(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> Output {
    repo.git_output(args, env)
}

/// One row: git's arguments (before and after `commit`), extra config, extra environment,
/// and whether git commits the Claude trailer. The hook must refuse exactly when
/// `trailgate scan` fails the commit git makes.
struct Case {
    name: &'static str,
    git: &'static [&'static str],
    args: Vec<String>,
    config: &'static [(&'static str, &'static str)],
    env: Vec<(&'static str, String)>,
    claude_committed: bool,
}

#[test]
fn commit_msg_judges_the_message_git_commits() {
    let probe = Repo::new();
    let noop = editor(&probe, "noop-editor", "");
    let msg_file = probe.home.path().join("msg.txt");
    std::fs::write(&msg_file, format!("# note\n\n{CLAUDE}\n")).unwrap();
    let msg_file = msg_file.to_str().unwrap().to_owned();
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    // Flags, then a message given as `-m` arguments.
    let then = |flags: &[&str], message: &[&str]| s(&[flags, message].concat());
    let hidden = ["-m", "# note", "-m", CLAUDE];
    let semicolon = ["-m", "subject", "-m", &format!("{CLAUDE}\n; not a trailer")];
    let cases = vec![
        // `-m`/`-F` clean whitespace only: the `# note` title stays, the trailer is committed.
        Case {
            name: "-m",
            git: &[],
            args: s(&hidden),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        Case {
            name: "-F",
            git: &[],
            args: s(&["-F", &msg_file]),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        // An editor strips comments: the trailer becomes the title and is no trailer.
        Case {
            name: "-F -e",
            git: &[],
            args: s(&["-F", &msg_file, "-e"]),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: false,
        },
        Case {
            name: "-e -m",
            git: &[],
            args: then(&["-e"], &hidden),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: false,
        },
        Case {
            name: "--cleanup=verbatim",
            git: &[],
            args: then(&["--cleanup=verbatim"], &hidden),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        Case {
            name: "--cl=verbatim",
            git: &[],
            args: then(&["--cl=verbatim"], &hidden),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        Case {
            name: "--clean verbatim -e",
            git: &[],
            args: then(&["--clean", "verbatim", "-e"], &hidden),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: true,
        },
        Case {
            name: "--cleanup=whitespace -e",
            git: &[],
            args: then(&["--cleanup=whitespace", "-e"], &hidden),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: true,
        },
        Case {
            name: "--cleanup=strip",
            git: &[],
            args: then(&["--cleanup=strip"], &hidden),
            config: &[],
            env: vec![],
            claude_committed: false,
        },
        Case {
            name: "--cleanup=scissors -e",
            git: &[],
            args: then(&["--cleanup=scissors", "-e"], &hidden),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: true,
        },
        Case {
            name: "--cleanup=scissors -m",
            git: &[],
            args: then(&["--cleanup=scissors"], &hidden),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        Case {
            name: "commit.cleanup=whitespace -e",
            git: &[],
            args: then(&["-e"], &hidden),
            config: &[("commit.cleanup", "whitespace")],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: true,
        },
        Case {
            name: "commit.cleanup=strip",
            git: &[],
            args: s(&hidden),
            config: &[("commit.cleanup", "strip")],
            env: vec![],
            claude_committed: false,
        },
        // Comment characters given on git's command line: `;` lines are stripped and the
        // `# note` title is kept, so the trailer is committed.
        Case {
            name: "git -c core.commentChar=;",
            git: &["-c", "core.commentChar=;"],
            args: then(&["--cleanup=strip"], &hidden),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        Case {
            name: "git -c core.commentChar=; -e",
            git: &["-c", "core.commentChar=;"],
            args: then(&["-e"], &hidden),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: true,
        },
        Case {
            name: "GIT_CONFIG_COUNT",
            git: &[],
            args: then(&["--cleanup=strip"], &hidden),
            config: &[],
            env: vec![
                ("GIT_CONFIG_COUNT", "1".into()),
                ("GIT_CONFIG_KEY_0", "core.commentChar".into()),
                ("GIT_CONFIG_VALUE_0", ";".into()),
            ],
            claude_committed: true,
        },
        // The file says `#`, the command line `;`: the command line wins.
        Case {
            name: "-c over the repository's config",
            git: &["-c", "core.commentChar=;"],
            args: then(&["--cleanup=strip"], &hidden),
            config: &[("core.commentChar", "#")],
            env: vec![],
            claude_committed: true,
        },
        // A `;` line git strips leaves a block of trailers only.
        Case {
            name: "core.commentChar=; strips a non-trailer line",
            git: &[],
            args: then(&["--cleanup=strip"], &semicolon),
            config: &[("core.commentChar", ";")],
            env: vec![],
            claude_committed: true,
        },
        // `auto` picks `;` when `#` starts a line: `# note` is kept.
        Case {
            name: "core.commentChar=auto strip",
            git: &["-c", "core.commentChar=auto"],
            args: then(&["--cleanup=strip"], &hidden),
            config: &[],
            env: vec![],
            claude_committed: true,
        },
        Case {
            name: "core.commentChar=auto -e",
            git: &[],
            args: then(&["-e"], &hidden),
            config: &[("core.commentChar", "auto")],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: true,
        },
        // Without status lines `auto` looks at the whole message: `;` starts a line, so `@`
        // is picked and the `; end` paragraph stays: the exception is no trailer, and the
        // Claude line outside the trailer block still names Claude.
        Case {
            name: "core.commentChar=auto -e --no-status",
            git: &["-c", "core.commentChar=auto"],
            args: s(&[
                "-e",
                "--no-status",
                "-m",
                "# note",
                "-m",
                &format!("{CLAUDE}\nAI-Exception: EXC-1"),
                "-m",
                "; end",
            ]),
            config: &[],
            env: vec![("GIT_EDITOR", noop.clone())],
            claude_committed: false,
        },
    ];
    let mut failures = Vec::new();
    for case in &cases {
        let repo = setup(FORBID_CLAUDE);
        for (k, v) in case.config {
            repo.git(&["config", k, v]);
        }
        let mut args: Vec<String> = case.git.iter().map(|a| (*a).to_owned()).collect();
        args.extend(["commit", "-q", "--allow-empty"].map(str::to_owned));
        args.extend(case.args.iter().cloned());
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = case.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let judged = run(&repo, &argv, &env);
        let refused = judged.status.code() == Some(1);
        // What git commits for the same command, hooks skipped.
        let before = repo.head();
        let mut unjudged = argv.clone();
        unjudged.push("--no-verify");
        let made = run(&repo, &unjudged, &env);
        assert!(
            made.status.success(),
            "{}: {}",
            case.name,
            text(&made.stderr)
        );
        assert_ne!(repo.head(), before, "{}", case.name);
        let committed = last_trailers(&repo);
        assert_eq!(
            committed.contains("Claude"),
            case.claude_committed,
            "{}: git committed trailers {committed:?}",
            case.name
        );
        // trailgate's verdict on the commit git made is what the hook had to decide.
        let (scan_code, _, _) = repo.run(&["scan", "HEAD^..HEAD"]);
        assert!(
            scan_code == 0 || scan_code == 1,
            "{}: scan {scan_code}",
            case.name
        );
        let ok = if scan_code == 1 {
            refused && text(&judged.stderr).contains("claude")
        } else {
            judged.status.success()
        };
        if !ok {
            failures.push(format!(
                "{}: hook exit {:?}, scan of the commit git makes exits {scan_code}, its trailers \
                 {committed:?}: {}",
                case.name,
                judged.status.code(),
                text(&judged.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A human commit touching production, ready to be amended by Claude.
fn human_production_commit() -> Repo {
    let repo = setup(RESTRICT_CLAUDE);
    repo.write("src/lib.rs", "v2\n");
    repo.git(&["add", "-A"]);
    let o = run(&repo, &["commit", "-q", "-m", "human change"], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    repo
}

#[test]
fn amends_are_judged_against_the_amended_commits_parent_however_spelled() {
    let message = format!("human change\n\n{CLAUDE}");
    for spelling in ["--amend", "--amen", "--am"] {
        let repo = human_production_commit();
        let head = repo.head();
        let o = run(&repo, &["commit", "-q", spelling, "-m", &message], &[]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{spelling} -m: {}",
            text(&o.stderr)
        );
        assert!(
            text(&o.stderr).contains("src/lib.rs"),
            "{spelling}: {}",
            text(&o.stderr)
        );
        assert_eq!(repo.head(), head, "{spelling}: nothing committed");

        // Through an editor: git passes `commit HEAD` to prepare-commit-msg.
        let add_claude = editor(&repo, "add-claude", CLAUDE);
        let o = run(
            &repo,
            &["commit", "-q", spelling],
            &[("GIT_EDITOR", add_claude.as_str())],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{spelling} (editor): {}",
            text(&o.stderr)
        );
        assert!(
            text(&o.stderr).contains("src/lib.rs"),
            "{spelling}: {}",
            text(&o.stderr)
        );
        assert_eq!(repo.head(), head);
    }
}

#[test]
fn a_commit_after_an_aborted_amend_is_judged_as_a_new_commit() {
    let repo = human_production_commit();
    let fail = script(&repo, "failing-editor", "#!/bin/sh\nexit 1\n");
    let o = run(
        &repo,
        &["commit", "-q", "--amend"],
        &[("GIT_EDITOR", fail.as_str())],
    );
    assert!(!o.status.success(), "the amend is aborted");

    // Only docs change now: judged against HEAD, Claude may commit it.
    repo.write("docs/a.txt", "v2\n");
    repo.git(&["add", "-A"]);
    let write_message = script(
        &repo,
        "write-message",
        &format!(
            "#!/bin/sh\n{{ printf 'docs\\n\\n%s\\n' '{CLAUDE}'; cat \"$1\"; }} > \"$1.new\" && mv \"$1.new\" \"$1\"\n"
        ),
    );
    let o = run(
        &repo,
        &["commit", "-q"],
        &[("GIT_EDITOR", write_message.as_str())],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(last_trailers(&repo).contains("Claude"));
    let o = run(
        &repo,
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            &format!("empty\n\n{CLAUDE}"),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn an_amend_through_an_alias_is_an_amend() {
    let message = format!("human change\n\n{CLAUDE}");
    let repo = human_production_commit();
    repo.git(&["config", "alias.fix", "commit --am"]);
    let head = repo.head();
    for argv in [
        &["-c", "alias.ci=commit", "ci", "--amend", "-m", &message][..],
        &["fix", "-m", &message][..],
    ] {
        let o = run(&repo, argv, &[]);
        assert_eq!(o.status.code(), Some(1), "{argv:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("src/lib.rs"),
            "{}",
            text(&o.stderr)
        );
        assert_eq!(repo.head(), head);
    }
}
