//! The command line as clap reads it: every command, argument and help text, in one place.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use trailgate::install::Hook;

/// Enforce your organisation's policy on AI coding assistants in git.
#[derive(Debug, Parser)]
#[command(name = "trailgate", version, about, long_about = None)]
pub(super) struct Cli {
    /// Run as if started in PATH (like `git -C`).
    #[arg(short = 'C', value_name = "PATH", global = false)]
    pub dir: Option<PathBuf>,
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--format` for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FormatArg {
    /// Findings by commit, then a summary.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// One self-contained HTML audit page.
    Html,
}

/// Output formats of `exceptions list`: a registry has no findings to locate (SARIF), test
/// cases (JUnit) or audit page (HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ListFormatArg {
    /// One line per entry, with its state.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per entry.
    Jsonl,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum CheckFormatArg {
    /// Every step explained.
    Human,
    /// The commit's record as one JSON document.
    Json,
    /// The commit's record as one JSON line.
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Judge a history (default HEAD) against the policy.
    Scan(ScanArgs),
    /// Merge jsonl reports of many repositories into one report (any format).
    Report(ReportArgs),
    /// Judge one commit and explain every step.
    Check(CheckArgs),
    /// Print a message's trailers as git parses them.
    Trailers(TrailersArgs),
    /// Validate or show the effective policy.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Write a commented starter policy and registry to .trailgate/.
    Init(InitArgs),
    /// Show the exception registry.
    #[command(subcommand)]
    Exceptions(ExceptionsCommand),
    /// Install the hook shims in this repository, keeping existing hooks as NAME.local.
    Install(InstallArgs),
    /// Remove the hook shims and restore the hooks they replaced.
    Uninstall(UninstallArgs),
    /// Run a git hook (the installed hook shims call this).
    Hook(HookArgs),
    /// Record assistant sessions in this worktree (assistants' own hooks call this).
    #[command(subcommand)]
    Session(SessionCommand),
    /// Print shell completions for bash, zsh or fish.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page, or write every page into a directory.
    Man {
        /// Write trailgate.1 and a page per subcommand (trailgate-scan.1, …) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(super) struct HookArgs {
    /// Reject (exit 1) when judging takes longer than SECONDS (default: the repository's
    /// `trailgate.hookTimeout` config, else no limit).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    // Not a `ValueEnum`: an unknown name is answered by `trailgate hook` itself, in the
    // words and with the exit code a hook's output uses.
    #[arg(help = hook_name_help())]
    pub name: String,
    /// The hook's arguments, as git passes them.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArg,
}

/// Options shared by commands that load a policy.
#[derive(Debug, Args)]
pub(super) struct PolicyArg {
    /// Policy file, or REV:PATH in the repository (default: trailgate.policy config,
    /// then .trailgate/policy.toml, then the embedded default).
    #[arg(long, value_name = "SPEC")]
    pub policy: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct ScanArgs {
    /// Revisions as git takes them: `main`, `A..B`, `A...B`, `^A`, `A^!` (default: HEAD).
    #[arg(value_name = "REV")]
    pub revs: Vec<String>,
    /// Every ref and HEAD, like `git log --all`.
    #[arg(long)]
    pub all: bool,
    /// Only commits committed on or after this date (YYYY-MM-DD, UTC) or RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only commits committed on or before this date (through its end, UTC) or time.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArg,
    /// Evaluation time for exceptions: `commit` (committer time), `now`, or a date.
    #[arg(long, value_name = "commit|now|DATE", default_value = "commit")]
    pub at: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Write the report to FILE (`-`: standard output). A regular file is replaced only when
    /// the scan completes; a device, FIFO or symlink is written into and stays as it is.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Human format: only the failing commits (those with error findings), then the summary.
    #[arg(long, short = 'q', conflicts_with = "summary")]
    pub quiet: bool,
    /// Human format: only the summary, no commit.
    #[arg(long)]
    pub summary: bool,
    /// Accept the findings an earlier json or jsonl report lists (same commit, code and
    /// assistant): they are reported as `baselined` and do not fail the scan. A file, or
    /// `REV:PATH` to read it from a commit (e.g. the target branch of a pull request).
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<String>,
    /// Also write this scan's error and warning findings (and those the baseline accepted)
    /// to FILE, a jsonl report for `--baseline`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Threads judging commits, the walking thread among them (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Also say how objects were read: how many libgit2 read in place of trailgate's own
    /// pack reader, and why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// `trailgate scan --format jsonl` reports, one per repository.
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Write the report to FILE (`-`: standard output), as `scan --output` does.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The commit to judge.
    #[arg(default_value = "HEAD")]
    pub commit: String,
    #[command(flatten)]
    pub policy: PolicyArg,
    /// Evaluation time for exceptions: `commit`, `now`, or a date.
    #[arg(long, value_name = "commit|now|DATE", default_value = "commit")]
    pub at: String,
    /// Output format (`json` and `jsonl` print the commit record).
    #[arg(long, value_enum, default_value_t = CheckFormatArg::Human)]
    pub format: CheckFormatArg,
}

#[derive(Debug, Args)]
pub(super) struct TrailersArgs {
    /// Message file (default: standard input).
    pub file: Option<PathBuf>,
    /// Clean the message first as `git commit` will (comments, scissors), as hooks do.
    #[arg(long)]
    pub cleanup: bool,
    /// Comment string for --cleanup (default: core.commentChar, else `#`).
    #[arg(long, value_name = "CHAR")]
    pub comment_char: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(super) enum PolicyCommand {
    /// Validate a policy and its registry; report every problem.
    Check {
        /// Policy file or REV:PATH (default: as discovered).
        spec: Option<String>,
    },
    /// Print the effective policy and assistant catalog.
    Show {
        /// Policy file or REV:PATH (default: as discovered).
        spec: Option<String>,
        /// Print only the effective assistant catalog, as TOML in the built-in data file's
        /// shape, with each built-in entry's sources.
        #[arg(long)]
        catalog: bool,
    },
}

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub(super) enum ExceptionsCommand {
    /// List registry entries with their state.
    List {
        #[command(flatten)]
        policy: PolicyArg,
        /// State as of this date or time (default: now).
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormatArg::Human)]
        format: ListFormatArg,
    },
}

#[derive(Debug, Args)]
pub(super) struct InstallArgs {
    #[arg(long, value_name = "LIST", value_delimiter = ',', help = install_hooks_help())]
    pub hooks: Vec<String>,
    #[arg(long, conflicts_with = "hooks", help = server_help())]
    pub server: bool,
    /// Also install where NAME.local exists without NAME; the shim then runs it first.
    #[arg(long)]
    pub force: bool,
    /// The trailgate binary the hooks run (default: this one); `trailgate` on PATH is the
    /// fallback when it is gone.
    #[arg(long, value_name = "PATH")]
    pub binary: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct UninstallArgs {
    #[arg(long, value_name = "LIST", value_delimiter = ',', help = uninstall_hooks_help())]
    pub hooks: Vec<String>,
}

/// `trailgate session`.
#[derive(Debug, Subcommand)]
pub(super) enum SessionCommand {
    /// Record that an assistant session started (run from the assistant's session-start hook;
    /// reads the hook's JSON from stdin).
    Start(StartArgs),
    /// Record that a session ended (run from the assistant's session-end hook).
    End(EndArgs),
    /// List this worktree's session records, each with its state and whether the next commit
    /// declares it.
    Status(StatusArgs),
    /// End and forget every session record of this worktree: none of them is declared again.
    Clear,
}

#[derive(Debug, Args)]
pub(super) struct StartArgs {
    /// Catalog id of the assistant: claude-code, openai-codex, kiro, ...
    #[arg(long, value_name = "ID")]
    pub assistant: String,
    /// Session id (default: the hook's `session_id`, else a generated one).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Model (default: the hook's `model`).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct EndArgs {
    /// Only this assistant's sessions (default: any).
    #[arg(long, value_name = "ID")]
    pub assistant: Option<String>,
    /// The session to end (default: the hook's `session_id`, else the most recently started
    /// open session).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct StatusArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub format: StatusFormat,
}

/// `session status --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum StatusFormat {
    /// One line per session.
    Human,
    /// One JSON document.
    Json,
}

/// Shells `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Shell {
    /// bash (source it, or put it in bash-completion's directory).
    Bash,
    /// zsh (put it on `fpath` as `_trailgate`).
    Zsh,
    /// fish (put it in `~/.config/fish/completions/`).
    Fish,
}

// Hook names in help texts come from `Hook`, so a new hook cannot be missing from them.

/// `a, b, c`, or `a, b or c` with `last` = `" or "`.
fn hook_list(hooks: &[Hook], last: &str) -> String {
    let names: Vec<&str> = hooks.iter().map(|h| h.name()).collect();
    match names.split_last() {
        Some((tail, init)) if !init.is_empty() => format!("{}{last}{tail}", init.join(", ")),
        _ => names.join(", "),
    }
}

/// `trailgate hook NAME`.
fn hook_name_help() -> String {
    hook_list(&Hook::ALL, " or ")
}

/// `trailgate install --hooks`.
fn install_hooks_help() -> String {
    format!(
        "Hooks to install, comma-separated: any of {} (default: {}; {} in a bare repository)",
        hook_list(&Hook::ALL, ", "),
        hook_list(&Hook::CLIENT_DEFAULT, ", "),
        hook_list(&Hook::SERVER_DEFAULT, " and "),
    )
}

/// `trailgate install --server`.
fn server_help() -> String {
    format!(
        "Install the server hooks ({}), as in a bare repository",
        hook_list(&Hook::SERVER_DEFAULT, ", ")
    )
}

/// `trailgate uninstall --hooks`.
fn uninstall_hooks_help() -> String {
    format!(
        "Hooks to remove, comma-separated: any of {} (default: every hook trailgate installed)",
        hook_list(&Hook::ALL, ", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Whether `help` names `hook` as a word of its own (`commit-msg` is also part of
    /// `prepare-commit-msg`).
    fn names(help: &str, hook: Hook) -> bool {
        help.match_indices(hook.name()).any(|(at, name)| {
            let before = help[..at].chars().next_back();
            let after = help[at + name.len()..].chars().next();
            let apart = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-'));
            apart(before) && apart(after)
        })
    }

    #[test]
    fn help_texts_list_every_hook() {
        let mut cli = Cli::command();
        for command in ["hook", "install", "uninstall"] {
            let Some(sub) = cli.find_subcommand_mut(command) else {
                panic!("no `{command}` command");
            };
            let help = sub.render_long_help().to_string();
            for hook in Hook::ALL {
                assert!(
                    names(&help, hook),
                    "`{command} --help` lacks {hook}:\n{help}"
                );
            }
        }
    }

    #[test]
    fn hook_lists_read_as_prose() {
        assert_eq!(
            hook_name_help(),
            "commit-msg, prepare-commit-msg, post-commit, pre-push, pre-receive or update"
        );
        assert_eq!(hook_list(&[Hook::PreReceive], " or "), "pre-receive");
        assert_eq!(hook_list(&[], " or "), "");
        assert!(names("prepare-commit-msg, update", Hook::Update));
        assert!(!names("prepare-commit-msg", Hook::CommitMsg));
    }
}
