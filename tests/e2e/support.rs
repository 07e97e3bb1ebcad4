//! Test repositories built with the git CLI in temp dirs, isolated from the developer's config.

use assert_cmd::Command;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A scratch repository with its own HOME, so no user or system git config leaks in.
pub(crate) struct Repo {
    pub dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
    clock: Cell<i64>,
}

/// A fixed starting time for commits: 2026-11-01T10:00:00Z.
pub(crate) const T0: i64 = 1_793_527_200;

impl Repo {
    /// `git init` on branch main.
    pub(crate) fn new() -> Repo {
        let repo = Repo::empty();
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// A bare repository.
    pub(crate) fn bare() -> Repo {
        let repo = Repo::empty();
        repo.git(&["init", "-q", "--bare", "-b", "main"]);
        repo
    }

    /// A directory with no repository yet.
    pub(crate) fn empty() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            home: tempfile::tempdir().expect("temp home"),
            clock: Cell::new(T0),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env(&self, cmd: &mut std::process::Command) {
        cmd.current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.path().join("gitconfig"))
            .env("GIT_AUTHOR_NAME", "Jane Doe")
            .env("GIT_AUTHOR_EMAIL", "jane@example.com")
            .env("GIT_COMMITTER_NAME", "Jane Doe")
            .env("GIT_COMMITTER_EMAIL", "jane@example.com")
            .env("LC_ALL", "C");
    }

    /// Run git; panic with its stderr if it fails.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args, &[]);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Run git with extra environment; return the raw output.
    pub(crate) fn git_output(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = std::process::Command::new("git");
        self.env(&mut cmd);
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("git runs")
    }

    /// Feed a `git fast-import` stream to this repository; panic if git refuses it.
    pub(crate) fn fast_import(&self, stream: &str) {
        use std::io::Write;
        let mut cmd = std::process::Command::new("git");
        self.env(&mut cmd);
        let mut child = cmd
            .args(["fast-import", "--quiet"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stream.as_bytes())
            .expect("stream written");
        assert!(child.wait().expect("git ends").success(), "fast-import");
    }

    /// A new repository whose `main` is `count` commits in a line, each with no files and
    /// `message(i)` (the oldest is 0), one second apart: written by one `git fast-import`.
    pub(crate) fn linear_history(count: usize, message: impl Fn(usize) -> String) -> Repo {
        let repo = Repo::new();
        let mut stream = String::new();
        for i in 0..count {
            let message = message(i);
            stream.push_str(&format!(
                "commit refs/heads/main\ncommitter A <a@x> {} +0000\ndata {}\n{message}\n",
                1_700_000_000 + i,
                message.len()
            ));
        }
        stream.push_str("done\n");
        repo.fast_import(&stream);
        repo
    }

    /// Write a file (creating directories).
    pub(crate) fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let p = self.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// Date the next commit at `t` (seconds since 1970, UTC); later ones follow a minute apart.
    pub(crate) fn set_clock(&self, t: i64) {
        self.clock.set(t);
    }

    fn next_date(&self) -> String {
        let t = self.clock.get();
        self.clock.set(t + 60);
        format!("{t} +0000")
    }

    /// Write files, stage everything, commit with this exact message; return the id.
    pub(crate) fn commit(&self, message: &str, files: &[(&str, &str)]) -> String {
        self.commit_as(message, files, None)
    }

    /// Like `commit`, with an author `("Name", "email")`.
    pub(crate) fn commit_as(
        &self,
        message: &str,
        files: &[(&str, &str)],
        author: Option<(&str, &str)>,
    ) -> String {
        for (p, c) in files {
            self.write(p, c);
        }
        self.git(&["add", "-A"]);
        self.commit_bytes(message.as_bytes(), author, &[])
    }

    /// Commit the index with a raw message (`--cleanup=verbatim`), optional author and config.
    pub(crate) fn commit_bytes(
        &self,
        message: &[u8],
        author: Option<(&str, &str)>,
        config: &[&str],
    ) -> String {
        let msg_file = self.home.path().join("msg");
        std::fs::write(&msg_file, message).expect("write message");
        let date = self.next_date();
        let mut env: Vec<(&str, &str)> =
            vec![("GIT_AUTHOR_DATE", &date), ("GIT_COMMITTER_DATE", &date)];
        if let Some((name, email)) = author {
            env.push(("GIT_AUTHOR_NAME", name));
            env.push(("GIT_AUTHOR_EMAIL", email));
        }
        let mut args: Vec<&str> = Vec::new();
        for c in config {
            args.push("-c");
            args.push(c);
        }
        let msg = msg_file.to_string_lossy().into_owned();
        args.extend([
            "commit",
            "-q",
            "--allow-empty",
            "--cleanup=verbatim",
            "-F",
            &msg,
        ]);
        let out = self.git_output(&args, &env);
        assert!(
            out.status.success(),
            "commit failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.head()
    }

    pub(crate) fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Add a git note with this text to commit `id` on `refs/notes/NOTES_REF`.
    pub(crate) fn note(&self, notes_ref: &str, text: &str, id: &str) {
        self.git(&[
            "notes",
            &format!("--ref={notes_ref}"),
            "add",
            "-m",
            text,
            id,
        ]);
    }

    /// Run a bash script here with the same isolation as git; its raw output.
    pub(crate) fn bash(&self, script: &str) -> Output {
        let mut cmd = std::process::Command::new("bash");
        self.env(&mut cmd);
        cmd.args(["-c", script]).output().expect("bash runs")
    }

    /// The trailgate binary, run in this repository with the same isolation.
    pub(crate) fn trailgate(&self) -> Command {
        Command::from_std(self.trailgate_process())
    }

    /// [`Repo::trailgate`] as a process to spawn and talk to while it runs.
    pub(crate) fn trailgate_process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("trailgate"));
        cmd.current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.path().join("gitconfig"))
            // Reports say when they were made: one fixed time, so two runs compare byte for
            // byte (a test of the time itself removes it).
            .env("SOURCE_DATE_EPOCH", "1800000000");
        cmd
    }

    /// Run trailgate; return (exit code, stdout, stderr).
    pub(crate) fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self
            .trailgate()
            .args(args)
            .output()
            .expect("trailgate runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `scan --format jsonl` records (commits then summary), parsed.
    pub(crate) fn scan_jsonl(&self, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
        let mut all = vec!["scan", "--format", "jsonl"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = self.run(&all);
        assert!(code == 0 || code == 1, "scan failed ({code}): {stderr}");
        let records = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad jsonl line {l}: {e}")))
            .collect();
        (code, records)
    }

    /// Write a policy (and optional registry) into `.trailgate/` and commit nothing.
    pub(crate) fn policy(&self, policy: &str, registry: Option<&str>) {
        self.write(".trailgate/policy.toml", policy);
        if let Some(r) = registry {
            self.write(".trailgate/exceptions.toml", r);
        }
    }
}

/// The commit record with this id from jsonl records.
pub(crate) fn record<'a>(records: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    records
        .iter()
        .find(|r| r["type"] == "commit" && r["id"] == id)
        .unwrap_or_else(|| panic!("no record for {id}"))
}

/// Finding codes of a record.
pub(crate) fn codes(record: &serde_json::Value) -> Vec<String> {
    record["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Assistant ids of a record.
pub(crate) fn assistants(record: &serde_json::Value) -> Vec<String> {
    record["assistants"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The corpus of real commit messages in `tests/fixtures/`.
pub(crate) fn corpus_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-messages.jsonl"
    ))
}
