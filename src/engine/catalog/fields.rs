//! Compiling one pattern field of every entry into a single set, and checking each kind of
//! pattern (regex, e-mail, marker, trailer key, subject prefix) the way the set will use it.

use super::starts::Starts;
use super::{AssistantDef, CatalogError};
use regex::{Regex, RegexSet, RegexSetBuilder};
use std::sync::OnceLock;

/// One pattern field of every entry, compiled into a single set: at once, or (for fields
/// most commits never consult) on first use.
pub(super) struct Field {
    patterns: Vec<String>,
    compiled: OnceLock<Compiled>,
    /// For fields compiled on first use, the cheaper ways to answer most texts.
    deferred: Option<Deferred>,
    /// Per set pattern: (entry index, index in that entry's field).
    owners: Vec<(usize, usize)>,
}

enum Compiled {
    Set(RegexSet),
    /// Only when the set outgrows its size limit, which no checked pattern does alone: each
    /// pattern by itself (a pattern that cannot be compiled matches nothing; every pattern
    /// was checked where it was written, so none is left out in practice).
    Each(Vec<Option<Regex>>),
}

/// What a field compiled on first use answers most texts with, each made when first needed.
#[derive(Default)]
struct Deferred {
    /// The patterns restricted to ASCII texts ([`super::ascii`]); `None` inside when they
    /// cannot be, and the full set answers.
    ascii: OnceLock<Option<RegexSet>>,
    /// What their matches begin with ([`super::starts`]), so a non-ASCII text no pattern can
    /// match needs no full set.
    starts: OnceLock<Starts>,
}

/// A compiled field as it answers one text.
enum Matcher<'a> {
    Set(&'a RegexSet),
    Each(&'a [Option<Regex>]),
}

/// The patterns restricted to ASCII texts, as one set; `None` if any cannot be.
fn ascii_set(patterns: &[String]) -> Option<RegexSet> {
    let restricted: Option<Vec<String>> = patterns
        .iter()
        .map(|p| super::ascii::ascii_pattern(p))
        .collect();
    set_of(&restricted?).ok()
}

impl Compiled {
    fn of(patterns: &[String]) -> Compiled {
        match set_of(patterns) {
            Ok(set) => Compiled::Set(set),
            Err(_) => Compiled::Each(patterns.iter().map(|p| Regex::new(p).ok()).collect()),
        }
    }
}

fn set_of(patterns: &[String]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(patterns)
        .size_limit(SET_SIZE_LIMIT)
        .build()
}

impl Field {
    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| Compiled::of(&self.patterns))
    }

    /// What answers for `text`: the ASCII set for an ASCII text where there is one (the same
    /// answers, far cheaper to compile), nothing for a text no pattern can begin to match,
    /// else the full set.
    fn compiled_for(&self, text: &str) -> Matcher<'_> {
        if let Some(deferred) = &self.deferred {
            if !text.is_ascii() {
                let starts = deferred.starts.get_or_init(|| Starts::of(&self.patterns));
                if !starts.may_match(text) {
                    return Matcher::Each(&[]);
                }
            } else if let Some(set) = deferred.ascii.get_or_init(|| ascii_set(&self.patterns)) {
                return Matcher::Set(set);
            }
        }
        match self.compiled() {
            Compiled::Set(set) => Matcher::Set(set),
            Compiled::Each(each) => Matcher::Each(each),
        }
    }

    /// Indices of the patterns matching `text`, in order.
    fn matching(&self, text: &str) -> Vec<usize> {
        if self.owners.is_empty() {
            return Vec::new();
        }
        match self.compiled_for(text) {
            // `is_match` first: it needs no allocation, and most texts match nothing.
            Matcher::Set(set) if !set.is_match(text) => Vec::new(),
            Matcher::Set(set) => set.matches(text).iter().collect(),
            Matcher::Each(each) => each
                .iter()
                .enumerate()
                .filter(|(_, r)| r.as_ref().is_some_and(|r| r.is_match(text)))
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// First entry (then first pattern of it) matching `text`.
    pub(super) fn first(&self, text: &str) -> Option<(usize, usize)> {
        if self.owners.is_empty() {
            return None;
        }
        if let Matcher::Set(set) = self.compiled_for(text) {
            if !set.is_match(text) {
                return None;
            }
            return set.matches(text).iter().next().map(|p| self.owners[p]);
        }
        self.matching(text).first().map(|&p| self.owners[p])
    }

    /// Every (entry, pattern) matching `text`, in entry order.
    pub(super) fn all(&self, text: &str) -> Vec<(usize, usize)> {
        self.matching(text)
            .into_iter()
            .map(|p| self.owners[p])
            .collect()
    }
}

/// Which patterns of a field are regexes as written, and which need translating.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Regex,
    /// Regexes as written, compiled on first use.
    Deferred,
    Email,
    Marker,
}

pub(super) fn err(
    d: &AssistantDef,
    field: &'static str,
    index: usize,
    message: String,
) -> CatalogError {
    CatalogError {
        assistant: d.id.clone(),
        field,
        index,
        message,
    }
}

pub(super) fn check_ids(defs: &[AssistantDef], errors: &mut Vec<CatalogError>) {
    for (n, d) in defs.iter().enumerate() {
        if d.id.trim().is_empty() {
            errors.push(err(d, "id", n, "empty assistant id".to_string()));
        } else if defs[..n].iter().any(|o| o.id.eq_ignore_ascii_case(&d.id)) {
            // A second entry with the same id could never be matched by id.
            errors.push(err(
                d,
                "id",
                n,
                format!("duplicate assistant id `{}`", d.id),
            ));
        }
    }
}

/// Compile one field of every entry into a set; `None` if any pattern is bad.
pub(super) fn build(
    defs: &[AssistantDef],
    field: &'static str,
    get: impl Fn(&AssistantDef) -> &Vec<String>,
    kind: Kind,
    errors: &mut Vec<CatalogError>,
) -> Option<Field> {
    let defer = matches!(kind, Kind::Deferred);
    let before = errors.len();
    let mut patterns = Vec::new();
    let mut owners = Vec::new();
    for (e, d) in defs.iter().enumerate() {
        for (i, p) in get(d).iter().enumerate() {
            let pattern = match kind {
                Kind::Regex => p.clone(),
                // Compiled when first needed. Every pattern was compiled once already where it
                // was written (a policy's when the policy was read, the built-in ones by the
                // tests), so a syntax check is enough here: the full parse, which expands
                // Unicode classes, was a quarter of a one-commit hook's work.
                Kind::Deferred => match regex_syntax::ast::parse::Parser::new().parse(p) {
                    Ok(_) => p.clone(),
                    Err(e) => {
                        errors.push(err(d, field, i, syntax_message(&e.into())));
                        continue;
                    }
                },
                Kind::Email => match email_regex(p) {
                    Ok(r) => r,
                    Err(m) => {
                        errors.push(err(d, field, i, m));
                        continue;
                    }
                },
                Kind::Marker if p.trim().is_empty() => {
                    errors.push(err(d, field, i, "empty marker".to_string()));
                    continue;
                }
                Kind::Marker => format!("(?i){}", regex::escape(p)),
            };
            patterns.push(pattern);
            owners.push((e, i));
        }
    }
    if errors.len() > before {
        return None;
    }
    if defer {
        return Some(Field {
            patterns,
            compiled: OnceLock::new(),
            deferred: Some(Deferred::default()),
            owners,
        });
    }
    match set_of(&patterns) {
        Ok(set) => Some(Field {
            patterns,
            compiled: OnceLock::from(Compiled::Set(set)),
            deferred: None,
            owners,
        }),
        Err(set_error) => {
            // The set only says that some pattern is bad: compile each to name them all.
            let before_regexes = errors.len();
            for (pattern, &(e, i)) in patterns.iter().zip(&owners) {
                if let Err(re) = Regex::new(pattern) {
                    errors.push(err(&defs[e], field, i, regex_message(&re)));
                }
            }
            if errors.len() == before_regexes {
                errors.push(CatalogError {
                    assistant: String::new(),
                    field,
                    index: 0,
                    message: format!("patterns too large together: {}", regex_message(&set_error)),
                });
            }
            None
        }
    }
}

/// Room for every field of a large policy; the built-in catalog needs far less.
const SET_SIZE_LIMIT: usize = 64 << 20;

/// Every marker in one ASCII-case-insensitive automaton, with each pattern's (entry, index).
#[derive(Debug)]
pub(super) struct MarkerScan {
    /// The same markers as one regex: it rules a message out several times faster than the
    /// automaton (its literal search skips ahead), and nearly every message has no marker.
    pub(super) any: Option<regex::Regex>,
    pub(super) automaton: aho_corasick::AhoCorasick,
    pub(super) owners: Vec<(usize, usize)>,
}

impl MarkerScan {
    /// Does any marker occur in `message`?
    pub(super) fn any_in(&self, message: &str) -> bool {
        match &self.any {
            Some(any) => any.is_match(message),
            None => self.automaton.is_match(message),
        }
    }
}

/// The markers of `defs` as a [`MarkerScan`]; `None` when a marker has a non-ASCII letter with
/// another case (the regex path then keeps Unicode case folding). Caseless characters such as
/// an emoji compare the same either way.
pub(super) fn marker_automaton(defs: &[AssistantDef]) -> Option<MarkerScan> {
    let mut patterns = Vec::new();
    let mut owners = Vec::new();
    for (e, d) in defs.iter().enumerate() {
        for (i, m) in d.markers.iter().enumerate() {
            if !m.chars().all(caseless_or_ascii) {
                return None;
            }
            patterns.push(m.as_str());
            owners.push((e, i));
        }
    }
    let automaton = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&patterns)
        .ok()?;
    // `(?i-u)` folds ASCII letters only, as the automaton does: both find the same messages.
    let alternation: Vec<String> = patterns.iter().map(|p| regex::escape(p)).collect();
    let any = (!patterns.is_empty())
        .then(|| regex::Regex::new(&format!("(?i-u){}", alternation.join("|"))).ok())
        .flatten();
    Some(MarkerScan {
        any,
        automaton,
        owners,
    })
}

/// ASCII (the automaton folds its case), or a character with no other case.
fn caseless_or_ascii(c: char) -> bool {
    c.is_ascii() || (c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]))
}

/// Check one pattern of a field as [`Catalog::compile`] will, so a policy can report the
/// problem where it is written. `field` is `emails`, `identities`, `names`, `models`,
/// `markers`, `session_trailers` or `subject_prefixes`.
pub(crate) fn check_pattern(field: &str, pattern: &str) -> Result<(), String> {
    match field {
        "emails" => email_regex(pattern).map(|_| ()),
        "identities" | "names" | "models" => regex::Regex::new(pattern)
            .map(|_| ())
            .map_err(|e| regex_message(&e)),
        "session_trailers" if !valid_key(pattern) => Err(format!(
            "`{pattern}` is not a trailer key (ASCII letters, digits and `-`)"
        )),
        "markers" if pattern.trim().is_empty() => Err("empty marker".to_string()),
        // A blank prefix would name every commit; a line break can never start a title.
        "subject_prefixes" if pattern.trim().is_empty() => Err("empty subject prefix".to_string()),
        "subject_prefixes" if pattern.contains(['\n', '\r']) => {
            Err("a subject prefix is on the title line: no line break".to_string())
        }
        _ => Ok(()),
    }
}

/// Last line of a regex error: the part that says what is wrong.
fn regex_message(e: &regex::Error) -> String {
    last_line_message(&e.to_string())
}

/// [`regex_message`] for the parser's own error (the same text `regex` reports).
fn syntax_message(e: &regex_syntax::Error) -> String {
    last_line_message(&e.to_string())
}

fn last_line_message(text: &str) -> String {
    let last = text.lines().last().unwrap_or("").trim();
    let last = last.strip_prefix("error: ").unwrap_or(last);
    format!("invalid regex: {last}")
}

/// `*` → any run of characters; everything else literal; case-insensitive; whole address.
pub(super) fn email_regex(p: &str) -> Result<String, String> {
    let p = p.trim();
    if p.is_empty() {
        return Err("empty email pattern".to_string());
    }
    if !p.contains('@') {
        return Err(format!("`{p}` is not an address (no `@`)"));
    }
    if p.chars().any(|c| c.is_whitespace() || c == '<' || c == '>') {
        return Err(format!(
            "`{p}` is not an address (no spaces or angle brackets)"
        ));
    }
    let body: Vec<String> = p.split('*').map(regex::escape).collect();
    Ok(format!("(?i)^{}$", body.join(".*")))
}

pub(super) fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
