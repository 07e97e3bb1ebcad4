//! The scan pipeline under back-pressure: a reader slower than the scan must get every record,
//! in order, whatever the thread count.

use crate::support::Repo;
use std::io::Read;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// More chunks of commits than the pipeline keeps in flight with any thread count tried, so the
/// walker waits for the writer many times over.
const COMMITS: usize = 4_000;

#[test]
fn a_slow_reader_gets_every_record_in_order() {
    let repo = Repo::linear_history(COMMITS, |i| format!("change {i}\n\nAssisted-by: Claude\n"));
    let (mut outputs, mut codes) = (Vec::new(), Vec::new());
    for threads in ["1", "2", "3"] {
        let mut child = repo
            .trailgate_process()
            .args(["scan", "main", "--format", "jsonl", "--threads", threads])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("trailgate runs");
        let mut stdout = child.stdout.take().expect("stdout");
        // A scan that stops making progress is killed, and the test fails below.
        let (done, pid) = (Arc::new(AtomicBool::new(false)), child.id().to_string());
        let watchdog = {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let started = Instant::now();
                while !done.load(Ordering::Relaxed) {
                    if started.elapsed() > Duration::from_secs(60) {
                        let _ = std::process::Command::new("kill")
                            .args(["-9", &pid])
                            .status();
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                false
            })
        };
        let (mut out, mut piece) = (Vec::new(), [0u8; 4096]);
        // Read a little at a time, pausing, so the pipe stays full and the scan must wait.
        loop {
            let n = stdout.read(&mut piece).expect("read");
            if n == 0 {
                break;
            }
            out.extend_from_slice(&piece[..n]);
            std::thread::sleep(Duration::from_micros(300));
        }
        let status = child.wait().expect("trailgate ends");
        done.store(true, Ordering::Relaxed);
        let killed = watchdog.join().expect("watchdog");
        assert!(
            !killed,
            "--threads {threads}: the scan stopped making progress"
        );
        codes.push(status.code());
        let records = String::from_utf8(out).expect("UTF-8");
        let commits: Vec<&str> = records
            .lines()
            .filter(|l| l.starts_with("{\"type\":\"commit\""))
            .collect();
        assert_eq!(commits.len(), COMMITS, "--threads {threads}");
        // Newest first, as git log walks.
        let last = format!("\"summary\":\"change {}\"", COMMITS - 1);
        assert!(commits[0].contains(&last), "--threads {threads}");
        assert!(commits[COMMITS - 1].contains("\"summary\":\"change 0\""));
        outputs.push(records);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    assert!(codes.windows(2).all(|w| w[0] == w[1]), "{codes:?}");
}
