#!/usr/bin/env python3
r"""Write a `git fast-import` stream of a large synthetic repository to stdout.

Python 3 standard library only; deterministic for a given seed and set of arguments.

    gen_repo.py history --commits 100000 --seed 42 | git fast-import --done --quiet
    gen_repo.py push --count 100 --from SHA --ref refs/heads/bench/push-100 \
        --repo client.git | git -C client.git fast-import --done --quiet

`history` writes a root commit that imports a tree of about --files files (default 52,000) in
nested directories (services/<svc>/src/<pkg>/, libs/, web/, docs/, infra/prod/, infra/staging/,
vendor/, third_party/, tools/), then commits until the history of `main` holds --commits
commits in all (the root, main's own commits, short topic branches and their merge commits).
Each commit after the root changes 1-20 files (skewed to few; mostly modifications, some adds,
deletes, renames and mode changes), mostly inside one directory. About 3% of the commits are
merges of short topic branches (real second parents); about a third of the merges change
files themselves (conflict resolutions), the rest are clean. Messages: about 70% plain human
(some with Signed-off-by, Co-authored-by a person, Reviewed-by, or `Assisted-by: none`), the
rest with AI evidence: Claude Code (Co-Authored-By + the "Generated with [Claude Code]"
marker), aider authors `Name (aider)` and aider co-authors, the Copilot coding agent as author,
`Assisted-by: Kiro:claude-sonnet-4`, Cursor and Codex co-authors, Gemini Code Assist as author,
unknown assistants, squash-merge messages whose co-author lines sit in an earlier paragraph,
and `AI-Exception:` trailers citing benches/policies/exceptions.toml (valid, expired, revoked,
out-of-scope and unknown IDs). The temporary topic branch is left at refs/heads/topic.

`push` writes --count commits on --ref, the first with parent --from, each modifying 1-4
regular files of --from's tree in --repo (production paths of the benchmark policies,
services/*/src/** and infra/prod/**, when the tree has any), with messages
that pass benches/policies/few-diffs.toml: human, `Assisted-by: none`, Claude Code, Kiro, and
Cursor citing the valid exception EXC-2024-0001.
"""

import argparse
import random
import re
import subprocess
import sys

WORDS = (
    "account adapter alert allocator archive audit backoff balance batch bitmap bloom bucket "
    "buffer builder cache calendar cancel channel checkpoint chunk cipher client clock cluster "
    "codec column commit compact config connector context cookie counter cursor daemon "
    "deadline decoder delta digest dispatch domain driver encoder endpoint entry envelope event "
    "executor export feature fence filter flag flush format frame gateway gauge graph guard "
    "handler hasher header health histogram hook index ingest inode invoice iterator journal "
    "kernel key lease ledger limiter listener loader lock logger mailbox manifest mapper "
    "marshal matcher merge metric migration mirror monitor mutex notifier offset parser "
    "partition patch payload peer pipeline planner policy pool port probe profile promise "
    "protocol proxy queue quota reader reaper receipt record reducer region registry relay "
    "replica report request resolver retry router runner sampler scanner schema scheduler "
    "secret segment selector sender session shard signal sink snapshot socket sorter source "
    "span splitter stage state stream supervisor table task template tenant throttle ticket "
    "timer token tracer transport tree trigger tuple upload validator vector version watcher "
    "window worker writer"
).split()

SERVICES = (
    "billing auth search ledger payments notifications inventory catalog checkout shipping "
    "pricing accounts reports gateway identity audit scheduler storage media analytics "
    "recommend fraud tax invoicing orders users profiles messaging webhooks exports imports "
    "sync queue cache config metrics alerts ingest routing maps geo content cms feeds ratings "
    "reviews support tickets"
).split()

PKGS = "api db model handlers service util client jobs events validation metrics cache".split()

FIRST = (
    "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy Rupert "
    "Sybil Trent Victor Walter Yusuf Zoe Amara Bjorn Chen Dmitri Elif Fatima Goran Hana Ines "
    "Jonas Kenji Lena Mateo Noor Oskar Priya Quentin Rosa Sanjay Tomas Uma Vera Wei Ximena "
    "Yara Zeynep"
).split()
LAST = (
    "Anders Brown Costa Dubois Eriksen Fischer Garcia Haddad Ibrahim Jensen Kowalski Larsen "
    "Moreau Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Urquhart Varga Wagner Xu Yilmaz "
    "Zhang Novak Silva Kim Singh"
).split()

VERBS = ["Fix", "Add", "Remove", "Refactor", "Update", "Speed up", "Simplify", "Document",
         "Rename", "Split", "Handle", "Validate", "Cache", "Retry", "Log", "Guard", "Test",
         "Bump", "Clean up", "Move", "Extract", "Inline", "Deprecate", "Harden", "Tune"]

SENTENCES = [
    "The previous implementation held the lock across the network call.",
    "This keeps the public API unchanged.",
    "Callers that relied on the old ordering must sort explicitly now.",
    "Benchmarks show no measurable difference on the hot path.",
    "The retry budget is now shared between the two clients.",
    "Tests cover the empty input and the maximum batch size.",
    "A follow-up will remove the compatibility shim.",
    "This was reported by the on-call rotation last week.",
    "Errors are wrapped with the request id so they can be traced.",
    "The migration is idempotent and can be re-run safely.",
    "Metrics are emitted under the existing namespace.",
    "Configuration defaults are unchanged.",
    "The old code path is kept behind a feature flag for one release.",
    "Memory use stays flat because entries are evicted on write.",
    "See the design note in docs for the rationale.",
    "No behaviour change for existing tenants.",
]

LINE_POOL = [
    "use crate::{}::Result;",
    "pub fn {}(input: &[u8]) -> Option<usize> {{ input.iter().position(|b| *b == b'\\n') }}",
    "const {}_LIMIT: usize = 4096;",
    "#[derive(Debug, Clone, PartialEq)] pub struct {} {{ id: u64, name: String }}",
    "impl Default for {} {{ fn default() -> Self {{ todo!() }} }}",
    "// TODO({}): handle the partial write",
    "let {} = state.lock().expect(\"poisoned\");",
    "resource \"aws_instance\" \"{}\" {{ instance_type = \"m6i.large\" }}",
    "variable \"{}\" {{ type = string }}",
    "export function {}(props: Props) {{ return null; }}",
]

# Share of non-merge commits per message kind (the rest is plain human).
KINDS = [
    ("claude", 0.090), ("copilot", 0.040), ("aider", 0.040), ("kiro", 0.030),
    ("cursor", 0.030), ("codex", 0.020), ("unknown", 0.015), ("gemini", 0.010),
    ("squash", 0.010), ("none", 0.025),
]

CLAUDE_COAUTHORS = [
    "Claude <noreply@anthropic.com>",
    "Claude Opus 4.6 <noreply@anthropic.com>",
    "Claude Sonnet 4.5 <noreply@anthropic.com>",
    "Claude Opus 4.6 (1M context) <noreply@anthropic.com>",
]
CLAUDE_MARKER = "\U0001F916 Generated with [Claude Code](https://claude.com/claude-code)"
COPILOT_AUTHOR = ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com")
GEMINI_AUTHOR = ("gemini-code-assist[bot]",
                 "176961590+gemini-code-assist[bot]@users.noreply.github.com")
UNKNOWN_TOOLS = ["generic LLM chatbot", "local-llm", "internal-gpt", "ChatBot 3000"]


PRODUCTION_RE = re.compile(r"^(services/[^/]+/src/|infra/prod/)")


class Out:
    """Buffered binary writer for the fast-import stream."""

    def __init__(self, stream):
        self.stream = stream
        self.parts = []
        self.size = 0

    def raw(self, b):
        self.parts.append(b)
        self.size += len(b)
        if self.size > 1 << 20:
            self.flush()

    def line(self, s):
        self.raw(s.encode("utf-8") + b"\n")

    def data(self, b):
        self.raw(b"data %d\n" % len(b))
        self.raw(b)
        self.raw(b"\n")

    def flush(self):
        self.stream.write(b"".join(self.parts))
        self.parts = []
        self.size = 0


def quote(path):
    # Generated paths hold no spaces, quotes or newlines; quoting keeps `R` unambiguous anyway.
    return '"' + path + '"'


class Gen:
    def __init__(self, args, out):
        self.rng = random.Random(args.seed)
        self.out = out
        self.time = args.start
        self.mark = 0
        self.rev = {}            # path -> revision counter (content changes)
        self.execs = set()       # paths with mode 100755
        self.people = []
        rng = self.rng
        seen = set()
        while len(self.people) < 240:
            f, l = rng.choice(FIRST), rng.choice(LAST)
            if (f, l) in seen:
                continue
            seen.add((f, l))
            tz = rng.choice(["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900"])
            self.people.append((f + " " + l, (f + "." + l).lower() + "@corp.example", tz))
        # Zipf-like activity: a few people make most commits.
        self.person_w = [1.0 / (i + 1) ** 0.9 for i in range(len(self.people))]
        self.person_cw = _cumulate(self.person_w)
        self.maintainers = self.people[:6]
        kinds_cw, acc = [], 0.0
        for _, p in KINDS:
            acc += p
            kinds_cw.append(acc)
        self.kinds_cw = kinds_cw
        sizes = [1.0 / k ** 1.35 for k in range(1, 21)]
        self.size_cw = _cumulate(sizes)

    # ----------------------------------------------------------------- tree layout
    def layout(self, target):
        """dirs: dir -> list of file names; areas: name -> (weight, [dirs])."""
        rng = self.rng
        dirs = {}
        areas = {}

        def add(area, d, names):
            dirs[d] = list(names)
            areas.setdefault(area, []).append(d)

        def names(n, ext, used=None):
            used = set() if used is None else used
            out = []
            while len(out) < n:
                nm = rng.choice(WORDS) + "_" + rng.choice(WORDS) + ext
                if nm not in used:
                    used.add(nm)
                    out.append(nm)
            return out

        for svc in SERVICES:
            base = "services/" + svc
            add("svc-meta", base, ["Cargo.toml", "README.md", "Dockerfile"])
            add("svc-src", base + "/src", ["main.rs", "lib.rs", "error.rs"])
            for pkg in rng.sample(PKGS, rng.randint(8, 12)):
                add("svc-src", base + "/src/" + pkg, ["mod.rs"] + names(rng.randint(28, 56), ".rs"))
            add("svc-tests", base + "/tests", names(rng.randint(12, 30), ".rs"))
            add("svc-tests", base + "/tests/fixtures", names(rng.randint(5, 15), ".json"))
        for i in range(30):
            lib = "libs/" + WORDS[(i * 7) % len(WORDS)] + "-" + WORDS[(i * 13 + 5) % len(WORDS)]
            add("libs", lib, ["Cargo.toml", "README.md"])
            add("libs", lib + "/src", ["lib.rs"])
            for m in rng.sample(WORDS, rng.randint(5, 9)):
                add("libs", lib + "/src/" + m, ["mod.rs"] + names(rng.randint(18, 40), ".rs"))
        for g in rng.sample(WORDS, 25):
            for c in rng.sample(WORDS, 15):
                comp = c.capitalize()
                add("web", "web/src/components/%s/%s" % (g, comp),
                    ["index.tsx", comp + ".tsx", comp + ".test.tsx", "styles.css"])
        for s in rng.sample(WORDS, 12):
            for t in rng.sample(WORDS, 15):
                add("docs", "docs/%s/%s" % (s, t), names(rng.randint(5, 15), ".md"))
        for region in ("eu-west-1", "us-east-1", "ap-south-1"):
            for svc in SERVICES:
                add("infra-prod", "infra/prod/%s/%s" % (region, svc),
                    ["main.tf", "variables.tf", "outputs.tf", "deploy.sh", "values.yaml"])
                self.execs.add("infra/prod/%s/%s/deploy.sh" % (region, svc))
        for region in ("eu-west-1", "us-east-1"):
            for svc in SERVICES:
                add("infra-staging", "infra/staging/%s/%s" % (region, svc),
                    ["main.tf", "variables.tf", "outputs.tf", "deploy.sh", "values.yaml"])
                self.execs.add("infra/staging/%s/%s/deploy.sh" % (region, svc))
        for m in rng.sample(WORDS, 40):
            add("infra-modules", "infra/modules/" + m, names(rng.randint(4, 8), ".tf"))
        add("tools", "tools", names(40, ".py"))
        add("tools", "scripts", names(40, ".sh"))
        for j in range(20):
            p = "third_party/%s%d" % (rng.choice(WORDS), j)
            add("third-party", p + "/include", names(rng.randint(20, 50), ".h"))
            add("third-party", p + "/src", names(rng.randint(30, 60), ".c"))

        def total():
            return sum(len(v) for v in dirs.values())

        k = 0
        while total() < target:  # vendored crates fill the rest, nested two levels deep
            crate = "vendor/%s-%s-%d" % (WORDS[(k * 11) % len(WORDS)], WORDS[(k * 17 + 3) % len(WORDS)], k)
            add("vendor", crate, ["Cargo.toml", "LICENSE", "README.md"])
            add("vendor", crate + "/src", ["lib.rs"] + names(rng.randint(5, 20), ".rs"))
            for m in rng.sample(WORDS, rng.randint(2, 6)):
                add("vendor", crate + "/src/" + m, names(rng.randint(6, 25), ".rs"))
            k += 1
        weights = {"svc-src": 40, "svc-tests": 10, "svc-meta": 3, "libs": 14, "web": 8,
                   "docs": 8, "infra-prod": 5, "infra-staging": 3, "infra-modules": 2,
                   "tools": 2, "third-party": 1, "vendor": 4}
        self.dirs = dirs
        self.area_names = sorted(areas)
        self.area_dirs = {a: areas[a] for a in self.area_names}
        for a in self.area_names:
            rng.shuffle(self.area_dirs[a])  # popularity order (index 0 = hottest)
        self.area_cw = _cumulate([weights[a] for a in self.area_names])
        return total()

    # ----------------------------------------------------------------- helpers
    def tick(self):
        self.time += self.rng.randint(60, 3600)
        return self.time

    def person(self):
        return self.rng.choices(self.people, cum_weights=self.person_cw)[0]

    def content(self, path):
        r = self.rev.get(path, 0) + 1
        self.rev[path] = r
        rng = self.rng
        lines = ["// %s" % path, "// revision %d" % r]
        for _ in range(rng.randint(3, 12)):
            lines.append(rng.choice(LINE_POOL).format(rng.choice(WORDS)))
        return ("\n".join(lines) + "\n").encode()

    def modify(self, path, changes, mode=None):
        if mode is None:
            mode = "100755" if path in self.execs else "100644"
        changes.append(("M", path, mode, self.content(path)))

    def pick_dir(self, area, locked):
        ds = self.area_dirs[area]
        for _ in range(8):
            d = ds[int(len(ds) * self.rng.random() ** 2.5)]
            if d != locked and self.dirs[d]:
                return d
        return None

    def new_name(self, d):
        ext = "." + self.dirs[d][0].rsplit(".", 1)[-1] if self.dirs[d] else ".rs"
        while True:
            nm = self.rng.choice(WORDS) + "_" + self.rng.choice(WORDS) + ext
            if nm not in self.dirs[d]:
                return nm

    def file_changes(self, locked):
        """Changes of one ordinary commit: list of ("M", path, mode, data) / ("D", path) /
        ("R", old, new); updates self.dirs."""
        rng = self.rng
        n = rng.choices(range(1, 21), cum_weights=self.size_cw)[0]
        area = self.area_names[rng.choices(range(len(self.area_names)), cum_weights=self.area_cw)[0]]
        if area == "vendor" and rng.random() < 0.5:
            n = max(n, rng.randint(8, 20))  # vendored updates come in bulk
        chosen = []
        d = self.pick_dir(area, locked)
        if d:
            chosen.append(d)
        if rng.random() < 0.2 or n > 8:  # a second directory, often in another area
            a2 = area if rng.random() < 0.5 else self.area_names[
                rng.choices(range(len(self.area_names)), cum_weights=self.area_cw)[0]]
            d2 = self.pick_dir(a2, locked)
            if d2 and d2 not in chosen:
                chosen.append(d2)
        if not chosen:  # every pick hit the topic's directory or an empty one
            chosen.append(next(x for x in self.area_dirs["svc-src"] if x != locked and self.dirs[x]))
        changes, touched = [], set()
        for i in range(n):
            d = chosen[0] if (len(chosen) == 1 or i % 3) else chosen[-1]
            files = self.dirs[d]
            op = rng.random()
            if op < 0.85 or len(files) < 4:
                nm = rng.choice(files)
                path = d + "/" + nm
                if path in touched:
                    continue
                touched.add(path)
                if path.endswith(".sh") and rng.random() < 0.05:  # mode change
                    if path in self.execs:
                        self.execs.discard(path)
                    else:
                        self.execs.add(path)
                self.modify(path, changes)
            elif op < 0.93:
                nm = self.new_name(d)
                files.append(nm)
                path = d + "/" + nm
                touched.add(path)
                self.modify(path, changes)
            elif op < 0.97:
                idx = rng.randrange(len(files))
                path = d + "/" + files[idx]
                if path in touched:
                    continue
                touched.add(path)
                files[idx] = files[-1]
                files.pop()
                self.execs.discard(path)
                changes.append(("D", path))
            else:
                idx = rng.randrange(len(files))
                old = d + "/" + files[idx]
                if old in touched:
                    continue
                nm = self.new_name(d)
                new = d + "/" + nm
                touched.add(old)
                touched.add(new)
                files[idx] = nm
                if old in self.execs:
                    self.execs.discard(old)
                    self.execs.add(new)
                self.rev[new] = self.rev.get(old, 0)
                changes.append(("R", old, new))
        if not changes:
            self.modify(chosen[0] + "/" + self.dirs[chosen[0]][0], changes)
        return changes

    # ----------------------------------------------------------------- messages
    def title(self):
        rng = self.rng
        scope = rng.choice(SERVICES) if rng.random() < 0.6 else rng.choice(WORDS)
        return "%s %s %s in %s" % (rng.choice(VERBS), rng.choice(WORDS), rng.choice(WORDS), scope)

    def body(self):
        rng = self.rng
        paras = []
        if rng.random() < 0.45:
            for _ in range(rng.randint(1, 3)):
                s = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
                paras.append(_wrap(s))
        return paras

    def message(self, kind, author):
        """Return (author, message text, extra committer or None)."""
        rng = self.rng
        title = self.title()
        paras = self.body()
        trailers = []
        name, email, tz = author
        if kind == "claude":
            if rng.random() < 0.8:
                paras.append(CLAUDE_MARKER)
            trailers.append("Co-Authored-By: " + rng.choice(CLAUDE_COAUTHORS))
        elif kind == "copilot":
            if rng.random() < 0.7:
                author = (COPILOT_AUTHOR[0], COPILOT_AUTHOR[1], "+0000")
                trailers.append("Co-authored-by: %s <%s>" % (name, email))
            else:
                trailers.append("Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>")
        elif kind == "aider":
            if rng.random() < 0.6:
                author = (name + " (aider)", email, tz)
            else:
                trailers.append("Co-authored-by: aider (%s) <aider@aider.chat>"
                                % rng.choice(["gpt-4o", "claude-3-5-sonnet", "gemini/gemini-2.5-pro"]))
        elif kind == "kiro":
            trailers.append("Assisted-by: Kiro:claude-sonnet-4")
        elif kind == "cursor":
            trailers.append("Co-authored-by: Cursor <cursoragent@cursor.com>")
            trailers += self.exception_citation()
        elif kind == "codex":
            trailers.append("Co-authored-by: Codex <noreply@openai.com>")
        elif kind == "unknown":
            trailers.append("Assisted-by: " + rng.choice(UNKNOWN_TOOLS))
            trailers += self.exception_citation()
        elif kind == "gemini":
            author = (GEMINI_AUTHOR[0], GEMINI_AUTHOR[1], "+0000")
            trailers.append("Co-authored-by: %s <%s>" % (name, email))
        elif kind == "squash":
            # GitHub squash merge: the co-author lines end up in an earlier paragraph.
            paras = ["* %s\n\n* %s" % (self.title(), self.title()),
                     "Co-authored-by: %s <%s>\nCo-authored-by: Claude <noreply@anthropic.com>"
                     % self.person()[:2]]
            paras.append("Reviewed in #%d." % rng.randint(100, 9999))
            title += " (#%d)" % rng.randint(100, 9999)
        elif kind == "none":
            trailers.append("Assisted-by: none")
        else:  # plain human
            r = rng.random()
            if r < 0.08:
                o = self.person()
                trailers.append("Co-authored-by: %s <%s>" % (o[0], o[1]))
            elif r < 0.13:
                o = self.person()
                trailers.append("Reviewed-by: %s <%s>" % (o[0], o[1]))
        if rng.random() < 0.22:
            trailers.append("Signed-off-by: %s <%s>" % (name, email))
        msg = title + "\n"
        if paras:
            msg += "\n" + "\n\n".join(paras) + "\n"
        if trailers:
            msg += "\n" + "\n".join(trailers) + "\n"
        return author, msg

    def exception_citation(self):
        r = self.rng.random()
        if r < 0.45:
            return ["AI-Exception: EXC-2024-0001"]
        if r < 0.55:
            return ["AI-Exception: EXC-2021-0002"]
        if r < 0.60:
            return ["AI-Exception: EXC-2022-0003"]
        if r < 0.66:
            return ["AI-Exception: EXC-2023-0004"]
        if r < 0.70:
            return ["AI-Exception: EXC-9999-0000"]
        return []

    def kind(self):
        r = self.rng.random()
        for (k, _), c in zip(KINDS, self.kinds_cw):
            if r < c:
                return k
        return "human"

    # ----------------------------------------------------------------- emission
    def emit_commit(self, ref, author, committer, msg, changes, parent=None, merge=None):
        self.mark += 1
        o = self.out
        o.line("commit " + ref)
        o.line("mark :%d" % self.mark)
        t = self.tick()
        o.line("author %s <%s> %d %s" % (author[0], author[1], t - self.rng.randint(0, 7200), author[2]))
        o.line("committer %s <%s> %d %s" % (committer[0], committer[1], t, committer[2]))
        o.data(msg.encode("utf-8"))
        if parent is not None:
            o.line("from " + parent)
        if merge is not None:
            o.line("merge " + merge)
        for c in changes:
            if c[0] == "M":
                o.line("M %s inline %s" % (c[2], quote(c[1])))
                o.data(c[3])
            elif c[0] == "D":
                o.line("D " + quote(c[1]))
            else:
                o.line("R %s %s" % (quote(c[1]), quote(c[2])))
        o.line("")
        return self.mark

    def history(self, commits, files):
        rng = self.rng
        total = self.layout(files)
        first = self.people[0]
        root_changes = []
        for d in sorted(self.dirs):
            for nm in sorted(self.dirs[d]):
                self.modify(d + "/" + nm, root_changes)
        self.emit_commit("refs/heads/main", first, first,
                         "Import the monorepo\n\nHistory before the import lives in the old SVN server.\n",
                         root_changes)
        root_changes = None
        count = 1
        main_tip = self.mark
        topic = None
        topics = 0
        while count < commits:
            if topic is None and rng.random() < 0.05 and commits - count > 12:
                area = rng.choice(["svc-src", "svc-src", "libs", "web", "docs", "infra-prod"])
                d = self.pick_dir(area, None)
                if d:
                    topics += 1
                    topic = {"dir": d, "base": main_tip, "tip": None, "left": rng.randint(1, 5),
                             "wait": rng.randint(1, 8), "changes": {},
                             "files": list(self.dirs[d]),
                             "name": "%s-%s-%d" % (rng.choice(WORDS), rng.choice(WORDS), topics)}
            if topic and topic["left"] > 0 and (topic["tip"] is None or rng.random() < 0.5):
                self.topic_commit(topic)
                count += 1
                continue
            if topic and topic["left"] == 0 and topic["wait"] <= 0:
                main_tip = self.merge_commit(topic)
                topic = None
                count += 1
                continue
            if topic:
                topic["wait"] -= 1
            author = self.person()
            author2, msg = self.message(self.kind(), author)
            committer = author2 if rng.random() < 0.85 else rng.choice(self.maintainers)
            changes = self.file_changes(topic["dir"] if topic else None)
            main_tip = self.emit_commit("refs/heads/main", author2, committer, msg, changes)
            count += 1
        if topic and topic["tip"] is not None:  # close an open topic
            main_tip = self.merge_commit(topic)
        self.out.line("done")
        self.out.flush()
        sys.stderr.write("gen_repo: %d commits (%d topic merges), %d files in the root tree\n"
                         % (count, topics, total))

    def topic_commit(self, topic):
        rng = self.rng
        d = topic["dir"]
        files = topic["files"]
        changes = []
        n = min(len(files), rng.choices(range(1, 7), weights=[5, 4, 3, 2, 1, 1])[0])
        for nm in rng.sample(files, n):
            if rng.random() < 0.9 or len(files) < 4:
                path = d + "/" + nm
                data = self.content(path)
                changes.append(("M", path, "100755" if path in self.execs else "100644", data))
                topic["changes"][path] = ("M", changes[-1][2], data)
            else:
                path = d + "/" + nm
                files.remove(nm)
                changes.append(("D", path))
                topic["changes"][path] = ("D",)
        if rng.random() < 0.2:
            nm = self.new_name(d)
            while nm in files:
                nm = self.new_name(d)
            files.append(nm)
            path = d + "/" + nm
            data = self.content(path)
            changes.append(("M", path, "100644", data))
            topic["changes"][path] = ("M", "100644", data)
        author = self.person()
        author2, msg = self.message(self.kind(), author)
        parent = ":%d" % topic["base"] if topic["tip"] is None else None
        topic["tip"] = self.emit_commit("refs/heads/topic", author2, author2, msg, changes, parent=parent)
        topic["left"] -= 1

    def merge_commit(self, topic):
        rng = self.rng
        d = topic["dir"]
        changes = []
        for path, ch in sorted(topic["changes"].items()):
            if ch[0] == "M":
                changes.append(("M", path, ch[1], ch[2]))
            else:
                changes.append(("D", path))
        self.dirs[d] = list(topic["files"])
        live = [p for p, ch in sorted(topic["changes"].items()) if ch[0] == "M"]
        if live and rng.random() < 0.33:  # conflict resolution: the merge changes files itself
            for path in rng.sample(live, min(len(live), rng.randint(1, 2))):
                changes = [c for c in changes if c[1] != path]
                self.modify(path, changes)
        m = rng.choice(self.maintainers)
        if rng.random() < 0.5:
            msg = "Merge branch 'topic/%s'\n" % topic["name"]
        else:
            msg = "Merge pull request #%d from corp/%s\n\n%s\n" % (
                rng.randint(100, 20000), topic["name"], self.title())
        return self.emit_commit("refs/heads/main", m, m, msg, changes, merge=":%d" % topic["tip"])

    # ----------------------------------------------------------------- push mode
    def push(self, count, base, ref, paths):
        rng = self.rng
        kinds = ["human", "human", "human", "none", "claude", "kiro", "cursor"]
        for i in range(count):
            author = self.person()
            kind = kinds[i % len(kinds)] if i else "cursor"  # the 1-commit push needs a diff
            title = "%s %s (push %d/%d)" % (rng.choice(VERBS), rng.choice(WORDS), i + 1, count)
            trailers = []
            body = []
            if kind == "none":
                trailers.append("Assisted-by: none")
            elif kind == "claude":
                body.append(CLAUDE_MARKER)
                trailers.append("Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>")
            elif kind == "kiro":
                trailers.append("Assisted-by: Kiro:claude-sonnet-4")
            elif kind == "cursor":
                trailers.append("Co-authored-by: Cursor <cursoragent@cursor.com>")
                trailers.append("AI-Exception: EXC-2024-0001")
            trailers.append("Signed-off-by: %s <%s>" % (author[0], author[1]))
            msg = title + "\n\n" + ("\n\n".join(body) + "\n\n" if body else "") + "\n".join(trailers) + "\n"
            changes = []
            for p in rng.sample(paths, min(len(paths), rng.randint(1, 4))):
                self.modify(p, changes, "100644")
            self.emit_commit(ref, author, author, msg, changes, parent=base if i == 0 else None)
        self.out.line("done")
        self.out.flush()


def push_paths(repo, base):
    """Regular files of BASE's tree to modify in pushed commits: those under services/*/src/
    and infra/prod/ (production in the benchmark policies) when there are any, else all;
    at most 2,000, spread evenly over the sorted list."""
    out = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", base],
                         check=True, stdout=subprocess.PIPE).stdout
    regular, production = [], []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        if meta.split(b" ")[0] != b"100644":
            continue
        try:
            p = path.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(c in p for c in '"\\\n') or p.startswith(" "):
            continue
        regular.append(p)
        if PRODUCTION_RE.match(p):
            production.append(p)
    paths = production or regular
    step = max(1, len(paths) // 2000)
    return paths[::step][:2000]


def _cumulate(ws):
    out, acc = [], 0.0
    for w in ws:
        acc += w
        out.append(acc)
    return out


def _wrap(text, width=72):
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    h = sub.add_parser("history", help="a whole synthetic history")
    h.add_argument("--commits", type=int, default=100000)
    h.add_argument("--files", type=int, default=52000, help="files in the root commit's tree")
    h.add_argument("--seed", type=int, default=42)
    h.add_argument("--start", type=int, default=1546300800, help="first commit time (epoch)")
    p = sub.add_parser("push", help="commits to push on top of an existing commit")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--from", dest="base", required=True, help="parent of the first commit")
    p.add_argument("--ref", required=True)
    p.add_argument("--repo", required=True, help="repository holding --from (for its paths)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--start", type=int, default=1767225600, help="first commit time (epoch)")
    args = ap.parse_args()
    out = Out(sys.stdout.buffer)
    g = Gen(args, out)
    if args.mode == "history":
        if args.commits < 1:
            ap.error("--commits must be at least 1")
        g.history(args.commits, args.files)
    else:
        paths = push_paths(args.repo, args.base)
        if not paths:
            ap.error("%s has no regular files to change" % args.base)
        g.push(args.count, args.base, args.ref, paths)


if __name__ == "__main__":
    main()
