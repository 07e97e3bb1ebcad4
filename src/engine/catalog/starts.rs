//! A quick test that no pattern of a field can match a text, so the field's full set need not
//! be compiled for it: the product names are matched against many values that are people's
//! names (`Co-authored-by: René …`), and their Unicode set is the costliest to compile.
//!
//! Exact by construction: the parser lists the literals every match of a pattern begins with
//! (after case folding is spelled out, so `K` and the Kelvin sign are both there), and a
//! pattern anchored at the start of the text can only match a text that begins with one. A
//! pattern for which no finite list exists, or that is not so anchored, may always match.

use regex_syntax::hir::Look;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Literals kept per pattern's beginning: enough to tell a product from a person's name.
const LITERAL_BYTES: usize = 4;
/// Literals listed per pattern before the list counts as endless.
const MAX_LITERALS: usize = 4096;

/// For each pattern, the literals its matches begin with, when it is anchored at the start
/// of the text and they are finitely many; `None` when the pattern may match any text.
pub(super) struct Starts {
    per_pattern: Vec<Option<Vec<Vec<u8>>>>,
}

impl Starts {
    /// The beginnings of `patterns` (as `regex` parses them).
    pub(super) fn of(patterns: &[String]) -> Starts {
        Starts {
            per_pattern: patterns.iter().map(|p| beginnings(p)).collect(),
        }
    }

    /// Whether some pattern could match `text`; false means none can.
    pub(super) fn may_match(&self, text: &str) -> bool {
        self.per_pattern.iter().any(|starts| match starts {
            None => true,
            Some(literals) => literals.iter().any(|l| text.as_bytes().starts_with(l)),
        })
    }
}

fn beginnings(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    if !hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    let mut extractor = Extractor::new();
    extractor
        .kind(ExtractKind::Prefix)
        .limit_literal_len(LITERAL_BYTES)
        .limit_total(MAX_LITERALS);
    let literals = extractor.extract(&hir);
    let literals = literals.literals()?;
    Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::RegexSet;

    fn names() -> Vec<String> {
        super::super::builtin_patterns(&["names"])
    }

    fn catalog() -> &'static (RegexSet, Starts) {
        static BOTH: std::sync::OnceLock<(RegexSet, Starts)> = std::sync::OnceLock::new();
        BOTH.get_or_init(|| {
            let names = names();
            (RegexSet::new(&names).expect("compiles"), Starts::of(&names))
        })
    }

    #[test]
    fn every_catalog_name_has_a_finite_beginning() {
        // Otherwise the test passes for nothing: any text would need the full set.
        let names = names();
        assert!(names.len() > 30);
        for name in &names {
            assert!(beginnings(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_person_s_name_needs_no_set_and_a_product_does() {
        let (set, starts) = catalog();
        for person in [
            "René Scharfe",
            "Ævar Arnfjörð Bjarmason",
            "Đoàn Trần Công Danh",
        ] {
            assert!(!starts.may_match(person), "{person}");
            assert!(!set.is_match(person), "{person}");
        }
        // Non-ASCII products: a folded letter, a letter in the version word, a space.
        for product in [
            "\u{212A}iro 2",
            "Claude Fäble 5",
            "Claude\u{a0}Code",
            "ſweep AI",
        ] {
            assert!(set.is_match(product), "{product}");
            assert!(starts.may_match(product), "{product}");
        }
    }

    #[test]
    fn unanchored_or_open_patterns_may_always_match() {
        let starts = Starts::of(&["claude".to_string(), r"(?i)^\w+x".to_string()]);
        assert!(starts.may_match("Ævar"));
        let anchored = Starts::of(&[r"(?i)^claude".to_string()]);
        assert!(!anchored.may_match("Ævar") && anchored.may_match("CLAUDE"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn what_cannot_start_a_match_matches_nothing(
            text in "(?i)(\u{212A}|ſ|é|Æ|[a-z ]){0,3}(claude|kiro|sweep|cursor|aider|codex|devin|amp|oz|q|v0)?[ _\u{a0}-]{0,2}(code|fäble|[0-9.]{1,3}|\\(x\\))?"
        ) {
            let (set, starts) = catalog();
            if !starts.may_match(&text) {
                prop_assert!(!set.is_match(&text), "{:?}", text);
            }
        }
    }
}
