//! Finding codes cannot drift apart: the SARIF rules of a real scan, the `[severity]` table of
//! `policy show`, the code sections of docs/findings.md and `Code::ALL` list the same codes in
//! the same order. (The codes' texts and docs table are checked next to `Code` itself.)

use crate::support::Repo;

fn all_codes() -> Vec<String> {
    trailgate::engine::findings::Code::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

/// The `## code` headings of docs/findings.md, outside code blocks.
fn documented_codes() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md");
    let page = std::fs::read_to_string(path).expect("docs/findings.md is readable");
    let mut in_fence = false;
    let mut codes = Vec::new();
    for line in page.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        } else if let Some(heading) = line.strip_prefix("## ").filter(|_| !in_fence) {
            let heading = heading.trim();
            if !heading.is_empty()
                && heading
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                codes.push(heading.to_string());
            }
        }
    }
    codes
}

#[test]
fn sarif_rules_are_the_documented_codes() {
    let repo = Repo::new();
    repo.commit("Plain change\n", &[("README", "hello\n")]);
    let (code, out, err) = repo.run(&["scan", "--format", "sarif"]);
    assert_eq!(code, 0, "{err}");
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let rules: Vec<String> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("a rules array")
        .iter()
        .map(|rule| rule["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(rules, all_codes(), "SARIF rules and Code::ALL differ");
    assert_eq!(
        rules,
        documented_codes(),
        "SARIF rules and docs/findings.md differ"
    );
}

#[test]
fn policy_show_lists_a_severity_for_every_documented_code() {
    let repo = Repo::new();
    let (code, out, err) = repo.run(&["policy", "show"]);
    assert_eq!(code, 0, "{err}");
    let severities: Vec<String> = out
        .lines()
        .skip_while(|line| *line != "[severity]")
        .skip(1)
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.to_string()))
        .collect();
    assert_eq!(severities, all_codes(), "policy show and Code::ALL differ");
    assert_eq!(
        severities,
        documented_codes(),
        "policy show and docs/findings.md differ"
    );
}
