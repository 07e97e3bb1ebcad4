//! Command-line front door: dispatch to one module per command, colour, exit codes. Each command is a thin layer
//! over the library: gather commits, judge them, render a report.

mod args;
mod check_cmd;
mod docs_cmd;
mod exceptions_cmd;
mod hook_cmd;
mod identity;
mod init_cmd;
mod install_cmd;
mod output;
mod policy_cmd;
mod report_cmd;
mod scan_cmd;
mod session_cmd;
mod trailers_cmd;

use args::{Cli, ColorChoice, Command, ExceptionsCommand, PolicyCommand};
use clap::Parser;
use std::process::ExitCode;
use trailgate::config::source::LoadError;

/// Entry point: exit 0 pass, 1 error findings, 2 anything that kept us from deciding.
pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    trailgate::git::configure_for_scan();
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

/// A report file gets colour only when asked for explicitly.
fn plain_in_files(output: Option<&std::path::Path>, color: ColorChoice) {
    let to_file = output.is_some_and(|p| p.as_os_str() != "-");
    if to_file && color != ColorChoice::Always {
        colored::control::set_override(false);
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(dir) = &cli.dir {
        std::env::set_current_dir(dir)
            .map_err(|e| anyhow::anyhow!("cannot change to {}: {e}", dir.display()))?;
    }
    match cli.command {
        Command::Scan(args) => {
            plain_in_files(args.output.as_deref(), cli.color);
            let verbose = args.verbose;
            let outcome = scan_cmd::scan(args);
            if verbose {
                eprintln!("{}", trailgate::git::integrity::fallbacks().line());
            }
            outcome
        }
        Command::Report(args) => {
            plain_in_files(args.output.as_deref(), cli.color);
            report_cmd::report(args)
        }
        Command::Check(args) => check_cmd::check(args),
        Command::Trailers(args) => trailers_cmd::trailers(args),
        Command::Policy(PolicyCommand::Check { spec }) => policy_cmd::check(spec),
        Command::Policy(PolicyCommand::Show { spec, catalog }) => {
            if catalog {
                policy_cmd::show_catalog(spec)
            } else {
                policy_cmd::show(spec)
            }
        }
        Command::Init(args) => init_cmd::init(args),
        Command::Hook(args) => hook_cmd::hook(args),
        Command::Exceptions(ExceptionsCommand::List { policy, at, format }) => {
            exceptions_cmd::exceptions_list(policy, at, format)
        }
        Command::Install(args) => install_cmd::install(args),
        Command::Uninstall(args) => install_cmd::uninstall(args),
        Command::Session(cmd) => session_cmd::session(cmd),
        Command::Completions { shell } => docs_cmd::completions(shell),
        Command::Man { dir } => docs_cmd::man(dir.as_deref()),
    }
}
