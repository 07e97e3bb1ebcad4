//! Runs git, isolated from the machine's configuration, to obtain the expected behaviour.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A scratch repository with a fixed identity and dates; each call runs one git process.
pub(super) struct Git {
    dir: tempfile::TempDir,
}

/// What `git commit` made of a message file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Commit {
    /// The commit was made; its trailers as `git log --format=%(trailers:only,unfold)` prints.
    Made(Vec<String>),
    /// git aborted: the message was empty after cleanup.
    Aborted,
}

impl Git {
    pub(super) fn new() -> Git {
        let git = Git {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        };
        git.run(&["init", "-q", "repo"]);
        git
    }

    fn command(&self) -> Command {
        crate::engine::trailers::tests::oracle::isolated_git(self.dir.path())
    }

    fn run(&self, args: &[&str]) -> Vec<u8> {
        let output = run(self.command(), args);
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// `git interpret-trailers --where end --if-exists addIfDifferent --no-divider` with one
    /// `--trailer` per requested trailer, on each message, with `comment` as
    /// `core.commentString`. One git process for the whole batch (`--in-place` on many files).
    ///
    /// `--no-divider` because `git commit --trailer` passes it too: a `---` line in a commit
    /// message is text, not the start of a patch.
    pub(super) fn interpret_trailers(
        &self,
        messages: &[Vec<u8>],
        comment: &[u8],
        trailers: &[(&str, &str)],
    ) -> Vec<Vec<u8>> {
        let files: Vec<String> = (0..messages.len())
            .map(|i| path_str(&self.dir.path().join(format!("message-{i}"))))
            .collect();
        for (file, message) in files.iter().zip(messages) {
            std::fs::write(file, message).expect("write a message file");
        }
        let comment_setting = format!("core.commentString={}", String::from_utf8_lossy(comment));
        let specs: Vec<String> = trailers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let mut args = vec!["-c", &comment_setting, "interpret-trailers", "--in-place"];
        args.extend([
            "--where",
            "end",
            "--if-exists",
            "addIfDifferent",
            "--no-divider",
        ]);
        for spec in &specs {
            args.extend(["--trailer", spec]);
        }
        args.extend(files.iter().map(String::as_str));
        if !messages.is_empty() {
            self.run(&args);
        }
        files
            .iter()
            .map(|file| std::fs::read(file).expect("read a message file back"))
            .collect()
    }

    /// The commit `git commit -v --cleanup=strip` makes when the editor leaves `message` in the
    /// message file (the file `prepare-commit-msg` wrote), with `comment` as
    /// `core.commentString`. `-v` makes git cut at the scissors line, as it does when it wrote
    /// the diff there itself.
    pub(super) fn commit(&self, message: &[u8], comment: &[u8]) -> Commit {
        let file = self.dir.path().join("edited");
        std::fs::write(&file, message).expect("write the message file");
        let mut cmd = self.command();
        cmd.env("GIT_EDITOR", format!("cp '{}'", path_str(&file)));
        let comment_setting = format!("core.commentString={}", String::from_utf8_lossy(comment));
        let args = [
            "-C",
            "repo",
            "-c",
            &comment_setting,
            "commit",
            "-q",
            "-v",
            "--allow-empty",
            "--cleanup=strip",
        ];
        let output = run(cmd, &args);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("empty commit message"),
                "git commit failed: {stderr}"
            );
            return Commit::Aborted;
        }
        let log = self.run(&[
            "-C",
            "repo",
            "log",
            "-1",
            "--format=%(trailers:only,unfold)",
        ]);
        Commit::Made(
            log.split(|&b| b == b'\n')
                .filter(|line| !line.is_empty())
                .map(|line| String::from_utf8_lossy(line).into_owned())
                .collect(),
        )
    }
}

fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("git must be installed to run these tests")
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
