#!/usr/bin/env python3
"""Make the seed corpora of the binary readers' fuzz targets from repositories built with git
(packs from `git repack -adf`, commit-graphs, raw trees and commits) and from the containers
`src/git/fuzzing.rs` builds around its inputs. Usage: fuzz/seeds.py [OUT] (default
fuzz/corpus); each target's seeds go to OUT/<target>/.
"""

import os
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

# The container of src/git/fuzzing.rs: the base blob, stored (as libdeflate's fastest level
# stores this short text), and the id the index gives the entry under test.
BASE = b"tree and blob\nparent commit\nauthor committer\nCo-authored-by: x\n"
ENTRY_ID = b"\x5a" * 20
PACK_HEADER = 12


def git(repo, *args, data=None):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Jane Doe",
        "GIT_AUTHOR_EMAIL": "jane@example.com",
        "GIT_COMMITTER_NAME": "Jane Doe",
        "GIT_COMMITTER_EMAIL": "jane@example.com",
        "GIT_AUTHOR_DATE": "1793527200 +0000",
        "GIT_COMMITTER_DATE": "1793527200 +0000",
        "LC_ALL": "C",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, input=data, check=True, capture_output=True
    ).stdout


def entry_header(kind, size):
    out = bytearray()
    byte = (kind << 4) | (size & 0x0F)
    size >>= 4
    while size:
        out.append(byte | 0x80)
        byte = size & 0x7F
        size >>= 7
    out.append(byte)
    return bytes(out)


def ofs_distance(d):
    out = [d & 0x7F]
    d >>= 7
    while d:
        d -= 1
        out.append(0x80 | (d & 0x7F))
        d >>= 7
    return bytes(reversed(out))


def git_id(kind, body):
    import hashlib

    return hashlib.sha1(kind + b" %d\0" % len(body) + body).digest()


BASE_ENTRY = entry_header(3, len(BASE)) + zlib.compress(BASE, 0)
BASE_ID = git_id(b"blob", BASE)


def index_file(rows):
    rows = sorted(rows)
    out = bytearray(b"\xfftOc\0\0\0\x02")
    for b in range(256):
        out += struct.pack(">I", sum(1 for i, _ in rows if i[0] <= b))
    for i, _ in rows:
        out += i
    out += b"\0" * (4 * len(rows))
    large = bytearray()
    for _, at in rows:
        if at >= 1 << 31:
            out += struct.pack(">I", 0x80000000 | len(large) // 8)
            large += struct.pack(">Q", at)
        else:
            out += struct.pack(">I", at)
    return bytes(out + large + b"\0" * 40)


def delta(src, dst, ops):
    """A delta of `ops`: ("copy", offset, size) or ("insert", bytes)."""
    out = bytearray()
    for n in (src, dst):
        while True:
            byte = n & 0x7F
            n >>= 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                break
    for op in ops:
        if op[0] == "insert":
            out.append(len(op[1]))
            out += op[1]
            continue
        _, offset, size = op
        cmd, args = 0x80, bytearray()
        for i in range(4):
            if offset >> (8 * i) & 0xFF:
                cmd |= 1 << i
                args.append(offset >> (8 * i) & 0xFF)
        for i in range(3):
            if size >> (8 * i) & 0xFF:
                cmd |= 0x10 << i
                args.append(size >> (8 * i) & 0xFF)
        out.append(cmd)
        out += args
    return bytes(out)


def pack_entries(repo):
    """(type, raw entry bytes) of every entry of the repository's one pack."""
    pack_dir = repo / ".git/objects/pack"
    idx = next(pack_dir.glob("*.idx"))
    data = idx.with_suffix(".pack").read_bytes()
    rows = []
    for line in git(repo, "verify-pack", "-v", str(idx)).decode().splitlines():
        f = line.split()
        if len(f) >= 5 and len(f[0]) == 40:
            rows.append((f[1], int(f[3]), int(f[4]), len(f) > 5))
    return idx, [(t, d, data[at : at + size]) for t, size, at, d in rows]


def make_repo(root, name, ref_deltas=False):
    repo = root / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    text = "".join(f"line {i}: the quick brown fox\n" for i in range(60))
    (repo / "dir").mkdir()
    (repo / "big.txt").write_text(text)
    (repo / "dir/b.txt").write_text("b\n")
    (repo / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(repo / "run.sh", 0o755)
    os.symlink("big.txt", repo / "link")
    git(repo, "add", "-A")
    git(repo, "update-index", "--add", "--cacheinfo",
        "160000,1111111111111111111111111111111111111111,services/sub")
    git(repo, "commit", "-q", "-m", "first")
    for i in range(3):
        (repo / "big.txt").write_text(text.replace(f"line {i * 7}:", f"LINE {i}:"))
        git(repo, "commit", "-q", "-am", f"edit {i}\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    git(repo, "checkout", "-q", "-b", "side", "HEAD~2")
    (repo / "side.txt").write_text("side\n")
    git(repo, "add", "side.txt")
    git(repo, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "-m", "caf\xe9".encode("latin-1").decode("latin-1"))
    git(repo, "checkout", "-q", "-b", "other", "HEAD~1")
    (repo / "other.txt").write_text("other\n")
    git(repo, "add", "other.txt")
    git(repo, "commit", "-q", "-m", "other")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "side", "other")
    if ref_deltas:
        git(repo, "config", "repack.useDeltaBaseOffset", "false")
    git(repo, "repack", "-adfq")
    git(repo, "commit-graph", "write", "--reachable")
    return repo


def odd_commits(tree):
    t = b"tree " + tree + b"\n"
    a = b"author A <a@x> 1793527200 +0100\n"
    c = b"committer C <c@x> 1793527200 -0130\n"
    p = b"parent " + b"1" * 40 + b"\n"
    m = b"\nsubject\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    return [
        t + p + p + a + c + m,
        t + a + b"author Claude <noreply@anthropic.com> 1 +0000\n" + c + m,
        t + a + c + b"committer Claude <noreply@anthropic.com> 1 +0000\n" + m,
        t + b"author A <a@x> 1793527200 +0100\0 trailing\n" + c + m,
        t + a + c + b"encoding UTF-7\n" + b"\n+AEM-o-Authored-By: Claude\n",
        t + a + c + b"encoding ISO-8859-1\n\ncaf\xe9\n",
        t + a + c + b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n x\n -----END\n" + m,
        t + a + c + b"mergetag object " + b"2" * 40 + b"\n type commit\n" + m,
        t.replace(b"\n", b"\r\n") + a + c + m,
        t + b"author <> \n" + b"committer A <a@x\n" + m,
        t + a + c,
        t + p + a + b"parent " + b"3" * 40 + b"\n" + c + m,
        b"tree xyz\nauthor A <a@x> 99999999999999999999 +99999\n\n",
    ]


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "corpus")
    seeds = {t: [] for t in
             ["pack-index", "pack-entry", "delta", "commit-graph", "tree-entries", "commit-header"]}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = make_repo(root, "ofs")
        ref = make_repo(root, "ref", ref_deltas=True)
        tiny = root / "tiny"
        tiny.mkdir()
        git(tiny, "init", "-q", "-b", "main")
        git(tiny, "commit", "-q", "--allow-empty", "-m", "only")
        git(tiny, "repack", "-adfq")
        git(tiny, "commit-graph", "write", "--reachable")

        # Pack indexes: real ones, and ones that fit the target's own pack.
        for r in (repo, tiny):
            seeds["pack-index"].append(next((r / ".git/objects/pack").glob("*.idx")).read_bytes())
        entry_at = PACK_HEADER + len(BASE_ENTRY)
        seeds["pack-index"].append(index_file([(BASE_ID, PACK_HEADER), (ENTRY_ID, entry_at)]))
        seeds["pack-index"].append(index_file([(BASE_ID, PACK_HEADER), (ENTRY_ID, 1 << 33)]))

        # Pack entries: one of each kind from real packs, and deltas against the base blob.
        for r in (repo, ref):
            kinds = {}
            for kind, is_delta, raw in pack_entries(r)[1]:
                key = (kind, is_delta, raw[0] >> 4 & 7)
                kinds.setdefault(key, raw)
            seeds["pack-entry"] += list(kinds.values())
        d = delta(len(BASE), 6, [("copy", 0, 4), ("insert", b"s!")])
        seeds["pack-entry"].append(
            entry_header(6, len(d)) + ofs_distance(len(BASE_ENTRY)) + zlib.compress(d))
        seeds["pack-entry"].append(entry_header(7, len(d)) + BASE_ID + zlib.compress(d))
        seeds["pack-entry"].append(entry_header(3, 5) + zlib.compress(b"hello", 0))

        # Deltas against the base blob, and real ones (against other bases) for their shapes.
        n = len(BASE)
        seeds["delta"] += [
            delta(n, n, [("copy", 0, n)]),
            delta(n, 3, [("insert", b"new")]),
            delta(n, 10, [("copy", 14, 6), ("insert", b"-"), ("copy", 0, 3)]),
            delta(n, 0x102, [("copy", 0, 0x100), ("copy", 0x3e, 1), ("insert", b"!")]),
            delta(n, 0x10000, [("copy", 0, 0x10000)]),
            delta(n, 1, [("copy", 0x1020304, 1)]),
            delta(n, 5, [("insert", b"ab"), ("insert", b"cde")]),
        ]
        data = next((repo / ".git/objects/pack").glob("*.pack")).read_bytes()
        for kind, is_delta, raw in pack_entries(repo)[1]:
            if is_delta and raw[0] >> 4 & 7 == 6 and len(seeds["delta"]) < 12:
                i = 1
                while raw[i - 1] & 0x80:
                    i += 1
                while raw[i] & 0x80:
                    i += 1
                seeds["delta"].append(zlib.decompressobj().decompress(raw[i + 1 :]))

        # Commit-graphs: with octopus edges, with changed-path filters, and one commit.
        seeds["commit-graph"].append((repo / ".git/objects/info/commit-graph").read_bytes())
        seeds["commit-graph"].append((tiny / ".git/objects/info/commit-graph").read_bytes())
        git(ref, "commit-graph", "write", "--reachable", "--changed-paths")
        seeds["commit-graph"].append((ref / ".git/objects/info/commit-graph").read_bytes())

        # Trees: every tree of the repository, and ones next to the target's own parent tree.
        trees = git(repo, "rev-list", "--all", "--objects", "--filter=object:type=tree").split()
        for t in sorted({t for t in trees if len(t) == 40})[:10]:
            seeds["tree-entries"].append(git(repo, "cat-file", "tree", t.decode()))
        blob = git(repo, "hash-object", "-w", "--stdin", data=b"x\n").strip()
        other = git(repo, "hash-object", "-w", "--stdin", data=b"y\n").strip()
        sub = git(repo, "mktree", data=b"100644 blob " + blob + b"\tf\n").strip()
        for listing in [
            b"100644 blob " + other + b"\ta\n040000 tree " + sub + b"\td\n",
            b"100644 blob " + blob + b"\ta\n040000 tree " + sub + b"\td\n040000 tree " + sub + b"\te\n",
            b"100755 blob " + blob + b"\ta\n160000 commit " + b"1" * 40 + b"\td\n",
        ]:
            t = git(repo, "mktree", data=listing).strip()
            seeds["tree-entries"].append(git(repo, "cat-file", "tree", t.decode()))

        # Commits: every commit of the repository, and hand-made headers.
        for c in git(repo, "rev-list", "--all").split()[:6]:
            seeds["commit-header"].append(git(repo, "cat-file", "commit", c.decode()))
        tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
        seeds["commit-header"] += odd_commits(tree)

    for target, items in seeds.items():
        d = out / target
        d.mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(items):
            (d / f"seed-{i:02}").write_bytes(s)
        print(f"{target}: {len(items)} seeds, {sum(map(len, items))} bytes")


if __name__ == "__main__":
    main()
