//! The `trailgate` command: parse arguments, run, map the outcome to an exit code
//! (0 no error findings, 1 error findings, 2 usage, policy, registry or repository error).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
