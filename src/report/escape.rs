//! Showing text taken from commits on a terminal or in a hook message (docs/output.md, "Control
//! characters"): control characters are escaped so a subject, name, path or value cannot move the
//! cursor, hide the lines after it or retitle the window.

use std::fmt::{self, Write};

/// `text` for a terminal: C0 controls other than tab, and DEL, as `\xNN`; C1 controls
/// (U+0080–U+009F) as `\u{NN}`; everything else as it is. Width and alignment apply to the
/// escaped text.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

fn needs_escape(c: char) -> bool {
    c.is_control() && c != '\t'
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.chars().any(needs_escape) {
            return f.pad(self.0);
        }
        let mut shown = String::with_capacity(self.0.len() + 8);
        for c in self.0.chars() {
            match c {
                c if !needs_escape(c) => shown.push(c),
                '\0'..='\x1f' | '\x7f' => write!(shown, "\\x{:02x}", c as u32)?,
                c => write!(shown, "\\u{{{:x}}}", c as u32)?,
            }
        }
        f.pad(&shown)
    }
}

/// A message of several lines that quotes text from files or commits (an error naming a
/// pattern, a path, a ref): escaped as [`Escaped`], except the newlines that end its lines.
#[derive(Debug, Clone, Copy)]
pub struct EscapedLines<'a>(pub &'a str);

impl fmt::Display for EscapedLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.split('\n').enumerate() {
            if i > 0 {
                f.write_char('\n')?;
            }
            write!(f, "{}", Escaped(line))?;
        }
        Ok(())
    }
}

/// Each item escaped, joined by `sep`.
pub fn escape_join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", Escaped(item.as_ref()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        for (text, shown) in [
            ("plain é 日本", "plain é 日本"),
            ("tab\tkept", "tab\tkept"),
            ("hide\u{1b}[8m", "hide\\x1b[8m"),
            ("a\nb\rc\0", "a\\x0ab\\x0dc\\x00"),
            ("del\u{7f}", "del\\x7f"),
            ("csi\u{9b}8m nel\u{85}", "csi\\u{9b}8m nel\\u{85}"),
            ("a\\x1b", "a\\x1b"),
        ] {
            assert_eq!(Escaped(text).to_string(), shown, "{text:?}");
        }
        assert_eq!(format!("{:6}|", Escaped("\u{1b}")), "\\x1b  |");
        assert_eq!(escape_join(&["a\u{7}", "b"], ", "), "a\\x07, b");
        assert_eq!(
            EscapedLines("bad `a\u{1b}[8m`\n  help: \r").to_string(),
            "bad `a\\x1b[8m`\n  help: \\x0d"
        );
    }
}
