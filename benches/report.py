#!/usr/bin/env python3
"""Render the measurements benches/run.sh collected (a file of `key<TAB>value` lines) as a
text table on stdout and as Markdown to a file.

    report.py VALUES RESULTS_MD
"""

import sys

TARGET_FEW = 0.6      # few-diffs scan / git log --format=%B
TARGET_ALL = 0.5      # all-diffs scan / git log --format=%B --name-only
TARGET_PUSH1 = 0.050  # added seconds, 1-commit push
TARGET_PUSH100 = 0.200
TARGET_LARGE = 0.250  # seconds, the hook alone on an update of about 10,000 commits
TARGET_MEM = 2.0      # peak RSS ratio when the history grows 4x


def load(path):
    v = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, val = line.split("\t", 1)
                v[k] = val
    return v


def num(v, k):
    try:
        return float(v[k])
    except (KeyError, ValueError):
        return None


def mb(v, k):
    kb = num(v, k)
    return "n/a" if kb is None else "%.0f" % (kb / 1024)


def secs(x):
    return "n/a" if x is None else "%.3f" % x


def spread(v, key):
    try:
        lo, hi = (float(x) for x in v["range." + key].split())
    except (KeyError, ValueError):
        return ""
    return "%.3f-%.3f" % (lo, hi)


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def rows(v):
    out = []

    def row(label, key, baseline="", ratio="", target="", result="", peak=""):
        out.append([label, secs(num(v, "time." + key)), spread(v, key), baseline, ratio, target,
                    result, peak])

    a, b = num(v, "time.log"), num(v, "time.log_names")
    s1, s2 = num(v, "time.scan_few"), num(v, "time.scan_all")
    row("git log --format=%B", "log", peak=mb(v, "rss.log"))
    row("git log --format=%B --name-only", "log_names", peak=mb(v, "rss.log_names"))
    r1 = s1 / a if s1 and a else None
    row("trailgate scan, few diffs (few-diffs.toml)", "scan_few", "git log --format=%B",
        "n/a" if r1 is None else "%.2fx" % r1, "<= %.1fx" % TARGET_FEW,
        verdict(None if r1 is None else r1 <= TARGET_FEW), mb(v, "rss.scan_few"))
    r2 = s2 / b if s2 and b else None
    row("trailgate scan, every commit diffed (all-diffs.toml)", "scan_all",
        "git log --format=%B --name-only", "n/a" if r2 is None else "%.2fx" % r2,
        "<= %.1fx" % TARGET_ALL, verdict(None if r2 is None else r2 <= TARGET_ALL),
        mb(v, "rss.scan_all"))
    for n, target in (("1", TARGET_PUSH1), ("100", TARGET_PUSH100)):
        no, yes = num(v, "time.push%s_nohook" % n), num(v, "time.push%s_hook" % n)
        noop = num(v, "time.push%s_noop" % n)
        word = "commit" if n == "1" else "commits"
        row("push of %s %s, no hook" % (n, word), "push%s_nohook" % n)
        row("  (push of %s %s, no-op pre-receive: sh, cat >/dev/null)" % (n, word),
            "push%s_noop" % n, "push, no hook", "n/a" if noop is None or no is None else
            "%.2fx (%+.0f ms)" % (noop / no, (noop - no) * 1000))
        if no is not None and yes is not None:
            ratio = "%.2fx (%+.0f ms)" % (yes / no, (yes - no) * 1000)
            ok = yes - no < target
        else:
            ratio, ok = "n/a", None
        row("push of %s %s, trailgate pre-receive" % (n, word), "push%s_hook" % n,
            "push, no hook", ratio, "< +%.0f ms" % (target * 1000), verdict(ok),
            mb(v, "rss.hook%s" % n))
        row("  (trailgate hook pre-receive alone, %s %s)" % (n, word), "hook%s" % n,
            peak=mb(v, "rss.hook%s" % n))
    large = num(v, "time.hook_large")
    if large is not None:
        row("trailgate hook pre-receive alone, update of %s commits" % _n(v.get("large_n", "?")),
            "hook_large", "", "", "< %.0f ms" % (TARGET_LARGE * 1000),
            verdict(large < TARGET_LARGE), mb(v, "rss.hook_large"))
    return out


HEAD = ["measurement", "median s", "range s", "baseline", "ratio", "target", "result", "peak MB"]


def extra_lines(v):
    lines = []
    small, big = v.get("small_commits", "?"), v.get("commits", "?")
    try:
        factor = "%.1fx" % (float(big) / float(small))
    except ValueError:
        factor = "?"
    parts = []
    for key, label in (("scan_all", "all-diffs scan"), ("scan_few", "few-diffs scan")):
        s, b = num(v, "rss_small.%s" % key), num(v, "rss.%s" % key)
        if s and b:
            r = b / s
            parts.append("%s %.0f MB -> %.0f MB = %.2fx (target < %.1fx) %s"
                         % (label, s / 1024, b / 1024, r, TARGET_MEM, verdict(r < TARGET_MEM)))
        else:
            parts.append("%s n/a" % label)
    lines.append("memory growth, history %s -> %s commits (%s): %s"
                 % (_n(small), _n(big), factor, "; ".join(parts)))
    lines.append("thread determinism, --threads 1 vs --threads 2, jsonl byte-for-byte: "
                 "all-diffs scan %s; few-diffs scan %s"
                 % (v.get("threads.scan_all", "n/a"), v.get("threads.scan_few", "n/a")))
    return lines


def _n(s):
    try:
        return "{:,}".format(int(s))
    except ValueError:
        return s


def text_table(rs):
    widths = [max(len(r[i]) for r in [HEAD] + rs) for i in range(len(HEAD))]
    right = {1, 2, 7}
    out = []
    for r in [HEAD] + rs:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def md_table(rs):
    out = ["| " + " | ".join(HEAD) + " |",
           "|" + "|".join("---:" if i in (1, 2, 7) else "---" for i in range(len(HEAD))) + "|"]
    for r in rs:
        cells = [c.replace("|", "\\|") for c in r]
        cells[0] = cells[0].strip()
        out.append("| " + " | ".join(("`%s`" % c if c.startswith("git log") else c) for c in cells) + " |")
    return "\n".join(out)


def main():
    v = load(sys.argv[1])
    rs = rows(v)
    extra = extra_lines(v)
    print(text_table(rs))
    print()
    for line in extra:
        print(line)
    info = [
        ("date", v.get("date")), ("machine", v.get("machine")), ("cpu", v.get("cpu")),
        ("memory", v.get("memory")), ("git", v.get("git")), ("rustc", v.get("rustc")),
        ("load average", v.get("load")),
        ("trailgate", v.get("trailgate")), ("timer", v.get("timer")), ("repository", v.get("repo")),
        ("revision", v.get("rev")), ("history", v.get("history")), ("generation", v.get("generation")),
        ("run time", v.get("run_time")),
    ]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("### Results\n\n")
        for k, val in info:
            if val:
                f.write("- %s: %s\n" % (k, val))
        f.write("\n" + md_table(rs) + "\n\n")
        for line in extra:
            f.write("- " + line + "\n")


if __name__ == "__main__":
    main()
