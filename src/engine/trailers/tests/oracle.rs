//! Runs git, isolated from the machine's configuration, to obtain the expected behaviour.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `git` run in `dir`, with `dir` as its home, no system or global config, a fixed identity
/// and fixed dates: what it does depends on git alone.
pub(in crate::engine::trailers) fn isolated_git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2000-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2000-01-01T00:00:00Z")
        .env("LC_ALL", "C")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"]);
    cmd
}

/// A scratch repository with a fixed identity and dates; each call runs one git process.
pub(super) struct Git {
    dir: tempfile::TempDir,
    empty_tree: String,
}

impl Git {
    pub(super) fn new() -> Git {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let git = Git {
            dir,
            empty_tree: String::new(),
        };
        git.run(&["init", "-q", "repo"], None);
        let tree = git.run(
            &["-C", "repo", "hash-object", "-t", "tree", "-w", "--stdin"],
            Some(b""),
        );
        Git {
            empty_tree: text(&tree),
            ..git
        }
    }

    fn command(&self) -> Command {
        isolated_git(self.dir.path())
    }

    fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
        run(self.command(), args, stdin)
    }

    fn message_file(&self, message: &[u8]) -> String {
        let path = self.dir.path().join("message");
        std::fs::write(&path, message).expect("write the message file");
        path_str(&path)
    }

    /// `git log -1 --format=%(trailers:only,unfold)` of a commit object holding `message`
    /// byte for byte (written directly, so NUL bytes and any leading lines survive).
    pub(super) fn log_trailers(&self, message: &[u8]) -> Vec<String> {
        let mut object = format!(
            "tree {}\nauthor Test <test@example.com> 946684800 +0000\n\
             committer Test <test@example.com> 946684800 +0000\n\n",
            self.empty_tree
        )
        .into_bytes();
        object.extend_from_slice(message);
        let args = [
            "-C",
            "repo",
            "hash-object",
            "-t",
            "commit",
            "-w",
            "--literally",
            "--stdin",
        ];
        let id = text(&self.run(&args, Some(&object)));
        self.trailers_of(&id)
    }

    /// The same, with the commit made by `git commit --cleanup=verbatim -F FILE`.
    pub(super) fn commit_trailers(&self, message: &[u8]) -> Vec<String> {
        let file = self.message_file(message);
        let args = [
            "-C",
            "repo",
            "commit",
            "-q",
            "--allow-empty",
            "--allow-empty-message",
            "--cleanup=verbatim",
            "-F",
            &file,
        ];
        self.run(&args, None);
        self.trailers_of("HEAD")
    }

    fn trailers_of(&self, rev: &str) -> Vec<String> {
        let out = self.run(
            &[
                "-C",
                "repo",
                "log",
                "-1",
                "--format=%(trailers:only,unfold)",
                rev,
            ],
            None,
        );
        // tformat ends the entry with one newline of its own.
        lines(out.strip_suffix(b"\n").unwrap_or(&out))
    }

    /// `git interpret-trailers --parse --no-divider` on `message`.
    pub(super) fn interpret_trailers(&self, message: &[u8]) -> Vec<String> {
        let out = self.run(
            &["interpret-trailers", "--parse", "--no-divider"],
            Some(message),
        );
        lines(&out)
    }

    /// The message `git commit -v --cleanup=strip` records when the editor leaves `message` in
    /// the message file: exactly the file a `commit-msg` hook sees. `-v` makes git cut at the
    /// scissors line; `config` adds `-c` settings.
    pub(super) fn commit_cleanup(&self, message: &[u8], config: &[&str]) -> Vec<u8> {
        let file = self.message_file(message);
        let mut cmd = self.command();
        cmd.env("GIT_EDITOR", format!("cp '{file}'"));
        run(cmd, &self.commit_args(config, &[]), None);
        self.head_message()
    }

    /// The message `git commit -v --cleanup=strip -F FILE` records. Unlike the editor path,
    /// git first strips trailing whitespace from a `-F` message (before any hook runs).
    pub(super) fn commit_cleanup_from_file(&self, message: &[u8], config: &[&str]) -> Vec<u8> {
        let file = self.message_file(message);
        self.run(&self.commit_args(config, &["-F", &file]), None);
        self.head_message()
    }

    fn commit_args<'a>(&self, config: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["-C", "repo"];
        for setting in config {
            args.extend(["-c", setting]);
        }
        args.extend([
            "commit",
            "-q",
            "-v",
            "--allow-empty",
            "--allow-empty-message",
            "--cleanup=strip",
        ]);
        args.extend(extra);
        args
    }

    fn head_message(&self) -> Vec<u8> {
        let object = self.run(&["-C", "repo", "cat-file", "commit", "HEAD"], None);
        let body = object
            .windows(2)
            .position(|w| w == b"\n\n")
            .map_or(object.len(), |i| i + 2);
        object.get(body..).unwrap_or_default().to_vec()
    }
}

fn run(mut cmd: Command, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .expect("git must be installed to run these tests");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input).expect("write to git");
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait for git");
    assert!(
        status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).trim().to_string()
}

fn lines(out: &[u8]) -> Vec<String> {
    out.split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect()
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
