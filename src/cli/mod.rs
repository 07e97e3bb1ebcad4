//! Command-line front door: argument definitions and dispatch. Each command is a thin layer
//! over the library: gather commits, judge them, render a report.

mod commands;
mod docs_cmd;
mod hook_cmd;
mod install_cmd;
mod policy_cmd;
mod scan_cmd;
mod session_cmd;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use trailgate::source::LoadError;

/// Enforce your organisation's policy on AI coding assistants in git.
#[derive(Debug, Parser)]
#[command(name = "trailgate", version, about, long_about = None)]
pub struct Cli {
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
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--format` for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
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

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormatArg {
    /// Every step explained.
    Human,
    /// The commit's record as one JSON document.
    Json,
    /// The commit's record as one JSON line.
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge a history (default HEAD) against the policy.
    Scan(ScanArgs),
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
    Session(session_cmd::SessionCommand),
    /// Print shell completions for bash, zsh or fish.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: docs_cmd::Shell,
    },
    /// Print the man page, or write every page into a directory.
    Man {
        /// Write trailgate.1 and a page per subcommand (trailgate-scan.1, …) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// Reject (exit 1) when judging takes longer than SECONDS (default: the repository's
    /// `trailgate.hookTimeout` config, else no limit).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// commit-msg, prepare-commit-msg, pre-push, pre-receive or update.
    pub name: String,
    /// The hook's arguments, as git passes them.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArg,
}

/// Options shared by commands that load a policy.
#[derive(Debug, Args)]
pub struct PolicyArg {
    /// Policy file, or REV:PATH in the repository (default: trailgate.policy config,
    /// then .trailgate/policy.toml, then the embedded default).
    #[arg(long, value_name = "SPEC")]
    pub policy: Option<String>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Revisions as git takes them: `main`, `A..B`, `A...B`, `^A` (default: HEAD).
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
    /// Write the report to FILE (replaced only when the scan completes).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Also say how objects were read: how many libgit2 read in place of trailgate's own
    /// pack reader, and why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
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
pub struct TrailersArgs {
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
pub enum PolicyCommand {
    /// Validate a policy and its registry; report every problem.
    Check {
        /// Policy file or REV:PATH (default: as discovered).
        spec: Option<String>,
    },
    /// Print the effective policy and assistant catalog.
    Show {
        /// Policy file or REV:PATH (default: as discovered).
        spec: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExceptionsCommand {
    /// List registry entries with their state.
    List {
        #[command(flatten)]
        policy: PolicyArg,
        /// State as of this date or time (default: now).
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Hooks to install, comma-separated (default: prepare-commit-msg, commit-msg, pre-push;
    /// pre-receive in a bare repository).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub hooks: Vec<String>,
    /// Install the server hooks (pre-receive), as in a bare repository.
    #[arg(long, conflicts_with = "hooks")]
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
pub struct UninstallArgs {
    /// Hooks to remove, comma-separated (default: every hook trailgate installed).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub hooks: Vec<String>,
}

/// Entry point: exit 0 pass, 1 error findings, 2 anything that kept us from deciding.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // git itself does not re-hash objects it reads (fsck does); libgit2 by default does, at a
    // large cost on every commit and tree of a scan.
    git2::opts::strict_hash_verification(false);
    configure_object_cache();
    configure_color(cli.color);
    let outcome = run(cli);
    // Said once per run, whatever the outcome: e.g. a commit-graph that was not used.
    for warning in trailgate::git::integrity::take_warnings() {
        eprintln!("{warning}");
    }
    match outcome {
        Ok(code) => ExitCode::from(code),
        // A reader that went away (`trailgate scan | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(load) = err.downcast_ref::<LoadError>() {
                eprintln!("{load}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(2)
        }
    }
}

/// Size libgit2's object cache for a scan: commits are read once each, so caching them only
/// grows memory with the history; trees are shared between neighbouring commits and worth
/// keeping, root trees of large repositories included (they exceed libgit2's 4 KiB default).
/// Each repository handle (one per worker) gets a bounded cache, and mapped pack windows are
/// bounded too, so memory stays flat as the history grows.
#[allow(unsafe_code)]
fn configure_object_cache() {
    const TREE_LIMIT: usize = 1 << 20;
    const CACHE_PER_HANDLE: isize = 48 << 20;
    // Packs are read through mapped windows; small windows under a total cap keep what a scan
    // touches of a large pack from all staying resident.
    const PACK_WINDOW: usize = 32 << 20;
    const PACK_MAPPED: usize = 128 << 20;
    // SAFETY: called first thing in `main`, before any thread exists, as these process-wide
    // libgit2 settings require; the option takes one `ssize_t` argument.
    unsafe {
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, TREE_LIMIT);
        libgit2_sys::git_libgit2_opts(
            libgit2_sys::GIT_OPT_SET_CACHE_MAX_SIZE as libc::c_int,
            CACHE_PER_HANDLE,
        );
        let _ = git2::opts::set_mwindow_size(PACK_WINDOW);
        let _ = git2::opts::set_mwindow_mapped_limit(PACK_MAPPED);
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn configure_color(choice: ColorChoice) {
    use std::io::IsTerminal;
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(dir) = &cli.dir {
        std::env::set_current_dir(dir)
            .map_err(|e| anyhow::anyhow!("cannot change to {}: {e}", dir.display()))?;
    }
    match cli.command {
        Command::Scan(args) => {
            // A report file gets colour only when asked for explicitly.
            if args.output.is_some() && cli.color != ColorChoice::Always {
                colored::control::set_override(false);
            }
            let verbose = args.verbose;
            let outcome = scan_cmd::scan(args);
            if verbose {
                eprintln!("{}", trailgate::git::integrity::fallbacks().line());
            }
            outcome
        }
        Command::Check(args) => scan_cmd::check(args),
        Command::Trailers(args) => commands::trailers(args),
        Command::Policy(PolicyCommand::Check { spec }) => policy_cmd::check(spec),
        Command::Policy(PolicyCommand::Show { spec }) => policy_cmd::show(spec),
        Command::Init(args) => commands::init(args),
        Command::Hook(args) => hook_cmd::hook(args),
        Command::Exceptions(ExceptionsCommand::List { policy, at, format }) => {
            policy_cmd::exceptions_list(policy, at, format)
        }
        Command::Install(args) => install_cmd::install(args),
        Command::Uninstall(args) => install_cmd::uninstall(args),
        Command::Session(cmd) => session_cmd::session(cmd),
        Command::Completions { shell } => docs_cmd::completions(shell),
        Command::Man { dir } => docs_cmd::man(dir.as_deref()),
    }
}
