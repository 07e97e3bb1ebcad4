//! The `trailgate` command: parse arguments, run, map the outcome to an exit code
//! (0 no error findings, 1 error findings, 2 usage, policy, registry or repository error).

mod cli;

// A scan allocates and frees many small buffers on every worker; mimalloc's per-thread heaps
// do that with less work than the system allocator (measured in benches/).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
