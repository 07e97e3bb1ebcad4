//! The pack reader against git: every object of a history, packed in the layouts git writes,
//! reads back byte for byte as `git cat-file` prints it.

use crate::changed_paths::build_history;
use crate::support::Repo;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::Stdio;
use trailgate::git::{self, ObjectId, ObjectKind, Objects};

/// Every object of the repository with its type and content, from `git cat-file --batch`.
fn git_objects(repo: &Repo) -> BTreeMap<String, (String, Vec<u8>)> {
    let ids = repo.git(&[
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objectname)",
    ]);
    let mut child = std::process::Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git cat-file runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = ids.clone();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let mut objects = BTreeMap::new();
    let mut rest = &out.stdout[..];
    while !rest.is_empty() {
        let nl = rest.iter().position(|&b| b == b'\n').unwrap();
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        let mut parts = header.split(' ');
        let (id, kind, size) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let size: usize = size.parse().unwrap();
        let content = rest[nl + 1..nl + 1 + size].to_vec();
        objects.insert(id.to_string(), (kind.to_string(), content));
        rest = &rest[nl + 1 + size + 1..];
    }
    objects
}

fn kind_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Commit => "commit",
        ObjectKind::Tree => "tree",
        ObjectKind::Blob => "blob",
        ObjectKind::Tag => "tag",
    }
}

/// Objects whose pack entry is a delta, per `git cat-file`.
fn deltas(repo: &Repo) -> usize {
    repo.git(&[
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(deltabase)",
    ])
    .lines()
    .filter(|l| !l.trim_matches('0').is_empty())
    .count()
}

fn check_all(repo: &Repo, layout: &str, want_packed: bool) {
    let want = git_objects(repo);
    let handle = git::open_at(repo.path()).unwrap();
    let mut objects = Objects::new(git::packs(&handle));
    for (id, (kind, content)) in &want {
        let oid = ObjectId::from_hex(id).unwrap();
        if want_packed {
            let (k, bytes) = objects
                .packed(oid)
                .unwrap_or_else(|| panic!("{id} not read from the pack ({layout})"));
            assert_eq!(kind_name(k), kind, "type of {id} ({layout})");
            assert_eq!(
                bytes.as_slice(),
                content.as_slice(),
                "bytes of {id} ({layout})"
            );
        }
        let k = match kind.as_str() {
            "commit" => ObjectKind::Commit,
            "tree" => ObjectKind::Tree,
            "blob" => ObjectKind::Blob,
            _ => ObjectKind::Tag,
        };
        let bytes = objects.read(&handle, oid, k).unwrap();
        assert_eq!(
            bytes.as_slice(),
            content.as_slice(),
            "bytes of {id} ({layout})"
        );
    }
    eprintln!("{layout}: {} objects equal", want.len());
}

#[test]
fn pack_reader_reads_every_object_as_git_does() {
    let (repo, _) = build_history();
    repo.git(&["tag", "-a", "-m", "annotated", "v1"]);
    check_all(&repo, "loose", false);

    repo.git(&["repack", "-adf", "--depth=50", "--window=250"]);
    let n = deltas(&repo);
    assert!(n > 50, "the pack has delta chains to resolve ({n})");
    check_all(&repo, "offset deltas", true);

    repo.git(&[
        "-c",
        "repack.useDeltaBaseOffset=false",
        "repack",
        "-adf",
        "--depth=50",
    ]);
    check_all(&repo, "ref deltas", true);

    // A commit made after packing is loose: the reader falls back to libgit2 for it.
    repo.write("late.txt", "late\n");
    repo.git(&["add", "late.txt"]);
    repo.git(&["commit", "-q", "-m", "late"]);
    check_all(&repo, "packed and loose", false);
}

#[test]
fn packs_of_alternates_are_read() {
    let (origin, _) = build_history();
    origin.git(&["repack", "-adf", "--depth=50"]);
    let source = origin.path().to_str().unwrap().to_string();
    // A shared clone borrows every object from the origin through `info/alternates`.
    let shared = Repo::empty();
    let out = shared.git_output(&["clone", "-q", "--shared", &source, "."], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        shared.path().join(".git/objects/info/alternates").exists(),
        "the clone uses alternates"
    );
    check_all(&shared, "through alternates", true);
}
