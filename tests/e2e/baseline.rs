//! `scan --baseline` and `--write-baseline`: the past accepted once, new findings still fail.

use crate::support::{Repo, codes, record};

const POLICY: &str = "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[assistants.aider]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\"]\n";

/// Two failing commits under a policy kept in the work tree.
fn history() -> (Repo, Vec<String>) {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.commit("Add policy\n", &[]);
    let a = repo.commit("One\n\nAssisted-by: Cursor\n", &[("src/a.rs", "a\n")]);
    let b = repo.commit(
        "Two\n\nAssisted-by: Cursor\nAssisted-by: aider\n",
        &[("src/b.rs", "b\n")],
    );
    (repo, vec![a, b])
}

fn file(repo: &Repo, name: &str) -> String {
    repo.home.path().join(name).to_str().unwrap().to_string()
}

#[test]
fn the_baseline_accepts_the_past_and_the_new_commit_alone_fails() {
    let (repo, old) = history();
    let base = file(&repo, "base.jsonl");
    let (code, _, err) = repo.run(&["scan", "--write-baseline", &base, "--summary"]);
    assert_eq!(
        code, 1,
        "writing a baseline does not hide the findings: {err}"
    );
    let written = std::fs::read_to_string(&base).unwrap();
    let lines: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "two failing commits and the summary: {written}"
    );
    assert_eq!(lines[2]["type"], "summary");

    let (code, records) = repo.scan_jsonl(&["--baseline", &base]);
    assert_eq!(code, 0);
    for id in &old {
        let r = record(&records, id);
        assert_eq!(r["verdict"], "pass");
        assert!(codes(r).iter().all(|c| c == "baselined"), "{r}");
    }
    let two = record(&records, &old[1]);
    let kept: Vec<&str> = two["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["baselined_code"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["restricted-assistant", "restricted-assistant"]);
    assert_eq!(two["findings"][0]["severity"], "info");

    let new = repo.commit("Three\n\nAssisted-by: Cursor\n", &[("src/c.rs", "c\n")]);
    let (code, records) = repo.scan_jsonl(&["--baseline", &base]);
    assert_eq!(code, 1);
    let failing: Vec<&str> = records
        .iter()
        .filter(|r| r["verdict"] == "fail")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(failing, [new.as_str()]);
    let summary = records.last().unwrap();
    assert_eq!(summary["findings"]["baselined"], 3);
    assert_eq!(summary["findings"]["restricted-assistant"], 1);
    assert_eq!(summary["verdicts"]["fail"], 1);

    // Every format judges the same way.
    for format in ["human", "json", "jsonl", "sarif", "junit", "html"] {
        let (code, out, err) = repo.run(&["scan", "--format", format, "--baseline", &base]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.contains(&new[..12]), "{format} names the new commit");
    }
    let (_, human, _) = repo.run(&["scan", "--baseline", &base]);
    assert!(
        human.contains("findings: baselined 3, restricted-assistant 1"),
        "{human}"
    );
    assert!(human.contains("info[baselined] accepted as restricted-assistant in the baseline"));

    // Writing again from a baselined scan keeps the past accepted and adds the new.
    let again = file(&repo, "again.jsonl");
    let (code, _, _) = repo.run(&["scan", "--baseline", &base, "--write-baseline", &again]);
    assert_eq!(code, 1);
    let (code, _) = repo.scan_jsonl(&["--baseline", &again]);
    assert_eq!(code, 0);
}

#[test]
fn a_finding_is_accepted_for_its_commit_code_and_assistant_only() {
    let (repo, old) = history();
    let base = file(&repo, "base.jsonl");
    let (_, out, _) = repo.run(&["scan", "--format", "jsonl"]);
    // Keep commit two's cursor finding alone: its aider finding is not accepted.
    let mut edited = String::new();
    for line in out.lines() {
        let mut r: serde_json::Value = serde_json::from_str(line).unwrap();
        if r["id"] == old[1].as_str() {
            r["findings"]
                .as_array_mut()
                .unwrap()
                .retain(|f| f["assistant"] == "cursor");
        }
        edited.push_str(&r.to_string());
        edited.push('\n');
    }
    std::fs::write(&base, edited).unwrap();
    let (code, records) = repo.scan_jsonl(&["--baseline", &base]);
    assert_eq!(code, 1);
    let two = record(&records, &old[1]);
    assert_eq!(two["verdict"], "fail");
    let by_assistant: Vec<(String, String)> = two["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["assistant"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(by_assistant.contains(&("cursor".into(), "baselined".into())));
    assert!(by_assistant.contains(&("aider".into(), "restricted-assistant".into())));
    assert_eq!(record(&records, &old[0])["verdict"], "pass");
}

#[test]
fn a_json_report_or_a_committed_file_serves_as_baseline() {
    let (repo, old) = history();
    let (_, json, _) = repo.run(&["scan", "--format", "json"]);
    repo.write("baseline.json", &json);
    let (code, _) = repo.scan_jsonl(&["--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    // From a commit: the work tree's copy may say anything.
    repo.commit("Accept the past\n", &[("baseline.json", &json)]);
    repo.write("baseline.json", "{\"commits\":[]}");
    let (code, records) = repo.scan_jsonl(&["--baseline", "HEAD:baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(
        record(&records, &old[0])["findings"][0]["code"],
        "baselined"
    );
    let (code, _) = repo.scan_jsonl(&["--baseline", "baseline.json"]);
    assert_eq!(code, 1, "the emptied work-tree copy accepts nothing");
}

#[test]
fn an_unreadable_baseline_stops_the_scan_with_its_line() {
    let (repo, _) = history();
    let cases = [
        (
            "bad.jsonl",
            "{\"type\":\"summary\"}\n{not json\n",
            "bad.jsonl:2: ",
        ),
        (
            "short.jsonl",
            "{\"type\":\"commit\",\"id\":\"abc123\",\"findings\":[]}\n",
            "`abc123` is not a full commit id",
        ),
    ];
    for (name, text, said) in cases {
        repo.write(name, text);
        let (code, out, err) = repo.run(&["scan", "--baseline", name]);
        assert_eq!(code, 2, "{name}: {out}");
        assert!(err.contains(said), "{name}: {err}");
    }
    let (code, out, err) = repo.run(&["scan", "--write-baseline", "-"]);
    assert_eq!(code, 2);
    assert!(
        out.is_empty() && err.contains("--write-baseline needs a file"),
        "{err}"
    );
    let (code, _, err) = repo.run(&["scan", "--baseline", "missing.jsonl"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("missing.jsonl") && err.contains("cannot read the baseline report"),
        "{err}"
    );
    let (code, _, err) = repo.run(&["scan", "--baseline", "HEAD:nowhere.jsonl"]);
    assert_eq!(code, 2);
    assert!(err.contains("no baseline report at this path"), "{err}");
}

#[test]
fn a_baseline_of_a_clean_history_reads_back_and_accepts_nothing() {
    let repo = Repo::new();
    repo.policy(POLICY, None);
    repo.commit("Clean\n", &[("src/a.rs", "a\n")]);
    let base = file(&repo, "clean.jsonl");
    let (code, _, _) = repo.run(&["scan", "--write-baseline", &base, "--summary"]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&base).unwrap().lines().count(), 1);
    repo.commit("New\n\nAssisted-by: Cursor\n", &[("src/b.rs", "b\n")]);
    let (code, _) = repo.scan_jsonl(&["--baseline", &base]);
    assert_eq!(code, 1, "the new finding counts");
}

#[test]
fn baselined_findings_cannot_be_turned_off() {
    let (repo, _) = history();
    repo.policy(&format!("{POLICY}[severity]\nbaselined = \"off\"\n"), None);
    let (code, _, err) = repo.run(&["scan"]);
    assert_eq!(code, 2);
    assert!(err.contains("`baselined` cannot be `off`"), "{err}");
    repo.policy(
        &format!("{POLICY}[severity]\nbaselined = \"warning\"\n"),
        None,
    );
    let base = file(&repo, "base.jsonl");
    repo.run(&["scan", "--write-baseline", &base]);
    let (code, records) = repo.scan_jsonl(&["--baseline", &base]);
    assert_eq!(code, 0, "warnings do not fail");
    assert_eq!(records.last().unwrap()["verdicts"]["warn"], 2);
}
