//! Where `--output` writes (docs/output.md, "--output FILE"): `-` is standard output; a regular
//! file is replaced atomically with the mode the umask gives; a device, FIFO or symlink is written
//! into and stays what it was.

use crate::support::Repo;
use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A repository with one human commit: the jsonl report is two lines.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.commit("Initial import\n", &[("README", "hello\n")]);
    repo
}

/// `trailgate ARGS` under `umask`, with the test repository's isolation.
fn run_with_umask(repo: &Repo, umask: &str, args: &[&str]) -> (i32, String, String) {
    let bin = assert_cmd::cargo::cargo_bin("trailgate");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$@\""))
        .arg("sh")
        .arg(bin)
        .args(args)
        .current_dir(repo.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", repo.home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", repo.home.path().join("gitconfig"))
        .output()
        .expect("sh runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scan_to(repo: &Repo, target: &Path) -> (i32, String, String) {
    let target = target.to_str().unwrap();
    repo.run(&["scan", "--format", "jsonl", "--output", target])
}

fn is_report(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains(r#""type":"summary""#), "{text}");
}

#[test]
fn dash_is_standard_output() {
    let repo = repo();
    let (code, stdout, stderr) = repo.run(&["scan", "--format", "jsonl", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    is_report(&stdout);
    assert!(
        !repo.path().join("-").exists(),
        "a file named `-` was written"
    );
}

#[test]
fn a_regular_file_gets_the_mode_the_umask_gives() {
    let repo = repo();
    for (umask, mode) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let file = repo.home.path().join(format!("report-{umask}.jsonl"));
        let (code, _, stderr) = run_with_umask(
            &repo,
            umask,
            &["scan", "--format", "jsonl", "-o", file.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{stderr}");
        is_report(&fs::read_to_string(&file).unwrap());
        let got = fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
        assert_eq!(got, mode, "umask {umask}: mode {got:o}");
    }
    // An existing file is replaced whole, and no temporary file is left beside it.
    let file = repo.home.path().join("report-022.jsonl");
    fs::write(&file, "old\n".repeat(1000)).unwrap();
    let before = fs::read_dir(repo.home.path()).unwrap().count();
    let (code, _, stderr) = scan_to(&repo, &file);
    assert_eq!(code, 0, "{stderr}");
    is_report(&fs::read_to_string(&file).unwrap());
    assert_eq!(fs::read_dir(repo.home.path()).unwrap().count(), before);
}

#[test]
fn a_symlink_stays_a_symlink_and_its_target_gets_the_report() {
    let repo = repo();
    let dir = repo.home.path();
    fs::create_dir(dir.join("reports")).unwrap();
    let target = dir.join("reports/latest.jsonl");
    fs::write(&target, "old\n").unwrap();
    let link = dir.join("report.jsonl");
    symlink("reports/latest.jsonl", &link).unwrap();
    let (code, _, stderr) = scan_to(&repo, &link);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("reports/latest.jsonl")
    );
    is_report(&fs::read_to_string(&target).unwrap());

    // A dangling link: its target is created.
    fs::remove_file(&target).unwrap();
    let (code, _, stderr) = scan_to(&repo, &link);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    is_report(&fs::read_to_string(&target).unwrap());
}

#[test]
fn a_fifo_is_written_into() {
    let repo = repo();
    let fifo = repo.home.path().join("report.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let reading = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(fs::read_to_string(&reading));
    });
    let (code, _, stderr) = scan_to(&repo, &fifo);
    assert_eq!(code, 0, "{stderr}");
    let text = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the reader got the report")
        .unwrap();
    is_report(&text);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_character_device_stays_a_device() {
    let repo = repo();
    let null = repo.home.path().join("null");
    // Making a device needs root; `--output /dev/null` itself is not tried on the real one.
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .output()
        .expect("mknod runs");
    if !made.status.success() {
        println!(
            "skipped: mknod needs root ({})",
            String::from_utf8_lossy(&made.stderr).trim()
        );
        return;
    }
    fs::set_permissions(&null, fs::Permissions::from_mode(0o666)).unwrap();
    let (code, _, stderr) = scan_to(&repo, &null);
    assert_eq!(code, 0, "{stderr}");
    let meta = fs::symlink_metadata(&null).unwrap();
    assert!(meta.file_type().is_char_device(), "{:?}", meta.file_type());
    assert_eq!(fs::read(&null).unwrap(), b"", "still the null device");
}

#[test]
fn a_directory_is_a_clear_error() {
    let repo = repo();
    let dir = repo.home.path().join("reports");
    fs::create_dir(&dir).unwrap();
    let (code, _, stderr) = scan_to(&repo, &dir);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("reports") && stderr.contains("is a directory"),
        "{stderr}"
    );
    assert!(dir.is_dir());
}

#[test]
fn a_full_device_is_a_clear_error_said_once() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        println!("skipped: no /dev/full on this system");
        return;
    }
    // Enough commits that the report is written while the scan runs, not only at its end.
    let repo = Repo::linear_history(2_000, |i| format!("change {i}\n"));
    let (code, _, stderr) = scan_to(&repo, full);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write the report"), "{stderr}");
    assert_eq!(
        stderr.matches("No space left on device").count(),
        1,
        "{stderr}"
    );
}
