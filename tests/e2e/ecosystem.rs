//! Fitting the ecosystem: SARIF validated against the official schema, the HTML report in
//! headless Chromium, JUnit XML, the pre-commit framework running this repository's manifest,
//! completions and man pages. The outside tools come from `.ci/tools.sh` (run by `.ci/run`);
//! where one is missing a test says so and passes, except in CI (`CI` set), where it fails.

use crate::support::Repo;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where `.ci/tools.sh` puts what it fetches.
pub(crate) fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools")
}

/// `None` (after saying so) when a tool is missing outside CI; a failure in CI.
pub(crate) fn require(what: &str, present: bool) -> Option<()> {
    skip_unless(
        present,
        &format!("{what} is not installed: run .ci/tools.sh"),
    )
}

/// `None` (after saying `msg`) unless `ready`; a failure in CI.
pub(crate) fn skip_unless(ready: bool, msg: &str) -> Option<()> {
    if ready {
        return Some(());
    }
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("skipped: {msg}");
    None
}

pub(crate) fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A history with a failing commit on production paths, a warning about a message (no path)
/// and a clean commit, under a policy kept in the repository.
fn failing_history() -> Repo {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\"]\n",
        None,
    );
    repo.commit("Add policy\n", &[]);
    repo.commit(
        "Add handler\n\nAssisted-by: Cursor\n",
        &[("src/api.rs", "fn api() {}\n")],
    );
    repo.commit(
        "Docs & <notes>\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\nSigned-off-by: Jane Doe <jane@example.com>\n",
        &[("docs/guide.md", "guide\n")],
    );
    repo.commit("Plain change\n", &[("README", "hello\n")]);
    repo
}

fn summary(repo: &Repo) -> serde_json::Value {
    let (_, records) = repo.scan_jsonl(&[]);
    records
        .into_iter()
        .find(|r| r["type"] == "summary")
        .expect("a summary line")
}

#[test]
fn sarif_of_a_failing_scan_validates_against_the_official_schema() {
    let repo = failing_history();
    let (code, out, err) = repo.run(&["scan", "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        trailgate::engine::findings::Code::ALL.len(),
        "a rule per finding code"
    );
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !rule[field]["text"].as_str().unwrap_or("").is_empty(),
                "{field} of {}",
                rule["id"]
            );
        }
    }
    let results = run["results"].as_array().unwrap();
    let findings: u64 = summary(&repo)["findings"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(code, _)| *code != "unused-exception")
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert_eq!(results.len() as u64, findings, "a result per finding");
    let restricted = results
        .iter()
        .find(|r| r["ruleId"] == "restricted-assistant")
        .expect("the failing commit's result");
    assert_eq!(
        restricted["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/api.rs"
    );
    assert_eq!(restricted["level"], "error");
    let on_message = results
        .iter()
        .find(|r| r["ruleId"] == "ignored-declaration")
        .expect("a finding about the message");
    assert_eq!(
        on_message["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".trailgate/policy.toml",
        "findings without a path point at the policy file"
    );
    for r in results {
        let fp = r["partialFingerprints"]["trailgateFinding/v1"]
            .as_str()
            .unwrap();
        assert!(fp.starts_with(r["properties"]["commit"].as_str().unwrap()));
    }

    let Some(valid) = sarif_schema_errors(repo.home.path(), &sarif) else {
        return;
    };
    assert_eq!(valid, Ok(()));
    // The validator does reject what the schema forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        sarif_schema_errors(repo.home.path(), &broken)
            .unwrap()
            .is_err()
    );
}

/// What the official SARIF 2.1.0 schema finds wrong with `sarif` (`Ok` when nothing);
/// `None` (after saying so) where the schema or validator is missing outside CI.
pub(crate) fn sarif_schema_errors(
    scratch: &Path,
    sarif: &serde_json::Value,
) -> Option<Result<(), String>> {
    let schema = tools_dir().join("sarif-2.1.0-rtm.5.json");
    let validator = runs("python3", &["-c", "import jsonschema"]);
    require(
        "the SARIF 2.1.0 schema and python3-jsonschema",
        schema.exists() && validator,
    )?;
    let file = scratch.join("checked.sarif");
    std::fs::write(&file, sarif.to_string()).unwrap();
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             doc = json.load(open(sys.argv[2]))\n\
             errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))\n\
             for e in errors: print(e.message, list(e.absolute_path))\n\
             sys.exit(1 if errors else 0)",
        ])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    })
}

#[test]
fn junit_counts_failing_commits_as_failures() {
    let repo = failing_history();
    let (code, out, err) = repo.run(&["scan", "--format", "junit"]);
    assert_eq!(code, 1, "{err}");
    let s = summary(&repo);
    let fail = s["verdicts"]["fail"].as_u64().unwrap();
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(out.contains(&format!("failures=\"{fail}\"")), "{out}");
    assert!(
        out.contains("<failure type=\"restricted-assistant\""),
        "{out}"
    );
    assert!(
        out.contains("Docs &amp; &lt;notes&gt;"),
        "names are escaped: {out}"
    );
    if require("python3", runs("python3", &["-c", "pass"])).is_some() {
        let file = repo.home.path().join("report.xml");
        std::fs::write(&file, &out).unwrap();
        let parsed = Command::new("python3")
            .args([
                "-c",
                "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            parsed.status.success(),
            "{}",
            String::from_utf8_lossy(&parsed.stderr)
        );
    }
}

/// Headless Chromium (as root: no sandbox) on `url`, with `extra` flags; its profile in `home`.
pub(crate) fn chromium(home: &Path, url: &str, extra: &[&str]) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            home.join("chromium").display()
        ))
        .args(extra)
        .arg(url)
        .env("HOME", home)
        .output()
        .expect("chromium runs")
}

/// The page as Chromium has it once its script ran; fails on a console message.
pub(crate) fn rendered_dom(home: &Path, url: &str) -> String {
    let dom = chromium(home, url, &["--dump-dom"]);
    assert!(dom.status.success());
    let stderr = String::from_utf8_lossy(&dom.stderr);
    assert!(
        !stderr.contains(":CONSOLE("),
        "no console messages: {stderr}"
    );
    let text = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(text.contains("</html>"), "the page loaded");
    text
}

/// A screenshot of `url` in target/test-artifacts/`name`.
pub(crate) fn screenshot(home: &Path, url: &str, name: &str) {
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join(name);
    let _ = std::fs::remove_file(&png);
    let shot = chromium(
        home,
        url,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,1400",
        ],
    );
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000);
}

#[test]
fn html_report_renders_in_headless_chromium_with_the_jsonl_totals() {
    let repo = failing_history();
    let page = repo.home.path().join("report.html");
    let (code, _, err) = repo.run(&["scan", "--format", "html", "-o", page.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: no external resource (the one script is inline).
    assert!(!html.contains("http://") && !html.contains("src=") && !html.contains("<link"));
    let s = summary(&repo);

    if require("chromium", runs("chromium", &["--version"])).is_none() {
        return;
    }
    let url = format!("file://{}", page.display());
    let dom_text = rendered_dom(repo.home.path(), &url);
    let shown = |id: &str| -> String {
        let start = dom_text
            .find(&format!("id=\"{id}\">"))
            .unwrap_or_else(|| panic!("#{id}"));
        let rest = &dom_text[start + id.len() + 6..];
        rest[..rest.find('<').unwrap()].to_string()
    };
    assert_eq!(shown("total-commits"), s["commits"].to_string());
    for v in ["pass", "warn", "fail"] {
        assert_eq!(shown(&format!("verdict-{v}")), s["verdicts"][v].to_string());
    }
    for (id, n) in s["by_assistant"].as_object().unwrap() {
        assert!(
            dom_text.contains(&format!("data-assistant=\"{id}\">{n}<")),
            "{id}: {n}"
        );
    }
    assert!(dom_text.contains(s["policy"]["sha256"].as_str().unwrap()));
    screenshot(repo.home.path(), &url, "html-report.png");
}

/// The text of the first element with `class="NAME"` in `dom`, markup inside it removed.
pub(crate) fn class_text(dom: &str, name: &str) -> String {
    let at = dom
        .find(&format!("class=\"{name}\""))
        .unwrap_or_else(|| panic!(".{name}"));
    let element = &dom[..at].rsplit_once('<').unwrap().1;
    let tag = element.split_whitespace().next().unwrap();
    let rest = &dom[at..];
    let inner = &rest[rest.find('>').unwrap() + 1..rest.find(&format!("</{tag}>")).unwrap()];
    let mut text = String::new();
    for piece in inner.split('<') {
        text.push_str(piece.split_once('>').map_or(piece, |(_, t)| t));
    }
    text
}

#[test]
fn html_report_says_what_it_judged_links_to_github_and_filters_failing_commits() {
    const DAY: i64 = 86_400;
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[assistants.aider]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\", \"lib/\"]\n",
        None,
    );
    repo.commit("Add policy\n", &[]); // 2026-11
    repo.set_clock(crate::support::T0 + 40 * DAY); // 2026-12
    let cursor_src = repo.commit("Handler\n\nAssisted-by: Cursor\n", &[("src/api.rs", "a\n")]);
    repo.set_clock(crate::support::T0 + 160 * DAY); // 2027-04
    let aider_lib = repo.commit("Lib\n\nAssisted-by: aider\n", &[("lib/x.rs", "x\n")]);
    let cursor_lib = repo.commit("Lib 2\n\nAssisted-by: Cursor\n", &[("lib/y.rs", "y\n")]);
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://x-access-token:ghs_SECRET@github.com/acme/widgets.git",
    ]);
    let page = repo.home.path().join("report.html");
    let out = repo
        .trailgate()
        .args(["scan", "--format", "html", "-o", page.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("ghs_SECRET"),
        "credentials never reach a report"
    );
    for id in [&cursor_src, &aider_lib, &cursor_lib] {
        assert!(
            html.contains(&format!(
                "href=\"https://github.com/acme/widgets/commit/{id}\""
            )),
            "{id}"
        );
    }
    if require("chromium", runs("chromium", &["--version"])).is_none() {
        return;
    }
    let url = format!("file://{}", page.display());
    let dom = rendered_dom(repo.home.path(), &url);
    assert_eq!(
        class_text(&dom, "repository"),
        "https://github.com/acme/widgets.git"
    );
    assert_eq!(class_text(&dom, "revisions"), "HEAD");
    assert!(dom.contains("<a href=\"https://github.com/acme/widgets\">"));
    assert_eq!(class_text(&dom, "generated-at"), "2027-01-15T08:00:00Z");
    assert_eq!(class_text(&dom, "at"), "commit");
    assert_eq!(
        class_text(&dom, "trailgate-version"),
        env!("CARGO_PKG_VERSION")
    );
    let months: Vec<&str> = dom
        .split("data-month=\"")
        .skip(1)
        .map(|m| &m[..7])
        .collect();
    assert_eq!(
        months,
        [
            "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"
        ]
    );
    assert_eq!(class_text(&dom, "filter-count-all"), "3");

    // Filters from the address: the rows that do not match are hidden.
    let visible = |fragment: &str| -> (String, Vec<String>) {
        let dom = rendered_dom(repo.home.path(), &format!("{url}#{fragment}"));
        let rows: Vec<String> = dom
            .split("<tr data-assistants=")
            .skip(1)
            .filter(|row| !row[..row.find('>').unwrap()].contains(" hidden"))
            .map(|row| {
                let at = row.find("/commit/").unwrap() + 8;
                row[at..at + 40].to_string()
            })
            .collect();
        (
            class_text(
                &dom.replace("id=\"filter-shown\"", "class=\"shown\""),
                "shown",
            ),
            rows,
        )
    };
    assert_eq!(
        visible("assistant=cursor"),
        ("2".into(), vec![cursor_lib.clone(), cursor_src.clone()])
    );
    assert_eq!(
        visible("assistant=cursor&path=lib/"),
        ("1".into(), vec![cursor_lib.clone()])
    );
    assert_eq!(
        visible("code=restricted-assistant&path=src"),
        ("1".into(), vec![cursor_src.clone()])
    );
    assert_eq!(visible("path=docs/").0, "0");
    screenshot(
        repo.home.path(),
        &format!("{url}#assistant=cursor"),
        "html-report-filtered.png",
    );
}

#[test]
fn pre_commit_runs_the_manifest_of_this_repository() {
    // Run as a module: a console script installed by pip may not be on PATH (pyenv shims).
    if require(
        "pre-commit",
        runs("python3", &["-m", "pre_commit", "--version"]),
    )
    .is_none()
    {
        return;
    }
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.claude-code]\nstatus = \"forbidden\"\n",
        None,
    );
    repo.commit("Add policy\n", &[]);
    let this = env!("CARGO_MANIFEST_DIR");
    // The manifest as committed in this repository, at its current commit.
    let head = Command::new("git")
        .args(["-C", this, "rev-parse", "HEAD"])
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert_eq!(head.len(), 40, "this repository has a commit");
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {this}\n    rev: {head}\n    hooks:\n      - id: trailgate-commit-msg\n"
        ),
    );
    repo.git(&["add", ".pre-commit-config.yaml"]);
    let try_message = |message: &str| {
        let file = repo.home.path().join("COMMIT_EDITMSG");
        std::fs::write(&file, message).unwrap();
        Command::new("python3")
            .args(["-m", "pre_commit", "run", "--hook-stage", "commit-msg"])
            .arg("--commit-msg-filename")
            .arg(&file)
            .current_dir(repo.path())
            .env("HOME", repo.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", repo.home.path().join("gitconfig"))
            .env("PRE_COMMIT_HOME", repo.home.path().join("pre-commit"))
            // pre-commit builds the hook with `cargo install`: share one target directory.
            .env(
                "CARGO_TARGET_DIR",
                Path::new(this).join("target/pre-commit"),
            )
            .output()
            .expect("pre-commit runs")
    };
    let bad = try_message("Change\n\nCo-authored-by: Claude <noreply@anthropic.com>\n");
    let bad_out = String::from_utf8_lossy(&bad.stdout);
    assert!(!bad.status.success(), "{bad_out}");
    assert!(bad_out.contains("error[forbidden-assistant]"), "{bad_out}");
    let good = try_message("Change\n\nAssisted-by: none\n");
    let good_out = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{good_out}");
    assert!(good_out.contains("Passed"), "the hook ran: {good_out}");
}

#[test]
fn completions_and_man_pages_cover_every_subcommand() {
    let repo = Repo::new();
    let subcommands = [
        "scan",
        "check",
        "trailers",
        "policy",
        "init",
        "exceptions",
        "install",
        "uninstall",
        "hook",
        "session",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = repo.run(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        for sub in subcommands {
            assert!(out.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let dir = repo.home.path().join("man");
    let (code, _, err) = repo.run(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for page in std::iter::once("trailgate".to_string())
        .chain(subcommands.iter().map(|s| format!("trailgate-{s}")))
        .chain(["trailgate-policy-check", "trailgate-session-start"].map(String::from))
    {
        let text = std::fs::read_to_string(dir.join(format!("{page}.1")))
            .unwrap_or_else(|e| panic!("{page}.1: {e}"));
        assert!(text.contains(".TH") && text.len() > 200, "{page}.1");
    }
    let (code, out, _) = repo.run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(".SH SUBCOMMANDS") || out.contains("trailgate\\-scan"),
        "{out}"
    );
}

#[test]
fn pre_push_takes_the_pushed_ref_from_pre_commit_variables() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.claude-code]\nstatus = \"forbidden\"\n",
        None,
    );
    repo.commit("Add policy\n", &[]);
    let good = repo.commit("Plain\n\nAssisted-by: none\n", &[("a", "1\n")]);
    let bad = repo.commit(
        "Change\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        &[("b", "1\n")],
    );
    let push = |to: &str| {
        repo.trailgate()
            .args(["hook", "pre-push"])
            .env("PRE_COMMIT_REMOTE_NAME", "origin")
            .env("PRE_COMMIT_REMOTE_URL", "/nowhere")
            .env("PRE_COMMIT_TO_REF", to)
            .env("PRE_COMMIT_FROM_REF", "0".repeat(40))
            .env("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main")
            .env("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main")
            .output()
            .unwrap()
    };
    let refused = push(&bad);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("error[forbidden-assistant]"), "{err}");
    let accepted = push(&good);
    assert_eq!(
        accepted.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    // Without git's arguments or pre-commit's variables there is nothing to judge: an error.
    let (code, _, err) = repo.run(&["hook", "pre-push"]);
    assert_eq!(code, 2, "{err}");
}

/// The command of the GitHub Action's step named `name` (a one-line `run:`).
fn action_step(name: &str) -> String {
    let action = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml"))
        .expect("action.yml");
    let mut lines = action
        .lines()
        .skip_while(|l| l.trim() != format!("- name: {name}"));
    assert!(lines.next().is_some(), "action.yml has a step `{name}`");
    lines
        .take_while(|l| !l.trim_start().starts_with("- name:"))
        .find_map(|l| l.trim().strip_prefix("run: "))
        .unwrap_or_else(|| panic!("the step `{name}` runs one command"))
        .to_string()
}

#[test]
fn the_github_action_fetches_the_notes_a_clone_leaves_behind() {
    let origin = Repo::new();
    origin.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[production]\npaths = [\"src/**\"]\n",
        None,
    );
    let id = origin.commit("silent\n", &[("src/lib.rs", "v1\n")]);
    origin.note(
        "trailgate",
        "assistant = \"cursor\"\nsession = \"abc\"\n",
        &id,
    );
    let clone = Repo::empty();
    clone.git(&["clone", "-q", origin.path().to_str().unwrap(), "."]);
    let verdict = |repo: &Repo| {
        let (_, records) = repo.scan_jsonl(&[]);
        crate::support::record(&records, &id)["verdict"].clone()
    };
    // A clone (as actions/checkout makes) has no notes: the note's assistant goes unseen.
    assert_eq!(verdict(&clone), "pass");
    let fetch = action_step("Fetch session notes");
    let out = clone.bash(&fetch);
    assert!(
        out.status.success(),
        "{fetch}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(verdict(&clone), "fail");
    assert_eq!(verdict(&origin), "fail");
    // A remote without notes gives nothing, and the step still succeeds.
    let noteless = Repo::new();
    noteless.commit("plain\n", &[("README", "hi\n")]);
    let plain = Repo::empty();
    plain.git(&["clone", "-q", noteless.path().to_str().unwrap(), "."]);
    let out = plain.bash(&fetch);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The script of the GitHub Action's step named `name` (a `run: |` block), unindented.
fn action_script(name: &str) -> String {
    let action = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml"))
        .expect("action.yml");
    let mut lines = action
        .lines()
        .skip_while(|l| l.trim() != format!("- name: {name}"))
        .skip_while(|l| l.trim() != "run: |");
    assert!(lines.next().is_some(), "the step `{name}` runs a script");
    let body: Vec<&str> = lines
        .take_while(|l| !l.trim_start().starts_with("- name:"))
        .collect();
    let indent = body[0].len() - body[0].trim_start().len();
    body.iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_github_action_scans_a_pull_request_against_a_baseline_from_the_target_branch() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\"]\n",
        None,
    );
    repo.commit("Policy\n", &[]);
    repo.commit("Old\n\nAssisted-by: Cursor\n", &[("src/old.rs", "o\n")]);
    let (_, jsonl, _) = repo.run(&["scan", "--format", "jsonl"]);
    let base = repo.commit(
        "Accept the past\n",
        &[(".trailgate/baseline.jsonl", &jsonl)],
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The pull request empties the baseline, trying to accept what it adds: it is not read.
    repo.commit(
        "Sneaky\n",
        &[(".trailgate/baseline.jsonl", "{\"commits\":[]}")],
    );
    let head = repo.commit("New\n\nAssisted-by: Cursor\n", &[("src/new.rs", "n\n")]);

    // The action's binary, where its build step puts it.
    let runner = repo.home.path().join("runner");
    std::fs::create_dir_all(runner.join("trailgate/bin")).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_trailgate"),
        runner.join("trailgate/bin/trailgate"),
    )
    .unwrap();
    let outputs = repo.home.path().join("github-output");
    let scan = |baseline: &str, revisions: &str| {
        let script = format!(
            "export RUNNER_TEMP='{}' GITHUB_OUTPUT='{}' BASE_SHA='{base}' HEAD_SHA='{head}' \
             REVISIONS='{revisions}' POLICY='main:.trailgate/policy.toml' BASELINE='{baseline}' SARIF=out.sarif\n{}",
            runner.display(),
            outputs.display(),
            action_script("Scan"),
        );
        let _ = std::fs::remove_file(&outputs);
        let _ = std::fs::remove_file(repo.path().join("out.sarif"));
        let out = repo.bash(&script);
        let log = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            log.contains("::warning::the baseline"),
            !baseline.starts_with("origin/"),
            "a baseline the pull request can write is warned about: {log}"
        );
        let exit = std::fs::read_to_string(&outputs).unwrap_or_default();
        let sarif: serde_json::Value = std::fs::read_to_string(repo.path().join("out.sarif"))
            .map_or(serde_json::Value::Null, |text| {
                serde_json::from_str(&text).unwrap()
            });
        (out.status.code(), exit, sarif)
    };
    // The target branch as a checkout has it: a remote-tracking ref.
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let (status, exit, sarif) = scan("origin/main:.trailgate/baseline.jsonl", "");
    assert_eq!(status, Some(0), "exit 1 does not fail the scan step itself");
    assert_eq!(exit.trim(), "exit-code=1", "the new commit fails");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        1,
        "only the pull request's commits: {results:?}"
    );
    assert_eq!(results[0]["properties"]["commit"], head.as_str());

    // The whole history with the baseline: the old commit is accepted, the new one still fails.
    let (_, exit, sarif) = scan("origin/main:.trailgate/baseline.jsonl", "HEAD");
    assert_eq!(exit.trim(), "exit-code=1");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let states: Vec<(&str, Option<&str>)> = results
        .iter()
        .map(|r| (r["level"].as_str().unwrap(), r["baselineState"].as_str()))
        .collect();
    assert_eq!(states, [("error", None), ("note", Some("unchanged"))]);

    // From the checkout or HEAD: the pull request's emptied copy is read, and the log says
    // why not to.
    for own in [
        ".trailgate/baseline.jsonl",
        "HEAD:.trailgate/baseline.jsonl",
    ] {
        let (_, exit, _) = scan(own, "HEAD");
        assert_eq!(exit.trim(), "exit-code=1");
    }

    // A baseline that cannot be read fails the step (exit 2).
    let (status, exit, sarif) = scan("main:nowhere.jsonl", "HEAD");
    assert_eq!(status, Some(2));
    assert_eq!(exit.trim(), "exit-code=2");
    assert!(
        sarif.is_null(),
        "no report from a scan that could not judge"
    );
}
