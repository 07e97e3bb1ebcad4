#!/usr/bin/env bash
# An organisation-wide audit over real histories, checked end to end: each repository is
# scanned into a jsonl report (named by the remote URL given), the reports are merged with
# `trailgate report` into jsonl, json, SARIF and HTML, and the merged totals must equal the
# sum of the repositories' summaries in every format; the SARIF must validate against the
# official schema and the HTML must render in headless Chromium with the same totals, every
# repository's row, no console message, GitHub links and a slot for every month.
#
#   tests/real/org-audit.sh SOURCE=URL[=POLICY] ...
#
# SOURCE is a repository (a path or anything `git clone` takes), URL the remote the report
# names (e.g. https://github.com/Aider-AI/aider.git), POLICY an optional policy file to judge
# it by (default: the repository's own, else the embedded inventory). Needs what .ci/tools.sh
# installs (chromium, python3 jsonschema, the SARIF schema). Writes its reports and the page
# into target/org-audit and a screenshot into target/test-artifacts/org-audit.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
if [ "$#" -lt 1 ]; then
    echo "usage: $0 SOURCE=URL[=POLICY] ..." >&2
    exit 2
fi
trailgate=${TRAILGATE:-}
if [ -z "$trailgate" ]; then
    cargo build --release --locked --quiet
    trailgate=$root/target/release/trailgate
fi
out=$root/target/org-audit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out" "$root/target/test-artifacts"

reports=()
first_policy=
i=0
for spec in "$@"; do
    IFS='=' read -r source url policy <<<"$spec"
    i=$((i + 1))
    [ "$i" -gt 1 ] || first_policy=$policy
    clone=$work/repo$i.git
    git clone --quiet --bare "$source" "$clone"
    git -C "$clone" remote set-url origin "$url" 2>/dev/null ||
        git -C "$clone" remote add origin "$url"
    report=$out/repo$i.jsonl
    status=0
    "$trailgate" -C "$clone" scan ${policy:+--policy "$(realpath "$policy")"} \
        --format jsonl --output "$report" 2>/dev/null || status=$?
    [ "$status" -le 1 ] || { echo "scan of $source failed ($status)" >&2; exit 1; }
    reports+=("$report")
    echo "scanned $url: $(tail -n 1 "$report" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["commits"], "commits,", s["verdicts"]["fail"], "failing")')"
done
for format in jsonl json sarif html; do
    status=0
    "$trailgate" report "${reports[@]}" --format "$format" --output "$out/merged.$format" || status=$?
    [ "$status" -le 1 ] || { echo "report --format $format failed ($status)" >&2; exit 1; }
done
# A single repository's page, for its links and months.
"$trailgate" -C "$work/repo1.git" scan ${first_policy:+--policy "$(realpath "$first_policy")"} \
    --format html --output "$out/single.html" 2>/dev/null || true

dump() {
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --enable-logging=stderr --v=0 \
        --user-data-dir="$work/chromium" "$@" 2>"$work/console.log"
    if grep -q ':CONSOLE(' "$work/console.log"; then
        echo "console messages:" >&2
        cat "$work/console.log" >&2
        exit 1
    fi
}
dump --dump-dom "file://$out/merged.html" >"$out/merged.dom.html"
dump --dump-dom "file://$out/single.html" >"$out/single.dom.html"
dump --screenshot="$root/target/test-artifacts/org-audit.png" --window-size=1280,1600 \
    "file://$out/merged.html" >/dev/null

python3 - "$out" "$root/target/ci-tools/sarif-2.1.0-rtm.5.json" "${reports[@]}" <<'PY'
import json, re, sys
from collections import Counter

out, schema_path, reports = sys.argv[1], sys.argv[2], sys.argv[3:]
summaries = [json.loads(open(r).read().splitlines()[-1]) for r in reports]

def totals(items):
    t = {"commits": 0, "verdicts": Counter(), "by_assistant": Counter(), "findings": Counter()}
    for s in items:
        t["commits"] += s["commits"]
        for key in ("verdicts", "by_assistant", "findings"):
            t[key].update(s[key])
    return t

want = totals(summaries)
def same(label, summary):
    got = totals([summary])
    for key in want:
        a = want[key] if key == "commits" else dict(+want[key])
        b = got[key] if key == "commits" else dict(+got[key])
        assert a == b, f"{label}: {key} {b} != sum {a}"
    print(f"{label}: totals equal the sum of {len(summaries)} summaries ({want['commits']} commits, {want['verdicts']['fail']} failing)")

lines = open(f"{out}/merged.jsonl").read().splitlines()
merged = json.loads(lines[-1])
same("jsonl", merged)
assert len(lines) - 1 == want["commits"], "a record per commit"
assert [r["repository"] for r in merged["repositories"]] == [s["repository"] for s in summaries]
doc = json.load(open(f"{out}/merged.json"))
same("json", doc["summary"])
sarif = json.load(open(f"{out}/merged.sarif"))
same("sarif", sarif["runs"][0]["properties"]["summary"])
results = len(sarif["runs"][0]["results"])
expected = sum(n for code, n in want["findings"].items() if code != "unused-exception")
assert results == min(expected, 25000), f"sarif results {results} != findings {expected}"
import jsonschema
errors = list(jsonschema.Draft4Validator(json.load(open(schema_path))).iter_errors(sarif))
assert not errors, [e.message for e in errors[:5]]
print(f"sarif: {results} results, valid against the SARIF 2.1.0 schema")

dom = open(f"{out}/merged.dom.html").read()
def shown(ident):
    return re.search(rf'id="{ident}">([^<]*)<', dom).group(1)
assert shown("total-commits") == str(want["commits"])
for v in ("pass", "warn", "fail"):
    assert shown(f"verdict-{v}") == str(want["verdicts"][v]), v
rows = dom.count('<tr class="repository-row">')
assert rows == len(summaries), rows
print(f"html: totals in the rendered page equal the jsonl; {rows} repository rows; no console message")

single = open(f"{out}/single.dom.html").read()
first = summaries[0]
print("single page: repository", re.search(r'class="repository">(.*?)</td>', single).group(1))
for name in ("revisions", "generated-at", "at", "trailgate-version"):
    value = re.search(rf'class="{name}">(.*?)</td>', single).group(1)
    print(f"single page: {name} {re.sub('<[^>]+>', '', value)}")
links = re.findall(r'href="(https://github\.com/[^"]+/commit/[0-9a-f]{40})"', single)
print(f"single page: {len(links)} commit links to GitHub, e.g. {links[0] if links else 'none'}")
times = [json.loads(l)["committer"]["time"][:7] for l in open(reports[0]).read().splitlines()[:-1]]
def index(m):
    y, mo = m.split("-")
    return int(y) * 12 + int(mo) - 1
span = index(max(times)) - index(min(times)) + 1 if times else 0
slots = re.findall(r'data-month="([^"]*)"', single)
covered = []
for slot in slots:
    first, _, last = slot.partition(" to ")
    covered.extend(range(index(first), index(last or first) + 1))
assert covered == list(range(index(min(times)), index(max(times)) + 1)), (len(covered), span)
gaps = sum(" to " in s for s in slots)
print(f"single page: {len(slots)} month slots ({gaps} for long runs without commits) covering {span} months, {min(times)} to {max(times)}, every month between")
PY
echo "screenshot: target/test-artifacts/org-audit.png"
