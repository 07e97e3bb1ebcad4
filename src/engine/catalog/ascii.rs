//! A pattern restricted to texts that are all ASCII: the same answer on every such text, at a
//! fraction of the compile cost. The catalog's names and model families use Unicode classes
//! (`\p{L}`, `\d`, `\s`, `\b`, case folding), and compiling them is most of a short hook's
//! work; nearly every text they are matched against is ASCII.
//!
//! Exact by construction, on the parsed pattern (after case folding is spelled out): a class
//! keeps only its ASCII members (an ASCII character is in the class iff it is in what is
//! kept), a literal with a non-ASCII byte can never occur and matches nothing, and Unicode
//! word boundaries become ASCII ones (on ASCII text both see the same word characters).

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Look, Repetition,
};

/// `pattern` (as `regex` parses it) restricted to ASCII texts, written back as a pattern;
/// `None` if it does not parse.
pub(super) fn ascii_pattern(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    Some(restrict(&hir).to_string())
}

fn restrict(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) if literal.0.is_ascii() => Hir::literal(literal.0.clone()),
        HirKind::Literal(_) => Hir::fail(),
        HirKind::Class(Class::Unicode(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassBytes::new([ClassBytesRange::new(0, 0x7f)]));
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(look) => Hir::look(ascii_look(*look)),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(restrict(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(restrict(&c.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(restrict).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(restrict).collect()),
    }
}

fn ascii_look(look: Look) -> Look {
    match look {
        Look::WordUnicode => Look::WordAscii,
        Look::WordUnicodeNegate => Look::WordAsciiNegate,
        Look::WordStartUnicode => Look::WordStartAscii,
        Look::WordEndUnicode => Look::WordEndAscii,
        Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
        Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::RegexSet;

    /// Patterns where Unicode and ASCII differ on some text, and the catalog's own forms.
    const TRICKY: &[&str] = &[
        r"(?i)ſ",             // long s folds to `s` and `S`: ASCII texts can match it
        r"(?i)\x{212A}elvin", // the Kelvin sign folds to `k`
        r"é|(?i)É",           // never in ASCII text
        r"^\p{L}+\s\d+$",
        r"\bclaude\b",
        r"(?i)^(?:[\w.-]+[/:.])?gpt\b",
        r"^.$",
        r"[^a]b",
        r"\W\S\D",
        r"(?-u:\b)x(?-u:\B)",
        r"(?m)^a$",
        r"\b{start}co\b{end}",
        r"(?i)^(?:anthropic[\s_-]+)?claude(?:[\s_-]+(?-i:\p{L}+)[\s_-]+v?\d.*)?$",
        r"(?P<named>x)(y)",
        r"[[:alpha:]]{2,}[[:^digit:]]",
    ];

    /// The catalog's sets, compiled once for all cases.
    fn catalog_sets() -> &'static (RegexSet, RegexSet) {
        static SETS: std::sync::OnceLock<(RegexSet, RegexSet)> = std::sync::OnceLock::new();
        SETS.get_or_init(|| both(&catalog_patterns()))
    }

    fn both(patterns: &[String]) -> (RegexSet, RegexSet) {
        let ascii: Vec<String> = patterns
            .iter()
            .map(|p| ascii_pattern(p).expect("parses"))
            .collect();
        (
            RegexSet::new(patterns).expect("compiles"),
            RegexSet::new(&ascii).expect("the restricted form compiles"),
        )
    }

    fn catalog_patterns() -> Vec<String> {
        let mut all: Vec<String> = TRICKY.iter().map(|p| p.to_string()).collect();
        all.extend(super::super::builtin_patterns(&[
            "names",
            "models",
            "identities",
        ]));
        all
    }

    #[test]
    fn the_restriction_answers_as_the_pattern_on_named_texts() {
        assert!(
            catalog_patterns().len() > 60,
            "{}",
            catalog_patterns().len()
        );
        let (full, ascii) = catalog_sets();
        let texts = [
            "s",
            "S",
            "kelvin",
            "Kelvin",
            "e",
            "E",
            "Claude 35",
            "claude",
            "xclaude",
            "openai/gpt",
            "gpt-5",
            "a",
            "\n",
            "ab",
            "bb",
            "!! x",
            " x ",
            "co",
            "a\nb",
            "xy",
            "ab1",
            "abc",
            "Claude Code",
            "Claude Fable 5",
            "Claude Opus 4.1",
            "aider (gpt-4o)",
            "GPT-5.6 Sol",
            "Cursor with Claude 3.5 Sonnet",
            "codex",
            "Copilot",
            "gemini-2.5-pro",
            "o3 ",
            "claude-3-opus",
            "Claude Dioudonnat",
            "",
        ];
        for text in texts {
            let (f, a): (Vec<usize>, Vec<usize>) = (
                full.matches(text).into_iter().collect(),
                ascii.matches(text).into_iter().collect(),
            );
            assert_eq!(f, a, "{text:?}");
        }
    }

    #[test]
    fn unicode_only_matches_are_lost_only_on_non_ascii_text() {
        // The restriction is for ASCII texts alone: on others it may differ (and is not used).
        let (full, ascii) = both(&[r"(?i)^\p{L}+$".to_string()]);
        assert!(full.is_match("Ævar") && !ascii.is_match("Ævar"));
        assert!(full.is_match("Avar") && ascii.is_match("Avar"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_restriction_answers_as_the_pattern_on_ascii_texts(
            text in "[ -~\t\n]{0,24}|(?i)(anthropic |openai/)?(claude|gpt|codex|cursor|gemini|aider|kelvin|s)[ _-]?(code|opus|v?[0-9.]{1,4}|[a-z]{1,6})?[ (]{0,2}[a-z0-9]{0,6}"
        ) {
            // Case-insensitive generation can pick `ſ` or the Kelvin sign: this test's texts
            // are ASCII, so those are dropped (rejecting such cases would reject too many).
            let text: String = text.chars().filter(char::is_ascii).collect();
            let (full, ascii) = catalog_sets();
            let f: Vec<usize> = full.matches(&text).into_iter().collect();
            let a: Vec<usize> = ascii.matches(&text).into_iter().collect();
            prop_assert_eq!(f, a);
        }
    }
}
