//! A commit re-encoded to UTF-8 the way `git log` does before it reads anything from it
//! (`pretty.c` `repo_logmsg_reencode`; `utf8.c` `reencode_string_len`, `same_encoding`,
//! `is_encoding_utf8`): the whole object up to its first NUL, headers included, is converted
//! from the encoding its first `encoding` header names, with the system's iconv; where the
//! conversion fails, the raw bytes stand, as in git.

use super::iconv::Converter;
use std::borrow::Cow;
use std::ffi::CString;

/// A commit object as `git log` reads it.
pub(super) struct Reencoded<'a> {
    /// The object's bytes, converted to UTF-8 where git converts them.
    pub text: Cow<'a, [u8]>,
    /// The declared encoding, when this system's iconv does not know it: git here shows the
    /// raw bytes too, but a git with another iconv may show other text.
    pub unknown_encoding: Option<String>,
}

/// `raw` re-encoded to UTF-8 as `git log` re-encodes it.
pub(super) fn to_utf8(raw: &[u8]) -> Reencoded<'_> {
    let unchanged = |unknown_encoding| Reencoded {
        text: Cow::Borrowed(raw),
        unknown_encoding,
    };
    let Some(encoding) = header_value(raw, b"encoding") else {
        return unchanged(None);
    };
    if same_encoding(encoding, b"UTF-8") {
        return unchanged(None);
    }
    // git hands iconv the object as a C string.
    let input = raw.split(|&b| b == 0).next().unwrap_or_default();
    match converter(encoding) {
        Some(mut c) => match c.convert(input) {
            Some(out) => Reencoded {
                text: Cow::Owned(out),
                unknown_encoding: None,
            },
            None => unchanged(None),
        },
        None => unchanged(Some(String::from_utf8_lossy(encoding).into_owned())),
    }
}

/// The value of the first header line `KEY value`, as `commit.c` `find_commit_header` finds
/// it: the headers end at the first empty line or NUL.
fn header_value<'a>(raw: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut line = 0;
    loop {
        let rest = raw.get(line..)?;
        let len = rest
            .iter()
            .position(|&b| b == b'\n' || b == 0)
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        if len > key.len() && rest.starts_with(key) && rest[key.len()] == b' ' {
            return rest.get(key.len() + 1..len);
        }
        if rest.get(len) != Some(&b'\n') {
            return None;
        }
        line += len + 1;
    }
}

/// A conversion to UTF-8 from `encoding`, trying git's fallback spellings as git does.
fn converter(encoding: &[u8]) -> Option<Converter> {
    let utf8 = c"UTF-8";
    // git reads UTF-16LE-BOM as UTF-16.
    let from = if same_utf_encoding(b"UTF-16LE-BOM", encoding) {
        b"UTF-16".as_slice()
    } else {
        encoding
    };
    let name = CString::new(from).ok()?;
    Converter::open(utf8, &name).or_else(|| {
        let fallback = CString::new(fallback_encoding(from)).ok()?;
        Converter::open(utf8, &fallback)
    })
}

/// Some systems know only the most official spelling of UTF-8 and of Latin-1.
fn fallback_encoding(name: &[u8]) -> &[u8] {
    if same_utf_encoding(b"utf-8", name) {
        b"UTF-8"
    } else if name.eq_ignore_ascii_case(b"latin-1") {
        b"ISO-8859-1"
    } else {
        name
    }
}

/// git's `same_encoding`: equal ignoring case, or two spellings of one UTF.
fn same_encoding(a: &[u8], b: &[u8]) -> bool {
    same_utf_encoding(a, b) || a.eq_ignore_ascii_case(b)
}

/// `UTF-16BE` and `utf16be` are one encoding: `utf`, an optional `-`, the rest ignoring case.
fn same_utf_encoding(a: &[u8], b: &[u8]) -> bool {
    let rest = |s: &[u8]| -> Option<Vec<u8>> {
        let tail = s.get(3..).filter(|_| s[..3].eq_ignore_ascii_case(b"utf"))?;
        Some(tail.strip_prefix(b"-").unwrap_or(tail).to_vec())
    };
    match (rest(a), rest(b)) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(&b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_names_as_git_compares_them() {
        assert!(same_encoding(b"utf8", b"UTF-8"));
        assert!(same_encoding(b"Utf-8", b"UTF-8"));
        assert!(same_encoding(b"latin1", b"LATIN1"));
        assert!(!same_encoding(b"UTF-16", b"UTF-8"));
        assert!(!same_encoding(b"UTF--8", b"UTF-8"));
        assert!(!same_encoding(b"ut", b"UTF-8"));
    }

    #[test]
    fn the_first_encoding_header_before_the_message_counts() {
        let v = |raw: &[u8]| header_value(raw, b"encoding").map(<[u8]>::to_vec);
        assert_eq!(
            v(b"tree x\nencoding A\nencoding B\n\nm"),
            Some(b"A".to_vec())
        );
        assert_eq!(v(b"tree x\n\nencoding A\n"), None);
        assert_eq!(v(b"tree x\0\nencoding A\n"), None);
        assert_eq!(v(b"tree x\nencoding\n"), None);
        assert_eq!(v(b"tree x\nencoding \n"), Some(Vec::new()));
    }

    #[test]
    fn converted_as_git_converts() {
        let text = |raw: &[u8]| to_utf8(raw).text.into_owned();
        assert_eq!(
            text(b"tree x\nencoding UTF-7\n\n+AEM-o: 1\0+AEM-"),
            b"tree x\nencoding UTF-7\n\nCo: 1"
        );
        // A conversion that fails leaves the raw bytes.
        assert_eq!(
            text(b"encoding UTF-7\n\n+0000 x"),
            b"encoding UTF-7\n\n+0000 x"
        );
        assert_eq!(
            text(b"encoding latin-1\n\n\xe9"),
            "encoding latin-1\n\n\u{e9}".as_bytes()
        );
        assert_eq!(text(b"encoding utf8\n\n\xe9"), b"encoding utf8\n\n\xe9");
        let unknown = to_utf8(b"encoding X-NONE\n\nx");
        assert_eq!(unknown.unknown_encoding.as_deref(), Some("X-NONE"));
        assert_eq!(&*unknown.text, b"encoding X-NONE\n\nx");
    }
}
