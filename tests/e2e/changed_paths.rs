//! Changed paths (docs/policy.md, "Changed paths and production paths") against git itself: a
//! generated history with adds, deletes, mode and type changes, symlinks, submodule pointers and
//! arbitrary merges (two and three parents, built with `commit-tree`), compared per commit with
//! `git diff-tree -r -c --root --name-only`.

use crate::support::Repo;
use std::collections::{BTreeMap, BTreeSet};

/// A small deterministic generator (no external randomness: failures reproduce).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const DIRS: &[&str] = &["", "src", "src/a", "src/a/b", "src/a.d", "docs", "x"];
const NAMES: &[&str] = &[
    "f",
    "a",
    "a.c",
    "a-b",
    "g.rs",
    "with space",
    "\u{e9}t\u{e9}.txt",
];

fn random_path(rng: &mut Lcg) -> String {
    let dir = DIRS[rng.next(DIRS.len())];
    let name = NAMES[rng.next(NAMES.len())];
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Apply one random change to the work tree and index.
fn mutate(repo: &Repo, rng: &mut Lcg, step: usize) {
    let path = random_path(rng);
    let full = repo.path().join(&path);
    match rng.next(8) {
        0..=2 => {
            // Write a file, replacing a directory or a file in the way.
            if full.is_symlink() {
                std::fs::remove_file(&full).unwrap();
            } else if full.is_dir() {
                std::fs::remove_dir_all(&full).unwrap();
            }
            let mut p = full.parent().map(|p| p.to_path_buf());
            while let Some(dir) = p {
                if dir.is_file() || dir.is_symlink() {
                    std::fs::remove_file(&dir).unwrap();
                }
                p = dir.parent().map(|p| p.to_path_buf());
                if dir == repo.path() {
                    break;
                }
            }
            repo.write(&path, format!("content {step} {}\n", rng.next(3)));
        }
        3 => {
            if full.is_file() || full.is_symlink() {
                std::fs::remove_file(&full).unwrap();
            } else if full.is_dir() {
                std::fs::remove_dir_all(&full).unwrap();
            }
        }
        4 => {
            if full.is_file() && !full.is_symlink() {
                repo.git(&["add", "-A"]);
                let flag = if rng.next(2) == 0 {
                    "--chmod=+x"
                } else {
                    "--chmod=-x"
                };
                repo.git(&["update-index", flag, &path]);
                return;
            }
        }
        5 => {
            if std::fs::symlink_metadata(&full).is_err()
                && full.parent().is_some_and(|p| p.is_dir() || !p.exists())
            {
                std::fs::create_dir_all(full.parent().unwrap()).ok();
                if full.parent().unwrap().is_dir() {
                    std::os::unix::fs::symlink(format!("target-{step}"), &full).unwrap();
                }
            }
        }
        6 => {
            // A submodule pointer (gitlink) at a fresh path.
            let link = format!("x/sub{}", rng.next(3));
            if !repo.path().join(&link).exists() {
                repo.git(&["add", "-A"]);
                let oid = format!("{:040x}", step as u128 * 7919 + 1);
                repo.git(&[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("160000,{oid},{link}"),
                ]);
                return;
            }
        }
        _ => {
            // Rename: delete one path, add another with the same content.
            if full.is_file() && !full.is_symlink() {
                let content = std::fs::read(&full).unwrap();
                std::fs::remove_file(&full).unwrap();
                let to = random_path(rng);
                if !repo.path().join(&to).exists()
                    && !repo.path().join(&to).parent().unwrap().is_file()
                {
                    repo.write(&to, content);
                }
            }
        }
    }
    repo.git(&["add", "-A"]);
}

pub(crate) fn build_history() -> (Repo, Vec<String>) {
    let repo = Repo::new();
    let mut rng = Lcg(0x5eed);
    let mut commits: Vec<String> = Vec::new();
    for step in 0..90 {
        for _ in 0..1 + rng.next(4) {
            mutate(&repo, &mut rng, step);
        }
        let mut parents: Vec<String> = commits.last().cloned().into_iter().collect();
        if commits.len() > 3 && rng.next(4) == 0 {
            for _ in 0..1 + rng.next(2) {
                let other = commits[rng.next(commits.len() - 1)].clone();
                if !parents.contains(&other) {
                    // Take some paths as the other parent has them, so merges agree with
                    // one side in places.
                    if rng.next(2) == 0 {
                        let files = repo.git(&["ls-tree", "-r", "--name-only", &other]);
                        if let Some(f) = files.lines().nth(rng.next(4)) {
                            let _ = repo.git_output(&["checkout", &other, "--", f], &[]);
                        }
                    }
                    parents.push(other);
                }
            }
        }
        repo.git(&["add", "-A"]);
        let tree = repo.git(&["write-tree"]).trim().to_string();
        let mut args = vec![
            "commit-tree".to_string(),
            tree,
            "-m".into(),
            format!("step {step}\n\nAssisted-by: Claude"),
        ];
        for p in &parents {
            args.push("-p".into());
            args.push(p.clone());
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let date = format!("{} +0000", crate::support::T0 + step as i64 * 60);
        let out = repo.git_output(
            &argv,
            &[("GIT_AUTHOR_DATE", &date), ("GIT_COMMITTER_DATE", &date)],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        repo.git(&["update-ref", "refs/heads/main", &id]);
        commits.push(id);
    }
    (repo, commits)
}

fn git_changed(repo: &Repo, id: &str) -> BTreeSet<String> {
    let out = repo.git_output(
        &[
            "diff-tree",
            "-r",
            "-c",
            "--root",
            "--no-commit-id",
            "--name-only",
            "-z",
            id,
        ],
        &[],
    );
    assert!(out.status.success());
    out.stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

fn ours(
    records: &[serde_json::Value],
    field: impl Fn(&serde_json::Value) -> Option<&serde_json::Value>,
) -> BTreeMap<String, BTreeSet<String>> {
    records
        .iter()
        .filter(|r| r["type"] == "commit")
        .map(|r| {
            let paths = field(r)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (r["id"].as_str().unwrap().to_string(), paths)
        })
        .collect()
}

#[test]
fn changed_paths_match_git_diff_tree() {
    let (repo, commits) = build_history();
    let merges = commits
        .iter()
        .filter(|c| {
            repo.git(&["rev-list", "--parents", "-n1", c])
                .split_whitespace()
                .count()
                > 2
        })
        .count();
    assert!(merges >= 10, "the history has merges to compare ({merges})");
    let policy_dir = repo.home.path();
    let write = |name: &str, text: &str| {
        let p = policy_dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let everything = write(
        "all.toml",
        "version = 1\n[defaults]\nstatus = \"approved\"\n[production]\npaths = [\"*\"]\nrequire_declaration = true\n",
    );
    let src_only = write(
        "src.toml",
        "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"src/a/\"]\n",
    );
    let forbidden = write(
        "forbidden.toml",
        "version = 1\n[defaults]\nstatus = \"forbidden\"\n",
    );

    // The same history with loose objects, then packed with deltas against offsets and
    // against ids (trees then come through the pack reader's delta chains), then with a
    // commit-graph.
    let layouts: [(&str, &[&str]); 4] = [
        ("loose objects", &[]),
        (
            "offset deltas",
            &["repack", "-adf", "--depth=50", "--window=250"],
        ),
        (
            "ref deltas",
            &[
                "-c",
                "repack.useDeltaBaseOffset=false",
                "repack",
                "-adf",
                "--depth=50",
            ],
        ),
        // Parents' trees then come from the commit-graph.
        ("commit-graph", &["commit-graph", "write", "--reachable"]),
    ];
    let expected: BTreeMap<&String, BTreeSet<String>> =
        commits.iter().map(|c| (c, git_changed(&repo, c))).collect();
    let mut nonempty = 0;
    for (layout, repack) in layouts {
        if !repack.is_empty() {
            repo.git(repack);
        }
        let (_, all) = repo.scan_jsonl(&["--policy", &everything]);
        let all = ours(&all, |r| Some(&r["production_paths"]));
        let (_, src) = repo.scan_jsonl(&["--policy", &src_only]);
        let src = ours(&src, |r| Some(&r["production_paths"]));
        let (_, forb) = repo.scan_jsonl(&["--policy", &forbidden]);
        let forb = ours(&forb, |r| {
            r["findings"]
                .as_array()
                .and_then(|f| f.first())
                .map(|f| &f["paths"])
        });

        nonempty = 0;
        for id in &commits {
            let want = expected[id].clone();
            nonempty += usize::from(!want.is_empty());
            assert_eq!(all[id], want, "production walk of {id} ({layout})");
            assert_eq!(forb[id], want, "full walk of {id} ({layout})");
            let want_src: BTreeSet<String> = want
                .iter()
                .filter(|p| p.starts_with("src/a/"))
                .cloned()
                .collect();
            assert_eq!(src[id], want_src, "pruned walk of {id} ({layout})");
        }
        assert!(nonempty > 60, "most commits change something ({nonempty})");
    }
    eprintln!(
        "compared {} commits ({merges} merges, {nonempty} with changes)",
        commits.len()
    );
}

#[test]
fn output_is_the_same_with_one_and_two_threads() {
    let (repo, _) = build_history();
    let policy = repo.home.path().join("p.toml");
    std::fs::write(&policy, "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\"]\nrequire_declaration = true\n").unwrap();
    let policy = policy.to_str().unwrap();
    for format in ["jsonl", "human", "json"] {
        let run = |threads: &str| {
            repo.trailgate()
                .args([
                    "scan",
                    "--policy",
                    policy,
                    "--format",
                    format,
                    "--threads",
                    threads,
                ])
                .output()
                .unwrap()
        };
        let (one, two) = (run("1"), run("2"));
        assert_eq!(one.status.code(), two.status.code());
        assert!(!one.stdout.is_empty());
        assert_eq!(
            one.stdout, two.stdout,
            "{format} output differs between 1 and 2 threads"
        );
    }
}

/// Write a tree object as these exact bytes (git itself would refuse to make it); its id.
fn literal_tree(repo: &Repo, bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .args(["hash-object", "-t", "tree", "--literally", "-w", "--stdin"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_malformed_entry_in_a_merge_s_other_parent_is_reported_where_it_starts() {
    let repo = Repo::new();
    let blob = |text: &str| {
        let p = repo.home.path().join("blob");
        std::fs::write(&p, text).unwrap();
        let id = repo.git(&["hash-object", "-w", p.to_str().unwrap()]);
        hex_bytes(id.trim())
    };
    let (a, b, c, d) = (blob("a"), blob("b"), blob("c"), blob("d"));
    // `a` and `b`, then `c` with this mode and content.
    let tree = |c_mode: &str, c_id: &[u8]| -> Vec<u8> {
        [
            ("100644", "a", &a[..]),
            ("100644", "b", &b[..]),
            (c_mode, "c", c_id),
        ]
        .iter()
        .flat_map(|(mode, name, id)| [format!("{mode} {name}\0").as_bytes(), id].concat())
        .collect()
    };
    // The merge and its first parent share `a` and `b`, so the other parent is passed over
    // them by mode and name, up to `c`, where its third entry's mode is not octal.
    let first = literal_tree(&repo, &tree("100644", &c));
    let merged = literal_tree(&repo, &tree("100644", &d));
    let bad = tree("10x644", &c);
    let malformed_at = 2 * (9 + 20);
    let broken = literal_tree(&repo, &bad);
    let commit = |tree: &str, parents: &[&str]| {
        let mut args = vec!["commit-tree", tree, "-m", "m"];
        for p in parents {
            args.extend(["-p", p]);
        }
        repo.git(&args).trim().to_string()
    };
    let base = commit(&first, &[]);
    let side = commit(&broken, &[]);
    let merge = commit(&merged, &[&base, &side]);
    repo.git(&["update-ref", "refs/heads/main", &merge]);
    std::fs::write(
        repo.home.path().join("p.toml"),
        "version = 1\n[production]\npaths = [\"*\"]\nrequire_declaration = true\n",
    )
    .unwrap();
    let policy = repo.home.path().join("p.toml");
    for threads in ["1", "2"] {
        // The merge alone: its parents are read only as its parents.
        let (code, _, err) = repo.run(&[
            "scan",
            &merge,
            &format!("^{base}"),
            &format!("^{side}"),
            "--policy",
            policy.to_str().unwrap(),
            "--format",
            "jsonl",
            "--threads",
            threads,
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!(
                "tree {broken} is malformed at byte {malformed_at}"
            )),
            "{err}"
        );
    }
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}
