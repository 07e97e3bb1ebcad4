//! Object-store integrity (docs/security.md): real repositories whose pack, pack entry,
//! commit-graph or trees were damaged or built to hurt. trailgate must refuse what git refuses,
//! never abort, and never let a damaged commit-graph change which commits a scan judges.

use crate::support::Repo;
use std::path::PathBuf;

const RESTRICTED: &str =
    "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"a/\"]\n";
const CLAUDE: &str = "Co-Authored-By: Claude <noreply@anthropic.com>";

/// A history of three commits, the middle one with `marker` in its message, repacked into one
/// pack with zlib level 0 (stored blocks: the text is in the pack as written) and no deltas.
fn packed_history(marker: &str) -> (Repo, [String; 3]) {
    let repo = Repo::new();
    let first = repo.commit("first\n", &[("a/x", "1\n")]);
    let middle = repo.commit(&format!("{marker}\n"), &[("a/x", "2\n")]);
    let last = repo.commit("last\n", &[("a/x", "3\n")]);
    repo.git(&[
        "-c",
        "pack.compression=0",
        "repack",
        "-a",
        "-d",
        "-f",
        "-q",
        "--window=0",
    ]);
    (repo, [first, middle, last])
}

/// The one pack of `repo`: (its `.pack` path, its `.idx` path).
fn only_pack(repo: &Repo) -> (PathBuf, PathBuf) {
    let dir = repo.path().join(".git/objects/pack");
    let mut packs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    assert_eq!(packs.len(), 1, "one pack expected");
    let pack = packs.remove(0);
    let idx = pack.with_extension("idx");
    (pack, idx)
}

/// Overwrite a read-only object file (git writes packs and graphs 0444).
fn rewrite(path: &PathBuf, bytes: &[u8]) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_flipped_byte_in_a_packed_commit_is_an_error_naming_it() {
    let (repo, [_, middle, _]) = packed_history("flip-me please");
    let (pack, _) = only_pack(&repo);
    let mut bytes = std::fs::read(&pack).unwrap();
    let at = bytes
        .windows(7)
        .position(|w| w == b"flip-me")
        .expect("the message is stored as written");
    bytes[at + 6] = b'E';
    rewrite(&pack, &bytes);

    // git refuses the commit: zlib's Adler-32 no longer matches.
    let log = repo.git_output(&["log", "--format=%s"], &[]);
    assert!(!log.status.success(), "git log must fail");
    let err = String::from_utf8_lossy(&log.stderr);
    assert!(err.contains("incorrect data check"), "{err}");

    // So does trailgate: an error naming the object, never the altered text.
    let (code, out, err) = repo.run(&["scan", "--format", "jsonl"]);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert!(err.contains(&middle), "the object is named: {err}");
    assert!(!out.contains("flip-mE"), "{out}");

    // `--verbose` counts the read libgit2 was asked to make, and says why.
    let (code, _, err) = repo.run(&["scan", "--verbose"]);
    assert_eq!(code, 2, "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("pack reader:"))
        .unwrap_or_else(|| panic!("no count: {err}"));
    assert!(
        line.starts_with(
            "pack reader: 1 object read through libgit2 (0 not in a pack, 1 the pack reader could not read; first: object "
        ) && line.contains("incorrect data check"),
        "{line}"
    );
}

/// Position of `id` in a version-2 pack index, and the index's object count.
fn idx_position(idx: &[u8], id: &str) -> (usize, usize) {
    let count = u32::from_be_bytes(idx[8 + 255 * 4..8 + 256 * 4].try_into().unwrap()) as usize;
    let raw: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let oids = 8 + 1024;
    let pos = (0..count)
        .find(|&i| idx[oids + i * 20..oids + (i + 1) * 20] == raw[..])
        .expect("id in the index");
    (pos, count)
}

#[test]
fn a_pack_entry_claiming_2_pow_59_bytes_is_an_error_not_an_abort() {
    let (repo, [_, middle, _]) = packed_history("huge");
    let (pack, idx_path) = only_pack(&repo);
    let mut idx = std::fs::read(&idx_path).unwrap();
    let (pos, count) = idx_position(&idx, &middle);
    let offsets = 8 + 1024 + count * 24;
    let offset_of = |idx: &[u8], i: usize| {
        u32::from_be_bytes(
            idx[offsets + i * 4..offsets + i * 4 + 4]
                .try_into()
                .unwrap(),
        )
    };
    let target = offset_of(&idx, pos) as usize;
    let data = std::fs::read(&pack).unwrap();
    // The entry's header: type and size in base-128, continuation in the top bit.
    let mut header_len = 1;
    while data[target + header_len - 1] & 0x80 != 0 {
        header_len += 1;
    }
    assert_eq!(data[target] >> 4 & 7, 1, "a commit entry");
    // 2^59: the low four bits are 0, then seven empty groups and 0x40.
    let huge = [0x90, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40];
    let grown = huge.len() - header_len;
    let mut out = data[..target].to_vec();
    out.extend_from_slice(&huge);
    out.extend_from_slice(&data[target + header_len..]);
    rewrite(&pack, &out);
    // Every entry after it moves; the index says where (no deltas, so nothing else changes).
    for i in 0..count {
        let off = offset_of(&idx, i);
        if off as usize > target {
            let moved = (off as usize + grown) as u32;
            idx[offsets + i * 4..offsets + i * 4 + 4].copy_from_slice(&moved.to_be_bytes());
        }
    }
    rewrite(&idx_path, &idx);
    assert!(
        !repo.git_output(&["log"], &[]).status.success(),
        "git log must fail"
    );

    let (code, out, err) = repo.run(&["scan", "--format", "jsonl"]);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert!(err.contains(&middle), "the object is named: {err}");
    assert!(err.contains("claims 576460752303423488 bytes"), "{err}");
    let (code, _, err) = repo.run(&["check", &middle]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&middle), "the object is named: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
}

/// Byte offset of chunk `name` in a commit-graph file.
fn graph_chunk(graph: &[u8], name: &[u8; 4]) -> usize {
    let chunks = graph[6] as usize;
    (0..chunks)
        .map(|i| 8 + i * 12)
        .find(|&at| &graph[at..at + 4] == name)
        .map(|at| u64::from_be_bytes(graph[at + 4..at + 12].try_into().unwrap()) as usize)
        .expect("chunk present")
}

#[test]
fn a_commit_graph_with_a_wrong_checksum_is_not_used() {
    let repo = Repo::new();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(repo.commit(&format!("c{i}\n"), &[("a/x", &format!("{i}\n"))]));
    }
    repo.git(&["commit-graph", "write", "--reachable"]);
    let path = repo.path().join(".git/objects/info/commit-graph");
    let mut graph = std::fs::read(&path).unwrap();
    // Point the newest commit's first parent at the root: a walk that believes the graph
    // skips the three commits between.
    let oidl = graph_chunk(&graph, b"OIDL");
    let cdat = graph_chunk(&graph, b"CDAT");
    let position = |id: &str| {
        let raw: Vec<u8> = (0..20)
            .map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        (0..5)
            .find(|&i| graph[oidl + i * 20..oidl + (i + 1) * 20] == raw[..])
            .unwrap()
    };
    let (newest, root) = (position(&ids[4]), position(&ids[0]) as u32);
    let p1 = cdat + newest * 36 + 20;
    graph[p1..p1 + 4].copy_from_slice(&root.to_be_bytes());
    rewrite(&path, &graph);

    let truth = repo.git(&["-c", "core.commitGraph=false", "rev-list", "HEAD"]);
    let truth: Vec<&str> = truth.lines().collect();
    assert_eq!(truth.len(), 5);
    let (code, out, err) = repo.run(&["scan", "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let listed: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["type"] == "commit")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, truth);
    assert_eq!(err.matches("commit-graph").count(), 1, "said once: {err}");
    assert!(
        err.contains("checksum") && err.contains("not used"),
        "{err}"
    );
}

#[test]
fn a_tree_nested_5000_levels_deep_is_walked() {
    let repo = Repo::new();
    repo.policy(RESTRICTED, None);
    repo.commit("policy\n", &[]);
    let deep: String = std::iter::repeat_n("a", 5000).collect::<Vec<_>>().join("/") + "/f";
    // fast-import builds every level of the path in one process.
    let date = crate::support::T0 + 3600;
    let message = format!("deep\n\n{CLAUDE}\n");
    let stream = format!(
        "commit refs/heads/main\ncommitter Jane Doe <jane@example.com> {date} +0000\ndata {}\n{message}from refs/heads/main^0\nM 100644 inline {deep}\ndata 2\nx\n\n",
        message.len()
    );
    repo.fast_import(&stream);
    let head = repo.head();

    let (code, records) = repo.scan_jsonl(&["HEAD^..HEAD"]);
    assert_eq!(code, 1);
    let record = crate::support::record(&records, &head);
    assert_eq!(crate::support::codes(record), ["restricted-assistant"]);
    let paths = record["production_paths"].to_string();
    assert!(paths.contains(&deep), "the deep path is named");
}

#[test]
fn a_server_hook_that_cannot_read_an_object_rejects_the_push() {
    let server = Repo::bare();
    let (code, out, err) = server.run(&["install", "--server"]);
    assert_eq!(code, 0, "{out}{err}");
    let client = Repo::new();
    client.policy(
        "version = 1\n[defaults]\nstatus = \"restricted\"\n[production]\npaths = [\"docs/\"]\n[refs]\nprotected = [\"refs/heads/main\"]\n",
        None,
    );
    client.commit("import\n", &[("src/a", "1\n"), ("src/markerfile", "m\n")]);
    client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    client.git(&["push", "-q", "origin", "main"]);
    let damaged = client.git(&["rev-parse", "HEAD:src"]).trim().to_string();

    // On the server, the tree `src` of the pushed commit is damaged in its pack.
    server.git(&[
        "-c",
        "pack.compression=0",
        "repack",
        "-a",
        "-d",
        "-f",
        "-q",
        "--window=0",
    ]);
    let dir = server.path().join("objects/pack");
    let pack = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let at = bytes
        .windows(10)
        .position(|w| w == b"markerfile")
        .expect("the tree is stored as written");
    bytes[at + 1] = b'A';
    rewrite(&pack, &bytes);

    // A restricted assistant's change outside production: judging it needs the damaged tree
    // (the parent's side of the diff), so the hook cannot decide and rejects.
    client.commit(&format!("two\n\n{CLAUDE}\n"), &[("src/a", "2\n")]);
    let push = client.git_output(&["push", "origin", "main"], &[]);
    let err = String::from_utf8_lossy(&push.stderr);
    assert!(!push.status.success(), "{err}");
    assert!(err.contains(&damaged), "the object is named: {err}");
    assert!(err.contains("pre-receive hook declined"), "{err}");
}
