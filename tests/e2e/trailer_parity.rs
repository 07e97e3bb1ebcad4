//! Trailer parity (docs/trailers.md): a repository built from the 4,000 real messages of
//! tests/fixtures/real-messages.jsonl; `scan --format jsonl` must give, for every commit, the
//! trailers git itself prints.

use crate::support::{Repo, corpus_path};
use std::collections::HashMap;
use std::io::Write;

struct CorpusCommit {
    message: String,
    author: (String, String),
    committer: (String, String),
    trailers: Vec<String>,
}

fn split_ident(s: &str) -> (String, String) {
    match s.rsplit_once(" <") {
        Some((name, rest)) => (
            name.trim().to_string(),
            rest.trim_end_matches('>').to_string(),
        ),
        None => (s.to_string(), String::new()),
    }
}

fn load_corpus() -> Vec<CorpusCommit> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared corpus must be beside the project at {}: {e}",
            path.display()
        )
    });
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
            CorpusCommit {
                message: v["message"].as_str().expect("message").to_string(),
                author: split_ident(v["author"].as_str().expect("author")),
                committer: split_ident(v["committer"].as_str().expect("committer")),
                trailers: v["trailers"]
                    .as_array()
                    .expect("trailers")
                    .iter()
                    .map(|t| t.as_str().expect("trailer string").to_string())
                    .collect(),
            }
        })
        .collect()
}

/// Import the corpus as a linear history with `git fast-import`; return ids oldest first.
fn import(repo: &Repo, corpus: &[CorpusCommit]) -> Vec<String> {
    let mut stream = Vec::new();
    for (i, c) in corpus.iter().enumerate() {
        let t = crate::support::T0 + i as i64 * 60;
        writeln!(stream, "commit refs/heads/main\nmark :{}", i + 1).unwrap();
        writeln!(stream, "author {} <{}> {t} +0000", c.author.0, c.author.1).unwrap();
        writeln!(
            stream,
            "committer {} <{}> {t} +0000",
            c.committer.0, c.committer.1
        )
        .unwrap();
        writeln!(stream, "data {}", c.message.len()).unwrap();
        stream.extend_from_slice(c.message.as_bytes());
        stream.push(b'\n');
        if i > 0 {
            writeln!(stream, "from :{i}").unwrap();
        }
    }
    let marks = repo.home.path().join("marks");
    let mut child = std::process::Command::new("git")
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.home.path())
        .args([
            "fast-import",
            "--quiet",
            &format!("--export-marks={}", marks.display()),
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("fast-import runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&stream)
        .expect("feed fast-import");
    assert!(
        child.wait().expect("fast-import ends").success(),
        "fast-import failed"
    );
    repo.git(&["reset", "-q", "--hard", "main"]);
    let marks = std::fs::read_to_string(marks).expect("marks");
    let mut ids = vec![String::new(); corpus.len()];
    for line in marks.lines() {
        let (mark, id) = line.split_once(' ').expect("mark line");
        let n: usize = mark.trim_start_matches(':').parse().expect("mark number");
        ids[n - 1] = id.to_string();
    }
    ids
}

fn git_log_trailers(repo: &Repo) -> HashMap<String, Vec<String>> {
    let out = repo.git(&["log", "--format=%H%x00%(trailers:only,unfold)%x01"]);
    out.split('\u{1}')
        .filter_map(|rec| {
            let rec = rec.trim_start_matches('\n');
            let (id, trailers) = rec.split_once('\0')?;
            Some((
                id.to_string(),
                trailers
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            ))
        })
        .collect()
}

#[test]
fn scan_jsonl_trailers_match_git_on_the_whole_corpus() {
    let corpus = load_corpus();
    assert_eq!(corpus.len(), 4000, "the corpus has 4,000 records");
    let repo = Repo::new();
    let ids = import(&repo, &corpus);
    let from_git = git_log_trailers(&repo);
    assert_eq!(from_git.len(), corpus.len());

    let (code, records) = repo.scan_jsonl(&[]);
    assert_eq!(code, 0, "the embedded default never fails");
    let by_id: HashMap<&str, &serde_json::Value> = records
        .iter()
        .filter(|r| r["type"] == "commit")
        .map(|r| (r["id"].as_str().expect("id"), r))
        .collect();
    assert_eq!(
        by_id.len(),
        corpus.len(),
        "every commit is scanned exactly once"
    );

    let mut compared = 0;
    let mut with_trailers = 0;
    for (c, id) in corpus.iter().zip(&ids) {
        let record = by_id[id.as_str()];
        let ours: Vec<String> = record["trailers"]
            .as_array()
            .expect("trailers array")
            .iter()
            .map(|t| {
                format!(
                    "{}: {}",
                    t["key"].as_str().unwrap(),
                    t["value"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(ours, from_git[id], "commit {id} differs from git log");
        assert_eq!(
            ours, c.trailers,
            "commit {id} differs from the corpus (git 2.47)"
        );
        compared += 1;
        with_trailers += usize::from(!ours.is_empty());
    }
    assert_eq!(compared, 4000);
    assert!(
        with_trailers > 1500,
        "about half the corpus has trailers, saw {with_trailers}"
    );

    let summary = records.last().expect("summary");
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["commits"], 4000);
}
