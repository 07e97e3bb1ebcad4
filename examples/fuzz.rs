//! A time-boxed fuzzer for trailgate's parsers of outside input, for stable Rust (cargo-fuzz
//! needs a nightly toolchain): seeds (real commit messages, the starter policy and registry,
//! notes, hook input) are mutated at random — bytes flipped, inserted and deleted, pieces of
//! other seeds and tokens the parsers care about spliced in, inputs cut and repeated — and each
//! input is run with panics caught. A panic's input is saved under `fuzz/crashes/<target>/` and
//! reported; the exit code is 1 when anything crashed. The readers of git's binary formats are
//! fuzzed with coverage feedback instead, by the AFL harness in `fuzz/afl/`.
//!
//! ```sh
//! cargo run --release --example fuzz -- TARGET [--seconds N] [--seed N]
//! fuzz/run.sh [SECONDS] [TARGET...]   # every target (these and AFL's) for SECONDS each
//! ```

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use trailgate::config::common::SourceText;
use trailgate::config::diag::Diagnostic;
use trailgate::config::policy;

const TARGETS: [&str; 8] = [
    "trailers",
    "insert",
    "policy",
    "registry",
    "trailgate-note",
    "git-ai-note",
    "ref-updates",
    "session-payload",
];

/// Byte strings the parsers give meaning to.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\n\n",
    b"\r\n",
    b": ",
    b":",
    b" ",
    b"\t",
    b"#",
    b"# ",
    b"---",
    b"---\n",
    b"Signed-off-by: ",
    b"Assisted-by: ",
    b"Co-authored-by: ",
    b"AI-Exception: ",
    b"(cherry picked from commit ",
    b"------------------------ >8 ------------------------",
    "\u{2010}".as_bytes(),
    "\u{200d}".as_bytes(),
    "\u{ff1a}".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\x00",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"\"",
    b"'",
    b"'''",
    b"\"\"\"",
    b"=",
    b",",
    b"\\",
    b"\\u0000",
    b"null",
    b"true",
    b"1e999",
    b"-",
    b"*",
    b"**",
    b"!",
    b"version = 1\n",
    b"[production]\npaths = [",
    b"[[exception]]\n",
    b"expires = ",
    b"2026-02-30",
    b"<",
    b">",
    b"@",
    b"0000000000000000000000000000000000000000",
    b"refs/heads/main",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                input.drain(i..i + n);
            }
            3 | 4 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                input.splice(i..i, t.iter().copied());
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = a + 1 + rng.below(other.len() - a);
                    let i = rng.below(len + 1);
                    input.splice(i..i, other[a..b].iter().copied());
                }
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            7 if len > 0 && len < 1 << 16 => {
                let a = rng.below(len);
                let b = a + 1 + rng.below((len - a).min(256));
                let piece = input[a..b].to_vec();
                for _ in 0..1 + rng.below(64) {
                    input.extend_from_slice(&piece);
                }
            }
            _ => {
                let i = rng.below(len + 1);
                let bytes: Vec<u8> = (0..rng.below(16)).map(|_| rng.next() as u8).collect();
                input.splice(i..i, bytes);
            }
        }
    }
    input.truncate(1 << 20);
}

fn corpus_messages(limit: usize) -> Vec<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-messages.jsonl");
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(|m| m.as_bytes().to_vec())
        })
        .take(limit)
        .collect()
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let strs = |items: &[&str]| {
        items
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect::<Vec<_>>()
    };
    let mut seeds = match target {
        "trailers" | "insert" => {
            let mut m = corpus_messages(400);
            m.extend(strs(&[
                "Subject\n\nBody\n\nSigned-off-by: A <a@x>\nAssisted-by: Claude\n",
                "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n(cherry picked from commit 1234)\n",
                "x\n\nKey: value\n continued\n# comment\n",
            ]));
            m
        }
        "policy" => strs(&[
            policy::STARTER_POLICY,
            policy::EMBEDDED_DEFAULT,
            "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"src/**\", \"!src/x\"]\nexclude = [\"**/*.md\"]\nrequire_declaration = true\n[assistants.kiro]\nstatus = \"forbidden\"\nnames = [\"^Kiro\"]\n[severity]\nai-signoff = \"error\"\n",
        ]),
        "registry" => strs(&[
            policy::STARTER_REGISTRY,
            "[[exception]]\nid = \"EXC-1\"\nassistants = [\"*\"]\npaths = [\"src/**\"]\nstarts = \"2026-01-01\"\nexpires = \"2026-12-31T23:59:59+01:00\"\nstatus = \"active\"\nauthors = [\"a@x\"]\ngranted_by = \"sec\"\nreason = \"r\"\n",
        ]),
        "trailgate-note" => strs(&[
            "assistant = \"claude-code\"\nsession = \"s\"\nmodel = \"m\"\n",
            "[[sessions]]\nassistant = \"kiro\"\n[[sessions]]\nassistant = \"cursor\"\nmodel = \"x\"\n",
            "{\"sessions\": [{\"assistant\": \"cursor\", \"session\": \"abc\"}]}",
        ]),
        "git-ai-note" => strs(&[
            "src/main.rs\n  abc 1-5\n---\n{\"schema_version\":\"authorship/3.0.0\",\"prompts\":{\"abc\":{\"agent_id\":{\"tool\":\"cursor\",\"id\":\"s\",\"model\":\"m\"}}},\"humans\":{}}\n",
        ]),
        "ref-updates" => strs(&[
            "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/main\n",
            "1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/heads/a b\n",
        ]),
        _ => strs(&[
            "{\"session_id\":\"abc\",\"transcript_path\":\"/t\",\"cwd\":\"/w\",\"hook_event_name\":\"SessionStart\",\"model\":\"claude-opus\"}",
            "{\"conversation_id\":\"c\",\"workspace_roots\":[\"/w\"],\"model\":\"gpt\"}",
        ]),
    };
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

/// Run one input; the results are dropped (only panics matter).
fn run(target: &str, input: &[u8]) {
    let text = String::from_utf8_lossy(input).into_owned();
    match target {
        "trailers" => {
            let _ = trailgate::engine::trailers::parse(input);
            let _ = trailgate::engine::trailers::cleanup(input, b"#");
        }
        "insert" => {
            let _ = trailgate::engine::trailers::insert::add_trailers(
                input,
                b"#",
                &[
                    ("Assisted-by", "Claude Code:opus"),
                    ("AI-Session", "claude-code:s"),
                ],
            );
        }
        "policy" => {
            let src = SourceText {
                name: "fuzz.toml".into(),
                text,
                repo_path: None,
            };
            let _ = policy::load(&src, false, &|_| {
                Err(Diagnostic::file("registry", "no registry while fuzzing"))
            });
        }
        "registry" => {
            let src = SourceText {
                name: "policy.toml".into(),
                text: "version = 1\n[exceptions]\nregistry = \"r.toml\"\n".into(),
                repo_path: None,
            };
            let _ = policy::load(&src, false, &|_| {
                Ok(SourceText {
                    name: "r.toml".into(),
                    text: text.clone(),
                    repo_path: None,
                })
            });
        }
        "trailgate-note" => {
            let _ = trailgate::sessions::notes::parse_trailgate_note(input);
        }
        "git-ai-note" => {
            let _ = trailgate::sessions::notes::parse_git_ai_note(input);
        }
        "ref-updates" => {
            let _ = trailgate::hooks::RefUpdate::parse_lines(&text);
        }
        _ => {
            let _ = trailgate::sessions::parse_payload(input);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!(
            "usage: fuzz TARGET [--seconds N] [--seed N]\ntargets: {}",
            TARGETS.join(", ")
        );
        std::process::exit(2);
    };
    let Some(target) = args.first().filter(|t| TARGETS.contains(&t.as_str())) else {
        usage()
    };
    let option = |name: &str| -> Option<u64> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1)?.parse().ok()
    };
    let seconds = option("--seconds").unwrap_or(60);
    let seed = option("--seed").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1
    });
    let seeds = seeds(target);
    let crashes_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/crashes")
        .join(target);
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut runs, mut crashes) = (0u64, 0u64);
    // Seeds first, unmutated.
    for s in &seeds {
        if panic::catch_unwind(AssertUnwindSafe(|| run(target, s))).is_err() {
            crashes += 1;
        }
    }
    while Instant::now() < deadline {
        for _ in 0..256 {
            let mut input = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &seeds, &mut input);
            runs += 1;
            if panic::catch_unwind(AssertUnwindSafe(|| run(target, &input))).is_err() {
                crashes += 1;
                let _ = std::fs::create_dir_all(&crashes_dir);
                let file = crashes_dir.join(format!("{runs}.bin"));
                let _ = std::fs::write(&file, &input);
                println!("crash: {} ({} bytes)", file.display(), input.len());
            }
        }
    }
    println!("{target}: {runs} inputs in {seconds} s (seed {seed}), {crashes} crashes");
    std::process::exit(i32::from(crashes > 0));
}
