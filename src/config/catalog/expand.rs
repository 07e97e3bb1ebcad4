//! How the data file's short forms become the patterns the engine compiles: anchored product
//! names, whole-name identities, model families behind a provider prefix, and the two
//! noreply addresses of a GitHub bot login. The anchoring rules are in `builtin.toml`'s
//! header and docs/recognition.md.

const NOREPLY: &str = "@users.noreply.github.com";

/// Expands `~`, the word separator of the data file's patterns.
fn sep(body: &str) -> String {
    body.replace('~', r"[\s_-]+")
}

/// An anchored `names` pattern: the product name, then optionally what may follow it.
///
/// Nothing; a version (`Codex 5`, `ChatGPTv5`, `claude-3-opus`); a known model family
/// (`Claude Opus`); any word followed by a version (`Claude Fable 5`, a family not yet
/// known); a parenthetical/bracket (`aider (gpt-4o)`, `claude[bot]`); or a connector and
/// whatever it joins (`Cursor with Claude 3.5 Sonnet`, `Claude Code + Opus`). Never a bare
/// word, which would make it a person's name (`Claude Dioudonnat`).
pub(super) fn named(head: &str, families: &[String]) -> String {
    let mut tail = String::new();
    if !families.is_empty() {
        tail.push_str(&format!(r"[\s_-]+(?:{})\b.*|", families.join("|")));
    }
    // `\p{L}` needs no case folding (letters fold to letters), and folding it would cost
    // every start several milliseconds: it is written case-sensitive.
    tail.push_str(r"(?:[\s_-]+v?|v)\d.*|[\s_-]+(?-i:\p{L}+)[\s_-]+v?\d.*|\s*[(\[].*");
    tail.push_str(r"|\s*[+/&,;].*|\s+(?:with|using|via|and)\s.*");
    format!(r"(?i)^(?:{})(?:{tail})?$", sep(head))
}

/// Case-insensitive, fully anchored identity pattern.
pub(super) fn ident(body: &str) -> String {
    format!(r"(?i)^(?:{})$", sep(body))
}

/// Model-family pattern: anchored at the start, optionally behind a provider prefix
/// (`openai/`, `vertex_ai/`, `anthropic.`), open at the end (`GPT-5.6 Sol`).
pub(super) fn model(body: &str) -> String {
    format!(r"(?i)^(?:[\w.-]+[/:.])?(?:{})", sep(body))
}

/// Noreply addresses of a GitHub bot login, numbered and bare.
pub(super) fn bot(login: &str) -> [String; 2] {
    [format!("*+{login}{NOREPLY}"), format!("{login}{NOREPLY}")]
}
