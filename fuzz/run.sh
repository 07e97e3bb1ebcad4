#!/usr/bin/env bash
# Fuzz trailgate for SECONDS per target (default 600), two targets at a time, at low priority.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# The readers of git's binary formats (pack-index, pack-entry, delta, commit-graph,
# tree-entries, commit-header) run under AFL++ with coverage feedback (cargo-afl, stable Rust,
# overflow checks on), starting from fuzz/corpus/<target>/; the text parsers run under the
# random fuzzer in examples/fuzz.rs. With no TARGET, all of them. Crashing inputs are copied to
# fuzz/crashes/<target>/ and the script exits 1 if there were any. Results: fuzz/results.txt.
# With MINIMIZE=1, each AFL target's queue is minimised (afl-cmin) back into its corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-600}
shift || true
afl_targets=(pack-index pack-entry delta commit-graph tree-entries commit-header)
text_targets=(trailers insert policy registry trailgate-note git-ai-note ref-updates session-payload)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${afl_targets[@]}" "${text_targets[@]}")
is_afl() { [[ " ${afl_targets[*]} " == *" $1 "* ]]; }

need_afl=0
need_text=0
for t in "${targets[@]}"; do
    if is_afl "$t"; then need_afl=1
    elif [[ " ${text_targets[*]} " == *" $t "* ]]; then need_text=1
    else echo "unknown target: $t" >&2; exit 2
    fi
done

if [ $need_afl = 1 ]; then
    # A fresh machine has neither cargo-afl nor the AFL++ it builds from the sources it ships.
    cargo afl --version >/dev/null 2>&1 || cargo install cargo-afl --locked
    cargo afl config --build >/dev/null 2>&1 || true
    (cd fuzz/afl && nice -n 10 cargo afl build --release --locked)
    harness=$root/fuzz/afl/target/release/trailgate-afl
fi
if [ $need_text = 1 ]; then
    nice -n 10 cargo build --release --locked --example fuzz
    text_bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/fuzz"
fi

# Container files go to a RAM-backed directory when there is one: each input writes a pack.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

stat_of() { sed -n "s/^$2 *: //p" "$1"; }

run_afl() {
    local t=$1 out=$root/fuzz/afl/out/$1
    rm -rf "$out"
    mkdir -p "$out"
    # A generous timeout: the machine may be busy, and only a real hang should count as one.
    # -c 0: the harness is built with comparison logging, so magic values are solved.
    local dict=()
    [ -e "fuzz/afl/dict/$t.dict" ] && dict=(-x "fuzz/afl/dict/$t.dict")
    nice -n 10 cargo afl fuzz -V "$seconds" -t 1000 -c 0 "${dict[@]}" -i "fuzz/corpus/$t" \
        -o "$out" "$harness" "$t" > "$out/log.txt" 2>&1 || true
    local s=$out/default/fuzzer_stats
    if [ ! -f "$s" ]; then
        echo "$t: did not run (see fuzz/afl/out/$t/log.txt)"
        return 1
    fi
    local crashes hangs
    crashes=$(stat_of "$s" saved_crashes)
    hangs=$(stat_of "$s" saved_hangs)
    printf '%-14s %6s s  execs %10s  paths %5s  edges %5s  crashes %s  hangs %s\n' "$t" \
        "$(stat_of "$s" run_time)" "$(stat_of "$s" execs_done)" "$(stat_of "$s" corpus_count)" \
        "$(stat_of "$s" edges_found)" "$crashes" "$hangs"
    if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
        mkdir -p "fuzz/crashes/$t"
        for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
            [ -f "$f" ] && cp "$f" "fuzz/crashes/$t/$(sha1sum < "$f" | cut -c1-16)"
        done
        return 1
    fi
    if [ "${MINIMIZE:-0}" = 1 ]; then
        minimize "$t" "$out"
    fi
}

# Keep the fewest inputs of the queue that cover all it covers, as the target's corpus.
minimize() {
    local t=$1 out=$2 cmin
    cmin=$(find "${XDG_DATA_HOME:-$HOME/.local/share}/afl.rs" -name afl-cmin.bash | head -1)
    rm -rf "$out/min"
    nice -n 10 "$cmin" -i "$out/default/queue" -o "$out/min" -- "$harness" "$t" \
        > "$out/cmin.txt" 2>&1 || true
    if ! ls "$out/min"/* > /dev/null 2>&1; then
        echo "$t: minimising failed (see fuzz/afl/out/$t/cmin.txt); corpus unchanged"
        return 0
    fi
    rm -f "fuzz/corpus/$t"/*
    for f in "$out"/min/*; do
        cp "$f" "fuzz/corpus/$t/$(sha1sum < "$f" | cut -c1-16)"
    done
}

run_text() {
    "$text_bin" "$1" --seconds "$seconds" 2>&1 || return 1
}

run() { if is_afl "$1"; then run_afl "$1"; else run_text "$1"; fi; }

: > fuzz/results.txt
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    pids=()
    for t in "${targets[@]:i:2}"; do
        run "$t" > "fuzz/results.$t.tmp" & pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || status=1; done
    for t in "${targets[@]:i:2}"; do
        cat "fuzz/results.$t.tmp" >> fuzz/results.txt
        rm -f "fuzz/results.$t.tmp"
    done
done
cat fuzz/results.txt
exit $status
