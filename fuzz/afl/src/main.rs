//! The AFL harness: `trailgate-afl TARGET` feeds each input AFL generates to one of the
//! readers of git's binary formats (see `trailgate::git::fuzzing::TARGETS`), in persistent
//! mode. A panic, an abort or an arithmetic overflow (the release profile keeps overflow
//! checks on) is a crash AFL records.

use trailgate::git::fuzzing;

fn main() {
    let target = std::env::args().nth(1).unwrap_or_default();
    if !fuzzing::TARGETS.contains(&target.as_str()) {
        eprintln!(
            "usage: trailgate-afl TARGET (one of: {})",
            fuzzing::TARGETS.join(", ")
        );
        std::process::exit(2);
    }
    afl::fuzz!(|data: &[u8]| {
        if let Err(e) = fuzzing::run(&target, data) {
            // The container could not be written, so nothing was tested: stop loudly.
            eprintln!("cannot set up {target}: {e}");
            std::process::abort();
        }
    });
}
