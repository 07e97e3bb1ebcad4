//! Path patterns for production paths and exception scopes.
//!
//! This module owns the meaning of a path pattern: parsing the gitignore-style rules of the policy
//! (docs/policy.md, "Path patterns"), matching repository paths against them (docs/policy.md,
//! "Changed paths and production paths"), and the pruning questions a tree walk asks about
//! directories.
//!
//! The definition is git's own: a path matches exactly when
//! `git check-ignore --no-index` reports it as ignored by a root `.gitignore`
//! holding the patterns. Every rule below follows git's `dir.c` and
//! `wildmatch.c` and is checked against git in the tests:
//!
//! - a pattern with no `/` (a trailing one aside) matches a name at any depth;
//!   any other pattern is anchored at the root, where one leading `/` is
//!   allowed; a trailing `/` restricts it to directories;
//! - a file matches when it, or any directory above it, matches;
//! - a path given with a trailing `/` names a directory, matched as git matches one: a
//!   submodule (gitlink) is such a path, since git's index calls it a directory, so
//!   `services/billing/` matches the submodule `services/billing` (and `src/**` does not
//!   match a submodule at `src`, as git's does not);
//! - `*` and `?` never cross `/`; a run of two or more `*` forming a whole
//!   segment (`**/x`, `x/**`, `x/**/y`) crosses any number of directories,
//!   elsewhere it is a plain `*`;
//! - `[...]` classes, with `!` or `^` for negation, ranges, `\` escapes and
//!   POSIX names such as `[:digit:]`, never match `/`;
//! - `\` escapes the next character; braces are not special;
//! - matching is byte-wise, so `?` matches one byte of a multi-byte character,
//!   and paths need not be UTF-8;
//! - unescaped trailing spaces are dropped, as git drops them (`\ ` keeps one).
//!
//! Patterns git would treat as something else, or that can never match, are
//! rejected with a message saying how to write them: a leading `!`
//! (negation is not supported), a leading `#` (a comment to git), empty or
//! blank patterns, line breaks, a dangling `\`, unclosed classes and empty
//! path segments.
//!
//! Each pattern is translated to a byte regex and the list is compiled into
//! `regex` sets, so a match is one pass over the path with no allocation.

use std::fmt;

use regex::bytes::{RegexSet, RegexSetBuilder};

/// A pattern that could not be compiled; `index` points into the input list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternError {
    /// Position of the pattern in the list given to [`PathRules::new`].
    pub(crate) index: usize,
    /// The pattern as given.
    pub(crate) pattern: String,
    /// What is wrong and how to write it instead.
    pub(crate) message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "path pattern {:?}: {}", self.pattern, self.message)
    }
}

impl std::error::Error for PatternError {}

/// Compiled list of gitignore-style patterns (no negation).
#[derive(Debug, Clone)]
pub(crate) struct PathRules {
    len: usize,
    /// Per pattern: matches directories only (trailing `/`).
    #[cfg(test)]
    dir_only: Vec<bool>,
    /// A path matching the pattern itself or through an ancestor directory.
    matches: RegexSet,
    /// The same for a directory: a directory-only pattern matches the directory itself.
    dir_matches: RegexSet,
    /// The pattern's own language, with directory semantics (tests compare with git's
    /// `check-ignore -v`).
    #[cfg(test)]
    exact: RegexSet,
    /// Directories all of whose files match.
    covers: RegexSet,
    /// Directories below which an anchored pattern may match.
    prune: RegexSet,
    /// Some pattern can match below any directory (e.g. `*.md`, `**/x`).
    matches_anywhere: bool,
}

/// One element of a parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    Sep,
    /// `?`
    Any,
    /// `*`, or a run of `*` that is not a whole segment.
    Star,
    /// `**` followed by `/`: zero or more leading directories.
    AnyDirs,
    /// `**` at the end (or before an escaped `/`): anything, `/` included.
    AnyPath,
    /// A class, already complemented if negated and without `/`.
    Class(Box<[bool; 256]>),
}

/// A pattern after parsing, before regex generation.
struct Parsed {
    toks: Vec<Tok>,
    /// No `/` apart from a trailing one: matched against the last component.
    basename: bool,
    dir_only: bool,
}

impl PathRules {
    /// Compile; collect every bad pattern, not just the first.
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> Result<PathRules, Vec<PatternError>> {
        let mut errors = Vec::new();
        let mut parsed = Vec::with_capacity(patterns.len());
        for (index, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            match parse(pattern) {
                Ok(p) => parsed.push(p),
                Err(message) => errors.push(PatternError {
                    index,
                    pattern: pattern.to_owned(),
                    message,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Self::compile(&parsed).map_err(|message| {
            vec![PatternError {
                index: 0,
                pattern: patterns.first().map_or("", |p| p.as_ref()).to_owned(),
                message,
            }]
        })
    }

    /// A list with no patterns: matches nothing.
    pub(crate) fn empty() -> PathRules {
        PathRules {
            len: 0,
            #[cfg(test)]
            dir_only: Vec::new(),
            matches: RegexSet::empty(),
            dir_matches: RegexSet::empty(),
            #[cfg(test)]
            exact: RegexSet::empty(),
            covers: RegexSet::empty(),
            prune: RegexSet::empty(),
            matches_anywhere: false,
        }
    }

    /// True when there are no patterns.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Does the path (repo-relative, `/`-separated, raw bytes: git paths
    /// need not be UTF-8) match, itself or through a parent directory? A path
    /// ending in `/` is a directory (a submodule): see the module notes.
    pub(crate) fn is_match(&self, path: &[u8]) -> bool {
        match path.strip_suffix(b"/") {
            Some(dir) => self.dir_matches.is_match(dir),
            None => self.matches.is_match(path),
        }
    }

    /// Indexes of the patterns `path` matches, itself or through a parent directory (a path
    /// ending in `/` is a directory, as for [`PathRules::is_match`]).
    pub(crate) fn matching(&self, path: &[u8]) -> Vec<usize> {
        match path.strip_suffix(b"/") {
            Some(dir) => self.dir_matches.matches(dir).into_iter().collect(),
            None => self.matches.matches(path).into_iter().collect(),
        }
    }

    /// Index of the pattern git reports for `path`, if any matches.
    ///
    /// Like `git check-ignore -v`: the shallowest matching directory above the
    /// path wins (git stops descending at an ignored directory), then the path
    /// itself; among the patterns matching that one, the last.
    #[cfg(test)]
    pub(crate) fn matching_pattern(&self, path: &[u8]) -> Option<usize> {
        if !self.is_match(path) {
            return None;
        }
        let (path, is_dir) = match path.strip_suffix(b"/") {
            Some(dir) => (dir, true),
            None => (path, false),
        };
        for (end, _) in path.iter().enumerate().filter(|&(_, &b)| b == b'/') {
            if let Some(i) = self.exact.matches(&path[..end]).iter().next_back() {
                return Some(i);
            }
        }
        self.exact
            .matches(path)
            .iter()
            .rev()
            .find(|&i| is_dir || !self.dir_only[i])
    }

    /// Conservative pruning test for a tree walk: false only when no file
    /// anywhere below directory `dir` (no trailing slash, e.g.
    /// `b"services/billing"`) can match.
    pub(crate) fn may_match_under(&self, dir: &[u8]) -> bool {
        if self.is_empty() {
            return false;
        }
        self.matches_anywhere || dir.is_empty() || self.prune.is_match(dir)
    }

    /// True when every file below `dir` matches: `dir` or a directory above
    /// it is matched, or a pattern `X/**` has `X` matching them.
    /// Conservative: false when unsure.
    pub(crate) fn matches_all_under(&self, dir: &[u8]) -> bool {
        !dir.is_empty() && self.covers.is_match(dir)
    }

    fn compile(parsed: &[Parsed]) -> Result<PathRules, String> {
        if parsed.is_empty() {
            return Ok(PathRules::empty());
        }
        let mut matches = Vec::with_capacity(parsed.len());
        let mut dir_matches = Vec::with_capacity(parsed.len());
        #[cfg(test)]
        let mut exact = Vec::with_capacity(parsed.len());
        let mut covers = Vec::new();
        let mut prune = Vec::new();
        let mut matches_anywhere = false;
        for p in parsed {
            let body = p.body_regex();
            // The pattern or an ancestor directory: git checks each leading
            // directory first and stops at the first ignored one, so a file
            // matches when some prefix ending at a `/` matches as a directory.
            matches.push(if p.dir_only {
                format!("^(?:{body})/.*$")
            } else {
                format!("^(?:{body})(?:/.*)?$")
            });
            dir_matches.push(format!("^(?:{body})(?:/.*)?$"));
            #[cfg(test)]
            exact.push(format!("^(?:{body})$"));
            covers.push(format!("^(?:{body})(?:/.*)?$"));
            // `X/**` matches every file strictly below X (`X/**/` only the
            // directories there, so not the files directly in X).
            if let (false, [head @ .., Tok::Sep, Tok::AnyPath]) = (p.dir_only, p.toks.as_slice()) {
                let head = tokens_regex(head, p.basename);
                covers.push(format!("^(?:{head})(?:/.*)?$"));
            }
            match p.prune_regex() {
                Some(re) => prune.push(re),
                None => matches_anywhere = true,
            }
        }
        Ok(PathRules {
            len: parsed.len(),
            #[cfg(test)]
            dir_only: parsed.iter().map(|p| p.dir_only).collect(),
            matches: build_set(&matches)?,
            dir_matches: build_set(&dir_matches)?,
            #[cfg(test)]
            exact: build_set(&exact)?,
            covers: build_set(&covers)?,
            prune: build_set(&prune)?,
            matches_anywhere,
        })
    }
}

impl Parsed {
    fn body_regex(&self) -> String {
        tokens_regex(&self.toks, self.basename)
    }

    /// Regex of the directories below which this pattern may match, or `None`
    /// when that is every directory.
    ///
    /// Walking the pattern segment by segment: a directory may hold matches
    /// when its components match the leading segments and then either the
    /// directory ends (a deeper file may match the rest), or the pattern ends
    /// (the directory lies inside a matched one), or a `**` is reached.
    fn prune_regex(&self) -> Option<String> {
        if self.basename || matches!(self.toks.first(), Some(Tok::AnyDirs | Tok::AnyPath)) {
            return None;
        }
        let mut re = String::from("^");
        let mut open = 0;
        let mut reached_any = false;
        for tok in &self.toks {
            match tok {
                Tok::Sep => {
                    re.push_str("(?:/");
                    open += 1;
                }
                Tok::AnyDirs | Tok::AnyPath => {
                    re.push_str(".*");
                    reached_any = true;
                    break;
                }
                _ => push_token(&mut re, tok),
            }
        }
        if !reached_any {
            re.push_str("(?:/.*)?");
        }
        for _ in 0..open {
            re.push_str(")?");
        }
        re.push('$');
        Some(re)
    }
}

fn build_set(patterns: &[String]) -> Result<RegexSet, String> {
    RegexSetBuilder::new(patterns)
        // Byte-wise like git: `?` is one byte and paths need not be UTF-8.
        .unicode(false)
        .dot_matches_new_line(true)
        .size_limit(64 << 20)
        .build()
        .map_err(|e| format!("the pattern list is too large to compile: {e}"))
}

fn tokens_regex(toks: &[Tok], basename: bool) -> String {
    let mut re = String::new();
    if basename {
        re.push_str("(?:.*/)?");
    }
    for tok in toks {
        push_token(&mut re, tok);
    }
    re
}

fn push_token(re: &mut String, tok: &Tok) {
    match tok {
        Tok::Lit(b) => push_byte(re, *b),
        Tok::Sep => re.push('/'),
        Tok::Any => re.push_str("[^/]"),
        Tok::Star => re.push_str("[^/]*"),
        Tok::AnyDirs => re.push_str("(?:.*/)?"),
        Tok::AnyPath => re.push_str(".*"),
        Tok::Class(set) => {
            re.push('[');
            let mut b = 0usize;
            while b < 256 {
                if !set[b] {
                    b += 1;
                    continue;
                }
                let start = b;
                while b + 1 < 256 && set[b + 1] {
                    b += 1;
                }
                push_byte(re, start as u8);
                if b > start {
                    re.push('-');
                    push_byte(re, b as u8);
                }
                b += 1;
            }
            re.push(']');
        }
    }
}

fn push_byte(re: &mut String, b: u8) {
    if b.is_ascii_alphanumeric() || b == b'_' {
        re.push(b as char);
    } else {
        re.push_str(&format!("\\x{b:02X}"));
    }
}

/// Parse one pattern the way git reads a `.gitignore` line.
fn parse(pattern: &str) -> Result<Parsed, String> {
    let raw = pattern.as_bytes();
    if raw.iter().any(|&b| matches!(b, b'\n' | b'\r' | 0)) {
        return Err("a pattern cannot contain a line break or NUL".into());
    }
    if raw.is_empty() {
        return Err("empty pattern".into());
    }
    if raw[0] == b'#' {
        return Err("a leading `#` makes a comment in gitignore rules; \
                    write `\\#` to match a name starting with `#`"
            .into());
    }
    if raw[0] == b'!' {
        return Err("negation (`!`) is not supported; \
                    write `\\!` to match a name starting with `!`"
            .into());
    }
    let mut p = trim_trailing_spaces(raw);
    if p.is_empty() {
        return Err("the pattern is only spaces, which gitignore rules drop; \
                    write `\\ ` for a literal trailing space"
            .into());
    }
    let dir_only = p.last() == Some(&b'/');
    if dir_only {
        p = &p[..p.len() - 1];
    }
    // Git counts any `/`, even an escaped one, when deciding on anchoring.
    let basename = !p.contains(&b'/');
    if !basename && p[0] == b'/' {
        p = &p[1..];
    }
    if p.is_empty() {
        return Err("`/` alone matches nothing".into());
    }
    let toks = tokenize(p, basename)?;
    Ok(Parsed {
        toks,
        basename,
        dir_only,
    })
}

/// Git drops trailing spaces unless escaped with `\`; tabs stay.
fn trim_trailing_spaces(p: &[u8]) -> &[u8] {
    let mut end = p.len();
    let mut last_space = None;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b' ' => {
                last_space.get_or_insert(i);
            }
            b'\\' => {
                i += 1;
                if i == p.len() {
                    return p;
                }
                last_space = None;
            }
            _ => last_space = None,
        }
        i += 1;
    }
    if let Some(s) = last_space {
        end = s;
    }
    &p[..end]
}

fn is_glob_special(b: u8) -> bool {
    matches!(b, b'*' | b'?' | b'[' | b'\\')
}

/// Tokenize a pattern body following git's `wildmatch` with `WM_PATHNAME`.
fn tokenize(p: &[u8], basename: bool) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::with_capacity(p.len());
    let mut i = 0;
    // After a separator (or at the start), another separator means an empty
    // segment, which no git path has.
    let mut after_sep = true;
    while i < p.len() {
        let b = p[i];
        let tok = match b {
            b'\\' => {
                i += 1;
                match p.get(i) {
                    None => {
                        return Err("a trailing `\\` escapes nothing, and git never \
                                    matches such a pattern; write `\\\\` for a backslash"
                            .into());
                    }
                    Some(b'/') => Tok::Sep,
                    Some(&c) => Tok::Lit(c),
                }
            }
            b'/' => Tok::Sep,
            b'?' => Tok::Any,
            b'[' => {
                let class = parse_class(p, i + 1)?;
                i = class.next - 1;
                Tok::Class(class.set)
            }
            b'*' => {
                let start = i;
                while p.get(i + 1) == Some(&b'*') {
                    i += 1;
                }
                let after = i + 1;
                // Git's matcher skips the literal prefix of a pattern (up to
                // the first special character) before wildcard matching, so a
                // `**` right after that prefix counts as starting a segment:
                // `ab**/c` matches `abx/y/c`.
                let at_segment_start = start == 0
                    || p[start - 1] == b'/'
                    || !p[..start].iter().any(|&c| is_glob_special(c));
                let at_segment_end = after == p.len()
                    || p[after] == b'/'
                    || (p[after] == b'\\' && p.get(after + 1) == Some(&b'/'));
                if basename || after - start < 2 || !at_segment_start || !at_segment_end {
                    Tok::Star
                } else if p.get(after) == Some(&b'/') {
                    i = after;
                    Tok::AnyDirs
                } else {
                    // At the end, or before `\/`, which git does not treat as
                    // the separator that allows "zero directories".
                    Tok::AnyPath
                }
            }
            c => Tok::Lit(c),
        };
        if tok == Tok::Sep {
            if after_sep {
                return Err("empty path segment (`//` or a leading `//`) never matches".into());
            }
            after_sep = true;
        } else {
            after_sep = tok == Tok::AnyDirs;
        }
        toks.push(tok);
        i += 1;
    }
    if after_sep {
        return Err("empty path segment (a pattern ending in `//`) never matches".into());
    }
    Ok(toks)
}

const UNCLOSED_CLASS: &str = "unclosed character class; write `\\[` for a literal `[`";

/// A parsed class: its byte set, the index after its `]`, and the ends of its first reversed
/// range (`[z-a]`), if any.
struct Class {
    set: Box<[bool; 256]>,
    next: usize,
    reversed: Option<(u8, u8)>,
}

/// Parse a class whose `[` is just before `start`; see [`Class`].
/// Mirrors git's `wildmatch`: the first
/// member may be `]`, `-` is literal first, last or right after a range, and
/// a reversed range adds only its first byte.
fn parse_class(p: &[u8], start: usize) -> Result<Class, String> {
    let mut set = Box::new([false; 256]);
    let mut reversed = None;
    let mut i = start;
    let negated = matches!(p.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut prev: Option<u8> = None;
    loop {
        let Some(&c) = p.get(i) else {
            return Err(UNCLOSED_CLASS.into());
        };
        if c == b'\\' {
            i += 1;
            let &e = p.get(i).ok_or(UNCLOSED_CLASS)?;
            set[e as usize] = true;
            prev = Some(e);
        } else if c == b'-' && prev.is_some() && p.get(i + 1).is_some_and(|&n| n != b']') {
            i += 1;
            let mut end = p[i];
            if end == b'\\' {
                i += 1;
                end = *p.get(i).ok_or(UNCLOSED_CLASS)?;
            }
            let lo = prev.unwrap_or(end);
            if lo > end {
                reversed = reversed.or(Some((lo, end)));
            }
            for b in lo..=end {
                set[b as usize] = true;
            }
            prev = None;
        } else if c == b'[' && p.get(i + 1) == Some(&b':') {
            let name_start = i + 2;
            let close = p[name_start..]
                .iter()
                .position(|&b| b == b']')
                .map(|off| name_start + off)
                .ok_or(UNCLOSED_CLASS)?;
            if close > name_start && p[close - 1] == b':' {
                let name = &p[name_start..close - 1];
                add_posix_class(&mut set, name).ok_or_else(|| {
                    format!(
                        "unknown character class `[:{}:]`",
                        String::from_utf8_lossy(name)
                    )
                })?;
                i = close;
                prev = None;
            } else {
                // No `:]` before the next `]`: the `[` is an ordinary member.
                set[b'[' as usize] = true;
                prev = Some(b'[');
            }
        } else {
            set[c as usize] = true;
            prev = Some(c);
        }
        i += 1;
        match p.get(i) {
            None => return Err(UNCLOSED_CLASS.into()),
            Some(b']') => break,
            Some(_) => {}
        }
    }
    if negated {
        for v in set.iter_mut() {
            *v = !*v;
        }
    }
    // Git never lets a class match `/`; NUL cannot occur in a path.
    set[b'/' as usize] = false;
    set[0] = false;
    if !set.iter().any(|&v| v) {
        return Err("this character class matches nothing (a class never matches `/`)".into());
    }
    Ok(Class {
        set,
        next: i + 1,
        reversed,
    })
}

/// POSIX class names as git's `wildmatch` defines them (ASCII only; its
/// `space` leaves out `\v` and `\f`).
fn add_posix_class(set: &mut [bool; 256], name: &[u8]) -> Option<()> {
    let test: fn(u8) -> bool = match name {
        b"alnum" => |c| c.is_ascii_alphanumeric(),
        b"alpha" => |c| c.is_ascii_alphabetic(),
        b"blank" => |c| c == b' ' || c == b'\t',
        b"cntrl" => |c| c.is_ascii_control(),
        b"digit" => |c| c.is_ascii_digit(),
        b"graph" => |c| c.is_ascii_graphic(),
        b"lower" => |c| c.is_ascii_lowercase(),
        b"print" => |c| c.is_ascii_graphic() || c == b' ',
        b"punct" => |c| c.is_ascii_punctuation(),
        b"space" => |c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'),
        b"upper" => |c| c.is_ascii_uppercase(),
        b"xdigit" => |c| c.is_ascii_hexdigit(),
        _ => return None,
    };
    for c in 0..=255u8 {
        if test(c) {
            set[c as usize] = true;
        }
    }
    Some(())
}

/// The ends of the first reversed range in a class of `pattern` (`[z-a]`): almost surely a
/// mistake, since git then matches the first character alone.
pub(crate) fn reversed_range(pattern: &str) -> Option<(char, char)> {
    let p = pattern.as_bytes();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => i += 2,
            b'[' => {
                let class = parse_class(p, i + 1).ok()?;
                if let Some((lo, hi)) = class.reversed {
                    return Some((char::from(lo), char::from(hi)));
                }
                i = class.next;
            }
            _ => i += 1,
        }
    }
    None
}

/// Production = matches `paths` and not `exclude`.
#[derive(Debug, Clone)]
pub(crate) struct Production {
    /// `production.paths`
    pub(crate) paths: PathRules,
    /// `production.exclude`
    pub(crate) exclude: PathRules,
}

impl Production {
    /// Is this changed path a production path?
    pub(crate) fn is_production(&self, path: &[u8]) -> bool {
        self.paths.is_match(path) && !self.exclude.is_match(path)
    }

    /// Conservative: may any file below `dir` be production?
    pub(crate) fn may_contain_production(&self, dir: &[u8]) -> bool {
        self.paths.may_match_under(dir) && !self.exclude.matches_all_under(dir)
    }
}

#[cfg(test)]
mod tests;
