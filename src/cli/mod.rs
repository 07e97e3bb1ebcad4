//! Command-line front door: dispatch to one module per command, colour, exit codes. Each command is a thin layer
//! over the library: gather commits, judge them, render a report.

mod args;
mod docs_cmd;
mod hook_cmd;
mod init_cmd;
mod install_cmd;
mod output;
mod policy_cmd;
mod scan_cmd;
mod session_cmd;
mod trailers_cmd;

use args::{Cli, ColorChoice, Command, ExceptionsCommand, PolicyCommand};
use clap::Parser;
use std::process::ExitCode;
use trailgate::config::source::LoadError;

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
            // Errors quote policies, registries, paths and refs that others can write.
            let message = match err.downcast_ref::<LoadError>() {
                Some(load) => load.to_string(),
                None => format!("error: {err:#}"),
            };
            eprintln!("{}", trailgate::report::EscapedLines(&message));
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
            let to_file = args.output.as_ref().is_some_and(|p| p.as_os_str() != "-");
            if to_file && cli.color != ColorChoice::Always {
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
        Command::Trailers(args) => trailers_cmd::trailers(args),
        Command::Policy(PolicyCommand::Check { spec }) => policy_cmd::check(spec),
        Command::Policy(PolicyCommand::Show { spec }) => policy_cmd::show(spec),
        Command::Init(args) => init_cmd::init(args),
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
