//! Recognition over real commit messages (`tests/fixtures/real-messages.jsonl`).

use std::collections::BTreeMap;

use super::*;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/real-messages.jsonl"
);

struct Record {
    repo: String,
    author: String,
    committer: String,
    message: String,
    trailers: Vec<String>,
}

fn records() -> Vec<Record> {
    let text = std::fs::read_to_string(CORPUS).unwrap_or_else(|e| panic!("{CORPUS}: {e}"));
    let str_of = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("json line");
            Record {
                repo: str_of(&v, "repo"),
                author: str_of(&v, "author"),
                committer: str_of(&v, "committer"),
                message: str_of(&v, "message"),
                trailers: v["trailers"]
                    .as_array()
                    .expect("trailers")
                    .iter()
                    .map(|t| t.as_str().unwrap_or_default().to_string())
                    .collect(),
            }
        })
        .collect()
}

/// Counts per (channel, assistant id), plus every match outside the AI-using repositories.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<(String, String), usize>,
    git_git_matches: Vec<String>,
}

impl Tally {
    fn add(&mut self, cat: &Catalog, rec: &Record, channel: &str, index: usize, what: &str) {
        let id = cat.entries()[index].id.clone();
        *self
            .counts
            .entry((channel.to_string(), id.clone()))
            .or_default() += 1;
        if rec.repo == "git/git" {
            self.git_git_matches
                .push(format!("{channel} {what} -> {id}"));
        }
    }
    fn get(&self, channel: &str, id: &str) -> usize {
        self.counts
            .get(&(channel.to_string(), id.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

fn ident(s: &str) -> (&str, &str) {
    match s.split_once('<') {
        Some((n, e)) => (n.trim(), e.trim_end().trim_end_matches('>')),
        None => (s.trim(), ""),
    }
}

#[test]
fn corpus_recognition() {
    let cat = catalog();
    let recs = records();
    assert_eq!(recs.len(), 4000, "corpus size changed");
    let mut t = Tally::default();
    let mut aider_named_authors = 0;
    let mut git_signoffs = 0;
    for rec in &recs {
        for (channel, who) in [("author", &rec.author), ("committer", &rec.committer)] {
            if channel == "author" && who.contains("(aider)") {
                aider_named_authors += 1;
            }
            let (name, email) = ident(who);
            if let Some((i, _)) = cat.match_identity(name, email) {
                t.add(&cat, rec, channel, i, who);
            }
        }
        for tr in &rec.trailers {
            let Some((key, value)) = tr.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let kind = if AI_KEYS.contains(&key.as_str()) {
                KeyKind::Ai
            } else if IDENTITY_KEYS.contains(&key.as_str()) {
                KeyKind::Identity
            } else {
                if let Some(i) = cat.session_trailer(&key) {
                    t.add(&cat, rec, "session", i, tr);
                }
                continue;
            };
            if rec.repo == "git/git" && key == "signed-off-by" {
                git_signoffs += 1;
            }
            if let ValueMatch::Assistant { index, .. } = cat.match_value(kind, value) {
                t.add(&cat, rec, &key, index, tr);
            }
        }
        for (i, m) in cat.match_markers(&rec.message) {
            t.add(&cat, rec, "marker", i, &m);
        }
        let title = rec.message.lines().next().unwrap_or("");
        if let Some((i, p)) = cat.match_subject(title) {
            t.add(&cat, rec, "subject", i, &p);
        }
    }
    for ((channel, id), n) in &t.counts {
        eprintln!("{channel:>15} {id:<15} {n}");
    }
    // Every author whose name carries `(aider)` is aider, and no other author is.
    assert!(aider_named_authors > 200);
    assert_eq!(t.get("author", "aider"), aider_named_authors);
    // Real Claude Code, aider and Copilot co-author lines.
    assert!(t.get("co-authored-by", "claude-code") >= 140);
    assert!(t.get("co-authored-by", "aider") >= 60);
    assert!(t.get("co-authored-by", "github-copilot") >= 10);
    assert!(t.get("author", "github-copilot") >= 11);
    assert!(t.get("author", "claude-code") >= 10);
    assert!(t.get("marker", "claude-code") >= 20);
    assert!(t.get("session", "claude-code") >= 5);
    // aider's own commits from before it wrote trailers, all in aider's repository.
    assert_eq!(t.get("subject", "aider"), 37);
    // git/git is written by people: 3,900-odd sign-offs, no assistant anywhere.
    assert!(git_signoffs > 3000);
    assert!(t.git_git_matches.is_empty(), "{:#?}", t.git_git_matches);
}
