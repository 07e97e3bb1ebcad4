//! The documentation's examples are run: every fenced block opened with ```` ```console checked ````
//! in README.md and docs/*.md runs, command by command (`$ ` lines), in a fresh copy of the
//! demo repository (tests/fixtures/demo-repo.sh), and what each prints (stdout and stderr, no
//! colour) must be what the block shows below it. So an example cannot drift from the tool.
//!
//! In an expected line, `…` stands for any text; a line `...` alone for any number of lines.
//! The repository's path prints as `/home/alice/app`, reports are dated by `SOURCE_DATE_EPOCH`
//! (2026-03-05T09:00:00Z) and commits an example makes 2026-03-05T10:00:00Z.

use std::path::{Path, PathBuf};
use std::process::Command;

const MARK: &str = "```console checked";
/// Where the examples say they run.
const SHOWN_PATH: &str = "/home/alice/app";
const REPORT_TIME: &str = "1772701200";

/// One command of a block and the output it must print.
#[derive(Debug)]
struct Step {
    file: String,
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// The checked blocks of `text` (named `file`), as their steps.
fn blocks(file: &str, text: &str) -> Vec<Vec<Step>> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        if line.trim_end() != MARK {
            continue;
        }
        let mut steps: Vec<Step> = Vec::new();
        for (index, line) in lines.by_ref() {
            if line.starts_with("```") {
                break;
            }
            match line.strip_prefix("$ ") {
                Some(command) => steps.push(Step {
                    file: file.to_string(),
                    line: index + 1,
                    command: command.to_string(),
                    expected: Vec::new(),
                }),
                None => match steps.last_mut() {
                    Some(step) => step.expected.push(line.to_string()),
                    None => panic!("{file}:{}: a checked block starts with `$ `", index + 1),
                },
            }
        }
        blocks.push(steps);
    }
    blocks
}

/// Does one expected line match an actual one? `…` stands for any text, the spaces around it
/// included (`{"id":"…", … }` reads better than `{"id":"…",…}`).
fn line_matches(expected: &str, actual: &str) -> bool {
    let split: Vec<&str> = expected.split('…').collect();
    if split.len() == 1 {
        return expected == actual;
    }
    let last_index = split.len() - 1;
    let pieces: Vec<&str> = split
        .iter()
        .enumerate()
        .map(|(i, p)| match i {
            0 => p.trim_end_matches(' '),
            i if i == last_index => p.trim_start_matches(' '),
            _ => p.trim_matches(' '),
        })
        .collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Do the expected lines match the actual ones? A line `...` matches any number of lines.
fn output_matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=actual.len()).any(|skip| output_matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && output_matches(rest, more)),
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page of docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// A fresh demo repository in `dir`, isolated from the developer's configuration.
fn demo(dir: &Path, home: &Path) {
    let out = shell(dir, home)
        .arg(root().join("tests/fixtures/demo-repo.sh"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "demo-repo.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn shell(dir: &Path, home: &Path) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_trailgate")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_AUTHOR_NAME", "Alice Example")
        .env("GIT_AUTHOR_EMAIL", "alice@corp.example")
        .env("GIT_COMMITTER_NAME", "Alice Example")
        .env("GIT_COMMITTER_EMAIL", "alice@corp.example")
        // Commits an example makes are dated, so their ids are the same in every run.
        .env("GIT_AUTHOR_DATE", "2026-03-05T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-03-05T10:00:00Z")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", REPORT_TIME)
        .env("LC_ALL", "C");
    cmd
}

/// Run one block; a description of each step whose output differs.
fn run_block(steps: &[Step]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = tempfile::tempdir().expect("temp home");
    demo(dir.path(), home.path());
    let real = dir.path().canonicalize().expect("path");
    let mut failures = Vec::new();
    // Each command runs in a shell of its own, started with the previous one's exit status,
    // so that `echo $?` shows it.
    let mut status = 0;
    for step in steps {
        let out = shell(dir.path(), home.path())
            .arg("-c")
            .arg(format!("(exit {status}); {{ {}\n}} 2>&1", step.command))
            .output()
            .expect("bash runs");
        status = out.status.code().unwrap_or(128);
        let printed = String::from_utf8_lossy(&out.stdout)
            .replace(&real.display().to_string(), SHOWN_PATH)
            .replace(&dir.path().display().to_string(), SHOWN_PATH);
        // Trailing blank lines are not shown in a block.
        let actual: Vec<&str> = printed.trim_end_matches('\n').lines().collect();
        if !output_matches(&step.expected, &actual) {
            failures.push(format!(
                "{}:{}: `{}` printed\n{}\n--- where the example shows\n{}\n",
                step.file,
                step.line,
                step.command,
                printed.trim_end(),
                step.expected.join("\n")
            ));
        }
    }
    failures
}

#[test]
fn every_checked_example_prints_what_the_documentation_shows() {
    let mut failures = Vec::new();
    let mut steps = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).expect("page");
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for block in blocks(&name, &text) {
            steps += block.len();
            failures.extend(run_block(&block));
        }
    }
    assert!(
        steps >= 20,
        "only {steps} checked commands: the marks were lost"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_changed_output_fails_the_check() {
    let page = format!(
        "text\n\n{MARK}\n$ trailgate scan --summary\nScanned 4 commits: 3 pass, 0 warn, 1 fail\n...\n$ echo $?\n1\n```\n"
    );
    let parsed = blocks("page.md", &page);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].len(), 2);
    assert_eq!(run_block(&parsed[0]), Vec::<String>::new());
    // The same block with one count changed, and with an exit code changed.
    for (from, to) in [("3 pass", "4 pass"), ("\n1\n```", "\n0\n```")] {
        let changed = page.replace(from, to);
        let failures = run_block(&blocks("page.md", &changed)[0]);
        assert_eq!(failures.len(), 1, "{from} -> {to}");
        assert!(failures[0].starts_with("page.md:"), "{}", failures[0]);
    }
}

#[test]
fn the_matcher_takes_ellipses_and_nothing_else() {
    let lines = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    assert!(output_matches(&lines("a\n...\nd"), &["a", "b", "c", "d"]));
    assert!(output_matches(&lines("a\n...\nd"), &["a", "d"]));
    assert!(!output_matches(&lines("a\n...\nd"), &["a", "b"]));
    assert!(output_matches(&lines("x … z"), &["x y z"]));
    assert!(output_matches(&lines("x …"), &["x anything"]));
    assert!(!output_matches(&lines("x … z"), &["x y"]));
    assert!(!output_matches(&lines("a"), &["a", "b"]));
    assert!(!output_matches(&lines("a\nb"), &["a"]));
    assert!(!line_matches("ab…ba", "aba"), "the pieces may not overlap");
    assert!(line_matches("{\"id\":\"x\", … }", "{\"id\":\"x\",\"y\":1}"));
}
