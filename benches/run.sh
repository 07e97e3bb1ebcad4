#!/usr/bin/env bash
# trailgate benchmark harness: benches/run.sh [REPO]
#
# Without REPO, generates (and caches) a synthetic repository of COMMITS commits and one of
# COMMITS/4 with benches/gen_repo.py and `git fast-import`; with REPO, uses that repository
# (not modified; the memory-growth check then scans a revision with about a quarter of its
# history). On the same commits it times `git log --format=%B`, `git log --format=%B
# --name-only`, `trailgate scan` under benches/policies/few-diffs.toml and all-diffs.toml,
# and pushes of 1 and 100 commits into a bare clone with and without trailgate's pre-receive
# hook; it prints each median with the ratio to its baseline, the target, PASS/FAIL and peak
# memory, and writes the same as Markdown to $BENCH_DIR/results.md. Missed targets are
# reported as FAIL with exit status 0; a broken run exits non-zero. See benches/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
start_all=$(date +%s)

COMMITS=${COMMITS:-100000}
SMALL_COMMITS=${SMALL_COMMITS:-$((COMMITS / 4))}
FILES=${FILES:-52000}
SEED=${SEED:-42}
RUNS=${RUNS:-5}
PUSH_RUNS=${PUSH_RUNS:-15}
LARGE=${LARGE:-10000}
WARMUP=${WARMUP:-1}
HYPERFINE=${HYPERFINE:-auto}
COMMIT_GRAPH=${COMMIT_GRAPH:-1}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/trailgate-bench}
POLICY_FEW=${POLICY_FEW:-$here/policies/few-diffs.toml}
POLICY_ALL=${POLICY_ALL:-$here/policies/all-diffs.toml}
# The server's policy for the pushes, which must pass it.
POLICY_PUSH=${POLICY_PUSH:-$POLICY_FEW}

die() { echo "run.sh: $*" >&2; exit 2; }
say() { echo "== $*" >&2; }

[ $# -le 1 ] || die "usage: benches/run.sh [REPO]"
command -v git >/dev/null || die "git is required"
command -v python3 >/dev/null || die "python3 is required"
[ "$RUNS" -ge 1 ] 2>/dev/null || die "RUNS must be a positive integer"
[ "$PUSH_RUNS" -ge 1 ] 2>/dev/null || die "PUSH_RUNS must be a positive integer"
abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
POLICY_FEW=$(abspath "$POLICY_FEW")
POLICY_ALL=$(abspath "$POLICY_ALL")
POLICY_PUSH=$(abspath "$POLICY_PUSH")
[ -f "$POLICY_FEW" ] && [ -f "$POLICY_ALL" ] && [ -f "$POLICY_PUSH" ] || die "policy files not found"

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
W=$BENCH_DIR/run
rm -rf "$W"
mkdir -p "$W"
VALUES=$W/values
: >"$VALUES"
put() { printf '%s\t%s\n' "$1" "$2" >>"$VALUES"; }
put load "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min) when the run started"
generated=0

# ------------------------------------------------------------------ tools
if [ "$HYPERFINE" = auto ]; then
    if command -v hyperfine >/dev/null; then HYPERFINE=1; else HYPERFINE=0; fi
fi
if [ "$HYPERFINE" = 1 ]; then
    command -v hyperfine >/dev/null || die "HYPERFINE=1 but hyperfine is not installed"
    timer="hyperfine $(hyperfine --version | awk '{print $2}')"
else
    timer="shell loop (date +%s%N)"
fi
timer="$timer; median of $RUNS runs (pushes: $PUSH_RUNS) after $WARMUP warm-up; each scan and its git baseline run alternately (shell loop)"
MEM=1
if ! /usr/bin/time -f %M -o "$W/probe" true 2>/dev/null || ! grep -qE '^[0-9]+$' "$W/probe"; then
    MEM=0
    echo "run.sh: GNU time (/usr/bin/time) not found: peak memory is not measured" >&2
fi

# ------------------------------------------------------------------ binary
if [ -n "${TRAILGATE:-}" ]; then
    case $TRAILGATE in
        */*) TG=$(abspath "$TRAILGATE") ;;
        *) TG=$(command -v "$TRAILGATE") || die "TRAILGATE=$TRAILGATE is not on PATH" ;;
    esac
    [ -x "$TG" ] || die "TRAILGATE=$TRAILGATE is not an executable"
else
    say "building trailgate (cargo build --release --locked in $root)"
    (cd "$root" && cargo build --release --locked) >&2
    target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    TG=$target_dir/release/trailgate
    [ -x "$TG" ] || die "no binary at $TG after the build"
fi
if [ -n "${TRAILGATE:-}" ]; then
    src_rev="given by TRAILGATE"
else
    src_rev="built from $root at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        src_rev="$src_rev with uncommitted changes"
    fi
fi
put trailgate "$("$TG" --version) at $TG ($src_rev)"

# ------------------------------------------------------------------ repositories
# gen NAME COMMITS: generate (or reuse) a bare repository; prints its path.
gen() {
    local commits=$2 dir stamp t0 t1 t2 t3
    dir=$BENCH_DIR/repos/$1-c$commits-f$FILES-s$SEED.git
    stamp="$(sha256sum "$here/gen_repo.py" | cut -c1-16) commits=$commits files=$FILES seed=$SEED graph=$COMMIT_GRAPH repack=d50w250"
    if [ -f "$dir/bench-stamp" ] && [ "$(cat "$dir/bench-stamp")" = "$stamp" ]; then
        say "reusing $dir"
        echo "$dir"
        return
    fi
    say "generating $dir"
    generated=1
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    git init -q --bare "$dir" >&2
    t0=$(date +%s.%N)
    python3 "$here/gen_repo.py" history --commits "$commits" --files "$FILES" --seed "$SEED" |
        git -C "$dir" fast-import --done --quiet >&2
    t1=$(date +%s.%N)
    git -C "$dir" update-ref -d refs/heads/topic 2>/dev/null || true
    git -C "$dir" symbolic-ref HEAD refs/heads/main >&2
    # As real repositories are packed (git gc --aggressive, a hosting service's maintenance):
    # long delta chains across a wide window, not fast-import's.
    git -C "$dir" repack -a -d -f -q --depth=50 --window=250 >&2
    t2=$(date +%s.%N)
    if [ "$COMMIT_GRAPH" = 1 ]; then
        git -C "$dir" commit-graph write --reachable >&2
    fi
    t3=$(date +%s.%N)
    printf '%s\n' "$stamp" >"$dir/bench-stamp"
    python3 -c 'import sys; a = [float(x) for x in sys.argv[1:]]; print("generate + fast-import %.0f s, repack %.0f s, commit-graph %.1f s" % (a[1]-a[0], a[2]-a[1], a[3]-a[2]))' \
        "$t0" "$t1" "$t2" "$t3" >"$dir/bench-gen-time"
    echo "$dir"
}

if [ $# -eq 1 ]; then
    REPO=$(cd "$1" && git rev-parse --absolute-git-dir) || die "$1 is not a git repository"
    REV=${REV:-HEAD}
    BASE=$(git -C "$REPO" rev-parse --verify "$REV^{commit}") || die "unknown revision $REV"
    # The memory-growth check scans the first-parent ancestor a quarter of the way up.
    fp=$(git -C "$REPO" rev-list --first-parent --count "$BASE")
    SMALL_REPO=$REPO
    SMALL_REV=$(git -C "$REPO" rev-list --first-parent "$BASE" | sed -n "$((fp * 3 / 4 + 1))p")
    put repo "$REPO (given)"
    put generation "none"
else
    gen history "$COMMITS" >"$W/repo-path"
    REPO=$(cat "$W/repo-path")
    gen history "$SMALL_COMMITS" >"$W/repo-path"
    SMALL_REPO=$(cat "$W/repo-path")
    REV=${REV:-main}
    BASE=$(git -C "$REPO" rev-parse --verify "$REV^{commit}")
    SMALL_REV=main
    put repo "generated by gen_repo.py (seed $SEED, $FILES files in the root tree): $REPO"
    put generation "$COMMITS commits: $(cat "$REPO/bench-gen-time"); $SMALL_COMMITS commits: $(cat "$SMALL_REPO/bench-gen-time")"
fi
commits=$(git -C "$REPO" rev-list --count "$BASE")
merges=$(git -C "$REPO" rev-list --count --merges "$BASE")
files=$(git -C "$REPO" ls-tree -r "$BASE" | wc -l)
small_commits=$(git -C "$SMALL_REPO" rev-list --count "$SMALL_REV")
pack_mb=$(du -sm "$REPO/objects" | cut -f1)
put rev "$REV = $BASE"
put commits "$commits"
put small_commits "$small_commits"
put history "$commits commits ($merges merges), $files files in the tree at $REV, objects $pack_mb MB; memory check: $small_commits commits"
say "$commits commits ($merges merges), $files files at $REV; smaller history: $small_commits commits"

# ------------------------------------------------------------------ measuring
q() { printf '%q ' "$@"; }

# measure KEY OKCODES PREPARE COMMAND: median wall time of COMMAND (a bash command line) over
# RUNS runs (or $NRUNS) after WARMUP, PREPARE (may be empty) before each; every exit status
# must be in OKCODES (e.g. "0" or "0 1").
measure() {
    local key=$1 ok=$2 prep=$3 cmd=$4 i rc med lo hi codes runs=${NRUNS:-$RUNS}
    say "timing $key"
    if [ "$HYPERFINE" = 1 ]; then
        local args=(--runs "$runs" --warmup "$WARMUP" --shell bash --style none -i
            --export-json "$W/$key.json")
        [ -n "$prep" ] && args+=(--prepare "$prep")
        hyperfine "${args[@]}" "$cmd" >"$W/$key.hyperfine.log" 2>&1 ||
            die "hyperfine failed for $key (see $W/$key.hyperfine.log)"
        read -r med lo hi codes < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["median"], r["min"], r["max"], ",".join(str(c) for c in r.get("exit_codes", [])))' "$W/$key.json")
        for rc in ${codes//,/ }; do
            [[ " $ok " == *" $rc "* ]] || die "$key exited $rc: $cmd"
        done
    else
        : >"$W/$key.times"
        for ((i = 0; i < WARMUP + runs; i++)); do
            [ -n "$prep" ] && eval "$prep"
            time_once "$key" "$ok" "$cmd" "$((i >= WARMUP))"
        done
        read -r med lo hi < <(median_of "$W/$key.times")
    fi
    put "time.$key" "$med"
    put "range.$key" "$lo $hi"
}

# time_once KEY OKCODES COMMAND COUNT: run COMMAND once (its exit status must be in OKCODES)
# and, when COUNT is 1, add its wall time in nanoseconds to KEY's times.
time_once() {
    local key=$1 ok=$2 cmd=$3 count=$4 t0 t1 rc
    t0=$(date +%s%N)
    set +e
    eval "$cmd"
    rc=$?
    set -e
    t1=$(date +%s%N)
    [[ " $ok " == *" $rc "* ]] || die "$key exited $rc: $cmd"
    [ "$count" = 1 ] && echo $((t1 - t0)) >>"$W/$key.times"
    return 0
}

# median_of FILE: the median, least and greatest of FILE's times (ns), in seconds.
median_of() {
    sort -n "$1" | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%.6f %.6f %.6f\n", m / 1e9, a[1] / 1e9, a[NR] / 1e9 }'
}

# measure_pair BASE_KEY BASE_OK KEY OK BASE_CMD CMD: the median wall times of BASE_CMD and
# CMD run alternately, one run of each per round, RUNS rounds after WARMUP: a machine whose
# speed drifts over minutes then moves both alike, not the ratio. Exit statuses as for
# `measure`.
measure_pair() {
    local bkey=$1 bok=$2 key=$3 ok=$4 bcmd=$5 cmd=$6 i k med lo hi
    say "timing $bkey and $key, run alternately"
    : >"$W/$bkey.times"
    : >"$W/$key.times"
    for ((i = 0; i < WARMUP + RUNS; i++)); do
        time_once "$bkey" "$bok" "$bcmd" "$((i >= WARMUP))"
        time_once "$key" "$ok" "$cmd" "$((i >= WARMUP))"
    done
    for k in "$bkey" "$key"; do
        read -r med lo hi < <(median_of "$W/$k.times")
        put "time.$k" "$med"
        put "range.$k" "$lo $hi"
    done
}

# peak KEY OKCODES COMMAND: peak RSS (KB) of one run of COMMAND.
peak() {
    local key=$1 ok=$2 cmd=$3 rc
    [ "$MEM" = 1 ] || return 0
    set +e
    /usr/bin/time -f %M -o "$W/$key.rss" bash -c "$cmd"
    rc=$?
    set -e
    [[ " $ok " == *" $rc "* ]] || die "$key exited $rc: $cmd"
    put "$key" "$(tail -n 1 "$W/$key.rss")"
}

log_cmd=$(q git -C "$REPO" log --format=%B "$BASE")
names_cmd=$(q git -C "$REPO" log --format=%B --name-only "$BASE")
scan() { # scan REPO REV POLICY [more args]: a scan command line
    local repo=$1 rev=$2 pol=$3
    shift 3
    q "$TG" -C "$repo" scan "$rev" --policy "$pol" --format jsonl "$@"
}
few_cmd=$(scan "$REPO" "$BASE" "$POLICY_FEW")
all_cmd=$(scan "$REPO" "$BASE" "$POLICY_ALL")

# Each scan alternates with the git command it is compared with.
measure_pair log "0" scan_few "0 1" "$log_cmd >/dev/null" "$few_cmd >/dev/null"
measure_pair log_names "0" scan_all "0 1" "$names_cmd >/dev/null" "$all_cmd >/dev/null"
say "peak memory"
peak rss.log "0" "$log_cmd >/dev/null"
peak rss.log_names "0" "$names_cmd >/dev/null"
peak rss.scan_few "0 1" "$few_cmd >/dev/null"
peak rss.scan_all "0 1" "$all_cmd >/dev/null"
peak rss_small.scan_few "0 1" "$(scan "$SMALL_REPO" "$SMALL_REV" "$POLICY_FEW") >/dev/null"
peak rss_small.scan_all "0 1" "$(scan "$SMALL_REPO" "$SMALL_REV" "$POLICY_ALL") >/dev/null"

# Same commits: the scan's summary counts what git log walks.
set +e
eval "$few_cmd" >"$W/scan_few.jsonl"
set -e
scanned=$(tail -n 1 "$W/scan_few.jsonl" | python3 -c 'import json, sys; print(json.load(sys.stdin)["commits"])')
[ "$scanned" = "$commits" ] || die "trailgate scanned $scanned commits, git rev-list counts $commits"

say "thread determinism"
for key in scan_all scan_few; do
    pol=$POLICY_ALL
    [ "$key" = scan_few ] && pol=$POLICY_FEW
    for n in 1 2; do
        set +e
        eval "$(scan "$REPO" "$BASE" "$pol" --threads "$n" --output "$W/$key.threads$n.jsonl")"
        rc=$?
        set -e
        [ "$rc" -le 1 ] || die "scan --threads $n exited $rc"
    done
    if cmp -s "$W/$key.threads1.jsonl" "$W/$key.threads2.jsonl"; then
        put "threads.$key" PASS
    else
        put "threads.$key" "FAIL (see $W/$key.threads1.jsonl and $W/$key.threads2.jsonl)"
    fi
done

# ------------------------------------------------------------------ pre-receive
say "server and client clones for the pushes"
SERVER=$W/server.git
CLIENT=$W/client.git
git clone -q --bare --no-local "$REPO" "$SERVER"
[ "$COMMIT_GRAPH" = 1 ] && git -C "$SERVER" commit-graph write --reachable
git -C "$SERVER" update-ref refs/heads/main "$BASE"
git -C "$SERVER" config trailgate.policy "$POLICY_PUSH"
git clone -q --bare "$REPO" "$CLIENT"
push_time=$(($(git -C "$REPO" log -1 --format=%ct "$BASE") + 3600))
for n in 1 100; do
    python3 "$here/gen_repo.py" push --count "$n" --from "$BASE" --ref "refs/heads/bench/push-$n" \
        --repo "$CLIENT" --start "$push_time" | git -C "$CLIENT" fast-import --done --quiet
done
"$TG" -C "$SERVER" install --server --binary "$TG" >"$W/install.log" 2>&1 ||
    die "trailgate install --server failed: $(cat "$W/install.log")"
HOOK=$SERVER/hooks/pre-receive
[ -x "$HOOK" ] || die "no pre-receive hook after install"
reset_cmd=$(q git -C "$SERVER" update-ref refs/heads/main "$BASE")
for n in 1 100; do
    tip=$(git -C "$CLIENT" rev-parse "refs/heads/bench/push-$n")
    push_cmd="$(q git -C "$CLIENT" push -q --no-verify "$SERVER" "$tip:refs/heads/main") >/dev/null 2>&1"
    # The push must be accepted with the hook (it judges the commits and they pass).
    eval "$reset_cmd"
    if ! git -C "$CLIENT" push -q --no-verify "$SERVER" "$tip:refs/heads/main" 2>"$W/push$n.log"; then
        die "the $n-commit push was rejected by the hook: $(cat "$W/push$n.log")"
    fi
    [ "$(git -C "$SERVER" rev-parse refs/heads/main)" = "$tip" ] || die "push of $n did not land"
    mv "$HOOK" "$HOOK.trailgate"
    NRUNS=$PUSH_RUNS measure "push${n}_nohook" "0" "$reset_cmd" "$push_cmd"
    # What any pre-receive hook costs git: one that only reads its input.
    printf '#!/bin/sh\ncat >/dev/null\n' >"$HOOK"
    chmod +x "$HOOK"
    NRUNS=$PUSH_RUNS measure "push${n}_noop" "0" "$reset_cmd" "$push_cmd"
    mv "$HOOK.trailgate" "$HOOK"
    NRUNS=$PUSH_RUNS measure "push${n}_hook" "0" "$reset_cmd" "$push_cmd"
    # The hook alone, on the objects the pushes left in the server.
    eval "$reset_cmd"
    hook_cmd="printf '%s %s refs/heads/main\n' $BASE $tip | GIT_DIR=$(q "$SERVER") $(q "$TG") hook pre-receive >/dev/null 2>&1"
    NRUNS=$PUSH_RUNS measure "hook$n" "0" "" "$hook_cmd"
    peak "rss.hook$n" "0" "$hook_cmd"
done
eval "$reset_cmd"

# A large update of the protected ref, as an import or the merge of a long-lived branch
# pushes it: the hook alone on `OLD REV` where OLD is the first-parent ancestor of REV with
# about LARGE commits in OLD..REV (fewer when the history is shorter).
if [ "$LARGE" -gt 0 ]; then
    say "finding an update of about $LARGE commits"
    lo=1
    hi=$(git -C "$SERVER" rev-list --first-parent --count "$BASE")
    hi=$((hi - 1))
    while [ "$lo" -lt "$hi" ]; do
        mid=$(((lo + hi) / 2))
        n=$(git -C "$SERVER" rev-list --count "$BASE~$mid..$BASE")
        if [ "$n" -lt "$LARGE" ]; then lo=$((mid + 1)); else hi=$mid; fi
    done
    OLD=$(git -C "$SERVER" rev-parse "$BASE~$lo")
    large_n=$(git -C "$SERVER" rev-list --count "$OLD..$BASE")
    put large_n "$large_n"
    large_cmd="printf '%s %s refs/heads/main\n' $OLD $BASE | GIT_DIR=$(q "$SERVER") $(q "$TG") hook pre-receive >/dev/null 2>&1"
    # It may refuse the update (exit 1): what counts is how long it takes to decide.
    NRUNS=$RUNS measure hook_large "0 1" "" "$large_cmd"
    peak rss.hook_large "0 1" "$large_cmd"
fi

# ------------------------------------------------------------------ report
end_all=$(date +%s)
if [ "$generated" = 1 ]; then
    put run_time "$((end_all - start_all)) s, generating the repositories"
else
    put run_time "$((end_all - start_all)) s, the repositories reused from $BENCH_DIR/repos"
fi
put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put machine "$(nproc) cores (nproc), $(uname -sr)"
put cpu "$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
put memory "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)"
put git "$(git --version)"
put rustc "$(rustc --version 2>/dev/null || echo 'not found')"
put timer "$timer"
echo
python3 "$here/report.py" "$VALUES" "$BENCH_DIR/results.md"
echo
echo "Markdown: $BENCH_DIR/results.md (raw values: $VALUES)"
