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
        // git's parent shorthands: a merge and an ordinary commit.
        &["main^!"],
        &["main^@"],
        &["main^-"],
        &["main^-1"],
        &["main^-2"],
        &["topic^!"],
        &["HEAD~1^@"],
        &["side", "^main^@"],
        &["^main^!", "side"],
        &["v1^-", "side"],
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
fn parent_shorthands_git_refuses_are_refused() {
    let repo = Repo::new();
    repo.commit("one\n", &[("a", "1\n")]);
    repo.commit("two\n", &[("a", "2\n")]);
    for rev in ["HEAD^-2", "HEAD^-0", "HEAD^-x"] {
        assert!(
            !repo.git_output(&["rev-list", rev], &[]).status.success(),
            "git takes {rev}"
        );
        let (code, _, err) = repo.run(&["scan", rev]);
        assert_eq!(code, 2, "{rev}: {err}");
        assert!(err.contains(rev.trim_start_matches("HEAD")), "{rev}: {err}");
    }
    // A root commit has no parent to leave out: `^!` is the commit alone, `^@` nothing.
    let root = repo
        .git(&["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_string();
    assert_eq!(scanned(&repo, &[&format!("{root}^!")]), vec![root.clone()]);
    assert!(scanned(&repo, &[&format!("{root}^@")]).is_empty());
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

#[test]
fn equal_timestamps_keep_gits_order() {
    // Rebases and scripts make many commits in the same second; git breaks the tie by
    // insertion order, and so must we.
    let repo = Repo::new();
    let date = [
        ("GIT_AUTHOR_DATE", "1793527200 +0000"),
        ("GIT_COMMITTER_DATE", "1793527200 +0000"),
    ];
    let commit = |msg: &str| {
        let out = repo.git_output(&["commit", "-q", "--allow-empty", "-m", msg], &date);
        assert!(out.status.success());
    };
    commit("root");
    commit("child");
    repo.git(&["checkout", "-q", "-b", "b2", "HEAD~1"]);
    commit("b2 one");
    commit("b2 two");
    repo.git(&["checkout", "-q", "main"]);
    let out = repo.git_output(&["merge", "-q", "--no-ff", "-m", "merge", "b2"], &date);
    assert!(out.status.success());
    commit("after");
    for args in [
        &[][..],
        &["--all"][..],
        &["b2..main"][..],
        &["main...b2"][..],
        &["b2", "main"][..],
        &["main", "b2"][..],
    ] {
        let want = if args.is_empty() {
            rev_list(&repo, &["HEAD"])
        } else {
            rev_list(&repo, args)
        };
        assert_eq!(scanned(&repo, args), want, "order for {args:?}");
    }
}

#[test]
fn random_dags_with_ties_and_skew_match_rev_list() {
    let repo = Repo::new();
    let mut state: u64 = 0x1234_5678;
    let mut rnd = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    let empty_tree = repo
        .git(&["hash-object", "-t", "tree", "-w", "--stdin"])
        .trim()
        .to_string();
    let mut ids: Vec<String> = Vec::new();
    for i in 0..120 {
        let mut args = vec![
            "commit-tree".to_string(),
            empty_tree.clone(),
            "-m".into(),
            format!("c{i}"),
        ];
        if !ids.is_empty() {
            let parents = if rnd(5) == 0 { 2 + rnd(2) } else { 1 };
            let mut chosen: Vec<String> = Vec::new();
            for _ in 0..parents {
                // Mostly recent parents, sometimes old ones: long and short branches.
                let back = if rnd(3) == 0 {
                    rnd(ids.len())
                } else {
                    rnd(ids.len().min(4))
                };
                let p = ids[ids.len() - 1 - back].clone();
                if !chosen.contains(&p) {
                    chosen.push(p);
                }
            }
            for p in chosen {
                args.push("-p".into());
                args.push(p);
            }
        }
        // Few distinct dates, not monotonic: ties and clock skew everywhere.
        let date = format!("{} +0000", crate::support::T0 + rnd(4) as i64);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = repo.git_output(
            &argv,
            &[("GIT_AUTHOR_DATE", &date), ("GIT_COMMITTER_DATE", &date)],
        );
        assert!(out.status.success());
        ids.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 10 == 9) {
        repo.git(&["branch", &format!("b{i}"), id]);
    }
    repo.git(&["update-ref", "refs/heads/main", ids.last().unwrap()]);
    let mut checked = 0;
    for a in [9, 39, 79, 119] {
        for b in [19, 59, 99] {
            let (a, b) = (format!("b{a}"), format!("b{b}"));
            let selections: Vec<Vec<String>> = vec![
                vec![a.clone()],
                vec![a.clone(), b.clone()],
                vec![format!("{a}..{b}")],
                vec![format!("{b}..{a}")],
                vec![format!("{a}...{b}")],
                vec![b.clone(), format!("^{a}")],
                vec![format!("{b}^!")],
                vec![format!("{a}^@"), format!("^{b}")],
            ];
            for sel in selections {
                let args: Vec<&str> = sel.iter().map(String::as_str).collect();
                assert_eq!(
                    scanned(&repo, &args),
                    rev_list(&repo, &args),
                    "order for {args:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(scanned(&repo, &["--all"]), rev_list(&repo, &["--all"]));
    assert_eq!(checked, 96);

    // The same walk read from a commit-graph (one file, then a split chain with a layer added
    // on top) must give the same commits in the same order.
    for (write, more) in [
        (&["commit-graph", "write", "--reachable"][..], false),
        (
            &["commit-graph", "write", "--reachable", "--split"][..],
            true,
        ),
    ] {
        repo.git(write);
        if more {
            let empty_tree = repo
                .git(&["hash-object", "-t", "tree", "-w", "--stdin"])
                .trim()
                .to_string();
            let tip = repo.git(&["rev-parse", "main"]).trim().to_string();
            let out = repo.git(&[
                "commit-tree",
                &empty_tree,
                "-p",
                &tip,
                "-p",
                "b19",
                "-p",
                "b59",
                "-m",
                "octopus on top",
            ]);
            repo.git(&["update-ref", "refs/heads/main", out.trim()]);
            repo.git(&["commit-graph", "write", "--reachable", "--split=no-merge"]);
            assert!(
                repo.path()
                    .join(".git/objects/info/commit-graphs/commit-graph-chain")
                    .exists()
            );
        } else {
            assert!(repo.path().join(".git/objects/info/commit-graph").exists());
        }
        for args in [
            &["--all"][..],
            &["main"],
            &["b9..b119"],
            &["b119...b19"],
            &["b99", "^b59"],
        ] {
            assert_eq!(
                scanned(&repo, args),
                rev_list(&repo, args),
                "with a commit-graph ({write:?}), order for {args:?}"
            );
        }
        // Commits newer than the graph are read from their objects.
        let empty_tree = repo
            .git(&["hash-object", "-t", "tree", "-w", "--stdin"])
            .trim()
            .to_string();
        let out = repo.git(&[
            "commit-tree",
            &empty_tree,
            "-p",
            "main",
            "-m",
            "after the graph",
        ]);
        repo.git(&["update-ref", "refs/heads/main", out.trim()]);
        assert_eq!(scanned(&repo, &["main"]), rev_list(&repo, &["main"]));
    }
}

/// A history of `n` commits on main, packed (so the pack reader serves it).
fn packed_history(n: usize) -> Repo {
    let repo = Repo::new();
    for i in 0..n {
        repo.commit(&format!("commit {i}\n"), &[("f", &format!("{i}\n"))]);
    }
    repo.git(&["repack", "-adq"]);
    repo
}

#[test]
fn shallow_clones_scan_only_what_they_have() {
    let origin = packed_history(8);
    let url = format!("file://{}", origin.path().display());
    for graph in [false, true] {
        let shallow = Repo::empty();
        shallow.git(&["clone", "-q", "--depth", "3", &url, "."]);
        if graph {
            shallow.git(&["commit-graph", "write", "--reachable"]);
        }
        let want = rev_list(&shallow, &["HEAD"]);
        assert_eq!(want.len(), 3);
        assert_eq!(scanned(&shallow, &[]), want, "commit-graph: {graph}");
    }
}

#[test]
fn replace_refs_cannot_hide_commits() {
    let repo = packed_history(6);
    // Replace the third commit with one that has no parent: git log stops there.
    let third = repo.git(&["rev-parse", "HEAD~3"]).trim().to_string();
    let tree = repo.git(&["rev-parse", "HEAD~3^{tree}"]).trim().to_string();
    let orphan = repo
        .git(&["commit-tree", &tree, "-m", "orphan"])
        .trim()
        .to_string();
    repo.git(&["replace", &third, &orphan]);
    repo.git(&["commit-graph", "write", "--reachable"]);
    // The history as recorded, as `git --no-replace-objects` walks it: a replacement must not
    // take commits out of an audit.
    let want: Vec<String> = repo
        .git(&["--no-replace-objects", "rev-list", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(want.len(), 6);
    assert_eq!(scanned(&repo, &[]), want);
}

#[test]
fn a_missing_commit_stops_the_scan_with_an_error_after_the_commits_before_it() {
    let repo = Repo::new();
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(repo.commit(&format!("commit {i}\n"), &[("f", &format!("{i}\n"))]));
    }
    // Loose objects: remove the third-oldest commit.
    let victim = repo.git(&["rev-parse", "HEAD~3"]).trim().to_string();
    let path = repo
        .path()
        .join(".git/objects")
        .join(&victim[..2])
        .join(&victim[2..]);
    std::fs::remove_file(path).unwrap();
    let (code, out, err) = repo.run(&["scan", "--format", "jsonl"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&victim), "{err}");
    let written = out
        .lines()
        .filter(|l| l.contains("\"type\":\"commit\""))
        .count();
    assert_eq!(
        written, 3,
        "the three commits before it are reported: {out}"
    );
}
