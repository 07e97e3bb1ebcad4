//! The fuzz corpus of the binary readers (`fuzz/corpus/<target>/`) and every input that once
//! crashed one (`fuzz/crashes/<target>/`), replayed through the same entry points the
//! harness fuzzes. Each target runs in a child process, so an abort (a failed allocation, a
//! stack overflow) fails the test with the input named instead of killing the test run.

use std::path::{Path, PathBuf};
use std::process::Command;
use trailgate::git::fuzzing;

const CHILD_TARGET: &str = "TRAILGATE_FUZZ_REPLAY_TARGET";
const CHILD_DIRS: &str = "TRAILGATE_FUZZ_REPLAY_DIRS";

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Replay `dirs` (relative to `fuzz/`) of every target in a child process each: the failures,
/// each with the input running when the child died, and per target how much its reader read
/// from all the inputs.
fn replay(dirs: &str) -> (Vec<String>, Vec<(&'static str, usize)>) {
    let mut failures = Vec::new();
    let mut reads = Vec::new();
    for target in fuzzing::TARGETS {
        let out = Command::new(std::env::current_exe().expect("test binary"))
            .args(["fuzz_corpus::replay_in_child", "--exact", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(CHILD_TARGET, target)
            .env(CHILD_DIRS, dirs)
            .env("RUST_BACKTRACE", "0")
            .output()
            .expect("run the replay");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let read = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("read ")?.parse::<usize>().ok());
        reads.push((target, read.sum()));
        if !out.status.success() {
            let last = stderr.lines().rfind(|l| l.starts_with("replaying "));
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines[lines.len().saturating_sub(4)..].join("\n");
            failures.push(format!(
                "{target}: {} ({})\n{tail}",
                last.unwrap_or("before the first input"),
                out.status,
            ));
        }
    }
    (failures, reads)
}

#[test]
fn every_target_has_a_corpus() {
    for target in fuzzing::TARGETS {
        let n = inputs(&fuzz_dir().join("corpus").join(target)).len();
        assert!(n > 0, "fuzz/corpus/{target}/ is empty");
    }
}

#[test]
fn the_corpus_replays_without_a_crash_and_reaches_every_reader() {
    let (failures, reads) = replay("corpus");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Inputs the containers or the readers refuse at the door would fuzz nothing.
    for (target, read) in reads {
        assert!(
            read > 0,
            "no input of fuzz/corpus/{target}/ got past the door"
        );
    }
}

#[test]
fn inputs_that_once_crashed_a_reader_replay_without_a_crash() {
    let (failures, _) = replay("crashes");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs only as the child of [`replay`]: every input of one target, each named on stderr
/// before it runs.
#[test]
fn replay_in_child() {
    let (Ok(target), Ok(dirs)) = (std::env::var(CHILD_TARGET), std::env::var(CHILD_DIRS)) else {
        return;
    };
    for dir in dirs.split(',') {
        for input in inputs(&fuzz_dir().join(dir).join(&target)) {
            eprintln!("replaying {}", input.display());
            let data = std::fs::read(&input).expect("read input");
            let read = fuzzing::run(&target, &data).expect("container written");
            eprintln!("read {read}");
        }
    }
}
