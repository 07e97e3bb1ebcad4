//! `trailgate report`: three repositories' jsonl reports merged into one, in every format, with
//! totals equal to the sum of the repositories' summaries; broken inputs refused.

use crate::ecosystem::{class_text, rendered_dom, require, runs, sarif_schema_errors, screenshot};
use crate::support::Repo;
use serde_json::Value;

const POLICY: &str = "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\"]\n";

/// A repository named `name` on GitHub with `failing` failing commits and one approved one.
fn repository(name: &str, failing: usize) -> Repo {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.commit("Add policy\n", &[]);
    repo.commit(
        "Docs\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        &[("docs/a.md", "a\n")],
    );
    for i in 0..failing {
        repo.commit(
            &format!("Change {i}\n\nAssisted-by: Cursor\n"),
            &[(&format!("src/{i}.rs"), "x\n")],
        );
    }
    repo.git(&[
        "remote",
        "add",
        "origin",
        &format!("git@github.com:acme/{name}.git"),
    ]);
    repo
}

/// Three repositories' jsonl reports, written into the first one's home.
fn reports() -> (Vec<Repo>, Vec<String>, Vec<Value>) {
    let repos = vec![
        repository("api", 2),
        repository("web", 0),
        repository("cli", 1),
    ];
    let mut files = Vec::new();
    let mut summaries = Vec::new();
    for (i, repo) in repos.iter().enumerate() {
        let file = repos[0].home.path().join(format!("r{i}.jsonl"));
        let (code, _, err) = repo.run(&["scan", "--format", "jsonl", "-o", file.to_str().unwrap()]);
        assert!(code <= 1, "{err}");
        let text = std::fs::read_to_string(&file).unwrap();
        summaries.push(serde_json::from_str(text.lines().last().unwrap()).unwrap());
        files.push(file.to_str().unwrap().to_string());
    }
    (repos, files, summaries)
}

fn sum(summaries: &[Value], pointer: &str) -> u64 {
    summaries
        .iter()
        .map(|s| s.pointer(pointer).and_then(Value::as_u64).unwrap_or(0))
        .sum()
}

#[test]
fn the_merged_report_adds_up_in_every_format() {
    let (repos, files, summaries) = reports();
    let run = |format: &str| {
        let mut args = vec!["report", "--format", format];
        args.extend(files.iter().map(String::as_str));
        let (code, out, err) = repos[0].run(&args);
        assert_eq!(code, 1, "{format}: three failing commits in all: {err}");
        out
    };

    let jsonl = run("jsonl");
    let records: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let totals = records.last().unwrap();
    let commits = sum(&summaries, "/commits");
    assert_eq!(totals["commits"], commits);
    assert_eq!(
        records.len() as u64,
        commits + 1,
        "every commit record, then the totals"
    );
    for v in ["pass", "warn", "fail"] {
        assert_eq!(
            totals["verdicts"][v],
            sum(&summaries, &format!("/verdicts/{v}")),
            "{v}"
        );
    }
    for id in ["claude-code", "cursor"] {
        assert_eq!(
            totals["by_assistant"][id],
            sum(&summaries, &format!("/by_assistant/{id}"))
        );
    }
    assert_eq!(totals["findings"]["restricted-assistant"], 3);
    assert_eq!(totals["repository"], "3 repositories");
    assert_eq!(totals["repositories"].as_array().unwrap().len(), 3);
    assert_eq!(
        totals["repositories"][1]["repository"],
        "git@github.com:acme/web.git"
    );
    let api_commits = records
        .iter()
        .filter(|r| r["repository"] == "git@github.com:acme/api.git")
        .count();
    assert_eq!(api_commits, 4);

    let json: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        json["summary"], *totals,
        "json and jsonl carry the same totals"
    );

    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(sarif["runs"][0]["properties"]["summary"], *totals);
    assert!(
        results
            .iter()
            .all(|r| r["properties"]["repository"].is_string())
    );

    let junit = run("junit");
    assert!(junit.contains("failures=\"3\""), "{junit}");
    assert!(junit.contains("classname=\"trailgate.git@github.com:acme/cli.git\""));

    let human = run("human");
    assert!(
        human.contains(&format!("Scanned {commits} commits:")),
        "{human}"
    );
    assert!(human.contains("  git@github.com:acme/api.git: 4 commits: 2 pass, 0 warn, 2 fail"));
    assert!(human.contains("  repository: git@github.com:acme/cli.git"));

    let html = run("html");
    let page = repos[0].home.path().join("org.html");
    std::fs::write(&page, &html).unwrap();
    assert!(html.contains("href=\"#repo-3\""));
    assert!(html.contains("https://github.com/acme/cli/commit/"));

    if let Some(valid) = sarif_schema_errors(repos[0].home.path(), &sarif) {
        assert_eq!(valid, Ok(()));
    }
    if require("chromium", runs("chromium", &["--version"])).is_none() {
        return;
    }
    let url = format!("file://{}", page.display());
    let dom = rendered_dom(repos[0].home.path(), &url);
    let shown = |id: &str| -> String {
        let at = dom.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
        dom[at..at + dom[at..].find('<').unwrap()].to_string()
    };
    assert_eq!(shown("total-commits"), commits.to_string());
    assert_eq!(shown("verdict-fail"), "3");
    let rows: Vec<&str> = dom.split("<tr class=\"repository-row\">").skip(1).collect();
    assert_eq!(rows.len(), 3);
    for (row, s) in rows.iter().zip(&summaries) {
        assert_eq!(class_text(row, "num commits"), s["commits"].to_string());
        assert_eq!(
            class_text(row, "num failing"),
            s["verdicts"]["fail"].to_string()
        );
        // No commit here has two assistants: commits per assistant add up to AI-assisted ones.
        let ai: u64 = s["by_assistant"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(class_text(row, "num ai-assisted"), ai.to_string());
    }
    assert_eq!(class_text(&dom, "filter-count-all"), "3");
    screenshot(repos[0].home.path(), &url, "org-report.png");
}

#[test]
fn a_report_may_come_through_a_pipe() {
    let (repos, files, summaries) = reports();
    let piped = std::fs::read_to_string(&files[0]).unwrap();
    let out = repos[0]
        .trailgate()
        .args(["report", "--format", "jsonl", "/dev/stdin", &files[1]])
        .write_stdin(piped)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let totals: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(totals["commits"], sum(&summaries[..2], "/commits"));
}

#[test]
fn broken_or_repeated_reports_are_refused() {
    let (repos, files, _) = reports();
    let home = repos[0].home.path();
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let write = |name: &str, body: String| {
        let path = home.join(name);
        std::fs::write(&path, body).unwrap();
        path.to_str().unwrap().to_string()
    };
    let cut = write("cut.jsonl", lines[..lines.len() - 1].join("\n"));
    let dropped = write("dropped.jsonl", [&lines[1..]].concat().join("\n"));
    let changed = write(
        "changed.jsonl",
        text.replacen("\"verdict\":\"fail\"", "\"verdict\":\"pass\"", 1),
    );
    let summary_line = lines[lines.len() - 1];
    let recounted = write(
        "recounted.jsonl",
        text.replace(
            summary_line,
            &summary_line.replace("\"restricted-assistant\":2", "\"restricted-assistant\":1"),
        ),
    );
    let huge = write(
        "huge.jsonl",
        text.replace(
            summary_line,
            &summary_line.replace(
                "\"restricted-assistant\":2",
                "\"restricted-assistant\":18446744073709551615",
            ),
        ),
    );
    // The same repository, its remote written another way.
    let other_spelling = write(
        "other.jsonl",
        text.replace(
            "git@github.com:acme/api.git",
            "https://GitHub.com/acme/api/",
        ),
    );
    let garbage = write(
        "garbage.jsonl",
        format!("{}\nnot json\n{}", lines[0], lines[lines.len() - 1]),
    );
    let cases = [
        (vec![cut.as_str()], "the last record is not the summary"),
        (
            vec![dropped.as_str()],
            "records are missing or were changed",
        ),
        (
            vec![changed.as_str()],
            "does not follow from the record's findings",
        ),
        (
            vec![recounted.as_str()],
            "the findings per code differ from the summary's",
        ),
        (
            vec![huge.as_str()],
            "the findings per code differ from the summary's",
        ),
        (
            vec![files[0].as_str(), other_spelling.as_str()],
            "give each repository once",
        ),
        (
            vec![garbage.as_str()],
            "garbage.jsonl:2: not a commit record",
        ),
        (
            vec![files[0].as_str(), files[0].as_str()],
            "give each repository once",
        ),
        (
            vec!["missing.jsonl"],
            "cannot read the report missing.jsonl",
        ),
    ];
    for (inputs, said) in cases {
        let mut args = vec!["report", "--format", "jsonl"];
        args.extend(inputs.iter().copied());
        let (code, out, err) = repos[0].run(&args);
        assert_eq!(code, 2, "{inputs:?}: {out}");
        assert!(err.contains(said), "{inputs:?}: {err}");
        assert!(
            out.is_empty(),
            "nothing is written before every report is read"
        );
    }
    // A merged report is not an input.
    let (_, merged, _) = repos[0].run(&["report", "--format", "jsonl", &files[1], &files[2]]);
    let merged = write("merged.jsonl", merged);
    let (code, _, err) = repos[0].run(&["report", &merged]);
    assert_eq!(code, 2);
    assert!(err.contains("a merged report"), "{err}");
}

#[test]
fn a_repository_without_commits_has_its_row_and_section() {
    let (repos, files, _) = reports();
    let empty = Repo::new();
    empty.git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/acme/empty.git",
    ]);
    let file = repos[0].home.path().join("empty.jsonl");
    let (code, _, err) = empty.run(&["scan", "--format", "jsonl", "-o", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (_, html, _) = repos[0].run(&[
        "report",
        "--format",
        "html",
        &files[1],
        file.to_str().unwrap(),
    ]);
    assert!(html.contains("<a href=\"#repo-2\">https://github.com/acme/empty.git</a>"));
    let section = &html[html.find("<section id=\"repo-2\">").expect("its section")..];
    assert!(section.contains("No commit fails the policy."));
}

#[test]
fn the_merged_exit_code_is_the_worst_of_the_scans() {
    let repo = Repo::new();
    repo.policy(
        "version = 1\n[exceptions]\nregistry = \"exceptions.toml\"\n[severity]\nunused-exception = \"error\"\n",
        Some("[[exception]]\nid = \"EXC-9\"\nassistants = [\"cursor\"]\nexpires = 2030-01-01\n"),
    );
    repo.commit("Plain\n", &[("a", "a\n")]);
    let file = repo.home.path().join("unused.jsonl");
    let (code, _, _) = repo.run(&["scan", "--format", "jsonl", "-o", file.to_str().unwrap()]);
    assert_eq!(code, 1, "an unused exception at error fails the scan");
    let (code, out, err) = repo.run(&["report", "--format", "jsonl", file.to_str().unwrap()]);
    assert_eq!(code, 1, "and the report: {err}");
    let totals: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(totals["exit_code"], 1);
    assert_eq!(totals["verdicts"]["fail"], 0);
    let unused = totals["unused_exceptions"][0].as_str().unwrap();
    assert!(unused.starts_with("EXC-9 ("), "{unused}");
}
