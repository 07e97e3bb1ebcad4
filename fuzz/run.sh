#!/usr/bin/env bash
# Fuzz every parser of outside input for SECONDS each (default 600), two at a time, with the
# stable-Rust fuzzer in examples/fuzz.rs. Inputs that panic are saved in fuzz/crashes/; the
# script exits 1 if any target crashed. Results: fuzz/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
cargo build --release --locked --example fuzz
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/fuzz"
targets=(trailers insert policy registry trailgate-note git-ai-note ref-updates session-payload)
: > fuzz/results.txt
status=0
run() { "$bin" "$1" --seconds "$seconds" >> fuzz/results.txt 2>&1 || return 1; }
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    pids=()
    for t in "${targets[@]:i:2}"; do
        run "$t" & pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || status=1; done
done
cat fuzz/results.txt
exit $status
