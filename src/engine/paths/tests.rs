//! Tests for path patterns. The oracle is git itself: each expectation is
//! computed at test time with `git check-ignore --no-index` in a scratch
//! repository whose root `.gitignore` holds the patterns.

use super::*;

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;

/// A scratch repository for asking git which pattern ignores which path.
struct Git {
    dir: tempfile::TempDir,
}

impl Git {
    fn new() -> Git {
        let dir = tempfile::tempdir().expect("temp dir");
        let git = Git { dir };
        let out = git
            .cmd()
            .args(["init", "-q", "."])
            .output()
            .expect("run git");
        assert!(out.status.success(), "git init: {out:?}");
        git
    }

    /// Git with no system, global or user configuration and no inherited
    /// repository selection, so only the test's `.gitignore` applies.
    fn cmd(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_CONFIG_PARAMETERS")
            .env_remove("GIT_CONFIG_COUNT");
        cmd
    }

    /// For each path, the index of the pattern git reports, if any. Paths
    /// must not start with `:`, which git reads as pathspec magic.
    fn check<S: AsRef<str>, P: AsRef<[u8]>>(
        &self,
        patterns: &[S],
        paths: &[P],
    ) -> Vec<Option<usize>> {
        let mut ignore = String::new();
        for p in patterns {
            ignore.push_str(p.as_ref());
            ignore.push('\n');
        }
        std::fs::write(self.dir.path().join(".gitignore"), ignore).expect("write .gitignore");
        let mut input = Vec::new();
        for p in paths {
            input.extend_from_slice(p.as_ref());
            input.push(0);
        }
        let mut child = self
            .cmd()
            .args(["check-ignore", "--stdin", "-z", "-v", "-n", "--no-index"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run git check-ignore");
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().expect("git check-ignore");
        writer.join().expect("writer").expect("write paths");
        assert!(
            out.stderr.is_empty() && matches!(out.status.code(), Some(0 | 1)),
            "git check-ignore failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Records of source, line, pattern, path; empty fields when unmatched.
        let fields: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
        let records: Vec<&[&[u8]]> = fields.chunks_exact(4).collect();
        assert_eq!(records.len(), paths.len(), "one record per path");
        records
            .iter()
            .zip(paths)
            .map(|(r, path)| {
                assert_eq!(r[3], path.as_ref(), "records come in input order");
                if r[0].is_empty() {
                    return None;
                }
                assert_eq!(r[0], b".gitignore");
                let line: usize = std::str::from_utf8(r[1]).unwrap().parse().unwrap();
                Some(line - 1)
            })
            .collect()
    }
}

fn show(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

/// Compare `is_match` and `matching_pattern` with git; returns how many
/// pattern/path combinations were checked.
fn assert_like_git<S: AsRef<str>, P: AsRef<[u8]>>(git: &Git, patterns: &[S], paths: &[P]) -> usize {
    let rules = PathRules::new(patterns).expect("valid patterns");
    let expected = git.check(patterns, paths);
    let shown: Vec<&str> = patterns.iter().map(|p| p.as_ref()).collect();
    for (path, want) in paths.iter().zip(expected) {
        let path = path.as_ref();
        assert_eq!(
            rules.matching_pattern(path),
            want,
            "patterns {shown:?}, path {:?}",
            show(path)
        );
        assert_eq!(
            rules.is_match(path),
            want.is_some(),
            "patterns {shown:?}, path {:?}",
            show(path)
        );
    }
    paths.len()
}

type Case = (&'static [&'static str], &'static [&'static str]);

const CASES: &[Case] = &[
    // Names at any depth.
    (
        &["*.c"],
        &["x.c", "a/x.c", "a/b/x.c", "a/x.c/y", "x.cc", "c", ".c"],
    ),
    (
        &["build"],
        &[
            "build",
            "build/x",
            "a/build",
            "a/build/x",
            "abuild",
            "build.txt",
        ],
    ),
    (
        &["node_modules"],
        &["a/node_modules/b/c.js", "node_modules", "a/node_modulesx/c"],
    ),
    (&["*"], &["a", "a/b", ".x"]),
    (&["?"], &["a", "ab", "a/b", "ab/c", "ab/c/d"]),
    // Anchored, with and without a leading `/`.
    (&["/build"], &["build", "build/x", "a/build", "a/build/x"]),
    (
        &["infra/prod"],
        &[
            "infra/prod",
            "infra/prod/x.tf",
            "infra/production",
            "a/infra/prod",
        ],
    ),
    (&["/infra/prod"], &["infra/prod/x", "a/infra/prod/x"]),
    (&["a/*"], &["a/b", "a/b/c", "a", "b/a/c"]),
    (&["a/*.c"], &["a/x.c", "a/b/x.c", "a/.c"]),
    // Trailing `/`: directories and everything below.
    (
        &["docs/"],
        &["docs", "docs/a.md", "docs/a/b.md", "a/docs/x", "a/docs"],
    ),
    (&["/docs/"], &["docs/x", "a/docs/x"]),
    (&["*/"], &["a", "a/b", "a/b/c"]),
    (&["a/*/"], &["a/b", "a/b/c"]),
    (&["a/**/"], &["a", "a/b", "a/b/c", "a/b/c/d"]),
    // `*`, `?` and classes never cross `/`.
    (&["a*b"], &["ab", "axb", "a/b", "ax/yb"]),
    (&["a?c"], &["abc", "a/c", "abbc"]),
    (&["a[!b]c"], &["a/c", "abc", "axc"]),
    // `**`.
    (&["**/b"], &["b", "x/b", "x/y/b", "x/b/c", "xb"]),
    (&["/**/b"], &["b", "x/b", "x/y/b"]),
    (&["a/**"], &["a", "a/b", "a/b/c", "b/a/c"]),
    (
        &["a/**/b"],
        &["a/b", "a/x/b", "a/x/y/b", "a/b/c", "a/xb", "b/a/b"],
    ),
    (&["**"], &["a", "a/b", ".a/.b"]),
    (&["a/***/b"], &["a/b", "a/x/y/b"]),
    (&["a**b"], &["ab", "axb", "ax/b", "a/x/b"]),
    (&["x/a/**b"], &["x/a/b", "x/a/xb", "x/a/x/yb"]),
    (&["ab**/c"], &["abx/y/c", "ab/c", "abc", "abx/c", "xab/c"]),
    (&["x/a*b**/c"], &["x/axbq/y/c", "x/axbq/c"]),
    (&["a/**\\/b"], &["a/b", "a/x/b", "a/x/y/b"]),
    (
        &["services/*/src/**"],
        &[
            "services/billing/src/a/b/c/d.rs",
            "services/billing/src",
            "services/billing/lib/x.rs",
            "services/src/x",
            "x/services/b/src/y",
        ],
    ),
    // Classes.
    (&["[abc].txt"], &["a.txt", "d.txt", "x/b.txt", "ab.txt"]),
    (&["[!a].txt"], &["a.txt", "b.txt", "x/a.txt", "x/c.txt"]),
    (&["[^a].txt"], &["a.txt", "b.txt"]),
    (&["[a-c]x"], &["bx", "dx", "-x", "cx"]),
    (&["[a-c-e]"], &["b", "d", "-", "e"]),
    (&["[]a]", "[a-]"], &["]", "-", "a", "b"]),
    (&["[\\]]", "[\\a-c]"], &["]", "\\", "b"]),
    (&["[z-a]"], &["z", "a", "m"]),
    (&["[[:digit:]]*"], &["1a", "a1", "x/9"]),
    (
        &["x[[:space:]]", "y[[:upper:]]"],
        &["x ", "x\t", "yA", "ya"],
    ),
    // Git reads a path starting with `:` as pathspec magic, hence the `x`.
    (
        &["x[[:a]b:]]", "y[[:]"],
        &["xab:]]", "x[b:]]", "x:b:]]", "xa", "y[", "y:"],
    ),
    // Braces are literal.
    (&["{a,b}"], &["{a,b}", "a", "b", "x/{a,b}"]),
    (&["*.{js,ts}"], &["x.js", "x.ts", "x.{js,ts}"]),
    // Escapes.
    (&["\\*"], &["*", "a"]),
    (&["\\?", "\\[a]"], &["?", "a", "[a]"]),
    (
        &["a\\ b", "\\#x", "\\!x", "\\a\\b"],
        &["a b", "#x", "!x", "ab"],
    ),
    (&["a\\/b"], &["a/b", "x/a/b"]),
    // Trailing spaces are dropped unless escaped; a trailing tab stays.
    (&["a  "], &["a", "a "]),
    (&["a\\ ", "b\\  "], &["a", "a ", "b ", "b  "]),
    (&["c\t"], &["c", "c\t"]),
    // Dotfiles are ordinary names.
    (&[".*"], &[".env", "a/.env", "a.b", ".a/b"]),
    (&[".env"], &[".env", "x/.env", "x.env"]),
    // Unicode names; matching is byte-wise.
    (&["café/*"], &["café/x", "cafe/x"]),
    (&["caf?"], &["café", "cafe"]),
    (&["caf??"], &["café"]),
    (&["*é", "[é]x"], &["thé", "éx", "ex"]),
    (&["日本/**"], &["日本/語", "日本語/x"]),
    // Which pattern git reports: the shallowest ignored directory wins, then
    // the last pattern matching it.
    (&["*.md", "docs/"], &["docs/a.md", "docs/x/a.md", "a.md"]),
    (&["docs/", "*.md"], &["docs/a.md", "x/a.md"]),
    (&["docs/", "x/", "*.md"], &["docs/x/a.md"]),
    (&["x/", "docs/", "*.md"], &["docs/x/a.md"]),
    (&["a", "a", "b/"], &["a", "b/a", "a/b/c"]),
    (&["deep/a/b", "deep/a", "deep"], &["deep/a/b/c", "deep/a/b"]),
];

#[test]
fn matches_like_git_check_ignore() {
    let git = Git::new();
    let mut combinations = 0;
    for (patterns, paths) in CASES {
        combinations += assert_like_git(&git, patterns, paths);
    }
    assert!(combinations >= 60, "only {combinations} combinations");
}

/// Directories (a submodule is one to git): each exists in the scratch repository while git
/// is asked, so git matches it as a directory, and trailgate is asked with a trailing `/`.
#[test]
fn directories_and_submodules_match_like_git_check_ignore() {
    let git = Git::new();
    let cases: &[Case] = &[
        (
            &["services/billing/"],
            &[
                "services/billing",
                "services/billingx",
                "services",
                "x/services/billing",
            ],
        ),
        (
            &["billing/"],
            &["services/billing", "billing", "a/b/billing"],
        ),
        (&["src/**"], &["src", "src/lib", "src/a/b"]),
        (&["src/**/"], &["src", "src/lib", "src/a/b"]),
        (&["*.md/", "docs"], &["x.md", "a/x.md", "docs", "docs/sub"]),
        (
            &["services/*/"],
            &["services/billing", "services", "services/a/b"],
        ),
        (&["/vendor/"], &["vendor", "a/vendor"]),
    ];
    for (patterns, dirs) in cases {
        for dir in *dirs {
            std::fs::create_dir_all(git.dir.path().join(dir)).expect("mkdir");
        }
        let rules = PathRules::new(patterns).expect("valid patterns");
        let expected = git.check(patterns, dirs);
        for (dir, want) in dirs.iter().zip(expected) {
            let marked = format!("{dir}/");
            assert_eq!(
                rules.matching_pattern(marked.as_bytes()),
                want,
                "patterns {patterns:?}, directory {dir:?}"
            );
            assert_eq!(rules.is_match(marked.as_bytes()), want.is_some(), "{dir:?}");
        }
        for dir in *dirs {
            let top = dir.split('/').next().unwrap_or(dir);
            let _ = std::fs::remove_dir_all(git.dir.path().join(top));
        }
    }
}

#[test]
fn matches_non_utf8_paths_like_git() {
    let git = Git::new();
    let paths: &[&[u8]] = &[
        b"\xff/\xfe.c",
        b"\xff",
        b"a/\x80",
        b"x\xc3",
        b"caf\xc3\xa9",
        b"\xc3/x",
    ];
    assert_like_git(&git, &["*.c", "?", "a/[!a]", "x[\u{e9}]"], paths);
    assert_like_git(&git, &["caf[!e]?", "[[:alpha:]]/x"], paths);
}

#[test]
fn production_is_paths_minus_exclude_like_git() {
    let git = Git::new();
    let cases: &[(&[&str], &[&str], &[&str])] = &[
        (
            &["services/*/src/**", "infra/prod/**"],
            &["**/*.md", "**/testdata/**"],
            &[
                "services/billing/src/main.rs",
                "services/billing/src/README.md",
                "services/billing/src/testdata/x.json",
                "services/billing/src/a/testdata",
                "services/billing/docs/x.rs",
                "infra/prod/main.tf",
                "infra/prod",
                "infra/staging/main.tf",
                "README.md",
            ],
        ),
        (
            &["*.rs"],
            &["/vendor/", "gen_*"],
            &[
                "a.rs",
                "vendor/a.rs",
                "x/vendor/a.rs",
                "gen_a.rs",
                "x/gen_b.rs",
            ],
        ),
        (&["src/"], &[], &["src/a", "src", "x/src/y"]),
    ];
    for (paths, exclude, probes) in cases {
        let production = Production {
            paths: PathRules::new(paths).unwrap(),
            exclude: PathRules::new(exclude).unwrap(),
        };
        let in_paths = git.check(paths, probes);
        let in_exclude = git.check(exclude, probes);
        for (i, probe) in probes.iter().enumerate() {
            let want = in_paths[i].is_some() && in_exclude[i].is_none();
            assert_eq!(
                production.is_production(probe.as_bytes()),
                want,
                "{paths:?} - {exclude:?}: {probe}"
            );
            for dir in ancestors(probe.as_bytes()) {
                if want {
                    assert!(
                        production.may_contain_production(dir),
                        "{paths:?} - {exclude:?}: {}",
                        show(dir)
                    );
                }
            }
        }
    }
}

/// Every directory above `path`, shallowest first.
fn ancestors(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'/')
        .map(move |(i, _)| &path[..i])
}

#[test]
fn may_match_under_prunes_unrelated_directories() {
    let cases: &[(&[&str], &str, bool)] = &[
        (&["services/*/src/**"], "docs", false),
        (&["services/*/src/**"], "services", true),
        (&["services/*/src/**"], "services/billing", true),
        (&["services/*/src/**"], "services/billing/lib", false),
        (&["services/*/src/**"], "services/billing/src", true),
        (&["services/*/src/**"], "services/billing/src/a/b", true),
        (&["services/*/src/**"], "x/services/billing/src", false),
        (&["infra/prod/**"], "infra/dev", false),
        (&["infra/prod/**"], "infra/prod/eu", true),
        (&["/build"], "src", false),
        (&["/build"], "build/x", true),
        (&["a/**/b"], "c", false),
        (&["a/**/b"], "a/x/y", true),
        (&["ab**/c"], "abx/y", true),
        (&["ab**/c"], "b", false),
        (&["*.md"], "any/where", true),
        (&["docs/"], "x/y", true),
        (&["**/testdata/**"], "x", true),
        (&["x/[ab]?/y"], "x/ac", true),
        (&["x/[ab]?/y"], "x/cc", false),
        (&["x/[ab]?/y"], "x/ac/z", false),
        (&["services/*/src/**", "infra/prod/**"], "infra", true),
        (&["services/*/src/**", "infra/prod/**"], "tools", false),
        (&[], "x", false),
    ];
    for (patterns, dir, want) in cases {
        let rules = PathRules::new(patterns).unwrap();
        assert_eq!(
            rules.may_match_under(dir.as_bytes()),
            *want,
            "{patterns:?} under {dir}"
        );
    }
}

#[test]
fn matches_all_under_only_inside_matched_directories() {
    let cases: &[(&[&str], &str, bool)] = &[
        (&["docs/"], "docs", true),
        (&["docs/"], "a/docs/b", true),
        (&["docs/"], "doc", false),
        (&["infra/prod/**"], "infra/prod", true),
        (&["infra/prod/**"], "infra", false),
        (&["**/testdata/**"], "a/testdata", true),
        (&["*.md"], "x.md", true),
        (&["*.md"], "x", false),
        (&["a/*.rs"], "a", false),
        (&[], "x", false),
    ];
    for (patterns, dir, want) in cases {
        let rules = PathRules::new(patterns).unwrap();
        assert_eq!(
            rules.matches_all_under(dir.as_bytes()),
            *want,
            "{patterns:?} under {dir}"
        );
    }
    let production = Production {
        paths: PathRules::new(&["services/**"]).unwrap(),
        exclude: PathRules::new(&["**/testdata/"]).unwrap(),
    };
    assert!(production.may_contain_production(b"services/a"));
    assert!(!production.may_contain_production(b"services/a/testdata"));
    assert!(!production.may_contain_production(b"docs"));
}

#[test]
fn rejects_patterns_git_reads_differently_or_never_matches() {
    let bad = [
        "!foo",
        "",
        "#x",
        "   ",
        "a[",
        "[!",
        "a\\",
        "/",
        "a//b",
        "//a",
        "a//",
        "a\\/",
        "[/]",
        "[[:foo:]]",
        "a\nb",
    ];
    let mut patterns = vec!["ok/**"];
    patterns.extend(bad);
    let errors = PathRules::new(&patterns).unwrap_err();
    let indices: Vec<usize> = errors.iter().map(|e| e.index).collect();
    assert_eq!(
        indices,
        (1..patterns.len()).collect::<Vec<_>>(),
        "{errors:#?}"
    );
    for e in &errors {
        assert_eq!(e.pattern, patterns[e.index]);
        assert!(!e.message.is_empty());
    }
    let message = |p: &str| PathRules::new(&[p]).unwrap_err()[0].message.clone();
    assert!(message("!foo").contains("\\!"));
    assert!(message("#x").contains("\\#"));
    assert!(message("a[").contains("\\["));
    assert!(message("   ").contains("\\ "));
    assert!(
        PathRules::new(&["a[", "b"]).unwrap_err()[0]
            .to_string()
            .contains("a[")
    );

    // Besides `!` and `#`, which git reads as negation and comment, git
    // never matches what is rejected, so rejecting loses nothing.
    let git = Git::new();
    let probes = [
        "a", "a[", "[!", "a\\", "a/b", "a//b", "x/a", "[/]", "f", "foo", "x", "o",
    ];
    for p in bad
        .iter()
        .filter(|p| !p.contains('\n') && !p.starts_with(['!', '#']))
    {
        let hits = git.check(&[*p], &probes);
        assert!(
            hits.iter().all(Option::is_none),
            "git matches {p:?}: {hits:?}"
        );
    }
}

#[test]
fn empty_rules_match_nothing() {
    let rules = PathRules::empty();
    assert!(rules.is_empty());
    assert!(!rules.is_match(b"a"));
    assert_eq!(rules.matching_pattern(b"a"), None);
    assert!(!rules.may_match_under(b""));
    assert!(!rules.matches_all_under(b"a"));
    assert!(PathRules::new::<&str>(&[]).unwrap().is_empty());
    assert!(!PathRules::new(&["a"]).unwrap().is_empty());
}

fn pattern_strategy() -> impl Strategy<Value = String> {
    let segment = prop::sample::select(vec![
        "a",
        "b",
        "ab",
        "*",
        "**",
        "?",
        "[ab]",
        "[!a]",
        "{a,b}",
        "a*",
        "*b",
        "a**",
        "\\*",
        ".a",
        "[a-b]",
        "***",
        "a?",
        "[]a]",
        "[^-]",
        "a**b",
        "**a",
        "[[:alpha:]]",
        "\\a",
        "x ",
    ]);
    (
        any::<bool>(),
        prop::collection::vec(segment, 1..4),
        any::<bool>(),
    )
        .prop_map(|(lead, segs, trail)| {
            let mut p = segs.join("/");
            if lead {
                p.insert(0, '/');
            }
            if trail {
                p.push('/');
            }
            p
        })
}

fn path_strategy() -> impl Strategy<Value = String> {
    let segment = prop::sample::select(vec![
        "a", "b", "ab", "ba", "aa", "{a,b}", ".a", "*", "a*b", "x", "]", "-", "a-b", "x ",
    ]);
    prop::collection::vec(segment, 1..5).prop_map(|segs| segs.join("/"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_patterns_match_like_git(
        patterns in prop::collection::vec(pattern_strategy(), 1..4),
        paths in prop::collection::vec(path_strategy(), 16),
    ) {
        thread_local!(static GIT: Git = Git::new());
        GIT.with(|git| assert_like_git(git, &patterns, &paths));
    }

    #[test]
    fn pruning_never_hides_a_match(
        patterns in prop::collection::vec(pattern_strategy(), 1..4),
        exclude in prop::collection::vec(pattern_strategy(), 0..3),
        paths in prop::collection::vec(path_strategy(), 16),
    ) {
        let rules = PathRules::new(&patterns).unwrap();
        let production = Production { paths: rules.clone(), exclude: PathRules::new(&exclude).unwrap() };
        for path in &paths {
            let path = path.as_bytes();
            let matched = rules.is_match(path);
            for dir in ancestors(path) {
                if matched {
                    prop_assert!(rules.may_match_under(dir), "{:?} under {}", patterns, show(dir));
                }
                if rules.matches_all_under(dir) {
                    prop_assert!(matched, "{:?} all under {} but not {}", patterns, show(dir), show(path));
                }
                if production.is_production(path) {
                    prop_assert!(production.may_contain_production(dir));
                }
            }
        }
    }
}

#[test]
fn reversed_ranges_are_found_where_git_reads_a_class() {
    let cases = [
        ("[z-a].rs", Some(('z', 'a'))),
        ("src/[!9-0]x", Some(('9', '0'))),
        ("[a-z]/[0-9]", None),
        ("\\[z-a]", None),
        ("[]z-a]", Some(('z', 'a'))),
        ("[a-]z", None),
        ("[z-a", None),
    ];
    for (pattern, want) in cases {
        assert_eq!(super::reversed_range(pattern), want, "{pattern}");
    }
}
