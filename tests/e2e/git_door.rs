//! `src/git` is the only door to git: no other source file names git2 or libgit2 (clippy's
//! `disallowed-types` catches the types; this catches any mention, doc comments included), and
//! `src/git` itself reaches into no layer above it.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Every line of a `.rs` file under `src/` (inside `src/git/` or outside it) for which `bad`
/// says what is wrong, as `file:line: what: text`.
fn offending_lines(in_git: bool, bad: impl Fn(&str) -> Option<&'static str>) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap();
        if relative.starts_with("src/git") != in_git {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(what) = bad(line) {
                found.push(format!(
                    "{}:{}: {what}: {}",
                    relative.display(),
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn only_src_git_names_git2_or_libgit2() {
    let found = offending_lines(false, |line| {
        [
            ("git2::", "names git2"),
            ("use git2", "imports git2"),
            ("libgit2_sys", "names libgit2-sys"),
            ("allow(unsafe_code)", "allows unsafe code"),
        ]
        .into_iter()
        .find(|(text, _)| line.contains(text))
        .map(|(_, what)| what)
    });
    assert!(
        found.is_empty(),
        "git2 and libgit2 belong in src/git alone; use its types and functions:\n{}",
        found.join("\n")
    );
}

#[test]
fn src_git_imports_only_the_facts_it_produces() {
    let found = offending_lines(true, |line| {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let path = &rest[at + "crate::".len()..];
            if !(path.starts_with("git") || path.starts_with("engine::facts")) {
                return Some("reaches above the git layer");
            }
            rest = path;
        }
        None
    });
    assert!(
        found.is_empty(),
        "src/git may use only crate::engine::facts of the rest of the crate:\n{}",
        found.join("\n")
    );
}
