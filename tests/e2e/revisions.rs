//! Revision selection as git takes it: the commits `scan` judges equal `git rev-list` for the
//! same arguments, in the same order.

use crate::support::Repo;

fn scanned(repo: &Repo, args: &[&str]) -> Vec<String> {
    let (_, records) = repo.scan_jsonl(args);
    records
        .iter()
        .filter(|r| r["type"] == "commit")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn rev_list(repo: &Repo, args: &[&str]) -> Vec<String> {
    let mut all = vec!["rev-list"];
    all.extend_from_slice(args);
    repo.git(&all).lines().map(str::to_string).collect()
}

#[test]
fn selections_match_rev_list() {
    let repo = Repo::new();
    repo.commit("base\n", &[("a", "1\n")]);
    repo.commit("main 1\n", &[("a", "2\n")]);
    repo.git(&["checkout", "-q", "-b", "topic", "HEAD~1"]);
    repo.commit("topic 1\n", &[("b", "1\n")]);
    repo.commit("topic 2\n", &[("b", "2\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("main 2\n", &[("a", "3\n")]);
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    repo.git(&["checkout", "-q", "-b", "side", "topic~1"]);
    repo.commit("side\n", &[("c", "1\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["tag", "v1", "HEAD~1"]);

    let cases: &[&[&str]] = &[
        &[],
        &["HEAD"],
        &["main"],
        &["topic"],
        &["main..side"],
        &["side..main"],
        &["main...side"],
        &["v1..main"],
        &["side", "^topic"],
        &["..side"],
        &["side", "topic"],
        &["--all"],
        &["^side"],
        &["side", "--all", "^main"],
    ];
    for args in cases {
        let want = if args.is_empty() {
            rev_list(&repo, &["HEAD"])
        } else {
            rev_list(&repo, args)
        };
        let got = scanned(&repo, args);
        let mut want_sorted = want.clone();
        want_sorted.sort();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, want_sorted, "same commits for {args:?}");
        assert_eq!(got, want, "same order for {args:?}");
    }
}

#[test]
fn since_and_until_filter_by_committer_day() {
    let repo = Repo::new();
    // One commit a minute from 2026-11-01T10:00Z: all on the same day.
    let ids: Vec<String> = (0..3)
        .map(|i| repo.commit(&format!("c{i}\n"), &[]))
        .collect();
    assert_eq!(scanned(&repo, &["--since", "2026-11-01"]).len(), 3);
    assert_eq!(scanned(&repo, &["--since", "2026-11-02"]).len(), 0);
    assert_eq!(
        scanned(&repo, &["--until", "2026-11-01"]).len(),
        3,
        "--until includes the whole day"
    );
    assert_eq!(scanned(&repo, &["--until", "2026-10-31"]).len(), 0);
    let after_first = scanned(&repo, &["--since", "2026-11-01T10:00:30Z"]);
    assert_eq!(after_first, [ids[2].clone(), ids[1].clone()]);
}

#[test]
fn empty_repository_scans_nothing() {
    let repo = Repo::new();
    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["commits"], 0);
}
