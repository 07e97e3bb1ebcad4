//! The crate's layers, held by reading its source as text: each file refers only to the layers
//! its folder may import from, and no modules import each other in a circle, neither the
//! top-level modules nor the submodules of `engine` and `config`. References are `crate::`
//! and `super::` paths anywhere in code: `use` lines, grouped `use crate::{a, b::{c}}`, and
//! paths written inline. Comments (doc links included) and string literals do not count.
//!
//! Test code does not count either (files or folders named `tests`, items under
//! `#[cfg(test)]`): like a dev-dependency, a unit test may build its fixtures with a later
//! layer, as the verdict tests do when they load policies from TOML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each layer and the layers it may import from. `util` is `src/fsutil.rs`.
const LAYERS: &[(&str, &[&str])] = &[
    ("engine", &[]),
    ("git", &["engine"]),
    ("config", &["engine", "git", "util"]),
    ("judge", &["engine", "git", "config", "sessions"]),
    ("scan", &["engine", "git", "config", "judge"]),
    ("sessions", &["engine", "git", "config", "util"]),
    (
        "hooks",
        &[
            "engine", "git", "config", "judge", "scan", "sessions", "install", "report", "util",
        ],
    ),
    ("install", &["git", "util"]),
    ("report", &["engine", "config"]),
    ("util", &[]),
];

/// Layers whose submodules must not import each other in a circle.
const NO_CYCLES_WITHIN: &[&str] = &["engine", "config"];

/// The layer of a top-level module of the library.
fn layer_of(top: &str) -> Option<&'static str> {
    match top {
        "fsutil" => Some("util"),
        _ => LAYERS.iter().map(|(l, _)| *l).find(|l| *l == top),
    }
}

/// One reference from a file to a module path of the crate.
#[derive(Debug, Clone)]
struct Reference {
    file: String,
    line: usize,
    path: Vec<String>,
}

impl Reference {
    fn at(&self) -> String {
        format!("{}:{} ({})", self.file, self.line, self.path.join("::"))
    }
}

#[test]
fn each_layer_imports_only_from_the_layers_before_it() {
    let (files, _) = library_sources();
    let mut problems = Vec::new();
    for (module, refs) in &files {
        let Some(from) = layer_of(&module[0]) else {
            problems.push(format!(
                "src/{}: no layer for module `{}`; add it to LAYERS in tests/e2e/layers.rs",
                module.join("/"),
                module[0]
            ));
            continue;
        };
        let allowed = allowed(from);
        for r in refs {
            let Some(to) = layer_of(&r.path[0]) else {
                continue;
            };
            if to != from && !allowed.contains(&to) {
                problems.push(format!("{}: {from} may not import {to}", r.at()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let (files, _) = library_sources();
    let mut edges: BTreeMap<(String, String), Reference> = BTreeMap::new();
    for (module, refs) in &files {
        for r in refs {
            if r.path[0] != module[0] {
                edges
                    .entry((module[0].clone(), r.path[0].clone()))
                    .or_insert_with(|| r.clone());
            }
        }
    }
    if let Some(cycle) = cycle_edges(&edges) {
        panic!(
            "import cycle between top-level modules:\n{}",
            cycle.join("\n")
        );
    }
}

#[test]
fn no_import_cycle_within_engine_or_config() {
    let (files, modules) = library_sources();
    for layer in NO_CYCLES_WITHIN {
        let mut edges: BTreeMap<(String, String), Reference> = BTreeMap::new();
        for (module, refs) in &files {
            if module[0] != *layer || module.len() < 2 {
                continue;
            }
            for r in refs {
                let is_submodule =
                    r.path.len() >= 2 && r.path[0] == *layer && modules.contains(&r.path[..2]);
                if is_submodule && r.path[1] != module[1] {
                    edges
                        .entry((module[1].clone(), r.path[1].clone()))
                        .or_insert_with(|| r.clone());
                }
            }
        }
        if let Some(cycle) = cycle_edges(&edges) {
            panic!("import cycle within `{layer}`:\n{}", cycle.join("\n"));
        }
    }
}

fn allowed(layer: &str) -> &'static [&'static str] {
    LAYERS
        .iter()
        .find(|(l, _)| *l == layer)
        .map_or(&[], |(_, a)| *a)
}

/// The edges on cycles (or between them), each named by one reference; `None` when the graph
/// is acyclic. Modules with no imports left, or imported by none left, are taken off until
/// none can be.
fn cycle_edges(edges: &BTreeMap<(String, String), Reference>) -> Option<Vec<String>> {
    let mut left: BTreeMap<(String, String), Reference> = edges.clone();
    loop {
        let importers: BTreeSet<String> = left.keys().map(|(a, _)| a.clone()).collect();
        let imported: BTreeSet<String> = left.keys().map(|(_, b)| b.clone()).collect();
        let before = left.len();
        left.retain(|(a, b), _| importers.contains(b) && imported.contains(a));
        if left.is_empty() {
            return None;
        }
        if left.len() == before {
            return Some(
                left.iter()
                    .map(|((a, b), r)| format!("{a} -> {b}: {}", r.at()))
                    .collect(),
            );
        }
    }
}

/// Module paths of the library's files (test files left out) with the crate paths each
/// refers to, and the module paths of every file.
type Sources = (BTreeMap<Vec<String>, Vec<Reference>>, BTreeSet<Vec<String>>);

fn library_sources() -> Sources {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let mut files = BTreeMap::new();
    let mut modules = BTreeSet::new();
    for path in paths {
        let rel = path.strip_prefix(&src).unwrap();
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        let module = module_path(&rel_text);
        // The crate root only declares modules; the binary refers to the library by name.
        if module.is_empty() || module[0] == "main" || module[0] == "cli" {
            continue;
        }
        modules.insert(module.clone());
        if module.iter().any(|s| s == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let refs = references(&text, &module)
            .into_iter()
            .map(|(line, path)| Reference {
                file: format!("src/{rel_text}"),
                line,
                path,
            })
            .collect();
        files.insert(module, refs);
    }
    (files, modules)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `engine/verdict/mod.rs` is `engine::verdict`; `lib.rs` is the root.
fn module_path(rel: &str) -> Vec<String> {
    let mut segments: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    segments
}

/// Every crate path `text` refers to in code, with its line; `super::` resolved against
/// `module`, the file's module path.
fn references(text: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let code = without_tests(&code_only(text));
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_path_byte(bytes[i - 1]);
        let base: Option<(Vec<String>, usize)> = if !starts_word {
            None
        } else if code[i..].starts_with("crate::") {
            Some((Vec::new(), i + "crate::".len()))
        } else if code[i..].starts_with("super::") {
            let mut base = module[..module.len().saturating_sub(1)].to_vec();
            let mut j = i + "super::".len();
            while code[j..].starts_with("super::") {
                base.pop();
                j += "super::".len();
            }
            Some((base, j))
        } else {
            None
        };
        let Some((base, mut j)) = base else {
            i += 1;
            continue;
        };
        let line = code[..i].matches('\n').count() + 1;
        let mut paths = Vec::new();
        use_tree(bytes, &mut j, base, &mut paths);
        out.extend(
            paths
                .into_iter()
                .filter(|p| !p.is_empty())
                .map(|p| (line, p)),
        );
        i = j.max(i + 1);
    }
    out
}

/// A byte that may sit just before `crate` in a longer path or name (`$crate`, `x::crate`).
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b':'
}

/// Parse a path or use tree at `*i` (just after `prefix::`), pushing each full path.
fn use_tree(s: &[u8], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    skip_space(s, i);
    if s.get(*i) == Some(&b'{') {
        *i += 1;
        loop {
            skip_space(s, i);
            match s.get(*i) {
                None => return,
                Some(b'}') => {
                    *i += 1;
                    return;
                }
                Some(b',') => *i += 1,
                Some(_) => {
                    let before = *i;
                    use_tree(s, i, prefix.clone(), out);
                    // Step over anything else in the group (`as name`).
                    while *i < s.len() && !matches!(s[*i], b',' | b'}') {
                        *i += 1;
                    }
                    if *i == before {
                        *i += 1;
                    }
                }
            }
        }
    }
    let start = *i;
    while *i < s.len() && (s[*i].is_ascii_alphanumeric() || s[*i] == b'_') {
        *i += 1;
    }
    let ident = String::from_utf8_lossy(&s[start..*i]).into_owned();
    let mut path = prefix;
    if !ident.is_empty() && ident != "self" {
        path.push(ident.clone());
    }
    let mut j = *i;
    skip_space(s, &mut j);
    if !ident.is_empty() && s[j..].starts_with(b"::") {
        *i = j + 2;
        use_tree(s, i, path, out);
    } else {
        out.push(path);
    }
}

fn skip_space(s: &[u8], i: &mut usize) {
    while *i < s.len() && s[*i].is_ascii_whitespace() {
        *i += 1;
    }
}

/// `text` with comments, string and character literals blanked to spaces, newlines kept.
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(i + k).copied().unwrap_or('\0');
        if at(0) == '/' && at(1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if at(0) == '/' && at(1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&c, i) {
            // r"…", r#"…"#, br#"…"#: ends at a quote followed by as many `#`.
            let open = c[i..].iter().position(|&x| x == '"').unwrap_or(0) + 1;
            for _ in 0..open {
                out.push(' ');
            }
            i += open;
            while i < c.len() {
                if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += hashes + 1;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if at(0) == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if at(0) == '\'' && (at(1) == '\\' || at(2) == '\'') {
            // A character literal; `'a` without a closing quote is a lifetime.
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '\'' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(at(0));
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string starting at `i`, if one does.
fn raw_string_start(c: &[char], i: usize) -> Option<usize> {
    if i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if c.get(j) == Some(&'b') {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = c[j..].iter().take_while(|&&x| x == '#').count();
    (c.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// Code with every item under `#[cfg(test)]` blanked, newlines kept.
fn without_tests(code: &str) -> String {
    let mut out: Vec<u8> = code.as_bytes().to_vec();
    let mut from = 0;
    while let Some(found) = code[from..].find("#[cfg(test)]") {
        let start = from + found;
        let mut i = start + "#[cfg(test)]".len();
        let bytes = code.as_bytes();
        while i < bytes.len() && bytes[i] != b'{' && bytes[i] != b';' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'{' {
            let mut depth = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        let end = (i + 1).min(bytes.len());
        for b in &mut out[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        from = end;
    }
    // Only ASCII bytes were replaced, so the text stays UTF-8.
    String::from_utf8(out).unwrap()
}

#[test]
fn references_are_read_from_code_only() {
    let module: Vec<String> = ["config", "policy"].map(String::from).to_vec();
    let text = r##"//! See [`crate::report`].
use crate::{engine::{paths, policy::Policy}, git};
use super::raw::RawPolicy;
/// Links to [`crate::hooks`] do not count.
fn f() -> &'static str {
    let _ = crate::judge::run('{', '\'');
    let _ = r#"crate::scan"#;
    "crate::install /* */"
}
/* crate::sessions */
#[cfg(test)]
mod tests {
    use crate::cli;
}
"##;
    let found: Vec<(usize, String)> = references(text, &module)
        .into_iter()
        .map(|(line, p)| (line, p.join("::")))
        .collect();
    let expect: Vec<(usize, String)> = [
        (2, "engine::paths"),
        (2, "engine::policy::Policy"),
        (2, "git"),
        (3, "config::raw::RawPolicy"),
        (6, "judge::run"),
    ]
    .map(|(l, p)| (l, p.to_string()))
    .to_vec();
    assert_eq!(found, expect);
}

#[test]
fn a_cycle_names_its_edges() {
    let r = |a: &str, b: &str| {
        (
            (a.to_string(), b.to_string()),
            Reference {
                file: "src/x.rs".into(),
                line: 1,
                path: vec![b.to_string()],
            },
        )
    };
    let acyclic: BTreeMap<_, _> = [r("a", "b"), r("b", "c"), r("a", "c")].into();
    assert!(cycle_edges(&acyclic).is_none());
    let cyclic: BTreeMap<_, _> = [r("a", "b"), r("b", "c"), r("c", "a"), r("d", "a")].into();
    let cycle = cycle_edges(&cyclic).unwrap();
    assert_eq!(cycle.len(), 3, "{cycle:?}");
}
